/* The extrapolation with communication: the ring all-reduce, the link
 * presets and the fit to a measured all-reduce, the device count a target
 * needs when every step pays one, and where scaling stops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clmlp/compare.h"
#include "clmlp/extrapolate.h"
#include "clmlp/json_parse.h"
#include "harness.h"

/* ---- the ring all-reduce ---- */

static void ring_allreduce_by_hand(void)
{
    clmlp_link l;
    clmlp_link_custom(10, 5, &l); /* 10 GB/s, 5 µs */
    CHECK_NEAR(l.bytes_per_s, 1e10, 0);
    CHECK_NEAR(l.latency_s, 5e-6, 1e-18);
    CHECK_NEAR(clmlp_allreduce_seconds(&l, 1, 1e8), 0, 0);
    /* N = 2: 2 x 1/2 x 1e8 B / 1e10 B/s + 2 x 1 x 5 µs = 10 ms + 10 µs */
    CHECK_NEAR(clmlp_allreduce_seconds(&l, 2, 1e8), 0.01001, 1e-12);
    /* N = 8: 2 x 7/8 x 1e8 / 1e10 + 2 x 7 x 5 µs = 17.5 ms + 70 µs */
    CHECK_NEAR(clmlp_allreduce_seconds(&l, 8, 1e8), 0.01757, 1e-12);
    /* no communication: perfect scaling */
    clmlp_link none;
    CHECK(clmlp_link_preset(CLMLP_LINK_NONE, &none));
    CHECK_NEAR(clmlp_allreduce_seconds(&none, 8, 1e8), 0, 0);
}

static void presets_are_the_stated_figures(void)
{
    static const struct {
        clmlp_interconnect which;
        const char *name;
        double bytes_per_s, latency_s;
    } want[] = {
        {CLMLP_LINK_NVLINK, "nvlink", 450e9, 3e-6},
        {CLMLP_LINK_INFINIBAND, "infiniband", 50e9, 2e-6},
        {CLMLP_LINK_ETHERNET, "ethernet", 12.5e9, 20e-6},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        clmlp_link l;
        CHECK(clmlp_link_preset(want[i].which, &l));
        CHECK_STR(l.name, want[i].name);
        CHECK(!l.measured);
        CHECK_NEAR(l.bytes_per_s, want[i].bytes_per_s, 1e-3);
        CHECK_NEAR(l.latency_s, want[i].latency_s, 1e-15);
    }
    /* the seed MLP's 2.72 MB on 8 NVLink GPUs: 2 x 7/8 x 2.72e6 / 450e9 + 14 x 3 µs */
    clmlp_link nv;
    clmlp_link_preset(CLMLP_LINK_NVLINK, &nv);
    CHECK_NEAR(clmlp_allreduce_seconds(&nv, 8, 2.72e6), 1.75 * 2.72e6 / 450e9 + 42e-6, 1e-12);
    /* these are not presets */
    clmlp_link l;
    CHECK(!clmlp_link_preset(CLMLP_LINK_AUTO, &l));
    CHECK(!clmlp_link_preset(CLMLP_LINK_MEASURED, &l));
    CHECK(!clmlp_link_preset(CLMLP_LINK_CUSTOM, &l));
}

static void measured_link_fit(void)
{
    clmlp_link l;
    /* 4 ranks all-reduced 3 MB in 1 ms: B = 2 x 3/4 x 3e6 / 1e-3 = 4.5 GB/s, latency folded in */
    CHECK(clmlp_link_fit(4, 3e6, 1e-3, "measured", &l));
    CHECK(l.measured);
    CHECK_STR(l.name, "measured");
    CHECK_NEAR(l.bytes_per_s, 4.5e9, 1e-3);
    CHECK_NEAR(l.latency_s, 0, 0);
    /* the model gives the measurement back at its own size and rank count */
    CHECK_NEAR(clmlp_allreduce_seconds(&l, 4, 3e6), 1e-3, 1e-15);
    /* ... and predicts other N: 2 x 15/16 x 3e6 / 4.5e9 */
    CHECK_NEAR(clmlp_allreduce_seconds(&l, 16, 3e6), 1.25e-3, 1e-15);
    /* nothing to fit */
    CHECK(!clmlp_link_fit(1, 3e6, 1e-3, "measured", &l));
    CHECK(!clmlp_link_fit(2, 0, 1e-3, "measured", &l));
    CHECK(!clmlp_link_fit(2, 3e6, 0, "measured", &l));
    CHECK(!clmlp_link_fit(2, 3e6, NAN, "measured", &l));
}

