#include "hj_writer.h"
#include "hj_auth.h"
#include "hj_log.h"

#include <stdlib.h>
#include <string.h>

/* More subtransactions than this in one transaction overflow PostgreSQL's
 * per-backend subxid cache and slow every reader; batches stay below it. */
#define S_BATCH_MAX 60

struct hj_writer {
    hj_db_t *db;
    char service[32];
    hj_handle_fn handle;
    void *svc;
    hj_reply_fn reply;
    void *arg;
    hj_call_t *queue, *queue_tail;  /* waiting for the next batch */
    hj_call_t *batch;               /* in the transaction now */
    int in_flight;
    int closing;
};

hj_call_t *hj_call_new(void)
{
    return calloc(1, sizeof(hj_call_t));
}

void hj_call_destroy(hj_call_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_call_t *c = *self_p;
    *self_p = NULL;
    free(c->reply);
    free(c->payload);
    if (c->identity)
        hj__identity__free_unpacked(c->identity, NULL);
    free(c);
}

uint8_t *hj_call_take_reply(hj_call_t *call, size_t *len)
{
    uint8_t *out;
    if (call->status.code == HJ__CODE__OK && call->reply) {
        out = call->reply;
        *len = call->reply_len;
        call->reply = NULL;
    } else {
        if (call->status.code == HJ__CODE__OK)
            hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "the service gave no reply");
        out = hj_status_pack(&call->status, len);
    }
    return out;
}

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
    PGresult *r = hj_pq(conn, state,
                        "SELECT reply, request_digest FROM bus.journal WHERE request_id = $1", 1, v);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    if (found) {
        size_t dn = 0;
        unsigned char *digest =
            PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &dn);
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

static int s_journal_insert(PGconn *conn, const char *service, hj_call_t *c, char state[6])
{
    const char *v[8] = {c->request_id, service, c->kind, c->community[0] ? c->community : "-",
                        c->actor, (const char *)c->payload, (const char *)c->reply,
                        (const char *)c->digest};
    int len[8] = {0, 0, 0, 0, 0, (int)c->payload_len, (int)c->reply_len, (int)sizeof c->digest};
    int fmt[8] = {0, 0, 0, 0, 0, 1, 1, 1};
    if (!c->payload)
        v[5] = "";
    PGresult *r = hj_pqb(conn, state,
                         "INSERT INTO bus.journal (request_id, service, kind, community, actor, "
                         "payload, reply, request_digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                         8, v, len, fmt);
    PQclear(r);
    return r ? 0 : -1;
}

/* One call inside the batch transaction. -1 when the connection broke. */
static int s_run_call(hj_writer_t *w, PGconn *conn, hj_call_t *c)
{
    int write = c->request_id[0] != 0;
    char state[6] = "";
    if (hj_pq_cmd(conn, "SAVEPOINT hj_call") != 0)
        return -1;
    hj_status_set(&c->status, HJ__CODE__OK, "", "ok");
    w->handle(conn, c, w->svc);
    if (hj_pq_lost(conn))
        return -1;
    int ok = c->status.code == HJ__CODE__OK;
    /* The scope is judged on what the write would journal, so an operation
     * that names its record only by id is judged like any other. */
    int denied = ok && write && hj_auth_in_scope(&c->status, c->identity, c->community) != 0;
    if (denied)
        ok = 0;
    if (ok && write && s_journal_insert(conn, w->service, c, state) != 0) {
        if (hj_pq_lost(conn))
            return -1;
        ok = 0;
        if (strcmp(state, "23505") != 0)
            hj_status_set(&c->status, HJ__CODE__INTERNAL, "", "journal write failed");
    }
    if (ok)
        return hj_pq_cmd(conn, "RELEASE SAVEPOINT hj_call");
    if (hj_pq_cmd(conn, "ROLLBACK TO SAVEPOINT hj_call") != 0)
        return -1;
    /* A refused or conflicting write may be the replay of one that committed
     * (its first try created the row this one now collides with). Not when
     * the caller may not write it: a stored reply is not theirs to read. */
    if (write && !denied && s_stored_reply(conn, c) < 0)
        return -1;
    if (!c->replayed)
        s_reset_result(c);
    return hj_pq_cmd(conn, "RELEASE SAVEPOINT hj_call");
}

static void s_fail_all(hj_call_t *batch, const char *why)
{
    for (hj_call_t *c = batch; c; c = c->next) {
        s_reset_result(c);
        c->replayed = 0;
        hj_status_set(&c->status, HJ__CODE__UNAVAILABLE, "", "%s; try again", why);
    }
}

static void s_work(PGconn *conn, void *arg)
{
    hj_writer_t *w = arg;
    int writes = 0;
    if (!conn) {
        s_fail_all(w->batch, "the database is unavailable");
        return;
    }
    if (hj_pq_cmd(conn, "BEGIN") != 0)
        goto broken;
    for (hj_call_t *c = w->batch; c; c = c->next) {
        if (s_run_call(w, conn, c) != 0)
            goto broken;
        writes += c->request_id[0] && !c->replayed && c->status.code == HJ__CODE__OK;
    }
    /* Wakes the journal relay once this commits. */
    if (writes && hj_pq_cmd(conn, "NOTIFY hj_journal") != 0)
        goto broken;
    if (hj_pq_cmd(conn, "COMMIT") != 0)
        goto broken;
    return;
broken:
    if (!hj_pq_lost(conn))
        hj_pq_cmd(conn, "ROLLBACK");
    s_fail_all(w->batch, "the transaction did not commit");
}

static void s_next(hj_writer_t *w);

static void s_done(void *arg)
{
    hj_writer_t *w = arg;
    hj_call_t *c = w->batch;
    w->batch = NULL;
    w->in_flight = 0;
    while (c) {
        hj_call_t *next = c->next;
        c->next = NULL;
        w->reply(c, w->arg);
        c = next;
    }
    if (w->closing) {
        free(w);
        return;
    }
    s_next(w);
}

static void s_next(hj_writer_t *w)
{
    if (w->in_flight || !w->queue)
        return;
    /* Take up to S_BATCH_MAX waiting calls. */
    hj_call_t *last = w->queue;
    for (int n = 1; n < S_BATCH_MAX && last->next; n++)
        last = last->next;
    w->batch = w->queue;
    w->queue = last->next;
    if (!w->queue)
        w->queue_tail = NULL;
    last->next = NULL;
    w->in_flight = 1;
    if (hj_db_run(w->db, s_work, s_done, w) != 0) {
        s_fail_all(w->batch, "the service is shutting down");
        s_done(w);
    }
}

hj_writer_t *hj_writer_new(hj_db_t *db, const char *service, hj_handle_fn handle, void *svc,
                           hj_reply_fn reply, void *arg)
{
    hj_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->db = db;
    snprintf(w->service, sizeof w->service, "%s", service);
    w->handle = handle;
    w->svc = svc;
    w->reply = reply;
    w->arg = arg;
    return w;
}

void hj_writer_submit(hj_writer_t *w, hj_call_t *call)
{
    call->next = NULL;
    if (w->queue_tail)
        w->queue_tail->next = call;
    else
        w->queue = call;
    w->queue_tail = call;
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
    hj_call_t *q = w->queue;
    w->queue = w->queue_tail = NULL;
    s_fail_all(q, "the service is shutting down");
    while (q) {
        hj_call_t *next = q->next;
        q->next = NULL;
        w->reply(q, w->arg);
        q = next;
    }
    if (w->in_flight)
        w->closing = 1; /* s_done frees */
    else
        free(w);
}
