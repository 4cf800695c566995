/* clmlp_config_load: reads the file and hands its text to the parser with the
 * file's folder (made absolute) as the base of relative data paths, so the
 * loaded config does not depend on where clmlp was started. */
#include "config/config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Configs are small; anything bigger is not a config. */
#define CONFIG_MAX_BYTES (4u << 20)

char *cfg_read_file(const char *path, const char *noun, size_t *len, clmlp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        goto fail;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading %s '%s'", noun, path);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= CONFIG_MAX_BYTES) {
                free(buf);
                fclose(f);
                clmlp_fail(err, CLMLP_EXIT_USAGE, "%s '%s' is larger than %u MiB", noun, path, CONFIG_MAX_BYTES >> 20);
                return NULL;
            }
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                fclose(f);
                clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory reading %s '%s'", noun, path);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
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
        errno = saved;
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    clmlp_fail(err, CLMLP_EXIT_USAGE, "cannot read %s '%s': %s", noun, path, strerror(errno));
    return NULL;
}

/* The folder of path, absolute, into out. */
static void folder_of(const char *path, char *out, size_t cap)
{
    char dir[CLMLP_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    char cwd[CLMLP_PATH_MAX];
    if (dir[0] == '/' || !getcwd(cwd, sizeof cwd) || cfg_resolve_path(cwd, dir, out, cap) < 0)
        snprintf(out, cap, "%s", dir);
    cfg_clean_path(out);
}

/* "configs/seed-mlp.yaml" -> "seed-mlp" */
static void stem_of(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, base, len);
    out[len] = '\0';
}

int clmlp_config_load(const char *path, const char *const *overrides, int n_overrides, clmlp_config *cfg,
                      clmlp_err *err)
{
    clmlp_config_defaults(cfg);
    size_t len = 0;
    char *text = cfg_read_file(path, "config", &len, err);
    if (!text)
        return -1;
    if (strlen(path) >= sizeof cfg->source_path) {
        free(text);
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "config path '%.60s...' is too long", path);
    }
    clmlp_strlcpy(cfg->source_path, path, sizeof cfg->source_path);
    folder_of(path, cfg->base_dir, sizeof cfg->base_dir);
    char stem[CLMLP_NAME_MAX];
    stem_of(path, stem, sizeof stem);
    if (stem[0])
        clmlp_strlcpy(cfg->name, stem, sizeof cfg->name);
    int rc = cfg_parse_into(cfg, text, len, path, cfg->base_dir, overrides, n_overrides, NULL, err);
    free(text);
    return rc;
}
