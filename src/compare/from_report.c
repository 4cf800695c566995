/* A comparison of one device from an existing run's report.json, so
 * `clmlp extrapolate --from RUN_DIR` needs no new measurement: the measured
 * figures come from the report, the plans (for the roofline) from compiling
 * the config without a device. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/compare.h"
#include "clmlp/json_parse.h"
#include "clmlp/report.h"

static cl_device_type type_of(const char *name)
{
    if (strcmp(name, "gpu") == 0)
        return CL_DEVICE_TYPE_GPU;
    if (strcmp(name, "accelerator") == 0)
        return CL_DEVICE_TYPE_ACCELERATOR;
    if (strcmp(name, "custom") == 0)
        return CL_DEVICE_TYPE_CUSTOM;
    return CL_DEVICE_TYPE_CPU;
}

static double num(const clmlp_jv *root, const char *path) { return clmlp_jv_number(clmlp_jv_path(root, path), 0); }

/* Counts come back as doubles, and converting one outside its type's range
 * is undefined behaviour: each is checked first, then stored. */
typedef enum { AS_INT, AS_UNSIGNED, AS_LONG, AS_INT64, AS_SIZE } count_type;

typedef struct {
    const char *path;
    count_type type;
    void *dst;
} count_field;

/* The largest value of each type a count may take; 2^53 for the 64-bit
 * ones, where doubles still hold every integer. */
static double count_max(count_type t)
{
    return t == AS_INT ? INT_MAX : t == AS_UNSIGNED ? UINT_MAX : 9007199254740992.0;
}

/* v as a whole number in 0..count_max(type) into dst; missing = 0 (an older report). */
static int read_count(const clmlp_jv *v, const char *what, count_type type, void *dst, const char *origin,
                      clmlp_err *err)
{
    double x = v ? clmlp_jv_number(v, NAN) : 0;
    if (!(x >= 0 && x <= count_max(type) && x == floor(x))) {
        char shown[32] = "not a number";
        if (v && v->kind == CLMLP_JV_NUMBER)
            snprintf(shown, sizeof shown, "%g", x);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: %s is %s, not a count in 0..%.0f", origin, what, shown,
                          count_max(type));
    }
    switch (type) {
    case AS_INT: *(int *)dst = (int)x; break;
    case AS_UNSIGNED: *(unsigned *)dst = (unsigned)x; break;
    case AS_LONG: *(long *)dst = (long)x; break;
    case AS_INT64: *(int64_t *)dst = (int64_t)x; break;
    case AS_SIZE: *(size_t *)dst = (size_t)x; break;
    }
    return 0;
}

static int read_counts(const clmlp_jv *root, const count_field *f, size_t n, const char *origin, clmlp_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (read_count(clmlp_jv_path(root, f[i].path), f[i].path, f[i].type, f[i].dst, origin, err) < 0)
            return -1;
    return 0;
}

/* Per-kernel device times back into profiler stats (name, phase, calls, seconds). */
static int read_kernels(const clmlp_jv *root, const char *origin, clmlp_profiler *p, clmlp_err *err)
{
    const clmlp_jv *ks = clmlp_jv_get(root, "kernels");
    if (!ks || ks->kind != CLMLP_JV_ARRAY || ks->count == 0)
        return 0;
    p->stats = clmlp_calloc(ks->count, sizeof *p->stats, err);
    if (!p->stats)
        return -1;
    for (size_t i = 0; i < ks->count; i++) {
        clmlp_kernel_stats *k = &p->stats[p->n_stats++];
        char what[48];
        snprintf(what, sizeof what, "kernels[%zu].calls", i);
        if (read_count(clmlp_jv_get(&ks->items[i], "calls"), what, AS_LONG, &k->calls, origin, err) < 0)
            return -1;
        clmlp_strlcpy(k->name, clmlp_jv_string(clmlp_jv_get(&ks->items[i], "name"), ""), sizeof k->name);
        clmlp_strlcpy(k->phase, clmlp_jv_string(clmlp_jv_get(&ks->items[i], "phase"), ""), sizeof k->phase);
        k->device_seconds = num(&ks->items[i], "device_ms_total") / 1e3;
    }
    p->cap_stats = p->n_stats;
    return 0;
}

