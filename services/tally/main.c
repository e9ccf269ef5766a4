/* hj-tallyd: config → the counting-rules profiles → the request worker and
 * the journal consumer on one loop → signals → run. (hj_worker_main is the
 * same chain without the consumer.) */
#include "consumer.h"
#include "hj_config.h"
#include "hj_log.h"
#include "tally.h"

#include <signal.h>
#include <zmq.h>

typedef struct {
    hj_db_t *db;
    hj_worker_t *worker;
    tally_consumer_t *consumer;
    uv_signal_t sigint, sigterm;
} s_tallyd_t;

static void s_on_signal(uv_signal_t *h, int signum)
{
    s_tallyd_t *d = h->data;
    hj_info("signal %d: stopping", signum);
    tally_consumer_destroy(&d->consumer);
    hj_worker_destroy(&d->worker);
    hj_db_destroy(&d->db);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sigterm, NULL);
}

int main(int argc, char **argv)
{
    hj_config_t cfg;
    static tally_profiles_t profiles;
    s_tallyd_t d = {0};
    if (hj_config_load(&cfg, "hj-tallyd", argc, argv) != 0)
        return 2;
    if (tally_profiles_load(&profiles) != 0)
        return 1;
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t *loop = uv_default_loop();
    void *zctx = zmq_ctx_new();
    if (!zctx || !(d.db = hj_db_new(loop, cfg.db)) ||
        hj_db_on_connect(d.db, TALLY_SEARCH_PATH) != 0 ||
        !(d.worker = hj_worker_new(loop, zctx, &cfg, &tally_service, &profiles, d.db)) ||
        !(d.consumer = tally_consumer_new(loop, zctx, &cfg, &profiles))) {
        hj_error("hj-tallyd failed to start");
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
