/* hj assessment — 调研摸底: assessments of sitting members, and a community's
 * risk notes and contingency plan (工作预案). */
#include "cmd_prep.h"
#include "hj_envelope.h"
#include "person_ref.h"

#include <stdio.h>
#include <string.h>

static void s_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Assessment *a = (const Hj__Registry__Assessment *)record;
    char s[4][4], date[48];
    snprintf(date, sizeof date, "%s%s", a->date, prep_voided_mark(a->voided));
    snprintf(s[0], 4, "%u", a->ability);
    snprintf(s[1], 4, "%u", a->performance);
    snprintf(s[2], 4, "%u", a->practice);
    snprintf(s[3], 4, "%u", a->trust);
    const char *row[] = {a->code, a->id, date, a->community, a->person_name,
                         s[0],    s[1],  s[2], s[3],         a->assessor};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"CODE",    "ID",    "DATE",  "COMMUNITY", "MEMBER",
                                 "ABILITY", "PERF.", "STYLE", "TRUST",     "ASSESSOR"};
    const Hj__Registry__Assessment *a =
        prep_table_record(m, 10, head, s_row, &hj__registry__assessment__descriptor);
    if (!a)
        return;
    if (a->voided)
        printf("%s  %s\n", prep_voided_mark(1) + 1, a->void_reason);
    const char *notes[] = {"structure (结构)", a->structure_note,    "ability (能力)",
                           a->ability_note,    "performance (表现)", a->performance_note,
                           "practice (作风)",  a->practice_note,     "public trust (公认度)",
                           a->trust_note};
    printf("\n");
    prep_fields(notes, 5);
}

static void s_print_risk(const ProtobufCMessage *m)
{
    const Hj__Registry__CommunityRisk *k = (const Hj__Registry__CommunityRisk *)m;
    const char *f[] = {"community",
                       k->community,
                       "risk notes",
                       k->risk_notes,
                       "contingency plan (工作预案)",
                       k->contingency_plan,
                       "updated",
                       k->updated_at[0] ? k->updated_at : "never",
                       "by",
                       k->updated_by};
    prep_fields(f, 5);
}

/* --seat as the seat's UUID, or (issue #20) the sitting member by name or
 * code (P0042), as election candidates are named: the person is resolved by
 * person_ref (among --community's persons when given), then the seat they
 * hold now is looked up. None, or several (both committees), is refused
 * listing what there is. CLI_OK with seat set. */
static int s_seat(cli_t *cli, const char *given, char seat[37])
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Reply *reply = NULL;
    const char *community = cli_opt_or(cli, "community", "");
    char person[37];
    int rc;
    seat[0] = 0;
    /* An id, or nothing (the registry names the missing seat_id), is sent as given. */
    if (!given[0] || hj_uuid_valid(given)) {
        snprintf(seat, 37, "%s", given);
        return CLI_OK;
    }
    if ((rc = person_ref(cli, "--seat", given, community, 0, person)) != CLI_OK)
        return rc;
    q.community = (char *)community;
    q.limit = 1000;
    req.op_case = HJ__REGISTRY__REQUEST__OP_SEAT_LIST;
    req.seat_list = &q;
    if ((rc = cli_call(cli, "registry", &req.base, &hj__registry__reply__descriptor,
                       (ProtobufCMessage **)&reply)) != CLI_OK)
        return rc;
    const Hj__Registry__Seats *seats =
        reply->result_case == HJ__REGISTRY__REPLY__RESULT_SEATS ? reply->seats : NULL;
    size_t found = 0;
    for (size_t i = 0; seats && i < seats->n_items; i++)
        if (strcmp(seats->items[i]->person_id, person) == 0 && !seats->items[i]->term_end[0] &&
            found++ == 0)
            snprintf(seat, 37, "%s", seats->items[i]->id);
    if (found == 1)
        rc = CLI_OK;
    else if (found == 0) {
        fprintf(stderr, "hj: --seat %s: not a sitting member%s%s%s\n", given,
                community[0] ? " of " : "", community,
                seats && seats->next[0] ? " among the first 1000 seats: give --community" : "");
        rc = CLI_REFUSED;
    } else {
        fprintf(stderr, "hj: --seat %s sits on %zu committees; give the seat's id:\n", given,
                found);
        for (size_t i = 0; i < seats->n_items; i++) {
            const Hj__Registry__Seat *k = seats->items[i];
            if (strcmp(k->person_id, person) == 0 && !k->term_end[0])
                fprintf(stderr, "  %s  %s  %s  %s\n", k->id, k->community,
                        k->committee == HJ__REGISTRY__COMMITTEE__PARTY ? "党组织" : "居委会",
                        k->role);
        }
        rc = CLI_REFUSED;
    }
    hj__registry__reply__free_unpacked(reply, NULL);
    return rc;
}

static int s_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Assessment a = HJ__REGISTRY__ASSESSMENT__INIT;
    char seat[37]; /* a.seat_id points here until the request is sent */
    int rc;
    (void)verb;
    if ((rc = s_seat(cli, cli_opt_or(cli, "seat", ""), seat)) != CLI_OK)
        return rc;
    a.seat_id = seat;
    prep_texts(cli,
               (const char *const[]){"date", "assessor", "structure", "ability-note",
                                     "performance-note", "practice-note", "trust-note", NULL},
               (char **const[]){&a.date, &a.assessor, &a.structure_note, &a.ability_note,
                                &a.performance_note, &a.practice_note, &a.trust_note, NULL});
    if ((rc = prep_uint(cli, "ability", 1, 5, 0, &a.ability)) ||
        (rc = prep_uint(cli, "performance", 1, 5, 0, &a.performance)) ||
        (rc = prep_uint(cli, "practice", 1, 5, 0, &a.practice)) ||
        (rc = prep_uint(cli, "trust", 1, 5, 0, &a.trust)))
        return rc;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_ASSESSMENT_ADD, &a.base,
                      cli->en ? "assessment recorded" : "研判评估已记录", s_print);
}

/* hj assessment risk CODE: shown, or set with --notes / --contingency. */
static int s_risk(cli_t *cli, const char *verb)
{
    Hj__Registry__CommunityRisk k = HJ__REGISTRY__COMMUNITY_RISK__INIT;
    const char *notes = cli_opt(cli, "notes"), *plan = cli_opt(cli, "contingency");
    (void)verb;
    if (!notes && !plan)
        return prep_show(cli, HJ__REGISTRY__REQUEST__OP_RISK_GET, s_print_risk);
    k.community = (char *)cli->pos[0];
    k.risk_notes = (char *)(notes ? notes : "");
    k.contingency_plan = (char *)(plan ? plan : "");
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_RISK_SET, &k.base,
                      cli->en ? "risk notes and contingency plan recorded"
                              : "风险研判和工作预案已记录",
                      s_print_risk);
}

/* The record by its code (X0042) or UUID (issue #20). */
int cmd_assessment(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {{"add", 0, s_add}, {"risk", 1, s_risk}, {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"include-void", PREP_FLAG, "include_void"},
                                            {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "assessment", verbs, filters, s_print);
}
