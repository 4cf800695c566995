/* The experiment config: one typed, validated struct read from YAML.
 *
 * Every key, its type, range and default is declared once, in the schema
 * table of src/config/schema.c; configs/reference.yaml documents the same
 * keys for users and is parsed by a test. */
#ifndef CLMLP_CONFIG_H
#define CLMLP_CONFIG_H

#include "clmlp/common.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLMLP_NAME_MAX 128
#define CLMLP_MAX_HIDDEN 16

typedef enum { CLMLP_DEVICE_ANY, CLMLP_DEVICE_CPU, CLMLP_DEVICE_GPU, CLMLP_DEVICE_ACCELERATOR } clmlp_device_kind;

/* What the user asked for; matched against the devices that exist by
 * clmlp_device_select (device.h). Empty strings and index -1 mean "any". */
typedef struct clmlp_device_spec {
    clmlp_device_kind type;
    char platform[CLMLP_NAME_MAX]; /* case-insensitive substring of the platform name */
    char name[CLMLP_NAME_MAX];     /* case-insensitive substring of the device name */
    int index;                     /* position among the devices that match, -1 = first */
    bool per_rank;                 /* under mpirun: rank r opens the r-th match (index ignored) */
} clmlp_device_spec;

typedef enum { CLMLP_FORMAT_IDX, CLMLP_FORMAT_CSV } clmlp_data_format;

/* One split (train or test). For IDX, images+labels; for CSV, csv (with a
 * label column when has_labels). Paths are absolute after loading: relative
 * paths in the file resolve against the config file's folder. */
typedef struct clmlp_data_source {
    clmlp_data_format format;
    char images[CLMLP_PATH_MAX];
    char labels[CLMLP_PATH_MAX];
    char csv[CLMLP_PATH_MAX];
    bool has_labels; /* CSV only; the Kaggle test.csv has none */
    int64_t skip;    /* leave out the first `skip` examples (a held-out window of one file) */
    int64_t limit;   /* then use the next `limit` examples, 0 = all */
} clmlp_data_source;

/* model.kind: the seed's two systems. */
typedef enum { CLMLP_MODEL_MLP, CLMLP_MODEL_SVM } clmlp_model_kind;
typedef enum { CLMLP_KERNEL_RBF } clmlp_svm_kernel_kind;
typedef enum { CLMLP_ACT_RELU, CLMLP_ACT_SIGMOID, CLMLP_ACT_TANH } clmlp_activation;
typedef enum { CLMLP_INIT_NORMAL, CLMLP_INIT_HE, CLMLP_INIT_XAVIER } clmlp_init_scheme;
typedef enum { CLMLP_BIAS_INIT_NORMAL, CLMLP_BIAS_INIT_ZEROS } clmlp_bias_init;
typedef enum { CLMLP_OPT_ADAM, CLMLP_OPT_SGD } clmlp_optimizer;
typedef enum { CLMLP_GEMM_AUTO, CLMLP_GEMM_CLBLAST, CLMLP_GEMM_GENERATED } clmlp_gemm_provider;
typedef enum { CLMLP_AUTOTUNE_OFF, CLMLP_AUTOTUNE_QUICK, CLMLP_AUTOTUNE_FULL } clmlp_autotune;
typedef enum { CLMLP_PREC_FP32, CLMLP_PREC_FP16, CLMLP_PREC_BF16, CLMLP_PREC_COUNT } clmlp_precision;
/* The link a data-parallel extrapolation all-reduces gradients over
 * (extrapolate.interconnect). AUTO: MEASURED when the report holds an MPI
 * run of 2+ ranks, else NVLINK; NONE: perfect scaling. */
typedef enum {
    CLMLP_LINK_AUTO,
    CLMLP_LINK_NVLINK,
    CLMLP_LINK_INFINIBAND,
    CLMLP_LINK_ETHERNET,
    CLMLP_LINK_MEASURED,
    CLMLP_LINK_CUSTOM,
    CLMLP_LINK_NONE,
    CLMLP_LINK_COUNT
} clmlp_interconnect;
/* What a run does when training goes wrong (training.on_nonfinite, on_divergence). */
typedef enum { CLMLP_ON_STOP, CLMLP_ON_WARN } clmlp_on_problem;

#define CLMLP_DEVICE_LIST_MAX 512

