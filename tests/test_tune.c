/* Autotuning: the tune cache (round trip, corrupt files, entries the
 * kernels would refuse, keys) without a device; with OpenCL, verification refusing wrong results, the candidate
 * lists, a tiny plan tuned end to end (the choice is one of the candidates
 * measured and the dump shows it), and `clmlp tune` hitting its cache on
 * the second run, and a run tuning again a shape whose cached entry is
 * invalid.
 * Shapes stay tiny: PoCL's compiles are the cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clmlp/tune.h"
#include "device_fixture.h"
#include "harness.h"

static clmlp_device_desc fake_device(const char *name, const char *driver)
{
    clmlp_device_desc d = {.type = CL_DEVICE_TYPE_CPU, .max_work_group = 4096};
    snprintf(d.platform, sizeof d.platform, "Test Platform");
    snprintf(d.name, sizeof d.name, "%s", name);
    snprintf(d.version, sizeof d.version, "OpenCL 1.2");
    snprintf(d.driver, sizeof d.driver, "%s", driver);
    return d;
}

static clmlp_gemm_shape shape(int m, int n, int k, bool ta, bool tb, bool acc, clmlp_epilogue epi)
{
    clmlp_gemm_shape s = {.m = m, .n = n, .k = k, .trans_a = ta, .trans_b = tb, .accumulate = acc, .epilogue = epi};
    return s;
}

static clmlp_tune_entry generated_entry(clmlp_gemm_shape s, int tm, int tn, double gflops)
{
    clmlp_tune_entry e = {.shape = s, .mode = CLMLP_AUTOTUNE_QUICK};
    e.choice.provider = CLMLP_GEMM_GENERATED;
    e.choice.tunables = (clmlp_gemm_tunables){.tile_m = tm, .tile_n = tn, .local_m = 1, .local_n = 1,
                                              .vector_width = 16};
    e.choice.gflops = gflops;
    e.choice.tuned = true;
    return e;
}

static void cache_round_trips(void)
{
    clmlp_device_desc d = fake_device("Fake CPU", "1.0");
    clmlp_tune_cache c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0);
    CHECK_INT(c.count, 0); /* no file yet: empty, no warning */
    clmlp_tune_entry a = generated_entry(shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU), 8, 32,
                                         231.5);
    a.choice.tunables.outer = 0;
    a.choice.tunables.local_k = 16; /* the local form's BK */
    clmlp_tune_entry b = {.shape = shape(784, 400, 100, true, false, true, CLMLP_EPILOGUE_NONE),
                          .mode = CLMLP_AUTOTUNE_FULL};
    b.choice = (clmlp_gemm_choice){.provider = CLMLP_GEMM_CLBLAST,
                                   .clblast = {CLMLP_CLBLAST_DIRECT, {2, 8, 8, 8, 8, 0, 0, 1, 8, 64}},
                                   .gflops = 21.25,
                                   .tuned = true};
    clmlp_tune_entry nt = generated_entry(shape(100, 500, 10, false, true, false, CLMLP_EPILOGUE_NONE), 10, 16, 9.5);
    nt.choice.tunables.outer = 1;
    nt.choice.tunables.local_k = -1;
    CHECK_INT(clmlp_tune_cache_put(&c, &a, &err), 0);
    CHECK_INT(clmlp_tune_cache_put(&c, &b, &err), 0);
    CHECK_INT(clmlp_tune_cache_put(&c, &nt, &err), 0);
    CHECK_INT(clmlp_tune_cache_save(&c, &err), 0);
    clmlp_tune_cache_free(&c);

    CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0);
    CHECK_INT(c.count, 3);
    const clmlp_tune_entry *ga = clmlp_tune_cache_find(&c, &a.shape), *gb = clmlp_tune_cache_find(&c, &b.shape);
    const clmlp_tune_entry *gn = clmlp_tune_cache_find(&c, &nt.shape);
    CHECK(ga && gb && gn);
    if (ga && gb && gn) {
        CHECK_INT(ga->mode, CLMLP_AUTOTUNE_QUICK);
        CHECK_INT(ga->choice.provider, CLMLP_GEMM_GENERATED);
        CHECK(memcmp(&ga->choice.tunables, &a.choice.tunables, sizeof a.choice.tunables) == 0);
        CHECK_NEAR(ga->choice.gflops, 231.5, 0.05);
        CHECK(ga->choice.tuned);
        CHECK_INT(gb->mode, CLMLP_AUTOTUNE_FULL);
        CHECK_INT(gb->choice.provider, CLMLP_GEMM_CLBLAST);
        CHECK(memcmp(&gb->choice.clblast, &b.choice.clblast, sizeof b.choice.clblast) == 0);
        CHECK(gb->shape.accumulate && gb->shape.trans_a && !gb->shape.trans_b);
        CHECK_INT(gn->choice.tunables.outer, 1);
    }
    /* Replacing an entry keeps one line per shape. */
    clmlp_tune_entry a2 = generated_entry(a.shape, 10, 16, 240.0);
    CHECK_INT(clmlp_tune_cache_put(&c, &a2, &err), 0);
    CHECK_INT(c.count, 3);
    CHECK_INT(clmlp_tune_cache_find(&c, &a.shape)->choice.tunables.tile_m, 10);
    clmlp_tune_cache_free(&c);
}

