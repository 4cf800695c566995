/* The SVM's RBF kernel values on the device; see svm_device.h. One GEMM
 * kernel, prepared once, serves every launch (sizes are its arguments):
 * a problem's block goes in chunks of rows whose output stays under
 * STAGING_BYTES, so the device never holds more than one chunk of it. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/data.h"
#include "clmlp/svm_device.h"

#define STAGING_BYTES ((size_t)64 << 20) /* one chunk of kernel values on the device */
/* Columns of an NN GEMM's B per launch: a 786 x 2048 float panel (6.4 MB)
 * stays in a CPU's last-level cache while every row of A passes it. With
 * the whole 786 x 12 337 of MNIST's support vectors as B the GEMM ran at
 * 98 GFLOP/s, in panels at 363 (PoCL, this AMD machine, 2026-11-30). */
#define PANEL 2048

float *clmlp_svm_features(const uint8_t *pixels, const int64_t *order, int64_t n, int64_t features, bool scale,
                          bool binarize, clmlp_err *err)
{
    float lut[256];
    for (int v = 0; v < 256; v++)
        lut[v] = clmlp_preprocess_pixel((uint8_t)v, scale, binarize);
    size_t count = (size_t)n * (size_t)features;
    float *x = clmlp_calloc(count ? count : 1, sizeof *x, err);
    for (int64_t t = 0; x && t < n; t++) {
        const uint8_t *px = pixels + (order ? order[t] : t) * features;
        for (int64_t f = 0; f < features; f++)
            x[t * features + f] = lut[px[f]];
    }
    return x;
}

