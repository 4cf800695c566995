/* Scaling laws fitted to measurements: y = a·x^b (least squares on
 * log-log) and y = a + b·x (least squares on the values), with how well
 * each fits, for `clmlp sweep`. Pure arithmetic: no I/O, no device. Part of
 * src/model/. */
#ifndef CLMLP_FIT_H
#define CLMLP_FIT_H

#include <stdbool.h>

/* The most points a law is fitted to. */
enum { CLMLP_FIT_MAX_POINTS = 64 };

typedef enum { CLMLP_LAW_POWER, CLMLP_LAW_AFFINE } clmlp_law_kind;

typedef struct clmlp_law {
    clmlp_law_kind kind;
    bool ok;              /* fitted; else why says what was missing */
    char why[96];
    int n;                /* points fitted */
    double a, b;          /* power: y = a·x^b; affine: y = a + b·x */
    double r2;            /* on the scale it was fitted on (log-log for power, values for affine) */
    double r2_log;        /* of log y against log of the law's prediction: the scale laws are compared on
                           * (an affine prediction <= 0 at a measured x makes it -inf) */
    double ratio_lo, ratio_hi; /* residual range: measured / fitted, smallest and largest */
} clmlp_law;

/* Both take n <= CLMLP_FIT_MAX_POINTS points.
 * Needs >= 3 distinct positive x and every y > 0 (a power law holds only
 * for positive values); else ok = false with why. Returns ok. */
bool clmlp_fit_power(const double *x, const double *y, int n, clmlp_law *law);
/* Needs >= 3 distinct x. Returns ok. */
bool clmlp_fit_affine(const double *x, const double *y, int n, clmlp_law *law);
/* The law's y at x. */
double clmlp_law_eval(const clmlp_law *law, double x);
/* The one of two laws that fits better on the log scale (r2_log; the power
 * law on a tie), or the one that fitted; NULL when neither did. */
const clmlp_law *clmlp_law_better(const clmlp_law *power, const clmlp_law *affine);
const char *clmlp_law_name(clmlp_law_kind kind);

#endif
