/* hj report briefing against the demo district (deploy/demo.sh: the seed
 * report's own figures), loaded through the real CLI as if three days ago,
 * with a few more records today:
 *   - every figure in the text is the seed's, and equals what `hj board` and
 *     the list commands show;
 *   - --as-known-on the day of the load shows that day's (smaller) figures,
 *     the day before shows nothing, and neither leaves anything behind
 *     (--as-of, by the date on the record: test_asof.c);
 *   - a subdistrict that does not exist, a day in the future, a bad format
 *     are refused naming the field. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hj_envelope.h"
#include "hj_stack.h"
#include "cli_test.h"

static hj_stack_t stack;

/* Runs one SQL statement on the test's database as the superuser. */
static char *s_sql(const char *sql)
{
    PGconn *c = PQconnectdb(stack.db);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    char *value = strdup(st == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    PQfinish(c);
    return value;
}

/* The number after "key": in json, searching from the first `after` (or the start). */
static long s_num(const char *json, const char *after, const char *key)
{
    char pat[96];
    const char *p = after ? strstr(json, after) : json;
    cr_assert(p, "no %s in %.300s", after, json);
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(p, pat);
    cr_assert(p, "no %s in %.300s", key, json);
    return strtol(p + strlen(pat), NULL, 10);
}

/* The briefing as text (md), asserting exit 0. */
static char *s_briefing(const char *as_of)
{
    if (as_of)
        return HJ_OK(&stack, "report", "briefing", "--subdistrict", "KBS-BH", "--as-known-on",
                     as_of);
    return HJ_OK(&stack, "report", "briefing", "--subdistrict", "KBS-BH");
}

static void s_has(const char *text, const char *phrase)
{
    cr_assert(strstr(text, phrase), "the briefing does not say 「%s」:\n%s", phrase, text);
}

static void setup(void)
{
    cr_assert_eq(hj_stack_start_all(&stack), 0, "stack did not start");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(report, .init = setup, .fini = teardown, .timeout = 240);

Test(report, the_briefing_says_the_records_figures_now_and_as_of_a_past_day)
{
    char cmd[4096], today[11];
    hj_date_today(today);
    /* The load happened three days ago at noon (Asia/Shanghai): the journal's
     * time of each row is what --as-known-on reads. */
    char *day =
        s_sql("SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - 3, 'YYYY-MM-DD')");
    char *before =
        s_sql("SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - 4, 'YYYY-MM-DD')");
    char *start = s_sql("SELECT clock_timestamp()");
    snprintf(cmd, sizeof cmd,
             "ALTER TABLE bus.journal ALTER COLUMN committed_at SET DEFAULT "
             "'%s 12:00:00+08'::timestamptz + (clock_timestamp() - '%s'::timestamptz)",
             day, start);
    free(start);
    free(s_sql(cmd));
    snprintf(cmd, sizeof cmd,
             "HJ_DEVICE='%s' HJ_BUS='%s' HJ_BUS_EVENTS='%s' bash -c '. \"$0/deploy/demo.sh\" && "
             "demo_load \"$1\"' '%s' '%s/hj'",
             stack.device, stack.bus, stack.events, HJ_SOURCE_DIR, stack.bin_dir);
    cr_assert_eq(system(cmd), 0, "the demo district did not load");
    free(s_sql("ALTER TABLE bus.journal ALTER COLUMN committed_at SET DEFAULT clock_timestamp()"));

    /* Today: one more slogan push of 5, one more survey talk, one more reserve entry. */
    free(HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
               "--kind", "slogan", "--date", today, "--count", "5", "--title", "选好人，办好事"));
    const char *cadre = prep_person(&stack, "11111111-1111-4111-8111-000000000001", "赵新");
    free(HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-02", "--phase", "survey", "--date",
               today, "--interviewer", cadre, "--party", "property_company", "--name", "物业经理",
               "--summary", "了解小区情况"));
    free(HJ_OK(&stack, "reserve", "add", "--person", cadre, "--community", "KBS-BH-02",
               "--committee", "residents", "--source", "居民代表推荐", "--added", today));

    /* ---- now: the seed's figures plus today's, in the order of the measures -- */
    char *now = s_briefing(NULL);
    s_has(now, "# 滨河街道社区“两委”换届选举前期准备工作进展情况");
    s_has(now, "在电子屏、居民微信群推送换届标语57次，政策解读2篇（共7条推送记录）");
    s_has(now, "对4个社区现任“两委”班子成员36人中的36人进行了调查摸底");
    s_has(now, "后备人选42人台账");
    s_has(now, "共排查出需整顿的问题1个，已整顿到位1个");
    s_has(now, "1个社区成立了党委、2个社区成立党总支");
    s_has(now, "4个社区中已完成任期审计并公开4个");
    s_has(
        now,
        "调研摸底阶段累计谈话46人次（物业公司负责人16人次、业主委员会成员15人次、居民代表15人次）");
    s_has(now,
          "准备阶段累计与“两委”成员谈心谈话35人次，覆盖现任“两委”成员35人（共36人），尚未全覆盖");
    s_has(now, "成立换届工作指导组4个，指导社区4个；4个社区成立了选举委员会");
    s_has(now, "11月16日经指导组审定，11月16日起实施");
    s_has(now, "所辖社区结合各自实际制定选举方案4份，其中4份已审定实施");
    s_has(now, "11月17日举办培训1场，参训12人次；选举委员会成员12人中已参加培训12人");
    s_has(now, "4个社区中八项门槛全部通过0个；谈心谈话全覆盖未通过1个");

    /* ---- the same figures as hj board and the list commands ---------------- */
    char *json = HJ_OK(&stack, "report", "briefing", "--subdistrict", "KBS-BH", "--json");
    char *board = HJ_OK(&stack, "board", "--json");
    const char *totals = "\"totals\":";
    static const char *const same[] = {
        "members_sitting", "members_assessed",   "reserve_active",      "reserve_cleared",
        "talks_survey",    "talks_preparation",  "talk_covered",        "training_required",
        "training_done",   "rectification_open", "audit_open_findings", "tasks_overdue"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        cr_expect_eq(s_num(json, NULL, same[i]), s_num(board, totals, same[i]),
                     "%s: briefing %ld, board %ld", same[i], s_num(json, NULL, same[i]),
                     s_num(board, totals, same[i]));
    cr_expect_eq(s_num(json, NULL, "all_green"), s_num(board, "\"district\":", "all_green"));
    char *talks = HJ_OK(&stack, "talk", "list", "--phase", "survey", "--limit", "1000", "--json");
    cr_expect_eq(prep_count(talks, "\"phase\":\"survey\""), 46,
                 "talk list shows the 46 survey talks: %.200s", talks);
    char *reserve = HJ_OK(&stack, "reserve", "list", "--limit", "1000", "--json");
    cr_expect_eq(prep_count(reserve, "\"status\":\"active\"") +
                     prep_count(reserve, "\"status\":\"nominated\""),
                 42);
    /* The ledgers of one subdistrict are its communities' (the filter is not
     * ignored); a subdistrict that does not exist is refused, naming the field. */
    char *mine =
        HJ_OK(&stack, "reserve", "list", "--subdistrict", "KBS-BH", "--limit", "1000", "--json");
    char *other = HJ_REFUSED(&stack, "reserve", "list", "--subdistrict", "KBS-XX", "--limit",
                             "1000", "--json");
    cr_expect_eq(prep_count(mine, "\"status\":\"active\""), 42);
    cr_expect(strstr(other, "(field: subdistrict)"), "%s", other);
    free(mine);
    free(other);
    mine = HJ_OK(&stack, "task", "list", "--subdistrict", "KBS-BH", "--limit", "1000", "--json");
    other =
        HJ_REFUSED(&stack, "task", "list", "--subdistrict", "KBS-XX", "--limit", "1000", "--json");
    char *tasks = HJ_OK(&stack, "task", "list", "--limit", "1000", "--json");
    cr_expect_gt(prep_count(tasks, "\"plan_id\":"), 0);
    cr_expect_eq(prep_count(mine, "\"plan_id\":"), prep_count(tasks, "\"plan_id\":"));
    cr_expect(strstr(other, "(field: subdistrict)"), "%s", other);
    free(tasks);
    free(mine);
    free(other);
    mine = HJ_OK(&stack, "rectification", "list", "--subdistrict", "KBS-BH", "--json");
    other = HJ_REFUSED(&stack, "rectification", "list", "--subdistrict", "KBS-XX", "--json");
    cr_expect_eq(prep_count(mine, "\"problem\":"), 1);
    cr_expect(strstr(other, "(field: subdistrict)"), "%s", other);
    free(mine);
    free(other);
    char *publicity = HJ_OK(&stack, "publicity", "list", "--limit", "1000", "--json");
    cr_expect_eq(
        s_num(publicity, "\"kind\":\"policy_reading\",\"channel\":\"\",\"pushes\"", "count"), 2);
    cr_expect_eq(s_num(publicity, "\"kind\":\"slogan\",\"channel\":\"\",\"pushes\"", "count"), 57);
    char *upgrades = HJ_OK(&stack, "upgrade", "list", "--state", "approved", "--json");
    cr_expect_eq(prep_count(upgrades, "\"state\":\"approved\""), 3);
    char *groups = HJ_OK(&stack, "body", "list", "--kind", "guidance_group", "--json");
    cr_expect_eq(prep_count(groups, "\"kind\":\"guidance_group\""), 4);

    /* ---- as of the day of the load: the seed's figures, today's not yet ----- */
    char *then = s_briefing(day);
    s_has(then, "推送换届标语52次，政策解读2篇（共6条推送记录）");
    s_has(then, "后备人选41人台账");
    s_has(
        then,
        "调研摸底阶段累计谈话45人次（物业公司负责人15人次、业主委员会成员15人次、居民代表15人次）");
    s_has(then, "准备阶段累计与“两委”成员谈心谈话35人次");
    s_has(then, "11月17日举办培训1场，参训12人次");
    char *then_json = HJ_OK(&stack, "report", "briefing", "--subdistrict", "KBS-BH",
                            "--as-known-on", day, "--json");
    cr_expect_eq(s_num(then_json, NULL, "talks_survey"), 45);
    cr_expect_lt(s_num(then_json, NULL, "journal_seq"), s_num(json, NULL, "journal_seq"));

    /* ---- the day before: nothing was recorded yet ----------------------------- */
    char *empty = s_briefing(before);
    s_has(empty, "尚无宣传推送记录");
    s_has(empty, "对0个社区现任“两委”班子成员0人中的0人进行了调查摸底");

    /* Reading the past wrote nothing: the scratch tables are empty, and the
     * board is the one of now. */
    cr_expect_eq(hj_stack_scalar(&stack, "SELECT (SELECT count(*) FROM tally_asof.talk) + "
                                         "(SELECT count(*) FROM tally_asof.community) + "
                                         "(SELECT count(*) FROM tally_asof.publicity)"),
                 0);
    char *board_after = HJ_OK(&stack, "board", "--json");
    cr_expect_eq(s_num(board_after, totals, "talks_survey"), 46);

    /* ---- refusals name the field ----------------------------------------------- */
    char *err = HJ_REFUSED(&stack, "report", "briefing", "--subdistrict", "KBS-XX");
    cr_expect(strstr(err, "NOT_FOUND") && strstr(err, "subdistrict"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "report", "briefing", "--as-of", "2099-01-01");
    cr_expect(strstr(err, "as_of") && strstr(err, "future"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "report", "briefing", "--as-of", "2026-02-30");
    cr_expect(strstr(err, "as_of"), "%s", err);
    free(err);
    char *out = NULL;
    cr_expect_eq(hj_run(&stack, &out, &err, "report", "briefing", "--format", "pdf", NULL), 2);
    cr_expect(err && strstr(err, "--format"), "%s", err ? err : "");
    free(out);
    free(err);

    /* txt: the same words without Markdown. */
    char *txt = HJ_OK(&stack, "report", "briefing", "--subdistrict", "KBS-BH", "--format", "txt");
    cr_expect(!strstr(txt, "## ") && !strstr(txt, "|---"), "txt has Markdown:\n%s", txt);
    s_has(txt, "五、谈心谈话");
    s_has(txt, "调研摸底阶段累计谈话46人次");

    free(txt);
    free(board_after);
    free(empty);
    free(then_json);
    free(then);
    free(groups);
    free(upgrades);
    free(publicity);
    free(reserve);
    free(talks);
    free(board);
    free(json);
    free(now);
    free(before);
    free(day);
}
