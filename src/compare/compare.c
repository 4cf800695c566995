/* Checking a comparison before it runs; see compare.h. Everything that can
 * be wrong with the request (a spec, a device that is not there or listed
 * twice, the baseline, a device model) is reported before the first run
 * starts. The rounds themselves are rounds.c. */
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

int clmlp_compare_select(clmlp_compare *c, const clmlp_device_desc *descs, int count, bool noise_check,
                         clmlp_err *err)
{
    for (int i = 0; i < c->n_runs; i++) {
        clmlp_compare_run *r = &c->runs[i];
        int k = clmlp_device_select(descs, count, &r->device, err);
        if (k < 0)
            return clmlp_fail_prefix(err, "device spec '%s': ", r->spec);
        r->selected = true;
        r->platform_index = descs[k].platform_index;
        r->device_index = descs[k].index;
        for (int j = 0; j < i && !noise_check; j++)
            if (c->runs[j].platform_index == r->platform_index && c->runs[j].device_index == r->device_index)
                return clmlp_fail(err, CLMLP_EXIT_USAGE,
                                  "compare: '%s' and '%s' select the same device, %s (platform %d, device %d): a "
                                  "device against itself measures noise, not a speedup; to measure that noise "
                                  "add --set compare.noise_check=true",
                                  c->runs[j].spec, r->spec, descs[k].name, r->platform_index, r->device_index);
    }
    return 0;
}

/* Every spec must select a device that is here, each a different one. */
static int check_present(clmlp_compare *c, bool noise_check, clmlp_err *err)
{
    clmlp_device_desc *descs = NULL;
    int count = 0;
    if (clmlp_devices_enumerate(&descs, &count, err) < 0)
        return -1;
    int rc = clmlp_compare_select(c, descs, count, noise_check, err);
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
    if (clmlp_compare_check_interconnect(c, NULL, err) < 0)
        return -1;
    if (c->baseline >= c->n_runs)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "compare.baseline: %d is not a position in the device list (0..%d)",
                          c->baseline, c->n_runs - 1);
    if (clmlp_devmodels_load(cfg->compare.models, &c->models, &c->n_models, err) < 0 ||
        check_present(c, cfg->compare.noise_check, err) < 0)
        return -1;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(c->started, sizeof c->started, "%Y-%m-%d %H:%M:%S", &tm);
    return 0;
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
