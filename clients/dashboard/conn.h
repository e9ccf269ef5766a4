#ifndef HJ_TOP_CONN_H
#define HJ_TOP_CONN_H
/* hj-top's link to the backbone: a SUB socket on the event bus (subscribed to
 * "tally." before anything else, then to the journal), a monitor of that
 * socket that says when the link to hj-busd is up or down, and a snapshot
 * fetcher on its own thread (Lazy Pirate through hj_client), so the screen and
 * the keys never wait for an answer. The caller polls conn_pollitems together
 * with its own descriptors, then drains conn_next. */
#include <stddef.h>
#include <zmq.h>

#include "hj_curve.h"

#include "hj.pb-c.h"
#include "tally.pb-c.h"

typedef enum {
    CONN_EVENT,           /* msg.event: one event from the bus */
    CONN_LINK_UP,         /* the event bus connection is (again) up */
    CONN_LINK_DOWN,       /* ... is gone (hj-busd went away) */
    CONN_SNAPSHOT,        /* msg.snapshot: hj-tallyd's answer */
    CONN_SNAPSHOT_FAILED, /* msg.why: no answer, or a refusal */
    CONN_SERVICE,         /* msg.service_up: does the broker have a hj-tallyd? */
    CONN_REFUSED,         /* msg.why: hj-busd refused this device's key (revoked) */
} conn_kind_t;

typedef struct {
    conn_kind_t kind;
    Hj__Event *event;
    Hj__Tally__Snapshot *snapshot; /* points into reply */
    Hj__Tally__Reply *reply;
    char why[256];
    int service_up; /* CONN_SERVICE: 1 up, 0 down or no answer */
} conn_msg_t;

typedef struct conn conn_t;

/* Connects (ZeroMQ connects in the background: hj-busd need not be up). */
/* Both sockets talk CURVE as `device` (an enrolled device: hj_curve.h). */
conn_t *conn_new(const char *bus, const char *events, const hj_device_t *device);
void conn_destroy(conn_t **self_p);

#define CONN_POLLITEMS 3
/* The sockets to wait on (POLLIN). */
void conn_pollitems(conn_t *c, zmq_pollitem_t *items);
/* 1 with the next message (free it with conn_msg_free), 0 when none waits. */
int conn_next(conn_t *c, conn_msg_t *msg);
void conn_msg_free(conn_msg_t *msg);

/* Asks hj-tallyd for the whole board. -1 while a request is on its way. */
int conn_request_snapshot(conn_t *c);
/* Asks the broker whether a hj-tallyd is there (MDP mmi.service): the
 * picture is only live while one is. -1 while a request is on its way. */
int conn_check_service(conn_t *c);
int conn_fetching(const conn_t *c);

#endif
