/* The config stage: schema defaults, every error class with its exact
 * line:col, did-you-mean, --set overrides, path resolution, the files in
 * configs/, and write -> parse round trips. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clmlp/config.h"
#include "config/config_internal.h"
#include "harness.h"

/* Appended to test texts that are about something else, so the required
 * data keys are there. Relative paths, resolved against BASE. */
#define DATA                                                                                        \
    "data:\n  train:\n    images: a.gz\n    labels: b.gz\n  test:\n    images: c.gz\n    labels: d.gz\n"
#define BASE "/base/cfg"

static int parse_with(const char *yaml, const char *const *sets, int n_sets, clmlp_config *cfg, clmlp_err *err)
{
    memset(err, 0, sizeof *err);
    return clmlp_config_parse(yaml, strlen(yaml), "t.yaml", BASE, sets, n_sets, cfg, err);
}

static int parse(const char *yaml, clmlp_config *cfg, clmlp_err *err) { return parse_with(yaml, NULL, 0, cfg, err); }

/* Parses body + DATA and expects exactly `expected` as the error. */
#define EXPECT_ERROR(body, expected)                                                                \
    do {                                                                                            \
        clmlp_config cfg_;                                                                          \
        clmlp_err err_;                                                                             \
        CHECK_INT(parse(body DATA, &cfg_, &err_), -1);                                              \
        CHECK_INT(err_.code, CLMLP_EXIT_USAGE);                                                     \
        CHECK_STR(err_.msg, expected);                                                              \
    } while (0)

#define EXPECT_SET_ERROR(set, expected)                                                             \
    do {                                                                                            \
        clmlp_config cfg_;                                                                          \
        clmlp_err err_;                                                                             \
        const char *sets_[] = {set};                                                                \
        CHECK_INT(parse_with(DATA, sets_, 1, &cfg_, &err_), -1);                                    \
        CHECK_INT(err_.code, CLMLP_EXIT_USAGE);                                                     \
        CHECK_STR(err_.msg, expected);                                                              \
    } while (0)

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        test_fail(__FILE__, __LINE__, "cannot open %s", path);
        return NULL;
    }
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static const char *config_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/configs/%s", test_source_root(), name);
    return path;
}

/* ---- schema and defaults ---- */

static void defaults_are_the_documented_ones(void)
{
    clmlp_config c;
    clmlp_config_defaults(&c);
    CHECK_STR(c.name, "experiment");
    CHECK_INT(c.device.type, CLMLP_DEVICE_ANY);
    CHECK_STR(c.device.platform, "");
    CHECK_INT(c.device.index, -1);
    CHECK_INT(c.data.train.format, CLMLP_FORMAT_IDX);
    CHECK_STR(c.data.train.images, "");
    CHECK(c.data.train.has_labels && c.data.test.has_labels);
    CHECK_INT(c.data.test.limit, 0);
    CHECK(c.data.scale && !c.data.binarize && c.data.shuffle);
    CHECK_INT(c.data.shuffle_seed, 1);
    CHECK_INT(c.model.input, 0);
    CHECK_INT(c.model.n_hidden, 3);
    CHECK_INT(c.model.hidden[0], 400);
    CHECK_INT(c.model.hidden[1], 400);
    CHECK_INT(c.model.hidden[2], 500);
    CHECK_INT(c.model.classes, 10);
    CHECK_INT(c.model.activation, CLMLP_ACT_RELU);
    CHECK_INT(c.model.init, CLMLP_INIT_NORMAL);
    CHECK_NEAR(c.model.init_stddev, 1.0, 0);
    CHECK_INT(c.model.bias_init, CLMLP_BIAS_INIT_NORMAL);
    CHECK_NEAR(c.model.bias_stddev, 1.0, 0);
    CHECK_INT(c.training.optimizer, CLMLP_OPT_ADAM);
    CHECK(c.training.lr == 0.001 && c.training.beta1 == 0.9 && c.training.beta2 == 0.999 && c.training.eps == 1e-8);
    CHECK(c.training.momentum == 0.0);
    CHECK_INT(c.training.batch_size, 100);
    CHECK_INT(c.training.epochs, 20);
    CHECK_INT(c.training.seed, 1);
    CHECK_INT(c.training.eval_batch_size, 1000);
    CHECK(c.compiler.fuse);
    CHECK_INT(c.compiler.gemm, CLMLP_GEMM_AUTO);
    CHECK_INT(c.compiler.autotune, CLMLP_AUTOTUNE_QUICK);
    CHECK(c.profile.enabled);
    CHECK_INT(c.profile.trace_steps, 20);
    CHECK_STR(c.compare.devices, "");
    CHECK_INT(c.compare.baseline, 0);
    CHECK(c.compare.accuracy_tolerance == 0.005);
    CHECK_STR(c.compare.models, "");
    CHECK_INT(c.compare.rounds, 3);
    CHECK(!c.compare.noise_check);
    CHECK(c.compare.min_round_seconds == 1.0);
    CHECK(c.extrapolate.train_images == 60e9);
    CHECK(c.extrapolate.test_images == 10e9);
    CHECK_INT(c.extrapolate.epochs, 20);
    CHECK(c.extrapolate.storage_read_gbps == 2.0);
    CHECK(c.extrapolate.target_hours == 24.0);
    CHECK_INT(c.extrapolate.precision, CLMLP_PREC_FP32);
    CHECK_INT(c.extrapolate.interconnect, CLMLP_LINK_AUTO);
    CHECK(c.extrapolate.link_gbps == 0 && c.extrapolate.link_latency_us == 0);
    CHECK_STR(c.output.dir, "runs");
    CHECK_STR(c.output.run_dir, "");
}

