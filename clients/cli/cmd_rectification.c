/* hj rectification — 集中整顿: problem flags with their own plan (一社一策),
 * open -> in_progress -> closed; hj upgrade — party-organisation upgrades. */
#include "cmd_prep.h"

#include <stdio.h>
#include <string.h>

static const char *const s_orgs[] = {"", "branch", "general_branch", "committee"};
static const char *const s_orgs_zh[] = {"", "党支部", "党总支", "党委"};

static void s_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Rectification *r = (const Hj__Registry__Rectification *)record;
    const char *row[] = {r->id,        r->community, prep_label(r->problem, 0), r->owner,
                         r->opened_on, r->due,       prep_label(r->state, 1),   r->closed_on};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"ID",     "COMMUNITY", "PROBLEM", "OWNER",
                                 "OPENED", "DUE",       "STATE",   "CLOSED"};
    const Hj__Registry__Rectification *r =
        prep_table_record(m, 8, head, s_row, &hj__registry__rectification__descriptor);
    if (!r)
        return;
    const char *f[] = {"description",  r->description,  "plan (一社一策)", r->plan,
                       "opened by",    r->opened_by,    "started",         r->started_on,
                       "closing note", r->closing_note, "verified by",     r->verified_by};
    printf("\n");
    prep_fields(f, 6);
}

static void s_row_upgrade(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Upgrade *u = (const Hj__Registry__Upgrade *)record;
    const char *row[] = {u->id,
                         u->community,
                         s_orgs_zh[u->from_type & 3],
                         s_orgs_zh[u->to_type & 3],
                         u->requested_on,
                         prep_label(u->state, 0),
                         u->decided_on,
                         u->decision_note};
    cli_table_row(t, row);
}

static void s_print_upgrade(const ProtobufCMessage *m)
{
    static const char *head[] = {"ID",        "COMMUNITY", "FROM",    "TO",
                                 "REQUESTED", "STATE",     "DECIDED", "NOTE"};
    prep_table(m, 8, head, s_row_upgrade);
}

static int s_open(cli_t *cli, const char *verb)
{
    Hj__Registry__Rectification m = HJ__REGISTRY__RECTIFICATION__INIT;
    (void)verb;
    m.problem = (char *)prep_enum(cli, "problem", "");
    prep_texts(
        cli,
        (const char *const[]){"community", "description", "plan", "owner", "due", "date", NULL},
        (char **const[]){&m.community, &m.description, &m.plan, &m.owner, &m.due, &m.opened_on,
                         NULL});
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_RECTIFICATION_OPEN, &m.base,
                      "rectification opened", s_print);
}

/* start, or close (销号) with its note and who verified it. */
static int s_step(cli_t *cli, const char *verb)
{
    Hj__Registry__RectificationStep s = HJ__REGISTRY__RECTIFICATION_STEP__INIT;
    int closing = verb[0] == 'c';
    s.id = (char *)cli->pos[0];
    s.date = (char *)cli_opt_or(cli, "date", "");
    if (closing) {
        s.note = (char *)cli_opt_or(cli, "note", "");
        s.verified_by = (char *)cli_opt_or(cli, "verified-by", "");
    }
    return prep_write(
        cli,
        closing ? HJ__REGISTRY__REQUEST__OP_RECTIFICATION_CLOSE
                : HJ__REGISTRY__REQUEST__OP_RECTIFICATION_ADVANCE,
        &s.base, closing ? "rectification closed (销号)" : "rectification in progress", s_print);
}

int cmd_rectification(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {
        {"open", 0, s_open}, {"start", 1, s_step}, {"close", 1, s_step}, {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {
        {"state", PREP_WORD, "state"}, {"problem", PREP_WORD, "kind"}, {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "rectification", verbs, filters, s_print);
}

static int s_request(cli_t *cli, const char *verb)
{
    Hj__Registry__Upgrade u = HJ__REGISTRY__UPGRADE__INIT;
    const char *to = prep_enum(cli, "to", "");
    (void)verb;
    u.community = (char *)cli_opt_or(cli, "community", "");
    u.reason = (char *)cli_opt_or(cli, "reason", "");
    u.requested_on = (char *)cli_opt_or(cli, "date", "");
    for (int i = 1; i <= 3; i++)
        if (strcmp(to, s_orgs[i]) == 0 || strcmp(to, s_orgs_zh[i]) == 0)
            u.to_type = i;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_UPGRADE_REQUEST, &u.base, "upgrade requested",
                      s_print_upgrade);
}

static int s_decide(cli_t *cli, const char *verb)
{
    Hj__Registry__UpgradeDecision d = HJ__REGISTRY__UPGRADE_DECISION__INIT;
    d.id = (char *)cli->pos[0];
    d.approve = verb[0] == 'a';
    d.date = (char *)cli_opt_or(cli, "date", "");
    d.note = (char *)cli_opt_or(cli, "note", "");
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_UPGRADE_DECIDE, &d.base,
                      d.approve ? "upgrade approved: the community's organisation type is changed"
                                : "upgrade rejected",
                      s_print_upgrade);
}

int cmd_upgrade(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {{"request", 0, s_request},
                                        {"approve", 1, s_decide},
                                        {"reject", 1, s_decide},
                                        {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"state", PREP_WORD, "state"}, {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "upgrade", verbs, filters, s_print_upgrade);
}
