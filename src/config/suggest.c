/* "Did you mean ...?" for unknown keys and enum values: a typo (edit
 * distance <= 2), a prefix ("train" -> "training"), an abbreviation
 * ("learning_rate" -> "lr"), a name from another framework, or a key written
 * in the wrong section ("lr" at the top -> "training.lr"). */
#include "config/config_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Case-insensitive: "GPU" is a typo of "gpu", not 3 edits away. */
size_t cfg_levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1; /* not a typo of any key */
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Names users bring from other tools, mapped to ours. */
static const struct {
    const char *from, *to;
} aliases[] = {
    {"learning_rate", "lr"},   {"learningrate", "lr"},   {"epsilon", "eps"},        {"num_epochs", "epochs"},
    {"n_epochs", "epochs"},    {"batch", "batch_size"},  {"batchsize", "batch_size"}, {"layers", "hidden"},
    {"hidden_layers", "hidden"}, {"hidden_sizes", "hidden"}, {"units", "hidden"},   {"num_classes", "classes"},
    {"n_classes", "classes"},  {"optim", "optimizer"},   {"opt", "optimizer"},      {"activation_fn", "activation"},
    {"output_dir", "dir"},     {"out_dir", "dir"},       {"weight_init", "init"},   {"initializer", "init"},
    {"train_images", "images"}, {"train_labels", "labels"},
    /* device types: a TPU, an NPU or an FPGA is an OpenCL accelerator */
    {"tpu", "accelerator"},    {"npu", "accelerator"},   {"fpga", "accelerator"},
};

/* "lr" abbreviates "learning_rate": same first letter, letters in order. */
static bool abbreviates(const char *abbr, const char *word)
{
    if (strlen(abbr) < 2 || strlen(abbr) >= strlen(word) || abbr[0] != word[0])
        return false;
    for (const char *w = word; *abbr; abbr++) {
        w = strchr(w, *abbr);
        if (!w)
            return false;
        w++;
    }
    return true;
}

const char *cfg_closest(const char *word, const char *const *candidates, size_t n)
{
    for (size_t a = 0; a < CLMLP_ARRAY_LEN(aliases); a++)
        if (strcmp(word, aliases[a].from) == 0)
            for (size_t i = 0; i < n; i++)
                if (strcmp(candidates[i], aliases[a].to) == 0)
                    return candidates[i];
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = cfg_levenshtein(word, candidates[i]);
        /* A one-letter name is "close" to every short word; require more. */
        if (d < best_d && d < strlen(candidates[i])) {
            best = candidates[i];
            best_d = d;
        }
    }
    if (best)
        return best;
    size_t wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t cl = strlen(candidates[i]);
        if (wl >= 2 && cl >= 2 &&
            (strncmp(word, candidates[i], wl < cl ? wl : cl) == 0))
            return candidates[i];
    }
    for (size_t i = 0; i < n; i++)
        if (abbreviates(candidates[i], word))
            return candidates[i];
    return NULL;
}

/* The closest child of prefix to word, into out; false when none is close. */
static bool closest_child(const cfg_table *t, const char *prefix, const char *word, char *out, size_t cap)
{
    char names[CFG_CHILDREN_MAX][CFG_COMPONENT_MAX];
    const char *ptrs[CFG_CHILDREN_MAX];
    size_t n = cfg_table_children(t, prefix, names, CFG_CHILDREN_MAX);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = names[i];
    const char *best = cfg_closest(word, ptrs, n);
    if (best)
        snprintf(out, cap, "%s", best);
    return best != NULL;
}

/* A key or section anywhere whose last name is word: "lr" -> "training.lr". */
static bool elsewhere(const cfg_table *t, const char *word, char *out, size_t cap)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i < t->len; i++) {
        const char *p = t->keys[i].path;
        for (const char *dot = strchr(p, '.'); dot; dot = strchr(dot + 1, '.')) {
            const char *name = dot + 1;
            if (strncmp(name, word, wl) == 0 && (name[wl] == '\0' || name[wl] == '.')) {
                snprintf(out, cap, "%.*s", (int)(name - p + wl), p);
                return true;
            }
        }
    }
    return false;
}

static bool is_known(const cfg_table *t, const char *path)
{
    return cfg_table_find(t, path) || cfg_table_is_section(t, path);
}

void cfg_unknown_key_message(const char *path, char *msg, size_t cap)
{
    cfg_table_unknown_key_message(&cfg_config_table, path, msg, cap);
}

void cfg_table_unknown_key_message(const cfg_table *t, const char *path, char *msg, size_t cap)
{
    /* Walk the components; the first unknown one gets replaced by its
     * closest sibling, and the rest is kept if the result is a real key. */
    char known[256] = "", fixed[512] = "";
    const char *p = path;
    bool found = false;
    while (*p) {
        size_t len = strcspn(p, ".");
        char comp[128];
        snprintf(comp, sizeof comp, "%.*s", (int)len, p);
        char next[384];
        snprintf(next, sizeof next, "%s%s%s", known, known[0] ? "." : "", comp);
        const char *rest = p[len] ? p + len : "";
        if (cfg_table_find(t, known)) {
            snprintf(msg, cap, "unknown key '%s' ('%s' is a key, not a section)", path, known);
            return;
        }
        if (is_known(t, next) && strlen(next) < sizeof known) {
            strcpy(known, next);
            p += len + (p[len] == '.');
            continue;
        }
        char best[CFG_COMPONENT_MAX];
        char candidate[512];
        if (closest_child(t, known, comp, best, sizeof best)) {
            snprintf(candidate, sizeof candidate, "%s%s%s%s", known, known[0] ? "." : "", best, rest);
            if (!is_known(t, candidate))
                snprintf(candidate, sizeof candidate, "%s%s%s", known, known[0] ? "." : "", best);
            found = true;
        } else if (elsewhere(t, comp, candidate, sizeof candidate)) {
            size_t n = strlen(candidate);
            snprintf(candidate + n, sizeof candidate - n, "%s", rest);
            if (!is_known(t, candidate))
                candidate[n] = '\0';
            found = true;
        }
        if (found)
            snprintf(fixed, sizeof fixed, "%s", candidate);
        break;
    }
    if (found) {
        snprintf(msg, cap, "unknown key '%s' (did you mean '%s'?)", path, fixed);
        return;
    }
    char names[CFG_CHILDREN_MAX][CFG_COMPONENT_MAX];
    size_t n = cfg_table_children(t, known, names, CFG_CHILDREN_MAX);
    size_t len = snprintf(msg, cap, "unknown key '%s' (valid keys%s%s%s: ", path, known[0] ? " in '" : "", known,
                          known[0] ? "'" : "");
    for (size_t i = 0; i < n && len < cap; i++)
        len += snprintf(msg + len, cap - len, "%s%s", i ? ", " : "", names[i]);
    if (len < cap)
        snprintf(msg + len, cap - len, ")");
}
