/* Reverse-mode autodiff over the forward graph.
 *
 * Walks the ops backwards from the loss, keeping grad[t] = the tensor that
 * holds dLoss/dt. Rules (row-major, c = a·b):
 *   xent_loss(softmax(z), y)  ->  dz = (softmax(z) - onehot(y)) / B   (the pair is differentiated together)
 *   h = act(a)                ->  da = act_grad(dh, h)
 *   a = z + b                 ->  dz = da (same tensor), db = sum_rows(da)
 *   z = h·W                   ->  dW = h^T·dz, dh = dz·W^T  (dh only when h depends on a parameter)
 */
#include <stdio.h>
#include <string.h>

#include "clmlp/graph.h"

static int add_grad_tensor(clmlp_graph *g, int of, clmlp_role role, clmlp_err *err)
{
    const clmlp_tensor *t = &g->tensors[of];
    char name[64]; /* room for a prefix; clmlp_graph_add_tensor truncates to the tensor name size */
    snprintf(name, sizeof name, "d%s", t->name);
    int id = clmlp_graph_add_tensor(g, name, t->rows, t->cols, role, CLMLP_F32, err);
    if (id >= 0)
        g->tensors[id].param = t->param;
    return id;
}

static clmlp_op *emit(clmlp_graph *g, clmlp_op_kind kind, int in0, int in1, int out, clmlp_err *err)
{
    clmlp_op *op = clmlp_graph_add_op(g, kind, err);
    if (!op)
        return NULL;
    op->in[0] = in0;
    op->in[1] = in1;
    op->n_in = in1 >= 0 ? 2 : 1;
    op->out[0] = out;
    op->n_out = 1;
    return op;
}

static int set_grad(clmlp_graph *g, int *grad, int tensor, int value, clmlp_err *err)
{
    if (grad[tensor] >= 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "autodiff: tensor %s feeds two ops; gradient accumulation is not supported",
                          g->tensors[tensor].name);
    grad[tensor] = value;
    return 0;
}

static int producer_of(const clmlp_graph *g, int tensor, int before)
{
    for (int i = before - 1; i >= 0; i--)
        for (int o = 0; o < g->ops[i].n_out; o++)
            if (g->ops[i].out[o] == tensor)
                return i;
    return -1;
}

int clmlp_autodiff(clmlp_graph *g, clmlp_err *err)
{
    int grad[CLMLP_MAX_TENSORS];
    for (int i = 0; i < CLMLP_MAX_TENSORS; i++)
        grad[i] = -1;
    const int n_forward = g->n_ops;
    bool seeded = false;

    for (int i = n_forward - 1; i >= 0; i--) {
        const clmlp_op op = g->ops[i]; /* copy: emitting may not move ops, but keep reads stable */
        switch (op.kind) {
        case CLMLP_OP_XENT_LOSS: {
            int softmax = producer_of(g, op.in[0], i);
            if (softmax < 0 || g->ops[softmax].kind != CLMLP_OP_SOFTMAX)
                return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "autodiff: xent_loss must follow softmax");
            int z = g->ops[softmax].in[0];
            if (!g->tensors[z].requires_grad)
                break;
            int dz = add_grad_tensor(g, z, CLMLP_ROLE_GRADIENT, err);
            if (dz < 0 || !emit(g, CLMLP_OP_XENT_GRAD, op.in[0], op.in[1], dz, err) ||
                set_grad(g, grad, z, dz, err) < 0)
                return -1;
            seeded = true;
            break;
        }
        case CLMLP_OP_ACTIVATION: {
            int a = op.in[0], h = op.out[0];
            if (grad[h] < 0 || !g->tensors[a].requires_grad)
                break;
            int da = add_grad_tensor(g, a, CLMLP_ROLE_GRADIENT, err);
            clmlp_op *bw = da < 0 ? NULL : emit(g, CLMLP_OP_ACT_GRAD, grad[h], h, da, err);
            if (!bw || set_grad(g, grad, a, da, err) < 0)
                return -1;
            bw->act = op.act;
            break;
        }
        case CLMLP_OP_BIAS_ADD: {
            int z = op.in[0], b = op.in[1], a = op.out[0];
            if (grad[a] < 0)
                break;
            if (g->tensors[b].requires_grad) {
                int db = add_grad_tensor(g, b, CLMLP_ROLE_PARAM_GRAD, err);
                if (db < 0 || !emit(g, CLMLP_OP_SUM_ROWS, grad[a], -1, db, err) || set_grad(g, grad, b, db, err) < 0)
                    return -1;
                g->param_grads[g->tensors[b].param] = db;
            }
            if (g->tensors[z].requires_grad && set_grad(g, grad, z, grad[a], err) < 0)
                return -1;
            break;
        }
        case CLMLP_OP_MATMUL: {
            int h = op.in[0], w = op.in[1], z = op.out[0];
            if (grad[z] < 0)
                break;
            if (op.trans_a || op.trans_b)
                return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "autodiff: transposed forward matmul not supported");
            if (g->tensors[w].requires_grad) {
                int dw = add_grad_tensor(g, w, g->tensors[w].role == CLMLP_ROLE_PARAM ? CLMLP_ROLE_PARAM_GRAD
                                                                                    : CLMLP_ROLE_GRADIENT, err);
                clmlp_op *mm = dw < 0 ? NULL : emit(g, CLMLP_OP_MATMUL, h, grad[z], dw, err);
                if (!mm || set_grad(g, grad, w, dw, err) < 0)
                    return -1;
                mm->trans_a = true;
                if (g->tensors[w].param >= 0)
                    g->param_grads[g->tensors[w].param] = dw;
            }
            if (g->tensors[h].requires_grad) {
                int dh = add_grad_tensor(g, h, CLMLP_ROLE_GRADIENT, err);
                clmlp_op *mm = dh < 0 ? NULL : emit(g, CLMLP_OP_MATMUL, grad[z], w, dh, err);
                if (!mm || set_grad(g, grad, h, dh, err) < 0)
                    return -1;
                mm->trans_b = true;
            }
            break;
        }
        case CLMLP_OP_GATHER:
        case CLMLP_OP_SOFTMAX: /* differentiated together with xent_loss */
            break;
        default:
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "autodiff: no rule for op %s", clmlp_op_kind_name(op.kind));
        }
    }
    if (!seeded)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "autodiff: the graph has no loss");
    for (int p = 0; p < g->n_params; p++)
        if (g->param_grads[p] < 0)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "autodiff: parameter %s got no gradient",
                              g->tensors[g->params[p]].name);
    return 0;
}
