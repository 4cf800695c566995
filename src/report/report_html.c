/* report.html: the pictures of one run, rendered from report.json (and
 * trace.json's device events for the timeline), each number through the
 * parsed tree as report.md's are: the roofline of the step's kernels, a
 * step's time by kernel, the traced steps as a Gantt chart, the loss and
 * epoch times, the confusion matrix, and memory. One self-contained page. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/report.h"
#include "clmlp/svg.h"

enum { GANTT_STEPS = 3, MAX_STEP_KERNELS = 256, MAX_NAMES = 64, MAX_CLASSES = 100 };

static double num(const clmlp_jv *r, const char *path) { return clmlp_jv_number(clmlp_jv_path(r, path), 0); }
static const char *str(const clmlp_jv *r, const char *path) { return clmlp_jv_string(clmlp_jv_path(r, path), "?"); }
static double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

static bool is_true(const clmlp_jv *r, const char *path)
{
    const clmlp_jv *v = clmlp_jv_path(r, path);
    return v && v->kind == CLMLP_JV_BOOL && v->boolean;
}

static void esc(FILE *out, const char *s) { clmlp_svg_escape(out, s); }

/* config.kind "svm": one training with no epochs or steps (a report without the key is an MLP's). */
static bool is_svm(const clmlp_jv *r)
{
    return strcmp(clmlp_jv_string(clmlp_jv_path(r, "config.kind"), "mlp"), "svm") == 0;
}

/* The kernels of a training step, in launch order, and one colour per
 * kernel name shared by every chart. */
typedef struct {
    const clmlp_jv *k[MAX_STEP_KERNELS];
    int n;
    const char *names[MAX_NAMES];
    int n_names;
} step_kernels;

static int colour_of(step_kernels *s, const char *name)
{
    for (int i = 0; i < s->n_names; i++)
        if (strcmp(s->names[i], name) == 0)
            return i;
    if (s->n_names == MAX_NAMES)
        return MAX_NAMES - 1;
    s->names[s->n_names] = name;
    return s->n_names++;
}

static void collect(const clmlp_jv *r, step_kernels *s)
{
    const clmlp_jv *ks = clmlp_jv_get(r, "kernels");
    memset(s, 0, sizeof *s);
    for (size_t i = 0; ks && i < ks->count && s->n < MAX_STEP_KERNELS; i++)
        if (strcmp(str(&ks->items[i], "phase"), "train") == 0) {
            s->k[s->n++] = &ks->items[i];
            colour_of(s, str(&ks->items[i], "name"));
        }
}

/* The label's first part ("h0 = x . W0"), without the GEMM's tiling note. */
static void short_label(const clmlp_jv *k, char *buf, size_t cap)
{
    const char *l = str(k, "label");
    const char *cut = strstr(l, "  (");
    size_t n = cut ? (size_t)(cut - l) : strlen(l);
    snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), l);
}

static void source(FILE *out, const char *text)
{
    fputs("<p class=\"src\">", out);
    fputs(text, out); /* the renderer's own text: fixed markup, no data */
    fputs("</p>\n", out);
}

static void model_mlp(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *layers = clmlp_jv_path(r, "config.layers");
    for (size_t i = 0; layers && i < layers->count; i++)
        fprintf(out, "%s%.0f", i ? "-" : "", clmlp_jv_number(&layers->items[i], 0));
    fputc(' ', out);
    esc(out, str(r, "config.activation"));
    fputs(", ", out);
    esc(out, str(r, "config.optimizer"));
    fprintf(out, " lr %g, batch %.0f, %s</li>\n", num(r, "config.lr"), num(r, "config.batch_size"),
            is_true(r, "config.fuse") ? "fused" : "unfused");
}

static void model_svm(FILE *out, const clmlp_jv *r)
{
    fputs("SVM, ", out);
    esc(out, str(r, "svm.kernel"));
    fprintf(out, " kernel, C %g, gamma %.6g (", num(r, "svm.C"), num(r, "svm.gamma"));
    esc(out, str(r, "svm.gamma_setting"));
    fprintf(out, "), one-vs-one over %.0f classes: %.0f support vectors</li>\n", num(r, "svm.classes"),
            num(r, "svm.support_vectors"));
}

static void summary(FILE *out, const clmlp_jv *r)
{
    const char *status = clmlp_jv_string(clmlp_jv_get(r, "status"), "ok");
    fputs("<p><b>Status: ", out);
    esc(out, status);
    fputs("</b></p>\n<ul>\n<li><b>Device</b>: ", out);
    esc(out, str(r, "device.name"));
    fputs(" (", out);
    esc(out, str(r, "device.type"));
    fputs(", ", out);
    esc(out, str(r, "device.platform"));
    fputs(")</li>\n<li><b>Model</b>: ", out);
    if (is_svm(r))
        model_svm(out, r);
    else
        model_mlp(out, r);
    if (clmlp_jv_path(r, "eval.accuracy")->kind == CLMLP_JV_NUMBER)
        fprintf(out, "<li><b>Accuracy</b>: %.2f %% on %.0f test images</li>\n", 100 * num(r, "eval.accuracy"),
                num(r, "eval.examples"));
    if (is_svm(r)) {
        fprintf(out, "<li><b>Train</b>: %.3f s for %.0f images (one training, no epochs), %.0f images/s</li>\n</ul>\n",
                num(r, "train.seconds"), num(r, "data.train_examples"), num(r, "train.images_per_second"));
        return;
    }
    fprintf(out, "<li><b>Train</b>: %.2f s, %.0f images/s; <b>plan</b>: %.0f launches, %.1f MFLOP and %.2f MiB "
                 "moved per step</li>\n</ul>\n",
            num(r, "train.seconds"), num(r, "train.images_per_second"), num(r, "plan.launches_per_step"),
            num(r, "plan.flops_per_step") / 1e6, mib(num(r, "plan.bytes_per_step")));
}

