/* clmlp sweep: the scaling laws it fits (src/model/fit.c) on exact
 * synthetic data, and the command end to end on tiny-mnist. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/fit.h"
#include "clmlp/json_parse.h"
#include "clmlp/sweep.h"
#include "harness.h"

static void power_law_is_recovered_exactly(void)
{
    double x[5] = {1000, 2000, 5000, 10000, 60000}, y[5];
    for (int i = 0; i < 5; i++)
        y[i] = 3.0 * pow(x[i], 1.5);
    clmlp_law law;
    CHECK(clmlp_fit_power(x, y, 5, &law));
    CHECK_NEAR(law.a, 3.0, 1e-9);
    CHECK_NEAR(law.b, 1.5, 1e-12);
    CHECK_NEAR(law.r2, 1.0, 1e-12);
    CHECK_NEAR(law.r2_log, 1.0, 1e-12);
    CHECK_NEAR(law.ratio_lo, 1.0, 1e-9);
    CHECK_NEAR(law.ratio_hi, 1.0, 1e-9);
    CHECK_NEAR(clmlp_law_eval(&law, 6e10), 3.0 * pow(6e10, 1.5), 1e-9 * 3.0 * pow(6e10, 1.5));
}

static void affine_law_is_recovered_exactly(void)
{
    double x[4] = {1, 2, 4, 8}, y[4];
    for (int i = 0; i < 4; i++)
        y[i] = 100.0 + 2.5 * x[i];
    clmlp_law law;
    CHECK(clmlp_fit_affine(x, y, 4, &law));
    CHECK_NEAR(law.a, 100.0, 1e-9);
    CHECK_NEAR(law.b, 2.5, 1e-12);
    CHECK_NEAR(law.r2, 1.0, 1e-12);
    CHECK_NEAR(law.r2_log, 1.0, 1e-12);
    CHECK_NEAR(clmlp_law_eval(&law, 10), 125.0, 1e-9);
}

/* A floor plus a linear part is affine, not a power law; a pure power law is the opposite. */
static void the_better_law_is_chosen_on_the_log_scale(void)
{
    double x[5] = {1000, 2000, 5000, 10000, 60000}, floor_y[5], pow_y[5];
    for (int i = 0; i < 5; i++)
        floor_y[i] = 200e6 + 3000.0 * x[i], pow_y[i] = 0.5 * pow(x[i], 2.0);
    clmlp_law p, a;
    CHECK(clmlp_fit_power(x, floor_y, 5, &p) && clmlp_fit_affine(x, floor_y, 5, &a));
    CHECK(p.r2_log < 1.0);
    CHECK(clmlp_law_better(&p, &a) == &a);
    CHECK(clmlp_fit_power(x, pow_y, 5, &p) && clmlp_fit_affine(x, pow_y, 5, &a));
    CHECK(clmlp_law_better(&p, &a) == &p);
    CHECK_STR(clmlp_law_name(CLMLP_LAW_AFFINE), "affine");
}

static void degenerate_inputs_are_refused_with_a_reason(void)
{
    double x2[2] = {1, 2}, y2[2] = {1, 2};
    clmlp_law p, a;
    CHECK(!clmlp_fit_power(x2, y2, 2, &p) && !clmlp_fit_affine(x2, y2, 2, &a));
    CHECK_CONTAINS(p.why, "fewer than 3");
    CHECK(clmlp_law_better(&p, &a) == NULL);
    double xs[3] = {5, 5, 5}, ys[3] = {1, 2, 3}; /* one distinct x */
    CHECK(!clmlp_fit_power(xs, ys, 3, &p) && !clmlp_fit_affine(xs, ys, 3, &a));
    double x0[3] = {0, 1, 2}, y0[3] = {1, 2, 3}; /* x = 0: no logarithm */
    CHECK(!clmlp_fit_power(x0, y0, 3, &p));
    CHECK_CONTAINS(p.why, "not positive");
    CHECK(clmlp_fit_affine(x0, y0, 3, &a)); /* the affine law takes it */
    CHECK(clmlp_law_better(&p, &a) == &a);
    double x3[3] = {1, 2, 3}, yz[3] = {0, 0, 0}; /* zeros: a device that reports no bytes */
    CHECK(!clmlp_fit_power(x3, yz, 3, &p));
    CHECK(clmlp_fit_affine(x3, yz, 3, &a));
    CHECK(isinf(a.r2_log)); /* a prediction of 0 has no logarithm: it never wins on that scale */
}