/* ---- devices for a target ---- */

/* 1e5 steps of 0.1 s on one device (2.78 h), 10 MB all-reduced over 10 GB/s
 * and 1 µs: t(N) = 2(N-1)/N x 1 ms + 2(N-1) x 1 µs. */
static clmlp_comm_in example(double target_hours)
{
    return (clmlp_comm_in){.step_s = 0.1, .steps = 1e5, .eval_h = 0, .bytes = 1e7, .target_hours = target_hours};
}

static void devices_with_communication_by_hand(void)
{
    clmlp_link l;
    clmlp_link_custom(10, 1, &l);
    clmlp_comm_in in = example(0.5); /* 1 800 s; perfect scaling: ceil(2.78 / 0.5) = 6 */
    clmlp_comm_scale o;
    clmlp_comm_extrapolate(&l, &in, &o);
    /* N = 6: 1e5 x (0.1/6 + 5/3 ms + 10 µs) = 1 834.3 s > 1 800; N = 7: 1 601.2 s */
    CHECK_NEAR(clmlp_comm_wall_hours(&l, &in, 6) * 3600, 1e5 * (0.1 / 6 + 2 * 5.0 / 6 * 1e-3 + 10e-6), 1e-6);
    CHECK(o.reachable);
    CHECK_INT(o.devices, 7);
    CHECK_NEAR(o.wall_h * 3600, 1e5 * (0.1 / 7 + 2 * 6.0 / 7 * 1e-3 + 12e-6), 1e-6);
    CHECK_NEAR(o.allreduce_s, 2 * 6.0 / 7 * 1e-3 + 12e-6, 1e-15);
    CHECK_NEAR(o.allreduce_share, o.allreduce_s / (0.1 / 7 + o.allreduce_s), 1e-12);
    /* efficiency < 50 % once N x t(N) > 0.1 s: N = 48 gives 0.0985, N = 49 0.1007 */
    CHECK_INT(o.saturation_devices, 49);
    /* wall = 1e5 x (0.098/N + 2 µs N + const): least at N = 221 (sqrt(49 000) = 221.4) */
    CHECK_INT(o.fastest_devices, 221);
    CHECK_NEAR(o.fastest_wall_h * 3600, 1e5 * (0.098 / 221 + 2e-6 * 221 + 2e-3 - 2e-6), 1e-6);
}

static void devices_without_communication_are_perfect_scaling(void)
{
    /* the inputs of compare/extrapolation_units: 140 devices for 24 h */
    clmlp_scale_in in = {.train_s_per_image = 10e-6, .eval_s_per_image = 2e-6, .train_images = 60e9,
                         .test_images = 10e9, .epochs = 20, .bytes_per_image = 785, .read_bytes_per_s = 2e9,
                         .target_hours = 24};
    clmlp_scale s;
    clmlp_extrapolate(&in, &s);
    clmlp_comm_in comm;
    clmlp_comm_input(&in, &s, 100, 2.72e6, &comm);
    CHECK_NEAR(comm.steps, 1.2e10, 0);
    CHECK_NEAR(comm.step_s, 1e-3, 1e-15); /* 100 images x 10 µs */
    CHECK_NEAR(comm.eval_h, s.eval_h, 0);
    clmlp_link none;
    clmlp_link_preset(CLMLP_LINK_NONE, &none);
    clmlp_comm_scale o;
    clmlp_comm_extrapolate(&none, &comm, &o);
    CHECK(o.reachable);
    CHECK_INT(o.devices, s.devices);
    CHECK_NEAR(o.wall_h, s.wall_h, 1e-9);
    CHECK_INT(o.saturation_devices, 0); /* never */
    CHECK_NEAR(o.allreduce_share, 0, 0);
}