/* ---- roofline ---- */

/* Bandwidth levels in greys, told apart by their dashes: the colours are the kernels'. */
static const char *roof_colour(size_t level) { return (const char *[]){"#aaa", "#888", "#666", "#444", "#222"}[level % 5]; }
static const char *roof_dash(size_t level)
{
    return (const char *[]){"2 2", "6 3", "8 3 2 3", "12 3", "4 4 1 4"}[level % 5];
}

static void roofline(FILE *out, const clmlp_jv *r, step_kernels *s)
{
    /* An SVM has no steps: its training kernels' shares are of the whole training. */
    bool svm = is_svm(r);
    const char *share_of = svm ? "training" : "a step";
    fputs(svm ? "<h2>Roofline of the training kernels</h2>\n" : "<h2>Roofline of a training step</h2>\n", out);
    const clmlp_jv *p = clmlp_jv_path(r, "device.probe");
    double peak = p ? num(p, "gemm_gflops") : 0;
    const clmlp_jv *bw = p ? clmlp_jv_get(p, "bandwidth") : NULL;
    if (!(peak > 0) || !bw || bw->kind != CLMLP_JV_ARRAY || bw->count == 0 || s->n == 0) {
        source(out, "No roofline: the device's roofs were not measured (<code>profile.probe: false</code>) or "
                    "profiling was off.");
        return;
    }
    /* The axes hold every kernel with FLOPs and bytes, and every ridge. */
    double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = peak;
    for (int i = 0; i < s->n; i++) {
        double f = num(s->k[i], "flops_per_call"), b = num(s->k[i], "bytes_per_call"), g = num(s->k[i], "gflops");
        if (f > 0 && b > 0 && g > 0) {
            xmin = fmin(xmin, f / b), xmax = fmax(xmax, f / b);
            ymin = fmin(ymin, g), ymax = fmax(ymax, g);
        }
    }
    for (size_t i = 0; i < bw->count; i++) {
        double g = num(&bw->items[i], "best");
        if (g > 0)
            xmin = fmin(xmin, peak / g), xmax = fmax(xmax, peak / g);
    }
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 460, "roofline", "Roofline: GFLOP/s against FLOP per byte, log-log");
    clmlp_svg_axis_fit(&c.x, CLMLP_SVG_LOG, xmin, xmax, 70, 740);
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LOG, fmin(ymin, peak / 100), ymax * 1.5, 410, 20);
    clmlp_svg_axes(&c, "arithmetic intensity (FLOP/byte, per call)", "GFLOP/s");
    /* Each bandwidth level: y = GB/s x FLOP/byte up to the GEMM roof. */
    fputs("<g class=\"roofs\">\n", out);
    for (size_t i = 0; i < bw->count; i++) {
        const clmlp_jv *l = &bw->items[i];
        double g = num(l, "best");
        if (!(g > 0))
            continue;
        double x0 = fmax(c.x.lo, c.y.lo / g), ridge = peak / g;
        char size[32];
        double ws = num(l, "working_set_bytes");
        snprintf(size, sizeof size, ws >= 1 << 20 ? "%.0f MiB" : "%.0f KiB", ws >= 1 << 20 ? mib(ws) : ws / 1024);
        fprintf(out,
                "<path class=\"roof bw\" data-gbps=\"%.17g\" stroke=\"%s\" stroke-dasharray=\"%s\" "
                "d=\"M%.2f %.2fL%.2f %.2f\"><title>bandwidth, %s working set: %.1f GB/s (best of %.0f; median %.1f)"
                "</title></path>\n",
                g, roof_colour(i), roof_dash(i), clmlp_svg_pos(&c.x, x0), clmlp_svg_pos(&c.y, g * x0),
                clmlp_svg_pos(&c.x, ridge), clmlp_svg_pos(&c.y, peak), size, g, num(l, "n"), num(l, "median"));
        /* the legend, in the lower right where no kernel sits: a sample of the line and its level */
        double ly = 404 - 14 * (double)(bw->count - 1 - i);
        fprintf(out, "<path class=\"roof\" stroke=\"%s\" stroke-dasharray=\"%s\" d=\"M560 %.1fH586\"/>\n",
                roof_colour(i), roof_dash(i), ly - 4);
        char text[64];
        snprintf(text, sizeof text, "%s working set: %.0f GB/s", size, g);
        clmlp_svg_text(out, 590, ly, "font-size=\"10\"", text);
    }
    double ridge_min = c.x.hi;
    for (size_t i = 0; i < bw->count; i++)
        if (num(&bw->items[i], "best") > 0)
            ridge_min = fmin(ridge_min, peak / num(&bw->items[i], "best"));
    fprintf(out, "<path class=\"roof gemm\" data-gflops=\"%.17g\" stroke=\"#000\" d=\"M%.2f %.2fH%.2f\"><title>GEMM "
                 "roof: %.1f GFLOP/s</title></path>\n",
            peak, clmlp_svg_pos(&c.x, ridge_min), clmlp_svg_pos(&c.y, peak), c.x.to, peak);
    char text[64];
    snprintf(text, sizeof text, "GEMM roof %.0f GFLOP/s", peak);
    clmlp_svg_text(out, c.x.to - 4, clmlp_svg_pos(&c.y, peak) - 5, "text-anchor=\"end\"", text);
    fputs("</g>\n<g class=\"kernels\" fill-opacity=\"0.75\" stroke=\"#fff\">\n", out);
    for (int i = 0; i < s->n; i++) {
        const clmlp_jv *k = s->k[i];
        double f = num(k, "flops_per_call"), b = num(k, "bytes_per_call"), g = num(k, "gflops");
        if (!(f > 0 && b > 0 && g > 0))
            continue;
        double share = num(k, "share_of_phase_wall"), cx = clmlp_svg_pos(&c.x, f / b), cy = clmlp_svg_pos(&c.y, g);
        char label[128];
        short_label(k, label, sizeof label);
        fprintf(out,
                "<circle class=\"kernel\" data-index=\"%d\" data-flops=\"%.17g\" data-bytes=\"%.17g\" "
                "data-gflops=\"%.17g\" data-share=\"%.17g\" cx=\"%.3f\" cy=\"%.3f\" r=\"%.2f\" fill=\"%s\"><title>#%d ",
                i + 1, f, b, g, share, cx, cy, 3 + 24 * sqrt(fmax(share, 0)),
                clmlp_svg_colour(colour_of(s, str(k, "name"))), i + 1);
        esc(out, str(k, "name"));
        fputs(": ", out);
        esc(out, label);
        fprintf(out, "\n%.1f FLOP/byte, %.1f GFLOP/s, %.1f µs per call, %.1f %% of %s, %s-bound</title></circle>\n",
                f / b, g, 1e3 * num(k, "device_ms_mean"), 100 * share, share_of,
                clmlp_jv_string(clmlp_jv_get(k, "bound"), "n/a"));
    }
    fputs("</g>\n<g class=\"numbers\" font-size=\"10\">\n", out); /* above every point */
    for (int i = 0; i < s->n; i++) {
        const clmlp_jv *k = s->k[i];
        double f = num(k, "flops_per_call"), b = num(k, "bytes_per_call"), g = num(k, "gflops");
        if (!(f > 0 && b > 0 && g > 0))
            continue;
        char n[16];
        snprintf(n, sizeof n, "%d", i + 1);
        clmlp_svg_text(out, clmlp_svg_pos(&c.x, f / b) + 3 + 17 * sqrt(fmax(num(k, "share_of_phase_wall"), 0)),
                       clmlp_svg_pos(&c.y, g) - 3, "", n);
    }
    fputs("</g>\n", out);
    clmlp_svg_end(&c);
    fprintf(out, "<p class=\"src\">%s (numbered %s, as in the table) at its FLOPs ÷ bytes per call (%s) and its "
                 "measured GFLOP/s (FLOPs ÷ mean device time, profiler), its area the share of %s wall time. Roofs: "
                 "<code>device.probe</code> in "
                 "report.json, measured by <code>clmlp devices --probe</code> at %s: the GEMM roof (black) and the "
                 "stream bandwidth of each working-set size (dashed): a kernel whose working set fits a level is held "
                 "to that level's line.</p>\n",
            svm ? "Every training kernel" : "Every kernel of a training step", svm ? "in order" : "in launch order",
            svm ? "the run's counts" : "the plan's counts", svm ? "the training's" : "a step's",
            clmlp_jv_string(clmlp_jv_get(p, "measured_at"), "?"));
    fputs("<div class=\"wide\"><table>\n<tr><th>#</th><th class=\"t\">kernel</th><th class=\"t\">what</th><th>FLOP/byte</th><th>GFLOP/s</th>"
          "<th>µs per call</th><th>% of ",
          out);
    fputs(svm ? "training" : "step", out);
    fputs("</th><th>bound</th><th>% of roofline</th></tr>\n", out);
    for (int i = 0; i < s->n; i++) {
        const clmlp_jv *k = s->k[i];
        char label[128], pct[32] = "n/a";
        short_label(k, label, sizeof label);
        const clmlp_jv *rp = clmlp_jv_get(k, "roofline_pct");
        if (rp && rp->kind == CLMLP_JV_NUMBER)
            snprintf(pct, sizeof pct, "%.1f", rp->number);
        double b = num(k, "bytes_per_call");
        fprintf(out, "<tr><td>%d</td><td class=\"t n\"><span style=\"color:%s\">&#9679;</span> ", i + 1,
                clmlp_svg_colour(colour_of(s, str(k, "name"))));
        esc(out, str(k, "name"));
        fputs("</td><td class=\"t\">", out);
        esc(out, label);
        fprintf(out, "</td><td>%.2f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>", b > 0 ? num(k, "flops_per_call") / b : 0,
                num(k, "gflops"), 1e3 * num(k, "device_ms_mean"), 100 * num(k, "share_of_phase_wall"));
        esc(out, clmlp_jv_string(clmlp_jv_get(k, "bound"), "n/a"));
        fprintf(out, "</td><td>%s</td></tr>\n", pct);
    }
    fputs("</table></div>\n", out);
}

