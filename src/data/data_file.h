/* Reading a data file that may be gzip-compressed or raw (zlib's gz* API
 * tells them apart by content), with the position in the uncompressed
 * stream kept for error messages. Private to src/data. */
#ifndef CLMLP_DATA_FILE_H
#define CLMLP_DATA_FILE_H

#include "clmlp/common.h"

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

/* Largest buffer a data file may make us allocate (uncompressed bytes). A
 * corrupt header must not turn into a huge allocation. */
#define DATA_MAX_BYTES ((uint64_t)1 << 35) /* 32 GiB */

typedef struct data_file {
    gzFile gz;
    const char *path;
    uint64_t offset; /* uncompressed bytes consumed so far */
} data_file;

/* Opens path for reading; errors carry strerror (CLMLP_EXIT_DATA). */
int data_file_open(data_file *f, const char *path, clmlp_err *err);

/* Safe on a file that failed to open, and twice. */
void data_file_close(data_file *f);

/* Reads up to len bytes. Returns the count read, which is less than len only
 * at the end of the data, or -1 on a read error or corrupt gzip stream (the
 * message names the file and the byte offset). */
int64_t data_file_read(data_file *f, void *buf, size_t len, clmlp_err *err);

/* After a short read: " (gzip stream cut short)" when the compressed data
 * ended mid-stream, else "". Appended to "truncated" messages. */
const char *data_file_eof_note(data_file *f);

/* Fails unless the data ends exactly here (expected_what describes what the
 * header promised, e.g. "60000 images of 28x28"). Reading on to the end also
 * makes zlib verify the gzip CRC. */
int data_file_expect_end(data_file *f, const char *expected_what, clmlp_err *err);

/* Reads the rest of the file into a malloc'd, NUL-terminated buffer. */
int data_file_read_all(data_file *f, char **out, size_t *len, clmlp_err *err);

#endif