static int create_buffer(clmlp_device *dev, size_t bytes, const void *host, cl_mem *out, size_t *total,
                         const char *what, clmlp_err *err)
{
    cl_int rc;
    *out = clCreateBuffer(dev->context, host ? CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR : CL_MEM_READ_WRITE, bytes,
                          (void *)host, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer", err) < 0)
        return clmlp_fail_prefix(err, "svm %s (%zu bytes): ", what, bytes);
    *total += bytes;
    return 0;
}

/* A buffer of at least need bytes, replacing a smaller one. */
static int ensure_buffer(clmlp_svm_device *sd, cl_mem *buf, size_t *cap, size_t need, const char *what,
                         clmlp_err *err)
{
    if (*buf && *cap >= need)
        return 0;
    if (*buf) {
        clReleaseMemObject(*buf);
        *buf = NULL;
        sd->device_bytes -= *cap;
    }
    *cap = need;
    return create_buffer(sd->dev, need, NULL, buf, &sd->device_bytes, what, err);
}

static void release_mem(cl_mem *m)
{
    if (*m)
        clReleaseMemObject(*m);
    *m = NULL;
}

static int add_stats(clmlp_svm_device *sd, clmlp_err *err)
{
    if (!sd->prof || !sd->prof->enabled)
        return 0;
    char block[160], row[160];
    snprintf(block, sizeof block,
             "K = exp(-gamma |x - y|^2), class against class  (NN on a class's transposed rows, K=%d, generated)",
             sd->k);
    snprintf(row, sizeof row, "K(x_i, .) of one example  (NT, K=%d, generated)", sd->k);
    return clmlp_profiler_add_kernel(sd->prof, "svm_kernel_block", "matmul+exp", block, "train", &sd->stat_block,
                                     err) < 0 ||
                   clmlp_profiler_add_kernel(sd->prof, "svm_kernel_row", "matmul+exp", row, "train", &sd->stat_row,
                                             err) < 0 ||
                   clmlp_profiler_add_transfer(sd->prof, "svm gather rows", &sd->stat_gather, err) < 0 ||
                   clmlp_profiler_add_transfer(sd->prof, "svm read kernel values", &sd->stat_read, err) < 0
               ? -1
               : 0;
}

/* The EXP GEMM's kernel in one form (NT: B as rows; NN: B transposed),
 * built (or read from the binary cache) once. */
static int prepare_gemm(clmlp_device *dev, int k, bool nt, const clmlp_gemm_tunables *tunables,
                        clmlp_gemm_kernel *gk, clmlp_err *err)
{
    clmlp_gemm_shape s = {.m = 1, .n = 1, .k = k, .trans_a = false, .trans_b = nt, .epilogue = CLMLP_EPILOGUE_EXP};
    return clmlp_gemm_generated_prepare(dev, &s, tunables, gk, err);
}

/* rows x k row-major -> k x rows (the NN GEMM's B). */
static void transpose(const float *in, int rows, int k, float *out)
{
    for (int r = 0; r < rows; r++)
        for (int p = 0; p < k; p++)
            out[(size_t)p * rows + r] = in[(size_t)r * k + p];
}

/* The segments and every segment's transposed right operands. */
static int upload_segments(clmlp_svm_device *sd, const float *right, const int *seg_start, int n_seg,
                           clmlp_err *err)
{
    sd->n_seg = seg_start ? n_seg : 1;
    sd->seg_start = clmlp_calloc((size_t)sd->n_seg + 1, sizeof *sd->seg_start, err);
    if (!sd->seg_start)
        return -1;
    if (seg_start)
        memcpy(sd->seg_start, seg_start, ((size_t)n_seg + 1) * sizeof *seg_start);
    else
        sd->seg_start[1] = sd->n;
    size_t count = (size_t)sd->n * (size_t)sd->k;
    float *t = clmlp_calloc(count, sizeof *t, err);
    if (!t)
        return -1;
    for (int g = 0; g < sd->n_seg; g++) {
        size_t at = (size_t)sd->seg_start[g] * sd->k;
        transpose(right + at, sd->seg_start[g + 1] - sd->seg_start[g], sd->k, t + at);
    }
    int rc = create_buffer(sd->dev, count * sizeof *t, t, &sd->right_t, &sd->device_bytes, "transposed operands",
                           err);
    free(t);
    return rc;
}

int clmlp_svm_device_create(clmlp_device *dev, clmlp_profiler *prof, const float *x, int n, int d, double gamma,
                            const int *seg_start, int n_seg, const clmlp_gemm_tunables *tunables,
                            clmlp_svm_device *sd, clmlp_err *err)
{
    memset(sd, 0, sizeof *sd);
    sd->dev = dev;
    sd->prof = prof;
    sd->n = n;
    sd->d = d;
    sd->k = d + 2;
    sd->gamma = gamma;
    sd->seg_loaded = -1;
    size_t rows = (size_t)n * (size_t)sd->k;
    float *ops = clmlp_calloc(rows, sizeof *ops, err);
    if (!ops)
        return -1;
    clmlp_gemm_rbf_operands(x, n, d, gamma, true, ops);
    int rc = create_buffer(dev, rows * sizeof *ops, ops, &sd->left, &sd->device_bytes, "left operands", err);
    if (rc == 0) {
        clmlp_gemm_rbf_operands(x, n, d, gamma, false, ops);
        rc = create_buffer(dev, rows * sizeof *ops, ops, &sd->right, &sd->device_bytes, "right operands", err);
    }
    if (rc == 0)
        rc = upload_segments(sd, ops, seg_start, n_seg, err);
    free(ops);
    if (rc < 0 || add_stats(sd, err) < 0 || prepare_gemm(dev, sd->k, true, NULL, &sd->gemm_nt, err) < 0 ||
        prepare_gemm(dev, sd->k, false, tunables, &sd->gemm_nn, err) < 0) {
        clmlp_svm_device_release(sd);
        return -1;
    }
    return 0;
}

/* The parts of row assembly, let go. */
static void drop_parts(clmlp_svm_device *sd)
{
    for (int side = 0; side < 2; side++) {
        if (sd->part_owned[side])
            free((void *)sd->part_diag[side]);
        sd->part_diag[side] = NULL;
        sd->part_owned[side] = false;
    }
    sd->part_n = sd->part_na = 0;
}

void clmlp_svm_device_release(clmlp_svm_device *sd)
{
    release_mem(&sd->left);
    release_mem(&sd->right);
    release_mem(&sd->right_t);
    release_mem(&sd->pair_left);
    release_mem(&sd->pair_right);
    release_mem(&sd->out);
    clmlp_gemm_generated_release(&sd->gemm_nt);
    clmlp_gemm_generated_release(&sd->gemm_nn);
    free(sd->cols);
    sd->cols = NULL;
    free(sd->seg_start);
    sd->seg_start = NULL;
    free(sd->block);
    free(sd->cross);
    free(sd->panel);
    sd->block = sd->cross = sd->panel = NULL;
    sd->block_cap = sd->cross_cap = sd->panel_cap = 0;
    drop_parts(sd);
    for (int i = 0; i < sd->n_diag; i++)
        free(sd->diag[i].values);
    free(sd->diag);
    sd->diag = NULL;
    sd->n_diag = 0;
    sd->diag_bytes = 0;
}

/* Copies the operand rows of examples idx[0..n) from src into dst, one
 * copy per run of consecutive indices (two for a one-vs-one problem on
 * class-sorted data). */
static int gather(clmlp_svm_device *sd, cl_mem src, const int *idx, int n, cl_mem dst, clmlp_err *err)
{
    const size_t row = (size_t)sd->k * sizeof(float);
    for (int t = 0; t < n;) {
        int run = 1;
        while (t + run < n && idx[t + run] == idx[t] + run)
            run++;
        if (idx[t] < 0 || idx[t] + run > sd->n)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "svm: example %d outside 0..%d", idx[t], sd->n - 1);
        cl_event *ev = NULL;
        clmlp_pending_event *pe = NULL;
        if (clmlp_profiler_transfer(sd->prof, sd->stat_gather, (double)run * row, false, &ev, &pe, err) < 0)
            return -1;
        double begin = clmlp_now();
        if (clmlp_cl_check(clEnqueueCopyBuffer(sd->dev->queue, src, dst, (size_t)idx[t] * row, (size_t)t * row,
                                               (size_t)run * row, 0, NULL, ev),
                           "clEnqueueCopyBuffer(svm operand rows)", err) < 0 ||
            clmlp_profiler_host_span(sd->dev, ev, pe, begin, err) < 0)
            return -1;
        t += run;
    }
    return 0;
}

