/* Talks (谈心谈话) through the real CLI, broker, registry and interviews
 * daemons and database: offline records, validation, coverage against the
 * changing roster, follow-ups and the events the dashboard counts, and two
 * interviews instances behind one broker. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_wait.h"
#include "interviews.pb-c.h"
#include "journal_fill.h"

#define S_WRITE(path, text) cr_assert_eq(hj_test_write(path, text), 0, "cannot write %s", path)

/* The roster of the test district. */
#define WANG_LI                                                                                    \
    "11111111-1111-4111-8111-111111111111" /* 滨河 party secretary and residents director */
#define BATER "22222222-2222-4222-8222-222222222222" /* 滨河 residents member */
#define LI_QIANG HJ_SEED_LI_QIANG
#define ZHAO_MIN "44444444-4444-4444-8444-444444444444" /* joins 滨河 later */
#define BATER_SEAT "52222222-2222-4222-8222-222222222222"
#define UNKNOWN "99999999-9999-4999-8999-999999999999"

/* The places, the persons and the roster every test starts from: written
 * once, by the runner; each test's stack is a copy of it, since each counts
 * what it wrote. 0, or -1 with hj's message on stderr. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", NULL};
    static const char *const places[] = {"KBS-BH-01", "KBS-BH-02", NULL};
    const char *steps[][16] = {
        {"person", "add", "--name", "王丽", "--gender", "female", "--request-id", WANG_LI},
        {"person", "add", "--name", "巴特尔", "--gender", "male", "--request-id", BATER},
        {"person", "add", "--name", "李强", "--gender", "male", "--request-id", LI_QIANG},
        {"person", "add", "--name", "赵敏", "--gender", "female", "--request-id", ZHAO_MIN},
        {"seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
         "--role", "secretary", "--from", "2021-01-15"},
        {"seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "residents",
         "--role", "director", "--from", "2021-01-15"},
        {"seat", "add", "--community", "KBS-BH-01", "--person", BATER, "--committee", "residents",
         "--role", "member", "--from", "2021-01-20", "--request-id", BATER_SEAT},
    };
    return HJ_SEED_SUITE(s, programs, places, steps);
}

TestSuite(interviews, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 120);

/* A preparation-phase talk by 李强 with `person` in 滨河社区, `days_ago` days ago. */
static int s_prep_talk(const char *person, int days_ago, char **err)
{
    char date[11];
    hj_date_from_today(-days_ago, date);
    return hj_run(&stack, NULL, err, "talk", "add", "--community", "KBS-BH-01", "--phase",
                  "preparation", "--date", date, "--interviewer", LI_QIANG, "--person", person,
                  "--summary", "谈换届工作的想法", NULL);
}

/* members/covered of the first community in `hj talk coverage ... --json`. */
static void s_coverage(const char *community, long *members, long *covered)
{
    char *out = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, &out, &err, "talk", "coverage", community, "--json", NULL), 0, "%s",
                 err);
    char *m = strstr(out, "\"members\":"), *c = strstr(out, "\"covered\":");
    cr_assert(m && c, "%s", out);
    *members = atol(m + 10);
    *covered = atol(c + 10);
    free(out);
    free(err);
}

