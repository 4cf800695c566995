/* The data stage: IDX (raw and gzip) and Kaggle CSV readers on small files
 * made here, every error message they promise, limits, preprocessing, the
 * real MNIST files, and tools/fetch-data. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <zlib.h>

#include "clmlp/data.h"
#include "harness.h"

/* ---- helpers ------------------------------------------------------------ */

enum { N = 3, ROWS = 4, COLS = 5, IMG_BYTES = 16 + N * ROWS * COLS, LAB_BYTES = 8 + N };

static uint8_t pixel_at(int image, int k) { return (uint8_t)(image * 31 + k * 7); }

static void put_be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

/* An IDX images file of N images of ROWS x COLS (buf holds IMG_BYTES). */
static void make_images(uint8_t *buf)
{
    put_be32(buf, 0x803);
    put_be32(buf + 4, N);
    put_be32(buf + 8, ROWS);
    put_be32(buf + 12, COLS);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < ROWS * COLS; k++)
            buf[16 + i * ROWS * COLS + k] = pixel_at(i, k);
}

/* An IDX labels file of `count` labels 7, 8, 9, ... (buf holds 8 + count). */
static void make_labels(uint8_t *buf, uint32_t count)
{
    put_be32(buf, 0x801);
    put_be32(buf + 4, count);
    for (uint32_t i = 0; i < count; i++)
        buf[8 + i] = (uint8_t)(7 + i);
}

/* Writes data gzip-compressed to <tmpdir>/<name>. */
static const char *write_gz(const char *name, const void *data, size_t len)
{
    static char paths[4][700];
    static int slot;
    char *path = paths[slot++ % 4];
    snprintf(path, 700, "%s/%s", test_tmpdir(), name);
    gzFile gz = gzopen(path, "wb");
    if (!gz || gzwrite(gz, data, (unsigned)len) != (int)len)
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
    if (gz)
        gzclose(gz);
    return path;
}

/* Loads an IDX pair that must fail; returns the message (static). */
static const char *idx_error(const char *images, const char *labels)
{
    static clmlp_err err;
    memset(&err, 0, sizeof err);
    clmlp_dataset ds = {0};
    int rc = clmlp_idx_load(images, labels, &ds, &err);
    CHECK_INT(rc, -1);
    CHECK_INT(err.code, CLMLP_EXIT_DATA);
    CHECK(ds.pixels == NULL && ds.labels == NULL && ds.count == 0);
    CHECK(strchr(err.msg, '\n') == NULL);
    clmlp_dataset_free(&ds);
    return err.msg;
}

static void check_round_trip(const clmlp_dataset *ds, bool with_labels)
{
    CHECK_INT(ds->count, N);
    CHECK_INT(ds->rows, ROWS);
    CHECK_INT(ds->cols, COLS);
    CHECK_INT(clmlp_dataset_features(ds), ROWS * COLS);
    int bad = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < ROWS * COLS; k++)
            bad += ds->pixels[i * ROWS * COLS + k] != pixel_at(i, k);
    CHECK_INT(bad, 0);
    if (with_labels) {
        CHECK(ds->labels != NULL);
        for (int i = 0; ds->labels && i < N; i++)
            CHECK_INT(ds->labels[i], 7 + i);
    } else {
        CHECK(ds->labels == NULL);
    }
}

/* ---- IDX: good files ------------------------------------------------------ */

static void idx_raw_round_trip(void)
{
    uint8_t img[IMG_BYTES], lab[LAB_BYTES];
    make_images(img);
    make_labels(lab, N);
    const char *ip = test_write_file("images.idx", img, sizeof img);
    const char *lp = test_write_file("labels.idx", lab, sizeof lab);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    CHECK_INT(clmlp_idx_load(ip, lp, &ds, &err), 0);
    check_round_trip(&ds, true);
    clmlp_dataset_free(&ds);

    CHECK_INT(clmlp_idx_load(ip, NULL, &ds, &err), 0);
    check_round_trip(&ds, false);
    clmlp_dataset_free(&ds);
}

static void idx_gzip_round_trip(void)
{
    uint8_t img[IMG_BYTES], lab[LAB_BYTES];
    make_images(img);
    make_labels(lab, N);
    const char *ip = write_gz("images.idx.gz", img, sizeof img);
    const char *lp = write_gz("labels.idx.gz", lab, sizeof lab);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    CHECK_INT(clmlp_idx_load(ip, lp, &ds, &err), 0);
    check_round_trip(&ds, true);
    clmlp_dataset_free(&ds);

    /* Mixed: gzip images, raw labels. */
    const char *raw_lp = test_write_file("labels.idx", lab, sizeof lab);
    CHECK_INT(clmlp_idx_load(ip, raw_lp, &ds, &err), 0);
    check_round_trip(&ds, true);
    clmlp_dataset_free(&ds);
}

/* ---- IDX: broken files ---------------------------------------------------- */

