/* hj-bench-asof: the briefing of a past day, and hj-tallyd's catch-up, at a
 * small and a large journal (issue #19 items 4 and 5, sql/018).
 *
 *   HJ_TEST_PG="host=127.0.0.1 port=7732 user=postgres" HJ_BIN_DIR=build/bin \
 *   HJ_TEST_TEMPLATE=hj_template build/bin/hj-bench-asof [ROWS [DAYS [COMMUNITIES]]]
 *
 * It starts its own hj-busd, hj-registryd, hj-interviewsd and hj-tallyd on a
 * copy of the template database, registers COMMUNITIES communities, and
 * fills the journal with the bulk loader (tests/support/journal_fill.h: its
 * mix of talks, follow-ups, publicity and tasks, COPY'd unsealed; the relay
 * seals them): 1,000 rows over the first two days, then, with hj-tallyd
 * stopped, ROWS - 1,000 more over the next DAYS - 2 days ending yesterday.
 * It prints:
 *   - `hj report briefing --as-known-on` (a snapshot) and `--as-of` (dated
 *     work) of the first day, and now, at 1k rows and at ROWS (median of 5
 *     runs of the real hj, its start included);
 *   - the relay's sealing rate and hj-tallyd's catch-up rate (rows/s, ms per
 *     batch of 5000 rows with the boards they touched judged again, the
 *     snapshots made on the way);
 *   - EXPLAIN ANALYZE of the statements whose cost must not grow with the
 *     journal, and whether any reads a growing table sequentially.
 * HJ_BENCH_FULL_REPLAY=1 also times the full replay (--full-replay) at ROWS. */
#include "hj_stack.h"
#include "journal_fill.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static hj_stack_t stack;

/* Whether a row waits for the relay: its queue (sql/023), not a count over
 * the journal's unsealed rows, which competed with the relay it waited for. */
#define S_UNSEALED "SELECT EXISTS (SELECT 1 FROM bus.journal_unsealed)::int"
static long s_rows = 1000000, s_days = 20, s_communities = 40;
static char **s_codes;

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void s_wait(double seconds)
{
    struct timespec ts = {0, (long)(seconds * 1e9)};
    nanosleep(&ts, NULL);
}

/* The first value of sql as text (malloc'd), "" when none; exits on error. */
static char *s_sql(const char *sql)
{
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
        exit(1);
    }
    char *v = strdup(st == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    PQfinish(c);
    return v;
}

static int s_run(const char *const *argv)
{
    char *out = NULL, *err = NULL;
    int rc = hj_runv(&stack, &out, &err, argv);
    if (rc != 0)
        fprintf(stderr, "hj %s %s: %s%s", argv[0], argv[1], out ? out : "", err ? err : "");
    free(out);
    free(err);
    return rc;
}

