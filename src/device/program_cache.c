/* Program builds through an on-disk binary cache: compiling kernels costs
 * seconds per program on some drivers, loading a binary milliseconds.
 *
 * Key: SHA-256 of platform name, device name and version, driver version,
 * build options and source, so a driver upgrade or an edited kernel misses.
 * File: <cache>/programs/<hex key>.bin, a record (program_record.h): a
 * header with the key, the binary's length and SHA-256, then the
 * CL_PROGRAM_BINARIES blob; written to a temp file and renamed so a
 * concurrent reader never sees half of it.
 * The cache is untrusted input: a record that fails a check, a binary the
 * driver rejects, or one that lacks a kernel it should have is a warning
 * naming the file, which is removed, and the program is built from source
 * (and cached again). A cache that cannot be written is a warning, never an
 * error; no cache directory means every program is built from source. */
#include "clmlp/device.h"
#include "device/cache_dir.h"
#include "device/program_record.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { DIR_MAX = 4096 + 64, PATH_MAX_ = DIR_MAX + 80 };
/* Larger files are refused unread: no driver's binary of a few kernels
 * comes near it. */
static const size_t RECORD_MAX = (size_t)256 << 20;

/* Where a program's binary is cached, and the key its record must hold. */
typedef struct {
    uint8_t key[32];
    char path[PATH_MAX_];
} cache_slot;

static void program_key(const clmlp_device_desc *d, const char *source, const char *options, uint8_t key[32])
{
    clmlp_device_digest(d, "clmlp program cache v2", options, source, key);
}

/* False when there is no cache directory. */
static bool cache_slot_of(const clmlp_device_desc *d, const char *source, const char *options, cache_slot *slot)
{
    char dir[DIR_MAX], hex[65];
    if (!clmlp_cache_folder(NULL, "programs", dir, sizeof dir))
        return false;
    program_key(d, source, options, slot->key);
    clmlp_digest_hex(slot->key, hex);
    snprintf(slot->path, sizeof slot->path, "%s/%s.bin", dir, hex);
    return true;
}

/* A cached file that cannot be used: said in one line, and removed so that
 * the source build below replaces it and no later run trips on it. */
static void refuse(const char *path, const char *why)
{
    char removed[160] = "removed";
    if (unlink(path) != 0 && errno != ENOENT)
        snprintf(removed, sizeof removed, "cannot remove it: %s", strerror(errno));
    fprintf(stderr, "clmlp: warning: program cache %s refused (%s); %s, building from source\n", path, why, removed);
}

/* The driver's program from a checked binary, or NULL with why. */
static cl_program program_from_binary(clmlp_device *dev, const uint8_t *bin, size_t size, const char *options,
                                      char *why, size_t cap)
{
    clmlp_err err = {0};
    cl_int rc = CL_SUCCESS, status = CL_SUCCESS;
    cl_program p = clCreateProgramWithBinary(dev->context, 1, &dev->desc.device_id, &size, &bin, &status, &rc);
    if (clmlp_cl_check(rc, "clCreateProgramWithBinary", &err) == 0 &&
        clmlp_cl_check(status, "clCreateProgramWithBinary (binary status)", &err) == 0 &&
        clmlp_cl_check(clBuildProgram(p, 1, &dev->desc.device_id, options, NULL, NULL), "clBuildProgram (binary)",
                       &err) == 0)
        return p;
    if (p)
        clReleaseProgram(p);
    clmlp_strlcpy(why, err.msg, cap);
    return NULL;
}

/* The program from the slot's record, or NULL: a miss, or a file refused
 * (and removed) for what its checks or the driver said. */
