/* An experiment end to end; see experiment.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/dist.h"
#include "clmlp/experiment.h"
#include "clmlp/roofline.h"
#include "clmlp/tune.h"

/* The divergence checks' thresholds (README "Outputs", configs/reference.yaml). */
#define DIVERGED_LOSS_FACTOR 10.0 /* an epoch's mean loss this many times the best epoch's */
#define CHANCE_MARGIN 0.1         /* at chance: below this share of the way from the majority class to 100 % */

const char *clmlp_phase_name(clmlp_phase phase)
{
    static const char *const names[CLMLP_PHASE_COUNT] = {"config", "load", "device", "compile",
                                                         "upload", "warmup", "train", "eval", "probe", "report"};
    return (unsigned)phase < CLMLP_PHASE_COUNT ? names[phase] : "?";
}

static int evaluate(clmlp_session *s, const clmlp_dataset *test, clmlp_run_result *res, clmlp_err *err)
{
    int *pred = clmlp_calloc((size_t)test->count, sizeof *pred, err);
    res->confusion = clmlp_calloc((size_t)res->classes * res->classes, sizeof *res->confusion, err);
    if (!pred || !res->confusion || clmlp_session_evaluate(s, pred, err) < 0) {
        free(pred);
        return -1;
    }
    int64_t correct = 0;
    for (int64_t i = 0; i < test->count; i++) {
        int truth = test->labels[i], p = pred[i];
        if (p < 0 || p >= res->classes) {
            free(pred);
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "prediction %d for example %lld is out of range", p,
                              (long long)i);
        }
        res->confusion[truth * res->classes + p]++;
        correct += truth == p;
    }
    res->accuracy = test->count ? (double)correct / (double)test->count : 0.0;
    free(pred);
    return 0;
}

void clmlp_run_phase_begin(clmlp_run_result *res, clmlp_phase phase)
{
    res->phase_start[phase] = clmlp_now();
    res->phase_memory[phase].rss_start = clmlp_host_rss_bytes();
}

static int phase_end_with(clmlp_run_result *res, clmlp_phase phase, size_t device_bytes, clmlp_err *err)
{
    double end = clmlp_now();
    res->phase_seconds[phase] = end - res->phase_start[phase];
    clmlp_phase_memory *m = &res->phase_memory[phase];
    m->rss_end = clmlp_host_rss_bytes();
    m->peak_end = clmlp_host_peak_rss_bytes();
    if (device_bytes > res->device_alloc_bytes)
        res->device_alloc_bytes = device_bytes;
    if (clmlp_profiler_span(&res->profile, clmlp_phase_name(phase), res->phase_start[phase], end, err) < 0)
        return -1;
    return clmlp_profiler_sample_memory(&res->profile, res->device_alloc_bytes, err);
}

int clmlp_run_phase_end(clmlp_run_result *res, clmlp_phase phase, clmlp_err *err)
{
    return phase_end_with(res, phase, res->device_alloc_bytes, err);
}

int clmlp_run_config_phase(clmlp_run_result *res, double config_seconds, clmlp_err *err)
{
    /* The caller loaded the config just before the run began. */
    res->phase_start[CLMLP_PHASE_CONFIG] = res->profile.origin - config_seconds;
    if (phase_end_with(res, CLMLP_PHASE_CONFIG, 0, err) < 0)
        return -1;
    res->phase_seconds[CLMLP_PHASE_CONFIG] = config_seconds;
    return 0;
}

/* A kernel of the run that went above its roof shows that the probe's
 * record is low (taken under load, say): say so, and have the next run
 * measure again. */
static void check_roofs(const clmlp_run_result *res)
{
    clmlp_roof roof;
    if (!clmlp_roof_from_probe(&res->probe, &roof))
        return;
    const clmlp_profiler *p = &res->profile;
    for (int i = 0; i < p->n_stats; i++) {
        const clmlp_kernel_stats *k = &p->stats[i];
        if (k->calls == 0 || strcmp(k->phase, "transfer") == 0)
            continue;
        clmlp_roof_position pos;
        clmlp_roof_place(k->flops_per_call, k->bytes_per_call, k->footprint_per_call,
                         k->device_seconds / (double)k->calls, &roof, &pos);
        if (!pos.above)
            continue;
        char why[160];
        snprintf(why, sizeof why, "%s ran at %.0f %% of its roof in a run", k->name, pos.pct);
        fprintf(stderr, "clmlp: warning: %s: the device's probed peaks are too low; they will be measured again by "
                        "the next run\n", why);
        clmlp_probe_invalidate(&res->device, why);
        return;
    }
}

