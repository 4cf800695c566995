/* The two halves of `clmlp bench` (src/cli/bench.c): the GEMM table and
 * the whole-step timings. Both print their part of the report. */
#ifndef CLMLP_CLI_BENCH_H
#define CLMLP_CLI_BENCH_H

#include "clmlp/data.h"
#include "clmlp/tune.h"

/* Per GEMM key shape of the training plan: CLBlast default (timed first:
 * a tuned set applied later cannot be undone), then, interleaved, generated
 * default and tuned, CLBlast's tuned sets (compiler.autotune=full), and
 * OpenBLAS when ob is loaded. */
int clmlp_bench_gemms(clmlp_device *dev, const clmlp_config *cfg, const clmlp_plan *train_plan,
                      const clmlp_openblas *ob, clmlp_err *err);

/* The training step fused and unfused, side by side; evaluation images/s;
 * the projected time of the config's epochs. */
int clmlp_bench_steps(clmlp_device *dev, const clmlp_config *cfg, const clmlp_dataset *train,
                      const clmlp_dataset *test, int input_dim, clmlp_err *err);

#endif
