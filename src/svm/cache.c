/* Bounded LRU cache of kernel rows, LIBSVM's Cache in spirit: a byte budget
 * fixes how many full rows live at once (at least two, since an SMO step
 * needs the rows of both working-set indices), the least recently used row
 * is evicted and its buffer reused, so memory stays bounded however many
 * examples there are, and the device computes only rows that are missing. */
#include <stdlib.h>

#include "clmlp/svm.h"

typedef struct cache_node {
    int index;                      /* local example whose row this holds, -1 if none */
    float *data;
    struct cache_node *prev, *next; /* LRU list: head = least recently used */
} cache_node;

struct clmlp_svm_cache {
    clmlp_svm_kernel kernel;
    const int *cols; /* local -> callback index, NULL: identity */
    int *identity;   /* owned identity map when cols is NULL (the callback always gets a list) */
    int l, capacity, used;
    cache_node *nodes;   /* capacity nodes */
    cache_node **of;     /* l: node holding the row of each local example, or NULL */
    cache_node head;     /* sentinel of the circular LRU list */
    long computed;
    const float *block;  /* block mode: the provider's l x l block, NULL until the first row */
    bool block_mode;
};

static void unlink_node(cache_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
}

static void push_back(clmlp_svm_cache *c, cache_node *n)
{
    n->prev = c->head.prev;
    n->next = &c->head;
    c->head.prev->next = n;
    c->head.prev = n;
}

clmlp_svm_cache *clmlp_svm_cache_new(const clmlp_svm_kernel *kernel, const int *cols, int l, size_t budget_bytes,
                                     clmlp_err *err)
{
    if (l <= 0 || !kernel || !kernel->row) {
        clmlp_fail(err, CLMLP_EXIT_USAGE, "svm cache: needs a kernel row callback and at least one example");
        return NULL;
    }
    clmlp_svm_cache *c = clmlp_calloc(1, sizeof *c, err);
    if (!c)
        return NULL;
    size_t row_bytes = (size_t)l * sizeof(float);
    c->block_mode = kernel->block && budget_bytes / row_bytes >= (size_t)l;
    size_t rows = c->block_mode ? 0 : budget_bytes / row_bytes;
    if (rows < 2 && !c->block_mode)
        rows = 2;
    if (rows > (size_t)l)
        rows = (size_t)l;
    c->kernel = *kernel;
    c->l = l;
    c->capacity = (int)rows;
    c->head.prev = c->head.next = &c->head;
    c->nodes = clmlp_calloc(rows ? rows : 1, sizeof *c->nodes, err);
    c->of = clmlp_calloc((size_t)l, sizeof *c->of, err);
    if (!cols) {
        c->identity = clmlp_calloc((size_t)l, sizeof *c->identity, err);
        if (c->identity)
            for (int i = 0; i < l; i++)
                c->identity[i] = i;
        cols = c->identity;
    }
    c->cols = cols;
    if (!c->nodes || !c->of || !cols) {
        clmlp_svm_cache_free(c);
        return NULL;
    }
    return c;
}

const float *clmlp_svm_cache_row(clmlp_svm_cache *c, int i, clmlp_err *err)
{
    if (i < 0 || i >= c->l) {
        clmlp_fail(err, CLMLP_EXIT_INTERNAL, "svm cache: row %d outside 0..%d", i, c->l - 1);
        return NULL;
    }
    if (c->block_mode) {
        if (!c->block) {
            if (!(c->block = c->kernel.block(c->kernel.user, c->cols, c->l, err)))
                return NULL;
            c->computed = c->l;
        }
        return c->block + (size_t)i * (size_t)c->l;
    }
    cache_node *n = c->of[i];
    if (n) { /* hit: becomes the most recently used */
        unlink_node(n);
        push_back(c, n);
        return n->data;
    }
    if (c->used < c->capacity) {
        n = &c->nodes[c->used];
        n->data = clmlp_calloc((size_t)c->l, sizeof(float), err);
        if (!n->data)
            return NULL;
        c->used++;
    } else { /* evict the least recently used row and reuse its buffer */
        n = c->head.next;
        unlink_node(n);
        if (n->index >= 0)
            c->of[n->index] = NULL;
    }
    n->index = -1;
    if (c->kernel.row(c->kernel.user, c->cols[i], c->cols, c->l, n->data, err) != 0) {
        push_back(c, n); /* kept as an empty slot (index -1), reused by a later miss */
        return NULL;
    }
    c->computed++;
    n->index = i;
    c->of[i] = n;
    push_back(c, n);
    return n->data;
}

long clmlp_svm_cache_computed(const clmlp_svm_cache *c) { return c->computed; }

int clmlp_svm_cache_capacity(const clmlp_svm_cache *c) { return c->block_mode ? c->l : c->capacity; }

bool clmlp_svm_cache_is_block(const clmlp_svm_cache *c) { return c->block_mode; }

void clmlp_svm_cache_free(clmlp_svm_cache *c)
{
    if (!c)
        return;
    if (c->nodes)
        for (int k = 0; k < c->used; k++)
            free(c->nodes[k].data);
    free(c->nodes);
    free(c->of);
    free(c->identity);
    free(c);
}
