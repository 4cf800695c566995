/* Training session: see session.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/session.h"

#include "clmlp/dist.h"

/* Keep at most about this many steps in flight: the host waits on a marker
 * from SYNC_EVERY steps ago, so the device never idles and progress is real. */
#define SYNC_EVERY 10

/* A blocking write of `bytes` from host, recorded as transfer `stat`. */
static int write_buffer(clmlp_session *s, cl_mem mem, size_t bytes, const void *host, int stat, bool blocking,
                        const char *call, clmlp_err *err)
{
    cl_event *ev = NULL;
    clmlp_pending_event *timing = NULL;
    if (clmlp_profiler_transfer(s->prof, stat, (double)bytes, true, &ev, &timing, err) < 0)
        return -1;
    double begin = clmlp_now();
    if (clmlp_cl_check(clEnqueueWriteBuffer(s->dev->queue, mem, blocking ? CL_TRUE : CL_FALSE, 0, bytes, host, 0,
                                            NULL, ev),
                       call, err) < 0)
        return -1;
    return clmlp_profiler_host_span(s->dev, ev, timing, begin, err);
}

static int read_buffer(clmlp_session *s, cl_mem mem, size_t bytes, void *host, int stat, const char *call,
                       clmlp_err *err)
{
    cl_event *ev = NULL;
    clmlp_pending_event *timing = NULL;
    if (clmlp_profiler_transfer(s->prof, stat, (double)bytes, true, &ev, &timing, err) < 0)
        return -1;
    double begin = clmlp_now();
    if (clmlp_cl_check(clEnqueueReadBuffer(s->dev->queue, mem, CL_TRUE, 0, bytes, host, 0, NULL, ev), call, err) < 0)
        return -1;
    return clmlp_profiler_host_span(s->dev, ev, timing, begin, err);
}

/* A device buffer, filled from host (blocking) when host is non-NULL. */
static int device_buffer(clmlp_session *s, size_t bytes, const void *host, cl_mem *out, const char *what,
                         clmlp_err *err)
{
    cl_int rc;
    *out = clCreateBuffer(s->dev->context, CL_MEM_READ_WRITE, bytes ? bytes : 4, NULL, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer", err) < 0 ||
        (host && bytes && write_buffer(s, *out, bytes, host, s->prof_upload, true, "clEnqueueWriteBuffer", err) < 0))
        return clmlp_fail_prefix(err, "%s (%zu bytes): ", what, bytes);
    return 0;
}

/* The images of a dataset as a device buffer. A device that shares the
 * host's memory uses page-aligned images in place (CL_MEM_USE_HOST_PTR, no
 * second copy: the seed run's host peak 228 -> 176 MiB); any other device,
 * or images that are not aligned, gets a copy. Either way the dataset must
 * outlive the session (session.h). */
static int image_buffer(clmlp_session *s, size_t bytes, const uint8_t *pixels, cl_mem *out, const char *what,
                        clmlp_err *err)
{
    if (!s->dev->desc.host_unified || (uintptr_t)pixels % CLMLP_DATA_ALIGN != 0)
        return device_buffer(s, bytes, pixels, out, what, err);
    cl_int rc;
    *out = clCreateBuffer(s->dev->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, bytes, (void *)pixels, &rc);
    if (clmlp_cl_check(rc, "clCreateBuffer(CL_MEM_USE_HOST_PTR)", err) < 0)
        return clmlp_fail_prefix(err, "%s (%zu bytes, used in place): ", what, bytes);
    return 0;
}

void clmlp_session_options_from_config(const clmlp_config *cfg, clmlp_session_options *opt)
{
    opt->shuffle = cfg->data.shuffle;
    opt->shuffle_seed = cfg->data.shuffle_seed;
    opt->stream = cfg->data.stream;
    opt->rank = 0;
    opt->ranks = 1;
}

