/* compare.md: the comparison for a reader who has not read the issue. One
 * function per section; the extrapolation section is extrapolate_md.c. */
#include <math.h>
#include <string.h>

#include "clmlp/compare.h"
#include "format.h"

static void write_header(FILE *out, const clmlp_compare *c)
{
    const clmlp_config *cfg = &c->cfg;
    const clmlp_compare_run *base = &c->runs[c->baseline];
    char layers[256], a[48], b[48];
    clmlp_config_layers(cfg, base->run.input_dim ? base->run.input_dim : cfg->model.input, layers, sizeof layers);
    fprintf(out, "# clmlp compare: %s on %d device%s\n\n", cfg->name, c->n_runs, c->n_runs == 1 ? "" : "s");
    fprintf(out, "The same experiment (`%s`) ran on every device in turn, each in a fresh OpenCL context: the same\n"
                 "data, seeds and compiled plan. Model %s (%s), %s lr %g, batch %d, %d epoch%s of %d steps,\n"
                 "%s training and %s test images. Started %s.\n\n",
            cfg->source_path[0] ? cfg->source_path : cfg->name, layers, clmlp_activation_name(cfg->model.activation),
            clmlp_optimizer_name(cfg->training.optimizer), cfg->training.lr, cfg->training.batch_size,
            base->run.epochs_done, base->run.epochs_done == 1 ? "" : "s", base->run.steps_per_epoch,
            fmt_count((double)base->run.train_count, a, sizeof a), fmt_count((double)base->run.test_count, b, sizeof b),
            c->started);
}