/* More target time never needs more devices; a slower link or a bigger
 * message never fewer; communication never fewer than perfect scaling. */
static void device_count_is_monotone(void)
{
    clmlp_link l;
    clmlp_link_custom(10, 1, &l);
    int64_t last = INT64_MAX;
    for (double target = 0.1; target < 3; target *= 1.1) {
        clmlp_comm_in in = example(target);
        clmlp_comm_scale o;
        clmlp_comm_extrapolate(&l, &in, &o);
        CHECK(o.reachable);
        CHECK(o.devices <= last);
        CHECK(o.devices >= (int64_t)ceil(in.step_s * in.steps / 3600 / target - 1e-9));
        CHECK(o.wall_h <= target);
        if (o.devices > 1)
            CHECK(clmlp_comm_wall_hours(&l, &in, (double)o.devices - 1) > target); /* the least */
        last = o.devices;
    }
    last = 0;
    for (double gbps = 1000; gbps > 20; gbps /= 1.5) {
        clmlp_link slow;
        clmlp_link_custom(gbps, 1, &slow);
        clmlp_comm_in in = example(0.5);
        clmlp_comm_scale o;
        clmlp_comm_extrapolate(&slow, &in, &o);
        CHECK(o.reachable);
        CHECK(o.devices >= last);
        last = o.devices;
    }
    /* efficiency falls with N: the share of the all-reduce rises */
    clmlp_comm_in in = example(0.5);
    double share = -1;
    for (double n = 1; n < 1e6; n *= 3) {
        double t = clmlp_allreduce_seconds(&l, n, in.bytes);
        double s = t / (in.step_s / n + t);
        CHECK(s >= share);
        share = s;
    }
}

static void unreachable_targets(void)
{
    clmlp_link l;
    clmlp_link_custom(10, 1, &l);
    /* the least wall time is 288.3 s at N = 221: 0.05 h (180 s) cannot be met */
    clmlp_comm_in in = example(0.05);
    clmlp_comm_scale o;
    clmlp_comm_extrapolate(&l, &in, &o);
    CHECK(!o.reachable);
    CHECK_INT(o.devices, 221);
    CHECK_INT(o.fastest_devices, 221);
    CHECK_NEAR(o.wall_h * 3600, 288.3439, 1e-3);
    CHECK(o.wall_h > in.target_hours);
    /* without latency the all-reduce tends to 2 x bytes / bandwidth = 2 ms a step, 200 s
     * over 1e5 steps: a target below that is out of reach at any N */
    clmlp_link bw_only;
    CHECK(clmlp_link_fit(2, 1e7, 1e-3, "measured", &bw_only)); /* 2 x 1/2 x 1e7 / 1e-3 = 10 GB/s */
    in = example(180.0 / 3600);
    clmlp_comm_extrapolate(&bw_only, &in, &o);
    CHECK(!o.reachable);
    CHECK_INT(o.fastest_devices, CLMLP_COMM_MAX_DEVICES); /* the search's end */
    CHECK(o.wall_h * 3600 > 200);
    /* above it, reachable: 1e5 x (0.098/N + 2 ms) <= 250 s from N = 196 */
    in = example(250.0 / 3600);
    clmlp_comm_extrapolate(&bw_only, &in, &o);
    CHECK(o.reachable);
    CHECK_INT(o.devices, 196);
}


/* ---- an MPI run's report.json ---- */

/* The "mpi" object of a 2-rank run of tiny-mnist (784-64-10, 50 890
 * parameters): 1 200 steps of the global batch 100, each all-reducing
 * 203 560 B in 1 ms (median; 0.8 ms the fastest). Rank 0 trained 12 s with
 * 1.2 s of all-reduce, rank 1 12 s with 1.5 s: the slowest shard computed
 * 10.8 s, so one device needs 10.8 s x 2 / 120 000 images = 180 µs each. */
