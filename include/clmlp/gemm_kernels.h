/* The GEMM providers on an OpenCL device (the runtime, the autotuner and the
 * probe use them; gemm.h describes a GEMM without OpenCL):
 *   generated  clmlp's kernel, cl/gemm.cl, specialised by the tunables'
 *              #defines and cached on disk; bias + activation fused
 *   clblast    CLBlastSgemm (row-major), epilogue NONE
 * Buffers are plain cl_mem (the buffer plan hands out sub-buffers). */
#ifndef CLMLP_GEMM_KERNELS_H
#define CLMLP_GEMM_KERNELS_H

#include "clmlp/device.h"
#include "clmlp/gemm.h"

/* The tunables' target of an OpenCL device (desc NULL = a CPU). */
clmlp_gemm_target clmlp_gemm_target_of(const clmlp_device_desc *desc);

/* a, b, c non-NULL and large enough (CL_MEM_SIZE) for the shape (all of K
 * when split, which must hold the chunk: 0 <= k_begin, k_begin + k <=
 * k_all), and bias (N floats) and h (M×N) too when the epilogue uses them.
 * Error: CLMLP_EXIT_INTERNAL naming the operand. */
int clmlp_gemm_check_buffers(const clmlp_gemm_shape *shape, const clmlp_gemm_split *split, cl_mem a, cl_mem b,
                             cl_mem c, cl_mem bias, cl_mem h, clmlp_err *err);

/* A ready-to-enqueue generated GEMM: program + kernel built for one shape. */
typedef struct clmlp_gemm_kernel {
    clmlp_gemm_shape shape;
    clmlp_gemm_tunables tunables;
    cl_program program;
    cl_kernel kernel;
    size_t global[2], local[2];
} clmlp_gemm_kernel;

/* Builds (or loads from the binary cache) the generated kernel for shape;
 * tunables may be NULL (all defaults). out->tunables holds what was used. */
int clmlp_gemm_generated_prepare(clmlp_device *dev, const clmlp_gemm_shape *shape,
                                 const clmlp_gemm_tunables *tunables, clmlp_gemm_kernel *out, clmlp_err *err);
/* The same kernel for other sizes (sizes are kernel arguments: no new
 * program): transposes, epilogue and tunables stay. Bind again afterwards.
 * Error: CLMLP_EXIT_INTERNAL for a bad shape. */
int clmlp_gemm_generated_resize(clmlp_gemm_kernel *gk, int m, int n, int k, clmlp_err *err);
/* Binds the buffers (bias and h may be NULL unless the epilogue uses them).
 * Done once per launch in a plan; the enqueue below then only submits.
 * Buffers smaller than the shape needs are refused. */
int clmlp_gemm_generated_bind(clmlp_gemm_kernel *gk, cl_mem a, cl_mem b, cl_mem c, cl_mem bias, cl_mem h,
                              clmlp_err *err);
/* The same for one chunk of a split K (split NULL: the whole GEMM). */
int clmlp_gemm_generated_bind_at(clmlp_gemm_kernel *gk, const clmlp_gemm_split *split, cl_mem a, cl_mem b, cl_mem c,
                                 cl_mem bias, cl_mem h, clmlp_err *err);
/* One clEnqueueNDRangeKernel on dev->queue; no wait. event may be NULL. */
int clmlp_gemm_generated_enqueue(clmlp_device *dev, clmlp_gemm_kernel *gk, cl_event *event, clmlp_err *err);
/* Releases the kernel and program and zeroes *gk (safe on a zeroed struct). */
void clmlp_gemm_generated_release(clmlp_gemm_kernel *gk);

/* CLBlastSgemm, row-major, leading dimensions from the shape, alpha 1, beta 1
 * when accumulating else 0. A non-NONE epilogue is refused. params may be
 * NULL (= DEFAULT). CLBlast keeps one parameter set per device and kernel
 * for the whole process: a set different from the last one applied is
 * overridden before the call (CLBlast caches each set's compiled program, so
 * switching back costs nothing), and DEFAULT after any override is refused
 * (CLBlast offers no way back to its database). CLBlast may run helper
 * kernels (padding, transposes) before the GEMM; *event (may be NULL) is its
 * last kernel's, *first_event (may be NULL) a marker enqueued before the
 * call, so END(first) .. END(last) spans all of it. split: one chunk of a
 * split K, or NULL. */
int clmlp_gemm_clblast_enqueue(clmlp_device *dev, const clmlp_gemm_shape *shape, const clmlp_clblast_params *params,
                               const clmlp_gemm_split *split, cl_mem a, cl_mem b, cl_mem c, cl_event *first_event,
                               cl_event *event, clmlp_err *err);

#endif
