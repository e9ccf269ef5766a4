#include "hj_writer.h"
#include "hj_auth.h"
#include "hj_log.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* More subtransactions than this in one transaction overflow PostgreSQL's
 * per-backend subxid cache and slow every reader; batches stay below it. */
#define S_BATCH_MAX 60
/* Transactions in flight at once, each on its own connection. Only one of
 * them runs its calls at a time; the others are committing (waiting for the
 * WAL flush). A batch starts when no other is still running its calls, so
 * calls that arrive meanwhile, or while the ones before commit, wait and go
 * in together: batches fill as the load grows (14 talks a transaction at 32
 * clients instead of 2.2, reply p99 117 ms instead of 402 on a quiet machine:
 * README, Performance), and a lone call starts at once. Lane 0 is used
 * first, so a quiet service uses one. */
#define S_LANES 4
/* Reads run on connections of their own, one after another and each
 * statement its own transaction (no BEGIN / SAVEPOINT / COMMIT round trips):
 * a read neither waits behind a write batch's commit nor pays for its
 * transaction. The connections are read-only by default (hj_db_new_read_only);
 * a read that must write or hold a lock opens its own transaction
 * (hj_pq_begin). */
#define S_READ_LANES 2 /* hj_db.c's S_POOL_THREADS leaves room for every lane */

typedef struct hj_writer hj_writer_t;

typedef struct {
    hj_writer_t *w;
    hj_db_t *db;
    int own_db;       /* lanes past the first own their connection */
    hj_call_t *batch; /* in this lane's transaction (or its reads) now */
    int in_flight;
    int reads;             /* a read lane */
    atomic_int committing; /* set by the lane's thread: its calls ran, only COMMIT is left */
} s_lane_t;

struct hj_writer {
    char service[32];
    hj_handle_fn handle;
    void *svc;
    hj_reply_fn reply;
    void *arg;
    hj_call_t *queue, *queue_tail; /* waiting for the next batch */
    hj_call_t *reads, *reads_tail; /* reads waiting for a read lane */
    s_lane_t lane[S_LANES + S_READ_LANES];
    int in_flight;   /* lanes with a transaction running */
    uv_async_t wake; /* a lane reached its COMMIT: the next batch may start */
    int closing;
};

static void s_reset_result(hj_call_t *c)
{
    free(c->reply);
    free(c->payload);
    c->reply = c->payload = NULL;
    c->reply_len = c->payload_len = 0;
    c->kind[0] = c->community[0] = 0;
}

/* The stored first reply of this request id, if it committed. 1 found, 0 not, -1 error. */
static int s_stored_reply(PGconn *conn, hj_call_t *c)
{
    char state[6];
    const char *v[1] = {c->request_id};
    PGresult *r = hj_pq(
        conn, state, "SELECT reply, request_digest FROM bus.journal WHERE request_id = $1", 1, v);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    if (found) {
        size_t dn = 0;
        unsigned char *digest = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &dn);
        int same = digest && dn == sizeof c->digest && memcmp(digest, c->digest, dn) == 0;
        PQfreemem(digest);
        if (!same) {
            PQclear(r);
            s_reset_result(c);
            hj_status_set(&c->status, HJ__CODE__INVALID_ARGUMENT, "request_id",
                          "this request id was already used for a different request; "
                          "a new record needs a new id");
            return 0;
        }
        size_t n = 0;
        unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
        s_reset_result(c);
        c->reply = malloc(n ? n : 1);
        if (c->reply && bytes)
            memcpy(c->reply, bytes, n);
        c->reply_len = n;
        PQfreemem(bytes);
        hj_status_set(&c->status, HJ__CODE__OK, "", "ok");
        c->replayed = 1;
    }
    PQclear(r);
    return found;
}

/* Runs statements that return no rows, several separated by ';' in one
 * round trip (simple query protocol). 0 / -1. */
static int s_exec(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok && !hj_pq_lost(conn))
        hj_error("sql failed (%s): %s", sql, PQerrorMessage(conn));
    PQclear(r);
    return ok ? 0 : -1;
}

/* The call's journal row, then (when another call follows) RELEASE and the
 * next call's SAVEPOINT, or (`commit`: the batch's last call) NOTIFY and
 * COMMIT, in one round trip (libpq pipeline mode). 0 when all succeeded;
 * -1 with `state` when the INSERT was refused (what follows it is skipped and
 * the transaction is aborted back to hj_call, which still exists); -2 when
 * the connection broke or a savepoint command or the COMMIT failed. */