static void idx_truncated_images(void)
{
    uint8_t img[IMG_BYTES];
    make_images(img);
    char want[1200];

    const char *raw = test_write_file("cut.idx", img, 50);
    snprintf(want, sizeof want, "%s: truncated at byte 50, expected 76 bytes (3 images of 4x5)", raw);
    CHECK_STR(idx_error(raw, NULL), want);

    /* A well-formed gzip stream with too little data inside. */
    const char *gz = write_gz("cut.idx.gz", img, 50);
    snprintf(want, sizeof want, "%s: truncated at byte 50, expected 76 bytes (3 images of 4x5)", gz);
    CHECK_STR(idx_error(gz, NULL), want);

    /* The header itself cut short, and an empty file. */
    const char *hdr = test_write_file("hdr.idx", img, 10);
    snprintf(want, sizeof want, "%s: truncated at byte 10, expected a 16-byte header (IDX images, 3 dims)", hdr);
    CHECK_STR(idx_error(hdr, NULL), want);
    const char *empty = test_write_file("empty.idx", img, 0);
    snprintf(want, sizeof want, "%s: empty file, expected IDX images, 3 dims", empty);
    CHECK_STR(idx_error(empty, NULL), want);
}

static void idx_truncated_gzip_stream(void)
{
    /* Enough incompressible data that cutting the .gz in half cuts the payload. */
    enum { COUNT = 200, SIDE = 28 };
    size_t len = 16 + (size_t)COUNT * SIDE * SIDE;
    uint8_t *img = malloc(len);
    put_be32(img, 0x803);
    put_be32(img + 4, COUNT);
    put_be32(img + 8, SIDE);
    put_be32(img + 12, SIDE);
    uint32_t x = 12345;
    for (size_t i = 16; i < len; i++) {
        x = x * 1103515245u + 12345u;
        img[i] = (uint8_t)(x >> 24);
    }
    const char *gz = write_gz("big.idx.gz", img, len);
    size_t gz_len = 0;
    uint8_t *packed = (uint8_t *)test_read_file(gz, &gz_len);
    CHECK(packed && gz_len > 1000);
    if (!packed) {
        free(img);
        return;
    }
    const char *cut = test_write_file("big-cut.idx.gz", packed, gz_len / 2);
    const char *msg = idx_error(cut, NULL);
    CHECK_CONTAINS(msg, cut);
    CHECK_CONTAINS(msg, ": truncated at byte ");
    CHECK_CONTAINS(msg, "expected 156816 bytes (200 images of 28x28) (gzip stream cut short)");

    /* All the data there, only the 8-byte gzip trailer missing. */
    const char *no_trailer = test_write_file("no-trailer.idx.gz", packed, gz_len - 8);
    CHECK_CONTAINS(idx_error(no_trailer, NULL), "gzip stream cut short after byte 156816");
    free(packed);
    free(img);
}

static void idx_bad_magic(void)
{
    uint8_t img[IMG_BYTES], lab[LAB_BYTES];
    make_images(img);
    make_labels(lab, N);
    const char *ip = test_write_file("images.idx", img, sizeof img);
    const char *lp = test_write_file("labels.idx", lab, sizeof lab);
    char want[1200];

    /* Images and labels swapped. */
    snprintf(want, sizeof want,
             "%s: bad magic 0x00000801 at byte 0, expected 0x00000803 (IDX images, 3 dims); this is a labels file", lp);
    CHECK_STR(idx_error(lp, ip), want);

    /* Something else entirely (a CSV file, say). */
    const char *csv = test_write_file("x.idx", "label,pixel0\n", 13);
    snprintf(want, sizeof want, "%s: bad magic 0x6c616265 at byte 0, expected 0x00000803 (IDX images, 3 dims)", csv);
    CHECK_STR(idx_error(csv, NULL), want);
    snprintf(want, sizeof want, "%s: bad magic 0x6c616265 at byte 0, expected 0x00000801 (IDX labels, 1 dim)", csv);
    CHECK_STR(idx_error(ip, csv), want);
}

static void idx_count_mismatch(void)
{
    uint8_t img[IMG_BYTES], lab[8 + N - 1];
    make_images(img);
    make_labels(lab, N - 1);
    const char *ip = test_write_file("images.idx", img, sizeof img);
    const char *lp = test_write_file("labels.idx", lab, sizeof lab);
    char want[1600];
    snprintf(want, sizeof want, "%s: 2 labels but %s has 3 images", lp, ip);
    CHECK_STR(idx_error(ip, lp), want);
}

static void idx_bad_dims(void)
{
    uint8_t img[IMG_BYTES];
    char want[1200];

    make_images(img);
    put_be32(img + 4, 0);
    const char *p = test_write_file("zero.idx", img, sizeof img);
    snprintf(want, sizeof want, "%s: image count 0 at byte 4, expected at least 1", p);
    CHECK_STR(idx_error(p, NULL), want);

    make_images(img);
    put_be32(img + 8, 0);
    p = test_write_file("rows.idx", img, sizeof img);
    snprintf(want, sizeof want, "%s: rows 0 at byte 8 out of range [1, 4096]", p);
    CHECK_STR(idx_error(p, NULL), want);

    make_images(img);
    put_be32(img + 12, 5000);
    p = test_write_file("cols.idx", img, sizeof img);
    snprintf(want, sizeof want, "%s: cols 5000 at byte 12 out of range [1, 4096]", p);
    CHECK_STR(idx_error(p, NULL), want);

    /* A header promising ~64 PiB is refused before any allocation. */
    make_images(img);
    put_be32(img + 4, 0xFFFFFFFFu);
    put_be32(img + 8, 4096);
    put_be32(img + 12, 4096);
    p = test_write_file("huge.idx", img, sizeof img);
    CHECK_CONTAINS(idx_error(p, NULL), "4294967295 images of 4096x4096 (72057594021150720 bytes), over the 32 GiB limit");

    /* A header promising 4 GB in a 76-byte file: "truncated", quickly. */
    make_images(img);
    put_be32(img + 4, 1000000);
    put_be32(img + 8, 64);
    put_be32(img + 12, 64);
    p = test_write_file("liar.idx", img, sizeof img);
    snprintf(want, sizeof want, "%s: truncated at byte 76, expected 4096000016 bytes (1000000 images of 64x64)", p);
    CHECK_STR(idx_error(p, NULL), want);
}

