/* hj-registryd: config, key, then the shared service start-up chain. */
#include "hj_config.h"
#include "hj_log.h"
#include "registry.h"

int main(int argc, char **argv)
{
    hj_config_t cfg;
    registry_t reg;
    if (hj_config_load(&cfg, "hj-registryd", argc, argv) != 0)
        return 2;
    if (registry_load_key(&reg, cfg.run_dir) != 0)
        return 1;
    return hj_worker_main(&registry_service, &reg, &cfg);
}
