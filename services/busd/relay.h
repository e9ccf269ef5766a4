#ifndef HJ_RELAY_H
#define HJ_RELAY_H
/* The journal relay: wakes on NOTIFY hj_journal (and every 250 ms anyway),
 * gives committed journal rows their contiguous sequence number and hash
 * link (bus.relay_assign: one transaction, one UPDATE for the batch, the
 * rows found by their bus.journal_unsealed entries), and after that commits
 * publishes them as hj.Event on the event bus. Rows that committed while the
 * relay was down are sequenced and published when it comes back. */
#include <uv.h>

#include "events.h"
#include "hj_config.h"

typedef struct hj_relay hj_relay_t;

/* db: the conninfo (hj-busd logs in as hj_busd, which may only seal rows). */
hj_relay_t *hj_relay_new(uv_loop_t *loop, const char *db, hj_events_t *events);
void hj_relay_destroy(hj_relay_t **self_p);

#endif
