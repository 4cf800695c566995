/* report.md: the readable view of one run, rendered from report.json (its
 * parsed tree), so `clmlp report RUN_DIR` and the run itself produce the
 * same file from the same record. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/probe.h"
#include "clmlp/report.h"

enum { TOP_KERNELS = 15 };

/* Keys the renderer needs, per model kind (config.kind; a report without it is an MLP's). */
typedef enum { ANY_KIND, MLP_ONLY, SVM_ONLY } kind_rule;
static const struct {
    const char *path;
    kind_rule kind;
} required[] = {
    {"name", ANY_KIND},          {"device.name", ANY_KIND},   {"config.batch_size", MLP_ONLY},
    {"train.seconds", ANY_KIND}, {"train.epochs", ANY_KIND},  {"eval.accuracy", ANY_KIND},
    {"eval.seconds", ANY_KIND},  {"phases", ANY_KIND},        {"memory", ANY_KIND},
    {"kernels", ANY_KIND},       {"profile", ANY_KIND},       {"plan.launches_per_step", MLP_ONLY},
    {"svm", SVM_ONLY},
};

/* Values the renderer prints as numbers: anything else would print as 0. */
static const char *const numbers[] = {
    "config.lr",           "config.batch_size",      "config.epochs",          "train.seconds",
    "train.images_per_second", "train.check_seconds", "eval.examples",         "eval.seconds",
    "eval.images_per_second", "plan.launches_per_step", "plan.flops_per_step", "plan.bytes_per_step",
    "data.dropped_per_epoch", "profile.train_device_seconds", "profile.train_device_share", "profile.events",
    "profile.host_seconds", "svm.C", "svm.gamma", "svm.tol", "svm.classes", "svm.pairs", "svm.support_vectors",
    "svm.largest_problem", "svm.blocks", "svm.iterations", "svm.kernel_rows_computed", "svm.hit_max_iter",
    "svm.max_violation", "svm.kernel_seconds", "svm.solver_seconds", "svm.kernel_gflops", "svm.kernel_flops",
    "svm.predict_flops", "svm.cache_bytes"};

/* The same inside the arrays the renderer walks. */
typedef struct {
    const char *array;
    const char *keys[8];
} array_numbers;
static const array_numbers item_numbers[] = {
    {"train.epochs", {"epoch", "loss", "seconds"}},
    {"phases", {"seconds", "host_rss_start_bytes", "host_rss_end_bytes", "host_rss_growth_bytes", "host_peak_bytes"}},
    {"kernels", {"calls", "device_ms_total", "device_ms_mean", "share_of_phase_wall", "gflops", "gbps",
                 "roofline_pct"}},
};

static const char *kind_name(clmlp_jv_kind kind)
{
    static const char *const names[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
    return names[kind];
}

/* A number, or null (not measured, printed as such); missing keys are an older report's. */
static int check_number(const clmlp_jv *v, const char *path, clmlp_err *err)
{
    if (!v || v->kind == CLMLP_JV_NUMBER || v->kind == CLMLP_JV_NULL)
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: expected a number, got %s", path, kind_name(v->kind));
}

static int check_kind(const clmlp_jv *r, const char *path, clmlp_jv_kind kind, clmlp_err *err)
{
    const clmlp_jv *v = clmlp_jv_path(r, path);
    if (v->kind == kind)
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: expected %s, got %s", path, kind_name(kind), kind_name(v->kind));
}

static int check_items(const clmlp_jv *r, const array_numbers *a, clmlp_err *err)
{
    const clmlp_jv *items = clmlp_jv_path(r, a->array);
    for (size_t i = 0; i < items->count; i++)
        for (size_t k = 0; k < CLMLP_ARRAY_LEN(a->keys) && a->keys[k]; k++) {
            char path[96];
            snprintf(path, sizeof path, "%s[%zu].%s", a->array, i, a->keys[k]);
            if (check_number(clmlp_jv_get(&items->items[i], a->keys[k]), path, err) < 0)
                return -1;
        }
    return 0;
}

/* A plain array of numbers (support vectors per class). */
static int check_number_array(const clmlp_jv *r, const char *path, clmlp_err *err)
{
    const clmlp_jv *a = clmlp_jv_path(r, path);
    if (!a)
        return 0;
    if (a->kind != CLMLP_JV_ARRAY)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: expected an array, got %s", path, kind_name(a->kind));
    for (size_t i = 0; i < a->count; i++) {
        char item[96];
        snprintf(item, sizeof item, "%s[%zu]", path, i);
        if (check_number(&a->items[i], item, err) < 0)
            return -1;
    }
    return 0;
}

/* config.kind: "mlp", "svm", or absent (a report from before SVMs: an MLP's). */
static int check_model_kind(const clmlp_jv *r, bool *svm, clmlp_err *err)
{
    const clmlp_jv *v = clmlp_jv_path(r, "config.kind");
    const char *s = clmlp_jv_string(v, "mlp");
    *svm = strcmp(s, "svm") == 0;
    if (!v || *svm || (v->kind == CLMLP_JV_STRING && strcmp(s, "mlp") == 0))
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_DATA, "config.kind: expected \"mlp\" or \"svm\", got %.40s",
                      v->kind == CLMLP_JV_STRING ? s : kind_name(v->kind));
}

