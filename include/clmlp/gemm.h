/* The GEMM layer's description of a GEMM, free of OpenCL (the graph and the
 * compiler use it; the providers that run it on a device are in
 * gemm_kernels.h). Row-major single-precision GEMM, from two providers:
 *   C[M,N] = op(A) · op(B) (+ C when accumulate), then an optional epilogue
 *   applied in the same pass (generated kernel only), see clmlp_epilogue.
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

#include "clmlp/common.h"
#include "clmlp/config.h"

/* What the GEMM does besides C = op(A)·op(B), in the same pass:
 *   BIAS[_act]   forward:  C = act(C + bias[N])
 *   <act>_GRAD   backward: C = C ⊙ act'(H), H the M×N forward output (row
 *                stride ldc): the activation's gradient, so dZ = dY·W^T ⊙
 *                act'(Y) never goes through memory as dY
 *   BIAS_GRAD    backward: also writes bias[n] = Σ_k op(B)[k, n], the bias
 *                gradient, from the operand the weight gradient dW = X^T·dZ
 *                reads anyway (no separate column reduction over dZ); with
 *                accumulate, bias[n] += the sums as C += the product */
typedef enum {
    CLMLP_EPILOGUE_NONE,
    CLMLP_EPILOGUE_BIAS,
    CLMLP_EPILOGUE_BIAS_RELU,
    CLMLP_EPILOGUE_BIAS_SIGMOID,
    CLMLP_EPILOGUE_BIAS_TANH,
    CLMLP_EPILOGUE_RELU_GRAD,
    CLMLP_EPILOGUE_SIGMOID_GRAD,
    CLMLP_EPILOGUE_TANH_GRAD,
    CLMLP_EPILOGUE_BIAS_GRAD,
    /* C = exp(op(A)·op(B)): the RBF kernel matrix when the operands are
     * augmented so that their product is -gamma·|x - y|^2 (clmlp_gemm_rbf_operands). */
    CLMLP_EPILOGUE_EXP,
    CLMLP_EPILOGUE_COUNT
} clmlp_epilogue;

/* "none", "bias", "bias_relu", "bias_sigmoid", "bias_tanh", "relu_grad",
 * "sigmoid_grad", "tanh_grad", "bias_grad", "exp"; NULL out of range. */
const char *clmlp_epilogue_name(clmlp_epilogue epilogue);
/* The epilogue's activation (forward or its gradient) as cl/'s ACT value:
 * a clmlp_activation, CLMLP_GEMM_ACT_EXP, or -1 for none. */
#define CLMLP_GEMM_ACT_EXP 3
int clmlp_epilogue_activation(clmlp_epilogue epilogue);
/* True for BIAS_RELU..BIAS_TANH and EXP: the activation is applied (forward). */
bool clmlp_epilogue_applies_activation(clmlp_epilogue epilogue);
/* True for BIAS..BIAS_TANH: bias[N] is read. */
bool clmlp_epilogue_adds_bias(clmlp_epilogue epilogue);
/* True for the <act>_GRAD epilogues: the M×N operand H is read. */
bool clmlp_epilogue_act_grad(clmlp_epilogue epilogue);
/* The operand bias[N] the epilogue reads (BIAS*) or writes (BIAS_GRAD). */
bool clmlp_epilogue_uses_bias(clmlp_epilogue epilogue);

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
/* Split K: one chunk of a GEMM whose K runs as several launches, each
 * accumulating after the first. The chunk's shape has k = its rows; the
 * operands hold all k_all rows, and the chunk reads rows k_begin ..
 * k_begin+k-1 of op(B) (columns of op(A)). */
typedef struct clmlp_gemm_split {
    int k_begin, k_all;
} clmlp_gemm_split;

/* The shape of the whole operands a chunk reads (k = k_all); the shape
 * itself when split is NULL. Leading dimensions and buffer sizes follow it. */
clmlp_gemm_shape clmlp_gemm_split_whole(const clmlp_gemm_shape *chunk, const clmlp_gemm_split *split);

/* Tunables of the generated kernel (cl/gemm.cl: TM, TN, WGM, WGN, VW, BK).
 * Zero fields mean "the per-shape default" (clmlp_gemm_default_tunables). */
