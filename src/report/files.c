/* The run directory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clmlp/report.h"

int clmlp_run_dir_create(const clmlp_config *cfg, const char *override_dir, char *path, size_t cap, clmlp_err *err)
{
    const char *exact = override_dir ? override_dir : cfg->output.run_dir;
    if (exact && exact[0]) {
        clmlp_strlcpy(path, exact, cap);
        return clmlp_mkdir_p(path, err);
    }
    if (clmlp_mkdir_p(cfg->output.dir[0] ? cfg->output.dir : "runs", err) < 0)
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
