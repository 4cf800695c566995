/* Axes and text of the SVG charts in report.html and compare.html. Charts
 * are laid out in viewBox units; the page scales them to its width. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "clmlp/svg.h"

double clmlp_svg_pos(const clmlp_svg_axis *a, double v)
{
    double t;
    if (a->scale == CLMLP_SVG_LOG)
        t = v > 0 ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : 0;
    else
        t = a->hi > a->lo ? (v - a->lo) / (a->hi - a->lo) : 0;
    return a->from + t * (a->to - a->from);
}

/* The smallest 1, 2 or 5 x 10^k at least span/5: at most 5 intervals. */
static double nice_step(double span)
{
    double mag = pow(10, floor(log10(span / 5)));
    for (int i = 0; i < 3; i++) {
        double step = mag * (double[]){1, 2, 5}[i];
        if (step * 5 >= span * (1 - 1e-9))
            return step;
    }
    return mag * 10;
}

void clmlp_svg_axis_fit(clmlp_svg_axis *a, clmlp_svg_scale scale, double min, double max, double from, double to)
{
    a->scale = scale;
    a->from = from;
    a->to = to;
    if (scale == CLMLP_SVG_LOG) {
        if (!(max > 0))
            max = 1;
        if (!(min > 0) || min > max)
            min = max / 1000;
        a->lo = pow(10, floor(log10(min)));
        a->hi = pow(10, ceil(log10(max)));
        if (a->hi <= a->lo)
            a->hi = a->lo * 10;
        return;
    }
    if (!isfinite(min) || !isfinite(max) || max < min)
        min = max = 0;
    a->lo = min < 0 ? min : 0;
    double hi = max > a->lo ? max : a->lo + 1, step = nice_step(hi - a->lo);
    a->lo = floor(a->lo / step) * step;
    a->hi = ceil(hi / step - 1e-9) * step;
}

void clmlp_svg_number(double v, char *buf, size_t cap)
{
    double m = fabs(v);
    if (m >= 1e9)
        snprintf(buf, cap, "%gG", v / 1e9);
    else if (m >= 1e6)
        snprintf(buf, cap, "%gM", v / 1e6);
    else if (m >= 1e4)
        snprintf(buf, cap, "%gk", v / 1e3);
    else if (m >= 1e-4 || m == 0)
        snprintf(buf, cap, "%.4g", v);
    else
        snprintf(buf, cap, "%.0e", v);
}

void clmlp_svg_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '&')
            fputs("&amp;", out);
        else if (ch == '<')
            fputs("&lt;", out);
        else if (ch == '>')
            fputs("&gt;", out);
        else if (ch == '"')
            fputs("&quot;", out);
        else if (ch == '\'')
            fputs("&#39;", out);
        else
            fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, out);
    }
}

void clmlp_svg_text(FILE *out, double x, double y, const char *attrs, const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\"%s%s>", x, y, *attrs ? " " : "", attrs);
    clmlp_svg_escape(out, text);
    fputs("</text>\n", out);
}

const char *clmlp_svg_colour(int i)
{
    /* Okabe & Ito (2008), ordered so neighbours differ most; black last. */
    static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                          "#56B4E9", "#D55E00", "#F0E442", "#000000"};
    return palette[(i % 8 + 8) % 8];
}

/* The chart's <svg>: class and id first (readers look for them), then place, size and viewBox. */
static void open_chart(clmlp_svg_chart *c, FILE *out, int width, int height, const char *id, const char *title,
                       const char *place)
{
    c->out = out;
    c->width = width;
    c->height = height;
    fprintf(out, "<svg class=\"chart\" id=\"%s\" %s viewBox=\"0 0 %d %d\" role=\"img\">\n<title>", id, place, width,
            height);
    clmlp_svg_escape(out, title);
    fputs("</title>\n", out);
}

void clmlp_svg_begin(clmlp_svg_chart *c, FILE *out, int width, int height, const char *id, const char *title)
{
    /* At most 1.25 times its own size: a small chart does not fill a wide page. */
    char place[64];
    snprintf(place, sizeof place, "style=\"max-width:%dpx\"", width * 5 / 4);
    open_chart(c, out, width, height, id, title, place);
}

void clmlp_svg_begin_at(clmlp_svg_chart *c, FILE *out, int x, int y, int width, int height, const char *id,
                        const char *title)
{
    char place[96];
    snprintf(place, sizeof place, "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", x, y, width, height);
    open_chart(c, out, width, height, id, title, place);
}

/* The charts' own look, shared by the HTML pages and standalone SVG files. */
static const char chart_css[] = "svg .grid{stroke:#e4e4e4}svg .frame{stroke:#444;fill:none}svg .label{font-size:12px}\n"
                                "svg text{fill:#222}svg .roof{fill:none;stroke-width:1.5}\n";

void clmlp_svg_document_begin(FILE *out, int width, int height, const char *title)
{
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                 "font-family=\"system-ui,sans-serif\" font-size=\"11\">\n<title>",
            width, height, width, height);
    clmlp_svg_escape(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", chart_css);
}

void clmlp_svg_document_end(FILE *out) { fputs("</svg>\n", out); }

static const char *scale_name(clmlp_svg_scale s)
{
    return s == CLMLP_SVG_LOG ? "log" : s == CLMLP_SVG_LINEAR ? "linear" : "category";
}

