/* The kernels of a real plan under Oclgrind (Debian `oclgrind`), a
 * simulator that runs OpenCL work-items one by one and reports reads and
 * writes out of a buffer's bounds and data races between work-items, which
 * PoCL on a CPU would let pass silently. The plan is small but takes every
 * path the compiler has: batch 600, so the weight gradients are split along
 * K (3 chunks, accumulating), dX reads a transposed weight copy (40x37: edge
 * tiles) in the NN form with the ReLU-gradient epilogue, the classifier's
 * dX stays NT (outer-product form), plus gather, softmax_xent, Adam and the
 * evaluation plan. Oclgrind's device reports itself as a GPU (and CPU and
 * accelerator), so the GEMMs take the GPU defaults: the local-memory form,
 * 16×16 work-groups sharing panels between barriers. Oclgrind interprets
 * every work-item: ~65 s.
 *
 * Oclgrind's uninitialized-value checks are not used: the outer-product
 * form reads whole vectors at a row's right edge (lanes past N, never
 * stored) from memory no kernel wrote yet, which those checks report. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char got[1 << 20];

static void plan_kernels_run_clean_under_oclgrind(void)
{
    if (access("/usr/bin/oclgrind", X_OK) != 0) {
        printf("        skipped: /usr/bin/oclgrind is missing (Debian oclgrind; tools/install-deps installs it)\n");
        return;
    }
    test_mnist_dir();
    char args[1024];
    snprintf(args, sizeof args,
             "train configs/tiny-mnist.yaml --set data.train.limit=1200 --set data.test.limit=100 "
             "--set training.batch_size=600 --set training.eval_batch_size=100 --set 'model.hidden=[40, 37]' "
             "--set training.epochs=1 "
             "--set profile.probe=false --set compiler.autotune=off --set training.on_divergence=warn "
             "--out '%s/oclgrind-run'",
             test_tmpdir());
    int rc = test_run_clmlp_under("oclgrind --data-races", args, got, sizeof got);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(got, "device:  Oclgrind Simulator");
    CHECK_CONTAINS(got, "plan:    18 launches per step"); /* 3 + 3 + 3 chunks, a transpose: the paths above */
    CHECK_CONTAINS(got, "epoch   1/1");
    /* Oclgrind reports each problem as a block starting with the kind. */
    static const char *const problems[] = {"Invalid read", "Invalid write", "data race", "errors generated"};
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
        if (strstr(got, problems[i]))
            test_fail(__FILE__, __LINE__, "oclgrind reported '%s':\n%.4000s", problems[i], strstr(got, problems[i]));
}

/* The local-memory GEMM form (the GPU default) on small odd shapes, every
 * transpose, forward and backward epilogues (gemm/local_form_small_shapes,
 * checked against the host reference there), run by this test binary
 * itself under Oclgrind: its work-groups of several work-items share local
 * panels between barriers, which is what the race checks are for (a
 * missing barrier is reported as a "Read-write data race" on the panel).
 * ~2 s. */
static void local_gemm_form_runs_clean_under_oclgrind(void)
{
    if (access("/usr/bin/oclgrind", X_OK) != 0) {
        printf("        skipped: /usr/bin/oclgrind is missing (Debian oclgrind; tools/install-deps installs it)\n");
        return;
    }
    char self[1024];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        test_fail(__FILE__, __LINE__, "cannot find this test binary (/proc/self/exe)");
        return;
    }
    self[len] = '\0';
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "oclgrind --data-races '%s' gemm/local_form_small_shapes 2>&1", self);
    FILE *p = popen(cmd, "r");
    if (!p) {
        test_fail(__FILE__, __LINE__, "popen failed for: %s", cmd);
        return;
    }
    size_t n = 0, r;
    while (n + 1 < sizeof got && (r = fread(got + n, 1, sizeof got - 1 - n, p)) > 0)
        n += r;
    got[n] = '\0';
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    CHECK_INT(pclose(p), 0);
    CHECK_CONTAINS(got, "device: Oclgrind Simulator");
    CHECK_CONTAINS(got, "1 passed, 0 failed");
    static const char *const problems[] = {"Invalid read", "Invalid write", "data race", "errors generated"};
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
        if (strstr(got, problems[i]))
            test_fail(__FILE__, __LINE__, "oclgrind reported '%s':\n%.4000s", problems[i], strstr(got, problems[i]));
}

const test_case oclgrind_tests[] = {
    {"plan_kernels_run_clean_under_oclgrind", plan_kernels_run_clean_under_oclgrind, true},
    {"local_gemm_form_runs_clean_under_oclgrind", local_gemm_form_runs_clean_under_oclgrind, true},
    {NULL, NULL, false},
};
