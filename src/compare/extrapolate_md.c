/* The extrapolation section of compare.md (and `clmlp extrapolate`): the
 * seed's arithmetic with its units put right, then time, data, memory and
 * money at N_train / N_test images per measured device and device model,
 * then the device counts again with a gradient all-reduce per step. */
#include <math.h>
#include <string.h>

#include "clmlp/compare.h"
#include "format.h"

static void write_seed(FILE *out, const clmlp_compare *c)
{
    const clmlp_seed_arith *s = &c->seed;
    char scale[48], cpu[48], tpu[48], f[48], cpu_h[64];
    fprintf(out, "### The seed's arithmetic, and its units\n\n");
    fprintf(out, "The seed timed its whole TF1 run, %.0f s for %s training images × %d epochs on a 2.3 GHz i5, scaled it\n"
                 "by %s ÷ %s = %s and divided by its assumed TPU-over-CPU factor %s (= 14 × 768) and by 3600:\n\n",
            s->run_seconds, fmt_count(CLMLP_SEED_TRAIN_IMAGES, scale, sizeof scale), CLMLP_SEED_EPOCHS,
            fmt_count(c->cfg.extrapolate.train_images, cpu, sizeof cpu),
            fmt_count(CLMLP_SEED_TRAIN_IMAGES, tpu, sizeof tpu), fmt_count(s->scale, f, sizeof f),
            fmt_factor(s->speedup, cpu_h, sizeof cpu_h));
    fmt_count(s->scale, scale, sizeof scale);
    fmt_count(s->speedup, f, sizeof f);
    fprintf(out, "    %.0f s × %s ÷ (%s × 3600) = %.2f\n\n", s->run_seconds, scale, f, s->tpu_hours);
    char cpu_s[48];
    fprintf(out, "and called the result %.2f **seconds**. The units say otherwise: %.0f s × %s = %s CPU-seconds;\n"
                 "÷ %s = %s TPU-seconds; ÷ 3600 s/h = **%.2f hours**. Dividing by 3600 turns seconds into hours. On\n"
                 "its own assumptions one TPU needs %.2f h, not %.1f s, and the i5 alone %s; and that is before the\n"
                 "test set and before reading the data, which it left out.\n\n",
            s->tpu_hours, s->run_seconds, scale, fmt_count(round(s->cpu_seconds), cpu_s, sizeof cpu_s), f,
            fmt_count(round(s->tpu_seconds), tpu, sizeof tpu), s->tpu_hours, s->tpu_hours, s->tpu_hours,
            fmt_hours(s->cpu_seconds / 3600, cpu_h, sizeof cpu_h));
}

/* The seed's factor applied to what a CPU here measured, beside the models. */
static void write_seed_on_measurement(FILE *out, const clmlp_compare *c)
{
    for (int i = 0; i < c->n_rows; i++) {
        const clmlp_extrap_row *row = &c->rows[i];
        if (!row->measured || c->runs[row->index].cls != CLMLP_CLASS_CPU)
            continue;
        char a[64], b[64];
        fprintf(out, "The seed's chain applied to clmlp's measurement instead of its 135 s: training on `%s` takes\n"
                     "%s of device time; ÷ 10 752 gives %s for the seed's \"TPU\". Compare the accelerator rows\n"
                     "below, which come from the roofline of this plan on datasheet figures.\n\n",
                c->runs[row->index].spec, fmt_hours(row->out.train_compute_h, a, sizeof a),
                fmt_hours(row->out.train_compute_h / CLMLP_SEED_TPU_PER_CPU, b, sizeof b));
        return;
    }
}

static bool is_svm(const clmlp_compare *c)
{
    return c->cfg.model.kind == CLMLP_MODEL_SVM || c->runs[c->baseline].run.kind == CLMLP_MODEL_SVM;
}

/* An SVM's cost is not a per-image constant: the rows scale one measured
 * training linearly, which only bounds it from below. */
static void write_svm_note(FILE *out, const clmlp_compare *c)
{
    if (!is_svm(c))
        return;
    char n[48];
    fprintf(out, "**An SVM** (`model.kind: svm`): the rows below scale one training of %s images linearly to\n"
                 "N_train, with E = 1 (an SVM trains once, with no epochs). That is a lower bound: SMO's work grows\n"
                 "faster than the training set (kernel rows × iterations), and predicting a test image costs a kernel\n"
                 "value per support vector, whose number grows with the training set too. `clmlp sweep CONFIG --over\n"
                 "data.train.limit=...` measures how both grow, fits the laws and carries them to N_train.\n\n",
            fmt_count((double)c->runs[c->baseline].run.train_count, n, sizeof n));
}

