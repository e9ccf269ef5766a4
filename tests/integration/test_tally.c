/* hj-tallyd, the readiness board and the election gates, through the real
 * CLI, broker, registry, audit, interviews and tally daemons and database:
 * a community walked gate by gate from red to green by real writes, opening
 * refused and then allowed, overrides recorded, the board published as
 * Clone-pattern events, kill -9 mid-stream, and events lost on the bus. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "cli_test.h"
#include "hj.pb-c.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_wait.h"
#include "tally.pb-c.h"

#define WANG_LI "11111111-1111-4111-8111-111111111111" /* party secretary */
#define BATER "22222222-2222-4222-8222-222222222222"   /* residents member */
#define LI_QIANG                                                                                   \
    "33333333-3333-4333-8333-333333333333" /* guidance group: talks; election committee */
#define ZHAO_MIN "44444444-4444-4444-8444-444444444444" /* leads the election committee */
#define AUDIT "a0000000-0000-4000-8000-000000000001"
#define RECT "a0000000-0000-4000-8000-000000000002"
#define UPGRADE "a0000000-0000-4000-8000-000000000003"
#define PLAN "a0000000-0000-4000-8000-000000000004"

#define OK(...) free(cli_expect(&stack, 0, NULL, (const char *const[]){__VA_ARGS__, NULL}))

/* Runs hj expecting exit `want`; returns stderr (malloc'd). */
static char *s_fails(int want, const char *const *argv)
{
    char *err = NULL;
    free(cli_expect(&stack, want, &err, argv));
    return err;
}
#define REFUSED(...) s_fails(1, (const char *const[]){__VA_ARGS__, NULL})

static const char *const s_gates[8] = {"audit", "rectification", "upgrade",    "plan",
                                       "talks", "training",      "candidates", "voter_list"};

/* The eight gates of a community as "grrr...": g green, r red, o overridden;
 * the JSON of `hj gates` into *json (malloc'd) when asked. */
static void s_states(const char *community, char states[9], char **json)
{
    char *out = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, &out, &err, "gates", community, "--json", NULL), 0, "%s", err);
    free(err);
    for (int i = 0; i < 8; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"id\":\"%s\",\"state\":\"", s_gates[i]);
        const char *p = strstr(out, pat);
        cr_assert(p, "gate %s in %s", s_gates[i], out);
        states[i] = p[strlen(pat)];
    }
    states[8] = 0;
    if (json)
        *json = out;
    else
        free(out);
}

/* The reason of one gate. */
static void s_reason(const char *community, const char *gate, char *reason, size_t size)
{
    char states[9], *json = NULL, pat[96];
    s_states(community, states, &json);
    snprintf(pat, sizeof pat, "\"id\":\"%s\",\"state\":\"", gate);
    const char *p = strstr(json, pat);
    p = strstr(p, "\"reason\":\"") + 10;
    size_t n = 0;
    while (p[n] && p[n] != '"' && n + 1 < size)
        n++;
    memcpy(reason, p, n);
    reason[n] = 0;
    free(json);
}

#define EXPECT_GATES(community, want, step)                                                        \
    do {                                                                                           \
        char got_[9], *json_ = NULL;                                                               \
        s_states(community, got_, &json_);                                                         \
        cr_assert_str_eq(got_, want,                                                               \
                         "after %s: gates %s, expected %s (audit rect upgrade plan "               \
                         "talks training candidates voter_list): %s",                              \
                         step, got_, want, json_);                                                 \
        free(json_);                                                                               \
    } while (0)

#define EXPECT_REASON(community, gate, want)                                                       \
    do {                                                                                           \
        char r_[256];                                                                              \
        s_reason(community, gate, r_, sizeof r_);                                                  \
        cr_assert_str_eq(r_, want);                                                                \
    } while (0)

/* The places every test starts from, applied by hj-tallyd; then the daemons
 * stop, for the tests' copies of its database. 0, or -1 with hj's message. */
static int hj_suite_seed(hj_stack_t *s)
{
    int rc =
        hj_stack_start_all(s) == 0 && HJ_SEED_PLACES(s, "KBS-BH-01", "KBS-BH-02") == 0 ? 0 : -1;
    return hj_stack_seed_done(s, rc);
}

/* Each test walks a board of its own, so each has a stack of its own,
 * started on a copy of the seed's database: the runner writes the seed once
 * (starting and seeding a stack is seconds under ASan). */
TestSuite(tally, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 240);

/* ---- the walk ----------------------------------------------------------------- */

