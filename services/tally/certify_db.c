/* Election day: certification, amendments of a certified result, and seats
 * closed as vacant (暂缺) or reduced (减少名额). */
#include "ballots_db.h"
#include "certify_db.h"
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "result_db.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- certification and amendments ----------------------------------------------------------- */

void certify_result(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__ElectionRef *ref = msg;
    char state[6] = "";
    hj_arena_t a = {0};
    election_t e;
    result_t res;
    if (election_load(c, call, profiles, ref->id, 1, &e) != 0)
        goto out;
    if (strcmp(e.state, "certified") == 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "the result was already certified by %s on %s UTC", e.certified_by,
                      e.certified_at);
        goto out;
    }
    if (election_is_open(call, &e) != 0)
        goto out;
    if (result_load(c, &e, &a, &res) != 0) {
        election_sql_failed(call, state, &a, "the result", "");
        goto out;
    }
    /* Every seat elected, or closed under the profile's rule (暂缺 / 减少名额). */
    if (!res.last || !res.last->complete || !res.last->counted_ok ||
        (res.last->tc->outcome != TALLY_OUTCOME_COMPLETE &&
         res.last->tc->outcome != TALLY_OUTCOME_FURTHER) ||
        result_open_seats(&e, &res) > 0) {
        result_next(&e, &res, 1, res.next, res.next_zh, sizeof res.next);
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "result",
                      "the result cannot be certified yet: %u of %u seats filled%s; next: %s",
                      res.n_elected + res.vacant + res.reduced, e.seats,
                      res.vacant + res.reduced ? " or closed" : "", res.next);
        goto out;
    }
    const char *v[2] = {e.id, call->actor};
    if (election_exec(c, call, &a, "the election",
                      "UPDATE tally.election SET state = 'certified', certified_by = $2, "
                      "certified_at = now() WHERE id = $1::uuid",
                      2, v) != 0)
        goto out;
    hj_info("election %s certified by %s", e.id, call->actor);
    Hj__Tally__ElectionRef record = *ref;
    record.id = e.id;
    result_reply(c, call, profiles, e.id, "election_certified", &record.base);
out:
    hj_arena_free(&a);
}

/* 暂缺 / 减少名额: seats the rounds could not fill are closed, where and when
 * the profile allows it (rules.c says why not, naming the rule). A vacant
 * seat's by-election is due the profile's months from today. */
void certify_seat_close(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__SeatClosure *sc = msg;
    /* vacancy and reduce share this handler; reduce's table entry has an arg */
    int reduce = call->handler && call->handler->arg;
    char state[6] = "", today[11], seats[24], after[24], months[24];
    hj_arena_t a = {0};
    election_t e;
    result_t res;
    tally_seats_t now;
    tally_close_check_t check;
    if (election_load(c, call, profiles, sc->election, 1, &e) != 0 ||
        election_is_open(call, &e) != 0)
        goto out;
    if (result_load(c, &e, &a, &res) != 0) {
        election_sql_failed(call, state, &a, "the result", "");
        goto out;
    }
    result_seats_of(&e, &res, &now);
    if (!(reduce ? tally_rules_check_reduce(e.profile, &now, sc->seats, &check)
                 : tally_rules_check_vacancy(e.profile, &now, sc->seats, &check))) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, check.field,
                      "the %s election of %s: %s", e.body, e.community, check.reason);
        goto out;
    }
    hj_date_today(today);
    const char *kind = reduce ? "reduced" : "vacant";
    const char *v[11] = {call->request_id,
                         e.id,
                         kind,
                         election_num(seats, sc->seats),
                         election_num(after, res.last->no),
                         sc->reason,
                         check.reason,
                         check.reason_zh,
                         today,
                         election_num(months, e.profile->vacancy_months),
                         call->actor};
    if (election_exec(
            c, call, &a, "the closed seats",
            "INSERT INTO tally.seat_closure (id, election, kind, seats, after_round, reason, rule, "
            "rule_zh, due_on, actor) VALUES ($1::uuid, $2::uuid, $3, $4::int, $5::int, $6, $7, $8, "
            "CASE WHEN $3 = 'vacant' THEN ($9::date + make_interval(months => $10::int))::date "
            "END, "
            "$11)",
            11, v) != 0)
        goto out;
    hj_info("election %s: %u seat(s) %s by %s: %s", e.id, sc->seats, kind, call->actor, sc->reason);
    Hj__Tally__SeatClosure record = *sc;
    record.election = e.id;
    record.kind = (char *)kind;
    result_reply(c, call, profiles, e.id, reduce ? "seats_reduced" : "seats_vacant", &record.base);
out:
    hj_arena_free(&a);
}

void certify_amend(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__BoxTotal *t = msg;
    hj_arena_t a = {0};
    election_t e;
    int round_no;
    PGresult *box;
    if (election_load(c, call, profiles, t->election, 1, &e) != 0)
        goto out;
    if (strcmp(e.state, "certified") != 0) {
        hj_status_set(
            &call->status, HJ__CODE__FAILED_PRECONDITION, "state",
            "the result is not certified: recount the box instead (hj election count ID --box "
            "NAME ... --reason TEXT); an amendment is for a certified result");
        goto out;
    }
    if (ballots_box(c, call, &e, t->round, t->box, &a, &round_no, &box) != 0 ||
        ballots_store_total(c, call, &e, round_no, box, t, "amendment", &a) != 0)
        goto out;
    Hj__Tally__BoxTotal corrected = *t;
    corrected.election = e.id;
    corrected.round = (uint32_t)round_no;
    hj_warn("election %s: certified result amended by %s (round %d, box %s): %s", e.id, call->actor,
            round_no, t->box, t->reason);
    result_reply(c, call, profiles, e.id, "result_amended", &corrected.base);
out:
    hj_arena_free(&a);
}