/* ---- a step's time ---- */

static void step_bars(FILE *out, const clmlp_jv *r, step_kernels *s)
{
    fputs("<h2>A training step's time</h2>\n", out);
    if (s->n == 0) {
        source(out, "Profiling was off (<code>profile.enabled: false</code>): no kernel times.");
        return;
    }
    double device_us = 0, ips = num(r, "train.images_per_second");
    for (int i = 0; i < s->n; i++)
        device_us += 1e3 * num(s->k[i], "device_ms_mean");
    double wall_us = ips > 0 ? 1e6 * num(r, "config.batch_size") / ips : 0;
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 150, "step", "A training step: device time by kernel, and the step's wall time");
    clmlp_svg_axis_fit(&c.x, CLMLP_SVG_LINEAR, 0, fmax(device_us, wall_us), 110, 740);
    c.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, 2, 100, 10};
    clmlp_svg_axes(&c, "µs per step", "");
    clmlp_svg_text(out, 104, 38, "text-anchor=\"end\"", "device, by kernel");
    clmlp_svg_text(out, 104, 80, "text-anchor=\"end\"", "step wall time");
    fprintf(out, "<g class=\"segments\" stroke=\"#fff\" stroke-width=\"0.5\" data-device-us=\"%.17g\">\n", device_us);
    double at = 0;
    for (int i = 0; i < s->n; i++) {
        const clmlp_jv *k = s->k[i];
        double us = 1e3 * num(k, "device_ms_mean"), x0 = clmlp_svg_pos(&c.x, at), x1 = clmlp_svg_pos(&c.x, at + us);
        char label[128];
        short_label(k, label, sizeof label);
        fprintf(out, "<rect class=\"seg\" data-index=\"%d\" data-us=\"%.17g\" x=\"%.3f\" y=\"22\" width=\"%.3f\" "
                     "height=\"26\" fill=\"%s\"><title>#%d ",
                i + 1, us, x0, x1 - x0, clmlp_svg_colour(colour_of(s, str(k, "name"))), i + 1);
        esc(out, str(k, "name"));
        fputs(": ", out);
        esc(out, label);
        fprintf(out, "\n%.1f µs (%.1f %% of the device time)</title></rect>\n", us,
                device_us > 0 ? 100 * us / device_us : 0);
        if (x1 - x0 >= 14) {
            char n[16];
            snprintf(n, sizeof n, "%d", i + 1);
            clmlp_svg_text(out, (x0 + x1) / 2, 39, "text-anchor=\"middle\" font-size=\"10\" fill=\"#fff\" stroke=\"none\"",
                           n);
        }
        at += us;
    }
    fputs("</g>\n", out);
    if (wall_us > 0)
        fprintf(out, "<rect class=\"wall\" data-us=\"%.17g\" x=\"%.3f\" y=\"64\" width=\"%.3f\" height=\"26\" "
                     "fill=\"#999\"><title>a step's wall time: %.1f µs (batch ÷ train images/s); the device was busy "
                     "%.1f µs of it</title></rect>\n",
                wall_us, c.x.from, clmlp_svg_pos(&c.x, wall_us) - c.x.from, wall_us, device_us);
    clmlp_svg_end(&c);
    fprintf(out, "<p class=\"src\">The top bar: each training kernel's mean device time per call (<code>kernels[]."
                 "device_ms_mean</code>, phase train, numbered and coloured as in the roofline), stacked in launch "
                 "order: %.1f µs in all. The bottom bar: a step's wall time, batch %.0f ÷ %.0f train images/s = "
                 "%.1f µs; the difference (%.1f µs) is time the device's queue was not running a kernel (launches, "
                 "the host). One plan per run: a fused and an unfused step side by side come from two runs "
                 "(<code>compiler.fuse</code>).</p>\n",
            device_us, num(r, "config.batch_size"), ips, wall_us, wall_us - device_us);
}