static int count_in(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* The number at key in a JSON object, NAN when absent. */
static double num(const clmlp_jv *obj, const char *key) { return clmlp_jv_number(clmlp_jv_get(obj, key), NAN); }

static void sweep_writes_json_md_and_svg(void)
{
    static char out[200000];
    char dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/sw", test_tmpdir());
    /* on_divergence=warn: 300 images for one epoch are at chance level, which would stop the sweep */
    int rc = test_run_clmlpf(out, sizeof out,
                             "sweep configs/tiny-mnist.yaml --over data.train.limit=300,600,1200 --set training.epochs=1 "
                             "--set profile.probe=false --set training.on_divergence=warn --out '%s'",
                             dir);
    CHECK_INT(rc, 0);
    /* a line per value as it runs, then sweep.md */
    CHECK_CONTAINS(out, "[1/3] data.train.limit=300: 300 images");
    CHECK_CONTAINS(out, "[3/3] data.train.limit=1200: 1200 images");
    CHECK_CONTAINS(out, "# Sweep: tiny-mnist over data.train.limit");
    clmlp_jv *j = test_parse_json_file(dir, "sweep.json");
    if (j) {
        CHECK_STR(clmlp_jv_string(clmlp_jv_get(j, "clmlp_sweep_version"), ""), "1");
        CHECK_STR(clmlp_jv_string(clmlp_jv_get(j, "key"), ""), "data.train.limit");
        const clmlp_jv *pts = clmlp_jv_get(j, "points");
        CHECK(pts && pts->kind == CLMLP_JV_ARRAY && pts->count == 3);
        static const char *const keys[] = {"x", "train_count", "epochs", "steps_per_epoch", "train_seconds",
                                           "seconds_per_epoch", "train_images_per_second", "eval_seconds",
                                           "accuracy", "host_peak_rss_bytes", "device_alloc_bytes"};
        for (size_t i = 0; pts && pts->kind == CLMLP_JV_ARRAY && i < pts->count; i++) {
            const clmlp_jv *p = &pts->items[i];
            for (size_t k = 0; k < CLMLP_ARRAY_LEN(keys); k++)
                if (!(num(p, keys[k]) >= 0))
                    test_fail(__FILE__, __LINE__, "point %zu: %s missing or negative", i, keys[k]);
            CHECK(clmlp_jv_get(p, "extra") && clmlp_jv_get(p, "extra")->kind == CLMLP_JV_OBJECT);
            CHECK(num(p, "train_seconds") > 0 && num(p, "host_peak_rss_bytes") > 0);
            CHECK_NEAR(num(p, "train_count"), 300.0 * (1 << i), 0.5);
            CHECK_NEAR(num(p, "x"), num(p, "train_count"), 0.5);
            CHECK_NEAR(num(p, "steps_per_epoch"), 3.0 * (1 << i), 0.5);
            CHECK(num(p, "test_count") > 0);
        }
        /* three distinct x: every quantity fitted, and the extrapolation labelled modeled */
        CHECK(clmlp_jv_path(j, "fits.fitted") && clmlp_jv_path(j, "fits.fitted")->boolean);
        CHECK(num(clmlp_jv_path(j, "fits.train_seconds.power"), "b") > 0);
        CHECK(num(clmlp_jv_path(j, "fits.train_seconds.power"), "r2") <= 1.0);
        const char *chosen = clmlp_jv_string(clmlp_jv_path(j, "fits.host_peak_rss_bytes.chosen"), "");
        CHECK(strcmp(chosen, "power") == 0 || strcmp(chosen, "affine") == 0);
        const clmlp_jv *ex = clmlp_jv_get(j, "extrapolation");
        CHECK(ex && ex->kind == CLMLP_JV_OBJECT);
        CHECK(clmlp_jv_get(ex, "modeled") && clmlp_jv_get(ex, "modeled")->boolean);
        CHECK_NEAR(num(ex, "x"), 60e9, 1);
        CHECK_NEAR(num(ex, "x_max"), 1200, 0.5);
        CHECK_NEAR(num(ex, "factor"), 60e9 / 1200, 1);
        CHECK(num(clmlp_jv_get(ex, "train_seconds"), "value") > 0);
        /* an MLP's: eval time per test image is fitted and carried to the test images; no support vectors */
        CHECK(clmlp_jv_path(j, "fits.eval_seconds_per_image.power") != NULL);
        CHECK(clmlp_jv_path(j, "fits.support_vectors") == NULL);
        CHECK_NEAR(num(ex, "test_images"), 10e9, 1);
        CHECK(num(clmlp_jv_get(ex, "eval_seconds_per_image"), "eval_seconds") > 0);
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "extrapolation.eval_seconds_per_image.law"), ""), "constant");
        CHECK_STR(clmlp_jv_string(clmlp_jv_get(j, "model_kind"), ""), "mlp");
        clmlp_jv_free(j);
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/sweep.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK(md != NULL);
    if (md) {
        CHECK_CONTAINS(md, "| `600` | 600 | 1 | 6 |");
        CHECK_CONTAINS(md, "## How they grow with x");
        CHECK_CONTAINS(md, "*modeled (fitted law)*");
        CHECK_CONTAINS(md, "Validity: measured 300–1200 images");
        CHECK_CONTAINS(md, "the law, not a measurement");
        free(md);
    }
    snprintf(path, sizeof path, "%s/sweep.svg", dir);
    char *svg = test_read_file(path, NULL);
    CHECK(svg != NULL);
    if (svg) {
        CHECK(strncmp(svg, "<svg", 4) == 0);
        CHECK_CONTAINS(svg, "xmlns=\"http://www.w3.org/2000/svg\"");
        CHECK_CONTAINS(svg, "viewBox=\"0 0 ");
        CHECK_CONTAINS(svg, "id=\"sweep-time\"");
        CHECK_CONTAINS(svg, "id=\"sweep-memory\"");
        CHECK_CONTAINS(svg, "class=\"law\"");
        const char *end = strstr(svg, "</svg>\n");
        CHECK(end != NULL && strcmp(svg + strlen(svg) - 7, "</svg>\n") == 0);
        free(svg);
    }
    snprintf(path, sizeof path, "%s/INCOMPLETE", dir);
    CHECK(access(path, F_OK) != 0);
    /* a folder that holds a sweep is not written over */
    CHECK_INT(test_run_clmlpf(out, sizeof out, "sweep configs/tiny-mnist.yaml --over data.train.limit=300,600 --out '%s'",
                              dir),
              2);
    CHECK_CONTAINS(out, "already holds a run");
}

