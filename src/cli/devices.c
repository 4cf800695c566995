/* clmlp devices [--json] [--probe]: what OpenCL sees, how to pick one of
 * it, and (--probe) what each device measures at: SGEMM GFLOP/s, copy
 * bandwidth and launch cost, re-measured and cached for run reports. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/cli.h"
#include "clmlp/device.h"
#include "clmlp/json.h"
#include "clmlp/probe.h"

/* The leading word of a device name ("pthread" of "pthread-skylake-..."),
 * a substring short enough to type and usually enough to tell devices apart. */
static void name_hint(const char *name, char *out, size_t cap)
{
    size_t n = strcspn(name, " -_(");
    if (n == 0)
        n = strlen(name);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

static int probe_one(const clmlp_device_desc *desc, clmlp_probe *out, clmlp_err *err)
{
    clmlp_device dev = {0};
    if (clmlp_device_open(desc, &dev, err) < 0)
        return -1;
    int rc = clmlp_probe_device(&dev, false, out, err);
    clmlp_device_close(&dev);
    return rc < 0 ? clmlp_fail_prefix(err, "probing device %d (%s): ", desc->index, desc->name) : 0;
}

static int probe_all(const clmlp_device_desc *descs, int count, bool json, clmlp_err *err)
{
    clmlp_probe *probes = clmlp_calloc((size_t)count, sizeof *probes, err);
    if (!probes)
        return -1;
    if (!json)
        printf(" #  name                              SGEMM GFLOP/s  (size)   copy GB/s  launch us\n");
    for (int i = 0; i < count; i++) {
        if (probe_one(&descs[i], &probes[i], err) < 0) {
            free(probes);
            return -1;
        }
        if (!json)
            printf("%2d  %-32.32s  %13.1f  (%4d^3)  %9.2f  %9.1f\n", descs[i].index, descs[i].name,
                   probes[i].gemm_gflops, probes[i].gemm_size, probes[i].copy_gbps, probes[i].launch_us);
    }
    if (json) {
        clmlp_json j;
        clmlp_json_init(&j, stdout);
        clmlp_json_begin_array(&j, NULL);
        for (int i = 0; i < count; i++) {
            clmlp_json_begin_object(&j, NULL);
            clmlp_device_write_json_fields(&j, &descs[i]);
            clmlp_json_begin_object(&j, "probe");
            clmlp_json_number(&j, "gemm_gflops", probes[i].gemm_gflops);
            clmlp_json_int(&j, "gemm_size", probes[i].gemm_size);
            clmlp_json_number(&j, "copy_gbps", probes[i].copy_gbps);
            clmlp_json_number(&j, "launch_us", probes[i].launch_us);
            clmlp_json_end_object(&j);
            clmlp_json_end_object(&j);
        }
        clmlp_json_end_array(&j);
    } else {
        printf("\ncached in %s/probe; run reports show kernels as %% of these figures\n", clmlp_cache_dir());
    }
    free(probes);
    return 0;
}

int clmlp_cmd_devices(int argc, char **argv)
{
    clmlp_cli_args args;
    clmlp_err err = {0};
    if (clmlp_cli_parse(argc, argv, "devices", "--json --probe", false, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (args.config_path) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE, "devices: unexpected argument '%s' (usage: clmlp devices [--json] [--probe])",
                   args.config_path);
        return clmlp_cli_report_error(&err);
    }
    clmlp_device_desc *descs = NULL;
    int count = 0;
    if (clmlp_devices_enumerate(&descs, &count, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (count == 0) {
        /* Selecting from nothing yields the install hint, kept in one place. */
        clmlp_device_spec any = {.type = CLMLP_DEVICE_ANY, .index = -1};
        clmlp_device_select(descs, count, &any, &err);
        free(descs);
        return clmlp_cli_report_error(&err);
    }
    if (args.probe) {
        int rc = probe_all(descs, count, args.json, &err);
        free(descs);
        return rc < 0 ? clmlp_cli_report_error(&err) : 0;
    }
    if (args.json) {
        clmlp_devices_print_json(stdout, descs, count);
    } else {
        clmlp_devices_print(stdout, descs, count);
        char hint[64];
        name_hint(descs[0].name, hint, sizeof hint);
        printf("\nselect one in a config:  device: {type: %s, name: %s}\n"
               "or on the command line:  --set device.name=%s\n",
               clmlp_device_type_name(descs[0].type), hint, hint);
    }
    free(descs);
    return 0;
}