static bool is_svm(const clmlp_jv *r)
{
    return strcmp(clmlp_jv_string(clmlp_jv_path(r, "config.kind"), "mlp"), "svm") == 0;
}

/* "ok", "diverged: <why>" or "failed: <error>"; absent in reports from before it existed (ok). */
static int check_status(const clmlp_jv *r, clmlp_err *err)
{
    const clmlp_jv *v = clmlp_jv_get(r, "status");
    if (!v)
        return 0;
    const char *s = clmlp_jv_string(v, "");
    if (strcmp(s, "ok") == 0 || strncmp(s, "diverged: ", 10) == 0 || strncmp(s, "failed: ", 8) == 0)
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_DATA, "status: expected \"ok\", \"diverged: ...\" or \"failed: ...\", got %.40s",
                      v->kind == CLMLP_JV_STRING ? s : kind_name(v->kind));
}

int clmlp_report_md_check(const clmlp_jv *report, clmlp_err *err)
{
    const char *version = clmlp_jv_string(clmlp_jv_get(report, "clmlp_report_version"), NULL);
    if (!version)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "missing key 'clmlp_report_version' (not a clmlp report.json)");
    if (strcmp(version, "1") != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "clmlp_report_version is '%.20s'; this clmlp reads version 1", version);
    bool svm;
    if (check_model_kind(report, &svm, err) < 0)
        return -1;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(required); i++)
        if (required[i].kind != (svm ? MLP_ONLY : SVM_ONLY) && !clmlp_jv_path(report, required[i].path))
            return clmlp_fail(err, CLMLP_EXIT_DATA,
                              "missing key '%s' (not a clmlp report.json, or one from an older version)",
                              required[i].path);
    if (check_kind(report, "train.epochs", CLMLP_JV_ARRAY, err) < 0 ||
        check_kind(report, "phases", CLMLP_JV_ARRAY, err) < 0 ||
        check_kind(report, "kernels", CLMLP_JV_ARRAY, err) < 0 || check_status(report, err) < 0 ||
        (svm && check_kind(report, "svm", CLMLP_JV_OBJECT, err) < 0) ||
        check_number_array(report, "svm.support_vectors_per_class", err) < 0)
        return -1;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(numbers); i++)
        if (check_number(clmlp_jv_path(report, numbers[i]), numbers[i], err) < 0)
            return -1;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(item_numbers); i++)
        if (check_items(report, &item_numbers[i], err) < 0)
            return -1;
    const clmlp_jv *acc = clmlp_jv_path(report, "eval.accuracy");
    if (acc->kind == CLMLP_JV_NULL || (acc->kind == CLMLP_JV_NUMBER && acc->number >= 0 && acc->number <= 1))
        return 0;
    if (acc->kind == CLMLP_JV_NUMBER)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "eval.accuracy: %g is out of range (a share, 0..1)", acc->number);
    return clmlp_fail(err, CLMLP_EXIT_DATA, "eval.accuracy: expected a number in 0..1, got %s", kind_name(acc->kind));
}

static bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

/* One string with its control characters as escapes (each at most 4 bytes). */
static void escape_string(char **s)
{
    size_t n = strlen(*s), extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += is_control((unsigned char)(*s)[i]) ? 3 : 0;
    if (!extra)
        return;
    char *out = malloc(n + extra + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)(*s)[i];
        if (!out)
            (*s)[i] = is_control(c) ? '?' : (char)c; /* out of memory: at least no line breaks */
        else if (!is_control(c))
            *o++ = (char)c;
        else
            o += c == '\n' ? sprintf(o, "\\n") : c == '\t' ? sprintf(o, "\\t") : sprintf(o, "\\x%02x", c);
    }
    if (!out)
        return;
    *o = '\0';
    free(*s);
    *s = out;
}

void clmlp_report_md_escape(clmlp_jv *report)
{
    if (report->kind == CLMLP_JV_STRING)
        escape_string(&report->string);
    for (size_t i = 0; (report->kind == CLMLP_JV_ARRAY || report->kind == CLMLP_JV_OBJECT) && i < report->count; i++)
        clmlp_report_md_escape(&report->items[i]);
}

static double num(const clmlp_jv *r, const char *path) { return clmlp_jv_number(clmlp_jv_path(r, path), 0); }
static const char *str(const clmlp_jv *r, const char *path) { return clmlp_jv_string(clmlp_jv_path(r, path), "?"); }
static double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

/* "12.3" or "n/a" for a null (not measured) value. */
static void opt_number(const clmlp_jv *v, const char *fmt, char *buf, size_t cap)
{
    if (v && v->kind == CLMLP_JV_NUMBER)
        snprintf(buf, cap, fmt, v->number);
    else
        snprintf(buf, cap, "n/a");
}

/* The status first: a reader must know a run diverged or failed before reading its figures. */
static void status(FILE *out, const clmlp_jv *r)
{
    const char *s = clmlp_jv_string(clmlp_jv_get(r, "status"), "ok");
    if (strcmp(s, "ok") == 0) {
        fprintf(out, "**Status: ok**\n\n");
        return;
    }
    size_t word = strcspn(s, ":");
    fprintf(out, "**Status: %.*s**%s\n\n", (int)word, s, s + word);
    fprintf(out, "The figures below are what the run measured%s.\n\n",
            s[0] == 'd' ? "; its accuracy says nothing about the recipe" : " until it failed: the epochs it finished");
}

static void model_mlp(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *layers = clmlp_jv_path(r, "config.layers");
    fprintf(out, "- **Model**: ");
    for (size_t i = 0; layers && i < layers->count; i++)
        fprintf(out, "%s%.0f", i ? "-" : "", clmlp_jv_number(&layers->items[i], 0));
    fprintf(out, " %s, %s lr %g, batch %.0f, %.0f epochs (%s, gemm %s)\n", str(r, "config.activation"),
            str(r, "config.optimizer"), num(r, "config.lr"), num(r, "config.batch_size"), num(r, "config.epochs"),
            clmlp_jv_path(r, "config.fuse") && clmlp_jv_path(r, "config.fuse")->boolean ? "fused" : "unfused",
            str(r, "config.gemm"));
}

static void model_svm(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *layers = clmlp_jv_path(r, "config.layers");
    bool has = layers && layers->kind == CLMLP_JV_ARRAY && layers->count;
    double input = has ? clmlp_jv_number(&layers->items[0], 0) : 0;
    fprintf(out, "- **Model**: SVM (scikit-learn's SVC), %s kernel, C %g, gamma %.6g (`%s`), one-vs-one over %.0f "
                 "classes of %.0f inputs: %.0f support vectors (gemm %s)\n",
            str(r, "svm.kernel"), num(r, "svm.C"), num(r, "svm.gamma"), str(r, "svm.gamma_setting"),
            num(r, "svm.classes"), input, num(r, "svm.support_vectors"), str(r, "config.gemm"));
}

