/* model.safetensors: the architecture in __metadata__, one F32 tensor per
 * parameter; see modelfile.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "modelfile_internal.h"

#define MAX_WIDTH 65536 /* the config's limit on a layer */

void clmlp_model_from_config(const clmlp_config *cfg, int input_dim, clmlp_model *m)
{
    memset(m, 0, sizeof *m);
    clmlp_strlcpy(m->name, cfg->name, sizeof m->name);
    m->kind = cfg->model.kind;
    m->C = cfg->model.C;
    m->input = input_dim;
    m->classes = cfg->model.classes;
    m->n_hidden = cfg->model.n_hidden;
    memcpy(m->hidden, cfg->model.hidden, sizeof m->hidden);
    m->activation = cfg->model.activation;
    m->scale = cfg->data.scale;
    m->binarize = cfg->data.binarize;
    m->n_params = 2 * (m->n_hidden + 1);
}

void clmlp_model_to_config(const clmlp_model *m, clmlp_config *cfg)
{
    clmlp_strlcpy(cfg->name, m->name, sizeof cfg->name);
    cfg->model.kind = m->kind;
    if (m->kind == CLMLP_MODEL_SVM) {
        cfg->model.C = m->C;
        snprintf(cfg->model.gamma, sizeof cfg->model.gamma, "%.17g", m->gamma);
    }
    cfg->model.input = m->input;
    cfg->model.classes = m->classes;
    cfg->model.n_hidden = m->n_hidden;
    memcpy(cfg->model.hidden, m->hidden, sizeof cfg->model.hidden);
    cfg->model.activation = m->activation;
    cfg->data.scale = m->scale;
    cfg->data.binarize = m->binarize;
}

static int layer_width(const clmlp_model *m, int l) /* l = 0: the input */
{
    return l == 0 ? m->input : l <= m->n_hidden ? m->hidden[l - 1] : m->classes;
}

void clmlp_model_param(const clmlp_model *m, int p, char *name, size_t cap, int *rows, int *cols)
{
    int l = p / 2;
    snprintf(name, cap, "%c%d", p % 2 ? 'b' : 'W', l);
    *rows = p % 2 ? 1 : layer_width(m, l);
    *cols = layer_width(m, l + 1);
}

size_t clmlp_model_param_count(const clmlp_model *m, int p)
{
    char name[16];
    int rows, cols;
    clmlp_model_param(m, p, name, sizeof name, &rows, &cols);
    return (size_t)rows * (size_t)cols;
}

int clmlp_model_alloc(clmlp_model *m, clmlp_err *err)
{
    for (int p = 0; p < m->n_params; p++)
        if (!m->params[p] && !(m->params[p] = clmlp_calloc(clmlp_model_param_count(m, p), sizeof(float), err)))
            return -1;
    return 0;
}

void clmlp_model_layers(const clmlp_model *m, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int l = 0; l <= m->n_hidden + 1 && n < cap; l++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%d", l ? "-" : "", layer_width(m, l));
}

void clmlp_model_free(clmlp_model *m)
{
    for (int p = 0; p < CLMLP_MODEL_MAX_PARAMS; p++) {
        free(m->params[p]);
        m->params[p] = NULL;
    }
    clmlp_svm_model_free(&m->svm);
    free(m->sv);
    m->sv = NULL;
}

/* ---- the metadata both files carry ---- */

void clmlp_meta_add(meta_list *ml, const char *key, const char *fmt, ...)
{
    if (ml->n >= CLMLP_ARRAY_LEN(ml->text))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ml->text[ml->n], sizeof ml->text[ml->n], fmt, ap);
    va_end(ap);
    ml->kv[2 * ml->n] = key;
    ml->kv[2 * ml->n + 1] = ml->text[ml->n];
    ml->n++;
}

/* What x is, in numpy's words. */
const char *clmlp_model_input_text(const clmlp_model *m)
{
    return m->binarize ? "(pixels > 0) as float32" : m->scale ? "pixels / 255" : "pixels as float32";
}

