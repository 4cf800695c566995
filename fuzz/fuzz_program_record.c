/* The program cache's record (src/device/program_record.h): whatever the
 * bytes, the check either refuses them or returns a binary that lies inside
 * them, has the length its header gives and the key it was asked for; and
 * a record the header function makes for a binary is accepted as exactly
 * that binary. Two keys are tried: the one the input's own header names,
 * and a fixed one. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "device/program_record.h"

static void check(const uint8_t *data, size_t size, const uint8_t key[32])
{
    size_t len = 0;
    char why[256] = "";
    const uint8_t *bin = clmlp_program_record_binary(data, size, key, &len, why, sizeof why);
    if (!bin) {
        if (!why[0])
            fuzz_fail("a refused record gave no reason");
        return;
    }
    if (bin < data || len > size || (size_t)(bin - data) != CLMLP_RECORD_HEADER || len != size - CLMLP_RECORD_HEADER)
        fuzz_fail("an accepted record's binary lies outside it (%zu bytes at %td of %zu)", len, bin - data, size);
    if (memcmp(data + 24, key, 32) != 0)
        fuzz_fail("a record filed under another key was accepted");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t fixed[32] = {1, 2, 3};
    uint8_t own[32] = {0};
    if (size >= 56)
        memcpy(own, data + 24, 32);
    check(data, size, own);
    check(data, size, fixed);

    /* The input as a binary: its record is accepted whole. */
    size_t total = CLMLP_RECORD_HEADER + size;
    uint8_t *record = malloc(total ? total : 1);
    if (!record)
        fuzz_fail("out of memory");
    clmlp_program_record_header(fixed, data, size, record);
    memcpy(record + CLMLP_RECORD_HEADER, data, size);
    size_t len = 0;
    char why[256] = "";
    const uint8_t *bin = clmlp_program_record_binary(record, total, fixed, &len, why, sizeof why);
    if (!bin || len != size || memcmp(bin, data, size) != 0)
        fuzz_fail("a record made for a %zu-byte binary was not accepted as it (%s)", size, why);
    free(record);
    return 0;
}
