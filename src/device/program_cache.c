/* Program builds through an on-disk binary cache: compiling kernels costs
 * seconds per program on some drivers, loading a binary milliseconds.
 *
 * Key: SHA-256 of platform name, device name and version, driver version,
 * build options and source, so a driver upgrade or an edited kernel misses.
 * File: <cache>/programs/<hex>.bin, the raw CL_PROGRAM_BINARIES blob, written
 * to a temp file and renamed so a concurrent reader never sees half of it.
 * A binary the driver rejects falls back to a source build, which overwrites
 * it; a cache that cannot be written is a warning, never an error. */
#include "clmlp/device.h"
#include "device/sha256.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DIR_MAX = 4096, PATH_MAX_ = DIR_MAX + 128 };

/* mkdir -p, errors left to the write that needs the folder. */
static int make_dirs(const char *path) { return clmlp_mkdir_p(path, NULL); }

const char *clmlp_cache_dir(void)
{
    /* Recomputed on each call: tests point CLMLP_CACHE_DIR elsewhere. */
    static char dir[DIR_MAX];
    const char *env;
    if ((env = getenv("CLMLP_CACHE_DIR")) && *env)
        snprintf(dir, sizeof dir, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) && *env)
        snprintf(dir, sizeof dir, "%s/clmlp", env);
    else if ((env = getenv("HOME")) && *env)
        snprintf(dir, sizeof dir, "%s/.cache/clmlp", env);
    else
        snprintf(dir, sizeof dir, "/tmp/clmlp-cache");
    /* A failure shows up, as a warning, when the first binary is written. */
    (void)make_dirs(dir);
    return dir;
}

static void hash_field(clmlp_sha256 *h, const char *s)
{
    /* The terminating NUL separates fields: "ab"+"c" != "a"+"bc". */
    clmlp_sha256_update(h, s, strlen(s) + 1);
}

/* SHA-256 of the device identity and the given fields, as hex. */
static void device_digest(const clmlp_device_desc *d, const char *purpose, const char *a, const char *b,
                          char hex[65])
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
    uint8_t digest[32];
    clmlp_sha256_final(&h, digest);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

void clmlp_device_cache_path(const clmlp_device_desc *d, const char *dir, const char *folder, const char *purpose,
                             const char *extra, const char *suffix, char *out, size_t cap)
{
    char hex[65], sub[PATH_MAX_];
    device_digest(d, purpose, extra, NULL, hex);
    snprintf(sub, sizeof sub, "%s/%s", dir ? dir : clmlp_cache_dir(), folder);
    (void)make_dirs(sub); /* a failure shows up when the file is written */
    snprintf(out, cap, "%s/%s%s", sub, hex, suffix);
}

static void cache_path(const clmlp_device_desc *d, const char *source, const char *options, char *out, size_t cap)
{
    char hex[65];
    device_digest(d, "clmlp program cache v1", options, source, hex);
    snprintf(out, cap, "%s/programs/%s.bin", clmlp_cache_dir(), hex);
}

/* The whole file, or NULL when it is missing or unreadable (a miss). */
static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    long len = 0;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len)) != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = buf ? (size_t)len : 0;
    return buf;
}

/* NULL when the driver rejects the binary; the caller then builds from
 * source, so the reason is not worth reporting. */
static cl_program program_from_binary(clmlp_device *dev, const unsigned char *bin, size_t size, const char *options)
{
    cl_int rc = CL_SUCCESS, status = CL_SUCCESS;
    cl_program p = clCreateProgramWithBinary(dev->context, 1, &dev->desc.device_id, &size, &bin, &status, &rc);
    if (rc != CL_SUCCESS || status != CL_SUCCESS) {
        if (p)
            clReleaseProgram(p);
        return NULL;
    }
    if (clBuildProgram(p, 1, &dev->desc.device_id, options, NULL, NULL) != CL_SUCCESS) {
        clReleaseProgram(p);
        return NULL;
    }
    return p;
}

/* The first lines of a build log as one line, starting at the first line
 * that mentions an error (compilers often lead with warnings). */
static void summarize_log(const char *log, char *out, size_t cap)
{
    out[0] = '\0';
    const char *start = log;
    for (const char *line = log; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        for (size_t i = 0; i + 5 <= n; i++)
            if (strncmp(line + i, "error", 5) == 0) {
                start = line;
                goto found;
            }
        line += n + (eol ? 1 : 0);
    }
found:;
    size_t len = 0;
    int lines = 0;
    for (const char *p = start; *p && lines < 3 && len + 1 < cap;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (lines++ > 0 && len + 3 < cap) {
            memcpy(out + len, " | ", 3);
            len += 3;
        }
        for (; *p && *p != '\n' && len + 1 < cap; p++)
            out[len++] = *p == '\t' || *p == '\r' ? ' ' : *p;
        while (*p && *p != '\n')
            p++;
        out[len] = '\0';
    }
    if (len == 0)
        clmlp_strlcpy(out, "(empty build log)", cap);
}

