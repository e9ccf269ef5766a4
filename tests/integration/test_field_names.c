/* Issue #20 items 1-3 through the real `hj`, broker, registry, interviews
 * and tally daemons: persons by name or code (and an ambiguous name
 * refused with the matches), lists that say what they left out (total,
 * next, --all), and corrections without deletion (void, update) that the
 * lists, coverage and the board follow. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_test.h"
#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_wait.h"
#include "interviews.pb-c.h"

#define S_WRITE(path, text) cr_assert_eq(hj_test_write(path, text), 0, "cannot write %s", path)

#define WANG_LI HJ_SEED_WANG_LI
#define LI_QIANG HJ_SEED_LI_QIANG
#define WANG_WEI_1 "55555555-5555-4555-8555-555555555551"
#define WANG_WEI_2 "55555555-5555-4555-8555-555555555552"

#define OK(...) free(HJ_OK(&stack, __VA_ARGS__))

/* The places and the secretary every test starts from: written once, by the
 * runner (starting and seeding a stack is seconds under ASan); each test
 * counts what it wrote (codes, totals), so each has a copy of its own. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", "hj-tallyd", NULL};
    return hj_seed_field_suite(s, programs, (const char *const[]){"KBS-BH-01", "KBS-BH-02", NULL});
}

TestSuite(field_names, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 240);

Test(field_names, every_person_has_a_code_and_a_talk_is_recorded_by_names)
{
    char today[11], code[16];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "person", "list", "--json");
    cr_assert(strstr(out, "\"code\":\"P0001\"") && strstr(out, "\"code\":\"P0002\""),
              "codes in the order recorded: %s", out);
    cr_assert_eq(hj_json_number(out, "total"), 2, "%s", out);
    free(out);
    /* Past the last page: no rows, and still how many there are. */
    out = HJ_OK(&stack, "person", "list", "--after", LI_QIANG, "--json");
    cr_assert(strstr(out, "\"items\":[]") && strstr(out, "\"total\":2,\"next\":\"\""), "%s", out);
    free(out);
    out = HJ_OK(&stack, "person", "list");
    cr_assert(strstr(out, "CODE") && strstr(out, "P0001") && strstr(out, "王丽"), "%s", out);
    cr_assert(!strstr(out, "显示"), "a whole list has no footer: %s", out);
    free(out);

    /* The interviewee by name, the interviewer by code. */
    out = HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "preparation",
                "--date", today, "--interviewer", "P0002", "--person", "王丽", "--summary",
                "谈换届工作的想法", "--json");
    cr_assert(strstr(out, WANG_LI) && strstr(out, LI_QIANG), "the ids behind the names: %s", out);
    cr_assert(strstr(out, "\"interviewee_code\":\"P0001\""), "%s", out);
    free(out);
    cr_assert_eq(
        hj_suite_scalar("SELECT count(*) FROM interviews.talk WHERE interviewee_person = '" WANG_LI
                        "'"),
        1);
    /* Coverage names the member with her code. */
    out = HJ_OK(&stack, "talk", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "王丽") && strstr(out, "P0001") && strstr(out, today), "%s", out);
    free(out);
    /* A list filtered by interviewer's name, and persons by part of a name. */
    out = HJ_OK(&stack, "talk", "list", "--interviewer", "李强", "--json");
    cr_assert_eq(hj_json_number(out, "total"), 1, "%s", out);
    free(out);
    out = HJ_OK(&stack, "person", "list", "--name", "王", "--community", "KBS-BH-01", "--json");
    cr_assert(strstr(out, WANG_LI) && !strstr(out, LI_QIANG), "%s", out);
    free(out);
    /* A name nobody has is refused, naming it; nothing is written. */
    char *err =
        HJ_REFUSED(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date",
                   today, "--interviewer", "P0002", "--person", "钱七", "--summary", "x");
    cr_assert(strstr(err, "钱七"), "%s", err);
    free(err);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM interviews.talk"), 1);
    (void)code;
}

