/* compare.md: the comparison for a reader who has not read the issue. One
 * function per section; the extrapolation section is extrapolate_md.c. */
#include <math.h>
#include <string.h>

#include "clmlp/compare.h"
#include "format.h"

/* A noise check says so before any figure: it measures the machine, not a device. */
static void write_noise_check(FILE *out, const clmlp_compare *c)
{
    if (!c->noise_check)
        return;
    fprintf(out, "**This is a noise check** (`compare.noise_check: true`): a device ran more than once");
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].same_as >= 0)
            fprintf(out, "; #%d `%s` is the same device as #%d `%s`", i, c->runs[i].spec, c->runs[i].same_as,
                    c->runs[c->runs[i].same_as].spec);
    fprintf(out, ". The spread between such runs is run-to-run noise on this machine, not a difference between\n"
                 "devices: no speedup is claimed for them, and they make no cpu → cpu link.\n\n");
}

static void write_header(FILE *out, const clmlp_compare *c)
{
    const clmlp_config *cfg = &c->cfg;
    const clmlp_compare_run *base = &c->runs[c->baseline];
    char layers[256], a[48], b[48];
    clmlp_config_layers(cfg, base->run.input_dim ? base->run.input_dim : cfg->model.input, layers, sizeof layers);
    fprintf(out, "# clmlp compare: %s on %d device%s\n\n", cfg->name, c->n_runs, c->n_runs == 1 ? "" : "s");
    if (cfg->model.kind == CLMLP_MODEL_SVM)
        fprintf(out, "The same experiment (`%s`) ran on every device, each run in a fresh OpenCL context: the same\n"
                     "data and settings. Model SVM (RBF kernel, C %g, gamma `%s`, one-vs-one), one training of %s\n"
                     "images (no epochs: \"per epoch\" below is the whole training), %s test images. Started %s.\n",
                cfg->source_path[0] ? cfg->source_path : cfg->name, cfg->model.C, cfg->model.gamma,
                fmt_count((double)base->run.train_count, a, sizeof a),
                fmt_count((double)base->run.test_count, b, sizeof b), c->started);
    else
        fprintf(out, "The same experiment (`%s`) ran on every device, each run in a fresh OpenCL context: the same\n"
                     "data, seeds and compiled plan. Model %s (%s), %s lr %g, batch %d, %d epoch%s of %d steps,\n"
                     "%s training and %s test images. Started %s.\n",
                cfg->source_path[0] ? cfg->source_path : cfg->name, layers,
                clmlp_activation_name(cfg->model.activation),
                clmlp_optimizer_name(cfg->training.optimizer), cfg->training.lr, cfg->training.batch_size,
                base->run.epochs_done, base->run.epochs_done == 1 ? "" : "s", base->run.steps_per_epoch,
                fmt_count((double)base->run.train_count, a, sizeof a),
                fmt_count((double)base->run.test_count, b, sizeof b), c->started);
    if (c->n_rounds > 1)
        fprintf(out, "%d rounds (`compare.rounds`): each round runs every device once, in the list's order in odd\n"
                     "rounds and reversed in even ones, so a machine that drifts slows every device alike.\n\n",
                c->n_rounds);
    else
        fprintf(out, "One round (`compare.rounds: 1`%s): a single run per device shows no spread, so no difference\n"
                     "below a run's noise can be told apart; compare with 3 or more rounds to see it.\n\n",
                c->from_report[0] ? ", read from a report" : "");
    write_noise_check(out, c);
}

/* The run a device's twins point to: the same device means the same root. */
static int root_of(const clmlp_compare *c, int i)
{
    return c->runs[i].same_as >= 0 ? c->runs[i].same_as : i;
}

/* "0.760 (0.741–0.788)": train seconds per epoch over the rounds. */
static const char *epoch_cell(const clmlp_compare_run *r, char *buf, size_t cap)
{
    const clmlp_spread *e = &r->epoch_s;
    if (e->n < 2)
        snprintf(buf, cap, "%.3f%s", e->median, r->short_rounds ? " **(short)**" : "");
    else
        snprintf(buf, cap, "%.3f (%.3f–%.3f)%s", e->median, e->min, e->max, r->short_rounds ? " **(short)**" : "");
    return buf;
}

