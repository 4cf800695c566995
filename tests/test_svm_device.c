/* The SVM on the device (src/svm_device, src/runtime/svm_experiment.c): kernel blocks and rows from the
 * RBF GEMM against the host's double-precision RBF, one-vs-one training with
 * device kernel values against the same training on the host, device
 * prediction against host votes, and `clmlp train` on an SVM config. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/json_parse.h"
#include "clmlp/svm_device.h"
#include "device_fixture.h"
#include "harness.h"

enum { D = 30, K = 3 };
static const int CLASS_N[K] = {37, 23, 41}; /* 101 examples, sorted by class */

/* Three noisy blobs in [0, 1]^D, class-sorted; starts[0..K] their runs. */
static float *blobs(int *labels, int *starts, int *n_out)
{
    int n = 0;
    for (int c = 0; c < K; c++)
        n += CLASS_N[c];
    float *x = malloc((size_t)n * D * sizeof *x);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    int t = 0;
    for (int c = 0; c < K; c++) {
        starts[c] = t;
        for (int i = 0; i < CLASS_N[c]; i++, t++) {
            labels[t] = c;
            for (int f = 0; f < D; f++) {
                state = state * 6364136223846793005ull + 1442695040888963407ull;
                double u = (double)(state >> 11) / 9007199254740992.0;
                double center = (f % K == c) ? 0.7 : 0.3;
                x[t * D + f] = (float)(center + 0.35 * (u - 0.5));
            }
        }
    }
    starts[K] = t;
    *n_out = n;
    return x;
}

/* A device and the blobs on it, for each test. */
typedef struct {
    clmlp_device dev;
    int labels[128], starts[K + 1], n;
    float *x;
    double gamma; /* scikit-learn's "scale" */
} blob_setup;

static bool setup(blob_setup *b)
{
    if (!test_open_device(&b->dev))
        return false;
    b->x = blobs(b->labels, b->starts, &b->n);
    b->gamma = clmlp_svm_gamma_scale(b->x, (size_t)b->n, D);
    return true;
}

static void teardown(blob_setup *b)
{
    free(b->x);
    clmlp_device_close(&b->dev);
}

/* |device - host RBF| over a block whose rows are rows[] and columns cols[]. */
static double block_error(const float *x, const int *rows, int m, const int *cols, int n, double gamma,
                          const float *got)
{
    double worst = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            worst = fmax(worst, fabs(got[(size_t)i * n + j] -
                                     clmlp_svm_rbf_value(x + rows[i] * D, x + cols[j] * D, D, gamma)));
    return worst;
}

/* A two-class problem's block (two whole classes: assembled from class
 * blocks, the cross block by NN GEMM), a list that is not two classes (one
 * NT GEMM) and a single row all equal the host RBF; the classes' own
 * blocks are computed once and reused by the next problem. */
static void blocks_and_rows_match_the_host(void)
{
    blob_setup b;
    if (!setup(&b))
        return;
    const int n = b.n, *starts = b.starts;
    const float *x = b.x;
    const double gamma = b.gamma;
    clmlp_svm_device sd;
    clmlp_err err = {0};
    CHECK_INT(clmlp_svm_device_create(&b.dev, NULL, x, n, D, gamma, starts, K, NULL, &sd, &err), 0);
    sd.diag_budget = (size_t)1 << 20;
    int cols[128], l = 0;
    for (int t = starts[0]; t < starts[1]; t++)
        cols[l++] = t;
    for (int t = starts[2]; t < starts[3]; t++)
        cols[l++] = t;
    float *out = malloc((size_t)n * n * sizeof *out);
    const float *blk = clmlp_svm_device_block(&sd, cols, l, &err);
    CHECK(blk != NULL);
    double e = blk ? block_error(x, cols, l, cols, l, gamma, blk) : 1;
    if (!(e <= 1e-5)) /* float rounding of exponents up to ~10 */
        test_fail(__FILE__, __LINE__, "two-class block differs from the host RBF by %g", e);
    CHECK_INT(sd.n_diag, 2);
    /* classes 0 and 1: class 0's block comes back from the first problem */
    l = 0;
    for (int t = starts[0]; t < starts[2]; t++)
        cols[l++] = t;
    double before = sd.flops;
    CHECK((blk = clmlp_svm_device_block(&sd, cols, l, &err)) != NULL);
    e = blk ? block_error(x, cols, l, cols, l, gamma, blk) : 1;
    if (!(e <= 1e-5)) /* float rounding of exponents up to ~10 */
        test_fail(__FILE__, __LINE__, "adjacent classes' block differs from the host RBF by %g", e);
    CHECK_INT(sd.n_diag, 3);
    double want = (double)(CLASS_N[0] * CLASS_N[1] + CLASS_N[1] * CLASS_N[1]) * (2.0 * (D + 2) + 1);
    if (!(fabs(sd.flops - before - want) < 1))
        test_fail(__FILE__, __LINE__, "the second problem cost %g FLOPs, want %g (its cross block and class 1's)",
                  sd.flops - before, want);
    /* every third example: not two classes */
    l = 0;
    for (int t = 0; t < n; t += 3)
        cols[l++] = t;
    CHECK((blk = clmlp_svm_device_block(&sd, cols, l, &err)) != NULL);
    e = blk ? block_error(x, cols, l, cols, l, gamma, blk) : 1;
    if (!(e <= 1e-5)) /* float rounding of exponents up to ~10 */
        test_fail(__FILE__, __LINE__, "scattered block differs from the host RBF by %g", e);
    int row = 17;
    CHECK_INT(clmlp_svm_device_row(&sd, row, cols, l, out, &err), 0);
    e = block_error(x, &row, 1, cols, l, gamma, out);
    if (!(e <= 1e-5)) /* float rounding of exponents up to ~10 */
        test_fail(__FILE__, __LINE__, "one row differs from the host RBF by %g", e);
    clmlp_svm_device_release(&sd);
    free(out);
    teardown(&b);
}

