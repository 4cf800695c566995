/* The device probe: its record (cache text, the checks before a cached one
 * is trusted, merging), the host-load reading, the cache-aware roofline,
 * and on a real device: `clmlp devices --probe` caching, a damaged cache, and a run whose kernels go above a record that is too low
 * (reported as a probe problem, and measured again by the next run). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../src/probe/host_load.h"
#include "clmlp/probe.h"
#include "clmlp/roofline.h"
#include "harness.h"

static const int64_t NOW = 1795000000; /* a fixed "now" for the pure checks */

/* A plausible record: 300 GFLOP/s, a 3-level ladder, 2 µs launches. */
static void good_record(clmlp_probe *p)
{
    memset(p, 0, sizeof *p);
    p->gemm_square = (clmlp_spread){.best = 300, .median = 250, .min = 200, .max = 300, .n = 7};
    p->gemm_size = 1024;
    p->gemm_tiles = 4;
    snprintf(p->gemm_square_tile, sizeof p->gemm_square_tile, "NT generated TM=6 TN=4 VW=16 WG=1x1");
    static const double bytes[] = {65536, 8388608, 134217728}, gbps[] = {500, 300, 60};
    for (int i = 0; i < 3; i++) {
        p->levels[i].bytes = bytes[i];
        p->levels[i].gbps = (clmlp_spread){.best = gbps[i], .median = gbps[i] - 1, .min = gbps[i] - 2,
                                           .max = gbps[i], .n = 7};
    }
    p->n_levels = 3;
    p->launch = (clmlp_spread){.best = 2, .median = 2.5, .min = 2, .max = 9, .n = 7};
    p->measured_at = NOW - 3600;
    p->seconds = 3.1;
    p->loadavg = 0.4;
    p->foreign_load = 0.02;
    clmlp_probe_update_roofs(p);
}

/* The record's cache text, NUL-terminated (malloc'ed). */
static char *format_record(const clmlp_probe *p, size_t *len)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return NULL;
    CHECK_INT(clmlp_probe_format(f, p), 0);
    long n = ftell(f);
    char *text = malloc((size_t)n + 1);
    rewind(f);
    *len = text && n >= 0 ? fread(text, 1, (size_t)n, f) : 0;
    fclose(f);
    if (text)
        text[*len] = '\0';
    return text;
}

static void spread_of_samples(void)
{
    double v[] = {5, 1, 4, 2, 3};
    clmlp_spread s;
    clmlp_spread_of(v, 5, true, &s);
    CHECK_INT(s.n, 5);
    CHECK_NEAR(s.best, 5, 0);
    CHECK_NEAR(s.median, 3, 0);
    CHECK_NEAR(s.min, 1, 0);
    CHECK_NEAR(s.max, 5, 0);
    double w[] = {4, 1, 3, 2};
    clmlp_spread_of(w, 4, false, &s); /* a cost: best is the lowest; even count: mean of the middle two */
    CHECK_NEAR(s.best, 1, 0);
    CHECK_NEAR(s.median, 2.5, 0);
    clmlp_spread_of(w, 0, true, &s);
    CHECK_INT(s.n, 0);
}

static void record_round_trips(void)
{
    clmlp_probe p, q;
    good_record(&p);
    CHECK_NEAR(p.gemm_gflops, 300, 0);
    CHECK_NEAR(p.copy_gbps, 60, 0); /* the largest working set */
    CHECK_NEAR(p.launch_us, 2, 0);
    size_t len = 0;
    char *text = format_record(&p, &len);
    char why[256] = "";
    CHECK_INT(clmlp_probe_parse(text, len, &q, why, sizeof why), 0);
    CHECK_STR(why, "");
    CHECK_INT(q.measured_at, p.measured_at);
    CHECK_NEAR(q.gemm_gflops, 300, 1e-9);
    CHECK_NEAR(q.gemm_square.median, 250, 1e-9);
    CHECK_STR(q.gemm_square_tile, p.gemm_square_tile);
    CHECK_INT(q.n_levels, 3);
    CHECK_NEAR(q.levels[1].bytes, 8388608, 0);
    CHECK_NEAR(q.levels[1].gbps.best, 300, 1e-9);
    CHECK_NEAR(q.launch.max, 9, 1e-9);
    CHECK_NEAR(q.foreign_load, 0.02, 1e-9);
    CHECK_STR(q.invalid, "");
    free(text);

    /* A run's mark survives the round trip. */
    snprintf(p.invalid, sizeof p.invalid, "gemm_tn ran at 140 %% of its roof in a run");
    text = format_record(&p, &len);
    CHECK_INT(clmlp_probe_parse(text, len, &q, why, sizeof why), 0);
    CHECK_STR(q.invalid, "gemm_tn ran at 140 % of its roof in a run");
    free(text);
}

