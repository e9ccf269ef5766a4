/* Every SQL statement of hj-auditd. */
#include "audit.h"
#include "hj_arena.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PAGE_DEFAULT 100
/* Lists (auditors, evidence) travel between C and SQL joined by U+001F; the
 * validator refuses control characters inside an item. */
#define S_SEP "\x1f"

/* ---- small helpers ------------------------------------------------------- */

/* Joins a string vector with U+001F (malloc'd). */
static char *s_join(char *const *items, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    char *out = malloc(len), *p = out;
    if (!out)
        return NULL;
    *p = 0;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? S_SEP : "", items[i]);
    return out;
}

static const char *s_state(int state)
{
    return audit_state_name((Hj__Audit__State)state);
}

/* 0 when the registry has the community, else -1 (NOT_FOUND naming
 * `community`, or a database error). The registry's communities are read
 * from its table (code and name granted read-only, sql/018): one index
 * lookup, never the journal's history. */
static int s_community_known(PGconn *c, hj_call_t *call, const char *code)
{
    const char *v[1] = {code};
    return hj_call_exists(call, c, "the community", "community",
                          "SELECT 1 FROM registry.community WHERE code = $1", 1, v,
                          "community %s not found (add it with hj community add)", code);
}

/* 0 when the list cursor `after` names an audit, else -1 (NOT_FOUND naming
 * `after`, or a database error). */
static int s_cursor_known(PGconn *c, hj_call_t *call, const char *after)
{
    const char *v[1] = {after};
    return hj_call_exists(call, c, "the audits", "after",
                          "SELECT 1 FROM audit.engagement WHERE id::text = $1", 1, v,
                          "after: no audit %s (give the `next` of the previous page)", after);
}

/* Serialises the audits of one community across instances (overlap checks). */
static int s_lock_community(PGconn *c, hj_call_t *call, const char *community)
{
    const char *v[1] = {community};
    return hj_call_exec(call, c, "the community's audits", "",
                        "SELECT pg_advisory_xact_lock(hashtext('hj.audit:' || $1))", 1, v);
}

/* The audit a request names, as found. */
typedef struct {
    char id[37];
    char community[64];
    char term[80];
    int state;
    char opened_on[11];
    char completed_on[11];
    char period_from[11];
    char period_to[11];
    char last_move_on[11];
} s_audit_t;

/* Finds the audit `ref` names (FOR UPDATE when `lock`, for a write).
 * 0, or -1 with call->status set (NOT_FOUND naming community or audit). */
static int s_resolve(PGconn *c, hj_call_t *call, const Hj__Audit__AuditRef *ref, int lock,
                     s_audit_t *a)
{
    char sql[1024];
    int by_id = hj_uuid_valid(ref->key);
    if (!by_id && s_community_known(c, call, ref->key) != 0)
        return -1;
    snprintf(sql, sizeof sql,
             "SELECT e.id, e.community, e.term, e.state, to_char(e.opened_on, 'YYYY-MM-DD'), "
             "COALESCE(to_char(e.completed_on, 'YYYY-MM-DD'), ''), "
             "to_char(e.period_from, 'YYYY-MM-DD'), to_char(e.period_to, 'YYYY-MM-DD'), "
             "(SELECT to_char(max(m.on_date), 'YYYY-MM-DD') FROM audit.move m WHERE m.engagement = "
             "e.id) "
             "FROM audit.engagement e WHERE %s "
             "ORDER BY e.period_to DESC, e.opened_on DESC, e.id LIMIT 1 %s",
             by_id ? "e.id = $1::uuid" : "e.community = $1 AND ($2 = '' OR e.term = $2)",
             lock ? "FOR UPDATE" : "");
    const char *v[2] = {ref->key, ref->term};
    PGresult *r = hj_call_q(call, c, "the audit", "", sql, by_id ? 1 : 2, v);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        if (by_id)
            return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "audit", "audit %s not found",
                                 ref->key);
        if (ref->term[0])
            return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "audit",
                                 "community %s has no audit for term %s", ref->key, ref->term);
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "audit",
                             "no audit has been opened for community %s (hj audit open)", ref->key);
    }
    snprintf(a->id, sizeof a->id, "%s", PQgetvalue(r, 0, 0));
    snprintf(a->community, sizeof a->community, "%s", PQgetvalue(r, 0, 1));
    snprintf(a->term, sizeof a->term, "%s", PQgetvalue(r, 0, 2));
    a->state = atoi(PQgetvalue(r, 0, 3));
    snprintf(a->opened_on, sizeof a->opened_on, "%s", PQgetvalue(r, 0, 4));
    snprintf(a->completed_on, sizeof a->completed_on, "%s", PQgetvalue(r, 0, 5));
    snprintf(a->period_from, sizeof a->period_from, "%s", PQgetvalue(r, 0, 6));
    snprintf(a->period_to, sizeof a->period_to, "%s", PQgetvalue(r, 0, 7));
    snprintf(a->last_move_on, sizeof a->last_move_on, "%s", PQgetvalue(r, 0, 8));
    PQclear(r);
    return 0;
}

/* Scope items and findings change only while the auditors are at work. */
static int s_require_at_work(hj_call_t *call, const s_audit_t *a, const char *what)
{
    if (a->state == HJ__AUDIT__STATE__FIELDWORK || a->state == HJ__AUDIT__STATE__DRAFT_REPORT)
        return 0;
    return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                         "%s only during fieldwork or the draft report; the audit of %s (term %s) "
                         "is %s%s",
                         what, a->community, a->term, s_state(a->state),
                         a->state >= HJ__AUDIT__STATE__COMPLETED
                             ? " (go back to draft_report with a reason to change it)"
                             : "");
}

