/* Running a comparison in rounds; see compare.h. Round r runs every device
 * once, forward in even rounds and reversed in odd ones, so a machine that
 * drifts (other load, heat, frequency) slows every device alike and each
 * round yields a paired ratio. Each device keeps the result of its median
 * round; a result is freed as soon as it can no longer be that. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/compare.h"

/* on_start of each run: keep the plans the device ran, then the caller's hook. */
typedef struct {
    const clmlp_run_hooks *hooks;
    clmlp_compare_run *run;
    bool out_of_memory;
} start_ctx;

/* The plans are the same in every round (same config, same device, the
 * tuning cache), so the first round's are kept. */
static void keep_plans(void *user, const clmlp_config *cfg, const clmlp_session *s)
{
    start_ctx *sc = user;
    clmlp_compare_run *r = sc->run;
    if (!r->train_plan && s && s->train_plan && s->eval_plan) { /* an SVM's session has no plans */
        r->train_plan = malloc(sizeof *r->train_plan);
        r->eval_plan = malloc(sizeof *r->eval_plan);
        if (r->train_plan && r->eval_plan) {
            *r->train_plan = *s->train_plan;
            *r->eval_plan = *s->eval_plan;
        } else {
            sc->out_of_memory = true;
        }
    }
    if (sc->hooks->on_start)
        sc->hooks->on_start(sc->hooks->user, cfg, s);
}

static void forward_progress(void *user, int epoch, int step, int steps)
{
    const start_ctx *sc = user;
    sc->hooks->on_progress(sc->hooks->user, epoch, step, steps);
}

static void forward_epoch(void *user, int epoch, int epochs, const clmlp_epoch_stats *stats)
{
    const start_ctx *sc = user;
    sc->hooks->on_epoch(sc->hooks->user, epoch, epochs, stats);
}

/* Every round's result of every device while the rounds run. */
typedef struct {
    int rounds;
    clmlp_run_result *results; /* [device * rounds + round] */
    bool *held;                /* whether that result is still kept */
} round_store;

static clmlp_run_result *stored(round_store *st, int device, int round)
{
    return &st->results[device * st->rounds + round];
}

static void drop(round_store *st, int device, int round)
{
    if (st->held[device * st->rounds + round]) {
        clmlp_run_result_free(stored(st, device, round));
        st->held[device * st->rounds + round] = false;
    }
}

/* Frees the device's results that can no longer be its median round. */
static void prune(round_store *st, const clmlp_compare_run *r, int device, int have)
{
    for (int k = 0; k < have; k++)
        if (!clmlp_compare_may_be_median(r->round_train_s, have, st->rounds, k))
            drop(st, device, k);
}

/* One device, one round: a full experiment run, its time recorded. */
static int run_once(clmlp_compare *c, round_store *st, int i, int round, const clmlp_run_hooks *hooks,
                    void (*on_run)(void *, const clmlp_compare *, const clmlp_compare_progress *), clmlp_err *err)
{
    clmlp_compare_run *r = &c->runs[i];
    clmlp_config cfg = c->cfg;
    cfg.device = r->device;
    start_ctx sc = {hooks, r, false};
    clmlp_run_hooks wrapped = {.user = &sc, .on_start = keep_plans,
                               .on_progress = hooks->on_progress ? forward_progress : NULL,
                               .on_epoch = hooks->on_epoch ? forward_epoch : NULL};
    clmlp_compare_progress p = {round, st->rounds, i, c->n_runs, NULL};
    if (on_run)
        on_run(hooks->user, c, &p);
    clmlp_run_result *res = stored(st, i, round);
    st->held[i * st->rounds + round] = true; /* freed even when the run fails half way */
    int rc = clmlp_experiment_run(&cfg, &wrapped, res, err);
    if (rc == 0 && sc.out_of_memory)
        rc = clmlp_fail(err, CLMLP_EXIT_INTERNAL, "out of memory keeping the plans of device %d", i);
    if (rc < 0)
        return clmlp_fail_prefix(err, "device spec '%s' (round %d): ", r->spec, round + 1);
    r->round_train_s[round] = res->train_seconds;
    p.result = res;
    if (on_run)
        on_run(hooks->user, c, &p);
    prune(st, r, i, round + 1);
    return 0;
}

/* Moves each device's median round into its run; frees the rest. */
static void keep_medians(clmlp_compare *c, round_store *st)
{
    for (int i = 0; i < c->n_runs; i++) {
        clmlp_compare_run *r = &c->runs[i];
        r->median_round = clmlp_compare_median_round(r->round_train_s, st->rounds);
        r->run = *stored(st, i, r->median_round);
        st->held[i * st->rounds + r->median_round] = false;
    }
}

static void store_free(round_store *st, int devices)
{
    for (int i = 0; i < devices; i++)
        for (int k = 0; k < st->rounds; k++)
            drop(st, i, k);
    free(st->results);
    free(st->held);
}

int clmlp_compare_run_all(clmlp_compare *c, const clmlp_run_hooks *hooks,
                          void (*on_run)(void *user, const clmlp_compare *c, const clmlp_compare_progress *p),
                          clmlp_err *err)
{
    static const clmlp_run_hooks no_hooks = {0};
    if (!hooks)
        hooks = &no_hooks;
    round_store st = {.rounds = c->cfg.compare.rounds};
    if (st.rounds < 1 || st.rounds > CLMLP_COMPARE_MAX_ROUNDS)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "compare.rounds: %d is out of range [1, %d]", st.rounds,
                          CLMLP_COMPARE_MAX_ROUNDS);
    size_t n = (size_t)c->n_runs * (size_t)st.rounds;
    st.results = clmlp_calloc(n, sizeof *st.results, err);
    st.held = clmlp_calloc(n, sizeof *st.held, err);
    int rc = st.results && st.held ? 0 : -1;
    for (int round = 0; round < st.rounds && rc == 0; round++)
        for (int k = 0; k < c->n_runs && rc == 0; k++)
            rc = run_once(c, &st, round % 2 ? c->n_runs - 1 - k : k, round, hooks, on_run, err);
    if (rc == 0) {
        c->n_rounds = st.rounds;
        keep_medians(c, &st);
    }
    store_free(&st, c->n_runs);
    return rc < 0 ? -1 : clmlp_compare_analyze(c, err);
}
