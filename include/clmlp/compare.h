/* `clmlp compare`: one experiment (same data, seed, plan) on several devices,
 * in rounds: round r runs every device once, each in a fresh OpenCL
 * context, the order reversed every other round so drift hits all alike.
 *   - per device: train seconds per epoch (median, min-max over rounds),
 *     train and eval images/s, accuracy, memory, and the speedup against a
 *     baseline device (median and range of the per-round paired ratios);
 *   - the speedup chain CPU -> GPU -> accelerator: the seed's assumed
 *     factors beside the measured ones and the modeled ones: ratios of
 *     roofline-predicted steps (roofline.h), the present devices modeled
 *     from their own probe, the absent ones from datasheet models
 *     (devmodel.h);
 *   - the same roofline applied to each present device, beside its
 *     measurement, so a reader sees how far to trust the modeled figures;
 *   - the extrapolation to N_train / N_test images (extrapolate.h).
 * The same device twice is refused unless compare.noise_check asks for it.
 * Writers put it into compare.json and compare.md, and compare.html is drawn
 * from compare.json. */
#ifndef CLMLP_COMPARE_H
#define CLMLP_COMPARE_H

#include "clmlp/devmodel.h"
#include "clmlp/experiment.h"
#include "clmlp/extrapolate.h"
#include "clmlp/json_parse.h"
#include "clmlp/roofline.h"

#define CLMLP_COMPARE_MAX_DEVICES 16
#define CLMLP_CHAIN_MAX_MODELED 16
#define CLMLP_COMPARE_MAX_ROUNDS 50

/* An MPI run's data-parallel training, from report.json's "mpi" object:
 * absent (or null) in a single-process run, and any key it lacks reads as
 * absent (0). */
typedef struct clmlp_mpi_measure {
    int ranks;                          /* 0 = no mpi object */
    double global_batch;                /* images per step over all ranks */
    double bytes_per_step;              /* all-reduced once per step */
    double steps;                       /* all-reduces timed */
    double seconds_total;
    double seconds_per_step_median, seconds_per_step_min, seconds_per_step_max;
    double share_of_train;              /* the all-reduce's part of training time */
    /* One device's training cost per image: the slowest rank's training
     * seconds less its all-reduce seconds (its shard's compute; a rank that
     * waits for others has that wait in its all-reduce), x ranks over
     * steps x global_batch images. 0 = the report lacks a figure. */
    double rank_compute_s;
    double device_train_s_per_image;
} clmlp_mpi_measure;

typedef struct clmlp_compare_run {
    char spec[CLMLP_NAME_MAX]; /* as given: "name=pthread" */
    clmlp_device_spec device;
    /* The device the spec selected (clmlp_compare_select): what "the same
     * device" means. selected = false for a run read from a report. */
    bool selected;
    int platform_index, device_index;
    int same_as;                        /* an earlier run on the same device (a noise check), -1 = none */
    clmlp_run_result run;               /* the median round's result */
    clmlp_plan *train_plan, *eval_plan; /* the plans this device ran (copied from its session) */
    clmlp_device_class cls;
    /* Rounds: training seconds of each (all its epochs); 0 rounds = one,
     * run.train_seconds (a run read from a report, or made by hand). */
    double round_train_s[CLMLP_COMPARE_MAX_ROUNDS];
    int median_round;                   /* the round `run` is from */
    clmlp_spread round_s;               /* training seconds per round: median, min, max */
    clmlp_spread epoch_s;               /* train seconds per epoch over the rounds */
    bool short_rounds;                  /* median training seconds per round < compare.min_round_seconds */
    /* measured (train_s_per_epoch = epoch_s.median; the rest from it or the median round) */
    double train_s_per_epoch, train_images_per_s, eval_images_per_s;
    double step_s;                      /* train seconds / steps */
    double train_s_per_image, eval_s_per_image;
    double speedup;                     /* median of the per-round ratios baseline's time / this run's */
    clmlp_spread speedup_spread;        /* those ratios: median, min, max */
    bool distinguishable;               /* a speedup is claimed: 2+ rounds, another device, range excludes 1 */
    double accuracy_delta;              /* accuracy - baseline's (0..1 scale) */
    bool accuracy_flagged;              /* |accuracy_delta| > compare.accuracy_tolerance */
    /* predicted by a hand-written device model whose match names it (model >= 0) */
    int model;
    clmlp_roofline pred_step, pred_eval_batch;
    /* Its measured model: the roofline of its own probe (run.has_probe),
     * GEMM roof, bandwidth ladder and launch cost, on its own plans (fp32,
     * as it ran). What the chain's modeled links start from. */
    bool probed;
    clmlp_roof probe_roof;
    clmlp_roofline probe_step, probe_eval_batch;
    size_t host_peak_bytes;             /* peak resident set of the process by the end of this run */
    clmlp_mpi_measure mpi;              /* a run read from an MPI run's report; ranks 0 otherwise */
    double run_train_s_per_image;       /* training seconds ÷ images of the run itself (an MPI run: all its ranks) */
} clmlp_compare_run;

