/* hj-auditd: config, then the shared service start-up chain. */
#include "audit.h"
#include "hj_config.h"

int main(int argc, char **argv)
{
    hj_config_t cfg;
    if (hj_config_load(&cfg, "hj-auditd", argc, argv) != 0)
        return 2;
    return hj_worker_main(&audit_service, NULL, &cfg);
}
