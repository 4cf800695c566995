/* GEMM autotuning: for each GEMM shape of a plan, time candidate kernels
 * (clmlp's generated GEMM with several tunables; CLBlast parameter sets in
 * `full`), keep the fastest one that matches the host reference, and cache
 * the choice per device on disk so later runs reuse it as-is.
 *
 *   candidates  -> the tunables / CLBlast sets worth timing for a shape
 *   measure     -> random operands, one checked run, timed runs (events)
 *   tune cache  -> clmlp_cache_dir()/tune/<device hash>.txt, one line per shape
 *   autotune    -> shapes of a plan: cache hit, or measure and store; then
 *                  the plan is re-lowered with the choices
 *
 * compiler.autotune: off = defaults, no cache, no measurement; quick = cached
 * choices, missing shapes of the training step timed over the candidates
 * that need no program beyond the plan's own (so a cold start compiles
 * nothing extra; the evaluation plan takes cached choices or defaults);
 * full = every generated tile of the tables plus CLBlast parameter sets
 * (0.45 s and 5-30 s of PoCL compile each), and shapes cached from `quick`
 * are tuned again. `clmlp tune` runs either mode on both plans. */
#ifndef CLMLP_TUNE_H
#define CLMLP_TUNE_H

#include "clmlp/compiler.h"
#include "clmlp/device.h"
#include "clmlp/gemm_kernels.h"

/* ---- cache ------------------------------------------------------------- */

typedef struct clmlp_tune_entry {
    clmlp_gemm_shape shape;
    clmlp_autotune mode; /* QUICK or FULL: how hard it was tuned */
    clmlp_gemm_choice choice;
} clmlp_tune_entry;

typedef struct clmlp_tune_cache {
    char path[CLMLP_PATH_MAX + 64]; /* "" when there is no cache directory */
    char device[256], driver[128]; /* identity, also written in the file */
    clmlp_gemm_target target;      /* the device's limits, which every entry must fit */
    clmlp_tune_entry *entries;
    int count, cap;
    bool dirty; /* entries added since loading */
} clmlp_tune_cache;

/* The file for a device: <dir>/tune/<16 hex digits of SHA-256 over platform,
 * device name and version, driver version>.txt. */
void clmlp_tune_cache_path(const clmlp_device_desc *desc, const char *dir, char *out, size_t cap);
/* "NN 100x400x784 bias_relu" (+ " acc"): a shape as the file writes it. */
void clmlp_tune_shape_key(const clmlp_gemm_shape *s, char *buf, size_t cap);

/* Whether choice c can run shape s on target, by the rules the kernels
 * apply: a generated choice must pass clmlp_gemm_generated_options, a
 * CLBlast set CLBlast's own constraints (flags, vector widths, tiles that
 * divide, the work-group within the device's). why says what is wrong. */
bool clmlp_tune_choice_valid(const clmlp_gemm_target *target, const clmlp_gemm_shape *s, const clmlp_gemm_choice *c,
                             char *why, size_t cap);

/* Loads the device's file under dir (clmlp_cache_dir() when NULL; no cache
 * directory is an empty cache that is never written). A missing file is an
 * empty cache; an unreadable or corrupt one (or one written for another
 * device) prints one warning and is treated as empty: its shapes are tuned
 * again and the file rewritten. A well-formed entry that fails
 * clmlp_tune_choice_valid for this device is a warning naming the file and
 * the entry, and is dropped (its shape tuned again, the file rewritten).
 * Error only when out of memory. */
int clmlp_tune_cache_load(const clmlp_device_desc *desc, const char *dir, clmlp_tune_cache *c, clmlp_err *err);
/* The entry for s, checked again with clmlp_tune_choice_valid before it is
 * used: one that fails is a warning naming the file and the entry, and NULL
 * (the shape is tuned again and the entry replaced). */
const clmlp_tune_entry *clmlp_tune_cache_find(const clmlp_tune_cache *c, const clmlp_gemm_shape *s);
/* Adds or replaces the entry for e->shape. */
int clmlp_tune_cache_put(clmlp_tune_cache *c, const clmlp_tune_entry *e, clmlp_err *err);
/* Writes the file when dirty: entries that another process added to the
 * file meanwhile are kept, then temp file + rename. */
