/* hj-tallyd handlers: decode, validate, route. No SQL here. */
#include "hj_auth.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "ballots_db.h"
#include "certify_db.h"
#include "list_db.h"
#include "result_db.h"
#include "roll_db.h"
#include "rounds_db.h"
#include "tally.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define S_REASON_MAX 500
#define S_SEATS_MAX 30

int tally_profiles_load(tally_profiles_t *p)
{
    tally_profile_error_t err;
    if (!tally_profile_load_builtin("party-2020", &p->party, &err) ||
        !tally_profile_load_builtin("residents-2025", &p->residents, &err)) {
        hj_error("counting-rules profile: %s", err.message);
        return -1;
    }
    return 0;
}

const tally_profile_t *tally_profile_of(const tally_profiles_t *p, const char *body)
{
    if (strcmp(body, "party") == 0)
        return &p->party;
    if (strcmp(body, "residents") == 0)
        return &p->residents;
    return NULL;
}

/* Overriding a red gate is the district's decision alone (DESIGN.md: "the
 * district may override a gate only with a named reason"). */
int tally_may_override(const Hj__Identity *who)
{
    return who && strcmp(who->role, "district-admin") == 0;
}

#define S_OP(x) HJ__TALLY__REQUEST__OP_##x
#define S_OFFICE (HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_SUBDISTRICT_OFFICE)
/* Election day is the election committee's work, within its own community
 * (the writer checks the scope against the community each write journals). */
#define S_COUNTERS (S_OFFICE | HJ_ROLE_ELECTION_COMMITTEE)
/* The board, gates, results and the briefing are figures every device
 * reads; the voter roll with its objections (who filed, about whom) only
 * those who keep it, and scoped roles for their own communities. */

