/* How busy the host was with other work while the probe measured: CPU time
 * of every process (and the hypervisor's steal) from /proc/stat, less this
 * process's own (getrusage), per second of wall time. A probe taken while
 * other work held cores is no ceiling. */
#ifndef CLMLP_PROBE_HOST_LOAD_H
#define CLMLP_PROBE_HOST_LOAD_H

#include <stdbool.h>

typedef struct host_cpu_sample {
    bool ok;            /* /proc/stat was readable */
    double wall;        /* clmlp_now() */
    double busy_s;      /* all CPUs' non-idle time, steal included, seconds */
    double own_s;       /* this process's user + system time, seconds */
} host_cpu_sample;

void host_cpu_sample_take(host_cpu_sample *s);
/* Cores kept busy by other work between a and b; -1 when unknown. */
double host_foreign_load(const host_cpu_sample *a, const host_cpu_sample *b);
/* Pure: the non-idle ticks of /proc/stat's first ("cpu ") line; false if it is not one. */
bool host_parse_proc_stat(const char *text, long long *busy_ticks);

#endif