/* A run that failed was cut short: its times describe no whole run. */
static int check_finished(const clmlp_jv *root, const char *path, clmlp_err *err)
{
    const char *version = clmlp_jv_string(clmlp_jv_get(root, "clmlp_report_version"), "1");
    if (strcmp(version, "1") != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: clmlp_report_version is '%.20s'; this clmlp reads version 1",
                          path, version);
    const char *status = clmlp_jv_string(clmlp_jv_get(root, "status"), "ok");
    if (strncmp(status, "failed", 6) == 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: the run failed (%.200s); extrapolate from a run that finished",
                          path, status);
    return 0;
}

/* The measured part of a run result, as report.json records it. */
static int read_run(const clmlp_jv *root, const char *path, clmlp_run_result *res, clmlp_err *err)
{
    const clmlp_jv *device = clmlp_jv_get(root, "device"), *epochs = clmlp_jv_path(root, "train.epochs");
    if (!device || !epochs || epochs->kind != CLMLP_JV_ARRAY || num(root, "train.seconds") <= 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: not a clmlp report.json of a training run (no device, train.seconds "
                                                "or train.epochs)", path);
    clmlp_device_desc *d = &res->device;
    const count_field counts[] = {
        {"device.compute_units", AS_UNSIGNED, &d->compute_units},
        {"data.train_examples", AS_INT64, &res->train_count},
        {"data.test_examples", AS_INT64, &res->test_count},
        {"data.steps_per_epoch", AS_INT, &res->steps_per_epoch},
        {"plan.launches_per_step", AS_INT, &res->launches_per_step},
        {"memory.device_plan_bytes", AS_SIZE, &res->device_plan_bytes},
        {"memory.device_dataset_bytes", AS_SIZE, &res->dataset_device_bytes},
        {"memory.device_run_buffer_bytes", AS_SIZE, &res->run_buffer_bytes},
        {"memory.device_alloc_bytes", AS_SIZE, &res->device_alloc_bytes},
        {"memory.host_peak_bytes", AS_SIZE, &res->phase_memory[CLMLP_PHASE_REPORT].peak_end},
    };
    if (check_finished(root, path, err) < 0 || read_counts(root, counts, CLMLP_ARRAY_LEN(counts), path, err) < 0)
        return -1;
    if (epochs->count > INT_MAX)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: train.epochs has %zu entries", path, epochs->count);
    clmlp_strlcpy(d->name, clmlp_jv_string(clmlp_jv_get(device, "name"), "?"), sizeof d->name);
    clmlp_strlcpy(d->platform, clmlp_jv_string(clmlp_jv_get(device, "platform"), ""), sizeof d->platform);
    d->type = type_of(clmlp_jv_string(clmlp_jv_get(device, "type"), "cpu"));
    res->streamed = clmlp_jv_path(root, "data.streamed") && clmlp_jv_path(root, "data.streamed")->boolean;
    res->epochs_done = (int)epochs->count;
    res->train_seconds = num(root, "train.seconds");
    res->eval_seconds = num(root, "eval.seconds");
    res->accuracy = num(root, "eval.accuracy");
    res->evaluated = true;
    res->flops_per_step = num(root, "plan.flops_per_step");
    res->bytes_per_step = num(root, "plan.bytes_per_step");
    const clmlp_jv *probe = clmlp_jv_get(device, "probe");
    if (probe && probe->kind == CLMLP_JV_OBJECT) {
        res->has_probe = true;
        clmlp_report_read_probe(probe, &res->probe);
    }
    return read_kernels(root, path, &res->profile, err);
}

/* A time, size or share of the mpi block: missing or null = 0 (absent),
 * else a finite number >= 0. */
static int read_amount(const clmlp_jv *v, const char *what, double *dst, const char *origin, clmlp_err *err)
{
    *dst = 0;
    if (!v || v->kind == CLMLP_JV_NULL)
        return 0;
    double x = clmlp_jv_number(v, NAN);
    if (!(x >= 0 && isfinite(x))) {
        char shown[32] = "not a number";
        if (v->kind == CLMLP_JV_NUMBER)
            snprintf(shown, sizeof shown, "%g", x);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: %s is %s, not a finite number >= 0", origin, what, shown);
    }
    *dst = x;
    return 0;
}

/* The slowest rank's training seconds less its all-reduce seconds: the
 * compute of one shard (a rank that waited for it counts that wait as
 * all-reduce). 0 when per_rank gives none. */
static int slowest_rank_compute(const clmlp_jv *per_rank, const char *origin, double *out, clmlp_err *err)
{
    *out = 0;
    for (size_t i = 0; per_rank && per_rank->kind == CLMLP_JV_ARRAY && i < per_rank->count; i++) {
        double train, allreduce;
        char what[2][64];
        snprintf(what[0], sizeof what[0], "mpi.per_rank[%zu].train_seconds", i);
        snprintf(what[1], sizeof what[1], "mpi.per_rank[%zu].allreduce_seconds", i);
        if (read_amount(clmlp_jv_get(&per_rank->items[i], "train_seconds"), what[0], &train, origin, err) < 0 ||
            read_amount(clmlp_jv_get(&per_rank->items[i], "allreduce_seconds"), what[1], &allreduce, origin, err) < 0)
            return -1;
        if (train > allreduce && train - allreduce > *out)
            *out = train - allreduce;
    }
    return 0;
}

/* report.json's "mpi" object (an MPI run; absent or null in a single
 * process), and one device's training cost per image from it. */
static int read_mpi(const clmlp_jv *root, const char *path, const clmlp_run_result *res, int batch,
                    clmlp_mpi_measure *m, clmlp_err *err)
{
    memset(m, 0, sizeof *m);
    const clmlp_jv *mpi = clmlp_jv_get(root, "mpi");
    if (!mpi || mpi->kind != CLMLP_JV_OBJECT)
        return 0;
    const clmlp_jv *ar = clmlp_jv_get(mpi, "allreduce");
    const struct {
        const char *key;
        const clmlp_jv *from;
        double *dst;
    } amounts[] = {
        {"mpi.global_batch", clmlp_jv_get(mpi, "global_batch"), &m->global_batch},
        {"mpi.allreduce.bytes_per_step", clmlp_jv_get(ar, "bytes_per_step"), &m->bytes_per_step},
        {"mpi.allreduce.steps", clmlp_jv_get(ar, "steps"), &m->steps},
        {"mpi.allreduce.seconds_total", clmlp_jv_get(ar, "seconds_total"), &m->seconds_total},
        {"mpi.allreduce.seconds_per_step_median", clmlp_jv_get(ar, "seconds_per_step_median"),
         &m->seconds_per_step_median},
        {"mpi.allreduce.seconds_per_step_min", clmlp_jv_get(ar, "seconds_per_step_min"), &m->seconds_per_step_min},
        {"mpi.allreduce.seconds_per_step_max", clmlp_jv_get(ar, "seconds_per_step_max"), &m->seconds_per_step_max},
        {"mpi.allreduce.share_of_train", clmlp_jv_get(ar, "share_of_train"), &m->share_of_train},
    };
    const clmlp_jv *ranks = clmlp_jv_get(mpi, "ranks");
    if (ranks && ranks->kind != CLMLP_JV_NULL && read_count(ranks, "mpi.ranks", AS_INT, &m->ranks, path, err) < 0)
        return -1;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(amounts); i++)
        if (read_amount(amounts[i].from, amounts[i].key, amounts[i].dst, path, err) < 0)
            return -1;
    if (slowest_rank_compute(clmlp_jv_get(mpi, "per_rank"), path, &m->rank_compute_s, err) < 0)
        return -1;
    /* Without per_rank: the run's training time less its all-reduce (which may be unknown: 0). */
    if (m->rank_compute_s == 0 && res->train_seconds > m->seconds_total)
        m->rank_compute_s = res->train_seconds - m->seconds_total;
    /* Each rank computed 1/ranks of every global batch; the run's own
     * steps and batch stand in for keys the block lacks. */
    double steps = m->steps > 0 ? m->steps : (double)res->steps_per_epoch * res->epochs_done;
    double images = steps * (m->global_batch > 0 ? m->global_batch : batch);
    if (m->ranks >= 2 && images > 0)
        m->device_train_s_per_image = m->rank_compute_s * m->ranks / images;
    return 0;
}