/* Another completed audit of the community whose period overlaps [from, to]:
 * 0 when none, -1 with FAILED_PRECONDITION naming `period` (or a db error). */
static int s_no_overlap(PGconn *c, hj_call_t *call, const char *community, const char *from,
                        const char *to, const char *except_id)
{
    const char *v[4] = {community, from, to, except_id};
    PGresult *r = hj_call_q(call, c, "the audited period", "",
                            "SELECT term, to_char(period_from, 'YYYY-MM-DD'), "
                            "to_char(period_to, 'YYYY-MM-DD') FROM audit.engagement "
                            "WHERE community = $1 AND state >= 4 AND id::text <> $4 "
                            "AND daterange(period_from, period_to, '[]') && "
                            "daterange($2::date, $3::date, '[]') ORDER BY period_from LIMIT 1",
                            4, v);
    if (!r)
        return -1;
    int rc = 0;
    if (PQntuples(r) > 0)
        rc = hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "period",
                           "the audited period %s..%s overlaps the completed audit of %s for term "
                           "%s (%s..%s)",
                           from, to, community, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
                           PQgetvalue(r, 0, 2));
    PQclear(r);
    return rc;
}

/* ---- rows ---------------------------------------------------------------- */

/* The rows below name their columns as the messages' fields (hj_pgrow_fill);
 * lists joined by S_SEP stand at a fixed column and are split here. */
#define S_ENGAGEMENT_COLS                                                                          \
    "e.id, e.community, e.term, to_char(e.period_from, 'YYYY-MM-DD') AS period_from, "             \
    "to_char(e.period_to, 'YYYY-MM-DD') AS period_to, array_to_string(e.auditors, E'\\x1f'), "     \
    "to_char(e.opened_on, 'YYYY-MM-DD') AS opened_on, e.state, "                                   \
    "COALESCE(to_char(e.completed_on, 'YYYY-MM-DD'), '') AS completed_on, "                        \
    "COALESCE(to_char(e.published_on, 'YYYY-MM-DD'), '') AS published_on"

static void s_engagement_row(hj_arena_t *b, PGresult *r, int i, Hj__Audit__Engagement *e)
{
    hj__audit__engagement__init(e);
    hj_pgrow_fill(r, i, &e->base);
    e->auditors = hj_arena_split(b, PQgetvalue(r, i, 5), S_SEP[0], &e->n_auditors);
}

#define S_SCOPE_COLS                                                                               \
    "s.id, s.engagement AS audit_id, s.no, s.kind, s.code, s.title, s.status, s.note, "            \
    "COALESCE(s.basis, 0) AS basis, COALESCE(s.signers, 0) AS signers, "                           \
    "COALESCE(s.eligible, 0) AS eligible, COALESCE(s.requested_by, '') AS requested_by, "          \
    "COALESCE(to_char(s.requested_on, 'YYYY-MM-DD'), '') AS requested_on, e.community"
#define S_SCOPE_FROM "audit.scope_item s JOIN audit.engagement e ON e.id = s.engagement"

static void s_scope_row(PGresult *r, int i, Hj__Audit__ScopeItem *s)
{
    hj__audit__scope_item__init(s);
    hj_pgrow_fill(r, i, &s->base);
}

#define S_FINDING_COLS                                                                             \
    "f.id, f.engagement AS audit_id, f.no, s.no AS scope_item, f.severity, "                       \
    "COALESCE(f.amount_fen, 0) AS amount_fen, f.amount_fen IS NOT NULL AS has_amount, f.text, "    \
    "f.responsible, f.remedy, f.remedy_note, array_to_string(f.evidence, E'\\x1f'), "              \
    "e.community, e.term, s.title AS scope_title"
#define S_FINDING_FROM                                                                             \
    "audit.finding f JOIN audit.scope_item s ON s.id = f.scope_item "                              \
    "JOIN audit.engagement e ON e.id = f.engagement"

static void s_finding_row(hj_arena_t *b, PGresult *r, int i, Hj__Audit__Finding *f)
{
    hj__audit__finding__init(f);
    hj_pgrow_fill(r, i, &f->base);
    f->evidence = hj_arena_split(b, PQgetvalue(r, i, 11), S_SEP[0], &f->n_evidence);
}

/* The rows of s_rows, as hj_arena_rows calls them. */
static void s_scope_row_b(PGresult *r, int i, void *m, hj_arena_t *b)
{
    s_scope_row(r, i, m);
}

static void s_finding_row_b(PGresult *r, int i, void *m, hj_arena_t *b)
{
    s_finding_row(b, r, i, m);
}

static void s_move_row_b(PGresult *r, int i, void *m, hj_arena_t *b)
{
    Hj__Audit__Move *mv = m;
    hj__audit__move__init(mv);
    mv->from = atoi(PQgetvalue(r, i, 0));
    mv->to = atoi(PQgetvalue(r, i, 1));
    mv->reason = PQgetvalue(r, i, 2);
    mv->on = PQgetvalue(r, i, 3);
    mv->actor = PQgetvalue(r, i, 4);
}

/* Runs `sql` and turns each row into a message with `row`; the vector and
 * the rows are held by the arena. */
