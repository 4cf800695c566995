/* Checks that need more than one key, run once after the file and every
 * --set have been applied (an override may supply what the file lacks). */
#include "config/config_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* model.gamma as a positive finite number, if it is one. */
static bool gamma_literal(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || !(v > 0))
        return false;
    *out = v;
    return true;
}

double clmlp_config_svm_gamma(const clmlp_config *cfg, int d, double x_var)
{
    double v;
    if (gamma_literal(cfg->model.gamma, &v))
        return v;
    if (strcmp(cfg->model.gamma, "auto") == 0)
        return 1.0 / d;
    return x_var > 0 ? 1.0 / (d * x_var) : 1.0; /* "scale"; scikit-learn's 1 for constant data */
}

static int check_source(const clmlp_data_source *src, const char *split, const char *origin, clmlp_err *err)
{
    if (src->format == CLMLP_FORMAT_IDX) {
        if (!src->images[0])
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: missing required key 'data.%s.images' (format idx needs images and labels)",
                              origin, split);
        if (!src->labels[0])
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: missing required key 'data.%s.labels' (format idx needs images and labels)",
                              origin, split);
    } else if (!src->csv[0]) {
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: missing required key 'data.%s.csv' (format csv needs a csv file)",
                          origin, split);
    }
    return 0;
}

int cfg_validate(const clmlp_config *cfg, const char *origin, clmlp_err *err)
{
    /* The name becomes part of a directory name. */
    if (!cfg->name[0])
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: name: must not be empty", origin);
    if (strchr(cfg->name, '/'))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: name: '%s' must not contain '/' (it names the run directory)",
                          origin, cfg->name);
    if (!cfg->output.dir[0])
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: output.dir: must not be empty (use '.' for the current directory)",
                          origin);
    if (check_source(&cfg->data.train, "train", origin, err) < 0 || check_source(&cfg->data.test, "test", origin, err) < 0)
        return -1;
    /* Training needs a target; only a test CSV may come without one. */
    if (cfg->data.train.format == CLMLP_FORMAT_CSV && !cfg->data.train.has_labels)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: data.train.has_labels: the training set needs labels", origin);
    double g;
    if (strcmp(cfg->model.gamma, "scale") != 0 && strcmp(cfg->model.gamma, "auto") != 0 &&
        !gamma_literal(cfg->model.gamma, &g))
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: model.gamma: '%s' is not scale, auto or a positive number", origin, cfg->model.gamma);
    if (cfg->extrapolate.interconnect == CLMLP_LINK_CUSTOM && !(cfg->extrapolate.link_gbps > 0))
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: extrapolate.interconnect: custom needs extrapolate.link_gbps > 0 (the link's GB/s per "
                          "direction, e.g. 50 for 400 Gb/s)", origin);
    return 0;
}
