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

#include "hj_call.h"
#include "hj_db.h"

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

#endif