static void idx_trailing_garbage(void)
{
    uint8_t img[IMG_BYTES + 1], lab[LAB_BYTES + 2];
    make_images(img);
    make_labels(lab, N);
    img[IMG_BYTES] = 0xAA;
    lab[LAB_BYTES] = lab[LAB_BYTES + 1] = 0;
    const char *ip = test_write_file("images.idx", img, IMG_BYTES);
    char want[1200];

    const char *extra = test_write_file("extra.idx", img, IMG_BYTES + 1);
    snprintf(want, sizeof want, "%s: trailing data at byte 76, expected exactly 76 bytes (3 images of 4x5)", extra);
    CHECK_STR(idx_error(extra, NULL), want);

    const char *extra_gz = write_gz("extra.idx.gz", img, IMG_BYTES + 1);
    snprintf(want, sizeof want, "%s: trailing data at byte 76, expected exactly 76 bytes (3 images of 4x5)", extra_gz);
    CHECK_STR(idx_error(extra_gz, NULL), want);

    const char *lp = test_write_file("labels.idx", lab, sizeof lab);
    snprintf(want, sizeof want, "%s: trailing data at byte 11, expected exactly 11 bytes (3 labels)", lp);
    CHECK_STR(idx_error(ip, lp), want);
}

static void idx_corrupt_gzip(void)
{
    uint8_t img[IMG_BYTES];
    make_images(img);
    const char *gz = write_gz("images.idx.gz", img, sizeof img);
    size_t len = 0;
    uint8_t *packed = (uint8_t *)test_read_file(gz, &len);
    CHECK(packed && len > 30);
    if (!packed)
        return;
    char want[1200];

    /* A flipped bit in the CRC-32 of the trailer: the data inflates, the check
     * fails. zlib inflates ahead of what we ask for, so on a small file this
     * shows while the header is read (byte 0). */
    packed[len - 8] ^= 0x01;
    const char *bad_crc = test_write_file("crc.idx.gz", packed, len);
    snprintf(want, sizeof want, "%s: corrupt gzip stream after byte 0: incorrect data check", bad_crc);
    CHECK_STR(idx_error(bad_crc, NULL), want);
    packed[len - 8] ^= 0x01;

    /* The first deflate block header (after the 10-byte gzip header) says BTYPE=3. */
    packed[10] = 0x07;
    const char *bad_block = test_write_file("block.idx.gz", packed, len);
    snprintf(want, sizeof want, "%s: corrupt gzip stream after byte 0: invalid block type", bad_block);
    CHECK_STR(idx_error(bad_block, NULL), want);
    free(packed);

    /* Corruption deep inside a 3 MB stream is reported well past the start:
     * as a zlib error, or as a stream that ends early (zlib cannot always tell). */
    enum { COUNT = 4000, SIDE = 28 };
    size_t big_len = 16 + (size_t)COUNT * SIDE * SIDE;
    uint8_t *big = malloc(big_len);
    put_be32(big, 0x803);
    put_be32(big + 4, COUNT);
    put_be32(big + 8, SIDE);
    put_be32(big + 12, SIDE);
    for (size_t i = 16; i < big_len; i++)
        big[i] = (uint8_t)((i * i) >> 7 & 0x3F);
    gz = write_gz("big.idx.gz", big, big_len);
    free(big);
    packed = (uint8_t *)test_read_file(gz, &len);
    CHECK(packed && len > 1000);
    if (!packed)
        return;
    for (size_t i = len * 3 / 4; i < len * 3 / 4 + 4; i++)
        packed[i] ^= 0xFF;
    const char *deep = test_write_file("deep.idx.gz", packed, len);
    const char *msg = idx_error(deep, NULL);
    char corrupt[1000], cut[1000];
    snprintf(corrupt, sizeof corrupt, "%s: corrupt gzip stream after byte ", deep);
    snprintf(cut, sizeof cut, "%s: truncated at byte ", deep);
    long long at = -1;
    if (strncmp(msg, corrupt, strlen(corrupt)) == 0)
        at = atoll(msg + strlen(corrupt));
    else if (strncmp(msg, cut, strlen(cut)) == 0 && strstr(msg, "(gzip stream cut short)"))
        at = atoll(msg + strlen(cut));
    if (!(at >= 1000000 && at <= (long long)big_len))
        test_fail(__FILE__, __LINE__, "offset %lld not deep in the stream: %s", at, msg);
    free(packed);
}

