/* `clmlp compile` and `clmlp train` as a user runs them, and what a run
 * leaves behind when its output folder is bad, its disk fills, it is
 * killed mid-write (tests/fault_shim.c), or its training diverges. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clmlp/config.h"
#include "clmlp/json_parse.h"
#include "clmlp/modelfile.h"
#include "harness.h"

static char got[400000]; /* the last run's stdout and stderr */

/* Runs clmlp with printf-formatted arguments into `got`; returns its exit status. */
#define run(...) test_run_clmlpf(got, sizeof got, __VA_ARGS__)

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
 * parses, config.yaml loads, report.md and report.html end with their last
 * lines). */
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
        } else if (ext && strcmp(ext, ".safetensors") == 0) {
            clmlp_st_file f;
            clmlp_err err = {0};
            if (clmlp_st_load(path, 1u << 30, &f, &err) < 0)
                test_fail(__FILE__, __LINE__, "%s does not load: %s", path, err.msg);
            else
                clmlp_st_free(&f);
        } else if (strcmp(e->d_name, "report.md") == 0) {
            char *md = test_read_file(path, NULL);
            CHECK_CONTAINS(md, "config.yaml (the effective config).\n");
            free(md);
        } else if (strcmp(e->d_name, "report.html") == 0) {
            char *html = test_read_file(path, NULL);
            CHECK(html && strlen(html) > 8 && strcmp(html + strlen(html) - 8, "</html>\n") == 0);
            free(html);
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
    CHECK(test_one_line(got)); /* nothing loaded, nothing trained */
    CHECK(strstr(got, "device:") == NULL);
    CHECK_INT(run("compare configs/tiny-mnist.yaml --devices cpu --out '%s/run'", file), 1);
    CHECK(test_one_line(got));
    CHECK_INT(run("extrapolate configs/tiny-mnist.yaml --out '%s/run'", file), 1);
    CHECK(test_one_line(got));
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
    CHECK(test_one_line(got));
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", ro), 1);
    CHECK_CONTAINS(got, "is not writable: ");
    CHECK_CONTAINS(got, "Read-only file system");
    CHECK(test_one_line(got));
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
    CHECK(test_one_line(got));
    CHECK_INT(run("compare configs/tiny-mnist.yaml --devices cpu --out '%s'", dir), 2);
    CHECK(test_one_line(got));
    CHECK_INT(run("extrapolate --from '%s' --out '%s'", dir, dir), 2);
    CHECK(test_one_line(got));
    char *after = test_read_file(path, NULL);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);
    /* an empty folder is fine */
    snprintf(dir, sizeof dir, "%s/empty", test_tmpdir());
    mkdir(dir, 0755);
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 0);
}

/* A real full disk: a 900 KiB tmpfs takes the checkpoint (607 KiB for
 * tiny-mnist's 784-64-10 with Adam), model.safetensors (199 KiB) and
 * report.json, but not trace.json. */
static void disk_full_leaves_a_folder_clmlp_report_explains(void)
{
    char mnt[1024], dir[1100];
    test_mnist_dir();
    snprintf(mnt, sizeof mnt, "%s/small", test_tmpdir());
    if (!mount_tmpfs(mnt, false, "size=900k"))
        return;
    snprintf(dir, sizeof dir, "%s/run", mnt);
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 1);
    CHECK_INT(error_lines(got), 1);
    CHECK_CONTAINS(got, "trace.json' failed (disk full?)");
    CHECK(exists(dir, "INCOMPLETE") && exists(dir, "report.json") && !exists(dir, "trace.json"));
    check_whole(dir);
    CHECK_INT(run("report '%s'", dir), 3);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "is an incomplete run directory: writing trace.json failed: ");
    umount2(mnt, MNT_DETACH);
}

/* ---- fault injection: a run killed, or out of disk, at each output write ---- */

/* Runs tiny-mnist (one epoch, unless extra says otherwise) into dir under the shim, striking at call `at`. */
static int faulty_run_with(const char *dir, const char *mode, int at, const char *extra)
{
    char n[16];
    snprintf(n, sizeof n, "%d", at);
    setenv("CLMLP_FAULT_DIR", dir, 1);
    setenv("CLMLP_FAULT_MODE", mode, 1);
    setenv("CLMLP_FAULT_AT", n, 1);
    setenv("LD_PRELOAD", CLMLP_FAULT_SHIM_PATH, 1);
    int rc = run("train configs/tiny-mnist.yaml --set training.epochs=1 %s --out '%s'", extra, dir);
    unsetenv("LD_PRELOAD");
    /* the shim's own line (where it struck) is not clmlp's output */
    char *line = strstr(got, "fault-shim: "), *end = line ? strchr(line, '\n') : NULL;
    if (end)
        memmove(line, end + 1, strlen(end + 1) + 1);
    return rc;
}

