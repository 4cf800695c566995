#include "reference_mlp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ref_mlp_init(ref_mlp *r, int n_layers, const int *width, clmlp_activation act)
{
    memset(r, 0, sizeof *r);
    r->n_layers = n_layers;
    r->act = act;
    memcpy(r->width, width, sizeof(int) * (size_t)(n_layers + 1));
    for (int l = 0; l < n_layers; l++) {
        size_t nw = (size_t)width[l] * width[l + 1], nb = (size_t)width[l + 1];
        r->w[l] = calloc(nw, sizeof(double));
        r->dw[l] = calloc(nw, sizeof(double));
        r->b[l] = calloc(nb, sizeof(double));
        r->db[l] = calloc(nb, sizeof(double));
        r->m[2 * l] = calloc(nw, sizeof(double));
        r->v[2 * l] = calloc(nw, sizeof(double));
        r->m[2 * l + 1] = calloc(nb, sizeof(double));
        r->v[2 * l + 1] = calloc(nb, sizeof(double));
    }
}

void ref_mlp_free(ref_mlp *r)
{
    for (int l = 0; l < r->n_layers; l++) {
        free(r->w[l]);
        free(r->dw[l]);
        free(r->b[l]);
        free(r->db[l]);
        for (int k = 0; k < 2; k++) {
            free(r->m[2 * l + k]);
            free(r->v[2 * l + k]);
        }
    }
}

static double act_f(clmlp_activation a, double x)
{
    switch (a) {
    case CLMLP_ACT_SIGMOID:
        return 1.0 / (1.0 + exp(-x));
    case CLMLP_ACT_TANH:
        return tanh(x);
    default:
        return x > 0 ? x : 0;
    }
}

static double act_d(clmlp_activation a, double y)
{
    switch (a) {
    case CLMLP_ACT_SIGMOID:
        return y * (1 - y);
    case CLMLP_ACT_TANH:
        return 1 - y * y;
    default:
        return y > 0 ? 1 : 0;
    }
}

/* Forward; h[l] holds layer l's input (h[0] = x), h[n_layers] the logits. */
static double **forward(const ref_mlp *r, const double *x, int batch)
{
    double **h = calloc((size_t)r->n_layers + 1, sizeof *h);
    h[0] = malloc(sizeof(double) * (size_t)batch * r->width[0]);
    memcpy(h[0], x, sizeof(double) * (size_t)batch * r->width[0]);
    for (int l = 0; l < r->n_layers; l++) {
        int in = r->width[l], out = r->width[l + 1];
        h[l + 1] = malloc(sizeof(double) * (size_t)batch * out);
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < out; j++) {
                double s = r->b[l][j];
                for (int k = 0; k < in; k++)
                    s += h[l][i * in + k] * r->w[l][k * out + j];
                h[l + 1][i * out + j] = l == r->n_layers - 1 ? s : act_f(r->act, s);
            }
    }
    return h;
}

static void free_h(const ref_mlp *r, double **h)
{
    for (int l = 0; l <= r->n_layers; l++)
        free(h[l]);
    free(h);
}

double ref_mlp_loss(ref_mlp *r, const double *x, const int *y, int batch, bool grads)
{
    double **h = forward(r, x, batch);
    int L = r->n_layers, C = r->width[L];
    double loss = 0;
    double *d = malloc(sizeof(double) * (size_t)batch * C);
    for (int i = 0; i < batch; i++) {
        double *z = &h[L][i * C], m = z[0], s = 0;
        for (int c = 1; c < C; c++)
            m = fmax(m, z[c]);
        for (int c = 0; c < C; c++)
            s += exp(z[c] - m);
        loss += log(s) - (z[y[i]] - m);
        for (int c = 0; c < C; c++)
            d[i * C + c] = (exp(z[c] - m) / s - (c == y[i])) / batch;
    }
    loss /= batch;
    if (grads) {
        /* d holds dLoss/d(pre-activation) of layer l; walk back. */
        for (int l = L - 1; l >= 0; l--) {
            int in = r->width[l], out = r->width[l + 1];
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int i = 0; i < batch; i++)
                    s += d[i * out + j];
                r->db[l][j] = s;
            }
            for (int k = 0; k < in; k++)
                for (int j = 0; j < out; j++) {
                    double s = 0;
                    for (int i = 0; i < batch; i++)
                        s += h[l][i * in + k] * d[i * out + j];
                    r->dw[l][k * out + j] = s;
                }
            if (l == 0)
                break;
            double *dn = malloc(sizeof(double) * (size_t)batch * in);
            for (int i = 0; i < batch; i++)
                for (int k = 0; k < in; k++) {
                    double s = 0;
                    for (int j = 0; j < out; j++)
                        s += d[i * out + j] * r->w[l][k * out + j];
                    dn[i * in + k] = s * act_d(r->act, h[l][i * in + k]);
                }
            free(d);
            d = dn;
        }
    }
    free(d);
    free_h(r, h);
    return loss;
}

void ref_mlp_predict(const ref_mlp *r, const double *x, int batch, int *pred)
{
    double **h = forward(r, x, batch);
    int C = r->width[r->n_layers];
    for (int i = 0; i < batch; i++) {
        int best = 0;
        for (int c = 1; c < C; c++)
            if (h[r->n_layers][i * C + c] > h[r->n_layers][i * C + best])
                best = c;
        pred[i] = best;
    }
    free_h(r, h);
}

int ref_mlp_param_size(const ref_mlp *r, int p)
{
    int l = p / 2;
    return p % 2 ? r->width[l + 1] : r->width[l] * r->width[l + 1];
}

double *ref_mlp_param(ref_mlp *r, int p) { return p % 2 ? r->b[p / 2] : r->w[p / 2]; }
double *ref_mlp_grad(ref_mlp *r, int p) { return p % 2 ? r->db[p / 2] : r->dw[p / 2]; }

void ref_mlp_adam(ref_mlp *r, int t, double lr, double b1, double b2, double eps)
{
    double lr_t = lr * sqrt(1 - pow(b2, t)) / (1 - pow(b1, t));
    for (int p = 0; p < 2 * r->n_layers; p++) {
        double *w = ref_mlp_param(r, p), *g = ref_mlp_grad(r, p);
        for (int i = 0; i < ref_mlp_param_size(r, p); i++) {
            r->m[p][i] = b1 * r->m[p][i] + (1 - b1) * g[i];
            r->v[p][i] = b2 * r->v[p][i] + (1 - b2) * g[i] * g[i];
            w[i] -= lr_t * r->m[p][i] / (sqrt(r->v[p][i]) + eps);
        }
    }
}

void ref_mlp_sgd(ref_mlp *r, double lr, double momentum)
{
    for (int p = 0; p < 2 * r->n_layers; p++) {
        double *w = ref_mlp_param(r, p), *g = ref_mlp_grad(r, p);
        for (int i = 0; i < ref_mlp_param_size(r, p); i++) {
            r->m[p][i] = momentum * r->m[p][i] + g[i];
            w[i] -= lr * r->m[p][i];
        }
    }
}
