/* Graph, autodiff and compiler passes: no device needed. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/compiler.h"
#include "harness.h"

static void seed_config(clmlp_config *cfg)
{
    clmlp_config_defaults(cfg); /* the defaults are the seed's MLP */
}

/* The training (or evaluation) plan of cfg; NULL (and a test failure) when it does not compile. */
static clmlp_plan *compile_config(const clmlp_config *cfg, bool eval)
{
    clmlp_err err = {0};
    clmlp_graph *g = calloc(1, sizeof *g);
    clmlp_plan *plan = calloc(1, sizeof *plan);
    clmlp_compile_options opt;
    clmlp_compile_options_from_config(cfg, &opt);
    int rc = eval ? clmlp_graph_build_eval(cfg, 784, 1000, g, &err) : clmlp_graph_build_training(cfg, 784, g, &err);
    if (rc == 0)
        rc = clmlp_compile(g, &opt, plan, &err);
    free(g);
    if (rc != 0) {
        test_fail(__FILE__, __LINE__, "compile failed: %s", err.msg);
        free(plan);
        return NULL;
    }
    return plan;
}

static clmlp_plan *compile_seed_with(bool fuse, bool eval, clmlp_gemm_provider gemm)
{
    clmlp_config cfg;
    seed_config(&cfg);
    cfg.compiler.fuse = fuse;
    cfg.compiler.gemm = gemm;
    return compile_config(&cfg, eval);
}

static clmlp_plan *compile_seed(bool fuse, bool eval) { return compile_seed_with(fuse, eval, CLMLP_GEMM_AUTO); }

static int count_named(const clmlp_plan *plan, const char *name)
{
    int n = 0;
    for (int i = 0; i < plan->n_launches; i++)
        n += !strcmp(plan->launches[i].name, name);
    return n;
}

static void autodiff_gives_every_parameter_a_gradient_of_its_shape(void)
{
    clmlp_config cfg;
    seed_config(&cfg);
    clmlp_graph *g = calloc(1, sizeof *g);
    clmlp_err err = {0};
    CHECK_INT(clmlp_graph_build_training(&cfg, 784, g, &err), 0);
    CHECK_INT(g->n_params, 8);
    for (int p = 0; p < g->n_params; p++) {
        const clmlp_tensor *w = &g->tensors[g->params[p]], *dw = &g->tensors[g->param_grads[p]];
        CHECK_INT(dw->rows, w->rows);
        CHECK_INT(dw->cols, w->cols);
        CHECK(dw->role == CLMLP_ROLE_PARAM_GRAD);
    }
    /* No gradient is computed for the input images: 4 forward + 7 backward matmuls. */
    int matmuls = 0;
    for (int i = 0; i < g->n_ops; i++)
        matmuls += g->ops[i].kind == CLMLP_OP_MATMUL;
    CHECK_INT(matmuls, 4 + 4 + 3);
    free(g);
}

static void fusion_cuts_launches_per_step(void)
{
    clmlp_plan *fused = compile_seed(true, false), *unfused = compile_seed(false, false);
    /* fused: gather, 4 gemm+epilogue, softmax_xent, 4 dW+db, 3 dX*act', adam_multi */
    CHECK_INT(fused->n_launches, 14);
    CHECK_INT(count_named(fused, "gemm_tn_bias_grad"), 4);
    CHECK_INT(count_named(fused, "gemm_nt_relu_grad"), 3);
    CHECK_INT(count_named(fused, "act_grad_sum_rows") + count_named(fused, "sum_rows"), 0);
    /* unfused: gather, 4x(matmul, bias_add), 3 activation, softmax, xent_loss, xent_grad,
     * 4 sum_rows, 3 act_grad, 7 backward matmuls, 8 adam */
    CHECK_INT(unfused->n_launches, 37);
    CHECK_INT(count_named(fused, "adam_multi"), 1);
    free(fused);
    free(unfused);
}

/* The backward epilogues read and write the tensors the unfused ops did:
 * dZ = dY·W^T ⊙ act'(Y) reads Y (the layer's output), dW = X^T·dZ writes db. */
