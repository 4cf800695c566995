#include "harness.h"

const test_case cli_tests[] = {{NULL, NULL, false}};
