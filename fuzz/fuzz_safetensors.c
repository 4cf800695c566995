/* safetensors files (clmlp_st_parse), then the same bytes as a model file
 * and as a checkpoint (clmlp_model_load, clmlp_checkpoint_load, which take
 * paths). Checked: a file that parses has tensors that tile its data
 * section exactly, each readable (ASan); a model that loads (an MLP or an
 * SVM) writes back to a file that loads to the same parameters. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "clmlp/modelfile.h"

static void check_tiling(const clmlp_st_file *f)
{
    uint64_t header = 0, total = 0;
    for (int i = 7; i >= 0; i--)
        header = header << 8 | f->bytes[i];
    const uint8_t *data = f->bytes + 8 + header;
    for (size_t i = 0; i < f->n_tensors; i++) {
        const clmlp_st_tensor *t = &f->tensors[i];
        if (t->end < t->begin || (const uint8_t *)t->data != data + t->begin || 8 + header + t->end > f->size)
            fuzz_fail("tensor %zu: range [%llu, %llu) outside the data", i, (unsigned long long)t->begin,
                      (unsigned long long)t->end);
        volatile uint8_t sink = 0;
        for (uint64_t b = 0; b < t->end - t->begin; b += 61)
            sink ^= ((const uint8_t *)t->data)[b];
        (void)sink;
        total += t->end - t->begin;
    }
    if (8 + header + total != f->size)
        fuzz_fail("tensors hold %llu bytes of a %zu-byte data section", (unsigned long long)total,
                  f->size - 8 - (size_t)header);
}

/* An SVM model's every array, as written and read back. */
static void check_svm_same(const clmlp_model *a, const clmlp_model *b)
{
    const clmlp_svm_model *x = &a->svm, *y = &b->svm;
    size_t k = (size_t)x->n_classes, n_sv = (size_t)x->n_sv;
    if (y->n_classes != x->n_classes || y->n_sv != x->n_sv || a->input != b->input || a->gamma != b->gamma ||
        a->C != b->C)
        fuzz_fail("an svm model's sizes or gamma/C changed in the round trip");
    if (memcmp(a->sv, b->sv, n_sv * (size_t)a->input * sizeof *a->sv) != 0 ||
        memcmp(x->coef, y->coef, (k - 1) * n_sv * sizeof *x->coef) != 0 ||
        memcmp(x->rho, y->rho, k * (k - 1) / 2 * sizeof *x->rho) != 0 ||
        memcmp(x->sv_count, y->sv_count, k * sizeof *x->sv_count) != 0 ||
        memcmp(x->labels, y->labels, k * sizeof *x->labels) != 0)
        fuzz_fail("an svm model's arrays changed in the round trip");
}

static void check_model_round_trip(const char *path)
{
    clmlp_model m, back;
    clmlp_err err;
    if (clmlp_model_load(path, &m, &err) < 0)
        return;
    static char *dir; /* fuzz_path's folder, and the file in it (each made once: fuzz_path allocates) */
    static const char *again;
    if (!dir) {
        again = fuzz_path("again.safetensors");
        dir = strdup(again);
        *strrchr(dir, '/') = '\0';
    }
    if (clmlp_write_file_atomic(dir, "again.safetensors", clmlp_model_write, &m, &err) < 0)
        fuzz_fail("a model that loaded does not write: %s", err.msg);
    if (clmlp_model_load(again, &back, &err) < 0)
        fuzz_fail("a model written from one that loaded does not load: %s", err.msg);
    if (back.kind != m.kind)
        fuzz_fail("kind %d became %d", (int)m.kind, (int)back.kind);
    if (m.kind == CLMLP_MODEL_SVM)
        check_svm_same(&m, &back);
    if (back.n_params != m.n_params)
        fuzz_fail("parameters %d became %d", m.n_params, back.n_params);
    for (int p = 0; p < m.n_params; p++)
        if (memcmp(m.params[p], back.params[p], clmlp_model_param_count(&m, p) * sizeof(float)) != 0)
            fuzz_fail("parameter %d changed in the round trip", p);
    clmlp_model_free(&m);
    clmlp_model_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    clmlp_st_file f;
    clmlp_err err;
    if (clmlp_st_parse(copy, size, &f, &err) == 0) {
        check_tiling(&f);
        clmlp_st_free(&f);
    } else if (f.bytes || f.header || f.tensors) {
        fuzz_fail("a failed parse left its file half-filled");
    }
    static const char *path;
    if (!path)
        path = fuzz_path("model.safetensors");
    fuzz_write_file(path, data, size);
    check_model_round_trip(path);
    clmlp_checkpoint ck;
    if (clmlp_checkpoint_load(path, &ck, &err) == 0)
        clmlp_checkpoint_free(&ck);
    return 0;
}
