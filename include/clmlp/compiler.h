/* The graph compiler: passes over a graph (graph.h) that end in a plan, a
 * flat list of launches (CLBlast/generated GEMMs and kernels from cl/) over
 * device buffers laid out by a static buffer plan.
 *
 *   fuse      -> pattern-rewrites primitive ops into fused ops (compiler.fuse)
 *   layout    -> large-batch backward GEMMs on a weight's transpose read a transposed copy (compiler.fuse)
 *   schedule  -> checks the order is topological, computes each tensor's live range
 *   buffers   -> places every tensor: step-local tensors share one arena by
 *                live range; parameters, their gradients and optimizer state
 *                get one region each, all with the same layout, so one
 *                multi-tensor kernel can update them all
 *   lower     -> one or more launches per op, with arguments, sizes, FLOPs, bytes
 */
#ifndef CLMLP_COMPILER_H
#define CLMLP_COMPILER_H

#include <stdio.h>

#include "clmlp/graph.h"

#define CLMLP_MAX_LAUNCHES 320
#define CLMLP_MAX_ARGS 12
#define CLMLP_MAX_GEMM_CHOICES 64

typedef enum {
    CLMLP_REGION_NONE = -1,
    CLMLP_REGION_ARENA,   /* step-local: batch, activations, gradients */
    CLMLP_REGION_PARAMS,
    CLMLP_REGION_GRADS,
    CLMLP_REGION_STATE0,  /* Adam m / SGD velocity */
    CLMLP_REGION_STATE1,  /* Adam v */
    CLMLP_REGION_COUNT
} clmlp_region;

/* Buffers owned by the run rather than the plan. */
typedef enum {
    CLMLP_EXT_PIXELS, /* uint8 dataset on the device */
    CLMLP_EXT_LABELS, /* uint8 labels */
    CLMLP_EXT_INDEX,  /* uint32 epoch order */
    CLMLP_EXT_OUTPUT, /* float per-row losses of an epoch, or int predictions */
    CLMLP_EXT_COUNT
} clmlp_external;

/* Per-step scalars the runtime supplies. */
typedef enum {
    CLMLP_DYN_FIRST,         /* position of the batch in the epoch order */
    CLMLP_DYN_OUTPUT_OFFSET, /* where this batch's rows go in the output buffer */
    CLMLP_DYN_LR,            /* learning rate this step (Adam: bias-corrected) */
    CLMLP_DYN_COUNT
} clmlp_dynamic;

typedef enum {
    CLMLP_ARG_TENSOR,   /* index = tensor id */
    CLMLP_ARG_REGION,   /* index = clmlp_region, the whole region */
    CLMLP_ARG_EXTERNAL, /* index = clmlp_external */
    CLMLP_ARG_DYNAMIC,  /* index = clmlp_dynamic */
    CLMLP_ARG_INT,
    CLMLP_ARG_FLOAT,
} clmlp_arg_kind;

typedef struct clmlp_arg {
    clmlp_arg_kind kind;
    int index;
    int i;
    float f;
} clmlp_arg;

typedef struct clmlp_launch {
    char name[48]; /* kernel name, or gemm_<tt>[_bias[_act]] */
    int op;        /* the op (in plan.graph) it lowers */
    bool is_gemm;
    /* GEMM */
    clmlp_gemm_shape shape;
    clmlp_gemm_provider provider; /* CLBLAST or GENERATED, never AUTO */
    clmlp_gemm_choice choice;     /* its parameters (choice.provider == provider) */
    int a, b, c, bias;            /* tensor ids; bias -1 when the epilogue has none (BIAS_GRAD: written) */
    int h;                        /* <act>_GRAD epilogue: the forward output it reads; else -1 */
    bool split;                   /* a chunk of a split K (shape.k rows of k_split.k_all) */
    clmlp_gemm_split k_split;
    /* kernel */
    const char *program; /* cl/ source stem */
    const char *kernel;
    char options[128];
    clmlp_arg args[CLMLP_MAX_ARGS];
    int n_args;
    int dims;
    size_t global[2], local[2];
    /* cost model inputs, also used by the profiler */
    double flops, bytes;
    double footprint; /* distinct bytes it touches, its working set (<= bytes: in-place updates count once) */
} clmlp_launch;

typedef struct clmlp_buffer_plan {
    clmlp_region region[CLMLP_MAX_TENSORS]; /* NONE: unused tensor (fused away) or external output */
    size_t offset[CLMLP_MAX_TENSORS];
    int first_def[CLMLP_MAX_TENSORS], last_use[CLMLP_MAX_TENSORS]; /* op indices; -1 = never */
    size_t region_bytes[CLMLP_REGION_COUNT];
    size_t align;
    size_t peak_bytes;    /* sum of all regions: the plan's static device memory */
    size_t no_reuse_bytes;/* what the arena would need without reuse */
} clmlp_buffer_plan;

