/* MNIST IDX files: images (magic 0x00000803: count x rows x cols, uint8) and
 * labels (magic 0x00000801: count, uint8), big-endian header, gzip or raw.
 * Every check names the file and the byte offset in the uncompressed stream. */
#include "clmlp/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data_file.h"

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define IDX_MAX_SIDE 4096u
/* Payloads are read into a buffer that grows as data arrives, so a header
 * that lies about its size costs at most this much before "truncated". */
#define IDX_FIRST_ALLOC ((size_t)64 << 20)

typedef struct idx_header {
    uint32_t count, rows, cols; /* rows = cols = 1 for labels */
    uint64_t header_bytes;      /* 16 for images, 8 for labels */
    uint64_t payload_bytes;
    char what[96];              /* "60000 images of 28x28", for messages */
} idx_header;

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static int read_header(data_file *f, bool images, idx_header *h, clmlp_err *err)
{
    const char *kind = images ? "IDX images, 3 dims" : "IDX labels, 1 dim";
    uint32_t want_magic = images ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
    unsigned char b[16];
    size_t hlen = images ? 16 : 8;
    int64_t got = data_file_read(f, b, hlen, err);
    if (got < 0)
        return -1;
    if (got == 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: empty file, expected %s", f->path, kind);
    if (got >= 4 && be32(b) != want_magic) {
        uint32_t other = images ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC;
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: bad magic 0x%08x at byte 0, expected 0x%08x (%s)%s", f->path,
                          be32(b), want_magic, kind,
                          be32(b) == other ? (images ? "; this is a labels file" : "; this is an images file") : "");
    }
    if ((size_t)got < hlen)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: truncated at byte %lld, expected a %zu-byte header (%s)%s",
                          f->path, (long long)got, hlen, kind, data_file_eof_note(f));

    h->count = be32(b + 4);
    h->rows = images ? be32(b + 8) : 1;
    h->cols = images ? be32(b + 12) : 1;
    h->header_bytes = hlen;
    if (images && h->count < 1)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: image count 0 at byte 4, expected at least 1", f->path);
    if (images && (h->rows < 1 || h->rows > IDX_MAX_SIDE))
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: rows %u at byte 8 out of range [1, %u]", f->path, h->rows,
                          IDX_MAX_SIDE);
    if (images && (h->cols < 1 || h->cols > IDX_MAX_SIDE))
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: cols %u at byte 12 out of range [1, %u]", f->path, h->cols,
                          IDX_MAX_SIDE);
    /* count < 2^32 and rows*cols <= 2^24, so this cannot overflow 64 bits. */
    h->payload_bytes = (uint64_t)h->count * h->rows * h->cols;
    if (images)
        snprintf(h->what, sizeof h->what, "%u images of %ux%u", h->count, h->rows, h->cols);
    else
        snprintf(h->what, sizeof h->what, "%u labels", h->count);
    if (h->payload_bytes > DATA_MAX_BYTES || h->payload_bytes > SIZE_MAX)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: header at byte 4 claims %s (%llu bytes), over the %llu GiB limit",
                          f->path, h->what, (unsigned long long)h->payload_bytes,
                          (unsigned long long)(DATA_MAX_BYTES >> 30));
    return 0;
}

/* Reads the first `count` items of the payload the header promised; when
 * that is all of them, checks the data ends there. Nothing past them is
 * decompressed: a data.*.limit of 2 000 reads 2 000 images, whatever the
 * file holds. */
static int read_payload(data_file *f, const idx_header *h, uint32_t count, uint8_t **out, clmlp_err *err)
{
    size_t total = (size_t)(h->payload_bytes / (h->count ? h->count : 1) * count);
    size_t cap = total < IDX_FIRST_ALLOC ? total : IDX_FIRST_ALLOC, have = 0;
    /* Page-aligned, so that a device sharing host memory can use the images
     * in place (CL_MEM_USE_HOST_PTR, see runtime/session.c) instead of a
     * second copy; a payload over IDX_FIRST_ALLOC grows by realloc and loses
     * that (it is then copied like any other). */
    uint8_t *buf = NULL;
    if (posix_memalign((void **)&buf, CLMLP_DATA_ALIGN, cap ? cap : 1) != 0)
        buf = NULL;
    if (!buf)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s: out of memory for %zu bytes", f->path, cap);
    while (have < total) {
        if (have == cap) {
            size_t next = cap > total / 2 ? total : cap * 2;
            uint8_t *bigger = realloc(buf, next);
            if (!bigger) {
                free(buf);
                return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s: out of memory for %zu bytes", f->path, next);
            }
            buf = bigger;
            cap = next;
        }
        int64_t got = data_file_read(f, buf + have, cap - have, err);
        if (got < 0)
            goto fail;
        have += (size_t)got;
        if (have < cap) {
            clmlp_fail(err, CLMLP_EXIT_DATA, "%s: truncated at byte %llu, expected %llu bytes (%s)%s", f->path,
                       (unsigned long long)f->offset, (unsigned long long)(h->header_bytes + h->payload_bytes),
                       h->what, data_file_eof_note(f));
            goto fail;
        }
    }
    if (count == h->count && data_file_expect_end(f, h->what, err) < 0)
        goto fail;
    *out = buf;
    return 0;
fail:
    free(buf);
    return -1;
}

int clmlp_idx_load(const char *images_path, const char *labels_path, clmlp_dataset *ds, clmlp_err *err)
{
    return clmlp_idx_load_first(images_path, labels_path, 0, ds, err);
}

int clmlp_idx_load_first(const char *images_path, const char *labels_path, int64_t max_count, clmlp_dataset *ds,
                         clmlp_err *err)
{
    data_file img = {0}, lab = {0};
    idx_header ih = {0}, lh = {0};
    uint8_t *pixels = NULL, *labels = NULL;
    int rc = -1;

    /* Both headers first: a count mismatch is reported before 47 MB are read. */
    if (data_file_open(&img, images_path, err) < 0 || read_header(&img, true, &ih, err) < 0)
        goto done;
    if (labels_path) {
        if (data_file_open(&lab, labels_path, err) < 0 || read_header(&lab, false, &lh, err) < 0)
            goto done;
        if (lh.count != ih.count) {
            clmlp_fail(err, CLMLP_EXIT_DATA, "%s: %u labels but %s has %u images", labels_path, lh.count,
                       images_path, ih.count);
            goto done;
        }
    }
    uint32_t count = max_count > 0 && max_count < ih.count ? (uint32_t)max_count : ih.count;
    if (read_payload(&img, &ih, count, &pixels, err) < 0)
        goto done;
    if (labels_path && read_payload(&lab, &lh, count, &labels, err) < 0)
        goto done;

    ds->count = count;
    ds->rows = (int)ih.rows;
    ds->cols = (int)ih.cols;
    ds->pixels = pixels;
    ds->labels = labels;
    pixels = labels = NULL;
    rc = 0;
done:
    data_file_close(&img);
    data_file_close(&lab);
    free(pixels);
    free(labels);
    if (rc < 0)
        memset(ds, 0, sizeof *ds);
    return rc;
}
