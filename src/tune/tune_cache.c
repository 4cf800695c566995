/* The tune cache: one small text file per device, one line per GEMM shape.
 *
 *   # clmlp GEMM tune cache v1: ...
 *   device <CL_DEVICE_NAME>
 *   driver <CL_DRIVER_VERSION>
 *   NN 100 400 784 0 bias_relu quick generated 10 16 16 1 1 0 -1 231.4
 *   TN 784 400 100 0 none full clblast XgemmDirect 2,8,8,8,8,0,0,1,8,64 21.3
 *
 * Fields: transposes, M N K, accumulate, epilogue, how it was tuned, the
 * choice (generated: TM TN VW WGM WGN outer BK, BK -1 for the register
 * forms; clblast: kernel and its parameter values), its GFLOP/s when
 * measured. Lines written before the local form had no BK: read as -1,
 * which is what they measured. The file name hashes platform, device
 * and driver; the device and driver lines are checked too. Anything
 * unexpected makes the whole file "corrupt": one warning, then it is ignored
 * and rewritten, since a guessed choice could pick an unverified kernel.
 * A well-formed entry whose choice the kernel would refuse on this device
 * (clmlp_tune_choice_valid) is dropped on its own, with a warning naming the
 * file and the entry; its shape is tuned again. Entries are checked once
 * more when they are looked up, before a plan uses them. */
#include "clmlp/tune.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static const char HEADER[] = "# clmlp GEMM tune cache v1: one line per shape (transposes, M N K, accumulate, "
                             "epilogue, mode, choice, GFLOP/s); delete the file to tune again";

void clmlp_tune_cache_path(const clmlp_device_desc *d, const char *dir, char *out, size_t cap)
{
    /* Host-timed devices' figures include launch cost: kept apart. */
    clmlp_device_cache_path(d, dir, "tune", "clmlp tune cache v1", d->host_timed ? "host-timed" : NULL, ".txt", out,
                            cap);
}

void clmlp_tune_shape_key(const clmlp_gemm_shape *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%c%c %dx%dx%d %s%s", s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m, s->n, s->k,
             clmlp_epilogue_name(s->epilogue), s->accumulate ? " acc" : "");
}

/* ---- validation --------------------------------------------------------- */

static bool is_vector_width(int v) { return v == 1 || v == 2 || v == 4 || v == 8 || v == 16; }

/* x a multiple of y (false for y < 1, which would divide by zero). */
static bool multiple(long long x, long long y) { return y >= 1 && x % y == 0; }

/* CLBlast's rules for a parameter set (its tuner's constraints, kernel 0
 * of Xgemm in full), which CLBlastOverrideParameters does not check:
 * flags 0/1, vector widths 1-16, the tile of a work-group a whole number
 * of work-items and vectors, the work-group within the device's. */
static bool clblast_valid(const clmlp_gemm_target *target, const clmlp_clblast_params *p, char *why, size_t cap)
{
    const int *v = p->values;
    int n;
    const char *const *names = clmlp_clblast_param_names(p->kernel, &n);
    bool direct = p->kernel == CLMLP_CLBLAST_DIRECT;
    for (int i = 0; i < n; i++) {
        bool flag = direct ? i == 5 || i == 6 : i == 0 || (i >= 10 && i <= 13);
        bool width = direct ? i == 7 || i == 8 : i >= 14;
        if (flag ? v[i] != 0 && v[i] != 1 : width ? !is_vector_width(v[i]) : v[i] < 1) {
            snprintf(why, cap, "clblast %s: %s=%d is not %s", clmlp_clblast_kernel_name(p->kernel), names[i], v[i],
                     flag ? "0 or 1" : width ? "1, 2, 4, 8 or 16" : "positive");
            return false;
        }
    }
    bool ok;
    size_t wg;
    if (direct) { /* KWID MDIMAD MDIMCD NDIMBD NDIMCD PADA PADB VWMD VWND WGD */
        long long kwid = v[0], mdimad = v[1], mdimcd = v[2], ndimbd = v[3], ndimcd = v[4], vwmd = v[7],
                  vwnd = v[8], wgd = v[9]; /* wide: products of values up to 2^20 */
        ok = multiple(wgd, kwid) && multiple(wgd, mdimcd * vwmd) && multiple(wgd, ndimcd * vwnd) &&
             multiple(wgd, mdimad * vwmd) && multiple(wgd, ndimbd * vwnd) &&
             multiple(wgd, mdimcd * ndimcd / mdimad) && multiple(wgd, mdimcd * ndimcd / ndimbd);
        wg = (size_t)mdimcd * (size_t)ndimcd;
    } else { /* GEMMK KREG KWG KWI MDIMA MDIMC MWG NDIMB NDIMC NWG SA SB STRM STRN VWM VWN */
        long long gemmk = v[0], kwg = v[2], kwi = v[3], mdima = v[4], mdimc = v[5], mwg = v[6], ndimb = v[7],
                  ndimc = v[8], nwg = v[9], vwm = v[14], vwn = v[15];
        ok = multiple(kwg, kwi) && multiple(mwg, mdimc * vwm) && multiple(nwg, ndimc * vwn) &&
             (gemmk == 1 || (multiple(mwg, mdima * vwm) && multiple(nwg, ndimb * vwn) &&
                             multiple(kwg, mdimc * ndimc / mdima) && multiple(kwg, mdimc * ndimc / ndimb)));
        wg = (size_t)mdimc * (size_t)ndimc;
    }
    if (!ok) {
        snprintf(why, cap, "clblast %s: the tile sizes do not divide as CLBlast's kernel needs",
                 clmlp_clblast_kernel_name(p->kernel));
        return false;
    }
    if (target && target->max_work_group && wg > target->max_work_group) {
        snprintf(why, cap, "clblast %s: work-group of %zu exceeds the device's maximum %zu",
                 clmlp_clblast_kernel_name(p->kernel), wg, target->max_work_group);
        return false;
    }
    return true;
}

