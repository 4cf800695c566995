/* GEMM: the host reference by hand, FLOP counts, default tunables and their
 * validation (no device); with OpenCL, the generated kernel against the
 * reference over every transpose × odd shapes × epilogues × accumulate,
 * several vector widths and work-group sizes, the MLP's own shapes,
 * sub-buffers, bind errors; CLBlast on a few small shapes and its refusal of
 * epilogues. Device outputs are checked elementwise against the double
 * reference with a tolerance scaled by sum_k |a||b| (plus |old C| and
 * |bias|), so cancellation cannot make a correct result look wrong; C starts
 * as NaN when not accumulating (a kernel that reads it fails) and guard
 * values past C's end must survive (a kernel that writes past it fails). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/gemm_kernels.h"
#include "clmlp/svm.h"
#include "device_fixture.h"
#include "harness.h"

enum { GUARD = 64 };
static const float GUARD_VALUE = 12345.0f;

/* ---- helpers --------------------------------------------------------------- */

static clmlp_gemm_shape shape(int m, int n, int k, bool ta, bool tb, bool acc, clmlp_epilogue epi)
{
    clmlp_gemm_shape s = {.m = m, .n = n, .k = k, .trans_a = ta, .trans_b = tb, .accumulate = acc, .epilogue = epi};
    return s;
}

static void shape_label(const clmlp_gemm_shape *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%c%c %dx%dx%d %s%s", s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m, s->n, s->k,
             clmlp_epilogue_name(s->epilogue), s->accumulate ? " acc" : "");
}

static float *random_floats(size_t count, uint64_t *state)
{
    float *v = malloc(count * sizeof *v);
    for (size_t i = 0; i < count; i++) {
        /* xorshift64: deterministic, uniform in [-1, 1) */
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        v[i] = (float)((double)(*state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    }
    return v;
}

static cl_mem upload(clmlp_device *dev, const float *data, size_t count, clmlp_err *err)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(dev->context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, count * sizeof(float),
                              (void *)data, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer", err) < 0)
        return NULL;
    return m;
}

typedef enum { PROVIDER_GENERATED, PROVIDER_CLBLAST } provider;

/* Runs one GEMM on the device. c holds C's initial contents plus GUARD
 * floats after it, and receives all of them back; bias (N floats) is read
 * back too (BIAS_GRAD writes it); h (M×N) is the <act>_GRAD operand. */
static int run_gemm(clmlp_device *dev, provider p, const clmlp_gemm_shape *s, const clmlp_gemm_tunables *t,
                    const float *a, const float *b, float *bias, const float *h, float *c, clmlp_err *err)
{
    size_t na, nb, nc;
    clmlp_gemm_operand_elems(s, &na, &nb, &nc);
    int rc = -1;
    clmlp_gemm_kernel gk = {0};
    cl_mem ma = upload(dev, a, na, err), mb = ma ? upload(dev, b, nb, err) : NULL;
    cl_mem mc = mb ? upload(dev, c, nc + GUARD, err) : NULL;
    cl_mem mbias = mc && bias ? upload(dev, bias, (size_t)s->n, err) : NULL;
    cl_mem mh = mc && h ? upload(dev, h, nc, err) : NULL;
    if (!mc || (bias && !mbias) || (h && !mh))
        goto done;
    cl_event ev = NULL;
    if (p == PROVIDER_CLBLAST) {
        if (clmlp_gemm_clblast_enqueue(dev, s, NULL, NULL, ma, mb, mc, NULL, &ev, err) < 0)
            goto done;
    } else if (clmlp_gemm_generated_prepare(dev, s, t, &gk, err) < 0 ||
               clmlp_gemm_generated_bind(&gk, ma, mb, mc, mbias, mh, err) < 0 ||
               clmlp_gemm_generated_enqueue(dev, &gk, &ev, err) < 0) {
        goto done;
    }
    cl_int wait = clWaitForEvents(1, &ev);
    clReleaseEvent(ev);
    if (clmlp_cl_check(wait, "clWaitForEvents", err) < 0 ||
        clmlp_cl_check(clEnqueueReadBuffer(dev->queue, mc, CL_TRUE, 0, (nc + GUARD) * sizeof(float), c, 0, NULL, NULL),
                       "clEnqueueReadBuffer", err) < 0 ||
        (mbias && clmlp_cl_check(clEnqueueReadBuffer(dev->queue, mbias, CL_TRUE, 0, (size_t)s->n * sizeof(float), bias,
                                                     0, NULL, NULL),
                                 "clEnqueueReadBuffer", err) < 0))
        goto done;
    rc = 0;
done:
    clmlp_gemm_generated_release(&gk);
    cl_mem all[] = {ma, mb, mc, mbias, mh};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(all); i++)
        if (all[i])
            clReleaseMemObject(all[i]);
    return rc;
}

/* Random operands (seeded by the shape), one device run, elementwise check.
 * Returns true when every element is within tolerance. */
static bool check_gemm(clmlp_device *dev, provider p, const clmlp_gemm_shape *s, const clmlp_gemm_tunables *t)
{
    char label[160];
    shape_label(s, label, sizeof label);
    if (t)
        snprintf(label + strlen(label), sizeof label - strlen(label), " (TM=%d TN=%d VW=%d WG=%dx%d BK=%d)", t->tile_m,
                 t->tile_n, t->vector_width, t->local_m, t->local_n, t->local_k);
    size_t na, nb, nc;
    clmlp_gemm_operand_elems(s, &na, &nb, &nc);
    uint64_t state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)s->m << 40) ^ ((uint64_t)s->n << 20) ^ (uint64_t)s->k;
    float *a = random_floats(na, &state), *b = random_floats(nb, &state);
    bool sums = s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD;
    float *bias = clmlp_epilogue_uses_bias(s->epilogue) ? random_floats((size_t)s->n, &state) : NULL;
    float *h = clmlp_epilogue_act_grad(s->epilogue) ? random_floats(nc, &state) : NULL;
    float *old = random_floats(nc, &state);
    /* BIAS_GRAD: the reference sums and the sums of |op(B)| (their scale) */
    float *want_sums = sums ? calloc((size_t)s->n, sizeof *want_sums) : NULL;
    float *abs_sums = sums ? calloc((size_t)s->n, sizeof *abs_sums) : NULL;
    for (int j = 0; sums && j < s->n; j++) { /* must be written, or added to when accumulating */
        want_sums[j] = s->accumulate ? bias[j] : 0.0f;
        if (!s->accumulate)
            bias[j] = NAN;
    }
    float *c = malloc((nc + GUARD) * sizeof *c), *want = malloc(nc * sizeof *want);
    float *scale = calloc(nc, sizeof *scale);
    for (size_t i = 0; i < nc; i++)
        c[i] = s->accumulate ? old[i] : NAN;
    for (size_t i = nc; i < nc + GUARD; i++)
        c[i] = GUARD_VALUE;
    memcpy(want, old, nc * sizeof *want);
    clmlp_gemm_reference(s, a, b, sums ? want_sums : bias, h, want);
    /* scale = |A|·|B| + |old C| + |bias|: the size of the terms summed. */
    float *abs_a = malloc(na * sizeof *abs_a), *abs_b = malloc(nb * sizeof *abs_b);
    for (size_t i = 0; i < na; i++)
        abs_a[i] = fabsf(a[i]);
    for (size_t i = 0; i < nb; i++)
        abs_b[i] = fabsf(b[i]);
    clmlp_gemm_shape plain = *s;
    plain.accumulate = false;
    plain.epilogue = sums ? CLMLP_EPILOGUE_BIAS_GRAD : CLMLP_EPILOGUE_NONE;
    clmlp_gemm_reference(&plain, abs_a, abs_b, abs_sums, NULL, scale);

    bool ok = true;
    clmlp_err err = {0};
    if (run_gemm(dev, p, s, t, a, b, bias, h, c, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", label, err.msg);
        ok = false;
    }
    int bad = 0;
    for (size_t idx = 0; ok && idx < nc; idx++) {
        size_t i = idx / (size_t)s->n, j = idx % (size_t)s->n;
        double mag = scale[idx] + (s->accumulate ? fabs(old[idx]) : 0.0) +
                     (clmlp_epilogue_adds_bias(s->epilogue) ? fabs(bias[j]) : 0.0);
        double tol = (h ? 2e-4 : 1e-4) * mag + 1e-6; /* |act'| <= 2 on [-1, 1) */
        if (s->epilogue == CLMLP_EPILOGUE_EXP) /* exp carries the sum's error over, scaled by itself */
            tol = 1e-4 * mag * fmax(1.0, fabs((double)want[idx])) + 1e-6;
        if (!(fabs((double)c[idx] - (double)want[idx]) <= tol) && bad++ < 3)
            test_fail(__FILE__, __LINE__, "%s: C[%zu][%zu] = %.9g, reference %.9g (tol %.3g)", label, i, j, c[idx],
                      want[idx], tol);
    }
    for (size_t i = nc; ok && i < nc + GUARD; i++) {
        if (c[i] != GUARD_VALUE) {
            test_fail(__FILE__, __LINE__, "%s: wrote past the end of C (element %zu = %g)", label, i, c[i]);
            bad++;
            break;
        }
    }
    for (int j = 0; ok && sums && j < s->n; j++) {
        double tol = 1e-4 * (abs_sums[j] + fabs(want_sums[j])) + 1e-6;
        if (!(fabs((double)bias[j] - (double)want_sums[j]) <= tol) && bad++ < 3)
            test_fail(__FILE__, __LINE__, "%s: bias gradient [%d] = %.9g, reference %.9g", label, j, bias[j],
                      want_sums[j]);
    }
    if (bad > 3)
        test_fail(__FILE__, __LINE__, "%s: %d elements wrong in all", label, bad);
    free(a);
    free(b);
    free(bias);
    free(h);
    free(want_sums);
    free(abs_sums);
    free(old);
    free(c);
    free(want);
    free(scale);
    free(abs_a);
    free(abs_b);
    return ok && bad == 0;
}