/* ---- the timeline ---- */

typedef struct {
    double ts, dur;
    const clmlp_jv *e;
    int step, in_step; /* which traced step (0..), which launch of it */
} trace_event;

/* The training events of trace.json in the order written (time order), numbered by traced step. */
static int train_events(const clmlp_jv *ev, trace_event *te, int *steps, int *per_step)
{
    int n = 0, in_step = 0;
    double last_step = -1, last_epoch = -1;
    *steps = *per_step = 0;
    for (size_t i = 0; i < ev->count; i++) {
        const clmlp_jv *e = &ev->items[i];
        if (strcmp(clmlp_jv_string(clmlp_jv_get(e, "cat"), ""), "train") != 0)
            continue;
        double step = num(e, "args.step"), epoch = num(e, "args.epoch");
        if (step != last_step || epoch != last_epoch) {
            ++*steps;
            last_step = step, last_epoch = epoch, in_step = 0;
        }
        te[n] = (trace_event){num(e, "ts"), num(e, "dur"), e, *steps - 1, in_step++};
        *per_step = in_step > *per_step ? in_step : *per_step;
        n++;
    }
    return n;
}

/* The first GANTT_STEPS traced steps, one row per launch of the step. */
static void gantt(FILE *out, const trace_event *te, int n, int per_step, step_kernels *s)
{
    int shown = 0;
    while (shown < n && te[shown].step < GANTT_STEPS)
        shown++;
    double t0 = te[0].ts, t1 = te[shown - 1].ts + te[shown - 1].dur;
    clmlp_svg_chart c;
    int height = 60 + 14 * per_step;
    clmlp_svg_begin(&c, out, 760, height, "timeline", "The first traced training steps on the device's queue");
    clmlp_svg_axis_fit(&c.x, CLMLP_SVG_LINEAR, 0, t1 - t0, 190, 740);
    c.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, per_step, height - 40, 10};
    clmlp_svg_axes(&c, "µs since the first traced kernel", "");
    for (int row = 0; row < per_step && row < s->n; row++) {
        char label[160], text[200];
        short_label(s->k[row], label, sizeof label);
        size_t cut = strlen(label);
        if (cut > 26) { /* room for 26 characters; never inside a UTF-8 sequence */
            for (cut = 25; cut > 0 && ((unsigned char)label[cut] & 0xC0) == 0x80; cut--)
                ;
            snprintf(label + cut, sizeof label - cut, "…");
        }
        snprintf(text, sizeof text, "%d %s", row + 1, label);
        clmlp_svg_text(out, 186, 20 + 14 * row, "text-anchor=\"end\" font-size=\"10\"", text);
    }
    fputs("<g class=\"events\">\n", out);
    for (int i = 0; i < shown; i++) {
        const clmlp_jv *e = te[i].e;
        double x0 = clmlp_svg_pos(&c.x, te[i].ts - t0), x1 = clmlp_svg_pos(&c.x, te[i].ts - t0 + te[i].dur);
        const char *name = clmlp_jv_string(clmlp_jv_get(e, "name"), "?");
        fprintf(out, "<rect class=\"event\" x=\"%.3f\" y=\"%d\" width=\"%.3f\" height=\"11\" fill=\"%s\"><title>", x0,
                11 + 14 * te[i].in_step, fmax(x1 - x0, 0.5), clmlp_svg_colour(colour_of(s, name)));
        esc(out, name);
        fprintf(out, " (epoch %.0f, step %.0f): %.1f µs at %.1f µs; queued %.1f µs before it started</title></rect>\n",
                num(e, "args.epoch"), num(e, "args.step"), te[i].dur, te[i].ts - t0,
                num(e, "args.queued_us_before_start"));
    }
    fputs("</g>\n", out);
    clmlp_svg_end(&c);
}

