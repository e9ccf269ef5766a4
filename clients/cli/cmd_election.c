/* hj election — schedule an election, open it (refused while a gate is
 * red, unless the district overrides the gate with a reason). */
#include "cli.h"
#include "tally.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_gate_word[] = {
    "", "audit", "rectification", "upgrade", "plan", "talks", "training", "candidates", "voter_list",
};
#define S_GATES 8

static int s_gate_parse(const char *word)
{
    for (int g = 1; g <= S_GATES; g++)
        if (strcmp(word, s_gate_word[g]) == 0)
            return g;
    return 0;
}

/* --override GATE --reason TEXT, in pairs, as many as given. */
static int s_overrides(cli_t *cli, Hj__Tally__GateOverride *store, Hj__Tally__GateOverride **ptrs,
                       size_t *n)
{
    *n = 0;
    for (int i = 0; i < cli->nopt; i++) {
        if (strcmp(cli->opt[i].key, "override") != 0)
            continue;
        cli->opt[i].used = 1;
        int gate = s_gate_parse(cli->opt[i].value);
        if (!gate)
            return cli_usage("--override takes a gate: audit, rectification, upgrade, plan, "
                             "talks, training, candidates, voter_list (got '%s')",
                             cli->opt[i].value);
        if (i + 1 >= cli->nopt || strcmp(cli->opt[i + 1].key, "reason") != 0)
            return cli_usage("--override %s must be followed by --reason TEXT (the journal "
                             "records it with your name)",
                             cli->opt[i].value);
        if (*n >= S_GATES)
            return cli_usage("at most %d overrides", S_GATES);
        cli->opt[i + 1].used = 1;
        Hj__Tally__GateOverride *o = &store[*n];
        hj__tally__gate_override__init(o);
        o->gate = (Hj__Tally__GateId)gate;
        o->reason = (char *)cli->opt[i + 1].value;
        ptrs[(*n)++] = o;
        i++;
    }
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, "reason") == 0 && !cli->opt[i].used)
            return cli_usage("--reason belongs right after an --override GATE");
    return CLI_OK;
}

static void s_print(const Hj__Tally__Election *e, const char *done)
{
    static const char *marks[] = {"?", "✗", "✓", "⊘"};
    printf("%s: the %s election of %s on %s, %u seats (profile %s), id %s\n", done, e->body,
           e->community, e->date, e->seats, e->profile, e->id);
    for (size_t i = 0; i < e->n_gates; i++) {
        const Hj__Tally__Gate *g = e->gates[i];
        printf("  %s %s", marks[g->state <= 3 ? g->state : 0], g->reason);
        if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            printf(" — overridden by %s: %s", g->override_actor, g->override_reason);
        printf("\n");
    }
}

static int s_seats(cli_t *cli, uint32_t *seats)
{
    const char *v = cli_opt(cli, "seats");
    char *end = NULL;
    unsigned long n = v ? strtoul(v, &end, 10) : 0;
    if (!v || !*v || *end || n > 1000)
        return cli_usage("--seats N is required (the seats of the committee)");
    *seats = (uint32_t)n;
    return CLI_OK;
}

int cmd_election(cli_t *cli, const char *verb)
{
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__ElectionSchedule s = HJ__TALLY__ELECTION_SCHEDULE__INIT;
    Hj__Tally__ElectionOpen o = HJ__TALLY__ELECTION_OPEN__INIT;
    Hj__Tally__GateOverride store[S_GATES], *ptrs[S_GATES];
    Hj__Tally__Reply *reply = NULL;
    const char *done;
    char id[37];
    int rc;
    if (strcmp(verb, "schedule") == 0 && cli->npos == 1) {
        s.community = (char *)cli->pos[0];
        s.body = (char *)cli_opt_or(cli, "body", "");
        s.date = (char *)cli_opt_or(cli, "date", "");
        if ((rc = s_seats(cli, &s.seats)) != CLI_OK)
            return rc;
        req.op_case = HJ__TALLY__REQUEST__OP_ELECTION_SCHEDULE;
        req.election_schedule = &s;
        done = "scheduled";
    } else if (strcmp(verb, "open") == 0 && cli->npos == 1) {
        o.community = (char *)cli->pos[0];
        o.body = (char *)cli_opt_or(cli, "body", "");
        if ((rc = s_overrides(cli, store, ptrs, &o.n_overrides)) != CLI_OK)
            return rc;
        o.overrides = ptrs;
        req.op_case = HJ__TALLY__REQUEST__OP_ELECTION_OPEN;
        req.election_open = &o;
        done = "opened";
    } else
        return cli_usage("hj election schedule COMMUNITY --body party|residents --date D --seats N\n"
                         "       hj election open COMMUNITY --body party|residents "
                         "[--override GATE --reason TEXT]...");
    req.request_id = (char *)cli_request_id(cli, id);
    if ((rc = cli_unused(cli)) != CLI_OK)
        return rc;
    rc = cli_call(cli, "tally", &req.base, &hj__tally__reply__descriptor, (ProtobufCMessage **)&reply);
    if (rc != CLI_OK)
        return rc;
    if (!reply->election) {
        fprintf(stderr, "hj: the answer carries no election\n");
        rc = CLI_REFUSED;
    } else if (cli->json)
        cli_json(&reply->election->base);
    else
        s_print(reply->election, done);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return rc;
}
