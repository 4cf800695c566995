/* `clmlp show`: the built binary on small IDX and CSV files made here and on
 * MNIST. The PNG is decoded with libpng, the SVG checked for well-formed XML
 * and its bars against a histogram counted here, the terminal drawing
 * compared character by character; and each error is one line. */
#define _GNU_SOURCE /* open_memstream */
#include <ctype.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/data.h"
#include "clmlp/plot.h"
#include "harness.h"

enum { N = 4, SIDE = 28, PIXELS = SIDE * SIDE };

/* Every grey level turns up, and about a third of the pixels are 0. */
static uint8_t pixel_at(int image, int k) { return k % 3 == 0 ? 0 : (uint8_t)(image * 37 + k * 11); }

static void put_be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

/* <tmpdir>/<name>: an IDX images file of count images rows x cols, pixels[i] of
 * image 0 when given, else pixel_at. */
static const char *write_images(const char *name, int count, int rows, int cols, const uint8_t *pixels)
{
    size_t n = (size_t)rows * (size_t)cols, len = 16 + (size_t)count * n;
    uint8_t *buf = malloc(len);
    put_be32(buf, 0x803);
    put_be32(buf + 4, (uint32_t)count);
    put_be32(buf + 8, (uint32_t)rows);
    put_be32(buf + 12, (uint32_t)cols);
    for (int i = 0; i < count; i++)
        for (size_t k = 0; k < n; k++)
            buf[16 + i * n + k] = pixels ? pixels[k] : pixel_at(i, (int)k);
    const char *path = test_write_file(name, buf, len);
    free(buf);
    return path;
}

/* <tmpdir>/<name>: labels 7, 8, 9, ... */
static const char *write_labels(const char *name, int count)
{
    uint8_t buf[8 + N];
    put_be32(buf, 0x801);
    put_be32(buf + 4, (uint32_t)count);
    for (int i = 0; i < count; i++)
        buf[8 + i] = (uint8_t)(7 + i);
    return test_write_file(name, buf, 8 + (size_t)count);
}

/* <tmpdir>/<name>: a Kaggle CSV of N images (pixel_at), labels 7, 8, ... when labeled. */
static const char *write_csv(const char *name, bool labeled)
{
    size_t cap = 8 * (PIXELS + 1) * (N + 1), len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "%s", labeled ? "label," : "");
    for (int k = 0; k < PIXELS; k++)
        len += (size_t)snprintf(text + len, cap - len, "pixel%d%s", k, k + 1 < PIXELS ? "," : "\r\n");
    for (int i = 0; i < N; i++) {
        if (labeled)
            len += (size_t)snprintf(text + len, cap - len, "%d,", 7 + i);
        for (int k = 0; k < PIXELS; k++)
            len += (size_t)snprintf(text + len, cap - len, "%d%s", pixel_at(i, k), k + 1 < PIXELS ? "," : "\n");
    }
    const char *path = test_write_file(name, text, len);
    free(text);
    return path;
}

/* Runs clmlp show with args (shell words), its outputs into <tmpdir>/out. */
static int run_show(const char *args, char *out, size_t cap)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "show %s --out '%s/out'", args, test_tmpdir());
    return test_run_clmlp(cmd, out, cap);
}

static const char *out_path(const char *name)
{
    static char path[8][900];
    static int slot;
    char *p = path[slot++ % 8];
    snprintf(p, 900, "%s/out/%s", test_tmpdir(), name);
    return p;
}

/* The PNG at path, decoded by libpng into pixels (PIXELS bytes): it must be
 * 8-bit grey of SIDE x SIDE as written, not converted on the way in. */
static bool read_png(const char *path, uint8_t *pixels)
{
    size_t len = 0;
    unsigned char *raw = (unsigned char *)test_read_file(path, &len);
    /* IHDR right after the signature: width, height, bit depth 8, colour type 0 (grey). */
    static const unsigned char ihdr[] = {0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, SIDE, 0, 0, 0, SIDE, 8, 0};
    bool ok = raw && len > 8 + sizeof ihdr && png_sig_cmp(raw, 0, 8) == 0 && memcmp(raw + 8, ihdr, sizeof ihdr) == 0;
    CHECK(ok);
    png_image image = {.version = PNG_IMAGE_VERSION};
    if (ok && png_image_begin_read_from_memory(&image, raw, len)) {
        CHECK_INT(image.width, SIDE);
        CHECK_INT(image.height, SIDE);
        CHECK_INT(image.format, PNG_FORMAT_GRAY);
        image.format = PNG_FORMAT_GRAY;
        ok = image.width == SIDE && image.height == SIDE &&
             png_image_finish_read(&image, NULL, pixels, SIDE, NULL) != 0;
        CHECK(ok);
    } else {
        ok = false;
        test_fail(__FILE__, __LINE__, "libpng cannot read %s: %s", path, image.message);
    }
    png_image_free(&image);
    free(raw);
    return ok;
}

