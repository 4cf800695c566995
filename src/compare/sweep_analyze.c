/* The scaling laws of a sweep and their extrapolation (sweep.h): a power
 * and an affine law per quantity, the better one on the log scale chosen
 * (or the one the model kind implies), and, when the swept key is the
 * number of training images, each quantity at extrapolate.train_images:
 * its chosen law, or for eval time per test image the model kind's rule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/sweep.h"

/* The model kind's extra measurement of that name, NAN when the point has none. */
static double extra(const clmlp_sweep_point *p, const char *name)
{
    for (int k = 0; k < p->n_extra; k++)
        if (strcmp(p->extra[k].name, name) == 0)
            return p->extra[k].value;
    return NAN;
}

double clmlp_sweep_value(const clmlp_sweep_point *p, clmlp_sweep_quantity q)
{
    switch (q) {
    case CLMLP_SWEEP_TRAIN_SECONDS: return p->train_seconds;
    case CLMLP_SWEEP_HOST_PEAK: return p->host_peak_bytes;
    case CLMLP_SWEEP_DEVICE_BYTES: return p->device_alloc_bytes;
    case CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE:
        return p->test_count > 0 && p->eval_seconds > 0 ? p->eval_seconds / (double)p->test_count : NAN;
    case CLMLP_SWEEP_SUPPORT_VECTORS: return extra(p, CLMLP_SWEEP_SUPPORT_VECTORS_NAME);
    default: return NAN;
    }
}

bool clmlp_sweep_applies(const clmlp_sweep *s, clmlp_sweep_quantity q)
{
    for (int i = 0; i < s->n; i++)
        if (isnan(clmlp_sweep_value(&s->points[i], q)))
            return false;
    return s->n > 0;
}

const char *clmlp_sweep_quantity_name(clmlp_sweep_quantity q)
{
    static const char *const names[CLMLP_SWEEP_QUANTITIES] = {
        "train_seconds", "host_peak_rss_bytes", "device_alloc_bytes", "eval_seconds_per_image", "support_vectors"};
    return q < CLMLP_SWEEP_QUANTITIES ? names[q] : "?";
}

const char *clmlp_sweep_modeled_by(const clmlp_sweep_fit *f)
{
    if (f->rule == CLMLP_SWEEP_CONSTANT)
        return "constant";
    if (f->rule == CLMLP_SWEEP_PER_SUPPORT_VECTOR)
        return "per_support_vector";
    return f->has_chosen ? clmlp_law_name(f->chosen) : "none";
}

/* Whether the x values allow a law: all numbers, >= 3 distinct and positive. */
static bool fittable(clmlp_sweep *s)
{
    int distinct = 0;
    s->x_lo = INFINITY, s->x_hi = -INFINITY;
    for (int i = 0; i < s->n; i++) {
        double x = s->points[i].x;
        if (isnan(x)) {
            snprintf(s->why_not_fitted, sizeof s->why_not_fitted, "the value '%s' is not a number",
                     s->points[i].value);
            return false;
        }
        s->x_lo = fmin(s->x_lo, x), s->x_hi = fmax(s->x_hi, x);
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = s->points[j].x == x;
        distinct += !seen && x > 0;
    }
    if (distinct < 3) {
        snprintf(s->why_not_fitted, sizeof s->why_not_fitted, "%d distinct positive values measured: a law needs 3",
                 distinct);
        return false;
    }
    return true;
}

/* An SVM's training time grows faster than its training set (SMO: more
 * examples, longer kernel rows, more iterations), so against the images
 * trained on only the power law can follow it, whatever R² says over a
 * narrow range. */
static bool power_by_model(const clmlp_sweep *s, clmlp_sweep_quantity q)
{
    return s->kind == CLMLP_MODEL_SVM && q == CLMLP_SWEEP_TRAIN_SECONDS && strcmp(s->key, "data.train.limit") == 0;
}

static void fit_quantity(clmlp_sweep *s, clmlp_sweep_quantity q, const double *x)
{
    clmlp_sweep_fit *f = &s->fits[q];
    double y[CLMLP_SWEEP_MAX_VALUES];
    f->applies = clmlp_sweep_applies(s, q);
    if (!f->applies)
        return;
    for (int i = 0; i < s->n; i++)
        y[i] = clmlp_sweep_value(&s->points[i], q);
    clmlp_fit_power(x, y, s->n, &f->power);
    clmlp_fit_affine(x, y, s->n, &f->affine);
    f->by_model = power_by_model(s, q) && f->power.ok;
    const clmlp_law *best = f->by_model ? &f->power : clmlp_law_better(&f->power, &f->affine);
    f->has_chosen = best != NULL;
    if (best) {
        f->chosen = best->kind;
        f->modeled = s->extrapolated ? clmlp_law_eval(best, s->target_x) : NAN;
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The point trained on the most images: fixed costs weigh least on it. */
static const clmlp_sweep_point *largest(const clmlp_sweep *s)
{
    const clmlp_sweep_point *p = &s->points[0];
    for (int i = 1; i < s->n; i++)
        if (s->points[i].x > p->x)
            p = &s->points[i];
    return p;
}

/* Eval time per test image at the extrapolation's x, by the model kind's
 * rule (sweep.h): the median measured for an MLP, whose evaluation does
 * not see its training set; for an SVM, the largest run's time per test
 * image and support vector times the support vectors' law. */
static void model_eval(clmlp_sweep *s)
{
    clmlp_sweep_fit *f = &s->fits[CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE];
    const clmlp_sweep_fit *sv = &s->fits[CLMLP_SWEEP_SUPPORT_VECTORS];
    if (!f->applies || strcmp(s->key, "data.train.limit") != 0)
        return;
    if (s->kind == CLMLP_MODEL_SVM) {
        const clmlp_sweep_point *p = largest(s);
        double vectors = clmlp_sweep_value(p, CLMLP_SWEEP_SUPPORT_VECTORS);
        if (!sv->applies || !sv->has_chosen || !(vectors > 0))
            return; /* no support vectors to follow: the fitted law stays */
        f->rule = CLMLP_SWEEP_PER_SUPPORT_VECTOR;
        f->per_unit = clmlp_sweep_value(p, CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE) / vectors;
        f->modeled = s->extrapolated ? f->per_unit * sv->modeled : NAN;
    } else {
        double v[CLMLP_SWEEP_MAX_VALUES];
        for (int i = 0; i < s->n; i++)
            v[i] = clmlp_sweep_value(&s->points[i], CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE);
        qsort(v, (size_t)s->n, sizeof *v, by_value);
        f->rule = CLMLP_SWEEP_CONSTANT;
        f->per_unit = s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
        f->modeled = s->extrapolated ? f->per_unit : NAN;
    }
}

void clmlp_sweep_analyze(clmlp_sweep *s)
{
    s->fitted = fittable(s);
    s->extrapolated = false;
    memset(s->fits, 0, sizeof s->fits);
    if (!s->fitted)
        return;
    double x[CLMLP_SWEEP_MAX_VALUES];
    for (int i = 0; i < s->n; i++)
        x[i] = s->points[i].x;
    if (s->configs) {
        s->target_x = s->configs[0].extrapolate.train_images;
        s->target_test = s->configs[0].extrapolate.test_images;
    }
    s->extrapolated = strcmp(s->key, "data.train.limit") == 0 && s->target_x > s->x_hi;
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++)
        fit_quantity(s, (clmlp_sweep_quantity)q, x);
    model_eval(s);
}