typedef struct clmlp_gemm_tunables {
    int tile_m, tile_n;   /* outputs per work-item along M and N (TM, TN) */
    int local_m, local_n; /* work-group size along M and N (WGM, WGN) */
    int vector_width;     /* VW: float vector width along N, or along K for NT (1, 2, 4, 8, 16) */
    int outer;            /* 1: NT in the outer-product form (op(B) gathered), which wins when K is tiny */
    int local_k;          /* BK > 0: the local-memory form (GPUs), work-group tiles of (TM·WGM)×(TN·WGN)
                             staged through local memory in BK-deep panels, every transpose; -1: the
                             register forms above (no local memory) */
} clmlp_gemm_tunables;

/* What the generated kernel's defaults and limits depend on: a GPU or
 * not, the device's largest work-group (0 = no limit) and its local memory
 * per work-group in bytes (0 = unknown, not checked). NULL = a CPU.
 * clmlp_gemm_target_of (gemm_kernels.h) reads it off an OpenCL device. */
typedef struct clmlp_gemm_target {
    bool gpu;             /* work-items are SIMD lanes (clmlp_device_lanes_are_work_items) */
    size_t max_work_group;
    uint64_t local_mem;
    bool local_dedicated; /* local memory is its own (GPUs): worth staging panels through */
} clmlp_gemm_target;

/* Pure: the defaults for a device kind and shape (only its transposes: the
 * same tunables for every size, so GEMMs share programs). See
 * src/gemm/tunables.c for the measurements behind them. */
void clmlp_gemm_default_tunables(const clmlp_gemm_target *target, const clmlp_gemm_shape *shape,
                                 clmlp_gemm_tunables *out);

/* Pure: fills zero fields of *t with the defaults, validates the result
 * (vector width, TN a multiple of VW where the kernel needs it, work-group
 * size within target->max_work_group, the local form's panels within
 * target->local_mem) and writes the kernel's build options
 * (-DDOT_FORM=.. -DTM=.. ...) to opts. Error: CLMLP_EXIT_USAGE naming the field. */
int clmlp_gemm_generated_options(const clmlp_gemm_target *target, const clmlp_gemm_shape *shape,
                                 clmlp_gemm_tunables *t, char *opts, size_t cap, clmlp_err *err);

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

/* How one GEMM runs: the provider and its parameters, from the autotuner
 * (src/tune/) or the defaults. */
typedef struct clmlp_gemm_choice {
    clmlp_gemm_provider provider;   /* CLMLP_GEMM_GENERATED or CLMLP_GEMM_CLBLAST */
    clmlp_gemm_tunables tunables;   /* generated: zero fields = defaults */
    clmlp_clblast_params clblast;   /* clblast */
    double gflops;                  /* measured when tuned, else 0 */
    bool tuned;                     /* verified and measured (now or from the tune cache) */
} clmlp_gemm_choice;

/* One line: "generated TM=10 TN=16 VW=16 WG=1x1", "generated TM=4 TN=4 VW=4
 * WG=16x16 BK=16" (the local form), "generated defaults",
 * "clblast XgemmDirect KWID=2 MDIMAD=8 ...", "clblast defaults". */
void clmlp_gemm_choice_describe(const clmlp_gemm_choice *c, char *buf, size_t cap);

/* 2·M·N·K, plus M·N for the accumulate (C +=), M·N for an epilogue's bias
 * add or gradient product, K·N for BIAS_GRAD's sums; activations are not
 * counted. */
double clmlp_gemm_flops(const clmlp_gemm_shape *shape);

/* The operands of the RBF kernel K(x, y) = exp(-gamma·|x - y|^2) as one
 * NT GEMM with the EXP epilogue: row i of A' is [2·gamma·x_i, -gamma·|x_i|^2, 1]
 * (left) and row j of B' is [y_j, 1, -gamma·|y_j|^2] (right), d + 2 floats
 * each, so that A'·B'^T = -gamma·(|x|^2 + |y|^2 - 2·x·y): the norms ride in
 * the GEMM, whose epilogue only exponentiates (the squared norms are summed
 * in double). x: rows × d, row-major; out: rows × (d + 2). */
void clmlp_gemm_rbf_operands(const float *x, int rows, int d, double gamma, bool left, float *out);

/* Host reference (double accumulation) used by tests and by the check that
 * any tuned kernel must pass before it is used. Same contract as the device:
 * c holds the old C when accumulating; bias[N] is read by BIAS* epilogues
 * and written by BIAS_GRAD; h (M×N) is read by the <act>_GRAD ones. */
void clmlp_gemm_reference(const clmlp_gemm_shape *shape, const float *a, const float *b, float *bias,
                          const float *h, float *c);

#endif
