#include "broker.h"
#include "hj_curve.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_log.h"
#include "hj_mdp.h"
#include "hj_zwatch.h"
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define S_NAME_MAX 64
#define S_ID_MAX 256
#define S_QUEUE_MAX 10000
/* A device refused for sending too fast is logged at most this often. */
#define S_REFUSAL_LOG_MS 10000
/* The least retry-after of a device at its in-flight cap: its requests end at
 * the service's pace, not the bucket's. */
#define S_INFLIGHT_RETRY_MS 10

typedef struct s_blob {
    size_t len;
    uint8_t data[S_ID_MAX];
} s_blob_t;

/* A request waiting for, or in flight at, a worker. */
typedef struct s_request {
    struct s_request *next;
    s_blob_t client;
    uint8_t *identity; /* packed hj.Identity of the caller */
    size_t identity_len;
    zmq_msg_t body;
    hj_ratelimit_t *limits; /* set: counted in the device's in-flight cap */
    char device[64];
} s_request_t;

typedef struct s_service s_service_t;

typedef struct s_worker {
    struct s_worker *next; /* in the broker's list */
    s_blob_t identity;
    s_service_t *service;
    int credit;
    int in_flight;
    s_request_t *flight; /* requests sent to it and not yet answered */
    uint64_t expiry;
} s_worker_t;

struct s_service {
    s_service_t *next;
    char name[S_NAME_MAX + 1];
    int workers;
    s_request_t *queue, *queue_tail;
    int queued;
};

struct hj_broker {
    uv_loop_t *loop;
    const hj_config_t *cfg;
    hj_devices_t *devices;
    void *frontend; /* ROUTER, public, CURVE: clients */
    void *backend;  /* ROUTER, internal: workers */
    hj_zwatch_t *front_watch, *back_watch;
    uv_timer_t timer;
    s_service_t *services;
    s_worker_t *workers;
    char last_refused[64]; /* a refused worker key is logged once a minute */
    uint64_t last_refused_at;
    hj_ratelimit_t *limits; /* fair share: each device's bucket and in-flight count */
};

/* Huanjie's own services are known from the start: while none of a
 * service's instances is connected (as right after the broker restarts,
 * until the workers announce themselves again) a request for it is
 * UNAVAILABLE, which clients retry or keep offline; only a name that is
 * none of these is NOT_FOUND. */
static const char *const s_known_services[] = {"registry", "audit", "interviews", "tally", NULL};

static void s_blob_set(s_blob_t *b, hj_frames_t *f, int i)
{
    b->len = hj_frames_size(f, i) < S_ID_MAX ? hj_frames_size(f, i) : S_ID_MAX;
    memcpy(b->data, hj_frames_data(f, i), b->len);
}

static int s_blob_eq(const s_blob_t *a, const s_blob_t *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* ---- answering clients ------------------------------------------------ */

static void s_client_send(hj_broker_t *b, const s_blob_t *client, const char *service,
                          const void *body, size_t len)
{
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, client->data, client->len);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPC);
    hj_frames_addstr(&f, service);
    hj_frames_add(&f, body, len);
    hj_frames_send(b->frontend, &f);
}

static void s_client_status(hj_broker_t *b, const s_blob_t *client, const char *service,
                            Hj__Code code, const char *field, const char *message)
{
    hj_status_t st;
    size_t len = 0;
    hj_status_set(&st, code, field, "%s", message);
    uint8_t *body = hj_status_pack(&st, &len);
    if (body)
        s_client_send(b, client, service, body, len);
    free(body);
}

static void s_request_free(s_request_t *r)
{
    if (r->limits)
        hj_ratelimit_release(r->limits, r->device);
    zmq_msg_close(&r->body);
    free(r->identity);
    free(r);
}

/* ---- services and workers --------------------------------------------- */

static s_service_t *s_service(hj_broker_t *b, const char *name, int create)
{
    for (s_service_t *s = b->services; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s;
    if (!create)
        return NULL;
    s_service_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->next = b->services;
    b->services = s;
    return s;
}

static s_worker_t *s_worker_find(hj_broker_t *b, const s_blob_t *id)
{
    for (s_worker_t *w = b->workers; w; w = w->next)
        if (s_blob_eq(&w->identity, id))
            return w;
    return NULL;
}

static void s_worker_send(hj_broker_t *b, s_worker_t *w, const char *cmd, s_request_t *r)
{
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, w->identity.data, w->identity.len);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPW);
    hj_frames_addstr(&f, cmd);
    if (r) {
        hj_frames_add(&f, r->client.data, r->client.len);
        hj_frames_add(&f, "", 0);
        hj_frames_add(&f, r->identity, r->identity_len);
        hj_frames_add(&f, zmq_msg_data(&r->body), zmq_msg_size(&r->body));
    }
    hj_frames_send(b->backend, &f);
}

