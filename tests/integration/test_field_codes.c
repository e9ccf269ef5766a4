/* Issue #20 leftovers, item 1, through the real `hj`, broker, registry,
 * interviews and tally daemons: every record a field team voids or corrects
 * has a short code (T talk, X publicity, A assessment, E training, J task,
 * R reserve entry; sql/024) that its `add` confirmation and its list show,
 * and `show` / `void` / `update` take the code as well as the UUID. A code of
 * another kind or an unknown code is refused and changes nothing. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"

#define OK(...) free(HJ_OK(&stack, __VA_ARGS__))

/* The places and the secretary every test starts from: written once, by the
 * runner; each test counts what it wrote, so each has a copy of its own. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", "hj-tallyd", NULL};
    return hj_seed_field_suite(s, programs, (const char *const[]){"KBS-BH-01", NULL});
}

TestSuite(field_codes, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 240);

/* The first line of an add's output starts with the new record's code. */
static void s_confirmed(const char *out, const char *code, const char *done)
{
    size_t n = strlen(code);
    cr_assert(strncmp(out, code, n) == 0 && out[n] == ' ' && strstr(out, done),
              "the confirmation names %s (%s): %s", code, done, out);
}

Test(field_codes, a_talk_is_confirmed_listed_shown_corrected_and_voided_by_its_code)
{
    char today[11];
    hj_date_today(today);
    char *out =
        HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date",
              today, "--interviewer", "李强", "--person", "王丽", "--summary", "谈换届的想法");
    s_confirmed(out, "T0001", "谈话已记录");
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--community", "KBS-BH-01");
    cr_assert(strstr(out, "CODE") && strstr(out, "T0001"), "the list shows the code: %s", out);
    free(out);
    out = HJ_OK(&stack, "talk", "list", "--json");
    cr_assert(strstr(out, "\"code\":\"T0001\""), "%s", out);
    free(out);
    out = HJ_OK(&stack, "talk", "show", "t0001");
    cr_assert(strstr(out, "T0001") && strstr(out, "谈换届的想法"), "show by code (any case): %s",
              out);
    free(out);

    OK("talk", "update", "T0001", "--summary", "谈换届的想法和人选");
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM interviews.talk WHERE code = 'T0001' AND "
                                 "summary = '谈换届的想法和人选'"),
                 1, "corrected by code");
    out = HJ_OK(&stack, "talk", "void", "T0001", "--reason", "重复录入");
    s_confirmed(out, "T0001", "已作废");
    free(out);
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM interviews.talk WHERE code = 'T0001' AND "
                                 "voided_at IS NOT NULL AND void_reason = '重复录入'"),
                 1);

    /* The next talk gets the next code: codes are never reused. */
    out = HJ_OK(&stack, "talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date",
                today, "--interviewer", "李强", "--person", "王丽", "--summary", "再谈", "--lang",
                "en");
    s_confirmed(out, "T0002", "talk recorded");
    free(out);
    char *err = HJ_REFUSED(&stack, "talk", "void", "T0099", "--reason", "x");
    cr_assert(strstr(err, "T0099") && strstr(err, "not found"), "%s", err);
    free(err);
    cr_assert_eq(
        hj_suite_scalar("SELECT count(*) FROM interviews.talk WHERE voided_at IS NOT NULL"), 1);
}

