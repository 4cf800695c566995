/* The candidates worth timing for a GEMM shape. Tables, not search: each
 * generated tile is a program PoCL compiles for ~0.45 s cold, each CLBlast
 * set 5-30 s, so the lists hold what measured well on this kind of device
 * (README, Performance) plus neighbours, with the default first.
 * `quick` takes only candidates whose program the plan builds anyway (the
 * default tile of each form; NT in the outer-product form runs the NN/TN
 * program), so it adds no compile to a cold start; `full` takes them all. */
#include "clmlp/tune.h"

#include <string.h>

typedef struct {
    int tm, tn, vw, wgm, wgn;
    int outer;  /* NT in the outer-product form (the NN/TN program: no extra compile) */
    bool quick; /* also tried by quick: the program of a default tile */
    int bk;     /* the local form's panel depth (BK); 0: the register forms */
} tile;

/* CPUs (PoCL, AVX-512 / AVX2): float16 or float8 vectors, 1×1 work-groups
 * (PoCL's work-group size barely matters once a work-item owns a tile). */
static const tile cpu_outer[] = {
    {10, 16, 16, 1, 1, 0, false, 0}, {6, 32, 16, 1, 1, 0, false, 0}, {4, 48, 16, 1, 1, 0, false, 0},
    {12, 16, 16, 1, 1, 0, false, 0}, {14, 16, 16, 1, 1, 0, false, 0}, {16, 16, 16, 1, 1, 0, false, 0},
    {4, 64, 16, 1, 1, 0, false, 0},  {6, 48, 16, 1, 1, 0, false, 0}, {8, 16, 16, 1, 1, 0, false, 0},
    {5, 32, 16, 1, 1, 0, false, 0},  {10, 16, 8, 1, 1, 0, false, 0}, {8, 32, 8, 1, 1, 0, false, 0},
    {8, 32, 16, 2, 2, 0, false, 0},
};
static const tile cpu_dot[] = {
    {4, 6, 16, 1, 1, 0, false, 0},  {8, 32, 16, 1, 1, 1, true, 0}, {4, 4, 16, 1, 1, 0, false, 0},
    {6, 4, 16, 1, 1, 0, false, 0},  {4, 8, 16, 1, 1, 0, false, 0}, {8, 4, 16, 1, 1, 0, false, 0},
    {3, 8, 16, 1, 1, 0, false, 0},  {6, 6, 16, 1, 1, 0, false, 0}, {2, 8, 16, 1, 1, 0, false, 0},
    {5, 5, 8, 1, 1, 0, false, 0},   {10, 16, 16, 1, 1, 1, false, 0},
};
/* GPUs: small register tiles, many work-items, 64-256 per work-group.
 * First the local form's neighbours of its default (4x4 tiles, 16x16
 * work-groups, BK=16; the local form serves every transpose, so both lists
 * hold them): unmeasured guesses until a GPU measures them. None is quick:
 * the default there is the local form, one program for every transpose, so
 * every other tile would be a program the plan does not build. */
#define GPU_LOCAL                                                                                                      \
    {8, 8, 4, 8, 8, 0, false, 16}, {4, 8, 4, 16, 8, 0, false, 16}, {4, 4, 4, 16, 16, 0, false, 32},                    \
        {2, 4, 4, 16, 16, 0, false, 16}
static const tile gpu_outer[] = {
    GPU_LOCAL,
    {2, 4, 4, 16, 16, 0, false, 0},  {4, 8, 4, 8, 16, 0, false, 0}, {8, 8, 4, 8, 8, 0, false, 0},
    {1, 4, 4, 16, 16, 0, false, 0},  {4, 4, 4, 16, 16, 0, false, 0}, {2, 8, 4, 16, 16, 0, false, 0},
    {4, 4, 2, 8, 16, 0, false, 0},   {8, 4, 4, 8, 16, 0, false, 0},
    /* scalar: devices whose native float vector is 1 wide (llvmpipe) */
    {4, 1, 1, 16, 16, 0, false, 0},  {4, 2, 1, 16, 8, 0, false, 0}, {8, 1, 1, 16, 8, 0, false, 0},
    {2, 2, 1, 16, 16, 0, false, 0},
};
static const tile gpu_dot[] = {
    GPU_LOCAL,
    {1, 1, 4, 16, 16, 0, false, 0}, {4, 4, 4, 8, 16, 1, false, 0},   {2, 2, 4, 16, 16, 0, false, 0},
    {2, 4, 4, 8, 16, 0, false, 0},  {4, 4, 4, 8, 8, 0, false, 0},   {1, 2, 4, 16, 16, 0, false, 0},
    {4, 1, 1, 16, 16, 1, false, 0}, {2, 2, 1, 16, 16, 0, false, 0},  {4, 1, 1, 16, 16, 0, false, 0},
};

/* CLBlast sets (full only). XgemmDirect: KWID MDIMAD MDIMCD NDIMBD NDIMCD
 * PADA PADB VWMD VWND WGD, from CLBlast's own database entries for Intel
 * CPUs and NVIDIA GPUs; Xgemm: GEMMK KREG KWG KWI MDIMA MDIMC MWG NDIMB NDIMC
 * NWG SA SB STRM STRN VWM VWN. */
