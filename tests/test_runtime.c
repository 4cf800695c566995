/* The OpenCL runtime against the plain-C reference MLP (reference_mlp.c):
 * loss, every gradient, optimizer steps, fused == unfused, evaluation, and a
 * small end-to-end MNIST run. */
#include <stdlib.h>

#include "clmlp/experiment.h"
#include "clmlp/modelfile.h"
#include "clmlp/rng.h"
#include "clmlp/session.h"
#include "device_fixture.h"
#include "harness.h"
#include "reference_mlp.h"

enum { IN_ROWS = 2, IN_COLS = 3, INPUT = IN_ROWS * IN_COLS, CLASSES = 3, EXAMPLES = 8, BATCH = 4 };

typedef struct fixture {
    clmlp_config cfg;
    clmlp_device dev;
    clmlp_plan *train_plan, *eval_plan;
    clmlp_session s;
    clmlp_dataset ds;
    ref_mlp ref;
} fixture;

/* Plans for cfg on dev (compiled and tuned, as a run makes them), and a session over them. */
static int open_session(const clmlp_config *cfg, clmlp_device *dev, int input, clmlp_plan **train, clmlp_plan **eval,
                        clmlp_session *s, clmlp_err *err)
{
    clmlp_session_options opt;
    clmlp_session_options_from_config(cfg, &opt);
    return clmlp_experiment_plans(cfg, dev, input, train, eval, err) < 0 ||
                   clmlp_session_create(&opt, dev, *train, *eval, s, err) < 0
               ? -1
               : 0;
}

/* A tiny model 6-5-4-3 on 8 random 2x3 "images"; device and reference share
 * the same random parameters. */
static bool setup(fixture *f, clmlp_activation act, clmlp_optimizer opt, bool fuse)
{
    memset(f, 0, sizeof *f);
    clmlp_config_defaults(&f->cfg);
    f->cfg.model.n_hidden = 2;
    f->cfg.model.hidden[0] = 5;
    f->cfg.model.hidden[1] = 4;
    f->cfg.model.classes = CLASSES;
    f->cfg.model.activation = act;
    f->cfg.training.optimizer = opt;
    f->cfg.training.lr = opt == CLMLP_OPT_ADAM ? 0.01 : 0.1;
    f->cfg.training.momentum = 0.9;
    f->cfg.training.batch_size = BATCH;
    f->cfg.training.eval_batch_size = 3; /* 8 test examples: last batch padded */
    f->cfg.compiler.fuse = fuse;
    f->cfg.data.shuffle = false;

    f->ds.count = EXAMPLES;
    f->ds.rows = IN_ROWS;
    f->ds.cols = IN_COLS;
    f->ds.pixels = malloc(EXAMPLES * INPUT);
    f->ds.labels = malloc(EXAMPLES);
    clmlp_rng rng;
    clmlp_rng_seed(&rng, 99);
    for (int i = 0; i < EXAMPLES * INPUT; i++)
        f->ds.pixels[i] = (uint8_t)clmlp_rng_below(&rng, 256);
    for (int i = 0; i < EXAMPLES; i++)
        f->ds.labels[i] = (uint8_t)clmlp_rng_below(&rng, CLASSES);

    int width[] = {INPUT, 5, 4, CLASSES};
    ref_mlp_init(&f->ref, 3, width, act);
    if (!test_open_device(&f->dev))
        return false;
    clmlp_err err = {0};
    if (open_session(&f->cfg, &f->dev, INPUT, &f->train_plan, &f->eval_plan, &f->s, &err) < 0 ||
        clmlp_session_upload_train(&f->s, &f->ds, &err) < 0 || clmlp_session_upload_test(&f->s, &f->ds, &err) < 0 ||
        clmlp_session_init_params(&f->s, &err) < 0) {
        test_fail(__FILE__, __LINE__, "session: %s", err.msg);
        return false;
    }
    /* Copy the device's initial parameters into the reference. */
    const clmlp_graph *g = &f->s.train_plan->graph;
    for (int p = 0; p < g->n_params; p++) {
        int n = ref_mlp_param_size(&f->ref, p);
        float *host = malloc(sizeof(float) * (size_t)n);
        CHECK_INT(clmlp_executor_read_tensor(&f->s.train, g->params[p], host, &err), 0);
        for (int i = 0; i < n; i++)
            ref_mlp_param(&f->ref, p)[i] = host[i];
        free(host);
    }
    return true;
}

