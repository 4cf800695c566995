/* Activation functions shared by elementwise.cl and reduce.cl (prepended to
 * them at build time). ACT selects one; the values follow clmlp_activation:
 *   -1 none, 0 relu, 1 sigmoid, 2 tanh.
 * Derivatives are written in terms of the OUTPUT y = act(x), so the backward
 * pass never needs the pre-activation tensor. */
#ifndef ACT
#define ACT 0
#endif

inline float act_forward(float x)
{
#if ACT == 0
    return fmax(x, 0.0f);
#elif ACT == 1
    return 1.0f / (1.0f + exp(-x));
#elif ACT == 2
    return tanh(x);
#else
    return x;
#endif
}

/* d act / d x, from y = act(x). relu'(0) is taken as 0, like TF and PyTorch. */
inline float act_derivative(float y)
{
#if ACT == 0
    return y > 0.0f ? 1.0f : 0.0f;
#elif ACT == 1
    return y * (1.0f - y);
#elif ACT == 2
    return 1.0f - y * y;
#else
    return 1.0f;
#endif
}
