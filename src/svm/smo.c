/* Binary C-SVC by sequential minimal optimisation (Platt 1998) in LIBSVM's
 * form (Chang & Lin 2011): each step optimises two multipliers chosen by
 * the second-order working-set selection of Fan, Chen & Lin (2005, WSS 2),
 * the gradient G = Qa - e is kept up to date from the two kernel rows, and
 * the run stops when the maximal violating pair violates by less than eps.
 *
 * Deliberately without LIBSVM's shrinking: it only saves kernel-row work
 * and ends within the same eps of the optimum, and a full gradient keeps the
 * cache rows whole (one device GEMM row per miss). */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "clmlp/svm.h"

/* LIBSVM's TAU: the curvature used where K_ii + K_jj - 2 K_ij <= 0
 * (a kernel that is not positive definite, or two equal examples). */
#define SVM_TAU 1e-12

clmlp_svm_params clmlp_svm_default_params(void)
{
    clmlp_svm_params p = {.C = 1.0, .eps = 1e-3, .cache_bytes = (size_t)200 << 20, .max_iter = 0};
    return p;
}

typedef struct smo {
    int l;
    const signed char *y;
    double C;
    double *alpha, *grad;
    const double *qd; /* K_ii */
    clmlp_svm_cache *cache;
} smo;

/* The sets of Keerthi et al. in LIBSVM's notation: t may move so that
 * y_t alpha_t grows (I_up) or shrinks (I_low). */
static int in_up(const smo *s, int t) { return s->y[t] > 0 ? s->alpha[t] < s->C : s->alpha[t] > 0; }
static int in_low(const smo *s, int t) { return s->y[t] > 0 ? s->alpha[t] > 0 : s->alpha[t] < s->C; }

/* WSS 2: i maximises -y G over I_up; j, among the t of I_low that violate
 * with i, minimises the second-order decrease -(b_it)^2 / a_it of the
 * objective. Returns 1 when the maximal violation is below eps (optimal),
 * 0 with (i, j) set, -1 on a kernel error. */
static int select_pair(smo *s, double eps, int *out_i, int *out_j, double *violation, clmlp_err *err)
{
    double gmax = -INFINITY;
    int i = -1;
    for (int t = 0; t < s->l; t++)
        if (in_up(s, t) && -s->y[t] * s->grad[t] >= gmax) {
            gmax = -s->y[t] * s->grad[t];
            i = t;
        }
    const float *ki = NULL;
    if (i >= 0 && !(ki = clmlp_svm_cache_row(s->cache, i, err)))
        return -1;
    double gmax2 = -INFINITY, best = INFINITY;
    int j = -1;
    for (int t = 0; t < s->l; t++) {
        if (!in_low(s, t))
            continue;
        double yg = s->y[t] * s->grad[t];
        if (yg >= gmax2)
            gmax2 = yg;
        double b = gmax + yg; /* -y_i G_i - (-y_t G_t) */
        if (b <= 0)
            continue;
        double a = s->qd[i] + s->qd[t] - 2.0 * ki[t];
        if (a <= 0)
            a = SVM_TAU;
        double decrease = -(b * b) / a;
        if (decrease <= best) {
            best = decrease;
            j = t;
        }
    }
    *violation = gmax + gmax2;
    if (!isfinite(*violation)) /* an empty I_up or I_low: nothing can move */
        *violation = 0;
    if (*violation < eps || j < 0)
        return 1;
    *out_i = i;
    *out_j = j;
    return 0;
}

/* Moves along the feasible direction alpha_i += y_i t, alpha_j -= y_j t
 * (y'alpha stays put) to the minimum of the one-dimensional quadratic,
 * clipped to the box, and updates G with the two rows. */
static int take_step(smo *s, int i, int j, clmlp_err *err)
{
    const float *ki = clmlp_svm_cache_row(s->cache, i, err);
    if (!ki)
        return -1;
    const float *kj = clmlp_svm_cache_row(s->cache, j, err); /* ki stays valid: it is the most recent */
    if (!kj)
        return -1;
    const double yi = s->y[i], yj = s->y[j], C = s->C;
    double a = s->qd[i] + s->qd[j] - 2.0 * (double)ki[j];
    if (a <= 0)
        a = SVM_TAU;
    /* d/dt of the objective is y_i G_i - y_j G_j; its curvature a. */
    double t = -(yi * s->grad[i] - yj * s->grad[j]) / a;
    /* Box: 0 <= alpha_i + y_i t <= C and 0 <= alpha_j - y_j t <= C. */
    double lo_i = yi > 0 ? -s->alpha[i] : s->alpha[i] - C, hi_i = yi > 0 ? C - s->alpha[i] : s->alpha[i];
    double lo_j = yj > 0 ? s->alpha[j] - C : -s->alpha[j], hi_j = yj > 0 ? s->alpha[j] : C - s->alpha[j];
    double lo = fmax(lo_i, lo_j), hi = fmin(hi_i, hi_j);
    if (t < lo)
        t = lo;
    if (t > hi)
        t = hi;
    double old_i = s->alpha[i], old_j = s->alpha[j];
    /* Land exactly on a bound when the clip says so, so the I_up/I_low tests see it. */
    s->alpha[i] = t == (yi > 0 ? hi_i : lo_i) ? C : t == (yi > 0 ? lo_i : hi_i) ? 0.0 : old_i + yi * t;
    s->alpha[j] = t == (yj > 0 ? lo_j : hi_j) ? C : t == (yj > 0 ? hi_j : lo_j) ? 0.0 : old_j - yj * t;
    double di = s->alpha[i] - old_i, dj = s->alpha[j] - old_j;
    /* G_k += Q_ki di + Q_kj dj with Q_kt = y_k y_t K_kt. */
    for (int k = 0; k < s->l; k++)
        s->grad[k] += s->y[k] * (yi * di * (double)ki[k] + yj * dj * (double)kj[k]);
    return 0;
}