/* The first launch of the optimizer (the plan ends with it): the step's
 * gradients are complete before it. n_launches when there is none. */
static int optimizer_launch(const clmlp_plan *p)
{
    for (int i = 0; i < p->n_launches; i++) {
        clmlp_op_kind k = p->graph.ops[p->launches[i].op].kind;
        if (k == CLMLP_OP_ADAM || k == CLMLP_OP_SGD || k == CLMLP_OP_ADAM_MULTI || k == CLMLP_OP_SGD_MULTI)
            return i;
    }
    return p->n_launches;
}

int clmlp_session_create(const clmlp_session_options *opt, clmlp_device *dev, const clmlp_plan *train,
                         const clmlp_plan *eval, clmlp_session *s, clmlp_err *err)
{
    memset(s, 0, sizeof *s);
    s->opt = *opt;
    s->dev = dev;
    s->train_plan = train;
    s->eval_plan = eval;
    s->input_dim = train->graph.input_dim;
    clmlp_rng_seed(&s->shuffle_rng, opt->shuffle_seed);
    if (s->opt.ranks < 1)
        s->opt.ranks = 1;
    s->optimizer_launch = optimizer_launch(train);
    if (clmlp_executor_create(dev, train, NULL, &s->train, err) < 0 ||
        clmlp_executor_create(dev, eval, &s->train, &s->eval, err) < 0) {
        clmlp_session_release(s);
        return -1;
    }
    return 0;
}

int clmlp_session_attach_profiler(clmlp_session *s, clmlp_profiler *prof, clmlp_err *err)
{
    s->prof = NULL;
    if (!prof || !prof->enabled)
        return 0;
    if (clmlp_profiler_add_plan(prof, s->train_plan, "train", &s->prof_train, err) < 0 ||
        clmlp_profiler_add_plan(prof, s->eval_plan, "eval", &s->prof_eval, err) < 0 ||
        clmlp_profiler_add_transfer(prof, "upload (write)", &s->prof_upload, err) < 0 ||
        clmlp_profiler_add_transfer(prof, "epoch order (write)", &s->prof_order, err) < 0 ||
        clmlp_profiler_add_transfer(prof, "epoch losses (read)", &s->prof_losses, err) < 0 ||
        clmlp_profiler_add_transfer(prof, "predictions (read)", &s->prof_preds, err) < 0 ||
        clmlp_profiler_add_transfer(prof, "training chunk (write)", &s->prof_chunk, err) < 0)
        return -1;
    s->prof = prof;
    return 0;
}

int clmlp_session_init_params(clmlp_session *s, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    clmlp_rng rng;
    clmlp_rng_seed(&rng, g->init_seed);
    for (int p = 0; p < g->n_params; p++) {
        const clmlp_tensor *t = &g->tensors[g->params[p]];
        size_t n = (size_t)t->rows * t->cols;
        float *host = clmlp_calloc(n, sizeof *host, err);
        if (!host)
            return -1;
        double sd = t->init_stddev;
        for (size_t i = 0; i < n && sd > 0; i++)
            host[i] = (float)(sd * clmlp_rng_normal(&rng));
        int rc = clmlp_executor_write_tensor(&s->train, g->params[p], host, err);
        free(host);
        if (rc < 0)
            return -1;
    }
    s->step = 0;
    for (clmlp_region r = CLMLP_REGION_GRADS; r < CLMLP_REGION_COUNT; r++)
        if (clmlp_executor_zero_region(&s->train, r, err) < 0)
            return -1;
    return 0;
}

static int check_features(const clmlp_session *s, const clmlp_dataset *ds, const char *split, clmlp_err *err)
{
    if (clmlp_dataset_features(ds) != s->input_dim)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "the %s set has %dx%d images but the model input is %d", split,
                          ds->rows, ds->cols, s->input_dim);
    return 0;
}

