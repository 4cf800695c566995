/* The output folder of a command that runs experiments and writes its own
 * files (compare, sweep): --out, or <output.dir>/<prefix>-<name>-<timestamp>. */
#include <stdio.h>

#include "clmlp/cli.h"
#include "clmlp/report.h"

int clmlp_cli_prepare_out_dir(const clmlp_config *cfg, const char *prefix, const char *out_dir,
                              struct clmlp_run_dir *rd, clmlp_err *err)
{
    /* output.run_dir names a train run's folder, not this command's. */
    clmlp_config named = *cfg;
    snprintf(named.name, sizeof named.name, "%s-%.*s", prefix, (int)sizeof named.name - 16, cfg->name);
    named.output.run_dir[0] = '\0';
    return clmlp_run_dir_prepare(&named, out_dir, CLMLP_RUN_DIR_NEW, rd, err);
}
