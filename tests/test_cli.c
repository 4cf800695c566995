/* `clmlp check`: the built binary, run the way a user runs it (from the
 * source root, output captured), for success and for each kind of failure. */
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/config.h"
#include "harness.h"

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* One line, "clmlp: ...", and nothing else on stdout or stderr. */
static void check_one_error_line(const char *out)
{
    CHECK_INT(count_lines(out), 1);
    CHECK(strncmp(out, "clmlp: ", 7) == 0);
    CHECK(out[0] && out[strlen(out) - 1] == '\n');
}

static void check_prints_the_effective_config(void)
{
    static char out[1 << 16];
    int rc = test_run_clmlp("check configs/seed-mlp.yaml", out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "name: seed-mlp\n");
    CHECK_CONTAINS(out, "\ntraining:\n  optimizer: adam\n  lr: 0.001\n");
    CHECK_CONTAINS(out, "  hidden: [400, 400, 500]\n");
    CHECK_CONTAINS(out, "  eps: 1e-8\n");
    CHECK_CONTAINS(out, "/data/mnist/train-images-idx3-ubyte.gz\n");
    /* Defaults the file leaves out are filled in. */
    CHECK_CONTAINS(out, "  eval_batch_size: 1000\n");
    CHECK_CONTAINS(out, "  autotune: quick\n");

    rc = test_run_clmlp("check configs/seed-mlp.yaml --set training.epochs=3 --set model.hidden=[128,64]", out, sizeof out);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "  epochs: 3\n");
    CHECK_CONTAINS(out, "  hidden: [128, 64]\n");
}

/* What check prints is itself a config that loads to the same values. */
static void check_output_reloads(void)
{
    /* Data paths that exist, so check has no warning to add to the output. */
    char yaml[2048];
    const char *self = test_write_file("probe.txt", "x", 1);
    snprintf(yaml, sizeof yaml,
             "data:\n  train: {images: %s, labels: %s}\n  test: {images: %s, labels: %s}\n"
             "training:\n  lr: 0.0003\n  epochs: 5\nmodel:\n  hidden: [32]\n",
             self, self, self, self);
    const char *path = test_write_file("mine.yaml", yaml, strlen(yaml));
    static char out[1 << 16], args[1200];
    snprintf(args, sizeof args, "check '%s'", path);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK(strstr(out, "warning") == NULL);

    clmlp_config a, b;
    clmlp_err err = {0};
    CHECK_INT(clmlp_config_load(path, NULL, 0, &a, &err), 0);
    CHECK_INT(clmlp_config_parse(out, strlen(out), "stdout", "/", NULL, 0, &b, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_STR(b.name, "mine");
    CHECK(b.training.lr == a.training.lr);
    CHECK_INT(b.training.epochs, 5);
    CHECK_INT(b.model.n_hidden, 1);
    CHECK_INT(b.model.hidden[0], 32);
    CHECK_STR(b.data.test.labels, a.data.test.labels);
}

static void check_bad_config_is_one_line(void)
{
    static const struct {
        const char *yaml, *fragment;
    } cases[] = {
        {"trainig:\n  lr: 0.1\n", ":1:1: unknown key 'trainig' (did you mean 'training'?)"},
        {"training:\n  batch_size: abc\n", ":2:15: training.batch_size: expected an integer, got 'abc'"},
        {"training:\n  batch_size: 0\n", ":2:15: training.batch_size: 0 is out of range [1, 65536]"},
        {"model:\n  activation: relux\n", ":2:15: model.activation: 'relux' is not one of relu, sigmoid, tanh"},
        {"training:\n  lr: 1\n  lr: 2\n", ":3:3: duplicate key 'training.lr'"},
        {"training:\n  lr: [1\n", ":3:1: YAML syntax error: did not find expected ',' or ']'"},
    };
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(cases); i++) {
        const char *path = test_write_file("bad.yaml", cases[i].yaml, strlen(cases[i].yaml));
        char args[1200], out[4096];
        snprintf(args, sizeof args, "check '%s'", path);
        CHECK_INT(test_run_clmlp(args, out, sizeof out), 2);
        check_one_error_line(out);
        char want[1400];
        snprintf(want, sizeof want, "clmlp: %s%s", path, cases[i].fragment);
        CHECK_CONTAINS(out, want);
    }
}

static void check_missing_required_key(void)
{
    const char *yaml = "data:\n  train:\n    images: a.gz\n";
    const char *path = test_write_file("nolabels.yaml", yaml, strlen(yaml));
    char args[1200], out[4096], want[1400];
    snprintf(args, sizeof args, "check '%s'", path);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 2);
    check_one_error_line(out);
    snprintf(want, sizeof want, "clmlp: %s: missing required key 'data.train.labels' (format idx needs images and labels)\n",
             path);
    CHECK_STR(out, want);
}

