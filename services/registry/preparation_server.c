/* The preparation record's handlers: decode-time validation and routing.
 * No SQL here: the *_db.c files hold it. */
#include "hj_envelope.h"
#include "hj_text.h"
#include "preparation.h"

#include <stdio.h>
#include <string.h>

#define S_NAME_MAX 200    /* names, titles, owners, sources */
#define S_NOTE_MAX 4000   /* notes and descriptions */
#define S_TEXT_MAX 100000 /* plan text, risk notes, contingency plans */
#define S_LIST_MAX 200    /* members, communities, topics, attendees of one record */

/* The words of each categorical field (the .proto and sql/003 say the same). */
static const char *const s_channels[] = {"screen", "wechat_group", "notice_board", "other", NULL};
static const char *const s_publicity_kinds[] = {
    "slogan", "policy_reading", "election_discipline", "good_practice", "other", NULL};
static const char *const s_reserve_status[] = {"active", "withdrawn", "nominated", NULL};
static const char *const s_vetting[] = {"pending", "cleared", "barred", NULL};
static const char *const s_bar_reasons[] = {"criminal_record",
                                            "gang_involvement",
                                            "illegal_religion",
                                            "expelled_from_party",
                                            "other",
                                            NULL};
static const char *const s_problems[] = {"complex_situation",
                                         "gang_interference",
                                         "religious_interference",
                                         "petitions",
                                         "weak_party_organisation",
                                         "other",
                                         NULL};
static const char *const s_body_kinds[] = {"leadership_group", "office", "guidance_group",
                                           "election_committee", NULL};
static const char *const s_attendee_roles[] = {"election_committee_member", "guidance_group_member",
                                               "community_staff", "leadership_group_member", NULL};

/* ---- field checks -------------------------------------------------------- */

/* Free text: UTF-8 without control characters (tab and line breaks allowed). */
static int s_text(hj_status_t *st, const char *field, const char *value, size_t max, int required)
{
    if (hj_check_text(st, field, value, max, required) != 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "%s may not hold control characters", field);
    return 0;
}

static int s_word(hj_status_t *st, const char *field, const char *value, const char *const *allowed,
                  int required)
{
    if (!value[0] && !required)
        return 0;
    for (int i = 0; allowed[i]; i++)
        if (strcmp(value, allowed[i]) == 0)
            return 0;
    char words[256] = "";
    size_t len = 0;
    for (int i = 0; allowed[i] && len < sizeof words; i++)
        len += (size_t)snprintf(words + len, sizeof words - len, "%s%s", i ? ", " : "", allowed[i]);
    return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s must be one of %s", field,
                         words);
}

/* A date something was done on: valid and not in the future. */
static int s_done_on(hj_status_t *st, const char *field, const char *value, int required)
{
    char today[11];
    if (hj_check_date(st, field, value, required) != 0)
        return -1;
    hj_date_today(today);
    if (value[0] && strcmp(value, today) > 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s %s is in the future", field,
                             value);
    return 0;
}

static int s_not_before(hj_status_t *st, const char *field, const char *date, const char *other,
                        const char *other_field)
{
    if (date[0] && other[0] && strcmp(date, other) < 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s %s is before %s %s", field,
                             date, other_field, other);
    return 0;
}

static int s_score(hj_status_t *st, const char *field, uint32_t score)
{
    if (score < 1 || score > 5)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s must be a score from 1 to 5", field);
    return 0;
}

static int s_count(hj_status_t *st, const char *field, size_t n, size_t min)
{
    if (n < min)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "at least %zu %s required", min,
                             field);
    if (n > S_LIST_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "at most %d %s", S_LIST_MAX,
                             field);
    return 0;
}

