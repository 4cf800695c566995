/* Every OpenCL implementation on the machine against the host reference,
 * as ggml's test-backend-ops does for its backends: the platforms that
 * `clmlp devices --json` lists (with Mesa's rusticl enabled on llvmpipe,
 * RUSTICL_ENABLE=llvmpipe) each run this binary's device tests again in a
 * child, pinned to that platform (CLMLP_TEST_PLATFORM, device_fixture.c):
 * the generated GEMM in every form and epilogue, and whole training steps
 * and evaluation of small plans, fused and unfused, against the plain-C
 * reference MLP. Each implementation picks its own kernel shapes: PoCL the
 * CPU's, rusticl (native float width 1) the lanes devices' work-groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/json_parse.h"
#include "harness.h"

/* The device tests that compare with a host reference (gemm/, runtime/ and svm_device/). */
static const char *const REFERENCE_TESTS =
    "gemm/generated_shapes gemm/generated_epilogues_accumulate gemm/generated_mlp_shapes "
    "gemm/split_k_chunks_equal_the_whole gemm/local_form_small_shapes gemm/rbf_kernel_rows_match_the_host "
    "runtime/gather_converts_every_pixel "
    "runtime/relu_adam_fused_matches_reference runtime/relu_adam_unfused_matches_reference "
    "runtime/sigmoid_sgd_fused_matches_reference runtime/tanh_sgd_unfused_matches_reference "
    "runtime/tanh_adam_fused_matches_reference runtime/evaluation_matches_reference_predictions "
    "runtime/fused_equals_unfused_after_an_epoch "
    "svm_device/blocks_and_rows_match_the_host svm_device/training_and_prediction_equal_the_host";
enum { REFERENCE_TEST_COUNT = 16 };

static const char *const ENABLE_RUSTICL = "RUSTICL_ENABLE=llvmpipe";

static char out[1 << 20];

/* Distinct platform names of the devices listed, in order; returns the count. */
static int platforms_listed(const clmlp_jv *devices, char names[][128], int cap)
{
    int n = 0;
    for (size_t i = 0; devices && devices->kind == CLMLP_JV_ARRAY && i < devices->count; i++) {
        const char *p = clmlp_jv_string(clmlp_jv_get(&devices->items[i], "platform"), "");
        bool seen = false;
        for (int j = 0; j < n; j++)
            seen = seen || strcmp(names[j], p) == 0;
        if (!seen && p[0] && n < cap)
            snprintf(names[n++], sizeof names[0], "%s", p);
    }
    return n;
}

static void every_implementation_matches_the_host_reference(void)
{
    if (test_run_clmlp_under(ENABLE_RUSTICL, "devices --json", out, sizeof out) != 0) {
        test_fail(__FILE__, __LINE__, "clmlp devices --json failed:\n%.2000s", out);
        return;
    }
    clmlp_jv *devices = NULL;
    clmlp_err err = {0};
    if (clmlp_json_parse(out, strlen(out), &devices, &err) < 0) {
        test_fail(__FILE__, __LINE__, "clmlp devices --json does not parse: %s", err.msg);
        return;
    }
    char names[8][128];
    int n = platforms_listed(devices, names, 8);
    clmlp_jv_free(devices);
    /* Installed means listed: Debian's mesa-opencl-icd installs this file
     * (tools/install-deps installs the package). */
    bool rusticl_installed = access("/etc/OpenCL/vendors/rusticl.icd", R_OK) == 0, rusticl_listed = false;
    const char *self = test_self_path();
    for (int i = 0; i < n && self; i++) {
        rusticl_listed = rusticl_listed || strcmp(names[i], "rusticl") == 0;
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "%s CLMLP_TEST_PLATFORM='%s' '%s' %s 2>&1", ENABLE_RUSTICL, names[i], self,
                 REFERENCE_TESTS);
        double t0 = clmlp_now();
        int rc = test_run_command(cmd, out, sizeof out);
        printf("        %s: %.1f s\n", names[i], clmlp_now() - t0);
        char summary[64], device[sizeof names + 8];
        snprintf(summary, sizeof summary, "%d passed, 0 failed", REFERENCE_TEST_COUNT);
        snprintf(device, sizeof device, "(%s)", names[i]);
        if (rc != 0 || !strstr(out, summary) || !strstr(out, device))
            test_fail(__FILE__, __LINE__, "on platform %s (exit %d), expected '%s' on its device:\n%.6000s", names[i],
                      rc, summary, out);
    }
    if (n == 0)
        test_fail(__FILE__, __LINE__, "no OpenCL platform listed");
    if (rusticl_installed && !rusticl_listed)
        test_fail(__FILE__, __LINE__,
                  "/etc/OpenCL/vendors/rusticl.icd is installed but %s lists no rusticl device", ENABLE_RUSTICL);
}

const test_case implementations_tests[] = {
    {"every_implementation_matches_the_host_reference", every_implementation_matches_the_host_reference, true},
    {NULL, NULL, false},
};