/* One kernel of a training step: the launches with its name, per step. */
typedef struct clmlp_kernel_row {
    char name[48];
    int launches;                       /* per step */
    double flops, bytes;                /* per step, from the plan */
    double measured_s;                  /* device seconds per step (profiler); 0 = not recorded */
    double model_s, probe_s;            /* roofline per step: device model / probe; 0 = none */
    double probe_roof_s;                /* probe_s without launch overhead: what its device time is held to */
} clmlp_kernel_row;

/* What a device model predicts for the experiment's plans. */
typedef struct clmlp_model_prediction {
    bool ok;                            /* the model has a peak at the precision asked */
    clmlp_roofline step, eval_batch;
    double train_s_per_image, eval_s_per_image;
} clmlp_model_prediction;

/* One end of a modeled link: a present device's measured model (run >= 0)
 * or a hand-written device model (model >= 0); the other is -1. */
typedef struct clmlp_model_ref {
    int run, model;
} clmlp_model_ref;

typedef struct clmlp_chain_link {
    clmlp_device_class from, to;
    double seed_factor;                 /* 14, 768, 10 752; 0 = the seed assumed none (CPU -> CPU) */
    bool measured;
    int from_run, to_run;
    double measured_factor;             /* median of the per-round ratios from's train time / to's */
    clmlp_spread measured_spread;       /* those ratios */
    bool distinguishable;               /* 2+ rounds and their range excludes 1.0 */
    int n_modeled;
    struct {
        clmlp_model_ref from, to;
        double factor;                  /* from's predicted step / to's */
    } modeled[CLMLP_CHAIN_MAX_MODELED];
} clmlp_chain_link;

/* An extrapolated row: a measured device or a device model. */
typedef struct clmlp_extrap_row {
    bool measured;
    int index;                          /* into runs (measured) or models */
    clmlp_scale_in in;
    clmlp_scale out;
    clmlp_comm_in comm_in;              /* its global step on one device, for the all-reduce model */
    clmlp_comm_scale comm;              /* on the chosen interconnect (clmlp_compare.link >= 0) */
} clmlp_extrap_row;

#define CLMLP_COMPARE_MAX_LINKS 8

/* The gradient all-reduce of data-parallel training: the links it is
 * modeled on, the chosen one, and the baseline's row on every link. */
typedef struct clmlp_compare_comm {
    double global_batch;                /* training.batch_size: images per global step */
    double parameters;                  /* of the model */
    double gradient_bytes;              /* per step: the plan's gradient region (float32, aligned) */
    int mpi_run;                        /* the run whose MPI all-reduce gave the measured links, -1 = none */
    clmlp_link links[CLMLP_COMPARE_MAX_LINKS]; /* none, the presets, custom, measured, measured-fastest */
    int n_links;
    int link;                           /* the chosen one (extrapolate.interconnect), -1 = measured without an MPI run */
    int row;                            /* the row the every-link table is for: the baseline's */
    clmlp_comm_scale per_link[CLMLP_COMPARE_MAX_LINKS]; /* that row on each link */
} clmlp_compare_comm;