static void teardown(fixture *f)
{
    clmlp_session_release(&f->s);
    free(f->train_plan);
    free(f->eval_plan);
    clmlp_device_close(&f->dev);
    ref_mlp_free(&f->ref);
    clmlp_dataset_free(&f->ds);
}

static void batch_input(const fixture *f, int first, double *x, int *y)
{
    for (int b = 0; b < BATCH; b++) {
        for (int k = 0; k < INPUT; k++)
            x[b * INPUT + k] = f->ds.pixels[(first + b) * INPUT + k] / 255.0;
        y[b] = f->ds.labels[first + b];
    }
}

static double device_batch_loss(fixture *f, int step)
{
    float losses[BATCH];
    clmlp_err err = {0};
    CHECK_INT(clEnqueueReadBuffer(f->dev.queue, f->s.train_losses, CL_TRUE, sizeof(float) * step * BATCH,
                                  sizeof losses, losses, 0, NULL, NULL),
              CL_SUCCESS);
    (void)err;
    double sum = 0;
    for (int i = 0; i < BATCH; i++)
        sum += losses[i];
    return sum / BATCH;
}

/* Relative-or-absolute closeness for float32 device results vs double reference. */
static void check_tensor_close(fixture *f, int tensor, const double *want, int n, double tol, const char *what)
{
    float *got = malloc(sizeof(float) * (size_t)n);
    clmlp_err err = {0};
    CHECK_INT(clmlp_executor_read_tensor(&f->s.train, tensor, got, &err), 0);
    for (int i = 0; i < n; i++) {
        double scale = fabs(want[i]) > 1 ? fabs(want[i]) : 1;
        if (fabs(got[i] - want[i]) > tol * scale) {
            test_fail(__FILE__, __LINE__, "%s[%d]: device %.9g, reference %.9g", what, i, got[i], want[i]);
            break;
        }
    }
    free(got);
}

static void one_step_matches_reference(clmlp_activation act, clmlp_optimizer opt, bool fuse)
{
    fixture f;
    if (!setup(&f, act, opt, fuse)) {
        teardown(&f);
        return;
    }
    clmlp_err err = {0};
    double x[BATCH * INPUT];
    int y[BATCH];
    for (int step = 0; step < 2; step++) {
        batch_input(&f, step * BATCH, x, y);
        double want_loss = ref_mlp_loss(&f.ref, x, y, BATCH, true);
        CHECK_INT(clmlp_session_enqueue_steps(&f.s, step, 1, &err), 0);
        CHECK_NEAR(device_batch_loss(&f, step), want_loss, 1e-4 * fabs(want_loss) + 1e-5);
        const clmlp_graph *g = &f.s.train_plan->graph;
        for (int p = 0; p < g->n_params; p++) {
            char what[64];
            snprintf(what, sizeof what, "step %d grad %s", step, g->tensors[g->params[p]].name);
            check_tensor_close(&f, g->param_grads[p], ref_mlp_grad(&f.ref, p), ref_mlp_param_size(&f.ref, p), 1e-4,
                               what);
        }
        if (opt == CLMLP_OPT_ADAM)
            ref_mlp_adam(&f.ref, step + 1, f.cfg.training.lr, f.cfg.training.beta1, f.cfg.training.beta2,
                         f.cfg.training.eps);
        else
            ref_mlp_sgd(&f.ref, f.cfg.training.lr, f.cfg.training.momentum);
        for (int p = 0; p < g->n_params; p++) {
            char what[64];
            snprintf(what, sizeof what, "step %d param %s", step, g->tensors[g->params[p]].name);
            check_tensor_close(&f, g->params[p], ref_mlp_param(&f.ref, p), ref_mlp_param_size(&f.ref, p), 1e-4,
                               what);
        }
    }
    teardown(&f);
}

