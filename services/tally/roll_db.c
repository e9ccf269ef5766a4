/* The voter roll (选民登记), objections to it and proxies (委托投票): every
 * SQL statement of them. Moved out of election_db.c (issue 21). */
#include "count.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "roll_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A query whose result the arena keeps; its SQLSTATE in a->sqlstate. */
static PGresult *s_q(PGconn *c, tally_arena_t *a, const char *sql, int n, const char *const *v)
{
    PGresult *r = hj_pq(c, a->sqlstate, sql, n, v);
    tally_keep(a, r);
    return r;
}

static uint32_t s_u32(PGresult *r, int row, int col)
{
    return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static const char *s_num(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

/* ---- the voter roll (选民登记) --------------------------------------------------------- */

static int s_roll_reply(PGconn *c, hj_call_t *call, const char *community, const char *kind,
                        const ProtobufCMessage *record)
{
    tally_arena_t a = {0};
    const char *v[1] = {community};
    int rc = -1;
    PGresult *r = s_q(c, &a,
                      "SELECT community, voters, households, representatives, "
                      "COALESCE(to_char(published_on, 'YYYY-MM-DD'), ''), recorded_by "
                      "FROM tally.voter_roll WHERE community = $1",
                      1, v);
    PGresult *o = r ? s_q(c, &a,
                          "SELECT id, community, filed_by, to_char(filed_on, 'YYYY-MM-DD'), about, "
                          "decision, COALESCE(to_char(decided_on, 'YYYY-MM-DD'), ''), note "
                          "FROM tally.objection WHERE community = $1 ORDER BY filed_on, id",
                          1, v)
                    : NULL;
    if (!o) {
        hj_call_sql_failed(call, "", "the voter roll", "");
        goto out;
    }
    if (PQntuples(r) == 0) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "community",
                      "no voter roll recorded for %s (hj voters set)", community);
        goto out;
    }
    Hj__Tally__VoterRoll roll = HJ__TALLY__VOTER_ROLL__INIT;
    roll.community = PQgetvalue(r, 0, 0);
    roll.voters = s_u32(r, 0, 1);
    roll.households = s_u32(r, 0, 2);
    roll.representatives = s_u32(r, 0, 3);
    roll.published_on = PQgetvalue(r, 0, 4);
    roll.recorded_by = PQgetvalue(r, 0, 5);
    int n = PQntuples(o);
    Hj__Tally__Objection *ob = tally_alloc(&a, ((size_t)n + 1) * sizeof *ob);
    roll.objections = tally_alloc(&a, ((size_t)n + 1) * sizeof *roll.objections);
    if (!ob || !roll.objections) {
        hj_call_sql_failed(call, "", "the voter roll", "");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        hj__tally__objection__init(&ob[i]);
        ob[i].id = PQgetvalue(o, i, 0);
        ob[i].community = PQgetvalue(o, i, 1);
        ob[i].filed_by = PQgetvalue(o, i, 2);
        ob[i].filed_on = PQgetvalue(o, i, 3);
        ob[i].about = PQgetvalue(o, i, 4);
        ob[i].decision = PQgetvalue(o, i, 5);
        ob[i].decided_on = PQgetvalue(o, i, 6);
        ob[i].note = PQgetvalue(o, i, 7);
        roll.objections[roll.n_objections++] = &ob[i];
    }
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_VOTER_ROLL;
    reply.voter_roll = &roll;
    /* What a write journals, and what a scoped read is judged on. */
    snprintf(call->community, sizeof call->community, "%s", community);
    if (kind)
        snprintf(call->kind, sizeof call->kind, "%s", kind);
    hj_call_reply(call, &reply.base, kind ? (record ? record : &roll.base) : NULL);
    rc = 0;
out:
    tally_arena_free(&a);
    return rc;
}

static void s_roll_set(PGconn *c, hj_call_t *call, const Hj__Tally__VoterRoll *m)
{
    char state[6] = "", voters[24], households[24], reps[24];
    if (tally_db_caught_up(c, call) != 0 || tally_db_community_known(c, call, m->community) != 0)
        return;
    const char *v[6] = {m->community, s_num(voters, m->voters), s_num(households, m->households),
                        s_num(reps, m->representatives), m->published_on, call->actor};
    PGresult *r = hj_pq(c, state,
              "INSERT INTO tally.voter_roll (community, voters, households, representatives, "
              "published_on, recorded_by) VALUES ($1, $2::int, $3::int, $4::int, NULLIF($5, '')::date, $6) "
              "ON CONFLICT (community) DO UPDATE SET voters = EXCLUDED.voters, "
              "households = EXCLUDED.households, representatives = EXCLUDED.representatives, "
              "published_on = EXCLUDED.published_on, recorded_by = EXCLUDED.recorded_by, "
              "updated_at = now()",
              6, v);
    if (!r)
        return hj_call_sql_failed(call, state, "the voter roll", "");
    PQclear(r);
    hj_info("voter roll of %s: %u voters, published %s", m->community, m->voters,
            m->published_on[0] ? m->published_on : "not yet");
    s_roll_reply(c, call, m->community, "voter_roll_set", NULL);
}