/* A host buffer of at least count floats, kept for the next call (the
 * pages stay mapped: a fresh one per problem cost its page faults again). */
static float *reuse(float **buf, size_t *cap, size_t count, clmlp_err *err)
{
    if (*cap >= count)
        return *buf;
    free(*buf);
    *cap = 0;
    if (!(*buf = clmlp_calloc(count, sizeof **buf, err)))
        return NULL;
    *cap = count;
    return *buf;
}

/* out[m x n] = K(the m rows of pair_left, the n examples of pair_right)
 * with the kernel gk (NT or NN, as pair_right holds them), read into host
 * memory. stat: the profiler entry of the launch. */
static int launch(clmlp_svm_device *sd, clmlp_gemm_kernel *gk, int stat, int m, int n, float *host, size_t pitch,
                  clmlp_err *err)
{
    if (clmlp_gemm_generated_resize(gk, m, n, sd->k, err) < 0 ||
        clmlp_gemm_generated_bind(gk, sd->pair_left, sd->pair_right, sd->out, NULL, NULL, err) < 0)
        return -1;
    double flops = clmlp_gemm_flops(&gk->shape);
    bool traced = sd->prof && sd->launches < sd->prof->trace_steps;
    cl_event *ev = NULL;
    clmlp_pending_event *pe = NULL;
    if (clmlp_profiler_launches(sd->prof, stat, 1, traced, sd->launches + 1, &ev, &pe, err) < 0)
        return -1;
    if (pe) {
        pe->flops = flops;
        pe->bytes = 4.0 * ((double)m * sd->k + (double)n * sd->k + (double)m * n);
    }
    double begin = clmlp_now();
    if (clmlp_gemm_generated_enqueue(sd->dev, gk, ev, err) < 0 ||
        clmlp_profiler_host_span(sd->dev, ev, pe, begin, err) < 0)
        return -1;
    sd->launches++;
    sd->flops += flops;
    size_t bytes = (size_t)m * (size_t)n * sizeof(float);
    ev = NULL;
    pe = NULL;
    if (clmlp_profiler_transfer(sd->prof, sd->stat_read, (double)bytes, traced, &ev, &pe, err) < 0)
        return -1;
    begin = clmlp_now();
    /* Rows of n values go to host rows `pitch` floats apart (a panel of a
     * wider block): read whole, then copied into place, which PoCL's
     * clEnqueueReadBufferRect did 3x slower. */
    float *dst = pitch == (size_t)n ? host : reuse(&sd->panel, &sd->panel_cap, (size_t)m * (size_t)n, err);
    if (!dst ||
        clmlp_cl_check(clEnqueueReadBuffer(sd->dev->queue, sd->out, CL_TRUE, 0, bytes, dst, 0, NULL, ev),
                       "clEnqueueReadBuffer(svm kernel values)", err) < 0 ||
        clmlp_profiler_host_span(sd->dev, ev, pe, begin, err) < 0)
        return -1;
    for (int r = 0; dst != host && r < m; r++)
        memcpy(host + (size_t)r * pitch, dst + (size_t)r * n, (size_t)n * sizeof *host);
    return clmlp_profiler_collect(sd->prof, clmlp_profiler_pending(sd->prof), err);
}

