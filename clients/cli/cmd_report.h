#ifndef HJ_CMD_REPORT_H
#define HJ_CMD_REPORT_H
/* hj report: the verbs, each in its own file. */
#include "cli.h"

/* hj report briefing (cmd_briefing.c) */
int report_briefing(cli_t *cli);
/* hj report community CODE (cmd_dossier.c) */
int report_community(cli_t *cli);

#endif