static void s_people(void)
{
    OK("person", "add", "--name", "王丽", "--gender", "female", "--request-id", WANG_LI);
    OK("person", "add", "--name", "巴特尔", "--gender", "male", "--request-id", BATER);
    OK("person", "add", "--name", "李强", "--gender", "male", "--request-id", LI_QIANG);
    OK("person", "add", "--name", "赵敏", "--gender", "female", "--request-id", ZHAO_MIN);
}

static void s_nominate(int i, const char *day)
{
    char id[37], name[32];
    snprintf(id, sizeof id, "c0000000-0000-4000-8000-%012d", i);
    snprintf(name, sizeof name, "候选人%d", i);
    OK("person", "add", "--name", name, "--gender", "male", "--request-id", id);
    OK("reserve", "add", "--person", id, "--community", "KBS-BH-01", "--committee", "party",
       "--added", day, "--status", "nominated", "--vetting", "cleared");
}

Test(tally, a_community_walks_from_red_to_green_one_gate_at_a_time)
{
    char d30[11], d20[11], d10[11], d5[11], today[11], due[11], election_day[11];
    hj_date_from_today(-30, d30);
    hj_date_from_today(-20, d20);
    hj_date_from_today(-10, d10);
    hj_date_from_today(-5, d5);
    hj_date_from_today(0, today);
    hj_date_from_today(30, due);
    hj_date_from_today(60, election_day);
    /* Nothing recorded: rectification and upgrade have nothing open. */
    EXPECT_GATES("KBS-BH-01", "rggrrrrr", "the community was added");
    OK("rectification", "open", "--community", "KBS-BH-01", "--problem", "petitions", "--plan",
       "一社一策：逐户走访化解", "--owner", "王丽", "--date", d30, "--due", due, "--request-id",
       RECT);
    EXPECT_GATES("KBS-BH-01", "rrgrrrrr", "rectification open");
    OK("upgrade", "request", "--community", "KBS-BH-01", "--to", "general_branch", "--date", d30,
       "--request-id", UPGRADE);
    EXPECT_GATES("KBS-BH-01", "rrrrrrrr", "upgrade requested");
    EXPECT_GATES("KBS-BH-02", "rggrrrrr", "another community is not touched");

    /* 1. The term audit: red until completed and published. */
    s_people();
    OK("seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
       "--role", "secretary", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", BATER, "--committee", "residents",
       "--role", "member", "--from", "2021-01-20");
    OK("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from", "2021-01-01",
       "--to", "2026-10-31", "--auditor", "张审计", "--opened", d20, "--request-id", AUDIT);
    EXPECT_REASON("KBS-BH-01", "audit", "audit: planned, 7 scope items not examined");
    OK("audit", "advance", "KBS-BH-01", "--on", d20);
    for (int no = 1; no <= 5; no++) {
        char n[4];
        snprintf(n, sizeof n, "%d", no);
        OK("audit", "scope", "set", "KBS-BH-01", n, "--status", "examined");
    }
    EXPECT_REASON("KBS-BH-01", "audit", "audit: fieldwork, 2 scope items not examined");
    OK("audit", "finding", "add", "KBS-BH-01", "--item", "6", "--severity", "observation", "--text",
       "票据不全");
    OK("audit", "scope", "set", "KBS-BH-01", "7", "--status", "examined");
    EXPECT_REASON("KBS-BH-01", "audit", "audit: fieldwork, not yet completed");
    OK("audit", "advance", "KBS-BH-01", "--on", d10);
    OK("audit", "advance", "KBS-BH-01", "--on", d10);
    EXPECT_REASON("KBS-BH-01", "audit", "audit: completed, not yet published");
    EXPECT_GATES("KBS-BH-01", "rrrrrrrr", "audit completed");
    OK("audit", "publish", "KBS-BH-01", "--on", d5);
    EXPECT_GATES("KBS-BH-01", "grrrrrrr", "audit published");

    /* 2. Rectification: in progress is still open; closed (销号) turns it green. */
    OK("rectification", "start", RECT, "--date", d20);
    EXPECT_GATES("KBS-BH-01", "grrrrrrr", "rectification started");
    EXPECT_REASON("KBS-BH-01", "rectification",
                  "rectification: 1 item not closed (0 open, 1 in progress)");
    OK("rectification", "close", RECT, "--date", d10, "--note", "矛盾已化解", "--verified-by",
       "街道纪工委");
    EXPECT_GATES("KBS-BH-01", "ggrrrrrr", "rectification closed");

    /* 3. The upgrade request decided. */
    OK("upgrade", "approve", UPGRADE, "--date", d10);
    EXPECT_GATES("KBS-BH-01", "gggrrrrr", "upgrade approved");

    /* 4. The plan: in force only when the last step is approved. */
    OK("plan", "add", "--community", "KBS-BH-01", "--title", "滨河社区换届工作方案", "--text", "……",
       "--date", d20, "--request-id", PLAN);
    EXPECT_REASON("KBS-BH-01", "plan",
                  "plan: v1 draft, 0 of 3 approval steps done (next: 街道换届工作领导小组)");
    OK("plan", "approve", PLAN, "--step", "1", "--date", d10, "--by", "张书记");
    OK("plan", "approve", PLAN, "--step", "2", "--date", d10, "--by", "区换届办");
    EXPECT_GATES("KBS-BH-01", "gggrrrrr", "two of three plan steps approved");
    OK("plan", "approve", PLAN, "--step", "3", "--date", d5, "--by", "指导组");
    EXPECT_GATES("KBS-BH-01", "ggggrrrr", "plan in force");

    /* 5. Talks with every sitting member in the preparation phase. */
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date", d10,
       "--interviewer", LI_QIANG, "--person", BATER, "--summary", "摸底");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date", d10,
       "--interviewer", LI_QIANG, "--person", WANG_LI, "--summary", "谈换届");
    EXPECT_REASON("KBS-BH-01", "talks",
                  "talks: 1 of 2 sitting members talked to in the preparation phase");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date", d5,
       "--interviewer", LI_QIANG, "--person", BATER, "--summary", "谈换届");
    EXPECT_GATES("KBS-BH-01", "gggggrrr", "every sitting member talked to");

    /* 6. The election committee trained, every member of it. */
    OK("body", "add", "--kind", "election_committee", "--name", "滨河社区选举委员会", "--community",
       "KBS-BH-01", "--leader", ZHAO_MIN, "--member", LI_QIANG, "--formed", d20);
    EXPECT_REASON("KBS-BH-01", "training", "training: 0 of 2 election-committee members trained");
    OK("training", "add", "--date", d10, "--community", "KBS-BH-01", "--trainer", "区委组织部",
       "--topic", "《城市居民委员会组织法》", "--attendee", ZHAO_MIN ":election_committee_member");
    EXPECT_GATES("KBS-BH-01", "gggggrrr", "one of two trained");
    OK("training", "add", "--date", d5, "--subdistrict", "KBS-BH", "--trainer", "街道", "--topic",
       "选举程序", "--attendee", LI_QIANG ":guidance_group_member");
    EXPECT_GATES("KBS-BH-01", "ggggggrr", "both trained (in any role)");

    /* 7. Candidates: seats x 1.2 rounded up for the party committee. */
    OK("election", "schedule", "KBS-BH-01", "--body", "party", "--date", election_day, "--seats",
       "5");
    EXPECT_REASON("KBS-BH-01", "candidates", "candidates: party 0 for 5 seats, needs at least 6");
    for (int i = 1; i <= 5; i++)
        s_nominate(i, d10);
    EXPECT_GATES("KBS-BH-01", "ggggggrr", "five nominated for five seats");
    char *err = REFUSED("election", "open", "KBS-BH-01", "--body", "party");
    cr_assert(strstr(err, "FAILED_PRECONDITION") &&
                  strstr(err, "2 gates are red (candidates, voter_list)") &&
                  strstr(err, "candidates: party 5 for 5 seats, needs at least 6") &&
                  strstr(err, "(field: gates)"),
              "%s", err);
    free(err);
    s_nominate(6, d10);
    EXPECT_GATES("KBS-BH-01", "gggggggr", "six nominated");

    /* 8. The voter list arrives with election day (issue 7): refused, naming it. */
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    err = REFUSED("election", "open", "KBS-BH-01", "--body", "party");
    cr_assert(strstr(err, "1 gate is red (voter_list): voter list: not yet published"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "a refusal writes nothing");
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM tally.election WHERE state = 'open'"), 0);

    /* The subdistrict office may open elections but not override a gate: that is the district's. */
    char office[512];
    cr_assert_eq(
        hj_stack_enrol(&stack, "office-1", "KBS-BH", "subdistrict-office", office, sizeof office),
        0);
    char *denied = NULL;
    cr_assert_eq(hj_run(&stack, NULL, &denied, "election", "open", "KBS-BH-01", "--body", "party",
                        "--override", "voter_list", "--reason", "选民名单已张贴", "--device",
                        office, NULL),
                 1);
    cr_assert(strstr(denied, "PERMISSION_DENIED") &&
                  strstr(denied, "only the district may override"),
              "%s", denied);
    free(denied);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");

    /* The district overrides it with a reason: recorded with the actor, shown as overridden. */
    char *out = NULL;
    cr_assert_eq(hj_run(&stack, &out, &err, "election", "open", "KBS-BH-01", "--body", "party",
                        "--override", "voter_list", "--reason",
                        "选民名单已于公告栏张贴，系统补录中", NULL),
                 0, "%s", err);
    cr_assert(strstr(out, "opened: the party election of KBS-BH-01") &&
                  strstr(out, "⊘ voter list: not yet published — overridden by test-admin: "
                              "选民名单已于公告栏张贴"),
              "%s", out);
    free(out);
    free(err);
    EXPECT_GATES("KBS-BH-01", "gggggggo", "voter list overridden");
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM tally.gate_override WHERE gate = 8 AND "
                                 "actor = 'test-admin' AND reason LIKE '选民名单已于%'"),
                 1);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal WHERE service = 'tally' AND "
                                 "kind = 'election_opened' AND actor = 'test-admin' AND "
                                 "community = 'KBS-BH-01'"),
                 1);
    cr_assert_eq(hj_run(&stack, &out, NULL, "gates", "KBS-BH-01", NULL), 0);
    cr_assert(strstr(out, "⊘ 8 选民名单 — 区级越过") &&
                  strstr(out, "由 test-admin 越过：选民名单已于公告栏张贴，系统补录中") &&
                  strstr(out, "门槛全部通过"),
              "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "board", NULL), 0);
    cr_assert(strstr(out, "党组织 ") && strstr(out, " 已开始") &&
                  strstr(out, "社区 2, 全部门槛通过 1"),
              "%s", out);
    free(out);
    /* An open election is not opened twice, nor rescheduled. */
    err = REFUSED("election", "open", "KBS-BH-01", "--body", "party");
    cr_assert(strstr(err, "already open") && strstr(err, "(field: state)"), "%s", err);
    free(err);
    err = REFUSED("election", "schedule", "KBS-BH-01", "--body", "party", "--date", election_day,
                  "--seats", "7");
    cr_assert(strstr(err, "already open") && strstr(err, "(field: state)"), "%s", err);
    free(err);
}

