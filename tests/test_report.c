/* The profiler and the run reports: JSON parsing, trace.json structure,
 * kernel times against wall time, FLOPs against the analytic count, and
 * report.md round-tripping through `clmlp report`. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clmlp/compare.h"
#include "clmlp/json_parse.h"
#include "clmlp/report.h"
#include "harness.h"

/* ---- JSON parser ---- */

static clmlp_jv *parse_ok(const char *text)
{
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (clmlp_json_parse(text, strlen(text), &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "parse failed: %s", err.msg);
    return v;
}

static void check_parse_error(const char *text, const char *expected)
{
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    CHECK_INT(clmlp_json_parse(text, strlen(text), &v, &err), -1);
    CHECK(v == NULL);
    CHECK_INT(err.code, 3);
    CHECK_STR(err.msg, expected);
}

static void json_parse_values(void)
{
    clmlp_jv *v = parse_ok(" {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\n\\u00e9\\ud83d\\ude00\\\"\","
                           " \"o\": {\"k\": {}}, \"e\": []} ");
    if (!v)
        return;
    const clmlp_jv *a = clmlp_jv_get(v, "a");
    CHECK(a && a->kind == CLMLP_JV_ARRAY && a->count == 5);
    if (a && a->count == 5) {
        CHECK_NEAR(clmlp_jv_number(&a->items[1], 0), -2500, 0);
        CHECK(a->items[2].kind == CLMLP_JV_BOOL && a->items[2].boolean);
        CHECK(a->items[3].kind == CLMLP_JV_BOOL && !a->items[3].boolean);
        CHECK(a->items[4].kind == CLMLP_JV_NULL);
    }
    CHECK_STR(clmlp_jv_string(clmlp_jv_get(v, "s"), ""), "x\n\xc3\xa9\xf0\x9f\x98\x80\"");
    CHECK(clmlp_jv_path(v, "o.k") && clmlp_jv_path(v, "o.k")->kind == CLMLP_JV_OBJECT);
    CHECK(clmlp_jv_path(v, "o.missing") == NULL);
    CHECK(clmlp_jv_path(v, "a.x") == NULL); /* not an object */
    CHECK_NEAR(clmlp_jv_number(clmlp_jv_get(v, "s"), 7), 7, 0); /* mistyped -> fallback */
    clmlp_jv_free(v);
}

static void json_parse_errors_name_line_and_column(void)
{
    check_parse_error("[1, 2 3]", "1:7: expected ',' or ']'");
    check_parse_error("{\n  \"a\": 1,\n  b: 2}", "3:3: expected a string key");
    check_parse_error("{\"a\": 1} x", "1:10: unexpected text after the JSON value");
    check_parse_error("\"abc", "1:2: unterminated string");
    check_parse_error("[01]", "1:2: malformed number");
    check_parse_error("[1, 1.2.3]", "1:5: malformed number");
    check_parse_error("", "1:1: unexpected end of input");
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    check_parse_error(deep, "1:66: nested too deeply");
}

/* ---- a profiled run ---- */

typedef struct run_files {
    char dir[1024];
    clmlp_jv *report, *trace;
} run_files;

/* tiny-mnist (784-64-10, batch 100) for `epochs`, tracing 5 steps. */
static bool profiled_run(run_files *rf, int epochs, const char *extra)
{
    static char out[200000];
    char args[2048];
    test_mnist_dir();
    snprintf(rf->dir, sizeof rf->dir, "%s/run", test_tmpdir());
    snprintf(args, sizeof args,
             "train configs/tiny-mnist.yaml --set training.epochs=%d --set profile.trace_steps=5 %s --out '%s'",
             epochs, extra, rf->dir);
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "%s\n", out);
        return false;
    }
    rf->report = test_parse_json_file(rf->dir, "report.json");
    rf->trace = test_parse_json_file(rf->dir, "trace.json");
    return rf->report != NULL;
}

static void run_files_free(run_files *rf)
{
    clmlp_jv_free(rf->report);
    clmlp_jv_free(rf->trace);
}

static double num(const clmlp_jv *v, const char *path) { return clmlp_jv_number(clmlp_jv_path(v, path), NAN); }
static const char *str(const clmlp_jv *v, const char *path) { return clmlp_jv_string(clmlp_jv_path(v, path), ""); }

static int by_start(const void *a, const void *b)
{
    double x = num(*(const clmlp_jv *const *)a, "ts"), y = num(*(const clmlp_jv *const *)b, "ts");
    double dx = num(*(const clmlp_jv *const *)a, "dur"), dy = num(*(const clmlp_jv *const *)b, "dur");
    if (x != y)
        return x < y ? -1 : 1;
    return (dx < dy) - (dx > dy); /* same start: the longer (outer) one first */
}

/* Complete events of one pid, sorted by start, must nest like a call
 * stack: each one either ends before the next starts or contains it. */