static void row_name(const clmlp_compare *c, const clmlp_extrap_row *row, char *buf, size_t cap)
{
    if (row->measured)
        snprintf(buf, cap, "%d: `%s`", row->index, c->runs[row->index].spec);
    else
        snprintf(buf, cap, "%s", c->models[row->index].id);
}

/* "**6 700 h**" when this part bounds the phase. */
static const char *bold_if(bool bound, const char *text, char *buf, size_t cap)
{
    snprintf(buf, cap, bound ? "**%s**" : "%s", text);
    return buf;
}

static void write_table(FILE *out, const clmlp_compare *c)
{
    const clmlp_config *cfg = &c->cfg;
    fprintf(out, "### Time, devices and cost\n\n");
    fprintf(out, "| device | source | train µs/image | eval µs/image | train compute | reading train data | eval compute | "
                 "reading test data | total device-hours | devices for %g h | wall time | cost |\n"
                 "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
            cfg->extrapolate.target_hours);
    for (int i = 0; i < c->n_rows; i++) {
        const clmlp_extrap_row *row = &c->rows[i];
        const clmlp_scale *o = &row->out;
        char name[CLMLP_NAME_MAX + 16], tc[64], tr[64], ec[64], er[64], tot[64], wall[64], usd[48], dev[48];
        char b1[80], b2[80], b3[80], b4[80];
        row_name(c, row, name, sizeof name);
        fmt_hours(o->train_compute_h, tc, sizeof tc);
        fmt_hours(o->train_read_h, tr, sizeof tr);
        fmt_hours(o->eval_compute_h, ec, sizeof ec);
        fmt_hours(o->eval_read_h, er, sizeof er);
        fprintf(out, "| %s | %s | %.3g | %.3g | %s | %s | %s | %s | %s | %s | %s | %s |\n", name,
                row->measured ? "measured" : "*modeled*", row->in.train_s_per_image * 1e6,
                row->in.eval_s_per_image * 1e6, bold_if(!o->train_read_bound, tc, b1, sizeof b1),
                bold_if(o->train_read_bound, tr, b2, sizeof b2), bold_if(!o->eval_read_bound, ec, b3, sizeof b3),
                bold_if(o->eval_read_bound, er, b4, sizeof b4), fmt_hours(o->total_h, tot, sizeof tot),
                fmt_count((double)o->devices, dev, sizeof dev), fmt_hours(o->wall_h, wall, sizeof wall),
                row->in.usd_per_hour > 0 ? fmt_usd(o->usd, usd, sizeof usd) : "unknown $/h");
    }
    fprintf(out, "\nµs/image: a training step ÷ batch (measured: the median training time over the rounds ÷ steps;\n"
                 "modeled: the device model's roofline on this plan), or evaluation ÷ images. Compute = µs/image × N_train × E (train) or × N_test (eval); reading = %g B/image ×\n"
                 "N (× E for training) ÷ %g GB/s (`extrapolate.storage_read_gbps`, per device). The larger of the two bounds\n"
                 "each phase (**bold**). Total = train + eval on one device; devices = ⌈total ÷ %g h⌉ with perfect\n"
                 "data-parallel scaling (no gradient all-reduce cost, each device reading its own shard); wall time =\n"
                 "total ÷ devices; cost = total device-hours × $/hour (the device model's, or `extrapolate.usd_per_hour`),\n"
                 "the same for any device count.\n\n",
            c->bytes_per_image, cfg->extrapolate.storage_read_gbps, cfg->extrapolate.target_hours);
}

/* A per-image cost from a round of a few milliseconds, scaled by 1e6 or
 * more, carries that round's noise into every hour of the table. */
static void write_short_note(FILE *out, const clmlp_compare *c)
{
    char list[CLMLP_COMPARE_MAX_DEVICES * (CLMLP_NAME_MAX + 64)];
    if (fmt_short_rounds(c, list, sizeof list))
        fprintf(out, "**Short rounds**: %s per round (median), below `compare.min_round_seconds` (%g s): their\n"
                     "µs/image, and every hour above built on it, carry those runs' timing noise. Measure again with\n"
                     "more `training.epochs` or a bigger `data.train.limit`.\n\n",
                list, c->cfg.compare.min_round_seconds);
}

/* ---- with communication ---- */