static void write_measured(FILE *out, const clmlp_compare *c)
{
    char t[48], ti[48], ei[48], sp[48];
    fprintf(out, "## 1. Measured on this machine\n\n");
    fprintf(out, "| # | device (spec) | class | CUs | train s/epoch | train img/s | eval img/s | test accuracy | speedup |\n");
    fprintf(out, "|---|---|---|--:|--:|--:|--:|--:|--:|\n");
    int flagged = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        snprintf(t, sizeof t, "%.3f", r->train_s_per_epoch);
        fmt_count(round(r->train_images_per_s), ti, sizeof ti);
        fmt_count(round(r->eval_images_per_s), ei, sizeof ei);
        snprintf(sp, sizeof sp, "%.2f×", r->speedup);
        fprintf(out, "| %d | %s (`%s`) | %s | %u | %s | %s | %s | %.2f %%%s | %s%s |\n", i, r->run.device.name, r->spec,
                clmlp_device_class_name(r->cls), r->run.device.compute_units, t, ti, ei, 100.0 * r->run.accuracy,
                r->accuracy_flagged ? " **(!)**" : "", sp, i == c->baseline ? " (baseline)" : "");
        flagged += r->accuracy_flagged;
    }
    fprintf(out, "\nSpeedup = the baseline's train seconds per epoch ÷ the device's (wall time of the epochs, all\n"
                 "device work included). Eval img/s covers the whole test set in batches of %d. One run each: on a\n"
                 "shared machine repeat a comparison to see the spread.\n",
            c->cfg.training.eval_batch_size);
    if (flagged)
        fprintf(out, "**(!)** %d device%s differ from the baseline's accuracy by more than %.2f points "
                     "(compare.accuracy_tolerance): same data, seed and plan should agree to fp rounding; look for a "
                     "device or driver bug.\n",
                flagged, flagged == 1 ? "" : "s", 100.0 * c->cfg.compare.accuracy_tolerance);
    else
        fprintf(out, "Accuracy: every device is within %.2f points of the baseline (compare.accuracy_tolerance).\n",
                100.0 * c->cfg.compare.accuracy_tolerance);
    fprintf(out, "\n| # | device memory: plans (parameters, gradients, Adam m and v, a training and an eval batch) | "
                 "data set on the device | run buffers (order, losses, predictions) | allocated on the device | "
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
    fprintf(out, "\nThe devices run one after another in one process, so a later device's host peak includes the earlier\n"
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
        char a[48], b[48], f[48];
        fprintf(out, "%s- %s → %s: the models say %s to %s on this plan; the seed assumed %s.\n", any ? "" : "\n",
                clmlp_device_class_name(l->from), clmlp_device_class_name(l->to), fmt_factor(lo, a, sizeof a),
                fmt_factor(hi, b, sizeof b), fmt_factor(l->seed_factor, f, sizeof f));
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
    fprintf(out, "| link | the seed assumed | measured here | modeled (roofline of this plan, %s) |\n|---|--:|---|---|\n",
            clmlp_precision_name(c->cfg.extrapolate.precision));
    for (int i = 0; i < c->n_chain; i++) {
        const clmlp_chain_link *l = &c->chain[i];
        fprintf(out, "| %s → %s | ", clmlp_device_class_name(l->from), clmlp_device_class_name(l->to));
        if (l->seed_factor > 0)
            fprintf(out, "%s | ", fmt_factor(l->seed_factor, f, sizeof f));
        else
            fprintf(out, "— | ");
        if (l->measured)
            fprintf(out, "**%s** (%s → %s) | ", fmt_factor(l->measured_factor, f, sizeof f), c->runs[l->from_run].spec,
                    c->runs[l->to_run].spec);
        else
            fprintf(out, "not measured here (no %s device ran) | ", clmlp_device_class_name(missing_class(c, l)));
        if (!l->n_modeled)
            fprintf(out, "no device model |");
        for (int k = 0; k < l->n_modeled; k++) {
            const char *m1 = c->models[l->modeled[k].from_model].id, *m2 = c->models[l->modeled[k].to_model].id;
            if (l->from == l->to)
                fprintf(out, "%s%s (%s on %u vs %u units)", k ? "; " : "", fmt_factor(l->modeled[k].factor, f, sizeof f),
                        m1, c->runs[l->from_run].run.device.compute_units, c->runs[l->to_run].run.device.compute_units);
            else
                fprintf(out, "%s%s → %s: %s", k ? "; " : "", m1, m2, fmt_factor(l->modeled[k].factor, f, sizeof f));
        }
        fprintf(out, "%s\n", l->n_modeled ? " *(modeled)* |" : "");
    }
    write_chain_summary(out, c);
    char fl[48], by[48];
    snprintf(fl, sizeof fl, "%.1f", base->run.flops_per_step / 1e6);
    fprintf(out, "\nMeasured = train seconds per epoch of the link's first device ÷ its second's (cpu → cpu: the slower\n"
                 "÷ the faster). *Modeled* = the ratio of the roofline-predicted training-step times (section 4) of this\n"
                 "experiment's plan: %d launches, %s MFLOP and %s moved per step. Modeled figures are predictions\n"
                 "from datasheet numbers, not measurements; section 3 shows how far they are from the measurements\n"
                 "where a device is present. The seed's 14× and 768× came from a vendor blog and a press quote about\n"
                 "other models; its 10 752× is their product.\n\n",
            base->run.launches_per_step, fl, fmt_bytes(base->run.bytes_per_step, by, sizeof by));
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
    fprintf(out, "| # | device | roofline from | predicted step (compute + memory + launches) | measured step | error |\n"
                 "|---|---|---|---|--:|--:|\n");
    int models = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        char from[160];
        if (r->model >= 0) {
            const clmlp_devmodel *d = &c->models[r->model];
            snprintf(from, sizeof from, "device model `%s` (%u of %d units)", d->id, r->run.device.compute_units,
                     d->compute_units);
            trust_row(out, i, r, from, &r->pred_step);
            models++;
        } else {
            char m[48];
            fprintf(out, "| %d | %s | no device model matches (add a configs/devices file with `match:`) | — | %s | — |\n",
                    i, r->run.device.name, fmt_seconds(r->step_s, m, sizeof m));
        }
        if (r->probed) {
            snprintf(from, sizeof from, "probe: %.0f GFLOP/s SGEMM, %.1f GB/s copy, %.1f µs launch%s",
                     r->run.probe.gemm_gflops, r->run.probe.copy_gbps, r->run.probe.launch_us,
                     r->run.probe.from_cache ? " (cached)" : "");
            trust_row(out, i, r, from, &r->probe_step);
        }
    }
    fprintf(out, "\nPredicted = Σ over the plan's launches of max(FLOPs ÷ peak, bytes ÷ bandwidth) + launch overhead. The\n"
                 "device model's row uses its datasheet fp32 peak (scaled to the device's compute units), the same\n"
                 "method as every *modeled* figure above and below; the probe's row uses peaks measured on the device\n"
                 "itself (`profile.probe`: best SGEMM rate, copy bandwidth, launch cost), so its error is the roofline\n"
                 "method's own. Error = (predicted − measured) ÷ measured; negative = optimistic. The roofline knows\n"
                 "no caches: a kernel whose data stay in cache (section 5: Adam's %s of state on a CPU) beats the\n"
                 "memory-bandwidth roof, and a small kernel may not reach the compute roof. Read the modeled links\n"
                 "and rows with the device model's error in mind%s.\n\n",
            state, models ? "" : " (no present device has a device model here, so it is unchecked)");
}

