/* checkpoint.safetensors: everything a run needs to continue after its
 * last finished epoch exactly as it would have gone on; see modelfile.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "modelfile_internal.h"

/* ---- the recipe ---- */

static void recipe_add(clmlp_recipe *r, const char *key, const char *fmt, ...) CLMLP_PRINTF(3, 4);
static void recipe_add(clmlp_recipe *r, const char *key, const char *fmt, ...)
{
    if (r->n >= CLMLP_RECIPE_MAX)
        return;
    clmlp_strlcpy(r->key[r->n], key, sizeof r->key[r->n]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->value[r->n], sizeof r->value[r->n], fmt, ap);
    va_end(ap);
    r->n++;
}

void clmlp_recipe_from_config(const clmlp_config *cfg, int input_dim, int64_t train_count, clmlp_recipe *r)
{
    static const char *const inits[] = {"normal", "he", "xavier"};
    clmlp_model m;
    char layers[CLMLP_MAX_HIDDEN * 8 + 32];
    clmlp_model_from_config(cfg, input_dim, &m);
    clmlp_model_layers(&m, layers, sizeof layers);
    memset(r, 0, sizeof *r);
    recipe_add(r, "model.layers", "%s", layers);
    recipe_add(r, "model.activation", "%s", clmlp_activation_name(cfg->model.activation));
    recipe_add(r, "model.init", "%s", inits[cfg->model.init % 3]);
    recipe_add(r, "model.init_stddev", "%.17g", cfg->model.init_stddev);
    recipe_add(r, "model.bias_init", "%s", cfg->model.bias_init == CLMLP_BIAS_INIT_ZEROS ? "zeros" : "normal");
    recipe_add(r, "model.bias_stddev", "%.17g", cfg->model.bias_stddev);
    recipe_add(r, "data.scale", "%s", cfg->data.scale ? "true" : "false");
    recipe_add(r, "data.binarize", "%s", cfg->data.binarize ? "true" : "false");
    recipe_add(r, "data.shuffle", "%s", cfg->data.shuffle ? "true" : "false");
    recipe_add(r, "data.shuffle_seed", "%" PRIu64, cfg->data.shuffle_seed);
    recipe_add(r, "data.train.examples", "%lld", (long long)train_count);
    recipe_add(r, "training.optimizer", "%s", clmlp_optimizer_name(cfg->training.optimizer));
    recipe_add(r, "training.lr", "%.17g", cfg->training.lr);
    recipe_add(r, "training.beta1", "%.17g", cfg->training.beta1);
    recipe_add(r, "training.beta2", "%.17g", cfg->training.beta2);
    recipe_add(r, "training.eps", "%.17g", cfg->training.eps);
    recipe_add(r, "training.momentum", "%.17g", cfg->training.momentum);
    recipe_add(r, "training.batch_size", "%d", cfg->training.batch_size);
    recipe_add(r, "training.seed", "%" PRIu64, cfg->training.seed);
    recipe_add(r, "compiler.fuse", "%s", cfg->compiler.fuse ? "true" : "false");
    recipe_add(r, "compiler.gemm", "%s", clmlp_gemm_provider_name(cfg->compiler.gemm));
}

/* ---- writing ---- */

static const char *state_prefix(clmlp_optimizer opt, int s)
{
    return opt == CLMLP_OPT_ADAM ? (s ? "adam.v." : "adam.m.") : "sgd.velocity.";
}

static int n_state(clmlp_optimizer opt) { return opt == CLMLP_OPT_ADAM ? 2 : 1; }

