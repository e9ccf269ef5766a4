/* The two kinds of "as of" of `hj report briefing` (sql/018_snapshots.sql),
 * on work recorded through the real hj over three days (the journal's time
 * of each row moved back as test_report does), the last talk back-filled
 * today with the date of the first day:
 *   - --as-of DAY counts the work dated on or before DAY by the date on its
 *     record, the back-filled talk too; --as-known-on DAY counts what the
 *     system knew at the end of DAY, without it; the text says which;
 *   - --as-known-on equals the full replay of the journal (--full-replay)
 *     on every day around the load, and reads a snapshot hj-tallyd made as
 *     the days changed (no replay from row 1);
 * and the projection catches up after 100k journal rows arrived while
 * hj-tallyd was down: its boards equal those rebuilt from the journal. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "cli_test.h"
#include "journal_fill.h"
#include <signal.h>

static hj_stack_t stack;

static char *s_sql(const char *sql)
{
    PGconn *c = hj_stack_pg(&stack);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    char *value = strdup(
        st == PGRES_TUPLES_OK && PQntuples(r) && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    PQfinish(c);
    return value;
}

/* The day `ago` days before today (Asia/Shanghai), YYYY-MM-DD. */
static void s_day(int ago, char out[11])
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - %d, 'YYYY-MM-DD')", ago);
    char *v = s_sql(sql);
    snprintf(out, 11, "%s", v);
    free(v);
}

/* What is written from now on is journaled at noon of `day` (NULL: now). */
static void s_journal_time(const char *day)
{
    char sql[512];
    if (!day) {
        free(s_sql(
            "ALTER TABLE bus.journal ALTER COLUMN committed_at SET DEFAULT clock_timestamp()"));
        return;
    }
    char *start = s_sql("SELECT clock_timestamp()");
    snprintf(sql, sizeof sql,
             "ALTER TABLE bus.journal ALTER COLUMN committed_at SET DEFAULT "
             "'%s 12:00:00+08'::timestamptz + (clock_timestamp() - '%s'::timestamptz)",
             day, start);
    free(start);
    free(s_sql(sql));
}

/* Waits (up to 120 s) until hj-tallyd has applied every journal row. */
static int s_tally_caught_up(void)
{
    struct timespec step = {0, 50 * 1000000L};
    for (int i = 0; i < 2400; i++) {
        if (hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL") == 0 &&
            hj_stack_scalar(&stack, "SELECT ((SELECT journal_seq FROM tally.cursor) = "
                                    "(SELECT COALESCE(max(seq), 0) FROM bus.journal))::int") == 1)
            return 1;
        nanosleep(&step, NULL);
    }
    return 0;
}

static long s_num(const char *json, const char *key)
{
    char pat[96];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : 0; /* proto3 JSON leaves zeros out */
}

static char *s_briefing(const char *how, const char *day, int json)
{
    if (json)
        return HJ_OK(&stack, "report", "briefing", how, day, "--json");
    return HJ_OK(&stack, "report", "briefing", how, day);
}

static void s_talk(const char *cadre, const char *community, const char *day, const char *name)
{
    free(HJ_OK(&stack, "talk", "add", "--community", community, "--phase", "survey", "--date", day,
               "--interviewer", cadre, "--party", "property_company", "--name", name, "--summary",
               "了解小区情况"));
}

static void setup(void)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "interviews", "tally", NULL};
    cr_assert_eq(hj_stack_init(&stack), 0, "stack init");
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(asof, .init = setup, .fini = teardown, .timeout = 600);

