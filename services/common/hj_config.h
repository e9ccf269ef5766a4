#ifndef HJ_CONFIG_H
#define HJ_CONFIG_H
/* Configuration for every daemon: defaults, then environment, then flags.
 *
 *   flag                 environment        default
 *   --db CONNINFO        HJ_DB              "dbname=huanjie"
 *   --bus ENDPOINT       HJ_BUS             tcp://127.0.0.1:7700   (client requests)
 *   --events ENDPOINT    HJ_BUS_EVENTS      tcp://127.0.0.1:7701   (event bus, SUB)
 *   --workers ENDPOINT   HJ_BUS_WORKERS     tcp://127.0.0.1:7702   (internal: workers)
 *   --events-in ENDPOINT HJ_BUS_EVENTS_IN   tcp://127.0.0.1:7703   (internal: derived events)
 *   --events-internal EP HJ_BUS_EVENTS_INTERNAL tcp://127.0.0.1:7704 (internal: the event bus
 *                        for services, without CURVE)
 *   --heartbeat-ms N     HJ_HEARTBEAT_MS    1000
 *   --max-msg BYTES      HJ_MAX_MSG         1048576 (ZMQ_MAXMSGSIZE on public sockets)
 *   --credit N           HJ_CREDIT          64 (requests a worker accepts at once)
 *   --device-rate N      HJ_DEVICE_RATE     200 (hj-busd: requests a second one device may send,
 *                        on average; beyond it RESOURCE_EXHAUSTED with a retry-after)
 *   --device-burst N     HJ_DEVICE_BURST    1000 (hj-busd: requests one device may send at once
 *                        above that rate)
 *   --device-inflight N  HJ_DEVICE_INFLIGHT 16 (hj-busd: requests of one device queued or in
 *                        flight at once)
 *   --run-dir DIR        HJ_RUN_DIR         .
 *   --key-dir DIR        HJ_KEY_DIR         the run dir (a daemon's own CURVE keypair,
 *                        <service>.key, made on first start: hj_daemon_key.h)
 *   --log-level LEVEL    HJ_LOG_LEVEL       info
 */
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char db[512];
    char bus[256];
    char events[256];
    char workers[256];
    char events_in[256];
    char events_internal[256];
    char run_dir[512];
    char key_dir[512];
    int heartbeat_ms;
    int64_t max_msg;
    int credit;
    int device_rate;
    int device_burst;
    int device_inflight;
    int log_level;
} hj_config_t;

/* Fills cfg; returns 0, or -1 after printing a usage error that names the flag. */
int hj_config_load(hj_config_t *cfg, const char *program, int argc, char **argv);

/* Rewrites the conninfo `db` (key=value or URI form) to log in as `user`:
 * every daemon connects as its own PostgreSQL role (hj_<service>, hj_busd;
 * sql/007_auth.sql), whatever user HJ_DB names. 0, or -1 when db does not
 * parse or the result does not fit. */
int hj_config_db_user(char *db, size_t size, const char *user);

#endif
