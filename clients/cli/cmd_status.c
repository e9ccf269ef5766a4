/* hj status: which services have a running instance behind the broker. */
#include "cli.h"
#include "hj_client.h"
#include "hj_envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 up, 0 down, -1 broker unreachable or refused us (said why). */
static int s_service_up(cli_t *cli, const char *name)
{
    hj_client_t *c = cli_client(cli, 1);
    uint8_t *reply = NULL;
    size_t len = 0;
    int rc = -1;
    if (c && hj_client_call(c, "mmi.service", name, strlen(name), &reply, &len) == 0) {
        hj_status_t st;
        if (len == 3)
            rc = memcmp(reply, "200", 3) == 0;
        else if (hj_status_unpack(reply, len, &st) == 0)
            fprintf(stderr, "hj: %s: %s\n", hj_code_name(st.code), st.message);
    } else if (c) {
        fprintf(stderr, "hj: no answer from the broker at %s\n", cli->bus);
    }
    free(reply);
    hj_client_destroy(&c);
    return rc;
}

int cmd_status(cli_t *cli, const char *verb)
{
    static const char *all[] = {"registry", "audit", "interviews", "tally", NULL};
    const char *one = cli_opt(cli, "service");
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    if (one) {
        int up = s_service_up(cli, one);
        if (up >= 0)
            printf("%s %s\n", one, up ? "up" : "down");
        return up > 0 ? CLI_OK : CLI_UNREACHABLE;
    }
    for (int i = 0; all[i]; i++) {
        int up = s_service_up(cli, all[i]);
        if (up < 0)
            return CLI_UNREACHABLE;
        printf("%-12s %s\n", all[i], up ? "up" : "down");
    }
    return CLI_OK;
}
