/* Softmax, cross-entropy and argmax over rows of logits [rows, cols]. One
 * work-item per row (cols is the class count, 10 for MNIST). Losses and
 * predictions are written to a run-owned buffer at out_offset, so a whole
 * epoch's losses are read back once, without a sync per step. */

/* The row's maximum and sum of exp(z - max): the stable softmax denominator. */
inline float2 row_max_sum(__global const float *zr, const int cols)
{
    float m = zr[0];
    for (int c = 1; c < cols; c++)
        m = fmax(m, zr[c]);
    float s = 0.0f;
    for (int c = 0; c < cols; c++)
        s += exp(zr[c] - m);
    return (float2)(m, s);
}

/* p = softmax(z)                                             (unfused) */
__kernel void softmax(__global const float *z, __global float *p, const int rows, const int cols)
{
    const int r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *zr = z + r * cols;
    const float2 ms = row_max_sum(zr, cols);
    const float m = ms.x, inv = 1.0f / ms.y;
    for (int c = 0; c < cols; c++)
        p[r * cols + c] = exp(zr[c] - m) * inv;
}

/* loss[out_offset + r] = -log p[r, y[r]]                     (unfused) */
__kernel void xent_loss(__global const float *p, __global const int *y, __global float *loss, const int out_offset,
                        const int rows, const int cols)
{
    const int r = get_global_id(0);
    if (r < rows)
        loss[out_offset + r] = -log(fmax(p[r * cols + y[r]], 1e-30f));
}

/* dz = (p - onehot(y)) * inv_batch                          (unfused) */
__kernel void xent_grad(__global const float *p, __global const int *y, __global float *dz, const int rows,
                        const int cols, const float inv_batch)
{
    const int r = get_global_id(0);
    if (r >= rows)
        return;
    for (int c = 0; c < cols; c++)
        dz[r * cols + c] = (p[r * cols + c] - (c == y[r] ? 1.0f : 0.0f)) * inv_batch;
}

/* The fused classifier: loss and gradient from the logits in one pass; the
 * probabilities are never stored. loss = log(sum exp(z - m)) - (z[y] - m). */
__kernel void softmax_xent(__global const float *z, __global const int *y, __global float *loss,
                           const int out_offset, __global float *dz, const int rows, const int cols,
                           const float inv_batch)
{
    const int r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *zr = z + r * cols;
    const int label = y[r];
#ifdef COLS
    /* The class count known when compiling (cols == COLS): loops unrolled
     * and each exp taken once, kept in registers; the same values and sums
     * in the same order as below. */
    float e[COLS];
    float m = zr[0];
#pragma unroll
    for (int c = 1; c < COLS; c++)
        m = fmax(m, zr[c]);
    float sum = 0.0f;
#pragma unroll
    for (int c = 0; c < COLS; c++) {
        e[c] = exp(zr[c] - m);
        sum += e[c];
    }
    const float inv = 1.0f / sum;
    loss[out_offset + r] = log(sum) - (zr[label] - m);
#pragma unroll
    for (int c = 0; c < COLS; c++)
        dz[r * COLS + c] = (e[c] * inv - (c == label ? 1.0f : 0.0f)) * inv_batch;
#else
    const float2 ms = row_max_sum(zr, cols);
    const float m = ms.x, inv = 1.0f / ms.y;
    loss[out_offset + r] = log(ms.y) - (zr[label] - m);
    for (int c = 0; c < cols; c++)
        dz[r * cols + c] = (exp(zr[c] - m) * inv - (c == label ? 1.0f : 0.0f)) * inv_batch;
#endif
}

/* pred[out_offset + r] = argmax_c z[r, c] (first maximum wins) */
__kernel void argmax(__global const float *z, __global int *pred, const int out_offset, const int rows,
                     const int cols)
{
    const int r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *zr = z + r * cols;
    int best = 0;
    for (int c = 1; c < cols; c++)
        if (zr[c] > zr[best])
            best = c;
    pred[out_offset + r] = best;
}