static cl_program program_from_cache(clmlp_device *dev, const cache_slot *slot, const char *options)
{
    if (access(slot->path, F_OK) != 0)
        return NULL;
    clmlp_err err = {0};
    char why[300];
    size_t size = 0, len = 0;
    uint8_t *record =
        (uint8_t *)clmlp_read_text_file(slot->path, RECORD_MAX, "program cache", CLMLP_EXIT_INTERNAL, &size, &err);
    const uint8_t *bin = record ? clmlp_program_record_binary(record, size, slot->key, &len, why, sizeof why) : NULL;
    cl_program p = bin ? program_from_binary(dev, bin, len, options, why, sizeof why) : NULL;
    free(record);
    if (!p)
        refuse(slot->path, record ? why : err.msg);
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

static void warn_unsaved(const char *path, const char *why)
{
    fprintf(stderr, "clmlp: warning: program cache not written to %s: %s\n", path, why);
}

/* The record of p's binary, written to a temp file and renamed over path. */
typedef struct {
    const uint8_t *header, *bin;
    size_t size;
} record_parts;

static int write_record(FILE *out, const void *ctx)
{
    const record_parts *r = ctx;
    return fwrite(r->header, 1, CLMLP_RECORD_HEADER, out) == CLMLP_RECORD_HEADER &&
                   fwrite(r->bin, 1, r->size, out) == r->size
               ? 0
               : -1;
}

static void save_binary(cl_program p, const uint8_t key[32], const char *path)
{
    clmlp_err err = {0};
    size_t size = 0;
    /* Built for exactly one device, so both arrays have one entry. */
    if (clmlp_cl_check(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL),
                       "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)", &err) < 0) {
        warn_unsaved(path, err.msg);
        return;
    }
    if (size == 0 || size > RECORD_MAX - CLMLP_RECORD_HEADER) {
        warn_unsaved(path, size ? "the driver's binary is too large" : "the driver returned an empty binary");
        return;
    }
    unsigned char *bin = malloc(size);
    if (!bin) {
        warn_unsaved(path, "out of memory");
        return;
    }
    unsigned char *bins[1] = {bin};
    if (clmlp_cl_check(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL),
                       "clGetProgramInfo(CL_PROGRAM_BINARIES)", &err) < 0) {
        warn_unsaved(path, err.msg);
        free(bin);
        return;
    }
    uint8_t header[CLMLP_RECORD_HEADER];
    clmlp_program_record_header(key, bin, size, header);
    /* Through the one atomic writer, which also clears temporary files of
     * writers that were killed. */
    record_parts parts = {header, bin, size};
    char dir[PATH_MAX_];
    clmlp_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    clmlp_err werr = {0};
    if (slash) {
        *slash = '\0';
        if (clmlp_write_file_atomic(dir, slash + 1, write_record, &parts, &werr) < 0)
            warn_unsaved(path, werr.msg);
    }
    free(bin);
}

/* Queues p's binary for clmlp_device_save_programs; saves it now when
 * there is no memory to queue it. */
static void remember_unsaved(clmlp_device *dev, cl_program p, const cache_slot *slot)
{
    clmlp_unsaved_program *grown = realloc(dev->unsaved, (size_t)(dev->n_unsaved + 1) * sizeof *grown);
    char *copy = grown ? strdup(slot->path) : NULL;
    if (grown)
        dev->unsaved = grown;
    if (!copy || clRetainProgram(p) != CL_SUCCESS) {
        free(copy);
        save_binary(p, slot->key, slot->path);
        return;
    }
    clmlp_unsaved_program *u = &dev->unsaved[dev->n_unsaved++];
    u->program = p;
    u->path = copy;
    memcpy(u->key, slot->key, sizeof u->key);
}

/* Drops the device's reference to the programs no caller holds any more
 * (their count is the device's one): a tuner's many variants are not kept
 * to the end, and a program built again after its last release comes from
 * the disk cache, as it would in a new process. */
static void prune_built(clmlp_device *dev)
{
    int kept = 0;
    for (int i = 0; i < dev->n_built; i++) {
        clmlp_built_program b = dev->built[i];
        cl_uint refs = 0;
        if (clGetProgramInfo(b.program, CL_PROGRAM_REFERENCE_COUNT, sizeof refs, &refs, NULL) == CL_SUCCESS &&
            refs == 1) {
            clReleaseProgram(b.program);
            continue;
        }
        dev->built[kept++] = b;
    }
    dev->n_built = kept;
}

/* Keeps p for later builds of the same key; without memory, p is simply
 * not shared. */
static void remember_built(clmlp_device *dev, cl_program p, const uint8_t key[32], bool from_cache)
{
    clmlp_built_program *grown = realloc(dev->built, (size_t)(dev->n_built + 1) * sizeof *grown);
    if (!grown)
        return;
    dev->built = grown;
    if (clRetainProgram(p) != CL_SUCCESS)
        return;
    clmlp_built_program *b = &dev->built[dev->n_built++];
    b->program = p;
    memcpy(b->key, key, sizeof b->key);
    b->from_cache = from_cache;
}

