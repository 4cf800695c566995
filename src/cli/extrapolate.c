/* clmlp extrapolate CONFIG [--devices SPEC[,SPEC...]] [--set k=v ...] [--out DIR]
 * clmlp extrapolate [CONFIG] --from RUN_DIR[/report.json] [--set k=v ...] [--out DIR]
 * Measures per-image train and eval costs with a run of the experiment (on
 * the config's device unless --devices names others; a short run such as
 * --set training.epochs=1 is enough), or reads them from an earlier run's
 * report.json (CONFIG defaults to the config.yaml beside it), then prints
 * the extrapolation to extrapolate.train_images / test_images: the seed's
 * arithmetic with its units, hours, data size, reading time, devices and
 * cost per measured device and per device model. With --out, writes
 * extrapolate.md and compare.json there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clmlp/cli.h"
#include "clmlp/compare.h"
#include "clmlp/report.h"

/* The config's device section as a --devices spec. */
static void spec_of(const clmlp_device_spec *d, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "type=%s", clmlp_device_kind_name(d->type));
    if (d->platform[0] && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, ":platform=%s", d->platform);
    if (d->name[0] && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, ":name=%s", d->name);
    if (d->index >= 0 && n < cap)
        snprintf(buf + n, cap - n, ":index=%d", d->index);
}

static int write_md(FILE *out, const void *ctx) { return clmlp_compare_write_extrapolation_md(out, ctx, 1); }

/* --from RUN_DIR or RUN_DIR/report.json: the report's path, and the
 * config.yaml beside it for when no CONFIG is given. */
static int from_paths(const char *from, char *report, char *config, size_t cap, clmlp_err *err)
{
    struct stat st;
    if (stat(from, &st) != 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "extrapolate: --from '%s': %s", from, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        snprintf(report, cap, "%s/report.json", from);
        snprintf(config, cap, "%s/config.yaml", from);
        return 0;
    }
    snprintf(report, cap, "%s", from);
    const char *slash = strrchr(from, '/');
    snprintf(config, cap, "%.*sconfig.yaml", slash ? (int)(slash - from + 1) : 0, from);
    return 0;
}

/* A measurement: the run in --from, or a run on the devices now. */
static int measure(const clmlp_cli_args *args, const clmlp_config *cfg, const char *report, clmlp_compare *c,
                   clmlp_err *err)
{
    if (args->from) {
        if (args->devices)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "extrapolate: --from and --devices exclude each other");
        return clmlp_compare_from_report(cfg, report, c, err);
    }
    char own[CLMLP_DEVICE_LIST_MAX];
    spec_of(&cfg->device, own, sizeof own);
    const char *devices = args->devices ? args->devices : cfg->compare.devices[0] ? cfg->compare.devices : own;
    return clmlp_cli_compare_run(cfg, devices, c, err);
}

int clmlp_cmd_extrapolate(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    char report[CLMLP_PATH_MAX + 32] = "", config[CLMLP_PATH_MAX + 32] = "";
    if (clmlp_cli_parse(argc, argv, "extrapolate", "--devices --from --set --out", false, &args, &err) < 0 ||
        (args.from && from_paths(args.from, report, config, CLMLP_PATH_MAX, &err) < 0))
        return clmlp_cli_report_error(&err);
    if (!args.config_path && !args.from) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE,
                   "extrapolate: missing CONFIG (e.g. clmlp extrapolate configs/seed-mlp.yaml, or --from RUN_DIR)");
        return clmlp_cli_report_error(&err);
    }
    if (!args.config_path)
        args.config_path = config;
    if (clmlp_cli_load_config(&args, &cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    /* --out is made ready before the measurement, so a bad one costs nothing. */
    clmlp_run_dir rd;
    if (args.out_dir && clmlp_run_dir_prepare(&cfg, args.out_dir, CLMLP_RUN_DIR_NEW, &rd, &err) < 0)
        return clmlp_cli_report_error(&err);
    clmlp_compare *c = clmlp_calloc(1, sizeof *c, &err);
    int rc = 0;
    if (!c || measure(&args, &cfg, report, c, &err) < 0) {
        if (args.out_dir)
            clmlp_run_dir_abandon(&rd);
        rc = clmlp_cli_report_error(&err);
    } else if (args.out_dir && clmlp_cli_write_compare(&rd, c, "extrapolate.md", write_md, false, &err) < 0) {
        rc = clmlp_cli_report_error(&err);
    } else {
        printf("\n");
        clmlp_compare_write_extrapolation_md(stdout, c, 1);
        if (args.out_dir)
            printf("extrapolate: %s/extrapolate.md, %s/compare.json\n", rd.path, rd.path);
    }
    if (c)
        clmlp_compare_free(c);
    free(c);
    return rc;
}