Test(interviews, offline_record_submitted_twice_is_stored_once_and_round_trips_chinese)
{
    char path[512], json[2048], talk_date[11], due[11], *out1 = NULL, *out2 = NULL, *err = NULL;
    const char *id = "a1b2c3d4-0000-4000-8000-000000000001";
    hj_date_from_today(-20, talk_date);
    hj_date_from_today(10, due);
    snprintf(path, sizeof path, "%s/talk.json", stack.run_dir);
    snprintf(json, sizeof json,
             "{\n"
             "  \"id\": \"%s\",\n"
             "  \"community\": \"KBS-BH-01\",\n"
             "  \"phase\": \"preparation\",\n"
             "  \"date\": \"%s\",\n"
             "  \"interviewers\": [\"%s\"],\n"
             "  \"interviewee\": {\"person_id\": \"%s\"},\n"
             "  \"topics\": [\"换届人选\", \"\\u4efb\\u671f\\u5ba1\\u8ba1\"],\n"
             "  \"summary\": \"王丽同志表示\\\"愿意继续\\\"服务居民；担心物业矛盾。\",\n"
             "  \"follow_ups\": [{\"action\": \"约谈物业公司\", \"owner\": \"街道换届办\", "
             "\"due_date\": \"%s\"}],\n"
             "  \"concern_raised\": true\n"
             "}\n",
             id, talk_date, LI_QIANG, WANG_LI, due);
    S_WRITE(path, json);
    cr_assert_eq(hj_run(&stack, &out1, &err, "talk", "add", "--from", path, "--json", NULL), 0,
                 "%s", err);
    free(err);
    /* The laptop submits again (it never saw the first answer): same answer, nothing new. */
    cr_assert_eq(hj_run(&stack, &out2, &err, "talk", "add", "--from", path, "--json", NULL), 0,
                 "%s", err);
    free(err);
    cr_assert_str_eq(out1, out2, "a replay answers as the first time");
    cr_assert(strstr(out1, id), "%s", out1);
    free(out1);
    free(out2);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk"), 1);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.follow_up"), 1);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'talk_recorded'"),
        1);
    /* A changed record under the same id is refused, naming the id, and not stored. */
    char *changed = strstr(json, "王丽同志");
    memcpy(changed, "李四", strlen("李四"));
    S_WRITE(path, json);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "add", "--from", path, NULL), 1);
    cr_assert(strstr(err, "field: request_id"), "%s", err);
    free(err);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk WHERE summary LIKE '李四%'"),
        0);

    /* What was stored reads back exactly, Chinese and escapes included. */
    char *out = NULL;
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "show", id, "--json", NULL), 0);
    cr_assert(strstr(out, "\"summary\":\"王丽同志表示\\\"愿意继续\\\"服务居民；担心物业矛盾。\""),
              "%s", out);
    cr_assert(strstr(out, "\"topics\":[\"换届人选\",\"任期审计\"]"), "%s", out);
    cr_assert(strstr(out, "\"interviewer_names\":[\"李强\"]"), "%s", out);
    cr_assert(strstr(out, "\"name\":\"王丽\""), "%s", out);
    cr_assert(strstr(out, "\"kind\":\"registry_person\""), "%s", out);
    cr_assert(strstr(out, "\"sitting_member\":true"), "%s", out);
    cr_assert(strstr(out, "\"owner\":\"街道换届办\""), "%s", out);
    cr_assert(strstr(out, "\"concern_raised\":true"), "%s", out);
    free(out);

    /* The talk's own date counts, not the day it arrived: the date filter finds it there. */
    char before[11], after[11];
    hj_date_from_today(-21, before);
    hj_date_from_today(-19, after);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "list", "--since", before, "--until", after,
                        "--phase", "preparation", "--interviewer", LI_QIANG, "--json", NULL),
                 0);
    cr_assert(strstr(out, id), "found in its own date range: %s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "list", "--since", after, "--json", NULL), 0);
    cr_assert(!strstr(out, id), "not in a later range: %s", out);
    free(out);
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "talk", "list", "--community", "KBS-BH-02", "--json", NULL), 0);
    cr_assert(!strstr(out, id), "not in another community: %s", out);
    free(out);

    /* The flag form is idempotent by --request-id too; an outside party by role and name. */
    const char *rid = "a1b2c3d4-0000-4000-8000-000000000002";
    for (int i = 0; i < 2; i++)
        cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-01",
                            "--phase", "survey", "--date", talk_date, "--interviewer", LI_QIANG,
                            "--party", "property_company", "--name", "张伟", "--summary",
                            "物业费收缴情况", "--request-id", rid, NULL),
                     0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk"), 2);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "list", "--community", "KBS-BH-01", NULL), 0);
    cr_assert(strstr(out, "张伟 (物业公司负责人)") && strstr(out, "王丽 (sitting member)"), "%s",
              out);
    free(out);
}