static int s_journal_insert(PGconn *conn, const char *service, hj_call_t *c, int more, int commit,
                            char state[6])
{
    const char *v[8] = {c->request_id,
                        service,
                        c->kind,
                        c->community[0] ? c->community : "-",
                        c->actor,
                        (const char *)c->payload,
                        (const char *)c->reply,
                        (const char *)c->digest};
    int len[8] = {0, 0, 0, 0, 0, (int)c->payload_len, (int)c->reply_len, (int)sizeof c->digest};
    int fmt[8] = {0, 0, 0, 0, 0, 1, 1, 1};
    int queries = 1 + (more ? 2 : 0) + (commit ? 2 : 0), seen = 0, nulls = 0, rc = 0;
    state[0] = 0;
    if (!c->payload)
        v[5] = "";
    if (!PQenterPipelineMode(conn))
        return -2;
    if (!PQsendQueryParams(
            conn,
            "INSERT INTO bus.journal (request_id, service, kind, community, actor, "
            "payload, reply, request_digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            8, NULL, v, len, fmt, 0) ||
        (more &&
         (!PQsendQueryParams(conn, "RELEASE SAVEPOINT hj_call", 0, NULL, NULL, NULL, NULL, 0) ||
          !PQsendQueryParams(conn, "SAVEPOINT hj_call", 0, NULL, NULL, NULL, NULL, 0))) ||
        (commit && (!PQsendQueryParams(conn, "NOTIFY hj_journal", 0, NULL, NULL, NULL, NULL, 0) ||
                    !PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0))) ||
        !PQpipelineSync(conn)) {
        hj_error("sql send failed: %s", PQerrorMessage(conn));
        PQexitPipelineMode(conn);
        return -2;
    }
    for (;;) {
        PGresult *r = PQgetResult(conn);
        if (!r) {
            /* NULL ends each query's results; more of them than queries: broken. */
            if (++nulls > queries + 1 || hj_pq_lost(conn)) {
                rc = -2;
                break;
            }
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (st == PGRES_FATAL_ERROR && seen == 0) {
            const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            snprintf(state, 6, "%s", s ? s : "");
            /* A unique violation is a replay's expected answer: debug only. */
            if (s && strncmp(s, "23", 2) == 0)
                hj_debug("sql %s: %s", s, PQresultErrorMessage(r));
            else
                hj_error("journal write failed (%s): %s", s ? s : "no state",
                         PQresultErrorMessage(r));
            rc = -1;
        } else if (st == PGRES_FATAL_ERROR) {
            hj_error("sql failed: %s", PQresultErrorMessage(r));
            rc = -2;
        } else if (st == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
            /* COMMIT of a transaction that had failed answers ROLLBACK, not an error. */
            hj_error("the transaction was rolled back at COMMIT");
            rc = -2;
        }
        if (st != PGRES_PIPELINE_ABORTED)
            seen++;
        PQclear(r);
    }
    if (!PQexitPipelineMode(conn))
        rc = -2;
    return rc;
}

/* A read's reply goes out only to a caller who may read what it names
 * (hj_auth_may_read); otherwise its status says why. */
static void s_read_scope(hj_writer_t *w, hj_call_t *c)
{
    if (c->status.code == HJ__CODE__OK &&
        hj_auth_may_read(&c->status, w->service, c->permission, c->identity,
                         c->read_filtered ? NULL : c->community) != 0)
        s_reset_result(c);
}

/* One call inside the batch transaction. On entry the savepoint hj_call is
 * set; on return it is set again when `more` calls follow. The last call's
 * journal row goes with the COMMIT (one round trip fewer a batch): then
 * *committed is set. -1 when the connection broke or that COMMIT failed. */
static int s_run_call(s_lane_t *lane, PGconn *conn, hj_call_t *c, int more, int *committed)
{
    hj_writer_t *w = lane->w;
    int write = c->request_id[0] != 0;
    char state[6] = "";
    hj_status_set(&c->status, HJ__CODE__OK, "", "ok");
    w->handle(conn, c, w->svc);
    if (hj_pq_lost(conn))
        return -1;
    /* The scope is judged on what the write would journal, so an operation
     * that names its record only by id is judged like any other. */
    int denied = c->status.code == HJ__CODE__OK && write &&
                 hj_auth_in_scope(&c->status, c->identity, c->community) != 0;
    if (!write)
        s_read_scope(w, c);
    if (c->status.code == HJ__CODE__OK) {
        if (!write)
            return more ? s_exec(conn, "RELEASE SAVEPOINT hj_call; SAVEPOINT hj_call") : 0;
        if (!more) {
            /* The next batch may run its calls while this one commits. */
            atomic_store(&lane->committing, 1);
            uv_async_send(&w->wake);
        }
        int rc = s_journal_insert(conn, w->service, c, more, !more, state);
        *committed = rc == 0 && !more;
        if (rc != -1)
            return rc == 0 ? 0 : -1;
        if (strcmp(state, "23505") != 0)
            hj_status_set(&c->status, HJ__CODE__INTERNAL, "", "journal write failed");
    }
    /* ROLLBACK TO keeps the savepoint: the next call starts from it. */
    if (s_exec(conn, "ROLLBACK TO SAVEPOINT hj_call") != 0)
        return -1;
    /* A refused or conflicting write may be the replay of one that committed
     * (its first try created the row this one now collides with). Not when
     * the caller may not write it: a stored reply is not theirs to read. */
    if (write && !denied && s_stored_reply(conn, c) < 0)
        return -1;
    if (!c->replayed)
        s_reset_result(c);
    return 0;
}

static void s_fail_all(hj_call_t *batch, const char *why)
{
    for (hj_call_t *c = batch; c; c = c->next) {
        s_reset_result(c);
        c->replayed = 0;
        hj_status_set(&c->status, HJ__CODE__UNAVAILABLE, "", "%s; try again", why);
    }
}

/* On the lane's database thread: the whole batch in one transaction. */
static void s_work(PGconn *conn, void *arg)
{
    s_lane_t *lane = arg;
    hj_writer_t *w = lane->w;
    int writes = 0, committed = 0;
    if (!conn) {
        s_fail_all(lane->batch, "the database is unavailable");
        return;
    }
    if (s_exec(conn, "BEGIN; SAVEPOINT hj_call") != 0)
        goto broken;
    for (hj_call_t *c = lane->batch; c; c = c->next) {
        if (s_run_call(lane, conn, c, c->next != NULL, &committed) != 0)
            goto broken;
        writes += c->request_id[0] && !c->replayed && c->status.code == HJ__CODE__OK;
    }
    if (!atomic_load(&lane->committing)) {
        atomic_store(&lane->committing, 1);
        uv_async_send(&w->wake);
    }
    /* NOTIFY wakes the journal relay once this commits. */
    if (!committed && s_exec(conn, writes ? "NOTIFY hj_journal; COMMIT" : "COMMIT") != 0)
        goto broken;
    return;
broken:
    if (!hj_pq_lost(conn))
        hj_pq_cmd(conn, "ROLLBACK");
    s_fail_all(lane->batch, "the transaction did not commit");
}

/* On a read lane's database thread: its reads one after another, outside
 * any transaction block. A read that lost the connection, or left a
 * transaction open (a handler's bug: what it did is rolled back), is not
 * answered OK. */
static void s_read_work(PGconn *conn, void *arg)
{
    s_lane_t *lane = arg;
    for (hj_call_t *c = lane->batch; c; c = c->next) {
        if (!conn || hj_pq_lost(conn)) {
            s_fail_all(c, "the database is unavailable");
            return;
        }
        hj_status_set(&c->status, HJ__CODE__OK, "", "ok");
        lane->w->handle(conn, c, lane->w->svc);
        if (hj_pq_lost(conn)) {
            s_fail_all(c, "the database connection was lost");
            return;
        }
        if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
            hj_pq_cmd(conn, "ROLLBACK");
            if (c->status.code == HJ__CODE__OK) {
                s_reset_result(c);
                hj_status_set(&c->status, HJ__CODE__INTERNAL, "",
                              "the read left a transaction open");
            }
        }
        s_read_scope(lane->w, c);
    }
}

