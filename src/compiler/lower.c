/* Lowering: each op of the fused (or unfused) graph becomes one or more
 * launches: a GEMM (generated kernel or CLBlast) or a kernel from cl/ with
 * its arguments, work sizes and cost (FLOPs, bytes moved). Kernel
 * signatures live next to the kernels in cl/; this file must match them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clmlp/compiler.h"

/* Kernel shapes, two kinds (clmlp_compile_options.target).
 * CPU OpenCLs (PoCL) vectorise inside a work-item and pay per work-group:
 * one element per work-item left PoCL with thousands of tiny work-groups
 * per launch (Adam over 680k floats: 743 µs per step; 16 per item: ~280),
 * so float16 vectors, rows gathered 10 per work-item, groups of 64 (fixed:
 * PoCL compiles one work-group function per local size).
 * Lanes devices (GPUs, llvmpipe) run one work-item per SIMD lane: float4
 * per work-item (16-byte accesses, adjacent work-items adjacent), one row
 * per gather work-item, groups of 256 (or the device's maximum). */
typedef struct {
    int vw;           /* floats per work-item: Adam, gather */
    int gather_rows;  /* rows per gather work-item */
    size_t group;     /* 1-D work-group size */
} kernel_shape;

static const kernel_shape CPU_SHAPE = {.vw = 16, .gather_rows = 10, .group = 64};
static const kernel_shape LANES_SHAPE = {.vw = 4, .gather_rows = 1, .group = 256};

static size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

typedef struct {
    clmlp_plan *plan;
    clmlp_err *err;
    kernel_shape shape;
} lowering;

static clmlp_launch *new_launch(lowering *lw, int op, const char *program, const char *kernel)
{
    clmlp_plan *p = lw->plan;
    if (p->n_launches >= CLMLP_MAX_LAUNCHES) {
        clmlp_fail(lw->err, CLMLP_EXIT_INTERNAL, "plan too large: more than %d launches", CLMLP_MAX_LAUNCHES);
        return NULL;
    }
    clmlp_launch *l = &p->launches[p->n_launches++];
    memset(l, 0, sizeof *l);
    l->op = op;
    l->program = program;
    l->kernel = kernel;
    l->bias = -1;
    l->h = -1;
    if (kernel)
        clmlp_strlcpy(l->name, kernel, sizeof l->name);
    return l;
}

static void arg(clmlp_launch *l, clmlp_arg_kind kind, int index)
{
    l->args[l->n_args++] = (clmlp_arg){.kind = kind, .index = index};
}
static void arg_int(clmlp_launch *l, int v) { l->args[l->n_args++] = (clmlp_arg){.kind = CLMLP_ARG_INT, .i = v}; }
static void arg_float(clmlp_launch *l, float v)
{
    l->args[l->n_args++] = (clmlp_arg){.kind = CLMLP_ARG_FLOAT, .f = v};
}
/* Output tensors (row losses, predictions) go to the run's buffer at a per-batch offset. */
static void arg_output(clmlp_launch *l)
{
    arg(l, CLMLP_ARG_EXTERNAL, CLMLP_EXT_OUTPUT);
    arg(l, CLMLP_ARG_DYNAMIC, CLMLP_DYN_OUTPUT_OFFSET);
}

static void size_1d(const lowering *lw, clmlp_launch *l, size_t n)
{
    l->dims = 1;
    l->global[0] = round_up(n ? n : 1, lw->shape.group);
    l->local[0] = lw->shape.group;
}

static const clmlp_tensor *T(const lowering *lw, int id) { return &lw->plan->graph.tensors[id]; }
static size_t elems(const lowering *lw, int id) { return (size_t)T(lw, id)->rows * (size_t)T(lw, id)->cols; }


/* The key shape of a matmul op: its sizes and transposes, with the epilogue
 * the generated kernel would fuse (none when the plan is for clblast). */
