/* Reading OpenCL profiling timestamps (the queue is created with
 * CL_QUEUE_PROFILING_ENABLE, see open.c). */
#include "clmlp/device.h"

#include <stdio.h>

int clmlp_event_times(cl_event ev, cl_ulong t[4], clmlp_err *err)
{
    static const cl_profiling_info info[4] = {CL_PROFILING_COMMAND_QUEUED, CL_PROFILING_COMMAND_SUBMIT,
                                              CL_PROFILING_COMMAND_START, CL_PROFILING_COMMAND_END};
    for (int i = 0; i < 4; i++)
        if (clmlp_cl_check(clGetEventProfilingInfo(ev, info[i], sizeof t[i], &t[i], NULL),
                           "clGetEventProfilingInfo", err) < 0)
            return -1;
    return 0;
}

int clmlp_event_span(cl_event ev, cl_ulong *start, cl_ulong *end, clmlp_err *err)
{
    if (clmlp_cl_check(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof *start, start, NULL),
                       "clGetEventProfilingInfo", err) < 0 ||
        clmlp_cl_check(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof *end, end, NULL),
                       "clGetEventProfilingInfo", err) < 0)
        return -1;
    return 0;
}

int clmlp_event_seconds(cl_event ev, double *seconds, clmlp_err *err)
{
    cl_ulong start, end;
    if (clmlp_event_span(ev, &start, &end, err) < 0)
        return -1;
    *seconds = end > start ? (double)(end - start) * 1e-9 : 0.0;
    return 0;
}

int clmlp_event_timestamps_real(clmlp_device *dev, bool *real, char *why, size_t cap, clmlp_err *err)
{
    enum { BYTES = 4 << 20 };
    *real = false;
    why[0] = '\0';
    cl_int rc = CL_SUCCESS;
    cl_mem m = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, BYTES, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer(timestamp check)", err) < 0)
        return -1;
    const float zero = 0;
    cl_event ev = NULL;
    cl_ulong t[4] = {0};
    double begin = clmlp_now();
    rc = clmlp_cl_check(clEnqueueFillBuffer(dev->queue, m, &zero, sizeof zero, 0, BYTES, 0, NULL, &ev),
                        "clEnqueueFillBuffer(timestamp check)", err);
    if (rc == 0)
        rc = clmlp_cl_check(clWaitForEvents(1, &ev), "clWaitForEvents(timestamp check)", err);
    double host_ns = (clmlp_now() - begin) * 1e9;
    if (rc == 0)
        rc = clmlp_event_times(ev, t, err);
    if (ev)
        clReleaseEvent(ev);
    clReleaseMemObject(m);
    if (rc < 0)
        return -1;
    double span = t[3] > t[2] ? (double)(t[3] - t[2]) : 0;
    if (!(t[0] > 0 && t[0] <= t[1] && t[1] <= t[2] && t[2] < t[3]))
        snprintf(why, cap, "queued/submit/start/end %llu/%llu/%llu/%llu ns are not ordered non-zero stamps",
                 (unsigned long long)t[0], (unsigned long long)t[1], (unsigned long long)t[2],
                 (unsigned long long)t[3]);
    else if (span < 20)
        snprintf(why, cap, "a 4 MiB fill spans %.0f ns", span);
    else if (span > host_ns + 1e6) /* 1 ms of slack for the host clock's reads */
        snprintf(why, cap, "a 4 MiB fill spans %.3f ms, longer than the %.3f ms the host waited", span * 1e-6,
                 host_ns * 1e-6);
    else
        *real = true;
    return 0;
}

int clmlp_timed_end(const clmlp_device *dev, cl_event ev, double begin, double *seconds, clmlp_err *err)
{
    *seconds = 0;
    if (clmlp_cl_check(clWaitForEvents(1, &ev), "clWaitForEvents", err) < 0)
        return -1;
    if (dev->desc.host_timed) {
        *seconds = clmlp_now() - begin;
        return 0;
    }
    return clmlp_event_seconds(ev, seconds, err);
}
