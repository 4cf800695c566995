/* The generated GEMM provider: picks tunables for a shape, specialises
 * cl/gemm.cl with #defines, builds it through the binary cache, binds the
 * buffers once and enqueues it.
 *
 * Default tunables, measured on PoCL 3.1 (pthread, AVX-512, 2 cores),
 * GFLOP/s of the kernel alone, median of 41 runs interleaved between tiles:
 *   NN 100×400×784   TM=10 TN=16: 208   TM=8 TN=32: 226   TM=6 TN=48: 227
 *   NN 100×500×400   TM=10 TN=16: 182   TM=8 TN=32: 228   TM=6 TN=48: 226
 *   TN 400×500×100   TM=10 TN=16: 166   TM=8 TN=32: 215   TM=6 TN=48: 215
 *   NN 1000×400×784  TM=10 TN=16: 392   TM=8 TN=32: 455   TM=6 TN=48: 436
 *   NN 100×10×500    TM=10 TN=16: 127   TM=8 TN=32:  76   (N < TN wastes a vector)
 *   NT 100×400×500   TM=5 TN=5: 311     TM=6 TN=4: 309    TM=4 TN=6: 300  (VW=16 along K)
 * (PoCL runs these on one or both threads, hence ~2x between runs.)
 * float16 vectors beat float8 everywhere (NN 100×400×784: 230 vs 132), and
 * the work-group size barely matters on PoCL (1×1 to 5×5 within noise), so
 * CPUs get 1×1: no work-item loop in PoCL's work-group function at all.
 * The defaults do not depend on the shape: every GEMM of the same form then
 * shares one program, and each program costs PoCL ~0.45 s to compile cold
 * (README, Performance). 8×32 wins on the shapes that carry the FLOPs; the
 * 1-MFLOP ones with N = 10 lose ~15 µs a step with it, less than a second
 * program would cost a cold start, and the autotuner (src/tune/, full)
 * picks per-shape tiles where they pay.
 * GPUs get a conventional small-tile, 16×8 work-group guess until the
 * autotuner measures them. */
#include "clmlp/gemm.h"

#include <stdio.h>
#include <string.h>

#include "cl_sources.h"

/* NT runs in the dot form unless the tunables ask for the outer-product one. */
static bool dot_form(const clmlp_gemm_shape *s, const clmlp_gemm_tunables *t)
{
    return s->trans_b && !s->trans_a && !(t && t->outer);
}

static int round_up(int x, int to) { return (x + to - 1) / to * to; }

void clmlp_gemm_default_tunables(const clmlp_device_desc *desc, const clmlp_gemm_shape *s, clmlp_gemm_tunables *out)
{
    memset(out, 0, sizeof *out);
    bool gpu = desc && (desc->type & CL_DEVICE_TYPE_GPU);
    if (dot_form(s, NULL)) {
        /* NT: vectors run along K; each output is its own accumulator. */
        out->vector_width = gpu ? 4 : 16;
        out->tile_m = out->tile_n = gpu ? 2 : 5;
    } else {
        /* NN, TN, TT: vectors run along N. */
        out->vector_width = gpu ? 4 : 16;
        out->tile_m = gpu ? 4 : 8;
        out->tile_n = gpu ? 4 : 32;
    }
    if (gpu) {
        out->local_n = 16;
        out->local_m = 8;
        size_t max_wg = desc->max_work_group ? desc->max_work_group : 128;
        while ((size_t)(out->local_n * out->local_m) > max_wg && out->local_m > 1)
            out->local_m /= 2;
        while ((size_t)(out->local_n * out->local_m) > max_wg && out->local_n > 1)
            out->local_n /= 2;
    } else {
        out->local_m = 1;
        out->local_n = 1;
    }
}

