/* compare.json: the machine-readable comparison. Keys are documented in the
 * README ("Comparing devices"); later versions only add keys. Units are in
 * the key names (_seconds, _bytes, _gbps, _usd, _hours). */
#include "clmlp/compare.h"
#include "clmlp/json.h"

static void write_roofline(clmlp_json *j, const char *key, const clmlp_roofline *r)
{
    clmlp_json_begin_object(j, key);
    clmlp_json_number(j, "seconds", r->seconds);
    clmlp_json_number(j, "compute_seconds", r->compute_s);
    clmlp_json_number(j, "memory_seconds", r->memory_s);
    clmlp_json_number(j, "launch_overhead_seconds", r->overhead_s);
    clmlp_json_int(j, "launches", r->launches);
    clmlp_json_int(j, "compute_bound_launches", r->compute_bound);
    clmlp_json_int(j, "memory_bound_launches", r->memory_bound);
    clmlp_json_end_object(j);
}

static double error_percent(double predicted, double measured)
{
    return measured > 0 ? 100.0 * (predicted - measured) / measured : 0;
}

/* The device model's prediction and the probe's, beside the measured step. */
static void write_predictions(clmlp_json *j, const clmlp_compare *c, const clmlp_compare_run *r)
{
    if (r->model >= 0) {
        clmlp_json_begin_object(j, "prediction");
        clmlp_json_string(j, "model", c->models[r->model].id);
        clmlp_json_string(j, "precision", "fp32");
        write_roofline(j, "train_step", &r->pred_step);
        write_roofline(j, "eval_batch", &r->pred_eval_batch);
        clmlp_json_number(j, "measured_step_seconds", r->step_s);
        clmlp_json_number(j, "step_error_percent", error_percent(r->pred_step.seconds, r->step_s));
        clmlp_json_end_object(j);
    } else {
        clmlp_json_null(j, "prediction");
    }
    if (r->probed) {
        clmlp_json_begin_object(j, "probe");
        clmlp_json_number(j, "gemm_gflops", r->run.probe.gemm_gflops);
        clmlp_json_number(j, "copy_gbps", r->run.probe.copy_gbps);
        clmlp_json_number(j, "launch_us", r->run.probe.launch_us);
        clmlp_json_bool(j, "from_cache", r->run.probe.from_cache);
        write_roofline(j, "train_step", &r->probe_step);
        write_roofline(j, "eval_batch", &r->probe_eval_batch);
        clmlp_json_number(j, "step_error_percent", error_percent(r->probe_step.seconds, r->step_s));
        clmlp_json_end_object(j);
    } else {
        clmlp_json_null(j, "probe");
    }
}

