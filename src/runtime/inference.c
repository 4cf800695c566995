/* Inference over a dataset with a model's parameters; see inference.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/inference.h"

static int buffer(clmlp_inference *inf, size_t bytes, const void *host, cl_mem *out, const char *what, clmlp_err *err)
{
    cl_int rc;
    *out = clCreateBuffer(inf->dev->context, CL_MEM_READ_WRITE, bytes ? bytes : 4, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer", err) < 0)
        return clmlp_fail_prefix(err, "%s (%zu bytes): ", what, bytes);
    inf->device_bytes += bytes;
    if (!host || !bytes)
        return 0;
    cl_event *ev = NULL;
    clmlp_pending_event *timing = NULL;
    if (clmlp_profiler_transfer(inf->prof, inf->prof_upload, (double)bytes, true, &ev, &timing, err) < 0)
        return -1;
    double begin = clmlp_now();
    if (clmlp_cl_check(clEnqueueWriteBuffer(inf->dev->queue, *out, CL_TRUE, 0, bytes, host, 0, NULL, ev),
                       "clEnqueueWriteBuffer", err) < 0 ||
        clmlp_profiler_host_span(inf->dev, ev, timing, begin, err) < 0)
        return clmlp_fail_prefix(err, "uploading %s (%zu bytes): ", what, bytes);
    return 0;
}

static int read_back(clmlp_inference *inf, cl_mem mem, size_t offset, size_t bytes, void *host, int stat,
                     const char *call, clmlp_err *err)
{
    cl_event *ev = NULL;
    clmlp_pending_event *timing = NULL;
    if (clmlp_profiler_transfer(inf->prof, stat, (double)bytes, true, &ev, &timing, err) < 0)
        return -1;
    double begin = clmlp_now();
    if (clmlp_cl_check(clEnqueueReadBuffer(inf->dev->queue, mem, CL_TRUE, offset, bytes, host, 0, NULL, ev), call,
                       err) < 0)
        return -1;
    return clmlp_profiler_host_span(inf->dev, ev, timing, begin, err);
}

int clmlp_inference_create(clmlp_device *dev, const clmlp_plan *plan, const clmlp_model *m, clmlp_profiler *prof,
                           clmlp_inference *inf, clmlp_err *err)
{
    memset(inf, 0, sizeof *inf);
    inf->dev = dev;
    inf->plan = plan;
    inf->prof = prof && prof->enabled ? prof : NULL;
    if (inf->prof && (clmlp_profiler_add_plan(prof, plan, "eval", &inf->prof_plan, err) < 0 ||
                      clmlp_profiler_add_transfer(prof, "upload (write)", &inf->prof_upload, err) < 0 ||
                      clmlp_profiler_add_transfer(prof, "predictions (read)", &inf->prof_preds, err) < 0 ||
                      clmlp_profiler_add_transfer(prof, "logits (read)", &inf->prof_logits, err) < 0))
        return -1;
    if (clmlp_executor_create(dev, plan, NULL, &inf->ex, err) < 0 || clmlp_executor_write_model(&inf->ex, m, err) < 0)
        return clmlp_fail_prefix(err, "inference plan: ");
    return 0;
}

/* Softmax of one row of logits, in double (exact enough to sum to 1 in float). */
static void softmax_row(const float *z, int n, float *out)
{
    double top = z[0], sum = 0;
    for (int i = 1; i < n; i++)
        top = z[i] > top ? z[i] : top;
    for (int i = 0; i < n; i++)
        sum += exp((double)z[i] - top);
    for (int i = 0; i < n; i++)
        out[i] = (float)(exp((double)z[i] - top) / sum);
}

