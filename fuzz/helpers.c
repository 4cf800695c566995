/* Shared by the harnesses; see helpers.h. */
#include "helpers.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        fuzz_fail("out of memory for a %zu-byte input", size);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Where fuzz_check_dataset's reads go, so that they are not optimised away. */
volatile unsigned fuzz_sink;

static char tmp_dir[512];

/* rm -r: the tune cache leaves a folder and its atomic writes behind. */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[1024];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        closedir(d);
    }
    remove(path);
}

static void remove_tmp_dir(void) { remove_tree(tmp_dir); }

const char *fuzz_path(const char *name)
{
    if (!tmp_dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/clmlp-fuzz-XXXXXX", base && base[0] ? base : "/tmp");
        if (!mkdtemp(tmp_dir))
            fuzz_fail("cannot create a temporary folder %s", tmp_dir);
        atexit(remove_tmp_dir);
    }
    size_t n = strlen(tmp_dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        fuzz_fail("out of memory for a path");
    snprintf(path, n, "%s/%s", tmp_dir, name);
    return path;
}

void fuzz_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write %s", path);
}

void fuzz_check_dataset(int rc, clmlp_dataset *ds, bool labels, const clmlp_err *err)
{
    if (rc < 0) {
        if (ds->count || ds->rows || ds->cols || ds->pixels || ds->labels)
            fuzz_fail("a failed load left the dataset set (%s)", err->msg);
        return;
    }
    if (ds->count < 1 || ds->rows < 1 || ds->cols < 1 || !ds->pixels || !ds->labels != !labels)
        fuzz_fail("loaded %lld images of %dx%d, pixels %p, labels %p", (long long)ds->count, ds->rows, ds->cols,
                  (void *)ds->pixels, (void *)ds->labels);
    unsigned sum = 0;
    for (int64_t i = 0; i < ds->count * clmlp_dataset_features(ds); i++)
        sum += ds->pixels[i];
    for (int64_t i = 0; ds->labels && i < ds->count; i++)
        sum += ds->labels[i];
    fuzz_sink = sum;
    clmlp_dataset_free(ds);
}

void fuzz_config_round_trip(const clmlp_config *cfg, const char *base_dir)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out || clmlp_config_write_yaml(cfg, out) < 0 || fclose(out) != 0)
        fuzz_fail("cannot write the config as YAML");
    static clmlp_config back; /* large: off the stack */
    clmlp_err err;
    if (clmlp_config_parse(text, len, "<written>", base_dir, NULL, 0, &back, &err) < 0)
        fuzz_fail("the written config does not load: %s\n%s", err.msg, text);
    for (size_t i = 0; i < cfg_schema_len; i++) {
        const cfg_key *k = &cfg_schema[i];
        if (!cfg_key_equal(cfg, &back, k)) {
            static char was[CLMLP_PATH_MAX * 4 + 16], now[sizeof was];
            cfg_format_value(cfg, k, was, sizeof was);
            cfg_format_value(&back, k, now, sizeof now);
            fuzz_fail("%s: %s was written, %s read back\n%s", k->path, was, now, text);
        }
    }
    free(text);
}