static const bool TRANS[4][2] = {{false, false}, {false, true}, {true, false}, {true, true}};

/* ---- pure: reference, flops, names, tunables --------------------------------- */

static void test_reference_by_hand(void)
{
    /* A = [1 2; 3 4], B = [5 6 7; 8 9 10] -> A·B = [21 24 27; 47 54 61]. */
    const float a[] = {1, 2, 3, 4}, at[] = {1, 3, 2, 4};
    const float b[] = {5, 6, 7, 8, 9, 10}, bt[] = {5, 8, 6, 9, 7, 10};
    const float want[] = {21, 24, 27, 47, 54, 61};
    for (int t = 0; t < 4; t++) {
        clmlp_gemm_shape s = shape(2, 3, 2, TRANS[t][0], TRANS[t][1], false, CLMLP_EPILOGUE_NONE);
        float c[6];
        clmlp_gemm_reference(&s, s.trans_a ? at : a, s.trans_b ? bt : b, NULL, NULL, c);
        for (int i = 0; i < 6; i++)
            CHECK_NEAR(c[i], want[i], 0);
    }
    float bias[] = {1, -100, 0};
    float c[6] = {1, 1, 1, 1, 1, 1};
    clmlp_gemm_shape s = shape(2, 3, 2, false, false, true, CLMLP_EPILOGUE_BIAS_RELU);
    clmlp_gemm_reference(&s, a, b, bias, NULL, c);
    const float relu[] = {23, 0, 28, 49, 0, 62}; /* A·B + 1 + bias, negatives clamped */
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(c[i], relu[i], 0);

    /* 1×1×1: 0.5·(-1) + bias 0.5 = 0 -> sigmoid 0.5, tanh 0; bias only -> 0. */
    const float x = 0.5f, y = -1.0f;
    float half = 0.5f, out = 7;
    s = shape(1, 1, 1, false, false, false, CLMLP_EPILOGUE_BIAS_SIGMOID);
    clmlp_gemm_reference(&s, &x, &y, &half, NULL, &out);
    CHECK_NEAR(out, 0.5, 1e-7);
    s.epilogue = CLMLP_EPILOGUE_BIAS_TANH;
    clmlp_gemm_reference(&s, &x, &y, &half, NULL, &out);
    CHECK_NEAR(out, 0.0, 1e-7);
    s.epilogue = CLMLP_EPILOGUE_BIAS;
    float two = 2.0f;
    clmlp_gemm_reference(&s, &x, &y, &two, NULL, &out);
    CHECK_NEAR(out, 1.5, 1e-7);

    /* Backward epilogues on A·B = [21 24 27; 47 54 61], H the forward output:
     * relu' = [H > 0], sigmoid' = H(1-H), tanh' = 1-H². */
    const float h[] = {0.5f, 0.0f, -1.0f, 2.0f, 0.25f, 1.0f};
    const float relu_grad[] = {21, 0, 0, 47, 54, 61}, sigmoid_grad[] = {5.25f, 0, -54, -94, 10.125f, 0},
                tanh_grad[] = {15.75f, 24, 0, -141, 50.625f, 0};
    const clmlp_epilogue grads[] = {CLMLP_EPILOGUE_RELU_GRAD, CLMLP_EPILOGUE_SIGMOID_GRAD, CLMLP_EPILOGUE_TANH_GRAD};
    const float *wants[] = {relu_grad, sigmoid_grad, tanh_grad};
    for (int e = 0; e < 3; e++) {
        s = shape(2, 3, 2, false, false, false, grads[e]);
        clmlp_gemm_reference(&s, a, b, NULL, h, c);
        for (int i = 0; i < 6; i++)
            CHECK_NEAR(c[i], wants[e][i], 1e-5);
    }
    /* BIAS_GRAD: C = A·B and the column sums of B: [13 15 17]. */
    s = shape(2, 3, 2, false, false, false, CLMLP_EPILOGUE_BIAS_GRAD);
    clmlp_gemm_reference(&s, a, b, bias, NULL, c);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(c[i], want[i], 0);
    CHECK_NEAR(bias[0], 13, 0);
    CHECK_NEAR(bias[1], 15, 0);
    CHECK_NEAR(bias[2], 17, 0);
}