static void relu_adam_fused_matches_reference(void) { one_step_matches_reference(CLMLP_ACT_RELU, CLMLP_OPT_ADAM, true); }
static void relu_adam_unfused_matches_reference(void)
{
    one_step_matches_reference(CLMLP_ACT_RELU, CLMLP_OPT_ADAM, false);
}
static void sigmoid_sgd_fused_matches_reference(void)
{
    one_step_matches_reference(CLMLP_ACT_SIGMOID, CLMLP_OPT_SGD, true);
}
static void tanh_sgd_unfused_matches_reference(void)
{
    one_step_matches_reference(CLMLP_ACT_TANH, CLMLP_OPT_SGD, false);
}
/* Every activation's gradient epilogue (relu_grad, sigmoid_grad, tanh_grad) in a real step. */
static void tanh_adam_fused_matches_reference(void) { one_step_matches_reference(CLMLP_ACT_TANH, CLMLP_OPT_ADAM, true); }

/* The reference's own gradient against central finite differences, so the
 * device is compared with something that is itself checked. */
static void reference_gradient_matches_finite_differences(void)
{
    for (int a = 0; a < 3; a++) {
        int width[] = {INPUT, 5, 4, CLASSES};
        ref_mlp r;
        ref_mlp_init(&r, 3, width, (clmlp_activation)a);
        clmlp_rng rng;
        clmlp_rng_seed(&rng, 5);
        for (int p = 0; p < 6; p++)
            for (int i = 0; i < ref_mlp_param_size(&r, p); i++)
                ref_mlp_param(&r, p)[i] = clmlp_rng_normal(&rng) * 0.5;
        double x[BATCH * INPUT];
        int y[BATCH] = {0, 1, 2, 1};
        for (int i = 0; i < BATCH * INPUT; i++)
            x[i] = clmlp_rng_uniform(&rng);
        ref_mlp_loss(&r, x, y, BATCH, true);
        for (int p = 0; p < 6; p++)
            for (int i = 0; i < ref_mlp_param_size(&r, p); i++) {
                double *w = &ref_mlp_param(&r, p)[i], keep = *w, h = 1e-6;
                *w = keep + h;
                double up = ref_mlp_loss(&r, x, y, BATCH, false);
                *w = keep - h;
                double down = ref_mlp_loss(&r, x, y, BATCH, false);
                *w = keep;
                CHECK_NEAR(ref_mlp_grad(&r, p)[i], (up - down) / (2 * h), 1e-6);
            }
        ref_mlp_free(&r);
    }
}

/* Adam's first step moves every weight with a non-zero gradient by lr
 * against its sign: m = (1-b1) g, v = (1-b2) g^2, lr_t = lr sqrt(1-b2)/(1-b1)
 * => step = lr * g / (|g| + eps / sqrt(1-b2)). */
static void first_adam_step_is_lr_times_sign(void)
{
    fixture f;
    if (!setup(&f, CLMLP_ACT_RELU, CLMLP_OPT_ADAM, true)) {
        teardown(&f);
        return;
    }
    clmlp_err err = {0};
    const clmlp_graph *g = &f.s.train_plan->graph;
    int w2 = g->params[4], n = ref_mlp_param_size(&f.ref, 4);
    float before[64], after[64], grad[64];
    CHECK_INT(clmlp_executor_read_tensor(&f.s.train, w2, before, &err), 0);
    CHECK_INT(clmlp_session_enqueue_steps(&f.s, 0, 1, &err), 0);
    CHECK_INT(clmlp_executor_read_tensor(&f.s.train, w2, after, &err), 0);
    CHECK_INT(clmlp_executor_read_tensor(&f.s.train, g->param_grads[4], grad, &err), 0);
    int moved = 0;
    for (int i = 0; i < n; i++) {
        if (fabs(grad[i]) < 1e-4)
            continue;
        double eps_hat = f.cfg.training.eps / sqrt(1 - f.cfg.training.beta2);
        CHECK_NEAR(before[i] - after[i], f.cfg.training.lr * grad[i] / (fabs(grad[i]) + eps_hat), 2e-6);
        moved++;
    }
    CHECK(moved > 0);
    teardown(&f);
}