int clmlp_gemm_generated_options(const clmlp_device_desc *desc, const clmlp_gemm_shape *s, clmlp_gemm_tunables *t,
                                 char *opts, size_t cap, clmlp_err *err)
{
    if (clmlp_gemm_check_shape(s, err) < 0)
        return -1;
    clmlp_gemm_tunables def;
    clmlp_gemm_default_tunables(desc, s, &def);
    bool vw_given = t->vector_width != 0;
    if (!t->tile_m)
        t->tile_m = def.tile_m;
    if (!t->tile_n)
        t->tile_n = def.tile_n;
    if (!t->local_m)
        t->local_m = def.local_m;
    if (!t->local_n)
        t->local_n = def.local_n;
    if (!vw_given) {
        t->vector_width = def.vector_width;
        /* A given tile_n with the default width: narrow the width to fit. */
        while (!dot_form(s, t) && t->tile_n > 0 && t->tile_n % t->vector_width != 0)
            t->vector_width /= 2;
    }

    int vw = t->vector_width;
    if (vw != 1 && vw != 2 && vw != 4 && vw != 8 && vw != 16)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: vector_width %d is not 1, 2, 4, 8 or 16", vw);
    /* Caps keep the private arrays (TM×TN accumulators) to what a compiler
     * can still hold in registers or at least compile quickly. */
    if (t->tile_m < 1 || t->tile_m > 32)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: tile_m %d is outside 1..32", t->tile_m);
    if (t->tile_n < 1 || t->tile_n > 128)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: tile_n %d is outside 1..128", t->tile_n);
    if (t->outer != 0 && t->outer != 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: outer %d is not 0 or 1", t->outer);
    if (!dot_form(s, t) && t->tile_n % vw != 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "gemm tunables: tile_n %d is not a multiple of vector_width %d (needed unless trans_b "
                          "without trans_a)",
                          t->tile_n, vw);
    if (t->local_m < 1 || t->local_n < 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: work-group size %dx%d must be positive",
                          t->local_m, t->local_n);
    size_t wg = (size_t)t->local_m * (size_t)t->local_n;
    if (desc && desc->max_work_group && wg > desc->max_work_group)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "gemm tunables: work-group size %dx%d = %zu exceeds the device's maximum %zu", t->local_m,
                          t->local_n, wg, desc->max_work_group);

    /* No -cl-fast-relaxed-math: it would make exp/tanh in the epilogue
     * approximate and assume no inf (a sigmoid of -100 needs exp(100) = inf).
     * The FMA it would buy is already explicit: the kernel calls fma().
     * Transposes (but for the form), accumulate and the epilogue are kernel
     * arguments (see cl/gemm.cl), so only sigmoid and tanh add a define:
     * ReLU, bias-only and plain GEMMs of the same form and tunables share
     * one program. */
    int act = s->epilogue == CLMLP_EPILOGUE_BIAS_SIGMOID ? 1 : s->epilogue == CLMLP_EPILOGUE_BIAS_TANH ? 2 : 0;
    char act_opt[16] = "";
    if (act)
        snprintf(act_opt, sizeof act_opt, " -DACT=%d", act);
    int len = snprintf(opts, cap, "-DDOT_FORM=%d -DTM=%d -DTN=%d -DVW=%d -DWGM=%d -DWGN=%d%s", dot_form(s, t) ? 1 : 0,
                       t->tile_m, t->tile_n, vw, t->local_m, t->local_n, act_opt);
    if (len < 0 || (size_t)len >= cap)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm: build options do not fit in %zu bytes", cap);
    return 0;
}

static int fail_context(clmlp_err *err, const clmlp_gemm_shape *s, const clmlp_gemm_tunables *t)
{
    return clmlp_fail_prefix(err, "gemm %c%c %dx%dx%d (TM=%d TN=%d VW=%d WG=%dx%d): ", s->trans_a ? 'T' : 'N',
                             s->trans_b ? 'T' : 'N', s->m, s->n, s->k, t->tile_m, t->tile_n, t->vector_width,
                             t->local_m, t->local_n);
}