static void write_kernels(clmlp_json *j, const clmlp_compare *c, int i)
{
    clmlp_kernel_row rows[CLMLP_MAX_LAUNCHES];
    int n = clmlp_compare_kernels(c, i, rows, CLMLP_MAX_LAUNCHES);
    clmlp_json_begin_array(j, "kernels");
    for (int k = 0; k < n; k++) {
        clmlp_json_begin_object(j, NULL);
        clmlp_json_string(j, "name", rows[k].name);
        clmlp_json_int(j, "launches_per_step", rows[k].launches);
        clmlp_json_number(j, "flops_per_step", rows[k].flops);
        clmlp_json_number(j, "bytes_per_step", rows[k].bytes);
        clmlp_json_number(j, "device_seconds_per_step", rows[k].measured_s);
        clmlp_json_number(j, "model_seconds_per_step", rows[k].model_s);
        clmlp_json_number(j, "probe_seconds_per_step", rows[k].probe_s);
        if (rows[k].probe_s > 0 && rows[k].measured_s > 0)
            clmlp_json_number(j, "roof_percent", 100.0 * rows[k].probe_roof_s / rows[k].measured_s);
        else
            clmlp_json_null(j, "roof_percent");
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
}

static void int_or_null(clmlp_json *j, const char *key, int v)
{
    if (v >= 0)
        clmlp_json_int(j, key, v);
    else
        clmlp_json_null(j, key);
}

/* Each round's training time, and where the device ran in that round. */
static void write_rounds(clmlp_json *j, const clmlp_compare *c, int i)
{
    const clmlp_compare_run *r = &c->runs[i];
    clmlp_json_begin_array(j, "rounds");
    for (int k = 0; k < c->n_rounds; k++) {
        clmlp_json_begin_object(j, NULL);
        clmlp_json_int(j, "round", k);
        clmlp_json_int(j, "position", k % 2 ? c->n_runs - 1 - i : i);
        clmlp_json_number(j, "train_seconds", r->round_train_s[k]);
        clmlp_json_number(j, "seconds_per_epoch", r->run.epochs_done ? r->round_train_s[k] / r->run.epochs_done : 0);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
}

static void write_run(clmlp_json *j, const clmlp_compare *c, int i)
{
    const clmlp_compare_run *r = &c->runs[i];
    const clmlp_run_result *res = &r->run;
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "spec", r->spec);
    clmlp_json_string(j, "name", res->device.name);
    clmlp_json_string(j, "platform", res->device.platform);
    clmlp_json_string(j, "type", clmlp_device_type_name(res->device.type));
    clmlp_json_string(j, "class", clmlp_device_class_name(r->cls));
    clmlp_json_int(j, "compute_units", res->device.compute_units);
    int_or_null(j, "platform_index", r->selected ? r->platform_index : -1);
    int_or_null(j, "device_index", r->selected ? r->device_index : -1);
    int_or_null(j, "same_device_as", r->same_as);
    clmlp_json_begin_object(j, "train");
    clmlp_json_int(j, "epochs", res->epochs_done);
    clmlp_json_int(j, "steps_per_epoch", res->steps_per_epoch);
    clmlp_json_number(j, "seconds", res->train_seconds);
    clmlp_json_number(j, "seconds_per_epoch", r->train_s_per_epoch);
    clmlp_json_number(j, "seconds_per_epoch_min", r->epoch_s.min);
    clmlp_json_number(j, "seconds_per_epoch_max", r->epoch_s.max);
    clmlp_json_number(j, "round_seconds_median", r->round_s.median);
    clmlp_json_number(j, "seconds_per_step", r->step_s);
    clmlp_json_number(j, "images_per_second", r->train_images_per_s);
    clmlp_json_end_object(j);
    clmlp_json_int(j, "median_round", r->median_round);
    write_rounds(j, c, i);
    clmlp_json_bool(j, "short_rounds", r->short_rounds);
    clmlp_json_begin_object(j, "eval");
    clmlp_json_int(j, "examples", res->test_count);
    clmlp_json_number(j, "seconds", res->eval_seconds);
    clmlp_json_number(j, "images_per_second", r->eval_images_per_s);
    clmlp_json_number(j, "accuracy", res->accuracy);
    clmlp_json_end_object(j);
    clmlp_json_number(j, "speedup", r->speedup);
    clmlp_json_number(j, "speedup_min", r->speedup_spread.min);
    clmlp_json_number(j, "speedup_max", r->speedup_spread.max);
    clmlp_json_bool(j, "distinguishable", r->distinguishable);
    clmlp_json_number(j, "accuracy_delta", r->accuracy_delta);
    clmlp_json_bool(j, "accuracy_flagged", r->accuracy_flagged);
    clmlp_json_begin_object(j, "memory");
    clmlp_json_int(j, "device_plan_bytes", (int64_t)res->device_plan_bytes);
    clmlp_json_int(j, "device_dataset_bytes", (int64_t)res->dataset_device_bytes);
    clmlp_json_int(j, "device_run_buffer_bytes", (int64_t)res->run_buffer_bytes);
    clmlp_json_int(j, "device_alloc_bytes", (int64_t)res->device_alloc_bytes);
    clmlp_json_int(j, "host_peak_bytes", (int64_t)r->host_peak_bytes);
    clmlp_json_end_object(j);
    clmlp_json_begin_object(j, "plan");
    clmlp_json_int(j, "launches_per_step", res->launches_per_step);
    clmlp_json_number(j, "flops_per_step", res->flops_per_step);
    clmlp_json_number(j, "bytes_per_step", res->bytes_per_step);
    clmlp_json_end_object(j);
    write_predictions(j, c, r);
    write_kernels(j, c, i);
    clmlp_json_end_object(j);
}

static void write_prediction(clmlp_json *j, clmlp_precision prec, const clmlp_model_prediction *p)
{
    clmlp_json_begin_object(j, "predicted");
    clmlp_json_string(j, "precision", clmlp_precision_name(prec));
    write_roofline(j, "train_step", &p->step);
    write_roofline(j, "eval_batch", &p->eval_batch);
    clmlp_json_number(j, "train_seconds_per_image", p->train_s_per_image);
    clmlp_json_number(j, "eval_seconds_per_image", p->eval_s_per_image);
    clmlp_json_end_object(j);
}

/* The figures every model has, measured or from a datasheet. */
static void write_model_figures(clmlp_json *j, const double *peaks, double gbps, double gib, double launch_us,
                                double usd)
{
    clmlp_json_begin_object(j, "peak_gflops");
    for (int k = 0; k < CLMLP_PREC_COUNT; k++)
        clmlp_json_number(j, clmlp_precision_name((clmlp_precision)k), peaks[k]);
    clmlp_json_end_object(j);
    clmlp_json_number(j, "memory_bandwidth_gbps", gbps);
    clmlp_json_number(j, "memory_gib", gib);
    clmlp_json_number(j, "launch_overhead_us", launch_us);
    clmlp_json_number(j, "usd_per_hour", usd);
}

static void write_model(clmlp_json *j, const clmlp_compare *c, int m)
{
    const clmlp_devmodel *d = &c->models[m];
    const clmlp_model_prediction *p = &c->predictions[m];
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "id", d->id);
    clmlp_json_string(j, "name", d->name);
    clmlp_json_string(j, "class", clmlp_device_class_name(d->kind));
    clmlp_json_string(j, "source", d->origin);
    clmlp_json_null(j, "device");
    write_model_figures(j, d->peak_gflops, d->memory_bandwidth_gbps, d->memory_gib, d->launch_overhead_us,
                        d->usd_per_hour);
    if (p->ok)
        write_prediction(j, c->cfg.extrapolate.precision, p);
    else
        clmlp_json_null(j, "predicted");
    clmlp_json_end_object(j);
}