/* ---- A small XML checker: enough to say the SVG is well-formed ----------- */

static bool xml_name(const char **p)
{
    const char *s = *p;
    while (**p && (isalnum((unsigned char)**p) || strchr(":-_.", **p)))
        (*p)++;
    return *p > s;
}

/* Text or an attribute value up to `stop`: no '<', and '&' only in an entity. */
static bool xml_text(const char **p, char stop)
{
    for (; **p && **p != stop; (*p)++) {
        if (**p == '<' && stop != '<')
            return false;
        if (**p == '&') {
            static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            bool known = false;
            for (int i = 0; i < 5; i++)
                known |= strncmp(*p, entities[i], strlen(entities[i])) == 0;
            if (!known)
                return false;
        }
    }
    return true;
}

/* One root element, every tag closed in order, attributes quoted, text escaped. */
static bool xml_well_formed(const char *p)
{
    char stack[32][64];
    int depth = 0, roots = 0;
    if (strncmp(p, "<?xml ", 6) == 0) {
        p = strstr(p, "?>");
        if (!p)
            return false;
        p += 2;
    }
    while (*p) {
        if (*p != '<') {
            const char *start = p;
            if (!xml_text(&p, '<') || (depth == 0 && strspn(start, " \n") < (size_t)(p - start)))
                return false; /* only blanks outside the root */
            continue;
        }
        p++;
        bool closing = *p == '/';
        p += closing;
        const char *name = p;
        if (!xml_name(&p))
            return false;
        size_t n = (size_t)(p - name);
        if (closing) {
            if (depth == 0 || strlen(stack[depth - 1]) != n || strncmp(stack[depth - 1], name, n) != 0 || *p != '>')
                return false;
            depth--;
            p++;
            continue;
        }
        for (;;) {
            while (*p == ' ' || *p == '\n')
                p++;
            if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                break;
            if (!xml_name(&p) || *p++ != '=' || *p++ != '"' || !xml_text(&p, '"') || *p++ != '"')
                return false;
        }
        if (depth == 0 && roots++ > 0)
            return false;
        if (*p == '/') {
            p += 2;
            continue;
        }
        if (depth == 32 || n >= 64)
            return false;
        snprintf(stack[depth++], 64, "%.*s", (int)n, name);
        p++;
    }
    return depth == 0 && roots == 1;
}

/* The bars of a histogram SVG; returns how many. */
static int svg_bars(const char *svg, int *from, int *to, long long *count, int cap)
{
    int n = 0;
    for (const char *p = svg; (p = strstr(p, "<rect class=\"bar\"")) != NULL && n < cap; p++, n++)
        if (sscanf(p, "<rect class=\"bar\" data-from=\"%d\" data-to=\"%d\" data-count=\"%lld\"", &from[n], &to[n],
                   &count[n]) != 3)
            test_fail(__FILE__, __LINE__, "cannot read bar %d: %.80s", n, p);
    return n;
}

/* The SVG's bars are `bins` equal bins over [0, 255], the last closed
 * (numpy.histogram's edges, in floating point here), counting pixels. */
static void check_histogram(const char *svg_path, const uint8_t *pixels, int bins)
{
    char *svg = test_read_file(svg_path, NULL);
    CHECK(svg != NULL);
    if (!svg)
        return;
    CHECK(xml_well_formed(svg));
    static int from[300], to[300];
    static long long count[300];
    CHECK_INT(svg_bars(svg, from, to, count, 300), bins);
    long long total = 0;
    for (int k = 0; k < bins; k++) {
        double lo = 255.0 * k / bins, hi = 255.0 * (k + 1) / bins;
        long long want = 0;
        int first = -1, last = -1;
        for (int v = 0; v < 256; v++) {
            bool in = v >= lo && (v < hi || k == bins - 1);
            if (in && first < 0)
                first = v;
            if (in)
                last = v;
        }
        for (int i = 0; i < PIXELS; i++)
            want += pixels[i] >= lo && (pixels[i] < hi || k == bins - 1);
        CHECK_INT(count[k], want);
        CHECK_INT(from[k], first);
        CHECK_INT(to[k], last);
        total += count[k];
    }
    CHECK_INT(total, PIXELS);
    CHECK_CONTAINS(svg, ">pixel value</text>");
    CHECK_CONTAINS(svg, ">count</text>");
    free(svg);
}

