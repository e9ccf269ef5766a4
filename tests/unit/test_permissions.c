/* hj_auth: role names, permission tables (the deny-by-default rules), and
 * the community scope of guidance groups and election committees. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hj_auth.h"

enum { OP_READ = 1, OP_WRITE = 2, OP_ADMIN = 3, OP_UNLISTED = 4, OP_TALK = 5, OP_PERSON = 6 };

static const hj_permission_t s_table[] = {
    {OP_READ, "thing_list", 0, HJ_READ_FIGURES, 0, 0},
    {OP_WRITE, "thing_add", 1, HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_GUIDANCE_GROUP, 0, 0},
    {OP_ADMIN, "district_add", 1, HJ_ROLE_DISTRICT_ADMIN, 0, 0},
    {OP_TALK, "talk_get", 0, HJ_READ_RECORD, 1, 0},
    {OP_PERSON, "person_get", 0, HJ_READ_FIGURES, 0, HJ_PERSONAL},
    {0, NULL, 0, 0, 0, 0},
};

static Hj__Identity s_who(const char *role, char **communities, size_t n)
{
    Hj__Identity who = HJ__IDENTITY__INIT;
    who.device = "dev-1";
    who.team = "第一指导组";
    who.role = (char *)role;
    who.scoped = hj_role_scoped(hj_role_parse(role));
    who.communities = communities;
    who.n_communities = n;
    return who;
}

Test(permissions, roles_have_one_name_each)
{
    const char *names[] = {"district-admin", "subdistrict-office", "guidance-group",
                           "auditor",        "election-committee", "observer"};
    unsigned seen = 0;
    for (size_t i = 0; i < 6; i++) {
        unsigned r = hj_role_parse(names[i]);
        cr_assert(r, "%s", names[i]);
        cr_assert_str_eq(hj_role_name(r), names[i]);
        cr_assert_eq(seen & r, 0, "distinct bits");
        seen |= r;
    }
    cr_assert_eq(seen, HJ_ROLES_ALL);
    cr_assert_eq(hj_role_parse("District-Admin"), 0);
    cr_assert_eq(hj_role_parse(""), 0);
    cr_assert_eq(hj_role_parse(NULL), 0);
    cr_assert_null(hj_role_name(HJ_ROLE_AUDITOR | HJ_ROLE_OBSERVER));
    cr_assert(hj_role_scoped(HJ_ROLE_GUIDANCE_GROUP) && hj_role_scoped(HJ_ROLE_ELECTION_COMMITTEE));
    cr_assert_not(hj_role_scoped(HJ_ROLE_SUBDISTRICT_OFFICE) || hj_role_scoped(HJ_ROLE_OBSERVER));
}

Test(permissions, the_table_says_who_and_whether_it_writes)
{
    hj_status_t st;
    Hj__Identity gg = s_who("guidance-group", NULL, 0), obs = s_who("observer", NULL, 0);
    cr_assert(hj_auth_is_write(s_table, OP_WRITE));
    cr_assert_not(hj_auth_is_write(s_table, OP_READ));
    cr_assert_not(hj_auth_is_write(s_table, OP_UNLISTED));
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_READ, 0, &obs), 0,
                 "everyone reads the figures");
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_WRITE, 1, &gg), 0);
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_WRITE, 1, &obs), -1);
    cr_assert_eq(st.code, HJ__CODE__PERMISSION_DENIED);
    cr_assert_str_eq(st.field, "role");
    cr_assert_str_eq(st.message, "role observer may not call svc.thing_add (device dev-1)");
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_ADMIN, 1, &gg), -1);
    cr_assert(strstr(st.message, "guidance-group") && strstr(st.message, "svc.district_add"), "%s",
              st.message);
}

Test(permissions, anything_not_declared_is_refused)
{
    hj_status_t st;
    Hj__Identity admin = s_who("district-admin", NULL, 0), nobody = s_who("root", NULL, 0);
    /* An operation missing from the table: refused even to the district. */
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_UNLISTED, 0, &admin), -1);
    cr_assert_eq(st.code, HJ__CODE__PERMISSION_DENIED);
    /* No table: reads pass, no role writes. */
    cr_assert_eq(hj_auth_permit(&st, "svc", NULL, OP_READ, 0, &admin), 0);
    cr_assert_eq(hj_auth_permit(&st, "svc", NULL, OP_WRITE, 1, &admin), -1);
    cr_assert_eq(st.code, HJ__CODE__PERMISSION_DENIED);
    cr_assert(strstr(st.message, "declares no permission table"), "%s", st.message);
    /* No identity, or a role that does not exist. */
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_READ, 0, NULL), -1);
    cr_assert_eq(st.code, HJ__CODE__UNAUTHENTICATED);
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_READ, 0, &nobody), -1);
    cr_assert_eq(st.code, HJ__CODE__UNAUTHENTICATED);
    /* A read operation that arrives as a write is a service bug, not a grant. */
    cr_assert_eq(hj_auth_permit(&st, "svc", s_table, OP_READ, 1, &admin), -1);
    cr_assert_eq(st.code, HJ__CODE__INTERNAL);
}

