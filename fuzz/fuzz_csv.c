/* Kaggle CSV (clmlp_csv_load), raw or gzip, read both with and without a
 * label column; the input is written to a file since the reader takes a
 * path. */
#include "helpers.h"

#include <string.h>

#include "clmlp/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path;
    if (!path)
        path = fuzz_path("digits.csv");
    fuzz_write_file(path, data, size);
    for (int labels = 0; labels < 2; labels++) {
        clmlp_dataset ds;
        memset(&ds, 0xA5, sizeof ds); /* garbage: a failed load must zero it */
        clmlp_err err;
        int rc = clmlp_csv_load(path, labels, &ds, &err);
        fuzz_check_dataset(rc, &ds, labels, &err);
    }
    return 0;
}
