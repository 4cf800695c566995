/* The schema: every config key, its type, range, default and doc, in one
 * table. The parser, --set, the writer and clmlp_config_defaults all walk it,
 * so adding a key is one line here (plus its field in config.h and its line
 * in configs/reference.yaml, which a test checks). */
#include "config/config_internal.h"

#include <stdio.h>
#include <string.h>

/* Enum fields are stored through an int; make sure that is their size. */
_Static_assert(sizeof(clmlp_device_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_activation) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_gemm_provider) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_precision) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_on_problem) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_interconnect) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_model_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(clmlp_svm_kernel_kind) == sizeof(int), "enum size");

/* Value names, indexed by the C enum value. */
static const char *const device_kinds[] = {"any", "cpu", "gpu", "accelerator", NULL};
static const char *const formats[] = {"idx", "csv", NULL};
static const char *const model_kinds[] = {"mlp", "svm", NULL};
static const char *const svm_kernels[] = {"rbf", NULL};
static const char *const activations[] = {"relu", "sigmoid", "tanh", NULL};
static const char *const inits[] = {"normal", "he", "xavier", NULL};
static const char *const bias_inits[] = {"normal", "zeros", NULL};
static const char *const optimizers[] = {"adam", "sgd", NULL};
static const char *const gemms[] = {"auto", "clblast", "generated", NULL};
static const char *const autotunes[] = {"off", "quick", "full", NULL};
static const char *const precisions[] = {"fp32", "fp16", "bf16", NULL};
static const char *const on_problems[] = {"stop", "warn", NULL};
static const char *const interconnects[] = {"auto", "nvlink", "infiniband", "ethernet", "measured", "custom", "none", NULL};
_Static_assert(CLMLP_ARRAY_LEN(interconnects) == CLMLP_LINK_COUNT + 1, "one name per clmlp_interconnect");

#define F(member) .offset = offsetof(clmlp_config, member), .size = sizeof(((clmlp_config *)0)->member)

/* One split's keys; the train and test tables differ only in the prefix. */
#define DATA_SOURCE(split, what)                                                                              \
    {.path = "data." #split ".format", .type = CFG_ENUM, F(data.split.format), .names = formats, .def = "idx", \
     .doc = "idx (MNIST .gz/.ubyte files) or csv (Kaggle digit-recognizer)"},                                 \
    {.path = "data." #split ".images", .type = CFG_PATH, F(data.split.images), .def = "",                      \
     .doc = "IDX images of the " what " set (.gz or raw); required for format idx"},                           \
    {.path = "data." #split ".labels", .type = CFG_PATH, F(data.split.labels), .def = "",                      \
     .doc = "IDX labels of the " what " set; required for format idx"},                                        \
    {.path = "data." #split ".csv", .type = CFG_PATH, F(data.split.csv), .def = "",                            \
     .doc = "CSV of the " what " set (label,pixel0..pixel783); required for format csv"},                      \
    {.path = "data." #split ".has_labels", .type = CFG_BOOL, F(data.split.has_labels), .def = "true",          \
     .doc = "CSV only: the first column is the label (Kaggle's test.csv has none)"},                           \
    {.path = "data." #split ".skip", .type = CFG_INT64, F(data.split.skip), AT_LEAST(0), .def = "0",           \
     .doc = "leave out the first N examples (with limit: a window of the file, e.g. a held-out split)"},       \
    {.path = "data." #split ".limit", .type = CFG_INT64, F(data.split.limit), AT_LEAST(0), .def = "0",         \
     .doc = "use only the first N examples (after skip), 0 = all"}

