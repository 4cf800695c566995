/* Fusion: rewrites chains of primitive ops into the fused ops the kernels in
 * cl/ implement. Each pattern requires that the intermediate tensors it
 * swallows have no other consumer, so fusion never changes results beyond
 * rounding. Patterns:
 *   matmul -> bias_add [-> activation]        => gemm_epilogue (bias [+ act] applied in the GEMM's epilogue)
 *   softmax -> {xent_loss, xent_grad}         => softmax_xent (llm.c's fused classifier)
 *   matmul(NT) -> act_grad                    => gemm_epilogue <act>_grad: dZ = dY·W^T ⊙ act'(Y), dY never stored
 *   sum_rows(dZ) + matmul(X^T, dZ)            => gemm_epilogue bias_grad: dW and db from one read of dZ
 *   act_grad -> sum_rows                      => act_grad_sum_rows (dz and the bias gradient in one pass),
 *                                                where the two backward GEMM patterns above do not apply
 *   adam/sgd over every parameter             => adam_multi / sgd_multi (one launch, same-layout regions)
 * Why the two backward GEMM patterns: they remove the three act_grad_sum_rows
 * launches of the seed MLP's step and the gradient round trip through memory
 * (see README, Performance, for what they measured).
 */
#include <stdio.h>
#include <string.h>

#include "clmlp/compiler.h"

/* Number of ops that read each tensor, and the last reader. */
static void count_uses(const clmlp_graph *g, int *uses, int *reader)
{
    for (int t = 0; t < g->n_tensors; t++) {
        uses[t] = 0;
        reader[t] = -1;
    }
    for (int i = 0; i < g->n_ops; i++)
        for (int k = 0; k < g->ops[i].n_in; k++) {
            uses[g->ops[i].in[k]]++;
            reader[g->ops[i].in[k]] = i;
        }
}

static clmlp_epilogue epilogue_for(clmlp_activation act)
{
    switch (act) {
    case CLMLP_ACT_SIGMOID:
        return CLMLP_EPILOGUE_BIAS_SIGMOID;
    case CLMLP_ACT_TANH:
        return CLMLP_EPILOGUE_BIAS_TANH;
    case CLMLP_ACT_RELU:
    default:
        return CLMLP_EPILOGUE_BIAS_RELU;
    }
}

static clmlp_epilogue grad_epilogue_for(clmlp_activation act)
{
    switch (act) {
    case CLMLP_ACT_SIGMOID:
        return CLMLP_EPILOGUE_SIGMOID_GRAD;
    case CLMLP_ACT_TANH:
        return CLMLP_EPILOGUE_TANH_GRAD;
    case CLMLP_ACT_RELU:
    default:
        return CLMLP_EPILOGUE_RELU_GRAD;
    }
}

/* The one op (other than `except`) reading tensor t, if it is the only one. */
static int sole_reader(const int *uses, const int *reader, int t)
{
    return uses[t] == 1 ? reader[t] : -1;
}

