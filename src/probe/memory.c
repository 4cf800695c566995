/* The bandwidth roofs, one per working-set size, and the launch cost. */
#include <math.h>
#include <string.h>

#include "cl_sources.h"
#include "probe_internal.h"

/* Working sets of the ladder: 64 KiB, 1 MiB, 8 MiB, 32 MiB, then the DRAM
 * level (128 MiB on CPUs, 512 MiB on GPUs and accelerators), past the L3 of
 * the CPUs seen (32 MiB on a Zen 5 CCD; up to 105 MiB on a Sapphire Rapids
 * socket, which 128 MiB still mostly exceeds). */
static const double cpu_ladder[] = {64 << 10, 1 << 20, 8 << 20, 32 << 20, 128 << 20};
static const double gpu_ladder[] = {64 << 10, 1 << 20, 8 << 20, 32 << 20, 512 << 20};
/* Every launch of the stream kernel moves at least this much, so that
 * launch overhead stays a small part of its time. */
static const double BYTES_PER_LAUNCH = 96.0 * (1 << 20);
/* ... and takes at most about this long, on a slow device. */
static const double LAUNCH_S = 0.05;

static bool is_cpu(const clmlp_device *dev) { return (dev->desc.type & CL_DEVICE_TYPE_CPU) != 0; }

cl_mem probe_new_buffer(clmlp_device *dev, size_t bytes, const char *what, clmlp_err *err)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer", err) < 0) {
        clmlp_fail_prefix(err, "probe (%s): ", what);
        return NULL;
    }
    float zero = 0;
    if (clmlp_cl_check(clEnqueueFillBuffer(dev->queue, m, &zero, sizeof zero, 0, bytes, 0, NULL, NULL),
                       "clEnqueueFillBuffer", err) < 0) {
        clReleaseMemObject(m);
        return NULL;
    }
    return m;
}

int probe_time_events(clmlp_device *dev, probe_enqueue_fn fn, void *ctx, double *seconds, int n, clmlp_err *err)
{
    for (int r = -1; r < n; r++) { /* r = -1 warms up */
        cl_event ev = NULL;
        double s = 0, begin = clmlp_now();
        int rc = fn(dev, ctx, &ev, err);
        if (rc == 0)
            rc = clmlp_timed_end(dev, ev, begin, &s, err);
        if (ev)
            clReleaseEvent(ev);
        if (rc < 0)
            return -1;
        if (r >= 0)
            seconds[r] = s;
    }
    return 0;
}

typedef struct {
    cl_kernel kernel;
    size_t global, local;
} stream_launch;

static int enqueue_stream(clmlp_device *dev, void *ctx, cl_event *ev, clmlp_err *err)
{
    const stream_launch *s = ctx;
    return clmlp_cl_check(clEnqueueNDRangeKernel(dev->queue, s->kernel, 1, NULL, &s->global, &s->local, 0, NULL, ev),
                          "clEnqueueNDRangeKernel(probe_stream)", err);
}

/* One level: x and y of working_set / 2 bytes each, split among groups. */
static int time_level(clmlp_device *dev, cl_kernel k, cl_mem x, cl_mem y, double working_set, clmlp_probe_level *out,
                      clmlp_err *err)
{
    /* One work-item per group where a work-item is a thread's loop (PoCL);
     * 256 where work-items are lanes (GPUs, llvmpipe). */
    bool lanes = clmlp_device_lanes_are_work_items(&dev->desc);
    size_t local = lanes ? 256 : 1;
    if (local > dev->desc.max_work_group)
        local = dev->desc.max_work_group;
    size_t vecs = (size_t)(working_set / 2 / 64); /* float16s in each of x and y */
    size_t groups = lanes ? 8 * (size_t)dev->desc.compute_units : 4 * (size_t)dev->desc.compute_units;
    if (groups < 1)
        groups = 1;
    while (groups > 1 && vecs / groups < local)
        groups /= 2;
    cl_int per_group = (cl_int)(vecs / groups);
    double moved_per_pass = 3.0 * 64.0 * (double)per_group * (double)groups;
    cl_int repeats = 1;
    float a = 0.5f;
    stream_launch s = {k, groups * local, local};
    double secs[PROBE_REPEATS];
    if (clmlp_cl_check(clSetKernelArg(k, 0, sizeof y, &y), "clSetKernelArg(probe_stream)", err) < 0 ||
        clmlp_cl_check(clSetKernelArg(k, 1, sizeof x, &x), "clSetKernelArg(probe_stream)", err) < 0 ||
        clmlp_cl_check(clSetKernelArg(k, 2, sizeof per_group, &per_group), "clSetKernelArg(probe_stream)", err) < 0 ||
        clmlp_cl_check(clSetKernelArg(k, 3, sizeof repeats, &repeats), "clSetKernelArg(probe_stream)", err) < 0 ||
        clmlp_cl_check(clSetKernelArg(k, 4, sizeof a, &a), "clSetKernelArg(probe_stream)", err) < 0 ||
        probe_time_events(dev, enqueue_stream, &s, secs, 1, err) < 0) /* one pass: how fast is this device? */
        return -1;
    double passes = fmin(BYTES_PER_LAUNCH / moved_per_pass, secs[0] > 0 ? LAUNCH_S / secs[0] : 1);
    repeats = passes > 1 ? (cl_int)passes : 1;
    if (clmlp_cl_check(clSetKernelArg(k, 3, sizeof repeats, &repeats), "clSetKernelArg(probe_stream)", err) < 0 ||
        probe_time_events(dev, enqueue_stream, &s, secs, PROBE_REPEATS, err) < 0)
        return -1;
    double g[PROBE_REPEATS];
    for (int r = 0; r < PROBE_REPEATS; r++)
        g[r] = secs[r] > 0 ? moved_per_pass * repeats / secs[r] * 1e-9 : 0;
    out->bytes = 2.0 * 64.0 * (double)per_group * (double)groups;
    clmlp_spread_of(g, PROBE_REPEATS, true, &out->gbps);
    return 0;
}

