/* sweep.md: the runs of a sweep as a table, how time and memory grow with
 * the swept value (the laws, how well they fit), and the extrapolation
 * with its validity stated beside every modeled figure. */
#include <math.h>
#include <string.h>

#include "clmlp/sweep.h"
#include "format.h"

/* Within this of 1, the exponent of train time reads as linear in x. */
#define LINEAR_TOLERANCE 0.1

static const char *const titles[CLMLP_SWEEP_QUANTITIES] = {"train time", "host peak RSS", "device bytes allocated",
                                                            "eval time per test image", "support vectors"};

/* A quantity's value with its unit: seconds, bytes or a count. */
static const char *fmt_quantity(clmlp_sweep_quantity q, double v, char *buf, size_t cap)
{
    if (q == CLMLP_SWEEP_TRAIN_SECONDS)
        return fmt_hours(v / 3600, buf, cap);
    if (q == CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE)
        return fmt_seconds(v, buf, cap);
    if (q == CLMLP_SWEEP_SUPPORT_VECTORS) { /* a law's slope is a fraction of an image */
        if (fabs(v) >= 1000)
            return fmt_count(round(v), buf, cap);
        snprintf(buf, cap, "%.4g", v);
        return buf;
    }
    return fmt_bytes(v, buf, cap);
}