static void backward_epilogues_bind_the_right_tensors(void)
{
    clmlp_plan *plan = compile_seed(true, false);
    const clmlp_graph *g = &plan->graph;
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        if (!l->is_gemm)
            continue;
        const char *c = g->tensors[l->c].name;
        if (l->shape.epilogue == CLMLP_EPILOGUE_RELU_GRAD) {
            /* da<k> = ... * relu'(h<k>) */
            CHECK(c[0] == 'd' && c[1] == 'a');
            CHECK(l->h >= 0 && g->tensors[l->h].name[0] == 'h' && !strcmp(g->tensors[l->h].name + 1, c + 2));
            CHECK_INT(l->bias, -1);
        } else if (l->shape.epilogue == CLMLP_EPILOGUE_BIAS_GRAD) {
            /* dW<k> = X^T . dZ with db<k> = colsum(dZ) */
            CHECK(c[0] == 'd' && c[1] == 'W');
            CHECK(l->bias >= 0 && g->tensors[l->bias].name[1] == 'b' && !strcmp(g->tensors[l->bias].name + 2, c + 2));
            CHECK(g->tensors[l->bias].role == CLMLP_ROLE_PARAM_GRAD);
            CHECK_INT(l->h, -1);
        }
    }
    free(plan);
}

/* Split K: at batch 1000 each weight gradient runs as chunks of K that
 * cover the batch exactly once, in order, accumulating after the first;
 * batch 100 is not split. */
static void large_batch_weight_gradients_are_split_along_k(void)
{
    clmlp_config cfg;
    seed_config(&cfg);
    cfg.training.batch_size = 1000;
    clmlp_plan *plan = compile_config(&cfg, false);
    if (!plan)
        return;
    int chunks = 0, next = 0, op = -1;
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        if (!l->is_gemm || !l->shape.trans_a)
            continue;
        if (l->op != op) { /* a new weight gradient */
            CHECK_INT(next, op < 0 ? 0 : 1000);
            op = l->op;
            next = 0;
            CHECK(!l->shape.accumulate);
        } else {
            CHECK(l->shape.accumulate);
        }
        CHECK(l->split);
        CHECK_INT(l->k_split.k_all, 1000);
        CHECK_INT(l->k_split.k_begin, next);
        CHECK(l->shape.k <= 256);
        next += l->shape.k;
        chunks++;
    }
    CHECK_INT(next, 1000);
    CHECK_INT(chunks, 4 * 4);
    /* dX = dZ·W^T of layers 1 and 2 reads W^T, copied just before it; the
     * classifier's (K = 10) stays NT */
    int transposes = 0, nt = 0;
    for (int i = 0; i < plan->n_launches; i++) {
        const clmlp_launch *l = &plan->launches[i];
        if (l->kernel && !strcmp(l->kernel, "transpose")) {
            transposes++;
            CHECK(i + 1 < plan->n_launches && plan->launches[i + 1].is_gemm &&
                  plan->launches[i + 1].b == l->args[1].index && !plan->launches[i + 1].shape.trans_b);
        }
        nt += l->is_gemm && l->shape.trans_b;
    }
    CHECK_INT(transposes, 2);
    CHECK_INT(nt, 1);
    free(plan);
    plan = compile_seed(true, false);
    for (int i = 0; i < plan->n_launches; i++)
        CHECK(!plan->launches[i].split && (!plan->launches[i].kernel || strcmp(plan->launches[i].kernel, "transpose")));
    free(plan);
}

/* The largest batch with the deepest model still fits a plan, fused or not. */
static void deepest_model_at_the_largest_batch_compiles(void)
{
    clmlp_config cfg;
    seed_config(&cfg);
    cfg.training.batch_size = 65536;
    cfg.model.n_hidden = CLMLP_MAX_HIDDEN;
    for (int l = 0; l < CLMLP_MAX_HIDDEN; l++)
        cfg.model.hidden[l] = 40;
    for (int fuse = 0; fuse < 2; fuse++) {
        cfg.compiler.fuse = fuse;
        free(compile_config(&cfg, false)); /* a test failure when it does not compile */
    }
}

