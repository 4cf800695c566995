/* Device peak probe: a short benchmark of what the selected device can do,
 * so reports can put each kernel next to the device's ceiling (roofline).
 *
 *   gemm_gflops  best SGEMM rate of clmlp's generated kernel on a large
 *                square shape (1024³ on CPUs, 4096³ on GPUs/accelerators),
 *                the fastest tile (the autotuner's full candidate list)
 *                of the NN, TN and NT forms
 *   copy_gbps    device-to-device clEnqueueCopyBuffer, (read + written bytes)/s
 *   launch_us    host-side cost of one small kernel launch, amortised over
 *                a burst of launches (what a step's launch count costs)
 *
 * Results are cached per device (platform, name, version, driver) under
 * clmlp_cache_dir()/probe/, since the figures describe the hardware, not
 * the run; a corrupt cache file is measured again. */
#ifndef CLMLP_PROBE_H
#define CLMLP_PROBE_H

#include "clmlp/device.h"

typedef struct clmlp_probe {
    double gemm_gflops;
    double copy_gbps;
    double launch_us;
    int gemm_size;   /* M = N = K of the GEMM that was timed */
    bool from_cache;
} clmlp_probe;

/* Reads the cache when use_cache, else (or on a miss) measures and stores. */
int clmlp_probe_device(clmlp_device *dev, bool use_cache, clmlp_probe *out, clmlp_err *err);

/* Path of the device's cache file (exists or not). */
void clmlp_probe_cache_path(const clmlp_device_desc *desc, char *out, size_t cap);

#endif
