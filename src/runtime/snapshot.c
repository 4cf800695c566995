/* A session's training state to and from the host (model files and
 * checkpoints, modelfile.h). Parameters and optimizer state are found
 * through the plan's graph (its params and opt_state tensors and where the
 * buffer plan put them), never by assuming a layout. */
#include <string.h>

#include "clmlp/session.h"

/* Graph parameter p is the model's parameter p: same name and element count. */
static int check_param(const clmlp_graph *g, const clmlp_model *m, int p, clmlp_err *err)
{
    char name[16];
    int rows, cols;
    if (m->n_params != g->n_params)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "the model has %d parameters but the plan %d", m->n_params,
                          g->n_params);
    clmlp_model_param(m, p, name, sizeof name, &rows, &cols);
    const clmlp_tensor *t = &g->tensors[g->params[p]];
    if (strcmp(t->name, name) != 0 || t->rows != rows || t->cols != cols)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "plan parameter %s [%d, %d] is not the model's %s [%d, %d]",
                          t->name, t->rows, t->cols, name, rows, cols);
    return 0;
}

/* A tensor the plan keeps on the device (state to save or restore must be). */
static int placed(const clmlp_executor *ex, int tensor, const char *what, clmlp_err *err)
{
    if (tensor >= 0 && ex->tensor_mem[tensor])
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "the plan keeps no %s on the device: it cannot be saved or restored",
                      what);
}

int clmlp_executor_read_model(clmlp_executor *ex, clmlp_model *m, clmlp_err *err)
{
    const clmlp_graph *g = &ex->plan->graph;
    if (clmlp_model_alloc(m, err) < 0)
        return -1;
    for (int p = 0; p < g->n_params; p++)
        if (check_param(g, m, p, err) < 0 || placed(ex, g->params[p], g->tensors[g->params[p]].name, err) < 0 ||
            clmlp_executor_read_tensor(ex, g->params[p], m->params[p], err) < 0)
            return -1;
    return 0;
}

int clmlp_executor_write_model(clmlp_executor *ex, const clmlp_model *m, clmlp_err *err)
{
    const clmlp_graph *g = &ex->plan->graph;
    for (int p = 0; p < g->n_params; p++)
        if (check_param(g, m, p, err) < 0 || placed(ex, g->params[p], g->tensors[g->params[p]].name, err) < 0 ||
            clmlp_executor_write_tensor(ex, g->params[p], m->params[p], err) < 0)
            return -1;
    return 0;
}

static int state_tensor(const clmlp_session *s, int p, int k, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    int t = g->opt_state[p][k];
    char what[80];
    snprintf(what, sizeof what, "optimizer state %d of %s", k, g->tensors[g->params[p]].name);
    return placed(&s->train, t, what, err) < 0 ? -1 : t;
}

static int n_state(const clmlp_graph *g) { return g->optimizer == CLMLP_OPT_ADAM ? 2 : 1; }

/* The tensor whose host array fills ck's slot k of parameter p (0 its
 * value, 1 and 2 its optimizer state), or -1. */
static int snapshot_tensor(clmlp_session *s, int p, int k, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    if (k > 0)
        return state_tensor(s, p, k - 1, err);
    return placed(&s->train, g->params[p], g->tensors[g->params[p]].name, err) < 0 ? -1 : g->params[p];
}

static float **snapshot_slot(clmlp_checkpoint *ck, int p, int k)
{
    return k == 0 ? &ck->model.params[p] : &ck->state[p][k - 1];
}

int clmlp_session_snapshot_map(clmlp_session *s, clmlp_checkpoint *ck, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    if (ck->optimizer != g->optimizer || ck->order_count != s->train_count)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "checkpoint allocated for another run");
    for (int p = 0; p < g->n_params; p++) {
        if (check_param(g, &ck->model, p, err) < 0)
            goto fail;
        for (int k = 0; k <= n_state(g); k++) {
            float **slot = snapshot_slot(ck, p, k);
            int t = snapshot_tensor(s, p, k, err);
            if (t < 0)
                goto fail;
            cl_int rc = CL_SUCCESS;
            *slot = clEnqueueMapBuffer(s->dev->queue, s->train.tensor_mem[t], CL_TRUE, CL_MAP_READ, 0,
                                       clmlp_tensor_bytes(&g->tensors[t]), 0, NULL, NULL, &rc);
            if (clmlp_cl_check(rc, "clEnqueueMapBuffer(checkpoint tensor)", err) < 0) {
                *slot = NULL;
                goto fail;
            }
        }
    }
    ck->step = s->step;
    memcpy(ck->shuffle_rng, s->shuffle_rng.s, sizeof ck->shuffle_rng);
    memcpy(ck->order, s->order, (size_t)s->train_count * sizeof *s->order);
    return 0;
fail:
    clmlp_session_snapshot_unmap(s, ck, NULL);
    return -1;
}

int clmlp_session_snapshot_unmap(clmlp_session *s, clmlp_checkpoint *ck, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    clmlp_err first = {0}, ignored = {0};
    for (int p = 0; p < g->n_params; p++)
        for (int k = 0; k <= n_state(g); k++) {
            float **slot = snapshot_slot(ck, p, k);
            if (!*slot)
                continue;
            int t = snapshot_tensor(s, p, k, &ignored);
            if (t >= 0)
                clmlp_cl_check(clEnqueueUnmapMemObject(s->dev->queue, s->train.tensor_mem[t], *slot, 0, NULL, NULL),
                               "clEnqueueUnmapMemObject(checkpoint tensor)", first.code ? &ignored : &first);
            *slot = NULL; /* the in-order queue runs the unmaps before anything enqueued after them */
        }
    if (!first.code)
        return 0;
    if (err)
        *err = first;
    return -1;
}

int clmlp_session_restore(clmlp_session *s, const clmlp_checkpoint *ck, clmlp_err *err)
{
    const clmlp_graph *g = &s->train_plan->graph;
    if (ck->optimizer != g->optimizer || ck->order_count != s->train_count)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "the checkpoint is of another optimizer or training set size");
    if (clmlp_executor_write_model(&s->train, &ck->model, err) < 0)
        return -1;
    for (int p = 0; p < g->n_params; p++)
        for (int k = 0; k < n_state(g); k++) {
            int t = state_tensor(s, p, k, err);
            if (t < 0 || clmlp_executor_write_tensor(&s->train, t, ck->state[p][k], err) < 0)
                return -1;
        }
    s->step = ck->step;
    memcpy(s->shuffle_rng.s, ck->shuffle_rng, sizeof ck->shuffle_rng);
    memcpy(s->order, ck->order, (size_t)s->train_count * sizeof *s->order);
    return 0;
}