/* Host votes over a host RBF matrix of the test rows against the support vectors. */
static void host_predict(const clmlp_svm_model *m, const float *sv, const float *xt, int nt, double gamma, int *out)
{
    float *kmat = malloc((size_t)nt * m->n_sv * sizeof *kmat);
    for (int t = 0; t < nt; t++)
        for (int s = 0; s < m->n_sv; s++)
            kmat[(size_t)t * m->n_sv + s] = (float)clmlp_svm_rbf_value(xt + t * D, sv + s * D, D, gamma);
    clmlp_err err = {0};
    CHECK_INT(clmlp_svm_predict_batch(m, nt, kmat, out, &err), 0);
    free(kmat);
}

/* One-vs-one training with the device's kernel values (whole blocks, rows
 * assembled from class blocks, and NT rows under a budget too small for a
 * block) ends where the host's does:
 * the same support vectors, coefficients within float rounding, and the
 * device's predictions equal the host's votes. */
static void training_and_prediction_equal_the_host(void)
{
    blob_setup b;
    if (!setup(&b))
        return;
    const int n = b.n, *labels = b.labels, *starts = b.starts;
    const float *x = b.x;
    const double gamma = b.gamma;
    clmlp_device *dev = &b.dev;
    clmlp_err err = {0};
    clmlp_svm_rbf rbf;
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, n, D, gamma, &err), 0);
    clmlp_svm_params params = clmlp_svm_default_params();
    clmlp_svm_kernel host = {.row = clmlp_svm_rbf_row, .user = &rbf};
    clmlp_svm_model want;
    CHECK_INT(clmlp_svm_train_ovo(n, labels, &host, &params, &want, &err), 0);
    /* mode 0: a row is one NT GEMM, three rows cached; 1: whole blocks;
     * 2: rows assembled from class blocks (the run's way) */
    for (int mode = 0; mode < 3; mode++) {
        clmlp_svm_device sd;
        CHECK_INT(clmlp_svm_device_create(dev, NULL, x, n, D, gamma, starts, K, NULL, &sd, &err), 0);
        sd.diag_budget = (size_t)1 << 20;
        sd.parts = mode == 2;
        clmlp_svm_params p = params;
        p.cache_bytes = mode ? (size_t)1 << 20 : 3 * 64 * sizeof(float);
        clmlp_svm_kernel k = {.row = clmlp_svm_device_row, .user = &sd,
                              .block = mode == 1 ? clmlp_svm_device_block : NULL};
        clmlp_svm_model got;
        CHECK_INT(clmlp_svm_train_ovo(n, labels, &k, &p, &got, &err), 0);
        CHECK_INT(got.pairs[0].block, mode == 1);
        CHECK_INT((int)sd.blocks, mode ? K * (K - 1) / 2 : 0); /* every problem from class blocks, or none */
        CHECK_INT(got.n_sv, want.n_sv);
        for (int s = 0; s < want.n_sv && got.n_sv == want.n_sv; s++) {
            CHECK_INT(got.sv_index[s], want.sv_index[s]);
            for (int r = 0; r < K - 1; r++) {
                double on_dev = got.coef[r * got.n_sv + s], on_host = want.coef[r * want.n_sv + s];
                if (!(fabs(on_dev - on_host) <= 1e-3))
                    test_fail(__FILE__, __LINE__, "coef[%d][%d] %g on the device, %g on the host", r, s, on_dev,
                              on_host);
            }
        }
        clmlp_svm_model_free(&got);
        clmlp_svm_device_release(&sd);
    }
    /* prediction: test points between the blobs as well as inside them */
    enum { NT = 60 };
    float *xt = malloc((size_t)NT * D * sizeof *xt), *sv = malloc((size_t)want.n_sv * D * sizeof *sv);
    for (int t = 0; t < NT; t++)
        for (int f = 0; f < D; f++)
            xt[t * D + f] = 0.5f * x[((t * 7) % n) * D + f] + 0.5f * x[((t * 13 + 5) % n) * D + f];
    for (int s = 0; s < want.n_sv; s++)
        memcpy(sv + s * D, x + want.sv_index[s] * D, D * sizeof *sv);
    int pred[NT], ref[NT];
    double flops = 0;
    CHECK_INT(clmlp_svm_device_predict(dev, NULL, &want, sv, D, gamma, xt, NT, NULL, pred, &flops, &err), 0);
    host_predict(&want, sv, xt, NT, gamma, ref);
    int same = 0, classes_seen[K] = {0};
    for (int t = 0; t < NT; t++) {
        same += pred[t] == ref[t];
        classes_seen[ref[t]] = 1;
    }
    CHECK_INT(same, NT);
    CHECK_INT(classes_seen[0] + classes_seen[1] + classes_seen[2], K);
    if (!(flops >= 2.0 * NT * want.n_sv * (D + 2)))
        test_fail(__FILE__, __LINE__, "prediction counted %g FLOPs", flops);
    free(xt);
    free(sv);
    clmlp_svm_model_free(&want);
    clmlp_svm_rbf_free(&rbf);
    teardown(&b);
}