static void check_nesting(const clmlp_jv *events, int pid, int *count)
{
    const clmlp_jv *xs[4096];
    int n = 0;
    for (size_t i = 0; i < events->count && n < 4096; i++)
        if (strcmp(str(&events->items[i], "ph"), "X") == 0 && num(&events->items[i], "pid") == pid)
            xs[n++] = &events->items[i];
    qsort(xs, (size_t)n, sizeof *xs, by_start);
    const double slack = 0.01; /* µs: printing rounds */
    double stack_end[64];
    int depth = 0;
    for (int i = 0; i < n; i++) {
        double ts = num(xs[i], "ts"), end = ts + num(xs[i], "dur");
        CHECK(num(xs[i], "dur") >= 0);
        while (depth > 0 && ts >= stack_end[depth - 1] - slack)
            depth--;
        if (depth > 0 && end > stack_end[depth - 1] + slack)
            test_fail(__FILE__, __LINE__, "pid %d: '%s' at %.3f us overlaps its enclosing event without nesting",
                      pid, str(xs[i], "name"), ts);
        if (depth < 64)
            stack_end[depth++] = end;
    }
    *count = n;
}

static void trace_json_nests_per_track(void)
{
    run_files rf = {0};
    if (!profiled_run(&rf, 2, ""))
        return;
    const clmlp_jv *events = clmlp_jv_get(rf.trace, "traceEvents");
    CHECK(events && events->kind == CLMLP_JV_ARRAY);
    if (!events) {
        run_files_free(&rf);
        return;
    }
    int host = 0, device = 0, counters = 0, steps = 0, names = 0;
    bool saw_phase[10] = {0};
    static const char *const phases[] = {"config", "load",  "device", "compile", "upload",
                                         "warmup", "train", "eval",   "probe",   "report"};
    for (size_t i = 0; i < events->count; i++) {
        const clmlp_jv *e = &events->items[i];
        const char *ph = str(e, "ph");
        if (strcmp(ph, "M") == 0)
            names += strcmp(str(e, "name"), "process_name") == 0;
        if (strcmp(ph, "C") == 0) {
            counters++;
            CHECK(num(e, "args.host_rss") > 0);
        }
        if (strcmp(ph, "X") == 0 && num(e, "pid") == 1)
            for (int p = 0; p < 10; p++)
                saw_phase[p] |= strcmp(str(e, "name"), phases[p]) == 0;
        if (strcmp(ph, "X") == 0 && num(e, "pid") == 2 && strcmp(str(e, "cat"), "train") == 0) {
            steps++;
            CHECK(num(e, "args.step") >= 1 && num(e, "args.step") <= 5);
            CHECK(num(e, "args.epoch") == 1);
            CHECK(num(e, "args.queued_us_before_start") >= num(e, "args.submitted_us_before_start"));
        }
    }
    check_nesting(events, 1, &host);
    check_nesting(events, 2, &device);
    CHECK_INT(names, 2); /* host and device processes are named */
    for (int p = 0; p < 10; p++)
        if (!saw_phase[p])
            test_fail(__FILE__, __LINE__, "no host span for phase %s", phases[p]);
    CHECK_INT(steps, 5 * 8); /* 5 traced steps x 8 launches of the tiny plan */
    CHECK(host >= 10 + 2);    /* phases and 2 epochs */
    CHECK(device > steps);    /* plus evaluation and transfers */
    CHECK(counters >= 10);    /* a memory sample per phase */
    run_files_free(&rf);
}

static void kernel_times_flops_and_memory_add_up(void)
{
    run_files rf = {0};
    if (!profiled_run(&rf, 2, ""))
        return;
    const clmlp_jv *ks = clmlp_jv_get(rf.report, "kernels");
    CHECK(ks && ks->count > 0);
    double train_ms = 0, gemm_flops = 0;
    long steps = 2 * (long)num(rf.report, "data.steps_per_epoch");
    for (size_t i = 0; ks && i < ks->count; i++) {
        const clmlp_jv *k = &ks->items[i];
        if (strcmp(str(k, "phase"), "train") != 0)
            continue;
        CHECK_INT((long)num(k, "calls"), steps);
        train_ms += num(k, "device_ms_total");
        if (strncmp(str(k, "name"), "gemm", 4) == 0) {
            gemm_flops += num(k, "flops_per_call");
            double expect = num(k, "flops_per_call") * steps / (num(k, "device_ms_total") * 1e-3) / 1e9;
            CHECK_NEAR(num(k, "gflops"), expect, expect * 1e-6);
        }
    }
    /* 784-64-10, batch B = 100: forward 2B(784*64 + 64*10) + bias B(64 + 10),
     * weight gradients 2B(784*64 + 64*10) with the bias gradients' sums
     * B(64 + 10) in their epilogue, input gradient of layer 2 2B*64*10 with
     * its ReLU gradient B*64. */
    const double B = 100, analytic = 2 * B * (784 * 64 + 64 * 10) + B * (64 + 10) + 2 * B * (784 * 64 + 64 * 10) +
                                     B * (64 + 10) + 2 * B * 64 * 10 + B * 64;
    CHECK_NEAR(gemm_flops, analytic, 0.5);
    double train_wall_ms = num(rf.report, "train.seconds") * 1e3;
    CHECK(train_ms <= train_wall_ms);
    CHECK_NEAR(num(rf.report, "profile.train_device_seconds") * 1e3, train_ms, 1e-6 * train_ms + 1e-9);
    /* On PoCL the device is the CPU: kernel time is most of a step. */
    CHECK(train_ms >= 0.25 * train_wall_ms);
    CHECK(num(rf.report, "memory.host_peak_bytes") > 1e6);
    CHECK(num(rf.report, "memory.device_alloc_bytes") >=
          num(rf.report, "memory.device_plan_bytes") + num(rf.report, "memory.device_dataset_bytes"));
    CHECK(num(rf.report, "device.probe.gemm_gflops") > 0);
    run_files_free(&rf);
}

