/* Data-parallel training's one exchange per step (see session.h): the
 * gradient region, one contiguous block by design (compiler/buffers.c),
 * goes to the host, is summed over the ranks by MPI_Allreduce and comes
 * back divided by the rank count. Every rank then runs the same optimizer
 * step on the same gradient, so the parameters stay equal without being
 * sent. The device copies are blocking: the allreduce needs the step's
 * gradients, the optimizer needs the sum. */
#include <stdlib.h>

#include "clmlp/dist.h"
#include "clmlp/session.h"

/* One more allreduce time in the session's list (doubling its room). */
static int record(clmlp_session *s, double seconds, clmlp_err *err)
{
    if (s->allreduce_count == s->allreduce_cap) {
        long cap = s->allreduce_cap ? 2 * s->allreduce_cap : 1024;
        double *grown = realloc(s->allreduce_seconds, (size_t)cap * sizeof *grown);
        if (!grown)
            return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory (%ld allreduce times)", cap);
        s->allreduce_seconds = grown;
        s->allreduce_cap = cap;
    }
    s->allreduce_seconds[s->allreduce_count++] = seconds;
    return 0;
}

int clmlp_session_allreduce_grads(clmlp_session *s, bool traced, clmlp_err *err)
{
    size_t bytes = s->train_plan->buffers.region_bytes[CLMLP_REGION_GRADS], n = bytes / sizeof(float);
    if (!s->grads_host) {
        s->grads_host = clmlp_calloc(n ? n : 1, sizeof(float), err);
        if (!s->grads_host)
            return -1;
        s->grads_bytes = bytes;
    }
    /* The step's launches finish first, so that their time is not counted as the exchange's. */
    if (clmlp_cl_check(clFinish(s->dev->queue), "clFinish(before the gradient allreduce)", err) < 0)
        return -1;
    double t0 = clmlp_now();
    if (clmlp_executor_read_region(&s->train, CLMLP_REGION_GRADS, s->grads_host, err) < 0 ||
        clmlp_dist_sum_floats(s->grads_host, n, err) < 0)
        return clmlp_fail_prefix(err, "gradient allreduce: ");
    const float inv = 1.0f / (float)s->opt.ranks;
    for (size_t i = 0; i < n; i++)
        s->grads_host[i] *= inv;
    if (clmlp_executor_write_region(&s->train, CLMLP_REGION_GRADS, s->grads_host, err) < 0)
        return clmlp_fail_prefix(err, "gradient allreduce: ");
    double t1 = clmlp_now();
    if (record(s, t1 - t0, err) < 0)
        return -1;
    return traced && s->prof ? clmlp_profiler_span(s->prof, "allreduce", t0, t1, err) : 0;
}
