/* A data source from a file name alone, for commands that take DATA on the
 * command line instead of a config: IDX or Kaggle CSV by content, the CSV's
 * label column by its header, and an IDX image file's labels by the MNIST
 * naming convention. The readers check everything else. */
#include "clmlp/data.h"

#include <string.h>
#include <unistd.h>

#include "data/data_file.h"

/* The labels file MNIST-style sets ship beside their images
 * (train-images-idx3-ubyte.gz -> train-labels-idx1-ubyte.gz), if it exists. */
static bool sibling_labels(const char *images, char *out, size_t cap)
{
    static const char from[] = "images-idx3", to[] = "labels-idx1";
    const char *base = strrchr(images, '/');
    base = base ? base + 1 : images;
    const char *at = strstr(base, from);
    if (!at || strlen(images) >= cap)
        return false;
    size_t pre = (size_t)(at - images);
    memcpy(out, images, pre);
    memcpy(out + pre, to, sizeof to - 1);
    strcpy(out + pre + sizeof to - 1, at + sizeof from - 1); /* same length as what it replaces */
    return access(out, R_OK) == 0;
}

int clmlp_data_source_detect(const char *path, const char *labels_path, clmlp_data_source *src, clmlp_err *err)
{
    memset(src, 0, sizeof *src);
    if (strlen(path) >= sizeof src->images || (labels_path && strlen(labels_path) >= sizeof src->labels))
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%.64s...: path too long", path);
    data_file f = {0};
    char head[16] = {0}; /* room for a byte order mark and "label," */
    if (data_file_open(&f, path, err) < 0)
        return -1;
    int64_t got = data_file_read(&f, head, sizeof head - 1, err);
    data_file_close(&f);
    if (got < 0)
        return -1;
    if (got == 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA, "%s: empty file, expected IDX images or a Kaggle CSV", path);

    /* Every IDX magic starts with two zero bytes; no CSV header does. */
    if (got >= 2 && head[0] == 0 && head[1] == 0) {
        src->format = CLMLP_FORMAT_IDX;
        strcpy(src->images, path);
        if (labels_path)
            strcpy(src->labels, labels_path);
        else if (!sibling_labels(path, src->labels, sizeof src->labels))
            src->labels[0] = '\0'; /* none: the images are shown without labels */
        return 0;
    }
    if (labels_path)
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "%s: a CSV carries its labels in its first column; --labels is for IDX images", path);
    /* A Kaggle header starts "label," (train.csv) or "pixel0" (test.csv), maybe after a UTF-8 byte order mark. */
    const char *h = memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? head + 3 : head;
    if (strncmp(h, "label,", 6) != 0 && strncmp(h, "pixel0", 6) != 0)
        return clmlp_fail(err, CLMLP_EXIT_DATA,
                          "%s: neither IDX images nor a Kaggle CSV (header 'label,pixel0,...' or 'pixel0,...')", path);
    src->format = CLMLP_FORMAT_CSV;
    strcpy(src->csv, path);
    src->has_labels = h[0] == 'l';
    return 0;
}
