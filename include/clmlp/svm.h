/* Support vector classification (scikit-learn's svm.SVC: C-SVC, one-vs-one)
 * on the host: the SMO dual solver of LIBSVM (Chang & Lin 2011) with the
 * second-order working-set selection of Fan, Chen & Lin (2005), a bounded
 * LRU cache of kernel rows, one-vs-one training and voting, gamma="scale",
 * a double-precision RBF reference kernel and a KKT check.
 *
 * Kernel values reach the solver only through clmlp_svm_kernel.row, one row
 * at a time, so the rows can come from a device GEMM with an RBF epilogue;
 * nothing here knows about OpenCL. No shrinking (see smo.c). */
#ifndef CLMLP_SVM_H
#define CLMLP_SVM_H

#include <stdbool.h>
#include <stddef.h>

#include "clmlp/common.h"

/* Writes K(x_i, x_cols[k]) to out[k] for k in [0, n): example i against a
 * list of examples, all indices of the caller's training set. Called with
 * the examples of one binary problem as cols (for one-vs-one: the two
 * classes' examples, in two contiguous runs of ascending indices of the
 * class-grouped order the trainer passes); out has room for n floats and
 * belongs to the cache. Returns 0, or -1 after filling err. */
typedef int (*clmlp_svm_row_fn)(void *user, int i, const int *cols, int n, float *out, clmlp_err *err);

/* The whole block K(x_cols[r], x_cols[c]) at [r * n + c] (n x n floats),
 * in the provider's memory, valid until its next block call (so one buffer
 * serves every problem: a fresh 600 MB block per MNIST problem cost more in
 * page faults than its GEMMs); NULL after filling err. One call instead of
 * n row calls, for a provider that computes a block faster than its rows
 * one by one (device GEMMs). */
typedef const float *(*clmlp_svm_block_fn)(void *user, const int *cols, int n, clmlp_err *err);

typedef struct clmlp_svm_kernel {
    clmlp_svm_row_fn row;
    void *user;
    /* K(x_i, x_i) by example index; NULL: all 1, as for the RBF kernel. */
    const double *diag;
    /* NULL, or used instead of row when the problem's whole n x n block fits the cache budget */
    clmlp_svm_block_fn block;
} clmlp_svm_kernel;

typedef struct clmlp_svm_params {
    double C;           /* box constraint; scikit-learn's default is 1 */
    double eps;         /* stopping tolerance on the maximal violation (scikit-learn's tol, 1e-3) */
    size_t cache_bytes; /* kernel-row cache budget per binary problem; at least 2 rows are kept */
    long max_iter;      /* <= 0: LIBSVM's max(10^7, 100 l) */
    /* optional: called before each binary problem of a one-vs-one training (pair == pairs when done) */
    void (*progress)(void *user, int pair, int pairs);
    void *progress_user;
} clmlp_svm_params;

/* C = 1, eps = 1e-3, a 200 MB cache (scikit-learn's cache_size), LIBSVM's iteration cap. */
clmlp_svm_params clmlp_svm_default_params(void);

/* ---- kernel-row cache (cache.c) ---------------------------------------- */

/* LRU cache of rows of length l for the problem's examples 0..l-1 (local
 * indices; cols maps them to the callback's indices). With a block callback
 * and a budget of l x l floats or more it holds the whole block instead,
 * computed by one block call at the first row asked for. */
typedef struct clmlp_svm_cache clmlp_svm_cache;

clmlp_svm_cache *clmlp_svm_cache_new(const clmlp_svm_kernel *kernel, const int *cols, int l, size_t budget_bytes,
                                     clmlp_err *err);
/* Row of local example i; valid until the next call (with a budget of two
 * rows, the row of the previous call stays valid too: it is the most recently
 * used, never the one evicted). NULL after filling err. */
const float *clmlp_svm_cache_row(clmlp_svm_cache *cache, int i, clmlp_err *err);
/* Rows the callback computed so far (misses). */
long clmlp_svm_cache_computed(const clmlp_svm_cache *cache);
/* Rows the budget holds at once. */
int clmlp_svm_cache_capacity(const clmlp_svm_cache *cache);
/* True when the cache holds the whole block (one block call). */
bool clmlp_svm_cache_is_block(const clmlp_svm_cache *cache);
void clmlp_svm_cache_free(clmlp_svm_cache *cache);

/* ---- binary SMO solver (smo.c) ------------------------------------------ */

typedef struct clmlp_svm_result {
    double rho;          /* decision f(x) = sum_i alpha_i y_i K(x_i, x) - rho (scikit-learn: intercept = -rho) */
    double obj;          /* dual objective 1/2 a'Qa - e'a at the end */
    /* max over I_up of -y G minus min over I_low of -y G: < eps when
     * converged, negative when the optimum's KKT conditions hold strictly */
    double max_violation;
    long iterations;
    long rows_computed;  /* kernel rows the callback produced (a whole block counts its l rows) */
    int l;               /* examples in the problem */
    bool block;          /* its kernel came as one whole block */
    int hit_max_iter;    /* stopped at max_iter (LIBSVM warns and goes on) */
} clmlp_svm_result;

