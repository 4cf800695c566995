/* clmlp bench CONFIG [--set k=v ...]
 * One run that prints the numbers a performance claim needs:
 *   - per GEMM shape of the training step: GFLOP/s of CLBlast with its
 *     defaults, CLBlast tuned (compiler.autotune=full), the generated kernel
 *     with its defaults and with the tuned choice, and OpenBLAS on the host
 *     as a yardstick (dlopen'ed; OPENBLAS_CORETYPE is reported);
 *   - the training step fused and unfused (ms, launches), train and eval
 *     images/s, and the projected time of the config's epochs.
 * Device GEMMs are timed with OpenCL events (median of REPS runs, each
 * verified against the host reference first); steps and evaluation by the
 * monotonic clock around clFinish. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/cli.h"
#include "clmlp/data.h"
#include "clmlp/session.h"
#include "clmlp/tune.h"

enum { REPS = 15, WARMUP_STEPS = 20, STEP_GROUPS = 5, GROUP_STEPS = 40, EVAL_RUNS = 3 };

typedef struct {
    clmlp_gemm_shape key;
    clmlp_gemm_choice chosen;
    double clblast_default, clblast_tuned, generated_default, generated_tuned, openblas; /* GFLOP/s; <0: n/a */
} shape_row;

/* GFLOP/s of one candidate, or -1 when it failed (the reason on stderr). */
static double time_choice(clmlp_device *dev, const clmlp_gemm_shape *s, const clmlp_gemm_choice *c, clmlp_err *err)
{
    clmlp_tune_workload w;
    clmlp_tune_result r;
    if (clmlp_tune_workload_create(dev, s, &w, err) < 0)
        return -2;
    int rc = clmlp_tune_measure(dev, &w, c, REPS, NULL, NULL, &r, err);
    clmlp_tune_workload_release(&w);
    if (rc < 0)
        return -2;
    if (!r.ok) {
        char key[96], desc[200];
        clmlp_tune_shape_key(s, key, sizeof key);
        clmlp_gemm_choice_describe(c, desc, sizeof desc);
        fprintf(stderr, "clmlp: bench: %s with %s failed: %s\n", key, desc, r.why);
        return -1;
    }
    return r.gflops;
}

/* CLBlast runs the GEMM alone; its epilogue would be a separate launch. */
static clmlp_gemm_shape without_epilogue(const clmlp_gemm_shape *s)
{
    clmlp_gemm_shape plain = *s;
    plain.epilogue = CLMLP_EPILOGUE_NONE;
    return plain;
}

/* CLBlast's defaults first: a tuned set applied later cannot be undone. */
static int time_clblast_defaults(clmlp_device *dev, shape_row *rows, int n, clmlp_err *err)
{
    const clmlp_gemm_choice def = {.provider = CLMLP_GEMM_CLBLAST};
    for (int i = 0; i < n; i++) {
        clmlp_gemm_shape plain = without_epilogue(&rows[i].key);
        if ((rows[i].clblast_default = time_choice(dev, &plain, &def, err)) < -1)
            return -1;
    }
    return 0;
}

/* The device candidates of one shape after CLBlast's defaults: generated
 * default and tuned on the shape, CLBlast's tuned sets (full) on it without
 * its epilogue. All are checked, then timed in interleaved rounds so that
 * a change in background load hits them alike. */
enum { MAX_TRIALS = 2 + CLMLP_TUNE_MAX_CANDIDATES };

typedef struct {
    clmlp_tune_workload fused, plain; /* plain: without the epilogue (CLBlast); may alias fused */
    bool has_plain;
    clmlp_tune_trial trials[MAX_TRIALS];
    clmlp_tune_workload *on[MAX_TRIALS];
    int n;
} shape_trials;

static void report_rejected(const clmlp_tune_workload *w, const clmlp_tune_trial *t)
{
    char key[96], desc[200];
    clmlp_tune_shape_key(&w->shape, key, sizeof key);
    clmlp_gemm_choice_describe(&t->choice, desc, sizeof desc);
    fprintf(stderr, "clmlp: bench: %s with %s failed: %s\n", key, desc, t->why);
}

static int add_trial(clmlp_device *dev, shape_trials *st, clmlp_tune_workload *w, const clmlp_gemm_choice *c,
                     clmlp_err *err)
{
    clmlp_tune_trial *t = &st->trials[st->n];
    st->on[st->n++] = w;
    if (clmlp_tune_trial_check(dev, w, c, NULL, NULL, t, err) < 0)
        return -1;
    if (!t->ok)
        report_rejected(w, t);
    return 0;
}

static double trial_gflops(const shape_trials *st, int i)
{
    return st->trials[i].ok ? clmlp_tune_trial_gflops(st->on[i], &st->trials[i]) : -1;
}

