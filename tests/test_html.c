/* report.html and compare.html: the SVG's marks checked against the JSON
 * they were drawn from (each position computed here from the figures and
 * the chart's own axis), pages that fetch nothing, strings escaped, and
 * both pages loaded in headless Chromium: no script error, a screenshot
 * that is not blank. */
#define _GNU_SOURCE /* open_memstream */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/json_parse.h"
#include "clmlp/report.h"
#include "clmlp/svg.h"
#include "harness.h"

static double num(const clmlp_jv *v, const char *path) { return clmlp_jv_number(clmlp_jv_path(v, path), NAN); }
static const char *str(const clmlp_jv *v, const char *path) { return clmlp_jv_string(clmlp_jv_path(v, path), ""); }

static char *read_in(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = test_read_file(path, NULL);
    if (!text)
        test_fail(__FILE__, __LINE__, "%s was not written", path);
    return text;
}

/* The value of attribute `name` in the element starting at tag, or NAN. */
static double attr(const char *tag, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(tag, '>'), *at = strstr(tag, key);
    return at && end && at < end ? strtod(at + strlen(key), NULL) : NAN;
}

/* The axis written on the chart whose id is `id`: "data-x-axis" or "data-y-axis". */
static bool chart_axis(const char *html, const char *id, const char *which, clmlp_svg_axis *a)
{
    char key[96], scale[16];
    snprintf(key, sizeof key, "<svg class=\"chart\" id=\"%s\"", id);
    const char *chart = strstr(html, key);
    snprintf(key, sizeof key, "%s=\"", which);
    const char *at = chart ? strstr(chart, key) : NULL;
    if (!at || sscanf(at + strlen(key), "%15s %lf %lf %lf %lf", scale, &a->lo, &a->hi, &a->from, &a->to) != 5) {
        test_fail(__FILE__, __LINE__, "chart %s has no %s", id, which);
        return false;
    }
    a->scale = strcmp(scale, "log") == 0 ? CLMLP_SVG_LOG : strcmp(scale, "linear") == 0 ? CLMLP_SVG_LINEAR
                                                                                          : CLMLP_SVG_CATEGORY;
    return true;
}

/* Pixel of v, computed here (not with clmlp_svg_pos): log10 or linear. */
static double map(const clmlp_svg_axis *a, double v)
{
    double t = a->scale == CLMLP_SVG_LOG ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
                                         : (v - a->lo) / (a->hi - a->lo);
    return a->from + t * (a->to - a->from);
}

