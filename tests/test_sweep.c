/* clmlp sweep: the scaling laws it fits (src/model/fit.c) on exact
 * synthetic data, and the command end to end on tiny-mnist. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clmlp/fit.h"
#include "clmlp/json_parse.h"
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

const test_case sweep_tests[] = {
    {"power_law_is_recovered_exactly", power_law_is_recovered_exactly, false},
    {"affine_law_is_recovered_exactly", affine_law_is_recovered_exactly, false},
    {"the_better_law_is_chosen_on_the_log_scale", the_better_law_is_chosen_on_the_log_scale, false},
    {"degenerate_inputs_are_refused_with_a_reason", degenerate_inputs_are_refused_with_a_reason, false},
    {NULL, NULL, false},
};
