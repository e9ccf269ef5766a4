/* The SQL of plans (制定方案): versions, approval chains whose steps are data,
 * and dated tasks with owners (时间到天, 任务到人). */
#include "hj_envelope.h"
#include "hj_pgrow.h"
#include "preparation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Plan *p = msg;
    char subdistrict[64], scope[96];
    const char *field = p->community[0] ? "community" : "subdistrict";
    snprintf(subdistrict, sizeof subdistrict, "%s", p->subdistrict);
    if (p->community[0]) {
        if (prep_community_subdistrict(c, call, p->community, subdistrict))
            return;
        snprintf(scope, sizeof scope, "%s", p->community);
    } else {
        if (prep_exists(c, call, "registry.subdistrict", "code", p->subdistrict, "subdistrict",
                        "subdistrict"))
            return;
        snprintf(scope, sizeof scope, "subdistrict:%s", p->subdistrict);
    }
    /* One plan per community (and one subdistrict plan): later versions come by revising it. */
    const char *v[1] = {scope};
    PGresult *r = prep_q(c, call, "plan",
                         "SELECT id, version, state FROM registry.plan WHERE scope = $1 "
                         "ORDER BY version DESC LIMIT 1",
                         1, v);
    if (!r)
        return;
    if (PQntuples(r))
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, field,
                      "%s already has its plan %s (version %s, %s): edit or revise that one",
                      p->community[0] ? p->community : p->subdistrict, PQgetvalue(r, 0, 0),
                      PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
    PQclear(r);
    if (call->status.code != HJ__CODE__OK)
        return;
    const char *w[9] = {call->request_id, subdistrict, p->community,    scope,      p->title,
                        p->text,          p->document, p->submitted_on, call->actor};
    if (prep_exec(
            c, call, "plan",
            "INSERT INTO registry.plan (id, subdistrict, community, scope, version, title, body, "
            "document, submitted_on, recorded_by) VALUES ($1::uuid, $2, NULLIF($3, ''), $4, 1, "
            "$5, $6, $7, $8::date, $9)",
            9, w))
        return;
    for (size_t i = 0; i < p->n_steps; i++) {
        char pos[24];
        snprintf(pos, sizeof pos, "%zu", i + 1);
        const char *x[3] = {call->request_id, pos, p->steps[i]->name};
        if (prep_exec(c, call, "steps",
                      "INSERT INTO registry.plan_step (plan_id, position, name) VALUES ($1::uuid, "
                      "$2::smallint, $3)",
                      3, x))
            return;
    }
    prep_db_get(c, call, &plan_record, call->request_id, "plan_added");
}

