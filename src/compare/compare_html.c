/* compare.html: the comparison as pictures, rendered from compare.json's
 * parsed tree (every number through the one parser): train images/s per
 * device with the rounds' range, the speedup chain on a log scale (the
 * seed's factors, measured, modeled), predicted vs measured step time, and
 * the extrapolation's hours and dollars. One self-contained page. */
#include <math.h>
#include <string.h>

#include "clmlp/compare.h"
#include "clmlp/svg.h"

static double num(const clmlp_jv *v, const char *path) { return clmlp_jv_number(clmlp_jv_path(v, path), 0); }
static const char *str(const clmlp_jv *v, const char *path) { return clmlp_jv_string(clmlp_jv_path(v, path), "?"); }

static bool is_number(const clmlp_jv *v) { return v && v->kind == CLMLP_JV_NUMBER; }

static const clmlp_jv *items(const clmlp_jv *v, const char *path)
{
    const clmlp_jv *a = clmlp_jv_path(v, path);
    return a && a->kind == CLMLP_JV_ARRAY ? a : NULL;
}

static size_t count(const clmlp_jv *a) { return a ? a->count : 0; }

/* "#0 name=pthread" for a measured device, the model's id otherwise. */
static void device_label(const clmlp_jv *c, int device, char *buf, size_t cap)
{
    const clmlp_jv *d = items(c, "devices");
    if (d && device >= 0 && (size_t)device < d->count)
        snprintf(buf, cap, "#%d %s", device, str(&d->items[device], "spec"));
    else
        snprintf(buf, cap, "device %d", device);
}

/* A modeled link's end: a present device's probe model ("probe:N") or a datasheet model's id. */
static void model_label(const clmlp_jv *c, const clmlp_jv *link_end_device, const char *model, char *buf, size_t cap)
{
    if (is_number(link_end_device)) {
        char d[CLMLP_NAME_MAX + 16];
        device_label(c, (int)link_end_device->number, d, sizeof d);
        snprintf(buf, cap, "%s (probe)", d);
    } else {
        snprintf(buf, cap, "%s", model);
    }
}

static void source(FILE *out, const char *text) { fprintf(out, "<p class=\"src\">%s</p>\n", text); }

static void summary(FILE *out, const clmlp_jv *c)
{
    const clmlp_jv *d = items(c, "devices");
    fprintf(out, "<p>The same experiment (<code>");
    clmlp_svg_escape(out, str(c, "config"));
    fprintf(out, "</code>) on %zu devices, %.0f round(s) each, batch %.0f, %.0f epoch(s); started ", count(d),
            fmax(num(c, "rounds"), 1), num(c, "batch_size"), num(c, "epochs"));
    clmlp_svg_escape(out, str(c, "started"));
    fputs(". The tables are in <a href=\"compare.md\">compare.md</a>, every figure in <a "
          "href=\"compare.json\">compare.json</a>.</p>\n<ul>\n",
          out);
    for (size_t i = 0; i < count(d); i++) {
        char label[CLMLP_NAME_MAX + 16];
        device_label(c, (int)i, label, sizeof label);
        fputs("<li><b>", out);
        clmlp_svg_escape(out, label);
        fputs("</b>: ", out);
        clmlp_svg_escape(out, str(&d->items[i], "name"));
        fputs(" (", out);
        clmlp_svg_escape(out, str(&d->items[i], "class"));
        fprintf(out, ")%s</li>\n", (int)i == (int)num(c, "baseline") ? ", the baseline" : "");
    }
    fputs("</ul>\n", out);
}

/* Category rows of a horizontal chart: row i's centre. */
static double row_y(int i) { return 24 + 30.0 * i; }