/* pair_right holds the right operands of cols as rows (gathered once per
 * problem: the cache passes the same list for every row of a problem). */
static int use_problem(clmlp_svm_device *sd, const int *cols, int n, clmlp_err *err)
{
    if (sd->cols && sd->cols_n == n && memcmp(sd->cols, cols, (size_t)n * sizeof *cols) == 0)
        return 0;
    sd->seg_loaded = -1;
    size_t row = (size_t)sd->k * sizeof(float);
    if (ensure_buffer(sd, &sd->pair_right, &sd->right_cap, (size_t)n * row, "problem operands", err) < 0)
        return -1;
    int *copy = realloc(sd->cols, (size_t)n * sizeof *copy);
    if (!copy)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory (svm problem of %d examples)", n);
    sd->cols = copy;
    sd->cols_n = 0; /* valid only once gathered */
    if (gather(sd, sd->right, cols, n, sd->pair_right, err) < 0)
        return -1;
    memcpy(sd->cols, cols, (size_t)n * sizeof *cols);
    sd->cols_n = n;
    return 0;
}

/* Room for chunk left rows and chunk x n kernel values. */
static int ensure_chunk(clmlp_svm_device *sd, int chunk, int n, clmlp_err *err)
{
    size_t left = (size_t)chunk * (size_t)sd->k * sizeof(float), out = (size_t)chunk * (size_t)n * sizeof(float);
    return ensure_buffer(sd, &sd->pair_left, &sd->left_cap, left, "chunk operands", err) < 0 ||
                   ensure_buffer(sd, &sd->out, &sd->out_cap, out, "kernel values", err) < 0
               ? -1
               : 0;
}

/* pair_right holds columns c0 .. c0+nb-1 of segment g's transposed right
 * operands, k x nb (one rectangular device copy). */
static int use_segment(clmlp_svm_device *sd, int g, int c0, int nb, clmlp_err *err)
{
    if (sd->seg_loaded == g && sd->panel_c0 == c0 && sd->panel_nb == nb)
        return 0;
    sd->cols_n = 0;
    sd->seg_loaded = -1;
    const size_t f = sizeof(float), len = (size_t)(sd->seg_start[g + 1] - sd->seg_start[g]);
    if (ensure_buffer(sd, &sd->pair_right, &sd->right_cap, (size_t)sd->k * (size_t)nb * f, "problem operands",
                      err) < 0)
        return -1;
    cl_event *ev = NULL;
    clmlp_pending_event *pe = NULL;
    if (clmlp_profiler_transfer(sd->prof, sd->stat_gather, (double)sd->k * nb * f, false, &ev, &pe, err) < 0)
        return -1;
    /* the segment is k rows of len floats from float k * seg_start; the panel starts c0 floats into its first */
    const size_t src[3] = {((size_t)sd->k * (size_t)sd->seg_start[g] + (size_t)c0) * f, 0, 0}, dst[3] = {0, 0, 0};
    const size_t region[3] = {(size_t)nb * f, (size_t)sd->k, 1};
    double begin = clmlp_now();
    if (clmlp_cl_check(clEnqueueCopyBufferRect(sd->dev->queue, sd->right_t, sd->pair_right, src, dst, region, len * f,
                                               0, (size_t)nb * f, 0, 0, NULL, ev),
                       "clEnqueueCopyBufferRect(svm segment operands)", err) < 0 ||
        clmlp_profiler_host_span(sd->dev, ev, pe, begin, err) < 0)
        return -1;
    sd->seg_loaded = g;
    sd->panel_c0 = c0;
    sd->panel_nb = nb;
    return 0;
}

