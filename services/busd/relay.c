#include "relay.h"
#include "hj_journal.h"
#include "hj.pb-c.h"
#include "hj_db.h"
#include "hj_log.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* Rows a pass seals: one UPDATE for all of them (sql/023), so a bulk load is
 * sealed in few transactions; the rows' events are published after each. */
#define S_BATCH "2000"
#define S_WAIT_MS 250

typedef struct s_out {
    struct s_out *next;
    char topic[256];
    uint8_t *body;
    size_t len;
} s_out_t;

struct hj_relay {
    hj_db_t *db;
    hj_events_t *events;
    s_out_t *out, *out_tail;
    int listening; /* backend pid of the connection that LISTENs */
    int stopping;
};

static void s_queue_row(hj_relay_t *relay, PGresult *r, int i)
{
    Hj__Event ev;
    s_out_t *o = calloc(1, sizeof *o);
    if (!o)
        return;
    /* No payload: what is published reaches every enrolled device (hj_journal.h). */
    hj_journal_event(r, i, &ev, o->topic, sizeof o->topic);
    o->len = hj__event__get_packed_size(&ev);
    o->body = malloc(o->len ? o->len : 1);
    if (o->body)
        hj__event__pack(&ev, o->body);
    hj_journal_event_clear(&ev);
    if (relay->out_tail)
        relay->out_tail->next = o;
    else
        relay->out = o;
    relay->out_tail = o;
}

/* One statement, its own transaction: seal what committed since the last
 * pass (up to S_BATCH rows, in one UPDATE: sql/023). The rows come back, in
 * seq order, only once the statement has committed (PQexec returns at
 * ReadyForQuery), and only then become events. A pass that finds nothing
 * writes nothing (sql/017). Rows sealed, or -1. */
static int s_assign(hj_relay_t *relay, PGconn *conn)
{
    char state[6];
    const char *v[1] = {S_BATCH};
    PGresult *r = hj_pq(conn, state,
                        "SELECT " HJ_JOURNAL_EVENT_COLUMNS " FROM bus.relay_assign($1::int)", 1, v);
    if (!r)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        s_queue_row(relay, r, i);
    PQclear(r);
    return n;
}

/* Drops the notifications that have arrived; 1 when there were any. */
static int s_notified(PGconn *conn)
{
    int any = 0;
    PGnotify *note;
    PQconsumeInput(conn);
    while ((note = PQnotifies(conn))) {
        PQfreemem(note);
        any = 1;
    }
    return any;
}

static void s_work(PGconn *conn, void *arg)
{
    hj_relay_t *relay = arg;
    if (!conn) {
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
        return;
    }
    /* Once per connection (a remade one listens again). */
    if (relay->listening != PQbackendPID(conn)) {
        if (hj_pq_cmd(conn, "LISTEN hj_journal") != 0)
            return;
        relay->listening = PQbackendPID(conn);
    }
    /* Notifications that came before this pass are covered by it. */
    s_notified(conn);
    int n = s_assign(relay, conn);
    if (n != 0)
        return; /* published rows, or an error: come straight back */
    /* Nothing waiting: sleep until a commit says so (NOTIFY), or the periodic sweep. */
    struct pollfd p = {PQsocket(conn), POLLIN, 0};
    if (poll(&p, 1, S_WAIT_MS) > 0)
        s_notified(conn);
}

static void s_done(void *arg);

static void s_schedule(hj_relay_t *relay)
{
    if (!relay->stopping && hj_db_run(relay->db, s_work, s_done, relay) != 0)
        hj_error("relay: cannot schedule");
}

static void s_done(void *arg)
{
    hj_relay_t *relay = arg;
    while (relay->out) {
        s_out_t *o = relay->out;
        relay->out = o->next;
        if (o->body && relay->events)
            hj_events_publish(relay->events, o->topic, o->body, o->len);
        free(o->body);
        free(o);
    }
    relay->out_tail = NULL;
    if (relay->stopping) {
        free(relay);
        return;
    }
    s_schedule(relay);
}

hj_relay_t *hj_relay_new(uv_loop_t *loop, const char *db, hj_events_t *events)
{
    hj_relay_t *relay = calloc(1, sizeof *relay);
    /* The seal commits without waiting for its WAL flush: the rows it numbers
     * are already durable (their writer's COMMIT), and the WAL is flushed in
     * order, so the next durable commit (any write's) carries the seal with
     * it, and the WAL writer within wal_writer_delay when none comes. A crash
     * can only lose the last passes; the relay seals those rows again on
     * start (the chain verifies; a subscriber sees the sequence go back, as
     * after any restore). One fsync a write instead of three, with hj-tallyd's. */
    if (!relay || !(relay->db = hj_db_new(loop, db)) ||
        hj_db_on_connect(relay->db, "SET synchronous_commit = off") != 0) {
        if (relay)
            hj_db_destroy(&relay->db);
        free(relay);
        return NULL;
    }
    relay->events = events;
    s_schedule(relay);
    hj_info("journal relay started");
    return relay;
}

void hj_relay_destroy(hj_relay_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_relay_t *relay = *self_p;
    *self_p = NULL;
    relay->stopping = 1;
    relay->events = NULL;
    /* The running job finishes (at most one poll interval); s_done frees. */
    hj_db_destroy(&relay->db);
}
