/* The preparation record through the real CLI, broker, daemon and database:
 * publicity, assessments and risk notes. */
#include "cli_test.h"

static hj_stack_t stack;

static void setup(void)
{
    prep_start(&stack);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(preparation, .init = setup, .fini = teardown, .timeout = 120);

Test(preparation, publicity_totals_by_kind_and_channel_and_refusals_change_nothing)
{
    const char *title = "“换届纪律十严禁” 滚动播放，请居民周知";
    char *out = HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
                      "--kind", "slogan", "--date", "2026-03-02", "--count", "12", "--title", title,
                      "--json");
    char id[64], buf[256];
    prep_json(out, "id", id, sizeof id);
    cr_assert(strstr(out, prep_json(out, "title", buf, sizeof buf)) && strcmp(buf, title) == 0,
              "the title round-trips byte-exact: %s", out);
    free(out);
    free(HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "wechat_group",
               "--kind", "slogan", "--date", "2026-03-03", "--title", "微信群转发倡议书"));
    free(HJ_OK(&stack, "publicity", "add", "--subdistrict", "KBS-BH", "--channel", "notice_board",
               "--kind", "policy_reading", "--date", "2026-03-01", "--title",
               "《居委会组织法》解读"));

    /* Totals over the community: slogans 2 pushes, 13 showings; by channel screen 12. */
    out = HJ_OK(&stack, "publicity", "list", "--community", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "{\"kind\":\"slogan\",\"channel\":\"\",\"pushes\":2,\"count\":13}"), "%s",
              out);
    cr_assert(strstr(out, "{\"kind\":\"\",\"channel\":\"screen\",\"pushes\":1,\"count\":12}"), "%s",
              out);
    cr_assert(!strstr(out, "policy_reading"), "a subdistrict push is not the community's: %s", out);
    free(out);
    /* The whole district: three pushes, and the table shows the totals in Chinese. */
    out = HJ_OK(&stack, "publicity", "list");
    cr_assert(strstr(out, "宣传标语") && strstr(out, "电子屏") && strstr(out, "KBS-BH (全街道)") &&
                  strstr(out, title),
              "%s", out);
    free(out);
    /* Pages follow the date: the first page of one is the 03-01 push, the next the 03-02 one. */
    out = HJ_OK(&stack, "publicity", "list", "--limit", "1", "--json");
    cr_assert(strstr(out, "2026-03-01") && !strstr(out, "2026-03-02\""), "%s", out);
    char first[64];
    prep_json(out, "id", first, sizeof first);
    free(out);
    out = HJ_OK(&stack, "publicity", "list", "--limit", "1", "--after", first, "--json");
    cr_assert(strstr(out, id), "second page holds the 03-02 push: %s", out);
    free(out);
    out = HJ_OK(&stack, "publicity", "show", id, "--json");
    cr_assert(strstr(out, "\"count\":12") && strstr(out, "\"recorded_by\":\"test-admin\""), "%s",
              out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack,
                        "SELECT count(*) FROM bus.journal WHERE kind = "
                        "'publicity_added' AND community = 'KBS-BH-01' AND actor = 'test-admin'"),
        2);

    /* Refusals name the field and write nothing. */
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err = HJ_REFUSED(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel",
                           "tv", "--kind", "slogan", "--date", "2026-03-02", "--title", "x");
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, "field: channel") &&
                  strstr(err, "wechat_group"),
              "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
                     "--kind", "slogan", "--date", "2199-01-01", "--title", "x");
    cr_assert(strstr(err, "field: date") && strstr(err, "future"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "publicity", "add", "--community", "KBS-XX-99", "--channel", "screen",
                     "--kind", "slogan", "--date", "2026-03-02", "--title", "x");
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "field: community"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "publicity", "add", "--channel", "screen", "--kind", "slogan",
                     "--date", "2026-03-02", "--title", "x");
    cr_assert(strstr(err, "field: community"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.publicity"), 3);
}

Test(preparation, assessment_of_a_sitting_member_and_community_risk_notes)
{
    const char *person = prep_person(&stack, "11111111-2222-4333-8444-555555555555", "乌云其木格");
    const char *seat = "21111111-2222-4333-8444-555555555555";
    free(HJ_OK(&stack, "seat", "add", "--community", "KBS-BH-01", "--person", person, "--committee",
               "residents", "--role", "director", "--from", "2021-01-20", "--request-id", seat));
    char *out = HJ_OK(&stack, "assessment", "add", "--seat", seat, "--date", "2026-02-10",
                      "--assessor", "街道组织办 张敏", "--ability", "4", "--performance", "5",
                      "--practice", "4", "--trust", "3", "--structure", "蒙古族，女，大专",
                      "--trust-note", "部分居民反映入户少", "--json");
    cr_assert(strstr(out, "\"person_name\":\"乌云其木格\"") &&
                  strstr(out, "\"community\":\"KBS-BH-01\"") && strstr(out, "\"trust\":3") &&
                  strstr(out, "部分居民反映入户少"),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "assessment", "list", "--community", "KBS-BH-01");
    cr_assert(strstr(out, "乌云其木格") && strstr(out, "街道组织办 张敏"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "assessment", "list", "--community", "KBS-BH-02", "--json");
    cr_assert(!strstr(out, "乌云其木格"), "%s", out);
    free(out);

    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* Before the member took the seat: an impossible order of dates. */
    char *err = HJ_REFUSED(&stack, "assessment", "add", "--seat", seat, "--date", "2020-05-01",
                           "--assessor", "张敏", "--ability", "4", "--performance", "4",
                           "--practice", "4", "--trust", "4");
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: date"), "%s", err);
    free(err);
    /* A missing score is named. */
    err =
        HJ_REFUSED(&stack, "assessment", "add", "--seat", seat, "--date", "2026-02-10",
                   "--assessor", "张敏", "--ability", "4", "--performance", "4", "--practice", "4");
    cr_assert(strstr(err, "field: trust"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "assessment", "add", "--seat", "31111111-2222-4333-8444-555555555555",
                     "--date", "2026-02-10", "--assessor", "张敏", "--ability", "4",
                     "--performance", "4", "--practice", "4", "--trust", "4");
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "field: seat_id"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.assessment"), 1);

    /* Risk notes and the contingency plan: set, then change one and keep the other. */
    out = HJ_OK(&stack, "assessment", "risk", "KBS-BH-02", "--json");
    cr_assert(strstr(out, "\"risk_notes\":\"\"") && strstr(out, "\"updated_at\":\"\""), "%s", out);
    free(out);
    free(HJ_OK(&stack, "assessment", "risk", "KBS-BH-02", "--notes", "拆迁安置户多，诉求集中",
               "--contingency", "成立专班，逐户走访；选举日设置应急小组"));
    free(HJ_OK(&stack, "assessment", "risk", "KBS-BH-02", "--notes",
               "拆迁安置户多，诉求集中；已化解两起"));
    out = HJ_OK(&stack, "assessment", "risk", "KBS-BH-02", "--json");
    cr_assert(strstr(out, "已化解两起") && strstr(out, "成立专班，逐户走访；选举日设置应急小组"),
              "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal WHERE kind = 'risk_updated' "
                                 "AND community = 'KBS-BH-02'"),
                 2);
    err = HJ_REFUSED(&stack, "assessment", "risk", "KBS-XX-09", "--notes", "x");
    cr_assert(strstr(err, "NOT_FOUND"), "%s", err);
    free(err);
}

Test(preparation, rectification_walks_open_in_progress_closed_and_refuses_a_close_without_note)
{
    char *out = HJ_OK(&stack, "rectification", "open", "--community", "KBS-BH-02", "--problem",
                      "gang_interference", "--plan", "一社一策：联合政法委排查，建立宗族势力台账",
                      "--owner", "街道政法委员 高峰", "--date", "2026-01-10", "--due", "2026-04-30",
                      "--json");
    char id[64];
    prep_json(out, "id", id, sizeof id);
    cr_assert(strstr(out, "\"state\":\"open\"") && strstr(out, "建立宗族势力台账"), "%s", out);
    free(out);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* Due before it was opened; closing before it started; closing without a note. */
    char *err = HJ_REFUSED(&stack, "rectification", "open", "--community", "KBS-BH-02", "--problem",
                           "petitions", "--plan", "p", "--owner", "o", "--date", "2026-01-10",
                           "--due", "2026-01-01");
    cr_assert(strstr(err, "field: due") && strstr(err, "before"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "rectification", "close", id, "--date", "2026-03-01", "--note",
                     "已整改", "--verified-by", "张敏");
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: state") &&
                  strstr(err, "start it"),
              "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "rectification", "start", id, "--date", "2026-01-05");
    cr_assert(strstr(err, "field: date") && strstr(err, "before"), "started before opened: %s",
              err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);

    free(HJ_OK(&stack, "rectification", "start", id, "--date", "2026-01-15"));
    err = HJ_REFUSED(&stack, "rectification", "close", id, "--date", "2026-03-01", "--verified-by",
                     "张敏");
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, "field: closing_note"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "rectification", "close", id, "--date", "2026-03-01", "--note",
                     "已整改");
    cr_assert(strstr(err, "field: verified_by"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "rectification", "close", id, "--date", "2026-01-14", "--note",
                     "已整改", "--verified-by", "张敏");
    cr_assert(strstr(err, "field: date"), "closed before started: %s", err);
    free(err);
    cr_assert_eq(
        hj_stack_scalar(&stack,
                        "SELECT count(*) FROM registry.rectification WHERE state = 'in_progress'"),
        1);
    out = HJ_OK(&stack, "rectification", "close", id, "--date", "2026-03-01", "--note",
                "宗族势力台账已建立，两名涉案人员已依法处理", "--verified-by", "区委组织部 李红",
                "--json");
    cr_assert(strstr(out, "\"state\":\"closed\"") &&
                  strstr(out, "\"verified_by\":\"区委组织部 李红\"") &&
                  strstr(out, "\"closed_by\":\"test-admin\""),
              "%s", out);
    free(out);
    err = HJ_REFUSED(&stack, "rectification", "start", id, "--date", "2026-03-02");
    cr_assert(strstr(err, "field: state"), "%s", err);
    free(err);
    out = HJ_OK(&stack, "rectification", "list", "--state", "closed", "--community", "KBS-BH-02");
    cr_assert(strstr(out, "黑恶宗族势力干扰") && strstr(out, "已销号"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE community = "
                                         "'KBS-BH-02' AND actor = 'test-admin' "
                                         "AND kind IN ('rectification_opened', "
                                         "'rectification_advanced', 'rectification_closed')"),
                 3);
}

Test(preparation, upgrade_approval_changes_the_organisation_type)
{
    char *out =
        HJ_OK(&stack, "upgrade", "request", "--community", "KBS-BH-01", "--to", "general_branch",
              "--date", "2026-02-01", "--reason", "党员人数超过50名", "--json");
    char id[64];
    prep_json(out, "id", id, sizeof id);
    cr_assert(strstr(out, "\"from_type\":\"branch\"") && strstr(out, "\"state\":\"requested\""),
              "%s", out);
    free(out);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err = HJ_REFUSED(&stack, "upgrade", "request", "--community", "KBS-BH-01", "--to",
                           "committee", "--date", "2026-02-02");
    cr_assert(strstr(err, "ALREADY_EXISTS") && strstr(err, "undecided"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "upgrade", "request", "--community", "KBS-BH-02", "--to", "branch",
                     "--date", "2026-02-02");
    cr_assert(strstr(err, "field: to_type"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "upgrade", "approve", id, "--date", "2026-01-20");
    cr_assert(strstr(err, "field: date") && strstr(err, "before the request"),
              "approved before requested: %s", err);
    free(err);
    err = HJ_REFUSED(&stack, "upgrade", "reject", id, "--date", "2026-02-20");
    cr_assert(strstr(err, "field: note"), "a rejection needs a note: %s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT org_type FROM registry.community WHERE code = 'KBS-BH-01'"),
        1);

    free(HJ_OK(&stack, "upgrade", "approve", id, "--date", "2026-02-20", "--note",
               "街道党工委会议研究同意"));
    out = HJ_OK(&stack, "community", "show", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"org_type\":\"general_branch\""), "the community is now a 党总支: %s",
              out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM registry.community WHERE code = 'KBS-BH-01' "
                                 "AND updated_at > created_at"),
                 1);
    err = HJ_REFUSED(&stack, "upgrade", "reject", id, "--date", "2026-02-21", "--note", "x");
    cr_assert(strstr(err, "already approved"), "%s", err);
    free(err);
    /* Now a committee can be asked for; a rejection leaves the organisation as it is. */
    out = HJ_OK(&stack, "upgrade", "request", "--community", "KBS-BH-01", "--to", "党委", "--date",
                "2026-03-01", "--json");
    prep_json(out, "id", id, sizeof id);
    cr_assert(strstr(out, "\"from_type\":\"general_branch\""), "%s", out);
    free(out);
    free(HJ_OK(&stack, "upgrade", "reject", id, "--date", "2026-03-05", "--note",
               "党员人数不足100名"));
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT org_type FROM registry.community WHERE code = 'KBS-BH-01'"),
        2);
    out = HJ_OK(&stack, "upgrade", "list", "--community", "KBS-BH-01");
    cr_assert(strstr(out, "已批准") && strstr(out, "未批准") && strstr(out, "党员人数不足100名"),
              "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal WHERE kind = 'upgrade_decided' "
                                 "AND community = 'KBS-BH-01' AND actor = 'test-admin'"),
                 2);
}