/* Nothing is fetched: no URL, no external script, style sheet, font, image or frame. */
static void check_self_contained(const char *html)
{
    static const char *const banned[] = {"http:", "https:", "//", " src=", "url(", "@import", "<link", "<img",
                                         "<iframe", "<object", "<embed", "xlink:href"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (html && strstr(html, banned[i]))
            test_fail(__FILE__, __LINE__, "the page refers outside itself: \"%s\"", banned[i]);
    CHECK(html && strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
    CHECK(html && strstr(html, "</html>\n") && strcmp(strstr(html, "</html>\n"), "</html>\n") == 0);
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* ---- the chart module ---- */

static void svg_axes_map_and_text_is_escaped(void)
{
    clmlp_svg_axis a;
    clmlp_svg_axis_fit(&a, CLMLP_SVG_LOG, 0.45, 36.3, 70, 740);
    CHECK_NEAR(a.lo, 0.1, 1e-12);
    CHECK_NEAR(a.hi, 100, 1e-9);
    CHECK_NEAR(clmlp_svg_pos(&a, 1), 70 + 670.0 / 3, 1e-9);
    CHECK_NEAR(clmlp_svg_pos(&a, 10), 70 + 2 * 670.0 / 3, 1e-9);
    clmlp_svg_axis_fit(&a, CLMLP_SVG_LINEAR, 0, 2293, 100, 10);
    CHECK_NEAR(a.lo, 0, 0);
    CHECK_NEAR(a.hi, 2500, 1e-9); /* 500-steps: 5 intervals */
    CHECK_NEAR(clmlp_svg_pos(&a, 1250), 55, 1e-9);
    char buf[32];
    clmlp_svg_number(15000, buf, sizeof buf);
    CHECK_STR(buf, "15k");
    clmlp_svg_number(0.001, buf, sizeof buf);
    CHECK_STR(buf, "0.001");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    clmlp_svg_text(mem, 1, 2, "", "<script>a&b\"c'd\x1b");
    fclose(mem);
    CHECK_STR(text, "<text x=\"1.0\" y=\"2.0\">&lt;script&gt;a&amp;b&quot;c&#39;d?</text>\n");
    free(text);
}

/* ---- report.html from a real run ---- */

/* clmlp with args (one %s: the output folder <tmp>/<sub>, into dir): exit 0, else its output shown. */
static bool run_into(char *dir, size_t cap, const char *sub, const char *args)
{
    static char out[400000];
    char cmd[1024 + 1200];
    test_mnist_dir();
    snprintf(dir, cap, "%s/%s", test_tmpdir(), sub);
    snprintf(cmd, sizeof cmd, args, dir);
    int rc = test_run_clmlp(cmd, out, sizeof out);
    CHECK_INT(rc, 0);
    if (rc != 0)
        fprintf(stderr, "%s\n", out);
    return rc == 0;
}

/* tiny-mnist for an epoch, tracing 5 steps. */
static bool traced_run(char *dir, size_t cap)
{
    return run_into(dir, cap, "run",
                    "train configs/tiny-mnist.yaml --set training.epochs=1 --set profile.trace_steps=5 --out '%s'");
}

/* Every training kernel is a point at (FLOPs ÷ bytes, FLOPs ÷ mean time) on
 * the roofline's log-log axes; the step's bars add up to its kernels' times. */
static void check_report_geometry(const char *html, const clmlp_jv *r)
{
    const clmlp_jv *ks = clmlp_jv_get(r, "kernels");
    const clmlp_jv *train[64];
    int n = 0;
    for (size_t i = 0; ks && i < ks->count && n < 64; i++)
        if (strcmp(str(&ks->items[i], "phase"), "train") == 0)
            train[n++] = &ks->items[i];
    CHECK_INT(n, (int)num(r, "plan.launches_per_step"));
    clmlp_svg_axis x, y;
    if (!chart_axis(html, "roofline", "data-x-axis", &x) || !chart_axis(html, "roofline", "data-y-axis", &y))
        return;
    CHECK(x.scale == CLMLP_SVG_LOG && y.scale == CLMLP_SVG_LOG);
    int points = 0;
    for (const char *p = html; (p = strstr(p, "<circle class=\"kernel\"")); p++, points++) {
        int i = (int)attr(p, "data-index") - 1;
        CHECK(i >= 0 && i < n);
        if (i < 0 || i >= n)
            continue;
        double f = num(train[i], "flops_per_call"), b = num(train[i], "bytes_per_call");
        double gflops = f / (num(train[i], "device_ms_mean") * 1e6);
        CHECK(x.lo <= f / b && f / b <= x.hi && y.lo <= gflops && gflops <= y.hi);
        CHECK_NEAR(attr(p, "cx"), map(&x, f / b), 0.01);
        CHECK_NEAR(attr(p, "cy"), map(&y, gflops), 0.01 + 1e-6 * fabs(y.to - y.from));
    }
    int drawable = 0;
    for (int i = 0; i < n; i++)
        drawable += num(train[i], "flops_per_call") > 0 && num(train[i], "bytes_per_call") > 0;
    CHECK(drawable >= 3);
    CHECK_INT(points, drawable);
    /* the GEMM roof at the probe's peak, and one line per bandwidth level */
    const char *roof = strstr(html, "<path class=\"roof gemm\"");
    CHECK(roof != NULL);
    if (roof)
        CHECK_NEAR(attr(roof, "data-gflops"), num(r, "device.probe.gemm_gflops"), 1e-9);
    const clmlp_jv *bw = clmlp_jv_path(r, "device.probe.bandwidth");
    CHECK_INT(count_of(html, "<path class=\"roof bw\""), bw ? (int)bw->count : -1);

    /* the step: segments in launch order, widths from the kernels' mean times */
    clmlp_svg_axis sx;
    if (!chart_axis(html, "step", "data-x-axis", &sx))
        return;
    double at = 0, sum_width = 0;
    int segs = 0;
    for (const char *p = html; (p = strstr(p, "<rect class=\"seg\"")); p++, segs++) {
        int i = (int)attr(p, "data-index") - 1;
        CHECK_INT(i, segs);
        if (i < 0 || i >= n)
            continue;
        double us = 1e3 * num(train[i], "device_ms_mean");
        CHECK_NEAR(attr(p, "x"), map(&sx, at), 0.01);
        CHECK_NEAR(attr(p, "width"), map(&sx, at + us) - map(&sx, at), 0.01);
        sum_width += attr(p, "width");
        at += us;
    }
    CHECK_INT(segs, n);
    CHECK_NEAR(sum_width, map(&sx, at) - sx.from, 0.05);
    const char *wall = strstr(html, "<rect class=\"wall\"");
    CHECK(wall != NULL);
    if (wall)
        CHECK_NEAR(attr(wall, "data-us"), 1e6 * num(r, "config.batch_size") / num(r, "train.images_per_second"), 1e-6);
    /* the timeline: three traced steps of the plan's launches, and a span per traced step */
    CHECK_INT(count_of(html, "<rect class=\"event\""), 3 * n);
    CHECK_INT(count_of(html, "<rect class=\"span\""), (int)num(r, "profile.trace_steps"));
    /* a cell per class pair, and an epoch bar per epoch */
    const clmlp_jv *conf = clmlp_jv_path(r, "eval.confusion");
    CHECK_INT(count_of(html, "<title>true "), conf ? (int)(conf->count * conf->count) : -1);
    CHECK_INT(count_of(html, "<rect class=\"epoch\""), (int)clmlp_jv_path(r, "train.epochs")->count);
}

static void report_html_draws_report_json(void)
{
    static char out[8192];
    char dir[1024];
    if (!traced_run(dir, sizeof dir))
        return;
    clmlp_jv *r = test_parse_json_file(dir, "report.json");
    char *html = read_in(dir, "report.html");
    if (r && html) {
        check_self_contained(html);
        check_report_geometry(html, r);
        CHECK_CONTAINS(html, "<a href=\"trace.json\">trace.json</a>");
    }
    /* `clmlp report` draws the same page again */
    char path[1200];
    snprintf(path, sizeof path, "%s/report.html", dir);
    unlink(path);
    CHECK_INT(test_run_clmlpf(out, sizeof out, "report '%s'", dir), 0);
    char *again = read_in(dir, "report.html");
    CHECK(html && again && strcmp(html, again) == 0);
    free(again);
    again = NULL;
    /* names from report.json are escaped: a hostile one stays text */
    char *json = read_in(dir, "report.json");
    const char *name = json ? strstr(json, "\"name\": \"tiny-mnist\"") : NULL;
    CHECK(name != NULL);
    if (name) {
        char *edited = malloc(strlen(json) + 128);
        sprintf(edited, "%.*s\"name\": \"<script>alert('x')</script>&\"%s", (int)(name - json), json,
                name + strlen("\"name\": \"tiny-mnist\""));
        snprintf(path, sizeof path, "%s/report.json", dir);
        FILE *f = fopen(path, "w");
        fputs(edited, f);
        fclose(f);
        free(edited);
        CHECK_INT(test_run_clmlpf(out, sizeof out, "report '%s'", dir), 0);
        again = read_in(dir, "report.html");
        CHECK(again && strstr(again, "<script>alert") == NULL);
        CHECK_CONTAINS(again, "clmlp run: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</title>");
        free(again);
    }
    free(json);
    free(html);
    clmlp_jv_free(r);
}

/* ---- compare.html from a two-device compare ---- */

static bool two_device_compare(char *dir, size_t cap)
{
    setenv("POCL_DEVICES", "pthread basic", 1);
    return run_into(dir, cap, "cmp",
                    "compare configs/tiny-mnist.yaml --devices name=pthread,name=basic --set training.epochs=1 "
                    "--set compare.rounds=2 --out '%s'");
}

static void check_compare_geometry(const char *html, const clmlp_jv *c)
{
    const clmlp_jv *devs = clmlp_jv_get(c, "devices");
    CHECK(devs && devs->count == 2);
    clmlp_svg_axis x;
    if (!devs || !chart_axis(html, "throughput", "data-x-axis", &x))
        return;
    int bars = 0;
    for (const char *p = html; (p = strstr(p, "<rect class=\"ips\"")); p++, bars++) {
        int i = (int)attr(p, "data-device");
        if (i < 0 || i >= (int)devs->count)
            continue;
        const clmlp_jv *d = &devs->items[i];
        double ips = num(d, "train.images_per_second");
        CHECK_NEAR(attr(p, "width"), map(&x, ips) - x.from, 0.01);
        const char *range = strstr(p, "<path class=\"range\"");
        double images = num(d, "train.steps_per_epoch") * num(c, "batch_size");
        CHECK(range != NULL);
        if (range) {
            CHECK_NEAR(attr(range, "data-lo"), images / num(d, "train.seconds_per_epoch_max"), 1e-6 * ips);
            CHECK_NEAR(attr(range, "data-hi"), images / num(d, "train.seconds_per_epoch_min"), 1e-6 * ips);
            CHECK(attr(range, "data-lo") <= ips * (1 + 1e-9) && ips <= attr(range, "data-hi") * (1 + 1e-9));
        }
    }
    CHECK_INT(bars, 2);
    /* the chain: the seed's 14×, 768×, 10 752× at their place on the log axis */
    if (!chart_axis(html, "chain", "data-x-axis", &x))
        return;
    CHECK(x.scale == CLMLP_SVG_LOG);
    static const double seed[] = {14, 768, 10752};
    const char *p = html;
    for (int k = 0; k < 3; k++) {
        p = strstr(p, "<path class=\"seed\"");
        CHECK(p != NULL);
        if (!p)
            return;
        CHECK_NEAR(attr(p, "data-factor"), seed[k], 0);
        const char *d = strstr(p, " d=\"M");
        CHECK(d && fabs(strtod(d + 5, NULL) - map(&x, seed[k])) < 0.01);
        p++;
    }
    /* measured: the cpu -> cpu link's factor */
    const clmlp_jv *link = clmlp_jv_get(c, "chain");
    const char *m = strstr(html, "<circle class=\"measured\"");
    CHECK(m && link && link->count > 0);
    if (m && link && link->count > 0)
        CHECK_NEAR(attr(m, "cx"), map(&x, num(&link->items[0], "measured.factor")), 0.01);
    int modeled = 0;
    for (size_t i = 0; link && i < link->count; i++)
        modeled += (int)clmlp_jv_path(&link->items[i], "modeled")->count;
    CHECK_INT(count_of(html, "<rect class=\"modeled\""), modeled);
    /* the extrapolation: a bar per row, its length the row's device-hours */
    const clmlp_jv *rows = clmlp_jv_path(c, "extrapolation.rows");
    if (!rows || !chart_axis(html, "hours", "data-x-axis", &x))
        return;
    int i = 0;
    for (p = html; (p = strstr(p, "<rect class=\"hours\"")); p++, i++)
        if (i < (int)rows->count)
            CHECK_NEAR(attr(p, "width"), map(&x, num(&rows->items[i], "total_device_hours")) - x.from, 0.01);
    CHECK_INT(i, (int)rows->count);
    /* predicted vs measured: each device's measured step */
    if (!chart_axis(html, "predicted", "data-x-axis", &x))
        return;
    for (p = html; (p = strstr(p, "<rect class=\"step\"")); p++)
        if (attr(p, "data-what") == 0) {
            int d = (int)attr(p, "data-device");
            CHECK_NEAR(attr(p, "data-us"), 1e6 * num(&devs->items[d], "train.seconds_per_step"), 1e-6);
            CHECK_NEAR(attr(p, "width"), map(&x, attr(p, "data-us")) - x.from, 0.01);
        }
}

static void compare_html_draws_compare_json(void)
{
    char dir[1024];
    if (!two_device_compare(dir, sizeof dir))
        return;
    clmlp_jv *c = test_parse_json_file(dir, "compare.json");
    char *html = read_in(dir, "compare.html");
    if (c && html) {
        check_self_contained(html);
        check_compare_geometry(html, c);
    }
    free(html);
    clmlp_jv_free(c);
}

/* ---- report.html of an SVM run, from a report.json written by hand ---- */

static const char svm_report[] =
    "{\"clmlp_report_version\": \"1\", \"name\": \"svm<x>\", \"status\": \"ok\",\n"
    " \"device\": {\"name\": \"dev\", \"type\": \"cpu\", \"platform\": \"p\", \"probe\": null},\n"
    " \"config\": {\"name\": \"svm\", \"kind\": \"svm\", \"layers\": [784, 3], \"kernel\": \"rbf\", \"C\": 10,\n"
    "  \"gamma_setting\": \"scale\", \"tol\": 0.001, \"cache_mb\": 256, \"gemm\": \"auto\"},\n"
    " \"data\": {\"train_examples\": 600, \"test_examples\": 300, \"steps_per_epoch\": 0},\n"
    " \"plan\": {\"launches_per_step\": 0, \"flops_per_step\": 0, \"bytes_per_step\": 0},\n"
    " \"train\": {\"seconds\": 2.0, \"images_per_second\": 300, \"epochs\": []},\n"
    " \"eval\": {\"accuracy\": 0.92, \"examples\": 300, \"seconds\": 0.5, \"images_per_second\": 600,\n"
    "  \"confusion\": [[90, 5, 5], [4, 92, 4], [3, 3, 94]]},\n"
    " \"svm\": {\"kernel\": \"rbf\", \"C\": 10, \"gamma\": 0.0123, \"gamma_setting\": \"scale\", \"tol\": 0.001,\n"
    "  \"classes\": 3, \"pairs\": 3, \"support_vectors\": 60, \"support_vectors_per_class\": [20, 25, 15],\n"
    "  \"largest_problem\": 410, \"blocks\": 2, \"iterations\": 4321, \"kernel_rows_computed\": 987,\n"
    "  \"hit_max_iter\": 0, \"max_violation\": 0.0009, \"kernel_seconds\": 1.5, \"solver_seconds\": 0.5,\n"
    "  \"kernel_flops\": 3e9, \"kernel_gflops\": 2, \"predict_flops\": 1e9, \"cache_bytes\": 268435456},\n"
    " \"memory\": {\"host_peak_bytes\": 1e8, \"device_alloc_bytes\": 4e6}, \"phases\": [],\n"
    " \"profile\": {\"enabled\": true},\n"
    " \"kernels\": [{\"name\": \"svm_kernel_block\", \"label\": \"K\", \"phase\": \"train\", \"calls\": 2,\n"
    "  \"device_ms_total\": 1000, \"device_ms_mean\": 500, \"flops_per_call\": 1.5e9, \"bytes_per_call\": 1e8}],\n"
    " \"mpi\": null}\n";

/* The solver's time split and support vectors drawn at their values; no
 * step, timeline or loss chart, which an SVM does not have. */
static void svm_report_html_draws_the_solver(void)
{
    clmlp_jv *r = NULL;
    clmlp_err err = {0};
    CHECK_INT(clmlp_json_parse(svm_report, strlen(svm_report), &r, &err), 0);
    if (!r)
        return;
    CHECK_INT(clmlp_report_md_check(r, &err), 0);
    char *html = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&html, &len);
    clmlp_report_html ctx = {r, NULL};
    CHECK_INT(clmlp_report_write_html(mem, &ctx), 0);
    fclose(mem);
    check_self_contained(html);
    CHECK_CONTAINS(html, "<title>clmlp run: svm&lt;x&gt;</title>");
    CHECK_CONTAINS(html, "<b>Model</b>: SVM, rbf kernel, C 10, gamma 0.0123 (scale), one-vs-one over 3 classes: 60 "
                         "support vectors");
    CHECK_CONTAINS(html, "<h2>Roofline of the training kernels</h2>");
    CHECK_CONTAINS(html, "<h2>SVM: the solver</h2>");
    static const char *const absent[] = {"id=\"loss\"", "id=\"step\"", "id=\"timeline\"", "Loss and epoch times",
                                         "A training step's time", "<b>plan</b>"};
    for (size_t i = 0; html && i < CLMLP_ARRAY_LEN(absent); i++)
        if (strstr(html, absent[i]))
            test_fail(__FILE__, __LINE__, "an SVM's report.html has '%s'", absent[i]);
    /* the time split: kernel then solver, stacked from 0 on the chart's axis */
    clmlp_svg_axis x;
    const char *chart = html ? strstr(html, "id=\"svm-time\"") : NULL;
    CHECK(chart && chart_axis(html, "svm-time", "data-x-axis", &x));
    const double seconds[2] = {1.5, 0.5};
    const char *rect = chart;
    for (int i = 0, at = 0; chart && i < 2; i++) {
        rect = strstr(rect + 1, "<rect class=\"svm-part\"");
        CHECK(rect != NULL);
        if (!rect)
            break;
        CHECK_NEAR(attr(rect, "data-seconds"), seconds[i], 1e-12);
        CHECK_NEAR(attr(rect, "x"), map(&x, at ? 1.5 : 0), 0.01);
        CHECK_NEAR(attr(rect, "width"), map(&x, (at ? 1.5 : 0) + seconds[i]) - map(&x, at ? 1.5 : 0), 0.01);
        at = 1;
    }
    /* support vectors per class: three bars up from 0 */
    clmlp_svg_axis y;
    CHECK(html && chart_axis(html, "svm-support-vectors", "data-y-axis", &y));
    CHECK_INT(count_of(html, "<rect class=\"sv\""), 3);
    const char *bar = html ? strstr(html, "<rect class=\"sv\"") : NULL;
    for (int i = 0; bar && i < 3; i++, bar = strstr(bar + 1, "<rect class=\"sv\"")) {
        double v = (double[]){20, 25, 15}[i];
        CHECK_NEAR(attr(bar, "data-count"), v, 0);
        CHECK_NEAR(attr(bar, "y"), map(&y, v), 0.01);
        CHECK_NEAR(attr(bar, "height"), map(&y, 0) - map(&y, v), 0.01);
    }
    free(html);
    clmlp_jv_free(r);
}

/* ---- in a browser ---- */

static const char *chromium(void)
{
    static const char *const paths[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    return NULL;
}

/* The page with a hook ahead of everything: an uncaught error or a
 * console.error renames the document, which --dump-dom then shows. */
static bool write_hooked(const char *page, const char *copy)
{
    char *html = test_read_file(page, NULL);
    const char *head = html ? strstr(html, "<head>") : NULL;
    FILE *f = head ? fopen(copy, "w") : NULL;
    if (!f) {
        free(html);
        test_fail(__FILE__, __LINE__, "cannot copy %s", page);
        return false;
    }
    fprintf(f, "%.*s<head><script>window.onerror=function(m){document.title='JS-ERROR: '+m;};"
               "console.error=function(m){document.title='JS-ERROR: console.error: '+m;};</script>%s",
            (int)(head - html), html, head + strlen("<head>"));
    fclose(f);
    free(html);
    return true;
}

/* Loads copy in headless Chromium: its DOM after the scripts ran into dom,
 * a 1200 px wide screenshot into png. */
static bool load_page(const char *browser, const char *copy, const char *png, char *dom, size_t cap)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && HOME='%s' timeout 60 '%s' --headless --disable-gpu --no-sandbox --user-data-dir='%s/chrome' "
             "--window-size=1200,2400 --screenshot='%s' --dump-dom 'file://%s' 2>/dev/null",
             test_tmpdir(), test_tmpdir(), browser, test_tmpdir(), png, copy);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    size_t n = fread(dom, 1, cap - 1, p);
    dom[n] = '\0';
    return pclose(p) == 0;
}

/* A screenshot that shows something: decodes, 1200 px wide, and not one colour. */
static void check_screenshot(const char *png)
{
    png_image image = {.version = PNG_IMAGE_VERSION};
    CHECK(png_image_begin_read_from_file(&image, png) != 0);
    if (image.width == 0) {
        test_fail(__FILE__, __LINE__, "%s: not a PNG", png);
        return;
    }
    CHECK_INT(image.width, 1200);
    image.format = PNG_FORMAT_GRAY;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(image));
    CHECK(px && png_image_finish_read(&image, NULL, px, 0, NULL) != 0);
    size_t total = (size_t)image.width * image.height, dark = 0, levels = 0;
    bool seen[256] = {false};
    for (size_t i = 0; px && i < total; i++) {
        dark += px[i] < 128;
        levels += !seen[px[i]];
        seen[px[i]] = true;
    }
    CHECK(levels > 16);           /* text, lines, fills: many greys */
    CHECK(dark > total / 200);    /* at least half a percent drawn in ink */
    CHECK(dark < total / 2);      /* and no black page */
    free(px);
    png_image_free(&image);
}