/* "h0 = relu(x @ W0 + b0); logits = h0 @ W1 + b1; x = pixels / 255" */
static void describe_forward(const clmlp_model *m, char *buf, size_t cap)
{
    const char *act = clmlp_activation_name(m->activation);
    size_t n = 0;
    for (int l = 0; l <= m->n_hidden && n < cap; l++) {
        char in[16];
        snprintf(in, sizeof in, l ? "h%d" : "x", l - 1);
        if (l < m->n_hidden)
            n += (size_t)snprintf(buf + n, cap - n, "h%d = %s(%s @ W%d + b%d); ", l, act, in, l, l);
        else
            n += (size_t)snprintf(buf + n, cap - n, "logits = %s @ W%d + b%d; x = %s", in, l, l, clmlp_model_input_text(m));
    }
}

void clmlp_model_meta(const clmlp_model *m, const char *kind, meta_list *ml)
{
    char layers[CLMLP_MAX_HIDDEN * 8 + 32], forward[600], names[CLMLP_MODEL_MAX_PARAMS * 6 + 1] = "";
    clmlp_model_layers(m, layers, sizeof layers);
    describe_forward(m, forward, sizeof forward);
    for (int p = 0; p < m->n_params; p++) {
        char name[16];
        int rows, cols;
        clmlp_model_param(m, p, name, sizeof name, &rows, &cols);
        size_t n = strlen(names);
        snprintf(names + n, sizeof names - n, "%s%s", p ? "," : "", name);
    }
    clmlp_meta_add(ml, "clmlp.format", "%s", kind);
    clmlp_meta_add(ml, "clmlp.version", FORMAT_VERSION);
    clmlp_meta_add(ml, "name", "%s", m->name);
    clmlp_meta_add(ml, "architecture", "mlp");
    clmlp_meta_add(ml, "layers", "%s", layers);
    clmlp_meta_add(ml, "activation", "%s", clmlp_activation_name(m->activation));
    clmlp_meta_add(ml, "classes", "%d", m->classes);
    clmlp_meta_add(ml, "input.scale", "%s", m->scale ? "true" : "false");
    clmlp_meta_add(ml, "input.binarize", "%s", m->binarize ? "true" : "false");
    clmlp_meta_add(ml, "parameters", "%s", names);
    clmlp_meta_add(ml, "forward", "%s", forward);
}

/* Fills tensors[0..n_params) with the model's parameters (b as a 1-D [out]). */
void clmlp_model_tensors(const clmlp_model *m, clmlp_st_tensor *t, char names[][16])
{
    for (int p = 0; p < m->n_params; p++) {
        int rows, cols;
        clmlp_model_param(m, p, names[p], 16, &rows, &cols);
        t[p] = (clmlp_st_tensor){.name = names[p], .dtype = "F32", .data = m->params[p]};
        if (p % 2) {
            t[p].ndim = 1;
            t[p].shape[0] = (uint64_t)cols;
        } else {
            t[p].ndim = 2;
            t[p].shape[0] = (uint64_t)rows;
            t[p].shape[1] = (uint64_t)cols;
        }
    }
}

/* ---- writing (kind svm: svm_model.c) ---- */

int clmlp_model_write(FILE *out, const void *model)
{
    const clmlp_model *m = model;
    if (m->kind == CLMLP_MODEL_SVM)
        return clmlp_svm_model_write(out, m);
    clmlp_st_tensor t[CLMLP_MODEL_MAX_PARAMS];
    char names[CLMLP_MODEL_MAX_PARAMS][16];
    clmlp_model_tensors(m, t, names);
    meta_list *ml = calloc(1, sizeof *ml);
    if (!ml)
        return -1;
    clmlp_model_meta(m, "model", ml);
    int rc = clmlp_st_write(out, t, (size_t)m->n_params, ml->kv, ml->n);
    free(ml);
    return rc;
}

/* ---- reading ---- */

int clmlp_meta_need(const clmlp_st_file *f, const char *path, const char *key, const char **value, clmlp_err *err)
{
    *value = clmlp_st_meta(f, key);
    if (!*value)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ has no '%s' (not a clmlp model file?)", path, key);
    return 0;
}

