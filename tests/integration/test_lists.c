/* Issue #20 leftovers through the real `hj`: the audit and election lists
 * say what they left out (total, next, the Chinese footer, --all, --after
 * pages that do not overlap); election candidates are named by name or code
 * within the election's community, an ambiguous name refused with its
 * matches; the registry, talk and election options take their Chinese values
 * and refuse a bad one naming the option and what it accepts. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.pb-c.h"
#include "cli_test.h"
#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_wait.h"

#define OUT(...) cli_expect(&stack, 0, NULL, (const char *const[]){__VA_ARGS__, NULL})
#define OK(...) free(OUT(__VA_ARGS__))
/* Asserts the exit code; returns stderr (malloc'd). */
static char *s_fails(int want, const char *const *argv)
{
    char *err = NULL;
    free(cli_expect(&stack, want, &err, argv));
    return err;
}
#define FAILS(want, ...) s_fails(want, (const char *const[]){__VA_ARGS__, NULL})

#define OFFICER "11111111-1111-4111-8111-111111111111"
#define ELECTION "e0000000-0000-4000-8000-0000000000c1"

/* The places and the officer every test starts from; then the daemons stop,
 * for the tests' copies of its database. 0, or -1 with hj's message on stderr. */
static int hj_suite_seed(hj_stack_t *s)
{
    /* A write the bus does not answer within HJ_CONNECT_MS is saved offline and
     * exits 0: on a loaded machine that would leave a row out of the counts
     * asserted here, so these writes wait for the bus as long as it takes. */
    setenv("HJ_CONNECT_MS", "20000", 1);
    static const char *const programs[] = {"hj-registryd", "hj-auditd", "hj-interviewsd",
                                           "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "audit", "interviews", "tally", NULL};
    static const char *const person[] = {"person", "add",          "--name", "李强", "--gender",
                                         "male",   "--request-id", OFFICER,  NULL};
    int rc = hj_stack_start(s, programs, services) == 0 &&
                     HJ_SEED_PLACES(s, "KBS-BH-01", "KBS-BH-02") == 0 && hj_seed_run(s, person) == 0
                 ? 0
                 : -1;
    return hj_stack_seed_done(s, rc);
}

/* Each test counts what it wrote (totals of the whole record), so each has a
 * stack of its own; the seed is written once, by the runner, and each test's
 * database is a copy of it (starting and seeding a stack is seconds under ASan). */
TestSuite(lists, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 300);

/* The total of a --json list, -1 when absent. */
static long s_total(const char *json)
{
    const char *p = json ? strstr(json, "\"total\":") : NULL;
    return p ? strtol(p + 8, NULL, 10) : -1;
}

/* Every value of "key":"..." in json, in order, into ids (at most max). */
static int s_values(const char *json, const char *key, char ids[][37], int max)
{
    char pat[64];
    int n = 0;
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    for (const char *p = json; n < max && (p = strstr(p, pat)); n++) {
        p += strlen(pat);
        snprintf(ids[n], 37, "%.36s", p);
    }
    return n;
}

Test(lists, the_audit_list_of_155_says_its_total_and_pages_without_overlap)
{
    static char first[200][37], second[200][37], every[200][37];
    char next[64];
    /* 155 audits of one community, one a month from 2010-01, none overlapping:
     * the list is under test, not `hj audit open` (test_audit has it), so they
     * go through one client of this process, not 155 hj processes (seconds
     * each under ASan on a loaded machine). */
    hj_client_t *c = hj_stack_client(&stack, 20000, 3);
    cr_assert_not_null(c, "no client of the request bus");
    for (int i = 0; i < 155; i++) {
        char term[16], from[16], to[16], rid[37], auditor[] = "张审计", *auditors[] = {auditor};
        int year = 2010 + i / 12, month = 1 + i % 12;
        snprintf(term, sizeof term, "%d-%02d", year, month);
        snprintf(from, sizeof from, "%d-%02d-01", year, month);
        snprintf(to, sizeof to, "%d-%02d-28", year, month);
        hj_uuid_new(rid);
        Hj__Audit__Request req = HJ__AUDIT__REQUEST__INIT;
        Hj__Audit__Engagement e = HJ__AUDIT__ENGAGEMENT__INIT;
        e.community = (char *)"KBS-BH-01";
        e.term = term;
        e.period_from = from;
        e.period_to = to;
        e.n_auditors = 1;
        e.auditors = auditors;
        req.request_id = rid;
        req.op_case = HJ__AUDIT__REQUEST__OP_OPEN;
        req.open = &e;
        hj_status_t st;
        hj_stack_call_msg(c, "audit", &req.base, &st);
        cr_assert_eq(st.code, HJ__CODE__OK, "audit open %s: %d %s", term, st.code, st.message);
    }
    hj_client_destroy(&c);
    char *out = OUT("audit", "list");
    cr_assert(strstr(out, "显示 100 条，共 155 条（--all 全部；--after "),
              "the footer says what was left out: %s", out);
    cr_assert_eq(prep_count(out, "滨河社区"), 100, "one page of 100 rows");
    free(out);
    out = OUT("audit", "list", "--json");
    cr_assert_eq(s_total(out), 155, "%s", out);
    prep_json(out, "next", next, sizeof next);
    cr_assert(hj_uuid_valid(next), "next is an audit id: %s", next);
    int n1 = s_values(out, "audit_id", first, 200);
    cr_assert_eq(n1, 100);
    cr_assert_str_eq(next, first[99], "next is the last row of the page");
    free(out);
    out = OUT("audit", "list", "--after", next, "--json");
    int n2 = s_values(out, "audit_id", second, 200);
    cr_assert_eq(n2, 55, "the second page holds the rest: %s", out);
    cr_assert(strstr(out, "\"next\":\"\""), "the last page has no next: %s", out);
    cr_assert_eq(s_total(out), 155);
    free(out);
    for (int i = 0; i < n2; i++)
        for (int k = 0; k < n1; k++)
            cr_assert_str_neq(second[i], first[k], "row %s is on both pages", second[i]);
    out = OUT("audit", "list", "--all", "--json");
    cr_assert_eq(s_values(out, "audit_id", every, 200), 155, "--all: every audit");
    cr_assert(strstr(out, "\"total\":155") && strstr(out, "\"next\":\"\""), "%s", out);
    free(out);
    out = OUT("audit", "list", "--all");
    cr_assert_eq(prep_count(out, "滨河社区"), 155);
    cr_assert_null(strstr(out, "显示"), "nothing left out: no footer: %s", out);
    free(out);
    /* A filter's total is the filter's, and a page that is whole has no footer. */
    out = OUT("audit", "list", "--community", "KBS-BH-02", "--json");
    cr_assert_eq(s_total(out), 0, "%s", out);
    free(out);
    out = OUT("audit", "list", "--limit", "10", "--after", first[99], "--lang", "en");
    cr_assert(strstr(out, "showing 10 of 155 (--all for every one; --after "), "%s", out);
    free(out);
    /* A cursor that names no audit is refused, not an empty page. */
    char *err = FAILS(1, "audit", "list", "--after", "a0000000-0000-4000-8000-000000000999");
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "(field: after)"), "%s", err);
    free(err);
}