/* The device's peaks for the report: the cached or measured device part,
 * then the run's own GEMMs. A failure costs the report its roofline
 * columns, not the run. */
void clmlp_run_probe(const clmlp_config *cfg, clmlp_device *dev, const clmlp_plan *const *plans, int n_plans,
                     clmlp_run_result *res)
{
    if (!cfg->profile.probe)
        return;
    clmlp_err err = {0};
    if (clmlp_probe_device(dev, NULL, &res->probe, &err) < 0) {
        fprintf(stderr, "clmlp: warning: device probe failed, the report has no %% of peak: %s\n", err.msg);
        return;
    }
    res->has_probe = true;
    if (n_plans > 0 && clmlp_probe_plan_gemms(dev, plans, n_plans, &res->probe, &err) < 0)
        fprintf(stderr, "clmlp: warning: timing the run's own GEMMs for the probe failed: %s\n", err.msg);
    check_roofs(res);
}

int clmlp_experiment_plans(const clmlp_config *cfg, clmlp_device *dev, int input_dim, clmlp_plan **train,
                           clmlp_plan **eval, clmlp_err *err)
{
    *train = clmlp_calloc(1, sizeof **train, err);
    *eval = *train ? clmlp_calloc(1, sizeof **eval, err) : NULL;
    clmlp_plan *const plans[] = {*train, *eval};
    const clmlp_gemm_target target = clmlp_gemm_target_of(&dev->desc);
    if (!*eval ||
        clmlp_compile_config(cfg, input_dim, clmlp_device_subbuffer_align(dev), &target, *train, *eval, err) < 0 ||
        clmlp_tune_plans(dev, cfg, plans, 2, err) < 0) {
        free(*train);
        free(*eval);
        *train = *eval = NULL;
        return -1;
    }
    return 0;
}

/* data.drop_last: false refuses a batch size that would leave images out of every epoch. */
static int check_whole_batches(const clmlp_config *cfg, const clmlp_dataset *train, clmlp_err *err)
{
    int64_t batch = cfg->training.batch_size, left = train->count >= batch ? train->count % batch : 0;
    if (cfg->data.drop_last || left == 0)
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_USAGE,
                      "training.batch_size %lld does not divide the %lld training images: %lld would be left out of "
                      "every epoch (data.drop_last: false); choose a batch size that divides them, or data.train.limit",
                      (long long)batch, (long long)train->count, (long long)left);
}

/* A check found the run diverging: the status says what, and `action`
 * (training.<key>) whether the run stops (stop filled, returns true) or
 * warns, once, and goes on. */
static bool diverged(clmlp_run_result *res, clmlp_on_problem action, const char *key, const char *why,
                     clmlp_err *stop)
{
    if (action == CLMLP_ON_STOP) {
        res->status = CLMLP_RUN_DIVERGED;
        snprintf(res->status_why, sizeof res->status_why, "%.600s (training.%s: stop)", why, key);
        clmlp_fail(stop, CLMLP_EXIT_INTERNAL,
                   "training diverged: %.600s; lower training.lr or change model.init (training.%s: stop)", why, key);
        return true;
    }
    if (res->status == CLMLP_RUN_OK) {
        res->status = CLMLP_RUN_DIVERGED;
        snprintf(res->status_why, sizeof res->status_why, "%.600s (training.%s: warn)", why, key);
        fprintf(stderr, "clmlp: warning: training diverged: %s (training.%s: warn)\n", why, key);
    }
    return false;
}

/* The epoch with the lowest finite mean loss before epoch e, or -1. */
static int best_epoch(const clmlp_run_result *res, int e)
{
    int best = -1;
    for (int i = 0; i < e; i++)
        if (isfinite(res->epochs[i].loss) && (best < 0 || res->epochs[i].loss < res->epochs[best].loss))
            best = i;
    return best;
}

/* After epoch e: NaN/Inf in the loss, a parameter or a gradient (read back
 * from the device: the cost is timed into check_seconds), then a mean loss
 * far above the best epoch's. Returns 1 when the run stops, -1 on an error. */
