/* Elementwise kernels (activation.cl is prepended: the requires line). One
 * work-item per element, 1-D; the host rounds the global size up to the
 * local size. */
// requires: activation

/* y[r, c] = x[r, c] + b[c]                      (unfused bias_add) */
__kernel void bias_add(__global const float *x, __global const float *b, __global float *y, const int rows,
                       const int cols)
{
    const int i = get_global_id(0);
    if (i < rows * cols)
        y[i] = x[i] + b[i % cols];
}

/* y[r, c] = act(y[r, c] + b[c]), in place       (epilogue after a CLBlast GEMM) */
__kernel void bias_act(__global float *y, __global const float *b, const int rows, const int cols)
{
    const int i = get_global_id(0);
    if (i < rows * cols)
        y[i] = act_forward(y[i] + b[i % cols]);
}

/* y = act(x)                                     (unfused activation) */
__kernel void activation(__global const float *x, __global float *y, const int n)
{
    const int i = get_global_id(0);
    if (i < n)
        y[i] = act_forward(x[i]);
}

/* dx = dy * act'(x), from y = act(x)             (unfused activation backward) */
__kernel void act_grad(__global const float *dy, __global const float *y, __global float *dx, const int n)
{
    const int i = get_global_id(0);
    if (i < n)
        dx[i] = dy[i] * act_derivative(y[i]);
}
