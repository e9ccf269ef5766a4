#include "hj_worker.h"
#include "hj_daemon_key.h"
#include "hj_frames.h"
#include "hj_log.h"
#include "hj_mdp.h"
#include "hj_signal.h"
#include "hj_zwatch.h"

#include <openssl/sha.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct {
    void *client; /* the client's envelope (ROUTER identity) */
    size_t client_len;
    unsigned generation;
} s_route_t;

struct hj_worker {
    uv_loop_t *loop;
    void *zctx;
    const hj_config_t *cfg;
    const hj_device_t *key; /* this daemon's CURVE identity on the internal endpoints */
    const hj_service_t *service;
    void *svc;
    hj_writer_t *writer;
    void *socket;
    hj_zwatch_t *watch;
    uv_timer_t timer;
    uint64_t last_heard;
    unsigned generation; /* bumped on every reconnect: replies to an old socket are dropped */
};

static void s_send_command(hj_worker_t *w, const char *cmd, hj_frames_t *tail)
{
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPW);
    hj_frames_addstr(&f, cmd);
    for (int i = 0; tail && i < tail->count; i++)
        hj_frames_move(&f, tail, i);
    if (tail)
        hj_frames_close(tail);
    /* Never wait: with no broker connection (one refused at the handshake
     * ends for good) a blocking send would stop the loop, heartbeat timer
     * and all; the timer reconnects, and a lost reply is retried by the client. */
    if (hj_frames_send_nowait(w->socket, &f) != 0)
        hj_debug("send to broker failed: %s", zmq_strerror(zmq_errno()));
}

static void s_on_message(hj_zwatch_t *watch, void *socket, void *arg);

