/* See format.h. */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *fmt_seconds(double s, char *buf, size_t cap)
{
    if (s < 0 && cap > 1) { /* a fitted law's intercept can be negative */
        buf[0] = '-';
        fmt_seconds(-s, buf + 1, cap - 1);
        return buf;
    }
    if (s < 1e-6)
        snprintf(buf, cap, "%.0f ns", s * 1e9);
    else if (s < 1e-3)
        snprintf(buf, cap, "%.3g µs", s * 1e6);
    else if (s < 1)
        snprintf(buf, cap, "%.3g ms", s * 1e3);
    else if (s < 120)
        snprintf(buf, cap, "%.3g s", s);
    else
        snprintf(buf, cap, "%.3g min", s / 60);
    return buf;
}

const char *fmt_count(double n, char *buf, size_t cap)
{
    if (n != floor(n) || fabs(n) >= 1e18) {
        snprintf(buf, cap, "%.3g", n);
        return buf;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(n));
    size_t len = strlen(digits), o = 0;
    if (n < 0 && o + 1 < cap)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && len > 4)
            buf[o++] = ' ';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *fmt_hours(double h, char *buf, size_t cap)
{
    char n[48];
    if (h < 1)
        return fmt_seconds(h * 3600, buf, cap);
    if (h < 100)
        snprintf(buf, cap, "%.3g h", h);
    else if (h < 1e7)
        snprintf(buf, cap, "%s h", fmt_count(round(h), n, sizeof n));
    else
        snprintf(buf, cap, "%.3g h", h);
    size_t len = strlen(buf);
    if (h >= 24 * 365)
        snprintf(buf + len, cap - len, " (%.3g years)", h / (24 * 365.25));
    else if (h >= 48)
        snprintf(buf + len, cap - len, " (%.3g days)", h / 24);
    return buf;
}

const char *fmt_bytes(double b, char *buf, size_t cap)
{
    static const char *const binary[] = {"B", "KiB", "MiB", "GiB"};
    if (b >= 1e12) {
        const char *si = b >= 1e15 ? "PB" : "TB", *bin = b >= 1e15 ? "PiB" : "TiB";
        double div = b >= 1e15 ? 1e15 : 1e12, bdiv = b >= 1e15 ? 1125899906842624.0 : 1099511627776.0;
        snprintf(buf, cap, "%.3g %s (%.3g %s)", b / div, si, b / bdiv, bin);
        return buf;
    }
    int u = 0;
    while (b >= 1024 && u < 3) {
        b /= 1024;
        u++;
    }
    snprintf(buf, cap, u ? "%.3g %s" : "%.0f %s", b, binary[u]);
    return buf;
}

const char *fmt_factor(double f, char *buf, size_t cap)
{
    char n[48];
    if (f >= 1e6)
        snprintf(buf, cap, "%.3g×", f);
    else if (f >= 100 || (f >= 1 && f == floor(f)))
        snprintf(buf, cap, "%s×", fmt_count(round(f), n, sizeof n));
    else if (f >= 10)
        snprintf(buf, cap, "%.1f×", f);
    else if (f >= 0.1)
        snprintf(buf, cap, "%.2f×", f);
    else
        snprintf(buf, cap, "%.2g×", f);
    return buf;
}

const char *fmt_factor_spread(const clmlp_spread *s, char *buf, size_t cap)
{
    char m[48], lo[48], hi[48];
    fmt_factor(s->median, m, sizeof m);
    if (s->n < 2)
        snprintf(buf, cap, "%s", m);
    else
        snprintf(buf, cap, "%s (%.*s–%s)", m, (int)strcspn(fmt_factor(s->min, lo, sizeof lo), "×"), lo,
                 fmt_factor(s->max, hi, sizeof hi));
    return buf;
}

int fmt_short_rounds(const clmlp_compare *c, char *buf, size_t cap)
{
    int n = 0;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < c->n_runs && used < cap; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        char t[48];
        if (!r->short_rounds)
            continue;
        used += (size_t)snprintf(buf + used, cap - used, "%s%s for #%d `%s`", n ? ", " : "",
                                 fmt_seconds(r->round_s.median, t, sizeof t), i, r->spec);
        n++;
    }
    return n;
}

const char *fmt_usd(double usd, char *buf, size_t cap)
{
    char n[48];
    if (usd < 100)
        snprintf(buf, cap, "$%.2f", usd);
    else if (usd < 1e15)
        snprintf(buf, cap, "$%s", fmt_count(round(usd), n, sizeof n));
    else
        snprintf(buf, cap, "$%.3g", usd);
    return buf;
}
