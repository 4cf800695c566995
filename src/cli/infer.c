/* The parts of `clmlp eval` and `clmlp predict` they share; see infer.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/svm_device.h"
#include "clmlp/tune.h"
#include "infer.h"

int infer_parse(int argc, char **argv, const char *command, const char *allowed, infer_args *a, clmlp_err *err)
{
    memset(a, 0, sizeof *a);
    clmlp_cli_args cli;
    if (clmlp_cli_parse_args(argc, argv, command, allowed, 1 + CLMLP_INFER_MAX_DATA,
                             "MODEL, then a CSV or IDX images [labels]", &cli, err) < 0)
        return -1;
    if (cli.n_positional < 2)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: needs MODEL|RUN_DIR and DATA (e.g. clmlp %s runs/x test.csv)",
                          command, command);
    a->model = cli.positional[0];
    for (int i = 1; i < cli.n_positional; i++)
        a->data[a->n_data++] = cli.positional[i];
    memcpy(a->overrides, cli.overrides, sizeof a->overrides);
    a->n_overrides = cli.n_overrides;
    a->config = cli.config_file;
    a->out = cli.out_dir;
    a->force = cli.force;
    a->probabilities = cli.probabilities;
    return 0;
}

/* MODEL, or RUN_DIR/model.safetensors. */
static int model_path(const char *arg, char *path, size_t cap, clmlp_err *err)
{
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
        clmlp_strlcpy(path, arg, cap);
        return 0;
    }
    snprintf(path, cap, "%s/%s", arg, CLMLP_MODEL_FILE);
    if (access(path, F_OK) == 0)
        return 0;
    char ck[CLMLP_PATH_MAX + 64];
    snprintf(ck, sizeof ck, "%s/%s", arg, CLMLP_CHECKPOINT_FILE);
    if (access(ck, F_OK) == 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA,
                          "'%s' has no %s: its run has not finished (give '%s' for its last epoch's parameters)", arg,
                          CLMLP_MODEL_FILE, ck);
    return clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' has no %s: not a run directory of clmlp train", arg,
                      CLMLP_MODEL_FILE);
}

static int load_data(const infer_args *a, const char *command, bool need_labels, clmlp_dataset *ds, clmlp_err *err)
{
    clmlp_data_source src;
    /* IDX or CSV by content. IDX labels are the second DATA only: none
     * given means none, whatever lies beside the images. */
    if (clmlp_data_source_detect(a->data[0], NULL, &src, err) < 0)
        return -1;
    bool csv = src.format == CLMLP_FORMAT_CSV;
    if (csv && a->n_data > 1)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: a CSV holds its labels: one DATA file, not '%s' too", command,
                          a->data[1]);
    if (!csv && a->n_data > 1 && clmlp_data_source_detect(a->data[0], a->data[1], &src, err) < 0)
        return -1;
    if (!csv && a->n_data == 1)
        src.labels[0] = '\0';
    if (clmlp_data_load(&src, ds, err) < 0)
        return -1;
    if (need_labels && !ds->labels)
        return clmlp_fail(err, CLMLP_EXIT_DATA,
                          "%s needs labels: %s has none (%s; clmlp predict writes predictions for unlabeled data)",
                          command, a->data[0],
                          csv ? "its header has no label column" : "give the IDX labels file after the images");
    return 0;
}

/* The settings inference takes from a config: --config's, or the defaults
 * with --set applied. The data section is required by the parser but not
 * used here (the data come from the command line), hence the placeholders. */
static int load_config(const infer_args *a, clmlp_config *cfg, clmlp_err *err)
{
    if (a->config)
        return clmlp_config_load(a->config, a->overrides, a->n_overrides, cfg, err);
    static const char yaml[] = "data:\n  train: {images: unused, labels: unused}\n"
                               "  test: {images: unused, labels: unused}\n";
    return clmlp_config_parse(yaml, sizeof yaml - 1, "<inference settings>", ".", a->overrides, a->n_overrides, cfg,
                              err);
}