/* A class wider than a panel of B (2048 columns): its block goes in two
 * panels read into place, and so does prediction against more support
 * vectors than a panel holds; both against the host. */
static void wide_classes_go_in_panels(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    enum { N = 2300, DW = 6, NT = 40 };
    float *x = malloc((size_t)N * DW * sizeof *x);
    uint64_t state = 0x51ed270b27d3c4a1ull;
    for (int i = 0; i < N * DW; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)((state >> 11) * (1.0 / 9007199254740992.0));
    }
    const double gamma = 0.7;
    int starts[3] = {0, N - 20, N}, cols[N];
    for (int i = 0; i < N; i++)
        cols[i] = i;
    clmlp_svm_device sd;
    clmlp_err err = {0};
    CHECK_INT(clmlp_svm_device_create(&dev, NULL, x, N, DW, gamma, starts, 2, NULL, &sd, &err), 0);
    sd.diag_budget = (size_t)64 << 20;
    const float *blk = clmlp_svm_device_block(&sd, cols, N, &err); /* classes of 2280 and 20 */
    CHECK(blk != NULL);
    double worst = 0;
    for (int i = 0; blk && i < N; i += 7)
        for (int j = 0; j < N; j++)
            worst = fmax(worst, fabs(blk[(size_t)i * N + j] - clmlp_svm_rbf_value(x + i * DW, x + j * DW, DW, gamma)));
    if (!(worst <= 1e-5))
        test_fail(__FILE__, __LINE__, "a block in panels differs from the host RBF by %g", worst);
    clmlp_svm_device_release(&sd);
    /* prediction against 2300 support vectors of two classes, random coefficients */
    int sv_count[2] = {N / 2, N / 2}, class_labels[2] = {3, 8};
    double *coef = malloc(N * sizeof *coef), rho = 0;
    for (int s = 0; s < N; s++)
        coef[s] = (s < N / 2 ? 1.0 : -1.0) / (1 + s % 3); /* balanced: either class can win */
    clmlp_svm_model m = {.n_classes = 2, .labels = class_labels, .n_sv = N, .sv_count = sv_count, .coef = coef,
                         .rho = &rho};
    float *xt = x + 100 * DW; /* NT test rows */
    int pred[NT], ref[NT];
    CHECK_INT(clmlp_svm_device_predict(&dev, NULL, &m, x, DW, gamma, xt, NT, NULL, pred, NULL, &err), 0);
    float *kmat = malloc((size_t)NT * N * sizeof *kmat);
    for (int t = 0; t < NT; t++)
        for (int s = 0; s < N; s++)
            kmat[(size_t)t * N + s] = (float)clmlp_svm_rbf_value(xt + t * DW, x + s * DW, DW, gamma);
    CHECK_INT(clmlp_svm_predict_batch(&m, NT, kmat, ref, &err), 0);
    int same = 0, threes = 0;
    for (int t = 0; t < NT; t++) {
        same += pred[t] == ref[t];
        threes += ref[t] == 3;
    }
    CHECK_INT(same, NT);
    if (threes == 0 || threes == NT) /* both answers occur, or equality proves little */
        test_fail(__FILE__, __LINE__, "the host votes %d of %d test rows for class 3", threes, NT);
    free(kmat);
    free(coef);
    free(x);
    clmlp_device_close(&dev);
}

