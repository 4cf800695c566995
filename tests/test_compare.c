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
    /* Only devices that may be absent: a present one is modeled from its probe. */
    static const char *const ids[] = {"v100", "h100", "tpu_v2", "tpu_v3"};
    CHECK_INT(n, CLMLP_ARRAY_LEN(ids));
    for (int i = 0; i < n && i < (int)CLMLP_ARRAY_LEN(ids); i++) {
        CHECK_STR(models[i].id, ids[i]);
        CHECK(models[i].kind != CLMLP_CLASS_CPU);
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
    CHECK_STR(models[0].id, "v100");
    CHECK_STR(models[0].name, "Test GPU");
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

/* CPUs PoCL may run on: the suite holds on any of them. */
static const char *const fake_cpus[] = {
    "pthread-sapphirerapids-Intel(R) Xeon(R) Platinum 8488C",
    "pthread-znver5-AMD EPYC 9B45",
    "pthread-generic-Unknown CPU",
};

static void models_match_present_devices_by_name_and_class(void)
{
    clmlp_devmodel *models = NULL;
    int n = 0;
    clmlp_err err = {0};
    CHECK_INT(clmlp_devmodels_load(NULL, &models, &n, &err), 0);
    clmlp_device_desc d = {0};
    d.type = CL_DEVICE_TYPE_CPU;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(fake_cpus); i++) { /* no built-in model is a CPU that may be here */
        snprintf(d.name, sizeof d.name, "%s", fake_cpus[i]);
        CHECK_INT(clmlp_devmodel_find(models, n, &d), -1);
    }
    int m;
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
    r->run.batch_size = 100;
    clmlp_run_result_rates(&r->run);
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

/* The hand-written CPU model is an example to add, never built in, and
 * says nothing about "this VM". */
static void example_cpu_model_is_not_built_in(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/configs/devices/examples", test_source_root());
    clmlp_devmodel *models = NULL;
    int n = 0;
    clmlp_err err = {0};
    CHECK_INT(clmlp_devmodels_load(dir, &models, &n, &err), 0);
    CHECK_STR(err.msg, "");
    int cpus = 0;
    for (int i = 0; i < n; i++) {
        if (models[i].kind != CLMLP_CLASS_CPU)
            continue;
        cpus++;
        CHECK(strstr(models[i].origin, "(built in)") == NULL);
        CHECK(strstr(models[i].name, "this VM") == NULL);
        CHECK(models[i].match[0] != '\0');
    }
    CHECK(cpus >= 1);
    /* Its match names AMD EPYC hosts only. */
    clmlp_device_desc d = {.type = CL_DEVICE_TYPE_CPU};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(fake_cpus); i++) {
        snprintf(d.name, sizeof d.name, "%s", fake_cpus[i]);
        int m = clmlp_devmodel_find(models, n, &d);
        CHECK(strstr(fake_cpus[i], "AMD EPYC") ? m >= 0 : m == -1);
    }
    free(models);
}

/* ---- rounds, spreads and measured models, on hand-made runs ---- */

static void spread_and_median_round_arithmetic(void)
{
    clmlp_spread s;
    const double odd[] = {3.0, 1.0, 2.0}, even[] = {4.0, 1.0, 3.0, 2.0};
    clmlp_compare_spread(odd, 3, &s);
    CHECK_NEAR(s.median, 2.0, 0);
    CHECK_NEAR(s.min, 1.0, 0);
    CHECK_NEAR(s.max, 3.0, 0);
    CHECK_INT(s.n, 3);
    CHECK_NEAR(odd[0], 3.0, 0); /* the rounds keep their order */
    clmlp_compare_spread(even, 4, &s);
    CHECK_NEAR(s.median, 2.5, 0);
    /* The median round: the median itself for an odd count, the lower middle for an even one. */
    CHECK_INT(clmlp_compare_median_round(odd, 3), 2);
    CHECK_INT(clmlp_compare_median_round(even, 4), 3);
    const double ties[] = {5.0, 5.0, 5.0};
    CHECK_INT(clmlp_compare_median_round(ties, 3), 1);
    /* After 2 of 5 rounds (3.0, 1.0), both can still be the median (rank 2 of 5). */
    CHECK(clmlp_compare_may_be_median(odd, 2, 5, 0) && clmlp_compare_may_be_median(odd, 2, 5, 1));
    /* After 3 of 3 only the median can. */
    CHECK(!clmlp_compare_may_be_median(odd, 3, 3, 0) && !clmlp_compare_may_be_median(odd, 3, 3, 1));
    CHECK(clmlp_compare_may_be_median(odd, 3, 3, 2));
    /* 4.0 is the slowest of {4, 1, 3} with one round to go: rank 2 > 1, never the median of 4. */
    CHECK(!clmlp_compare_may_be_median(even, 3, 4, 0));
    /* Paired ratios, and whether they tell the devices apart. */
    const double base[] = {1.0, 3.0, 2.0}, dev[] = {0.9, 1.0, 2.5};
    clmlp_compare_ratios(base, dev, 3, &s);
    CHECK_NEAR(s.median, 1.0 / 0.9, 1e-12);
    CHECK_NEAR(s.min, 0.8, 1e-12);
    CHECK_NEAR(s.max, 3.0, 1e-12);
    CHECK(!clmlp_compare_distinguishable(&s)); /* 0.8..3: includes 1.0 */
    const double faster[] = {0.4, 1.4, 0.9};
    clmlp_compare_ratios(base, faster, 3, &s);
    CHECK(clmlp_compare_distinguishable(&s));
    clmlp_compare_ratios(base, faster, 1, &s); /* one round: no range, no claim */
    CHECK(!clmlp_compare_distinguishable(&s));
}

