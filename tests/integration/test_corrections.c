/* Issue #20 item 3 for the rest of the field record, through the real `hj`,
 * broker, registry and tally daemons: publicity pushes, assessments, reserve
 * entries, training sessions and plan tasks are voided with a reason (kept,
 * marked, no longer counted by lists, totals or the board) and, where a field
 * can be wrong, corrected with one journaled change that keeps the old value. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"

/* 滨河 party secretary, on the committee */
#define WANG_LI HJ_SEED_WANG_LI
#define LI_QIANG HJ_SEED_LI_QIANG
#define UNKNOWN "99999999-9999-4999-8999-999999999999"

#define OK(...) free(HJ_OK(&stack, __VA_ARGS__))

/* The places and the secretary every test starts from: written once, by the
 * runner; each test counts what it wrote, so each has a copy of its own. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-tallyd", NULL};
    return hj_seed_field_suite(s, programs, (const char *const[]){"KBS-BH-01", NULL});
}

TestSuite(corrections, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 240);

static long s_journal(const char *kind)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM bus.journal WHERE kind = '%s'", kind);
    return hj_suite_scalar(sql);
}

/* A counter of 滨河社区's board (hj board --json). */
static long s_board(const char *counter)
{
    char *out = HJ_OK(&stack, "board", "KBS-BH-01", "--json");
    long n = hj_json_number(out, counter);
    free(out);
    return n;
}

/* The id of the record an add printed (--json). */
static void s_added(const char *json, char id[64])
{
    prep_json(json, "id", id, 64);
    cr_assert(hj_uuid_valid(id), "an id in %s", json);
}

/* What every kind shares: `hj KIND void ID` without a reason is refused
 * naming `reason` and changes nothing; with one the record leaves the list,
 * shows marked with --include-void, is kept with its reason, and is journaled
 * once; a second void (a new request) is refused as already voided, and an
 * unknown id as not found. `list` is the kind's list verb with its options. */
static void s_void(const char *kind, const char *table, const char *id, const char *const *list,
                   size_t nlist)
{
    char voided[64], sql[256];
    const char *argv[12] = {0};
    snprintf(voided, sizeof voided, "%s_voided", kind);

    char *err = HJ_REFUSED(&stack, kind, "void", id);
    cr_assert(strstr(err, "reason"), "a void names the missing reason: %s", err);
    free(err);
    err = HJ_REFUSED(&stack, kind, "void", id, "--reason", "   ");
    cr_assert(strstr(err, "reason"), "a blank reason is no reason: %s", err);
    free(err);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE voided_at IS NOT NULL", table);
    cr_assert_eq(hj_suite_scalar(sql), 0, "a refused void changes nothing");

    char *out = HJ_OK(&stack, kind, "void", id, "--reason", "录入错误");
    cr_assert(strstr(out, "已作废"), "Chinese by default: %s", out);
    free(out);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM %s WHERE id = '%s' AND voided_at IS NOT NULL AND "
             "void_reason = '录入错误'",
             table, id);
    cr_assert_eq(hj_suite_scalar(sql), 1, "the row is kept, with why");
    cr_assert_eq(s_journal(voided), 1, "one journaled change");

    for (size_t i = 0; i < nlist; i++)
        argv[i] = list[i];
    argv[nlist] = "--json";
    out = prep_ok(&stack, argv);
    cr_assert(!strstr(out, id), "the list hides it: %s", out);
    free(out);
    argv[nlist] = "--include-void";
    out = prep_ok(&stack, argv);
    cr_assert(strstr(out, id) && strstr(out, "已作废"), "shown marked on request: %s", out);
    free(out);

    err = HJ_REFUSED(&stack, kind, "void", id, "--reason", "again");
    cr_assert(strstr(err, "already voided"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, kind, "void", UNKNOWN, "--reason", "x");
    cr_assert(strstr(err, "not found"), "%s", err);
    free(err);
    cr_assert_eq(s_journal(voided), 1, "refusals journal nothing");
}

Test(corrections, a_voided_push_leaves_the_list_totals_and_the_board)
{
    char today[11], id[64], keep[64];
    hj_date_today(today);
    char *out =
        HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
              "--kind", "slogan", "--date", today, "--count", "3", "--title", "误录标语", "--json");
    s_added(out, id);
    free(out);
    out =
        HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
              "--kind", "slogan", "--date", today, "--count", "2", "--title", "换届标语", "--json");
    s_added(out, keep);
    free(out);
    cr_assert_eq(s_board("publicity_pushes"), 5);

    static const char *const list[] = {"publicity", "list"};
    s_void("publicity", "registry.publicity", id, list, 2);
    cr_assert_eq(s_board("publicity_pushes"), 2, "the board counts what stands");
    out = HJ_OK(&stack, "report", "briefing", "--subdistrict", "KBS-BH", "--json");
    cr_assert(strstr(out, "\"records\":1,\"count\":2"), "the briefing counts what stands: %s", out);
    free(out);
    /* The totals under the list count what stands, even with --include-void. */
    out = HJ_OK(&stack, "publicity", "list", "--include-void", "--json");
    cr_assert(strstr(out, "\"pushes\":1,\"count\":2"), "%s", out);
    free(out);
}