static void evaluation_matches_reference_predictions(void)
{
    fixture f;
    if (!setup(&f, CLMLP_ACT_TANH, CLMLP_OPT_ADAM, true)) {
        teardown(&f);
        return;
    }
    clmlp_err err = {0};
    int pred[EXAMPLES], want[EXAMPLES];
    CHECK_INT(clmlp_session_evaluate(&f.s, pred, &err), 0);
    double x[EXAMPLES * INPUT];
    for (int i = 0; i < EXAMPLES * INPUT; i++)
        x[i] = f.ds.pixels[i] / 255.0;
    ref_mlp_predict(&f.ref, x, EXAMPLES, want);
    for (int i = 0; i < EXAMPLES; i++)
        CHECK_INT(pred[i], want[i]);
    teardown(&f);
}

/* Fused and unfused plans train to the same parameters within float rounding. */
static void fused_equals_unfused_after_an_epoch(void)
{
    float params[2][64];
    for (int fuse = 0; fuse < 2; fuse++) {
        fixture f;
        if (!setup(&f, CLMLP_ACT_RELU, CLMLP_OPT_ADAM, fuse)) {
            teardown(&f);
            return;
        }
        clmlp_err err = {0};
        double loss;
        for (int e = 0; e < 3; e++)
            CHECK_INT(clmlp_session_train_epoch(&f.s, e, NULL, NULL, &loss, &err), 0);
        const clmlp_graph *g = &f.s.train_plan->graph;
        CHECK_INT(clmlp_executor_read_tensor(&f.s.train, g->params[2], params[fuse], &err), 0);
        teardown(&f);
    }
    for (int i = 0; i < 5 * 4; i++)
        CHECK_NEAR(params[0][i], params[1][i], 1e-5);
}

/* A checkpoint's tensors are the device's own, mapped: after an epoch they
 * equal what a read returns, the unmap clears every pointer, and the
 * session trains on (the checkpoint keeps no host copy through the run). */
static void snapshot_maps_the_device_state_and_unmaps(void)
{
    fixture f;
    if (!setup(&f, CLMLP_ACT_RELU, CLMLP_OPT_ADAM, true)) {
        teardown(&f);
        return;
    }
    clmlp_err err = {0};
    double loss;
    CHECK_INT(clmlp_session_train_epoch(&f.s, 0, NULL, NULL, &loss, &err), 0);
    clmlp_checkpoint ck = {0};
    clmlp_model_from_config(&f.cfg, INPUT, &ck.model);
    CHECK_INT(clmlp_checkpoint_alloc_frame(&ck, CLMLP_OPT_ADAM, f.s.train_count, 2, &err), 0);
    CHECK_INT(clmlp_session_snapshot_map(&f.s, &ck, &err), 0);
    const clmlp_graph *g = &f.s.train_plan->graph;
    CHECK_INT((int)ck.step, (int)f.s.step);
    for (int p = 0; p < g->n_params; p++) {
        int n = (int)clmlp_model_param_count(&ck.model, p);
        float *want = malloc(sizeof(float) * (size_t)n);
        const int tensors[3] = {g->params[p], g->opt_state[p][0], g->opt_state[p][1]};
        const float *got[3] = {ck.model.params[p], ck.state[p][0], ck.state[p][1]};
        for (int k = 0; k < 3; k++) {
            CHECK(got[k] != NULL);
            CHECK_INT(clmlp_executor_read_tensor(&f.s.train, tensors[k], want, &err), 0);
            for (int i = 0; got[k] && i < n; i++)
                if (got[k][i] != want[i]) {
                    test_fail(__FILE__, __LINE__, "parameter %d slot %d [%d]: mapped %.9g, read %.9g", p, k, i,
                              got[k][i], want[i]);
                    break;
                }
        }
        free(want);
    }
    CHECK_INT(clmlp_session_snapshot_unmap(&f.s, &ck, &err), 0);
    for (int p = 0; p < g->n_params; p++)
        CHECK(!ck.model.params[p] && !ck.state[p][0] && !ck.state[p][1]);
    CHECK_INT(clmlp_session_train_epoch(&f.s, 1, NULL, NULL, &loss, &err), 0);
    clmlp_checkpoint_free(&ck);
    teardown(&f);
}

static clmlp_run_result tiny_mnist_run_with(const char *const *sets, int n_sets)
{
    clmlp_config cfg;
    clmlp_err err = {0};
    char path[1200];
    test_mnist_dir();
    snprintf(path, sizeof path, "%s/configs/tiny-mnist.yaml", test_source_root());
    clmlp_run_result res = {0};
    if (clmlp_config_load(path, sets, n_sets, &cfg, &err) < 0 || clmlp_experiment_run(&cfg, NULL, &res, &err) < 0)
        test_fail(__FILE__, __LINE__, "tiny-mnist: %s", err.msg);
    return res;
}

