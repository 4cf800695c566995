/* Private to src/config (and its tests): the schema table and the helpers the
 * parser, the override handler and the writer share. Users of the config
 * stage include "clmlp/config.h" only; the one exception is another YAML
 * format with a schema of its own (device models, src/model/devmodel.c),
 * which reuses the walker, value checks and did-you-mean through a cfg_table. */
#ifndef CLMLP_CONFIG_INTERNAL_H
#define CLMLP_CONFIG_INTERNAL_H

#include "clmlp/config.h"

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

typedef enum {
    CFG_STRING,   /* char[size], taken as written */
    CFG_PATH,     /* char[size], resolved against a base folder unless absolute */
    CFG_BOOL,     /* bool */
    CFG_INT,      /* int */
    CFG_INT64,    /* int64_t */
    CFG_UINT64,   /* uint64_t, any value */
    CFG_FLOAT,    /* double */
    CFG_ENUM,     /* a C enum (int-sized), value = index into names */
    CFG_INT_LIST, /* int[size / sizeof(int)] plus an int count at count_offset */
} cfg_type;

/* Bits of cfg_key.bounds. */
enum { CFG_HAS_MIN = 1, CFG_HAS_MAX = 2, CFG_MIN_OPEN = 4, CFG_MAX_OPEN = 8 };
/* Bounds in a cfg_key initialiser: [lo, hi], (lo, hi], [lo, hi), >= lo, > lo. */
#define CLOSED(lo, hi) .min = (lo), .max = (hi), .bounds = CFG_HAS_MIN | CFG_HAS_MAX
#define OPEN_CLOSED(lo, hi) .min = (lo), .max = (hi), .bounds = CFG_HAS_MIN | CFG_HAS_MAX | CFG_MIN_OPEN
#define CLOSED_OPEN(lo, hi) .min = (lo), .max = (hi), .bounds = CFG_HAS_MIN | CFG_HAS_MAX | CFG_MAX_OPEN
#define AT_LEAST(lo) .min = (lo), .bounds = CFG_HAS_MIN
#define ABOVE(lo) .min = (lo), .bounds = CFG_HAS_MIN | CFG_MIN_OPEN

typedef struct cfg_key {
    const char *path;          /* dotted: "training.lr" */
    cfg_type type;
    size_t offset, size;       /* the field inside the target struct (clmlp_config for the config) */
    size_t count_offset;       /* CFG_INT_LIST: where the element count lives */
    const char *const *names;  /* CFG_ENUM: NULL-terminated value names */
    double min, max;           /* numbers, and each element of an int list */
    unsigned bounds;           /* CFG_HAS_MIN | ... */
    const char *def;           /* the default, written as in YAML */
    const char *doc;           /* one line for users */
} cfg_key;

/* A schema: the keys of one YAML format and the struct they fill. */
typedef struct cfg_table {
    const cfg_key *keys;
    size_t len;
    const char *noun;       /* in messages: "config", "device model" */
    const char *empty_hint; /* what an empty file lacks: "sections such as 'data:' and 'training:'" */
} cfg_table;

/* schema.c: the one table of config keys, in the order files are written. */
extern const cfg_key cfg_schema[];
extern const size_t cfg_schema_len;
extern const cfg_table cfg_config_table;

/* The cfg_* forms below without a table argument use cfg_config_table. */
const cfg_key *cfg_table_find(const cfg_table *t, const char *path);
const cfg_key *cfg_find_key(const char *path);
/* True when some key lives below `path` (e.g. "data" or "data.train"). */
bool cfg_table_is_section(const cfg_table *t, const char *path);
bool cfg_is_section(const char *path);
/* The distinct names valid directly below prefix ("" = top level), in schema
 * order; stores at most cap and returns how many it stored. */
#define CFG_COMPONENT_MAX 32
#define CFG_CHILDREN_MAX 64
size_t cfg_table_children(const cfg_table *t, const char *prefix, char (*names)[CFG_COMPONENT_MAX], size_t cap);
size_t cfg_children(const char *prefix, char (*names)[CFG_COMPONENT_MAX], size_t cap);
/* Every field of the table's target set to its key's default. */
void cfg_table_defaults(const cfg_table *t, void *target);

/* value.c: converting between text and fields of a target struct (the
 * config, or another table's struct). All return 0 or -1 with a reason (no
 * key name, no location) in why. */
int cfg_set_scalar(void *target, const cfg_key *key, const char *text, bool plain, const char *rel_base,
                   char *why, size_t cap);
/* Parses one element of an int list (range-checked). */
int cfg_parse_list_item(const cfg_key *key, const char *text, int *out, char *why, size_t cap);
int cfg_set_list(void *target, const cfg_key *key, const int *values, int n, char *why, size_t cap);
/* "an integer", "a number", "one of relu, sigmoid, tanh", ... */
const char *cfg_expectation(const cfg_key *key, char *buf, size_t cap);
/* The field's value as YAML text (quoted when needed). */
void cfg_format_value(const void *target, const cfg_key *key, char *buf, size_t cap);
bool cfg_key_equal(const void *a, const void *b, const cfg_key *key);

/* assign.c: stores a YAML node into the field of `key`. On error fills msg
 * with "<key path>: <reason>" and where with the offending node's mark. */
int cfg_assign_node(void *target, const cfg_key *key, yaml_document_t *doc, yaml_node_t *node,
                    const char *rel_base, yaml_mark_t *where, char *msg, size_t cap);
/* Describes a node for "got ..." in messages: 'text', a mapping, a sequence. */
const char *cfg_describe_node(const yaml_node_t *node, char *buf, size_t cap);

/* suggest.c */
size_t cfg_levenshtein(const char *a, const char *b);
/* "unknown key 'x.y' (did you mean 'x.z'?)" or "... (valid keys in 'x': ...)". */
void cfg_table_unknown_key_message(const cfg_table *t, const char *path, char *msg, size_t cap);
void cfg_unknown_key_message(const char *path, char *msg, size_t cap);
/* The closest name among candidates, or NULL when none is close. */
const char *cfg_closest(const char *word, const char *const *candidates, size_t n);

/* path.c: base + "/" + rel, with "." and ".." folded; absolute rel and an
 * empty base leave rel as written. Returns -1 when it does not fit. */
int cfg_resolve_path(const char *base, const char *rel, char *out, size_t cap);
/* Lexical clean-up of a path, in place ("a/./b/../c" -> "a/c"). */
void cfg_clean_path(char *path);

/* override.c: applies one "section.key=value" string. */
int cfg_apply_override(clmlp_config *cfg, const char *spec, unsigned char *seen, clmlp_err *err);

/* validate.c: checks that involve more than one key (required data paths...). */
int cfg_validate(const clmlp_config *cfg, const char *origin, clmlp_err *err);

/* parse.c: walks one YAML document's mappings against table t and stores
 * every key into target (already initialised); seen (t->len flags, may be
 * NULL) marks the keys the text set. Errors are one line,
 * origin:line:col: <message>, with code CLMLP_EXIT_USAGE. */
int cfg_table_parse(const cfg_table *t, void *target, const char *text, size_t len, const char *origin,
                    const char *base_dir, unsigned char *seen, clmlp_err *err);
/* The config: cfg_table_parse with cfg_config_table, then the overrides,
 * then cfg_validate; seen (cfg_schema_len flags) also marks overridden keys. */
int cfg_parse_into(clmlp_config *cfg, const char *yaml_text, size_t len, const char *origin, const char *base_dir,
                   const char *const *overrides, int n_overrides, unsigned char *seen, clmlp_err *err);

#endif