/* The live worker of s with the most spare credit, or NULL. */
static s_worker_t *s_pick(hj_broker_t *b, s_service_t *s)
{
    s_worker_t *best = NULL;
    for (s_worker_t *w = b->workers; w; w = w->next)
        if (w->service == s && w->in_flight < w->credit &&
            (!best || w->credit - w->in_flight > best->credit - best->in_flight))
            best = w;
    return best;
}

/* Moves w to the end of the list: among equally free workers the one used
 * longest ago is picked next, so instances share the load. */
static void s_to_back(hj_broker_t *b, s_worker_t *w)
{
    s_worker_t **pp = &b->workers;
    while (*pp && *pp != w)
        pp = &(*pp)->next;
    if (!*pp || !w->next)
        return;
    *pp = w->next;
    while (*pp)
        pp = &(*pp)->next;
    *pp = w;
    w->next = NULL;
}

static void s_dispatch(hj_broker_t *b, s_service_t *s)
{
    s_worker_t *w;
    while (s->queue && (w = s_pick(b, s))) {
        s_to_back(b, w);
        s_request_t *r = s->queue;
        s->queue = r->next;
        if (!s->queue)
            s->queue_tail = NULL;
        s->queued--;
        s_worker_send(b, w, HJ_MDPW_REQUEST, r);
        r->next = w->flight;
        w->flight = r;
        w->in_flight++;
    }
}

/* Drops a worker; everything it had in flight is answered UNAVAILABLE. */
static void s_worker_drop(hj_broker_t *b, s_worker_t *w, const char *why)
{
    s_worker_t **pp = &b->workers;
    while (*pp && *pp != w)
        pp = &(*pp)->next;
    if (*pp)
        *pp = w->next;
    s_service_t *s = w->service;
    hj_warn("worker of %s dropped (%s); %d request(s) in flight answered UNAVAILABLE",
            s ? s->name : "?", why, w->in_flight);
    while (w->flight) {
        s_request_t *r = w->flight;
        w->flight = r->next;
        s_client_status(b, &r->client, s ? s->name : "", HJ__CODE__UNAVAILABLE, "",
                        "the service instance stopped while handling the request; try again");
        s_request_free(r);
    }
    if (s && --s->workers == 0) {
        while (s->queue) {
            s_request_t *r = s->queue;
            s->queue = r->next;
            s_client_status(b, &r->client, s->name, HJ__CODE__UNAVAILABLE, "",
                            "no instance of the service is running; try again");
            s_request_free(r);
        }
        s->queue_tail = NULL;
        s->queued = 0;
    }
    free(w);
}

/* ---- frontend: clients ------------------------------------------------ */

/* The sender's enrolled device, as it stands now: ZAP named it at the
 * handshake (the User-Id property of every frame it sends), and the registry
 * says whether it has been revoked since. NULL: refuse. */
static const hj_device_entry_t *s_device(hj_broker_t *b, hj_frames_t *f)
{
    const char *uid = zmq_msg_gets(&f->part[f->count - 1], "User-Id");
    const hj_device_entry_t *d = uid && *uid ? hj_devices_by_name(b->devices, uid) : NULL;
    return d && !d->revoked ? d : NULL;
}

/* Fair share: a device may have device_inflight requests queued or in flight
 * and send device_rate a second (bursts of device_burst); beyond that it is
 * answered RESOURCE_EXHAUSTED with when to send again, at once, so a flood
 * from one device never fills a service's queue ahead of everyone else.
 * 1 admitted and counted in flight (release when the request ends), 2
 * admitted uncounted (out of memory: the limit is a courtesy to others, not
 * a check), 0 refused (answered). */
