/* A small SHA-256 (FIPS 180-4) for cache keys: a collision would load the
 * wrong kernel binary silently, so a 64-bit hash is not enough. */
#ifndef CLMLP_DEVICE_SHA256_H
#define CLMLP_DEVICE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct clmlp_sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} clmlp_sha256;

void clmlp_sha256_init(clmlp_sha256 *h);
void clmlp_sha256_update(clmlp_sha256 *h, const void *data, size_t len);
void clmlp_sha256_final(clmlp_sha256 *h, uint8_t digest[32]);

#endif