/* Plans of a small MLP (784-64-10, batch 100), compiled once, no device. */
static const clmlp_plan *small_plans(void)
{
    static clmlp_plan plans[2];
    static bool done;
    if (!done) {
        clmlp_config cfg;
        clmlp_config_defaults(&cfg);
        cfg.model.n_hidden = 1;
        cfg.model.hidden[0] = 64;
        clmlp_err err = {0};
        CHECK_INT(clmlp_compile_config(&cfg, 784, 0, NULL, &plans[0], &plans[1], &err), 0);
        done = true;
    }
    return plans;
}

/* A comparison of n hand-made runs, with the built-in models and those of
 * models_dir (NULL = none). */
static void fake_compare(clmlp_compare *c, int n, int rounds, const char *models_dir)
{
    memset(c, 0, sizeof *c);
    clmlp_config_defaults(&c->cfg);
    c->cfg.model.input = 784;
    c->n_runs = n;
    c->n_rounds = rounds;
    clmlp_err err = {0};
    CHECK_INT(clmlp_devmodels_load(models_dir, &c->models, &c->n_models, &err), 0);
}

/* Run i: a device of that name and type, selected as device i, with a
 * probe of `gflops` GEMM (50 GB/s DRAM, 200 in a 1 MiB cache, 2 µs per
 * launch), the small plans and the rounds' training seconds. */
static void fake_device(clmlp_compare *c, int i, const char *name, cl_device_type type, double gflops,
                        const double *round_s)
{
    clmlp_compare_run *r = &c->runs[i];
    fake_run(r, name, type, round_s[0], 0.9);
    r->run.device.compute_units = 2;
    r->selected = true;
    r->device_index = i;
    for (int k = 0; k < c->n_rounds; k++)
        r->round_train_s[k] = round_s[k];
    clmlp_probe *p = &r->run.probe;
    r->run.has_probe = gflops > 0;
    p->gemm_gflops = gflops;
    p->copy_gbps = 50;
    p->launch_us = 2;
    p->n_levels = 2;
    p->levels[0].bytes = 1 << 20;
    p->levels[0].gbps.best = 200;
    p->levels[1].bytes = 128 << 20;
    p->levels[1].gbps.best = 50;
    r->train_plan = malloc(sizeof *r->train_plan);
    r->eval_plan = malloc(sizeof *r->eval_plan);
    if (r->train_plan && r->eval_plan) {
        *r->train_plan = small_plans()[0];
        *r->eval_plan = small_plans()[1];
    }
}