int clmlp_tune_cache_save(clmlp_tune_cache *c, clmlp_err *err);
void clmlp_tune_cache_free(clmlp_tune_cache *c);

/* ---- candidates -------------------------------------------------------- */

#define CLMLP_TUNE_MAX_CANDIDATES 48

/* The candidates for a shape on a device, the default first: generated
 * tunables (sized by mode), and in FULL mode CLBlast parameter sets where
 * `providers` allows them (AUTO: shapes without an epilogue, since CLBlast
 * cannot fuse one; CLBLAST: only CLBlast). Every generated candidate passes
 * clmlp_gemm_generated_options. Returns the count. */
int clmlp_tune_candidates(const clmlp_device_desc *desc, const clmlp_gemm_shape *s, clmlp_autotune mode,
                          clmlp_gemm_provider providers, clmlp_gemm_choice *out, int cap);

/* ---- measurement --------------------------------------------------------- */

/* Random operands for one shape on the device and the host reference of
 * the rows that are checked (all of them up to 64 rows; beyond, the first
 * and last 32 and every 61st: the edge tiles of every tiling the candidates
 * use (TM <= 32) and a sample of the inside, at a fraction of the host
 * time). All columns of a checked row are checked. */
typedef struct clmlp_tune_workload {
    clmlp_gemm_shape shape;
    float *a, *b, *bias, *c0;      /* host operands; c0 = C before an accumulating GEMM */
    float *h;                      /* M×N: the forward output an <act>_GRAD epilogue reads */
    float *want;                   /* reference of the checked rows, n each */
    float *want_bias;              /* BIAS_GRAD: the reference column sums, then their tolerances */
    int *rows;                     /* the checked rows */
    int n_rows;
    float *got;                    /* scratch: C read back, plus guard floats */
    cl_mem da, db, dc, dbias, dh;  /* device copies; dc has guard floats after C */
} clmlp_tune_workload;

int clmlp_tune_workload_create(clmlp_device *dev, const clmlp_gemm_shape *s, clmlp_tune_workload *w, clmlp_err *err);
void clmlp_tune_workload_release(clmlp_tune_workload *w);

/* Pure: whether got (C as read back, M×N then guard floats) matches the
 * reference rows and left the guard floats after C untouched, and, for
 * BIAS_GRAD, whether got_bias (N floats) holds the column sums. On a
 * mismatch, why names the first bad element. */
bool clmlp_tune_verify(const clmlp_tune_workload *w, const float *got, const float *got_bias, char *why, size_t cap);

/* Sees (and may change) a candidate's output before verification: a test
 * seam for a candidate that computes wrong results. */
typedef void (*clmlp_tune_inspect_fn)(void *user, const clmlp_gemm_choice *candidate, float *c, size_t n);

#define CLMLP_TUNE_MAX_REPS 64

/* One candidate under measurement: checked once, then timed, possibly in
 * rounds interleaved with other candidates so that a change in background
 * load hits them all alike. */
typedef struct clmlp_tune_trial {
    clmlp_gemm_choice choice;
    clmlp_gemm_kernel kernel; /* generated: prepared and bound to the workload */
    bool ok;                  /* built, ran and matched the reference so far */
    char why[256];            /* when not ok: the mismatch, or the error it raised */
    double times[CLMLP_TUNE_MAX_REPS];
    int n_times;
} clmlp_tune_trial;

/* Runs the candidate once and verifies it. A candidate that fails to
 * build, run or verify is a trial with ok = false, not an error; errors are
 * for the workload's own buffers. */
int clmlp_tune_trial_check(clmlp_device *dev, clmlp_tune_workload *w, const clmlp_gemm_choice *candidate,
                           clmlp_tune_inspect_fn inspect, void *user, clmlp_tune_trial *trial, clmlp_err *err);
/* Appends `reps` timed runs (OpenCL events) to a trial that is ok. */
int clmlp_tune_trial_time(clmlp_device *dev, clmlp_tune_workload *w, clmlp_tune_trial *trial, int reps,
                          clmlp_err *err);
/* GFLOP/s of the median time so far (0 when not ok or not timed). */
double clmlp_tune_trial_gflops(const clmlp_tune_workload *w, const clmlp_tune_trial *trial);
void clmlp_tune_trial_release(clmlp_tune_trial *trial);

