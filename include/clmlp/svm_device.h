/* The SVM's kernel values on an OpenCL device, through the GEMM layer:
 * K(x, y) = exp(-gamma |x - y|^2) as a GEMM with the EXP epilogue on
 * augmented operands (clmlp_gemm_rbf_operands), so the squared norms ride
 * in the product and the epilogue only exponentiates.
 *
 *   training   clmlp_svm_device_create uploads every training example's
 *              operand rows once (left, right, and right transposed per
 *              class); a binary problem's whole l x l block
 *              (clmlp_svm_device_block) is assembled from the blocks of its
 *              two classes: K(a, a) and K(b, b), computed once per class and
 *              kept while they fit diag_budget (each serves k - 1 problems),
 *              and K(a, b), NN GEMMs against panels of class b's transposed
 *              rows. With parts set, clmlp_svm_device_row assembles just the
 *              rows the solver asks for from those same blocks (the run's
 *              way: the solver touches a quarter of them); without, or for a
 *              problem that is not two classes, a row is one NT GEMM. A GEMM's rows are copied
 *              together on the device first.
 *   prediction clmlp_svm_device_predict: the support vectors' operands
 *              uploaded once (transposed), then NN GEMMs of each chunk of
 *              test rows against their panels, read back and voted on the
 *              host (clmlp_svm_predict_batch)
 *
 * Every launch, copy and read is profiled (phase "train" or "eval") when a
 * profiler is given. */
#ifndef CLMLP_SVM_DEVICE_H
#define CLMLP_SVM_DEVICE_H

#include "clmlp/gemm_kernels.h"
#include "clmlp/profile.h"
#include "clmlp/svm.h"

typedef struct clmlp_svm_device {
    clmlp_device *dev;
    clmlp_profiler *prof;            /* NULL: not profiled */
    int n, d, k;                     /* examples, features, operand width d + 2 */
    double gamma;
    cl_mem left, right;              /* n x k: every example's left and right operand rows */
    /* right_t: per segment s (a class: examples seg_start[s] ..
     * seg_start[s+1]-1), its right operands transposed, k x len, at float
     * offset k * seg_start[s]: the NN GEMM's B, which runs 2-3x faster
     * than NT on CPUs (README "SVM") */
    cl_mem right_t;
    int *seg_start, n_seg;
    cl_mem pair_left, pair_right;    /* a chunk's left rows; the problem's right rows (NT) or a segment's (NN) */
    cl_mem out;                      /* the chunk's kernel values */
    size_t left_cap, right_cap, out_cap; /* their sizes, bytes */
    int *cols;                       /* the rows pair_right holds (NT; a copy), cols_n of them */
    int cols_n;
    int seg_loaded;                  /* the segment pair_right holds a panel of (NN), -1 none */
    int panel_c0, panel_nb;          /* that panel's columns */
    clmlp_gemm_kernel gemm_nt, gemm_nn; /* prepared once; resized per launch */
    int stat_block, stat_row, stat_gather, stat_read, stat_predict, stat_write; /* profiler entries */
    /* totals */
    long blocks, rows, launches;
    double flops, seconds;           /* GEMM FLOPs; host wall time inside the provider */
    size_t device_bytes;             /* what it allocated on the device */
    /* a class's own block K(a, a), kept for the next problems with class a */
    struct clmlp_svm_diag {
        int start, len;              /* the run of examples */
        float *values;               /* len x len */
    } *diag;
    int n_diag;
    size_t diag_bytes, diag_budget;  /* host bytes kept, and the most to keep (0: none) */
    /* Row assembly (parts true): a two-class problem's rows are put
     * together from K(a, b) (cross) and the classes' own blocks as the
     * solver asks for them, instead of writing its whole block. */
    bool parts;
    int part_n, part_first, part_last, part_na; /* the problem the parts are of (part_n 0: none; part_na 0: not two classes) */
    const float *part_diag[2];       /* K(a, a), K(b, b) */
    bool part_owned[2];              /* not kept among diag: freed with the parts */
    float *block, *cross, *panel;    /* the last block handed out, its cross part, a panel read: reused */
    size_t block_cap, cross_cap, panel_cap; /* their sizes, floats */
} clmlp_svm_device;

/* x: n x d preprocessed features (row-major, the caller's; not kept);
 * seg_start[0..n_seg]: the segments (classes) as runs of examples, 0 first
 * and n last (NULL, 0: one segment). tunables: the NN EXP GEMM's (NULL:
 * the defaults on dev; the NT one for single rows takes its defaults). */
int clmlp_svm_device_create(clmlp_device *dev, clmlp_profiler *prof, const float *x, int n, int d, double gamma,
                            const int *seg_start, int n_seg, const clmlp_gemm_tunables *tunables,
                            clmlp_svm_device *sd, clmlp_err *err);
/* clmlp_svm_block_fn and clmlp_svm_row_fn over a clmlp_svm_device (user). */
const float *clmlp_svm_device_block(void *user, const int *cols, int n, clmlp_err *err);
int clmlp_svm_device_row(void *user, int i, const int *cols, int n, float *out, clmlp_err *err);
/* Launches both GEMM kernels once, on one value (drivers such as PoCL
 * finish compiling a kernel at its first launch): not counted or profiled. */
int clmlp_svm_device_warm_up(clmlp_svm_device *sd, clmlp_err *err);
void clmlp_svm_device_release(clmlp_svm_device *sd);

/* Labels for n test examples (x: n x d, preprocessed as the model's) with
 * the model's support vectors sv (model->n_sv x d) on dev, in chunks whose
 * kernel matrix stays under a budget (NN GEMMs). prof may be NULL;
 * *flops (may be NULL) receives the GEMM FLOPs. */
int clmlp_svm_device_predict(clmlp_device *dev, clmlp_profiler *prof, const clmlp_svm_model *model, const float *sv,
                             int d, double gamma, const float *x, int n, const clmlp_gemm_tunables *tunables,
                             int *labels, double *flops, clmlp_err *err);

/* Preprocessed float features (pixel/255, pixel > 0, or raw:
 * clmlp_preprocess_pixel) of n examples, n x features, malloc'ed: row t
 * is the pixels' example order[t] (order NULL: example t). */
float *clmlp_svm_features(const uint8_t *pixels, const int64_t *order, int64_t n, int64_t features, bool scale,
                          bool binarize, clmlp_err *err);

#endif
