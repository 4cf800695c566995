/* The probe's record: its cache text, the checks a cached record must pass
 * before it is trusted, merging two records, the roofs. Pure; see probe.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/probe.h"

#define RECORD_MAGIC "clmlp probe v4"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void clmlp_spread_of(double *v, int n, bool higher_is_better, clmlp_spread *out)
{
    memset(out, 0, sizeof *out);
    if (n <= 0)
        return;
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    out->n = n;
    out->min = v[0];
    out->max = v[n - 1];
    out->median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    out->best = higher_is_better ? out->max : out->min;
}

void clmlp_probe_update_roofs(clmlp_probe *p)
{
    p->gemm_gflops = fmax(p->gemm_square.best, p->gemm_plan.n > 0 ? p->gemm_plan.best : 0);
    p->copy_gbps = p->n_levels > 0 ? p->levels[p->n_levels - 1].gbps.best : 0;
    p->launch_us = p->launch.best;
}

/* ---- the cache text ---- */

static void format_spread(FILE *out, const char *key, const clmlp_spread *s)
{
    fprintf(out, "%s %.9g %.9g %.9g %.9g %d\n", key, s->best, s->median, s->min, s->max, s->n);
}

int clmlp_probe_format(FILE *out, const clmlp_probe *p)
{
    fprintf(out, "%s\n", RECORD_MAGIC);
    fprintf(out, "measured_at %lld\nseconds %.6g\nloadavg %.6g\nforeign_load %.6g\nmerges %d\n",
            (long long)p->measured_at, p->seconds, p->loadavg, p->foreign_load, p->merges);
    fprintf(out, "gemm_size %d\ngemm_tiles %d\ngemm_tile %s\n", p->gemm_size, p->gemm_tiles, p->gemm_square_tile);
    format_spread(out, "gemm_square", &p->gemm_square);
    for (int i = 0; i < p->n_levels; i++) {
        char key[64];
        snprintf(key, sizeof key, "level %.0f", p->levels[i].bytes);
        format_spread(out, key, &p->levels[i].gbps);
    }
    format_spread(out, "launch_us", &p->launch);
    if (p->invalid[0])
        fprintf(out, "invalid %s\n", p->invalid);
    return ferror(out) ? -1 : 0;
}

static int bad(char *why, size_t cap, int line, const char *fmt, const char *detail)
{
    char d[80], msg[200];
    clmlp_strlcpy(d, detail, sizeof d); /* a line of garbage is named, not copied whole */
    snprintf(msg, sizeof msg, fmt, d);
    snprintf(why, cap, "line %d: %s", line, msg);
    return -1;
}

/* A finite number in [lo, hi]. */
static bool number_in(const char *s, double lo, double hi, double *out, const char **end)
{
    char *e;
    double v = strtod(s, &e);
    if (e == s || !isfinite(v) || v < lo || v > hi || (!end && strspn(e, " \t") != strlen(e)))
        return false;
    *out = v;
    if (end)
        *end = e;
    return true;
}

/* "best median min max n" of a rate (higher is better) or a cost. */
static bool parse_spread(const char *s, double lo, double hi, bool higher_is_better, clmlp_spread *out)
{
    double v[4], n;
    const char *p = s;
    for (int i = 0; i < 4; i++)
        if (!number_in(p, lo, hi, &v[i], &p))
            return false;
    if (!number_in(p, 1, 1000, &n, &p) || n != floor(n) || strspn(p, " \t") != strlen(p))
        return false;
    *out = (clmlp_spread){.best = v[0], .median = v[1], .min = v[2], .max = v[3], .n = (int)n};
    return out->min <= out->median && out->median <= out->max &&
           out->best == (higher_is_better ? out->max : out->min);
}

/* One "key value" line into p; -1 with why. */
static int parse_line(const char *key, const char *val, int line, clmlp_probe *p, char *why, size_t cap)
{
    double v;
    if (strcmp(key, "measured_at") == 0) {
        if (!number_in(val, 1, 1e11, &v, NULL))
            return bad(why, cap, line, "measured_at '%s' is not a time", val);
        p->measured_at = (int64_t)v;
    } else if (strcmp(key, "seconds") == 0) {
        if (!number_in(val, 0, 1e5, &p->seconds, NULL))
            return bad(why, cap, line, "seconds '%s' is out of range", val);
    } else if (strcmp(key, "loadavg") == 0) {
        if (!number_in(val, 0, 1e5, &p->loadavg, NULL))
            return bad(why, cap, line, "loadavg '%s' is out of range", val);
    } else if (strcmp(key, "foreign_load") == 0) {
        if (!number_in(val, -1, 1e5, &p->foreign_load, NULL))
            return bad(why, cap, line, "foreign_load '%s' is out of range", val);
    } else if (strcmp(key, "merges") == 0) {
        if (!number_in(val, 0, 1000, &v, NULL) || v != floor(v))
            return bad(why, cap, line, "merges '%s' is not a count", val);
        p->merges = (int)v;
    } else if (strcmp(key, "gemm_size") == 0) {
        if (!number_in(val, 1, 65536, &v, NULL) || v != floor(v))
            return bad(why, cap, line, "gemm_size '%s' is out of range", val);
        p->gemm_size = (int)v;
    } else if (strcmp(key, "gemm_tiles") == 0) {
        if (!number_in(val, 1, 256, &v, NULL) || v != floor(v))
            return bad(why, cap, line, "gemm_tiles '%s' is out of range", val);
        p->gemm_tiles = (int)v;
    } else if (strcmp(key, "gemm_tile") == 0) {
        if (strlen(val) >= sizeof p->gemm_square_tile)
            return bad(why, cap, line, "gemm_tile is too long%s", "");
        clmlp_strlcpy(p->gemm_square_tile, val, sizeof p->gemm_square_tile);
    } else if (strcmp(key, "gemm_square") == 0) {
        if (!parse_spread(val, 1e-6, 1e8, true, &p->gemm_square))
            return bad(why, cap, line, "gemm_square '%s' is not a spread of GFLOP/s", val);
    } else if (strcmp(key, "level") == 0) {
        const char *rest;
        if (p->n_levels == CLMLP_PROBE_MAX_LEVELS || !number_in(val, 1, 1e13, &v, &rest) || v != floor(v))
            return bad(why, cap, line, "level '%s': too many levels or a working set not in whole bytes", val);
        clmlp_probe_level *lv = &p->levels[p->n_levels];
        if ((p->n_levels > 0 && v <= p->levels[p->n_levels - 1].bytes) || !parse_spread(rest, 1e-6, 1e8, true, &lv->gbps))
            return bad(why, cap, line, "level '%s' is not an ascending working set with a spread of GB/s", val);
        lv->bytes = v;
        p->n_levels++;
    } else if (strcmp(key, "launch_us") == 0) {
        if (!parse_spread(val, 1e-6, 1e7, false, &p->launch))
            return bad(why, cap, line, "launch_us '%s' is not a spread of microseconds", val);
    } else if (strcmp(key, "invalid") == 0) {
        clmlp_strlcpy(p->invalid, val, sizeof p->invalid);
        if (!p->invalid[0])
            clmlp_strlcpy(p->invalid, "marked invalid", sizeof p->invalid);
    } else {
        return bad(why, cap, line, "unknown key '%s'", key);
    }
    return 0;
}