static int s_rows(PGconn *c, hj_call_t *call, hj_arena_t *b, const char *sql, int nv,
                  const char *const *v, size_t size, hj_arena_row_fn row, void ***out, size_t *n)
{
    char state[6];
    PGresult *r = hj_arena_keep(b, hj_pq(c, state, sql, nv, v));
    if (!r) {
        hj_call_sql_failed(call, state, "the audit", "");
        return -1;
    }
    int rows = PQntuples(r);
    void **ptrs = hj_arena_rows(b, r, rows, size, row);
    if (!ptrs)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    *out = ptrs;
    *n = (size_t)rows;
    return 0;
}

/* Replies with reply (its result set by the caller) about `community`: what
 * a write journals and a scoped read is judged on. A write (kind) journals
 * record as its payload. */
static void s_reply(hj_call_t *call, Hj__Audit__Reply *reply, const char *community,
                    const char *kind, const ProtobufCMessage *record)
{
    snprintf(call->community, sizeof call->community, "%s", community);
    if (kind)
        snprintf(call->kind, sizeof call->kind, "%s", kind);
    hj_call_reply(call, &reply->base, kind ? record : NULL);
}

/* ---- the whole audit ------------------------------------------------------ */

/* Replies with the audit as stored now; for a write, journals `kind` with the
 * engagement (and the move that brought it here) as the payload. */
static void s_view_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    char state[6];
    hj_arena_t b = {0};
    const char *v[1] = {id};
    Hj__Audit__Engagement e;
    Hj__Audit__AuditView view = HJ__AUDIT__AUDIT_VIEW__INIT;
    PGresult *r = hj_arena_keep(&b, hj_pq(c, state,
                                          "SELECT " S_ENGAGEMENT_COLS
                                          " FROM audit.engagement e WHERE e.id = $1::uuid",
                                          1, v));
    if (!r) {
        hj_call_sql_failed(call, state, "the audit", "");
        goto out;
    }
    if (PQntuples(r) == 0) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "audit", "audit %s not found", id);
        goto out;
    }
    s_engagement_row(&b, r, 0, &e);
    view.engagement = &e;
    const char *cv[1] = {e.community};
    if (s_rows(c, call, &b,
               "SELECT " S_SCOPE_COLS " FROM " S_SCOPE_FROM
               " WHERE s.engagement = $1::uuid ORDER BY s.no",
               1, v, sizeof(Hj__Audit__ScopeItem), s_scope_row_b, (void ***)&view.scope,
               &view.n_scope) ||
        s_rows(c, call, &b,
               "SELECT " S_FINDING_COLS " FROM " S_FINDING_FROM
               " WHERE f.engagement = $1::uuid ORDER BY f.no",
               1, v, sizeof(Hj__Audit__Finding), s_finding_row_b, (void ***)&view.findings,
               &view.n_findings) ||
        s_rows(c, call, &b,
               "SELECT from_state, to_state, reason, to_char(on_date, 'YYYY-MM-DD'), actor "
               "FROM audit.move WHERE engagement = $1::uuid ORDER BY at, id",
               1, v, sizeof(Hj__Audit__Move), s_move_row_b, (void ***)&view.moves, &view.n_moves) ||
        s_rows(c, call, &b,
               "SELECT " S_FINDING_COLS " FROM " S_FINDING_FROM
               " WHERE e.community = $1 AND f.severity = 3 AND f.remedy = 1 "
               "ORDER BY e.period_to, f.no",
               1, cv, sizeof(Hj__Audit__Finding), s_finding_row_b, (void ***)&view.serious_open,
               &view.n_serious_open))
        goto out;
    r = hj_arena_keep(
        &b, hj_pq(c, state,
                  "SELECT COALESCE(sum(amount_fen), 0), count(*) FILTER (WHERE remedy = 1) "
                  "FROM audit.finding WHERE engagement = $1::uuid",
                  1, v));
    if (!r) {
        hj_call_sql_failed(call, state, "the audit's totals", "");
        goto out;
    }
    /* The sum fits: a finding that would overflow it is refused when added. */
    view.amount_total_fen = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    view.open_findings = (uint32_t)atoi(PQgetvalue(r, 0, 1));
    if (view.n_moves)
        e.last_move = view.moves[view.n_moves - 1];
    if (b.failed) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    Hj__Audit__Reply reply = HJ__AUDIT__REPLY__INIT;
    reply.result_case = HJ__AUDIT__REPLY__RESULT_AUDIT;
    reply.audit = &view;
    s_reply(call, &reply, e.community, kind, &e.base);
out:
    hj_arena_free(&b);
}

static int s_move_insert(PGconn *c, hj_call_t *call, const char *id, int from, int to,
                         const char *reason, const char *on)
{
    char f[4], t[4];
    snprintf(f, sizeof f, "%d", from);
    snprintf(t, sizeof t, "%d", to);
    const char *v[7] = {call->request_id, id, f, t, reason, on, call->actor};
    return hj_call_exec(
        call, c, "the audit's move", "",
        "INSERT INTO audit.move (id, engagement, from_state, to_state, reason, "
        "on_date, actor) VALUES ($1, $2, $3::smallint, $4::smallint, $5, $6::date, $7)",
        7, v);
}