bool clmlp_tune_choice_valid(const clmlp_gemm_target *target, const clmlp_gemm_shape *s, const clmlp_gemm_choice *c,
                             char *why, size_t cap)
{
    if (c->provider == CLMLP_GEMM_CLBLAST) {
        if (c->clblast.kernel == CLMLP_CLBLAST_DEFAULT)
            return true;
        return clblast_valid(target, &c->clblast, why, cap);
    }
    /* Exactly what the generated kernel applies when it is prepared. */
    clmlp_gemm_tunables t = c->tunables;
    char opts[512];
    clmlp_err err = {0};
    if (clmlp_gemm_generated_options(target, s, &t, opts, sizeof opts, &err) == 0)
        return true;
    clmlp_strlcpy(why, err.msg, cap);
    return false;
}

/* "clmlp: warning: tune cache <path>: <where>NN 100x64x784 bias_relu
 * (generated TM=128 ...) refused: <why>; that shape will be tuned again" */
static void warn_entry(const clmlp_tune_cache *c, int lineno, const clmlp_tune_entry *e, const char *why)
{
    char key[96], desc[256], where[32] = "";
    clmlp_tune_shape_key(&e->shape, key, sizeof key);
    clmlp_gemm_choice_describe(&e->choice, desc, sizeof desc);
    if (lineno > 0)
        snprintf(where, sizeof where, "line %d, ", lineno);
    fprintf(stderr, "clmlp: warning: tune cache %s: %sentry %s (%s) refused: %s; that shape will be tuned again\n",
            c->path, where, key, desc, why);
}

/* ---- parsing ------------------------------------------------------------ */