static void report_md_round_trips_through_clmlp_report(void)
{
    run_files rf = {0};
    if (!profiled_run(&rf, 1, ""))
        return;
    char md[1200], args[1400];
    snprintf(md, sizeof md, "%s/report.md", rf.dir);
    char *first = test_read_file(md, NULL);
    CHECK_CONTAINS(first, "## Where the device time goes");
    CHECK_CONTAINS(first, "| 1 | `");
    CHECK_CONTAINS(first, "host peak resident set");
    remove(md);
    static char out[8192];
    snprintf(args, sizeof args, "report '%s'", rf.dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    char *second = test_read_file(md, NULL);
    CHECK(first && second && strcmp(first, second) == 0);
    free(second);

    /* A damaged report.json is refused with its position; report.md stays. */
    char json[1200];
    snprintf(json, sizeof json, "%s/report.json", rf.dir);
    FILE *f = fopen(json, "w");
    if (f) {
        fputs("{\"name\": \"x\",\n \"device\": }\n", f);
        fclose(f);
    }
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 3);
    CHECK_CONTAINS(out, "report.json: 2:12: expected a value");
    second = test_read_file(md, NULL);
    CHECK(first && second && strcmp(first, second) == 0);
    free(second);
    f = fopen(json, "w");
    if (f) {
        fputs("{\"clmlp_report_version\": \"1\", \"name\": \"x\"}\n", f);
        fclose(f);
    }
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 3);
    CHECK_CONTAINS(out, "missing key 'device.name'");
    CHECK_INT(test_run_clmlp("report /nonexistent/run", out, sizeof out), 3);
    CHECK_CONTAINS(out, "cannot read report '/nonexistent/run/report.json'");
    free(first);
    run_files_free(&rf);
}

static void profiling_off_writes_no_trace(void)
{
    run_files rf = {0};
    static char out[8192];
    char args[2048], dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/off", test_tmpdir());
    snprintf(args, sizeof args, "train configs/tiny-mnist.yaml --set training.epochs=1 --set profile.enabled=false "
                                "--out '%s'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    rf.report = test_parse_json_file(dir, "report.json");
    const clmlp_jv *ks = clmlp_jv_get(rf.report, "kernels");
    CHECK(ks && ks->count == 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/trace.json", dir);
    struct stat st;
    CHECK(stat(path, &st) != 0);
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "Profiling was off");
    CHECK(md && strstr(md, "trace.json") == NULL); /* none was written */
    free(md);
    run_files_free(&rf);
}

/* ---- what `clmlp report` renders, without a device ---- */

/* A small report.json the renderer accepts, in dir, with the values the
 * tests vary spliced in as JSON text. */
static void write_report(const char *dir, const char *version, const char *name, const char *accuracy,
                         const char *kernels)
{
    char text[4096], path[1200];
    snprintf(text, sizeof text,
             "{\"clmlp_report_version\": %s, \"name\": %s, \"status\": \"ok\",\n"
             " \"device\": {\"name\": \"dev\", \"type\": \"cpu\", \"platform\": \"p\", \"compute_units\": 2, "
             "\"probe\": null},\n"
             " \"config\": {\"layers\": [784, 64, 10], \"activation\": \"relu\", \"optimizer\": \"adam\", \"lr\": 0.001, "
             "\"batch_size\": 100, \"epochs\": 1},\n"
             " \"data\": {\"train_examples\": 2000, \"test_examples\": 1000, \"steps_per_epoch\": 20},\n"
             " \"plan\": {\"launches_per_step\": 10, \"flops_per_step\": 2.1e7, \"bytes_per_step\": 1e6},\n"
             " \"train\": {\"seconds\": 0.5, \"images_per_second\": 4000, \"epochs\": [{\"epoch\": 1, \"loss\": 0.7, "
             "\"seconds\": 0.5}]},\n"
             " \"eval\": {\"accuracy\": %s, \"examples\": 1000, \"seconds\": 0.1, \"images_per_second\": 1e4},\n"
             " \"memory\": {\"host_peak_bytes\": 1e8}, \"phases\": [], \"profile\": {\"enabled\": true},\n"
             " \"kernels\": [%s]}\n",
             version, name, accuracy, kernels);
    snprintf(path, sizeof path, "%s/report.json", dir);
    test_write_text(path, text);
}

static const char *const a_kernel = "{\"name\": \"gemm0\", \"label\": \"h0 = x . W0\", \"phase\": \"train\", "
                                    "\"calls\": 20, \"device_ms_total\": 4, \"device_ms_mean\": 0.2}";

/* `clmlp report` on dir: its exit status; the output is in out. */
static int rerender(const char *dir, char *out, size_t cap)
{
    char args[1200];
    snprintf(args, sizeof args, "report '%s'", dir);
    return test_run_clmlp(args, out, cap);
}

static void report_refuses_values_it_cannot_render(void)
{
    static char out[8192];
    const char *dir = test_tmpdir();
    const char *md = test_write_file("report.md", "earlier\n", 8);
    static const struct {
        const char *version, *accuracy, *error;
    } bad[] = {
        {"\"1\"", "\"high\"", "report.json: eval.accuracy: expected a number in 0..1, got a string\n"},
        {"\"1\"", "1.7", "report.json: eval.accuracy: 1.7 is out of range (a share, 0..1)\n"},
        {"\"1\"", "-0.1", "report.json: eval.accuracy: -0.1 is out of range (a share, 0..1)\n"},
        {"\"99\"", "0.9", "report.json: clmlp_report_version is '99'; this clmlp reads version 1\n"},
        {"1", "0.9", "report.json: missing key 'clmlp_report_version' (not a clmlp report.json)\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_report(dir, bad[i].version, "\"x\"", bad[i].accuracy, a_kernel);
        CHECK_INT(rerender(dir, out, sizeof out), 3);
        CHECK_CONTAINS(out, bad[i].error);
        CHECK(strchr(out, '\n') == out + strlen(out) - 1);
        char *kept = test_read_file(md, NULL);
        CHECK_STR(kept ? kept : "", "earlier\n"); /* report.md untouched */
        free(kept);
    }
    /* a number where the renderer prints a number */
    write_report(dir, "\"1\"", "\"x\"", "0.9",
                 "{\"name\": \"k\", \"calls\": \"many\", \"device_ms_total\": 1, \"device_ms_mean\": 1}");
    CHECK_INT(rerender(dir, out, sizeof out), 3);
    CHECK_CONTAINS(out, "report.json: kernels[0].calls: expected a number, got a string\n");
    write_report(dir, "\"1\"", "\"x\"", "0.9", a_kernel);
    CHECK_INT(rerender(dir, out, sizeof out), 0);
}

static void report_escapes_control_characters(void)
{
    static char out[8192];
    const char *dir = test_tmpdir();
    write_report(dir, "\"1\"", "\"x\\n# injected\\u001b[31m\"", "0.9", a_kernel);
    CHECK_INT(rerender(dir, out, sizeof out), 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "# clmlp run: x\\n# injected\\x1b[31m\n");
    CHECK(md && strstr(md, "\n# injected") == NULL);
    CHECK(md && strchr(md, '\x1b') == NULL);
    free(md);
}

static void report_md_lists_trace_json_only_when_present(void)
{
    static char out[8192];
    const char *dir = test_tmpdir();
    char path[1200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    write_report(dir, "\"1\"", "\"x\"", "0.9", a_kernel);
    CHECK_INT(rerender(dir, out, sizeof out), 0);
    char *md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "Files: report.json (all figures, keys in the README), config.yaml");
    CHECK(md && strstr(md, "trace.json") == NULL);
    free(md);
    test_write_file("trace.json", "{}", 2);
    CHECK_INT(rerender(dir, out, sizeof out), 0);
    md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "trace.json (open in ui.perfetto.dev)");
    free(md);
}