static int gemm_key(const clmlp_plan *plan, const clmlp_op *op, clmlp_gemm_shape *s, clmlp_err *err)
{
    const clmlp_tensor *a = &plan->graph.tensors[op->in[0]], *b = &plan->graph.tensors[op->in[1]];
    memset(s, 0, sizeof *s);
    s->trans_a = op->trans_a;
    s->trans_b = op->trans_b;
    s->m = op->trans_a ? a->cols : a->rows;
    s->k = op->trans_a ? a->rows : a->cols;
    s->n = op->trans_b ? b->rows : b->cols;
    int kb = op->trans_b ? b->cols : b->rows;
    if (kb != s->k)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "lower: matmul %s x %s has mismatched inner sizes %d, %d",
                          a->name, b->name, s->k, kb);
    bool epilogue = op->kind == CLMLP_OP_GEMM_EPILOGUE;
    s->epilogue = epilogue && plan->options.gemm != CLMLP_GEMM_CLBLAST ? op->epilogue : CLMLP_EPILOGUE_NONE;
    return 0;
}

/* Split K. A weight gradient dW = X^T·dZ sums over the batch: with K in the
 * thousands, each work-item streams its A and B panels from DRAM (batch
 * 10 000: 40-120 GFLOP/s against 400 at batch 100, see README, Performance).
 * Chunks of about SPLIT_K_CHUNK rows, each accumulating into dW (and db),
 * keep the panels a chunk shares in cache. Only TN: the other forms' K is a
 * layer width, and their panels are reused across the batch rows. */
#define SPLIT_K_ABOVE 512
#define SPLIT_K_CHUNK 256
/* At most this many chunks (longer ones beyond K = 2048), so that the
 * deepest model (17 weight gradients) at the largest batch stays within
 * CLMLP_MAX_LAUNCHES; at batch 10 000, chunks of 256 and of 1 024 rows
 * measured the same (278-302 GFLOP/s). */
#define SPLIT_K_MAX_CHUNKS 8

static int k_chunks(const clmlp_gemm_shape *s)
{
    if (!s->trans_a || s->trans_b || s->k <= SPLIT_K_ABOVE)
        return 1;
    int n = (s->k + SPLIT_K_CHUNK - 1) / SPLIT_K_CHUNK;
    return n < SPLIT_K_MAX_CHUNKS ? n : SPLIT_K_MAX_CHUNKS;
}

/* Chunk j of n: near-equal sizes (so at most two sizes, few distinct keys),
 * accumulating after the first. */
static clmlp_gemm_shape k_chunk(const clmlp_gemm_shape *s, int n, int j, int *k_begin)
{
    int base = s->k / n, extra = s->k % n;
    *k_begin = j * base + (j < extra ? j : extra);
    clmlp_gemm_shape c = *s;
    c.k = base + (j < extra ? 1 : 0);
    c.accumulate = s->accumulate || j > 0;
    return c;
}

static const clmlp_gemm_choice *find_choice(const clmlp_plan *plan, const clmlp_gemm_shape *key)
{
    for (int i = 0; i < plan->n_gemm_choices; i++)
        if (clmlp_gemm_shape_equal(&plan->gemm_choices[i].key, key))
            return &plan->gemm_choices[i].choice;
    return NULL;
}

/* One GEMM launch (a whole GEMM or a chunk of its K) with the choice for
 * its shape; provider: the one every chunk of the GEMM must share. */
