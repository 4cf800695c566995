/* Roofline predictions; see roofline.h. */
#include "clmlp/roofline.h"

#include <string.h>

double clmlp_roof_bandwidth(const clmlp_roof *roof, double footprint)
{
    if (roof->n_levels <= 0)
        return roof->bytes_per_s;
    int level = 0;
    for (int i = 1; i < roof->n_levels; i++)
        if (roof->level_bytes[i] <= footprint)
            level = i;
    return roof->level_bytes_per_s[level];
}

/* The launch's time if arithmetic bound, and if memory bound. */
static void split(double flops, double bytes, double footprint, const clmlp_roof *roof, double *compute,
                  double *memory)
{
    double bw = clmlp_roof_bandwidth(roof, footprint > 0 ? footprint : bytes);
    *compute = roof->flops_per_s > 0 ? flops / roof->flops_per_s : 0;
    *memory = bw > 0 ? bytes / bw : 0;
}

double clmlp_roofline_launch(double flops, double bytes, double footprint, const clmlp_roof *roof)
{
    double compute, memory;
    split(flops, bytes, footprint, roof, &compute, &memory);
    return (compute > memory ? compute : memory) + roof->launch_s;
}

bool clmlp_roofline_compute_bound(double flops, double bytes, double footprint, const clmlp_roof *roof)
{
    double compute, memory;
    split(flops, bytes, footprint, roof, &compute, &memory);
    return compute > memory;
}

void clmlp_roofline_plan(const clmlp_plan *plan, const clmlp_roof *roof, clmlp_roofline *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        double compute, memory;
        split(l->flops, l->bytes, l->footprint, roof, &compute, &memory);
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

bool clmlp_roof_from_probe(const clmlp_probe *p, clmlp_roof *out)
{
    memset(out, 0, sizeof *out);
    if (!(p->gemm_gflops > 0))
        return false;
    out->flops_per_s = p->gemm_gflops * 1e9;
    out->bytes_per_s = p->copy_gbps * 1e9;
    out->launch_s = p->launch_us * 1e-6;
    for (int i = 0; i < p->n_levels && i < CLMLP_PROBE_MAX_LEVELS; i++) {
        out->level_bytes[i] = p->levels[i].bytes;
        out->level_bytes_per_s[i] = p->levels[i].gbps.best * 1e9;
        out->n_levels = i + 1;
    }
    return true;
}

void clmlp_roof_place(double flops, double bytes, double footprint, double seconds, const clmlp_roof *roof,
                      clmlp_roof_position *out)
{
    double compute, memory;
    split(flops, bytes, footprint, roof, &compute, &memory);
    out->compute = compute > memory;
    out->attainable_s = out->compute ? compute : memory;
    out->pct = seconds > 0 ? 100.0 * out->attainable_s / seconds : 0;
    out->above = out->pct > 100.0 * CLMLP_ROOF_TOLERANCE;
}
