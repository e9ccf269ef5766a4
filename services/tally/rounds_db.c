/* Election day: the candidate list and the rounds with their ballot papers. */
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "result_db.h"
#include "rounds_db.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the candidate list ------------------------------------------------------------------ */

/* The reserve-ledger person nominated for the election's committee: its
 * name into *name (arena). 0, or -1 with INVALID_ARGUMENT naming field. */
static int s_nominee(PGconn *c, hj_call_t *call, const election_t *e, const char *person,
                     const char *field, hj_arena_t *a, const char **name)
{
    const char *v[3] = {e->community, strcmp(e->body, "party") == 0 ? "1" : "2", person};
    PGresult *r =
        election_q(c, a,
                   "SELECT person_name FROM tally.reserve WHERE community = $1 AND "
                   "committee = $2::smallint AND person_id = $3::uuid AND status = 'nominated'",
                   3, v);
    if (!r) {
        hj_call_sql_failed(call, "", "the reserve ledger", "");
        return -1;
    }
    if (PQntuples(r) == 0)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                             "person %s is not nominated for the %s committee of %s in the reserve "
                             "ledger (hj reserve update ID --status nominated, after vetting)",
                             person, e->body, e->community);
    *name = PQgetvalue(r, 0, 0);
    return 0;
}

void rounds_candidates_set(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__CandidateList *l = msg;
    char state[6] = "", field[48], position[24];
    tally_check_t check;
    hj_arena_t a = {0};
    election_t e;
    if (tally_db_caught_up(c, call) != 0 ||
        election_load(c, call, profiles, l->election, 1, &e) != 0 ||
        election_not_certified(call, &e) != 0)
        goto out;
    const char *v[1] = {e.id};
    PGresult *r =
        election_q(c, &a, "SELECT count(*) FROM tally.round WHERE election = $1::uuid", 1, v);
    if (!r) {
        election_sql_failed(call, state, &a, "the rounds", "");
        goto out;
    }
    if (atoi(PQgetvalue(r, 0, 0)) > 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "voting has begun: the candidate list of the first round is fixed");
        goto out;
    }
    const char **names = hj_arena_alloc(&a, (l->n_person_ids + 1) * sizeof *names);
    if (!names) {
        election_sql_failed(call, state, &a, "the list", "");
        goto out;
    }
    for (size_t i = 0; i < l->n_person_ids; i++) {
        snprintf(field, sizeof field, "person_ids[%zu]", i + 1);
        if (s_nominee(c, call, &e, l->person_ids[i], field, &a, &names[i]) != 0)
            goto out;
    }
    if (!tally_rules_check_candidates(e.profile, e.seats, (uint32_t)l->n_person_ids, &check)) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "candidates",
                      "the list is not lawful (差额): %s", check.reason);
        goto out;
    }
    r = hj_pq(c, state, "DELETE FROM tally.candidate WHERE election = $1::uuid", 1, v);
    int written = r != NULL;
    PQclear(r);
    for (size_t i = 0; written && i < l->n_person_ids; i++) {
        const char *w[4] = {e.id, election_num(position, (long long)i + 1), l->person_ids[i],
                            names[i]};
        r = hj_pq(c, state,
                  "INSERT INTO tally.candidate (election, position, person_id, name) "
                  "VALUES ($1::uuid, $2::int, $3::uuid, $4)",
                  4, w);
        written = r != NULL;
        PQclear(r);
    }
    if (!written) {
        election_sql_failed(call, state, &a, "the list", "");
        goto out;
    }
    Hj__Tally__Election *m;
    if (result_election_message(c, profiles, &e, &a, &m) != 0) {
        election_sql_failed(call, state, &a, "the election", "");
        goto out;
    }
    Hj__Tally__CandidateList record = *l;
    record.election = e.id;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_ELECTION;
    reply.election = m;
    snprintf(call->kind, sizeof call->kind, "candidates_set");
    snprintf(call->community, sizeof call->community, "%s", e.community);
    hj_call_reply(call, &reply.base, &record.base);
