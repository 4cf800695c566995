/* The architecture, checked on the source tree: folders under src/ depend
 * on each other without loops (config → data → graph → compiler → device →
 * runtime → profile → report, with gemm, tune, probe, roofline, compare,
 * plot and svm beside), and no OpenCL header is reachable from the headers
 * the graph and the compiler are written against. A new header must say which folder owns
 * it (the table below), so the check cannot silently skip it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/common.h"
#include "harness.h"

/* Public headers and the folder of src/ that implements them. */
static const struct {
    const char *header, *folder;
} owners[] = {
    {"common", "common"},     {"json", "common"},         {"json_parse", "common"}, {"rng", "common"},
    {"config", "config"},     {"data", "data"},           {"device", "device"},     {"graph", "graph"},
    {"gemm", "gemm"},         {"gemm_kernels", "gemm"},   {"compiler", "compiler"}, {"runtime", "runtime"},
    {"session", "runtime"},   {"experiment", "runtime"},  {"inference", "runtime"},  {"profile", "profile"},   {"probe", "probe"},
    {"roofline", "roofline"}, {"tune", "tune"},           {"report", "report"},     {"compare", "compare"},
    {"devmodel", "model"},    {"extrapolate", "model"},   {"fit", "model"},   {"sweep", "compare"},   {"cli", "cli"},           {"plot", "plot"},           {"svg", "plot"},
    {"safetensors", "modelfile"}, {"modelfile", "modelfile"}, {"dist", "dist"},       {"svm", "svm"},
    {"svm_device", "svm_device"},
};

enum { MAX_FOLDERS = 32, MAX_HEADERS = 64 };
static char folders[MAX_FOLDERS][256];
static int n_folders;
static bool depends[MAX_FOLDERS][MAX_FOLDERS];

static int folder_index(const char *name)
{
    for (int i = 0; i < n_folders; i++)
        if (strcmp(folders[i], name) == 0)
            return i;
    if (n_folders == MAX_FOLDERS)
        return -1;
    snprintf(folders[n_folders], sizeof folders[n_folders], "%s", name);
    return n_folders++;
}

static const char *owner_of(const char *header)
{
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(owners); i++)
        if (strcmp(owners[i].header, header) == 0)
            return owners[i].folder;
    return NULL;
}

/* Calls fn for every `#include "clmlp/<name>.h"` of the file; whether it
 * includes <CL/cl.h> itself. */
static bool scan_includes(const char *path, void (*fn)(void *user, const char *name), void *user)
{
    char *text = test_read_file(path, NULL);
    if (!text) {
        test_fail(__FILE__, __LINE__, "cannot read %s", path);
        return false;
    }
    bool cl = strstr(text, "#include <CL/cl.h>") != NULL;
    for (const char *p = text; (p = strstr(p, "#include \"clmlp/")) != NULL;) {
        p += strlen("#include \"clmlp/");
        char name[64];
        size_t n = strcspn(p, ".\"");
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
        fn(user, name);
    }
    free(text);
    return cl;
}

typedef struct {
    const char *path;
    int from; /* folder index */
} edge_ctx;

static void add_edge(void *user, const char *header)
{
    const edge_ctx *e = user;
    const char *owner = owner_of(header);
    if (!owner) {
        test_fail(__FILE__, __LINE__, "%s includes clmlp/%s.h, which the owners table of tests/test_layers.c does not "
                                      "know: add it",
                  e->path, header);
        return;
    }
    int to = folder_index(owner);
    if (to >= 0 && to != e->from)
        depends[e->from][to] = true;
}

