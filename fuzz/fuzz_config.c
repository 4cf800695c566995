/* Config YAML (clmlp_config_parse, what clmlp_config_load runs on a file's
 * text): any input either loads or fails with an error, and a config that
 * loads writes back (clmlp_config_write_yaml) to YAML that loads to the same
 * values. */
#include "helpers.h"

#include "clmlp/config.h"

/* Where relative data paths resolve, as the config file's folder would be. */
#define BASE_DIR "/fuzz/configs"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static clmlp_config cfg; /* large: off the stack */
    clmlp_err err;
    if (clmlp_config_parse((const char *)data, size, "<fuzz>", BASE_DIR, NULL, 0, &cfg, &err) == 0)
        fuzz_config_round_trip(&cfg, BASE_DIR);
    return 0;
}