static void summary(FILE *out, const clmlp_jv *r)
{
    bool svm = is_svm(r);
    fprintf(out, "# clmlp run: %s\n\n", str(r, "name"));
    status(out, r);
    fprintf(out, "- **Device**: %s (%s, %s, driver %s)\n", str(r, "device.name"), str(r, "device.type"),
            str(r, "device.platform"), str(r, "device.driver_version"));
    if (svm)
        model_svm(out, r);
    else
        model_mlp(out, r);
    double epochs = (double)clmlp_jv_path(r, "train.epochs")->count;
    if (clmlp_jv_path(r, "eval.accuracy")->kind == CLMLP_JV_NUMBER)
        fprintf(out, "- **Accuracy**: %.2f %% on %.0f test images\n", 100.0 * num(r, "eval.accuracy"),
                num(r, "eval.examples"));
    else if (clmlp_jv_path(r, "eval.unlabeled") && clmlp_jv_path(r, "eval.unlabeled")->boolean)
        fprintf(out, "- **Accuracy**: not evaluated: the test set has no labels (`clmlp predict RUN_DIR DATA` "
                     "predicts it)\n");
    else
        fprintf(out, "- **Accuracy**: not evaluated (the run ended before its evaluation)\n");
    if (svm) /* one training, no epochs: images/s is the training set over the whole training */
        fprintf(out, "- **Train**: %.3f s for %.0f images (one training, no epochs), %.0f images/s\n",
                num(r, "train.seconds"), num(r, "data.train_examples"), num(r, "train.images_per_second"));
    else
        fprintf(out, "- **Train**: %.2f s (%.3f s per epoch), %.0f images/s\n", num(r, "train.seconds"),
                epochs > 0 ? num(r, "train.seconds") / epochs : 0, num(r, "train.images_per_second"));
    fprintf(out, "- **Eval**: %.3f s, %.0f images/s\n", num(r, "eval.seconds"), num(r, "eval.images_per_second"));
    if (svm) {
        fputc('\n', out);
        return;
    }
    fprintf(out, "- **Plan**: %.0f launches per step, %.1f MFLOP and %.2f MiB moved per step\n\n",
            num(r, "plan.launches_per_step"), num(r, "plan.flops_per_step") / 1e6, mib(num(r, "plan.bytes_per_step")));
}

static void phases(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *ph = clmlp_jv_get(r, "phases");
    fprintf(out, "## Phases (host wall clock and host memory)\n\n");
    fprintf(out, "| phase | seconds | RSS at start (MiB) | RSS at end (MiB) | growth (MiB) | peak so far (MiB) |\n");
    fprintf(out, "|---|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < ph->count; i++) {
        const clmlp_jv *p = &ph->items[i];
        fprintf(out, "| %s | %.3f | %.1f | %.1f | %+.1f | %.1f |\n", str(p, "name"), num(p, "seconds"),
                mib(num(p, "host_rss_start_bytes")), mib(num(p, "host_rss_end_bytes")),
                mib(num(p, "host_rss_growth_bytes")), mib(num(p, "host_peak_bytes")));
    }
    fprintf(out, "\n");
}

static void spread_row(FILE *out, const char *what, const clmlp_jv *s, const char *unit, const char *where)
{
    fprintf(out, "| %s | %.1f %s | %.1f | %.1f–%.1f (%.0f runs) | %s |\n", what, num(s, "best"), unit,
            num(s, "median"), num(s, "min"), num(s, "max"), num(s, "n"), where);
}

static void format_bytes(double b, char *buf, size_t cap)
{
    if (b >= 1 << 20)
        snprintf(buf, cap, "%.0f MiB", b / (1 << 20));
    else
        snprintf(buf, cap, "%.0f KiB", b / 1024);
}