static const clmlp_clblast_params cpu_clblast[] = {
    {CLMLP_CLBLAST_DIRECT, {2, 8, 8, 8, 8, 0, 0, 1, 8, 64}},
    {CLMLP_CLBLAST_DIRECT, {16, 16, 8, 8, 8, 0, 0, 2, 4, 32}},
    {CLMLP_CLBLAST_DIRECT, {2, 8, 8, 8, 8, 0, 0, 2, 2, 64}},
    {CLMLP_CLBLAST_DIRECT, {2, 8, 8, 8, 8, 1, 1, 4, 2, 32}},
    {CLMLP_CLBLAST_INDIRECT, {0, 1, 32, 2, 8, 8, 64, 8, 8, 64, 0, 0, 0, 0, 4, 4}},
    {CLMLP_CLBLAST_INDIRECT, {0, 1, 16, 2, 8, 8, 64, 8, 8, 32, 0, 0, 0, 0, 8, 4}},
};
static const clmlp_clblast_params gpu_clblast[] = {
    {CLMLP_CLBLAST_DIRECT, {2, 8, 8, 16, 16, 1, 1, 4, 2, 32}},
    {CLMLP_CLBLAST_DIRECT, {16, 16, 8, 16, 8, 1, 1, 1, 1, 32}},
    {CLMLP_CLBLAST_DIRECT, {8, 32, 8, 8, 16, 1, 1, 1, 1, 32}},
    {CLMLP_CLBLAST_INDIRECT, {0, 1, 32, 2, 16, 16, 64, 16, 16, 64, 1, 1, 0, 0, 2, 2}},
    {CLMLP_CLBLAST_INDIRECT, {0, 1, 16, 2, 16, 16, 128, 16, 16, 128, 1, 1, 1, 1, 4, 4}},
};

/* Appends a generated candidate if the device accepts it and it differs
 * from the ones already listed. */
static int add_generated(const clmlp_gemm_target *target, const clmlp_gemm_shape *s, const tile *t,
                         clmlp_gemm_choice *out, int n, int cap)
{
    if (n >= cap)
        return n;
    clmlp_gemm_choice c = {.provider = CLMLP_GEMM_GENERATED};
    if (t)
        c.tunables = (clmlp_gemm_tunables){t->tm, t->tn, t->wgm, t->wgn, t->vw, t->outer, t->bk ? t->bk : -1};
    char opts[256];
    if (clmlp_gemm_generated_options(target, s, &c.tunables, opts, sizeof opts, NULL) < 0)
        return n;
    for (int i = 0; i < n; i++)
        if (out[i].provider == CLMLP_GEMM_GENERATED && memcmp(&out[i].tunables, &c.tunables, sizeof c.tunables) == 0)
            return n;
    out[n] = c;
    return n + 1;
}

int clmlp_tune_candidates(const clmlp_device_desc *desc, const clmlp_gemm_shape *s, clmlp_autotune mode,
                          clmlp_gemm_provider providers, clmlp_gemm_choice *out, int cap)
{
    int n = 0;
    clmlp_gemm_target target = clmlp_gemm_target_of(desc);
    bool gpu = target.gpu, dot = s->trans_b && !s->trans_a;
    if (providers != CLMLP_GEMM_CLBLAST) {
        n = add_generated(&target, s, NULL, out, n, cap); /* the defaults, filled in */
        const tile *tiles = dot ? (gpu ? gpu_dot : cpu_dot) : (gpu ? gpu_outer : cpu_outer);
        size_t count = dot ? (gpu ? CLMLP_ARRAY_LEN(gpu_dot) : CLMLP_ARRAY_LEN(cpu_dot))
                           : (gpu ? CLMLP_ARRAY_LEN(gpu_outer) : CLMLP_ARRAY_LEN(cpu_outer));
        for (size_t i = 0; i < count && mode != CLMLP_AUTOTUNE_OFF; i++)
            if (mode == CLMLP_AUTOTUNE_FULL || tiles[i].quick)
                n = add_generated(&target, s, &tiles[i], out, n, cap);
    }
    /* CLBlast cannot fuse an epilogue; in auto mode the generated kernel
     * keeps the GEMMs that have one. */
    bool clblast = providers == CLMLP_GEMM_CLBLAST ||
                   (providers == CLMLP_GEMM_AUTO && s->epilogue == CLMLP_EPILOGUE_NONE);
    if (mode == CLMLP_AUTOTUNE_FULL && clblast) {
        const clmlp_clblast_params *sets = gpu ? gpu_clblast : cpu_clblast;
        size_t count = gpu ? CLMLP_ARRAY_LEN(gpu_clblast) : CLMLP_ARRAY_LEN(cpu_clblast);
        for (size_t i = 0; i < count && n < cap; i++)
            out[n++] = (clmlp_gemm_choice){.provider = CLMLP_GEMM_CLBLAST, .clblast = sets[i]};
    }
    return n;
}