static void forget_built(clmlp_device *dev, cl_program p)
{
    for (int i = 0; i < dev->n_built; i++)
        if (dev->built[i].program == p) {
            clReleaseProgram(p);
            dev->built[i] = dev->built[--dev->n_built];
            return;
        }
}

void clmlp_device_release_programs(clmlp_device *dev)
{
    for (int i = 0; i < dev->n_built; i++)
        clReleaseProgram(dev->built[i].program);
    free(dev->built);
    dev->built = NULL;
    dev->n_built = 0;
}

/* A source build whose binary goes to the slot (when there is a cache),
 * kept on the device for later builds of its key. */
static int rebuild(clmlp_device *dev, const char *source, const char *options, const uint8_t key[32],
                   const cache_slot *slot, bool cache, cl_program *out, clmlp_err *err)
{
    if (program_from_source(dev, source, options, out, err) < 0)
        return -1;
    if (cache)
        remember_unsaved(dev, *out, slot);
    remember_built(dev, *out, key, false);
    return 0;
}

int clmlp_program_build(clmlp_device *dev, const char *source, const char *options, cl_program *out,
                        bool *from_cache, clmlp_err *err)
{
    *out = NULL;
    if (from_cache)
        *from_cache = false;
    if (!options)
        options = "";
    uint8_t key[32];
    program_key(&dev->desc, source, options, key);
    prune_built(dev);
    for (int i = 0; i < dev->n_built; i++)
        if (memcmp(dev->built[i].key, key, sizeof key) == 0 && clRetainProgram(dev->built[i].program) == CL_SUCCESS) {
            *out = dev->built[i].program;
            if (from_cache)
                *from_cache = dev->built[i].from_cache;
            return 0;
        }
    cache_slot slot;
    bool cache = cache_slot_of(&dev->desc, source, options, &slot);
    if (cache && (*out = program_from_cache(dev, &slot, options)) != NULL) {
        if (from_cache)
            *from_cache = true;
        remember_built(dev, *out, key, true);
        return 0;
    }
    return rebuild(dev, source, options, key, &slot, cache, out, err);
}

int clmlp_program_kernel(clmlp_device *dev, const char *source, const char *options, const char *name,
                         cl_program *program, bool *from_cache, cl_kernel *kernel, clmlp_err *err)
{
    *kernel = NULL;
    if (!*program && clmlp_program_build(dev, source, options, program, from_cache, err) < 0)
        return -1;
    char call[160];
    snprintf(call, sizeof call, "clCreateKernel(%.120s)", name);
    cl_int rc = CL_SUCCESS;
    cl_kernel k = clCreateKernel(*program, name, &rc);
    if (rc == CL_SUCCESS) {
        *kernel = k;
        return 0;
    }
    if (!*from_cache)
        return clmlp_cl_check(rc, call, err);
    /* A record that passed its checks and still lacks the kernel: the
     * driver has the last word, so the file goes and the source is built. */
    clmlp_err why = {0};
    clmlp_cl_check(rc, call, &why);
    if (!options)
        options = "";
    cache_slot slot;
    bool cache = cache_slot_of(&dev->desc, source, options, &slot);
    if (cache)
        refuse(slot.path, why.msg);
    else
        fprintf(stderr, "clmlp: warning: a program from the cache failed (%s); building from source\n", why.msg);
    forget_built(dev, *program);
    clReleaseProgram(*program);
    *program = NULL;
    *from_cache = false;
    uint8_t key[32];
    program_key(&dev->desc, source, options, key);
    if (rebuild(dev, source, options, key, &slot, cache, program, err) < 0)
        return -1;
    k = clCreateKernel(*program, name, &rc);
    if (clmlp_cl_check(rc, call, err) < 0)
        return -1;
    *kernel = k;
    return 0;
}

void clmlp_device_save_programs(clmlp_device *dev)
{
    for (int i = 0; i < dev->n_unsaved; i++) {
        save_binary(dev->unsaved[i].program, dev->unsaved[i].key, dev->unsaved[i].path);
        clReleaseProgram(dev->unsaved[i].program);
        free(dev->unsaved[i].path);
    }
    free(dev->unsaved);
    dev->unsaved = NULL;
    dev->n_unsaved = 0;
}
