/* `clmlp compile` and `clmlp train` as a user runs them, and what a run
 * leaves behind when its output folder is bad, its disk fills, it is
 * killed mid-write (tests/fault_shim.c), or its training diverges. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/config.h"
#include "clmlp/json_parse.h"
#include "harness.h"

static char got[400000]; /* the last run's stdout and stderr */

/* Runs clmlp with printf-formatted arguments into `out`; returns its exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return test_run_clmlp(args, got, sizeof got);
}

static bool one_line(const char *text) { return strchr(text, '\n') == text + strlen(text) - 1; }

/* Lines that are errors ("clmlp: " but not a warning or the probe's progress). */
static int error_lines(const char *text)
{
    int n = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        n += strncmp(l, "clmlp: ", 7) == 0 && strncmp(l, "clmlp: warning:", 15) != 0 &&
             strncmp(l, "clmlp: measuring", 16) != 0;
    return n;
}

static bool exists(const char *dir, const char *name)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static clmlp_jv *parse_json_file(const char *path)
{
    size_t len = 0;
    char *text = test_read_file(path, &len);
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (text && clmlp_json_parse(text, len, &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s does not parse: %s", path, err.msg);
    free(text);
    return v;
}

/* The run's report.json, parsed (NULL and a failed check when absent). */
static clmlp_jv *report_of(const char *dir)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/report.json", dir);
    clmlp_jv *v = parse_json_file(path);
    if (!v)
        test_fail(__FILE__, __LINE__, "%s is missing or damaged", path);
    return v;
}

/* Nothing half-written: no temporary file, and every file whole (JSON
 * parses, config.yaml loads, report.md ends with its last line). */
static void check_whole(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        const char *ext = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.')
            continue;
        if (strstr(e->d_name, ".tmp.")) {
            test_fail(__FILE__, __LINE__, "%s survived", path);
        } else if (ext && strcmp(ext, ".json") == 0) {
            clmlp_jv *v = parse_json_file(path);
            CHECK(v != NULL);
            clmlp_jv_free(v);
        } else if (strcmp(e->d_name, "config.yaml") == 0) {
            clmlp_config cfg;
            clmlp_err err = {0};
            if (clmlp_config_load(path, NULL, 0, &cfg, &err) < 0)
                test_fail(__FILE__, __LINE__, "%s does not load: %s", path, err.msg);
        } else if (strcmp(e->d_name, "report.md") == 0) {
            char *md = test_read_file(path, NULL);
            CHECK_CONTAINS(md, "config.yaml (the effective config).\n");
            free(md);
        } else if (strcmp(e->d_name, "INCOMPLETE") != 0) {
            test_fail(__FILE__, __LINE__, "unexpected file %s", path);
        }
    }
    closedir(d);
}

/* A tmpfs at dir (root): read-only, or of `size`. False, with a note, where mounting is not allowed. */
static bool mount_tmpfs(const char *dir, bool read_only, const char *size)
{
    mkdir(dir, 0755);
    if (mount("tmpfs", dir, "tmpfs", read_only ? MS_RDONLY : 0, size) == 0)
        return true;
    fprintf(stderr, "    note: cannot mount a tmpfs here (%s): this part is not checked\n", strerror(errno));
    return false;
}