/* The probe's roofs with their spread, and when and how they were measured. */
static void roofs(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *p = clmlp_jv_path(r, "device.probe");
    if (!p || p->kind != CLMLP_JV_OBJECT || num(p, "gemm_gflops") <= 0) {
        fprintf(out, "Device roofs: not measured (`profile.probe: false`).\n\n");
        return;
    }
    const clmlp_jv *fl = clmlp_jv_get(p, "foreign_load");
    char load[160];
    if (fl && fl->kind == CLMLP_JV_NUMBER)
        snprintf(load, sizeof load, "other work kept %.2f cores busy meanwhile%s", fl->number,
                 fl->number > CLMLP_PROBE_MAX_FOREIGN_LOAD ? " (**under load**: the roofs may be low)" : "");
    else
        snprintf(load, sizeof load, "the host's load was not readable");
    fprintf(out, "The device's roofs (`clmlp devices --probe`), measured %s%s in %.1f s; load average %.2f, %s%s:\n\n",
            str(p, "measured_at"), clmlp_jv_get(p, "from_cache") && clmlp_jv_get(p, "from_cache")->boolean
                                       ? " (cached)" : "",
            num(p, "measure_seconds"), num(p, "loadavg"), load,
            num(p, "merges") > 0 ? "; the best of several measurements under load" : "");
    fprintf(out, "| roof | best | median | range | measured on |\n|---|---:|---:|---|---|\n");
    char where[256];
    snprintf(where, sizeof where, "%.0f³, best of %.0f tiles per form: %s", num(p, "gemm_size"),
             num(p, "gemm_square.tiles_per_form"), str(p, "gemm_square.tile"));
    spread_row(out, "GEMM, square", clmlp_jv_get(p, "gemm_square"), "GFLOP/s", where);
    const clmlp_jv *plan = clmlp_jv_get(p, "gemm_plan");
    if (plan && plan->kind == CLMLP_JV_OBJECT) {
        snprintf(where, sizeof where, "this run's fastest GEMM: %s", str(plan, "shape"));
        spread_row(out, "GEMM, the run's shapes", plan, "GFLOP/s", where);
    }
    const clmlp_jv *bw = clmlp_jv_get(p, "bandwidth");
    for (size_t i = 0; bw && bw->kind == CLMLP_JV_ARRAY && i < bw->count; i++) {
        char what[64], size[32];
        format_bytes(num(&bw->items[i], "working_set_bytes"), size, sizeof size);
        snprintf(what, sizeof what, "bandwidth, %s working set", size);
        spread_row(out, what, &bw->items[i], "GB/s", i + 1 == bw->count ? "stream y = a·y + x; the largest: DRAM"
                                                                          : "stream y = a·y + x");
    }
    spread_row(out, "launch", clmlp_jv_get(p, "launch"), "µs", "a burst of empty kernels, per launch");
    fprintf(out, "\nThe GEMM roof is the higher of the two GEMM rows (%.1f GFLOP/s); every figure is the best of its "
                 "runs, since noise only slows a device down.\n\n",
            num(p, "gemm_gflops"));
}

/* A table cell's text: a '|' (an RBF label's |x - y|) would end the cell. */
static void cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static int by_device_time(const void *a, const void *b)
{
    double x = num(*(const clmlp_jv *const *)a, "device_ms_total"), y = num(*(const clmlp_jv *const *)b, "device_ms_total");
    return (x < y) - (x > y);
}

