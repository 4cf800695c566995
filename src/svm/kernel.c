/* Host kernels: scikit-learn's gamma="scale" and a double-precision RBF
 * reference, written in the norm-expansion form the device's GEMM epilogue
 * will use (as LIBSVM's dense kernel_rbf does), for tests and small problems. */
#include <math.h>
#include <stdlib.h>

#include "clmlp/svm.h"

double clmlp_svm_gamma_scale(const float *x, size_t n, size_t d)
{
    double var = clmlp_svm_variance(x, n * d);
    return var > 0 ? 1.0 / ((double)d * var) : 1.0;
}

double clmlp_svm_variance(const float *x, size_t count)
{
    if (count == 0)
        return 0;
    /* Two passes: the mean first, then squared deviations (no cancellation). */
    double mean = 0;
    for (size_t k = 0; k < count; k++)
        mean += x[k];
    mean /= (double)count;
    double var = 0;
    for (size_t k = 0; k < count; k++) {
        double dev = x[k] - mean;
        var += dev * dev;
    }
    return var / (double)count;
}

static double dot(const float *a, const float *b, int d)
{
    double s = 0;
    for (int k = 0; k < d; k++)
        s += (double)a[k] * b[k];
    return s;
}

int clmlp_svm_rbf_init(clmlp_svm_rbf *rbf, const float *x, int n, int d, double gamma, clmlp_err *err)
{
    if (!x || n < 1 || d < 1 || !(gamma > 0))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: RBF kernel needs examples, features and gamma > 0 (gamma %g)",
                          gamma);
    *rbf = (clmlp_svm_rbf){.x = x, .n = n, .d = d, .gamma = gamma};
    rbf->sqnorm = clmlp_calloc((size_t)n, sizeof *rbf->sqnorm, err);
    if (!rbf->sqnorm)
        return -1;
    for (int i = 0; i < n; i++)
        rbf->sqnorm[i] = dot(x + (size_t)i * d, x + (size_t)i * d, d);
    return 0;
}

void clmlp_svm_rbf_free(clmlp_svm_rbf *rbf)
{
    if (!rbf)
        return;
    free(rbf->sqnorm);
    rbf->sqnorm = NULL;
}

int clmlp_svm_rbf_row(void *user, int i, const int *cols, int n, float *out, clmlp_err *err)
{
    const clmlp_svm_rbf *rbf = user;
    if (i < 0 || i >= rbf->n)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "svm: RBF row %d outside 0..%d", i, rbf->n - 1);
    const float *xi = rbf->x + (size_t)i * rbf->d;
    for (int k = 0; k < n; k++) {
        int j = cols[k];
        if (j < 0 || j >= rbf->n)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "svm: RBF column %d outside 0..%d", j, rbf->n - 1);
        double d2 = rbf->sqnorm[i] + rbf->sqnorm[j] - 2.0 * dot(xi, rbf->x + (size_t)j * rbf->d, rbf->d);
        out[k] = (float)exp(-rbf->gamma * d2);
    }
    return 0;
}

double clmlp_svm_rbf_value(const float *a, const float *b, int d, double gamma)
{
    return exp(-gamma * (dot(a, a, d) + dot(b, b, d) - 2.0 * dot(a, b, d)));
}
