#include "clmlp/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int clmlp_fail(clmlp_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int clmlp_fail_prefix(clmlp_err *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Shift the old message right to make room for the prefix. */
    size_t plen = strlen(prefix), cap = sizeof err->msg;
    if (plen >= cap)
        plen = cap - 1;
    size_t olen = strnlen(err->msg, cap - 1);
    if (plen + olen >= cap)
        olen = cap - 1 - plen;
    memmove(err->msg + plen, err->msg, olen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + olen] = '\0';
    return -1;
}

void *clmlp_calloc(size_t count, size_t size, clmlp_err *err)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void clmlp_strlcpy(char *dst, const char *src, size_t cap)
{
    if (cap == 0)
        return;
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

double clmlp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