typedef struct clmlp_compare {
    clmlp_config cfg;                   /* the experiment; each run replaces its device section */
    clmlp_compare_run runs[CLMLP_COMPARE_MAX_DEVICES];
    int n_runs, baseline;
    int n_rounds;                       /* rounds each run has (0 = one, see round_train_s) */
    bool noise_check;                   /* some device ran twice (compare.noise_check allowed it) */
    clmlp_devmodel *models;
    int n_models;
    clmlp_model_prediction *predictions; /* per model, on the baseline's plans */
    clmlp_chain_link chain[4];
    int n_chain;
    clmlp_extrap_row *rows;             /* measured runs, then models */
    int n_rows;
    clmlp_compare_comm comm;            /* the same rows with a gradient all-reduce per step */
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
 * no device twice unless compare.noise_check, the baseline is one of them;
 * loads the device models. One-line errors. */
int clmlp_compare_prepare(const clmlp_config *cfg, const char *devices, clmlp_compare *c, clmlp_err *err);

/* Pure (tests give fake descriptors): selects each run's device among
 * descs and refuses two runs on the same device (platform and device
 * index) unless noise_check; exit 2, one line naming both specs. */
int clmlp_compare_select(clmlp_compare *c, const clmlp_device_desc *descs, int count, bool noise_check,
                         clmlp_err *err);

/* Where the rounds are, for progress output: before a run (result NULL)
 * and after it. */
typedef struct clmlp_compare_progress {
    int round, rounds;                  /* 0-based round of compare.rounds */
    int device, devices;                /* index into runs, and how many */
    const clmlp_run_result *result;     /* this round's result, NULL before the run */
} clmlp_compare_progress;

/* Runs the experiment compare.rounds times on every device, in rounds that
 * alternate the device order, keeps each device's median round (the rest
 * are freed as soon as they cannot be it) and analyzes. hooks are passed
 * through to each run (on_start is wrapped so the plans can be kept). */
int clmlp_compare_run_all(clmlp_compare *c, const clmlp_run_hooks *hooks,
                          void (*on_run)(void *user, const clmlp_compare *c, const clmlp_compare_progress *p),
                          clmlp_err *err);

/* One "run" from an existing report.json instead of a measurement: its
 * device, times, accuracy, memory, probe and per-kernel times; the plans are
 * compiled from cfg, which must describe the same model and batch (the
 * run's config.yaml does). An SVM's report (config.kind svm) brings its
 * solver figures and support vectors back, needs an SVM config of the same
 * input width and classes, and compiles no plan. Loads the device models
 * and analyzes. */
int clmlp_compare_from_report(const clmlp_config *cfg, const char *report_path, clmlp_compare *c, clmlp_err *err);

/* Pure: speedups, accuracy flags, predictions, chain and extrapolation from
 * the runs and models. Called by clmlp_compare_run_all; tests call it on
 * hand-made runs. Returns -1 only when out of memory. */
int clmlp_compare_analyze(clmlp_compare *c, clmlp_err *err);

/* The chain links from the runs and model predictions (part of analyze). */
void clmlp_compare_chain(clmlp_compare *c);
/* The rows' device counts with a gradient all-reduce per step (part of
 * analyze, after the rows): the links, the chosen one, every link for the
 * baseline's row. */
void clmlp_compare_comm_rows(clmlp_compare *c, int input_dim);
/* One-line usage error when extrapolate.interconnect is measured and no
 * run has an MPI all-reduce to fit (2+ ranks, bytes and a median time);
 * report: the report.json the runs came from, NULL = measured now. */
int clmlp_compare_check_interconnect(const clmlp_compare *c, const char *report, clmlp_err *err);
/* Whether run i's MPI block gives a measured link. */
bool clmlp_compare_mpi_fits(const clmlp_compare_run *r);

/* Spreads over rounds (stats.c). The spread of n values (v is not
 * changed); the per-round ratios num[r] / den[r]; whether a spread of
 * ratios shows a difference: 2+ rounds and a range that excludes 1.0. */
void clmlp_compare_spread(const double *v, int n, clmlp_spread *out);
void clmlp_compare_ratios(const double *num, const double *den, int n, clmlp_spread *out);
bool clmlp_compare_distinguishable(const clmlp_spread *ratios);
/* The median round: the round at the lower middle of the times sorted
 * (ties by round), so an odd count gives the median itself. */
int clmlp_compare_median_round(const double *times, int n);
/* Whether round `round` of the `have` rounds timed so far can still be the
 * median round once all `total` are: later rounds only move its rank up. */
bool clmlp_compare_may_be_median(const double *times, int have, int total, int round);

/* The id of a model end: a hand-written model's file stem ("v100"), or
 * "probe:<device index>" for a present device's measured model. */
const char *clmlp_compare_model_id(const clmlp_compare *c, clmlp_model_ref ref, char *buf, size_t cap);

/* $/hour of run i: the price of the hand-written model that matches it,
 * else extrapolate.usd_per_hour (0 = unknown). */
double clmlp_compare_usd_per_hour(const clmlp_compare *c, int i);

/* The kernels of run i's training step, by measured device time (by the
 * model's prediction when the profiler recorded none); at most cap rows,
 * returns how many. */
int clmlp_compare_kernels(const clmlp_compare *c, int i, clmlp_kernel_row *rows, int cap);

void clmlp_compare_free(clmlp_compare *c);

/* compare.json and compare.md. */
int clmlp_compare_write_json(FILE *out, const clmlp_compare *c);
int clmlp_compare_write_md(FILE *out, const clmlp_compare *c);
/* compare.html from compare.json's parsed tree (a const clmlp_jv *): train
 * images/s per device with the rounds' range, the speedup chain on a log
 * scale, predicted vs measured step time, the extrapolation's hours and
 * dollars; one self-contained page (svg.h). */
int clmlp_compare_write_html(FILE *out, const void *compare_json);
/* The extrapolation section alone ("## <section>. Extrapolation ..."), for
 * compare.md and `clmlp extrapolate`. */
int clmlp_compare_write_extrapolation_md(FILE *out, const clmlp_compare *c, int section);

#endif
