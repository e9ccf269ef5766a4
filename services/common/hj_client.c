#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_mdp.h"

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
};

static int s_open(hj_client_t *c)
{
    int linger = 0;
    c->socket = zmq_socket(c->zctx, ZMQ_DEALER);
    if (!c->socket)
        return -1;
    zmq_setsockopt(c->socket, ZMQ_LINGER, &linger, sizeof linger);
    return zmq_connect(c->socket, c->endpoint);
}

static void s_close(hj_client_t *c)
{
    if (c->socket)
        zmq_close(c->socket);
    c->socket = NULL;
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

static void s_pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* One try: 1 answered, 0 silent, -1 socket error. */
static int s_try(hj_client_t *c, const char *service, const void *body, size_t len,
                 uint8_t **reply, size_t *reply_len)
{
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPC);
    hj_frames_addstr(&f, service);
    hj_frames_add(&f, body, len);
    if (hj_frames_send(c->socket, &f) != 0)
        return -1;
    zmq_pollitem_t item = {c->socket, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll(&item, 1, c->timeout_ms);
    if (rc <= 0)
        return rc < 0 ? -1 : 0;
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
    *reply = NULL;
    *reply_len = 0;
    for (c->tries_used = 1; c->tries_used <= c->tries; c->tries_used++) {
        if (!c->socket && s_open(c) != 0)
            return -1;
        free(*reply);
        *reply = NULL;
        int rc = s_try(c, service, body, len, reply, reply_len);
        if (rc == 1) {
            hj_status_t st;
            if (hj_status_unpack(*reply, *reply_len, &st) != 0 || st.code != HJ__CODE__UNAVAILABLE)
                return 0;
        }
        /* Silent, broken or UNAVAILABLE: a fresh socket, a pause, again. */
        s_close(c);
        if (c->tries_used < c->tries) {
            s_pause_ms(pause);
            pause = pause * 2 > 2000 ? 2000 : pause * 2;
        }
    }
    c->tries_used = c->tries;
    return *reply ? 0 : -1;
}
