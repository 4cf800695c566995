/* A comparison of one device from an existing run's report.json, so
 * `clmlp extrapolate --from RUN_DIR` needs no new measurement: the measured
 * figures come from the report, the plans (for the roofline) from compiling
 * the config without a device. */
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

/* Per-kernel device times back into profiler stats (name, phase, calls, seconds). */
static int read_kernels(const clmlp_jv *root, clmlp_profiler *p, clmlp_err *err)
{
    const clmlp_jv *ks = clmlp_jv_get(root, "kernels");
    if (!ks || ks->kind != CLMLP_JV_ARRAY || ks->count == 0)
        return 0;
    p->stats = clmlp_calloc(ks->count, sizeof *p->stats, err);
    if (!p->stats)
        return -1;
    for (size_t i = 0; i < ks->count; i++) {
        clmlp_kernel_stats *k = &p->stats[p->n_stats++];
        clmlp_strlcpy(k->name, clmlp_jv_string(clmlp_jv_get(&ks->items[i], "name"), ""), sizeof k->name);
        clmlp_strlcpy(k->phase, clmlp_jv_string(clmlp_jv_get(&ks->items[i], "phase"), ""), sizeof k->phase);
        k->calls = (long)num(&ks->items[i], "calls");
        k->device_seconds = num(&ks->items[i], "device_ms_total") / 1e3;
    }
    p->cap_stats = p->n_stats;
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
    clmlp_strlcpy(d->name, clmlp_jv_string(clmlp_jv_get(device, "name"), "?"), sizeof d->name);
    clmlp_strlcpy(d->platform, clmlp_jv_string(clmlp_jv_get(device, "platform"), ""), sizeof d->platform);
    d->type = type_of(clmlp_jv_string(clmlp_jv_get(device, "type"), "cpu"));
    d->compute_units = (unsigned)num(device, "compute_units");
    res->train_count = (int64_t)num(root, "data.train_examples");
    res->test_count = (int64_t)num(root, "data.test_examples");
    res->steps_per_epoch = (int)num(root, "data.steps_per_epoch");
    res->streamed = clmlp_jv_path(root, "data.streamed") && clmlp_jv_path(root, "data.streamed")->boolean;
    res->epochs_done = (int)epochs->count;
    res->train_seconds = num(root, "train.seconds");
    res->eval_seconds = num(root, "eval.seconds");
    res->accuracy = num(root, "eval.accuracy");
    res->launches_per_step = (int)num(root, "plan.launches_per_step");
    res->flops_per_step = num(root, "plan.flops_per_step");
    res->bytes_per_step = num(root, "plan.bytes_per_step");
    res->device_plan_bytes = (size_t)num(root, "memory.device_plan_bytes");
    res->dataset_device_bytes = (size_t)num(root, "memory.device_dataset_bytes");
    res->run_buffer_bytes = (size_t)num(root, "memory.device_run_buffer_bytes");
    res->device_alloc_bytes = (size_t)num(root, "memory.device_alloc_bytes");
    res->phase_memory[CLMLP_PHASE_REPORT].peak_end = (size_t)num(root, "memory.host_peak_bytes");
    const clmlp_jv *probe = clmlp_jv_get(device, "probe");
    if (probe && probe->kind == CLMLP_JV_OBJECT) {
        res->has_probe = true;
        clmlp_report_read_probe(probe, &res->probe);
    }
    return read_kernels(root, &res->profile, err);
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

/* The report must describe the config's model and batch, or the roofline
 * would predict another plan than the one measured. */
static int check_same_recipe(const clmlp_jv *root, const char *path, clmlp_config *cfg, int *input_dim,
                             clmlp_err *err)
{
    const clmlp_jv *layers = clmlp_jv_path(root, "config.layers");
    *input_dim = layers && layers->kind == CLMLP_JV_ARRAY && layers->count ? (int)clmlp_jv_number(&layers->items[0], 0)
                                                                          : 0;
    if (*input_dim <= 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: config.layers gives no input width", path);
    char theirs[256], ours[256];
    report_layers(root, theirs, sizeof theirs);
    clmlp_config_layers(cfg, *input_dim, ours, sizeof ours);
    int batch = (int)num(root, "config.batch_size");
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
    return r->train_plan && r->eval_plan ? clmlp_compile_config(cfg, input_dim, 0, r->train_plan, r->eval_plan, err)
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
    rc = read_run(root, report_path, &r->run, err) < 0 || check_same_recipe(root, report_path, &c->cfg, &input_dim, err) < 0
             ? -1
             : 0;
    clmlp_jv_free(root);
    if (rc < 0)
        return -1;
    r->run.input_dim = input_dim;
    r->run.batch_size = c->cfg.training.batch_size; /* check_same_recipe: the run's */
    clmlp_run_result_rates(&r->run);
    clmlp_strlcpy(r->spec, r->run.device.name, sizeof r->spec);
    c->cfg.training.epochs = r->run.epochs_done;
    if (compile_plans(&c->cfg, input_dim, r, err) < 0 ||
        clmlp_devmodels_load(cfg->compare.models, &c->models, &c->n_models, err) < 0)
        return -1;
    clmlp_strlcpy(c->from_report, report_path, sizeof c->from_report);
    return clmlp_compare_analyze(c, err);
}