static void test_flops_and_names(void)
{
    clmlp_gemm_shape s = shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_NONE);
    CHECK_NEAR(clmlp_gemm_flops(&s), 62720000.0, 0);
    s.accumulate = true;
    CHECK_NEAR(clmlp_gemm_flops(&s), 62760000.0, 0);
    s.epilogue = CLMLP_EPILOGUE_BIAS_RELU;
    CHECK_NEAR(clmlp_gemm_flops(&s), 62800000.0, 0);
    s = shape(1, 1, 1, true, true, false, CLMLP_EPILOGUE_BIAS);
    CHECK_NEAR(clmlp_gemm_flops(&s), 3.0, 0);

    CHECK_STR(clmlp_epilogue_name(CLMLP_EPILOGUE_NONE), "none");
    CHECK_STR(clmlp_epilogue_name(CLMLP_EPILOGUE_BIAS_SIGMOID), "bias_sigmoid");
    CHECK_STR(clmlp_epilogue_name(CLMLP_EPILOGUE_BIAS_TANH), "bias_tanh");
    CHECK_STR(clmlp_epilogue_name(CLMLP_EPILOGUE_RELU_GRAD), "relu_grad");
    CHECK_STR(clmlp_epilogue_name(CLMLP_EPILOGUE_BIAS_GRAD), "bias_grad");
    CHECK(clmlp_epilogue_name(CLMLP_EPILOGUE_COUNT) == NULL);
    /* The backward epilogues: M·N products, K·N sums. */
    s = shape(100, 400, 500, false, true, false, CLMLP_EPILOGUE_RELU_GRAD);
    CHECK_NEAR(clmlp_gemm_flops(&s), 2.0 * 100 * 400 * 500 + 100 * 400, 0);
    s = shape(400, 500, 100, true, false, false, CLMLP_EPILOGUE_BIAS_GRAD);
    CHECK_NEAR(clmlp_gemm_flops(&s), 2.0 * 400 * 500 * 100 + 100 * 500, 0);

    int lda, ldb, ldc;
    s = shape(3, 5, 7, true, false, false, CLMLP_EPILOGUE_NONE);
    clmlp_gemm_leading_dims(&s, &lda, &ldb, &ldc);
    CHECK_INT(lda, 3);
    CHECK_INT(ldb, 5);
    CHECK_INT(ldc, 5);
    s.trans_a = false;
    s.trans_b = true;
    clmlp_gemm_leading_dims(&s, &lda, &ldb, &ldc);
    CHECK_INT(lda, 7);
    CHECK_INT(ldb, 7);

    clmlp_err err = {0};
    s = shape(0, 5, 7, false, false, false, CLMLP_EPILOGUE_NONE);
    CHECK_INT(clmlp_gemm_check_shape(&s, &err), -1);
    CHECK_CONTAINS(err.msg, "gemm 0x5x7: m, n and k must be at least 1");
    s = shape(70000, 70000, 7, false, false, false, CLMLP_EPILOGUE_NONE);
    CHECK_INT(clmlp_gemm_check_shape(&s, &err), -1);
    CHECK_CONTAINS(err.msg, "exceeds 2^31-1 elements");
}