static int check_epoch(const clmlp_config *cfg, clmlp_session *s, clmlp_run_result *res, int e, clmlp_err *stop,
                       clmlp_err *err)
{
    char bad[320], why[600];
    double t0 = clmlp_now();
    int n = clmlp_session_find_nonfinite(s, res->epochs[e].loss, bad, sizeof bad, err);
    res->check_seconds += clmlp_now() - t0;
    if (n < 0)
        return -1;
    if (n > 0) {
        snprintf(why, sizeof why, "NaN/Inf in epoch %d: %s", e + 1, bad);
        return diverged(res, cfg->training.on_nonfinite, "on_nonfinite", why, stop);
    }
    int best = best_epoch(res, e);
    if (best < 0 || !(res->epochs[e].loss > DIVERGED_LOSS_FACTOR * res->epochs[best].loss))
        return 0;
    snprintf(why, sizeof why, "the mean loss of epoch %d (%.4g) is over %.0fx the best epoch's (%.4g, epoch %d)", e + 1,
             res->epochs[e].loss, DIVERGED_LOSS_FACTOR, res->epochs[best].loss, best + 1);
    return diverged(res, cfg->training.on_divergence, "on_divergence", why, stop);
}

/* The share of the test set in its most frequent class: the best a single constant answer scores. */
static double majority_share(const clmlp_run_result *res)
{
    int64_t top = 0;
    for (int t = 0; t < res->classes; t++) {
        int64_t row = 0;
        for (int p = 0; p < res->classes; p++)
            row += res->confusion[t * res->classes + p];
        top = row > top ? row : top;
    }
    return res->test_count ? (double)top / (double)res->test_count : 0;
}

/* A trained model no better than a constant answer learned nothing: at
 * chance is below a tenth of the way from the majority share to 100 %. */
static void check_accuracy(const clmlp_config *cfg, clmlp_run_result *res, clmlp_err *stop)
{
    if (res->epochs_done == 0 || res->status != CLMLP_RUN_OK || !res->test_count)
        return;
    double chance = majority_share(res);
    if (res->accuracy >= chance + CHANCE_MARGIN * (1 - chance))
        return;
    char why[200];
    snprintf(why, sizeof why, "test accuracy %.1f %% is at chance level (always answering the most frequent class "
                              "scores %.1f %%)", 100 * res->accuracy, 100 * chance);
    diverged(res, cfg->training.on_divergence, "on_divergence", why, stop);
}

/* The checkpoint of the epochs done so far, handed to the hook. */
static int checkpoint(const clmlp_config *cfg, clmlp_session *s, const clmlp_run_hooks *hooks, clmlp_run_result *res,
                      clmlp_checkpoint *ck, clmlp_err *err)
{
    if (!hooks->on_checkpoint)
        return 0;
    if (!ck->order) {
        clmlp_model_from_config(cfg, res->input_dim, &ck->model);
        clmlp_recipe_from_config(cfg, res->input_dim, res->train_count, &ck->recipe);
        if (clmlp_checkpoint_alloc_frame(ck, cfg->training.optimizer, s->train_count, cfg->training.epochs, err) < 0)
            return -1;
    }
    if (clmlp_session_snapshot_map(s, ck, err) < 0)
        return -1;
    ck->epochs_done = res->epochs_done;
    for (int e = 0; e < res->epochs_done; e++) {
        ck->losses[e] = res->epochs[e].loss;
        ck->seconds[e] = res->epochs[e].seconds;
    }
    ck->diverged = res->status == CLMLP_RUN_DIVERGED;
    clmlp_strlcpy(ck->status_why, ck->diverged ? res->status_why : "", sizeof ck->status_why);
    int rc = hooks->on_checkpoint(hooks->user, ck, err);
    clmlp_err unmapped = {0};
    if (clmlp_session_snapshot_unmap(s, ck, &unmapped) < 0 && rc == 0) {
        *err = unmapped;
        rc = -1;
    }
    return rc;
}

