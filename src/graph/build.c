/* Builds the forward graph of an MLP from the config, adds the loss or the
 * argmax head, and the optimizer updates. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clmlp/graph.h"

int clmlp_graph_add_tensor(clmlp_graph *g, const char *name, int rows, int cols, clmlp_role role, clmlp_dtype dtype,
                           clmlp_err *err)
{
    if (g->n_tensors >= CLMLP_MAX_TENSORS)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "model too large: more than %d tensors", CLMLP_MAX_TENSORS);
    int id = g->n_tensors++;
    clmlp_tensor *t = &g->tensors[id];
    memset(t, 0, sizeof *t);
    clmlp_strlcpy(t->name, name, sizeof t->name);
    t->rows = rows;
    t->cols = cols;
    t->role = role;
    t->dtype = dtype;
    t->param = -1;
    t->requires_grad = role == CLMLP_ROLE_PARAM;
    return id;
}

clmlp_op *clmlp_graph_add_op(clmlp_graph *g, clmlp_op_kind kind, clmlp_err *err)
{
    if (g->n_ops >= CLMLP_MAX_OPS) {
        clmlp_fail(err, CLMLP_EXIT_USAGE, "model too large: more than %d ops", CLMLP_MAX_OPS);
        return NULL;
    }
    clmlp_op *op = &g->ops[g->n_ops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

/* Adds an op with its inputs and outputs; an output requires grad when any
 * input does. Returns the op or NULL. */
static clmlp_op *add_op_io(clmlp_graph *g, clmlp_op_kind kind, const int *in, int n_in, const int *out, int n_out,
                           clmlp_err *err)
{
    clmlp_op *op = clmlp_graph_add_op(g, kind, err);
    if (!op)
        return NULL;
    bool needs = false;
    for (int i = 0; i < n_in; i++) {
        op->in[i] = in[i];
        needs |= g->tensors[in[i]].requires_grad;
    }
    for (int i = 0; i < n_out; i++) {
        op->out[i] = out[i];
        if (g->tensors[out[i]].role == CLMLP_ROLE_ACTIVATION)
            g->tensors[out[i]].requires_grad = needs;
    }
    op->n_in = n_in;
    op->n_out = n_out;
    return op;
}

/* The spread of a weight matrix's initial values, as model.init says. */
static double weight_stddev(const clmlp_config *cfg, int fan_in, int fan_out)
{
    switch (cfg->model.init) {
    case CLMLP_INIT_HE:
        return sqrt(2.0 / fan_in);
    case CLMLP_INIT_XAVIER:
        return sqrt(2.0 / (fan_in + fan_out));
    case CLMLP_INIT_NORMAL:
    default:
        return cfg->model.init_stddev;
    }
}

static int add_param(clmlp_graph *g, const char *name, int rows, int cols, double init_stddev, clmlp_err *err)
{
    if (g->n_params >= CLMLP_MAX_PARAMS)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "model too large: more than %d parameters", CLMLP_MAX_PARAMS);
    int id = clmlp_graph_add_tensor(g, name, rows, cols, CLMLP_ROLE_PARAM, CLMLP_F32, err);
    if (id < 0)
        return -1;
    int p = g->n_params++;
    g->tensors[id].param = p;
    g->tensors[id].init_stddev = init_stddev;
    g->params[p] = id;
    g->param_grads[p] = -1;
    g->opt_state[p][0] = g->opt_state[p][1] = -1;
    return id;
}

