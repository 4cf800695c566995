/* `clmlp eval` and `clmlp predict` as a user runs them, and the Kaggle
 * flow: train on a train.csv with an unlabeled test.csv, predict it into
 * results.csv. The CSVs are made here from MNIST's test images. And an
 * SVM model file, trained on the host, predicting on the device. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/data.h"
#include "clmlp/json_parse.h"
#include "clmlp/modelfile.h"
#include "clmlp/svm.h"
#include "harness.h"

static char got[200000];

/* Runs clmlp with printf-formatted arguments into `got`; returns its exit status. */
#define run(...) test_run_clmlpf(got, sizeof got, __VA_ARGS__)

/* MNIST's first n test images as a Kaggle CSV (with or without the label column); returns its path. */
static const char *mnist_csv(const char *name, int n, bool labels)
{
    static char paths[4][800];
    static int slot;
    char images[800], lab[800];
    const char *mnist = test_mnist_dir();
    snprintf(images, sizeof images, "%s/t10k-images-idx3-ubyte.gz", mnist);
    snprintf(lab, sizeof lab, "%s/t10k-labels-idx1-ubyte.gz", mnist);
    clmlp_dataset ds;
    clmlp_err err = {0};
    if (clmlp_idx_load_first(images, lab, n, &ds, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
        return "";
    }
    char *path = paths[slot++ % 4];
    snprintf(path, 800, "%s/%s", test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    fputs(labels ? "label," : "", f);
    for (int i = 0; i < 784; i++)
        fprintf(f, "pixel%d%s", i, i < 783 ? "," : "\n");
    for (int64_t r = 0; r < ds.count; r++) {
        if (labels)
            fprintf(f, "%d,", ds.labels[r]);
        for (int i = 0; i < 784; i++)
            fprintf(f, "%d%s", ds.pixels[r * 784 + i], i < 783 ? "," : "\n");
    }
    fclose(f);
    clmlp_dataset_free(&ds);
    return path;
}

/* A trained tiny-mnist run directory (1000 test images, its first 1000). */
static const char *trained_run(void)
{
    static char dir[900];
    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=2 --set profile.probe=false --out '%s'", dir),
              0);
    return dir;
}

static clmlp_jv *report_of(const char *dir)
{
    char path[1000];
    snprintf(path, sizeof path, "%s/report.json", dir);
    size_t len = 0;
    char *text = test_read_file(path, &len);
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (!text || clmlp_json_parse(text, len, &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s: %s", path, text ? err.msg : "missing");
    free(text);
    return v;
}

/* The run's own evaluation, the same images as a labeled CSV through `eval`, and IDX: one accuracy, one matrix. */
static void eval_scores_as_the_run_did(void)
{
    const char *dir = trained_run();
    clmlp_jv *r = report_of(dir);
    double acc = clmlp_jv_number(clmlp_jv_path(r, "eval.accuracy"), -1);
    const char *csv = mnist_csv("test.csv", 1000, true);
    CHECK_INT(run("eval '%s' '%s'", dir, csv), 0);
    char want[64];
    snprintf(want, sizeof want, "accuracy: %.2f %% (%.0f/1000)\n", 100 * acc, acc * 1000);
    CHECK_CONTAINS(got, want);
    CHECK_CONTAINS(got, "data:    1000 images of 28x28, labeled, batches of 1000");
    CHECK_CONTAINS(got, "confusion matrix (rows: true class, columns: predicted)");
    CHECK_CONTAINS(got, "phases:  load ");
    CHECK_CONTAINS(got, "profile: ");
    /* row 0 of the matrix as report.json has it */
    const clmlp_jv *row = clmlp_jv_path(r, "eval.confusion");
    char line[128] = "     0";
    for (size_t p = 0; row && row->count == 10 && p < 10; p++)
        snprintf(line + strlen(line), sizeof line - strlen(line), "%6.0f", row->items[0].items[p].number);
    CHECK_CONTAINS(got, line);
    clmlp_jv_free(r);
    /* the model file itself, and IDX images with labels (all 10 000) */
    char images[800], labels[800];
    snprintf(images, sizeof images, "%s/t10k-images-idx3-ubyte.gz", test_mnist_dir());
    snprintf(labels, sizeof labels, "%s/t10k-labels-idx1-ubyte.gz", test_mnist_dir());
    CHECK_INT(run("eval '%s/model.safetensors' '%s' '%s' --set device.type=cpu", dir, images, labels), 0);
    CHECK_CONTAINS(got, "/10000)\n");
    /* predict takes IDX images without labels too */
    char results[900];
    snprintf(results, sizeof results, "%s/idx.csv", test_tmpdir());
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, images, results), 0);
    CHECK_CONTAINS(got, "data:    10000 images of 28x28, unlabeled");
    char *text = test_read_file(results, NULL);
    CHECK_CONTAINS(text, "\n10000,");
    free(text);
    /* no labels: eval refuses in one line */
    CHECK_INT(run("eval '%s' '%s'", dir, mnist_csv("nolabels.csv", 10, false)), 3);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "eval needs labels: ");
    CHECK_INT(run("eval '%s' '%s'", dir, images), 3);
    CHECK_CONTAINS(got, "give the IDX labels file after the images");
}