/* ---- refusals ------------------------------------------------------------------ */

Test(tally, bad_input_is_refused_naming_the_field_and_changes_nothing)
{
    char later[11], past[11], *err, *out = NULL;
    const char *rid = "b0000000-0000-4000-8000-000000000001";
    hj_date_from_today(60, later);
    hj_date_from_today(-1, past);
    OK("election", "schedule", "KBS-BH-02", "--body", "residents", "--date", later, "--seats", "7",
       "--request-id", rid);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    struct {
        const char *code, *field;
        const char *argv[16];
    } cases[] = {
        {"INVALID_ARGUMENT",
         "body",
         {"schedule", "KBS-BH-01", "--body", "village", "--date", later, "--seats", "5"}},
        {"INVALID_ARGUMENT",
         "date",
         {"schedule", "KBS-BH-01", "--body", "party", "--date", past, "--seats", "5"}},
        {"INVALID_ARGUMENT",
         "date",
         {"schedule", "KBS-BH-01", "--body", "party", "--date", "2027-02-30", "--seats", "5"}},
        {"INVALID_ARGUMENT",
         "seats",
         {"schedule", "KBS-BH-01", "--body", "party", "--date", later, "--seats", "0"}},
        {"INVALID_ARGUMENT",
         "seats",
         {"schedule", "KBS-BH-01", "--body", "party", "--date", later, "--seats", "31"}},
        {"NOT_FOUND",
         "community",
         {"schedule", "KBS-XX-99", "--body", "party", "--date", later, "--seats", "5"}},
        {"NOT_FOUND", "body", {"open", "KBS-BH-01", "--body", "party"}},
        {"FAILED_PRECONDITION",
         "overrides",
         {"open", "KBS-BH-02", "--body", "residents", "--override", "rectification", "--reason",
          "无"}},
        {"INVALID_ARGUMENT",
         "overrides[1].reason",
         {"open", "KBS-BH-02", "--body", "residents", "--override", "audit", "--reason", "  "}},
        {"FAILED_PRECONDITION",
         "gates",
         {"open", "KBS-BH-02", "--body", "residents", "--override", "audit", "--reason",
          "审计延后"}},
        {"INVALID_ARGUMENT",
         "request_id",
         {"schedule", "KBS-BH-02", "--body", "residents", "--date", later, "--seats", "9",
          "--request-id", rid}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[20] = {"election"};
        int n = 1;
        for (int k = 0; cases[i].argv[k]; k++)
            argv[n++] = cases[i].argv[k];
        argv[n] = NULL;
        char want[96];
        err = s_fails(1, argv);
        snprintf(want, sizeof want, "(field: %s)", cases[i].field);
        cr_expect(strstr(err, cases[i].code) && strstr(err, want), "case %zu wants %s %s: %s", i,
                  cases[i].code, want, err);
        free(err);
    }
    /* Mistakes the CLI catches before asking. */
    err = s_fails(2, (const char *const[]){"election", "open", "KBS-BH-02", "--body", "residents",
                                           "--override", "everything", "--reason", "x", NULL});
    cr_assert(strstr(err, "--override takes a gate"), "%s", err);
    free(err);
    err = s_fails(2, (const char *const[]){"election", "open", "KBS-BH-02", "--body", "residents",
                                           "--override", "audit", NULL});
    cr_assert(strstr(err, "must be followed by --reason"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing journalled");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.election"), 1);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.gate_override"), 0);

    /* The refusal lists every red gate, the names first. */
    err = REFUSED("election", "open", "KBS-BH-02", "--body", "residents");
    cr_assert(
        strstr(err,
               "the residents election of KBS-BH-02 cannot open: 6 gates are red (audit, plan, "
               "talks, training, candidates, voter_list): audit: no term audit opened; plan: "
               "no community plan;"),
        "%s", err);
    free(err);

    /* A replay answers as the first time; scheduling again while not open moves the plan. */
    char *first = NULL;
    cr_assert_eq(hj_run(&stack, &first, NULL, "election", "schedule", "KBS-BH-02", "--body",
                        "residents", "--date", later, "--seats", "7", "--request-id", rid, "--json",
                        NULL),
                 0);
    cr_assert(strstr(first, rid), "%s", first);
    free(first);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    char later2[11];
    hj_date_from_today(75, later2);
    cr_assert_eq(hj_run(&stack, &out, NULL, "election", "schedule", "KBS-BH-02", "--body",
                        "residents", "--date", later2, "--seats", "9", NULL),
                 0);
    cr_assert(strstr(out, rid) && strstr(out, later2) && strstr(out, "9 seats"),
              "the same election, moved: %s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.election"), 1);
    cr_assert_eq(hj_run(&stack, &out, NULL, "board", "KBS-BH-02", NULL), 0);
    cr_assert(strstr(out, "居委会") && strstr(out, later2) &&
                  strstr(out, "居民委员会候选人0名、职数9名，至少需要10名"),
              "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "board", "KBS-BH-02", "--lang", "en", NULL), 0);
    cr_assert(strstr(out, "candidates: residents 0 for 9 seats, needs at least 10"), "%s", out);
    free(out);
}

/* ---- the board on the bus (the Clone pattern) ------------------------------------ */

#include "hj_client.h"

/* Snapshot of the whole board through the broker. The reply is the caller's. */
static Hj__Tally__Reply *s_snapshot(const char *community)
{
    Hj__Tally__Reply *r = hj_stack_snapshot(&stack, community);
    cr_assert(r && r->status && r->status->code == HJ__CODE__OK &&
                  r->result_case == HJ__TALLY__REPLY__RESULT_SNAPSHOT,
              "snapshot refused: %s", r && r->status ? r->status->message : "(no reply)");
    return r;
}

/* A board as bytes without its tally sequence number (to compare content). */
static size_t s_board_bytes(Hj__Tally__CommunityBoard *b, uint8_t *out, size_t size)
{
    uint64_t seq = b->tally_seq;
    b->tally_seq = 0;
    size_t n = hj__tally__community_board__get_packed_size(b);
    cr_assert(n <= size);
    hj__tally__community_board__pack(b, out);
    b->tally_seq = seq;
    return n;
}

typedef struct {
    char code[32];
    uint8_t bytes[8192];
    size_t len;
} s_replica_t;

Test(tally, a_dashboard_subscribes_snapshots_and_applies_newer_updates)
{
    void *ctx = zmq_ctx_new(), *sub = hj_stack_sub(&stack, ctx, NULL, "tally.", 200);
    cr_assert_not_null(sub, "no subscriber on the event bus");
    s_people();
    /* The subscription takes a moment to reach the bus: change boards until an update arrives. */
    int heard = 0;
    for (int i = 0; i < 50 && !heard; i++) {
        char code[16], name[32];
        snprintf(code, sizeof code, "KBS-BH-%02d", 10 + i);
        snprintf(name, sizeof name, "新社区%d", i);
        OK("community", "add", "--code", code, "--name", name, "--subdistrict", "KBS-BH");
        char buf[64];
        heard = zmq_recv(sub, buf, sizeof buf, 0) > 0;
        while (heard && zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) > 0) {
        }
    }
    cr_assert(heard, "the dashboard hears tally.* updates");

    /* 1. subscribed; 2. snapshot; 3. apply only updates newer than it. */
    Hj__Tally__Reply *snap = s_snapshot("");
    uint64_t seq = snap->snapshot->tally_seq;
    size_t n = snap->snapshot->n_communities;
    s_replica_t *replica = calloc(n + 8, sizeof *replica);
    for (size_t i = 0; i < n; i++) {
        snprintf(replica[i].code, sizeof replica[i].code, "%s",
                 snap->snapshot->communities[i]->code);
        replica[i].len = s_board_bytes(snap->snapshot->communities[i], replica[i].bytes,
                                       sizeof replica[i].bytes);
    }
    cr_assert(snap->snapshot->district && snap->snapshot->district->communities == n);
    hj__tally__reply__free_unpacked(snap, NULL);

    /* Changes to two communities. */
    OK("seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
       "--role", "secretary", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-02", "--person", BATER, "--committee", "residents",
       "--role", "director", "--from", "2021-01-15");
    OK("publicity", "add", "--subdistrict", "KBS-BH", "--channel", "wechat_group", "--kind",
       "slogan", "--date", "2026-10-01", "--count", "3", "--title", "依法换届");
    Hj__Tally__Reply *after = s_snapshot("");
    uint64_t target = after->snapshot->tally_seq;
    cr_assert(target > seq, "the board changed: %lu -> %lu", (unsigned long)seq,
              (unsigned long)target);

    int districts = 0, boards = 0, gaps = 0, older = 0;
    for (int spins = 0; seq < target && spins < 100; spins++) {
        char topic[96];
        Hj__Event *ev;
        if (hj_stack_event(sub, topic, sizeof topic, &ev) != 0)
            continue;
        cr_assert(ev, "an Event");
        cr_assert_str_eq(ev->topic, topic);
        cr_assert_str_eq(ev->service, "tally");
        if (ev->seq <= seq) {
            older++; /* already in the snapshot */
        } else {
            gaps += ev->seq != seq + 1;
            seq = ev->seq;
            if (strcmp(topic, "tally.board.district") == 0) {
                Hj__Tally__DistrictTotals *d =
                    hj__tally__district_totals__unpack(NULL, ev->payload.len, ev->payload.data);
                cr_assert(d && d->tally_seq == ev->seq);
                hj__tally__district_totals__free_unpacked(d, NULL);
                districts++;
            } else {
                Hj__Tally__CommunityBoard *b =
                    hj__tally__community_board__unpack(NULL, ev->payload.len, ev->payload.data);
                cr_assert(b && b->tally_seq == ev->seq, "the board carries its sequence");
                cr_assert(strncmp(topic, "tally.board.", 12) == 0 &&
                              strcmp(topic + 12, b->code) == 0,
                          "%s carries %s", topic, b->code);
                size_t k = 0;
                while (k < n && strcmp(replica[k].code, b->code) != 0)
                    k++;
                if (k == n)
                    snprintf(replica[n++].code, sizeof replica[0].code, "%s", b->code);
                replica[k].len = s_board_bytes(b, replica[k].bytes, sizeof replica[k].bytes);
                hj__tally__community_board__free_unpacked(b, NULL);
                boards++;
            }
        }
        hj__event__free_unpacked(ev, NULL);
    }
    cr_assert_eq(seq, target, "every update up to the second snapshot arrived");
    cr_assert_eq(gaps, 0, "updates are numbered without gaps");
    cr_assert(boards >= 2 && districts >= 1, "%d boards, %d district updates", boards, districts);
    /* The replica built from snapshot + updates is the board. */
    cr_assert_eq(after->snapshot->n_communities, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t bytes[8192];
        size_t len = s_board_bytes(after->snapshot->communities[i], bytes, sizeof bytes);
        cr_assert_eq(len, replica[i].len, "board %s", replica[i].code);
        cr_assert(memcmp(bytes, replica[i].bytes, len) == 0, "board %s", replica[i].code);
    }
    /* The subdistrict-wide push counts on each of its boards, once in the district. */
    cr_assert_eq(after->snapshot->communities[0]->counters->publicity_pushes, 3);
    cr_assert_eq(after->snapshot->communities[1]->counters->publicity_pushes, 3);
    cr_assert_eq(after->snapshot->district->totals->publicity_pushes, 3);
    cr_assert_eq(after->snapshot->district->totals->members_sitting, 2);
    hj__tally__reply__free_unpacked(after, NULL);
    free(replica);
    zmq_close(sub);
    zmq_ctx_term(ctx);
}