Test(field_names, an_ambiguous_name_is_refused_listing_the_matches)
{
    char today[11], *err;
    hj_date_today(today);
    OK("person", "add", "--name", "王伟", "--gender", "male", "--request-id", WANG_WEI_1);
    OK("person", "add", "--name", "王伟", "--gender", "male", "--request-id", WANG_WEI_2);
    /* Neither sits anywhere: district-wide two match. */
    err = HJ_REFUSED(&stack, "seat", "add", "--community", "KBS-BH-01", "--person", "王伟",
                     "--committee", "residents", "--role", "member", "--from", "2021-01-15");
    cr_assert(strstr(err, "ambiguous") && strstr(err, "P0003") && strstr(err, "P0004"), "%s", err);
    free(err);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM registry.seat"), 1, "nothing was written");
    /* By code each is one person; then the name is resolved within a community. */
    OK("seat", "add", "--community", "KBS-BH-01", "--person", "P0003", "--committee", "residents",
       "--role", "member", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-02", "--person", "P0004", "--committee", "residents",
       "--role", "member", "--from", "2021-01-15");
    OK("talk", "add", "--community", "KBS-BH-02", "--phase", "preparation", "--date", today,
       "--interviewer", "李强", "--person", "王伟", "--summary", "谈话");
    cr_assert_eq(hj_suite_scalar(
                     "SELECT count(*) FROM interviews.talk WHERE interviewee_person = '" WANG_WEI_2
                     "'"),
                 1, "the 王伟 of 康和社区");
    /* An interviewer is looked for among the subdistrict's cadres first: with
     * 李强 leading its guidance group, a second 李强 elsewhere is no ambiguity. */
    OK("body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--subdistrict", "KBS-BH",
       "--leader", "李强", "--guides", "KBS-BH-01");
    OK("person", "add", "--name", "李强", "--gender", "male");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date", today,
       "--interviewer", "李强", "--person", "王伟", "--summary", "谈话");
    cr_assert_eq(hj_suite_scalar(
                     "SELECT count(*) FROM interviews.talk_interviewer WHERE person_id = '" LI_QIANG
                     "'"),
                 2, "both talks by the 李强 of the guidance group");
    err = HJ_REFUSED(&stack, "person", "show", "李强");
    cr_assert(strstr(err, "ambiguous") && strstr(err, "P0002  李强  KBS-BH-01"), "%s", err);
    free(err);
    /* Without a community both match: the matches are listed with their communities. */
    err = HJ_REFUSED(&stack, "person", "show", "王伟");
    cr_assert(strstr(err, "P0003  王伟  KBS-BH-01") && strstr(err, "P0004  王伟  KBS-BH-02"), "%s",
              err);
    free(err);
}