const cfg_key cfg_schema[] = {
    {.path = "name", .type = CFG_STRING, F(name), .def = "experiment",
     .doc = "names the run directory; clmlp_config_load uses the file's stem when unset"},

    {.path = "device.type", .type = CFG_ENUM, F(device.type), .names = device_kinds, .def = "any",
     .doc = "any, cpu, gpu or accelerator (OpenCL ACCELERATOR and CUSTOM)"},
    {.path = "device.platform", .type = CFG_STRING, F(device.platform), .def = "",
     .doc = "case-insensitive substring of the platform name, empty = any"},
    {.path = "device.name", .type = CFG_STRING, F(device.name), .def = "",
     .doc = "case-insensitive substring of the device name, empty = any"},
    {.path = "device.index", .type = CFG_INT, F(device.index), CLOSED(-1, 1023), .def = "-1",
     .doc = "position among the matching devices, -1 = the first"},
    {.path = "device.per_rank", .type = CFG_BOOL, F(device.per_rank), .def = "false",
     .doc = "under mpirun -n N: rank r opens the r-th matching device (device.index ignored); false: every rank "
            "opens the one the spec picks"},

    DATA_SOURCE(train, "training"),
    DATA_SOURCE(test, "test"),
    {.path = "data.scale", .type = CFG_BOOL, F(data.scale), .def = "true", .doc = "pixel / 255 -> [0, 1]"},
    {.path = "data.binarize", .type = CFG_BOOL, F(data.binarize), .def = "false",
     .doc = "pixel > 0 -> 1 (the seed's SVM part); wins over scale"},
    {.path = "data.shuffle", .type = CFG_BOOL, F(data.shuffle), .def = "true",
     .doc = "reshuffle the training set every epoch"},
    {.path = "data.shuffle_seed", .type = CFG_UINT64, F(data.shuffle_seed), .def = "1",
     .doc = "seed of the shuffling"},
    {.path = "data.stream", .type = CFG_BOOL, F(data.stream), .def = "false",
     .doc = "stream training batches from the host in chunks instead of keeping the set on the device (automatic when it does not fit)"},
    {.path = "data.drop_last", .type = CFG_BOOL, F(data.drop_last), .def = "true",
     .doc = "leave out the images past the last whole batch of each epoch (a note says how many); false: a batch "
            "size that does not divide the training set is an error"},

    {.path = "model.kind", .type = CFG_ENUM, F(model.kind), .names = model_kinds, .def = "mlp",
     .doc = "mlp (the seed's TensorFlow network) or svm (its scikit-learn SVC: RBF kernel, one-vs-one)"},
    {.path = "model.input", .type = CFG_INT, F(model.input), CLOSED(0, 16777216), .def = "0",
     .doc = "input width, 0 = taken from the data (784 for MNIST)"},
    {.path = "model.hidden", .type = CFG_INT_LIST, F(model.hidden), .count_offset = offsetof(clmlp_config, model.n_hidden),
     CLOSED(1, 65536), .def = "[400, 400, 500]",
     .doc = "hidden layer widths, at most 16; [] = logistic regression"},
    {.path = "model.classes", .type = CFG_INT, F(model.classes), CLOSED(2, 65536), .def = "10",
     .doc = "output width"},
    {.path = "model.activation", .type = CFG_ENUM, F(model.activation), .names = activations, .def = "relu",
     .doc = "relu, sigmoid or tanh, after every hidden layer"},
    {.path = "model.init", .type = CFG_ENUM, F(model.init), .names = inits, .def = "normal",
     .doc = "weights: normal (stddev init_stddev, as tf.random_normal), he or xavier"},
    {.path = "model.init_stddev", .type = CFG_FLOAT, F(model.init_stddev), CLOSED(0, 100), .def = "1.0",
     .doc = "stddev of the weights for init normal"},
    {.path = "model.bias_init", .type = CFG_ENUM, F(model.bias_init), .names = bias_inits, .def = "normal",
     .doc = "biases: normal (stddev bias_stddev) or zeros"},
    {.path = "model.bias_stddev", .type = CFG_FLOAT, F(model.bias_stddev), CLOSED(0, 100), .def = "1.0",
     .doc = "stddev of the biases for bias_init normal"},
    {.path = "model.kernel", .type = CFG_ENUM, F(model.kernel), .names = svm_kernels, .def = "rbf",
     .doc = "svm: the kernel, rbf = exp(-gamma |x - y|^2)"},
    {.path = "model.C", .type = CFG_FLOAT, F(model.C), OPEN_CLOSED(0, 1e6), .def = "1.0",
     .doc = "svm: the box constraint (scikit-learn's C)"},
    {.path = "model.gamma", .type = CFG_STRING, F(model.gamma), .def = "scale",
     .doc = "svm: scale = 1 / (d var(X)), auto = 1 / d, or a positive number (scikit-learn's meanings)"},
    {.path = "model.tol", .type = CFG_FLOAT, F(model.tol), OPEN_CLOSED(0, 1), .def = "0.001",
     .doc = "svm: stop when the largest KKT violation is below this (scikit-learn's tol)"},
    {.path = "model.cache_mb", .type = CFG_INT, F(model.cache_mb), CLOSED(1, 1048576), .def = "1024",
     .doc = "svm: kernel values kept, MiB: the rows the solver asks for (LRU), and as much again for the "
            "classes' own blocks, each computed once for all its problems"},

    {.path = "training.optimizer", .type = CFG_ENUM, F(training.optimizer), .names = optimizers, .def = "adam",
     .doc = "adam (TF1 semantics) or sgd (with momentum)"},
    {.path = "training.lr", .type = CFG_FLOAT, F(training.lr), OPEN_CLOSED(0, 10), .def = "0.001",
     .doc = "learning rate"},
    {.path = "training.beta1", .type = CFG_FLOAT, F(training.beta1), CLOSED_OPEN(0, 1), .def = "0.9",
     .doc = "Adam: decay of the first moment"},
    {.path = "training.beta2", .type = CFG_FLOAT, F(training.beta2), CLOSED_OPEN(0, 1), .def = "0.999",
     .doc = "Adam: decay of the second moment"},
    {.path = "training.eps", .type = CFG_FLOAT, F(training.eps), OPEN_CLOSED(0, 1), .def = "1e-8",
     .doc = "Adam: epsilon"},
    {.path = "training.momentum", .type = CFG_FLOAT, F(training.momentum), CLOSED_OPEN(0, 1), .def = "0.0",
     .doc = "SGD: momentum, 0 = plain SGD"},
    {.path = "training.batch_size", .type = CFG_INT, F(training.batch_size), CLOSED(1, 65536), .def = "100",
     .doc = "examples per step"},
    {.path = "training.epochs", .type = CFG_INT, F(training.epochs), CLOSED(0, 100000), .def = "20",
     .doc = "passes over the training set, 0 = evaluate the initial weights only"},
    {.path = "training.seed", .type = CFG_UINT64, F(training.seed), .def = "1", .doc = "seed of the weight init"},
    {.path = "training.eval_batch_size", .type = CFG_INT, F(training.eval_batch_size), CLOSED(1, 1048576),
     .def = "1000", .doc = "examples per step when evaluating"},
    {.path = "training.on_nonfinite", .type = CFG_ENUM, F(training.on_nonfinite), .names = on_problems,
     .def = "stop",
     .doc = "NaN/Inf in the loss, a parameter or a gradient (checked every epoch): stop the run, or warn and go on"},
    {.path = "training.on_divergence", .type = CFG_ENUM, F(training.on_divergence), .names = on_problems,
     .def = "stop",
     .doc = "an epoch's loss over 10x the best epoch's, or chance-level test accuracy: stop (exit 1), or warn"},

    {.path = "compiler.fuse", .type = CFG_BOOL, F(compiler.fuse), .def = "true",
     .doc = "fuse ops into fewer kernels; false lowers op by op (to measure the gain)"},
    {.path = "compiler.gemm", .type = CFG_ENUM, F(compiler.gemm), .names = gemms, .def = "auto",
     .doc = "auto (measure and pick per shape), clblast or generated"},
    {.path = "compiler.autotune", .type = CFG_ENUM, F(compiler.autotune), .names = autotunes, .def = "quick",
     .doc = "off, quick or full: how many GEMM candidates to time (results are cached)"},

    {.path = "profile.enabled", .type = CFG_BOOL, F(profile.enabled), .def = "true",
     .doc = "record every launch's device time"},
    {.path = "profile.trace_steps", .type = CFG_INT, F(profile.trace_steps), CLOSED(0, 1000000), .def = "20",
     .doc = "training steps (and evaluation batches) written to trace.json, 0 = none"},
    {.path = "profile.probe", .type = CFG_BOOL, F(profile.probe), .def = "true",
     .doc = "measure the device's peak (cached per device) so reports show % of peak"},

    {.path = "compare.devices", .type = CFG_STRING, F(compare.devices), .def = "",
     .doc = "clmlp compare: device specs separated by ',' (name=pthread,type=gpu:index=1,basic), as --devices"},
    {.path = "compare.baseline", .type = CFG_INT, F(compare.baseline), CLOSED(0, 63), .def = "0",
     .doc = "position in the device list of the device speedups are relative to"},
    {.path = "compare.accuracy_tolerance", .type = CFG_FLOAT, F(compare.accuracy_tolerance), CLOSED(0, 1),
     .def = "0.005", .doc = "test accuracies (0..1) further than this from the baseline's are flagged"},
    {.path = "compare.models", .type = CFG_PATH, F(compare.models), .def = "",
     .doc = "folder of extra device-model YAML files; they replace built-in models of the same file name"},
    {.path = "compare.rounds", .type = CFG_INT, F(compare.rounds), CLOSED(1, 50), .def = "3",
     .doc = "times each device runs, in rounds alternating the device order; speedups are medians with a range"},
    {.path = "compare.noise_check", .type = CFG_BOOL, F(compare.noise_check), .def = "false",
     .doc = "allow the same device twice: its spread is run-to-run noise, no speedup is claimed"},
    {.path = "compare.min_round_seconds", .type = CFG_FLOAT, F(compare.min_round_seconds), AT_LEAST(0),
     .def = "1.0", .doc = "a device whose median training seconds per round are below this is flagged: too short"},

    {.path = "extrapolate.train_images", .type = CFG_FLOAT, F(extrapolate.train_images), AT_LEAST(0),
     .def = "60e9", .doc = "N_train: training images to extrapolate to"},
    {.path = "extrapolate.test_images", .type = CFG_FLOAT, F(extrapolate.test_images), AT_LEAST(0),
     .def = "10e9", .doc = "N_test: test images to extrapolate to"},
    {.path = "extrapolate.epochs", .type = CFG_INT, F(extrapolate.epochs), CLOSED(0, 100000), .def = "20",
     .doc = "E: epochs over N_train (the seed's 20, whatever a short measuring run used), 0 = training.epochs"},
    {.path = "extrapolate.storage_read_gbps", .type = CFG_FLOAT, F(extrapolate.storage_read_gbps),
     OPEN_CLOSED(0, 1e6), .def = "2.0", .doc = "GB/s (1e9 bytes/s) one device reads its data at (one NVMe SSD ~2-7)"},
    {.path = "extrapolate.target_hours", .type = CFG_FLOAT, F(extrapolate.target_hours), OPEN_CLOSED(0, 1e9),
     .def = "24.0", .doc = "wall time to finish in; sizes the number of devices"},
    {.path = "extrapolate.usd_per_hour", .type = CFG_FLOAT, F(extrapolate.usd_per_hour), CLOSED(0, 1e6),
     .def = "0.0", .doc = "USD per device-hour of a measured device no priced model describes, 0 = unknown"},
    {.path = "extrapolate.precision", .type = CFG_ENUM, F(extrapolate.precision), .names = precisions,
     .def = "fp32", .doc = "fp32, fp16 or bf16: the peak the roofline uses for modeled devices"},
    {.path = "extrapolate.interconnect", .type = CFG_ENUM, F(extrapolate.interconnect), .names = interconnects,
     .def = "auto",
     .doc = "link of the gradient all-reduce: auto (measured with an MPI report of 2+ ranks, else nvlink), nvlink, "
            "infiniband, ethernet, measured, custom (link_gbps, link_latency_us) or none (perfect scaling)"},
    {.path = "extrapolate.link_gbps", .type = CFG_FLOAT, F(extrapolate.link_gbps), CLOSED(0, 1e6), .def = "0.0",
     .doc = "custom link: GB/s (1e9 bytes/s, not bits) per direction per device, 0 = no custom link"},
    {.path = "extrapolate.link_latency_us", .type = CFG_FLOAT, F(extrapolate.link_latency_us), CLOSED(0, 1e6),
     .def = "0.0", .doc = "custom link: latency of one ring step in µs"},

    {.path = "output.dir", .type = CFG_STRING, F(output.dir), .def = "runs",
     .doc = "parent of run directories, relative to the current directory"},
    {.path = "output.run_dir", .type = CFG_STRING, F(output.run_dir), .def = "",
     .doc = "exact run directory, empty = <dir>/<name>-<timestamp>"},
};

