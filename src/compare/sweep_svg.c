/* sweep.svg: a standalone picture of the sweep, log–log: train time against
 * x, then host peak RSS and device bytes against x (then an SVM's support
 * vectors), each measured value a point and each quantity's chosen law a
 * line over the measured range (a value that is not a number puts the runs
 * side by side, unfitted). */
#include <math.h>
#include <string.h>

#include "clmlp/svg.h"
#include "clmlp/sweep.h"

enum { WIDTH = 720, HEIGHT = 340, LEFT = 78, RIGHT = 24, TOP = 30, BOTTOM = 50 };

/* x drawn on a log axis: every x a positive number. */
static bool log_x(const clmlp_sweep *s)
{
    for (int i = 0; i < s->n; i++)
        if (!(s->points[i].x > 0))
            return false;
    return true;
}

static double px_of(const clmlp_sweep *s, const clmlp_svg_chart *c, int i)
{
    if (c->x.scale == CLMLP_SVG_LOG)
        return clmlp_svg_pos(&c->x, s->points[i].x);
    return c->x.from + (c->x.to - c->x.from) * (i + 0.5) / s->n;
}

static void draw_law(const clmlp_sweep *s, const clmlp_svg_chart *c, clmlp_sweep_quantity q, const char *colour)
{
    const clmlp_sweep_fit *f = &s->fits[q];
    if (!s->fitted || !f->has_chosen || c->x.scale != CLMLP_SVG_LOG)
        return;
    const clmlp_law *law = f->chosen == CLMLP_LAW_POWER ? &f->power : &f->affine;
    fprintf(c->out, "<path class=\"law\" data-law=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                    "stroke-dasharray=\"6 4\" d=\"",
            clmlp_law_name(law->kind), colour);
    /* sampled evenly in log x: an affine law is a curve on these axes */
    for (int k = 0; k <= 48; k++) {
        double x = s->x_lo * pow(s->x_hi / s->x_lo, k / 48.0), y = clmlp_law_eval(law, x);
        fprintf(c->out, "%s%.2f %.2f", k ? "L" : "M", clmlp_svg_pos(&c->x, x), clmlp_svg_pos(&c->y, y > 0 ? y : c->y.lo));
    }
    char exponent[32] = "";
    if (law->kind == CLMLP_LAW_POWER) /* the figure a reader wants: how fast it grows */
        snprintf(exponent, sizeof exponent, " x^%.3f", law->b);
    fprintf(c->out, "\"><title>%s law%s%s, R² %.4f on the log scale</title></path>\n", clmlp_law_name(law->kind),
            exponent, f->by_model ? " (the model's: superlinear)" : "", law->r2_log);
}

static void draw_points(const clmlp_sweep *s, const clmlp_svg_chart *c, clmlp_sweep_quantity q, const char *colour)
{
    for (int i = 0; i < s->n; i++) {
        double y = clmlp_sweep_value(&s->points[i], q);
        fprintf(c->out, "<circle class=\"measured\" cx=\"%.2f\" cy=\"%.2f\" r=\"4.5\" fill=\"%s\"><title>",
                px_of(s, c, i), clmlp_svg_pos(&c->y, y), colour);
        clmlp_svg_escape(c->out, s->key);
        fputc('=', c->out);
        clmlp_svg_escape(c->out, s->points[i].value);
        fprintf(c->out, ": %s %.6g</title></circle>\n", clmlp_sweep_quantity_name(q), y);
    }
}

static void x_axis(const clmlp_sweep *s, clmlp_svg_chart *c)
{
    if (log_x(s))
        clmlp_svg_axis_fit(&c->x, CLMLP_SVG_LOG, s->x_lo, s->x_hi, LEFT, WIDTH - RIGHT);
    else
        c->x = (clmlp_svg_axis){CLMLP_SVG_CATEGORY, 0, s->n, LEFT, WIDTH - RIGHT};
}

/* The runs' values under a category axis, which has no ticks of its own. */
static void category_labels(const clmlp_sweep *s, const clmlp_svg_chart *c)
{
    if (c->x.scale != CLMLP_SVG_CATEGORY)
        return;
    for (int i = 0; i < s->n; i++)
        clmlp_svg_text(c->out, px_of(s, c, i), c->y.from + 16, "text-anchor=\"middle\"", s->points[i].value);
}

