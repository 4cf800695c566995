/* `clmlp devices`: a compact clinfo-like table that fits 100 columns, and the
 * same descriptors as a JSON array for scripts. */
#include "clmlp/device.h"
#include "clmlp/json.h"

#include <inttypes.h>
#include <string.h>

enum { NAME_WIDTH = 32 };

/* Global memory in GiB (MiB when small), local memory always in KiB, so a
 * column compares at a glance. */
static void format_global(uint64_t bytes, char *out, size_t cap)
{
    const double mib = 1024.0 * 1024.0, gib = mib * 1024.0;
    if (bytes >= (uint64_t)gib)
        snprintf(out, cap, "%.1f GiB", (double)bytes / gib);
    else
        snprintf(out, cap, "%.0f MiB", (double)bytes / mib);
}

static void format_local(uint64_t bytes, char *out, size_t cap)
{
    snprintf(out, cap, "%" PRIu64 " KiB", bytes / 1024);
}

/* "OpenCL C 1.2 pocl" -> "1.2": the "CL C" column only needs the version. */
static void opencl_c_short(const char *full, char *out, size_t cap)
{
    static const char prefix[] = "OpenCL C ";
    const char *s = strncmp(full, prefix, sizeof prefix - 1) == 0 ? full + sizeof prefix - 1 : full;
    size_t n = strcspn(s, " ");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The type column is narrow; "accelerator" is the only long name. */
static const char *short_type(cl_device_type type)
{
    const char *t = clmlp_device_type_name(type);
    return strcmp(t, "accelerator") == 0 ? "accel" : t;
}

bool clmlp_device_lanes_are_work_items(const clmlp_device_desc *desc)
{
    return (desc->type & CL_DEVICE_TYPE_GPU) != 0 || desc->native_float == 1;
}

void clmlp_devices_print(FILE *out, const clmlp_device_desc *descs, int count)
{
    if (count <= 0) {
        fprintf(out, "no OpenCL devices found\n");
        return;
    }
    fprintf(out, "%2s  %-6s %-*s  %3s  %8s  %9s  %8s  %-4s  %s\n", "#", "type", NAME_WIDTH, "name", "CUs", "clock",
            "global", "local", "CL C", "driver");
    for (int i = 0; i < count; i++) {
        const clmlp_device_desc *d = &descs[i];
        /* Devices come grouped by platform; a header line per group keeps the
         * platform name out of every row. */
        if (i == 0 || d->platform_index != descs[i - 1].platform_index)
            fprintf(out, "platform %d: %s\n", d->platform_index, d->platform);
        char clock[32], global[32], local[32], clc[32];
        snprintf(clock, sizeof clock, "%u MHz", d->clock_mhz);
        format_global(d->global_mem, global, sizeof global);
        format_local(d->local_mem, local, sizeof local);
        opencl_c_short(d->opencl_c, clc, sizeof clc);
        const char *name = d->name;
        /* A long name gets a line of its own rather than being cut: users
         * select devices by substrings of it. */
        if (strlen(name) > NAME_WIDTH) {
            fprintf(out, "%2d  %-6s %s\n", d->index, short_type(d->type), name);
            fprintf(out, "%2s  %-6s %-*s", "", "", NAME_WIDTH, "");
        } else {
            fprintf(out, "%2d  %-6s %-*s", d->index, short_type(d->type), NAME_WIDTH, name);
        }
        fprintf(out, "  %3u  %8s  %9s  %8s  %-4s  %s\n", d->compute_units, clock, global, local, clc, d->driver);
    }
}

void clmlp_device_write_json_fields(clmlp_json *j, const clmlp_device_desc *d)
{
    clmlp_json_int(j, "index", d->index);
    clmlp_json_string(j, "platform", d->platform);
    clmlp_json_string(j, "name", d->name);
    clmlp_json_string(j, "vendor", d->vendor);
    clmlp_json_string(j, "type", clmlp_device_type_name(d->type));
    clmlp_json_int(j, "compute_units", d->compute_units);
    clmlp_json_int(j, "clock_mhz", d->clock_mhz);
    clmlp_json_int(j, "native_float_width", d->native_float);
    clmlp_json_bool(j, "local_mem_dedicated", d->local_mem_dedicated);
    clmlp_json_int(j, "global_mem_bytes", (int64_t)d->global_mem);
    clmlp_json_int(j, "local_mem_bytes", (int64_t)d->local_mem);
    clmlp_json_int(j, "max_alloc_bytes", (int64_t)d->max_alloc);
    clmlp_json_int(j, "max_work_group_size", (int64_t)d->max_work_group);
    clmlp_json_string(j, "version", d->version);
    clmlp_json_string(j, "opencl_c_version", d->opencl_c);
    clmlp_json_string(j, "driver_version", d->driver);
}

void clmlp_devices_print_json(FILE *out, const clmlp_device_desc *descs, int count)
{
    clmlp_json j;
    clmlp_json_init(&j, out);
    clmlp_json_begin_array(&j, NULL);
    for (int i = 0; i < count; i++) {
        clmlp_json_begin_object(&j, NULL);
        clmlp_device_write_json_fields(&j, &descs[i]);
        clmlp_json_end_object(&j);
    }
    clmlp_json_end_array(&j);
}
