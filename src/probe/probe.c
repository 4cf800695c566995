/* The device probe: a usable cached record, or the measurements of gemm.c
 * and memory.c with the host's load around them; see probe.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clmlp/probe.h"
#include "host_load.h"
#include "probe_internal.h"

enum { DEFAULT_TILES = 4, MAX_RECORD_BYTES = 16 << 10 };
/* Seconds the square GEMM may take, program builds included: a run's
 * probe, and one asked for with more tiles (clmlp devices --probe --force). */
static const double GEMM_BUDGET_S = 10.0, GEMM_BUDGET_FORCED_S = 120.0;

void clmlp_probe_cache_path(const clmlp_device_desc *desc, char *out, size_t cap)
{
    clmlp_device_cache_path(desc, NULL, "probe", "clmlp probe v4", desc->host_timed ? "host-timed" : NULL, ".txt",
                            out, cap);
}

/* The cached record, if there is a readable one; a damaged one is a warning. */
static bool read_cache(const char *path, clmlp_probe *out)
{
    clmlp_err err = {0};
    size_t len = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return false; /* none yet */
    fclose(f);
    char *text = clmlp_read_text_file(path, MAX_RECORD_BYTES, "probe cache", CLMLP_EXIT_DATA, &len, &err);
    char why[256] = "";
    bool ok = text && clmlp_probe_parse(text, len, out, why, sizeof why) == 0;
    if (!ok)
        fprintf(stderr, "clmlp: warning: probe cache %s ignored (%s); measuring the device again\n", path,
                text ? why : err.msg);
    free(text);
    return ok;
}

static int write_record(FILE *f, const void *ctx) { return clmlp_probe_format(f, ctx); }

static void write_cache(const char *path, const clmlp_probe *p)
{
    char dir[CLMLP_PATH_MAX + 128];
    clmlp_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    clmlp_err err = {0};
    if (clmlp_write_file_atomic(dir, slash + 1, write_record, p, &err) < 0)
        fprintf(stderr, "clmlp: warning: probe result not cached: %s\n", err.msg);
}

static int measure(clmlp_device *dev, int tiles, double budget_s, clmlp_probe *out, clmlp_err *err)
{
    host_cpu_sample before, after;
    memset(out, 0, sizeof *out);
    host_cpu_sample_take(&before);
    if (probe_gemm_square(dev, tiles, budget_s, out, err) < 0 || probe_bandwidth(dev, out, err) < 0 ||
        probe_launch(dev, out, err) < 0)
        return -1;
    host_cpu_sample_take(&after);
    out->foreign_load = host_foreign_load(&before, &after);
    out->seconds = after.wall - before.wall;
    out->measured_at = (int64_t)time(NULL);
    double load[1];
    out->loadavg = getloadavg(load, 1) == 1 ? load[0] : 0;
    clmlp_probe_update_roofs(out);
    return 0;
}

int clmlp_probe_device(clmlp_device *dev, const clmlp_probe_options *opt, clmlp_probe *out, clmlp_err *err)
{
    static const clmlp_probe_options defaults = {0};
    if (!opt)
        opt = &defaults;
    char path[CLMLP_PATH_MAX + 128];
    clmlp_probe_cache_path(&dev->desc, path, sizeof path);
    clmlp_probe cached;
    bool have = !opt->no_cache && read_cache(path, &cached);
    char why[256] = "";
    bool stale = have && clmlp_probe_needs_measuring(&cached, (int64_t)time(NULL), why, sizeof why);
    if (have && !stale && !opt->force) {
        *out = cached;
        out->from_cache = true;
        return 0;
    }
    if (stale && !opt->force)
        fprintf(stderr, "clmlp: measuring the device's peaks again: the cached record is not usable (%s)\n", why);
    int tiles = opt->tiles > 0 ? opt->tiles : DEFAULT_TILES;
    if (measure(dev, tiles, tiles > DEFAULT_TILES ? GEMM_BUDGET_FORCED_S : GEMM_BUDGET_S, out, err) < 0)
        return -1;
    /* Under load now, and the earlier record merely loaded too (not old,
     * not shown too low by a run): keep the best of both. */
    bool aged = have && (double)(out->measured_at - cached.measured_at) / 86400.0 > CLMLP_PROBE_MAX_AGE_DAYS;
    if (have && !opt->force && !aged && !cached.invalid[0] && out->foreign_load > CLMLP_PROBE_MAX_FOREIGN_LOAD)
        clmlp_probe_merge(out, &cached);
    if (out->foreign_load > CLMLP_PROBE_MAX_FOREIGN_LOAD)
        fprintf(stderr,
                "clmlp: warning: the device's peaks were measured while other work kept %.2f cores busy, so they "
                "may be low; %s\n",
                out->foreign_load, out->merges >= CLMLP_PROBE_MAX_MERGES
                                       ? "kept as the best of several such measurements"
                                       : "they will be measured again by the next run");
    if (!opt->no_cache)
        write_cache(path, out);
    return 0;
}

void clmlp_probe_invalidate(const clmlp_device_desc *desc, const char *why)
{
    char path[CLMLP_PATH_MAX + 128];
    clmlp_probe_cache_path(desc, path, sizeof path);
    clmlp_probe p;
    if (!read_cache(path, &p))
        return;
    clmlp_strlcpy(p.invalid, why, sizeof p.invalid);
    for (char *c = p.invalid; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    write_cache(path, &p);
}
