/* The device peak probe; see probe.h. Each figure is the best of a few timed
 * repetitions after a warm-up (the best, not the median: a peak is what the
 * device can reach, and noise on a shared machine only ever slows it). */
#include <stdlib.h>
#include <string.h>

#include "clmlp/gemm.h"
#include "clmlp/probe.h"
#include "clmlp/report.h"
#include "clmlp/tune.h"

enum { REPEATS = 5, LAUNCH_BURST = 200, PROBE_TILES = 4 };

static const char probe_kernel_source[] = "__kernel void clmlp_probe_empty(__global int *x) { (void)x; }\n";

void clmlp_probe_cache_path(const clmlp_device_desc *desc, char *out, size_t cap)
{
    clmlp_device_cache_path(desc, "probe", "clmlp probe v3", NULL, ".txt", out, cap);
}

static bool is_cpu(const clmlp_device *dev) { return (dev->desc.type & CL_DEVICE_TYPE_CPU) != 0; }

static cl_mem new_buffer(clmlp_device *dev, size_t bytes, const char *what, clmlp_err *err)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer", err) < 0) {
        clmlp_fail_prefix(err, "probe (%s): ", what);
        return NULL;
    }
    /* Touch every page once so first-use costs stay out of the timings. */
    float zero = 0;
    if (clmlp_cl_check(clEnqueueFillBuffer(dev->queue, m, &zero, sizeof zero, 0, bytes, 0, NULL, NULL),
                       "clEnqueueFillBuffer", err) < 0) {
        clReleaseMemObject(m);
        return NULL;
    }
    return m;
}

/* Times `repeats` enqueues of one command through its events; best seconds. */
typedef int (*enqueue_fn)(clmlp_device *dev, void *ctx, cl_event *ev, clmlp_err *err);

static int best_time(clmlp_device *dev, enqueue_fn fn, void *ctx, double *best, clmlp_err *err)
{
    *best = 0;
    for (int r = 0; r <= REPEATS; r++) { /* r = 0 warms up */
        cl_event ev = NULL;
        double s = 0;
        int rc = fn(dev, ctx, &ev, err);
        if (rc == 0)
            rc = clmlp_cl_check(clWaitForEvents(1, &ev), "clWaitForEvents", err);
        if (rc == 0)
            rc = clmlp_event_seconds(ev, &s, err);
        if (ev)
            clReleaseEvent(ev);
        if (rc < 0)
            return -1;
        if (r > 0 && s > 0 && (*best == 0 || s < *best))
            *best = s;
    }
    return 0;
}

static int enqueue_gemm(clmlp_device *dev, void *ctx, cl_event *ev, clmlp_err *err)
{
    return clmlp_gemm_generated_enqueue(dev, ctx, ev, err);
}

/* Best time of one square GEMM form (NN, TN or NT) on buffers a, b, c over
 * the first PROBE_TILES tile candidates of the autotuner's full mode (its
 * likeliest; each is one PoCL compile, ~0.45 s cold, and NN and TN share
 * their programs). */
static int time_gemm_form(clmlp_device *dev, const clmlp_gemm_shape *shape, cl_mem a, cl_mem b, cl_mem c,
                          double *seconds, clmlp_err *err)
{
    clmlp_gemm_choice cands[CLMLP_TUNE_MAX_CANDIDATES];
    int n = clmlp_tune_candidates(&dev->desc, shape, CLMLP_AUTOTUNE_FULL, CLMLP_GEMM_GENERATED, cands,
                                  CLMLP_TUNE_MAX_CANDIDATES);
    if (n > PROBE_TILES)
        n = PROBE_TILES;
    *seconds = 0;
    for (int i = 0; i < n; i++) {
        clmlp_gemm_kernel gk = {0};
        double s = 0;
        int rc = clmlp_gemm_generated_prepare(dev, shape, &cands[i].tunables, &gk, err) == 0 &&
                         clmlp_gemm_generated_bind(&gk, a, b, c, NULL, err) == 0 &&
                         best_time(dev, enqueue_gemm, &gk, &s, err) == 0
                     ? 0
                     : -1;
        clmlp_gemm_generated_release(&gk);
        if (rc < 0)
            return -1;
        if (s > 0 && (*seconds == 0 || s < *seconds))
            *seconds = s;
    }
    return 0;
}

/* The fastest tile of the three forms a training step uses: a peak below
 * what some step GEMM reaches would put it over 100 % of the roofline. */
static int probe_gemm(clmlp_device *dev, clmlp_probe *out, clmlp_err *err)
{
    int n = is_cpu(dev) ? 1024 : 4096;
    size_t bytes = (size_t)n * n * sizeof(float);
    cl_mem a = new_buffer(dev, bytes, "GEMM A", err), b = a ? new_buffer(dev, bytes, "GEMM B", err) : NULL,
           c = b ? new_buffer(dev, bytes, "GEMM C", err) : NULL;
    static const bool forms[3][2] = {{false, false}, {true, false}, {false, true}};
    double best = 0;
    int rc = c ? 0 : -1;
    for (int f = 0; f < 3 && rc == 0; f++) {
        clmlp_gemm_shape shape = {.m = n, .n = n, .k = n, .trans_a = forms[f][0], .trans_b = forms[f][1]};
        double s = 0;
        rc = time_gemm_form(dev, &shape, a, b, c, &s, err);
        if (rc == 0 && s > 0 && (best == 0 || s < best))
            best = s;
    }
    cl_mem mems[] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (mems[i])
            clReleaseMemObject(mems[i]);
    out->gemm_size = n;
    out->gemm_gflops = best > 0 ? 2.0 * n * (double)n * n / best / 1e9 : 0;
    return rc;
}