static int compile_plan(infer_job *job, clmlp_err *err)
{
    const clmlp_config *cfg = &job->cfg;
    int batch = cfg->training.eval_batch_size;
    if (job->data.count < batch)
        batch = (int)job->data.count; /* no padding past a small set */
    clmlp_graph *g = clmlp_calloc(1, sizeof *g, err);
    job->plan = clmlp_calloc(1, sizeof *job->plan, err);
    clmlp_compile_options opt;
    clmlp_compile_options_from_config(cfg, &opt);
    opt.align = clmlp_device_subbuffer_align(&job->dev);
    opt.target = clmlp_gemm_target_of(&job->dev.desc);
    clmlp_plan *const plans[] = {job->plan};
    int rc = !g || !job->plan || clmlp_graph_build_eval(cfg, job->model.input, batch, g, err) < 0 ||
                     clmlp_compile(g, &opt, job->plan, err) < 0 || clmlp_tune_plans(&job->dev, cfg, plans, 1, err) < 0
                 ? -1
                 : 0;
    free(g);
    return rc;
}

/* The MLP's evaluation plan, compiled and with the parameters uploaded. */
static int mlp_prepare(infer_job *job, clmlp_err *err)
{
    if (compile_plan(job, err) < 0)
        return -1;
    return clmlp_inference_create(&job->dev, job->plan, &job->model, &job->prof, &job->inf, err);
}

/* The SVM's input: the images preprocessed as at training, n x input floats. */
static int svm_prepare(infer_job *job, clmlp_err *err)
{
    if (job->data.count > INT_MAX)
        return clmlp_fail(err, CLMLP_EXIT_DATA,
                          "%lld images are more than an svm model takes at once (%d): split the data",
                          (long long)job->data.count, INT_MAX);
    job->features = clmlp_svm_features(job->data.pixels, NULL, job->data.count, job->model.input, job->model.scale,
                                       job->model.binarize, err);
    return job->features ? 0 : -1;
}

/* An SVM only votes: refused before the data are read or a device opened. */
static int check_kind_options(const infer_args *a, const char *command, const infer_job *job, clmlp_err *err)
{
    if (job->model.kind == CLMLP_MODEL_SVM && a->probabilities)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: --probabilities is not available for an svm model ('%s' votes one-vs-one, it has no "
                          "class probabilities): drop --probabilities",
                          command, job->model_path);
    return 0;
}

int infer_prepare(const infer_args *a, const char *command, bool need_labels, infer_job *job, clmlp_err *err)
{
    memset(job, 0, sizeof *job);
    double t0 = clmlp_now();
    if (model_path(a->model, job->model_path, sizeof job->model_path, err) < 0 ||
        clmlp_model_load(job->model_path, &job->model, err) < 0 || check_kind_options(a, command, job, err) < 0 ||
        load_config(a, &job->cfg, err) < 0)
        return -1;
    clmlp_model_to_config(&job->model, &job->cfg);
    clmlp_profiler_init(&job->prof, job->cfg.profile.enabled, job->cfg.profile.trace_steps);
    if (load_data(a, command, need_labels, &job->data, err) < 0)
        return -1;
    if (clmlp_dataset_features(&job->data) != job->model.input)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s has %dx%d images but model '%s' takes %d inputs", a->data[0],
                          job->data.rows, job->data.cols, job->model_path, job->model.input);
    double t1 = clmlp_now();
    if (clmlp_device_open_spec(&job->cfg.device, &job->dev, err) < 0 ||
        clmlp_profiler_calibrate(&job->prof, &job->dev, err) < 0)
        return -1;
    double t2 = clmlp_now();
    if ((job->model.kind == CLMLP_MODEL_SVM ? svm_prepare(job, err) : mlp_prepare(job, err)) < 0)
        return -1;
    double t3 = clmlp_now();
    job->seconds[0] = t1 - t0;
    job->seconds[1] = t2 - t1;
    job->seconds[2] = t3 - t2;
    return 0;
}