out:
    hj_arena_free(&a);
}

/* ---- rounds -------------------------------------------------------------------------- */

static int s_insert_paper(PGconn *c, const char *election, const char *round, uint32_t position,
                          const char *person_id, const char *name)
{
    char state[6] = "", pos[24];
    const char *v[5] = {election, round, election_num(pos, position), person_id, name};
    return hj_pq_exec(c, state,
                      "INSERT INTO tally.paper (election, round, position, person_id, name) "
                      "VALUES ($1::uuid, $2::int, $3::int, NULLIF($4, '')::uuid, $5)",
                      5, v);
}

/* A round being opened: the election, its last round, and the paper and
 * seats that follow from it. */
typedef struct {
    election_t e;
    result_tally_t last;
    int has_last;
    int kind;
    uint32_t to_fill, n;       /* seats to fill; persons on the paper */
    const char **ids, **names; /* the paper */
    int new_list;              /* a further round stands a new list */
    uint32_t who_count;        /* the electorate */
    char no[24];
} s_opening_t;

/* load: the election, open and on or after its day, and its last round as
 * counted. 0 / -1 with the status. */
static int s_open_load(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                       const Hj__Tally__RoundOpen *o, hj_arena_t *a, s_opening_t *x)
{
    char state[6] = "", today[11];
    hj_date_today(today);
    if (election_load(c, call, profiles, o->election, 1, &x->e) != 0 ||
        election_is_open(call, &x->e) != 0)
        return -1;
    if (strcmp(today, x->e.date) < 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "date",
                      "election day is %s: a round opens on or after it (today is %s)", x->e.date,
                      today);
        return -1;
    }
    x->has_last = result_tally(c, &x->e, 0, a, &x->last);
    if (x->has_last < 0) {
        election_sql_failed(call, state, a, "the rounds", "");
        return -1;
    }
    return 0;
}

/* load and validate: the paper and the seats of this round follow from the
 * last round (the candidate list for the first). 0 / -1 with the status. */