/* Every traced step: its span on the queue (first start to last end), the
 * kernels' busy time in it, beside the run's mean step. */
static void step_spans(FILE *out, const clmlp_jv *r, const trace_event *te, int n, int steps)
{
    double *span = calloc((size_t)steps, 2 * sizeof *span), *busy = span + steps;
    if (!span)
        return;
    for (int i = 0, first = 0; i < n; i++) {
        if (i == 0 || te[i].step != te[i - 1].step)
            first = i;
        span[te[i].step] = te[i].ts + te[i].dur - te[first].ts;
        busy[te[i].step] += te[i].dur;
    }
    double ips = num(r, "train.images_per_second"), mean = ips > 0 ? 1e6 * num(r, "config.batch_size") / ips : 0;
    double max = mean;
    for (int k = 0; k < steps; k++)
        max = fmax(max, span[k]);
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 220, "step-spans", "Each traced step's span on the device queue");
    c.x = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0.5, steps + 0.5, 70, 740};
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LINEAR, 0, max, 170, 15);
    clmlp_svg_axes(&c, "traced step", "µs");
    double w = fmin(30, 0.7 * (c.x.to - c.x.from) / steps);
    int label_every = steps > 25 ? (steps + 24) / 25 : 1;
    for (int k = 0; k < steps; k++) {
        double x = clmlp_svg_pos(&c.x, k + 1) - w / 2, ys = clmlp_svg_pos(&c.y, span[k]), yb = clmlp_svg_pos(&c.y, busy[k]);
        fprintf(out, "<rect class=\"span\" data-us=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                     "fill=\"#bbb\"><title>traced step %d: %.1f µs from its first kernel's start to its last's end, "
                     "%.1f µs of kernels</title></rect>\n",
                span[k], x, ys, w, c.y.from - ys, k + 1, span[k], busy[k]);
        fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#0072B2\"/>\n", x + w * 0.2, yb,
                w * 0.6, c.y.from - yb);
        char t[16];
        snprintf(t, sizeof t, "%d", k + 1);
        if (k % label_every == 0)
            clmlp_svg_text(out, clmlp_svg_pos(&c.x, k + 1), 186, "text-anchor=\"middle\"", t);
    }
    if (mean > 0) {
        fprintf(out, "<path d=\"M%.1f %.2fH%.1f\" stroke=\"#D55E00\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n",
                c.x.from, clmlp_svg_pos(&c.y, mean), c.x.to);
        char t[64];
        snprintf(t, sizeof t, "mean step of the run: %.0f µs", mean);
        clmlp_svg_text(out, c.x.to - 4, clmlp_svg_pos(&c.y, mean) - 4, "text-anchor=\"end\" fill=\"#D55E00\"", t);
    }
    clmlp_svg_end(&c);
    free(span);
}

static void timeline(FILE *out, const clmlp_jv *r, const clmlp_jv *trace, step_kernels *s)
{
    fputs("<h2>Timeline of traced steps (device queue)</h2>\n", out);
    const clmlp_jv *ev = trace ? clmlp_jv_get(trace, "traceEvents") : NULL;
    if (!ev || ev->kind != CLMLP_JV_ARRAY) {
        source(out, "No trace.json in the run directory (<code>profile.enabled: false</code> or "
                    "<code>profile.trace_steps: 0</code>).");
        return;
    }
    trace_event *te = malloc((ev->count ? ev->count : 1) * sizeof *te);
    if (!te)
        return;
    int steps, per_step, n = train_events(ev, te, &steps, &per_step);
    if (n == 0) {
        source(out, "trace.json holds no training events.");
        free(te);
        return;
    }
    gantt(out, te, n, per_step, s);
    step_spans(out, r, te, n, steps);
    fprintf(out, "<p class=\"src\">From <a href=\"trace.json\">trace.json</a>: its device events of category train "
                 "(each kernel's start and duration from OpenCL's profiling counters) for the %d traced steps "
                 "(<code>profile.trace_steps</code>). Top: the first %d, one row per launch of the step; gaps between "
                 "bars are the queue idling between kernels. Bottom: every traced step's span from its first "
                 "kernel's start to its last kernel's end (grey) and the time its kernels ran (blue), beside the "
                 "run's mean step (batch ÷ train images/s, report.json). The whole trace opens in Perfetto "
                 "(ui.perfetto.dev, Open trace file).</p>\n",
            steps, steps < GANTT_STEPS ? steps : GANTT_STEPS);
    free(te);
}

/* ---- loss and epochs ---- */

