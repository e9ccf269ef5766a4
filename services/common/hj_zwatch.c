#include "hj_zwatch.h"
#include "hj_log.h"

#include <stdlib.h>
#include <zmq.h>

struct hj_zwatch {
    uv_poll_t poll;
    uv_prepare_t prepare;
    uv_idle_t idle; /* runs while a drain left messages waiting */
    void *socket;
    hj_zwatch_fn fn;
    void *arg;
    int closing;
    int paused;
    int open_handles;
};

/* Upper bound on messages handled per wake-up so one busy socket cannot
 * starve the others; the prepare handle picks up the rest next iteration. */
#define S_BATCH 256

static int s_readable(hj_zwatch_t *w)
{
    int events = 0;
    size_t len = sizeof events;
    return zmq_getsockopt(w->socket, ZMQ_EVENTS, &events, &len) == 0 && (events & ZMQ_POLLIN);
}

static void s_on_idle(uv_idle_t *h);

static void s_drain(hj_zwatch_t *w)
{
    for (int n = 0; n < S_BATCH && !w->closing && !w->paused; n++) {
        if (!s_readable(w)) {
            uv_idle_stop(&w->idle);
            return;
        }
        w->fn(w, w->socket, w->arg);
    }
    /* Batch used up with input still waiting: the fd will not fire again for
     * it, so keep the loop from blocking until it is drained. */
    if (!w->closing && !w->paused)
        uv_idle_start(&w->idle, s_on_idle);
}

static void s_on_idle(uv_idle_t *h)
{
    s_drain((hj_zwatch_t *)h->data);
}

static void s_on_poll(uv_poll_t *h, int status, int events)
{
    s_drain((hj_zwatch_t *)h->data);
}

static void s_on_prepare(uv_prepare_t *h)
{
    s_drain((hj_zwatch_t *)h->data);
}

static void s_on_close(uv_handle_t *h)
{
    hj_zwatch_t *w = h->data;
    if (--w->open_handles == 0)
        free(w);
}

hj_zwatch_t *hj_zwatch_new(uv_loop_t *loop, void *socket, hj_zwatch_fn fn, void *arg)
{
    int fd;
    size_t len = sizeof fd;
    if (zmq_getsockopt(socket, ZMQ_FD, &fd, &len) != 0)
        return NULL;
    hj_zwatch_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->socket = socket;
    w->fn = fn;
    w->arg = arg;
    w->poll.data = w;
    w->prepare.data = w;
    w->idle.data = w;
    if (uv_poll_init(loop, &w->poll, fd) != 0) {
        free(w);
        return NULL;
    }
    w->open_handles = 1;
    uv_prepare_init(loop, &w->prepare);
    uv_idle_init(loop, &w->idle);
    w->open_handles = 3;
    uv_poll_start(&w->poll, UV_READABLE, s_on_poll);
    uv_prepare_start(&w->prepare, s_on_prepare);
    return w;
}

void hj_zwatch_pause(hj_zwatch_t *w)
{
    if (!w || w->closing)
        return;
    w->paused = 1;
    uv_poll_stop(&w->poll);
    uv_prepare_stop(&w->prepare);
    uv_idle_stop(&w->idle);
}

void hj_zwatch_resume(hj_zwatch_t *w)
{
    if (!w || w->closing || !w->paused)
        return;
    w->paused = 0;
    uv_poll_start(&w->poll, UV_READABLE, s_on_poll);
    uv_prepare_start(&w->prepare, s_on_prepare);
}

void hj_zwatch_destroy(hj_zwatch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_zwatch_t *w = *self_p;
    *self_p = NULL;
    w->closing = 1;
    uv_poll_stop(&w->poll);
    uv_prepare_stop(&w->prepare);
    uv_idle_stop(&w->idle);
    uv_close((uv_handle_t *)&w->idle, s_on_close);
    uv_close((uv_handle_t *)&w->poll, s_on_close);
    uv_close((uv_handle_t *)&w->prepare, s_on_close);
}
