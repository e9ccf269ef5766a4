/* Being written (#12). */
#include "cli.h"

int cmd_export(cli_t *cli, const char *verb)
{
    (void)cli;
    return cli_usage("not built yet: %s", verb);
}
