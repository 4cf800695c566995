/* `clmlp bench`, whole steps: the training step fused and unfused (ms,
 * launches) timed by the monotonic clock around clFinish, train and eval
 * images/s, and the projected time of the config's epochs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench.h"
#include "clmlp/experiment.h"

enum { WARMUP_STEPS = 20, STEP_GROUPS = 5, GROUP_STEPS = 40, EVAL_RUNS = 3 };

/* One configuration's session (fused or unfused) and its timings. The two
 * run side by side, their step groups alternating, so that a change in
 * background load hits both alike. */
typedef struct {
    clmlp_config cfg;
    clmlp_plan *train_plan, *eval_plan;
    clmlp_session s;
    bool open, timed;
    int launches;
    double group_ms[STEP_GROUPS], step_ms, eval_seconds;
} step_run;

static int open_run(clmlp_device *dev, const clmlp_dataset *train, const clmlp_dataset *test, int input_dim,
                    step_run *r, clmlp_err *err)
{
    clmlp_session_options opt;
    clmlp_session_options_from_config(&r->cfg, &opt);
    if (clmlp_experiment_plans(&r->cfg, dev, input_dim, &r->train_plan, &r->eval_plan, err) < 0 ||
        clmlp_session_create(&opt, dev, r->train_plan, r->eval_plan, &r->s, err) < 0)
        return -1;
    r->open = true;
    r->launches = r->s.train_plan->n_launches;
    if (clmlp_session_upload_train(&r->s, train, err) < 0 || clmlp_session_upload_test(&r->s, test, err) < 0 ||
        clmlp_session_init_params(&r->s, err) < 0)
        return -1;
    r->timed = !r->s.streaming && r->s.steps_per_epoch >= WARMUP_STEPS + STEP_GROUPS * GROUP_STEPS;
    if (!r->timed)
        return 0;
    return clmlp_session_enqueue_steps(&r->s, 0, WARMUP_STEPS, err) < 0 ||
                   clmlp_cl_check(clFinish(dev->queue), "clFinish", err) < 0
               ? -1
               : 0;
}

static int time_group(clmlp_device *dev, step_run *r, int g, clmlp_err *err)
{
    if (!r->timed)
        return 0;
    double t0 = clmlp_now();
    if (clmlp_session_enqueue_steps(&r->s, WARMUP_STEPS + g * GROUP_STEPS, GROUP_STEPS, err) < 0 ||
        clmlp_cl_check(clFinish(dev->queue), "clFinish", err) < 0)
        return -1;
    r->group_ms[g] = (clmlp_now() - t0) * 1e3 / GROUP_STEPS;
    return 0;
}

static int time_eval(step_run *r, int64_t test_count, clmlp_err *err)
{
    int *pred = clmlp_calloc((size_t)(test_count ? test_count : 1), sizeof *pred, err);
    double secs[EVAL_RUNS];
    for (int i = 0; pred && i < EVAL_RUNS; i++) {
        double t0 = clmlp_now();
        if (clmlp_session_evaluate(&r->s, pred, err) < 0) {
            free(pred);
            return -1;
        }
        secs[i] = clmlp_now() - t0;
    }
    if (!pred)
        return -1;
    free(pred);
    r->eval_seconds = clmlp_median(secs, EVAL_RUNS);
    return 0;
}

/* runs[0] fused, runs[1] unfused. */
static int time_steps(clmlp_device *dev, const clmlp_dataset *train, const clmlp_dataset *test, int input_dim,
                      step_run *runs, clmlp_err *err)
{
    for (int i = 0; i < 2; i++)
        if (open_run(dev, train, test, input_dim, &runs[i], err) < 0)
            return -1;
    for (int g = 0; g < STEP_GROUPS; g++)
        for (int i = 0; i < 2; i++)
            if (time_group(dev, &runs[i], g, err) < 0)
                return -1;
    for (int i = 0; i < 2; i++)
        runs[i].step_ms = runs[i].timed ? clmlp_median(runs[i].group_ms, STEP_GROUPS) : 0.0;
    return time_eval(&runs[0], test->count, err);
}

static void print_steps(const clmlp_config *cfg, const step_run *fused, const step_run *unfused,
                        int64_t train_count, int64_t test_count)
{
    int batch = cfg->training.batch_size;
    printf("\n");
    if (fused->step_ms <= 0) {
        printf("step:      not timed (%s)\n", fused->s.streaming ? "the training set is streamed"
                                                                 : "fewer training steps than the timing needs");
    } else {
        printf("step:      fused %.3f ms (%d launches), unfused %.3f ms (%d launches); median of %d groups of %d "
               "steps, alternating\n",
               fused->step_ms, fused->launches, unfused->step_ms, unfused->launches, STEP_GROUPS, GROUP_STEPS);
        printf("train:     %.0f images/s (batch %d, fused)\n", batch / (fused->step_ms * 1e-3), batch);
    }
    if (fused->eval_seconds > 0)
        printf("eval:      %.0f images/s (%lld test images in %.3f s, batch %d)\n",
               (double)test_count / fused->eval_seconds, (long long)test_count, fused->eval_seconds,
               cfg->training.eval_batch_size);
    long steps = (long)(train_count / batch);
    if (fused->step_ms > 0)
        printf("projected: %d epochs x %ld steps x %.3f ms = %.1f s of training, + %.2f s evaluation\n",
               cfg->training.epochs, steps, fused->step_ms, cfg->training.epochs * steps * fused->step_ms * 1e-3,
               fused->eval_seconds);
}

int clmlp_bench_steps(clmlp_device *dev, const clmlp_config *cfg, const clmlp_dataset *train,
                      const clmlp_dataset *test, int input_dim, clmlp_err *err)
{
    step_run *runs = clmlp_calloc(2, sizeof *runs, err); /* two sessions: large for the stack */
    if (!runs)
        return -1;
    for (int i = 0; i < 2; i++) {
        runs[i].cfg = *cfg;
        runs[i].cfg.compiler.fuse = i == 0;
    }
    int rc = time_steps(dev, train, test, input_dim, runs, err);
    if (rc == 0)
        print_steps(cfg, &runs[0], &runs[1], train->count, test->count);
    for (int i = 0; i < 2; i++) {
        if (runs[i].open)
            clmlp_session_release(&runs[i].s);
        free(runs[i].train_plan);
        free(runs[i].eval_plan);
    }
    free(runs);
    return rc;
}
