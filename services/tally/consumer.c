#include "consumer.h"
#include "hj_db.h"
#include "hj_frames.h"
#include "hj_log.h"
#include "hj_zwatch.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* Journal rows one transaction applies; more wait for the next one. The
 * talks, pushes and tasks among them are written a table at a time and each
 * touched board is judged once, so a larger batch spreads that over more
 * rows (a bulk load is applied in fewer, longer transactions). */
#define S_BATCH 5000
/* A lost wake-up is found this late at most. */
#define S_POLL_MS 500

struct tally_consumer {
    uv_loop_t *loop;
    const tally_profiles_t *profiles;
    hj_db_t *db;
    void *sub;  /* SUB: the public event bus */
    void *push; /* PUSH: hj-busd's events-in */
    hj_zwatch_t *watch;
    uv_timer_t timer;
    int running; /* a catch-up is on the database thread */
    int again;   /* woken while it ran */
    int careful; /* the last try failed on a row: go row by row */
    int judged;  /* every board judged once by this process */
    int stopping;
    int timer_closed;
    uint64_t applied; /* the journal sequence applied (as far as we know) */
    uint64_t heard;   /* the highest journal sequence heard on the bus */
    /* The job's result, handed from the database thread to the loop. */
    int rc;
    int lost;
    tally_catch_up_t result;
};

static void s_kick(tally_consumer_t *k);

static void s_work(PGconn *conn, void *arg)
{
    tally_consumer_t *k = arg;
    k->lost = !conn;
    k->rc =
        conn ? board_catch_up(conn, k->profiles, S_BATCH, k->careful, !k->judged, &k->result) : -1;
    if (k->rc != 0 && conn)
        k->lost = hj_pq_lost(conn);
}

static void s_publish(tally_consumer_t *k, tally_event_t *e)
{
    for (; e; e = e->next) {
        /* A derived event that cannot leave now is dropped: a dashboard
         * sees the gap in the tally sequence and asks for a snapshot. */
        if (zmq_send(k->push, e->topic, strlen(e->topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
            zmq_send(k->push, e->body, e->len, ZMQ_DONTWAIT) < 0)
            hj_debug("%s not published: %s", e->topic, zmq_strerror(zmq_errno()));
    }
}

static void s_done(void *arg)
{
    tally_consumer_t *k = arg;
    k->running = 0;
    if (k->stopping) {
        tally_events_free(&k->result.events);
        if (k->timer_closed)
            free(k);
        return;
    }
    if (k->rc == 0) {
        if (k->result.applied || k->result.events)
            hj_debug("applied %zu journal rows (journal %llu, tally %llu)", k->result.applied,
                     (unsigned long long)k->result.journal_seq,
                     (unsigned long long)k->result.tally_seq);
        k->applied = k->result.journal_seq;
        s_publish(k, k->result.events);
        tally_events_free(&k->result.events);
        k->careful = 0;
        k->judged = 1;
        if (k->result.applied == S_BATCH)
            k->again = 1;
    } else if (!k->lost) {
        /* A row the projection cannot take: the next try goes row by row
         * (on the timer, so a failing database is not hammered). */
        hj_warn("catch-up failed: retrying row by row");
        k->careful = 1;
        k->again = 0;
    }
    if (k->again)
        s_kick(k);
}

static void s_kick(tally_consumer_t *k)
{
    if (k->stopping)
        return;
    if (k->running) {
        k->again = 1;
        return;
    }
    k->again = 0;
    k->running = 1;
    if (hj_db_run(k->db, s_work, s_done, k) != 0) {
        k->running = 0;
        hj_error("consumer: cannot schedule a catch-up");
    }
}

/* A journal event wakes the catch-up; our own board events are ignored. */
static void s_on_event(hj_zwatch_t *w, void *socket, void *arg)
{
    tally_consumer_t *k = arg;
    hj_frames_t f;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    Hj__Event *ev =
        f.count == 2 ? hj__event__unpack(NULL, hj_frames_size(&f, 1), hj_frames_data(&f, 1)) : NULL;
    hj_frames_close(&f);
    if (!ev)
        return;
    /* Journal events carry their hash-chain link; derived ones do not. */
    if (ev->hash.len > 0) {
        if (k->heard && ev->seq > k->heard + 1)
            hj_warn("journal events %llu..%llu were not received on the bus: reading them from "
                    "the journal",
                    (unsigned long long)(k->heard + 1), (unsigned long long)(ev->seq - 1));
        if (ev->seq > k->heard)
            k->heard = ev->seq;
        if (ev->seq > k->applied)
            s_kick(k);
        else
            hj_debug("journal event %llu already applied", (unsigned long long)ev->seq);
    }
    hj__event__free_unpacked(ev, NULL);
}

static void s_on_timer(uv_timer_t *t)
{
    s_kick(t->data);
}

tally_consumer_t *tally_consumer_new(const hj_daemon_t *env, const tally_profiles_t *profiles)
{
    int linger = 0;
    const hj_config_t *cfg = env->cfg;
    void *zctx = env->zctx;
    tally_consumer_t *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->loop = env->loop;
    k->profiles = profiles;
    k->db = hj_db_new(env->loop, env->db);
    k->sub = zmq_socket(zctx, ZMQ_SUB);
    k->push = zmq_socket(zctx, ZMQ_PUSH);
    /* The projection commits without waiting for its WAL flush: it is made
     * of sealed journal rows and moves its cursor in the same transaction, so
     * a crash loses a consistent tail that is applied again on start; a
     * write's durable COMMIT flushes it meanwhile. One fsync fewer a write. */
    if (!k->db ||
        hj_db_on_connect(k->db, "SELECT set_config('search_path', '" TALLY_SCHEMAS "', false), "
                                "set_config('synchronous_commit', 'off', false)") != 0 ||
        !k->sub || !k->push || zmq_setsockopt(k->sub, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(k->push, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(k->sub, ZMQ_SUBSCRIBE, "", 0) != 0 ||
        hj_curve_client_socket(k->sub, env->key) != 0 ||
        hj_curve_client_socket(k->push, env->key) != 0 ||
        zmq_connect(k->sub, cfg->events_internal) != 0 ||
        zmq_connect(k->push, cfg->events_in) != 0 ||
        !(k->watch = hj_zwatch_new(env->loop, k->sub, s_on_event, k))) {
        hj_error("consumer: cannot connect to the event bus %s / %s: %s", cfg->events_internal,
                 cfg->events_in, zmq_strerror(zmq_errno()));
        if (k->sub)
            zmq_close(k->sub);
        if (k->push)
            zmq_close(k->push);
        hj_db_destroy(&k->db);
        free(k);
        return NULL;
    }
    uv_timer_init(env->loop, &k->timer);
    k->timer.data = k;
    uv_timer_start(&k->timer, s_on_timer, 0, S_POLL_MS);
    hj_info("consumer: reading the journal, events from %s, publishing to %s", cfg->events_internal,
            cfg->events_in);
    return k;
}

static void s_free_timer(uv_handle_t *h)
{
    tally_consumer_t *k = h->data;
    k->timer_closed = 1;
    if (!k->running)
        free(k);
}

void tally_consumer_destroy(tally_consumer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    tally_consumer_t *k = *self_p;
    *self_p = NULL;
    k->stopping = 1;
    hj_zwatch_destroy(&k->watch);
    zmq_close(k->sub);
    zmq_close(k->push);
    uv_timer_stop(&k->timer);
    /* A running catch-up finishes first: whichever of its end and the
     * timer's close comes last frees. */
    hj_db_destroy(&k->db);
    uv_close((uv_handle_t *)&k->timer, s_free_timer);
}
