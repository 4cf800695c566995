/* A probe record in JSON, for report.json, compare.json and `clmlp devices
 * --probe --json`, and back (clmlp extrapolate --from, clmlp report). */
#include <math.h>
#include <string.h>
#include <time.h>

#include "clmlp/report.h"

static void write_spread(clmlp_json *j, const char *key, const clmlp_spread *s)
{
    clmlp_json_begin_object(j, key);
    clmlp_json_number(j, "best", s->best);
    clmlp_json_number(j, "median", s->median);
    clmlp_json_number(j, "min", s->min);
    clmlp_json_number(j, "max", s->max);
    clmlp_json_int(j, "n", s->n);
}

void clmlp_report_write_probe(clmlp_json *j, const char *key, const clmlp_probe *p)
{
    clmlp_json_begin_object(j, key);
    clmlp_json_number(j, "gemm_gflops", p->gemm_gflops);
    clmlp_json_int(j, "gemm_size", p->gemm_size);
    clmlp_json_number(j, "copy_gbps", p->copy_gbps);
    clmlp_json_number(j, "launch_us", p->launch_us);
    write_spread(j, "gemm_square", &p->gemm_square);
    clmlp_json_string(j, "tile", p->gemm_square_tile);
    clmlp_json_int(j, "tiles_per_form", p->gemm_tiles);
    clmlp_json_end_object(j);
    if (p->gemm_plan.n > 0) {
        write_spread(j, "gemm_plan", &p->gemm_plan);
        clmlp_json_string(j, "shape", p->gemm_plan_shape);
        clmlp_json_end_object(j);
    } else {
        clmlp_json_null(j, "gemm_plan");
    }
    clmlp_json_begin_array(j, "bandwidth");
    for (int i = 0; i < p->n_levels; i++) {
        write_spread(j, NULL, &p->levels[i].gbps);
        clmlp_json_number(j, "working_set_bytes", p->levels[i].bytes);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
    write_spread(j, "launch", &p->launch);
    clmlp_json_end_object(j);
    char when[32] = "";
    time_t t = (time_t)p->measured_at;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    clmlp_json_string(j, "measured_at", when);
    clmlp_json_int(j, "measured_at_unix", p->measured_at);
    clmlp_json_number(j, "measure_seconds", p->seconds);
    clmlp_json_number(j, "loadavg", p->loadavg);
    if (p->foreign_load >= 0)
        clmlp_json_number(j, "foreign_load", p->foreign_load);
    else
        clmlp_json_null(j, "foreign_load");
    clmlp_json_bool(j, "under_load", p->foreign_load > CLMLP_PROBE_MAX_FOREIGN_LOAD);
    clmlp_json_int(j, "merges", p->merges);
    clmlp_json_bool(j, "from_cache", p->from_cache);
    clmlp_json_end_object(j);
}

static double num(const clmlp_jv *v, const char *key) { return clmlp_jv_number(clmlp_jv_get(v, key), 0); }

static void read_spread(const clmlp_jv *v, clmlp_spread *s)
{
    s->best = num(v, "best");
    s->median = num(v, "median");
    s->min = num(v, "min");
    s->max = num(v, "max");
    double n = num(v, "n");
    s->n = n >= 0 && n <= 1000 ? (int)n : 0;
}

/* Any finite value >= 0, else 0: report.json is input, not trusted. */
static double nonneg(double v) { return isfinite(v) && v >= 0 ? v : 0; }

void clmlp_report_read_probe(const clmlp_jv *v, clmlp_probe *p)
{
    memset(p, 0, sizeof *p);
    read_spread(clmlp_jv_get(v, "gemm_square"), &p->gemm_square);
    clmlp_strlcpy(p->gemm_square_tile, clmlp_jv_string(clmlp_jv_path(v, "gemm_square.tile"), ""),
                  sizeof p->gemm_square_tile);
    const clmlp_jv *plan = clmlp_jv_get(v, "gemm_plan");
    if (plan && plan->kind == CLMLP_JV_OBJECT) {
        read_spread(plan, &p->gemm_plan);
        clmlp_strlcpy(p->gemm_plan_shape, clmlp_jv_string(clmlp_jv_get(plan, "shape"), ""), sizeof p->gemm_plan_shape);
    }
    const clmlp_jv *levels = clmlp_jv_get(v, "bandwidth");
    for (size_t i = 0; levels && levels->kind == CLMLP_JV_ARRAY && i < levels->count &&
                       p->n_levels < CLMLP_PROBE_MAX_LEVELS;
         i++) {
        clmlp_probe_level *lv = &p->levels[p->n_levels];
        read_spread(&levels->items[i], &lv->gbps);
        lv->bytes = nonneg(num(&levels->items[i], "working_set_bytes"));
        if (lv->bytes > 0 && (p->n_levels == 0 || lv->bytes > p->levels[p->n_levels - 1].bytes))
            p->n_levels++;
    }
    read_spread(clmlp_jv_get(v, "launch"), &p->launch);
    double size = num(v, "gemm_size");
    p->gemm_size = size > 0 && size <= 65536 ? (int)size : 0;
    double when = num(v, "measured_at_unix");
    p->measured_at = when > 0 && when < 1e11 ? (int64_t)when : 0;
    p->loadavg = nonneg(num(v, "loadavg"));
    const clmlp_jv *fl = clmlp_jv_get(v, "foreign_load");
    p->foreign_load = fl && fl->kind == CLMLP_JV_NUMBER ? nonneg(fl->number) : -1;
    p->from_cache = true;
    /* The roofs as the run used them; a report from before the ladder has only these. */
    p->gemm_gflops = nonneg(num(v, "gemm_gflops"));
    p->copy_gbps = nonneg(num(v, "copy_gbps"));
    p->launch_us = nonneg(num(v, "launch_us"));
}
