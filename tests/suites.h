/* The list of suites the runner knows; each suite lives in tests/test_<name>.c. */
#ifndef CLMLP_TEST_SUITES_H
#define CLMLP_TEST_SUITES_H

#include "harness.h"

typedef struct test_suite {
    const char *name;
    const test_case *cases;
} test_suite;

#define SUITES(X) X(rng) X(config) X(data) X(device) X(gemm) X(compiler) X(runtime) X(cli) X(train_cli) X(infer_cli) \
    X(report) X(compare) X(extrapolate_comm) X(tune) X(probe) X(layers) X(show) X(modelfile) X(html) X(oclgrind) \
    X(implementations) X(mpi) X(sweep) X(svm) X(svm_device)

#define DECLARE_SUITE(name) extern const test_case name##_tests[];
SUITES(DECLARE_SUITE)

#define SUITE_ENTRY(name) {#name, name##_tests},
static const test_suite all_suites[] = {SUITES(SUITE_ENTRY){NULL, NULL}};

#endif
