/* The GEMM roof: clmlp's generated SGEMM at a large square size over the
 * autotuner's likeliest tiles, and the run's own GEMMs with their chosen
 * kernels. Rates are FLOPs over OpenCL event time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/gemm_kernels.h"
#include "clmlp/tune.h"
#include "probe_internal.h"

static bool is_cpu(const clmlp_device *dev) { return (dev->desc.type & CL_DEVICE_TYPE_CPU) != 0; }

static int enqueue_gemm(clmlp_device *dev, void *ctx, cl_event *ev, clmlp_err *err)
{
    return clmlp_gemm_generated_enqueue(dev, ctx, ev, err);
}

/* The square GEMM's time budget: the size is halved until one run takes
 * at most SQUARE_RUN_S, and tiles are tried while the budget lasts (at
 * least one per form), so a slow device is probed in seconds too. */
static const double SQUARE_RUN_S = 0.05;
enum { SQUARE_MIN = 128 };

/* GFLOP/s of each of `reps` timed repetitions of one tile. */
static int time_tile(clmlp_device *dev, const clmlp_gemm_shape *shape, const clmlp_gemm_tunables *t, cl_mem a,
                     cl_mem b, cl_mem c, double *gflops, int reps, clmlp_err *err)
{
    clmlp_gemm_kernel gk = {0};
    double secs[PROBE_REPEATS];
    int rc = clmlp_gemm_generated_prepare(dev, shape, t, &gk, err) == 0 &&
                     clmlp_gemm_generated_bind(&gk, a, b, c, NULL, NULL, err) == 0 &&
                     probe_time_events(dev, enqueue_gemm, &gk, secs, reps, err) == 0
                 ? 0
                 : -1;
    clmlp_gemm_generated_release(&gk);
    for (int r = 0; r < reps && rc == 0; r++)
        gflops[r] = secs[r] > 0 ? clmlp_gemm_flops(shape) / secs[r] * 1e-9 : 0;
    return rc;
}

/* The largest size up to n whose one run with the default tile fits SQUARE_RUN_S. */
static int fit_size(clmlp_device *dev, int n, cl_mem a, cl_mem b, cl_mem c, int *out, clmlp_err *err)
{
    for (;; n /= 2) {
        clmlp_gemm_shape shape = {.m = n, .n = n, .k = n};
        double g = 0;
        if (time_tile(dev, &shape, NULL, a, b, c, &g, 1, err) < 0)
            return -1;
        double secs = g > 0 ? clmlp_gemm_flops(&shape) * 1e-9 / g : 0;
        if (secs <= SQUARE_RUN_S || n / 2 < SQUARE_MIN) {
            *out = n;
            return 0;
        }
    }
}

int probe_gemm_square(clmlp_device *dev, int tiles, double budget_s, clmlp_probe *p, clmlp_err *err)
{
    int n = is_cpu(dev) ? 1024 : 4096;
    size_t bytes = (size_t)n * n * sizeof(float);
    cl_mem a = probe_new_buffer(dev, bytes, "GEMM A", err), b = a ? probe_new_buffer(dev, bytes, "GEMM B", err) : NULL,
           c = b ? probe_new_buffer(dev, bytes, "GEMM C", err) : NULL;
    static const struct {
        bool ta, tb;
        const char *name;
    } forms[] = {{false, false, "NN"}, {true, false, "TN"}, {false, true, "NT"}};
    int rc = c ? fit_size(dev, n, a, b, c, &n, err) : -1;
    p->gemm_size = n;
    p->gemm_tiles = 0;
    memset(&p->gemm_square, 0, sizeof p->gemm_square);
    double start = clmlp_now();
    for (size_t f = 0; f < CLMLP_ARRAY_LEN(forms) && rc == 0; f++) {
        clmlp_gemm_shape shape = {.m = n, .n = n, .k = n, .trans_a = forms[f].ta, .trans_b = forms[f].tb};
        clmlp_gemm_choice cands[CLMLP_TUNE_MAX_CANDIDATES];
        int count = clmlp_tune_candidates(&dev->desc, &shape, CLMLP_AUTOTUNE_FULL, CLMLP_GEMM_GENERATED, cands,
                                          CLMLP_TUNE_MAX_CANDIDATES);
        if (count > tiles)
            count = tiles;
        /* this form's share of what is left of the budget */
        double until = clmlp_now() + (budget_s - (clmlp_now() - start)) / (double)(CLMLP_ARRAY_LEN(forms) - f);
        int tried = 0;
        for (int i = 0; i < count && rc == 0 && (i == 0 || clmlp_now() < until); i++, tried++) {
            double g[PROBE_REPEATS];
            clmlp_spread s;
            rc = time_tile(dev, &shape, &cands[i].tunables, a, b, c, g, PROBE_REPEATS, err);
            clmlp_spread_of(g, PROBE_REPEATS, true, &s);
            if (rc == 0 && s.best > p->gemm_square.best) {
                char desc[80];
                p->gemm_square = s;
                clmlp_gemm_choice_describe(&cands[i], desc, sizeof desc);
                snprintf(p->gemm_square_tile, sizeof p->gemm_square_tile, "%s %s", forms[f].name, desc);
            }
        }
        if (tried > p->gemm_tiles)
            p->gemm_tiles = tried;
    }
    cl_mem mems[] = {a, b, c};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mems); i++)
        if (mems[i])
            clReleaseMemObject(mems[i]);
    return rc;
}