static int time_shape(clmlp_device *dev, const clmlp_config *cfg, shape_row *r, shape_trials *st, clmlp_err *err)
{
    const clmlp_gemm_choice generated = {.provider = CLMLP_GEMM_GENERATED};
    clmlp_gemm_shape plain = without_epilogue(&r->key);
    if (clmlp_tune_workload_create(dev, &r->key, &st->fused, err) < 0)
        return -1;
    st->has_plain = r->key.epilogue != CLMLP_EPILOGUE_NONE;
    if (st->has_plain && clmlp_tune_workload_create(dev, &plain, &st->plain, err) < 0)
        return -1;
    clmlp_tune_workload *pw = st->has_plain ? &st->plain : &st->fused;
    if (add_trial(dev, st, &st->fused, &generated, err) < 0 ||
        (r->chosen.tuned && add_trial(dev, st, &st->fused, &r->chosen, err) < 0))
        return -1;
    int first_clblast = st->n;
    if (cfg->compiler.autotune == CLMLP_AUTOTUNE_FULL) {
        clmlp_gemm_choice sets[CLMLP_TUNE_MAX_CANDIDATES];
        int n = clmlp_tune_candidates(&dev->desc, &plain, CLMLP_AUTOTUNE_FULL, CLMLP_GEMM_CLBLAST, sets,
                                      CLMLP_TUNE_MAX_CANDIDATES);
        for (int i = 0; i < n; i++)
            if (add_trial(dev, st, pw, &sets[i], err) < 0)
                return -1;
    }
    for (int rep = 0; rep < REPS; rep++)
        for (int i = 0; i < st->n; i++)
            if (clmlp_tune_trial_time(dev, st->on[i], &st->trials[i], 1, err) < 0)
                return -1;
    r->generated_default = trial_gflops(st, 0);
    r->generated_tuned = r->chosen.tuned ? trial_gflops(st, 1) : -1;
    r->clblast_tuned = -1;
    for (int i = first_clblast; i < st->n; i++)
        if (trial_gflops(st, i) > r->clblast_tuned)
            r->clblast_tuned = trial_gflops(st, i);
    return 0;
}

static void release_trials(shape_trials *st)
{
    for (int i = 0; i < st->n; i++)
        clmlp_tune_trial_release(&st->trials[i]);
    clmlp_tune_workload_release(&st->fused);
    if (st->has_plain)
        clmlp_tune_workload_release(&st->plain);
    memset(st, 0, sizeof *st);
}

static int time_shapes(clmlp_device *dev, const clmlp_config *cfg, const clmlp_openblas *ob, shape_row *rows, int n,
                       clmlp_err *err)
{
    bool tty = isatty(STDERR_FILENO) != 0;
    shape_trials *st = clmlp_calloc(1, sizeof *st, err);
    if (!st)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        shape_row *r = &rows[i];
        if (tty)
            fprintf(stderr, "\r  timing shape %d/%d ", i + 1, n);
        rc = time_shape(dev, cfg, r, st, err);
        release_trials(st);
        clmlp_gemm_shape plain = without_epilogue(&r->key);
        r->openblas = ob->handle ? clmlp_openblas_gflops(ob, &plain, REPS) : -1;
    }
    if (tty)
        fprintf(stderr, "\r%30s\r", "");
    free(st);
    return rc;
}

static void print_gflops(double g, const char *missing)
{
    if (g >= 0)
        printf(" %10.1f", g);
    else
        printf(" %10s", missing);
}

static void print_shapes(const shape_row *rows, int n)
{
    printf("\nGEMMs of the training step, GFLOP/s (median of %d runs each; device: OpenCL events, OpenBLAS: "
           "monotonic clock; CLBlast and OpenBLAS run the GEMM without its epilogue)\n",
           REPS);
    printf("%-26s %7s %10s %10s %10s %10s %10s  %s\n", "shape", "MFLOP", "clblast", "clblast", "generated",
           "generated", "openblas", "chosen");
    printf("%-26s %7s %10s %10s %10s %10s %10s\n", "", "", "default", "tuned", "default", "tuned", "");
    for (int i = 0; i < n; i++) {
        const shape_row *r = &rows[i];
        char key[96], desc[200];
        clmlp_tune_shape_key(&r->key, key, sizeof key);
        clmlp_gemm_choice_describe(&r->chosen, desc, sizeof desc);
        printf("%-26s %7.1f", key, clmlp_gemm_flops(&r->key) / 1e6);
        print_gflops(r->clblast_default, "failed");
        print_gflops(r->clblast_tuned, "not tuned");
        print_gflops(r->generated_default, "failed");
        print_gflops(r->generated_tuned, "not tuned");
        print_gflops(r->openblas, "n/a");
        printf("  %s\n", desc);
    }
}