/* ---- tests --------------------------------------------------------------- */

static void show_png_is_the_images_pixels(void)
{
    const char *images = write_images("digits.idx", N, SIDE, SIDE, NULL);
    const char *labels = write_labels("digits-labels.idx", N);
    static char out[1 << 14], args[2048];
    snprintf(args, sizeof args, "'%s' --labels '%s' --index 2", images, labels);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "digits.idx: image 2, 28x28, label 9 (labels: ");
    CHECK_CONTAINS(out, "png:       ");
    uint8_t got[PIXELS];
    if (!read_png(out_path("digits-2.png"), got))
        return;
    int bad = 0;
    for (int k = 0; k < PIXELS; k++)
        bad += got[k] != pixel_at(2, k);
    CHECK_INT(bad, 0);
}

/* A real digit, its labels found beside it by the MNIST names, read with
 * the project's IDX reader for the comparison. */
static void show_mnist_digit_with_its_label(void)
{
    char images[1200], labels[1200], args[2600];
    snprintf(images, sizeof images, "%s/t10k-images-idx3-ubyte.gz", test_mnist_dir());
    snprintf(labels, sizeof labels, "%s/t10k-labels-idx1-ubyte.gz", test_mnist_dir());
    clmlp_dataset ds = {0};
    clmlp_err err = {0};
    CHECK_INT(clmlp_idx_load_first(images, labels, 8, &ds, &err), 0);
    if (ds.count != 8)
        return;
    static char out[1 << 14], want[200];
    snprintf(args, sizeof args, "'%s' --index 7", images);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    snprintf(want, sizeof want, "t10k-images-idx3-ubyte.gz: image 7, 28x28, label %d (labels: ", ds.labels[7]);
    CHECK_CONTAINS(out, want);
    CHECK_CONTAINS(out, "t10k-labels-idx1-ubyte.gz)\n");
    uint8_t got[PIXELS];
    if (read_png(out_path("t10k-images-idx3-ubyte-7.png"), got))
        CHECK(memcmp(got, ds.pixels + 7 * PIXELS, PIXELS) == 0);
    check_histogram(out_path("t10k-images-idx3-ubyte-7-histogram.svg"), ds.pixels + 7 * PIXELS, 10);
    clmlp_dataset_free(&ds);
}

static void show_histogram_svg_counts_the_pixels(void)
{
    const char *images = write_images("digits.idx", N, SIDE, SIDE, NULL);
    uint8_t pixels[PIXELS];
    for (int k = 0; k < PIXELS; k++)
        pixels[k] = pixel_at(1, k);
    static const int bins[] = {10, 256, 1, 7};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(bins); i++) {
        static char out[1 << 14], args[2048], name[64];
        snprintf(args, sizeof args, "'%s' --index 1 --bins %d --force", images, bins[i]);
        CHECK_INT(run_show(args, out, sizeof out), 0);
        check_histogram(out_path("digits-1-histogram.svg"), pixels, bins[i]);
        snprintf(name, sizeof name, "(%d bins)", bins[i]);
        CHECK_CONTAINS(out, name);
    }
    char *svg = test_read_file(out_path("digits-1-histogram.svg"), NULL);
    CHECK_CONTAINS(svg, "<title>digits.idx: image 1, no label</title>");
    free(svg);

    /* A title that needs escaping stays well-formed. */
    clmlp_plot_image img = {.pixels = pixels, .rows = SIDE, .cols = SIDE, .title = "a&b <c> \"d\"\x01"};
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CHECK_INT(clmlp_plot_write_histogram_svg(mem, &img, 10), 0);
    fclose(mem);
    CHECK(xml_well_formed(text));
    CHECK_CONTAINS(text, "<title>a&amp;b &lt;c&gt; &quot;d&quot;?</title>");
    /* and the checker does catch what is not */
    CHECK(!xml_well_formed("<svg><g></svg></g>"));
    CHECK(!xml_well_formed("<svg><title>a & b</title></svg>"));
    CHECK(!xml_well_formed("<svg x=1></svg>"));
    free(text);
}

