/* Formatting for the compare/extrapolate reports (private to src/compare):
 * every figure with its unit, scaled to be readable. */
#ifndef CLMLP_COMPARE_FORMAT_H
#define CLMLP_COMPARE_FORMAT_H

#include <stddef.h>

#include "clmlp/compare.h"

/* Seconds as "850 ns", "20.1 µs", "1.23 ms", "4.56 s", "12.0 min". */
const char *fmt_seconds(double s, char *buf, size_t cap);
/* Hours as "3.49 h", "6 700 h (279 days)", "1.2e6 h (137 years)". */
const char *fmt_hours(double h, char *buf, size_t cap);
/* Bytes as "11.6 MiB", "47.1 TB (42.8 TiB)" (SI from 1 TB up, binary below). */
const char *fmt_bytes(double b, char *buf, size_t cap);
/* A count with thin groups: "60 000", "60 000 000 000"; non-integers "%.3g". */
const char *fmt_count(double n, char *buf, size_t cap);
/* A factor: "0.59×", "1.59×", "14.5×", "10 752×", "1.3e+06×"; whole numbers as such ("14×", "768×"). */
const char *fmt_factor(double f, char *buf, size_t cap);
/* A spread of ratios: "1.55× (1.50–1.60×)"; a single value "1.55×". */
const char *fmt_factor_spread(const clmlp_spread *s, char *buf, size_t cap);
/* The devices flagged for short rounds: "50 ms for #0 `name=pthread`, 3.5 ms
 * for #1 `name=basic`" (each one's median training time per round); the
 * count, 0 = none (buf ""). */
int fmt_short_rounds(const clmlp_compare *c, char *buf, size_t cap);
/* Dollars: "$0.12", "$12.29", "$777", "$1 234 567". */
const char *fmt_usd(double usd, char *buf, size_t cap);

#endif
