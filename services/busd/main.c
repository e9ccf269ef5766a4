/* hj-busd: the backbone. Request broker, event bus, journal relay. */
#include "broker.h"
#include "events.h"
#include "hj_config.h"
#include "hj_log.h"
#include "relay.h"

#include <signal.h>
#include <zmq.h>

typedef struct {
    hj_broker_t *broker;
    hj_events_t *events;
    hj_relay_t *relay;
    uv_signal_t sigint, sigterm;
} s_busd_t;

static void s_on_signal(uv_signal_t *h, int signum)
{
    s_busd_t *d = h->data;
    hj_info("signal %d: stopping", signum);
    hj_relay_destroy(&d->relay);
    hj_broker_destroy(&d->broker);
    hj_events_destroy(&d->events);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sigterm, NULL);
}

int main(int argc, char **argv)
{
    hj_config_t cfg;
    s_busd_t d = {0};
    if (hj_config_load(&cfg, "hj-busd", argc, argv) != 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t *loop = uv_default_loop();
    void *zctx = zmq_ctx_new();
    if (!zctx || !(d.events = hj_events_new(loop, zctx, &cfg)) ||
        !(d.broker = hj_broker_new(loop, zctx, &cfg)) ||
        !(d.relay = hj_relay_new(loop, &cfg, d.events))) {
        hj_error("hj-busd failed to start");
        return 1;
    }
    d.sigint.data = d.sigterm.data = &d;
    uv_signal_init(loop, &d.sigint);
    uv_signal_init(loop, &d.sigterm);
    uv_signal_start(&d.sigint, s_on_signal, SIGINT);
    uv_signal_start(&d.sigterm, s_on_signal, SIGTERM);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    zmq_ctx_term(zctx);
    hj_info("stopped");
    return 0;
}