static const char *link_source(const clmlp_link *l)
{
    return l->bytes_per_s <= 0 ? "perfect scaling (no communication)" : l->measured ? "**measured**" : "*modeled*";
}

/* "12 345", with a dagger past the global batch: less than an image per device. */
static const char *fmt_devices(const clmlp_compare *c, int64_t n, char *buf, size_t cap)
{
    char count[48];
    snprintf(buf, cap, "%s%s", fmt_count((double)n, count, sizeof count),
             (double)n > c->comm.global_batch ? " †" : "");
    return buf;
}

static const char *fmt_saturation(const clmlp_compare *c, const clmlp_comm_scale *o, char *buf, size_t cap)
{
    char n[48];
    if (o->saturation_devices == 0)
        snprintf(buf, cap, "not up to %s", fmt_count(CLMLP_COMM_MAX_DEVICES, n, sizeof n));
    else
        snprintf(buf, cap, "N ≈ %s", fmt_devices(c, o->saturation_devices, n, sizeof n));
    return buf;
}

/* The device count and wall time cells: the least N for the target, or
 * "unreachable" and the least wall time any N reaches. */
static void fmt_comm_cells(const clmlp_compare *c, const clmlp_comm_scale *o, char *dev, char *wall, size_t cap)
{
    char n[48], h[64];
    fmt_devices(c, o->devices, n, sizeof n);
    fmt_hours(o->wall_h, h, sizeof h);
    if (o->reachable) {
        snprintf(dev, cap, "%s", n);
        snprintf(wall, cap, "%s", h);
    } else {
        snprintf(dev, cap, "**unreachable**");
        /* Without a latency term the wall time falls towards a floor as N grows. */
        if (o->devices >= CLMLP_COMM_MAX_DEVICES)
            snprintf(wall, cap, "≥ %s: its floor as N grows", h);
        else
            snprintf(wall, cap, "≥ %s, at N = %s", h, n);
    }
}

/* "**nvlink** (*modeled*: 450 GB/s per direction per device, 3 µs per ring step; ...)" */
static const char *describe_link(const clmlp_compare *c, const clmlp_link *l, char *buf, size_t cap)
{
    char lat[48];
    if (l->bytes_per_s <= 0)
        snprintf(buf, cap, "**%s**, perfect scaling (no communication)", l->name);
    else if (!l->measured)
        snprintf(buf, cap, "**%s** (*modeled*: %.3g GB/s per direction per device, %s per ring step; %s)", l->name,
                 l->bytes_per_s / 1e9, fmt_seconds(l->latency_s, lat, sizeof lat),
                 strcmp(l->name, "custom") == 0 ? "`extrapolate.link_gbps`, `link_latency_us`"
                                                : "nominal figures, not measured here");
    else
        snprintf(buf, cap, "**%s** (effective %.3g GB/s, fitted to the MPI all-reduce of run %d's %d ranks, latency "
                 "folded in)", l->name, l->bytes_per_s / 1e9, c->comm.mpi_run, c->runs[c->comm.mpi_run].mpi.ranks);
    return buf;
}

static void write_comm_intro(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_comm *k = &c->comm;
    const clmlp_config *cfg = &c->cfg;
    const clmlp_comm_in *in = &c->rows[k->row].comm_in;
    char bytes[48], mib[48], params[48], images[48], steps[48], budget[48];
    fprintf(out, "### Devices with the gradient all-reduce\n\n");
    fprintf(out, "The table above scales perfectly. Data-parallel training all-reduces the gradients once per\n"
                 "global step: %s B (%s; %s parameters as float32, the plan's gradient region)\n"
                 "at the global batch of `training.batch_size` = %g, so S = %s × %d ÷ %g = %s\n"
                 "sequential steps. On N devices a step takes compute ÷ N + t(N), the ring all-reduce\n"
                 "t(N) = 2(N−1)/N × bytes ÷ bandwidth + 2(N−1) × latency (t(1) = 0); evaluation needs none and\n"
                 "scales perfectly.",
            fmt_count(k->gradient_bytes, bytes, sizeof bytes), fmt_bytes(k->gradient_bytes, mib, sizeof mib),
            fmt_count(k->parameters, params, sizeof params), k->global_batch,
            fmt_count(cfg->extrapolate.train_images, images, sizeof images), c->epochs, k->global_batch,
            fmt_count(in->steps, steps, sizeof steps));
    if (in->steps > 0)
        fprintf(out, " In %g h the S steps leave %s each.", cfg->extrapolate.target_hours,
                fmt_seconds(cfg->extrapolate.target_hours * 3600 / in->steps, budget, sizeof budget));
    fprintf(out, "\n\n");
}