/* Whether idx[0..n) are n consecutive examples. */
static bool consecutive(const int *idx, int n)
{
    for (int t = 1; t < n; t++)
        if (idx[t] != idx[t - 1] + 1)
            return false;
    return true;
}

/* The segment that is exactly the run of len examples from first, or -1. */
static int segment_of(const clmlp_svm_device *sd, int first, int len)
{
    for (int g = 0; g < sd->n_seg; g++)
        if (sd->seg_start[g] == first && sd->seg_start[g + 1] - first == len)
            return g;
    return -1;
}

/* Rows rows[0..m) of the kernel matrix against the n examples pair_right
 * holds into out (m x n), in chunks whose values fit the staging buffer. */
static int kernel_rows(clmlp_svm_device *sd, clmlp_gemm_kernel *gk, int stat, const int *rows, int m, int n,
                       float *out, clmlp_err *err)
{
    size_t row_bytes = (size_t)n * sizeof(float);
    int chunk = (int)(STAGING_BYTES / row_bytes);
    if (chunk < 1)
        chunk = 1;
    if (chunk > m)
        chunk = m;
    if (ensure_chunk(sd, chunk, n, err) < 0)
        return -1;
    for (int r = 0; r < m; r += chunk) {
        int rm = m - r < chunk ? m - r : chunk;
        if (gather(sd, sd->left, rows + r, rm, sd->pair_left, err) < 0 ||
            launch(sd, gk, stat, rm, n, out + (size_t)r * n, (size_t)n, err) < 0)
            return -1;
    }
    return 0;
}

/* Rows rows[0..m) against segment g's examples into out (m x len), NN,
 * in column panels of B (PANEL) and chunks of rows. */
static int segment_rows(clmlp_svm_device *sd, int g, int stat, const int *rows, int m, float *out, clmlp_err *err)
{
    const int len = sd->seg_start[g + 1] - sd->seg_start[g];
    for (int c0 = 0; c0 < len; c0 += PANEL) {
        int nb = len - c0 < PANEL ? len - c0 : PANEL;
        int chunk = (int)(STAGING_BYTES / ((size_t)nb * sizeof(float)));
        chunk = chunk < 1 ? 1 : chunk > m ? m : chunk;
        if (use_segment(sd, g, c0, nb, err) < 0 || ensure_chunk(sd, chunk, nb, err) < 0)
            return -1;
        for (int r = 0; r < m; r += chunk) {
            int rm = m - r < chunk ? m - r : chunk;
            if (gather(sd, sd->left, rows + r, rm, sd->pair_left, err) < 0 ||
                launch(sd, &sd->gemm_nn, stat, rm, nb, out + (size_t)r * len + c0, (size_t)len, err) < 0)
                return -1;
        }
    }
    return 0;
}

/* K(examples a, examples b) into out (len_a x len_b): NN when b is a
 * segment (a class: its transposed operands are ready), else NT. */
static int run_block(clmlp_svm_device *sd, const int *run_a, int len_a, const int *run_b, int len_b, float *out,
                     clmlp_err *err)
{
    int g = segment_of(sd, run_b[0], len_b);
    if (g >= 0 && consecutive(run_b, len_b))
        return segment_rows(sd, g, sd->stat_block, run_a, len_a, out, err);
    return use_problem(sd, run_b, len_b, err) < 0 ||
                   kernel_rows(sd, &sd->gemm_nt, sd->stat_block, run_a, len_a, len_b, out, err) < 0
               ? -1
               : 0;
}

/* A class's own block: kept from an earlier problem, or computed (and
 * kept while the budget allows). *owned: the caller frees it. */