/* ---- never missing an event --------------------------------------------------------- */

/* `hj board --json` without the tally sequence numbers (which count
 * publications, not content): what two runs over one journal must share. */
static char *s_board_content(void)
{
    char *out = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, &out, &err, "board", "--json", NULL), 0, "%s", err);
    free(err);
    char *w = out;
    for (const char *r = out; *r;) {
        if (strncmp(r, "\"tally_seq\":", 12) == 0) {
            r += 12;
            while (*r >= '0' && *r <= '9')
                r++;
            if (*r == ',')
                r++;
            continue;
        }
        *w++ = *r++;
    }
    *w = 0;
    return out;
}

/* The board's content is `want` (a string s_board_content made). */
static int s_board_is(void *want)
{
    char *board = s_board_content();
    int is = strcmp(board, want) == 0;
    free(board);
    return is;
}

static long s_journal_rows(void)
{
    return hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
}

static int s_journal_reached(void *rows)
{
    return s_journal_rows() >= *(long *)rows;
}

/* Waits until the journal holds `rows` rows (a writer is adding them). */
static void s_wait_journal(long rows)
{
    cr_assert_eq(hj_wait_until(s_journal_reached, &rows, 60000), 0,
                 "the journal did not reach %ld rows (%ld)", rows, s_journal_rows());
}

