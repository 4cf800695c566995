/* report.json: the one machine-readable record of a run. Keys are stable
 * and documented in the README; later stages add keys, never rename them. */
#include "clmlp/json.h"
#include "clmlp/report.h"

static void write_device(clmlp_json *j, const clmlp_device_desc *d)
{
    clmlp_json_begin_object(j, "device");
    clmlp_json_string(j, "name", d->name);
    clmlp_json_string(j, "type", clmlp_device_type_name(d->type));
    clmlp_json_string(j, "platform", d->platform);
    clmlp_json_string(j, "vendor", d->vendor);
    clmlp_json_string(j, "version", d->version);
    clmlp_json_string(j, "driver_version", d->driver);
    clmlp_json_int(j, "compute_units", d->compute_units);
    clmlp_json_int(j, "clock_mhz", d->clock_mhz);
    clmlp_json_int(j, "global_mem_bytes", (int64_t)d->global_mem);
    clmlp_json_end_object(j);
}

static void write_config(clmlp_json *j, const clmlp_config *cfg)
{
    clmlp_json_begin_object(j, "config");
    clmlp_json_string(j, "name", cfg->name);
    clmlp_json_string(j, "source", cfg->source_path);
    clmlp_json_begin_array(j, "layers");
    clmlp_json_int(j, NULL, cfg->model.input);
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
    clmlp_json_string(j, "gemm", clmlp_gemm_provider_name(cfg->compiler.gemm));
    clmlp_json_end_object(j);
}

int clmlp_report_write_json(FILE *out, const clmlp_config *cfg, const clmlp_run_result *res)
{
    clmlp_json j;
    clmlp_json_init(&j, out);
    clmlp_json_begin_object(&j, NULL);
    clmlp_json_string(&j, "clmlp_report_version", "1");
    clmlp_json_string(&j, "name", cfg->name);
    write_device(&j, &res->device);
    write_config(&j, cfg);

    clmlp_json_begin_object(&j, "data");
    clmlp_json_int(&j, "train_examples", res->train_count);
    clmlp_json_int(&j, "test_examples", res->test_count);
    clmlp_json_int(&j, "steps_per_epoch", res->steps_per_epoch);
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
    double images = (double)res->steps_per_epoch * cfg->training.batch_size * res->epochs_done;
    clmlp_json_number(&j, "images_per_second", res->train_seconds > 0 ? images / res->train_seconds : 0);
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
    clmlp_json_number(&j, "accuracy", res->accuracy);
    clmlp_json_int(&j, "examples", res->test_count);
    clmlp_json_number(&j, "seconds", res->eval_seconds);
    clmlp_json_number(&j, "images_per_second", res->eval_seconds > 0 ? res->test_count / res->eval_seconds : 0);
    clmlp_json_begin_array(&j, "confusion");
    for (int t = 0; t < res->classes && res->confusion; t++) {
        clmlp_json_begin_array(&j, NULL);
        for (int p = 0; p < res->classes; p++)
            clmlp_json_int(&j, NULL, res->confusion[t * res->classes + p]);
        clmlp_json_end_array(&j);
    }
    clmlp_json_end_array(&j);
    clmlp_json_end_object(&j);

    clmlp_json_begin_object(&j, "memory");
    clmlp_json_int(&j, "device_plan_bytes", (int64_t)res->device_plan_bytes);
    clmlp_json_int(&j, "device_dataset_bytes", (int64_t)res->dataset_device_bytes);
    clmlp_json_int(&j, "device_run_buffer_bytes", (int64_t)res->run_buffer_bytes);
    clmlp_json_end_object(&j);

    clmlp_json_begin_array(&j, "phases");
    for (int p = 0; p < CLMLP_PHASE_COUNT; p++) {
        clmlp_json_begin_object(&j, NULL);
        clmlp_json_string(&j, "name", clmlp_phase_name((clmlp_phase)p));
        clmlp_json_number(&j, "seconds", res->phase_seconds[p]);
        clmlp_json_end_object(&j);
    }
    clmlp_json_end_array(&j);
    clmlp_json_end_object(&j);
    return ferror(out) ? -1 : 0;
}
