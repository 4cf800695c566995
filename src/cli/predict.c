/* clmlp predict MODEL|RUN_DIR DATA... [--out results.csv] [--force]
 *               [--probabilities] [--config CONFIG] [--set k=v]
 * Kaggle's submission file: `ImageId,Label`, ImageId from 1 in the data's
 * order; --probabilities adds the classes' softmax probabilities, p0..pN
 * (an MLP's only: an SVM model votes, and predict refuses the option).
 * The output is refused when it exists (--force replaces it), checked
 * writable before any work, and written atomically. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infer.h"

typedef struct {
    const int *pred;
    const float *probs; /* NULL: two columns */
    int64_t count;
    int classes;
} results;

static int write_results(FILE *out, const void *ctx)
{
    const results *r = ctx;
    fputs("ImageId,Label", out);
    for (int c = 0; r->probs && c < r->classes; c++)
        fprintf(out, ",p%d", c);
    fputc('\n', out);
    for (int64_t i = 0; i < r->count; i++) {
        fprintf(out, "%lld,%d", (long long)i + 1, r->pred[i]);
        for (int c = 0; r->probs && c < r->classes; c++)
            fprintf(out, ",%.6f", r->probs[i * r->classes + c]);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

/* --out split into its folder and name; an existing file is refused
 * unless --force, and the folder must exist and be writable. */
static int check_out(const char *out, bool force, char *dir, char *name, size_t cap, clmlp_err *err)
{
    char a[CLMLP_PATH_MAX], b[CLMLP_PATH_MAX];
    clmlp_strlcpy(a, out, sizeof a);
    clmlp_strlcpy(b, out, sizeof b);
    clmlp_strlcpy(dir, dirname(a), cap);
    clmlp_strlcpy(name, basename(b), cap);
    struct stat st;
    if (stat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "output '%s' is a folder: --out names the CSV file to write", out);
        if (!force)
            return clmlp_fail(err, CLMLP_EXIT_USAGE,
                              "output '%s' already exists: choose a new name, remove it, or --force to replace it", out);
    }
    if (access(dir, W_OK) != 0)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "output folder '%s' is not writable: %s", dir, strerror(errno));
    return 0;
}

int clmlp_cmd_predict(int argc, char **argv)
{
    clmlp_err err = {0};
    infer_args a;
    infer_job job;
    char dir[CLMLP_PATH_MAX], name[CLMLP_PATH_MAX];
    if (infer_parse(argc, argv, "predict", "--out --force --probabilities --set --config", &a, &err) < 0)
        return clmlp_cli_report_error(&err);
    const char *out = a.out ? a.out : "results.csv";
    if (check_out(out, a.force, dir, name, sizeof dir, &err) < 0) /* before any work */
        return clmlp_cli_report_error(&err);
    int rc = infer_prepare(&a, "predict", false, &job, &err);
    const int classes = job.model.classes;
    int *pred = rc == 0 ? clmlp_calloc((size_t)job.data.count, sizeof *pred, &err) : NULL;
    float *probs = rc == 0 && a.probabilities
                       ? clmlp_calloc((size_t)job.data.count * (size_t)classes, sizeof *probs, &err)
                       : NULL;
    if (rc == 0 && (!pred || (a.probabilities && !probs)))
        rc = -1;
    if (rc == 0) {
        infer_print_setup(&job);
        rc = infer_run(&job, pred, probs, &err);
    }
    results r = {pred, probs, job.data.count, classes};
    if (rc == 0)
        rc = clmlp_write_file_atomic(dir, name, write_results, &r, &err);
    if (rc == 0) {
        printf("wrote:   %s (%lld rows: ImageId,Label%s)\n", out, (long long)job.data.count,
               probs ? ",p0..p(classes-1)" : "");
        infer_print_profile(&job);
    }
    free(pred);
    free(probs);
    infer_release(&job);
    return rc < 0 ? clmlp_cli_report_error(&err) : 0;
}
