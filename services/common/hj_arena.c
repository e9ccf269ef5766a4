/* hj_arena: a request's memory, freed at once. See hj_arena.h. */
#include "hj_arena.h"

#include <stdlib.h>
#include <string.h>

/* Room for one more pointer in *items (capacity *cap); 0 / -1. */
static int s_grow(void ***items, size_t n, size_t *cap, size_t first)
{
    if (n < *cap)
        return 0;
    size_t more = *cap ? *cap * 2 : first;
    void **grown = realloc(*items, more * sizeof *grown);
    if (!grown)
        return -1;
    *items = grown;
    *cap = more;
    return 0;
}

void *hj_arena_alloc(hj_arena_t *a, size_t size)
{
    void *p = NULL;
    if (s_grow(&a->blocks, a->nblocks, &a->capblocks, 16) == 0)
        p = calloc(1, size ? size : 1);
    if (p)
        a->blocks[a->nblocks++] = p;
    else
        a->failed = 1;
    return p;
}

char *hj_arena_strdup(hj_arena_t *a, const char *s)
{
    size_t n = strlen(s);
    char *p = hj_arena_alloc(a, n + 1);
    if (p)
        memcpy(p, s, n);
    return p;
}

char **hj_arena_split(hj_arena_t *a, const char *s, char sep, size_t *n)
{
    size_t count = *s ? 1 : 0;
    for (const char *p = s; *p; p++)
        count += *p == sep;
    char **out = hj_arena_alloc(a, (count + 1) * sizeof *out);
    char *copy = hj_arena_strdup(a, s);
    *n = 0;
    if (!out || !copy)
        return NULL;
    for (char *p = copy, *next; count && p; p = next) {
        next = strchr(p, sep);
        if (next)
            *next++ = 0;
        out[(*n)++] = p;
    }
    return out;
}

PGresult *hj_arena_keep(hj_arena_t *a, PGresult *r)
{
    if (!r)
        return NULL;
    if (s_grow(&a->results, a->nresults, &a->capresults, 8) != 0) {
        PQclear(r);
        a->failed = 1;
        return NULL;
    }
    a->results[a->nresults++] = r;
    return r;
}

void **hj_arena_array(hj_arena_t *a, int n, size_t size)
{
    size_t count = n > 0 ? (size_t)n : 0;
    char *items = hj_arena_alloc(a, count * size);
    void **ptrs = hj_arena_alloc(a, (count + 1) * sizeof *ptrs);
    if (!items || !ptrs)
        return NULL;
    for (size_t i = 0; i < count; i++)
        ptrs[i] = items + i * size;
    return ptrs;
}

void **hj_arena_rows(hj_arena_t *a, PGresult *r, int n, size_t size, hj_arena_row_fn row)
{
    void **ptrs = hj_arena_array(a, n, size);
    for (int i = 0; ptrs && i < n; i++)
        row(r, i, ptrs[i], a);
    return ptrs;
}

void hj_arena_free(hj_arena_t *a)
{
    for (size_t i = 0; i < a->nblocks; i++)
        free(a->blocks[i]);
    for (size_t i = 0; i < a->nresults; i++)
        PQclear(a->results[i]);
    free(a->blocks);
    free(a->results);
    memset(a, 0, sizeof *a);
}
