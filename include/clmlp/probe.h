/* Device peak probe: the ceilings a device reaches, measured on it, so that
 * reports place each kernel under roofs that hold (a cache-aware roofline,
 * as Intel Advisor draws it) and `clmlp compare` models every present device
 * from its own measurements rather than from a datasheet.
 *
 *   GEMM       the best SGEMM rate of clmlp's generated kernel: the
 *              autotuner's likeliest tiles of the NN, TN and NT forms at a
 *              large square size (1024³ on CPUs, 4096³ on GPUs and
 *              accelerators), and, in a run, the plan's own GEMM shapes with
 *              the kernels the run chose. The roof is the larger: a ceiling
 *              below what the run's own GEMMs reach is no ceiling.
 *   bandwidth  a stream kernel (y = a·y + x, 3 floats moved per element) over
 *              a ladder of working sets, 64 KiB to 128 MiB (512 MiB on GPUs):
 *              one level per size, so a kernel whose data stay in a cache
 *              meets that cache's roof, not the DRAM one.
 *   launch     host-side cost of one tiny launch in a burst.
 *
 * Every figure is kept as best, median, min and max over its repeats; the
 * record also keeps when it was measured, the 1-minute load average then,
 * and how many cores other processes (and the hypervisor: steal) kept busy
 * during the measurement. The device part is cached per device (platform,
 * name, version, driver) under clmlp_cache_dir()/probe/ and measured again
 * when missing, corrupt, older than CLMLP_PROBE_MAX_AGE_DAYS, taken under
 * load (foreign load above CLMLP_PROBE_MAX_FOREIGN_LOAD cores), marked by a
 * run whose kernel went above its roof, or on `clmlp devices --probe --force`.
 * Probing again under load keeps the better of the two records per figure
 * (noise only ever slows a device down); after CLMLP_PROBE_MAX_MERGES such
 * merges the record is used as it is, with its load shown. */
#ifndef CLMLP_PROBE_H
#define CLMLP_PROBE_H

#include "clmlp/compiler.h"
#include "clmlp/device.h"

#define CLMLP_PROBE_MAX_LEVELS 8
#define CLMLP_PROBE_MAX_AGE_DAYS 30
#define CLMLP_PROBE_MAX_FOREIGN_LOAD 0.25
#define CLMLP_PROBE_MAX_MERGES 3
/* A kernel this far above its roof shows a probe problem, not a fact. */
#define CLMLP_ROOF_TOLERANCE 1.10

/* A measured rate over repeats: best is the highest for rates (GFLOP/s,
 * GB/s) and the lowest for costs (launch µs). */
typedef struct clmlp_spread {
    double best, median, min, max;
    int n;
} clmlp_spread;

typedef struct clmlp_probe_level {
    double bytes;      /* working set of the stream kernel (x and y together) */
    clmlp_spread gbps; /* bytes read + written per second, in 1e9 */
} clmlp_probe_level;

typedef struct clmlp_probe {
    /* The device's part: cached. */
    clmlp_spread gemm_square;    /* GFLOP/s at gemm_size³: the best tile's repeats */
    int gemm_size;               /* M = N = K */
    int gemm_tiles;              /* tiles tried per form */
    char gemm_square_tile[96];   /* the best: "NT TM=6 TN=4 VW=16 WG=1x1 dot" */
    clmlp_probe_level levels[CLMLP_PROBE_MAX_LEVELS]; /* ascending working set */
    int n_levels;
    clmlp_spread launch;         /* µs per launch in a burst */
    int64_t measured_at;         /* Unix time */
    double loadavg;              /* 1-minute load average at the end of the measurement */
    double foreign_load;         /* cores kept busy by other processes and steal while measuring; < 0 = unknown */
    double seconds;              /* how long the measurement took */
    int merges;                  /* earlier records taken under load that this one keeps the best of */
    char invalid[160];           /* why a run asked for measuring again ("" = it did not) */
    bool from_cache;
    /* The run's part: measured in the run, never cached. */
    clmlp_spread gemm_plan;      /* GFLOP/s of the plan's fastest GEMM, its repeats; n = 0: not measured */
    char gemm_plan_shape[160];   /* "NN 100x400x784 bias+relu, generated TM=6 TN=48 VW=16 WG=1x1" */
    /* The roofs everything reads. */
    double gemm_gflops;          /* max(gemm_square.best, gemm_plan.best) */
    double copy_gbps;            /* the largest working set's best: DRAM bandwidth */
    double launch_us;            /* launch.best */
} clmlp_probe;

typedef struct clmlp_probe_options {
    bool force;    /* measure even when a usable record is cached */
    bool no_cache; /* neither read nor write the cache */
    int tiles;     /* tiles tried per GEMM form at the square size; 0 = 4 */
} clmlp_probe_options;

/* The device part: a usable cached record, or measured now (and cached). */
int clmlp_probe_device(clmlp_device *dev, const clmlp_probe_options *opt, clmlp_probe *out, clmlp_err *err);

/* The run's part: times each GEMM of the plans with the kernel the plan
 * chose (generated; CLBlast GEMMs are timed with their call) and raises
 * p->gemm_gflops to the fastest. */
int clmlp_probe_plan_gemms(clmlp_device *dev, const clmlp_plan *const *plans, int n_plans, clmlp_probe *p,
                           clmlp_err *err);

/* Marks the device's cached record to be measured again by the next run
 * (why says what a run saw, e.g. a kernel above its roof). Best effort. */
void clmlp_probe_invalidate(const clmlp_device_desc *desc, const char *why);

/* Path of the device's cache file (exists or not). */
void clmlp_probe_cache_path(const clmlp_device_desc *desc, char *out, size_t cap);

/* Pure helpers, public for tests and the fuzzer. */

/* The cache record's text, and back. Parse refuses anything out of range
 * (why says what; the caller measures again). */
int clmlp_probe_format(FILE *out, const clmlp_probe *p);
int clmlp_probe_parse(const char *text, size_t len, clmlp_probe *out, char *why, size_t cap);
/* Why a cached record must not be used now ("" and false when it may). */
bool clmlp_probe_needs_measuring(const clmlp_probe *p, int64_t now, char *why, size_t cap);
/* Keeps, per figure, the better of two records (both taken on this device). */
void clmlp_probe_merge(clmlp_probe *into, const clmlp_probe *other);
/* Recomputes gemm_gflops, copy_gbps and launch_us from the measured parts. */
void clmlp_probe_update_roofs(clmlp_probe *p);
/* Spread of n samples (sorted in place); higher_is_better picks best. */
void clmlp_spread_of(double *v, int n, bool higher_is_better, clmlp_spread *out);

#endif
