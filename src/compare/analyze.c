/* From runs and device models to the comparison's figures; see compare.h.
 * Pure arithmetic over what the runs measured and the plans they ran. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/compare.h"

/* A run that was not measured in rounds (read from a report, made by
 * hand) is one round of its own training time. */
static void ensure_rounds(clmlp_compare *c)
{
    if (c->n_rounds > 0)
        return;
    c->n_rounds = 1;
    for (int i = 0; i < c->n_runs; i++) {
        c->runs[i].round_train_s[0] = c->runs[i].run.train_seconds;
        c->runs[i].median_round = 0;
    }
}

/* Per-epoch and per-image figures from the median over the rounds; eval
 * from the median round's result (its rates, clmlp_run_result_rates). */
static void measure(clmlp_compare_run *r, int rounds, const clmlp_config *cfg)
{
    const clmlp_run_result *res = &r->run;
    /* An SVM trains once, with no epochs: its "epoch" is the whole training. */
    int epochs = res->kind == CLMLP_MODEL_SVM ? 1 : res->epochs_done;
    double per_epoch[CLMLP_COMPARE_MAX_ROUNDS];
    for (int k = 0; k < rounds; k++)
        per_epoch[k] = epochs ? r->round_train_s[k] / epochs : 0;
    clmlp_compare_spread(per_epoch, rounds, &r->epoch_s);
    clmlp_compare_spread(r->round_train_s, rounds, &r->round_s);
    double train = r->round_s.median;
    double steps = (double)res->steps_per_epoch * epochs;
    r->cls = clmlp_device_class_of(res->device.type);
    r->train_s_per_epoch = r->epoch_s.median;
    r->step_s = steps > 0 ? train / steps : 0;
    r->train_s_per_image = res->train_images > 0 ? train / res->train_images : 0;
    r->train_images_per_s = train > 0 ? res->train_images / train : 0;
    r->eval_images_per_s = res->eval_images_per_second;
    r->eval_s_per_image = res->eval_images_per_second > 0 ? 1.0 / res->eval_images_per_second : 0;
    r->short_rounds = train < cfg->compare.min_round_seconds;
    /* An MPI run's time per image is that of all its ranks together; the
     * rows extrapolate one device, so they take its ranks' compute. */
    r->run_train_s_per_image = r->train_s_per_image;
    if (r->mpi.ranks >= 2 && r->mpi.device_train_s_per_image > 0)
        r->train_s_per_image = r->mpi.device_train_s_per_image;
}

static bool same_device(const clmlp_compare_run *a, const clmlp_compare_run *b)
{
    return a->selected && b->selected && a->platform_index == b->platform_index && a->device_index == b->device_index;
}

/* Each run's earlier twin on the same device; a twin makes it a noise check. */
static void find_twins(clmlp_compare *c)
{
    c->noise_check = false;
    for (int i = 0; i < c->n_runs; i++) {
        c->runs[i].same_as = -1;
        for (int j = 0; j < i && c->runs[i].same_as < 0; j++)
            if (same_device(&c->runs[i], &c->runs[j]))
                c->runs[i].same_as = j;
        c->noise_check |= c->runs[i].same_as >= 0;
    }
}

/* Paired per round: the baseline's round-r time over the device's. A
 * device on the baseline's own device claims no speedup, whatever the
 * ratios say. */
static void speedup(clmlp_compare *c, int i)
{
    const clmlp_compare_run *base = &c->runs[c->baseline];
    clmlp_compare_run *r = &c->runs[i];
    clmlp_compare_ratios(base->round_train_s, r->round_train_s, c->n_rounds, &r->speedup_spread);
    r->speedup = r->speedup_spread.median;
    r->distinguishable = i != c->baseline && !same_device(r, base) &&
                         clmlp_compare_distinguishable(&r->speedup_spread);
    r->accuracy_delta = r->run.accuracy - base->run.accuracy;
    r->accuracy_flagged = fabs(r->accuracy_delta) > c->cfg.compare.accuracy_tolerance;
}

/* The roofline of model m on a run's own plans, scaled to the run's
 * device (its compute units); fp32, since that is what ran. */
static void predict_run(clmlp_compare *c, clmlp_compare_run *r)
{
    r->model = clmlp_devmodel_find(c->models, c->n_models, &r->run.device);
    clmlp_roof roof;
    if (r->model < 0 || !r->train_plan || !r->eval_plan ||
        !clmlp_roof_from_model(&c->models[r->model], CLMLP_PREC_FP32, r->run.device.compute_units, &roof)) {
        r->model = -1;
        return;
    }
    clmlp_roofline_plan(r->train_plan, &roof, &r->pred_step);
    clmlp_roofline_plan(r->eval_plan, &roof, &r->pred_eval_batch);
}

/* The device's measured model: the roofline on its own probed roofs, the
 * method without a datasheet, so its error shows what the roofline itself
 * leaves out. */
static void predict_probe(clmlp_compare_run *r)
{
    const clmlp_probe *p = &r->run.probe;
    r->probed = r->run.has_probe && r->train_plan && r->eval_plan && p->gemm_gflops > 0 && p->copy_gbps > 0 &&
                clmlp_roof_from_probe(p, &r->probe_roof);
    if (!r->probed)
        return;
    clmlp_roofline_plan(r->train_plan, &r->probe_roof, &r->probe_step);
    clmlp_roofline_plan(r->eval_plan, &r->probe_roof, &r->probe_eval_batch);
}