/* A present device's measured model: "source": "probe", its roofs and
 * bandwidth ladder, and its prediction of its own plans (fp32, as it ran). */
static void write_measured_model(clmlp_json *j, const clmlp_compare *c, int i)
{
    const clmlp_compare_run *r = &c->runs[i];
    const clmlp_roof *roof = &r->probe_roof;
    char id[32];
    clmlp_compare_model_id(c, (clmlp_model_ref){i, -1}, id, sizeof id);
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "id", id);
    clmlp_json_string(j, "name", r->run.device.name);
    clmlp_json_string(j, "class", clmlp_device_class_name(r->cls));
    clmlp_json_string(j, "source", "probe");
    clmlp_json_int(j, "device", i);
    clmlp_json_int(j, "compute_units", r->run.device.compute_units);
    double peaks[CLMLP_PREC_COUNT] = {0};
    peaks[CLMLP_PREC_FP32] = roof->flops_per_s / 1e9;
    write_model_figures(j, peaks, roof->bytes_per_s / 1e9, (double)r->run.device.global_mem / (1024.0 * 1024 * 1024),
                        roof->launch_s * 1e6, clmlp_compare_usd_per_hour(c, i));
    clmlp_json_begin_array(j, "bandwidth_levels");
    for (int k = 0; k < roof->n_levels; k++) {
        clmlp_json_begin_object(j, NULL);
        clmlp_json_number(j, "bytes", roof->level_bytes[k]);
        clmlp_json_number(j, "gbps", roof->level_bytes_per_s[k] / 1e9);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
    clmlp_json_bool(j, "from_cache", r->run.probe.from_cache);
    double batch = r->train_plan ? r->train_plan->graph.batch : 0;
    double eval_batch = r->eval_plan ? r->eval_plan->graph.batch : 0;
    clmlp_model_prediction p = {.ok = true, .step = r->probe_step, .eval_batch = r->probe_eval_batch,
                                .train_s_per_image = batch > 0 ? r->probe_step.seconds / batch : 0,
                                .eval_s_per_image = eval_batch > 0 ? r->probe_eval_batch.seconds / eval_batch : 0};
    write_prediction(j, CLMLP_PREC_FP32, &p);
    clmlp_json_end_object(j);
}

