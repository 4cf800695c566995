/* A small test harness: each suite file exports a NULL-terminated array of
 * test cases; tests/main.c runs each case in a forked child (a crash is a
 * failure, not the end of the suite) and ends with "N passed, N failed". */
#ifndef CLMLP_TEST_HARNESS_H
#define CLMLP_TEST_HARNESS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct test_case {
    const char *name;
    void (*fn)(void);
    bool needs_opencl; /* skipped with --no-opencl (the sanitizer build) */
} test_case;

/* Records a failed check in the current test; the test goes on. */
void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                                    \
    } while (0)
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);              \
    } while (0)
#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double a_ = (double)(a), b_ = (double)(b);                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                                             \
            test_fail(__FILE__, __LINE__, "%s ~ %s: %.9g vs %.9g (tol %g)", #a, #b, a_, b_,        \
                      (double)(tol));                                                              \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (strcmp(a_, b_) != 0)                                                                   \
            test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, a_, b_);          \
    } while (0)
#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!h_ || !strstr(h_, n_))                                                                \
            test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_); \
    } while (0)

/* A fresh temporary folder for the current test (removed after the run). */
const char *test_tmpdir(void);
/* Writes data to <tmpdir>/<name>; returns the full path (static buffer per call slot). */
const char *test_write_file(const char *name, const void *data, size_t len);
/* Writes text to path (any folder), failing the test when it cannot. */
void test_write_text(const char *path, const char *text);
/* The whole file, NUL-terminated (malloc'ed), or NULL; *len (may be NULL) gets its size. */
char *test_read_file(const char *path, size_t *len);
/* Runs the built clmlp binary with `args` (shell words) and captures its
 * stdout+stderr into out (NUL-terminated). Returns the exit status. */
int test_run_clmlp(const char *args, char *out, size_t cap);
/* The same under a wrapper command (shell words before the binary, e.g. "oclgrind --data-races"). */
int test_run_clmlp_under(const char *wrapper, const char *args, char *out, size_t cap);
/* Runs a shell command line; its output (stdout and whatever it sends
 * there) into out, truncated to cap; returns its exit status. */
int test_run_command(const char *cmd, char *out, size_t cap);
/* This test binary's own path (/proc/self/exe), to run some of its tests
 * again in a child with another environment; NULL (the test failed) if unknown. */
const char *test_self_path(void);
/* The same with printf-formatted arguments. */
int test_run_clmlpf(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* True when text is exactly one line (one newline, at its end): how every error is printed. */
bool test_one_line(const char *text);
/* The project's source root and build dir (compiled in). */
const char *test_source_root(void);
/* <dir>/<name> parsed by clmlp's JSON parser (free with clmlp_jv_free), or
 * NULL after failing the test: missing, or where it does not parse. */
struct clmlp_jv *test_parse_json_file(const char *dir, const char *name);
/* data/mnist in the source tree, or fails the test with a hint when absent. */
const char *test_mnist_dir(void);

#endif
