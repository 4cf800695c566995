/* The Kaggle digit-recognizer CSV: a header line, then one image per line,
 * `label,pixel0,...,pixel783` (train.csv) or `pixel0,...,pixel783` (test.csv).
 * The file is read whole (gzip or raw) and parsed in place with a
 * hand-written integer parser; errors name file:line and the field. */
#include "clmlp/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data_file.h"

#define CSV_SIDE 28
#define CSV_PIXELS (CSV_SIDE * CSV_SIDE)

typedef struct csv_ctx {
    const char *path;
    bool has_labels;
    int fields;    /* expected per line: 785 or 784 */
    long line_no;  /* 1-based, of the line being parsed */
    clmlp_err *err;
} csv_ctx;

/* Cuts the next line out of [*p, end) in place (NUL at its end, CR dropped). */
static char *next_line(char **p, char *end)
{
    if (*p >= end)
        return NULL;
    char *line = *p;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    char *stop = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    if (stop > line && stop[-1] == '\r')
        stop--;
    *stop = '\0';
    return line;
}

/* Quotes a field in a message, cut short if long. */
static void quote_field(const char *start, char *out, size_t cap)
{
    size_t n = strcspn(start, ",");
    if (n > 40) {
        snprintf(out, cap, "%.40s...", start);
        return;
    }
    snprintf(out, cap, "%.*s", (int)n, start);
}

static int check_header(csv_ctx *c, char *line)
{
    const char *want = c->has_labels ? "label,pixel0,...,pixel783" : "pixel0,...,pixel783";
    /* A UTF-8 byte order mark, as spreadsheet programs write it. */
    if ((unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF)
        line += 3;
    if ((line[0] >= '0' && line[0] <= '9') || line[0] == '\0')
        return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:1: missing header line, expected '%s'", c->path, want);
    int field = 0;
    char expect[32];
    for (char *p = line;; field++) {
        size_t n = strcspn(p, ",");
        if (field == 0 && c->has_labels)
            snprintf(expect, sizeof expect, "label");
        else
            snprintf(expect, sizeof expect, "pixel%d", field - (c->has_labels ? 1 : 0));
        if (field < c->fields && (strlen(expect) != n || strncmp(p, expect, n) != 0)) {
            char got[64];
            quote_field(p, got, sizeof got);
            const char *hint = "";
            if (field == 0 && c->has_labels && strcmp(got, "pixel0") == 0)
                hint = " (this looks like test.csv, which has no labels)";
            else if (field == 0 && !c->has_labels && strcmp(got, "label") == 0)
                hint = " (this file has labels; read it with labels)";
            return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:1: header field %d is '%s', expected '%s'%s", c->path,
                              field + 1, got, expect, hint);
        }
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    if (field + 1 != c->fields)
        return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:1: header has %d fields, expected %d ('%s')", c->path,
                          field + 1, c->fields, want);
    return 0;
}

/* Parses one data line into pixels (784) and *label. */
static int parse_row(csv_ctx *c, char *line, uint8_t *pixels, uint8_t *label)
{
    char *p = line;
    for (int field = 0;; field++) {
        char *start = p;
        if (*p == '-' || *p == '+')
            p++;
        uint32_t value = 0;
        const char *digits = p;
        while ((unsigned)(*p - '0') < 10) {
            if (value < 100000) /* saturate: anything this big is out of range anyway */
                value = value * 10 + (uint32_t)(*p - '0');
            p++;
        }
        if (p == digits || (*p != ',' && *p != '\0')) {
            char text[64];
            quote_field(start, text, sizeof text);
            return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:%ld: field %d '%s' is not an integer", c->path, c->line_no,
                              field + 1, text);
        }
        if (field < c->fields) {
            bool negative = *start == '-' && value != 0;
            int pixel = field - (c->has_labels ? 1 : 0);
            if (negative || value > 255) {
                char text[64];
                quote_field(start, text, sizeof text);
                if (pixel < 0)
                    return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:%ld: label %s out of range [0, 255]", c->path,
                                      c->line_no, text);
                return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:%ld: pixel %d value %s out of range [0, 255]", c->path,
                                  c->line_no, pixel, text);
            }
            if (pixel < 0)
                *label = (uint8_t)value;
            else
                pixels[pixel] = (uint8_t)value;
        }
        if (*p == '\0') {
            if (field + 1 != c->fields)
                return clmlp_fail(c->err, CLMLP_EXIT_DATA, "%s:%ld: expected %d fields, got %d", c->path, c->line_no,
                                  c->fields, field + 1);
            return 0;
        }
        p++; /* the comma */
    }
}

int clmlp_csv_load(const char *path, bool has_labels, clmlp_dataset *ds, clmlp_err *err)
{
    data_file f = {0};
    char *text = NULL;
    size_t len = 0;
    uint8_t *pixels = NULL, *labels = NULL;
    int rc = -1;
    csv_ctx c = {.path = path, .has_labels = has_labels, .fields = CSV_PIXELS + (has_labels ? 1 : 0), .err = err};

    if (data_file_open(&f, path, err) < 0 || data_file_read_all(&f, &text, &len, err) < 0)
        goto done;
    char *p = text, *end = text + len;
    char *header = next_line(&p, end);
    if (!header) {
        clmlp_fail(err, CLMLP_EXIT_DATA, "%s: empty file, expected a header line '%s'", path,
                   has_labels ? "label,pixel0,...,pixel783" : "pixel0,...,pixel783");
        goto done;
    }
    c.line_no = 1;
    if (check_header(&c, header) < 0)
        goto done;

    /* A row needs at least 784 one-digit fields and their commas, which
     * bounds the row count by the file size, not by a count of newlines. */
    size_t max_rows = (size_t)(end - p) / (2 * CSV_PIXELS - 1) + 1;
    pixels = clmlp_calloc(max_rows, CSV_PIXELS, err);
    labels = has_labels ? clmlp_calloc(max_rows, 1, err) : NULL;
    if (!pixels || (has_labels && !labels))
        goto done;
    size_t rows = 0;
    for (char *line; (line = next_line(&p, end)) != NULL;) {
        c.line_no++;
        if (line[0] == '\0')
            continue; /* blank lines, e.g. after the last row */
        if (rows == max_rows) { /* unreachable while the bound above holds */
            clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s:%ld: more rows than the file size allows", path, c.line_no);
            goto done;
        }
        uint8_t dummy;
        if (parse_row(&c, line, pixels + rows * CSV_PIXELS, has_labels ? &labels[rows] : &dummy) < 0)
            goto done;
        rows++;
    }
    if (rows == 0) {
        clmlp_fail(err, CLMLP_EXIT_DATA, "%s: no data rows after the header", path);
        goto done;
    }
    /* Give back the over-estimate; a failed shrink just keeps the larger block. */
    uint8_t *shrunk = realloc(pixels, rows * CSV_PIXELS);
    if (shrunk)
        pixels = shrunk;
    ds->count = (int64_t)rows;
    ds->rows = CSV_SIDE;
    ds->cols = CSV_SIDE;
    ds->pixels = pixels;
    ds->labels = labels;
    pixels = labels = NULL;
    rc = 0;
done:
    data_file_close(&f);
    free(text);
    free(pixels);
    free(labels);
    if (rc < 0)
        memset(ds, 0, sizeof *ds);
    return rc;
}