static const char *const mpi_block =
    "{\"ranks\": 2, \"global_batch\": 100,\n"
    "  \"allreduce\": {\"bytes_per_step\": 203560, \"steps\": 1200, \"seconds_total\": 1.2,\n"
    "    \"seconds_per_step_median\": 0.001, \"seconds_per_step_min\": 0.0008, \"seconds_per_step_max\": 0.004,\n"
    "    \"share_of_train\": 0.1},\n"
    "  \"per_rank\": [{\"rank\": 0, \"device\": \"dev\", \"platform\": \"p\", \"train_seconds\": 12.0, "
    "\"allreduce_seconds\": 1.2},\n"
    "    {\"rank\": 1, \"device\": \"dev\", \"platform\": \"p\", \"train_seconds\": 12.0, \"allreduce_seconds\": 1.5}]}";

/* <dir>/report.json of a finished tiny-mnist run whose "mpi" key is
 * mpi_json (JSON text), or has no "mpi" key when it is NULL. */
static const char *write_mpi_report(const char *dir, const char *mpi_json)
{
    static char path[4096];
    char text[8192];
    snprintf(text, sizeof text,
             "{\"clmlp_report_version\": \"1\", \"name\": \"mpi\", \"status\": \"ok\",\n"
             " \"device\": {\"name\": \"dev\", \"type\": \"cpu\", \"platform\": \"p\", \"compute_units\": 2, "
             "\"probe\": null},\n"
             " \"config\": {\"layers\": [784, 64, 10], \"activation\": \"relu\", \"optimizer\": \"adam\", "
             "\"lr\": 0.001, \"batch_size\": 100, \"epochs\": 1},\n"
             " \"data\": {\"train_examples\": 120000, \"test_examples\": 1000, \"steps_per_epoch\": 1200},\n"
             " \"plan\": {\"launches_per_step\": 10, \"flops_per_step\": 2.1e7, \"bytes_per_step\": 1e6},\n"
             " \"train\": {\"seconds\": 12.0, \"images_per_second\": 10000, \"epochs\": [{\"epoch\": 1, \"loss\": 0.7, "
             "\"seconds\": 12.0}]},\n"
             " \"eval\": {\"accuracy\": 0.9, \"examples\": 1000, \"seconds\": 0.1, \"images_per_second\": 1e4},\n"
             " \"memory\": {\"host_peak_bytes\": 1e8}, \"phases\": [], \"profile\": {\"enabled\": true},\n"
             " \"kernels\": []%s%s}\n",
             mpi_json ? ",\n \"mpi\": " : "", mpi_json ? mpi_json : "");
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/report.json", dir);
    test_write_text(path, text);
    return path;
}

static int load_tiny(clmlp_config *cfg, const char *const *sets, int n_sets)
{
    char path[1200];
    clmlp_err err = {0};
    snprintf(path, sizeof path, "%s/configs/tiny-mnist.yaml", test_source_root());
    int rc = clmlp_config_load(path, sets, n_sets, cfg, &err);
    CHECK_STR(err.msg, "");
    return rc;
}

static int find_link(const clmlp_compare *c, const char *name)
{
    for (int i = 0; i < c->comm.n_links; i++)
        if (strcmp(c->comm.links[i].name, name) == 0)
            return i;
    return -1;
}

