#ifndef HJ_ZAP_H
#define HJ_ZAP_H
/* The ZAP handler of hj-busd (zeromq rfc 27) for all its CURVE endpoints: a
 * client's public key -> its enrolled device or daemon, whose name becomes
 * the connection's User-Id. Unknown and revoked keys are refused (status
 * 400), and so is a key on an endpoint not its own (HJ_ZAP_* in hj_curve.h:
 * a device's key on the internal endpoints, a daemon's on the public ones,
 * any but hj-tallyd's on events-in).
 *
 * Binds inproc://zeromq.zap.01 in hj-busd's context before any CURVE socket
 * binds, so no handshake can go unchecked. Answers from the device registry
 * copy (devices.h), never from the database; it starts answering once that
 * copy has loaded, and handshakes simply wait until then. */
#include <uv.h>

#include "devices.h"

typedef struct hj_zap hj_zap_t;

hj_zap_t *hj_zap_new(uv_loop_t *loop, void *zctx, hj_devices_t *devices);
/* Starts answering (call once the device registry has loaded). 0 / -1. */
int hj_zap_start(hj_zap_t *z);
/* The device registry has just loaded: a handshake held for it is answered. */
void hj_zap_reloaded(hj_zap_t *z);
void hj_zap_destroy(hj_zap_t **self_p);

#endif