Test(permissions, scoped_roles_write_only_for_their_communities)
{
    hj_status_t st;
    char *mine[] = {"KBS-BH-01", "KBS-BH-03"};
    Hj__Identity gg = s_who("guidance-group", mine, 2),
                 office = s_who("subdistrict-office", NULL, 0);
    Hj__Identity lonely = s_who("election-committee", NULL, 0);
    cr_assert_eq(hj_auth_in_scope(&st, &gg, "KBS-BH-01"), 0);
    cr_assert_eq(hj_auth_in_scope(&st, &gg, "KBS-BH-03"), 0);
    cr_assert_eq(hj_auth_in_scope(&st, &gg, "KBS-BH-02"), -1);
    cr_assert_eq(st.code, HJ__CODE__PERMISSION_DENIED);
    cr_assert_str_eq(st.field, "community");
    cr_assert(strstr(st.message, "guidance-group") && strstr(st.message, "KBS-BH-02") &&
                  strstr(st.message, "2 communities"),
              "%s", st.message);
    /* A record of no community (a subdistrict's) is not in anyone's scope. */
    cr_assert_eq(hj_auth_in_scope(&st, &gg, "-"), -1);
    cr_assert_eq(hj_auth_in_scope(&st, &gg, ""), -1);
    cr_assert_eq(hj_auth_in_scope(&st, &lonely, "KBS-BH-01"), -1, "a scope with no communities");
    /* Unscoped roles write anywhere; a missing identity writes nowhere. */
    cr_assert_eq(hj_auth_in_scope(&st, &office, "KBS-BH-02"), 0);
    cr_assert_eq(hj_auth_in_scope(&st, &office, "-"), 0);
    cr_assert_eq(hj_auth_in_scope(&st, NULL, "KBS-BH-01"), -1);
    cr_assert_eq(st.code, HJ__CODE__UNAUTHENTICATED);
}

/* ---- reads -------------------------------------------------------------------- */

Test(permissions, a_read_is_refused_to_a_role_the_table_does_not_name)
{
    hj_status_t st;
    char *mine[] = {"KBS-BH-01"};
    Hj__Identity obs = s_who("observer", NULL, 0), gg = s_who("guidance-group", mine, 1),
                 aud = s_who("auditor", NULL, 0), office = s_who("subdistrict-office", NULL, 0);
    cr_assert_eq(hj_auth_permit(&st, "interviews", s_table, OP_TALK, 0, &obs), -1);
    cr_assert_eq(st.code, HJ__CODE__PERMISSION_DENIED);
    cr_assert_str_eq(st.field, "role");
    cr_assert_str_eq(st.message, "role observer may not read interviews.talk_get (device dev-1)");
    cr_assert_eq(hj_auth_permit(&st, "interviews", s_table, OP_TALK, 0, &aud), -1);
    cr_assert_eq(hj_auth_permit(&st, "interviews", s_table, OP_TALK, 0, &gg), 0);
    cr_assert_eq(hj_auth_permit(&st, "interviews", s_table, OP_TALK, 0, &office), 0);
    /* The figures: every role. */
    cr_assert_eq(hj_auth_permit(&st, "interviews", s_table, OP_READ, 0, &obs), 0);
    cr_assert_eq(hj_auth_permit(&st, "interviews", s_table, OP_READ, 0, &aud), 0);
}