static void mpi_report_gives_the_measured_link(void)
{
    static clmlp_compare c;
    clmlp_config cfg;
    clmlp_err err = {0};
    CHECK_INT(load_tiny(&cfg, NULL, 0), 0);
    const char *path = write_mpi_report(test_tmpdir(), mpi_block);
    CHECK_INT(clmlp_compare_from_report(&cfg, path, &c, &err), 0);
    CHECK_STR(err.msg, "");
    const clmlp_mpi_measure *m = &c.runs[0].mpi;
    CHECK_INT(m->ranks, 2);
    CHECK_NEAR(m->bytes_per_step, 203560, 0);
    CHECK_NEAR(m->seconds_per_step_median, 0.001, 0);
    CHECK_NEAR(m->rank_compute_s, 10.8, 1e-12);
    CHECK_NEAR(m->device_train_s_per_image, 180e-6, 1e-15);
    /* the rows extrapolate one device, not the two ranks' wall time (100 µs) */
    CHECK_NEAR(c.runs[0].run_train_s_per_image, 100e-6, 1e-15);
    CHECK_NEAR(c.rows[0].in.train_s_per_image, 180e-6, 1e-15);
    /* the seed arithmetic of the rows: 100 images x 180 µs per step, 60e9 x 20 / 100 steps */
    CHECK_NEAR(c.rows[0].comm_in.step_s, 18e-3, 1e-12);
    CHECK_NEAR(c.rows[0].comm_in.steps, 1.2e10, 0);
    CHECK_NEAR(c.comm.parameters, 50890, 0);
    CHECK(c.comm.gradient_bytes >= 50890 * 4.0);
    /* auto chooses the measured link: B = 2 x 1/2 x 203 560 / 1 ms; from the fastest step / 0.8 ms */
    CHECK_INT(c.comm.mpi_run, 0);
    CHECK(c.comm.link >= 0);
    int med = find_link(&c, "measured"), fast = find_link(&c, "measured-fastest");
    CHECK(med >= 0 && fast >= 0);
    if (c.comm.link < 0 || med < 0 || fast < 0) {
        clmlp_compare_free(&c);
        return;
    }
    CHECK_INT(c.comm.link, med);
    CHECK(c.comm.links[med].measured && c.comm.links[fast].measured);
    CHECK_NEAR(c.comm.links[med].bytes_per_s, 203560 / 1e-3, 1e-3);
    CHECK_NEAR(c.comm.links[fast].bytes_per_s, 203560 / 0.8e-3, 1e-3);
    CHECK(find_link(&c, "nvlink") >= 0 && !c.comm.links[find_link(&c, "nvlink")].measured);
    /* each row's figures are the model's on that link */
    clmlp_comm_scale want;
    clmlp_comm_extrapolate(&c.comm.links[med], &c.rows[0].comm_in, &want);
    CHECK_INT(c.rows[0].comm.devices, want.devices);
    CHECK_INT(c.rows[0].comm.saturation_devices, want.saturation_devices);
    CHECK_INT(c.comm.per_link[med].devices, want.devices);
    /* 180 µs x 100 = 18 ms a step against 2 x 203 776 B / 0.204 GB/s = 2 ms as N grows: 1.2e10 steps
     * of at least 2 ms are 6 700 h, far from 24 h */
    CHECK(!c.rows[0].comm.reachable);
    clmlp_compare_free(&c);
}