Test(field_names, a_long_list_says_what_it_left_out_and_all_pages_through)
{
    char date[11];
    hj_date_from_today(-3, date);
    /* 150 survey talks: the lists are under test, not `hj talk add` (the
     * other tests here write through it), so they go through one client of
     * this process, not 150 hj processes (seconds each under ASan on a
     * loaded machine). */
    hj_client_t *c = hj_stack_client(&stack, 20000, 3);
    cr_assert_not_null(c, "no client of the request bus");
    for (int i = 0; i < 150; i++) {
        char id[37], name[32], community[] = "KBS-BH-01", interviewer[] = LI_QIANG,
                               summary[] = "走访", *interviewers[] = {interviewer};
        hj_uuid_new(id);
        snprintf(name, sizeof name, "对象甲%d", i);
        Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
        Hj__Interviews__Talk t = HJ__INTERVIEWS__TALK__INIT;
        Hj__Interviews__Interviewee who = HJ__INTERVIEWS__INTERVIEWEE__INIT;
        who.role = HJ__INTERVIEWS__OUTSIDE_ROLE__RESIDENT_REPRESENTATIVE;
        who.name = name;
        t.id = id;
        t.community = community;
        t.phase = HJ__INTERVIEWS__PHASE__SURVEY;
        t.date = date;
        t.n_interviewers = 1;
        t.interviewers = interviewers;
        t.interviewee = &who;
        t.summary = summary;
        req.request_id = id;
        req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_ADD;
        req.talk_add = &t;
        hj_status_t st;
        hj_stack_call_msg(c, "interviews", &req.base, &st);
        cr_assert_eq(st.code, HJ__CODE__OK, "talk %d: %d %s", i, st.code, st.message);
    }
    hj_client_destroy(&c);
    char *out = HJ_OK(&stack, "talk", "list");
    cr_assert_eq(prep_count(out, "对象甲"), 100, "one page of 100");
    cr_assert(strstr(out, "显示 100 条，共 150 条（--all 全部；--after "), "the footer: %s", out);
    free(out);
    char next[64];
    out = HJ_OK(&stack, "talk", "list", "--json");
    cr_assert_eq(hj_json_number(out, "total"), 150, "%s", out);
    prep_json(out, "next", next, sizeof next);
    cr_assert(hj_uuid_valid(next), "next is a talk id: %s", next);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--after", next, "--json");
    cr_assert_eq(prep_count(out, "对象甲"), 50, "the second page");
    cr_assert(strstr(out, "\"next\":\"\""), "the last page has no next");
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--all", "--json");
    cr_assert_eq(prep_count(out, "对象甲"), 150, "--all: every talk");
    cr_assert(strstr(out, "\"total\":150") && strstr(out, "\"next\":\"\""), "%s", out);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--all");
    cr_assert_eq(prep_count(out, "对象甲"), 150);
    cr_assert(!strstr(out, "显示"), "nothing left out: no footer");
    free(out);
    /* The registry's lists say it the same way. */
    out = HJ_OK(&stack, "community", "list", "--limit", "1");
    cr_assert(strstr(out, "显示 1 条，共 2 条（--all 全部；--after KBS-BH-01 下一页）"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "community", "list", "--limit", "1", "--all", "--json");
    cr_assert(strstr(out, "KBS-BH-01") && strstr(out, "KBS-BH-02") && strstr(out, "\"total\":2"),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "seat", "list", "--json");
    cr_assert(strstr(out, "\"total\":1,\"next\":\"\""), "%s", out);
    free(out);
}

Test(field_names, a_voided_talk_stops_counting_in_coverage_lists_and_the_board)
{
    char today[11], id[64];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "preparation",
                      "--date", today, "--interviewer", "李强", "--person", "王丽", "--summary",
                      "测试误录", "--json");
    prep_json(out, "id", id, sizeof id);
    free(out);
    out = HJ_OK(&stack, "board", "KBS-BH-01", "--json");
    cr_assert(hj_json_number(out, "talks_preparation") == 1 &&
                  hj_json_number(out, "talk_covered") == 1,
              "%s", out);
    free(out);

    char *err = HJ_REFUSED(&stack, "talk", "void", id);
    cr_assert(strstr(err, "reason"), "a void needs a reason: %s", err);
    free(err);
    OK("talk", "void", id, "--reason", "录入错误：谈话对象不对");
    /* Kept, marked, and journaled. */
    cr_assert_eq(
        hj_suite_scalar("SELECT count(*) FROM interviews.talk WHERE voided_at IS NOT NULL"), 1);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM bus.journal WHERE kind = 'talk_voided'"), 1);
    out = HJ_OK(&stack, "talk", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "not yet") && strstr(out, "0/1"), "coverage counts what stands: %s", out);
    free(out);
    out = HJ_OK(&stack, "board", "KBS-BH-01", "--json");
    cr_assert(hj_json_number(out, "talks_preparation") == 0 &&
                  hj_json_number(out, "talk_covered") == 0,
              "the board counts what stands: %s", out);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--json");
    cr_assert(!strstr(out, id) && hj_json_number(out, "total") == 0, "%s", out);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--include-void");
    cr_assert(strstr(out, id) && strstr(out, "已作废"), "%s", out);
    free(out);
    err = HJ_REFUSED(&stack, "talk", "update", id, "--summary", "改");
    cr_assert(strstr(err, "voided"), "%s", err);
    free(err);
}

Test(field_names, a_correction_keeps_the_original_and_lists_show_the_new_value)
{
    char today[11], id[64];
    hj_date_today(today);
    OK("person", "update", "P0001", "--name", "王莉", "--party-member", "yes", "--reason",
       "错别字");
    char *out = HJ_OK(&stack, "person", "list");
    cr_assert(strstr(out, "王莉") && !strstr(out, "王丽"), "%s", out);
    free(out);
    /* The journal keeps what it was; coverage follows the registry. */
    cr_assert_eq(
        hj_suite_scalar("SELECT count(*) FROM bus.journal WHERE kind = 'person_updated' AND "
                        "position('\\xe78e8be4b8bd'::bytea in payload) > 0"),
        1, "the previous name 王丽 is in the journal row");
    out = HJ_OK(&stack, "talk", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "王莉"), "%s", out);
    free(out);

    /* A talk's summary and date corrected; the old ones in the journal. */
    char date[11];
    hj_date_from_today(-2, date);
    out =
        HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date",
              today, "--interviewer", "李强", "--person", "王莉", "--summary", "初稿", "--json");
    prep_json(out, "id", id, sizeof id);
    free(out);
    OK("talk", "update", id, "--summary", "定稿", "--date", date);
    out = HJ_OK(&stack, "talk", "show", id);
    cr_assert(strstr(out, "定稿") && strstr(out, date), "%s", out);
    free(out);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM bus.journal WHERE kind = 'talk_updated' AND "
                                 "position(convert_to('初稿', 'UTF8') in payload) > 0"),
                 1);

    /* A stray person is voided: hidden, shown marked on request, refused a second time. */
    OK("person", "add", "--name", "测试人员", "--gender", "male");
    OK("person", "void", "测试人员", "--reason", "测试数据");
    out = HJ_OK(&stack, "person", "list");
    cr_assert(!strstr(out, "测试人员"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "person", "list", "--include-void");
    cr_assert(strstr(out, "测试人员 (已作废)"), "%s", out);
    free(out);
    /* A sitting member cannot be voided: the seat ends first. */
    char *err = HJ_REFUSED(&stack, "person", "void", "P0001", "--reason", "x");
    cr_assert(strstr(err, "seat"), "%s", err);
    free(err);
}

