/* Optimizer updates over a flat float range: one parameter tensor (unfused),
 * or all of them at once (fused: params, grads, m and v are regions with the
 * same layout, so element i of each belongs together). */

/* Adam with TensorFlow 1 semantics (the seed's tf.train.AdamOptimizer):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr_t * m / (sqrt(v) + eps),  lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)  (computed on the host)
 */
__kernel void adam(__global float *p, __global const float *g, __global float *m, __global float *v, const int n,
                   const float lr_t, const float beta1, const float beta2, const float eps)
{
    const int i = get_global_id(0);
    if (i >= n)
        return;
    const float gi = g[i];
    const float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    const float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= lr_t * mi / (sqrt(vi) + eps);
}

/* SGD with (optional) momentum, PyTorch semantics: vel = mu vel + g; p -= lr vel. */
__kernel void sgd(__global float *p, __global const float *g, __global float *vel, const int n, const float lr,
                  const float momentum)
{
    const int i = get_global_id(0);
    if (i >= n)
        return;
    const float vi = momentum * vel[i] + g[i];
    vel[i] = vi;
    p[i] -= lr * vi;
}
