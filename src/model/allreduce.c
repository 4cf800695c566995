/* The gradient all-reduce and the device count it allows; see extrapolate.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clmlp/extrapolate.h"

/* Nominal figures, not measured here: per direction, per device. */
static const struct {
    clmlp_interconnect which;
    double gbps, latency_us;
} presets[] = {
    /* NVLink 4 (H100/H200 SXM): 18 links x 25 GB/s = 450 GB/s each way (NVIDIA's "900 GB/s" counts both);
     * ~3 µs a step. One NVLink domain is 8 GPUs (256 with the NVLink Switch System): a longer ring
     * on NVLink alone is the optimistic bound. */
    {CLMLP_LINK_NVLINK, 450, 3},
    /* InfiniBand NDR, one 400 Gb/s port per device = 50 GB/s; ~2 µs (RDMA, one switch hop). */
    {CLMLP_LINK_INFINIBAND, 50, 2},
    /* Data-centre 100 GbE = 12.5 GB/s; ~20 µs through the kernel's TCP stack. */
    {CLMLP_LINK_ETHERNET, 12.5, 20},
    /* No communication: the perfect scaling of clmlp_extrapolate. */
    {CLMLP_LINK_NONE, 0, 0},
};

bool clmlp_link_preset(clmlp_interconnect which, clmlp_link *out)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (presets[i].which == which) {
            memset(out, 0, sizeof *out);
            snprintf(out->name, sizeof out->name, "%s", clmlp_interconnect_name(which));
            out->bytes_per_s = presets[i].gbps * 1e9;
            out->latency_s = presets[i].latency_us * 1e-6;
            return true;
        }
    return false;
}

void clmlp_link_custom(double gbps, double latency_us, clmlp_link *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "custom");
    out->bytes_per_s = gbps * 1e9;
    out->latency_s = latency_us * 1e-6;
}

/* t0 = 2(n0-1)/n0 x b0 / B with the latency left out: B = 2(n0-1)/n0 x b0 / t0. */
bool clmlp_link_fit(int ranks, double bytes, double seconds, const char *name, clmlp_link *out)
{
    memset(out, 0, sizeof *out);
    if (ranks < 2 || !(bytes > 0) || !(seconds > 0) || !isfinite(bytes) || !isfinite(seconds))
        return false;
    snprintf(out->name, sizeof out->name, "%s", name);
    out->measured = true;
    out->bytes_per_s = 2.0 * (ranks - 1) / ranks * bytes / seconds;
    return true;
}

double clmlp_allreduce_seconds(const clmlp_link *l, double n, double bytes)
{
    if (n <= 1 || !(l->bytes_per_s > 0))
        return 0;
    return 2 * (n - 1) / n * bytes / l->bytes_per_s + 2 * (n - 1) * l->latency_s;
}

void clmlp_comm_input(const clmlp_scale_in *in, const clmlp_scale *out, double global_batch, double bytes,
                      clmlp_comm_in *comm)
{
    memset(comm, 0, sizeof *comm);
    comm->steps = global_batch > 0 ? in->train_images * in->epochs / global_batch : 0;
    comm->step_s = comm->steps > 0 ? out->train_h * 3600 / comm->steps : 0;
    comm->eval_h = out->eval_h;
    comm->bytes = bytes;
    comm->target_hours = in->target_hours;
}

double clmlp_comm_wall_hours(const clmlp_link *l, const clmlp_comm_in *in, double n)
{
    double step = in->step_s / n + clmlp_allreduce_seconds(l, n, in->bytes);
    return (in->steps * step / 3600) + in->eval_h / n;
}

static double efficiency(const clmlp_link *l, const clmlp_comm_in *in, double n)
{
    double compute = in->step_s / n;
    return compute > 0 ? compute / (compute + clmlp_allreduce_seconds(l, n, in->bytes)) : 1;
}

/* The least n in [lo, hi] where pred holds, pred false then true along n;
 * hi + 1 when it never does. */
typedef bool (*comm_pred)(const clmlp_link *l, const clmlp_comm_in *in, double n);

static int64_t first_true(comm_pred pred, const clmlp_link *l, const clmlp_comm_in *in, int64_t lo, int64_t hi)
{
    int64_t end = hi + 1;
    while (lo < end) {
        int64_t mid = lo + (end - lo) / 2;
        if (pred(l, in, (double)mid))
            end = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Wall time is A/n + c + b n (A may be negative): it falls, then rises, so
 * "one more device no longer helps" turns true once and stays. */
static bool stops_falling(const clmlp_link *l, const clmlp_comm_in *in, double n)
{
    return clmlp_comm_wall_hours(l, in, n + 1) >= clmlp_comm_wall_hours(l, in, n);
}

static bool meets_target(const clmlp_link *l, const clmlp_comm_in *in, double n)
{
    return clmlp_comm_wall_hours(l, in, n) <= in->target_hours;
}

/* n x t(n) grows with n, so the efficiency only falls. */
static bool saturated(const clmlp_link *l, const clmlp_comm_in *in, double n)
{
    return efficiency(l, in, n) < CLMLP_COMM_SATURATION;
}

void clmlp_comm_extrapolate(const clmlp_link *l, const clmlp_comm_in *in, clmlp_comm_scale *out)
{
    const int64_t max = CLMLP_COMM_MAX_DEVICES;
    memset(out, 0, sizeof *out);
    out->fastest_devices = first_true(stops_falling, l, in, 1, max - 1);
    out->fastest_wall_h = clmlp_comm_wall_hours(l, in, (double)out->fastest_devices);
    out->reachable = out->fastest_wall_h <= in->target_hours;
    /* Up to the fastest N the wall time only falls: the least N that meets the target is there. */
    out->devices = out->reachable ? first_true(meets_target, l, in, 1, out->fastest_devices) : out->fastest_devices;
    double n = (double)out->devices;
    out->wall_h = clmlp_comm_wall_hours(l, in, n);
    out->allreduce_s = clmlp_allreduce_seconds(l, n, in->bytes);
    out->allreduce_share = 1 - efficiency(l, in, n);
    int64_t sat = first_true(saturated, l, in, 1, max);
    out->saturation_devices = sat > max ? 0 : sat;
}