/* Binds the run-owned buffers of one executor; NULL ones are left for later. */
static int bind_run_buffers(clmlp_executor *ex, cl_mem pixels, cl_mem labels, cl_mem index, cl_mem output,
                            clmlp_err *err)
{
    const cl_mem mems[CLMLP_EXT_COUNT] = {[CLMLP_EXT_PIXELS] = pixels, [CLMLP_EXT_LABELS] = labels,
                                          [CLMLP_EXT_INDEX] = index, [CLMLP_EXT_OUTPUT] = output};
    for (int e = 0; e < CLMLP_EXT_COUNT; e++)
        if (mems[e] && clmlp_executor_bind_external(ex, (clmlp_external)e, mems[e], err) < 0)
            return -1;
    return 0;
}

/* Whether the training set should stay on the host: asked for, or larger
 * than one allocation or than what the device has left beside the plans. */
static bool should_stream(const clmlp_session *s, size_t pixels)
{
    const clmlp_device_desc *d = &s->dev->desc;
    size_t plans = s->train_plan->buffers.peak_bytes + s->eval_plan->buffers.peak_bytes;
    if (s->opt.stream)
        return true;
    if (d->max_alloc && pixels > d->max_alloc)
        return true;
    return d->global_mem && pixels + plans > d->global_mem / 10 * 8;
}

static int setup_streaming(clmlp_session *s, const clmlp_dataset *ds, clmlp_err *err)
{
    const int batch = s->train_plan->graph.batch;
    s->streaming = true;
    s->train_host = ds;
    s->chunk_steps = s->steps_per_epoch < SYNC_EVERY ? s->steps_per_epoch : SYNC_EVERY;
    size_t examples = (size_t)s->chunk_steps * batch, pixels = examples * (size_t)s->input_dim;
    /* Within a chunk the examples are already in epoch order: the index is the identity. */
    for (size_t i = 0; i < examples; i++)
        s->order[i] = (uint32_t)i;
    if (device_buffer(s, examples * 4, s->order, &s->train_index, "chunk order", err) < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        s->staging_pixels[k] = clmlp_calloc(pixels, 1, err);
        s->staging_labels[k] = clmlp_calloc(examples, 1, err);
        if (!s->staging_pixels[k] || !s->staging_labels[k] ||
            device_buffer(s, pixels, NULL, &s->chunk_pixels[k], "training chunk", err) < 0 ||
            device_buffer(s, examples, NULL, &s->chunk_labels[k], "training chunk labels", err) < 0)
            return -1;
    }
    for (int64_t i = 0; i < ds->count; i++)
        s->order[i] = (uint32_t)i;
    s->dataset_device_bytes += 2 * (pixels + examples);
    s->run_buffer_bytes += examples * 4;
    return 0;
}

/* Packs chunk `slot` with the examples of steps [first_step, first_step + steps)
 * in epoch order, uploads it without blocking and binds it to the gather. */
static int stream_chunk(clmlp_session *s, int slot, int first_step, int steps, clmlp_err *err)
{
    const int batch = s->train_plan->graph.batch;
    const size_t features = (size_t)s->input_dim, examples = (size_t)steps * batch;
    const clmlp_dataset *ds = s->train_host;
    for (size_t i = 0; i < examples; i++) {
        uint32_t e = s->order[(size_t)first_step * batch + i];
        memcpy(s->staging_pixels[slot] + i * features, ds->pixels + (size_t)e * features, features);
        s->staging_labels[slot][i] = ds->labels[e];
    }
    if (write_buffer(s, s->chunk_pixels[slot], examples * features, s->staging_pixels[slot], s->prof_chunk, false,
                     "clEnqueueWriteBuffer(training chunk)", err) < 0 ||
        write_buffer(s, s->chunk_labels[slot], examples, s->staging_labels[slot], s->prof_chunk, false,
                     "clEnqueueWriteBuffer(training chunk labels)", err) < 0)
        return -1;
    if (clmlp_executor_bind_external(&s->train, CLMLP_EXT_PIXELS, s->chunk_pixels[slot], err) < 0 ||
        clmlp_executor_bind_external(&s->train, CLMLP_EXT_LABELS, s->chunk_labels[slot], err) < 0)
        return -1;
    return 0;
}