static void check_set_errors(void)
{
    char out[4096];
    CHECK_INT(test_run_clmlp("check configs/seed-mlp.yaml --set trainig.lr=1", out, sizeof out), 2);
    check_one_error_line(out);
    CHECK_STR(out, "clmlp: --set trainig.lr=1: unknown key 'trainig.lr' (did you mean 'training.lr'?)\n");

    CHECK_INT(test_run_clmlp("check configs/seed-mlp.yaml --set training.lr=abc", out, sizeof out), 2);
    check_one_error_line(out);
    CHECK_STR(out, "clmlp: --set training.lr=abc: training.lr: expected a number, got 'abc'\n");

    CHECK_INT(test_run_clmlp("check configs/seed-mlp.yaml --set", out, sizeof out), 2);
    check_one_error_line(out);
    CHECK_CONTAINS(out, "needs a value");
}

static void check_usage_errors(void)
{
    char out[4096];
    CHECK_INT(test_run_clmlp("check", out, sizeof out), 2);
    check_one_error_line(out);
    CHECK_CONTAINS(out, "missing CONFIG");

    CHECK_INT(test_run_clmlp("check configs/does-not-exist.yaml", out, sizeof out), 2);
    check_one_error_line(out);
    CHECK_STR(out, "clmlp: cannot read config 'configs/does-not-exist.yaml': No such file or directory\n");

    CHECK_INT(test_run_clmlp("check configs/seed-mlp.yaml --out x", out, sizeof out), 2);
    check_one_error_line(out);
    CHECK_CONTAINS(out, "unknown option '--out'");

    CHECK_INT(test_run_clmlp("check configs/seed-mlp.yaml configs/tiny-mnist.yaml", out, sizeof out), 2);
    check_one_error_line(out);
}

/* A run that tunes says so (at large batches it takes minutes); one that
 * finds its shapes in the tune cache says nothing about tuning. */
static void train_says_when_it_tunes(void)
{
    static char out[100000];
    char cache[1024], args[2048];
    test_mnist_dir();
    snprintf(cache, sizeof cache, "%s/cache", test_tmpdir());
    setenv("CLMLP_CACHE_DIR", cache, 1);
    snprintf(args, sizeof args,
             "train configs/tiny-mnist.yaml --set training.epochs=1 --set profile.probe=false --out '%s/a'",
             test_tmpdir());
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "clmlp: tuning GEMM shapes not in the tune cache, starting with NN 100x64x784 bias_relu");
    CHECK_CONTAINS(out, "later runs read them from the tune cache");
    snprintf(args, sizeof args,
             "train configs/tiny-mnist.yaml --set training.epochs=1 --set profile.probe=false --out '%s/b'",
             test_tmpdir());
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK(strstr(out, "tuning GEMM shapes") == NULL);
}

const test_case cli_tests[] = {
    {"check_prints_the_effective_config", check_prints_the_effective_config, false},
    {"check_output_reloads", check_output_reloads, false},
    {"check_bad_config_is_one_line", check_bad_config_is_one_line, false},
    {"check_missing_required_key", check_missing_required_key, false},
    {"check_set_errors", check_set_errors, false},
    {"check_usage_errors", check_usage_errors, false},
    {"train_says_when_it_tunes", train_says_when_it_tunes, true},
    {NULL, NULL, false},
};
