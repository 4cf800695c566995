/* Extrapolation arithmetic; see extrapolate.h. */
#include "clmlp/extrapolate.h"

#include <math.h>
#include <string.h>

void clmlp_extrapolate(const clmlp_scale_in *in, clmlp_scale *out)
{
    memset(out, 0, sizeof *out);
    out->train_bytes = in->train_images * in->bytes_per_image;
    out->test_bytes = in->test_images * in->bytes_per_image;
    out->train_compute_h = in->train_s_per_image * in->train_images * in->epochs / 3600.0;
    out->eval_compute_h = in->eval_s_per_image * in->test_images / 3600.0;
    if (in->read_bytes_per_s > 0) {
        out->train_read_h = out->train_bytes * in->epochs / in->read_bytes_per_s / 3600.0;
        out->eval_read_h = out->test_bytes / in->read_bytes_per_s / 3600.0;
    }
    out->train_read_bound = out->train_read_h > out->train_compute_h;
    out->eval_read_bound = out->eval_read_h > out->eval_compute_h;
    out->train_h = fmax(out->train_compute_h, out->train_read_h);
    out->eval_h = fmax(out->eval_compute_h, out->eval_read_h);
    out->total_h = out->train_h + out->eval_h;
    double devices = in->target_hours > 0 ? ceil(out->total_h / in->target_hours) : 1;
    out->devices = devices < 1 ? 1 : (int64_t)devices;
    out->wall_h = out->total_h / (double)out->devices;
    out->usd = out->total_h * in->usd_per_hour;
}

void clmlp_seed_arithmetic(double run_seconds, double seed_images, double target_images, double speedup,
                           clmlp_seed_arith *out)
{
    out->run_seconds = run_seconds;
    out->scale = target_images / seed_images;
    out->speedup = speedup;
    out->cpu_seconds = run_seconds * out->scale;
    out->tpu_seconds = out->cpu_seconds / speedup;
    out->tpu_hours = out->tpu_seconds / 3600.0;
}