int clmlp_session_upload_train(clmlp_session *s, const clmlp_dataset *ds, clmlp_err *err)
{
    const int batch = s->train_plan->graph.batch, global = batch * s->opt.ranks;
    if (check_features(s, ds, "training", err) < 0 || clmlp_dataset_check_labels(ds, s->train_plan->graph.classes, "training", err) < 0)
        return -1;
    if (ds->count < global)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "the training set has %lld examples, fewer than one batch of %d",
                          (long long)ds->count, global);
    s->train_count = ds->count;
    s->steps_per_epoch = (int)(ds->count / global);
    s->dropped_per_epoch = ds->count - (int64_t)s->steps_per_epoch * global;
    size_t pixels = (size_t)ds->count * (size_t)s->input_dim;
    s->order = clmlp_calloc((size_t)ds->count, sizeof *s->order, err);
    s->losses = clmlp_calloc((size_t)s->steps_per_epoch * batch, sizeof *s->losses, err);
    if (!s->order || !s->losses)
        return -1;
    for (int64_t i = 0; i < ds->count; i++)
        s->order[i] = (uint32_t)i;
    if (should_stream(s, pixels)) {
        if (s->opt.ranks > 1) /* a chunk holds whole global batches in epoch order, not one rank's shards */
            return clmlp_fail(err, CLMLP_EXIT_USAGE,
                              "streaming the training set (data.stream, or a set larger than the device) does not "
                              "run over MPI yet: run it in one process");
        if (setup_streaming(s, ds, err) < 0 ||
            device_buffer(s, (size_t)s->steps_per_epoch * batch * 4, NULL, &s->train_losses, "epoch losses", err) < 0)
            return -1;
        s->run_buffer_bytes += (size_t)s->steps_per_epoch * batch * 4;
        /* the chunk's pixels and labels are bound per chunk by stream_chunk */
        return bind_run_buffers(&s->train, NULL, NULL, s->train_index, s->train_losses, err);
    }
    if (image_buffer(s, pixels, ds->pixels, &s->train_pixels, "training images", err) < 0 ||
        device_buffer(s, (size_t)ds->count, ds->labels, &s->train_labels, "training labels", err) < 0 ||
        device_buffer(s, (size_t)ds->count * 4, s->order, &s->train_index, "training order", err) < 0 ||
        device_buffer(s, (size_t)s->steps_per_epoch * batch * 4, NULL, &s->train_losses, "epoch losses", err) < 0)
        return -1;
    s->dataset_device_bytes += pixels + (size_t)ds->count;
    s->run_buffer_bytes += (size_t)ds->count * 4 + (size_t)s->steps_per_epoch * batch * 4;
    return bind_run_buffers(&s->train, s->train_pixels, s->train_labels, s->train_index, s->train_losses, err);
}

int clmlp_session_upload_test(clmlp_session *s, const clmlp_dataset *ds, clmlp_err *err)
{
    const int batch = s->eval_plan->graph.batch;
    if (check_features(s, ds, "test", err) < 0 || clmlp_dataset_check_labels(ds, s->eval_plan->graph.classes, "test", err) < 0)
        return -1;
    s->test_count = ds->count;
    s->eval_batches = (int)((ds->count + batch - 1) / batch);
    size_t padded = (size_t)s->eval_batches * batch;
    /* The last batch is padded with example 0; its predictions are ignored. */
    uint32_t *index = clmlp_calloc(padded, sizeof *index, err);
    if (!index)
        return -1;
    for (int64_t i = 0; i < ds->count; i++)
        index[i] = (uint32_t)i;
    size_t pixels = (size_t)ds->count * (size_t)s->input_dim;
    int rc = image_buffer(s, pixels, ds->pixels, &s->test_pixels, "test images", err) < 0 ||
                     device_buffer(s, (size_t)ds->count, ds->labels, &s->test_labels, "test labels", err) < 0 ||
                     device_buffer(s, padded * 4, index, &s->test_index, "test order", err) < 0 ||
                     device_buffer(s, padded * 4, NULL, &s->test_preds, "predictions", err) < 0
                 ? -1
                 : 0;
    free(index);
    if (rc < 0)
        return -1;
    s->dataset_device_bytes += pixels + (size_t)ds->count;
    s->run_buffer_bytes += padded * 8;
    return bind_run_buffers(&s->eval, s->test_pixels, s->test_labels, s->test_index, s->test_preds, err);
}