static int faulty_run(const char *dir, const char *mode, int at) { return faulty_run_with(dir, mode, at, ""); }

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
    CHECK(test_one_line(got));
    if (exists(dir, "INCOMPLETE"))
        CHECK_CONTAINS(got, "is an incomplete run directory: the run (clmlp pid ");
    check_whole(dir);
    if (has_run) {
        CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir), 2);
        CHECK_CONTAINS(got, "already holds a run");
    }
}

/* Every fclose, rename and unlink that completes an output (the marker,
 * config.yaml, report.json, trace.json, report.md, report.html: 13 in all) is a point
 * where the run is killed once: what it leaves is whole or absent, and
 * `clmlp report` explains in one line, removing the dead run's temporary
 * files; the folder is not taken for a new run. */
static void killed_at_every_output_write_nothing_half_written_survives(void)
{
    char dir[1024];
    test_mnist_dir();
    CHECK(each_fault_point("kill", check_killed, dir, sizeof dir) >= 13);
    CHECK(!exists(dir, "INCOMPLETE"));
    CHECK_INT(run("report '%s'", dir), 0);
}

static void check_out_of_disk(const char *dir, int at, int rc)
{
    CHECK_INT(rc, 1);
    CHECK_INT(error_lines(got), 1);
    if (at <= 2) { /* the marker: the folder is refused before any work and removed */
        CHECK_CONTAINS(got, "is not writable: ");
        CHECK(test_one_line(got));
        CHECK(access(dir, F_OK) != 0);
        return;
    }
    CHECK(strstr(got, "failed (disk full?)") || strstr(got, "No space left on device"));
    check_whole(dir);
    if (strstr(got, "/checkpoint.safetensors")) {
        /* an error that ends training: the run's outputs are written, with its status */
        CHECK_INT(run("report '%s'", dir), 0);
        clmlp_jv *r = report_of(dir);
        CHECK_CONTAINS(clmlp_jv_string(clmlp_jv_get(r, "status"), ""), "checkpoint.safetensors");
        clmlp_jv_free(r);
        return;
    }
    CHECK_INT(run("report '%s'", dir), 3);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "is an incomplete run directory: writing ");
}

/* The same points (but unlink) failing with ENOSPC: one error line, and a
 * folder that is whole but marked, with the failed file named. */
static void out_of_disk_at_every_output_write_is_marked_and_explained(void)
{
    char dir[1024];
    test_mnist_dir();
    CHECK(each_fault_point("enospc", check_out_of_disk, dir, sizeof dir) >= 12);
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


/* ---- model files, checkpoints, resume (issue 13) ---- */

/* A run's file, whole (NULL and a failed check when absent). */
static char *run_file(const char *dir, const char *name, size_t *len)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *bytes = test_read_file(path, len);
    if (!bytes)
        test_fail(__FILE__, __LINE__, "%s is missing", path);
    return bytes;
}

/* dir ended exactly as ref: model.safetensors byte for byte, every epoch's
 * loss (the checkpoints' exact doubles), Adam's state and step, the
 * accuracy and the confusion matrix. */