const size_t cfg_schema_len = CLMLP_ARRAY_LEN(cfg_schema);
const cfg_table cfg_config_table = {cfg_schema, CLMLP_ARRAY_LEN(cfg_schema), "config",
                                    "sections such as 'data:' and 'training:'"};

const cfg_key *cfg_table_find(const cfg_table *t, const char *path)
{
    for (size_t i = 0; i < t->len; i++)
        if (strcmp(t->keys[i].path, path) == 0)
            return &t->keys[i];
    return NULL;
}

const cfg_key *cfg_find_key(const char *path) { return cfg_table_find(&cfg_config_table, path); }

bool cfg_table_is_section(const cfg_table *t, const char *path)
{
    size_t n = strlen(path);
    if (n == 0)
        return true;
    for (size_t i = 0; i < t->len; i++)
        if (strncmp(t->keys[i].path, path, n) == 0 && t->keys[i].path[n] == '.')
            return true;
    return false;
}

bool cfg_is_section(const char *path) { return cfg_table_is_section(&cfg_config_table, path); }

size_t cfg_table_children(const cfg_table *t, const char *prefix, char (*names)[CFG_COMPONENT_MAX], size_t cap)
{
    size_t plen = strlen(prefix), count = 0;
    for (size_t i = 0; i < t->len && count < cap; i++) {
        const char *p = t->keys[i].path;
        if (plen) {
            if (strncmp(p, prefix, plen) != 0 || p[plen] != '.')
                continue;
            p += plen + 1;
        }
        size_t len = strcspn(p, ".");
        bool dup = false;
        for (size_t j = 0; j < count && !dup; j++)
            dup = strlen(names[j]) == len && strncmp(names[j], p, len) == 0;
        if (!dup)
            snprintf(names[count++], CFG_COMPONENT_MAX, "%.*s", (int)len, p);
    }
    return count;
}