static const float *diag_block(clmlp_svm_device *sd, const int *run, int len, bool *owned, clmlp_err *err)
{
    *owned = false;
    for (int i = 0; i < sd->n_diag; i++)
        if (sd->diag[i].start == run[0] && sd->diag[i].len == len)
            return sd->diag[i].values;
    size_t bytes = (size_t)len * (size_t)len * sizeof(float);
    float *v = clmlp_calloc((size_t)len * (size_t)len, sizeof *v, err);
    if (!v || run_block(sd, run, len, run, len, v, err) < 0) {
        free(v);
        return NULL;
    }
    struct clmlp_svm_diag *grown = NULL;
    if (sd->diag_bytes + bytes <= sd->diag_budget &&
        (grown = realloc(sd->diag, (size_t)(sd->n_diag + 1) * sizeof *grown))) {
        sd->diag = grown;
        sd->diag[sd->n_diag++] = (struct clmlp_svm_diag){run[0], len, v};
        sd->diag_bytes += bytes;
    } else {
        *owned = true;
    }
    return v;
}

/* The block of a problem made of two runs of consecutive examples (two
 * classes): [K(a,a) K(a,b); K(a,b)^T K(b,b)], the cross block one GEMM. */
static int two_class_block(clmlp_svm_device *sd, const int *cols, int na, int n, float *out, clmlp_err *err)
{
    const int nb = n - na;
    float *cross = reuse(&sd->cross, &sd->cross_cap, (size_t)na * (size_t)nb, err);
    if (!cross || run_block(sd, cols, na, cols + na, nb, cross, err) < 0)
        return -1;
    for (int i = 0; i < na; i++)
        memcpy(out + (size_t)i * n + na, cross + (size_t)i * nb, (size_t)nb * sizeof *out);
    /* K(b, a) = K(a, b)^T, in tiles that stay in cache (element by element
     * the strided writes took twice as long as the GEMM on MNIST) */
    enum { TILE = 16 };
    for (int i0 = 0; i0 < na; i0 += TILE)
        for (int j0 = 0; j0 < nb; j0 += TILE)
            for (int j = j0; j < nb && j < j0 + TILE; j++)
                for (int i = i0; i < na && i < i0 + TILE; i++)
                    out[(size_t)(na + j) * n + i] = cross[(size_t)i * nb + j];
    for (int side = 0; side < 2; side++) {
        const int *run = side ? cols + na : cols, len = side ? nb : na, at = side ? na : 0;
        bool owned;
        const float *d = diag_block(sd, run, len, &owned, err);
        if (!d)
            return -1;
        for (int i = 0; i < len; i++)
            memcpy(out + (size_t)(at + i) * n + at, d + (size_t)i * len, (size_t)len * sizeof *out);
        if (owned)
            free((void *)d);
    }
    return 0;
}

/* The length of the first of two whole segments a list of examples is made
 * of (a one-vs-one problem on class-sorted data), or 0. */
static int two_segments(const clmlp_svm_device *sd, const int *cols, int n)
{
    for (int g = 0; g < sd->n_seg; g++) {
        int na = sd->seg_start[g + 1] - sd->seg_start[g];
        if (sd->seg_start[g] != cols[0] || na >= n)
            continue;
        return consecutive(cols, na) && segment_of(sd, cols[na], n - na) >= 0 && consecutive(cols + na, n - na)
                   ? na
                   : 0;
    }
    return 0;
}

const float *clmlp_svm_device_block(void *user, const int *cols, int n, clmlp_err *err)
{
    clmlp_svm_device *sd = user;
    double t0 = clmlp_now();
    int na = two_segments(sd, cols, n);
    float *out = reuse(&sd->block, &sd->block_cap, (size_t)n * (size_t)n, err);
    int rc = !out ? -1
             : na > 0 ? two_class_block(sd, cols, na, n, out, err)
                      : run_block(sd, cols, n, cols, n, out, err);
    sd->blocks += rc == 0;
    sd->rows += rc == 0 ? n : 0;
    sd->seconds += clmlp_now() - t0;
    return rc == 0 ? out : NULL;
}