static void reports_without_mpi_default_to_nvlink(void)
{
    static clmlp_compare c;
    static const char *const blocks[] = {NULL, "null", "{\"ranks\": 1, \"global_batch\": 100}",
                                         "{\"ranks\": 2}" /* nothing to fit */};
    /* one device's µs/image: the run's own, except for 2 ranks without their
     * all-reduce times: 12 s x 2 ranks over the run's 1 200 steps x 100 */
    static const double per_image[] = {100e-6, 100e-6, 100e-6, 200e-6};
    clmlp_config cfg;
    CHECK_INT(load_tiny(&cfg, NULL, 0), 0);
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        clmlp_err err = {0};
        const char *path = write_mpi_report(test_tmpdir(), blocks[i]);
        CHECK_INT(clmlp_compare_from_report(&cfg, path, &c, &err), 0);
        CHECK_STR(err.msg, "");
        CHECK_INT(c.comm.mpi_run, -1);
        CHECK(c.comm.link >= 0 && strcmp(c.comm.links[c.comm.link].name, "nvlink") == 0);
        CHECK_INT(c.comm.n_links, 4); /* none and the three presets */
        CHECK(find_link(&c, "measured") < 0);
        CHECK_NEAR(c.rows[0].in.train_s_per_image, per_image[i], 1e-15);
        clmlp_compare_free(&c);
    }
    /* a custom link joins the presets, and can be the chosen one */
    const char *custom[] = {"extrapolate.interconnect=custom", "extrapolate.link_gbps=25",
                            "extrapolate.link_latency_us=4"};
    CHECK_INT(load_tiny(&cfg, custom, 3), 0);
    clmlp_err err = {0};
    CHECK_INT(clmlp_compare_from_report(&cfg, write_mpi_report(test_tmpdir(), NULL), &c, &err), 0);
    int k = find_link(&c, "custom");
    CHECK(k >= 0 && c.comm.link == k);
    if (k >= 0) {
        CHECK_NEAR(c.comm.links[k].bytes_per_s, 25e9, 1e-3);
        CHECK_NEAR(c.comm.links[k].latency_s, 4e-6, 1e-18);
    }
    clmlp_compare_free(&c);
    /* measured, asked for, needs the block */
    const char *measured[] = {"extrapolate.interconnect=measured"};
    CHECK_INT(load_tiny(&cfg, measured, 1), 0);
    CHECK_INT(clmlp_compare_from_report(&cfg, write_mpi_report(test_tmpdir(), "null"), &c, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    CHECK_CONTAINS(err.msg, "report.json: extrapolate.interconnect: measured needs the report's mpi block (2+ ranks, "
                            "allreduce.bytes_per_step and seconds_per_step_median); this run has none");
    clmlp_compare_free(&c);
}

static void mpi_block_values_are_checked(void)
{
    static clmlp_compare c;
    static const struct {
        const char *from, *to, *error;
    } edits[] = {
        {"\"seconds_per_step_median\": 0.001", "\"seconds_per_step_median\": -1",
         "mpi.allreduce.seconds_per_step_median is -1, not a finite number >= 0"},
        {"\"bytes_per_step\": 203560", "\"bytes_per_step\": \"big\"",
         "mpi.allreduce.bytes_per_step is not a number, not a finite number >= 0"},
        {"\"ranks\": 2", "\"ranks\": 2.5", "mpi.ranks is 2.5, not a count"},
        {"\"train_seconds\": 12.0, \"allreduce_seconds\": 1.5", "\"train_seconds\": [], \"allreduce_seconds\": 1.5",
         "mpi.per_rank[1].train_seconds is not a number"},
    };
    clmlp_config cfg;
    CHECK_INT(load_tiny(&cfg, NULL, 0), 0);
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char edited[4096];
        const char *at = strstr(mpi_block, edits[i].from);
        CHECK(at != NULL);
        if (!at)
            continue;
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - mpi_block), mpi_block, edits[i].to,
                 at + strlen(edits[i].from));
        clmlp_err err = {0};
        CHECK_INT(clmlp_compare_from_report(&cfg, write_mpi_report(test_tmpdir(), edited), &c, &err), -1);
        CHECK_INT(err.code, CLMLP_EXIT_DATA);
        CHECK_CONTAINS(err.msg, edits[i].error);
        clmlp_compare_free(&c);
    }
}

/* ---- clmlp extrapolate ---- */