static void expect_tunables(const clmlp_device_desc *d, clmlp_gemm_shape s, int tm, int tn, int vw, int lm, int ln,
                            int bk)
{
    clmlp_gemm_tunables t;
    clmlp_gemm_target target = clmlp_gemm_target_of(d);
    clmlp_gemm_default_tunables(&target, &s, &t);
    char label[160];
    shape_label(&s, label, sizeof label);
    if (t.tile_m != tm || t.tile_n != tn || t.vector_width != vw || t.local_m != lm || t.local_n != ln ||
        t.local_k != bk)
        test_fail(__FILE__, __LINE__,
                  "%s: defaults TM=%d TN=%d VW=%d WG=%dx%d BK=%d, expected TM=%d TN=%d VW=%d WG=%dx%d BK=%d", label,
                  t.tile_m, t.tile_n, t.vector_width, t.local_m, t.local_n, t.local_k, tm, tn, vw, lm, ln, bk);
    /* Whatever the defaults are, they must pass validation. */
    char opts[512];
    clmlp_err err = {0};
    if (clmlp_gemm_generated_options(&target, &s, &t, opts, sizeof opts, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s: defaults rejected: %s", label, err.msg);
}

static void test_default_tunables(void)
{
    clmlp_device_desc cpu = {.type = CL_DEVICE_TYPE_CPU, .max_work_group = 4096};
    const clmlp_epilogue none = CLMLP_EPILOGUE_NONE;
    /* One set per form whatever the sizes, so the MLP's GEMMs share two programs (outer-product and dot form). */
    expect_tunables(&cpu, shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU), 8, 32, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(1000, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU), 8, 32, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(100, 784, 400, false, true, false, none), 5, 5, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(784, 400, 100, true, false, false, none), 8, 32, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(500, 10, 100, true, false, false, none), 8, 32, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(100, 10, 500, false, false, false, CLMLP_EPILOGUE_BIAS), 8, 32, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(1, 1, 1, false, false, false, none), 8, 32, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(3, 5, 2, false, true, false, none), 5, 5, 16, 1, 1, -1);
    expect_tunables(&cpu, shape(7, 13, 5, true, true, false, none), 8, 32, 16, 1, 1, -1);
    /* No descriptor = a CPU. */
    expect_tunables(NULL, shape(100, 400, 784, false, false, false, none), 8, 32, 16, 1, 1, -1);
    /* GPUs: the local form for every transpose, 16×16 work-groups of 4×4
     * tiles, BK=16, shrunk to the device's work-group and local memory. */
    clmlp_device_desc gpu = {
        .type = CL_DEVICE_TYPE_GPU, .max_work_group = 1024, .local_mem = 48 << 10, .local_mem_dedicated = true};
    expect_tunables(&gpu, shape(100, 400, 784, false, false, false, none), 4, 4, 4, 16, 16, 16);
    expect_tunables(&gpu, shape(100, 784, 400, false, true, false, none), 4, 4, 4, 16, 16, 16);
    expect_tunables(&gpu, shape(7, 13, 5, true, true, false, none), 4, 4, 4, 16, 16, 16);
    gpu.max_work_group = 64;
    expect_tunables(&gpu, shape(100, 400, 784, false, false, false, none), 4, 4, 4, 4, 16, 16);
    gpu.local_mem = 1024; /* 16×64 tile: BK=2 panels take 640 bytes */
    expect_tunables(&gpu, shape(100, 400, 784, false, false, false, none), 4, 4, 4, 4, 16, 2);
    gpu.local_mem = 100; /* not even BK=1: the register forms, 16×8 work-groups shrunk to 64 */
    expect_tunables(&gpu, shape(100, 400, 784, false, false, false, none), 4, 4, 4, 4, 16, -1);
    expect_tunables(&gpu, shape(100, 784, 400, false, true, false, none), 2, 2, 4, 4, 16, -1);
    /* A CPU device whose work-items are lanes (native float width 1, as
     * llvmpipe) with local memory that is global: the register forms in
     * 16×8 work-groups; PoCL's width 16 keeps the CPU's 1×1 tiles. */
    clmlp_device_desc lanes = {
        .type = CL_DEVICE_TYPE_CPU, .max_work_group = 1024, .local_mem = 32 << 10, .native_float = 1};
    expect_tunables(&lanes, shape(100, 400, 784, false, false, false, none), 4, 4, 4, 8, 16, -1);
    expect_tunables(&lanes, shape(100, 784, 400, false, true, false, none), 2, 2, 4, 8, 16, -1);
    lanes.native_float = 16;
    expect_tunables(&lanes, shape(100, 400, 784, false, false, false, none), 8, 32, 16, 1, 1, -1);
}

static void test_options_validation(void)
{
    clmlp_gemm_target cpu = {.gpu = false, .max_work_group = 256};
    char opts[512];
    clmlp_err err = {0};

    clmlp_gemm_shape s = shape(100, 400, 784, true, false, true, CLMLP_EPILOGUE_BIAS_TANH);
    clmlp_gemm_tunables t = {.tile_m = 6, .local_m = 2, .local_n = 4};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), 0);
    CHECK_STR(opts, "-DDOT_FORM=0 -DTM=6 -DTN=32 -DVW=16 -DWGM=2 -DWGN=4 -DACT=2");
    /* Transposes of the outer-product form, accumulate and the ReLU/bias
     * epilogues are kernel arguments: one program. */
    char relu[512], plain[512];
    clmlp_gemm_shape sr = shape(100, 400, 784, true, false, false, CLMLP_EPILOGUE_BIAS_RELU);
    clmlp_gemm_shape sp = shape(100, 400, 784, false, false, true, CLMLP_EPILOGUE_NONE);
    clmlp_gemm_tunables tr = t, tp = t;
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &sr, &tr, relu, sizeof relu, &err), 0);
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &sp, &tp, plain, sizeof plain, &err), 0);
    CHECK_STR(relu, plain);
    CHECK_INT(t.tile_n, 32); /* zero fields got the defaults */
    CHECK_INT(t.vector_width, 16);

    /* A given tile_n narrows the default vector width to divide it. */
    t = (clmlp_gemm_tunables){.tile_n = 24};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), 0);
    CHECK_INT(t.vector_width, 8);

    t = (clmlp_gemm_tunables){.tile_n = 12, .vector_width = 8};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "tile_n 12 is not a multiple of vector_width 8");
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    /* ... which the dot form (NT) does not need. */
    s = shape(100, 784, 400, false, true, false, CLMLP_EPILOGUE_NONE);
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), 0);

    t = (clmlp_gemm_tunables){.vector_width = 3};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "vector_width 3 is not 1, 2, 4, 8 or 16");
    t = (clmlp_gemm_tunables){.tile_m = 33};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "tile_m 33 is outside 1..32");
    t = (clmlp_gemm_tunables){.tile_n = -1};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "tile_n -1 is outside 1..128");
    t = (clmlp_gemm_tunables){.local_m = 16, .local_n = 32};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "work-group size 16x32 = 512 exceeds the device's maximum 256");
    /* The local form: every transpose (NT too: no dot form), its defines last. */
    t = (clmlp_gemm_tunables){.tile_m = 4, .tile_n = 4, .vector_width = 4, .local_m = 4, .local_n = 4, .local_k = 8};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), 0);
    CHECK_STR(opts, "-DDOT_FORM=0 -DTM=4 -DTN=4 -DVW=4 -DWGM=4 -DWGN=4 -DLOCAL_FORM=1 -DBK=8");
    t.local_k = 0; /* a CPU's default: the register forms */
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), 0);
    CHECK_INT(t.local_k, -1);
    CHECK_STR(opts, "-DDOT_FORM=1 -DTM=4 -DTN=4 -DVW=4 -DWGM=4 -DWGN=4");
    t = (clmlp_gemm_tunables){.local_k = 65};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "local_k 65 is not -1 (no local memory) or 1..64");
    t = (clmlp_gemm_tunables){.tile_m = 8, .tile_n = 8, .local_m = 16, .local_n = 16, .local_k = 16};
    clmlp_gemm_target small = {.gpu = true, .max_work_group = 256, .local_mem = 16000};
    CHECK_INT(clmlp_gemm_generated_options(&small, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "local-memory panels of 16384 bytes (BK=16, 128x128 tile) exceed the device's 16000");
    t.local_k = 8;
    CHECK_INT(clmlp_gemm_generated_options(&small, &s, &t, opts, sizeof opts, &err), 0);

    t = (clmlp_gemm_tunables){0};
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, 20, &err), -1);
    CHECK_CONTAINS(err.msg, "do not fit");
    s.k = 0;
    CHECK_INT(clmlp_gemm_generated_options(&cpu, &s, &t, opts, sizeof opts, &err), -1);
    CHECK_CONTAINS(err.msg, "must be at least 1");
}

