/* A program binary as the cache stores it: a fixed header, then the bytes
 * CL_PROGRAM_BINARIES gave. The driver parses a binary trusting the lengths
 * inside it (PoCL reads past the end of a short one, or asserts), so no
 * byte reaches clCreateProgramWithBinary before the header says the record
 * is whole, unchanged and filed under the key it was built for.
 *
 *   offset  size  field
 *        0     8  magic "clmlpPRG"
 *        8     4  format version, little-endian (CLMLP_RECORD_VERSION)
 *       12     4  zero
 *       16     8  length of the binary in bytes, little-endian
 *       24    32  key: SHA-256 of platform, device, driver, options and
 *                 source, the same digest the file is named after
 *       56    32  SHA-256 of the binary
 *       88     n  the binary
 *
 * Pure: no OpenCL, no files (unit-tested under the sanitizers). */
#ifndef CLMLP_DEVICE_PROGRAM_RECORD_H
#define CLMLP_DEVICE_PROGRAM_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum { CLMLP_RECORD_HEADER = 88, CLMLP_RECORD_VERSION = 1 };

/* The header of a record holding bin[0..len) under key. */
void clmlp_program_record_header(const uint8_t key[32], const void *bin, size_t len,
                                 uint8_t header[CLMLP_RECORD_HEADER]);

/* The binary inside record[0..size) when it is a record of this format and
 * version, for key, whose binary has the length and SHA-256 the header
 * gives; else NULL with why ("1 byte short of the 35840-byte binary its
 * header gives", ...). */
const uint8_t *clmlp_program_record_binary(const uint8_t *record, size_t size, const uint8_t key[32], size_t *len,
                                           char *why, size_t cap);

#endif