static void cache_rejects_corrupt_files(void)
{
    clmlp_device_desc d = fake_device("Fake CPU", "1.0");
    char path[2048];
    clmlp_tune_cache_path(&d, test_tmpdir(), path, sizeof path);
    struct stat st; /* the path names the folder, and makes it */
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/tune", test_tmpdir());
    CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
    const char *good_head = "device Fake CPU\ndriver 1.0\n";
    const char *bad[] = {
        "\x01\x02garbage\xff",
        "device Fake CPU\ndriver 1.0\nNN 100 400 784 0 bias_relu quick generated 8 32 16 1 1 0\n",   /* no GFLOP/s */
        "device Fake CPU\ndriver 1.0\nNN 100 400 x 0 bias_relu quick generated 8 32 16 1 1 0 1.0\n", /* bad K */
        "device Fake CPU\ndriver 1.0\nNX 1 1 1 0 none quick generated 8 32 16 1 1 0 1.0\n",          /* bad flags */
        "device Fake CPU\ndriver 1.0\nNN 1 1 1 0 none quick clblast Xgemm 1,2,3 1.0\n",              /* 3 of 16 */
        "device Other GPU\ndriver 1.0\nNN 1 1 1 0 none quick generated 8 32 16 1 1 0 1.0\n",         /* not ours */
        "NN 1 1 1 0 none quick generated 8 32 16 1 1 0 1.0\n",                                       /* no header */
        "device Fake CPU\ndriver 1.0\nNN 1 1 1 0 none quick generated 8 32 16 1 1 0 0 1.0\n",       /* BK 0 */
        "device Fake CPU\ndriver 1.0\nNN 1 1 1 0 none quick generated 8 32 16 1 1 0 99 1.0\n",      /* BK 99 */
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(bad); i++) {
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (!f)
            return;
        fputs(bad[i], f);
        fclose(f);
        clmlp_tune_cache c;
        clmlp_err err = {0};
        CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0); /* a warning, not an error */
        if (c.count != 0)
            test_fail(__FILE__, __LINE__, "corrupt file %zu gave %d entries", i, c.count);
        CHECK(c.dirty); /* it gets rewritten */
        clmlp_tune_entry e = generated_entry(shape(1, 1, 1, false, false, false, CLMLP_EPILOGUE_NONE), 8, 32, 5.0);
        CHECK_INT(clmlp_tune_cache_put(&c, &e, &err), 0);
        CHECK_INT(clmlp_tune_cache_save(&c, &err), 0);
        clmlp_tune_cache_free(&c);
        CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0);
        CHECK_INT(c.count, 1);
        CHECK(!c.dirty);
        clmlp_tune_cache_free(&c);
    }
    /* A valid file with an extra comment and blank lines still loads; a
     * line from before BK (the local form) reads as the register form. */
    char text[512];
    snprintf(text, sizeof text,
             "# hand-edited\n\n%sNN 2 3 4 1 bias quick generated 8 32 16 1 1 0 12.5\n"
             "TT 2 3 4 0 none quick generated 4 4 4 4 4 0 8 2.5\n",
             good_head);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    clmlp_tune_cache c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0);
    CHECK_INT(c.count, 2);
    const clmlp_tune_entry *old = clmlp_tune_cache_find(
        &c, &(clmlp_gemm_shape){.m = 2, .n = 3, .k = 4, .accumulate = true, .epilogue = CLMLP_EPILOGUE_BIAS});
    const clmlp_tune_entry *local = clmlp_tune_cache_find(
        &c, &(clmlp_gemm_shape){.m = 2, .n = 3, .k = 4, .trans_a = true, .trans_b = true});
    CHECK(old && local);
    if (old && local) {
        CHECK_INT(old->choice.tunables.local_k, -1);
        CHECK_INT(local->choice.tunables.local_k, 8);
    }
    clmlp_tune_cache_free(&c);
}

