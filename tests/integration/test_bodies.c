/* Working bodies (健全机构), plans with approval chains and tasks (制定方案),
 * and training (培训骨干) through the real CLI, broker, daemon and database. */
#include "prep_test.h"

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
    char *out = HJ_OK(&stack, "body", "add", "--kind", "leadership_group", "--name", "滨河街道换届工作领导小组",
                      "--subdistrict", "KBS-BH", "--leader", gao, "--member", zhang, "--member", hong,
                      "--formed", "2026-01-05", "--json");
    cr_assert(strstr(out, "{\"person_id\":\"b1111111-2222-4333-8444-555555555555\",\"person_name\":\"高峰\",\"role\":\"leader\"}") &&
                  strstr(out, "\"person_name\":\"张敏\",\"role\":\"member\""),
              "%s", out);
    free(out);
    out = HJ_OK(&stack, "body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--subdistrict",
                "KBS-BH", "--leader", zhang, "--guides", "KBS-BH-01", "--guides", "KBS-BH-02", "--json");
    char first[64];
    prep_json(out, "id", first, sizeof first);
    cr_assert(strstr(out, "\"communities\":[\"KBS-BH-01\",\"KBS-BH-02\"]"), "%s", out);
    free(out);

    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err = HJ_REFUSED(&stack, "body", "add", "--kind", "guidance_group", "--name", "第二指导组",
                           "--subdistrict", "KBS-BH", "--leader", hong, "--guides", "KBS-BH-01");
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: communities") &&
                  strstr(err, "第一指导组"),
              "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "body", "add", "--kind", "leadership_group", "--name", "又一个领导小组",
                     "--subdistrict", "KBS-BH", "--leader", hong);
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
    out = HJ_OK(&stack, "body", "add", "--kind", "guidance_group", "--name", "第二指导组", "--subdistrict",
                "KBS-BH", "--leader", hong, "--json");
    char second[64];
    prep_json(out, "id", second, sizeof second);
    free(out);
    err = HJ_REFUSED(&stack, "body", "change", second, "--add-community", "KBS-BH-02");
    cr_assert(strstr(err, "field: add_communities") && strstr(err, "第一指导组"), "%s", err);
    free(err);
    free(HJ_OK(&stack, "body", "change", first, "--remove-community", "KBS-BH-02"));
    free(HJ_OK(&stack, "body", "change", second, "--add-community", "KBS-BH-02", "--add-member", bater));
    out = HJ_OK(&stack, "body", "list", "--community", "KBS-BH-02");
    cr_assert(strstr(out, "第二指导组") && !strstr(out, "第一指导组") && strstr(out, "巴特尔"), "%s", out);
    free(out);

    /* A new leader replaces the old one; the leader cannot simply be removed. */
    err = HJ_REFUSED(&stack, "body", "change", first, "--remove-member", zhang);
    cr_assert(strstr(err, "field: remove_members") && strstr(err, "leader"), "%s", err);
    free(err);
    out = HJ_OK(&stack, "body", "change", first, "--leader", bater, "--json");
    cr_assert(strstr(out, "\"person_name\":\"巴特尔\",\"role\":\"leader\"") && !strstr(out, "张敏"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'body_changed'"), 3);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'body_added'"), 3);
}