static clmlp_launch *gemm_launch(lowering *lw, int op_index, const clmlp_op *op, clmlp_gemm_shape s, int k_begin,
                                 int k_all, clmlp_gemm_provider *provider)
{
    clmlp_gemm_choice choice = {
        .provider = lw->plan->options.gemm == CLMLP_GEMM_CLBLAST ? CLMLP_GEMM_CLBLAST : CLMLP_GEMM_GENERATED};
    const clmlp_gemm_choice *chosen = find_choice(lw->plan, &s);
    if (chosen)
        choice = *chosen;
    /* A later chunk tuned for the other provider runs with the first's
     * defaults: the epilogue's launches (below) depend on the provider. */
    if (*provider == CLMLP_GEMM_AUTO)
        *provider = choice.provider;
    else if (choice.provider != *provider)
        choice = (clmlp_gemm_choice){.provider = *provider};
    /* CLBlast has no epilogue: it becomes a launch of its own (lower_gemm). */
    if (choice.provider != CLMLP_GEMM_GENERATED)
        s.epilogue = CLMLP_EPILOGUE_NONE;

    clmlp_launch *l = new_launch(lw, op_index, NULL, NULL);
    if (!l)
        return NULL;
    l->is_gemm = true;
    l->shape = s;
    l->provider = choice.provider;
    l->choice = choice;
    l->split = s.k != k_all;
    l->k_split = (clmlp_gemm_split){.k_begin = k_begin, .k_all = k_all};
    l->a = op->in[0];
    l->b = op->in[1];
    l->c = op->out[0];
    l->bias = clmlp_epilogue_adds_bias(s.epilogue) ? op->in[2] : s.epilogue == CLMLP_EPILOGUE_BIAS_GRAD ? op->out[1] : -1;
    l->h = clmlp_epilogue_act_grad(s.epilogue) ? op->in[2] : -1;
    snprintf(l->name, sizeof l->name, "gemm_%c%c%s%s", s.trans_a ? 't' : 'n', s.trans_b ? 't' : 'n',
             s.epilogue != CLMLP_EPILOGUE_NONE ? "_" : "",
             s.epilogue != CLMLP_EPILOGUE_NONE ? clmlp_epilogue_name(s.epilogue) : "");
    l->flops = clmlp_gemm_flops(&s);
    double mn = (double)s.m * s.n;
    l->bytes = 4.0 * ((double)s.m * s.k + (double)s.k * s.n + mn * (s.accumulate ? 2 : 1) + (l->bias >= 0 ? s.n : 0) +
                      (l->h >= 0 ? mn : 0));
    return l;
}

static int lower_gemm(lowering *lw, int op_index, const clmlp_op *op)
{
    clmlp_gemm_shape s;
    if (gemm_key(lw->plan, op, &s, lw->err) < 0)
        return -1;
    clmlp_gemm_provider provider = CLMLP_GEMM_AUTO;
    int n = k_chunks(&s);
    for (int j = 0; j < n; j++) {
        int k_begin;
        clmlp_gemm_shape chunk = k_chunk(&s, n, j, &k_begin);
        if (!gemm_launch(lw, op_index, op, chunk, k_begin, s.k, &provider))
            return -1;
    }
    bool epilogue = op->kind == CLMLP_OP_GEMM_EPILOGUE;
    double mn = (double)s.m * s.n;
    if (!epilogue || provider == CLMLP_GEMM_GENERATED)
        return 0;
    if (clmlp_epilogue_act_grad(op->epilogue)) {
        clmlp_launch *ag = new_launch(lw, op_index, "elementwise", "act_grad");
        if (!ag)
            return -1;
        snprintf(ag->options, sizeof ag->options, "-DACT=%d", (int)op->act);
        arg(ag, CLMLP_ARG_TENSOR, op->out[0]); /* dY, in place */
        arg(ag, CLMLP_ARG_TENSOR, op->in[2]);
        arg(ag, CLMLP_ARG_TENSOR, op->out[0]);
        arg_int(ag, (int)mn);
        size_1d(lw, ag, (size_t)mn);
        ag->flops = 2.0 * mn;
        ag->bytes = 4.0 * 3.0 * mn;
        ag->footprint = 4.0 * 2.0 * mn;
        return 0;
    }
    if (op->epilogue == CLMLP_EPILOGUE_BIAS_GRAD) {
        clmlp_launch *sr = new_launch(lw, op_index, "reduce", "sum_rows");
        if (!sr)
            return -1;
        snprintf(sr->options, sizeof sr->options, "-DACT=-1");
        arg(sr, CLMLP_ARG_TENSOR, op->in[1]);
        arg(sr, CLMLP_ARG_TENSOR, op->out[1]);
        arg_int(sr, s.k);
        arg_int(sr, s.n);
        size_1d(lw, sr, (size_t)s.n);
        sr->flops = (double)s.k * s.n;
        sr->bytes = 4.0 * ((double)s.k * s.n + s.n);
        return 0;
    }
    clmlp_launch *ba = new_launch(lw, op_index, "elementwise", "bias_act");
    if (!ba)
        return -1;
    bool has_act = op->epilogue != CLMLP_EPILOGUE_BIAS;
    snprintf(ba->options, sizeof ba->options, "-DACT=%d", has_act ? (int)op->act : -1);
    arg(ba, CLMLP_ARG_TENSOR, op->out[0]);
    arg(ba, CLMLP_ARG_TENSOR, op->in[2]);
    arg_int(ba, s.m);
    arg_int(ba, s.n);
    size_1d(lw, ba, (size_t)s.m * s.n);
    ba->flops = 2.0 * s.m * s.n;
    ba->bytes = 4.0 * (2.0 * s.m * s.n + s.n);
    ba->footprint = 4.0 * ((double)s.m * s.n + s.n); /* C in place */
    return 0;
}

