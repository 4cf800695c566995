/* What `clmlp eval` and `clmlp predict` share (src/cli/infer.c): their
 * arguments, the model (a file or a run directory's), the data (IDX or
 * Kaggle CSV, labels detected), the device, and what runs on it for the
 * model's kind: an MLP's inference plan compiled from its metadata, or an
 * SVM's kernel GEMM against its support vectors (svm_device.h), with the
 * votes on the host; and the profile they print. */
#ifndef CLMLP_CLI_INFER_H
#define CLMLP_CLI_INFER_H

#include "clmlp/cli.h"
#include "clmlp/inference.h"

#define CLMLP_INFER_MAX_DATA 2

typedef struct infer_args {
    const char *model;                       /* MODEL file or RUN_DIR */
    const char *data[CLMLP_INFER_MAX_DATA];  /* a CSV, or IDX images [labels] */
    int n_data;
    const char *config;                      /* --config: device, compiler, profile, eval batch */
    const char *overrides[CLMLP_MAX_OVERRIDES];
    int n_overrides;
    const char *out;                         /* --out FILE */
    bool force, probabilities;
} infer_args;

/* Everything one inference needs, and its timings. */
typedef struct infer_job {
    char model_path[CLMLP_PATH_MAX + 32];
    clmlp_model model;
    clmlp_config cfg;
    clmlp_dataset data;
    clmlp_device dev;
    clmlp_plan *plan;     /* kind MLP */
    clmlp_profiler prof;
    clmlp_inference inf;  /* kind MLP */
    float *features;      /* kind SVM: the data preprocessed as the model's scale/binarize say */
    double svm_flops;     /* kind SVM: the kernel GEMMs' FLOPs */
    double seconds[5];    /* load, device, compile (MLP) or features (SVM), upload+warm-up, run */
} infer_job;

/* Parses argv; `allowed` flags as in clmlp_cli_parse ("--out --force ..."). */
int infer_parse(int argc, char **argv, const char *command, const char *allowed, infer_args *a, clmlp_err *err);
/* Model, config, data (need_labels: refuse data without), device, plan.
 * --probabilities with an SVM model is a usage error (it only votes). */
int infer_prepare(const infer_args *a, const char *command, bool need_labels, infer_job *job, clmlp_err *err);
/* pred (and probs, MLP only) for every image; times the run. */
int infer_run(infer_job *job, int *pred, float *probs, clmlp_err *err);
/* "model: ... device: ..." before, and phases and top kernels after. */
void infer_print_setup(const infer_job *job);
void infer_print_profile(const infer_job *job);
void infer_release(infer_job *job);

#endif
