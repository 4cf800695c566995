/* clmlp_device_spec_parse: "name=pthread", "type=gpu:index=1" or a plain
 * name substring, checked by the same schema keys as the config's device
 * section (device.type, device.platform, device.name, device.index), so a
 * typo gets the same did-you-mean. */
#include "config/config_internal.h"

#include <stdio.h>
#include <string.h>

/* One "key=value" (or a bare name) of the spec into scratch's device section. */
static int set_part(clmlp_config *scratch, const char *spec, const char *part, size_t len, clmlp_err *err)
{
    char text[CLMLP_NAME_MAX + 16];
    if (len >= sizeof text)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "device spec '%s': '%.*s' is too long", spec, (int)len, part);
    memcpy(text, part, len);
    text[len] = '\0';
    char *eq = strchr(text, '=');
    const char *value = eq ? eq + 1 : text;
    if (eq)
        *eq = '\0';
    char path[sizeof text + 8], why[700];
    snprintf(path, sizeof path, "device.%s", eq ? text : "name");
    const cfg_key *key = cfg_find_key(path);
    if (!key) {
        cfg_unknown_key_message(path, why, sizeof why);
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "device spec '%s': %s", spec, why);
    }
    if (cfg_set_scalar(scratch, key, value, true, "", why, sizeof why) < 0)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "device spec '%s': %s: %s", spec, path, why);
    return 0;
}

int clmlp_device_spec_parse(const char *text, clmlp_device_spec *spec, clmlp_err *err)
{
    clmlp_config scratch;
    clmlp_config_defaults(&scratch);
    if (!text[0])
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "empty device spec (expected e.g. name=pthread or type=gpu:index=1)");
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, ":");
        if (len == 0)
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "device spec '%s': empty part between ':'", text);
        if (set_part(&scratch, text, p, len, err) < 0)
            return -1;
        p += len + (p[len] == ':');
    }
    *spec = scratch.device;
    return 0;
}
