/* Spreads over a comparison's rounds; see compare.h. A speedup is a claim
 * only when every round agrees on its direction, so a device is compared
 * round by round (paired ratios), not median against median. */
#include "clmlp/compare.h"

/* The probe's spread helper sorts in place; the rounds keep their order. */
void clmlp_compare_spread(const double *v, int n, clmlp_spread *out)
{
    double sorted[CLMLP_COMPARE_MAX_ROUNDS];
    if (n > CLMLP_COMPARE_MAX_ROUNDS)
        n = CLMLP_COMPARE_MAX_ROUNDS;
    for (int i = 0; i < n; i++)
        sorted[i] = v[i];
    clmlp_spread_of(sorted, n, true, out);
}

void clmlp_compare_ratios(const double *num, const double *den, int n, clmlp_spread *out)
{
    double ratio[CLMLP_COMPARE_MAX_ROUNDS];
    if (n > CLMLP_COMPARE_MAX_ROUNDS)
        n = CLMLP_COMPARE_MAX_ROUNDS;
    for (int r = 0; r < n; r++)
        ratio[r] = den[r] > 0 ? num[r] / den[r] : 0;
    clmlp_spread_of(ratio, n, true, out);
}

bool clmlp_compare_distinguishable(const clmlp_spread *ratios)
{
    return ratios->n >= 2 && (ratios->min > 1.0 || ratios->max < 1.0);
}

/* Rounds before `round` in the order (time, then round index). */
static int rank_of(const double *times, int have, int round)
{
    int rank = 0;
    for (int r = 0; r < have; r++)
        rank += times[r] < times[round] || (times[r] == times[round] && r < round);
    return rank;
}

int clmlp_compare_median_round(const double *times, int n)
{
    for (int r = 0; r < n; r++)
        if (rank_of(times, n, r) == (n - 1) / 2)
            return r;
    return 0;
}

bool clmlp_compare_may_be_median(const double *times, int have, int total, int round)
{
    int rank = rank_of(times, have, round), want = (total - 1) / 2;
    return rank <= want && rank + (total - have) >= want;
}