static void check_same_run(const char *ref, const char *dir)
{
    size_t a_len = 0, b_len = 0;
    char *a = run_file(ref, CLMLP_MODEL_FILE, &a_len), *b = run_file(dir, CLMLP_MODEL_FILE, &b_len);
    CHECK(a && b && a_len == b_len && memcmp(a, b, a_len) == 0);
    free(a);
    free(b);
    char pa[1400], pb[1400];
    snprintf(pa, sizeof pa, "%s/%s", ref, CLMLP_CHECKPOINT_FILE);
    snprintf(pb, sizeof pb, "%s/%s", dir, CLMLP_CHECKPOINT_FILE);
    clmlp_checkpoint ca, cb;
    clmlp_err err = {0};
    if (clmlp_checkpoint_load(pa, &ca, &err) < 0 || clmlp_checkpoint_load(pb, &cb, &err) < 0) {
        test_fail(__FILE__, __LINE__, "checkpoint: %s", err.msg);
        return;
    }
    CHECK_INT(ca.epochs_done, cb.epochs_done);
    CHECK_INT(ca.step, cb.step);
    CHECK(memcmp(ca.losses, cb.losses, (size_t)ca.epochs_done * sizeof *ca.losses) == 0);
    for (int p = 0; p < ca.model.n_params; p++)
        for (int k = 0; k < 2; k++)
            CHECK(memcmp(ca.state[p][k], cb.state[p][k], clmlp_model_param_count(&ca.model, p) * 4) == 0);
    CHECK(memcmp(ca.order, cb.order, (size_t)ca.order_count * 4) == 0);
    clmlp_checkpoint_free(&ca);
    clmlp_checkpoint_free(&cb);
    clmlp_jv *ra = report_of(ref), *rb = report_of(dir);
    CHECK_STR(clmlp_jv_string(clmlp_jv_get(rb, "status"), "?"), "ok");
    CHECK(clmlp_jv_number(clmlp_jv_path(ra, "eval.accuracy"), -1) ==
          clmlp_jv_number(clmlp_jv_path(rb, "eval.accuracy"), -2));
    const clmlp_jv *ea = clmlp_jv_path(ra, "train.epochs"), *eb = clmlp_jv_path(rb, "train.epochs");
    CHECK(ea && eb && ea->count == eb->count);
    for (size_t e = 0; ea && eb && e < ea->count && e < eb->count; e++)
        CHECK(clmlp_jv_number(clmlp_jv_get(&ea->items[e], "loss"), -1) ==
              clmlp_jv_number(clmlp_jv_get(&eb->items[e], "loss"), -2));
    const clmlp_jv *fa = clmlp_jv_path(ra, "eval.confusion"), *fb = clmlp_jv_path(rb, "eval.confusion");
    CHECK(fa && fb && fa->count == 10 && fb->count == 10);
    for (size_t t = 0; fa && fb && t < fa->count && t < fb->count; t++)
        for (size_t q = 0; q < fa->items[t].count && q < fb->items[t].count; q++)
            CHECK(fa->items[t].items[q].number == fb->items[t].items[q].number);
    clmlp_jv_free(ra);
    clmlp_jv_free(rb);
}

#define RESUME_RECIPE "--set training.epochs=3 --set profile.probe=false"

/* The shim kills the run at each of its output writes in turn (the marker,
 * config.yaml, each epoch's checkpoint, model.safetensors, the reports);
 * `train --resume` then ends exactly where the uninterrupted run ended. A
 * run killed before config.yaml is whole cannot be resumed, and says so. */
