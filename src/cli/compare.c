/* clmlp compare CONFIG --devices SPEC[,SPEC...] [--set k=v ...] [--out DIR]
 * Runs the experiment on each device in rounds (compare.rounds), then
 * writes compare.json, compare.md (speedups with their spread, the chain
 * against the seed's factors, predicted vs measured, the extrapolation) and
 * compare.html (the same as pictures, from compare.json) and prints
 * compare.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/cli.h"
#include "clmlp/compare.h"
#include "clmlp/report.h"

static void on_run(void *user, const clmlp_compare *c, const clmlp_compare_progress *p)
{
    (void)user;
    const clmlp_run_result *res = p->result;
    if (!res) {
        printf("== round %d/%d, device %d/%d: %s ==\n", p->round + 1, p->rounds, p->device + 1, p->devices,
               c->runs[p->device].spec);
    } else {
        printf("   %s: %.3f s %s, %.0f train img/s, %.0f eval img/s, accuracy %.2f %%\n", res->device.name,
               res->kind == CLMLP_MODEL_SVM ? res->train_seconds : res->train_seconds_per_epoch,
               res->kind == CLMLP_MODEL_SVM ? "to train" : "per epoch", res->train_images_per_second,
               res->eval_images_per_second, 100.0 * res->accuracy);
    }
    fflush(stdout);
}

static void on_epoch(void *user, int epoch, int epochs, const clmlp_epoch_stats *st)
{
    (void)user;
    printf("   epoch %d/%d  loss %.6g  %.2f s\n", epoch + 1, epochs, st->loss, st->seconds);
    fflush(stdout);
}

int clmlp_cli_compare_run(const clmlp_config *cfg, const char *devices, clmlp_compare *c, clmlp_err *err)
{
    if (clmlp_compare_prepare(cfg, devices, c, err) < 0)
        return -1;
    clmlp_run_hooks hooks = {.user = c, .on_epoch = on_epoch};
    return clmlp_compare_run_all(c, &hooks, on_run, err);
}

static int write_md(FILE *out, const void *ctx) { return clmlp_compare_write_md(out, ctx); }

/* compare.html is drawn from compare.json's text, parsed as any reader
 * would: the page shows what the file holds. */
static int write_html(const clmlp_run_dir *rd, const clmlp_text *t, clmlp_err *err)
{
    clmlp_jv *tree = NULL;
    if (clmlp_json_parse(t->text, t->len, &tree, err) < 0)
        return clmlp_fail_prefix(err, "compare.json: ");
    int rc = clmlp_run_dir_write(rd, "compare.html", clmlp_compare_write_html, tree, err);
    clmlp_jv_free(tree);
    return rc;
}

int clmlp_cli_write_compare(const clmlp_run_dir *rd, const clmlp_compare *c, const char *md_name,
                            int (*md)(FILE *out, const void *c), bool html, clmlp_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory writing compare.json");
    int rc = clmlp_compare_write_json(mem, c);
    if (fclose(mem) != 0 || rc != 0) {
        free(text);
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory writing compare.json");
    }
    clmlp_text t = {text, len};
    rc = clmlp_run_dir_write(rd, "compare.json", clmlp_write_text, &t, err) < 0 ||
                 clmlp_run_dir_write(rd, md_name, md, c, err) < 0 || (html && write_html(rd, &t, err) < 0) ||
                 clmlp_run_dir_complete(rd, err) < 0
             ? -1
             : 0;
    free(text);
    return rc;
}

int clmlp_cmd_compare(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    if (clmlp_cli_parse(argc, argv, "compare", "--devices --set --out", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    /* The directory is named compare-<name>-<timestamp> unless --out names
     * it; it is made ready before the rounds, so a bad one costs nothing. */
    clmlp_run_dir rd;
    if (clmlp_cli_prepare_out_dir(&cfg, "compare", args.out_dir, &rd, &err) < 0)
        return clmlp_cli_report_error(&err);
    clmlp_compare *c = clmlp_calloc(1, sizeof *c, &err);
    int rc = 0;
    if (!c || clmlp_cli_compare_run(&cfg, args.devices, c, &err) < 0) {
        clmlp_run_dir_abandon(&rd);
        rc = clmlp_cli_report_error(&err);
    } else if (clmlp_cli_write_compare(&rd, c, "compare.md", write_md, true, &err) < 0) {
        rc = clmlp_cli_report_error(&err);
    } else {
        printf("\n");
        clmlp_compare_write_md(stdout, c);
        printf("compare: %s/compare.md, %s/compare.html, %s/compare.json\n", rd.path, rd.path, rd.path);
    }
    if (c)
        clmlp_compare_free(c);
    free(c);
    return rc;
}
