/* Autotuning a plan's GEMMs: per key shape, the cached choice or the
 * fastest verified candidate, then the plan is lowered again with them. */
#include "clmlp/tune.h"

#include <stdio.h>
#include <string.h>

enum { REPS_QUICK = 5, REPS_FULL = 15 };

int clmlp_tuner_open(clmlp_tuner *t, clmlp_device *dev, clmlp_autotune mode, clmlp_gemm_provider providers,
                     clmlp_err *err)
{
    memset(t, 0, sizeof *t);
    t->dev = dev;
    t->mode = mode;
    t->providers = providers;
    if (mode == CLMLP_AUTOTUNE_OFF)
        return 0;
    return clmlp_tune_cache_load(&dev->desc, NULL, &t->cache, err);
}

void clmlp_tuner_close(clmlp_tuner *t)
{
    clmlp_err err = {0};
    if (clmlp_tune_cache_save(&t->cache, &err) < 0)
        fprintf(stderr, "clmlp: warning: tune cache not saved: %s\n", err.msg);
    clmlp_tune_cache_free(&t->cache);
}

static clmlp_gemm_choice default_choice(clmlp_gemm_provider providers)
{
    clmlp_gemm_choice c = {.provider = providers == CLMLP_GEMM_CLBLAST ? CLMLP_GEMM_CLBLAST : CLMLP_GEMM_GENERATED};
    return c;
}

static bool allowed(clmlp_gemm_provider providers, clmlp_gemm_provider p)
{
    return providers == CLMLP_GEMM_AUTO || providers == p;
}

/* Checks every candidate, then times the ones that passed in interleaved
 * rounds (one run each per round); *best gets the fastest median. */
static int measure_candidates(clmlp_tuner *t, const clmlp_gemm_shape *s, const clmlp_gemm_choice *cands, int n,
                              clmlp_gemm_choice *best, clmlp_err *err)
{
    clmlp_tune_workload w;
    clmlp_tune_trial *trials = clmlp_calloc((size_t)n, sizeof *trials, err);
    if (!trials || clmlp_tune_workload_create(t->dev, s, &w, err) < 0) {
        free(trials);
        return -1;
    }
    int rc = 0, reps = t->mode == CLMLP_AUTOTUNE_FULL ? REPS_FULL : REPS_QUICK;
    for (int i = 0; i < n && rc == 0; i++) {
        if (t->progress)
            t->progress(t->user, s, i, n);
        rc = clmlp_tune_trial_check(t->dev, &w, &cands[i], t->inspect, t->user, &trials[i], err);
        t->stats.candidates++;
    }
    for (int r = 0; r < reps && rc == 0; r++)
        for (int i = 0; i < n && rc == 0; i++)
            rc = clmlp_tune_trial_time(t->dev, &w, &trials[i], 1, err);
    if (t->progress)
        t->progress(t->user, s, n, n);
    char first_why[256] = "";
    best->gflops = -1;
    for (int i = 0; i < n && rc == 0; i++) {
        double g = clmlp_tune_trial_gflops(&w, &trials[i]);
        if (!trials[i].ok) {
            t->stats.rejected++;
            char desc[200];
            clmlp_gemm_choice_describe(&cands[i], desc, sizeof desc);
            if (!first_why[0])
                snprintf(first_why, sizeof first_why, "%.120s: %.120s", desc, trials[i].why);
        } else if (g > best->gflops) {
            *best = cands[i];
            best->gflops = g;
            best->tuned = true;
        }
    }
    for (int i = 0; i < n; i++)
        clmlp_tune_trial_release(&trials[i]);
    free(trials);
    clmlp_tune_workload_release(&w);
    if (rc == 0 && best->gflops < 0)
        rc = clmlp_fail(err, CLMLP_EXIT_DEVICE, "no candidate passed verification (first: %s)", first_why);
    return rc;
}

