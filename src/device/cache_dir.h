/* Internal to src/device: the cache folders and the device keys that name
 * the files in them (cache_dir.c). */
#ifndef CLMLP_DEVICE_CACHE_DIR_H
#define CLMLP_DEVICE_CACHE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clmlp/device.h"

/* <dir>/<folder> (dir NULL: clmlp_cache_dir()), created with mode 0700 and
 * checked as clmlp_cache_dir() checks its directory. False, with out "",
 * when there is no cache (the reason was a warning, once per process). */
bool clmlp_cache_folder(const char *dir, const char *folder, char *out, size_t cap);

/* SHA-256 over purpose, the device's platform, name, version and driver,
 * then a and b (NULL = ""), each field NUL-terminated. */
void clmlp_device_digest(const clmlp_device_desc *d, const char *purpose, const char *a, const char *b,
                         uint8_t digest[32]);

/* 64 lowercase hex digits and a NUL. */
void clmlp_digest_hex(const uint8_t digest[32], char hex[65]);

#endif
