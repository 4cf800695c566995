/* The generated GEMM provider on a device: specialises cl/gemm.cl with the
 * tunables' #defines (tunables.c), builds it through the binary cache, binds
 * the buffers once and enqueues it. */
#include "clmlp/gemm_kernels.h"

#include <stdio.h>
#include <string.h>

#include "cl_sources.h"

clmlp_gemm_target clmlp_gemm_target_of(const clmlp_device_desc *desc)
{
    clmlp_gemm_target t = {.gpu = false, .max_work_group = 0, .local_mem = 0, .local_dedicated = false};
    if (desc) {
        t.gpu = clmlp_device_lanes_are_work_items(desc);
        t.max_work_group = desc->max_work_group;
        t.local_mem = desc->local_mem;
        t.local_dedicated = desc->local_mem_dedicated;
    }
    return t;
}

static int round_up(int x, int to) { return (x + to - 1) / to * to; }

static int fail_context(clmlp_err *err, const clmlp_gemm_shape *s, const clmlp_gemm_tunables *t)
{
    char bk[16] = "";
    if (t->local_k > 0)
        snprintf(bk, sizeof bk, " BK=%d", t->local_k);
    return clmlp_fail_prefix(err, "gemm %c%c %dx%dx%d (TM=%d TN=%d VW=%d WG=%dx%d%s): ", s->trans_a ? 'T' : 'N',
                             s->trans_b ? 'T' : 'N', s->m, s->n, s->k, t->tile_m, t->tile_n, t->vector_width,
                             t->local_m, t->local_n, bk);
}

/* Dimension 0 walks N (the contiguous direction of C), dimension 1 M. The
 * local form's work-groups each cover (TM·WGM)×(TN·WGN) of C: the same
 * global size gives it exactly the groups it needs. */
static void set_global(clmlp_gemm_kernel *gk)
{
    const clmlp_gemm_tunables *t = &gk->tunables;
    gk->global[0] = (size_t)round_up((gk->shape.n + t->tile_n - 1) / t->tile_n, t->local_n);
    gk->global[1] = (size_t)round_up((gk->shape.m + t->tile_m - 1) / t->tile_m, t->local_m);
}

int clmlp_gemm_generated_prepare(clmlp_device *dev, const clmlp_gemm_shape *shape, const clmlp_gemm_tunables *tunables,
                                 clmlp_gemm_kernel *out, clmlp_err *err)
{
    memset(out, 0, sizeof *out);
    clmlp_gemm_tunables t = {0};
    if (tunables)
        t = *tunables;
    char opts[512];
    clmlp_gemm_target target = clmlp_gemm_target_of(&dev->desc);
    if (clmlp_gemm_generated_options(&target, shape, &t, opts, sizeof opts, err) < 0)
        return -1;
    out->shape = *shape;
    out->tunables = t;
    bool from_cache = false;
    if (clmlp_program_kernel(dev, clmlp_cl_gemm, opts, "gemm", &out->program, &from_cache, &out->kernel, err) < 0)
        goto fail;
    out->local[0] = (size_t)t.local_n;
    out->local[1] = (size_t)t.local_m;
    set_global(out);
    return 0;
fail:
    fail_context(err, shape, &t);
    clmlp_gemm_generated_release(out);
    return -1;
}

int clmlp_gemm_generated_resize(clmlp_gemm_kernel *gk, int m, int n, int k, clmlp_err *err)
{
    clmlp_gemm_shape s = gk->shape;
    s.m = m;
    s.n = n;
    s.k = k;
    if (clmlp_gemm_check_shape(&s, err) < 0)
        return -1;
    gk->shape = s;
    set_global(gk);
    return 0;
}

int clmlp_gemm_generated_bind(clmlp_gemm_kernel *gk, cl_mem a, cl_mem b, cl_mem c, cl_mem bias, cl_mem h,
                              clmlp_err *err)
{
    return clmlp_gemm_generated_bind_at(gk, NULL, a, b, c, bias, h, err);
}

int clmlp_gemm_generated_bind_at(clmlp_gemm_kernel *gk, const clmlp_gemm_split *split, cl_mem a, cl_mem b, cl_mem c,
                                 cl_mem bias, cl_mem h, clmlp_err *err)
{
    const clmlp_gemm_shape *s = &gk->shape;
    if (!gk->kernel)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm bind: the kernel was not prepared");
    if (clmlp_gemm_check_buffers(s, split, a, b, c, bias, h, err) < 0)
        return fail_context(err, s, &gk->tunables);
    /* The operands' leading dimensions are those of all of K. */
    int lda, ldb, ldc;
    clmlp_gemm_shape whole = clmlp_gemm_split_whole(s, split);
    clmlp_gemm_leading_dims(&whole, &lda, &ldb, &ldc);
    cl_int m = s->m, n = s->n, k = s->k, la = lda, lb = ldb, lc = ldc, kb = split ? split->k_begin : 0;
    cl_mem bias_arg = clmlp_epilogue_uses_bias(s->epilogue) ? bias : NULL;
    cl_mem h_arg = clmlp_epilogue_act_grad(s->epilogue) ? h : NULL;
    /* The `flags` bits of cl/gemm.cl: 1 accumulate, 2 bias, 4 activation,
     * 8 and 16 the transposes of A and B (read by the outer-product form),
     * 32 the activation's gradient from H, 64 the column sums of op(B). */
    bool act = clmlp_epilogue_applies_activation(s->epilogue);
    cl_int flags = (s->accumulate ? 1 : 0) | (clmlp_epilogue_adds_bias(s->epilogue) ? 2 : 0) | (act ? 4 : 0) |
                   (s->trans_a ? 8 : 0) | (s->trans_b ? 16 : 0) | (clmlp_epilogue_act_grad(s->epilogue) ? 32 : 0) |
                   (s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD ? 64 : 0);
    /* Argument order of gemm() in cl/gemm.cl. */
    const struct {
        size_t size;
        const void *value;
    } args[] = {
        {sizeof m, &m}, {sizeof n, &n}, {sizeof k, &k},   {sizeof a, &a},        {sizeof la, &la},
        {sizeof b, &b}, {sizeof lb, &lb}, {sizeof c, &c}, {sizeof lc, &lc}, {sizeof bias_arg, &bias_arg},
        {sizeof h_arg, &h_arg}, {sizeof flags, &flags}, {sizeof kb, &kb},
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