/* A speedup is bold only when every round agrees on its direction. */
static const char *speedup_cell(const clmlp_compare *c, int i, char *buf, size_t cap)
{
    const clmlp_compare_run *r = &c->runs[i];
    char f[96];
    fmt_factor_spread(&r->speedup_spread, f, sizeof f);
    if (i == c->baseline)
        snprintf(buf, cap, "1.00× (baseline)");
    else if (root_of(c, i) == root_of(c, c->baseline))
        snprintf(buf, cap, "noise: %s, the baseline's own device", f);
    else if (r->distinguishable)
        snprintf(buf, cap, "**%s**", f);
    else if (r->speedup_spread.n >= 2)
        snprintf(buf, cap, "%s: no measurable difference", f);
    else
        snprintf(buf, cap, "%s (one round)", f);
    return buf;
}

static void write_short_rounds(FILE *out, const clmlp_compare *c)
{
    char list[CLMLP_COMPARE_MAX_DEVICES * (CLMLP_NAME_MAX + 64)];
    if (fmt_short_rounds(c, list, sizeof list))
        fprintf(out, "\n**(short)**: the median training time per round is %s, below `compare.min_round_seconds`\n"
                     "(%g s). So short a run is timed mostly by the clock, thread wake-ups and launch jitter, and its\n"
                     "times and ratios say little about the device. Raise `training.epochs` or use a bigger\n"
                     "`data.train.limit` until a round trains for %g s or more.\n",
                list, c->cfg.compare.min_round_seconds, c->cfg.compare.min_round_seconds);
}

/* Twins in a noise check: their paired ratio is the machine's noise. */
static void write_twins(FILE *out, const clmlp_compare *c)
{
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        if (r->same_as < 0)
            continue;
        clmlp_spread noise;
        char f[96];
        clmlp_compare_ratios(c->runs[r->same_as].round_train_s, r->round_train_s, c->n_rounds, &noise);
        fprintf(out, "\nNoise: #%d and #%d are the same device; #%d's training time ÷ #%d's, round by round, is %s over %d "
                     "round%s: run-to-run noise, no speedup.\n",
                r->same_as, i, r->same_as, i, fmt_factor_spread(&noise, f, sizeof f), c->n_rounds,
                c->n_rounds == 1 ? "" : "s");
    }
}

static void write_measured(FILE *out, const clmlp_compare *c)
{
    char t[96], ti[48], ei[48], sp[160];
    fprintf(out, "## 1. Measured on this machine\n\n");
    fprintf(out, "| # | device (spec) | class | CUs | train s/epoch: median (min–max) | train img/s | eval img/s | "
                 "test accuracy | speedup: median (min–max) |\n");
    fprintf(out, "|---|---|---|--:|--:|--:|--:|--:|--:|\n");
    int flagged = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        fmt_count(round(r->train_images_per_s), ti, sizeof ti);
        fmt_count(round(r->eval_images_per_s), ei, sizeof ei);
        fprintf(out, "| %d | %s (`%s`) | %s | %u | %s | %s | %s | %.2f %%%s | %s |\n", i, r->run.device.name, r->spec,
                clmlp_device_class_name(r->cls), r->run.device.compute_units, epoch_cell(r, t, sizeof t), ti, ei,
                100.0 * r->run.accuracy, r->accuracy_flagged ? " **(!)**" : "", speedup_cell(c, i, sp, sizeof sp));
        flagged += r->accuracy_flagged;
    }
    fprintf(out, "\nSpeedup = the baseline's training time ÷ the device's (wall time of the epochs, all device work\n"
                 "included), paired round by round: the median of the %d per-round ratio%s and their range. **Bold**:\n"
                 "every round agrees on the direction. A range that includes 1.0 is *no measurable difference*: on\n"
                 "this machine the two are not told apart. Train img/s from the median time; eval img/s (the whole\n"
                 "test set in batches of %d), accuracy and everything below from each device's median round.\n",
            c->n_rounds, c->n_rounds == 1 ? "" : "s", c->cfg.training.eval_batch_size);
    write_short_rounds(out, c);
    write_twins(out, c);
    if (flagged)
        fprintf(out, "\n**(!)** %d device%s differ from the baseline's accuracy by more than %.2f points "
                     "(compare.accuracy_tolerance): same data, seed and plan should agree to fp rounding; look for a "
                     "device or driver bug.\n",
                flagged, flagged == 1 ? "" : "s", 100.0 * c->cfg.compare.accuracy_tolerance);
    else
        fprintf(out, "\nAccuracy: every device is within %.2f points of the baseline (compare.accuracy_tolerance).\n",
                100.0 * c->cfg.compare.accuracy_tolerance);
    if (c->cfg.model.kind == CLMLP_MODEL_SVM)
        fprintf(out, "\n| # | device memory: plan (none: an SVM has no compiled plan) | training operands (every "
                     "example's left, right and transposed rows) | kernel buffers (the GEMMs' chunks of rows and "
                     "values) | allocated on the device | host peak resident set |\n|---|--:|--:|--:|--:|--:|\n");
    else
        fprintf(out, "\n| # | device memory: plans (parameters, gradients, Adam m and v, a training and an eval batch) "
                     "| data set on the device | run buffers (order, losses, predictions) | allocated on the device | "
                     "host peak resident set |\n|---|--:|--:|--:|--:|--:|\n");
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_run_result *res = &c->runs[i].run;
        char p[48], d[48], b[48], a[48], h[48];
        fprintf(out, "| %d | %s | %s%s | %s | %s | %s |\n", i, fmt_bytes((double)res->device_plan_bytes, p, sizeof p),
                fmt_bytes((double)res->dataset_device_bytes, d, sizeof d), res->streamed ? " (streamed chunks)" : "",
                fmt_bytes((double)res->run_buffer_bytes, b, sizeof b),
                res->device_alloc_bytes ? fmt_bytes((double)res->device_alloc_bytes, a, sizeof a) : "—",
                c->runs[i].host_peak_bytes ? fmt_bytes((double)c->runs[i].host_peak_bytes, h, sizeof h) : "—");
    }
    fprintf(out, "\nThe runs go one after another in one process, so a later run's host peak includes the earlier\n"
                 "runs' (it is the process's peak so far).\n\n");
}