int clmlp_meta_parse_bool(const char *path, const char *key, const char *v, bool *out, clmlp_err *err)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
        *out = v[0] == 't';
        return 0;
    }
    return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ %s is '%.40s', expected true or false", path, key, v);
}

/* "784-64-10" into the model's widths. */
static int parse_layers(const char *path, const char *v, clmlp_model *m, clmlp_err *err)
{
    int widths[CLMLP_MAX_HIDDEN + 2], n = 0;
    for (const char *p = v;;) {
        char *end;
        long w = p[0] >= '0' && p[0] <= '9' ? strtol(p, &end, 10) : -1;
        if (w < 1 || w > MAX_WIDTH || n == (int)CLMLP_ARRAY_LEN(widths) || (w >= 0 && *end != '-' && *end != '\0'))
            return clmlp_fail(err, CLMLP_EXIT_DATA,
                              "'%s': __metadata__ layers '%.80s' is not 2 to %d widths (1..%d) joined by '-'", path, v,
                              CLMLP_MAX_HIDDEN + 2, MAX_WIDTH);
        widths[n++] = (int)w;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    if (n < 2)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ layers '%.80s' needs an input and an output width",
                          path, v);
    m->input = widths[0];
    m->n_hidden = n - 2;
    for (int l = 0; l < m->n_hidden; l++)
        m->hidden[l] = widths[l + 1];
    m->classes = widths[n - 1];
    m->n_params = 2 * (n - 1);
    return 0;
}

/* clmlp.format and clmlp.version: what every clmlp file starts with. */
static int check_format(const clmlp_st_file *f, const char *path, const char *kind, clmlp_err *err)
{
    const char *format, *version;
    if (clmlp_meta_need(f, path, "clmlp.format", &format, err) < 0 || clmlp_meta_need(f, path, "clmlp.version", &version, err) < 0)
        return -1;
    if (strcmp(format, kind) != 0 && !(strcmp(kind, "model") == 0 && strcmp(format, "checkpoint") == 0))
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' is a clmlp %.20s file, not a %s", path, format, kind);
    if (strcmp(version, FORMAT_VERSION) != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' has clmlp.version '%.20s'; this clmlp reads version %s", path,
                          version, FORMAT_VERSION);
    return 0;
}