static int lower_op(lowering *lw, int i)
{
    const clmlp_op *op = &lw->plan->graph.ops[i];
    const clmlp_graph *g = &lw->plan->graph;
    const clmlp_compile_options *o = &lw->plan->options;
    clmlp_launch *l = NULL;
    switch (op->kind) {
    case CLMLP_OP_MATMUL:
    case CLMLP_OP_GEMM_EPILOGUE:
        return lower_gemm(lw, i, op);
    case CLMLP_OP_GATHER: {
        if (!(l = new_launch(lw, i, "gather", "gather_batch")))
            return -1;
        const kernel_shape *ks = &lw->shape;
        snprintf(l->options, sizeof l->options, "-DSCALE=%d -DBINARIZE=%d -DGATHER_VW=%d -DGATHER_ROWS=%d", g->scale,
                 g->binarize, ks->vw, ks->gather_rows);
        arg(l, CLMLP_ARG_EXTERNAL, CLMLP_EXT_PIXELS);
        arg(l, CLMLP_ARG_EXTERNAL, CLMLP_EXT_LABELS);
        arg(l, CLMLP_ARG_EXTERNAL, CLMLP_EXT_INDEX);
        arg(l, CLMLP_ARG_DYNAMIC, CLMLP_DYN_FIRST);
        arg_int(l, g->batch);
        arg_int(l, g->input_dim);
        arg(l, CLMLP_ARG_TENSOR, op->out[0]);
        arg(l, CLMLP_ARG_TENSOR, op->out[1]);
        l->dims = 2;
        /* A 784-pixel row is 49 float16 work-items on a CPU: one group of 64
         * per ten rows; on lanes devices 196 float4s in a group of 256. */
        l->global[0] = round_up(((size_t)g->input_dim + ks->vw - 1) / ks->vw, ks->group);
        l->global[1] = ((size_t)g->batch + ks->gather_rows - 1) / ks->gather_rows;
        l->local[0] = ks->group;
        l->local[1] = 1;
        l->flops = (double)g->batch * g->input_dim;
        l->bytes = (double)g->batch * g->input_dim * 5.0 + g->batch * 9.0;
        return 0;
    }
    case CLMLP_OP_TRANSPOSE: {
        if (!(l = new_launch(lw, i, "transpose", "transpose")))
            return -1;
        const clmlp_tensor *src = T(lw, op->in[0]);
        arg(l, CLMLP_ARG_TENSOR, op->in[0]);
        arg(l, CLMLP_ARG_TENSOR, op->out[0]);
        arg_int(l, src->rows);
        arg_int(l, src->cols);
        size_1d(lw, l, (size_t)((src->rows + 15) / 16) * (size_t)((src->cols + 15) / 16)); /* a 16×16 tile per work-item */
        l->flops = 0;
        l->bytes = 8.0 * src->rows * src->cols;
        return 0;
    }
    case CLMLP_OP_BIAS_ADD: {
        if (!(l = new_launch(lw, i, "elementwise", "bias_add")))
            return -1;
        snprintf(l->options, sizeof l->options, "-DACT=-1");
        arg(l, CLMLP_ARG_TENSOR, op->in[0]);
        arg(l, CLMLP_ARG_TENSOR, op->in[1]);
        arg(l, CLMLP_ARG_TENSOR, op->out[0]);
        arg_int(l, T(lw, op->in[0])->rows);
        arg_int(l, T(lw, op->in[0])->cols);
        size_t n = elems(lw, op->in[0]);
        size_1d(lw, l, n);
        l->flops = (double)n;
        l->bytes = 8.0 * n + 4.0 * T(lw, op->in[1])->cols;
        return 0;
    }
    case CLMLP_OP_ACTIVATION:
    case CLMLP_OP_ACT_GRAD: {
        bool grad = op->kind == CLMLP_OP_ACT_GRAD;
        if (!(l = new_launch(lw, i, "elementwise", grad ? "act_grad" : "activation")))
            return -1;
        snprintf(l->options, sizeof l->options, "-DACT=%d", (int)op->act);
        for (int k = 0; k < op->n_in; k++)
            arg(l, CLMLP_ARG_TENSOR, op->in[k]);
        arg(l, CLMLP_ARG_TENSOR, op->out[0]);
        size_t n = elems(lw, op->out[0]);
        arg_int(l, (int)n);
        size_1d(lw, l, n);
        l->flops = (double)n * (grad ? 2 : 1);
        l->bytes = 4.0 * n * (op->n_in + 1);
        return 0;
    }
    case CLMLP_OP_SUM_ROWS:
    case CLMLP_OP_ACT_GRAD_SUM_ROWS: {
        bool fused = op->kind == CLMLP_OP_ACT_GRAD_SUM_ROWS;
        if (!(l = new_launch(lw, i, "reduce", fused ? "act_grad_sum_rows" : "sum_rows")))
            return -1;
        snprintf(l->options, sizeof l->options, "-DACT=%d", fused ? (int)op->act : -1);
        for (int k = 0; k < op->n_in; k++)
            arg(l, CLMLP_ARG_TENSOR, op->in[k]);
        for (int k = 0; k < op->n_out; k++)
            arg(l, CLMLP_ARG_TENSOR, op->out[k]);
        const clmlp_tensor *dy = T(lw, op->in[0]);
        arg_int(l, dy->rows);
        arg_int(l, dy->cols);
        size_1d(lw, l, (size_t)dy->cols);
        double n = (double)dy->rows * dy->cols;
        l->flops = fused ? 3 * n : n;
        l->bytes = fused ? 4.0 * (3 * n + dy->cols) : 4.0 * (n + dy->cols);
        return 0;
    }
    case CLMLP_OP_SOFTMAX:
    case CLMLP_OP_XENT_LOSS:
    case CLMLP_OP_XENT_GRAD:
    case CLMLP_OP_SOFTMAX_XENT:
    case CLMLP_OP_ARGMAX: {
        static const char *const names[] = {[CLMLP_OP_SOFTMAX] = "softmax", [CLMLP_OP_XENT_LOSS] = "xent_loss",
                                            [CLMLP_OP_XENT_GRAD] = "xent_grad",
                                            [CLMLP_OP_SOFTMAX_XENT] = "softmax_xent", [CLMLP_OP_ARGMAX] = "argmax"};
        if (!(l = new_launch(lw, i, "softmax_xent", names[op->kind])))
            return -1;
        const clmlp_tensor *z = T(lw, op->in[0]);
        if (op->kind == CLMLP_OP_SOFTMAX_XENT && z->cols <= 32) /* unrolled: an exp per class, not two */
            snprintf(l->options, sizeof l->options, "-DCOLS=%d", z->cols);
        arg(l, CLMLP_ARG_TENSOR, op->in[0]);
        if (op->kind == CLMLP_OP_XENT_LOSS || op->kind == CLMLP_OP_XENT_GRAD || op->kind == CLMLP_OP_SOFTMAX_XENT)
            arg(l, CLMLP_ARG_TENSOR, op->in[1]); /* labels */
        if (op->kind == CLMLP_OP_XENT_LOSS || op->kind == CLMLP_OP_SOFTMAX_XENT || op->kind == CLMLP_OP_ARGMAX)
            arg_output(l);
        if (op->kind == CLMLP_OP_SOFTMAX || op->kind == CLMLP_OP_XENT_GRAD)
            arg(l, CLMLP_ARG_TENSOR, op->out[0]);
        if (op->kind == CLMLP_OP_SOFTMAX_XENT)
            arg(l, CLMLP_ARG_TENSOR, op->out[1]);
        arg_int(l, z->rows);
        arg_int(l, z->cols);
        if (op->kind == CLMLP_OP_XENT_GRAD || op->kind == CLMLP_OP_SOFTMAX_XENT)
            arg_float(l, 1.0f / (float)z->rows);
        size_1d(lw, l, (size_t)z->rows);
        double n = (double)z->rows * z->cols;
        l->flops = 4 * n;
        l->bytes = 4.0 * (2 * n + 2 * z->rows);
        return 0;
    }
    case CLMLP_OP_ADAM:
    case CLMLP_OP_SGD:
    case CLMLP_OP_ADAM_MULTI:
    case CLMLP_OP_SGD_MULTI: {
        bool adam = op->kind == CLMLP_OP_ADAM || op->kind == CLMLP_OP_ADAM_MULTI;
        bool multi = op->kind == CLMLP_OP_ADAM_MULTI || op->kind == CLMLP_OP_SGD_MULTI;
        if (!(l = new_launch(lw, i, "optimizer", adam ? "adam" : "sgd")))
            return -1;
        size_t n;
        if (multi) {
            static const clmlp_region regions[] = {CLMLP_REGION_PARAMS, CLMLP_REGION_GRADS, CLMLP_REGION_STATE0,
                                                   CLMLP_REGION_STATE1};
            for (int k = 0; k < (adam ? 4 : 3); k++)
                arg(l, CLMLP_ARG_REGION, regions[k]);
            n = lw->plan->buffers.region_bytes[CLMLP_REGION_PARAMS] / 4;
            snprintf(l->name, sizeof l->name, "%s_multi", adam ? "adam" : "sgd");
        } else {
            for (int k = 0; k < op->n_in; k++)
                arg(l, CLMLP_ARG_TENSOR, op->in[k]);
            n = elems(lw, op->in[0]);
        }
        arg_int(l, (int)n);
        arg(l, CLMLP_ARG_DYNAMIC, CLMLP_DYN_LR);
        if (adam) {
            arg_float(l, (float)o->beta1);
            arg_float(l, (float)o->beta2);
            arg_float(l, (float)o->eps);
        } else {
            arg_float(l, (float)o->momentum);
        }
        int vw = lw->shape.vw;
        if (adam)
            snprintf(l->options, sizeof l->options, "-DOPT_VW=%d", vw);
        size_1d(lw, l, adam ? (n + (size_t)vw - 1) / (size_t)vw : n);
        l->flops = (adam ? 12.0 : 4.0) * n;
        l->bytes = 4.0 * n * (adam ? 7 : 5);
        l->footprint = 4.0 * n * (adam ? 4 : 3); /* parameters and state in place, gradients read */
        return 0;
    }
    default:
        return clmlp_fail(lw->err, CLMLP_EXIT_INTERNAL, "lower: no lowering for op %s", clmlp_op_kind_name(op->kind));
    }
}