/* Each: exit 2, one line naming the problem, and no folder made. */
static void sweep_refuses_bad_requests(void)
{
    static const struct {
        const char *args, *says;
    } cases[] = {
        {"", "missing --over"},
        {"--over data.train.limit", "expected KEY=V1,V2"},
        {"--over =1,2", "expected KEY=V1,V2"},
        {"--over data.train.limit=300,,600", "an empty value"},
        {"--over data.train.limit=300,", "an empty value"},
        {"--over data.train.limit=300", "at least 2 values"},
        {"--over data.trian.limit=300,600", "did you mean 'data.train.limit'"},
        {"--over training.batch_size=10,0", "value 2 of 2"},
        {"--over training.epochs=1,two", "value 2 of 2"},
        {"--over", "needs a value"},
    };
    static char out[20000];
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/none", test_tmpdir());
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(cases); i++) {
        int rc = test_run_clmlpf(out, sizeof out, "sweep configs/tiny-mnist.yaml --out '%s' %s", dir, cases[i].args);
        if (rc != 2 || !test_one_line(out) || !strstr(out, cases[i].says))
            test_fail(__FILE__, __LINE__, "sweep %s: exit %d, output: %s", cases[i].args, rc, out);
        CHECK(access(dir, F_OK) != 0);
    }
    CHECK_INT(test_run_clmlp("sweep --over data.train.limit=1,2", out, sizeof out), 2);
    CHECK_CONTAINS(out, "missing CONFIG");
}

