/* The speedup chain CPU -> GPU -> accelerator, as the seed assumed it
 * (14x, 768x, 10 752x), as measured here (paired per-round ratios), and as
 * modeled on this experiment's plan. A modeled link starts from the device
 * that ran, described by its own probe (its measured model); only when no
 * device of the link's first class ran does it start from hand-written
 * models of that class (a user's CPU, say). It ends at the hand-written
 * models of the second class. Measured CPU -> CPU (e.g. PoCL's pthread vs
 * basic) is a link of its own when two different CPUs ran. */
#include <stdio.h>

#include "clmlp/compare.h"

const char *clmlp_compare_model_id(const clmlp_compare *c, clmlp_model_ref ref, char *buf, size_t cap)
{
    if (ref.run >= 0)
        snprintf(buf, cap, "probe:%d", ref.run);
    else
        snprintf(buf, cap, "%s", c->models[ref.model].id);
    return buf;
}

/* The first run of a class, or -1; probed = only runs with a measured model. */
static int first_of(const clmlp_compare *c, clmlp_device_class cls, bool probed)
{
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].cls == cls && (!probed || c->runs[i].probed))
            return i;
    return -1;
}

/* Two different CPU devices, slower first, so the factor reads as a
 * speedup. A device's twin in a noise check is not a second CPU. */
static bool cpu_pair(const clmlp_compare *c, int *slow, int *fast)
{
    *slow = *fast = -1;
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].cls == CLMLP_CLASS_CPU && c->runs[i].same_as < 0 &&
            (*slow < 0 || c->runs[i].train_s_per_epoch > c->runs[*slow].train_s_per_epoch))
            *slow = i;
    for (int i = 0; i < c->n_runs; i++) /* equal times still make a pair: no measurable difference */
        if (c->runs[i].cls == CLMLP_CLASS_CPU && c->runs[i].same_as < 0 && i != *slow &&
            (*fast < 0 || c->runs[i].train_s_per_epoch < c->runs[*fast].train_s_per_epoch))
            *fast = i;
    return *fast >= 0;
}

/* The measured factor: from's round-r time over to's, per round. */
static void measure_link(const clmlp_compare *c, clmlp_chain_link *l, int from, int to)
{
    l->measured = true;
    l->from_run = from;
    l->to_run = to;
    clmlp_compare_ratios(c->runs[from].round_train_s, c->runs[to].round_train_s, c->n_rounds, &l->measured_spread);
    l->measured_factor = l->measured_spread.median;
    l->distinguishable = clmlp_compare_distinguishable(&l->measured_spread);
}

/* The predicted training step of one end. */
static double step_of(const clmlp_compare *c, clmlp_model_ref ref)
{
    return ref.run >= 0 ? c->runs[ref.run].probe_step.seconds : c->predictions[ref.model].step.seconds;
}

static void add_modeled(const clmlp_compare *c, clmlp_chain_link *l, clmlp_model_ref from, clmlp_model_ref to)
{
    double to_s = step_of(c, to);
    if (l->n_modeled == CLMLP_CHAIN_MAX_MODELED || to_s <= 0)
        return;
    l->modeled[l->n_modeled].from = from;
    l->modeled[l->n_modeled].to = to;
    l->modeled[l->n_modeled].factor = step_of(c, from) / to_s;
    l->n_modeled++;
}

/* Same-class link: the two runs, measured and as their measured models predict. */
static void cpu_link(clmlp_compare *c, clmlp_chain_link *l)
{
    int slow, fast;
    if (!cpu_pair(c, &slow, &fast))
        return;
    measure_link(c, l, slow, fast);
    if (c->runs[slow].probed && c->runs[fast].probed)
        add_modeled(c, l, (clmlp_model_ref){slow, -1}, (clmlp_model_ref){fast, -1});
}

/* From one end to every hand-written model of the link's second class. */
static void add_to_models(clmlp_compare *c, clmlp_chain_link *l, clmlp_model_ref from)
{
    for (int n = 0; n < c->n_models; n++)
        if (c->models[n].kind == l->to && c->predictions[n].ok)
            add_modeled(c, l, from, (clmlp_model_ref){-1, n});
}

/* Cross-class link: the first runs of each class, measured; modeled from
 * the present device of the first class (its probe) or, when none of that
 * class ran, from each hand-written model of it. */
static void class_link(clmlp_compare *c, clmlp_chain_link *l)
{
    int a = first_of(c, l->from, false), b = first_of(c, l->to, false);
    if (a >= 0 && b >= 0)
        measure_link(c, l, a, b);
    int probed = first_of(c, l->from, true);
    if (probed >= 0) {
        add_to_models(c, l, (clmlp_model_ref){probed, -1});
        return;
    }
    if (a >= 0) /* it ran without a probe: nothing measured describes it */
        return;
    for (int m = 0; m < c->n_models; m++)
        if (c->models[m].kind == l->from && c->predictions[m].ok)
            add_to_models(c, l, (clmlp_model_ref){-1, m});
}

void clmlp_compare_chain(clmlp_compare *c)
{
    static const struct {
        clmlp_device_class from, to;
        double seed;
    } links[] = {
        {CLMLP_CLASS_CPU, CLMLP_CLASS_CPU, 0},
        {CLMLP_CLASS_CPU, CLMLP_CLASS_GPU, CLMLP_SEED_GPU_PER_CPU},
        {CLMLP_CLASS_GPU, CLMLP_CLASS_ACCELERATOR, CLMLP_SEED_TPU_PER_GPU},
        {CLMLP_CLASS_CPU, CLMLP_CLASS_ACCELERATOR, CLMLP_SEED_TPU_PER_CPU},
    };
    c->n_chain = 0;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(links); i++) {
        clmlp_chain_link *l = &c->chain[c->n_chain];
        *l = (clmlp_chain_link){.from = links[i].from, .to = links[i].to, .seed_factor = links[i].seed,
                                .from_run = -1, .to_run = -1};
        if (l->from == l->to)
            cpu_link(c, l);
        else
            class_link(c, l);
        /* CPU -> CPU only means something when two different CPUs ran. */
        if (l->from != l->to || l->measured)
            c->n_chain++;
    }
}