static void killed_at_every_write_and_resumed_ends_bit_identical(void)
{
    char ref[1024], dir[1024];
    test_mnist_dir();
    snprintf(ref, sizeof ref, "%s/ref", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml " RESUME_RECIPE " --out '%s'", ref), 0);
    int at = 1, resumed = 0, from_checkpoint = 0;
    for (; at <= 60; at++) {
        snprintf(dir, sizeof dir, "%s/kill%d", test_tmpdir(), at);
        int rc = faulty_run_with(dir, "kill", at, RESUME_RECIPE);
        if (rc == 0)
            break;
        CHECK_INT(rc, 128 + 9);
        if (!exists(dir, "config.yaml")) {
            CHECK_INT(run("train --resume '%s'", dir), 2);
            CHECK(test_one_line(got));
            CHECK(strstr(got, "has no config.yaml: it cannot be resumed") ||
                  strstr(got, "is not a run directory clmlp train made"));
            continue;
        }
        bool had_checkpoint = exists(dir, CLMLP_CHECKPOINT_FILE);
        rc = run("train --resume '%s'", dir);
        CHECK_INT(rc, 0);
        if (rc != 0) {
            fprintf(stderr, "    at %d: %s", at, got);
            continue;
        }
        CHECK_CONTAINS(got, had_checkpoint ? "resume:  " : "has no checkpoint yet: the run starts again");
        check_same_run(ref, dir);
        check_whole(dir);
        resumed++;
        from_checkpoint += had_checkpoint;
    }
    /* 21 points here: marker, config.yaml, 3 checkpoints, the model, the reports (2 calls each), the marker's unlink */
    CHECK(at > 20 && at <= 60);
    CHECK(from_checkpoint >= 13);
    CHECK_INT(resumed, at - 1 - 4); /* all but the marker's and config.yaml's fclose and rename */
    check_same_run(ref, dir); /* the run the shim let through is the same too */
}

/* A real SIGKILL from outside, after the first checkpoint appears, in the
 * middle of training (the full 60 000 training images, so epochs last). */
static void sigkill_after_a_checkpoint_then_resume_ends_bit_identical(void)
{
    char ref[1024], dir[1024], ck[1100];
    const char *mnist = test_mnist_dir();
    (void)mnist;
    const char *recipe = "--set training.epochs=4 --set data.train.limit=60000 --set profile.probe=false";
    snprintf(ref, sizeof ref, "%s/ref", test_tmpdir());
    snprintf(dir, sizeof dir, "%s/killed", test_tmpdir());
    snprintf(ck, sizeof ck, "%s/%s", dir, CLMLP_CHECKPOINT_FILE);
    CHECK_INT(run("train configs/tiny-mnist.yaml %s --out '%s'", recipe, ref), 0);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec '%s' train configs/tiny-mnist.yaml %s --out '%s' >/dev/null 2>&1", CLMLP_BIN_PATH,
             recipe, dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(test_source_root()) == 0)
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    bool killed = false;
    for (int i = 0; i < 60000 && !killed; i++) { /* up to 60 s */
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        if (access(ck, F_OK) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        }
        usleep(1000);
    }
    CHECK(killed); /* else the run ended before the kill: epochs too short to catch */
    CHECK(exists(dir, "INCOMPLETE") && !exists(dir, "report.json") && !exists(dir, CLMLP_MODEL_FILE));
    CHECK_INT(run("report '%s'", dir), 3);
    CHECK_CONTAINS(got, "is an incomplete run directory");
    CHECK_INT(run("train configs/tiny-mnist.yaml %s --out '%s'", recipe, dir), 2);
    CHECK_CONTAINS(got, "already holds a run");
    CHECK_INT(run("train --resume '%s'", dir), 0);
    CHECK_CONTAINS(got, "resume:  ");
    CHECK_CONTAINS(got, "epoch   4/4");
    check_same_run(ref, dir);
    CHECK(!exists(dir, "INCOMPLETE"));
}

/* SGD with momentum keeps one state tensor per parameter (sgd.velocity.<p>): killed writing its last checkpoint. */
static void sgd_run_resumes_bit_identical(void)
{
    char ref[1024], dir[1024];
    const char *recipe = RESUME_RECIPE " --set training.optimizer=sgd --set training.momentum=0.9 --set training.lr=0.05";
    test_mnist_dir();
    snprintf(ref, sizeof ref, "%s/ref", test_tmpdir());
    snprintf(dir, sizeof dir, "%s/killed", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml %s --out '%s'", recipe, ref), 0);
    CHECK_INT(faulty_run_with(dir, "kill", 9, recipe), 128 + 9); /* the third checkpoint's fclose */
    CHECK_INT(run("train --resume '%s'", dir), 0);
    CHECK_CONTAINS(got, "resume:  ");
    CHECK_CONTAINS(got, " after epoch 2 of 3\n");
    size_t a_len = 0, b_len = 0;
    char *a = run_file(ref, CLMLP_MODEL_FILE, &a_len), *b = run_file(dir, CLMLP_MODEL_FILE, &b_len);
    CHECK(a && b && a_len == b_len && memcmp(a, b, a_len) == 0);
    free(a);
    free(b);
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, CLMLP_CHECKPOINT_FILE);
    clmlp_st_file f;
    clmlp_err err = {0};
    CHECK_INT(clmlp_st_load(path, 1u << 30, &f, &err), 0);
    CHECK(clmlp_st_find(&f, "sgd.velocity.W0") && !clmlp_st_find(&f, "adam.m.W0"));
    CHECK_STR(clmlp_st_meta(&f, "checkpoint.optimizer") ? clmlp_st_meta(&f, "checkpoint.optimizer") : "", "sgd");
    clmlp_st_free(&f);
}

