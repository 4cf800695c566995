/* A kernel SVM run end to end (model.kind svm), in the same phases as an
 * MLP run so its reports read alike: load (data, preprocessed to floats,
 * the training set ordered by class), device, compile (the RBF GEMM's
 * choice from the tuner, its program), upload (every example's operands),
 * train (one-vs-one SMO on the host, kernel values from the device),
 * eval (one GEMM per chunk of test rows, votes), probe. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/dist.h"
#include "clmlp/experiment.h"
#include "clmlp/svm_device.h"
#include "clmlp/tune.h"

/* What the run holds, released at the end. */
typedef struct svm_run {
    clmlp_dataset train, test;
    float *x, *test_x; /* preprocessed features; x in class order */
    int *labels;       /* of x */
    int64_t *order;    /* x's examples in the dataset */
    int class_start[257], n_classes; /* x's classes as runs of examples */
    clmlp_device dev;
    clmlp_svm_device sd;
    clmlp_gemm_tunables tunables;
} svm_run;

static void release(svm_run *r)
{
    clmlp_svm_device_release(&r->sd);
    clmlp_device_close(&r->dev);
    clmlp_dataset_free(&r->train);
    clmlp_dataset_free(&r->test);
    free(r->x);
    free(r->test_x);
    free(r->labels);
    free(r->order);
}

static int end_phase(clmlp_run_result *res, clmlp_phase phase, size_t device_bytes, clmlp_err *err)
{
    if (device_bytes > res->device_alloc_bytes)
        res->device_alloc_bytes = device_bytes;
    return clmlp_run_phase_end(res, phase, err);
}

/* The training examples grouped by class (stable), as an order of the
 * dataset's examples: a binary problem's examples are then two runs the
 * device copies in two commands. */
static int class_order(svm_run *r, clmlp_err *err)
{
    const clmlp_dataset *ds = &r->train;
    const int64_t n = ds->count;
    r->order = clmlp_calloc((size_t)n, sizeof *r->order, err);
    r->labels = r->order ? clmlp_calloc((size_t)n, sizeof *r->labels, err) : NULL;
    if (!r->labels)
        return -1;
    int64_t t = 0;
    for (int c = 0; c < 256; c++) {
        int64_t first = t;
        for (int64_t i = 0; i < n; i++)
            if (ds->labels[i] == c) {
                r->order[t] = i;
                r->labels[t++] = c;
            }
        if (t > first)
            r->class_start[r->n_classes++] = (int)first;
    }
    r->class_start[r->n_classes] = (int)n;
    return 0;
}

static int load(const clmlp_config *cfg, svm_run *r, clmlp_run_result *res, clmlp_err *err)
{
    clmlp_run_phase_begin(res, CLMLP_PHASE_LOAD);
    if (clmlp_data_load(&cfg->data.train, &r->train, err) < 0 || clmlp_data_load(&cfg->data.test, &r->test, err) < 0)
        return -1;
    const int64_t d = clmlp_dataset_features(&r->train);
    if (cfg->model.input && cfg->model.input != d)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "model.input is %d but the training images have %lld pixels",
                          cfg->model.input, (long long)d);
    if (clmlp_dataset_features(&r->test) != d)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "the test images have %lld pixels, the training images %lld",
                          (long long)clmlp_dataset_features(&r->test), (long long)d);
    if (r->train.count < 2 || r->train.count > 2000000000 / (d + 2))
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "model.kind svm: %lld training examples; it takes 2 to %lld (set data.train.limit)",
                          (long long)r->train.count, (long long)(2000000000 / (d + 2)));
    if (clmlp_dataset_check_labels(&r->train, cfg->model.classes, "training", err) < 0 ||
        (r->test.labels && clmlp_dataset_check_labels(&r->test, cfg->model.classes, "test", err) < 0) || class_order(r, err) < 0 ||
        !(r->x = clmlp_svm_features(r->train.pixels, r->order, r->train.count, d, cfg->data.scale,
                                    cfg->data.binarize, err)))
        return -1;
    r->test_x = clmlp_svm_features(r->test.pixels, NULL, r->test.count, d, cfg->data.scale, cfg->data.binarize, err);
    if (!r->test_x)
        return -1;
    res->input_dim = (int)d;
    res->train_count = r->train.count;
    res->test_count = r->test.count;
    res->test_unlabeled = !r->test.labels;
    res->svm.gamma = clmlp_config_svm_gamma(cfg, (int)d, clmlp_svm_variance(r->x, (size_t)(r->train.count * d)));
    return end_phase(res, CLMLP_PHASE_LOAD, 0, err);
}

static int open_device(const clmlp_config *cfg, svm_run *r, clmlp_run_result *res, clmlp_err *err)
{
    clmlp_run_phase_begin(res, CLMLP_PHASE_DEVICE);
    if (clmlp_device_open_spec(&cfg->device, &r->dev, err) < 0 ||
        clmlp_profiler_calibrate(&res->profile, &r->dev, err) < 0)
        return -1;
    res->device = r->dev.desc;
    res->host_timed = r->dev.desc.host_timed;
    clmlp_strlcpy(res->host_timed_why, r->dev.desc.host_timed_why, sizeof res->host_timed_why);
    return end_phase(res, CLMLP_PHASE_DEVICE, 0, err);
}

