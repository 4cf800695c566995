/* Reading a whole small text file (configs, reports, device models). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/common.h"

char *clmlp_read_text_file(const char *path, size_t max_bytes, const char *what, int code, size_t *len,
                           clmlp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        clmlp_fail(err, code, "cannot read %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            fclose(f);
            clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading %s '%s'", what, path);
            return NULL;
        }
        if (n == cap) {
            if (cap >= max_bytes) {
                free(buf);
                fclose(f);
                clmlp_fail(err, code, "%s '%s' is larger than %zu MiB", what, path, max_bytes >> 20);
                return NULL;
            }
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    /* A folder opens fine and fails on read (EISDIR). */
    if (ferror(f)) {
        int saved = errno;
        free(buf);
        fclose(f);
        clmlp_fail(err, code, "cannot read %s '%s': %s", what, path, strerror(saved));
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}
