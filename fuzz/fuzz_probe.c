/* The probe's cache record (clmlp_probe_parse): a record that parses
 * formats (clmlp_probe_format) to text that parses again and formats to the
 * same text. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clmlp/probe.h"

/* The record's text (malloc'ed); *len gets its length. */
static char *format(const clmlp_probe *p, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (!out || clmlp_probe_format(out, p) < 0 || fclose(out) != 0)
        fuzz_fail("cannot format a probe record");
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clmlp_probe p;
    char why[256];
    if (clmlp_probe_parse((const char *)data, size, &p, why, sizeof why) < 0)
        return 0;
    size_t len, len2;
    char *text = format(&p, &len);
    if (clmlp_probe_parse(text, len, &p, why, sizeof why) < 0)
        fuzz_fail("a formatted record does not parse (%s):\n%s", why, text);
    char *again = format(&p, &len2);
    if (strcmp(text, again) != 0)
        fuzz_fail("formatting a parsed record changed it:\n%s\nbecame\n%s", text, again);
    free(text);
    free(again);
    return 0;
}
