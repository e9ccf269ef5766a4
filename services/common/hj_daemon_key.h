#ifndef HJ_DAEMON_KEY_H
#define HJ_DAEMON_KEY_H
/* A daemon's own CURVE identity on hj-busd's internal endpoints (workers,
 * events-in, events-internal), so that only Huanjie's daemons join the bus
 * and each only as the service it is.
 *
 * The keypair lives in key_dir/<service>.key (mode 0600; HJ_KEY_DIR, by default
 * the run directory), made on its first start. The daemon's
 * database login vouches for it: bus.enrol_service_key() (sql/011_trust.sql)
 * takes the service from the login (hj_registry -> registry), so a login can
 * enrol keys for its own service only. hj-busd's public key comes the same
 * way, from bus.server_key, which hj-busd writes when it starts: no key file
 * is shared between containers. */
#include "hj_curve.h"

/* Fills d (name = the enrolled key's name, role "service", team = service,
 * the keypair and the server's public key). db: the daemon's conninfo, as
 * its own role. Waits (logging every 10 s) while the database or hj-busd's
 * key is not there yet; gives up after wait_s seconds (0: never). 0, or -1
 * after logging why (a key enrolled for another service, or revoked, is
 * final). */
int hj_daemon_key_load(hj_device_t *d, const char *key_dir, const char *service, const char *db,
                       int wait_s);

#endif
