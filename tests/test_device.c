#include "harness.h"

const test_case device_tests[] = {{NULL, NULL, false}};
