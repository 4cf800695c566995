/* IDX images and labels (clmlp_idx_load), raw or gzip: the input is an
 * images file, optionally followed by SEPARATOR and a labels file, each
 * written to a file since the reader takes paths. */
#include "helpers.h"

#include <string.h>

#include "clmlp/data.h"

#define SEPARATOR "--labels"

static const uint8_t *find_separator(const uint8_t *data, size_t size)
{
    size_t n = strlen(SEPARATOR);
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(data + i, SEPARATOR, n) == 0)
            return data + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *images, *labels;
    if (!images) {
        images = fuzz_path("images.idx");
        labels = fuzz_path("labels.idx");
    }
    const uint8_t *sep = find_separator(data, size);
    size_t images_size = sep ? (size_t)(sep - data) : size;
    fuzz_write_file(images, data, images_size);
    if (sep)
        fuzz_write_file(labels, sep + strlen(SEPARATOR), size - images_size - strlen(SEPARATOR));

    clmlp_dataset ds;
    memset(&ds, 0xA5, sizeof ds); /* garbage: a failed load must zero it */
    clmlp_err err;
    int rc = clmlp_idx_load(images, sep ? labels : NULL, &ds, &err);
    fuzz_check_dataset(rc, &ds, sep != NULL, &err);
    return 0;
}
