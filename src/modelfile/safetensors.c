/* safetensors: writer and strict reader; see safetensors.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clmlp/json.h"
#include "clmlp/safetensors.h"

static const struct {
    const char *name;
    size_t size;
} dtypes[] = {{"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
              {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"I64", 8},     {"U64", 8}, {"F64", 8}};

/* 2^53: every integer up to it is exact in the parser's doubles. */
#define EXACT_INT_MAX 9007199254740992.0

size_t clmlp_st_dtype_size(const char *dtype)
{
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(dtypes); i++)
        if (strcmp(dtypes[i].name, dtype) == 0)
            return dtypes[i].size;
    return 0;
}

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

/* ---- writing ---- */

static void write_header_json(FILE *out, const clmlp_st_tensor *t, size_t n, const char *const *meta, size_t n_meta)
{
    fputc('{', out);
    bool first = true;
    if (n_meta) {
        fputs("\"__metadata__\":{", out);
        for (size_t i = 0; i < n_meta; i++) {
            if (i)
                fputc(',', out);
            clmlp_json_write_escaped(out, meta[2 * i]);
            fputc(':', out);
            clmlp_json_write_escaped(out, meta[2 * i + 1]);
        }
        fputc('}', out);
        first = false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!first)
            fputc(',', out);
        first = false;
        clmlp_json_write_escaped(out, t[i].name);
        fprintf(out, ":{\"dtype\":\"%s\",\"shape\":[", t[i].dtype);
        for (int d = 0; d < t[i].ndim; d++)
            fprintf(out, "%s%llu", d ? "," : "", (unsigned long long)t[i].shape[d]);
        fprintf(out, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)t[i].begin,
                (unsigned long long)t[i].end);
    }
    fputc('}', out);
}

/* Element-wise little-endian output on a big-endian host. */
static int write_data(FILE *out, const clmlp_st_tensor *t)
{
    size_t bytes = (size_t)(t->end - t->begin), es = clmlp_st_dtype_size(t->dtype);
    if (host_is_little_endian() || es == 1)
        return bytes == 0 || fwrite(t->data, 1, bytes, out) == bytes ? 0 : -1;
    const uint8_t *p = t->data;
    for (size_t i = 0; i < bytes; i += es)
        for (size_t k = es; k-- > 0;)
            if (fputc(p[i + k], out) == EOF)
                return -1;
    return 0;
}

int clmlp_st_write(FILE *out, clmlp_st_tensor *t, size_t n, const char *const *meta, size_t n_meta)
{
    uint64_t offset = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t count = 1;
        size_t es = clmlp_st_dtype_size(t[i].dtype);
        if (!es || !t[i].name[0] || strcmp(t[i].name, "__metadata__") == 0 || t[i].ndim < 0 ||
            t[i].ndim > CLMLP_ST_MAX_DIMS)
            return -1;
        for (int d = 0; d < t[i].ndim; d++)
            count *= t[i].shape[d];
        t[i].begin = offset;
        t[i].end = offset += count * es;
    }
    char *header = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&header, &len);
    if (!mem)
        return -1;
    write_header_json(mem, t, n, meta, n_meta);
    if (fclose(mem) != 0) {
        free(header);
        return -1;
    }
    size_t padded = (len + 7) / 8 * 8;
    uint8_t size_le[8];
    for (int i = 0; i < 8; i++)
        size_le[i] = (uint8_t)((uint64_t)padded >> (8 * i));
    int rc = fwrite(size_le, 1, 8, out) == 8 && fwrite(header, 1, len, out) == len ? 0 : -1;
    free(header);
    for (size_t i = len; i < padded && rc == 0; i++)
        rc = fputc(' ', out) == EOF ? -1 : 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = write_data(out, &t[i]);
    return rc;
}

/* ---- reading ---- */

static int fail(clmlp_err *err, const char *fmt, ...) CLMLP_PRINTF(2, 3);
static int fail(clmlp_err *err, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return clmlp_fail(err, CLMLP_EXIT_DATA, "%s", msg);
}

/* A non-negative integer the header may hold (an offset or a dimension). */
static bool read_uint(const clmlp_jv *v, uint64_t *out)
{
    if (!v || v->kind != CLMLP_JV_NUMBER || !(v->number >= 0) || v->number > EXACT_INT_MAX ||
        v->number != (double)(uint64_t)v->number)
        return false;
    *out = (uint64_t)v->number;
    return true;
}

/* Names shown in errors are cut short: a hostile name can be long. */
#define NAME_FMT "'%.80s'"