Test(corrections, a_push_corrected_moves_the_count_and_keeps_the_old_values)
{
    char today[11], earlier[11], id[64];
    hj_date_today(today);
    hj_date_from_today(-3, earlier);
    char *out = HJ_OK(&stack, "publicity", "add", "--subdistrict", "KBS-BH", "--channel",
                      "wechat_group", "--kind", "policy_reading", "--date", today, "--count", "4",
                      "--title", "政策解读（初稿）", "--json");
    s_added(out, id);
    free(out);
    cr_assert_eq(s_board("publicity_pushes"), 4);

    char *err = HJ_REFUSED(&stack, "publicity", "update", id);
    cr_assert(strstr(err, "nothing to correct"), "%s", err);
    free(err);
    OK("publicity", "update", id, "--count", "1", "--date", earlier, "--title", "政策解读");
    out = HJ_OK(&stack, "publicity", "show", id);
    cr_assert(strstr(out, earlier) && strstr(out, "政策解读") && !strstr(out, "初稿"), "%s", out);
    free(out);
    cr_assert_eq(s_board("publicity_pushes"), 1, "the board follows the correction");
    cr_assert_eq(s_journal("publicity_updated"), 1);
    cr_assert_eq(
        hj_suite_scalar("SELECT count(*) FROM bus.journal WHERE kind = 'publicity_updated' AND "
                        "position(convert_to('政策解读（初稿）', 'UTF8') in payload) > 0"),
        1, "the journal keeps the title before the correction");
    /* A voided push cannot be corrected. */
    OK("publicity", "void", id, "--reason", "重复录入");
    err = HJ_REFUSED(&stack, "publicity", "update", id, "--count", "2");
    cr_assert(strstr(err, "voided"), "%s", err);
    free(err);
    cr_assert_eq(s_journal("publicity_updated"), 1);
}

Test(corrections, a_voided_assessment_no_longer_counts_as_assessed)
{
    char today[11], seat[64], id[64];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "seat", "list", "--community", "KBS-BH-01", "--json");
    prep_json(out, "id", seat, sizeof seat);
    free(out);
    out =
        HJ_OK(&stack, "assessment", "add", "--seat", seat, "--date", today, "--assessor", "张组长",
              "--ability", "4", "--performance", "4", "--practice", "5", "--trust", "4", "--json");
    s_added(out, id);
    free(out);
    cr_assert_eq(s_board("members_assessed"), 1);

    static const char *const list[] = {"assessment", "list"};
    s_void("assessment", "registry.assessment", id, list, 2);
    cr_assert_eq(s_board("members_assessed"), 0, "the board counts what stands");
}

Test(corrections, a_voided_reserve_entry_leaves_the_ledger_and_may_be_entered_again)
{
    char today[11], id[64];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "reserve", "add", "--person", LI_QIANG, "--community", "KBS-BH-01",
                      "--committee", "party", "--added", today, "--json");
    s_added(out, id);
    free(out);
    cr_assert_eq(s_board("reserve_entries"), 1);

    static const char *const list[] = {"reserve", "list"};
    s_void("reserve", "registry.reserve", id, list, 2);
    cr_assert_eq(s_board("reserve_entries"), 0, "the board counts what stands");
    char *err = HJ_REFUSED(&stack, "reserve", "update", id, "--status", "withdrawn");
    cr_assert(strstr(err, "voided"), "%s", err);
    free(err);
    /* An import cannot bring a voided entry back by its id; nothing changes. */
    char path[600];
    snprintf(path, sizeof path, "%s/ledger.csv", stack.run_dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "id,person_id,community,committee,added\n%s,%s,KBS-BH-01,party,%s\n", id, LI_QIANG,
            today);
    fclose(f);
    err = HJ_REFUSED(&stack, "reserve", "import", path);
    cr_assert(strstr(err, "voided"), "%s", err);
    free(err);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM registry.reserve WHERE voided_at IS NULL"),
                 0);
    /* The same person, community and committee: entered again, correctly. */
    OK("reserve", "add", "--person", LI_QIANG, "--community", "KBS-BH-01", "--committee", "party",
       "--added", today);
    cr_assert_eq(s_board("reserve_entries"), 1);
}