Test(lists, the_election_list_pages_with_total_and_next)
{
    char day[11], next[64], a[4][37], b[4][37];
    hj_date_from_today(60, day);
    OK("election", "schedule", "KBS-BH-01", "--body", "party", "--date", day, "--seats", "3");
    OK("election", "schedule", "KBS-BH-01", "--body", "residents", "--date", day, "--seats", "5");
    OK("election", "schedule", "KBS-BH-02", "--body", "party", "--date", day, "--seats", "3");
    char *out = OUT("election", "list", "--limit", "2");
    cr_assert(strstr(out, "显示 2 条，共 3 条（--all 全部；--after "), "%s", out);
    free(out);
    out = OUT("election", "list", "--limit", "2", "--json");
    cr_assert_eq(s_total(out), 3, "%s", out);
    prep_json(out, "next", next, sizeof next);
    int n1 = s_values(out, "id", a, 4);
    cr_assert_eq(n1, 2, "%s", out);
    cr_assert_str_eq(next, a[1]);
    free(out);
    out = OUT("election", "list", "--limit", "2", "--after", next, "--json");
    int n2 = s_values(out, "id", b, 4);
    cr_assert_eq(n2, 1, "%s", out);
    cr_assert(strstr(out, "\"next\":\"\""), "%s", out);
    cr_assert(strcmp(b[0], a[0]) != 0 && strcmp(b[0], a[1]) != 0, "pages overlap: %s", out);
    free(out);
    out = OUT("election", "list", "--limit", "1", "--all", "--json");
    cr_assert(strstr(out, "\"total\":3") && prep_count(out, "\"community_name\"") == 3, "%s", out);
    free(out);
    out = OUT("election", "list");
    cr_assert(strstr(out, "康和社区") && !strstr(out, "显示"), "a whole list has no footer: %s",
              out);
    free(out);
    char *err = FAILS(1, "election", "list", "--after", "not-an-id");
    cr_assert(strstr(err, "(field: after)"), "%s", err);
    free(err);
}

