/* Extrapolation: measured (or modeled) per-image costs scaled to a large
 * data set, N_train training images for E epochs and N_test test images,
 * with the time to read the data from storage beside the compute time, the
 * data's size, the cost and the devices needed to finish in a target time.
 * And the seed's own arithmetic, with its units put right. And the same
 * device count when data-parallel training pays a gradient all-reduce per
 * step over an interconnect (allreduce.c). Pure functions.
 *
 * Units: seconds per image, hours, bytes, bytes/s, USD. */
#ifndef CLMLP_EXTRAPOLATE_H
#define CLMLP_EXTRAPOLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "clmlp/config.h"

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

/* ---- communication: the gradient all-reduce of data-parallel training (allreduce.c) ----
 *
 * N devices each compute the gradients of 1/N of every global batch, then
 * all-reduce the gradient region (every parameter as float32) once per
 * step. A ring all-reduce of `bytes` over N devices takes
 *     t(N) = 2(N-1)/N x bytes / bandwidth + 2(N-1) x latency,   t(1) = 0
 * (a reduce-scatter and an all-gather, N-1 steps each, each step moving
 * bytes/N per device). Evaluation needs none: it scales perfectly. */

#define CLMLP_COMM_MAX_DEVICES 10000000 /* the device-count search stops here */
#define CLMLP_COMM_SATURATION 0.5       /* "stops scaling": a step's efficiency below this */

typedef struct clmlp_link {
    char name[24];       /* nvlink, infiniband, ethernet, custom, none, measured, measured-fastest */
    bool measured;       /* fitted to an MPI run's all-reduce; false = modeled (nominal figures) */
    double bytes_per_s;  /* per direction, per device; 0 = no communication (perfect scaling) */
    double latency_s;    /* per ring step */
} clmlp_link;

/* The nominal link of nvlink, infiniband, ethernet or none; false for the
 * others (auto, measured, custom). */
bool clmlp_link_preset(clmlp_interconnect which, clmlp_link *out);
/* A link from the user's figures: GB/s (1e9 B/s) per direction and µs. */
void clmlp_link_custom(double gbps, double latency_us, clmlp_link *out);
/* The effective bandwidth of a measured all-reduce: `ranks` (2+) devices
 * all-reduced `bytes` in `seconds`, solved from the ring formula with its
 * latency term taken as 0 (the latency is folded into the bandwidth, which
 * is then right at that size and rank count only). False when a figure is
 * missing (ranks < 2, bytes or seconds not > 0). */
bool clmlp_link_fit(int ranks, double bytes, double seconds, const char *name, clmlp_link *out);

/* t(N) above; 0 for N <= 1 or a link without communication. */
double clmlp_allreduce_seconds(const clmlp_link *l, double n, double bytes);

typedef struct clmlp_comm_in {
    double step_s;       /* one global step on one device: compute, or reading when that bounds */
    double steps;        /* global steps of training: N_train x E / global batch */
    double eval_h;       /* evaluation on one device (no all-reduce) */
    double bytes;        /* all-reduced per step: the gradient region */
    double target_hours;
} clmlp_comm_in;

typedef struct clmlp_comm_scale {
    bool reachable;             /* some N <= CLMLP_COMM_MAX_DEVICES finishes within target_hours */
    int64_t devices;            /* the least such N; unreachable: fastest_devices */
    double wall_h;              /* at `devices` */
    double allreduce_s;         /* one all-reduce at `devices` */
    double allreduce_share;     /* of a step at `devices`: t(N) / (step_s / N + t(N)) */
    int64_t fastest_devices;    /* N of the least wall time (beyond it the all-reduce grows faster than compute shrinks) */
    double fastest_wall_h;
    int64_t saturation_devices; /* least N whose step efficiency (step_s/N over step_s/N + t(N)) is below
                                 * CLMLP_COMM_SATURATION; 0 = none up to CLMLP_COMM_MAX_DEVICES */
} clmlp_comm_scale;

/* What the perfect-scaling extrapolation gives the communication model: a
 * global step is global_batch images of train_h (compute or reading). */
void clmlp_comm_input(const clmlp_scale_in *in, const clmlp_scale *out, double global_batch, double bytes,
                      clmlp_comm_in *comm);
/* Wall hours on n devices: steps x (step_s / n + t(n)) + eval_h / n. */
double clmlp_comm_wall_hours(const clmlp_link *l, const clmlp_comm_in *in, double n);
/* The device count for target_hours, where scaling saturates, the fastest N. */
void clmlp_comm_extrapolate(const clmlp_link *l, const clmlp_comm_in *in, clmlp_comm_scale *out);

#endif