static int s_fair_share(hj_broker_t *b, const s_blob_t *client, const char *service,
                        const char *device)
{
    const hj_config_t *cfg = b->cfg;
    uint64_t now = uv_now(b->loop), refused = 0;
    uint32_t retry = 0;
    char msg[256];
    int held = hj_ratelimit_hold(b->limits, device, (uint32_t)cfg->device_inflight);
    if (held == 0) {
        retry = (uint32_t)((1000 + cfg->device_rate - 1) / cfg->device_rate);
        retry = retry < S_INFLIGHT_RETRY_MS ? S_INFLIGHT_RETRY_MS : retry;
        snprintf(msg, sizeof msg,
                 "device %s has %d requests waiting (the most one device may have); slow down, "
                 "retry after %u ms",
                 device, cfg->device_inflight, retry);
    } else if (hj_ratelimit_take(b->limits, device, now, &retry) == 0) {
        if (held == 1)
            hj_ratelimit_release(b->limits, device);
        held = 0;
        snprintf(
            msg, sizeof msg,
            "device %s is sending too fast (limit %d requests/s); slow down, retry after %u ms",
            device, cfg->device_rate, retry);
    }
    if (held != 0)
        return held == 1 ? 1 : 2;
    hj_status_t st;
    size_t len = 0;
    hj_status_set(&st, HJ__CODE__RESOURCE_EXHAUSTED, "device", "%s", msg);
    st.retry_after_ms = retry;
    uint8_t *body = hj_status_pack(&st, &len);
    if (body)
        s_client_send(b, client, service, body, len);
    free(body);
    if (hj_ratelimit_refused(b->limits, device, now, S_REFUSAL_LOG_MS, &refused))
        hj_warn("device %s is sending too fast (limit %d requests/s, bursts of %d, %d at once): "
                "%llu request(s) refused RESOURCE_EXHAUSTED since the last report (at most one "
                "report every %d s)",
                device, cfg->device_rate, cfg->device_burst, cfg->device_inflight,
                (unsigned long long)refused, S_REFUSAL_LOG_MS / 1000);
    return 0;
}

static void s_on_client(hj_zwatch_t *watch, void *socket, void *arg)
{
    hj_broker_t *b = arg;
    hj_frames_t f;
    s_blob_t client;
    char service[S_NAME_MAX + 1] = "";
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0) {
        if (zmq_errno() == EMSGSIZE)
            hj_warn("client message with too many frames: dropped");
        return;
    }
    s_blob_set(&client, &f, 0);
    /* [client | "" | MDPC01 | service | body] */
    if (f.count < 3 || hj_frames_size(&f, 1) != 0) {
        hj_warn("client message without the MDP delimiter: dropped");
        goto out;
    }
    const hj_device_entry_t *device = s_device(b, &f);
    if (!device) {
        s_client_status(b, &client, "", HJ__CODE__UNAUTHENTICATED, "device",
                        "this device is not enrolled, or it was revoked");
        goto out;
    }
    if (!hj_frames_is(&f, 2, HJ_MDPC)) {
        s_client_status(b, &client, "", HJ__CODE__INVALID_ARGUMENT, "protocol",
                        "unsupported protocol header: expected MDPC01");
        goto out;
    }
    if (f.count != 5 || hj_frames_str(&f, 3, service, sizeof service) != 0 || !service[0]) {
        s_client_status(b, &client, "", HJ__CODE__INVALID_ARGUMENT, "service",
                        "malformed request: expected [service][body] after MDPC01");
        goto out;
    }
    if (strcmp(service, "mmi.service") == 0) {
        char name[S_NAME_MAX + 1] = "";
        hj_frames_str(&f, 4, name, sizeof name);
        s_service_t *s = s_service(b, name, 0);
        s_client_send(b, &client, service, s && s->workers ? "200" : "404", 3);
        goto out;
    }
    s_service_t *s = s_service(b, service, 0);
    if (!s) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown service '%s'", service);
        s_client_status(b, &client, service, HJ__CODE__NOT_FOUND, "service", msg);
        goto out;
    }
    if (s->workers == 0 || s->queued >= S_QUEUE_MAX) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 s->workers ? "%s is overloaded; try again"
                            : "no instance of %s is running; try again",
                 service);
        s_client_status(b, &client, service, HJ__CODE__UNAVAILABLE, "", msg);
        goto out;
    }
    int held = s_fair_share(b, &client, service, device->name);
    if (!held)
        goto out;
    s_request_t *r = calloc(1, sizeof *r);
    if (r)
        r->identity_len = hj__identity__get_packed_size(&device->identity);
    if (!r || !(r->identity = malloc(r->identity_len ? r->identity_len : 1))) {
        free(r);
        if (held == 1)
            hj_ratelimit_release(b->limits, device->name);
        goto out;
    }
    r->client = client;
    if (held == 1) {
        r->limits = b->limits;
        snprintf(r->device, sizeof r->device, "%s", device->name);
    }
    hj__identity__pack(&device->identity, r->identity);
    zmq_msg_init(&r->body);
    zmq_msg_move(&r->body, &f.part[4]);
    if (s->queue_tail)
        s->queue_tail->next = r;
    else
        s->queue = r;
    s->queue_tail = r;
    s->queued++;
    s_dispatch(b, s);
