/* The host reference every device GEMM is checked against (tests, and the
 * autotuner's check of each candidate): double accumulation. And the RBF
 * kernel's augmented operands (gemm.h). */
#include "clmlp/gemm.h"

#include <math.h>

/* d act / d x from the output y, as cl/activation.cl computes it. */
static double act_derivative(int act, double y)
{
    switch (act) {
    case CLMLP_ACT_RELU:
        return y > 0.0 ? 1.0 : 0.0;
    case CLMLP_ACT_SIGMOID:
        return y * (1.0 - y);
    default:
        return 1.0 - y * y;
    }
}

void clmlp_gemm_reference(const clmlp_gemm_shape *s, const float *a, const float *b, float *bias, const float *h,
                          float *c)
{
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
    if (s->epilogue == CLMLP_EPILOGUE_BIAS_GRAD)
        for (int j = 0; j < s->n; j++) {
            double sum = 0.0;
            for (int p = 0; p < s->k; p++)
                sum += s->trans_b ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
            bias[j] = (float)(s->accumulate ? bias[j] + sum : sum);
        }
    for (int i = 0; i < s->m; i++) {
        for (int j = 0; j < s->n; j++) {
            double sum = 0.0;
            for (int p = 0; p < s->k; p++) {
                double x = s->trans_a ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                double y = s->trans_b ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += x * y;
            }
            float *out = &c[(size_t)i * ldc + j];
            if (s->accumulate)
                sum += *out;
            if (clmlp_epilogue_adds_bias(s->epilogue))
                sum += bias[j];
            if (clmlp_epilogue_act_grad(s->epilogue))
                sum *= act_derivative(clmlp_epilogue_activation(s->epilogue), h[(size_t)i * ldc + j]);
            switch (s->epilogue) {
            case CLMLP_EPILOGUE_BIAS_RELU:
                sum = sum > 0.0 ? sum : 0.0;
                break;
            case CLMLP_EPILOGUE_BIAS_SIGMOID:
                sum = 1.0 / (1.0 + exp(-sum));
                break;
            case CLMLP_EPILOGUE_BIAS_TANH:
                sum = tanh(sum);
                break;
            case CLMLP_EPILOGUE_EXP:
                sum = exp(sum);
                break;
            default:
                break;
            }
            *out = (float)sum;
        }
    }
}

void clmlp_gemm_rbf_operands(const float *x, int rows, int d, double gamma, bool left, float *out)
{
    for (int i = 0; i < rows; i++) {
        const float *xi = x + (size_t)i * d;
        float *o = out + (size_t)i * (d + 2);
        double sq = 0.0;
        for (int f = 0; f < d; f++) {
            sq += (double)xi[f] * xi[f];
            o[f] = left ? (float)(2.0 * gamma * xi[f]) : xi[f];
        }
        o[d] = left ? (float)(-gamma * sq) : 1.0f;
        o[d + 1] = left ? 1.0f : (float)(-gamma * sq);
    }
}