/* The class of a link that no run had (the target first). */
static clmlp_device_class missing_class(const clmlp_compare *c, const clmlp_chain_link *l)
{
    bool have_to = false;
    for (int i = 0; i < c->n_runs; i++)
        have_to |= c->runs[i].cls == l->to;
    return have_to ? l->from : l->to;
}

/* A model end as a reader knows it: "`name=pthread` (probe)" or "v100". */
static const char *ref_label(const clmlp_compare *c, clmlp_model_ref ref, char *buf, size_t cap)
{
    if (ref.run >= 0)
        snprintf(buf, cap, "`%s` (probe)", c->runs[ref.run].spec);
    else
        snprintf(buf, cap, "%s", c->models[ref.model].id);
    return buf;
}

/* Why a link has no modeled figure. */
static void write_no_model(FILE *out, const clmlp_compare *c, const clmlp_chain_link *l)
{
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].cls == l->from && !c->runs[i].probed) {
            fprintf(out, "no model: `%s` ran without a probe (`profile.probe: false`) |", c->runs[i].spec);
            return;
        }
    bool have_from = false;
    for (int i = 0; i < c->n_runs; i++)
        have_from |= c->runs[i].cls == l->from;
    for (int m = 0; m < c->n_models; m++)
        have_from |= c->models[m].kind == l->from;
    fprintf(out, "no %s device model |", clmlp_device_class_name(have_from ? l->to : l->from));
}

static void write_measured_link(FILE *out, const clmlp_compare *c, const clmlp_chain_link *l)
{
    char f[96];
    if (!l->measured) {
        fprintf(out, "not measured here (no %s device ran) | ", clmlp_device_class_name(missing_class(c, l)));
        return;
    }
    const char *a = c->runs[l->from_run].spec, *b = c->runs[l->to_run].spec;
    fmt_factor_spread(&l->measured_spread, f, sizeof f);
    if (l->distinguishable)
        fprintf(out, "**%s** (%s → %s) | ", f, a, b);
    else if (l->measured_spread.n >= 2)
        fprintf(out, "%s: no measurable difference (%s → %s) | ", f, a, b);
    else
        fprintf(out, "%s, one round (%s → %s) | ", f, a, b);
}

