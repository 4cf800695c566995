/* clmlp_config_layers: the model as one reads it, "784-400-400-500-10". */
#include <stdio.h>

#include "clmlp/config.h"

void clmlp_config_layers(const clmlp_config *cfg, int input_dim, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%d", input_dim);
    for (int i = 0; i < cfg->model.n_hidden && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "-%d", cfg->model.hidden[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, "-%d", cfg->model.classes);
}