void audit_db_open(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__Engagement *e = msg;
    char state[6], today[11];
    hj_date_today(today);
    const char *opened = e->opened_on[0] ? e->opened_on : today;
    if (s_community_known(c, call, e->community) != 0 ||
        s_lock_community(c, call, e->community) != 0 ||
        s_no_overlap(c, call, e->community, e->period_from, e->period_to, "") != 0)
        return;
    char *auditors = s_join(e->auditors, e->n_auditors);
    const char *v[7] = {call->request_id, e->community, e->term, e->period_from,
                        e->period_to,     auditors,     opened};
    PGresult *r =
        hj_pq(c, state,
              "INSERT INTO audit.engagement (id, community, term, period_from, period_to, "
              "auditors, opened_on) VALUES ($1, $2, $3, $4::date, $5::date, "
              "string_to_array($6, E'\\x1f'), $7::date)",
              7, v);
    free(auditors);
    if (!r) {
        if (strcmp(state, "23505") == 0)
            hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "term",
                          "community %s already has an audit for term %s", e->community, e->term);
        else
            hj_call_sql_failed(call, state, "the new audit", "");
        return;
    }
    PQclear(r);
    /* The standard scope, numbered in its order; ids derived from the request id. */
    const char *w[1] = {call->request_id};
    if (hj_call_exec(
            call, c, "the audit's scope", "",
            "INSERT INTO audit.scope_item (id, engagement, no, kind, code, title) "
            "SELECT md5($1 || ':' || position)::uuid, $1::uuid, "
            "row_number() OVER (ORDER BY position), 1, code, title FROM audit.standard_scope",
            1, w))
        return;
    /* Opening is the first move (not_opened → planned): it records who opened it. */
    if (s_move_insert(c, call, call->request_id, HJ__AUDIT__STATE__NOT_OPENED,
                      HJ__AUDIT__STATE__PLANNED, "", opened) != 0)
        return;
    s_view_reply(c, call, call->request_id, "audit_opened");
}

void audit_db_show(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__AuditRef *ref = msg;
    s_audit_t a;
    if (s_resolve(c, call, ref, 0, &a) == 0)
        s_view_reply(c, call, a.id, NULL);
}

void audit_db_advance(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__Advance *adv = msg;
    char state[6], today[11], to_text[4];
    s_audit_t a;
    hj_date_today(today);
    if (s_resolve(c, call, adv->audit, 1, &a) != 0)
        return;
    int to = adv->to;
    if (to == HJ__AUDIT__STATE__NOT_OPENED) {
        if (a.state == HJ__AUDIT__STATE__PUBLISHED) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state_order",
                          "the audit is published: there is no next state");
            return;
        }
        to = a.state + 1;
    }
    if (audit_move_check(&call->status, a.state, to, adv->reason) != 0)
        return;
    const char *on = adv->on[0] ? adv->on : today;
    if (strcmp(on, a.last_move_on) < 0) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "on",
                      "on (%s) is before the audit's last move (%s)", on, a.last_move_on);
        return;
    }
    if (to == HJ__AUDIT__STATE__COMPLETED && a.state < to) {
        /* No sign-off while any scope item is unexamined. */
        const char *v[1] = {a.id};
        PGresult *r = hj_pq(c, state,
                            "SELECT count(*), COALESCE(string_agg(no || ' ' || title, '; ' "
                            "ORDER BY no), '') FROM audit.scope_item "
                            "WHERE engagement = $1::uuid AND status = 1",
                            1, v);
        if (!r) {
            hj_call_sql_failed(call, state, "the audit's scope", "");
            return;
        }
        int unexamined = atoi(PQgetvalue(r, 0, 0));
        if (unexamined)
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "scope_examined",
                          "the audit cannot be completed while %d scope item%s not examined: %s",
                          unexamined, unexamined == 1 ? " is" : "s are", PQgetvalue(r, 0, 1));
        PQclear(r);
        if (unexamined || s_lock_community(c, call, a.community) != 0 ||
            s_no_overlap(c, call, a.community, a.period_from, a.period_to, a.id) != 0)
            return;
    }
    if (to == HJ__AUDIT__STATE__PUBLISHED && strcmp(on, a.completed_on) < 0) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "on",
                      "the publication date %s is before the audit was completed (%s)", on,
                      a.completed_on);
        return;
    }
    snprintf(to_text, sizeof to_text, "%d", to);
    const char *v[3] = {a.id, to_text, on};
    /* completed_on is the date of the move into completed; kept while it stays
     * completed or published, cleared when the audit goes back below. */
    if (hj_call_exec(call, c, "the audit's state", "",
                     "UPDATE audit.engagement SET state = $2::smallint, "
                     "completed_on = CASE WHEN $2::smallint < 4 THEN NULL "
                     "WHEN state < 4 THEN $3::date ELSE completed_on END, "
                     "published_on = CASE WHEN $2::smallint = 5 THEN $3::date END, "
                     "updated_at = now() WHERE id = $1::uuid",
                     3, v))
        return;
    if (s_move_insert(c, call, a.id, a.state, to, adv->reason, on) != 0)
        return;
    s_view_reply(c, call, a.id,
                 to == HJ__AUDIT__STATE__PUBLISHED ? "audit_published" : "audit_advanced");
}

/* ---- scope ---------------------------------------------------------------- */

static void s_scope_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    const char *v[1] = {id};
    PGresult *r =
        hj_call_q_row(call, c, "the scope item", "no",
                      "SELECT " S_SCOPE_COLS " FROM " S_SCOPE_FROM " WHERE s.id = $1::uuid", 1, v,
                      "scope item %s not found", id);
    if (!r)
        return;
    Hj__Audit__ScopeItem s;
    s_scope_row(r, 0, &s);
    Hj__Audit__Reply reply = HJ__AUDIT__REPLY__INIT;
    reply.result_case = HJ__AUDIT__REPLY__RESULT_SCOPE_ITEM;
    reply.scope_item = &s;
    s_reply(call, &reply, s.community, kind, &s.base);
    PQclear(r);
}