static int build_kernel(clmlp_device *dev, const char *name, cl_program *prog, cl_kernel *k, clmlp_err *err)
{
    bool from_cache = false;
    if (clmlp_program_kernel(dev, clmlp_cl_probe, NULL, name, prog, &from_cache, k, err) < 0)
        return clmlp_fail_prefix(err, "probe kernel %s: ", name);
    return 0;
}

/* What a measurement built and allocated; NULLs are skipped. */
static void release(cl_program prog, cl_kernel k, cl_mem a, cl_mem b)
{
    cl_mem mems[] = {a, b};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mems); i++)
        if (mems[i])
            clReleaseMemObject(mems[i]);
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
}

int probe_bandwidth(clmlp_device *dev, clmlp_probe *p, clmlp_err *err)
{
    const double *ladder = is_cpu(dev) ? cpu_ladder : gpu_ladder;
    int n = (int)CLMLP_ARRAY_LEN(cpu_ladder);
    size_t half = (size_t)(ladder[n - 1] / 2);
    while (half > dev->desc.max_alloc && n > 1)
        half = (size_t)(ladder[--n - 1] / 2);
    cl_program prog = NULL;
    cl_kernel k = NULL;
    cl_mem x = NULL, y = NULL;
    int rc = build_kernel(dev, "probe_stream", &prog, &k, err);
    if (rc == 0 && (!(x = probe_new_buffer(dev, half, "stream x", err)) || !(y = probe_new_buffer(dev, half, "stream y", err))))
        rc = -1;
    p->n_levels = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        rc = time_level(dev, k, x, y, ladder[i], &p->levels[p->n_levels], err);
        /* a level the group split rounded onto the previous one adds nothing */
        if (rc == 0 && (p->n_levels == 0 || p->levels[p->n_levels].bytes > p->levels[p->n_levels - 1].bytes))
            p->n_levels++;
    }
    release(prog, k, x, y);
    return rc;
}

/* Wall time of a burst of tiny launches, divided by their count: what the
 * host, driver and device charge per launch when nothing waits in between. */
enum { LAUNCH_BURST = 200 };

int probe_launch(clmlp_device *dev, clmlp_probe *p, clmlp_err *err)
{
    cl_program prog = NULL;
    cl_kernel k = NULL;
    cl_mem m = NULL;
    int rc = build_kernel(dev, "probe_empty", &prog, &k, err);
    if (rc == 0 && !(m = probe_new_buffer(dev, 64, "launch", err)))
        rc = -1;
    if (rc == 0)
        rc = clmlp_cl_check(clSetKernelArg(k, 0, sizeof m, &m), "clSetKernelArg(probe_empty)", err);
    double us[PROBE_REPEATS];
    size_t global = 1;
    for (int r = -1; r < PROBE_REPEATS && rc == 0; r++) { /* r = -1 warms up */
        double t0 = clmlp_now();
        for (int i = 0; i < LAUNCH_BURST && rc == 0; i++)
            rc = clmlp_cl_check(clEnqueueNDRangeKernel(dev->queue, k, 1, NULL, &global, NULL, 0, NULL, NULL),
                                "clEnqueueNDRangeKernel(probe_empty)", err);
        if (rc == 0)
            rc = clmlp_cl_check(clFinish(dev->queue), "clFinish", err);
        if (r >= 0)
            us[r] = (clmlp_now() - t0) / LAUNCH_BURST * 1e6;
    }
    if (rc == 0)
        clmlp_spread_of(us, PROBE_REPEATS, false, &p->launch);
    release(prog, k, m, NULL);
    return rc;
}
