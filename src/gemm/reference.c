/* The host reference every device GEMM is checked against (tests, and the
 * autotuner's check of each candidate): double accumulation. */
#include "clmlp/gemm.h"

#include <math.h>

void clmlp_gemm_reference(const clmlp_gemm_shape *s, const float *a, const float *b, const float *bias, float *c)
{
    int lda, ldb, ldc;
    clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
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
            if (s->epilogue != CLMLP_EPILOGUE_NONE)
                sum += bias[j];
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
            default:
                break;
            }
            *out = (float)sum;
        }
    }
}
