/* clmlp sweep CONFIG --over KEY=V1,V2,... [--set k=v ...] [--out DIR]
 * Checks a config per value before any run, runs them in order with a line
 * each, then writes sweep.json, sweep.md and sweep.svg (the fitted laws and
 * the extrapolation) and prints sweep.md. A run that fails stops the sweep:
 * nothing is written (the folder made for it goes), and the error names the
 * value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/cli.h"
#include "clmlp/report.h"
#include "clmlp/sweep.h"

static void on_point(void *user, const clmlp_sweep *s, int i)
{
    (void)user;
    const clmlp_sweep_point *p = &s->points[i];
    char acc[48];
    if (isnan(p->accuracy))
        snprintf(acc, sizeof acc, "no accuracy (unlabeled test set)");
    else
        snprintf(acc, sizeof acc, "accuracy %.2f %%", 100.0 * p->accuracy);
    char passes[48];
    if (s->kind == CLMLP_MODEL_SVM) /* one training, no epochs */
        snprintf(passes, sizeof passes, "one training");
    else
        snprintf(passes, sizeof passes, "%d epoch%s", p->epochs, p->epochs == 1 ? "" : "s");
    printf("[%d/%d] %s=%s: %lld images x %s, train %.3f s (%.0f img/s), eval %.3f s, %s, host peak %.1f MiB, "
           "device %.1f MiB\n",
           i + 1, s->n, s->key, p->value, (long long)p->train_count, passes,
           p->train_seconds, p->train_images_per_second, p->eval_seconds, acc, p->host_peak_bytes / 1048576.0,
           p->device_alloc_bytes / 1048576.0);
    fflush(stdout);
}

static int write_outputs(const clmlp_run_dir *rd, const clmlp_sweep *s, clmlp_err *err)
{
    return clmlp_run_dir_write(rd, "sweep.json", clmlp_sweep_write_json, s, err) < 0 ||
                   clmlp_run_dir_write(rd, "sweep.md", clmlp_sweep_write_md, s, err) < 0 ||
                   clmlp_run_dir_write(rd, "sweep.svg", clmlp_sweep_write_svg, s, err) < 0 ||
                   clmlp_run_dir_complete(rd, err) < 0
               ? -1
               : 0;
}

int clmlp_cmd_sweep(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    if (clmlp_cli_parse(argc, argv, "sweep", "--over --set --out", true, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    clmlp_sweep *s = clmlp_calloc(1, sizeof *s, &err);
    if (!s)
        return clmlp_cli_report_error(&err);
    int rc = 0;
    clmlp_run_dir rd;
    /* Every value's config is checked, and the folder made ready, before the first run. */
    if (clmlp_sweep_prepare(args.config_path, args.overrides, args.n_overrides, args.over, s, &err) < 0 ||
        clmlp_cli_prepare_out_dir(&s->configs[0], "sweep", args.out_dir, &rd, &err) < 0) {
        rc = clmlp_cli_report_error(&err);
    } else {
        printf("sweep: %d runs of %s over %s\n", s->n, s->name, s->key);
        fflush(stdout);
        if (clmlp_sweep_run(s, on_point, NULL, &err) < 0) {
            clmlp_run_dir_abandon(&rd);
            rc = clmlp_cli_report_error(&err);
        } else {
            clmlp_sweep_analyze(s);
            if (write_outputs(&rd, s, &err) < 0) {
                rc = clmlp_cli_report_error(&err);
            } else {
                printf("\n");
                clmlp_sweep_write_md(stdout, s);
                printf("\nsweep: %s/sweep.md, %s/sweep.svg, %s/sweep.json\n", rd.path, rd.path, rd.path);
            }
        }
    }
    clmlp_sweep_free(s);
    free(s);
    return rc;
}
