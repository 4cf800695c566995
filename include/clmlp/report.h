/* Run outputs. One writer owns each file's format; report.json's keys are
 * documented in the README ("report.json"). */
#ifndef CLMLP_REPORT_H
#define CLMLP_REPORT_H

#include "clmlp/experiment.h"

/* Creates the run directory: cfg->output.run_dir when set (or override_dir),
 * else <output.dir>/<name>-<YYYYmmdd-HHMMSS>[-N]. Fills path. */
int clmlp_run_dir_create(const clmlp_config *cfg, const char *override_dir, char *path, size_t cap, clmlp_err *err);

/* Writes <dir>/<name> through a temporary file and rename, so a failed run
 * never leaves a half-written file. write_fn returns 0 on success. */
int clmlp_write_file_atomic(const char *dir, const char *name, int (*write_fn)(FILE *out, const void *ctx),
                            const void *ctx, clmlp_err *err);

/* report.json: device, config echo, data, plan, train (epochs), eval, memory, phases. */
int clmlp_report_write_json(FILE *out, const clmlp_config *cfg, const clmlp_run_result *res);

#endif