static void write_models(FILE *out, const clmlp_compare *c)
{
    fprintf(out, "## 4. Device models (`configs/devices/*.yaml`, each figure's source in the file)\n\n");
    fprintf(out, "| model | class | peak GFLOP/s fp32 / fp16 / bf16 | memory GB/s | memory GiB | launch µs | $/hour | "
                 "predicted step (%s) | launches bound by compute / memory |\n|---|---|---|--:|--:|--:|--:|--:|---|\n",
            clmlp_precision_name(c->cfg.extrapolate.precision));
    for (int m = 0; m < c->n_models; m++) {
        const clmlp_devmodel *d = &c->models[m];
        const clmlp_model_prediction *p = &c->predictions[m];
        char step[48], usd[48], peaks[3][32];
        for (int k = 0; k < CLMLP_PREC_COUNT; k++)
            if (d->peak_gflops[k] > 0)
                fmt_count(round(d->peak_gflops[k]), peaks[k], sizeof peaks[k]);
            else
                snprintf(peaks[k], sizeof peaks[k], "–");
        char bound[96] = "—", ov[48];
        if (p->ok)
            snprintf(bound, sizeof bound, "%d / %d, launch overhead %s", p->step.compute_bound, p->step.memory_bound,
                     fmt_seconds(p->step.overhead_s, ov, sizeof ov));
        fprintf(out, "| %s: %s | %s | %s / %s / %s | %g | %g | %g | %s | %s | %s |\n", d->id, d->name,
                clmlp_device_class_name(d->kind), peaks[0], peaks[1], peaks[2], d->memory_bandwidth_gbps, d->memory_gib,
                d->launch_overhead_us, d->usd_per_hour > 0 ? fmt_usd(d->usd_per_hour, usd, sizeof usd) : "unknown",
                p->ok ? fmt_seconds(p->step.seconds, step, sizeof step) : "no such peak", bound);
    }
    fprintf(out, "\n");
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
        fprintf(out, "Device %d, %s (`%s`):\n\n| kernel | launches | MFLOP | bytes | measured device time | share | "
                     "predicted: device model | predicted: probe |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
                i, r->run.device.name, r->spec);
        for (int k = 0; k < n && k < 6; k++) {
            char b[48], t[48], m[48], p[48], share[16] = "—";
            if (total > 0)
                snprintf(share, sizeof share, "%.0f %%", 100.0 * rows[k].measured_s / total);
            fprintf(out, "| %s | %d | %.2f | %s | %s | %s | %s | %s |\n", rows[k].name, rows[k].launches,
                    rows[k].flops / 1e6, fmt_bytes(rows[k].bytes, b, sizeof b),
                    rows[k].measured_s > 0 ? fmt_seconds(rows[k].measured_s, t, sizeof t) : "not recorded", share,
                    rows[k].model_s > 0 ? fmt_seconds(rows[k].model_s, m, sizeof m) : "—",
                    rows[k].probe_s > 0 ? fmt_seconds(rows[k].probe_s, p, sizeof p) : "—");
        }
        fprintf(out, "\n");
    }
    fprintf(out, "Per training step: measured = the profiler's device time (OpenCL event START to END) summed over the\n"
                 "step's launches of that kernel; share = of the step's total kernel time. Predicted = the same roofline\n"
                 "as section 3, launch by launch.\n\n");
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