/* "clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11): <log lines>" */
static int build_failure(clmlp_device *dev, cl_program p, cl_int rc, clmlp_err *err)
{
    clmlp_cl_check(rc, "clBuildProgram", err);
    size_t size = 0;
    char *log = NULL;
    if (clGetProgramBuildInfo(p, dev->desc.device_id, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) == CL_SUCCESS &&
        (log = calloc(size + 1, 1)) != NULL &&
        clGetProgramBuildInfo(p, dev->desc.device_id, CL_PROGRAM_BUILD_LOG, size, log, NULL) == CL_SUCCESS) {
        char summary[600];
        summarize_log(log, summary, sizeof summary);
        size_t used = strlen(err->msg);
        snprintf(err->msg + used, sizeof err->msg - used, ": %s", summary);
    }
    free(log);
    return -1;
}

static int program_from_source(clmlp_device *dev, const char *source, const char *options, cl_program *out,
                               clmlp_err *err)
{
    cl_int rc = CL_SUCCESS;
    cl_program p = clCreateProgramWithSource(dev->context, 1, &source, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateProgramWithSource", err) < 0)
        return -1;
    rc = clBuildProgram(p, 1, &dev->desc.device_id, options, NULL, NULL);
    if (rc != CL_SUCCESS) {
        build_failure(dev, p, rc, err);
        clReleaseProgram(p);
        return -1;
    }
    *out = p;
    return 0;
}

static void warn(const char *path, const char *why)
{
    fprintf(stderr, "clmlp: warning: program cache not written to %s: %s\n", path, why);
}

static void save_binary(cl_program p, const char *path)
{
    clmlp_err err = {0};
    size_t size = 0;
    /* Built for exactly one device, so both arrays have one entry. */
    if (clmlp_cl_check(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL),
                       "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)", &err) < 0) {
        warn(path, err.msg);
        return;
    }
    if (size == 0) {
        warn(path, "the driver returned an empty binary");
        return;
    }
    unsigned char *bin = malloc(size);
    if (!bin) {
        warn(path, "out of memory");
        return;
    }
    unsigned char *bins[1] = {bin};
    if (clmlp_cl_check(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL),
                       "clGetProgramInfo(CL_PROGRAM_BINARIES)", &err) < 0) {
        warn(path, err.msg);
        free(bin);
        return;
    }
    char dir[PATH_MAX_], tmp[PATH_MAX_ + 32];
    clmlp_strlcpy(dir, path, sizeof dir);
    *strrchr(dir, '/') = '\0';
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = NULL;
    if (make_dirs(dir) != 0 || !(f = fopen(tmp, "wb"))) {
        warn(path, strerror(errno));
    } else {
        bool ok = fwrite(bin, 1, size, f) == size;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) {
            warn(path, strerror(errno));
            unlink(tmp);
        }
    }
    free(bin);
}

/* Queues p's binary for clmlp_device_save_programs; saves it now when
 * there is no memory to queue it. */
static void remember_unsaved(clmlp_device *dev, cl_program p, const char *path)
{
    clmlp_unsaved_program *grown = realloc(dev->unsaved, (size_t)(dev->n_unsaved + 1) * sizeof *grown);
    char *copy = grown ? strdup(path) : NULL;
    if (grown)
        dev->unsaved = grown;
    if (!copy || clRetainProgram(p) != CL_SUCCESS) {
        free(copy);
        save_binary(p, path);
        return;
    }
    dev->unsaved[dev->n_unsaved++] = (clmlp_unsaved_program){p, copy};
}

int clmlp_program_build(clmlp_device *dev, const char *source, const char *options, cl_program *out,
                        bool *from_cache, clmlp_err *err)
{
    *out = NULL;
    if (from_cache)
        *from_cache = false;
    if (!options)
        options = "";
    char path[PATH_MAX_];
    cache_path(&dev->desc, source, options, path, sizeof path);

    size_t size = 0;
    unsigned char *bin = read_file(path, &size);
    if (bin) {
        cl_program p = program_from_binary(dev, bin, size, options);
        free(bin);
        if (p) {
            *out = p;
            if (from_cache)
                *from_cache = true;
            return 0;
        }
        /* Stale or corrupt: rebuilt below, and the file overwritten. */
    }
    if (program_from_source(dev, source, options, out, err) < 0)
        return -1;
    remember_unsaved(dev, *out, path);
    return 0;
}

void clmlp_device_save_programs(clmlp_device *dev)
{
    for (int i = 0; i < dev->n_unsaved; i++) {
        save_binary(dev->unsaved[i].program, dev->unsaved[i].path);
        clReleaseProgram(dev->unsaved[i].program);
        free(dev->unsaved[i].path);
    }
    free(dev->unsaved);
    dev->unsaved = NULL;
    dev->n_unsaved = 0;
}