Test(permissions, a_scoped_read_of_one_record_is_judged_on_its_community)
{
    hj_status_t st;
    char *mine[] = {"KBS-BH-01", "KBS-BH-03"};
    Hj__Identity gg = s_who("guidance-group", mine, 2),
                 office = s_who("subdistrict-office", NULL, 0),
                 lonely = s_who("guidance-group", NULL, 0);
    const hj_permission_t *talk = hj_auth_find(s_table, OP_TALK),
                          *figures = hj_auth_find(s_table, OP_READ);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &gg, "KBS-BH-03"), 0);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &gg, "KBS-BH-02"), -1);
    cr_assert_eq(st.code, HJ__CODE__PERMISSION_DENIED);
    cr_assert_str_eq(st.field, "community");
    cr_assert(strstr(st.message, "role guidance-group") &&
                  strstr(st.message, "may not read interviews.talk_get of community KBS-BH-02"),
              "%s", st.message);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &lonely, "KBS-BH-01"), -1,
                 "a scope with no communities reads none");
    /* Unscoped roles, an operation the table does not scope, a list the handler filtered. */
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &office, "KBS-BH-02"), 0);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", figures, &gg, "KBS-BH-02"), 0);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", figures, &gg, ""), 0);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &gg, NULL), 0, "a filtered list");
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &office, ""), 0);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", NULL, &gg, "KBS-BH-02"), 0, "no table entry");
    /* A scoped reply that names no community: refused, so a handler that forgot shows nothing. */
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &gg, ""), -1);
    cr_assert_str_eq(st.field, "community");
    cr_assert(strstr(st.message, "this reply names none"), "%s", st.message);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, &gg, "-"), -1);
    cr_assert_eq(hj_auth_may_read(&st, "interviews", talk, NULL, "KBS-BH-02"), -1);
    cr_assert_eq(st.code, HJ__CODE__UNAUTHENTICATED);
}

/* One call of a scope function: what it answers and the communities it
 * gives (NULL: every one, or none asked). */
typedef struct {
    const hj_permission_t *op;
    const Hj__Identity *who;
    int rc;
    const char *communities;
    const char *why;
} s_scope_case_t;

static void s_scope_cases(int (*scope)(const hj_permission_t *, const Hj__Identity *, char **),
                          const s_scope_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const s_scope_case_t *c = &cases[i];
        char *communities = (char *)1;
        cr_assert_eq(scope(c->op, c->who, &communities), c->rc, "case %zu: %s", i, c->why);
        if (c->communities)
            cr_assert_str_eq(communities, c->communities, "case %zu: %s", i, c->why);
        else
            cr_assert_null(communities, "case %zu: %s", i, c->why);
        free(communities);
    }
}

Test(permissions, a_list_takes_its_community_filter_from_the_scope)
{
    char *mine[] = {"KBS-BH-01", "KBS-BH-03"}, *odd[] = {"A\"B"};
    Hj__Identity gg = s_who("guidance-group", mine, 2), obs = s_who("observer", NULL, 0),
                 ec = s_who("election-committee", mine, 1),
                 lonely = s_who("guidance-group", NULL, 0),
                 quoted = s_who("guidance-group", odd, 1);
    const hj_permission_t *talk = hj_auth_find(s_table, OP_TALK),
                          *figures = hj_auth_find(s_table, OP_READ);
    const s_scope_case_t cases[] = {
        {talk, &gg, 0, "{\"KBS-BH-01\",\"KBS-BH-03\"}", "its communities"},
        {talk, &ec, 0, "{\"KBS-BH-01\"}", "its one community"},
        {talk, &lonely, 0, "{}", "no communities: an empty filter, not every community"},
        {talk, &quoted, 0, "{\"A\\\"B\"}", "a code cannot change the array's shape"},
        /* NULL: every community. */
        {talk, &obs, 0, NULL, "an unscoped role"},
        {figures, &gg, 0, NULL, "an operation the table does not scope"},
        {NULL, &gg, 0, NULL, "no table entry"},
    };
    s_scope_cases(hj_auth_read_scope, cases, sizeof cases / sizeof cases[0]);
}

Test(permissions, personal_details_go_only_to_the_roles_that_need_them)
{
    char *mine[] = {"KBS-BH-01"};
    Hj__Identity admin = s_who("district-admin", NULL, 0),
                 office = s_who("subdistrict-office", NULL, 0),
                 ec = s_who("election-committee", mine, 1), gg = s_who("guidance-group", mine, 1),
                 obs = s_who("observer", NULL, 0), aud = s_who("auditor", NULL, 0);
    const hj_permission_t *person = hj_auth_find(s_table, OP_PERSON),
                          *figures = hj_auth_find(s_table, OP_READ);
    const s_scope_case_t cases[] = {
        {person, &admin, 1, NULL, "every person"},
        {person, &office, 1, NULL, "every person"},
        {person, &ec, 1, "{\"KBS-BH-01\"}", "an election committee: its community's persons"},
        {person, &gg, 0, NULL, "a guidance group: none"},
        {person, &obs, 0, NULL, "an observer: none"},
        {person, &aud, 0, NULL, "an auditor: none"},
        {figures, &admin, 0, NULL, "an op that names none gives none"},
        {NULL, &admin, 0, NULL, "no table entry"},
        {person, NULL, 0, NULL, "no identity"},
    };
    s_scope_cases(hj_auth_personal, cases, sizeof cases / sizeof cases[0]);
}