/* A run that fails stops the sweep: the error names the value, nothing is written. */
static void a_failed_run_stops_the_sweep_and_writes_nothing(void)
{
    static char out[100000];
    char dir[1024];
    const char *mnist = test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/failed", test_tmpdir());
    int rc = test_run_clmlpf(out, sizeof out,
                             "sweep configs/tiny-mnist.yaml --over data.train.images=%s/train-images-idx3-ubyte.gz,"
                             "/nonexistent/images.gz --set data.train.limit=300 --set training.epochs=1 "
                             "--set profile.probe=false --set training.on_divergence=warn --out '%s'",
                             mnist, dir);
    CHECK(rc != 0);
    CHECK_CONTAINS(out, "[1/2] data.train.images=");
    const char *last = strstr(out, "clmlp: sweep: the run with data.train.images=/nonexistent/images.gz (value 2 of 2) "
                                   "failed: ");
    CHECK(last != NULL && test_one_line(last));
    CHECK(access(dir, F_OK) != 0);
}

/* The record and writers without a device: a model's own measurement goes
 * into sweep.json and sweep.md by name; x that are not numbers are measured
 * but not fitted, and nothing is extrapolated. */
static void a_model_adds_measurements_and_words_are_not_fitted(void)
{
    static clmlp_sweep s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "svm");
    snprintf(s.key, sizeof s.key, "model.activation");
    s.n = 2;
    const char *values[2] = {"relu", "tanh"};
    clmlp_err err = {0};
    for (int i = 0; i < 2; i++) {
        clmlp_sweep_point *p = &s.points[i];
        snprintf(p->value, sizeof p->value, "%s", values[i]);
        p->x = NAN;
        p->train_count = 1000, p->epochs = 1, p->steps_per_epoch = 10;
        p->train_seconds = 1.0 + i, p->accuracy = 0.9, p->host_peak_bytes = 1e8, p->device_alloc_bytes = 1e6;
        CHECK_INT(clmlp_sweep_point_add(p, "support_vectors", 100.0 + i, &err), 0);
    }
    for (int k = 1; k < CLMLP_SWEEP_MAX_EXTRA; k++)
        CHECK_INT(clmlp_sweep_point_add(&s.points[0], "more", k, &err), 0);
    CHECK_INT(clmlp_sweep_point_add(&s.points[0], "one_too_many", 1, &err), -1);
    s.points[0].n_extra = 1;
    clmlp_sweep_analyze(&s);
    CHECK(!s.fitted && !s.extrapolated);
    CHECK_CONTAINS(s.why_not_fitted, "'relu' is not a number");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CHECK_INT(clmlp_sweep_write_json(mem, &s), 0);
    fclose(mem);
    clmlp_jv *j = NULL;
    CHECK_INT(clmlp_json_parse(text, len, &j, &err), 0);
    const clmlp_jv *pts = clmlp_jv_get(j, "points");
    CHECK(pts && pts->kind == CLMLP_JV_ARRAY && pts->count == 2);
    if (pts && pts->count == 2) {
        CHECK_NEAR(clmlp_jv_number(clmlp_jv_path(&pts->items[1], "extra.support_vectors"), NAN), 101.0, 0);
        CHECK(clmlp_jv_get(&pts->items[0], "x") && clmlp_jv_get(&pts->items[0], "x")->kind == CLMLP_JV_NULL);
    }
    CHECK(clmlp_jv_get(j, "extrapolation") && clmlp_jv_get(j, "extrapolation")->kind == CLMLP_JV_NULL);
    CHECK_CONTAINS(clmlp_jv_string(clmlp_jv_path(j, "fits.why_not"), ""), "not a number");
    clmlp_jv_free(j);
    free(text);
    mem = open_memstream(&text, &len);
    CHECK_INT(clmlp_sweep_write_md(mem, &s), 0);
    fclose(mem);
    CHECK_CONTAINS(text, " support_vectors |");
    CHECK_CONTAINS(text, "| 101 |");
    CHECK_CONTAINS(text, "No law fitted: the value 'relu' is not a number.");
    free(text);
    mem = open_memstream(&text, &len);
    CHECK_INT(clmlp_sweep_write_svg(mem, &s), 0); /* runs side by side on a category axis */
    fclose(mem);
    CHECK_CONTAINS(text, ">relu</text>");
    CHECK(strstr(text, "class=\"law\"") == NULL);
    free(text);
}