static int count_lines_with(const char *text, const char *needle)
{
    int n = 0;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        const char *hit = strstr(line, needle);
        n += hit && hit < line + len;
        line += len + (line[len] ? 1 : 0);
    }
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Well-formed entries that the kernels would refuse (before: loaded as-is,
 * then `tile_m 128 is outside 1..32` stopped every run with exit 2). Each
 * is a warning naming the file and the entry; the good entry stays, and the
 * file is rewritten without them. */
static void cache_drops_entries_the_kernels_refuse(void)
{
    clmlp_device_desc d = fake_device("Fake CPU", "1.0");
    char path[2048];
    clmlp_tune_cache_path(&d, test_tmpdir(), path, sizeof path);
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"NN 100 64 784 0 bias_relu quick generated 128 32 16 1 1 0 200.0", "tile_m 128 is outside 1..32"},
        {"NN 100 10 64 0 none quick generated 8 32 3 1 1 0 50.0", "vector_width 3 is not 1, 2, 4, 8 or 16"},
        {"TN 64 784 100 0 none quick generated 8 24 16 1 1 0 50.0", "tile_n 24 is not a multiple of vector_width 16"},
        {"NT 100 64 10 1 none quick generated 4 4 16 128 64 0 50.0", "exceeds the device's maximum 4096"},
        {"NN 5 5 5 0 none quick generated 32 128 16 2 2 0 64 5.0", "local-memory panels of 81920 bytes"},
        {"NN 7 7 7 0 none full clblast XgemmDirect 3,8,8,8,8,0,0,1,8,64 5.0", "do not divide"},
        {"NN 9 9 9 0 none full clblast Xgemm 0,1,32,2,8,8,64,8,8,64,2,0,0,0,4,4 5.0", "SA=2 is not 0 or 1"},
    };
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "device Fake CPU\ndriver 1.0\n"
                                                      "NN 2 3 4 1 bias quick generated 8 32 16 1 1 0 12.5\n");
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(bad); i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s\n", bad[i].line);
    write_text(path, text);

    clmlp_tune_cache c;
    clmlp_err err = {0};
    test_stderr_begin();
    int rc = clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err);
    char *warned = test_stderr_end();
    CHECK_INT(rc, 0);
    CHECK_INT(c.count, 1);
    CHECK(c.dirty);
    CHECK_INT(count_lines_with(warned, "warning"), (int)CLMLP_ARRAY_LEN(bad));
    CHECK_INT(count_lines_with(warned, path), (int)CLMLP_ARRAY_LEN(bad));
    CHECK_CONTAINS(warned, "line 4, entry NN 100x64x784 bias_relu (generated TM=128");
    CHECK_CONTAINS(warned, "that shape will be tuned again");
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(bad); i++)
        CHECK_CONTAINS(warned, bad[i].why);
    free(warned);
    CHECK_INT(clmlp_tune_cache_save(&c, &err), 0);
    clmlp_tune_cache_free(&c);

    test_stderr_begin();
    CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0);
    warned = test_stderr_end();
    CHECK_STR(warned, ""); /* rewritten without them */
    CHECK_INT(c.count, 1);
    CHECK(!c.dirty);
    free(warned);
    clmlp_tune_cache_free(&c);
}

