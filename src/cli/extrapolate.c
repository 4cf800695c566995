/* clmlp extrapolate CONFIG [--devices SPEC[,SPEC...]] [--set k=v ...] [--out DIR]
 * clmlp extrapolate [CONFIG] --from RUN_DIR[/report.json] [--set k=v ...] [--out DIR]
 *   [--interconnect LINK] [--link-gbps X] [--link-latency-us Y]
 * Measures per-image train and eval costs with a run of the experiment (on
 * the config's device unless --devices names others; a short run such as
 * --set training.epochs=1 is enough), or reads them from an earlier run's
 * report.json (CONFIG defaults to the config.yaml beside it), then prints
 * the extrapolation to extrapolate.train_images / test_images: the seed's
 * arithmetic with its units, hours, data size, reading time, devices and
 * cost per measured device and per device model, then the devices again
 * when every training step all-reduces the gradients over an interconnect
 * (--interconnect, --link-* stand for extrapolate.interconnect, link_gbps,
 * link_latency_us). With --out, writes extrapolate.md and compare.json there. */
#include <errno.h>
#include <math.h>
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

/* A number in [lo, hi], the whole text; false otherwise. */
static bool parse_amount(const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    return end != text && *end == '\0' && errno == 0 && isfinite(*out) && *out >= lo && *out <= hi;
}

/* --interconnect and --link-* as the extrapolate.* keys they stand for,
 * after the --set overrides so they win; each value is checked here, so an
 * error names the option. A custom link's figures alone choose it. */
static int link_overrides(clmlp_cli_args *args, char (*buf)[96], clmlp_err *err)
{
    const char *link = args->interconnect;
    double x;
    int n = 0;
    if (link) {
        bool known = false;
        for (int i = 0; i < CLMLP_LINK_COUNT && !known; i++)
            known = strcmp(link, clmlp_interconnect_name((clmlp_interconnect)i)) == 0;
        if (!known)
            return clmlp_fail(err, CLMLP_EXIT_USAGE,
                              "extrapolate: --interconnect '%s' is not one of auto, nvlink, infiniband, ethernet, "
                              "measured, custom, none", link);
    } else if (args->link_gbps || args->link_latency_us) {
        link = "custom";
    }
    if (args->link_gbps && !parse_amount(args->link_gbps, 1e-9, 1e6, &x))
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "extrapolate: --link-gbps '%s': expected GB/s per direction per device in (0, 1e6] "
                          "(bytes, not bits: 400 Gb/s = 50)", args->link_gbps);
    if (args->link_latency_us && !parse_amount(args->link_latency_us, 0, 1e6, &x))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "extrapolate: --link-latency-us '%s': expected microseconds in [0, 1e6]",
                          args->link_latency_us);
    if (link)
        snprintf(buf[n++], sizeof buf[0], "extrapolate.interconnect=%s", link);
    if (args->link_gbps)
        snprintf(buf[n++], sizeof buf[0], "extrapolate.link_gbps=%s", args->link_gbps);
    if (args->link_latency_us)
        snprintf(buf[n++], sizeof buf[0], "extrapolate.link_latency_us=%s", args->link_latency_us);
    if (args->n_overrides + n > CLMLP_MAX_OVERRIDES)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "extrapolate: at most %d --set options", CLMLP_MAX_OVERRIDES - n);
    for (int i = 0; i < n; i++)
        args->overrides[args->n_overrides++] = buf[i];
    return 0;
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
    char link_sets[3][96];
    if (clmlp_cli_parse(argc, argv, "extrapolate",
                        "--devices --from --set --out --interconnect --link-gbps --link-latency-us", false, &args,
                        &err) < 0 ||
        link_overrides(&args, link_sets, &err) < 0 ||
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
