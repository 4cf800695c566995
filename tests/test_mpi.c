/* Data-parallel training over MPI (Debian's Open MPI; tools/install-deps
 * installs it): `mpirun -n 2 clmlp train` at global batch B against one
 * process at batch B. The two ranks each take half of every batch and sum
 * their gradients, so losses and parameters agree up to float summation
 * order: stated tolerance, relative 1e-5 on the epoch losses and 1e-5
 * absolute on every parameter (measured: 1e-9 and 1.1e-7 on tiny-mnist). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/json_parse.h"
#include "clmlp/modelfile.h"
#include "harness.h"

static const double LOSS_RTOL = 1e-5, PARAM_ATOL = 1e-5;

/* Open MPI refuses root unless told (CI runs as root); oversubscribe: a
 * machine with one core still starts two ranks. */
static const char *const MPIRUN =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n 2 --oversubscribe";

static char out[1 << 18];

static bool have_mpirun(void)
{
    if (access("/usr/bin/mpirun", X_OK) == 0)
        return true;
    printf("        skipped: /usr/bin/mpirun is missing (Debian openmpi-bin; tools/install-deps installs it)\n");
    return false;
}

static void expect_same_model(const char *one, const char *two)
{
    char a_path[1200], b_path[1200];
    snprintf(a_path, sizeof a_path, "%s/model.safetensors", one);
    snprintf(b_path, sizeof b_path, "%s/model.safetensors", two);
    clmlp_model a = {0}, b = {0};
    clmlp_err err = {0};
    if (clmlp_model_load(a_path, &a, &err) < 0 || clmlp_model_load(b_path, &b, &err) < 0) {
        test_fail(__FILE__, __LINE__, "model: %s", err.msg);
    } else if (a.n_params != b.n_params) {
        test_fail(__FILE__, __LINE__, "%d parameters against %d", a.n_params, b.n_params);
    } else {
        for (int p = 0; p < a.n_params; p++) {
            double worst = 0;
            for (size_t i = 0; i < clmlp_model_param_count(&a, p); i++)
                worst = fmax(worst, fabs((double)a.params[p][i] - (double)b.params[p][i]));
            if (worst > PARAM_ATOL)
                test_fail(__FILE__, __LINE__, "parameter %d differs by %g between 1 and 2 ranks", p, worst);
        }
    }
    clmlp_model_free(&a);
    clmlp_model_free(&b);
}

