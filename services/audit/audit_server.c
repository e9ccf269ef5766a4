/* hj-auditd handlers: decode, validate, route. No SQL here. */
#include "audit.h"
#include "hj_envelope.h"

#include <stdlib.h>
#include <string.h>

#define S_CODE_MAX 32
#define S_TERM_MAX 64
#define S_NAME_MAX 100
#define S_TITLE_MAX 300
#define S_TEXT_MAX 4000
#define S_NOTE_MAX 2000
#define S_REF_MAX 300
#define S_LIST_MAX 50

/* One line of text: lists travel joined by U+001F in SQL, so no control characters. */
static int s_check_line(hj_status_t *st, const char *field, const char *value, size_t max,
                        int required)
{
    if (hj_check_text(st, field, value, max, required) != 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "%s must be one line without control characters", field);
    return 0;
}

static int s_check_list(hj_status_t *st, const char *field, char **items, size_t n, size_t max)
{
    if (n > S_LIST_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "at most %d %s", S_LIST_MAX,
                             field);
    for (size_t i = 0; i < n; i++)
        if (s_check_line(st, field, items[i], max, 1) != 0)
            return -1;
    return 0;
}

/* A date that has happened (in Asia/Shanghai). */
static int s_check_past_date(hj_status_t *st, const char *field, const char *value, int required)
{
    char today[11];
    if (hj_check_date(st, field, value, required) != 0)
        return -1;
    hj_date_today(today);
    if (value[0] && strcmp(value, today) > 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s (%s) is in the future",
                             field, value);
    return 0;
}

static int s_check_ref(hj_status_t *st, const void *msg)
{
    const Hj__Audit__AuditRef *ref = msg;
    if (!ref)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "audit",
                             "audit is required (an audit id or a community code)");
    return hj_check_text(st, "audit", ref->key, 64, 1) ||
           s_check_line(st, "term", ref->term, S_TERM_MAX, 0);
}

static int s_check_open(hj_status_t *st, const void *msg)
{
    const Hj__Audit__Engagement *e = msg;
    if (hj_check_text(st, "community", e->community, S_CODE_MAX, 1) ||
        s_check_line(st, "term", e->term, S_TERM_MAX, 1) ||
        hj_check_date(st, "period_from", e->period_from, 1) ||
        hj_check_date(st, "period_to", e->period_to, 1))
        return -1;
    if (strcmp(e->period_to, e->period_from) < 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "period_to",
                             "the audited period ends (%s) before it starts (%s)", e->period_to,
                             e->period_from);
    if (e->n_auditors == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "auditors",
                             "at least one auditor is required");
    if (s_check_list(st, "auditors", e->auditors, e->n_auditors, S_NAME_MAX) ||
        s_check_past_date(st, "opened_on", e->opened_on, 0))
        return -1;
    if (e->opened_on[0] && strcmp(e->opened_on, e->period_from) < 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "opened_on",
                             "opened_on (%s) is before the audited period starts (%s)",
                             e->opened_on, e->period_from);
    return 0;
}

static int s_check_scope_add(hj_status_t *st, const void *msg)
{
    const Hj__Audit__ScopeAdd *a = msg;
    const Hj__Audit__ScopeItem *i = a->item;
    if (s_check_ref(st, a->audit))
        return -1;
    if (!i)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "item", "item is required");
    if (s_check_line(st, "title", i->title, S_TITLE_MAX, 1) ||
        hj_check_text(st, "note", i->note, S_NOTE_MAX, 0))
        return -1;
    if (i->basis == HJ__AUDIT__BASIS__BASIS_UNSPECIFIED) {
        if (i->signers || i->eligible || i->requested_by[0] || i->requested_on[0])
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "basis",
                                 "a requested item needs its basis: representatives or residents");
        return 0;
    }
    if (i->basis != HJ__AUDIT__BASIS__REPRESENTATIVES && i->basis != HJ__AUDIT__BASIS__RESIDENTS)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "basis",
                             "basis must be representatives or residents");
    if (i->signers == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "signers",
                             "signers (how many asked) is required");
    if (i->eligible < i->signers)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "eligible",
                             "eligible (%u) must be at least the number who asked (%u)",
                             i->eligible, i->signers);
    return s_check_line(st, "requested_by", i->requested_by, S_TITLE_MAX, 1) ||
           s_check_past_date(st, "requested_on", i->requested_on, 1);
}