typedef struct clmlp_compile_options {
    bool fuse;
    clmlp_gemm_provider gemm; /* AUTO resolves to GENERATED here; autotuning refines it */
    size_t align;             /* sub-buffer alignment in bytes (device CL_DEVICE_MEM_BASE_ADDR_ALIGN / 8) */
    /* The device the kernels are shaped for (clmlp_gemm_target_of; zero: a
     * CPU OpenCL). target.gpu: its work-items are SIMD lanes (GPUs,
     * llvmpipe), so the elementwise kernels run work-groups of up to 256
     * work-items with one float4 each and no transposed weight copy (the
     * local-memory GEMM reads every transpose); else few large work-items
     * with float16 vectors, as PoCL wants. */
    clmlp_gemm_target target;
    /* the optimizer's constants: beta1, beta2, eps and momentum are baked
     * into its launch; lr is scaled per step by clmlp_plan_step_lr */
    double lr, beta1, beta2, eps, momentum;
} clmlp_compile_options;

/* A GEMM choice for one key shape (see clmlp_plan_gemm_keys). */
typedef struct clmlp_gemm_choice_entry {
    clmlp_gemm_shape key;
    clmlp_gemm_choice choice;
} clmlp_gemm_choice_entry;

typedef struct clmlp_plan {
    clmlp_graph graph; /* after fusion */
    clmlp_compile_options options;
    clmlp_buffer_plan buffers;
    clmlp_launch launches[CLMLP_MAX_LAUNCHES];
    int n_launches;
    /* Per-shape GEMM choices (the autotuner's) that lowering applies; a
     * shape without one gets options.gemm's provider with its defaults. */
    clmlp_gemm_choice_entry gemm_choices[CLMLP_MAX_GEMM_CHOICES];
    int n_gemm_choices;
} clmlp_plan;

void clmlp_compile_options_from_config(const clmlp_config *cfg, clmlp_compile_options *opt);
int clmlp_compile(const clmlp_graph *g, const clmlp_compile_options *opt, clmlp_plan *plan, clmlp_err *err);
/* Both plans of a config: the training step and the evaluation batch, with
 * cfg's options, for a device with sub-buffer alignment `align` (0: the
 * default) whose kernels are shaped for `target` (NULL: a CPU's). */
int clmlp_compile_config(const clmlp_config *cfg, int input_dim, size_t align, const clmlp_gemm_target *target,
                         clmlp_plan *train, clmlp_plan *eval, clmlp_err *err);

/* The passes, public for tests. */
int clmlp_pass_fuse(clmlp_graph *g, clmlp_err *err);
int clmlp_pass_layout(clmlp_graph *g, clmlp_err *err);
int clmlp_pass_schedule(const clmlp_graph *g, int *first_def, int *last_use, clmlp_err *err);
int clmlp_pass_buffers(const clmlp_graph *g, size_t align, clmlp_buffer_plan *bp, clmlp_err *err);
int clmlp_pass_lower(clmlp_plan *plan, clmlp_err *err);

/* The distinct key shapes of the plan's GEMMs, in launch order: each matmul
 * with the epilogue the generated kernel would fuse (none when compiled for
 * clblast). These are what choices and the tune cache are keyed by. Returns
 * the count (at most cap). */
int clmlp_plan_gemm_keys(const clmlp_plan *plan, clmlp_gemm_shape *keys, int cap);
/* Records the choice for a key shape (replacing an earlier one); call
 * clmlp_pass_lower afterwards to apply it. A CLBlast choice for a key with
 * an epilogue lowers to the GEMM plus a bias/activation launch. */
int clmlp_plan_set_gemm_choice(clmlp_plan *plan, const clmlp_gemm_shape *key, const clmlp_gemm_choice *choice,
                               clmlp_err *err);

/* The learning rate of optimizer step t (1-based) that the plan's optimizer
 * launch takes: Adam's bias correction folded in (TF1 style), SGD's as is. */
float clmlp_plan_step_lr(const clmlp_plan *plan, long t);

double clmlp_plan_flops(const clmlp_plan *plan);
double clmlp_plan_bytes(const clmlp_plan *plan);
/* Human-readable plan: launches with fused ops, shapes, FLOPs, bytes; buffer plan and peak. */
void clmlp_plan_dump(const clmlp_plan *plan, const char *title, FILE *out);
/* One launch in words: "h0 = x . W0  (M=100 N=400 K=784, generated)", or its
 * outputs <- inputs with shapes; and the ops it fuses ("matmul+bias_add+relu"). */
void clmlp_launch_describe(const clmlp_plan *plan, int launch, char *buf, size_t cap);
const char *clmlp_launch_ops(const clmlp_plan *plan, int launch);

const char *clmlp_region_name(clmlp_region region);

#endif