/* Tick values of an axis into v (at most cap): decades (with 2 and 5 when
 * the axis spans two decades or less), or 1-2-5 steps. */
static int ticks(const clmlp_svg_axis *a, double *v, int cap)
{
    int n = 0;
    if (a->scale == CLMLP_SVG_CATEGORY)
        return 0;
    if (a->scale == CLMLP_SVG_LOG) {
        int d0 = (int)lround(log10(a->lo)), d1 = (int)lround(log10(a->hi));
        bool fine = d1 - d0 <= 2;
        for (int d = d0; d <= d1 && n < cap; d++)
            for (int m = 1; m <= (fine && d < d1 ? 5 : 1) && n < cap; m += m == 1 ? 1 : 3)
                v[n++] = m * pow(10, d);
        return n;
    }
    double step = nice_step(a->hi - a->lo);
    for (double t = a->lo; t <= a->hi + step * 1e-6 && n < cap; t += step)
        v[n++] = fabs(t) < step * 1e-9 ? 0 : t;
    return n;
}

void clmlp_svg_axes(const clmlp_svg_chart *c, const char *xlabel, const char *ylabel)
{
    FILE *out = c->out;
    const clmlp_svg_axis *x = &c->x, *y = &c->y;
    fprintf(out, "<g class=\"axes\" data-x-axis=\"%s %.17g %.17g %.17g %.17g\" data-y-axis=\"%s %.17g %.17g %.17g %.17g\">\n",
            scale_name(x->scale), x->lo, x->hi, x->from, x->to, scale_name(y->scale), y->lo, y->hi, y->from, y->to);
    double v[64];
    char label[32];
    int n = ticks(x, v, 64);
    for (int i = 0; i < n; i++) {
        double px = clmlp_svg_pos(x, v[i]);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px, y->from, px, y->to);
        clmlp_svg_number(v[i], label, sizeof label);
        clmlp_svg_text(out, px, y->from + 16, "text-anchor=\"middle\"", label);
    }
    n = ticks(y, v, 64);
    for (int i = 0; i < n; i++) {
        double py = clmlp_svg_pos(y, v[i]);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x->from, py, x->to, py);
        clmlp_svg_number(v[i], label, sizeof label);
        clmlp_svg_text(out, x->from - 6, py + 4, "text-anchor=\"end\"", label);
    }
    fprintf(out, "<path class=\"frame\" d=\"M%.1f %.1fV%.1fH%.1f\"/>\n", x->from, y->to, y->from, x->to);
    if (xlabel && *xlabel)
        clmlp_svg_text(out, (x->from + x->to) / 2, y->from + 36, "class=\"label\" text-anchor=\"middle\"", xlabel);
    if (ylabel && *ylabel) {
        char attrs[96];
        snprintf(attrs, sizeof attrs, "class=\"label\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\"",
                 (y->from + y->to) / 2);
        clmlp_svg_text(out, 14, (y->from + y->to) / 2, attrs, ylabel);
    }
    fputs("</g>\n", out);
}

void clmlp_svg_end(const clmlp_svg_chart *c) { fputs("</svg>\n", c->out); }

void clmlp_html_begin(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          out);
    clmlp_svg_escape(out, title);
    /* System fonts only: nothing is fetched. */
    fputs("</title>\n<style>\n"
          "body{font-family:system-ui,sans-serif;max-width:960px;margin:0 auto;padding:0 12px 40px;color:#222;"
          "line-height:1.45}\n"
          "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccc}\n"
          "svg.chart{width:100%;height:auto;display:block;font-size:11px;margin:8px 0}\n"
          , out);
    fputs(chart_css, out);
    fputs(
          "p.src{font-size:.85em;color:#555}\n"
          "table{border-collapse:collapse;font-size:.85em;margin:8px 0}td,th{border:1px solid #ccc;padding:2px 6px;"
          "text-align:right}td.t,th.t{text-align:left}td.n{white-space:nowrap}\n"
          ".wide{overflow-x:auto}\n"
          "#tip{position:absolute;display:none;background:#fff;border:1px solid #888;padding:4px 6px;font-size:12px;"
          "max-width:360px;white-space:pre-wrap;pointer-events:none}\n"
          "</style>\n</head>\n<body>\n<h1>",
          out);
    clmlp_svg_escape(out, title);
    fputs("</h1>\n", out);
}

void clmlp_html_end(FILE *out)
{
    /* Hover (or tap, on a phone) an element: its <title>, which holds its
     * exact figures, shows in a box beside the pointer. */
    fputs("<div id=\"tip\"></div>\n<script>\n"
          "(function(){var tip=document.getElementById('tip');\n"
          "function show(e){for(var n=e.target;n&&n.nodeName!=='svg'&&n.nodeName!=='BODY';n=n.parentNode){\n"
          "var t=n.querySelector&&n.querySelector(':scope>title');\n"
          "if(t){tip.textContent=t.textContent;tip.style.left=(e.pageX+12)+'px';tip.style.top=(e.pageY+12)+'px';"
          "tip.style.display='block';return;}}\n"
          "tip.style.display='none';}\n"
          "document.addEventListener('mouseover',show);document.addEventListener('click',show);})();\n"
          "</script>\n</body>\n</html>\n",
          out);
}