int clmlp_inference_run(clmlp_inference *inf, const clmlp_dataset *ds, int *pred, float *probs, clmlp_err *err)
{
    const clmlp_graph *g = &inf->plan->graph;
    const int batch = g->batch, classes = g->classes;
    if (clmlp_dataset_features(ds) != g->input_dim)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "the images are %dx%d = %lld pixels but the model's input is %d",
                          ds->rows, ds->cols, (long long)clmlp_dataset_features(ds), g->input_dim);
    if (probs && (g->logits < 0 || !inf->ex.tensor_mem[g->logits]))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "the inference plan keeps no logits to read probabilities from");
    int batches = (int)((ds->count + batch - 1) / batch);
    size_t padded = (size_t)batches * batch, features = (size_t)g->input_dim;
    /* The last batch is padded with example 0; its rows are not read. */
    uint32_t *index = clmlp_calloc(padded, sizeof *index, err);
    uint8_t *labels = clmlp_calloc((size_t)ds->count, 1, err); /* the gather reads labels: zeros when there are none */
    float *logits = probs ? clmlp_calloc((size_t)batch * classes, sizeof *logits, err) : NULL;
    int rc = index && labels && (!probs || logits) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < (size_t)ds->count; i++)
        index[i] = (uint32_t)i;
    if (rc == 0 && ds->labels)
        memcpy(labels, ds->labels, (size_t)ds->count);
    if (rc == 0 &&
        (buffer(inf, (size_t)ds->count * features, ds->pixels, &inf->pixels, "images", err) < 0 ||
         buffer(inf, (size_t)ds->count, labels, &inf->labels, "labels", err) < 0 ||
         buffer(inf, padded * 4, index, &inf->index, "order", err) < 0 ||
         buffer(inf, padded * 4, NULL, &inf->preds, "predictions", err) < 0 ||
         clmlp_executor_bind_external(&inf->ex, CLMLP_EXT_PIXELS, inf->pixels, err) < 0 ||
         clmlp_executor_bind_external(&inf->ex, CLMLP_EXT_LABELS, inf->labels, err) < 0 ||
         clmlp_executor_bind_external(&inf->ex, CLMLP_EXT_INDEX, inf->index, err) < 0 ||
         clmlp_executor_bind_external(&inf->ex, CLMLP_EXT_OUTPUT, inf->preds, err) < 0))
        rc = -1;
    for (int b = 0; rc == 0 && b < batches; b++) {
        clmlp_step_args args = {.first = b * batch, .output_offset = b * batch, .lr = 0};
        cl_event *events = NULL;
        clmlp_pending_event *timing = NULL;
        bool traced = inf->prof && b < inf->prof->trace_steps;
        if (clmlp_profiler_launches(inf->prof, inf->prof_plan, inf->plan->n_launches, traced, b + 1, &events, &timing,
                                    err) < 0 ||
            clmlp_executor_run(&inf->ex, &args, events, timing, err) < 0) {
            rc = clmlp_fail_prefix(err, "inference batch %d: ", b);
            break;
        }
        if (!probs)
            continue;
        /* the batch's logits, before the next batch overwrites them */
        int64_t rows = ds->count - (int64_t)b * batch < batch ? ds->count - (int64_t)b * batch : batch;
        if (read_back(inf, inf->ex.tensor_mem[g->logits], 0, (size_t)rows * classes * sizeof *logits, logits,
                      inf->prof_logits, "clEnqueueReadBuffer(logits)", err) < 0) {
            rc = -1;
            break;
        }
        for (int64_t r = 0; r < rows; r++)
            softmax_row(logits + r * classes, classes, probs + ((size_t)b * batch + (size_t)r) * classes);
    }
    if (rc == 0 && read_back(inf, inf->preds, 0, (size_t)ds->count * sizeof(int), pred, inf->prof_preds,
                             "clEnqueueReadBuffer(predictions)", err) < 0)
        rc = -1;
    if (rc == 0)
        rc = clmlp_profiler_flush(inf->prof, err);
    free(index);
    free(labels);
    free(logits);
    return rc;
}

void clmlp_inference_release(clmlp_inference *inf)
{
    clmlp_executor_release(&inf->ex);
    cl_mem *mems[] = {&inf->pixels, &inf->labels, &inf->index, &inf->preds};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mems); i++)
        if (*mems[i]) {
            clReleaseMemObject(*mems[i]);
            *mems[i] = NULL;
        }
}
