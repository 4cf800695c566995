/* Model files (safetensors): the writer's bytes, the strict reader's
 * refusals (one line each, naming what is wrong), models and checkpoints
 * written and read back, MLPs and SVMs. No device needed. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/modelfile.h"
#include "harness.h"

/* A file of an 8-byte length, then header, then data bytes of data_len (filled with 0x11). */
static uint8_t *make_file(const char *header, size_t data_len, uint64_t claimed, size_t *size)
{
    size_t h = strlen(header);
    *size = 8 + h + data_len;
    uint8_t *b = calloc(1, *size);
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(claimed >> (8 * i));
    memcpy(b + 8, header, h);
    memset(b + 8 + h, 0x11, data_len);
    return b;
}

/* Parses a file with header and data_len bytes of data; returns rc, the message in msg. */
static int parse_raw(const char *header, size_t data_len, uint64_t claimed, char *msg, size_t cap)
{
    size_t size;
    uint8_t *b = make_file(header, data_len, claimed, &size);
    clmlp_st_file f;
    clmlp_err err = {0};
    int rc = clmlp_st_parse(b, size, &f, &err);
    snprintf(msg, cap, "%s", rc < 0 ? err.msg : "");
    if (rc < 0)
        CHECK_INT(err.code, CLMLP_EXIT_DATA);
    else
        clmlp_st_free(&f);
    return rc;
}

static int parse(const char *header, size_t data_len, char *msg, size_t cap)
{
    return parse_raw(header, data_len, strlen(header), msg, cap);
}

static void writer_output_is_the_format(void)
{
    float w[6] = {1, 2, 3, 4, 5, 6};
    double d[1] = {0.5};
    clmlp_st_tensor t[2] = {{.name = "w", .dtype = "F32", .ndim = 2, .shape = {2, 3}, .data = w},
                            {.name = "d", .dtype = "F64", .ndim = 1, .shape = {1}, .data = d}};
    const char *meta[] = {"k", "v\"q"};
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    CHECK_INT(clmlp_st_write(mem, t, 2, meta, 1), 0);
    fclose(mem);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = n << 8 | (uint8_t)buf[i];
    CHECK_INT(n % 8, 0); /* padded: the data section is aligned */
    CHECK_INT(len, 8 + n + 24 + 8);
    const char *want = "{\"__metadata__\":{\"k\":\"v\\\"q\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                       "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[24,32]}}";
    CHECK(strncmp(buf + 8, want, strlen(want)) == 0);
    CHECK(memcmp(buf + 8 + n, w, 24) == 0);
    clmlp_st_file f;
    clmlp_err err = {0};
    CHECK_INT(clmlp_st_parse((uint8_t *)buf, len, &f, &err), 0);
    const clmlp_st_tensor *tw = clmlp_st_find(&f, "w");
    CHECK(tw && tw->ndim == 2 && tw->shape[1] == 3 && memcmp(tw->data, w, 24) == 0);
    CHECK_STR(clmlp_st_meta(&f, "k"), "v\"q");
    CHECK(clmlp_st_meta(&f, "absent") == NULL);
    clmlp_st_free(&f);
}

