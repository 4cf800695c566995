/* The cache directory. It holds program binaries, native code the driver
 * runs, and choices that pick kernels, so it is used only where nobody else
 * can have put files: a directory (not a symbolic link) that the current
 * user owns and that group and others cannot write. Anything else, or no
 * variable naming a place, means no cache at all: a shared fallback such as
 * /tmp would let any local user plant binaries for the next run. */
#include "device/cache_dir.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/sha256.h"

enum { DIR_MAX = 4096 };

/* Why there is no cache, said once per process (each program build asks). */
static void CLMLP_PRINTF(1, 2) warn_once(const char *fmt, ...)
{
    static bool warned;
    if (warned)
        return;
    warned = true;
    va_list ap;
    va_start(ap, fmt);
    fputs("clmlp: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("; running without caches\n", stderr);
    va_end(ap);
}

/* mkdir -p with mode 0700; existing folders are left as they are (and
 * checked by the caller). */
static int make_private_dirs(const char *path)
{
    char buf[DIR_MAX + 64];
    if (path[0] == '\0' || strlen(path) >= sizeof buf) {
        errno = path[0] ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    clmlp_strlcpy(buf, path, sizeof buf);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        if (c == '\0')
            return 0;
        *p = c;
    }
}

/* Creates path if needed; true when it is a directory of ours that group
 * and others cannot write. lstat: a symbolic link is refused even when it
 * points at a good directory, since whoever placed it can repoint it. */
static bool private_dir(const char *path, char *why, size_t cap)
{
    struct stat st;
    if (make_private_dirs(path) != 0) {
        snprintf(why, cap, "cannot create it: %s", strerror(errno));
        return false;
    }
    if (lstat(path, &st) != 0) {
        snprintf(why, cap, "cannot stat it: %s", strerror(errno));
        return false;
    }
    if (S_ISLNK(st.st_mode))
        snprintf(why, cap, "it is a symbolic link");
    else if (!S_ISDIR(st.st_mode))
        snprintf(why, cap, "it is not a directory");
    else if (st.st_uid != geteuid())
        snprintf(why, cap, "it is owned by uid %u, not by this user (uid %u)", (unsigned)st.st_uid,
                 (unsigned)geteuid());
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        snprintf(why, cap, "group or others can write it (mode %03o)", (unsigned)(st.st_mode & 0777));
    else
        return true;
    return false;
}

const char *clmlp_cache_dir(void)
{
    /* Recomputed on each call: tests point CLMLP_CACHE_DIR elsewhere. */
    static char dir[DIR_MAX];
    const char *env;
    int len;
    if ((env = getenv("CLMLP_CACHE_DIR")) && *env)
        len = snprintf(dir, sizeof dir, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) && *env)
        len = snprintf(dir, sizeof dir, "%s/clmlp", env);
    else if ((env = getenv("HOME")) && *env)
        len = snprintf(dir, sizeof dir, "%s/.cache/clmlp", env);
    else {
        warn_once("no cache directory: none of CLMLP_CACHE_DIR, XDG_CACHE_HOME and HOME is set (set "
                  "CLMLP_CACHE_DIR to a directory of yours)");
        return NULL;
    }
    char why[160];
    if (len < 0 || (size_t)len >= sizeof dir - 64)
        snprintf(why, sizeof why, "the path is too long");
    else if (private_dir(dir, why, sizeof why))
        return dir;
    warn_once("cache directory %s not used: %s (make it a directory of yours with chmod 700, or set "
              "CLMLP_CACHE_DIR to one)",
              dir, why);
    return NULL;
}

bool clmlp_cache_folder(const char *dir, const char *folder, char *out, size_t cap)
{
    out[0] = '\0';
    if (!dir && !(dir = clmlp_cache_dir()))
        return false;
    char path[DIR_MAX + 64], why[160];
    snprintf(path, sizeof path, "%s/%s", dir, folder);
    if (!private_dir(path, why, sizeof why)) {
        warn_once("cache folder %s not used: %s (make it a directory of yours with chmod 700, or remove it)",
                  path, why);
        return false;
    }
    clmlp_strlcpy(out, path, cap);
    return true;
}

static void hash_field(clmlp_sha256 *h, const char *s)
{
    /* The terminating NUL separates fields: "ab"+"c" != "a"+"bc". */
    clmlp_sha256_update(h, s, strlen(s) + 1);
}

void clmlp_device_digest(const clmlp_device_desc *d, const char *purpose, const char *a, const char *b,
                         uint8_t digest[32])
{
    clmlp_sha256 h;
    clmlp_sha256_init(&h);
    hash_field(&h, purpose);
    hash_field(&h, d->platform);
    hash_field(&h, d->name);
    hash_field(&h, d->version);
    hash_field(&h, d->driver);
    hash_field(&h, a ? a : "");
    hash_field(&h, b ? b : "");
    clmlp_sha256_final(&h, digest);
}

void clmlp_digest_hex(const uint8_t digest[32], char hex[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

bool clmlp_device_cache_path(const clmlp_device_desc *d, const char *dir, const char *folder, const char *purpose,
                             const char *extra, const char *suffix, char *out, size_t cap)
{
    char sub[DIR_MAX + 64], hex[65];
    out[0] = '\0';
    if (!clmlp_cache_folder(dir, folder, sub, sizeof sub))
        return false;
    uint8_t digest[32];
    clmlp_device_digest(d, purpose, extra, NULL, digest);
    clmlp_digest_hex(digest, hex);
    snprintf(out, cap, "%s/%s%s", sub, hex, suffix);
    return true;
}