static void kernels(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *ks = clmlp_jv_get(r, "kernels");
    fprintf(out, "## Where the device time goes\n\n");
    if (!clmlp_jv_path(r, "profile.enabled") || !clmlp_jv_path(r, "profile.enabled")->boolean) {
        fprintf(out, "Profiling was off (`profile.enabled: false`).\n\n");
        return;
    }
    fprintf(out, "Training kernels were busy on the device for %.2f s of %.2f s of training wall time (%.1f %%); "
                 "%.0f events read in %.3f s of host time.\n\n",
            num(r, "profile.train_device_seconds"), num(r, "train.seconds"),
            100.0 * num(r, "profile.train_device_share"), num(r, "profile.events"), num(r, "profile.host_seconds"));
    if (strcmp(str(r, "device.kernel_timing"), "host") == 0)
        fprintf(out, "**Kernel times are host-measured**: this device's profiling timestamps are not real (%s), so "
                     "each command was waited for and timed by the host clock, launch cost included, one at a "
                     "time; the step ran serialised.\n\n",
                str(r, "device.kernel_timing_why"));
    roofs(out, r);
    size_t n = ks->count;
    const clmlp_jv **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return;
    for (size_t i = 0; i < n; i++)
        sorted[i] = &ks->items[i];
    qsort(sorted, n, sizeof *sorted, by_device_time);
    if (is_svm(r))
        fprintf(out, "Top kernels by device time (%% of phase: share of that phase's wall time):\n\n");
    else
        fprintf(out, "Top kernels by device time (%% of phase: share of that phase's wall time, i.e. %% of a step for "
                     "training kernels):\n\n");
    fprintf(out, "| # | kernel | what | phase | calls | total ms | mean µs | %% of phase | GFLOP/s | GB/s | "
                 "bound | %% of roofline |\n");
    fprintf(out, "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (size_t i = 0; i < n && i < TOP_KERNELS; i++) {
        const clmlp_jv *k = sorted[i];
        char pct[64];
        opt_number(clmlp_jv_get(k, "roofline_pct"), "%.1f", pct, sizeof pct);
        const clmlp_jv *above = clmlp_jv_get(k, "above_roof");
        if (above && above->kind == CLMLP_JV_BOOL && above->boolean)
            snprintf(pct, sizeof pct, "over the roof: probe too low");
        fprintf(out, "| %zu | `", i + 1);
        cell(out, str(k, "name"));
        fprintf(out, "` | ");
        cell(out, str(k, "label"));
        fprintf(out, " | %s | %.0f | %.2f | %.1f | %.1f | %.1f | %.2f | %s | %s |\n", str(k, "phase"), num(k, "calls"),
                num(k, "device_ms_total"),
                num(k, "device_ms_mean") * 1e3, 100.0 * num(k, "share_of_phase_wall"), num(k, "gflops"),
                num(k, "gbps"), clmlp_jv_string(clmlp_jv_get(k, "bound"), "n/a"), pct);
    }
    fprintf(out, "\nBound: which roof applies to the kernel: the GEMM roof, or the bandwidth of the ladder level its "
                 "working set fits in (a cache-aware roofline), whichever gives the longer time. %% of roofline: the "
                 "roof's time for one call ÷ the measured mean. A kernel more than %.0f %% above its roof shows a "
                 "probe that measured too low (under load, say), not a kernel faster than the device: it reads "
                 "\"over the roof\", and the next run measures the device again.\n",
            100.0 * (CLMLP_ROOF_TOLERANCE - 1.0));
    if (n > TOP_KERNELS)
        fprintf(out, "\n%zu more in report.json (`kernels`).\n", n - TOP_KERNELS);
    fprintf(out, "\n");
    free(sorted);
}

/* What each device memory figure holds, per model kind. */
static const char *const memory_parts[2][3] = {
    {"buffer plan (params, grads, optimizer state, arena)", "dataset (uint8 pixels + labels)",
     "run buffers (orders, losses, predictions)"},
    {"plan (none: an SVM has no compiled plan)", "training operands (every example's left, right and transposed rows)",
     "kernel buffers (the GEMMs' chunks of rows and values)"},
};

static void memory(FILE *out, const clmlp_jv *r)
{
    const char *const *parts = memory_parts[is_svm(r)];
    fprintf(out, "## Memory\n\n");
    fprintf(out, "| what | MiB |\n|---|---:|\n");
    fprintf(out, "| host peak resident set | %.1f |\n", mib(num(r, "memory.host_peak_bytes")));
    fprintf(out, "| device, allocated by the run | %.2f |\n", mib(num(r, "memory.device_alloc_bytes")));
    fprintf(out, "| device, %s | %.2f |\n", parts[0], mib(num(r, "memory.device_plan_bytes")));
    fprintf(out, "| device, %s | %.2f |\n", parts[1], mib(num(r, "memory.device_dataset_bytes")));
    fprintf(out, "| device, %s | %.2f |\n\n", parts[2], mib(num(r, "memory.device_run_buffer_bytes")));
}

