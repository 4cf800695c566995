/* Text <-> field conversion for one schema key: parsing and range-checking a
 * scalar, and formatting a field back as YAML. Knows nothing about YAML
 * documents or where the text came from; callers add the key and location. */
#include "config/config_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void *field(void *target, const cfg_key *key) { return (char *)target + key->offset; }
static const void *cfield(const void *target, const cfg_key *key) { return (const char *)target + key->offset; }

/* "'abc'" or "an empty value", for "expected ..., got ..." */
static const char *got(const char *text, char *buf, size_t cap)
{
    if (!text[0])
        return "an empty value";
    snprintf(buf, cap, "'%s'", text);
    return buf;
}

/* YAML's null spellings; a plain null for a string key means "". */
static bool is_null(const char *text, bool plain)
{
    return plain && (!text[0] || strcmp(text, "~") == 0 || strcmp(text, "null") == 0 || strcmp(text, "Null") == 0 ||
                     strcmp(text, "NULL") == 0);
}

/* Decimal integer, surrounding blanks allowed. Returns 0, -1 (not an
 * integer) or -2 (does not fit in 64 bits). */
static int parse_ll(const char *text, long long *out)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    const char *digits = p + (*p == '+' || *p == '-');
    if (!isdigit((unsigned char)*digits))
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    bool overflow = errno == ERANGE;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return -1;
    if (overflow)
        return -2;
    *out = v;
    return 0;
}

static void format_bounds(const cfg_key *key, char *buf, size_t cap)
{
    if (!(key->bounds & CFG_HAS_MAX))
        snprintf(buf, cap, "(must be %s %.15g)", key->bounds & CFG_MIN_OPEN ? ">" : ">=", key->min);
    else
        snprintf(buf, cap, "%c%.15g, %.15g%c", key->bounds & CFG_MIN_OPEN ? '(' : '[', key->min, key->max,
                 key->bounds & CFG_MAX_OPEN ? ')' : ']');
}

static bool in_range(const cfg_key *key, double v)
{
    if (key->bounds & CFG_HAS_MIN && (key->bounds & CFG_MIN_OPEN ? v <= key->min : v < key->min))
        return false;
    if (key->bounds & CFG_HAS_MAX && (key->bounds & CFG_MAX_OPEN ? v >= key->max : v > key->max))
        return false;
    return true;
}

static int out_of_range(const cfg_key *key, const char *text, char *why, size_t cap)
{
    char bounds[96];
    format_bounds(key, bounds, sizeof bounds);
    snprintf(why, cap, "%s is out of range %s", text, bounds);
    return -1;
}

/* An integer in [min, max] (limits of the key, or of 64 bits). */
static int parse_int(const cfg_key *key, const char *text, long long *out, char *why, size_t cap)
{
    char buf[300];
    int rc = parse_ll(text, out);
    if (rc == -1) {
        snprintf(why, cap, "expected an integer, got %s", got(text, buf, sizeof buf));
        return -1;
    }
    if (rc == -2 || !in_range(key, (double)*out))
        return out_of_range(key, text, why, cap);
    return 0;
}

const char *cfg_expectation(const cfg_key *key, char *buf, size_t cap)
{
    switch (key->type) {
    case CFG_STRING:
        return "a string";
    case CFG_PATH:
        return "a path";
    case CFG_BOOL:
        return "a boolean (true/false, yes/no, on/off)";
    case CFG_INT:
    case CFG_INT64:
        return "an integer";
    case CFG_UINT64:
        return "a non-negative integer";
    case CFG_FLOAT:
        return "a number";
    case CFG_INT_LIST:
        return "a list of integers such as [400, 400, 500]";
    case CFG_ENUM: {
        size_t n = snprintf(buf, cap, "one of ");
        for (size_t i = 0; key->names[i] && n < cap; i++)
            n += snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", key->names[i]);
        return buf;
    }
    }
    return "a value";
}

