/* The extrapolation with communication: the ring all-reduce, the link
 * presets and the fit to a measured all-reduce, the device count a target
 * needs when every step pays one, and where scaling stops. */
#include "clmlp/extrapolate.h"
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

const test_case extrapolate_comm_tests[] = {
    {"ring_allreduce_by_hand", ring_allreduce_by_hand, false},
    {"presets_are_the_stated_figures", presets_are_the_stated_figures, false},
    {"measured_link_fit", measured_link_fit, false},
    {"devices_with_communication_by_hand", devices_with_communication_by_hand, false},
    {"devices_without_communication_are_perfect_scaling", devices_without_communication_are_perfect_scaling, false},
    {"device_count_is_monotone", device_count_is_monotone, false},
    {"unreachable_targets", unreachable_targets, false},
    {NULL, NULL, false},
};
