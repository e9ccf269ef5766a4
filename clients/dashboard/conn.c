/* conn: the event-bus subscription, its link monitor and the snapshot
 * fetcher thread. See conn.h. */
#include "conn.h"
#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_frames.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per try; the fetcher makes S_FETCH_TRIES before it reports a failure and
 * the caller asks again a moment later. */
#define S_FETCH_TIMEOUT_MS 1500
#define S_FETCH_TRIES 2

struct conn {
    void *zctx;
    void *sub;
    void *monitor; /* PAIR: the SUB socket's monitor events */
    void *fetch;   /* PAIR: requests to / answers from the fetcher */
    char fetch_endpoint[64];
    char bus[256];
    hj_device_t device;
    pthread_t thread;
    int thread_started;
    int fetching;
};

static void *s_fetcher(void *arg)
{
    conn_t *c = arg;
    void *pipe = zmq_socket(c->zctx, ZMQ_PAIR);
    hj_client_t *client = hj_client_new(c->zctx, c->bus, S_FETCH_TIMEOUT_MS, S_FETCH_TRIES);
    if (client && hj_client_set_device(client, &c->device) != 0)
        hj_client_destroy(&client);
    if (!pipe || zmq_connect(pipe, c->fetch_endpoint) != 0)
        goto out;
    Hj__Tally__SnapshotQuery query = HJ__TALLY__SNAPSHOT_QUERY__INIT;
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    req.op_case = HJ__TALLY__REQUEST__OP_SNAPSHOT;
    req.snapshot = &query;
    size_t len = hj__tally__request__get_packed_size(&req);
    uint8_t body[64];
    if (len > sizeof body)
        goto out;
    hj__tally__request__pack(&req, body);
    for (;;) {
        hj_frames_t f;
        if (hj_frames_recv(pipe, &f, 0) != 0)
            break; /* the context is shutting down */
        int stop = hj_frames_is(&f, 0, "STOP"), ping = hj_frames_is(&f, 0, "PING");
        hj_frames_close(&f);
        if (stop)
            break;
        uint8_t *reply = NULL;
        size_t reply_len = 0;
        hj_frames_init(&f);
        if (ping) {
            int up = client &&
                     hj_client_call(client, "mmi.service", "tally", 5, &reply, &reply_len) == 0 &&
                     reply_len == 3 && memcmp(reply, "200", 3) == 0;
            hj_frames_addstr(&f, "PONG");
            hj_frames_addstr(&f, up ? "200" : "404");
        } else if (client && hj_client_call(client, "tally", body, len, &reply, &reply_len) == 0) {
            hj_frames_addstr(&f, "OK");
            hj_frames_add(&f, reply, reply_len);
        } else {
            char why[300];
            snprintf(why, sizeof why, "no answer from service tally at %s", c->bus);
            hj_frames_addstr(&f, "FAIL");
            hj_frames_addstr(&f, why);
        }
        free(reply);
        if (hj_frames_send(pipe, &f) != 0)
            break;
    }
out:
    hj_client_destroy(&client);
    if (pipe)
        zmq_close(pipe);
    return NULL;
}

static int s_setopt(void *s, int opt, int value)
{
    return zmq_setsockopt(s, opt, &value, sizeof value);
}

conn_t *conn_new(const char *bus, const char *events, const hj_device_t *device)
{
    conn_t *c = calloc(1, sizeof *c);
    char monitor_endpoint[64];
    int64_t max_msg = 4 << 20;
    if (!c)
        return NULL;
    snprintf(c->bus, sizeof c->bus, "%s", bus);
    c->device = *device;
    snprintf(c->fetch_endpoint, sizeof c->fetch_endpoint, "inproc://hj-top-fetch-%p", (void *)c);
    snprintf(monitor_endpoint, sizeof monitor_endpoint, "inproc://hj-top-monitor-%p", (void *)c);
    /* The bus is lossy by design; a deep queue only makes gaps (and so
     * re-snapshots) rarer in a burst. Heartbeats notice a peer that vanished
     * without closing its connection. */
    if (!(c->zctx = zmq_ctx_new()) || !(c->sub = zmq_socket(c->zctx, ZMQ_SUB)) ||
        s_setopt(c->sub, ZMQ_LINGER, 0) || s_setopt(c->sub, ZMQ_RCVHWM, 100000) ||
        s_setopt(c->sub, ZMQ_RECONNECT_IVL, 200) || s_setopt(c->sub, ZMQ_RECONNECT_IVL_MAX, 2000) ||
        s_setopt(c->sub, ZMQ_HEARTBEAT_IVL, 1000) ||
        s_setopt(c->sub, ZMQ_HEARTBEAT_TIMEOUT, 3000) ||
        zmq_setsockopt(c->sub, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg) ||
        hj_curve_client_socket(c->sub, &c->device) ||
        /* The board's updates first (Clone: subscribe, then snapshot), then
         * the journal events for the community view. */
        zmq_setsockopt(c->sub, ZMQ_SUBSCRIBE, "tally.", 6) ||
        zmq_setsockopt(c->sub, ZMQ_SUBSCRIBE, "", 0) ||
        zmq_socket_monitor(c->sub, monitor_endpoint,
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) ||
        !(c->monitor = zmq_socket(c->zctx, ZMQ_PAIR)) || s_setopt(c->monitor, ZMQ_LINGER, 0) ||
        zmq_connect(c->monitor, monitor_endpoint) || zmq_connect(c->sub, events) ||
        !(c->fetch = zmq_socket(c->zctx, ZMQ_PAIR)) || s_setopt(c->fetch, ZMQ_LINGER, 0) ||
        zmq_bind(c->fetch, c->fetch_endpoint) ||
        pthread_create(&c->thread, NULL, s_fetcher, c) != 0) {
        conn_destroy(&c);
        return NULL;
    }
    c->thread_started = 1;
    return c;
}

