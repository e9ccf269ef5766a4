/* hj-interviewsd handlers: decode, validate, route. No SQL here. */
#include "hj_envelope.h"
#include "hj_log.h"
#include "interviews.h"

#include <stdlib.h>
#include <string.h>

#define S_NAME_MAX 200
#define S_TOPIC_MAX 200
#define S_TEXT_MAX 20000
#define S_INTERVIEWERS_MAX 10
#define S_TOPICS_MAX 20
#define S_FOLLOW_UPS_MAX 20

/* Required text that is more than blanks. */
static int s_check_interviewee(hj_status_t *st, const Hj__Interviews__Talk *t)
{
    const Hj__Interviews__Interviewee *e = t->interviewee;
    if (!e)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewee",
                             "interviewee is required: a registry person_id, or a role and name");
    if (e->person_id[0]) {
        if (hj_check_uuid(st, "interviewee.person_id", e->person_id) != 0)
            return -1;
        if (e->role != HJ__INTERVIEWS__OUTSIDE_ROLE__ROLE_UNSPECIFIED)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewee.role",
                                 "give either a person_id or an outside party's role, not both");
        for (size_t i = 0; i < t->n_interviewers; i++)
            if (strcmp(t->interviewers[i], e->person_id) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewee.person_id",
                                     "the interviewee cannot also be an interviewer");
        return 0;
    }
    if (e->role < HJ__INTERVIEWS__OUTSIDE_ROLE__PROPERTY_COMPANY ||
        e->role > HJ__INTERVIEWS__OUTSIDE_ROLE__OTHER_PARTY)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewee.role",
                             "interviewee needs a person_id (registry person) or a role "
                             "(property_company, owners_committee, resident_representative, "
                             "party_member, other_party)");
    return hj_check_required(st, "interviewee.name", e->name, S_NAME_MAX);
}

static int s_check_follow_ups(hj_status_t *st, const Hj__Interviews__Talk *t)
{
    char field[64];
    if (t->n_follow_ups > S_FOLLOW_UPS_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "follow_ups",
                             "at most %d follow-ups per talk", S_FOLLOW_UPS_MAX);
    for (size_t i = 0; i < t->n_follow_ups; i++) {
        const Hj__Interviews__FollowUp *f = t->follow_ups[i];
        /* Follow-ups are numbered from 1, as `hj talk close` names them. */
        snprintf(field, sizeof field, "follow_ups[%zu].action", i + 1);
        if (hj_check_required(st, field, f->action, S_TEXT_MAX) != 0)
            return -1;
        snprintf(field, sizeof field, "follow_ups[%zu].owner", i + 1);
        if (hj_check_required(st, field, f->owner, S_NAME_MAX) != 0)
            return -1;
        snprintf(field, sizeof field, "follow_ups[%zu].due_date", i + 1);
        if (hj_check_date(st, field, f->due_date, 1) != 0)
            return -1;
        if (strcmp(f->due_date, t->date) < 0)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "follow-up %zu is due %s, before the talk (%s)", i + 1,
                                 f->due_date, t->date);
    }
    if (t->concern_raised && t->n_follow_ups == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "follow_ups",
                             "the interviewee raised a concern: record at least one follow-up "
                             "action with its owner and due date");
    return 0;
}

static int s_check_talk(hj_status_t *st, const char *request_id, const Hj__Interviews__Talk *t)
{
    if (t->id[0] && strcmp(t->id, request_id) != 0)
        return hj_status_set(
            st, HJ__CODE__INVALID_ARGUMENT, "id",
            "id must equal the request id (the talk's UUID is its idempotency key)");
    if (hj_check_code(st, "community", t->community, 1) != 0)
        return -1;
    if (t->phase < HJ__INTERVIEWS__PHASE__SURVEY || t->phase > HJ__INTERVIEWS__PHASE__OTHER)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "phase",
                             "phase must be survey, preparation or other");
    if (hj_check_past_date(st, "date", t->date, 1) != 0)
        return -1;
    if (t->n_interviewers == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewers",
                             "at least one interviewer (a registry person id) is required");
    if (t->n_interviewers > S_INTERVIEWERS_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewers",
                             "at most %d interviewers", S_INTERVIEWERS_MAX);
    for (size_t i = 0; i < t->n_interviewers; i++) {
        if (hj_check_uuid(st, "interviewers", t->interviewers[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->interviewers[i], t->interviewers[j]) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "interviewers",
                                     "interviewer %s is given twice", t->interviewers[i]);
    }
    if (s_check_interviewee(st, t) != 0)
        return -1;
    if (t->n_topics > S_TOPICS_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "topics", "at most %d topics",
                             S_TOPICS_MAX);
    for (size_t i = 0; i < t->n_topics; i++)
        if (hj_check_required(st, "topics", t->topics[i], S_TOPIC_MAX) != 0)
            return -1;
    if (hj_check_required(st, "summary", t->summary, S_TEXT_MAX) != 0)
        return -1;
    return s_check_follow_ups(st, t);
}