int clmlp_session_set_order(clmlp_session *s, const uint32_t *order, clmlp_err *err)
{
    if (order != s->order)
        memcpy(s->order, order, (size_t)s->train_count * sizeof *order);
    if (s->streaming)
        return 0; /* the order is applied on the host when chunks are packed */
    return write_buffer(s, s->train_index, (size_t)s->train_count * sizeof *order, s->order, s->prof_order, true,
                        "clEnqueueWriteBuffer(epoch order)", err);
}

int clmlp_session_enqueue_steps(clmlp_session *s, int first_step, int steps, clmlp_err *err)
{
    const int batch = s->train_plan->graph.batch;
    const int base = s->streaming ? first_step : 0; /* a streamed chunk starts at its own 0 */
    for (int i = first_step; i < first_step + steps; i++) {
        s->step++;
        /* This rank's shard of the global batch at position (i - base) of the epoch. */
        int shard = (i - base) * s->opt.ranks + s->opt.rank;
        clmlp_step_args args = {
            .first = shard * batch, .output_offset = i * batch, .lr = clmlp_plan_step_lr(s->train_plan, s->step)};
        cl_event *events = NULL;
        clmlp_pending_event *timing = NULL;
        bool traced = s->prof && s->step <= s->prof->trace_steps;
        int n = s->train_plan->n_launches, opt = s->opt.ranks > 1 ? s->optimizer_launch : n;
        if (clmlp_profiler_launches(s->prof, s->prof_train, n, traced, s->step, &events, &timing, err) < 0 ||
            clmlp_executor_run_range(&s->train, &args, 0, opt, events, timing, err) < 0 ||
            (opt < n && (clmlp_session_allreduce_grads(s, traced, err) < 0 ||
                         clmlp_executor_run_range(&s->train, &args, opt, n, events, timing, err) < 0)))
            return clmlp_fail_prefix(err, "training step %ld: ", s->step);
    }
    return 0;
}

int clmlp_session_warm_up(clmlp_session *s, clmlp_err *err)
{
    if (s->streaming && stream_chunk(s, 0, 0, s->chunk_steps, err) < 0)
        return -1;
    clmlp_step_args args = {.first = 0, .output_offset = 0, .lr = 0};
    if (clmlp_executor_run(&s->train, &args, NULL, NULL, err) < 0)
        return clmlp_fail_prefix(err, "warm-up training step: ");
    if (s->eval_batches > 0 && clmlp_executor_run(&s->eval, &args, NULL, NULL, err) < 0)
        return clmlp_fail_prefix(err, "warm-up evaluation batch: ");
    return 0;
}

static int wait_marker(cl_event *marker, clmlp_err *err)
{
    if (!*marker)
        return 0;
    cl_int rc = clWaitForEvents(1, marker);
    clReleaseEvent(*marker);
    *marker = NULL;
    return clmlp_cl_check(rc, "clWaitForEvents", err);
}