/* An SVM sweep over data.train.limit, made by hand from exact laws: train
 * time x^2 (kept as a power law by the model even where the affine one fits
 * better), support vectors 3·x^0.8, eval time per test image following
 * them, memory affine; each carried to 60 B training / 10 B test images. */
static void fill_svm_sweep(clmlp_sweep *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "svm");
    snprintf(s->key, sizeof s->key, "data.train.limit");
    s->kind = CLMLP_MODEL_SVM;
    s->target_x = 60e9, s->target_test = 10e9;
    s->n = 3;
    const double xs[3] = {1000, 2000, 5000};
    clmlp_err err = {0};
    for (int i = 0; i < 3; i++) {
        clmlp_sweep_point *p = &s->points[i];
        double x = xs[i], sv = 3.0 * pow(x, 0.8);
        snprintf(p->value, sizeof p->value, "%.0f", x);
        p->x = x, p->train_count = (int64_t)x, p->test_count = 1000;
        p->train_seconds = 2e-6 * x * x, p->train_images_per_second = x / p->train_seconds;
        p->eval_seconds = 1e-7 * sv * (double)p->test_count;
        p->accuracy = 0.9, p->host_peak_bytes = 1e8 + 1000 * x, p->device_alloc_bytes = 1e6 + 800 * x;
        p->host_peak_per_run = true;
        CHECK_INT(clmlp_sweep_point_add(p, CLMLP_SWEEP_SUPPORT_VECTORS_NAME, sv, &err), 0);
    }
}

static char *sweep_text(int (*write)(FILE *, const void *), const clmlp_sweep *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CHECK_INT(write(mem, s), 0);
    fclose(mem);
    return text;
}