int infer_run(infer_job *job, int *pred, float *probs, clmlp_err *err)
{
    double t0 = clmlp_now();
    const clmlp_model *m = &job->model;
    int rc = m->kind == CLMLP_MODEL_SVM
                 ? clmlp_svm_device_predict(&job->dev, &job->prof, &m->svm, m->sv, m->input, m->gamma, job->features,
                                            (int)job->data.count, NULL, pred, &job->svm_flops, err)
                 : clmlp_inference_run(&job->inf, &job->data, pred, probs, err);
    if (rc < 0)
        return -1;
    job->seconds[4] = clmlp_now() - t0;
    return 0;
}

static const char *input_name(const clmlp_model *m)
{
    return m->binarize ? "binarized" : m->scale ? "scaled to [0, 1]" : "raw";
}

void infer_print_setup(const infer_job *job)
{
    const clmlp_model *m = &job->model;
    if (m->kind == CLMLP_MODEL_SVM) {
        printf("model:   %s (svm rbf, gamma %.6g, C %g, %d support vectors, %d classes, input %s)\n", job->model_path,
               m->gamma, m->C, m->svm.n_sv, m->svm.n_classes, input_name(m));
    } else {
        char layers[256];
        clmlp_model_layers(m, layers, sizeof layers);
        printf("model:   %s (%s %s, input %s)\n", job->model_path, layers, clmlp_activation_name(m->activation),
               input_name(m));
    }
    printf("device:  %s (%s, %s)\n", job->dev.desc.name, clmlp_device_type_name(job->dev.desc.type),
           job->dev.desc.platform);
    printf("data:    %lld images of %dx%d, %s, ", (long long)job->data.count, job->data.rows, job->data.cols,
           job->data.labels ? "labeled" : "unlabeled");
    if (m->kind == CLMLP_MODEL_SVM)
        printf("kernel values against %d support vectors, votes on the host\n", m->svm.n_sv);
    else
        printf("batches of %d (%d launches each)\n", job->plan->graph.batch, job->plan->n_launches);
    fflush(stdout);
}

static int by_device_time(const void *a, const void *b)
{
    double x = ((const clmlp_kernel_stats *)a)->device_seconds, y = ((const clmlp_kernel_stats *)b)->device_seconds;
    return (x < y) - (x > y);
}

void infer_print_profile(const infer_job *job)
{
    double run = job->seconds[4];
    bool svm = job->model.kind == CLMLP_MODEL_SVM;
    printf("phases:  load %.3f s, device %.3f s, %s %.3f s, run %.3f s (%.0f images/s", job->seconds[0],
           job->seconds[1], svm ? "features" : "compile", job->seconds[2], run,
           run > 0 ? (double)job->data.count / run : 0.0);
    if (svm)
        printf(", %.3g GFLOP of kernel", job->svm_flops / 1e9);
    printf(")\n");
    const clmlp_profiler *p = &job->prof;
    if (!p->enabled || p->n_stats == 0)
        return;
    clmlp_kernel_stats *s = malloc((size_t)p->n_stats * sizeof *s);
    if (!s)
        return;
    memcpy(s, p->stats, (size_t)p->n_stats * sizeof *s);
    qsort(s, (size_t)p->n_stats, sizeof *s, by_device_time);
    double total = 0;
    for (int i = 0; i < p->n_stats; i++)
        total += s[i].device_seconds;
    printf("profile: %.3f ms of device time; top launches:\n", total * 1e3);
    for (int i = 0; i < p->n_stats && i < 4 && s[i].calls > 0; i++)
    {
        printf("  %-28s %5ld calls %9.3f ms %5.1f %%", s[i].name, s[i].calls, s[i].device_seconds * 1e3,
               total > 0 ? 100 * s[i].device_seconds / total : 0.0);
        if (s[i].flops > 0 && s[i].device_seconds > 0)
            printf(" %8.1f GFLOP/s", s[i].flops / s[i].device_seconds / 1e9);
        printf("\n");
    }
    free(s);
}

void infer_release(infer_job *job)
{
    clmlp_inference_release(&job->inf);
    free(job->plan);
    job->plan = NULL;
    clmlp_device_close(&job->dev);
    clmlp_dataset_free(&job->data);
    free(job->features);
    job->features = NULL;
    clmlp_model_free(&job->model);
    clmlp_profiler_release(&job->prof);
}