/* write_report's report with another status (JSON text). */
static void write_report_with_status(const char *dir, const char *status)
{
    char path[1200], edited[8192];
    write_report(dir, "\"1\"", "\"x\"", "null", a_kernel);
    snprintf(path, sizeof path, "%s/report.json", dir);
    char *text = test_read_file(path, NULL), *ok = text ? strstr(text, "\"status\": \"ok\"") : NULL;
    CHECK(ok != NULL);
    if (ok) {
        snprintf(edited, sizeof edited, "%.*s\"status\": %s%s", (int)(ok - text), text, status,
                 ok + strlen("\"status\": \"ok\""));
        test_write_file("report.json", edited, strlen(edited));
    }
    free(text);
}

/* A run that failed: its status before anything else, and no accuracy. */
static void report_md_shows_the_status_first(void)
{
    static char out[8192];
    const char *dir = test_tmpdir();
    write_report_with_status(dir, "\"failed: clEnqueueNDRangeKernel: out of resources\"");
    CHECK_INT(rerender(dir, out, sizeof out), 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK_CONTAINS(md, "# clmlp run: x\n\n**Status: failed**: clEnqueueNDRangeKernel: out of resources\n");
    CHECK_CONTAINS(md, "- **Accuracy**: not evaluated (the run ended before its evaluation)\n");
    free(md);
    write_report_with_status(dir, "\"great\"");
    CHECK_INT(rerender(dir, out, sizeof out), 3);
    CHECK_CONTAINS(out, "report.json: status: expected \"ok\", \"diverged: ...\" or \"failed: ...\", got great\n");
}

/* A pid that is surely dead: a child that has exited and been waited for. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return pid;
}

static int write_x(FILE *out, const void *ctx)
{
    (void)ctx;
    return fputs("x\n", out) < 0 ? -1 : 0;
}

static void temp_files_of_dead_writers_are_removed(void)
{
    static char out[8192];
    const char *dir = test_tmpdir();
    char dead[64], live[64], path[1200];
    snprintf(dead, sizeof dead, "report.json.tmp.%ld", (long)dead_pid());
    snprintf(live, sizeof live, "probe.txt.tmp.%ld", (long)getppid()); /* the runner: alive */
    test_write_file(dead, "{\"half", 6);
    test_write_file(live, "being written", 13);
    test_write_file("notes.tmp.txt", "mine", 4);
    /* a cache or run folder: the next atomic write there cleans up */
    clmlp_err err = {0};
    CHECK_INT(clmlp_write_file_atomic(dir, "other.txt", write_x, NULL, &err), 0);
    snprintf(path, sizeof path, "%s/%s", dir, dead);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof path, "%s/%s", dir, live);
    CHECK(access(path, F_OK) == 0);
    snprintf(path, sizeof path, "%s/notes.tmp.txt", dir);
    CHECK(access(path, F_OK) == 0);
    /* and `clmlp report` on a run folder a killed run left */
    snprintf(dead, sizeof dead, "trace.json.tmp.%ld", (long)dead_pid());
    test_write_file(dead, "[", 1);
    write_report(dir, "\"1\"", "\"x\"", "0.9", a_kernel);
    CHECK_INT(rerender(dir, out, sizeof out), 0);
    snprintf(path, sizeof path, "%s/%s", dir, dead);
    CHECK(access(path, F_OK) != 0);
}

