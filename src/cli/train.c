/* clmlp train CONFIG [--set k=v ...] [--out DIR]
 * Runs the experiment, prints progress, accuracy and the confusion matrix,
 * and writes config.yaml, report.json, report.md and trace.json into the run
 * directory. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/cli.h"
#include "clmlp/report.h"

typedef struct {
    bool tty;
    double start;
    int batch, epochs;
    long steps_per_epoch;
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
    printf("model:   %s %s, %s lr %g, batch %d, %d epochs of %d steps (%lld training, %lld test images)\n", model,
           clmlp_activation_name(cfg->model.activation), clmlp_optimizer_name(cfg->training.optimizer),
           cfg->training.lr, cfg->training.batch_size, cfg->training.epochs, s->steps_per_epoch,
           (long long)s->train_count, (long long)s->test_count);
    printf("plan:    %d launches per step (%s, gemm %s), %.1f MFLOP per step, %.2f MiB device plan\n",
           s->train_plan->n_launches, cfg->compiler.fuse ? "fused" : "unfused",
           clmlp_gemm_provider_name(cfg->compiler.gemm), clmlp_plan_flops(s->train_plan) / 1e6,
           (double)s->train_plan->buffers.peak_bytes / (1024.0 * 1024.0));
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

static void on_epoch(void *user, int epoch, int epochs, const clmlp_epoch_stats *st)
{
    progress_state *ps = user;
    if (ps->tty)
        printf("\r%80s\r", "");
    printf("epoch %3d/%d  loss %.6g  %.2f s  %.0f img/s\n", epoch + 1, epochs, st->loss, st->seconds,
           st->seconds > 0 ? (double)ps->steps_per_epoch * ps->batch / st->seconds : 0);
    fflush(stdout);
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

int clmlp_cmd_train(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    double t0 = clmlp_now();
    if (clmlp_cli_parse(argc, argv, "train", "--set --out", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    double config_seconds = clmlp_now() - t0;

    progress_state ps = {.tty = isatty(STDOUT_FILENO) != 0, .batch = cfg.training.batch_size,
                         .epochs = cfg.training.epochs};
    clmlp_run_hooks hooks = {.user = &ps, .on_start = on_start, .on_progress = on_progress, .on_epoch = on_epoch,
                             .config_seconds = config_seconds};
    clmlp_run_result res;
    if (clmlp_experiment_run(&cfg, &hooks, &res, &err) < 0) {
        clmlp_run_result_free(&res);
        return clmlp_cli_report_error(&err);
    }
    int64_t correct = 0;
    for (int c = 0; c < res.classes; c++)
        correct += res.confusion[c * res.classes + c];
    printf("train:   %.2f s (%.2f s per epoch)\n", res.train_seconds,
           res.epochs_done ? res.train_seconds / res.epochs_done : 0.0);
    printf("test accuracy: %.2f %% (%lld/%lld) in %.2f s\n", 100.0 * res.accuracy, (long long)correct,
           (long long)res.test_count, res.eval_seconds);
    print_confusion(&res);

    clmlp_run_phase_begin(&res, CLMLP_PHASE_REPORT);
    char dir[CLMLP_PATH_MAX];
    int rc = 0;
    if (clmlp_run_dir_create(&cfg, args.out_dir, dir, sizeof dir, &err) < 0 ||
        clmlp_report_write_run(dir, &cfg, &res, &err) < 0)
        rc = clmlp_cli_report_error(&err);
    else
        printf("run:     %s/ (report.md, report.json%s, config.yaml)\n", dir,
               res.profile.enabled ? ", trace.json" : "");
    clmlp_run_result_free(&res);
    return rc;
}