/* Solves min 1/2 a'Qa - e'a, 0 <= a <= C, y'a = 0, Q_ij = y_i y_j K_ij for
 * the l examples cols[0..l) (NULL: 0..l-1) with labels y = +1/-1. alpha
 * and grad (length l, the caller's) receive the solution and the gradient
 * G = Qa - e. Errors: CLMLP_EXIT_USAGE for bad parameters or labels (both
 * +1 and -1 must occur), or the callback's. */
int clmlp_svm_solve(int l, const int *cols, const signed char *y, const clmlp_svm_kernel *kernel,
                    const clmlp_svm_params *params, double *alpha, double *grad, clmlp_svm_result *result,
                    clmlp_err *err);

/* ---- KKT check (kkt.c) --------------------------------------------------- */

/* Largest violation of the KKT conditions of the solution (alpha, gradient
 * G = Qa - e, rho) in margin units: with r_t = G_t - y_t rho = y_t f(x_t) - 1,
 * r_t >= 0 where alpha_t = 0, r_t <= 0 where alpha_t = C, r_t = 0 between.
 * At most the solver's max_violation when rho is LIBSVM's. */
double clmlp_svm_kkt_violation(int l, const double *alpha, const double *grad, const signed char *y, double C,
                               double rho);

/* ---- one-vs-one multiclass (ovo.c) ------------------------------------- */

/* Classes are the distinct labels sorted ascending (scikit-learn's order;
 * plain LIBSVM orders by first appearance). Pair p runs over (0,1), (0,2),
 * ..., (0,k-1), (1,2), ...; in pair (a, b) class a is +1. */
typedef struct clmlp_svm_model {
    int n_classes;
    int *labels;     /* n_classes, ascending */
    int n_sv;        /* support vectors, grouped by class, ascending index within a class */
    int *sv_index;   /* n_sv: the training example each support vector is */
    int *sv_count;   /* n_classes: support vectors per class */
    /* (n_classes - 1) x n_sv, LIBSVM's layout (scikit-learn's dual_coef_):
     * for a support vector of class a, its y alpha in pair (a, b) sits in
     * row b - 1 when b > a, and in row b when b < a. */
    double *coef;
    double *rho;     /* n_pairs; scikit-learn's intercept_ is -rho */
    clmlp_svm_result *pairs; /* n_pairs: how each binary problem ended */
} clmlp_svm_model;

int clmlp_svm_n_pairs(int n_classes);

/* Trains k(k-1)/2 binary problems on the n examples with integer labels.
 * kernel indices are example indices 0..n-1. Errors: CLMLP_EXIT_USAGE (fewer
 * than two classes, bad parameters), CLMLP_EXIT_INTERNAL (memory), or the callback's. */
int clmlp_svm_train_ovo(int n, const int *labels, const clmlp_svm_kernel *kernel, const clmlp_svm_params *params,
                        clmlp_svm_model *model, clmlp_err *err);
void clmlp_svm_model_free(clmlp_svm_model *model);

/* Label of one test example from its kernel values against the support
 * vectors, kvals[s] = K(x, x_{sv_index[s]}): pair (a, b) votes a when its
 * decision value is > 0, else b; the most votes win, the lowest class index
 * among ties (LIBSVM and scikit-learn). votes (n_classes, required: the
 * scratch) receives the counts; dec (n_pairs, may be NULL) the decision values. */
int clmlp_svm_predict(const clmlp_svm_model *model, const float *kvals, int *votes, double *dec);
/* The same for n test examples, kmat row-major n x n_sv; out receives labels.
 * Error: CLMLP_EXIT_INTERNAL (memory). */
int clmlp_svm_predict_batch(const clmlp_svm_model *model, int n, const float *kmat, int *out, clmlp_err *err);

/* ---- kernels (kernel.c) ----------------------------------------------- */

/* scikit-learn's gamma="scale": 1 / (d var(X)) with the population variance
 * of all n x d elements of the row-major matrix x; 1 when the variance is 0
 * (as scikit-learn). */
double clmlp_svm_gamma_scale(const float *x, size_t n, size_t d);
/* The population variance of count floats (two passes, in double). */
double clmlp_svm_variance(const float *x, size_t count);

/* Dense row-major float examples under the RBF kernel exp(-gamma |a - b|^2),
 * evaluated as exp(-gamma (|a|^2 + |b|^2 - 2 a.b)), the form the device
 * epilogue uses, in double precision. */
typedef struct clmlp_svm_rbf {
    const float *x;
    int n, d;
    double gamma;
    double *sqnorm; /* n squared norms, filled by clmlp_svm_rbf_init */
} clmlp_svm_rbf;

int clmlp_svm_rbf_init(clmlp_svm_rbf *rbf, const float *x, int n, int d, double gamma, clmlp_err *err);
void clmlp_svm_rbf_free(clmlp_svm_rbf *rbf);
/* clmlp_svm_row_fn over a clmlp_svm_rbf (user). */
int clmlp_svm_rbf_row(void *user, int i, const int *cols, int n, float *out, clmlp_err *err);
/* K(a, b) for two d-vectors. */
double clmlp_svm_rbf_value(const float *a, const float *b, int d, double gamma);

#endif
