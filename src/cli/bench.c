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

/* The best of the CLBlast sets the full tuner tries (-1 when not asked for). */
static double time_clblast_tuned(clmlp_device *dev, const clmlp_gemm_shape *key, clmlp_autotune mode, clmlp_err *err)
{
    if (mode != CLMLP_AUTOTUNE_FULL)
        return -1;
    clmlp_gemm_shape plain = without_epilogue(key);
    clmlp_gemm_choice cands[CLMLP_TUNE_MAX_CANDIDATES];
    int n = clmlp_tune_candidates(&dev->desc, &plain, mode, CLMLP_GEMM_CLBLAST, cands, CLMLP_TUNE_MAX_CANDIDATES);
    double best = -1;
    for (int i = 0; i < n; i++) {
        double g = time_choice(dev, &plain, &cands[i], err);
        if (g < -1)
            return -2;
        if (g > best)
            best = g;
    }
    return best;
}

static int time_shapes(clmlp_device *dev, const clmlp_config *cfg, const clmlp_openblas *ob, shape_row *rows, int n,
                       clmlp_err *err)
{
    const clmlp_gemm_choice generated = {.provider = CLMLP_GEMM_GENERATED};
    bool tty = isatty(STDERR_FILENO) != 0;
    for (int i = 0; i < n; i++) {
        shape_row *r = &rows[i];
        if (tty)
            fprintf(stderr, "\r  timing shape %d/%d ", i + 1, n);
        r->generated_default = time_choice(dev, &r->key, &generated, err);
        r->generated_tuned = r->chosen.tuned ? time_choice(dev, &r->key, &r->chosen, err) : -1;
        r->clblast_tuned = time_clblast_tuned(dev, &r->key, cfg->compiler.autotune, err);
        clmlp_gemm_shape plain = without_epilogue(&r->key);
        r->openblas = ob->handle ? clmlp_openblas_gflops(ob, &plain, REPS) : -1;
        if (r->generated_default < -1 || r->generated_tuned < -1 || r->clblast_tuned < -1)
            return -1;
    }
    if (tty)
        fprintf(stderr, "\r%30s\r", "");
    return 0;
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

typedef struct {
    int launches;
    double step_ms, eval_seconds;
    bool streamed;
} step_timing;

static int time_steps(clmlp_device *dev, const clmlp_config *cfg, const clmlp_dataset *train,
                      const clmlp_dataset *test, int input_dim, step_timing *out, clmlp_err *err)
{
    clmlp_session s;
    memset(out, 0, sizeof *out);
    if (clmlp_session_create(cfg, dev, input_dim, &s, err) < 0)
        return -1;
    int rc = -1;
    if (clmlp_session_upload_train(&s, train, err) < 0 || clmlp_session_upload_test(&s, test, err) < 0 ||
        clmlp_session_init_params(&s, err) < 0)
        goto done;
    out->launches = s.train_plan->n_launches;
    out->streamed = s.streaming;
    int need = WARMUP_STEPS + STEP_GROUPS * GROUP_STEPS;
    if (!s.streaming && s.steps_per_epoch >= need) {
        double ms[STEP_GROUPS];
        if (clmlp_session_enqueue_steps(&s, 0, WARMUP_STEPS, err) < 0 ||
            clmlp_cl_check(clFinish(dev->queue), "clFinish", err) < 0)
            goto done;
        for (int g = 0; g < STEP_GROUPS; g++) {
            double t0 = clmlp_now();
            if (clmlp_session_enqueue_steps(&s, WARMUP_STEPS + g * GROUP_STEPS, GROUP_STEPS, err) < 0 ||
                clmlp_cl_check(clFinish(dev->queue), "clFinish", err) < 0)
                goto done;
            ms[g] = (clmlp_now() - t0) * 1e3 / GROUP_STEPS;
        }
        out->step_ms = clmlp_median(ms, STEP_GROUPS);
    }
    int *pred = clmlp_calloc((size_t)(test->count ? test->count : 1), sizeof *pred, err);
    double secs[EVAL_RUNS];
    for (int r = 0; pred && r < EVAL_RUNS; r++) {
        double t0 = clmlp_now();
        if (clmlp_session_evaluate(&s, pred, err) < 0) {
            free(pred);
            goto done;
        }
        secs[r] = clmlp_now() - t0;
    }
    if (!pred)
        goto done;
    free(pred);
    out->eval_seconds = clmlp_median(secs, EVAL_RUNS);
    rc = 0;
done:
    clmlp_session_release(&s);
    return rc;
}

static void print_steps(const clmlp_config *cfg, const step_timing *fused, const step_timing *unfused,
                        int64_t train_count, int64_t test_count)
{
    int batch = cfg->training.batch_size;
    printf("\n");
    if (fused->step_ms <= 0) {
        printf("step:      not timed (%s)\n", fused->streamed ? "the training set is streamed"
                                                               : "fewer training steps than the timing needs");
    } else {
        printf("step:      fused %.3f ms (%d launches), unfused %.3f ms (%d launches); median of %d groups of %d "
               "steps\n",
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

    step_timing fused, unfused;
    cfg->compiler.fuse = true;
    if (time_steps(&dev, cfg, &train, &test, input_dim, &fused, err) < 0)
        goto done;
    cfg->compiler.fuse = false;
    if (time_steps(&dev, cfg, &train, &test, input_dim, &unfused, err) < 0)
        goto done;
    print_steps(cfg, &fused, &unfused, train.count, test.count);
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
