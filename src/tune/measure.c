/* Timing one GEMM candidate on random operands, after checking its result
 * against the host reference (clmlp_gemm_reference): a candidate that is
 * fast and wrong must never be chosen. */
#include "clmlp/tune.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GUARD = 64 };                  /* floats after C that a kernel must not touch */
static const float GUARD_VALUE = 12345.0f;

/* xorshift64: deterministic operands in [-1, 1). */
static void fill_random(float *v, size_t n, uint64_t *state)
{
    for (size_t i = 0; i < n; i++) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        v[i] = (float)((double)(*state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    }
}

static void pick_rows(clmlp_tune_workload *w)
{
    int m = w->shape.m;
    w->n_rows = 0;
    for (int i = 0; i < m; i++)
        if (m <= 64 || i < 32 || i >= m - 32 || i % 61 == 0)
            w->rows[w->n_rows++] = i;
}

/* BIAS_GRAD: where the sums of |op(B)| go, then their tolerances: after the
 * reference sums in want_bias. NULL for other epilogues. */
static float *sums_tol(const clmlp_tune_workload *w)
{
    return w->shape.epilogue == CLMLP_EPILOGUE_BIAS_GRAD ? w->want_bias + w->shape.n : NULL;
}

/* want = reference of the checked rows; tol = 1e-4 × the size of the terms
 * summed (|A|·|B| + |old C| + |bias|) + 1e-6, as tests/test_gemm.c uses. */
static int reference_rows(clmlp_tune_workload *w, float **tol_out, clmlp_err *err)
{
    const clmlp_gemm_shape *s = &w->shape;
    size_t n = (size_t)s->n, k = (size_t)s->k, rows = (size_t)w->n_rows;
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
    float *a_rows = clmlp_calloc(rows * k, sizeof *a_rows, err), *abs_a = clmlp_calloc(rows * k, sizeof *abs_a, err);
    float *abs_b = clmlp_calloc(k * n, sizeof *abs_b, err), *tol = clmlp_calloc(rows * n, sizeof *tol, err);
    float *h_rows = w->h ? clmlp_calloc(rows * n, sizeof *h_rows, err) : NULL;
    if (!a_rows || !abs_a || !abs_b || !tol || (w->h && !h_rows)) {
        free(a_rows);
        free(abs_a);
        free(abs_b);
        free(tol);
        free(h_rows);
        return -1;
    }
    for (size_t r = 0; r < rows && h_rows; r++)
        memcpy(h_rows + r * n, w->h + (size_t)w->rows[r] * n, n * sizeof(float));
    for (size_t r = 0; r < rows; r++)
        for (size_t p = 0; p < k; p++) {
            size_t i = (size_t)w->rows[r];
            float x = s->trans_a ? w->a[p * (size_t)lda + i] : w->a[i * (size_t)lda + p];
            a_rows[r * k + p] = x;
            abs_a[r * k + p] = fabsf(x);
        }
    for (size_t i = 0; i < k * n; i++)
        abs_b[i] = fabsf(w->b[i]);
    /* The checked rows as their own GEMM: op(A) rows stored plainly. */
    clmlp_gemm_shape sub = *s;
    sub.m = (int)rows;
    sub.trans_a = false;
    for (size_t r = 0; r < rows; r++)
        memcpy(w->want + r * n, w->c0 + (size_t)w->rows[r] * n, n * sizeof(float));
    /* BIAS_GRAD writes its sums to want_bias, not over the operand. */
    float *bias = s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD ? w->want_bias : w->bias;
    clmlp_gemm_reference(&sub, a_rows, w->b, bias, h_rows, w->want);
    sub.accumulate = false;
    sub.epilogue = s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD ? CLMLP_EPILOGUE_BIAS_GRAD : CLMLP_EPILOGUE_NONE;
    clmlp_gemm_reference(&sub, abs_a, abs_b, sums_tol(w), NULL, tol);
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < n; j++) {
            double mag = tol[r * n + j] + (s->accumulate ? fabs(w->c0[(size_t)w->rows[r] * n + j]) : 0.0) +
                         (clmlp_epilogue_adds_bias(s->epilogue) ? fabs(w->bias[j]) : 0.0);
            /* act' is at most 2 in magnitude over the operands' range [-1, 1) */
            double t = (clmlp_epilogue_act_grad(s->epilogue) ? 2e-4 : 1e-4) * mag;
            /* exp(z): an error e in z is a relative error e in the result */
            if (s->epilogue == CLMLP_EPILOGUE_EXP)
                t *= fabs(w->want[r * n + j]);
            tol[r * n + j] = (float)(t + 1e-6);
        }
    for (size_t j = 0; j < n && s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD; j++)
        w->want_bias[n + j] = (float)(1e-4 * (w->want_bias[n + j] + (s->accumulate ? fabs(w->bias[j]) : 0.0)) + 1e-6);
    free(h_rows);
    free(a_rows);
    free(abs_a);
    free(abs_b);
    *tol_out = tol;
    return 0;
}