int clmlp_checkpoint_write(FILE *out, const void *checkpoint)
{
    const clmlp_checkpoint *ck = checkpoint;
    const clmlp_model *m = &ck->model;
    enum { MAX_T = 3 * CLMLP_MODEL_MAX_PARAMS + 3 };
    clmlp_st_tensor t[MAX_T];
    char names[MAX_T][16], state_names[2 * CLMLP_MODEL_MAX_PARAMS][32];
    clmlp_model_tensors(m, t, names);
    size_t n = (size_t)m->n_params;
    for (int s = 0; s < n_state(ck->optimizer); s++)
        for (int p = 0; p < m->n_params; p++) {
            char *name = state_names[s * CLMLP_MODEL_MAX_PARAMS + p];
            snprintf(name, 32, "%s%s", state_prefix(ck->optimizer, s), t[p].name);
            t[n] = t[p];
            t[n].name = name;
            t[n++].data = ck->state[p][s];
        }
    t[n++] = (clmlp_st_tensor){.name = "shuffle.order", .dtype = "U32", .ndim = 1,
                               .shape = {(uint64_t)ck->order_count}, .data = ck->order};
    t[n++] = (clmlp_st_tensor){.name = "train.loss", .dtype = "F64", .ndim = 1, .shape = {(uint64_t)ck->epochs_done},
                               .data = ck->losses};
    t[n++] = (clmlp_st_tensor){.name = "train.seconds", .dtype = "F64", .ndim = 1,
                               .shape = {(uint64_t)ck->epochs_done}, .data = ck->seconds};
    meta_list *ml = calloc(1, sizeof *ml);
    if (!ml)
        return -1;
    clmlp_model_meta(m, "checkpoint", ml);
    clmlp_meta_add(ml, "checkpoint.optimizer", "%s", clmlp_optimizer_name(ck->optimizer));
    clmlp_meta_add(ml, "checkpoint.epochs_done", "%d", ck->epochs_done);
    clmlp_meta_add(ml, "checkpoint.step", "%ld", ck->step);
    clmlp_meta_add(ml, "checkpoint.shuffle_rng", "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64,
                   ck->shuffle_rng[0], ck->shuffle_rng[1], ck->shuffle_rng[2], ck->shuffle_rng[3]);
    clmlp_meta_add(ml, "checkpoint.status", "%s%s", ck->diverged ? "diverged: " : "ok",
                   ck->diverged ? ck->status_why : "");
    char recipe_keys[CLMLP_RECIPE_MAX][64];
    for (int i = 0; i < ck->recipe.n; i++) {
        snprintf(recipe_keys[i], sizeof recipe_keys[i], "recipe.%s", ck->recipe.key[i]);
        clmlp_meta_add(ml, recipe_keys[i], "%s", ck->recipe.value[i]);
    }
    int rc = clmlp_st_write(out, t, n, ml->kv, ml->n);
    free(ml);
    return rc;
}

/* ---- reading ---- */

int clmlp_checkpoint_alloc(clmlp_checkpoint *ck, clmlp_optimizer opt, int64_t order_count, int epochs,
                           clmlp_err *err)
{
    if (clmlp_model_alloc(&ck->model, err) < 0)
        return -1;
    for (int p = 0; p < ck->model.n_params; p++)
        for (int s = 0; s < n_state(opt); s++)
            if (!ck->state[p][s] &&
                !(ck->state[p][s] = clmlp_calloc(clmlp_model_param_count(&ck->model, p), sizeof(float), err)))
                return -1;
    return clmlp_checkpoint_alloc_frame(ck, opt, order_count, epochs, err);
}

int clmlp_checkpoint_alloc_frame(clmlp_checkpoint *ck, clmlp_optimizer opt, int64_t order_count, int epochs,
                                 clmlp_err *err)
{
    ck->optimizer = opt;
    ck->order_count = order_count;
    if (!ck->order && !(ck->order = clmlp_calloc(order_count ? (size_t)order_count : 1, sizeof *ck->order, err)))
        return -1;
    if (!ck->losses && !(ck->losses = clmlp_calloc(epochs > 0 ? (size_t)epochs : 1, sizeof *ck->losses, err)))
        return -1;
    if (!ck->seconds && !(ck->seconds = clmlp_calloc(epochs > 0 ? (size_t)epochs : 1, sizeof *ck->seconds, err)))
        return -1;
    return 0;
}

void clmlp_checkpoint_free(clmlp_checkpoint *ck)
{
    clmlp_model_free(&ck->model);
    for (int p = 0; p < CLMLP_MODEL_MAX_PARAMS; p++)
        for (int s = 0; s < 2; s++) {
            free(ck->state[p][s]);
            ck->state[p][s] = NULL;
        }
    free(ck->order);
    free(ck->losses);
    free(ck->seconds);
    ck->order = NULL;
    ck->losses = ck->seconds = NULL;
}

static int bad(clmlp_err *err, const char *path, const char *fmt, ...) CLMLP_PRINTF(3, 4);
static int bad(clmlp_err *err, const char *path, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': %s", path, msg);
}

