/* Datasets on the host: MNIST-style IDX files (gzip or raw) and the Kaggle
 * digit-recognizer CSV, kept as uint8 pixels and labels. Conversion to float
 * happens on the device (see cl/gather.cl), so the host never holds a float copy. */
#ifndef CLMLP_DATA_H
#define CLMLP_DATA_H

#include "clmlp/common.h"
#include "clmlp/config.h"

#include <stdint.h>

typedef struct clmlp_dataset {
    int64_t count;    /* number of examples */
    int rows, cols;   /* 28 x 28 for MNIST */
    uint8_t *pixels;  /* count * rows * cols, row-major per image */
    uint8_t *labels;  /* count labels in 0..9, or NULL when the source has none */
} clmlp_dataset;

static inline int64_t clmlp_dataset_features(const clmlp_dataset *ds) { return (int64_t)ds->rows * ds->cols; }

/* IDX pair: images (magic 0x00000803, dims count x rows x cols) and labels
 * (magic 0x00000801, dims count). gzip or uncompressed, detected by content.
 * labels_path may be NULL. Errors (exit code CLMLP_EXIT_DATA) name the file
 * and the byte offset of the problem (in the uncompressed stream):
 *   data/mnist/train-images-idx3-ubyte.gz: truncated at byte 1048592 of 47040016 (expected 60000 images of 28x28)
 */
int clmlp_idx_load(const char *images_path, const char *labels_path, clmlp_dataset *ds, clmlp_err *err);

/* Kaggle CSV: a header line, then `label,pixel0..pixel783` (has_labels) or
 * `pixel0..pixel783`. Errors name file:line. Images are 28 x 28. */
int clmlp_csv_load(const char *path, bool has_labels, clmlp_dataset *ds, clmlp_err *err);

/* Loads one split as the config describes it and applies its limit. */
int clmlp_data_load(const clmlp_data_source *src, clmlp_dataset *ds, clmlp_err *err);

/* Keeps the first n examples (no-op when n <= 0 or n >= count). */
void clmlp_dataset_limit(clmlp_dataset *ds, int64_t n);

void clmlp_dataset_free(clmlp_dataset *ds);

/* Host-side reference of the device preprocessing: pixel/255 when scale,
 * pixel>0 when binarize (binarize wins), else the raw value. */
float clmlp_preprocess_pixel(uint8_t pixel, bool scale, bool binarize);

#endif