/* A checkpoint's state into the session and the result: the run goes on after its last epoch. */
static int resume(const clmlp_config *cfg, clmlp_session *s, const clmlp_run_hooks *hooks, clmlp_run_result *res,
                  clmlp_err *err)
{
    const clmlp_checkpoint *ck = hooks->resume;
    clmlp_recipe now;
    clmlp_recipe_from_config(cfg, res->input_dim, res->train_count, &now);
    if (clmlp_checkpoint_matches(ck, hooks->resume_path, &now, cfg->training.epochs, err) < 0 ||
        clmlp_session_restore(s, ck, err) < 0)
        return -1;
    for (int e = 0; e < ck->epochs_done; e++) {
        res->epochs[e].loss = ck->losses[e];
        res->epochs[e].seconds = ck->seconds[e];
    }
    res->epochs_done = res->resumed_epochs = ck->epochs_done;
    if (ck->diverged) {
        res->status = CLMLP_RUN_DIVERGED;
        clmlp_strlcpy(res->status_why, ck->status_why, sizeof res->status_why);
    }
    return 0;
}

/* The configured epochs (after a checkpoint's, when resuming), each
 * checked (check_epoch) after its progress is shown, then checkpointed; a
 * check that stops the run ends them early. */
static int train_epochs(const clmlp_config *cfg, clmlp_session *s, const clmlp_run_hooks *hooks,
                        clmlp_run_result *res, clmlp_err *stop, clmlp_err *err)
{
    res->epochs = clmlp_calloc((size_t)(cfg->training.epochs > 0 ? cfg->training.epochs : 1), sizeof *res->epochs,
                               err);
    if (!res->epochs || (hooks->resume && resume(cfg, s, hooks, res, err) < 0))
        return -1;
    res->trained = true;
    clmlp_checkpoint ck = {0};
    int rc = 0;
    clmlp_run_phase_begin(res, CLMLP_PHASE_TRAIN);
    for (int e = res->epochs_done; e < cfg->training.epochs && rc == 0; e++) {
        double t0 = clmlp_now();
        clmlp_epoch_stats *st = &res->epochs[e];
        if (clmlp_session_train_epoch(s, e, hooks->on_progress, hooks->user, &st->loss, err) < 0) {
            rc = -1;
            break;
        }
        double t1 = clmlp_now();
        st->seconds = t1 - t0;
        res->epochs_done = e + 1;
        char name[40];
        snprintf(name, sizeof name, "epoch %d", e + 1);
        if (clmlp_profiler_span(&res->profile, name, t0, t1, err) < 0) {
            rc = -1;
            break;
        }
        if (hooks->on_epoch)
            hooks->on_epoch(hooks->user, e, cfg->training.epochs, st);
        rc = check_epoch(cfg, s, res, e, stop, err);
        if (rc == 0 && checkpoint(cfg, s, hooks, res, &ck, err) < 0)
            rc = -1;
    }
    clmlp_checkpoint_free(&ck);
    clmlp_model_from_config(cfg, res->input_dim, &res->model);
    if (rc == 0 || rc == 1) /* the parameters as training left them, for model.safetensors */
        rc = clmlp_executor_read_model(&s->train, &res->model, err) < 0 ? -1 : 0;
    res->has_model = rc == 0;
    return rc;
}

/* A run that an error ended: its status, and the training phase closed
 * where it broke off, so the report has the epochs' time and rates. */
void clmlp_run_mark_failed(clmlp_run_result *res, const clmlp_err *err)
{
    res->status = CLMLP_RUN_FAILED;
    clmlp_strlcpy(res->status_why, err->msg, sizeof res->status_why);
    if (res->trained && res->train_seconds == 0) {
        clmlp_err ignored = {0};
        phase_end_with(res, CLMLP_PHASE_TRAIN, res->device_alloc_bytes, &ignored);
        res->train_seconds = res->phase_seconds[CLMLP_PHASE_TRAIN];
    }
    clmlp_run_result_rates(res);
}

/* What a run holds, released in reverse order; returns rc. */
static int release(clmlp_session *s, clmlp_plan *train_plan, clmlp_plan *eval_plan, clmlp_device *dev,
                   clmlp_dataset *train, clmlp_dataset *test, int rc)
{
    clmlp_session_release(s);
    free(train_plan);
    free(eval_plan);
    clmlp_device_close(dev);
    clmlp_dataset_free(train);
    clmlp_dataset_free(test);
    return rc;
}

/* Data parallelism: this rank's config (its shard of the global batch,
 * and its device with device.per_rank), or cfg itself in one process. */
