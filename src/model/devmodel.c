/* Device models (devmodel.h): a schema table of their keys, read with the
 * config loader's walker (src/config), so errors, ranges and did-you-mean
 * behave exactly as in experiment configs. */
#include "clmlp/devmodel.h"

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "devmodels_sources.h"

_Static_assert(sizeof(clmlp_device_class) == sizeof(int), "enum size");

static const char *const classes[] = {"cpu", "gpu", "accelerator", NULL};

#define M(member) .offset = offsetof(clmlp_devmodel, member), .size = sizeof(((clmlp_devmodel *)0)->member)

static const cfg_key model_keys[] = {
    {.path = "name", .type = CFG_STRING, M(name), .def = "", .doc = "the device, as a reader knows it"},
    {.path = "kind", .type = CFG_ENUM, M(kind), .names = classes, .def = "cpu", .doc = "cpu, gpu or accelerator"},
    {.path = "match", .type = CFG_STRING, M(match), .def = "",
     .doc = "substring of the OpenCL device names this model describes, empty = none"},
    {.path = "compute_units", .type = CFG_INT, M(compute_units), CLOSED(0, 1000000), .def = "0",
     .doc = "units the peaks are for; a present device with fewer gets a proportional share, 0 = no scaling"},
    {.path = "peak_gflops.fp32", .type = CFG_FLOAT, M(peak_gflops[CLMLP_PREC_FP32]), ABOVE(0), .def = "0",
     .doc = "peak fp32 GFLOP/s"},
    {.path = "peak_gflops.fp16", .type = CFG_FLOAT, M(peak_gflops[CLMLP_PREC_FP16]), AT_LEAST(0), .def = "0",
     .doc = "peak fp16 GFLOP/s, 0 = none"},
    {.path = "peak_gflops.bf16", .type = CFG_FLOAT, M(peak_gflops[CLMLP_PREC_BF16]), AT_LEAST(0), .def = "0",
     .doc = "peak bf16 GFLOP/s, 0 = none"},
    {.path = "memory_bandwidth_gbps", .type = CFG_FLOAT, M(memory_bandwidth_gbps), ABOVE(0), .def = "0",
     .doc = "device memory bandwidth in GB/s"},
    {.path = "memory_gib", .type = CFG_FLOAT, M(memory_gib), ABOVE(0), .def = "0",
     .doc = "device memory in GiB"},
    {.path = "launch_overhead_us", .type = CFG_FLOAT, M(launch_overhead_us), AT_LEAST(0), .def = "0",
     .doc = "time per kernel launch in microseconds"},
    {.path = "usd_per_hour", .type = CFG_FLOAT, M(usd_per_hour), AT_LEAST(0), .def = "0",
     .doc = "USD per device-hour, 0 = unknown"},
};

static const cfg_table model_table = {model_keys, CLMLP_ARRAY_LEN(model_keys), "device model",
                                      "keys such as 'name:' and 'peak_gflops:'"};

static const char *const required[] = {"name", "kind", "peak_gflops.fp32", "memory_bandwidth_gbps", "memory_gib",
                                       "launch_overhead_us"};

const char *clmlp_device_class_name(clmlp_device_class cls)
{
    return (unsigned)cls < CLMLP_CLASS_COUNT ? classes[cls] : "?";
}

clmlp_device_class clmlp_device_class_of(cl_device_type type)
{
    if (type & (CL_DEVICE_TYPE_ACCELERATOR | CL_DEVICE_TYPE_CUSTOM))
        return CLMLP_CLASS_ACCELERATOR;
    if (type & CL_DEVICE_TYPE_GPU)
        return CLMLP_CLASS_GPU;
    return CLMLP_CLASS_CPU;
}

int clmlp_devmodel_parse(const char *text, size_t len, const char *origin, const char *id, clmlp_devmodel *m,
                         clmlp_err *err)
{
    memset(m, 0, sizeof *m);
    cfg_table_defaults(&model_table, m);
    unsigned char seen[CLMLP_ARRAY_LEN(model_keys)] = {0};
    if (cfg_table_parse(&model_table, m, text, len, origin, "", seen, err) < 0)
        return -1;
    for (size_t r = 0; r < CLMLP_ARRAY_LEN(required); r++) {
        const cfg_key *k = cfg_table_find(&model_table, required[r]);
        if (!seen[k - model_keys])
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s:1:1: %s: missing required key (%s)", origin, k->path,
                              k->doc);
    }
    if (!m->name[0])
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s:1:1: name: must not be empty", origin);
    clmlp_strlcpy(m->id, id, sizeof m->id);
    clmlp_strlcpy(m->origin, origin, sizeof m->origin);
    return 0;
}

