/* hj-interviewsd: config, then the shared service start-up chain. The roster
 * projection needs no start-up state: every call catches up in its own
 * transaction (interviews_db.c). */
#include "hj_config.h"
#include "interviews.h"

int main(int argc, char **argv)
{
    hj_config_t cfg;
    if (hj_config_load(&cfg, "hj-interviewsd", argc, argv) != 0)
        return 2;
    return hj_worker_main(&interviews_service, NULL, &cfg);
}
