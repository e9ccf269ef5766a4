#ifndef HJ_DEVICES_H
#define HJ_DEVICES_H
/* hj-busd's copy of the enrolled devices (bus.device_grants): the ZAP handler
 * and the broker answer from memory and never wait on the database.
 *
 * A job on the loop's thread pool keeps it fresh: it LISTENs on hj_devices
 * (sql/007: an enrolment, a revocation, or a change of what a guidance group
 * guides NOTIFYs at COMMIT), reloads at once when told, and reloads every
 * 30 s anyway (a NOTIFY sent while the connection was down is lost). The
 * table is swapped on the loop thread, so readers need no lock. */
#include <stddef.h>
#include <uv.h>

#include "hj.pb-c.h"

typedef struct {
    char public_key[41]; /* Z85 */
    char name[64];
    char team[256];
    char role[32];
    char service[32]; /* role "service": the service this daemon's key is enrolled for */
    int revoked;
    Hj__Identity identity;  /* what the broker hands the worker (points into this entry) */
    char **communities;     /* scoped roles: their community codes */
    char *communities_text; /* the strings `communities` points into */
} hj_device_entry_t;

typedef struct hj_devices hj_devices_t;
/* Called on the loop thread after each load that changed something: `first`
 * for the first one, `lost` = how many devices that could connect before
 * cannot now (revoked or removed). */
typedef void (*hj_devices_loaded_fn)(void *arg, int first, int lost);

/* server_key: hj-busd's public key (Z85), published in bus.server_key on
 * every (re)connect so the daemons learn it through their own logins. */
hj_devices_t *hj_devices_new(uv_loop_t *loop, const char *db, const char *server_key,
                             hj_devices_loaded_fn loaded, void *arg);
/* The device with this Z85 public key (revoked ones included), or NULL. */
const hj_device_entry_t *hj_devices_by_key(hj_devices_t *d, const char *public_key);
/* 1 when e is a daemon's key enrolled for `service` (NULL: any service). */
int hj_devices_is_service(const hj_device_entry_t *e, const char *service);
/* The device of this name (revoked ones included), or NULL. */
const hj_device_entry_t *hj_devices_by_name(hj_devices_t *d, const char *name);
void hj_devices_destroy(hj_devices_t **self_p);

#endif