int clmlp_tune_shape(clmlp_tuner *t, const clmlp_gemm_shape *s, clmlp_gemm_choice *out, clmlp_err *err)
{
    t->stats.shapes++;
    *out = default_choice(t->providers);
    if (t->mode == CLMLP_AUTOTUNE_OFF)
        return 0;
    const clmlp_tune_entry *hit = clmlp_tune_cache_find(&t->cache, s);
    bool usable = hit && allowed(t->providers, hit->choice.provider);
    if (usable && !t->force && !(t->mode == CLMLP_AUTOTUNE_FULL && hit->mode == CLMLP_AUTOTUNE_QUICK)) {
        t->stats.from_cache++;
        *out = hit->choice;
        return 0;
    }
    if (t->cache_only)
        return 0;
    clmlp_gemm_choice cands[CLMLP_TUNE_MAX_CANDIDATES];
    int n = clmlp_tune_candidates(&t->dev->desc, s, t->mode, t->providers, cands, CLMLP_TUNE_MAX_CANDIDATES);
    if (n == 0)
        return 0; /* clblast in quick mode: its defaults, untimed */
    double t0 = clmlp_now();
    int rc = measure_candidates(t, s, cands, n, out, err);
    t->stats.seconds += clmlp_now() - t0;
    if (rc < 0) {
        char key[96];
        clmlp_tune_shape_key(s, key, sizeof key);
        return clmlp_fail_prefix(err, "tuning gemm %s: ", key);
    }
    t->stats.tuned++;
    /* A cached choice of a provider this config excludes stays: it is the
     * better answer for configs that allow both. */
    if (hit && !usable)
        return 0;
    clmlp_tune_entry e = {.shape = *s, .mode = t->mode, .choice = *out};
    return clmlp_tune_cache_put(&t->cache, &e, err);
}

int clmlp_tune_plan(clmlp_tuner *t, clmlp_plan *plan, clmlp_err *err)
{
    if (t->mode == CLMLP_AUTOTUNE_OFF)
        return 0;
    clmlp_gemm_shape keys[CLMLP_MAX_GEMM_CHOICES];
    int n = clmlp_plan_gemm_keys(plan, keys, CLMLP_MAX_GEMM_CHOICES);
    for (int i = 0; i < n; i++) {
        clmlp_gemm_choice c;
        if (clmlp_tune_shape(t, &keys[i], &c, err) < 0 || clmlp_plan_set_gemm_choice(plan, &keys[i], &c, err) < 0)
            return -1;
    }
    return clmlp_pass_lower(plan, err);
}

int clmlp_tune_unify_clblast(clmlp_plan *const *plans, int n_plans, clmlp_err *err)
{
    const clmlp_clblast_params *tuned = NULL;
    for (int p = 0; p < n_plans && !tuned; p++)
        for (int i = 0; i < plans[p]->n_gemm_choices && !tuned; i++) {
            const clmlp_gemm_choice *c = &plans[p]->gemm_choices[i].choice;
            if (c->provider == CLMLP_GEMM_CLBLAST && c->clblast.kernel != CLMLP_CLBLAST_DEFAULT)
                tuned = &c->clblast;
        }
    for (int p = 0; p < n_plans && tuned; p++) {
        bool changed = false;
        for (int i = 0; i < plans[p]->n_gemm_choices; i++) {
            clmlp_gemm_choice *c = &plans[p]->gemm_choices[i].choice;
            if (c->provider == CLMLP_GEMM_CLBLAST && c->clblast.kernel == CLMLP_CLBLAST_DEFAULT) {
                c->clblast = *tuned;
                changed = true;
            }
        }
        if (changed && clmlp_pass_lower(plans[p], err) < 0)
            return -1;
    }
    return 0;
}

/* A run's tuning is not silent: the first shape it measures says so on
 * stderr, since at large batches it can take minutes. */
static void announce(void *user, const clmlp_gemm_shape *s, int candidate, int candidates)
{
    bool *announced = user;
    if (*announced || candidate != 0)
        return;
    *announced = true;
    char key[96];
    clmlp_tune_shape_key(s, key, sizeof key);
    fprintf(stderr, "clmlp: tuning GEMM shapes not in the tune cache, starting with %s (%d candidate%s; "
                    "compiler.autotune=off skips it, `clmlp tune` does it ahead)\n",
            key, candidates, candidates == 1 ? "" : "s");
}

int clmlp_tune_plans(clmlp_device *dev, const clmlp_config *cfg, clmlp_plan *const *plans, int n_plans,
                     clmlp_err *err)
{
    if (cfg->compiler.autotune == CLMLP_AUTOTUNE_OFF)
        return 0;
    clmlp_tuner t;
    if (clmlp_tuner_open(&t, dev, cfg->compiler.autotune, cfg->compiler.gemm, err) < 0)
        return -1;
    bool announced = false;
    t.progress = announce;
    t.user = &announced;
    int rc = 0;
    for (int i = 0; i < n_plans && rc == 0; i++) {
        /* Evaluation runs a few batches a run: timing its shapes would cost
         * more than it saves (`clmlp tune` covers them). */
        t.cache_only = i > 0 && t.mode == CLMLP_AUTOTUNE_QUICK;
        rc = clmlp_tune_plan(&t, plans[i], err);
    }
    if (announced && rc == 0)
        fprintf(stderr, "clmlp: tuned %d GEMM shapes in %.1f s; later runs read them from the tune cache\n",
                t.stats.tuned, t.stats.seconds);
    clmlp_tuner_close(&t);
    return rc < 0 ? rc : clmlp_tune_unify_clblast(plans, n_plans, err);
}
