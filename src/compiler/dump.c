/* `clmlp compile --dump`: the lowered plan as a reader-friendly listing, in
 * the spirit of an XLA HLO dump. */
#include <stdio.h>
#include <string.h>

#include "clmlp/compiler.h"

static void shape_text(const clmlp_tensor *t, char *buf, size_t cap)
{
    if (t->cols == 1 && t->dtype == CLMLP_I32)
        snprintf(buf, cap, "%s[%d]i32", t->name, t->rows);
    else
        snprintf(buf, cap, "%s[%d,%d]", t->name, t->rows, t->cols);
}

void clmlp_launch_describe(const clmlp_plan *plan, int launch, char *buf, size_t cap)
{
    const clmlp_graph *g = &plan->graph;
    const clmlp_launch *l = &plan->launches[launch];
    if (l->is_gemm) {
        char choice[160], gflops[48] = "";
        clmlp_gemm_choice_describe(&l->choice, choice, sizeof choice);
        if (l->choice.tuned)
            snprintf(gflops, sizeof gflops, ", tuned %.0f GFLOP/s", l->choice.gflops);
        /* What the epilogue adds: "* relu'(h2)" or ", db2 = colsum(da2)". */
        char extra[96] = "";
        if (l->h >= 0)
            snprintf(extra, sizeof extra, " * %s'(%s)", clmlp_activation_name((clmlp_activation)clmlp_epilogue_activation(l->shape.epilogue)),
                     g->tensors[l->h].name);
        else if (l->shape.epilogue == CLMLP_EPILOGUE_BIAS_GRAD)
            snprintf(extra, sizeof extra, ", %s %s= colsum(%s)", g->tensors[l->bias].name,
                     l->split && l->k_split.k_begin > 0 ? "+" : "",
                     g->tensors[l->b].name);
        /* A chunk of a split K: which rows of how many. */
        const clmlp_tensor *a = &g->tensors[l->a];
        char chunk[64] = "";
        if (l->split)
            snprintf(chunk, sizeof chunk, " rows %d-%d of %d", l->k_split.k_begin,
                     l->k_split.k_begin + l->shape.k - 1, l->k_split.k_all);
        bool adds = l->split && l->k_split.k_begin > 0;
        snprintf(buf, cap, "%s %s= %s%s . %s%s%s  (M=%d N=%d K=%d%s, %s%s)", g->tensors[l->c].name,
                 adds ? "+" : "", a->name, l->shape.trans_a ? "^T" : "", g->tensors[l->b].name,
                 l->shape.trans_b ? "^T" : "", extra, l->shape.m, l->shape.n, l->shape.k, chunk, choice, gflops);
        return;
    }
    const clmlp_op *op = &g->ops[l->op];
    if (op->kind == CLMLP_OP_ADAM_MULTI || op->kind == CLMLP_OP_SGD_MULTI) {
        snprintf(buf, cap, "params, grads, state: %zu floats", plan->buffers.region_bytes[CLMLP_REGION_PARAMS] / 4);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < op->n_out && used < cap; k++) {
        char s[96];
        shape_text(&g->tensors[op->out[k]], s, sizeof s);
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", k ? ", " : "", s);
    }
    if (used < cap)
        used += (size_t)snprintf(buf + used, cap - used, "%s", op->n_out ? " <- " : "");
    for (int k = 0; k < op->n_in && used < cap; k++) {
        char s[96];
        shape_text(&g->tensors[op->in[k]], s, sizeof s);
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", k ? ", " : "", s);
    }
}

const char *clmlp_launch_ops(const clmlp_plan *plan, int launch)
{
    const clmlp_op *op = &plan->graph.ops[plan->launches[launch].op];
    return op->fused[0] ? op->fused : clmlp_op_kind_name(op->kind);
}

static double mib(size_t b) { return (double)b / (1024.0 * 1024.0); }

void clmlp_plan_dump(const clmlp_plan *plan, const char *title, FILE *out)
{
    const clmlp_graph *g = &plan->graph;
    fprintf(out, "== %s: batch %d, %s, gemm %s ==\n", title, g->batch, plan->options.fuse ? "fused" : "unfused",
            clmlp_gemm_provider_name(plan->options.gemm));
    fprintf(out, "%3s  %-22s %-30s %9s %9s  %s\n", "#", "launch", "ops", "MFLOP", "KiB", "tensors");
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        char shapes[384];
        clmlp_launch_describe(plan, i, shapes, sizeof shapes);
        fprintf(out, "%3d  %-22s %-30s %9.3f %9.1f  %s\n", i, l->name, clmlp_launch_ops(plan, i), l->flops / 1e6,
                l->bytes / 1024.0, shapes);
    }
    const clmlp_buffer_plan *bp = &plan->buffers;
    fprintf(out, "launches: %d, %.2f MFLOP, %.2f MiB moved per step\n", plan->n_launches,
            clmlp_plan_flops(plan) / 1e6, clmlp_plan_bytes(plan) / (1024.0 * 1024.0));
    fprintf(out, "buffer plan (alignment %zu B):\n", bp->align);
    for (int r = 0; r < CLMLP_REGION_COUNT; r++)
        if (bp->region_bytes[r])
            fprintf(out, "  %-7s %10.3f MiB%s\n", clmlp_region_name((clmlp_region)r), mib(bp->region_bytes[r]),
                    r == CLMLP_REGION_ARENA ? "  (step-local tensors, reused by live range)" : "");
    fprintf(out, "  arena without reuse would be %.3f MiB\n", mib(bp->no_reuse_bytes));
    fprintf(out, "  static device peak: %.3f MiB (%zu bytes), plus the dataset and run buffers\n", mib(bp->peak_bytes),
            bp->peak_bytes);
    fprintf(out, "tensors:\n");
    for (int t = 0; t < g->n_tensors; t++) {
        const clmlp_tensor *tensor = &g->tensors[t];
        if (bp->region[t] == CLMLP_REGION_NONE && tensor->role != CLMLP_ROLE_OUTPUT)
            continue;
        char s[96];
        shape_text(tensor, s, sizeof s);
        if (tensor->role == CLMLP_ROLE_OUTPUT)
            fprintf(out, "  %-22s %-10s -> run output buffer\n", s, clmlp_role_name(tensor->role));
        else
            fprintf(out, "  %-22s %-10s %-7s @ %9zu  live ops %d..%d\n", s, clmlp_role_name(tensor->role),
                    clmlp_region_name(bp->region[t]), bp->offset[t], bp->first_def[t], bp->last_use[t]);
    }
}
