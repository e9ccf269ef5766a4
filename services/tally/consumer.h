#ifndef HJ_TALLY_CONSUMER_H
#define HJ_TALLY_CONSUMER_H
/* The journal consumer of hj-tallyd: a bus event only wakes it; it always
 * reads what it has not applied from bus.journal, in sequence order, on its
 * own database connection (board_catch_up), then publishes the boards that
 * changed through hj-busd's events-in endpoint. A timer covers a lost
 * wake-up and the change of day; a sequence gap on the bus is logged. */
#include "hj_worker.h"
#include "tally.h"

#include <uv.h>

typedef struct tally_consumer tally_consumer_t;

/* env: the daemon's loop, context, configuration, conninfo (as hj_tally) and
 * its key, which both internal sockets present to hj-busd. */
tally_consumer_t *tally_consumer_new(const hj_daemon_t *env, const tally_profiles_t *profiles);
/* Stops; a catch-up in flight finishes (its events are dropped). */
void tally_consumer_destroy(tally_consumer_t **self_p);

#endif