Test(interviews, invalid_talks_are_refused_naming_the_field_and_store_nothing)
{
    char tomorrow[11], past[11], due[11], early[11];
    hj_date_from_today(1, tomorrow);
    hj_date_from_today(-5, past);
    hj_date_from_today(5, due);
    hj_date_from_today(-6, early);
    char fu_ok[128], fu_no_owner[128], fu_early[128];
    snprintf(fu_ok, sizeof fu_ok, "回访|社区|%s", due);
    snprintf(fu_no_owner, sizeof fu_no_owner, "约谈物业| |%s", due);
    snprintf(fu_early, sizeof fu_early, "回访|社区|%s", early);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* Each case is a good talk (base) with one thing changed: an option of
     * the base given another value (S_NONE: left out), or options added. */
    static const char S_NONE[] = "(left out)";
    const char *const base[] = {"--date",   past,    "--interviewer", LI_QIANG,
                                "--person", WANG_LI, "--summary",     "x"};
    const size_t nbase = sizeof base / sizeof base[0];
    struct {
        const char *field, *code;
        const char *argv[8];
    } cases[] = {
        {"interviewee.person_id", "INVALID_ARGUMENT", {"--person", UNKNOWN}},
        {"interviewers", "INVALID_ARGUMENT", {"--interviewer", UNKNOWN}},
        {"date", "INVALID_ARGUMENT", {"--date", tomorrow}},
        {"date", "INVALID_ARGUMENT", {"--date", "2025-02-30"}},
        {"summary", "INVALID_ARGUMENT", {"--summary", ""}},
        {"summary", "INVALID_ARGUMENT", {"--summary", "  \t "}},
        {"follow_ups[2].owner",
         "INVALID_ARGUMENT",
         {"--follow-up", fu_ok, "--follow-up", fu_no_owner}},
        {"follow_ups[1].due_date", "INVALID_ARGUMENT", {"--follow-up", fu_early}},
        {"follow_ups", "INVALID_ARGUMENT", {"--concern"}},
        {"interviewee.name",
         "INVALID_ARGUMENT",
         {"--person", S_NONE, "--party", "owners_committee", "--name", ""}},
        {"interviewee.person_id", "INVALID_ARGUMENT", {"--interviewer", WANG_LI}},
        {"interviewers", "INVALID_ARGUMENT", {"--interviewer", S_NONE}},
        {"community", "NOT_FOUND", {"--community", "KBS-XX-99"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[40] = {"talk", "add", "--phase", "preparation"};
        const char *const *change = cases[i].argv;
        int n = 4, has_community = 0;
        for (size_t b = 0; b < nbase; b += 2) {
            const char *value = base[b + 1];
            for (int k = 0; change[k]; k++)
                if (strcmp(change[k], base[b]) == 0)
                    value = change[++k];
            if (value != S_NONE) {
                argv[n++] = base[b];
                argv[n++] = value;
            }
        }
        for (int k = 0; change[k]; k++) {
            int of_base = 0;
            for (size_t b = 0; b < nbase; b += 2)
                of_base |= strcmp(change[k], base[b]) == 0;
            if (of_base) {
                k++; /* and its value, placed above */
                continue;
            }
            argv[n++] = change[k];
            has_community |= strcmp(change[k], "--community") == 0;
        }
        if (!has_community) {
            argv[n++] = "--community";
            argv[n++] = "KBS-BH-01";
        }
        argv[n] = NULL;
        char *err = NULL, want[128];
        int rc = hj_runv(&stack, NULL, &err, argv);
        snprintf(want, sizeof want, "(field: %s)", cases[i].field);
        cr_expect_eq(rc, 1, "case %zu (%s) exits 1: %s", i, cases[i].field, err);
        cr_expect(err && strstr(err, cases[i].code) && strstr(err, want),
                  "case %zu wants %s %s: %s", i, cases[i].code, want, err);
        free(err);
    }

    /* Records from a file: malformed JSON and unknown keys are usage errors naming line and key. */
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/bad.json", stack.run_dir);
    static const struct {
        const char *json, *says, *and_says;
    } bad[] = {
        {"{\n  \"id\": \"a1b2c3d4-0000-4000-8000-0000000000ff\",\n  \"community\": \"KBS-BH-01\",\n"
         "  \"sumary\": \"typo\"\n}\n",
         "bad.json:4", "unknown key \"sumary\""},
        {"{\n  \"id\": \"a1b2c3d4-0000-4000-8000-0000000000ff\",\n  \"topics\": [\"a\",],\n}\n",
         "line 3", "trailing ','"},
        {"{\"community\": \"KBS-BH-01\", \"phase\": \"preparation\"}", "\"id\" is required", ""},
        {"{\"id\": \"a1b2c3d4-0000-4000-8000-0000000000ff\",\n \"phase\": \"campaign\"}",
         "bad.json:2", "\"phase\" must be one of"},
        {"{\"id\": \"a1b2c3d4-0000-4000-8000-0000000000ff\", \"concern_raised\": \"yes\"}",
         "\"concern_raised\" must be true or false", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        S_WRITE(path, bad[i].json);
        cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "add", "--from", path, NULL), 2);
        cr_assert(strstr(err, bad[i].says) && strstr(err, bad[i].and_says), "%s", err);
        free(err);
    }
    /* The template is a record the strict reader takes; unfilled, the service names what is
     * missing. */
    char *tmpl = NULL, today[11];
    hj_date_from_today(0, today);
    cr_assert_eq(hj_run(&stack, &tmpl, NULL, "talk", "template", "--community", "KBS-BH-01", NULL),
                 0);
    cr_assert(strstr(tmpl, "\"community\": \"KBS-BH-01\"") && strstr(tmpl, today), "%s", tmpl);
    S_WRITE(path, tmpl);
    free(tmpl);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "add", "--from", path, NULL), 1);
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, "(field: interviewers)"), "%s", err);
    free(err);
    /* A well-formed file with a bad value is refused by the service, naming the field. */
    char json[1024];
    snprintf(json, sizeof json,
             "{\"id\": \"a1b2c3d4-0000-4000-8000-0000000000fe\", \"community\": \"KBS-BH-01\", "
             "\"phase\": \"survey\", \"date\": \"%s\", \"interviewers\": [\"%s\"], "
             "\"interviewee\": {\"role\": \"resident_representative\", \"name\": \"刘芳\"}, "
             "\"summary\": \"x\", \"follow_ups\": [{\"action\": \"回访\", \"due_date\": \"%s\"}]}",
             past, LI_QIANG, due);
    S_WRITE(path, json);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "add", "--from", path, NULL), 1);
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, "(field: follow_ups[1].owner)"), "%s",
              err);
    free(err);

    /* Nothing of any of them was stored or journalled. */
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk"), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk_interviewer"), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk_topic"), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.follow_up"), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    /* ...and a good talk goes through afterwards. */
    cr_assert_eq(s_prep_talk(WANG_LI, 0, NULL), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk"), 1);
}

