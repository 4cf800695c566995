/* The program cache's record format; see program_record.h. */
#include "device/program_record.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "device/sha256.h"

static const char MAGIC[8] = {'c', 'l', 'm', 'l', 'p', 'P', 'R', 'G'};

/* Little-endian on disk whatever the host, so a record means one thing. */
static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void sha256_of(const void *data, size_t len, uint8_t digest[32])
{
    clmlp_sha256 h;
    clmlp_sha256_init(&h);
    clmlp_sha256_update(&h, data, len);
    clmlp_sha256_final(&h, digest);
}

void clmlp_program_record_header(const uint8_t key[32], const void *bin, size_t len,
                                 uint8_t header[CLMLP_RECORD_HEADER])
{
    memset(header, 0, CLMLP_RECORD_HEADER);
    memcpy(header, MAGIC, sizeof MAGIC);
    put_le(header + 8, CLMLP_RECORD_VERSION, 4);
    put_le(header + 16, len, 8);
    memcpy(header + 24, key, 32);
    sha256_of(bin, len, header + 56);
}

const uint8_t *clmlp_program_record_binary(const uint8_t *record, size_t size, const uint8_t key[32], size_t *len,
                                           char *why, size_t cap)
{
    *len = 0;
    if (size < CLMLP_RECORD_HEADER) {
        snprintf(why, cap, "%zu bytes, shorter than the %d-byte header", size, CLMLP_RECORD_HEADER);
        return NULL;
    }
    if (memcmp(record, MAGIC, sizeof MAGIC) != 0) {
        snprintf(why, cap, "not a clmlp program record (no \"clmlpPRG\" magic)");
        return NULL;
    }
    uint64_t version = get_le(record + 8, 4), want = get_le(record + 16, 8), have = size - CLMLP_RECORD_HEADER;
    if (version != CLMLP_RECORD_VERSION || get_le(record + 12, 4) != 0) {
        snprintf(why, cap, "record version %" PRIu64 ", not %d", version, CLMLP_RECORD_VERSION);
        return NULL;
    }
    if (memcmp(record + 24, key, 32) != 0) {
        snprintf(why, cap, "a record of another source, options or device (its key is not this file's)");
        return NULL;
    }
    if (have != want) {
        uint64_t off = have < want ? want - have : have - want;
        snprintf(why, cap, "%" PRIu64 " byte%s %s the %" PRIu64 "-byte binary its header gives", off,
                 off == 1 ? "" : "s", have < want ? "short of" : "more than", want);
        return NULL;
    }
    uint8_t digest[32];
    sha256_of(record + CLMLP_RECORD_HEADER, (size_t)have, digest);
    if (memcmp(digest, record + 56, 32) != 0) {
        snprintf(why, cap, "the binary's SHA-256 is not the one its header gives");
        return NULL;
    }
    *len = (size_t)have;
    return record + CLMLP_RECORD_HEADER;
}