/* Every row on the chosen link, beside its perfect scaling. */
static void write_comm_rows(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_comm *k = &c->comm;
    const clmlp_link *l = &k->links[k->link];
    const char *how = c->cfg.extrapolate.interconnect == CLMLP_LINK_AUTO
                          ? (k->mpi_run >= 0 ? "auto: an MPI run's all-reduce is at hand" : "auto: no MPI run measured")
                          : "chosen";
    char desc[256];
    fprintf(out, "Interconnect (`extrapolate.interconnect`, %s):\n%s.\n\n", how, describe_link(c, l, desc, sizeof desc));
    fprintf(out, "| device | source | perfect scaling (no communication): devices | wall time | with %s: devices for "
                 "%g h | wall time | all-reduce share of a step | stops scaling (efficiency < 50 %%) |\n"
                 "|---|---|--:|--:|--:|--:|--:|--:|\n",
            l->name, c->cfg.extrapolate.target_hours);
    for (int i = 0; i < c->n_rows; i++) {
        const clmlp_extrap_row *row = &c->rows[i];
        char name[CLMLP_NAME_MAX + 16], pd[48], pw[64], dev[160], wall[160], sat[64];
        row_name(c, row, name, sizeof name);
        fmt_comm_cells(c, &row->comm, dev, wall, sizeof dev);
        fprintf(out, "| %s | %s | %s | %s | %s | %s | %.0f %% | %s |\n", name,
                row->measured ? "measured" : "*modeled*", fmt_devices(c, row->out.devices, pd, sizeof pd),
                fmt_hours(row->out.wall_h, pw, sizeof pw), dev, wall, 100 * row->comm.allreduce_share,
                fmt_saturation(c, &row->comm, sat, sizeof sat));
    }
    fprintf(out, "\n");
}

/* The baseline's row on every link. */
static void write_comm_links(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_comm *k = &c->comm;
    const clmlp_extrap_row *row = &c->rows[k->row];
    char name[CLMLP_NAME_MAX + 16], step[48];
    row_name(c, row, name, sizeof name);
    fprintf(out, "Every interconnect, for %s (one global step of %g images: %s on one device):\n\n", name,
            k->global_batch, fmt_seconds(row->comm_in.step_s, step, sizeof step));
    fprintf(out, "| interconnect | source | bandwidth per direction | latency per ring step | all-reduce at N = 8 | "
                 "devices for %g h | wall time | all-reduce share of a step | stops scaling (efficiency < 50 %%) |\n"
                 "|---|---|--:|--:|--:|--:|--:|--:|--:|\n",
            c->cfg.extrapolate.target_hours);
    for (int i = 0; i < k->n_links; i++) {
        const clmlp_link *l = &k->links[i];
        const clmlp_comm_scale *o = &k->per_link[i];
        char bw[48] = "–", lat[48] = "–", t8[48] = "0", dev[160], wall[160], sat[64];
        if (l->bytes_per_s > 0) {
            fmt_seconds(clmlp_allreduce_seconds(l, 8, k->gradient_bytes), t8, sizeof t8);
            snprintf(bw, sizeof bw, "%.3g GB/s%s", l->bytes_per_s / 1e9, l->measured ? " (effective)" : "");
            if (l->measured)
                snprintf(lat, sizeof lat, "in the bandwidth");
            else
                fmt_seconds(l->latency_s, lat, sizeof lat);
        }
        fmt_comm_cells(c, o, dev, wall, sizeof dev);
        fprintf(out, "| %s%s | %s | %s | %s | %s | %s | %s | %.0f %% | %s |\n", l->name, i == k->link ? " (chosen)" : "",
                link_source(l), bw, lat, t8, dev, wall, 100 * o->allreduce_share, fmt_saturation(c, o, sat, sizeof sat));
    }
    fprintf(out, "\n");
}

