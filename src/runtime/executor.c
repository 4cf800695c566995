/* Plan executor: memory, programs and kernels of one plan; see runtime.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_sources.h"
#include "clmlp/runtime.h"

static const clmlp_cl_source *embedded(const char *stem)
{
    for (int i = 0; i < clmlp_cl_source_count; i++)
        if (strcmp(clmlp_cl_sources[i].name, stem) == 0)
            return &clmlp_cl_sources[i];
    return NULL;
}

/* Whether word is one of a space-separated list. */
static bool listed(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* A program's source: the files its `// requires:` line names (its kernel
 * table, tools/embed_cl.c), then its own. */
static char *program_source(const char *stem, clmlp_err *err)
{
    const clmlp_cl_source *parts[8];
    int n_parts = 0;
    size_t n = 1;
    const clmlp_cl_source *body = embedded(stem);
    if (!body) {
        clmlp_fail(err, CLMLP_EXIT_INTERNAL, "no embedded kernel source cl/%s.cl", stem);
        return NULL;
    }
    for (const char *p = body->requires; *p; p += strspn(p, " ")) {
        char req[64];
        size_t len = strcspn(p, " ");
        snprintf(req, sizeof req, "%.*s", (int)len, p);
        p += len;
        if (n_parts == (int)CLMLP_ARRAY_LEN(parts) - 1 || !(parts[n_parts] = embedded(req))) {
            clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cl/%s.cl requires cl/%s.cl, which is not embedded (or too many)",
                       stem, req);
            return NULL;
        }
        n += strlen(parts[n_parts++]->source) + 1;
    }
    parts[n_parts++] = body;
    n += strlen(body->source) + 1;
    char *src = clmlp_calloc(n, 1, err);
    for (int i = 0; src && i < n_parts; i++) {
        strcat(src, parts[i]->source);
        strcat(src, "\n");
    }
    return src;
}

/* The slot of the program of stem and options in ex->programs: the one
 * built already, else the next free one; -1 when the table is full. */
static int program_slot(const clmlp_executor *ex, const char *stem, const char *options, clmlp_err *err)
{
    for (int i = 0; i < ex->n_programs; i++)
        if (strcmp(ex->programs[i].program, stem) == 0 && strcmp(ex->programs[i].options, options) == 0)
            return i;
    if (ex->n_programs < CLMLP_MAX_PROGRAMS)
        return ex->n_programs;
    return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "too many program variants (> %d)", CLMLP_MAX_PROGRAMS);
}

/* The kernel of launch l, its program built on the way when it is the
 * first of its program; cached[slot] says whether that program came from
 * the binary cache (a rebuild from source turns it false). */
static int launch_kernel(clmlp_executor *ex, const clmlp_launch *l, bool cached[CLMLP_MAX_PROGRAMS], cl_kernel *out,
                         clmlp_err *err)
{
    int slot = program_slot(ex, l->program, l->options, err);
    char *src = slot < 0 ? NULL : program_source(l->program, err);
    if (!src)
        return -1;
    bool known = slot < ex->n_programs;
    cl_program prog = known ? ex->programs[slot].handle : NULL;
    double t0 = clmlp_now();
    int rc = clmlp_program_kernel(ex->dev, src, l->options, l->kernel, &prog, &cached[slot], out, err);
    ex->build_seconds += clmlp_now() - t0;
    free(src);
    if (!known && prog) {
        ex->n_programs++;
        ex->programs[slot].program = l->program;
        clmlp_strlcpy(ex->programs[slot].options, l->options, sizeof ex->programs[slot].options);
    }
    if (known || prog)
        ex->programs[slot].handle = prog; /* replaced by a rebuild from source */
    if (rc < 0)
        return clmlp_fail_prefix(err, "kernel %s in cl/%s.cl (%s): ", l->kernel, l->program, l->options);
    return 0;
}

/* CLMLP_CHECK_BOUNDS=1: every step-local tensor in a buffer of its own
 * instead of a sub-range of the arena, so that a kernel writing past a
 * tensor's end is out of bounds to Oclgrind (which checks whole buffers:
 * an overrun into the arena's next tensor passes unseen). For tests: it
 * gives up the arena's reuse of memory. */
static bool separate_tensors(void)
{
    const char *v = getenv("CLMLP_CHECK_BOUNDS");
    return v && v[0] && strcmp(v, "0") != 0;
}

