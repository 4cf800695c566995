/* The extrapolated rows with a gradient all-reduce per step: the links,
 * the one extrapolate.interconnect chooses, and the device counts on them
 * (allreduce.c does the arithmetic); see compare.h. */
#include <string.h>

#include "clmlp/compare.h"
#include "clmlp/modelfile.h"

bool clmlp_compare_mpi_fits(const clmlp_compare_run *r)
{
    return r->mpi.ranks >= 2 && r->mpi.bytes_per_step > 0 && r->mpi.seconds_per_step_median > 0;
}

/* The baseline's MPI run, else the first run that has one; -1 = none. */
static int mpi_run(const clmlp_compare *c)
{
    if (c->baseline < c->n_runs && clmlp_compare_mpi_fits(&c->runs[c->baseline]))
        return c->baseline;
    for (int i = 0; i < c->n_runs; i++)
        if (clmlp_compare_mpi_fits(&c->runs[i]))
            return i;
    return -1;
}

int clmlp_compare_check_interconnect(const clmlp_compare *c, const char *report, clmlp_err *err)
{
    if (c->cfg.extrapolate.interconnect != CLMLP_LINK_MEASURED || mpi_run(c) >= 0)
        return 0;
    if (!report)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "extrapolate.interconnect: measured needs an MPI run's all-reduce (clmlp extrapolate --from "
                          "RUN_DIR of a run with 2+ ranks); a run measured now is one process");
    return clmlp_fail(err, CLMLP_EXIT_USAGE,
                      "%s: extrapolate.interconnect: measured needs the report's mpi block (2+ ranks, "
                      "allreduce.bytes_per_step and seconds_per_step_median); this run has none (choose nvlink, "
                      "infiniband, ethernet or custom)",
                      report);
}

static double parameter_count(const clmlp_config *cfg, int input_dim)
{
    clmlp_model m;
    clmlp_model_from_config(cfg, input_dim, &m);
    double n = 0;
    for (int p = 0; p < m.n_params; p++)
        n += (double)clmlp_model_param_count(&m, p);
    return n;
}

static void add_link(clmlp_compare_comm *k, const clmlp_link *l)
{
    if (k->n_links < CLMLP_COMPARE_MAX_LINKS)
        k->links[k->n_links++] = *l;
}

/* Perfect scaling and the presets (modeled), the user's link, the MPI
 * run's (measured: at the median step, and at the fastest for a range). */
static void collect_links(clmlp_compare *c)
{
    static const clmlp_interconnect presets[] = {CLMLP_LINK_NONE, CLMLP_LINK_NVLINK, CLMLP_LINK_INFINIBAND,
                                                 CLMLP_LINK_ETHERNET};
    clmlp_compare_comm *k = &c->comm;
    clmlp_link l;
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(presets); i++)
        if (clmlp_link_preset(presets[i], &l))
            add_link(k, &l);
    if (c->cfg.extrapolate.link_gbps > 0) {
        clmlp_link_custom(c->cfg.extrapolate.link_gbps, c->cfg.extrapolate.link_latency_us, &l);
        add_link(k, &l);
    }
    k->mpi_run = mpi_run(c);
    if (k->mpi_run < 0)
        return;
    const clmlp_mpi_measure *m = &c->runs[k->mpi_run].mpi;
    if (clmlp_link_fit(m->ranks, m->bytes_per_step, m->seconds_per_step_median, "measured", &l))
        add_link(k, &l);
    if (clmlp_link_fit(m->ranks, m->bytes_per_step, m->seconds_per_step_min, "measured-fastest", &l))
        add_link(k, &l);
}

/* auto: the MPI run's link when there is one, else NVLink. */
static int chosen_link(const clmlp_compare *c)
{
    clmlp_interconnect want = c->cfg.extrapolate.interconnect;
    if (want == CLMLP_LINK_AUTO)
        want = c->comm.mpi_run >= 0 ? CLMLP_LINK_MEASURED : CLMLP_LINK_NVLINK;
    for (int i = 0; i < c->comm.n_links; i++)
        if (strcmp(c->comm.links[i].name, clmlp_interconnect_name(want)) == 0)
            return i;
    return -1;
}

void clmlp_compare_comm_rows(clmlp_compare *c, int input_dim)
{
    clmlp_compare_comm *k = &c->comm;
    memset(k, 0, sizeof *k);
    k->global_batch = c->cfg.training.batch_size;
    k->parameters = parameter_count(&c->cfg, input_dim);
    /* What an all-reduce of the gradient region moves; the count when no plan is at hand. */
    const clmlp_compare_run *base = &c->runs[c->baseline];
    size_t region = base->train_plan ? base->train_plan->buffers.region_bytes[CLMLP_REGION_GRADS] : 0;
    k->gradient_bytes = region ? (double)region : k->parameters * 4;
    collect_links(c);
    k->link = chosen_link(c);
    for (int r = 0; r < c->n_rows; r++) {
        clmlp_extrap_row *row = &c->rows[r];
        clmlp_comm_input(&row->in, &row->out, k->global_batch, k->gradient_bytes, &row->comm_in);
        if (k->link >= 0)
            clmlp_comm_extrapolate(&k->links[k->link], &row->comm_in, &row->comm);
    }
    k->row = c->baseline < c->n_rows ? c->baseline : 0; /* measured rows come first, in run order */
    for (int i = 0; i < k->n_links && c->n_rows > 0; i++)
        clmlp_comm_extrapolate(&k->links[i], &c->rows[k->row].comm_in, &k->per_link[i]);
}