static int s_open_paper(PGconn *c, hj_call_t *call, const Hj__Tally__RoundOpen *o, hj_arena_t *a,
                        s_opening_t *x)
{
    char state[6] = "", field[48];
    const election_t *e = &x->e;
    const result_tally_t *last = &x->last;
    x->kind = TALLY_ROUND_FIRST;
    x->to_fill = e->seats;
    const char *v[1] = {e->id};
    if (!x->has_last) {
        PGresult *r = election_q(
            c, a,
            "SELECT person_id::text, name FROM tally.candidate WHERE election = $1::uuid "
            "ORDER BY position",
            1, v);
        if (!r) {
            election_sql_failed(call, state, a, "the candidate list", "");
            return -1;
        }
        x->n = (uint32_t)PQntuples(r);
        if (x->n == 0) {
            hj_status_set(
                &call->status, HJ__CODE__FAILED_PRECONDITION, "candidates",
                "the election has no candidate list (hj election candidates %s --person ID ...)",
                e->id);
            return -1;
        }
        x->ids = hj_arena_alloc(a, (x->n + 1) * sizeof *x->ids);
        x->names = hj_arena_alloc(a, (x->n + 1) * sizeof *x->names);
        for (uint32_t i = 0; x->ids && x->names && i < x->n; i++) {
            x->ids[i] = PQgetvalue(r, (int)i, 0);
            x->names[i] = PQgetvalue(r, (int)i, 1);
        }
    } else if (!last->complete) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                      "round %d is still being counted: %u of %u returned ballots counted",
                      last->no, last->counted, last->returned);
        return -1;
    } else if (!last->counted_ok) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                      "round %d does not count: %s", last->no, last->tc->status.message);
        return -1;
    } else {
        const tally_result_t *tc = last->tc;
        const uint32_t *who = NULL;
        switch (tc->outcome) {
        case TALLY_OUTCOME_VOID: /* re-run with the same paper */
            x->kind = last->kind;
            x->to_fill = last->seats_to_fill;
            x->n = last->n_paper;
            break;
        case TALLY_OUTCOME_REVOTE:
            x->kind = TALLY_ROUND_REVOTE;
            x->to_fill = tc->revote_seats;
            x->n = tc->n_tied;
            who = tc->tied;
            break;
        case TALLY_OUTCOME_FURTHER: {
            /* Seats closed after this round (暂缺 / 减少名额) are not voted for again. */
            char last_no[24];
            const char *w[2] = {e->id, election_num(last_no, last->no)};
            PGresult *closed =
                election_call_q(c, call, a, "the closed seats",
                                "SELECT COALESCE(sum(seats), 0) FROM tally.seat_closure "
                                "WHERE election = $1::uuid AND after_round = $2::int",
                                2, w);
            if (!closed)
                return -1;
            x->kind = TALLY_ROUND_FURTHER;
            x->to_fill = tc->further_seats - (election_u32(closed, 0, 0) < tc->further_seats
                                                  ? election_u32(closed, 0, 0)
                                                  : tc->further_seats);
            if (x->to_fill == 0) {
                hj_status_set(
                    &call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                    "every seat is filled or closed: certify the result (hj election certify %s)",
                    e->id);
                return -1;
            }
            x->new_list = e->profile->further_standing.kind == TALLY_STANDING_NEW_LIST;
            x->n = x->new_list ? (uint32_t)o->n_person_ids : tc->n_standing;
            who = tc->standing;
            break;
        }
        default:
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                          "every seat is filled: certify the result (hj election certify %s)",
                          e->id);
            return -1;
        }
        x->ids = hj_arena_alloc(a, (x->n + 1) * sizeof *x->ids);
        x->names = hj_arena_alloc(a, (x->n + 1) * sizeof *x->names);
        if (!x->ids || !x->names) {
            election_sql_failed(call, state, a, "the paper", "");
            return -1;
        }
        if (x->new_list) {
            for (uint32_t i = 0; i < x->n; i++) {
                snprintf(field, sizeof field, "person_ids[%u]", i + 1);
                if (s_nominee(c, call, e, o->person_ids[i], field, a, &x->names[i]) != 0)
                    return -1;
                x->ids[i] = o->person_ids[i];
            }
            tally_check_t check;
            if (!tally_rules_check_candidates(e->profile, x->to_fill, x->n, &check)) {
                hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "person_ids",
                              "the further round's new list is not lawful: %s", check.reason);
                return -1;
            }
        } else {
            for (uint32_t i = 0; i < x->n; i++) {
                uint32_t p = who ? who[i] : i;
                x->ids[i] = p < last->n_paper ? last->paper_ids[p] : "";
                x->names[i] = result_person_name(last, p);
            }
        }
    }
    if (o->n_person_ids && !x->new_list) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "person_ids",
                      "this round's paper follows from the count (profile %s): give no list",
                      e->profile->name);
        return -1;
    }
    return 0;
}

/* load and validate: who should attend (party) is given; a residents'
 * electorate is the roll. No more present, nor ballots issued, than
 * there are voters. 0 / -1 with the status. */
