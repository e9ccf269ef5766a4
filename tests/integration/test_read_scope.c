/* Reads have scopes like writes (issue 18), end to end: what an observer
 * (the ops room), a guidance group that guides one community, an election
 * committee, an auditor and the district each read of two communities'
 * talks, audits, rectification and persons; the "withheld" count under a
 * list cut short; birth dates and identity-card masks as each role sees
 * them. Real hj-busd, services, CLI and PostgreSQL. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "registry.pb-c.h"

#define LI_QIANG "44444444-4444-4444-8444-111111111111" /* guidance group leader, interviewer */
#define WANG_LI "44444444-4444-4444-8444-222222222222"  /* 滨河 (KBS-BH-01) party secretary */
#define ZHAO_MIN "44444444-4444-4444-8444-333333333333" /* 康和 (KBS-BH-02) residents' director */
#define WANG_LI_BIRTH "1978-05-02"
#define ZHAO_MIN_BIRTH "1969-11-23"
#define SUMMARY_01 "滨河谈话：王书记愿意继续参选"
#define SUMMARY_02 "康和谈话：赵主任对分工有顾虑"
#define FINDING_01 "专项经费列支餐费"
#define RECTIFY_01 "滨河信访积案逐户化解"
#define RECTIFY_02 "康和宗族势力排查"

static char s_id_wang[19], s_id_zhao[19];                 /* their identity-card numbers */
static char s_talk01[64], s_talk02[64];                   /* talk ids */
static char s_obs[320], s_gg[320], s_ec[320], s_aud[320]; /* device files */

/* Runs hj as `device` (NULL: the stack's district-admin); asserts exit `want`. */
static char *s_hj(const char *device, int want, char **err, const char *const *args)
{
    const char *argv[40];
    int n = 0;
    for (; args[n] && n < 36; n++)
        argv[n] = args[n];
    argv[n++] = "--device";
    argv[n++] = device ? device : stack.device;
    argv[n] = NULL;
    return cli_expect(&stack, want, err, argv);
}
#define AS_OK(device, ...) s_hj(device, 0, NULL, (const char *const[]){__VA_ARGS__, NULL})
/* Refused: returns stderr. */
static char *s_refused(const char *device, const char *const *args)
{
    char *err = NULL;
    free(s_hj(device, 1, &err, args));
    return err;
}
#define AS_REFUSED(device, ...) s_refused(device, (const char *const[]){__VA_ARGS__, NULL})

/* The devices of the roles that read here, and where their files are. */
static const hj_stack_enrolment_t s_devices[] = {
    {"ops-room", "指挥中心", "observer", s_obs, sizeof s_obs},
    {"gg-binhe", "第一指导组", "guidance-group", s_gg, sizeof s_gg},
    {"ec-kanghe", "KBS-BH-02", "election-committee", s_ec, sizeof s_ec},
    {"auditor-1", "区审计局", "auditor", s_aud, sizeof s_aud},
};

