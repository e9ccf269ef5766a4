/* hj-busd: the backbone. Request broker, event bus, journal relay, and the
 * ZAP handler that admits only enrolled devices to the public endpoints and
 * only Huanjie's enrolled daemons to the internal ones. */
#include "broker.h"
#include "devices.h"
#include "events.h"
#include "hj_config.h"
#include "hj_curve.h"
#include "hj_log.h"
#include "hj_signal.h"
#include "relay.h"
#include "zap.h"

#include <signal.h>
#include <stdio.h>
#include <zmq.h>

typedef struct {
    hj_devices_t *devices;
    hj_zap_t *zap;
    hj_broker_t *broker;
    hj_events_t *events;
    hj_relay_t *relay;
} s_busd_t;

static void s_stop(void *arg)
{
    s_busd_t *d = arg;
    hj_relay_destroy(&d->relay);
    hj_broker_destroy(&d->broker);
    hj_events_destroy(&d->events);
    hj_zap_destroy(&d->zap);
    hj_devices_destroy(&d->devices);
}

/* The device registry has (re)loaded. The first time, handshakes waiting for
 * an answer get one. When a device lost its access, its requests are refused
 * by the broker from the next one on, and its subscription is cut here. */
static void s_on_devices(void *arg, int first, int lost)
{
    s_busd_t *d = arg;
    if (first && d->zap && hj_zap_start(d->zap) != 0)
        hj_error("zap: cannot start answering");
    hj_zap_reloaded(d->zap);
    if (lost && d->events)
        hj_events_drop_subscribers(d->events);
}

int main(int argc, char **argv)
{
    hj_config_t cfg;
    s_busd_t d = {0};
    char db[sizeof cfg.db], public_key[HJ_KEY_LEN], secret_key[HJ_KEY_LEN];
    if (hj_config_load(&cfg, "hj-busd", argc, argv) != 0)
        return 2;
    snprintf(db, sizeof db, "%s", cfg.db);
    if (!zmq_has("curve")) {
        hj_error("this libzmq has no CURVE support: hj-busd will not serve unencrypted");
        return 1;
    }
    if (hj_config_db_user(db, sizeof db, "hj_busd") != 0) {
        hj_error("HJ_DB is not a valid connection string");
        return 2;
    }
    /* Workers, events-in and the internal event bus admit only the daemons'
     * enrolled keys (zap.c); binding them only on a private network is the
     * second wall. */
    const char *exposed = !hj_endpoint_private(cfg.workers)           ? cfg.workers
                          : !hj_endpoint_private(cfg.events_in)       ? cfg.events_in
                          : !hj_endpoint_private(cfg.events_internal) ? cfg.events_internal
                                                                      : NULL;
    if (exposed) {
        hj_error("the internal endpoint %s is not loopback or a private network: refusing to "
                 "expose it (bind e.g. tcp://127.0.0.1:7702, or a private interface such as "
                 "tcp://eth0:7702)",
                 exposed);
        return 2;
    }
    if (hj_curve_server_key(cfg.run_dir, 1, public_key, secret_key) != 0)
        return 1;
    hj_info("server public key %s", public_key);
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t *loop = uv_default_loop();
    void *zctx = zmq_ctx_new();
    /* ZAP first: a CURVE socket must never bind before its handler exists. */
    if (!zctx || !(d.devices = hj_devices_new(loop, db, public_key, s_on_devices, &d)) ||
        !(d.zap = hj_zap_new(loop, zctx, d.devices)) ||
        !(d.events = hj_events_new(loop, zctx, &cfg, secret_key, d.devices)) ||
        !(d.broker = hj_broker_new(loop, zctx, &cfg, d.devices, secret_key)) ||
        !(d.relay = hj_relay_new(loop, db, d.events))) {
        hj_error("hj-busd failed to start");
        return 1;
    }
    hj_signal_run(loop, s_stop, &d);
    zmq_ctx_term(zctx);
    hj_info("stopped");
    return 0;
}