static void incomplete_run_directory_is_explained(void)
{
    static char out[8192];
    const char *dir = test_tmpdir();
    write_report(dir, "\"1\"", "\"x\"", "0.9", a_kernel);
    test_write_file("INCOMPLETE", "writing trace.json failed: no space\nmore\n", 42);
    CHECK_INT(rerender(dir, out, sizeof out), 3);
    CHECK_CONTAINS(out, "is an incomplete run directory: writing trace.json failed: no space\n");
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
}

/* The run directory's rules without a run: a folder holding one is refused,
 * unless resuming; the marker is written, and goes when complete. */
static void run_dir_refuses_a_folder_holding_a_run(void)
{
    clmlp_config cfg;
    clmlp_config_defaults(&cfg);
    clmlp_run_dir rd;
    clmlp_err err = {0};
    char dir[1024], marker[1100];
    snprintf(dir, sizeof dir, "%s/a/b", test_tmpdir());
    snprintf(marker, sizeof marker, "%s/INCOMPLETE", dir);
    CHECK_INT(clmlp_run_dir_prepare(&cfg, dir, CLMLP_RUN_DIR_NEW, &rd, &err), 0);
    CHECK(rd.created && access(marker, F_OK) == 0);
    CHECK_INT(clmlp_run_dir_prepare(&cfg, dir, CLMLP_RUN_DIR_NEW, &rd, &err), -1); /* its marker */
    CHECK_INT(err.code, 2);
    CHECK_CONTAINS(err.msg, "already holds a run (INCOMPLETE)");
    CHECK_INT(clmlp_run_dir_prepare(&cfg, dir, CLMLP_RUN_DIR_RESUME, &rd, &err), 0);
    CHECK(!rd.created);
    CHECK_INT(clmlp_run_dir_complete(&rd, &err), 0);
    CHECK(access(marker, F_OK) != 0);
    /* abandoned before anything was written: the folder it made goes */
    snprintf(dir, sizeof dir, "%s/c", test_tmpdir());
    CHECK_INT(clmlp_run_dir_prepare(&cfg, dir, CLMLP_RUN_DIR_NEW, &rd, &err), 0);
    clmlp_run_dir_abandon(&rd);
    CHECK(access(dir, F_OK) != 0);
}

/* extrapolate --from reads counts back through doubles: out of range must be refused, not cast. */
static void from_report_refuses_counts_out_of_range(void)
{
    static clmlp_compare c;
    clmlp_config cfg;
    clmlp_err err = {0};
    char path[1200], cfg_path[1200];
    snprintf(cfg_path, sizeof cfg_path, "%s/configs/tiny-mnist.yaml", test_source_root());
    CHECK_INT(clmlp_config_load(cfg_path, NULL, 0, &cfg, &err), 0);
    snprintf(path, sizeof path, "%s/report.json", test_tmpdir());
    write_report(test_tmpdir(), "\"1\"", "\"x\"", "0.9", a_kernel);
    CHECK_INT(clmlp_compare_from_report(&cfg, path, &c, &err), 0);
    clmlp_compare_free(&c);
    /* each case: one edit of that report */
    static const struct {
        const char *from, *to, *error;
    } edits[] = {
        {"\"calls\": 20", "\"calls\": 1e300", "kernels[0].calls is 1e+300, not a count in 0..9007199254740992"},
        {"\"calls\": 20", "\"calls\": -3", "kernels[0].calls is -3, not a count"},
        {"\"calls\": 20", "\"calls\": 2.5", "kernels[0].calls is 2.5, not a count"},
        {"\"calls\": 20", "\"calls\": \"20\"", "kernels[0].calls is not a number, not a count"},
        {"\"steps_per_epoch\": 20", "\"steps_per_epoch\": 3e9",
         "data.steps_per_epoch is 3e+09, not a count in 0..2147483647"},
        {"\"host_peak_bytes\": 1e8", "\"host_peak_bytes\": 1e20", "memory.host_peak_bytes is 1e+20, not a count"},
        {"\"batch_size\": 100", "\"batch_size\": 1e10", "config.batch_size is 1e+10, not a count"},
    };
    char *text = test_read_file(path, NULL);
    for (size_t i = 0; text && i < sizeof edits / sizeof edits[0]; i++) {
        char edited[8192];
        const char *at = strstr(text, edits[i].from);
        CHECK(at != NULL);
        if (!at)
            continue;
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - text), text, edits[i].to, at + strlen(edits[i].from));
        test_write_file("report.json", edited, strlen(edited));
        memset(&err, 0, sizeof err);
        CHECK_INT(clmlp_compare_from_report(&cfg, path, &c, &err), -1);
        CHECK_INT(err.code, 3);
        CHECK_CONTAINS(err.msg, edits[i].error);
        clmlp_compare_free(&c);
    }
    free(text);
}

/* ---- SVM runs (model.kind svm), hand-filled: no device ---- */

/* What a 3-class SVM run on 600 images would leave: 3 pairs, 60 support
 * vectors, a kernel block GEMM and a row kernel, no epochs. The arrays
 * are static: the result is not freed. */