typedef struct clmlp_tune_result {
    bool ok;                 /* ran and matched the reference */
    char why[256];           /* when not ok: the mismatch, or the error it raised */
    double seconds;          /* median of the timed runs */
    double gflops;
} clmlp_tune_result;

/* One candidate on its own: check, then `reps` timed runs, median. */
int clmlp_tune_measure(clmlp_device *dev, clmlp_tune_workload *w, const clmlp_gemm_choice *candidate, int reps,
                       clmlp_tune_inspect_fn inspect, void *user, clmlp_tune_result *out, clmlp_err *err);

/* The median of v[0..n) (sorts v in place); 0 for n = 0. */
double clmlp_median(double *v, int n);

/* ---- autotuning ------------------------------------------------------------ */

typedef struct clmlp_tune_stats {
    int shapes;       /* distinct shapes asked for */
    int from_cache;   /* answered by the cache */
    int tuned;        /* measured now */
    int candidates;   /* candidate runs */
    int rejected;     /* candidates that failed to build, run or verify */
    double seconds;   /* spent measuring */
} clmlp_tune_stats;

typedef struct clmlp_tuner {
    clmlp_device *dev;
    clmlp_autotune mode;
    clmlp_gemm_provider providers; /* compiler.gemm */
    bool force;                    /* tune cached shapes again */
    bool cache_only;               /* no measurement: cached choices or defaults */
    clmlp_tune_cache cache;
    /* optional: progress before each candidate of a shape that is measured
     * (candidate == candidates when done), and the test seam */
    void (*progress)(void *user, const clmlp_gemm_shape *s, int candidate, int candidates);
    clmlp_tune_inspect_fn inspect;
    void *user;
    clmlp_tune_stats stats;
} clmlp_tuner;

/* Loads the device's cache (nothing for mode OFF). */
int clmlp_tuner_open(clmlp_tuner *t, clmlp_device *dev, clmlp_autotune mode, clmlp_gemm_provider providers,
                     clmlp_err *err);
/* The choice for one shape: defaults (OFF), the cached one, or measured now
 * and cached. Error when no candidate passes verification. */
int clmlp_tune_shape(clmlp_tuner *t, const clmlp_gemm_shape *s, clmlp_gemm_choice *out, clmlp_err *err);
/* Chooses every key shape of the plan (clmlp_plan_gemm_keys) and re-lowers it. */
int clmlp_tune_plan(clmlp_tuner *t, clmlp_plan *plan, clmlp_err *err);
/* Saves the cache if it changed (a write failure is a warning) and frees it. */
void clmlp_tuner_close(clmlp_tuner *t);

/* What a session calls on its compiled plans (the training step first):
 * compiler.autotune and compiler.gemm from cfg, one tuner for all plans; in
 * quick mode the plans after the first only take cached choices. */
int clmlp_tune_plans(clmlp_device *dev, const clmlp_config *cfg, clmlp_plan *const *plans, int n_plans,
                     clmlp_err *err);

/* ---- OpenBLAS yardstick (clmlp bench only) -------------------------------- */

/* libopenblas loaded with dlopen: clmlp never links it and runs without it. */
typedef struct clmlp_openblas {
    void *handle;
    char library[64];    /* the name that loaded */
    char core[64];       /* openblas_get_corename(): the kernel set it runs */
    int threads;
    void (*sgemm)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc);
} clmlp_openblas;

/* False (with why) when no libopenblas can be loaded. */
bool clmlp_openblas_open(clmlp_openblas *ob, char *why, size_t cap);
/* cblas_sgemm on random operands of the shape (row-major; the epilogue is
 * not applied): GFLOP/s of the median of reps runs, by monotonic clock. */
double clmlp_openblas_gflops(const clmlp_openblas *ob, const clmlp_gemm_shape *s, int reps);
void clmlp_openblas_close(clmlp_openblas *ob);

/* CLBlast keeps one parameter set per device for the whole process and
 * cannot go back to its database once a set was applied: when any GEMM of
 * the plans runs a tuned set, the ones left on CLBlast's defaults take that
 * set too (any XgemmDirect/Xgemm set computes every shape), and the plans
 * are lowered again. clmlp_tune_plans does this last. */
int clmlp_tune_unify_clblast(clmlp_plan *const *plans, int n_plans, clmlp_err *err);

#endif