static int alloc_regions(clmlp_executor *ex, const clmlp_executor *share, clmlp_err *err)
{
    const clmlp_buffer_plan *bp = &ex->plan->buffers;
    const bool separate = separate_tensors();
    for (int r = 0; r < CLMLP_REGION_COUNT; r++) {
        if (bp->region_bytes[r] == 0 || (separate && r == CLMLP_REGION_ARENA))
            continue;
        if (r == CLMLP_REGION_PARAMS && share) {
            if (share->plan->buffers.region_bytes[r] != bp->region_bytes[r])
                return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "shared parameter regions differ in size");
            ex->regions[r] = share->regions[r];
            continue;
        }
        cl_int rc;
        ex->regions[r] = clCreateBuffer(ex->dev->context, CL_MEM_READ_WRITE, bp->region_bytes[r], NULL, &rc);
        if (clmlp_cl_check(rc, "clCreateBuffer(plan region)", err) < 0)
            return clmlp_fail_prefix(err, "allocating %zu bytes for region %s: ", bp->region_bytes[r],
                                     clmlp_region_name((clmlp_region)r));
        ex->owns_region[r] = true;
    }
    const clmlp_graph *g = &ex->plan->graph;
    for (int t = 0; t < g->n_tensors; t++) {
        clmlp_region r = bp->region[t];
        if (r == CLMLP_REGION_NONE)
            continue;
        cl_buffer_region sub = {bp->offset[t], clmlp_tensor_bytes(&g->tensors[t])};
        cl_int rc;
        ex->tensor_mem[t] =
            separate && r == CLMLP_REGION_ARENA
                ? clCreateBuffer(ex->dev->context, CL_MEM_READ_WRITE, sub.size, NULL, &rc)
                : clCreateSubBuffer(ex->regions[r], CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &sub, &rc);
        if (clmlp_cl_check(rc, separate && r == CLMLP_REGION_ARENA ? "clCreateBuffer(tensor)" : "clCreateSubBuffer",
                           err) < 0)
            return clmlp_fail_prefix(err, "tensor %s at %s+%zu: ", g->tensors[t].name,
                                     clmlp_region_name(r), bp->offset[t]);
    }
    return 0;
}

static int set_arg(cl_kernel k, int index, const clmlp_executor *ex, const clmlp_arg *a, const clmlp_step_args *step,
                   clmlp_err *err)
{
    cl_int rc = CL_SUCCESS;
    switch (a->kind) {
    case CLMLP_ARG_TENSOR:
        rc = clSetKernelArg(k, (cl_uint)index, sizeof(cl_mem), &ex->tensor_mem[a->index]);
        break;
    case CLMLP_ARG_REGION:
        rc = clSetKernelArg(k, (cl_uint)index, sizeof(cl_mem), &ex->regions[a->index]);
        break;
    case CLMLP_ARG_EXTERNAL:
        if (!ex->external[a->index])
            return 0; /* bound later by clmlp_executor_bind_external */
        rc = clSetKernelArg(k, (cl_uint)index, sizeof(cl_mem), &ex->external[a->index]);
        break;
    case CLMLP_ARG_INT: {
        cl_int v = a->i;
        rc = clSetKernelArg(k, (cl_uint)index, sizeof v, &v);
        break;
    }
    case CLMLP_ARG_FLOAT:
        rc = clSetKernelArg(k, (cl_uint)index, sizeof(float), &a->f);
        break;
    case CLMLP_ARG_DYNAMIC: {
        if (!step)
            return 0;
        if (a->index == CLMLP_DYN_LR) {
            rc = clSetKernelArg(k, (cl_uint)index, sizeof(float), &step->lr);
        } else {
            cl_int v = a->index == CLMLP_DYN_FIRST ? step->first : step->output_offset;
            rc = clSetKernelArg(k, (cl_uint)index, sizeof v, &v);
        }
        break;
    }
    }
    return clmlp_cl_check(rc, "clSetKernelArg", err);
}