typedef struct {
    cl_mem src, dst;
    size_t bytes;
} copy_ctx;

static int enqueue_copy(clmlp_device *dev, void *ctx, cl_event *ev, clmlp_err *err)
{
    copy_ctx *c = ctx;
    return clmlp_cl_check(clEnqueueCopyBuffer(dev->queue, c->src, c->dst, 0, 0, c->bytes, 0, NULL, ev),
                          "clEnqueueCopyBuffer", err);
}

static int probe_copy(clmlp_device *dev, clmlp_probe *out, clmlp_err *err)
{
    copy_ctx c = {.bytes = (size_t)(is_cpu(dev) ? 64 : 256) << 20};
    if (c.bytes > dev->desc.max_alloc)
        c.bytes = (size_t)dev->desc.max_alloc / 2;
    c.src = new_buffer(dev, c.bytes, "copy source", err);
    c.dst = c.src ? new_buffer(dev, c.bytes, "copy destination", err) : NULL;
    double s = 0;
    int rc = c.dst && best_time(dev, enqueue_copy, &c, &s, err) == 0 ? 0 : -1;
    if (c.src)
        clReleaseMemObject(c.src);
    if (c.dst)
        clReleaseMemObject(c.dst);
    out->copy_gbps = s > 0 ? 2.0 * (double)c.bytes / s / 1e9 : 0;
    return rc;
}

/* Wall time of a burst of tiny launches, divided by their count: what the
 * host, driver and device charge per launch when nothing waits in between. */
static int probe_launch(clmlp_device *dev, clmlp_probe *out, clmlp_err *err)
{
    cl_program prog = NULL;
    cl_kernel k = NULL;
    cl_mem m = NULL;
    cl_int rc = CL_SUCCESS;
    int status = -1;
    if (clmlp_program_build(dev, probe_kernel_source, NULL, &prog, NULL, err) < 0)
        return -1;
    k = clCreateKernel(prog, "clmlp_probe_empty", &rc);
    if (clmlp_cl_check(rc, "clCreateKernel(clmlp_probe_empty)", err) < 0)
        goto done;
    if (!(m = new_buffer(dev, 64, "launch", err)))
        goto done;
    if (clmlp_cl_check(clSetKernelArg(k, 0, sizeof m, &m), "clSetKernelArg", err) < 0)
        goto done;
    size_t global = 1;
    double best = 0;
    for (int r = 0; r <= 2; r++) { /* r = 0 warms up */
        double t0 = clmlp_now();
        for (int i = 0; i < LAUNCH_BURST; i++)
            if (clmlp_cl_check(clEnqueueNDRangeKernel(dev->queue, k, 1, NULL, &global, NULL, 0, NULL, NULL),
                               "clEnqueueNDRangeKernel(clmlp_probe_empty)", err) < 0)
                goto done;
        if (clmlp_cl_check(clFinish(dev->queue), "clFinish", err) < 0)
            goto done;
        double s = (clmlp_now() - t0) / LAUNCH_BURST;
        if (r > 0 && (best == 0 || s < best))
            best = s;
    }
    out->launch_us = best * 1e6;
    status = 0;
done:
    if (m)
        clReleaseMemObject(m);
    if (k)
        clReleaseKernel(k);
    clReleaseProgram(prog);
    return status;
}

static bool read_cache(const char *path, clmlp_probe *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    clmlp_probe p = {0};
    int got = fscanf(f, "gemm_gflops %lf\ngemm_size %d\ncopy_gbps %lf\nlaunch_us %lf\n", &p.gemm_gflops,
                     &p.gemm_size, &p.copy_gbps, &p.launch_us);
    fclose(f);
    if (got != 4 || !(p.gemm_gflops > 0) || !(p.copy_gbps > 0) || !(p.launch_us > 0) || p.gemm_size <= 0)
        return false; /* corrupt or partial: measure again */
    p.from_cache = true;
    *out = p;
    return true;
}

static int write_probe(FILE *f, const void *ctx)
{
    const clmlp_probe *p = ctx;
    fprintf(f, "gemm_gflops %.6g\ngemm_size %d\ncopy_gbps %.6g\nlaunch_us %.6g\n", p->gemm_gflops, p->gemm_size,
            p->copy_gbps, p->launch_us);
    return 0;
}

int clmlp_probe_device(clmlp_device *dev, bool use_cache, clmlp_probe *out, clmlp_err *err)
{
    char path[CLMLP_PATH_MAX + 128];
    clmlp_probe_cache_path(&dev->desc, path, sizeof path);
    memset(out, 0, sizeof *out);
    if (use_cache && read_cache(path, out))
        return 0;
    if (probe_gemm(dev, out, err) < 0 || probe_copy(dev, out, err) < 0 || probe_launch(dev, out, err) < 0)
        return -1;
    /* The file name is <hash>.txt in the probe folder: split it back. */
    char *slash = strrchr(path, '/');
    *slash = '\0';
    clmlp_err werr = {0};
    if (clmlp_write_file_atomic(path, slash + 1, write_probe, out, &werr) < 0)
        fprintf(stderr, "clmlp: warning: probe result not cached: %s\n", werr.msg);
    return 0;
}