/* Where the measured links come from, and what the fit assumes. */
static void write_mpi_note(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_comm *k = &c->comm;
    if (k->mpi_run < 0)
        return;
    const clmlp_compare_run *r = &c->runs[k->mpi_run];
    const clmlp_mpi_measure *m = &r->mpi;
    char b[48], med[48], lo[48], hi[48], own[48], images[48];
    fprintf(out, "- **Measured** (run %d, an MPI run of %d ranks): its all-reduce of %s B took %s per step (median;\n"
                 "  fastest %s, slowest %s; %.0f %% of training). Solving t = 2(n−1)/n × bytes ÷ bandwidth for the\n"
                 "  bandwidth, with the latency term taken as 0, gives the effective bandwidths above (median step:\n"
                 "  `measured`; fastest step: `measured-fastest`). They hold at that size and rank count; the same\n"
                 "  formula without latency predicts other N, so large N come out optimistic. A rank's all-reduce time\n"
                 "  includes waiting for the slowest rank, and ranks on one host talk through memory, not a network.\n",
            k->mpi_run, m->ranks, fmt_count(m->bytes_per_step, b, sizeof b),
            fmt_seconds(m->seconds_per_step_median, med, sizeof med), fmt_seconds(m->seconds_per_step_min, lo, sizeof lo),
            fmt_seconds(m->seconds_per_step_max, hi, sizeof hi), 100 * m->share_of_train);
    if (m->device_train_s_per_image > 0)
        fprintf(out, "- The measured row's µs/image is one device's: the slowest rank's compute (training less all-reduce\n"
                     "  seconds, %s) × %d ranks ÷ the run's %s images, %.3g µs (the run's own wall time per image, all\n"
                     "  ranks together: %.3g µs).\n",
                fmt_seconds(m->rank_compute_s, own, sizeof own), m->ranks,
                fmt_count(m->rank_compute_s * m->ranks / m->device_train_s_per_image, images, sizeof images),
                r->train_s_per_image * 1e6, r->run_train_s_per_image * 1e6);
}

static void write_comm_notes(FILE *out, const clmlp_compare *c)
{
    const clmlp_compare_comm *k = &c->comm;
    const clmlp_extrap_row *row = &c->rows[k->row];
    const clmlp_link *l = &k->links[k->link];
    char steps[48], budget[48], name[CLMLP_NAME_MAX + 16];
    fprintf(out, "- *Modeled* links are nominal figures, not measured here: NVLink 4 (H100/H200 SXM) 450 GB/s each way\n"
                 "  and ~3 µs; InfiniBand NDR, 400 Gb/s = 50 GB/s and ~2 µs; 100 GbE, 12.5 GB/s and ~20 µs. One NVLink\n"
                 "  domain is 8 GPUs (256 with the NVLink Switch System): a longer ring on NVLink alone is a bound.\n"
                 "- The ring's latency term grows with N (2(N−1) steps); libraries such as NCCL switch to trees at\n"
                 "  scale, so at large N the modeled latency is pessimistic. Efficiency = (compute ÷ N) ÷ (compute ÷ N\n"
                 "  + t(N)): \"stops scaling\" is the least N where the all-reduce takes half of every step.\n"
                 "- † N above the global batch (%g) leaves a device less than one image per step: the formula's N,\n"
                 "  not a split that runs. A larger global batch (`training.batch_size`) means fewer steps, and a\n"
                 "  different optimization, which this does not model.\n",
            k->global_batch);
    write_mpi_note(out, c);
    /* Why no N will do: the steps are sequential, and the fastest step is too slow. */
    if (!row->comm.reachable && l->bytes_per_s > 0 && row->comm_in.steps > 0) {
        const clmlp_comm_scale *o = &row->comm;
        char n[80], step[48], compute[48], ar[48];
        row_name(c, row, name, sizeof name);
        if (o->fastest_devices >= CLMLP_COMM_MAX_DEVICES)
            snprintf(n, sizeof n, "as N grows a step tends to");
        else
            snprintf(n, sizeof n, "at the best N (%s) a step takes", fmt_devices(c, o->fastest_devices, step, sizeof step));
        fprintf(out, "- With `%s`, no number of devices finishes in %g h (%s): its %s steps leave %s\n"
                     "  each; %s %s (compute %s + all-reduce %s).\n",
                l->name, c->cfg.extrapolate.target_hours, name, fmt_count(row->comm_in.steps, steps, sizeof steps),
                fmt_seconds(c->cfg.extrapolate.target_hours * 3600 / row->comm_in.steps, budget, sizeof budget), n,
                fmt_seconds(row->comm_in.step_s / (double)o->fastest_devices + o->allreduce_s, step, sizeof step),
                fmt_seconds(row->comm_in.step_s / (double)o->fastest_devices, compute, sizeof compute),
                fmt_seconds(o->allreduce_s, ar, sizeof ar));
    }
    fprintf(out, "\n");
}

