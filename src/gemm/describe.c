/* The GEMM layer's pure part: shapes, FLOPs, and a choice in words (for the
 * plan dump, `clmlp tune` and `clmlp bench`). No OpenCL. */
#include "clmlp/gemm.h"

#include <limits.h>
#include <stdio.h>

const char *clmlp_epilogue_name(clmlp_epilogue epilogue)
{
    static const char *const names[] = {"none",      "bias",         "bias_relu", "bias_sigmoid", "bias_tanh",
                                        "relu_grad", "sigmoid_grad", "tanh_grad", "bias_grad",    "exp"};
    _Static_assert(CLMLP_ARRAY_LEN(names) == CLMLP_EPILOGUE_COUNT, "one name per epilogue");
    return (int)epilogue >= 0 && epilogue < CLMLP_EPILOGUE_COUNT ? names[epilogue] : NULL;
}

int clmlp_epilogue_activation(clmlp_epilogue e)
{
    switch (e) {
    case CLMLP_EPILOGUE_BIAS_RELU:
    case CLMLP_EPILOGUE_RELU_GRAD:
        return CLMLP_ACT_RELU;
    case CLMLP_EPILOGUE_BIAS_SIGMOID:
    case CLMLP_EPILOGUE_SIGMOID_GRAD:
        return CLMLP_ACT_SIGMOID;
    case CLMLP_EPILOGUE_BIAS_TANH:
    case CLMLP_EPILOGUE_TANH_GRAD:
        return CLMLP_ACT_TANH;
    case CLMLP_EPILOGUE_EXP:
        return CLMLP_GEMM_ACT_EXP;
    default:
        return -1;
    }
}

bool clmlp_epilogue_adds_bias(clmlp_epilogue e) { return e >= CLMLP_EPILOGUE_BIAS && e <= CLMLP_EPILOGUE_BIAS_TANH; }

bool clmlp_epilogue_applies_activation(clmlp_epilogue e)
{
    return (clmlp_epilogue_adds_bias(e) && clmlp_epilogue_activation(e) >= 0) || e == CLMLP_EPILOGUE_EXP;
}

bool clmlp_epilogue_act_grad(clmlp_epilogue e) { return e >= CLMLP_EPILOGUE_RELU_GRAD && e <= CLMLP_EPILOGUE_TANH_GRAD; }

bool clmlp_epilogue_uses_bias(clmlp_epilogue e) { return clmlp_epilogue_adds_bias(e) || e == CLMLP_EPILOGUE_BIAS_GRAD; }

bool clmlp_gemm_shape_equal(const clmlp_gemm_shape *a, const clmlp_gemm_shape *b)
{
    return a->m == b->m && a->n == b->n && a->k == b->k && a->trans_a == b->trans_a && a->trans_b == b->trans_b &&
           a->accumulate == b->accumulate && a->epilogue == b->epilogue;
}

int clmlp_gemm_check_shape(const clmlp_gemm_shape *s, clmlp_err *err)
{
    if (s->m < 1 || s->n < 1 || s->k < 1)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm %dx%dx%d: m, n and k must be at least 1", s->m, s->n,
                          s->k);
    /* The kernel indexes with int; CLBlast would take size_t, but one limit
     * for both providers keeps the choice between them free. */
    if ((long long)s->m * s->k > INT_MAX || (long long)s->k * s->n > INT_MAX || (long long)s->m * s->n > INT_MAX)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm %dx%dx%d: an operand exceeds 2^31-1 elements", s->m, s->n,
                          s->k);
    if ((int)s->epilogue < (int)CLMLP_EPILOGUE_NONE || s->epilogue >= CLMLP_EPILOGUE_COUNT)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm %dx%dx%d: unknown epilogue %d", s->m, s->n, s->k,
                          (int)s->epilogue);
    return 0;
}

void clmlp_gemm_leading_dims(const clmlp_gemm_shape *s, int *lda, int *ldb, int *ldc)
{
    *lda = s->trans_a ? s->m : s->k;
    *ldb = s->trans_b ? s->k : s->n;
    *ldc = s->n;
}

clmlp_gemm_shape clmlp_gemm_split_whole(const clmlp_gemm_shape *chunk, const clmlp_gemm_split *split)
{
    clmlp_gemm_shape whole = *chunk;
    if (split)
        whole.k = split->k_all;
    return whole;
}

void clmlp_gemm_operand_elems(const clmlp_gemm_shape *s, size_t *a, size_t *b, size_t *c)
{
    *a = (size_t)s->m * (size_t)s->k;
    *b = (size_t)s->k * (size_t)s->n;
    *c = (size_t)s->m * (size_t)s->n;
}

double clmlp_gemm_flops(const clmlp_gemm_shape *s)
{
    double mn = (double)s->m * (double)s->n;
    bool per_output = clmlp_epilogue_adds_bias(s->epilogue) || clmlp_epilogue_act_grad(s->epilogue) ||
                      s->epilogue == CLMLP_EPILOGUE_EXP;
    double sums = s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD ? (double)s->k * (double)s->n : 0.0;
    return 2.0 * mn * (double)s->k + (s->accumulate ? mn : 0.0) + (per_output ? mn : 0.0) + sums;
}

/* CLBlast 1.5's names, in its database order (src/database/kernels/). */
static const char *const direct_names[] = {"KWID", "MDIMAD", "MDIMCD", "NDIMBD", "NDIMCD",
                                           "PADA", "PADB",   "VWMD",   "VWND",   "WGD"};
static const char *const indirect_names[] = {"GEMMK", "KREG", "KWG", "KWI", "MDIMA", "MDIMC", "MWG",  "NDIMB",
                                             "NDIMC", "NWG",  "SA",  "SB",  "STRM",  "STRN",  "VWM",  "VWN"};

const char *const *clmlp_clblast_param_names(clmlp_clblast_kernel kernel, int *count)
{
    switch (kernel) {
    case CLMLP_CLBLAST_DIRECT:
        *count = (int)CLMLP_ARRAY_LEN(direct_names);
        return direct_names;
    case CLMLP_CLBLAST_INDIRECT:
        *count = (int)CLMLP_ARRAY_LEN(indirect_names);
        return indirect_names;
    default:
        *count = 0;
        return NULL;
    }
}

const char *clmlp_clblast_kernel_name(clmlp_clblast_kernel kernel)
{
    return kernel == CLMLP_CLBLAST_DIRECT ? "XgemmDirect" : kernel == CLMLP_CLBLAST_INDIRECT ? "Xgemm" : "default";
}

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
    char bk[16] = "";
    if (t->local_k > 0)
        snprintf(bk, sizeof bk, " BK=%d", t->local_k);
    if (!t->tile_m && !t->tile_n && !t->local_m && !t->local_n && !t->vector_width && !t->local_k)
        snprintf(buf, cap, "generated defaults");
    else
        snprintf(buf, cap, "generated TM=%d TN=%d VW=%d WG=%dx%d%s%s", t->tile_m, t->tile_n, t->vector_width,
                 t->local_m, t->local_n, t->outer ? " outer" : "", bk);
}
