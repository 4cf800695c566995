/* Reads a YAML config with libyaml's document API and walks its mappings
 * against the schema. Every error names the offending node as
 * origin:line:col (1-based), so a user can jump straight to it. */
#include "config/config_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct parse_ctx {
    const cfg_table *table;
    void *target;
    yaml_document_t *doc;
    const char *origin;
    const char *base_dir;
    unsigned char *seen;
    clmlp_err *err;
} parse_ctx;

static int fail_at(const char *origin, yaml_mark_t mark, clmlp_err *err, const char *fmt, ...) CLMLP_PRINTF(4, 5);

static int fail_at(const char *origin, yaml_mark_t mark, clmlp_err *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return clmlp_fail(err, CLMLP_EXIT_USAGE, "%s:%zu:%zu: %s", origin, mark.line + 1, mark.column + 1, msg);
}

/* libyaml's own diagnosis, as one line with our location prefix. */
static int syntax_error(const yaml_parser_t *parser, const char *origin, const char *text, size_t len, clmlp_err *err)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s: out of memory while parsing YAML", origin);
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->error == YAML_READER_ERROR) {
        /* Reader errors (bad encoding) carry a byte offset, not a mark. */
        yaml_mark_t mark = {0, 0, 0};
        for (size_t i = 0; i < parser->problem_offset && i < len; i++) {
            if (text[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else {
                mark.column++;
            }
        }
        return fail_at(origin, mark, err, "invalid YAML text: %s", problem);
    }
    if (parser->context)
        return fail_at(origin, parser->problem_mark, err, "YAML syntax error: %s (%s at line %zu, column %zu)",
                       problem, parser->context, parser->context_mark.line + 1, parser->context_mark.column + 1);
    return fail_at(origin, parser->problem_mark, err, "YAML syntax error: %s", problem);
}

static bool is_null_scalar(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    return !v[0] || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

static int walk_mapping(parse_ctx *c, yaml_node_t *map, const char *prefix)
{
    yaml_node_pair_t *first = map->data.mapping.pairs.start;
    for (yaml_node_pair_t *pair = first; pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(c->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(c->doc, pair->value);
        if (!key || !value)
            continue;
        char got[300];
        if (key->type != YAML_SCALAR_NODE)
            return fail_at(c->origin, key->start_mark, c->err, "%s%sexpected a key name, got %s", prefix,
                           prefix[0] ? ": " : "", cfg_describe_node(key, got, sizeof got));
        const char *name = (const char *)key->data.scalar.value;
        /* Dotted names are for --set; in a file, sections nest. */
        if (strchr(name, '.'))
            return fail_at(c->origin, key->start_mark, c->err,
                           "unknown key '%s%s%s' (a key name has no '.'; nest sections instead)", prefix,
                           prefix[0] ? "." : "", name);
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", name);

        /* libyaml keeps duplicate keys; a second value would silently win. */
        for (yaml_node_pair_t *q = first; q < pair; q++) {
            yaml_node_t *earlier = yaml_document_get_node(c->doc, q->key);
            if (earlier && earlier->type == YAML_SCALAR_NODE && strcmp((const char *)earlier->data.scalar.value, name) == 0)
                return fail_at(c->origin, key->start_mark, c->err, "duplicate key '%s' (first set at line %zu)", path,
                               earlier->start_mark.line + 1);
        }

        const cfg_key *k = cfg_table_find(c->table, path);
        if (k) {
            char msg[900];
            yaml_mark_t where;
            if (cfg_assign_node(c->target, k, c->doc, value, c->base_dir, &where, msg, sizeof msg) < 0)
                return fail_at(c->origin, where, c->err, "%s", msg);
            if (c->seen)
                c->seen[k - c->table->keys] = 1;
        } else if (cfg_table_is_section(c->table, path)) {
            if (value->type == YAML_MAPPING_NODE) {
                if (walk_mapping(c, value, path) < 0)
                    return -1;
            } else if (!is_null_scalar(value)) { /* "device:" alone is an empty section */
                return fail_at(c->origin, value->start_mark, c->err, "%s: expected a mapping of keys, got %s", path,
                               cfg_describe_node(value, got, sizeof got));
            }
        } else {
            char msg[900];
            cfg_table_unknown_key_message(c->table, path, msg, sizeof msg);
            return fail_at(c->origin, key->start_mark, c->err, "%s", msg);
        }
    }
    return 0;
}

/* Loads the first document, walks it, and rejects a second one. The parser
 * and documents are freed here on every path. */
int cfg_table_parse(const cfg_table *t, void *target, const char *text, size_t len, const char *origin,
                    const char *base_dir, unsigned char *seen, clmlp_err *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "%s: cannot initialise the YAML parser", origin);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_document_t doc;
    /* On failure yaml_parser_load frees the partial document itself. */
    if (!yaml_parser_load(&parser, &doc)) {
        syntax_error(&parser, origin, text, len, err);
        yaml_parser_delete(&parser);
        return -1;
    }
    int rc = 0;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_mark_t start = {0, 0, 0};
    char got[300];
    if (!root) {
        rc = fail_at(origin, start, err, "the %s is empty (expected %s)", t->noun, t->empty_hint);
    } else if (root->type != YAML_MAPPING_NODE) {
        rc = fail_at(origin, root->start_mark, err, "expected a mapping of sections at the top level, got %s",
                     cfg_describe_node(root, got, sizeof got));
    } else {
        parse_ctx c = {t, target, &doc, origin, base_dir, seen, err};
        rc = walk_mapping(&c, root, "");
    }
    yaml_document_delete(&doc);
    if (rc == 0) {
        yaml_document_t extra;
        if (!yaml_parser_load(&parser, &extra)) {
            rc = syntax_error(&parser, origin, text, len, err);
        } else {
            yaml_node_t *extra_root = yaml_document_get_root_node(&extra);
            if (extra_root)
                rc = fail_at(origin, extra_root->start_mark, err,
                             "a second YAML document; a %s is one document (remove the '---')", t->noun);
            yaml_document_delete(&extra);
        }
    }
    yaml_parser_delete(&parser);
    return rc;
}

int cfg_parse_into(clmlp_config *cfg, const char *yaml_text, size_t len, const char *origin, const char *base_dir,
                   const char *const *overrides, int n_overrides, unsigned char *seen, clmlp_err *err)
{
    if (!origin)
        origin = "<string>";
    if (!base_dir)
        base_dir = "";
    if (cfg_table_parse(&cfg_config_table, cfg, yaml_text ? yaml_text : "", yaml_text ? len : 0, origin, base_dir,
                        seen, err) < 0)
        return -1;
    for (int i = 0; i < n_overrides; i++)
        if (cfg_apply_override(cfg, overrides[i], seen, err) < 0)
            return -1;
    return cfg_validate(cfg, origin, err);
}

int clmlp_config_parse(const char *yaml_text, size_t len, const char *origin, const char *base_dir,
                       const char *const *overrides, int n_overrides, clmlp_config *cfg, clmlp_err *err)
{
    clmlp_config_defaults(cfg);
    if (base_dir)
        clmlp_strlcpy(cfg->base_dir, base_dir, sizeof cfg->base_dir);
    return cfg_parse_into(cfg, yaml_text, len, origin, base_dir, overrides, n_overrides, NULL, err);
}