static cl_mem device_copy(clmlp_device *dev, const float *host, size_t count, clmlp_err *err)
{
    cl_int rc;
    cl_mem m = clCreateBuffer(dev->context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, count * sizeof(float),
                              (void *)host, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer(tuning operand)", err) < 0)
        return NULL;
    return m;
}

/* The tolerances live after the reference values in one allocation. */
static float *tolerances(const clmlp_tune_workload *w)
{
    return w->want + (size_t)w->n_rows * (size_t)w->shape.n;
}

int clmlp_tune_workload_create(clmlp_device *dev, const clmlp_gemm_shape *s, clmlp_tune_workload *w, clmlp_err *err)
{
    memset(w, 0, sizeof *w);
    w->shape = *s;
    size_t na, nb, nc, n = (size_t)s->n;
    clmlp_gemm_operand_elems(s, &na, &nb, &nc);
    w->a = clmlp_calloc(na, sizeof *w->a, err);
    w->b = w->a ? clmlp_calloc(nb, sizeof *w->b, err) : NULL;
    w->c0 = w->b ? clmlp_calloc(nc + GUARD, sizeof *w->c0, err) : NULL;
    w->got = w->c0 ? clmlp_calloc(nc + GUARD + n, sizeof *w->got, err) : NULL; /* C, guards, bias sums */
    w->rows = w->got ? clmlp_calloc((size_t)s->m, sizeof *w->rows, err) : NULL;
    bool uses_bias = clmlp_epilogue_uses_bias(s->epilogue), act_grad = clmlp_epilogue_act_grad(s->epilogue);
    bool sums = s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD;
    w->bias = w->rows && uses_bias ? clmlp_calloc(n, sizeof *w->bias, err) : NULL;
    w->h = w->rows && act_grad ? clmlp_calloc(nc, sizeof *w->h, err) : NULL;
    w->want_bias = w->rows && sums ? clmlp_calloc(2 * n, sizeof *w->want_bias, err) : NULL;
    if (!w->rows || (uses_bias && !w->bias) || (act_grad && !w->h) || (sums && !w->want_bias))
        goto fail;
    uint64_t state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)s->m << 40) ^ ((uint64_t)s->n << 20) ^ (uint64_t)s->k;
    fill_random(w->a, na, &state);
    fill_random(w->b, nb, &state);
    if (s->epilogue == CLMLP_EPILOGUE_EXP) /* |A·B| <= 1, as the RBF's -gamma |x - y|^2 stays small: exp stays finite */
        for (size_t i = 0; i < na; i++)
            w->a[i] /= (float)s->k;
    fill_random(w->c0, nc, &state);
    if (w->bias)
        fill_random(w->bias, n, &state);
    if (w->h)
        fill_random(w->h, nc, &state);
    if (sums) /* the reference sums start from the old bias when accumulating */
        for (size_t j = 0; j < n; j++)
            w->want_bias[j] = s->accumulate ? w->bias[j] : 0.0f;
    pick_rows(w);
    float *tol = NULL;
    w->want = clmlp_calloc(2 * (size_t)w->n_rows * n, sizeof *w->want, err);
    if (!w->want || reference_rows(w, &tol, err) < 0)
        goto fail;
    memcpy(tolerances(w), tol, (size_t)w->n_rows * n * sizeof *tol);
    free(tol);
    /* C starts as NaN when not accumulating (a kernel that reads it fails),
     * and the guard floats after it must survive. */
    for (size_t i = 0; i < nc + GUARD; i++)
        w->c0[i] = i >= nc ? GUARD_VALUE : s->accumulate ? w->c0[i] : NAN;
    for (size_t j = 0; j < n && sums && !s->accumulate; j++) /* the sums start as NaN too */
        w->bias[j] = NAN;
    if (!(w->da = device_copy(dev, w->a, na, err)) || !(w->db = device_copy(dev, w->b, nb, err)) ||
        !(w->dc = device_copy(dev, w->c0, nc + GUARD, err)) || (w->bias && !(w->dbias = device_copy(dev, w->bias, n, err))) ||
        (w->h && !(w->dh = device_copy(dev, w->h, nc, err))))
        goto fail;
    return 0;