static void epochs(FILE *out, const clmlp_jv *r)
{
    fputs("<h2>Loss and epoch times</h2>\n", out);
    const clmlp_jv *ep = clmlp_jv_path(r, "train.epochs");
    int n = (int)ep->count;
    if (n == 0) {
        source(out, "No epochs were trained.");
        return;
    }
    double lmax = 0, smax = 0;
    for (int i = 0; i < n; i++) {
        lmax = fmax(lmax, num(&ep->items[i], "loss"));
        smax = fmax(smax, num(&ep->items[i], "seconds"));
    }
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 260, "loss", "Mean loss per epoch");
    c.x = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0.5, n + 0.5, 70, 740};
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LINEAR, 0, lmax, 210, 15);
    clmlp_svg_axes(&c, "epoch", "mean loss");
    fputs("<g class=\"epochs\">\n", out);
    int label_every = n > 20 ? (n + 19) / 20 : 1;
    for (int i = 0; i < n; i++) {
        char t[16];
        snprintf(t, sizeof t, "%.0f", num(&ep->items[i], "epoch"));
        if (i % label_every == 0)
            clmlp_svg_text(out, clmlp_svg_pos(&c.x, i + 1), 226, "text-anchor=\"middle\"", t);
    }
    fputs("<polyline fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\" points=\"", out);
    for (int i = 0; i < n; i++) {
        const clmlp_jv *l = clmlp_jv_get(&ep->items[i], "loss");
        if (l && l->kind == CLMLP_JV_NUMBER)
            fprintf(out, "%.2f,%.2f ", clmlp_svg_pos(&c.x, i + 1), clmlp_svg_pos(&c.y, l->number));
    }
    fputs("\"/>\n", out);
    for (int i = 0; i < n; i++) {
        const clmlp_jv *l = clmlp_jv_get(&ep->items[i], "loss");
        if (l && l->kind == CLMLP_JV_NUMBER)
            fprintf(out, "<circle class=\"loss\" cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"#0072B2\"><title>epoch %d: "
                         "loss %.6g</title></circle>\n",
                    clmlp_svg_pos(&c.x, i + 1), clmlp_svg_pos(&c.y, l->number), i + 1, l->number);
        else
            fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" fill=\"#D55E00\">NaN/Inf</text>\n",
                    clmlp_svg_pos(&c.x, i + 1), c.y.to + 12);
    }
    fputs("</g>\n", out);
    clmlp_svg_end(&c);
    clmlp_svg_begin(&c, out, 760, 200, "epoch-times", "Seconds per epoch");
    c.x = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0.5, n + 0.5, 70, 740};
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LINEAR, 0, smax, 150, 15);
    clmlp_svg_axes(&c, "epoch", "seconds");
    double w = fmin(40, 0.7 * (c.x.to - c.x.from) / n);
    for (int i = 0; i < n; i++) {
        double sec = num(&ep->items[i], "seconds"), y = clmlp_svg_pos(&c.y, sec);
        fprintf(out, "<rect class=\"epoch\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#E69F00\">"
                     "<title>epoch %d: %.3f s</title></rect>\n",
                clmlp_svg_pos(&c.x, i + 1) - w / 2, y, w, c.y.from - y, i + 1, sec);
        char t[16];
        snprintf(t, sizeof t, "%.0f", num(&ep->items[i], "epoch"));
        if (i % label_every == 0)
            clmlp_svg_text(out, clmlp_svg_pos(&c.x, i + 1), 166, "text-anchor=\"middle\"", t);
    }
    clmlp_svg_end(&c);
    source(out, "<code>train.epochs[]</code> in report.json: the mean loss of each epoch (the device's per-example "
                "losses, read back once per epoch) and its wall time.");
}

/* ---- an SVM's solver ---- */

/* Training time split between the kernel provider (device) and SMO (host). */
static void svm_time_split(FILE *out, const clmlp_jv *r)
{
    double kernel = num(r, "svm.kernel_seconds"), solver = num(r, "svm.solver_seconds");
    double train = num(r, "train.seconds"), total = fmax(kernel + solver, train);
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 140, "svm-time", "Training time: the kernel on the device, the solver on the host");
    clmlp_svg_axis_fit(&c.x, CLMLP_SVG_LINEAR, 0, total > 0 ? total : 1, 70, 740);
    c.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, 1, 50, 10};
    clmlp_svg_axes(&c, "seconds of training", "");
    const struct {
        const char *what;
        double s;
    } parts[] = {{"kernel (device GEMMs, copies, read-back)", kernel}, {"solver (SMO on the host)", solver}};
    double at = 0;
    for (int i = 0; i < 2; i++) {
        double x0 = clmlp_svg_pos(&c.x, at), x1 = clmlp_svg_pos(&c.x, at + parts[i].s);
        fprintf(out, "<rect class=\"svm-part\" data-seconds=\"%.17g\" x=\"%.2f\" y=\"16\" width=\"%.2f\" height=\"28\" "
                     "fill=\"%s\"><title>%s: %.3f s (%.1f %% of training)</title></rect>\n",
                parts[i].s, x0, x1 - x0, clmlp_svg_colour(i), parts[i].what, parts[i].s,
                train > 0 ? 100 * parts[i].s / train : 0);
        char attrs[64], text[96];
        snprintf(attrs, sizeof attrs, "fill=\"%s\"", clmlp_svg_colour(i));
        snprintf(text, sizeof text, "■ %.3f s %s", parts[i].s, parts[i].what);
        clmlp_svg_text(out, 72 + 340 * i, 104, attrs, text);
        at += parts[i].s;
    }
    clmlp_svg_end(&c);
}

/* Support vectors of each class, as bars. */
static void svm_per_class(FILE *out, const clmlp_jv *r)
{
    const clmlp_jv *a = clmlp_jv_path(r, "svm.support_vectors_per_class");
    int n = a && a->kind == CLMLP_JV_ARRAY ? (int)a->count : 0;
    if (n == 0 || n > MAX_CLASSES)
        return;
    double top = 0;
    for (int i = 0; i < n; i++)
        top = fmax(top, clmlp_jv_number(&a->items[i], 0));
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 220, "svm-support-vectors", "Support vectors per class");
    c.x = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0.5, n + 0.5, 70, 740};
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LINEAR, 0, top > 0 ? top : 1, 170, 15);
    clmlp_svg_axes(&c, "class", "support vectors");
    double w = fmin(40, 0.7 * (c.x.to - c.x.from) / n);
    for (int i = 0; i < n; i++) {
        double v = clmlp_jv_number(&a->items[i], 0), y = clmlp_svg_pos(&c.y, v);
        fprintf(out, "<rect class=\"sv\" data-count=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                     "fill=\"#009E73\"><title>class %d: %.0f support vectors</title></rect>\n",
                v, clmlp_svg_pos(&c.x, i + 1) - w / 2, y, w, c.y.from - y, i, v);
        char t[16];
        snprintf(t, sizeof t, "%d", i);
        clmlp_svg_text(out, clmlp_svg_pos(&c.x, i + 1), 186, "text-anchor=\"middle\"", t);
    }
    clmlp_svg_end(&c);
}

