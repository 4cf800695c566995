/* Device models: what a device that may not be present can do, as a few
 * numbers a roofline (roofline.h) turns into predicted step times and the
 * extrapolation (extrapolate.h) into hours and dollars. One YAML file per
 * device in configs/devices/ (embedded into the binary at build time), each
 * figure with its source in a comment:
 *
 *   name: NVIDIA Tesla V100 SXM2 16 GB   # required
 *   kind: gpu                  # required: cpu | gpu | accelerator
 *   match: ""                  # substring of the OpenCL device names it describes ("" = none)
 *   compute_units: 80          # units the peaks are for (SMs, cores); 0 = do not scale
 *   peak_gflops:
 *     fp32: 15700              # required, > 0
 *     fp16: 125000             # 0 = no such unit
 *     bf16: 0
 *   memory_bandwidth_gbps: 900 # required, > 0; GB/s = 1e9 bytes/s
 *   memory_gib: 16             # required, > 0
 *   launch_overhead_us: 5      # required, >= 0; per kernel launch
 *   usd_per_hour: 3.06         # 0 = unknown
 *
 * Errors are one line, file:line:col: <key>: <message>, exit code 2, as the
 * config loader's (an unknown key gets a did-you-mean). */
#ifndef CLMLP_DEVMODEL_H
#define CLMLP_DEVMODEL_H

#include "clmlp/config.h"
#include "clmlp/device.h"
#include "clmlp/roofline.h"

/* What the speedup chain compares: CPU -> GPU -> accelerator. */
typedef enum { CLMLP_CLASS_CPU, CLMLP_CLASS_GPU, CLMLP_CLASS_ACCELERATOR, CLMLP_CLASS_COUNT } clmlp_device_class;

typedef struct clmlp_devmodel {
    char id[64];                  /* file stem: "tpu_v2" */
    char origin[CLMLP_PATH_MAX];  /* where it was read: a path, or "configs/devices/x.yaml (built in)" */
    char name[CLMLP_NAME_MAX];
    clmlp_device_class kind;
    char match[CLMLP_NAME_MAX];
    int compute_units;
    double peak_gflops[CLMLP_PREC_COUNT]; /* indexed by clmlp_precision; 0 = not supported */
    double memory_bandwidth_gbps;
    double memory_gib;
    double launch_overhead_us;
    double usd_per_hour;
} clmlp_devmodel;

/* "cpu", "gpu", "accelerator"; and the class of an OpenCL device type
 * (ACCELERATOR and CUSTOM are accelerators; anything else not a GPU is a CPU). */
const char *clmlp_device_class_name(clmlp_device_class cls);
clmlp_device_class clmlp_device_class_of(cl_device_type type);

/* Parses one model; origin names the text in errors, id is stored as is. */
int clmlp_devmodel_parse(const char *text, size_t len, const char *origin, const char *id, clmlp_devmodel *m,
                         clmlp_err *err);
/* Reads and parses a file; the id is its stem. */
int clmlp_devmodel_load(const char *path, clmlp_devmodel *m, clmlp_err *err);

/* The built-in models, then every *.yaml in dir (NULL or "" = none) in name
 * order; a file replaces the built-in model with the same id. *out is
 * malloc'ed. Any invalid model is an error. */
int clmlp_devmodels_load(const char *dir, clmlp_devmodel **out, int *count, clmlp_err *err);

/* The first model whose match is a case-insensitive substring of the
 * device's name and whose kind is the device's class; -1 when none. */
int clmlp_devmodel_find(const clmlp_devmodel *models, int count, const clmlp_device_desc *desc);

/* The roof of a device model at a precision. units > 0 (a present
 * device's compute units) scales the peak by units / model->compute_units
 * when the model gives its units (a single-threaded CPU device gets half of
 * a two-core model). False when the model has no peak at that precision. */
bool clmlp_roof_from_model(const clmlp_devmodel *m, clmlp_precision prec, unsigned units, clmlp_roof *out);

#endif
