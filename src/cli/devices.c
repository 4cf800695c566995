/* clmlp devices [--json]: what OpenCL sees, and how to pick one of it. */
#include <stdlib.h>
#include <string.h>

#include "clmlp/cli.h"
#include "clmlp/device.h"

/* The leading word of a device name ("pthread" of "pthread-skylake-..."),
 * a substring short enough to type and usually enough to tell devices apart. */
static void name_hint(const char *name, char *out, size_t cap)
{
    size_t n = strcspn(name, " -_(");
    if (n == 0)
        n = strlen(name);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

int clmlp_cmd_devices(int argc, char **argv)
{
    clmlp_cli_args args;
    clmlp_err err = {0};
    if (clmlp_cli_parse(argc, argv, "devices", "--json", false, &args, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (args.config_path) {
        clmlp_fail(&err, CLMLP_EXIT_USAGE, "devices: unexpected argument '%s' (usage: clmlp devices [--json])",
                   args.config_path);
        return clmlp_cli_report_error(&err);
    }
    clmlp_device_desc *descs = NULL;
    int count = 0;
    if (clmlp_devices_enumerate(&descs, &count, &err) < 0)
        return clmlp_cli_report_error(&err);
    if (count == 0) {
        /* Selecting from nothing yields the install hint, kept in one place. */
        clmlp_device_spec any = {.type = CLMLP_DEVICE_ANY, .index = -1};
        clmlp_device_select(descs, count, &any, &err);
        free(descs);
        return clmlp_cli_report_error(&err);
    }
    if (args.json) {
        clmlp_devices_print_json(stdout, descs, count);
    } else {
        clmlp_devices_print(stdout, descs, count);
        char hint[64];
        name_hint(descs[0].name, hint, sizeof hint);
        printf("\nselect one in a config:  device: {type: %s, name: %s}\n"
               "or on the command line:  --set device.name=%s\n",
               clmlp_device_type_name(descs[0].type), hint, hint);
    }
    free(descs);
    return 0;
}