static clmlp_run_result tiny_mnist_run(const char *extra_set)
{
    const char *sets[] = {extra_set};
    return tiny_mnist_run_with(sets, extra_set ? 1 : 0);
}

/* Batch 1000: the weight gradients run split along K (chunks of 250
 * accumulating into dW and db) and dX = dZ·W^T reads a transposed copy of W
 * in the NN form (90x45: edge tiles too); the op-by-op plan does neither (split K aside), and
 * CLBlast runs the chunks through its offsets. All train the same network: losses agree to
 * float rounding. */
static void large_batch_plan_trains_as_the_unfused_one(void)
{
    const char *fused[] = {"training.batch_size=1000", "model.hidden=[90, 45]", "training.epochs=3"};
    const char *unfused[] = {"training.batch_size=1000", "model.hidden=[90, 45]", "training.epochs=3",
                             "compiler.fuse=false"};
    /* CLBlast: the chunks through its buffer offsets, each epilogue a launch of its own after the last chunk */
    const char *clblast[] = {"training.batch_size=1000", "model.hidden=[90, 45]", "training.epochs=3",
                             "compiler.gemm=clblast"};
    clmlp_run_result a = tiny_mnist_run_with(fused, 3), b = tiny_mnist_run_with(unfused, 4),
                     c = tiny_mnist_run_with(clblast, 4);
    CHECK_INT(a.epochs_done, 3);
    CHECK_INT(b.epochs_done, 3);
    CHECK_INT(c.epochs_done, 3);
    for (int e = 0; e < 3 && a.epochs_done == 3 && b.epochs_done == 3 && c.epochs_done == 3; e++) {
        CHECK_NEAR(a.epochs[e].loss, b.epochs[e].loss, 1e-4 * fabs(b.epochs[e].loss));
        CHECK_NEAR(c.epochs[e].loss, b.epochs[e].loss, 1e-4 * fabs(b.epochs[e].loss));
    }
    CHECK_NEAR(a.accuracy, b.accuracy, 0.002);
    CHECK_NEAR(c.accuracy, b.accuracy, 0.002);
    clmlp_run_result_free(&a);
    clmlp_run_result_free(&b);
    clmlp_run_result_free(&c);
}

/* configs/tiny-mnist.yaml: 2 000 training images, 1 000 test images, 784-64-10, 5 epochs. */
static void tiny_mnist_learns_and_is_deterministic(void)
{
    clmlp_run_result a = tiny_mnist_run(NULL), b = tiny_mnist_run(NULL);
    CHECK(a.accuracy >= 0.82); /* measured 84.3 % */
    CHECK(a.epochs_done == 5 && a.epochs[4].loss < a.epochs[0].loss);
    CHECK_INT(a.test_count, 1000);
    int64_t total = 0;
    for (int i = 0; i < a.classes * a.classes; i++)
        total += a.confusion[i];
    CHECK_INT(total, 1000);
    /* Same config, seed and device: the same numbers. */
    CHECK(a.epochs_done == b.epochs_done && a.epochs[4].loss == b.epochs[4].loss);
    CHECK(a.accuracy == b.accuracy);
    clmlp_run_result_free(&a);
    clmlp_run_result_free(&b);
}

/* Streaming the training set from the host in chunks gives the same run. */
static void streamed_training_equals_device_resident(void)
{
    clmlp_run_result a = tiny_mnist_run(NULL), b = tiny_mnist_run("data.stream=true");
    CHECK(!a.streamed && b.streamed);
    CHECK(a.epochs_done == 5 && b.epochs_done == 5);
    for (int e = 0; e < a.epochs_done && e < b.epochs_done; e++)
        CHECK(a.epochs[e].loss == b.epochs[e].loss);
    CHECK(a.accuracy == b.accuracy);
    clmlp_run_result_free(&a);
    clmlp_run_result_free(&b);
}

static void tiny_mnist_with_clblast_gemms_learns_too(void)
{
    clmlp_run_result r = tiny_mnist_run("compiler.gemm=clblast");
    CHECK(r.accuracy >= 0.82);
    clmlp_run_result_free(&r);
}