static pid_t s_tallyd(void)
{
    for (int i = stack.nprocs - 1; i >= 0; i--)
        if (stack.pid[i] > 0 && strcmp(stack.program[i], "hj-tallyd") == 0)
            return stack.pid[i];
    return -1;
}

/* Writes through the other services, numbered so every run writes the same. */
static void s_workload(int from, int to)
{
    char d10[11];
    hj_date_from_today(-10, d10);
    for (int i = from; i < to; i++) {
        char code[16], name[32], person[37], seat[37], rid[37], count[8];
        snprintf(code, sizeof code, "KBS-BH-%02d", 3 + i % 6);
        snprintf(person, sizeof person, "d0000000-0000-4000-8000-%012d", i);
        snprintf(seat, sizeof seat, "e0000000-0000-4000-8000-%012d", i);
        snprintf(rid, sizeof rid, "f0000000-0000-4000-8000-%012d", i);
        snprintf(name, sizeof name, "社区%d", 3 + i % 6);
        snprintf(count, sizeof count, "%d", 1 + i % 4);
        if (i < 6)
            OK("community", "add", "--code", code, "--name", name, "--subdistrict", "KBS-BH");
        snprintf(name, sizeof name, "居民%d", i);
        OK("person", "add", "--name", name, "--gender", i % 2 ? "male" : "female", "--request-id",
           person);
        OK("seat", "add", "--community", code, "--person", person, "--committee",
           i % 2 ? "party" : "residents", "--role", "member", "--from", "2021-01-15",
           "--request-id", seat);
        switch (i % 4) {
        case 0:
            OK("talk", "add", "--community", code, "--phase", "preparation", "--date", d10,
               "--interviewer", LI_QIANG, "--person", person, "--summary", "谈话", "--request-id",
               rid);
            break;
        case 1:
            OK("publicity", "add", "--community", code, "--channel", "screen", "--kind",
               "policy_reading", "--date", d10, "--count", count, "--title", "换届政策",
               "--request-id", rid);
            break;
        case 2:
            OK("reserve", "add", "--person", person, "--community", code, "--committee", "party",
               "--added", d10, "--status", "nominated", "--vetting", "cleared", "--request-id",
               rid);
            break;
        default:
            OK("rectification", "open", "--community", code, "--problem", "other", "--plan", "整改",
               "--owner", "街道", "--date", d10, "--due", d10, "--request-id", rid);
        }
    }
}

