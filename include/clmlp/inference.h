/* Inference with a trained model (clmlp eval, clmlp predict): the
 * evaluation plan compiled from the model's architecture runs over a
 * dataset in batches, on any OpenCL device, with the model's parameters
 * uploaded once. Every launch and transfer is profiled like a run's. */
#ifndef CLMLP_INFERENCE_H
#define CLMLP_INFERENCE_H

#include "clmlp/data.h"
#include "clmlp/modelfile.h"
#include "clmlp/profile.h"
#include "clmlp/runtime.h"

typedef struct clmlp_inference {
    clmlp_device *dev;
    const clmlp_plan *plan; /* an evaluation plan (forward + argmax); the caller's, outliving this */
    clmlp_executor ex;
    cl_mem pixels, labels, index, preds;
    clmlp_profiler *prof; /* NULL: off */
    int prof_plan, prof_upload, prof_preds, prof_logits;
    size_t device_bytes;
} clmlp_inference;

/* Builds the plan's programs and uploads the model's parameters (their
 * names and shapes must be the plan's). prof may be NULL. */
int clmlp_inference_create(clmlp_device *dev, const clmlp_plan *plan, const clmlp_model *m, clmlp_profiler *prof,
                           clmlp_inference *inf, clmlp_err *err);
/* Predictions for every image of ds (pred: ds->count entries) and, with
 * probs non-NULL, the softmax of the logits (ds->count x classes, read
 * back per batch). ds needs no labels. */
int clmlp_inference_run(clmlp_inference *inf, const clmlp_dataset *ds, int *pred, float *probs, clmlp_err *err);
void clmlp_inference_release(clmlp_inference *inf);

#endif
