/* A plain-C reference MLP (double precision) that the OpenCL runtime is
 * checked against: forward, softmax cross-entropy (mean over the batch),
 * backward, and one Adam (TF1) or SGD step. Layout matches the graph:
 * W_l is [in, out] row-major, b_l is [out]. */
#ifndef CLMLP_TEST_REFERENCE_MLP_H
#define CLMLP_TEST_REFERENCE_MLP_H

#include "clmlp/config.h"

#define REF_MAX_LAYERS 8

typedef struct ref_mlp {
    int n_layers;
    int width[REF_MAX_LAYERS + 1]; /* width[0] = input, width[n_layers] = classes */
    clmlp_activation act;
    double *w[REF_MAX_LAYERS], *b[REF_MAX_LAYERS];   /* parameters */
    double *dw[REF_MAX_LAYERS], *db[REF_MAX_LAYERS]; /* gradients of the last backward */
    double *m[2 * REF_MAX_LAYERS], *v[2 * REF_MAX_LAYERS];
} ref_mlp;

void ref_mlp_init(ref_mlp *r, int n_layers, const int *width, clmlp_activation act);
void ref_mlp_free(ref_mlp *r);
/* Mean cross-entropy of the batch; fills dw/db when grads is true. */
double ref_mlp_loss(ref_mlp *r, const double *x, const int *y, int batch, bool grads);
/* Argmax predictions. */
void ref_mlp_predict(const ref_mlp *r, const double *x, int batch, int *pred);
/* Adam with TF1 semantics at step t (1-based), over every parameter. */
void ref_mlp_adam(ref_mlp *r, int t, double lr, double b1, double b2, double eps);
void ref_mlp_sgd(ref_mlp *r, double lr, double momentum);
/* Number of elements of parameter p (W0, b0, W1, b1, ...) and its array. */
int ref_mlp_param_size(const ref_mlp *r, int p);
double *ref_mlp_param(ref_mlp *r, int p);
double *ref_mlp_grad(ref_mlp *r, int p);

#endif
