/* Roofline predictions; see roofline.h. */
#include "clmlp/roofline.h"

#include <string.h>

/* The launch's time if arithmetic bound, and if memory bound. */
static void split(double flops, double bytes, const clmlp_roof *roof, double *compute, double *memory)
{
    *compute = roof->flops_per_s > 0 ? flops / roof->flops_per_s : 0;
    *memory = roof->bytes_per_s > 0 ? bytes / roof->bytes_per_s : 0;
}

double clmlp_roofline_launch(double flops, double bytes, const clmlp_roof *roof)
{
    double compute, memory;
    split(flops, bytes, roof, &compute, &memory);
    return (compute > memory ? compute : memory) + roof->launch_s;
}

void clmlp_roofline_plan(const clmlp_plan *plan, const clmlp_roof *roof, clmlp_roofline *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < plan->n_launches; i++) {
        double compute, memory;
        split(plan->launches[i].flops, plan->launches[i].bytes, roof, &compute, &memory);
        if (compute > memory) {
            out->compute_s += compute;
            out->compute_bound++;
        } else {
            out->memory_s += memory;
            out->memory_bound++;
        }
        out->overhead_s += roof->launch_s;
    }
    out->launches = plan->n_launches;
    out->seconds = out->compute_s + out->memory_s + out->overhead_s;
}

bool clmlp_roof_from_model(const clmlp_devmodel *m, clmlp_precision prec, unsigned units, clmlp_roof *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)prec >= CLMLP_PREC_COUNT || m->peak_gflops[prec] <= 0)
        return false;
    double share = units > 0 && m->compute_units > 0 && (int)units < m->compute_units
                       ? (double)units / m->compute_units
                       : 1.0;
    out->flops_per_s = m->peak_gflops[prec] * 1e9 * share;
    out->bytes_per_s = m->memory_bandwidth_gbps * 1e9;
    out->launch_s = m->launch_overhead_us * 1e-6;
    return true;
}
