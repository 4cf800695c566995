/* sweep.json: the machine-readable sweep. Later versions only add keys;
 * units are in the key names. Keys:
 *   clmlp_sweep_version "1", name, config, key (the swept config key), device, epochs
 *   clmlp_sweep_version "1", name, config, key (the swept config key), device, epochs,
 *   model_kind ("mlp" | "svm")
 *   points[]: value (as given), x (number or null), train_count, test_count, epochs, steps_per_epoch,
 *     train_seconds, seconds_per_epoch, train_images_per_second, eval_seconds,
 *     accuracy (0..1 or null), host_peak_rss_bytes, host_peak_per_run, device_alloc_bytes,
 *     extra {name: value} (a model kind's own measurements, an SVM's support_vectors; {} when none)
 *   fits: fitted, why_not (when not fitted), x_min, x_max, and per quantity that every
 *     point has (train_seconds, host_peak_rss_bytes, device_alloc_bytes, eval_seconds_per_image,
 *     support_vectors):
 *     power {a, b, r2, r2_log, ratio_min, ratio_max} (y = a·x^b),
 *     affine {a, b, r2, r2_log, ratio_min, ratio_max} (y = a + b·x), each null when it
 *     could not be fitted, chosen ("power" | "affine" | null), chosen_by ("r2_log": the
 *     better fit; "model": the model kind's, an SVM's superlinear training time) and
 *     modeled_by (what the extrapolation uses: the chosen law's name, or for
 *     eval_seconds_per_image over data.train.limit the model kind's rule, "constant" for
 *     an MLP, "per_support_vector" for an SVM)
 *   extrapolation: null, or {modeled: true, x (extrapolate.train_images), test_images
 *     (extrapolate.test_images), x_min, x_max, factor (x / x_max), epochs, and per quantity
 *     {value, law ("power" | "affine", or the model's rule: "constant", "per_support_vector"),
 *     exponent (the power law's b, else null), r2_log (null for a rule), per_unit (a rule's
 *     measured figure: seconds per test image, or per test image and support vector)};
 *     eval_seconds_per_image adds eval_seconds (value × test_images)} */
#include <math.h>

#include "clmlp/json.h"
#include "clmlp/sweep.h"

static void write_point(clmlp_json *j, const clmlp_sweep_point *p)
{
    clmlp_json_begin_object(j, NULL);
    clmlp_json_string(j, "value", p->value);
    clmlp_json_number(j, "x", p->x);
    clmlp_json_int(j, "train_count", p->train_count);
    clmlp_json_int(j, "test_count", p->test_count);
    clmlp_json_int(j, "epochs", p->epochs);
    clmlp_json_int(j, "steps_per_epoch", p->steps_per_epoch);
    clmlp_json_number(j, "train_seconds", p->train_seconds);
    clmlp_json_number(j, "seconds_per_epoch", p->seconds_per_epoch);
    clmlp_json_number(j, "train_images_per_second", p->train_images_per_second);
    clmlp_json_number(j, "eval_seconds", p->eval_seconds);
    clmlp_json_number(j, "accuracy", p->accuracy);
    clmlp_json_number(j, "host_peak_rss_bytes", p->host_peak_bytes);
    clmlp_json_bool(j, "host_peak_per_run", p->host_peak_per_run);
    clmlp_json_number(j, "device_alloc_bytes", p->device_alloc_bytes);
    clmlp_json_begin_object(j, "extra");
    for (int k = 0; k < p->n_extra; k++)
        clmlp_json_number(j, p->extra[k].name, p->extra[k].value);
    clmlp_json_end_object(j);
    clmlp_json_end_object(j);
}

static void write_law(clmlp_json *j, const char *key, const clmlp_law *law)
{
    if (!law->ok) {
        clmlp_json_null(j, key);
        return;
    }
    clmlp_json_begin_object(j, key);
    clmlp_json_number(j, "a", law->a);
    clmlp_json_number(j, "b", law->b);
    clmlp_json_number(j, "r2", law->r2);
    clmlp_json_number(j, "r2_log", law->r2_log);
    clmlp_json_number(j, "ratio_min", law->ratio_lo);
    clmlp_json_number(j, "ratio_max", law->ratio_hi);
    clmlp_json_end_object(j);
}