fail:
    clmlp_tune_workload_release(w);
    return -1;
}

void clmlp_tune_workload_release(clmlp_tune_workload *w)
{
    cl_mem mems[] = {w->da, w->db, w->dc, w->dbias, w->dh};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mems); i++)
        if (mems[i])
            clReleaseMemObject(mems[i]);
    free(w->a);
    free(w->b);
    free(w->bias);
    free(w->h);
    free(w->c0);
    free(w->want);
    free(w->want_bias);
    free(w->rows);
    free(w->got);
    memset(w, 0, sizeof *w);
}

bool clmlp_tune_verify(const clmlp_tune_workload *w, const float *got, const float *got_bias, char *why, size_t cap)
{
    size_t n = (size_t)w->shape.n, nc = (size_t)w->shape.m * n;
    const float *tol = tolerances(w);
    for (int r = 0; r < w->n_rows; r++)
        for (size_t j = 0; j < n; j++) {
            size_t i = (size_t)w->rows[r];
            double have = got[i * n + j], want = w->want[(size_t)r * n + j];
            if (!(fabs(have - want) <= tol[(size_t)r * n + j])) { /* NaN fails too */
                snprintf(why, cap, "C[%zu][%zu] = %.9g, reference %.9g", i, j, have, want);
                return false;
            }
        }
    for (size_t i = nc; i < nc + GUARD; i++)
        if (got[i] != GUARD_VALUE) {
            snprintf(why, cap, "wrote past the end of C (element %zu)", i);
            return false;
        }
    for (size_t j = 0; j < n && w->shape.epilogue == CLMLP_EPILOGUE_BIAS_GRAD; j++)
        if (!(fabs((double)got_bias[j] - w->want_bias[j]) <= w->want_bias[n + j])) {
            snprintf(why, cap, "bias gradient [%zu] = %.9g, reference %.9g", j, got_bias[j], w->want_bias[j]);
            return false;
        }
    return true;
}

/* One run of the candidate. The events t0 and t1 bound it: START of t0 to
 * END of t1, or for CLBlast END of a marker before it to END of its last
 * kernel (it may run helper kernels first). */
