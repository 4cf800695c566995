/* Deterministic random numbers (xoshiro256** seeded by splitmix64), so that
 * the same config and seed give the same initial weights and batch order on
 * every machine. */
#ifndef CLMLP_RNG_H
#define CLMLP_RNG_H

#include <stdint.h>

typedef struct clmlp_rng {
    uint64_t s[4];
} clmlp_rng;

void clmlp_rng_seed(clmlp_rng *rng, uint64_t seed);
uint64_t clmlp_rng_next(clmlp_rng *rng);
/* Uniform in [0, 1). */
double clmlp_rng_uniform(clmlp_rng *rng);
/* Uniform integer in [0, bound), without modulo bias. */
uint32_t clmlp_rng_below(clmlp_rng *rng, uint32_t bound);
/* Standard normal N(0, 1) (Box-Muller; one draw per call, no cached state). */
double clmlp_rng_normal(clmlp_rng *rng);
/* Fisher-Yates shuffle of perm[0..n). */
void clmlp_rng_shuffle(clmlp_rng *rng, uint32_t *perm, uint32_t n);

#endif