static void throughput(FILE *out, const clmlp_jv *c)
{
    fputs("<h2>Training throughput per device</h2>\n", out);
    const clmlp_jv *d = items(c, "devices");
    int n = (int)count(d);
    double max = 0;
    for (int i = 0; i < n; i++) {
        const clmlp_jv *t = clmlp_jv_get(&d->items[i], "train");
        double images = num(t, "steps_per_epoch") * num(c, "batch_size"), lo_s = num(t, "seconds_per_epoch_min");
        max = fmax(max, fmax(num(t, "images_per_second"), lo_s > 0 ? images / lo_s : 0));
    }
    clmlp_svg_chart ch;
    clmlp_svg_begin(&ch, out, 760, 70 + 30 * n, "throughput", "Train images/s per device: median round, min-max");
    clmlp_svg_axis_fit(&ch.x, CLMLP_SVG_LINEAR, 0, max, 180, 740);
    ch.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, n, 10 + 30.0 * n, 10};
    clmlp_svg_axes(&ch, "training images per second", "");
    for (int i = 0; i < n; i++) {
        const clmlp_jv *dev = &d->items[i], *t = clmlp_jv_get(dev, "train");
        double ips = num(t, "images_per_second"), images = num(t, "steps_per_epoch") * num(c, "batch_size");
        double s_lo = num(t, "seconds_per_epoch_min"), s_hi = num(t, "seconds_per_epoch_max");
        double lo = s_hi > 0 ? images / s_hi : ips, hi = s_lo > 0 ? images / s_lo : ips;
        char label[CLMLP_NAME_MAX + 16];
        device_label(c, i, label, sizeof label);
        clmlp_svg_text(out, 174, row_y(i) + 4, "text-anchor=\"end\"", label);
        double y = row_y(i), x1 = clmlp_svg_pos(&ch.x, ips);
        fprintf(out, "<rect class=\"ips\" data-device=\"%d\" data-ips=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"%.3f\" "
                     "height=\"18\" fill=\"%s\"><title>",
                i, ips, ch.x.from, y - 9, x1 - ch.x.from, clmlp_svg_colour(i));
        clmlp_svg_escape(out, label);
        fprintf(out, ": %.0f images/s (median), %.0f-%.0f over the rounds</title></rect>\n", ips, lo, hi);
        fprintf(out, "<path class=\"range\" data-lo=\"%.17g\" data-hi=\"%.17g\" stroke=\"#000\" stroke-width=\"1.5\" "
                     "d=\"M%.2f %.2fH%.2fM%.2f %.2fV%.2fM%.2f %.2fV%.2f\"/>\n",
                lo, hi, clmlp_svg_pos(&ch.x, lo), y, clmlp_svg_pos(&ch.x, hi), clmlp_svg_pos(&ch.x, lo), y - 5, y + 5,
                clmlp_svg_pos(&ch.x, hi), y - 5, y + 5);
    }
    clmlp_svg_end(&ch);
    source(out, "Bars: <code>devices[].train.images_per_second</code> in compare.json (the training images of an "
                "epoch ÷ the median seconds per epoch over the rounds); whiskers: the same images ÷ the slowest and "
                "the fastest round's seconds per epoch (<code>seconds_per_epoch_max</code>, <code>_min</code>).");
}