static void svm_section(FILE *out, const clmlp_jv *r)
{
    fputs("<h2>SVM: the solver</h2>\n", out);
    svm_time_split(out, r);
    svm_per_class(out, r);
    double pairs = num(r, "svm.pairs"), n = num(r, "data.train_examples"), sv = num(r, "svm.support_vectors");
    fprintf(out, "<p class=\"src\">From <code>svm</code> in report.json: one-vs-one over %.0f classes, %.0f binary "
                 "problems solved by SMO on the host (%.0f iterations, %.0f kernel rows asked for; %.0f problems from "
                 "class blocks, the rest row by row; the largest %.0f examples; largest final KKT violation %.3g, tol "
                 "%g). %.0f support vectors of %.0f training images (%.1f %%). The kernel ran at %.1f GFLOP/s "
                 "(<code>svm.kernel_gflops</code>). An SVM trains once: no epochs, loss or steps to draw.</p>\n",
            num(r, "svm.classes"), pairs, num(r, "svm.iterations"), num(r, "svm.kernel_rows_computed"),
            num(r, "svm.blocks"), num(r, "svm.largest_problem"), num(r, "svm.max_violation"), num(r, "svm.tol"), sv, n,
            n > 0 ? 100 * sv / n : 0, num(r, "svm.kernel_gflops"));
}

/* ---- accuracy ---- */

static void confusion(FILE *out, const clmlp_jv *r)
{
    fputs("<h2>Accuracy and the confusion matrix</h2>\n", out);
    const clmlp_jv *acc = clmlp_jv_path(r, "eval.accuracy"), *m = clmlp_jv_path(r, "eval.confusion");
    if (acc->kind != CLMLP_JV_NUMBER || !m || m->kind != CLMLP_JV_ARRAY || m->count == 0) {
        source(out, "Not evaluated: no accuracy or confusion matrix in report.json.");
        return;
    }
    int n = (int)m->count;
    if (n > MAX_CLASSES) { /* n² cells: a page no one could read */
        fprintf(out, "<p class=\"src\">Accuracy %.2f %% on %.0f test images (<code>eval.accuracy</code>); the "
                     "confusion matrix of %d classes is in report.json (<code>eval.confusion</code>), too large to "
                     "draw.</p>\n",
                100 * acc->number, num(r, "eval.examples"), n);
        return;
    }
    double cell = fmin(36, 520.0 / n);
    clmlp_svg_chart c;
    char title[96];
    snprintf(title, sizeof title, "Confusion matrix: accuracy %.2f %%", 100 * acc->number);
    clmlp_svg_begin(&c, out, (int)(70 + cell * n + 10), (int)(40 + cell * n + 10), "confusion", title);
    clmlp_svg_text(out, 70 + cell * n / 2, 14, "text-anchor=\"middle\" class=\"label\"", "predicted class");
    char attrs[96];
    snprintf(attrs, sizeof attrs, "text-anchor=\"middle\" class=\"label\" transform=\"rotate(-90 14 %.1f)\"",
             40 + cell * n / 2);
    clmlp_svg_text(out, 14, 40 + cell * n / 2, attrs, "true class");
    for (int j = 0; j < n; j++) {
        char t[16];
        snprintf(t, sizeof t, "%d", j);
        clmlp_svg_text(out, 70 + cell * (j + 0.5), 34, "text-anchor=\"middle\"", t);
        clmlp_svg_text(out, 60, 40 + cell * (j + 0.5) + 4, "text-anchor=\"end\"", t);
    }
    for (int t = 0; t < n; t++) {
        const clmlp_jv *row = &m->items[t];
        double total = 0;
        for (size_t p = 0; p < row->count; p++)
            total += clmlp_jv_number(&row->items[p], 0);
        for (int p = 0; p < (int)row->count && p < n; p++) {
            double v = clmlp_jv_number(&row->items[p], 0), share = total > 0 ? v / total : 0;
            /* sqrt: the few off-diagonal errors stay visible beside the diagonal */
            double shade = sqrt(share);
            fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#0072B2\" "
                         "fill-opacity=\"%.3f\" stroke=\"#ddd\"><title>true %d, predicted %d: %.0f (%.1f %% of class "
                         "%d)</title></rect>\n",
                    70 + cell * p, 40 + cell * t, cell, cell, shade, t, p, v, 100 * share, t);
            if (v > 0 && cell >= 20) {
                char text[24], a[64];
                snprintf(text, sizeof text, "%.0f", v);
                snprintf(a, sizeof a, "text-anchor=\"middle\" font-size=\"9\"%s",
                         shade > 0.6 ? " style=\"fill:#fff\"" : "");
                clmlp_svg_text(out, 70 + cell * (p + 0.5), 40 + cell * (t + 0.5) + 3, a, text);
            }
        }
    }
    clmlp_svg_end(&c);
    fprintf(out, "<p class=\"src\">Accuracy %.2f %% on %.0f test images (<code>eval.accuracy</code>); the matrix is "
                 "<code>eval.confusion</code> (row: the true class, column: the predicted one), each cell shaded by "
                 "the square root of its share of the row.</p>\n",
            100 * acc->number, num(r, "eval.examples"));
}

/* ---- memory ---- */

