/* Being written (#12). */
#include "cmd_report.h"

int report_briefing(cli_t *cli)
{
    (void)cli;
    return cli_usage("not built yet");
}
