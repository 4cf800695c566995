/* Charts as inline SVG in self-contained HTML pages (report.html,
 * compare.html): value axes (linear or log10) with ticks, grid and labelled
 * units, escaped text, the Okabe-Ito palette (safe for colour-blind
 * readers), and the page around them (no network: no external script,
 * style sheet, font or image). Every <svg> has a viewBox and scales to the
 * page's width, so pages read on a phone. Part of src/plot/. */
#ifndef CLMLP_SVG_H
#define CLMLP_SVG_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { CLMLP_SVG_LINEAR, CLMLP_SVG_LOG, CLMLP_SVG_CATEGORY } clmlp_svg_scale;

/* Values lo..hi drawn at pixels from..to (from > to for a y axis). A
 * category axis has no ticks: its caller places and labels the items. */
typedef struct clmlp_svg_axis {
    clmlp_svg_scale scale;
    double lo, hi;
    double from, to;
} clmlp_svg_axis;

/* The pixel of value v: linear, or log10 on a log axis (v <= 0 maps to lo). */
double clmlp_svg_pos(const clmlp_svg_axis *a, double v);

/* An axis over data min..max: a log axis spans whole decades around them,
 * a linear one starts at 0 (or min, when min < 0) and ends at a 1-2-5 step. */
void clmlp_svg_axis_fit(clmlp_svg_axis *a, clmlp_svg_scale scale, double min, double max, double from, double to);

typedef struct clmlp_svg_chart {
    FILE *out;
    int width, height;
    clmlp_svg_axis x, y; /* set before clmlp_svg_axes */
} clmlp_svg_chart;

/* Opens <svg class="chart" id=ID viewBox="0 0 W H"> with its <title>; the
 * axes are written as data-x-axis / data-y-axis="SCALE LO HI FROM TO" by
 * clmlp_svg_axes, so a reader (a test) can map values itself. */
void clmlp_svg_begin(clmlp_svg_chart *c, FILE *out, int width, int height, const char *id, const char *title);
/* The same chart nested at (x, y) in a standalone SVG document. */
void clmlp_svg_begin_at(clmlp_svg_chart *c, FILE *out, int x, int y, int width, int height, const char *id,
                        const char *title);
/* A standalone .svg file around nested charts: the SVG namespace, the
 * title, the charts' style sheet and a white background. */
void clmlp_svg_document_begin(FILE *out, int width, int height, const char *title);
void clmlp_svg_document_end(FILE *out);
/* Grid lines, ticks, tick labels and the axis labels (with their units). */
void clmlp_svg_axes(const clmlp_svg_chart *c, const char *xlabel, const char *ylabel);
void clmlp_svg_end(const clmlp_svg_chart *c);

/* Text for HTML/XML content and attributes: & < > " ' escaped, control
 * characters (not allowed in XML 1.0) as '?'. */
void clmlp_svg_escape(FILE *out, const char *s);
/* <text x y ATTRS>escaped text</text>; attrs may be "". */
void clmlp_svg_text(FILE *out, double x, double y, const char *attrs, const char *text);
/* A short number for a tick or a label: 0.001, 0.5, 12, 1.5k, 20M. */
void clmlp_svg_number(double v, char *buf, size_t cap);

/* Okabe-Ito colour i (cycling through its 8, black last). */
const char *clmlp_svg_colour(int i);

/* The page: <!DOCTYPE html> ... <body> with title as <title> and <h1>,
 * its style sheet and the little script that shows an element's <title>
 * (its exact figures) in a box when hovered or tapped. */
void clmlp_html_begin(FILE *out, const char *title);
void clmlp_html_end(FILE *out);

#endif
