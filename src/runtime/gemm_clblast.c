/* The CLBlast GEMM provider: one CLBlastSgemm call per launch.
 *
 * CLBlast has no epilogue, so the compiler lowers bias/activation as a
 * separate launch when it picks this provider; a shape that still carries
 * one is a plan bug and is refused rather than silently dropped.
 * Mind the cost on PoCL (DESIGN.md §3): its first GEMM in a process compiles
 * for ~16 s on a cold PoCL cache, and its untuned defaults run at ~6 GFLOP/s
 * there. */
#include "clmlp/gemm.h"

#include <clblast_c.h>

int clmlp_gemm_clblast_enqueue(clmlp_device *dev, const clmlp_gemm_shape *shape, cl_mem a, cl_mem b, cl_mem c,
                               cl_event *event, clmlp_err *err)
{
    const clmlp_gemm_shape *s = shape;
    if (clmlp_gemm_check_shape(s, err) < 0)
        return -1;
    if (s->epilogue != CLMLP_EPILOGUE_NONE)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL,
                          "gemm %dx%dx%d: the clblast provider cannot apply the %s epilogue; lower it as a separate "
                          "bias/activation launch or use the generated kernel",
                          s->m, s->n, s->k, clmlp_epilogue_name(s->epilogue));
    if (clmlp_gemm_check_buffers(s, a, b, c, NULL, err) < 0)
        return -1;
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
    CLBlastStatusCode status =
        CLBlastSgemm(CLBlastLayoutRowMajor, s->trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
                     s->trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, (size_t)s->m, (size_t)s->n, (size_t)s->k,
                     1.0f, a, 0, (size_t)lda, b, 0, (size_t)ldb, s->accumulate ? 1.0f : 0.0f, c, 0, (size_t)ldc,
                     &dev->queue, event);
    if (clmlp_clblast_check(status, "CLBlastSgemm", err) < 0)
        return clmlp_fail_prefix(err, "gemm %c%c %dx%dx%d: ", s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m,
                                 s->n, s->k);
    return 0;
}