Test(interviews, coverage_follows_talks_and_the_changing_roster)
{
    long members, covered;
    char *out = NULL, *err = NULL;
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 2 && covered == 0,
              "王丽 (on both committees, counted once) and 巴特尔: %ld/%ld", covered, members);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "coverage", "KBS-BH-01", NULL), 0);
    cr_assert(strstr(out, "not yet") && strstr(out, "0/2") && strstr(out, "0.0%"), "%s", out);
    cr_assert(strstr(out, "party:secretary, residents:director"), "%s", out);
    free(out);

    cr_assert_eq(s_prep_talk(WANG_LI, 12, &err), 0, "%s", err);
    free(err);
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 2 && covered == 1, "%ld/%ld", covered, members);

    /* A survey-phase talk, or a preparation talk in another community, does not cover. */
    char date[11];
    hj_date_from_today(-3, date);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-01", "--phase",
                        "survey", "--date", date, "--interviewer", LI_QIANG, "--person", BATER,
                        "--summary", "摸底", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-02", "--phase",
                        "preparation", "--date", date, "--interviewer", LI_QIANG, "--person", BATER,
                        "--summary", "串门", NULL),
                 0);
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 2 && covered == 1, "%ld/%ld", covered, members);

    cr_assert_eq(s_prep_talk(BATER, 2, NULL), 0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "coverage", "KBS-BH-01", NULL), 0);
    cr_assert(strstr(out, "2/2") && strstr(out, "100.0%") && !strstr(out, "not yet"), "%s", out);
    free(out);
    /* The last preparation talk is the newest by its own date, whatever the arrival order. */
    cr_assert_eq(s_prep_talk(WANG_LI, 30, NULL), 0);
    char want[64], twelve[11];
    hj_date_from_today(-12, twelve);
    snprintf(want, sizeof want, "\"last_talk_date\":\"%s\"", twelve);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "coverage", "KBS-BH-01", "--json", NULL), 0);
    cr_assert(strstr(out, want) && strstr(out, "\"complete\":true"), "%s", out);
    free(out);

    /* A member added to the roster lowers coverage at once, even while the
     * relay has not yet numbered the registry's journal row: hold the relay. */
    PGconn *relay_hold = hj_stack_pg(&stack);
    PQclear(PQexec(relay_hold, "BEGIN"));
    PGresult *r = PQexec(relay_hold, "SELECT seq FROM bus.relay_head FOR UPDATE");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(relay_hold));
    PQclear(r);
    cr_assert_eq(hj_run(&stack, NULL, &err, "seat", "add", "--community", "KBS-BH-01", "--person",
                        ZHAO_MIN, "--committee", "party", "--role", "member", "--from",
                        "2026-01-10", NULL),
                 0, "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal WHERE kind = 'seat_added' "
                                 "AND seq IS NULL"),
                 1, "the new seat is not yet numbered");
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "coverage", "KBS-BH-01", NULL), 0);
    cr_assert(strstr(out, "2/3") && strstr(out, "66.7%"), "%s", out);
    cr_assert(strstr(out, "赵敏") && strstr(out, "not yet"), "%s", out);
    free(out);
    PQclear(PQexec(relay_hold, "COMMIT"));
    PQfinish(relay_hold);

    /* A member who left no longer counts. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "seat", "end", BATER_SEAT, "--on", "2026-02-01", NULL),
                 0);
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 2 && covered == 1, "王丽 talked to, 赵敏 not yet: %ld/%ld", covered,
              members);
    cr_assert_eq(s_prep_talk(ZHAO_MIN, 0, NULL), 0);
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 2 && covered == 2, "%ld/%ld", covered, members);

    /* The district view: every community, with totals. */
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "coverage", "--all", NULL), 0);
    cr_assert(strstr(out, "康和社区") && strstr(out, "no sitting members"), "%s", out);
    cr_assert(
        strstr(out,
               "district: 2/2 sitting members talked to (100.0%); 1 of 2 communities complete"),
        "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "coverage", "KBS-XX-99", NULL), 1);
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "(field: community)"), "%s", err);
    free(err);
}

