#ifndef HJ_CLIENT_H
#define HJ_CLIENT_H
/* The client side of the request bus (used by hj, hj-top, tests and hj-bench).
 *
 * Lazy Pirate: send, wait up to timeout_ms, and on silence close the socket
 * (so a late answer to an old try can never be mistaken for this one), open a
 * new one and resend; an UNAVAILABLE answer is retried the same way after a
 * growing pause. Writes are safe to resend because they carry their UUID.
 * A RESOURCE_EXHAUSTED answer (hj-busd's fair share: this device sends too
 * fast) is resent after the retry_after_ms it names, without using up a try,
 * as long as the call stays within timeout_ms x tries in all. */
#include <stddef.h>
#include <stdint.h>

#include "hj_curve.h"

typedef struct hj_client hj_client_t;

/* zctx may be NULL (the client makes its own). */
hj_client_t *hj_client_new(void *zctx, const char *endpoint, int timeout_ms, int tries);
void hj_client_destroy(hj_client_t **self_p);

/* Talks CURVE from now on, as this enrolled device (hj_curve.h), to the
 * server whose public key the device file names. hj-busd refuses every
 * client that does not. 0 / -1. */
int hj_client_set_device(hj_client_t *c, const hj_device_t *device);

/* 0 with *reply (malloc'd, the service's packed Reply) — possibly an
 * UNAVAILABLE status after the last try, RESOURCE_EXHAUSTED when waiting as
 * asked would outlast the call's time, or UNAUTHENTICATED (made here, at
 * once, without retrying) when the server refused the device's key in the
 * handshake: not enrolled, or revoked; -1 when no answer came at all. */
int hj_client_call(hj_client_t *c, const char *service, const void *body, size_t len,
                   uint8_t **reply, size_t *reply_len);
/* Waits at most wait_ms for the connection's CURVE handshake: 1 when it
 * succeeded (or the server refused the key: the call then says so at once,
 * and without CURVE, where there is nothing to wait for), 0 when the server
 * did not answer in time. A write that can wait in a spool checks this first,
 * so an unreachable bus costs wait_ms, not timeout_ms x tries. */
int hj_client_reachable(hj_client_t *c, int wait_ms);
/* Sends one Majordomo client request, ["" | MDPC01 | service | body], on a
 * DEALER socket connected to hj-busd (the one way a request is framed). 0 / -1. */
int hj_client_mdp_send(void *socket, const char *service, const void *body, size_t len);
/* How many tries the last call took. */
int hj_client_tries_used(hj_client_t *c);

#endif