static void test_clblast_refuses_epilogue(void)
{
    /* Refused before any OpenCL call: no device needed. */
    clmlp_device dev = {0};
    clmlp_err err = {0};
    clmlp_gemm_shape s = shape(4, 5, 6, false, false, false, CLMLP_EPILOGUE_BIAS_RELU);
    CHECK_INT(clmlp_gemm_clblast_enqueue(&dev, &s, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &err), -1);
    CHECK_CONTAINS(err.msg, "gemm 4x5x6: the clblast provider cannot apply the bias_relu epilogue");
    CHECK_INT(err.code, CLMLP_EXIT_INTERNAL);
}

/* ---- the generated kernel on the device --------------------------------------- */

/* Every transpose × odd shapes, default tunables (what the runtime uses). */
static void test_generated_shapes(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    static const int shapes[][3] = {{1, 1, 1},   {7, 13, 5},  {33, 65, 17}, {100, 10, 500}, {1, 37, 20},
                                    {19, 1, 33}, {17, 300, 40}, {64, 64, 64}, {3, 200, 1}};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++)
        for (int t = 0; t < 4; t++) {
            clmlp_gemm_shape s = shape(shapes[i][0], shapes[i][1], shapes[i][2], TRANS[t][0], TRANS[t][1], false,
                                       CLMLP_EPILOGUE_NONE);
            check_gemm(&dev, PROVIDER_GENERATED, &s, NULL);
        }
    clmlp_device_close(&dev);
}

/* Transpose t × every epilogue × accumulate on odd shapes with tunables
 * tun; plain_too (may be NULL) also runs the plain and bias-gradient GEMMs. */
static void check_every_epilogue(clmlp_device *dev, int t, const clmlp_gemm_tunables *tun,
                                 const clmlp_gemm_tunables *plain_too)
{
    static const int shapes[][3] = {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {100, 10, 500}};
    for (int e = CLMLP_EPILOGUE_NONE; e < CLMLP_EPILOGUE_COUNT; e++)
        for (int acc = 0; acc < 2; acc++)
            for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++) {
                clmlp_gemm_shape s = shape(shapes[i][0], shapes[i][1], shapes[i][2], TRANS[t][0], TRANS[t][1], acc,
                                           (clmlp_epilogue)e);
                check_gemm(dev, PROVIDER_GENERATED, &s, tun);
                if (plain_too && (e == CLMLP_EPILOGUE_NONE || e == CLMLP_EPILOGUE_BIAS_GRAD))
                    check_gemm(dev, PROVIDER_GENERATED, &s, plain_too);
            }
}

/* Every transpose × epilogue × accumulate on odd shapes. Fixed small tiles
 * (shared by all shapes, so 40 programs in all) with a 2×3 work-group, so
 * partial tiles, surplus work-items and the right-edge window all occur. */
static void test_generated_epilogues_accumulate(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    for (int t = 0; t < 4; t++) {
        bool dot = TRANS[t][1] && !TRANS[t][0];
        clmlp_gemm_tunables tun = {.tile_m = 3, .tile_n = dot ? 2 : 8, .vector_width = 4, .local_m = 2, .local_n = 3};
        check_every_epilogue(&dev, t, &tun, NULL);
    }
    clmlp_device_close(&dev);
}

/* The local-memory form (the GPU default) against the host reference:
 * every transpose × epilogue × accumulate on odd shapes, with 16×16 tiles
 * of C per 4×4 work-group and BK=8 panels, so partial tiles and partial
 * panels (M, N, K not multiples) occur; then a 6×24 tile of a 2×3 group
 * with BK=5 (sizes no power of two) on the plain and the bias-gradient
 * GEMMs. */
static void test_generated_local_form(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    const clmlp_gemm_tunables tun = {.tile_m = 4, .tile_n = 4, .vector_width = 4, .local_m = 4, .local_n = 4,
                                     .local_k = 8};
    const clmlp_gemm_tunables odd = {.tile_m = 3, .tile_n = 8, .vector_width = 4, .local_m = 2, .local_n = 3,
                                     .local_k = 5};
    for (int t = 0; t < 4; t++)
        check_every_epilogue(&dev, t, &tun, &odd);
    clmlp_device_close(&dev);
}

/* The same form on two small odd shapes, every transpose, the forward and
 * backward epilogues: small enough for Oclgrind, which runs this test under
 * its race and bounds checks (tests/test_oclgrind.c). */