static void compile_dump_prints_the_plan(void)
{
    static char out[200000];
    int rc = test_run_clmlp("compile configs/seed-mlp.yaml --set model.input=784 --dump", out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "== training step: batch 100, fused");
    CHECK_CONTAINS(out, "launches: 14,");
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
        CHECK_CONTAINS(json, "\"launches_per_step\": 8,");
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

/* ---- the output folder is checked before any work (failure 4) ---- */

static void out_under_a_file_fails_before_training(void)
{
    test_mnist_dir();
    const char *file = test_write_file("plain", "x", 1);
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s/run'", file), 1);
    CHECK_CONTAINS(got, "Not a directory");
    CHECK(one_line(got)); /* nothing loaded, nothing trained */
    CHECK(strstr(got, "device:") == NULL);
    CHECK_INT(run("compare configs/tiny-mnist.yaml --devices cpu --out '%s/run'", file), 1);
    CHECK(one_line(got));
    CHECK_INT(run("extrapolate configs/tiny-mnist.yaml --out '%s/run'", file), 1);
    CHECK(one_line(got));
    CHECK_INT(run("train configs/tiny-mnist.yaml --out '%s'", file), 2);
    CHECK_CONTAINS(got, "is a file, not a folder");
}

static void out_on_a_read_only_mount_fails_before_training(void)
{
    char ro[1024];
    test_mnist_dir();
    snprintf(ro, sizeof ro, "%s/ro", test_tmpdir());
    if (!mount_tmpfs(ro, true, "size=64k"))
        return;
    /* a folder to create there, and the mount point itself (exists, cannot be written) */
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s/run'", ro), 1);
    CHECK_CONTAINS(got, "Read-only file system");
    CHECK(one_line(got));
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", ro), 1);
    CHECK_CONTAINS(got, "is not writable: ");
    CHECK_CONTAINS(got, "Read-only file system");
    CHECK(one_line(got));
    umount2(ro, MNT_DETACH);
}

static void out_holding_a_run_is_refused(void)
{
    char dir[1024], path[1200];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 0);
    CHECK(!exists(dir, "INCOMPLETE"));
    snprintf(path, sizeof path, "%s/report.json", dir);
    char *before = test_read_file(path, NULL);
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 2);
    CHECK_CONTAINS(got, "already holds a run (report.json)");
    CHECK(one_line(got));
    CHECK_INT(run("compare configs/tiny-mnist.yaml --devices cpu --out '%s'", dir), 2);
    CHECK(one_line(got));
    CHECK_INT(run("extrapolate --from '%s' --out '%s'", dir, dir), 2);
    CHECK(one_line(got));
    char *after = test_read_file(path, NULL);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);
    /* an empty folder is fine */
    snprintf(dir, sizeof dir, "%s/empty", test_tmpdir());
    mkdir(dir, 0755);
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 0);
}

/* A real full disk: a 64 KiB tmpfs takes report.json but not trace.json. */
static void disk_full_leaves_a_folder_clmlp_report_explains(void)
{
    char mnt[1024], dir[1100];
    test_mnist_dir();
    snprintf(mnt, sizeof mnt, "%s/small", test_tmpdir());
    if (!mount_tmpfs(mnt, false, "size=64k"))
        return;
    snprintf(dir, sizeof dir, "%s/run", mnt);
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 1);
    CHECK_INT(error_lines(got), 1);
    CHECK_CONTAINS(got, "trace.json' failed (disk full?)");
    CHECK(exists(dir, "INCOMPLETE") && exists(dir, "report.json") && !exists(dir, "trace.json"));
    check_whole(dir);
    CHECK_INT(run("report '%s'", dir), 3);
    CHECK(one_line(got));
    CHECK_CONTAINS(got, "is an incomplete run directory: writing trace.json failed: ");
    umount2(mnt, MNT_DETACH);
}

/* ---- fault injection: a run killed, or out of disk, at each output write ---- */

/* Runs tiny-mnist for one epoch into dir under the shim, striking at call `at`. */
static int faulty_run(const char *dir, const char *mode, int at)
{
    char n[16];
    snprintf(n, sizeof n, "%d", at);
    setenv("CLMLP_FAULT_DIR", dir, 1);
    setenv("CLMLP_FAULT_MODE", mode, 1);
    setenv("CLMLP_FAULT_AT", n, 1);
    setenv("LD_PRELOAD", CLMLP_FAULT_SHIM_PATH, 1);
    int rc = run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir);
    unsetenv("LD_PRELOAD");
    /* the shim's own line (where it struck) is not clmlp's output */
    char *line = strstr(got, "fault-shim: "), *end = line ? strchr(line, '\n') : NULL;
    if (end)
        memmove(line, end + 1, strlen(end + 1) + 1);
    return rc;
}

/* Runs at fault points 1, 2, ... until a run goes through (into *dir),
 * judging each struck run with check; returns how many points there were. */
static int each_fault_point(const char *mode, void (*check)(const char *dir, int at, int rc), char *dir, size_t cap)
{
    int at = 1;
    for (; at <= 40; at++) {
        snprintf(dir, cap, "%s/%s%d", test_tmpdir(), mode, at);
        int rc = faulty_run(dir, mode, at);
        if (rc == 0)
            break;
        check(dir, at, rc);
    }
    check_whole(dir);
    return at - 1;
}

