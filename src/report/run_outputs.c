/* The files of a run directory, and re-rendering report.md and report.html
 * from report.json: both are always made from report.json's text, so a
 * rerender gives the same files the run wrote. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/modelfile.h"
#include "clmlp/report.h"

enum { REPORT_MAX_BYTES = 64u << 20 };

static int write_config(FILE *out, const void *ctx) { return clmlp_config_write_yaml(ctx, out); }

static int write_trace(FILE *out, const void *ctx) { return clmlp_report_write_trace(out, ctx); }

/* One page into dir: through the run's folder rd (a failure goes into its
 * marker), or, rd NULL, straight (a rerender). */
static int write_view(const char *dir, const clmlp_run_dir *rd, const char *name,
                     int (*write_fn)(FILE *out, const void *ctx), const void *ctx, clmlp_err *err)
{
    return rd ? clmlp_run_dir_write(rd, name, write_fn, ctx, err)
              : clmlp_write_file_atomic(dir, name, write_fn, ctx, err);
}

/* dir/trace.json parsed into *trace, or NULL when the folder has none. */
static int read_trace(const char *dir, clmlp_jv **trace, clmlp_err *err)
{
    char path[CLMLP_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/trace.json", dir);
    *trace = NULL;
    if (access(path, F_OK) != 0)
        return 0;
    size_t len = 0;
    char *text = clmlp_read_text_file(path, REPORT_MAX_BYTES, "trace", CLMLP_EXIT_DATA, &len, err);
    if (!text)
        return -1;
    int rc = clmlp_json_parse(text, len, trace, err);
    free(text);
    return rc < 0 ? clmlp_fail_prefix(err, "%s: ", path) : 0;
}

/* report.md and report.html from report.json's text into dir; report.md
 * lists trace.json and report.html draws its timeline when the folder has
 * it. `origin` names the JSON in errors. */
static int render_views(const char *dir, const clmlp_run_dir *rd, const char *text, size_t len, const char *origin,
                        clmlp_err *err)
{
    clmlp_jv *report = NULL, *trace = NULL;
    if (clmlp_json_parse(text, len, &report, err) < 0 || clmlp_report_md_check(report, err) < 0) {
        clmlp_jv_free(report);
        return clmlp_fail_prefix(err, "%s: ", origin);
    }
    clmlp_report_md_escape(report);
    int rc = read_trace(dir, &trace, err);
    clmlp_report_md md = {report, trace != NULL};
    clmlp_report_html html = {report, trace};
    if (rc == 0)
        rc = write_view(dir, rd, "report.md", clmlp_report_write_md, &md, err) < 0 ||
                     write_view(dir, rd, "report.html", clmlp_report_write_html, &html, err) < 0
                 ? -1
                 : 0;
    clmlp_jv_free(trace);
    clmlp_jv_free(report);
    return rc;
}

/* report.json's text in memory, so it can be both written and rendered. */
static char *report_text(const clmlp_config *cfg, const clmlp_run_result *res, size_t *len, clmlp_err *err)
{
    char *text = NULL;
    FILE *mem = open_memstream(&text, len);
    if (!mem) {
        clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory writing report.json");
        return NULL;
    }
    int rc = clmlp_report_write_json(mem, cfg, res);
    if (fclose(mem) != 0 || rc != 0) {
        free(text);
        clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory writing report.json");
        return NULL;
    }
    return text;
}

int clmlp_report_write_run(const clmlp_run_dir *rd, const clmlp_config *cfg, clmlp_run_result *res,
                           clmlp_err *err)
{
    if (clmlp_run_dir_write(rd, "config.yaml", write_config, cfg, err) < 0 ||
        (res->has_model && clmlp_run_dir_write(rd, CLMLP_MODEL_FILE, clmlp_model_write, &res->model, err) < 0) ||
        clmlp_run_phase_end(res, CLMLP_PHASE_REPORT, err) < 0)
        return -1;
    size_t len = 0;
    char *text = report_text(cfg, res, &len, err);
    if (!text)
        return -1;
    clmlp_text json = {text, len};
    int rc = clmlp_run_dir_write(rd, "report.json", clmlp_write_text, &json, err) < 0 ||
                     (res->profile.enabled && clmlp_run_dir_write(rd, "trace.json", write_trace, res, err) < 0) ||
                     render_views(rd->path, rd, text, len, "report.json", err) < 0 ||
                     clmlp_run_dir_complete(rd, err) < 0
                 ? -1
                 : 0;
    free(text);
    return rc;
}

int clmlp_report_rerender(const char *dir, clmlp_err *err)
{
    clmlp_remove_stale_temp_files(dir);
    if (clmlp_run_dir_check_complete(dir, err) < 0)
        return -1;
    char path[CLMLP_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/report.json", dir);
    size_t len = 0;
    char *text = clmlp_read_text_file(path, REPORT_MAX_BYTES, "report", CLMLP_EXIT_DATA, &len, err);
    if (!text)
        return -1;
    int rc = render_views(dir, NULL, text, len, path, err);
    free(text);
    return rc;
}