/* The RBF kernel matrix of the coming SVM as one NT GEMM with the EXP
 * epilogue on augmented operands (clmlp_gemm_rbf_operands), against the
 * solver's double-precision host RBF (src/svm/kernel.c), on the default
 * tunables of the device (PoCL's register forms; the local form where a
 * device has dedicated local memory, as under Oclgrind). MNIST-like pixels
 * in [0, 1] and gamma = "scale"'s order of magnitude. */
static void test_rbf_kernel_rows_match_the_host(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    enum { NX = 9, NY = 23, D = 70 };
    float x[NX * D], y[NY * D], all[(NX + NY) * D];
    uint64_t state = 0x243f6a8885a308d3ull;
    float *r = random_floats((NX + NY) * D, &state);
    for (int i = 0; i < (NX + NY) * D; i++)
        all[i] = 0.5f + 0.5f * r[i]; /* [0, 1) */
    free(r);
    memcpy(x, all, sizeof x);
    memcpy(y, all + NX * D, sizeof y);
    const double gamma = 1.0 / (D * 0.08);
    float a[NX * (D + 2)], b[NY * (D + 2)], c[NX * NY];
    clmlp_gemm_rbf_operands(x, NX, D, gamma, true, a);
    clmlp_gemm_rbf_operands(y, NY, D, gamma, false, b);
    clmlp_gemm_shape s = shape(NX, NY, D + 2, false, true, false, CLMLP_EPILOGUE_EXP);
    clmlp_err err = {0};
    if (run_gemm(&dev, PROVIDER_GENERATED, &s, NULL, a, b, NULL, NULL, c, &err) < 0)
        test_fail(__FILE__, __LINE__, "rbf gemm: %s", err.msg);
    double worst = 0;
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++)
            worst = fmax(worst, fabs((double)c[i * NY + j] - clmlp_svm_rbf_value(x + i * D, y + j * D, D, gamma)));
    if (!(worst <= 2e-6))
        test_fail(__FILE__, __LINE__, "rbf gemm differs from the host RBF by %g", worst);
    clmlp_device_close(&dev);
}

static void test_local_form_small_shapes(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    static const int shapes[][3] = {{7, 13, 5}, {19, 33, 20}};
    static const struct {
        clmlp_epilogue e;
        bool acc;
    } cases[] = {{CLMLP_EPILOGUE_NONE, true},       {CLMLP_EPILOGUE_BIAS_RELU, false},
                 {CLMLP_EPILOGUE_RELU_GRAD, false}, {CLMLP_EPILOGUE_BIAS_GRAD, false},
                 {CLMLP_EPILOGUE_BIAS_GRAD, true},  {CLMLP_EPILOGUE_EXP, false}};
    const clmlp_gemm_tunables tun = {.tile_m = 2, .tile_n = 4, .vector_width = 2, .local_m = 4, .local_n = 2,
                                     .local_k = 8};
    printf("        device: %s\n", dev.desc.name); /* the Oclgrind test checks it ran there */
    for (int t = 0; t < 4; t++)
        for (size_t c = 0; c < CLMLP_ARRAY_LEN(cases); c++)
            for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++) {
                clmlp_gemm_shape s = shape(shapes[i][0], shapes[i][1], shapes[i][2], TRANS[t][0], TRANS[t][1],
                                           cases[c].acc, cases[c].e);
                check_gemm(&dev, PROVIDER_GENERATED, &s, &tun);
            }
    clmlp_device_close(&dev);
}

/* Split K: a GEMM run as three chunks of K (k_begin into the whole
 * operands, accumulating after the first) equals the whole GEMM, for every
 * transpose with the generated kernel (with the bias-gradient sums for TN,
 * the form the compiler splits) and for CLBlast. */
