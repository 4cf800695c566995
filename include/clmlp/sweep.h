/* `clmlp sweep`: the same experiment once per value of one config key,
 * what each run measured, how train time, eval time per test image, memory
 * and (for an SVM) support vectors grow with the value (scaling laws,
 * fit.h), and, when the key is data.train.limit, those laws carried to
 * extrapolate.train_images (eval time for extrapolate.test_images),
 * labelled as modeled. Part of src/compare/. */
#ifndef CLMLP_SWEEP_H
#define CLMLP_SWEEP_H

#include <stdio.h>

#include "clmlp/config.h"
#include "clmlp/experiment.h"
#include "clmlp/fit.h"

enum { CLMLP_SWEEP_MAX_VALUES = 32, CLMLP_SWEEP_MAX_EXTRA = 8, CLMLP_SWEEP_VALUE_MAX = 128, CLMLP_MAX_SWEEP_OVERRIDES = 65 };

/* A measurement a model kind adds to its runs' records (an SVM's
 * support vectors: CLMLP_SWEEP_SUPPORT_VECTORS_NAME): written beside the
 * common ones, by name. */
#define CLMLP_SWEEP_SUPPORT_VECTORS_NAME "support_vectors"
typedef struct clmlp_sweep_measure {
    char name[48];
    double value;
} clmlp_sweep_measure;

/* What one value's run measured. */
typedef struct clmlp_sweep_point {
    char value[CLMLP_SWEEP_VALUE_MAX]; /* as given in --over */
    double x;                          /* the value as a number (NAN if it is not one); for data.train.limit the
                                        * images trained on, which a limit above the data set does not reach */
    int64_t train_count, test_count;
    int epochs, steps_per_epoch;       /* 0 for an SVM: it trains once */
    double train_seconds, seconds_per_epoch, train_images_per_second, eval_seconds;
    double accuracy;                   /* 0..1, NAN when the run could not evaluate (unlabeled test set) */
    double host_peak_bytes;            /* the process's peak resident set during this run */
    bool host_peak_per_run;            /* false: the kernel could not reset the peak, so it is since process start */
    double device_alloc_bytes;
    int n_extra;
    clmlp_sweep_measure extra[CLMLP_SWEEP_MAX_EXTRA];
} clmlp_sweep_point;

/* The quantities whose growth is fitted; one applies to a sweep when every
 * point has it (clmlp_sweep_applies). */
typedef enum {
    CLMLP_SWEEP_TRAIN_SECONDS,
    CLMLP_SWEEP_HOST_PEAK,
    CLMLP_SWEEP_DEVICE_BYTES,
    CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE, /* eval seconds ÷ test images: an SVM's grows with its support vectors */
    CLMLP_SWEEP_SUPPORT_VECTORS,        /* the extra of that name: SVM runs */
    CLMLP_SWEEP_QUANTITIES
} clmlp_sweep_quantity;

/* How a quantity is carried to the extrapolation's x. Eval time per test
 * image is the model kind's: an MLP's does not depend on the training set,
 * an SVM's is a kernel value per support vector; a law fitted to it would
 * carry the runs' noise 10^7 times as far. */
typedef enum {
    CLMLP_SWEEP_BY_LAW,             /* the chosen law at x */
    CLMLP_SWEEP_CONSTANT,           /* per_unit: the median measured (an MLP's eval time per test image) */
    CLMLP_SWEEP_PER_SUPPORT_VECTOR, /* per_unit (the largest run's, per support vector) x the support vectors' law */
} clmlp_sweep_rule;

typedef struct clmlp_sweep_fit {
    bool applies;          /* every point has the quantity */
    clmlp_law power, affine;
    bool has_chosen;
    clmlp_law_kind chosen; /* the better on the log scale (clmlp_law_better), unless by_model */
    /* The model kind decides, not R²: an SVM's training time is superlinear
     * (SMO), which no affine law (a constant cost per image) can follow. */
    bool by_model;
    clmlp_sweep_rule rule; /* how modeled is made */
    double per_unit;       /* CONSTANT and PER_SUPPORT_VECTOR: the measured figure carried */
    double modeled;        /* the quantity at the extrapolation's x, when extrapolated */
} clmlp_sweep_fit;

typedef struct clmlp_sweep {
    char name[CLMLP_NAME_MAX]; /* the config's */
    clmlp_model_kind kind;     /* the config's model.kind */
    char key[128];             /* the swept config key */
    char device[128];          /* the device the runs ran on */
    int n;
    clmlp_sweep_point points[CLMLP_SWEEP_MAX_VALUES];
    clmlp_config *configs; /* n entries: the config each value runs with (heap) */
    /* The fits: when every x is a number and >= 3 of them are distinct and positive. */
    bool fitted;
    char why_not_fitted[160];
    double x_lo, x_hi; /* the measured range */
    clmlp_sweep_fit fits[CLMLP_SWEEP_QUANTITIES];
    /* The extrapolation: key data.train.limit, fitted, and a target beyond nothing measured. */
    bool extrapolated;
    double target_x;    /* extrapolate.train_images */
    double target_test; /* extrapolate.test_images: the modeled eval time is for these */
    int epochs;         /* of every run, which the modeled train time is for (0 for an SVM: one training) */
} clmlp_sweep;

/* Reads KEY=V1,V2,... into s->key and the values (2 to CLMLP_SWEEP_MAX_VALUES),
 * then loads config_path with overrides plus KEY=Vi for each value, so an
 * unknown key or a value the config refuses is reported (the override
 * parser's message) before anything runs. Usage errors exit 2. */
int clmlp_sweep_prepare(const char *config_path, const char *const *overrides, int n_overrides, const char *over,
                        clmlp_sweep *s, clmlp_err *err);
void clmlp_sweep_free(clmlp_sweep *s);

/* Runs the values in order; on_point (may be NULL) after each. A run that
 * fails stops the sweep with err naming the value. */
int clmlp_sweep_run(clmlp_sweep *s, void (*on_point)(void *user, const clmlp_sweep *s, int i), void *user,
                    clmlp_err *err);

/* The record of one run; a model kind then adds its own measurements. */
void clmlp_sweep_point_from_result(clmlp_sweep_point *p, const clmlp_run_result *res);
int clmlp_sweep_point_add(clmlp_sweep_point *p, const char *name, double value, clmlp_err *err);

/* Fits the laws over the measured points and extrapolates (fields above). */
void clmlp_sweep_analyze(clmlp_sweep *s);
/* A point's value of q; NAN when it has none. */
double clmlp_sweep_value(const clmlp_sweep_point *p, clmlp_sweep_quantity q);
/* Whether every point of s has a value of q. */
bool clmlp_sweep_applies(const clmlp_sweep *s, clmlp_sweep_quantity q);
const char *clmlp_sweep_quantity_name(clmlp_sweep_quantity q); /* its key in sweep.json */
/* What carried a fit to the extrapolation: its chosen law's name, or the
 * rule's ("constant", "per_support_vector"). */
const char *clmlp_sweep_modeled_by(const clmlp_sweep_fit *f);

/* The outputs; ctx is the clmlp_sweep. */
int clmlp_sweep_write_json(FILE *out, const void *ctx);
int clmlp_sweep_write_md(FILE *out, const void *ctx);
int clmlp_sweep_write_svg(FILE *out, const void *ctx);

#endif
