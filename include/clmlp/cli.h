/* Subcommands of the clmlp executable; each lives in src/cli/<name>.c and
 * returns the process exit code. Errors are printed as one line:
 *   clmlp: <message> */
#ifndef CLMLP_CLI_H
#define CLMLP_CLI_H

#include "clmlp/common.h"
#include "clmlp/compiler.h"
#include "clmlp/config.h"
#include "clmlp/device.h"

#define CLMLP_MAX_OVERRIDES 64
#define CLMLP_CLI_MAX_POSITIONAL 4

/* The arguments of a subcommand: its positionals and every option's value. */
typedef struct clmlp_cli_args {
    const char *positional[CLMLP_CLI_MAX_POSITIONAL]; /* in order */
    int n_positional;
    const char *config_path; /* commands that take a CONFIG: positional[0] */
    const char *overrides[CLMLP_MAX_OVERRIDES];
    int n_overrides;
    const char *out_dir; /* --out DIR */
    bool json;           /* --json */
    bool dump;           /* --dump */
    bool probe;          /* --probe */
    bool force;          /* --force */
    const char *devices; /* --devices SPEC[,SPEC...] */
    const char *from;    /* --from FILE */
    const char *labels;  /* --labels FILE */
    const char *index;   /* --index N (checked by the command) */
    const char *bins;    /* --bins N (checked by the command) */
    bool binarize;       /* --binarize */
    const char *resume;  /* --resume RUN_DIR */
    const char *config_file; /* --config FILE (commands whose positionals are not a CONFIG) */
    bool probabilities;  /* --probabilities */
    const char *interconnect;    /* --interconnect LINK (checked by the command) */
    const char *link_gbps;       /* --link-gbps X */
    const char *link_latency_us; /* --link-latency-us Y */
    const char *over;            /* --over KEY=V1,V2,... (clmlp sweep) */
} clmlp_cli_args;

/* Parses argv after the subcommand name. `allowed` lists the flags the
 * subcommand accepts (e.g. "--set --out"); at most max_positional
 * positionals, a further one refused with "unexpected argument 'x' (<what>)".
 * Errors are usage errors (exit 2). */
int clmlp_cli_parse_args(int argc, char **argv, const char *command, const char *allowed, int max_positional,
                         const char *positional_what, clmlp_cli_args *args, clmlp_err *err);
/* For commands that take one CONFIG: needs_config makes it mandatory. */
int clmlp_cli_parse(int argc, char **argv, const char *command, const char *allowed, bool needs_config,
                    clmlp_cli_args *args, clmlp_err *err);

/* Loads args->config_path with its overrides. */
int clmlp_cli_load_config(const clmlp_cli_args *args, clmlp_config *cfg, clmlp_err *err);
/* For commands about the MLP's compiled plan (compile, tune, bench): a
 * model.kind svm config is a usage error saying what serves it instead. */
int clmlp_cli_require_mlp(const clmlp_config *cfg, const char *command, clmlp_err *err);

/* Prints "clmlp: <msg>" to stderr and returns err->code. */
int clmlp_cli_report_error(const clmlp_err *err);

/* Shared by compare and extrapolate: checks the request, runs the
 * experiment on each device with progress on stdout, analyzes. */
struct clmlp_compare;
int clmlp_cli_compare_run(const clmlp_config *cfg, const char *devices, struct clmlp_compare *c, clmlp_err *err);
/* Writes compare.json, md_name (rendered by md) and, when html, compare.html
 * (drawn from compare.json's text) into the output directory made ready
 * before the run (clmlp_run_dir_prepare), each atomically, and marks it
 * complete. */
struct clmlp_run_dir;
int clmlp_cli_write_compare(const struct clmlp_run_dir *rd, const struct clmlp_compare *c, const char *md_name,
                            int (*md)(FILE *out, const void *c), bool html, clmlp_err *err);
/* The output folder of compare and sweep, made ready before their runs:
 * out_dir (--out), else <output.dir>/<prefix>-<name>-<timestamp>. */
int clmlp_cli_prepare_out_dir(const clmlp_config *cfg, const char *prefix, const char *out_dir,
                              struct clmlp_run_dir *rd, clmlp_err *err);
/* The model's input width: model.input, or the training images' (loaded). */
int clmlp_cli_input_dim(const clmlp_config *cfg, int *dim, clmlp_err *err);
/* The training and evaluation plans of cfg, compiled with its options
 * (heap; the caller frees them). */
int clmlp_cli_compile_plans(const clmlp_config *cfg, int input_dim, clmlp_plan **train, clmlp_plan **eval,
                            clmlp_err *err);

int clmlp_cmd_devices(int argc, char **argv);
int clmlp_cmd_check(int argc, char **argv);
int clmlp_cmd_compile(int argc, char **argv);
int clmlp_cmd_train(int argc, char **argv);
int clmlp_cmd_eval(int argc, char **argv);
int clmlp_cmd_predict(int argc, char **argv);
int clmlp_cmd_report(int argc, char **argv);
int clmlp_cmd_compare(int argc, char **argv);
int clmlp_cmd_extrapolate(int argc, char **argv);
int clmlp_cmd_tune(int argc, char **argv);
int clmlp_cmd_bench(int argc, char **argv);
int clmlp_cmd_show(int argc, char **argv);
int clmlp_cmd_sweep(int argc, char **argv);

#endif
