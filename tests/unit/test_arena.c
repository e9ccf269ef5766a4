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
    char **items = hj_arena_split(&a, "a\x1f" "bb\x1f\x1f" "ccc", '\x1f', &n);
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
