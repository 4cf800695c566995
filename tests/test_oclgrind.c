/* The kernels of a real plan under Oclgrind (Debian `oclgrind`), a
 * simulator that runs OpenCL work-items one by one and reports reads and
 * writes out of a buffer's bounds and data races between work-items, which
 * PoCL on a CPU would let pass silently. The plan is small but takes every
 * path the compiler has: batch 600, so the weight gradients are split along
 * K (3 chunks, accumulating), dX reads a transposed weight copy (40x37: edge
 * tiles) in the NN form with the ReLU-gradient epilogue, the classifier's
 * dX stays NT (outer-product form), plus gather, softmax_xent, Adam and the
 * evaluation plan. Oclgrind interprets every work-item: ~40 s.
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

const test_case oclgrind_tests[] = {
    {"plan_kernels_run_clean_under_oclgrind", plan_kernels_run_clean_under_oclgrind, true},
    {NULL, NULL, false},
};
