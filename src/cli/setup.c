/* What `compile`, `tune` and `bench` set up before their own work: the
 * model's input width and the config's compiled plans. */
#include <stdlib.h>

#include "clmlp/cli.h"
#include "clmlp/data.h"

int clmlp_cli_compile_plans(const clmlp_config *cfg, int input_dim, clmlp_plan **train, clmlp_plan **eval,
                            clmlp_err *err)
{
    *train = clmlp_calloc(1, sizeof **train, err);
    *eval = clmlp_calloc(1, sizeof **eval, err);
    int rc = *train && *eval ? clmlp_compile_config(cfg, input_dim, 0, NULL, *train, *eval, err) : -1;
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