static void show_terminal_draws_half_blocks(void)
{
    static const uint8_t tiny[5 * 6] = {
        255, 0,   255, 0,   200, 0,   /* */
        255, 255, 0,   0,   127, 128, /* */
        0,   128, 10,  255, 0,   0,   /* */
        0,   0,   255, 255, 0,   0,   /* */
        255, 0,   0,   130, 0,   90,  /* the odd last row: black below it */
    };
    const char *images = write_images("tiny.idx", 1, 5, 6, tiny);
    static char out[1 << 14], args[2048];
    snprintf(args, sizeof args, "'%s'", images);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "tiny.idx: image 0, 5x6, no label (no labels file; --labels FILE)\n"
                        "┌──────┐\n"
                        "│█▄▀ ▀▄│\n"
                        "│ ▀▄█  │\n"
                        "│▀  ▀  │\n"
                        "└──────┘\n"
                        "pixels:    30, 15 of them 0, mean 95.1, max 255\n");
    CHECK(strchr(out, '\x1b') == NULL); /* not a terminal: no colour */

    /* With colour: every cell an upper half block, 256-colour greys top (foreground) over bottom (background). */
    static const uint8_t grey[4] = {255, 0, 0, 128};
    clmlp_plot_image img = {.pixels = grey, .rows = 2, .cols = 2, .title = "t"};
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CHECK_INT(clmlp_plot_write_terminal(mem, &img, true), 0);
    fclose(mem);
    CHECK_STR(text, "┌──┐\n│\x1b[38;5;231;48;5;16m▀\x1b[38;5;16;48;5;244m▀\x1b[0m│\n└──┘\n");
    free(text);
}

static void show_binarize_is_black_and_white(void)
{
    const char *images = write_images("digits.idx", N, SIDE, SIDE, NULL);
    static char out[1 << 14], args[2048];
    snprintf(args, sizeof args, "'%s' --index 3 --binarize", images);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "digits.idx: image 3, 28x28, no label (no labels file; --labels FILE), binarized");
    uint8_t got[PIXELS], want[PIXELS];
    if (!read_png(out_path("digits-3-binarized.png"), got))
        return;
    int bad = 0, black = 0;
    for (int k = 0; k < PIXELS; k++) {
        want[k] = pixel_at(3, k) > 0 ? 255 : 0; /* the seed's test_images[test_images>0]=1 */
        bad += got[k] != want[k];
        black += got[k] == 0;
    }
    CHECK_INT(bad, 0);
    CHECK(black > 0 && black < PIXELS);
    check_histogram(out_path("digits-3-binarized-histogram.svg"), want, 10);
}

static void show_kaggle_csv_with_and_without_labels(void)
{
    const char *train = write_csv("train.csv", true), *test = write_csv("test.csv", false);
    static char out[1 << 14], args[2048];
    snprintf(args, sizeof args, "'%s' --index 1", train);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "train.csv: image 1, 28x28, label 8\n");
    uint8_t got[PIXELS];
    if (read_png(out_path("train-1.png"), got))
        for (int k = 0; k < PIXELS; k++)
            CHECK_INT(got[k], pixel_at(1, k));
    snprintf(args, sizeof args, "'%s' --index 3", test);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    CHECK_CONTAINS(out, "test.csv: image 3, 28x28, no label\n");
    if (read_png(out_path("test-3.png"), got))
        for (int k = 0; k < PIXELS; k++)
            CHECK_INT(got[k], pixel_at(3, k));
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Runs show, which must fail with exit code `code` and one line holding `fragment`. */
static void check_error(const char *args, int code, const char *fragment)
{
    static char out[1 << 14];
    CHECK_INT(run_show(args, out, sizeof out), code);
    CHECK_INT(count_lines(out), 1);
    CHECK(strncmp(out, "clmlp: ", 7) == 0);
    CHECK_CONTAINS(out, fragment);
}

