/* Working bodies (健全机构), plans with approval chains and tasks (制定方案),
 * and training (培训骨干) through the real CLI, broker, daemon and database. */
#include "cli_test.h"

static hj_stack_t stack;
static const char *gao = "b1111111-2222-4333-8444-555555555555";
static const char *zhang = "b2222222-2222-4333-8444-555555555555";
static const char *hong = "b3333333-2222-4333-8444-555555555555";
static const char *bater = "b4444444-2222-4333-8444-555555555555";

static void setup(void)
{
    prep_start(&stack);
    prep_person(&stack, gao, "高峰");
    prep_person(&stack, zhang, "张敏");
    prep_person(&stack, hong, "李红");
    prep_person(&stack, bater, "巴特尔");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(bodies, .init = setup, .fini = teardown, .timeout = 120);

Test(bodies, a_community_has_one_guidance_group_at_a_time)
{
    char *out = HJ_OK(&stack, "body", "add", "--kind", "leadership_group", "--name",
                      "滨河街道换届工作领导小组", "--subdistrict", "KBS-BH", "--leader", gao,
                      "--member", zhang, "--member", hong, "--formed", "2026-01-05", "--json");
    cr_assert(strstr(out, "{\"person_id\":\"b1111111-2222-4333-8444-555555555555\",\"person_name\":"
                          "\"高峰\",\"role\":\"leader\"}") &&
                  strstr(out, "\"person_name\":\"张敏\",\"role\":\"member\""),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "body", "add", "--kind", "guidance_group", "--name", "第一指导组",
                "--subdistrict", "KBS-BH", "--leader", zhang, "--guides", "KBS-BH-01", "--guides",
                "KBS-BH-02", "--json");
    char first[64];
    prep_json(out, "id", first, sizeof first);
    cr_assert(strstr(out, "\"communities\":[\"KBS-BH-01\",\"KBS-BH-02\"]"), "%s", out);
    free(out);

    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err =
        HJ_REFUSED(&stack, "body", "add", "--kind", "guidance_group", "--name", "第二指导组",
                   "--subdistrict", "KBS-BH", "--leader", hong, "--guides", "KBS-BH-01");
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: communities") &&
                  strstr(err, "第一指导组"),
              "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "body", "add", "--kind", "leadership_group", "--name",
                     "又一个领导小组", "--subdistrict", "KBS-BH", "--leader", hong);
    cr_assert(strstr(err, "ALREADY_EXISTS") && strstr(err, "field: kind"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "body", "add", "--kind", "guidance_group", "--name", "第二指导组",
                     "--subdistrict", "KBS-BH", "--leader", hong, "--member",
                     "b9999999-2222-4333-8444-555555555555");
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "field: member_ids"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "body", "add", "--kind", "election_committee", "--name", "选举委员会",
                     "--community", "KBS-BH-01", "--leader", hong, "--guides", "KBS-BH-02");
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, "field: communities"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.body"), 2);

    /* Moving KBS-BH-02 to a second group: out of the first, then into the second. */
    out = HJ_OK(&stack, "body", "add", "--kind", "guidance_group", "--name", "第二指导组",
                "--subdistrict", "KBS-BH", "--leader", hong, "--json");
    char second[64];
    prep_json(out, "id", second, sizeof second);
    free(out);
    err = HJ_REFUSED(&stack, "body", "change", second, "--add-community", "KBS-BH-02");
    cr_assert(strstr(err, "field: add_communities") && strstr(err, "第一指导组"), "%s", err);
    free(err);
    free(HJ_OK(&stack, "body", "change", first, "--remove-community", "KBS-BH-02"));
    free(HJ_OK(&stack, "body", "change", second, "--add-community", "KBS-BH-02", "--add-member",
               bater));
    out = HJ_OK(&stack, "body", "list", "--community", "KBS-BH-02");
    cr_assert(strstr(out, "第二指导组") && !strstr(out, "第一指导组") && strstr(out, "巴特尔"),
              "%s", out);
    free(out);

    /* A new leader replaces the old one; the leader cannot simply be removed. */
    err = HJ_REFUSED(&stack, "body", "change", first, "--remove-member", zhang);
    cr_assert(strstr(err, "field: remove_members") && strstr(err, "leader"), "%s", err);
    free(err);
    out = HJ_OK(&stack, "body", "change", first, "--leader", bater, "--json");
    cr_assert(strstr(out, "\"person_name\":\"巴特尔\",\"role\":\"leader\"") && !strstr(out, "张敏"),
              "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'body_changed'"), 3);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'body_added'"), 3);
}

