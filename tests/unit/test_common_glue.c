/* The ZeroMQ glue: frames, the libuv watcher (edge-triggered ZMQ_FD), and
 * the Lazy Pirate client against a scripted broker. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>
#include <zmq.h>

#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_scripted.h"
#include "hj_zwatch.h"

Test(frames, multipart_round_trip_and_limits)
{
    void *ctx = zmq_ctx_new(), *a = zmq_socket(ctx, ZMQ_PAIR), *b = zmq_socket(ctx, ZMQ_PAIR);
    cr_assert_eq(zmq_bind(a, "inproc://frames"), 0);
    cr_assert_eq(zmq_connect(b, "inproc://frames"), 0);
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, "MDPC01");
    hj_frames_addstr(&f, "滨河");
    cr_assert_eq(hj_frames_send(a, &f), 0);
    cr_assert_eq(f.count, 0, "sending consumes the frames");
    cr_assert_eq(hj_frames_recv(b, &f, 0), 0);
    cr_assert_eq(f.count, 3);
    cr_assert_eq(hj_frames_size(&f, 0), 0);
    cr_assert(hj_frames_is(&f, 1, "MDPC01"));
    cr_assert_not(hj_frames_is(&f, 1, "MDPC0"));
    char s[16];
    cr_assert_eq(hj_frames_str(&f, 2, s, sizeof s), 0);
    cr_assert_str_eq(s, "滨河");
    cr_assert_eq(hj_frames_str(&f, 2, s, 4), -1, "does not fit");
    hj_frames_close(&f);
    /* Nothing waiting. */
    cr_assert_eq(hj_frames_recv(b, &f, ZMQ_DONTWAIT), -1);
    cr_assert_eq(zmq_errno(), EAGAIN);
    /* Too many frames: the whole message is drained and refused, the next one is fine. */
    for (int i = 0; i < HJ_FRAMES_MAX + 4; i++)
        zmq_send(a, "x", 1, i + 1 < HJ_FRAMES_MAX + 4 ? ZMQ_SNDMORE : 0);
    zmq_send(a, "next", 4, 0);
    cr_assert_eq(hj_frames_recv(b, &f, 0), -1);
    cr_assert_eq(zmq_errno(), EMSGSIZE);
    cr_assert_eq(hj_frames_recv(b, &f, 0), 0);
    cr_assert(hj_frames_is(&f, 0, "next"));
    hj_frames_close(&f);
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(ctx);
}

/* ---- the watcher ----------------------------------------------------------- */

typedef struct {
    void *peer;
    int received;
    int expected;
    hj_zwatch_t *watch;
    uv_timer_t timer;
} s_echo_t;

/* Echoes every message back on the same socket: the send can swallow the
 * edge that announced the next message, which the watcher must survive. */
static void s_on_message(hj_zwatch_t *w, void *socket, void *arg)
{
    s_echo_t *e = arg;
    hj_frames_t f;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    e->received++;
    hj_frames_send(socket, &f);
    if (e->received == e->expected) {
        hj_zwatch_destroy(&e->watch);
        uv_timer_stop(&e->timer);
        uv_close((uv_handle_t *)&e->timer, NULL);
    }
}

static void s_on_timeout(uv_timer_t *t)
{
    s_echo_t *e = t->data;
    hj_zwatch_destroy(&e->watch);
    uv_close((uv_handle_t *)&e->timer, NULL);
}

