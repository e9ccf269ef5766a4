#ifndef HJ_WORKER_H
#define HJ_WORKER_H
/* An MDP worker of one service inside a libuv loop: connects to the broker's
 * worker endpoint, announces the service with its credit, heartbeats, and
 * reconnects when the broker goes silent. Every request arrives with the
 * caller's identity (hj.Identity, made by the broker from the enrolled
 * device): its name becomes the actor, its role is checked against the
 * service's permission table, its scope by the writer. Each request body is decoded and
 * validated on the loop thread (a bad body is answered at once and never
 * reaches the database); good calls go through the writer, and replies leave
 * only after the writer says the transaction ended. */
#include <uv.h>

#include "hj_auth.h"
#include "hj_config.h"
#include "hj_curve.h"
#include "hj_writer.h"

/* What a daemon's own parts beyond its worker get when it starts (hj-tallyd's
 * journal consumer): the loop, the ZeroMQ context, the configuration, the
 * conninfo as the service's own role and its key on the internal endpoints. */
typedef struct {
    uv_loop_t *loop;
    void *zctx;
    const hj_config_t *cfg;
    const char *db;
    const hj_device_t *key;
} hj_daemon_t;

typedef struct {
    const char *name; /* the service name clients ask for, e.g. "registry" */
    /* Decodes and validates `body` into call (request, op, request_id).
     * Returns 0, or -1 with call->status set (the call is answered at once).
     * Sets call->request and call->op as soon as the body unpacks. */
    int (*decode)(hj_call_t *call, const uint8_t *body, size_t len, void *svc);
    hj_handle_fn handle;
    /* Frees call->request. */
    void (*release)(hj_call_t *call);
    /* Every operation with whether it writes and which roles may call it
     * (hj_auth.h), declared next to decode. The worker refuses a call whose
     * role is not listed (PERMISSION_DENIED, nothing written) before the
     * call's fields are judged. NULL: no role may write (reads are allowed). */
    const hj_permission_t *permissions;
    /* Optional: SQL run on every new database connection (hj_db_on_connect),
     * e.g. a search_path; the service's other connections are its own. */
    const char *on_connect_sql;
    /* Optional: starts the daemon's other parts once the worker runs (0 / -1:
     * the daemon exits), and stops them on SIGINT/SIGTERM before the worker. */
    int (*start)(const hj_daemon_t *env, void *svc);
    void (*stop)(void *svc);
} hj_service_t;

typedef struct hj_worker hj_worker_t;

/* key: this daemon's CURVE identity (hj_daemon_key.h), kept by the caller. */
hj_worker_t *hj_worker_new(uv_loop_t *loop, void *zctx, const hj_config_t *cfg,
                           const hj_device_t *key, const hj_service_t *service, void *svc,
                           hj_db_t *db);
/* Tells the broker we are leaving and stops; in-flight calls still finish
 * and their replies are dropped (the client retries; the UUID dedups). */
void hj_worker_destroy(hj_worker_t **self_p);

/* The daemon start-up chain shared by every service's main(): config, the
 * service's key on the internal bus (made and enrolled through the service's
 * own database role, hj_<name>), loop, database (as that role), worker, the
 * service's own parts (start), signals (SIGINT/SIGTERM stop cleanly), run. */
int hj_worker_main(const hj_service_t *service, void *svc, const hj_config_t *cfg);

#endif
