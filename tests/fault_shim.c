/* LD_PRELOAD shim for the fault-injection tests (tests/test_train_cli.c).
 * It counts the calls that complete an output in the folder
 * $CLMLP_FAULT_DIR: the fclose of a file opened there for writing, a rename
 * into it, and (kill mode) an unlink there. At the $CLMLP_FAULT_AT-th one:
 *   CLMLP_FAULT_MODE=kill    the process is killed (SIGKILL, as kill -9 or a
 *                            power cut would), before the call;
 *   CLMLP_FAULT_MODE=enospc  the call fails with ENOSPC, as on a full disk;
 *                            an fclose first cuts the file to half its size,
 *                            as a write that ran out of space leaves it.
 * It says on stderr where it struck, so a failing test shows the point. */
#define _GNU_SOURCE
/* Both fopen and fopen64 are defined below: no redirection of one to the other. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_OPEN = 64 };

/* Files opened for writing in the folder. */
static struct {
    FILE *f;
    char path[512];
} tracked[MAX_OPEN];

static bool in_fault_dir(const char *path)
{
    const char *dir = getenv("CLMLP_FAULT_DIR");
    size_t n = dir ? strlen(dir) : 0;
    return n && path && strncmp(path, dir, n) == 0 && path[n] == '/';
}

static bool kill_mode(void)
{
    const char *mode = getenv("CLMLP_FAULT_MODE");
    return !mode || strcmp(mode, "enospc") != 0;
}

/* One more counted call: whether it is the one to strike. */
static bool strikes(const char *what, const char *path)
{
    static int calls;
    const char *at = getenv("CLMLP_FAULT_AT");
    if (!at || ++calls != atoi(at))
        return false;
    fprintf(stderr, "fault-shim: %s at call %d: %s of %s\n", kill_mode() ? "kill" : "ENOSPC", calls, what, path);
    if (kill_mode())
        kill(getpid(), SIGKILL);
    return true;
}

static void track(FILE *f, const char *path, const char *mode)
{
    if (!f || !in_fault_dir(path) || !strpbrk(mode, "wa+"))
        return;
    for (int i = 0; i < MAX_OPEN; i++)
        if (!tracked[i].f) {
            tracked[i].f = f;
            snprintf(tracked[i].path, sizeof tracked[i].path, "%s", path);
            return;
        }
}

/* Forgets f; true (with its path) when it was tracked. */
static bool untrack(FILE *f, char *path, size_t cap)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (f && tracked[i].f == f) {
            tracked[i].f = NULL;
            snprintf(path, cap, "%s", tracked[i].path);
            return true;
        }
    return false;
}

typedef FILE *(*fopen_fn)(const char *, const char *);

static FILE *open_tracked(fopen_fn *real, const char *symbol, const char *path, const char *mode)
{
    if (!*real)
        *real = (fopen_fn)dlsym(RTLD_NEXT, symbol);
    FILE *f = (*real)(path, mode);
    track(f, path, mode);
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    static fopen_fn real;
    return open_tracked(&real, "fopen", path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    static fopen_fn real;
    return open_tracked(&real, "fopen64", path, mode);
}

int fclose(FILE *f)
{
    static int (*real)(FILE *);
    if (!real)
        real = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
    char path[512];
    if (!untrack(f, path, sizeof path) || !strikes("fclose", path))
        return real(f);
    struct stat st;
    if (fflush(f) == 0 && fstat(fileno(f), &st) == 0 && ftruncate(fileno(f), st.st_size / 2) != 0)
        perror("fault-shim: ftruncate");
    real(f);
    errno = ENOSPC;
    return EOF;
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (!in_fault_dir(to) || !strikes("rename", to))
        return real(from, to);
    errno = ENOSPC;
    return -1;
}

int unlink(const char *path)
{
    static int (*real)(const char *);
    if (!real)
        real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    if (kill_mode() && in_fault_dir(path))
        strikes("unlink", path);
    return real(path);
}
