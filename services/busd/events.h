#ifndef HJ_EVENTS_H
#define HJ_EVENTS_H
/* The public event bus of hj-busd: an XPUB socket that carries committed
 * journal rows from the relay and forwards derived events (tally.*) that
 * services push to the internal events-in endpoint. Subscribers reach it
 * only over CURVE with an enrolled key (the ZAP handler). The same events
 * also go out on an internal PUB (events-internal) for services such as
 * hj-tallyd, which live inside the perimeter and hold no device key; main()
 * allows events-in and events-internal only on loopback or a private network. */
#include <stddef.h>
#include <uv.h>

#include "hj_config.h"

typedef struct hj_events hj_events_t;

/* secret_key: the server's CURVE secret key (Z85). */
hj_events_t *hj_events_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           const char *secret_key);
/* Disconnects every subscriber (they reconnect at once, through ZAP again):
 * how a revoked device loses a subscription it already had. Subscribers miss
 * the events of that moment and see the gap in seq, as after any drop. 0 / -1. */
int hj_events_drop_subscribers(hj_events_t *e);
/* Publishes [topic][body]. */
int hj_events_publish(hj_events_t *e, const char *topic, const void *body, size_t len);
void hj_events_destroy(hj_events_t **self_p);

#endif