/* What a writer puts out, as a malloc'ed string. */
static char *written(int (*write)(FILE *, const clmlp_compare *), const clmlp_compare *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    CHECK_INT(write(f, c), 0);
    fclose(f);
    return text;
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay ? strstr(hay, needle) : NULL; p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void speedups_are_paired_per_round(void)
{
    static clmlp_compare c;
    static const double base[] = {1.0, 3.0, 2.0}, close[] = {0.9, 1.0, 2.5}, fast[] = {0.4, 1.4, 0.9};
    fake_compare(&c, 3, 3, NULL);
    fake_device(&c, 0, fake_cpus[0], CL_DEVICE_TYPE_CPU, 300, base);
    fake_device(&c, 1, fake_cpus[1], CL_DEVICE_TYPE_CPU, 300, close);
    fake_device(&c, 2, fake_cpus[2], CL_DEVICE_TYPE_CPU, 300, fast);
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    const clmlp_compare_run *b = &c.runs[0], *m = &c.runs[1], *f = &c.runs[2];
    /* times per epoch (2 epochs a round): median and range */
    CHECK_NEAR(b->train_s_per_epoch, 1.0, 1e-12);
    CHECK_NEAR(b->epoch_s.min, 0.5, 1e-12);
    CHECK_NEAR(b->epoch_s.max, 1.5, 1e-12);
    CHECK_NEAR(b->step_s, 2.0 / 20, 1e-12);
    /* Paired: median of 1/0.9, 3/1, 2/2.5 is 1.11, not the medians' ratio 2/1. */
    CHECK_NEAR(m->speedup, 1.0 / 0.9, 1e-12);
    CHECK_NEAR(m->speedup_spread.min, 0.8, 1e-12);
    CHECK_NEAR(m->speedup_spread.max, 3.0, 1e-12);
    CHECK(!m->distinguishable);
    CHECK_NEAR(f->speedup, 2.0 / 0.9, 1e-12);
    CHECK(f->distinguishable);
    CHECK(!b->distinguishable);
    /* cpu -> cpu: the slower (by median) over the faster, per round */
    CHECK(c.chain[0].from == CLMLP_CLASS_CPU && c.chain[0].to == CLMLP_CLASS_CPU);
    CHECK(c.chain[0].from_run == 0 && c.chain[0].to_run == 2);
    CHECK_NEAR(c.chain[0].measured_factor, 2.0 / 0.9, 1e-12);
    CHECK_NEAR(c.chain[0].measured_spread.min, 3.0 / 1.4, 1e-12);
    CHECK_NEAR(c.chain[0].measured_spread.max, 2.5, 1e-12);
    CHECK(c.chain[0].distinguishable);
    char *md = written(clmlp_compare_write_md, &c), *json = written(clmlp_compare_write_json, &c);
    CHECK_CONTAINS(md, "| 1.11× (0.80–3×): no measurable difference |");
    CHECK_CONTAINS(md, "| **2.22× (2.14–2.50×)** |");
    CHECK_CONTAINS(md, "| 1.000 (0.500–1.500) |");
    CHECK_CONTAINS(md, "| cpu → cpu | — | **2.22× (2.14–2.50×)** (name=");
    CHECK_CONTAINS(json, "\"speedup\": 1.11111111111,\n");
    CHECK_CONTAINS(json, "\"speedup_min\": 0.8,\n");
    CHECK_CONTAINS(json, "\"speedup_max\": 3,\n");
    CHECK_INT(count_of(json, "\"distinguishable\": true"), 2); /* device 2 and the cpu -> cpu link */
    CHECK_CONTAINS(json, "\"rounds\": 3,\n");
    /* round 1 runs the devices in reverse: device 0 last */
    CHECK_CONTAINS(json, "\"round\": 1,\n          \"position\": 2,\n          \"train_seconds\": 3,\n");
    free(md);
    free(json);
    clmlp_compare_free(&c);
}

/* Whatever the CPU, the chain's modeled CPU end is the run's measured model. */
static void chain_starts_from_the_measured_cpu(void)
{
    static const double rounds[] = {2.0, 2.2, 1.8};
    for (size_t k = 0; k < CLMLP_ARRAY_LEN(fake_cpus); k++) {
        static clmlp_compare c;
        fake_compare(&c, 1, 3, NULL);
        fake_device(&c, 0, fake_cpus[k], CL_DEVICE_TYPE_CPU, 100.0 * (double)(k + 1), rounds);
        clmlp_err err = {0};
        CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
        const clmlp_compare_run *r = &c.runs[0];
        CHECK_INT(r->model, -1); /* no built-in model describes it */
        CHECK(r->probed && r->probe_step.seconds > 0);
        CHECK_INT(r->probe_roof.n_levels, 2);
        CHECK_INT(c.n_chain, 3); /* one CPU: no cpu -> cpu */
        const clmlp_chain_link *l = &c.chain[0];
        CHECK(l->from == CLMLP_CLASS_CPU && l->to == CLMLP_CLASS_GPU && !l->measured);
        CHECK_INT(l->n_modeled, 2); /* -> v100, -> h100 */
        for (int m = 0; m < l->n_modeled; m++) {
            CHECK_INT(l->modeled[m].from.run, 0);
            CHECK_INT(l->modeled[m].from.model, -1);
            int to = l->modeled[m].to.model;
            CHECK(to >= 0 && c.models[to].kind == CLMLP_CLASS_GPU);
            CHECK_NEAR(l->modeled[m].factor, r->probe_step.seconds / c.predictions[to].step.seconds, 1e-12);
        }
        CHECK_INT(c.chain[2].modeled[0].from.run, 0); /* cpu -> accelerator */
        char *md = written(clmlp_compare_write_md, &c), *json = written(clmlp_compare_write_json, &c);
        CHECK(md && strstr(md, "this VM") == NULL);
        CHECK_CONTAINS(md, "| cpu → gpu | 14× | not measured here (no gpu device ran) | `name=");
        CHECK_CONTAINS(md, "(probe) → v100: ");
        char row[300];
        snprintf(row, sizeof row, "| probe:0: %s (`name=%s`, 2 CUs), measured by the probe on this machine | cpu | ",
                 fake_cpus[k], fake_cpus[k]);
        CHECK_CONTAINS(md, row);
        CHECK_CONTAINS(md, "| 50 DRAM, 200 at 1 MiB |");
        CHECK_CONTAINS(json, "\"id\": \"probe:0\",");
        CHECK_CONTAINS(json, "\"source\": \"probe\",");
        CHECK_CONTAINS(json, "\"from_model\": \"probe:0\",");
        CHECK_CONTAINS(json, "\"from_device\": 0,");
        free(md);
        free(json);
        clmlp_compare_free(&c);
    }
}

static void same_device_is_refused_unless_a_noise_check(void)
{
    clmlp_device_desc descs[2] = {{.index = 0, .type = CL_DEVICE_TYPE_CPU, .compute_units = 1},
                                  {.index = 1, .type = CL_DEVICE_TYPE_CPU, .compute_units = 2}};
    snprintf(descs[0].name, sizeof descs[0].name, "basic-znver5-AMD EPYC 9B45");
    snprintf(descs[1].name, sizeof descs[1].name, "pthread-znver5-AMD EPYC 9B45");
    static clmlp_compare c;
    clmlp_err err = {0};
    memset(&c, 0, sizeof c);
    CHECK_INT(clmlp_compare_parse_devices("name=pthread,Pthread", &c, &err), 0);
    CHECK_INT(clmlp_compare_select(&c, descs, 2, false, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    CHECK_STR(err.msg, "compare: 'name=pthread' and 'Pthread' select the same device, pthread-znver5-AMD EPYC 9B45 "
                       "(platform 0, device 1): a device against itself measures noise, not a speedup; to measure "
                       "that noise add --set compare.noise_check=true");
    /* different devices are fine */
    CHECK_INT(clmlp_compare_parse_devices("name=pthread,name=basic", &c, &err), 0);
    CHECK_INT(clmlp_compare_select(&c, descs, 2, false, &err), 0);
    CHECK(c.runs[0].device_index == 1 && c.runs[1].device_index == 0);

    /* As a noise check it runs; nothing is claimed, and there is no cpu -> cpu link. */
    CHECK_INT(clmlp_compare_parse_devices("name=pthread,Pthread", &c, &err), 0);
    CHECK_INT(clmlp_compare_select(&c, descs, 2, true, &err), 0);
    static const double a[] = {2.0, 2.1, 2.2}, b[] = {1.5, 1.6, 1.7}; /* ratios all above 1: still noise */
    static clmlp_compare run;
    fake_compare(&run, 2, 3, NULL);
    fake_device(&run, 0, descs[1].name, CL_DEVICE_TYPE_CPU, 300, a);
    fake_device(&run, 1, descs[1].name, CL_DEVICE_TYPE_CPU, 300, b);
    for (int i = 0; i < 2; i++) {
        snprintf(run.runs[i].spec, sizeof run.runs[i].spec, "%s", c.runs[i].spec);
        run.runs[i].platform_index = c.runs[i].platform_index;
        run.runs[i].device_index = c.runs[i].device_index;
    }
    CHECK_INT(clmlp_compare_analyze(&run, &err), 0);
    CHECK(run.noise_check);
    CHECK_INT(run.runs[1].same_as, 0);
    CHECK(!run.runs[1].distinguishable);
    CHECK_INT(run.n_chain, 3);
    CHECK(run.chain[0].to == CLMLP_CLASS_GPU);
    char *md = written(clmlp_compare_write_md, &run), *json = written(clmlp_compare_write_json, &run);
    CHECK_CONTAINS(md, "**This is a noise check**");
    CHECK_CONTAINS(md, "no speedup is claimed");
    CHECK_CONTAINS(md, "| noise: 1.31× (1.29–1.33×), the baseline's own device |");
    CHECK(md && strstr(md, "| cpu → cpu |") == NULL);
    CHECK(md && strstr(md, "**1.31") == NULL);
    CHECK_CONTAINS(json, "\"noise_check\": true,");
    CHECK_CONTAINS(json, "\"same_device_as\": 0,");
    CHECK_INT(count_of(json, "\"distinguishable\": true"), 0);
    free(md);
    free(json);
    clmlp_compare_free(&run);
}

static void short_rounds_are_flagged(void)
{
    static clmlp_compare c;
    static const double quick[] = {0.05, 0.06, 0.04}, slow[] = {2.0, 2.1, 1.9};
    fake_compare(&c, 2, 3, NULL);
    fake_device(&c, 0, fake_cpus[0], CL_DEVICE_TYPE_CPU, 300, quick);
    fake_device(&c, 1, fake_cpus[1], CL_DEVICE_TYPE_CPU, 300, slow);
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    CHECK(c.runs[0].short_rounds);
    CHECK(!c.runs[1].short_rounds);
    CHECK_NEAR(c.runs[0].round_s.median, 0.05, 1e-12);
    char *md = written(clmlp_compare_write_md, &c), *json = written(clmlp_compare_write_json, &c);
    CHECK_CONTAINS(md, "| 0.025 (0.020–0.030) **(short)** |");
    CHECK_CONTAINS(md, "**(short)**: the median training time per round is 50 ms for #0 `name=pthread-sapphirerapids");
    CHECK_CONTAINS(md, "Raise `training.epochs` or use a bigger\n`data.train.limit`");
    CHECK_CONTAINS(md, "**Short rounds**: 50 ms for #0 `name=pthread-sapphirerapids");
    CHECK_INT(count_of(md, "**(short)**"), 2); /* the flagged row and the note */
    CHECK_INT(count_of(json, "\"short_rounds\": true"), 1);
    CHECK_CONTAINS(json, "\"min_round_seconds\": 1,");
    free(md);
    free(json);
    /* a lower threshold flags nothing */
    c.cfg.compare.min_round_seconds = 0.01;
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    CHECK(!c.runs[0].short_rounds);
    clmlp_compare_free(&c);
}

#define XEON_MODEL                                                                                                     \
    "name: Xeon Platinum 8488C, 2 vCPU (a user's model)\n"                                                             \
    "kind: cpu\n"                                                                                                      \
    "match: Xeon\n"                                                                                                    \
    "compute_units: 2\n"                                                                                               \
    "peak_gflops: {fp32: 400}\n"                                                                                       \
    "memory_bandwidth_gbps: 30\n"                                                                                      \
    "memory_gib: 8\n"                                                                                                  \
    "launch_overhead_us: 3\n"                                                                                          \
    "usd_per_hour: 0.1\n"

/* A user's CPU model describes the Xeon only; it starts the chain only
 * when no CPU ran. */
static void user_cpu_model_matches_only_its_cpu(void)
{
    test_write_file("xeon.yaml", XEON_MODEL, strlen(XEON_MODEL));
    static clmlp_compare c;
    static const double rounds[] = {2.0, 2.0, 2.0};
    fake_compare(&c, 3, 3, test_tmpdir());
    for (int i = 0; i < 3; i++)
        fake_device(&c, i, fake_cpus[i], CL_DEVICE_TYPE_CPU, 300, rounds);
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    int xeon = c.runs[0].model;
    CHECK(xeon >= 0 && strcmp(c.models[xeon].id, "xeon") == 0);
    CHECK_INT(c.runs[1].model, -1);
    CHECK_INT(c.runs[2].model, -1);
    CHECK(c.chain[0].measured && !c.chain[0].distinguishable); /* three CPUs, equal times */
    CHECK(c.chain[1].to == CLMLP_CLASS_GPU && c.chain[1].modeled[0].from.run == 0); /* a CPU ran: its probe */
    char *md = written(clmlp_compare_write_md, &c);
    CHECK_INT(count_of(md, "| hand-written model `xeon` (2 of 2 units), its `match: Xeon` |"), 1);
    CHECK_CONTAINS(md, "| 0 | pthread-sapphirerapids-Intel(R) Xeon(R) Platinum 8488C | hand-written model `xeon`");
    CHECK_CONTAINS(md, "| xeon: Xeon Platinum 8488C, 2 vCPU (a user's model) | cpu | 400 / – / – |");
    free(md);
    clmlp_compare_free(&c);

    /* Only a GPU ran: the user's CPU model is the chain's CPU end. */
    static const double gpu_rounds[] = {0.5, 0.5, 0.5};
    fake_compare(&c, 1, 3, test_tmpdir());
    fake_device(&c, 0, "Fake GPU", CL_DEVICE_TYPE_GPU, 5000, gpu_rounds);
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    const clmlp_chain_link *l = &c.chain[0];
    CHECK(l->from == CLMLP_CLASS_CPU && l->to == CLMLP_CLASS_GPU);
    CHECK(l->n_modeled == 2 && l->modeled[0].from.run == -1);
    CHECK(l->modeled[0].from.model >= 0 && strcmp(c.models[l->modeled[0].from.model].id, "xeon") == 0);
    CHECK_INT(c.chain[1].modeled[0].from.run, 0); /* gpu -> accelerator from the GPU that ran */
    clmlp_compare_free(&c);

    /* Neither a CPU nor a CPU model: no modeled cpu -> gpu. */
    fake_compare(&c, 1, 3, NULL);
    fake_device(&c, 0, "Fake GPU", CL_DEVICE_TYPE_GPU, 5000, gpu_rounds);
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    CHECK_INT(c.chain[0].n_modeled, 0);
    md = written(clmlp_compare_write_md, &c);
    CHECK_CONTAINS(md, "| cpu → gpu | 14× | not measured here (no cpu device ran) | no cpu device model |");
    free(md);
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

/* The median of two or three values (the rounds of the test below). */
static double median_of(const double *v, int n)
{
    clmlp_spread s;
    clmlp_compare_spread(v, n, &s);
    return s.median;
}

/* Two real devices, two rounds: structure and consistency only. Neither a
 * device model nor a CPU vendor is assumed, nor which device is faster. */
static void compare_two_pocl_devices(void)
{
    static char out[400000];
    char args[2048], dir[1024], path[1200];
    test_mnist_dir();
    setenv("POCL_DEVICES", "pthread basic", 1);
    snprintf(dir, sizeof dir, "%s/cmp", test_tmpdir());
    snprintf(args, sizeof args,
             "compare configs/tiny-mnist.yaml --devices name=pthread,name=basic --set training.epochs=1 "
             "--set compare.rounds=2 --out '%s'",
             dir);
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 0);
    /* round 2 runs the devices in reverse order */
    const char *r1 = strstr(out, "== round 1/2, device 1/2: name=pthread =="),
               *r2b = strstr(out, "== round 2/2, device 2/2: name=basic =="),
               *r2p = strstr(out, "== round 2/2, device 1/2: name=pthread ==");
    CHECK(r1 && r2b && r2p && r1 < r2b && r2b < r2p);
    snprintf(path, sizeof path, "%s/compare.json", dir);
    char *json = test_read_file(path, NULL);
    CHECK(json != NULL);
    if (json) {
        CHECK_CONTAINS(json, "\"clmlp_compare_version\": \"1\"");
        CHECK_CONTAINS(json, "\"spec\": \"name=pthread\"");
        CHECK_CONTAINS(json, "\"spec\": \"name=basic\"");
        CHECK_CONTAINS(json, "\"class\": \"cpu\"");
        CHECK_CONTAINS(json, "\"baseline\": 0");
        CHECK_CONTAINS(json, "\"rounds\": 2,");
        CHECK_CONTAINS(json, "\"noise_check\": false,");
        double per_epoch[8], speedup[4], lo[4], hi[4], acc[4], ips[4], rounds[8], median_round[4];
        CHECK_INT(json_numbers(json, "seconds_per_epoch", per_epoch, 8), 2 + 4); /* each device, then each round */
        CHECK_INT(json_numbers(json, "speedup", speedup, 4), 2);
        CHECK_INT(json_numbers(json, "speedup_min", lo, 4), 2);
        CHECK_INT(json_numbers(json, "speedup_max", hi, 4), 2);
        CHECK_INT(json_numbers(json, "accuracy", acc, 4), 2);
        CHECK_INT(json_numbers(json, "images_per_second", ips, 4), 4); /* train, eval per device */
        CHECK_INT(json_numbers(json, "train_seconds", rounds, 8), 4);   /* 2 rounds per device */
        CHECK_INT(json_numbers(json, "median_round", median_round, 4), 2);
        /* per epoch: the median over the rounds (1 epoch each) */
        CHECK(rounds[0] > 0 && rounds[1] > 0 && rounds[2] > 0 && rounds[3] > 0);
        CHECK_NEAR(per_epoch[0], median_of(rounds, 2), 1e-9 * per_epoch[0]);
        CHECK_NEAR(per_epoch[3], median_of(rounds + 2, 2), 1e-9 * per_epoch[3]);
        /* the speedup: the median of the paired per-round ratios, and their range */
        double ratio[2] = {rounds[0] / rounds[2], rounds[1] / rounds[3]};
        CHECK_NEAR(speedup[0], 1.0, 1e-12);
        CHECK_NEAR(speedup[1], median_of(ratio, 2), 1e-9 * speedup[1]);
        CHECK_NEAR(lo[1], fmin(ratio[0], ratio[1]), 1e-9 * lo[1]);
        CHECK_NEAR(hi[1], fmax(ratio[0], ratio[1]), 1e-9 * hi[1]);
        /* a claim exactly when the range excludes 1.0: the device and the cpu -> cpu link */
        bool apart = lo[1] > 1.0 || hi[1] < 1.0;
        CHECK_INT(count_of(json, "\"distinguishable\": true"), apart ? 2 : 0);
        /* same data, seed and plan: the same accuracy on both */
        CHECK_NEAR(acc[0], acc[1], 0.005);
        /* the measured cpu -> cpu link is the slower's time over the faster's, per round */
        double factor[8];
        int nf = json_numbers(json, "factor", factor, 8);
        CHECK(nf >= 2);
        bool slow0 = per_epoch[0] > per_epoch[3] || (per_epoch[0] == per_epoch[3]);
        if (nf >= 1)
            CHECK_NEAR(factor[0], slow0 ? speedup[1] : median_of((double[]){1 / ratio[0], 1 / ratio[1]}, 2),
                       1e-9 * factor[0]);
        /* a flag exactly where a round trained for less than compare.min_round_seconds (1 s) */
        double round_median[4];
        CHECK_INT(json_numbers(json, "round_seconds_median", round_median, 4), 2);
        CHECK_INT(count_of(json, "\"short_rounds\": true"), (round_median[0] < 1.0) + (round_median[1] < 1.0));
        /* both devices modeled from their own probe; the chain's cpu end is the first */
        CHECK_INT(count_of(json, "\"source\": \"probe\""), 2);
        CHECK_CONTAINS(json, "\"id\": \"probe:0\"");
        CHECK_CONTAINS(json, "\"from_model\": \"probe:0\"");
        CHECK_CONTAINS(json, "\"seed_factor\": 14,");
        CHECK_CONTAINS(json, "\"seed_factor\": 768,");
        CHECK_CONTAINS(json, "\"seed_factor\": 10752,");
        CHECK_CONTAINS(json, "\"tpu_hours\": 3.48772321429");
        CHECK_CONTAINS(json, "\"kernels\": [");
        CHECK_CONTAINS(json, "\"name\": \"adam_multi\"");
        /* the profiler's device time of the median round adds up to no more than its steps */
        double kernel_s[64], step_s[4];
        int nk = json_numbers(json, "device_seconds_per_step", kernel_s, 64);
        CHECK(nk >= 2 && json_numbers(json, "seconds_per_step", step_s, 4) == 2);
        double sum0 = 0;
        for (int k = 0; k < nk / 2; k++)
            sum0 += kernel_s[k];
        CHECK(sum0 > 0 && sum0 <= rounds[(int)median_round[0]] / 20 * 1.05);
        CHECK_CONTAINS(json, "\"train_bytes\": 4.71e+13,");
    }
    free(json);
    snprintf(path, sizeof path, "%s/compare.md", dir);
    char *md = test_read_file(path, NULL);
    CHECK(md != NULL);
    if (md) {
        CHECK_CONTAINS(md, "# clmlp compare: tiny-mnist on 2 devices");
        CHECK_CONTAINS(md, "2 rounds (`compare.rounds`)");
        CHECK_CONTAINS(md, "## 1. Measured on this machine");
        CHECK_CONTAINS(md, "| 0 | pthread");
        CHECK_CONTAINS(md, "(baseline)");
        CHECK(strstr(md, "no measurable difference") || strstr(md, "| **"));
        CHECK(md && strstr(md, "this VM") == NULL);
        CHECK(md && strstr(md, "**This is a noise check**") == NULL);
        CHECK_CONTAINS(md, "## 2. The speedup chain");
        CHECK_CONTAINS(md, "| cpu → cpu | — | ");
        CHECK_CONTAINS(md, "| cpu → gpu | 14× | not measured here (no gpu device ran) | `name=pthread` (probe) → v100: ");
        CHECK_CONTAINS(md, "| gpu → accelerator | 768× | not measured here");
        CHECK_CONTAINS(md, "| cpu → accelerator | 10 752× | not measured here");
        CHECK_CONTAINS(md, "*(modeled)*");
        CHECK_CONTAINS(md, "## 3. How far to trust the model: predicted vs measured");
        CHECK_INT(count_of(md, "| measured model (probe): "), 2);
        CHECK_CONTAINS(md, "## 4. Device models: measured here, and from datasheets");
        CHECK_CONTAINS(md, "| probe:0: pthread");
        CHECK_CONTAINS(md, "| probe:1: basic");
        CHECK_INT(count_of(md, "measured by the probe on this machine"), 2);
        CHECK_CONTAINS(md, "## 5. Top kernels of a training step");
        CHECK_CONTAINS(md, "| % of its roof |");
        CHECK_CONTAINS(md, "| gemm_nn_bias_relu | 1 |");
        CHECK_CONTAINS(md, "## 6. Extrapolation to N_train = 60 000 000 000 training and N_test = 10 000 000 000");
        CHECK_CONTAINS(md, "= **3.49 hours**");
        CHECK_CONTAINS(md, "training 47.1 TB (42.8 TiB), test 7.85 TB (7.14 TiB)");
        CHECK_CONTAINS(md, "| tpu_v2 | *modeled* |");
    }
    free(md);
}

/* The same device twice, asked for: it runs and says it is noise. */
static void compare_noise_check_runs(void)
{
    static char out[400000];
    test_mnist_dir();
    char args[2048]; /* its folder in the test's own directory, not the checkout's runs/ */
    snprintf(args, sizeof args,
             "compare configs/tiny-mnist.yaml --devices type=cpu,type=cpu --set training.epochs=1 "
             "--set compare.rounds=2 --set compare.noise_check=true --out '%s/noise-check'",
             test_tmpdir());
    int rc = test_run_clmlp(args, out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "**This is a noise check**");
    CHECK_CONTAINS(out, "| noise: ");
    CHECK_CONTAINS(out, "Noise: #0 and #1 are the same device");
    CHECK(strstr(out, "| cpu → cpu |") == NULL);
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
    /* the same device twice: refused unless a noise check is asked for */
    snprintf(args, sizeof args, "compare configs/tiny-mnist.yaml --devices type=cpu,type=cpu --out '%s'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 2);
    CHECK_CONTAINS(out, "clmlp: compare: 'type=cpu' and 'type=cpu' select the same device, ");
    CHECK_CONTAINS(out, "to measure that noise add --set compare.noise_check=true\n");
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
    CHECK_INT(test_run_clmlp("compare configs/tiny-mnist.yaml --devices cpu --set compare.rounds=0", out, sizeof out),
              2);
    CHECK_CONTAINS(out, "compare.rounds: 0 is out of range");
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
    CHECK_CONTAINS(out, "== round 3/3, device 1/1: type=cpu =="); /* compare.rounds, as compare measures */
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

/* A kernel faster than the measured model allows is the probe's problem,
 * not a fact: section 5 says so instead of printing the percentage. */
static void kernels_above_the_roof_are_flagged(void)
{
    static clmlp_compare c;
    static const double rounds[] = {2.0};
    fake_compare(&c, 1, 1, NULL);
    fake_device(&c, 0, fake_cpus[0], CL_DEVICE_TYPE_CPU, 300, rounds);
    const clmlp_plan *plan = c.runs[0].train_plan;
    int gemm = -1;
    for (int l = 0; plan && l < plan->n_launches && gemm < 0; l++)
        if (plan->launches[l].is_gemm)
            gemm = l;
    CHECK(gemm >= 0);
    if (gemm < 0) {
        clmlp_compare_free(&c);
        return;
    }
    /* the profiler saw that GEMM at its roof's time ÷ 2: 200 % of the roof */
    clmlp_profiler *prof = &c.runs[0].run.profile;
    prof->stats = calloc(1, sizeof *prof->stats);
    prof->n_stats = prof->cap_stats = 1;
    clmlp_kernel_stats *k = &prof->stats[0];
    snprintf(k->name, sizeof k->name, "%s", plan->launches[gemm].name);
    snprintf(k->phase, sizeof k->phase, "train");
    double steps = (double)c.runs[0].run.steps_per_epoch * c.runs[0].run.epochs_done;
    k->calls = (long)steps;
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    int same = 0; /* launches of the plan with that kernel name */
    double roof = 0;
    for (int l = 0; l < plan->n_launches; l++)
        if (strcmp(plan->launches[l].name, k->name) == 0) {
            same++;
            roof += clmlp_roofline_launch(plan->launches[l].flops, plan->launches[l].bytes,
                                          plan->launches[l].footprint, &c.runs[0].probe_roof) -
                    c.runs[0].probe_roof.launch_s;
        }
    CHECK(same > 0 && roof > 0);
    k->device_seconds = roof / 2 * steps;
    char *md = written(clmlp_compare_write_md, &c);
    CHECK_CONTAINS(md, "| over the roof: probe too low |");
    free(md);
    k->device_seconds = roof * 2 * steps; /* 50 % of the roof */
    md = written(clmlp_compare_write_md, &c);
    CHECK(md && !strstr(md, "over the roof"));
    CHECK_CONTAINS(md, " | 50 % |");
    free(md);
    clmlp_compare_free(&c);
}

/* SVM runs (model.kind svm) train once: their "epoch" is the whole
 * training, E is 1, and the reports say what the per-image rows are. */
static void svm_runs_are_compared_per_training(void)
{
    static clmlp_compare c;
    fake_compare(&c, 2, 0, NULL);
    c.cfg.model.kind = CLMLP_MODEL_SVM;
    const double train_s[2] = {4.0, 2.0};
    for (int i = 0; i < 2; i++) {
        clmlp_compare_run *r = &c.runs[i];
        fake_run(r, i ? "cpu-b" : "cpu-a", CL_DEVICE_TYPE_CPU, train_s[i], 0.95);
        r->run.kind = r->run.model.kind = CLMLP_MODEL_SVM;
        r->run.epochs_done = r->run.steps_per_epoch = r->run.batch_size = 0;
        r->run.train_count = 1000;
        clmlp_run_result_rates(&r->run);
    }
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_analyze(&c, &err), 0);
    CHECK_NEAR(c.runs[0].train_s_per_epoch, 4.0, 1e-12); /* the whole training */
    CHECK_NEAR(c.runs[0].step_s, 0, 0);
    CHECK_NEAR(c.runs[1].speedup, 2.0, 1e-12);
    CHECK_INT(c.epochs, 1);
    char *md = written(clmlp_compare_write_md, &c);
    CHECK_CONTAINS(md, "Model SVM (RBF kernel, C 1, gamma `scale`, one-vs-one), one training of 1000\nimages");
    CHECK_CONTAINS(md, "E = 1 epoch\n");
    CHECK_CONTAINS(md, "**An SVM** (`model.kind: svm`)");
    CHECK_CONTAINS(md, "Not modeled for an SVM");
    CHECK_CONTAINS(md, "| # | device memory: plan (none: an SVM has no compiled plan) | training operands");
    CHECK(md && strstr(md, "lr 0.001") == NULL);
    free(md);
    clmlp_compare_free(&c);
}

const test_case compare_tests[] = {
    {"svm_runs_are_compared_per_training", svm_runs_are_compared_per_training, false},
    {"devmodel_parses_with_defaults", devmodel_parses_with_defaults, false},
    {"devmodel_validation_errors_are_one_line", devmodel_validation_errors_are_one_line, false},
    {"builtin_models_load_and_a_folder_overrides", builtin_models_load_and_a_folder_overrides, false},
    {"models_match_present_devices_by_name_and_class", models_match_present_devices_by_name_and_class, false},
    {"roofline_of_a_hand_built_plan", roofline_of_a_hand_built_plan, false},
    {"seed_arithmetic_is_hours_not_seconds", seed_arithmetic_is_hours_not_seconds, false},
    {"extrapolation_units", extrapolation_units, false},
    {"device_specs_parse_like_the_device_section", device_specs_parse_like_the_device_section, false},
    {"analysis_of_hand_made_runs", analysis_of_hand_made_runs, false},
    {"example_cpu_model_is_not_built_in", example_cpu_model_is_not_built_in, false},
    {"spread_and_median_round_arithmetic", spread_and_median_round_arithmetic, false},
    {"speedups_are_paired_per_round", speedups_are_paired_per_round, false},
    {"chain_starts_from_the_measured_cpu", chain_starts_from_the_measured_cpu, false},
    {"same_device_is_refused_unless_a_noise_check", same_device_is_refused_unless_a_noise_check, false},
    {"short_rounds_are_flagged", short_rounds_are_flagged, false},
    {"user_cpu_model_matches_only_its_cpu", user_cpu_model_matches_only_its_cpu, false},
    {"kernels_above_the_roof_are_flagged", kernels_above_the_roof_are_flagged, false},
    {"compare_two_pocl_devices", compare_two_pocl_devices, true},
    {"compare_noise_check_runs", compare_noise_check_runs, true},
    {"compare_errors_come_before_any_run", compare_errors_come_before_any_run, true},
    {"extrapolate_prints_the_seed_case", extrapolate_prints_the_seed_case, true},
    {"extrapolate_from_a_run_report", extrapolate_from_a_run_report, true},
    {NULL, NULL, false},
};
