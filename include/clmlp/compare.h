/* `clmlp compare`: one experiment (same data, seed, plan) on several devices
 * in turn, each in a fresh OpenCL context, then
 *   - per device: train seconds per epoch, train and eval images/s,
 *     accuracy, memory, and the speedup against a baseline device;
 *   - the speedup chain CPU -> GPU -> accelerator: the seed's assumed
 *     factors beside the measured ones and the modeled ones (device models,
 *     devmodel.h, through the roofline, roofline.h);
 *   - the same roofline applied to each present device, beside its
 *     measurement, so a reader sees how far to trust the modeled figures;
 *   - the extrapolation to N_train / N_test images (extrapolate.h).
 * Writers put it into compare.json and compare.md. */
#ifndef CLMLP_COMPARE_H
#define CLMLP_COMPARE_H

#include "clmlp/devmodel.h"
#include "clmlp/experiment.h"
#include "clmlp/extrapolate.h"
#include "clmlp/roofline.h"

#define CLMLP_COMPARE_MAX_DEVICES 16
#define CLMLP_CHAIN_MAX_MODELED 16

typedef struct clmlp_compare_run {
    char spec[CLMLP_NAME_MAX]; /* as given: "name=pthread" */
    clmlp_device_spec device;
    clmlp_run_result run;
    clmlp_plan *train_plan, *eval_plan; /* the plans this device ran (copied from its session) */
    clmlp_device_class cls;
    /* measured */
    double train_s_per_epoch, train_images_per_s, eval_images_per_s;
    double step_s;                      /* train seconds / steps */
    double train_s_per_image, eval_s_per_image;
    double speedup;                     /* baseline's train_s_per_epoch / this run's */
    double accuracy_delta;              /* accuracy - baseline's (0..1 scale) */
    bool accuracy_flagged;              /* |accuracy_delta| > compare.accuracy_tolerance */
    /* predicted by the device model that describes it (model >= 0) */
    int model;
    clmlp_roofline pred_step, pred_eval_batch;
    /* predicted from the device's own measured peaks (run.has_probe) */
    bool probed;
    clmlp_roofline probe_step, probe_eval_batch;
    size_t host_peak_bytes;             /* peak resident set of the process by the end of this run */
} clmlp_compare_run;

/* One kernel of a training step: the launches with its name, per step. */
typedef struct clmlp_kernel_row {
    char name[48];
    int launches;                       /* per step */
    double flops, bytes;                /* per step, from the plan */
    double measured_s;                  /* device seconds per step (profiler); 0 = not recorded */
    double model_s, probe_s;            /* roofline per step: device model / probe; 0 = none */
} clmlp_kernel_row;

/* What a device model predicts for the experiment's plans. */
typedef struct clmlp_model_prediction {
    bool ok;                            /* the model has a peak at the precision asked */
    clmlp_roofline step, eval_batch;
    double train_s_per_image, eval_s_per_image;
} clmlp_model_prediction;

typedef struct clmlp_chain_link {
    clmlp_device_class from, to;
    double seed_factor;                 /* 14, 768, 10 752; 0 = the seed assumed none (CPU -> CPU) */
    bool measured;
    int from_run, to_run;
    double measured_factor;             /* from's train s/epoch / to's */
    int n_modeled;
    struct {
        int from_model, to_model;
        double factor;                  /* from's predicted step / to's */
    } modeled[CLMLP_CHAIN_MAX_MODELED];
} clmlp_chain_link;

/* An extrapolated row: a measured device or a device model. */
typedef struct clmlp_extrap_row {
    bool measured;
    int index;                          /* into runs (measured) or models */
    clmlp_scale_in in;
    clmlp_scale out;
} clmlp_extrap_row;

typedef struct clmlp_compare {
    clmlp_config cfg;                   /* the experiment; each run replaces its device section */
    clmlp_compare_run runs[CLMLP_COMPARE_MAX_DEVICES];
    int n_runs, baseline;
    clmlp_devmodel *models;
    int n_models;
    clmlp_model_prediction *predictions; /* per model, on the baseline's plans */
    clmlp_chain_link chain[4];
    int n_chain;
    clmlp_extrap_row *rows;             /* measured runs, then models */
    int n_rows;
    clmlp_seed_arith seed;              /* the seed's arithmetic, as it did it */
    int epochs;                         /* E of the extrapolation */
    double bytes_per_image;
    size_t stream_bytes;                /* double-buffered training chunks on the device at scale */
    char started[32];                   /* local time the comparison started */
    char from_report[CLMLP_PATH_MAX];   /* the report.json the one run was read from, "" = measured now */
} clmlp_compare;

/* Splits "name=pthread,type=gpu:index=1,basic" into specs. */
int clmlp_compare_parse_devices(const char *list, clmlp_compare *c, clmlp_err *err);

/* Checks the comparison before anything runs: specs parsed (from `devices`,
 * else cfg->compare.devices; at least one), each matches a present device,
 * the baseline is one of them; loads the device models. One-line errors. */
int clmlp_compare_prepare(const clmlp_config *cfg, const char *devices, clmlp_compare *c, clmlp_err *err);

/* Runs the experiment on every device in turn; hooks are passed through to
 * each run (on_start is wrapped so the plans can be kept). */
int clmlp_compare_run_all(clmlp_compare *c, const clmlp_run_hooks *hooks,
                          void (*on_device)(void *user, int i, int n, const clmlp_compare_run *run),
                          clmlp_err *err);

/* One "run" from an existing report.json instead of a measurement: its
 * device, times, accuracy, memory, probe and per-kernel times; the plans are
 * compiled from cfg, which must describe the same model and batch (the
 * run's config.yaml does). Loads the device models and analyzes. */
int clmlp_compare_from_report(const clmlp_config *cfg, const char *report_path, clmlp_compare *c, clmlp_err *err);

/* Pure: speedups, accuracy flags, predictions, chain and extrapolation from
 * the runs and models. Called by clmlp_compare_run_all; tests call it on
 * hand-made runs. Returns -1 only when out of memory. */
int clmlp_compare_analyze(clmlp_compare *c, clmlp_err *err);

/* The chain links from the runs and model predictions (part of analyze). */
void clmlp_compare_chain(clmlp_compare *c);

/* The kernels of run i's training step, by measured device time (by the
 * model's prediction when the profiler recorded none); at most cap rows,
 * returns how many. */
int clmlp_compare_kernels(const clmlp_compare *c, int i, clmlp_kernel_row *rows, int cap);

void clmlp_compare_free(clmlp_compare *c);

/* compare.json and compare.md. */
int clmlp_compare_write_json(FILE *out, const clmlp_compare *c);
int clmlp_compare_write_md(FILE *out, const clmlp_compare *c);
/* The extrapolation section alone ("## <section>. Extrapolation ..."), for
 * compare.md and `clmlp extrapolate`. */
int clmlp_compare_write_extrapolation_md(FILE *out, const clmlp_compare *c, int section);

#endif
