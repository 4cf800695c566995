/* Reading OpenCL profiling timestamps (the queue is created with
 * CL_QUEUE_PROFILING_ENABLE, see open.c). */
#include "clmlp/device.h"

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