static void idx_missing_file(void)
{
    char path[800], want[1200];
    snprintf(path, sizeof path, "%s/no-such-file.idx.gz", test_tmpdir());
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    CHECK_STR(idx_error(path, NULL), want);

    uint8_t img[IMG_BYTES];
    make_images(img);
    const char *ip = test_write_file("images.idx", img, sizeof img);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    CHECK_STR(idx_error(ip, path), want);

    /* A folder opens but cannot be read. */
    snprintf(want, sizeof want, "%s: read error at byte 0: Is a directory", test_tmpdir());
    CHECK_STR(idx_error(test_tmpdir(), NULL), want);
}

/* ---- CSV ------------------------------------------------------------------ */

/* A growing text buffer for building CSV files. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        t->cap = t->cap * 2 + (size_t)n + 64;
        t->s = realloc(t->s, t->cap);
    }
}

static void add_header(text *t, bool labels, const char *eol)
{
    if (labels)
        add(t, "label,");
    for (int k = 0; k < 784; k++)
        add(t, "pixel%d%s", k, k < 783 ? "," : eol);
}

/* Row i: label (i % 10), pixel k = pixel_at(i, k). */
static void add_row(text *t, int i, bool labels, const char *eol)
{
    if (labels)
        add(t, "%d,", i % 10);
    for (int k = 0; k < 784; k++)
        add(t, "%d%s", pixel_at(i, k), k < 783 ? "," : eol);
}

static const char *write_csv(const char *name, int rows, bool labels, const char *eol, bool final_eol)
{
    text t = {0};
    add_header(&t, labels, eol);
    for (int i = 0; i < rows; i++)
        add_row(&t, i, labels, i + 1 < rows || final_eol ? eol : "");
    const char *path = test_write_file(name, t.s, t.len);
    free(t.s);
    return path;
}

static void check_csv(const clmlp_dataset *ds, int rows, bool labels)
{
    CHECK_INT(ds->count, rows);
    CHECK_INT(ds->rows, 28);
    CHECK_INT(ds->cols, 28);
    int bad = 0;
    for (int i = 0; i < rows; i++)
        for (int k = 0; k < 784; k++)
            bad += ds->pixels[i * 784 + k] != pixel_at(i, k);
    CHECK_INT(bad, 0);
    if (labels) {
        CHECK(ds->labels != NULL);
        for (int i = 0; ds->labels && i < rows; i++)
            CHECK_INT(ds->labels[i], i % 10);
    } else {
        CHECK(ds->labels == NULL);
    }
}

static const char *csv_error(const char *path, bool labels)
{
    static clmlp_err err;
    memset(&err, 0, sizeof err);
    clmlp_dataset ds = {0};
    CHECK_INT(clmlp_csv_load(path, labels, &ds, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DATA);
    CHECK(ds.pixels == NULL && ds.labels == NULL && ds.count == 0);
    CHECK(strchr(err.msg, '\n') == NULL);
    return err.msg;
}

static void csv_good(void)
{
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    const char *train = write_csv("train.csv", 12, true, "\n", true);
    CHECK_INT(clmlp_csv_load(train, true, &ds, &err), 0);
    check_csv(&ds, 12, true);
    clmlp_dataset_free(&ds);

    const char *test = write_csv("test.csv", 5, false, "\n", true);
    CHECK_INT(clmlp_csv_load(test, false, &ds, &err), 0);
    check_csv(&ds, 5, false);
    clmlp_dataset_free(&ds);
}

static void csv_crlf_and_last_line(void)
{
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    const char *crlf = write_csv("crlf.csv", 4, true, "\r\n", true);
    CHECK_INT(clmlp_csv_load(crlf, true, &ds, &err), 0);
    check_csv(&ds, 4, true);
    clmlp_dataset_free(&ds);

    const char *crlf_open = write_csv("crlf-open.csv", 4, true, "\r\n", false);
    CHECK_INT(clmlp_csv_load(crlf_open, true, &ds, &err), 0);
    check_csv(&ds, 4, true);
    clmlp_dataset_free(&ds);

    const char *lf_open = write_csv("lf-open.csv", 3, false, "\n", false);
    CHECK_INT(clmlp_csv_load(lf_open, false, &ds, &err), 0);
    check_csv(&ds, 3, false);
    clmlp_dataset_free(&ds);
}

static void csv_gzip(void)
{
    text t = {0};
    add_header(&t, true, "\n");
    for (int i = 0; i < 3; i++)
        add_row(&t, i, true, "\n");
    const char *gz = write_gz("train.csv.gz", t.s, t.len);
    free(t.s);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    CHECK_INT(clmlp_csv_load(gz, true, &ds, &err), 0);
    check_csv(&ds, 3, true);
    clmlp_dataset_free(&ds);
}

/* Builds a CSV with labels, 3 rows, where row 2 (file line 3) is replaced. */
static const char *csv_with_line3(const char *name, const char *line3)
{
    text t = {0};
    add_header(&t, true, "\n");
    add_row(&t, 0, true, "\n");
    add(&t, "%s\n", line3);
    add_row(&t, 2, true, "\n");
    const char *path = test_write_file(name, t.s, t.len);
    free(t.s);
    return path;
}

/* A good row 2 with field `field` (1-based) replaced by `value`. */
static char *row_with_field(int field, const char *value, int nfields)
{
    text t = {0};
    for (int f = 1; f <= nfields; f++) {
        if (f == field)
            add(&t, "%s", value);
        else
            add(&t, "%d", f == 1 ? 2 : pixel_at(2, f - 2));
        if (f < nfields)
            add(&t, ",");
    }
    return t.s;
}

static void csv_ragged_row(void)
{
    char want[1200];
    char *short_row = row_with_field(0, "", 784);
    const char *p = csv_with_line3("short.csv", short_row);
    snprintf(want, sizeof want, "%s:3: expected 785 fields, got 784", p);
    CHECK_STR(csv_error(p, true), want);
    free(short_row);

    char *long_row = row_with_field(0, "", 790);
    p = csv_with_line3("long.csv", long_row);
    snprintf(want, sizeof want, "%s:3: expected 785 fields, got 790", p);
    CHECK_STR(csv_error(p, true), want);
    free(long_row);

    /* A labelled file read as if it had no labels: one field too many. */
    p = write_csv("train.csv", 2, true, "\n", true);
    snprintf(want, sizeof want,
             "%s:1: header field 1 is 'label', expected 'pixel0' (this file has labels; read it with labels)", p);
    CHECK_STR(csv_error(p, false), want);
}

static void csv_non_numeric(void)
{
    char want[1200];
    const char *values[] = {"ab", "1.5", "", "-", "12x"};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(values); i++) {
        char *row = row_with_field(17, values[i], 785);
        const char *p = csv_with_line3("nan.csv", row);
        snprintf(want, sizeof want, "%s:3: field 17 '%s' is not an integer", p, values[i]);
        CHECK_STR(csv_error(p, true), want);
        free(row);
    }
    /* In the last field, where the line end (CRLF included) delimits it. */
    char *row = row_with_field(785, "7 \r", 785);
    const char *p = csv_with_line3("nan.csv", row);
    snprintf(want, sizeof want, "%s:3: field 785 '7 ' is not an integer", p);
    CHECK_STR(csv_error(p, true), want);
    free(row);
}

