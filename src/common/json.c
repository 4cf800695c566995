#include "clmlp/json.h"

#include <math.h>

void clmlp_json_init(clmlp_json *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->has_items[0] = false;
}

void clmlp_json_write_escaped(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* Comma, newline and indentation before an item, then "key": when given. */
static void item(clmlp_json *j, const char *key)
{
    if (j->depth > 0) {
        fputs(j->has_items[j->depth] ? ",\n" : "\n", j->out);
        for (int i = 0; i < j->depth; i++)
            fputs("  ", j->out);
    }
    j->has_items[j->depth] = true;
    if (key) {
        clmlp_json_write_escaped(j->out, key);
        fputs(": ", j->out);
    }
}

static void open_scope(clmlp_json *j, const char *key, char c)
{
    item(j, key);
    fputc(c, j->out);
    if (j->depth + 1 < CLMLP_JSON_MAX_DEPTH)
        j->depth++;
    j->has_items[j->depth] = false;
}

static void close_scope(clmlp_json *j, char c)
{
    bool had = j->has_items[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had) {
        fputc('\n', j->out);
        for (int i = 0; i < j->depth; i++)
            fputs("  ", j->out);
    }
    fputc(c, j->out);
    if (j->depth == 0)
        fputc('\n', j->out);
}

void clmlp_json_begin_object(clmlp_json *j, const char *key) { open_scope(j, key, '{'); }
void clmlp_json_end_object(clmlp_json *j) { close_scope(j, '}'); }
void clmlp_json_begin_array(clmlp_json *j, const char *key) { open_scope(j, key, '['); }
void clmlp_json_end_array(clmlp_json *j) { close_scope(j, ']'); }

void clmlp_json_string(clmlp_json *j, const char *key, const char *value)
{
    item(j, key);
    clmlp_json_write_escaped(j->out, value ? value : "");
}

void clmlp_json_number(clmlp_json *j, const char *key, double value)
{
    item(j, key);
    if (isfinite(value))
        fprintf(j->out, "%.12g", value);
    else
        fputs("null", j->out);
}

void clmlp_json_int(clmlp_json *j, const char *key, int64_t value)
{
    item(j, key);
    fprintf(j->out, "%lld", (long long)value);
}

void clmlp_json_bool(clmlp_json *j, const char *key, bool value)
{
    item(j, key);
    fputs(value ? "true" : "false", j->out);
}

void clmlp_json_null(clmlp_json *j, const char *key)
{
    item(j, key);
    fputs("null", j->out);
}