static void check_in_browser(const char *browser, const char *page, const char *title)
{
    static char dom[4 << 20];
    char copy[1200], png[1200];
    snprintf(copy, sizeof copy, "%s.hooked.html", page);
    snprintf(png, sizeof png, "%s.png", page);
    if (!write_hooked(page, copy))
        return;
    CHECK(load_page(browser, copy, png, dom, sizeof dom));
    CHECK_CONTAINS(dom, title); /* the page loaded, and kept its title */
    if (strstr(dom, "<title>JS-ERROR"))
        test_fail(__FILE__, __LINE__, "%s: %.200s", page, strstr(dom, "<title>JS-ERROR"));
    check_screenshot(png);
}

static void pages_load_in_chromium_without_errors(void)
{
    const char *browser = chromium();
    if (!browser) {
        fprintf(stderr, "    note: no Chromium (/usr/bin/chromium): the browser check is SKIPPED "
                        "(tools/install-deps installs it)\n");
        return;
    }
    char run[1024], cmp[1024], page[1200];
    /* The hook itself: a page whose script throws is caught. */
    static char dom[1 << 16];
    static const char broken[] = "<!DOCTYPE html><html><head><title>t</title></head><body>"
                                 "<script>undefinedFunction();</script></body></html>";
    const char *bad = test_write_file("bad.html", broken, strlen(broken));
    char copy[1200], png[1200];
    snprintf(copy, sizeof copy, "%s.hooked.html", bad);
    snprintf(png, sizeof png, "%s.png", bad);
    CHECK(write_hooked(bad, copy) && load_page(browser, copy, png, dom, sizeof dom));
    CHECK_CONTAINS(dom, "<title>JS-ERROR: Uncaught ReferenceError: undefinedFunction is not defined</title>");
    if (traced_run(run, sizeof run)) {
        snprintf(page, sizeof page, "%s/report.html", run);
        check_in_browser(browser, page, "<title>clmlp run: tiny-mnist</title>");
    }
    if (two_device_compare(cmp, sizeof cmp)) {
        snprintf(page, sizeof page, "%s/compare.html", cmp);
        check_in_browser(browser, page, "<title>clmlp compare: tiny-mnist</title>");
    }
}

const test_case html_tests[] = {
    {"svg_axes_map_and_text_is_escaped", svg_axes_map_and_text_is_escaped, false},
    {"report_html_draws_report_json", report_html_draws_report_json, true},
    {"svm_report_html_draws_the_solver", svm_report_html_draws_the_solver, false},
    {"compare_html_draws_compare_json", compare_html_draws_compare_json, true},
    {"pages_load_in_chromium_without_errors", pages_load_in_chromium_without_errors, true},
    {NULL, NULL, false},
};