/* CLBlast cannot run an epilogue: each becomes its own launch again. */
static void clblast_plans_lower_epilogues_as_launches(void)
{
    clmlp_plan *plan = compile_seed_with(true, false, CLMLP_GEMM_CLBLAST);
    CHECK_INT(count_named(plan, "bias_act"), 4);
    CHECK_INT(count_named(plan, "act_grad"), 3);
    CHECK_INT(count_named(plan, "sum_rows"), 4);
    CHECK_INT(plan->n_launches, 14 + 4 + 3 + 4);
    for (int i = 0; i < plan->n_launches; i++)
        if (plan->launches[i].is_gemm)
            CHECK(plan->launches[i].shape.epilogue == CLMLP_EPILOGUE_NONE);
    free(plan);
}

static void gemm_flops_match_the_analytic_count(void)
{
    const double B = 100, layers[][2] = {{784, 400}, {400, 400}, {400, 500}, {500, 10}};
    double forward = 0, dx = 0;
    for (int l = 0; l < 4; l++) {
        forward += 2 * B * layers[l][0] * layers[l][1];
        if (l > 0)
            dx += 2 * B * layers[l][0] * layers[l][1];
    }
    for (int fuse = 0; fuse < 2; fuse++) {
        clmlp_plan *plan = compile_seed(fuse, false);
        double gemm = 0;
        for (int i = 0; i < plan->n_launches; i++)
            if (plan->launches[i].is_gemm) {
                const clmlp_gemm_shape *s = &plan->launches[i].shape;
                gemm += 2.0 * s->m * s->n * s->k;
            }
        CHECK_NEAR(gemm, 2 * forward + dx, 0.5);
        CHECK(clmlp_plan_flops(plan) > gemm);
        free(plan);
    }
}

static void buffer_plan_never_overlaps_live_tensors(void)
{
    for (int fuse = 0; fuse < 2; fuse++) {
        clmlp_plan *plan = compile_seed(fuse, false);
        const clmlp_buffer_plan *bp = &plan->buffers;
        const clmlp_graph *g = &plan->graph;
        int arena = 0;
        for (int a = 0; a < g->n_tensors; a++) {
            if (bp->region[a] != CLMLP_REGION_ARENA)
                continue;
            arena++;
            CHECK(bp->offset[a] % bp->align == 0);
            CHECK(bp->offset[a] + clmlp_tensor_bytes(&g->tensors[a]) <= bp->region_bytes[CLMLP_REGION_ARENA]);
            for (int b = a + 1; b < g->n_tensors; b++) {
                if (bp->region[b] != CLMLP_REGION_ARENA)
                    continue;
                bool live_overlap = bp->first_def[a] <= bp->last_use[b] && bp->first_def[b] <= bp->last_use[a];
                bool mem_overlap = bp->offset[a] < bp->offset[b] + clmlp_tensor_bytes(&g->tensors[b]) &&
                                   bp->offset[b] < bp->offset[a] + clmlp_tensor_bytes(&g->tensors[a]);
                if (live_overlap && mem_overlap)
                    test_fail(__FILE__, __LINE__, "%s and %s share memory while both live", g->tensors[a].name,
                              g->tensors[b].name);
            }
        }
        CHECK(arena > 5);
        CHECK(bp->region_bytes[CLMLP_REGION_ARENA] < bp->no_reuse_bytes);
        /* Parameters: 784*400+400 + 400*400+400 + 400*500+500 + 500*10+10 = 679910 floats, aligned. */
        CHECK(bp->region_bytes[CLMLP_REGION_PARAMS] >= 4u * 679910u);
        CHECK(bp->region_bytes[CLMLP_REGION_PARAMS] < 4u * 679910u + 8 * bp->align);
        CHECK_INT(bp->region_bytes[CLMLP_REGION_STATE1], bp->region_bytes[CLMLP_REGION_PARAMS]);
        /* Every tensor a launch touches has memory. */
        for (int i = 0; i < plan->n_launches; i++) {
            const clmlp_launch *l = &plan->launches[i];
            for (int a = 0; a < l->n_args; a++)
                if (l->args[a].kind == CLMLP_ARG_TENSOR)
                    CHECK(bp->region[l->args[a].index] != CLMLP_REGION_NONE);
            const int operands[] = {l->a, l->b, l->c, l->bias, l->h};
            for (size_t k = 0; l->is_gemm && k < CLMLP_ARRAY_LEN(operands); k++)
                if (operands[k] >= 0)
                    CHECK(bp->region[operands[k]] != CLMLP_REGION_NONE);
        }
        free(plan);
    }
}