static void svm_sweep_fits_support_vector_and_time_laws(void)
{
    static clmlp_sweep s;
    fill_svm_sweep(&s);
    clmlp_sweep_analyze(&s);
    CHECK(s.fitted && s.extrapolated);
    const clmlp_sweep_fit *t = &s.fits[CLMLP_SWEEP_TRAIN_SECONDS], *sv = &s.fits[CLMLP_SWEEP_SUPPORT_VECTORS];
    const clmlp_sweep_fit *ev = &s.fits[CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE];
    CHECK(t->applies && t->has_chosen && t->by_model && t->chosen == CLMLP_LAW_POWER);
    CHECK_NEAR(t->power.b, 2.0, 1e-9);
    CHECK_NEAR(t->modeled, 2e-6 * 60e9 * 60e9, 1e-6 * 2e-6 * 60e9 * 60e9);
    CHECK(sv->applies && sv->has_chosen && !sv->by_model && sv->chosen == CLMLP_LAW_POWER);
    CHECK_NEAR(sv->power.b, 0.8, 1e-9);
    CHECK_NEAR(sv->modeled, 3.0 * pow(60e9, 0.8), 1e-6 * 3.0 * pow(60e9, 0.8));
    CHECK(ev->applies && ev->chosen == CLMLP_LAW_POWER);
    CHECK_NEAR(ev->power.b, 0.8, 1e-9);
    /* eval time: a kernel value per support vector, carried by their law, not by its own fit */
    CHECK_INT(ev->rule, CLMLP_SWEEP_PER_SUPPORT_VECTOR);
    CHECK_NEAR(ev->per_unit, 1e-7, 1e-18);
    CHECK(s.fits[CLMLP_SWEEP_HOST_PEAK].chosen == CLMLP_LAW_AFFINE);
    char *json = sweep_text(clmlp_sweep_write_json, &s);
    clmlp_jv *j = NULL;
    clmlp_err err = {0};
    CHECK_INT(clmlp_json_parse(json ? json : "", json ? strlen(json) : 0, &j, &err), 0);
    if (j) {
        CHECK_STR(clmlp_jv_string(clmlp_jv_get(j, "model_kind"), ""), "svm");
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "fits.train_seconds.chosen"), ""), "power");
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "fits.train_seconds.chosen_by"), ""), "model");
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "fits.support_vectors.chosen"), ""), "power");
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "fits.support_vectors.chosen_by"), ""), "r2_log");
        CHECK_NEAR(num(clmlp_jv_path(j, "fits.support_vectors.power"), "b"), 0.8, 1e-9);
        const clmlp_jv *ex = clmlp_jv_get(j, "extrapolation");
        CHECK_NEAR(num(ex, "test_images"), 10e9, 0);
        CHECK_NEAR(num(clmlp_jv_get(ex, "train_seconds"), "exponent"), 2.0, 1e-9);
        CHECK_NEAR(num(clmlp_jv_get(ex, "support_vectors"), "value"), sv->modeled, 1e-6 * sv->modeled);
        double eval = 1e-7 * 3.0 * pow(60e9, 0.8) * 10e9; /* per test image at 60 B, times 10 B */
        CHECK_NEAR(num(clmlp_jv_get(ex, "eval_seconds_per_image"), "eval_seconds"), eval, 1e-6 * eval);
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "extrapolation.eval_seconds_per_image.law"), ""),
                  "per_support_vector");
        CHECK_STR(clmlp_jv_string(clmlp_jv_path(j, "fits.eval_seconds_per_image.modeled_by"), ""),
                  "per_support_vector");
        const clmlp_jv *affine_exponent = clmlp_jv_get(clmlp_jv_get(ex, "host_peak_rss_bytes"), "exponent");
        CHECK(affine_exponent && affine_exponent->kind == CLMLP_JV_NULL);
        clmlp_jv_free(j);
    }
    free(json);
    char *md = sweep_text(clmlp_sweep_write_md, &s);
    CHECK_CONTAINS(md, "| `2000` | 2000 | — | — |");
    CHECK_CONTAINS(md, " support_vectors |");
    CHECK_CONTAINS(md, "| support vectors | 3·x^0.800 |");
    CHECK_CONTAINS(md, "| train time | 2e-06·x^2.000 |");
    CHECK_CONTAINS(md, " power (the model's: superlinear) |\n");
    CHECK_CONTAINS(md, "Train time grows as x^2.000 (power law, R² 1.0000 on log–log): superlinear");
    CHECK_CONTAINS(md, "Support vectors grow as x^0.800");
    CHECK_CONTAINS(md, "Validity: measured 1000–5000 images");
    CHECK_CONTAINS(md, "Train time is for one training (an SVM has no epochs).");
    CHECK_CONTAINS(md, "| eval time for 10 000 000 000 test images |");
    CHECK_CONTAINS(md, "largest run's 100 ns per test image and support vector");
    CHECK_CONTAINS(md, "| power, x^2.000 (the model's: superlinear) |\n");
    free(md);
    char *svg = sweep_text(clmlp_sweep_write_svg, &s);
    CHECK_CONTAINS(svg, "id=\"sweep-support-vectors\"");
    CHECK_CONTAINS(svg, "<title>power law x^2.000 (the model's: superlinear), R² 1.0000 on the log scale</title>");
    CHECK_INT(count_in(svg, "class=\"law\""), 4); /* train time, both memories, support vectors */
    free(svg);
    /* The model decides only for an SVM: an MLP's affine train time stays affine. */
    for (int i = 0; i < s.n; i++)
        s.points[i].train_seconds = 5.0 + 1e-3 * s.points[i].x;
    clmlp_sweep_analyze(&s);
    CHECK(s.fits[CLMLP_SWEEP_TRAIN_SECONDS].by_model && s.fits[CLMLP_SWEEP_TRAIN_SECONDS].chosen == CLMLP_LAW_POWER);
    s.kind = CLMLP_MODEL_MLP;
    clmlp_sweep_analyze(&s);
    CHECK(!s.fits[CLMLP_SWEEP_TRAIN_SECONDS].by_model);
    CHECK(s.fits[CLMLP_SWEEP_TRAIN_SECONDS].chosen == CLMLP_LAW_AFFINE);
}