/* A tensor the checkpoint must hold, of dtype and `count` elements in ndim dims ([rows, cols] or [count]). */
static const clmlp_st_tensor *need_tensor(const clmlp_st_file *f, const char *path, const char *name,
                                          const char *dtype, int ndim, uint64_t rows, uint64_t cols, clmlp_err *err)
{
    const clmlp_st_tensor *t = clmlp_st_find(f, name);
    if (!t) {
        bad(err, path, "the checkpoint has no tensor %s", name);
        return NULL;
    }
    bool ok = strcmp(t->dtype, dtype) == 0 && t->ndim == ndim && t->shape[0] == (ndim == 2 ? rows : cols) &&
              (ndim == 1 || t->shape[1] == cols);
    if (!ok) {
        char want[96];
        if (ndim == 2)
            snprintf(want, sizeof want, "%s of shape [%llu, %llu]", dtype, (unsigned long long)rows,
                     (unsigned long long)cols);
        else
            snprintf(want, sizeof want, "%s of shape [%llu]", dtype, (unsigned long long)cols);
        bad(err, path, "tensor %s must be %s", name, want);
        return NULL;
    }
    return t;
}

static int parse_int(const char *path, const char *key, const char *v, long long lo, long long hi, long long *out,
                     clmlp_err *err)
{
    char *end;
    long long x = v[0] >= '0' && v[0] <= '9' ? strtoll(v, &end, 10) : -1;
    if (x < lo || x > hi || *end != '\0') {
        char range[64];
        snprintf(range, sizeof range, "%lld..%lld", lo, hi);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s': __metadata__ %s '%.40s' is not an integer in %s", path, key, v,
                          range);
    }
    *out = x;
    return 0;
}

static int read_state(const clmlp_st_file *f, const char *path, clmlp_checkpoint *ck, clmlp_err *err)
{
    const clmlp_model *m = &ck->model;
    const clmlp_st_tensor *t;
    size_t expected = (size_t)m->n_params * (1 + (size_t)n_state(ck->optimizer)) + 3;
    for (int p = 0; p < m->n_params; p++) {
        char pname[16], name[48];
        int rows, cols;
        clmlp_model_param(m, p, pname, sizeof pname, &rows, &cols);
        for (int s = 0; s < n_state(ck->optimizer); s++) {
            snprintf(name, sizeof name, "%s%s", state_prefix(ck->optimizer, s), pname);
            if (!(t = need_tensor(f, path, name, "F32", p % 2 ? 1 : 2, (uint64_t)rows, (uint64_t)cols, err)))
                return -1;
            memcpy(ck->state[p][s], t->data, (size_t)(t->end - t->begin));
        }
    }
    const clmlp_st_tensor *order = clmlp_st_find(f, "shuffle.order");
    if (!order || strcmp(order->dtype, "U32") != 0 || order->ndim != 1)
        return bad(err, path, "the checkpoint needs a tensor shuffle.order, U32 of one dimension");
    if (!(t = need_tensor(f, path, "train.loss", "F64", 1, 0, (uint64_t)ck->epochs_done, err)) ||
        !need_tensor(f, path, "train.seconds", "F64", 1, 0, (uint64_t)ck->epochs_done, err))
        return -1;
    ck->order_count = (int64_t)order->shape[0];
    ck->order = clmlp_calloc(order->shape[0] ? (size_t)order->shape[0] : 1, sizeof *ck->order, err);
    if (!ck->order)
        return -1;
    memcpy(ck->order, order->data, (size_t)(order->end - order->begin));
    uint8_t *seen = clmlp_calloc(ck->order_count ? (size_t)ck->order_count : 1, 1, err);
    if (!seen)
        return -1;
    int64_t i = 0;
    for (; i < ck->order_count && ck->order[i] < (uint64_t)ck->order_count && !seen[ck->order[i]]; i++)
        seen[ck->order[i]] = 1;
    free(seen);
    if (i < ck->order_count)
        return bad(err, path, "shuffle.order is not a permutation of 0..%lld (entry %lld)",
                   (long long)ck->order_count - 1, (long long)i);
    memcpy(ck->losses, t->data, (size_t)(t->end - t->begin));
    t = clmlp_st_find(f, "train.seconds");
    memcpy(ck->seconds, t->data, (size_t)(t->end - t->begin));
    if (f->n_tensors != expected)
        return bad(err, path, "the checkpoint has tensors other than the model's, its optimizer state, shuffle.order, "
                              "train.loss and train.seconds");
    return 0;
}