size_t cfg_children(const char *prefix, char (*names)[CFG_COMPONENT_MAX], size_t cap)
{
    return cfg_table_children(&cfg_config_table, prefix, names, cap);
}

void cfg_table_defaults(const cfg_table *t, void *target)
{
    char why[256];
    for (size_t i = 0; i < t->len; i++) {
        const cfg_key *k = &t->keys[i];
        if (k->type != CFG_INT_LIST) {
            /* Defaults are plain YAML scalars; a test checks they all parse. */
            cfg_set_scalar(target, k, k->def, true, "", why, sizeof why);
            continue;
        }
        /* "[a, b, c]": the only list default syntax the tables use. */
        int values[CLMLP_MAX_HIDDEN], n = 0;
        const char *p = k->def + 1;
        char item[32];
        while (*p && *p != ']' && n < CLMLP_MAX_HIDDEN) {
            size_t len = strcspn(p, ",]");
            snprintf(item, sizeof item, "%.*s", (int)len, p);
            if (cfg_parse_list_item(k, item, &values[n], why, sizeof why) == 0)
                n++;
            p += len;
            if (*p == ',')
                p++;
        }
        cfg_set_list(target, k, values, n, why, sizeof why);
    }
}

void clmlp_config_defaults(clmlp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg_table_defaults(&cfg_config_table, cfg);
}

