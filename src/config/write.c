/* clmlp_config_write_yaml: every key in schema order, grouped into nested
 * sections, in a form clmlp_config_parse reads back to the same struct. */
#include "config/config_internal.h"

#include <stdio.h>
#include <string.h>

/* Number of leading components two dotted section paths share. */
static int common_depth(const char *a, const char *b)
{
    int depth = 0;
    for (;;) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        if (!la || la != lb || strncmp(a, b, la) != 0)
            return depth;
        depth++;
        if (!a[la] || !b[lb])
            return depth;
        a += la + 1;
        b += lb + 1;
    }
}

int clmlp_config_write_yaml(const clmlp_config *cfg, FILE *out)
{
    if (cfg->source_path[0])
        fprintf(out, "# effective config of %s (every key, defaults filled in)\n", cfg->source_path);
    else
        fprintf(out, "# effective config (every key, defaults filled in)\n");
    char section[256] = "";
    for (size_t i = 0; i < cfg_schema_len; i++) {
        const cfg_key *k = &cfg_schema[i];
        const char *leaf = strrchr(k->path, '.');
        char sec[256];
        snprintf(sec, sizeof sec, "%.*s", leaf ? (int)(leaf - k->path) : 0, k->path);
        leaf = leaf ? leaf + 1 : k->path;

        /* Open the sections this key needs that the previous key did not. */
        int keep = common_depth(section, sec), depth = 0;
        for (const char *p = sec; *p; depth++) {
            size_t len = strcspn(p, ".");
            if (depth >= keep)
                fprintf(out, "%s%*s%.*s:\n", depth == 0 && i > 0 ? "\n" : "", depth * 2, "", (int)len, p);
            p += len + (p[len] == '.');
        }
        snprintf(section, sizeof section, "%s", sec);

        char value[CLMLP_PATH_MAX * 4 + 16];
        cfg_format_value(cfg, k, value, sizeof value);
        fprintf(out, "%*s%s: %s\n", depth * 2, "", leaf, value);
    }
    return ferror(out) ? -1 : 0;
}
