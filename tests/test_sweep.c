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

const test_case sweep_tests[] = {
    {"power_law_is_recovered_exactly", power_law_is_recovered_exactly, false},
    {"affine_law_is_recovered_exactly", affine_law_is_recovered_exactly, false},
    {"the_better_law_is_chosen_on_the_log_scale", the_better_law_is_chosen_on_the_log_scale, false},
    {"degenerate_inputs_are_refused_with_a_reason", degenerate_inputs_are_refused_with_a_reason, false},
    {"a_model_adds_measurements_and_words_are_not_fitted", a_model_adds_measurements_and_words_are_not_fitted, false},
    {"sweep_writes_json_md_and_svg", sweep_writes_json_md_and_svg, true},
    {"sweep_refuses_bad_requests", sweep_refuses_bad_requests, false},
    {"a_failed_run_stops_the_sweep_and_writes_nothing", a_failed_run_stops_the_sweep_and_writes_nothing, true},
    {NULL, NULL, false},
};