int clmlp_graph_build_forward(const clmlp_config *cfg, int batch, int input_dim, clmlp_graph *g, clmlp_err *err)
{
    memset(g, 0, sizeof *g);
    if (batch < 1 || input_dim < 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "graph needs batch >= 1 and input width >= 1 (got %d, %d)", batch,
                          input_dim);
    g->batch = batch;
    g->init_seed = cfg->training.seed;
    g->input_dim = input_dim;
    g->classes = cfg->model.classes;
    g->scale = cfg->data.scale;
    g->binarize = cfg->data.binarize;
    g->output = -1;

    g->x = clmlp_graph_add_tensor(g, "x", batch, input_dim, CLMLP_ROLE_INPUT, CLMLP_F32, err);
    g->y = clmlp_graph_add_tensor(g, "y", batch, 1, CLMLP_ROLE_LABELS, CLMLP_I32, err);
    if (g->x < 0 || g->y < 0)
        return -1;
    int xy[2] = {g->x, g->y};
    if (!add_op_io(g, CLMLP_OP_GATHER, NULL, 0, xy, 2, err))
        return -1;

    /* Layer l: z_l = h_{l-1} W_l, a_l = z_l + b_l, h_l = act(a_l); the last
     * layer stops at a_l = logits. */
    int n_layers = cfg->model.n_hidden + 1;
    int h = g->x, width = input_dim;
    for (int l = 0; l < n_layers; l++) {
        bool last = l == n_layers - 1;
        int out = last ? cfg->model.classes : cfg->model.hidden[l];
        char name[64]; /* room for a prefix; clmlp_graph_add_tensor truncates to the tensor name size */
        snprintf(name, sizeof name, "W%d", l);
        int w = add_param(g, name, width, out, weight_stddev(cfg, width, out), err);
        snprintf(name, sizeof name, "b%d", l);
        int b = add_param(g, name, 1, out, cfg->model.bias_init == CLMLP_BIAS_INIT_ZEROS ? 0.0 : cfg->model.bias_stddev,
                          err);
        snprintf(name, sizeof name, "z%d", l);
        int z = clmlp_graph_add_tensor(g, name, batch, out, CLMLP_ROLE_ACTIVATION, CLMLP_F32, err);
        snprintf(name, sizeof name, last ? "logits" : "a%d", l);
        int a = clmlp_graph_add_tensor(g, name, batch, out, CLMLP_ROLE_ACTIVATION, CLMLP_F32, err);
        if (w < 0 || b < 0 || z < 0 || a < 0)
            return -1;
        int mm_in[2] = {h, w}, ba_in[2] = {z, b};
        if (!add_op_io(g, CLMLP_OP_MATMUL, mm_in, 2, &z, 1, err) ||
            !add_op_io(g, CLMLP_OP_BIAS_ADD, ba_in, 2, &a, 1, err))
            return -1;
        if (last) {
            g->logits = a;
            break;
        }
        snprintf(name, sizeof name, "h%d", l);
        int hn = clmlp_graph_add_tensor(g, name, batch, out, CLMLP_ROLE_ACTIVATION, CLMLP_F32, err);
        if (hn < 0)
            return -1;
        clmlp_op *act = add_op_io(g, CLMLP_OP_ACTIVATION, &a, 1, &hn, 1, err);
        if (!act)
            return -1;
        act->act = cfg->model.activation;
        h = hn;
        width = out;
    }
    return 0;
}

int clmlp_graph_add_loss(clmlp_graph *g, clmlp_err *err)
{
    int p = clmlp_graph_add_tensor(g, "probs", g->batch, g->classes, CLMLP_ROLE_ACTIVATION, CLMLP_F32, err);
    int loss = clmlp_graph_add_tensor(g, "row_loss", g->batch, 1, CLMLP_ROLE_OUTPUT, CLMLP_F32, err);
    if (p < 0 || loss < 0)
        return -1;
    int xent_in[2] = {p, g->y};
    if (!add_op_io(g, CLMLP_OP_SOFTMAX, &g->logits, 1, &p, 1, err) ||
        !add_op_io(g, CLMLP_OP_XENT_LOSS, xent_in, 2, &loss, 1, err))
        return -1;
    g->output = loss;
    return 0;
}

int clmlp_graph_add_argmax(clmlp_graph *g, clmlp_err *err)
{
    int pred = clmlp_graph_add_tensor(g, "pred", g->batch, 1, CLMLP_ROLE_OUTPUT, CLMLP_I32, err);
    if (pred < 0 || !add_op_io(g, CLMLP_OP_ARGMAX, &g->logits, 1, &pred, 1, err))
        return -1;
    g->output = pred;
    return 0;
}

