/* trace.json in the Chrome trace event format, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open:
 *   pid 1 "host": phases and epochs as complete ("X") events on one track,
 *                 and memory counters ("C": host RSS, device bytes);
 *   pid 2 "device: <name>": the in-order queue's launches and transfers
 *                 of the traced steps, with step, FLOPs and bytes as args;
 *   pid 3 "MPI ranks" (mpirun -n N only): a track per rank, its gradient
 *                 allreduces of the traced steps.
 * Times are microseconds from the start of the run (the config phase). */
#include <stdio.h>
#include <string.h>

#include "clmlp/json.h"
#include "clmlp/report.h"

enum { HOST_PID = 1, DEVICE_PID = 2, RANKS_PID = 3, TRACK_TID = 1 };

static void metadata_tid(clmlp_json *j, const char *what, int pid, int tid, const char *name)
{
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "name", what);
    clmlp_json_string(j, "ph", "M");
    clmlp_json_int(j, "pid", pid);
    clmlp_json_int(j, "tid", tid);
    clmlp_json_begin_object(j, "args");
    clmlp_json_string(j, "name", name);
    clmlp_json_end_object(j);
    clmlp_json_end_object(j);
}

static void metadata(clmlp_json *j, const char *what, int pid, const char *name)
{
    metadata_tid(j, what, pid, TRACK_TID, name);
}

/* mpirun -n N: pid 3 "MPI ranks", a track per rank with its allreduce
 * spans. Each rank's clock is shifted so that its first allreduce ends
 * when rank 0's did (an allreduce ends on every rank at nearly the same
 * moment), which also merges ranks on other hosts. */
static void rank_tracks(clmlp_json *j, const clmlp_run_result *res, double origin)
{
    const clmlp_mpi_result *m = &res->mpi;
    if (m->ranks < 2 || !m->spans || m->spans[0].n == 0)
        return;
    metadata(j, "process_name", RANKS_PID, "MPI ranks: gradient allreduce");
    for (int r = 0; r < m->ranks; r++) {
        const clmlp_rank_spans *s = &m->spans[r];
        char name[32];
        snprintf(name, sizeof name, "rank %d", r);
        metadata_tid(j, "thread_name", RANKS_PID, r + 1, name);
        double shift = s->n ? m->spans[0].end[0] - s->end[0] : 0;
        for (int i = 0; i < s->n; i++) {
            clmlp_json_begin_object(j, NULL);
            clmlp_json_string(j, "name", "allreduce");
            clmlp_json_string(j, "cat", "mpi");
            clmlp_json_string(j, "ph", "X");
            clmlp_json_int(j, "pid", RANKS_PID);
            clmlp_json_int(j, "tid", r + 1);
            clmlp_json_number(j, "ts", (s->start[i] + shift - origin) * 1e6);
            clmlp_json_number(j, "dur", (s->end[i] - s->start[i]) * 1e6);
            clmlp_json_begin_object(j, "args");
            clmlp_json_number(j, "bytes", m->bytes_per_step);
            clmlp_json_int(j, "step", i + 1);
            clmlp_json_end_object(j);
            clmlp_json_end_object(j);
        }
    }
}

static void complete_event(clmlp_json *j, const char *name, const char *cat, int pid, double origin,
                           const clmlp_trace_event *e)
{
    clmlp_json_string(j, "name", name);
    clmlp_json_string(j, "cat", cat);
    clmlp_json_string(j, "ph", "X");
    clmlp_json_int(j, "pid", pid);
    clmlp_json_int(j, "tid", TRACK_TID);
    clmlp_json_number(j, "ts", (e->start - origin) * 1e6);
    clmlp_json_number(j, "dur", (e->end > e->start ? e->end - e->start : 0) * 1e6);
}

static void trace_event(clmlp_json *j, const clmlp_run_result *res, double origin, const clmlp_trace_event *e)
{
    const clmlp_profiler *p = &res->profile;
    clmlp_json_begin_object(j, NULL);
    if (e->stat < 0) {
        complete_event(j, e->name, "host", HOST_PID, origin, e);
    } else {
        const clmlp_kernel_stats *k = &p->stats[e->stat];
        complete_event(j, k->name, k->phase, DEVICE_PID, origin, e);
        clmlp_json_begin_object(j, "args");
        clmlp_json_string(j, "what", k->label);
        if (k->ops[0])
            clmlp_json_string(j, "ops", k->ops);
        bool train = strcmp(k->phase, "train") == 0;
        if (e->step)
            clmlp_json_int(j, train ? "step" : "batch", e->step);
        if (train && e->step && res->steps_per_epoch > 0)
            clmlp_json_int(j, "epoch", (e->step - 1) / res->steps_per_epoch + 1);
        /* In flight: enqueued this long before it started (the host runs
         * about ten steps ahead), and submitted by the driver this long before. */
        clmlp_json_number(j, "queued_us_before_start", (e->start - e->queued) * 1e6);
        clmlp_json_number(j, "submitted_us_before_start", (e->start - e->submitted) * 1e6);
        clmlp_json_number(j, "flops", e->flops);
        clmlp_json_number(j, "bytes", e->bytes);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_object(j);
}

static void memory_counter(clmlp_json *j, double origin, const clmlp_memory_sample *m)
{
    const double mib = 1024.0 * 1024.0;
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "name", "memory (MiB)");
    clmlp_json_string(j, "ph", "C");
    clmlp_json_int(j, "pid", HOST_PID);
    clmlp_json_number(j, "ts", (m->time - origin) * 1e6);
    clmlp_json_begin_object(j, "args");
    clmlp_json_number(j, "host_rss", (double)m->host_rss / mib);
    clmlp_json_number(j, "device", (double)m->device_bytes / mib);
    clmlp_json_end_object(j);
    clmlp_json_end_object(j);
}

int clmlp_report_write_trace(FILE *out, const clmlp_run_result *res)
{
    const clmlp_profiler *p = &res->profile;
    double origin = res->phase_start[CLMLP_PHASE_CONFIG];
    char device[300];
    snprintf(device, sizeof device, "device: %s", res->device.name);
    clmlp_json j;
    clmlp_json_init(&j, out);
    clmlp_json_begin_object(&j, NULL);
    clmlp_json_string(&j, "displayTimeUnit", "ms");
    clmlp_json_begin_array(&j, "traceEvents");
    metadata(&j, "process_name", HOST_PID, "host");
    metadata(&j, "thread_name", HOST_PID, "phases and epochs");
    metadata(&j, "process_name", DEVICE_PID, device);
    metadata(&j, "thread_name", DEVICE_PID, "in-order queue");
    for (size_t i = 0; i < p->n_trace; i++)
        trace_event(&j, res, origin, &p->trace[i]);
    for (size_t i = 0; i < p->n_memory; i++)
        memory_counter(&j, origin, &p->memory[i]);
    rank_tracks(&j, res, origin);
    clmlp_json_end_array(&j);
    clmlp_json_end_object(&j);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
