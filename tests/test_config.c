#include "harness.h"

const test_case config_tests[] = {{NULL, NULL, false}};