static void write_modeled_link(FILE *out, const clmlp_compare *c, const clmlp_chain_link *l)
{
    char f[48], m1[CLMLP_NAME_MAX + 16], m2[CLMLP_NAME_MAX + 16];
    if (!l->n_modeled) {
        write_no_model(out, c, l);
        return;
    }
    for (int k = 0; k < l->n_modeled; k++) {
        ref_label(c, l->modeled[k].from, m1, sizeof m1);
        ref_label(c, l->modeled[k].to, m2, sizeof m2);
        fprintf(out, "%s%s → %s: %s", k ? "; " : "", m1, m2, fmt_factor(l->modeled[k].factor, f, sizeof f));
    }
    fprintf(out, " *(modeled)* |");
}

/* One line per modeled cross-class link: the models' range against the
 * seed's factor, then why, from the fastest accelerator model's roofline. */
static void write_chain_summary(FILE *out, const clmlp_compare *c)
{
    bool any = false;
    for (int i = 0; i < c->n_chain; i++) {
        const clmlp_chain_link *l = &c->chain[i];
        if (l->from == l->to || !l->n_modeled || l->seed_factor <= 0)
            continue;
        double lo = l->modeled[0].factor, hi = lo;
        for (int k = 1; k < l->n_modeled; k++) {
            lo = fmin(lo, l->modeled[k].factor);
            hi = fmax(hi, l->modeled[k].factor);
        }
        char a[48], b[48], f[48], from[CLMLP_NAME_MAX + 48];
        if (l->modeled[0].from.run >= 0)
            snprintf(from, sizeof from, "`%s` as its probe measured it", c->runs[l->modeled[0].from.run].spec);
        else
            snprintf(from, sizeof from, "the hand-written %s models", clmlp_device_class_name(l->from));
        fprintf(out, "%s- %s → %s: modeled %s to %s on this plan, from %s; the seed assumed %s.\n", any ? "" : "\n",
                clmlp_device_class_name(l->from), clmlp_device_class_name(l->to), fmt_factor(lo, a, sizeof a),
                fmt_factor(hi, b, sizeof b), from, fmt_factor(l->seed_factor, f, sizeof f));
        any = true;
    }
    int best = -1;
    for (int m = 0; m < c->n_models; m++)
        if (c->models[m].kind == CLMLP_CLASS_ACCELERATOR && c->predictions[m].ok &&
            (best < 0 || c->predictions[m].step.seconds < c->predictions[best].step.seconds))
            best = m;
    const clmlp_compare_run *base = &c->runs[c->baseline];
    if (best >= 0 && base->train_plan) {
        const clmlp_roofline *r = &c->predictions[best].step;
        double peak = c->models[best].peak_gflops[c->cfg.extrapolate.precision] * 1e9;
        char t[48], cs[48], ms[48], os[48], all[48];
        fprintf(out, "\nWhy: a step of this model is small. On `%s` the roofline gives %s per step: %s in launches bound by\n"
                     "arithmetic, %s by memory traffic, %s of launch overhead; all of the step's %.0f MFLOP at peak would\n"
                     "take %s. No matrix unit speeds up the rest.\n",
                c->models[best].id, fmt_seconds(r->seconds, t, sizeof t), fmt_seconds(r->compute_s, cs, sizeof cs),
                fmt_seconds(r->memory_s, ms, sizeof ms), fmt_seconds(r->overhead_s, os, sizeof os),
                clmlp_plan_flops(base->train_plan) / 1e6,
                fmt_seconds(clmlp_plan_flops(base->train_plan) / peak, all, sizeof all));
    }
}