static void test_split_k_chunks_equal_the_whole(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    const int m = 33, n = 65, k = 700, begin[] = {0, 300, 550, 700};
    /* 0-3 the generated defaults, 4-7 CLBlast, 8-11 the local form (with the
     * bias-gradient sums for every transpose). */
    const clmlp_gemm_tunables local = {.tile_m = 4, .tile_n = 4, .vector_width = 4, .local_m = 4, .local_n = 4,
                                       .local_k = 16};
    for (int t = 0; t < 4 * 3; t++) {
        bool ta = TRANS[t % 4][0], tb = TRANS[t % 4][1], clblast = t >= 4 && t < 8, lf = t >= 8;
        bool sums = (ta && !tb && !clblast) || lf;
        clmlp_gemm_shape whole = shape(m, n, k, ta, tb, false, sums ? CLMLP_EPILOGUE_BIAS_GRAD : CLMLP_EPILOGUE_NONE);
        char label[160];
        shape_label(&whole, label, sizeof label);
        size_t na, nb, nc;
        clmlp_gemm_operand_elems(&whole, &na, &nb, &nc);
        uint64_t state = 0x5eedull + (uint64_t)t;
        float *a = random_floats(na, &state), *b = random_floats(nb, &state);
        float *want = calloc(nc, sizeof *want), *got = calloc(nc, sizeof *got);
        float want_sums[65], got_sums[65];
        clmlp_gemm_reference(&whole, a, b, want_sums, NULL, want);
        clmlp_err err = {0};
        cl_mem ma = upload(&dev, a, na, &err), mb = upload(&dev, b, nb, &err), mc = upload(&dev, got, nc, &err);
        cl_mem ms = upload(&dev, got_sums, (size_t)n, &err);
        int rc = ma && mb && mc && ms ? 0 : -1;
        for (int j = 0; j < 3 && rc == 0; j++) {
            clmlp_gemm_shape chunk = whole;
            chunk.k = begin[j + 1] - begin[j];
            chunk.accumulate = j > 0;
            const clmlp_gemm_split split = {.k_begin = begin[j], .k_all = k};
            cl_event ev = NULL;
            clmlp_gemm_kernel gk = {0};
            if (clblast)
                rc = clmlp_gemm_clblast_enqueue(&dev, &chunk, NULL, &split, ma, mb, mc, NULL, &ev, &err);
            else
                rc = clmlp_gemm_generated_prepare(&dev, &chunk, lf ? &local : NULL, &gk, &err) < 0 ||
                             clmlp_gemm_generated_bind_at(&gk, &split, ma, mb, mc, ms, NULL, &err) < 0 ||
                             clmlp_gemm_generated_enqueue(&dev, &gk, &ev, &err) < 0
                         ? -1
                         : 0;
            if (rc == 0)
                rc = clmlp_cl_check(clWaitForEvents(1, &ev), "clWaitForEvents", &err);
            if (ev)
                clReleaseEvent(ev);
            clmlp_gemm_generated_release(&gk);
        }
        if (rc == 0)
            rc = clmlp_cl_check(clEnqueueReadBuffer(dev.queue, mc, CL_TRUE, 0, nc * sizeof(float), got, 0, NULL, NULL),
                                "clEnqueueReadBuffer", &err) |
                 clmlp_cl_check(clEnqueueReadBuffer(dev.queue, ms, CL_TRUE, 0, sizeof got_sums, got_sums, 0, NULL,
                                                    NULL),
                                "clEnqueueReadBuffer", &err);
        if (rc != 0)
            test_fail(__FILE__, __LINE__, "%s%s: %s", label, clblast ? " (clblast)" : lf ? " (local form)" : "",
                      err.msg);
        /* |terms| <= 1, K of them: a tolerance of 1e-4·K covers float sums in any order. */
        for (size_t i = 0; rc == 0 && i < nc; i++)
            if (!(fabs((double)got[i] - want[i]) <= 1e-4 * k)) {
                test_fail(__FILE__, __LINE__, "%s%s: C[%zu] = %.9g, whole-K reference %.9g", label,
                          clblast ? " (clblast)" : lf ? " (local form)" : "", i, got[i], want[i]);
                break;
            }
        for (int j = 0; rc == 0 && sums && j < n; j++)
            if (!(fabs((double)got_sums[j] - want_sums[j]) <= 1e-4 * k)) {
                test_fail(__FILE__, __LINE__, "%s: bias gradient [%d] = %.9g, whole-K reference %.9g", label, j,
                          got_sums[j], want_sums[j]);
                break;
            }
        cl_mem all[] = {ma, mb, mc, ms};
        for (size_t i = 0; i < CLMLP_ARRAY_LEN(all); i++)
            if (all[i])
                clReleaseMemObject(all[i]);
        free(a);
        free(b);
        free(want);
        free(got);
    }
    clmlp_device_close(&dev);
}

/* Each vector width, with tiles of one and of several vectors. */
static void test_generated_vector_widths(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    static const int shapes[][3] = {{33, 65, 17}, {5, 3, 40}};
    static const int widths[] = {1, 2, 8, 16};
    for (size_t w = 0; w < CLMLP_ARRAY_LEN(widths); w++)
        for (int t = 0; t < 4; t++) {
            bool dot = TRANS[t][1] && !TRANS[t][0];
            int vw = widths[w];
            clmlp_gemm_tunables tun = {.tile_m = 2 + (int)w, .tile_n = dot ? 3 : 2 * vw, .vector_width = vw};
            for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++) {
                clmlp_gemm_shape s = shape(shapes[i][0], shapes[i][1], shapes[i][2], TRANS[t][0], TRANS[t][1], true,
                                           CLMLP_EPILOGUE_BIAS_TANH);
                check_gemm(&dev, PROVIDER_GENERATED, &s, &tun);
                if (dot) { /* NT in the outer-product form too (B gathered) */
                    clmlp_gemm_tunables outer = {.tile_m = 2 + (int)w, .tile_n = 2 * vw, .vector_width = vw,
                                                 .outer = 1};
                    check_gemm(&dev, PROVIDER_GENERATED, &s, &outer);
                }
            }
        }
    clmlp_device_close(&dev);
}

/* The MLP's shapes (784-400-400-500-10, batch 100, eval 1000) as the
 * runtime launches them. */
static void test_generated_mlp_shapes(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    const clmlp_gemm_shape shapes[] = {
        shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU),  /* forward, layer 1 */
        shape(100, 500, 400, false, false, false, CLMLP_EPILOGUE_BIAS_RELU),  /* forward, layer 3 */
        shape(100, 10, 500, false, false, false, CLMLP_EPILOGUE_BIAS),        /* logits */
        shape(1000, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU), /* eval batch */
        shape(100, 784, 400, false, true, false, CLMLP_EPILOGUE_NONE),        /* dX = dY·W^T */
        shape(100, 500, 10, false, true, false, CLMLP_EPILOGUE_NONE),         /* dX of the logits layer */
        shape(784, 400, 100, true, false, false, CLMLP_EPILOGUE_NONE),        /* dW = X^T·dY */
        shape(500, 10, 100, true, false, true, CLMLP_EPILOGUE_NONE),          /* dW, accumulated */
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++)
        check_gemm(&dev, PROVIDER_GENERATED, &shapes[i], NULL);
    clmlp_device_close(&dev);
}