static int rank_config(const clmlp_config *cfg, const clmlp_dist *world, clmlp_config *local, clmlp_err *err)
{
    *local = *cfg;
    if (world->size == 1)
        return 0;
    if (cfg->training.batch_size % world->size != 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "training.batch_size %d does not split over %d ranks: make it a multiple of the rank "
                          "count (it is the global batch; each rank takes an equal shard of it)",
                          cfg->training.batch_size, world->size);
    local->training.batch_size = cfg->training.batch_size / world->size;
    if (cfg->device.per_rank)
        local->device.index = world->rank;
    return 0;
}

/* Every rank's device and times to rank 0, and rank 0's allreduce spread. */
static int gather_ranks(const clmlp_session *s, const clmlp_dist *world, clmlp_run_result *res, clmlp_err *err)
{
    clmlp_mpi_result *m = &res->mpi;
    m->ranks = world->size;
    m->global_batch = res->batch_size;
    m->bytes_per_step = (double)s->train_plan->buffers.region_bytes[CLMLP_REGION_GRADS];
    m->steps = s->allreduce_count;
    clmlp_rank_result mine = {.rank = world->rank, .train_seconds = res->phase_seconds[CLMLP_PHASE_TRAIN]};
    clmlp_strlcpy(mine.device, res->device.name, sizeof mine.device);
    clmlp_strlcpy(mine.platform, res->device.platform, sizeof mine.platform);
    for (long i = 0; i < s->allreduce_count; i++)
        mine.allreduce_seconds += s->allreduce_seconds[i];
    m->seconds_total = mine.allreduce_seconds;
    if (s->allreduce_count > 0) {
        double *sorted = clmlp_calloc((size_t)s->allreduce_count, sizeof *sorted, err);
        if (!sorted)
            return -1;
        memcpy(sorted, s->allreduce_seconds, (size_t)s->allreduce_count * sizeof *sorted);
        m->median = clmlp_median(sorted, (int)s->allreduce_count); /* sorts */
        m->min = sorted[0];
        m->max = sorted[s->allreduce_count - 1];
        free(sorted);
    }
    clmlp_rank_spans spans = {0}; /* this rank's allreduces in its trace */
    for (size_t i = 0; i < res->profile.n_trace && spans.n < CLMLP_RANK_SPANS; i++) {
        const clmlp_trace_event *e = &res->profile.trace[i];
        if (e->stat < 0 && strcmp(e->name, "allreduce") == 0) {
            spans.start[spans.n] = e->start;
            spans.end[spans.n++] = e->end;
        }
    }
    m->per_rank = clmlp_calloc((size_t)world->size, sizeof *m->per_rank, err);
    m->spans = clmlp_calloc((size_t)world->size, sizeof *m->spans, err);
    return m->per_rank && m->spans && clmlp_dist_gather(&mine, sizeof mine, m->per_rank, err) == 0 &&
                   clmlp_dist_gather(&spans, sizeof spans, m->spans, err) == 0
               ? 0
               : -1;
}