int cfg_parse_list_item(const cfg_key *key, const char *text, int *out, char *why, size_t cap)
{
    long long v;
    if (parse_int(key, text, &v, why, cap) < 0)
        return -1;
    *out = (int)v; /* list bounds are within int */
    return 0;
}

int cfg_set_list(void *target, const cfg_key *key, const int *values, int n, char *why, size_t cap)
{
    size_t capacity = key->size / sizeof(int);
    if (n < 0 || (size_t)n > capacity) {
        snprintf(why, cap, "at most %zu entries, got %d", capacity, n);
        return -1;
    }
    int *dst = field(target, key);
    memset(dst, 0, key->size);
    memcpy(dst, values, (size_t)n * sizeof(int));
    *(int *)((char *)target + key->count_offset) = n;
    return 0;
}

/* Length of the UTF-8 sequence at s (1..4), 0 when it is not one. */
static int utf8_length(const unsigned char *s)
{
    int n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 2 && s[0] < 0xc2)
        return 0; /* overlong */
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* The code point of a valid sequence of n bytes. */
static unsigned utf8_code(const unsigned char *s, int n)
{
    static const unsigned lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    unsigned c = s[0] & lead_mask[n];
    for (int i = 1; i < n; i++)
        c = c << 6 | (s[i] & 0x3f);
    return c;
}

static bool valid_utf8(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        int n = utf8_length(p);
        if (!n)
            return false;
        p += n;
    }
    return true;
}

static int set_string(const cfg_key *key, char *dst, const char *text, char *why, size_t cap)
{
    /* YAML text is UTF-8: anything else could not be written back. */
    if (!valid_utf8(text)) {
        snprintf(why, cap, "is not valid UTF-8 text");
        return -1;
    }
    if (strlen(text) >= key->size) {
        snprintf(why, cap, "is too long (at most %zu characters)", key->size - 1);
        return -1;
    }
    /* Clear the tail so equal configs are equal byte for byte too. */
    memset(dst, 0, key->size);
    memcpy(dst, text, strlen(text));
    return 0;
}

static int set_enum(const cfg_key *key, int *dst, const char *text, char *why, size_t cap)
{
    size_t n = 0;
    for (; key->names[n]; n++)
        if (strcmp(key->names[n], text) == 0) {
            *dst = (int)n;
            return 0;
        }
    char list[256];
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", key->names[i]);
    const char *close = cfg_closest(text, key->names, n);
    if (close)
        snprintf(why, cap, "'%s' is not one of %s (did you mean '%s'?)", text, list, close);
    else
        snprintf(why, cap, "'%s' is not one of %s", text, list);
    return -1;
}

static int set_bool(bool *dst, const char *text, char *why, size_t cap)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *dst = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *dst = false;
            return 0;
        }
    }
    char buf[300];
    snprintf(why, cap, "expected a boolean (true/false, yes/no, on/off), got %s", got(text, buf, sizeof buf));
    return -1;
}

static int set_float(const cfg_key *key, double *dst, const char *text, char *why, size_t cap)
{
    char buf[300];
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (!text[0] || end == text || *end || !isfinite(v)) {
        snprintf(why, cap, "expected a number, got %s", got(text, buf, sizeof buf));
        return -1;
    }
    if (!in_range(key, v))
        return out_of_range(key, text, why, cap);
    *dst = v;
    return 0;
}

static int set_uint64(const cfg_key *key, uint64_t *dst, const char *text, char *why, size_t cap)
{
    char buf[300];
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    char *end = NULL;
    errno = 0;
    unsigned long long v = isdigit((unsigned char)*p) ? strtoull(p, &end, 10) : 0;
    if (end)
        while (isspace((unsigned char)*end))
            end++;
    if (!end || *end) {
        snprintf(why, cap, "expected a non-negative integer, got %s", got(text, buf, sizeof buf));
        return -1;
    }
    if (errno == ERANGE) {
        snprintf(why, cap, "%s is out of range [0, %llu]", text, (unsigned long long)UINT64_MAX);
        return -1;
    }
    *dst = v;
    return 0;
}

