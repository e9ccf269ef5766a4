#ifndef HJ_WRITER_H
#define HJ_WRITER_H
/* The one write path of every service: group commit with the journal.
 *
 * Calls that arrive while a transaction is running wait and then go in
 * together in the next one (group commit). A writer runs up to three such
 * transactions at once, each on its own connection (lanes; the first is used
 * first), so calls that arrive together without waiting for each other's
 * replies may commit in either order, as they may on two instances. Inside
 * a transaction each call runs under its
 * own SAVEPOINT, so a refused call is rolled back alone and does not fail its
 * neighbours. A write call's domain rows and its one journal row (carrying
 * the reply) go in together; the journal's unique request_id makes a replayed
 * UUID return the first reply and write nothing, also when two replays race
 * on two instances (the reply sent to a replay carries status.message
 * HJ_REPLAY_MESSAGE, so a client can say "already there"). No reply is
 * released before COMMIT; if COMMIT fails every call of the batch is
 * answered UNAVAILABLE and is safe to retry.
 * The community a write journals is also its scope check (hj_auth.h): a
 * guidance group's write for a community it does not guide is rolled back to
 * its savepoint and answered PERMISSION_DENIED, whatever the handler did.
 * So is the community a read of a scoped operation names (call->community,
 * set by the handler to the record's community; a list filters itself with
 * hj_call_read_scope): a guidance group never receives one record of a
 * community it does not guide, and a scoped reply that names no community
 * and was not filtered is refused.
 * Reads (no request id) do not join the batches: they run on two read-only
 * connections of their own, each statement its own transaction, without
 * BEGIN / SAVEPOINT / COMMIT; a read handler that must write or hold a lock
 * across statements opens its own transaction with hj_pq_begin (hj_db.h). */
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "hj_auth.h"
#include "hj_db.h"
#include "hj_envelope.h"

typedef struct hj_call hj_call_t;
struct hj_call {
    hj_call_t *next;
    void *route;            /* the transport's (worker's) routing state */
    /* Set by the service's decoder. */
    char request_id[37];    /* writes: the client's UUID; "" for reads */
    uint8_t digest[32];     /* SHA-256 of the request body (set by the transport) */
    char actor[64];         /* who is asking: set by the transport, never by the client */
    Hj__Identity *identity; /* the caller's device, role and scope (the transport's; freed
                             * with the call). A write is refused without one, and for a
                             * scoped role unless it journals one of its communities. */
    int op;                 /* the service's own operation number */
    const hj_permission_t *permission; /* op's entry in the service's table (set by the
                             * transport once the caller is permitted; NULL without one):
                             * a read's scope (hj_call_read_scope) and personal fields */
    int read_filtered;      /* the handler filtered its list by hj_call_read_scope */
    void *request;          /* the service's unpacked request */
    /* Set by the service's handler (on the database thread). */
    hj_status_t status;
    uint8_t *reply;         /* packed service reply (malloc'd) when status is OK */
    size_t reply_len;
    char kind[64];          /* journal: what happened, e.g. "community_added" */
    char community[64];     /* journal: the community concerned, or "" */
    uint8_t *payload;       /* journal: the packed record (malloc'd) */
    size_t payload_len;
    int replayed;           /* 1 when the reply is the stored one of an earlier try */
};

/* Runs one call's SQL on the database thread: fill status, and on OK the
 * reply (and for writes kind/community/payload). Return value ignored. */
typedef void (*hj_handle_fn)(PGconn *conn, hj_call_t *call, void *svc);
/* Called on the loop thread once the call's transaction has ended. */
typedef void (*hj_reply_fn)(hj_call_t *call, void *arg);

typedef struct hj_writer hj_writer_t;

hj_writer_t *hj_writer_new(hj_db_t *db, const char *service, hj_handle_fn handle, void *svc,
                           hj_reply_fn reply, void *arg);
void hj_writer_submit(hj_writer_t *w, hj_call_t *call);
/* Sends later replies to another callback (used when the transport goes away). */
void hj_writer_retarget(hj_writer_t *w, hj_reply_fn reply, void *arg);
void hj_writer_destroy(hj_writer_t **self_p);

/* For the transport: allocate / free a call and everything it owns. */
hj_call_t *hj_call_new(void);
void hj_call_destroy(hj_call_t **self_p);
/* For handlers: packs `reply` (any service's Reply message; its field
 * `status` is set to OK here) into call->reply, and `record`, when given, as
 * the journal payload of a write. */
void hj_call_reply(hj_call_t *call, ProtobufCMessage *reply, const ProtobufCMessage *record);
/* For handlers of a list: the community filter of this read
 * (hj_auth_read_scope: *communities NULL = every community, else a malloc'd
 * text[] literal to free). Marks the call as filtered, so its reply needs
 * no community of its own. 0, or -1 with INTERNAL set (out of memory). */
int hj_call_read_scope(hj_call_t *call, char **communities);
/* For handlers: the answer a user understands for a failed statement:
 * 23505 ALREADY_EXISTS and 23503 NOT_FOUND (naming `field`), 40P01/40001
 * UNAVAILABLE (a collision; retry), anything else INTERNAL. */
void hj_call_sql_failed(hj_call_t *call, const char *sqlstate, const char *what, const char *field);
/* The bytes to send back: the reply, or the packed status when not OK. */
uint8_t *hj_call_take_reply(hj_call_t *call, size_t *len);

#endif