static void write_fits(clmlp_json *j, const clmlp_sweep *s)
{
    clmlp_json_begin_object(j, "fits");
    clmlp_json_bool(j, "fitted", s->fitted);
    if (!s->fitted) {
        clmlp_json_string(j, "why_not", s->why_not_fitted);
        clmlp_json_end_object(j);
        return;
    }
    clmlp_json_number(j, "x_min", s->x_lo);
    clmlp_json_number(j, "x_max", s->x_hi);
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        const clmlp_sweep_fit *f = &s->fits[q];
        if (!f->applies)
            continue;
        clmlp_json_begin_object(j, clmlp_sweep_quantity_name((clmlp_sweep_quantity)q));
        write_law(j, "power", &f->power);
        write_law(j, "affine", &f->affine);
        if (f->has_chosen)
            clmlp_json_string(j, "chosen", clmlp_law_name(f->chosen));
        else
            clmlp_json_null(j, "chosen");
        clmlp_json_string(j, "chosen_by", f->by_model ? "model" : "r2_log");
        clmlp_json_string(j, "modeled_by", clmlp_sweep_modeled_by(f));
        clmlp_json_end_object(j);
    }
    clmlp_json_end_object(j);
}

static void write_extrapolation(clmlp_json *j, const clmlp_sweep *s)
{
    if (!s->extrapolated) {
        clmlp_json_null(j, "extrapolation");
        return;
    }
    clmlp_json_begin_object(j, "extrapolation");
    clmlp_json_bool(j, "modeled", true);
    clmlp_json_number(j, "x", s->target_x);
    clmlp_json_number(j, "test_images", s->target_test);
    clmlp_json_number(j, "x_min", s->x_lo);
    clmlp_json_number(j, "x_max", s->x_hi);
    clmlp_json_number(j, "factor", s->target_x / s->x_hi);
    clmlp_json_int(j, "epochs", s->epochs);
    for (int q = 0; q < CLMLP_SWEEP_QUANTITIES; q++) {
        const clmlp_sweep_fit *f = &s->fits[q];
        const char *name = clmlp_sweep_quantity_name((clmlp_sweep_quantity)q);
        if (!f->applies)
            continue;
        if (!f->has_chosen) {
            clmlp_json_null(j, name);
            continue;
        }
        bool law = f->rule == CLMLP_SWEEP_BY_LAW;
        clmlp_json_begin_object(j, name);
        clmlp_json_number(j, "value", f->modeled);
        clmlp_json_string(j, "law", clmlp_sweep_modeled_by(f));
        clmlp_json_number(j, "exponent", law && f->chosen == CLMLP_LAW_POWER ? f->power.b : NAN);
        clmlp_json_number(j, "r2_log", !law                          ? NAN
                                       : f->chosen == CLMLP_LAW_POWER ? f->power.r2_log
                                                                      : f->affine.r2_log);
        if (!law)
            clmlp_json_number(j, "per_unit", f->per_unit);
        if (q == CLMLP_SWEEP_EVAL_SECONDS_PER_IMAGE)
            clmlp_json_number(j, "eval_seconds", f->modeled * s->target_test);
        clmlp_json_end_object(j);
    }
    clmlp_json_end_object(j);
}

int clmlp_sweep_write_json(FILE *out, const void *ctx)
{
    const clmlp_sweep *s = ctx;
    clmlp_json j;
    clmlp_json_init(&j, out);
    clmlp_json_begin_object(&j, NULL);
    clmlp_json_string(&j, "clmlp_sweep_version", "1");
    clmlp_json_string(&j, "name", s->name);
    clmlp_json_string(&j, "config", s->configs ? s->configs[0].source_path : "");
    clmlp_json_string(&j, "key", s->key);
    clmlp_json_string(&j, "device", s->device);
    clmlp_json_int(&j, "epochs", s->epochs);
    clmlp_json_string(&j, "model_kind", clmlp_model_kind_name(s->kind));
    clmlp_json_begin_array(&j, "points");
    for (int i = 0; i < s->n; i++)
        write_point(&j, &s->points[i]);
    clmlp_json_end_array(&j);
    write_fits(&j, s);
    write_extrapolation(&j, s);
    clmlp_json_end_object(&j);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