/* The good record's text with `from` replaced by `to`, parsed: the error. */
static const char *parse_edited(const char *from, const char *to)
{
    static char why[256];
    clmlp_probe p, q;
    good_record(&p);
    size_t len = 0;
    char *text = format_record(&p, &len);
    char edited[4096];
    const char *at = strstr(text, from);
    CHECK(at != NULL);
    size_t off = at ? (size_t)(at - text) : 0;
    if (at)
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)off, text, to, text + off + strlen(from));
    free(text);
    if (!at)
        return "";
    why[0] = '\0';
    if (clmlp_probe_parse(edited, strlen(edited), &q, why, sizeof why) == 0)
        return "accepted";
    return why;
}

static void damaged_records_are_refused(void)
{
    clmlp_probe q;
    char why[256];
    CHECK_INT(clmlp_probe_parse("", 0, &q, why, sizeof why), -1);
    CHECK_STR(why, "line 1: not a 'clmlp probe v4' record");
    CHECK_INT(clmlp_probe_parse("clmlp probe v3\n", 15, &q, why, sizeof why), -1);
    CHECK_CONTAINS(parse_edited("gemm_square 300 ", "gemm_square -300 "), "gemm_square '-300");
    CHECK_CONTAINS(parse_edited("gemm_square 300 ", "gemm_square nan "), "is not a spread of GFLOP/s");
    CHECK_CONTAINS(parse_edited("gemm_square 300 ", "gemm_square 1e300 "), "is not a spread of GFLOP/s");
    /* best must be the highest of a rate, and min <= median <= max */
    CHECK_CONTAINS(parse_edited("gemm_square 300 250", "gemm_square 299 250"), "is not a spread");
    CHECK_CONTAINS(parse_edited("gemm_square 300 250 200", "gemm_square 300 250 260"), "is not a spread");
    CHECK_CONTAINS(parse_edited("level 8388608", "level 1000"), "ascending working set");
    CHECK_CONTAINS(parse_edited("level 65536", "level 1.5"), "not in whole bytes"); /* found by fuzz_probe */
    CHECK_CONTAINS(parse_edited("gemm_size 1024", "gemm_size 1024x"), "gemm_size '1024x' is out of range");
    CHECK_CONTAINS(parse_edited("loadavg", "loadavgs"), "unknown key 'loadavgs'");
    CHECK_CONTAINS(parse_edited("launch_us 2 ", "launch_us 3 "), "is not a spread of microseconds");
    CHECK_CONTAINS(parse_edited("launch_us", "xlaunch_us"), "unknown key 'xlaunch_us'");
    /* a record cut short anywhere is refused */
    clmlp_probe p;
    good_record(&p);
    size_t len = 0;
    char *text = format_record(&p, &len);
    for (size_t cut = 0; cut < len; cut++)
        if (clmlp_probe_parse(text, cut, &q, why, sizeof why) == 0)
            test_fail(__FILE__, __LINE__, "a record cut at %zu of %zu bytes was accepted", cut, len);
    text[20] = '\0'; /* a NUL inside */
    CHECK_INT(clmlp_probe_parse(text, len, &q, why, sizeof why), -1);
    free(text);
}