void conn_destroy(conn_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    conn_t *c = *self_p;
    *self_p = NULL;
    if (c->zctx)
        zmq_ctx_shutdown(c->zctx); /* wakes the fetcher even mid-request */
    if (c->thread_started)
        pthread_join(c->thread, NULL);
    if (c->sub) {
        zmq_socket_monitor(c->sub, NULL, 0);
        zmq_close(c->sub);
    }
    if (c->monitor)
        zmq_close(c->monitor);
    if (c->fetch)
        zmq_close(c->fetch);
    if (c->zctx)
        zmq_ctx_term(c->zctx);
    free(c);
}

void conn_pollitems(conn_t *c, zmq_pollitem_t *items)
{
    void *sockets[CONN_POLLITEMS] = {c->monitor, c->fetch, c->sub};
    for (int i = 0; i < CONN_POLLITEMS; i++)
        items[i] = (zmq_pollitem_t){sockets[i], 0, ZMQ_POLLIN, 0};
}

/* One question to the fetch thread at a time: 0 when sent, -1 when one is out or it would block. */
static int s_fetch(conn_t *c, const char *what)
{
    size_t len = strlen(what);
    if (c->fetching)
        return -1;
    if (zmq_send(c->fetch, what, len, ZMQ_DONTWAIT) != (int)len)
        return -1;
    c->fetching = 1;
    return 0;
}

int conn_request_snapshot(conn_t *c)
{
    return s_fetch(c, "SNAPSHOT");
}

int conn_check_service(conn_t *c)
{
    return s_fetch(c, "PING");
}

int conn_fetching(const conn_t *c)
{
    return c->fetching;
}

void conn_msg_free(conn_msg_t *msg)
{
    if (msg->event)
        hj__event__free_unpacked(msg->event, NULL);
    if (msg->reply)
        hj__tally__reply__free_unpacked(msg->reply, NULL);
    memset(msg, 0, sizeof *msg);
}

static int s_link(conn_t *c, conn_msg_t *msg)
{
    hj_frames_t f;
    if (hj_frames_recv(c->monitor, &f, ZMQ_DONTWAIT) != 0)
        return 0;
    int got = 0;
    if (f.count >= 1 && hj_frames_size(&f, 0) >= 2) {
        uint16_t event;
        memcpy(&event, hj_frames_data(&f, 0), sizeof event);
        int refused = hj_curve_refusal(hj_frames_data(&f, 0), hj_frames_size(&f, 0));
        /* A revoked device's subscription is cut by hj-busd and refused on its way back. */
        if (refused) {
            msg->kind = CONN_REFUSED;
            snprintf(msg->why, sizeof msg->why,
                     "hj-busd refused device %s's key (ZAP status %d): it was revoked, or is not "
                     "enrolled",
                     c->device.name, refused);
            got = 1;
        } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED || event == ZMQ_EVENT_DISCONNECTED) {
            msg->kind = event == ZMQ_EVENT_DISCONNECTED ? CONN_LINK_DOWN : CONN_LINK_UP;
            got = 1;
        }
    }
    hj_frames_close(&f);
    return got;
}

static int s_answer(conn_t *c, conn_msg_t *msg)
{
    hj_frames_t f;
    if (hj_frames_recv(c->fetch, &f, ZMQ_DONTWAIT) != 0)
        return 0;
    c->fetching = 0;
    msg->kind = CONN_SNAPSHOT_FAILED;
    if (f.count == 2 && hj_frames_is(&f, 0, "PONG")) {
        msg->kind = CONN_SERVICE;
        msg->service_up = hj_frames_is(&f, 1, "200");
    } else if (f.count == 2 && hj_frames_is(&f, 0, "OK")) {
        msg->reply = hj__tally__reply__unpack(NULL, hj_frames_size(&f, 1), hj_frames_data(&f, 1));
        if (!msg->reply) {
            snprintf(msg->why, sizeof msg->why, "the answer of service tally does not decode");
        } else if (msg->reply->status && msg->reply->status->code != HJ__CODE__OK) {
            snprintf(msg->why, sizeof msg->why, "tally: %s: %s",
                     hj_code_name(msg->reply->status->code), msg->reply->status->message);
        } else if (msg->reply->result_case != HJ__TALLY__REPLY__RESULT_SNAPSHOT) {
            snprintf(msg->why, sizeof msg->why, "the answer of service tally holds no snapshot");
        } else {
            msg->kind = CONN_SNAPSHOT;
            msg->snapshot = msg->reply->snapshot;
        }
    } else if (f.count == 2) {
        hj_frames_str(&f, 1, msg->why, sizeof msg->why);
    }
    hj_frames_close(&f);
    return 1;
}

static int s_event(conn_t *c, conn_msg_t *msg)
{
    for (;;) {
        hj_frames_t f;
        if (hj_frames_recv(c->sub, &f, ZMQ_DONTWAIT) != 0)
            return 0;
        /* [topic][Event]; anything else is not ours to show. */
        msg->event = f.count == 2
                         ? hj__event__unpack(NULL, hj_frames_size(&f, 1), hj_frames_data(&f, 1))
                         : NULL;
        hj_frames_close(&f);
        if (msg->event) {
            msg->kind = CONN_EVENT;
            return 1;
        }
    }
}

int conn_next(conn_t *c, conn_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
    /* Link changes and answers first: they decide what the events mean. */
    return s_link(c, msg) || s_answer(c, msg) || s_event(c, msg);
}
