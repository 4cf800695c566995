/* Operand buffers against a shape, for both providers. */
#include "clmlp/gemm_kernels.h"

static int check_buffer(cl_mem mem, const char *what, size_t elems, clmlp_err *err)
{
    if (!mem)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm: no buffer for %s", what);
    size_t bytes = 0;
    if (clmlp_cl_check(clGetMemObjectInfo(mem, CL_MEM_SIZE, sizeof bytes, &bytes, NULL), "clGetMemObjectInfo", err) <
        0)
        return clmlp_fail_prefix(err, "gemm operand %s: ", what);
    if (bytes < elems * sizeof(float))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm: buffer for %s holds %zu bytes, the shape needs %zu", what,
                          bytes, elems * sizeof(float));
    return 0;
}

int clmlp_gemm_check_buffers(const clmlp_gemm_shape *s, const clmlp_gemm_split *split, cl_mem a, cl_mem b,
                             cl_mem c, cl_mem bias, cl_mem h, clmlp_err *err)
{
    if (split && (split->k_begin < 0 || split->k_begin + s->k > split->k_all))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm: K chunk %d..%d is outside 0..%d", split->k_begin,
                          split->k_begin + s->k - 1, split->k_all - 1);
    clmlp_gemm_shape whole = clmlp_gemm_split_whole(s, split);
    size_t na, nb, nc;
    clmlp_gemm_operand_elems(&whole, &na, &nb, &nc);
    if (check_buffer(a, "A", na, err) < 0 || check_buffer(b, "B", nb, err) < 0 || check_buffer(c, "C", nc, err) < 0)
        return -1;
    if (clmlp_epilogue_uses_bias(s->epilogue) && check_buffer(bias, "bias", (size_t)s->n, err) < 0)
        return -1;
    if (clmlp_epilogue_act_grad(s->epilogue) && check_buffer(h, "H", nc, err) < 0)
        return -1;
    return 0;
}
