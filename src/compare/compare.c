/* Running one experiment on several devices; see compare.h. Everything that
 * can be wrong with the request (a spec, a device that is not there, the
 * baseline, a device model) is reported before the first run starts. */
#include "clmlp/compare.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int clmlp_compare_parse_devices(const char *list, clmlp_compare *c, clmlp_err *err)
{
    c->n_runs = 0;
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        while (len > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "--devices '%s': empty device spec (expected e.g. name=pthread,name=basic)",
                              list);
        if (c->n_runs == CLMLP_COMPARE_MAX_DEVICES)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "--devices: at most %d devices", CLMLP_COMPARE_MAX_DEVICES);
        clmlp_compare_run *r = &c->runs[c->n_runs];
        if (len >= sizeof r->spec)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "--devices: spec '%.40s...' is too long", p);
        memcpy(r->spec, p, len);
        r->spec[len] = '\0';
        if (clmlp_device_spec_parse(r->spec, &r->device, err) < 0)
            return -1;
        c->n_runs++;
        p += strcspn(p, ",");
        if (!*p)
            return 0;
        p++;
    }
}

/* Every spec must select a device that is here. */
static int check_present(clmlp_compare *c, clmlp_err *err)
{
    clmlp_device_desc *descs = NULL;
    int count = 0;
    if (clmlp_devices_enumerate(&descs, &count, err) < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < c->n_runs && rc == 0; i++) {
        if (clmlp_device_select(descs, count, &c->runs[i].device, err) < 0)
            rc = clmlp_fail_prefix(err, "device spec '%s': ", c->runs[i].spec);
    }
    free(descs);
    return rc;
}

int clmlp_compare_prepare(const clmlp_config *cfg, const char *devices, clmlp_compare *c, clmlp_err *err)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    const char *list = devices && devices[0] ? devices : cfg->compare.devices;
    if (!list[0])
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "compare: no devices to compare (give --devices SPEC[,SPEC...] or compare.devices in the config)");
    if (clmlp_compare_parse_devices(list, c, err) < 0)
        return -1;
    c->baseline = cfg->compare.baseline;
    if (c->baseline >= c->n_runs)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "compare.baseline: %d is not a position in the device list (0..%d)",
                          c->baseline, c->n_runs - 1);
    if (clmlp_devmodels_load(cfg->compare.models, &c->models, &c->n_models, err) < 0 || check_present(c, err) < 0)
        return -1;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(c->started, sizeof c->started, "%Y-%m-%d %H:%M:%S", &tm);
    return 0;
}

/* on_start of each run: keep the plans the device ran, then the caller's hook. */
typedef struct {
    const clmlp_run_hooks *hooks;
    clmlp_compare_run *run;
    bool out_of_memory;
} start_ctx;

static void keep_plans(void *user, const clmlp_config *cfg, const clmlp_session *s)
{
    start_ctx *sc = user;
    sc->run->train_plan = malloc(sizeof *sc->run->train_plan);
    sc->run->eval_plan = malloc(sizeof *sc->run->eval_plan);
    if (sc->run->train_plan && sc->run->eval_plan) {
        *sc->run->train_plan = *s->train_plan;
        *sc->run->eval_plan = *s->eval_plan;
    } else {
        sc->out_of_memory = true;
    }
    if (sc->hooks->on_start)
        sc->hooks->on_start(sc->hooks->user, cfg, s);
}

static void forward_progress(void *user, int epoch, int step, int steps)
{
    const start_ctx *sc = user;
    sc->hooks->on_progress(sc->hooks->user, epoch, step, steps);
}

static void forward_epoch(void *user, int epoch, int epochs, const clmlp_epoch_stats *stats)
{
    const start_ctx *sc = user;
    sc->hooks->on_epoch(sc->hooks->user, epoch, epochs, stats);
}

int clmlp_compare_run_all(clmlp_compare *c, const clmlp_run_hooks *hooks,
                          void (*on_device)(void *user, int i, int n, const clmlp_compare_run *run), clmlp_err *err)
{
    static const clmlp_run_hooks no_hooks = {0};
    if (!hooks)
        hooks = &no_hooks;
    for (int i = 0; i < c->n_runs; i++) {
        clmlp_compare_run *r = &c->runs[i];
        clmlp_config cfg = c->cfg;
        cfg.device = r->device;
        start_ctx sc = {hooks, r, false};
        clmlp_run_hooks wrapped = {.user = &sc, .on_start = keep_plans,
                                   .on_progress = hooks->on_progress ? forward_progress : NULL,
                                   .on_epoch = hooks->on_epoch ? forward_epoch : NULL};
        if (on_device)
            on_device(hooks->user, i, c->n_runs, NULL);
        int rc = clmlp_experiment_run(&cfg, &wrapped, &r->run, err);
        if (rc == 0 && sc.out_of_memory)
            rc = clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory keeping the plans of device %d", i);
        if (rc < 0)
            return clmlp_fail_prefix(err, "device spec '%s': ", r->spec);
        if (on_device)
            on_device(hooks->user, i, c->n_runs, r);
    }
    return clmlp_compare_analyze(c, err);
}

void clmlp_compare_free(clmlp_compare *c)
{
    for (int i = 0; i < c->n_runs; i++) {
        clmlp_run_result_free(&c->runs[i].run);
        free(c->runs[i].train_plan);
        free(c->runs[i].eval_plan);
        c->runs[i].train_plan = c->runs[i].eval_plan = NULL;
    }
    free(c->models);
    free(c->predictions);
    free(c->rows);
    c->models = NULL;
    c->predictions = NULL;
    c->rows = NULL;
}
