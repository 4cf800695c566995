/* The run directory: made ready before any work, refused when it already
 * holds a run, marked incomplete until its last output is written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clmlp/modelfile.h"
#include "clmlp/report.h"

/* The files a run (train, compare, extrapolate, sweep) leaves; one of them in a
 * folder means the folder holds a run. */
static const char *const run_files[] = {CLMLP_RUN_MARKER, "report.json",  "report.md",      "trace.json",
                                        "config.yaml",    "compare.json", "compare.md",     "extrapolate.md",
                                        CLMLP_MODEL_FILE, CLMLP_CHECKPOINT_FILE, "sweep.json", "sweep.md"};

static bool exists(const char *dir, const char *name)
{
    char path[CLMLP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* An existing folder must be empty of runs, unless resuming one. */
static int check_existing(const char *path, clmlp_run_dir_mode mode, clmlp_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot use output folder '%s': %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "output folder '%s' is a file, not a folder", path);
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(run_files) && mode == CLMLP_RUN_DIR_NEW; i++)
        if (exists(path, run_files[i]))
            return clmlp_fail(err, CLMLP_EXIT_USAGE,
                              "output folder '%s' already holds a run (%s): choose a new folder or remove that one",
                              path, run_files[i]);
    return 0;
}

/* The exact folder --out or output.run_dir names. */
static int exact_dir(const char *exact, clmlp_run_dir_mode mode, clmlp_run_dir *rd, clmlp_err *err)
{
    clmlp_strlcpy(rd->path, exact, sizeof rd->path);
    if (access(rd->path, F_OK) == 0)
        return check_existing(rd->path, mode, err);
    rd->created = true;
    return clmlp_mkdir_p(rd->path, err);
}

/* A new <output.dir>/<name>-<YYYYmmdd-HHMMSS>[-N]. */
static int stamped_dir(const clmlp_config *cfg, clmlp_run_dir *rd, clmlp_err *err)
{
    const char *parent = cfg->output.dir[0] ? cfg->output.dir : "runs";
    if (clmlp_mkdir_p(parent, err) < 0)
        return -1;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 0; n < 100; n++) {
        char candidate[CLMLP_PATH_MAX + CLMLP_NAME_MAX + 64];
        if (n == 0)
            snprintf(candidate, sizeof candidate, "%s/%s-%s", parent, cfg->name, stamp);
        else
            snprintf(candidate, sizeof candidate, "%s/%s-%s-%d", parent, cfg->name, stamp, n);
        clmlp_strlcpy(rd->path, candidate, sizeof rd->path);
        if (mkdir(rd->path, 0755) == 0) {
            rd->created = true;
            return 0;
        }
        if (errno != EEXIST)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot create run directory '%s': %s", rd->path,
                              strerror(errno));
    }
    return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "too many runs named %s-%s in %s", cfg->name, stamp, parent);
}

/* The marker's text: its first line is why the folder is incomplete. */
static int write_marker(FILE *out, const void *ctx)
{
    fprintf(out, "%s\nThis file goes when every output of the run is written; `clmlp report` refuses the folder "
                 "while it is here.\n",
            (const char *)ctx);
    return ferror(out) ? -1 : 0;
}

int clmlp_run_dir_prepare(const clmlp_config *cfg, const char *override_dir, clmlp_run_dir_mode mode,
                          clmlp_run_dir *rd, clmlp_err *err)
{
    memset(rd, 0, sizeof *rd);
    const char *exact = override_dir ? override_dir : cfg->output.run_dir;
    if ((exact && exact[0] ? exact_dir(exact, mode, rd, err) : stamped_dir(cfg, rd, err)) < 0)
        return -1;
    char why[160], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(why, sizeof why, "the run (clmlp pid %ld, started %s) has not finished writing its outputs: it is "
                              "still going, or it was stopped", (long)getpid(), stamp);
    /* Writing the marker is the proof that outputs can be written here. */
    if (clmlp_write_file_atomic(rd->path, CLMLP_RUN_MARKER, write_marker, why, err) < 0) {
        clmlp_run_dir_abandon(rd);
        return clmlp_fail_prefix(err, "output folder '%s' is not writable: ", rd->path);
    }
    return 0;
}

int clmlp_run_dir_write(const clmlp_run_dir *rd, const char *name, int (*write_fn)(FILE *out, const void *ctx),
                        const void *ctx, clmlp_err *err)
{
    if (clmlp_write_file_atomic(rd->path, name, write_fn, ctx, err) == 0)
        return 0;
    /* Say in the marker what went wrong; on a full disk even that may fail,
     * and the marker's first words still say the run did not finish. */
    char why[CLMLP_NAME_MAX + sizeof err->msg];
    snprintf(why, sizeof why, "writing %s failed: %s", name, err->msg);
    clmlp_err ignored = {0};
    clmlp_write_file_atomic(rd->path, CLMLP_RUN_MARKER, write_marker, why, &ignored);
    return -1;
}

int clmlp_run_dir_complete(const clmlp_run_dir *rd, clmlp_err *err)
{
    char path[CLMLP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", rd->path, CLMLP_RUN_MARKER);
    if (unlink(path) != 0 && errno != ENOENT)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot remove '%s': %s", path, strerror(errno));
    return 0;
}

void clmlp_run_dir_abandon(const clmlp_run_dir *rd)
{
    clmlp_err ignored = {0};
    clmlp_run_dir_complete(rd, &ignored);
    if (rd->created)
        rmdir(rd->path); /* only when empty: files someone put there stay */
}

int clmlp_run_dir_check_complete(const char *dir, clmlp_err *err)
{
    char path[CLMLP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, CLMLP_RUN_MARKER);
    if (access(path, F_OK) != 0)
        return 0;
    size_t len = 0;
    char *text = clmlp_read_text_file(path, 1u << 20, "marker", CLMLP_EXIT_DATA, &len, err);
    if (!text)
        return -1;
    text[strcspn(text, "\n")] = '\0';
    clmlp_fail(err, CLMLP_EXIT_DATA, "'%s' is an incomplete run directory: %s", dir,
               text[0] ? text : "the run stopped before it wrote all its outputs");
    free(text);
    return -1;
}