/* Until the relay sealed everything and hj-tallyd applied it (limit s). */
static int s_caught_up(double limit)
{
    double t0 = s_now();
    while (s_now() - t0 < limit) {
        if (hj_stack_scalar(&stack, S_UNSEALED) == 0 &&
            hj_stack_scalar(&stack, "SELECT ((SELECT journal_seq FROM tally.cursor) = (SELECT "
                                    "COALESCE(max(seq), 0) FROM bus.journal))::int") == 1)
            return 0;
        s_wait(0.05);
    }
    return -1;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of 5 runs of hj report briefing [how day], in ms. */
static double s_briefing_ms(const char *how, const char *day)
{
    double t[5];
    const char *argv[] = {"report", "briefing", how, day, "--json", NULL};
    const char *now[] = {"report", "briefing", "--json", NULL};
    for (int i = 0; i < 5; i++) {
        double t0 = s_now();
        if (s_run(how ? argv : now) != 0)
            return -1;
        t[i] = (s_now() - t0) * 1000;
    }
    qsort(t, 5, sizeof t[0], s_cmp);
    return t[2];
}

static void s_briefings(const char *label, const char *day)
{
    printf("%s: briefing --as-known-on %s %.0f ms, --as-of %s %.0f ms, now %.0f ms\n", label, day,
           s_briefing_ms("--as-known-on", day), day, s_briefing_ms("--as-of", day),
           s_briefing_ms(NULL, NULL));
}

/* EXPLAIN ANALYZE of sql after setup (both as the superuser, one session);
 * prints the plan and counts sequential scans of the growing tables. */
static int s_explain(const char *what, const char *setup, const char *sql)
{
    char buf[8192];
    int seq = 0;
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = setup ? PQexec(c, setup) : NULL;
    PQclear(r);
    snprintf(buf, sizeof buf, "EXPLAIN (ANALYZE, COSTS OFF) %s", sql);
    r = PQexec(c, buf);
    printf("-- %s\n", what);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        printf("   (failed: %s)", PQerrorMessage(c));
    for (int i = 0; i < PQntuples(r); i++) {
        const char *line = PQgetvalue(r, i, 0);
        printf("   %s\n", line);
        if (strstr(line, "Seq Scan on journal") || strstr(line, "Seq Scan on talk") ||
            strstr(line, "Seq Scan on publicity") || strstr(line, "Seq Scan on task"))
            seq++;
    }
    PQclear(r);
    PQfinish(c);
    return seq;
}

int main(int argc, char **argv)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "interviews", "tally", NULL};
    char sql[1024], code[32], first[11], yesterday[11], day_before_first[11];
    setvbuf(stdout, NULL, _IOLBF, 0); /* each figure as it is measured */
    long *args[] = {&s_rows, &s_days, &s_communities};
    for (int i = 1; i < argc && i <= 3; i++)
        *args[i - 1] = atol(argv[i]);
    if (s_rows < 2000 || s_days < 4 || s_communities < 1 || s_communities > 999) {
        fprintf(stderr,
                "usage: hj-bench-asof [ROWS (>= 2000) [DAYS (>= 4) [COMMUNITIES (1..999)]]]\n");
        return 2;
    }
    if (hj_stack_start(&stack, programs, services) != 0) {
        fprintf(stderr, "the stack did not start (HJ_TEST_PG, HJ_BIN_DIR, HJ_TEST_TEMPLATE)\n");
        return 1;
    }
    int rc = 1;
    snprintf(sql, sizeof sql,
             "SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - %ld, 'YYYY-MM-DD') || "
             "to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - %ld, 'YYYY-MM-DD') || "
             "to_char((now() AT TIME ZONE 'Asia/Shanghai')::date - 1, 'YYYY-MM-DD')",
             s_days + 1, s_days);
    char *days = s_sql(sql);
    snprintf(day_before_first, 11, "%.10s", days);
    snprintf(first, 11, "%.10s", days + 10);
    snprintf(yesterday, 11, "%.10s", days + 20);
    free(days);
    printf("hj-bench-asof: %ld rows over %ld days (%s..%s), %ld communities\n", s_rows, s_days,
           first, yesterday, s_communities);
    char *cpu = s_sql("SELECT current_setting('fsync') || ' fsync, synchronous_commit ' || "
                      "current_setting('synchronous_commit')");
    printf("cluster: %s\n", cpu);
    free(cpu);

    /* The district the day before the first, by the real hj. */
    snprintf(sql, sizeof sql,
             "ALTER TABLE bus.journal ALTER COLUMN committed_at SET DEFAULT '%s "
             "09:00:00+08'::timestamptz",
             day_before_first);
    free(s_sql(sql));
    s_codes = calloc((size_t)s_communities, sizeof *s_codes);
    if (!s_codes ||
        s_run((const char *[]){"district", "add", "--code", "KBS", "--name", "康巴什区", NULL}) ||
        s_run((const char *[]){"subdistrict", "add", "--code", "KBS-BH", "--name", "滨河街道",
                               "--district", "KBS", NULL}))
        goto out;
    for (long i = 0; i < s_communities; i++) {
        snprintf(code, sizeof code, "KBS-BH-%03ld", i + 1);
        s_codes[i] = strdup(code);
        if (s_run((const char *[]){"community", "add", "--code", code, "--name", "社区",
                                   "--subdistrict", "KBS-BH", NULL}))
            goto out;
    }
    free(s_sql("ALTER TABLE bus.journal ALTER COLUMN committed_at SET DEFAULT clock_timestamp()"));

    /* ---- 1k rows ---------------------------------------------------------- */
    char second[11];
    snprintf(sql, sizeof sql, "SELECT to_char('%s'::date + 1, 'YYYY-MM-DD')", first);
    char *v = s_sql(sql);
    snprintf(second, sizeof second, "%s", v);
    free(v);
    journal_fill_t fill = {.subdistrict = "KBS-BH",
                           .communities = (const char *const *)s_codes,
                           .n_communities = (size_t)s_communities,
                           .last_day = second,
                           .days = 2,
                           .seed = 1};
    PGconn *c = hj_stack_pg(&stack);
    int filled = journal_fill(c, &fill, 1000);
    PQfinish(c);
    if (filled != 0 || s_caught_up(120) != 0)
        goto out;
    long at_small = hj_stack_scalar(&stack, "SELECT max(seq) FROM bus.journal");
    char label[64];
    snprintf(label, sizeof label, "at %ld journal rows", at_small);
    s_briefings(label, first);

    /* ---- the rest, hj-tallyd down ------------------------------------------ */
    pid_t tallyd = -1;
    for (int i = 0; i < stack.nprocs; i++)
        if (strcmp(stack.program[i], "hj-tallyd") == 0)
            tallyd = stack.pid[i];
    hj_stack_kill(&stack, tallyd, SIGTERM);
    fill.last_day = yesterday;
    fill.days = (int)s_days - 2;
    fill.seed = 2;
    double t0 = s_now();
    c = hj_stack_pg(&stack);
    filled = journal_fill(c, &fill, (size_t)(s_rows - 1000));
    PQfinish(c);
    if (filled != 0)
        goto out;
    double t1 = s_now();
    while (hj_stack_scalar(&stack, S_UNSEALED) > 0)
        s_wait(0.1);
    double t2 = s_now();
    printf("bulk load: %ld rows COPY'd in %.1f s; sealed by the relay in %.1f s (%.0f rows/s)\n",
           s_rows - 1000, t1 - t0, t2 - t1, (double)(s_rows - 1000) / (t2 - t1));
    long cursor = hj_stack_scalar(&stack, "SELECT journal_seq FROM tally.cursor");
    if (hj_stack_spawn(&stack, "hj-tallyd") < 0 || hj_stack_wait(&stack, "tally", 30000) != 0)
        goto out;
    t0 = s_now();
    if (s_caught_up(7200) != 0)
        goto out;
    t1 = s_now();
    long head = hj_stack_scalar(&stack, "SELECT max(seq) FROM bus.journal");
    long batches = (head - cursor + 4999) / 5000; /* consumer.c's S_BATCH */
    printf(
        "tally catch-up: %ld rows in %.1f s: %.0f rows/s; %ld batches of <= 5000 rows, %.0f ms a "
        "batch (apply + the touched boards judged again + snapshots)\n",
        head - cursor, t1 - t0, (double)(head - cursor) / (t1 - t0), batches,
        (t1 - t0) * 1000 / (double)batches);
    printf("snapshots: %ld, %ld MB (tally_snap)\n",
           hj_stack_scalar(&stack, "SELECT count(*) FROM tally.snapshot"),
           hj_stack_scalar(&stack,
                           "SELECT sum(pg_total_relation_size(c.oid)) / 1048576 FROM pg_class c "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
                           "'tally_snap' AND c.relkind = 'r'"));
    snprintf(label, sizeof label, "at %ld journal rows", head);
    free(s_sql("VACUUM ANALYZE"));
    s_briefings(label, first);
    char mid[11];
    snprintf(sql, sizeof sql, "SELECT to_char('%s'::date - %ld, 'YYYY-MM-DD')", yesterday,
             s_days / 2);
    v = s_sql(sql);
    snprintf(mid, sizeof mid, "%s", v);
    free(v);
    s_briefings(label, mid);
    if (getenv("HJ_BENCH_FULL_REPLAY")) {
        t0 = s_now();
        s_run((const char *[]){"report", "briefing", "--as-known-on", mid, "--full-replay",
                               "--json", NULL});
        printf("%s: briefing --as-known-on %s --full-replay %.0f ms\n", label, mid,
               (s_now() - t0) * 1000);
    }

    /* ---- the plans -------------------------------------------------------------- */
    int seq_scans = 0;
    snprintf(sql, sizeof sql,
             "SELECT seq, service, kind, community, payload FROM bus.journal WHERE seq > %ld "
             "ORDER BY seq LIMIT 1000",
             head - 1000);
    seq_scans += s_explain("the consumer's batch after its cursor", NULL, sql);
    /* interviews' roster freshness with its cursor at 0, as after a bulk
     * load: the body of interviews.roster_fresh (sql/025), which talk_record
     * and s_roster_sync call (EXPLAIN of the call would hide its plan). */
    seq_scans += s_explain(
        "the roster's freshness check, cursor at 0 (interviews.roster_fresh)", NULL,
        "SELECT EXISTS (SELECT 1 FROM bus.journal j WHERE j.service = 'registry' AND j.kind = "
        "ANY (interviews.roster_kinds()) AND j.seq > 0) OR EXISTS (SELECT 1 FROM "
        "bus.journal_unsealed q CROSS JOIN LATERAL (SELECT 1 FROM bus.journal j WHERE j.id = q.id "
        "AND j.service = 'registry' AND j.kind = ANY (interviews.roster_kinds()) LIMIT 1) r)");
    /* The relay's pass with nothing waiting (its every wake-up). */
    seq_scans += s_explain("the relay's pass, nothing waiting (bus.relay_assign)", NULL,
                           "SELECT count(*) FROM bus.relay_assign(2000)");
    seq_scans +=
        s_explain("the freshness check (tally_db_caught_up)", NULL,
                  "SELECT (SELECT count(*) FROM (SELECT 1 FROM bus.journal_unsealed q JOIN "
                  "bus.journal j ON j.id = q.id WHERE j.committed_at < now() ORDER BY q.id LIMIT "
                  "1) u), (SELECT COALESCE(max(seq), 0) FROM bus.journal), (SELECT journal_seq "
                  "FROM tally.cursor)");
    snprintf(
        sql, sizeof sql,
        "SELECT COALESCE((SELECT s.journal_seq FROM tally.snapshot s WHERE s.day <= '%s'::date "
        "ORDER BY s.day DESC LIMIT 1), 0)",
        mid);
    seq_scans += s_explain("the snapshot of a day", NULL, sql);
    char setup[512];
    snprintf(
        setup, sizeof setup,
        "SELECT set_config('hj.snap_seq', (SELECT journal_seq FROM tally.snapshot WHERE day <= "
        "'%s' ORDER BY day DESC LIMIT 1)::text, false), set_config('hj.dated_on', '%s', false), "
        "set_config('search_path', 'tally_known, tally, public', false)",
        mid, mid);
    static const char *talks =
        "SELECT count(*) FILTER (WHERE phase = 1), count(*) FILTER (WHERE phase = 2), "
        "count(*) FILTER (WHERE outside), COALESCE(sum(open_follow_ups), 0) "
        "FROM talk k WHERE k.community = 'KBS-BH-001'";
    seq_scans += s_explain("a board's talks as known on a day (tally_known over the snapshot)",
                           setup, talks);
    seq_scans +=
        s_explain("a board's overdue tasks as known on a day", setup,
                  "SELECT count(*) FROM task k WHERE k.community = 'KBS-BH-001' AND NOT k.done "
                  "AND k.due < now()::date");
    snprintf(
        setup, sizeof setup,
        "SELECT set_config('hj.snap_seq', '-1', false), set_config('hj.dated_on', '%s', false), "
        "set_config('search_path', 'tally_dated, tally_known, tally, public', false)",
        mid);
    seq_scans += s_explain("a board's talks as of a day (dated work, now)", setup, talks);
    seq_scans +=
        s_explain("a board's talks now (the live board)", "SET search_path = tally, public", talks);
    printf("sequential scans of growing tables in these plans: %d\n", seq_scans);
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "hj-bench-asof: failed (logs in %s)\n", stack.run_dir);
    hj_stack_stop(&stack);
    for (long i = 0; s_codes && i < s_communities; i++)
        free(s_codes[i]);
    free(s_codes);
    return rc;
}
