/* Extrapolation: measured (or modeled) per-image costs scaled to a large
 * data set, N_train training images for E epochs and N_test test images,
 * with the time to read the data from storage beside the compute time, the
 * data's size, the cost and the devices needed to finish in a target time.
 * And the seed's own arithmetic, with its units put right. Pure functions.
 *
 * Units: seconds per image, hours, bytes, bytes/s, USD. */
#ifndef CLMLP_EXTRAPOLATE_H
#define CLMLP_EXTRAPOLATE_H

#include <stdbool.h>
#include <stdint.h>

/* The seed's figures (../shared/DESIGN.md section 4). */
#define CLMLP_SEED_RUN_SECONDS 135.0  /* whole TF1 run on a 2.3 GHz i5, 20 epochs */
#define CLMLP_SEED_TRAIN_IMAGES 60e3
#define CLMLP_SEED_TEST_IMAGES 10e3
#define CLMLP_SEED_EPOCHS 20
#define CLMLP_SEED_GPU_PER_CPU 14.0   /* "1 hour / GPU = 14 hours / CPU" */
#define CLMLP_SEED_TPU_PER_GPU 768.0  /* 32 GPUs x 24 h vs 1/8 TPU pod x 8 h */
#define CLMLP_SEED_TPU_PER_CPU (CLMLP_SEED_GPU_PER_CPU * CLMLP_SEED_TPU_PER_GPU) /* 10 752 */

typedef struct clmlp_scale_in {
    double train_s_per_image;   /* one image through a training step: step time / batch */
    double eval_s_per_image;    /* one image through evaluation */
    double train_images, test_images;
    int epochs;
    double bytes_per_image;     /* as stored: pixels + label (785 for MNIST) */
    double read_bytes_per_s;    /* storage read bandwidth of one device */
    double target_hours;        /* wall time to finish within */
    double usd_per_hour;        /* per device-hour; 0 = unknown */
} clmlp_scale_in;

typedef struct clmlp_scale {
    double train_compute_h, eval_compute_h; /* device time on one device */
    double train_read_h, eval_read_h;       /* reading the data at read_bytes_per_s (train: every epoch) */
    double train_h, eval_h;                 /* the larger of compute and read, per phase */
    bool train_read_bound, eval_read_bound;
    double total_h;                         /* train_h + eval_h: device-hours on one device */
    double train_bytes, test_bytes;         /* the data sets as stored */
    int64_t devices;                        /* ceil(total_h / target_hours), at least 1 */
    double wall_h;                          /* total_h / devices (perfect data-parallel scaling) */
    double usd;                             /* total_h x usd_per_hour; 0 when the price is unknown */
} clmlp_scale;

void clmlp_extrapolate(const clmlp_scale_in *in, clmlp_scale *out);

/* The seed's extrapolation: run_seconds x (target_images / seed_images) /
 * (speedup x 3600). The seed wrote 135 s x 1e6 / (10 752 x 3600) = 3.49
 * "seconds"; dividing seconds by 3600 gives hours. */
typedef struct clmlp_seed_arith {
    double run_seconds, scale, speedup;
    double cpu_seconds;  /* run_seconds x scale */
    double tpu_seconds;  /* cpu_seconds / speedup */
    double tpu_hours;    /* tpu_seconds / 3600: the seed's "3.49" */
} clmlp_seed_arith;

void clmlp_seed_arithmetic(double run_seconds, double seed_images, double target_images, double speedup,
                           clmlp_seed_arith *out);

#endif