void audit_db_scope_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__ScopeAdd *add = msg;
    char basis[4], signers[16], eligible[16];
    const Hj__Audit__ScopeItem *i = add->item;
    s_audit_t a;
    if (s_resolve(c, call, add->audit, 1, &a) != 0)
        return;
    if (a.state >= HJ__AUDIT__STATE__COMPLETED) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "the audit of %s (term %s) is %s: its scope is closed (go back "
                      "to draft_report with a reason to change it)",
                      a.community, a.term, s_state(a.state));
        return;
    }
    snprintf(basis, sizeof basis, "%d", (int)i->basis);
    snprintf(signers, sizeof signers, "%u", i->signers);
    snprintf(eligible, sizeof eligible, "%u", i->eligible);
    if (i->basis) {
        /* The share that must ask is data: audit.request_basis. */
        const char *v[1] = {basis};
        PGresult *r = hj_call_q(
            call, c, "the request basis", "",
            "SELECT num, den, name FROM audit.request_basis WHERE basis = $1::smallint", 1, v);
        if (!r)
            return;
        if (PQntuples(r) == 0) {
            PQclear(r);
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "basis", "unknown basis");
            return;
        }
        int64_t num = atoll(PQgetvalue(r, 0, 0)), den = atoll(PQgetvalue(r, 0, 1));
        if ((int64_t)i->signers * den < (int64_t)i->eligible * num)
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "requested_threshold",
                          "%u of %u is less than the share that may ask for an audit item: %s",
                          i->signers, i->eligible, PQgetvalue(r, 0, 2));
        PQclear(r);
        if (call->status.code != HJ__CODE__OK)
            return;
    }
    const char *w[10] = {
        call->request_id, a.id,     i->basis ? "3" : "2", i->title,       i->note, basis,
        signers,          eligible, i->requested_by,      i->requested_on};
    if (hj_call_exec(
            call, c, "the scope item", "",
            "INSERT INTO audit.scope_item (id, engagement, no, kind, title, note, basis, "
            "signers, eligible, requested_by, requested_on) SELECT $1::uuid, $2::uuid, "
            "COALESCE(max(no), 0) + 1, $3::smallint, $4, $5, NULLIF($6::smallint, 0), "
            "NULLIF($7::int, 0), NULLIF($8::int, 0), NULLIF($9, ''), NULLIF($10, '')::date "
            "FROM audit.scope_item WHERE engagement = $2::uuid",
            10, w))
        return;
    s_scope_reply(c, call, call->request_id, "audit_scope_updated");
}

/* The item `no` of the audit: its id, and how many findings (open ones) it has.
 * 0, or -1 with call->status set (`field` names the number when unknown). */
static int s_scope_item(PGconn *c, hj_call_t *call, const s_audit_t *a, uint32_t no,
                        Hj__Code unknown, const char *field, char id[37], int *findings, int *open)
{
    char n[16];
    snprintf(n, sizeof n, "%u", no);
    const char *v[2] = {a->id, n};
    PGresult *r = hj_call_q(
        call, c, "the scope item", "",
        "SELECT s.id, (SELECT count(*) FROM audit.finding f WHERE f.scope_item = s.id), "
        "(SELECT count(*) FROM audit.finding f WHERE f.scope_item = s.id AND f.remedy = 1), "
        "(SELECT max(no) FROM audit.scope_item WHERE engagement = $1::uuid) "
        "FROM audit.scope_item s WHERE s.engagement = $1::uuid AND s.no = $2::int",
        2, v);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return hj_status_set(
            &call->status, unknown, field,
            "the audit of %s (term %s) has no scope item %u (hj audit scope list %s)", a->community,
            a->term, no, a->community);
    }
    snprintf(id, 37, "%s", PQgetvalue(r, 0, 0));
    *findings = atoi(PQgetvalue(r, 0, 1));
    *open = atoi(PQgetvalue(r, 0, 2));
    PQclear(r);
    return 0;
}

void audit_db_scope_set(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__ScopeSet *set = msg;
    char id[37], status[4];
    int findings, open;
    s_audit_t a;
    if (s_resolve(c, call, set->audit, 1, &a) != 0 ||
        s_require_at_work(call, &a, "scope items are examined") != 0 ||
        s_scope_item(c, call, &a, set->no, HJ__CODE__NOT_FOUND, "no", id, &findings, &open) != 0)
        return;
    /* The status must agree with the item's findings. */
    switch (set->status) {
    case HJ__AUDIT__SCOPE_STATUS__NOT_STARTED:
    case HJ__AUDIT__SCOPE_STATUS__EXAMINED:
        if (findings) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "findings",
                          "scope item %u has %d finding%s: it is finding_raised, or "
                          "cleared once they are remedied or referred",
                          set->no, findings, findings == 1 ? "" : "s");
            return;
        }
        break;
    case HJ__AUDIT__SCOPE_STATUS__FINDING_RAISED:
        if (!findings) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "findings",
                          "scope item %u has no finding: record one with hj audit "
                          "finding add",
                          set->no);
            return;
        }
        break;
    case HJ__AUDIT__SCOPE_STATUS__CLEARED:
        if (open) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "open_findings",
                          "scope item %u still has %d open finding%s", set->no, open,
                          open == 1 ? "" : "s");
            return;
        }
        break;
    default:
        break;
    }
    snprintf(status, sizeof status, "%d", (int)set->status);
    const char *v[3] = {id, status, set->note};
    if (hj_call_exec(call, c, "the scope item", "",
                     "UPDATE audit.scope_item SET status = $2::smallint, "
                     "note = COALESCE(NULLIF($3, ''), note) WHERE id = $1::uuid",
                     3, v))
        return;
    s_scope_reply(c, call, id, "audit_scope_updated");
}