/* config.kind "svm"; a report without the key is an MLP's (from before SVMs). */
static bool report_is_svm(const clmlp_jv *root)
{
    return strcmp(clmlp_jv_string(clmlp_jv_path(root, "config.kind"), "mlp"), "svm") == 0;
}

/* support_vectors_per_class back into the model's sv_count (n_classes entries). */
static int read_per_class(const clmlp_jv *svm, const char *path, clmlp_svm_model *m, clmlp_err *err)
{
    const clmlp_jv *a = clmlp_jv_get(svm, "support_vectors_per_class");
    if (!a || a->kind != CLMLP_JV_ARRAY || a->count == 0)
        return 0;
    if (a->count > 65536)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: svm.support_vectors_per_class has %zu entries", path, a->count);
    m->sv_count = clmlp_calloc(a->count, sizeof *m->sv_count, err);
    if (!m->sv_count)
        return -1;
    m->n_classes = (int)a->count;
    for (size_t i = 0; i < a->count; i++) {
        char what[64];
        snprintf(what, sizeof what, "svm.support_vectors_per_class[%zu]", i);
        if (read_count(&a->items[i], what, AS_INT, &m->sv_count[i], path, err) < 0)
            return -1;
    }
    return 0;
}

/* An SVM report's solver figures (report.json's "svm") into the result:
 * kind, the solver's counts and times, the support vectors. */
