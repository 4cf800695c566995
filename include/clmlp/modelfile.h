/* Trained models and training checkpoints as safetensors files
 * (safetensors.h), on the host; README "Model files" documents both.
 *
 * model.safetensors: one float32 tensor per parameter, W<l> [in, out] and
 * b<l> [out], so that logits = act(...act(x @ W0 + b0)...) @ Wn + bn; its
 * __metadata__ holds the architecture, activation, input scaling and class
 * count, which is all `clmlp eval` and `clmlp predict` need to compile the
 * inference plan again. An SVM's (kind svm in its metadata; a file
 * without kind is an MLP) holds sv F32 [n_sv, input], dual_coef F64
 * [k-1, n_sv], rho F64 [k(k-1)/2], sv_count and labels I32 [k], and in its
 * metadata input, classes (labels are 0..classes-1), scaling, gamma, C,
 * n_sv and the labels.
 *
 * checkpoint.safetensors: the same, plus the optimizer state per parameter
 * (adam.m.<p>, adam.v.<p>, or sgd.velocity.<p>), the shuffled epoch order
 * (shuffle.order, U32), the losses and times of the epochs done (F64), and
 * in its metadata the step count, the shuffle RNG state, the run's status
 * and the recipe the run must still match to be resumed. */
#ifndef CLMLP_MODELFILE_H
#define CLMLP_MODELFILE_H

#include "clmlp/config.h"
#include "clmlp/safetensors.h"
#include "clmlp/svm.h"

#define CLMLP_MODEL_MAX_PARAMS (2 * (CLMLP_MAX_HIDDEN + 1))
#define CLMLP_MODEL_FILE "model.safetensors"
#define CLMLP_CHECKPOINT_FILE "checkpoint.safetensors"
#define CLMLP_MODEL_MAX_BYTES ((size_t)4 << 30) /* what the reader takes: far above any MLP clmlp trains */

typedef struct clmlp_model {
    char name[CLMLP_NAME_MAX];
    clmlp_model_kind kind;                /* MLP: the fields up to params; SVM: input, classes, scale, binarize, svm */
    int input, classes, n_hidden, hidden[CLMLP_MAX_HIDDEN];
    clmlp_activation activation;
    bool scale, binarize;
    int n_params;                         /* 2 per layer: W0, b0, W1, b1, ... */
    float *params[CLMLP_MODEL_MAX_PARAMS]; /* malloc'ed, row-major as the shapes say */
    /* kind SVM: the one-vs-one model (svm.h; sv_index and pairs are the
     * training run's, not in the file) and its support vectors' features
     * (sv: n_sv x input, preprocessed as scale/binarize say), the RBF's gamma and C */
    clmlp_svm_model svm;
    float *sv;
    double gamma, C;
} clmlp_model;

/* The architecture of cfg with input width input_dim (no parameters yet). */
void clmlp_model_from_config(const clmlp_config *cfg, int input_dim, clmlp_model *m);
/* Parameter p's name ("W1", "b1") and shape: W [in, out], b [1, out]. */
void clmlp_model_param(const clmlp_model *m, int p, char *name, size_t cap, int *rows, int *cols);
size_t clmlp_model_param_count(const clmlp_model *m, int p);
/* Allocates every parameter (zeros). */
int clmlp_model_alloc(clmlp_model *m, clmlp_err *err);
/* Puts the model's architecture into cfg's model and data sections (the
 * rest of cfg, device, compiler, batch sizes, is left as it is). */
void clmlp_model_to_config(const clmlp_model *m, clmlp_config *cfg);
/* "784-64-10". */
void clmlp_model_layers(const clmlp_model *m, char *buf, size_t cap);
void clmlp_model_free(clmlp_model *m);

/* model.safetensors as write_fn of clmlp_write_file_atomic (ctx: const clmlp_model *). */
int clmlp_model_write(FILE *out, const void *model);
/* Reads a model file strictly: the safetensors checks, then the metadata
 * keys, exactly the parameters the architecture names, each F32 of its
 * shape (an SVM: exactly its five tensors, shapes consistent, values
 * finite, labels ascending). A checkpoint file is read as the model it
 * holds. Errors (CLMLP_EXIT_DATA) are one line naming the file. */
int clmlp_model_load(const char *path, clmlp_model *m, clmlp_err *err);
/* The same from a parsed file; path only names it in errors. With
 * checkpoint, tensors other than the parameters are the caller's to check. */
int clmlp_model_from_file(const clmlp_st_file *f, const char *path, bool checkpoint, clmlp_model *m, clmlp_err *err);

#define CLMLP_RECIPE_MAX 24

/* What a resumed run must share with the checkpoint it continues: each
 * setting that changes the numbers (architecture, init, optimizer, data,
 * order, compiler) as a key and its value's text. */
typedef struct clmlp_recipe {
    int n;
    char key[CLMLP_RECIPE_MAX][48];
    char value[CLMLP_RECIPE_MAX][160];
} clmlp_recipe;

void clmlp_recipe_from_config(const clmlp_config *cfg, int input_dim, int64_t train_count, clmlp_recipe *r);

typedef struct clmlp_checkpoint {
    clmlp_model model;
    clmlp_optimizer optimizer;
    float *state[CLMLP_MODEL_MAX_PARAMS][2]; /* Adam m, v; SGD velocity, NULL */
    long step;                              /* optimizer steps taken (Adam's t) */
    int epochs_done;
    uint64_t shuffle_rng[4];
    uint32_t *order;                        /* the epoch order as the last epoch left it */
    int64_t order_count;
    double *losses, *seconds;               /* epochs_done each */
    bool diverged;                          /* a check warned (training.on_*: warn): the status to keep */
    char status_why[768];
    clmlp_recipe recipe;
} clmlp_checkpoint;

/* checkpoint.safetensors as write_fn (ctx: const clmlp_checkpoint *). */
int clmlp_checkpoint_write(FILE *out, const void *checkpoint);
/* Reads a checkpoint strictly (CLMLP_EXIT_DATA, one line naming the file). */
int clmlp_checkpoint_load(const char *path, clmlp_checkpoint *ck, clmlp_err *err);
/* The checkpoint continues the run cfg describes: every recipe key the
 * same, and no more epochs done than cfg trains. Error (CLMLP_EXIT_USAGE):
 *   checkpoint 'runs/x/checkpoint.safetensors' does not match the config: training.lr is 0.01 there, 0.001 in the config */
int clmlp_checkpoint_matches(const clmlp_checkpoint *ck, const char *path, const clmlp_recipe *now, int epochs,
                             clmlp_err *err);
/* Allocates the parameters and optimizer state, and the frame. */
int clmlp_checkpoint_alloc(clmlp_checkpoint *ck, clmlp_optimizer opt, int64_t order_count, int epochs,
                           clmlp_err *err);
/* The frame only: epoch order, losses and seconds (a session snapshot maps
 * the tensors, clmlp_session_snapshot_map). */
int clmlp_checkpoint_alloc_frame(clmlp_checkpoint *ck, clmlp_optimizer opt, int64_t order_count, int epochs,
                                 clmlp_err *err);
void clmlp_checkpoint_free(clmlp_checkpoint *ck);

#endif
