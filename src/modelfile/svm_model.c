/* model.safetensors of kind svm: the support vectors (sv, F32), their
 * coefficients (dual_coef, F64, LIBSVM's layout), the pairs' rho, the
 * support vectors per class and the class labels, with gamma, C and the
 * input's scaling in the metadata; read back strictly. See modelfile.h and
 * README "Model files". */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "modelfile_internal.h"

_Static_assert(sizeof(int) == 4, "the I32 tensors are the host's ints");

#define SVM_MAX_INPUT 16777216 /* 4096 x 4096 pixels, the data readers' largest image */
#define SVM_MAX_CLASSES 65536  /* the config's limit on model.classes */
#define SVM_TENSORS "sv,dual_coef,rho,sv_count,labels"

/* "0,1,2": the class labels as the metadata holds them (malloc'ed; NULL: out of memory). */
static char *join_labels(const int *labels, int k)
{
    size_t cap = (size_t)k * 12 + 1, n = 0;
    char *text = malloc(cap);
    if (!text)
        return NULL;
    text[0] = '\0';
    for (int c = 0; c < k; c++)
        n += (size_t)snprintf(text + n, cap - n, "%s%d", c ? "," : "", labels[c]);
    return text;
}

/* labels: join_labels' text, which can outgrow a meta_list entry, so it is pointed to. */
static void svm_meta(const clmlp_model *m, const char *labels, meta_list *ml)
{
    clmlp_meta_add(ml, "clmlp.format", "model");
    clmlp_meta_add(ml, "clmlp.version", FORMAT_VERSION);
    clmlp_meta_add(ml, "kind", "svm");
    clmlp_meta_add(ml, "name", "%s", m->name);
    clmlp_meta_add(ml, "input", "%d", m->input);
    clmlp_meta_add(ml, "classes", "%d", m->classes);
    clmlp_meta_add(ml, "input.scale", "%s", m->scale ? "true" : "false");
    clmlp_meta_add(ml, "input.binarize", "%s", m->binarize ? "true" : "false");
    clmlp_meta_add(ml, "kernel", "rbf");
    clmlp_meta_add(ml, "gamma", "%.17g", m->gamma);
    clmlp_meta_add(ml, "C", "%.17g", m->C);
    clmlp_meta_add(ml, "n_sv", "%d", m->svm.n_sv);
    clmlp_meta_add(ml, "tensors", SVM_TENSORS);
    clmlp_meta_add(ml, "decision",
                   "K(x, s) = exp(-gamma |x - s|^2) for each row s of sv; classes a < b, pair p in order (0,1), "
                   "(0,2), ..: f = sum over class a's rows of dual_coef[b-1] K + over class b's rows of "
                   "dual_coef[a] K - rho[p]; f > 0 votes a, else b; most votes wins, ties the lower; x = %s",
                   clmlp_model_input_text(m));
    ml->kv[2 * ml->n] = "labels";
    ml->kv[2 * ml->n + 1] = labels;
    ml->n++;
}

int clmlp_svm_model_write(FILE *out, const clmlp_model *m)
{
    const clmlp_svm_model *s = &m->svm;
    if (s->n_classes < 2 || s->n_sv < 1 || !m->sv || !s->coef || !s->rho || !s->sv_count || !s->labels)
        return -1; /* not a trained model: no reader would take it */
    const uint64_t k = (uint64_t)s->n_classes, n_sv = (uint64_t)s->n_sv;
    clmlp_st_tensor t[] = {
        {.name = "sv", .dtype = "F32", .ndim = 2, .shape = {n_sv, (uint64_t)m->input}, .data = m->sv},
        {.name = "dual_coef", .dtype = "F64", .ndim = 2, .shape = {k - 1, n_sv}, .data = s->coef},
        {.name = "rho", .dtype = "F64", .ndim = 1, .shape = {k * (k - 1) / 2}, .data = s->rho},
        {.name = "sv_count", .dtype = "I32", .ndim = 1, .shape = {k}, .data = s->sv_count},
        {.name = "labels", .dtype = "I32", .ndim = 1, .shape = {k}, .data = s->labels},
    };
    char *labels = join_labels(s->labels, s->n_classes);
    meta_list *ml = calloc(1, sizeof *ml);
    int rc = -1;
    if (labels && ml) {
        svm_meta(m, labels, ml);
        rc = clmlp_st_write(out, t, CLMLP_ARRAY_LEN(t), ml->kv, ml->n);
    }
    free(labels);
    free(ml);
    return rc;
}

static const char *const svm_names[] = {"sv", "dual_coef", "rho", "sv_count", "labels"}; /* SVM_TENSORS */

static bool is_svm_tensor(const char *name)
{
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(svm_names); i++)
        if (strcmp(name, svm_names[i]) == 0)
            return true;
    return false;
}