void audit_db_scope_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__AuditRef *ref = msg;
    s_audit_t a;
    hj_arena_t b = {0};
    Hj__Audit__ScopeItems list = HJ__AUDIT__SCOPE_ITEMS__INIT;
    if (s_resolve(c, call, ref, 0, &a) != 0)
        return;
    const char *v[1] = {a.id};
    if (s_rows(c, call, &b,
               "SELECT " S_SCOPE_COLS " FROM " S_SCOPE_FROM
               " WHERE s.engagement = $1::uuid ORDER BY s.no",
               1, v, sizeof(Hj__Audit__ScopeItem), s_scope_row_b, (void ***)&list.items,
               &list.n_items) == 0) {
        Hj__Audit__Reply reply = HJ__AUDIT__REPLY__INIT;
        reply.result_case = HJ__AUDIT__REPLY__RESULT_SCOPE;
        reply.scope = &list;
        s_reply(call, &reply, a.community, NULL, NULL);
    }
    hj_arena_free(&b);
}

/* ---- findings ------------------------------------------------------------- */

static void s_finding_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    char state[6];
    hj_arena_t b = {0};
    const char *v[1] = {id};
    PGresult *r = hj_arena_keep(
        &b, hj_pq(c, state,
                  "SELECT " S_FINDING_COLS " FROM " S_FINDING_FROM " WHERE f.id = $1::uuid", 1, v));
    if (!r)
        hj_call_sql_failed(call, state, "the finding", "");
    else if (b.failed)
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    else if (PQntuples(r) == 0)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "no", "finding %s not found", id);
    else {
        Hj__Audit__Finding f;
        s_finding_row(&b, r, 0, &f);
        Hj__Audit__Reply reply = HJ__AUDIT__REPLY__INIT;
        reply.result_case = HJ__AUDIT__REPLY__RESULT_FINDING;
        reply.finding = &f;
        s_reply(call, &reply, f.community, kind, &f.base);
    }
    hj_arena_free(&b);
}

void audit_db_finding_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__FindingAdd *add = msg;
    char state[6], item[37], amount[24], severity[4];
    const Hj__Audit__Finding *f = add->finding;
    int findings, open;
    int has_amount = f->amount[0] != 0;
    int64_t fen = 0;
    s_audit_t a;
    /* Checked by the decoder, so the parse succeeds. */
    if ((has_amount && audit_amount_parse(&call->status, "amount", f->amount, &fen) != 0) ||
        s_resolve(c, call, add->audit, 1, &a) != 0 ||
        s_require_at_work(call, &a, "findings are recorded") != 0 ||
        s_scope_item(c, call, &a, f->scope_item, HJ__CODE__INVALID_ARGUMENT, "scope_item", item,
                     &findings, &open) != 0)
        return;
    snprintf(amount, sizeof amount, "%" PRId64, fen);
    if (has_amount) {
        /* Every total of the audit stays an exact int64 count of fen. */
        const char *v[2] = {a.id, amount};
        PGresult *r =
            hj_call_q(call, c, "the audit's total", "",
                      "SELECT COALESCE(sum(amount_fen), 0) + $2::numeric > 9223372036854775807 "
                      "FROM audit.finding WHERE engagement = $1::uuid",
                      2, v);
        if (!r)
            return;
        int overflow = PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
        if (overflow) {
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "amount",
                          "amount %s overflows the audit's total of finding amounts "
                          "(at most 92233720368547758.07 yuan)",
                          f->amount);
            return;
        }
    }
    snprintf(severity, sizeof severity, "%d", (int)f->severity);
    char *evidence = s_join(f->evidence, f->n_evidence);
    const char *v[8] = {call->request_id,           a.id,    item,           severity,
                        has_amount ? amount : NULL, f->text, f->responsible, evidence};
    PGresult *r =
        hj_pq(c, state,
              "INSERT INTO audit.finding (id, engagement, no, scope_item, severity, "
              "amount_fen, text, responsible, evidence) SELECT $1::uuid, $2::uuid, "
              "COALESCE(max(no), 0) + 1, $3::uuid, $4::smallint, $5::bigint, $6, $7, "
              "string_to_array($8, E'\\x1f') FROM audit.finding WHERE engagement = $2::uuid",
              8, v);
    free(evidence);
    if (!r) {
        hj_call_sql_failed(call, state, "the finding", "");
        return;
    }
    PQclear(r);
    const char *w[1] = {item};
    if (hj_call_exec(call, c, "the scope item", "",
                     "UPDATE audit.scope_item SET status = 3 WHERE id = $1::uuid", 1, w))
        return;
    s_finding_reply(c, call, call->request_id, "audit_finding_added");
}

