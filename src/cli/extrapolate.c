/* clmlp extrapolate CONFIG [--devices SPEC[,SPEC...]] [--set k=v ...] [--out DIR]
 * Measures per-image train and eval costs with a run of the experiment (on
 * the config's device unless --devices names others; a short run such as
 * --set training.epochs=1 is enough), then prints the extrapolation to
 * extrapolate.train_images / test_images: the seed's arithmetic with its
 * units, hours, data size, reading time, devices and cost per measured
 * device and per device model. With --out, writes extrapolate.md and
 * compare.json there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static int write_json(FILE *out, const void *ctx) { return clmlp_compare_write_json(out, ctx); }

int clmlp_cmd_extrapolate(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    if (clmlp_cli_parse(argc, argv, "extrapolate", "--devices --set --out", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    char own[CLMLP_DEVICE_LIST_MAX];
    spec_of(&cfg.device, own, sizeof own);
    const char *devices = args.devices ? args.devices : cfg.compare.devices[0] ? cfg.compare.devices : own;
    clmlp_compare *c = clmlp_calloc(1, sizeof *c, &err);
    if (!c)
        return clmlp_cli_report_error(&err);
    int rc = 0;
    char dir[CLMLP_PATH_MAX];
    if (clmlp_cli_compare_run(&cfg, devices, c, &err) < 0 ||
        (args.out_dir && (clmlp_run_dir_create(&cfg, args.out_dir, dir, sizeof dir, &err) < 0 ||
                          clmlp_write_file_atomic(dir, "compare.json", write_json, c, &err) < 0 ||
                          clmlp_write_file_atomic(dir, "extrapolate.md", write_md, c, &err) < 0))) {
        rc = clmlp_cli_report_error(&err);
    } else {
        printf("\n");
        clmlp_compare_write_extrapolation_md(stdout, c, 1);
        if (args.out_dir)
            printf("extrapolate: %s/extrapolate.md, %s/compare.json\n", dir, dir);
    }
    clmlp_compare_free(c);
    free(c);
    return rc;
}