int clmlp_svm_device_warm_up(clmlp_svm_device *sd, clmlp_err *err)
{
    clmlp_profiler *prof = sd->prof;
    sd->prof = NULL; /* not the run's work: kept out of the kernels' figures */
    float value;
    int first = sd->seg_start[0], rc = -1;
    if (use_segment(sd, 0, 0, 1, err) == 0 &&
        kernel_rows(sd, &sd->gemm_nn, sd->stat_block, &first, 1, 1, &value, err) == 0 &&
        use_problem(sd, &first, 1, err) == 0 && kernel_rows(sd, &sd->gemm_nt, sd->stat_row, &first, 1, 1, &value, err) == 0)
        rc = 0;
    sd->prof = prof;
    sd->launches = 0;
    sd->flops = 0;
    return rc;
}

/* The parts of the problem cols (computed when it is a new one): 1 when it
 * is two classes and its rows can be assembled, 0 when not, -1 on error.
 * A problem is known by its size and first and last example: on
 * class-sorted data those name its two classes (the cache calls with the
 * same list for every row, so no O(l) comparison per row). */
static int prepare_parts(clmlp_svm_device *sd, const int *cols, int n, clmlp_err *err)
{
    if (sd->part_n == n && sd->part_first == cols[0] && sd->part_last == cols[n - 1])
        return sd->part_na > 0;
    drop_parts(sd);
    sd->part_n = n;
    sd->part_first = cols[0];
    sd->part_last = cols[n - 1];
    const int na = two_segments(sd, cols, n), nb = n - na;
    if (na == 0)
        return 0;
    float *cross = reuse(&sd->cross, &sd->cross_cap, (size_t)na * (size_t)nb, err);
    if (!cross || run_block(sd, cols, na, cols + na, nb, cross, err) < 0)
        return -1;
    for (int side = 0; side < 2; side++)
        if (!(sd->part_diag[side] = diag_block(sd, side ? cols + na : cols, side ? nb : na, &sd->part_owned[side],
                                               err)))
            return -1;
    sd->part_na = na;
    sd->blocks++;
    return 1;
}

/* Row i (an example of the problem cols) from the parts: [K(a,a) | K(a,b)]
 * for an example of class a, [K(a,b)^T | K(b,b)] for one of class b. */
static void assemble_row(const clmlp_svm_device *sd, int i, const int *cols, int n, float *out)
{
    const int na = sd->part_na, nb = n - na;
    if (i - cols[0] < na) {
        size_t t = (size_t)(i - cols[0]);
        memcpy(out, sd->part_diag[0] + t * na, (size_t)na * sizeof *out);
        memcpy(out + na, sd->cross + t * nb, (size_t)nb * sizeof *out);
        return;
    }
    size_t t = (size_t)(i - cols[na]);
    for (int s = 0; s < na; s++)
        out[s] = sd->cross[(size_t)s * nb + t];
    memcpy(out + na, sd->part_diag[1] + t * nb, (size_t)nb * sizeof *out);
}

int clmlp_svm_device_row(void *user, int i, const int *cols, int n, float *out, clmlp_err *err)
{
    clmlp_svm_device *sd = user;
    double t0 = clmlp_now();
    int ready = sd->parts ? prepare_parts(sd, cols, n, err) : 0, rc = ready < 0 ? -1 : 0;
    if (ready > 0)
        assemble_row(sd, i, cols, n, out);
    else if (ready == 0)
        rc = use_problem(sd, cols, n, err) < 0 ||
                     kernel_rows(sd, &sd->gemm_nt, sd->stat_row, &i, 1, n, out, err) < 0
                 ? -1
                 : 0;
    sd->rows += rc == 0;
    sd->seconds += clmlp_now() - t0;
    return rc;
}

/* ---- prediction ---------------------------------------------------------- */

static int add_predict_stats(clmlp_svm_device *sd, clmlp_err *err)
{
    if (!sd->prof || !sd->prof->enabled)
        return 0;
    char label[160];
    snprintf(label, sizeof label, "K(test rows, support vectors)  (NN, K=%d, generated)", sd->k);
    return clmlp_profiler_add_kernel(sd->prof, "svm_predict", "matmul+exp", label, "eval", &sd->stat_predict,
                                     err) < 0 ||
                   clmlp_profiler_add_transfer(sd->prof, "svm write test operands", &sd->stat_write, err) < 0 ||
                   clmlp_profiler_add_transfer(sd->prof, "svm read kernel values", &sd->stat_read, err) < 0
               ? -1
               : 0;
}