Test(zwatch, drains_every_message_across_edges)
{
    void *ctx = zmq_ctx_new(), *srv = zmq_socket(ctx, ZMQ_DEALER),
         *cli = zmq_socket(ctx, ZMQ_DEALER);
    cr_assert_eq(zmq_bind(srv, "inproc://watch"), 0);
    cr_assert_eq(zmq_connect(cli, "inproc://watch"), 0);
    enum { N = 800 }; /* below the peer's high-water mark: nobody reads the echoes until the end */
    /* Queue everything before the loop runs: one edge for many messages. */
    for (int i = 0; i < N; i++)
        cr_assert_eq(zmq_send(cli, &i, sizeof i, 0), (int)sizeof i);
    uv_loop_t loop;
    uv_loop_init(&loop);
    s_echo_t e = {.peer = cli, .expected = N};
    e.watch = hj_zwatch_new(&loop, srv, s_on_message, &e);
    cr_assert(e.watch);
    uv_timer_init(&loop, &e.timer);
    e.timer.data = &e;
    uv_timer_start(&e.timer, s_on_timeout, 10000, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(e.received, N, "received %d of %d", e.received, N);
    /* Every echo came back, in order. */
    for (int i = 0; i < N; i++) {
        int v = -1;
        cr_assert_eq(zmq_recv(cli, &v, sizeof v, 0), (int)sizeof v);
        cr_assert_eq(v, i);
    }
    uv_loop_close(&loop);
    zmq_close(srv);
    zmq_close(cli);
    zmq_ctx_term(ctx);
}

/* ---- the Lazy Pirate client -------------------------------------------------- */

typedef struct {
    void *ctx;
    const char *endpoint;
    void *socket; /* bound by the test before the thread starts: the client never races the bind */
    int script;   /* 0: UNAVAILABLE then OK; 1: silent once then OK; 2: RESOURCE_EXHAUSTED
                   * (retry after 30 ms) then OK; 3: RESOURCE_EXHAUSTED (retry after 5 s) */
    int requests;
} s_broker_t;

static void *s_scripted_broker(void *arg)
{
    s_broker_t *b = arg;
    void *s = b->socket;
    for (int i = 0; i < 2; i++) {
        hj_frames_t f;
        if (hj_frames_recv(s, &f, 0) != 0)
            break;
        b->requests++;
        if (b->script == 1 && i == 0) {
            hj_frames_close(&f);
            continue; /* say nothing: the client must time out and resend */
        }
        hj_status_t st;
        hj_status_set(&st, i == 0 ? HJ__CODE__UNAVAILABLE : HJ__CODE__OK, "",
                      i == 0 ? "busy" : "ok");
        if (b->script >= 2 && (i == 0 || b->script == 3)) {
            hj_status_set(&st, HJ__CODE__RESOURCE_EXHAUSTED, "device", "too fast");
            st.retry_after_ms = b->script == 2 ? 30 : 5000;
        }
        hj_scripted_reply(s, &f, &st);
    }
    /* The socket stays open: the test closes it once its client has the
     * last answer (closed here with linger 0, it could drop it). */
    return NULL;
}

/* A scripted broker on a ROUTER bound to endpoint, serving from a thread. */
static void s_broker_start(s_broker_t *b, pthread_t *t)
{
    int linger = 0, timeout = 2000;
    b->socket = zmq_socket(b->ctx, ZMQ_ROUTER);
    zmq_setsockopt(b->socket, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(b->socket, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    cr_assert_eq(zmq_bind(b->socket, b->endpoint), 0);
    cr_assert_eq(pthread_create(t, NULL, s_scripted_broker, b), 0);
}

/* Ends the broker's thread (a receive still waiting for a request that
 * will not come returns at once on a context shut down), joins it and
 * closes its socket; b->requests is then safe to read. */
static void s_broker_stop(s_broker_t *b, pthread_t t)
{
    zmq_ctx_shutdown(b->ctx);
    pthread_join(t, NULL);
    zmq_close(b->socket);
}

/* One call of a client with `tries` tries (300 ms each) to a broker playing
 * `script`: the status it got, how many tries it used, how many requests
 * reached the broker. */
static hj_status_t s_scripted_call(int script, const char *endpoint, int tries, int *tries_used,
                                   int *requests)
{
    void *ctx = zmq_ctx_new();
    s_broker_t b = {.ctx = ctx, .endpoint = endpoint, .script = script};
    pthread_t t;
    s_broker_start(&b, &t);
    hj_client_t *c = hj_client_new(ctx, endpoint, 300, tries);
    uint8_t *reply = NULL;
    size_t len = 0;
    hj_status_t st;
    cr_assert_eq(hj_client_call(c, "registry", "x", 1, &reply, &len), 0);
    cr_assert_eq(hj_status_unpack(reply, len, &st), 0);
    *tries_used = hj_client_tries_used(c);
    free(reply);
    hj_client_destroy(&c);
    s_broker_stop(&b, t);
    *requests = b.requests;
    zmq_ctx_term(ctx);
    return st;
}

static void s_pirate(int script, const char *endpoint)
{
    int tries, requests;
    hj_status_t st = s_scripted_call(script, endpoint, 3, &tries, &requests);
    cr_assert_eq(st.code, HJ__CODE__OK, "the retry got the real answer");
    cr_assert_eq(tries, 2);
    cr_assert_eq(requests, 2);
}

/* A private endpoint: a fixed TCP port may be held by someone else's
 * outgoing connection (it lies in the ephemeral range). */
static const char *s_endpoint(const char *name)
{
    static char ep[128];
    snprintf(ep, sizeof ep, "ipc:///tmp/hj-glue-%d-%s", (int)getpid(), name);
    return ep;
}

Test(client, retries_an_unavailable_answer)
{
    s_pirate(0, s_endpoint("unavailable"));
}

Test(client, resends_after_silence_on_a_fresh_socket)
{
    s_pirate(1, s_endpoint("silent"));
}

Test(client, waits_as_told_when_the_device_sends_too_fast)
{
    int tries, requests;
    hj_status_t st = s_scripted_call(2, s_endpoint("exhausted"), 1, &tries, &requests);
    cr_assert_eq(st.code, HJ__CODE__OK, "sent again after the wait, the real answer");
    cr_assert_eq(tries, 1, "an answer asking to wait uses up no try");
    cr_assert_eq(requests, 2);
}

Test(client, gives_up_when_the_wait_would_outlast_the_call)
{
    int tries, requests; /* 900 ms in all, asked to wait 5 s */
    hj_status_t st = s_scripted_call(3, s_endpoint("exhausted-long"), 3, &tries, &requests);
    cr_assert_eq(st.code, HJ__CODE__RESOURCE_EXHAUSTED, "the caller gets the server's answer");
    cr_assert_eq(st.retry_after_ms, 5000);
    cr_assert_eq(requests, 1, "not sent again");
}

Test(client, gives_up_after_its_tries_when_nobody_answers)
{
    hj_client_t *c = hj_client_new(NULL, s_endpoint("nobody"), 100, 2);
    uint8_t *reply = NULL;
    size_t len = 0;
    cr_assert_eq(hj_client_call(c, "registry", "x", 1, &reply, &len), -1);
    cr_assert_null(reply);
    cr_assert_eq(hj_client_tries_used(c), 2);
    hj_client_destroy(&c);
}
