/* report.json as `clmlp report RUN_DIR` reads it: parsed
 * (clmlp_json_parse), its probe read back (clmlp_report_read_probe) and,
 * when clmlp_report_md_check accepts the tree, escaped
 * (clmlp_report_md_escape) and rendered as report.md and report.html (the
 * input itself standing in for trace.json when its size is odd, so the
 * timeline reads arbitrary trees too). JSON text has no NUL
 * byte (not even in a string, where controls are escaped), so an input with
 * one must not parse; after escaping, no string holds a control character. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "clmlp/probe.h"
#include "clmlp/report.h"

static void check_escaped(const clmlp_jv *v)
{
    for (const char *c = v->kind == CLMLP_JV_STRING ? v->string : ""; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            fuzz_fail("control character 0x%02x left in \"%s\" after escaping", (unsigned char)*c, v->string);
    for (size_t i = 0; (v->kind == CLMLP_JV_ARRAY || v->kind == CLMLP_JV_OBJECT) && i < v->count; i++)
        check_escaped(&v->items[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        fuzz_fail("cannot open /dev/null");
    clmlp_jv *report;
    clmlp_err err;
    if (clmlp_json_parse((const char *)data, size, &report, &err) < 0)
        return 0;
    if (memchr(data, '\0', size))
        fuzz_fail("JSON text with a NUL byte parsed");
    clmlp_probe probe;
    clmlp_report_read_probe(clmlp_jv_path(report, "device.probe"), &probe);
    if (clmlp_report_md_check(report, &err) == 0) {
        clmlp_report_md_escape(report);
        check_escaped(report);
        /* With and without trace.json in the run directory: the input's parity picks. */
        clmlp_report_md md = {report, size % 2 == 1};
        if (clmlp_report_write_md(devnull, &md) < 0)
            fuzz_fail("report.md could not be written");
        clmlp_report_html html = {report, size % 2 == 1 ? report : NULL};
        if (clmlp_report_write_html(devnull, &html) < 0)
            fuzz_fail("report.html could not be written");
    }
    clmlp_jv_free(report);
    return 0;
}