/* Launch i's kernel (or generated GEMM), static arguments bound. */
static int build_launch(clmlp_executor *ex, int i, bool cached[CLMLP_MAX_PROGRAMS], clmlp_err *err)
{
    const clmlp_launch *l = &ex->plan->launches[i];
    if (l->is_gemm) {
        if (l->provider == CLMLP_GEMM_GENERATED &&
            (clmlp_gemm_generated_prepare(ex->dev, &l->shape, &l->choice.tunables, &ex->gemms[i], err) < 0 ||
             clmlp_gemm_generated_bind_at(&ex->gemms[i], l->split ? &l->k_split : NULL, ex->tensor_mem[l->a], ex->tensor_mem[l->b],
                                       ex->tensor_mem[l->c], l->bias >= 0 ? ex->tensor_mem[l->bias] : NULL,
                                       l->h >= 0 ? ex->tensor_mem[l->h] : NULL, err) < 0))
            return clmlp_fail_prefix(err, "launch %d (%s): ", i, l->name);
        return 0;
    }
    const clmlp_cl_source *file = embedded(l->program);
    if (file && !listed(file->kernels, l->kernel))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "launch %d: cl/%s.cl has no kernel '%s' (it has: %s)", i,
                          l->program, l->kernel, file->kernels);
    if (launch_kernel(ex, l, cached, &ex->kernels[i], err) < 0)
        return -1;
    for (int a = 0; a < l->n_args; a++)
        if (set_arg(ex->kernels[i], a, ex, &l->args[a], NULL, err) < 0)
            return clmlp_fail_prefix(err, "launch %d (%s) argument %d: ", i, l->name, a);
    return 0;
}

static int build_launches(clmlp_executor *ex, clmlp_err *err)
{
    bool cached[CLMLP_MAX_PROGRAMS] = {false};
    int rc = 0;
    for (int i = 0; i < ex->plan->n_launches && rc == 0; i++)
        rc = build_launch(ex, i, cached, err);
    for (int i = 0; i < ex->n_programs; i++) {
        if (cached[i])
            ex->programs_from_cache++;
        else
            ex->programs_compiled++;
    }
    return rc;
}

int clmlp_executor_create(clmlp_device *dev, const clmlp_plan *plan, const clmlp_executor *share_params,
                          clmlp_executor *ex, clmlp_err *err)
{
    memset(ex, 0, sizeof *ex);
    ex->dev = dev;
    ex->plan = plan;
    if (alloc_regions(ex, share_params, err) < 0 || build_launches(ex, err) < 0) {
        clmlp_executor_release(ex);
        return -1;
    }
    return 0;
}

int clmlp_executor_bind_external(clmlp_executor *ex, clmlp_external which, cl_mem mem, clmlp_err *err)
{
    ex->external[which] = mem;
    const clmlp_plan *plan = ex->plan;
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        for (int a = 0; a < l->n_args && !l->is_gemm; a++)
            if (l->args[a].kind == CLMLP_ARG_EXTERNAL && l->args[a].index == (int)which &&
                set_arg(ex->kernels[i], a, ex, &l->args[a], NULL, err) < 0)
                return -1;
    }
    return 0;
}

static int enqueue(clmlp_executor *ex, int i, const clmlp_step_args *step, cl_event *ev, clmlp_err *err)
{
    const clmlp_launch *l = &ex->plan->launches[i];
    if (l->is_gemm)
        return l->provider == CLMLP_GEMM_GENERATED
                   ? clmlp_gemm_generated_enqueue(ex->dev, &ex->gemms[i], ev, err)
                   : clmlp_gemm_clblast_enqueue(ex->dev, &l->shape, &l->choice.clblast, l->split ? &l->k_split : NULL,
                                                ex->tensor_mem[l->a], ex->tensor_mem[l->b], ex->tensor_mem[l->c], NULL,
                                                ev, err);
    for (int a = 0; a < l->n_args; a++)
        if (l->args[a].kind == CLMLP_ARG_DYNAMIC && set_arg(ex->kernels[i], a, ex, &l->args[a], step, err) < 0)
            return -1;
    return clmlp_cl_check(clEnqueueNDRangeKernel(ex->dev->queue, ex->kernels[i], (cl_uint)l->dims, NULL, l->global,
                                                 l->local, 0, NULL, ev),
                          "clEnqueueNDRangeKernel", err);
}

int clmlp_executor_run(clmlp_executor *ex, const clmlp_step_args *step, cl_event *events,
                       clmlp_pending_event *timing, clmlp_err *err)
{
    return clmlp_executor_run_range(ex, step, 0, ex->plan->n_launches, events, timing, err);
}

