/* The profiler's bookkeeping; see profile.h. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/profile.h"

/* Grows *items (of `size` bytes each) so that one more fits. */
static int grow(void **items, size_t *cap, size_t count, size_t size, clmlp_err *err)
{
    if (count < *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    void *bigger = realloc(*items, n * size);
    if (!bigger)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory (profiler, %zu entries)", n);
    *items = bigger;
    *cap = n;
    return 0;
}

void clmlp_profiler_init(clmlp_profiler *p, bool enabled, long trace_steps)
{
    memset(p, 0, sizeof *p);
    p->enabled = enabled;
    p->trace_steps = trace_steps;
    p->origin = clmlp_now();
}

void clmlp_profiler_release(clmlp_profiler *p)
{
    for (size_t i = 0; i < p->n_pending; i++)
        if (p->events[i])
            clReleaseEvent(p->events[i]);
    free(p->stats);
    free(p->events);
    free(p->pending);
    free(p->trace);
    free(p->memory);
    bool enabled = p->enabled;
    long trace_steps = p->trace_steps;
    clmlp_profiler_init(p, enabled, trace_steps);
}

int clmlp_profiler_calibrate(clmlp_profiler *p, clmlp_device *dev, clmlp_err *err)
{
    if (!p->enabled)
        return 0;
    cl_event marker = NULL;
    cl_ulong t[4] = {0};
    if (clmlp_cl_check(clEnqueueMarkerWithWaitList(dev->queue, 0, NULL, &marker), "clEnqueueMarkerWithWaitList",
                       err) < 0)
        return -1;
    int rc = clmlp_cl_check(clWaitForEvents(1, &marker), "clWaitForEvents", err);
    double host = clmlp_now();
    if (rc == 0)
        rc = clmlp_event_times(marker, t, err);
    clReleaseEvent(marker);
    if (rc < 0)
        return -1;
    /* A driver that leaves a marker's END at 0 gets a zero offset: device
     * tracks then keep their own origin, durations stay exact. */
    p->device_offset = t[3] ? host - (double)t[3] * 1e-9 : 0.0;
    return 0;
}

static int add_stat(clmlp_profiler *p, const char *name, const char *ops, const char *label, const char *phase,
                    double flops, double bytes, clmlp_err *err)
{
    size_t cap = (size_t)p->cap_stats;
    if (grow((void **)&p->stats, &cap, (size_t)p->n_stats, sizeof *p->stats, err) < 0)
        return -1;
    p->cap_stats = (int)cap;
    clmlp_kernel_stats *s = &p->stats[p->n_stats];
    memset(s, 0, sizeof *s);
    clmlp_strlcpy(s->name, name, sizeof s->name);
    clmlp_strlcpy(s->ops, ops, sizeof s->ops);
    clmlp_strlcpy(s->label, label, sizeof s->label);
    clmlp_strlcpy(s->phase, phase, sizeof s->phase);
    s->flops_per_call = flops;
    s->bytes_per_call = bytes;
    return p->n_stats++;
}

int clmlp_profiler_add_plan(clmlp_profiler *p, const clmlp_plan *plan, const char *phase, int *first, clmlp_err *err)
{
    *first = p->n_stats;
    for (int i = 0; i < plan->n_launches; i++) {
        char label[384];
        clmlp_launch_describe(plan, i, label, sizeof label);
        const clmlp_launch *l = &plan->launches[i];
        if (add_stat(p, l->name, clmlp_launch_ops(plan, i), label, phase, l->flops, l->bytes, err) < 0)
            return -1;
        p->stats[p->n_stats - 1].footprint_per_call = l->footprint;
    }
    return 0;
}

int clmlp_profiler_add_kernel(clmlp_profiler *p, const char *name, const char *ops, const char *label,
                              const char *phase, int *index, clmlp_err *err)
{
    *index = add_stat(p, name, ops, label, phase, 0, 0, err);
    return *index < 0 ? -1 : 0;
}

int clmlp_profiler_add_transfer(clmlp_profiler *p, const char *name, int *index, clmlp_err *err)
{
    *index = add_stat(p, name, "", name, "transfer", 0, 0, err);
    return *index < 0 ? -1 : 0;
}

/* Room for n more slots in both parallel arrays. */
static int reserve(clmlp_profiler *p, size_t n, clmlp_err *err)
{
    size_t need = p->n_pending + n;
    if (need <= p->cap_pending)
        return 0;
    size_t cap = p->cap_pending ? p->cap_pending : 256;
    while (cap < need)
        cap *= 2;
    cl_event *ev = realloc(p->events, cap * sizeof *ev);
    if (ev)
        p->events = ev;
    clmlp_pending_event *pe = realloc(p->pending, cap * sizeof *pe);
    if (pe)
        p->pending = pe;
    if (!ev || !pe)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory (profiler, %zu events)", cap);
    p->cap_pending = cap;
    return 0;
}

static cl_event *push(clmlp_profiler *p, int stat, bool traced, long step, double flops, double bytes)
{
    size_t i = p->n_pending++;
    p->events[i] = NULL;
    p->pending[i] = (clmlp_pending_event){.stat = stat, .traced = traced, .step = step, .flops = flops,
                                          .bytes = bytes};
    return &p->events[i];
}

int clmlp_profiler_launches(clmlp_profiler *p, int first, int n, bool traced, long step, cl_event **events,
                            clmlp_pending_event **pending, clmlp_err *err)
{
    *events = NULL;
    *pending = NULL;
    if (!p || !p->enabled || n <= 0)
        return 0;
    if (first < 0 || first + n > p->n_stats)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "profiler: launches %d..%d have no stats entry", first,
                          first + n - 1);
    double t0 = clmlp_now();
    if (reserve(p, (size_t)n, err) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const clmlp_kernel_stats *s = &p->stats[first + i];
        cl_event *slot = push(p, first + i, traced, step, s->flops_per_call, s->bytes_per_call);
        if (i == 0) {
            *events = slot;
            *pending = &p->pending[slot - p->events];
        }
    }
    p->host_seconds += clmlp_now() - t0;
    return 0;
}