static void fill_svm_run(clmlp_config *cfg, clmlp_run_result *res)
{
    static int sv_count[3] = {20, 25, 15};
    static int64_t confusion[9] = {90, 5, 5, 4, 92, 4, 3, 3, 94};
    static clmlp_kernel_stats stats[3];
    clmlp_config_defaults(cfg);
    snprintf(cfg->name, sizeof cfg->name, "svm-test");
    cfg->model.kind = CLMLP_MODEL_SVM;
    cfg->model.classes = 3;
    cfg->model.C = 10;
    snprintf(cfg->model.gamma, sizeof cfg->model.gamma, "scale");
    cfg->model.tol = 1e-3;
    cfg->model.cache_mb = 256;
    memset(res, 0, sizeof *res);
    memset(stats, 0, sizeof stats);
    static const char *const names[3] = {"svm_kernel_block", "svm_kernel_row", "svm_predict"};
    for (int i = 0; i < 3; i++) {
        snprintf(stats[i].name, sizeof stats[i].name, "%s", names[i]);
        snprintf(stats[i].label, sizeof stats[i].label, "K = exp(-gamma |x - y|^2)");
        snprintf(stats[i].phase, sizeof stats[i].phase, "%s", i == 2 ? "eval" : "train");
        stats[i].calls = 10, stats[i].device_seconds = 0.1 * (i + 1), stats[i].flops = 1e9, stats[i].bytes = 1e8;
    }
    res->kind = res->model.kind = CLMLP_MODEL_SVM;
    res->status = CLMLP_RUN_OK;
    res->trained = res->evaluated = true;
    snprintf(res->device.name, sizeof res->device.name, "dev");
    res->input_dim = 784, res->classes = 3;
    res->train_count = 600, res->test_count = 300;
    res->train_seconds = 2.0, res->eval_seconds = 0.5, res->accuracy = 0.92;
    res->train_images_per_second = 300, res->eval_images_per_second = 600;
    res->confusion = confusion;
    res->profile.enabled = true;
    res->profile.stats = stats, res->profile.n_stats = res->profile.cap_stats = 3;
    res->device_alloc_bytes = 4 << 20, res->device_plan_bytes = 1 << 20, res->dataset_device_bytes = 2 << 20;
    res->phase_memory[CLMLP_PHASE_TRAIN].peak_end = 100 << 20;
    res->svm = (clmlp_svm_run){.gamma = 0.0123, .pairs = 3, .largest_problem = 410, .blocks = 2, .iterations = 4321,
                               .rows_computed = 987, .hit_max_iter = 0, .max_violation = 9e-4,
                               .kernel_seconds = 1.5, .solver_seconds = 0.5, .kernel_flops = 3e9,
                               .predict_flops = 1e9, .cache_bytes = (size_t)256 << 20};
    res->model.svm.n_classes = 3, res->model.svm.n_sv = 60, res->model.svm.sv_count = sv_count;
}

/* report.json's text for a result, parsed. */
static clmlp_jv *report_tree(const clmlp_config *cfg, const clmlp_run_result *res, char **text)
{
    size_t len = 0;
    FILE *mem = open_memstream(text, &len);
    CHECK_INT(clmlp_report_write_json(mem, cfg, res), 0);
    fclose(mem);
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (clmlp_json_parse(*text, len, &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "report.json does not parse: %s", err.msg);
    return v;
}

/* report.md from a tree, after its check. */
static char *render_md(clmlp_jv *r)
{
    clmlp_err err = {0};
    if (clmlp_report_md_check(r, &err) < 0) {
        test_fail(__FILE__, __LINE__, "report.md refused: %s", err.msg);
        return NULL;
    }
    char *md = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&md, &len);
    clmlp_report_md ctx = {r, false};
    CHECK_INT(clmlp_report_write_md(mem, &ctx), 0);
    fclose(mem);
    return md;
}

