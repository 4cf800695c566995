/* A config's two plans, the way every caller wants them. */
#include <stdlib.h>

#include "clmlp/compiler.h"

int clmlp_compile_config(const clmlp_config *cfg, int input_dim, size_t align, const clmlp_gemm_target *target,
                         clmlp_plan *train, clmlp_plan *eval, clmlp_err *err)
{
    clmlp_graph *g = clmlp_calloc(1, sizeof *g, err);
    if (!g)
        return -1;
    clmlp_compile_options opt;
    clmlp_compile_options_from_config(cfg, &opt);
    if (align)
        opt.align = align;
    if (target)
        opt.target = *target;
    int rc = clmlp_graph_build_training(cfg, input_dim, g, err) < 0 || clmlp_compile(g, &opt, train, err) < 0 ||
                     clmlp_graph_build_eval(cfg, input_dim, cfg->training.eval_batch_size, g, err) < 0 ||
                     clmlp_compile(g, &opt, eval, err) < 0
                 ? -1
                 : 0;
    free(g);
    return rc;
}
