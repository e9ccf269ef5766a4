/* hj report briefing | community — the reports a subdistrict office sends. */
#include "cmd_report.h"

#include <string.h>

int cmd_report(cli_t *cli, const char *verb)
{
    if (strcmp(verb, "briefing") == 0)
        return report_briefing(cli);
    if (strcmp(verb, "community") == 0)
        return report_community(cli);
    return cli_usage("unknown verb '%s' (briefing, community)", verb);
}