static int s_check_query(hj_status_t *st, const void *msg)
{
    const Hj__Interviews__TalkQuery *q = msg;
    if (q->limit > 1000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "limit", "limit is at most 1000");
    if (hj_check_code(st, "community", q->community, 0) != 0)
        return -1;
    if ((int)q->phase < 0 || q->phase > HJ__INTERVIEWS__PHASE__OTHER)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "phase",
                             "phase must be survey, preparation or other");
    if ((q->interviewer[0] && hj_check_uuid(st, "interviewer", q->interviewer) != 0) ||
        (q->after[0] && hj_check_uuid(st, "after", q->after) != 0) ||
        hj_check_date(st, "date_from", q->date_from, 0) != 0 ||
        hj_check_date(st, "date_to", q->date_to, 0) != 0)
        return -1;
    if (q->date_from[0] && q->date_to[0] && strcmp(q->date_from, q->date_to) > 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "date_to",
                             "date_to is before date_from");
    return 0;
}

/* A talk's short code (sql/024): T (either case) and at least four digits. */
static int s_talk_code(const char *id)
{
    size_t digits = (id[0] == 'T' || id[0] == 't') ? strspn(id + 1, "0123456789") : 0;
    return digits >= 4 && digits <= 18 && !id[1 + digits];
}

static int s_check_talk_get(hj_status_t *st, const void *msg)
{
    const Hj__Interviews__Get *g = msg;
    /* a UUID or the talk's code, T0042 (issue #20) */
    return s_talk_code(g->id) ? 0 : hj_check_uuid(st, "id", g->id);
}

static int s_check_coverage(hj_status_t *st, const void *msg)
{
    const Hj__Interviews__CoverageQuery *q = msg;
    return hj_check_code(st, "community", q->community, 0);
}

static int s_check_talk_void(hj_status_t *st, const void *msg)
{
    const Hj__Interviews__TalkVoid *v = msg;
    return hj_check_uuid(st, "id", v->id) || hj_check_required(st, "reason", v->reason, S_TEXT_MAX);
}

static int s_check_talk_update(hj_status_t *st, const void *msg)
{
    const Hj__Interviews__TalkUpdate *u = msg;
    if (hj_check_uuid(st, "id", u->id) != 0 ||
        (u->date[0] && hj_check_past_date(st, "date", u->date, 1)) ||
        hj_check_text(st, "reason", u->reason, S_TEXT_MAX, 0) != 0 ||
        (u->summary[0] && hj_check_required(st, "summary", u->summary, S_TEXT_MAX) != 0))
        return -1;
    if (!u->summary[0] && !u->date[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "summary",
                             "nothing to correct: give a summary or a date");
    return 0;
}

static int s_check_follow_up_close(hj_status_t *st, const void *msg)
{
    const Hj__Interviews__FollowUpClose *f = msg;
    if (hj_check_uuid(st, "talk_id", f->talk_id) != 0)
        return -1;
    if (f->number < 1)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "number",
                             "number is the follow-up's number within the talk, from 1");
    return hj_check_past_date(st, "closed_on", f->closed_on, 1);
}

/* Who may do what (README "Devices, roles and who may do what"): field
 * teams record talks, guidance groups only in the communities they guide
 * (the writer checks the community each write journals). A talk is the
 * record, not a figure: the offices read every talk, a guidance group those
 * of its communities; coverage (names and dates) every device. This table is
 * also what makes an operation a write (it must carry a UUID). */
#define S_FIELD (HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_SUBDISTRICT_OFFICE | HJ_ROLE_GUIDANCE_GROUP)
#define S_OP(op) HJ__INTERVIEWS__REQUEST__OP_##op
static const hj_permission_t s_permissions[] = {
    {S_OP(TALK_ADD), "talk_add", 1, S_FIELD, 0, 0},
    {S_OP(TALK_GET), "talk_get", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(TALK_LIST), "talk_list", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(COVERAGE), "coverage", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(FOLLOW_UP_CLOSE), "follow_up_close", 1, S_FIELD, 0, 0},
    {S_OP(TALK_VOID), "talk_void", 1, S_FIELD, 0, 0},
    {S_OP(TALK_UPDATE), "talk_update", 1, S_FIELD, 0, 0},
    {0, NULL, 0, 0, 0, 0},
};

/* talk_add is checked by s_decode: its id is the request's. */
static const hj_op_t s_ops[] = {
    {S_OP(TALK_ADD), NULL, interviews_db_talk_add, NULL},
    {S_OP(TALK_GET), s_check_talk_get, interviews_db_talk_get, NULL},
    {S_OP(TALK_LIST), s_check_query, interviews_db_talk_list, NULL},
    {S_OP(COVERAGE), s_check_coverage, interviews_db_coverage, NULL},
    {S_OP(FOLLOW_UP_CLOSE), s_check_follow_up_close, interviews_db_follow_up_close, NULL},
    {S_OP(TALK_VOID), s_check_talk_void, interviews_db_talk_void, NULL},
    {S_OP(TALK_UPDATE), s_check_talk_update, interviews_db_talk_update, NULL},
    {0, NULL, NULL, NULL},
};
static const hj_op_t *const s_tables[] = {s_ops, NULL};

static int s_decode(hj_call_t *call, const uint8_t *body, size_t len, void *svc)
{
    if (hj_call_decode(call, &hj__interviews__request__descriptor, s_permissions, s_tables, body,
                       len) != 0)
        return -1;
    return call->op == S_OP(TALK_ADD) ? s_check_talk(&call->status, call->request_id, call->message)
                                      : 0;
}

const hj_service_t interviews_service = {
    .name = "interviews",
    .decode = s_decode,
    .handle = hj_call_dispatch,
    .release = hj_call_release,
    .permissions = s_permissions,
};