static void s_objection_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    char state[6] = "";
    const char *v[1] = {id};
    PGresult *r = hj_pq(c, state,
                        "SELECT id, community, filed_by, to_char(filed_on, 'YYYY-MM-DD'), about, decision, "
                        "COALESCE(to_char(decided_on, 'YYYY-MM-DD'), ''), note FROM tally.objection "
                        "WHERE id = $1::uuid",
                        1, v);
    if (!r)
        return hj_call_sql_failed(call, state, "the objection", "");
    if (PQntuples(r) == 1) {
        Hj__Tally__Objection o = HJ__TALLY__OBJECTION__INIT;
        o.id = PQgetvalue(r, 0, 0);
        o.community = PQgetvalue(r, 0, 1);
        o.filed_by = PQgetvalue(r, 0, 2);
        o.filed_on = PQgetvalue(r, 0, 3);
        o.about = PQgetvalue(r, 0, 4);
        o.decision = PQgetvalue(r, 0, 5);
        o.decided_on = PQgetvalue(r, 0, 6);
        o.note = PQgetvalue(r, 0, 7);
        Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
        reply.result_case = HJ__TALLY__REPLY__RESULT_OBJECTION;
        reply.objection = &o;
        snprintf(call->kind, sizeof call->kind, "%s", kind);
        snprintf(call->community, sizeof call->community, "%s", o.community);
        hj_call_reply(call, &reply.base, &o.base);
    } else
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "id", "objection %s not found", id);
    PQclear(r);
}

static void s_objection_file(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                             const Hj__Tally__Objection *o)
{
    char state[6] = "";
    const char *v[1] = {o->community};
    PGresult *r = hj_pq(c, state,
                        "SELECT COALESCE(to_char(published_on, 'YYYY-MM-DD'), '') FROM tally.voter_roll "
                        "WHERE community = $1",
                        1, v);
    if (!r)
        return hj_call_sql_failed(call, state, "the voter roll", "");
    char published[11] = "";
    int found = PQntuples(r) == 1;
    if (found)
        snprintf(published, sizeof published, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!found || !published[0])
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "community",
                                   "the voter list of %s is not published: there is nothing to object to",
                                   o->community);
    uint32_t days = profiles->residents.objection_file_days;
    long after = tally_days_between(published, o->filed_on);
    if (after < 0)
        return (void)hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "filed_on",
                                   "filed_on %s is before the list was published (%s)", o->filed_on,
                                   published);
    if (days && after > (long)days)
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "filed_on",
                                   "filed %s, %ld days after the list was published on %s: objections "
                                   "are taken within %u days (profile %s)",
                                   o->filed_on, after, published, days, profiles->residents.name);
    const char *w[5] = {call->request_id, o->community, o->filed_by, o->filed_on, o->about};
    r = hj_pq(c, state,
              "INSERT INTO tally.objection (id, community, filed_by, filed_on, about) "
              "VALUES ($1::uuid, $2, $3, $4::date, $5)",
              5, w);
    if (!r)
        return hj_call_sql_failed(call, state, "the objection", "");
    PQclear(r);
    s_objection_reply(c, call, call->request_id, "objection_filed");
}

static void s_objection_decide(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                               const Hj__Tally__ObjectionDecision *d)
{
    char state[6] = "", filed[11] = "", decision[16] = "";
    const char *v[1] = {d->id};
    PGresult *r = hj_pq(c, state,
                        "SELECT to_char(filed_on, 'YYYY-MM-DD'), decision FROM tally.objection "
                        "WHERE id = $1::uuid FOR UPDATE",
                        1, v);
    if (!r)
        return hj_call_sql_failed(call, state, "the objection", "");
    int found = PQntuples(r) == 1;
    if (found) {
        snprintf(filed, sizeof filed, "%s", PQgetvalue(r, 0, 0));
        snprintf(decision, sizeof decision, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    if (!found)
        return (void)hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "id", "objection %s not found",
                                   d->id);
    if (decision[0])
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                                   "objection %s is already decided (%s)", d->id, decision);
    uint32_t days = profiles->residents.objection_decide_days;
    long after = tally_days_between(filed, d->date);
    if (after < 0)
        return (void)hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                                   "date %s is before the objection was filed (%s)", d->date, filed);
    if (days && after > (long)days)
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "date",
                                   "decided %s, %ld days after the objection was filed on %s: it must be "
                                   "decided within %u days (profile %s)",
                                   d->date, after, filed, days, profiles->residents.name);
    const char *w[5] = {d->id, d->decision, d->date, d->note, call->actor};
    r = hj_pq(c, state,
              "UPDATE tally.objection SET decision = $2, decided_on = $3::date, note = $4, "
              "decided_by = $5 WHERE id = $1::uuid",
              5, w);
    if (!r)
        return hj_call_sql_failed(call, state, "the objection", "");
    PQclear(r);
    s_objection_reply(c, call, d->id, "objection_decided");
}