int clmlp_executor_run_range(clmlp_executor *ex, const clmlp_step_args *step, int first, int end, cl_event *events,
                             clmlp_pending_event *timing, clmlp_err *err)
{
    const clmlp_plan *plan = ex->plan;
    const bool host_timed = timing && ex->dev->desc.host_timed; /* the clock is read only where it is used */
    for (int i = first; i < end; i++) {
        cl_event *ev = events ? &events[i] : NULL;
        double begin = host_timed ? clmlp_now() : 0;
        if (enqueue(ex, i, step, ev, err) < 0 ||
            clmlp_profiler_host_span(ex->dev, ev, timing ? &timing[i] : NULL, begin, err) < 0)
            return clmlp_fail_prefix(err, "launch %d (%s): ", i, plan->launches[i].name);
    }
    return 0;
}

static int check_tensor(const clmlp_executor *ex, int tensor, clmlp_err *err)
{
    if (tensor < 0 || tensor >= ex->plan->graph.n_tensors || !ex->tensor_mem[tensor])
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "tensor %d has no device buffer in this plan", tensor);
    return 0;
}

int clmlp_executor_write_tensor(clmlp_executor *ex, int tensor, const void *host, clmlp_err *err)
{
    if (check_tensor(ex, tensor, err) < 0)
        return -1;
    size_t bytes = clmlp_tensor_bytes(&ex->plan->graph.tensors[tensor]);
    return clmlp_cl_check(clEnqueueWriteBuffer(ex->dev->queue, ex->tensor_mem[tensor], CL_TRUE, 0, bytes, host, 0,
                                               NULL, NULL),
                          "clEnqueueWriteBuffer(tensor)", err);
}

int clmlp_executor_read_tensor(clmlp_executor *ex, int tensor, void *host, clmlp_err *err)
{
    if (check_tensor(ex, tensor, err) < 0)
        return -1;
    size_t bytes = clmlp_tensor_bytes(&ex->plan->graph.tensors[tensor]);
    return clmlp_cl_check(clEnqueueReadBuffer(ex->dev->queue, ex->tensor_mem[tensor], CL_TRUE, 0, bytes, host, 0,
                                              NULL, NULL),
                          "clEnqueueReadBuffer(tensor)", err);
}

int clmlp_executor_zero_region(clmlp_executor *ex, clmlp_region region, clmlp_err *err)
{
    size_t bytes = ex->plan->buffers.region_bytes[region];
    if (bytes == 0)
        return 0;
    const cl_uchar zero = 0;
    return clmlp_cl_check(clEnqueueFillBuffer(ex->dev->queue, ex->regions[region], &zero, 1, 0, bytes, 0, NULL, NULL),
                          "clEnqueueFillBuffer", err);
}

int clmlp_executor_read_region(clmlp_executor *ex, clmlp_region region, void *host, clmlp_err *err)
{
    size_t bytes = ex->plan->buffers.region_bytes[region];
    return bytes ? clmlp_cl_check(clEnqueueReadBuffer(ex->dev->queue, ex->regions[region], CL_TRUE, 0, bytes, host, 0,
                                                      NULL, NULL),
                                  "clEnqueueReadBuffer(region)", err)
                 : 0;
}

int clmlp_executor_write_region(clmlp_executor *ex, clmlp_region region, const void *host, clmlp_err *err)
{
    size_t bytes = ex->plan->buffers.region_bytes[region];
    return bytes ? clmlp_cl_check(clEnqueueWriteBuffer(ex->dev->queue, ex->regions[region], CL_TRUE, 0, bytes, host, 0,
                                                       NULL, NULL),
                                  "clEnqueueWriteBuffer(region)", err)
                 : 0;
}

void clmlp_executor_release(clmlp_executor *ex)
{
    if (!ex->plan)
        return;
    for (int i = 0; i < ex->plan->n_launches; i++) {
        if (ex->kernels[i])
            clReleaseKernel(ex->kernels[i]);
        if (ex->gemms[i].kernel || ex->gemms[i].program)
            clmlp_gemm_generated_release(&ex->gemms[i]);
    }
    for (int i = 0; i < ex->n_programs; i++)
        if (ex->programs[i].handle)
            clReleaseProgram(ex->programs[i].handle);
    for (int t = 0; t < ex->plan->graph.n_tensors; t++)
        if (ex->tensor_mem[t])
            clReleaseMemObject(ex->tensor_mem[t]);
    for (int r = 0; r < CLMLP_REGION_COUNT; r++)
        if (ex->owns_region[r])
            clReleaseMemObject(ex->regions[r]);
    memset(ex, 0, sizeof *ex);
}
