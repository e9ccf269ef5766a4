#ifndef HJ_BROKER_H
#define HJ_BROKER_H
/* The request broker of hj-busd (Majordomo, see hj_mdp.h): routes each client
 * request to a worker of the named service with spare credit, queues when all
 * are busy, heartbeats workers, and answers UNAVAILABLE for every request in
 * flight at a worker that died, so the client retries on another instance. */
#include <uv.h>

#include "hj_config.h"

typedef struct hj_broker hj_broker_t;

hj_broker_t *hj_broker_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg);
void hj_broker_destroy(hj_broker_t **self_p);

#endif