static void s_next(hj_writer_t *w);

static void s_closed(uv_handle_t *h)
{
    free(h->data);
}

static void s_wake(uv_async_t *h)
{
    s_next(h->data);
}

static void s_done(void *arg)
{
    s_lane_t *lane = arg;
    hj_writer_t *w = lane->w;
    hj_call_t *c = lane->batch;
    lane->batch = NULL;
    lane->in_flight = 0;
    w->in_flight--;
    while (c) {
        hj_call_t *next = c->next;
        c->next = NULL;
        w->reply(c, w->arg);
        c = next;
    }
    if (w->closing) {
        if (w->in_flight == 0)
            uv_close((uv_handle_t *)&w->wake, s_closed);
        return;
    }
    s_next(w);
}

/* Starts a batch on every idle lane while calls are waiting: writes (and
 * reads without a read lane) on the write lanes, reads on the read lanes. */
static void s_next(hj_writer_t *w)
{
    /* One write batch runs its calls at a time; the others are committing.
     * Calls that arrive meanwhile wait and go in together. */
    int running = 0;
    for (int i = 0; i < S_LANES; i++)
        running |= w->lane[i].in_flight && !atomic_load(&w->lane[i].committing);
    for (int i = 0; i < S_LANES + S_READ_LANES; i++) {
        s_lane_t *lane = &w->lane[i];
        hj_call_t **queue = lane->reads ? &w->reads : &w->queue;
        hj_call_t **tail = lane->reads ? &w->reads_tail : &w->queue_tail;
        if (lane->in_flight || !lane->db || !*queue || (!lane->reads && running))
            continue;
        /* Take up to S_BATCH_MAX waiting calls. */
        hj_call_t *last = *queue;
        for (int n = 1; n < S_BATCH_MAX && last->next; n++)
            last = last->next;
        lane->batch = *queue;
        *queue = last->next;
        if (!*queue)
            *tail = NULL;
        last->next = NULL;
        lane->in_flight = 1;
        atomic_store(&lane->committing, 0);
        running |= !lane->reads;
        w->in_flight++;
        if (hj_db_run(lane->db, lane->reads ? s_read_work : s_work, s_done, lane) != 0) {
            s_fail_all(lane->batch, "the service is shutting down");
            s_done(lane);
            return;
        }
    }
}

