/* clmlp tune CONFIG [--set k=v ...] [--force] [--dump]
 * Tunes the GEMMs of the config's training and evaluation plans on its
 * device now, with a progress line, and stores the choices in the tune
 * cache that every run then reuses. The mode is compiler.autotune (off
 * counts as quick here: tuning was asked for); --force tunes cached shapes
 * again; --dump prints the tuned plans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clmlp/cli.h"
#include "clmlp/tune.h"

typedef struct {
    bool tty;
    int shape, shapes;
} progress_state;

static void on_progress(void *user, const clmlp_gemm_shape *s, int candidate, int candidates)
{
    progress_state *ps = user;
    if (!ps->tty)
        return;
    char key[96];
    clmlp_tune_shape_key(s, key, sizeof key);
    int width = 20, filled = candidates ? candidate * width / candidates : width;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    printf("\r  %-28s [%s] %d/%d candidates   ", key, bar, candidate, candidates);
    if (candidate == candidates)
        printf("\r%80s\r", "");
    fflush(stdout);
}

static void print_choices(const clmlp_plan *plan, const char *title)
{
    printf("%s:\n", title);
    for (int i = 0; i < plan->n_gemm_choices; i++) {
        const clmlp_gemm_choice_entry *e = &plan->gemm_choices[i];
        char key[96], desc[200];
        clmlp_tune_shape_key(&e->key, key, sizeof key);
        clmlp_gemm_choice_describe(&e->choice, desc, sizeof desc);
        if (e->choice.tuned)
            printf("  %-28s %-44s %7.1f GFLOP/s\n", key, desc, e->choice.gflops);
        else
            printf("  %-28s %-44s (not timed)\n", key, desc);
    }
}

/* Removes --force from argv (the shared parser does not know it). */
static int take_force(int argc, char **argv, bool *force)
{
    int n = 0;
    *force = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0)
            *force = true;
        else
            argv[n++] = argv[i];
    }
    return n;
}

int clmlp_cmd_tune(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    bool force;
    argc = take_force(argc, argv, &force);
    int input_dim;
    if (clmlp_cli_parse(argc, argv, "tune", "--set --dump", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0 || clmlp_cli_require_mlp(&cfg, "tune", &err) < 0 ||
        clmlp_cli_input_dim(&cfg, &input_dim, &err) < 0)
        return clmlp_cli_report_error(&err);
    clmlp_autotune mode = cfg.compiler.autotune == CLMLP_AUTOTUNE_OFF ? CLMLP_AUTOTUNE_QUICK : cfg.compiler.autotune;

    clmlp_plan *train = NULL, *eval = NULL;
    clmlp_device dev = {0};
    clmlp_tuner t = {0};
    progress_state ps = {.tty = isatty(STDOUT_FILENO) != 0};
    int rc = 0;
    if (clmlp_cli_compile_plans(&cfg, input_dim, &train, &eval, &err) < 0 ||
        clmlp_device_open_spec(&cfg.device, &dev, &err) < 0 || clmlp_tuner_open(&t, &dev, mode, cfg.compiler.gemm, &err) < 0) {
        rc = clmlp_cli_report_error(&err);
        goto done;
    }
    t.force = force;
    t.progress = on_progress;
    t.user = &ps;
    printf("device:  %s (%s, %s %s)\n", dev.desc.name, clmlp_device_type_name(dev.desc.type), dev.desc.platform,
           dev.desc.driver);
    printf("tuning:  %s, gemm %s%s; cache %s\n", clmlp_autotune_name(mode),
           clmlp_gemm_provider_name(cfg.compiler.gemm), force ? ", forced" : "", t.cache.path);
    fflush(stdout);
    if (clmlp_tune_plan(&t, train, &err) < 0 || clmlp_tune_plan(&t, eval, &err) < 0) {
        clmlp_tuner_close(&t);
        rc = clmlp_cli_report_error(&err);
        goto done;
    }
    print_choices(train, "training step");
    print_choices(eval, "evaluation batch");
    const clmlp_tune_stats *st = &t.stats;
    printf("tuned:   %d shapes: %d measured (%d candidates, %d rejected) in %.1f s, %d from the cache\n", st->shapes,
           st->tuned, st->candidates, st->rejected, st->seconds, st->from_cache);
    clmlp_tuner_close(&t);
    if (args.dump) {
        printf("\n");
        clmlp_plan_dump(train, "training step", stdout);
        printf("\n");
        clmlp_plan_dump(eval, "evaluation batch", stdout);
    }
done:
    clmlp_device_close(&dev);
    free(train);
    free(eval);
    return rc;
}