/* An entry is checked again when looked up, whatever put it there. */
static void cache_find_checks_an_entry_again(void)
{
    clmlp_device_desc d = fake_device("Fake CPU", "1.0");
    clmlp_tune_cache c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_tune_cache_load(&d, test_tmpdir(), &c, &err), 0);
    clmlp_tune_entry e = generated_entry(shape(100, 64, 784, false, false, false, CLMLP_EPILOGUE_NONE), 128, 32, 1.0);
    CHECK_INT(clmlp_tune_cache_put(&c, &e, &err), 0);
    test_stderr_begin();
    const clmlp_tune_entry *found = clmlp_tune_cache_find(&c, &e.shape);
    char *warned = test_stderr_end();
    CHECK(found == NULL);
    CHECK_CONTAINS(warned, c.path);
    CHECK_CONTAINS(warned, "entry NN 100x64x784 none (generated TM=128");
    CHECK_CONTAINS(warned, "tile_m 128 is outside 1..32");
    free(warned);
    /* Tuned again: the new choice replaces it, one entry per shape. */
    clmlp_tune_entry good = generated_entry(e.shape, 8, 32, 2.0);
    CHECK_INT(clmlp_tune_cache_put(&c, &good, &err), 0);
    CHECK_INT(c.count, 1);
    CHECK(clmlp_tune_cache_find(&c, &e.shape) != NULL);
    clmlp_tune_cache_free(&c);
}

static void cache_keys_differ_by_device_driver_and_shape(void)
{
    clmlp_device_desc a = fake_device("Fake CPU", "1.0"), b = fake_device("Fake GPU", "1.0"),
                      c = fake_device("Fake CPU", "1.1");
    char pa[2048], pb[2048], pc[2048], dir[1100];
    const char *x = test_tmpdir();
    clmlp_tune_cache_path(&a, x, pa, sizeof pa);
    clmlp_tune_cache_path(&b, x, pb, sizeof pb);
    clmlp_tune_cache_path(&c, x, pc, sizeof pc);
    CHECK(strcmp(pa, pb) != 0);
    CHECK(strcmp(pa, pc) != 0);
    snprintf(dir, sizeof dir, "%s/tune/", x);
    CHECK(strncmp(pa, dir, strlen(dir)) == 0);
    char again[2048];
    clmlp_tune_cache_path(&a, x, again, sizeof again);
    CHECK_STR(pa, again); /* deterministic */

    const clmlp_gemm_shape shapes[] = {
        shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_NONE),
        shape(100, 400, 784, true, false, false, CLMLP_EPILOGUE_NONE),
        shape(100, 400, 784, false, true, false, CLMLP_EPILOGUE_NONE),
        shape(100, 400, 784, false, false, true, CLMLP_EPILOGUE_NONE),
        shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU),
        shape(100, 784, 400, false, false, false, CLMLP_EPILOGUE_NONE),
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(shapes); i++)
        for (size_t j = i + 1; j < CLMLP_ARRAY_LEN(shapes); j++) {
            char ki[96], kj[96];
            clmlp_tune_shape_key(&shapes[i], ki, sizeof ki);
            clmlp_tune_shape_key(&shapes[j], kj, sizeof kj);
            if (strcmp(ki, kj) == 0)
                test_fail(__FILE__, __LINE__, "shapes %zu and %zu share the key %s", i, j, ki);
        }
    /* An entry for one device is not found in another device's cache. */
    clmlp_err err = {0};
    clmlp_tune_cache ca, cb;
    CHECK_INT(clmlp_tune_cache_load(&a, test_tmpdir(), &ca, &err), 0);
    clmlp_tune_entry e = generated_entry(shapes[0], 8, 32, 100.0);
    CHECK_INT(clmlp_tune_cache_put(&ca, &e, &err), 0);
    CHECK_INT(clmlp_tune_cache_save(&ca, &err), 0);
    CHECK_INT(clmlp_tune_cache_load(&b, test_tmpdir(), &cb, &err), 0);
    CHECK(clmlp_tune_cache_find(&cb, &shapes[0]) == NULL);
    CHECK(clmlp_tune_cache_find(&ca, &shapes[1]) == NULL); /* nor under another shape */
    clmlp_tune_cache_free(&ca);
    clmlp_tune_cache_free(&cb);
}

