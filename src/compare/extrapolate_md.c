/* The extrapolation section of compare.md (and `clmlp extrapolate`): the
 * seed's arithmetic with its units put right, then time, data, memory and
 * money at N_train / N_test images per measured device and device model. */
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
    fprintf(out, "- Device memory does not grow with N: the plan's %s (parameters, gradients, Adam m and v, one batch's\n"
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
    write_seed(out, c);
    write_seed_on_measurement(out, c);
    write_table(out, c);
    write_short_note(out, c);
    write_memory(out, c);
    return ferror(out) ? -1 : 0;
}