static void csv_out_of_range(void)
{
    char want[1200];
    /* Field 202 holds pixel200 (field 1 is the label). */
    char *row = row_with_field(202, "256", 785);
    const char *p = csv_with_line3("big.csv", row);
    snprintf(want, sizeof want, "%s:3: pixel 200 value 256 out of range [0, 255]", p);
    CHECK_STR(csv_error(p, true), want);
    free(row);

    row = row_with_field(2, "-1", 785);
    p = csv_with_line3("neg.csv", row);
    snprintf(want, sizeof want, "%s:3: pixel 0 value -1 out of range [0, 255]", p);
    CHECK_STR(csv_error(p, true), want);
    free(row);

    row = row_with_field(5, "99999999999999999999", 785);
    p = csv_with_line3("huge.csv", row);
    snprintf(want, sizeof want, "%s:3: pixel 3 value 99999999999999999999 out of range [0, 255]", p);
    CHECK_STR(csv_error(p, true), want);
    free(row);

    row = row_with_field(1, "300", 785);
    p = csv_with_line3("label.csv", row);
    snprintf(want, sizeof want, "%s:3: label 300 out of range [0, 255]", p);
    CHECK_STR(csv_error(p, true), want);
    free(row);

    /* The extremes are fine: label 255 (the trainer checks classes), pixel 0 and 255. */
    row = row_with_field(1, "255", 785);
    p = csv_with_line3("edge.csv", row);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    CHECK_INT(clmlp_csv_load(p, true, &ds, &err), 0);
    CHECK_INT(ds.count, 3);
    if (ds.labels)
        CHECK_INT(ds.labels[1], 255);
    clmlp_dataset_free(&ds);
    free(row);
}

static void csv_header_problems(void)
{
    char want[1200];
    const char *p = test_write_file("empty.csv", "", 0);
    snprintf(want, sizeof want, "%s: empty file, expected a header line 'label,pixel0,...,pixel783'", p);
    CHECK_STR(csv_error(p, true), want);

    /* Rows without a header line. */
    text t = {0};
    add_row(&t, 0, true, "\n");
    p = test_write_file("noheader.csv", t.s, t.len);
    free(t.s);
    snprintf(want, sizeof want, "%s:1: missing header line, expected 'label,pixel0,...,pixel783'", p);
    CHECK_STR(csv_error(p, true), want);

    /* test.csv read as if it had labels. */
    p = write_csv("test.csv", 2, false, "\n", true);
    snprintf(want, sizeof want,
             "%s:1: header field 1 is 'pixel0', expected 'label' (this looks like test.csv, which has no labels)", p);
    CHECK_STR(csv_error(p, true), want);

    /* A misnamed column, and a short header. */
    t = (text){0};
    add_header(&t, true, "\n");
    char *col = strstr(t.s, "pixel5,");
    col[5] = '9';
    p = test_write_file("odd.csv", t.s, t.len);
    snprintf(want, sizeof want, "%s:1: header field 7 is 'pixel9', expected 'pixel5'", p);
    CHECK_STR(csv_error(p, true), want);
    free(t.s);
    p = test_write_file("short.csv", "label,pixel0,pixel1\n", 20);
    snprintf(want, sizeof want, "%s:1: header has 3 fields, expected 785 ('label,pixel0,...,pixel783')", p);
    CHECK_STR(csv_error(p, true), want);

    /* A header and nothing else. */
    p = write_csv("only-header.csv", 0, true, "\n", true);
    snprintf(want, sizeof want, "%s: no data rows after the header", p);
    CHECK_STR(csv_error(p, true), want);

    char path[800];
    snprintf(path, sizeof path, "%s/missing.csv", test_tmpdir());
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    CHECK_STR(csv_error(path, true), want);
}