static void check_killed(const char *dir, int at, int rc)
{
    (void)at;
    CHECK_INT(rc, 128 + 9);
    bool has_run = exists(dir, "config.yaml") || exists(dir, "report.json");
    CHECK(!has_run || exists(dir, "INCOMPLETE"));
    CHECK_INT(run("report '%s'", dir), 3);
    CHECK(one_line(got));
    if (exists(dir, "INCOMPLETE"))
        CHECK_CONTAINS(got, "is an incomplete run directory: the run (clmlp pid ");
    check_whole(dir);
    if (has_run) {
        CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 2);
        CHECK_CONTAINS(got, "already holds a run");
    }
}

/* Every fclose, rename and unlink that completes an output (the marker,
 * config.yaml, report.json, trace.json, report.md: 11 in all) is a point
 * where the run is killed once: what it leaves is whole or absent, and
 * `clmlp report` explains in one line, removing the dead run's temporary
 * files; the folder is not taken for a new run. */
static void killed_at_every_output_write_nothing_half_written_survives(void)
{
    char dir[1024];
    test_mnist_dir();
    CHECK(each_fault_point("kill", check_killed, dir, sizeof dir) >= 11);
    CHECK(!exists(dir, "INCOMPLETE"));
    CHECK_INT(run("report '%s'", dir), 0);
}

static void check_out_of_disk(const char *dir, int at, int rc)
{
    CHECK_INT(rc, 1);
    CHECK_INT(error_lines(got), 1);
    if (at <= 2) { /* the marker: the folder is refused before any work and removed */
        CHECK_CONTAINS(got, "is not writable: ");
        CHECK(one_line(got));
        CHECK(access(dir, F_OK) != 0);
        return;
    }
    CHECK(strstr(got, "failed (disk full?)") || strstr(got, "No space left on device"));
    check_whole(dir);
    CHECK_INT(run("report '%s'", dir), 3);
    CHECK(one_line(got));
    CHECK_CONTAINS(got, "is an incomplete run directory: writing ");
}

/* The same points (but unlink) failing with ENOSPC: one error line, and a
 * folder that is whole but marked, with the failed file named. */
static void out_of_disk_at_every_output_write_is_marked_and_explained(void)
{
    char dir[1024];
    test_mnist_dir();
    CHECK(each_fault_point("enospc", check_out_of_disk, dir, sizeof dir) >= 10);
    CHECK(!exists(dir, "INCOMPLETE"));
}

/* ---- a diverged run is no success, and leaves evidence (failure 5) ---- */

static void finite_garbage_is_diverged_and_kept(void)
{
    char dir[1024];
    test_mnist_dir();
    /* Adam at lr 10: a finite loss, and chance-level accuracy */
    snprintf(dir, sizeof dir, "%s/lr10", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=2 --set training.lr=10 --out '%s'", dir), 1);
    CHECK_CONTAINS(got, "clmlp: training diverged: test accuracy ");
    CHECK_CONTAINS(got, "is at chance level");
    CHECK_INT(error_lines(got), 1);
    clmlp_jv *r = report_of(dir);
    CHECK_CONTAINS(clmlp_jv_string(clmlp_jv_get(r, "status"), ""), "diverged: test accuracy ");
    const clmlp_jv *epochs = clmlp_jv_path(r, "train.epochs");
    CHECK(epochs && epochs->count == 2);
    CHECK(clmlp_jv_get(r, "kernels") && clmlp_jv_get(r, "kernels")->count > 0); /* the profile */
    clmlp_jv_free(r);
    char path[1200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "# clmlp run: tiny-mnist\n\n**Status: diverged**: test accuracy ");
    free(md);
    /* warn: exit 0, but said, and recorded */
    snprintf(dir, sizeof dir, "%s/warn", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=2 --set training.lr=10 "
                  "--set training.on_divergence=warn --out '%s'", dir),
              0);
    CHECK_CONTAINS(got, "clmlp: warning: training diverged: test accuracy ");
    r = report_of(dir);
    CHECK_CONTAINS(clmlp_jv_string(clmlp_jv_get(r, "status"), ""), "diverged: ");
    CHECK_CONTAINS(clmlp_jv_string(clmlp_jv_get(r, "status"), ""), "(training.on_divergence: warn)");
    clmlp_jv_free(r);
}