int clmlp_gemm_generated_prepare(clmlp_device *dev, const clmlp_gemm_shape *shape, const clmlp_gemm_tunables *tunables,
                                 clmlp_gemm_kernel *out, clmlp_err *err)
{
    memset(out, 0, sizeof *out);
    clmlp_gemm_tunables t = {0};
    if (tunables)
        t = *tunables;
    char opts[512];
    if (clmlp_gemm_generated_options(&dev->desc, shape, &t, opts, sizeof opts, err) < 0)
        return -1;
    out->shape = *shape;
    out->tunables = t;
    if (clmlp_program_build(dev, clmlp_cl_gemm, opts, &out->program, NULL, err) < 0)
        goto fail;
    cl_int rc;
    out->kernel = clCreateKernel(out->program, "gemm", &rc);
    if (clmlp_cl_check(rc, "clCreateKernel", err) < 0)
        goto fail;
    /* Dimension 0 walks N (the contiguous direction of C), dimension 1 M. */
    out->local[0] = (size_t)t.local_n;
    out->local[1] = (size_t)t.local_m;
    out->global[0] = (size_t)round_up((shape->n + t.tile_n - 1) / t.tile_n, t.local_n);
    out->global[1] = (size_t)round_up((shape->m + t.tile_m - 1) / t.tile_m, t.local_m);
    return 0;
fail:
    fail_context(err, shape, &t);
    clmlp_gemm_generated_release(out);
    return -1;
}

int clmlp_gemm_generated_bind(clmlp_gemm_kernel *gk, cl_mem a, cl_mem b, cl_mem c, cl_mem bias, clmlp_err *err)
{
    const clmlp_gemm_shape *s = &gk->shape;
    if (!gk->kernel)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm bind: the kernel was not prepared");
    if (clmlp_gemm_check_buffers(s, a, b, c, bias, err) < 0)
        return fail_context(err, s, &gk->tunables);
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
    cl_int m = s->m, n = s->n, k = s->k, la = lda, lb = ldb, lc = ldc;
    cl_mem bias_arg = s->epilogue != CLMLP_EPILOGUE_NONE ? bias : NULL;
    /* The `flags` bits of cl/gemm.cl: 1 accumulate, 2 bias, 4 activation,
     * 8 and 16 the transposes of A and B (read by the outer-product form). */
    cl_int flags = (s->accumulate ? 1 : 0) | (s->epilogue != CLMLP_EPILOGUE_NONE ? 2 : 0) |
                   (s->epilogue >= CLMLP_EPILOGUE_BIAS_RELU ? 4 : 0) | (s->trans_a ? 8 : 0) | (s->trans_b ? 16 : 0);
    /* Argument order of gemm() in cl/gemm.cl. */
    const struct {
        size_t size;
        const void *value;
    } args[] = {
        {sizeof m, &m}, {sizeof n, &n}, {sizeof k, &k},   {sizeof a, &a},        {sizeof la, &la},
        {sizeof b, &b}, {sizeof lb, &lb}, {sizeof c, &c}, {sizeof lc, &lc}, {sizeof bias_arg, &bias_arg},
        {sizeof flags, &flags},
    };
    for (cl_uint i = 0; i < (cl_uint)CLMLP_ARRAY_LEN(args); i++) {
        if (clmlp_cl_check(clSetKernelArg(gk->kernel, i, args[i].size, args[i].value), "clSetKernelArg", err) < 0) {
            clmlp_fail_prefix(err, "argument %u: ", i);
            return fail_context(err, s, &gk->tunables);
        }
    }
    return 0;
}

int clmlp_gemm_generated_enqueue(clmlp_device *dev, clmlp_gemm_kernel *gk, cl_event *event, clmlp_err *err)
{
    cl_int rc = clEnqueueNDRangeKernel(dev->queue, gk->kernel, 2, NULL, gk->global, gk->local, 0, NULL, event);
    if (clmlp_cl_check(rc, "clEnqueueNDRangeKernel", err) < 0)
        return fail_context(err, &gk->shape, &gk->tunables);
    return 0;
}

void clmlp_gemm_generated_release(clmlp_gemm_kernel *gk)
{
    if (!gk)
        return;
    if (gk->kernel)
        clReleaseKernel(gk->kernel);
    if (gk->program)
        clReleaseProgram(gk->program);
    memset(gk, 0, sizeof *gk);
}
