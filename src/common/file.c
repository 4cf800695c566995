/* Files: reading a whole small text file (configs, reports, device models),
 * creating folders, and writing a file atomically (caches, run outputs). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/common.h"

char *clmlp_read_text_file(const char *path, size_t max_bytes, const char *what, int code, size_t *len,
                           clmlp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        clmlp_fail(err, code, "cannot read %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            fclose(f);
            clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading %s '%s'", what, path);
            return NULL;
        }
        if (n == cap) {
            if (cap >= max_bytes) {
                free(buf);
                fclose(f);
                clmlp_fail(err, code, "%s '%s' is larger than %zu MiB", what, path, max_bytes >> 20);
                return NULL;
            }
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    /* A folder opens fine and fails on read (EISDIR). */
    if (ferror(f)) {
        int saved = errno;
        free(buf);
        fclose(f);
        clmlp_fail(err, code, "cannot read %s '%s': %s", what, path, strerror(saved));
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int clmlp_mkdir_p(const char *path, clmlp_err *err)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot create directory '%.64s...': path too long", path);
    clmlp_strlcpy(buf, path, sizeof buf);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot create directory '%s': %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot create directory '%s': %s", buf, strerror(errno));
    return 0;
}

/* The pid of a temporary name "<name>.tmp.<pid>", or 0. */
static long temp_file_pid(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot - name < 4 || strncmp(dot - 4, ".tmp", 4) != 0 || !isdigit((unsigned char)dot[1]))
        return 0;
    char *end;
    long pid = strtol(dot + 1, &end, 10);
    return *end == '\0' && pid > 0 ? pid : 0;
}

int clmlp_remove_stale_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int removed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        long pid = temp_file_pid(e->d_name);
        /* kill(pid, 0) fails with ESRCH only when no such process exists:
         * a live writer's file (or an unrelated process's pid) is left. */
        if (!pid || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[CLMLP_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        removed += unlink(path) == 0;
    }
    closedir(d);
    return removed;
}

int clmlp_write_text(FILE *out, const void *text)
{
    const clmlp_text *t = text;
    return fwrite(t->text, 1, t->len, out) == t->len ? 0 : -1;
}

int clmlp_write_file_atomic(const char *dir, const char *name, int (*write_fn)(FILE *out, const void *ctx),
                            const void *ctx, clmlp_err *err)
{
    char final[CLMLP_PATH_MAX + 256], tmp[CLMLP_PATH_MAX + 300];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", final, (long)getpid());
    clmlp_remove_stale_temp_files(dir); /* left by a writer that was killed */
    FILE *f = fopen(tmp, "w");
    if (!f)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot write '%s': %s", tmp, strerror(errno));
    int rc = write_fn(f, ctx);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0)
        bad = true;
    if (rc != 0 || bad) {
        unlink(tmp);
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "writing '%s' failed (disk full?)", final);
    }
    if (rename(tmp, final) != 0) {
        int e = errno;
        unlink(tmp);
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot rename '%s' to '%s': %s", tmp, final, strerror(e));
    }
    return 0;
}
