/* The tune cache file (clmlp_tune_cache_load) of a made-up device: any file
 * loads (a corrupt one as an empty cache), and a cache that loaded saves
 * (clmlp_tune_cache_save) to a file that loads to as many entries and saves
 * to the same text again. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/tune.h"

/* A made-up device with the limits of a two-core PoCL CPU device. */
static const clmlp_device_desc device = {.platform = "Fuzz Platform",
                                         .name = "fuzz device",
                                         .version = "OpenCL 1.2",
                                         .driver = "1.0",
                                         .type = CL_DEVICE_TYPE_CPU,
                                         .compute_units = 2,
                                         .global_mem = 4ull << 30,
                                         .local_mem = 1 << 20,
                                         .max_alloc = 1ull << 30,
                                         .max_work_group = 4096};

/* The loader warns on stderr about each corrupt file: say nothing, so the
 * fuzzer's log stays readable (sanitizer reports go to fd 2, not stderr). */
static int load_quietly(const char *dir, clmlp_tune_cache *c)
{
    static FILE *devnull;
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        fuzz_fail("cannot open /dev/null");
    FILE *saved = stderr;
    stderr = devnull;
    clmlp_err err;
    int rc = clmlp_tune_cache_load(&device, dir, c, &err);
    stderr = saved;
    if (rc < 0)
        fuzz_fail("tune cache load failed: %s", err.msg);
    return c->count;
}

/* Saves the cache (as changed) and returns the file's text (malloc'ed). */
static char *save(clmlp_tune_cache *c)
{
    clmlp_err err;
    c->dirty = true;
    if (clmlp_tune_cache_save(c, &err) < 0)
        fuzz_fail("tune cache save failed: %s", err.msg);
    size_t len;
    char *text = clmlp_read_text_file(c->path, 1u << 20, "tune cache", 1, &len, &err);
    if (!text)
        fuzz_fail("%s", err.msg);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *dir;
    static char path[CLMLP_PATH_MAX + 64];
    if (!dir) {
        dir = fuzz_path("cache");
        clmlp_tune_cache_path(&device, dir, path, sizeof path); /* makes its folder */
        if (!path[0])
            fuzz_fail("no tune cache folder under %s", dir);
    }
    fuzz_write_file(path, data, size);
    clmlp_tune_cache c;
    int count = load_quietly(dir, &c);
    if (count > 0) {
        char *first = save(&c);
        clmlp_tune_cache_free(&c);
        if (load_quietly(dir, &c) != count)
            fuzz_fail("%d entries loaded, %d after saving them:\n%s", count, c.count, first);
        char *second = save(&c);
        if (strcmp(first, second) != 0)
            fuzz_fail("saving a saved cache changed it:\n%s\nbecame\n%s", first, second);
        free(first);
        free(second);
    }
    clmlp_tune_cache_free(&c);
    return 0;
}
