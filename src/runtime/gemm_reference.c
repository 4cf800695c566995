/* GEMM shape helpers shared by both providers, the FLOP count, and the host
 * reference every device GEMM is checked against. */
#include "clmlp/gemm.h"

#include <limits.h>
#include <math.h>

const char *clmlp_epilogue_name(clmlp_epilogue epilogue)
{
    switch (epilogue) {
    case CLMLP_EPILOGUE_NONE:
        return "none";
    case CLMLP_EPILOGUE_BIAS:
        return "bias";
    case CLMLP_EPILOGUE_BIAS_RELU:
        return "bias_relu";
    case CLMLP_EPILOGUE_BIAS_SIGMOID:
        return "bias_sigmoid";
    case CLMLP_EPILOGUE_BIAS_TANH:
        return "bias_tanh";
    }
    return "?";
}

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
    if ((int)s->epilogue < (int)CLMLP_EPILOGUE_NONE || (int)s->epilogue > (int)CLMLP_EPILOGUE_BIAS_TANH)
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

void clmlp_gemm_operand_elems(const clmlp_gemm_shape *s, size_t *a, size_t *b, size_t *c)
{
    *a = (size_t)s->m * (size_t)s->k;
    *b = (size_t)s->k * (size_t)s->n;
    *c = (size_t)s->m * (size_t)s->n;
}

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

int clmlp_gemm_check_buffers(const clmlp_gemm_shape *s, cl_mem a, cl_mem b, cl_mem c, cl_mem bias, clmlp_err *err)
{
    size_t na, nb, nc;
    clmlp_gemm_operand_elems(s, &na, &nb, &nc);
    if (check_buffer(a, "A", na, err) < 0 || check_buffer(b, "B", nb, err) < 0 || check_buffer(c, "C", nc, err) < 0)
        return -1;
    if (s->epilogue != CLMLP_EPILOGUE_NONE && check_buffer(bias, "bias", (size_t)s->n, err) < 0)
        return -1;
    return 0;
}

double clmlp_gemm_flops(const clmlp_gemm_shape *s)
{
    double mn = (double)s->m * (double)s->n;
    return 2.0 * mn * (double)s->k + (s->accumulate ? mn : 0.0) + (s->epilogue != CLMLP_EPILOGUE_NONE ? mn : 0.0);
}

void clmlp_gemm_reference(const clmlp_gemm_shape *s, const float *a, const float *b, const float *bias, float *c)
{
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
    for (int i = 0; i < s->m; i++) {
        for (int j = 0; j < s->n; j++) {
            double sum = 0.0;
            for (int p = 0; p < s->k; p++) {
                double x = s->trans_a ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                double y = s->trans_b ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += x * y;
            }
            float *out = &c[(size_t)i * ldc + j];
            if (s->accumulate)
                sum += *out;
            if (s->epilogue != CLMLP_EPILOGUE_NONE)
                sum += bias[j];
            switch (s->epilogue) {
            case CLMLP_EPILOGUE_BIAS_RELU:
                sum = sum > 0.0 ? sum : 0.0;
                break;
            case CLMLP_EPILOGUE_BIAS_SIGMOID:
                sum = 1.0 / (1.0 + exp(-sum));
                break;
            case CLMLP_EPILOGUE_BIAS_TANH:
                sum = tanh(sum);
                break;
            default:
                break;
            }
            *out = (float)sum;
        }
    }
}