/* The two communities' persons, seats, talks, audit, rectification, reserve
 * and roll, and the devices of the roles: written once, by the runner; each
 * test's stack is a copy of it. 0, or -1 with hj's message on stderr. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-auditd", "hj-interviewsd",
                                           "hj-tallyd", NULL};
    static const char *const places[] = {"KBS-BH-01", "KBS-BH-02", NULL};
    hj_test_idcard("15060219780502123", s_id_wang);
    hj_test_idcard("15060219691123456", s_id_zhao);
    const char *steps[][20] = {
        {"person", "add", "--name", "李强", "--gender", "male", "--request-id", LI_QIANG},
        {"person", "add", "--name", "王丽", "--gender", "female", "--ethnicity", "蒙古族",
         "--birth", WANG_LI_BIRTH, "--id-card", s_id_wang, "--request-id", WANG_LI},
        {"person", "add", "--name", "赵敏", "--gender", "male", "--birth", ZHAO_MIN_BIRTH,
         "--id-card", s_id_zhao, "--request-id", ZHAO_MIN},
        {"seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
         "--role", "secretary", "--from", "2021-01-15"},
        {"seat", "add", "--community", "KBS-BH-02", "--person", ZHAO_MIN, "--committee",
         "residents", "--role", "director", "--from", "2021-01-15"},
        {"body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--subdistrict",
         "KBS-BH", "--leader", LI_QIANG, "--guides", "KBS-BH-01"},
        {"rectification", "open", "--community", "KBS-BH-01", "--problem", "petitions", "--plan",
         RECTIFY_01, "--owner", "王丽", "--date", "2026-10-01", "--due", "2026-12-30"},
        {"rectification", "open", "--community", "KBS-BH-02", "--problem", "gang_interference",
         "--plan", RECTIFY_02, "--owner", "赵敏", "--date", "2026-10-01", "--due", "2026-12-30"},
        {"reserve", "add", "--person", WANG_LI, "--community", "KBS-BH-01", "--committee", "party",
         "--added", "2026-09-01"},
        {"reserve", "add", "--person", ZHAO_MIN, "--community", "KBS-BH-02", "--committee",
         "residents", "--added", "2026-09-01"},
        {"voters", "set", "KBS-BH-02", "--voters", "1200", "--households", "400"},
        {"audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from", "2021-01-01",
         "--to", "2026-06-30", "--auditor", "张审计"},
        {"audit", "advance", "KBS-BH-01", "--term", "2021-2026"},
        {"audit", "finding", "add", "KBS-BH-01", "--item", "2", "--severity", "irregularity",
         "--amount", "1200.50", "--text", FINDING_01, "--responsible", "王丽"},
        {"talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date",
         "2026-11-01", "--interviewer", LI_QIANG, "--person", WANG_LI, "--summary", SUMMARY_01,
         "--concern", "--follow-up", "再谈一次|李强|2026-11-20"},
        {"talk", "add", "--community", "KBS-BH-02", "--phase", "preparation", "--date",
         "2026-11-01", "--interviewer", LI_QIANG, "--person", ZHAO_MIN, "--summary", SUMMARY_02,
         "--concern", "--follow-up", "再谈一次|李强|2026-11-20"},
    };
    /* The devices last: hj admin writes them to the database, which the
     * tests' hj-busd reads when it starts. */
    return HJ_SEED_SUITE(s, programs, places, steps) == 0 ? hj_stack_enrol_each(s, s_devices, 4)
                                                          : -1;
}

/* The test's stack on a copy of the seed; the numbers, talk ids and device
 * files its tests use. */
static void setup(void)
{
    hj_suite_setup();
    hj_test_idcard("15060219780502123", s_id_wang);
    hj_test_idcard("15060219691123456", s_id_zhao);
    cr_assert_eq(hj_stack_text(&stack,
                               "SELECT id FROM interviews.talk WHERE summary = '" SUMMARY_01 "'",
                               s_talk01, sizeof s_talk01),
                 0);
    cr_assert_eq(hj_stack_text(&stack,
                               "SELECT id FROM interviews.talk WHERE summary = '" SUMMARY_02 "'",
                               s_talk02, sizeof s_talk02),
                 0);
    for (size_t i = 0; i < sizeof s_devices / sizeof s_devices[0]; i++)
        snprintf(s_devices[i].path, s_devices[i].size, "%s/devices/%s.device", stack.run_dir,
                 s_devices[i].name);
}

TestSuite(read_scope, .init = setup, .fini = hj_suite_teardown, .timeout = 180);

/* `hj board` as `device` once it shows `name` (hj-tallyd follows the
 * journal); the last output after 20 s otherwise. */
static char *s_board_with(const char *device, const char *name)
{
    char *out = NULL;
    for (int i = 0; i < 200; i++) {
        free(out);
        out = AS_OK(device, "board");
        if (strstr(out, name))
            break;
    }
    return out;
}

/* ---- observer ----------------------------------------------------------------- */

