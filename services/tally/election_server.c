/* Election day requests: decode checks (no SQL), each an hj_op_t check of
 * tally_server.c's table. The rules that need the record (the roll, the paper, the boxes)
 * are applied there. */
#include "ballots_db.h"
#include "certify_db.h"
#include "hj_envelope.h"
#include "list_db.h"
#include "result_db.h"
#include "roll_db.h"
#include "rounds_db.h"
#include "tally.h"

#include <string.h>

#define S_NAME_MAX 100
#define S_TEXT_MAX 2000
#define S_VOTER_NO_MAX 32
#define S_BOX_MAX 64
#define S_BOXES_MAX 20
#define S_BALLOTS_MAX 1000
#define S_WRITEINS_MAX 16
#define S_COUNT_MAX 10000000u

int tally_check_decision(hj_status_t *st, const char *decision, const char *rule)
{
    if (strcmp(decision, "upheld") != 0 && strcmp(decision, "dismissed") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "decision", "%s", rule);
    return 0;
}

static int s_count(hj_status_t *st, const char *field, uint32_t n)
{
    if (n > S_COUNT_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s %u is too large", field, n);
    return 0;
}

static int s_uuids(hj_status_t *st, const char *what, char **ids, size_t n, size_t max)
{
    char field[48];
    if (n > max)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, what, "at most %zu %s", max, what);
    for (size_t i = 0; i < n; i++) {
        snprintf(field, sizeof field, "%s[%zu]", what, i + 1);
        if (hj_check_uuid(st, field, ids[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                     "person %s is given twice", ids[i]);
    }
    return 0;
}

static int s_check_boxes(hj_status_t *st, const Hj__Tally__RoundOpen *o)
{
    char field[48];
    if (o->n_boxes == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "boxes",
                             "at least one ballot box (NAME:main|mobile:ISSUED:RETURNED)");
    if (o->n_boxes > S_BOXES_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "boxes", "at most %d ballot boxes",
                             S_BOXES_MAX);
    for (size_t i = 0; i < o->n_boxes; i++) {
        const Hj__Tally__Box *b = o->boxes[i];
        snprintf(field, sizeof field, "boxes[%zu].name", i + 1);
        if (hj_check_required(st, field, b->name, S_BOX_MAX) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->name, o->boxes[j]->name) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "box %s is given twice",
                                     b->name);
        snprintf(field, sizeof field, "boxes[%zu].kind", i + 1);
        if (strcmp(b->kind, "main") != 0 && strcmp(b->kind, "mobile") != 0)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "a box is main (主票箱) or mobile (流动票箱)");
        snprintf(field, sizeof field, "boxes[%zu].issued", i + 1);
        if (s_count(st, field, b->issued) != 0)
            return -1;
        snprintf(field, sizeof field, "boxes[%zu].returned", i + 1);
        if (s_count(st, field, b->returned) != 0)
            return -1;
    }
    return 0;
}

int election_check_ballots(hj_status_t *st, const void *msg)
{
    const Hj__Tally__BallotBatch *b = msg;
    char field[64];
    if (hj_check_uuid(st, "election", b->election) != 0 ||
        hj_check_required(st, "box", b->box, S_BOX_MAX) != 0)
        return -1;
    if (b->n_ballots == 0 || b->n_ballots > S_BALLOTS_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "ballots",
                             "1 to %d ballots a batch (got %zu)", S_BALLOTS_MAX, b->n_ballots);
    for (size_t i = 0; i < b->n_ballots; i++) {
        const Hj__Tally__Ballot *bl = b->ballots[i];
        snprintf(field, sizeof field, "ballots[%zu].marks", i + 1);
        size_t n = strlen(bl->marks);
        if (n == 0 || n > 64)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "one mark a candidate (1 to 64)");
        for (size_t k = 0; k < n; k++)
            if (!strchr("yna-", bl->marks[k]))
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                     "mark %zu of ballot %zu is '%c': marks are y (yes), n (no), "
                                     "a (abstain), - (blank)",
                                     k + 1, i + 1, bl->marks[k]);
        if (bl->n_writeins > S_WRITEINS_MAX)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "at most %d write-ins a ballot", S_WRITEINS_MAX);
        for (size_t k = 0; k < bl->n_writeins; k++) {
            snprintf(field, sizeof field, "ballots[%u].writeins[%u]", (unsigned)(i + 1),
                     (unsigned)(k + 1));
            if (hj_check_required(st, field, bl->writeins[k]->name, S_NAME_MAX) != 0)
                return -1;
        }
    }
    return 0;
}

static int s_check_total(hj_status_t *st, const Hj__Tally__BoxTotal *t, int amend)
{
    char field[48];
    if (hj_check_uuid(st, "election", t->election) != 0 ||
        hj_check_required(st, "box", t->box, S_BOX_MAX) != 0 ||
        s_count(st, "valid", t->valid) != 0 || s_count(st, "invalid", t->invalid) != 0)
        return -1;
    if (t->n_votes == 0 || t->n_votes > 64)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "votes",
                             "votes: one count a candidate, in paper order");
    for (size_t i = 0; i < t->n_votes; i++) {
        snprintf(field, sizeof field, "votes[%zu]", i + 1);
        if (s_count(st, field, t->votes[i]) != 0)
            return -1;
    }
    if (t->n_writeins > 64)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "writeins",
                             "at most 64 write-in persons");
    for (size_t i = 0; i < t->n_writeins; i++) {
        snprintf(field, sizeof field, "writeins[%zu].name", i + 1);
        if (hj_check_required(st, field, t->writeins[i]->name, S_NAME_MAX) != 0)
            return -1;
        snprintf(field, sizeof field, "writeins[%zu].votes", i + 1);
        if (s_count(st, field, t->writeins[i]->votes) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->writeins[i]->name, t->writeins[j]->name) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                     "write-in %s is given twice", t->writeins[i]->name);
    }
    if (amend)
        return hj_check_required(st, "reason", t->reason, S_TEXT_MAX);
    if (t->round)
        return hj_status_set(
            st, HJ__CODE__INVALID_ARGUMENT, "round",
            "a box is counted in the open round; a round belongs to an amendment of a "
            "certified result");
    /* A reason makes a recount of a box already counted. */
    return hj_check_text(st, "reason", t->reason, S_TEXT_MAX, 0);
}