/* Each broken header is refused with its own reason. */
static void reader_refuses_each_broken_file(void)
{
    char m[1024];
    const char *ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    CHECK_INT(parse(ok, 8, m, sizeof m), 0);
    CHECK_INT(parse_raw("", 0, 0, m, sizeof m), -1);
    CHECK_CONTAINS(m, "the header does not start with '{'");
    CHECK_INT(parse_raw(ok, 8, 1000, m, sizeof m), -1);
    CHECK_CONTAINS(m, "header length 1000 runs past the end of the file (");
    CHECK_INT(parse_raw(ok, 8, (uint64_t)1 << 40, m, sizeof m), -1);
    CHECK_CONTAINS(m, "is over the 100 MiB limit");
    CHECK_INT(parse("{\"a\":", 0, m, sizeof m), -1);
    CHECK_CONTAINS(m, "header: 1:");
    CHECK_INT(parse("[1]", 0, m, sizeof m), -1);
    CHECK_CONTAINS(m, "does not start with '{'");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a' has an unknown dtype 'F31'");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a': shape and dtype F32 make 12 bytes but data_offsets [0, 8] hold 8");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a': data_offsets [0, 8] run past the 4 bytes of data");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensors 'a' and 'b' overlap");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "bytes 0..4 of the data belong to no tensor");
    CHECK_INT(parse(ok, 12, m, sizeof m), -1);
    CHECK_STR(m, "the 4 bytes after the last tensor's data belong to no tensor");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                    "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "key 'a' appears twice in the header");
    CHECK_INT(parse("{\"__metadata__\":{\"x\":1}}", 0, m, sizeof m), -1);
    CHECK_STR(m, "__metadata__ value 'x' is not a string");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a': shape[0] is not a non-negative integer");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a': data_offsets [8, 0] end before they begin");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a': data_offsets must be two byte offsets [begin, end]");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8, m, sizeof m), -1);
    CHECK_STR(m, "tensor 'a' has an unknown key 'x'");
    CHECK_INT(parse("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,0]}}", 0,
                    m, sizeof m),
              -1);
    CHECK_STR(m, "tensor 'a': its shape overflows 64 bits of bytes");
    /* a zero-size tensor and a scalar are fine */
    CHECK_INT(parse("{\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                    "\"s\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", 8, m, sizeof m),
              0);
    size_t size;
    uint8_t *b = make_file("", 0, 0, &size);
    clmlp_st_file f;
    clmlp_err err = {0};
    CHECK_INT(clmlp_st_parse(b, 5, &f, &err), -1);
    CHECK_STR(err.msg, "5 bytes is too short for the 8-byte header length");
}

static void small_model(clmlp_model *m)
{
    clmlp_config cfg;
    clmlp_config_defaults(&cfg);
    cfg.model.n_hidden = 1;
    cfg.model.hidden[0] = 3;
    cfg.model.classes = 2;
    cfg.model.activation = CLMLP_ACT_TANH;
    cfg.data.binarize = true;
    clmlp_model_from_config(&cfg, 4, m);
    clmlp_err err = {0};
    CHECK_INT(clmlp_model_alloc(m, &err), 0);
    for (int p = 0; p < m->n_params; p++)
        for (size_t i = 0; i < clmlp_model_param_count(m, p); i++)
            m->params[p][i] = (float)(p * 100 + (int)i) * 0.25f;
}

static const char *write_model(const char *name, const clmlp_model *m)
{
    clmlp_err err = {0};
    CHECK_INT(clmlp_write_file_atomic(test_tmpdir(), name, clmlp_model_write, m, &err), 0);
    static char path[800];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    return path;
}

static void model_round_trips_and_names_its_architecture(void)
{
    clmlp_model m, back;
    small_model(&m);
    const char *path = write_model("m.safetensors", &m);
    clmlp_st_file f;
    clmlp_err err = {0};
    CHECK_INT(clmlp_st_load(path, 1 << 20, &f, &err), 0);
    CHECK_STR(clmlp_st_meta(&f, "layers"), "4-3-2");
    CHECK_STR(clmlp_st_meta(&f, "activation"), "tanh");
    CHECK_STR(clmlp_st_meta(&f, "input.binarize"), "true");
    CHECK_STR(clmlp_st_meta(&f, "classes"), "2");
    CHECK_STR(clmlp_st_meta(&f, "forward"), "h0 = tanh(x @ W0 + b0); logits = h0 @ W1 + b1; x = (pixels > 0) as float32");
    const clmlp_st_tensor *b0 = clmlp_st_find(&f, "b0");
    CHECK(b0 && b0->ndim == 1 && b0->shape[0] == 3);
    clmlp_st_free(&f);
    CHECK_INT(clmlp_model_load(path, &back, &err), 0);
    CHECK_INT(back.n_params, 4);
    CHECK_INT(back.input, 4);
    CHECK_INT(back.hidden[0], 3);
    CHECK(back.activation == CLMLP_ACT_TANH && back.binarize);
    for (int p = 0; p < 4; p++)
        CHECK(memcmp(back.params[p], m.params[p], clmlp_model_param_count(&m, p) * 4) == 0);
    clmlp_model_free(&back);
    clmlp_model_free(&m);
}