static void write_chain(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_run *base = &c->runs[c->baseline];
    char f[48];
    fprintf(out, "## 2. The speedup chain: the seed's assumptions, measured, modeled\n\n");
    fprintf(out, "| link | the seed assumed | measured here: median (min–max) | modeled (roofline of this plan) |\n"
                 "|---|--:|---|---|\n");
    for (int i = 0; i < c->n_chain; i++) {
        const clmlp_chain_link *l = &c->chain[i];
        fprintf(out, "| %s → %s | ", clmlp_device_class_name(l->from), clmlp_device_class_name(l->to));
        if (l->seed_factor > 0)
            fprintf(out, "%s | ", fmt_factor(l->seed_factor, f, sizeof f));
        else
            fprintf(out, "— | ");
        write_measured_link(out, c, l);
        write_modeled_link(out, c, l);
        fprintf(out, "\n");
    }
    write_chain_summary(out, c);
    char fl[48], by[48];
    snprintf(fl, sizeof fl, "%.1f", base->run.flops_per_step / 1e6);
    fprintf(out, "\nMeasured = the training time of the link's first device ÷ its second's, paired round by round\n"
                 "(cpu → cpu: the slower ÷ the faster by median; a device and its twin in a noise check are no pair);\n"
                 "**bold** when every round agrees on the direction. *Modeled* = the ratio of roofline-predicted\n"
                 "training-step times (section 4) of this experiment's plan: %d launches, %s MFLOP and %s moved per\n"
                 "step. A device that ran enters as its measured model, `(probe)`: the roofs its probe measured on\n"
                 "this machine, fp32 as it ran (section 3 shows that model's error). Devices that did not run enter\n"
                 "as hand-written datasheet models at %s: predictions, not measurements. The seed's 14× and 768×\n"
                 "came from a vendor blog and a press quote about other models; its 10 752× is their product.\n\n",
            base->run.launches_per_step, fl, fmt_bytes(base->run.bytes_per_step, by, sizeof by),
            clmlp_precision_name(c->cfg.extrapolate.precision));
}

static void trust_row(FILE *out, int i, const clmlp_compare_run *r, const char *from, const clmlp_roofline *pred)
{
    char p[48], cs[48], ms[48], os[48], m[48];
    fprintf(out, "| %d | %s | %s | %s (%s + %s + %s) | %s | %+.0f %% |\n", i, r->run.device.name, from,
            fmt_seconds(pred->seconds, p, sizeof p), fmt_seconds(pred->compute_s, cs, sizeof cs),
            fmt_seconds(pred->memory_s, ms, sizeof ms), fmt_seconds(pred->overhead_s, os, sizeof os),
            fmt_seconds(r->step_s, m, sizeof m), r->step_s > 0 ? 100.0 * (pred->seconds - r->step_s) / r->step_s : 0.0);
}

static void write_trust(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_run *base = &c->runs[c->baseline];
    char state[48] = "parameters, gradients, m and v";
    if (base->train_plan) {
        const clmlp_buffer_plan *bp = &base->train_plan->buffers;
        fmt_bytes((double)(bp->region_bytes[CLMLP_REGION_PARAMS] + bp->region_bytes[CLMLP_REGION_GRADS] +
                           bp->region_bytes[CLMLP_REGION_STATE0] + bp->region_bytes[CLMLP_REGION_STATE1]),
                  state, sizeof state);
    }
    fprintf(out, "## 3. How far to trust the model: predicted vs measured on the devices present\n\n");
    fprintf(out, "| # | device | roofline from | predicted step (compute + memory + launches) | measured step (median) | "
                 "error |\n|---|---|---|---|--:|--:|\n");
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        char from[CLMLP_NAME_MAX * 2 + 128];
        if (r->probed) {
            snprintf(from, sizeof from, "measured model (probe): %.0f GFLOP/s GEMM, %.1f GB/s DRAM, %d bandwidth "
                                        "levels, %.1f µs launch%s",
                     r->run.probe.gemm_gflops, r->run.probe.copy_gbps, r->probe_roof.n_levels, r->run.probe.launch_us,
                     r->run.probe.from_cache ? " (cached)" : "");
            trust_row(out, i, r, from, &r->probe_step);
        } else {
            char m[48];
            fprintf(out, "| %d | %s | no probe (`profile.probe: false`): no measured model | — | %s | — |\n", i,
                    r->run.device.name, fmt_seconds(r->step_s, m, sizeof m));
        }
        if (r->model >= 0) {
            const clmlp_devmodel *d = &c->models[r->model];
            snprintf(from, sizeof from, "hand-written model `%s` (%u of %d units), its `match: %s`", d->id,
                     r->run.device.compute_units, d->compute_units, d->match);
            trust_row(out, i, r, from, &r->pred_step);
        }
    }
    fprintf(out, "\nPredicted = Σ over the plan's launches of max(FLOPs ÷ peak, bytes ÷ bandwidth) + launch overhead;\n"
                 "measured = the median training step over the rounds. The measured model uses the roofs the probe\n"
                 "measured on the device itself (`profile.probe`: best SGEMM rate, stream bandwidth by working-set\n"
                 "size, launch cost): it is what every modeled link starts from, and its error is the roofline\n"
                 "method's own. A hand-written model appears only where its `match` names the device; it uses its\n"
                 "datasheet fp32 peak scaled to the device's compute units and one bandwidth figure, the method of\n"
                 "the datasheet models of absent devices. Error = (predicted − measured) ÷ measured; negative =\n"
                 "optimistic. One bandwidth figure knows no caches: a kernel whose data stay in cache (section 5:\n"
                 "Adam's %s of state on a CPU) beats it; and a small kernel may not reach the compute roof. Read\n"
                 "the modeled links with the measured model's error in mind; the datasheet models of devices that\n"
                 "did not run are unchecked here.\n\n",
            state);
}

