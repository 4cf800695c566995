/* A training step's kernels on one device: measured device time per step
 * (the profiler's per-launch stats, summed by kernel name) beside what the
 * roofline predicts for the same launches, from the device model and from
 * the device's probed peaks. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/compare.h"

static int by_time(const void *a, const void *b)
{
    const clmlp_kernel_row *x = a, *y = b;
    double tx = x->measured_s > 0 ? x->measured_s : x->model_s, ty = y->measured_s > 0 ? y->measured_s : y->model_s;
    return (tx < ty) - (tx > ty);
}

static clmlp_kernel_row *row_for(clmlp_kernel_row *rows, int *n, int cap, const char *name)
{
    for (int k = 0; k < *n; k++)
        if (strcmp(rows[k].name, name) == 0)
            return &rows[k];
    if (*n == cap)
        return NULL;
    clmlp_kernel_row *r = &rows[(*n)++];
    memset(r, 0, sizeof *r);
    clmlp_strlcpy(r->name, name, sizeof r->name);
    return r;
}

int clmlp_compare_kernels(const clmlp_compare *c, int i, clmlp_kernel_row *rows, int cap)
{
    const clmlp_compare_run *r = &c->runs[i];
    if (!r->train_plan)
        return 0;
    clmlp_roof model = {0};
    bool has_model = r->model >= 0 && clmlp_roof_from_model(&c->models[r->model], CLMLP_PREC_FP32,
                                                            r->run.device.compute_units, &model);
    int n = 0;
    for (int l = 0; l < r->train_plan->n_launches; l++) {
        const clmlp_launch *launch = &r->train_plan->launches[l];
        clmlp_kernel_row *row = row_for(rows, &n, cap, launch->name);
        if (!row)
            continue;
        row->launches++;
        row->flops += launch->flops;
        row->bytes += launch->bytes;
        if (has_model)
            row->model_s += clmlp_roofline_launch(launch->flops, launch->bytes, launch->footprint, &model);
        if (r->probed) {
            double t = clmlp_roofline_launch(launch->flops, launch->bytes, launch->footprint, &r->probe_roof);
            row->probe_s += t;
            row->probe_roof_s += t - r->probe_roof.launch_s;
        }
    }
    double steps = (double)r->run.steps_per_epoch * r->run.epochs_done;
    const clmlp_profiler *p = &r->run.profile;
    for (int k = 0; k < p->n_stats && steps > 0; k++) {
        if (strcmp(p->stats[k].phase, "train") != 0)
            continue;
        for (int j = 0; j < n; j++)
            if (strcmp(rows[j].name, p->stats[k].name) == 0)
                rows[j].measured_s += p->stats[k].device_seconds / steps;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_time);
    return n;
}
