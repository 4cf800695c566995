/* Device models, the roofline, the extrapolation arithmetic (the seed's case
 * included), the comparison's analysis on hand-made runs, and `clmlp compare`
 * on two real PoCL devices (POCL_DEVICES="pthread basic"). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "clmlp/compare.h"
#include "harness.h"

/* ---- device models ---- */

#define MODEL_OK                                                                                                       \
    "name: Test GPU\n"                                                                                                 \
    "kind: gpu\n"                                                                                                      \
    "peak_gflops:\n"                                                                                                   \
    "  fp32: 1000\n"                                                                                                   \
    "memory_bandwidth_gbps: 100\n"                                                                                     \
    "memory_gib: 8\n"                                                                                                  \
    "launch_overhead_us: 5\n"

static int parse_model(const char *text, clmlp_devmodel *m, clmlp_err *err)
{
    return clmlp_devmodel_parse(text, strlen(text), "m.yaml", "m", m, err);
}

#define EXPECT_MODEL_ERROR(text, message)                                                                              \
    do {                                                                                                               \
        clmlp_devmodel m_;                                                                                             \
        clmlp_err err_ = {0};                                                                                          \
        CHECK_INT(parse_model(text, &m_, &err_), -1);                                                                  \
        CHECK_INT(err_.code, CLMLP_EXIT_USAGE);                                                                        \
        CHECK_STR(err_.msg, message);                                                                                  \
    } while (0)