/* Every model on the baseline's plans, at the precision the config asks. */
static void predict_models(clmlp_compare *c)
{
    const clmlp_compare_run *base = &c->runs[c->baseline];
    for (int m = 0; m < c->n_models; m++) {
        clmlp_model_prediction *p = &c->predictions[m];
        clmlp_roof roof;
        memset(p, 0, sizeof *p);
        if (!base->train_plan || !base->eval_plan ||
            !clmlp_roof_from_model(&c->models[m], c->cfg.extrapolate.precision, 0, &roof))
            continue;
        p->ok = true;
        clmlp_roofline_plan(base->train_plan, &roof, &p->step);
        clmlp_roofline_plan(base->eval_plan, &roof, &p->eval_batch);
        p->train_s_per_image = p->step.seconds / base->train_plan->graph.batch;
        p->eval_s_per_image = p->eval_batch.seconds / base->eval_plan->graph.batch;
    }
}

static void fill_scale_in(const clmlp_compare *c, double train_s, double eval_s, double usd, clmlp_scale_in *in)
{
    const clmlp_config *cfg = &c->cfg;
    in->train_s_per_image = train_s;
    in->eval_s_per_image = eval_s;
    in->train_images = cfg->extrapolate.train_images;
    in->test_images = cfg->extrapolate.test_images;
    in->epochs = c->epochs;
    in->bytes_per_image = c->bytes_per_image;
    in->read_bytes_per_s = cfg->extrapolate.storage_read_gbps * 1e9;
    in->target_hours = cfg->extrapolate.target_hours;
    in->usd_per_hour = usd;
}

double clmlp_compare_usd_per_hour(const clmlp_compare *c, int i)
{
    const clmlp_compare_run *r = &c->runs[i];
    return r->model >= 0 && c->models[r->model].usd_per_hour > 0 ? c->models[r->model].usd_per_hour
                                                                 : c->cfg.extrapolate.usd_per_hour;
}

static void extrapolate_rows(clmlp_compare *c)
{
    c->n_rows = 0;
    for (int i = 0; i < c->n_runs; i++) {
        const clmlp_compare_run *r = &c->runs[i];
        clmlp_extrap_row *row = &c->rows[c->n_rows++];
        row->measured = true;
        row->index = i;
        fill_scale_in(c, r->train_s_per_image, r->eval_s_per_image, clmlp_compare_usd_per_hour(c, i), &row->in);
        clmlp_extrapolate(&row->in, &row->out);
    }
    for (int m = 0; m < c->n_models; m++) {
        const clmlp_model_prediction *p = &c->predictions[m];
        if (!p->ok)
            continue;
        clmlp_extrap_row *row = &c->rows[c->n_rows++];
        row->measured = false;
        row->index = m;
        fill_scale_in(c, p->train_s_per_image, p->eval_s_per_image, c->models[m].usd_per_hour, &row->in);
        clmlp_extrapolate(&row->in, &row->out);
    }
}

int clmlp_compare_analyze(clmlp_compare *c, clmlp_err *err)
{
    const clmlp_config *cfg = &c->cfg;
    free(c->predictions);
    free(c->rows);
    c->predictions = clmlp_calloc((size_t)c->n_models + 1, sizeof *c->predictions, err);
    c->rows = clmlp_calloc((size_t)(c->n_runs + c->n_models) + 1, sizeof *c->rows, err);
    if (!c->predictions || !c->rows)
        return -1;
    ensure_rounds(c);
    find_twins(c);
    for (int i = 0; i < c->n_runs; i++) {
        measure(&c->runs[i], c->n_rounds, cfg);
        predict_run(c, &c->runs[i]);
        predict_probe(&c->runs[i]);
        c->runs[i].host_peak_bytes = clmlp_run_host_peak(&c->runs[i].run);
    }
    for (int i = 0; i < c->n_runs; i++)
        speedup(c, i);
    const clmlp_compare_run *base = &c->runs[c->baseline];
    predict_models(c);
    clmlp_compare_chain(c);

    c->epochs = cfg->extrapolate.epochs ? cfg->extrapolate.epochs : cfg->training.epochs;
    if (base->run.kind == CLMLP_MODEL_SVM || cfg->model.kind == CLMLP_MODEL_SVM)
        c->epochs = 1; /* one training over the set, not E passes */
    int input_dim = base->run.input_dim ? base->run.input_dim
                    : base->train_plan ? base->train_plan->graph.input_dim
                                       : cfg->model.input;
    c->bytes_per_image = input_dim + 1.0; /* uint8 pixels + a uint8 label */
    extrapolate_rows(c);
    clmlp_compare_comm_rows(c, input_dim);
    clmlp_seed_arithmetic(CLMLP_SEED_RUN_SECONDS, CLMLP_SEED_TRAIN_IMAGES, cfg->extrapolate.train_images,
                          CLMLP_SEED_TPU_PER_CPU, &c->seed);
    return 0;
}