static void show_errors_are_one_line(void)
{
    const char *images = write_images("digits.idx", N, SIDE, SIDE, NULL);
    char args[2048], want[1200], missing[1024];
    snprintf(args, sizeof args, "'%s' --index 4", images);
    snprintf(want, sizeof want, "digits.idx: index 4 out of range: the file holds 4 images (0..3)\n");
    check_error(args, 2, want);
    snprintf(missing, sizeof missing, "%s/nothing.idx.gz", test_tmpdir());
    snprintf(args, sizeof args, "'%s'", missing);
    snprintf(want, sizeof want, "clmlp: %s: cannot open: No such file or directory\n", missing);
    check_error(args, 3, want);
    struct stat st;
    CHECK(stat(out_path(""), &st) != 0); /* the folder made for the outputs went again */

    snprintf(args, sizeof args, "'%s' --index x", images);
    check_error(args, 2, "show: --index 'x': expected a whole number from 0 to 4294967294");
    snprintf(args, sizeof args, "'%s' --bins 257", images);
    check_error(args, 2, "show: --bins '257': expected a whole number from 1 to 256");
    snprintf(args, sizeof args, "'%s' --labels '%s'", write_csv("train.csv", true), images);
    check_error(args, 2, "--labels is for IDX images");
    snprintf(args, sizeof args, "'%s'", test_write_file("notes.txt", "hello\n", 6));
    check_error(args, 3, "notes.txt: neither IDX images nor a Kaggle CSV");
    check_error("", 2, "show: missing DATA");

    /* An output folder that cannot be: under a file. */
    static char out[1 << 14];
    snprintf(args, sizeof args, "show '%s' --out '%s/sub'", images, images);
    CHECK_INT(test_run_clmlp(args, out, sizeof out), 1);
    CHECK_INT(count_lines(out), 1);
    CHECK_CONTAINS(out, "Not a directory");

    /* An existing output is refused before anything is written; --force replaces it. */
    snprintf(args, sizeof args, "'%s' --index 0", images);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    const char *png = out_path("digits-0.png");
    test_write_file("out/digits-0.png", "old", 3);
    snprintf(want, sizeof want, "clmlp: '%s' exists (--force replaces it)\n", png);
    check_error(args, 2, want);
    size_t len = 0;
    free(test_read_file(png, &len));
    CHECK_INT(len, 3);
    snprintf(args, sizeof args, "'%s' --index 0 --force", images);
    CHECK_INT(run_show(args, out, sizeof out), 0);
    uint8_t got[PIXELS];
    CHECK(read_png(png, got));
}

/* The source a file name gives: format by content, labels by header or by
 * the MNIST names. */
static void show_detects_the_data_source(void)
{
    clmlp_data_source src;
    clmlp_err err = {0};
    const char *images = write_images("set-images-idx3-ubyte", N, SIDE, SIDE, NULL);
    CHECK_INT(clmlp_data_source_detect(images, NULL, &src, &err), 0);
    CHECK_INT(src.format, CLMLP_FORMAT_IDX);
    CHECK_STR(src.labels, ""); /* none beside it yet */
    const char *labels = write_labels("set-labels-idx1-ubyte", N);
    CHECK_INT(clmlp_data_source_detect(images, NULL, &src, &err), 0);
    CHECK_STR(src.images, images);
    CHECK_STR(src.labels, labels);
    CHECK_INT(clmlp_data_source_detect(images, "mine.idx", &src, &err), 0);
    CHECK_STR(src.labels, "mine.idx");

    CHECK_INT(clmlp_data_source_detect(write_csv("train.csv", true), NULL, &src, &err), 0);
    CHECK_INT(src.format, CLMLP_FORMAT_CSV);
    CHECK(src.has_labels);
    CHECK_INT(clmlp_data_source_detect(test_write_file("t.csv", "\xEF\xBB\xBFpixel0,pixel1\n", 17), NULL, &src, &err),
              0);
    CHECK_INT(src.format, CLMLP_FORMAT_CSV);
    CHECK(!src.has_labels);
    CHECK_INT(clmlp_data_source_detect(test_write_file("empty", "", 0), NULL, &src, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DATA);
    CHECK_CONTAINS(err.msg, "empty: empty file, expected IDX images or a Kaggle CSV");
}

const test_case show_tests[] = {
    {"png_is_the_images_pixels", show_png_is_the_images_pixels, false},
    {"mnist_digit_with_its_label", show_mnist_digit_with_its_label, false},
    {"histogram_svg_counts_the_pixels", show_histogram_svg_counts_the_pixels, false},
    {"terminal_draws_half_blocks", show_terminal_draws_half_blocks, false},
    {"binarize_is_black_and_white", show_binarize_is_black_and_white, false},
    {"kaggle_csv_with_and_without_labels", show_kaggle_csv_with_and_without_labels, false},
    {"errors_are_one_line", show_errors_are_one_line, false},
    {"detects_the_data_source", show_detects_the_data_source, false},
    {NULL, NULL, false},
};
