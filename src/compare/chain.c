/* The speedup chain CPU -> GPU -> accelerator, as the seed assumed it
 * (14x, 768x, 10 752x), as measured here, and as the device models predict
 * it on this experiment's plan. Measured CPU -> CPU (e.g. PoCL's pthread
 * vs basic) is a link of its own when two CPUs ran. */
#include "clmlp/compare.h"

/* The first run of a class, or -1. */
static int first_of(const clmlp_compare *c, clmlp_device_class cls)
{
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].cls == cls)
            return i;
    return -1;
}

/* Two different CPU runs, slower first, so the factor reads as a speedup. */
static bool cpu_pair(const clmlp_compare *c, int *slow, int *fast)
{
    *slow = *fast = -1;
    for (int i = 0; i < c->n_runs; i++) {
        if (c->runs[i].cls != CLMLP_CLASS_CPU)
            continue;
        if (*slow < 0 || c->runs[i].train_s_per_epoch > c->runs[*slow].train_s_per_epoch)
            *slow = i;
        if (*fast < 0 || c->runs[i].train_s_per_epoch < c->runs[*fast].train_s_per_epoch)
            *fast = i;
    }
    return *slow >= 0 && *fast >= 0 && *slow != *fast;
}

static void add_modeled(clmlp_chain_link *l, int from_model, int to_model, double from_s, double to_s)
{
    if (l->n_modeled == CLMLP_CHAIN_MAX_MODELED || to_s <= 0)
        return;
    l->modeled[l->n_modeled].from_model = from_model;
    l->modeled[l->n_modeled].to_model = to_model;
    l->modeled[l->n_modeled].factor = from_s / to_s;
    l->n_modeled++;
}

/* Same-class link: the two runs, measured and as their own models predict. */
static void cpu_link(clmlp_compare *c, clmlp_chain_link *l)
{
    int slow, fast;
    if (!cpu_pair(c, &slow, &fast))
        return;
    const clmlp_compare_run *a = &c->runs[slow], *b = &c->runs[fast];
    l->measured = true;
    l->from_run = slow;
    l->to_run = fast;
    l->measured_factor = a->train_s_per_epoch / b->train_s_per_epoch;
    if (a->model >= 0 && b->model >= 0)
        add_modeled(l, a->model, b->model, a->pred_step.seconds, b->pred_step.seconds);
}

/* Cross-class link: the first runs of each class, and every model pair. */
static void class_link(clmlp_compare *c, clmlp_chain_link *l)
{
    int a = first_of(c, l->from), b = first_of(c, l->to);
    if (a >= 0 && b >= 0 && c->runs[b].train_s_per_epoch > 0) {
        l->measured = true;
        l->from_run = a;
        l->to_run = b;
        l->measured_factor = c->runs[a].train_s_per_epoch / c->runs[b].train_s_per_epoch;
    }
    for (int m = 0; m < c->n_models; m++) {
        if (c->models[m].kind != l->from || !c->predictions[m].ok)
            continue;
        for (int n = 0; n < c->n_models; n++)
            if (c->models[n].kind == l->to && c->predictions[n].ok)
                add_modeled(l, m, n, c->predictions[m].step.seconds, c->predictions[n].step.seconds);
    }
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
        /* CPU -> CPU only means something when two CPUs ran. */
        if (l->from != l->to || l->measured)
            c->n_chain++;
    }
}
