#ifndef HJ_ARENA_H
#define HJ_ARENA_H
/* The memory of one request, held until its reply is packed: zeroed blocks
 * (child arrays of a reply, copied strings) and the PGresults that the
 * reply's strings point into. One hj_arena_free releases all of it.
 *
 * An arena is a plain value: `hj_arena_t a = {0};` is an empty arena, so a
 * handler needs no failure path to make one. Every function takes NULL in
 * what it is given (an allocation that failed upstream, a failed query) and
 * then returns NULL, so a chain of calls needs one check at its end. */
#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    void **blocks;
    size_t nblocks, capblocks;
    void **results; /* PGresult *, kept as void * so one helper grows both arrays */
    size_t nresults, capresults;
    int failed;       /* something could not be allocated or kept: answer INTERNAL */
    char sqlstate[6]; /* where the request's statements leave a failure's SQLSTATE */
} hj_arena_t;

/* size zeroed bytes owned by the arena; NULL (and failed set) when out of memory. */
void *hj_arena_alloc(hj_arena_t *a, size_t size);
/* A copy of s owned by the arena; NULL when out of memory. */
char *hj_arena_strdup(hj_arena_t *a, const char *s);
/* Splits s at sep into arena-owned strings (*n of them; "" gives none) in an
 * array with a NULL after the last. NULL when out of memory (*n is then 0). */
char **hj_arena_split(hj_arena_t *a, const char *s, char sep, size_t *n);
/* Keeps r until hj_arena_free and returns it. NULL when r is NULL, or when it
 * cannot be kept: then r is already PQclear-ed (strings into it would dangle
 * later, so the caller must not use it) and failed is set. */
PGresult *hj_arena_keep(hj_arena_t *a, PGresult *r);
/* n zeroed items of `size` bytes and the pointer array to them (a NULL after
 * the last), as protobuf-c's repeated message fields want. NULL when out of
 * memory. */
void **hj_arena_array(hj_arena_t *a, int n, size_t size);
/* Fills item (one message of a list) from row i of r; what it needs beyond
 * the row's strings (child arrays) comes from a. */
typedef void (*hj_arena_row_fn)(PGresult *r, int i, void *item, hj_arena_t *a);
/* Rows 0..n-1 of r as the repeated field of a list reply: n messages of
 * `size` bytes, each filled by row, and the pointer array protobuf-c wants
 * (returned, with a NULL after the last; the messages live in the arena
 * too). NULL when out of memory. r must hold at least n rows. */
void **hj_arena_rows(hj_arena_t *a, PGresult *r, int n, size_t size, hj_arena_row_fn row);
/* Frees every block and clears every result; the arena is empty again
 * (sqlstate and failed too) and may be used anew. Safe to call twice. */
void hj_arena_free(hj_arena_t *a);

#endif
