/* The generated kernel's tunables: the defaults per device kind and the
 * #defines that specialise cl/gemm.cl (pure: no OpenCL).
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
 * GPUs get the local-memory form (cl/gemm.cl, LOCAL_FORM) for every
 * transpose: 16×16 work-groups of 4×4 register tiles, a 64×64 tile of C per
 * work-group, BK=16 panels (8 KiB of local memory), float4 reads of op(B)'s
 * panel. Unmeasured guesses, conventional for GPUs, until a GPU run measures
 * them; chosen from the device's limits (work-group size, local memory),
 * never its name, and the autotuner tries neighbours. */
#include "clmlp/gemm.h"

#include <stdio.h>
#include <string.h>

static bool local_form(const clmlp_gemm_tunables *t) { return t && t->local_k > 0; }

static bool dot_form(const clmlp_gemm_shape *s, const clmlp_gemm_tunables *t)
{
    return s->trans_b && !s->trans_a && !(t && t->outer) && !local_form(t);
}

/* Bytes of local memory the local form's two panels take. */
static uint64_t panel_bytes(const clmlp_gemm_tunables *t)
{
    uint64_t bm = (uint64_t)t->tile_m * (uint64_t)t->local_m, bn = (uint64_t)t->tile_n * (uint64_t)t->local_n;
    return (uint64_t)t->local_k * (bm + bn) * sizeof(float);
}

void clmlp_gemm_default_tunables(const clmlp_gemm_target *target, const clmlp_gemm_shape *s, clmlp_gemm_tunables *out)
{
    memset(out, 0, sizeof *out);
    bool gpu = target && target->gpu;
    out->local_k = -1;
    /* Local memory that is global memory under another name (llvmpipe:
     * NN 1000x64x784 at 1.6-4.2 GFLOP/s in the local form, 5.5-7.8 in the
     * register form) is not worth its barriers. */
    if (gpu && target->local_dedicated) {
        /* The local form, every transpose (see the top of the file). */
        out->tile_m = out->tile_n = 4;
        out->vector_width = 4;
        out->local_m = out->local_n = 16;
        out->local_k = 16;
        size_t max_wg = target->max_work_group ? target->max_work_group : 256;
        while ((size_t)(out->local_n * out->local_m) > max_wg && out->local_m > 1)
            out->local_m /= 2;
        while ((size_t)(out->local_n * out->local_m) > max_wg && out->local_n > 1)
            out->local_n /= 2;
        /* Thinner panels where local memory is small; none at all (the
         * register forms below) where even BK=1 does not fit. */
        while (target->local_mem && panel_bytes(out) > target->local_mem && out->local_k > 1)
            out->local_k /= 2;
        if (!target->local_mem || panel_bytes(out) <= target->local_mem)
            return;
        out->local_k = -1;
    }
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
    out->local_m = 1;
    out->local_n = 1;
    if (gpu) { /* lanes without local memory to speak of: 16×8 register-form work-groups */
        out->local_n = 16;
        out->local_m = 8;
        size_t max_wg = target->max_work_group ? target->max_work_group : 128;
        while ((size_t)(out->local_n * out->local_m) > max_wg && out->local_m > 1)
            out->local_m /= 2;
        while ((size_t)(out->local_n * out->local_m) > max_wg && out->local_n > 1)
            out->local_n /= 2;
    }
}

int clmlp_gemm_generated_options(const clmlp_gemm_target *target, const clmlp_gemm_shape *s, clmlp_gemm_tunables *t,
                                 char *opts, size_t cap, clmlp_err *err)
{
    if (clmlp_gemm_check_shape(s, err) < 0)
        return -1;
    clmlp_gemm_tunables def;
    clmlp_gemm_default_tunables(target, s, &def);
    bool vw_given = t->vector_width != 0;
    if (!t->local_k)
        t->local_k = def.local_k;
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
    if (t->local_k != -1 && (t->local_k < 1 || t->local_k > 64))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: local_k %d is not -1 (no local memory) or 1..64",
                          t->local_k);
    if (!dot_form(s, t) && t->tile_n % vw != 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "gemm tunables: tile_n %d is not a multiple of vector_width %d (needed unless trans_b "
                          "without trans_a in the register form)",
                          t->tile_n, vw);
    if (t->local_m < 1 || t->local_n < 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "gemm tunables: work-group size %dx%d must be positive",
                          t->local_m, t->local_n);
    size_t wg = (size_t)t->local_m * (size_t)t->local_n;
    if (target && target->max_work_group && wg > target->max_work_group)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "gemm tunables: work-group size %dx%d = %zu exceeds the device's maximum %zu", t->local_m,
                          t->local_n, wg, target->max_work_group);
    /* Local memory unknown (no target, or 0): 64 KiB, more than any GPU
     * gives a work-group, so a typo'd tile fails here and not at launch. */
    uint64_t local_mem = target && target->local_mem ? target->local_mem : 65536;
    if (local_form(t) && panel_bytes(t) > local_mem)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "gemm tunables: local-memory panels of %llu bytes (BK=%d, %dx%d tile) exceed the device's "
                          "%llu",
                          (unsigned long long)panel_bytes(t), t->local_k, t->tile_m * t->local_m,
                          t->tile_n * t->local_n, (unsigned long long)local_mem);

    /* No -cl-fast-relaxed-math: it would make exp/tanh in the epilogue
     * approximate and assume no inf (a sigmoid of -100 needs exp(100) = inf).
     * The FMA it would buy is already explicit: the kernel calls fma().
     * Transposes (but for the form), accumulate and the epilogue are kernel
     * arguments (see cl/gemm.cl), so only sigmoid and tanh add a define:
     * ReLU, bias-only and plain GEMMs of the same form and tunables share
     * one program. */
    int act = clmlp_epilogue_activation(s->epilogue);
    char act_opt[24] = "";
    if (act > 0)
        snprintf(act_opt, sizeof act_opt, " -DACT=%d", act);
    /* The local form adds its defines at the end: the register forms' options
     * (and so their cached programs) are as before. */
    char local_opt[40] = "";
    if (local_form(t))
        snprintf(local_opt, sizeof local_opt, " -DLOCAL_FORM=1 -DBK=%d", t->local_k);
    /* Lanes devices get a*b+c, which their compilers contract into an FMA
     * where the hardware has one: llvmpipe says it has, yet its fma() is
     * a library call per lane (NN 1000x64x784: 0.63 GFLOP/s with fma(),
     * 6.3 without). CPUs keep fma(): see USE_FMA in cl/gemm.cl. */
    const char *fma_opt = target && target->gpu ? " -DUSE_FMA=0" : "";
    int len = snprintf(opts, cap, "-DDOT_FORM=%d -DTM=%d -DTN=%d -DVW=%d -DWGM=%d -DWGN=%d%s%s%s",
                       dot_form(s, t) ? 1 : 0, t->tile_m, t->tile_n, vw, t->local_m, t->local_n, act_opt, local_opt,
                       fma_opt);
    if (len < 0 || (size_t)len >= cap)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "gemm: build options do not fit in %zu bytes", cap);
    return 0;
}
