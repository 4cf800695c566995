/* Opening a device: one context and one in-order queue with profiling on,
 * since every launch's event feeds the profiler. */
#include "clmlp/device.h"

#include <stdlib.h>
#include <string.h>

int clmlp_device_open_spec(const clmlp_device_spec *spec, clmlp_device *dev, clmlp_err *err)
{
    clmlp_device_desc *descs = NULL;
    int count = 0;
    if (clmlp_devices_enumerate(&descs, &count, err) < 0)
        return -1;
    int pick = clmlp_device_select(descs, count, spec, err);
    int rc = pick < 0 ? -1 : clmlp_device_open(&descs[pick], dev, err);
    free(descs);
    return rc;
}

int clmlp_device_open(const clmlp_device_desc *desc, clmlp_device *dev, clmlp_err *err)
{
    memset(dev, 0, sizeof *dev);
    if (!desc->device_id || !desc->platform_id)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "device [%d] \"%s\" has no OpenCL handle (not from enumeration)",
                          desc->index, desc->name);
    dev->desc = *desc;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)desc->platform_id, 0};
    cl_int rc = CL_SUCCESS;
    dev->context = clCreateContext(props, 1, &desc->device_id, NULL, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateContext", err) < 0)
        goto fail;
    /* clCreateCommandQueue is the OpenCL 1.2 entry point (deprecated in 2.0,
     * still exported by every ICD), matching CL_TARGET_OPENCL_VERSION=120. */
    dev->queue = clCreateCommandQueue(dev->context, desc->device_id, CL_QUEUE_PROFILING_ENABLE, &rc);
    if (clmlp_cl_check(rc, "clCreateCommandQueue", err) < 0)
        goto fail;
    bool real = false;
    if (clmlp_event_timestamps_real(dev, &real, dev->desc.host_timed_why, sizeof dev->desc.host_timed_why, err) < 0)
        goto fail;
    dev->desc.host_timed = !real;
    return 0;
fail:
    clmlp_fail_prefix(err, "opening device [%d] \"%s\": ", desc->index, desc->name);
    clmlp_device_close(dev);
    return -1;
}

void clmlp_device_close(clmlp_device *dev)
{
    if (!dev)
        return;
    clmlp_device_save_programs(dev);
    clmlp_device_release_programs(dev);
    if (dev->queue)
        clReleaseCommandQueue(dev->queue);
    if (dev->context)
        clReleaseContext(dev->context);
    dev->queue = NULL;
    dev->context = NULL;
}

size_t clmlp_device_subbuffer_align(const clmlp_device *dev)
{
    cl_uint bits = 0;
    if (dev->desc.device_id &&
        clGetDeviceInfo(dev->desc.device_id, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof bits, &bits, NULL) == CL_SUCCESS &&
        bits / 8 > 256)
        return bits / 8;
    return 256;
}