static void write_link(clmlp_json *j, const clmlp_compare *c, const clmlp_chain_link *l)
{
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "from", clmlp_device_class_name(l->from));
    clmlp_json_string(j, "to", clmlp_device_class_name(l->to));
    if (l->seed_factor > 0)
        clmlp_json_number(j, "seed_factor", l->seed_factor);
    else
        clmlp_json_null(j, "seed_factor");
    if (l->measured) {
        clmlp_json_begin_object(j, "measured");
        clmlp_json_int(j, "from_device", l->from_run);
        clmlp_json_int(j, "to_device", l->to_run);
        clmlp_json_number(j, "factor", l->measured_factor);
        clmlp_json_number(j, "factor_min", l->measured_spread.min);
        clmlp_json_number(j, "factor_max", l->measured_spread.max);
        clmlp_json_int(j, "rounds", l->measured_spread.n);
        clmlp_json_bool(j, "distinguishable", l->distinguishable);
        clmlp_json_end_object(j);
    } else {
        clmlp_json_null(j, "measured");
    }
    clmlp_json_begin_array(j, "modeled");
    for (int k = 0; k < l->n_modeled; k++) {
        char from[CLMLP_NAME_MAX], to[CLMLP_NAME_MAX];
        clmlp_json_begin_object(j, NULL);
        clmlp_json_string(j, "from_model", clmlp_compare_model_id(c, l->modeled[k].from, from, sizeof from));
        clmlp_json_string(j, "to_model", clmlp_compare_model_id(c, l->modeled[k].to, to, sizeof to));
        int_or_null(j, "from_device", l->modeled[k].from.run);
        int_or_null(j, "to_device", l->modeled[k].to.run);
        clmlp_json_number(j, "factor", l->modeled[k].factor);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
    clmlp_json_end_object(j);
}

/* A device count with communication: what the rows and the links share. */
static void write_comm_scale(clmlp_json *j, const clmlp_comm_scale *o)
{
    clmlp_json_bool(j, "reachable", o->reachable);
    if (o->reachable) {
        clmlp_json_int(j, "devices_for_target", o->devices);
        clmlp_json_number(j, "wall_hours", o->wall_h);
    } else { /* no N meets the target: fastest_* say how close it comes */
        clmlp_json_null(j, "devices_for_target");
        clmlp_json_null(j, "wall_hours");
    }
    /* at devices_for_target, or at fastest_devices when unreachable */
    clmlp_json_number(j, "allreduce_seconds_per_step", o->allreduce_s);
    clmlp_json_number(j, "allreduce_share", o->allreduce_share);
    clmlp_json_int(j, "fastest_devices", o->fastest_devices);
    clmlp_json_number(j, "fastest_wall_hours", o->fastest_wall_h);
    if (o->saturation_devices > 0)
        clmlp_json_int(j, "saturation_devices", o->saturation_devices);
    else
        clmlp_json_null(j, "saturation_devices");
}

/* The row on the chosen interconnect; null when there is none (measured without an MPI run). */
static void write_row_comm(clmlp_json *j, const clmlp_compare *c, const clmlp_extrap_row *row)
{
    if (c->comm.link < 0) {
        clmlp_json_null(j, "communication");
        return;
    }
    clmlp_json_begin_object(j, "communication");
    clmlp_json_string(j, "interconnect", c->comm.links[c->comm.link].name);
    clmlp_json_number(j, "step_seconds_one_device", row->comm_in.step_s);
    write_comm_scale(j, &row->comm);
    clmlp_json_end_object(j);
}

static const char *link_source(const clmlp_link *l)
{
    return l->bytes_per_s <= 0 ? "none" : l->measured ? "measured" : "modeled";
}