static void parameters_share_one_layout_across_regions(void)
{
    clmlp_plan *plan = compile_seed(true, false);
    const clmlp_graph *g = &plan->graph;
    for (int p = 0; p < g->n_params; p++) {
        size_t off = plan->buffers.offset[g->params[p]];
        CHECK_INT(plan->buffers.offset[g->param_grads[p]], off);
        CHECK_INT(plan->buffers.offset[g->opt_state[p][0]], off);
        CHECK_INT(plan->buffers.offset[g->opt_state[p][1]], off);
    }
    free(plan);
}

static void eval_plan_is_forward_only(void)
{
    clmlp_plan *plan = compile_seed(true, true);
    CHECK_INT(plan->n_launches, 1 + 4 + 1); /* gather, 4 gemm+epilogue, argmax */
    CHECK_STR(plan->launches[plan->n_launches - 1].name, "argmax");
    CHECK_INT(plan->buffers.region_bytes[CLMLP_REGION_GRADS], 0);
    free(plan);
}

static void layer_sizes_are_data(void)
{
    static const int shapes[][5] = {{1, 128}, {4, 1024, 512, 256, 128}, {0}};
    for (size_t s = 0; s < CLMLP_ARRAY_LEN(shapes); s++) {
        clmlp_config cfg;
        seed_config(&cfg);
        cfg.model.n_hidden = shapes[s][0];
        for (int i = 0; i < shapes[s][0]; i++)
            cfg.model.hidden[i] = shapes[s][i + 1];
        clmlp_graph *g = calloc(1, sizeof *g);
        clmlp_plan *plan = calloc(1, sizeof *plan);
        clmlp_err err = {0};
        clmlp_compile_options opt;
        clmlp_compile_options_from_config(&cfg, &opt);
        CHECK_INT(clmlp_graph_build_training(&cfg, 784, g, &err), 0);
        CHECK_INT(clmlp_compile(g, &opt, plan, &err), 0);
        CHECK_INT(g->n_params, 2 * (shapes[s][0] + 1));
        free(g);
        free(plan);
    }
}

static void dump_lists_launches_and_peak(void)
{
    clmlp_plan *plan = compile_seed(true, false);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    clmlp_plan_dump(plan, "training step", f);
    fclose(f);
    CHECK_CONTAINS(buf, "gemm_nn_bias_relu");
    CHECK_CONTAINS(buf, "matmul+bias_add+relu");
    CHECK_CONTAINS(buf, "softmax+xent_loss+xent_grad");
    CHECK_CONTAINS(buf, "static device peak");
    CHECK_CONTAINS(buf, "launches: 14");
    CHECK_CONTAINS(buf, "matmul+act_grad(relu)");
    CHECK_CONTAINS(buf, "da2 = dlogits . W3^T * relu'(h2)");
    CHECK_CONTAINS(buf, "dW3 = h2^T . dlogits, db3 = colsum(dlogits)");
    free(buf);
    free(plan);
}

const test_case compiler_tests[] = {
    {"backward_epilogues_bind_the_right_tensors", backward_epilogues_bind_the_right_tensors, false},
    {"clblast_plans_lower_epilogues_as_launches", clblast_plans_lower_epilogues_as_launches, false},
    {"large_batch_weight_gradients_are_split_along_k", large_batch_weight_gradients_are_split_along_k, false},
    {"deepest_model_at_the_largest_batch_compiles", deepest_model_at_the_largest_batch_compiles, false},
    {"autodiff_gives_every_parameter_a_gradient_of_its_shape", autodiff_gives_every_parameter_a_gradient_of_its_shape,
     false},
    {"fusion_cuts_launches_per_step", fusion_cuts_launches_per_step, false},
    {"gemm_flops_match_the_analytic_count", gemm_flops_match_the_analytic_count, false},
    {"buffer_plan_never_overlaps_live_tensors", buffer_plan_never_overlaps_live_tensors, false},
    {"parameters_share_one_layout_across_regions", parameters_share_one_layout_across_regions, false},
    {"eval_plan_is_forward_only", eval_plan_is_forward_only, false},
    {"layer_sizes_are_data", layer_sizes_are_data, false},
    {"dump_lists_launches_and_peak", dump_lists_launches_and_peak, false},
    {NULL, NULL, false},
};