static int read_meta(const clmlp_st_file *f, const char *path, clmlp_checkpoint *ck, clmlp_err *err)
{
    const char *opt, *epochs, *step, *rng, *status;
    long long x = 0;
    if (clmlp_meta_need(f, path, "checkpoint.optimizer", &opt, err) < 0 ||
        clmlp_meta_need(f, path, "checkpoint.epochs_done", &epochs, err) < 0 ||
        clmlp_meta_need(f, path, "checkpoint.step", &step, err) < 0 ||
        clmlp_meta_need(f, path, "checkpoint.shuffle_rng", &rng, err) < 0 ||
        clmlp_meta_need(f, path, "checkpoint.status", &status, err) < 0)
        return -1;
    if (strcmp(opt, "adam") == 0)
        ck->optimizer = CLMLP_OPT_ADAM;
    else if (strcmp(opt, "sgd") == 0)
        ck->optimizer = CLMLP_OPT_SGD;
    else
        return bad(err, path, "checkpoint.optimizer '%.40s' is not adam or sgd", opt);
    if (parse_int(path, "checkpoint.epochs_done", epochs, 1, 100000, &x, err) < 0)
        return -1;
    ck->epochs_done = (int)x;
    if (parse_int(path, "checkpoint.step", step, 0, 1LL << 53, &x, err) < 0)
        return -1;
    ck->step = (long)x;
    int used = -1;
    char hex[4][17];
    if (sscanf(rng, "%16[0-9a-f] %16[0-9a-f] %16[0-9a-f] %16[0-9a-f]%n", hex[0], hex[1], hex[2], hex[3], &used) != 4 ||
        used != (int)strlen(rng) || strlen(rng) != 67)
        return bad(err, path, "checkpoint.shuffle_rng '%.80s' is not 4 words of 16 hex digits", rng);
    for (int i = 0; i < 4; i++)
        ck->shuffle_rng[i] = strtoull(hex[i], NULL, 16);
    if (strcmp(status, "ok") == 0)
        ck->diverged = false;
    else if (strncmp(status, "diverged: ", 10) == 0) {
        ck->diverged = true;
        clmlp_strlcpy(ck->status_why, status + 10, sizeof ck->status_why);
    } else
        return bad(err, path, "checkpoint.status '%.80s' is not ok or diverged: ...", status);
    memset(&ck->recipe, 0, sizeof ck->recipe);
    for (size_t i = 0; i < f->metadata->count && ck->recipe.n < CLMLP_RECIPE_MAX; i++)
        if (strncmp(f->metadata->keys[i], "recipe.", 7) == 0) {
            clmlp_strlcpy(ck->recipe.key[ck->recipe.n], f->metadata->keys[i] + 7, sizeof ck->recipe.key[0]);
            clmlp_strlcpy(ck->recipe.value[ck->recipe.n], f->metadata->items[i].string, sizeof ck->recipe.value[0]);
            ck->recipe.n++;
        }
    return 0;
}

int clmlp_checkpoint_load(const char *path, clmlp_checkpoint *ck, clmlp_err *err)
{
    memset(ck, 0, sizeof *ck);
    clmlp_st_file f;
    if (clmlp_st_load(path, CLMLP_MODEL_MAX_BYTES, &f, err) < 0)
        return -1;
    int rc = clmlp_model_from_file(&f, path, true, &ck->model, err) < 0 || read_meta(&f, path, ck, err) < 0 ? -1 : 0;
    /* the order is sized by its tensor: allocate the rest first */
    int64_t keep = 0;
    if (rc == 0) {
        ck->order = NULL;
        rc = clmlp_checkpoint_alloc(ck, ck->optimizer, keep, ck->epochs_done, err);
        free(ck->order);
        ck->order = NULL;
    }
    if (rc == 0)
        rc = read_state(&f, path, ck, err);
    clmlp_st_free(&f);
    if (rc < 0)
        clmlp_checkpoint_free(ck);
    return rc;
}

int clmlp_checkpoint_matches(const clmlp_checkpoint *ck, const char *path, const clmlp_recipe *now, int epochs,
                             clmlp_err *err)
{
    for (int i = 0; i < now->n; i++) {
        const char *there = NULL;
        for (int k = 0; k < ck->recipe.n && !there; k++)
            if (strcmp(ck->recipe.key[k], now->key[i]) == 0)
                there = ck->recipe.value[k];
        if (!there)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "checkpoint '%s' does not record %s: it cannot be resumed", path,
                              now->key[i]);
        if (strcmp(there, now->value[i]) != 0)
            return clmlp_fail(err, CLMLP_EXIT_USAGE,
                              "checkpoint '%s' does not match the config: %s is %s there, %s in the config", path,
                              now->key[i], there, now->value[i]);
    }
    if (ck->epochs_done > epochs)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "checkpoint '%s' has %d epochs done but the config trains %d: nothing to resume", path,
                          ck->epochs_done, epochs);
    return 0;
}