/* A valid safetensors file that is not the model its metadata describes. */
static void model_reader_refuses_what_the_model_does_not_name(void)
{
    char m[1024];
    clmlp_model mod, back;
    clmlp_err err = {0};
    const char *meta = "\"__metadata__\":{\"clmlp.format\":\"model\",\"clmlp.version\":\"1\",\"name\":\"t\","
                       "\"architecture\":\"mlp\",\"layers\":\"2-2\",\"activation\":\"relu\",\"classes\":\"2\","
                       "\"input.scale\":\"true\",\"input.binarize\":\"false\"}";
    struct {
        const char *tensors, *why;
    } cases[] = {
        {",\"W0\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}", "has no tensor b0, which layers 2-2 need"},
        {",\"W0\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b0\":{\"dtype\":\"F32\",\"shape\":[2],"
         "\"data_offsets\":[16,24]}",
         "tensor W0 must be F32 of shape [2, 2] (layers 2-2)"},
        {",\"W0\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b0\":{\"dtype\":\"F32\",\"shape\":[2],"
         "\"data_offsets\":[16,24]}",
         "tensor W0 must be F32 of shape [2, 2]"},
        {",\"W0\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b0\":{\"dtype\":\"F32\",\"shape\":[2],"
         "\"data_offsets\":[16,24]},\"W9\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}",
         "has a tensor 'W9' that layers 2-2 do not name"},
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(cases); i++) {
        char header[1024];
        snprintf(header, sizeof header, "{%s%s}", meta, cases[i].tensors);
        size_t size, data = i == 3 ? 28 : i == 0 ? 16 : 24;
        uint8_t *b = make_file(header, data, strlen(header), &size);
        const char *path = test_write_file("bad.safetensors", b, size);
        free(b);
        CHECK_INT(clmlp_model_load(path, &back, &err), -1);
        CHECK_CONTAINS(err.msg, path);
        CHECK_CONTAINS(err.msg, cases[i].why);
        CHECK_INT(err.code, CLMLP_EXIT_DATA);
    }
    /* a metadata key missing, a bad value */
    small_model(&mod);
    const char *path = write_model("ok.safetensors", &mod);
    size_t len;
    char *text = test_read_file(path, &len);
    char *at = text ? memmem(text, len, "\"layers\":\"4-3-2\"", 16) : NULL;
    CHECK(at != NULL);
    if (!at)
        return;
    memcpy(at, "\"layers\":\"4-3_2\"", 16);
    path = test_write_file("badlayers.safetensors", text, len);
    CHECK_INT(clmlp_model_load(path, &back, &err), -1);
    CHECK_CONTAINS(err.msg, "__metadata__ layers '4-3_2' is not 2 to 18 widths (1..65536) joined by '-'");
    memcpy(at, "\"lAyers\":\"4-3-2\"", 16);
    path = test_write_file("nolayers.safetensors", text, len);
    CHECK_INT(clmlp_model_load(path, &back, &err), -1);
    snprintf(m, sizeof m, "'%s': __metadata__ has no 'layers' (not a clmlp model file?)", path);
    CHECK_STR(err.msg, m);
    free(text);
    CHECK_INT(clmlp_model_load("/nonexistent.safetensors", &back, &err), -1);
    CHECK_CONTAINS(err.msg, "cannot read '/nonexistent.safetensors': No such file");
    clmlp_model_free(&mod);
}

