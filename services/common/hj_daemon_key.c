#include "hj_daemon_key.h"
#include "hj_db.h"
#include "hj_log.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_LOG_EVERY_S 10

typedef enum { S_DONE, S_RETRY, S_FAIL } s_step_t;

/* One try: enrol the key, read the server's. */
static s_step_t s_try(hj_device_t *d, const char *db, char *why, size_t whylen)
{
    char state[6] = "";
    s_step_t step = S_RETRY;
    PGresult *r = NULL;
    PGconn *c = PQconnectdb(db);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(why, whylen, "the database: %s", PQerrorMessage(c));
        goto out;
    }
    const char *v[1] = {d->public_key};
    if (!(r = hj_pq(c, state, "SELECT bus.enrol_service_key($1)", 1, v))) {
        /* insufficient_privilege: the key belongs to another service, or was revoked */
        step = strcmp(state, "42501") == 0 ? S_FAIL : S_RETRY;
        snprintf(why, whylen, "enrolling the key: %s", PQerrorMessage(c));
        goto out;
    }
    snprintf(d->name, sizeof d->name, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!(r = hj_pq(c, state, "SELECT public_key FROM bus.server_key", 0, NULL))) {
        snprintf(why, whylen, "reading hj-busd's key: %s", PQerrorMessage(c));
        goto out;
    }
    if (PQntuples(r) != 1 || !hj_curve_key_valid(PQgetvalue(r, 0, 0))) {
        snprintf(why, whylen, "hj-busd has not published its key yet (bus.server_key)");
        goto out;
    }
    snprintf(d->server_key, sizeof d->server_key, "%s", PQgetvalue(r, 0, 0));
    step = S_DONE;
out:
    PQclear(r);
    PQfinish(c);
    size_t n = strlen(why);
    while (n && why[n - 1] == '\n')
        why[--n] = 0;
    return step;
}

int hj_daemon_key_load(hj_device_t *d, const char *key_dir, const char *service, const char *db,
                       int wait_s)
{
    char path[1024], comment[256], why[512] = "";
    memset(d, 0, sizeof *d);
    snprintf(d->role, sizeof d->role, "service");
    snprintf(d->team, sizeof d->team, "%s", service);
    snprintf(path, sizeof path, "%s/%s.key", key_dir, service);
    snprintf(comment, sizeof comment,
             "# The CURVE keypair of this machine's hj-%sd on hj-busd's internal endpoints.\n"
             "# Enrolled for the service %s by the daemon's database login.\n",
             service, service);
    if (hj_curve_key_file(path, 1, comment, d->public_key, d->secret_key) != 0)
        return -1;
    time_t start = time(NULL), logged = 0;
    for (;;) {
        why[0] = 0;
        s_step_t step = s_try(d, db, why, sizeof why);
        if (step == S_DONE) {
            hj_info("internal bus: this daemon is %s (key %s)", d->name, d->public_key);
            return 0;
        }
        if (step == S_FAIL) {
            hj_error("the service key %s was refused: %s", path, why);
            return -1;
        }
        time_t now = time(NULL);
        if (wait_s > 0 && now - start >= wait_s) {
            hj_error("gave up after %d s waiting for %s", wait_s, why);
            return -1;
        }
        if (now - logged >= S_LOG_EVERY_S) {
            hj_info("waiting for %s", why);
            logged = now;
        }
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
}