int election_check_roll_set(hj_status_t *st, const void *msg)
{
    const Hj__Tally__VoterRoll *v = msg;
    if (hj_check_code(st, "community", v->community, 1) != 0 ||
        s_count(st, "voters", v->voters) != 0 || s_count(st, "households", v->households) != 0 ||
        s_count(st, "representatives", v->representatives) != 0 ||
        hj_check_past_date(st, "published_on", v->published_on, 0) != 0)
        return -1;
    if (v->voters == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "voters",
                             "voters: how many are registered (required)");
    if (v->households > v->voters || v->representatives > v->voters)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT,
                             v->households > v->voters ? "households" : "representatives",
                             "more %s than registered voters (%u)",
                             v->households > v->voters ? "households" : "representatives",
                             v->voters);
    return 0;
}

int election_check_roll_get(hj_status_t *st, const void *msg)
{
    return hj_check_code(st, "community", ((const Hj__Tally__SnapshotQuery *)msg)->community, 1);
}

int election_check_objection_file(hj_status_t *st, const void *msg)
{
    const Hj__Tally__Objection *o = msg;
    return hj_check_code(st, "community", o->community, 1) ||
                   hj_check_required(st, "filed_by", o->filed_by, S_NAME_MAX) ||
                   hj_check_past_date(st, "filed_on", o->filed_on, 1) ||
                   hj_check_required(st, "about", o->about, S_TEXT_MAX)
               ? -1
               : 0;
}

int election_check_objection_decide(hj_status_t *st, const void *msg)
{
    const Hj__Tally__ObjectionDecision *d = msg;
    return hj_check_uuid(st, "id", d->id) || hj_check_past_date(st, "date", d->date, 1) ||
                   hj_check_text(st, "note", d->note, S_TEXT_MAX, 0) ||
                   tally_check_decision(st, d->decision,
                                        "decision is upheld (the list is corrected) or dismissed")
               ? -1
               : 0;
}

int election_check_proxy(hj_status_t *st, const void *msg)
{
    const Hj__Tally__Proxy *p = msg;
    if (hj_check_uuid(st, "election", p->election) != 0 ||
        hj_check_required(st, "holder", p->holder, S_VOTER_NO_MAX) != 0 ||
        hj_check_text(st, "holder_name", p->holder_name, S_NAME_MAX, 0) != 0 ||
        hj_check_required(st, "principal", p->principal, S_VOTER_NO_MAX) != 0 ||
        hj_check_text(st, "principal_name", p->principal_name, S_NAME_MAX, 0) != 0)
        return -1;
    if (strcmp(p->holder, p->principal) == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "holder",
                             "a voter cannot hold their own proxy");
    return 0;
}

int election_check_candidates(hj_status_t *st, const void *msg)
{
    const Hj__Tally__CandidateList *l = msg;
    if (hj_check_uuid(st, "election", l->election) != 0)
        return -1;
    if (l->n_person_ids == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "person_ids",
                             "the list names at least one person");
    return s_uuids(st, "person_ids", l->person_ids, l->n_person_ids, 64);
}

int election_check_round(hj_status_t *st, const void *msg)
{
    const Hj__Tally__RoundOpen *o = msg;
    return hj_check_uuid(st, "election", o->election) || s_count(st, "electorate", o->electorate) ||
                   s_count(st, "present", o->present) || s_check_boxes(st, o) ||
                   s_uuids(st, "person_ids", o->person_ids, o->n_person_ids, 64)
               ? -1
               : 0;
}

int election_check_count(hj_status_t *st, const void *msg)
{
    return s_check_total(st, msg, 0);
}

int election_check_amend(hj_status_t *st, const void *msg)
{
    return s_check_total(st, msg, 1);
}

int election_check_election(hj_status_t *st, const void *msg)
{
    return hj_check_uuid(st, "election", ((const Hj__Tally__ElectionRef *)msg)->id);
}

int election_check_closure(hj_status_t *st, const void *msg)
{
    const Hj__Tally__SeatClosure *c = msg;
    if (hj_check_uuid(st, "election", c->election) != 0 ||
        hj_check_required(st, "reason", c->reason, S_TEXT_MAX) != 0)
        return -1;
    if (c->seats < 1 || c->seats > 30)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "seats",
                             "seats: 1 to 30 seats to close (got %u)", c->seats);
    return 0;
}

int election_check_list(hj_status_t *st, const void *msg)
{
    const Hj__Tally__ElectionListQuery *q = msg;
    if ((q->community[0] && hj_check_code(st, "community", q->community, 1) != 0) ||
        (q->subdistrict[0] && hj_check_code(st, "subdistrict", q->subdistrict, 1) != 0))
        return -1;
    if (q->state[0] && strcmp(q->state, "scheduled") != 0 && strcmp(q->state, "open") != 0 &&
        strcmp(q->state, "certified") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "state",
                             "state is scheduled, open or certified (got '%s')", q->state);
    return 0;
}
