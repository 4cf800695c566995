/* KKT check of a C-SVC dual solution, independent of how it was found:
 * with f(x_t) = sum_s alpha_s y_s K_st - rho and G = Qa - e,
 * y_t f(x_t) - 1 = G_t - y_t rho, which must be >= 0 at alpha_t = 0,
 * <= 0 at alpha_t = C and 0 in between (Platt 1998; Keerthi et al. 2001). */
#include <math.h>

#include "clmlp/svm.h"

double clmlp_svm_kkt_violation(int l, const double *alpha, const double *grad, const signed char *y, double C,
                               double rho)
{
    double worst = 0;
    for (int t = 0; t < l; t++) {
        double r = grad[t] - y[t] * rho, v;
        if (alpha[t] <= 0)
            v = -r;
        else if (alpha[t] >= C)
            v = r;
        else
            v = fabs(r);
        if (v > worst)
            worst = v;
    }
    return worst;
}
