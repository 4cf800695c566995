/* Device models (the YAML files of configs/devices and compare.models): parsed, and a
 * model that loads has the values devmodel.h promises. */
#include "helpers.h"

#include "clmlp/devmodel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clmlp_devmodel m;
    clmlp_err err;
    if (clmlp_devmodel_parse((const char *)data, size, "<fuzz>", "fuzz", &m, &err) == 0 &&
        (!m.name[0] || (unsigned)m.kind >= CLMLP_CLASS_COUNT || !(m.peak_gflops[CLMLP_PREC_FP32] > 0) ||
         !(m.memory_bandwidth_gbps > 0) || !(m.memory_gib > 0) || !(m.launch_overhead_us >= 0)))
        fuzz_fail("model '%s' loaded with a value out of its range", m.name);
    return 0;
}