static void two_ranks_train_as_one_process(void)
{
    if (!have_mpirun())
        return;
    test_mnist_dir();
    const char *common = "train configs/tiny-mnist.yaml --set training.epochs=2 --set profile.probe=false "
                         "--set training.on_divergence=warn";
    char one[1100], two[1100], cmd[4096];
    snprintf(one, sizeof one, "%s/one", test_tmpdir());
    snprintf(two, sizeof two, "%s/two", test_tmpdir());
    CHECK_INT(test_run_clmlpf(out, sizeof out, "%s --out '%s'", common, one), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s --out '%s' 2>&1", test_source_root(), MPIRUN, CLMLP_BIN_PATH,
             common, two);
    CHECK_INT(test_run_command(cmd, out, sizeof out), 0);
    CHECK_CONTAINS(out, "batch 100, 2 epochs of 20 steps"); /* the global batch, printed once by rank 0 */
    const char *first = strstr(out, "model:");
    if (!first || strstr(first + 1, "model:"))
        test_fail(__FILE__, __LINE__, "rank 0 alone must print the run:\n%s", out);

    clmlp_jv *a = test_parse_json_file(one, "report.json"), *b = test_parse_json_file(two, "report.json");
    const clmlp_jv *ea = clmlp_jv_path(a, "train.epochs"), *eb = clmlp_jv_path(b, "train.epochs");
    CHECK(ea && eb && ea->count == 2 && eb->count == 2);
    for (size_t e = 0; ea && eb && e < ea->count && e < eb->count; e++) {
        double la = clmlp_jv_number(clmlp_jv_get(&ea->items[e], "loss"), NAN);
        double lb = clmlp_jv_number(clmlp_jv_get(&eb->items[e], "loss"), NAN);
        if (!(fabs(la - lb) <= LOSS_RTOL * fabs(la)))
            test_fail(__FILE__, __LINE__, "epoch %zu loss: 1 rank %.9g, 2 ranks %.9g", e + 1, la, lb);
    }
    CHECK(fabs(clmlp_jv_number(clmlp_jv_path(a, "eval.accuracy"), -1) -
               clmlp_jv_number(clmlp_jv_path(b, "eval.accuracy"), -2)) <= 0.002);
    /* One process: mpi is null; two: the ranks, the allreduce, each rank's device. */
    CHECK(clmlp_jv_path(a, "mpi") && clmlp_jv_path(a, "mpi")->kind == CLMLP_JV_NULL);
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(b, "mpi.ranks"), 0), 2);
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(b, "mpi.global_batch"), 0), 100);
    CHECK_INT((int)clmlp_jv_number(clmlp_jv_path(b, "mpi.allreduce.steps"), 0), 40);
    /* 784·64 + 64 + 64·10 + 10 gradient floats, in a region rounded up to the sub-buffer alignment */
    CHECK(clmlp_jv_number(clmlp_jv_path(b, "mpi.allreduce.bytes_per_step"), 0) >= 4.0 * 50890);
    CHECK(clmlp_jv_number(clmlp_jv_path(b, "mpi.allreduce.seconds_per_step_median"), 0) > 0);
    const clmlp_jv *ranks = clmlp_jv_path(b, "mpi.per_rank");
    CHECK(ranks && ranks->count == 2);
    for (size_t r = 0; ranks && r < ranks->count; r++) {
        CHECK_INT((int)clmlp_jv_number(clmlp_jv_get(&ranks->items[r], "rank"), -1), (int)r);
        CHECK(strlen(clmlp_jv_string(clmlp_jv_get(&ranks->items[r], "device"), "")) > 0);
    }
    clmlp_jv_free(a);
    clmlp_jv_free(b);
    /* trace.json: a track per rank (pid 3, tid rank + 1) with its allreduces. */
    clmlp_jv *trace = test_parse_json_file(two, "trace.json");
    const clmlp_jv *events = clmlp_jv_get(trace, "traceEvents");
    int per_rank[2] = {0, 0};
    for (size_t i = 0; events && i < events->count; i++) {
        const clmlp_jv *e = &events->items[i];
        int tid = (int)clmlp_jv_number(clmlp_jv_get(e, "tid"), 0);
        if (clmlp_jv_number(clmlp_jv_get(e, "pid"), 0) == 3 && strcmp(clmlp_jv_string(clmlp_jv_get(e, "ph"), ""), "X") == 0 &&
            tid >= 1 && tid <= 2)
            per_rank[tid - 1]++;
    }
    CHECK_INT(per_rank[0], 20); /* profile.trace_steps: the first 20 steps */
    CHECK_INT(per_rank[1], 20);
    clmlp_jv_free(trace);
    expect_same_model(one, two);
}

/* A batch that does not split: every rank refuses, one line each naming
 * its rank, mpirun exits non-zero, and no run directory is left. */
static void a_batch_that_does_not_split_stops_every_rank(void)
{
    if (!have_mpirun())
        return;
    test_mnist_dir();
    char dir[1100], cmd[4096];
    snprintf(dir, sizeof dir, "%s/odd", test_tmpdir());
    snprintf(cmd, sizeof cmd,
             "cd '%s' && %s '%s' train configs/tiny-mnist.yaml --set training.batch_size=101 --set "
             "profile.probe=false --out '%s' 2>&1",
             test_source_root(), MPIRUN, CLMLP_BIN_PATH, dir);
    CHECK(test_run_command(cmd, out, sizeof out) != 0);
    CHECK_CONTAINS(out, "clmlp: rank 0 of 2: training.batch_size 101 does not split over 2 ranks");
    char report[1200];
    snprintf(report, sizeof report, "%s/report.json", dir);
    CHECK(access(report, F_OK) != 0);
}

/* Commands other than train refuse to run N times over. */
static void other_commands_refuse_mpi(void)
{
    if (!have_mpirun())
        return;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' check configs/tiny-mnist.yaml 2>&1", test_source_root(), MPIRUN,
             CLMLP_BIN_PATH);
    CHECK(test_run_command(cmd, out, sizeof out) != 0);
    CHECK_CONTAINS(out, "check does not run over MPI: only clmlp train does");
}

const test_case mpi_tests[] = {
    {"two_ranks_train_as_one_process", two_ranks_train_as_one_process, true},
    {"a_batch_that_does_not_split_stops_every_rank", a_batch_that_does_not_split_stops_every_rank, true},
    {"other_commands_refuse_mpi", other_commands_refuse_mpi, true},
    {NULL, NULL, false},
};