static int parse_entry(const char *name, const clmlp_jv *v, clmlp_st_tensor *t, clmlp_err *err)
{
    if (!name[0])
        return fail(err, "a tensor has an empty name");
    if (v->kind != CLMLP_JV_OBJECT)
        return fail(err, "tensor " NAME_FMT " is not an object", name);
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], "dtype") != 0 && strcmp(v->keys[i], "shape") != 0 &&
            strcmp(v->keys[i], "data_offsets") != 0)
            return fail(err, "tensor " NAME_FMT " has an unknown key " NAME_FMT, name, v->keys[i]);
    const clmlp_jv *dtype = clmlp_jv_get(v, "dtype"), *shape = clmlp_jv_get(v, "shape"),
                   *offsets = clmlp_jv_get(v, "data_offsets");
    if (!dtype || !shape || !offsets)
        return fail(err, "tensor " NAME_FMT " lacks %s", name, !dtype ? "dtype" : !shape ? "shape" : "data_offsets");
    if (dtype->kind != CLMLP_JV_STRING || !clmlp_st_dtype_size(dtype->string))
        return fail(err, "tensor " NAME_FMT " has an unknown dtype %s%.20s%s", name,
                    dtype->kind == CLMLP_JV_STRING ? "'" : "", dtype->kind == CLMLP_JV_STRING ? dtype->string : "(not a string)",
                    dtype->kind == CLMLP_JV_STRING ? "'" : "");
    if (shape->kind != CLMLP_JV_ARRAY || shape->count > CLMLP_ST_MAX_DIMS)
        return fail(err, "tensor " NAME_FMT ": shape must be a list of at most %d sizes", name, CLMLP_ST_MAX_DIMS);
    if (offsets->kind != CLMLP_JV_ARRAY || offsets->count != 2 || !read_uint(&offsets->items[0], &t->begin) ||
        !read_uint(&offsets->items[1], &t->end))
        return fail(err, "tensor " NAME_FMT ": data_offsets must be two byte offsets [begin, end]", name);
    if (t->end < t->begin)
        return fail(err, "tensor " NAME_FMT ": data_offsets [%llu, %llu] end before they begin", name,
                    (unsigned long long)t->begin, (unsigned long long)t->end);
    t->name = name;
    t->dtype = dtype->string;
    t->ndim = (int)shape->count;
    uint64_t bytes = clmlp_st_dtype_size(t->dtype);
    for (int d = 0; d < t->ndim; d++) {
        if (!read_uint(&shape->items[d], &t->shape[d]))
            return fail(err, "tensor " NAME_FMT ": shape[%d] is not a non-negative integer", name, d);
        if (t->shape[d] && bytes > UINT64_MAX / t->shape[d])
            return fail(err, "tensor " NAME_FMT ": its shape overflows 64 bits of bytes", name);
        bytes *= t->shape[d];
    }
    if (bytes != t->end - t->begin)
        return fail(err, "tensor " NAME_FMT ": shape and dtype %s make %llu bytes but data_offsets [%llu, %llu] hold %llu",
                    name, t->dtype, (unsigned long long)bytes, (unsigned long long)t->begin,
                    (unsigned long long)t->end, (unsigned long long)(t->end - t->begin));
    return 0;
}

static int parse_metadata(const clmlp_jv *v, clmlp_err *err)
{
    if (v->kind != CLMLP_JV_OBJECT)
        return fail(err, "__metadata__ is not an object of strings");
    for (size_t i = 0; i < v->count; i++)
        if (v->items[i].kind != CLMLP_JV_STRING)
            return fail(err, "__metadata__ value " NAME_FMT " is not a string", v->keys[i]);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* No key twice (the JSON parser keeps duplicates). */
static int check_unique_keys(const clmlp_jv *obj, const char *what, clmlp_err *err)
{
    if (obj->count < 2)
        return 0;
    const char **names = clmlp_calloc(obj->count, sizeof *names, err);
    if (!names)
        return -1;
    for (size_t i = 0; i < obj->count; i++)
        names[i] = obj->keys[i];
    qsort(names, obj->count, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 1; i < obj->count && rc == 0; i++)
        if (strcmp(names[i - 1], names[i]) == 0)
            rc = fail(err, "%s " NAME_FMT " appears twice in the header", what, names[i]);
    free(names);
    return rc;
}

static int by_range(const void *a, const void *b)
{
    const clmlp_st_tensor *x = *(const clmlp_st_tensor *const *)a, *y = *(const clmlp_st_tensor *const *)b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* The ranges tile the data section exactly: in range, no overlap, no gap, nothing after the last. */
static int check_layout(clmlp_st_tensor *t, size_t n, uint64_t data_size, clmlp_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].end > data_size)
            return fail(err, "tensor " NAME_FMT ": data_offsets [%llu, %llu] run past the %llu bytes of data",
                        t[i].name, (unsigned long long)t[i].begin, (unsigned long long)t[i].end,
                        (unsigned long long)data_size);
    const clmlp_st_tensor **order = clmlp_calloc(n ? n : 1, sizeof *order, err);
    if (!order)
        return -1;
    for (size_t i = 0; i < n; i++)
        order[i] = &t[i];
    qsort(order, n, sizeof *order, by_range);
    uint64_t at = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (order[i]->begin < at)
            rc = fail(err, "tensors " NAME_FMT " and " NAME_FMT " overlap", order[i - 1]->name, order[i]->name);
        else if (order[i]->begin > at)
            rc = fail(err, "bytes %llu..%llu of the data belong to no tensor", (unsigned long long)at,
                      (unsigned long long)order[i]->begin);
        at = order[i]->end;
    }
    if (rc == 0 && at != data_size)
        rc = fail(err, "the %llu bytes after the last tensor's data belong to no tensor",
                  (unsigned long long)(data_size - at));
    free(order);
    return rc;
}

