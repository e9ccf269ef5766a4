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
#define S_QUIET_MS 60000   /* a refused sender is logged once a minute */

enum { S_PUB, S_INTERNAL, S_OUTPUTS };

struct hj_events {
    hj_devices_t *devices;
    uv_timer_t rebind; /* binds the outputs again after a drop of every subscriber */
    int rebind_tries;
    void *out[S_OUTPUTS];          /* XPUB public; PUB internal: the same events */
    char endpoint[S_OUTPUTS][256]; /* where each is bound, as libzmq names it */
    int unbound[S_OUTPUTS];
    void *in; /* PULL, internal: derived events from hj-tallyd */
    hj_zwatch_t *pub_watch;
    hj_zwatch_t *in_watch;
    char last_refused[128];
    uint64_t last_refused_at;
};

/* XPUB hands us subscriptions; we do not act on them, only drain them. */
static void s_on_subscription(hj_zwatch_t *w, void *socket, void *arg)
{
    hj_frames_t f;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) == 0)
        hj_frames_close(&f);
}

static void s_refuse(hj_events_t *e, const char *who, const char *why)
{
    uint64_t now = uv_now(uv_handle_get_loop((uv_handle_t *)&e->rebind));
    if (strcmp(who, e->last_refused) != 0 || now - e->last_refused_at >= S_QUIET_MS) {
        hj_warn("events-in: dropped a message from %s: %s", who, why);
        snprintf(e->last_refused, sizeof e->last_refused, "%s", who);
        e->last_refused_at = now;
    }
}

/* [topic][body] from hj-tallyd: forwarded as is when its key is still
 * enrolled and the topic is tally's. Anything else is dropped. */
static void s_on_input(hj_zwatch_t *w, void *socket, void *arg)
{
    hj_events_t *e = arg;
    hj_frames_t f;
    char topic[256];
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    const char *uid = zmq_msg_gets(&f.part[f.count - 1], "User-Id");
    const hj_device_entry_t *d = uid && *uid ? hj_devices_by_name(e->devices, uid) : NULL;
    if (!d || d->revoked || !hj_devices_is_service(d, "tally"))
        s_refuse(e, uid && *uid ? uid : "(no key)", "not an enrolled hj-tallyd key");
    else if (f.count != 2 || hj_frames_size(&f, 0) == 0)
        s_refuse(e, uid, "not [topic][body]");
    else if (hj_frames_str(&f, 0, topic, sizeof topic) != 0)
        s_refuse(e, uid, "an unreadable topic");
    else if (strncmp(topic, "tally.", 6) != 0)
        s_refuse(e, uid, "not a tally. topic");
    else
        hj_events_publish(e, topic, hj_frames_data(&f, 1), hj_frames_size(&f, 1));
    hj_frames_close(&f);
}

static void s_free_on_close(uv_handle_t *h)
{
    free(h->data);
}

/* One CURVE socket bound in its ZAP domain. */
static int s_bind(void *socket, const char *secret_key, const char *domain, const char *endpoint,
                  int hwm, int64_t max)
{
    int linger = 0;
    return !socket || hj_curve_server_socket_in(socket, secret_key, domain) ||
                   zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger) ||
                   (hwm && zmq_setsockopt(socket, ZMQ_SNDHWM, &hwm, sizeof hwm)) ||
                   (max && zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &max, sizeof max)) ||
                   zmq_bind(socket, endpoint)
               ? -1
               : 0;
}

hj_events_t *hj_events_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           const char *secret_key, hj_devices_t *devices)
{
    hj_events_t *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->devices = devices;
    uv_timer_init(loop, &e->rebind);
    e->rebind.data = e;
    e->out[S_PUB] = zmq_socket(zctx, ZMQ_XPUB);
    e->out[S_INTERNAL] = zmq_socket(zctx, ZMQ_PUB);
    e->in = zmq_socket(zctx, ZMQ_PULL);
    if (s_bind(e->out[S_INTERNAL], secret_key, HJ_ZAP_EVENTS_INTERNAL, cfg->events_internal, 100000,
               0) ||
        s_bind(e->out[S_PUB], secret_key, HJ_ZAP_DEVICES, cfg->events, 100000, cfg->max_msg) ||
        s_bind(e->in, secret_key, HJ_ZAP_EVENTS_IN, cfg->events_in, 0, cfg->max_msg) ||
        !(e->pub_watch = hj_zwatch_new(loop, e->out[S_PUB], s_on_subscription, e)) ||
        !(e->in_watch = hj_zwatch_new(loop, e->in, s_on_input, e))) {
        hj_error("event bus: cannot bind %s / %s / %s: %s", cfg->events, cfg->events_in,
                 cfg->events_internal, zmq_strerror(zmq_errno()));
        hj_events_destroy(&e);
        return NULL;
    }
    for (int i = 0; i < S_OUTPUTS; i++) {
        size_t n = sizeof e->endpoint[i];
        zmq_getsockopt(e->out[i], ZMQ_LAST_ENDPOINT, e->endpoint[i], &n);
    }
    hj_info("event bus on %s (CURVE; internal input %s for hj-tallyd, internal output %s for "
            "the daemons, both CURVE)",
            cfg->events, cfg->events_in, cfg->events_internal);
    return e;
}

/* The port is freed by libzmq's I/O thread a moment after the unbind. */
static void s_on_rebind(uv_timer_t *t)
{
    hj_events_t *e = t->data;
    int waiting = 0;
    for (int i = 0; i < S_OUTPUTS; i++) {
        if (e->unbound[i] && zmq_bind(e->out[i], e->endpoint[i]) == 0)
            e->unbound[i] = 0;
        waiting += e->unbound[i];
    }
    if (!waiting) {
        uv_timer_stop(t);
        hj_info("event bus: every subscriber dropped (a device or daemon lost its access); they "
                "reconnect through ZAP");
    } else if (++e->rebind_tries >= S_REBIND_TRIES) {
        uv_timer_stop(t);
        hj_error("event bus: cannot bind %s again: %s", e->endpoint[e->unbound[S_PUB] ? 0 : 1],
                 zmq_strerror(zmq_errno()));
    }
}

int hj_events_drop_subscribers(hj_events_t *e)
{
    /* Unbinding ends the connections made through the endpoint; once it is
     * bound again the subscribers' own reconnect finds it. */
    if (uv_is_active((uv_handle_t *)&e->rebind))
        return 0; /* a drop is under way: its connections are gone already */
    for (int i = 0; i < S_OUTPUTS; i++) {
        if (zmq_unbind(e->out[i], e->endpoint[i]) != 0) {
            hj_error("event bus: cannot unbind %s: %s", e->endpoint[i], zmq_strerror(zmq_errno()));
            continue;
        }
        e->unbound[i] = 1;
    }
    e->rebind_tries = 0;
    return uv_timer_start(&e->rebind, s_on_rebind, 0, S_REBIND_MS) == 0 ? 0 : -1;
}

int hj_events_publish(hj_events_t *e, const char *topic, const void *body, size_t len)
{
    int rc = 0;
    for (int i = 0; i < S_OUTPUTS; i++) {
        hj_frames_t f;
        hj_frames_init(&f);
        hj_frames_addstr(&f, topic);
        hj_frames_add(&f, body, len);
        rc |= hj_frames_send(e->out[i], &f);
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
    for (int i = 0; i < S_OUTPUTS; i++)
        if (e->out[i])
            zmq_close(e->out[i]);
    if (e->in)
        zmq_close(e->in);
    uv_timer_stop(&e->rebind);
    uv_close((uv_handle_t *)&e->rebind, s_free_on_close);
}