/* results.csv: Kaggle's header, ImageId from 1, the labels eval scored; --probabilities adds p0..p9. */
static void predict_writes_kaggle_results(void)
{
    const char *dir = trained_run();
    clmlp_jv *r = report_of(dir);
    double acc = clmlp_jv_number(clmlp_jv_path(r, "eval.accuracy"), -1);
    clmlp_jv_free(r);
    const char *test = mnist_csv("test.csv", 1000, false);
    char out[900], probs_out[900];
    snprintf(out, sizeof out, "%s/results.csv", test_tmpdir());
    snprintf(probs_out, sizeof probs_out, "%s/probs.csv", test_tmpdir());
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, test, out), 0);
    CHECK_CONTAINS(got, "(1000 rows: ImageId,Label)");
    CHECK_INT(run("predict '%s' '%s' --out '%s' --probabilities", dir, test, probs_out), 0);
    /* the truth: the same images with labels */
    char images[800], labels[800];
    snprintf(images, sizeof images, "%s/t10k-images-idx3-ubyte.gz", test_mnist_dir());
    snprintf(labels, sizeof labels, "%s/t10k-labels-idx1-ubyte.gz", test_mnist_dir());
    clmlp_dataset truth;
    clmlp_err err = {0};
    CHECK_INT(clmlp_idx_load_first(images, labels, 1000, &truth, &err), 0);
    char *text = test_read_file(out, NULL), *ptext = test_read_file(probs_out, NULL);
    CHECK(text && ptext);
    if (!text || !ptext || truth.count != 1000)
        return;
    CHECK(strncmp(text, "ImageId,Label\n1,", 16) == 0);
    CHECK(strncmp(ptext, "ImageId,Label,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9\n1,", 46) == 0);
    int right = 0, rows = 0, agree = 0;
    char *line = strchr(text, '\n') + 1, *pline = strchr(ptext, '\n') + 1;
    for (; *line && *pline; rows++) {
        int id = 0, label = -1, pid = 0, plabel = -1, used = 0;
        float p[10], sum = 0, best = -1;
        int arg = -1;
        CHECK_INT(sscanf(line, "%d,%d\n", &id, &label), 2);
        CHECK_INT(id, rows + 1);
        CHECK_INT(sscanf(pline, "%d,%d,%f,%f,%f,%f,%f,%f,%f,%f,%f,%f%n", &pid, &plabel, &p[0], &p[1], &p[2], &p[3],
                         &p[4], &p[5], &p[6], &p[7], &p[8], &p[9], &used),
                  12);
        for (int c = 0; c < 10; c++) {
            sum += p[c];
            if (p[c] > best) {
                best = p[c];
                arg = c;
            }
        }
        CHECK_NEAR(sum, 1.0, 1e-4);
        agree += pid == id && plabel == label && arg == label;
        right += rows < truth.count && label == truth.labels[rows];
        line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line);
        pline = strchr(pline, '\n') ? strchr(pline, '\n') + 1 : pline + strlen(pline);
    }
    CHECK_INT(rows, 1000);
    CHECK(agree >= 998); /* a tie in the 6 printed digits may pick another class */
    CHECK_INT(right, (int)(acc * 1000 + 0.5));
    free(text);
    free(ptext);
    clmlp_dataset_free(&truth);
}