Test(field_codes, each_registry_record_has_its_letter_and_is_voided_by_code)
{
    char today[11], past[11], plan[64], seat[64];
    hj_date_today(today);
    hj_date_from_today(-10, past);

    char *out = HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "电子屏",
                      "--kind", "标语", "--date", today, "--title", "依法选举");
    s_confirmed(out, "X0001", "宣传记录已登记");
    free(out);
    out = HJ_OK(&stack, "seat", "list", "--community", "KBS-BH-01", "--json");
    prep_json(out, "id", seat, sizeof seat);
    free(out);
    out =
        HJ_OK(&stack, "assessment", "add", "--seat", seat, "--date", today, "--assessor", "张组长",
              "--ability", "4", "--performance", "4", "--practice", "5", "--trust", "4");
    s_confirmed(out, "A0001", "研判评估已记录");
    free(out);
    out = HJ_OK(&stack, "training", "add", "--date", today, "--community", "KBS-BH-01", "--trainer",
                "区民政局", "--topic", "选举办法", "--attendee", "王丽:community_staff");
    s_confirmed(out, "E0001", "培训已记录");
    free(out);
    out = HJ_OK(&stack, "plan", "add", "--community", "KBS-BH-01", "--title", "换届工作方案",
                "--text", "方案正文", "--date", past, "--json");
    prep_json(out, "id", plan, sizeof plan);
    free(out);
    out = HJ_OK(&stack, "task", "add", "--plan", plan, "--title", "公布选民名单", "--owner", "王丽",
                "--due", today, "--lang", "en");
    s_confirmed(out, "J0001", "task added");
    free(out);
    out = HJ_OK(&stack, "reserve", "add", "--person", HJ_SEED_LI_QIANG, "--community", "KBS-BH-01",
                "--committee", "party", "--added", today);
    s_confirmed(out, "R0001", "后备人选已入台账");
    free(out);

    static const struct {
        const char *kind, *code, *table;
    } k[] = {
        {"publicity", "X0001", "registry.publicity"},
        {"assessment", "A0001", "registry.assessment"},
        {"training", "E0001", "registry.training"},
        {"task", "J0001", "registry.task"},
        {"reserve", "R0001", "registry.reserve"},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        char sql[160];
        out = HJ_OK(&stack, k[i].kind, "list");
        cr_assert(strstr(out, "CODE") && strstr(out, k[i].code), "%s list shows %s: %s", k[i].kind,
                  k[i].code, out);
        free(out);
        /* The code of another kind is refused by name; nothing is voided. */
        const char *other = k[(i + 1) % (sizeof k / sizeof k[0])].code;
        char *err = HJ_REFUSED(&stack, k[i].kind, "void", other, "--reason", "录入错误");
        cr_assert(strstr(err, other) && strstr(err, k[i].kind), "%s", err);
        free(err);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE voided_at IS NOT NULL",
                 k[i].table);
        cr_assert_eq(hj_suite_scalar(sql), 0, "a refused void changes nothing");
        out = HJ_OK(&stack, k[i].kind, "void", k[i].code, "--reason", "录入错误");
        s_confirmed(out, k[i].code, "已作废");
        free(out);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM %s WHERE code = '%s' AND voided_at IS NOT NULL", k[i].table,
                 k[i].code);
        cr_assert_eq(hj_suite_scalar(sql), 1, "%s voided by its code", k[i].code);
    }
}

Test(field_codes, show_and_update_take_the_code_and_a_bad_code_is_named)
{
    char today[11], id[64];
    hj_date_today(today);
    char *out = HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
                      "--kind", "slogan", "--date", today, "--title", "标语", "--json");
    prep_json(out, "id", id, sizeof id);
    cr_assert(strstr(out, "\"code\":\"X0001\""), "--json carries the code: %s", out);
    free(out);
    out = HJ_OK(&stack, "publicity", "show", "x0001");
    cr_assert(strstr(out, "X0001") && strstr(out, id), "%s", out);
    free(out);
    OK("publicity", "update", "X0001", "--title", "依法依规选举");
    cr_assert_eq(hj_suite_scalar("SELECT count(*) FROM registry.publicity WHERE code = 'X0001' AND "
                                 "title = '依法依规选举'"),
                 1);
    /* The UUID still works as before. */
    out = HJ_OK(&stack, "publicity", "show", id);
    cr_assert(strstr(out, "依法依规选举"), "%s", out);
    free(out);

    char *err = HJ_REFUSED(&stack, "publicity", "show", "X0042");
    cr_assert(strstr(err, "X0042") && strstr(err, "NOT_FOUND"), "%s", err);
    free(err);
    free(cli_expect(&stack, 1, &err,
                    (const char *const[]){"publicity", "void", "Q12", "--reason", "x", NULL}));
    cr_assert(strstr(err, "Q12") && strstr(err, "X publicity"), "what a code looks like: %s", err);
    free(err);
}

/* A code needs the system to be looked up: with the broker down a void by
 * code is refused at once (exit 3) saying to give the UUID, and nothing
 * waits in the spool to void the wrong record later. */
Test(field_codes, offline_a_code_is_refused_and_nothing_is_spooled)
{
    char today[11];
    hj_date_today(today);
    OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "screen", "--kind", "slogan",
       "--date", today, "--title", "标语");
    for (int i = 0; i < stack.nprocs; i++)
        if (strcmp(stack.program[i], "hj-busd") == 0)
            hj_stack_kill(&stack, stack.pid[i], SIGTERM);
    char *err = NULL;
    free(cli_expect(
        &stack, 3, &err,
        (const char *const[]){"publicity", "void", "X0001", "--reason", "录入错误", NULL}));
    cr_assert(strstr(err, "X0001") && strstr(err, "UUID"), "%s", err);
    free(err);
    char *out = HJ_OK(&stack, "spool", "list");
    cr_assert(!strstr(out, "publicity"), "nothing waits in the spool: %s", out);
    free(out);
}
