/* clmlp train CONFIG [--set k=v ...] [--out DIR]
 * clmlp train --resume RUN_DIR
 * Makes the run directory ready (and writes config.yaml into it, which a
 * resume reads), runs the experiment, prints progress, accuracy and the
 * confusion matrix, writes checkpoint.safetensors after every epoch, and at
 * the end model.safetensors, report.json, trace.json, report.md and
 * report.html: also
 * for a run that diverged or failed once training began, with its status. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/cli.h"
#include "clmlp/dist.h"
#include "clmlp/modelfile.h"
#include "clmlp/report.h"

typedef struct {
    bool tty;
    double start;
    int batch, epochs;
    long steps_per_epoch;
    const clmlp_run_dir *rd;
} progress_state;

static void on_start(void *user, const clmlp_config *cfg, const clmlp_session *s)
{
    progress_state *ps = user;
    ps->start = clmlp_now();
    ps->steps_per_epoch = s->steps_per_epoch;
    char model[256];
    clmlp_config_layers(cfg, s->input_dim, model, sizeof model);
    printf("device:  %s (%s, %s)\n", s->dev->desc.name, clmlp_device_type_name(s->dev->desc.type),
           s->dev->desc.platform);
    if (s->dev->desc.host_timed && s->prof && s->prof->enabled)
        printf("timing:  by the host clock, one command at a time (the device's profiling timestamps are not real: "
               "%s)\n",
               s->dev->desc.host_timed_why);
    char test[64];
    if (s->test_count || s->eval_batches) /* an unlabeled test set is not uploaded */
        snprintf(test, sizeof test, "%lld test images", (long long)s->test_count);
    else
        snprintf(test, sizeof test, "an unlabeled test set");
    printf("model:   %s %s, %s lr %g, batch %d, %d epochs of %d steps (%lld training images, %s)\n", model,
           clmlp_activation_name(cfg->model.activation), clmlp_optimizer_name(cfg->training.optimizer),
           cfg->training.lr, cfg->training.batch_size, cfg->training.epochs, s->steps_per_epoch,
           (long long)s->train_count, test);
    printf("plan:    %d launches per step (%s, gemm %s), %.1f MFLOP per step, %.2f MiB device plan\n",
           s->train_plan->n_launches, cfg->compiler.fuse ? "fused" : "unfused",
           clmlp_gemm_provider_name(cfg->compiler.gemm), clmlp_plan_flops(s->train_plan) / 1e6,
           (double)s->train_plan->buffers.peak_bytes / (1024.0 * 1024.0));
    if (s->dropped_per_epoch > 0)
        printf("note:    %lld of the %lld training images are left out of every epoch: batch %d does not divide them "
               "(data.drop_last: true; %s)\n",
               (long long)s->dropped_per_epoch, (long long)s->train_count, cfg->training.batch_size,
               cfg->data.shuffle ? "the shuffle leaves out others each epoch" : "always the last ones, no shuffle");
    fflush(stdout);
}

static void on_svm_start(void *user, const clmlp_config *cfg, const clmlp_run_result *res)
{
    progress_state *ps = user;
    ps->start = clmlp_now();
    printf("device:  %s (%s, %s)\n", res->device.name, clmlp_device_type_name(res->device.type),
           res->device.platform);
    if (res->host_timed && res->profile.enabled)
        printf("timing:  by the host clock, one command at a time (the device's profiling timestamps are not real: "
               "%s)\n", res->host_timed_why);
    printf("model:   SVC rbf, C %g, gamma %.6g (%s), tol %g, one-vs-one (%lld training examples of %d features, %lld "
           "test)\n", cfg->model.C, res->svm.gamma, cfg->model.gamma, cfg->model.tol, (long long)res->train_count,
           res->input_dim, (long long)res->test_count);
    printf("kernel:  exp(-gamma |x - y|^2) as GEMMs on the device; largest problem %d examples (%.0f MiB block, "
           "model.cache_mb %d)\n", res->svm.largest_problem,
           (double)res->svm.largest_problem * res->svm.largest_problem * 4 / (1024.0 * 1024.0), cfg->model.cache_mb);
    fflush(stdout);
}

static void format_eta(double seconds, char *buf, size_t cap)
{
    int s = (int)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, cap, "%dh%02dm", s / 3600, (s / 60) % 60);
    else
        snprintf(buf, cap, "%dm%02ds", s / 60, s % 60);
}

static void on_progress(void *user, int epoch, int step, int steps)
{
    progress_state *ps = user;
    if (!ps->tty)
        return;
    double elapsed = clmlp_now() - ps->start;
    double done = (double)epoch * steps + step, total = (double)ps->epochs * steps;
    double rate = elapsed > 0 ? done * ps->batch / elapsed : 0;
    char eta[32];
    format_eta(done > 0 ? elapsed * (total - done) / done : 0, eta, sizeof eta);
    int width = 30, filled = steps ? step * width / steps : 0;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    printf("\r  epoch %d/%d [%s] %d/%d  %.0f img/s  ETA %s   ", epoch + 1, ps->epochs, bar, step, steps, rate, eta);
    fflush(stdout);
}