void audit_db_finding_update(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__FindingUpdate *u = msg;
    char state[6], no[16], remedy[4], id[37];
    s_audit_t a;
    if (s_resolve(c, call, u->audit, 1, &a) != 0)
        return;
    snprintf(no, sizeof no, "%u", u->no);
    snprintf(remedy, sizeof remedy, "%d", (int)u->remedy);
    char *evidence = s_join(u->evidence, u->n_evidence);
    const char *v[6] = {a.id, no, remedy, u->responsible, evidence, u->note};
    PGresult *r =
        hj_pq(c, state,
              "UPDATE audit.finding SET "
              "remedy = CASE WHEN $3::smallint = 0 THEN remedy ELSE $3::smallint END, "
              "responsible = COALESCE(NULLIF($4, ''), responsible), "
              "evidence = evidence || string_to_array($5, E'\\x1f'), "
              "remedy_note = COALESCE(NULLIF($6, ''), remedy_note), updated_at = now() "
              "WHERE engagement = $1::uuid AND no = $2::int RETURNING id, scope_item, remedy",
              6, v);
    free(evidence);
    if (!r) {
        hj_call_sql_failed(call, state, "the finding", "");
        return;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "no",
                      "the audit of %s (term %s) has no finding %u", a.community, a.term, u->no);
        return;
    }
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    char item[37];
    snprintf(item, sizeof item, "%s", PQgetvalue(r, 0, 1));
    int reopened = atoi(PQgetvalue(r, 0, 2)) == HJ__AUDIT__REMEDY__OPEN;
    PQclear(r);
    if (reopened) {
        /* A cleared item with an open finding again is no longer cleared. */
        const char *w[1] = {item};
        if (hj_call_exec(
                call, c, "the scope item", "",
                "UPDATE audit.scope_item SET status = 3 WHERE id = $1::uuid AND status = 4", 1, w))
            return;
    }
    s_finding_reply(c, call, id, "audit_finding_updated");
}

/* ---- lines: list and status ------------------------------------------------ */

/* Columns of a StatusLine from the engagement `e` (which may be NULL). */
#define S_LINE_COLS                                                                                \
    "COALESCE(e.id::text, ''), COALESCE(e.term, ''), COALESCE(e.state, 0), "                       \
    "(SELECT count(*) FROM audit.finding f WHERE f.engagement = e.id AND f.remedy = 1), "          \
    "(SELECT count(*) FROM audit.finding f JOIN audit.engagement x ON x.id = f.engagement "        \
    " WHERE x.community = %s AND f.severity = 3 AND f.remedy = 1), "                               \
    "(SELECT COALESCE(sum(f.amount_fen), 0) FROM audit.finding f WHERE f.engagement = e.id), "     \
    "COALESCE(to_char(e.published_on, 'YYYY-MM-DD'), ''), "                                        \
    "COALESCE(to_char(e.period_from, 'YYYY-MM-DD'), ''), "                                         \
    "COALESCE(to_char(e.period_to, 'YYYY-MM-DD'), ''), "                                           \
    "COALESCE(to_char(e.opened_on, 'YYYY-MM-DD'), '')"

/* Fills `l` from columns first.. of row i (community and name set by the caller). */
static void s_line_row(PGresult *r, int i, int first, Hj__Audit__StatusLine *l)
{
    l->audit_id = PQgetvalue(r, i, first);
    l->term = PQgetvalue(r, i, first + 1);
    l->state = atoi(PQgetvalue(r, i, first + 2));
    l->open_findings = (uint32_t)atoi(PQgetvalue(r, i, first + 3));
    l->serious_open = (uint32_t)atoi(PQgetvalue(r, i, first + 4));
    l->amount_total_fen = strtoll(PQgetvalue(r, i, first + 5), NULL, 10);
    l->published_on = PQgetvalue(r, i, first + 6);
    l->period_from = PQgetvalue(r, i, first + 7);
    l->period_to = PQgetvalue(r, i, first + 8);
    l->opened_on = PQgetvalue(r, i, first + 9);
}

/* total and next: a list's page (0 and "" for status, which is never cut). */
static void s_lines_reply(hj_call_t *call, Hj__Audit__StatusLine *rows, int n, uint64_t total,
                          const char *next)
{
    Hj__Audit__StatusLine **ptrs = calloc((size_t)n + 1, sizeof *ptrs);
    if (!ptrs) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        return;
    }
    for (int i = 0; i < n; i++)
        ptrs[i] = &rows[i];
    Hj__Audit__StatusLines lines = HJ__AUDIT__STATUS_LINES__INIT;
    lines.n_items = (size_t)n;
    lines.items = ptrs;
    lines.total = total;
    lines.next = (char *)next;
    Hj__Audit__Reply reply = HJ__AUDIT__REPLY__INIT;
    reply.result_case = HJ__AUDIT__REPLY__RESULT_LINES;
    reply.lines = &lines;
    hj_call_reply(call, &reply.base, NULL);
    free(ptrs);
}

/* Replies with the lines `sql` selects: community, its name, S_LINE_COLS.
 * A list page (page > 0) selects one row more than the page, to know whether
 * a next page exists, and count_sql (its first nv - 2 parameters, the filter)
 * counts the whole filter: a list never stops without saying so. */
static void s_lines(PGconn *c, hj_call_t *call, const char *sql, int nv, const char *const *v,
                    uint32_t page, const char *count_sql)
{
    char state[6];
    hj_arena_t b = {0};
    PGresult *r = hj_arena_keep(&b, hj_pq(c, state, sql, nv, v));
    PGresult *total =
        r && count_sql ? hj_arena_keep(&b, hj_pq(c, state, count_sql, nv - 2, v)) : NULL;
    if (!r || (count_sql && !total)) {
        hj_call_sql_failed(call, state, "the audit lines", "");
        goto out;
    }
    int n = PQntuples(r), more = page && n > (int)page;
    if (more)
        n = (int)page;
    Hj__Audit__StatusLine *rows = hj_arena_alloc(&b, ((size_t)n + 1) * sizeof *rows);
    for (int i = 0; rows && i < n; i++) {
        hj__audit__status_line__init(&rows[i]);
        rows[i].community = PQgetvalue(r, i, 0);
        rows[i].name = PQgetvalue(r, i, 1);
        s_line_row(r, i, 2, &rows[i]);
    }
    if (b.failed)
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    else
        s_lines_reply(call, rows, n,
                      total ? strtoull(PQgetvalue(total, 0, 0), NULL, 10) : (uint64_t)n,
                      more ? rows[n - 1].audit_id : "");
out:
    hj_arena_free(&b);
}

