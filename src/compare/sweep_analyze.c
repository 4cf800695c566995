/* The scaling laws of a sweep and their extrapolation (sweep.h): a power
 * and an affine law per quantity, the better one on the log scale chosen,
 * and, when the swept key is the number of training images, each chosen
 * law at extrapolate.train_images. */
#include <math.h>
#include <string.h>

#include "clmlp/sweep.h"

double clmlp_sweep_value(const clmlp_sweep_point *p, clmlp_sweep_quantity q)
{
    switch (q) {
    case CLMLP_SWEEP_TRAIN_SECONDS: return p->train_seconds;
    case CLMLP_SWEEP_HOST_PEAK: return p->host_peak_bytes;
    case CLMLP_SWEEP_DEVICE_BYTES: return p->device_alloc_bytes;
    default: return NAN;
    }
}

const char *clmlp_sweep_quantity_name(clmlp_sweep_quantity q)
{
    static const char *const names[CLMLP_SWEEP_QUANTITIES] = {"train_seconds", "host_peak_rss_bytes",
                                                              "device_alloc_bytes"};
    return q < CLMLP_SWEEP_QUANTITIES ? names[q] : "?";
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

void clmlp_sweep_analyze(clmlp_sweep *s)
{
    s->fitted = fittable(s);
    s->extrapolated = false;
    memset(s->fits, 0, sizeof s->fits);
    if (!s->fitted)
        return;
    double x[CLMLP_SWEEP_MAX_VALUES], y[CLMLP_SWEEP_MAX_VALUES];
    for (int i = 0; i < s->n; i++)
        x[i] = s->points[i].x;
    s->target_x = s->configs ? s->configs[0].extrapolate.train_images : s->target_x;
    s->extrapolated = strcmp(s->key, "data.train.limit") == 0 && s->target_x > s->x_hi;
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        clmlp_sweep_fit *f = &s->fits[q];
        for (int i = 0; i < s->n; i++)
            y[i] = clmlp_sweep_value(&s->points[i], (clmlp_sweep_quantity)q);
        clmlp_fit_power(x, y, s->n, &f->power);
        clmlp_fit_affine(x, y, s->n, &f->affine);
        const clmlp_law *best = clmlp_law_better(&f->power, &f->affine);
        f->has_chosen = best != NULL;
        if (best) {
            f->chosen = best->kind;
            f->modeled = s->extrapolated ? clmlp_law_eval(best, s->target_x) : NAN;
        }
    }
}
