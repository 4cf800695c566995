/* One experiment run end to end: load data, open the device, compile, upload,
 * train for the configured epochs, evaluate. The result is plain data that
 * the report writer (report.h) turns into files and the CLI prints. */
#ifndef CLMLP_EXPERIMENT_H
#define CLMLP_EXPERIMENT_H

#include "clmlp/device.h"
#include "clmlp/probe.h"
#include "clmlp/profile.h"
#include "clmlp/session.h"

typedef enum {
    CLMLP_PHASE_CONFIG,
    CLMLP_PHASE_LOAD,
    CLMLP_PHASE_DEVICE,
    CLMLP_PHASE_COMPILE, /* graph compiler + program builds (incl. the binary cache) */
    CLMLP_PHASE_UPLOAD,
    CLMLP_PHASE_WARMUP,  /* first launch of every kernel (drivers finish compiling), parameter init */
    CLMLP_PHASE_TRAIN,
    CLMLP_PHASE_EVAL,
    CLMLP_PHASE_PROBE,   /* the device peak, measured once per device (profile.probe) */
    CLMLP_PHASE_REPORT,
    CLMLP_PHASE_COUNT
} clmlp_phase;

typedef struct clmlp_epoch_stats {
    double loss;    /* mean per-example cross-entropy over the epoch */
    double seconds; /* wall time of the epoch, device work included */
} clmlp_epoch_stats;

/* How a run ended (report.json's status). */
typedef enum {
    CLMLP_RUN_OK,
    CLMLP_RUN_DIVERGED, /* NaN/Inf, a loss far above its best, or chance-level accuracy */
    CLMLP_RUN_FAILED,   /* an error ended it */
} clmlp_run_status;

/* Host memory around one phase (resident set; peak since process start). */
typedef struct clmlp_phase_memory {
    size_t rss_start, rss_end, peak_end;
} clmlp_phase_memory;

/* One rank of a data-parallel run (mpirun -n N clmlp train). */
typedef struct clmlp_rank_result {
    int rank;
    char device[128], platform[64];
    double train_seconds;     /* this rank's training phase */
    double allreduce_seconds; /* its share of it in the gradient allreduce */
} clmlp_rank_result;

/* One rank's allreduce spans of the traced steps, for trace.json's track
 * of that rank (host clock of that rank, seconds). */
enum { CLMLP_RANK_SPANS = 64 };
typedef struct clmlp_rank_spans {
    int n;
    double start[CLMLP_RANK_SPANS], end[CLMLP_RANK_SPANS];
} clmlp_rank_spans;

/* The data-parallel side of a run; ranks 0 for a run of one process. */
typedef struct clmlp_mpi_result {
    int ranks, global_batch;
    double bytes_per_step;                 /* the gradient region summed each step */
    long steps;                            /* allreduces timed (rank 0's) */
    double seconds_total, median, min, max;/* rank 0's allreduce times */
    clmlp_rank_result *per_rank;           /* ranks entries (rank 0 only) */
    clmlp_rank_spans *spans;               /* ranks entries (rank 0 only) */
} clmlp_mpi_result;

/* The solver's side of a kernel SVM run (model.kind svm): report.json's "svm". */
typedef struct clmlp_svm_run {
    double gamma;           /* the value used (model.gamma resolved on the training data) */
    int pairs;              /* binary problems (one-vs-one) */
    int largest_problem;    /* examples of the largest one */
    int blocks;             /* problems whose whole kernel block was one GEMM (the rest went row by row) */
    long iterations;        /* SMO steps over all problems */
    long rows_computed;     /* kernel rows the device produced */
    int hit_max_iter;       /* problems stopped at the iteration cap */
    double max_violation;   /* the largest final KKT violation (below model.tol when all converged) */
    double kernel_seconds;  /* training wall time inside the kernel provider: GEMMs, copies, read-back */
    double solver_seconds;  /* the rest of training: SMO on the host */
    double kernel_flops;    /* the training GEMMs' FLOPs */
    double predict_flops;   /* the evaluation GEMMs' FLOPs */
    size_t cache_bytes;     /* model.cache_mb */
} clmlp_svm_run;