static void write_mpi(clmlp_json *j, const clmlp_compare *c)
{
    if (c->comm.mpi_run < 0) {
        clmlp_json_null(j, "mpi");
        return;
    }
    const clmlp_compare_run *r = &c->runs[c->comm.mpi_run];
    const clmlp_mpi_measure *m = &r->mpi;
    clmlp_json_begin_object(j, "mpi");
    clmlp_json_int(j, "device", c->comm.mpi_run);
    clmlp_json_int(j, "ranks", m->ranks);
    clmlp_json_number(j, "global_batch", m->global_batch);
    clmlp_json_number(j, "bytes_per_step", m->bytes_per_step);
    clmlp_json_number(j, "steps", m->steps);
    clmlp_json_number(j, "seconds_per_step_median", m->seconds_per_step_median);
    clmlp_json_number(j, "seconds_per_step_min", m->seconds_per_step_min);
    clmlp_json_number(j, "seconds_per_step_max", m->seconds_per_step_max);
    clmlp_json_number(j, "share_of_train", m->share_of_train);
    clmlp_json_number(j, "rank_compute_seconds", m->rank_compute_s);
    clmlp_json_number(j, "device_train_seconds_per_image", m->device_train_s_per_image);
    clmlp_json_number(j, "run_train_seconds_per_image", r->run_train_s_per_image);
    clmlp_json_end_object(j);
}

/* The gradient all-reduce: its size, the links, the baseline's row on each. */
static void write_communication(clmlp_json *j, const clmlp_compare *c)
{
    const clmlp_compare_comm *k = &c->comm;
    clmlp_json_begin_object(j, "communication");
    clmlp_json_string(j, "interconnect_setting", clmlp_interconnect_name(c->cfg.extrapolate.interconnect));
    if (k->link >= 0)
        clmlp_json_string(j, "interconnect", k->links[k->link].name);
    else
        clmlp_json_null(j, "interconnect");
    clmlp_json_number(j, "global_batch", k->global_batch);
    clmlp_json_number(j, "parameters", k->parameters);
    clmlp_json_number(j, "gradient_bytes_per_step", k->gradient_bytes);
    clmlp_json_number(j, "steps", c->n_rows ? c->rows[k->row].comm_in.steps : 0);
    clmlp_json_int(j, "max_devices", CLMLP_COMM_MAX_DEVICES);
    clmlp_json_number(j, "saturation_efficiency", CLMLP_COMM_SATURATION);
    write_mpi(j, c);
    clmlp_json_int(j, "links_row", k->row);
    clmlp_json_begin_array(j, "links");
    for (int i = 0; i < k->n_links && c->n_rows; i++) {
        const clmlp_link *l = &k->links[i];
        clmlp_json_begin_object(j, NULL);
        clmlp_json_string(j, "name", l->name);
        clmlp_json_string(j, "source", link_source(l));
        clmlp_json_number(j, "bandwidth_gbps", l->bytes_per_s / 1e9);
        clmlp_json_number(j, "latency_us", l->latency_s * 1e6);
        clmlp_json_number(j, "allreduce_seconds_at_8", clmlp_allreduce_seconds(l, 8, k->gradient_bytes));
        write_comm_scale(j, &k->per_link[i]);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
    clmlp_json_end_object(j);
}

static void write_row(clmlp_json *j, const clmlp_compare *c, const clmlp_extrap_row *row)
{
    const clmlp_scale *o = &row->out;
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "source", row->measured ? "measured" : "modeled");
    if (row->measured)
        clmlp_json_int(j, "device", row->index);
    else
        clmlp_json_string(j, "model", c->models[row->index].id);
    clmlp_json_number(j, "train_seconds_per_image", row->in.train_s_per_image);
    clmlp_json_number(j, "eval_seconds_per_image", row->in.eval_s_per_image);
    clmlp_json_number(j, "train_compute_hours", o->train_compute_h);
    clmlp_json_number(j, "train_read_hours", o->train_read_h);
    clmlp_json_number(j, "eval_compute_hours", o->eval_compute_h);
    clmlp_json_number(j, "eval_read_hours", o->eval_read_h);
    clmlp_json_bool(j, "train_read_bound", o->train_read_bound);
    clmlp_json_bool(j, "eval_read_bound", o->eval_read_bound);
    clmlp_json_number(j, "total_device_hours", o->total_h);
    clmlp_json_int(j, "devices_for_target", o->devices);
    clmlp_json_number(j, "wall_hours", o->wall_h);
    clmlp_json_number(j, "usd_per_device_hour", row->in.usd_per_hour);
    if (row->in.usd_per_hour > 0)
        clmlp_json_number(j, "usd", o->usd);
    else
        clmlp_json_null(j, "usd");
    write_row_comm(j, c, row);
    clmlp_json_end_object(j);
}