typedef struct clmlp_config {
    char name[CLMLP_NAME_MAX];
    char source_path[CLMLP_PATH_MAX]; /* the YAML file this came from ("" if none) */
    char base_dir[CLMLP_PATH_MAX];    /* folder relative paths resolve against */

    clmlp_device_spec device;

    struct {
        clmlp_data_source train, test;
        bool scale;            /* pixel / 255 -> [0,1] */
        bool binarize;         /* pixel > 0 -> 1 (the seed's SVM part) */
        bool shuffle;          /* reshuffle the training set every epoch */
        uint64_t shuffle_seed;
        bool stream;           /* stream training chunks from the host (auto when the set does not fit) */
        bool drop_last;        /* leave out the images past the last whole batch; false: they must not exist */
    } data;

    struct {
        clmlp_model_kind kind;
        int input;                     /* 0 = taken from the data (784 for MNIST) */
        int hidden[CLMLP_MAX_HIDDEN];  /* hidden layer widths */
        int n_hidden;
        int classes;
        clmlp_activation activation;
        clmlp_init_scheme init;
        double init_stddev;            /* for init: normal */
        clmlp_bias_init bias_init;
        double bias_stddev;            /* for bias_init: normal */
        /* kind svm (scikit-learn's SVC meanings) */
        clmlp_svm_kernel_kind kernel;
        double C;                      /* box constraint */
        char gamma[32];                /* "scale", "auto" or a positive number (clmlp_config_svm_gamma) */
        double tol;                    /* SMO stopping tolerance (scikit-learn's tol) */
        int cache_mb;                  /* kernel cache per binary problem, MiB */
    } model;

    struct {
        clmlp_optimizer optimizer;
        double lr, beta1, beta2, eps;  /* Adam, TF1 semantics */
        double momentum;               /* SGD */
        int batch_size;
        int epochs;
        uint64_t seed;                 /* weight init */
        int eval_batch_size;
        clmlp_on_problem on_nonfinite;  /* NaN/Inf in the loss, a parameter or a gradient */
        clmlp_on_problem on_divergence; /* a loss far above its best, or chance-level accuracy */
    } training;

    struct {
        bool fuse;
        clmlp_gemm_provider gemm;
        clmlp_autotune autotune;
    } compiler;

    struct {
        bool enabled;
        int trace_steps;
        bool probe;
    } profile;

    /* `clmlp compare`: the same experiment on several devices. */
    struct {
        char devices[CLMLP_DEVICE_LIST_MAX]; /* device specs as --devices takes them, "" = none */
        int baseline;                        /* position in the device list of the speedup baseline */
        double accuracy_tolerance;           /* |accuracy - baseline's| above this is flagged (0..1) */
        char models[CLMLP_PATH_MAX];         /* folder of device-model YAML files (configs/devices) */
        int rounds;                          /* each device runs this often, in interleaved rounds (1..50) */
        bool noise_check;                    /* the same device twice is allowed: a measurement of noise */
        double min_round_seconds;            /* median training seconds per round below this are flagged */
    } compare;

    /* Scaling the measured per-image costs to a large data set. */
    struct {
        double train_images, test_images; /* N_train, N_test */
        int epochs;                       /* E (default the seed's 20); 0 = training.epochs */
        double storage_read_gbps;         /* GB/s (1e9 bytes/s) one device can read its data at */
        double target_hours;              /* wall time to finish in: sizes the device count */
        double usd_per_hour;              /* price of a measured device with no priced model; 0 = unknown */
        clmlp_precision precision;        /* which peak the roofline uses for modeled devices */
        clmlp_interconnect interconnect;  /* the gradient all-reduce's link */
        double link_gbps;                 /* custom link: GB/s (1e9 B/s) per direction per device; 0 = none */
        double link_latency_us;           /* custom link: latency per ring step, µs */
    } extrapolate;

    struct {
        char dir[CLMLP_PATH_MAX];      /* parent of run directories, default "runs" */
        char run_dir[CLMLP_PATH_MAX];  /* exact run directory; "" = <dir>/<name>-<timestamp> */
    } output;
} clmlp_config;

/* Fills every field with its documented default. */
void clmlp_config_defaults(clmlp_config *cfg);

/* Parses YAML text. `origin` names the text in error messages (a file path,
 * or e.g. "<string>"); `base_dir` is where relative data paths resolve.
 * Overrides are "section.key=value" strings applied after the text, with the
 * same validation. On error: exit code CLMLP_EXIT_USAGE and one line such as
 *   configs/x.yaml:12:3: unknown key 'trainig' (did you mean 'training'?)
 *   configs/x.yaml:4:15: training.batch_size: 0 is out of range [1, 65536]
 *   --set trainig.lr=1: unknown key 'trainig.lr' (did you mean 'training.lr'?)
 * Relative paths in overrides resolve against the current directory. */
int clmlp_config_parse(const char *yaml_text, size_t len, const char *origin, const char *base_dir,
                       const char *const *overrides, int n_overrides, clmlp_config *cfg, clmlp_err *err);

/* Reads the file, then clmlp_config_parse with base_dir = the file's folder. */
int clmlp_config_load(const char *path, const char *const *overrides, int n_overrides, clmlp_config *cfg,
                      clmlp_err *err);

/* One device spec as `clmlp compare --devices` takes them: "key=value"
 * parts joined by ':' (keys type, platform, name, index, as in the device
 * section), or a bare word = a name substring. "type=gpu:index=1",
 * "name=pthread", "basic". Errors (exit 2) name the spec:
 *   device spec 'nme=x': unknown key 'device.nme' (did you mean 'device.name'?) */
int clmlp_device_spec_parse(const char *text, clmlp_device_spec *spec, clmlp_err *err);

/* model.gamma as a number: the literal, or for "scale" 1 / (d var(X)) and
 * for "auto" 1 / d, which need the data's variance x_var and width d. */
double clmlp_config_svm_gamma(const clmlp_config *cfg, int d, double x_var);

/* The layer widths as "784-400-400-500-10" (input_dim first). */
void clmlp_config_layers(const clmlp_config *cfg, int input_dim, char *buf, size_t cap);

/* Writes the effective config back as YAML (for the run directory and report). */
int clmlp_config_write_yaml(const clmlp_config *cfg, FILE *out);

const char *clmlp_device_kind_name(clmlp_device_kind kind);
const char *clmlp_activation_name(clmlp_activation act);
const char *clmlp_model_kind_name(clmlp_model_kind kind);
const char *clmlp_optimizer_name(clmlp_optimizer opt);
const char *clmlp_precision_name(clmlp_precision prec);
const char *clmlp_interconnect_name(clmlp_interconnect link);
const char *clmlp_gemm_provider_name(clmlp_gemm_provider provider);
const char *clmlp_autotune_name(clmlp_autotune mode);
const char *clmlp_on_problem_name(clmlp_on_problem action);

#endif