/* The vectorised gather converts every pixel of a row that is not a
 * multiple of its vector width (37 = 2 x 16 + 5), in each preprocessing mode. */
static void gather_converts_every_pixel(void)
{
    enum { FEATURES = 37, COUNT = 4, GB = 2 };
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    for (int mode = 0; mode < 3; mode++) { /* scale, binarize, raw */
        clmlp_config cfg;
        clmlp_config_defaults(&cfg);
        cfg.model.n_hidden = 1;
        cfg.model.hidden[0] = 3;
        cfg.model.classes = 2;
        cfg.training.batch_size = GB;
        cfg.training.eval_batch_size = GB;
        cfg.data.shuffle = false;
        cfg.data.scale = mode == 0;
        cfg.data.binarize = mode == 1;
        uint8_t pixels[COUNT * FEATURES], labels[COUNT] = {1, 0, 1, 1};
        for (int i = 0; i < COUNT * FEATURES; i++)
            pixels[i] = (uint8_t)(i % 5 == 0 ? 0 : (i * 37) % 256);
        clmlp_dataset ds = {.count = COUNT, .rows = 1, .cols = FEATURES, .pixels = pixels, .labels = labels};
        clmlp_session s = {0};
        clmlp_plan *tp = NULL, *ep = NULL;
        clmlp_err err = {0};
        float x[GB * FEATURES];
        if (open_session(&cfg, &dev, FEATURES, &tp, &ep, &s, &err) < 0 || clmlp_session_upload_train(&s, &ds, &err) < 0 ||
            clmlp_session_init_params(&s, &err) < 0 || clmlp_session_enqueue_steps(&s, 1, 1, &err) < 0 ||
            clmlp_executor_read_tensor(&s.train, s.train_plan->graph.x, x, &err) < 0)
            test_fail(__FILE__, __LINE__, "mode %d: %s", mode, err.msg);
        else
            for (int i = 0; i < GB * FEATURES; i++) {
                uint8_t p = pixels[GB * FEATURES + i]; /* step 1 reads examples 2 and 3 */
                float want = mode == 0 ? p / 255.0f : mode == 1 ? (p > 0 ? 1.0f : 0.0f) : (float)p;
                if (fabsf(x[i] - want) > 1e-6f) {
                    test_fail(__FILE__, __LINE__, "mode %d: x[%d] = %g, want %g", mode, i, x[i], want);
                    break;
                }
            }
        clmlp_session_release(&s);
        free(tp);
        free(ep);
    }
    clmlp_device_close(&dev);
}

const test_case runtime_tests[] = {
    {"gather_converts_every_pixel", gather_converts_every_pixel, true},
    {"reference_gradient_matches_finite_differences", reference_gradient_matches_finite_differences, false},
    {"relu_adam_fused_matches_reference", relu_adam_fused_matches_reference, true},
    {"relu_adam_unfused_matches_reference", relu_adam_unfused_matches_reference, true},
    {"sigmoid_sgd_fused_matches_reference", sigmoid_sgd_fused_matches_reference, true},
    {"tanh_sgd_unfused_matches_reference", tanh_sgd_unfused_matches_reference, true},
    {"tanh_adam_fused_matches_reference", tanh_adam_fused_matches_reference, true},
    {"first_adam_step_is_lr_times_sign", first_adam_step_is_lr_times_sign, true},
    {"evaluation_matches_reference_predictions", evaluation_matches_reference_predictions, true},
    {"fused_equals_unfused_after_an_epoch", fused_equals_unfused_after_an_epoch, true},
    {"snapshot_maps_the_device_state_and_unmaps", snapshot_maps_the_device_state_and_unmaps, true},
    {"tiny_mnist_learns_and_is_deterministic", tiny_mnist_learns_and_is_deterministic, true},
    {"streamed_training_equals_device_resident", streamed_training_equals_device_resident, true},
    {"tiny_mnist_with_clblast_gemms_learns_too", tiny_mnist_with_clblast_gemms_learns_too, true},
    {"large_batch_plan_trains_as_the_unfused_one", large_batch_plan_trains_as_the_unfused_one, true},
    {NULL, NULL, false},
};