static void schema_is_consistent(void)
{
    clmlp_config c;
    clmlp_config_defaults(&c);
    for (size_t i = 0; i < cfg_schema_len; i++) {
        const cfg_key *k = &cfg_schema[i];
        CHECK(k->doc && k->doc[0]);
        /* Every default is valid for its own key. */
        if (k->type != CFG_INT_LIST) {
            char why[512] = "";
            if (cfg_set_scalar(&c, k, k->def, true, "", why, sizeof why) < 0)
                test_fail(__FILE__, __LINE__, "default of %s: %s", k->path, why);
        }
        for (size_t j = i + 1; j < cfg_schema_len; j++)
            if (strcmp(k->path, cfg_schema[j].path) == 0)
                test_fail(__FILE__, __LINE__, "%s listed twice", k->path);
        /* Sections are contiguous, so the writer opens each once. */
        const char *dot = strrchr(k->path, '.');
        if (!dot)
            continue;
        size_t slen = (size_t)(dot - k->path);
        bool left = false;
        size_t again = 0;
        for (size_t j = i + 1; j < cfg_schema_len && !again; j++) {
            bool inside = strncmp(cfg_schema[j].path, k->path, slen) == 0 && cfg_schema[j].path[slen] == '.';
            if (!inside)
                left = true;
            else if (left)
                again = j;
        }
        if (again)
            test_fail(__FILE__, __LINE__, "section of %.*s reappears at key %zu", (int)slen, k->path, again);
    }
    CHECK(cfg_find_key("training.lr") != NULL);
    CHECK(cfg_find_key("training") == NULL);
    CHECK(cfg_is_section("data.train") && cfg_is_section("data") && !cfg_is_section("training.lr"));
    char names[CFG_CHILDREN_MAX][CFG_COMPONENT_MAX];
    size_t n = cfg_children("data", names, CFG_CHILDREN_MAX);
    CHECK_INT(n, 8); /* train, test, scale, binarize, shuffle, shuffle_seed, stream, drop_last */
    CHECK_STR(names[0], "train");
    CHECK_STR(names[1], "test");
    CHECK_STR(names[2], "scale");
}

static void enum_names(void)
{
    CHECK_STR(clmlp_device_kind_name(CLMLP_DEVICE_ACCELERATOR), "accelerator");
    CHECK_STR(clmlp_device_kind_name(CLMLP_DEVICE_ANY), "any");
    CHECK_STR(clmlp_activation_name(CLMLP_ACT_TANH), "tanh");
    CHECK_STR(clmlp_activation_name(CLMLP_ACT_RELU), "relu");
    CHECK_STR(clmlp_optimizer_name(CLMLP_OPT_SGD), "sgd");
    CHECK_STR(clmlp_optimizer_name(CLMLP_OPT_ADAM), "adam");
}

/* ---- parsing valid text ---- */

static void parses_every_kind_of_value(void)
{
    const char *yaml = "name: \"my run\"\n"
                       "device: {type: gpu, platform: NVIDIA, index: 2}\n"
                       "model:\n  hidden:\n    - 128\n    - 64\n  activation: tanh\n  init: xavier\n"
                       "  bias_init: zeros\n  init_stddev: 0.5\n"
                       "training:\n  optimizer: sgd\n  lr: 0.05\n  momentum: 0.9\n  batch_size: 32\n"
                       "  seed: 18446744073709551615\n"
                       "compiler:\n  fuse: off\n  gemm: generated\n  autotune: full\n"
                       "profile:\n  enabled: No\n  trace_steps: 0\n"
                       "output:\n  dir: out/runs\n" DATA;
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse(yaml, &c, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_STR(c.name, "my run");
    CHECK_INT(c.device.type, CLMLP_DEVICE_GPU);
    CHECK_STR(c.device.platform, "NVIDIA");
    CHECK_INT(c.device.index, 2);
    CHECK_INT(c.model.n_hidden, 2);
    CHECK_INT(c.model.hidden[0], 128);
    CHECK_INT(c.model.hidden[1], 64);
    CHECK_INT(c.model.activation, CLMLP_ACT_TANH);
    CHECK_INT(c.model.init, CLMLP_INIT_XAVIER);
    CHECK_INT(c.model.bias_init, CLMLP_BIAS_INIT_ZEROS);
    CHECK_NEAR(c.model.init_stddev, 0.5, 0);
    CHECK_INT(c.training.optimizer, CLMLP_OPT_SGD);
    CHECK_NEAR(c.training.lr, 0.05, 0);
    CHECK_NEAR(c.training.momentum, 0.9, 0);
    CHECK_INT(c.training.batch_size, 32);
    CHECK(c.training.seed == UINT64_MAX);
    CHECK(!c.compiler.fuse);
    CHECK_INT(c.compiler.gemm, CLMLP_GEMM_GENERATED);
    CHECK_INT(c.compiler.autotune, CLMLP_AUTOTUNE_FULL);
    CHECK(!c.profile.enabled);
    CHECK_INT(c.profile.trace_steps, 0);
    CHECK_STR(c.output.dir, "out/runs"); /* not resolved against the config's folder */
    CHECK_STR(c.base_dir, BASE);
    /* Untouched keys keep their defaults. */
    CHECK_INT(c.training.epochs, 20);
    CHECK_INT(c.model.classes, 10);
}

static void booleans_and_empty_lists(void)
{
    static const char *const yes[] = {"true", "True", "yes", "on", "ON"}, *const no[] = {"false", "no", "off", "Off"};
    char yaml[512];
    clmlp_config c;
    clmlp_err err;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(yes); i++) {
        snprintf(yaml, sizeof yaml, "compiler:\n  fuse: false\nprofile:\n  enabled: %s\n" DATA, yes[i]);
        CHECK_INT(parse(yaml, &c, &err), 0);
        CHECK(c.profile.enabled);
    }
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(no); i++) {
        snprintf(yaml, sizeof yaml, "profile:\n  enabled: %s\n" DATA, no[i]);
        CHECK_INT(parse(yaml, &c, &err), 0);
        CHECK(!c.profile.enabled);
    }
    /* An empty list is logistic regression; an empty section is allowed. */
    CHECK_INT(parse("model:\n  hidden: []\ndevice:\n" DATA, &c, &err), 0);
    CHECK_INT(c.model.n_hidden, 0);
    /* binarize and scale together are fine (binarize wins downstream). */
    CHECK_INT(parse("data:\n  scale: true\n  binarize: true\n  train: {images: a, labels: b}\n"
                    "  test: {images: c, labels: d}\n",
                    &c, &err),
              0);
    CHECK(c.data.binarize && c.data.scale);
}

