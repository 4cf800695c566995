/* Shared error type and small helpers used by every stage.
 *
 * Convention: a function that can fail returns 0 on success and -1 on failure,
 * and fills a clmlp_err with a one-line message (no trailing newline) and the
 * process exit code the CLI should use. */
#ifndef CLMLP_COMMON_H
#define CLMLP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, one per class of problem, so scripts can tell them apart. */
enum {
    CLMLP_EXIT_OK = 0,
    CLMLP_EXIT_INTERNAL = 1, /* I/O failure, out of memory, bug */
    CLMLP_EXIT_USAGE = 2,    /* bad command line or config */
    CLMLP_EXIT_DATA = 3,     /* unreadable or malformed data file */
    CLMLP_EXIT_DEVICE = 4,   /* no matching device, OpenCL/CLBlast failure */
};

typedef struct clmlp_err {
    int code;
    char msg[1024];
} clmlp_err;

#if defined(__GNUC__)
#define CLMLP_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define CLMLP_PRINTF(fmt_idx, arg_idx)
#endif

/* Records the message and code in err (which may be NULL); always returns -1. */
int clmlp_fail(clmlp_err *err, int code, const char *fmt, ...) CLMLP_PRINTF(3, 4);

/* Prefixes an existing message, e.g. with the file being processed. Returns -1. */
int clmlp_fail_prefix(clmlp_err *err, const char *fmt, ...) CLMLP_PRINTF(2, 3);

/* Allocation that reports failure through err instead of returning silently. */
void *clmlp_calloc(size_t count, size_t size, clmlp_err *err);

/* Bounded string copy that always terminates dst. */
void clmlp_strlcpy(char *dst, const char *src, size_t cap);

/* Case-insensitive substring test; an empty needle matches everything. */
bool clmlp_contains_ci(const char *hay, const char *needle);

/* The whole file plus a terminating NUL (malloc'ed), at most max_bytes.
 * Errors use `code` and name the file as "<what> '<path>'". */
char *clmlp_read_text_file(const char *path, size_t max_bytes, const char *what, int code, size_t *len,
                           clmlp_err *err);

/* mkdir -p: every missing folder of path (0755); existing ones are fine.
 * Error: CLMLP_EXIT_INTERNAL naming the folder. */
int clmlp_mkdir_p(const char *path, clmlp_err *err);

/* Writes <dir>/<name> through a temporary file <name>.tmp.<pid> and rename,
 * so a failed write never leaves a half-written file, and first removes the
 * temporary files of dir whose writer is dead (killed mid-write).
 * write_fn returns 0 on success. */
int clmlp_write_file_atomic(const char *dir, const char *name, int (*write_fn)(FILE *out, const void *ctx),
                            const void *ctx, clmlp_err *err);

/* Text held in memory, written as it is by clmlp_write_text: the write_fn
 * of clmlp_write_file_atomic (and a run directory's writes) for a file
 * rendered beforehand, e.g. report.json kept to render report.md from. */
typedef struct clmlp_text {
    const char *text;
    size_t len;
} clmlp_text;
int clmlp_write_text(FILE *out, const void *text /* const clmlp_text * */);

/* Removes dir's "*.tmp.<pid>" files whose process no longer exists; returns how many. */
int clmlp_remove_stale_temp_files(const char *dir);

/* Monotonic clock in seconds. */
double clmlp_now(void);

#define CLMLP_PATH_MAX 1024 /* paths the config and outputs name */

#define CLMLP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
