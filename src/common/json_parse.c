/* Recursive-descent JSON parser; see json_parse.h. Depth is bounded so a
 * hostile file cannot overflow the stack. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/json_parse.h"

enum { MAX_DEPTH = 64 };

typedef struct parser {
    const char *s, *end;
    const char *line_start;
    int line;
    clmlp_err *err;
} parser;

static int fail_at(parser *p, const char *msg)
{
    return clmlp_fail(p->err, CLMLP_EXIT_DATA, "%d:%d: %s", p->line, (int)(p->s - p->line_start) + 1, msg);
}

static void skip_ws(parser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) {
        if (*p->s == '\n') {
            p->line++;
            p->line_start = p->s + 1;
        }
        p->s++;
    }
}

static bool literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0)
        return false;
    p->s += n;
    return true;
}

static int hex4(parser *p, unsigned *out)
{
    if (p->end - p->s < 4)
        return fail_at(p, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *p->s++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail_at(p, "bad hex digit in \\u escape");
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* p->s is just after the opening quote. The unescaped text is never longer
 * than the escaped one, so one allocation of the raw length suffices. */
static int parse_string(parser *p, char **out)
{
    const char *q = p->s;
    while (q < p->end && *q != '"')
        q += *q == '\\' && q + 1 < p->end ? 2 : 1;
    if (q >= p->end)
        return fail_at(p, "unterminated string");
    char *buf = malloc((size_t)(q - p->s) + 1), *o = buf;
    if (!buf)
        return clmlp_fail(p->err, CLMLP_EXIT_INTERNAL, "out of memory reading JSON");
    while (*p->s != '"') {
        unsigned char c = (unsigned char)*p->s++;
        if (c < 0x20) {
            free(buf);
            return fail_at(p, "control character in string");
        }
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        char e = *p->s++;
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = strchr(from, e);
        if (e && hit) {
            *o++ = to[hit - from];
            continue;
        }
        unsigned cp;
        if (e != 'u' || hex4(p, &cp) < 0) {
            free(buf);
            return e == 'u' ? -1 : fail_at(p, "bad escape in string");
        }
        if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u') {
            unsigned lo;
            p->s += 2;
            if (hex4(p, &lo) < 0) {
                free(buf);
                return -1;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        o += put_utf8(o, cp);
    }
    p->s++; /* closing quote */
    *o = '\0';
    *out = buf;
    return 0;
}

static int parse_number(parser *p, clmlp_jv *v)
{
    const char *start = p->s;
    if (p->s < p->end && *p->s == '-')
        p->s++;
    if (p->s >= p->end || !(*p->s >= '0' && *p->s <= '9')) {
        p->s = start;
        return fail_at(p, "expected a value");
    }
    bool leading_zero = *p->s == '0' && p->s + 1 < p->end && p->s[1] >= '0' && p->s[1] <= '9';
    /* strchr finds the terminator too: a NUL byte is no part of a number. */
    while (p->s < p->end && *p->s && strchr("0123456789+-.eE", *p->s))
        p->s++;
    char buf[64];
    size_t n = (size_t)(p->s - start);
    p->s = start; /* errors point at the number's start */
    if (n >= sizeof buf)
        return fail_at(p, "number too long");
    memcpy(buf, start, n);
    buf[n] = '\0';
    char *endp;
    v->number = strtod(buf, &endp);
    if (leading_zero || *endp || !isfinite(v->number))
        return fail_at(p, "malformed number");
    p->s = start + n;
    v->kind = CLMLP_JV_NUMBER;
    return 0;
}

static int parse_value(parser *p, clmlp_jv *v, int depth);

/* Appends one slot to an array or object value. */
static clmlp_jv *append(parser *p, clmlp_jv *v, size_t *cap)
{
    if (v->count == *cap) {
        size_t n = *cap ? *cap * 2 : 8;
        clmlp_jv *items = realloc(v->items, n * sizeof *items);
        if (items)
            v->items = items;
        char **keys = v->kind == CLMLP_JV_OBJECT ? realloc(v->keys, n * sizeof *keys) : NULL;
        if (keys)
            v->keys = keys;
        if (!items || (v->kind == CLMLP_JV_OBJECT && !keys)) {
            clmlp_fail(p->err, CLMLP_EXIT_INTERNAL, "out of memory reading JSON");
            return NULL;
        }
        *cap = n;
    }
    clmlp_jv *slot = &v->items[v->count];
    memset(slot, 0, sizeof *slot);
    if (v->kind == CLMLP_JV_OBJECT)
        v->keys[v->count] = NULL;
    v->count++;
    return slot;
}

static int parse_container(parser *p, clmlp_jv *v, int depth, bool object)
{
    char close = object ? '}' : ']';
    v->kind = object ? CLMLP_JV_OBJECT : CLMLP_JV_ARRAY;
    size_t cap = 0;
    skip_ws(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        return 0;
    }
    for (;;) {
        skip_ws(p);
        clmlp_jv *slot = append(p, v, &cap);
        if (!slot)
            return -1;
        if (object) {
            if (p->s >= p->end || *p->s != '"')
                return fail_at(p, "expected a string key");
            p->s++;
            if (parse_string(p, &v->keys[v->count - 1]) < 0)
                return -1;
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':')
                return fail_at(p, "expected ':'");
            p->s++;
        }
        if (parse_value(p, slot, depth + 1) < 0)
            return -1;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == close) {
            p->s++;
            return 0;
        }
        return fail_at(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int parse_value(parser *p, clmlp_jv *v, int depth)
{
    if (depth > MAX_DEPTH)
        return fail_at(p, "nested too deeply");
    skip_ws(p);
    if (p->s >= p->end)
        return fail_at(p, "unexpected end of input");
    char c = *p->s;
    if (c == '{' || c == '[') {
        p->s++;
        return parse_container(p, v, depth, c == '{');
    }
    if (c == '"') {
        p->s++;
        v->kind = CLMLP_JV_STRING;
        return parse_string(p, &v->string);
    }
    if (literal(p, "true") || literal(p, "false")) {
        v->kind = CLMLP_JV_BOOL;
        v->boolean = c == 't';
        return 0;
    }
    if (literal(p, "null")) {
        v->kind = CLMLP_JV_NULL;
        return 0;
    }
    return parse_number(p, v);
}

static void free_children(clmlp_jv *v)
{
    for (size_t i = 0; i < v->count; i++) {
        free_children(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

void clmlp_jv_free(clmlp_jv *v)
{
    if (!v)
        return;
    free_children(v);
    free(v);
}

int clmlp_json_parse(const char *text, size_t len, clmlp_jv **out, clmlp_err *err)
{
    *out = NULL;
    clmlp_jv *root = clmlp_calloc(1, sizeof *root, err);
    if (!root)
        return -1;
    parser p = {.s = text, .end = text + len, .line_start = text, .line = 1, .err = err};
    int rc = parse_value(&p, root, 0);
    if (rc == 0) {
        skip_ws(&p);
        if (p.s != p.end)
            rc = fail_at(&p, "unexpected text after the JSON value");
    }
    if (rc < 0) {
        clmlp_jv_free(root);
        return -1;
    }
    *out = root;
    return 0;
}

const clmlp_jv *clmlp_jv_get(const clmlp_jv *v, const char *key)
{
    if (!v || v->kind != CLMLP_JV_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (v->keys[i] && strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const clmlp_jv *clmlp_jv_path(const clmlp_jv *v, const char *path)
{
    char key[128];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        v = clmlp_jv_get(v, key);
        path += n + (path[n] == '.');
    }
    return v;
}

double clmlp_jv_number(const clmlp_jv *v, double fallback)
{
    return v && v->kind == CLMLP_JV_NUMBER ? v->number : fallback;
}

const char *clmlp_jv_string(const clmlp_jv *v, const char *fallback)
{
    return v && v->kind == CLMLP_JV_STRING ? v->string : fallback;
}