Test(read_scope, the_ops_room_reads_figures_and_names_never_the_record)
{
    /* A talk, the list of talks: refused, naming the role and the read. */
    char *err = AS_REFUSED(s_obs, "talk", "show", s_talk01);
    cr_assert(strstr(err, "PERMISSION_DENIED: role observer may not read interviews.talk_get"),
              "%s", err);
    cr_assert(!strstr(err, SUMMARY_01), "%s", err);
    free(err);
    err = AS_REFUSED(s_obs, "talk", "list");
    cr_assert(strstr(err, "role observer may not read interviews.talk_list"), "%s", err);
    free(err);
    /* The audit itself with its findings' text, rectification, assessments: refused too. */
    err = AS_REFUSED(s_obs, "audit", "show", "KBS-BH-01", "--term", "2021-2026");
    cr_assert(strstr(err, "role observer may not read audit.show"), "%s", err);
    free(err);
    err = AS_REFUSED(s_obs, "rectification", "list");
    cr_assert(strstr(err, "role observer may not read registry.rectification_list"), "%s", err);
    free(err);
    err = AS_REFUSED(s_obs, "assessment", "list");
    cr_assert(strstr(err, "may not read registry.assessment_list"), "%s", err);
    free(err);

    /* Coverage: names and dates of every community, no summary. */
    char *out = AS_OK(s_obs, "talk", "coverage", "--all", "--json");
    cr_assert(strstr(out, "王丽") && strstr(out, "赵敏") && strstr(out, "2026-11-01"), "%s", out);
    cr_assert(!strstr(out, SUMMARY_01) && !strstr(out, SUMMARY_02), "%s", out);
    free(out);
    /* The board (once hj-tallyd has read the journal) and the audits' states
     * with their counts, not the findings' text. */
    out = s_board_with(s_obs, "康和社区");
    cr_assert(strstr(out, "滨河社区") && strstr(out, "康和社区"), "%s", out);
    free(out);
    out = AS_OK(s_obs, "audit", "status", "--all", "--json");
    cr_assert(strstr(out, "KBS-BH-01") && strstr(out, "\"open_findings\":1"), "%s", out);
    cr_assert(!strstr(out, FINDING_01), "%s", out);
    free(out);
    /* Sitting members by name; persons without birth date or mask. */
    out = AS_OK(s_obs, "seat", "list", "--community", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "王丽"), "%s", out);
    free(out);
    out = AS_OK(s_obs, "person", "show", WANG_LI, "--json");
    cr_assert(strstr(out, "王丽") && strstr(out, "\"birth_date\":\"\"") &&
                  strstr(out, "\"id_card_masked\":\"\"") && strstr(out, "\"ethnicity\":\"\""),
              "%s", out);
    free(out);
}

/* ---- guidance group ------------------------------------------------------------ */

