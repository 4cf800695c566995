/* Buffer plan. Step-local tensors (the batch, activations, gradients of
 * activations) share one arena: each gets the lowest offset that does not
 * overlap a tensor whose live range intersects its own (greedy, largest
 * first). Parameters, their gradients and optimizer state live across steps
 * and get one region each with the SAME layout (tensor of parameter p at the
 * same offset everywhere), which is what lets a single multi-tensor kernel
 * update them all and gives a clean point to all-reduce gradients. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/compiler.h"

static size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

static clmlp_region persistent_region(const clmlp_graph *g, int t)
{
    const clmlp_tensor *tensor = &g->tensors[t];
    switch (tensor->role) {
    case CLMLP_ROLE_PARAM:
        return CLMLP_REGION_PARAMS;
    case CLMLP_ROLE_PARAM_GRAD:
        return CLMLP_REGION_GRADS;
    case CLMLP_ROLE_OPT_STATE:
        return g->opt_state[tensor->param][1] == t ? CLMLP_REGION_STATE1 : CLMLP_REGION_STATE0;
    default:
        return CLMLP_REGION_NONE;
    }
}

typedef struct {
    int tensor;
    size_t bytes;
} sized;

static int larger_first(const void *a, const void *b)
{
    const sized *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return x->tensor - y->tensor; /* stable, deterministic */
}

static bool lifetimes_overlap(const clmlp_buffer_plan *bp, int a, int b)
{
    return bp->first_def[a] <= bp->last_use[b] && bp->first_def[b] <= bp->last_use[a];
}

int clmlp_pass_buffers(const clmlp_graph *g, size_t align, clmlp_buffer_plan *bp, clmlp_err *err)
{
    memset(bp, 0, sizeof *bp);
    bp->align = align < 4 ? 4 : align;
    if (clmlp_pass_schedule(g, bp->first_def, bp->last_use, err) < 0)
        return -1;
    for (int t = 0; t < g->n_tensors; t++)
        bp->region[t] = CLMLP_REGION_NONE;

    /* Persistent regions: parameter p's tensors at the same offset in each. */
    size_t offset = 0;
    for (int p = 0; p < g->n_params; p++) {
        int param = g->params[p];
        size_t bytes = clmlp_tensor_bytes(&g->tensors[param]);
        for (int t = 0; t < g->n_tensors; t++) {
            clmlp_region r = persistent_region(g, t);
            if (r != CLMLP_REGION_NONE && g->tensors[t].param == p) {
                bp->region[t] = r;
                bp->offset[t] = offset;
            }
        }
        offset = align_up(offset + bytes, bp->align);
    }
    bp->region_bytes[CLMLP_REGION_PARAMS] = offset;
    bool has_grads = false, has_state[2] = {false, false};
    for (int t = 0; t < g->n_tensors; t++) {
        has_grads |= bp->region[t] == CLMLP_REGION_GRADS;
        has_state[0] |= bp->region[t] == CLMLP_REGION_STATE0;
        has_state[1] |= bp->region[t] == CLMLP_REGION_STATE1;
    }
    bp->region_bytes[CLMLP_REGION_GRADS] = has_grads ? offset : 0;
    bp->region_bytes[CLMLP_REGION_STATE0] = has_state[0] ? offset : 0;
    bp->region_bytes[CLMLP_REGION_STATE1] = has_state[1] ? offset : 0;

    /* Arena: step-local tensors that some op touches. */
    sized order[CLMLP_MAX_TENSORS];
    int n = 0;
    for (int t = 0; t < g->n_tensors; t++) {
        clmlp_role role = g->tensors[t].role;
        bool local = role == CLMLP_ROLE_INPUT || role == CLMLP_ROLE_LABELS || role == CLMLP_ROLE_ACTIVATION ||
                     role == CLMLP_ROLE_GRADIENT;
        if (local && bp->first_def[t] >= 0) {
            order[n].tensor = t;
            order[n].bytes = align_up(clmlp_tensor_bytes(&g->tensors[t]), bp->align);
            bp->no_reuse_bytes += order[n].bytes;
            n++;
        }
    }
    qsort(order, (size_t)n, sizeof order[0], larger_first);
    size_t arena = 0;
    for (int i = 0; i < n; i++) {
        int t = order[i].tensor;
        size_t candidate = 0;
        /* Move past every placed, live-overlapping tensor in our way until none is. */
        for (bool moved = true; moved;) {
            moved = false;
            for (int j = 0; j < i; j++) {
                int u = order[j].tensor;
                if (!lifetimes_overlap(bp, t, u))
                    continue;
                size_t ub = bp->offset[u], ue = ub + order[j].bytes;
                if (candidate < ue && ub < candidate + order[i].bytes) {
                    candidate = ue;
                    moved = true;
                }
            }
        }
        bp->region[t] = CLMLP_REGION_ARENA;
        bp->offset[t] = candidate;
        if (candidate + order[i].bytes > arena)
            arena = candidate + order[i].bytes;
    }
    bp->region_bytes[CLMLP_REGION_ARENA] = arena;
    for (int r = 0; r < CLMLP_REGION_COUNT; r++)
        bp->peak_bytes += bp->region_bytes[r];
    return 0;
}