int clmlp_plan_gemm_keys(const clmlp_plan *plan, clmlp_gemm_shape *keys, int cap)
{
    int n = 0;
    for (int i = 0; i < plan->graph.n_ops; i++) {
        const clmlp_op *op = &plan->graph.ops[i];
        clmlp_gemm_shape whole;
        if ((op->kind != CLMLP_OP_MATMUL && op->kind != CLMLP_OP_GEMM_EPILOGUE) ||
            gemm_key(plan, op, &whole, NULL) < 0)
            continue;
        int chunks = k_chunks(&whole);
        for (int j = 0; j < chunks; j++) {
            int k_begin;
            clmlp_gemm_shape s = k_chunk(&whole, chunks, j, &k_begin);
            bool seen = false;
            for (int k = 0; k < n && !seen; k++)
                seen = clmlp_gemm_shape_equal(&keys[k], &s);
            if (!seen && n < cap)
                keys[n++] = s;
        }
    }
    return n;
}

int clmlp_plan_set_gemm_choice(clmlp_plan *plan, const clmlp_gemm_shape *key, const clmlp_gemm_choice *choice,
                               clmlp_err *err)
{
    if (choice->provider != CLMLP_GEMM_GENERATED && choice->provider != CLMLP_GEMM_CLBLAST)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm choice: provider must be generated or clblast");
    clmlp_gemm_choice *slot = (clmlp_gemm_choice *)find_choice(plan, key);
    if (!slot) {
        if (plan->n_gemm_choices == CLMLP_MAX_GEMM_CHOICES)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "more than %d GEMM shapes in one plan",
                              CLMLP_MAX_GEMM_CHOICES);
        clmlp_gemm_choice_entry *e = &plan->gemm_choices[plan->n_gemm_choices++];
        e->key = *key;
        slot = &e->choice;
    }
    *slot = *choice;
    return 0;
}

