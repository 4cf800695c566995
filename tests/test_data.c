#include "harness.h"

const test_case data_tests[] = {{NULL, NULL, false}};