/* ---- dataset: dispatch, limit, free, preprocessing ------------------------ */

/* A limit reads only what it keeps: a gzip stream of 2 000 images of 256x256
 * (131 MB of zeros, 128 KB compressed) with data.*.limit 5 decompresses five
 * images, not the stream, whatever the rest of the file holds. */
static void idx_limit_reads_only_the_first_images(void)
{
    enum { COUNT = 2000, SIDE = 256 };
    size_t bytes = 16 + (size_t)COUNT * SIDE * SIDE;
    uint8_t *img = calloc(bytes + 100, 1);
    if (!img) {
        test_fail(__FILE__, __LINE__, "out of memory");
        return;
    }
    put_be32(img, 0x00000803);
    put_be32(img + 4, COUNT);
    put_be32(img + 8, SIDE);
    put_be32(img + 12, SIDE);
    img[16 + 3] = 42;
    /* and trailing garbage, which a full read would refuse */
    clmlp_data_source src = {.format = CLMLP_FORMAT_IDX, .limit = 5};
    clmlp_strlcpy(src.images, write_gz("big.idx.gz", img, bytes + 100), sizeof src.images);
    free(img);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    CHECK_INT(clmlp_data_load(&src, &ds, &err), 0);
    getrusage(RUSAGE_SELF, &after);
    CHECK_INT(ds.count, 5);
    CHECK_INT(ds.pixels ? ds.pixels[3] : 0, 42);
    /* the process's peak grew by the five images (and zlib), not by 131 MB */
    CHECK((after.ru_maxrss - before.ru_maxrss) * 1024L < 32L << 20);
    clmlp_dataset_free(&ds);
    /* without the limit, the whole stream is read, and its trailing garbage refused */
    src.limit = 0;
    CHECK_INT(clmlp_data_load(&src, &ds, &err), -1);
    CHECK_CONTAINS(err.msg, "trailing data at byte 131072016");
}

static void data_load_and_limit(void)
{
    uint8_t img[IMG_BYTES], lab[LAB_BYTES];
    make_images(img);
    make_labels(lab, N);
    clmlp_data_source src = {.format = CLMLP_FORMAT_IDX};
    clmlp_strlcpy(src.images, write_gz("images.idx.gz", img, sizeof img), sizeof src.images);
    clmlp_strlcpy(src.labels, test_write_file("labels.idx", lab, sizeof lab), sizeof src.labels);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};

    const int64_t limits[] = {0, 2, 3, 100};
    const int64_t expect[] = {3, 2, 3, 3};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(limits); i++) {
        src.limit = limits[i];
        CHECK_INT(clmlp_data_load(&src, &ds, &err), 0);
        CHECK_INT(ds.count, expect[i]);
        for (int64_t j = 0; ds.labels && j < ds.count; j++)
            CHECK_INT(ds.labels[j], 7 + j);
        CHECK_INT(ds.pixels[(ds.count - 1) * ROWS * COLS + 3], pixel_at((int)ds.count - 1, 3));
        clmlp_dataset_free(&ds);
    }

    /* No labels path: no labels. */
    src.labels[0] = '\0';
    src.limit = 1;
    CHECK_INT(clmlp_data_load(&src, &ds, &err), 0);
    CHECK_INT(ds.count, 1);
    CHECK(ds.labels == NULL);
    clmlp_dataset_free(&ds);

    clmlp_data_source csv = {.format = CLMLP_FORMAT_CSV, .has_labels = true, .limit = 4};
    clmlp_strlcpy(csv.csv, write_csv("train.csv", 10, true, "\n", true), sizeof csv.csv);
    CHECK_INT(clmlp_data_load(&csv, &ds, &err), 0);
    check_csv(&ds, 4, true);
    clmlp_dataset_free(&ds);

    /* Errors pass through with the data exit code. */
    snprintf(src.images, sizeof src.images, "%s/none.idx", test_tmpdir());
    CHECK_INT(clmlp_data_load(&src, &ds, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DATA);
    CHECK_CONTAINS(err.msg, "none.idx: cannot open");
}