/* --out is checked before any work: an existing file is refused (--force
 * replaces it), a missing folder is an error; bad models are one line. */
static void predict_refuses_what_it_must(void)
{
    const char *dir = trained_run();
    const char *test = mnist_csv("test.csv", 50, false);
    const char *existing = test_write_file("results.csv", "keep me\n", 8);
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, test, existing), 2);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "already exists: choose a new name, remove it, or --force to replace it");
    char *text = test_read_file(existing, NULL);
    CHECK_STR(text ? text : "", "keep me\n");
    free(text);
    CHECK_INT(run("predict '%s' '%s' --out '%s' --force", dir, test, existing), 0);
    text = test_read_file(existing, NULL);
    CHECK(text && strncmp(text, "ImageId,Label\n", 14) == 0);
    free(text);
    CHECK_INT(run("predict '%s' '%s' --out '%s/nowhere/r.csv'", dir, test, test_tmpdir()), 1);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "is not writable");
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, test, test_tmpdir()), 2);
    CHECK_CONTAINS(got, "is a folder");
    /* a run directory without a model; a damaged model file */
    CHECK_INT(run("predict '%s' '%s' --out '%s/x.csv'", test_tmpdir(), test, test_tmpdir()), 3);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "has no model.safetensors: not a run directory of clmlp train");
    const char *bad = test_write_file("bad.safetensors", "\x10\0\0\0\0\0\0\0{\"a\":1}         ", 24);
    CHECK_INT(run("predict '%s' '%s' --out '%s/y.csv'", bad, test, test_tmpdir()), 3);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "bad.safetensors': tensor 'a' is not an object");
    char path[1000];
    snprintf(path, sizeof path, "%s/y.csv", test_tmpdir());
    CHECK(access(path, F_OK) != 0); /* nothing written */
    CHECK_INT(run("predict '%s'", dir), 2);
    CHECK_CONTAINS(got, "predict: needs MODEL|RUN_DIR and DATA");
}

/* The Kaggle flow in small: train.csv with labels, test.csv without;
 * train says it skips the evaluation, predict writes the submission. */
static void kaggle_flow_trains_on_csv_and_predicts_unlabeled_test(void)
{
    const char *train = mnist_csv("train.csv", 2000, true);
    const char *test = mnist_csv("kaggle-test.csv", 280, false);
    char dir[900], out[900];
    snprintf(dir, sizeof dir, "%s/kaggle", test_tmpdir());
    snprintf(out, sizeof out, "%s/results.csv", test_tmpdir());
    CHECK_INT(run("train configs/kaggle.yaml --set data.train.csv='%s' --set data.test.csv='%s' "
                  "--set model.hidden=[64] --set training.epochs=2 --set profile.probe=false --out '%s'",
                  train, test, dir),
              0);
    CHECK_CONTAINS(got, "(2000 training images, an unlabeled test set)");
    CHECK_CONTAINS(got, "eval:    skipped: the test set has no labels (data.test.has_labels: false)");
    CHECK(strstr(got, "test accuracy") == NULL);
    clmlp_jv *r = report_of(dir);
    const clmlp_jv *acc = clmlp_jv_path(r, "eval.accuracy"), *unl = clmlp_jv_path(r, "eval.unlabeled");
    CHECK(acc && acc->kind == CLMLP_JV_NULL);
    CHECK(unl && unl->kind == CLMLP_JV_BOOL && unl->boolean);
    CHECK_STR(clmlp_jv_string(clmlp_jv_get(r, "status"), ""), "ok");
    clmlp_jv_free(r);
    char md[1000];
    snprintf(md, sizeof md, "%s/report.md", dir);
    char *text = test_read_file(md, NULL);
    CHECK_CONTAINS(text, "not evaluated: the test set has no labels");
    free(text);
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, test, out), 0);
    text = test_read_file(out, NULL);
    int lines = 0;
    for (char *p = text; p && *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 281);
    CHECK_CONTAINS(text, "\n280,");
    free(text);
}