int clmlp_experiment_run(const clmlp_config *cfg, const clmlp_run_hooks *hooks, clmlp_run_result *res,
                         clmlp_err *err)
{
    static const clmlp_run_hooks no_hooks = {0};
    if (!hooks)
        hooks = &no_hooks;
    memset(res, 0, sizeof *res);
    res->kind = cfg->model.kind;
    res->classes = cfg->model.classes;
    clmlp_profiler_init(&res->profile, cfg->profile.enabled, cfg->profile.trace_steps);
    if (cfg->model.kind == CLMLP_MODEL_SVM)
        return clmlp_svm_experiment_run(cfg, hooks, res, err);
    clmlp_dataset train = {0}, test = {0};
    clmlp_device dev = {0};
    clmlp_session s = {0};
    clmlp_plan *train_plan = NULL, *eval_plan = NULL;
    clmlp_session_options opt;
    clmlp_session_options_from_config(cfg, &opt);
    const clmlp_dist *world = clmlp_dist_world();
    opt.rank = world->rank;
    opt.ranks = world->size;
    clmlp_err stop = {0}; /* a check that ends the run (training.on_*: stop) */
    int rc = -1;
    clmlp_config local; /* this rank's (12.5 KB) */
    if (rank_config(cfg, world, &local, err) < 0)
        return -1;

    if (clmlp_run_config_phase(res, hooks->config_seconds, err) < 0)
        goto done;

    clmlp_run_phase_begin(res, CLMLP_PHASE_LOAD);
    if (clmlp_data_load(&cfg->data.train, &train, err) < 0 || clmlp_data_load(&cfg->data.test, &test, err) < 0 ||
        check_whole_batches(cfg, &train, err) < 0)
        goto done;
    res->test_unlabeled = !test.labels;
    int input_dim = (int)clmlp_dataset_features(&train);
    if (cfg->model.input && cfg->model.input != input_dim) {
        clmlp_fail(err, CLMLP_EXIT_USAGE, "model.input is %d but the training images have %d pixels",
                   cfg->model.input, input_dim);
        goto done;
    }
    res->input_dim = input_dim;
    res->train_count = train.count;
    res->test_count = test.count;
    if (phase_end_with(res, CLMLP_PHASE_LOAD, 0, err) < 0)
        goto done;

    clmlp_run_phase_begin(res, CLMLP_PHASE_DEVICE);
    if (clmlp_device_open_spec(&local.device, &dev, err) < 0) {
        if (world->size > 1 && cfg->device.per_rank)
            clmlp_fail_prefix(err, "device.per_rank (rank %d opens the matching device at index %d): ", world->rank,
                              world->rank);
        goto done;
    }
    if (clmlp_profiler_calibrate(&res->profile, &dev, err) < 0)
        goto done;
    res->device = dev.desc;
    res->host_timed = dev.desc.host_timed;
    clmlp_strlcpy(res->host_timed_why, dev.desc.host_timed_why, sizeof res->host_timed_why);
    if (phase_end_with(res, CLMLP_PHASE_DEVICE, 0, err) < 0)
        goto done;

    clmlp_run_phase_begin(res, CLMLP_PHASE_COMPILE);
    if (clmlp_experiment_plans(&local, &dev, input_dim, &train_plan, &eval_plan, err) < 0 ||
        clmlp_session_create(&opt, &dev, train_plan, eval_plan, &s, err) < 0 ||
        clmlp_session_attach_profiler(&s, &res->profile, err) < 0)
        goto done;
    res->launches_per_step = s.train_plan->n_launches;
    res->eval_launches_per_batch = s.eval_plan->n_launches;
    res->flops_per_step = clmlp_plan_flops(s.train_plan);
    res->bytes_per_step = clmlp_plan_bytes(s.train_plan);
    res->device_plan_bytes =
        s.train_plan->buffers.peak_bytes + s.eval_plan->buffers.region_bytes[CLMLP_REGION_ARENA];
    res->programs_compiled = s.train.programs_compiled + s.eval.programs_compiled;
    res->programs_from_cache = s.train.programs_from_cache + s.eval.programs_from_cache;
    if (phase_end_with(res, CLMLP_PHASE_COMPILE, clmlp_session_device_bytes(&s), err) < 0)
        goto done;

    clmlp_run_phase_begin(res, CLMLP_PHASE_UPLOAD);
    if (clmlp_session_upload_train(&s, &train, err) < 0 ||
        (!res->test_unlabeled && clmlp_session_upload_test(&s, &test, err) < 0) ||
        clmlp_cl_check(clFinish(dev.queue), "clFinish", err) < 0 || clmlp_profiler_flush(&res->profile, err) < 0)
        goto done;
    res->steps_per_epoch = s.steps_per_epoch;
    res->batch_size = train_plan->graph.batch * world->size; /* the global batch */
    res->dropped_per_epoch = s.dropped_per_epoch;
    res->streamed = s.streaming;
    res->dataset_device_bytes = s.dataset_device_bytes;
    res->run_buffer_bytes = s.run_buffer_bytes;
    if (phase_end_with(res, CLMLP_PHASE_UPLOAD, clmlp_session_device_bytes(&s), err) < 0)
        goto done;

    /* Drivers compile lazily (PoCL per work-group size, CLBlast its GEMM
     * kernels) at a kernel's first launch: do those launches here so the
     * build cost is reported as such and not as the first epoch's. */
    clmlp_run_phase_begin(res, CLMLP_PHASE_WARMUP);
    if (clmlp_session_warm_up(&s, err) < 0 || clmlp_session_init_params(&s, err) < 0 ||
        clmlp_cl_check(clFinish(dev.queue), "clFinish", err) < 0 || clmlp_profiler_flush(&res->profile, err) < 0 ||
        phase_end_with(res, CLMLP_PHASE_WARMUP, clmlp_session_device_bytes(&s), err) < 0)
        goto done;
    if (hooks->on_start)
        hooks->on_start(hooks->user, cfg, &s);

    if (train_epochs(cfg, &s, hooks, res, &stop, err) < 0 ||
        phase_end_with(res, CLMLP_PHASE_TRAIN, clmlp_session_device_bytes(&s), err) < 0)
        goto done;
    res->train_seconds = res->phase_seconds[CLMLP_PHASE_TRAIN];
    if (world->size > 1 && gather_ranks(&s, world, res, err) < 0)
        goto done;

    /* An unlabeled test set (Kaggle's test.csv) has nothing to score: `clmlp predict` is for it. */
    if (!res->test_unlabeled) {
        clmlp_run_phase_begin(res, CLMLP_PHASE_EVAL);
        if (evaluate(&s, &test, res, err) < 0 ||
            phase_end_with(res, CLMLP_PHASE_EVAL, clmlp_session_device_bytes(&s), err) < 0)
            goto done;
        res->evaluated = true;
        res->eval_seconds = res->phase_seconds[CLMLP_PHASE_EVAL];
        if (!stop.code)
            check_accuracy(cfg, res, &stop);
    }
    clmlp_run_result_rates(res);
    /* Nothing past here reads the images or the session's buffers: they go
     * before the probe, whose operands then take their memory instead of
     * adding to the run's peak. */
    clmlp_session_release(&s);
    clmlp_dataset_free(&train);
    clmlp_dataset_free(&test);
    clmlp_run_phase_begin(res, CLMLP_PHASE_PROBE);
    if (world->rank == 0) /* the roofs are rank 0's device's; the others would only load the machine */
        clmlp_run_probe(cfg, &dev, (const clmlp_plan *const[]){train_plan, eval_plan}, 2, res);
    if (clmlp_run_phase_end(res, CLMLP_PHASE_PROBE, err) < 0)
        goto done;
    if (stop.code) {
        *err = stop;
        return release(&s, train_plan, eval_plan, &dev, &train, &test, -1);
    }
    rc = 0;
done:
    if (rc < 0)
        clmlp_run_mark_failed(res, err);
    return release(&s, train_plan, eval_plan, &dev, &train, &test, rc);
}