int clmlp_graph_add_optimizer(clmlp_graph *g, clmlp_optimizer opt, clmlp_err *err)
{
    g->optimizer = opt;
    for (int p = 0; p < g->n_params; p++) {
        const clmlp_tensor *param = &g->tensors[g->params[p]];
        int grad = g->param_grads[p];
        if (grad < 0)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "parameter %s has no gradient (run autodiff first)",
                              param->name);
        int rows = param->rows, cols = param->cols;
        char name[64]; /* room for a prefix; clmlp_graph_add_tensor truncates to the tensor name size */
        int n_state = opt == CLMLP_OPT_ADAM ? 2 : 1;
        for (int s = 0; s < n_state; s++) {
            snprintf(name, sizeof name, "%s.%s", opt == CLMLP_OPT_ADAM ? (s ? "v" : "m") : "vel", param->name);
            int id = clmlp_graph_add_tensor(g, name, rows, cols, CLMLP_ROLE_OPT_STATE, CLMLP_F32, err);
            if (id < 0)
                return -1;
            g->tensors[id].param = p;
            g->opt_state[p][s] = id;
        }
        int io[4] = {g->params[p], grad, g->opt_state[p][0], g->opt_state[p][1]};
        clmlp_op *op = add_op_io(g, opt == CLMLP_OPT_ADAM ? CLMLP_OP_ADAM : CLMLP_OP_SGD, io, 2 + n_state, NULL, 0,
                                 err);
        if (!op)
            return -1;
    }
    return 0;
}

int clmlp_graph_build_training(const clmlp_config *cfg, int input_dim, clmlp_graph *g, clmlp_err *err)
{
    if (clmlp_graph_build_forward(cfg, cfg->training.batch_size, input_dim, g, err) < 0 ||
        clmlp_graph_add_loss(g, err) < 0 || clmlp_autodiff(g, err) < 0 ||
        clmlp_graph_add_optimizer(g, cfg->training.optimizer, err) < 0)
        return -1;
    return 0;
}

int clmlp_graph_build_eval(const clmlp_config *cfg, int input_dim, int batch, clmlp_graph *g, clmlp_err *err)
{
    if (clmlp_graph_build_forward(cfg, batch, input_dim, g, err) < 0 || clmlp_graph_add_argmax(g, err) < 0)
        return -1;
    return 0;
}

const char *clmlp_op_kind_name(clmlp_op_kind kind)
{
    static const char *const names[CLMLP_OP_KIND_COUNT] = {
        [CLMLP_OP_GATHER] = "gather",
        [CLMLP_OP_MATMUL] = "matmul",
        [CLMLP_OP_BIAS_ADD] = "bias_add",
        [CLMLP_OP_ACTIVATION] = "activation",
        [CLMLP_OP_SOFTMAX] = "softmax",
        [CLMLP_OP_XENT_LOSS] = "xent_loss",
        [CLMLP_OP_XENT_GRAD] = "xent_grad",
        [CLMLP_OP_ACT_GRAD] = "act_grad",
        [CLMLP_OP_SUM_ROWS] = "sum_rows",
        [CLMLP_OP_ADAM] = "adam",
        [CLMLP_OP_SGD] = "sgd",
        [CLMLP_OP_ARGMAX] = "argmax",
        [CLMLP_OP_TRANSPOSE] = "transpose",
        [CLMLP_OP_GEMM_EPILOGUE] = "gemm_epilogue",
        [CLMLP_OP_SOFTMAX_XENT] = "softmax_xent",
        [CLMLP_OP_ACT_GRAD_SUM_ROWS] = "act_grad_sum_rows",
        [CLMLP_OP_ADAM_MULTI] = "adam_multi",
        [CLMLP_OP_SGD_MULTI] = "sgd_multi",
    };
    return (unsigned)kind < CLMLP_OP_KIND_COUNT ? names[kind] : "?";
}

const char *clmlp_role_name(clmlp_role role)
{
    static const char *const names[] = {"input", "labels", "param", "activation",
                                        "gradient", "param_grad", "opt_state", "output"};
    return (unsigned)role < CLMLP_ARRAY_LEN(names) ? names[role] : "?";
}