static int read_svm(const clmlp_jv *root, const char *path, clmlp_run_result *res, clmlp_err *err)
{
    const clmlp_jv *svm = clmlp_jv_get(root, "svm");
    if (!svm || svm->kind != CLMLP_JV_OBJECT)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: config.kind is svm, but the report has no svm object", path);
    clmlp_svm_run *v = &res->svm;
    res->kind = res->model.kind = CLMLP_MODEL_SVM;
    const count_field counts[] = {
        {"svm.pairs", AS_INT, &v->pairs},
        {"svm.largest_problem", AS_INT, &v->largest_problem},
        {"svm.blocks", AS_INT, &v->blocks},
        {"svm.iterations", AS_LONG, &v->iterations},
        {"svm.kernel_rows_computed", AS_LONG, &v->rows_computed},
        {"svm.hit_max_iter", AS_INT, &v->hit_max_iter},
        {"svm.support_vectors", AS_INT, &res->model.svm.n_sv},
        {"svm.cache_bytes", AS_SIZE, &v->cache_bytes},
    };
    const struct {
        const char *key;
        double *dst;
    } amounts[] = {
        {"gamma", &v->gamma},
        {"max_violation", &v->max_violation},
        {"kernel_seconds", &v->kernel_seconds},
        {"solver_seconds", &v->solver_seconds},
        {"kernel_flops", &v->kernel_flops},
        {"predict_flops", &v->predict_flops},
    };
    if (read_counts(root, counts, CLMLP_ARRAY_LEN(counts), path, err) < 0)
        return -1;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(amounts); i++) {
        char what[48];
        snprintf(what, sizeof what, "svm.%s", amounts[i].key);
        if (read_amount(clmlp_jv_get(svm, amounts[i].key), what, amounts[i].dst, path, err) < 0)
            return -1;
    }
    return read_per_class(svm, path, &res->model.svm, err);
}

/* "784-400-400-500-10" from the report's config.layers. */
static void report_layers(const clmlp_jv *root, char *buf, size_t cap)
{
    const clmlp_jv *layers = clmlp_jv_path(root, "config.layers");
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; layers && layers->kind == CLMLP_JV_ARRAY && i < layers->count && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%.0f", i ? "-" : "", clmlp_jv_number(&layers->items[i], 0));
}

/* An SVM's recipe: the config must be an SVM's too, on the same input
 * width and classes (no batch or plan: it trains once). */