/* An integer lo..hi, digits only. */
static int meta_int(const clmlp_st_file *f, const char *path, const char *key, long lo, long hi, int *out,
                    clmlp_err *err)
{
    const char *v;
    if (clmlp_meta_need(f, path, key, &v, err) < 0)
        return -1;
    char *end = NULL;
    errno = 0;
    long x = v[0] >= '0' && v[0] <= '9' ? strtol(v, &end, 10) : -1;
    if (!end || *end || errno || x < lo || x > hi)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ %s '%.40s' is not an integer %ld..%ld", path, key,
                          v, lo, hi);
    *out = (int)x;
    return 0;
}

/* A finite number > 0 as %.17g writes it (gamma, C). */
static int meta_positive(const clmlp_st_file *f, const char *path, const char *key, double *out, clmlp_err *err)
{
    const char *v;
    if (clmlp_meta_need(f, path, key, &v, err) < 0)
        return -1;
    char *end = NULL;
    double x = (v[0] >= '0' && v[0] <= '9') || v[0] == '.' ? strtod(v, &end) : 0;
    if (!end || *end || !isfinite(x) || !(x > 0))
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ %s '%.40s' is not a finite number > 0", path, key,
                          v);
    *out = x;
    return 0;
}

/* Everything but the labels (*labels: their text, checked against the tensor later). */
static int svm_read_meta(const clmlp_st_file *f, const char *path, clmlp_model *m, const char **labels,
                         clmlp_err *err)
{
    const char *name, *scale, *binarize, *kernel;
    if (clmlp_meta_need(f, path, "name", &name, err) < 0 || clmlp_meta_need(f, path, "input.scale", &scale, err) < 0 ||
        clmlp_meta_need(f, path, "input.binarize", &binarize, err) < 0 ||
        clmlp_meta_need(f, path, "kernel", &kernel, err) < 0 || clmlp_meta_need(f, path, "labels", labels, err) < 0)
        return -1;
    if (strcmp(kernel, "rbf") != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': kernel '%.40s' is not one clmlp knows (rbf)", path, kernel);
    clmlp_strlcpy(m->name, name, sizeof m->name);
    if (clmlp_meta_parse_bool(path, "input.scale", scale, &m->scale, err) < 0 ||
        clmlp_meta_parse_bool(path, "input.binarize", binarize, &m->binarize, err) < 0 ||
        meta_int(f, path, "input", 1, SVM_MAX_INPUT, &m->input, err) < 0 ||
        meta_int(f, path, "classes", 2, SVM_MAX_CLASSES, &m->classes, err) < 0 ||
        meta_int(f, path, "n_sv", 1, INT_MAX, &m->svm.n_sv, err) < 0 ||
        meta_positive(f, path, "gamma", &m->gamma, err) < 0 || meta_positive(f, path, "C", &m->C, err) < 0)
        return -1;
    return 0;
}

/* Tensor name as dtype [d0] or [d0, d1], copied out (aligned, owned): *out. */
static int svm_tensor(const clmlp_st_file *f, const char *path, const clmlp_model *m, const char *name,
                      const char *dtype, int ndim, uint64_t d0, uint64_t d1, void **out, clmlp_err *err)
{
    const clmlp_st_tensor *t = clmlp_st_find(f, name);
    if (!t)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' has no tensor %s, which an svm model file holds (%s)", path, name,
                          SVM_TENSORS);
    if (strcmp(t->dtype, dtype) != 0 || t->ndim != ndim || t->shape[0] != d0 || (ndim == 2 && t->shape[1] != d1)) {
        char shape[64];
        snprintf(shape, sizeof shape, ndim == 1 ? "[%llu]" : "[%llu, %llu]", (unsigned long long)d0,
                 (unsigned long long)d1);
        return clmlp_fail(err, CLMLP_EXIT_DATA,
                          "'%s': tensor %s must be %s of shape %s (n_sv %d, input %d, %d classes in labels)", path,
                          name, dtype, shape, m->svm.n_sv, m->input, m->svm.n_classes);
    }
    size_t bytes = (size_t)(t->end - t->begin);
    if (!(*out = malloc(bytes ? bytes : 1)))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading '%s'", path);
    memcpy(*out, t->data, bytes); /* little-endian as the host's (x86, ARM); a hostile offset may be unaligned */
    return 0;
}

/* labels first: their count k sizes the rest. */
static int svm_read_labels(const clmlp_st_file *f, const char *path, clmlp_model *m, clmlp_err *err)
{
    const clmlp_st_tensor *t = clmlp_st_find(f, "labels");
    if (t && (strcmp(t->dtype, "I32") != 0 || t->ndim != 1 || t->shape[0] < 2 || t->shape[0] > (uint64_t)m->classes))
        return clmlp_fail(err, CLMLP_EXIT_DATA,
                          "'%s': tensor labels must be I32 of shape [k] with 2 <= k <= classes (%d)", path, m->classes);
    m->svm.n_classes = t ? (int)t->shape[0] : 0;
    return svm_tensor(f, path, m, "labels", "I32", 1, (uint64_t)m->svm.n_classes, 0, (void **)&m->svm.labels, err);
}