/* ---- an SVM model file (model.kind: svm) ---- */

/* Images preprocessed as x = pixels / 255, n x 784, malloc'ed. */
static float *scaled(const clmlp_dataset *ds)
{
    size_t n = (size_t)ds->count * 784;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; x && i < n; i++)
        x[i] = clmlp_preprocess_pixel(ds->pixels[i], true, false);
    return x;
}

/* An SVC trained on the host (src/svm) on MNIST's first n training images,
 * scaled, gamma "scale", C = 1: the model a run of kind svm writes. */
static bool host_svm(int n, clmlp_model *m)
{
    char images[800], labels[800];
    snprintf(images, sizeof images, "%s/train-images-idx3-ubyte.gz", test_mnist_dir());
    snprintf(labels, sizeof labels, "%s/train-labels-idx1-ubyte.gz", test_mnist_dir());
    clmlp_dataset ds;
    clmlp_err err = {0};
    memset(m, 0, sizeof *m);
    if (clmlp_idx_load_first(images, labels, n, &ds, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
        return false;
    }
    float *x = scaled(&ds);
    int *y = malloc((size_t)n * sizeof *y);
    for (int i = 0; i < n; i++)
        y[i] = ds.labels[i];
    clmlp_svm_rbf rbf;
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, n, 784, clmlp_svm_gamma_scale(x, (size_t)n, 784), &err), 0);
    clmlp_svm_kernel kernel = {clmlp_svm_rbf_row, &rbf, NULL, NULL};
    clmlp_svm_params params = clmlp_svm_default_params();
    bool ok = clmlp_svm_train_ovo(n, y, &kernel, &params, &m->svm, &err) == 0;
    if (!ok)
        test_fail(__FILE__, __LINE__, "train: %s", err.msg);
    snprintf(m->name, sizeof m->name, "svm-host");
    m->kind = CLMLP_MODEL_SVM;
    m->input = 784;
    m->classes = 10;
    m->scale = true;
    m->gamma = rbf.gamma;
    m->C = params.C;
    m->sv = ok ? malloc((size_t)m->svm.n_sv * 784 * sizeof *m->sv) : NULL;
    for (int s = 0; m->sv && s < m->svm.n_sv; s++)
        memcpy(m->sv + (size_t)s * 784, x + (size_t)m->svm.sv_index[s] * 784, 784 * sizeof *x);
    clmlp_svm_rbf_free(&rbf);
    free(x);
    free(y);
    clmlp_dataset_free(&ds);
    return ok;
}

/* The host's labels for ds (kernel values in double, then as floats, voted by
 * clmlp_svm_predict_batch); near[i]: some pair's decision value is within
 * 1e-3 of 0, where the device's float kernel may vote the other way. */
static int *host_predictions(const clmlp_model *m, const clmlp_dataset *ds, bool *near)
{
    const int n = (int)ds->count, n_sv = m->svm.n_sv, pairs = clmlp_svm_n_pairs(m->svm.n_classes);
    float *x = scaled(ds), *kmat = malloc((size_t)n * n_sv * sizeof *kmat);
    int *pred = malloc((size_t)n * sizeof *pred), votes[10];
    double dec[45];
    clmlp_err err = {0};
    for (int t = 0; t < n; t++)
        for (int s = 0; s < n_sv; s++)
            kmat[(size_t)t * n_sv + s] =
                (float)clmlp_svm_rbf_value(x + (size_t)t * 784, m->sv + (size_t)s * 784, 784, m->gamma);
    CHECK_INT(clmlp_svm_predict_batch(&m->svm, n, kmat, pred, &err), 0);
    for (int t = 0; t < n; t++) {
        clmlp_svm_predict(&m->svm, kmat + (size_t)t * n_sv, votes, dec);
        near[t] = false;
        for (int p = 0; p < pairs; p++)
            near[t] |= fabs(dec[p]) < 1e-3;
    }
    free(x);
    free(kmat);
    return pred;
}

