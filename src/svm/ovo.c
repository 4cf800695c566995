/* One-vs-one multiclass C-SVC as LIBSVM's svm_train and svm_predict do it
 * (Hsu & Lin 2002): one binary problem per pair of classes on those two
 * classes' examples, the support vectors shared in one list grouped by
 * class, and prediction by votes. Classes are sorted by label, as
 * scikit-learn's copy of LIBSVM does (plain LIBSVM keeps first appearance). */
#include <stdlib.h>
#include <string.h>

#include "clmlp/svm.h"

int clmlp_svm_n_pairs(int n_classes) { return n_classes * (n_classes - 1) / 2; }

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Class index of a label in the sorted distinct labels. */
static int class_of(const int *labels, int k, int label)
{
    const int *p = bsearch(&label, labels, (size_t)k, sizeof *labels, cmp_int);
    return (int)(p - labels);
}

void clmlp_svm_model_free(clmlp_svm_model *m)
{
    if (!m)
        return;
    free(m->labels);
    free(m->sv_index);
    free(m->sv_count);
    free(m->coef);
    free(m->rho);
    free(m->pairs);
    memset(m, 0, sizeof *m);
}

/* Sorted distinct labels into m->labels; the class of every example into cls. */
static int find_classes(int n, const int *labels, clmlp_svm_model *m, int *cls, clmlp_err *err)
{
    int *sorted = clmlp_calloc((size_t)n, sizeof *sorted, err);
    if (!sorted)
        return -1;
    memcpy(sorted, labels, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_int);
    int k = 0;
    for (int t = 0; t < n; t++)
        if (k == 0 || sorted[t] != sorted[k - 1])
            sorted[k++] = sorted[t];
    if (k < 2) {
        free(sorted);
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: training needs at least two classes, the labels have %d", k);
    }
    m->n_classes = k;
    m->labels = sorted; /* n >= k entries, the first k used */
    for (int t = 0; t < n; t++)
        cls[t] = class_of(sorted, k, labels[t]);
    return 0;
}

int clmlp_svm_train_ovo(int n, const int *labels, const clmlp_svm_kernel *kernel, const clmlp_svm_params *params,
                        clmlp_svm_model *model, clmlp_err *err)
{
    memset(model, 0, sizeof *model);
    if (n < 2 || !labels || !kernel || !kernel->row || !params)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "svm: training needs at least two labelled examples and a kernel");
    int rc = -1;
    int *cls = clmlp_calloc((size_t)n, sizeof *cls, err);
    int *perm = clmlp_calloc((size_t)n, sizeof *perm, err);
    int *cols = clmlp_calloc((size_t)n, sizeof *cols, err);
    signed char *y = clmlp_calloc((size_t)n, sizeof *y, err);
    double *grad = clmlp_calloc((size_t)n, sizeof *grad, err);
    int *sv_pos = clmlp_calloc((size_t)n, sizeof *sv_pos, err); /* grouped position -> SV slot, -1 if none */
    int *start = NULL, *count = NULL;
    double **alpha = NULL;
    if (!cls || !perm || !cols || !y || !grad || !sv_pos || find_classes(n, labels, model, cls, err) != 0)
        goto done;
    const int k = model->n_classes, n_pairs = clmlp_svm_n_pairs(k);
    start = clmlp_calloc((size_t)k + 1, sizeof *start, err);
    count = clmlp_calloc((size_t)k, sizeof *count, err);
    alpha = clmlp_calloc((size_t)n_pairs, sizeof *alpha, err);
    model->rho = clmlp_calloc((size_t)n_pairs, sizeof *model->rho, err);
    model->pairs = clmlp_calloc((size_t)n_pairs, sizeof *model->pairs, err);
    model->sv_count = clmlp_calloc((size_t)k, sizeof *model->sv_count, err);
    if (!start || !count || !alpha || !model->rho || !model->pairs || !model->sv_count)
        goto done;
    /* Group the examples by class, keeping their order within a class, so a
     * pair's problem is two contiguous runs of perm. */
    for (int t = 0; t < n; t++)
        count[cls[t]]++;
    for (int c = 0; c < k; c++)
        start[c + 1] = start[c] + count[c];
    {
        int *fill = clmlp_calloc((size_t)k, sizeof *fill, err);
        if (!fill)
            goto done;
        for (int t = 0; t < n; t++)
            perm[start[cls[t]] + fill[cls[t]]++] = t;
        free(fill);
    }
    for (int t = 0; t < n; t++)
        sv_pos[t] = -1;
    int p = 0;
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < k; b++, p++) {
            int l = count[a] + count[b];
            memcpy(cols, perm + start[a], (size_t)count[a] * sizeof *cols);
            memcpy(cols + count[a], perm + start[b], (size_t)count[b] * sizeof *cols);
            for (int t = 0; t < l; t++)
                y[t] = t < count[a] ? 1 : -1;
            if (!(alpha[p] = clmlp_calloc((size_t)l, sizeof **alpha, err)))
                goto done;
            if (params->progress)
                params->progress(params->progress_user, p, n_pairs);
            if (clmlp_svm_solve(l, cols, y, kernel, params, alpha[p], grad, &model->pairs[p], err) != 0) {
                clmlp_fail_prefix(err, "svm: classes %d and %d: ", model->labels[a], model->labels[b]);
                goto done;
            }
            model->rho[p] = model->pairs[p].rho;
            /* A support vector of any pair is one of the model (sv_pos marks it for now). */
            for (int t = 0; t < l; t++)
                if (alpha[p][t] > 0)
                    sv_pos[t < count[a] ? start[a] + t : start[b] + t - count[a]] = 0;
        }
    if (params->progress)
        params->progress(params->progress_user, n_pairs, n_pairs);
    /* The shared support-vector list, in grouped order. */
    for (int q = 0; q < n; q++)
        if (sv_pos[q] == 0)
            model->n_sv++;
    model->sv_index = clmlp_calloc((size_t)model->n_sv + 1, sizeof *model->sv_index, err);
    model->coef = clmlp_calloc((size_t)(k - 1) * (size_t)model->n_sv + 1, sizeof *model->coef, err);
    if (!model->sv_index || !model->coef)
        goto done;
    int s = 0;
    for (int q = 0; q < n; q++)
        if (sv_pos[q] == 0) {
            model->sv_index[s] = perm[q];
            model->sv_count[cls[perm[q]]]++;
            sv_pos[q] = s++;
        } else {
            sv_pos[q] = -1;
        }
    /* y alpha of pair (a, b): class a's in row b - 1, class b's in row a. */
    p = 0;
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < k; b++, p++) {
            for (int t = 0; t < count[a]; t++)
                if (sv_pos[start[a] + t] >= 0)
                    model->coef[(size_t)(b - 1) * model->n_sv + sv_pos[start[a] + t]] = alpha[p][t];
            for (int t = 0; t < count[b]; t++)
                if (sv_pos[start[b] + t] >= 0)
                    model->coef[(size_t)a * model->n_sv + sv_pos[start[b] + t]] = -alpha[p][count[a] + t];
        }
    rc = 0;
