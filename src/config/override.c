/* --set section.key=value: the value is read by libyaml as a one-line YAML
 * document, so `--set model.hidden=[128,64]` and quoting behave as in a
 * file, and it goes through the same cfg_assign_node checks. Relative paths
 * resolve against the current directory: that is where the user typed them. */
#include "config/config_internal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int apply_value(clmlp_config *cfg, const cfg_key *key, const char *spec, const char *value, clmlp_err *err)
{
    char cwd[CLMLP_PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0'; /* keep relative paths relative */

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "--set %s: cannot initialise the YAML parser", spec);
    yaml_parser_set_input_string(&parser, (const unsigned char *)value, strlen(value));
    yaml_document_t doc;
    if (!yaml_parser_load(&parser, &doc)) {
        int code = parser.error == YAML_MEMORY_ERROR ? CLMLP_EXIT_INTERNAL : CLMLP_EXIT_USAGE;
        clmlp_fail(err, code, "--set %s: cannot read the value as YAML: %s", spec,
                   parser.problem ? parser.problem : "unknown problem");
        yaml_parser_delete(&parser);
        return -1;
    }
    int rc = 0;
    char msg[900];
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        /* "key=" is an empty (null) scalar: "" for strings, an error for numbers. */
        char why[700];
        if (key->type == CFG_INT_LIST) {
            rc = clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: %s: expected a list of integers such as [128, 64], got an empty value", spec, key->path);
        } else if (cfg_set_scalar(cfg, key, "", true, cwd, why, sizeof why) < 0) {
            rc = clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: %s: %s", spec, key->path, why);
        }
    } else {
        yaml_mark_t where;
        if (cfg_assign_node(cfg, key, &doc, root, cwd, &where, msg, sizeof msg) < 0)
            rc = clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: %s", spec, msg);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

int cfg_apply_override(clmlp_config *cfg, const char *spec, unsigned char *seen, clmlp_err *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: expected section.key=value (e.g. training.lr=0.01)", spec);
    char path[256];
    size_t len = (size_t)(eq - spec);
    while (len > 0 && spec[len - 1] == ' ')
        len--;
    if (len >= sizeof path)
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: the key is too long", spec);
    memcpy(path, spec, len);
    path[len] = '\0';

    const cfg_key *key = cfg_find_key(path);
    if (!key) {
        if (cfg_is_section(path)) {
            char names[CFG_CHILDREN_MAX][CFG_COMPONENT_MAX];
            size_t n = cfg_children(path, names, CFG_CHILDREN_MAX);
            return clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: '%s' is a section; set one of its keys, e.g. %s.%s",
                              spec, path, path, n ? names[0] : "?");
        }
        char msg[900];
        cfg_unknown_key_message(path, msg, sizeof msg);
        return clmlp_fail(err, CLMLP_EXIT_USAGE, "--set %s: %s", spec, msg);
    }
    if (apply_value(cfg, key, spec, eq + 1, err) < 0)
        return -1;
    if (seen)
        seen[key - cfg_schema] = 1;
    return 0;
}
