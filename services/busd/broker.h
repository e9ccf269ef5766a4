#ifndef HJ_BROKER_H
#define HJ_BROKER_H
/* The request broker of hj-busd (Majordomo, see hj_mdp.h): routes each client
 * request to a worker of the named service with spare credit, queues when all
 * are busy, heartbeats workers, and answers UNAVAILABLE for every request in
 * flight at a worker that died, so the client retries on another instance.
 *
 * Clients reach it only over CURVE (the ZAP handler has named the device);
 * each request is looked up again in the device registry, so a device
 * revoked while connected is refused from its next request, and the worker
 * gets the device's current role and scope with the request. Workers connect
 * to an internal endpoint, over CURVE too, with their daemon's key: a worker
 * is admitted only for the service its key was enrolled for, and dropped at
 * its next message once the key is revoked. main() binds the endpoint only on
 * loopback or a private network, a second wall. */
#include <uv.h>

#include "devices.h"
#include "hj_config.h"

typedef struct hj_broker hj_broker_t;

/* secret_key: the server's CURVE secret key (Z85). */
hj_broker_t *hj_broker_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           hj_devices_t *devices, const char *secret_key);
void hj_broker_destroy(hj_broker_t **self_p);

#endif
