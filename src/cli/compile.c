/* clmlp compile CONFIG [--set k=v ...] [--dump]
 * Runs the graph compiler without a device: prints the plans' summary, or
 * with --dump every launch (fused ops, shapes, FLOPs, bytes) and the buffer
 * plan. GEMM choices are the untuned defaults (`clmlp tune --dump` shows
 * the tuned ones). */
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/cli.h"
#include "clmlp/compiler.h"

static void show(const clmlp_plan *plan, const char *title, bool dump)
{
    if (dump) {
        clmlp_plan_dump(plan, title, stdout);
        printf("\n");
    } else {
        printf("%-17s %3d launches, %9.2f MFLOP, %8.3f MiB static device memory\n", title, plan->n_launches,
               clmlp_plan_flops(plan) / 1e6, (double)plan->buffers.peak_bytes / (1024.0 * 1024.0));
    }
}

int clmlp_cmd_compile(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    int input_dim = 0;
    clmlp_plan *train = NULL, *eval = NULL;
    if (clmlp_cli_parse(argc, argv, "compile", "--set --dump", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0 || clmlp_cli_require_mlp(&cfg, "compile", &err) < 0 ||
        clmlp_cli_input_dim(&cfg, &input_dim, &err) < 0 ||
        clmlp_cli_compile_plans(&cfg, input_dim, &train, &eval, &err) < 0)
        return clmlp_cli_report_error(&err);
    show(train, "training step", args.dump);
    show(eval, "evaluation batch", args.dump);
    free(train);
    free(eval);
    return 0;
}
