/* clmlp eval MODEL|RUN_DIR DATA... [--config CONFIG] [--set k=v]
 * Accuracy and the confusion matrix of a trained model on labeled data
 * (a Kaggle CSV with its label column, or IDX images and labels), through
 * the inference plan its metadata describe (an SVM: its kernel GEMM and
 * votes), with the profile. */
#include <stdlib.h>

#include "infer.h"

static void print_confusion(const int64_t *confusion, int classes)
{
    printf("confusion matrix (rows: true class, columns: predicted)\n      ");
    for (int p = 0; p < classes; p++)
        printf("%6d", p);
    printf("\n");
    for (int t = 0; t < classes; t++) {
        printf("%6d", t);
        for (int p = 0; p < classes; p++)
            printf("%6lld", (long long)confusion[t * classes + p]);
        printf("\n");
    }
}

int clmlp_cmd_eval(int argc, char **argv)
{
    clmlp_err err = {0};
    infer_args a;
    infer_job job;
    if (infer_parse(argc, argv, "eval", "--set --config", &a, &err) < 0)
        return clmlp_cli_report_error(&err);
    int rc = infer_prepare(&a, "eval", true, &job, &err);
    const int classes = job.model.classes;
    int *pred = rc == 0 ? clmlp_calloc((size_t)job.data.count, sizeof *pred, &err) : NULL;
    int64_t *confusion = rc == 0 ? clmlp_calloc((size_t)classes * classes, sizeof *confusion, &err) : NULL;
    if (rc == 0 && (!pred || !confusion))
        rc = -1;
    if (rc == 0)
        infer_print_setup(&job);
    for (int64_t i = 0; rc == 0 && i < job.data.count; i++)
        if (job.data.labels[i] >= classes)
            rc = clmlp_fail(&err, CLMLP_EXIT_DATA, "%s: example %lld has label %d but the model has %d classes",
                            a.data[0], (long long)i, job.data.labels[i], classes);
    if (rc == 0)
        rc = infer_run(&job, pred, NULL, &err);
    int64_t correct = 0;
    for (int64_t i = 0; rc == 0 && i < job.data.count; i++) {
        confusion[job.data.labels[i] * classes + pred[i]]++;
        correct += job.data.labels[i] == pred[i];
    }
    if (rc == 0) {
        printf("accuracy: %.2f %% (%lld/%lld)\n", 100.0 * (double)correct / (double)job.data.count, (long long)correct,
               (long long)job.data.count);
        print_confusion(confusion, classes);
        infer_print_profile(&job);
    }
    free(pred);
    free(confusion);
    infer_release(&job);
    return rc < 0 ? clmlp_cli_report_error(&err) : 0;
}