static void epochs(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *ep = clmlp_jv_path(r, "train.epochs");
    fprintf(out, "## Epochs\n\n| epoch | mean loss | seconds |\n|---:|---:|---:|\n");
    for (size_t i = 0; i < ep->count; i++) {
        const clmlp_jv *loss = clmlp_jv_get(&ep->items[i], "loss");
        char text[32] = "NaN/Inf"; /* JSON has no NaN: report.json holds null */
        if (loss && loss->kind == CLMLP_JV_NUMBER)
            snprintf(text, sizeof text, "%.6g", loss->number);
        fprintf(out, "| %.0f | %s | %.3f |\n", num(&ep->items[i], "epoch"), text, num(&ep->items[i], "seconds"));
    }
    fprintf(out, "\nAfter each epoch the loss, the parameters and their gradients were checked for NaN/Inf "
                 "(read back from the device: %.3f s in all).",
            num(r, "train.check_seconds"));
    if (num(r, "data.dropped_per_epoch") > 0)
        fprintf(out, " %.0f training images past the last whole batch were left out of every epoch "
                     "(`data.drop_last`).",
                num(r, "data.dropped_per_epoch"));
    fprintf(out, "\n\n");
}

/* "0: 120, 1: 80, ..." from svm.support_vectors_per_class. */
static void per_class(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *a = clmlp_jv_path(r, "svm.support_vectors_per_class");
    for (size_t i = 0; a && a->kind == CLMLP_JV_ARRAY && i < a->count; i++)
        fprintf(out, "%s%zu: %.0f", i ? ", " : "", i, clmlp_jv_number(&a->items[i], 0));
    if (!a || a->kind != CLMLP_JV_ARRAY || a->count == 0)
        fprintf(out, "n/a");
}

/* Whether the solver converged, in words. */
static void convergence(FILE *out, const clmlp_jv *r)
{
    char viol[32];
    opt_number(clmlp_jv_path(r, "svm.max_violation"), "%.3g", viol, sizeof viol);
    double capped = num(r, "svm.hit_max_iter"), v = num(r, "svm.max_violation"), tol = num(r, "svm.tol");
    fprintf(out, "| largest final KKT violation | %s (%s) |\n", viol,
            capped > 0 ? "some problems stopped at the iteration cap"
            : v < tol  ? "below tol: every problem converged"
                       : "not below tol");
    fprintf(out, "| problems stopped at the iteration cap | %.0f |\n", capped);
}

/* An SVM trains once, with no epochs or steps: what its solver did instead. */
static void svm_section(FILE *out, const clmlp_jv *r)
{
    double train = num(r, "train.seconds"), kernel = num(r, "svm.kernel_seconds");
    double solver = num(r, "svm.solver_seconds");
    double n = num(r, "data.train_examples"), sv = num(r, "svm.support_vectors"), pairs = num(r, "svm.pairs");
    fprintf(out, "## SVM\n\n");
    fprintf(out, "One-vs-one over %.0f classes (%.0f binary problems), each solved by SMO (LIBSVM's solver) on the "
                 "host over kernel values the device computes: GEMMs with an RBF epilogue, exp(-gamma |x - y|²).\n\n",
            num(r, "svm.classes"), pairs);
    fprintf(out, "| what | value |\n|---|---|\n");
    fprintf(out, "| kernel | %s |\n", str(r, "svm.kernel"));
    fprintf(out, "| C | %g |\n", num(r, "svm.C"));
    fprintf(out, "| gamma used | %.6g (`model.gamma: %s`) |\n", num(r, "svm.gamma"), str(r, "svm.gamma_setting"));
    fprintf(out, "| tol | %g |\n", num(r, "svm.tol"));
    fprintf(out, "| binary problems (pairs) | %.0f |\n", pairs);
    fprintf(out, "| support vectors | %.0f of %.0f training images (%.1f %%) |\n", sv, n, n > 0 ? 100.0 * sv / n : 0);
    fprintf(out, "| support vectors per class | ");
    per_class(out, r);
    fprintf(out, " |\n");
    fprintf(out, "| SMO iterations | %.0f |\n", num(r, "svm.iterations"));
    fprintf(out, "| kernel rows the solver asked for | %.0f |\n", num(r, "svm.kernel_rows_computed"));
    fprintf(out, "| problems from class blocks (GEMMs of class against class) | %.0f of %.0f |\n",
            num(r, "svm.blocks"), pairs);
    fprintf(out, "| problems row by row, a GEMM per row (LRU cache of %.0f MiB) | %.0f |\n",
            mib(num(r, "svm.cache_bytes")), fmax(pairs - num(r, "svm.blocks"), 0));
    fprintf(out, "| largest problem | %.0f examples |\n", num(r, "svm.largest_problem"));
    convergence(out, r);
    fprintf(out, "| training: kernel on the device | %.3f s (%.1f %%) |\n", kernel,
            train > 0 ? 100.0 * kernel / train : 0);
    fprintf(out, "| training: solver on the host | %.3f s (%.1f %%) |\n", solver,
            train > 0 ? 100.0 * solver / train : 0);
    fprintf(out, "| kernel GFLOP/s | %.1f (%.2f GFLOP) |\n", num(r, "svm.kernel_gflops"),
            num(r, "svm.kernel_flops") / 1e9);
    fprintf(out, "| prediction GEMMs | %.2f GFLOP |\n\n", num(r, "svm.predict_flops") / 1e9);
    fprintf(out, "Kernel: training wall time inside the kernel provider (GEMMs, copies, read-back); solver: the rest "
                 "of training, SMO on the host. A problem of two classes takes its kernel rows from class blocks: "
                 "K(a, b) by GEMM, each class's own block once for all its problems (kept within `model.cache_mb`), "
                 "a row put together when SMO asks for it; any other goes row by row, a GEMM per row. The solver's work grows faster than the training "
                 "set: `clmlp sweep CONFIG --over data.train.limit=...` fits how.\n\n");
}