/* An MLP's runs have no support vectors: that quantity is neither fitted nor written. */
static void mlp_sweep_has_no_support_vector_law(void)
{
    static clmlp_sweep s;
    fill_svm_sweep(&s);
    s.kind = CLMLP_MODEL_MLP;
    s.epochs = 1;
    for (int i = 0; i < s.n; i++)
        s.points[i].n_extra = 0, s.points[i].epochs = 1, s.points[i].steps_per_epoch = 10;
    clmlp_sweep_analyze(&s);
    CHECK(!s.fits[CLMLP_SWEEP_SUPPORT_VECTORS].applies && !s.fits[CLMLP_SWEEP_SUPPORT_VECTORS].has_chosen);
    const clmlp_sweep_fit *ev = &s.fits[CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE];
    CHECK(ev->applies);
    /* an MLP's evaluation does not see its training set: the median per test image, not a law */
    double median = 1e-7 * 3.0 * pow(2000, 0.8);
    CHECK_INT(ev->rule, CLMLP_SWEEP_CONSTANT);
    CHECK_NEAR(ev->per_unit, median, 1e-12 * median);
    CHECK_NEAR(ev->modeled, median, 1e-12 * median);
    char *json = sweep_text(clmlp_sweep_write_json, &s);
    CHECK(json && strstr(json, "\"support_vectors\"") == NULL);
    CHECK_CONTAINS(json, "\"eval_seconds_per_image\"");
    free(json);
    char *md = sweep_text(clmlp_sweep_write_md, &s);
    CHECK(md && strstr(md, "support vectors") == NULL);
    CHECK_CONTAINS(md, "| `2000` | 2000 | 1 | 10 |");
    CHECK_CONTAINS(md, "Train time is for 1 epoch, as measured.");
    CHECK_CONTAINS(md, ": constant per test image (the model's) |\n");
    free(md);
    char *svg = sweep_text(clmlp_sweep_write_svg, &s);
    CHECK(svg && strstr(svg, "sweep-support-vectors") == NULL);
    free(svg);
}

const test_case sweep_tests[] = {
    {"power_law_is_recovered_exactly", power_law_is_recovered_exactly, false},
    {"affine_law_is_recovered_exactly", affine_law_is_recovered_exactly, false},
    {"the_better_law_is_chosen_on_the_log_scale", the_better_law_is_chosen_on_the_log_scale, false},
    {"degenerate_inputs_are_refused_with_a_reason", degenerate_inputs_are_refused_with_a_reason, false},
    {"a_model_adds_measurements_and_words_are_not_fitted", a_model_adds_measurements_and_words_are_not_fitted, false},
    {"svm_sweep_fits_support_vector_and_time_laws", svm_sweep_fits_support_vector_and_time_laws, false},
    {"mlp_sweep_has_no_support_vector_law", mlp_sweep_has_no_support_vector_law, false},
    {"sweep_writes_json_md_and_svg", sweep_writes_json_md_and_svg, true},
    {"sweep_refuses_bad_requests", sweep_refuses_bad_requests, false},
    {"a_failed_run_stops_the_sweep_and_writes_nothing", a_failed_run_stops_the_sweep_and_writes_nothing, true},
    {NULL, NULL, false},
};
