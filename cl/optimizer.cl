/* Optimizer updates over a flat float range: one parameter tensor (unfused),
 * or all of them at once (fused: params, grads, m and v are regions with the
 * same layout, so element i of each belongs together). */

#ifndef OPT_VW
#define OPT_VW 16 /* elements per work-item of adam (the lowering passes it) */
#endif
#define OCAT_(a, b) a##b
#define OCAT(a, b) OCAT_(a, b)
#define VEC OCAT(float, OPT_VW)
#define VLOAD OCAT(vload, OPT_VW)
#define VSTORE OCAT(vstore, OPT_VW)

/* Adam with TensorFlow 1 semantics (the seed's tf.train.AdamOptimizer):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr_t * m / (sqrt(v) + eps),  lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)  (computed on the host)
 */
__kernel void adam(__global float *p, __global const float *g, __global float *m, __global float *v, const int n,
                   const float lr_t, const float beta1, const float beta2, const float eps)
{
    /* OPT_VW consecutive elements per work-item, as one vector: PoCL's
     * per-work-item code then is plain SIMD over them. The tail of n that
     * does not fill a vector goes element by element. */
    const int base = get_global_id(0) * OPT_VW;
    if (base + OPT_VW <= n) {
        const VEC gi = VLOAD(0, g + base);
        const VEC mi = beta1 * VLOAD(0, m + base) + (1.0f - beta1) * gi;
        const VEC vi = beta2 * VLOAD(0, v + base) + (1.0f - beta2) * gi * gi;
        VSTORE(mi, 0, m + base);
        VSTORE(vi, 0, v + base);
        VSTORE(VLOAD(0, p + base) - lr_t * mi / (sqrt(vi) + eps), 0, p + base);
        return;
    }
    for (int i = base; i < n; i++) {
        const float gi = g[i];
        const float mi = beta1 * m[i] + (1.0f - beta1) * gi;
        const float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr_t * mi / (sqrt(vi) + eps);
    }
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