int clmlp_pass_fuse(clmlp_graph *g, clmlp_err *err)
{
    int uses[CLMLP_MAX_TENSORS], reader[CLMLP_MAX_TENSORS];
    count_uses(g, uses, reader);
    bool removed[CLMLP_MAX_OPS] = {false};
    clmlp_op out[CLMLP_MAX_OPS];
    int n_out = 0;
    bool multi_emitted = false;

    for (int i = 0; i < g->n_ops; i++) {
        if (removed[i])
            continue;
        clmlp_op op = g->ops[i];

        if (op.kind == CLMLP_OP_MATMUL && !op.trans_a && !op.trans_b) {
            int bias_op = sole_reader(uses, reader, op.out[0]);
            if (bias_op > i && g->ops[bias_op].kind == CLMLP_OP_BIAS_ADD && g->ops[bias_op].in[0] == op.out[0]) {
                const clmlp_op *ba = &g->ops[bias_op];
                clmlp_op f = op;
                f.kind = CLMLP_OP_GEMM_EPILOGUE;
                f.in[2] = ba->in[1];
                f.n_in = 3;
                f.out[0] = ba->out[0];
                f.epilogue = CLMLP_EPILOGUE_BIAS;
                snprintf(f.fused, sizeof f.fused, "matmul+bias_add");
                removed[bias_op] = true;
                int act_op = sole_reader(uses, reader, ba->out[0]);
                if (act_op > bias_op && g->ops[act_op].kind == CLMLP_OP_ACTIVATION) {
                    f.out[0] = g->ops[act_op].out[0];
                    f.act = g->ops[act_op].act;
                    f.epilogue = epilogue_for(f.act);
                    snprintf(f.fused, sizeof f.fused, "matmul+bias_add+%s", clmlp_activation_name(f.act));
                    removed[act_op] = true;
                }
                out[n_out++] = f;
                continue;
            }
        }

        /* dZ = dY·W^T ⊙ act'(Y): the activation's gradient in the NT GEMM's store. */
        if (op.kind == CLMLP_OP_MATMUL && !op.trans_a && op.trans_b) {
            int grad_op = sole_reader(uses, reader, op.out[0]);
            if (grad_op > i && g->ops[grad_op].kind == CLMLP_OP_ACT_GRAD && g->ops[grad_op].in[0] == op.out[0]) {
                const clmlp_op *ag = &g->ops[grad_op];
                clmlp_op f = op;
                f.kind = CLMLP_OP_GEMM_EPILOGUE;
                f.in[2] = ag->in[1]; /* Y, the forward output */
                f.n_in = 3;
                f.out[0] = ag->out[0];
                f.act = ag->act;
                f.epilogue = grad_epilogue_for(ag->act);
                snprintf(f.fused, sizeof f.fused, "matmul+act_grad(%s)", clmlp_activation_name(ag->act));
                removed[grad_op] = true;
                out[n_out++] = f;
                continue;
            }
        }

        /* db = Σ_rows dZ inside dW = X^T·dZ, which reads dZ row by row anyway;
         * emitted here, at the reduction's place (its inputs are ready). */
        if (op.kind == CLMLP_OP_SUM_ROWS) {
            int mm = -1;
            for (int j = i + 1; j < g->n_ops && mm < 0; j++) {
                const clmlp_op *o = &g->ops[j];
                if (!removed[j] && o->kind == CLMLP_OP_MATMUL && o->trans_a && !o->trans_b && o->in[1] == op.in[0])
                    mm = j;
            }
            if (mm > 0) {
                clmlp_op f = g->ops[mm];
                f.kind = CLMLP_OP_GEMM_EPILOGUE;
                f.out[1] = op.out[0];
                f.n_out = 2;
                f.epilogue = CLMLP_EPILOGUE_BIAS_GRAD;
                snprintf(f.fused, sizeof f.fused, "matmul+sum_rows");
                removed[mm] = true;
                out[n_out++] = f;
                continue;
            }
        }

        if (op.kind == CLMLP_OP_SOFTMAX && uses[op.out[0]] == 2) {
            int p = op.out[0], loss_op = -1, grad_op = -1;
            for (int j = i + 1; j < g->n_ops; j++) {
                if (g->ops[j].n_in > 0 && g->ops[j].in[0] == p) {
                    if (g->ops[j].kind == CLMLP_OP_XENT_LOSS)
                        loss_op = j;
                    else if (g->ops[j].kind == CLMLP_OP_XENT_GRAD)
                        grad_op = j;
                }
            }
            if (loss_op > 0 && grad_op > 0) {
                clmlp_op f = op;
                f.kind = CLMLP_OP_SOFTMAX_XENT;
                f.in[1] = g->ops[loss_op].in[1]; /* labels */
                f.n_in = 2;
                f.out[0] = g->ops[loss_op].out[0];
                f.out[1] = g->ops[grad_op].out[0];
                f.n_out = 2;
                snprintf(f.fused, sizeof f.fused, "softmax+xent_loss+xent_grad");
                removed[loss_op] = removed[grad_op] = true;
                out[n_out++] = f;
                continue;
            }
        }

        if (op.kind == CLMLP_OP_ACT_GRAD) {
            int sum_op = -1;
            for (int j = i + 1; j < g->n_ops && sum_op < 0; j++)
                if (g->ops[j].kind == CLMLP_OP_SUM_ROWS && g->ops[j].in[0] == op.out[0])
                    sum_op = j;
            if (sum_op > 0) {
                clmlp_op f = op;
                f.kind = CLMLP_OP_ACT_GRAD_SUM_ROWS;
                f.out[1] = g->ops[sum_op].out[0];
                f.n_out = 2;
                snprintf(f.fused, sizeof f.fused, "act_grad(%s)+sum_rows", clmlp_activation_name(op.act));
                removed[sum_op] = true;
                out[n_out++] = f;
                continue;
            }
        }

        if (op.kind == CLMLP_OP_ADAM || op.kind == CLMLP_OP_SGD) {
            /* All updates collapse into one launch at the first update's place. */
            if (!multi_emitted) {
                clmlp_op f = {0};
                f.kind = op.kind == CLMLP_OP_ADAM ? CLMLP_OP_ADAM_MULTI : CLMLP_OP_SGD_MULTI;
                snprintf(f.fused, sizeof f.fused, "%d x %s", g->n_params, clmlp_op_kind_name(op.kind));
                out[n_out++] = f;
                multi_emitted = true;
            }
            continue;
        }

        out[n_out++] = op;
    }
    if (n_out > CLMLP_MAX_OPS)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "fusion produced too many ops");
    memcpy(g->ops, out, sizeof(clmlp_op) * (size_t)n_out);
    g->n_ops = n_out;
    return 0;
}
