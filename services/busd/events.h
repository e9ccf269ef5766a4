#ifndef HJ_EVENTS_H
#define HJ_EVENTS_H
/* The event bus of hj-busd: an XPUB socket that carries committed journal
 * rows from the relay and forwards derived events (tally.*) that hj-tallyd
 * pushes to the internal events-in endpoint. Every endpoint is CURVE, each in
 * its own ZAP domain: devices subscribe to the public one; events-internal
 * (the same events, for the daemons) admits daemons' keys only; events-in
 * admits only hj-tallyd's keys, and forwards only `tally.` topics from a key
 * still enrolled. main() binds the internal ones only on loopback or a
 * private network, a second wall. */
#include <stddef.h>
#include <uv.h>

#include "hj_config.h"

typedef struct hj_events hj_events_t;

#include "devices.h"

/* secret_key: the server's CURVE secret key (Z85). */
hj_events_t *hj_events_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           const char *secret_key, hj_devices_t *devices);
/* Disconnects every subscriber, public and internal (they reconnect at once,
 * through ZAP again): how a revoked device or daemon loses a subscription it
 * already had. Subscribers miss
 * the events of that moment and see the gap in seq, as after any drop. 0 / -1. */
int hj_events_drop_subscribers(hj_events_t *e);
/* Publishes [topic][body]. */
int hj_events_publish(hj_events_t *e, const char *topic, const void *body, size_t len);
void hj_events_destroy(hj_events_t **self_p);

#endif