static void svm_report_has_its_keys_and_an_svm_section(void)
{
    clmlp_config cfg;
    static clmlp_run_result res;
    fill_svm_run(&cfg, &res);
    char *text = NULL;
    clmlp_jv *r = report_tree(&cfg, &res, &text);
    if (!r) {
        free(text);
        return;
    }
    CHECK_STR(str(r, "config.kind"), "svm");
    CHECK_STR(str(r, "config.kernel"), "rbf");
    CHECK_NEAR(num(r, "config.C"), 10, 0);
    CHECK_STR(str(r, "config.gamma_setting"), "scale");
    CHECK_NEAR(num(r, "config.tol"), 1e-3, 0);
    CHECK_NEAR(num(r, "config.cache_mb"), 256, 0);
    const clmlp_jv *layers = clmlp_jv_path(r, "config.layers");
    CHECK(layers && layers->count == 2 && layers->items[0].number == 784 && layers->items[1].number == 3);
    static const char *const mlp_only[] = {"lr", "batch_size", "epochs", "optimizer", "activation", "seed", "fuse"};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mlp_only); i++)
        if (clmlp_jv_get(clmlp_jv_get(r, "config"), mlp_only[i]))
            test_fail(__FILE__, __LINE__, "an SVM's config has the MLP key %s", mlp_only[i]);
    CHECK_NEAR(num(r, "svm.gamma"), 0.0123, 0);
    CHECK_STR(str(r, "svm.gamma_setting"), "scale");
    CHECK_NEAR(num(r, "svm.classes"), 3, 0);
    CHECK_NEAR(num(r, "svm.pairs"), 3, 0);
    CHECK_NEAR(num(r, "svm.support_vectors"), 60, 0);
    const clmlp_jv *per = clmlp_jv_path(r, "svm.support_vectors_per_class");
    CHECK(per && per->count == 3 && per->items[1].number == 25);
    CHECK_NEAR(num(r, "svm.blocks"), 2, 0);
    CHECK_NEAR(num(r, "svm.iterations"), 4321, 0);
    CHECK_NEAR(num(r, "svm.kernel_rows_computed"), 987, 0);
    CHECK_NEAR(num(r, "svm.max_violation"), 9e-4, 0);
    CHECK_NEAR(num(r, "svm.kernel_gflops"), 3e9 / 1.5 / 1e9, 1e-12);
    CHECK_NEAR(num(r, "svm.cache_bytes"), 256.0 * 1048576, 0);
    CHECK(clmlp_jv_path(r, "train.epochs") && clmlp_jv_path(r, "train.epochs")->count == 0);
    CHECK_NEAR(num(r, "train.images_per_second"), 300, 0);
    CHECK_NEAR(num(r, "plan.launches_per_step"), 0, 0); /* plan stays, zeros */
    char *md = render_md(r);
    CHECK_CONTAINS(md, "- **Model**: SVM (scikit-learn's SVC), rbf kernel, C 10, gamma 0.0123 (`scale`)");
    CHECK_CONTAINS(md, "- **Train**: 2.000 s for 600 images (one training, no epochs), 300 images/s\n");
    CHECK_CONTAINS(md, "## SVM\n");
    CHECK_CONTAINS(md, "| support vectors | 60 of 600 training images (10.0 %) |\n");
    CHECK_CONTAINS(md, "| support vectors per class | 0: 20, 1: 25, 2: 15 |\n");
    CHECK_CONTAINS(md, "| problems from class blocks (GEMMs of class against class) | 2 of 3 |\n");
    CHECK_CONTAINS(md, "(below tol: every problem converged)");
    CHECK_CONTAINS(md, "| training: kernel on the device | 1.500 s (75.0 %) |\n");
    CHECK_CONTAINS(md, "| kernel GFLOP/s | 2.0 (3.00 GFLOP) |\n");
    CHECK_CONTAINS(md, "| `svm_kernel_row` | K = exp(-gamma \\|x - y\\|^2) | train |"); /* the kernels, as for an MLP */
    CHECK_CONTAINS(md, "## Memory");
    static const char *const absent[] = {"## Epochs", "- **Plan**", "per epoch", "mean loss", "% of a step"};
    for (size_t i = 0; md && i < CLMLP_ARRAY_LEN(absent); i++)
        if (strstr(md, absent[i]))
            test_fail(__FILE__, __LINE__, "an SVM's report.md has '%s'", absent[i]);
    free(md);
    clmlp_jv_free(r);
    free(text);
}

/* The same writer for an MLP: its recipe and epochs as before, kind "mlp", svm null. */
static void mlp_report_keeps_its_epochs(void)
{
    clmlp_config cfg;
    static clmlp_run_result res;
    fill_svm_run(&cfg, &res);
    static clmlp_epoch_stats epochs[2] = {{0.7, 1.0}, {0.4, 1.0}};
    cfg.model.kind = CLMLP_MODEL_MLP;
    res.kind = res.model.kind = CLMLP_MODEL_MLP;
    memset(&res.model.svm, 0, sizeof res.model.svm);
    res.epochs = epochs, res.epochs_done = 2, res.steps_per_epoch = 6, res.batch_size = 100;
    res.launches_per_step = 8, res.flops_per_step = 2e7;
    char *text = NULL;
    clmlp_jv *r = report_tree(&cfg, &res, &text);
    if (!r) {
        free(text);
        return;
    }
    CHECK_STR(str(r, "config.kind"), "mlp");
    CHECK(clmlp_jv_get(r, "svm") && clmlp_jv_get(r, "svm")->kind == CLMLP_JV_NULL);
    CHECK_NEAR(num(r, "config.batch_size"), cfg.training.batch_size, 0);
    CHECK_STR(str(r, "config.optimizer"), "adam");
    CHECK(clmlp_jv_path(r, "train.epochs") && clmlp_jv_path(r, "train.epochs")->count == 2);
    char *md = render_md(r);
    CHECK_CONTAINS(md, "## Epochs\n\n| epoch | mean loss | seconds |\n|---:|---:|---:|\n| 1 | 0.7 | 1.000 |\n");
    CHECK_CONTAINS(md, "- **Plan**: 8 launches per step");
    CHECK_CONTAINS(md, "(1.000 s per epoch)");
    CHECK_CONTAINS(md, "i.e. % of a step for training kernels");
    CHECK(md && strstr(md, "## SVM") == NULL);
    free(md);
    clmlp_jv_free(r);
    free(text);
}