/* "2 / 8, launch overhead 20 µs" */
static const char *bound_cell(const clmlp_roofline *r, char *buf, size_t cap)
{
    char ov[48];
    snprintf(buf, cap, "%d / %d, launch overhead %s", r->compute_bound, r->memory_bound,
             fmt_seconds(r->overhead_s, ov, sizeof ov));
    return buf;
}

/* GB/s as read in a table: "54.2", "1 030". */
static const char *fmt_rate(double gbps, char *buf, size_t cap)
{
    if (gbps >= 100)
        return fmt_count(round(gbps), buf, cap);
    snprintf(buf, cap, "%.3g", gbps);
    return buf;
}

/* A present device's measured model, beside the datasheet rows. */
static void write_measured_model(FILE *out, const clmlp_compare *c, int i)
{
    const clmlp_compare_run *r = &c->runs[i];
    const clmlp_probe *p = &r->run.probe;
    int top = 0; /* the fastest level: the cache the roof is highest in */
    for (int k = 1; k < p->n_levels; k++)
        if (p->levels[k].gbps.best > p->levels[top].gbps.best)
            top = k;
    char peak[48], dram[48], fast[48], level[48], usd[48], step[48], bound[96];
    double price = clmlp_compare_usd_per_hour(c, i);
    fprintf(out, "| probe:%d: %s (`%s`, %u CU%s), measured by the probe on this machine%s | %s | %s / – / – | "
                 "%s DRAM, %s at %s | %.3g | %.2g | %s | %s | %s |\n",
            i, r->run.device.name, r->spec, r->run.device.compute_units, r->run.device.compute_units == 1 ? "" : "s",
            p->from_cache ? " (cached)" : "", clmlp_device_class_name(r->cls),
            fmt_count(round(p->gemm_gflops), peak, sizeof peak), fmt_rate(p->copy_gbps, dram, sizeof dram),
            fmt_rate(p->n_levels ? p->levels[top].gbps.best : p->copy_gbps, fast, sizeof fast),
            p->n_levels ? fmt_bytes(p->levels[top].bytes, level, sizeof level) : "any size",
            (double)r->run.device.global_mem / (1024.0 * 1024 * 1024), p->launch_us,
            price > 0 ? fmt_usd(price, usd, sizeof usd) : "unknown",
            fmt_seconds(r->probe_step.seconds, step, sizeof step), bound_cell(&r->probe_step, bound, sizeof bound));
}

static void write_datasheet_model(FILE *out, const clmlp_compare *c, int m)
{
    const clmlp_devmodel *d = &c->models[m];
    const clmlp_model_prediction *p = &c->predictions[m];
    char step[48], usd[48], peaks[3][32], bound[96] = "—";
    for (int k = 0; k < CLMLP_PREC_COUNT; k++)
        if (d->peak_gflops[k] > 0)
            fmt_count(round(d->peak_gflops[k]), peaks[k], sizeof peaks[k]);
        else
            snprintf(peaks[k], sizeof peaks[k], "–");
    if (p->ok)
        bound_cell(&p->step, bound, sizeof bound);
    fprintf(out, "| %s: %s | %s | %s / %s / %s | %g | %g | %g | %s | %s | %s |\n", d->id, d->name,
            clmlp_device_class_name(d->kind), peaks[0], peaks[1], peaks[2], d->memory_bandwidth_gbps, d->memory_gib,
            d->launch_overhead_us, d->usd_per_hour > 0 ? fmt_usd(d->usd_per_hour, usd, sizeof usd) : "unknown",
            p->ok ? fmt_seconds(p->step.seconds, step, sizeof step) : "no such peak", bound);
}

