/* Host memory of this process, as the kernel accounts it (the honest
 * version of the seed's memory-profiler table: resident bytes, not
 * per-line deltas of a sampling profiler). */
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clmlp/profile.h"

size_t clmlp_host_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0; /* not Linux: report 0 rather than fail a run */
    unsigned long size = 0, resident = 0;
    int got = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return got == 2 && page > 0 ? (size_t)resident * (size_t)page : 0;
}

size_t clmlp_host_peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (size_t)ru.ru_maxrss * 1024; /* Linux reports KiB */
}

bool clmlp_host_peak_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool ok = fputs("5", f) >= 0; /* 5: reset the peak resident set size */
    return fclose(f) == 0 && ok;
}

/* getrusage's ru_maxrss cannot serve here: the kernel folds in the peak at
 * each thread's exit, which no reset undoes. */
size_t clmlp_host_hwm_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    unsigned long kib = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lu kB", &kib) == 1)
            break;
    fclose(f);
    return (size_t)kib * 1024;
}