int clmlp_session_train_epoch(clmlp_session *s, int epoch, clmlp_progress_fn progress, void *user,
                              double *mean_loss, clmlp_err *err)
{
    if (s->opt.shuffle) {
        clmlp_rng_shuffle(&s->shuffle_rng, s->order, (uint32_t)s->train_count);
    }
    if (clmlp_session_set_order(s, s->order, err) < 0)
        return -1;
    cl_event marker = NULL;
    for (int step = 0, group = 0; step < s->steps_per_epoch; step += SYNC_EVERY, group++) {
        int n = s->steps_per_epoch - step < SYNC_EVERY ? s->steps_per_epoch - step : SYNC_EVERY;
        /* Streaming: the slot reused here served group - 2, whose marker was
         * waited for in the previous iteration, so its upload and use are done. */
        if (s->streaming && stream_chunk(s, group % 2, step, n, err) < 0)
            goto fail;
        size_t done_events = clmlp_profiler_pending(s->prof); /* all before the marker waited for below */
        if (clmlp_session_enqueue_steps(s, step, n, err) < 0)
            goto fail;
        /* Wait for the previous group while this one runs. */
        if (wait_marker(&marker, err) < 0 || clmlp_profiler_collect(s->prof, done_events, err) < 0)
            goto fail;
        if (clmlp_cl_check(clEnqueueMarkerWithWaitList(s->dev->queue, 0, NULL, &marker),
                           "clEnqueueMarkerWithWaitList", err) < 0)
            goto fail;
        if (progress && step > 0)
            progress(user, epoch, step, s->steps_per_epoch);
    }
    if (wait_marker(&marker, err) < 0)
        return -1;
    const int batch = s->train_plan->graph.batch;
    size_t n = (size_t)s->steps_per_epoch * batch;
    if (read_buffer(s, s->train_losses, n * sizeof(float), s->losses, s->prof_losses,
                    "clEnqueueReadBuffer(epoch losses)", err) < 0 ||
        clmlp_profiler_flush(s->prof, err) < 0)
        return -1;
    double sum_count[2] = {0, (double)n};
    for (size_t i = 0; i < n; i++)
        sum_count[0] += s->losses[i];
    if (clmlp_dist_sum_doubles(sum_count, 2, err) < 0) /* the global batch's mean: every rank's shard */
        return -1;
    *mean_loss = sum_count[0] / sum_count[1];
    if (progress)
        progress(user, epoch, s->steps_per_epoch, s->steps_per_epoch);
    return 0;
fail:
    if (marker)
        clReleaseEvent(marker);
    return -1;
}

/* find_nonfinite names this many tensors, then counts the rest. */
enum { NONFINITE_NAMED = 4 };

static void add_nonfinite(char *names, size_t cap, int *count, const char *name)
{
    if (*count < NONFINITE_NAMED) {
        size_t n = strlen(names);
        snprintf(names + n, cap - n, "%s%s", n ? ", " : "", name);
    }
    (*count)++;
}

static bool all_finite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

int clmlp_session_find_nonfinite(clmlp_session *s, double mean_loss, char *names, size_t cap, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    int count = 0;
    names[0] = '\0';
    if (!isfinite(mean_loss))
        add_nonfinite(names, cap, &count, "the loss");
    size_t most = 1;
    for (int p = 0; p < g->n_params; p++) {
        const clmlp_tensor *t = &g->tensors[g->params[p]];
        if ((size_t)t->rows * t->cols > most)
            most = (size_t)t->rows * t->cols;
    }
    float *host = clmlp_calloc(most, sizeof *host, err);
    if (!host)
        return -1;
    for (int p = 0; p < g->n_params; p++) {
        const int tensors[2] = {g->params[p], g->param_grads[p]}; /* a gradient has its parameter's shape */
        for (int k = 0; k < 2; k++) {
            if (tensors[k] < 0 || !s->train.tensor_mem[tensors[k]])
                continue; /* fused away: nothing on the device to check */
            const clmlp_tensor *t = &g->tensors[tensors[k]];
            if (clmlp_executor_read_tensor(&s->train, tensors[k], host, err) < 0) {
                free(host);
                return -1;
            }
            if (!all_finite(host, (size_t)t->rows * t->cols))
                add_nonfinite(names, cap, &count, t->name);
        }
    }
    free(host);
    if (count > NONFINITE_NAMED) {
        size_t n = strlen(names);
        snprintf(names + n, cap - n, " and %d more", count - NONFINITE_NAMED);
    }
    return count;
}