int clmlp_pass_lower(clmlp_plan *plan, clmlp_err *err)
{
    lowering lw = {plan, err, plan->options.target.gpu ? LANES_SHAPE : CPU_SHAPE};
    size_t max_group = plan->options.target.max_work_group;
    while (max_group && lw.shape.group > max_group && lw.shape.group > 1)
        lw.shape.group /= 2;
    plan->n_launches = 0;
    for (int i = 0; i < plan->graph.n_ops; i++)
        if (lower_op(&lw, i) < 0)
            return -1;
    /* Most launches read and write distinct tensors: their working set is what they move. */
    for (int i = 0; i < plan->n_launches; i++)
        if (plan->launches[i].footprint <= 0)
            plan->launches[i].footprint = plan->launches[i].bytes;
    return 0;
}

void clmlp_compile_options_from_config(const clmlp_config *cfg, clmlp_compile_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->fuse = cfg->compiler.fuse;
    opt->gemm = cfg->compiler.gemm;
    opt->align = 256;
    opt->lr = cfg->training.lr;
    opt->beta1 = cfg->training.beta1;
    opt->beta2 = cfg->training.beta2;
    opt->eps = cfg->training.eps;
    opt->momentum = cfg->training.momentum;
}

float clmlp_plan_step_lr(const clmlp_plan *plan, long t)
{
    const clmlp_compile_options *o = &plan->options;
    if (plan->graph.optimizer != CLMLP_OPT_ADAM)
        return (float)o->lr;
    double b1t = pow(o->beta1, (double)t), b2t = pow(o->beta2, (double)t);
    return (float)(o->lr * sqrt(1.0 - b2t) / (1.0 - b1t));
}