Test(read_scope, a_guidance_group_reads_its_communities_in_full_and_no_other)
{
    /* Its community: the whole talk, summary and follow-up. */
    char *out = AS_OK(s_gg, "talk", "show", s_talk01, "--json");
    cr_assert(strstr(out, SUMMARY_01) && strstr(out, "再谈一次"), "%s", out);
    free(out);
    /* Another community's talk: refused, naming the community; nothing of it shown. */
    char *err = AS_REFUSED(s_gg, "talk", "show", s_talk02);
    cr_assert(strstr(err, "PERMISSION_DENIED") && strstr(err, "role guidance-group") &&
                  strstr(err, "may not read interviews.talk_get of community KBS-BH-02"),
              "%s", err);
    cr_assert(!strstr(err, SUMMARY_02), "%s", err);
    free(err);

    /* The list: its rows, and says how many it may not see. */
    out = AS_OK(s_gg, "talk", "list");
    cr_assert(strstr(out, "KBS-BH-01") && !strstr(out, "KBS-BH-02"), "%s", out);
    cr_assert(strstr(out, "（另有 1 条不在本设备范围内）"), "%s", out);
    free(out);
    out = AS_OK(s_gg, "talk", "list", "--lang", "en");
    cr_assert(strstr(out, "1 more not in this device's scope"), "%s", out);
    free(out);
    out = AS_OK(s_gg, "talk", "list", "--json");
    cr_assert(strstr(out, SUMMARY_01) && !strstr(out, SUMMARY_02) && strstr(out, "\"withheld\":1"),
              "%s", out);
    free(out);
    out = AS_OK(s_gg, "talk", "list", "--community", "KBS-BH-02", "--json");
    cr_assert(strstr(out, "\"items\":[]") && strstr(out, "\"withheld\":1"), "%s", out);
    free(out);
    /* The district sees both and nothing is withheld. */
    out = AS_OK(NULL, "talk", "list", "--json");
    cr_assert(strstr(out, SUMMARY_01) && strstr(out, SUMMARY_02) && strstr(out, "\"withheld\":0"),
              "%s", out);
    free(out);

    /* The same mechanism in the registry's lists and records. */
    out = AS_OK(s_gg, "rectification", "list");
    cr_assert(strstr(out, RECTIFY_01) || strstr(out, "KBS-BH-01"), "%s", out);
    cr_assert(!strstr(out, RECTIFY_02) && !strstr(out, "KBS-BH-02"), "%s", out);
    cr_assert(strstr(out, "（另有 1 条不在本设备范围内）"), "%s", out);
    free(out);
    out = AS_OK(NULL, "rectification", "list", "--community", "KBS-BH-02", "--json");
    char other[64];
    prep_json(out, "id", other, sizeof other);
    free(out);
    err = AS_REFUSED(s_gg, "rectification", "show", other);
    cr_assert(strstr(err, "may not read registry.rectification_get of community KBS-BH-02"), "%s",
              err);
    free(err);
    err = AS_REFUSED(s_gg, "assessment", "risk", "KBS-BH-02");
    cr_assert(strstr(err, "may not read registry.risk_get of community KBS-BH-02"), "%s", err);
    free(err);
    free(AS_OK(s_gg, "assessment", "risk", "KBS-BH-01"));

    out = AS_OK(NULL, "reserve", "list", "--community", "KBS-BH-02", "--json");
    prep_json(out, "id", other, sizeof other);
    free(out);
    err = AS_REFUSED(s_gg, "reserve", "show", other);
    cr_assert(strstr(err, "may not read registry.reserve_get of community KBS-BH-02"), "%s", err);
    free(err);
    err = AS_REFUSED(s_gg, "voters", "show", "KBS-BH-02");
    cr_assert(strstr(err, "may not read tally.voter_roll_get of community KBS-BH-02"), "%s", err);
    free(err);
    free(AS_OK(s_gg, "audit", "scope", "list", "KBS-BH-01", "--term", "2021-2026"));

    /* The reserve ledger's CSV: its rows in the file, the count aside. */
    char *note = NULL;
    out = s_hj(s_gg, 0, &note, (const char *const[]){"reserve", "export", NULL});
    cr_assert(strstr(out, "王丽") && !strstr(out, "赵敏"), "%s", out);
    cr_assert(strstr(note, "（另有 1 条不在本设备范围内）"), "%s", note);
    free(out);
    free(note);

    /* Its community's audit with the findings' text. */
    out = AS_OK(s_gg, "audit", "show", "KBS-BH-01", "--term", "2021-2026");
    cr_assert(strstr(out, FINDING_01), "%s", out);
    free(out);
    /* No personal details: it does not judge eligibility. */
    out = AS_OK(s_gg, "person", "show", WANG_LI, "--json");
    cr_assert(strstr(out, "\"birth_date\":\"\""), "%s", out);
    free(out);
}

/* ---- auditor and election committee ----------------------------------------------- */

