/* Issue #20 leftovers, items 2-4, through the real `hj` and daemons: the
 * preparation lists say what they left out (total, next, the footer,
 * --all); a name matching more persons than are listed says how many more;
 * an assessment names its seat by the sitting member; audit states and a
 * talk file's values in Chinese; Chinese confirmations and coverage by
 * default; an update's --reason kept in its journal row. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"

#define S_WRITE(path, text) cr_assert_eq(hj_test_write(path, text), 0, "cannot write %s", path)

#define WANG_LI HJ_SEED_WANG_LI
#define LI_QIANG HJ_SEED_LI_QIANG

#define OK(...) free(HJ_OK(&stack, __VA_ARGS__))

/* The places and the secretary every test starts from: written once, by the
 * runner; each test counts what it wrote, so each has a copy of its own. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", "hj-auditd", NULL};
    return hj_seed_field_suite(s, programs, (const char *const[]){"KBS-BH-01", NULL});
}

TestSuite(field_leftovers, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 240);

/* Journal rows of `kind` whose payload holds `text` (UTF-8). */
static long s_journal_has(const char *kind, const char *text)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM bus.journal WHERE kind = '%s' AND "
             "position(convert_to('%s', 'UTF8') IN payload) > 0",
             kind, text);
    return hj_suite_scalar(sql);
}

Test(field_leftovers, a_preparation_list_says_its_total_and_pages_without_overlap)
{
    char today[11], day[11], title[32], next[64];
    hj_date_today(today);
    /* One a day: the list's order (date, id) is then the codes' order. */
    for (int i = 1; i <= 5; i++) {
        snprintf(title, sizeof title, "标语%d", i);
        hj_date_from_today(i - 5, day);
        OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "screen", "--kind",
           "slogan", "--date", day, "--title", title);
    }
    char *out = HJ_OK(&stack, "publicity", "list", "--limit", "2");
    cr_assert(strstr(out, "X0001") && strstr(out, "X0002") && !strstr(out, "X0003"), "%s", out);
    cr_assert(strstr(out, "显示 2 条，共 5 条（--all 全部；--after "),
              "the footer says what was left out: %s", out);
    free(out);
    out = HJ_OK(&stack, "publicity", "list", "--limit", "2", "--json");
    cr_assert_eq(hj_json_number(out, "total"), 5, "%s", out);
    prep_json(out, "next", next, sizeof next);
    cr_assert(hj_uuid_valid(next), "next is the cursor of the next page: %s", out);
    free(out);
    out = HJ_OK(&stack, "publicity", "list", "--limit", "2", "--after", next);
    cr_assert(strstr(out, "X0003") && strstr(out, "X0004") && !strstr(out, "X0002") &&
                  !strstr(out, "X0005"),
              "the next page, no overlap: %s", out);
    free(out);
    out = HJ_OK(&stack, "publicity", "list", "--limit", "2", "--all");
    cr_assert(strstr(out, "X0001") && strstr(out, "X0005") && !strstr(out, "显示"),
              "--all: every row, nothing left out, no footer: %s", out);
    free(out);
    out = HJ_OK(&stack, "publicity", "list", "--limit", "2", "--all", "--json");
    cr_assert(strstr(out, "\"total\":5") && strstr(out, "\"next\":\"\"") && strstr(out, "标语1") &&
                  strstr(out, "标语5"),
              "%s", out);
    free(out);
    /* The same for every preparation list: the reserve ledger. */
    OK("reserve", "add", "--person", LI_QIANG, "--community", "KBS-BH-01", "--committee", "party",
       "--added", today);
    OK("reserve", "add", "--person", WANG_LI, "--community", "KBS-BH-01", "--committee",
       "residents", "--added", today);
    out = HJ_OK(&stack, "reserve", "list", "--limit", "1", "--lang", "en");
    cr_assert(strstr(out, "showing 1 of 2 (--all for every one; --after "), "%s", out);
    free(out);
}

Test(field_leftovers, a_name_matching_more_than_twenty_persons_says_how_many_more)
{
    char path[600], today[11];
    hj_date_today(today);
    snprintf(path, sizeof path, "%s/persons.csv", stack.run_dir);
    char csv[4096] = "姓名,性别,民族,出生日期,党员\n";
    for (int i = 0; i < 23; i++)
        strcat(csv, "王伟,男,汉族,1980-02-03,否\n");
    S_WRITE(path, csv);
    OK("person", "import", path);
    char *err =
        HJ_REFUSED(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date",
                   today, "--interviewer", "李强", "--person", "王伟", "--summary", "x");
    cr_assert(strstr(err, "23 persons match") && strstr(err, "and 3 more (23 in all)"),
              "never cut silently: %s", err);
    free(err);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM interviews.talk"), 0);
}