int cfg_set_scalar(void *target, const cfg_key *key, const char *text, bool plain, const char *rel_base,
                   char *why, size_t cap)
{
    void *dst = field(target, key);
    long long v;
    switch (key->type) {
    case CFG_STRING:
        return set_string(key, dst, is_null(text, plain) ? "" : text, why, cap);
    case CFG_PATH: {
        char resolved[CLMLP_PATH_MAX * 2];
        if (is_null(text, plain))
            text = "";
        /* "~/x" as a shell would read it; a config dir is no place to look for "~". */
        const char *home = getenv("HOME");
        if (text[0] == '~' && text[1] == '/' && home && home[0]) {
            rel_base = home;
            text = text[2] ? text + 2 : ".";
        }
        if (cfg_resolve_path(rel_base, text, resolved, sizeof resolved) < 0) {
            snprintf(why, cap, "is too long (at most %zu characters)", key->size - 1);
            return -1;
        }
        return set_string(key, dst, resolved, why, cap);
    }
    case CFG_BOOL:
        return set_bool(dst, text, why, cap);
    case CFG_INT:
        if (parse_int(key, text, &v, why, cap) < 0)
            return -1;
        *(int *)dst = (int)v; /* every CFG_INT key has bounds inside int */
        return 0;
    case CFG_INT64:
        if (parse_int(key, text, &v, why, cap) < 0)
            return -1;
        *(int64_t *)dst = v;
        return 0;
    case CFG_UINT64:
        return set_uint64(key, dst, text, why, cap);
    case CFG_FLOAT:
        return set_float(key, dst, text, why, cap);
    case CFG_ENUM:
        return set_enum(key, dst, text, why, cap);
    case CFG_INT_LIST:
        break;
    }
    char buf[300], expect[256];
    snprintf(why, cap, "expected %s, got %s", cfg_expectation(key, expect, sizeof expect), got(text, buf, sizeof buf));
    return -1;
}

/* Words other YAML readers would take for a bool, null or number: quote them
 * so the written file means the same everywhere. */
static bool needs_quotes(const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
    /* '-' starts a list item, '%' a directive, '@' and '`' are reserved: none may start a plain scalar */
    if (!s[0] || strchr("-%@` ", s[0]) || s[strlen(s) - 1] == ' ')
        return true;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(words); i++)
        if (strcasecmp(s, words[i]) == 0)
            return true;
    char *end;
    strtod(s, &end);
    if (*end == '\0')
        return true;
    /* Non-ASCII text is quoted too, so line breaks beyond ASCII (U+0085,
     * U+2028, U+2029) and C1 controls can be escaped. */
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-./+@%", *p))
            return true;
    return false;
}

/* A YAML double-quoted escape for code point c, or NULL when c may stand as
 * it is: controls (C0, DEL, C1), the line and paragraph separators YAML
 * would fold, the byte-order mark a reader would drop, and the
 * non-characters U+FFFE and U+FFFF, which a YAML reader refuses as text
 * (libyaml: "control characters are not allowed") but takes escaped. */
static const char *escape_of(unsigned c, char *buf, size_t cap)
{
    if (c == 0x2028)
        return "\\L";
    if (c == 0x2029)
        return "\\P";
    if (c == 0xfeff || c == 0xfffe || c == 0xffff) {
        snprintf(buf, cap, "\\u%04X", c);
        return buf;
    }
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        snprintf(buf, cap, "\\x%02x", c);
        return buf;
    }
    return NULL;
}