static void devmodel_parses_with_defaults(void)
{
    clmlp_devmodel m;
    clmlp_err err = {0};
    CHECK_INT(parse_model(MODEL_OK "compute_units: 10\n", &m, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_STR(m.name, "Test GPU");
    CHECK_STR(m.id, "m");
    CHECK_INT(m.kind, CLMLP_CLASS_GPU);
    CHECK_INT(m.compute_units, 10);
    CHECK(m.peak_gflops[CLMLP_PREC_FP32] == 1000);
    CHECK(m.peak_gflops[CLMLP_PREC_BF16] == 0);
    CHECK(m.memory_bandwidth_gbps == 100);
    CHECK(m.launch_overhead_us == 5);
    CHECK(m.usd_per_hour == 0);
    CHECK_STR(m.match, "");
}

static void devmodel_validation_errors_are_one_line(void)
{
    /* unknown key, with a did-you-mean */
    EXPECT_MODEL_ERROR(MODEL_OK "memory_bandwith_gbps: 900\n",
                       "m.yaml:8:1: unknown key 'memory_bandwith_gbps' (did you mean 'memory_bandwidth_gbps'?)");
    EXPECT_MODEL_ERROR("name: x\npeak_gflops:\n  fp64: 1\n",
                       "m.yaml:3:3: unknown key 'peak_gflops.fp64' (did you mean 'peak_gflops.fp32'?)");
    /* negative or zero bandwidth */
    EXPECT_MODEL_ERROR("name: Test GPU\nkind: gpu\nmemory_bandwidth_gbps: -5\n",
                       "m.yaml:3:24: memory_bandwidth_gbps: -5 is out of range (must be > 0)");
    EXPECT_MODEL_ERROR("memory_bandwidth_gbps: 0\n", "m.yaml:1:24: memory_bandwidth_gbps: 0 is out of range (must be > 0)");
    EXPECT_MODEL_ERROR("launch_overhead_us: -1\n",
                       "m.yaml:1:21: launch_overhead_us: -1 is out of range (must be >= 0)");
    /* a missing required key */
    EXPECT_MODEL_ERROR("name: Test GPU\nkind: gpu\npeak_gflops:\n  fp32: 1000\nmemory_bandwidth_gbps: 100\nmemory_gib: 8\n",
                       "m.yaml:1:1: launch_overhead_us: missing required key (time per kernel launch in microseconds)");
    EXPECT_MODEL_ERROR("name: Test GPU\nkind: gpu\nmemory_bandwidth_gbps: 100\nmemory_gib: 8\nlaunch_overhead_us: 1\n",
                       "m.yaml:1:1: peak_gflops.fp32: missing required key (peak fp32 GFLOP/s)");
    /* wrong values and shapes */
    EXPECT_MODEL_ERROR("kind: tpu\n", "m.yaml:1:7: kind: 'tpu' is not one of cpu, gpu, accelerator (did you mean 'accelerator'?)");
    EXPECT_MODEL_ERROR("peak_gflops: 5\n", "m.yaml:1:14: peak_gflops: expected a mapping of keys, got '5'");
    EXPECT_MODEL_ERROR("memory_gib: lots\n", "m.yaml:1:13: memory_gib: expected a number, got 'lots'");
    EXPECT_MODEL_ERROR("", "m.yaml:1:1: the device model is empty (expected keys such as 'name:' and 'peak_gflops:')");
    EXPECT_MODEL_ERROR(MODEL_OK "name: again\n", "m.yaml:8:1: duplicate key 'name' (first set at line 1)");
}

static void builtin_models_load_and_a_folder_overrides(void)
{
    clmlp_devmodel *models = NULL;
    int n = 0;
    clmlp_err err = {0};
    CHECK_INT(clmlp_devmodels_load(NULL, &models, &n, &err), 0);
    CHECK_STR(err.msg, "");
    static const char *const ids[] = {"local_cpu", "v100", "h100", "tpu_v2", "tpu_v3"};
    CHECK_INT(n, CLMLP_ARRAY_LEN(ids));
    for (int i = 0; i < n && i < (int)CLMLP_ARRAY_LEN(ids); i++) {
        CHECK_STR(models[i].id, ids[i]);
        CHECK(models[i].peak_gflops[CLMLP_PREC_FP32] > 0);
        CHECK(models[i].usd_per_hour > 0);
        CHECK_CONTAINS(models[i].origin, "(built in)");
    }
    CHECK_INT(models[3].kind, CLMLP_CLASS_ACCELERATOR);
    free(models);

    /* A folder: v100.yaml replaces the built-in one, x.yaml is added. */
    test_write_file("v100.yaml", MODEL_OK, strlen(MODEL_OK));
    test_write_file("x.yaml", MODEL_OK, strlen(MODEL_OK));
    test_write_file("notes.txt", "not a model", 11);
    CHECK_INT(clmlp_devmodels_load(test_tmpdir(), &models, &n, &err), 0);
    CHECK_INT(n, CLMLP_ARRAY_LEN(ids) + 1);
    CHECK_STR(models[1].id, "v100");
    CHECK_STR(models[1].name, "Test GPU");
    CHECK_STR(models[n - 1].id, "x");
    free(models);

    /* An invalid file in the folder is an error naming it. */
    const char *bad = test_write_file("y.yaml", "name: y\nkind: cpu\nmemory_gib: -1\n", 32);
    CHECK_INT(clmlp_devmodels_load(test_tmpdir(), &models, &n, &err), -1);
    char want[1024];
    snprintf(want, sizeof want, "%s:3:13: memory_gib: -1 is out of range (must be > 0)", bad);
    CHECK_STR(err.msg, want);
    CHECK(models == NULL);
    CHECK_INT(clmlp_devmodels_load("/nonexistent/models", &models, &n, &err), -1);
    CHECK_STR(err.msg, "compare.models: cannot open folder '/nonexistent/models'");
}

static void models_match_present_devices_by_name_and_class(void)
{
    clmlp_devmodel *models = NULL;
    int n = 0;
    clmlp_err err = {0};
    CHECK_INT(clmlp_devmodels_load(NULL, &models, &n, &err), 0);
    clmlp_device_desc d = {0};
    snprintf(d.name, sizeof d.name, "pthread-skylake-avx512-AMD EPYC 9B45");
    d.type = CL_DEVICE_TYPE_CPU;
    int m = clmlp_devmodel_find(models, n, &d);
    CHECK(m >= 0 && strcmp(models[m].id, "local_cpu") == 0);
    snprintf(d.name, sizeof d.name, "Tesla V100-SXM2-16GB");
    d.type = CL_DEVICE_TYPE_GPU;
    m = clmlp_devmodel_find(models, n, &d);
    CHECK(m >= 0 && strcmp(models[m].id, "v100") == 0);
    d.type = CL_DEVICE_TYPE_CPU; /* a CPU named V100 is not the GPU */
    CHECK_INT(clmlp_devmodel_find(models, n, &d), -1);
    CHECK_INT(clmlp_device_class_of(CL_DEVICE_TYPE_CUSTOM), CLMLP_CLASS_ACCELERATOR);
    CHECK_INT(clmlp_device_class_of(CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_DEFAULT), CLMLP_CLASS_GPU);
    free(models);
}

/* ---- roofline ---- */

static void roofline_of_a_hand_built_plan(void)
{
    static clmlp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.n_launches = 3;
    plan.launches[0].flops = 2e9; /* compute bound: 2 ms vs 10 us */
    plan.launches[0].bytes = 1e6;
    plan.launches[1].flops = 1e6; /* memory bound: 10 ms vs 1 us */
    plan.launches[1].bytes = 1e9;
    /* launch 2 does nothing: only its overhead */
    clmlp_roof roof = {.flops_per_s = 1e12, .bytes_per_s = 1e11, .launch_s = 5e-6};
    clmlp_roofline r;
    clmlp_roofline_plan(&plan, &roof, &r);
    CHECK_NEAR(r.compute_s, 2e-3, 1e-15);
    CHECK_NEAR(r.memory_s, 10e-3, 1e-15);
    CHECK_NEAR(r.overhead_s, 15e-6, 1e-15);
    CHECK_NEAR(r.seconds, 12.015e-3, 1e-15);
    CHECK_INT(r.launches, 3);
    CHECK_INT(r.compute_bound, 1);
    CHECK_INT(r.memory_bound, 2);
    CHECK_NEAR(clmlp_roofline_launch(2e9, 1e6, 0, &roof), 2.005e-3, 1e-15);

    /* A model's roof: GFLOP/s and GB/s to SI, the peak shared by compute units. */
    clmlp_devmodel m = {.compute_units = 4, .memory_bandwidth_gbps = 100, .launch_overhead_us = 5};
    m.peak_gflops[CLMLP_PREC_FP32] = 1000;
    CHECK(clmlp_roof_from_model(&m, CLMLP_PREC_FP32, 0, &roof));
    CHECK_NEAR(roof.flops_per_s, 1e12, 1);
    CHECK_NEAR(roof.bytes_per_s, 1e11, 1);
    CHECK_NEAR(roof.launch_s, 5e-6, 1e-18);
    CHECK(clmlp_roof_from_model(&m, CLMLP_PREC_FP32, 1, &roof));
    CHECK_NEAR(roof.flops_per_s, 0.25e12, 1);
    CHECK(clmlp_roof_from_model(&m, CLMLP_PREC_FP32, 8, &roof)); /* more units than the model: no scaling up */
    CHECK_NEAR(roof.flops_per_s, 1e12, 1);
    CHECK(!clmlp_roof_from_model(&m, CLMLP_PREC_BF16, 0, &roof));
}

/* ---- extrapolation ---- */

static void seed_arithmetic_is_hours_not_seconds(void)
{
    clmlp_seed_arith s;
    clmlp_seed_arithmetic(CLMLP_SEED_RUN_SECONDS, CLMLP_SEED_TRAIN_IMAGES, 60e9, CLMLP_SEED_TPU_PER_CPU, &s);
    CHECK_NEAR(CLMLP_SEED_TPU_PER_CPU, 10752, 0);
    CHECK_NEAR(s.scale, 1e6, 1e-6);
    CHECK_NEAR(s.cpu_seconds, 1.35e8, 1e-3);           /* 135 s x 1e6 */
    CHECK_NEAR(s.tpu_seconds, 1.35e8 / 10752, 1e-6);   /* 12 555.8 s */
    CHECK_NEAR(s.tpu_hours, 3.4877232, 1e-6);          /* the seed's "3.49 seconds" */

    /* The same through the general extrapolation: the seed's per-image
     * cost (135 s over 60 000 images x 20 epochs) on its "TPU". */
    clmlp_scale_in in = {.train_s_per_image = 135.0 / (60e3 * 20) / 10752, .train_images = 60e9, .epochs = 20,
                         .bytes_per_image = 785, .target_hours = 24};
    clmlp_scale out;
    clmlp_extrapolate(&in, &out);
    CHECK_NEAR(out.train_compute_h, 3.4877232, 1e-6);
    CHECK_NEAR(out.train_bytes, 47.1e12, 1);           /* ~47 TB of raw pixels + labels */
    CHECK_INT(out.devices, 1);
}

static void extrapolation_units(void)
{
    clmlp_scale_in in = {.train_s_per_image = 10e-6, .eval_s_per_image = 2e-6, .train_images = 60e9,
                         .test_images = 10e9, .epochs = 20, .bytes_per_image = 785, .read_bytes_per_s = 2e9,
                         .target_hours = 24, .usd_per_hour = 3.06};
    clmlp_scale o;
    clmlp_extrapolate(&in, &o);
    CHECK_NEAR(o.train_compute_h, 10e-6 * 60e9 * 20 / 3600, 1e-9); /* 3 333.3 h */
    CHECK_NEAR(o.eval_compute_h, 2e-6 * 10e9 / 3600, 1e-9);         /* 5.56 h */
    CHECK_NEAR(o.train_bytes, 4.71e13, 1);
    CHECK_NEAR(o.test_bytes, 7.85e12, 1);                           /* ~7.8 TB */
    CHECK_NEAR(o.train_read_h, 4.71e13 * 20 / 2e9 / 3600, 1e-9);   /* 130.8 h */
    CHECK_NEAR(o.eval_read_h, 7.85e12 / 2e9 / 3600, 1e-9);          /* 1.09 h */
    CHECK(!o.train_read_bound && !o.eval_read_bound);
    CHECK_NEAR(o.total_h, o.train_compute_h + o.eval_compute_h, 1e-9);
    CHECK_INT(o.devices, 140);                                      /* ceil(3 338.9 / 24) */
    CHECK_NEAR(o.wall_h, o.total_h / 140, 1e-9);
    CHECK_NEAR(o.usd, o.total_h * 3.06, 1e-6);

    /* A fast device: reading the data bounds both phases. */
    in.train_s_per_image = 1e-9;
    in.eval_s_per_image = 1e-9;
    clmlp_extrapolate(&in, &o);
    CHECK(o.train_read_bound && o.eval_read_bound);
    CHECK_NEAR(o.total_h, o.train_read_h + o.eval_read_h, 1e-9);
    CHECK_INT(o.devices, 6); /* ceil(131.9 / 24) */
}

/* ---- device specs and the analysis ---- */

static void device_specs_parse_like_the_device_section(void)
{
    clmlp_device_spec s;
    clmlp_err err = {0};
    CHECK_INT(clmlp_device_spec_parse("type=gpu:index=1", &s, &err), 0);
    CHECK_INT(s.type, CLMLP_DEVICE_GPU);
    CHECK_INT(s.index, 1);
    CHECK_STR(s.name, "");
    CHECK_INT(clmlp_device_spec_parse("basic", &s, &err), 0);
    CHECK_STR(s.name, "basic");
    CHECK_INT(s.type, CLMLP_DEVICE_ANY);
    CHECK_INT(clmlp_device_spec_parse("platform=portable:name=pthread", &s, &err), 0);
    CHECK_STR(s.platform, "portable");
    CHECK_STR(s.name, "pthread");
    CHECK_INT(clmlp_device_spec_parse("nme=x", &s, &err), -1);
    CHECK_STR(err.msg, "device spec 'nme=x': unknown key 'device.nme' (did you mean 'device.name'?)");
    CHECK_INT(clmlp_device_spec_parse("type=tpu", &s, &err), -1);
    CHECK_STR(err.msg, "device spec 'type=tpu': device.type: 'tpu' is not one of any, cpu, gpu, accelerator "
                       "(did you mean 'accelerator'?)");
    CHECK_INT(clmlp_device_spec_parse("index=-2", &s, &err), -1);
    CHECK_STR(err.msg, "device spec 'index=-2': device.index: -2 is out of range [-1, 1023]");
    CHECK_INT(clmlp_device_spec_parse("type=cpu::x", &s, &err), -1);
    CHECK_STR(err.msg, "device spec 'type=cpu::x': empty part between ':'");

    static clmlp_compare c;
    CHECK_INT(clmlp_compare_parse_devices(" name=pthread , basic", &c, &err), 0);
    CHECK_INT(c.n_runs, 2);
    CHECK_STR(c.runs[0].spec, "name=pthread");
    CHECK_STR(c.runs[1].spec, "basic");
    CHECK_INT(clmlp_compare_parse_devices("a,,b", &c, &err), -1);
    CHECK_STR(err.msg, "--devices 'a,,b': empty device spec (expected e.g. name=pthread,name=basic)");
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
}

static void fake_run(clmlp_compare_run *r, const char *name, cl_device_type type, double train_s, double accuracy)
{
    memset(r, 0, sizeof *r);
    snprintf(r->spec, sizeof r->spec, "name=%s", name);
    snprintf(r->run.device.name, sizeof r->run.device.name, "%s", name);
    r->run.device.type = type;
    r->run.device.compute_units = 1;
    r->run.epochs_done = 2;
    r->run.steps_per_epoch = 10;
    r->run.train_seconds = train_s;
    r->run.test_count = 1000;
    r->run.eval_seconds = 0.5;
    r->run.accuracy = accuracy;
}

static void analysis_of_hand_made_runs(void)
{
    static clmlp_compare c;
    memset(&c, 0, sizeof c);
    clmlp_config_defaults(&c.cfg);
    c.cfg.training.batch_size = 100;
    c.cfg.model.input = 784;
    c.n_runs = 3;
    fake_run(&c.runs[0], "cpu-a", CL_DEVICE_TYPE_CPU, 4.0, 0.9);
    fake_run(&c.runs[1], "cpu-b", CL_DEVICE_TYPE_CPU, 8.0, 0.9004);
    fake_run(&c.runs[2], "gpu-c", CL_DEVICE_TYPE_GPU, 0.5, 0.8);
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    const clmlp_compare_run *a = &c.runs[0], *b = &c.runs[1], *g = &c.runs[2];
    CHECK_NEAR(a->train_s_per_epoch, 2.0, 1e-12);
    CHECK_NEAR(a->step_s, 0.2, 1e-12);
    CHECK_NEAR(a->train_s_per_image, 0.002, 1e-12);
    CHECK_NEAR(a->train_images_per_s, 500, 1e-9);
    CHECK_NEAR(a->eval_images_per_s, 2000, 1e-9);
    CHECK_NEAR(a->speedup, 1.0, 1e-12);
    CHECK_NEAR(b->speedup, 0.5, 1e-12);
    CHECK_NEAR(g->speedup, 8.0, 1e-12);
    CHECK(!b->accuracy_flagged); /* 0.04 points: within 0.5 */
    CHECK(g->accuracy_flagged);  /* 10 points */
    CHECK_NEAR(g->accuracy_delta, -0.1, 1e-12);
    /* chain: cpu -> cpu (slower b to faster a), cpu -> gpu measured, the rest not */
    CHECK_INT(c.n_chain, 4);
    CHECK(c.chain[0].from == CLMLP_CLASS_CPU && c.chain[0].to == CLMLP_CLASS_CPU);
    CHECK(c.chain[0].measured && c.chain[0].from_run == 1 && c.chain[0].to_run == 0);
    CHECK_NEAR(c.chain[0].measured_factor, 2.0, 1e-12);
    CHECK(c.chain[1].to == CLMLP_CLASS_GPU && c.chain[1].measured);
    CHECK_NEAR(c.chain[1].seed_factor, 14, 0);
    CHECK_NEAR(c.chain[1].measured_factor, 8.0, 1e-12);
    CHECK(!c.chain[2].measured && !c.chain[3].measured);
    CHECK_NEAR(c.chain[2].seed_factor, 768, 0);
    CHECK_NEAR(c.chain[3].seed_factor, 10752, 0);
    /* extrapolation rows: the three measured devices (no models loaded) */
    CHECK_INT(c.n_rows, 3);
    CHECK_INT(c.epochs, 20);
    CHECK_NEAR(c.bytes_per_image, 785, 0);
    CHECK_NEAR(c.rows[2].out.train_compute_h, 0.5 / 20 / 100 * 60e9 * 20 / 3600, 1e-6);
    CHECK_NEAR(c.seed.tpu_hours, 3.4877232, 1e-6);
    clmlp_compare_free(&c);
}

/* ---- clmlp compare on two PoCL devices ---- */

/* Every number that follows "key": in text, in order. */
static int json_numbers(const char *text, const char *key, double *out, int cap)
{
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\": ", key);
    int n = 0;
    for (const char *p = strstr(text, pattern); p && n < cap; p = strstr(p + 1, pattern))
        out[n++] = strtod(p + strlen(pattern), NULL);
    return n;
}

static void compare_two_pocl_devices(void)
{
    static char out[400000];
    char args[2048], dir[1024], path[1200];
    test_mnist_dir();
    setenv("POCL_DEVICES", "pthread basic", 1);
    snprintf(dir, sizeof dir, "%s/cmp", test_tmpdir());
    snprintf(args, sizeof args,
             "compare configs/tiny-mnist.yaml --devices name=pthread,name=basic --set training.epochs=1 --out '%s'", dir);
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "== device 2/2: name=basic ==");
    snprintf(path, sizeof path, "%s/compare.json", dir);
    char *json = test_read_file(path, NULL);
    CHECK(json != NULL);
    if (json) {
        CHECK_CONTAINS(json, "\"clmlp_compare_version\": \"1\"");
        CHECK_CONTAINS(json, "\"spec\": \"name=pthread\"");
        CHECK_CONTAINS(json, "\"spec\": \"name=basic\"");
        CHECK_CONTAINS(json, "\"class\": \"cpu\"");
        CHECK_CONTAINS(json, "\"baseline\": 0");
        double per_epoch[4], speedup[4], acc[4], ips[4], seconds[8];
        CHECK_INT(json_numbers(json, "seconds_per_epoch", per_epoch, 4), 2);
        CHECK_INT(json_numbers(json, "speedup", speedup, 4), 2);
        CHECK_INT(json_numbers(json, "accuracy", acc, 4), 2);
        CHECK_INT(json_numbers(json, "images_per_second", ips, 4), 4); /* train, eval per device */
        CHECK(per_epoch[0] > 0 && per_epoch[1] > 0);
        /* the speedup is the ratio of the measured times */
        CHECK_NEAR(speedup[0], 1.0, 1e-12);
        CHECK_NEAR(speedup[1], per_epoch[0] / per_epoch[1], 1e-9 * speedup[1]);
        /* same data, seed and plan: the same accuracy on both */
        CHECK_NEAR(acc[0], acc[1], 0.005);
        /* the measured cpu -> cpu link is the slower's time over the faster's */
        double factor[8];
        int nf = json_numbers(json, "factor", factor, 8);
        CHECK(nf >= 2);
        double slow = per_epoch[0] > per_epoch[1] ? per_epoch[0] : per_epoch[1];
        double fast = per_epoch[0] > per_epoch[1] ? per_epoch[1] : per_epoch[0];
        if (nf >= 1)
            CHECK_NEAR(factor[0], slow / fast, 1e-9 * factor[0]);
        CHECK(json_numbers(json, "seconds", seconds, 8) >= 4);
        CHECK_CONTAINS(json, "\"seed_factor\": 14,");
        CHECK_CONTAINS(json, "\"seed_factor\": 768,");
        CHECK_CONTAINS(json, "\"seed_factor\": 10752,");
        CHECK_CONTAINS(json, "\"tpu_hours\": 3.48772321429");
        CHECK_CONTAINS(json, "\"model\": \"local_cpu\"");
        CHECK_CONTAINS(json, "\"kernels\": [");
        CHECK_CONTAINS(json, "\"name\": \"adam_multi\"");
        /* the profiler's device time is in, and adds up to no more than the measured steps */
        double kernel_s[64], step_s[4];
        int nk = json_numbers(json, "device_seconds_per_step", kernel_s, 64);
        CHECK(nk >= 2 && json_numbers(json, "seconds_per_step", step_s, 4) == 2);
        double sum0 = 0;
        for (int k = 0; k < nk / 2; k++)
            sum0 += kernel_s[k];
        CHECK(sum0 > 0 && sum0 <= step_s[0] * 1.05);
        CHECK_CONTAINS(json, "\"train_bytes\": 4.71e+13,");
    }
    free(json);
    snprintf(path, sizeof path, "%s/compare.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK(md != NULL);
    if (md) {
        CHECK_CONTAINS(md, "# clmlp compare: tiny-mnist on 2 devices");
        CHECK_CONTAINS(md, "## 1. Measured on this machine");
        CHECK_CONTAINS(md, "| 0 | pthread");
        CHECK_CONTAINS(md, "(baseline)");
        CHECK_CONTAINS(md, "## 2. The speedup chain");
        CHECK_CONTAINS(md, "| cpu → gpu | 14× | not measured here (no gpu device ran) | local_cpu → v100: ");
        CHECK_CONTAINS(md, "| gpu → accelerator | 768× | not measured here");
        CHECK_CONTAINS(md, "| cpu → accelerator | 10 752× | not measured here");
        CHECK_CONTAINS(md, "*(modeled)*");
        CHECK_CONTAINS(md, "## 3. How far to trust the model: predicted vs measured");
        CHECK_CONTAINS(md, "device model `local_cpu` (1 of 2 units)");
        CHECK_CONTAINS(md, "## 5. Top kernels of a training step");
        CHECK_CONTAINS(md, "| gemm_nn_bias_relu | 1 |");
        CHECK_CONTAINS(md, "## 6. Extrapolation to N_train = 60 000 000 000 training and N_test = 10 000 000 000");
        CHECK_CONTAINS(md, "= **3.49 hours**");
        CHECK_CONTAINS(md, "training 47.1 TB (42.8 TiB), test 7.85 TB (7.14 TiB)");
        CHECK_CONTAINS(md, "| tpu_v2 | *modeled* |");
    }
    free(md);
}

static void compare_errors_come_before_any_run(void)
{
    static char out[8192];
    char args[2048], dir[1024];
    struct stat st;
    snprintf(dir, sizeof dir, "%s/never", test_tmpdir());
    /* no devices */
    snprintf(args, sizeof args, "compare configs/tiny-mnist.yaml --out '%s'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 2);
    CHECK_STR(out, "clmlp: compare: no devices to compare (give --devices SPEC[,SPEC...] or compare.devices in the "
                   "config)\n");
    /* a spec that names no device: one line, exit 4, nothing written */
    snprintf(args, sizeof args, "compare configs/tiny-mnist.yaml --devices name=pthread,name=nosuchdevice --out '%s'",
             dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 4);
    CHECK_CONTAINS(out, "clmlp: device spec 'name=nosuchdevice': no OpenCL device matches");
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
    CHECK_INT(test_run_clmlp("compare configs/tiny-mnist.yaml --devices type=tpu", out, sizeof out), 2);
    CHECK_STR(out, "clmlp: device spec 'type=tpu': device.type: 'tpu' is not one of any, cpu, gpu, accelerator "
                   "(did you mean 'accelerator'?)\n");
    CHECK_INT(test_run_clmlp("compare configs/tiny-mnist.yaml --devices cpu --set compare.baseline=2", out, sizeof out),
              2);
    CHECK_STR(out, "clmlp: compare.baseline: 2 is not a position in the device list (0..0)\n");
    CHECK_INT(test_run_clmlp("compare configs/tiny-mnist.yaml --devices cpu --set compare.models=/nonexistent/m", out,
                             sizeof out),
              2);
    CHECK_STR(out, "clmlp: compare.models: cannot open folder '/nonexistent/m'\n");
    CHECK_INT(test_run_clmlp("compare configs/tiny-mnist.yaml --devices", out, sizeof out), 2);
    CHECK_STR(out, "clmlp: compare: option '--devices' needs a value\n");
    CHECK(stat(dir, &st) != 0);
}

static void extrapolate_prints_the_seed_case(void)
{
    static char out[200000];
    test_mnist_dir();
    int rc = test_run_clmlp("extrapolate configs/tiny-mnist.yaml --set training.epochs=1 --set device.type=cpu", out,
                            sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "## 1. Extrapolation to N_train = 60 000 000 000 training");
    CHECK_CONTAINS(out, "E = 20 epochs");
    CHECK_CONTAINS(out, "135 s × 1 000 000 ÷ (10 752 × 3600) = 3.49");
    CHECK_CONTAINS(out, "= **3.49 hours**");
    CHECK_CONTAINS(out, "| 0: `type=cpu` | measured |");
    CHECK_CONTAINS(out, "| v100 | *modeled* |");
}

static void extrapolate_from_a_run_report(void)
{
    static char out[200000];
    char args[2048], dir[1024];
    test_mnist_dir();
    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    snprintf(args, sizeof args, "train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    /* no CONFIG: the run's config.yaml */
    snprintf(args, sizeof args, "extrapolate --from '%s' --set extrapolate.train_images=1e9", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "## 1. Extrapolation to N_train = 1 000 000 000 training");
    CHECK_CONTAINS(out, "| 0: `pthread");
    CHECK_CONTAINS(out, "| measured |");
    CHECK_CONTAINS(out, "| tpu_v3 | *modeled* |");
    /* a config with another model is refused: the plans would differ */
    snprintf(args, sizeof args, "extrapolate configs/seed-mlp.yaml --from '%s/report.json'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 2);
    CHECK_CONTAINS(out, "report.json: the run trained 784-64-10 with batch 100, the config describes "
                        "784-400-400-500-10 with batch 100 (pass the run's config.yaml)\n");
    const char *bad = test_write_file("bad.json", "{\"a\": }", 8);
    snprintf(args, sizeof args, "extrapolate configs/tiny-mnist.yaml --from '%s'", bad);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 3);
    CHECK_CONTAINS(out, "bad.json:1:7: ");
    CHECK_INT(test_run_clmlp("extrapolate --from /nonexistent/run", out, sizeof out), 2);
    CHECK_STR(out, "clmlp: extrapolate: --from '/nonexistent/run': No such file or directory\n");
}

const test_case compare_tests[] = {
    {"devmodel_parses_with_defaults", devmodel_parses_with_defaults, false},
    {"devmodel_validation_errors_are_one_line", devmodel_validation_errors_are_one_line, false},
    {"builtin_models_load_and_a_folder_overrides", builtin_models_load_and_a_folder_overrides, false},
    {"models_match_present_devices_by_name_and_class", models_match_present_devices_by_name_and_class, false},
    {"roofline_of_a_hand_built_plan", roofline_of_a_hand_built_plan, false},
    {"seed_arithmetic_is_hours_not_seconds", seed_arithmetic_is_hours_not_seconds, false},
    {"extrapolation_units", extrapolation_units, false},
    {"device_specs_parse_like_the_device_section", device_specs_parse_like_the_device_section, false},
    {"analysis_of_hand_made_runs", analysis_of_hand_made_runs, false},
    {"compare_two_pocl_devices", compare_two_pocl_devices, true},
    {"compare_errors_come_before_any_run", compare_errors_come_before_any_run, true},
    {"extrapolate_prints_the_seed_case", extrapolate_prints_the_seed_case, true},
    {"extrapolate_from_a_run_report", extrapolate_from_a_run_report, true},
    {NULL, NULL, false},
};
