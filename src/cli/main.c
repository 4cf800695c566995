/* clmlp: train and profile neural networks on any OpenCL device.
 * Dispatches to one subcommand per file in src/cli/. */
#include <stdio.h>
#include <string.h>

#include "clmlp/cli.h"
#include "clmlp/dist.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"devices", clmlp_cmd_devices, "devices [--json] [--probe]  list OpenCL devices; --probe measures their peaks"},
    {"check", clmlp_cmd_check, "check CONFIG [--set k=v]    validate a config and print it with defaults"},
    {"compile", clmlp_cmd_compile, "compile CONFIG [--set k=v] [--dump]   lower the model to a plan and print it"},
    {"train", clmlp_cmd_train,
     "train CONFIG [--set k=v] [--out DIR]  train, evaluate, write the run report and model.safetensors\n"
     "  clmlp train --resume RUN_DIR         continue a killed run from its last checkpoint"},
    {"eval", clmlp_cmd_eval,
     "eval MODEL|RUN_DIR DATA... [--config CONFIG] [--set k=v]\n"
     "                              accuracy and confusion matrix on labeled CSV or IDX images [labels]"},
    {"predict", clmlp_cmd_predict,
     "predict MODEL|RUN_DIR DATA... [--out results.csv] [--force] [--probabilities] [--config CONFIG] [--set k=v]\n"
     "                              Kaggle's ImageId,Label for unlabeled test.csv or IDX images"},
    {"report", clmlp_cmd_report, "report RUN_DIR               render RUN_DIR/report.md again from its report.json"},
    {"compare", clmlp_cmd_compare,
     "compare CONFIG --devices SPEC[,SPEC...] [--set k=v] [--out DIR]\n"
     "                              run the experiment on each device; speedups, chain, roofline, extrapolation"},
    {"extrapolate", clmlp_cmd_extrapolate,
     "extrapolate CONFIG [--devices SPEC[,SPEC...] | --from RUN_DIR] [--set k=v] [--out DIR]\n"
     "            [--interconnect auto|nvlink|infiniband|ethernet|measured|custom|none] [--link-gbps X] [--link-latency-us Y]\n"
     "                              per-image costs (measured now, or from a run) scaled to 60 B / 10 B images,\n"
     "                              devices with perfect scaling and with a gradient all-reduce per step"},
    {"sweep", clmlp_cmd_sweep,
     "sweep CONFIG --over KEY=V1,V2,... [--set k=v] [--out DIR]\n"
     "                              run once per value of KEY; how train time and memory grow (fitted laws),\n"
     "                              extrapolated to extrapolate.train_images when KEY is data.train.limit"},
    {"tune", clmlp_cmd_tune, "tune CONFIG [--set k=v] [--force] [--dump]   time GEMM candidates, cache the choices"},
    {"bench", clmlp_cmd_bench, "bench CONFIG [--set k=v]    GEMM GFLOP/s per provider, step times, images/s"},
    {"show", clmlp_cmd_show,
     "show DATA [--labels FILE] [--index N] [--binarize] [--bins N] [--out DIR] [--force]\n"
     "                              draw image N (IDX or Kaggle CSV) with its label: terminal, PNG, histogram SVG"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: clmlp COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(commands); i++)
        fprintf(out, "  clmlp %s\n", commands[i].usage);
    fprintf(out, "\nConfigs are YAML; see configs/reference.yaml. --set section.key=value overrides a key.\n");
}

/* Under mpirun every rank runs the command; only train knows how to share
 * the work (data-parallel), so the others refuse rather than run N times. */
static int run_command(const command *c, int argc, char **argv)
{
    clmlp_err err = {0};
    if (clmlp_dist_init(&argc, &argv, &err) < 0)
        return clmlp_cli_report_error(&err);
    int rc;
    if (clmlp_dist_world()->size > 1 && strcmp(c->name, "train") != 0)
        rc = clmlp_fail(&err, CLMLP_EXIT_USAGE, "%s does not run over MPI: only clmlp train does (mpirun -n N clmlp "
                                                "train CONFIG)", c->name),
        clmlp_cli_report_error(&err);
    else
        rc = c->run(argc - 2, argv + 2);
    clmlp_dist_finish(rc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLMLP_EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return run_command(&commands[i], argc, argv);
    fprintf(stderr, "clmlp: unknown command '%s' (run 'clmlp --help' for the list)\n", argv[1]);
    return CLMLP_EXIT_USAGE;
}
