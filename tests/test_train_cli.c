/* `clmlp compile` and `clmlp train` as a user runs them. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "harness.h"

static void compile_dump_prints_the_plan(void)
{
    static char out[200000];
    int rc = test_run_clmlp("compile configs/seed-mlp.yaml --set model.input=784 --dump", out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "== training step: batch 100, fused");
    CHECK_CONTAINS(out, "launches: 18,");
    CHECK_CONTAINS(out, "matmul+bias_add+relu");
    CHECK_CONTAINS(out, "adam_multi");
    CHECK_CONTAINS(out, "== evaluation batch: batch 1000");
    CHECK_CONTAINS(out, "static device peak");
    rc = test_run_clmlp("compile configs/seed-mlp.yaml --set model.input=784 --set compiler.fuse=false", out,
                        sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "training step      37 launches");
}

static void train_writes_report_json(void)
{
    static char out[200000];
    char args[2048], dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    snprintf(args, sizeof args, "train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir);
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "epoch   1/1  loss");
    CHECK_CONTAINS(out, "test accuracy:");
    CHECK_CONTAINS(out, "confusion matrix");
    char path[1200];
    snprintf(path, sizeof path, "%s/report.json", dir);
    char *json = test_read_file(path, NULL);
    CHECK(json != NULL);
    if (json) {
        CHECK_CONTAINS(json, "\"device\": {\n    \"index\":");
        CHECK_CONTAINS(json, "\"accuracy\":");
        CHECK_CONTAINS(json, "\"epochs\": [");
        CHECK_CONTAINS(json, "\"device_plan_bytes\":");
        CHECK_CONTAINS(json, "\"launches_per_step\": 10,");
    }
    free(json);
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    char *yaml = test_read_file(path, NULL);
    CHECK(yaml != NULL);
    free(yaml);
}

static void train_with_missing_data_fails_cleanly(void)
{
    static char out[8192];
    char args[2048], dir[1024];
    snprintf(dir, sizeof dir, "%s/never", test_tmpdir());
    snprintf(args, sizeof args,
             "train configs/tiny-mnist.yaml --set data.train.images=/nonexistent/x.gz --out '%s'", dir);
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 3);
    CHECK_CONTAINS(out, "clmlp: ");
    CHECK_CONTAINS(out, "/nonexistent/x.gz");
    CHECK(strchr(out, '\n') == out + strlen(out) - 1); /* exactly one line */
    struct stat st;
    CHECK(stat(dir, &st) != 0); /* no run directory left behind */
}

const test_case train_cli_tests[] = {
    {"compile_dump_prints_the_plan", compile_dump_prints_the_plan, false},
    {"train_writes_report_json", train_writes_report_json, true},
    {"train_with_missing_data_fails_cleanly", train_with_missing_data_fails_cleanly, true},
    {NULL, NULL, false},
};