out:
    hj_frames_close(&f);
}

/* ---- backend: workers ------------------------------------------------- */

/* The daemon key a worker's connection proved (ZAP named it: the User-Id of
 * its frames), as the registry has it now: NULL when revoked since. */
static const hj_device_entry_t *s_worker_key(hj_broker_t *b, hj_frames_t *f)
{
    const char *uid = zmq_msg_gets(&f->part[f->count - 1], "User-Id");
    const hj_device_entry_t *d = uid && *uid ? hj_devices_by_name(b->devices, uid) : NULL;
    return d && !d->revoked && hj_devices_is_service(d, NULL) ? d : NULL;
}

static void s_refuse_worker(hj_broker_t *b, const char *who, const char *why)
{
    uint64_t now = uv_now(b->loop);
    if (strcmp(who, b->last_refused) != 0 || now - b->last_refused_at >= 60000) {
        hj_warn("worker %s refused: %s", who, why);
        snprintf(b->last_refused, sizeof b->last_refused, "%s", who);
        b->last_refused_at = now;
    }
}

static void s_on_ready(hj_broker_t *b, s_worker_t *w, const s_blob_t *id, hj_frames_t *f)
{
    char name[S_NAME_MAX + 1] = "", credit[16] = "1";
    if (w)
        s_worker_drop(b, w, "sent READY again");
    if (f->count < 5 || hj_frames_str(f, 4, name, sizeof name) != 0 || !name[0]) {
        hj_warn("READY without a service name: ignored");
        return;
    }
    /* A daemon serves only the service its key was enrolled for. */
    const hj_device_entry_t *key = s_worker_key(b, f);
    if (!key || strcmp(key->service, name) != 0) {
        char why[160];
        snprintf(why, sizeof why, "its key is %s, not one of %s's",
                 key ? key->service : "revoked or unknown", name);
        s_refuse_worker(b, key ? key->name : "(revoked key)", why);
        return;
    }
    if (f->count >= 6)
        hj_frames_str(f, 5, credit, sizeof credit);
    s_service_t *s = s_service(b, name, 1);
    w = calloc(1, sizeof *w);
    if (!s || !w) {
        free(w);
        return;
    }
    w->identity = *id;
    w->service = s;
    w->credit = atoi(credit) > 0 ? atoi(credit) : 1;
    w->expiry = uv_now(b->loop) + (uint64_t)b->cfg->heartbeat_ms * HJ_MDP_LIVENESS;
    w->next = b->workers;
    b->workers = w;
    s->workers++;
    hj_info("worker of %s ready (credit %d, %d instance(s))", name, w->credit, s->workers);
    s_dispatch(b, s);
}

static void s_on_reply(hj_broker_t *b, s_worker_t *w, hj_frames_t *f)
{
    /* [worker | "" | MDPW01 | REPLY | client | "" | body] */
    if (f->count != 7 || hj_frames_size(f, 5) != 0) {
        hj_warn("malformed REPLY from a worker of %s: dropped", w->service->name);
        return;
    }
    s_blob_t client;
    s_blob_set(&client, f, 4);
    s_request_t **pp = &w->flight;
    while (*pp && !s_blob_eq(&(*pp)->client, &client))
        pp = &(*pp)->next;
    if (*pp) {
        s_request_t *r = *pp;
        *pp = r->next;
        s_request_free(r);
        w->in_flight--;
    }
    s_client_send(b, &client, w->service->name, hj_frames_data(f, 6), hj_frames_size(f, 6));
    s_dispatch(b, w->service);
}

static void s_on_worker(hj_zwatch_t *watch, void *socket, void *arg)
{
    hj_broker_t *b = arg;
    hj_frames_t f;
    s_blob_t id;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    s_blob_set(&id, &f, 0);
    s_worker_t *w = s_worker_find(b, &id);
    if (f.count < 4 || hj_frames_size(&f, 1) != 0 || !hj_frames_is(&f, 2, HJ_MDPW)) {
        hj_warn("worker message is not MDPW01: dropped");
    } else if (hj_frames_is(&f, 3, HJ_MDPW_READY)) {
        s_on_ready(b, w, &id, &f);
    } else if (w && !s_worker_key(b, &f)) {
        /* Its key was revoked since it connected: from its next message on. */
        s_worker_send(b, w, HJ_MDPW_DISCONNECT, NULL);
        s_worker_drop(b, w, "its key was revoked");
    } else if (!w) {
        /* A worker we do not know (we restarted, or expired it): make it re-register. */
        s_worker_t tmp = {.identity = id};
        s_worker_send(b, &tmp, HJ_MDPW_DISCONNECT, NULL);
    } else {
        w->expiry = uv_now(b->loop) + (uint64_t)b->cfg->heartbeat_ms * HJ_MDP_LIVENESS;
        if (hj_frames_is(&f, 3, HJ_MDPW_REPLY))
            s_on_reply(b, w, &f);
        else if (hj_frames_is(&f, 3, HJ_MDPW_DISCONNECT))
            s_worker_drop(b, w, "disconnected");
    }
    hj_frames_close(&f);
}

