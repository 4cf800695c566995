/* Pictures of one image for people to look at (clmlp show): the image as a
 * PNG and as Unicode blocks in a terminal, and its pixel histogram as SVG.
 * Pixels are 8-bit grey, row-major, as the data readers hold them; one file
 * per picture in src/plot/. */
#ifndef CLMLP_PLOT_H
#define CLMLP_PLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct clmlp_plot_image {
    const uint8_t *pixels; /* rows * cols */
    int rows, cols;
    const char *title;     /* names the image, e.g. "train-images-idx3-ubyte.gz: image 3, label 1" */
} clmlp_plot_image;

/* An 8-bit greyscale PNG of exactly rows x cols pixels (0 black, 255
 * white, as stored), the title in its tEXt "Title". 0, or -1 when libpng or
 * the stream fails. */
int clmlp_plot_write_png(FILE *out, const clmlp_plot_image *img);

#define CLMLP_PLOT_MAX_BINS 256

/* The bin of pixel value v among `bins` (1..256) equal bins over [0, 255],
 * the last one closed: numpy.histogram(x, bins, range=(0, 255))'s rule, so
 * 10 bins are the seed's plt.hist and 256 are one bar per value. */
int clmlp_plot_bin(uint8_t v, int bins);

/* counts[0..bins) of the image's pixels by clmlp_plot_bin. */
void clmlp_plot_histogram(const clmlp_plot_image *img, int bins, int64_t *counts);

/* The pixel histogram as a standalone SVG bar chart: x "pixel value" 0-255,
 * y "count", img->title on top. Each bin is one
 * <rect class="bar" data-from="A" data-to="B" data-count="N" ...> (A..B the
 * pixel values it holds), also for empty bins. 0, or -1 on a stream error. */
int clmlp_plot_write_histogram_svg(FILE *out, const clmlp_plot_image *img, int bins);

/* The image in a terminal: a frame of box-drawing lines around cols cells
 * by ceil(rows/2) lines, each cell two pixels stacked. With colour, every
 * cell is "▀" in 256-colour greys (top pixel as foreground, bottom as
 * background); without, plain text: ' ', '▀', '▄' or '█', a pixel drawn
 * when it is >= 128. 0, or -1 on a stream error. */
int clmlp_plot_write_terminal(FILE *out, const clmlp_plot_image *img, bool colour);

#endif