/* An SVM report the renderer cannot show: refused in one line naming the key. */
static void svm_report_refuses_what_it_cannot_render(void)
{
    clmlp_config cfg;
    static clmlp_run_result res;
    fill_svm_run(&cfg, &res);
    char *text = NULL;
    clmlp_jv *r = report_tree(&cfg, &res, &text);
    clmlp_jv_free(r);
    static const struct {
        const char *from, *to, *error;
    } edits[] = {
        {"\"kind\": \"svm\"", "\"kind\": \"rnn\"", "config.kind: expected \"mlp\" or \"svm\", got rnn"},
        {"\"svm\": {", "\"svm\": null, \"old\": {", "svm: expected an object, got null"},
        {"\"iterations\": 4321", "\"iterations\": \"many\"", "svm.iterations: expected a number, got a string"},
        {"[\n      20,", "[\n      \"20\",", "svm.support_vectors_per_class[0]: expected a number, got a string"},
    };
    for (size_t i = 0; text && i < CLMLP_ARRAY_LEN(edits); i++) {
        char edited[65536];
        const char *at = strstr(text, edits[i].from);
        if (!at) {
            test_fail(__FILE__, __LINE__, "report.json has no '%s'", edits[i].from);
            continue;
        }
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - text), text, edits[i].to, at + strlen(edits[i].from));
        clmlp_err err = {0};
        CHECK_INT(clmlp_json_parse(edited, strlen(edited), &r, &err), 0);
        CHECK_INT(clmlp_report_md_check(r, &err), -1);
        CHECK_INT(err.code, 3);
        CHECK_STR(err.msg, edits[i].error);
        clmlp_jv_free(r);
    }
    free(text);
}

/* extrapolate --from an SVM's run: kind, solver figures and support
 * vectors come back; no plan is compiled; E is one training. */
static void from_report_reads_an_svm_report(void)
{
    clmlp_config cfg;
    static clmlp_run_result res;
    static clmlp_compare c;
    fill_svm_run(&cfg, &res);
    char path[1200];
    snprintf(path, sizeof path, "%s/report.json", test_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT(clmlp_report_write_json(f, &cfg, &res), 0);
    fclose(f);
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_from_report(&cfg, path, &c, &err), 0);
    if (err.code)
        fprintf(stderr, "    %s\n", err.msg);
    const clmlp_run_result *back = &c.runs[0].run;
    CHECK_INT(back->kind, CLMLP_MODEL_SVM);
    CHECK_INT(back->epochs_done, 0);
    CHECK_INT(back->train_count, 600);
    CHECK_INT(back->input_dim, 784);
    CHECK_NEAR(back->train_seconds, 2.0, 0);
    CHECK_NEAR(back->accuracy, 0.92, 0);
    CHECK_INT(back->svm.pairs, 3);
    CHECK_INT((int)back->svm.iterations, 4321);
    CHECK_NEAR(back->svm.gamma, 0.0123, 0);
    CHECK_NEAR(back->svm.kernel_seconds, 1.5, 0);
    CHECK_INT(back->model.svm.n_sv, 60);
    CHECK(back->model.svm.sv_count && back->model.svm.n_classes == 3 && back->model.svm.sv_count[1] == 25);
    CHECK(c.runs[0].train_plan == NULL);
    CHECK_INT(c.epochs, 1);
    char *md = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&md, &len);
    CHECK_INT(clmlp_compare_write_extrapolation_md(mem, &c, 1), 0);
    fclose(mem);
    CHECK_CONTAINS(md, "E = 1 epoch\n");
    CHECK_CONTAINS(md, "**An SVM** (`model.kind: svm`)");
    CHECK_CONTAINS(md, "Not modeled for an SVM");
    free(md);
    clmlp_compare_free(&c);
    /* an MLP config against an SVM's report: the recipes differ */
    cfg.model.kind = CLMLP_MODEL_MLP;
    CHECK_INT(clmlp_compare_from_report(&cfg, path, &c, &err), -1);
    CHECK_INT(err.code, 2);
    CHECK_CONTAINS(err.msg, "the run trained an SVM (784-3), the config describes an MLP");
    clmlp_compare_free(&c);
}

const test_case report_tests[] = {
    {"json_parse_values", json_parse_values, false},
    {"json_parse_errors_name_line_and_column", json_parse_errors_name_line_and_column, false},
    {"trace_json_nests_per_track", trace_json_nests_per_track, true},
    {"kernel_times_flops_and_memory_add_up", kernel_times_flops_and_memory_add_up, true},
    {"report_md_round_trips_through_clmlp_report", report_md_round_trips_through_clmlp_report, true},
    {"profiling_off_writes_no_trace", profiling_off_writes_no_trace, true},
    {"report_refuses_values_it_cannot_render", report_refuses_values_it_cannot_render, false},
    {"report_escapes_control_characters", report_escapes_control_characters, false},
    {"report_md_lists_trace_json_only_when_present", report_md_lists_trace_json_only_when_present, false},
    {"report_md_shows_the_status_first", report_md_shows_the_status_first, false},
    {"temp_files_of_dead_writers_are_removed", temp_files_of_dead_writers_are_removed, false},
    {"incomplete_run_directory_is_explained", incomplete_run_directory_is_explained, false},
    {"run_dir_refuses_a_folder_holding_a_run", run_dir_refuses_a_folder_holding_a_run, false},
    {"from_report_refuses_counts_out_of_range", from_report_refuses_counts_out_of_range, false},
    {"svm_report_has_its_keys_and_an_svm_section", svm_report_has_its_keys_and_an_svm_section, false},
    {"mlp_report_keeps_its_epochs", mlp_report_keeps_its_epochs, false},
    {"svm_report_refuses_what_it_cannot_render", svm_report_refuses_what_it_cannot_render, false},
    {"from_report_reads_an_svm_report", from_report_reads_an_svm_report, false},
    {NULL, NULL, false},
};