/* The roster's freshness asks for roster rows, not for every row after its
 * cursor: after 20,000 journal rows of other kinds (a busy campaign's talks,
 * publicity and tasks) a seat added counts at once, a talk with the new
 * member covers them, and talks in between leave the cursor
 * where it was (nothing of the roster changed, nothing is read). */
Test(interviews, a_seat_added_after_many_other_rows_counts_at_once)
{
    static const char *const codes[] = {"KBS-BH-01", "KBS-BH-02"};
    journal_fill_t fill = {.subdistrict = "KBS-BH",
                           .communities = codes,
                           .n_communities = 2,
                           .last_day = "2026-11-30",
                           .days = 3,
                           .seed = 0x7a1c};
    long members, covered;
    char *err = NULL;
    s_coverage("KBS-BH-01", &members, &covered); /* the roster applied once */
    long cursor = hj_stack_scalar(&stack, "SELECT seq FROM interviews.roster_cursor");
    PGconn *c = hj_stack_pg(&stack);
    cr_assert_eq(journal_fill(c, &fill, 20000), 0);
    PQfinish(c);
    cr_assert_eq(hj_wait_until(hj_stack_sealed, &stack, 60000), 0, "the relay sealed the rows");
    cr_assert_eq(s_prep_talk(BATER, 1, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(hj_stack_scalar(&stack, "SELECT seq FROM interviews.roster_cursor"), cursor,
                 "no roster row came: the cursor stays, the 20,000 rows are not read");

    cr_assert_eq(hj_run(&stack, NULL, &err, "seat", "add", "--community", "KBS-BH-01", "--person",
                        ZHAO_MIN, "--committee", "party", "--role", "member", "--from",
                        "2026-01-10", NULL),
                 0, "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(s_prep_talk(ZHAO_MIN, 2, &err), 0, "%s", err);
    free(err);
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 3 && covered == 2,
              "王丽, 巴特尔 and 赵敏; 巴特尔 and 赵敏 talked to: %ld/%ld", covered, members);
    cr_expect_gt(hj_stack_scalar(&stack, "SELECT seq FROM interviews.roster_cursor"),
                 cursor + 20000, "the cursor moved on past the rows it did not need to read");
}

/* The interviews events of the journal, decoded as the dashboard will. */
typedef struct {
    int talks[4][2]; /* [phase][community 01, 02] */
    int outside_parties;
    int open_follow_ups; /* opened by talk_recorded, minus followup_closed */
    int bad;
} s_counters_t;

static void s_count_events(s_counters_t *k)
{
    memset(k, 0, sizeof *k);
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexecParams(c,
                               "SELECT kind, community, payload FROM bus.journal "
                               "WHERE service = 'interviews' ORDER BY id",
                               0, NULL, NULL, NULL, NULL, 1);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    for (int i = 0; i < PQntuples(r); i++) {
        const char *kind = PQgetvalue(r, i, 0), *community = PQgetvalue(r, i, 1);
        Hj__Interviews__Talk *t = hj__interviews__talk__unpack(
            NULL, (size_t)PQgetlength(r, i, 2), (const uint8_t *)PQgetvalue(r, i, 2));
        if (!t || strcmp(t->community, community) != 0 || t->phase < 1 || t->phase > 3) {
            k->bad++;
        } else if (strcmp(kind, "talk_recorded") == 0) {
            k->talks[t->phase][strcmp(community, "KBS-BH-02") == 0]++;
            k->outside_parties +=
                t->interviewee->kind == HJ__INTERVIEWS__INTERVIEWEE_KIND__OUTSIDE_PARTY;
            k->open_follow_ups += (int)t->open_follow_ups;
        } else if (strcmp(kind, "followup_closed") == 0) {
            k->open_follow_ups--;
        } else
            k->bad++;
        if (t)
            hj__interviews__talk__free_unpacked(t, NULL);
    }
    PQclear(r);
    PQfinish(c);
}

typedef struct {
    pid_t watcher;
    int status;
} s_heard_t;

/* The watcher has exited (it heard a talk); else one more talk for it to hear. */
static int s_watcher_heard(void *arg)
{
    s_heard_t *h = arg;
    char past[11];
    if (hj_wait_exited(h->watcher, &h->status, 0) == 0)
        return 1;
    hj_date_from_today(-1, past);
    hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-02", "--phase", "other",
           "--date", past, "--interviewer", LI_QIANG, "--party", "party_member", "--name",
           "党员代表", "--summary", "旁听", NULL);
    return 0;
}

Test(interviews, follow_ups_close_and_events_carry_what_the_dashboard_counts)
{
    char past[11], due[11], *out = NULL, *err = NULL;
    const char *talk = "b1b2c3d4-0000-4000-8000-000000000001";
    hj_date_from_today(-4, past);
    hj_date_from_today(7, due);
    char f1[128], f2[128];
    snprintf(f1, sizeof f1, "约谈物业公司|街道换届办|%s", due);
    snprintf(f2, sizeof f2, "入户回访|社区书记|%s", due);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "add", "--community", "KBS-BH-01", "--phase",
                        "preparation", "--date", past, "--interviewer", LI_QIANG, "--person",
                        WANG_LI, "--summary", "有顾虑", "--concern", "--follow-up", f1,
                        "--follow-up", f2, "--request-id", talk, NULL),
                 0, "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-01", "--phase",
                        "survey", "--date", past, "--interviewer", LI_QIANG, "--party",
                        "property_company", "--name", "张伟", "--summary", "物业费", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-02", "--phase",
                        "preparation", "--date", past, "--interviewer", LI_QIANG, "--party",
                        "owners_committee", "--name", "陈静", "--summary", "业委会换届", NULL),
                 0);

    /* Closing a follow-up is its own write; closing it again, or one that does not exist, is
     * refused. */
    cr_assert_eq(
        hj_run(&stack, &out, &err, "talk", "close", talk, "--follow-up", "1", "--json", NULL), 0,
        "%s", err);
    cr_assert(strstr(out, "\"open_follow_ups\":1"), "%s", out);
    free(out);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "close", talk, "--follow-up", "1", NULL), 1);
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "already closed"), "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "close", talk, "--follow-up", "9", NULL), 1);
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "(field: number)"), "%s", err);
    free(err);
    hj_date_from_today(-5, past);
    cr_assert_eq(
        hj_run(&stack, NULL, &err, "talk", "close", talk, "--follow-up", "2", "--on", past, NULL),
        1);
    cr_assert(strstr(err, "(field: closed_on)"), "closing before the talk: %s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "close", UNKNOWN, "--follow-up", "1", NULL), 1);
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "(field: talk_id)"), "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "show", talk, NULL), 0);
    cr_assert(strstr(out, "1 open of 2") && strstr(out, "closed "), "%s", out);
    free(out);

    /* The journal events alone give the dashboard's counters. */
    s_counters_t k;
    s_count_events(&k);
    cr_assert_eq(k.bad, 0, "every interviews event decodes as a Talk of its community");
    cr_assert_eq(k.talks[HJ__INTERVIEWS__PHASE__PREPARATION][0], 1);
    cr_assert_eq(k.talks[HJ__INTERVIEWS__PHASE__SURVEY][0], 1);
    cr_assert_eq(k.talks[HJ__INTERVIEWS__PHASE__PREPARATION][1], 1);
    cr_assert_eq(k.outside_parties, 2);
    cr_assert_eq(k.open_follow_ups, 1);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal WHERE kind = 'followup_closed' "
                                 "AND community = 'KBS-BH-01'"),
                 1);

    /* And they reach the event bus: a watcher sees the next talk under its topic. */
    pid_t watcher = fork();
    cr_assert(watcher >= 0);
    if (watcher == 0) {
        char *seen = NULL;
        hj_run(&stack, &seen, NULL, "watch", "interviews.talk_recorded.KBS-BH-02", "--count", "1",
               "--seconds", "20", NULL);
        _exit(seen && strstr(seen, "interviews.talk_recorded.KBS-BH-02") ? 0 : 1);
    }
    /* The bus is lossy by design (a subscriber joins a moment late): keep talking until it hears
     * one. */
    s_heard_t heard = {watcher, -1};
    if (hj_wait_until(s_watcher_heard, &heard, 20000) != 0) {
        kill(watcher, SIGKILL);
        waitpid(watcher, &heard.status, 0);
    }
    cr_assert(WIFEXITED(heard.status) && WEXITSTATUS(heard.status) == 0,
              "the watcher saw a talk_recorded event");
}