static const hj_permission_t s_permissions[] = {
    {S_OP(SNAPSHOT), "snapshot", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(GATES), "gates", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(ELECTION_SCHEDULE), "election_schedule", 1, S_OFFICE, 0, 0},
    {S_OP(ELECTION_OPEN), "election_open", 1, S_OFFICE, 0, 0},
    {S_OP(VOTER_ROLL_SET), "voter_roll_set", 1, S_COUNTERS, 0, 0},
    {S_OP(VOTER_ROLL_GET), "voter_roll_get", 0, S_COUNTERS | HJ_ROLE_GUIDANCE_GROUP, 1, 0},
    {S_OP(OBJECTION_FILE), "objection_file", 1, S_COUNTERS, 0, 0},
    {S_OP(OBJECTION_DECIDE), "objection_decide", 1, S_COUNTERS, 0, 0},
    {S_OP(PROXY_ADD), "proxy_add", 1, S_COUNTERS, 0, 0},
    {S_OP(CANDIDATES_SET), "candidates_set", 1, S_COUNTERS, 0, 0},
    {S_OP(ROUND_OPEN), "round_open", 1, S_COUNTERS, 0, 0},
    {S_OP(BALLOTS_ENTER), "ballots_enter", 1, S_COUNTERS, 0, 0},
    {S_OP(BOX_COUNT), "box_count", 1, S_COUNTERS, 0, 0},
    {S_OP(RESULT), "result", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(CERTIFY), "certify", 1, S_COUNTERS, 0, 0},
    {S_OP(AMEND), "amend", 1, S_OFFICE, 0, 0},
    {S_OP(VACANCY), "vacancy", 1, S_COUNTERS, 0, 0},
    {S_OP(REDUCE), "reduce", 1, S_COUNTERS, 0, 0},
    {S_OP(ELECTION_LIST), "election_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(BRIEFING), "briefing", 0, HJ_READ_FIGURES, 0, 0},
    /* payload-free events, as the bus carries them to every device */
    {S_OP(JOURNAL), "journal", 0, HJ_READ_FIGURES, 0, 0},
    /* the named voter roll: names for those who keep it, birth dates for HJ_PERSONAL */
    {S_OP(VOTERS_IMPORT), "voters_import", 1, S_COUNTERS, 0, 0},
    {S_OP(VOTERS_LIST), "voters_list", 0, S_COUNTERS | HJ_ROLE_GUIDANCE_GROUP, 1, HJ_PERSONAL},
    {S_OP(VOTER_OBJECTION), "voter_objection", 1, S_COUNTERS, 0, 0},
    {S_OP(VOTER_DECIDE), "voter_decide", 1, S_COUNTERS, 0, 0},
    {S_OP(VOTERS_POSTING), "voters_posting", 1, S_COUNTERS, 0, 0},
    {0, NULL, 0, 0, 0, 0},
};

static int s_check_body(hj_status_t *st, const char *body)
{
    if (strcmp(body, "party") != 0 && strcmp(body, "residents") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "body",
                             "body must be party (党组织委员会) or residents (居民委员会)");
    return 0;
}

static int s_check_schedule(hj_status_t *st, const void *msg)
{
    const Hj__Tally__ElectionSchedule *s = msg;
    char today[11];
    if (hj_check_code(st, "community", s->community, 1) != 0 || s_check_body(st, s->body) != 0 ||
        hj_check_date(st, "date", s->date, 1) != 0)
        return -1;
    hj_date_today(today);
    if (strcmp(s->date, today) < 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "date",
                             "election day %s is in the past (today is %s)", s->date, today);
    if (s->mode[0] && strcmp(s->mode, "ordinary") != 0 && strcmp(s->mode, "household") != 0 &&
        strcmp(s->mode, "representative") != 0)
        return hj_status_set(
            st, HJ__CODE__INVALID_ARGUMENT, "mode",
            "mode is ordinary (every voter), household (一户一票) or representative "
            "(居民代表)");
    if (s->seats < 1 || s->seats > S_SEATS_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "seats",
                             "seats must be 1 to %d (got %u)", S_SEATS_MAX, s->seats);
    return 0;
}

static int s_check_open(hj_status_t *st, const void *msg)
{
    const Hj__Tally__ElectionOpen *o = msg;
    char field[48];
    int seen[TALLY_GATES + 1] = {0};
    if (hj_check_code(st, "community", o->community, 1) != 0 || s_check_body(st, o->body) != 0)
        return -1;
    if (o->n_overrides > TALLY_GATES)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "overrides",
                             "at most %d overrides (one per gate)", TALLY_GATES);
    for (size_t i = 0; i < o->n_overrides; i++) {
        const Hj__Tally__GateOverride *g = o->overrides[i];
        snprintf(field, sizeof field, "overrides[%zu].gate", i + 1);
        if (g->gate < 1 || g->gate > TALLY_GATES)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "gate must be one of audit, rectification, upgrade, plan, talks, "
                                 "training, candidates, voter_list");
        if (seen[g->gate]++)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "gate %s is overridden twice", tally_gate_name(g->gate));
        snprintf(field, sizeof field, "overrides[%zu].reason", i + 1);
        if (hj_check_text(st, field, g->reason, S_REASON_MAX, 1) != 0)
            return -1;
        const char *p = g->reason;
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "an override needs a reason (it is blank)");
    }
    return 0;
}

/* A briefing is of the district or one subdistrict, now or as of a day
 * that has been (from the journal). */
