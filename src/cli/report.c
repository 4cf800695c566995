/* clmlp report RUN_DIR: renders RUN_DIR/report.md again from its
 * report.json (after editing the renderer, or for a run copied from another
 * machine). */
#include "clmlp/cli.h"
#include "clmlp/report.h"

int clmlp_cmd_report(int argc, char **argv)
{
    clmlp_cli_args args;
    clmlp_err err = {0};
    if (clmlp_cli_parse(argc, argv, "report", "", false, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (!args.config_path) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE, "report: missing RUN_DIR (usage: clmlp report RUN_DIR)");
        return clmlp_cli_report_error(&err);
    }
    if (clmlp_report_rerender(args.config_path, &err) < 0)
        return clmlp_cli_report_error(&err);
    printf("%s/report.md\n", args.config_path);
    return 0;
}