/* model.kind svm: one binary problem after another. */
static void on_svm_progress(void *user, int epoch, int pair, int pairs)
{
    (void)epoch;
    progress_state *ps = user;
    if (!ps->tty)
        return;
    double elapsed = clmlp_now() - ps->start;
    char eta[32];
    format_eta(pair > 0 ? elapsed * (pairs - pair) / pair : 0, eta, sizeof eta);
    printf("\r  binary problem %d/%d  %.1f s  ETA %s   %s", pair, pairs, elapsed, eta, pair == pairs ? "\n" : "");
    fflush(stdout);
}

static void on_epoch(void *user, int epoch, int epochs, const clmlp_epoch_stats *st)
{
    progress_state *ps = user;
    if (ps->tty)
        printf("\r%80s\r", "");
    printf("epoch %3d/%d  loss %.6g  %.2f s  %.0f img/s\n", epoch + 1, epochs, st->loss, st->seconds,
           st->seconds > 0 ? (double)ps->steps_per_epoch * ps->batch / st->seconds : 0);
    fflush(stdout);
}

static int write_config(FILE *out, const void *cfg) { return clmlp_config_write_yaml(cfg, out); }

/* After each epoch: the whole training state, atomically (a kill at any
 * moment leaves the previous checkpoint or this one, whole). */
static int on_checkpoint(void *user, const clmlp_checkpoint *ck, clmlp_err *err)
{
    const progress_state *ps = user;
    return clmlp_run_dir_write(ps->rd, CLMLP_CHECKPOINT_FILE, clmlp_checkpoint_write, ck, err);
}

/* --resume RUN_DIR: the run's own config.yaml, a folder whose run did not
 * finish, and its checkpoint when one was written (none: the run starts
 * over, which ends the same). */
static int load_resume(const clmlp_cli_args *args, clmlp_config *cfg, clmlp_checkpoint *ck, bool *has_ck,
                       clmlp_err *err)
{
    if (args->config_path || args->out_dir || args->n_overrides)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "train --resume RUN_DIR takes no CONFIG, --set or --out: the run's own config.yaml is used");
    char path[CLMLP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", args->resume, CLMLP_RUN_MARKER);
    if (access(path, F_OK) != 0) {
        snprintf(path, sizeof path, "%s/report.json", args->resume);
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "'%s' %s: nothing to resume", args->resume,
                          access(path, F_OK) == 0 ? "holds a finished run (no INCOMPLETE marker)"
                                                  : "is not a run directory clmlp train made");
    }
    snprintf(path, sizeof path, "%s/config.yaml", args->resume);
    if (access(path, F_OK) != 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "'%s' has no config.yaml: it cannot be resumed", args->resume);
    if (clmlp_config_load(path, NULL, 0, cfg, err) < 0)
        return -1;
    clmlp_remove_stale_temp_files(args->resume); /* a checkpoint's writer killed mid-write */
    snprintf(path, sizeof path, "%s/%s", args->resume, CLMLP_CHECKPOINT_FILE);
    *has_ck = access(path, F_OK) == 0;
    if (*has_ck && clmlp_checkpoint_load(path, ck, err) < 0)
        return -1;
    if (*has_ck)
        printf("resume:  %s after epoch %d of %d\n", args->resume, ck->epochs_done, cfg->training.epochs);
    else
        printf("resume:  %s has no checkpoint yet: the run starts again from its first epoch\n", args->resume);
    return 0;
}

static void print_confusion(const clmlp_run_result *res)
{
    printf("confusion matrix (rows: true class, columns: predicted)\n      ");
    for (int p = 0; p < res->classes; p++)
        printf("%6d", p);
    printf("\n");
    for (int t = 0; t < res->classes; t++) {
        printf("%6d", t);
        for (int p = 0; p < res->classes; p++)
            printf("%6lld", (long long)res->confusion[t * res->classes + p]);
        printf("\n");
    }
}

/* What the run measured: training time, then accuracy and confusion when it got to its evaluation. */
static void print_results(const clmlp_run_result *res)
{
    if (res->kind == CLMLP_MODEL_SVM && res->has_model)
        printf("train:   %.2f s: kernel %.2f s on the device (%ld rows, %.1f GFLOP/s), solver %.2f s on the host (%ld "
               "SMO steps); %d support vectors\n", res->train_seconds, res->svm.kernel_seconds, res->svm.rows_computed,
               res->svm.kernel_seconds > 0 ? res->svm.kernel_flops / res->svm.kernel_seconds / 1e9 : 0.0,
               res->svm.solver_seconds, res->svm.iterations, res->model.svm.n_sv);
    else
        printf("train:   %.2f s (%.2f s per epoch)\n", res->train_seconds,
               res->epochs_done ? res->train_seconds / res->epochs_done : 0.0);
    if (res->test_unlabeled)
        printf("eval:    skipped: the test set has no labels (data.test.has_labels: false); clmlp predict RUN_DIR DATA "
               "predicts it\n");
    if (!res->evaluated)
        return;
    int64_t correct = 0;
    for (int c = 0; c < res->classes; c++)
        correct += res->confusion[c * res->classes + c];
    printf("test accuracy: %.2f %% (%lld/%lld) in %.2f s\n", 100.0 * res->accuracy, (long long)correct,
           (long long)res->test_count, res->eval_seconds);
    print_confusion(res);
}

