/* The profiler and the run reports: JSON parsing, trace.json structure,
 * kernel times against wall time, FLOPs against the analytic count, and
 * report.md round-tripping through `clmlp report`. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "clmlp/json_parse.h"
#include "harness.h"

/* ---- JSON parser ---- */

static clmlp_jv *parse_ok(const char *text)
{
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (clmlp_json_parse(text, strlen(text), &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "parse failed: %s", err.msg);
    return v;
}

static void check_parse_error(const char *text, const char *expected)
{
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    CHECK_INT(clmlp_json_parse(text, strlen(text), &v, &err), -1);
    CHECK(v == NULL);
    CHECK_INT(err.code, 3);
    CHECK_STR(err.msg, expected);
}

static void json_parse_values(void)
{
    clmlp_jv *v = parse_ok(" {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\n\\u00e9\\ud83d\\ude00\\\"\","
                           " \"o\": {\"k\": {}}, \"e\": []} ");
    if (!v)
        return;
    const clmlp_jv *a = clmlp_jv_get(v, "a");
    CHECK(a && a->kind == CLMLP_JV_ARRAY && a->count == 5);
    if (a && a->count == 5) {
        CHECK_NEAR(clmlp_jv_number(&a->items[1], 0), -2500, 0);
        CHECK(a->items[2].kind == CLMLP_JV_BOOL && a->items[2].boolean);
        CHECK(a->items[3].kind == CLMLP_JV_BOOL && !a->items[3].boolean);
        CHECK(a->items[4].kind == CLMLP_JV_NULL);
    }
    CHECK_STR(clmlp_jv_string(clmlp_jv_get(v, "s"), ""), "x\n\xc3\xa9\xf0\x9f\x98\x80\"");
    CHECK(clmlp_jv_path(v, "o.k") && clmlp_jv_path(v, "o.k")->kind == CLMLP_JV_OBJECT);
    CHECK(clmlp_jv_path(v, "o.missing") == NULL);
    CHECK(clmlp_jv_path(v, "a.x") == NULL); /* not an object */
    CHECK_NEAR(clmlp_jv_number(clmlp_jv_get(v, "s"), 7), 7, 0); /* mistyped -> fallback */
    clmlp_jv_free(v);
}

static void json_parse_errors_name_line_and_column(void)
{
    check_parse_error("[1, 2 3]", "1:7: expected ',' or ']'");
    check_parse_error("{\n  \"a\": 1,\n  b: 2}", "3:3: expected a string key");
    check_parse_error("{\"a\": 1} x", "1:10: unexpected text after the JSON value");
    check_parse_error("\"abc", "1:2: unterminated string");
    check_parse_error("[01]", "1:2: malformed number");
    check_parse_error("[1, 1.2.3]", "1:5: malformed number");
    check_parse_error("", "1:1: unexpected end of input");
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    check_parse_error(deep, "1:66: nested too deeply");
}

/* ---- a profiled run ---- */

typedef struct run_files {
    char dir[1024];
    clmlp_jv *report, *trace;
} run_files;

static clmlp_jv *parse_file(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len = 0;
    char *text = test_read_file(path, &len);
    if (!text) {
        test_fail(__FILE__, __LINE__, "%s was not written", path);
        return NULL;
    }
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (clmlp_json_parse(text, len, &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s does not parse: %s", path, err.msg);
    free(text);
    return v;
}

/* tiny-mnist (784-64-10, batch 100) for `epochs`, tracing 5 steps. */
static bool profiled_run(run_files *rf, int epochs, const char *extra)
{
    static char out[200000];
    char args[2048];
    test_mnist_dir();
    snprintf(rf->dir, sizeof rf->dir, "%s/run", test_tmpdir());
    snprintf(args, sizeof args,
             "train configs/tiny-mnist.yaml --set training.epochs=%d --set profile.trace_steps=5 %s --out '%s'",
             epochs, extra, rf->dir);
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "%s\n", out);
        return false;
    }
    rf->report = parse_file(rf->dir, "report.json");
    rf->trace = parse_file(rf->dir, "trace.json");
    return rf->report != NULL;
}

static void run_files_free(run_files *rf)
{
    clmlp_jv_free(rf->report);
    clmlp_jv_free(rf->trace);
}

static double num(const clmlp_jv *v, const char *path) { return clmlp_jv_number(clmlp_jv_path(v, path), NAN); }
static const char *str(const clmlp_jv *v, const char *path) { return clmlp_jv_string(clmlp_jv_path(v, path), ""); }

static int by_start(const void *a, const void *b)
{
    double x = num(*(const clmlp_jv *const *)a, "ts"), y = num(*(const clmlp_jv *const *)b, "ts");
    double dx = num(*(const clmlp_jv *const *)a, "dur"), dy = num(*(const clmlp_jv *const *)b, "dur");
    if (x != y)
        return x < y ? -1 : 1;
    return (dx < dy) - (dx > dy); /* same start: the longer (outer) one first */
}

/* Complete events of one pid, sorted by start, must nest like a call
 * stack: each one either ends before the next starts or contains it. */
static void check_nesting(const clmlp_jv *events, int pid, int *count)
{
    const clmlp_jv *xs[4096];
    int n = 0;
    for (size_t i = 0; i < events->count && n < 4096; i++)
        if (strcmp(str(&events->items[i], "ph"), "X") == 0 && num(&events->items[i], "pid") == pid)
            xs[n++] = &events->items[i];
    qsort(xs, (size_t)n, sizeof *xs, by_start);
    const double slack = 0.01; /* µs: printing rounds */
    double stack_end[64];
    int depth = 0;
    for (int i = 0; i < n; i++) {
        double ts = num(xs[i], "ts"), end = ts + num(xs[i], "dur");
        CHECK(num(xs[i], "dur") >= 0);
        while (depth > 0 && ts >= stack_end[depth - 1] - slack)
            depth--;
        if (depth > 0 && end > stack_end[depth - 1] + slack)
            test_fail(__FILE__, __LINE__, "pid %d: '%s' at %.3f us overlaps its enclosing event without nesting",
                      pid, str(xs[i], "name"), ts);
        if (depth < 64)
            stack_end[depth++] = end;
    }
    *count = n;
}

static void trace_json_nests_per_track(void)
{
    run_files rf = {0};
    if (!profiled_run(&rf, 2, ""))
        return;
    const clmlp_jv *events = clmlp_jv_get(rf.trace, "traceEvents");
    CHECK(events && events->kind == CLMLP_JV_ARRAY);
    if (!events) {
        run_files_free(&rf);
        return;
    }
    int host = 0, device = 0, counters = 0, steps = 0, names = 0;
    bool saw_phase[10] = {0};
    static const char *const phases[] = {"config", "load",  "device", "compile", "upload",
                                         "warmup", "train", "eval",   "probe",   "report"};
    for (size_t i = 0; i < events->count; i++) {
        const clmlp_jv *e = &events->items[i];
        const char *ph = str(e, "ph");
        if (strcmp(ph, "M") == 0)
            names += strcmp(str(e, "name"), "process_name") == 0;
        if (strcmp(ph, "C") == 0) {
            counters++;
            CHECK(num(e, "args.host_rss") > 0);
        }
        if (strcmp(ph, "X") == 0 && num(e, "pid") == 1)
            for (int p = 0; p < 10; p++)
                saw_phase[p] |= strcmp(str(e, "name"), phases[p]) == 0;
        if (strcmp(ph, "X") == 0 && num(e, "pid") == 2 && strcmp(str(e, "cat"), "train") == 0) {
            steps++;
            CHECK(num(e, "args.step") >= 1 && num(e, "args.step") <= 5);
            CHECK(num(e, "args.epoch") == 1);
            CHECK(num(e, "args.queued_us_before_start") >= num(e, "args.submitted_us_before_start"));
        }
    }
    check_nesting(events, 1, &host);
    check_nesting(events, 2, &device);
    CHECK_INT(names, 2); /* host and device processes are named */
    for (int p = 0; p < 10; p++)
        if (!saw_phase[p])
            test_fail(__FILE__, __LINE__, "no host span for phase %s", phases[p]);
    CHECK_INT(steps, 5 * 10); /* 5 traced steps x 10 launches of the tiny plan */
    CHECK(host >= 10 + 2);    /* phases and 2 epochs */
    CHECK(device > steps);    /* plus evaluation and transfers */
    CHECK(counters >= 10);    /* a memory sample per phase */
    run_files_free(&rf);
}

static void kernel_times_flops_and_memory_add_up(void)
{
    run_files rf = {0};
    if (!profiled_run(&rf, 2, ""))
        return;
    const clmlp_jv *ks = clmlp_jv_get(rf.report, "kernels");
    CHECK(ks && ks->count > 0);
    double train_ms = 0, gemm_flops = 0;
    long steps = 2 * (long)num(rf.report, "data.steps_per_epoch");
    for (size_t i = 0; ks && i < ks->count; i++) {
        const clmlp_jv *k = &ks->items[i];
        if (strcmp(str(k, "phase"), "train") != 0)
            continue;
        CHECK_INT((long)num(k, "calls"), steps);
        train_ms += num(k, "device_ms_total");
        if (strncmp(str(k, "name"), "gemm", 4) == 0) {
            gemm_flops += num(k, "flops_per_call");
            double expect = num(k, "flops_per_call") * steps / (num(k, "device_ms_total") * 1e-3) / 1e9;
            CHECK_NEAR(num(k, "gflops"), expect, expect * 1e-6);
        }
    }
    /* 784-64-10, batch B = 100: forward 2B(784*64 + 64*10) + bias B(64 + 10),
     * weight gradients 2B(784*64 + 64*10), input gradient of layer 2: 2B*64*10. */
    const double B = 100, analytic = 2 * B * (784 * 64 + 64 * 10) + B * (64 + 10) + 2 * B * (784 * 64 + 64 * 10) +
                                     2 * B * 64 * 10;
    CHECK_NEAR(gemm_flops, analytic, 0.5);
    double train_wall_ms = num(rf.report, "train.seconds") * 1e3;
    CHECK(train_ms <= train_wall_ms);
    CHECK_NEAR(num(rf.report, "profile.train_device_seconds") * 1e3, train_ms, 1e-6 * train_ms + 1e-9);
    /* On PoCL the device is the CPU: kernel time is most of a step. */
    CHECK(train_ms >= 0.25 * train_wall_ms);
    CHECK(num(rf.report, "memory.host_peak_bytes") > 1e6);
    CHECK(num(rf.report, "memory.device_alloc_bytes") >=
          num(rf.report, "memory.device_plan_bytes") + num(rf.report, "memory.device_dataset_bytes"));
    CHECK(num(rf.report, "device.probe.gemm_gflops") > 0);
    run_files_free(&rf);
}

static void report_md_round_trips_through_clmlp_report(void)
{
    run_files rf = {0};
    if (!profiled_run(&rf, 1, ""))
        return;
    char md[1200], args[1400];
    snprintf(md, sizeof md, "%s/report.md", rf.dir);
    char *first = test_read_file(md, NULL);
    CHECK_CONTAINS(first, "## Where the device time goes");
    CHECK_CONTAINS(first, "| 1 | `");
    CHECK_CONTAINS(first, "host peak resident set");
    remove(md);
    static char out[8192];
    snprintf(args, sizeof args, "report '%s'", rf.dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    char *second = test_read_file(md, NULL);
    CHECK(first && second && strcmp(first, second) == 0);
    free(second);

    /* A damaged report.json is refused with its position; report.md stays. */
    char json[1200];
    snprintf(json, sizeof json, "%s/report.json", rf.dir);
    FILE *f = fopen(json, "w");
    if (f) {
        fputs("{\"name\": \"x\",\n \"device\": }\n", f);
        fclose(f);
    }
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 3);
    CHECK_CONTAINS(out, "report.json: 2:12: expected a value");
    second = test_read_file(md, NULL);
    CHECK(first && second && strcmp(first, second) == 0);
    free(second);
    f = fopen(json, "w");
    if (f) {
        fputs("{\"clmlp_report_version\": \"1\", \"name\": \"x\"}\n", f);
        fclose(f);
    }
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 3);
    CHECK_CONTAINS(out, "missing key 'device.name'");
    CHECK_INT(test_run_clmlp("report /nonexistent/run", out, sizeof out), 3);
    CHECK_CONTAINS(out, "cannot read report '/nonexistent/run/report.json'");
    free(first);
    run_files_free(&rf);
}

static void profiling_off_writes_no_trace(void)
{
    run_files rf = {0};
    static char out[8192];
    char args[2048], dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/off", test_tmpdir());
    snprintf(args, sizeof args, "train configs/tiny-mnist.yaml --set training.epochs=1 --set profile.enabled=false "
                                "--out '%s'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    rf.report = parse_file(dir, "report.json");
    const clmlp_jv *ks = clmlp_jv_get(rf.report, "kernels");
    CHECK(ks && ks->count == 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/trace.json", dir);
    struct stat st;
    CHECK(stat(path, &st) != 0);
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "Profiling was off");
    free(md);
    run_files_free(&rf);
}

const test_case report_tests[] = {
    {"json_parse_values", json_parse_values, false},
    {"json_parse_errors_name_line_and_column", json_parse_errors_name_line_and_column, false},
    {"trace_json_nests_per_track", trace_json_nests_per_track, true},
    {"kernel_times_flops_and_memory_add_up", kernel_times_flops_and_memory_add_up, true},
    {"report_md_round_trips_through_clmlp_report", report_md_round_trips_through_clmlp_report, true},
    {"profiling_off_writes_no_trace", profiling_off_writes_no_trace, true},
    {NULL, NULL, false},
};
