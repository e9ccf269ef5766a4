#include "events.h"
#include "hj_curve.h"
#include "hj_frames.h"
#include "hj_log.h"
#include "hj_zwatch.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define S_REBIND_MS 20
#define S_REBIND_TRIES 250 /* 5 s */

struct hj_events {
    uv_timer_t rebind;  /* binds pub again after a drop of every subscriber */
    int rebind_tries;
    char endpoint[256]; /* where pub is bound, as libzmq names it */
    void *pub;        /* XPUB, public (CURVE) */
    void *internal;   /* PUB, internal: the same events for services (no CURVE) */
    void *in;         /* PULL, internal: derived events from services */
    hj_zwatch_t *pub_watch;
    hj_zwatch_t *in_watch;
};

/* XPUB hands us subscriptions; we do not act on them, only drain them. */
static void s_on_subscription(hj_zwatch_t *w, void *socket, void *arg)
{
    hj_frames_t f;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) == 0)
        hj_frames_close(&f);
}

/* [topic][body] from a service: forwarded as is. Anything else is dropped. */
static void s_on_input(hj_zwatch_t *w, void *socket, void *arg)
{
    hj_events_t *e = arg;
    hj_frames_t f;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    if (f.count == 2 && hj_frames_size(&f, 0) > 0) {
        char topic[256];
        if (hj_frames_str(&f, 0, topic, sizeof topic) == 0)
            hj_events_publish(e, topic, hj_frames_data(&f, 1), hj_frames_size(&f, 1));
        else
            hj_warn("events-in: dropped a message with an unreadable topic");
    } else
        hj_warn("events-in: dropped a message of %d frames", f.count);
    hj_frames_close(&f);
}

static void s_free_on_close(uv_handle_t *h)
{
    free(h->data);
}

hj_events_t *hj_events_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           const char *secret_key)
{
    hj_events_t *e = calloc(1, sizeof *e);
    int linger = 0, hwm = 100000;
    int64_t max = cfg->max_msg;
    if (!e)
        return NULL;
    uv_timer_init(loop, &e->rebind);
    e->rebind.data = e;
    e->pub = zmq_socket(zctx, ZMQ_XPUB);
    e->in = zmq_socket(zctx, ZMQ_PULL);
    e->internal = zmq_socket(zctx, ZMQ_PUB);
    if (!e->pub || !e->in || !e->internal || hj_curve_server_socket(e->pub, secret_key) ||
        zmq_setsockopt(e->internal, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_setsockopt(e->internal, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
        zmq_bind(e->internal, cfg->events_internal) ||
        zmq_setsockopt(e->pub, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_setsockopt(e->in, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_setsockopt(e->pub, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
        zmq_setsockopt(e->pub, ZMQ_MAXMSGSIZE, &max, sizeof max) ||
        zmq_bind(e->pub, cfg->events) || zmq_bind(e->in, cfg->events_in) ||
        !(e->pub_watch = hj_zwatch_new(loop, e->pub, s_on_subscription, e)) ||
        !(e->in_watch = hj_zwatch_new(loop, e->in, s_on_input, e))) {
        hj_error("event bus: cannot bind %s / %s: %s", cfg->events, cfg->events_in,
                 zmq_strerror(zmq_errno()));
        hj_events_destroy(&e);
        return NULL;
    }
    size_t n = sizeof e->endpoint;
    zmq_getsockopt(e->pub, ZMQ_LAST_ENDPOINT, e->endpoint, &n);
    hj_info("event bus on %s (CURVE; internal input %s, internal output %s)", cfg->events,
            cfg->events_in, cfg->events_internal);
    return e;
}

/* The port is freed by libzmq's I/O thread a moment after the unbind. */
static void s_on_rebind(uv_timer_t *t)
{
    hj_events_t *e = t->data;
    if (zmq_bind(e->pub, e->endpoint) == 0) {
        uv_timer_stop(t);
        hj_info("event bus: every subscriber dropped (a device lost its access); they "
                "reconnect through ZAP");
    } else if (++e->rebind_tries >= S_REBIND_TRIES) {
        uv_timer_stop(t);
        hj_error("event bus: cannot bind %s again: %s", e->endpoint, zmq_strerror(zmq_errno()));
    }
}

int hj_events_drop_subscribers(hj_events_t *e)
{
    /* Unbinding ends the connections made through the endpoint; once it is
     * bound again the subscribers' own reconnect finds it. */
    if (uv_is_active((uv_handle_t *)&e->rebind))
        return 0; /* a drop is under way: its connections are gone already */
    if (zmq_unbind(e->pub, e->endpoint) != 0) {
        hj_error("event bus: cannot unbind %s: %s", e->endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    e->rebind_tries = 0;
    return uv_timer_start(&e->rebind, s_on_rebind, 0, S_REBIND_MS) == 0 ? 0 : -1;
}

int hj_events_publish(hj_events_t *e, const char *topic, const void *body, size_t len)
{
    int rc = 0;
    void *sockets[2] = {e->pub, e->internal};
    for (int i = 0; i < 2; i++) {
        hj_frames_t f;
        hj_frames_init(&f);
        hj_frames_addstr(&f, topic);
        hj_frames_add(&f, body, len);
        rc |= hj_frames_send(sockets[i], &f);
    }
    return rc;
}

void hj_events_destroy(hj_events_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_events_t *e = *self_p;
    *self_p = NULL;
    hj_zwatch_destroy(&e->pub_watch);
    hj_zwatch_destroy(&e->in_watch);
    if (e->pub)
        zmq_close(e->pub);
    if (e->in)
        zmq_close(e->in);
    if (e->internal)
        zmq_close(e->internal);
    uv_timer_stop(&e->rebind);
    uv_close((uv_handle_t *)&e->rebind, s_free_on_close);
}
