/* `--set section.key=value` overrides: each input line is one override,
 * applied on top of a small valid config; what loads must write back and
 * load to the same values, as for a config file. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "clmlp/config.h"

#define MAX_OVERRIDES 16

static const char BASE[] = "data:\n"
                           "  train: {images: train-images.gz, labels: train-labels.gz}\n"
                           "  test: {images: test-images.gz, labels: test-labels.gz}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    const char *overrides[MAX_OVERRIDES];
    int n = 0;
    for (char *line = text; line && n < MAX_OVERRIDES; n++) {
        overrides[n] = line;
        line = strchr(line, '\n');
        if (line)
            *line++ = '\0';
    }
    static clmlp_config cfg; /* large: off the stack */
    clmlp_err err;
    if (clmlp_config_parse(BASE, sizeof BASE - 1, "<fuzz>", "/fuzz", overrides, n, &cfg, &err) == 0)
        fuzz_config_round_trip(&cfg, "/fuzz");
    free(text);
    return 0;
}