Test(asof, a_back_filled_talk_counts_as_of_its_date_but_not_as_known_on_it)
{
    char d0[11], d1[11], d2[11], d3[11], today[11];
    s_day(4, d0);
    s_day(3, d1);
    s_day(2, d2);
    s_day(1, d3);
    s_day(0, today);

    /* Day 1: the district, a cadre, one talk and one push of 3. */
    s_journal_time(d1);
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01"), 0);
    const char *cadre = prep_person(&stack, "11111111-1111-4111-8111-000000000001", "赵新");
    s_talk(cadre, "KBS-BH-01", d1, "物业经理");
    free(HJ_OK(&stack, "publicity", "add", "--community", "KBS-BH-01", "--channel", "screen",
               "--kind", "slogan", "--date", d1, "--count", "3", "--title", "选好人"));
    /* Day 2: one more talk and a second community. */
    s_journal_time(d2);
    s_talk(cadre, "KBS-BH-01", d2, "业委会主任");
    free(HJ_OK(&stack, "community", "add", "--code", "KBS-BH-02", "--name", "康和社区",
               "--subdistrict", "KBS-BH"));
    /* Today: a talk of today, and one held on day 1 recorded only now. */
    s_journal_time(NULL);
    s_talk(cadre, "KBS-BH-02", today, "居民代表");
    s_talk(cadre, "KBS-BH-01", d1, "物业公司");
    cr_assert(s_tally_caught_up(), "hj-tallyd did not apply the journal");

    /* hj-tallyd made one snapshot a day as it went: days 1 and 2. */
    char *snaps = s_sql(
        "SELECT string_agg(to_char(day, 'YYYY-MM-DD'), ',' ORDER BY day) FROM tally.snapshot");
    char want[32];
    snprintf(want, sizeof want, "%s,%s", d1, d2);
    cr_expect_str_eq(snaps, want);
    free(snaps);

    /* ---- as known on day 1: the talk then recorded; as of day 1: both ---- */
    char *known = s_briefing("--as-known-on", d1, 1);
    char *dated = s_briefing("--as-of", d1, 1);
    cr_expect_eq(s_num(known, "talks_survey"), 1, "%s", known);
    cr_expect_eq(s_num(dated, "talks_survey"), 2, "%s", dated);
    cr_expect(strstr(known, "\"basis\":\"as_known_on\""), "%s", known);
    cr_expect(strstr(dated, "\"basis\":\"as_of\""), "%s", dated);
    cr_expect_eq(s_num(known, "communities"), 1);
    free(known);
    free(dated);
    known = s_briefing("--as-known-on", d2, 1);
    dated = s_briefing("--as-of", d2, 1);
    cr_expect_eq(s_num(known, "talks_survey"), 2, "%s", known);
    cr_expect_eq(s_num(dated, "talks_survey"), 3, "%s", dated);
    cr_expect_eq(s_num(known, "communities"), 2);
    free(known);
    free(dated);
    /* The day before today: as known, nothing of today; now: all four. */
    known = s_briefing("--as-known-on", d3, 1);
    cr_expect_eq(s_num(known, "talks_survey"), 2, "%s", known);
    free(known);
    char *now = HJ_OK(&stack, "report", "briefing", "--json");
    cr_expect_eq(s_num(now, "talks_survey"), 4, "%s", now);
    free(now);

    /* The text says which past it is. */
    char *text = s_briefing("--as-of", d1, 0);
    cr_expect(strstr(text, "按记录所载日期截至"), "%s", text);
    cr_expect(strstr(text, "调研摸底阶段累计谈话2人次"), "%s", text);
    free(text);
    text = s_briefing("--as-known-on", d1, 0);
    cr_expect(strstr(text, "日终系统所知"), "%s", text);
    cr_expect(strstr(text, "调研摸底阶段累计谈话1人次"), "%s", text);
    cr_expect(strstr(text, "推送换届标语3次"), "%s", text);
    free(text);

    /* ---- as known on = the journal applied again from row 1, every day ---- */
    const char *days[] = {d0, d1, d2, d3, today};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char *snap = s_briefing("--as-known-on", days[i], 1);
        char *replay = HJ_OK(&stack, "report", "briefing", "--as-known-on", days[i],
                             "--full-replay", "--json");
        cr_expect_str_eq(snap, replay, "as known on %s: snapshot and full replay differ", days[i]);
        free(snap);
        free(replay);
    }

    /* Both at once, or a day to come, are refused naming the field. */
    char *err = HJ_REFUSED(&stack, "report", "briefing", "--as-known-on", "2099-01-01");
    cr_expect(strstr(err, "as_known_on") && strstr(err, "future"), "%s", err);
    free(err);
    char *out = NULL;
    cr_expect_eq(
        hj_run(&stack, &out, &err, "report", "briefing", "--as-of", d1, "--as-known-on", d1, NULL),
        2);
    cr_expect(err && strstr(err, "--as-known-on"), "%s", err ? err : "");
    free(out);
    free(err);
}

