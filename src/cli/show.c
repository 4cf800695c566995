/* clmlp show DATA [--labels FILE] [--index N] [--binarize] [--bins N] [--out DIR] [--force]
 * Looks at one image of any data file clmlp reads (IDX images, Kaggle CSV
 * with or without labels), the seed's two plots: prints it as Unicode blocks
 * with its label, and writes <stem>-<N>.png (the pixels as stored) and
 * <stem>-<N>-histogram.svg (its pixel values) into DIR (default: the current
 * folder). --binarize shows what data.binarize trains on. Of an IDX file
 * only the images up to N are decompressed. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/cli.h"
#include "clmlp/data.h"
#include "clmlp/plot.h"

#define SHOW_USAGE "usage: clmlp show DATA [--labels FILE] [--index N] [--binarize] [--bins N] [--out DIR] [--force]"
#define SHOW_DEFAULT_BINS 10 /* the seed's plt.hist */

typedef struct {
    const clmlp_plot_image *img;
    int bins;
} histogram_ctx;

static int write_png(FILE *out, const void *ctx) { return clmlp_plot_write_png(out, ctx); }

static int write_svg(FILE *out, const void *ctx)
{
    const histogram_ctx *h = ctx;
    return clmlp_plot_write_histogram_svg(out, h->img, h->bins);
}

/* A whole decimal number in [lo, hi], or a usage error naming the option. */
static int parse_number(const char *text, const char *option, long long lo, long long hi, long long *value,
                        clmlp_err *err)
{
    char *end = NULL;
    errno = 0;
    long long v = text[0] >= '0' && text[0] <= '9' ? strtoll(text, &end, 10) : -1;
    if (v < lo || v > hi || *end != '\0' || errno)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "show: %s '%s': expected a whole number from %lld to %lld", option,
                          text, lo, hi);
    *value = v;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The data file's name without ".gz" and a ".csv" or ".idx" before it:
 * train-images-idx3-ubyte.gz -> train-images-idx3-ubyte, test.csv -> test. */
static void file_stem(const char *path, char *stem, size_t cap)
{
    clmlp_strlcpy(stem, base_name(path), cap);
    size_t n = strlen(stem);
    if (n > 3 && strcmp(stem + n - 3, ".gz") == 0)
        stem[n -= 3] = '\0';
    if (n > 4 && (strcmp(stem + n - 4, ".csv") == 0 || strcmp(stem + n - 4, ".idx") == 0))
        stem[n - 4] = '\0';
}

/* Before the data is read: DIR exists (made when missing; *made says so)
 * and is a writable folder, and holds neither output unless --force. */
static int check_outputs(const char *dir, const char *const names[2], bool force, bool *made, clmlp_err *err)
{
    struct stat st;
    *made = stat(dir, &st) != 0;
    if (*made && clmlp_mkdir_p(dir, err) < 0)
        return -1;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot write into '%s': not a directory", dir);
    if (access(dir, W_OK) != 0)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "cannot write into '%s': %s", dir, strerror(errno));
    for (int i = 0; i < 2 && !force; i++) {
        char path[CLMLP_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (access(path, F_OK) == 0)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "'%s' exists (--force replaces it)", path);
    }
    return 0;
}

static void print_summary(const clmlp_plot_image *img)
{
    size_t n = (size_t)img->rows * (size_t)img->cols, zero = 0, sum = 0;
    uint8_t max = 0;
    for (size_t i = 0; i < n; i++) {
        zero += img->pixels[i] == 0;
        sum += img->pixels[i];
        max = img->pixels[i] > max ? img->pixels[i] : max;
    }
    printf("pixels:    %zu, %zu of them 0, mean %.1f, max %u\n", n, zero, (double)sum / (double)n, max);
}

/* Loads images 0..index of DATA and copies image `index` into *pixels
 * (malloc'ed), binarized when asked; *label is -1 without labels. */