static void write_extrapolation(clmlp_json *j, const clmlp_compare *c)
{
    const clmlp_config *cfg = &c->cfg;
    const clmlp_compare_run *base = &c->runs[c->baseline];
    clmlp_json_begin_object(j, "extrapolation");
    clmlp_json_number(j, "train_images", cfg->extrapolate.train_images);
    clmlp_json_number(j, "test_images", cfg->extrapolate.test_images);
    clmlp_json_int(j, "epochs", c->epochs);
    clmlp_json_number(j, "bytes_per_image", c->bytes_per_image);
    clmlp_json_number(j, "train_bytes", cfg->extrapolate.train_images * c->bytes_per_image);
    clmlp_json_number(j, "test_bytes", cfg->extrapolate.test_images * c->bytes_per_image);
    clmlp_json_number(j, "storage_read_gbps", cfg->extrapolate.storage_read_gbps);
    clmlp_json_number(j, "target_hours", cfg->extrapolate.target_hours);
    clmlp_json_int(j, "device_plan_bytes", (int64_t)base->run.device_plan_bytes);
    clmlp_json_begin_object(j, "seed_arithmetic");
    clmlp_json_number(j, "run_seconds", c->seed.run_seconds);
    clmlp_json_number(j, "scale", c->seed.scale);
    clmlp_json_number(j, "tpu_per_cpu", c->seed.speedup);
    clmlp_json_number(j, "cpu_seconds", c->seed.cpu_seconds);
    clmlp_json_number(j, "tpu_seconds", c->seed.tpu_seconds);
    clmlp_json_number(j, "tpu_hours", c->seed.tpu_hours);
    clmlp_json_number(j, "seed_claimed_seconds", c->seed.tpu_hours);
    clmlp_json_end_object(j);
    clmlp_json_begin_array(j, "rows");
    for (int i = 0; i < c->n_rows; i++)
        write_row(j, c, &c->rows[i]);
    clmlp_json_end_array(j);
    write_communication(j, c);
    clmlp_json_end_object(j);
}

int clmlp_compare_write_json(FILE *out, const clmlp_compare *c)
{
    const clmlp_config *cfg = &c->cfg;
    clmlp_json j;
    clmlp_json_init(&j, out);
    clmlp_json_begin_object(&j, NULL);
    clmlp_json_string(&j, "clmlp_compare_version", "1");
    clmlp_json_string(&j, "name", cfg->name);
    clmlp_json_string(&j, "config", cfg->source_path);
    clmlp_json_string(&j, "started", c->started);
    clmlp_json_string(&j, "from_report", c->from_report);
    clmlp_json_int(&j, "batch_size", cfg->training.batch_size);
    clmlp_json_int(&j, "epochs", cfg->training.epochs);
    clmlp_json_int(&j, "baseline", c->baseline);
    clmlp_json_number(&j, "accuracy_tolerance", cfg->compare.accuracy_tolerance);
    clmlp_json_int(&j, "rounds", c->n_rounds);
    clmlp_json_number(&j, "min_round_seconds", cfg->compare.min_round_seconds);
    clmlp_json_bool(&j, "noise_check", c->noise_check);
    clmlp_json_begin_array(&j, "devices");
    for (int i = 0; i < c->n_runs; i++)
        write_run(&j, c, i);
    clmlp_json_end_array(&j);
    clmlp_json_begin_array(&j, "chain");
    for (int i = 0; i < c->n_chain; i++)
        write_link(&j, c, &c->chain[i]);
    clmlp_json_end_array(&j);
    clmlp_json_begin_array(&j, "models"); /* the datasheet models first, as before measured ones existed */
    for (int m = 0; m < c->n_models; m++)
        write_model(&j, c, m);
    for (int i = 0; i < c->n_runs; i++)
        if (c->runs[i].probed)
            write_measured_model(&j, c, i);
    clmlp_json_end_array(&j);
    write_extrapolation(&j, c);
    clmlp_json_end_object(&j);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
