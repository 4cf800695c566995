/* Row-major single-precision GEMM on an OpenCL device, from two providers:
 *   C[M,N] = op(A) · op(B) (+ C when accumulate), then an optional epilogue
 *   C = act(C + bias[N]) applied in the same pass (generated kernel only).
 * op(X) is X or X^T. Buffers are plain cl_mem (the buffer plan hands out
 * sub-buffers), leading dimensions are the row-major row strides.
 *
 * "generated": clmlp's own kernel, cl/gemm.cl, specialised at build time by
 * #defines (transposes, tile sizes; sizes and epilogue are kernel arguments)
 * and cached on disk.
 * "clblast": CLBlastSgemm (row-major), epilogue must be NONE.
 *
 * Leading dimensions follow from the shape (dense row-major operands):
 *   A is M×K (lda = K), or K×M with trans_a (lda = M);
 *   B is K×N (ldb = N), or N×K with trans_b (ldb = K);  C is M×N (ldc = N). */
#ifndef CLMLP_GEMM_H
#define CLMLP_GEMM_H

#include "clmlp/device.h"

typedef enum {
    CLMLP_EPILOGUE_NONE,
    CLMLP_EPILOGUE_BIAS,
    CLMLP_EPILOGUE_BIAS_RELU,
    CLMLP_EPILOGUE_BIAS_SIGMOID,
    CLMLP_EPILOGUE_BIAS_TANH,
} clmlp_epilogue;

/* "none", "bias", "bias_relu", "bias_sigmoid", "bias_tanh". */
const char *clmlp_epilogue_name(clmlp_epilogue epilogue);

typedef struct clmlp_gemm_shape {
    int m, n, k;
    bool trans_a, trans_b;
    bool accumulate; /* C += A·B instead of C = A·B */
    clmlp_epilogue epilogue;
} clmlp_gemm_shape;

/* m, n, k >= 1, every operand under 2^31 elements (the kernel indexes with
 * int), a valid epilogue. Error: CLMLP_EXIT_INTERNAL (a plan bug). */
int clmlp_gemm_check_shape(const clmlp_gemm_shape *shape, clmlp_err *err);
/* True when two shapes are the same GEMM (sizes, transposes, accumulate, epilogue). */
bool clmlp_gemm_shape_equal(const clmlp_gemm_shape *a, const clmlp_gemm_shape *b);
void clmlp_gemm_leading_dims(const clmlp_gemm_shape *shape, int *lda, int *ldb, int *ldc);
/* Elements each operand buffer must hold: A, B, C. */
void clmlp_gemm_operand_elems(const clmlp_gemm_shape *shape, size_t *a, size_t *b, size_t *c);
/* a, b, c non-NULL and large enough (CL_MEM_SIZE), and bias too (N floats)
 * when the epilogue adds one. Error: CLMLP_EXIT_INTERNAL naming the operand. */
int clmlp_gemm_check_buffers(const clmlp_gemm_shape *shape, cl_mem a, cl_mem b, cl_mem c, cl_mem bias,
                             clmlp_err *err);

/* Tunables of the generated kernel (cl/gemm.cl: TM, TN, WGM, WGN, VW).
 * Zero fields mean "the per-shape default" (clmlp_gemm_default_tunables). */
typedef struct clmlp_gemm_tunables {
    int tile_m, tile_n;   /* outputs per work-item along M and N (TM, TN) */
    int local_m, local_n; /* work-group size along M and N (WGM, WGN) */
    int vector_width;     /* VW: float vector width along N, or along K for NT (1, 2, 4, 8, 16) */
    int outer;            /* 1: NT in the outer-product form (op(B) gathered), which wins when K is tiny */
} clmlp_gemm_tunables;

/* Pure: the defaults for a device (only desc->type and max_work_group are
 * read; desc may be NULL = a CPU) and shape (only its transposes: the same
 * tunables for every size, so GEMMs share programs). See gemm_generated.c
 * for the measurements behind them. */
void clmlp_gemm_default_tunables(const clmlp_device_desc *desc, const clmlp_gemm_shape *shape,
                                 clmlp_gemm_tunables *out);

/* Pure: fills zero fields of *t with the defaults, validates the result
 * (vector width, TN a multiple of VW where the kernel needs it, work-group
 * size within desc->max_work_group) and writes the kernel's build options
 * (-DDOT_FORM=.. -DTM=.. ...) to opts. Error: CLMLP_EXIT_USAGE naming the field. */