static void when_a_cached_record_is_measured_again(void)
{
    clmlp_probe p;
    char why[256];
    good_record(&p);
    CHECK(!clmlp_probe_needs_measuring(&p, NOW, why, sizeof why));
    CHECK_STR(why, "");
    p.measured_at = NOW - 31 * 86400;
    CHECK(clmlp_probe_needs_measuring(&p, NOW, why, sizeof why));
    CHECK_STR(why, "it was measured 31 days ago (limit 30)");
    p.measured_at = NOW + 86400;
    CHECK(clmlp_probe_needs_measuring(&p, NOW, why, sizeof why));
    CHECK_CONTAINS(why, "in the future");
    good_record(&p);
    p.foreign_load = 0.9;
    CHECK(clmlp_probe_needs_measuring(&p, NOW, why, sizeof why));
    CHECK_STR(why, "it was taken under load (0.90 cores busy with other work)");
    p.merges = CLMLP_PROBE_MAX_MERGES; /* the best of several loaded measurements: used as it is */
    CHECK(!clmlp_probe_needs_measuring(&p, NOW, why, sizeof why));
    good_record(&p);
    snprintf(p.invalid, sizeof p.invalid, "adam_multi ran at 300 %% of its roof in a run");
    CHECK(clmlp_probe_needs_measuring(&p, NOW, why, sizeof why));
    CHECK_STR(why, "adam_multi ran at 300 % of its roof in a run");
}

static void merging_keeps_the_best_of_each_figure(void)
{
    clmlp_probe a, b;
    good_record(&a);
    good_record(&b);
    b.gemm_square.best = b.gemm_square.max = 350;
    snprintf(b.gemm_square_tile, sizeof b.gemm_square_tile, "NN other");
    b.levels[0].gbps.best = b.levels[0].gbps.max = 100; /* worse */
    b.levels[2].gbps.best = b.levels[2].gbps.max = 70;  /* better */
    b.launch.best = b.launch.min = 1.5;                 /* cheaper */
    a.foreign_load = 0.8;
    clmlp_probe_merge(&a, &b);
    CHECK_NEAR(a.gemm_gflops, 350, 0);
    CHECK_STR(a.gemm_square_tile, "NN other");
    CHECK_NEAR(a.levels[0].gbps.best, 500, 0);
    CHECK_NEAR(a.copy_gbps, 70, 0);
    CHECK_NEAR(a.launch_us, 1.5, 0);
    CHECK_INT(a.merges, 1);
    CHECK_NEAR(a.foreign_load, 0.8, 0); /* the load of the newest measurement stays shown */
}

static void foreign_load_from_proc_stat(void)
{
    long long busy = 0;
    /* user nice system idle iowait irq softirq steal guest guest_nice */
    CHECK(host_parse_proc_stat("cpu  100 5 20 900 7 1 2 30 50 0\ncpu0 ...", &busy));
    CHECK_INT(busy, 100 + 5 + 20 + 1 + 2 + 30);
    CHECK(!host_parse_proc_stat("cpu0 1 2 3 4 5 6 7 8", &busy));
    CHECK(!host_parse_proc_stat("cpu  1 2 x", &busy));
    host_cpu_sample a = {.ok = true, .wall = 10, .busy_s = 100, .own_s = 5};
    host_cpu_sample b = {.ok = true, .wall = 12, .busy_s = 104, .own_s = 8};
    CHECK_NEAR(host_foreign_load(&a, &b), 0.5, 1e-12); /* 4 s busy, 3 of them ours, over 2 s */
    b.own_s = 10;                                      /* more than everyone's: clock granularity */
    CHECK_NEAR(host_foreign_load(&a, &b), 0, 0);
    b.ok = false;
    CHECK_NEAR(host_foreign_load(&a, &b), -1, 0);
    host_cpu_sample now;
    host_cpu_sample_take(&now);
    CHECK(now.wall > 0 && now.own_s >= 0);
}