int clmlp_compile(const clmlp_graph *g, const clmlp_compile_options *opt, clmlp_plan *plan, clmlp_err *err)
{
    memset(plan, 0, sizeof *plan);
    plan->graph = *g;
    plan->options = *opt;
    /* The transposed weight copy serves the CPU's register-form GEMM; the
     * local-memory form of lanes devices reads every transpose as fast. */
    if (opt->fuse && (clmlp_pass_fuse(&plan->graph, err) < 0 ||
                      (!opt->target.gpu && clmlp_pass_layout(&plan->graph, err) < 0)))
        return -1;
    if (clmlp_pass_buffers(&plan->graph, opt->align, &plan->buffers, err) < 0)
        return -1;
    return clmlp_pass_lower(plan, err);
}

double clmlp_plan_flops(const clmlp_plan *plan)
{
    double f = 0;
    for (int i = 0; i < plan->n_launches; i++)
        f += plan->launches[i].flops;
    return f;
}

double clmlp_plan_bytes(const clmlp_plan *plan)
{
    double b = 0;
    for (int i = 0; i < plan->n_launches; i++)
        b += plan->launches[i].bytes;
    return b;
}

const char *clmlp_region_name(clmlp_region region)
{
    static const char *const names[] = {"arena", "params", "grads", "state0", "state1"};
    return region >= 0 && region < CLMLP_REGION_COUNT ? names[region] : "-";
}
