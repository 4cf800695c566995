/* Least-squares scaling laws (fit.h). Both are ordinary linear regressions
 * of v on u: for the power law u = ln x, v = ln y, so the slope is the
 * exponent; for the affine law u = x, v = y. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clmlp/fit.h"

static int distinct(const double *x, int n)
{
    int d = 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = x[j] == x[i];
        d += !seen;
    }
    return d;
}

/* v = c0 + c1·u and its R² (1 when the points lie on the line, also when v is constant). */
static void regress(const double *u, const double *v, int n, double *c0, double *c1, double *r2)
{
    double mu = 0, mv = 0;
    for (int i = 0; i < n; i++)
        mu += u[i], mv += v[i];
    mu /= n, mv /= n;
    double suu = 0, suv = 0, svv = 0;
    for (int i = 0; i < n; i++) {
        suu += (u[i] - mu) * (u[i] - mu);
        suv += (u[i] - mu) * (v[i] - mv);
        svv += (v[i] - mv) * (v[i] - mv);
    }
    *c1 = suv / suu;
    *c0 = mv - *c1 * mu;
    double ss_res = 0;
    for (int i = 0; i < n; i++) {
        double e = v[i] - (*c0 + *c1 * u[i]);
        ss_res += e * e;
    }
    /* relative to the data's own scale, so rounding in an exact law reads as a perfect fit */
    double scale = 0;
    for (int i = 0; i < n; i++)
        scale += v[i] * v[i];
    *r2 = ss_res <= 1e-24 * (scale > 0 ? scale : 1) ? 1.0 : svv > 0 ? 1.0 - ss_res / svv : 0.0;
}

/* How the law's predictions compare with the measurements: the ratio range, and R² on the log scale. */
static void residuals(const double *x, const double *y, int n, clmlp_law *law)
{
    law->ratio_lo = INFINITY, law->ratio_hi = -INFINITY;
    double lv[CLMLP_FIT_MAX_POINTS], lp[CLMLP_FIT_MAX_POINTS];
    bool positive = true;
    for (int i = 0; i < n; i++) {
        double p = clmlp_law_eval(law, x[i]);
        double r = p != 0 ? y[i] / p : INFINITY;
        law->ratio_lo = fmin(law->ratio_lo, r), law->ratio_hi = fmax(law->ratio_hi, r);
        positive = positive && p > 0 && y[i] > 0;
        lv[i] = positive ? log(y[i]) : 0, lp[i] = positive ? log(p) : 0;
    }
    if (!positive) {
        law->r2_log = -INFINITY;
        return;
    }
    double mean = 0, ss_tot = 0, ss_res = 0;
    for (int i = 0; i < n; i++)
        mean += lv[i] / n;
    for (int i = 0; i < n; i++)
        ss_tot += (lv[i] - mean) * (lv[i] - mean), ss_res += (lv[i] - lp[i]) * (lv[i] - lp[i]);
    law->r2_log = ss_res <= 1e-24 ? 1.0 : ss_tot > 0 ? 1.0 - ss_res / ss_tot : 0.0;
}

static bool refuse(clmlp_law *law, const char *why)
{
    snprintf(law->why, sizeof law->why, "%s", why);
    return law->ok = false;
}

static bool both_positive(double x, double y) { return x > 0 && y > 0; }
static bool both_finite(double x, double y) { return isfinite(x) && isfinite(y); }

/* What both laws check before fitting: the count, every point (valid,
 * else why_invalid), and 3 distinct x. */
static bool begin_fit(clmlp_law *law, clmlp_law_kind kind, const double *x, const double *y, int n,
                      bool (*valid)(double, double), const char *why_invalid)
{
    memset(law, 0, sizeof *law);
    law->kind = kind;
    law->n = n;
    if (n > CLMLP_FIT_MAX_POINTS)
        return refuse(law, "too many points");
    for (int i = 0; i < n; i++)
        if (!valid(x[i], y[i]))
            return refuse(law, why_invalid);
    if (distinct(x, n) < 3)
        return refuse(law, "fewer than 3 distinct x");
    return true;
}

bool clmlp_fit_power(const double *x, const double *y, int n, clmlp_law *law)
{
    if (!begin_fit(law, CLMLP_LAW_POWER, x, y, n, both_positive,
                   "a value is not positive (a power law needs x > 0 and y > 0)"))
        return false;
    double u[CLMLP_FIT_MAX_POINTS], v[CLMLP_FIT_MAX_POINTS];
    for (int i = 0; i < n; i++)
        u[i] = log(x[i]), v[i] = log(y[i]);
    double c0, c1;
    regress(u, v, n, &c0, &c1, &law->r2);
    law->a = exp(c0), law->b = c1;
    law->ok = true;
    residuals(x, y, n, law);
    return true;
}

bool clmlp_fit_affine(const double *x, const double *y, int n, clmlp_law *law)
{
    if (!begin_fit(law, CLMLP_LAW_AFFINE, x, y, n, both_finite, "a value is not a finite number"))
        return false;
    regress(x, y, n, &law->a, &law->b, &law->r2);
    law->ok = true;
    residuals(x, y, n, law);
    return true;
}

double clmlp_law_eval(const clmlp_law *law, double x)
{
    return law->kind == CLMLP_LAW_POWER ? law->a * pow(x, law->b) : law->a + law->b * x;
}

const clmlp_law *clmlp_law_better(const clmlp_law *power, const clmlp_law *affine)
{
    if (!power->ok)
        return affine->ok ? affine : NULL;
    if (!affine->ok)
        return power;
    return affine->r2_log > power->r2_log ? affine : power;
}

const char *clmlp_law_name(clmlp_law_kind kind) { return kind == CLMLP_LAW_POWER ? "power" : "affine"; }
