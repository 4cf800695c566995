/* What model.c and checkpoint.c share: the metadata list they write and
 * the parameter tensors of a model. */
#ifndef CLMLP_MODELFILE_INTERNAL_H
#define CLMLP_MODELFILE_INTERNAL_H

#include "clmlp/modelfile.h"

typedef struct meta_list {
    const char *kv[2 * 96];
    char text[96][640];
    size_t n;
} meta_list;

void clmlp_meta_add(meta_list *ml, const char *key, const char *fmt, ...) CLMLP_PRINTF(3, 4);
/* The model's keys; kind is "model" or "checkpoint" (clmlp.format). */
void clmlp_model_meta(const clmlp_model *m, const char *kind, meta_list *ml);
/* tensors[0..n_params): W<l> [in, out], b<l> [out], F32, pointing at m's arrays. */
void clmlp_model_tensors(const clmlp_model *m, clmlp_st_tensor *t, char names[][16]);
/* A metadata value that must be there (else CLMLP_EXIT_DATA naming the file and key). */
int clmlp_meta_need(const clmlp_st_file *f, const char *path, const char *key, const char **value, clmlp_err *err);

/* A metadata value "true" or "false" (else CLMLP_EXIT_DATA naming the file and key). */
int clmlp_meta_parse_bool(const char *path, const char *key, const char *v, bool *out, clmlp_err *err);
/* "pixels / 255", "pixels > 0" or "pixels": what the model takes as x. */
const char *clmlp_model_input_text(const clmlp_model *m);
/* The format's version both kinds write and read. */
#define FORMAT_VERSION "1"
/* model.safetensors of kind svm (svm_model.c): written, and read after its
 * clmlp.format and version were checked; on failure nothing is left allocated. */
int clmlp_svm_model_write(FILE *out, const clmlp_model *m);
int clmlp_svm_model_from_file(const clmlp_st_file *f, const char *path, clmlp_model *m, clmlp_err *err);

#endif