static void chain(FILE *out, const clmlp_jv *c)
{
    fputs("<h2>The speedup chain: the seed's assumptions, measured, modeled</h2>\n", out);
    const clmlp_jv *links = items(c, "chain");
    int n = (int)count(links);
    if (n == 0) {
        source(out, "No chain in compare.json.");
        return;
    }
    double lo = 1, hi = 1;
    for (int i = 0; i < n; i++) {
        const clmlp_jv *l = &links->items[i], *m = items(l, "modeled");
        double f[] = {num(l, "seed_factor"), num(l, "measured.factor_min"), num(l, "measured.factor_max"),
                      num(l, "measured.factor")};
        for (size_t k = 0; k < CLMLP_ARRAY_LEN(f); k++)
            if (f[k] > 0)
                lo = fmin(lo, f[k]), hi = fmax(hi, f[k]);
        for (size_t k = 0; k < count(m); k++)
            if (num(&m->items[k], "factor") > 0)
                lo = fmin(lo, num(&m->items[k], "factor")), hi = fmax(hi, num(&m->items[k], "factor"));
    }
    clmlp_svg_chart ch;
    int height = 80 + 44 * n;
    clmlp_svg_begin(&ch, out, 760, height, "chain", "The speedup chain on a log scale");
    clmlp_svg_axis_fit(&ch.x, CLMLP_SVG_LOG, lo, hi, 150, 740);
    ch.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, n, 10 + 44.0 * n, 10};
    clmlp_svg_axes(&ch, "speedup (×, log scale)", "");
    fprintf(out, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"10\" y2=\"%.1f\" stroke=\"#999\"/>\n", clmlp_svg_pos(&ch.x, 1),
            clmlp_svg_pos(&ch.x, 1), 10 + 44.0 * n);
    for (int i = 0; i < n; i++) {
        const clmlp_jv *l = &links->items[i];
        double y = 32 + 44.0 * i;
        char text[96];
        snprintf(text, sizeof text, "%s → %s", str(l, "from"), str(l, "to"));
        clmlp_svg_text(out, 144, y + 4, "text-anchor=\"end\"", text);
        double seed = num(l, "seed_factor");
        if (seed > 0) {
            double x = clmlp_svg_pos(&ch.x, seed);
            fprintf(out, "<path class=\"seed\" data-factor=\"%.17g\" d=\"M%.2f %.2fl7 7l-7 7l-7 -7z\" fill=\"#000\">"
                         "<title>the seed assumed %.0f×</title></path>\n",
                    seed, x, y - 7 - 10, seed);
            snprintf(text, sizeof text, "seed %.0f×", seed);
            clmlp_svg_text(out, x + 9, y - 8, "font-size=\"10\"", text);
        }
        const clmlp_jv *m = clmlp_jv_get(l, "measured");
        if (m && m->kind == CLMLP_JV_OBJECT) {
            double f = num(m, "factor"), a = num(m, "factor_min"), b = num(m, "factor_max");
            char from[CLMLP_NAME_MAX + 16], to[CLMLP_NAME_MAX + 16];
            device_label(c, (int)num(m, "from_device"), from, sizeof from);
            device_label(c, (int)num(m, "to_device"), to, sizeof to);
            fprintf(out, "<path stroke=\"#0072B2\" stroke-width=\"2\" d=\"M%.2f %.2fH%.2f\"/>\n",
                    clmlp_svg_pos(&ch.x, a), y, clmlp_svg_pos(&ch.x, b));
            fprintf(out, "<circle class=\"measured\" data-factor=\"%.17g\" cx=\"%.2f\" cy=\"%.2f\" r=\"5\" "
                         "fill=\"#0072B2\"><title>measured ",
                    f, clmlp_svg_pos(&ch.x, f), y);
            clmlp_svg_escape(out, from);
            fputs(" → ", out);
            clmlp_svg_escape(out, to);
            fprintf(out, ": %.3g× (rounds: %.3g-%.3g×)</title></circle>\n", f, a, b);
        }
        const clmlp_jv *md = items(l, "modeled");
        for (size_t k = 0; k < count(md); k++) {
            const clmlp_jv *e = &md->items[k];
            double f = num(e, "factor");
            char from[CLMLP_NAME_MAX + 32], to[CLMLP_NAME_MAX + 32];
            model_label(c, clmlp_jv_get(e, "from_device"), str(e, "from_model"), from, sizeof from);
            model_label(c, clmlp_jv_get(e, "to_device"), str(e, "to_model"), to, sizeof to);
            fprintf(out, "<rect class=\"modeled\" data-factor=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"8\" height=\"8\" "
                         "fill=\"#E69F00\" stroke=\"#000\" stroke-width=\"0.5\"><title>modeled ",
                    f, clmlp_svg_pos(&ch.x, f) - 4, y + 6);
            clmlp_svg_escape(out, from);
            fputs(" → ", out);
            clmlp_svg_escape(out, to);
            fprintf(out, ": %.3g×</title></rect>\n", f);
        }
    }
    double ly = 62 + 44.0 * n; /* under the axis label */
    fprintf(out, "<path d=\"M160 %.1fl6 6l-6 6l-6 -6z\" fill=\"#000\"/>\n", ly - 2);
    clmlp_svg_text(out, 172, ly + 8, "", "the seed's assumed factor");
    fprintf(out, "<circle cx=\"340\" cy=\"%.1f\" r=\"5\" fill=\"#0072B2\"/>\n", ly + 4);
    clmlp_svg_text(out, 350, ly + 8, "", "measured here (line: the rounds' range)");
    fprintf(out, "<rect x=\"586\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#E69F00\" stroke=\"#000\" "
                 "stroke-width=\"0.5\"/>\n",
            ly);
    clmlp_svg_text(out, 598, ly + 8, "", "modeled (roofline)");
    clmlp_svg_end(&ch);
    source(out, "<code>chain[]</code> in compare.json. Measured: the link's first device's training time ÷ its "
                "second's, paired round by round (the median, and the range over the rounds). Modeled: the ratio of "
                "roofline-predicted training-step times of this plan, a present device from its own probe, the "
                "others from datasheet models (<code>models[]</code>): predictions, not measurements. Hover a mark "
                "for its devices.");
}