/* The buffer plan hands out sub-buffers of one allocation. */
static void test_generated_on_sub_buffers(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    clmlp_err err = {0};
    cl_uint align_bits = 0;
    CHECK_INT(clGetDeviceInfo(dev.desc.device_id, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits, &align_bits, NULL),
              CL_SUCCESS);
    size_t align = align_bits >= 8 ? align_bits / 8 : 128;
    clmlp_gemm_shape s = shape(37, 41, 29, false, false, false, CLMLP_EPILOGUE_BIAS_SIGMOID);
    size_t na, nb, nc;
    clmlp_gemm_operand_elems(&s, &na, &nb, &nc);
    size_t sizes[4] = {na * 4, nb * 4, nc * 4, (size_t)s.n * 4}, offs[4], total = 0;
    for (int i = 0; i < 4; i++) {
        offs[i] = total;
        total += (sizes[i] + align - 1) / align * align;
    }
    uint64_t state = 42;
    float *host = random_floats(total / 4, &state);
    cl_int rc;
    cl_mem whole = clCreateBuffer(dev.context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, total, host, &rc);
    CHECK_INT(rc, CL_SUCCESS);
    cl_mem sub[4] = {0};
    for (int i = 0; rc == CL_SUCCESS && i < 4; i++) {
        cl_buffer_region region = {offs[i], sizes[i]};
        sub[i] = clCreateSubBuffer(whole, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &region, &rc);
        CHECK_INT(rc, CL_SUCCESS);
    }
    clmlp_gemm_kernel gk = {0};
    float *got = malloc(sizes[2]), *want = malloc(sizes[2]);
    if (rc == CL_SUCCESS) {
        if (clmlp_gemm_generated_prepare(&dev, &s, NULL, &gk, &err) < 0 ||
            clmlp_gemm_generated_bind(&gk, sub[0], sub[1], sub[2], sub[3], NULL, &err) < 0 ||
            clmlp_gemm_generated_enqueue(&dev, &gk, NULL, &err) < 0)
            test_fail(__FILE__, __LINE__, "%s", err.msg);
        else {
            CHECK_INT(clEnqueueReadBuffer(dev.queue, sub[2], CL_TRUE, 0, sizes[2], got, 0, NULL, NULL), CL_SUCCESS);
            clmlp_gemm_reference(&s, host + offs[0] / 4, host + offs[1] / 4, host + offs[3] / 4, NULL, want);
            int bad = 0;
            for (size_t i = 0; i < nc; i++)
                if (!(fabsf(got[i] - want[i]) <= 1e-5f))
                    bad++;
            CHECK_INT(bad, 0);
        }
    }
    clmlp_gemm_generated_release(&gk);
    for (int i = 0; i < 4; i++)
        if (sub[i])
            clReleaseMemObject(sub[i]);
    if (whole)
        clReleaseMemObject(whole);
    free(host);
    free(got);
    free(want);
    clmlp_device_close(&dev);
}

static void test_generated_errors(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    clmlp_err err = {0};
    clmlp_gemm_shape s = shape(10, 20, 30, false, false, false, CLMLP_EPILOGUE_BIAS);
    clmlp_gemm_kernel gk = {0};
    cl_int rc;
    cl_mem big = clCreateBuffer(dev.context, CL_MEM_READ_WRITE, 4 * 30 * 20, NULL, &rc);
    cl_mem small = clCreateBuffer(dev.context, CL_MEM_READ_WRITE, 4 * 10, NULL, &rc);
    CHECK_INT(clmlp_gemm_generated_bind(&gk, big, big, big, big, NULL, &err), -1);
    CHECK_CONTAINS(err.msg, "the kernel was not prepared");

    if (clmlp_gemm_generated_prepare(&dev, &s, NULL, &gk, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
    } else {
        CHECK(gk.kernel != NULL && gk.program != NULL);
        CHECK_INT(gk.tunables.tile_m, 8); /* the defaults it picked are recorded */
        CHECK_INT(gk.global[1] * (size_t)gk.tunables.tile_m >= 10, 1);
        CHECK_INT(gk.global[0] * (size_t)gk.tunables.tile_n >= 20, 1);
        CHECK_INT(clmlp_gemm_generated_bind(&gk, big, big, big, NULL, NULL, &err), -1);
        CHECK_CONTAINS(err.msg, "gemm NN 10x20x30 (TM=8 TN=32 VW=16 WG=1x1): gemm: no buffer for bias");
        CHECK_INT(clmlp_gemm_generated_bind(&gk, big, small, big, big, NULL, &err), -1);
        CHECK_CONTAINS(err.msg, "gemm: buffer for B holds 40 bytes, the shape needs 2400");
        CHECK_INT(clmlp_gemm_generated_bind(&gk, big, big, big, big, NULL, &err), 0);
    }
    clmlp_gemm_generated_release(&gk);
    CHECK(gk.kernel == NULL && gk.program == NULL);
    clmlp_gemm_generated_release(&gk); /* twice is harmless */

    clmlp_gemm_tunables bad = {.vector_width = 5};
    CHECK_INT(clmlp_gemm_generated_prepare(&dev, &s, &bad, &gk, &err), -1);
    CHECK_CONTAINS(err.msg, "vector_width 5");
    CHECK(gk.kernel == NULL && gk.program == NULL);
    clReleaseMemObject(big);
    clReleaseMemObject(small);
    clmlp_device_close(&dev);
}

/* ---- CLBlast ------------------------------------------------------------------- */

/* Few, small shapes in one test: CLBlast's first GEMM in a process compiles
 * for ~16 s on a cold PoCL cache. */
static void test_clblast_matches_reference(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    const clmlp_gemm_shape shapes[] = {
        shape(7, 13, 5, false, false, false, CLMLP_EPILOGUE_NONE),
        shape(33, 65, 17, false, true, false, CLMLP_EPILOGUE_NONE),
        shape(16, 9, 4, true, false, true, CLMLP_EPILOGUE_NONE),
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++)
        check_gemm(&dev, PROVIDER_CLBLAST, &shapes[i], NULL);
    clmlp_device_close(&dev);
}

const test_case gemm_tests[] = {
    {"reference_by_hand", test_reference_by_hand, false},
    {"flops_and_names", test_flops_and_names, false},
    {"default_tunables", test_default_tunables, false},
    {"options_validation", test_options_validation, false},
    {"clblast_refuses_epilogue", test_clblast_refuses_epilogue, false},
    {"generated_shapes", test_generated_shapes, true},
    {"generated_epilogues_accumulate", test_generated_epilogues_accumulate, true},
    {"generated_vector_widths", test_generated_vector_widths, true},
    {"generated_mlp_shapes", test_generated_mlp_shapes, true},
    {"generated_on_sub_buffers", test_generated_on_sub_buffers, true},
    {"generated_errors", test_generated_errors, true},
    {"clblast_matches_reference", test_clblast_matches_reference, true},
    {"split_k_chunks_equal_the_whole", test_split_k_chunks_equal_the_whole, true},
    {"generated_local_form", test_generated_local_form, true},
    {"local_form_small_shapes", test_local_form_small_shapes, true},
    {"rbf_kernel_rows_match_the_host", test_rbf_kernel_rows_match_the_host, true},
    {NULL, NULL, false},
};