Test(read_scope, an_auditor_reads_audits_an_election_committee_its_own_roll)
{
    char *out = AS_OK(s_aud, "audit", "show", "KBS-BH-01", "--term", "2021-2026");
    cr_assert(strstr(out, FINDING_01), "%s", out);
    free(out);
    free(AS_OK(s_aud, "community", "list"));
    char *err = AS_REFUSED(s_aud, "talk", "list");
    cr_assert(strstr(err, "role auditor may not read interviews.talk_list"), "%s", err);
    free(err);

    err = AS_REFUSED(s_ec, "talk", "show", s_talk02);
    cr_assert(strstr(err, "role election-committee may not read interviews.talk_get"), "%s", err);
    free(err);
    err = AS_REFUSED(s_ec, "audit", "show", "KBS-BH-01", "--term", "2021-2026");
    cr_assert(strstr(err, "may not read audit.show"), "%s", err);
    free(err);
    free(s_board_with(s_ec, "康和社区"));
    /* Its community's roll; the observer only the figures on the board. */
    char *out2 = AS_OK(s_ec, "voters", "show", "KBS-BH-02", "--json");
    cr_assert(strstr(out2, "1200"), "%s", out2);
    free(out2);
    err = AS_REFUSED(s_obs, "voters", "show", "KBS-BH-02");
    cr_assert(strstr(err, "role observer may not read tally.voter_roll_get"), "%s", err);
    free(err);
}

/* ---- personal details ---------------------------------------------------------- */

Test(read_scope, birth_dates_masks_and_ethnicity_reach_only_those_who_need_them)
{
    char mask_wang[19], mask_zhao[19], want[64];
    snprintf(mask_wang, sizeof mask_wang, "1****************%c", s_id_wang[17]);
    snprintf(mask_zhao, sizeof mask_zhao, "1****************%c", s_id_zhao[17]);

    /* The district: both. */
    char *out = AS_OK(NULL, "person", "show", WANG_LI, "--json");
    snprintf(want, sizeof want, "\"birth_date\":\"%s\"", WANG_LI_BIRTH);
    cr_assert(strstr(out, want) && strstr(out, mask_wang) && strstr(out, "蒙古族"), "%s", out);
    free(out);
    /* An election committee: the persons of its community only. */
    out = AS_OK(s_ec, "person", "show", ZHAO_MIN, "--json");
    snprintf(want, sizeof want, "\"birth_date\":\"%s\"", ZHAO_MIN_BIRTH);
    cr_assert(strstr(out, want) && strstr(out, mask_zhao), "%s", out);
    free(out);
    out = AS_OK(s_ec, "person", "show", WANG_LI, "--json");
    cr_assert(strstr(out, "王丽") && strstr(out, "\"birth_date\":\"\"") && !strstr(out, "蒙古族") &&
                  strstr(out, "\"id_card_masked\":\"\""),
              "%s", out);
    free(out);
    out = AS_OK(s_ec, "person", "list", "--json");
    cr_assert(strstr(out, ZHAO_MIN_BIRTH) && !strstr(out, WANG_LI_BIRTH), "%s", out);
    free(out);
    /* The auditor and the observer: neither, in a list either. */
    out = AS_OK(s_aud, "person", "list", "--json");
    cr_assert(strstr(out, "王丽") && !strstr(out, WANG_LI_BIRTH) && !strstr(out, ZHAO_MIN_BIRTH) &&
                  !strstr(out, "****"),
              "%s", out);
    free(out);
    out = AS_OK(s_obs, "person", "list", "--json");
    cr_assert(!strstr(out, WANG_LI_BIRTH) && !strstr(out, "****") && !strstr(out, "蒙古族"), "%s",
              out);
    free(out);
}

/* How many valid numbers have this mask and birth date when the region code
 * (characters 2-6) is known too: the reader's best case. */
static int s_candidates(const char *mask, const char *birth, const char *region)
{
    char body[18], id[19];
    int n = 0;
    for (int seq = 0; seq < 1000; seq++) {
        snprintf(body, sizeof body, "%c%.5s%.4s%.2s%.2s%03d", mask[0], region, birth, birth + 5,
                 birth + 8, seq);
        hj_test_idcard(body, id);
        n += id[17] == mask[17];
    }
    return n;
}

