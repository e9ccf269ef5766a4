#ifndef HJ_JOURNAL_H
#define HJ_JOURNAL_H
/* A journal row as an event, the one way: what hj-busd's relay publishes and
 * what hj-tallyd's journal read (the gap fill of `hj watch`) returns are the
 * same message. An event carries the sequence, time, actor, service, kind,
 * community, request id and chain link of its row; never its payload (what
 * reaches every enrolled device holds no personal content). */
#include <libpq-fe.h>
#include <stddef.h>

#include "hj.pb-c.h"

/* The select list the rows must have, in this order, for hj_journal_event. */
#define HJ_JOURNAL_EVENT_COLUMNS                                                                   \
    "seq, (extract(epoch FROM committed_at) * 1000000)::bigint, actor, service, kind, "            \
    "community, request_id, hash, prev_hash"

/* Fills ev (initialised here) from row i of r; its strings point into r and
 * topic (`service.kind.community`, size bytes), its hashes are allocated:
 * release them with hj_journal_event_clear before r. 0 / -1 (out of memory). */
int hj_journal_event(PGresult *r, int i, Hj__Event *ev, char *topic, size_t size);
void hj_journal_event_clear(Hj__Event *ev);

#endif
