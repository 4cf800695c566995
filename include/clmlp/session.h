/* A training session on one device: it executes the training and
 * evaluation plans it is given (compiled and tuned by the caller: see
 * clmlp_experiment_plans) through their executors, over the datasets
 * uploaded to the device once (as uint8; each step gathers and converts its
 * batch on the device). Batch sizes, classes, parameter initialisation and
 * the optimizer's learning rate come from the plans; the options say only
 * how the data are fed. */
#ifndef CLMLP_SESSION_H
#define CLMLP_SESSION_H

#include "clmlp/data.h"
#include "clmlp/modelfile.h"
#include "clmlp/profile.h"
#include "clmlp/rng.h"
#include "clmlp/runtime.h"

/* How the session feeds the data (the config's data section). */
typedef struct clmlp_session_options {
    bool shuffle;          /* a new order every epoch */
    uint64_t shuffle_seed;
    bool stream;           /* keep the training set on the host even if it fits on the device */
    /* Data parallelism (src/runtime/data_parallel.c): this process is rank
     * `rank` of `ranks`, each training on its 1/ranks shard of every global
     * batch of ranks × the plan's batch; 0 of 1 alone. */
    int rank, ranks;
} clmlp_session_options;

typedef struct clmlp_session {
    clmlp_session_options opt;
    clmlp_device *dev;
    int input_dim;
    const clmlp_plan *train_plan, *eval_plan; /* the caller's; they must outlive the session */
    clmlp_executor train, eval;

    cl_mem train_pixels, train_labels, train_index, train_losses;
    cl_mem test_pixels, test_labels, test_index, test_preds;
    int64_t train_count, test_count;
    int steps_per_epoch; /* floor(train_count / batch): whole batches only, like the seed */
    int64_t dropped_per_epoch; /* train_count mod batch: the images past the last whole batch of an epoch */
    int eval_batches;
    long step;           /* optimizer steps taken (Adam's t) */
    int optimizer_launch; /* the first launch of the optimizer: gradients are complete before it */
    clmlp_rng shuffle_rng;
    uint32_t *order;     /* epoch order on the host, uploaded once per epoch */
    float *losses;       /* one epoch of per-example losses, read back at the epoch's end */
    size_t dataset_device_bytes, run_buffer_bytes;

    /* Streaming (data.stream, or a training set too large for the device):
     * the host packs each chunk of steps in epoch order into one of two
     * staging buffers and uploads it while the device trains on the other. */
    bool streaming;
    const clmlp_dataset *train_host;
    int chunk_steps;
    cl_mem chunk_pixels[2], chunk_labels[2];
    uint8_t *staging_pixels[2], *staging_labels[2];

    /* Data parallelism: the gradient region's host copy for the allreduce,
     * and the allreduce's time on this rank (every step's, for the spread). */
    float *grads_host;
    size_t grads_bytes;
    double *allreduce_seconds;
    long allreduce_count, allreduce_cap;

    /* Profiling (NULL = off): the stats entries of each plan's launch 0 and
     * of each kind of transfer. */
    clmlp_profiler *prof;
    int prof_train, prof_eval;
    int prof_upload, prof_order, prof_losses, prof_preds, prof_chunk;
} clmlp_session;

/* Sums the gradient region over the ranks and divides it by their number,
 * so every rank holds the gradient of the global batch's mean loss; waits
 * for the step's launches before the optimizer's. Timed (host clock) into
 * allreduce_seconds, and into the trace for traced steps. */
int clmlp_session_allreduce_grads(clmlp_session *s, bool traced, clmlp_err *err);

/* Called every few steps from inside an epoch (after a sync), and at its end. */
typedef void (*clmlp_progress_fn)(void *user, int epoch, int step, int steps);

/* The options of a config's data section. */
void clmlp_session_options_from_config(const clmlp_config *cfg, clmlp_session_options *opt);
/* Creates the executors of both plans (the evaluation plan shares the
 * training plan's parameters). */