/* The plan's state and submission date, locked for this call. 0 / -1. */
static int s_lock(PGconn *c, hj_call_t *call, const char *id, char state[16], char submitted[11])
{
    const char *v[1] = {id};
    PGresult *r = hj_call_q_row(call, c, "plan", "id",
                                "SELECT state, to_char(submitted_on, 'YYYY-MM-DD') FROM "
                                "registry.plan WHERE id = $1::uuid FOR UPDATE",
                                1, v, "plan %s not found", id);
    if (!r)
        return -1;
    snprintf(state, 16, "%s", PQgetvalue(r, 0, 0));
    snprintf(submitted, 11, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    return 0;
}

void plan_db_edit(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__PlanEdit *e = msg;
    char state[16], submitted[11];
    if (s_lock(c, call, e->id, state, submitted))
        return;
    if (strcmp(state, "in_force") == 0 || strcmp(state, "superseded") == 0) {
        prep_refuse(
            call, "state",
            "the plan is %s and cannot be edited: revise it (hj plan revise) to start a new "
            "version with a new approval chain",
            state);
        return;
    }
    /* What was approved was the old text: the chain starts again. */
    const char *v[4] = {e->id, e->title, e->text, e->document};
    if (prep_exec(
            c, call, "plan",
            "UPDATE registry.plan SET title = COALESCE(NULLIF($2, ''), title), "
            "body = COALESCE(NULLIF($3, ''), body), document = COALESCE(NULLIF($4, ''), document), "
            "state = 'draft' WHERE id = $1::uuid",
            4, v) ||
        prep_exec(
            c, call, "steps",
            "UPDATE registry.plan_step SET state = 'pending', decided_on = NULL, approver = '', "
            "note = '', decided_by = '' WHERE plan_id = $1::uuid",
            1, v))
        return;
    prep_db_get(c, call, &plan_record, e->id, "plan_edited");
}

void plan_db_revise(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__PlanEdit *e = msg;
    char state[16], submitted[11];
    if (s_lock(c, call, e->id, state, submitted))
        return;
    if (strcmp(state, "in_force") != 0) {
        prep_refuse(
            call, "state",
            "the plan is %s: only a plan in force is revised (edit a draft or returned one)",
            state);
        return;
    }
    if (strcmp(e->date, submitted) < 0) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                      "date %s is before the plan it revises was submitted (%s)", e->date,
                      submitted);
        return;
    }
    const char *v[1] = {e->id};
    PGresult *r =
        prep_q(c, call, "plan",
               "SELECT n.id FROM registry.plan o JOIN registry.plan n ON n.scope = o.scope "
               "AND n.version > o.version WHERE o.id = $1::uuid",
               1, v);
    if (!r)
        return;
    if (PQntuples(r))
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "id",
                      "a newer version %s of this plan exists already", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (call->status.code != HJ__CODE__OK)
        return;
    const char *w[7] = {call->request_id, e->id,   e->title,   e->text,
                        e->document,      e->date, call->actor};
    if (prep_exec(
            c, call, "plan",
            "INSERT INTO registry.plan (id, subdistrict, community, scope, version, title, body, "
            "document, submitted_on, previous_id, recorded_by) SELECT $1::uuid, subdistrict, "
            "community, scope, version + 1, COALESCE(NULLIF($3, ''), title), "
            "COALESCE(NULLIF($4, ''), body), COALESCE(NULLIF($5, ''), document), $6::date, id, $7 "
            "FROM registry.plan WHERE id = $2::uuid",
            7, w) ||
        prep_exec(
            c, call, "steps",
            "INSERT INTO registry.plan_step (plan_id, position, name) SELECT $1::uuid, position, "
            "name FROM registry.plan_step WHERE plan_id = $2::uuid",
            2, w))
        return;
    prep_db_get(c, call, &plan_record, call->request_id, "plan_revised");
}

/* Steps are decided in order. The last approval puts the plan in force and
 * supersedes the version before it; a return sends it back for editing. */
void plan_db_decide(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__PlanDecision *d = msg;
    char state[16], submitted[11], pos[8];
    if (s_lock(c, call, d->id, state, submitted))
        return;
    if (strcmp(state, "draft") != 0) {
        prep_refuse(call, "state", "the plan is %s: %s", state,
                    strcmp(state, "returned") == 0
                        ? "edit it (hj plan edit) to restart its approval chain"
                        : "its approval chain is finished");
        return;
    }
    const char *v[1] = {d->id};
    PGresult *r = prep_q(c, call, "steps",
                         "SELECT position, name, COALESCE((SELECT to_char(max(decided_on), "
                         "'YYYY-MM-DD') FROM registry.plan_step WHERE plan_id = $1::uuid), ''), "
                         "(SELECT count(*) FROM registry.plan_step WHERE plan_id = $1::uuid AND "
                         "state = 'pending') FROM registry.plan_step WHERE plan_id = $1::uuid AND "
                         "state = 'pending' ORDER BY position LIMIT 1",
                         1, v);
    if (!r)
        return;
    int last = 0;
    if (PQntuples(r) == 0)
        prep_refuse(call, "state", "the plan has no step left to decide");
    else if ((uint32_t)atoi(PQgetvalue(r, 0, 0)) != d->position)
        prep_refuse(call, "position", "step %s (%s) is next in the approval chain, not step %u",
                    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), d->position);
    else if (strcmp(d->date, submitted) < 0)
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                      "date %s is before the plan was submitted (%s)", d->date, submitted);
    else if (strcmp(d->date, PQgetvalue(r, 0, 2)) < 0)
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                      "date %s is before the step before it was approved (%s)", d->date,
                      PQgetvalue(r, 0, 2));
    else
        last = atoi(PQgetvalue(r, 0, 3)) == 1;
    PQclear(r);
    if (call->status.code != HJ__CODE__OK)
        return;
    snprintf(pos, sizeof pos, "%u", d->position);
    const char *w[7] = {d->id,      pos,         d->approve ? "approved" : "returned",
                        d->date,    d->approver, d->note,
                        call->actor};
    if (prep_exec(c, call, "steps",
                  "UPDATE registry.plan_step SET state = $3, decided_on = $4::date, approver = $5, "
                  "note = $6, decided_by = $7 WHERE plan_id = $1::uuid AND position = $2::smallint",
                  7, w))
        return;
    if (!d->approve &&
        prep_exec(c, call, "plan",
                  "UPDATE registry.plan SET state = 'returned' WHERE id = $1::uuid", 1, w))
        return;
    const char *in_force[2] = {d->id, d->date};
    if (d->approve && last &&
        (prep_exec(c, call, "plan",
                   "UPDATE registry.plan SET state = 'in_force', in_force_on = $2::date WHERE id = "
                   "$1::uuid",
                   2, in_force) ||
         prep_exec(
             c, call, "plan",
             "UPDATE registry.plan o SET state = 'superseded' FROM registry.plan n WHERE "
             "n.id = $1::uuid AND o.scope = n.scope AND o.id <> n.id AND o.state = 'in_force'",
             1, w)))
        return;
    prep_db_get(c, call, &plan_record, d->id, "plan_step_decided");
}

