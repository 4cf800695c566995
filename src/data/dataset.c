/* One split as the config describes it: dispatch to the IDX or CSV reader,
 * then the limit; plus freeing and the host reference of preprocessing. */
#include "clmlp/data.h"

#include <stdlib.h>
#include <string.h>

int clmlp_data_load(const clmlp_data_source *src, clmlp_dataset *ds, clmlp_err *err)
{
    int rc;
    if (src->format == CLMLP_FORMAT_CSV) {
        if (!src->csv[0]) {
            memset(ds, 0, sizeof *ds);
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "data source has format csv but no csv path");
        }
        rc = clmlp_csv_load(src->csv, src->has_labels, ds, err);
    } else {
        if (!src->images[0]) {
            memset(ds, 0, sizeof *ds);
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "data source has format idx but no images path");
        }
        int64_t first = src->limit > 0 ? src->skip + src->limit : 0;
        rc = clmlp_idx_load_first(src->images, src->labels[0] ? src->labels : NULL, first, ds, err);
    }
    if (rc != 0)
        return rc;
    if (src->skip > 0 && src->skip >= ds->count) {
        int64_t count = ds->count;
        clmlp_dataset_free(ds);
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: skip %lld leaves nothing of its %lld examples",
                          src->format == CLMLP_FORMAT_CSV ? src->csv : src->images, (long long)src->skip,
                          (long long)count);
    }
    clmlp_dataset_skip(ds, src->skip);
    clmlp_dataset_limit(ds, src->limit);
    return 0;
}

void clmlp_dataset_skip(clmlp_dataset *ds, int64_t n)
{
    if (n <= 0 || n >= ds->count)
        return;
    size_t features = (size_t)clmlp_dataset_features(ds), rest = (size_t)(ds->count - n);
    memmove(ds->pixels, ds->pixels + (size_t)n * features, rest * features);
    if (ds->labels)
        memmove(ds->labels, ds->labels + n, rest);
    clmlp_dataset_limit(ds, (int64_t)rest);
}

int clmlp_dataset_check_labels(const clmlp_dataset *ds, int classes, const char *split, clmlp_err *err)
{
    if (!ds->labels)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "the %s set has no labels; training and evaluation need them", split);
    for (int64_t i = 0; i < ds->count; i++)
        if (ds->labels[i] >= classes)
            return clmlp_fail(err, CLMLP_EXIT_DATA,
                              "%s example %lld has label %d but model.classes is %d", split, (long long)i,
                              ds->labels[i], classes);
    return 0;
}

void clmlp_dataset_limit(clmlp_dataset *ds, int64_t n)
{
    if (n <= 0 || n >= ds->count)
        return;
    ds->count = n;
    /* Hand back the memory of the dropped examples; on failure keep the larger
     * blocks. Never realloc to 0 bytes: glibc would free the block. */
    size_t bytes = (size_t)n * (size_t)clmlp_dataset_features(ds);
    uint8_t *p = bytes && ds->pixels ? realloc(ds->pixels, bytes) : NULL;
    if (p)
        ds->pixels = p;
    if (ds->labels) {
        uint8_t *l = realloc(ds->labels, (size_t)n);
        if (l)
            ds->labels = l;
    }
}

void clmlp_dataset_free(clmlp_dataset *ds)
{
    free(ds->pixels);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

float clmlp_preprocess_pixel(uint8_t pixel, bool scale, bool binarize)
{
    if (binarize)
        return pixel > 0 ? 1.0f : 0.0f;
    if (scale)
        return (float)pixel / 255.0f;
    return (float)pixel;
}