/* Classes 0..classes-1, distinct and ascending, as the metadata's text says. */
static int svm_check_labels(const char *path, const clmlp_model *m, const char *text, clmlp_err *err)
{
    const int *l = m->svm.labels;
    for (int c = 0; c < m->svm.n_classes; c++) {
        if (l[c] < 0 || l[c] >= m->classes)
            return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': tensor labels holds %d, not a class 0..%d", path, l[c],
                              m->classes - 1);
        if (c && l[c] <= l[c - 1])
            return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': tensor labels must be distinct and ascending (%d after %d)",
                              path, l[c], l[c - 1]);
    }
    char *joined = join_labels(l, m->svm.n_classes);
    if (!joined)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading '%s'", path);
    int rc = strcmp(joined, text) == 0 ? 0
                                       : clmlp_fail(err, CLMLP_EXIT_DATA,
                                                    "'%s': __metadata__ labels '%.60s' are not tensor labels' %.60s",
                                                    path, text, joined);
    free(joined);
    return rc;
}

static int svm_check_counts(const char *path, const clmlp_svm_model *s, clmlp_err *err)
{
    int64_t sum = 0;
    for (int c = 0; c < s->n_classes; c++) {
        if (s->sv_count[c] < 0)
            return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': tensor sv_count has %d support vectors for label %d", path,
                              s->sv_count[c], s->labels[c]);
        sum += s->sv_count[c];
    }
    if (sum != s->n_sv)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': tensor sv_count sums to %lld support vectors but n_sv is %d",
                          path, (long long)sum, s->n_sv);
    return 0;
}

/* A non-finite support vector or coefficient would vote NaN silently. */
static int check_finite(const char *path, const char *name, const float *f32, const double *f64, size_t n,
                        clmlp_err *err)
{
    for (size_t i = 0; i < n; i++) {
        double v = f32 ? (double)f32[i] : f64[i];
        if (!isfinite(v))
            return clmlp_fail(err, CLMLP_EXIT_DATA,
                              "'%s': tensor %s holds %g at element %zu: every value must be finite", path, name, v, i);
    }
    return 0;
}

static int svm_read(const clmlp_st_file *f, const char *path, clmlp_model *m, clmlp_err *err)
{
    const char *labels;
    clmlp_svm_model *s = &m->svm;
    if (svm_read_meta(f, path, m, &labels, err) < 0 || svm_read_labels(f, path, m, err) < 0 ||
        svm_check_labels(path, m, labels, err) < 0)
        return -1;
    const uint64_t k = (uint64_t)s->n_classes, n_sv = (uint64_t)s->n_sv, input = (uint64_t)m->input;
    if (svm_tensor(f, path, m, "sv_count", "I32", 1, k, 0, (void **)&s->sv_count, err) < 0 ||
        svm_check_counts(path, s, err) < 0 ||
        svm_tensor(f, path, m, "sv", "F32", 2, n_sv, input, (void **)&m->sv, err) < 0 ||
        svm_tensor(f, path, m, "dual_coef", "F64", 2, k - 1, n_sv, (void **)&s->coef, err) < 0 ||
        svm_tensor(f, path, m, "rho", "F64", 1, k * (k - 1) / 2, 0, (void **)&s->rho, err) < 0 ||
        check_finite(path, "sv", m->sv, NULL, (size_t)(n_sv * input), err) < 0 ||
        check_finite(path, "dual_coef", NULL, s->coef, (size_t)((k - 1) * n_sv), err) < 0 ||
        check_finite(path, "rho", NULL, s->rho, (size_t)(k * (k - 1) / 2), err) < 0)
        return -1;
    /* all five found (names are unique), so any more is one an svm file does not hold */
    for (size_t i = 0; f->n_tensors != CLMLP_ARRAY_LEN(svm_names) && i < f->n_tensors; i++)
        if (!is_svm_tensor(f->tensors[i].name))
            return clmlp_fail(err, CLMLP_EXIT_DATA,
                              "'%s' has a tensor '%.80s' that an svm model file does not hold (%s)", path,
                              f->tensors[i].name, SVM_TENSORS);
    return 0;
}

/* The model of kind svm; on failure nothing is left allocated. */
int clmlp_svm_model_from_file(const clmlp_st_file *f, const char *path, clmlp_model *m, clmlp_err *err)
{
    m->kind = CLMLP_MODEL_SVM;
    if (svm_read(f, path, m, err) < 0) {
        clmlp_model_free(m);
        return -1;
    }
    return 0;
}