static int s_check_finding_add(hj_status_t *st, const void *msg)
{
    const Hj__Audit__FindingAdd *a = msg;
    const Hj__Audit__Finding *f = a->finding;
    int64_t fen;
    if (s_check_ref(st, a->audit))
        return -1;
    if (!f)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "finding", "finding is required");
    if (f->scope_item == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "scope_item",
                             "scope_item (the item's number in the audit) is required");
    if (f->severity < HJ__AUDIT__SEVERITY__OBSERVATION ||
        f->severity > HJ__AUDIT__SEVERITY__SERIOUS)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "severity",
                             "severity must be observation, irregularity or serious");
    if (f->amount[0] && audit_amount_parse(st, "amount", f->amount, &fen) != 0)
        return -1;
    if (hj_check_text(st, "text", f->text, S_TEXT_MAX, 1) ||
        s_check_line(st, "responsible", f->responsible, S_NAME_MAX,
                     f->severity != HJ__AUDIT__SEVERITY__OBSERVATION) ||
        s_check_list(st, "evidence", f->evidence, f->n_evidence, S_REF_MAX))
        return -1;
    return 0;
}

/* An item of an audit: the audit and the item's number (what: "finding"). */
static int s_check_item(hj_status_t *st, const Hj__Audit__AuditRef *audit, uint32_t no,
                        const char *what)
{
    if (s_check_ref(st, audit))
        return -1;
    if (no == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "no",
                             "no (the %s's number) is required", what);
    return 0;
}

static int s_check_finding_update(hj_status_t *st, const void *msg)
{
    const Hj__Audit__FindingUpdate *u = msg;
    if (s_check_item(st, u->audit, u->no, "finding"))
        return -1;
    if ((int)u->remedy < 0 || u->remedy > HJ__AUDIT__REMEDY__REFERRED)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "remedy",
                             "remedy must be open, remedied or referred");
    if (s_check_line(st, "responsible", u->responsible, S_NAME_MAX, 0) ||
        s_check_list(st, "evidence", u->evidence, u->n_evidence, S_REF_MAX) ||
        hj_check_text(st, "note", u->note, S_NOTE_MAX, 0))
        return -1;
    if (!u->remedy && !u->responsible[0] && !u->n_evidence && !u->note[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "remedy",
                             "nothing to update: give a remedy, responsible, evidence or a note");
    return 0;
}

static int s_check_query(hj_status_t *st, const void *msg)
{
    const Hj__Audit__ListQuery *q = msg;
    if (q->limit > 1000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "limit", "limit is at most 1000");
    if ((int)q->state < 0 || q->state > HJ__AUDIT__STATE__PUBLISHED)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "state", "unknown state");
    if (q->after[0] && !hj_uuid_valid(q->after))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "after", "after must be an audit id");
    return hj_check_text(st, "community", q->community, S_CODE_MAX, 0);
}

static int s_check_scope_set(hj_status_t *st, const void *msg)
{
    const Hj__Audit__ScopeSet *s = msg;
    if (s_check_item(st, s->audit, s->no, "scope item"))
        return -1;
    if (s->status < HJ__AUDIT__SCOPE_STATUS__NOT_STARTED ||
        s->status > HJ__AUDIT__SCOPE_STATUS__CLEARED)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "status",
                             "status must be not_started, examined, finding_raised or cleared");
    return hj_check_text(st, "note", s->note, S_NOTE_MAX, 0);
}