/* An SVM trains once: its runs have no epochs or steps to show. */
static const char *epoch_cell(const clmlp_sweep *s, int v, char *buf, size_t cap)
{
    snprintf(buf, cap, s->kind == CLMLP_MODEL_SVM && v == 0 ? "—" : "%d", v);
    return buf;
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
        char n[48], t[32], pe[32], ips[48], ev[32], acc[16], host[48], dev[48], ep[16], st[16];
        if (isnan(p->accuracy))
            snprintf(acc, sizeof acc, "—");
        else
            snprintf(acc, sizeof acc, "%.2f %%", 100.0 * p->accuracy);
        if (s->kind == CLMLP_MODEL_SVM && p->epochs == 0)
            snprintf(pe, sizeof pe, "—");
        else
            fmt_seconds(p->seconds_per_epoch, pe, sizeof pe);
        fprintf(out, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s%s | %s |", p->value,
                fmt_count((double)p->train_count, n, sizeof n), epoch_cell(s, p->epochs, ep, sizeof ep),
                epoch_cell(s, p->steps_per_epoch, st, sizeof st), fmt_seconds(p->train_seconds, t, sizeof t), pe,
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

/* An SVM's laws in words: training superlinear in its images (the power
 * law kept whatever R² says), and the support vectors that set the cost
 * of predicting each test image. */
static void write_svm_reading(FILE *out, const clmlp_sweep *s)
{
    const clmlp_law *p = &s->fits[CLMLP_SWEEP_TRAIN_SECONDS].power;
    fprintf(out, "Train time grows as x^%.3f (power law, R² %.4f on log–log)", p->b, p->r2);
    if (p->b > 1.0 + LINEAR_TOLERANCE)
        fprintf(out, ": superlinear in the training images, as SMO's work predicts (more examples, longer kernel "
                     "rows, more iterations).");
    else
        fprintf(out, ": not yet superlinear over these sizes, where fixed costs per run (device, compile, the "
                     "first GEMMs) weigh on the small runs; SMO's work grows faster than the training set, so the "
                     "extrapolation below is a lower bound: measure larger sizes.");
    fprintf(out, " The power law is kept for train time (chosen by the model, not by R²): an affine law is a constant "
                 "cost per image, which SMO does not have.\n\n");
    const clmlp_sweep_fit *sv = &s->fits[CLMLP_SWEEP_SUPPORT_VECTORS];
    if (sv->applies && sv->power.ok)
        fprintf(out, "Support vectors grow as x^%.3f (R² %.4f on log–log); predicting one test image costs a kernel "
                     "value against each of them, so eval time per test image follows them.\n\n",
                sv->power.b, sv->power.r2);
}

/* How eval time per test image is carried: the model kind's rule, in words. */
static void write_eval_reading(FILE *out, const clmlp_sweep *s)
{
    const clmlp_sweep_fit *f = &s->fits[CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE];
    char t[48];
    if (f->rule == CLMLP_SWEEP_CONSTANT)
        fprintf(out, "Eval time per test image: an MLP's evaluation does not depend on its training set (measured "
                     "x^%.3f), so the extrapolation keeps the median measured, %s per test image, not a law.\n\n",
                f->power.b, fmt_seconds(f->per_unit, t, sizeof t));
    else if (f->rule == CLMLP_SWEEP_PER_SUPPORT_VECTOR)
        fprintf(out, "Eval time per test image is carried as the largest run's %s per test image and support vector, "
                     "times the support vectors' law.\n\n",
                fmt_seconds(f->per_unit, t, sizeof t));
}

/* What the exponent of train time says: the check that an MLP's time is
 * linear in its images (for another key, the exponent as it is). */
static void write_time_reading(FILE *out, const clmlp_sweep *s)
{
    const clmlp_law *p = &s->fits[CLMLP_SWEEP_TRAIN_SECONDS].power;
    if (!p->ok)
        return;
    if (s->fits[CLMLP_SWEEP_TRAIN_SECONDS].by_model) {
        write_svm_reading(out, s);
        return;
    }
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
                 "quantity keeps the law with the better R² on the log scale%s. Accuracy is not fitted: it is in the "
                 "table as measured.\n\n",
            strcmp(s->key, "data.train.limit") == 0 ? "training images trained on" : s->key,
            fmt_count(s->x_lo, lo, sizeof lo), fmt_count(s->x_hi, hi, sizeof hi),
            s->fits[CLMLP_SWEEP_TRAIN_SECONDS].by_model ? ", except an SVM's train time, which keeps the power law"
                                                        : "");
    fprintf(out, "| quantity | power law | R² (log) | measured / fitted | affine law | R² (log) | measured / fitted "
                 "| chosen |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        const clmlp_sweep_fit *f = &s->fits[q];
        if (!f->applies)
            continue;
        fprintf(out, "| %s |", titles[q]);
        write_law_cells(out, (clmlp_sweep_quantity)q, &f->power);
        write_law_cells(out, (clmlp_sweep_quantity)q, &f->affine);
        fprintf(out, " %s%s%s |\n", f->has_chosen ? clmlp_law_name(f->chosen) : "none",
                f->by_model ? " (the model's: superlinear)" : "",
                f->rule == CLMLP_SWEEP_CONSTANT               ? "; extrapolated as a constant (the model's)"
                : f->rule == CLMLP_SWEEP_PER_SUPPORT_VECTOR ? "; extrapolated per support vector (the model's)"
                                                              : "");
    }
    fputc('\n', out);
    write_time_reading(out, s);
    write_eval_reading(out, s);
}

/* The extrapolation's row name: eval time is for the test images, not per image. */
static void extrapolated_title(const clmlp_sweep *s, clmlp_sweep_quantity q, char *buf, size_t cap)
{
    char n[48];
    if (q == CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE)
        snprintf(buf, cap, "eval time for %s test images", fmt_count(s->target_test, n, sizeof n));
    else
        snprintf(buf, cap, "%s", titles[q]);
}

/* A value at the target: eval time per image times the test images. */
static const char *extrapolated_cell(const clmlp_sweep *s, clmlp_sweep_quantity q, double v, char *buf, size_t cap)
{
    if (q == CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE)
        return fmt_hours(v * s->target_test / 3600, buf, cap);
    return fmt_quantity(q, v, buf, cap);
}

/* The chosen cell: the law with its exponent, or the model's rule with its figure in bold. */
static void modeled_by(const clmlp_sweep *s, const clmlp_sweep_fit *f, clmlp_sweep_quantity q, char *buf, size_t cap)
{
    char v[64];
    if (f->rule == CLMLP_SWEEP_CONSTANT)
        snprintf(buf, cap, "**%s**: constant per test image (the model's)",
                 extrapolated_cell(s, q, f->modeled, v, sizeof v));
    else if (f->rule == CLMLP_SWEEP_PER_SUPPORT_VECTOR)
        snprintf(buf, cap, "**%s**: per support vector (the model's)",
                 extrapolated_cell(s, q, f->modeled, v, sizeof v));
    else if (f->chosen == CLMLP_LAW_POWER)
        snprintf(buf, cap, "power, x^%.3f%s", f->power.b, f->by_model ? " (the model's: superlinear)" : "");
    else
        snprintf(buf, cap, "affine");
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
    char epochs[96], test[48];
    if (s->kind == CLMLP_MODEL_SVM)
        snprintf(epochs, sizeof epochs, "one training (an SVM has no epochs)");
    else
        snprintf(epochs, sizeof epochs, "%d epoch%s, as measured", s->epochs, s->epochs == 1 ? "" : "s");
    fprintf(out, "Validity: measured %s–%s images; %s beyond the largest: the law, not a measurement. The law is "
                 "an assumption outside the measured range (a data set that no longer fits in memory, or another "
                 "device, changes it). Train time is for %s.",
            fmt_count(s->x_lo, lo, sizeof lo), fmt_count(s->x_hi, hi, sizeof hi),
            fmt_factor(s->target_x / s->x_hi, factor, sizeof factor), epochs);
    const clmlp_sweep_fit *ev = &s->fits[CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE];
    if (ev->has_chosen)
        fprintf(out, " Eval time is for %s test images (`extrapolate.test_images`): %s, times that count.",
                fmt_count(s->target_test, test, sizeof test),
                ev->rule == CLMLP_SWEEP_CONSTANT ? "the median time per test image measured"
                : ev->rule == CLMLP_SWEEP_PER_SUPPORT_VECTOR
                    ? "the time per test image and support vector measured, times the support vectors' law"
                    : "the fitted time per test image");
    fprintf(out, "\n\n");
    /* Both laws' figures: over a narrow measured range two laws can fit
     * alike and still part by orders of magnitude this far out. */
    fprintf(out, "| quantity | power law at %s | affine law at %s | chosen (the better R² on log–log, unless the "
                 "model's) |\n|---|---:|---:|---|\n",
            target, target);
    bool apart = false;
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        const clmlp_sweep_fit *f = &s->fits[q];
        if (!f->applies || !f->has_chosen)
            continue;
        const clmlp_law *laws[2] = {&f->power, &f->affine};
        double at[2] = {NAN, NAN};
        char v[2][64], title[96], law[160];
        for (int k = 0; k < 2; k++) {
            snprintf(v[k], sizeof v[k], "not fitted");
            if (!laws[k]->ok)
                continue;
            at[k] = clmlp_law_eval(laws[k], s->target_x);
            extrapolated_cell(s, (clmlp_sweep_quantity)q, at[k], v[k], sizeof v[k]);
        }
        if (at[0] > 0 && at[1] > 0 && fmax(at[0], at[1]) > 10 * fmin(at[0], at[1]))
            apart = true;
        extrapolated_title(s, (clmlp_sweep_quantity)q, title, sizeof title);
        modeled_by(s, f, (clmlp_sweep_quantity)q, law, sizeof law);
        bool power = f->rule == CLMLP_SWEEP_BY_LAW && f->chosen == CLMLP_LAW_POWER;
        bool affine = f->rule == CLMLP_SWEEP_BY_LAW && f->chosen == CLMLP_LAW_AFFINE;
        fprintf(out, "| %s | %s%s%s | %s%s%s | %s |\n", title, power ? "**" : "", v[0], power ? "**" : "",
                affine ? "**" : "", v[1], affine ? "**" : "", law);
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
