/* The pixel histogram as a standalone SVG bar chart, laid out by hand: a
 * fixed 640x420 canvas, x the pixel value 0-255, y the count on a linear
 * axis with 1-2-5 ticks. */
#include "clmlp/plot.h"
#include "clmlp/svg.h"

enum { WIDTH = 640, HEIGHT = 420, LEFT = 72, RIGHT = 616, TOP = 48, BOTTOM = 364 };

/* The smallest 1, 2 or 5 x 10^k step that covers max in at most 5 ticks. */
static int64_t tick_step(int64_t max)
{
    for (int64_t mag = 1;; mag *= 10)
        for (int i = 0; i < 3; i++) {
            int64_t step = mag * (int64_t[]){1, 2, 5}[i];
            if (step * 5 >= max)
                return step;
        }
}

static double x_of(double value) { return LEFT + value / 255.0 * (RIGHT - LEFT); }

static double y_of(int64_t count, int64_t top) { return BOTTOM - (double)count / (double)top * (BOTTOM - TOP); }

int clmlp_plot_write_histogram_svg(FILE *out, const clmlp_plot_image *img, int bins)
{
    int64_t counts[CLMLP_PLOT_MAX_BINS];
    clmlp_plot_histogram(img, bins, counts);
    int64_t max = 1;
    for (int k = 0; k < bins; k++)
        max = counts[k] > max ? counts[k] : max;
    int64_t step = tick_step(max), top = (max + step - 1) / step * step;

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"sans-serif\" font-size=\"12\">\n<title>",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    clmlp_svg_escape(out, img->title);
    fprintf(out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n"
                 "<text x=\"%d\" y=\"26\" text-anchor=\"middle\" font-size=\"15\">",
            WIDTH, HEIGHT, (LEFT + RIGHT) / 2);
    clmlp_svg_escape(out, img->title);
    fputs("</text>\n<g class=\"grid\" stroke=\"#dddddd\">\n", out);
    for (int64_t c = step; c <= top; c += step)
        fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\"/>\n", LEFT, y_of(c, top), RIGHT, y_of(c, top));
    fputs("</g>\n<g class=\"bars\" fill=\"#4878a8\" stroke=\"white\" stroke-width=\"0.5\">\n", out);
    /* Pixel values from..to of each bin, found by binning every value the way the counts were. */
    int from[CLMLP_PLOT_MAX_BINS], to[CLMLP_PLOT_MAX_BINS];
    for (int v = 255; v >= 0; v--)
        from[clmlp_plot_bin((uint8_t)v, bins)] = v;
    for (int v = 0; v <= 255; v++)
        to[clmlp_plot_bin((uint8_t)v, bins)] = v;
    for (int k = 0; k < bins; k++) {
        double x0 = x_of(255.0 * k / bins), x1 = x_of(255.0 * (k + 1) / bins), y = y_of(counts[k], top);
        fprintf(out,
                "<rect class=\"bar\" data-from=\"%d\" data-to=\"%d\" data-count=\"%lld\" x=\"%.2f\" y=\"%.2f\" "
                "width=\"%.2f\" height=\"%.2f\"><title>%d-%d: %lld</title></rect>\n",
                from[k], to[k], (long long)counts[k], x0, y, x1 - x0, BOTTOM - y, from[k], to[k],
                (long long)counts[k]);
    }
    fputs("</g>\n", out);
    if (bins <= 32) { /* room to print each count above its bar */
        fputs("<g class=\"counts\" text-anchor=\"middle\" font-size=\"10\">\n", out);
        for (int k = 0; k < bins; k++)
            fprintf(out, "<text x=\"%.2f\" y=\"%.2f\">%lld</text>\n", x_of(255.0 * (k + 0.5) / bins),
                    y_of(counts[k], top) - 3, (long long)counts[k]);
        fputs("</g>\n", out);
    }
    fprintf(out, "<g class=\"axes\" stroke=\"black\">\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n"
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
            LEFT, BOTTOM, RIGHT, BOTTOM, LEFT, TOP, LEFT, BOTTOM);
    for (int v = 0; v <= 255; v += 51)
        fprintf(out, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>\n", x_of(v), BOTTOM, x_of(v), BOTTOM + 5);
    for (int64_t c = 0; c <= top; c += step)
        fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\"/>\n", LEFT - 5, y_of(c, top), LEFT, y_of(c, top));
    fputs("</g>\n<g class=\"ticks\">\n", out);
    for (int v = 0; v <= 255; v += 51)
        fprintf(out, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x_of(v), BOTTOM + 19, v);
    for (int64_t c = 0; c <= top; c += step)
        fprintf(out, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%lld</text>\n", LEFT - 8, y_of(c, top) + 4,
                (long long)c);
    fprintf(out, "</g>\n<text class=\"xlabel\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">pixel value</text>\n"
                 "<text class=\"ylabel\" transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">count</text>\n"
                 "</svg>\n",
            (LEFT + RIGHT) / 2, BOTTOM + 42, (TOP + BOTTOM) / 2);
    return ferror(out) ? -1 : 0;
}