static void dataset_free_is_safe(void)
{
    clmlp_dataset ds = {0};
    clmlp_dataset_free(&ds);
    clmlp_dataset_free(&ds);
    ds.count = 2;
    ds.rows = ds.cols = 1;
    ds.pixels = malloc(2);
    ds.labels = malloc(2);
    clmlp_dataset_limit(&ds, 1);
    CHECK_INT(ds.count, 1);
    clmlp_dataset_limit(&ds, 0);
    CHECK_INT(ds.count, 1);
    clmlp_dataset_free(&ds);
    CHECK(ds.pixels == NULL && ds.labels == NULL && ds.count == 0);
    clmlp_dataset_free(&ds);
}

static void preprocess_pixel(void)
{
    CHECK_NEAR(clmlp_preprocess_pixel(0, false, false), 0.0, 0);
    CHECK_NEAR(clmlp_preprocess_pixel(200, false, false), 200.0, 0);
    CHECK_NEAR(clmlp_preprocess_pixel(255, true, false), 1.0, 0);
    CHECK_NEAR(clmlp_preprocess_pixel(51, true, false), 0.2, 1e-7);
    CHECK_NEAR(clmlp_preprocess_pixel(0, true, false), 0.0, 0);
    CHECK_NEAR(clmlp_preprocess_pixel(1, false, true), 1.0, 0);
    CHECK_NEAR(clmlp_preprocess_pixel(0, false, true), 0.0, 0);
    /* binarize wins over scale */
    CHECK_NEAR(clmlp_preprocess_pixel(51, true, true), 1.0, 0);
    CHECK_NEAR(clmlp_preprocess_pixel(0, true, true), 0.0, 0);
}

/* ---- the real MNIST files ------------------------------------------------- */

static void check_mnist(const char *prefix, int64_t count, const int *label_counts)
{
    const char *dir = test_mnist_dir();
    char images[1200], labels[1200];
    snprintf(images, sizeof images, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    double t = clmlp_now();
    int rc = clmlp_idx_load(images, labels, &ds, &err);
    t = clmlp_now() - t;
    if (rc < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
        return;
    }
    CHECK_INT(ds.count, count);
    CHECK_INT(ds.rows, 28);
    CHECK_INT(ds.cols, 28);
    int seen[256] = {0};
    for (int64_t i = 0; i < ds.count; i++)
        seen[ds.labels[i]]++;
    for (int d = 0; d < 10; d++)
        CHECK_INT(seen[d], label_counts[d]);
    /* Pixels: MNIST digits are ~19% ink, and the borders are blank. */
    uint64_t ink = 0, corner = 0;
    for (int64_t i = 0; i < ds.count; i++) {
        corner += ds.pixels[i * 784];
        for (int k = 0; k < 784; k++)
            ink += ds.pixels[i * 784 + k] > 0;
    }
    CHECK_INT(corner, 0);
    CHECK_NEAR((double)ink / (double)(ds.count * 784), 0.19, 0.02);
    /* A guard against byte-at-a-time reading; ~0.2 s in a release build. */
    CHECK(t < 3.0);
    clmlp_dataset_free(&ds);
}

static void mnist_train_set(void)
{
    static const int counts[10] = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    check_mnist("train", 60000, counts);
}

static void mnist_test_set(void)
{
    static const int counts[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    check_mnist("t10k", 10000, counts);
}

/* ---- tools/fetch-data ----------------------------------------------------- */

/* Runs a shell command, output (stdout+stderr) into out; returns the exit status. */
static int sh(const char *cmd, char *out, size_t cap)
{
    char full[16000];
    snprintf(full, sizeof full, "(%s) 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p) {
        test_fail(__FILE__, __LINE__, "popen failed: %s", cmd);
        return -1;
    }
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    char sink[512];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void fetch_data_second_run_is_quick(void)
{
    test_mnist_dir();
    char cmd[3000], out[4096];
    /* From another folder, without MNIST_DIR: the files are there already. */
    snprintf(cmd, sizeof cmd, "cd '%s' && env -u MNIST_DIR '%s/tools/fetch-data'", test_tmpdir(),
             test_source_root());
    double t = clmlp_now();
    int rc = sh(cmd, out, sizeof out);
    t = clmlp_now() - t;
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "all 4 MNIST files present and verified");
    CHECK(strchr(out, '\n') == strrchr(out, '\n')); /* one line */
    CHECK(t < 5.0);
}

/* A copy of the script in a fresh project root under the test's tmpdir, with
 * wget and curl replaced by stubs that fail: no test touches the network. */
static const char *fake_root(void)
{
    static char root[900];
    snprintf(root, sizeof root, "%s/proj", test_tmpdir());
    char cmd[12000], out[1024];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/tools' '%s/bin' && cp '%s/tools/fetch-data' '%s/tools/mnist.sha256' '%s/tools/' && "
             "printf '#!/bin/sh\\nexit 1\\n' > '%s/bin/wget' && cp '%s/bin/wget' '%s/bin/curl' && "
             "chmod +x '%s/bin/wget' '%s/bin/curl'",
             root, root, test_source_root(), test_source_root(), root, root, root, root, root, root);
    if (sh(cmd, out, sizeof out) != 0)
        test_fail(__FILE__, __LINE__, "cannot make a fake project: %s", out);
    return root;
}

static bool same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    uint8_t *x = (uint8_t *)test_read_file(a, &la), *y = (uint8_t *)test_read_file(b, &lb);
    bool same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static void fetch_data_copies_and_repairs(void)
{
    const char *mnist = test_mnist_dir();
    const char *root = fake_root();
    char cmd[4000], out[8192], a[1200], b[1200];
    /* A bad file already in place must be replaced, not trusted. */
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/data/mnist' && echo junk > '%s/data/mnist/train-labels-idx1-ubyte.gz'",
             root, root);
    CHECK_INT(sh(cmd, out, sizeof out), 0);
    /* MNIST_DIR relative to the caller's folder (a link named "mn" in "work"). */
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/work' && ln -s '%s' '%s/work/mn' && cd '%s/work' && PATH='%s/bin':$PATH MNIST_DIR=mn "
             "'%s/tools/fetch-data'",
             test_tmpdir(), mnist, test_tmpdir(), test_tmpdir(), root, root);
    int rc = sh(cmd, out, sizeof out);
    CHECK_INT(rc, 0);
    if (rc != 0)
        fprintf(stderr, "%s", out);
    CHECK_CONTAINS(out, "train-labels-idx1-ubyte.gz: verified, from");
    const char *names[] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                           "t10k-labels-idx1-ubyte.gz"};
    for (int i = 0; i < 4; i++) {
        snprintf(a, sizeof a, "%s/data/mnist/%s", root, names[i]);
        snprintf(b, sizeof b, "%s/%s", mnist, names[i]);
        CHECK(same_file(a, b));
    }
    /* Nothing but the four files is left behind. */
    snprintf(cmd, sizeof cmd, "ls -A '%s/data/mnist' | wc -l", root);
    sh(cmd, out, sizeof out);
    CHECK_INT(atoi(out), 4);
}