/* Whether an earlier launch of the plans measured the same GEMM already. */
static bool measured_before(const clmlp_plan *const *plans, int pi, int li)
{
    const clmlp_launch *l = &plans[pi]->launches[li];
    for (int q = 0; q <= pi; q++)
        for (int k = 0; k < (q == pi ? li : plans[q]->n_launches); k++) {
            const clmlp_launch *o = &plans[q]->launches[k];
            if (o->is_gemm && memcmp(&o->shape, &l->shape, sizeof l->shape) == 0 &&
                memcmp(&o->choice.tunables, &l->choice.tunables, sizeof l->choice.tunables) == 0 &&
                o->choice.provider == l->choice.provider)
                return true;
        }
    return false;
}

/* One GEMM of a plan with its chosen kernel, on the tuner's workload:
 * checked against the host reference first, then timed. */
static int time_plan_gemm(clmlp_device *dev, const clmlp_launch *l, clmlp_spread *out, clmlp_err *err)
{
    clmlp_tune_workload w;
    memset(out, 0, sizeof *out);
    if (clmlp_tune_workload_create(dev, &l->shape, &w, err) < 0)
        return -1;
    clmlp_tune_trial *trial = clmlp_calloc(1, sizeof *trial, err);
    int rc = trial ? clmlp_tune_trial_check(dev, &w, &l->choice, NULL, NULL, trial, err) : -1;
    if (rc == 0 && trial->ok)
        rc = clmlp_tune_trial_time(dev, &w, trial, PROBE_REPEATS, err);
    if (rc == 0 && trial->ok) {
        double g[CLMLP_TUNE_MAX_REPS];
        for (int r = 0; r < trial->n_times; r++)
            g[r] = trial->times[r] > 0 ? l->flops / trial->times[r] * 1e-9 : 0;
        clmlp_spread_of(g, trial->n_times, true, out);
    }
    if (trial)
        clmlp_tune_trial_release(trial);
    free(trial);
    clmlp_tune_workload_release(&w);
    return rc;
}

int clmlp_probe_plan_gemms(clmlp_device *dev, const clmlp_plan *const *plans, int n_plans, clmlp_probe *p,
                           clmlp_err *err)
{
    memset(&p->gemm_plan, 0, sizeof p->gemm_plan);
    p->gemm_plan_shape[0] = '\0';
    for (int pi = 0; pi < n_plans; pi++)
        for (int li = 0; li < plans[pi]->n_launches; li++) {
            const clmlp_launch *l = &plans[pi]->launches[li];
            if (!l->is_gemm || measured_before(plans, pi, li))
                continue;
            clmlp_spread s;
            if (time_plan_gemm(dev, l, &s, err) < 0)
                return -1;
            if (s.n > 0 && s.best > p->gemm_plan.best) {
                char key[64], choice[80];
                p->gemm_plan = s;
                clmlp_tune_shape_key(&l->shape, key, sizeof key);
                clmlp_gemm_choice_describe(&l->choice, choice, sizeof choice);
                snprintf(p->gemm_plan_shape, sizeof p->gemm_plan_shape, "%s, %s", key, choice);
            }
        }
    clmlp_probe_update_roofs(p);
    return 0;
}