static const char *enum_name(const char *const *names, size_t count, int value)
{
    return value >= 0 && (size_t)value < count ? names[value] : "?";
}

const char *clmlp_device_kind_name(clmlp_device_kind kind)
{
    return enum_name(device_kinds, CLMLP_ARRAY_LEN(device_kinds) - 1, (int)kind);
}

const char *clmlp_model_kind_name(clmlp_model_kind kind)
{
    return enum_name(model_kinds, CLMLP_ARRAY_LEN(model_kinds) - 1, (int)kind);
}

const char *clmlp_activation_name(clmlp_activation act)
{
    return enum_name(activations, CLMLP_ARRAY_LEN(activations) - 1, (int)act);
}

const char *clmlp_optimizer_name(clmlp_optimizer opt)
{
    return enum_name(optimizers, CLMLP_ARRAY_LEN(optimizers) - 1, (int)opt);
}

const char *clmlp_precision_name(clmlp_precision prec)
{
    return enum_name(precisions, CLMLP_ARRAY_LEN(precisions) - 1, (int)prec);
}

const char *clmlp_interconnect_name(clmlp_interconnect link)
{
    return enum_name(interconnects, CLMLP_ARRAY_LEN(interconnects) - 1, (int)link);
}

const char *clmlp_gemm_provider_name(clmlp_gemm_provider provider)
{
    return enum_name(gemms, CLMLP_ARRAY_LEN(gemms) - 1, (int)provider);
}

const char *clmlp_autotune_name(clmlp_autotune mode)
{
    return enum_name(autotunes, CLMLP_ARRAY_LEN(autotunes) - 1, (int)mode);
}

const char *clmlp_on_problem_name(clmlp_on_problem action)
{
    return enum_name(on_problems, CLMLP_ARRAY_LEN(on_problems) - 1, (int)action);
}