static void checkpoint_round_trips_and_checks_its_recipe(void)
{
    clmlp_config cfg;
    clmlp_config_defaults(&cfg);
    cfg.model.n_hidden = 1;
    cfg.model.hidden[0] = 3;
    clmlp_checkpoint ck = {0}, back;
    clmlp_err err = {0};
    clmlp_model_from_config(&cfg, 4, &ck.model);
    clmlp_recipe_from_config(&cfg, 4, 10, &ck.recipe);
    CHECK_INT(clmlp_checkpoint_alloc(&ck, CLMLP_OPT_ADAM, 10, 2, &err), 0);
    for (int i = 0; i < 10; i++)
        ck.order[i] = (uint32_t)(9 - i);
    ck.epochs_done = 2;
    ck.losses[0] = 1.0 / 3;
    ck.losses[1] = 0.1;
    ck.step = 7;
    ck.shuffle_rng[0] = 0x0123456789abcdefULL;
    ck.shuffle_rng[3] = 42;
    ck.state[1][1][2] = 0.5f;
    CHECK_INT(clmlp_write_file_atomic(test_tmpdir(), "ck.safetensors", clmlp_checkpoint_write, &ck, &err), 0);
    char path[800];
    snprintf(path, sizeof path, "%s/ck.safetensors", test_tmpdir());
    CHECK_INT(clmlp_checkpoint_load(path, &back, &err), 0);
    CHECK_INT(back.epochs_done, 2);
    CHECK(back.losses[0] == 1.0 / 3 && back.losses[1] == 0.1); /* exact */
    CHECK_INT(back.step, 7);
    CHECK(back.shuffle_rng[0] == 0x0123456789abcdefULL && back.shuffle_rng[3] == 42);
    CHECK(back.state[1][1][2] == 0.5f);
    CHECK_INT(back.order[0], 9);
    CHECK_INT(clmlp_checkpoint_matches(&back, path, &ck.recipe, 5, &err), 0);
    CHECK_INT(clmlp_checkpoint_matches(&back, path, &ck.recipe, 1, &err), -1);
    CHECK_CONTAINS(err.msg, "has 2 epochs done but the config trains 1: nothing to resume");
    clmlp_recipe other;
    cfg.training.lr = 0.01;
    clmlp_recipe_from_config(&cfg, 4, 10, &other);
    CHECK_INT(clmlp_checkpoint_matches(&back, path, &other, 5, &err), -1);
    CHECK_CONTAINS(err.msg, "does not match the config: training.lr is 0.001 there, 0.01 in the config");
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    /* a checkpoint reads as the model it holds */
    clmlp_model m;
    CHECK_INT(clmlp_model_load(path, &m, &err), 0);
    CHECK_INT(m.hidden[0], 3);
    clmlp_model_free(&m);
    clmlp_checkpoint_free(&back);
    clmlp_checkpoint_free(&ck);
}

/* ---- kind svm ---- */

/* A hand-made SVM: labels {0, 2, 3} of classes 0..3, 5 support vectors of 4 features. */
static void small_svm(clmlp_model *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "svm-test");
    m->kind = CLMLP_MODEL_SVM;
    m->input = 4;
    m->classes = 4;
    m->scale = true;
    m->gamma = 1.0 / 7;
    m->C = 2.5;
    clmlp_svm_model *s = &m->svm;
    s->n_classes = 3;
    s->n_sv = 5;
    s->labels = malloc(3 * sizeof *s->labels);
    s->sv_count = malloc(3 * sizeof *s->sv_count);
    s->coef = malloc(2 * 5 * sizeof *s->coef);
    s->rho = malloc(3 * sizeof *s->rho);
    m->sv = malloc(5 * 4 * sizeof *m->sv);
    const int labels[3] = {0, 2, 3}, counts[3] = {2, 1, 2};
    const double rho[3] = {0.1, -1.0 / 3, 1e-300};
    memcpy(s->labels, labels, sizeof labels);
    memcpy(s->sv_count, counts, sizeof counts);
    memcpy(s->rho, rho, sizeof rho);
    for (int i = 0; i < 10; i++)
        s->coef[i] = (i % 2 ? -1 : 1) * (i + 1) / 3.0;
    for (int i = 0; i < 20; i++)
        m->sv[i] = (float)i * 0.37f - 1;
}

static void check_tensor(const clmlp_st_file *f, const char *name, const char *dtype, int ndim, uint64_t d0,
                         uint64_t d1)
{
    const clmlp_st_tensor *t = clmlp_st_find(f, name);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_STR(t->dtype, dtype);
    CHECK_INT(t->ndim, ndim);
    CHECK_INT(t->shape[0], d0);
    if (ndim == 2)
        CHECK_INT(t->shape[1], d1);
}

