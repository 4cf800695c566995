/* A minimal streaming JSON writer (pretty-printed, keys in call order), so
 * every JSON file clmlp writes is valid by construction. */
#ifndef CLMLP_JSON_H
#define CLMLP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLMLP_JSON_MAX_DEPTH 32

typedef struct clmlp_json {
    FILE *out;
    int depth;
    bool has_items[CLMLP_JSON_MAX_DEPTH];
} clmlp_json;

void clmlp_json_init(clmlp_json *j, FILE *out);
/* key is NULL inside arrays and at the top level. */
void clmlp_json_begin_object(clmlp_json *j, const char *key);
void clmlp_json_end_object(clmlp_json *j);
void clmlp_json_begin_array(clmlp_json *j, const char *key);
void clmlp_json_end_array(clmlp_json *j);
void clmlp_json_string(clmlp_json *j, const char *key, const char *value);
void clmlp_json_number(clmlp_json *j, const char *key, double value); /* non-finite -> null */
void clmlp_json_int(clmlp_json *j, const char *key, int64_t value);
void clmlp_json_bool(clmlp_json *j, const char *key, bool value);
void clmlp_json_null(clmlp_json *j, const char *key);
/* Writes s as a JSON string literal (with quotes). */
void clmlp_json_write_escaped(FILE *out, const char *s);

#endif
