/* The common write path against a real PostgreSQL: hj_writer (group commit,
 * a refused call rolled back alone, the replay race on two instances, the
 * connection lost in the middle of a batch), hj_db (reconnecting) and the
 * relay's seal (bus.relay_assign, no hj-busd running: the test seals). The
 * test is the service: its handler writes a row of its own table per call,
 * on the writer's connection, as a service's handler would. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_stack.h"
#include "hj_writer.h"
#include "journal_fill.h"

/* What the handler does with a call. */
enum {
    S_WRITE,      /* insert its row, reply "ok <id>" */
    S_WAIT,       /* the same, after the test lets go of the advisory lock */
    S_REFUSE,     /* insert its row, then refuse the call (INVALID_ARGUMENT) */
    S_SQL_ERROR,  /* a statement that fails (a CHECK): the transaction is aborted */
    S_KILL,       /* insert its row, then lose the connection (pg_terminate_backend) */
    S_READ,       /* a read: reply what it saw of its transaction */
    S_READ_WRITE, /* a read that inserts a row without opening a transaction (a bug) */
};
#define S_LOCK "4242"
/* More than the writer has lanes: the calls after these wait in its queue. */
#define S_BLOCKERS 8

typedef struct {
    int action;
    int code; /* the status the call was answered with; -1 while waiting */
    int replayed;
    char reply[64];
} s_req_t;

static hj_stack_t s_stack;
static int s_waiting;

/* A read: "read <outside|inside> <read-only on|off>" — whether it was
 * handed a connection inside a transaction block, and whether it could write. */
static void s_handle_read(PGconn *conn, hj_call_t *call, s_req_t *q)
{
    char state[6], text[64];
    const char *v[2] = {"00000000-0000-4000-8000-00000000000a", "1"};
    int outside = PQtransactionStatus(conn) == PQTRANS_IDLE;
    PGresult *r =
        q->action == S_READ_WRITE
            ? hj_pq(conn, state,
                    "INSERT INTO public.wp_item (id, value) VALUES ($1::uuid, $2::int)", 2, v)
            : hj_pq(conn, state, "SELECT current_setting('transaction_read_only')", 0, NULL);
    if (!r) {
        hj_call_sql_failed(call, state, "item", "");
        return;
    }
    snprintf(text, sizeof text, "read %s %s", outside ? "outside" : "inside",
             q->action == S_READ ? PQgetvalue(r, 0, 0) : "wrote");
    PQclear(r);
    call->reply_len = strlen(text);
    call->reply = (uint8_t *)strdup(text);
}

static void s_handle(PGconn *conn, hj_call_t *call, void *svc)
{
    (void)svc;
    s_req_t *q = call->request;
    char state[6];
    if (q->action == S_READ || q->action == S_READ_WRITE) {
        s_handle_read(conn, call, q);
        return;
    }
    const char *v[2] = {call->request_id, q->action == S_SQL_ERROR ? "-1" : "1"};
    PGresult *r = NULL;
    if (q->action == S_WAIT &&
        !(r = hj_pq(conn, state, "SELECT pg_advisory_xact_lock_shared(" S_LOCK ")", 0, NULL))) {
        hj_call_sql_failed(call, state, "lock", "");
        return;
    }
    PQclear(r);
    r = hj_pq(conn, state, "INSERT INTO public.wp_item (id, value) VALUES ($1::uuid, $2::int)", 2,
              v);
    if (!r) {
        hj_call_sql_failed(call, state, "item", "id");
        return;
    }
    PQclear(r);
    if (q->action == S_REFUSE) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "value", "refused after writing");
        return;
    }
    if (q->action == S_KILL) {
        PQclear(hj_pq(conn, state, "SELECT pg_terminate_backend(pg_backend_pid())", 0, NULL));
        return;
    }
    char text[64];
    snprintf(text, sizeof text, "ok %s", call->request_id);
    call->reply_len = strlen(text);
    call->reply = (uint8_t *)strdup(text);
    call->payload_len = 1;
    call->payload = (uint8_t *)strdup("p");
    snprintf(call->kind, sizeof call->kind, "wp_item_added");
}

static void s_reply(hj_call_t *call, void *arg)
{
    (void)arg;
    s_req_t *q = call->request;
    q->code = (int)call->status.code;
    q->replayed = call->replayed;
    if (call->status.code == HJ__CODE__OK && call->reply)
        snprintf(q->reply, sizeof q->reply, "%.*s", (int)call->reply_len,
                 (const char *)call->reply);
    s_waiting--;
    hj_call_destroy(&call);
}

