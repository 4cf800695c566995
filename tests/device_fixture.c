#include "device_fixture.h"

#include <stdlib.h>

#include "harness.h"

bool test_open_device(clmlp_device *dev)
{
    clmlp_device_desc *descs = NULL;
    int n = 0, pick = -1;
    clmlp_err err = {0};
    clmlp_device_spec spec = {.type = CLMLP_DEVICE_ANY, .index = -1};
    if (clmlp_devices_enumerate(&descs, &n, &err) == 0)
        pick = clmlp_device_select(descs, n, &spec, &err);
    int rc = pick >= 0 ? clmlp_device_open(&descs[pick], dev, &err) : -1;
    free(descs);
    if (rc < 0)
        test_fail(__FILE__, __LINE__, "cannot open a device: %s", err.msg);
    return rc == 0;
}
