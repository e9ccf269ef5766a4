#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_mdp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

struct hj_client {
    void *zctx;
    int own_ctx;
    char *endpoint;
    int timeout_ms;
    int tries;
    int tries_used;
    void *socket;
    int curve; /* talks CURVE as `device` */
    hj_device_t device;
    void *monitor;     /* PAIR: the socket's handshake events (CURVE only) */
    unsigned monitors; /* makes each monitor endpoint unique */
    int refused;       /* the ZAP status of a refused handshake, else 0 */
    int handshaken;    /* the CURVE handshake of the current socket succeeded */
};

static void s_close(hj_client_t *c)
{
    if (c->socket)
        zmq_close(c->socket);
    if (c->monitor)
        zmq_close(c->monitor);
    c->socket = c->monitor = NULL;
    c->handshaken = 0;
}

/* With CURVE, a monitor tells us when the server refuses our key: the
 * handshake fails with the ZAP status, and no reply would ever come. */
static int s_monitor(hj_client_t *c)
{
    char endpoint[128];
    int linger = 0;
    snprintf(endpoint, sizeof endpoint, "inproc://hj-client-monitor.%p.%u", (void *)c,
             ++c->monitors);
    if (zmq_socket_monitor(c->socket, endpoint,
                           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != 0 ||
        !(c->monitor = zmq_socket(c->zctx, ZMQ_PAIR)))
        return -1;
    zmq_setsockopt(c->monitor, ZMQ_LINGER, &linger, sizeof linger);
    return zmq_connect(c->monitor, endpoint);
}

static int s_open(hj_client_t *c)
{
    int linger = 0;
    c->socket = zmq_socket(c->zctx, ZMQ_DEALER);
    if (!c->socket)
        return -1;
    zmq_setsockopt(c->socket, ZMQ_LINGER, &linger, sizeof linger);
    if (c->curve && (hj_curve_client_socket(c->socket, &c->device) != 0 || s_monitor(c) != 0)) {
        s_close(c);
        return -1;
    }
    return zmq_connect(c->socket, c->endpoint);
}

/* Reads one monitor event; sets c->refused when it is a refused key. */
static void s_on_monitor(hj_client_t *c)
{
    hj_frames_t f;
    if (hj_frames_recv(c->monitor, &f, ZMQ_DONTWAIT) != 0)
        return;
    if (f.count == 2 && hj_frames_size(&f, 0) == 6) {
        uint16_t event;
        memcpy(&event, hj_frames_data(&f, 0), 2);
        if (hj_curve_refusal(hj_frames_data(&f, 0), 6))
            c->refused = hj_curve_refusal(hj_frames_data(&f, 0), 6);
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
            c->handshaken = 1;
    }
    hj_frames_close(&f);
}

hj_client_t *hj_client_new(void *zctx, const char *endpoint, int timeout_ms, int tries)
{
    hj_client_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->own_ctx = zctx == NULL;
    c->zctx = zctx ? zctx : zmq_ctx_new();
    c->endpoint = strdup(endpoint);
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 2500;
    c->tries = tries > 0 ? tries : 3;
    if (!c->zctx || !c->endpoint || s_open(c) != 0) {
        hj_client_destroy(&c);
        return NULL;
    }
    return c;
}

int hj_client_set_device(hj_client_t *c, const hj_device_t *device)
{
    s_close(c);
    c->device = *device;
    c->curve = 1;
    return s_open(c);
}

void hj_client_destroy(hj_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_client_t *c = *self_p;
    *self_p = NULL;
    s_close(c);
    if (c->own_ctx && c->zctx)
        zmq_ctx_term(c->zctx);
    free(c->endpoint);
    free(c);
}

int hj_client_tries_used(hj_client_t *c)
{
    return c->tries_used;
}

static int s_elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int)((now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000);
}

int hj_client_reachable(hj_client_t *c, int wait_ms)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (!c->socket && s_open(c) != 0)
        return 0;
    /* Without CURVE there is no handshake to watch: let the call find out. */
    if (!c->monitor)
        return 1;
    zmq_pollitem_t item = {c->monitor, 0, ZMQ_POLLIN, 0};
    while (!c->handshaken && !c->refused) {
        int left = wait_ms - s_elapsed_ms(&start);
        if (left <= 0 || zmq_poll(&item, 1, left) <= 0)
            break;
        s_on_monitor(c);
    }
    /* A refused key is an answer too: the call reports it at once. */
    return c->handshaken || c->refused;
}