static void write_comm(FILE *out, const clmlp_compare *c)
{
    if (is_svm(c)) {
        fprintf(out, "### Devices with communication\n\nNot modeled for an SVM: the all-reduce model is that of "
                     "data-parallel gradient descent, and an SVM has no gradient to all-reduce.\n\n");
        return;
    }
    if (c->n_rows == 0)
        return;
    write_comm_intro(out, c);
    if (c->comm.link < 0)
        fprintf(out, "Interconnect `measured`: no MPI run's all-reduce to fit; every other interconnect follows.\n\n");
    else
        write_comm_rows(out, c);
    write_comm_links(out, c);
    if (c->comm.link >= 0)
        write_comm_notes(out, c);
}


static double smallest_memory(const clmlp_compare *c)
{
    double least = 0;
    for (int m = 0; m < c->n_models; m++)
        if (least == 0 || c->models[m].memory_gib < least)
            least = c->models[m].memory_gib;
    return least;
}

static void write_memory(FILE *out, const clmlp_compare *c)
{
    const clmlp_config *cfg = &c->cfg;
    const clmlp_compare_run *base = &c->runs[c->baseline];
    double train_b = cfg->extrapolate.train_images * c->bytes_per_image;
    double test_b = cfg->extrapolate.test_images * c->bytes_per_image;
    double once_h = train_b / (cfg->extrapolate.storage_read_gbps * 1e9) / 3600;
    char a[64], b[64], h1[64], h2[64], p[48], per[48], ord[64];
    fprintf(out, "### Data, memory and storage\n\n");
    fprintf(out, "- Data as stored (uint8 pixels + a label byte, %g B per image): training %s, test %s. Reading the\n"
                 "  training set once at %g GB/s takes %s; E = %d epochs, %s.\n",
            c->bytes_per_image, fmt_bytes(train_b, a, sizeof a), fmt_bytes(test_b, b, sizeof b),
            cfg->extrapolate.storage_read_gbps, fmt_hours(once_h, h1, sizeof h1), c->epochs,
            fmt_hours(once_h * c->epochs, h2, sizeof h2));
    if (is_svm(c))
        fprintf(out, "- Device memory of an SVM grows with N: the training set and the support vectors live on the\n"
                     "  device; the kernel values of a binary problem are held to `model.cache_mb` (%s here),\n"
                     "  computed row by row beyond it.\n",
                fmt_bytes((double)base->run.svm.cache_bytes, p, sizeof p));
    else
        fprintf(out,
                "- Device memory does not grow with N: the plan's %s (parameters, gradients, Adam m and v, one batch's\n"
                "  activations, the evaluation arena) plus the double-buffered chunks the training set streams through\n"
                "  (`data.stream`). Every device model here has far more (the smallest: %g GiB).\n",
                fmt_bytes((double)base->run.device_plan_bytes, p, sizeof p), smallest_memory(c));
    fmt_bytes((cfg->extrapolate.train_images + cfg->extrapolate.test_images) * 8.0, per, sizeof per);
    fmt_count(4294967295.0, ord, sizeof ord);
    fprintf(out, "- The %s of data live on host storage. clmlp as built would not run at this size: its loader reads a\n"
                 "  whole set into RAM, the test set is not streamed, per-example buffers (epoch order and losses, test\n"
                 "  order and predictions: 8 B per image, %s here) grow with N, and 32-bit example indices stop at\n"
                 "  %s images. The table assumes a streaming loader that removes these limits; its hours are the\n"
                 "  device's and the storage's, not today's code.\n\n",
            fmt_bytes(train_b + test_b, a, sizeof a), per, ord);
}

int clmlp_compare_write_extrapolation_md(FILE *out, const clmlp_compare *c, int section)
{
    const clmlp_config *cfg = &c->cfg;
    char a[48], b[48];
    fprintf(out, "## %d. Extrapolation to N_train = %s training and N_test = %s test images, E = %d epoch%s\n\n",
            section, fmt_count(cfg->extrapolate.train_images, a, sizeof a),
            fmt_count(cfg->extrapolate.test_images, b, sizeof b), c->epochs, c->epochs == 1 ? "" : "s");
    write_svm_note(out, c);
    write_seed(out, c);
    write_seed_on_measurement(out, c);
    write_table(out, c);
    write_short_note(out, c);
    write_comm(out, c);
    write_memory(out, c);
    return ferror(out) ? -1 : 0;
}
