/* The CLBlast GEMM provider: one CLBlastSgemm call per launch, with CLBlast's
 * own parameters or a tuned set applied through CLBlastOverrideParameters.
 *
 * CLBlast has no epilogue, so the compiler lowers bias/activation as a
 * separate launch when it picks this provider; a shape that still carries
 * one is a plan bug and is refused rather than silently dropped.
 * Mind the cost on PoCL (DESIGN.md §3, README Performance): each parameter
 * set compiles for 5-30 s on a cold PoCL cache, and the untuned defaults run
 * at 6-25 GFLOP/s there. */
#include "clmlp/gemm_kernels.h"

#include <clblast_c.h>
#include <stdio.h>
#include <string.h>

/* The set last applied per device. CLBlast's database override is
 * process-wide state too; clmlp drives OpenCL from one thread. */
static struct {
    cl_device_id device;
    clmlp_clblast_params applied;
} overrides[8];
static int n_overrides;

static int find_override(cl_device_id device)
{
    for (int i = 0; i < n_overrides; i++)
        if (overrides[i].device == device)
            return i;
    return -1;
}

/* Makes params the set CLBlastSgemm uses on this device. */
static int apply_params(clmlp_device *dev, const clmlp_clblast_params *params, clmlp_err *err)
{
    cl_device_id id = dev->desc.device_id;
    int slot = find_override(id);
    if (params->kernel == CLMLP_CLBLAST_DEFAULT) {
        if (slot < 0)
            return 0;
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL,
                          "CLBlast's default parameters are gone from this process after a tuned set was applied; "
                          "run the default-parameter GEMMs first or tune them too");
    }
    if (slot >= 0 && memcmp(&overrides[slot].applied, params, sizeof *params) == 0)
        return 0;
    if (slot < 0 && n_overrides == (int)CLMLP_ARRAY_LEN(overrides))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "CLBlast overrides for more than %d devices",
                          (int)CLMLP_ARRAY_LEN(overrides));
    /* Sgemm picks XgemmDirect when M·N·K < XGEMM_MIN_INDIRECT_SIZE^3: force the kernel the set is for. */
    const char *routine_name[] = {"XGEMM_MIN_INDIRECT_SIZE"};
    size_t routine_value[] = {params->kernel == CLMLP_CLBLAST_DIRECT ? 1u << 20 : 0};
    if (clmlp_clblast_check(
            CLBlastOverrideParameters(id, "GemmRoutine", CLBlastPrecisionSingle, 1, routine_name, routine_value),
            "CLBlastOverrideParameters(GemmRoutine)", err) < 0)
        return -1;
    int n;
    const char *const *names = clmlp_clblast_param_names(params->kernel, &n);
    size_t values[CLMLP_CLBLAST_MAX_PARAMS];
    for (int i = 0; i < n; i++)
        values[i] = (size_t)params->values[i];
    char call[64];
    snprintf(call, sizeof call, "CLBlastOverrideParameters(%s)", clmlp_clblast_kernel_name(params->kernel));
    if (clmlp_clblast_check(CLBlastOverrideParameters(id, clmlp_clblast_kernel_name(params->kernel),
                                                      CLBlastPrecisionSingle, (size_t)n, (const char **)names, values),
                            call, err) < 0)
        return -1;
    if (slot < 0) {
        slot = n_overrides++;
        overrides[slot].device = id;
    }
    overrides[slot].applied = *params;
    return 0;
}

int clmlp_gemm_clblast_enqueue(clmlp_device *dev, const clmlp_gemm_shape *shape, const clmlp_clblast_params *params,
                               const clmlp_gemm_split *split, cl_mem a, cl_mem b, cl_mem c, cl_event *first_event,
                               cl_event *event, clmlp_err *err)
{
    static const clmlp_clblast_params defaults = {.kernel = CLMLP_CLBLAST_DEFAULT};
    const clmlp_gemm_shape *s = shape;
    if (clmlp_gemm_check_shape(s, err) < 0)
        return -1;
    if (s->epilogue != CLMLP_EPILOGUE_NONE)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL,
                          "gemm %dx%dx%d: the clblast provider cannot apply the %s epilogue; lower it as a separate "
                          "bias/activation launch or use the generated kernel",
                          s->m, s->n, s->k, clmlp_epilogue_name(s->epilogue));
    if (clmlp_gemm_check_buffers(s, split, a, b, c, NULL, NULL, err) < 0)
        return -1;
    if (apply_params(dev, params ? params : &defaults, err) < 0)
        return -1;
    if (first_event && clmlp_cl_check(clEnqueueMarkerWithWaitList(dev->queue, 0, NULL, first_event),
                                      "clEnqueueMarkerWithWaitList", err) < 0)
        return -1;
    /* Leading dimensions of the whole operands; a chunk of K starts k_begin
     * columns into op(A) and rows into op(B). */
    clmlp_gemm_shape whole = clmlp_gemm_split_whole(s, split);
    int k_begin = split ? split->k_begin : 0;
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(&whole, &lda, &ldb, &ldc);
    size_t a_off = (size_t)k_begin * (s->trans_a ? (size_t)lda : 1), b_off = (size_t)k_begin * (s->trans_b ? 1 : (size_t)ldb);
    CLBlastStatusCode status =
        CLBlastSgemm(CLBlastLayoutRowMajor, s->trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
                     s->trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, (size_t)s->m, (size_t)s->n, (size_t)s->k,
                     1.0f, a, a_off, (size_t)lda, b, b_off, (size_t)ldb, s->accumulate ? 1.0f : 0.0f, c, 0,
                     (size_t)ldc, &dev->queue, event);
    if (clmlp_clblast_check(status, "CLBlastSgemm", err) < 0) {
        if (first_event) {
            clReleaseEvent(*first_event);
            *first_event = NULL;
        }
        return clmlp_fail_prefix(err, "gemm %c%c %dx%dx%d: ", s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m,
                                 s->n, s->k);
    }
    return 0;
}