/* "configs/devices/tpu_v2.yaml" -> "tpu_v2" */
static void id_of(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    snprintf(out, cap, "%.*s", (int)(dot && dot != base ? dot - base : (ptrdiff_t)strlen(base)), base);
}

int clmlp_devmodel_load(const char *path, clmlp_devmodel *m, clmlp_err *err)
{
    size_t len = 0;
    char *text = clmlp_read_text_file(path, 1u << 20, "device model", CLMLP_EXIT_USAGE, &len, err);
    if (!text)
        return -1;
    char id[64];
    id_of(path, id, sizeof id);
    int rc = clmlp_devmodel_parse(text, len, path, id, m, err);
    free(text);
    return rc;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The *.yaml names in dir, sorted, malloc'ed (each and the array). */
static char **yaml_files(const char *dir, int *count, clmlp_err *err)
{
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) {
        clmlp_fail(err, CLMLP_EXIT_USAGE, "compare.models: cannot open folder '%s'", dir);
        return NULL;
    }
    char **names = NULL;
    int n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **bigger = realloc(names, (size_t)cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, (size_t)n, sizeof *names, by_name);
    *count = n;
    return names ? names : calloc(1, sizeof *names);
}

static int add_model(clmlp_devmodel **models, int *count, const clmlp_devmodel *m, clmlp_err *err)
{
    for (int i = 0; i < *count; i++)
        if (strcmp((*models)[i].id, m->id) == 0) {
            (*models)[i] = *m;
            return 0;
        }
    clmlp_devmodel *bigger = realloc(*models, (size_t)(*count + 1) * sizeof **models);
    if (!bigger)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory loading device models");
    bigger[(*count)++] = *m;
    *models = bigger;
    return 0;
}

static int load_folder(const char *dir, clmlp_devmodel **models, int *count, clmlp_err *err)
{
    int n = 0;
    char **names = yaml_files(dir, &n, err);
    if (!names)
        return -1;
    int rc = 0;
    clmlp_devmodel m;
    for (int i = 0; i < n && rc == 0; i++) {
        char path[CLMLP_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = clmlp_devmodel_load(path, &m, err) < 0 ? -1 : add_model(models, count, &m, err);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int clmlp_devmodels_load(const char *dir, clmlp_devmodel **out, int *count, clmlp_err *err)
{
    clmlp_devmodel *models = NULL, m;
    int n = 0;
    for (int i = 0; i < clmlp_devmodels_source_count; i++) {
        const char *id = clmlp_devmodels_sources[i].name, *text = clmlp_devmodels_sources[i].source;
        char origin[CLMLP_PATH_MAX];
        snprintf(origin, sizeof origin, "configs/devices/%s.yaml (built in)", id);
        if (clmlp_devmodel_parse(text, strlen(text), origin, id, &m, err) < 0 || add_model(&models, &n, &m, err) < 0)
            goto fail;
    }
    if (dir && dir[0] && load_folder(dir, &models, &n, err) < 0)
        goto fail;
    *out = models;
    *count = n;
    return 0;
fail:
    free(models);
    *out = NULL;
    *count = 0;
    return -1;
}

int clmlp_devmodel_find(const clmlp_devmodel *models, int count, const clmlp_device_desc *desc)
{
    for (int i = 0; i < count; i++)
        if (models[i].match[0] && models[i].kind == clmlp_device_class_of(desc->type) &&
            clmlp_contains_ci(desc->name, models[i].match))
            return i;
    return -1;
}

bool clmlp_roof_from_model(const clmlp_devmodel *m, clmlp_precision prec, unsigned units, clmlp_roof *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)prec >= CLMLP_PREC_COUNT || m->peak_gflops[prec] <= 0)
        return false;
    double share = units > 0 && m->compute_units > 0 && (int)units < m->compute_units
                       ? (double)units / m->compute_units
                       : 1.0;
    out->flops_per_s = m->peak_gflops[prec] * 1e9 * share;
    out->bytes_per_s = m->memory_bandwidth_gbps * 1e9;
    out->launch_s = m->launch_overhead_us * 1e-6;
    return true;
}