static void s_pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int hj_client_mdp_send(void *socket, const char *service, const void *body, size_t len)
{
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPC);
    hj_frames_addstr(&f, service);
    hj_frames_add(&f, body, len);
    return hj_frames_send(socket, &f);
}

/* One try: 1 answered, 0 silent, 2 refused (our key), -1 socket error. */
static int s_try(hj_client_t *c, const char *service, const void *body, size_t len, uint8_t **reply,
                 size_t *reply_len)
{
    hj_frames_t f;
    if (hj_client_mdp_send(c->socket, service, body, len) != 0)
        return -1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    zmq_pollitem_t items[2] = {{c->socket, 0, ZMQ_POLLIN, 0}, {c->monitor, 0, ZMQ_POLLIN, 0}};
    for (;;) {
        if (c->refused)
            return 2; /* seen already, by hj_client_reachable */
        int left = c->timeout_ms - s_elapsed_ms(&start);
        int rc = left > 0 ? zmq_poll(items, c->monitor ? 2 : 1, left) : 0;
        if (rc <= 0)
            return rc < 0 ? -1 : 0;
        if (items[0].revents & ZMQ_POLLIN)
            break;
        s_on_monitor(c);
        if (c->refused)
            return 2;
    }
    if (hj_frames_recv(c->socket, &f, 0) != 0)
        return -1;
    /* ["" | MDPC01 | service | body] */
    if (f.count != 4 || !hj_frames_is(&f, 1, HJ_MDPC)) {
        hj_frames_close(&f);
        return 0;
    }
    *reply_len = hj_frames_size(&f, 3);
    *reply = malloc(*reply_len ? *reply_len : 1);
    if (*reply)
        memcpy(*reply, hj_frames_data(&f, 3), *reply_len);
    hj_frames_close(&f);
    return *reply ? 1 : -1;
}

int hj_client_call(hj_client_t *c, const char *service, const void *body, size_t len,
                   uint8_t **reply, size_t *reply_len)
{
    int pause = 100;
    /* The whole call may take what its tries may: a server asking us to
     * slow down gets our patience, not more of it. */
    int64_t budget_ms = (int64_t)c->timeout_ms * c->tries;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    *reply = NULL;
    *reply_len = 0;
    c->tries_used = 1;
    while (c->tries_used <= c->tries) {
        if (!c->socket && s_open(c) != 0)
            return -1;
        free(*reply);
        *reply = NULL;
        int rc = s_try(c, service, body, len, reply, reply_len);
        if (rc == 2) {
            /* Refused in the handshake: retrying with the same key cannot help. */
            hj_status_t st;
            hj_status_set(&st, HJ__CODE__UNAUTHENTICATED, "device",
                          "the server refused device %s's key (ZAP status %d): it is not "
                          "enrolled, or it was revoked",
                          c->device.name, c->refused);
            c->refused = 0;
            s_close(c);
            *reply = hj_status_pack(&st, reply_len);
            return *reply ? 0 : -1;
        }
        if (rc == 1) {
            hj_status_t st;
            if (hj_status_unpack(*reply, *reply_len, &st) != 0)
                return 0;
            if (st.code == HJ__CODE__RESOURCE_EXHAUSTED && st.retry_after_ms > 0) {
                /* This device sends too fast: the broker answered (no try is
                 * used up, the socket is clean) and says when to send again. */
                if (s_elapsed_ms(&start) + (int64_t)st.retry_after_ms > budget_ms)
                    return 0;
                s_pause_ms((int)st.retry_after_ms);
                continue;
            }
            if (st.code != HJ__CODE__UNAVAILABLE)
                return 0;
        }
        /* Silent, broken or UNAVAILABLE: a fresh socket, a pause, again. */
        s_close(c);
        if (c->tries_used < c->tries) {
            s_pause_ms(pause);
            pause = pause * 2 > 2000 ? 2000 : pause * 2;
        }
        c->tries_used++;
    }
    c->tries_used = c->tries;
    return *reply ? 0 : -1;
}