/* The labels column of a results.csv (n rows, ImageId from 1); NULL after failing the test. */
static int *read_results(const char *path, int n)
{
    char *text = test_read_file(path, NULL);
    int *labels = calloc((size_t)n, sizeof *labels), rows = 0;
    CHECK(text && strncmp(text, "ImageId,Label\n", 14) == 0);
    for (char *line = text ? strchr(text, '\n') : NULL; line && line[1] && rows < n; rows++) {
        int id = 0;
        CHECK_INT(sscanf(line + 1, "%d,%d\n", &id, &labels[rows]), 2);
        CHECK_INT(id, rows + 1);
        line = strchr(line + 1, '\n');
    }
    CHECK_INT(rows, n);
    free(text);
    return labels;
}

/* A host-trained SVM written as a model file, then `clmlp eval` and
 * `clmlp predict` with it on the device: the host's labels, image by image
 * (a device float kernel may only flip a vote within 1e-3 of a tie), the
 * host's accuracy and confusion matrix; --probabilities is refused. */
static void svm_model_predicts_on_the_device_as_on_the_host(void)
{
    enum { TRAIN = 200, TEST = 300 };
    clmlp_model m;
    if (!host_svm(TRAIN, &m)) {
        clmlp_model_free(&m);
        return;
    }
    char dir[900], out[900];
    clmlp_err err = {0};
    snprintf(dir, sizeof dir, "%s/svm", test_tmpdir());
    snprintf(out, sizeof out, "%s/results.csv", test_tmpdir());
    CHECK_INT(clmlp_mkdir_p(dir, &err), 0);
    CHECK_INT(clmlp_write_file_atomic(dir, "model.safetensors", clmlp_model_write, &m, &err), 0);
    char images[800], labels[800];
    snprintf(images, sizeof images, "%s/t10k-images-idx3-ubyte.gz", test_mnist_dir());
    snprintf(labels, sizeof labels, "%s/t10k-labels-idx1-ubyte.gz", test_mnist_dir());
    clmlp_dataset test;
    CHECK_INT(clmlp_idx_load_first(images, labels, TEST, &test, &err), 0);
    bool near[TEST];
    int *host = host_predictions(&m, &test, near);

    /* predict: a run directory and an unlabeled CSV */
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, mnist_csv("test.csv", TEST, false), out), 0);
    CHECK_CONTAINS(got, "(svm rbf, gamma ");
    CHECK_CONTAINS(got, "data:    300 images of 28x28, unlabeled, kernel values against ");
    CHECK_CONTAINS(got, "(300 rows: ImageId,Label)");
    CHECK_CONTAINS(got, "GFLOP of kernel)");
    int *device = read_results(out, TEST);
    int differ = 0, unexplained = 0;
    for (int t = 0; device && t < TEST; t++)
        if (device[t] != host[t]) {
            differ++;
            if (!near[t]) {
                unexplained++;
                test_fail(__FILE__, __LINE__, "image %d: device %d, host %d, no pair near a tie", t, device[t],
                          host[t]);
            }
        }
    CHECK_INT(unexplained, 0);
    CHECK(differ <= 1);

    /* eval: the model file and a labeled CSV; the accuracy and matrix of those labels */
    int64_t confusion[10][10] = {{0}};
    int right = 0;
    for (int t = 0; device && t < TEST; t++) {
        confusion[test.labels[t]][device[t]]++;
        right += device[t] == test.labels[t];
    }
    const char *labeled = mnist_csv("labeled.csv", TEST, true);
    CHECK_INT(run("eval '%s/model.safetensors' '%s'", dir, labeled), 0);
    char want[160];
    snprintf(want, sizeof want, "accuracy: %.2f %% (%d/%d)\n", 100.0 * right / TEST, right, TEST);
    CHECK_CONTAINS(got, want);
    for (int c = 0; c < 10; c++) {
        int n = snprintf(want, sizeof want, "\n%6d", c);
        for (int p = 0; p < 10; p++)
            n += snprintf(want + n, sizeof want - (size_t)n, "%6lld", (long long)confusion[c][p]);
        snprintf(want + n, sizeof want - (size_t)n, "\n");
        CHECK_CONTAINS(got, want);
    }
    CHECK(right > TEST * 2 / 3); /* 200 training images score 73 % here */
    CHECK_CONTAINS(got, "profile: ");
    free(device);

    /* an SVM only votes */
    CHECK_INT(run("predict '%s' '%s' --out '%s/p.csv' --probabilities", dir, labeled, test_tmpdir()), 2);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "--probabilities is not available for an svm model");
    free(host);
    clmlp_dataset_free(&test);
    clmlp_model_free(&m);
}