static int s_connect(hj_worker_t *w)
{
    int linger = 0;
    w->socket = zmq_socket(w->zctx, ZMQ_DEALER);
    if (!w->socket || zmq_setsockopt(w->socket, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        hj_curve_client_socket(w->socket, w->key) != 0 ||
        zmq_connect(w->socket, w->cfg->workers) != 0 ||
        !(w->watch = hj_zwatch_new(w->loop, w->socket, s_on_message, w))) {
        hj_error("cannot connect to broker at %s: %s", w->cfg->workers, zmq_strerror(zmq_errno()));
        return -1;
    }
    w->generation++;
    w->last_heard = uv_now(w->loop);
    hj_frames_t tail;
    char credit[16];
    snprintf(credit, sizeof credit, "%d", w->cfg->credit);
    hj_frames_init(&tail);
    hj_frames_addstr(&tail, w->service->name);
    hj_frames_addstr(&tail, credit);
    s_send_command(w, HJ_MDPW_READY, &tail);
    hj_info("service %s ready at broker %s (credit %d)", w->service->name, w->cfg->workers,
            w->cfg->credit);
    return 0;
}

static void s_disconnect(hj_worker_t *w)
{
    hj_zwatch_destroy(&w->watch);
    if (w->socket)
        zmq_close(w->socket);
    w->socket = NULL;
}

static void s_send_reply(hj_worker_t *w, s_route_t *route, uint8_t *body, size_t len)
{
    if (route->generation != w->generation || !w->socket)
        return; /* the broker we had is gone; the client retries */
    hj_frames_t tail;
    hj_frames_init(&tail);
    hj_frames_add(&tail, route->client, route->client_len);
    hj_frames_add(&tail, "", 0);
    hj_frames_add(&tail, body, len);
    s_send_command(w, HJ_MDPW_REPLY, &tail);
}

static void s_finish(hj_worker_t *w, hj_call_t *call)
{
    s_route_t *route = call->route;
    size_t len = 0;
    uint8_t *body = hj_call_take_reply(call, &len);
    if (body && w)
        s_send_reply(w, route, body, len);
    free(body);
    if (call->request)
        w->service->release(call);
    free(route->client);
    free(route);
    hj_call_destroy(&call);
}

static void s_on_reply(hj_call_t *call, void *arg)
{
    s_finish(arg, call);
}

/* Who may call it comes before whether the call is well formed, so a
 * refused caller learns nothing from field errors. An operation the table
 * does not know keeps the decoder's answer (unknown op, bad body). */
static int s_permit(hj_worker_t *w, hj_call_t *call, int decoded)
{
    const hj_service_t *svc = w->service;
    hj_status_t st;
    if (!decoded && !(call->request && hj_auth_find(svc->permissions, call->op)))
        return -1;
    if (hj_auth_permit(&st, svc->name, svc->permissions, call->op, call->request_id[0] != 0,
                       call->identity) != 0) {
        hj_info("refused %s op %d for device %s: %s", svc->name, call->op, call->actor, st.message);
        call->status = st;
        return -1;
    }
    call->permission = hj_auth_find(svc->permissions, call->op);
    return decoded ? 0 : -1;
}

static void s_on_request(hj_worker_t *w, hj_frames_t *f)
{
    /* ["" | MDPW01 | REQUEST | client | "" | identity | body] */
    hj_call_t *call = hj_call_new();
    s_route_t *route = calloc(1, sizeof *route);
    if (!call || !route || f->count != 7 || hj_frames_size(f, 4) != 0) {
        hj_warn("malformed REQUEST from broker (%d frames): dropped", f->count);
        free(route);
        hj_call_destroy(&call);
        return;
    }
    route->client_len = hj_frames_size(f, 3);
    route->client = malloc(route->client_len ? route->client_len : 1);
    memcpy(route->client, hj_frames_data(f, 3), route->client_len);
    route->generation = w->generation;
    call->route = route;
    call->identity = hj__identity__unpack(NULL, hj_frames_size(f, 5), hj_frames_data(f, 5));
    if (!call->identity || !call->identity->device[0]) {
        hj_warn("REQUEST for %s without the caller's identity: refused", w->service->name);
        hj_status_set(&call->status, HJ__CODE__UNAUTHENTICATED, "",
                      "the broker sent no identity for this request");
        s_finish(w, call);
        return;
    }
    snprintf(call->actor, sizeof call->actor, "%s", call->identity->device);
    SHA256(hj_frames_data(f, 6), hj_frames_size(f, 6), call->digest);
    hj_debug("request for %s from %s (%s, %zu bytes)", w->service->name, call->actor,
             call->identity->role, hj_frames_size(f, 6));
    int decoded = w->service->decode(call, hj_frames_data(f, 6), hj_frames_size(f, 6), w->svc) == 0;
    if (s_permit(w, call, decoded) != 0) {
        s_finish(w, call);
        return;
    }
    hj_writer_submit(w->writer, call);
}

static void s_on_message(hj_zwatch_t *watch, void *socket, void *arg)
{
    hj_worker_t *w = arg;
    hj_frames_t f;
    if (hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    w->last_heard = uv_now(w->loop);
    if (f.count < 3 || !hj_frames_is(&f, 1, HJ_MDPW)) {
        hj_warn("message from broker is not MDPW01: dropped");
    } else if (hj_frames_is(&f, 2, HJ_MDPW_REQUEST)) {
        s_on_request(w, &f);
    } else if (hj_frames_is(&f, 2, HJ_MDPW_DISCONNECT)) {
        hj_warn("broker asked us to reconnect");
        hj_frames_close(&f);
        s_disconnect(w);
        s_connect(w);
        return;
    }
    hj_frames_close(&f);
}

static void s_on_timer(uv_timer_t *t)
{
    hj_worker_t *w = t->data;
    uint64_t silent = uv_now(w->loop) - w->last_heard;
    if (!w->socket || silent > (uint64_t)w->cfg->heartbeat_ms * HJ_MDP_LIVENESS) {
        if (w->socket)
            hj_warn("broker silent for %llu ms: reconnecting", (unsigned long long)silent);
        s_disconnect(w);
        s_connect(w);
        return;
    }
    s_send_command(w, HJ_MDPW_HEARTBEAT, NULL);
}

hj_worker_t *hj_worker_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           const hj_device_t *key, const hj_service_t *service, void *svc,
                           hj_db_t *db)
{
    hj_worker_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->loop = loop;
    w->zctx = zctx;
    w->cfg = cfg;
    w->key = key;
    w->service = service;
    w->svc = svc;
    w->writer = hj_writer_new(db, service->name, service->handle, svc, s_on_reply, w);
    if (!w->writer || s_connect(w) != 0) {
        hj_writer_destroy(&w->writer);
        s_disconnect(w);
        free(w);
        return NULL;
    }
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    uv_timer_start(&w->timer, s_on_timer, (uint64_t)cfg->heartbeat_ms, (uint64_t)cfg->heartbeat_ms);
    return w;
}

static void s_free_on_close(uv_handle_t *h)
{
    free(h->data);
}

/* Replies that arrive after the worker is gone are dropped: the writer calls
 * this instead of s_on_reply once the worker is destroyed. */
static void s_on_reply_orphan(hj_call_t *call, void *arg)
{
    const hj_service_t *service = arg;
    s_route_t *route = call->route;
    if (call->request)
        service->release(call);
    free(route->client);
    free(route);
    hj_call_destroy(&call);
}

void hj_worker_destroy(hj_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_worker_t *w = *self_p;
    *self_p = NULL;
    if (w->socket)
        s_send_command(w, HJ_MDPW_DISCONNECT, NULL);
    s_disconnect(w);
    uv_timer_stop(&w->timer);
    /* The writer may still hold calls in a transaction: route their replies to the orphan path. */
    hj_writer_t *writer = w->writer;
    hj_writer_retarget(writer, s_on_reply_orphan, (void *)w->service);
    hj_writer_destroy(&writer);
    uv_close((uv_handle_t *)&w->timer, s_free_on_close);
}

typedef struct {
    const hj_service_t *service;
    void *svc;
    hj_worker_t *worker;
    hj_db_t *db;
} s_daemon_t;

static void s_stop(void *arg)
{
    s_daemon_t *d = arg;
    if (d->service->stop)
        d->service->stop(d->svc);
    hj_worker_destroy(&d->worker);
    hj_db_destroy(&d->db);
}

int hj_worker_main(const hj_service_t *service, void *svc, const hj_config_t *cfg)
{
    char db[sizeof cfg->db], role[64];
    static hj_device_t key; /* outlives the loop: the worker and the service's parts point at it */
    snprintf(db, sizeof db, "%s", cfg->db);
    snprintf(role, sizeof role, "hj_%s", service->name);
    if (hj_config_db_user(db, sizeof db, role) != 0) {
        hj_error("HJ_DB is not a valid connection string");
        return 2;
    }
    if (!service->permissions)
        hj_warn("service %s declares no permission table: every write will be refused",
                service->name);
    /* The internal endpoints admit only enrolled daemon keys (hj_daemon_key.h). */
    if (hj_daemon_key_load(&key, cfg->key_dir, service->name, db, 0) != 0)
        return 1;
    uv_loop_t *loop = uv_default_loop();
    void *zctx = zmq_ctx_new();
    s_daemon_t d = {.service = service, .svc = svc};
    hj_daemon_t env = {.loop = loop, .cfg = cfg, .db = db, .key = &key};
    signal(SIGPIPE, SIG_IGN);
    env.zctx = zctx;
    if (!zctx || !(d.db = hj_db_new(loop, db)) ||
        (service->on_connect_sql && hj_db_on_connect(d.db, service->on_connect_sql) != 0) ||
        !(d.worker = hj_worker_new(loop, zctx, cfg, &key, service, svc, d.db)) ||
        (service->start && service->start(&env, svc) != 0)) {
        hj_error("service %s failed to start", service->name);
        return 1;
    }
    hj_signal_run(loop, s_stop, &d);
    zmq_ctx_term(zctx);
    hj_info("service %s stopped", service->name);
    return 0;
}
