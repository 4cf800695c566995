/* Run outputs. One writer owns each file's format; report.json's keys are
 * documented in the README ("report.json"). */
#ifndef CLMLP_REPORT_H
#define CLMLP_REPORT_H

#include "clmlp/experiment.h"
#include "clmlp/json.h"
#include "clmlp/json_parse.h"

/* ---- The run directory ----
 * Made ready before any work, so a bad output folder costs nothing: it is
 * created, or is an existing folder that holds no run, and writing its
 * marker file proves outputs can be written there. The marker stays until
 * the last output is written (clmlp_run_dir_complete), so a run that was
 * killed, or could not write its outputs (disk full), leaves a folder that
 * says so: `clmlp report` refuses it with the marker's first line. Every
 * file is written atomically, so those present are whole. */
#define CLMLP_RUN_MARKER "INCOMPLETE"

typedef enum {
    CLMLP_RUN_DIR_NEW,    /* an existing folder must not hold a run's files (report.json, compare.json, ...) */
    CLMLP_RUN_DIR_RESUME, /* it may: the hook for resuming a run, whose files are then replaced */
} clmlp_run_dir_mode;

typedef struct clmlp_run_dir {
    char path[CLMLP_PATH_MAX];
    bool created; /* this process made the folder: abandoning the run removes it again */
} clmlp_run_dir;

/* override_dir (--out) or cfg->output.run_dir when set, else a new
 * <output.dir>/<name>-<YYYYmmdd-HHMMSS>[-N]. Errors: a folder holding a
 * run (CLMLP_EXIT_USAGE), one that cannot be created or written
 * (CLMLP_EXIT_INTERNAL), each one line naming the folder. */
int clmlp_run_dir_prepare(const clmlp_config *cfg, const char *override_dir, clmlp_run_dir_mode mode,
                          clmlp_run_dir *rd, clmlp_err *err);
/* One output, written atomically; a failure is also recorded in the marker. */
int clmlp_run_dir_write(const clmlp_run_dir *rd, const char *name, int (*write_fn)(FILE *out, const void *ctx),
                        const void *ctx, clmlp_err *err);
/* Every output is written: the marker goes. */
int clmlp_run_dir_complete(const clmlp_run_dir *rd, clmlp_err *err);
/* The run ended with nothing to write: the marker goes, and the folder
 * when this process made it (and nothing else is in it). */
void clmlp_run_dir_abandon(const clmlp_run_dir *rd);
/* A folder with a marker is refused (CLMLP_EXIT_DATA), saying why. */
int clmlp_run_dir_check_complete(const char *dir, clmlp_err *err);

/* report.json: device (with its probed peak), config echo (config.kind
 * "mlp" or "svm", each kind its own recipe keys), data, plan, train
 * (epochs; none for an SVM), eval, svm (an SVM's solver, null for an MLP),
 * memory, phases, profile, kernels. */
int clmlp_report_write_json(FILE *out, const clmlp_config *cfg, const clmlp_run_result *res);

/* A probe record as a JSON object under key (NULL inside an array): the
 * roofs (gemm_gflops, gemm_size, copy_gbps, launch_us), then every figure
 * with its spread, when and under what load it was measured. */
void clmlp_report_write_probe(clmlp_json *j, const char *key, const clmlp_probe *p);
/* And back, from such an object (values out of range read as 0). */
void clmlp_report_read_probe(const clmlp_jv *v, clmlp_probe *p);

/* trace.json (Chrome trace event format) from the run's profiler. */
int clmlp_report_write_trace(FILE *out, const clmlp_run_result *res);

/* report.md from a parsed report.json. Check first: a tree the renderer
 * cannot show truthfully is refused (CLMLP_EXIT_DATA) in one line naming
 * the key: a missing key (an MLP's batch and plan, an SVM's svm object),
 * another clmlp_report_version than "1", a config.kind other than mlp or
 * svm, a value of the wrong type, an accuracy outside 0..1. An SVM's
 * report.md has an SVM section where an MLP's has its epochs. */
int clmlp_report_md_check(const clmlp_jv *report, clmlp_err *err);
/* Control characters in the tree's strings as visible escapes (\n, \x1b),
 * so no name or label can break report.md's lines. */
void clmlp_report_md_escape(clmlp_jv *report);
typedef struct clmlp_report_md {
    const clmlp_jv *report; /* checked and escaped */
    bool has_trace;         /* trace.json is in the run directory */
} clmlp_report_md;
int clmlp_report_write_md(FILE *out, const void *md /* const clmlp_report_md * */);

/* report.html: the same report.json as pictures (svg.h), one
 * self-contained page: the roofline of a training step's kernels, a step's
 * time by kernel, the traced steps' timeline (from trace.json, when the
 * folder has it), loss and epoch times, the confusion matrix, memory; for
 * an SVM the training kernels' roofline, then the solver (its time split
 * between device and host, support vectors per class) instead of steps
 * and epochs. report is checked as for report.md; trace may be NULL. */
typedef struct clmlp_report_html {
    const clmlp_jv *report;
    const clmlp_jv *trace; /* trace.json parsed, or NULL */
} clmlp_report_html;
int clmlp_report_write_html(FILE *out, const void *html /* const clmlp_report_html * */);

/* All of a run's files, each written atomically, the most valuable first
 * in case the disk fills: config.yaml, model.safetensors (when the run
 * has its trained parameters), report.json, trace.json, report.md
 * and report.html (rendered from report.json's text); then the folder is complete. The
 * report phase is timed into res before report.json is written. */
int clmlp_report_write_run(const clmlp_run_dir *rd, const clmlp_config *cfg, clmlp_run_result *res,
                           clmlp_err *err);

/* `clmlp report`: dir/report.md and report.html again from dir/report.json (an incomplete
 * folder is refused; temporary files of killed writers are removed). */
int clmlp_report_rerender(const char *dir, clmlp_err *err);

#endif