void clmlp_st_free(clmlp_st_file *f)
{
    free(f->bytes);
    clmlp_jv_free(f->header);
    free(f->tensors);
    memset(f, 0, sizeof *f);
}

int clmlp_st_parse(uint8_t *bytes, size_t size, clmlp_st_file *f, clmlp_err *err)
{
    memset(f, 0, sizeof *f);
    f->bytes = bytes;
    f->size = size;
    if (size < 8) {
        clmlp_st_free(f);
        return fail(err, "%zu bytes is too short for the 8-byte header length", size);
    }
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = n << 8 | bytes[i];
    int rc = 0;
    if (n > CLMLP_ST_MAX_HEADER)
        rc = fail(err, "header length %llu is over the %u MiB limit (not a safetensors file?)", (unsigned long long)n,
                  CLMLP_ST_MAX_HEADER >> 20);
    else if (n > size - 8)
        rc = fail(err, "header length %llu runs past the end of the file (%zu bytes)", (unsigned long long)n, size);
    else if (n < 2 || bytes[8] != '{')
        rc = fail(err, "the header does not start with '{' (not a safetensors file?)");
    else if (clmlp_json_parse((const char *)bytes + 8, (size_t)n, &f->header, err) < 0)
        rc = clmlp_fail_prefix(err, "header: ");
    else if (f->header->kind != CLMLP_JV_OBJECT)
        rc = fail(err, "the header is not a JSON object");
    else if (check_unique_keys(f->header, "key", err) < 0)
        rc = -1;
    else if (!(f->tensors = clmlp_calloc(f->header->count ? f->header->count : 1, sizeof *f->tensors, err)))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < f->header->count; i++) {
        const char *key = f->header->keys[i];
        const clmlp_jv *v = &f->header->items[i];
        if (strcmp(key, "__metadata__") == 0) {
            rc = parse_metadata(v, err) < 0 || check_unique_keys(v, "__metadata__ key", err) < 0 ? -1 : 0;
            f->metadata = v;
        } else {
            rc = parse_entry(key, v, &f->tensors[f->n_tensors], err);
            f->n_tensors++;
        }
    }
    uint64_t data_size = size - 8 - (rc == 0 ? n : 0);
    if (rc == 0)
        rc = check_layout(f->tensors, f->n_tensors, data_size, err);
    for (size_t i = 0; rc == 0 && i < f->n_tensors; i++)
        f->tensors[i].data = bytes + 8 + n + f->tensors[i].begin;
    if (rc < 0)
        clmlp_st_free(f);
    return rc;
}

int clmlp_st_load(const char *path, size_t max_bytes, clmlp_st_file *f, clmlp_err *err)
{
    memset(f, 0, sizeof *f);
    FILE *in = fopen(path, "rb");
    struct stat st;
    if (!in)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "cannot read '%s': %s", path, strerror(errno));
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(in);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' is not a regular file", path);
    }
    if ((uint64_t)st.st_size > max_bytes) {
        fclose(in);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' is %lld bytes, over the %zu MiB this reader takes", path,
                          (long long)st.st_size, max_bytes >> 20);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes) {
        fclose(in);
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading '%s' (%zu bytes)", path, size);
    }
    size_t got = fread(bytes, 1, size, in);
    bool bad = ferror(in) != 0 || fgetc(in) != EOF;
    fclose(in);
    if (got != size || bad) {
        free(bytes);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' changed size while it was read", path);
    }
    if (clmlp_st_parse(bytes, size, f, err) < 0)
        return clmlp_fail_prefix(err, "'%s': ", path);
    return 0;
}

const clmlp_st_tensor *clmlp_st_find(const clmlp_st_file *f, const char *name)
{
    for (size_t i = 0; i < f->n_tensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

const char *clmlp_st_meta(const clmlp_st_file *f, const char *key)
{
    const clmlp_jv *v = f->metadata ? clmlp_jv_get(f->metadata, key) : NULL;
    return v && v->kind == CLMLP_JV_STRING ? v->string : NULL;
}