static int parse_architecture(const clmlp_st_file *f, const char *path, clmlp_model *m, clmlp_err *err)
{
    const char *name, *arch, *layers, *act, *classes, *scale, *binarize;
    if (clmlp_meta_need(f, path, "name", &name, err) < 0 || clmlp_meta_need(f, path, "architecture", &arch, err) < 0 ||
        clmlp_meta_need(f, path, "layers", &layers, err) < 0 || clmlp_meta_need(f, path, "activation", &act, err) < 0 ||
        clmlp_meta_need(f, path, "classes", &classes, err) < 0 || clmlp_meta_need(f, path, "input.scale", &scale, err) < 0 ||
        clmlp_meta_need(f, path, "input.binarize", &binarize, err) < 0)
        return -1;
    if (strcmp(arch, "mlp") != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': architecture '%.40s' is not one clmlp knows (mlp)", path, arch);
    clmlp_strlcpy(m->name, name, sizeof m->name);
    if (parse_layers(path, layers, m, err) < 0 || clmlp_meta_parse_bool(path, "input.scale", scale, &m->scale, err) < 0 ||
        clmlp_meta_parse_bool(path, "input.binarize", binarize, &m->binarize, err) < 0)
        return -1;
    char want[16];
    snprintf(want, sizeof want, "%d", m->classes);
    if (strcmp(classes, want) != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ classes '%.20s' is not the last layer's width %d",
                          path, classes, m->classes);
    if (m->classes < 2)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': a model needs at least 2 classes", path);
    for (int a = CLMLP_ACT_RELU; a <= CLMLP_ACT_TANH; a++)
        if (strcmp(act, clmlp_activation_name((clmlp_activation)a)) == 0) {
            m->activation = (clmlp_activation)a;
            return 0;
        }
    return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': activation '%.40s' is not relu, sigmoid or tanh", path, act);
}

static int mlp_from_file(const clmlp_st_file *f, const char *path, bool checkpoint, clmlp_model *m, clmlp_err *err)
{
    if (parse_architecture(f, path, m, err) < 0)
        return -1;
    for (int p = 0; p < m->n_params; p++) {
        char name[16];
        int rows, cols;
        clmlp_model_param(m, p, name, sizeof name, &rows, &cols);
        const clmlp_st_tensor *t = clmlp_st_find(f, name);
        bool shape_ok = t && (p % 2 ? t->ndim == 1 && t->shape[0] == (uint64_t)cols
                                    : t->ndim == 2 && t->shape[0] == (uint64_t)rows && t->shape[1] == (uint64_t)cols);
        if (!t || strcmp(t->dtype, "F32") != 0 || !shape_ok) {
            clmlp_model_free(m);
            if (!t)
                return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' has no tensor %s, which layers %s need", path, name,
                                  clmlp_st_meta(f, "layers"));
            if (p % 2)
                return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': tensor %s must be F32 of shape [%d] (layers %s)", path,
                                  name, cols, clmlp_st_meta(f, "layers"));
            return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': tensor %s must be F32 of shape [%d, %d] (layers %s)", path,
                              name, rows, cols, clmlp_st_meta(f, "layers"));
        }
        size_t bytes = (size_t)(t->end - t->begin);
        m->params[p] = malloc(bytes ? bytes : 1);
        if (!m->params[p]) {
            clmlp_model_free(m);
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading '%s'", path);
        }
        memcpy(m->params[p], t->data, bytes); /* little-endian F32 as the host's floats (x86, ARM) */
    }
    if (!checkpoint && f->n_tensors != (size_t)m->n_params) {
        clmlp_model_free(m);
        for (size_t i = 0; i < f->n_tensors; i++) {
            bool known = false;
            for (int p = 0; p < m->n_params && !known; p++) {
                char name[16];
                int rows, cols;
                clmlp_model_param(m, p, name, sizeof name, &rows, &cols);
                known = strcmp(name, f->tensors[i].name) == 0;
            }
            if (!known)
                return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' has a tensor '%.80s' that layers %s do not name", path,
                                  f->tensors[i].name, clmlp_st_meta(f, "layers"));
        }
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' has tensors that layers %s do not name", path,
                          clmlp_st_meta(f, "layers"));
    }
    return 0;
}

int clmlp_model_from_file(const clmlp_st_file *f, const char *path, bool checkpoint, clmlp_model *m, clmlp_err *err)
{
    memset(m, 0, sizeof *m);
    if (check_format(f, path, checkpoint ? "checkpoint" : "model", err) < 0)
        return -1;
    /* No kind: an MLP, as every file written before SVMs. */
    const char *kind = clmlp_st_meta(f, "kind");
    if (!kind || strcmp(kind, "mlp") == 0)
        return mlp_from_file(f, path, checkpoint, m, err);
    if (strcmp(kind, "svm") != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': kind '%.40s' is not one clmlp knows (mlp, svm)", path, kind);
    if (checkpoint)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' is a checkpoint of kind svm: checkpoints hold MLPs only", path);
    return clmlp_svm_model_from_file(f, path, m, err);
}

int clmlp_model_load(const char *path, clmlp_model *m, clmlp_err *err)
{
    clmlp_st_file f;
    memset(m, 0, sizeof *m);
    if (clmlp_st_load(path, CLMLP_MODEL_MAX_BYTES, &f, err) < 0)
        return -1;
    bool checkpoint = clmlp_st_meta(&f, "clmlp.format") && strcmp(clmlp_st_meta(&f, "clmlp.format"), "checkpoint") == 0;
    int rc = clmlp_model_from_file(&f, path, checkpoint, m, err);
    clmlp_st_free(&f);
    return rc;
}
