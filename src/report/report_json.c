/* report.json: the one machine-readable record of a run. Keys are stable
 * and documented in the README; later stages add keys, never rename them. */
#include <string.h>

#include "clmlp/json.h"
#include "clmlp/report.h"
#include "clmlp/roofline.h"

static void write_device(clmlp_json *j, const clmlp_run_result *res)
{
    clmlp_json_begin_object(j, "device");
    clmlp_device_write_json_fields(j, &res->device);
    /* How kernel and transfer times were taken: from the device's profiling
     * events, or (their stamps not being real) by the host clock around
     * each command, waited for one at a time, launch cost included. */
    clmlp_json_string(j, "kernel_timing", res->host_timed ? "host" : "device_events");
    if (res->host_timed)
        clmlp_json_string(j, "kernel_timing_why", res->host_timed_why);
    if (res->has_probe) {
        clmlp_report_write_probe(j, "probe", &res->probe);
    } else {
        clmlp_json_null(j, "probe");
    }
    clmlp_json_end_object(j);
}

/* Wall seconds of the phase a kernel's time is a share of. */
static double phase_wall(const clmlp_run_result *res, const char *phase)
{
    if (strcmp(phase, "train") == 0)
        return res->train_seconds;
    if (strcmp(phase, "eval") == 0)
        return res->eval_seconds;
    return res->train_seconds + res->eval_seconds + res->phase_seconds[CLMLP_PHASE_UPLOAD];
}

/* Where a kernel sits under the device's cache-aware roofline (roofline.h):
 * its FLOPs, bytes and working set decide whether peak FLOP/s or the
 * bandwidth of the level its data fit in bounds it; roofline_pct is how
 * close it gets. Above CLMLP_ROOF_TOLERANCE the roof is what is wrong. */
static void write_roofline(clmlp_json *j, const clmlp_run_result *res, const clmlp_kernel_stats *k, double gflops,
                           double gbps)
{
    clmlp_roof roof;
    if (!res->has_probe || !clmlp_roof_from_probe(&res->probe, &roof) || k->calls == 0) {
        clmlp_json_null(j, "gflops_pct_of_peak");
        clmlp_json_null(j, "gbps_pct_of_peak");
        clmlp_json_null(j, "bound");
        clmlp_json_null(j, "roofline_pct");
        clmlp_json_null(j, "roof_gbps");
        clmlp_json_null(j, "above_roof");
        return;
    }
    double calls = (double)k->calls, bytes = k->bytes / calls;
    double footprint = k->footprint_per_call > 0 ? k->footprint_per_call : bytes;
    double bw = clmlp_roof_bandwidth(&roof, footprint);
    clmlp_roof_position pos;
    clmlp_roof_place(k->flops / calls, bytes, footprint, k->device_seconds / calls, &roof, &pos);
    clmlp_json_number(j, "gflops_pct_of_peak", 100.0 * gflops / res->probe.gemm_gflops);
    clmlp_json_number(j, "gbps_pct_of_peak", bw > 0 ? 100.0 * gbps * 1e9 / bw : 0);
    clmlp_json_string(j, "bound", pos.compute ? "compute" : "memory");
    clmlp_json_number(j, "roofline_pct", pos.pct);
    clmlp_json_number(j, "roof_gbps", bw / 1e9);
    clmlp_json_bool(j, "above_roof", pos.above);
}

