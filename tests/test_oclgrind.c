/* The GPU-shaped kernels under Oclgrind (Debian `oclgrind`), a simulator
 * that runs OpenCL work-items one by one and reports reads and writes out
 * of a buffer's bounds and data races between work-items, which PoCL on a
 * CPU would let pass silently. Oclgrind's device reports itself as a GPU
 * (and CPU and accelerator) with dedicated local memory, so every kernel
 * takes the GPU shapes: the GEMMs the local-memory form (16×16 work-groups
 * sharing panels between barriers), the elementwise kernels work-groups of
 * 256 with a float4 each (src/compiler/lower.c).
 *
 * Oclgrind 21.10's uninitialized-value checks (--uninitialized) cannot be
 * used: they abort on LLVM's `freeze` instruction ("OCLGRIND FATAL ERROR
 * (Uninitialized.cpp:1805) Unsupported instruction: freeze", in gemm). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char got[1 << 20];

/* Race checks on; every step-local tensor in its own buffer
 * (CLMLP_CHECK_BOUNDS, src/runtime/executor.c), since Oclgrind checks
 * bounds per buffer: in the shared arena, a gather that wrote one float past
 * each row went unreported (and its reference test passed); alone, it is
 * an "Invalid write ... Kernel: gather_batch". */
static const char *const UNDER_OCLGRIND = "CLMLP_CHECK_BOUNDS=1 oclgrind --data-races";

/* Oclgrind reports each problem as a block starting with the kind. */
static void expect_no_problems(void)
{
    static const char *const problems[] = {"Invalid read", "Invalid write", "data race", "errors generated"};
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
        if (strstr(got, problems[i]))
            test_fail(__FILE__, __LINE__, "oclgrind reported '%s':\n%.4000s", problems[i], strstr(got, problems[i]));
}

/* A real plan, small but on every path the compiler has for a GPU: batch
 * 600, so the weight gradients are split along K (3 chunks, accumulating,
 * with the bias-gradient sums), dX in the NT form with the ReLU-gradient
 * epilogue (40x37: edge tiles), gather, softmax_xent, Adam, then the
 * evaluation plan. Oclgrind interprets every work-item: ~60 s. */
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
    int rc = test_run_clmlp_under(UNDER_OCLGRIND, args, got, sizeof got);
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(got, "device:  Oclgrind Simulator");
    CHECK_CONTAINS(got, "plan:    17 launches per step"); /* 3 + 3 + 3 chunks: the paths above */
    CHECK_CONTAINS(got, "epoch   1/1");
    expect_no_problems();
}

/* Tests of this binary run again under Oclgrind, each checked against the
 * host reference: the local-memory GEMM form on small odd shapes, every
 * transpose, forward and backward epilogues; and whole training steps and
 * evaluation of a 6-5-4-3 model, fused and unfused, ReLU/sigmoid/tanh,
 * Adam and SGD, against the plain-C reference MLP (tests/test_runtime.c);
 * the SVM's RBF blocks and rows (NN and NT EXP GEMMs, the device copies
 * that gather their operands) against the host RBF.
 * Work-groups share local panels between barriers, which is what the race
 * checks are for (a missing barrier is reported as a "Read-write data race"
 * on the panel). ~15 s. */
static const char *const REFERENCE_TESTS =
    "gemm/local_form_small_shapes gemm/rbf_kernel_rows_match_the_host runtime/gather_converts_every_pixel "
    "runtime/relu_adam_fused_matches_reference "
    "runtime/relu_adam_unfused_matches_reference runtime/sigmoid_sgd_fused_matches_reference "
    "runtime/tanh_sgd_unfused_matches_reference runtime/tanh_adam_fused_matches_reference "
    "runtime/evaluation_matches_reference_predictions svm_device/blocks_and_rows_match_the_host";

static void gpu_kernels_match_the_host_reference_under_oclgrind(void)
{
    if (access("/usr/bin/oclgrind", X_OK) != 0) {
        printf("        skipped: /usr/bin/oclgrind is missing (Debian oclgrind; tools/install-deps installs it)\n");
        return;
    }
    const char *self = test_self_path();
    if (!self)
        return;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s '%s' %s 2>&1", UNDER_OCLGRIND, self, REFERENCE_TESTS);
    CHECK_INT(test_run_command(cmd, got, sizeof got), 0);
    CHECK_CONTAINS(got, "device: Oclgrind Simulator");
    CHECK_CONTAINS(got, "10 passed, 0 failed");
    expect_no_problems();
}

const test_case oclgrind_tests[] = {
    {"plan_kernels_run_clean_under_oclgrind", plan_kernels_run_clean_under_oclgrind, true},
    {"gpu_kernels_match_the_host_reference_under_oclgrind", gpu_kernels_match_the_host_reference_under_oclgrind, true},
    {NULL, NULL, false},
};
