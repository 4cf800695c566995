/* Datasets on the host: MNIST-style IDX files (gzip or raw) and the Kaggle
 * digit-recognizer CSV, kept as uint8 pixels and labels. Conversion to float
 * happens on the device (see cl/gather.cl), so the host never holds a float copy. */
#ifndef CLMLP_DATA_H
#define CLMLP_DATA_H

#include "clmlp/common.h"
#include "clmlp/config.h"

#include <stdbool.h>
#include <stdint.h>

/* The alignment of the pixels of an IDX file that fits one allocation
 * (every MNIST-sized set): a page, which lets host-memory devices use them in place. */
#define CLMLP_DATA_ALIGN 4096

typedef struct clmlp_dataset {
    int64_t count;    /* number of examples */
    int rows, cols;   /* 28 x 28 for MNIST */
    uint8_t *pixels;  /* count * rows * cols, row-major per image */
    uint8_t *labels;  /* count labels 0..255 as stored (the trainer checks them against
                         model.classes), or NULL when the source has none */
} clmlp_dataset;

static inline int64_t clmlp_dataset_features(const clmlp_dataset *ds) { return (int64_t)ds->rows * ds->cols; }

/* IDX pair: images (magic 0x00000803, dims count x rows x cols) and labels
 * (magic 0x00000801, dims count). gzip or uncompressed, detected by content.
 * labels_path may be NULL; otherwise its count must equal the images'.
 * Rows and cols are 1..4096; the file must end exactly after the data.
 * Errors (exit code CLMLP_EXIT_DATA) are one line naming the file and the
 * byte offset of the problem in the uncompressed stream:
 *   data/mnist/train-images-idx3-ubyte.gz: truncated at byte 1048592, expected 47040016 bytes (60000 images of 28x28)
 *   x.idx: bad magic 0x00000801 at byte 0, expected 0x00000803 (IDX images, 3 dims); this is a labels file
 *   labels.idx: 59999 labels but images.idx has 60000 images
 * On failure *ds is zeroed. */
int clmlp_idx_load(const char *images_path, const char *labels_path, clmlp_dataset *ds, clmlp_err *err);
/* The same, reading only the first max_count examples (<= 0: all): nothing
 * past them is decompressed, and a file longer than that is not an error. */
int clmlp_idx_load_first(const char *images_path, const char *labels_path, int64_t max_count, clmlp_dataset *ds,
                         clmlp_err *err);

/* Kaggle CSV: a header line, then `label,pixel0..pixel783` (has_labels) or
 * `pixel0..pixel783`; LF or CRLF, last newline optional, blank lines skipped,
 * gzip or raw. Images are 28 x 28. Errors (CLMLP_EXIT_DATA) name file:line:
 *   x.csv:5: expected 785 fields, got 784
 *   x.csv:3: pixel 200 value 256 out of range [0, 255]
 * On failure *ds is zeroed. */
int clmlp_csv_load(const char *path, bool has_labels, clmlp_dataset *ds, clmlp_err *err);

/* Loads one split as the config describes it and applies its limit. An
 * empty labels path (IDX) means no labels. */
int clmlp_data_load(const clmlp_data_source *src, clmlp_dataset *ds, clmlp_err *err);

/* A source for one data file named on the command line (no config): IDX
 * images when it starts like an IDX file (two zero bytes), a Kaggle CSV when
 * its header starts "label," (labeled) or "pixel0" (unlabeled). IDX labels
 * are labels_path, or when NULL the MNIST-named file beside the images if it
 * exists (train-images-idx3-ubyte.gz -> train-labels-idx1-ubyte.gz), else
 * none; labels_path with a CSV is a usage error. Reads only the first bytes;
 * the readers check the rest. Errors: an unreadable, empty or unknown file
 * (CLMLP_EXIT_DATA). */
int clmlp_data_source_detect(const char *path, const char *labels_path, clmlp_data_source *src, clmlp_err *err);

/* Drops the first n examples (no-op when n <= 0 or n >= count). */
void clmlp_dataset_skip(clmlp_dataset *ds, int64_t n);

/* Labels there, and each below classes (model.classes); split ("training",
 * "test") names the set in the error (CLMLP_EXIT_DATA). */
int clmlp_dataset_check_labels(const clmlp_dataset *ds, int classes, const char *split, clmlp_err *err);

/* Keeps the first n examples (no-op when n <= 0 or n >= count). */
void clmlp_dataset_limit(clmlp_dataset *ds, int64_t n);

/* Frees and zeroes; safe on a zeroed struct and when called twice. */
void clmlp_dataset_free(clmlp_dataset *ds);

/* Host-side reference of the device preprocessing: pixel/255 when scale,
 * pixel>0 when binarize (binarize wins), else the raw value. */
float clmlp_preprocess_pixel(uint8_t pixel, bool scale, bool binarize);

#endif