Test(tally, kill_9_mid_stream_then_restart_gives_the_board_of_an_uninterrupted_run, .timeout = 240)
{
    s_people();
    pid_t writer = fork();
    cr_assert(writer >= 0);
    if (writer == 0) {
        s_workload(0, 48);
        _exit(0);
    }
    /* Kill the consumer at three moments while the journal grows (the
     * workload writes some 150 rows), each time starting a new one (twice at
     * once, once after the journal grew while none ran). */
    static const long grown[] = {20, 50, 90};
    long rows = s_journal_rows();
    for (int round = 0; round < 3; round++) {
        s_wait_journal(rows + grown[round]);
        hj_stack_kill(&stack, s_tallyd(), SIGKILL);
        if (round == 1)
            s_wait_journal(rows + grown[round] + 15);
        cr_assert(hj_stack_spawn(&stack, "hj-tallyd") > 0);
    }
    int status;
    waitpid(writer, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writes went through");
    cr_assert_eq(hj_stack_wait(&stack, "tally", 15000), 0);
    char *interrupted = s_board_content();
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.board"), 8, "%s", interrupted);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT (SELECT journal_seq FROM tally.cursor) - "
                                         "(SELECT max(seq) FROM bus.journal)"),
                 0);

    /* The same journal read in one uninterrupted run, from nothing. */
    hj_stack_kill(&stack, s_tallyd(), SIGTERM);
    PGconn *c = hj_stack_pg(&stack);
    /* Everything but tally's own record (elections and election day). */
    PGresult *r =
        PQexec(c, "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE "
                  "schemaname = 'tally' AND tablename NOT IN ('cursor', 'election', "
                  "'gate_override', 'voter_roll', 'objection', 'proxy', 'candidate', 'round', "
                  "'paper', 'writein', 'box', 'ballot', 'amendment') LOOP "
                  "EXECUTE 'TRUNCATE tally.' || t; END LOOP; "
                  "UPDATE tally.cursor SET journal_seq = 0, tally_seq = 0, today = NULL, "
                  "district = NULL, district_seq = 0; END $$");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    cr_assert(hj_stack_spawn(&stack, "hj-tallyd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "tally", 15000), 0);
    char *uninterrupted = s_board_content();
    cr_assert_str_eq(interrupted, uninterrupted);

    /* A new hj-tallyd judges every board once when it starts, so a stored
     * board that is not what this version makes of the facts (here another
     * community's) is made again without waiting for a change or a new day. */
    hj_stack_kill(&stack, s_tallyd(), SIGTERM);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "WITH other AS (SELECT board FROM tally.board WHERE "
                                 "community = 'KBS-BH-04') UPDATE tally.board b SET board = "
                                 "other.board FROM other WHERE b.community = 'KBS-BH-03' "
                                 "RETURNING 1"),
                 1);
    cr_assert(hj_stack_spawn(&stack, "hj-tallyd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "tally", 15000), 0);
    hj_wait_until(s_board_is, uninterrupted, 10000);
    char *judged = s_board_content();
    cr_assert_str_eq(judged, uninterrupted, "the stale board was not judged again");
    free(judged);
    free(interrupted);
    free(uninterrupted);
}

/* The consumer's log says it read a gap back (cmd: the grep that says so);
 * else one more publicity push for it to hear. */
static int s_gap_noticed(void *cmd)
{
    char d10[11];
    if (system(cmd) == 0)
        return 1;
    hj_date_from_today(-10, d10);
    OK("publicity", "add", "--community", "KBS-BH-02", "--channel", "screen", "--kind", "slogan",
       "--date", d10, "--title", "喜迎换届");
    return 0;
}

Test(tally, events_dropped_on_the_bus_are_read_back_from_the_journal, .timeout = 240)
{
    s_people();
    OK("seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
       "--role", "secretary", "--from", "2021-01-15");
    EXPECT_REASON("KBS-BH-01", "talks",
                  "talks: 0 of 1 sitting members talked to in the preparation phase");

    /* Pause the consumer while far more events than the bus holds for one
     * subscriber (its high-water mark, 100000) are published: the journal
     * of a busy district, rows of a kind the board does not count. */
    pid_t tallyd = s_tallyd();
    kill(tallyd, SIGSTOP);
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(c, "INSERT INTO bus.journal (request_id, request_digest, service, kind, "
                            "community, actor, payload, reply) SELECT gen_random_uuid(), '\\x00', "
                            "'elsewhere', 'noise', '-', 'test', '\\x', '\\x' FROM "
                            "generate_series(1, 130000); NOTIFY hj_journal");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    hj_wait_until(hj_stack_sealed, &stack, 120000);
    /* Real changes behind the flood: their events cannot reach the paused consumer. */
    OK("community", "add", "--code", "KBS-BH-03", "--name", "民生社区", "--subdistrict", "KBS-BH");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", BATER, "--committee", "residents",
       "--role", "member", "--from", "2021-01-20");
    hj_wait_until(hj_stack_sealed, &stack, 30000);
    kill(tallyd, SIGCONT);
    cr_assert_eq(hj_stack_wait(&stack, "tally", 15000), 0);

    /* The consumer hears a later event, sees the gap in the sequence, and the journal fills it. */
    char cmd[768];
    snprintf(
        cmd, sizeof cmd,
        "grep -q 'were not received on the bus: reading them from the journal' %s/hj-tallyd.%d.log",
        stack.run_dir, (int)tallyd);
    cr_assert_eq(hj_wait_until(s_gap_noticed, cmd, 30000), 0,
                 "the consumer noticed events missing on the bus (log in %s)", stack.run_dir);
    EXPECT_GATES("KBS-BH-03", "rggrrrrr", "a community added while the consumer was paused");
    EXPECT_REASON("KBS-BH-01", "talks",
                  "talks: 0 of 2 sitting members talked to in the preparation phase");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT (SELECT journal_seq FROM tally.cursor) - "
                                         "(SELECT max(seq) FROM bus.journal)"),
                 0, "every row applied, the ones of unknown kind included");
}