static bool parse_int(const char *tok, int lo, int hi, int *out)
{
    if (!tok)
        return false;
    char *end;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (errno || end == tok || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_name(const char *tok, const char *const *names, int count, int *out)
{
    for (int i = 0; tok && i < count; i++)
        if (strcmp(tok, names[i]) == 0) {
            *out = i;
            return true;
        }
    return false;
}

static bool parse_clblast(char *kernel, char *values, clmlp_clblast_params *p)
{
    static const char *const kernels[] = {"default", "XgemmDirect", "Xgemm"};
    int k, n;
    if (!parse_name(kernel, kernels, 3, &k) || k == CLMLP_CLBLAST_DEFAULT || !values)
        return false;
    p->kernel = (clmlp_clblast_kernel)k;
    clmlp_clblast_param_names(p->kernel, &n);
    char *save = NULL, *tok = strtok_r(values, ",", &save);
    for (int i = 0; i < n; i++, tok = strtok_r(NULL, ",", &save))
        if (!parse_int(tok, 0, 1 << 20, &p->values[i]))
            return false;
    return tok == NULL;
}

/* One shape line; false when anything is off. */
static bool parse_entry(char *line, clmlp_tune_entry *e)
{
    static const char *const modes[] = {"off", "quick", "full"};
    memset(e, 0, sizeof *e);
    char *save = NULL, *tok[20];
    int n = 0;
    for (char *t = strtok_r(line, " \t", &save); t && n < 20; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    const char *epilogues[CLMLP_EPILOGUE_COUNT];
    for (int i = 0; i < CLMLP_EPILOGUE_COUNT; i++)
        epilogues[i] = clmlp_epilogue_name((clmlp_epilogue)i);
    int acc, epi, mode;
    clmlp_gemm_shape *s = &e->shape;
    if (n < 10 || strlen(tok[0]) != 2 || !strchr("NT", tok[0][0]) || !strchr("NT", tok[0][1]) ||
        !parse_int(tok[1], 1, 1 << 30, &s->m) || !parse_int(tok[2], 1, 1 << 30, &s->n) ||
        !parse_int(tok[3], 1, 1 << 30, &s->k) || !parse_int(tok[4], 0, 1, &acc) ||
        !parse_name(tok[5], epilogues, CLMLP_EPILOGUE_COUNT, &epi) || !parse_name(tok[6], modes, 3, &mode) ||
        mode == CLMLP_AUTOTUNE_OFF)
        return false;
    s->trans_a = tok[0][0] == 'T';
    s->trans_b = tok[0][1] == 'T';
    s->accumulate = acc;
    s->epilogue = (clmlp_epilogue)epi;
    e->mode = (clmlp_autotune)mode;
    clmlp_gemm_choice *c = &e->choice;
    c->tuned = true;
    int last;
    if (strcmp(tok[7], "generated") == 0 && (n == 15 || n == 16)) {
        clmlp_gemm_tunables *t = &c->tunables;
        c->provider = CLMLP_GEMM_GENERATED;
        if (!parse_int(tok[8], 1, 128, &t->tile_m) || !parse_int(tok[9], 1, 128, &t->tile_n) ||
            !parse_int(tok[10], 1, 16, &t->vector_width) || !parse_int(tok[11], 1, 1024, &t->local_m) ||
            !parse_int(tok[12], 1, 1024, &t->local_n) || !parse_int(tok[13], 0, 1, &t->outer))
            return false;
        t->local_k = -1; /* a line from before BK: the register forms */
        if (n == 16 && (!parse_int(tok[14], -1, 64, &t->local_k) || t->local_k == 0))
            return false;
        last = n - 1;
    } else if (strcmp(tok[7], "clblast") == 0 && n == 11) {
        c->provider = CLMLP_GEMM_CLBLAST;
        if (!parse_clblast(tok[8], tok[9], &c->clblast))
            return false;
        last = 10;
    } else {
        return false;
    }
    char *end;
    c->gflops = strtod(tok[last], &end);
    return *end == '\0' && c->gflops >= 0 && c->gflops < 1e9;
}

static void chomp(char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
}

static int reserve(clmlp_tune_cache *c, clmlp_err *err)
{
    if (c->count < c->cap)
        return 0;
    int cap = c->cap ? 2 * c->cap : 32;
    clmlp_tune_entry *grown = realloc(c->entries, (size_t)cap * sizeof *grown);
    if (!grown)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory for the tune cache");
    c->entries = grown;
    c->cap = cap;
    return 0;
}

static clmlp_tune_entry *slot_of(const clmlp_tune_cache *c, const clmlp_gemm_shape *s)
{
    for (int i = 0; i < c->count; i++)
        if (clmlp_gemm_shape_equal(&c->entries[i].shape, s))
            return &c->entries[i];
    return NULL;
}

/* Reads the file at into->path for into->device/driver, appending its
 * entries (not the shapes it has already). An entry the kernel would refuse
 * is left out, a warning when `warn`, and makes the cache dirty so that the
 * file is rewritten without it. 0 when it was read whole; 1 when it is
 * missing (why = "") or unusable (why says where), with nothing appended;
 * -1 out of memory. */
static int read_file(clmlp_tune_cache *into, bool warn, char *why, size_t cap, clmlp_err *err)
{
    why[0] = '\0';
    FILE *f = fopen(into->path, "r");
    if (!f) {
        if (errno != ENOENT)
            snprintf(why, cap, "cannot read it: %s", strerror(errno));
        return 1;
    }
    char line[1024], invalid[300];
    int lineno = 0, first_new = into->count;
    bool device_ok = false, driver_ok = false;
    while (!why[0] && fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        clmlp_tune_entry e;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "device ", 7) == 0) {
            if (!(device_ok = strcmp(line + 7, into->device) == 0))
                snprintf(why, cap, "line %d: written for device '%.200s'", lineno, line + 7);
        } else if (strncmp(line, "driver ", 7) == 0) {
            if (!(driver_ok = strcmp(line + 7, into->driver) == 0))
                snprintf(why, cap, "line %d: written for driver '%.200s'", lineno, line + 7);
        } else if (!device_ok || !driver_ok) {
            snprintf(why, cap, "line %d comes before the device and driver lines", lineno);
        } else if (!parse_entry(line, &e)) {
            snprintf(why, cap, "line %d is not a tune entry", lineno);
        } else if (!clmlp_tune_choice_valid(&into->target, &e.shape, &e.choice, invalid, sizeof invalid)) {
            if (warn)
                warn_entry(into, lineno, &e, invalid);
            into->dirty = true;
        } else if (!slot_of(into, &e.shape)) {
            if (reserve(into, err) < 0) {
                fclose(f);
                into->count = first_new;
                return -1;
            }
            into->entries[into->count++] = e;
        }
    }
    fclose(f);
    if (!why[0] && (!device_ok || !driver_ok))
        snprintf(why, cap, "no device and driver lines");
    if (why[0]) {
        into->count = first_new;
        return 1;
    }
    return 0;
}

int clmlp_tune_cache_load(const clmlp_device_desc *desc, const char *dir, clmlp_tune_cache *c, clmlp_err *err)
{
    memset(c, 0, sizeof *c);
    clmlp_tune_cache_path(desc, dir, c->path, sizeof c->path);
    clmlp_strlcpy(c->device, desc->name, sizeof c->device);
    clmlp_strlcpy(c->driver, desc->driver, sizeof c->driver);
    c->target = clmlp_gemm_target_of(desc);
    char why[300];
    int rc = read_file(c, true, why, sizeof why, err);
    if (rc < 0)
        return -1;
    if (rc == 1 && why[0]) {
        fprintf(stderr, "clmlp: warning: tune cache %s ignored (%s); its shapes will be tuned again\n", c->path,
                why);
        c->dirty = true; /* rewritten whole on save */
    }
    return 0;
}

const clmlp_tune_entry *clmlp_tune_cache_find(const clmlp_tune_cache *c, const clmlp_gemm_shape *s)
{
    const clmlp_tune_entry *e = slot_of(c, s);
    char why[300];
    if (e && !clmlp_tune_choice_valid(&c->target, s, &e->choice, why, sizeof why)) {
        warn_entry(c, 0, e, why);
        return NULL;
    }
    return e;
}

int clmlp_tune_cache_put(clmlp_tune_cache *c, const clmlp_tune_entry *e, clmlp_err *err)
{
    clmlp_tune_entry *slot = slot_of(c, &e->shape);
    if (!slot) {
        if (reserve(c, err) < 0)
            return -1;
        slot = &c->entries[c->count++];
    }
    *slot = *e;
    c->dirty = true;
    return 0;
}

/* ---- writing -------------------------------------------------------------- */

static void write_entry(FILE *out, const clmlp_tune_entry *e)
{
    const clmlp_gemm_shape *s = &e->shape;
    const clmlp_gemm_choice *c = &e->choice;
    fprintf(out, "%c%c %d %d %d %d %s %s ", s->trans_a ? 'T' : 'N', s->trans_b ? 'T' : 'N', s->m, s->n, s->k,
            s->accumulate ? 1 : 0, clmlp_epilogue_name(s->epilogue), clmlp_autotune_name(e->mode));
    if (c->provider == CLMLP_GEMM_CLBLAST) {
        int n;
        clmlp_clblast_param_names(c->clblast.kernel, &n);
        fprintf(out, "clblast %s ", clmlp_clblast_kernel_name(c->clblast.kernel));
        for (int i = 0; i < n; i++)
            fprintf(out, "%s%d", i ? "," : "", c->clblast.values[i]);
    } else {
        const clmlp_gemm_tunables *t = &c->tunables;
        fprintf(out, "generated %d %d %d %d %d %d %d", t->tile_m, t->tile_n, t->vector_width, t->local_m, t->local_n,
                t->outer, t->local_k > 0 ? t->local_k : -1);
    }
    fprintf(out, " %.1f\n", c->gflops);
}

static int write_cache(FILE *out, const void *ctx)
{
    const clmlp_tune_cache *c = ctx;
    fprintf(out, "%s\ndevice %s\ndriver %s\n", HEADER, c->device, c->driver);
    for (int i = 0; i < c->count; i++)
        write_entry(out, &c->entries[i]);
    return 0;
}

int clmlp_tune_cache_save(clmlp_tune_cache *c, clmlp_err *err)
{
    if (!c->dirty || !c->path[0]) /* "": no cache directory */
        return 0;
    /* Keep what another process tuned meanwhile (ours win on the same
     * shape); a file that has gone bad is simply replaced. */
    char why[300];
    if (read_file(c, false, why, sizeof why, err) < 0)
        return -1;
    char dir[sizeof c->path];
    clmlp_strlcpy(dir, c->path, sizeof dir);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot create '%s': %s", dir, strerror(errno));
    if (clmlp_write_file_atomic(dir, slash + 1, write_cache, c, err) < 0)
        return -1;
    c->dirty = false;
    return 0;
}

void clmlp_tune_cache_free(clmlp_tune_cache *c)
{
    free(c->entries);
    c->entries = NULL;
    c->count = c->cap = 0;
}