static void fetch_data_fails_cleanly(void)
{
    const char *mnist = test_mnist_dir();
    const char *root = fake_root();
    char cmd[4000], out[8192];
    /* MNIST_DIR holds one corrupted file and lacks the rest; downloads fail. */
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/src' && head -c 1000 '%s/train-images-idx3-ubyte.gz' > '%s/src/train-images-idx3-ubyte.gz'"
             " && PATH='%s/bin':$PATH MNIST_DIR='%s/src' '%s/tools/fetch-data'",
             test_tmpdir(), mnist, test_tmpdir(), root, test_tmpdir(), root);
    CHECK_INT(sh(cmd, out, sizeof out), 1);
    CHECK_CONTAINS(out, "train-images-idx3-ubyte.gz: sha256 mismatch");
    CHECK_CONTAINS(out, "t10k-labels-idx1-ubyte.gz: not in MNIST_DIR");
    CHECK_CONTAINS(out, "set MNIST_DIR to a folder holding the four MNIST .gz files");
    CHECK_CONTAINS(out, "internet");
    snprintf(cmd, sizeof cmd, "ls -A '%s/data/mnist' | wc -l", root);
    sh(cmd, out, sizeof out);
    CHECK_INT(atoi(out), 0); /* no half-written or unverified file */

    /* Fashion-MNIST: either present or a hint naming the package. */
    snprintf(cmd, sizeof cmd, "'%s/tools/fetch-data' --fashion", root);
    int rc = sh(cmd, out, sizeof out);
    if (rc == 0)
        CHECK_CONTAINS(out, "Fashion-MNIST is installed");
    else
        CHECK_CONTAINS(out, "apt-get install dataset-fashion-mnist");
}

const test_case data_tests[] = {
    {"idx_raw_round_trip", idx_raw_round_trip, false},
    {"idx_gzip_round_trip", idx_gzip_round_trip, false},
    {"idx_truncated_images", idx_truncated_images, false},
    {"idx_truncated_gzip_stream", idx_truncated_gzip_stream, false},
    {"idx_bad_magic", idx_bad_magic, false},
    {"idx_count_mismatch", idx_count_mismatch, false},
    {"idx_bad_dims", idx_bad_dims, false},
    {"idx_trailing_garbage", idx_trailing_garbage, false},
    {"idx_corrupt_gzip", idx_corrupt_gzip, false},
    {"idx_missing_file", idx_missing_file, false},
    {"csv_good", csv_good, false},
    {"csv_crlf_and_last_line", csv_crlf_and_last_line, false},
    {"csv_gzip", csv_gzip, false},
    {"csv_ragged_row", csv_ragged_row, false},
    {"csv_non_numeric", csv_non_numeric, false},
    {"csv_out_of_range", csv_out_of_range, false},
    {"csv_header_problems", csv_header_problems, false},
    {"data_load_and_limit", data_load_and_limit, false},
    {"idx_limit_reads_only_the_first_images", idx_limit_reads_only_the_first_images, false},
    {"dataset_free_is_safe", dataset_free_is_safe, false},
    {"preprocess_pixel", preprocess_pixel, false},
    {"mnist_train_set", mnist_train_set, false},
    {"mnist_test_set", mnist_test_set, false},
    {"fetch_data_second_run_is_quick", fetch_data_second_run_is_quick, false},
    {"fetch_data_copies_and_repairs", fetch_data_copies_and_repairs, false},
    {"fetch_data_fails_cleanly", fetch_data_fails_cleanly, false},
    {NULL, NULL, false},
};
