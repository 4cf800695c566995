/* Run directory and atomic file writes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clmlp/report.h"

static int mkdir_p(const char *path, clmlp_err *err)
{
    char buf[CLMLP_PATH_MAX];
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

int clmlp_run_dir_create(const clmlp_config *cfg, const char *override_dir, char *path, size_t cap, clmlp_err *err)
{
    const char *exact = override_dir ? override_dir : cfg->output.run_dir;
    if (exact && exact[0]) {
        clmlp_strlcpy(path, exact, cap);
        return mkdir_p(path, err);
    }
    if (mkdir_p(cfg->output.dir[0] ? cfg->output.dir : "runs", err) < 0)
        return -1;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 0; n < 100; n++) {
        char candidate[CLMLP_PATH_MAX + CLMLP_NAME_MAX + 64];
        if (n == 0)
            snprintf(candidate, sizeof candidate, "%s/%s-%s", cfg->output.dir, cfg->name, stamp);
        else
            snprintf(candidate, sizeof candidate, "%s/%s-%s-%d", cfg->output.dir, cfg->name, stamp, n);
        clmlp_strlcpy(path, candidate, cap);
        if (mkdir(path, 0755) == 0)
            return 0;
        if (errno != EEXIST)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot create run directory '%s': %s", path,
                              strerror(errno));
    }
    return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "too many runs named %s-%s in %s", cfg->name, stamp, cfg->output.dir);
}

int clmlp_write_file_atomic(const char *dir, const char *name, int (*write_fn)(FILE *out, const void *ctx),
                            const void *ctx, clmlp_err *err)
{
    char final[CLMLP_PATH_MAX + 256], tmp[CLMLP_PATH_MAX + 300];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", final, (long)getpid());
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