static void s_on_timer(uv_timer_t *t)
{
    hj_broker_t *b = t->data;
    uint64_t now = uv_now(b->loop);
    s_worker_t *w = b->workers;
    while (w) {
        s_worker_t *next = w->next;
        if (now > w->expiry)
            s_worker_drop(b, w, "heartbeats stopped");
        else
            s_worker_send(b, w, HJ_MDPW_HEARTBEAT, NULL);
        w = next;
    }
}

/* ---- life cycle ------------------------------------------------------- */

/* A CURVE server in ZAP domain `domain` (hj_curve.h). */
static void *s_router(void *zctx, const char *endpoint, int64_t max_msg, const char *secret_key,
                      const char *domain)
{
    void *s = zmq_socket(zctx, ZMQ_ROUTER);
    int linger = 0, mandatory = 0, hwm = 100000;
    if (!s)
        return NULL;
    if (hj_curve_server_socket_in(s, secret_key, domain) != 0 ||
        zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory) ||
        zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm) ||
        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
        (max_msg > 0 && zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg)) ||
        zmq_bind(s, endpoint)) {
        hj_error("cannot bind %s: %s", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(s);
        return NULL;
    }
    return s;
}

hj_broker_t *hj_broker_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           hj_devices_t *devices, const char *secret_key)
{
    hj_broker_t *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->loop = loop;
    b->cfg = cfg;
    for (int i = 0; s_known_services[i]; i++)
        s_service(b, s_known_services[i], 1);
    b->devices = devices;
    if (!(b->limits = hj_ratelimit_new((uint32_t)cfg->device_rate, (uint32_t)cfg->device_burst))) {
        hj_broker_destroy(&b);
        return NULL;
    }
    hj_info("broker: each device may send %d requests/s (bursts of %d), %d at once",
            cfg->device_rate, cfg->device_burst, cfg->device_inflight);
    if (!(b->frontend = s_router(zctx, cfg->bus, cfg->max_msg, secret_key, HJ_ZAP_DEVICES)) ||
        !(b->backend = s_router(zctx, cfg->workers, 0, secret_key, HJ_ZAP_WORKERS)) ||
        !(b->front_watch = hj_zwatch_new(loop, b->frontend, s_on_client, b)) ||
        !(b->back_watch = hj_zwatch_new(loop, b->backend, s_on_worker, b))) {
        hj_broker_destroy(&b);
        return NULL;
    }
    uv_timer_init(loop, &b->timer);
    b->timer.data = b;
    uv_timer_start(&b->timer, s_on_timer, (uint64_t)cfg->heartbeat_ms, (uint64_t)cfg->heartbeat_ms);
    hj_info("broker: clients on %s (CURVE), workers on %s (CURVE, daemons' keys)", cfg->bus,
            cfg->workers);
    return b;
}

static void s_free_on_close(uv_handle_t *h)
{
    free(h->data);
}

void hj_broker_destroy(hj_broker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_broker_t *b = *self_p;
    *self_p = NULL;
    while (b->workers) {
        s_worker_send(b, b->workers, HJ_MDPW_DISCONNECT, NULL);
        s_worker_drop(b, b->workers, "broker stopping");
    }
    while (b->services) {
        s_service_t *s = b->services;
        b->services = s->next;
        while (s->queue) {
            s_request_t *r = s->queue;
            s->queue = r->next;
            s_request_free(r);
        }
        free(s);
    }
    /* After every request: each one still counted gives its place back. */
    hj_ratelimit_destroy(&b->limits);
    hj_zwatch_destroy(&b->front_watch);
    hj_zwatch_destroy(&b->back_watch);
    if (b->frontend)
        zmq_close(b->frontend);
    if (b->backend)
        zmq_close(b->backend);
    if (b->timer.data)
        uv_close((uv_handle_t *)&b->timer, s_free_on_close);
    else
        free(b);
}