Test(field_names, a_person_import_with_one_bad_line_changes_nothing)
{
    char path[600];
    snprintf(path, sizeof path, "%s/persons.csv", stack.run_dir);
    S_WRITE(path, "姓名,性别,民族,出生日期,党员\n"
                  "张三,男,汉族,1980-02-03,是\n"
                  "李四,unknown,蒙古族,1985-04-05,否\n"
                  "王五,女,汉族,2999-01-01,否\n");
    long before = hj_suite_scalar("SELECT count(*) FROM registry.person");
    char *err = HJ_REFUSED(&stack, "person", "import", path);
    cr_assert(strstr(err, "line 3") && strstr(err, "line 4") && !strstr(err, "line 2"),
              "every bad line named: %s", err);
    free(err);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM registry.person"), before,
                 "nothing imported");
    S_WRITE(path, "姓名,性别,民族,出生日期,党员\n"
                  "张三,男,汉族,1980-02-03,是\n"
                  "李四,女,蒙古族,1985-04-05,否\n");
    char *out = HJ_OK(&stack, "person", "import", path);
    cr_assert(strstr(out, "2 persons imported") && strstr(out, "P0003") && strstr(out, "P0004"),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "person", "list", "--name", "李四", "--json");
    cr_assert(strstr(out, "蒙古族") && strstr(out, "\"party_member\":false"), "%s", out);
    free(out);
    /* The imported persons are known to the interviews roster too. */
    char today[11];
    hj_date_today(today);
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date", today,
       "--interviewer", "李强", "--person", "张三", "--summary", "了解情况");
}

/* A list's total is counted up to 10,000 talks (HJ_LIST_COUNT_MAX): a page
 * costs what the page touches, not the whole table; past that the footer
 * says "10,000+" and --json's total is 10,001. The talks are bulk-loaded
 * straight into the table (journal_fill's way, without their journal rows):
 * ten thousand calls would measure the write path, not the list. */
Test(field_names, a_list_of_more_than_ten_thousand_says_so_without_counting_them_all)
{
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r =
        PQexec(c, "INSERT INTO interviews.community (code, name) VALUES ('KBS-BH-02', '康和社区') "
                  "ON CONFLICT DO NOTHING; "
                  "INSERT INTO interviews.talk (id, community, phase, talk_date, interviewee_role, "
                  "interviewee_name, summary, recorded_by) "
                  "SELECT gen_random_uuid(), 'KBS-BH-02', 1, DATE '2026-11-01' + (g % 20), 1, "
                  "'居民' || g, '入户走访', 'bulk' FROM generate_series(1, 10050) g");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    char *out = HJ_OK(&stack, "talk", "list", "--community", "KBS-BH-02");
    cr_assert(strstr(out, "显示 100 条，共 10,000+ 条（--all 全部；--after "), "the footer: %s",
              out);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--community", "KBS-BH-02", "--lang", "en");
    cr_assert(strstr(out, "showing 100 of 10,000+ (--all for every one; --after "), "%s", out);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--community", "KBS-BH-02", "--json");
    cr_assert_eq(hj_json_number(out, "total"), 10001, "more than 10,000: %s", out);
    free(out);
    /* A filter under the cap is still counted exactly (one day of the 20). */
    out = HJ_OK(&stack, "talk", "list", "--community", "KBS-BH-02", "--since", "2026-11-01",
                "--until", "2026-11-01", "--json");
    cr_assert_eq(hj_json_number(out, "total"), 502, "%s", out);
    free(out);
}
