/* Foreign CPU load during a measurement; see host_load.h. */
#include "host_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clmlp/common.h"

bool host_parse_proc_stat(const char *text, long long *busy_ticks)
{
    /* cpu  user nice system idle iowait irq softirq steal [guest guest_nice] */
    if (strncmp(text, "cpu ", 4) != 0)
        return false;
    long long v[8];
    const char *p = text + 4;
    for (int i = 0; i < 8; i++) {
        char *end;
        v[i] = strtoll(p, &end, 10);
        if (end == p || v[i] < 0)
            return false;
        p = end;
    }
    /* guest time is already inside user; idle and iowait are not busy */
    *busy_ticks = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return true;
}

void host_cpu_sample_take(host_cpu_sample *s)
{
    memset(s, 0, sizeof *s);
    s->wall = clmlp_now();
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        s->own_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                   ru.ru_stime.tv_usec * 1e-6;
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return;
    char line[512];
    long long busy;
    long hz = sysconf(_SC_CLK_TCK);
    if (fgets(line, sizeof line, f) && hz > 0 && host_parse_proc_stat(line, &busy)) {
        s->busy_s = (double)busy / (double)hz;
        s->ok = true;
    }
    fclose(f);
}

double host_foreign_load(const host_cpu_sample *a, const host_cpu_sample *b)
{
    double wall = b->wall - a->wall;
    if (!a->ok || !b->ok || wall <= 0)
        return -1;
    double foreign = (b->busy_s - a->busy_s) - (b->own_s - a->own_s);
    return foreign > 0 ? foreign / wall : 0;
}