static void predicted(FILE *out, const clmlp_jv *c)
{
    fputs("<h2>Predicted vs measured step time</h2>\n", out);
    const clmlp_jv *d = items(c, "devices");
    int n = (int)count(d);
    double max = 0;
    for (int i = 0; i < n; i++) {
        const clmlp_jv *dev = &d->items[i];
        max = fmax(max, fmax(num(dev, "train.seconds_per_step"), num(dev, "probe.train_step.seconds")));
        max = fmax(max, num(dev, "prediction.train_step.seconds"));
    }
    static const struct {
        const char *path, *what, *missing;
    } bars[] = {{"train.seconds_per_step", "measured", "not measured"},
                {"probe.train_step.seconds", "roofline of its own probe", "no probe (profile.probe: false)"},
                {"prediction.train_step.seconds", "its datasheet model", "no datasheet model names this device"}};
    clmlp_svg_chart ch;
    clmlp_svg_begin(&ch, out, 760, 80 + 60 * n, "predicted", "A training step's time: measured and predicted");
    clmlp_svg_axis_fit(&ch.x, CLMLP_SVG_LINEAR, 0, 1e6 * max, 180, 740);
    ch.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, n, 10 + 60.0 * n, 10};
    clmlp_svg_axes(&ch, "µs per training step", "");
    for (int i = 0; i < n; i++) {
        const clmlp_jv *dev = &d->items[i];
        char label[CLMLP_NAME_MAX + 16];
        device_label(c, i, label, sizeof label);
        clmlp_svg_text(out, 174, 44 + 60.0 * i, "text-anchor=\"end\"", label);
        for (size_t k = 0; k < CLMLP_ARRAY_LEN(bars); k++) {
            const clmlp_jv *v = clmlp_jv_path(dev, bars[k].path);
            double y = 18 + 60.0 * i + 17 * (double)k;
            if (!is_number(v)) {
                fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>\n", ch.x.from + 4, y + 11,
                        bars[k].missing);
                continue;
            }
            double us = 1e6 * v->number;
            fprintf(out, "<rect class=\"step\" data-device=\"%d\" data-what=\"%zu\" data-us=\"%.17g\" x=\"%.2f\" "
                         "y=\"%.2f\" width=\"%.3f\" height=\"14\" fill=\"%s\"><title>",
                    i, k, us, ch.x.from, y, clmlp_svg_pos(&ch.x, us) - ch.x.from, clmlp_svg_colour((int)k));
            clmlp_svg_escape(out, label);
            fprintf(out, ", %s: %.1f µs per step</title></rect>\n", bars[k].what, us);
        }
    }
    double ly = 60 + 60.0 * n; /* under the axis label */
    for (size_t k = 0; k < CLMLP_ARRAY_LEN(bars); k++) {
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", 180 + 190.0 * k, ly,
                clmlp_svg_colour((int)k));
        clmlp_svg_text(out, 194 + 190.0 * k, ly + 9, "", bars[k].what);
    }
    clmlp_svg_end(&ch);
    source(out, "Measured: <code>devices[].train.seconds_per_step</code> (the median round's training time ÷ its "
                "steps). Predicted: the roofline of the compiled plan with the device's own probe "
                "(<code>probe.train_step.seconds</code>; its error is <code>probe.step_error_percent</code>) and, "
                "where a datasheet model names the device, that model's (<code>prediction.train_step.seconds</code>).");
}