/* A record of one community, or of the whole subdistrict: exactly one of the two. */
static int s_scope(hj_status_t *st, const char *community, const char *subdistrict)
{
    if (community[0] && subdistrict[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "subdistrict",
                             "give a community or a subdistrict, not both");
    if (!community[0] && !subdistrict[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "community",
                             "community (or subdistrict, for the whole subdistrict) is required");
    return hj_check_code(st, "community", community, 0) ||
           hj_check_code(st, "subdistrict", subdistrict, 0);
}

static int s_uuid_or_empty(hj_status_t *st, const char *field, const char *value)
{
    return value[0] ? hj_check_uuid(st, field, value) : 0;
}

static int s_uuids(hj_status_t *st, const char *field, char **ids, size_t n, size_t min)
{
    if (s_count(st, field, n, min) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (hj_check_uuid(st, field, ids[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s names %s twice",
                                     field, ids[i]);
    }
    return 0;
}

static int s_codes(hj_status_t *st, const char *field, char **codes, size_t n)
{
    if (s_count(st, field, n, 0) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (hj_check_code(st, field, codes[i], 1) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(codes[i], codes[j]) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s names %s twice",
                                     field, codes[i]);
    }
    return 0;
}

static int s_query(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    if (!q)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "query", "query is required");
    if (q->limit > 1000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "limit", "limit is at most 1000");
    return hj_check_code(st, "community", q->community, 0) ||
           hj_check_code(st, "subdistrict", q->subdistrict, 0) ||
           s_uuid_or_empty(st, "after", q->after) || s_uuid_or_empty(st, "plan", q->plan) ||
           s_text(st, "state", q->state, 32, 0) || s_text(st, "kind", q->kind, 32, 0);
}

static int s_get(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Get *g = msg;
    return g ? hj_check_uuid(st, "id", g->key)
             : hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "id", "id is required");
}

static int s_get_community(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Get *g = msg;
    return g ? hj_check_code(st, "community", g->key, 1)
             : hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "community", "community is required");
}

/* ---- records ------------------------------------------------------------- */

static int s_publicity(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Publicity *p = msg;
    if (s_scope(st, p->community, p->subdistrict) ||
        s_word(st, "channel", p->channel, s_channels, 1) ||
        s_word(st, "kind", p->kind, s_publicity_kinds, 1) || s_done_on(st, "date", p->date, 1) ||
        s_text(st, "title", p->title, S_NAME_MAX, 1))
        return -1;
    if (p->count < 1 || p->count > 100000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "count",
                             "count must be from 1 to 100000");
    return 0;
}

static int s_assessment(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Assessment *m = msg;
    return hj_check_uuid(st, "seat_id", m->seat_id) ||
           s_text(st, "structure_note", m->structure_note, S_NOTE_MAX, 0) ||
           s_score(st, "ability", m->ability) ||
           s_text(st, "ability_note", m->ability_note, S_NOTE_MAX, 0) ||
           s_score(st, "performance", m->performance) ||
           s_text(st, "performance_note", m->performance_note, S_NOTE_MAX, 0) ||
           s_score(st, "practice", m->practice) ||
           s_text(st, "practice_note", m->practice_note, S_NOTE_MAX, 0) ||
           s_score(st, "trust", m->trust) ||
           s_text(st, "trust_note", m->trust_note, S_NOTE_MAX, 0) ||
           s_text(st, "assessor", m->assessor, S_NAME_MAX, 1) || s_done_on(st, "date", m->date, 1);
}

static int s_risk(hj_status_t *st, const void *msg)
{
    const Hj__Registry__CommunityRisk *k = msg;
    if (hj_check_code(st, "community", k->community, 1) ||
        s_text(st, "risk_notes", k->risk_notes, S_TEXT_MAX, 0) ||
        s_text(st, "contingency_plan", k->contingency_plan, S_TEXT_MAX, 0))
        return -1;
    if (!k->risk_notes[0] && !k->contingency_plan[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "risk_notes",
                             "give risk_notes, a contingency_plan, or both");
    return 0;
}

int prep_check_reserve_state(hj_status_t *st, const char *status, const char *vetting,
                             const char *bar_reason)
{
    if (s_word(st, "status", status, s_reserve_status, 1) ||
        s_word(st, "vetting", vetting, s_vetting, 1) ||
        s_word(st, "bar_reason", bar_reason, s_bar_reasons, 0))
        return -1;
    int barred = strcmp(vetting, "barred") == 0;
    if (barred && !bar_reason[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "bar_reason",
                             "a barred candidate needs bar_reason (the negative-list item)");
    if (!barred && bar_reason[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "bar_reason",
                             "bar_reason is only for a barred candidate (vetting is %s)", vetting);
    if (strcmp(status, "nominated") == 0 && strcmp(vetting, "cleared") != 0)
        return hj_status_set(st, HJ__CODE__FAILED_PRECONDITION, "vetting",
                             "only a candidate cleared by the joint vetting (资格联审) can be "
                             "nominated; vetting is %s",
                             vetting);
    return 0;
}

int prep_check_reserve(hj_status_t *st, const Hj__Registry__Reserve *r)
{
    if (s_uuid_or_empty(st, "id", r->id) || s_uuid_or_empty(st, "person_id", r->person_id) ||
        s_text(st, "person_name", r->person_name, S_NAME_MAX, !r->person_id[0]) ||
        hj_check_code(st, "community", r->community, 1))
        return -1;
    if (r->committee != HJ__REGISTRY__COMMITTEE__PARTY &&
        r->committee != HJ__REGISTRY__COMMITTEE__RESIDENTS)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "committee",
                             "committee must be party or residents");
    return s_text(st, "source", r->source, S_NAME_MAX, 0) || s_done_on(st, "added", r->added, 1) ||
           prep_check_reserve_state(st, r->status, r->vetting, r->bar_reason) ||
           s_text(st, "note", r->note, S_NOTE_MAX, 0);
}

static int s_reserve_update(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ReserveUpdate *u = msg;
    if (hj_check_uuid(st, "id", u->id) || s_word(st, "status", u->status, s_reserve_status, 0) ||
        s_word(st, "vetting", u->vetting, s_vetting, 0) ||
        s_word(st, "bar_reason", u->bar_reason, s_bar_reasons, 0) ||
        s_text(st, "note", u->note, S_NOTE_MAX, 0))
        return -1;
    if (u->bar_reason[0] && !u->vetting[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "vetting",
                             "bar_reason comes with vetting barred");
    if (!u->status[0] && !u->vetting[0] && !u->note[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "status",
                             "nothing to update: give status, vetting or note");
    return 0;
}

static int s_reserve_import(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ReserveImport *imp = msg;
    /* Row checks run on the database thread so that every bad row is reported. */
    if (imp->n_rows < 1)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "rows", "the file has no rows");
    if (imp->n_rows > 20000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "rows",
                             "at most 20000 rows in one import");
    return 0;
}

static int s_rectification(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Rectification *m = msg;
    return hj_check_code(st, "community", m->community, 1) ||
           s_word(st, "problem", m->problem, s_problems, 1) ||
           s_text(st, "description", m->description, S_NOTE_MAX, 0) ||
           s_text(st, "plan", m->plan, S_TEXT_MAX, 1) ||
           s_text(st, "owner", m->owner, S_NAME_MAX, 1) ||
           s_done_on(st, "opened_on", m->opened_on, 1) || hj_check_date(st, "due", m->due, 1) ||
           s_not_before(st, "due", m->due, m->opened_on, "opened_on");
}

static int s_rectification_step(hj_status_t *st, const Hj__Registry__RectificationStep *s,
                                int closing)
{
    return hj_check_uuid(st, "id", s->id) || s_done_on(st, "date", s->date, 1) ||
           s_text(st, "closing_note", s->note, S_NOTE_MAX, closing) ||
           s_text(st, "verified_by", s->verified_by, S_NAME_MAX, closing);
}

static int s_upgrade(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Upgrade *u = msg;
    if (hj_check_code(st, "community", u->community, 1) ||
        s_text(st, "reason", u->reason, S_NOTE_MAX, 0) ||
        s_done_on(st, "requested_on", u->requested_on, 1))
        return -1;
    if (u->to_type != HJ__REGISTRY__ORG_TYPE__GENERAL_BRANCH &&
        u->to_type != HJ__REGISTRY__ORG_TYPE__COMMITTEE)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "to_type",
                             "to_type must be general_branch or committee");
    return 0;
}

static int s_upgrade_decision(hj_status_t *st, const void *msg)
{
    const Hj__Registry__UpgradeDecision *d = msg;
    return hj_check_uuid(st, "id", d->id) || s_done_on(st, "date", d->date, 1) ||
           s_text(st, "note", d->note, S_NOTE_MAX, !d->approve);
}

static int s_body(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Body *b = msg;
    if (s_word(st, "kind", b->kind, s_body_kinds, 1) ||
        s_text(st, "name", b->name, S_NAME_MAX, 1) ||
        hj_check_uuid(st, "leader_id", b->leader_id) ||
        s_uuids(st, "member_ids", b->member_ids, b->n_member_ids, 0) ||
        s_codes(st, "communities", b->communities, b->n_communities) ||
        s_done_on(st, "formed_on", b->formed_on, 0))
        return -1;
    for (size_t i = 0; i < b->n_member_ids; i++)
        if (strcmp(b->member_ids[i], b->leader_id) == 0)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "member_ids",
                                 "the leader is not also listed as a member");
    int committee = strcmp(b->kind, "election_committee") == 0;
    if (committee ? hj_check_code(st, "community", b->community, 1) ||
                        hj_check_code(st, "subdistrict", b->subdistrict, 0)
                  : hj_check_code(st, "subdistrict", b->subdistrict, 1))
        return -1;
    if (!committee && b->community[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "community",
                             "only an election_committee belongs to one community; a guidance "
                             "group lists the communities it guides");
    if (b->n_communities && strcmp(b->kind, "guidance_group") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "communities",
                             "only a guidance_group guides communities");
    return 0;
}

static int s_body_change(hj_status_t *st, const void *msg)
{
    const Hj__Registry__BodyChange *b = msg;
    if (hj_check_uuid(st, "id", b->id) || s_uuid_or_empty(st, "leader_id", b->leader_id) ||
        s_uuids(st, "add_members", b->add_members, b->n_add_members, 0) ||
        s_uuids(st, "remove_members", b->remove_members, b->n_remove_members, 0) ||
        s_codes(st, "add_communities", b->add_communities, b->n_add_communities) ||
        s_codes(st, "remove_communities", b->remove_communities, b->n_remove_communities))
        return -1;
    if (!b->leader_id[0] && !b->n_add_members && !b->n_remove_members && !b->n_add_communities &&
        !b->n_remove_communities)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "leader_id",
                             "nothing to change: give a leader, members or communities");
    return 0;
}

static int s_plan(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Plan *p = msg;
    if (s_scope(st, p->community, p->subdistrict) || s_text(st, "title", p->title, S_NAME_MAX, 1) ||
        s_text(st, "text", p->text, S_TEXT_MAX, 0) ||
        s_text(st, "document", p->document, S_NAME_MAX, 0) ||
        s_done_on(st, "submitted_on", p->submitted_on, 1))
        return -1;
    if (!p->text[0] && !p->document[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "text",
                             "a plan needs its text or a document reference");
    if (p->n_steps < 1 || p->n_steps > 10)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "steps",
                             "an approval chain has 1 to 10 steps");
    for (size_t i = 0; i < p->n_steps; i++)
        if (s_text(st, "steps", p->steps[i]->name, S_NAME_MAX, 1))
            return -1;
    return 0;
}

static int s_plan_edit(hj_status_t *st, const Hj__Registry__PlanEdit *e, int revise)
{
    if (hj_check_uuid(st, "id", e->id) || s_text(st, "title", e->title, S_NAME_MAX, 0) ||
        s_text(st, "text", e->text, S_TEXT_MAX, 0) ||
        s_text(st, "document", e->document, S_NAME_MAX, 0) ||
        s_done_on(st, "date", e->date, revise))
        return -1;
    if (!revise && !e->title[0] && !e->text[0] && !e->document[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "title",
                             "nothing to edit: give a title, text or document");
    return 0;
}

static int s_plan_decision(hj_status_t *st, const void *msg)
{
    const Hj__Registry__PlanDecision *d = msg;
    if (hj_check_uuid(st, "id", d->id) || s_done_on(st, "date", d->date, 1) ||
        s_text(st, "approver", d->approver, S_NAME_MAX, 1) ||
        s_text(st, "note", d->note, S_NOTE_MAX, !d->approve))
        return -1;
    if (d->position < 1 || d->position > 10)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "position",
                             "position is the step number, 1 to 10");
    return 0;
}

static int s_task(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Task *t = msg;
    return hj_check_uuid(st, "plan_id", t->plan_id) ||
           s_text(st, "title", t->title, S_NAME_MAX, 1) ||
           s_text(st, "owner", t->owner, S_NAME_MAX, 1) || hj_check_date(st, "due", t->due, 1);
}

static int s_training(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Training *t = msg;
    if (s_done_on(st, "date", t->date, 1) || s_scope(st, t->community, t->subdistrict) ||
        s_count(st, "topics", t->n_topics, 1) || s_text(st, "trainer", t->trainer, S_NAME_MAX, 1) ||
        s_count(st, "attendees", t->n_attendees, 1))
        return -1;
    for (size_t i = 0; i < t->n_topics; i++)
        if (s_text(st, "topics", t->topics[i], S_NAME_MAX, 1))
            return -1;
    for (size_t i = 0; i < t->n_attendees; i++) {
        const Hj__Registry__Attendee *a = t->attendees[i];
        if (hj_check_uuid(st, "attendees", a->person_id) ||
            s_word(st, "role", a->role, s_attendee_roles, 1))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->person_id, t->attendees[j]->person_id) == 0)
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "attendees",
                                     "attendee %s is listed twice", a->person_id);
    }
    return 0;
}