static void s_walk(const char *plan, const char *const *dates)
{
    for (int i = 0; i < 3; i++) {
        char step[4];
        snprintf(step, sizeof step, "%d", i + 1);
        free(HJ_OK(&stack, "plan", "approve", plan, "--step", step, "--date", dates[i], "--by",
                   "审批人"));
    }
}

Test(bodies, plan_chain_walked_to_in_force_refuses_edits_and_revision_supersedes)
{
    const char *text = "一、指导思想\n二、时间安排：3月完成选民登记\t（详见附件）";
    char *out = HJ_OK(&stack, "plan", "add", "--community", "KBS-BH-01", "--title",
                      "滨河社区换届选举工作方案", "--text", text, "--date", "2026-01-10", "--json");
    char plan[64], buf[256];
    prep_json(out, "id", plan, sizeof plan);
    cr_assert(strstr(out, "\"name\":\"街道换届工作领导小组\"") &&
                  strstr(out, "\"name\":\"指导组\"") && strstr(out, "\"state\":\"draft\"") &&
                  strstr(out, "\"version\":1"),
              "%s", out);
    free(out);
    /* The text round-trips byte-exact (JSON escapes the newline and tab). */
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM registry.plan WHERE body = "
                                 "'一、指导思想' || chr(10) || '二、时间安排：3月完成选民登记' || "
                                 "chr(9) || '（详见附件）'"),
                 1);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err =
        HJ_REFUSED(&stack, "plan", "add", "--community", "KBS-BH-01", "--title", "又一个方案",
                   "--document", "康街党发〔2026〕1号", "--date", "2026-01-11");
    cr_assert(strstr(err, "ALREADY_EXISTS") && strstr(err, plan), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "plan", "approve", plan, "--step", "2", "--date", "2026-01-12", "--by",
                     "x");
    cr_assert(strstr(err, "field: position") &&
                  strstr(err, "step 1 (街道换届工作领导小组) is next"),
              "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "plan", "approve", plan, "--step", "1", "--date", "2026-01-05", "--by",
                     "x");
    cr_assert(strstr(err, "field: date") && strstr(err, "before the plan was submitted"),
              "approved before submitted: %s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);

    free(HJ_OK(&stack, "plan", "approve", plan, "--step", "1", "--date", "2026-01-12", "--by",
               "领导小组 高峰"));
    err = HJ_REFUSED(&stack, "plan", "approve", plan, "--step", "2", "--date", "2026-01-11", "--by",
                     "x");
    cr_assert(strstr(err, "field: date") && strstr(err, "before the step before"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "plan", "return", plan, "--step", "2", "--date", "2026-01-15", "--by",
                     "区换届办 王");
    cr_assert(strstr(err, "field: note"), "a return needs a note: %s", err);
    free(err);
    out = HJ_OK(&stack, "plan", "return", plan, "--step", "2", "--date", "2026-01-15", "--by",
                "区换届办 王", "--note", "时间安排过紧，请调整", "--json");
    cr_assert(strstr(out, "\"state\":\"returned\"") && strstr(out, "时间安排过紧"), "%s", out);
    free(out);
    err = HJ_REFUSED(&stack, "plan", "approve", plan, "--step", "2", "--date", "2026-01-16", "--by",
                     "x");
    cr_assert(strstr(err, "field: state") && strstr(err, "edit it"), "%s", err);
    free(err);
    /* Editing restarts the chain; then it is walked to the end and comes into force. */
    out = HJ_OK(&stack, "plan", "edit", plan, "--text",
                "一、指导思想\n二、时间安排：4月完成选民登记", "--json");
    cr_assert(strstr(out, "\"state\":\"draft\"") && !strstr(out, "\"state\":\"approved\""), "%s",
              out);
    free(out);
    s_walk(plan, (const char *const[]){"2026-01-16", "2026-01-18", "2026-01-20"});
    out = HJ_OK(&stack, "plan", "show", plan, "--json");
    cr_assert(strstr(out, "\"state\":\"in_force\"") &&
                  strstr(out, "\"in_force_on\":\"2026-01-20\""),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "plan", "show", plan);
    cr_assert(strstr(out, "已生效") && strstr(out, "区换届办公室") &&
                  strstr(out, "4月完成选民登记"),
              "%s", out);
    free(out);

    /* In force: no edit, nothing changes. */
    journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    err = HJ_REFUSED(&stack, "plan", "edit", plan, "--title", "改个标题");
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: state") &&
                  strstr(err, "revise"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(
                     &stack,
                     "SELECT count(*) FROM registry.plan WHERE title = '滨河社区换届选举工作方案' "
                     "AND state = 'in_force'"),
                 1);
    /* A new version starts a new chain and supersedes the old one when in force. */
    out = HJ_OK(&stack, "plan", "revise", plan, "--date", "2026-02-01", "--title",
                "滨河社区换届选举工作方案（修订）", "--json");
    char v2[64];
    prep_json(out, "id", v2, sizeof v2);
    cr_assert(strstr(out, "\"version\":2") &&
                  strstr(out, prep_json(out, "previous_id", buf, sizeof buf)) &&
                  strcmp(buf, plan) == 0 && strstr(out, "4月完成选民登记"),
              "%s", out);
    free(out);
    s_walk(v2, (const char *const[]){"2026-02-02", "2026-02-03", "2026-02-04"});
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM registry.plan WHERE scope = 'KBS-BH-01' AND "
                                 "state = 'superseded' AND version = 1"),
                 1);
    out =
        HJ_OK(&stack, "plan", "list", "--community", "KBS-BH-01", "--state", "in_force", "--json");
    cr_assert(strstr(out, v2) && !strstr(out, "\"version\":1"), "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack,
                        "SELECT count(*) FROM bus.journal WHERE kind = 'plan_step_decided' AND "
                        "community = 'KBS-BH-01' AND actor = 'test-admin'"),
        8, "1 approval and 1 return, then two chains of 3");
}

