/* The SQL of rectification (集中整顿: open -> in_progress -> closed) and of
 * party-organisation upgrade requests. */
#include "hj_envelope.h"
#include "preparation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rectification_db_open(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Rectification *m = msg;
    if (prep_exists(c, call, "registry.community", "code", m->community, "community", "community"))
        return;
    const char *v[9] = {call->request_id, m->community, m->problem,   m->description, m->plan,
                        m->owner,         m->due,       m->opened_on, call->actor};
    if (prep_exec(c, call, "rectification",
                  "INSERT INTO registry.rectification (id, community, problem, description, "
                  "plan, owner, due, opened_on, opened_by) VALUES ($1::uuid, $2, $3, $4, $5, "
                  "$6, $7::date, $8::date, $9)",
                  9, v))
        return;
    prep_db_get(c, call, &rectification_record, call->request_id, "rectification_opened");
}

/* Moves one step along open -> in_progress -> closed, refusing any other move
 * and a date before the previous step's. */
static void s_step(PGconn *c, hj_call_t *call, const Hj__Registry__RectificationStep *s,
                   int closing)
{
    const char *v[1] = {s->id};
    PGresult *r = hj_call_q_row(call, c, "rectification", "id",
                                "SELECT state, to_char(opened_on, 'YYYY-MM-DD'), "
                                "COALESCE(to_char(started_on, 'YYYY-MM-DD'), '') FROM "
                                "registry.rectification WHERE id = $1::uuid FOR UPDATE",
                                1, v, "rectification %s not found", s->id);
    if (!r)
        return;
    int ok = 0;
    const char *state = PQgetvalue(r, 0, 0);
    const char *since = PQgetvalue(r, 0, closing ? 2 : 1);
    const char *want = closing ? "in_progress" : "open";
    if (strcmp(state, want) != 0)
        prep_refuse(call, "state", "the rectification is %s: %s", state,
                    closing ? (strcmp(state, "open") == 0
                                   ? "start it (hj rectification start) before closing it"
                                   : "it is already closed")
                            : "only an open one can be started");
    else if (strcmp(s->date, since) < 0)
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                      "date %s is before the rectification was %s (%s)", s->date,
                      closing ? "started" : "opened", since);
    else
        ok = 1;
    PQclear(r);
    if (!ok)
        return;
    const char *w[5] = {s->id, s->date, call->actor, s->note, s->verified_by};
    const char *sql =
        closing ? "UPDATE registry.rectification SET state = 'closed', closed_on = $2::date, "
                  "closed_by = $3, closing_note = $4, verified_by = $5 WHERE id = $1::uuid"
                : "UPDATE registry.rectification SET state = 'in_progress', "
                  "started_on = $2::date, started_by = $3 WHERE id = $1::uuid";
    if (prep_exec(c, call, "rectification", sql, closing ? 5 : 3, w))
        return;
    prep_db_get(c, call, &rectification_record, s->id,
                closing ? "rectification_closed" : "rectification_advanced");
}

void rectification_db_advance(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__RectificationStep *s = msg;
    s_step(c, call, s, 0);
}

void rectification_db_close(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__RectificationStep *s = msg;
    s_step(c, call, s, 1);
}

/* ---- party-organisation upgrades ------------------------------------------- */

static const char *const s_org_words[] = {"", "branch", "general_branch", "committee"};

void upgrade_db_request(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Upgrade *u = msg;
    char to[4];
    const char *v[1] = {u->community};
    PGresult *r = hj_call_q_row(
        call, c, "community", "community",
        "SELECT m.org_type, (SELECT count(*) FROM registry.upgrade g WHERE g.community = m.code "
        "AND g.state = 'requested') FROM registry.community m WHERE m.code = $1",
        1, v, "community %s not found", u->community);
    if (!r)
        return;
    int ok = 0;
    if (atoi(PQgetvalue(r, 0, 1)) > 0)
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "community",
                      "%s already has an undecided upgrade request", u->community);
    else if ((int)u->to_type <= atoi(PQgetvalue(r, 0, 0)))
        prep_refuse(call, "to_type", "%s is already a %s: an upgrade goes to a higher organisation",
                    u->community, s_org_words[atoi(PQgetvalue(r, 0, 0)) & 3]);
    else
        ok = 1;
    PQclear(r);
    if (!ok)
        return;
    snprintf(to, sizeof to, "%d", (int)u->to_type);
    const char *w[6] = {call->request_id, u->community,    to,
                        u->reason,        u->requested_on, call->actor};
    if (prep_exec(c, call, "upgrade",
                  "INSERT INTO registry.upgrade (id, community, from_type, to_type, reason, "
                  "requested_on, requested_by) SELECT $1::uuid, code, org_type, $3::smallint, $4, "
                  "$5::date, $6 FROM registry.community WHERE code = $2",
                  6, w))
        return;
    prep_db_get(c, call, &upgrade_record, call->request_id, "upgrade_requested");
}

/* Approval changes the community's organisation in the same transaction. */
void upgrade_db_decide(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__UpgradeDecision *d = msg;
    const char *v[1] = {d->id};
    PGresult *r = hj_call_q_row(
        call, c, "upgrade", "id",
        "SELECT g.state, to_char(g.requested_on, 'YYYY-MM-DD'), g.from_type, m.org_type, "
        "g.community FROM registry.upgrade g JOIN registry.community m ON m.code = g.community "
        "WHERE g.id = $1::uuid FOR UPDATE",
        1, v, "upgrade request %s not found", d->id);
    if (!r)
        return;
    int ok = 0;
    if (strcmp(PQgetvalue(r, 0, 0), "requested") != 0)
        prep_refuse(call, "state", "the upgrade request is already %s", PQgetvalue(r, 0, 0));
    else if (strcmp(d->date, PQgetvalue(r, 0, 1)) < 0)
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                      "date %s is before the request (%s)", d->date, PQgetvalue(r, 0, 1));
    else if (d->approve && strcmp(PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3)) != 0)
        prep_refuse(
            call, "from_type",
            "%s is no longer a %s as when requested: reject this request and file a new one",
            PQgetvalue(r, 0, 4), s_org_words[atoi(PQgetvalue(r, 0, 2)) & 3]);
    else
        ok = 1;
    PQclear(r);
    if (!ok)
        return;
    const char *w[5] = {d->id, d->approve ? "approved" : "rejected", d->date, d->note, call->actor};
    if (prep_exec(
            c, call, "upgrade",
            "UPDATE registry.upgrade SET state = $2, decided_on = $3::date, decision_note = $4, "
            "decided_by = $5 WHERE id = $1::uuid",
            5, w))
        return;
    if (d->approve &&
        prep_exec(c, call, "community",
                  "UPDATE registry.community m SET org_type = g.to_type, updated_at = now() "
                  "FROM registry.upgrade g WHERE g.id = $1::uuid AND m.code = g.community",
                  1, w))
        return;
    prep_db_get(c, call, &upgrade_record, d->id, "upgrade_decided");
}