Test(field_leftovers, an_assessment_names_its_seat_by_the_sitting_member)
{
    char today[11];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "assessment", "add", "--seat", "王丽", "--community", "KBS-BH-01",
                      "--date", today, "--assessor", "张组长", "--ability", "4", "--performance",
                      "4", "--practice", "5", "--trust", "4", "--json");
    cr_assert(strstr(out, WANG_LI) && strstr(out, "\"person_name\":\"王丽\""), "%s", out);
    free(out);
    OK("assessment", "add", "--seat", "P0001", "--date", today, "--assessor", "张组长", "--ability",
       "3", "--performance", "3", "--practice", "3", "--trust", "3");
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM registry.assessment"), 2,
                 "by name and by code");
    char *err = HJ_REFUSED(&stack, "assessment", "add", "--seat", "李强", "--community",
                           "KBS-BH-01", "--date", today, "--assessor", "张组长", "--ability", "4",
                           "--performance", "4", "--practice", "5", "--trust", "4");
    cr_assert(strstr(err, "李强") && strstr(err, "not a sitting member"), "%s", err);
    free(err);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM registry.assessment"), 2,
                 "nothing recorded");
}

Test(field_leftovers, audit_states_and_a_talk_file_take_chinese_values)
{
    char today[11], path[600], json[1024];
    hj_date_today(today);
    OK("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from", "2021-01-01",
       "--to", "2025-12-31", "--auditor", "张审计");
    char *out = HJ_OK(&stack, "audit", "list", "--state", "计划");
    cr_assert(strstr(out, "KBS-BH-01"), "--state 计划 is planned: %s", out);
    free(out);
    out = HJ_OK(&stack, "audit", "list", "--state", "已公开");
    cr_assert(!strstr(out, "KBS-BH-01"), "none published: %s", out);
    free(out);
    char *err = NULL;
    free(cli_expect(&stack, 2, &err,
                    (const char *const[]){"audit", "list", "--state", "乱写", NULL}));
    cr_assert(strstr(err, "--state") && strstr(err, "已公开 (published)"), "%s", err);
    free(err);

    snprintf(path, sizeof path, "%s/talk.json", stack.run_dir);
    snprintf(json, sizeof json,
             "{\"id\": \"44444444-4444-4444-8444-444444444444\", "
             "\"community\": \"KBS-BH-01\", \"phase\": \"调研摸底\", \"date\": \"%s\", "
             "\"interviewers\": [\"%s\"], \"interviewee\": {\"name\": \"赵物业\", \"role\": "
             "\"物业公司负责人\"}, \"summary\": \"谈物业配合\"}",
             today, LI_QIANG);
    S_WRITE(path, json);
    OK("talk", "add", "--from", path);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM interviews.talk WHERE phase = 1 AND "
                                 "interviewee_role = 1"),
                 1, "调研摸底 and 物业公司负责人 understood");
}

Test(field_leftovers, an_update_keeps_its_reason_in_the_journal)
{
    char today[11];
    hj_date_today(today);
    OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "screen", "--kind", "slogan",
       "--date", today, "--title", "标语");
    OK("publicity", "update", "X0001", "--title", "依法选举", "--reason", "标题写错了");
    cr_assert_eq(s_journal_has("publicity_updated", "标题写错了"), 1, "the reason is journaled");
    OK("person", "update", "P0002", "--gender", "female", "--reason", "性别录错");
    cr_assert_eq(s_journal_has("person_updated", "性别录错"), 1);
    char *out =
        HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date",
              today, "--interviewer", "李强", "--person", "王丽", "--summary", "谈话");
    free(out);
    OK("talk", "update", "T0001", "--summary", "谈换届", "--reason", "摘要不全");
    cr_assert_eq(s_journal_has("talk_updated", "摘要不全"), 1);
}

Test(field_leftovers, training_coverage_is_chinese_by_default)
{
    char *out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "尚未登记选举委员会") && !strstr(out, "recorded"), "%s", out);
    free(out);
    OK("body", "add", "--kind", "election_committee", "--community", "KBS-BH-01", "--name",
       "滨河社区选举委员会", "--leader", WANG_LI);
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "选举委员会成员已培训 0 人，共 1 人") && strstr(out, "尚未培训"), "%s",
              out);
    free(out);
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01", "--lang", "en");
    cr_assert(strstr(out, "0 of 1 election-committee members trained"), "%s", out);
    free(out);
}
