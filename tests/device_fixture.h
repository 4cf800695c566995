/* Opens the first OpenCL device for a test (fails the test when there is none). */
#ifndef CLMLP_TEST_DEVICE_FIXTURE_H
#define CLMLP_TEST_DEVICE_FIXTURE_H

#include "clmlp/device.h"

bool test_open_device(clmlp_device *dev);

#endif