static int load_image(const clmlp_data_source *src, const char *data, long long index, bool binarize,
                      clmlp_dataset *ds, uint8_t **pixels, int *label, clmlp_err *err)
{
    if (clmlp_data_load(src, ds, err) < 0)
        return -1;
    if (index >= ds->count)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s: index %lld out of range: the file holds %lld images (0..%lld)",
                          data, index, (long long)ds->count, (long long)ds->count - 1);
    size_t features = (size_t)clmlp_dataset_features(ds);
    *pixels = clmlp_calloc(features, 1, err);
    if (!*pixels)
        return -1;
    const uint8_t *image = ds->pixels + (size_t)index * features;
    for (size_t i = 0; i < features; i++)
        /* The trainer's own rule (pixel > 0 -> 1), drawn as black and white. */
        (*pixels)[i] = binarize ? (clmlp_preprocess_pixel(image[i], false, true) > 0 ? 255 : 0) : image[i];
    *label = ds->labels ? ds->labels[index] : -1;
    return 0;
}

int clmlp_cmd_show(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    if (clmlp_cli_parse(argc, argv, "show", "--labels --index --binarize --bins --out --force", false, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    const char *data = args.config_path;
    if (!data) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE, "show: missing DATA (%s)", SHOW_USAGE);
        return clmlp_cli_report_error(&err);
    }
    long long index = 0, bins = SHOW_DEFAULT_BINS;
    if ((args.index && parse_number(args.index, "--index", 0, UINT32_MAX - 1, &index, &err) < 0) ||
        (args.bins && parse_number(args.bins, "--bins", 1, CLMLP_PLOT_MAX_BINS, &bins, &err) < 0))
        return clmlp_cli_report_error(&err);

    const char *dir = args.out_dir ? args.out_dir : ".";
    char stem[256], png_name[320], svg_name[320];
    file_stem(data, stem, sizeof stem);
    const char *variant = args.binarize ? "-binarized" : "";
    snprintf(png_name, sizeof png_name, "%s-%lld%s.png", stem, index, variant);
    snprintf(svg_name, sizeof svg_name, "%s-%lld%s-histogram.svg", stem, index, variant);
    const char *const names[2] = {png_name, svg_name};
    bool made_dir = false;
    if (check_outputs(dir, names, args.force, &made_dir, &err) < 0)
        return clmlp_cli_report_error(&err);

    clmlp_data_source src;
    clmlp_dataset ds = {0};
    uint8_t *pixels = NULL;
    int label = -1, rc = 0;
    if (clmlp_data_source_detect(data, args.labels, &src, &err) < 0) {
        rc = -1;
    } else {
        src.limit = index + 1; /* nothing past image N is read */
        rc = load_image(&src, data, index, args.binarize, &ds, &pixels, &label, &err);
    }
    if (rc < 0) {
        if (made_dir)
            rmdir(dir); /* made for this call and still empty */
        clmlp_dataset_free(&ds);
        return clmlp_cli_report_error(&err);
    }

    char title[512], label_text[32] = "no label";
    if (label >= 0)
        snprintf(label_text, sizeof label_text, "label %d", label);
    snprintf(title, sizeof title, "%s: image %lld, %s%s", base_name(data), index, label_text,
             args.binarize ? ", binarized" : "");
    clmlp_plot_image img = {.pixels = pixels, .rows = ds.rows, .cols = ds.cols, .title = title};
    char source[CLMLP_PATH_MAX + 64] = "";
    if (src.format == CLMLP_FORMAT_IDX)
        snprintf(source, sizeof source, src.labels[0] ? " (labels: %s)" : " (no labels file; --labels FILE)",
                 src.labels);
    printf("%s: image %lld, %dx%d, %s%s%s\n", data, index, ds.rows, ds.cols, label_text, source,
           args.binarize ? ", binarized (pixel > 0 -> 255)" : "");
    const char *term = getenv("TERM"), *no_colour = getenv("NO_COLOR");
    bool colour = isatty(STDOUT_FILENO) && !(no_colour && no_colour[0]) && !(term && strcmp(term, "dumb") == 0);
    clmlp_plot_write_terminal(stdout, &img, colour);
    print_summary(&img);
    fflush(stdout); /* before an error on stderr */

    histogram_ctx hist = {&img, (int)bins};
    if (clmlp_write_file_atomic(dir, png_name, write_png, &img, &err) < 0 ||
        clmlp_write_file_atomic(dir, svg_name, write_svg, &hist, &err) < 0) {
        rc = clmlp_cli_report_error(&err);
    } else {
        printf("png:       %s/%s\nhistogram: %s/%s (%lld bins)\n", dir, png_name, dir, svg_name, bins);
    }
    free(pixels);
    clmlp_dataset_free(&ds);
    return rc;
}