hj_writer_t *hj_writer_new(hj_db_t *db, const char *service, hj_handle_fn handle, void *svc,
                           hj_reply_fn reply, void *arg)
{
    hj_writer_t *w = calloc(1, sizeof *w);
    if (!w || uv_async_init(hj_db_loop(db), &w->wake, s_wake) != 0) {
        free(w);
        return NULL;
    }
    w->wake.data = w;
    for (int i = 0; i < S_LANES + S_READ_LANES; i++) {
        w->lane[i].w = w;
        w->lane[i].reads = i >= S_LANES;
        /* A lane whose connection cannot be made is left out; lane 0 always works. */
        w->lane[i].db = i == 0 ? db : i < S_LANES ? hj_db_new_like(db) : hj_db_new_read_only(db);
    }
    snprintf(w->service, sizeof w->service, "%s", service);
    w->handle = handle;
    w->svc = svc;
    w->reply = reply;
    w->arg = arg;
    return w;
}

void hj_writer_submit(hj_writer_t *w, hj_call_t *call)
{
    /* A read goes to the read lanes when there is one (the first read lane's
     * connection could be made); else it joins the writes' batches. */
    int read = !call->request_id[0] && w->lane[S_LANES].db;
    hj_call_t **queue = read ? &w->reads : &w->queue;
    hj_call_t **tail = read ? &w->reads_tail : &w->queue_tail;
    call->next = NULL;
    if (*tail)
        (*tail)->next = call;
    else
        *queue = call;
    *tail = call;
    s_next(w);
}

void hj_writer_retarget(hj_writer_t *w, hj_reply_fn reply, void *arg)
{
    w->reply = reply;
    w->arg = arg;
}

void hj_writer_destroy(hj_writer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_writer_t *w = *self_p;
    *self_p = NULL;
    /* Calls not yet in a transaction are answered UNAVAILABLE: nothing of them was written. */
    hj_call_t *queues[2] = {w->queue, w->reads};
    w->queue = w->queue_tail = w->reads = w->reads_tail = NULL;
    for (int k = 0; k < 2; k++) {
        hj_call_t *q = queues[k];
        s_fail_all(q, "the service is shutting down");
        while (q) {
            hj_call_t *next = q->next;
            q->next = NULL;
            w->reply(q, w->arg);
            q = next;
        }
    }
    /* Our own connections: one running a batch is freed after its s_done. */
    for (int i = 1; i < S_LANES + S_READ_LANES; i++)
        hj_db_destroy(&w->lane[i].db);
    w->closing = 1;
    if (w->in_flight == 0) /* else the last s_done closes */
        uv_close((uv_handle_t *)&w->wake, s_closed);
}