static void format_string(const char *s, char *buf, size_t cap)
{
    if (!needs_quotes(s)) {
        snprintf(buf, cap, "%s", s);
        return;
    }
    size_t n = 0;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 8 < cap;) {
        int len = utf8_length(p);
        if (!len) /* not UTF-8 (set_string refuses it): drop the byte rather than write bad YAML */
            len = 1;
        char esc[16];
        const char *e = len > 1 || *p < 0x80 ? escape_of(len > 1 ? utf8_code(p, len) : *p, esc, sizeof esc) : "";
        if (*p == '"' || *p == '\\')
            n += (size_t)snprintf(buf + n, cap - n, "\\%c", *p);
        else if (e)
            n += (size_t)snprintf(buf + n, cap - n, "%s", e);
        else
            for (int i = 0; i < len; i++)
                buf[n++] = (char)p[i];
        p += len;
    }
    snprintf(buf + n, cap - n, "\"");
}

/* The shortest text that reads back as the same double, always with a '.'
 * or an exponent so it looks like a number with a fraction. */
static void format_double(double v, char *out, size_t cap)
{
    char buf[48];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf - 2, "%.*g", prec, v); /* room left for ".0" */
        if (strtod(buf, NULL) == v)
            break;
    }
    char *e = strchr(buf, 'e');
    if (e) {
        /* 1e-08 -> 1e-8 */
        char *digits = e + 1 + (e[1] == '-' || e[1] == '+');
        char *first = digits;
        while (*first == '0' && first[1])
            first++;
        memmove(digits, first, strlen(first) + 1);
        if (e[1] == '+')
            memmove(e + 1, e + 2, strlen(e + 2) + 1);
    } else if (!strchr(buf, '.')) {
        strcat(buf, ".0");
    }
    snprintf(out, cap, "%s", buf);
}

void cfg_format_value(const void *target, const cfg_key *key, char *buf, size_t cap)
{
    const void *src = cfield(target, key);
    switch (key->type) {
    case CFG_STRING:
    case CFG_PATH:
        format_string(src, buf, cap);
        return;
    case CFG_BOOL:
        snprintf(buf, cap, "%s", *(const bool *)src ? "true" : "false");
        return;
    case CFG_INT:
        snprintf(buf, cap, "%d", *(const int *)src);
        return;
    case CFG_INT64:
        snprintf(buf, cap, "%lld", (long long)*(const int64_t *)src);
        return;
    case CFG_UINT64:
        snprintf(buf, cap, "%llu", (unsigned long long)*(const uint64_t *)src);
        return;
    case CFG_FLOAT:
        format_double(*(const double *)src, buf, cap);
        return;
    case CFG_ENUM: {
        int v = *(const int *)src, n = 0;
        while (key->names[n])
            n++;
        snprintf(buf, cap, "%s", v >= 0 && v < n ? key->names[v] : "?");
        return;
    }
    case CFG_INT_LIST: {
        const int *values = src;
        int count = *(const int *)((const char *)target + key->count_offset);
        size_t n = snprintf(buf, cap, "[");
        for (int i = 0; i < count && n < cap; i++)
            n += snprintf(buf + n, cap - n, "%s%d", i ? ", " : "", values[i]);
        if (n < cap)
            snprintf(buf + n, cap - n, "]");
        return;
    }
    }
}

bool cfg_key_equal(const void *a, const void *b, const cfg_key *key)
{
    const void *x = cfield(a, key), *y = cfield(b, key);
    switch (key->type) {
    case CFG_STRING:
    case CFG_PATH:
        return strcmp(x, y) == 0;
    case CFG_BOOL:
        return *(const bool *)x == *(const bool *)y;
    case CFG_INT:
    case CFG_ENUM:
        return *(const int *)x == *(const int *)y;
    case CFG_INT64:
        return *(const int64_t *)x == *(const int64_t *)y;
    case CFG_UINT64:
        return *(const uint64_t *)x == *(const uint64_t *)y;
    case CFG_FLOAT:
        return *(const double *)x == *(const double *)y;
    case CFG_INT_LIST: {
        int na = *(const int *)((const char *)a + key->count_offset);
        int nb = *(const int *)((const char *)b + key->count_offset);
        return na == nb && memcmp(x, y, (size_t)na * sizeof(int)) == 0;
    }
    }
    return false;
}