/* Counts backends of this test's database waiting on a lock. */
static long s_waiting(void)
{
    return hj_stack_scalarf(
        &stack,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND wait_event_type = 'Lock'",
        stack.dbname);
}

static pid_t s_talk_in_background(const char *request_id, int days_ago)
{
    pid_t pid = fork();
    if (pid == 0) {
        char date[11];
        hj_date_from_today(-days_ago, date);
        int rc =
            hj_run(&stack, NULL, NULL, "talk", "add", "--community", "KBS-BH-01", "--phase",
                   "preparation", "--date", date, "--interviewer", LI_QIANG, "--person", BATER,
                   "--summary", "并发", "--request-id", request_id, "--timeout", "20000", NULL);
        _exit(rc);
    }
    return pid;
}

static int s_waiting_reached(void *n)
{
    return s_waiting() >= *(long *)n;
}

static void s_wait_for_waiting(long n)
{
    hj_wait_until(s_waiting_reached, &n, 10000);
    cr_assert_eq(s_waiting(), n, "%ld requests blocked in the database", n);
}

/* The broker's log says it has two interviews workers (cmd: the grep that says so). */
static int s_two_workers(void *cmd)
{
    return system(cmd) == 0;
}

Test(interviews, two_instances_behind_the_broker_both_serve)
{
    pid_t second = hj_stack_spawn(&stack, "hj-interviewsd");
    cr_assert(second > 0);
    /* Wait until the broker has both: `hj status` cannot tell one from two,
     * so watch the broker log for the second worker. */
    char cmd[768];
    snprintf(cmd, sizeof cmd, "grep -q 'worker of interviews ready .*2 instance' %s/hj-busd.*.log",
             stack.run_dir);
    cr_assert_eq(hj_wait_until(s_two_workers, cmd, 10000), 0,
                 "the broker has two interviews workers");

    /* Hold writes to talks: the first request blocks inside its instance's
     * one database connection, so the broker must give the second request to
     * the other instance, and two connections end up waiting. */
    PGconn *hold = hj_stack_pg(&stack);
    PQclear(PQexec(hold, "BEGIN"));
    PGresult *r = PQexec(hold, "LOCK TABLE interviews.talk IN SHARE MODE");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(hold));
    PQclear(r);
    pid_t a = s_talk_in_background("c1b2c3d4-0000-4000-8000-000000000001", 3);
    s_wait_for_waiting(1);
    pid_t b = s_talk_in_background("c1b2c3d4-0000-4000-8000-000000000002", 2);
    s_wait_for_waiting(2);
    PQclear(PQexec(hold, "COMMIT"));
    PQfinish(hold);
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && WIFEXITED(sb) && WEXITSTATUS(sb) == 0,
              "both answered");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM interviews.talk"), 2);

    /* One instance going away leaves the other serving reads and writes. */
    hj_stack_kill(&stack, second, SIGTERM);
    cr_assert_eq(s_prep_talk(WANG_LI, 1, NULL), 0);
    long members, covered;
    s_coverage("KBS-BH-01", &members, &covered);
    cr_assert(members == 2 && covered == 2, "%ld/%ld", covered, members);
}