static void candidates_start_with_the_defaults(void)
{
    clmlp_device_desc cpu = fake_device("Fake CPU", "1.0");
    clmlp_gemm_choice c[CLMLP_TUNE_MAX_CANDIDATES];
    clmlp_gemm_shape nn = shape(100, 400, 784, false, false, false, CLMLP_EPILOGUE_BIAS_RELU);
    clmlp_gemm_shape nt = shape(100, 400, 500, false, true, false, CLMLP_EPILOGUE_NONE);
    int off = clmlp_tune_candidates(&cpu, &nn, CLMLP_AUTOTUNE_OFF, CLMLP_GEMM_AUTO, c, CLMLP_TUNE_MAX_CANDIDATES);
    int quick = clmlp_tune_candidates(&cpu, &nn, CLMLP_AUTOTUNE_QUICK, CLMLP_GEMM_AUTO, c, CLMLP_TUNE_MAX_CANDIDATES);
    clmlp_gemm_tunables def;
    clmlp_gemm_target target = clmlp_gemm_target_of(&cpu);
    clmlp_gemm_default_tunables(&target, &nn, &def);
    CHECK(memcmp(&c[0].tunables, &def, sizeof def) == 0);
    int full = clmlp_tune_candidates(&cpu, &nn, CLMLP_AUTOTUNE_FULL, CLMLP_GEMM_AUTO, c, CLMLP_TUNE_MAX_CANDIDATES);
    CHECK_INT(off, 1);
    CHECK_INT(quick, 1); /* NN: only the default tile's program is free */
    CHECK(full > quick);
    for (int i = 0; i < full; i++) /* CLBlast cannot fuse the epilogue: not offered */
        CHECK_INT(c[i].provider, CLMLP_GEMM_GENERATED);
    int full_nt =
        clmlp_tune_candidates(&cpu, &nt, CLMLP_AUTOTUNE_FULL, CLMLP_GEMM_AUTO, c, CLMLP_TUNE_MAX_CANDIDATES);
    int clblast = 0;
    for (int i = 0; i < full_nt; i++)
        clblast += c[i].provider == CLMLP_GEMM_CLBLAST;
    CHECK(clblast > 0);
    int quick_nt =
        clmlp_tune_candidates(&cpu, &nt, CLMLP_AUTOTUNE_QUICK, CLMLP_GEMM_AUTO, c, CLMLP_TUNE_MAX_CANDIDATES);
    CHECK_INT(quick_nt, 2); /* NT: the dot form, and the outer form with the NN program */
    CHECK_INT(c[1].tunables.outer, 1);
    clmlp_gemm_tunables nn_default = def;
    nn_default.outer = 1;
    CHECK(memcmp(&c[1].tunables, &nn_default, sizeof def) == 0);
    CHECK_INT(clmlp_tune_candidates(&cpu, &nt, CLMLP_AUTOTUNE_QUICK, CLMLP_GEMM_CLBLAST, c,
                                    CLMLP_TUNE_MAX_CANDIDATES),
              0); /* quick never compiles CLBlast sets */
}