static void y_range(const clmlp_sweep *s, const clmlp_sweep_quantity *qs, int nq, double *lo, double *hi)
{
    *lo = INFINITY, *hi = 0;
    for (int k = 0; k < nq; k++)
        for (int i = 0; i < s->n; i++) {
            double y = clmlp_sweep_value(&s->points[i], qs[k]);
            if (y > 0)
                *lo = fmin(*lo, y), *hi = fmax(*hi, y);
        }
    if (!(*hi > 0))
        *lo = 1, *hi = 10; /* nothing positive: an empty decade */
}

static void legend(FILE *out, int k, const char *colour, const char *text)
{
    double x = LEFT + 10 + 230 * k;
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%d\" r=\"4.5\" fill=\"%s\"/>\n", x, TOP - 12, colour);
    clmlp_svg_text(out, x + 9, TOP - 8, "", text);
}

static void chart(FILE *out, const clmlp_sweep *s, int y0, const char *id, const char *title,
                  const clmlp_sweep_quantity *qs, const char *const *names, int nq, const char *ylabel)
{
    clmlp_svg_chart c;
    clmlp_svg_begin_at(&c, out, 0, y0, WIDTH, HEIGHT, id, title);
    x_axis(s, &c);
    double lo, hi;
    y_range(s, qs, nq, &lo, &hi);
    clmlp_svg_axis_fit(&c.y, CLMLP_SVG_LOG, lo, hi, HEIGHT - BOTTOM, TOP);
    char xlabel[200];
    snprintf(xlabel, sizeof xlabel, "%s%s", strcmp(s->key, "data.train.limit") == 0 ? "training images (" : s->key,
             strcmp(s->key, "data.train.limit") == 0 ? "data.train.limit), log" : log_x(s) ? ", log" : "");
    clmlp_svg_axes(&c, xlabel, ylabel);
    category_labels(s, &c);
    for (int k = 0; k < nq; k++) {
        const char *colour = clmlp_svg_colour(qs[k] + 1);
        draw_law(s, &c, qs[k], colour);
        draw_points(s, &c, qs[k], colour);
        legend(out, k, colour, names[k]);
    }
    clmlp_svg_end(&c);
}

int clmlp_sweep_write_svg(FILE *out, const void *ctx)
{
    const clmlp_sweep *s = ctx;
    char title[sizeof s->name + sizeof s->key + 80];
    snprintf(title, sizeof title, "clmlp sweep %s over %s: measured (points) and the fitted law (dashed)", s->name,
             s->key);
    bool svm = clmlp_sweep_applies(s, CLMLP_SWEEP_SUPPORT_VECTORS); /* a third chart: how the model grows */
    clmlp_svg_document_begin(out, WIDTH, (svm ? 3 : 2) * HEIGHT, title);
    static const clmlp_sweep_quantity time_q[] = {CLMLP_SWEEP_TRAIN_SECONDS};
    static const char *const time_names[] = {"train time (measured; dashed: fitted law)"};
    chart(out, s, 0, "sweep-time", "Train time", time_q, time_names, 1, "train seconds, log");
    static const clmlp_sweep_quantity mem_q[] = {CLMLP_SWEEP_HOST_PEAK, CLMLP_SWEEP_DEVICE_BYTES};
    static const char *const mem_names[] = {"host peak RSS", "device bytes allocated"};
    chart(out, s, HEIGHT, "sweep-memory", "Memory", mem_q, mem_names, 2, "bytes, log");
    static const clmlp_sweep_quantity sv_q[] = {CLMLP_SWEEP_SUPPORT_VECTORS};
    static const char *const sv_names[] = {"support vectors (measured; dashed: fitted law)"};
    if (svm)
        chart(out, s, 2 * HEIGHT, "sweep-support-vectors", "Support vectors", sv_q, sv_names, 1,
              "support vectors, log");
    clmlp_svg_document_end(out);
    return ferror(out) ? -1 : 0;
}
