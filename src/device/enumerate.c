/* Every device of every OpenCL platform, copied into plain descriptors so
 * that selection, listing and reports never touch the OpenCL API. */
#include "clmlp/device.h"

#include <CL/cl_ext.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Some drivers pad names with spaces; trimming keeps tables and substring
 * matches predictable. */
static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t lead = strspn(s, " \t\r\n");
    if (lead)
        memmove(s, s + lead, n - lead + 1);
}

/* The object a string query reads: a platform, or a device when set. */
typedef struct {
    cl_platform_id platform;
    cl_device_id device;
} info_source;

static cl_int get_info(info_source src, cl_uint param, size_t size, void *value, size_t *size_ret)
{
    return src.device ? clGetDeviceInfo(src.device, param, size, value, size_ret)
                      : clGetPlatformInfo(src.platform, param, size, value, size_ret);
}

/* String queries: ask for the size first, since a fixed buffer that is too
 * small makes the call fail with CL_INVALID_VALUE; then truncate to dst. */
static int info_string(info_source src, cl_uint param, const char *what, char *dst, size_t cap, clmlp_err *err)
{
    size_t size = 0;
    if (clmlp_cl_check(get_info(src, param, 0, NULL, &size), what, err) < 0)
        return -1;
    char *buf = clmlp_calloc(size + 1, 1, err);
    if (!buf)
        return -1;
    int rc = clmlp_cl_check(get_info(src, param, size, buf, NULL), what, err);
    if (rc == 0) {
        clmlp_strlcpy(dst, buf, cap);
        trim(dst);
    }
    free(buf);
    return rc;
}

static int platform_string(cl_platform_id p, cl_platform_info param, const char *what, char *dst, size_t cap,
                           clmlp_err *err)
{
    return info_string((info_source){.platform = p}, param, what, dst, cap, err);
}

static int device_string(cl_device_id d, cl_device_info param, const char *what, char *dst, size_t cap,
                         clmlp_err *err)
{
    return info_string((info_source){.device = d}, param, what, dst, cap, err);
}

static int device_value(cl_device_id d, cl_device_info param, const char *what, void *dst, size_t size,
                        clmlp_err *err)
{
    return clmlp_cl_check(clGetDeviceInfo(d, param, size, dst, NULL), what, err);
}

static int describe(cl_platform_id p, int platform_index, cl_device_id d, clmlp_device_desc *out, clmlp_err *err)
{
    memset(out, 0, sizeof *out);
    out->platform_index = platform_index;
    out->platform_id = p;
    out->device_id = d;
    cl_uint units = 0, clock = 0, native_float = 0;
    cl_ulong global = 0, local = 0, max_alloc = 0;
    size_t max_wg = 0;
    cl_bool unified = CL_FALSE;
    cl_device_local_mem_type local_type = CL_GLOBAL;
    if (platform_string(p, CL_PLATFORM_NAME, "clGetPlatformInfo(CL_PLATFORM_NAME)", out->platform,
                        sizeof out->platform, err) < 0 ||
        device_string(d, CL_DEVICE_NAME, "clGetDeviceInfo(CL_DEVICE_NAME)", out->name, sizeof out->name, err) < 0 ||
        device_string(d, CL_DEVICE_VENDOR, "clGetDeviceInfo(CL_DEVICE_VENDOR)", out->vendor, sizeof out->vendor,
                      err) < 0 ||
        device_string(d, CL_DEVICE_VERSION, "clGetDeviceInfo(CL_DEVICE_VERSION)", out->version,
                      sizeof out->version, err) < 0 ||
        device_string(d, CL_DRIVER_VERSION, "clGetDeviceInfo(CL_DRIVER_VERSION)", out->driver, sizeof out->driver,
                      err) < 0 ||
        device_string(d, CL_DEVICE_OPENCL_C_VERSION, "clGetDeviceInfo(CL_DEVICE_OPENCL_C_VERSION)", out->opencl_c,
                      sizeof out->opencl_c, err) < 0 ||
        device_value(d, CL_DEVICE_TYPE, "clGetDeviceInfo(CL_DEVICE_TYPE)", &out->type, sizeof out->type, err) < 0 ||
        device_value(d, CL_DEVICE_MAX_COMPUTE_UNITS, "clGetDeviceInfo(CL_DEVICE_MAX_COMPUTE_UNITS)", &units,
                     sizeof units, err) < 0 ||
        device_value(d, CL_DEVICE_MAX_CLOCK_FREQUENCY, "clGetDeviceInfo(CL_DEVICE_MAX_CLOCK_FREQUENCY)", &clock,
                     sizeof clock, err) < 0 ||
        device_value(d, CL_DEVICE_GLOBAL_MEM_SIZE, "clGetDeviceInfo(CL_DEVICE_GLOBAL_MEM_SIZE)", &global,
                     sizeof global, err) < 0 ||
        device_value(d, CL_DEVICE_LOCAL_MEM_SIZE, "clGetDeviceInfo(CL_DEVICE_LOCAL_MEM_SIZE)", &local, sizeof local,
                     err) < 0 ||
        device_value(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, "clGetDeviceInfo(CL_DEVICE_MAX_MEM_ALLOC_SIZE)", &max_alloc,
                     sizeof max_alloc, err) < 0 ||
        device_value(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, "clGetDeviceInfo(CL_DEVICE_MAX_WORK_GROUP_SIZE)", &max_wg,
                     sizeof max_wg, err) < 0 ||
        device_value(d, CL_DEVICE_HOST_UNIFIED_MEMORY, "clGetDeviceInfo(CL_DEVICE_HOST_UNIFIED_MEMORY)", &unified,
                     sizeof unified, err) < 0 ||
        device_value(d, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, "clGetDeviceInfo(CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT)",
                     &native_float, sizeof native_float, err) < 0 ||
        device_value(d, CL_DEVICE_LOCAL_MEM_TYPE, "clGetDeviceInfo(CL_DEVICE_LOCAL_MEM_TYPE)", &local_type,
                     sizeof local_type, err) < 0)
        return -1;
    out->local_mem_dedicated = local_type == CL_LOCAL;
    out->native_float = native_float;
    out->host_unified = unified == CL_TRUE;
    out->compute_units = units;
    out->clock_mhz = clock;
    out->global_mem = global;
    out->local_mem = local;
    out->max_alloc = max_alloc;
    out->max_work_group = max_wg;
    return 0;
}

