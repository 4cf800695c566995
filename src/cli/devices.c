/* clmlp devices [--json] [--probe]: what OpenCL sees, how to pick one of
 * it, and (--probe) the roofs each device reaches: GEMM GFLOP/s, bandwidth
 * per working-set size and launch cost, each with its spread, cached for
 * run reports (--force measures again). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clmlp/cli.h"
#include "clmlp/device.h"
#include "clmlp/json.h"
#include "clmlp/probe.h"
#include "clmlp/report.h"
#include "clmlp/tune.h"

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

static int probe_one(const clmlp_device_desc *desc, bool force, clmlp_probe *out, clmlp_err *err)
{
    clmlp_device dev = {0};
    if (clmlp_device_open(desc, &dev, err) < 0)
        return -1;
    /* Asked for by name: --force tries every tile the autotuner knows. */
    clmlp_probe_options opt = {.force = force, .tiles = force ? CLMLP_TUNE_MAX_CANDIDATES : 0};
    int rc = clmlp_probe_device(&dev, &opt, out, err);
    clmlp_device_close(&dev);
    return rc < 0 ? clmlp_fail_prefix(err, "probing device %d (%s): ", desc->index, desc->name) : 0;
}

static void print_spread(const char *what, const clmlp_spread *s, const char *unit, const char *note)
{
    printf("    %-26s %9.1f %-7s median %.1f, range %.1f-%.1f over %d runs%s%s\n", what, s->best, unit, s->median,
           s->min, s->max, s->n, note[0] ? "; " : "", note);
}

static void print_probe(const clmlp_device_desc *d, const clmlp_probe *p)
{
    char when[32] = "?", load[96] = "the host's load was not readable";
    time_t t = (time_t)p->measured_at;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    if (p->foreign_load >= 0)
        snprintf(load, sizeof load, "other work kept %.2f cores busy%s", p->foreign_load,
                 p->foreign_load > CLMLP_PROBE_MAX_FOREIGN_LOAD ? " (UNDER LOAD: the roofs may be low)" : "");
    printf("%2d  %s\n    measured %s%s in %.1f s, load average %.2f, %s\n", d->index, d->name, when,
           p->from_cache ? " (cached)" : "", p->seconds, p->loadavg, load);
    char note[192];
    snprintf(note, sizeof note, "%d^3, %s (best of %d tiles per form)", p->gemm_size, p->gemm_square_tile,
             p->gemm_tiles);
    print_spread("GEMM", &p->gemm_square, "GFLOP/s", note);
    for (int i = 0; i < p->n_levels; i++) {
        char what[64];
        double b = p->levels[i].bytes;
        if (b >= 1 << 20)
            snprintf(what, sizeof what, "bandwidth, %.0f MiB set", b / (1 << 20));
        else
            snprintf(what, sizeof what, "bandwidth, %.0f KiB set", b / 1024);
        print_spread(what, &p->levels[i].gbps, "GB/s", i + 1 == p->n_levels ? "DRAM" : "");
    }
    print_spread("launch", &p->launch, "us", "");
}

static int probe_all(const clmlp_device_desc *descs, int count, bool json, bool force, clmlp_err *err)
{
    clmlp_probe *probes = clmlp_calloc((size_t)count, sizeof *probes, err);
    if (!probes)
        return -1;
    for (int i = 0; i < count; i++) {
        if (probe_one(&descs[i], force, &probes[i], err) < 0) {
            free(probes);
            return -1;
        }
        if (!json)
            print_probe(&descs[i], &probes[i]);
    }
    if (json) {
        clmlp_json j;
        clmlp_json_init(&j, stdout);
        clmlp_json_begin_array(&j, NULL);
        for (int i = 0; i < count; i++) {
            clmlp_json_begin_object(&j, NULL);
            clmlp_device_write_json_fields(&j, &descs[i]);
            clmlp_report_write_probe(&j, "probe", &probes[i]);
            clmlp_json_end_object(&j);
        }
        clmlp_json_end_array(&j);
    } else {
        const char *cache = clmlp_cache_dir();
        if (cache)
            printf("\ncached in %s/probe (measured again when %d days old, taken under load, or shown too low by a "
                   "run;\n--force measures now with every tile); ",
                   cache, CLMLP_PROBE_MAX_AGE_DAYS);
        else
            printf("\nnot cached (no cache directory: see the warning above); ");
        printf("run reports place each kernel under these roofs\n");
    }
    free(probes);
    return 0;
}

int clmlp_cmd_devices(int argc, char **argv)
{
    clmlp_cli_args args;
    clmlp_err err = {0};
    if (clmlp_cli_parse(argc, argv, "devices", "--json --probe --force", false, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (args.config_path) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE, "devices: unexpected argument '%s' (usage: clmlp devices [--json] [--probe [--force]])",
                   args.config_path);
        return clmlp_cli_report_error(&err);
    }
    if (args.force && !args.probe) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE, "devices: --force goes with --probe (clmlp devices --probe --force)");
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
        int rc = probe_all(descs, count, args.json, args.force, &err);
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
