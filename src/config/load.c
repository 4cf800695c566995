/* clmlp_config_load: reads the file and hands its text to the parser with the
 * file's folder (made absolute) as the base of relative data paths, so the
 * loaded config does not depend on where clmlp was started. */
#include "config/config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Configs are small; anything bigger is not a config. */
#define CONFIG_MAX_BYTES (4u << 20)

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
    char *text = clmlp_read_text_file(path, CONFIG_MAX_BYTES, "config", CLMLP_EXIT_USAGE, &len, err);
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
