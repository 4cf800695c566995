/* The probe's measurements, one file each (gemm.c, memory.c), and what they
 * share; probe.c runs them and keeps the cache. */
#ifndef CLMLP_PROBE_INTERNAL_H
#define CLMLP_PROBE_INTERNAL_H

#include "clmlp/probe.h"

enum { PROBE_REPEATS = 7 }; /* timed repetitions of every figure, after one warm-up */

/* A device buffer with every page touched once, so first-use costs stay out
 * of the timings; NULL with err set. */
cl_mem probe_new_buffer(clmlp_device *dev, size_t bytes, const char *what, clmlp_err *err);

/* Seconds of each of n enqueues of one command (its events), after a warm-up. */
typedef int (*probe_enqueue_fn)(clmlp_device *dev, void *ctx, cl_event *ev, clmlp_err *err);
int probe_time_events(clmlp_device *dev, probe_enqueue_fn fn, void *ctx, double *seconds, int n, clmlp_err *err);

/* GFLOP/s of the best of up to `tiles` tiles per form (NN, TN, NT) at the
 * square size, tried while budget_s seconds last (at least one per form). */
int probe_gemm_square(clmlp_device *dev, int tiles, double budget_s, clmlp_probe *p, clmlp_err *err);
/* The bandwidth ladder, and the launch cost. */
int probe_bandwidth(clmlp_device *dev, clmlp_probe *p, clmlp_err *err);
int probe_launch(clmlp_device *dev, clmlp_probe *p, clmlp_err *err);

#endif
