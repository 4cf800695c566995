/* `clmlp bench`, the GEMM table: GFLOP/s per shape of the training step
 * for each provider. Device GEMMs are timed with OpenCL events (median of
 * REPS runs, each candidate verified against the host reference first),
 * OpenBLAS by the monotonic clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/bench.h"

enum { REPS = 15 };

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

int clmlp_bench_gemms(clmlp_device *dev, const clmlp_config *cfg, const clmlp_plan *train_plan,
                      const clmlp_openblas *ob, clmlp_err *err)
{
    shape_row rows[CLMLP_MAX_GEMM_CHOICES];
    clmlp_gemm_shape keys[CLMLP_MAX_GEMM_CHOICES];
    int n = clmlp_plan_gemm_keys(train_plan, keys, CLMLP_MAX_GEMM_CHOICES);
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < n; i++)
        rows[i].key = keys[i];
    clmlp_tuner t;
    if (time_clblast_defaults(dev, rows, n, err) < 0 ||
        clmlp_tuner_open(&t, dev, cfg->compiler.autotune, cfg->compiler.gemm, err) < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = clmlp_tune_shape(&t, &rows[i].key, &rows[i].chosen, err);
    clmlp_tuner_close(&t);
    if (rc < 0 || time_shapes(dev, cfg, ob, rows, n, err) < 0)
        return -1;
    print_shapes(rows, n);
    return 0;
}