static int s_publicity_kind_filter(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    return s_query(st, q) || s_word(st, "kind", q->kind, s_publicity_kinds, 0);
}

/* ---- corrections without deletion (issue #20) ----------------------------- */

/* A void names its record and says why (a blank reason is no reason). */
static int s_void(hj_status_t *st, const void *msg)
{
    const Hj__Registry__RecordVoid *v = msg;
    if (!v)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "id", "id is required");
    if (hj_check_uuid(st, "id", v->id) || s_text(st, "reason", v->reason, S_NOTE_MAX, 1))
        return -1;
    for (const char *p = v->reason; *p; p++)
        if (!strchr(" \t\r\n", *p))
            return 0;
    return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "reason",
                         "reason is required (it is blank)");
}

static int s_publicity_update(hj_status_t *st, const void *msg)
{
    const Hj__Registry__PublicityUpdate *u = msg;
    if (hj_check_uuid(st, "id", u->id) || s_done_on(st, "date", u->date, 0) ||
        s_text(st, "title", u->title, S_NAME_MAX, 0) ||
        s_text(st, "reason", u->reason, S_NOTE_MAX, 0))
        return -1;
    if (u->count > 100000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "count", "count must be 1 to 100000");
    if (!u->date[0] && !u->title[0] && !u->count)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "date",
                             "nothing to correct: give a date, title or count");
    return 0;
}