/* 14 layers at N(0, 100^2) on raw pixels overflow the logits: NaN in the first epoch. */
static void nan_names_its_tensors_and_keeps_the_run(void)
{
    char dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/nan", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=3 --set data.scale=false "
                  "--set model.hidden=[64,64,64,64,64,64,64,64,64,64,64,64,64,64] --set model.init=normal "
                  "--set model.init_stddev=100 --out '%s'", dir),
              1);
    CHECK_CONTAINS(got, "clmlp: training diverged: NaN/Inf in epoch 1: the loss, W0, ");
    CHECK_CONTAINS(got, "(training.on_nonfinite: stop)");
    CHECK(strstr(got, "epoch   2/3") == NULL); /* stopped after the first */
    clmlp_jv *r = report_of(dir);
    CHECK_CONTAINS(clmlp_jv_string(clmlp_jv_get(r, "status"), ""), "diverged: NaN/Inf in epoch 1: the loss, W0, ");
    const clmlp_jv *epochs = clmlp_jv_path(r, "train.epochs");
    const clmlp_jv *loss = epochs && epochs->count == 1 ? clmlp_jv_get(&epochs->items[0], "loss") : NULL;
    CHECK(loss && loss->kind == CLMLP_JV_NULL); /* NaN: JSON has no NaN */
    CHECK(clmlp_jv_path(r, "train.check_seconds") && clmlp_jv_path(r, "train.check_seconds")->number >= 0);
    clmlp_jv_free(r);
}

/* ---- the batch remainder is explicit (failure 6) ---- */

static void batch_remainder_is_noted_recorded_or_refused(void)
{
    char dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/b300", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --set training.batch_size=300 --out '%s'",
                  dir),
              0);
    CHECK_CONTAINS(got, "note:    200 of the 2000 training images are left out of every epoch: batch 300 does not "
                        "divide them");
    clmlp_jv *r = report_of(dir);
    CHECK_INT(clmlp_jv_number(clmlp_jv_path(r, "data.dropped_per_epoch"), -1), 200);
    clmlp_jv_free(r);
    snprintf(dir, sizeof dir, "%s/strict", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.batch_size=300 --set data.drop_last=false --out '%s'",
                  dir),
              2);
    CHECK_STR(got, "clmlp: training.batch_size 300 does not divide the 2000 training images: 200 would be left out "
                   "of every epoch (data.drop_last: false); choose a batch size that divides them, or "
                   "data.train.limit\n");
    CHECK(access(dir, F_OK) != 0); /* the folder made for it is gone again */
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --set data.drop_last=false --out '%s'", dir),
              0);
    CHECK(strstr(got, "note:") == NULL);
}

const test_case train_cli_tests[] = {
    {"compile_dump_prints_the_plan", compile_dump_prints_the_plan, false},
    {"train_writes_report_json", train_writes_report_json, true},
    {"train_with_missing_data_fails_cleanly", train_with_missing_data_fails_cleanly, true},
    {"out_under_a_file_fails_before_training", out_under_a_file_fails_before_training, true},
    {"out_on_a_read_only_mount_fails_before_training", out_on_a_read_only_mount_fails_before_training, true},
    {"out_holding_a_run_is_refused", out_holding_a_run_is_refused, true},
    {"disk_full_leaves_a_folder_clmlp_report_explains", disk_full_leaves_a_folder_clmlp_report_explains, true},
    {"killed_at_every_output_write_nothing_half_written_survives",
     killed_at_every_output_write_nothing_half_written_survives, true},
    {"out_of_disk_at_every_output_write_is_marked_and_explained",
     out_of_disk_at_every_output_write_is_marked_and_explained, true},
    {"finite_garbage_is_diverged_and_kept", finite_garbage_is_diverged_and_kept, true},
    {"nan_names_its_tensors_and_keeps_the_run", nan_names_its_tensors_and_keeps_the_run, true},
    {"batch_remainder_is_noted_recorded_or_refused", batch_remainder_is_noted_recorded_or_refused, true},
    {NULL, NULL, false},
};
