/* Runtime: executes compiled plans on an opened device.
 *
 * An executor owns the device memory of one plan (its regions, carved into
 * sub-buffers per tensor), the built programs and one cl_kernel per launch
 * with its static arguments bound once; a step then only sets the few
 * per-step scalars and enqueues. The evaluation plan's executor shares the
 * training executor's parameter region, so no copy happens between them.
 *
 * A session (session.h) drives executors through epochs and evaluation. */
#ifndef CLMLP_RUNTIME_H
#define CLMLP_RUNTIME_H

#include "clmlp/compiler.h"
#include "clmlp/device.h"
#include "clmlp/gemm_kernels.h"
#include "clmlp/profile.h"

#define CLMLP_MAX_PROGRAMS 32

typedef struct clmlp_step_args {
    int first;         /* CLMLP_DYN_FIRST */
    int output_offset; /* CLMLP_DYN_OUTPUT_OFFSET */
    float lr;          /* CLMLP_DYN_LR */
} clmlp_step_args;

typedef struct clmlp_executor {
    clmlp_device *dev;
    const clmlp_plan *plan;
    cl_mem regions[CLMLP_REGION_COUNT];
    bool owns_region[CLMLP_REGION_COUNT];
    cl_mem tensor_mem[CLMLP_MAX_TENSORS]; /* sub-buffers; NULL for unplaced tensors */
    cl_mem external[CLMLP_EXT_COUNT];
    cl_kernel kernels[CLMLP_MAX_LAUNCHES];          /* non-GEMM launches */
    clmlp_gemm_kernel gemms[CLMLP_MAX_LAUNCHES];     /* generated GEMM launches */
    struct {
        const char *program;
        char options[128];
        cl_program handle;
    } programs[CLMLP_MAX_PROGRAMS];
    int n_programs;
    int programs_from_cache, programs_compiled;
    double build_seconds;
} clmlp_executor;

/* Allocates the plan's regions (PARAMS taken from share_params when given),
 * builds programs and kernels, binds static arguments. */
int clmlp_executor_create(clmlp_device *dev, const clmlp_plan *plan, const clmlp_executor *share_params,
                          clmlp_executor *ex, clmlp_err *err);
/* Binds a run-owned buffer to every launch argument that names it. */
int clmlp_executor_bind_external(clmlp_executor *ex, clmlp_external which, cl_mem mem, clmlp_err *err);
/* Enqueues every launch of the plan in order (no host sync). With events
 * non-NULL, events[i] receives launch i's event (the caller releases them);
 * on a host-timed device each launch is then waited for and timing[i]
 * gets its host span (timing parallel to events, from the profiler). */
int clmlp_executor_run(clmlp_executor *ex, const clmlp_step_args *step, cl_event *events,
                       clmlp_pending_event *timing, clmlp_err *err);
/* The same for launches first .. end-1 only; events and timing still
 * indexed by launch (events[first] is launch first's). */
int clmlp_executor_run_range(clmlp_executor *ex, const clmlp_step_args *step, int first, int end, cl_event *events,
                             clmlp_pending_event *timing, clmlp_err *err);
/* Blocking copies of one tensor between host and device. */
int clmlp_executor_write_tensor(clmlp_executor *ex, int tensor, const void *host, clmlp_err *err);
int clmlp_executor_read_tensor(clmlp_executor *ex, int tensor, void *host, clmlp_err *err);
/* Sets a whole region to zero bytes (gradients, optimizer state). */
int clmlp_executor_zero_region(clmlp_executor *ex, clmlp_region region, clmlp_err *err);
/* Blocking copies of a whole region between host and device. */
int clmlp_executor_read_region(clmlp_executor *ex, clmlp_region region, void *host, clmlp_err *err);
int clmlp_executor_write_region(clmlp_executor *ex, clmlp_region region, const void *host, clmlp_err *err);
/* The plan's parameters (graph params, by name and shape) to and from a
 * host model (snapshot.c); m's parameters are allocated when missing. */
struct clmlp_model;
int clmlp_executor_read_model(clmlp_executor *ex, struct clmlp_model *m, clmlp_err *err);
int clmlp_executor_write_model(clmlp_executor *ex, const struct clmlp_model *m, clmlp_err *err);
void clmlp_executor_release(clmlp_executor *ex);

#endif