/* What --resume refuses, each in one line, leaving the folder as it was. */
static void resume_refuses_what_it_cannot_continue(void)
{
    char dir[1024], path[1200];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/done", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=2 --set profile.probe=false --out '%s'", dir), 0);
    CHECK_INT(run("train --resume '%s'", dir), 2);
    CHECK_STR(got + strlen(got) - strlen("nothing to resume\n"), "nothing to resume\n");
    CHECK_CONTAINS(got, "holds a finished run (no INCOMPLETE marker)");
    CHECK_INT(run("train configs/tiny-mnist.yaml --resume '%s'", dir), 2);
    CHECK_CONTAINS(got, "train --resume RUN_DIR takes no CONFIG, --set or --out");
    CHECK_INT(run("train --resume '%s/none'", test_tmpdir()), 2);
    CHECK(test_one_line(got));
    /* an unfinished run whose config no longer matches its checkpoint */
    snprintf(path, sizeof path, "%s/INCOMPLETE", dir);
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    size_t len = 0;
    char *yaml = test_read_file(path, &len);
    char *lr = yaml ? strstr(yaml, "lr: 0.001") : NULL;
    CHECK(lr != NULL);
    if (lr) {
        memcpy(lr, "lr: 0.002", 9);
        f = fopen(path, "w");
        fwrite(yaml, 1, len, f);
        fclose(f);
        CHECK_INT(run("train --resume '%s'", dir), 2);
        CHECK_CONTAINS(got, "checkpoint.safetensors' does not match the config: training.lr is 0.001 there, "
                            "0.002 in the config\n");
        CHECK_INT(error_lines(got), 1);
        CHECK(exists(dir, "INCOMPLETE") && exists(dir, CLMLP_CHECKPOINT_FILE));
    }
    free(yaml);
    /* a damaged checkpoint */
    snprintf(path, sizeof path, "%s/%s", dir, CLMLP_CHECKPOINT_FILE);
    f = fopen(path, "r+");
    if (f) {
        fseek(f, 7, SEEK_SET);
        fputc(0x7f, f); /* the header length's high byte */
        fclose(f);
    }
    CHECK_INT(run("train --resume '%s'", dir), 3);
    CHECK(test_one_line(got));
    CHECK_CONTAINS(got, "checkpoint.safetensors': header length ");
    CHECK_CONTAINS(got, "is over the 100 MiB limit (not a safetensors file?)\n");
}

/* Every run leaves model.safetensors; clmlp's reader takes it back with the run's architecture. */
static void train_writes_a_model_its_reader_takes_back(void)
{
    char dir[1024], path[1200];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    CHECK_INT(run("train configs/tiny-mnist.yaml --set training.epochs=1 --set data.binarize=true "
                  "--set profile.probe=false --out '%s'", dir),
              0);
    CHECK_CONTAINS(got, "run:     ");
    CHECK_CONTAINS(got, "(model.safetensors, report.md");
    snprintf(path, sizeof path, "%s/%s", dir, CLMLP_MODEL_FILE);
    clmlp_model m;
    clmlp_err err = {0};
    CHECK_INT(clmlp_model_load(path, &m, &err), 0);
    char layers[64];
    clmlp_model_layers(&m, layers, sizeof layers);
    CHECK_STR(layers, "784-64-10");
    CHECK(m.binarize && m.scale && m.activation == CLMLP_ACT_RELU);
    CHECK_STR(m.name, "tiny-mnist");
    bool finite = true, nonzero = false;
    for (size_t i = 0; m.params[0] && i < clmlp_model_param_count(&m, 0); i++) {
        finite = finite && isfinite(m.params[0][i]);
        nonzero = nonzero || m.params[0][i] != 0;
    }
    CHECK(finite && nonzero);
    clmlp_model_free(&m);
    check_whole(dir);
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
    {"train_writes_a_model_its_reader_takes_back", train_writes_a_model_its_reader_takes_back, true},
    {"killed_at_every_write_and_resumed_ends_bit_identical", killed_at_every_write_and_resumed_ends_bit_identical,
     true},
    {"sigkill_after_a_checkpoint_then_resume_ends_bit_identical",
     sigkill_after_a_checkpoint_then_resume_ends_bit_identical, true},
    {"sgd_run_resumes_bit_identical", sgd_run_resumes_bit_identical, true},
    {"resume_refuses_what_it_cannot_continue", resume_refuses_what_it_cannot_continue, true},
    {NULL, NULL, false},
};