/* ---- tasks ------------------------------------------------------------------ */

void task_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Task *t = msg;
    if (prep_exists(c, call, "registry.plan", "id", t->plan_id, "plan_id", "plan"))
        return;
    /* A task due before its plan was submitted is kept, and flagged. */
    const char *v[6] = {call->request_id, t->plan_id, t->title, t->owner, t->due, call->actor};
    if (prep_exec(
            c, call, "task",
            "INSERT INTO registry.task (id, plan_id, community, title, owner, due, "
            "due_before_plan, recorded_by) SELECT $1::uuid, p.id, p.community, $3, $4, $5::date, "
            "$5::date < p.submitted_on, $6 FROM registry.plan p WHERE p.id = $2::uuid",
            6, v))
        return;
    prep_db_get(c, call, &task_record, call->request_id, "task_added");
}

void task_db_done(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__TaskDone *d = msg;
    const char *v[3] = {d->id, d->date, call->actor};
    PGresult *r = hj_call_q_row(call, c, "task", "id",
                                "SELECT state, voided_at IS NOT NULL FROM registry.task WHERE "
                                "id = $1::uuid FOR UPDATE",
                                1, v, "task %s not found", d->id);
    if (!r)
        return;
    if (PQgetvalue(r, 0, 1)[0] == 't')
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "task %s is voided: it no longer counts and cannot be changed", d->id);
    else if (strcmp(PQgetvalue(r, 0, 0), "open") != 0)
        prep_refuse(call, "state", "the task is already done");
    PQclear(r);
    if (call->status.code != HJ__CODE__OK ||
        prep_exec(c, call, "task",
                  "UPDATE registry.task SET state = 'done', done_on = $2::date, done_by = $3 "
                  "WHERE id = $1::uuid",
                  3, v))
        return;
    prep_db_get(c, call, &task_record, d->id, "task_done");
}

/* A corrected due date is flagged again against its plan's submission. */
int task_db_correct(PGconn *c, hj_call_t *call, const void *msg)
{
    const Hj__Registry__TaskUpdate *u = msg;
    const char *v[4] = {u->id, u->due, u->title, u->owner};
    return prep_exec(c, call, "task",
                     "UPDATE registry.task t SET due = COALESCE(NULLIF($2, '')::date, t.due), "
                     "due_before_plan = COALESCE(NULLIF($2, '')::date, t.due) < p.submitted_on, "
                     "title = COALESCE(NULLIF($3, ''), t.title), "
                     "owner = COALESCE(NULLIF($4, ''), t.owner) "
                     "FROM registry.plan p WHERE p.id = t.plan_id AND t.id = $1::uuid",
                     4, v);
}
