#ifndef HJ_ZWATCH_H
#define HJ_ZWATCH_H
/* A ZeroMQ socket watched by a libuv loop.
 *
 * ZMQ_FD is edge-triggered and only says "look at ZMQ_EVENTS": the watcher
 * drains with ZMQ_DONTWAIT until EAGAIN whenever the fd fires, and re-checks
 * ZMQ_EVENTS before the loop blocks (a uv_prepare), because a send or receive
 * elsewhere on the socket can consume the edge that announced new input;
 * a drain stops after a batch (fairness between sockets) and an idle handle
 * keeps the loop turning until the rest is read.
 * The callback is called once per waiting multipart message and must receive
 * exactly one message with hj_frames_recv(socket, f, ZMQ_DONTWAIT). */
#include <uv.h>

typedef struct hj_zwatch hj_zwatch_t;
typedef void (*hj_zwatch_fn)(hj_zwatch_t *w, void *socket, void *arg);

hj_zwatch_t *hj_zwatch_new(uv_loop_t *loop, void *socket, hj_zwatch_fn fn, void *arg);
/* A consumer that cannot take its next message yet (hj-busd's ZAP handler
 * holding one request) pauses the watch instead of leaving input unread,
 * which would keep the drain turning; resume picks the input up again. */
void hj_zwatch_pause(hj_zwatch_t *w);
void hj_zwatch_resume(hj_zwatch_t *w);
/* Stops watching; the memory is freed in the handles' close callbacks. The
 * socket itself stays the caller's. Idempotent; nulls *self_p. */
void hj_zwatch_destroy(hj_zwatch_t **self_p);

#endif