/* A person with a seat in `community`, nominated for its residents' committee when asked. */
static void s_person(const char *id, const char *name, const char *community, int nominated)
{
    char d10[11];
    hj_date_from_today(-10, d10);
    OK("person", "add", "--name", name, "--gender", "女", "--request-id", id);
    if (community)
        OK("seat", "add", "--community", community, "--person", id, "--committee", "居委会",
           "--role", "委员", "--from", "2021-01-15");
    if (nominated)
        OK("reserve", "add", "--person", id, "--community", "KBS-BH-01", "--committee", "residents",
           "--added", d10, "--status", "nominated", "--vetting", "cleared");
}

Test(lists, election_candidates_are_named_by_name_or_code_and_an_ambiguous_name_is_refused)
{
    char day[11];
    hj_date_from_today(60, day);
    /* Two 王伟: one sits in KBS-BH-01 (the election's), one in KBS-BH-02. */
    s_person("c0000000-0000-4000-8000-000000000001", "王伟", "KBS-BH-01", 1);
    s_person("c0000000-0000-4000-8000-000000000002", "王伟", "KBS-BH-02", 0);
    /* 李娜 has no seat: found district-wide. Two 张强 sit in KBS-BH-01. */
    s_person("c0000000-0000-4000-8000-000000000003", "李娜", NULL, 1);
    s_person("c0000000-0000-4000-8000-000000000004", "张强", "KBS-BH-01", 1);
    s_person("c0000000-0000-4000-8000-000000000005", "张强", "KBS-BH-01", 1);
    OK("election", "schedule", "KBS-BH-01", "--body", "居委会", "--date", day, "--seats", "1",
       "--request-id", ELECTION);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err =
        FAILS(1, "election", "candidates", ELECTION, "--person", "张强", "--person", "李娜");
    cr_assert(strstr(err, "--person 张强 is ambiguous") && strstr(err, "张强  KBS-BH-01") &&
                  prep_count(err, "张强  KBS-BH-01") == 2,
              "the matches with their codes and communities: %s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");
    char *who = OUT("person", "show", "c0000000-0000-4000-8000-000000000003", "--json"), code[16];
    prep_json(who, "code", code, sizeof code);
    free(who);
    cr_assert(code[0] == 'P', "李娜's code: %s", code);
    char *out = OUT("election", "candidates", ELECTION, "--person", "王伟", "--person", code);
    cr_assert(strstr(out, "1. 王伟  c0000000-0000-4000-8000-000000000001") &&
                  strstr(out, "2. 李娜  c0000000-0000-4000-8000-000000000003"),
              "王伟 of the election's community, 李娜 by her code, in ballot order: %s", out);
    free(out);
}