static int s_training_update(hj_status_t *st, const void *msg)
{
    const Hj__Registry__TrainingUpdate *u = msg;
    if (hj_check_uuid(st, "id", u->id) || s_done_on(st, "date", u->date, 0) ||
        s_text(st, "trainer", u->trainer, S_NAME_MAX, 0) ||
        s_text(st, "reason", u->reason, S_NOTE_MAX, 0) ||
        s_count(st, "add_attendees", u->n_add_attendees, 0) ||
        s_uuids(st, "remove_attendees", u->remove_attendees, u->n_remove_attendees, 0))
        return -1;
    for (size_t i = 0; i < u->n_add_attendees; i++) {
        const Hj__Registry__Attendee *a = u->add_attendees[i];
        if (hj_check_uuid(st, "add_attendees", a->person_id) ||
            s_word(st, "role", a->role, s_attendee_roles, 1))
            return -1;
    }
    if (!u->date[0] && !u->trainer[0] && !u->n_add_attendees && !u->n_remove_attendees)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "date",
                             "nothing to correct: give a date, trainer or attendees");
    return 0;
}

static int s_task_update(hj_status_t *st, const void *msg)
{
    const Hj__Registry__TaskUpdate *u = msg;
    if (hj_check_uuid(st, "id", u->id) || hj_check_date(st, "due", u->due, 0) ||
        s_text(st, "title", u->title, S_NAME_MAX, 0) ||
        s_text(st, "owner", u->owner, S_NAME_MAX, 0) ||
        s_text(st, "reason", u->reason, S_NOTE_MAX, 0))
        return -1;
    if (!u->due[0] && !u->title[0] && !u->owner[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "due",
                             "nothing to correct: give a due date, title or owner");
    return 0;
}

/* ---- routing ------------------------------------------------------------- */

static int s_reserve(hj_status_t *st, const void *msg)
{
    return prep_check_reserve(st, msg);
}

static int s_rectification_advance(hj_status_t *st, const void *msg)
{
    return s_rectification_step(st, msg, 0);
}

static int s_rectification_close(hj_status_t *st, const void *msg)
{
    return s_rectification_step(st, msg, 1);
}

static int s_plan_change(hj_status_t *st, const void *msg)
{
    return s_plan_edit(st, msg, 0);
}

static int s_plan_revise(hj_status_t *st, const void *msg)
{
    return s_plan_edit(st, msg, 1);
}

static int s_task_done(hj_status_t *st, const void *msg)
{
    const Hj__Registry__TaskDone *d = msg;
    return hj_check_uuid(st, "id", d->id) || s_done_on(st, "date", d->date, 1);
}

static int s_record_code(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Get *g = msg;
    return prep_check_record_code(st, "key", g->key);
}

/* A list query whose state, when given, is one of `states`. */
static int s_query_state(hj_status_t *st, const Hj__Registry__ListQuery *q,
                         const char *const *states)
{
    return s_query(st, q) || s_word(st, "state", q->state, states, 0);
}

static int s_reserve_list(hj_status_t *st, const void *msg)
{
    return s_query_state(st, msg, s_reserve_status);
}

static int s_rectification_list(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    return s_query_state(st, q, (const char *const[]){"open", "in_progress", "closed", NULL}) ||
           s_word(st, "kind", q->kind, s_problems, 0);
}

static int s_upgrade_list(hj_status_t *st, const void *msg)
{
    return s_query_state(st, msg, (const char *const[]){"requested", "approved", "rejected", NULL});
}

static int s_body_list(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    return s_query(st, q) || s_word(st, "kind", q->kind, s_body_kinds, 0);
}

static int s_plan_list(hj_status_t *st, const void *msg)
{
    return s_query_state(
        st, msg, (const char *const[]){"draft", "returned", "in_force", "superseded", NULL});
}

static int s_task_list(hj_status_t *st, const void *msg)
{
    return s_query_state(st, msg, (const char *const[]){"open", "done", NULL});
}

#define S_OP(op) HJ__REGISTRY__REQUEST__OP_##op
const hj_op_t preparation_ops[] = {
    {S_OP(PUBLICITY_ADD), s_publicity, publicity_db_add, NULL},
    {S_OP(PUBLICITY_LIST), s_publicity_kind_filter, publicity_db_list, NULL},
    {S_OP(PUBLICITY_GET), s_get, prep_db_show, &publicity_record},
    {S_OP(RECORD_RESOLVE), s_record_code, record_db_resolve, NULL},
    {S_OP(ASSESSMENT_ADD), s_assessment, assessment_db_add, NULL},
    {S_OP(ASSESSMENT_LIST), s_query, prep_db_list, &assessment_record},
    {S_OP(ASSESSMENT_GET), s_get, prep_db_show, &assessment_record},
    {S_OP(RISK_SET), s_risk, risk_db_set, NULL},
    {S_OP(RISK_GET), s_get_community, risk_db_get, NULL},
    {S_OP(RESERVE_ADD), s_reserve, reserve_db_add, NULL},
    {S_OP(RESERVE_UPDATE), s_reserve_update, reserve_db_update, NULL},
    {S_OP(RESERVE_LIST), s_reserve_list, prep_db_list, &reserve_record},
    {S_OP(RESERVE_GET), s_get, prep_db_show, &reserve_record},
    {S_OP(RESERVE_IMPORT), s_reserve_import, reserve_db_import, NULL},
    {S_OP(RESERVE_CHECK), s_reserve_import, reserve_db_check, NULL},
    {S_OP(RECTIFICATION_OPEN), s_rectification, rectification_db_open, NULL},
    {S_OP(RECTIFICATION_ADVANCE), s_rectification_advance, rectification_db_advance, NULL},
    {S_OP(RECTIFICATION_CLOSE), s_rectification_close, rectification_db_close, NULL},
    {S_OP(RECTIFICATION_LIST), s_rectification_list, prep_db_list, &rectification_record},
    {S_OP(RECTIFICATION_GET), s_get, prep_db_show, &rectification_record},
    {S_OP(UPGRADE_REQUEST), s_upgrade, upgrade_db_request, NULL},
    {S_OP(UPGRADE_DECIDE), s_upgrade_decision, upgrade_db_decide, NULL},
    {S_OP(UPGRADE_LIST), s_upgrade_list, prep_db_list, &upgrade_record},
    {S_OP(UPGRADE_GET), s_get, prep_db_show, &upgrade_record},
    {S_OP(BODY_ADD), s_body, body_db_add, NULL},
    {S_OP(BODY_CHANGE), s_body_change, body_db_change, NULL},
    {S_OP(BODY_LIST), s_body_list, prep_db_list, &body_record},
    {S_OP(BODY_GET), s_get, prep_db_show, &body_record},
    {S_OP(PLAN_ADD), s_plan, plan_db_add, NULL},
    {S_OP(PLAN_EDIT), s_plan_change, plan_db_edit, NULL},
    {S_OP(PLAN_REVISE), s_plan_revise, plan_db_revise, NULL},
    {S_OP(PLAN_DECIDE), s_plan_decision, plan_db_decide, NULL},
    {S_OP(PLAN_LIST), s_plan_list, prep_db_list, &plan_record},
    {S_OP(PLAN_GET), s_get, prep_db_show, &plan_record},
    {S_OP(TASK_ADD), s_task, task_db_add, NULL},
    {S_OP(TASK_DONE), s_task_done, task_db_done, NULL},
    {S_OP(TASK_LIST), s_task_list, prep_db_list, &task_record},
    {S_OP(TRAINING_ADD), s_training, training_db_add, NULL},
    {S_OP(TRAINING_LIST), s_query, prep_db_list, &training_record},
    {S_OP(TRAINING_GET), s_get, prep_db_show, &training_record},
    {S_OP(TRAINING_COVERAGE), s_get_community, training_db_coverage, NULL},
    {S_OP(PUBLICITY_VOID), s_void, prep_db_void, &publicity_record},
    {S_OP(PUBLICITY_UPDATE), s_publicity_update, prep_db_update, &publicity_record},
    {S_OP(ASSESSMENT_VOID), s_void, prep_db_void, &assessment_record},
    {S_OP(RESERVE_VOID), s_void, prep_db_void, &reserve_record},
    {S_OP(TRAINING_VOID), s_void, prep_db_void, &training_record},
    {S_OP(TRAINING_UPDATE), s_training_update, prep_db_update, &training_record},
    {S_OP(TASK_VOID), s_void, prep_db_void, &task_record},
    {S_OP(TASK_UPDATE), s_task_update, prep_db_update, &task_record},
    {0, NULL, NULL, NULL},
};
