/* Roofline prediction of a compiled plan's time on a device described by
 * three numbers: peak FLOP/s, memory bandwidth and launch overhead. Each
 * launch takes
 *     max(flops / peak, bytes / bandwidth) + launch overhead
 * with its FLOPs and bytes from the plan (clmlp_launch.flops / .bytes), and
 * a plan takes the sum. Pure functions: no device, no clock. */
#ifndef CLMLP_ROOFLINE_H
#define CLMLP_ROOFLINE_H

#include <stdbool.h>

#include "clmlp/compiler.h"
#include "clmlp/devmodel.h"

typedef struct clmlp_roof {
    double flops_per_s;  /* peak arithmetic, FLOP/s */
    double bytes_per_s;  /* memory bandwidth, bytes/s */
    double launch_s;     /* per launch, seconds */
} clmlp_roof;

typedef struct clmlp_roofline {
    double seconds;    /* the whole plan: compute_s + memory_s + overhead_s */
    double compute_s;  /* sum of flops / peak over the launches arithmetic bounds */
    double memory_s;   /* sum of bytes / bandwidth over the launches memory bounds */
    double overhead_s; /* launches x launch_s */
    int launches, compute_bound, memory_bound;
} clmlp_roofline;

/* One launch, in seconds. */
double clmlp_roofline_launch(double flops, double bytes, const clmlp_roof *roof);
void clmlp_roofline_plan(const clmlp_plan *plan, const clmlp_roof *roof, clmlp_roofline *out);

/* The roof of a device model at a precision. units > 0 (a present
 * device's compute units) scales the peak by units / model->compute_units
 * when the model gives its units (a single-threaded CPU device gets half of
 * a two-core model). False when the model has no peak at that precision. */
bool clmlp_roof_from_model(const clmlp_devmodel *m, clmlp_precision prec, unsigned units, clmlp_roof *out);

#endif