/* A rank other than 0 of `mpirun -n N clmlp train`: the same training on
 * its shard, silent, writing nothing; its figures reach rank 0's report. */
static int train_as_other_rank(const clmlp_config *cfg, const clmlp_checkpoint *ck, double config_seconds,
                               clmlp_err *err)
{
    clmlp_run_hooks hooks = {.config_seconds = config_seconds, .resume = ck};
    clmlp_run_result res;
    int rc = clmlp_experiment_run(cfg, &hooks, &res, err);
    clmlp_run_result_free(&res);
    return rc < 0 ? clmlp_cli_report_error(err) : 0;
}

int clmlp_cmd_train(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    clmlp_checkpoint ck = {0};
    bool has_ck = false;
    double t0 = clmlp_now();
    if (clmlp_cli_parse(argc, argv, "train", "--set --out --resume", false, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (!args.resume && !args.config_path)
        return clmlp_fail(&err, CLMLP_EXIT_USAGE,
                          "train: missing CONFIG (e.g. clmlp train configs/seed-mlp.yaml) or --resume RUN_DIR"),
               clmlp_cli_report_error(&err);
    if ((args.resume ? load_resume(&args, &cfg, &ck, &has_ck, &err) : clmlp_cli_load_config(&args, &cfg, &err)) < 0) {
        clmlp_checkpoint_free(&ck);
        return clmlp_cli_report_error(&err);
    }
    double config_seconds = clmlp_now() - t0;
    if (clmlp_dist_world()->rank > 0) { /* rank 0 alone prints and writes the run directory */
        int rc = train_as_other_rank(&cfg, has_ck ? &ck : NULL, config_seconds, &err);
        clmlp_checkpoint_free(&ck);
        return rc;
    }
    /* Before any work: a folder that cannot take the outputs, or holds a run, costs nothing. */
    clmlp_run_dir rd;
    if (clmlp_run_dir_prepare(&cfg, args.resume ? args.resume : args.out_dir,
                              args.resume ? CLMLP_RUN_DIR_RESUME : CLMLP_RUN_DIR_NEW, &rd, &err) < 0 ||
        (!args.resume && clmlp_run_dir_write(&rd, "config.yaml", write_config, &cfg, &err) < 0)) {
        clmlp_checkpoint_free(&ck);
        return clmlp_cli_report_error(&err);
    }

    char ck_path[CLMLP_PATH_MAX + 64];
    snprintf(ck_path, sizeof ck_path, "%s/%s", rd.path, CLMLP_CHECKPOINT_FILE);
    progress_state ps = {.tty = isatty(STDOUT_FILENO) != 0, .batch = cfg.training.batch_size,
                         .epochs = cfg.training.epochs, .rd = &rd};
    bool svm = cfg.model.kind == CLMLP_MODEL_SVM;
    clmlp_run_hooks hooks = {.user = &ps, .on_start = on_start, .on_svm_start = on_svm_start,
                             .on_progress = svm ? on_svm_progress : on_progress, .on_epoch = on_epoch,
                             .config_seconds = config_seconds, .on_checkpoint = on_checkpoint,
                             .resume = has_ck ? &ck : NULL, .resume_path = ck_path};
    clmlp_run_result res;
    int run_rc = clmlp_experiment_run(&cfg, &hooks, &res, &err);
    clmlp_checkpoint_free(&ck);
    if (run_rc < 0 && !res.trained) { /* nothing measured worth a run directory */
        if (!args.resume) { /* a resumed folder keeps its marker, config and checkpoint for the next try */
            char path[CLMLP_PATH_MAX + 32];
            snprintf(path, sizeof path, "%s/config.yaml", rd.path);
            unlink(path);
            clmlp_run_dir_abandon(&rd);
        }
        clmlp_run_result_free(&res);
        return clmlp_cli_report_error(&err);
    }
    print_results(&res);

    clmlp_run_phase_begin(&res, CLMLP_PHASE_REPORT);
    clmlp_err write_err = {0};
    int write_rc = clmlp_report_write_run(&rd, &cfg, &res, &write_err);
    if (write_rc == 0)
        printf("run:     %s/ (%sreport.md, report.html, report.json%s, config.yaml)\n", rd.path,
               res.has_model ? CLMLP_MODEL_FILE ", " : "", res.profile.enabled ? ", trace.json" : "");
    fflush(stdout); /* before the errors on stderr */
    int rc = write_rc < 0 ? clmlp_cli_report_error(&write_err) : 0;
    if (run_rc < 0) /* the run's own error last: it is why the exit code is not 0 */
        rc = clmlp_cli_report_error(&err);
    clmlp_run_result_free(&res);
    return rc;
}