/* The stored boards (packed with tally_seq 0) and district totals, one line each. */
static char *s_boards(void)
{
    return s_sql(
        "SELECT string_agg(community || ':' || encode(board, 'hex'), ',' ORDER BY community) "
        "|| '|' || COALESCE((SELECT encode(district, 'hex') FROM tally.cursor), '') "
        "FROM tally.board");
}

Test(asof, the_board_catches_up_after_100k_rows_arrive_while_hj_tallyd_is_down)
{
    static const char *const codes[] = {"KBS-BH-01", "KBS-BH-02", "KBS-BH-03", "KBS-BH-04", NULL};
    char d4[11], d1[11];
    s_day(4, d4);
    s_day(1, d1);
    s_journal_time(d4);
    cr_assert_eq(hj_seed_places(&stack, codes), 0);
    s_journal_time(NULL);
    cr_assert(s_tally_caught_up(), "hj-tallyd did not apply the registrations");

    /* hj-tallyd goes down; 100k rows of three days arrive and are sealed. */
    pid_t tallyd = -1;
    for (int i = 0; i < stack.nprocs; i++)
        if (strcmp(stack.program[i], "hj-tallyd") == 0)
            tallyd = stack.pid[i];
    cr_assert_gt(tallyd, 0);
    hj_stack_kill(&stack, tallyd, SIGTERM);
    long before = hj_stack_scalar(&stack, "SELECT journal_seq FROM tally.cursor");
    PGconn *c = hj_stack_pg(&stack);
    journal_fill_t fill = {.subdistrict = "KBS-BH",
                           .communities = codes,
                           .n_communities = 4,
                           .last_day = d1,
                           .days = 3,
                           .seed = 0x5eed};
    cr_assert_eq(journal_fill(c, &fill, 100000), 0);
    PQfinish(c);
    struct timespec step = {0, 50 * 1000000L};
    for (int i = 0;
         i < 2400 && hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL");
         i++)
        nanosleep(&step, NULL);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL"), 0,
                 "the relay did not seal the rows");
    cr_expect_eq(hj_stack_scalar(&stack, "SELECT journal_seq FROM tally.cursor"), before,
                 "nothing was applied while hj-tallyd was down");

    /* Back up: it reads what it missed from the journal, in batches. */
    cr_assert_gt(hj_stack_spawn(&stack, "hj-tallyd"), 0);
    cr_assert_eq(hj_stack_wait(&stack, "tally", 10000), 0);
    cr_assert(s_tally_caught_up(), "hj-tallyd did not catch up with the journal");
    char *board = HJ_OK(&stack, "board", "--json");
    const char *totals = strstr(board, "\"totals\":");
    cr_assert(totals, "%.300s", board);
    long talks =
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'talk_recorded'");
    cr_expect_eq(talks, 60000);
    cr_expect_eq(s_num(totals, "talks_survey") + s_num(totals, "talks_preparation") +
                     s_num(totals, "talks_other"),
                 talks, "the board counts every talk: %.400s", totals);
    free(board);
    /* A snapshot of each day it passed: the registrations' day and two of the three. */
    cr_expect_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.snapshot"), 3);

    /* board = rebuilt from the journal. */
    char *live = s_boards();
    free(s_sql("SELECT tally.rebuild()"));
    cr_assert(s_tally_caught_up(), "hj-tallyd did not replay the journal after tally.rebuild()");
    char *rebuilt = s_boards();
    cr_expect(strlen(live) > 100, "%s", live);
    cr_expect_str_eq(live, rebuilt, "the board differs from the one rebuilt from the journal");
    free(live);
    free(rebuilt);

    /* As known on the middle day: the snapshot equals the full replay. */
    char d2[11];
    s_day(2, d2);
    char *snap = s_briefing("--as-known-on", d2, 1);
    char *replay =
        HJ_OK(&stack, "report", "briefing", "--as-known-on", d2, "--full-replay", "--json");
    cr_expect_str_eq(snap, replay);
    cr_expect_gt(s_num(snap, "talks_survey"), 0);
    free(snap);
    free(replay);
}