static void cache_aware_roofline(void)
{
    clmlp_probe p;
    good_record(&p);
    clmlp_roof roof;
    CHECK(clmlp_roof_from_probe(&p, &roof));
    CHECK_NEAR(roof.flops_per_s, 300e9, 1);
    CHECK_NEAR(roof.bytes_per_s, 60e9, 1);
    CHECK_INT(roof.n_levels, 3);
    /* the largest level not above the working set bounds it from above */
    CHECK_NEAR(clmlp_roof_bandwidth(&roof, 1000), 500e9, 1);      /* below every level: the first */
    CHECK_NEAR(clmlp_roof_bandwidth(&roof, 65536), 500e9, 1);
    CHECK_NEAR(clmlp_roof_bandwidth(&roof, 10.9e6), 300e9, 1);    /* Adam's state on the seed MLP */
    CHECK_NEAR(clmlp_roof_bandwidth(&roof, 1e9), 60e9, 1);
    clmlp_roof flat = {.flops_per_s = 1e12, .bytes_per_s = 1e11};
    CHECK_NEAR(clmlp_roof_bandwidth(&flat, 1e3), 1e11, 1);        /* a datasheet model: one bandwidth */

    /* An in-place update moving 19 MB over a 10.9 MB working set: memory bound at 300 GB/s. */
    clmlp_roof_position pos;
    clmlp_roof_place(8e6, 19e6, 10.9e6, 19e6 / 300e9, &roof, &pos);
    CHECK(!pos.compute);
    CHECK_NEAR(pos.pct, 100, 1e-9);
    CHECK(!pos.above);
    clmlp_roof_place(8e6, 19e6, 10.9e6, 19e6 / 300e9 / 1.09, &roof, &pos);
    CHECK(!pos.above); /* within the tolerance */
    clmlp_roof_place(8e6, 19e6, 10.9e6, 19e6 / 300e9 / 1.2, &roof, &pos);
    CHECK(pos.above);
    CHECK_NEAR(pos.pct, 120, 1e-9);
    /* A GEMM: compute bound at 300 GFLOP/s. */
    clmlp_roof_place(62.7e6, 1.6e6, 1.6e6, 62.7e6 / 150e9, &roof, &pos);
    CHECK(pos.compute);
    CHECK_NEAR(pos.pct, 50, 1e-9);
    p.gemm_square.n = 0;
    p.gemm_square.best = 0;
    clmlp_probe_update_roofs(&p);
    CHECK(!clmlp_roof_from_probe(&p, &roof));
}

/* ---- on a device ---- */

/* The probe cache file of the first device (the one a default config picks). */
static bool first_device_cache_path(char *path, size_t cap)
{
    clmlp_device_desc *descs = NULL;
    int count = 0;
    clmlp_err err = {0};
    if (clmlp_devices_enumerate(&descs, &count, &err) < 0 || count == 0) {
        test_fail(__FILE__, __LINE__, "no OpenCL device: %s", err.msg);
        free(descs);
        return false;
    }
    clmlp_probe_cache_path(&descs[0], path, cap);
    free(descs);
    return true;
}

static void private_cache(void)
{
    char cache[1024];
    snprintf(cache, sizeof cache, "%s/cache", test_tmpdir());
    setenv("CLMLP_CACHE_DIR", cache, 1);
}

static void devices_probe_caches_and_measures_a_damaged_record_again(void)
{
    static char out[20000];
    char path[2048];
    private_cache();
    CHECK_INT(test_run_clmlp("devices --force", out, sizeof out), 2);
    CHECK_STR(out, "clmlp: devices: --force goes with --probe (clmlp devices --probe --force)\n");
    CHECK_INT(test_run_clmlp("devices --probe", out, sizeof out), 0);
    CHECK_CONTAINS(out, "GEMM ");
    CHECK_CONTAINS(out, "bandwidth, 64 KiB set");
    CHECK_CONTAINS(out, "; DRAM");
    CHECK_CONTAINS(out, "other work kept");
    CHECK(strstr(out, "(cached)") == NULL);
    CHECK(first_device_cache_path(path, sizeof path));
    size_t len = 0;
    char *text = test_read_file(path, &len);
    clmlp_probe p;
    char why[256];
    CHECK(text != NULL);
    CHECK_INT(text ? clmlp_probe_parse(text, len, &p, why, sizeof why) : -1, 0);
    CHECK(p.gemm_gflops > 0 && p.copy_gbps > 0 && p.launch_us > 0 && p.n_levels >= 2);
    for (int i = 1; i < p.n_levels; i++)
        CHECK(p.levels[i].bytes > p.levels[i - 1].bytes);
    free(text);
    /* the second call reads the cache, unless the first was taken under load */
    bool loaded = clmlp_probe_needs_measuring(&p, (int64_t)time(NULL), why, sizeof why);
    CHECK_INT(test_run_clmlp("devices --probe --json", out, sizeof out), 0);
    if (loaded)
        CHECK_CONTAINS(out, "clmlp: measuring the device's peaks again: the cached record is not usable (it was "
                            "taken under load");
    else
        CHECK_CONTAINS(out, "\"from_cache\": true");
    CHECK_CONTAINS(out, "\"bandwidth\": [");
    CHECK_CONTAINS(out, "\"working_set_bytes\": 65536");
    /* a damaged cache is a warning, and measured again */
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("clmlp probe v4\nmeasured_at 12\ngemm_square 1 1 1 1 1\n", f);
        fclose(f);
    }
    CHECK_INT(test_run_clmlp("devices --probe", out, sizeof out), 0);
    CHECK_CONTAINS(out, "clmlp: warning: probe cache ");
    CHECK_CONTAINS(out, "ignored (incomplete record (no gemm_size)); measuring the device again");
    CHECK(strstr(out, "(cached)") == NULL);
    text = test_read_file(path, &len);
    CHECK_INT(text ? clmlp_probe_parse(text, len, &p, why, sizeof why) : -1, 0);
    free(text);
}