/* The examples of the largest binary problem (two largest classes). */
static int largest_problem(const int *labels, int64_t n)
{
    int64_t count[256] = {0}, first = 0, second = 0;
    for (int64_t i = 0; i < n; i++)
        count[labels[i]]++;
    for (int c = 0; c < 256; c++)
        if (count[c] > first) {
            second = first;
            first = count[c];
        } else if (count[c] > second) {
            second = count[c];
        }
    return (int)(first + second);
}

/* The RBF GEMM's tunables: the tuner's choice (compiler.autotune, cached
 * per device) for the NN form at a class-by-class block the size of the
 * largest class, rounded so runs of similar sizes share the cache entry
 * and capped so tuning stays short (a tile that wins at 2048 wins above);
 * then its program, built once here so the build is this phase's cost. */
static int compile(const clmlp_config *cfg, svm_run *r, clmlp_run_result *res, clmlp_err *err)
{
    clmlp_run_phase_begin(res, CLMLP_PHASE_COMPILE);
    res->svm.largest_problem = largest_problem(r->labels, r->train.count);
    int size = (res->svm.largest_problem / 2 + 255) / 256 * 256;
    size = size > 2048 ? 2048 : size;
    clmlp_gemm_shape s = {.m = size, .n = size, .k = res->input_dim + 2, .epilogue = CLMLP_EPILOGUE_EXP};
    clmlp_tuner tuner;
    clmlp_gemm_choice choice;
    if (clmlp_tuner_open(&tuner, &r->dev, cfg->compiler.autotune, CLMLP_GEMM_GENERATED, err) < 0)
        return -1;
    int rc = clmlp_tune_shape(&tuner, &s, &choice, err);
    clmlp_tuner_close(&tuner);
    if (rc < 0)
        return -1;
    r->tunables = choice.tunables;
    clmlp_gemm_kernel gk;
    if (clmlp_gemm_generated_prepare(&r->dev, &s, &r->tunables, &gk, err) < 0)
        return -1;
    r->tunables = gk.tunables;
    clmlp_gemm_generated_release(&gk);
    res->programs_compiled = 1;
    return end_phase(res, CLMLP_PHASE_COMPILE, 0, err);
}

static void on_pair(void *user, int pair, int pairs)
{
    const clmlp_run_hooks *hooks = user;
    hooks->on_progress(hooks->user, 0, pair, pairs);
}

/* The support vectors' features, for prediction and the model file. */
static int support_vectors(const clmlp_config *cfg, const svm_run *r, clmlp_model *m, clmlp_err *err)
{
    int64_t *order = clmlp_calloc((size_t)m->svm.n_sv + 1, sizeof *order, err); /* the dataset's examples */
    for (int s = 0; order && s < m->svm.n_sv; s++)
        order[s] = r->order[m->svm.sv_index[s]];
    m->sv = order ? clmlp_svm_features(r->train.pixels, order, m->svm.n_sv, m->input, cfg->data.scale,
                                       cfg->data.binarize, err)
                  : NULL;
    free(order);
    return m->sv ? 0 : -1;
}

static void solver_summary(const clmlp_svm_model *m, clmlp_svm_run *out)
{
    out->pairs = clmlp_svm_n_pairs(m->n_classes);
    for (int p = 0; p < out->pairs; p++) {
        const clmlp_svm_result *pr = &m->pairs[p];
        out->iterations += pr->iterations;
        out->rows_computed += pr->rows_computed;
        out->hit_max_iter += pr->hit_max_iter;
        if (p == 0 || pr->max_violation > out->max_violation)
            out->max_violation = pr->max_violation;
    }
}