Test(bodies, tasks_are_dated_owned_and_overdue_ones_are_listed)
{
    char *out = HJ_OK(&stack, "plan", "add", "--subdistrict", "KBS-BH", "--title",
                      "滨河街道换届工作实施方案", "--document", "康滨党发〔2026〕3号", "--date",
                      "2026-01-10", "--step", "街道党工委", "--json");
    char plan[64], early[64], late[64];
    prep_json(out, "id", plan, sizeof plan);
    cr_assert(strstr(out, "\"community\":\"\"") && strstr(out, "\"subdistrict\":\"KBS-BH\""), "%s",
              out);
    free(out);
    char *o = NULL, *e = NULL;
    cr_assert_eq(hj_run(&stack, &o, &e, "task", "add", "--plan", plan, "--title", "摸清党员底数",
                        "--owner", "组织委员 张敏", "--due", "2026-01-05", "--json", NULL),
                 0);
    prep_json(o, "id", early, sizeof early);
    cr_assert(strstr(o, "\"due_before_plan\":true") && strstr(o, "\"overdue\":true"), "flagged: %s",
              o);
    free(o);
    free(e);
    out = HJ_OK(&stack, "task", "add", "--plan", plan, "--title", "选民登记", "--owner", "李红",
                "--due", "2026-03-01", "--json");
    prep_json(out, "id", late, sizeof late);
    cr_assert(strstr(out, "\"due_before_plan\":false"), "%s", out);
    free(out);
    free(HJ_OK(&stack, "task", "add", "--plan", plan, "--title", "选举日", "--owner", "高峰",
               "--due", "2199-05-01"));
    char *err = HJ_REFUSED(&stack, "task", "add", "--plan", plan, "--title", "无人负责", "--due",
                           "2026-03-01");
    cr_assert(strstr(err, "field: owner"), "任务到人: %s", err);
    free(err);
    err = HJ_REFUSED(&stack, "task", "add", "--plan", plan, "--title", "x", "--owner", "y", "--due",
                     "2026-02-30");
    cr_assert(strstr(err, "field: due"), "%s", err);
    free(err);

    out = HJ_OK(&stack, "task", "list", "--overdue");
    cr_assert(strstr(out, "摸清党员底数") && strstr(out, "选民登记") && !strstr(out, "选举日") &&
                  strstr(out, "due before the plan was submitted"),
              "%s", out);
    free(out);
    free(HJ_OK(&stack, "task", "done", early, "--date", "2026-01-08"));
    err = HJ_REFUSED(&stack, "task", "done", early, "--date", "2026-01-09");
    cr_assert(strstr(err, "already done"), "%s", err);
    free(err);
    out = HJ_OK(&stack, "task", "list", "--overdue", "--json");
    cr_assert(strstr(out, late) && !strstr(out, early) && prep_count(out, "\"id\"") == 1, "%s",
              out);
    free(out);
    out = HJ_OK(&stack, "task", "list", "--plan", plan, "--json");
    cr_assert_eq(prep_count(out, "\"id\""), 3, "%s", out);
    cr_assert(strstr(out, "\"done_by\":\"test-admin\""), "%s", out);
    free(out);
}

