/* Unit tests for hj_pgrow: a result row into a message, column by name. The
 * results are made without a server (libpq builds them for exactly this), so
 * what is asserted is what a reply would carry for such a row. */
#include <criterion/criterion.h>
#include <string.h>

#include "hj_pgrow.h"
#include "registry.pb-c.h"

/* A result of `ncols` text columns named `names`, and `nrows` rows of `values`
 * (row after row; NULL is SQL NULL). */
static PGresult *s_result(const char *const *names, int ncols, const char *const *values, int nrows)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc attrs[16];
    cr_assert_not_null(r);
    cr_assert_leq(ncols, 16);
    memset(attrs, 0, sizeof attrs);
    for (int c = 0; c < ncols; c++) {
        attrs[c].name = (char *)names[c];
        attrs[c].typid = 25; /* text */
        attrs[c].typlen = -1;
        attrs[c].atttypmod = -1;
    }
    cr_assert_eq(PQsetResultAttrs(r, ncols, attrs), 1);
    for (int i = 0; i < nrows; i++)
        for (int c = 0; c < ncols; c++) {
            const char *v = values[i * ncols + c];
            cr_assert_eq(PQsetvalue(r, i, c, (char *)v, v ? (int)strlen(v) : -1), 1);
        }
    return r;
}

Test(pgrow, fills_fields_by_column_name_in_any_order)
{
    static const char *const names[] = {"term_end", "person_name", "committee", "id", "role"};
    static const char *const values[] = {"2029-06-30", "王芳", "2", "5b0c", "director"};
    PGresult *r = s_result(names, 5, values, 1);
    Hj__Registry__Seat s = HJ__REGISTRY__SEAT__INIT;
    hj_pgrow_fill(r, 0, &s.base);
    cr_assert_str_eq(s.id, "5b0c");
    cr_assert_str_eq(s.role, "director");
    cr_assert_str_eq(s.term_end, "2029-06-30");
    cr_assert_str_eq(s.person_name, "王芳", "UTF-8 text is kept as it is");
    cr_assert_eq(s.committee, HJ__REGISTRY__COMMITTEE__RESIDENTS, "an enum is read as its number");
    cr_assert_str_eq(s.community, "", "a field no column names keeps its default");
    PQclear(r);
}

Test(pgrow, reads_numbers_and_bools_and_leaves_other_columns)
{
    static const char *const names[] = {"id", "due_before_plan", "overdue", "count", "voided"};
    static const char *const values[] = {"t-1", "t", "f", "17", "t"};
    PGresult *r = s_result(names, 5, values, 1);
    Hj__Registry__Task t = HJ__REGISTRY__TASK__INIT;
    hj_pgrow_fill(r, 0, &t.base);
    cr_assert_str_eq(t.id, "t-1");
    cr_assert(t.due_before_plan, "'t' is true");
    cr_assert_not(t.overdue, "'f' is false");
    cr_assert(t.voided);
    PQclear(r);

    static const char *const pnames[] = {"count", "date"};
    static const char *const pvalues[] = {"4294967295", "2026-03-01"};
    r = s_result(pnames, 2, pvalues, 1);
    Hj__Registry__Publicity p = HJ__REGISTRY__PUBLICITY__INIT;
    hj_pgrow_fill(r, 0, &p.base);
    cr_assert_eq(p.count, 4294967295u, "a uint32 keeps its whole range");
    cr_assert_str_eq(p.date, "2026-03-01");
    PQclear(r);
}

Test(pgrow, a_null_value_is_empty_text_and_zero)
{
    static const char *const names[] = {"community", "ability", "person_name"};
    static const char *const values[] = {NULL, NULL, NULL};
    PGresult *r = s_result(names, 3, values, 1);
    Hj__Registry__Assessment m = HJ__REGISTRY__ASSESSMENT__INIT;
    m.ability = 9;
    hj_pgrow_fill(r, 0, &m.base);
    cr_assert_str_eq(m.community, "");
    cr_assert_str_eq(m.person_name, "");
    cr_assert_eq(m.ability, 0);
    PQclear(r);
}

Test(pgrow, leaves_repeated_and_message_fields_alone)
{
    static const char *const names[] = {"name", "communities", "previous"};
    static const char *const values[] = {"李明", "KBS-BH-01,KBS-BH-02", "x"};
    PGresult *r = s_result(names, 3, values, 1);
    Hj__Registry__Person p = HJ__REGISTRY__PERSON__INIT;
    hj_pgrow_fill(r, 0, &p.base);
    cr_assert_str_eq(p.name, "李明");
    cr_assert_eq(p.n_communities, 0, "a repeated field is the caller's to split");
    cr_assert_null(p.communities);
    cr_assert_null(p.previous, "a message field is never set from text");
    PQclear(r);
}

Test(pgrow, list_makes_one_message_a_row_with_a_null_after_the_last)
{
    static const char *const names[] = {"code", "name", "org_type"};
    static const char *const values[] = {"KBS-BH-01", "滨河社区", "1",
                                         "KBS-BH-02", "河西社区", "3"};
    PGresult *r = s_result(names, 3, values, 2);
    hj_arena_t a = {0};
    Hj__Registry__Community **items =
        (Hj__Registry__Community **)hj_pgrow_list(&a, r, 2, &hj__registry__community__descriptor);
    cr_assert_not_null(items);
    cr_assert_str_eq(items[0]->code, "KBS-BH-01");
    cr_assert_str_eq(items[1]->name, "河西社区");
    cr_assert_eq(items[1]->org_type, HJ__REGISTRY__ORG_TYPE__COMMITTEE);
    cr_assert_str_eq(items[0]->subdistrict, "", "made with the descriptor's init");
    cr_assert_null(items[2]);
    /* A message made here packs like any other: the reply is built from it. */
    cr_assert_gt(protobuf_c_message_get_packed_size(&items[0]->base), 0);
    cr_assert_not_null(hj_pgrow_list(&a, r, 0, &hj__registry__community__descriptor),
                       "no rows is an empty list, not a failure");
    hj_arena_free(&a);
    PQclear(r);
}