done:
    if (alpha)
        for (int q = 0; q < clmlp_svm_n_pairs(model->n_classes); q++)
            free(alpha[q]);
    free(alpha);
    free(start);
    free(count);
    free(cls);
    free(perm);
    free(cols);
    free(y);
    free(grad);
    free(sv_pos);
    if (rc != 0)
        clmlp_svm_model_free(model);
    return rc;
}

int clmlp_svm_predict(const clmlp_svm_model *m, const float *kvals, int *votes, double *dec)
{
    const int k = m->n_classes;
    for (int c = 0; c < k; c++)
        votes[c] = 0;
    int p = 0;
    for (int a = 0, first_a = 0; a < k; first_a += m->sv_count[a++]) {
        for (int b = a + 1, first_b = first_a + m->sv_count[a]; b < k; first_b += m->sv_count[b++], p++) {
            const double *ca = m->coef + (size_t)(b - 1) * m->n_sv, *cb = m->coef + (size_t)a * m->n_sv;
            double sum = 0;
            for (int s = first_a; s < first_a + m->sv_count[a]; s++)
                sum += ca[s] * kvals[s];
            for (int s = first_b; s < first_b + m->sv_count[b]; s++)
                sum += cb[s] * kvals[s];
            sum -= m->rho[p];
            if (dec)
                dec[p] = sum;
            votes[sum > 0 ? a : b]++;
        }
    }
    int win = 0; /* strictly more votes to take over: ties go to the lowest index */
    for (int c = 1; c < k; c++)
        if (votes[c] > votes[win])
            win = c;
    return m->labels[win];
}

int clmlp_svm_predict_batch(const clmlp_svm_model *m, int n, const float *kmat, int *out, clmlp_err *err)
{
    int *votes = clmlp_calloc((size_t)m->n_classes, sizeof *votes, err);
    if (!votes)
        return -1;
    for (int t = 0; t < n; t++)
        out[t] = clmlp_svm_predict(m, kmat + (size_t)t * m->n_sv, votes, NULL);
    free(votes);
    return 0;
}