int clmlp_profiler_transfer(clmlp_profiler *p, int stat, double bytes, bool traced, cl_event **event,
                            clmlp_pending_event **pending, clmlp_err *err)
{
    *event = NULL;
    *pending = NULL;
    if (!p || !p->enabled)
        return 0;
    if (stat < 0 || stat >= p->n_stats)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "profiler: transfer %d has no stats entry", stat);
    if (reserve(p, 1, err) < 0)
        return -1;
    *event = push(p, stat, traced, 0, 0, bytes);
    *pending = &p->pending[*event - p->events];
    return 0;
}

int clmlp_profiler_host_span(const clmlp_device *dev, cl_event *ev, clmlp_pending_event *pending, double begin,
                             clmlp_err *err)
{
    if (!ev || !pending || !dev->desc.host_timed)
        return 0;
    if (clmlp_cl_check(clWaitForEvents(1, ev), "clWaitForEvents(host-timed command)", err) < 0)
        return -1;
    pending->host_start = begin;
    pending->host_end = clmlp_now();
    return 0;
}

size_t clmlp_profiler_pending(const clmlp_profiler *p) { return p && p->enabled ? p->n_pending : 0; }

static int add_trace(clmlp_profiler *p, clmlp_trace_event ev, clmlp_err *err)
{
    if (grow((void **)&p->trace, &p->cap_trace, p->n_trace, sizeof *p->trace, err) < 0)
        return -1;
    p->trace[p->n_trace++] = ev;
    return 0;
}

/* Adds one completed event to its stats entry (and the trace). */
static int record(clmlp_profiler *p, cl_event ev, const clmlp_pending_event *pe, clmlp_err *err)
{
    /* Summed events need START and END only; traced ones all four. */
    double t[4] = {0}; /* host clock, seconds */
    if (pe->host_end > 0) { /* a host-timed device: no stamps worth reading */
        t[0] = t[1] = t[2] = pe->host_start;
        t[3] = pe->host_end;
    } else {
        cl_ulong ns[4] = {0};
        if ((pe->traced ? clmlp_event_times(ev, ns, err) : clmlp_event_span(ev, &ns[2], &ns[3], err)) < 0)
            return -1;
        for (int i = 0; i < 4; i++)
            t[i] = (double)ns[i] * 1e-9 + p->device_offset;
    }
    clmlp_kernel_stats *s = &p->stats[pe->stat];
    s->calls++;
    s->device_seconds += t[3] > t[2] ? t[3] - t[2] : 0.0;
    s->flops += pe->flops;
    s->bytes += pe->bytes;
    p->events_read++;
    if (!pe->traced)
        return 0;
    clmlp_trace_event te = {.queued = t[0], .submitted = t[1], .start = t[2], .end = t[3], .stat = pe->stat,
                            .step = pe->step, .flops = pe->flops, .bytes = pe->bytes};
    return add_trace(p, te, err);
}

int clmlp_profiler_collect(clmlp_profiler *p, size_t count, clmlp_err *err)
{
    if (!p || !p->enabled || count == 0)
        return 0;
    if (count > p->n_pending)
        count = p->n_pending;
    double t0 = clmlp_now();
    /* Compact away empty slots (a failed enqueue leaves one) so the wait
     * sees only real events; pending[] moves along. */
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (p->events[i]) {
            p->events[n] = p->events[i];
            p->pending[n++] = p->pending[i];
        }
    int rc = n ? clmlp_cl_check(clWaitForEvents((cl_uint)n, p->events), "clWaitForEvents(profiled events)", err) : 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = record(p, p->events[i], &p->pending[i], err);
        clReleaseEvent(p->events[i]);
    }
    size_t rest = p->n_pending - count;
    memmove(p->events, p->events + count, rest * sizeof *p->events);
    memmove(p->pending, p->pending + count, rest * sizeof *p->pending);
    p->n_pending = rest;
    p->host_seconds += clmlp_now() - t0;
    return rc;
}

int clmlp_profiler_flush(clmlp_profiler *p, clmlp_err *err)
{
    return clmlp_profiler_collect(p, p ? p->n_pending : 0, err);
}

int clmlp_profiler_span(clmlp_profiler *p, const char *name, double start, double end, clmlp_err *err)
{
    if (!p || !p->enabled)
        return 0;
    clmlp_trace_event te = {.start = start, .end = end, .stat = -1};
    clmlp_strlcpy(te.name, name, sizeof te.name);
    return add_trace(p, te, err);
}

int clmlp_profiler_sample_memory(clmlp_profiler *p, size_t device_bytes, clmlp_err *err)
{
    if (!p || !p->enabled)
        return 0;
    if (grow((void **)&p->memory, &p->cap_memory, p->n_memory, sizeof *p->memory, err) < 0)
        return -1;
    p->memory[p->n_memory++] =
        (clmlp_memory_sample){.time = clmlp_now(), .host_rss = clmlp_host_rss_bytes(), .device_bytes = device_bytes};
    return 0;
}

double clmlp_profiler_phase_device_seconds(const clmlp_profiler *p, const char *phase)
{
    double sum = 0;
    for (int i = 0; i < p->n_stats; i++)
        if (strcmp(p->stats[i].phase, phase) == 0)
            sum += p->stats[i].device_seconds;
    return sum;
}
