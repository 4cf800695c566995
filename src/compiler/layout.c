/* Layout: the backward GEMM dX = dZ·W^T reads the weight transposed, which
 * cl/gemm.cl can only run (NT) in its dot form: each output ends in a
 * 16-lane horizontal sum, so it reaches ~65 % of the NN form's GFLOP/s on
 * the seed's shapes. At large batches such a GEMM reads a copy W^T made by
 * a transpose launch just before it (a step-local tensor in the arena) and
 * runs in the NN form. The copy is made from this step's weights, after the
 * forward pass that used them and before the optimizer changes them.
 *
 * Measured (README, Performance): at batch 100 the two NN GEMMs saved 74 µs
 * a step and the two transposes with their launches cost as much, so the
 * pass waits for M (the batch) >= LAYOUT_MIN_M, where a GEMM takes
 * milliseconds and a transpose tens of µs. K <= LAYOUT_MIN_K (the
 * classifier's 10 classes) stays NT: its outer-product form is fast. The NN
 * and dot forms sum K in different orders, so dX differs in its last bits. */
#include <stdio.h>
#include <string.h>

#include "clmlp/compiler.h"

#define LAYOUT_MIN_M 256
#define LAYOUT_MIN_K 32

/* Whether op is dX = dZ·W^T on a parameter W, worth the copy. */
static bool wants_transposed_copy(const clmlp_graph *g, const clmlp_op *op)
{
    if ((op->kind != CLMLP_OP_MATMUL && op->kind != CLMLP_OP_GEMM_EPILOGUE) || op->trans_a || !op->trans_b)
        return false;
    const clmlp_tensor *dz = &g->tensors[op->in[0]], *w = &g->tensors[op->in[1]];
    /* dZ is M×K and W is N×K here */
    return w->role == CLMLP_ROLE_PARAM && dz->rows >= LAYOUT_MIN_M && w->cols > LAYOUT_MIN_K;
}

int clmlp_pass_layout(clmlp_graph *g, clmlp_err *err)
{
    clmlp_op out[CLMLP_MAX_OPS];
    int n_out = 0;
    for (int i = 0; i < g->n_ops; i++) {
        clmlp_op op = g->ops[i];
        bool copy = wants_transposed_copy(g, &op);
        if (n_out + (copy ? 2 : 1) > CLMLP_MAX_OPS)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "layout: more than %d ops", CLMLP_MAX_OPS);
        if (copy) {
            const clmlp_tensor *w = &g->tensors[op.in[1]];
            char name[64];
            snprintf(name, sizeof name, "%sT", w->name);
            int wt = clmlp_graph_add_tensor(g, name, w->cols, w->rows, CLMLP_ROLE_ACTIVATION, CLMLP_F32, err);
            if (wt < 0)
                return -1;
            clmlp_op t = {.kind = CLMLP_OP_TRANSPOSE, .in = {op.in[1]}, .n_in = 1, .out = {wt}, .n_out = 1};
            snprintf(t.fused, sizeof t.fused, "transpose");
            out[n_out++] = t;
            op.in[1] = wt;
            op.trans_b = false;
        }
        out[n_out++] = op;
    }
    memcpy(g->ops, out, sizeof(clmlp_op) * (size_t)n_out);
    g->n_ops = n_out;
    return 0;
}
