/* Run outputs. One writer owns each file's format; report.json's keys are
 * documented in the README ("report.json"). */
#ifndef CLMLP_REPORT_H
#define CLMLP_REPORT_H

#include "clmlp/experiment.h"
#include "clmlp/json.h"
#include "clmlp/json_parse.h"

/* Creates the run directory: cfg->output.run_dir when set (or override_dir),
 * else <output.dir>/<name>-<YYYYmmdd-HHMMSS>[-N]. Fills path. */
int clmlp_run_dir_create(const clmlp_config *cfg, const char *override_dir, char *path, size_t cap, clmlp_err *err);

/* report.json: device (with its probed peak), config echo, data, plan,
 * train (epochs), eval, memory, phases, profile, kernels. */
int clmlp_report_write_json(FILE *out, const clmlp_config *cfg, const clmlp_run_result *res);

/* A probe record as a JSON object under key (NULL inside an array): the
 * roofs (gemm_gflops, gemm_size, copy_gbps, launch_us), then every figure
 * with its spread, when and under what load it was measured. */
void clmlp_report_write_probe(clmlp_json *j, const char *key, const clmlp_probe *p);
/* And back, from such an object (values out of range read as 0). */
void clmlp_report_read_probe(const clmlp_jv *v, clmlp_probe *p);

/* trace.json (Chrome trace event format) from the run's profiler. */
int clmlp_report_write_trace(FILE *out, const clmlp_run_result *res);

/* report.md from a parsed report.json. Check first: a tree without the keys
 * the renderer reads is refused (CLMLP_EXIT_DATA) naming the first missing. */
int clmlp_report_md_check(const clmlp_jv *report, clmlp_err *err);
int clmlp_report_write_md(FILE *out, const void *report /* const clmlp_jv * */);

/* All of a run's files, each written atomically: config.yaml, report.json,
 * report.md (rendered from report.json's text) and trace.json. The report
 * phase is timed into res before report.json is written. */
int clmlp_report_write_run(const char *dir, const clmlp_config *cfg, clmlp_run_result *res, clmlp_err *err);

/* `clmlp report`: dir/report.md again from dir/report.json. */
int clmlp_report_rerender(const char *dir, clmlp_err *err);

#endif