static int s_open_electorate(PGconn *c, hj_call_t *call, const Hj__Tally__RoundOpen *o,
                             hj_arena_t *a, s_opening_t *x)
{
    const election_t *e = &x->e;
    x->who_count = o->electorate;
    if (e->profile->body == TALLY_BODY_RESIDENTS) {
        if (o->electorate) {
            hj_status_set(
                &call->status, HJ__CODE__INVALID_ARGUMENT, "electorate",
                "a residents' election counts its electorate from the voter roll: give none");
            return -1;
        }
        const char *cv[1] = {e->community};
        PGresult *r =
            election_call_q(c, call, a, "the voter roll",
                            "SELECT voters, households, representatives FROM tally.voter_roll "
                            "WHERE community = $1",
                            1, cv);
        if (!r)
            return -1;
        if (PQntuples(r) == 1)
            x->who_count = election_u32(r, 0,
                                        e->mode == TALLY_MODE_HOUSEHOLD        ? 1
                                        : e->mode == TALLY_MODE_REPRESENTATIVE ? 2
                                                                               : 0);
        if (!x->who_count) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "electorate",
                          "the voter roll of %s records no %s (hj voters set)", e->community,
                          e->profile->electorate_label[e->mode]);
            return -1;
        }
    } else if (!x->who_count) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "electorate",
                      "electorate: how many %s (required)", e->profile->electorate_label[e->mode]);
        return -1;
    }
    if (o->present > x->who_count) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "present",
                      "%u present, but there are only %u %s", o->present, x->who_count,
                      e->profile->electorate_label[e->mode]);
        return -1;
    }
    /* One ballot a voter: more issued than there are voters is no count (returned
     * above issued stays lawful to record: the rules make that round void). */
    uint64_t issued_all = 0;
    for (size_t i = 0; i < o->n_boxes; i++)
        issued_all += o->boxes[i]->issued;
    if (issued_all > x->who_count) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "boxes",
                      "%llu ballots issued, but there are only %u %s",
                      (unsigned long long)issued_all, x->who_count,
                      e->profile->electorate_label[e->mode]);
        return -1;
    }
    return 0;
}

/* store: the round, its paper and its boxes. 0 / -1 with the status. */
static int s_open_store(PGconn *c, hj_call_t *call, const Hj__Tally__RoundOpen *o, hj_arena_t *a,
                        s_opening_t *x)
{
    char state[6] = "", seats[24], electorate[24], present[24];
    const election_t *e = &x->e;
    const char *w[7] = {e->id,
                        election_num(x->no, x->has_last ? x->last.no + 1 : 1),
                        tally_rules_round_name((tally_round_kind_t)x->kind),
                        election_num(seats, x->to_fill),
                        election_num(electorate, x->who_count),
                        election_num(present, o->present),
                        call->actor};
    if (election_exec(
            c, call, a, "the round",
            "INSERT INTO tally.round (election, no, kind, seats_to_fill, electorate, present, "
            "opened_by) VALUES ($1::uuid, $2::int, $3, $4::int, $5::int, $6::int, $7)",
            7, w) != 0)
        return -1;
    for (uint32_t i = 0; i < x->n; i++)
        if (s_insert_paper(c, e->id, x->no, i + 1, x->ids[i], x->names[i]) != 0) {
            election_sql_failed(call, state, a, "the ballot paper", "");
            return -1;
        }
    for (size_t i = 0; i < o->n_boxes; i++) {
        const Hj__Tally__Box *b = o->boxes[i];
        char issued[24], returned[24];
        const char *y[6] = {e->id,
                            x->no,
                            b->name,
                            b->kind,
                            election_num(issued, b->issued),
                            election_num(returned, b->returned)};
        if (election_exec(c, call, a, "the ballot boxes",
                          "INSERT INTO tally.box (election, round, name, kind, issued, returned) "
                          "VALUES ($1::uuid, $2::int, $3, $4, $5::int, $6::int)",
                          6, y) != 0)
            return -1;
    }
    hj_info("election %s: round %s (%s) opened for %u seat(s), %u on the paper", e->id, x->no,
            tally_rules_round_name((tally_round_kind_t)x->kind), x->to_fill, x->n);
    return 0;
}

void rounds_open(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__RoundOpen *o = msg;
    hj_arena_t a = {0};
    s_opening_t x;
    memset(&x, 0, sizeof x);
    if (s_open_load(c, call, profiles, o, &a, &x) == 0 && s_open_paper(c, call, o, &a, &x) == 0 &&
        s_open_electorate(c, call, o, &a, &x) == 0 && s_open_store(c, call, o, &a, &x) == 0)
        result_count_reply(c, call, &x.e, "round_opened"); /* reply */
    hj_arena_free(&a);
}
