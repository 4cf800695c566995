/* The device-agnostic profiler: every launch and transfer of a run gets an
 * OpenCL event (the queue has CL_QUEUE_PROFILING_ENABLE), events are read in
 * batches once the host has waited for them anyway (no extra sync), and
 * their times are summed per launch of the plan. The first trace_steps
 * training steps (and evaluation batches) are also kept as trace events,
 * beside host spans (phases, epochs) and memory samples, for trace.json.
 *
 * Device timestamps are mapped to the host clock (clmlp_now) by one marker
 * at start: offset = host time after the marker completed - its END time.
 * The error is the wait's wake-up latency (microseconds), the same for every
 * event, so durations and ordering are exact and placement is close.
 *
 * Caveat: a CLBlast GEMM reports the event of its last kernel only, so any
 * helper kernels it runs first (padding, transposes) are not counted. */
#ifndef CLMLP_PROFILE_H
#define CLMLP_PROFILE_H

#include "clmlp/compiler.h"
#include "clmlp/device.h"

typedef struct clmlp_kernel_stats {
    char name[48];   /* launch name (gemm_nn_bias_relu, softmax_xent, ...) or transfer name */
    char ops[64];    /* fused ops, "matmul+bias_add+relu"; "" for transfers */
    char label[384]; /* what it computes: "h0 = x . W0  (M=100 N=400 K=784, generated)" */
    char phase[16];  /* "train", "eval" or "transfer" */
    double flops_per_call, bytes_per_call; /* from the plan (transfers: bytes vary per call) */
    double footprint_per_call;             /* distinct bytes a call touches (its working set) */
    long calls;
    double device_seconds;  /* sum of END - START */
    double flops, bytes;    /* totals over all calls */
} clmlp_kernel_stats;

typedef struct clmlp_trace_event {
    double start, end; /* host clock, seconds */
    double queued, submitted; /* device events: when the host enqueued it and the driver submitted it */
    int stat;          /* device event: index into stats; host span: -1 */
    long step;         /* training step (1-based) or evaluation batch + 1; 0 = none */
    double flops, bytes; /* of this call (device events) */
    char name[40];     /* host span name */
} clmlp_trace_event;

typedef struct clmlp_memory_sample {
    double time;         /* host clock, seconds */
    size_t host_rss;     /* resident set size now */
    size_t device_bytes; /* device memory allocated by the run so far */
} clmlp_memory_sample;

/* What a reserved event slot stands for (events[i] <-> pending[i]). */
typedef struct clmlp_pending_event {
    int stat;
    bool traced;
    long step;
    double flops, bytes;
    /* Host clock, seconds: set by whoever enqueued the command on a
     * host-timed device (clmlp_device_desc.host_timed), which then replaces the
     * device's stamps; 0 otherwise. */
    double host_start, host_end;
} clmlp_pending_event;

typedef struct clmlp_profiler {
    bool enabled;
    long trace_steps;
    double origin;       /* host time the trace starts at */
    double device_offset;/* host seconds = device ns * 1e-9 + device_offset */
    clmlp_kernel_stats *stats;
    int n_stats, cap_stats;
    cl_event *events;              /* reserved slots, filled by the enqueuer */
    clmlp_pending_event *pending;  /* same index as events */
    size_t n_pending, cap_pending;
    clmlp_trace_event *trace;
    size_t n_trace, cap_trace;
    clmlp_memory_sample *memory;
    size_t n_memory, cap_memory;
    long events_read;
    double host_seconds; /* spent in the profiler itself (reserving and reading events) */
} clmlp_profiler;

void clmlp_profiler_init(clmlp_profiler *p, bool enabled, long trace_steps);
void clmlp_profiler_release(clmlp_profiler *p);
/* Measures device_offset with one marker (no-op when disabled). */
int clmlp_profiler_calibrate(clmlp_profiler *p, clmlp_device *dev, clmlp_err *err);

/* One stats entry per launch of the plan, in order; *first gets the index
 * of launch 0. */
int clmlp_profiler_add_plan(clmlp_profiler *p, const clmlp_plan *plan, const char *phase, int *first, clmlp_err *err);
/* One stats entry for a kernel outside a plan whose FLOPs and bytes vary
 * per call (the caller sets them in each reserved slot's pending entry). */
int clmlp_profiler_add_kernel(clmlp_profiler *p, const char *name, const char *ops, const char *label,
                              const char *phase, int *index, clmlp_err *err);
/* One stats entry for a kind of transfer ("write epoch order", ...). */
int clmlp_profiler_add_transfer(clmlp_profiler *p, const char *name, int *index, clmlp_err *err);

/* Reserves event slots for n consecutive launches starting at stats entry
 * `first` and sets *events to them and *pending to what they stand for (the
 * executor fills both). p NULL or disabled: both NULL, nothing recorded. The
 * slots stay valid until the next reserve. traced: keep them in the trace
 * too, labelled with step. */
int clmlp_profiler_launches(clmlp_profiler *p, int first, int n, bool traced, long step, cl_event **events,
                            clmlp_pending_event **pending, clmlp_err *err);
/* The same for one transfer of `bytes`. */
int clmlp_profiler_transfer(clmlp_profiler *p, int stat, double bytes, bool traced, cl_event **event,
                            clmlp_pending_event **pending, clmlp_err *err);
/* After enqueueing the command of a reserved slot (ev, pending) at host
 * time begin: on a host-timed device, waits for it and gives the slot its
 * host span; otherwise (or with no slot) does nothing. */
int clmlp_profiler_host_span(const clmlp_device *dev, cl_event *ev, clmlp_pending_event *pending, double begin,
                             clmlp_err *err);

/* Events reserved so far and not yet read. */
size_t clmlp_profiler_pending(const clmlp_profiler *p);
/* Reads the first `count` pending events (waiting for them, which is free
 * when the caller has already waited for a later command), adds them to the
 * stats and the trace, and releases them. */
int clmlp_profiler_collect(clmlp_profiler *p, size_t count, clmlp_err *err);
int clmlp_profiler_flush(clmlp_profiler *p, clmlp_err *err);

/* A host span (phase, epoch) for the trace; no-op when disabled. */
int clmlp_profiler_span(clmlp_profiler *p, const char *name, double start, double end, clmlp_err *err);
/* Samples host RSS now, with the device bytes the caller knows of. */
int clmlp_profiler_sample_memory(clmlp_profiler *p, size_t device_bytes, clmlp_err *err);

/* Sum of device seconds over the stats of one phase. */
double clmlp_profiler_phase_device_seconds(const clmlp_profiler *p, const char *phase);

/* Host memory of this process: resident set now, and its peak so far. */
size_t clmlp_host_rss_bytes(void);
size_t clmlp_host_peak_rss_bytes(void);
/* The peak again from now on (Linux: the high-water mark VmHWM, reset by
 * /proc/self/clear_refs), so runs one after another in a process each get
 * their own peak; false where the kernel cannot reset it. */
bool clmlp_host_peak_reset(void);
/* The high-water mark since the last reset (or process start); 0 if unknown. */
size_t clmlp_host_hwm_bytes(void);

#endif