Test(read_scope, a_mask_and_a_birth_date_do_not_give_the_number_back)
{
    char *out = AS_OK(NULL, "person", "show", WANG_LI, "--json"), mask[19];
    prep_json(out, "id_card_masked", mask, sizeof mask);
    free(out);
    cr_assert_eq(strlen(mask), 18, "%s", mask);
    cr_assert_eq(mask[0], s_id_wang[0]);
    cr_assert_eq(mask[17], s_id_wang[17]);
    for (int i = 1; i < 17; i++)
        cr_assert_eq(mask[i], '*', "character %d of the number shows: %s", i + 1, mask);
    /* Even with the region code guessed right, dozens of numbers fit. */
    cr_assert_geq(s_candidates(mask, WANG_LI_BIRTH, s_id_wang + 1), 50);
    /* The stored masks are of the same form (012_read_scopes.sql checks it too). */
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM registry.person WHERE id_mask IS NOT NULL "
                                 "AND id_mask !~ '^[0-9][*]{16}[0-9X]$'"),
                 0);

    /* The number itself: in no reply of any role, no log, no journal row. */
    const char *const devices[] = {NULL, s_obs, s_gg, s_ec, s_aud};
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        out = AS_OK(devices[i], "person", "list", "--json");
        cr_assert(!strstr(out, s_id_wang) && !strstr(out, s_id_wang + 6), "%s", out);
        free(out);
    }
    char cmd[600], sql[512];
    hj_stack_t seed; /* whose daemons took the number in (the suite's seed) */
    cr_assert_eq(hj_stack_attach(&seed), 0);
    snprintf(cmd, sizeof cmd, "grep -rqa '%s' %s/*.log %s/*.log", s_id_wang + 6, stack.run_dir,
             seed.run_dir);
    cr_assert_neq(system(cmd), 0, "a log holds the number");
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM bus.journal WHERE position(convert_to('%s', 'UTF8') in payload) > 0 "
        "OR position(convert_to('%s', 'UTF8') in reply) > 0",
        s_id_wang + 6, s_id_wang + 6);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 0, "the journal holds the number");
}

/* Sends a packed registry request as the stack's device; the reply's status. */
static hj_status_t s_send(const uint8_t *body, size_t len)
{
    hj_status_t st;
    cr_assert_eq(hj_stack_call(&stack, NULL, "registry", body, len, 3000, 2, &st), 0);
    return st;
}

Test(read_scope, the_journal_digest_of_a_body_with_a_number_is_keyed)
{
    char id[19], rid[37];
    hj_test_idcard("15060219850715321", id);
    hj_uuid_new(rid);
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Person p = HJ__REGISTRY__PERSON__INIT;
    p.name = "钱多";
    p.gender = "male";
    p.birth_date = "1985-07-15";
    p.id_card = id;
    req.request_id = rid;
    req.op_case = HJ__REGISTRY__REQUEST__OP_PERSON_ADD;
    req.person_add = &p;
    size_t len = hj__registry__request__get_packed_size(&req);
    uint8_t *body = malloc(len);
    char *hex = malloc(2 * len + 1), sql[4096];
    hj__registry__request__pack(&req, body);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", body[i]);
    hj_status_t st = s_send(body, len);
    cr_assert_eq(st.code, HJ__CODE__OK, "%s", st.message);
    /* The body's plain SHA-256 would let anyone who reads the journal try
     * region codes and sequence numbers until it matches. */
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM bus.journal WHERE request_id = '%s' AND length(request_digest) = 32 "
        "AND request_digest <> sha256('\\x%s'::bytea)",
        rid, hex);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 1);
    /* The same body again is still a replay of the first (the keyed digest is as stable). */
    st = s_send(body, len);
    cr_assert_eq(st.code, HJ__CODE__OK, "%s", st.message);
    cr_assert_str_eq(st.message, HJ_REPLAY_MESSAGE);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM registry.person WHERE name = '钱多'");
    cr_assert_eq(hj_stack_scalar(&stack, sql), 1);
    free(hex);
    free(body);
}
