/* Path joining for data paths: relative paths in a config file mean "next to
 * the config file", so they are joined to its folder when read. The result is
 * folded lexically (no realpath: the file need not exist yet, and the text
 * stays what the user would expect to read). */
#include "config/config_internal.h"

#include <stdio.h>
#include <string.h>

void cfg_clean_path(char *path)
{
    char in[CLMLP_PATH_MAX * 2];
    size_t total = strlen(path);
    if (!total || total >= sizeof in)
        return; /* nothing to do, or too long to matter: leave as written */
    memcpy(in, path, total + 1);
    bool absolute = in[0] == '/';
    char *start = path + absolute, *out = start;
    size_t kept = 0; /* components in out that a ".." may remove */
    for (const char *p = in + absolute; *p;) {
        size_t len = strcspn(p, "/");
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* "//" or "/./": nothing */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (kept > 0) {
                out--; /* the '/' after the last component */
                while (out > start && out[-1] != '/')
                    out--;
                kept--;
            } else if (!absolute) {
                /* A leading ".." of a relative path stays; above "/" is "/". */
                memcpy(out, "../", 3);
                out += 3;
            }
        } else {
            memcpy(out, p, len);
            out += len;
            *out++ = '/';
            kept++;
        }
        p += len;
        if (*p == '/')
            p++;
    }
    if (out > start)
        out--; /* the '/' after the last component */
    *out = '\0';
    if (!path[0])
        strcpy(path, ".");
}

int cfg_resolve_path(const char *base, const char *rel, char *out, size_t cap)
{
    int n;
    if (!rel[0] || rel[0] == '/' || !base || !base[0])
        n = snprintf(out, cap, "%s", rel); /* absolute or nothing to join: as written */
    else
        n = snprintf(out, cap, "%s/%s", base, rel);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    if (rel[0] && rel[0] != '/' && base && base[0])
        cfg_clean_path(out);
    return 0;
}