typedef struct clmlp_run_result {
    clmlp_run_status status;
    clmlp_model_kind kind;     /* MLP: epochs, steps, plans; SVM: epochs_done 0, svm and model.svm */
    clmlp_svm_run svm;
    char status_why[768];      /* DIVERGED: what, and whether the run stopped; FAILED: the error */
    bool trained;              /* training began: the run has figures to report even if it then failed */
    bool evaluated;            /* accuracy and confusion are set */
    clmlp_device_desc device;
    bool host_timed;           /* the device's timestamps are not real: kernels timed by the host (device.h) */
    char host_timed_why[160];
    double phase_start[CLMLP_PHASE_COUNT]; /* host clock (clmlp_now) */
    double phase_seconds[CLMLP_PHASE_COUNT];
    clmlp_phase_memory phase_memory[CLMLP_PHASE_COUNT];
    int input_dim;             /* pixels per image, from the data */
    int64_t train_count, test_count;
    int steps_per_epoch;
    int batch_size;            /* training images per step (the training plan's batch) */
    int64_t dropped_per_epoch; /* training images past the last whole batch, left out of every epoch */
    bool streamed;             /* training chunks streamed from the host */
    int epochs_done;
    clmlp_epoch_stats *epochs; /* epochs_done entries */
    double train_seconds;
    double check_seconds;      /* host time of the per-epoch NaN/Inf checks (in train_seconds) */
    double eval_seconds;
    double accuracy;           /* 0..1 */
    /* Rates of the times above: set by clmlp_run_result_rates, the one
     * place they are computed; every writer reads them from here. */
    double train_images;       /* images trained on: steps_per_epoch x batch_size x epochs_done */
    double train_images_per_second, eval_images_per_second;
    double train_seconds_per_epoch, seconds_per_step;
    int classes;
    int64_t *confusion;        /* classes x classes, [true][predicted] */
    int launches_per_step, eval_launches_per_batch;
    double flops_per_step, bytes_per_step;
    size_t device_plan_bytes;  /* training plan peak + evaluation arena */
    size_t dataset_device_bytes, run_buffer_bytes;
    size_t device_alloc_bytes; /* what the run actually allocated on the device (CL_MEM_SIZE) */
    int programs_compiled, programs_from_cache;
    clmlp_profiler profile;    /* per-launch device times, trace and memory samples */
    bool has_probe;
    clmlp_probe probe;         /* device peak (profile.probe) */
    bool test_unlabeled;       /* the test set has no labels: no evaluation (predict it with `clmlp predict`) */
    int resumed_epochs;        /* epochs a checkpoint brought (hooks.resume), 0 for a fresh run */
    bool has_model;            /* model holds the trained parameters (read back after training) */
    clmlp_model model;
    clmlp_mpi_result mpi;
} clmlp_run_result;

/* Hooks for user-facing output; any may be NULL. */
typedef struct clmlp_run_hooks {
    void *user;
    void (*on_start)(void *user, const clmlp_config *cfg, const clmlp_session *s);
    /* model.kind svm: once the examples are on the device (res has the
     * device, the counts and svm.gamma); on_progress then gets (0, pair, pairs). */
    void (*on_svm_start)(void *user, const clmlp_config *cfg, const clmlp_run_result *res);
    clmlp_progress_fn on_progress;
    void (*on_epoch)(void *user, int epoch, int epochs, const clmlp_epoch_stats *stats);
    double config_seconds; /* what loading the config took the caller, reported as its phase */
    /* Checkpoints: after each epoch that does not stop the run, the whole
     * training state (on_checkpoint, which writes it); a run given resume
     * checks it against its config and data (resume_path names it in
     * errors) and continues after its last epoch. */
    int (*on_checkpoint)(void *user, const clmlp_checkpoint *ck, clmlp_err *err);
    const clmlp_checkpoint *resume;
    const char *resume_path;
} clmlp_run_hooks;

/* Everything a run does: config → data → device → plans (compile, then
 * tune) → session (upload, warm-up, epochs, evaluation) → probe. Every
 * epoch is checked for NaN/Inf and for a loss far above the best epoch's,
 * and the accuracy for chance level; training.on_nonfinite/on_divergence
 * say whether that stops the run or is a warning. Returns 0 when the run
 * went through (res->status ok, or diverged with warn), -1 with err when it
 * stopped (status diverged: it was still evaluated) or failed (status
 * failed; res->trained says whether it got far enough to report). */
int clmlp_experiment_run(const clmlp_config *cfg, const clmlp_run_hooks *hooks, clmlp_run_result *res,
                         clmlp_err *err);

/* The run of a model.kind svm config (src/runtime/svm_experiment.c),
 * which clmlp_experiment_run hands it to after the common set-up: the same
 * phases, result and errors, with res->svm and res->model.svm. */
int clmlp_svm_experiment_run(const clmlp_config *cfg, const clmlp_run_hooks *hooks, clmlp_run_result *res,
                             clmlp_err *err);

/* The plans a config runs on dev: compiled (compiler.h) for the device's
 * sub-buffer alignment, then their GEMM choices tuned or read from the
 * tune cache (tune.h). *train and *eval are malloc'ed, the caller frees them. */
int clmlp_experiment_plans(const clmlp_config *cfg, clmlp_device *dev, int input_dim, clmlp_plan **train,
                           clmlp_plan **eval, clmlp_err *err);
void clmlp_run_result_free(clmlp_run_result *res);
/* The rates of a result from its counts and times (a run's, or one read back from report.json). */
void clmlp_run_result_rates(clmlp_run_result *res);
/* The process's peak resident set over the run's phases. */
size_t clmlp_run_host_peak(const clmlp_run_result *res);
const char *clmlp_phase_name(clmlp_phase phase);

/* Marks a phase that runs outside clmlp_experiment_run (writing the report):
 * begin records its start and host memory, end its duration, memory and a
 * trace span. */
void clmlp_run_phase_begin(clmlp_run_result *res, clmlp_phase phase);
int clmlp_run_phase_end(clmlp_run_result *res, clmlp_phase phase, clmlp_err *err);

/* What both runners (the MLP's, the SVM's) share: the config phase from
 * the caller's time loading it; the device's peaks for the report (cached
 * or measured, then the run's own GEMMs of plans, n_plans may be 0; a
 * failure is a warning and costs only the roofline columns); and a run that
 * an error ended marked failed, its training phase closed where it broke
 * off so the report has its time and rates. */
int clmlp_run_config_phase(clmlp_run_result *res, double config_seconds, clmlp_err *err);
void clmlp_run_probe(const clmlp_config *cfg, clmlp_device *dev, const clmlp_plan *const *plans, int n_plans,
                     clmlp_run_result *res);
void clmlp_run_mark_failed(clmlp_run_result *res, const clmlp_err *err);

#endif
