/* Column reductions over a batch (activation.cl is prepended: the requires
 * line). One work-item per column walks the rows: adjacent work-items read
 * adjacent addresses, which suits both GPUs (coalesced) and PoCL
 * (vectorised across work-items). Accumulation is in float, in row order, so results are
 * deterministic. */
// requires: activation

/* db[c] = sum_r dy[r, c]                                   (bias gradient) */
__kernel void sum_rows(__global const float *dy, __global float *db, const int rows, const int cols)
{
    const int c = get_global_id(0);
    if (c >= cols)
        return;
    float acc = 0.0f;
    for (int r = 0; r < rows; r++)
        acc += dy[r * cols + c];
    db[c] = acc;
}

/* dx[r, c] = dy[r, c] * act'(y[r, c]);  db[c] = sum_r dx[r, c]
 * (activation backward fused with the bias gradient: dx is read once, not twice) */
__kernel void act_grad_sum_rows(__global const float *dy, __global const float *y, __global float *dx,
                                __global float *db, const int rows, const int cols)
{
    const int c = get_global_id(0);
    if (c >= cols)
        return;
    float acc = 0.0f;
    for (int r = 0; r < rows; r++) {
        const int i = r * cols + c;
        const float g = dy[i] * act_derivative(y[i]);
        dx[i] = g;
        acc += g;
    }
    db[c] = acc;
}