void clmlp_run_result_rates(clmlp_run_result *res)
{
    if (res->kind == CLMLP_MODEL_SVM) { /* one pass over the training set, no epochs or steps */
        res->train_images = (double)res->train_count;
        res->train_images_per_second = res->train_seconds > 0 ? res->train_images / res->train_seconds : 0;
        res->eval_images_per_second = res->eval_seconds > 0 ? (double)res->test_count / res->eval_seconds : 0;
        res->train_seconds_per_epoch = res->seconds_per_step = 0;
        return;
    }
    /* this process's epochs: a resumed run's train_seconds does not cover the checkpoint's */
    double steps = (double)res->steps_per_epoch * (res->epochs_done - res->resumed_epochs);
    res->train_images = steps * res->batch_size;
    res->train_images_per_second = res->train_seconds > 0 ? res->train_images / res->train_seconds : 0;
    res->eval_images_per_second = res->eval_seconds > 0 ? (double)res->test_count / res->eval_seconds : 0;
    res->train_seconds_per_epoch = res->epochs_done ? res->train_seconds / res->epochs_done : 0;
    res->seconds_per_step = steps > 0 ? res->train_seconds / steps : 0;
}

size_t clmlp_run_host_peak(const clmlp_run_result *res)
{
    size_t peak = 0;
    for (int p = 0; p < CLMLP_PHASE_COUNT; p++)
        if (res->phase_memory[p].peak_end > peak)
            peak = res->phase_memory[p].peak_end;
    return peak;
}

void clmlp_run_result_free(clmlp_run_result *res)
{
    clmlp_model_free(&res->model);
    free(res->epochs);
    free(res->confusion);
    free(res->mpi.per_rank);
    free(res->mpi.spans);
    res->epochs = NULL;
    res->confusion = NULL;
    res->mpi.per_rank = NULL;
    res->mpi.spans = NULL;
    clmlp_profiler_release(&res->profile);
}
