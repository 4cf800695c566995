/* Roofline prediction of a compiled plan's time on a device described by a
 * few numbers: peak FLOP/s, memory bandwidth (one figure, or one per
 * working-set size: a cache-aware roofline) and launch overhead. Each launch
 * takes
 *     max(flops / peak, bytes / bandwidth(footprint)) + launch overhead
 * with its FLOPs, bytes moved and footprint (distinct bytes touched) from
 * the plan, and a plan takes the sum. The roofs come from a device model's
 * datasheet (devmodel.h) or from the device's own probe (probe.h). Pure
 * functions: no device, no clock. */
#ifndef CLMLP_ROOFLINE_H
#define CLMLP_ROOFLINE_H

#include <stdbool.h>

#include "clmlp/compiler.h"
#include "clmlp/probe.h"

typedef struct clmlp_roof {
    double flops_per_s;  /* peak arithmetic, FLOP/s */
    double bytes_per_s;  /* memory bandwidth, bytes/s: for working sets beyond every level, or all of them */
    double launch_s;     /* per launch, seconds */
    /* Cache-aware: the bandwidth reached with a working set of level_bytes[i]
     * (ascending); n_levels = 0 uses bytes_per_s for every working set. */
    int n_levels;
    double level_bytes[CLMLP_PROBE_MAX_LEVELS];
    double level_bytes_per_s[CLMLP_PROBE_MAX_LEVELS];
} clmlp_roof;

typedef struct clmlp_roofline {
    double seconds;    /* the whole plan: compute_s + memory_s + overhead_s */
    double compute_s;  /* sum of flops / peak over the launches arithmetic bounds */
    double memory_s;   /* sum of bytes / bandwidth over the launches memory bounds */
    double overhead_s; /* launches x launch_s */
    int launches, compute_bound, memory_bound;
} clmlp_roofline;

/* The bandwidth roof of a working set: that of the largest level not above
 * it (bandwidth only falls as the working set grows, so this bounds it from
 * above); the first level's below every level; bytes_per_s without levels. */
double clmlp_roof_bandwidth(const clmlp_roof *roof, double footprint);
/* One launch, in seconds (footprint <= 0: the bytes moved). */
double clmlp_roofline_launch(double flops, double bytes, double footprint, const clmlp_roof *roof);
/* Whether arithmetic bounds the launch on this roof. */
bool clmlp_roofline_compute_bound(double flops, double bytes, double footprint, const clmlp_roof *roof);
void clmlp_roofline_plan(const clmlp_plan *plan, const clmlp_roof *roof, clmlp_roofline *out);

/* The roof of a probe: its GEMM roof, its bandwidth ladder (the largest
 * level is bytes_per_s) and its launch cost. False without a GEMM figure. */
bool clmlp_roof_from_probe(const clmlp_probe *p, clmlp_roof *out);

/* Where a kernel that ran sits under a roof, from its FLOPs, bytes and
 * footprint per call and its measured seconds per call. */
typedef struct clmlp_roof_position {
    bool compute;           /* arithmetic bounds it */
    double attainable_s;    /* the roof's time for one call, without launch overhead */
    double pct;             /* 100 x attainable_s / measured seconds: how close to the roof */
    bool above;             /* pct > 100 x CLMLP_ROOF_TOLERANCE: the roof is wrong, not the kernel */
} clmlp_roof_position;
void clmlp_roof_place(double flops, double bytes, double footprint, double seconds, const clmlp_roof *roof,
                      clmlp_roof_position *out);

#endif
