/* Test runner: runs every case of every suite in a forked child and prints
 * one line per case, then the plain summary "N passed, N failed".
 * usage: clmlp-tests [--no-opencl] [FILTER...]   (FILTER: substring of suite/name) */
#define _GNU_SOURCE
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clmlp/json_parse.h"
#include "suites.h"

static int failures_in_case;
static char tmpdir_root[512];
static char case_tmpdir[600];

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures_in_case++;
}

const char *test_tmpdir(void) { return case_tmpdir; }

void test_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0)
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
    if (f)
        fclose(f);
}

const char *test_write_file(const char *name, const void *data, size_t len)
{
    static char paths[8][700];
    static int slot;
    char *path = paths[slot++ % 8];
    snprintf(path, 700, "%s/%s", case_tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
    }
    if (f)
        fclose(f);
    return path;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
    size_t got = buf ? fread(buf, 1, n > 0 ? (size_t)n : 0, f) : 0;
    fclose(f);
    if (buf)
        buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

int test_run_clmlp(const char *args, char *out, size_t cap) { return test_run_clmlp_under("", args, out, cap); }

int test_run_clmlp_under(const char *wrapper, const char *args, char *out, size_t cap)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s 2>&1", test_source_root(), wrapper, CLMLP_BIN_PATH, args);
    return test_run_command(cmd, out, cap);
}

int test_run_command(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    if (!p) {
        test_fail(__FILE__, __LINE__, "popen failed for: %s", cmd);
        return -1;
    }
    size_t n = 0;
    if (cap > 0) {
        size_t got;
        while (n + 1 < cap && (got = fread(out + n, 1, cap - 1 - n, p)) > 0)
            n += got;
        out[n] = '\0';
    }
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int test_run_clmlpf(char *out, size_t cap, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return test_run_clmlp(args, out, cap);
}

const char *test_self_path(void)
{
    static char self[1024];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        test_fail(__FILE__, __LINE__, "cannot find this test binary (/proc/self/exe)");
        return NULL;
    }
    self[len] = '\0';
    return self;
}

bool test_one_line(const char *text) { return strchr(text, '\n') == text + strlen(text) - 1; }

const char *test_source_root(void) { return CLMLP_SOURCE_ROOT; }

struct clmlp_jv *test_parse_json_file(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len = 0;
    char *text = test_read_file(path, &len);
    if (!text) {
        test_fail(__FILE__, __LINE__, "%s was not written", path);
        return NULL;
    }
    clmlp_jv *v = NULL;
    clmlp_err err = {0};
    if (clmlp_json_parse(text, len, &v, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s does not parse: %s", path, err.msg);
    free(text);
    return v;
}

const char *test_mnist_dir(void)
{
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/mnist", CLMLP_SOURCE_ROOT);
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/train-images-idx3-ubyte.gz", dir);
    if (access(probe, R_OK) != 0)
        test_fail(__FILE__, __LINE__, "%s is missing: run tools/fetch-data (MNIST_DIR=... to copy)", probe);
    return dir;
}

static bool matches(const char *full, int nfilters, char **filters)
{
    if (nfilters == 0)
        return true;
    for (int i = 0; i < nfilters; i++)
        if (strstr(full, filters[i]))
            return true;
    return false;
}

static void remove_tree(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
    bool no_opencl = getenv("CLMLP_TEST_NO_OPENCL") != NULL;
    char *filters[64];
    int nfilters = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-opencl") == 0)
            no_opencl = true;
        else if (nfilters < 64)
            filters[nfilters++] = argv[i];
    }
    snprintf(tmpdir_root, sizeof tmpdir_root, "%s/clmlp-tests-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir_root)) {
        perror("mkdtemp");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int passed = 0, failed = 0, skipped = 0, case_no = 0;
    for (const test_suite *suite = all_suites; suite->name; suite++) {
        for (const test_case *tc = suite->cases; tc->name; tc++) {
            char full[256];
            snprintf(full, sizeof full, "%s/%s", suite->name, tc->name);
            if (!matches(full, nfilters, filters))
                continue;
            if (no_opencl && tc->needs_opencl) {
                skipped++;
                continue;
            }
            snprintf(case_tmpdir, sizeof case_tmpdir, "%s/%d", tmpdir_root, case_no++);
            mkdir(case_tmpdir, 0700);
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == 0) {
                failures_in_case = 0;
                tc->fn();
                fflush(stderr);
                exit(failures_in_case ? 1 : 0); /* exit, not _exit: LeakSanitizer runs at exit */
            }
            int status = 0;
            waitpid(pid, &status, 0);
            clock_gettime(CLOCK_MONOTONIC, &b);
            double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
            bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (ok) {
                passed++;
                printf("ok      %-50s %7.2f s\n", full, secs);
            } else {
                failed++;
                if (WIFSIGNALED(status))
                    printf("FAILED  %-50s (killed by signal %d)\n", full, WTERMSIG(status));
                else
                    printf("FAILED  %-50s %7.2f s\n", full, secs);
            }
        }
    }
    remove_tree(tmpdir_root);
    if (skipped)
        printf("(%d OpenCL tests skipped by --no-opencl)\n", skipped);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