/* `clmlp train` of kind svm writes the model file; eval of its run
 * directory on the run's test images scores as the run did, and predict
 * writes the labels behind that score. */
static void svm_run_directory_scores_as_the_run_did(void)
{
    char dir[900], test[800], labels[800], out[900];
    snprintf(dir, sizeof dir, "%s/svm-run", test_tmpdir());
    snprintf(out, sizeof out, "%s/results.csv", test_tmpdir());
    snprintf(test, sizeof test, "%s/t10k-images-idx3-ubyte.gz", test_mnist_dir());
    snprintf(labels, sizeof labels, "%s/t10k-labels-idx1-ubyte.gz", test_mnist_dir());
    CHECK_INT(run("train configs/svm-seed-gray.yaml --set data.train.limit=500 --set data.test.images='%s' "
                  "--set data.test.labels='%s' --set data.test.skip=0 --set data.test.limit=400 "
                  "--set profile.probe=false --out '%s'",
                  test, labels, dir),
              0);
    clmlp_jv *r = report_of(dir);
    double acc = clmlp_jv_number(clmlp_jv_path(r, "eval.accuracy"), -1);
    clmlp_jv_free(r);
    CHECK_INT(run("eval '%s' '%s'", dir, mnist_csv("t.csv", 400, true)), 0);
    char want[64];
    snprintf(want, sizeof want, "accuracy: %.2f %% (%.0f/400)\n", 100 * acc, acc * 400);
    CHECK_CONTAINS(got, want);
    CHECK_CONTAINS(got, "input raw)"); /* the seed's gray scale, as the model file says */
    CHECK_INT(run("predict '%s' '%s' --out '%s'", dir, mnist_csv("u.csv", 400, false), out), 0);
    clmlp_dataset truth;
    clmlp_err err = {0};
    CHECK_INT(clmlp_idx_load_first(test, labels, 400, &truth, &err), 0);
    int *pred = read_results(out, 400), right = 0;
    for (int t = 0; pred && t < 400 && t < truth.count; t++)
        right += pred[t] == truth.labels[t];
    CHECK_INT(right, (int)(acc * 400 + 0.5));
    free(pred);
    clmlp_dataset_free(&truth);
}

const test_case infer_cli_tests[] = {
    {"eval_scores_as_the_run_did", eval_scores_as_the_run_did, true},
    {"predict_writes_kaggle_results", predict_writes_kaggle_results, true},
    {"predict_refuses_what_it_must", predict_refuses_what_it_must, true},
    {"kaggle_flow_trains_on_csv_and_predicts_unlabeled_test", kaggle_flow_trains_on_csv_and_predicts_unlabeled_test,
     true},
    {"svm_model_predicts_on_the_device_as_on_the_host", svm_model_predicts_on_the_device_as_on_the_host, true},
    {"svm_run_directory_scores_as_the_run_did", svm_run_directory_scores_as_the_run_did, true},
    {NULL, NULL, false},
};