static void extrapolate_prints_devices_with_communication(void)
{
    static char out[200000];
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/mpi-run", test_tmpdir());
    write_mpi_report(dir, mpi_block);
    CHECK_INT(test_run_clmlpf(out, sizeof out, "extrapolate configs/tiny-mnist.yaml --from '%s'", dir), 0);
    CHECK_CONTAINS(out, "### Devices with the gradient all-reduce\n");
    CHECK_CONTAINS(out, "so S = 60 000 000 000 × 20 ÷ 100 = 12 000 000 000\nsequential steps");
    CHECK_CONTAINS(out, "Interconnect (`extrapolate.interconnect`, auto: an MPI run's all-reduce is at hand):\n"
                        "**measured** (effective 0.204 GB/s, fitted to the MPI all-reduce of run 0's 2 ranks");
    CHECK_CONTAINS(out, "| device | source | perfect scaling (no communication): devices | wall time | with measured: "
                        "devices for 24 h |");
    CHECK_CONTAINS(out, "| 0: `dev` | measured | 2512 † | 24 h | **unreachable** |");
    CHECK_CONTAINS(out, "| none | perfect scaling (no communication) | – | – | 0 | 2512 † |");
    CHECK_CONTAINS(out, "| nvlink | *modeled* | 450 GB/s | 3 µs |");
    CHECK_CONTAINS(out, "| infiniband | *modeled* | 50 GB/s | 2 µs |");
    CHECK_CONTAINS(out, "| ethernet | *modeled* | 12.5 GB/s | 20 µs |");
    CHECK_CONTAINS(out, "| measured (chosen) | **measured** | 0.204 GB/s (effective) | in the bandwidth |");
    CHECK_CONTAINS(out, "| measured-fastest | **measured** | 0.254 GB/s (effective) | in the bandwidth |");
    CHECK_CONTAINS(out, "180 µs (the run's own wall time per image, all\n  ranks together: 100 µs)");
    /* why no N will do: without a latency term a step tends to 2 x 203 776 B / 0.204 GB/s */
    CHECK_CONTAINS(out, "- With `measured`, no number of devices finishes in 24 h (0: `dev`): its 12 000 000 000 steps "
                        "leave 7.2 µs\n  each; as N grows a step tends to 2 ms (compute 2 ns + all-reduce 2 ms).\n");

    /* a custom link beside the presets; another one chosen */
    CHECK_INT(test_run_clmlpf(out, sizeof out,
                              "extrapolate configs/tiny-mnist.yaml --from '%s' --interconnect infiniband "
                              "--link-gbps 25 --link-latency-us 4",
                              dir),
              0);
    CHECK_CONTAINS(out, "| with infiniband: devices for 24 h |");
    CHECK_CONTAINS(out, "| infiniband (chosen) | *modeled* | 50 GB/s | 2 µs |");
    CHECK_CONTAINS(out, "| custom | *modeled* | 25 GB/s | 4 µs |");
    /* the link's figures alone choose it; a small target that some N meets, in compare.json */
    char run[1300];
    snprintf(run, sizeof run, "%s/out", dir);
    CHECK_INT(test_run_clmlpf(out, sizeof out,
                              "extrapolate configs/tiny-mnist.yaml --from '%s' --link-gbps 25 --set "
                              "extrapolate.train_images=1e6 --set extrapolate.target_hours=0.5 --out '%s'",
                              dir, run),
              0);
    CHECK_CONTAINS(out, "| custom (chosen) | *modeled* | 25 GB/s | 0 ns |");
    clmlp_jv *json = test_parse_json_file(run, "compare.json");
    if (json) {
        const clmlp_jv *comm = clmlp_jv_path(json, "extrapolation.communication");
        CHECK_STR(clmlp_jv_string(clmlp_jv_get(comm, "interconnect"), ""), "custom");
        CHECK_STR(clmlp_jv_string(clmlp_jv_get(comm, "interconnect_setting"), ""), "custom");
        CHECK_NEAR(clmlp_jv_number(clmlp_jv_get(comm, "parameters"), 0), 50890, 0);
        CHECK_NEAR(clmlp_jv_number(clmlp_jv_path(comm, "mpi.ranks"), 0), 2, 0);
        const clmlp_jv *rows = clmlp_jv_path(json, "extrapolation.rows");
        CHECK(rows && rows->kind == CLMLP_JV_ARRAY && rows->count > 0);
        if (rows && rows->count > 0) {
            const clmlp_jv *row = &rows->items[0];
            /* 1e6 x 20 images at 180 µs: 1 h on one device, 2 with eval; 0.5 h needs more than 2 */
            const clmlp_jv *rc = clmlp_jv_get(row, "communication");
            CHECK(clmlp_jv_get(rc, "reachable") && clmlp_jv_get(rc, "reachable")->boolean);
            double perfect = clmlp_jv_number(clmlp_jv_get(row, "devices_for_target"), 0);
            double with = clmlp_jv_number(clmlp_jv_get(rc, "devices_for_target"), 0);
            CHECK(perfect >= 2 && with >= perfect);
            CHECK(clmlp_jv_number(clmlp_jv_get(rc, "wall_hours"), 1) <= 0.5);
        }
        clmlp_jv_free(json);
    }
}