static int s_check_briefing(hj_status_t *st, const void *msg)
{
    const Hj__Tally__BriefingQuery *q = msg;
    if (hj_check_code(st, "subdistrict", q->subdistrict, 0) != 0 ||
        hj_check_past_date(st, "as_of", q->as_of, 0) != 0 ||
        hj_check_past_date(st, "as_known_on", q->as_known_on, 0) != 0)
        return -1;
    if (q->as_of[0] && q->as_known_on[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "as_known_on",
                             "give as_of (by the date on the record) or as_known_on (what was "
                             "known at the end of the day), not both");
    if (q->full_replay && !q->as_known_on[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "full_replay",
                             "full_replay checks an as_known_on briefing: give as_known_on");
    return 0;
}

static int s_check_snapshot(hj_status_t *st, const void *msg)
{
    const Hj__Tally__SnapshotQuery *q = msg;
    if (q->community[0] && q->subdistrict[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "subdistrict",
                             "give a community or a subdistrict, not both");
    return hj_check_code(st, "community", q->community, 0) ||
                   hj_check_code(st, "subdistrict", q->subdistrict, 0)
               ? -1
               : 0;
}

static int s_check_gates(hj_status_t *st, const void *msg)
{
    return hj_check_code(st, "community", ((const Hj__Tally__SnapshotQuery *)msg)->community, 1);
}

static int s_check_journal(hj_status_t *st, const void *msg)
{
    const Hj__Tally__JournalQuery *q = msg;
    if (q->limit > 1000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "limit", "limit %u is above 1000",
                             q->limit);
    return 0;
}

/* Two ops that share a handler with another tell it apart by their entry's
 * arg: gates (tally_db_snapshot: the board alone), reduce (certify_seat_close). */
static const int s_board_only = 1, s_reduce = 1;

/* What each operation checks (here, election_server.c, roll_server.c) and
 * which module runs it. */
static const hj_op_t s_ops[] = {
    {S_OP(SNAPSHOT), s_check_snapshot, tally_db_snapshot, NULL},
    {S_OP(GATES), s_check_gates, tally_db_snapshot, &s_board_only},
    {S_OP(ELECTION_SCHEDULE), s_check_schedule, tally_db_schedule, NULL},
    {S_OP(ELECTION_OPEN), s_check_open, tally_db_open, NULL},
    {S_OP(BRIEFING), s_check_briefing, tally_db_briefing, NULL},
    {S_OP(JOURNAL), s_check_journal, tally_db_journal, NULL},
    {S_OP(VOTER_ROLL_SET), election_check_roll_set, roll_set, NULL},
    {S_OP(VOTER_ROLL_GET), election_check_roll_get, roll_get, NULL},
    {S_OP(OBJECTION_FILE), election_check_objection_file, roll_objection_file, NULL},
    {S_OP(OBJECTION_DECIDE), election_check_objection_decide, roll_objection_decide, NULL},
    {S_OP(PROXY_ADD), election_check_proxy, roll_proxy_add, NULL},
    {S_OP(CANDIDATES_SET), election_check_candidates, rounds_candidates_set, NULL},
    {S_OP(ROUND_OPEN), election_check_round, rounds_open, NULL},
    {S_OP(BALLOTS_ENTER), election_check_ballots, ballots_enter, NULL},
    {S_OP(BOX_COUNT), election_check_count, ballots_box_count, NULL},
    {S_OP(RESULT), election_check_election, result_show, NULL},
    {S_OP(CERTIFY), election_check_election, certify_result, NULL},
    {S_OP(AMEND), election_check_amend, certify_amend, NULL},
    {S_OP(VACANCY), election_check_closure, certify_seat_close, NULL},
    {S_OP(REDUCE), election_check_closure, certify_seat_close, &s_reduce},
    {S_OP(ELECTION_LIST), election_check_list, list_elections, NULL},
    {S_OP(VOTERS_IMPORT), roll_check_import, roll_voters_import, NULL},
    {S_OP(VOTERS_LIST), roll_check_list, roll_voters_list, NULL},
    {S_OP(VOTER_OBJECTION), roll_check_objection, roll_voter_objection, NULL},
    {S_OP(VOTER_DECIDE), roll_check_decide, roll_voter_decide, NULL},
    {S_OP(VOTERS_POSTING), roll_check_posting, roll_voters_posting, NULL},
    {0, NULL, NULL, NULL},
};
static const hj_op_t *const s_tables[] = {s_ops, NULL};

static int s_decode(hj_call_t *call, const uint8_t *body, size_t len, void *svc)
{
    return hj_call_decode(call, &hj__tally__request__descriptor, s_permissions, s_tables, body,
                          len);
}

const hj_service_t tally_service = {
    .name = "tally",
    .permissions = s_permissions,
    .decode = s_decode,
    .handle = hj_call_dispatch,
    .release = hj_call_release,
};