int clmlp_session_create(const clmlp_session_options *opt, clmlp_device *dev, const clmlp_plan *train,
                         const clmlp_plan *eval, clmlp_session *s, clmlp_err *err);
/* Records every launch and transfer from now on in prof (events read in
 * batches at the syncs the session does anyway). prof NULL or disabled: off. */
int clmlp_session_attach_profiler(clmlp_session *s, clmlp_profiler *prof, clmlp_err *err);
/* Enqueues every kernel of both plans once, unprofiled, so lazy driver
 * compiles happen before training (the caller's next sync waits for them);
 * needs both datasets uploaded. It writes garbage into parameters and
 * optimizer state: initialise parameters after it (the in-order queue
 * orders the two). */
int clmlp_session_warm_up(clmlp_session *s, clmlp_err *err);
/* Parameter initialisation as the plan's parameter tensors say (one stream
 * seeded by graph.init_seed); gradients and optimizer state are zeroed. */
int clmlp_session_init_params(clmlp_session *s, clmlp_err *err);
/* Keeps ds on the device: a copy, or on a device that shares host memory
 * the images in place (page-aligned ones, as the IDX reader allocates), or
 * (streaming) a pointer to it. ds must outlive the session. */
int clmlp_session_upload_train(clmlp_session *s, const clmlp_dataset *ds, clmlp_err *err);
int clmlp_session_upload_test(clmlp_session *s, const clmlp_dataset *ds, clmlp_err *err);
/* Runs `steps` optimizer steps over the current epoch order starting at
 * step `first_step` of the epoch (no host sync inside). When streaming, the
 * steps must be exactly the chunk that is bound. */
int clmlp_session_enqueue_steps(clmlp_session *s, int first_step, int steps, clmlp_err *err);
/* One epoch: new order (when data.shuffle), all steps, mean batch loss
 * (NaN or Inf when training broke down: clmlp_session_find_nonfinite). */
int clmlp_session_train_epoch(clmlp_session *s, int epoch, clmlp_progress_fn progress, void *user,
                              double *mean_loss, clmlp_err *err);
/* Which tensors hold NaN or Inf after an epoch: the loss (mean_loss), then
 * each parameter and its gradient, read back from the device (blocking).
 * Names the first few in `names` ("the loss, W0, dW0 and 3 more") and
 * returns how many there are, or -1 on an OpenCL error. */
int clmlp_session_find_nonfinite(clmlp_session *s, double mean_loss, char *names, size_t cap, clmlp_err *err);
/* Predictions for the whole test set (pred has test_count entries). */
int clmlp_session_evaluate(clmlp_session *s, int *pred, clmlp_err *err);
/* Uploads an explicit epoch order (tests use the identity). */
int clmlp_session_set_order(clmlp_session *s, const uint32_t *order, clmlp_err *err);
/* The training state for a checkpoint (snapshot.c). Map: step count,
 * shuffle RNG and epoch order copied into ck (its frame allocated with
 * clmlp_checkpoint_alloc_frame for this run), parameters and optimizer
 * state mapped for reading, ck's tensor pointers into the mappings: a
 * device that shares host memory (PoCL) hands over its own memory, no host
 * copy of the model and Adam state (8 MB for the seed) lives through the
 * run. Unmap (always, before the session launches again) releases them
 * and clears those pointers; a failed map has unmapped what it mapped.
 * Restore: ck (loaded, with its own arrays) into the session, after
 * clmlp_session_init_params; the next epoch then goes on exactly as it
 * would have in the run that wrote ck. */
int clmlp_session_snapshot_map(clmlp_session *s, clmlp_checkpoint *ck, clmlp_err *err);
int clmlp_session_snapshot_unmap(clmlp_session *s, clmlp_checkpoint *ck, clmlp_err *err);
int clmlp_session_restore(clmlp_session *s, const clmlp_checkpoint *ck, clmlp_err *err);
/* Device memory the session holds now: every buffer's CL_MEM_SIZE. */
size_t clmlp_session_device_bytes(const clmlp_session *s);
void clmlp_session_release(clmlp_session *s);

#endif
