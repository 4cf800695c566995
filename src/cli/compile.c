/* clmlp compile CONFIG [--set k=v ...] [--dump]
 * Runs the graph compiler without a device: prints the plans' summary, or
 * with --dump every launch (fused ops, shapes, FLOPs, bytes) and the buffer plan. */
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/cli.h"
#include "clmlp/compiler.h"
#include "clmlp/data.h"

static int compile_one(const clmlp_config *cfg, int input_dim, bool eval, bool dump, clmlp_err *err)
{
    clmlp_graph *g = clmlp_calloc(1, sizeof *g, err);
    clmlp_plan *plan = clmlp_calloc(1, sizeof *plan, err);
    int rc = -1;
    if (!g || !plan)
        goto done;
    clmlp_compile_options opt;
    clmlp_compile_options_from_config(cfg, &opt);
    if ((eval ? clmlp_graph_build_eval(cfg, input_dim, cfg->training.eval_batch_size, g, err)
              : clmlp_graph_build_training(cfg, input_dim, g, err)) < 0 ||
        clmlp_compile(g, &opt, plan, err) < 0)
        goto done;
    const char *title = eval ? "evaluation batch" : "training step";
    if (dump) {
        clmlp_plan_dump(plan, title, stdout);
        printf("\n");
    } else {
        printf("%-17s %3d launches, %9.2f MFLOP, %8.3f MiB static device memory\n", title, plan->n_launches,
               clmlp_plan_flops(plan) / 1e6, (double)plan->buffers.peak_bytes / (1024.0 * 1024.0));
    }
    rc = 0;
done:
    free(g);
    free(plan);
    return rc;
}

int clmlp_cmd_compile(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    if (clmlp_cli_parse(argc, argv, "compile", "--set --dump", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    int input_dim = cfg.model.input;
    if (input_dim == 0) {
        /* The input width comes from the data. */
        clmlp_dataset ds = {0};
        if (clmlp_data_load(&cfg.data.train, &ds, &err) < 0)
            return clmlp_cli_report_error(&err);
        input_dim = (int)clmlp_dataset_features(&ds);
        clmlp_dataset_free(&ds);
    }
    if (compile_one(&cfg, input_dim, false, args.dump, &err) < 0 ||
        compile_one(&cfg, input_dim, true, args.dump, &err) < 0)
        return clmlp_cli_report_error(&err);
    return 0;
}