/* LIBSVM's rho: the mean of y G over the free multipliers, where the
 * KKT conditions pin it; without any, the middle of the interval the
 * bounded ones allow. */
static double compute_rho(const smo *s)
{
    double ub = INFINITY, lb = -INFINITY, sum = 0;
    int n_free = 0;
    for (int t = 0; t < s->l; t++) {
        double yg = s->y[t] * s->grad[t];
        if (s->alpha[t] >= s->C) {
            if (s->y[t] < 0)
                ub = fmin(ub, yg);
            else
                lb = fmax(lb, yg);
        } else if (s->alpha[t] <= 0) {
            if (s->y[t] > 0)
                ub = fmin(ub, yg);
            else
                lb = fmax(lb, yg);
        } else {
            n_free++;
            sum += yg;
        }
    }
    return n_free > 0 ? sum / n_free : (ub + lb) / 2;
}

int clmlp_svm_solve(int l, const int *cols, const signed char *y, const clmlp_svm_kernel *kernel,
                    const clmlp_svm_params *params, double *alpha, double *grad, clmlp_svm_result *result,
                    clmlp_err *err)
{
    if (l < 1 || !y || !kernel || !kernel->row || !params || !alpha || !grad || !result)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: solve needs examples, labels, a kernel and output arrays");
    if (!(params->C > 0) || !(params->eps > 0))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: C and eps must be positive (C %g, eps %g)", params->C,
                          params->eps);
    int n_pos = 0;
    for (int t = 0; t < l; t++) {
        if (y[t] != 1 && y[t] != -1)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: label %d of example %d is not +1 or -1", y[t], t);
        n_pos += y[t] > 0;
    }
    if (n_pos == 0 || n_pos == l) /* y'a = 0 would pin every alpha at 0 and leave rho unbounded */
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: a binary problem needs examples of both labels (+1: %d of %d)",
                          n_pos, l);
    double *qd = clmlp_calloc((size_t)l, sizeof *qd, err);
    if (!qd)
        return -1;
    for (int t = 0; t < l; t++)
        qd[t] = kernel->diag ? kernel->diag[cols ? cols[t] : t] : 1.0;
    smo s = {.l = l, .y = y, .C = params->C, .alpha = alpha, .grad = grad, .qd = qd};
    s.cache = clmlp_svm_cache_new(kernel, cols, l, params->cache_bytes, err);
    if (!s.cache) {
        free(qd);
        return -1;
    }
    /* Start at alpha = 0, where G = -e. */
    for (int t = 0; t < l; t++) {
        alpha[t] = 0;
        grad[t] = -1;
    }
    long max_iter = params->max_iter;
    if (max_iter <= 0)
        max_iter = l > 100000 ? 100L * l : 10000000L;
    *result = (clmlp_svm_result){0};
    int rc = 0;
    for (;;) {
        int i = -1, j = -1;
        int sel = select_pair(&s, params->eps, &i, &j, &result->max_violation, err);
        if (sel < 0) {
            rc = -1;
            break;
        }
        if (sel == 1)
            break;
        if (result->iterations >= max_iter) {
            result->hit_max_iter = 1;
            break;
        }
        if (take_step(&s, i, j, err) != 0) {
            rc = -1;
            break;
        }
        result->iterations++;
    }
    if (rc == 0) {
        result->rho = compute_rho(&s);
        double obj = 0;
        for (int t = 0; t < l; t++)
            obj += alpha[t] * (grad[t] - 1.0); /* a'(Qa - e) - a'e = a'Qa - 2 e'a */
        result->obj = obj / 2;
    }
    result->rows_computed = clmlp_svm_cache_computed(s.cache);
    result->l = l;
    result->block = clmlp_svm_cache_is_block(s.cache);
    clmlp_svm_cache_free(s.cache);
    free(qd);
    return rc;
}
