#include "clmlp/cli.h"
#include "clmlp/dist.h"

#include <stdio.h>
#include <string.h>

static bool flag_allowed(const char *allowed, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = allowed; (p = strstr(p, flag)) != NULL; p += n)
        if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

int clmlp_cli_parse_args(int argc, char **argv, const char *command, const char *allowed, int max_positional,
                         const char *positional_what, clmlp_cli_args *args, clmlp_err *err)
{
    memset(args, 0, sizeof *args);
    if (max_positional > CLMLP_CLI_MAX_POSITIONAL)
        max_positional = CLMLP_CLI_MAX_POSITIONAL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (args->n_positional >= max_positional)
                return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: unexpected argument '%s' (%s)", command, a,
                                  positional_what);
            args->positional[args->n_positional++] = a;
            continue;
        }
        if (!flag_allowed(allowed, a))
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: unknown option '%s' (accepted: %s)", command, a,
                              allowed[0] ? allowed : "none");
        bool takes_value = strcmp(a, "--set") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "--devices") == 0 ||
                           strcmp(a, "--from") == 0 || strcmp(a, "--labels") == 0 || strcmp(a, "--index") == 0 ||
                           strcmp(a, "--bins") == 0 || strcmp(a, "--resume") == 0 || strcmp(a, "--config") == 0 ||
                           strcmp(a, "--interconnect") == 0 || strcmp(a, "--link-gbps") == 0 ||
                           strcmp(a, "--link-latency-us") == 0 || strcmp(a, "--over") == 0;
        if (takes_value && i + 1 >= argc)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: option '%s' needs a value", command, a);
        if (strcmp(a, "--set") == 0) {
            if (args->n_overrides >= CLMLP_MAX_OVERRIDES)
                return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: at most %d --set options", command, CLMLP_MAX_OVERRIDES);
            args->overrides[args->n_overrides++] = argv[++i];
        } else if (strcmp(a, "--out") == 0) {
            args->out_dir = argv[++i];
        } else if (strcmp(a, "--json") == 0) {
            args->json = true;
        } else if (strcmp(a, "--dump") == 0) {
            args->dump = true;
        } else if (strcmp(a, "--probe") == 0) {
            args->probe = true;
        } else if (strcmp(a, "--force") == 0) {
            args->force = true;
        } else if (strcmp(a, "--devices") == 0) {
            args->devices = argv[++i];
        } else if (strcmp(a, "--from") == 0) {
            args->from = argv[++i];
        } else if (strcmp(a, "--labels") == 0) {
            args->labels = argv[++i];
        } else if (strcmp(a, "--index") == 0) {
            args->index = argv[++i];
        } else if (strcmp(a, "--bins") == 0) {
            args->bins = argv[++i];
        } else if (strcmp(a, "--binarize") == 0) {
            args->binarize = true;
        } else if (strcmp(a, "--resume") == 0) {
            args->resume = argv[++i];
        } else if (strcmp(a, "--config") == 0) {
            args->config_file = argv[++i];
        } else if (strcmp(a, "--probabilities") == 0) {
            args->probabilities = true;
        } else if (strcmp(a, "--interconnect") == 0) {
            args->interconnect = argv[++i];
        } else if (strcmp(a, "--link-gbps") == 0) {
            args->link_gbps = argv[++i];
        } else if (strcmp(a, "--link-latency-us") == 0) {
            args->link_latency_us = argv[++i];
        } else if (strcmp(a, "--over") == 0) {
            args->over = argv[++i];
        }
    }
    return 0;
}

int clmlp_cli_parse(int argc, char **argv, const char *command, const char *allowed, bool needs_config,
                    clmlp_cli_args *args, clmlp_err *err)
{
    if (clmlp_cli_parse_args(argc, argv, command, allowed, 1, "one CONFIG only", args, err) < 0)
        return -1;
    args->config_path = args->positional[0];
    if (needs_config && !args->config_path)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: missing CONFIG (e.g. clmlp %s configs/seed-mlp.yaml)", command, command);
    return 0;
}

int clmlp_cli_load_config(const clmlp_cli_args *args, clmlp_config *cfg, clmlp_err *err)
{
    return clmlp_config_load(args->config_path, args->overrides, args->n_overrides, cfg, err);
}

int clmlp_cli_report_error(const clmlp_err *err)
{
    const clmlp_dist *world = clmlp_dist_world();
    if (world->size > 1) /* which of the ranks says it */
        fprintf(stderr, "clmlp: rank %d of %d: %s\n", world->rank, world->size, err->msg);
    else
        fprintf(stderr, "clmlp: %s\n", err->msg);
    return err->code ? err->code : CLMLP_EXIT_INTERNAL;
}

int clmlp_cli_require_mlp(const clmlp_config *cfg, const char *command, clmlp_err *err)
{
    if (cfg->model.kind != CLMLP_MODEL_SVM)
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_USAGE,
                      "%s: model.kind svm has no compiled plan: its one GEMM (the RBF kernel) is tuned by clmlp train "
                      "(compiler.autotune) and timed in its report; clmlp sweep and tools/bench-svm measure it",
                      command);
}
