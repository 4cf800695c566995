/* sweep.md: the runs of a sweep as a table, how time and memory grow with
 * the swept value (the laws, how well they fit), and the extrapolation
 * with its validity stated beside every modeled figure. */
#include <math.h>
#include <string.h>

#include "clmlp/sweep.h"
#include "format.h"

/* Within this of 1, the exponent of train time reads as linear in x. */
#define LINEAR_TOLERANCE 0.1

static const char *const titles[CLMLP_SWEEP_QUANTITIES] = {"train time", "host peak RSS", "device bytes allocated"};

/* A quantity's value with its unit: seconds or bytes. */
static const char *fmt_quantity(clmlp_sweep_quantity q, double v, char *buf, size_t cap)
{
    if (q == CLMLP_SWEEP_TRAIN_SECONDS)
        return fmt_hours(v / 3600, buf, cap);
    return fmt_bytes(v, buf, cap);
}

static void write_points(FILE *out, const clmlp_sweep *s)
{
    fprintf(out, "| %s | train images | epochs | steps/epoch | train | per epoch | train img/s | eval | accuracy | "
                 "host peak RSS | device allocated |",
            s->key);
    /* a model kind's own measurements, by the names of the first run's */
    const clmlp_sweep_point *first = &s->points[0];
    for (int k = 0; k < first->n_extra; k++)
        fprintf(out, " %s |", first->extra[k].name);
    fprintf(out, "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int k = 0; k < first->n_extra; k++)
        fprintf(out, "---:|");
    fputc('\n', out);
    for (int i = 0; i < s->n; i++) {
        const clmlp_sweep_point *p = &s->points[i];
        char n[48], t[32], pe[32], ips[48], ev[32], acc[16], host[48], dev[48];
        if (isnan(p->accuracy))
            snprintf(acc, sizeof acc, "—");
        else
            snprintf(acc, sizeof acc, "%.2f %%", 100.0 * p->accuracy);
        fprintf(out, "| `%s` | %s | %d | %d | %s | %s | %s | %s | %s | %s%s | %s |", p->value,
                fmt_count((double)p->train_count, n, sizeof n), p->epochs, p->steps_per_epoch,
                fmt_seconds(p->train_seconds, t, sizeof t), fmt_seconds(p->seconds_per_epoch, pe, sizeof pe),
                fmt_count(round(p->train_images_per_second), ips, sizeof ips), fmt_seconds(p->eval_seconds, ev, sizeof ev),
                acc, fmt_bytes(p->host_peak_bytes, host, sizeof host), p->host_peak_per_run ? "" : " (since start)",
                fmt_bytes(p->device_alloc_bytes, dev, sizeof dev));
        for (int k = 0; k < p->n_extra; k++)
            fprintf(out, " %.6g |", p->extra[k].value);
        fputc('\n', out);
    }
}

static void write_law_cells(FILE *out, clmlp_sweep_quantity q, const clmlp_law *law)
{
    if (!law->ok) {
        fprintf(out, " — (%s) | | |", law->why);
        return;
    }
    char a[48], b[48];
    if (law->kind == CLMLP_LAW_POWER)
        fprintf(out, " %.4g·x^%.3f |", law->a, law->b);
    else
        fprintf(out, " %s %s %s·x |", fmt_quantity(q, law->a, a, sizeof a), law->b < 0 ? "−" : "+",
                fmt_quantity(q, fabs(law->b), b, sizeof b));
    fprintf(out, " %.4f | %.3f–%.3f |", law->r2_log, law->ratio_lo, law->ratio_hi);
}

/* What the exponent of train time says: the check that an MLP's time is
 * linear in its images (for another key, the exponent as it is). */
static void write_time_reading(FILE *out, const clmlp_sweep *s)
{
    const clmlp_law *p = &s->fits[CLMLP_SWEEP_TRAIN_SECONDS].power;
    if (!p->ok)
        return;
    fprintf(out, "Train time grows as x^%.3f (R² %.4f on log–log)", p->b, p->r2);
    if (strcmp(s->key, "data.train.limit") != 0)
        fprintf(out, ".\n\n");
    else if (fabs(p->b - 1.0) <= LINEAR_TOLERANCE)
        fprintf(out, ": linear in the images per epoch, as one pass over each image per epoch predicts.\n\n");
    else
        fprintf(out, ": not linear in the images per epoch (the exponent is more than %.1f from 1)%s.\n\n",
                LINEAR_TOLERANCE,
                p->b < 1 ? "; a fixed cost per run (warm-up, the first steps) weighs on the small runs" : "");
}

static void write_fits(FILE *out, const clmlp_sweep *s)
{
    fprintf(out, "\n## How they grow with x\n\n");
    if (!s->fitted) {
        fprintf(out, "No law fitted: %s.\n\n", s->why_not_fitted);
        return;
    }
    char lo[48], hi[48];
    fprintf(out, "x = %s (measured %s–%s). Power law y = a·x^b fitted on log–log; affine y = c + d·x (a floor, "
                 "such as the runtime and libraries in memory, plus a part that grows) fitted on the values. Each "
                 "quantity keeps the law with the better R² on the log scale. Accuracy is not fitted: it is in the "
                 "table as measured.\n\n",
            strcmp(s->key, "data.train.limit") == 0 ? "training images trained on" : s->key,
            fmt_count(s->x_lo, lo, sizeof lo), fmt_count(s->x_hi, hi, sizeof hi));
    fprintf(out, "| quantity | power law | R² (log) | measured / fitted | affine law | R² (log) | measured / fitted "
                 "| chosen |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        const clmlp_sweep_fit *f = &s->fits[q];
        fprintf(out, "| %s |", titles[q]);
        write_law_cells(out, (clmlp_sweep_quantity)q, &f->power);
        write_law_cells(out, (clmlp_sweep_quantity)q, &f->affine);
        fprintf(out, " %s |\n", f->has_chosen ? clmlp_law_name(f->chosen) : "none");
    }
    fputc('\n', out);
    write_time_reading(out, s);
}

static void write_extrapolation(FILE *out, const clmlp_sweep *s)
{
    if (!s->fitted)
        return;
    char target[48], lo[48], hi[48], factor[48];
    if (!s->extrapolated) {
        if (strcmp(s->key, "data.train.limit") != 0)
            fprintf(out, "No extrapolation: it is made when the swept key is data.train.limit (the images trained "
                         "on), and this sweep is over %s.\n",
                    s->key);
        else
            fprintf(out, "No extrapolation: extrapolate.train_images (%s) is not beyond what was measured.\n",
                    fmt_count(s->target_x, target, sizeof target));
        return;
    }
    fprintf(out, "## Extrapolation to %s training images — *modeled (fitted law)*\n\n",
            fmt_count(s->target_x, target, sizeof target));
    fprintf(out, "Validity: measured %s–%s images; %s beyond the largest: the law, not a measurement. The law is "
                 "an assumption outside the measured range (a data set that no longer fits in memory, or another "
                 "device, changes it). Train time is for %d epoch%s, as measured.\n\n",
            fmt_count(s->x_lo, lo, sizeof lo), fmt_count(s->x_hi, hi, sizeof hi),
            fmt_factor(s->target_x / s->x_hi, factor, sizeof factor), s->epochs, s->epochs == 1 ? "" : "s");
    /* Both laws' figures: over a narrow measured range two laws can fit
     * alike and still part by orders of magnitude this far out. */
    fprintf(out, "| quantity | power law at %s | affine law at %s | chosen (better R² on log–log) |\n"
                 "|---|---:|---:|---|\n",
            target, target);
    bool apart = false;
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        const clmlp_sweep_fit *f = &s->fits[q];
        if (!f->has_chosen)
            continue;
        const clmlp_law *laws[2] = {&f->power, &f->affine};
        double at[2] = {NAN, NAN};
        char v[2][64];
        for (int k = 0; k < 2; k++) {
            snprintf(v[k], sizeof v[k], "not fitted");
            if (laws[k]->ok) {
                at[k] = clmlp_law_eval(laws[k], s->target_x);
                fmt_quantity((clmlp_sweep_quantity)q, at[k], v[k], sizeof v[k]);
            }
        }
        if (at[0] > 0 && at[1] > 0 && fmax(at[0], at[1]) > 10 * fmin(at[0], at[1]))
            apart = true;
        fprintf(out, "| %s | %s%s%s | %s%s%s | %s |\n", titles[q], f->chosen == CLMLP_LAW_POWER ? "**" : "", v[0],
                f->chosen == CLMLP_LAW_POWER ? "**" : "", f->chosen == CLMLP_LAW_AFFINE ? "**" : "", v[1],
                f->chosen == CLMLP_LAW_AFFINE ? "**" : "", clmlp_law_name(f->chosen));
    }
    if (apart)
        fprintf(out, "\nWhere the two laws part by more than 10× here, the measured range cannot tell which one holds: "
                     "the figure is known only within that span. Memory that holds the data set grows with it (the "
                     "affine law); a floor of runtime and libraries that dominates small runs favours the power law's "
                     "fit.\n");
}

int clmlp_sweep_write_md(FILE *out, const void *ctx)
{
    const clmlp_sweep *s = ctx;
    fprintf(out, "# Sweep: %s over %s\n\n", s->name, s->key);
    fprintf(out, "%d runs on %s, one after another in one process; every figure is measured unless marked "
                 "*modeled (fitted law)*. Host peak RSS is each run's own peak (the process's high-water mark, reset "
                 "before the run): it includes the runtime and libraries.\n\n",
            s->n, s->device[0] ? s->device : "the config's device");
    write_points(out, s);
    write_fits(out, s);
    write_extrapolation(out, s);
    return ferror(out) ? -1 : 0;
}
