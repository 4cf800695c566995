/* What the harnesses share: the input as a C string or as a file (the data
 * readers and the tune cache take paths), failing loudly, and the config
 * checks that two harnesses share. */
#ifndef CLMLP_FUZZ_HELPERS_H
#define CLMLP_FUZZ_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "clmlp/config.h"
#include "clmlp/data.h"

/* libFuzzer's entry point, defined once per harness. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (malloc'ed): the string APIs see it
 * up to its first NUL byte, as they would see argv. */
char *fuzz_string(const uint8_t *data, size_t size);

/* <a temporary folder of this process>/<name> (malloc'ed, kept for the
 * process): the folder is made on first use and removed at exit. */
const char *fuzz_path(const char *name);

/* Replaces the file at path with the bytes; aborts when it cannot (a broken
 * harness, not a finding). */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* A broken promise of the code under test: says which, then aborts, which
 * libFuzzer reports as a crash and saves the input. */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What a data reader promises: a failed load (rc < 0) leaves *ds zeroed; a
 * load gives at least one image, labels exactly when asked for, and every
 * byte it claims readable (ASan checks). Frees the dataset. */
void fuzz_check_dataset(int rc, clmlp_dataset *ds, bool labels, const clmlp_err *err);

/* A config that loaded must write as YAML and load back (from base_dir,
 * where its relative paths resolved) to the same value in every key. */
void fuzz_config_round_trip(const clmlp_config *cfg, const char *base_dir);

#endif