static int check_same_svm(const clmlp_jv *root, const char *path, const clmlp_config *cfg, int input_dim,
                          clmlp_err *err)
{
    char theirs[256], ours[256];
    report_layers(root, theirs, sizeof theirs);
    if (cfg->model.kind != CLMLP_MODEL_SVM) {
        clmlp_config_layers(cfg, input_dim, ours, sizeof ours);
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: the run trained an SVM (%s), the config describes an MLP %s (pass the run's "
                          "config.yaml)",
                          path, theirs, ours);
    }
    snprintf(ours, sizeof ours, "%d-%d", input_dim, cfg->model.classes);
    if (strcmp(theirs, ours) != 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: the run trained an SVM on %s, the config describes one on %s (pass the run's "
                          "config.yaml)",
                          path, theirs, ours);
    return 0;
}

/* The report must describe the config's model and batch, or the roofline
 * would predict another plan than the one measured. */
static int check_same_recipe(const clmlp_jv *root, const char *path, clmlp_config *cfg, int *input_dim,
                             clmlp_err *err)
{
    const clmlp_jv *layers = clmlp_jv_path(root, "config.layers");
    *input_dim = 0;
    int batch = 0;
    if (layers && layers->kind == CLMLP_JV_ARRAY && layers->count &&
        read_count(&layers->items[0], "config.layers[0]", AS_INT, input_dim, path, err) < 0)
        return -1;
    if (*input_dim <= 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: config.layers gives no input width", path);
    if (report_is_svm(root))
        return check_same_svm(root, path, cfg, *input_dim, err);
    if (cfg->model.kind == CLMLP_MODEL_SVM)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: the run trained an MLP, the config describes an SVM (pass the "
                                                 "run's config.yaml)", path);
    if (read_count(clmlp_jv_path(root, "config.batch_size"), "config.batch_size", AS_INT, &batch, path, err) < 0)
        return -1;
    char theirs[256], ours[256];
    report_layers(root, theirs, sizeof theirs);
    clmlp_config_layers(cfg, *input_dim, ours, sizeof ours);
    if (strcmp(theirs, ours) != 0 || batch != cfg->training.batch_size)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: the run trained %s with batch %d, the config describes %s with batch %d (pass the run's "
                          "config.yaml)",
                          path, theirs, batch, ours, cfg->training.batch_size);
    return 0;
}

/* The training and evaluation plans of cfg, compiled without a device (the
 * default sub-buffer alignment; GEMM choices as cfg says, untuned). */
static int compile_plans(const clmlp_config *cfg, int input_dim, clmlp_compare_run *r, clmlp_err *err)
{
    r->train_plan = clmlp_calloc(1, sizeof *r->train_plan, err);
    r->eval_plan = clmlp_calloc(1, sizeof *r->eval_plan, err);
    return r->train_plan && r->eval_plan ? clmlp_compile_config(cfg, input_dim, 0, NULL, r->train_plan, r->eval_plan, err)
                                         : -1;
}

int clmlp_compare_from_report(const clmlp_config *cfg, const char *report_path, clmlp_compare *c, clmlp_err *err)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->n_runs = 1;
    clmlp_compare_run *r = &c->runs[0];
    size_t len = 0;
    char *text = clmlp_read_text_file(report_path, 64u << 20, "report", CLMLP_EXIT_DATA, &len, err);
    if (!text)
        return -1;
    clmlp_jv *root = NULL;
    int rc = clmlp_json_parse(text, len, &root, err);
    free(text);
    if (rc < 0)
        return clmlp_fail_prefix(err, "%s:", report_path);
    int input_dim = 0;
    bool svm = report_is_svm(root);
    rc = read_run(root, report_path, &r->run, err) < 0 ||
                 check_same_recipe(root, report_path, &c->cfg, &input_dim, err) < 0 ||
                 (svm && read_svm(root, report_path, &r->run, err) < 0) ||
                 read_mpi(root, report_path, &r->run, c->cfg.training.batch_size, &r->mpi, err) < 0
             ? -1
             : 0;
    clmlp_jv_free(root);
    if (rc < 0)
        return -1;
    r->run.input_dim = input_dim;
    r->run.batch_size = svm ? 0 : c->cfg.training.batch_size; /* check_same_recipe: the run's */
    clmlp_run_result_rates(&r->run);
    clmlp_strlcpy(r->spec, r->run.device.name, sizeof r->spec);
    c->cfg.training.epochs = r->run.epochs_done;
    /* An SVM has no plan to compile: its roofline rows stay empty. */
    if ((!svm && compile_plans(&c->cfg, input_dim, r, err) < 0) ||
        clmlp_devmodels_load(cfg->compare.models, &c->models, &c->n_models, err) < 0)
        return -1;
    clmlp_strlcpy(c->from_report, report_path, sizeof c->from_report);
    if (clmlp_compare_check_interconnect(c, report_path, err) < 0)
        return -1;
    return clmlp_compare_analyze(c, err);
}