/* A plan of the tiny MLP in the given provider mode, compiled without a device. */
static clmlp_plan *tiny_plan(clmlp_gemm_provider gemm)
{
    clmlp_config cfg;
    clmlp_err err = {0};
    const char *yaml = "name: t\n"
                       "data: {train: {images: a, labels: b}, test: {images: c, labels: d}}\n"
                       "model: {hidden: [24]}\n"
                       "training: {batch_size: 20, eval_batch_size: 20}\n";
    clmlp_graph *g = calloc(1, sizeof *g);
    clmlp_plan *plan = calloc(1, sizeof *plan);
    clmlp_compile_options opt;
    if (clmlp_config_parse(yaml, strlen(yaml), "<test>", ".", NULL, 0, &cfg, &err) < 0 ||
        clmlp_graph_build_training(&cfg, 30, g, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
        free(g);
        free(plan);
        return NULL;
    }
    clmlp_compile_options_from_config(&cfg, &opt);
    opt.gemm = gemm;
    if (clmlp_compile(g, &opt, plan, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
        free(plan);
        plan = NULL;
    }
    free(g);
    return plan;
}

static void clblast_choices_lower_and_share_one_parameter_set(void)
{
    clmlp_plan *plan = tiny_plan(CLMLP_GEMM_AUTO);
    if (!plan)
        return;
    clmlp_gemm_shape keys[16];
    int n = clmlp_plan_gemm_keys(plan, keys, 16);
    int launches = plan->n_launches, with_epilogue = 0;
    for (int i = 0; i < n; i++)
        with_epilogue += keys[i].epilogue != CLMLP_EPILOGUE_NONE;
    CHECK(n >= 4 && with_epilogue >= 2);
    clmlp_err err = {0};
    /* Every shape on CLBlast: the first with a tuned set, the rest default. */
    for (int i = 0; i < n; i++) {
        clmlp_gemm_choice c = {.provider = CLMLP_GEMM_CLBLAST};
        if (i == 0)
            c.clblast = (clmlp_clblast_params){CLMLP_CLBLAST_DIRECT, {2, 8, 8, 8, 8, 0, 0, 1, 8, 64}};
        CHECK_INT(clmlp_plan_set_gemm_choice(plan, &keys[i], &c, &err), 0);
    }
    CHECK_INT(clmlp_pass_lower(plan, &err), 0);
    /* CLBlast cannot fuse: each epilogue became its own bias_act launch. */
    CHECK_INT(plan->n_launches, launches + with_epilogue);
    clmlp_plan *plans[] = {plan};
    CHECK_INT(clmlp_tune_unify_clblast(plans, 1, &err), 0);
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        if (!l->is_gemm)
            continue;
        CHECK_INT(l->provider, CLMLP_GEMM_CLBLAST);
        CHECK_INT(l->shape.epilogue, CLMLP_EPILOGUE_NONE);
        CHECK_INT(l->choice.clblast.kernel, CLMLP_CLBLAST_DIRECT); /* no default left after an override */
        CHECK_INT(l->choice.clblast.values[9], 64);
    }
    free(plan);
}

/* ---- with a device ------------------------------------------------------------ */

/* This test's own cache folder, so that tuning starts from nothing. */
static void use_empty_cache(void)
{
    char cache[1024];
    snprintf(cache, sizeof cache, "%s/cache", test_tmpdir());
    setenv("CLMLP_CACHE_DIR", cache, 1);
}

static bool open_device_with_empty_cache(clmlp_device *dev)
{
    use_empty_cache();
    return test_open_device(dev);
}

static void verification_refuses_wrong_results(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    clmlp_gemm_shape s = shape(37, 21, 13, false, false, true, CLMLP_EPILOGUE_BIAS_RELU);
    clmlp_tune_workload w;
    clmlp_err err = {0};
    if (clmlp_tune_workload_create(&dev, &s, &w, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", err.msg);
        clmlp_device_close(&dev);
        return;
    }
    clmlp_gemm_choice def = {.provider = CLMLP_GEMM_GENERATED};
    clmlp_tune_result r;
    CHECK_INT(clmlp_tune_measure(&dev, &w, &def, 3, NULL, NULL, &r, &err), 0);
    CHECK(r.ok);
    CHECK(r.gflops > 0);
    size_t nc = (size_t)s.m * s.n, all = nc + 64;
    float *copy = malloc(all * sizeof *copy);
    char why[256];
    memcpy(copy, w.got, all * sizeof *copy);
    CHECK(clmlp_tune_verify(&w, copy, NULL, why, sizeof why));
    copy[5 * s.n + 7] += 0.01f; /* one element off */
    CHECK(!clmlp_tune_verify(&w, copy, NULL, why, sizeof why));
    CHECK_CONTAINS(why, "C[5][7]");
    memcpy(copy, w.got, all * sizeof *copy);
    copy[nc - 1] = NAN;
    CHECK(!clmlp_tune_verify(&w, copy, NULL, why, sizeof why));
    memcpy(copy, w.got, all * sizeof *copy);
    copy[nc] = 0.0f; /* a write past C */
    CHECK(!clmlp_tune_verify(&w, copy, NULL, why, sizeof why));
    CHECK_CONTAINS(why, "past the end of C");
    free(copy);
    clmlp_tune_workload_release(&w);
    clmlp_device_close(&dev);
}

/* The test seam: corrupts the output of every candidate in the outer form
 * for NT and records what was measured. */
typedef struct {
    clmlp_gemm_choice seen[64];
    int n_seen;
} observer;

static void corrupt_outer_nt(void *user, const clmlp_gemm_choice *cand, float *c, size_t n)
{
    observer *o = user;
    if (o->n_seen < 64)
        o->seen[o->n_seen++] = *cand;
    if (cand->provider == CLMLP_GEMM_GENERATED && cand->tunables.outer && n > 0)
        c[n / 2] += 1.0f;
}

static bool was_seen(const observer *o, const clmlp_gemm_choice *c)
{
    for (int i = 0; i < o->n_seen; i++)
        if (o->seen[i].provider == c->provider &&
            memcmp(&o->seen[i].tunables, &c->tunables, sizeof c->tunables) == 0)
            return true;
    return false;
}

static void autotune_tiny_plan_picks_a_measured_candidate(void)
{
    clmlp_device dev;
    if (!open_device_with_empty_cache(&dev))
        return;
    clmlp_err err = {0};
    clmlp_plan *plan = tiny_plan(CLMLP_GEMM_AUTO);
    if (!plan)
        goto done;
    clmlp_tuner t;
    observer o = {0};
    CHECK_INT(clmlp_tuner_open(&t, &dev, CLMLP_AUTOTUNE_QUICK, CLMLP_GEMM_AUTO, &err), 0);
    t.inspect = corrupt_outer_nt;
    t.user = &o;
    if (clmlp_tune_plan(&t, plan, &err) < 0)
        test_fail(__FILE__, __LINE__, "%s", err.msg);
    CHECK(t.stats.tuned > 0);
    CHECK(t.stats.rejected > 0); /* the outer-form NT candidates were refused */
    CHECK(o.n_seen >= t.stats.candidates);
    int gemms = 0;
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        if (!l->is_gemm)
            continue;
        gemms++;
        CHECK(l->choice.tuned);
        CHECK(l->choice.gflops > 0);
        CHECK(!l->choice.tunables.outer);
        CHECK(was_seen(&o, &l->choice));
    }
    CHECK(gemms > 0);
    clmlp_tuner_close(&t);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    clmlp_plan_dump(plan, "training step", mem);
    fclose(mem);
    CHECK_CONTAINS(text, "generated TM=");
    CHECK_CONTAINS(text, "GFLOP/s)");
    free(text);

    /* A second tuner answers every shape from the cache written above. */
    CHECK_INT(clmlp_tuner_open(&t, &dev, CLMLP_AUTOTUNE_QUICK, CLMLP_GEMM_AUTO, &err), 0);
    CHECK_INT(clmlp_tune_plan(&t, plan, &err), 0);
    CHECK_INT(t.stats.tuned, 0);
    CHECK_INT(t.stats.from_cache, t.stats.shapes);
    clmlp_tuner_close(&t);
done:
    free(plan);
    clmlp_device_close(&dev);
}

static void corrupt_all(void *user, const clmlp_gemm_choice *cand, float *c, size_t n)
{
    (void)user;
    (void)cand;
    if (n > 0)
        c[0] = NAN;
}

static void every_candidate_refused_is_an_error(void)
{
    clmlp_device dev;
    if (!open_device_with_empty_cache(&dev))
        return;
    clmlp_tuner t;
    clmlp_err err = {0};
    CHECK_INT(clmlp_tuner_open(&t, &dev, CLMLP_AUTOTUNE_QUICK, CLMLP_GEMM_GENERATED, &err), 0);
    t.inspect = corrupt_all;
    clmlp_gemm_shape s = shape(9, 7, 5, true, false, false, CLMLP_EPILOGUE_NONE);
    clmlp_gemm_choice c;
    CHECK_INT(clmlp_tune_shape(&t, &s, &c, &err), -1);
    CHECK_CONTAINS(err.msg, "tuning gemm TN 9x7x5 none: no candidate passed verification");
    CHECK(t.stats.rejected == t.stats.candidates && t.stats.candidates > 0);
    CHECK(clmlp_tune_cache_find(&t.cache, &s) == NULL); /* nothing unverified is cached */
    clmlp_tuner_close(&t);
    clmlp_device_close(&dev);
}

/* The counts of the "tuned:" line of `clmlp tune`. */
static bool tune_counts(const char *out, int *shapes, int *measured, int *from_cache)
{
    const char *line = strstr(out, "tuned:");
    double secs;
    int cands, rejected;
    return line && sscanf(line, "tuned: %d shapes: %d measured (%d candidates, %d rejected) in %lf s, %d from the cache",
                          shapes, measured, &cands, &rejected, &secs, from_cache) == 6;
}

static void tune_cli_second_run_hits_the_cache(void)
{
    static char out[100000];
    use_empty_cache();
    const char *args = "tune configs/tiny-mnist.yaml --set model.input=784 --set training.eval_batch_size=100";
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "tuning:  quick, gemm auto");
    CHECK_CONTAINS(out, "NN 100x64x784 bias_relu");
    CHECK_CONTAINS(out, "GFLOP/s");
    int shapes = 0, measured = 0, cached = 0;
    CHECK(tune_counts(out, &shapes, &measured, &cached));
    CHECK(measured > 0);
    CHECK_INT(measured + cached, shapes); /* the eval batch repeats a training shape */
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK(tune_counts(out, &shapes, &measured, &cached));
    CHECK_INT(measured, 0); /* no re-measurement */
    CHECK_INT(cached, shapes);
    char dump_args[512];
    snprintf(dump_args, sizeof dump_args, "%s --dump", args);
    CHECK_INT(test_run_clmlp(dump_args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "== training step: batch 100, fused");
    CHECK_CONTAINS(out, "GFLOP/s)");
}

/* The file under <cache>/tune with the line for `shape_prefix` changed to
 * `line`; false when there is no such file or line. */
static bool replace_cached_line(const char *shape_prefix, const char *line, char *path, size_t cap)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "ls %s/cache/tune/*.txt 2>/dev/null", test_tmpdir());
    FILE *p = popen(cmd, "r");
    bool found = p && fgets(path, (int)cap, p) != NULL;
    if (p)
        pclose(p);
    if (!found)
        return false;
    path[strcspn(path, "\n")] = '\0';
    char *text = test_read_file(path, NULL);
    char *hit = text ? strstr(text, shape_prefix) : NULL;
    if (hit) {
        char *rest = hit + strcspn(hit, "\n");
        static char changed[65536];
        snprintf(changed, sizeof changed, "%.*s%s%s", (int)(hit - text), text, line, rest);
        write_text(path, changed);
    }
    free(text);
    return hit != NULL;
}