Test(lists, options_take_their_chinese_values_and_a_bad_one_is_refused_naming_the_option)
{
    char day[11], d10[11];
    hj_date_from_today(60, day);
    hj_date_from_today(-10, d10);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* Refused before anything is sent: the option, what was typed, what it accepts in Chinese. */
    char *err = FAILS(2, "talk", "add", "--community", "KBS-BH-01", "--phase", "春季", "--date",
                      d10, "--interviewer", OFFICER, "--party", "物业公司", "--name", "某物业",
                      "--summary", "谈");
    cr_assert(strstr(err, "--phase") && strstr(err, "春季") && strstr(err, "调研摸底 (survey)") &&
                  strstr(err, "准备阶段 (preparation)"),
              "%s", err);
    free(err);
    err = FAILS(2, "seat", "add", "--community", "KBS-BH-01", "--person", OFFICER, "--committee",
                "居委会", "--role", "组长", "--from", "2021-01-15");
    cr_assert(strstr(err, "--role") && strstr(err, "书记 (secretary)") &&
                  strstr(err, "主任 (director)"),
              "%s", err);
    free(err);
    err = FAILS(2, "community", "add", "--code", "KBS-BH-03", "--name", "新城社区", "--subdistrict",
                "KBS-BH", "--org", "支部");
    cr_assert(strstr(err, "--org") && strstr(err, "党总支 (general_branch)"), "%s", err);
    free(err);
    err = FAILS(2, "election", "schedule", "KBS-BH-02", "--body", "居委会", "--mode", "全体",
                "--date", day, "--seats", "5");
    cr_assert(strstr(err, "--mode") && strstr(err, "户代表选举 (household)"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");

    /* The Chinese values do what the English words do. */
    OK("community", "add", "--code", "KBS-BH-03", "--name", "新城社区", "--subdistrict", "KBS-BH",
       "--org", "党总支");
    char *out = OUT("community", "show", "KBS-BH-03");
    cr_assert(strstr(out, "党总支 (general_branch)"), "%s", out);
    free(out);
    OK("seat", "add", "--community", "KBS-BH-01", "--person", OFFICER, "--committee", "居委会",
       "--role", "主任", "--from", "2021-01-15");
    out = OUT("seat", "list", "--community", "KBS-BH-01");
    cr_assert(strstr(out, "residents") && strstr(out, "director") && strstr(out, "李强"), "%s",
              out);
    free(out);
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "调研摸底", "--date", d10,
       "--interviewer", OFFICER, "--party", "物业公司", "--name", "某物业", "--summary", "谈物业");
    out = OUT("talk", "list", "--community", "KBS-BH-01", "--phase", "调研摸底", "--json");
    cr_assert(strstr(out, "某物业") && strstr(out, "\"total\":1"), "%s", out);
    free(out);
    out = OUT("talk", "list", "--community", "KBS-BH-01", "--phase", "准备阶段", "--json");
    cr_assert(!strstr(out, "某物业") && strstr(out, "\"total\":0"), "%s", out);
    free(out);
    OK("election", "schedule", "KBS-BH-02", "--body", "居委会", "--mode", "户代表选举", "--date",
       day, "--seats", "5", "--request-id", ELECTION);
    out = OUT("election", "result", ELECTION, "--lang", "en");
    cr_assert(strstr(out, "residents election of KBS-BH-02") && strstr(out, "household mode"), "%s",
              out);
    free(out);
    out = OUT("election", "list", "--state", "已安排", "--json");
    cr_assert(strstr(out, ELECTION) && strstr(out, "\"total\":1"), "%s", out);
    free(out);
}