/* The left operands of m test rows into pair_left. */
static int write_test_rows(clmlp_svm_device *sd, const float *x, int m, float *scratch, clmlp_err *err)
{
    clmlp_gemm_rbf_operands(x, m, sd->d, sd->gamma, true, scratch);
    size_t bytes = (size_t)m * (size_t)sd->k * sizeof(float);
    cl_event *ev = NULL;
    clmlp_pending_event *pe = NULL;
    if (clmlp_profiler_transfer(sd->prof, sd->stat_write, (double)bytes, false, &ev, &pe, err) < 0)
        return -1;
    double begin = clmlp_now();
    return clmlp_cl_check(clEnqueueWriteBuffer(sd->dev->queue, sd->pair_left, CL_FALSE, 0, bytes, scratch, 0, NULL,
                                               ev),
                          "clEnqueueWriteBuffer(svm test operands)", err) < 0 ||
                   clmlp_profiler_host_span(sd->dev, ev, pe, begin, err) < 0
               ? -1
               : 0;
}

int clmlp_svm_device_predict(clmlp_device *dev, clmlp_profiler *prof, const clmlp_svm_model *model, const float *sv,
                             int d, double gamma, const float *x, int n, const clmlp_gemm_tunables *tunables,
                             int *labels, double *flops, clmlp_err *err)
{
    if (model->n_sv < 1 || n < 1 || d < 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm predict: needs support vectors (%d) and examples (%d)",
                          model->n_sv, n);
    const int n_sv = model->n_sv;
    int seg[2] = {0, n_sv}; /* the support vectors as one segment: its panels are B */
    clmlp_svm_device sd = {.dev = dev, .prof = prof, .n = n_sv, .d = d, .k = d + 2, .gamma = gamma,
                           .seg_start = seg, .n_seg = 1, .seg_loaded = -1};
    int chunk = (int)(STAGING_BYTES / ((size_t)n_sv * sizeof(float)));
    chunk = chunk < 1 ? 1 : chunk > n ? n : chunk;
    float *ops = clmlp_calloc((size_t)(chunk > n_sv ? chunk : n_sv) * (size_t)sd.k, sizeof *ops, err);
    float *kmat = clmlp_calloc((size_t)chunk * (size_t)n_sv, sizeof *kmat, err);
    int rc = -1;
    float *sv_t = ops ? clmlp_calloc((size_t)n_sv * (size_t)sd.k, sizeof *sv_t, err) : NULL;
    if (!sv_t || !kmat || add_predict_stats(&sd, err) < 0 ||
        prepare_gemm(dev, sd.k, false, tunables, &sd.gemm_nn, err) < 0)
        goto done;
    clmlp_gemm_rbf_operands(sv, n_sv, d, gamma, false, ops);
    transpose(ops, n_sv, sd.k, sv_t);
    if (create_buffer(dev, (size_t)n_sv * sd.k * sizeof *sv_t, sv_t, &sd.right_t, &sd.device_bytes,
                      "support vector operands", err) < 0 ||
        ensure_chunk(&sd, chunk, n_sv < PANEL ? n_sv : PANEL, err) < 0)
        goto done;
    for (int r = 0; r < n; r += chunk) {
        int m = n - r < chunk ? n - r : chunk;
        if (write_test_rows(&sd, x + (size_t)r * d, m, ops, err) < 0)
            goto done;
        for (int c0 = 0; c0 < n_sv; c0 += PANEL) {
            int nb = n_sv - c0 < PANEL ? n_sv - c0 : PANEL;
            if (use_segment(&sd, 0, c0, nb, err) < 0 ||
                launch(&sd, &sd.gemm_nn, sd.stat_predict, m, nb, kmat + c0, (size_t)n_sv, err) < 0)
                goto done;
        }
        if (clmlp_svm_predict_batch(model, m, kmat, labels + r, err) < 0)
            goto done;
    }
    if (flops)
        *flops = sd.flops;
    rc = 0;
done:
    sd.seg_start = NULL; /* the caller's stack, not the release's to free */
    clmlp_svm_device_release(&sd);
    free(sv_t);
    free(ops);
    free(kmat);
    return rc;
}