/* An invalid entry in the cache (before: every run stopped with exit 2
 * until the file was deleted): the run warns, naming the file and the
 * entry, tunes that shape again and trains; the file it leaves is good. */
static void train_tunes_an_invalid_cached_entry_again(void)
{
    static char out[100000];
    use_empty_cache();
    const char *tune = "tune configs/tiny-mnist.yaml --set model.input=784 --set training.eval_batch_size=100";
    CHECK_INT(test_run_clmlp(tune, out, sizeof out), 0);
    char path[1400], train[1600];
    CHECK(replace_cached_line("NN 100 64 784 0 bias_relu ",
                              "NN 100 64 784 0 bias_relu quick generated 128 32 16 1 1 0 999.0", path, sizeof path));
    snprintf(train, sizeof train,
             "train configs/tiny-mnist.yaml --set training.epochs=1 --set data.train.limit=200 --set "
             "data.test.limit=100 --set profile.probe=false --set training.on_divergence=warn --out '%s/run'",
             test_tmpdir());
    CHECK_INT(test_run_clmlp(train, out, sizeof out), 0);
    CHECK_CONTAINS(out, path);
    CHECK_CONTAINS(out, "entry NN 100x64x784 bias_relu (generated TM=128");
    CHECK_CONTAINS(out, "tile_m 128 is outside 1..32");
    CHECK_INT(test_run_clmlp(tune, out, sizeof out), 0);
    CHECK(strstr(out, "warning") == NULL);
    int shapes = 0, measured = 0, cached = 0;
    CHECK(tune_counts(out, &shapes, &measured, &cached));
    CHECK_INT(measured, 0); /* the run cached the shape it tuned again */
}

const test_case tune_tests[] = {
    {"cache_round_trips", cache_round_trips, false},
    {"cache_rejects_corrupt_files", cache_rejects_corrupt_files, false},
    {"cache_drops_entries_the_kernels_refuse", cache_drops_entries_the_kernels_refuse, false},
    {"cache_find_checks_an_entry_again", cache_find_checks_an_entry_again, false},
    {"cache_keys_differ_by_device_driver_and_shape", cache_keys_differ_by_device_driver_and_shape, false},
    {"candidates_start_with_the_defaults", candidates_start_with_the_defaults, false},
    {"clblast_choices_lower_and_share_one_parameter_set", clblast_choices_lower_and_share_one_parameter_set, false},
    {"verification_refuses_wrong_results", verification_refuses_wrong_results, true},
    {"autotune_tiny_plan_picks_a_measured_candidate", autotune_tiny_plan_picks_a_measured_candidate, true},
    {"every_candidate_refused_is_an_error", every_candidate_refused_is_an_error, true},
    {"tune_cli_second_run_hits_the_cache", tune_cli_second_run_hits_the_cache, true},
    {"train_tunes_an_invalid_cached_entry_again", train_tunes_an_invalid_cached_entry_again, true},
    {NULL, NULL, false},
};
