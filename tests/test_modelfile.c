/* Model files (safetensors): the writer's bytes, the strict reader's
 * refusals (one line each, naming what is wrong), models and checkpoints
 * written and read back. No device needed. */
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

const test_case modelfile_tests[] = {
    {"writer_output_is_the_format", writer_output_is_the_format, false},
    {"reader_refuses_each_broken_file", reader_refuses_each_broken_file, false},
    {"model_round_trips_and_names_its_architecture", model_round_trips_and_names_its_architecture, false},
    {"model_reader_refuses_what_the_model_does_not_name", model_reader_refuses_what_the_model_does_not_name, false},
    {"checkpoint_round_trips_and_checks_its_recipe", checkpoint_round_trips_and_checks_its_recipe, false},
    {NULL, NULL, false},
};