Test(corrections, training_voided_or_corrected_moves_the_committee_gate)
{
    char today[11], earlier[11], id[64];
    hj_date_today(today);
    hj_date_from_today(-1, earlier);
    OK("body", "add", "--kind", "election_committee", "--community", "KBS-BH-01", "--name",
       "滨河社区选举委员会", "--leader", WANG_LI);
    /* Recorded with the wrong attendee: the committee is not trained. */
    char *out =
        HJ_OK(&stack, "training", "add", "--date", today, "--community", "KBS-BH-01", "--trainer",
              "区民政局", "--topic", "选举办法", "--attendee", "李强:community_staff", "--json");
    s_added(out, id);
    free(out);
    cr_assert_eq(s_board("training_done"), 0);

    /* Attendance corrected: 王丽 (by name) attended, 李强 did not. */
    OK("training", "update", id, "--add-attendee", "王丽:election_committee_member",
       "--remove-attendee", "李强", "--date", earlier);
    out = HJ_OK(&stack, "training", "show", id);
    cr_assert(strstr(out, "王丽") && !strstr(out, "李强") && strstr(out, earlier), "%s", out);
    free(out);
    cr_assert_eq(s_journal("training_updated"), 1, "one journaled change");
    cr_assert_eq(s_board("training_done"), 1, "the gate follows the correction");
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "已培训 1 人，共 1 人"), "Chinese by default: %s", out);
    free(out);
    /* Nobody left would be no session: refused, nothing changed. */
    char *err = HJ_REFUSED(&stack, "training", "update", id, "--remove-attendee", "王丽");
    cr_assert(strstr(err, "at least one attendee"), "%s", err);
    free(err);
    cr_assert_eq(s_journal("training_updated"), 1);

    static const char *const list[] = {"training", "list"};
    s_void("training", "registry.training", id, list, 2);
    cr_assert_eq(s_board("training_done"), 0, "a voided session trains nobody");
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01");
    cr_assert(strstr(out, "已培训 0 人，共 1 人") && strstr(out, WANG_LI), "%s", out);
    free(out);
}

Test(corrections, a_task_voided_or_its_due_date_corrected_is_no_longer_overdue)
{
    char today[11], past[11], later[11], plan[64], id[64], other[64];
    hj_date_today(today);
    hj_date_from_today(-10, past);
    hj_date_from_today(30, later);
    char *out = HJ_OK(&stack, "plan", "add", "--community", "KBS-BH-01", "--title", "换届工作方案",
                      "--text", "方案正文", "--date", past, "--json");
    s_added(out, plan);
    free(out);
    out = HJ_OK(&stack, "task", "add", "--plan", plan, "--title", "公布选民名单", "--owner", "王丽",
                "--due", past, "--json");
    s_added(out, id);
    free(out);
    out = HJ_OK(&stack, "task", "add", "--plan", plan, "--title", "误录任务", "--owner", "李强",
                "--due", past, "--json");
    s_added(out, other);
    free(out);
    cr_assert_eq(s_board("tasks_overdue"), 2);

    /* A due date typed wrong: corrected, no longer overdue, one journaled change. */
    OK("task", "update", id, "--due", later);
    out = HJ_OK(&stack, "task", "list", "--overdue", "--json");
    cr_assert(!strstr(out, id) && strstr(out, other), "%s", out);
    free(out);
    cr_assert_eq(s_journal("task_updated"), 1);
    cr_assert_eq(s_board("tasks_overdue"), 1);

    const char *const list[] = {"task", "list", "--plan", plan};
    s_void("task", "registry.task", other, list, 4);
    cr_assert_eq(s_board("tasks_overdue"), 0, "the board counts what stands");
    char *err = HJ_REFUSED(&stack, "task", "done", other, "--date", today);
    cr_assert(strstr(err, "voided"), "%s", err);
    free(err);
}

/* Voiding twice with the same request id is the same request: its first
 * answer again, nothing written twice. (With a new request id it is refused,
 * s_void.) That is what lets `hj sync` resend a void saved offline. */
Test(corrections, a_void_resent_with_its_request_id_is_answered_once)
{
    char today[11], id[64];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
                      "--kind", "slogan", "--date", today, "--title", "标语", "--json");
    s_added(out, id);
    free(out);
    const char *rid = "77777777-7777-4777-8777-777777777777";
    OK("publicity", "void", id, "--reason", "误录", "--request-id", rid);
    out = HJ_OK(&stack, "publicity", "void", id, "--reason", "误录", "--request-id", rid, "--json");
    cr_assert(strstr(out, "\"voided\":true"), "the first answer: %s", out);
    free(out);
    cr_assert_eq(s_journal("publicity_voided"), 1);
    /* English on request. */
    out = HJ_OK(&stack, "publicity", "list", "--include-void", "--lang", "en");
    cr_assert(strstr(out, "(voided)") && !strstr(out, "已作废"), "%s", out);
    free(out);
}
