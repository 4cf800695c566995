/* A small strict JSON parser (RFC 8259) into a tree, for reading clmlp's
 * own files back: `clmlp report RUN_DIR` renders report.md from
 * report.json, and tests check trace.json and report.json by parsing them.
 * Errors name the line and column: "3:17: expected ',' or '}'". */
#ifndef CLMLP_JSON_PARSE_H
#define CLMLP_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "clmlp/common.h"

typedef enum { CLMLP_JV_NULL, CLMLP_JV_BOOL, CLMLP_JV_NUMBER, CLMLP_JV_STRING, CLMLP_JV_ARRAY, CLMLP_JV_OBJECT } clmlp_jv_kind;

typedef struct clmlp_jv {
    clmlp_jv_kind kind;
    bool boolean;
    double number;
    char *string;          /* STRING (UTF-8, unescaped) */
    struct clmlp_jv *items; /* ARRAY elements, OBJECT values */
    char **keys;           /* OBJECT keys, parallel to items */
    size_t count;
} clmlp_jv;

/* Parses the whole text (trailing whitespace only). On error: -1 with
 * CLMLP_EXIT_DATA and "line:col: message". *out is malloc'ed. */
int clmlp_json_parse(const char *text, size_t len, clmlp_jv **out, clmlp_err *err);
void clmlp_jv_free(clmlp_jv *v);

/* Member of an object, or NULL (also when v is not an object). */
const clmlp_jv *clmlp_jv_get(const clmlp_jv *v, const char *key);
/* Dotted path of object members: "train.seconds". */
const clmlp_jv *clmlp_jv_path(const clmlp_jv *v, const char *path);
/* Typed reads with a fallback for missing or mistyped values. */
double clmlp_jv_number(const clmlp_jv *v, double fallback);
const char *clmlp_jv_string(const clmlp_jv *v, const char *fallback);

#endif
