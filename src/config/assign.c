/* Stores one YAML node (from the file or from a --set value) into the field
 * of its schema key, checking the node's shape (scalar or sequence) first.
 * Shared by parse.c and override.c so both accept exactly the same values. */
#include "config/config_internal.h"

#include <stdio.h>
#include <string.h>

const char *cfg_describe_node(const yaml_node_t *node, char *buf, size_t cap)
{
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a sequence";
    case YAML_SCALAR_NODE:
        if (node->data.scalar.length == 0)
            return "an empty value";
        snprintf(buf, cap, "'%.*s'", (int)node->data.scalar.length, (const char *)node->data.scalar.value);
        return buf;
    default:
        return "nothing";
    }
}

static int wrong_shape(const cfg_key *key, const yaml_node_t *node, char *msg, size_t cap)
{
    char expect[256], got[300];
    snprintf(msg, cap, "%s: expected %s, got %s", key->path, cfg_expectation(key, expect, sizeof expect),
             cfg_describe_node(node, got, sizeof got));
    return -1;
}

static int assign_list(void *target, const cfg_key *key, yaml_document_t *doc, yaml_node_t *node,
                       yaml_mark_t *where, char *msg, size_t cap)
{
    int values[CLMLP_MAX_HIDDEN];
    size_t capacity = key->size / sizeof(int);
    int n = 0;
    char why[512];
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++, n++) {
        yaml_node_t *item = yaml_document_get_node(doc, *it);
        if (!item)
            continue;
        if ((size_t)n >= capacity || (size_t)n >= CLMLP_ARRAY_LEN(values)) {
            *where = node->start_mark;
            snprintf(msg, cap, "%s: at most %zu entries, got %d", key->path, capacity,
                     (int)(node->data.sequence.items.top - node->data.sequence.items.start));
            return -1;
        }
        *where = item->start_mark;
        if (item->type != YAML_SCALAR_NODE) {
            char got[16];
            snprintf(msg, cap, "%s[%d]: expected an integer, got %s", key->path, n,
                     cfg_describe_node(item, got, sizeof got));
            return -1;
        }
        if (cfg_parse_list_item(key, (const char *)item->data.scalar.value, &values[n], why, sizeof why) < 0) {
            snprintf(msg, cap, "%s[%d]: %s", key->path, n, why);
            return -1;
        }
    }
    *where = node->start_mark;
    if (cfg_set_list(target, key, values, n, why, sizeof why) < 0) {
        snprintf(msg, cap, "%s: %s", key->path, why);
        return -1;
    }
    return 0;
}

int cfg_assign_node(void *target, const cfg_key *key, yaml_document_t *doc, yaml_node_t *node,
                    const char *rel_base, yaml_mark_t *where, char *msg, size_t cap)
{
    *where = node->start_mark;
    if (key->type == CFG_INT_LIST) {
        if (node->type != YAML_SEQUENCE_NODE)
            return wrong_shape(key, node, msg, cap);
        return assign_list(target, key, doc, node, where, msg, cap);
    }
    if (node->type != YAML_SCALAR_NODE)
        return wrong_shape(key, node, msg, cap);
    const char *text = (const char *)node->data.scalar.value;
    if (strlen(text) != node->data.scalar.length) {
        snprintf(msg, cap, "%s: the value contains a NUL character", key->path);
        return -1;
    }
    bool plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    char why[700];
    if (cfg_set_scalar(target, key, text, plain, rel_base, why, sizeof why) < 0) {
        snprintf(msg, cap, "%s: %s", key->path, why);
        return -1;
    }
    return 0;
}