static void csv_format_needs_csv(void)
{
    clmlp_config c;
    clmlp_err err;
    const char *ok = "data:\n  train: {format: csv, csv: train.csv}\n"
                     "  test: {format: csv, csv: /k/test.csv, has_labels: false, limit: 500}\n";
    CHECK_INT(parse(ok, &c, &err), 0);
    CHECK_INT(c.data.train.format, CLMLP_FORMAT_CSV);
    CHECK_STR(c.data.train.csv, BASE "/train.csv");
    CHECK_STR(c.data.test.csv, "/k/test.csv");
    CHECK(!c.data.test.has_labels);
    CHECK_INT(c.data.test.limit, 500);
    CHECK_INT(parse("data:\n  train: {format: csv}\n  test: {format: csv, csv: t.csv}\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml: missing required key 'data.train.csv' (format csv needs a csv file)");
    CHECK_INT(parse("data:\n  train: {format: csv, csv: a.csv, has_labels: no}\n  test: {format: csv, csv: t.csv}\n",
                    &c, &err),
              -1);
    CHECK_STR(err.msg, "t.yaml: data.train.has_labels: the training set needs labels");
}

/* ---- every error class, with its exact location ---- */

static void unknown_keys_with_did_you_mean(void)
{
    EXPECT_ERROR("trainig:\n  lr: 0.01\n", "t.yaml:1:1: unknown key 'trainig' (did you mean 'training'?)");
    EXPECT_ERROR("training:\n  learning_rate: 0.01\n",
                 "t.yaml:2:3: unknown key 'training.learning_rate' (did you mean 'training.lr'?)");
    EXPECT_ERROR("training:\n  batch_sise: 10\n",
                 "t.yaml:2:3: unknown key 'training.batch_sise' (did you mean 'training.batch_size'?)");
    EXPECT_ERROR("model:\n  hiden: [1]\n", "t.yaml:2:3: unknown key 'model.hiden' (did you mean 'model.hidden'?)");
    /* A prefix, and a key put in the wrong section. */
    EXPECT_ERROR("compiler:\n  auto: off\n", "t.yaml:2:3: unknown key 'compiler.auto' (did you mean 'compiler.autotune'?)");
    EXPECT_ERROR("lr: 0.1\n", "t.yaml:1:1: unknown key 'lr' (did you mean 'training.lr'?)");
    EXPECT_ERROR("model:\n  classes: 3\ntraining.lr: 0.1\n",
                 "t.yaml:3:1: unknown key 'training.lr' (a key name has no '.'; nest sections instead)");
    /* Nothing close: list what is valid there. */
    EXPECT_ERROR("training:\n  zzz: 1\n",
                 "t.yaml:2:3: unknown key 'training.zzz' (valid keys in 'training': optimizer, lr, beta1, beta2, eps, "
                 "momentum, batch_size, epochs, seed, eval_batch_size, on_nonfinite, on_divergence)");
    EXPECT_ERROR("\n\n  # comment\nwhatever: 1\n",
                 "t.yaml:4:1: unknown key 'whatever' (valid keys: name, device, data, model, training, compiler, "
                 "profile, compare, extrapolate, output)");
}

static void wrong_types(void)
{
    EXPECT_ERROR("training:\n  batch_size: abc\n", "t.yaml:2:15: training.batch_size: expected an integer, got 'abc'");
    EXPECT_ERROR("training:\n  batch_size: 1.5\n", "t.yaml:2:15: training.batch_size: expected an integer, got '1.5'");
    EXPECT_ERROR("training:\n  lr: fast\n", "t.yaml:2:7: training.lr: expected a number, got 'fast'");
    EXPECT_ERROR("training:\n  lr:\n", "t.yaml:2:6: training.lr: expected a number, got an empty value");
    EXPECT_ERROR("compiler:\n  fuse: maybe\n",
                 "t.yaml:2:9: compiler.fuse: expected a boolean (true/false, yes/no, on/off), got 'maybe'");
    EXPECT_ERROR("training:\n  seed: -1\n", "t.yaml:2:9: training.seed: expected a non-negative integer, got '-1'");
    /* A mapping where a scalar belongs, and the other way round. */
    EXPECT_ERROR("training:\n  lr:\n    x: 1\n", "t.yaml:3:5: training.lr: expected a number, got a mapping");
    EXPECT_ERROR("training: 5\n", "t.yaml:1:11: training: expected a mapping of keys, got '5'");
    EXPECT_ERROR("training:\n  - lr\n", "t.yaml:2:3: training: expected a mapping of keys, got a sequence");
    EXPECT_ERROR("name: [a]\n", "t.yaml:1:7: name: expected a string, got a sequence");
    EXPECT_ERROR("model:\n  hidden: 128\n",
                 "t.yaml:2:11: model.hidden: expected a list of integers such as [400, 400, 500], got '128'");
    EXPECT_ERROR("model:\n  hidden: [400, x]\n", "t.yaml:2:17: model.hidden[1]: expected an integer, got 'x'");
    EXPECT_ERROR("model:\n  hidden: [[1]]\n", "t.yaml:2:12: model.hidden[0]: expected an integer, got a sequence");
}

static void out_of_range(void)
{
    EXPECT_ERROR("training:\n  batch_size: 0\n", "t.yaml:2:15: training.batch_size: 0 is out of range [1, 65536]");
    EXPECT_ERROR("training:\n  epochs: 100001\n", "t.yaml:2:11: training.epochs: 100001 is out of range [0, 100000]");
    EXPECT_ERROR("training:\n  lr: 0\n", "t.yaml:2:7: training.lr: 0 is out of range (0, 10]");
    EXPECT_ERROR("training:\n  beta1: 1.0\n", "t.yaml:2:10: training.beta1: 1.0 is out of range [0, 1)");
    EXPECT_ERROR("training:\n  eps: 0\n", "t.yaml:2:8: training.eps: 0 is out of range (0, 1]");
    EXPECT_ERROR("training:\n  eval_batch_size: 0\n",
                 "t.yaml:2:20: training.eval_batch_size: 0 is out of range [1, 1048576]");
    EXPECT_ERROR("model:\n  classes: 1\n", "t.yaml:2:12: model.classes: 1 is out of range [2, 65536]");
    EXPECT_ERROR("device:\n  index: -2\n", "t.yaml:2:10: device.index: -2 is out of range [-1, 1023]");
    EXPECT_ERROR("profile:\n  trace_steps: -1\n", "t.yaml:2:16: profile.trace_steps: -1 is out of range [0, 1000000]");
    EXPECT_ERROR("training:\n  batch_size: 99999999999999999999\n",
                 "t.yaml:2:15: training.batch_size: 99999999999999999999 is out of range [1, 65536]");
    /* The offending element of a list. */
    EXPECT_ERROR("model:\n  hidden: [400, 0, 500]\n", "t.yaml:2:17: model.hidden[1]: 0 is out of range [1, 65536]");
    EXPECT_ERROR("model:\n  hidden: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n",
                 "t.yaml:2:11: model.hidden: at most 16 entries, got 17");
    /* limit has no upper bound, only a lower one. */
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse("data:\n  train: {images: a, labels: b, limit: -1}\n  test: {images: c, labels: d}\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml:2:40: data.train.limit: -1 is out of range (must be >= 0)");
}

static void bad_enum_values(void)
{
    EXPECT_ERROR("model:\n  activation: relux\n",
                 "t.yaml:2:15: model.activation: 'relux' is not one of relu, sigmoid, tanh (did you mean 'relu'?)");
    EXPECT_ERROR("model:\n  activation: gelu_new_fancy\n",
                 "t.yaml:2:15: model.activation: 'gelu_new_fancy' is not one of relu, sigmoid, tanh");
    EXPECT_ERROR("device:\n  type: GPU\n",
                 "t.yaml:2:9: device.type: 'GPU' is not one of any, cpu, gpu, accelerator (did you mean 'gpu'?)");
    EXPECT_ERROR("compiler:\n  gemm: blas\n", "t.yaml:2:9: compiler.gemm: 'blas' is not one of auto, clblast, generated");
    EXPECT_ERROR("extrapolate:\n  interconnect: myrinet\n",
                 "t.yaml:2:17: extrapolate.interconnect: 'myrinet' is not one of auto, nvlink, infiniband, ethernet, "
                 "measured, custom, none");
    /* a custom link needs its bandwidth */
    EXPECT_ERROR("extrapolate:\n  interconnect: custom\n  link_latency_us: 5\n",
                 "t.yaml: extrapolate.interconnect: custom needs extrapolate.link_gbps > 0 (the link's GB/s per "
                 "direction, e.g. 50 for 400 Gb/s)");
}

static void missing_required_data(void)
{
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse("data:\n  train:\n    images: a.gz\n  test:\n    images: c.gz\n    labels: d.gz\n", &c, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    CHECK_STR(err.msg, "t.yaml: missing required key 'data.train.labels' (format idx needs images and labels)");
    CHECK_INT(parse("training:\n  lr: 0.1\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml: missing required key 'data.train.images' (format idx needs images and labels)");
    CHECK_INT(parse("data:\n  train: {images: a, labels: b}\n  test: {images: c, labels: ''}\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml: missing required key 'data.test.labels' (format idx needs images and labels)");
    /* An override may supply what the file lacks. */
    const char *sets[] = {"data.test.labels=/l.gz"};
    CHECK_INT(parse_with("data:\n  train: {images: a, labels: b}\n  test: {images: c}\n", sets, 1, &c, &err), 0);
    CHECK_STR(c.data.test.labels, "/l.gz");
}

static void duplicate_keys(void)
{
    EXPECT_ERROR("training:\n  lr: 0.1\n  lr: 0.2\n", "t.yaml:3:3: duplicate key 'training.lr' (first set at line 2)");
    EXPECT_ERROR("model: {}\ntraining: {}\nmodel:\n  classes: 3\n", "t.yaml:3:1: duplicate key 'model' (first set at line 1)");
}

static void yaml_syntax_and_shape_errors(void)
{
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse("training:\n  lr: [1, 2\nmodel:\n", &c, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    CHECK(strncmp(err.msg, "t.yaml:", 7) == 0);
    CHECK_CONTAINS(err.msg, ": YAML syntax error: ");
    CHECK(!strchr(err.msg, '\n'));

    CHECK_INT(parse("training:\n  lr: 1\n    bad: 2\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml:3:8: YAML syntax error: mapping values are not allowed in this context");

    CHECK_INT(parse("training:\n\tlr: 1\n", &c, &err), -1);
    CHECK_CONTAINS(err.msg, "t.yaml:2:1: YAML syntax error: found character that cannot start any token");

    CHECK_INT(parse("", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml:1:1: the config is empty (expected sections such as 'data:' and 'training:')");
    CHECK_INT(parse("# nothing but a comment\n", &c, &err), -1);
    CHECK_CONTAINS(err.msg, "t.yaml:1:1: the config is empty");

    CHECK_INT(parse("- a\n- b\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml:1:1: expected a mapping of sections at the top level, got a sequence");
    CHECK_INT(parse("just text\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml:1:1: expected a mapping of sections at the top level, got 'just text'");

    CHECK_INT(parse(DATA "---\ntraining: {}\n", &c, &err), -1);
    CHECK_STR(err.msg, "t.yaml:9:1: a second YAML document; a config is one document (remove the '---')");

    /* Invalid UTF-8 is a reader error: located from its byte offset. */
    CHECK_INT(parse("name: ok\nmodel:\n  x: \xff\n", &c, &err), -1);
    CHECK_CONTAINS(err.msg, "t.yaml:3:6: invalid YAML text: ");
}

/* ---- overrides ---- */

static void overrides_apply_after_the_file(void)
{
    const char *sets[] = {"training.lr=0.01", "model.hidden=[128,64]", "name=from-cli", "compiler.fuse=off",
                          "training.epochs=3", "device.type=cpu", "output.run_dir=runs/x"};
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse_with("training:\n  lr: 0.5\n  epochs: 7\n" DATA, sets, (int)CLMLP_ARRAY_LEN(sets), &c, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_NEAR(c.training.lr, 0.01, 0);
    CHECK_INT(c.training.epochs, 3);
    CHECK_INT(c.model.n_hidden, 2);
    CHECK_INT(c.model.hidden[0], 128);
    CHECK_INT(c.model.hidden[1], 64);
    CHECK_STR(c.name, "from-cli");
    CHECK(!c.compiler.fuse);
    CHECK_INT(c.device.type, CLMLP_DEVICE_CPU);
    CHECK_STR(c.output.run_dir, "runs/x");

    const char *empty[] = {"model.hidden=[]", "device.platform="};
    CHECK_INT(parse_with("device: {platform: pocl}\n" DATA, empty, 2, &c, &err), 0);
    CHECK_INT(c.model.n_hidden, 0);
    CHECK_STR(c.device.platform, "");

    /* A path given on the command line is relative to the current directory. */
    char cwd[900], want[1000];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    const char *paths[] = {"data.train.images=x/train.gz", "data.test.images=/abs/t.gz"};
    CHECK_INT(parse_with(DATA, paths, 2, &c, &err), 0);
    snprintf(want, sizeof want, "%s/x/train.gz", cwd);
    CHECK_STR(c.data.train.images, want);
    CHECK_STR(c.data.test.images, "/abs/t.gz");
    CHECK_STR(c.data.train.labels, BASE "/b.gz"); /* from the file: against its folder */
}

static void override_errors(void)
{
    EXPECT_SET_ERROR("trainig.lr=1", "--set trainig.lr=1: unknown key 'trainig.lr' (did you mean 'training.lr'?)");
    EXPECT_SET_ERROR("training.learning_rate=1",
                     "--set training.learning_rate=1: unknown key 'training.learning_rate' (did you mean 'training.lr'?)");
    EXPECT_SET_ERROR("lr=0.1", "--set lr=0.1: unknown key 'lr' (did you mean 'training.lr'?)");
    EXPECT_SET_ERROR("training.lr=abc", "--set training.lr=abc: training.lr: expected a number, got 'abc'");
    EXPECT_SET_ERROR("training.batch_size=0",
                     "--set training.batch_size=0: training.batch_size: 0 is out of range [1, 65536]");
    EXPECT_SET_ERROR("model.activation=relux",
                     "--set model.activation=relux: model.activation: 'relux' is not one of relu, sigmoid, tanh (did "
                     "you mean 'relu'?)");
    EXPECT_SET_ERROR("model.hidden=[128,0]", "--set model.hidden=[128,0]: model.hidden[1]: 0 is out of range [1, 65536]");
    EXPECT_SET_ERROR("model.hidden=128",
                     "--set model.hidden=128: model.hidden: expected a list of integers such as [400, 400, 500], got '128'");
    EXPECT_SET_ERROR("training.lr=", "--set training.lr=: training.lr: expected a number, got an empty value");
    EXPECT_SET_ERROR("training.lr", "--set training.lr: expected section.key=value (e.g. training.lr=0.01)");
    EXPECT_SET_ERROR("training=1", "--set training=1: 'training' is a section; set one of its keys, e.g. training.optimizer");
    EXPECT_SET_ERROR("training.lr=[1, 2", "--set training.lr=[1, 2: cannot read the value as YAML: did not find expected ',' or ']'");
}

/* ---- paths ---- */

static void relative_paths_resolve_against_base_dir(void)
{
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse("data:\n  train:\n    images: ../data/mnist/train.gz\n    labels: ./l.gz\n"
                    "  test:\n    images: /abs/t10k.gz\n    labels: sub//dir/./x.gz\n",
                    &c, &err),
              0);
    CHECK_STR(c.data.train.images, "/base/data/mnist/train.gz");
    CHECK_STR(c.data.train.labels, "/base/cfg/l.gz");
    CHECK_STR(c.data.test.images, "/abs/t10k.gz"); /* absolute: untouched */
    CHECK_STR(c.data.test.labels, "/base/cfg/sub/dir/x.gz");

    /* "~/" is the home folder, as in a shell. */
    setenv("HOME", "/home/u", 1);
    CHECK_INT(parse("data:\n  train: {images: ~/m/a.gz, labels: b}\n  test: {images: c, labels: d}\n", &c, &err), 0);
    CHECK_STR(c.data.train.images, "/home/u/m/a.gz");

    char out[256];
    CHECK_INT(cfg_resolve_path("", "rel/x", out, sizeof out), 0);
    CHECK_STR(out, "rel/x");
    CHECK_INT(cfg_resolve_path("configs", "../data/x.gz", out, sizeof out), 0);
    CHECK_STR(out, "data/x.gz");
    CHECK_INT(cfg_resolve_path("/a/b", "/x//y", out, sizeof out), 0);
    CHECK_STR(out, "/x//y");
    CHECK_INT(cfg_resolve_path("/a/b", "x", out, 5), -1);

    static const char *const cases[][2] = {
        {"a/./b/../c", "a/c"}, {"/..", "/"},      {"a/..", "."},     {"../a/../..", "../.."},
        {"/a/b/../../..", "/"}, {"a//b/", "a/b"}, {"./", "."},       {"/", "/"},
        {"../x", "../x"},      {"a/b/..", "a"},   {"..", ".."},      {"/a/../b/./c/..", "/b"},
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(cases); i++) {
        char p[64];
        snprintf(p, sizeof p, "%s", cases[i][0]);
        cfg_clean_path(p);
        if (strcmp(p, cases[i][1]) != 0)
            test_fail(__FILE__, __LINE__, "clean(%s) = %s, want %s", cases[i][0], p, cases[i][1]);
    }
}

static void load_sets_source_base_and_name(void)
{
    const char *path = test_write_file("exp-one.yaml", DATA, strlen(DATA));
    clmlp_config c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_config_load(path, NULL, 0, &c, &err), 0);
    CHECK_STR(c.source_path, path);
    CHECK_STR(c.base_dir, test_tmpdir());
    CHECK_STR(c.name, "exp-one"); /* the file's stem */
    char want[1024];
    snprintf(want, sizeof want, "%s/a.gz", test_tmpdir());
    CHECK_STR(c.data.train.images, want);

    const char *named = "name: chosen\n" DATA;
    path = test_write_file("other.yaml", named, strlen(named));
    CHECK_INT(clmlp_config_load(path, NULL, 0, &c, &err), 0);
    CHECK_STR(c.name, "chosen");
    const char *sets[] = {"name=cli"};
    CHECK_INT(clmlp_config_load(path, sets, 1, &c, &err), 0);
    CHECK_STR(c.name, "cli");

    /* Errors name the file as given. */
    const char *bad = "training:\n  lr: -1\n" DATA;
    path = test_write_file("bad.yaml", bad, strlen(bad));
    CHECK_INT(clmlp_config_load(path, NULL, 0, &c, &err), -1);
    char msg[1100];
    snprintf(msg, sizeof msg, "%s:2:7: training.lr: -1 is out of range (0, 10]", path);
    CHECK_STR(err.msg, msg);

    CHECK_INT(clmlp_config_load("/nonexistent/x.yaml", NULL, 0, &c, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    CHECK_STR(err.msg, "cannot read config '/nonexistent/x.yaml': No such file or directory");
    CHECK_INT(clmlp_config_load(test_tmpdir(), NULL, 0, &c, &err), -1);
    CHECK_CONTAINS(err.msg, "Is a directory");
}

static void load_relative_path_makes_base_absolute(void)
{
    char cwd[1024];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_INT(chdir(test_source_root()), 0);
    clmlp_config c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_config_load("configs/seed-mlp.yaml", NULL, 0, &c, &err), 0);
    char want[1100];
    snprintf(want, sizeof want, "%s/configs", test_source_root());
    CHECK_STR(c.base_dir, want);
    snprintf(want, sizeof want, "%s/data/mnist/train-images-idx3-ubyte.gz", test_source_root());
    CHECK_STR(c.data.train.images, want);
    CHECK_STR(c.source_path, "configs/seed-mlp.yaml");
    CHECK_INT(chdir(cwd), 0);
}

/* ---- the files in configs/ ---- */

static void reference_yaml_documents_every_default(void)
{
    const char *path = config_path("reference.yaml");
    char *text = read_text(path);
    if (!text)
        return;
    clmlp_config ref, def;
    clmlp_config_defaults(&ref);
    clmlp_config_defaults(&def);
    unsigned char seen[256] = {0};
    clmlp_err err = {0};
    CHECK(cfg_schema_len <= sizeof seen);
    CHECK_INT(cfg_parse_into(&ref, text, strlen(text), path, "/ref", NULL, 0, seen, &err), 0);
    CHECK_STR(err.msg, "");
    static const char *const data_keys[] = {"data.train.images", "data.train.labels", "data.test.images",
                                            "data.test.labels"};
    for (size_t i = 0; i < cfg_schema_len; i++) {
        const cfg_key *k = &cfg_schema[i];
        if (!seen[i])
            test_fail(__FILE__, __LINE__, "reference.yaml does not document %s", k->path);
        bool is_data = false;
        for (size_t d = 0; d < CLMLP_ARRAY_LEN(data_keys); d++)
            is_data |= strcmp(k->path, data_keys[d]) == 0;
        if (!is_data && !cfg_key_equal(&ref, &def, k)) {
            char a[256], b[256];
            cfg_format_value(&ref, k, a, sizeof a);
            cfg_format_value(&def, k, b, sizeof b);
            test_fail(__FILE__, __LINE__, "reference.yaml: %s is %s, the default is %s", k->path, a, b);
        }
    }
    CHECK_STR(ref.data.train.images, "/data/mnist/train-images-idx3-ubyte.gz");
    CHECK_STR(ref.data.test.labels, "/data/mnist/t10k-labels-idx1-ubyte.gz");
}

static void seed_mlp_is_the_seed(void)
{
    clmlp_config c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_config_load(config_path("seed-mlp.yaml"), NULL, 0, &c, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_STR(c.name, "seed-mlp");
    CHECK_INT(c.model.input, 0);
    CHECK_INT(c.model.n_hidden, 3);
    CHECK_INT(c.model.hidden[0], 400);
    CHECK_INT(c.model.hidden[1], 400);
    CHECK_INT(c.model.hidden[2], 500);
    CHECK_INT(c.model.classes, 10);
    CHECK_INT(c.model.activation, CLMLP_ACT_RELU);
    CHECK_INT(c.model.init, CLMLP_INIT_NORMAL);
    CHECK(c.model.init_stddev == 1.0);
    CHECK_INT(c.model.bias_init, CLMLP_BIAS_INIT_NORMAL);
    CHECK(c.model.bias_stddev == 1.0);
    CHECK_INT(c.training.optimizer, CLMLP_OPT_ADAM);
    CHECK(c.training.lr == 0.001 && c.training.beta1 == 0.9 && c.training.beta2 == 0.999 && c.training.eps == 1e-8);
    CHECK_INT(c.training.batch_size, 100);
    CHECK_INT(c.training.epochs, 20);
    CHECK_INT(c.training.seed, 5);
    CHECK_INT(c.data.shuffle_seed, 5);
    CHECK(c.data.scale && !c.data.binarize);
    static const char *const files[] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    const char *got[] = {c.data.train.images, c.data.train.labels, c.data.test.images, c.data.test.labels};
    for (int i = 0; i < 4; i++) {
        char want[1100];
        snprintf(want, sizeof want, "%s/data/mnist/%s", test_source_root(), files[i]);
        CHECK_STR(got[i], want);
    }
}

static void other_configs_have_their_recipes(void)
{
    clmlp_config c;
    clmlp_err err = {0};
    CHECK_INT(clmlp_config_load(config_path("tuned-mlp.yaml"), NULL, 0, &c, &err), 0);
    CHECK_INT(c.model.n_hidden, 3);
    CHECK_INT(c.model.hidden[2], 500);
    CHECK_INT(c.model.init, CLMLP_INIT_HE);
    CHECK_INT(c.model.bias_init, CLMLP_BIAS_INIT_ZEROS);
    CHECK_INT(c.training.epochs, 20);
    CHECK_INT(c.training.batch_size, 100);

    CHECK_INT(clmlp_config_load(config_path("tiny-mnist.yaml"), NULL, 0, &c, &err), 0);
    CHECK_INT(c.data.train.limit, 2000);
    CHECK_INT(c.data.test.limit, 1000);
    CHECK_INT(c.model.n_hidden, 1);
    CHECK_INT(c.model.hidden[0], 64);
    CHECK_INT(c.model.init, CLMLP_INIT_HE);
    CHECK_INT(c.model.bias_init, CLMLP_BIAS_INIT_ZEROS);
    CHECK_INT(c.training.epochs, 5);
    CHECK_INT(c.training.batch_size, 100);

    CHECK_INT(clmlp_config_load(config_path("fashion-mnist.yaml"), NULL, 0, &c, &err), 0);
    CHECK_STR(c.data.train.images, "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
    CHECK_STR(c.data.test.labels, "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
    CHECK_INT(c.model.n_hidden, 3);
    CHECK_INT(c.model.init, CLMLP_INIT_NORMAL);
}

static void every_config_file_parses(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/configs", test_source_root());
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        clmlp_config c;
        clmlp_err err = {0};
        if (clmlp_config_load(path, NULL, 0, &c, &err) < 0)
            test_fail(__FILE__, __LINE__, "%s", err.msg);
        count++;
    }
    closedir(d);
    CHECK(count >= 5);
}

/* ---- writing ---- */

static char *write_to_string(const clmlp_config *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    if (!f)
        return NULL;
    CHECK_INT(clmlp_config_write_yaml(c, f), 0);
    fclose(f);
    return buf;
}

static void round_trip(const clmlp_config *a)
{
    char *text = write_to_string(a);
    if (!text)
        return;
    clmlp_config b;
    clmlp_err err = {0};
    if (clmlp_config_parse(text, strlen(text), "written.yaml", "/elsewhere", NULL, 0, &b, &err) < 0) {
        test_fail(__FILE__, __LINE__, "written config does not parse: %s\n%s", err.msg, text);
    } else {
        for (size_t i = 0; i < cfg_schema_len; i++) {
            if (!cfg_key_equal(a, &b, &cfg_schema[i])) {
                char x[256], y[256];
                cfg_format_value(a, &cfg_schema[i], x, sizeof x);
                cfg_format_value(&b, &cfg_schema[i], y, sizeof y);
                test_fail(__FILE__, __LINE__, "%s: wrote %s, read %s", cfg_schema[i].path, x, y);
            }
        }
    }
    free(text);
}

static void write_then_parse_is_identity(void)
{
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse(DATA, &c, &err), 0);
    round_trip(&c);

    /* Every key away from its default, with awkward strings and numbers. */
    const char *sets[] = {
        "name=\"yes\"",            "device.type=accelerator", "device.platform='a \"quoted\": b #c'",
        "device.name=\"-dash\"",   "device.index=3",          "device.per_rank=true", "data.train.format=csv",
        "data.train.csv=/d/tr.csv", "data.train.limit=9000000000", "data.test.has_labels=false",
        "data.test.format=csv",    "data.test.csv=te.csv",    "data.test.limit=1",
        "data.scale=false",        "data.binarize=true",      "data.shuffle=no",
        "data.shuffle_seed=18446744073709551615", "data.stream=true", "data.drop_last=false",
        "model.input=784",         "model.kind=svm",          "data.train.skip=5",    "data.test.skip=7",
        "model.C=2.5",             "model.gamma=0.25",        "model.tol=0.01",       "model.cache_mb=7",
        "model.hidden=[7]",        "model.classes=2",         "model.activation=sigmoid",
        "model.init=xavier",       "model.init_stddev=0.1",   "model.bias_init=zeros",
        "model.bias_stddev=0.30000000000000004",              "training.optimizer=sgd",
        "training.lr=1e-5",        "training.beta1=0",        "training.beta2=0.5",
        "training.eps=1e-12",      "training.momentum=0.95",  "training.batch_size=65536",
        "training.epochs=0",       "training.seed=42",        "training.eval_batch_size=1",
        "training.on_nonfinite=warn", "training.on_divergence=warn",
        "compiler.fuse=false",     "compiler.gemm=clblast",   "compiler.autotune=off",
        "profile.enabled=false",   "profile.trace_steps=1000000", "profile.probe=false",
        "output.dir=123",
        "compare.devices=name=pthread,basic", "compare.baseline=1", "compare.accuracy_tolerance=0.01",
        "compare.models=/models",  "compare.rounds=50",       "compare.noise_check=true",
        "compare.min_round_seconds=0", "extrapolate.train_images=1.5e12", "extrapolate.test_images=0",
        "extrapolate.epochs=3",    "extrapolate.storage_read_gbps=0.5", "extrapolate.target_hours=1e3",
        "extrapolate.usd_per_hour=0.1", "extrapolate.precision=bf16",
        "extrapolate.interconnect=custom", "extrapolate.link_gbps=12.5", "extrapolate.link_latency_us=20",
        "output.run_dir=\"a b\\tc\"",
    };
    CHECK_INT(parse_with(DATA, sets, (int)CLMLP_ARRAY_LEN(sets), &c, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_STR(c.name, "yes");
    CHECK_STR(c.device.platform, "a \"quoted\": b #c");
    CHECK_STR(c.output.run_dir, "a b\tc");
    clmlp_config def;
    clmlp_config_defaults(&def);
    /* (data.train.has_labels must stay true: a training CSV needs labels;
     * model.kernel has one value so far.) */
    for (size_t i = 0; i < cfg_schema_len; i++)
        if (cfg_key_equal(&c, &def, &cfg_schema[i]) && strcmp(cfg_schema[i].path, "data.train.has_labels") != 0 &&
            strcmp(cfg_schema[i].path, "model.kernel") != 0)
            test_fail(__FILE__, __LINE__, "%s still has its default", cfg_schema[i].path);
    round_trip(&c);

    /* Strings YAML would misread unquoted or fold inside quotes: a leading
     * directive or reserved indicator, and line breaks and controls beyond
     * ASCII (NEL, LS, PS, C1, BOM), the non-characters U+FFFE and U+FFFF
     * (the config fuzzer's find: a YAML reader refuses them unescaped),
     * beside plain non-ASCII text. */
    static const char *const awkward[] = {"%TAG x", "@home", "`tick", "a\xc2\x85" "b", "a\xe2\x80\xa8" "b",
                                          "x\xe2\x80\xa9", "\xc2\x9fz", "\xef\xbb\xbf" "bom", "caf\xc3\xa9 \xe2\x82\xac",
                                          "a\xef\xbf\xbf" "b", "\xef\xbf\xbe"};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(awkward); i++) {
        snprintf(c.name, sizeof c.name, "%s", awkward[i]);
        snprintf(c.device.platform, sizeof c.device.platform, "%s", awkward[i]);
        round_trip(&c);
    }
    /* Bytes that are not UTF-8 cannot be written back: refused on the way in. */
    const char *not_utf8[] = {"name=\"a\xff\""};
    CHECK_INT(parse_with(DATA, not_utf8, 1, &c, &err), -1);
    CHECK_CONTAINS(err.msg, "invalid leading UTF-8 octet");

    /* An empty hidden list round-trips too. */
    const char *lr[] = {"model.hidden=[]"};
    CHECK_INT(parse_with(DATA, lr, 1, &c, &err), 0);
    round_trip(&c);
}

static void written_yaml_is_readable(void)
{
    clmlp_config c;
    clmlp_err err;
    CHECK_INT(parse(DATA, &c, &err), 0);
    char *text = write_to_string(&c);
    if (!text)
        return;
    CHECK_CONTAINS(text, "\nname: experiment\n");
    CHECK_CONTAINS(text, "\ntraining:\n  optimizer: adam\n  lr: 0.001\n");
    CHECK_CONTAINS(text, "  eps: 1e-8\n");
    CHECK_CONTAINS(text, "  momentum: 0.0\n");
    CHECK_CONTAINS(text, "  hidden: [400, 400, 500]\n");
    CHECK_CONTAINS(text, "\ndata:\n  train:\n    format: idx\n    images: /base/cfg/a.gz\n");
    CHECK_CONTAINS(text, "    limit: 0\n  scale: true\n");
    CHECK_CONTAINS(text, "  platform: \"\"\n");
    CHECK_CONTAINS(text, "  index: -1\n");
    free(text);
}

static void suggestions(void)
{
    CHECK_INT(cfg_levenshtein("kitten", "sitting"), 3);
    CHECK_INT(cfg_levenshtein("", "abc"), 3);
    CHECK_INT(cfg_levenshtein("lr", "lr"), 0);
    static const char *const words[] = {"training", "model", "data"};
    CHECK_STR(cfg_closest("trainign", words, 3), "training");
    CHECK_STR(cfg_closest("modle", words, 3), "model");
    CHECK_STR(cfg_closest("dat", words, 3), "data");
    CHECK(cfg_closest("xyzzy", words, 3) == NULL);
    char msg[512];
    cfg_unknown_key_message("data.trian.images", msg, sizeof msg);
    CHECK_STR(msg, "unknown key 'data.trian.images' (did you mean 'data.train.images'?)");
    cfg_unknown_key_message("training.lr.x", msg, sizeof msg);
    CHECK_STR(msg, "unknown key 'training.lr.x' ('training.lr' is a key, not a section)");
}

const test_case config_tests[] = {
    {"defaults_are_the_documented_ones", defaults_are_the_documented_ones, false},
    {"schema_is_consistent", schema_is_consistent, false},
    {"enum_names", enum_names, false},
    {"parses_every_kind_of_value", parses_every_kind_of_value, false},
    {"booleans_and_empty_lists", booleans_and_empty_lists, false},
    {"csv_format_needs_csv", csv_format_needs_csv, false},
    {"unknown_keys_with_did_you_mean", unknown_keys_with_did_you_mean, false},
    {"wrong_types", wrong_types, false},
    {"out_of_range", out_of_range, false},
    {"bad_enum_values", bad_enum_values, false},
    {"missing_required_data", missing_required_data, false},
    {"duplicate_keys", duplicate_keys, false},
    {"yaml_syntax_and_shape_errors", yaml_syntax_and_shape_errors, false},
    {"overrides_apply_after_the_file", overrides_apply_after_the_file, false},
    {"override_errors", override_errors, false},
    {"relative_paths_resolve_against_base_dir", relative_paths_resolve_against_base_dir, false},
    {"load_sets_source_base_and_name", load_sets_source_base_and_name, false},
    {"load_relative_path_makes_base_absolute", load_relative_path_makes_base_absolute, false},
    {"reference_yaml_documents_every_default", reference_yaml_documents_every_default, false},
    {"seed_mlp_is_the_seed", seed_mlp_is_the_seed, false},
    {"other_configs_have_their_recipes", other_configs_have_their_recipes, false},
    {"every_config_file_parses", every_config_file_parses, false},
    {"write_then_parse_is_identity", write_then_parse_is_identity, false},
    {"written_yaml_is_readable", written_yaml_is_readable, false},
    {"suggestions", suggestions, false},
    {NULL, NULL, false},
};