static void memory(FILE *out, const clmlp_jv *r)
{
    fputs("<h2>Memory</h2>\n", out);
    const clmlp_jv *ph = clmlp_jv_get(r, "phases");
    int n = (int)ph->count;
    double top = 0;
    for (int i = 0; i < n; i++)
        top = fmax(top, fmax(mib(num(&ph->items[i], "host_rss_end_bytes")), mib(num(&ph->items[i], "host_peak_bytes"))));
    clmlp_svg_chart c;
    clmlp_svg_begin(&c, out, 760, 240, "host-memory", "Host resident set at the end of each phase, and the peak so far");
    c.x = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, n > 0 ? n : 1, 70, 740};
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LINEAR, 0, top, 190, 15);
    clmlp_svg_axes(&c, "", "MiB");
    double w = (c.x.to - c.x.from) / (n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        const clmlp_jv *p = &ph->items[i];
        double end = mib(num(p, "host_rss_end_bytes")), peak = mib(num(p, "host_peak_bytes"));
        double x = c.x.from + w * i, y = clmlp_svg_pos(&c.y, end);
        fprintf(out, "<rect class=\"rss\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#56B4E9\"><title>",
                x + w * 0.15, y, w * 0.7, c.y.from - y);
        esc(out, str(p, "name"));
        fprintf(out, ": %.1f MiB at its end (%+.1f MiB), peak so far %.1f MiB, %.3f s</title></rect>\n", end,
                mib(num(p, "host_rss_growth_bytes")), peak, num(p, "seconds"));
        fprintf(out, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#D55E00\" stroke-width=\"2\"/>\n",
                x + w * 0.1, x + w * 0.9, clmlp_svg_pos(&c.y, peak), clmlp_svg_pos(&c.y, peak));
        clmlp_svg_text(out, x + w / 2, 206, "text-anchor=\"middle\"", str(p, "name"));
    }
    clmlp_svg_end(&c);
    static const struct {
        const char *key, *what[2]; /* MLP, SVM */
    } parts[] = {{"memory.device_plan_bytes",
                  {"buffer plan (params, grads, optimizer state, arena)",
                   "plan (none: an SVM has no compiled plan)"}},
                 {"memory.device_dataset_bytes",
                  {"dataset (uint8 pixels + labels)", "training operands (every example's left, right and transposed rows)"}},
                 {"memory.device_run_buffer_bytes",
                  {"run buffers (orders, losses, predictions)", "kernel buffers (the GEMMs' chunks of rows and values)"}}};
    int kind = is_svm(r);
    double total = 0;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(parts); i++)
        total += mib(num(r, parts[i].key));
    clmlp_svg_begin(&c, out, 760, 140, "device-memory", "Device memory allocated by the run, by use");
    clmlp_svg_axis_fit(&c.x, CLMLP_SVG_LINEAR, 0, fmax(total, mib(num(r, "memory.device_alloc_bytes"))), 70, 740);
    c.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, 1, 50, 10};
    clmlp_svg_axes(&c, "", "");
    clmlp_svg_text(out, 740, 80, "text-anchor=\"end\" class=\"label\"", "MiB on the device");
    double at = 0;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(parts); i++) {
        double v = mib(num(r, parts[i].key)), x0 = clmlp_svg_pos(&c.x, at), x1 = clmlp_svg_pos(&c.x, at + v);
        fprintf(out, "<rect x=\"%.2f\" y=\"16\" width=\"%.2f\" height=\"28\" fill=\"%s\" stroke=\"#fff\"><title>%s: "
                     "%.2f MiB</title></rect>\n",
                x0, x1 - x0, clmlp_svg_colour((int)i), parts[i].what[kind], v);
        char attrs[64];
        snprintf(attrs, sizeof attrs, "fill=\"%s\"", clmlp_svg_colour((int)i));
        char text[96];
        snprintf(text, sizeof text, "■ %.1f MiB %s", v, parts[i].what[kind]);
        clmlp_svg_text(out, 72, 104 + 14 * (double)i, attrs, text);
        at += v;
    }
    clmlp_svg_end(&c);
    fprintf(out, "<p class=\"src\">Top: each phase's host resident set at its end (bars) and the peak so far (red "
                 "lines), from <code>phases[]</code>; the run's host peak was %.1f MiB "
                 "(<code>memory.host_peak_bytes</code>). Bottom: the %.2f MiB the run allocated on the device "
                 "(<code>memory.device_alloc_bytes</code>), by use.</p>\n",
            mib(num(r, "memory.host_peak_bytes")), mib(num(r, "memory.device_alloc_bytes")));
}

int clmlp_report_write_html(FILE *out, const void *ctx)
{
    const clmlp_report_html *h = ctx;
    const clmlp_jv *r = h->report;
    step_kernels *s = malloc(sizeof *s);
    if (!s)
        return -1;
    collect(r, s);
    char title[CLMLP_NAME_MAX + 16];
    snprintf(title, sizeof title, "clmlp run: %s", str(r, "name"));
    clmlp_html_begin(out, title);
    summary(out, r);
    roofline(out, r, s);
    if (is_svm(r)) { /* no steps or epochs: the solver instead */
        svm_section(out, r);
    } else {
        step_bars(out, r, s);
        timeline(out, r, h->trace, s);
        epochs(out, r);
    }
    confusion(out, r);
    memory(out, r);
    fputs("<h2>Files</h2>\n<p class=\"src\">Every figure on this page is read from <a href=\"report.json\">"
          "report.json</a> (keys in the README), the timeline from trace.json; the tables are in <a "
          "href=\"report.md\">report.md</a>. <code>clmlp report RUN_DIR</code> renders both again.</p>\n",
          out);
    clmlp_html_end(out);
    free(s);
    return ferror(out) ? -1 : 0;
}