int clmlp_gemm_generated_options(const clmlp_device_desc *desc, const clmlp_gemm_shape *shape,
                                 clmlp_gemm_tunables *t, char *opts, size_t cap, clmlp_err *err);

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
/* Binds the buffers (bias may be NULL unless the epilogue needs it). Done once
 * per launch in a plan; the enqueue below then only submits. Buffers smaller
 * than the shape needs are refused. */
int clmlp_gemm_generated_bind(clmlp_gemm_kernel *gk, cl_mem a, cl_mem b, cl_mem c, cl_mem bias, clmlp_err *err);
/* One clEnqueueNDRangeKernel on dev->queue; no wait. event may be NULL. */
int clmlp_gemm_generated_enqueue(clmlp_device *dev, clmlp_gemm_kernel *gk, cl_event *event, clmlp_err *err);
/* Releases the kernel and program and zeroes *gk (safe on a zeroed struct). */
void clmlp_gemm_generated_release(clmlp_gemm_kernel *gk);

/* CLBlast's GEMM kernels and their tuning parameters, set at run time with
 * CLBlastOverrideParameters. DEFAULT leaves CLBlast's own database alone;
 * DIRECT forces XgemmDirect (one kernel, any size) and INDIRECT Xgemm (with
 * its padding/transpose helpers), each with the values given, in the order
 * clmlp_clblast_param_names lists. */
typedef enum { CLMLP_CLBLAST_DEFAULT, CLMLP_CLBLAST_DIRECT, CLMLP_CLBLAST_INDIRECT } clmlp_clblast_kernel;
#define CLMLP_CLBLAST_MAX_PARAMS 16
typedef struct clmlp_clblast_params {
    clmlp_clblast_kernel kernel;
    int values[CLMLP_CLBLAST_MAX_PARAMS];
} clmlp_clblast_params;

/* The parameter names of kernel (CLBlast 1.5 order), *count of them; NULL
 * and 0 for DEFAULT. */
const char *const *clmlp_clblast_param_names(clmlp_clblast_kernel kernel, int *count);
/* "default", "XgemmDirect", "Xgemm". */
const char *clmlp_clblast_kernel_name(clmlp_clblast_kernel kernel);

/* CLBlastSgemm, row-major, leading dimensions from the shape, alpha 1, beta 1
 * when accumulating else 0. A non-NONE epilogue is refused. params may be
 * NULL (= DEFAULT). CLBlast keeps one parameter set per device and kernel
 * for the whole process: a set different from the last one applied is
 * overridden before the call (CLBlast caches each set's compiled program, so
 * switching back costs nothing), and DEFAULT after any override is refused
 * (CLBlast offers no way back to its database). CLBlast may run helper
 * kernels (padding, transposes) before the GEMM; *event (may be NULL) is its
 * last kernel's, *first_event (may be NULL) a marker enqueued before the
 * call, so END(first) .. END(last) spans all of it. */
int clmlp_gemm_clblast_enqueue(clmlp_device *dev, const clmlp_gemm_shape *shape, const clmlp_clblast_params *params,
                               cl_mem a, cl_mem b, cl_mem c, cl_event *first_event, cl_event *event, clmlp_err *err);

/* How one GEMM runs: the provider and its parameters, from the autotuner
 * (src/tune/) or the defaults. */
typedef struct clmlp_gemm_choice {
    clmlp_gemm_provider provider;   /* CLMLP_GEMM_GENERATED or CLMLP_GEMM_CLBLAST */
    clmlp_gemm_tunables tunables;   /* generated: zero fields = defaults */
    clmlp_clblast_params clblast;   /* clblast */
    double gflops;                  /* measured when tuned, else 0 */
    bool tuned;                     /* verified and measured (now or from the tune cache) */
} clmlp_gemm_choice;

/* One line: "generated TM=10 TN=16 VW=16 WG=1x1", "generated defaults",
 * "clblast XgemmDirect KWID=2 MDIMAD=8 ...", "clblast defaults". */
void clmlp_gemm_choice_describe(const clmlp_gemm_choice *c, char *buf, size_t cap);

/* 2·M·N·K, plus M·N for the accumulate (C +=) and M·N for the bias add of
 * an epilogue; activations are not counted. */
double clmlp_gemm_flops(const clmlp_gemm_shape *shape);

/* Host reference (double accumulation) used by tests and by the check that
 * any tuned kernel must pass before it is used. Same contract as the device:
 * c holds the old C when accumulating; bias[N] when the epilogue has one. */
void clmlp_gemm_reference(const clmlp_gemm_shape *shape, const float *a, const float *b, const float *bias,
                          float *c);

#endif