/* ---- proxies (委托投票) ----------------------------------------------------------------- */

static void s_proxy_add(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                        const Hj__Tally__Proxy *p)
{
    char state[6] = "", why[TALLY_WHY_MAX];
    roll_election_t e;
    if (election_for_roll(c, call, profiles, p->election, &e) != 0)
        return;
    const char *v[4] = {e.id, p->holder, p->holder_name, p->principal};
    PGresult *r = hj_pq(c, state,
                        "SELECT (SELECT count(*) FROM tally.proxy WHERE election = $1::uuid AND holder = $2), "
                        "EXISTS (SELECT 1 FROM tally.candidate WHERE election = $1::uuid AND name = $3) OR "
                        "EXISTS (SELECT 1 FROM tally.paper WHERE election = $1::uuid AND name = $3), "
                        "(SELECT holder FROM tally.proxy WHERE election = $1::uuid AND principal = $4), "
                        "EXISTS (SELECT 1 FROM tally.proxy WHERE election = $1::uuid AND principal = $2)",
                        4, v);
    if (!r)
        return hj_call_sql_failed(call, state, "the proxies", "");
    uint32_t held = s_u32(r, 0, 0);
    int candidate = PQgetvalue(r, 0, 1)[0] == 't';
    int given = !PQgetisnull(r, 0, 2);
    int holder_gave = PQgetvalue(r, 0, 3)[0] == 't';
    PQclear(r);
    if (candidate)
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                                   "%s is a candidate of this election: a candidate cannot hold a proxy",
                                   p->holder_name);
    if (given)
        return (void)hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "principal",
                                   "voter %s has already given a proxy in this election", p->principal);
    if (holder_gave)
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                                   "voter %s gave a proxy in this election and cannot hold one",
                                   p->holder);
    if (!tally_check_proxies(e.profile, e.mode, held + 1, why, sizeof why))
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                                   "%s would hold %u: %s", p->holder_name, held + 1, why);
    const char *w[6] = {e.id, p->principal, p->principal_name, p->holder, p->holder_name, call->actor};
    r = hj_pq(c, state,
              "INSERT INTO tally.proxy (election, principal, principal_name, holder, holder_name, "
              "recorded_by) VALUES ($1::uuid, $2, $3, $4, $5, $6)",
              6, w);
    if (!r)
        return hj_call_sql_failed(call, state, "the proxy", "");
    PQclear(r);
    Hj__Tally__Proxy out = *p;
    out.election = e.id;
    out.held = held + 1;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_PROXY;
    reply.proxy = &out;
    snprintf(call->kind, sizeof call->kind, "proxy_added");
    snprintf(call->community, sizeof call->community, "%s", e.community);
    hj_call_reply(call, &reply.base, &out.base);
}

/* ---- routing ---------------------------------------------------------------------------- */

void roll_handle(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const Hj__Tally__Request *r)
{
    switch (r->op_case) {
    case HJ__TALLY__REQUEST__OP_VOTER_ROLL_SET:
        return s_roll_set(c, call, r->voter_roll_set);
    case HJ__TALLY__REQUEST__OP_VOTER_ROLL_GET:
        if (tally_db_caught_up(c, call) == 0)
            s_roll_reply(c, call, r->voter_roll_get->community, NULL, NULL);
        return;
    case HJ__TALLY__REQUEST__OP_OBJECTION_FILE:
        return s_objection_file(c, call, profiles, r->objection_file);
    case HJ__TALLY__REQUEST__OP_OBJECTION_DECIDE:
        return s_objection_decide(c, call, profiles, r->objection_decide);
    case HJ__TALLY__REQUEST__OP_PROXY_ADD:
        return s_proxy_add(c, call, profiles, r->proxy_add);
    default:
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "op", "unknown operation");
    }
}