/* Every .c and .h of src/<folder>/ and every public header, as edges. */
static void build_graph(void)
{
    char dir[2048], path[4096];
    n_folders = 0;
    memset(depends, 0, sizeof depends);
    snprintf(dir, sizeof dir, "%s/include/clmlp", test_source_root());
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0)
            continue;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len - 2), e->d_name);
        const char *owner = owner_of(name);
        if (!owner) {
            test_fail(__FILE__, __LINE__, "include/clmlp/%s: no owner in tests/test_layers.c's table", e->d_name);
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        edge_ctx ctx = {path, folder_index(owner)};
        scan_includes(path, add_edge, &ctx);
    }
    if (d)
        closedir(d);
    snprintf(dir, sizeof dir, "%s/src", test_source_root());
    d = opendir(dir);
    CHECK(d != NULL);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char sub[3000];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *s = opendir(sub);
        if (!s)
            continue;
        int from = folder_index(e->d_name);
        for (struct dirent *f; (f = readdir(s)) != NULL;) {
            size_t len = strlen(f->d_name);
            if (len < 3 || (strcmp(f->d_name + len - 2, ".c") != 0 && strcmp(f->d_name + len - 2, ".h") != 0))
                continue;
            snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
            edge_ctx ctx = {path, from};
            scan_includes(path, add_edge, &ctx);
        }
        closedir(s);
    }
    if (d)
        closedir(d);
}

static void folders_depend_on_each_other_without_loops(void)
{
    build_graph();
    CHECK(n_folders >= 10);
    /* reach[a][b]: a depends on b, directly or through others (Warshall). */
    static bool reach[MAX_FOLDERS][MAX_FOLDERS];
    memcpy(reach, depends, sizeof reach);
    for (int k = 0; k < n_folders; k++)
        for (int a = 0; a < n_folders; a++)
            for (int b = 0; b < n_folders; b++)
                reach[a][b] = reach[a][b] || (reach[a][k] && reach[k][b]);
    for (int a = 0; a < n_folders; a++)
        for (int b = a + 1; b < n_folders; b++)
            if (reach[a][b] && reach[b][a])
                test_fail(__FILE__, __LINE__, "src/%s and src/%s depend on each other (an include loop)", folders[a],
                          folders[b]);
    /* The direction the pipeline reads in. */
    static const char *const lower_first[][2] = {{"compiler", "graph"}, {"graph", "gemm"},   {"runtime", "compiler"},
                                                 {"report", "runtime"}, {"compare", "report"}, {"compare", "model"},
                                                 {"cli", "compare"},    {"cli", "plot"}};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(lower_first); i++) {
        int a = folder_index(lower_first[i][0]), b = folder_index(lower_first[i][1]);
        if (a >= 0 && b >= 0 && reach[b][a])
            test_fail(__FILE__, __LINE__, "src/%s depends on src/%s, above it", lower_first[i][1], lower_first[i][0]);
    }
}

typedef struct {
    char seen[MAX_HEADERS][64];
    int n;
    bool cl;
} closure;

static void visit(void *user, const char *header)
{
    closure *c = user;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->seen[i], header) == 0)
            return;
    if (c->n == MAX_HEADERS)
        return;
    snprintf(c->seen[c->n++], sizeof c->seen[0], "%s", header);
    char path[2048];
    snprintf(path, sizeof path, "%s/include/clmlp/%s.h", test_source_root(), header);
    c->cl |= scan_includes(path, visit, c);
}

static void no_opencl_header_reaches_the_graph_or_the_compiler(void)
{
    static const char *const pure[] = {"graph", "compiler", "gemm", "config"};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(pure); i++) {
        closure c = {.n = 0};
        visit(&c, pure[i]);
        if (c.cl)
            test_fail(__FILE__, __LINE__, "clmlp/%s.h reaches <CL/cl.h> through its includes", pure[i]);
        for (int k = 0; k < c.n; k++)
            if (strcmp(c.seen[k], "device") == 0 || strcmp(c.seen[k], "gemm_kernels") == 0)
                test_fail(__FILE__, __LINE__, "clmlp/%s.h includes clmlp/%s.h", pure[i], c.seen[k]);
    }
    /* and the check sees OpenCL where it is */
    closure runtime = {.n = 0};
    visit(&runtime, "runtime");
    CHECK(runtime.cl);
}

const test_case layers_tests[] = {
    {"folders_depend_on_each_other_without_loops", folders_depend_on_each_other_without_loops, false},
    {"no_opencl_header_reaches_the_graph_or_the_compiler", no_opencl_header_reaches_the_graph_or_the_compiler, false},
    {NULL, NULL, false},
};
