#include "clmlp/rng.h"
#include "harness.h"

static void same_seed_same_stream(void)
{
    clmlp_rng a, b;
    clmlp_rng_seed(&a, 42);
    clmlp_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++)
        CHECK(clmlp_rng_next(&a) == clmlp_rng_next(&b));
    clmlp_rng_seed(&b, 43);
    CHECK(clmlp_rng_next(&a) != clmlp_rng_next(&b));
}

static void normal_has_unit_moments(void)
{
    clmlp_rng r;
    clmlp_rng_seed(&r, 7);
    double sum = 0, sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double x = clmlp_rng_normal(&r);
        sum += x;
        sq += x * x;
    }
    CHECK_NEAR(sum / n, 0.0, 0.01);
    CHECK_NEAR(sq / n, 1.0, 0.02);
}

static void shuffle_is_a_permutation(void)
{
    clmlp_rng r;
    clmlp_rng_seed(&r, 1);
    uint32_t perm[1000];
    int seen[1000] = {0};
    for (uint32_t i = 0; i < 1000; i++)
        perm[i] = i;
    clmlp_rng_shuffle(&r, perm, 1000);
    int moved = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        seen[perm[i]]++;
        moved += perm[i] != i;
    }
    for (int i = 0; i < 1000; i++)
        CHECK_INT(seen[i], 1);
    CHECK(moved > 900);
}

static void below_stays_in_range(void)
{
    clmlp_rng r;
    clmlp_rng_seed(&r, 3);
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint32_t v = clmlp_rng_below(&r, 7);
        CHECK(v < 7);
        if (v < 7)
            counts[v]++;
    }
    for (int i = 0; i < 7; i++)
        CHECK(counts[i] > 9000 && counts[i] < 11000);
}

const test_case rng_tests[] = {
    {"same_seed_same_stream", same_seed_same_stream, false},
    {"normal_has_unit_moments", normal_has_unit_moments, false},
    {"shuffle_is_a_permutation", shuffle_is_a_permutation, false},
    {"below_stays_in_range", below_stays_in_range, false},
    {NULL, NULL, false},
};