static int run_once(clmlp_device *dev, clmlp_tune_workload *w, const clmlp_gemm_choice *c, clmlp_gemm_kernel *gk,
                    cl_event *t0, cl_event *t1, clmlp_err *err)
{
    *t0 = *t1 = NULL;
    if (c->provider == CLMLP_GEMM_CLBLAST)
        return clmlp_gemm_clblast_enqueue(dev, &w->shape, &c->clblast, NULL, w->da, w->db, w->dc, t0, t1, err);
    if (clmlp_gemm_generated_enqueue(dev, gk, t1, err) < 0)
        return -1;
    *t0 = *t1;
    return clmlp_cl_check(clRetainEvent(*t0), "clRetainEvent", err);
}

static double event_span(cl_event t0, cl_event t1, bool clblast, clmlp_err *err)
{
    cl_ulong start = 0, end = 0;
    cl_profiling_info from = clblast ? CL_PROFILING_COMMAND_END : CL_PROFILING_COMMAND_START;
    if (clmlp_cl_check(clGetEventProfilingInfo(t0, from, sizeof start, &start, NULL), "clGetEventProfilingInfo",
                       err) < 0 ||
        clmlp_cl_check(clGetEventProfilingInfo(t1, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL),
                       "clGetEventProfilingInfo", err) < 0)
        return -1;
    return end > start ? (double)(end - start) * 1e-9 : 0.0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double clmlp_median(double *v, int n)
{
    if (n <= 0)
        return 0.0;
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return v[n / 2];
}

static void release_events(cl_event *a, cl_event *b)
{
    if (*a)
        clReleaseEvent(*a);
    if (*b)
        clReleaseEvent(*b);
    *a = *b = NULL;
}

/* Resets C to its initial contents (NaN or the old C, then the guards). */
static int reset_c(clmlp_device *dev, clmlp_tune_workload *w, clmlp_err *err)
{
    size_t nc = (size_t)w->shape.m * (size_t)w->shape.n;
    if (w->shape.epilogue == CLMLP_EPILOGUE_BIAS_GRAD &&
        clmlp_cl_check(clEnqueueWriteBuffer(dev->queue, w->dbias, CL_TRUE, 0, (size_t)w->shape.n * sizeof(float),
                                            w->bias, 0, NULL, NULL),
                       "clEnqueueWriteBuffer(tuning bias gradient)", err) < 0)
        return -1;
    return clmlp_cl_check(clEnqueueWriteBuffer(dev->queue, w->dc, CL_TRUE, 0, (nc + GUARD) * sizeof(float), w->c0, 0,
                                               NULL, NULL),
                          "clEnqueueWriteBuffer(tuning C)", err);
}

/* A trial's own failure (build, launch, results) rejects it: recorded in
 * trial->why, not returned as an error. */
static void reject(clmlp_tune_trial *trial, const clmlp_err *why)
{
    trial->ok = false;
    clmlp_strlcpy(trial->why, why->msg, sizeof trial->why);
}

int clmlp_tune_trial_check(clmlp_device *dev, clmlp_tune_workload *w, const clmlp_gemm_choice *candidate,
                           clmlp_tune_inspect_fn inspect, void *user, clmlp_tune_trial *trial, clmlp_err *err)
{
    memset(trial, 0, sizeof *trial);
    trial->choice = *candidate;
    const clmlp_gemm_shape *s = &w->shape;
    size_t nc = (size_t)s->m * (size_t)s->n;
    if (reset_c(dev, w, err) < 0)
        return -1;
    clmlp_err cand_err = {0};
    cl_event t0 = NULL, t1 = NULL;
    if ((candidate->provider != CLMLP_GEMM_CLBLAST &&
         (clmlp_gemm_generated_prepare(dev, s, &candidate->tunables, &trial->kernel, &cand_err) < 0 ||
          clmlp_gemm_generated_bind(&trial->kernel, w->da, w->db, w->dc, w->dbias, w->dh, &cand_err) < 0)) ||
        run_once(dev, w, candidate, &trial->kernel, &t0, &t1, &cand_err) < 0 ||
        clmlp_cl_check(clWaitForEvents(1, &t1), "clWaitForEvents", &cand_err) < 0 ||
        clmlp_cl_check(clEnqueueReadBuffer(dev->queue, w->dc, CL_TRUE, 0, (nc + GUARD) * sizeof(float), w->got, 0,
                                           NULL, NULL),
                       "clEnqueueReadBuffer(tuning C)", &cand_err) < 0) {
        release_events(&t0, &t1);
        reject(trial, &cand_err);
        return 0;
    }
    release_events(&t0, &t1);
    /* The sums go after C's guard floats in the scratch. */
    float *got_bias = w->got + nc + GUARD;
    if (s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD &&
        clmlp_cl_check(clEnqueueReadBuffer(dev->queue, w->dbias, CL_TRUE, 0, (size_t)s->n * sizeof(float), got_bias, 0,
                                           NULL, NULL),
                       "clEnqueueReadBuffer(tuning bias gradient)", &cand_err) < 0) {
        reject(trial, &cand_err);
        return 0;
    }
    if (inspect)
        inspect(user, candidate, w->got, nc);
    trial->ok = clmlp_tune_verify(w, w->got, got_bias, trial->why, sizeof trial->why);
    return 0;
}

int clmlp_tune_trial_time(clmlp_device *dev, clmlp_tune_workload *w, clmlp_tune_trial *trial, int reps,
                          clmlp_err *err)
{
    (void)err; /* every failure here is the candidate's */
    clmlp_err cand_err = {0};
    bool clblast = trial->choice.provider == CLMLP_GEMM_CLBLAST;
    for (int r = 0; r < reps && trial->ok && trial->n_times < CLMLP_TUNE_MAX_REPS; r++) {
        cl_event t0 = NULL, t1 = NULL;
        double t = -1, begin = clmlp_now();
        /* A host-timed device (its stamps are not real): the host's wall time. */
        if (run_once(dev, w, &trial->choice, &trial->kernel, &t0, &t1, &cand_err) < 0 ||
            clmlp_cl_check(clWaitForEvents(1, &t1), "clWaitForEvents", &cand_err) < 0 ||
            (t = dev->desc.host_timed ? clmlp_now() - begin : event_span(t0, t1, clblast, &cand_err)) < 0)
            reject(trial, &cand_err);
        else
            trial->times[trial->n_times++] = t;
        release_events(&t0, &t1);
    }
    return 0;
}

double clmlp_tune_trial_gflops(const clmlp_tune_workload *w, const clmlp_tune_trial *trial)
{
    double times[CLMLP_TUNE_MAX_REPS];
    memcpy(times, trial->times, (size_t)trial->n_times * sizeof *times);
    double median = clmlp_median(times, trial->n_times);
    return trial->ok && median > 0 ? clmlp_gemm_flops(&w->shape) / median * 1e-9 : 0.0;
}

void clmlp_tune_trial_release(clmlp_tune_trial *trial) { clmlp_gemm_generated_release(&trial->kernel); }

int clmlp_tune_measure(clmlp_device *dev, clmlp_tune_workload *w, const clmlp_gemm_choice *candidate, int reps,
                       clmlp_tune_inspect_fn inspect, void *user, clmlp_tune_result *out, clmlp_err *err)
{
    memset(out, 0, sizeof *out);
    clmlp_tune_trial *trial = clmlp_calloc(1, sizeof *trial, err);
    if (!trial)
        return -1;
    int rc = clmlp_tune_trial_check(dev, w, candidate, inspect, user, trial, err);
    if (rc == 0)
        rc = clmlp_tune_trial_time(dev, w, trial, reps, err);
    out->ok = rc == 0 && trial->ok;
    clmlp_strlcpy(out->why, trial->why, sizeof out->why);
    out->gflops = clmlp_tune_trial_gflops(w, trial);
    out->seconds = out->gflops > 0 ? clmlp_gemm_flops(&w->shape) * 1e-9 / out->gflops : 0.0;
    clmlp_tune_trial_release(trial);
    free(trial);
    return rc;
}