/* ---- whole steps --------------------------------------------------------------- */

/* One configuration's session (fused or unfused) and its timings. The two
 * run side by side, their step groups alternating, so that a change in
 * background load hits both alike. */
typedef struct {
    clmlp_config cfg;
    clmlp_session s;
    bool open, timed;
    int launches;
    double group_ms[STEP_GROUPS], step_ms, eval_seconds;
} step_run;

static int open_run(clmlp_device *dev, const clmlp_dataset *train, const clmlp_dataset *test, int input_dim,
                    step_run *r, clmlp_err *err)
{
    if (clmlp_session_create(&r->cfg, dev, input_dim, &r->s, err) < 0)
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

/* ---- the command --------------------------------------------------------------- */

static void print_header(const clmlp_device *dev, const clmlp_config *cfg, const clmlp_openblas *ob,
                         const char *ob_why)
{
    const char *coretype = getenv("OPENBLAS_CORETYPE");
    printf("device:   %s (%s, %s %s)\n", dev->desc.name, clmlp_device_type_name(dev->desc.type), dev->desc.platform,
           dev->desc.driver);
    printf("config:   %s: gemm %s, autotune %s, batch %d\n", cfg->name, clmlp_gemm_provider_name(cfg->compiler.gemm),
           clmlp_autotune_name(cfg->compiler.autotune), cfg->training.batch_size);
    if (ob->handle)
        printf("openblas: %s, core %s, %d threads, OPENBLAS_CORETYPE=%s\n", ob->library, ob->core, ob->threads,
               coretype ? coretype : "(unset)");
    else
        printf("openblas: not available: %s\n", ob_why);
}

static int run_bench(clmlp_config *cfg, clmlp_err *err)
{
    clmlp_dataset train = {0}, test = {0};
    clmlp_device dev = {0};
    clmlp_plan *tplan = NULL, *eplan = NULL;
    clmlp_openblas ob = {0};
    char ob_why[160] = "";
    clmlp_tuner t = {0};
    shape_row rows[CLMLP_MAX_GEMM_CHOICES];
    int rc = -1;
    if (clmlp_data_load(&cfg->data.train, &train, err) < 0 || clmlp_data_load(&cfg->data.test, &test, err) < 0)
        goto done;
    int input_dim = (int)clmlp_dataset_features(&train);
    if (clmlp_cli_compile_plans(cfg, input_dim, &tplan, &eplan, err) < 0 || clmlp_cli_open_device(cfg, &dev, err) < 0)
        goto done;
    clmlp_openblas_open(&ob, ob_why, sizeof ob_why);
    print_header(&dev, cfg, &ob, ob_why);
    fflush(stdout);

    clmlp_gemm_shape keys[CLMLP_MAX_GEMM_CHOICES];
    int n = clmlp_plan_gemm_keys(tplan, keys, CLMLP_MAX_GEMM_CHOICES);
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < n; i++)
        rows[i].key = keys[i];
    if (time_clblast_defaults(&dev, rows, n, err) < 0 ||
        clmlp_tuner_open(&t, &dev, cfg->compiler.autotune, cfg->compiler.gemm, err) < 0)
        goto done;
    for (int i = 0; i < n; i++)
        if (clmlp_tune_shape(&t, &rows[i].key, &rows[i].chosen, err) < 0) {
            clmlp_tuner_close(&t);
            goto done;
        }
    clmlp_tuner_close(&t);
    if (time_shapes(&dev, cfg, &ob, rows, n, err) < 0)
        goto done;
    print_shapes(rows, n);
    fflush(stdout);

    step_run *runs = clmlp_calloc(2, sizeof *runs, err); /* two sessions: large for the stack */
    if (!runs)
        goto done;
    for (int i = 0; i < 2; i++) {
        runs[i].cfg = *cfg;
        runs[i].cfg.compiler.fuse = i == 0;
    }
    int steps_rc = time_steps(&dev, &train, &test, input_dim, runs, err);
    if (steps_rc == 0)
        print_steps(cfg, &runs[0], &runs[1], train.count, test.count);
    for (int i = 0; i < 2; i++)
        if (runs[i].open)
            clmlp_session_release(&runs[i].s);
    free(runs);
    if (steps_rc < 0)
        goto done;
    rc = 0;
done:
    clmlp_openblas_close(&ob);
    clmlp_device_close(&dev);
    free(tplan);
    free(eplan);
    clmlp_dataset_free(&train);
    clmlp_dataset_free(&test);
    return rc;
}

int clmlp_cmd_bench(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    if (clmlp_cli_parse(argc, argv, "bench", "--set", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0 || run_bench(&cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    return 0;
}