/* Devices of one platform appended to *all (grown with realloc). A platform
 * without devices answers CL_DEVICE_NOT_FOUND, which is not an error. */
static int enumerate_platform(cl_platform_id p, int platform_index, clmlp_device_desc **all, int *count,
                              clmlp_err *err)
{
    cl_uint n = 0;
    cl_int rc = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, NULL, &n);
    if (rc == CL_DEVICE_NOT_FOUND || (rc == CL_SUCCESS && n == 0))
        return 0;
    if (clmlp_cl_check(rc, "clGetDeviceIDs", err) < 0)
        return -1;
    cl_device_id *ids = clmlp_calloc(n, sizeof *ids, err);
    if (!ids)
        return -1;
    clmlp_device_desc *grown = realloc(*all, (size_t)(*count + (int)n) * sizeof **all);
    if (!grown) {
        free(ids);
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory listing OpenCL devices");
    }
    *all = grown;
    if (clmlp_cl_check(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n, ids, NULL), "clGetDeviceIDs", err) < 0) {
        free(ids);
        return -1;
    }
    for (cl_uint i = 0; i < n; i++) {
        clmlp_device_desc *d = &(*all)[*count];
        if (describe(p, platform_index, ids[i], d, err) < 0) {
            free(ids);
            return -1;
        }
        d->index = (*count)++;
    }
    free(ids);
    return 0;
}

int clmlp_devices_enumerate(clmlp_device_desc **out, int *count, clmlp_err *err)
{
    *out = NULL;
    *count = 0;
    cl_uint np = 0;
    cl_int rc = clGetPlatformIDs(0, NULL, &np);
    /* The ICD loader reports "no driver installed" as PLATFORM_NOT_FOUND. */
    if (rc == CL_PLATFORM_NOT_FOUND_KHR || (rc == CL_SUCCESS && np == 0))
        return 0;
    if (clmlp_cl_check(rc, "clGetPlatformIDs", err) < 0)
        return -1;
    cl_platform_id *platforms = clmlp_calloc(np, sizeof *platforms, err);
    if (!platforms)
        return -1;
    clmlp_device_desc *all = NULL;
    int n = 0;
    if (clmlp_cl_check(clGetPlatformIDs(np, platforms, NULL), "clGetPlatformIDs", err) < 0)
        goto fail;
    for (cl_uint p = 0; p < np; p++)
        if (enumerate_platform(platforms[p], (int)p, &all, &n, err) < 0)
            goto fail;
    free(platforms);
    *out = all;
    *count = n;
    return 0;
fail:
    free(platforms);
    free(all);
    return -1;
}