/* clmlp train on an SVM config: 600 MNIST images, 200 held out from the
 * same file with skip; report.json has the solver's figures and an
 * accuracy an RBF SVM reaches there. */
static void train_svm_config_reports_the_solver(void)
{
    test_mnist_dir();
    char got[8192], cfg[256], dir[256];
    snprintf(cfg, sizeof cfg, "%s/svm.yaml", test_tmpdir());
    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    char text[1024];
    snprintf(text, sizeof text,
             "name: svm-test\n"
             "data:\n"
             "  train: {images: %s/train-images-idx3-ubyte.gz, labels: %s/train-labels-idx1-ubyte.gz, limit: 600}\n"
             "  test: {images: %s/train-images-idx3-ubyte.gz, labels: %s/train-labels-idx1-ubyte.gz, skip: 600, "
             "limit: 200}\n"
             "  binarize: true\n"
             "model: {kind: svm, C: 1.0, gamma: scale}\n"
             "profile: {probe: false}\n",
             test_mnist_dir(), test_mnist_dir(), test_mnist_dir(), test_mnist_dir());
    test_write_text(cfg, text);
    CHECK_INT(test_run_clmlpf(got, sizeof got, "train '%s' --out '%s'", cfg, dir), 0);
    CHECK_CONTAINS(got, "support vectors");
    clmlp_jv *r = test_parse_json_file(dir, "report.json");
    if (!r)
        return;
    CHECK_STR(clmlp_jv_string(clmlp_jv_path(r, "config.kind"), ""), "svm");
    double acc = clmlp_jv_number(clmlp_jv_path(r, "eval.accuracy"), -1);
    if (!(acc >= 0.85 && acc <= 1.0))
        test_fail(__FILE__, __LINE__, "accuracy %g on 200 held-out images", acc);
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(r, "data.train_examples"), -1), 600);
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(r, "data.test_examples"), -1), 200);
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(r, "svm.pairs"), -1), 45);
    double n_sv = clmlp_jv_number(clmlp_jv_path(r, "svm.support_vectors"), -1);
    if (!(n_sv > 45 && n_sv < 600))
        test_fail(__FILE__, __LINE__, "%g support vectors of 600 examples", n_sv);
    if (!(clmlp_jv_number(clmlp_jv_path(r, "svm.max_violation"), -1) < 1e-3))
        test_fail(__FILE__, __LINE__, "the solver stopped above model.tol");
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(r, "svm.blocks"), -1), 45);
    clmlp_jv_free(r);
    /* a window past the file's end is an error that names it */
    CHECK_INT(test_run_clmlpf(got, sizeof got, "train '%s' --set data.test.skip=60000 --out '%s/x'", cfg,
                              test_tmpdir()),
              2);
    CHECK_CONTAINS(got, "skip 60000 leaves nothing");
    CHECK_INT(test_run_clmlpf(got, sizeof got, "train '%s' --set model.gamma=fast --out '%s/y'", cfg, test_tmpdir()),
              2);
    CHECK_CONTAINS(got, "model.gamma: 'fast' is not scale, auto or a positive number");
    /* the MLP plan's commands say what serves an SVM instead of acting on a plan it does not have */
    CHECK_INT(test_run_clmlpf(got, sizeof got, "compile '%s'", cfg), 2);
    CHECK_CONTAINS(got, "compile: model.kind svm has no compiled plan");
    CHECK(test_one_line(got));
}

const test_case svm_device_tests[] = {
    {"blocks_and_rows_match_the_host", blocks_and_rows_match_the_host, true},
    {"training_and_prediction_equal_the_host", training_and_prediction_equal_the_host, true},
    {"wide_classes_go_in_panels", wide_classes_go_in_panels, true},
    {"train_svm_config_reports_the_solver", train_svm_config_reports_the_solver, true},
    {NULL, NULL, false},
};
