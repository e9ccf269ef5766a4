#include "zap.h"
#include "hj_curve.h"
#include "hj_frames.h"
#include "hj_log.h"
#include "hj_zwatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define S_ENDPOINT "inproc://zeromq.zap.01"
#define S_QUIET_S 60    /* a refused key that keeps retrying is logged once a minute */
#define S_DEFER_MS 1000 /* how long an unknown daemon's key waits for the next reload */

struct hj_zap {
    uv_loop_t *loop;
    void *socket; /* REP */
    hj_zwatch_t *watch;
    hj_devices_t *devices;
    char last_refused[41];
    time_t last_refused_at;
    /* A request on an internal endpoint from a key not (yet) known, held until
     * the next reload of the registry or S_DEFER_MS: a daemon enrols its key
     * and connects at once, a few milliseconds before hj-busd's NOTIFY-driven
     * reload has it, and a refused handshake is never retried by libzmq. REP
     * takes no other request while one is held. */
    hj_frames_t held;
    int holding;
    uv_timer_t held_timer;
};

static void s_reply(void *socket, hj_frames_t *req, const char *code, const char *text,
                    const char *user)
{
    /* [version | request id | status code | status text | user id | metadata] */
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_addstr(&f, "1.0");
    hj_frames_move(&f, req, 1);
    hj_frames_addstr(&f, code);
    hj_frames_addstr(&f, text);
    hj_frames_addstr(&f, user);
    hj_frames_add(&f, "", 0);
    if (hj_frames_send(socket, &f) != 0)
        hj_warn("zap: reply failed: %s", zmq_strerror(zmq_errno()));
}

static void s_refuse(hj_zap_t *z, hj_frames_t *req, const char *key, const char *address,
                     const char *why)
{
    time_t now = time(NULL);
    if (strcmp(key, z->last_refused) != 0 || now - z->last_refused_at >= S_QUIET_S) {
        hj_info("zap: refused a connection from %s: key %s %s", address, key, why);
        snprintf(z->last_refused, sizeof z->last_refused, "%s", key);
        z->last_refused_at = now;
    }
    s_reply(z->socket, req, "400", why, "");
}

/* What an enrolled key may reach depends on the endpoint (its ZAP domain):
 * devices the public ones, daemons the internal ones, each daemon only as its
 * own service (the broker checks READY), and only hj-tallyd's keys events-in.
 * NULL: admitted; else why not. */
static const char *s_refusal(const char *domain, const hj_device_entry_t *d)
{
    int daemon = hj_devices_is_service(d, NULL);
    if (strcmp(domain, HJ_ZAP_DEVICES) == 0)
        return daemon ? "is a daemon's key, not a device's" : NULL;
    if (strcmp(domain, HJ_ZAP_WORKERS) == 0 || strcmp(domain, HJ_ZAP_EVENTS_INTERNAL) == 0)
        return daemon ? NULL : "is not a Huanjie daemon's key";
    if (strcmp(domain, HJ_ZAP_EVENTS_IN) == 0)
        return hj_devices_is_service(d, "tally") ? NULL : "is not hj-tallyd's key";
    return "came to an endpoint of no known ZAP domain";
}

static void s_on_held_timer(uv_timer_t *t)
{
    hj_zap_reloaded(t->data);
}

/* Answers request f; returns 0, or 1 when it is held for the next reload
 * (not when `final`). f is closed unless held. */
static int s_answer(hj_zap_t *z, hj_frames_t *f, int final)
{
    char address[64] = "", mechanism[16] = "", key[41] = "", domain[64] = "";
    const char *why;
    hj_frames_str(f, 2, domain, sizeof domain);
    hj_frames_str(f, 3, address, sizeof address);
    hj_frames_str(f, 5, mechanism, sizeof mechanism);
    if (strcmp(mechanism, "CURVE") != 0 || f->count != 7 || hj_frames_size(f, 6) != 32) {
        s_refuse(z, f, "-", address, "is not a CURVE client");
        goto out;
    }
    zmq_z85_encode(key, hj_frames_data(f, 6), 32);
    const hj_device_entry_t *d = hj_devices_by_key(z->devices, key);
    if (!d && !final && strcmp(domain, HJ_ZAP_DEVICES) != 0) {
        hj_frames_init(&z->held);
        for (int i = 0; i < f->count; i++)
            hj_frames_move(&z->held, f, i);
        hj_frames_close(f);
        z->holding = 1;
        hj_zwatch_pause(z->watch); /* the rest waits in the socket, unread */
        uv_timer_start(&z->held_timer, s_on_held_timer, S_DEFER_MS, 0);
        return 1;
    }
    if (!d)
        s_refuse(z, f, key, address, "is not enrolled");
    else if (d->revoked)
        s_refuse(z, f, key, address, "was revoked");
    else if ((why = s_refusal(domain, d)))
        s_refuse(z, f, key, address, why);
    else {
        hj_debug("zap: %s is %s (%s) on %s", address, d->name, d->role, domain);
        s_reply(z->socket, f, "200", "OK", d->name);
    }
out:
    hj_frames_close(f);
    return 0;
}

static void s_on_request(hj_zwatch_t *w, void *socket, void *arg)
{
    hj_zap_t *z = arg;
    hj_frames_t f;
    if (z->holding || hj_frames_recv(socket, &f, ZMQ_DONTWAIT) != 0)
        return;
    /* [version | request id | domain | address | routing id | mechanism | credentials...] */
    if (f.count < 6 || !hj_frames_is(&f, 0, "1.0")) {
        hj_warn("zap: malformed request of %d frames", f.count);
        if (f.count >= 2)
            s_reply(socket, &f, "500", "malformed ZAP request", "");
        hj_frames_close(&f);
        return;
    }
    s_answer(z, &f, 0);
}

void hj_zap_reloaded(hj_zap_t *z)
{
    if (!z || !z->holding)
        return;
    uv_timer_stop(&z->held_timer);
    z->holding = 0;
    s_answer(z, &z->held, 1);
    hj_zwatch_resume(z->watch);
}

static void s_free_on_close(uv_handle_t *h)
{
    free(h->data);
}

hj_zap_t *hj_zap_new(uv_loop_t *loop, void *zctx, hj_devices_t *devices)
{
    hj_zap_t *z = calloc(1, sizeof *z);
    int linger = 0;
    if (!z)
        return NULL;
    z->loop = loop;
    z->devices = devices;
    uv_timer_init(loop, &z->held_timer);
    z->held_timer.data = z;
    z->socket = zmq_socket(zctx, ZMQ_REP);
    if (!z->socket || zmq_setsockopt(z->socket, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_bind(z->socket, S_ENDPOINT) != 0) {
        hj_error("zap: cannot bind %s: %s", S_ENDPOINT, zmq_strerror(zmq_errno()));
        hj_zap_destroy(&z);
        return NULL;
    }
    return z;
}

int hj_zap_start(hj_zap_t *z)
{
    if (z->watch)
        return 0;
    if (!(z->watch = hj_zwatch_new(z->loop, z->socket, s_on_request, z)))
        return -1;
    hj_info("zap: checking CURVE keys against the enrolled devices");
    return 0;
}

void hj_zap_destroy(hj_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_zap_t *z = *self_p;
    *self_p = NULL;
    hj_zwatch_destroy(&z->watch);
    if (z->holding)
        hj_frames_close(&z->held);
    if (z->socket)
        zmq_close(z->socket);
    uv_timer_stop(&z->held_timer);
    uv_close((uv_handle_t *)&z->held_timer, s_free_on_close);
}