Test(bodies, training_coverage_lists_untrained_election_committee_members)
{
    char *out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01", "--lang", "en");
    cr_assert(strstr(out, "no election committee (选举委员会) recorded"), "%s", out);
    free(out);
    free(HJ_OK(&stack, "body", "add", "--kind", "election_committee", "--name",
               "滨河社区选举委员会", "--community", "KBS-BH-01", "--leader", hong, "--member",
               bater, "--member", zhang));
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"committee_recorded\":true,\"required\":3,\"trained\":0"), "%s", out);
    free(out);

    char att1[96], att2[96], bad[96];
    snprintf(att1, sizeof att1, "%s:election_committee_member", hong);
    snprintf(att2, sizeof att2, "%s:leadership_group_member", gao);
    snprintf(bad, sizeof bad, "%s:spectator", bater);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err =
        HJ_REFUSED(&stack, "training", "add", "--date", "2026-02-15", "--community", "KBS-BH-01",
                   "--trainer", "区委组织部 王刚", "--topic", "选举办法", "--attendee", bad);
    cr_assert(strstr(err, "field: role") && strstr(err, "election_committee_member"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "training", "add", "--date", "2026-02-15", "--community", "KBS-BH-01",
                     "--trainer", "王刚", "--topic", "选举办法", "--attendee",
                     "b9999999-2222-4333-8444-555555555555:community_staff");
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "field: attendees"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "training", "add", "--date", "2026-02-15", "--community", "KBS-BH-01",
                     "--trainer", "王刚", "--attendee", att1);
    cr_assert(strstr(err, "field: topics"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.training"), 0);

    out = HJ_OK(&stack, "training", "add", "--date", "2026-02-15", "--community", "KBS-BH-01",
                "--trainer", "区委组织部 王刚", "--topic", "《中国共产党基层组织选举工作条例》",
                "--topic", "《中华人民共和国城市居民委员会组织法》", "--attendee", att1,
                "--attendee", att2, "--json");
    char session[64];
    prep_json(out, "id", session, sizeof session);
    cr_assert(strstr(out, "\"topics\":[\"《中国共产党基层组织选举工作条例》\","
                          "\"《中华人民共和国城市居民委员会组织法》\"]") &&
                  strstr(out, "\"person_name\":\"李红\",\"role\":\"election_committee_member\""),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01", "--lang", "en");
    cr_assert(strstr(out, "1 of 3 election-committee members trained") && strstr(out, "巴特尔") &&
                  strstr(out, "张敏") && !strstr(out, "李红"),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "training", "show", session);
    cr_assert(strstr(out, "选举委员会成员") && strstr(out, "高峰"), "%s", out);
    free(out);
    /* A subdistrict-wide session counts too, whatever the role they came in. */
    snprintf(att1, sizeof att1, "%s:guidance_group_member", zhang);
    snprintf(att2, sizeof att2, "%s:community_staff", bater);
    free(HJ_OK(&stack, "training", "add", "--date", "2026-02-20", "--subdistrict", "KBS-BH",
               "--trainer", "王刚", "--topic", "换届纪律", "--attendee", att1, "--attendee", att2));
    out = HJ_OK(&stack, "training", "coverage", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"required\":3,\"trained\":3,\"missing\":[]"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "training", "list", "--community", "KBS-BH-01", "--json");
    cr_assert_eq(prep_count(out, "\"trainer\""), 1, "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'training_added'"),
        2);
}
