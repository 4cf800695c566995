/* clmlp check CONFIG [--set k=v ...]: validates a config and prints the
 * effective config (every default filled in) as YAML on stdout, so a user can
 * see exactly what `train` would run. */
#include "clmlp/cli.h"

#include <stdio.h>
#include <unistd.h>

/* Data files are the data stage's business, but a missing one is worth a
 * hint here, before a long train run finds out. */
static void warn_missing(const char *key, const char *path)
{
    if (path[0] && access(path, R_OK) != 0)
        fprintf(stderr, "clmlp: warning: %s: '%s' is not readable (for MNIST run tools/fetch-data)\n", key, path);
}

int clmlp_cmd_check(int argc, char **argv)
{
    clmlp_cli_args args;
    clmlp_err err = {0};
    if (clmlp_cli_parse(argc, argv, "check", "--set", true, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    clmlp_config cfg;
    if (clmlp_cli_load_config(&args, &cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (clmlp_config_write_yaml(&cfg, stdout) < 0 || fflush(stdout) != 0) {
        clmlp_fail(&err, CLMLP_EXIT_INTERNAL, "check: cannot write to stdout");
        return clmlp_cli_report_error(&err);
    }
    const clmlp_data_source *splits[] = {&cfg.data.train, &cfg.data.test};
    const char *names[] = {"data.train", "data.test"};
    for (int i = 0; i < 2; i++) {
        char key[32];
        if (splits[i]->format == CLMLP_FORMAT_IDX) {
            snprintf(key, sizeof key, "%s.images", names[i]);
            warn_missing(key, splits[i]->images);
            snprintf(key, sizeof key, "%s.labels", names[i]);
            warn_missing(key, splits[i]->labels);
        } else {
            snprintf(key, sizeof key, "%s.csv", names[i]);
            warn_missing(key, splits[i]->csv);
        }
    }
    return CLMLP_EXIT_OK;
}