int clmlp_session_evaluate(clmlp_session *s, int *pred, clmlp_err *err)
{
    const int batch = s->eval_plan->graph.batch;
    for (int b = 0; b < s->eval_batches; b++) {
        clmlp_step_args args = {.first = b * batch, .output_offset = b * batch, .lr = 0};
        cl_event *events = NULL;
        clmlp_pending_event *timing = NULL;
        bool traced = s->prof && b < s->prof->trace_steps;
        if (clmlp_profiler_launches(s->prof, s->prof_eval, s->eval_plan->n_launches, traced, b + 1, &events, &timing,
                                    err) < 0 ||
            clmlp_executor_run(&s->eval, &args, events, timing, err) < 0)
            return clmlp_fail_prefix(err, "evaluation batch %d: ", b);
    }
    if (read_buffer(s, s->test_preds, (size_t)s->test_count * sizeof(int), pred, s->prof_preds,
                    "clEnqueueReadBuffer(predictions)", err) < 0)
        return -1;
    return clmlp_profiler_flush(s->prof, err);
}

static size_t mem_size(cl_mem m)
{
    size_t bytes = 0;
    if (m && clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof bytes, &bytes, NULL) != CL_SUCCESS)
        bytes = 0; /* a size query cannot fail on a valid buffer; count nothing rather than guess */
    return bytes;
}

size_t clmlp_session_device_bytes(const clmlp_session *s)
{
    const cl_mem mems[] = {s->train_pixels,    s->train_labels,    s->train_index,     s->train_losses,
                           s->test_pixels,     s->test_labels,     s->test_index,      s->test_preds,
                           s->chunk_pixels[0], s->chunk_pixels[1], s->chunk_labels[0], s->chunk_labels[1]};
    size_t sum = 0;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mems); i++)
        sum += mem_size(mems[i]);
    const clmlp_executor *ex[] = {&s->train, &s->eval};
    for (int e = 0; e < 2; e++)
        for (int r = 0; r < CLMLP_REGION_COUNT; r++)
            if (ex[e]->owns_region[r])
                sum += mem_size(ex[e]->regions[r]);
    return sum;
}

void clmlp_session_release(clmlp_session *s)
{
    clmlp_executor_release(&s->eval);
    clmlp_executor_release(&s->train);
    cl_mem *mems[] = {&s->train_pixels, &s->train_labels, &s->train_index, &s->train_losses,
                      &s->test_pixels,  &s->test_labels,  &s->test_index,  &s->test_preds};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(mems); i++)
        if (*mems[i]) {
            clReleaseMemObject(*mems[i]);
            *mems[i] = NULL;
        }
    free(s->order);
    free(s->losses);
    free(s->grads_host);
    free(s->allreduce_seconds);
    s->grads_host = NULL;
    s->allreduce_seconds = NULL;
    for (int k = 0; k < 2; k++) {
        if (s->chunk_pixels[k])
            clReleaseMemObject(s->chunk_pixels[k]);
        if (s->chunk_labels[k])
            clReleaseMemObject(s->chunk_labels[k]);
        free(s->staging_pixels[k]);
        free(s->staging_labels[k]);
        s->chunk_pixels[k] = s->chunk_labels[k] = NULL;
        s->staging_pixels[k] = s->staging_labels[k] = NULL;
    }
    s->train_plan = s->eval_plan = NULL;
    s->order = NULL;
    s->losses = NULL;
}
