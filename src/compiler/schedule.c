/* Scheduling: the op list is the execution order (the graph builder and
 * autodiff emit ops in dependency order); this pass proves it and records
 * each tensor's live range [first_def, last_use] for the buffer plan. */
#include "clmlp/compiler.h"

static bool is_persistent(const clmlp_tensor *t)
{
    return t->role == CLMLP_ROLE_PARAM || t->role == CLMLP_ROLE_PARAM_GRAD || t->role == CLMLP_ROLE_OPT_STATE;
}

int clmlp_pass_schedule(const clmlp_graph *g, int *first_def, int *last_use, clmlp_err *err)
{
    for (int t = 0; t < g->n_tensors; t++)
        first_def[t] = last_use[t] = -1;
    for (int i = 0; i < g->n_ops; i++) {
        const clmlp_op *op = &g->ops[i];
        for (int k = 0; k < op->n_in; k++) {
            int t = op->in[k];
            if (first_def[t] < 0 && !is_persistent(&g->tensors[t]))
                return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "schedule: op %d (%s) reads %s before it is computed", i,
                                  clmlp_op_kind_name(op->kind), g->tensors[t].name);
            last_use[t] = i;
        }
        for (int k = 0; k < op->n_out; k++) {
            int t = op->out[k];
            if (first_def[t] < 0)
                first_def[t] = i;
            if (last_use[t] < i)
                last_use[t] = i;
        }
    }
    return 0;
}
