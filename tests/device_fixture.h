/* Opens the first OpenCL device for a test (fails the test when there is
 * none); captures what the code under test writes to stderr. */
#ifndef CLMLP_TEST_DEVICE_FIXTURE_H
#define CLMLP_TEST_DEVICE_FIXTURE_H

#include "clmlp/device.h"

bool test_open_device(clmlp_device *dev);

/* Sends stderr (fd 2) to a file of the test's folder until
 * test_stderr_end, which restores it and returns what was written
 * (malloc'ed, "" when nothing). Not nested. */
void test_stderr_begin(void);
char *test_stderr_end(void);

#endif