/* A call as the transport makes it: a district-admin device's write. */
static void s_submit(hj_writer_t *w, s_req_t *q, const char *request_id)
{
    hj_call_t *call = hj_call_new();
    cr_assert_not_null(call);
    Hj__Identity id = HJ__IDENTITY__INIT;
    id.device = "test-writer";
    id.role = "district-admin";
    uint8_t buf[128];
    size_t n = hj__identity__pack(&id, buf);
    call->identity = hj__identity__unpack(NULL, n, buf);
    snprintf(call->actor, sizeof call->actor, "test-writer");
    snprintf(call->request_id, sizeof call->request_id, "%s", request_id);
    memset(call->digest, q->action, sizeof call->digest);
    call->request = q;
    q->code = -1;
    s_waiting++;
    hj_writer_submit(w, call);
}

static void s_run_until_answered(uv_loop_t *loop)
{
    while (s_waiting > 0)
        uv_run(loop, UV_RUN_ONCE);
}

/* Runs the loop until `q` is answered or `seconds` pass (a read that waits
 * for the writes would hang the test otherwise). */
static void s_on_timeout(uv_timer_t *t)
{
    *(int *)t->data = 1;
}

static void s_run_until(uv_loop_t *loop, const s_req_t *q, double seconds)
{
    uv_timer_t timer;
    int expired = 0;
    uv_timer_init(loop, &timer);
    timer.data = &expired;
    uv_timer_start(&timer, s_on_timeout, (uint64_t)(seconds * 1000), 0);
    while (q->code == -1 && !expired)
        uv_run(loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
}

static PGconn *s_hold_lock(void)
{
    PGconn *c = hj_stack_pg(&s_stack);
    cr_assert_not_null(c);
    PGresult *r = PQexec(c, "SELECT pg_advisory_lock(" S_LOCK ")");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    return c;
}

static void s_release_lock(PGconn *c)
{
    PQclear(PQexec(c, "SELECT pg_advisory_unlock(" S_LOCK ")"));
    PQfinish(c);
}

static void s_setup(void)
{
    cr_assert_eq(hj_stack_init(&s_stack), 0);
    PGconn *c = hj_stack_pg(&s_stack);
    PGresult *r = PQexec(c, "CREATE TABLE public.wp_item (id uuid PRIMARY KEY, "
                            "value int NOT NULL CHECK (value >= 0), "
                            "xact bigint NOT NULL DEFAULT txid_current())");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    s_waiting = 0;
}

static void s_teardown(void)
{
    hj_stack_stop(&s_stack);
}

TestSuite(write_path, .init = s_setup, .fini = s_teardown, .timeout = 120);

/* A writer on a loop of its own, every lane held by a batch that waits for
 * the test's advisory lock: the calls submitted next wait in its queue. */
typedef struct {
    uv_loop_t loop;
    hj_db_t *db;
    hj_writer_t *w;
    PGconn *lock;
    s_req_t blockers[S_BLOCKERS];
} s_rig_t;

static void s_rig_start(s_rig_t *r)
{
    uv_loop_init(&r->loop);
    r->db = hj_db_new(&r->loop, s_stack.db);
    r->w = hj_writer_new(r->db, "registry", s_handle, NULL, s_reply, NULL);
    cr_assert_not_null(r->w);
    r->lock = s_hold_lock();
    for (int i = 0; i < S_BLOCKERS; i++) {
        char id[37];
        hj_uuid_new(id);
        r->blockers[i].action = S_WAIT;
        s_submit(r->w, &r->blockers[i], id);
    }
}

/* n calls, call i doing actions[i] (S_WRITE without actions) under a new
 * request id, ids[i]. */
static void s_submit_all(s_rig_t *r, s_req_t *calls, char (*ids)[37], const int *actions, int n)
{
    for (int i = 0; i < n; i++) {
        hj_uuid_new(ids[i]);
        calls[i].action = actions ? actions[i] : S_WRITE;
        s_submit(r->w, &calls[i], ids[i]);
    }
}

/* Lets the held batches commit and answers every call. */
static void s_rig_release(s_rig_t *r)
{
    s_release_lock(r->lock);
    s_run_until_answered(&r->loop);
}

static void s_rig_stop(s_rig_t *r)
{
    hj_writer_destroy(&r->w);
    hj_db_destroy(&r->db);
    uv_run(&r->loop, UV_RUN_DEFAULT);
    uv_loop_close(&r->loop);
}

/* Calls that arrive while the lanes are busy go in together, in one
 * transaction; each is answered with its own reply and journalled once. */
Test(write_path, waiting_calls_commit_together)
{
    s_rig_t rig;
    s_req_t calls[20];
    char ids[20][37];
    s_rig_start(&rig);
    s_submit_all(&rig, calls, ids, NULL, 20);
    s_rig_release(&rig);
    for (int i = 0; i < 20; i++) {
        char want[64];
        snprintf(want, sizeof want, "ok %.36s", ids[i]);
        cr_assert_eq(calls[i].code, HJ__CODE__OK, "call %d: code %d", i, calls[i].code);
        cr_assert_str_eq(calls[i].reply, want, "each call gets its own reply");
    }
    for (int i = 0; i < S_BLOCKERS; i++)
        cr_assert_eq(rig.blockers[i].code, HJ__CODE__OK);
    cr_assert_eq(
        hj_stack_scalar(&s_stack, "SELECT count(*) FROM bus.journal WHERE kind = 'wp_item_added'"),
        S_BLOCKERS + 20);
    /* The 20 waited and went in one transaction (txid_current() is the
     * top-level transaction's id, also inside a call's savepoint). */
    char list[20 * 40 + 4] = "";
    for (int i = 0; i < 20; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'", i ? "," : "", ids[i]);
    cr_assert_eq(
        hj_stack_scalarf(&s_stack,
                         "SELECT count(DISTINCT xact) FROM public.wp_item WHERE id IN (%s)", list),
        1, "the waiting calls committed in one transaction");
    s_rig_stop(&rig);
}

/* A call refused by its handler after it wrote, and one whose statement
 * failed, are rolled back alone: their batch-mates commit and are answered. */
Test(write_path, refused_call_rolled_back_alone)
{
    s_rig_t rig;
    s_req_t calls[5];
    char ids[5][37];
    const int actions[5] = {S_WRITE, S_REFUSE, S_WRITE, S_SQL_ERROR, S_WRITE};
    s_rig_start(&rig);
    s_submit_all(&rig, calls, ids, actions, 5);
    s_rig_release(&rig);
    cr_assert_eq(calls[0].code, HJ__CODE__OK);
    cr_assert_eq(calls[1].code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert_eq(calls[2].code, HJ__CODE__OK);
    cr_assert_eq(calls[3].code, HJ__CODE__INTERNAL, "a failed statement: code %d", calls[3].code);
    cr_assert_eq(calls[4].code, HJ__CODE__OK);
    for (int i = 0; i < 5; i++) {
        long want = calls[i].code == HJ__CODE__OK;
        cr_assert_eq(hj_stack_scalarf(
                         &s_stack, "SELECT count(*) FROM public.wp_item WHERE id = '%s'", ids[i]),
                     want, "call %d: its row is there only if it was answered OK", i);
        cr_assert_eq(hj_stack_scalarf(&s_stack,
                                      "SELECT count(*) FROM bus.journal WHERE request_id = '%s'",
                                      ids[i]),
                     want, "call %d: journalled only if answered OK", i);
    }
    s_rig_stop(&rig);
}

/* The same request id on two instances at once: one journal row, one row of
 * the record, and both callers get the same answer (the second marked a
 * replay). */
Test(write_path, replay_race_on_two_instances)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    hj_db_t *db1 = hj_db_new(&loop, s_stack.db), *db2 = hj_db_new(&loop, s_stack.db);
    hj_writer_t *w1 = hj_writer_new(db1, "registry", s_handle, NULL, s_reply, NULL);
    hj_writer_t *w2 = hj_writer_new(db2, "registry", s_handle, NULL, s_reply, NULL);
    for (int round = 0; round < 5; round++) {
        s_req_t a = {.action = S_WAIT}, b = {.action = S_WAIT};
        char id[37], want[64];
        hj_uuid_new(id);
        snprintf(want, sizeof want, "ok %.36s", id);
        PGconn *lock = s_hold_lock();
        s_submit(w1, &a, id);
        s_submit(w2, &b, id);
        s_release_lock(lock);
        s_run_until_answered(&loop);
        cr_assert_eq(a.code, HJ__CODE__OK, "first instance: code %d", a.code);
        cr_assert_eq(b.code, HJ__CODE__OK, "second instance: code %d", b.code);
        cr_assert_str_eq(a.reply, want);
        cr_assert_str_eq(b.reply, want, "both answered with the first reply");
        cr_assert_eq(a.replayed + b.replayed, 1, "exactly one of them is the replay");
        cr_assert_eq(hj_stack_scalarf(
                         &s_stack, "SELECT count(*) FROM bus.journal WHERE request_id = '%s'", id),
                     1);
        cr_assert_eq(
            hj_stack_scalarf(&s_stack, "SELECT count(*) FROM public.wp_item WHERE id = '%s'", id),
            1);
    }
    hj_writer_destroy(&w1);
    hj_writer_destroy(&w2);
    hj_db_destroy(&db1);
    hj_db_destroy(&db2);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

/* The connection dies in the middle of a batch: every call of that batch is
 * answered UNAVAILABLE (safe to retry) and none of them left a row or a
 * journal row; the writer's next calls are written on a new connection. */
Test(write_path, connection_lost_mid_batch)
{
    s_rig_t rig;
    s_req_t calls[4], after[S_BLOCKERS];
    char ids[4][37], after_ids[S_BLOCKERS][37];
    const int actions[4] = {S_WRITE, S_WRITE, S_KILL, S_WRITE};
    s_rig_start(&rig);
    s_submit_all(&rig, calls, ids, actions, 4);
    s_rig_release(&rig);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(calls[i].code, HJ__CODE__UNAVAILABLE, "call %d: code %d", i, calls[i].code);
        cr_assert_eq(hj_stack_scalarf(
                         &s_stack, "SELECT count(*) FROM public.wp_item WHERE id = '%s'", ids[i]),
                     0, "nothing half-written");
        cr_assert_eq(hj_stack_scalarf(&s_stack,
                                      "SELECT count(*) FROM bus.journal WHERE request_id = '%s'",
                                      ids[i]),
                     0);
    }
    /* Every lane again, the one whose connection died included. */
    s_submit_all(&rig, after, after_ids, NULL, S_BLOCKERS);
    s_run_until_answered(&rig.loop);
    for (int i = 0; i < S_BLOCKERS; i++)
        cr_assert_eq(after[i].code, HJ__CODE__OK, "after the loss, call %d: code %d", i,
                     after[i].code);
    s_rig_stop(&rig);
}

/* ---- hj_db -------------------------------------------------------------------- */

typedef struct {
    int pid; /* the backend the job ran on; 0 without a connection */
    int done;
} s_job_t;

static void s_job_pid(PGconn *conn, void *arg)
{
    s_job_t *j = arg;
    j->pid = conn ? PQbackendPID(conn) : 0;
}

static void s_job_kill(PGconn *conn, void *arg)
{
    s_job_pid(conn, arg);
    if (conn)
        PQclear(PQexec(conn, "SELECT pg_terminate_backend(pg_backend_pid())"));
}

static void s_job_done(void *arg)
{
    ((s_job_t *)arg)->done = 1;
}

static void s_job(uv_loop_t *loop, hj_db_t *db, hj_db_work_fn fn, s_job_t *j)
{
    memset(j, 0, sizeof *j);
    cr_assert_eq(hj_db_run(db, fn, s_job_done, j), 0);
    while (!j->done)
        uv_run(loop, UV_RUN_ONCE);
}

/* A connection the server ended is made again before the next job. */
Test(write_path, db_reconnects_after_the_server_ends_the_connection)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    hj_db_t *db = hj_db_new(&loop, s_stack.db);
    s_job_t a, b, c;
    s_job(&loop, db, s_job_pid, &a);
    cr_assert_gt(a.pid, 0, "a first connection");
    s_job(&loop, db, s_job_kill, &b);
    cr_assert_eq(b.pid, a.pid, "the same connection until it is lost");
    s_job(&loop, db, s_job_pid, &c);
    cr_assert_gt(c.pid, 0, "connected again");
    cr_assert_neq(c.pid, a.pid, "on a new backend");
    hj_db_destroy(&db);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

/* Reads do not queue behind writes: with every write lane held by a batch
 * that cannot commit (the test holds its lock) and more writes waiting, a
 * read is answered at once, outside any transaction block (no BEGIN /
 * SAVEPOINT / COMMIT) and read-only; the writes then commit as before. A read
 * that writes without opening a transaction of its own is refused and
 * leaves nothing behind. */
Test(write_path, read_answered_while_write_batches_wait)
{
    s_rig_t rig;
    s_req_t read = {.action = S_READ}, stray = {.action = S_READ_WRITE};
    s_rig_start(&rig);
    s_submit(rig.w, &read, "");
    s_run_until(&rig.loop, &read, 30);
    cr_assert_eq(read.code, HJ__CODE__OK, "the read is answered while the writes wait (code %d)",
                 read.code);
    cr_assert_str_eq(read.reply, "read outside on",
                     "the read ran outside a transaction block, read-only");
    for (int i = 0; i < S_BLOCKERS; i++)
        cr_assert_eq(rig.blockers[i].code, -1, "write %d is still waiting for the lock", i);
    s_submit(rig.w, &stray, "");
    s_run_until(&rig.loop, &stray, 30);
    cr_assert_eq(stray.code, HJ__CODE__INTERNAL, "a read that writes is refused (code %d)",
                 stray.code);
    s_rig_release(&rig);
    for (int i = 0; i < S_BLOCKERS; i++)
        cr_assert_eq(rig.blockers[i].code, HJ__CODE__OK);
    cr_assert_eq(hj_stack_scalar(&s_stack, "SELECT count(*) FROM public.wp_item"), S_BLOCKERS,
                 "the writes are there, the stray read's row is not");
    s_rig_stop(&rig);
}

/* A connection logged in as a daemon's role (hj-busd's, for the relay). */
static PGconn *s_connect_as(const char *role)
{
    char conninfo[600];
    snprintf(conninfo, sizeof conninfo, "%s user=%s", s_stack.db, role);
    PGconn *c = PQconnectdb(conninfo);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    return c;
}

static void s_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

/* One pass of the relay as hj-busd runs it; checks the rows come back
 * numbered after `head`, contiguous and in order. The rows sealed. */
static long s_seal(PGconn *relay, long head)
{
    PGresult *r = PQexec(relay, "SELECT seq FROM bus.relay_assign(100000)");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(relay));
    long n = PQntuples(r);
    for (long i = 0; i < n; i++)
        cr_assert_eq(atol(PQgetvalue(r, (int)i, 0)), head + 1 + i, "row %ld of the pass", i);
    PQclear(r);
    return n;
}

/* The seal is set-based (sql/023): thousands of rows sealed in one pass form
 * a chain `hj admin journal verify` accepts; a row that commits while a
 * pass's transaction is open is not in that pass, stays unsealed, and the
 * next pass seals it after them. */
Test(write_path, seal_many_rows_in_one_pass_and_a_row_committed_meanwhile_in_the_next)
{
    static const char *const codes[] = {"KBS-BH-01", "KBS-BH-02", "KBS-BH-03"};
    journal_fill_t fill = {.subdistrict = "KBS-BH",
                           .communities = codes,
                           .n_communities = 3,
                           .last_day = "2026-11-30",
                           .days = 2,
                           .seed = 0x5ea1};
    PGconn *c = hj_stack_pg(&s_stack);
    cr_assert_eq(journal_fill(c, &fill, 5000), 0);
    long head = hj_stack_scalarf(&s_stack, "SELECT seq FROM bus.relay_head");
    long waiting = hj_stack_scalarf(&s_stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL");
    cr_assert_geq(waiting, 5000);

    PGconn *relay = s_connect_as("hj_busd");
    s_exec(relay, "BEGIN");
    cr_assert_eq(s_seal(relay, head), waiting, "one pass seals every row waiting");
    /* A writer commits while the pass has not. */
    fill.seed = 0x5ea2;
    cr_assert_eq(journal_fill(c, &fill, 1), 0);
    s_exec(relay, "COMMIT");
    cr_expect_eq(hj_stack_scalarf(&s_stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL"),
                 1, "the row that committed during the pass is left for the next one");
    cr_expect_eq(hj_stack_scalarf(&s_stack, "SELECT seq FROM bus.relay_head"), head + waiting);

    cr_assert_eq(s_seal(relay, head + waiting), 1, "the next pass seals it");
    cr_expect_eq(hj_stack_scalarf(&s_stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL"),
                 0);
    cr_expect_eq(hj_stack_scalarf(&s_stack, "SELECT count(*) FROM bus.journal_unsealed"), 0,
                 "the queue is empty");
    cr_expect_eq(s_seal(relay, head + waiting + 1), 0, "an empty pass seals nothing");
    cr_expect_eq(hj_stack_scalarf(&s_stack, "SELECT seq FROM bus.relay_head"), head + waiting + 1);
    PQfinish(relay);
    PQfinish(c);

    char *out = NULL;
    cr_assert_eq(
        hj_run(&s_stack, &out, NULL, "admin", "journal", "verify", "--db", s_stack.db, NULL), 0,
        "%s", out);
    free(out);
}