/* mpirun -n N: the ranks, the allreduce and every rank's device (report.json's mpi). */
static void data_parallel(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *m = clmlp_jv_get(r, "mpi");
    if (!m || m->kind != CLMLP_JV_OBJECT)
        return;
    fprintf(out, "## Data parallel (MPI)\n\n");
    fprintf(out,
            "%.0f ranks, each on %.0f images of every global batch of %.0f; the gradients (%.2f MiB) were summed "
            "with MPI_Allreduce after every step: %.3f ms median (%.3f-%.3f) over %.0f steps on rank 0, %.1f %% of its "
            "training time.\n\n",
            num(m, "ranks"), num(m, "global_batch") / fmax(num(m, "ranks"), 1), num(m, "global_batch"),
            mib(num(m, "allreduce.bytes_per_step")), 1e3 * num(m, "allreduce.seconds_per_step_median"),
            1e3 * num(m, "allreduce.seconds_per_step_min"), 1e3 * num(m, "allreduce.seconds_per_step_max"),
            num(m, "allreduce.steps"), 100.0 * num(m, "allreduce.share_of_train"));
    fprintf(out, "| rank | device | platform | training s | allreduce s |\n|---:|---|---|---:|---:|\n");
    const clmlp_jv *ranks = clmlp_jv_get(m, "per_rank");
    for (size_t i = 0; ranks && ranks->kind == CLMLP_JV_ARRAY && i < ranks->count; i++) {
        const clmlp_jv *k = &ranks->items[i];
        fprintf(out, "| %.0f | %s | %s | %.3f | %.3f |\n", num(k, "rank"), str(k, "device"), str(k, "platform"),
                num(k, "train_seconds"), num(k, "allreduce_seconds"));
    }
    fprintf(out, "\n");
}

int clmlp_report_write_md(FILE *out, const void *ctx)
{
    const clmlp_report_md *md = ctx;
    const clmlp_jv *r = md->report;
    summary(out, r);
    phases(out, r);
    kernels(out, r);
    memory(out, r);
    if (is_svm(r))
        svm_section(out, r);
    else
        epochs(out, r);
    data_parallel(out, r);
    fprintf(out, "Files: report.json (all figures, keys in the README), %sconfig.yaml (the effective config).\n",
            md->has_trace ? "trace.json (open in ui.perfetto.dev), " : "");
    return ferror(out) ? -1 : 0;
}