static int s_check_advance(hj_status_t *st, const void *msg)
{
    const Hj__Audit__Advance *a = msg;
    if (s_check_ref(st, a->audit))
        return -1;
    if ((int)a->to < 0 || a->to > HJ__AUDIT__STATE__PUBLISHED)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "to",
                             "to must be planned, fieldwork, draft_report, completed or published");
    return hj_check_text(st, "reason", a->reason, S_NOTE_MAX, 0) ||
           s_check_past_date(st, "on", a->on, 0);
}

static int s_check_status(hj_status_t *st, const void *msg)
{
    const Hj__Audit__StatusQuery *q = msg;
    return hj_check_text(st, "community", q->community, S_CODE_MAX, 0);
}

static int s_check_gate(hj_status_t *st, const void *msg)
{
    const Hj__Audit__GateQuery *g = msg;
    return hj_check_text(st, "community", g->community, S_CODE_MAX, 1) ||
           s_check_line(st, "term", g->term, S_TERM_MAX, 0);
}

/* Who may do what (README "Devices, roles and who may do what"): the
 * auditors (and the district) write; every device reads the audits' states
 * (status, list, gate), the audit itself with its findings' text only the
 * offices, the auditors and guidance groups within their communities. This
 * table is also what makes an operation a write (it must carry a UUID). */
#define S_AUDITORS (HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_AUDITOR)
#define S_OP(op) HJ__AUDIT__REQUEST__OP_##op
static const hj_permission_t s_permissions[] = {
    {S_OP(OPEN), "open", 1, S_AUDITORS, 0, 0},
    {S_OP(SHOW), "show", 0, HJ_READ_RECORD | HJ_ROLE_AUDITOR, 1, 0},
    {S_OP(LIST), "list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(SCOPE_ADD), "scope_add", 1, S_AUDITORS, 0, 0},
    {S_OP(SCOPE_SET), "scope_set", 1, S_AUDITORS, 0, 0},
    {S_OP(SCOPE_LIST), "scope_list", 0, HJ_READ_RECORD | HJ_ROLE_AUDITOR, 1, 0},
    {S_OP(FINDING_ADD), "finding_add", 1, S_AUDITORS, 0, 0},
    {S_OP(FINDING_UPDATE), "finding_update", 1, S_AUDITORS, 0, 0},
    {S_OP(ADVANCE), "advance", 1, S_AUDITORS, 0, 0},
    {S_OP(STATUS), "status", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(GATE), "gate", 0, HJ_READ_FIGURES, 0, 0},
    {0, NULL, 0, 0, 0, 0},
};

/* What each operation checks and which statement runs it (audit_db.c). */
static const hj_op_t s_ops[] = {
    {S_OP(OPEN), s_check_open, audit_db_open, NULL},
    {S_OP(SHOW), s_check_ref, audit_db_show, NULL},
    {S_OP(LIST), s_check_query, audit_db_list, NULL},
    {S_OP(SCOPE_ADD), s_check_scope_add, audit_db_scope_add, NULL},
    {S_OP(SCOPE_SET), s_check_scope_set, audit_db_scope_set, NULL},
    {S_OP(SCOPE_LIST), s_check_ref, audit_db_scope_list, NULL},
    {S_OP(FINDING_ADD), s_check_finding_add, audit_db_finding_add, NULL},
    {S_OP(FINDING_UPDATE), s_check_finding_update, audit_db_finding_update, NULL},
    {S_OP(ADVANCE), s_check_advance, audit_db_advance, NULL},
    {S_OP(STATUS), s_check_status, audit_db_status, NULL},
    {S_OP(GATE), s_check_gate, audit_db_gate, NULL},
    {0, NULL, NULL, NULL},
};
static const hj_op_t *const s_tables[] = {s_ops, NULL};

static int s_decode(hj_call_t *call, const uint8_t *body, size_t len, void *svc)
{
    return hj_call_decode(call, &hj__audit__request__descriptor, s_permissions, s_tables, body,
                          len);
}

const hj_service_t audit_service = {
    .name = "audit",
    .decode = s_decode,
    .handle = hj_call_dispatch,
    .release = hj_call_release,
    .permissions = s_permissions,
};
