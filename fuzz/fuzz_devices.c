/* Device specs as `--devices` and device.* take them: one spec
 * (clmlp_device_spec_parse) and a comma-separated list of them
 * (clmlp_compare_parse_devices). */
#include "helpers.h"

#include <stdlib.h>

#include "clmlp/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    clmlp_device_spec spec;
    clmlp_err err;
    clmlp_device_spec_parse(text, &spec, &err);
    static clmlp_compare c; /* large: off the stack */
    if (clmlp_compare_parse_devices(text, &c, &err) == 0 && (c.n_runs < 1 || c.n_runs > CLMLP_COMPARE_MAX_DEVICES))
        fuzz_fail("a device list parsed into %d specs", c.n_runs);
    free(text);
    return 0;
}
