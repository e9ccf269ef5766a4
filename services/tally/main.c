/* hj-tallyd: config → the counting-rules profiles → the daemon start-up chain
 * every service shares (hj_worker_main: its own database role, its own key on
 * the internal bus, the request worker), with the journal consumer as this
 * daemon's own part → run. */
#include "consumer.h"
#include "hj_config.h"
#include "hj_log.h"
#include "tally.h"

static tally_consumer_t *s_consumer;

static int s_start(const hj_daemon_t *env, void *svc)
{
    s_consumer = tally_consumer_new(env, svc);
    return s_consumer ? 0 : -1;
}

static void s_stop(void *svc)
{
    (void)svc;
    tally_consumer_destroy(&s_consumer);
}

int main(int argc, char **argv)
{
    hj_config_t cfg;
    static tally_profiles_t profiles;
    if (hj_config_load(&cfg, "hj-tallyd", argc, argv) != 0)
        return 2;
    if (tally_profiles_load(&profiles) != 0)
        return 1;
    hj_service_t service = tally_service;
    service.on_connect_sql = TALLY_SEARCH_PATH;
    service.start = s_start;
    service.stop = s_stop;
    return hj_worker_main(&service, &profiles, &cfg);
}
