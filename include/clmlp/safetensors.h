/* The safetensors file format (Hugging Face's, read by safetensors.numpy,
 * safetensors.torch and JAX loaders): an 8-byte little-endian header
 * length N, N bytes of a JSON header, then the data section. The header
 * maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
 * (offsets relative to the data section, row-major, little-endian) and may
 * hold "__metadata__", a string -> string map.
 *
 * The reader treats the file as hostile: every number is checked before it
 * is used, and a file that is not exactly what the format allows is refused
 * with one line naming the problem. */
#ifndef CLMLP_SAFETENSORS_H
#define CLMLP_SAFETENSORS_H

#include <stdint.h>
#include <stdio.h>

#include "clmlp/common.h"
#include "clmlp/json_parse.h"

#define CLMLP_ST_MAX_DIMS 8
#define CLMLP_ST_MAX_HEADER (100u << 20) /* the reference implementation's limit */

typedef struct clmlp_st_tensor {
    const char *name;
    const char *dtype;   /* "F32", "F64", "U32", ... (the spec's names) */
    int ndim;            /* 0 = a scalar */
    uint64_t shape[CLMLP_ST_MAX_DIMS];
    uint64_t begin, end; /* byte range in the data section */
    const void *data;    /* end - begin bytes, little-endian: the writer's input; the reader's view into the file */
} clmlp_st_tensor;

typedef struct clmlp_st_file {
    uint8_t *bytes; /* the whole file (owned) */
    size_t size;
    clmlp_jv *header;
    clmlp_st_tensor *tensors; /* in header order; names and dtypes point into header */
    size_t n_tensors;
    const clmlp_jv *metadata; /* the __metadata__ object, or NULL */
} clmlp_st_file;

/* Bytes per element of a dtype the spec defines, 0 for any other name. */
size_t clmlp_st_dtype_size(const char *dtype);

/* Writes tensors (begin/end are assigned here, in the given order, with no
 * gaps) and metadata (n_meta key/value pairs: meta[2i], meta[2i+1]). The
 * header is padded with spaces to a multiple of 8 bytes, so the data
 * section is aligned, as the reference writer does. Returns 0, or -1 on a
 * write error or a name that cannot be stored. */
int clmlp_st_write(FILE *out, clmlp_st_tensor *tensors, size_t n, const char *const *meta, size_t n_meta);

/* Parses and validates a whole file held in memory (bytes are taken over:
 * freed by clmlp_st_free, also on failure). Errors: CLMLP_EXIT_DATA, one
 * line saying what is wrong (the caller prefixes the file's name). */
int clmlp_st_parse(uint8_t *bytes, size_t size, clmlp_st_file *f, clmlp_err *err);
/* Reads path (a regular file of at most max_bytes) and parses it; errors
 * name the file: "model 'x.safetensors': header length ... runs past ...". */
int clmlp_st_load(const char *path, size_t max_bytes, clmlp_st_file *f, clmlp_err *err);
void clmlp_st_free(clmlp_st_file *f);

/* A tensor by name, or NULL. */
const clmlp_st_tensor *clmlp_st_find(const clmlp_st_file *f, const char *name);
/* A metadata value, or NULL when absent. */
const char *clmlp_st_meta(const clmlp_st_file *f, const char *key);

#endif
