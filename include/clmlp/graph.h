/* The graph IR: tensors (shape + role) and ops, built from the config's
 * `model:` section (layer sizes are data), differentiated in reverse mode,
 * and closed with an optimizer update. The compiler (compiler.h) fuses,
 * schedules, plans buffers and lowers it to launches.
 *
 * Shapes are row-major [rows, cols]; B is the batch. For the seed MLP:
 *   x[B,784] -matmul W0[784,400]-> z0 -bias_add b0-> a0 -relu-> h0 ... -> logits[B,10]
 *   logits -softmax-> p -xent_loss(y)-> row_loss[B]          (mean over the batch)
 */
#ifndef CLMLP_GRAPH_H
#define CLMLP_GRAPH_H

#include "clmlp/common.h"
#include "clmlp/config.h"
#include "clmlp/gemm.h"

#define CLMLP_MAX_TENSORS 256
#define CLMLP_MAX_OPS 256
#define CLMLP_MAX_PARAMS (2 * (CLMLP_MAX_HIDDEN + 1))

typedef enum {
    CLMLP_ROLE_INPUT,      /* x: the gathered batch */
    CLMLP_ROLE_LABELS,     /* y: int labels of the batch */
    CLMLP_ROLE_PARAM,      /* weights and biases */
    CLMLP_ROLE_ACTIVATION, /* forward intermediates */
    CLMLP_ROLE_GRADIENT,   /* gradients of activations */
    CLMLP_ROLE_PARAM_GRAD, /* gradients of parameters (the all-reduce point) */
    CLMLP_ROLE_OPT_STATE,  /* Adam m, v or SGD velocity */
    CLMLP_ROLE_OUTPUT,     /* per-row losses or predictions, written to run-owned buffers */
} clmlp_role;

typedef enum { CLMLP_F32, CLMLP_I32 } clmlp_dtype;

typedef struct clmlp_tensor {
    char name[48];
    int rows, cols;
    clmlp_role role;
    clmlp_dtype dtype;
    int param;          /* index into graph.params for PARAM/PARAM_GRAD/OPT_STATE, else -1 */
    bool requires_grad; /* depends on a parameter */
    double init_stddev; /* PARAM: initialised from N(0, init_stddev^2) (graph.init_seed); 0 = zeros */
} clmlp_tensor;

typedef enum {
    /* primitive ops */
    CLMLP_OP_GATHER,     /* dataset + epoch order -> x, y */
    CLMLP_OP_MATMUL,     /* c = op(a) · op(b) */
    CLMLP_OP_BIAS_ADD,   /* y = x + b (b broadcast over rows) */
    CLMLP_OP_ACTIVATION, /* y = act(x) */
    CLMLP_OP_SOFTMAX,    /* p = softmax(z) per row */
    CLMLP_OP_XENT_LOSS,  /* row_loss = -log p[y] */
    CLMLP_OP_XENT_GRAD,  /* dz = (p - onehot(y)) / B: gradient of the batch-mean loss w.r.t. logits */
    CLMLP_OP_ACT_GRAD,   /* dx = dy * act'(x), computed from y = act(x) */
    CLMLP_OP_SUM_ROWS,   /* db = sum over rows of dy */
    CLMLP_OP_ADAM,       /* one parameter: p, m, v <- Adam(p, g, m, v) */
    CLMLP_OP_SGD,        /* one parameter: p, vel <- SGD(p, g, vel) */
    CLMLP_OP_ARGMAX,     /* pred = argmax per row */
    CLMLP_OP_TRANSPOSE,  /* t = x^T (a weight matrix, for the backward GEMM; see compiler/layout.c) */
    /* fused ops (compiler.fuse) */
    CLMLP_OP_GEMM_EPILOGUE,     /* matmul + bias_add [+ activation] */
    CLMLP_OP_SOFTMAX_XENT,      /* softmax + xent_loss + xent_grad, probabilities never stored */
    CLMLP_OP_ACT_GRAD_SUM_ROWS, /* act_grad + sum_rows of its result */
    CLMLP_OP_ADAM_MULTI,        /* Adam over all parameters in one launch */
    CLMLP_OP_SGD_MULTI,         /* SGD over all parameters in one launch */
    CLMLP_OP_KIND_COUNT
} clmlp_op_kind;

#define CLMLP_OP_MAX_IO 4

typedef struct clmlp_op {
    clmlp_op_kind kind;
    int in[CLMLP_OP_MAX_IO], n_in;
    int out[CLMLP_OP_MAX_IO], n_out;
    bool trans_a, trans_b;   /* matmul */
    clmlp_activation act;    /* activation, act_grad, gemm epilogue */
    clmlp_epilogue epilogue; /* gemm_epilogue */
    char fused[96];          /* the primitive ops this op stands for, "matmul+bias_add+relu" */
} clmlp_op;

typedef struct clmlp_graph {
    clmlp_tensor tensors[CLMLP_MAX_TENSORS];
    int n_tensors;
    clmlp_op ops[CLMLP_MAX_OPS];
    int n_ops;

    int batch, input_dim, classes;
    bool scale, binarize; /* preprocessing done by the gather op */
    int x, y;             /* input and label tensors */
    int logits;
    int output;           /* row_loss (training) or pred (eval) */

    int n_params;
    int params[CLMLP_MAX_PARAMS];      /* W0, b0, W1, b1, ... */
    int param_grads[CLMLP_MAX_PARAMS]; /* -1 until autodiff */
    int opt_state[CLMLP_MAX_PARAMS][2];/* Adam m, v (or SGD velocity, -1); -1 until optimizer */
    clmlp_optimizer optimizer;
    uint64_t init_seed; /* the parameters are drawn in order from one stream seeded with it */
} clmlp_graph;

/* Forward graph of the config's MLP for a batch: gather -> layers -> logits. */
int clmlp_graph_build_forward(const clmlp_config *cfg, int batch, int input_dim, clmlp_graph *g, clmlp_err *err);
/* Appends softmax + cross-entropy (mean over the batch) on the logits. */
int clmlp_graph_add_loss(clmlp_graph *g, clmlp_err *err);
/* Appends argmax on the logits (evaluation). */
int clmlp_graph_add_argmax(clmlp_graph *g, clmlp_err *err);
/* Reverse-mode autodiff: appends the backward ops of every op that
 * requires grad, from the loss back to the parameters. */
int clmlp_autodiff(clmlp_graph *g, clmlp_err *err);
/* Appends one optimizer update per parameter (state tensors added). */
int clmlp_graph_add_optimizer(clmlp_graph *g, clmlp_optimizer opt, clmlp_err *err);

/* The whole training step (forward, loss, backward, optimizer) and the
 * evaluation graph (forward, argmax). */
int clmlp_graph_build_training(const clmlp_config *cfg, int input_dim, clmlp_graph *g, clmlp_err *err);
int clmlp_graph_build_eval(const clmlp_config *cfg, int input_dim, int batch, clmlp_graph *g, clmlp_err *err);

/* Graph construction helpers (also used by the compiler's fusion pass). */
int clmlp_graph_add_tensor(clmlp_graph *g, const char *name, int rows, int cols, clmlp_role role, clmlp_dtype dtype,
                           clmlp_err *err);
clmlp_op *clmlp_graph_add_op(clmlp_graph *g, clmlp_op_kind kind, clmlp_err *err);

const char *clmlp_op_kind_name(clmlp_op_kind kind);
const char *clmlp_role_name(clmlp_role role);
static inline size_t clmlp_tensor_bytes(const clmlp_tensor *t) { return (size_t)t->rows * (size_t)t->cols * 4u; }

#endif
