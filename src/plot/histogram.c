/* Pixel counts per bin, binned like numpy.histogram over [0, 255]. */
#include "clmlp/plot.h"

#include <string.h>

int clmlp_plot_bin(uint8_t v, int bins)
{
    /* Bin k is [255k/bins, 255(k+1)/bins); 255 itself goes to the last. */
    int k = (int)v * bins / 255;
    return k < bins ? k : bins - 1;
}

void clmlp_plot_histogram(const clmlp_plot_image *img, int bins, int64_t *counts)
{
    memset(counts, 0, (size_t)bins * sizeof *counts);
    size_t n = (size_t)img->rows * (size_t)img->cols;
    for (size_t i = 0; i < n; i++)
        counts[clmlp_plot_bin(img->pixels[i], bins)]++;
}
