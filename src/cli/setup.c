/* What `tune` and `bench` set up before their own work: the device a
 * config selects and its compiled plans. */
#include <stdlib.h>

#include "clmlp/cli.h"
#include "clmlp/data.h"

int clmlp_cli_open_device(const clmlp_config *cfg, clmlp_device *dev, clmlp_err *err)
{
    clmlp_device_desc *descs = NULL;
    int count = 0;
    if (clmlp_devices_enumerate(&descs, &count, err) < 0)
        return -1;
    int pick = clmlp_device_select(descs, count, &cfg->device, err);
    int rc = pick < 0 ? -1 : clmlp_device_open(&descs[pick], dev, err);
    free(descs);
    return rc;
}

int clmlp_cli_compile_plans(const clmlp_config *cfg, int input_dim, clmlp_plan **train, clmlp_plan **eval,
                            clmlp_err *err)
{
    clmlp_graph *g = clmlp_calloc(1, sizeof *g, err);
    *train = clmlp_calloc(1, sizeof **train, err);
    *eval = clmlp_calloc(1, sizeof **eval, err);
    clmlp_compile_options opt;
    clmlp_compile_options_from_config(cfg, &opt);
    int rc = -1;
    if (g && *train && *eval && clmlp_graph_build_training(cfg, input_dim, g, err) == 0 &&
        clmlp_compile(g, &opt, *train, err) == 0 &&
        clmlp_graph_build_eval(cfg, input_dim, cfg->training.eval_batch_size, g, err) == 0 &&
        clmlp_compile(g, &opt, *eval, err) == 0)
        rc = 0;
    free(g);
    if (rc < 0) {
        free(*train);
        free(*eval);
        *train = *eval = NULL;
    }
    return rc;
}

int clmlp_cli_input_dim(const clmlp_config *cfg, int *dim, clmlp_err *err)
{
    *dim = cfg->model.input;
    if (*dim)
        return 0;
    clmlp_dataset ds = {0};
    if (clmlp_data_load(&cfg->data.train, &ds, err) < 0)
        return -1;
    *dim = (int)clmlp_dataset_features(&ds);
    clmlp_dataset_free(&ds);
    return 0;
}
