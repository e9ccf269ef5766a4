/* Unit tests for hj_arena: a request's memory and results, freed at once.
 * Run under ASan, a block or result the arena loses is a leak report. */
#include <criterion/criterion.h>
#include <string.h>

#include "hj_arena.h"

/* A PGresult without a server: libpq makes empty ones for exactly this. */
static PGresult *s_result(void)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    cr_assert_not_null(r);
    return r;
}

Test(arena, blocks_are_zeroed_and_distinct)
{
    hj_arena_t a = {0};
    unsigned char *p = hj_arena_alloc(&a, 64);
    unsigned char *q = hj_arena_alloc(&a, 64);
    cr_assert_not_null(p);
    cr_assert_not_null(q);
    cr_assert_neq(p, q);
    for (int i = 0; i < 64; i++)
        cr_assert_eq(p[i], 0, "byte %d of a fresh block is %d", i, p[i]);
    memset(p, 0xff, 64);
    cr_assert_eq(q[0], 0, "writing one block changed another");
    cr_assert_not_null(hj_arena_alloc(&a, 0), "a zero-size block is still a block");
    cr_assert_eq(a.failed, 0);
    hj_arena_free(&a);
}

Test(arena, grows_past_its_first_capacity)
{
    hj_arena_t a = {0};
    for (int i = 0; i < 1000; i++) {
        int *p = hj_arena_alloc(&a, sizeof *p);
        cr_assert_not_null(p, "block %d", i);
        *p = i;
    }
    for (int i = 0; i < 100; i++)
        cr_assert_not_null(hj_arena_keep(&a, s_result()), "result %d", i);
    cr_assert_eq(a.nblocks, 1000);
    cr_assert_eq(a.nresults, 100);
    hj_arena_free(&a);
}

Test(arena, strdup_copies)
{
    hj_arena_t a = {0};
    char source[] = "滨河社区";
    char *copy = hj_arena_strdup(&a, source);
    source[0] = 'x';
    cr_assert_str_eq(copy, "滨河社区");
    cr_assert_str_eq(hj_arena_strdup(&a, ""), "");
    hj_arena_free(&a);
}

Test(arena, split_gives_each_item_and_a_null_after)
{
    hj_arena_t a = {0};
    size_t n = 99;
    char **items = hj_arena_split(&a,
                                  "a\x1f"
                                  "bb\x1f\x1f"
                                  "ccc",
                                  '\x1f', &n);
    cr_assert_not_null(items);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(items[0], "a");
    cr_assert_str_eq(items[1], "bb");
    cr_assert_str_eq(items[2], "", "an empty item between two separators is kept");
    cr_assert_str_eq(items[3], "ccc");
    cr_assert_null(items[4]);

    items = hj_arena_split(&a, "", ',', &n);
    cr_assert_not_null(items);
    cr_assert_eq(n, 0, "an empty string holds no items");
    cr_assert_null(items[0]);

    items = hj_arena_split(&a, "one", ',', &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(items[0], "one");
    hj_arena_free(&a);
}

Test(arena, keep_returns_the_result_and_passes_null_through)
{
    hj_arena_t a = {0};
    PGresult *r = s_result();
    cr_assert_eq(hj_arena_keep(&a, r), r);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "a kept result stays readable");
    cr_assert_null(hj_arena_keep(&a, NULL), "a failed query stays a failure");
    cr_assert_eq(a.nresults, 1);
    cr_assert_eq(a.failed, 0, "a NULL result is the query's failure, not the arena's");
    hj_arena_free(&a);
}

Test(arena, free_empties_it_for_reuse_and_twice_is_safe)
{
    hj_arena_t a = {0};
    hj_arena_alloc(&a, 10);
    hj_arena_keep(&a, s_result());
    strcpy(a.sqlstate, "40P01");
    a.failed = 1;
    hj_arena_free(&a);
    cr_assert_eq(a.nblocks, 0);
    cr_assert_eq(a.nresults, 0);
    cr_assert_null(a.blocks);
    cr_assert_null(a.results);
    cr_assert_str_eq(a.sqlstate, "");
    cr_assert_eq(a.failed, 0);
    hj_arena_free(&a);
    cr_assert_not_null(hj_arena_alloc(&a, 8), "a freed arena takes new blocks");
    hj_arena_free(&a);
}

/* A one-column result of the given texts, as a query would return them. */
static PGresult *s_rows_of(const char *const *texts, int n)
{
    PGresult *r = s_result();
    PGresAttDesc col = {.name = "name", .format = 0, .typid = 25, .typlen = -1, .atttypmod = -1};
    cr_assert(PQsetResultAttrs(r, 1, &col));
    for (int i = 0; i < n; i++)
        cr_assert(PQsetvalue(r, i, 0, (char *)texts[i], (int)strlen(texts[i])));
    return r;
}

typedef struct {
    int row;
    const char *name;
    char **parts;
    size_t n_parts;
} s_item_t;

static void s_item_row(PGresult *r, int i, void *item, hj_arena_t *a)
{
    s_item_t *it = item;
    it->row = i;
    it->name = PQgetvalue(r, i, 0);
    it->parts = hj_arena_split(a, it->name, '-', &it->n_parts);
}

Test(arena, rows_become_a_list_in_row_order)
{
    hj_arena_t a = {0};
    const char *names[] = {"a-b", "滨河", "x-y-z"};
    PGresult *r = hj_arena_keep(&a, s_rows_of(names, 3));
    s_item_t **items = (s_item_t **)hj_arena_rows(&a, r, 3, sizeof(s_item_t), s_item_row);
    cr_assert_not_null(items);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(items[i]->row, i, "item %d was filled from row %d", i, items[i]->row);
        cr_assert_str_eq(items[i]->name, names[i]);
    }
    cr_assert_null(items[3], "the pointer array ends with NULL");
    cr_assert_eq(items[2]->n_parts, 3, "a row's children come from the same arena");
    cr_assert_str_eq(items[2]->parts[1], "y");
    cr_assert_neq(items[0], items[1]);
    hj_arena_free(&a);
}

Test(arena, rows_of_an_empty_result_are_an_empty_list)
{
    hj_arena_t a = {0};
    PGresult *r = hj_arena_keep(&a, s_rows_of(NULL, 0));
    void **items = hj_arena_rows(&a, r, 0, sizeof(s_item_t), s_item_row);
    cr_assert_not_null(items, "no rows is a list of none, not a failure");
    cr_assert_null(items[0]);
    hj_arena_free(&a);
}