/* Audits one page at a time: keyset on (community, period_from, id) after
 * the cursor's audit (index engagement_list_order). */
void audit_db_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__ListQuery *q = msg;
    char limit[16], st[4], sql[2048];
    uint32_t page = q->limit ? q->limit : S_PAGE_DEFAULT;
    snprintf(limit, sizeof limit, "%u", page + 1);
    snprintf(st, sizeof st, "%d", (int)q->state);
    /* A cursor that names no audit would silently give an empty page. */
    if (q->after[0] && s_cursor_known(c, call, q->after) != 0)
        return;
    snprintf(sql, sizeof sql,
             "SELECT e.community, COALESCE((SELECT k.name FROM registry.community k WHERE "
             "k.code = e.community), ''), " S_LINE_COLS " FROM audit.engagement e "
             "WHERE ($1 = '' OR e.community = $1) AND ($2::smallint = 0 OR e.state = $2::smallint) "
             "AND ($3 = '' OR (e.community, e.period_from, e.id) > "
             "(SELECT community, period_from, id FROM audit.engagement WHERE id::text = $3)) "
             "ORDER BY e.community, e.period_from, e.id LIMIT $4::int",
             "e.community");
    const char *v[4] = {q->community, st, q->after, limit};
    s_lines(c, call, sql, 4, v, page,
            "SELECT count(*) FROM audit.engagement e "
            "WHERE ($1 = '' OR e.community = $1) AND ($2::smallint = 0 OR e.state = $2::smallint)");
}

void audit_db_status(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__StatusQuery *q = msg;
    char sql[3072];
    if (q->community[0] && s_community_known(c, call, q->community) != 0)
        return;
    /* One line a community of the registry, with its latest audit. */
    snprintf(sql, sizeof sql,
             "WITH c AS (SELECT code AS community, name FROM registry.community "
             "WHERE $1 = '' OR code = $1) "
             "SELECT c.community, c.name, " S_LINE_COLS " FROM c LEFT JOIN LATERAL "
             "(SELECT * FROM audit.engagement y WHERE y.community = c.community "
             "ORDER BY y.period_to DESC, y.opened_on DESC, y.id LIMIT 1) e ON true "
             "ORDER BY c.community",
             "c.community");
    const char *v[1] = {q->community};
    s_lines(c, call, sql, 1, v, 0, NULL);
}

/* ---- the gate --------------------------------------------------------------- */

void audit_db_gate(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Audit__GateQuery *g = msg;
    char reason[512] = "";
    Hj__Audit__Gate gate = HJ__AUDIT__GATE__INIT;
    if (s_community_known(c, call, g->community) != 0)
        return;
    const char *v[2] = {g->community, g->term};
    PGresult *r =
        hj_call_q(call, c, "the audit gate", "",
                  "SELECT COALESCE(e.id::text, ''), COALESCE(e.term, ''), COALESCE(e.state, 0), "
                  "COALESCE(to_char(e.published_on, 'YYYY-MM-DD'), ''), "
                  "(SELECT count(*) FROM audit.finding f JOIN audit.engagement x ON x.id = "
                  "f.engagement WHERE x.community = $1 AND f.severity = 3 AND f.remedy = 1) "
                  "FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM audit.engagement y "
                  "WHERE y.community = $1 AND ($2 = '' OR y.term = $2) "
                  "ORDER BY y.period_to DESC, y.opened_on DESC, y.id LIMIT 1) e ON true",
                  2, v);
    if (!r)
        return;
    gate.community = g->community;
    gate.audit_id = PQgetvalue(r, 0, 0);
    gate.term = PQgetvalue(r, 0, 1);
    gate.state = atoi(PQgetvalue(r, 0, 2));
    gate.published_on = PQgetvalue(r, 0, 3);
    gate.serious_open = (uint32_t)atoi(PQgetvalue(r, 0, 4));
    gate.done = gate.state == HJ__AUDIT__STATE__PUBLISHED;
    if (gate.state == HJ__AUDIT__STATE__NOT_OPENED)
        snprintf(reason, sizeof reason, "no term audit (任期审计) has been opened for %s%s%s",
                 g->community, g->term[0] ? " for term " : "", g->term);
    else if (gate.state == HJ__AUDIT__STATE__COMPLETED)
        snprintf(reason, sizeof reason,
                 "the audit of term %s is completed but not yet published (未公开)", gate.term);
    else if (!gate.done)
        snprintf(reason, sizeof reason,
                 "the audit of term %s is in state %s: it must be completed and published "
                 "(不经审计不得换届)",
                 gate.term, s_state(gate.state));
    gate.reason = reason;
    Hj__Audit__Reply reply = HJ__AUDIT__REPLY__INIT;
    reply.result_case = HJ__AUDIT__REPLY__RESULT_GATE;
    reply.gate = &gate;
    hj_call_reply(call, &reply.base, NULL);
    PQclear(r);
}
