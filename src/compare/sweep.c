/* clmlp sweep: the values of --over, a config per value checked before any
 * run, the runs in order, and the record of each (sweep.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/profile.h"
#include "clmlp/sweep.h"

/* Splits the values at the commas outside brackets, so a list value such as
 * model.hidden=[128,64],[256] stays whole. */
static int split_values(const char *spec, const char *list, clmlp_sweep *s, clmlp_err *err)
{
    int depth = 0;
    const char *start = list;
    for (const char *p = list;; p++) {
        if (*p == '[' || *p == '{')
            depth++;
        else if ((*p == ']' || *p == '}') && depth > 0)
            depth--;
        if (*p != '\0' && (*p != ',' || depth > 0))
            continue;
        size_t len = (size_t)(p - start);
        if (len == 0)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "sweep: --over %s: an empty value (expected KEY=V1,V2,...)", spec);
        if (s->n == CLMLP_SWEEP_MAX_VALUES)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "sweep: --over %s: at most %d values", spec,
                              CLMLP_SWEEP_MAX_VALUES);
        if (len >= CLMLP_SWEEP_VALUE_MAX)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "sweep: --over %s: value %d is longer than %d characters", spec,
                              s->n + 1, CLMLP_SWEEP_VALUE_MAX - 1);
        memcpy(s->points[s->n].value, start, len);
        s->points[s->n++].value[len] = '\0';
        if (*p == '\0')
            return 0;
        start = p + 1;
    }
}

static int parse_over(const char *spec, clmlp_sweep *s, clmlp_err *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "sweep: --over %s: expected KEY=V1,V2,... (e.g. data.train.limit=1000,2000,5000)", spec);
    if ((size_t)(eq - spec) >= sizeof s->key)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "sweep: --over %s: the key is too long", spec);
    snprintf(s->key, sizeof s->key, "%.*s", (int)(eq - spec), spec);
    if (split_values(spec, eq + 1, s, err) < 0)
        return -1;
    if (s->n < 2)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "sweep: --over %s: a sweep needs at least 2 values", spec);
    return 0;
}

int clmlp_sweep_prepare(const char *config_path, const char *const *overrides, int n_overrides, const char *over,
                        clmlp_sweep *s, clmlp_err *err)
{
    memset(s, 0, sizeof *s);
    if (!over)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "sweep: missing --over KEY=V1,V2,... (e.g. --over data.train.limit=1000,2000,5000)");
    if (n_overrides >= CLMLP_MAX_SWEEP_OVERRIDES)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "sweep: at most %d --set options", CLMLP_MAX_SWEEP_OVERRIDES - 1);
    if (parse_over(over, s, err) < 0)
        return -1;
    s->configs = clmlp_calloc((size_t)s->n, sizeof *s->configs, err);
    if (!s->configs)
        return -1;
    /* The swept value last, so it wins over a --set of the same key. */
    const char *all[CLMLP_MAX_SWEEP_OVERRIDES];
    for (int i = 0; i < n_overrides; i++)
        all[i] = overrides[i];
    for (int i = 0; i < s->n; i++) {
        clmlp_sweep_point *p = &s->points[i];
        char set[sizeof s->key + CLMLP_SWEEP_VALUE_MAX + 2];
        snprintf(set, sizeof set, "%s=%s", s->key, p->value);
        all[n_overrides] = set;
        if (clmlp_config_load(config_path, all, n_overrides + 1, &s->configs[i], err) < 0)
            return clmlp_fail_prefix(err, "sweep --over value %d of %d: ", i + 1, s->n);
        char *end;
        p->x = strtod(p->value, &end);
        if (end == p->value || *end != '\0' || !isfinite(p->x))
            p->x = NAN;
    }
    snprintf(s->name, sizeof s->name, "%s", s->configs[0].name);
    s->kind = s->configs[0].model.kind;
    s->epochs = s->kind == CLMLP_MODEL_SVM ? 0 : s->configs[0].training.epochs;
    return 0;
}

void clmlp_sweep_free(clmlp_sweep *s)
{
    free(s->configs);
    s->configs = NULL;
}

void clmlp_sweep_point_from_result(clmlp_sweep_point *p, const clmlp_run_result *res)
{
    p->train_count = res->train_count;
    p->test_count = res->test_count;
    p->epochs = res->epochs_done;
    p->steps_per_epoch = res->steps_per_epoch;
    p->train_seconds = res->train_seconds;
    p->seconds_per_epoch = res->train_seconds_per_epoch;
    p->train_images_per_second = res->train_images_per_second;
    p->eval_seconds = res->eval_seconds;
    p->accuracy = res->evaluated ? res->accuracy : NAN;
    p->device_alloc_bytes = (double)res->device_alloc_bytes;
    p->n_extra = 0;
    if (res->kind == CLMLP_MODEL_SVM) { /* the first extra: adding it cannot fail */
        clmlp_err ignored = {0};
        clmlp_sweep_point_add(p, CLMLP_SWEEP_SUPPORT_VECTORS_NAME, res->model.svm.n_sv, &ignored);
    }
}

int clmlp_sweep_point_add(clmlp_sweep_point *p, const char *name, double value, clmlp_err *err)
{
    if (p->n_extra == CLMLP_SWEEP_MAX_EXTRA)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "sweep: more than %d extra measurements per run",
                          CLMLP_SWEEP_MAX_EXTRA);
    clmlp_strlcpy(p->extra[p->n_extra].name, name, sizeof p->extra[0].name);
    p->extra[p->n_extra++].value = value;
    return 0;
}

int clmlp_sweep_run(clmlp_sweep *s, void (*on_point)(void *user, const clmlp_sweep *s, int i), void *user,
                    clmlp_err *err)
{
    bool is_limit = strcmp(s->key, "data.train.limit") == 0;
    for (int i = 0; i < s->n; i++) {
        clmlp_sweep_point *p = &s->points[i];
        /* Each run its own peak: the runs before it in this process do not count. */
        p->host_peak_per_run = clmlp_host_peak_reset();
        clmlp_run_hooks hooks = {0};
        clmlp_run_result res;
        int rc = clmlp_experiment_run(&s->configs[i], &hooks, &res, err);
        if (rc == 0) {
            clmlp_sweep_point_from_result(p, &res);
            size_t hwm = clmlp_host_hwm_bytes();
            p->host_peak_bytes = (double)(hwm ? hwm : clmlp_run_host_peak(&res));
            if (is_limit)
                p->x = (double)p->train_count;
            if (i == 0)
                clmlp_strlcpy(s->device, res.device.name, sizeof s->device);
        }
        clmlp_run_result_free(&res);
        if (rc < 0)
            return clmlp_fail_prefix(err, "sweep: the run with %s=%s (value %d of %d) failed: ", s->key, p->value,
                                     i + 1, s->n);
        if (on_point)
            on_point(user, s, i);
    }
    return 0;
}