static void extrapolate_link_options_are_checked(void)
{
    static char out[4096];
    static const struct {
        const char *args, *error;
    } cases[] = {
        {"--interconnect foo",
         "clmlp: extrapolate: --interconnect 'foo' is not one of auto, nvlink, infiniband, ethernet, measured, "
         "custom, none\n"},
        {"--interconnect", "clmlp: extrapolate: option '--interconnect' needs a value\n"},
        {"--link-gbps 400Gb",
         "clmlp: extrapolate: --link-gbps '400Gb': expected GB/s per direction per device in (0, 1e6] (bytes, not "
         "bits: 400 Gb/s = 50)\n"},
        {"--link-gbps 0", "clmlp: extrapolate: --link-gbps '0': expected GB/s per direction per device in (0, 1e6] "
                          "(bytes, not bits: 400 Gb/s = 50)\n"},
        {"--link-latency-us -3", "clmlp: extrapolate: --link-latency-us '-3': expected microseconds in [0, 1e6]\n"},
        {"--interconnect custom",
         "clmlp: configs/tiny-mnist.yaml: extrapolate.interconnect: custom needs extrapolate.link_gbps > 0 (the link's "
         "GB/s per direction, e.g. 50 for 400 Gb/s)\n"},
        /* measured before anything runs: a run measured now is one process */
        {"--interconnect measured",
         "clmlp: extrapolate.interconnect: measured needs an MPI run's all-reduce (clmlp extrapolate --from RUN_DIR "
         "of a run with 2+ ranks); a run measured now is one process\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(test_run_clmlpf(out, sizeof out, "extrapolate configs/tiny-mnist.yaml %s", cases[i].args), 2);
        CHECK_STR(out, cases[i].error);
        CHECK(test_one_line(out));
    }
    /* measured from a report without an MPI block */
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/single", test_tmpdir());
    write_mpi_report(dir, "null");
    CHECK_INT(test_run_clmlpf(out, sizeof out, "extrapolate configs/tiny-mnist.yaml --from '%s' --interconnect measured",
                              dir),
              2);
    CHECK_CONTAINS(out, "report.json: extrapolate.interconnect: measured needs the report's mpi block");
    CHECK(test_one_line(out));
}

const test_case extrapolate_comm_tests[] = {
    {"ring_allreduce_by_hand", ring_allreduce_by_hand, false},
    {"presets_are_the_stated_figures", presets_are_the_stated_figures, false},
    {"measured_link_fit", measured_link_fit, false},
    {"devices_with_communication_by_hand", devices_with_communication_by_hand, false},
    {"devices_without_communication_are_perfect_scaling", devices_without_communication_are_perfect_scaling, false},
    {"device_count_is_monotone", device_count_is_monotone, false},
    {"unreachable_targets", unreachable_targets, false},
    {"mpi_report_gives_the_measured_link", mpi_report_gives_the_measured_link, false},
    {"reports_without_mpi_default_to_nvlink", reports_without_mpi_default_to_nvlink, false},
    {"mpi_block_values_are_checked", mpi_block_values_are_checked, false},
    {"extrapolate_prints_devices_with_communication", extrapolate_prints_devices_with_communication, false},
    {"extrapolate_link_options_are_checked", extrapolate_link_options_are_checked, false},
    {NULL, NULL, false},
};