static void write_models(FILE *out, const clmlp_compare *c)
{
    fprintf(out, "## 4. Device models: measured here, and from datasheets\n\n");
    fprintf(out, "| model | class | peak GFLOP/s fp32 / fp16 / bf16 | memory GB/s | memory GiB | launch µs | $/hour | "
                 "predicted step | launches bound by compute / memory |\n|---|---|---|--:|--:|--:|--:|--:|---|\n");
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].probed)
            write_measured_model(out, c, i);
    for (int m = 0; m < c->n_models; m++)
        write_datasheet_model(out, c, m);
    fprintf(out, "\n`probe:N` rows are the devices that ran, modeled from what the probe measured on them (peak =\n"
                 "the best SGEMM rate of clmlp's kernel on all its compute units; bandwidth = the stream kernel's at\n"
                 "each working-set size, DRAM the largest and the highest level shown; launch = one launch in a\n"
                 "burst; memory = what OpenCL reports). They predict fp32, as the plan ran, on the device's own plan.\n"
                 "The other rows are hand-written datasheet models (`configs/devices/*.yaml` built in, plus\n"
                 "`compare.models`; each figure's source in its file), predicted at %s on the baseline's plan.\n\n",
            clmlp_precision_name(c->cfg.extrapolate.precision));
}

static void write_kernels(FILE *out, const clmlp_compare *c)
{
    fprintf(out, "## 5. Top kernels of a training step\n\n");
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        clmlp_kernel_row rows[CLMLP_MAX_LAUNCHES];
        int n = clmlp_compare_kernels(c, i, rows, CLMLP_MAX_LAUNCHES);
        double total = 0;
        for (int k = 0; k < n; k++)
            total += rows[k].measured_s;
        fprintf(out, "Device %d, %s (`%s`), its median round:\n\n| kernel | launches | MFLOP | bytes | measured device "
                     "time | share | predicted: hand-written model | predicted: measured model | %% of its roof |\n"
                     "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
                i, r->run.device.name, r->spec);
        for (int k = 0; k < n && k < 6; k++) {
            char b[48], t[48], m[48], p[48], share[16] = "—", roof[64] = "—";
            if (total > 0)
                snprintf(share, sizeof share, "%.0f %%", 100.0 * rows[k].measured_s / total);
            double pct = rows[k].measured_s > 0 ? 100.0 * rows[k].probe_roof_s / rows[k].measured_s : 0;
            if (rows[k].probe_s > 0 && pct > 100.0 * CLMLP_ROOF_TOLERANCE)
                snprintf(roof, sizeof roof, "over the roof: probe too low");
            else if (rows[k].probe_s > 0 && rows[k].measured_s > 0)
                snprintf(roof, sizeof roof, "%.0f %%", pct);
            fprintf(out, "| %s | %d | %.2f | %s | %s | %s | %s | %s | %s |\n", rows[k].name, rows[k].launches,
                    rows[k].flops / 1e6, fmt_bytes(rows[k].bytes, b, sizeof b),
                    rows[k].measured_s > 0 ? fmt_seconds(rows[k].measured_s, t, sizeof t) : "not recorded", share,
                    rows[k].model_s > 0 ? fmt_seconds(rows[k].model_s, m, sizeof m) : "—",
                    rows[k].probe_s > 0 ? fmt_seconds(rows[k].probe_s, p, sizeof p) : "—", roof);
        }
        fprintf(out, "\n");
    }
    fprintf(out, "Per training step: measured = the profiler's device time (OpenCL event START to END) summed over the\n"
                 "step's launches of that kernel; share = of the step's total kernel time. Predicted = the same roofline\n"
                 "as section 3, launch by launch. %% of its roof = the measured model's time without launch overhead ÷\n"
                 "the measured device time; above %.0f %% the probe measured too low (under load, say), and the\n"
                 "device's next run measures it again.\n\n",
            100.0 * CLMLP_ROOF_TOLERANCE);
}

int clmlp_compare_write_md(FILE *out, const clmlp_compare *c)
{
    write_header(out, c);
    write_measured(out, c);
    write_chain(out, c);
    write_trust(out, c);
    write_models(out, c);
    write_kernels(out, c);
    clmlp_compare_write_extrapolation_md(out, c, 6);
    return ferror(out) ? -1 : 0;
}
