/* A GEMM choice as one line of text, for the plan dump, `clmlp tune` and
 * `clmlp bench`. */
#include <stdio.h>

#include "clmlp/gemm.h"

void clmlp_gemm_choice_describe(const clmlp_gemm_choice *c, char *buf, size_t cap)
{
    if (c->provider == CLMLP_GEMM_CLBLAST) {
        int n;
        const char *const *names = clmlp_clblast_param_names(c->clblast.kernel, &n);
        size_t used = (size_t)snprintf(buf, cap, "clblast %s", n ? clmlp_clblast_kernel_name(c->clblast.kernel)
                                                                 : "defaults");
        for (int i = 0; i < n && used < cap; i++)
            used += (size_t)snprintf(buf + used, cap - used, " %s=%d", names[i], c->clblast.values[i]);
        return;
    }
    const clmlp_gemm_tunables *t = &c->tunables;
    if (!t->tile_m && !t->tile_n && !t->local_m && !t->local_n && !t->vector_width)
        snprintf(buf, cap, "generated defaults");
    else
        snprintf(buf, cap, "generated TM=%d TN=%d VW=%d WG=%dx%d%s", t->tile_m, t->tile_n, t->vector_width, t->local_m,
                 t->local_n, t->outer ? " outer" : "");
}