/* Every field comes back exactly; the file names its layout; writing it again gives the same bytes. */
static void svm_model_round_trips_every_field(void)
{
    clmlp_model m, back;
    small_svm(&m);
    const char *path = write_model("svm.safetensors", &m);
    clmlp_st_file f;
    clmlp_err err = {0};
    CHECK_INT(clmlp_st_load(path, 1 << 20, &f, &err), 0);
    char gamma[64];
    snprintf(gamma, sizeof gamma, "%.17g", 1.0 / 7);
    CHECK_STR(clmlp_st_meta(&f, "clmlp.format"), "model");
    CHECK_STR(clmlp_st_meta(&f, "kind"), "svm");
    CHECK_STR(clmlp_st_meta(&f, "kernel"), "rbf");
    CHECK_STR(clmlp_st_meta(&f, "gamma"), gamma);
    CHECK_STR(clmlp_st_meta(&f, "C"), "2.5");
    CHECK_STR(clmlp_st_meta(&f, "n_sv"), "5");
    CHECK_STR(clmlp_st_meta(&f, "labels"), "0,2,3");
    CHECK_STR(clmlp_st_meta(&f, "classes"), "4");
    CHECK_STR(clmlp_st_meta(&f, "input"), "4");
    CHECK_STR(clmlp_st_meta(&f, "input.scale"), "true");
    CHECK_CONTAINS(clmlp_st_meta(&f, "decision"), "x = pixels / 255");
    check_tensor(&f, "sv", "F32", 2, 5, 4);
    check_tensor(&f, "dual_coef", "F64", 2, 2, 5);
    check_tensor(&f, "rho", "F64", 1, 3, 0);
    check_tensor(&f, "sv_count", "I32", 1, 3, 0);
    check_tensor(&f, "labels", "I32", 1, 3, 0);
    CHECK_INT(f.n_tensors, 5);
    clmlp_st_free(&f);

    CHECK_INT(clmlp_model_load(path, &back, &err), 0);
    CHECK(back.kind == CLMLP_MODEL_SVM);
    CHECK_STR(back.name, "svm-test");
    CHECK_INT(back.input, 4);
    CHECK_INT(back.classes, 4);
    CHECK(back.scale && !back.binarize);
    CHECK(back.gamma == m.gamma && back.C == m.C); /* exact */
    CHECK_INT(back.n_params, 0);
    const clmlp_svm_model *s = &back.svm;
    CHECK_INT(s->n_classes, 3);
    CHECK_INT(s->n_sv, 5);
    CHECK(s->labels && memcmp(s->labels, m.svm.labels, 3 * sizeof(int)) == 0);
    CHECK(s->sv_count && memcmp(s->sv_count, m.svm.sv_count, 3 * sizeof(int)) == 0);
    CHECK(s->coef && memcmp(s->coef, m.svm.coef, 10 * sizeof(double)) == 0);
    CHECK(s->rho && memcmp(s->rho, m.svm.rho, 3 * sizeof(double)) == 0);
    CHECK(back.sv && memcmp(back.sv, m.sv, 20 * sizeof(float)) == 0);
    CHECK(s->sv_index == NULL && s->pairs == NULL); /* the training run's, not the file's */
    const char *again = write_model("again.safetensors", &back);
    size_t n1 = 0, n2 = 0;
    char *b1 = test_read_file(path, &n1), *b2 = test_read_file(again, &n2);
    CHECK(b1 && b2 && n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    clmlp_model_free(&back);
    clmlp_model_free(&m);
    /* an MLP's file is as before: no kind */
    small_model(&m);
    path = write_model("mlp.safetensors", &m);
    CHECK_INT(clmlp_st_load(path, 1 << 20, &f, &err), 0);
    CHECK(clmlp_st_meta(&f, "kind") == NULL);
    clmlp_st_free(&f);
    CHECK_INT(clmlp_model_load(path, &back, &err), 0);
    CHECK(back.kind == CLMLP_MODEL_MLP);
    clmlp_model_free(&back);
    clmlp_model_free(&m);
}

/* Loads path, expecting one line that names it and says why. */
static void check_refused(const char *path, const char *why)
{
    clmlp_model back;
    clmlp_err err = {0};
    int rc = clmlp_model_load(path, &back, &err);
    CHECK_INT(rc, -1);
    if (rc == 0)
        clmlp_model_free(&back);
    CHECK_INT(err.code, CLMLP_EXIT_DATA);
    CHECK_CONTAINS(err.msg, path);
    CHECK_CONTAINS(err.msg, why);
    CHECK(strchr(err.msg, '\n') == NULL);
}

/* Values a writer could hold but no reader may take. */
static void odd_count(clmlp_model *m) { m->svm.sv_count[1] = 2; }
static void negative_count(clmlp_model *m) { m->svm.sv_count[0] = -1, m->svm.sv_count[1] = 4; }
static void nan_coef(clmlp_model *m) { m->svm.coef[7] = NAN; }
static void inf_rho(clmlp_model *m) { m->svm.rho[2] = -INFINITY; }
static void nan_sv(clmlp_model *m) { m->sv[13] = NAN; }
static void zero_gamma(clmlp_model *m) { m->gamma = 0; }
static void negative_gamma(clmlp_model *m) { m->gamma = -0.5; }
static void inf_gamma(clmlp_model *m) { m->gamma = INFINITY; }
static void zero_c(clmlp_model *m) { m->C = 0; }
static void unsorted_labels(clmlp_model *m) { m->svm.labels[0] = 2, m->svm.labels[1] = 0; }
static void twice_a_label(clmlp_model *m) { m->svm.labels[1] = 0; }
static void label_past_classes(clmlp_model *m) { m->svm.labels[2] = 4; }
static void negative_label(clmlp_model *m) { m->svm.labels[0] = -1; }

/* A valid file of the small SVM with one tensor or metadata value changed. */
typedef struct svm_edit {
    const char *key, *value;     /* a metadata key given this value (added when absent) */
    const char *tensor;          /* a tensor: dropped, retyped, reshaped; added as F32 [1] when not in the file */
    bool drop;
    const char *dtype;           /* a dtype of the same size */
    int ndim;                    /* > 0: a shape of the same count */
    uint64_t shape[2];
    const char *why;
} svm_edit;

static const char *edited_svm(const char *good, const svm_edit *e, const char *name)
{
    clmlp_st_file f;
    clmlp_err err = {0};
    CHECK_INT(clmlp_st_load(good, 1 << 20, &f, &err), 0);
    clmlp_st_tensor t[8];
    size_t n = 0;
    bool found = false;
    for (size_t i = 0; i < f.n_tensors && n < 7; i++) {
        bool hit = e->tensor && strcmp(f.tensors[i].name, e->tensor) == 0;
        found |= hit;
        if (hit && e->drop)
            continue;
        t[n] = f.tensors[i];
        if (hit && e->dtype)
            t[n].dtype = e->dtype;
        if (hit && e->ndim) {
            t[n].ndim = e->ndim;
            memcpy(t[n].shape, e->shape, sizeof e->shape);
        }
        n++;
    }
    static const float one = 1;
    if (e->tensor && !found)
        t[n++] = (clmlp_st_tensor){.name = e->tensor, .dtype = "F32", .ndim = 1, .shape = {1}, .data = &one};
    const char *kv[2 * 40];
    size_t n_meta = 0;
    bool set = false;
    for (size_t i = 0; f.metadata && i < f.metadata->count && n_meta < 39; i++, n_meta++) {
        bool hit = e->key && strcmp(f.metadata->keys[i], e->key) == 0;
        set |= hit;
        kv[2 * n_meta] = f.metadata->keys[i];
        kv[2 * n_meta + 1] = hit ? e->value : f.metadata->items[i].string;
    }
    if (e->key && !set) {
        kv[2 * n_meta] = e->key;
        kv[2 * n_meta + 1] = e->value;
        n_meta++;
    }
    static char path[800];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    FILE *out = fopen(path, "wb");
    CHECK(out && clmlp_st_write(out, t, n, kv, n_meta) == 0);
    if (out)
        fclose(out);
    clmlp_st_free(&f);
    return path;
}

/* Each way an SVM file can be wrong is refused in one line naming the file and the problem. */
static void svm_reader_refuses_each_corrupt_file(void)
{
    static const struct {
        void (*edit)(clmlp_model *);
        const char *why;
    } values[] = {
        {odd_count, "tensor sv_count sums to 6 support vectors but n_sv is 5"},
        {negative_count, "tensor sv_count has -1 support vectors for label 0"},
        {nan_coef, "tensor dual_coef holds nan at element 7: every value must be finite"},
        {inf_rho, "tensor rho holds -inf at element 2"},
        {nan_sv, "tensor sv holds nan at element 13"},
        {zero_gamma, "__metadata__ gamma '0' is not a finite number > 0"},
        {negative_gamma, "__metadata__ gamma '-0.5' is not a finite number > 0"},
        {inf_gamma, "__metadata__ gamma 'inf' is not a finite number > 0"},
        {zero_c, "__metadata__ C '0' is not a finite number > 0"},
        {unsorted_labels, "tensor labels must be distinct and ascending (0 after 2)"},
        {twice_a_label, "tensor labels must be distinct and ascending (0 after 0)"},
        {label_past_classes, "tensor labels holds 4, not a class 0..3"},
        {negative_label, "tensor labels holds -1, not a class 0..3"},
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(values); i++) {
        clmlp_model m;
        small_svm(&m);
        values[i].edit(&m);
        char name[32];
        snprintf(name, sizeof name, "value%zu.safetensors", i);
        check_refused(write_model(name, &m), values[i].why);
        clmlp_model_free(&m);
    }
    clmlp_model m;
    small_svm(&m);
    char good[800];
    snprintf(good, sizeof good, "%s", write_model("good.safetensors", &m));
    clmlp_model_free(&m);
    static const svm_edit files[] = {
        {.tensor = "sv",
         .ndim = 2,
         .shape = {4, 5},
         .why = "tensor sv must be F32 of shape [5, 4] (n_sv 5, input 4, 3 classes in labels)"},
        {.tensor = "sv", .dtype = "I32", .why = "tensor sv must be F32 of shape [5, 4]"},
        {.tensor = "dual_coef", .ndim = 2, .shape = {5, 2}, .why = "tensor dual_coef must be F64 of shape [2, 5]"},
        {.tensor = "dual_coef", .ndim = 1, .shape = {10}, .why = "tensor dual_coef must be F64 of shape [2, 5]"},
        {.tensor = "dual_coef", .dtype = "I64", .why = "tensor dual_coef must be F64 of shape [2, 5]"},
        {.tensor = "rho", .ndim = 2, .shape = {1, 3}, .why = "tensor rho must be F64 of shape [3]"},
        {.tensor = "sv_count", .dtype = "U32", .why = "tensor sv_count must be I32 of shape [3]"},
        {.tensor = "labels", .dtype = "F32",
         .why = "tensor labels must be I32 of shape [k] with 2 <= k <= classes (4)"},
        {.tensor = "labels", .ndim = 2, .shape = {1, 3}, .why = "tensor labels must be I32 of shape [k] with 2"},
        {.tensor = "labels", .drop = true, .why = "has no tensor labels, which an svm model file holds"},
        {.tensor = "rho",
         .drop = true,
         .why = "has no tensor rho, which an svm model file holds (sv,dual_coef,rho,sv_count,labels)"},
        {.tensor = "W0", .why = "has a tensor 'W0' that an svm model file does not hold"},
        {.key = "classes", .value = "2", .why = "tensor labels must be I32 of shape [k] with 2 <= k <= classes (2)"},
        {.key = "n_sv", .value = "4", .why = "tensor sv_count sums to 5 support vectors but n_sv is 4"},
        {.key = "n_sv", .value = "0", .why = "__metadata__ n_sv '0' is not an integer 1..2147483647"},
        {.key = "input", .value = "2", .why = "tensor sv must be F32 of shape [5, 2]"},
        {.key = "input", .value = "16777217", .why = "__metadata__ input '16777217' is not an integer 1..16777216"},
        {.key = "input", .value = "+4", .why = "__metadata__ input '+4' is not an integer 1..16777216"},
        {.key = "gamma", .value = "nan", .why = "__metadata__ gamma 'nan' is not a finite number > 0"},
        {.key = "gamma", .value = "0.1x", .why = "__metadata__ gamma '0.1x' is not a finite number > 0"},
        {.key = "gamma", .value = "1e999", .why = "__metadata__ gamma '1e999' is not a finite number > 0"},
        {.key = "labels", .value = "0,2,1", .why = "__metadata__ labels '0,2,1' are not tensor labels' 0,2,3"},
        {.key = "kernel", .value = "poly", .why = "kernel 'poly' is not one clmlp knows (rbf)"},
        {.key = "kind", .value = "tree", .why = "kind 'tree' is not one clmlp knows (mlp, svm)"},
        {.key = "clmlp.format",
         .value = "checkpoint",
         .why = "is a checkpoint of kind svm: checkpoints hold MLPs only"},
        {.key = "input.binarize",
         .value = "yes",
         .why = "__metadata__ input.binarize is 'yes', expected true or false"},
        {.key = "clmlp.version", .value = "2", .why = "has clmlp.version '2'; this clmlp reads version 1"},
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(files); i++) {
        char name[32];
        snprintf(name, sizeof name, "file%zu.safetensors", i);
        check_refused(edited_svm(good, &files[i], name), files[i].why);
    }
    /* A missing key, the kind's own, in one line too. */
    size_t len;
    char *text = test_read_file(good, &len);
    char *at = text ? memmem(text, len, "\"n_sv\":", 7) : NULL;
    CHECK(at != NULL);
    if (at) {
        memcpy(at, "\"n_Sv\":", 7);
        check_refused(test_write_file("nonsv.safetensors", text, len), "__metadata__ has no 'n_sv'");
    }
    free(text);
    /* A checkpoint is MLP-only: one of kind svm is refused by the checkpoint reader as well. */
    clmlp_checkpoint ck;
    clmlp_err err = {0};
    const svm_edit as_ck = {.key = "clmlp.format", .value = "checkpoint"};
    CHECK_INT(clmlp_checkpoint_load(edited_svm(good, &as_ck, "ck.safetensors"), &ck, &err), -1);
    CHECK_CONTAINS(err.msg, "checkpoints hold MLPs only");
}

/* Every byte of a valid SVM file set to each of a few values: the reader
 * takes the file or refuses it in one line, never crashes; what it takes
 * is a consistent model. */
static void svm_reader_survives_every_byte_changed(void)
{
    clmlp_model m;
    small_svm(&m);
    size_t len;
    char *good = test_read_file(write_model("good.safetensors", &m), &len);
    clmlp_model_free(&m);
    CHECK(good != NULL);
    static const uint8_t values[] = {0x00, 0xff, '9', '-', ',', '"', 0x80};
    long refused = 0, taken = 0;
    for (size_t at = 0; good && at < len; at++)
        for (size_t v = 0; v < sizeof values; v++) {
            if ((uint8_t)good[at] == values[v])
                continue;
            uint8_t *b = malloc(len);
            memcpy(b, good, len);
            b[at] = values[v];
            clmlp_st_file f;
            clmlp_err err = {0};
            clmlp_model back;
            if (clmlp_st_parse(b, len, &f, &err) < 0) { /* b is freed */
                refused++;
                continue;
            }
            if (clmlp_model_from_file(&f, "x.safetensors", false, &back, &err) < 0) {
                refused++;
                if (strchr(err.msg, '\n') || !strstr(err.msg, "x.safetensors"))
                    test_fail(__FILE__, __LINE__, "byte %zu = 0x%02x: %s", at, values[v], err.msg);
            } else if (back.kind == CLMLP_MODEL_SVM) {
                taken++;
                const clmlp_svm_model *s = &back.svm;
                int sum = 0;
                for (int c = 0; c < s->n_classes; c++)
                    sum += s->sv_count[c];
                bool ok = sum == s->n_sv && back.gamma > 0 && isfinite(back.gamma) && s->n_classes >= 2;
                for (int c = 1; c < s->n_classes; c++)
                    ok &= s->labels[c] > s->labels[c - 1] && s->labels[c] < back.classes;
                for (int i = 0; i < s->n_sv * back.input; i++)
                    ok &= isfinite(back.sv[i]);
                if (!ok)
                    test_fail(__FILE__, __LINE__, "byte %zu = 0x%02x: an inconsistent model loaded", at, values[v]);
                clmlp_model_free(&back);
            } else {
                clmlp_model_free(&back);
            }
            clmlp_st_free(&f);
        }
    CHECK(refused > 0 && taken > 0); /* both happen: data bytes change values, header bytes break it */
    free(good);
}

const test_case modelfile_tests[] = {
    {"writer_output_is_the_format", writer_output_is_the_format, false},
    {"reader_refuses_each_broken_file", reader_refuses_each_broken_file, false},
    {"model_round_trips_and_names_its_architecture", model_round_trips_and_names_its_architecture, false},
    {"model_reader_refuses_what_the_model_does_not_name", model_reader_refuses_what_the_model_does_not_name, false},
    {"checkpoint_round_trips_and_checks_its_recipe", checkpoint_round_trips_and_checks_its_recipe, false},
    {"svm_model_round_trips_every_field", svm_model_round_trips_every_field, false},
    {"svm_reader_refuses_each_corrupt_file", svm_reader_refuses_each_corrupt_file, false},
    {"svm_reader_survives_every_byte_changed", svm_reader_survives_every_byte_changed, false},
    {NULL, NULL, false},
};