/* A cached record far below the device: every memory-bound kernel of a
 * run lands above it. The run says so, report.md does not print the % as
 * a fact, and the next run measures again. */
static void a_run_above_its_roof_marks_the_probe(void)
{
    static char out[200000];
    char path[2048], args[2048], dir[1100];
    test_mnist_dir();
    private_cache();
    CHECK(first_device_cache_path(path, sizeof path));
    clmlp_probe low;
    good_record(&low);
    low.measured_at = (int64_t)time(NULL) - 60;
    for (int i = 0; i < low.n_levels; i++)
        low.levels[i].gbps = (clmlp_spread){.best = 1e-3, .median = 1e-3, .min = 1e-3, .max = 1e-3, .n = 7};
    clmlp_probe_update_roofs(&low);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    clmlp_probe_format(f, &low);
    fclose(f);

    snprintf(dir, sizeof dir, "%s/run", test_tmpdir());
    snprintf(args, sizeof args, "train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s'", dir);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "of its roof in a run: the device's probed peaks are too low; they will be measured again "
                        "by the next run");
    char file[1300];
    snprintf(file, sizeof file, "%s/report.json", dir);
    char *json = test_read_file(file, NULL);
    CHECK_CONTAINS(json, "\"above_roof\": true");
    CHECK_CONTAINS(json, "\"gemm_plan\": {");      /* the run's own GEMMs were timed */
    CHECK_CONTAINS(json, "\"foreign_load\": ");
    free(json);
    snprintf(file, sizeof file, "%s/report.md", dir);
    char *md = test_read_file(file, NULL);
    CHECK_CONTAINS(md, "over the roof: probe too low");
    CHECK_CONTAINS(md, "| GEMM, the run's shapes |");
    CHECK_CONTAINS(md, "| bandwidth, 64 KiB working set | 0.0 GB/s |");
    free(md);
    size_t len = 0;
    char *text = test_read_file(path, &len);
    clmlp_probe p;
    char why[256];
    CHECK_INT(text ? clmlp_probe_parse(text, len, &p, why, sizeof why) : -1, 0);
    CHECK_CONTAINS(p.invalid, "of its roof in a run");
    free(text);

    /* The next run measures the device again: a new record, above the low one. */
    snprintf(args, sizeof args, "train configs/tiny-mnist.yaml --set training.epochs=1 --out '%s/again'",
             test_tmpdir());
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "clmlp: measuring the device's peaks again: the cached record is not usable (");
    text = test_read_file(path, &len);
    CHECK_INT(text ? clmlp_probe_parse(text, len, &p, why, sizeof why) : -1, 0);
    CHECK(p.measured_at > low.measured_at); /* measured anew (a loaded machine may mark it again) */
    CHECK(p.copy_gbps > 1);
    free(text);
}

const test_case probe_tests[] = {
    {"spread_of_samples", spread_of_samples, false},
    {"record_round_trips", record_round_trips, false},
    {"damaged_records_are_refused", damaged_records_are_refused, false},
    {"when_a_cached_record_is_measured_again", when_a_cached_record_is_measured_again, false},
    {"merging_keeps_the_best_of_each_figure", merging_keeps_the_best_of_each_figure, false},
    {"foreign_load_from_proc_stat", foreign_load_from_proc_stat, false},
    {"cache_aware_roofline", cache_aware_roofline, false},
    {"devices_probe_caches_and_measures_a_damaged_record_again", devices_probe_caches_and_measures_a_damaged_record_again, true},
    {"a_run_above_its_roof_marks_the_probe", a_run_above_its_roof_marks_the_probe, true},
    {NULL, NULL, false},
};
