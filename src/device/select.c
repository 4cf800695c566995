/* Device selection: a pure function from (descriptors, spec) to an index, so
 * it is tested with fake descriptors. When nothing fits, the error names what
 * was asked, what exists, and the setting that would pick it. */
#include "clmlp/device.h"

#include <stdarg.h>
#include <string.h>

const char *clmlp_device_type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_CPU)
        return "cpu";
    if (type & CL_DEVICE_TYPE_GPU)
        return "gpu";
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    if (type & CL_DEVICE_TYPE_CUSTOM)
        return "custom";
    return "default";
}

static const char *kind_name(clmlp_device_kind kind)
{
    switch (kind) {
    case CLMLP_DEVICE_CPU:
        return "cpu";
    case CLMLP_DEVICE_GPU:
        return "gpu";
    case CLMLP_DEVICE_ACCELERATOR:
        return "accelerator";
    default:
        return "any";
    }
}

static bool type_matches(clmlp_device_kind kind, cl_device_type type)
{
    switch (kind) {
    case CLMLP_DEVICE_CPU:
        return (type & CL_DEVICE_TYPE_CPU) != 0;
    case CLMLP_DEVICE_GPU:
        return (type & CL_DEVICE_TYPE_GPU) != 0;
    case CLMLP_DEVICE_ACCELERATOR:
        /* FPGAs and DSPs report either bit depending on the vendor. */
        return (type & (CL_DEVICE_TYPE_ACCELERATOR | CL_DEVICE_TYPE_CUSTOM)) != 0;
    default:
        return true;
    }
}

static bool spec_matches(const clmlp_device_spec *spec, const clmlp_device_desc *d)
{
    return type_matches(spec->type, d->type) && clmlp_contains_ci(d->platform, spec->platform) &&
           clmlp_contains_ci(d->name, spec->name);
}

/* A bounded appender for the one-line messages below; output past the end
 * is cut off rather than overflowing. */
typedef struct {
    char *buf;
    size_t cap, len;
} line;

static void put(line *l, const char *fmt, ...) CLMLP_PRINTF(2, 3);
static void put(line *l, const char *fmt, ...)
{
    if (l->len + 1 >= l->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len = l->len + (size_t)n < l->cap ? l->len + (size_t)n : l->cap - 1;
}

/* "device.type=gpu device.name=foo": only the filters the user set. */
static void put_request(line *l, const clmlp_device_spec *spec)
{
    const char *sep = "";
    if (spec->type != CLMLP_DEVICE_ANY) {
        put(l, "device.type=%s", kind_name(spec->type));
        sep = " ";
    }
    if (spec->platform[0]) {
        put(l, "%sdevice.platform=%s", sep, spec->platform);
        sep = " ";
    }
    if (spec->name[0]) {
        put(l, "%sdevice.name=%s", sep, spec->name);
        sep = " ";
    }
    if (!sep[0])
        put(l, "device.type=any");
}

static void put_available(line *l, const clmlp_device_desc *descs, int count)
{
    put(l, "available: ");
    for (int i = 0; i < count; i++)
        put(l, "%s[%d] %s \"%s\" (%s)", i ? ", " : "", i, clmlp_device_type_name(descs[i].type), descs[i].name,
            descs[i].platform);
}

int clmlp_device_select(const clmlp_device_desc *descs, int count, const clmlp_device_spec *spec, clmlp_err *err)
{
    if (count <= 0)
        return clmlp_fail(err, CLMLP_EXIT_DEVICE,
                          "no OpenCL devices found; install pocl-opencl-icd (CPU) or your GPU vendor's OpenCL "
                          "driver, then check with clmlp devices");
    int matched = 0, pick = -1;
    int want = spec->index < 0 ? 0 : spec->index;
    for (int i = 0; i < count; i++) {
        if (!spec_matches(spec, &descs[i]))
            continue;
        if (matched == want)
            pick = i;
        matched++;
    }
    if (pick >= 0 && spec->index >= -1)
        return pick;

    char msg[sizeof err->msg];
    line l = {msg, sizeof msg, 0};
    if (matched == 0) {
        put(&l, "no OpenCL device matches ");
        put_request(&l, spec);
        put(&l, "; ");
        put_available(&l, descs, count);
        /* Suggest a setting that does match: a type that exists when the
         * asked type does not, otherwise a name substring. */
        bool type_exists = false;
        for (int i = 0; i < count; i++)
            type_exists |= type_matches(spec->type, descs[i].type);
        if (type_exists)
            put(&l, "; select with --set device.name=<substring> or --set device.platform=<substring>");
        else
            put(&l, "; select with --set device.type=%s or --set device.name=<substring>",
                clmlp_device_type_name(descs[0].type));
    } else {
        put(&l, "device.index=%d is out of range: %d device%s match%s ", spec->index, matched, matched == 1 ? "" : "s",
            matched == 1 ? "es" : "");
        put_request(&l, spec);
        put(&l, " (use device.index 0..%d); ", matched - 1);
        put_available(&l, descs, count);
    }
    return clmlp_fail(err, CLMLP_EXIT_DEVICE, "%s", msg);
}
