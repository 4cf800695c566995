/* gzip-or-raw file reading with uncompressed byte offsets in every error. */
#include "data/data_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* gzread decompresses a whole request before it reports an error, so smaller
 * requests give tighter byte offsets; 256 KiB keeps the call overhead nil. */
#define READ_CHUNK ((size_t)1 << 18)

int data_file_open(data_file *f, const char *path, clmlp_err *err)
{
    f->path = path;
    f->offset = 0;
    errno = 0;
    f->gz = gzopen(path, "rb");
    if (!f->gz)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: cannot open: %s", path,
                          errno ? strerror(errno) : "out of memory");
    /* A larger input buffer than zlib's 8 KiB default: fewer read() calls. */
    gzbuffer(f->gz, 1u << 17);
    return 0;
}

void data_file_close(data_file *f)
{
    if (f->gz)
        gzclose_r(f->gz);
    f->gz = NULL;
}

/* zlib's messages start with "<path>: "; the caller adds the path itself. */
static const char *zlib_message(data_file *f, int *errnum)
{
    const char *msg = gzerror(f->gz, errnum);
    size_t plen = strlen(f->path);
    if (strncmp(msg, f->path, plen) == 0 && strncmp(msg + plen, ": ", 2) == 0)
        msg += plen + 2;
    return msg;
}

static int read_failure(data_file *f, int saved_errno, clmlp_err *err)
{
    int errnum = Z_OK;
    const char *msg = zlib_message(f, &errnum);
    /* gztell counts the bytes zlib delivered before it failed. */
    z_off_t pos = gztell(f->gz);
    uint64_t at = pos > 0 && (uint64_t)pos > f->offset ? (uint64_t)pos : f->offset;
    if (errnum == Z_ERRNO)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: read error at byte %llu: %s", f->path,
                          (unsigned long long)at, strerror(saved_errno));
    return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: corrupt gzip stream after byte %llu: %s", f->path,
                      (unsigned long long)at, msg && *msg ? msg : "unknown zlib error");
}

int64_t data_file_read(data_file *f, void *buf, size_t len, clmlp_err *err)
{
    size_t done = 0;
    while (done < len) {
        size_t want = len - done < READ_CHUNK ? len - done : READ_CHUNK;
        errno = 0;
        int got = gzread(f->gz, (char *)buf + done, (unsigned)want);
        if (got < 0)
            return read_failure(f, errno, err);
        done += (size_t)got;
        f->offset += (uint64_t)got;
        if ((size_t)got < want) {
            /* A short read is the end of the data, unless zlib hit a real error. */
            int errnum = Z_OK;
            gzerror(f->gz, &errnum);
            if (errnum != Z_OK && errnum != Z_BUF_ERROR)
                return read_failure(f, errno, err);
            break;
        }
    }
    return (int64_t)done;
}

const char *data_file_eof_note(data_file *f)
{
    int errnum = Z_OK;
    gzerror(f->gz, &errnum);
    return errnum == Z_BUF_ERROR ? " (gzip stream cut short)" : "";
}

int data_file_expect_end(data_file *f, const char *expected_what, clmlp_err *err)
{
    unsigned char extra;
    uint64_t end = f->offset;
    int64_t got = data_file_read(f, &extra, 1, err);
    if (got < 0)
        return -1;
    if (got > 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: trailing data at byte %llu, expected exactly %llu bytes (%s)",
                          f->path, (unsigned long long)end, (unsigned long long)end, expected_what);
    if (*data_file_eof_note(f))
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: gzip stream cut short after byte %llu (its trailer is missing)",
                          f->path, (unsigned long long)end);
    return 0;
}

int data_file_read_all(data_file *f, char **out, size_t *len, clmlp_err *err)
{
    size_t cap = (size_t)1 << 20, have = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s: out of memory", f->path);
    for (;;) {
        if (have == cap) {
            if ((uint64_t)cap * 2 > DATA_MAX_BYTES) {
                free(buf);
                return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: larger than the %llu GiB limit for a data file",
                                  f->path, (unsigned long long)(DATA_MAX_BYTES >> 30));
            }
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s: out of memory reading %zu bytes", f->path,
                                  cap * 2);
            }
            buf = bigger;
            cap *= 2;
        }
        int64_t got = data_file_read(f, buf + have, cap - have, err);
        if (got < 0) {
            free(buf);
            return -1;
        }
        have += (size_t)got;
        if (have < cap)
            break; /* short read: end of data */
    }
    if (*data_file_eof_note(f)) {
        free(buf);
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: gzip stream cut short after byte %llu", f->path,
                          (unsigned long long)have);
    }
    buf[have] = '\0';
    *out = buf;
    *len = have;
    return 0;
}