static void write_kernels(clmlp_json *j, const clmlp_run_result *res)
{
    const clmlp_profiler *p = &res->profile;
    clmlp_json_begin_array(j, "kernels");
    for (int i = 0; i < p->n_stats; i++) {
        const clmlp_kernel_stats *k = &p->stats[i];
        if (k->calls == 0)
            continue;
        double secs = k->device_seconds, wall = phase_wall(res, k->phase);
        double gflops = secs > 0 ? k->flops / secs / 1e9 : 0, gbps = secs > 0 ? k->bytes / secs / 1e9 : 0;
        clmlp_json_begin_object(j, NULL);
        clmlp_json_string(j, "name", k->name);
        clmlp_json_string(j, "ops", k->ops);
        clmlp_json_string(j, "label", k->label);
        clmlp_json_string(j, "phase", k->phase);
        clmlp_json_int(j, "calls", k->calls);
        clmlp_json_number(j, "device_ms_total", secs * 1e3);
        clmlp_json_number(j, "device_ms_mean", secs * 1e3 / (double)k->calls);
        clmlp_json_number(j, "flops_per_call", k->flops / (double)k->calls);
        clmlp_json_number(j, "bytes_per_call", k->bytes / (double)k->calls);
        clmlp_json_number(j, "footprint_bytes", k->footprint_per_call > 0 ? k->footprint_per_call
                                                                          : k->bytes / (double)k->calls);
        clmlp_json_number(j, "gflops", gflops);
        clmlp_json_number(j, "gbps", gbps);
        clmlp_json_number(j, "share_of_phase_wall", wall > 0 ? secs / wall : 0);
        write_roofline(j, res, k, gflops, gbps);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
}

static void write_profile(clmlp_json *j, const clmlp_run_result *res)
{
    const clmlp_profiler *p = &res->profile;
    double train = clmlp_profiler_phase_device_seconds(p, "train");
    double eval = clmlp_profiler_phase_device_seconds(p, "eval");
    clmlp_json_begin_object(j, "profile");
    clmlp_json_bool(j, "enabled", p->enabled);
    clmlp_json_int(j, "trace_steps", p->trace_steps);
    clmlp_json_int(j, "events", p->events_read);
    clmlp_json_number(j, "host_seconds", p->host_seconds);
    clmlp_json_number(j, "host_share_of_train", res->train_seconds > 0 ? p->host_seconds / res->train_seconds : 0);
    clmlp_json_number(j, "train_device_seconds", train);
    clmlp_json_number(j, "train_device_share", res->train_seconds > 0 ? train / res->train_seconds : 0);
    clmlp_json_number(j, "eval_device_seconds", eval);
    clmlp_json_number(j, "transfer_device_seconds", clmlp_profiler_phase_device_seconds(p, "transfer"));
    clmlp_json_end_object(j);
}

static void write_memory(clmlp_json *j, const clmlp_run_result *res)
{
    clmlp_json_begin_object(j, "memory");
    clmlp_json_int(j, "host_peak_bytes", (int64_t)clmlp_run_host_peak(res));
    clmlp_json_int(j, "device_alloc_bytes", (int64_t)res->device_alloc_bytes);
    clmlp_json_int(j, "device_plan_bytes", (int64_t)res->device_plan_bytes);
    clmlp_json_int(j, "device_dataset_bytes", (int64_t)res->dataset_device_bytes);
    clmlp_json_int(j, "device_run_buffer_bytes", (int64_t)res->run_buffer_bytes);
    clmlp_json_end_object(j);
}

static void write_phases(clmlp_json *j, const clmlp_run_result *res)
{
    clmlp_json_begin_array(j, "phases");
    for (int p = 0; p < CLMLP_PHASE_COUNT; p++) {
        const clmlp_phase_memory *m = &res->phase_memory[p];
        clmlp_json_begin_object(j, NULL);
        clmlp_json_string(j, "name", clmlp_phase_name((clmlp_phase)p));
        clmlp_json_number(j, "seconds", res->phase_seconds[p]);
        clmlp_json_int(j, "host_rss_start_bytes", (int64_t)m->rss_start);
        clmlp_json_int(j, "host_rss_end_bytes", (int64_t)m->rss_end);
        clmlp_json_int(j, "host_rss_growth_bytes", (int64_t)m->rss_end - (int64_t)m->rss_start);
        clmlp_json_int(j, "host_peak_bytes", (int64_t)m->peak_end);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
}

/* The MLP's recipe: its layers, activation and training settings. */
static void write_mlp_config(clmlp_json *j, const clmlp_config *cfg, const clmlp_run_result *res)
{
    clmlp_json_begin_array(j, "layers");
    clmlp_json_int(j, NULL, res->input_dim);
    for (int i = 0; i < cfg->model.n_hidden; i++)
        clmlp_json_int(j, NULL, cfg->model.hidden[i]);
    clmlp_json_int(j, NULL, cfg->model.classes);
    clmlp_json_end_array(j);
    clmlp_json_string(j, "activation", clmlp_activation_name(cfg->model.activation));
    clmlp_json_string(j, "optimizer", clmlp_optimizer_name(cfg->training.optimizer));
    clmlp_json_number(j, "lr", cfg->training.lr);
    clmlp_json_int(j, "batch_size", cfg->training.batch_size);
    clmlp_json_int(j, "epochs", cfg->training.epochs);
    clmlp_json_int(j, "seed", (int64_t)cfg->training.seed);
    clmlp_json_int(j, "shuffle_seed", (int64_t)cfg->data.shuffle_seed);
    clmlp_json_bool(j, "fuse", cfg->compiler.fuse);
}

static const char *svm_kernel_name(clmlp_svm_kernel_kind kernel)
{
    return kernel == CLMLP_KERNEL_RBF ? "rbf" : "?";
}

/* The SVM's recipe: no layers to speak of (input and classes), no epochs,
 * batches or optimizer; scikit-learn's SVC settings instead. */
static void write_svm_config(clmlp_json *j, const clmlp_config *cfg, const clmlp_run_result *res)
{
    clmlp_json_begin_array(j, "layers");
    clmlp_json_int(j, NULL, res->input_dim);
    clmlp_json_int(j, NULL, cfg->model.classes);
    clmlp_json_end_array(j);
    clmlp_json_string(j, "kernel", svm_kernel_name(cfg->model.kernel));
    clmlp_json_number(j, "C", cfg->model.C);
    clmlp_json_string(j, "gamma_setting", cfg->model.gamma);
    clmlp_json_number(j, "tol", cfg->model.tol);
    clmlp_json_int(j, "cache_mb", cfg->model.cache_mb);
}

static void write_config(clmlp_json *j, const clmlp_config *cfg, const clmlp_run_result *res)
{
    clmlp_json_begin_object(j, "config");
    clmlp_json_string(j, "name", cfg->name);
    clmlp_json_string(j, "source", cfg->source_path);
    clmlp_json_string(j, "kind", clmlp_model_kind_name(res->kind));
    if (res->kind == CLMLP_MODEL_SVM)
        write_svm_config(j, cfg, res);
    else
        write_mlp_config(j, cfg, res);
    clmlp_json_string(j, "gemm", clmlp_gemm_provider_name(cfg->compiler.gemm));
    clmlp_json_end_object(j);
}

/* The solver's side of an SVM run (experiment.h's clmlp_svm_run and the
 * trained model's support vectors); null for an MLP. */
static void write_svm(clmlp_json *j, const clmlp_config *cfg, const clmlp_run_result *res)
{
    if (res->kind != CLMLP_MODEL_SVM) {
        clmlp_json_null(j, "svm");
        return;
    }
    const clmlp_svm_run *v = &res->svm;
    const clmlp_svm_model *m = &res->model.svm;
    clmlp_json_begin_object(j, "svm");
    clmlp_json_string(j, "kernel", svm_kernel_name(cfg->model.kernel));
    clmlp_json_number(j, "C", cfg->model.C);
    clmlp_json_number(j, "gamma", v->gamma);
    clmlp_json_string(j, "gamma_setting", cfg->model.gamma);
    clmlp_json_number(j, "tol", cfg->model.tol);
    clmlp_json_int(j, "classes", m->n_classes > 0 ? m->n_classes : res->classes);
    clmlp_json_int(j, "pairs", v->pairs);
    clmlp_json_int(j, "support_vectors", m->n_sv);
    clmlp_json_begin_array(j, "support_vectors_per_class");
    for (int c = 0; m->sv_count && c < m->n_classes; c++)
        clmlp_json_int(j, NULL, m->sv_count[c]);
    clmlp_json_end_array(j);
    clmlp_json_int(j, "largest_problem", v->largest_problem);
    clmlp_json_int(j, "blocks", v->blocks);
    clmlp_json_int(j, "iterations", v->iterations);
    clmlp_json_int(j, "kernel_rows_computed", v->rows_computed);
    clmlp_json_int(j, "hit_max_iter", v->hit_max_iter);
    clmlp_json_number(j, "max_violation", v->max_violation);
    clmlp_json_number(j, "kernel_seconds", v->kernel_seconds);
    clmlp_json_number(j, "solver_seconds", v->solver_seconds);
    clmlp_json_number(j, "kernel_flops", v->kernel_flops);
    clmlp_json_number(j, "kernel_gflops", v->kernel_seconds > 0 ? v->kernel_flops / v->kernel_seconds / 1e9 : 0);
    clmlp_json_number(j, "predict_flops", v->predict_flops);
    clmlp_json_int(j, "cache_bytes", (int64_t)v->cache_bytes);
    clmlp_json_end_object(j);
}

/* "ok", "diverged: <why>" or "failed: <error>": a reader tells them apart by the first word. */
static void write_status(clmlp_json *j, const clmlp_run_result *res)
{
    static const char *const words[] = {[CLMLP_RUN_OK] = "ok", [CLMLP_RUN_DIVERGED] = "diverged",
                                        [CLMLP_RUN_FAILED] = "failed"};
    char status[sizeof res->status_why + 16];
    if (res->status == CLMLP_RUN_OK)
        snprintf(status, sizeof status, "ok");
    else
        snprintf(status, sizeof status, "%s: %s", words[res->status], res->status_why);
    clmlp_json_string(j, "status", status);
}

/* mpirun -n N: the ranks, the gradient allreduce (rank 0's times) and
 * every rank's device and times; null for a run of one process. */
static void write_mpi(clmlp_json *j, const clmlp_run_result *res)
{
    const clmlp_mpi_result *m = &res->mpi;
    if (m->ranks < 2) {
        clmlp_json_null(j, "mpi");
        return;
    }
    clmlp_json_begin_object(j, "mpi");
    clmlp_json_int(j, "ranks", m->ranks);
    clmlp_json_int(j, "global_batch", m->global_batch);
    clmlp_json_begin_object(j, "allreduce");
    clmlp_json_number(j, "bytes_per_step", m->bytes_per_step);
    clmlp_json_int(j, "steps", m->steps);
    clmlp_json_number(j, "seconds_total", m->seconds_total);
    clmlp_json_number(j, "seconds_per_step_median", m->median);
    clmlp_json_number(j, "seconds_per_step_min", m->min);
    clmlp_json_number(j, "seconds_per_step_max", m->max);
    clmlp_json_number(j, "share_of_train", res->train_seconds > 0 ? m->seconds_total / res->train_seconds : 0);
    clmlp_json_end_object(j);
    clmlp_json_begin_array(j, "per_rank");
    for (int r = 0; r < m->ranks && m->per_rank; r++) {
        const clmlp_rank_result *p = &m->per_rank[r];
        clmlp_json_begin_object(j, NULL);
        clmlp_json_int(j, "rank", p->rank);
        clmlp_json_string(j, "device", p->device);
        clmlp_json_string(j, "platform", p->platform);
        clmlp_json_number(j, "train_seconds", p->train_seconds);
        clmlp_json_number(j, "allreduce_seconds", p->allreduce_seconds);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_array(j);
    clmlp_json_end_object(j);
}

int clmlp_report_write_json(FILE *out, const clmlp_config *cfg, const clmlp_run_result *res)
{
    clmlp_json j;
    clmlp_json_init(&j, out);
    clmlp_json_begin_object(&j, NULL);
    clmlp_json_string(&j, "clmlp_report_version", "1");
    clmlp_json_string(&j, "name", cfg->name);
    write_status(&j, res);
    write_device(&j, res);
    write_config(&j, cfg, res);

    clmlp_json_begin_object(&j, "data");
    clmlp_json_int(&j, "train_examples", res->train_count);
    clmlp_json_int(&j, "test_examples", res->test_count);
    clmlp_json_int(&j, "steps_per_epoch", res->steps_per_epoch);
    clmlp_json_int(&j, "dropped_per_epoch", res->dropped_per_epoch);
    clmlp_json_bool(&j, "streamed", res->streamed);
    clmlp_json_end_object(&j);

    clmlp_json_begin_object(&j, "plan");
    clmlp_json_int(&j, "launches_per_step", res->launches_per_step);
    clmlp_json_int(&j, "eval_launches_per_batch", res->eval_launches_per_batch);
    clmlp_json_number(&j, "flops_per_step", res->flops_per_step);
    clmlp_json_number(&j, "bytes_per_step", res->bytes_per_step);
    clmlp_json_int(&j, "programs_compiled", res->programs_compiled);
    clmlp_json_int(&j, "programs_from_cache", res->programs_from_cache);
    clmlp_json_end_object(&j);

    clmlp_json_begin_object(&j, "train");
    clmlp_json_number(&j, "seconds", res->train_seconds);
    clmlp_json_number(&j, "images_per_second", res->train_images_per_second);
    clmlp_json_number(&j, "check_seconds", res->check_seconds);
    clmlp_json_int(&j, "resumed_epochs", res->resumed_epochs);
    clmlp_json_begin_array(&j, "epochs");
    for (int e = 0; e < res->epochs_done; e++) {
        clmlp_json_begin_object(&j, NULL);
        clmlp_json_int(&j, "epoch", e + 1);
        clmlp_json_number(&j, "loss", res->epochs[e].loss);
        clmlp_json_number(&j, "seconds", res->epochs[e].seconds);
        clmlp_json_end_object(&j);
    }
    clmlp_json_end_array(&j);
    clmlp_json_end_object(&j);

    clmlp_json_begin_object(&j, "eval");
    if (res->evaluated)
        clmlp_json_number(&j, "accuracy", res->accuracy);
    else
        clmlp_json_null(&j, "accuracy"); /* the run ended before its evaluation, or had no labels to score */
    clmlp_json_bool(&j, "unlabeled", res->test_unlabeled);
    clmlp_json_int(&j, "examples", res->test_count);
    clmlp_json_number(&j, "seconds", res->eval_seconds);
    clmlp_json_number(&j, "images_per_second", res->eval_images_per_second);
    clmlp_json_begin_array(&j, "confusion");
    for (int t = 0; t < res->classes && res->evaluated && res->confusion; t++) {
        clmlp_json_begin_array(&j, NULL);
        for (int p = 0; p < res->classes; p++)
            clmlp_json_int(&j, NULL, res->confusion[t * res->classes + p]);
        clmlp_json_end_array(&j);
    }
    clmlp_json_end_array(&j);
    clmlp_json_end_object(&j);

    write_svm(&j, cfg, res);
    write_memory(&j, res);
    write_phases(&j, res);
    write_profile(&j, res);
    write_kernels(&j, res);
    write_mpi(&j, res);
    clmlp_json_end_object(&j);
    return ferror(out) ? -1 : 0;
}