int clmlp_probe_parse(const char *text, size_t len, clmlp_probe *out, char *why, size_t cap)
{
    clmlp_probe p;
    memset(&p, 0, sizeof p);
    if (memchr(text, '\0', len))
        return bad(why, cap, 1, "a NUL byte%s", "");
    size_t n = strlen(RECORD_MAGIC);
    if (len < n + 1 || memcmp(text, RECORD_MAGIC "\n", n + 1) != 0)
        return bad(why, cap, 1, "not a '%s' record", RECORD_MAGIC);
    int line = 1;
    for (size_t pos = n + 1; pos < len;) {
        line++;
        const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
        if (!nl)
            return bad(why, cap, line, "the last line is cut short%s", "");
        char buf[512];
        size_t l = (size_t)(nl - start);
        if (l >= sizeof buf)
            return bad(why, cap, line, "line too long%s", "");
        memcpy(buf, start, l);
        buf[l] = '\0';
        pos += l + 1;
        char *sp = strchr(buf, ' ');
        if (!sp)
            return bad(why, cap, line, "'%s' is not 'key value'", buf);
        *sp = '\0';
        if (parse_line(buf, sp + 1, line, &p, why, cap) < 0)
            return -1;
    }
    const char *missing = !p.measured_at ? "measured_at"
                          : !p.gemm_size ? "gemm_size"
                          : !p.gemm_tiles ? "gemm_tiles"
                          : !p.gemm_square.n ? "gemm_square"
                          : !p.n_levels ? "level"
                          : !p.launch.n ? "launch_us"
                                        : NULL;
    if (missing) {
        snprintf(why, cap, "incomplete record (no %s)", missing);
        return -1;
    }
    clmlp_probe_update_roofs(&p);
    *out = p;
    return 0;
}

/* ---- trust ---- */

bool clmlp_probe_needs_measuring(const clmlp_probe *p, int64_t now, char *why, size_t cap)
{
    double age_days = (double)(now - p->measured_at) / 86400.0;
    if (p->invalid[0])
        snprintf(why, cap, "%s", p->invalid);
    else if (age_days < -1.0 / 24)
        snprintf(why, cap, "it is dated in the future (clock changed?)");
    else if (age_days > CLMLP_PROBE_MAX_AGE_DAYS)
        snprintf(why, cap, "it was measured %.0f days ago (limit %d)", age_days, CLMLP_PROBE_MAX_AGE_DAYS);
    else if (p->foreign_load > CLMLP_PROBE_MAX_FOREIGN_LOAD && p->merges < CLMLP_PROBE_MAX_MERGES)
        snprintf(why, cap, "it was taken under load (%.2f cores busy with other work)", p->foreign_load);
    else {
        if (cap)
            why[0] = '\0';
        return false;
    }
    return true;
}

static void better_rate(clmlp_spread *into, const clmlp_spread *other)
{
    if (other->n > 0 && (into->n == 0 || other->best > into->best))
        *into = *other;
}

void clmlp_probe_merge(clmlp_probe *into, const clmlp_probe *other)
{
    if (other->gemm_square.n > 0 && (into->gemm_square.n == 0 || other->gemm_square.best > into->gemm_square.best)) {
        into->gemm_square = other->gemm_square;
        clmlp_strlcpy(into->gemm_square_tile, other->gemm_square_tile, sizeof into->gemm_square_tile);
        into->gemm_size = other->gemm_size;
        into->gemm_tiles = other->gemm_tiles;
    }
    if (other->n_levels == into->n_levels)
        for (int i = 0; i < into->n_levels; i++)
            if (other->levels[i].bytes == into->levels[i].bytes)
                better_rate(&into->levels[i].gbps, &other->levels[i].gbps);
    if (other->launch.n > 0 && (into->launch.n == 0 || other->launch.best < into->launch.best))
        into->launch = other->launch;
    into->merges = (into->merges > other->merges ? into->merges : other->merges) + 1;
    clmlp_probe_update_roofs(into);
}