static int train(const clmlp_config *cfg, const clmlp_run_hooks *hooks, svm_run *r, clmlp_run_result *res,
                 clmlp_err *err)
{
    clmlp_run_phase_begin(res, CLMLP_PHASE_UPLOAD);
    if (clmlp_svm_device_create(&r->dev, &res->profile, r->x, (int)r->train.count, res->input_dim, res->svm.gamma,
                                r->class_start, r->n_classes, &r->tunables, &r->sd, err) < 0 ||
        clmlp_cl_check(clFinish(r->dev.queue), "clFinish", err) < 0 ||
        end_phase(res, CLMLP_PHASE_UPLOAD, r->sd.device_bytes, err) < 0)
        return -1;
    res->dataset_device_bytes = r->sd.device_bytes; /* every example's operands, three ways */
    free(r->x); /* the device has them now (support vectors come from the pixels) */
    r->x = NULL;
    /* Drivers compile lazily at a kernel's first launch: that cost is the warm-up's, not training's. */
    clmlp_run_phase_begin(res, CLMLP_PHASE_WARMUP);
    if (clmlp_svm_device_warm_up(&r->sd, err) < 0 || end_phase(res, CLMLP_PHASE_WARMUP, r->sd.device_bytes, err) < 0)
        return -1;
    if (hooks->on_svm_start)
        hooks->on_svm_start(hooks->user, cfg, res);
    clmlp_svm_params params = clmlp_svm_default_params();
    params.C = cfg->model.C;
    params.eps = cfg->model.tol;
    params.cache_bytes = (size_t)cfg->model.cache_mb << 20;
    if (hooks->on_progress) {
        params.progress = on_pair;
        params.progress_user = (void *)hooks;
    }
    res->svm.cache_bytes = params.cache_bytes;
    /* Rows assembled from class blocks as the solver asks (it touches about
     * a quarter of a problem's rows: writing whole blocks took MNIST's
     * training from 11 to 20 s); the classes' own blocks kept besides the
     * rows, each within model.cache_mb. */
    r->sd.diag_budget = params.cache_bytes;
    r->sd.parts = true;
    clmlp_svm_kernel kernel = {.row = clmlp_svm_device_row, .user = &r->sd};
    res->trained = true;
    clmlp_run_phase_begin(res, CLMLP_PHASE_TRAIN);
    clmlp_model_from_config(cfg, res->input_dim, &res->model);
    res->model.gamma = res->svm.gamma;
    if (clmlp_svm_train_ovo((int)r->train.count, r->labels, &kernel, &params, &res->model.svm, err) < 0 ||
        clmlp_profiler_flush(&res->profile, err) < 0 ||
        end_phase(res, CLMLP_PHASE_TRAIN, r->sd.device_bytes, err) < 0)
        return -1;
    res->train_seconds = res->phase_seconds[CLMLP_PHASE_TRAIN];
    res->run_buffer_bytes = r->sd.device_bytes - res->dataset_device_bytes; /* the GEMMs' chunks */
    res->svm.kernel_seconds = r->sd.seconds;
    res->svm.solver_seconds = res->train_seconds - r->sd.seconds;
    res->svm.kernel_flops = r->sd.flops;
    solver_summary(&res->model.svm, &res->svm);
    res->svm.blocks = (int)r->sd.blocks;
    if (support_vectors(cfg, r, &res->model, err) < 0)
        return -1;
    clmlp_svm_device_release(&r->sd); /* its kept blocks (GBs on MNIST) are of no use to prediction */
    res->has_model = true;
    return 0;
}

static int evaluate(svm_run *r, clmlp_run_result *res, clmlp_err *err)
{
    clmlp_run_phase_begin(res, CLMLP_PHASE_EVAL);
    const int n = (int)r->test.count, k = res->classes;
    int *pred = clmlp_calloc((size_t)n + 1, sizeof *pred, err);
    res->confusion = clmlp_calloc((size_t)k * k, sizeof *res->confusion, err);
    if (!pred || !res->confusion ||
        clmlp_svm_device_predict(&r->dev, &res->profile, &res->model.svm, res->model.sv, res->input_dim,
                                 res->model.gamma, r->test_x, n, &r->tunables, pred, &res->svm.predict_flops,
                                 err) < 0) {
        free(pred);
        return -1;
    }
    int64_t correct = 0;
    for (int i = 0; i < n; i++) {
        res->confusion[r->test.labels[i] * k + pred[i]]++;
        correct += r->test.labels[i] == pred[i];
    }
    free(pred);
    res->accuracy = n ? (double)correct / n : 0;
    res->evaluated = true;
    if (clmlp_profiler_flush(&res->profile, err) < 0 || end_phase(res, CLMLP_PHASE_EVAL, 0, err) < 0)
        return -1;
    res->eval_seconds = res->phase_seconds[CLMLP_PHASE_EVAL];
    return 0;
}

int clmlp_svm_experiment_run(const clmlp_config *cfg, const clmlp_run_hooks *hooks, clmlp_run_result *res,
                             clmlp_err *err)
{
    if (clmlp_dist_world()->size > 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "model.kind svm runs in one process: its one-vs-one problems are not split over MPI ranks "
                          "(run it without mpirun)");
    svm_run r = {0};
    int rc = -1;
    if (clmlp_run_config_phase(res, hooks->config_seconds, err) < 0 || load(cfg, &r, res, err) < 0 || open_device(cfg, &r, res, err) < 0 || compile(cfg, &r, res, err) < 0 ||
        train(cfg, hooks, &r, res, err) < 0)
        goto done;
    if (!res->test_unlabeled && evaluate(&r, res, err) < 0)
        goto done;
    clmlp_run_result_rates(res);
    clmlp_run_phase_begin(res, CLMLP_PHASE_PROBE);
    clmlp_run_probe(cfg, &r.dev, NULL, 0, res);
    if (clmlp_run_phase_end(res, CLMLP_PHASE_PROBE, err) < 0)
        goto done;
    rc = 0;
done:
    if (rc < 0)
        clmlp_run_mark_failed(res, err);
    release(&r);
    return rc;
}