static void row_label(const clmlp_jv *c, const clmlp_jv *row, char *buf, size_t cap)
{
    if (strcmp(str(row, "source"), "measured") == 0)
        device_label(c, (int)num(row, "device"), buf, cap);
    else
        snprintf(buf, cap, "%s (modeled)", str(row, "model"));
}

static void extrapolation(FILE *out, const clmlp_jv *c)
{
    const clmlp_jv *x = clmlp_jv_get(c, "extrapolation"), *rows = items(x, "rows");
    fprintf(out, "<h2>Extrapolation: %.3g G training and %.3g G test images, %.0f epochs</h2>\n",
            num(x, "train_images") / 1e9, num(x, "test_images") / 1e9, num(x, "epochs"));
    int n = (int)count(rows);
    if (n == 0) {
        source(out, "No extrapolation in compare.json.");
        return;
    }
    double lo = INFINITY, hi = 0, usd_max = 0;
    for (int i = 0; i < n; i++) {
        const clmlp_jv *r = &rows->items[i];
        double v[] = {num(r, "total_device_hours"), num(r, "train_compute_hours"), num(r, "train_read_hours")};
        for (size_t k = 0; k < CLMLP_ARRAY_LEN(v); k++)
            if (v[k] > 0)
                lo = fmin(lo, v[k]), hi = fmax(hi, v[k]);
        usd_max = fmax(usd_max, num(r, "usd"));
    }
    clmlp_svg_chart ch;
    clmlp_svg_begin(&ch, out, 760, 80 + 30 * n, "hours", "Device-hours per device: training compute vs reading data");
    clmlp_svg_axis_fit(&ch.x, CLMLP_SVG_LOG, lo, hi, 180, 740);
    ch.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, n, 10 + 30.0 * n, 10};
    clmlp_svg_axes(&ch, "device-hours (log scale)", "");
    for (int i = 0; i < n; i++) {
        const clmlp_jv *r = &rows->items[i];
        char label[CLMLP_NAME_MAX + 32];
        row_label(c, r, label, sizeof label);
        double y = row_y(i), total = num(r, "total_device_hours");
        bool read_bound = clmlp_jv_get(r, "train_read_bound") && clmlp_jv_get(r, "train_read_bound")->boolean;
        clmlp_svg_text(out, 174, y + 4, "text-anchor=\"end\"", label);
        fprintf(out, "<rect class=\"hours\" data-hours=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"%.3f\" height=\"18\" "
                     "fill=\"%s\"><title>",
                total, ch.x.from, y - 9, clmlp_svg_pos(&ch.x, total) - ch.x.from, read_bound ? "#D55E00" : "#0072B2");
        clmlp_svg_escape(out, label);
        fprintf(out, ": %.3g device-hours (training %s-bound: compute %.3g h, reading %.3g h); %.0f devices for %.0f "
                     "h: %.3g h wall</title></rect>\n",
                total, read_bound ? "data-read" : "compute", num(r, "train_compute_hours"), num(r, "train_read_hours"),
                num(r, "devices_for_target"), num(x, "target_hours"), num(r, "wall_hours"));
        /* the other bound as a tick, so the margin between them shows */
        double other = read_bound ? num(r, "train_compute_hours") : num(r, "train_read_hours");
        if (other > 0)
            fprintf(out, "<path d=\"M%.2f %.2fV%.2f\" stroke=\"#000\" stroke-width=\"2\"/>\n",
                    clmlp_svg_pos(&ch.x, other), y - 12, y + 12);
    }
    double ly = 58 + 30.0 * n; /* under the axis label */
    fprintf(out, "<rect x=\"180\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"#0072B2\"/>\n", ly);
    clmlp_svg_text(out, 194, ly + 9, "", "training compute-bound");
    fprintf(out, "<rect x=\"360\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"#D55E00\"/>\n", ly);
    clmlp_svg_text(out, 374, ly + 9, "", "training data-read-bound");
    fprintf(out, "<path d=\"M560 %.1fV%.1f\" stroke=\"#000\" stroke-width=\"2\"/>\n", ly - 2, ly + 12);
    clmlp_svg_text(out, 566, ly + 9, "", "the other bound");
    clmlp_svg_end(&ch);

    clmlp_svg_begin(&ch, out, 760, 70 + 30 * n, "dollars", "Cost in dollars per device");
    clmlp_svg_axis_fit(&ch.x, CLMLP_SVG_LINEAR, 0, usd_max, 180, 740);
    ch.y = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, n, 10 + 30.0 * n, 10};
    clmlp_svg_axes(&ch, "US dollars (device-hours × $/hour)", "");
    for (int i = 0; i < n; i++) {
        const clmlp_jv *r = &rows->items[i], *usd = clmlp_jv_get(r, "usd");
        char label[CLMLP_NAME_MAX + 32];
        row_label(c, r, label, sizeof label);
        double y = row_y(i);
        clmlp_svg_text(out, 174, y + 4, "text-anchor=\"end\"", label);
        if (!is_number(usd)) {
            clmlp_svg_text(out, ch.x.from + 4, y + 4, "font-size=\"10\"", "no price ($/hour unknown)");
            continue;
        }
        fprintf(out, "<rect class=\"usd\" data-usd=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"%.3f\" height=\"18\" "
                     "fill=\"#009E73\"><title>",
                usd->number, ch.x.from, y - 9, clmlp_svg_pos(&ch.x, usd->number) - ch.x.from);
        clmlp_svg_escape(out, label);
        fprintf(out, ": $%.0f (%.3g device-hours × $%.3g/h)</title></rect>\n", usd->number,
                num(r, "total_device_hours"), num(r, "usd_per_device_hour"));
    }
    clmlp_svg_end(&ch);
    fprintf(out, "<p class=\"src\"><code>extrapolation.rows[]</code> in compare.json: total device-hours = training "
                 "+ evaluation, each phase the larger of its compute time (µs per image × images, measured or "
                 "modeled) and the time to read its data (%.0f B per image at %.3g GB/s per device, "
                 "<code>extrapolate.storage_read_gbps</code>); cost = device-hours × the device model's $/hour. The "
                 "seed's own arithmetic gave %.3g for its TPU and called it seconds; in its units it is %.3g hours "
                 "(compare.md, section 6).</p>\n",
            num(x, "bytes_per_image"), num(x, "storage_read_gbps"), num(x, "seed_arithmetic.seed_claimed_seconds"),
            num(x, "seed_arithmetic.tpu_hours"));
}

int clmlp_compare_write_html(FILE *out, const void *ctx)
{
    const clmlp_jv *c = ctx;
    char title[CLMLP_NAME_MAX + 32];
    snprintf(title, sizeof title, "clmlp compare: %s", str(c, "name"));
    clmlp_html_begin(out, title);
    summary(out, c);
    throughput(out, c);
    chain(out, c);
    predicted(out, c);
    extrapolation(out, c);
    clmlp_html_end(out);
    return ferror(out) ? -1 : 0;
}
