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

static int s_query(hj_status_t *st, const Hj__Registry__ListQuery *q)
{
    if (!q)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "query", "query is required");
    if (q->limit > 1000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "limit", "limit is at most 1000");
    return hj_check_code(st, "community", q->community, 0) ||
           hj_check_code(st, "subdistrict", q->subdistrict, 0) ||
           s_uuid_or_empty(st, "after", q->after) || s_uuid_or_empty(st, "plan", q->plan) ||
           s_text(st, "state", q->state, 32, 0) || s_text(st, "kind", q->kind, 32, 0);
}

static int s_get(hj_status_t *st, const Hj__Registry__Get *g)
{
    return g ? hj_check_uuid(st, "id", g->key)
             : hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "id", "id is required");
}

static int s_get_community(hj_status_t *st, const Hj__Registry__Get *g)
{
    return g ? hj_check_code(st, "community", g->key, 1)
             : hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "community", "community is required");
}

/* ---- records ------------------------------------------------------------- */

static int s_publicity(hj_status_t *st, const Hj__Registry__Publicity *p)
{
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

static int s_assessment(hj_status_t *st, const Hj__Registry__Assessment *m)
{
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

static int s_risk(hj_status_t *st, const Hj__Registry__CommunityRisk *k)
{
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

static int s_reserve_update(hj_status_t *st, const Hj__Registry__ReserveUpdate *u)
{
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

static int s_reserve_import(hj_status_t *st, const Hj__Registry__ReserveImport *imp)
{
    /* Row checks run on the database thread so that every bad row is reported. */
    if (imp->n_rows < 1)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "rows", "the file has no rows");
    if (imp->n_rows > 20000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "rows",
                             "at most 20000 rows in one import");
    return 0;
}

static int s_rectification(hj_status_t *st, const Hj__Registry__Rectification *m)
{
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

static int s_upgrade(hj_status_t *st, const Hj__Registry__Upgrade *u)
{
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

static int s_upgrade_decision(hj_status_t *st, const Hj__Registry__UpgradeDecision *d)
{
    return hj_check_uuid(st, "id", d->id) || s_done_on(st, "date", d->date, 1) ||
           s_text(st, "note", d->note, S_NOTE_MAX, !d->approve);
}

static int s_body(hj_status_t *st, const Hj__Registry__Body *b)
{
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

static int s_body_change(hj_status_t *st, const Hj__Registry__BodyChange *b)
{
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

static int s_plan(hj_status_t *st, const Hj__Registry__Plan *p)
{
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

static int s_plan_decision(hj_status_t *st, const Hj__Registry__PlanDecision *d)
{
    if (hj_check_uuid(st, "id", d->id) || s_done_on(st, "date", d->date, 1) ||
        s_text(st, "approver", d->approver, S_NAME_MAX, 1) ||
        s_text(st, "note", d->note, S_NOTE_MAX, !d->approve))
        return -1;
    if (d->position < 1 || d->position > 10)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "position",
                             "position is the step number, 1 to 10");
    return 0;
}

static int s_task(hj_status_t *st, const Hj__Registry__Task *t)
{
    return hj_check_uuid(st, "plan_id", t->plan_id) ||
           s_text(st, "title", t->title, S_NAME_MAX, 1) ||
           s_text(st, "owner", t->owner, S_NAME_MAX, 1) || hj_check_date(st, "due", t->due, 1);
}

static int s_training(hj_status_t *st, const Hj__Registry__Training *t)
{
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

static int s_publicity_kind_filter(hj_status_t *st, const Hj__Registry__ListQuery *q)
{
    return s_query(st, q) || s_word(st, "kind", q->kind, s_publicity_kinds, 0);
}

/* ---- corrections without deletion (issue #20) ----------------------------- */

/* A void names its record and says why (a blank reason is no reason). */
static int s_void(hj_status_t *st, const Hj__Registry__RecordVoid *v)
{
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

static int s_publicity_update(hj_status_t *st, const Hj__Registry__PublicityUpdate *u)
{
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

static int s_training_update(hj_status_t *st, const Hj__Registry__TrainingUpdate *u)
{
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

static int s_task_update(hj_status_t *st, const Hj__Registry__TaskUpdate *u)
{
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

int preparation_validate(hj_status_t *st, const Hj__Registry__Request *r)
{
    switch (r->op_case) {
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_ADD:
        return s_publicity(st, r->publicity_add);
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_LIST:
        return s_publicity_kind_filter(st, r->publicity_list);
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_GET:
        return s_get(st, r->publicity_get);
    case HJ__REGISTRY__REQUEST__OP_RECORD_RESOLVE:
        return r->record_resolve
                   ? prep_check_record_code(st, "key", r->record_resolve->key)
                   : hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "key", "key is required");
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_ADD:
        return s_assessment(st, r->assessment_add);
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_LIST:
        return s_query(st, r->assessment_list);
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_GET:
        return s_get(st, r->assessment_get);
    case HJ__REGISTRY__REQUEST__OP_RISK_SET:
        return s_risk(st, r->risk_set);
    case HJ__REGISTRY__REQUEST__OP_RISK_GET:
        return s_get_community(st, r->risk_get);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_ADD:
        return prep_check_reserve(st, r->reserve_add);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_UPDATE:
        return s_reserve_update(st, r->reserve_update);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_LIST:
        return s_query(st, r->reserve_list) ||
               s_word(st, "state", r->reserve_list->state, s_reserve_status, 0);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_GET:
        return s_get(st, r->reserve_get);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_IMPORT:
        return s_reserve_import(st, r->reserve_import);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_CHECK:
        return s_reserve_import(st, r->reserve_check);
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_OPEN:
        return s_rectification(st, r->rectification_open);
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_ADVANCE:
        return s_rectification_step(st, r->rectification_advance, 0);
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_CLOSE:
        return s_rectification_step(st, r->rectification_close, 1);
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_LIST:
        return s_query(st, r->rectification_list) ||
               s_word(st, "state", r->rectification_list->state,
                      (const char *const[]){"open", "in_progress", "closed", NULL}, 0) ||
               s_word(st, "kind", r->rectification_list->kind, s_problems, 0);
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_GET:
        return s_get(st, r->rectification_get);
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_REQUEST:
        return s_upgrade(st, r->upgrade_request);
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_DECIDE:
        return s_upgrade_decision(st, r->upgrade_decide);
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_LIST:
        return s_query(st, r->upgrade_list) ||
               s_word(st, "state", r->upgrade_list->state,
                      (const char *const[]){"requested", "approved", "rejected", NULL}, 0);
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_GET:
        return s_get(st, r->upgrade_get);
    case HJ__REGISTRY__REQUEST__OP_BODY_ADD:
        return s_body(st, r->body_add);
    case HJ__REGISTRY__REQUEST__OP_BODY_CHANGE:
        return s_body_change(st, r->body_change);
    case HJ__REGISTRY__REQUEST__OP_BODY_LIST:
        return s_query(st, r->body_list) || s_word(st, "kind", r->body_list->kind, s_body_kinds, 0);
    case HJ__REGISTRY__REQUEST__OP_BODY_GET:
        return s_get(st, r->body_get);
    case HJ__REGISTRY__REQUEST__OP_PLAN_ADD:
        return s_plan(st, r->plan_add);
    case HJ__REGISTRY__REQUEST__OP_PLAN_EDIT:
        return s_plan_edit(st, r->plan_edit, 0);
    case HJ__REGISTRY__REQUEST__OP_PLAN_REVISE:
        return s_plan_edit(st, r->plan_revise, 1);
    case HJ__REGISTRY__REQUEST__OP_PLAN_DECIDE:
        return s_plan_decision(st, r->plan_decide);
    case HJ__REGISTRY__REQUEST__OP_PLAN_LIST:
        return s_query(st, r->plan_list) ||
               s_word(st, "state", r->plan_list->state,
                      (const char *const[]){"draft", "returned", "in_force", "superseded", NULL},
                      0);
    case HJ__REGISTRY__REQUEST__OP_PLAN_GET:
        return s_get(st, r->plan_get);
    case HJ__REGISTRY__REQUEST__OP_TASK_ADD:
        return s_task(st, r->task_add);
    case HJ__REGISTRY__REQUEST__OP_TASK_DONE:
        return hj_check_uuid(st, "id", r->task_done->id) ||
               s_done_on(st, "date", r->task_done->date, 1);
    case HJ__REGISTRY__REQUEST__OP_TASK_LIST:
        return s_query(st, r->task_list) || s_word(st, "state", r->task_list->state,
                                                   (const char *const[]){"open", "done", NULL}, 0);
    case HJ__REGISTRY__REQUEST__OP_TRAINING_ADD:
        return s_training(st, r->training_add);
    case HJ__REGISTRY__REQUEST__OP_TRAINING_LIST:
        return s_query(st, r->training_list);
    case HJ__REGISTRY__REQUEST__OP_TRAINING_GET:
        return s_get(st, r->training_get);
    case HJ__REGISTRY__REQUEST__OP_TRAINING_COVERAGE:
        return s_get_community(st, r->training_coverage);
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_VOID:
        return s_void(st, r->publicity_void);
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_UPDATE:
        return s_publicity_update(st, r->publicity_update);
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_VOID:
        return s_void(st, r->assessment_void);
    case HJ__REGISTRY__REQUEST__OP_RESERVE_VOID:
        return s_void(st, r->reserve_void);
    case HJ__REGISTRY__REQUEST__OP_TRAINING_VOID:
        return s_void(st, r->training_void);
    case HJ__REGISTRY__REQUEST__OP_TRAINING_UPDATE:
        return s_training_update(st, r->training_update);
    case HJ__REGISTRY__REQUEST__OP_TASK_VOID:
        return s_void(st, r->task_void);
    case HJ__REGISTRY__REQUEST__OP_TASK_UPDATE:
        return s_task_update(st, r->task_update);
    default:
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "op", "unknown registry operation");
    }
}

void preparation_handle(PGconn *c, hj_call_t *call, const Hj__Registry__Request *r)
{
    switch (r->op_case) {
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_ADD:
        publicity_db_add(c, call, r->publicity_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_LIST:
        publicity_db_list(c, call, r->publicity_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_GET:
        publicity_db_get(c, call, r->publicity_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_RECORD_RESOLVE:
        record_db_resolve(c, call, r->record_resolve->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_ADD:
        assessment_db_add(c, call, r->assessment_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_LIST:
        assessment_db_list(c, call, r->assessment_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_GET:
        assessment_db_get(c, call, r->assessment_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_RISK_SET:
        risk_db_set(c, call, r->risk_set);
        break;
    case HJ__REGISTRY__REQUEST__OP_RISK_GET:
        risk_db_get(c, call, r->risk_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_ADD:
        reserve_db_add(c, call, r->reserve_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_UPDATE:
        reserve_db_update(c, call, r->reserve_update);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_LIST:
        reserve_db_list(c, call, r->reserve_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_GET:
        reserve_db_get(c, call, r->reserve_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_IMPORT:
        reserve_db_import(c, call, r->reserve_import, 1);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_CHECK:
        reserve_db_import(c, call, r->reserve_check, 0);
        break;
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_OPEN:
        rectification_db_open(c, call, r->rectification_open);
        break;
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_ADVANCE:
        rectification_db_advance(c, call, r->rectification_advance);
        break;
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_CLOSE:
        rectification_db_close(c, call, r->rectification_close);
        break;
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_LIST:
        rectification_db_list(c, call, r->rectification_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_RECTIFICATION_GET:
        rectification_db_get(c, call, r->rectification_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_REQUEST:
        upgrade_db_request(c, call, r->upgrade_request);
        break;
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_DECIDE:
        upgrade_db_decide(c, call, r->upgrade_decide);
        break;
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_LIST:
        upgrade_db_list(c, call, r->upgrade_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_UPGRADE_GET:
        upgrade_db_get(c, call, r->upgrade_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_BODY_ADD:
        body_db_add(c, call, r->body_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_BODY_CHANGE:
        body_db_change(c, call, r->body_change);
        break;
    case HJ__REGISTRY__REQUEST__OP_BODY_LIST:
        body_db_list(c, call, r->body_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_BODY_GET:
        body_db_get(c, call, r->body_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_PLAN_ADD:
        plan_db_add(c, call, r->plan_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_PLAN_EDIT:
        plan_db_edit(c, call, r->plan_edit);
        break;
    case HJ__REGISTRY__REQUEST__OP_PLAN_REVISE:
        plan_db_revise(c, call, r->plan_revise);
        break;
    case HJ__REGISTRY__REQUEST__OP_PLAN_DECIDE:
        plan_db_decide(c, call, r->plan_decide);
        break;
    case HJ__REGISTRY__REQUEST__OP_PLAN_LIST:
        plan_db_list(c, call, r->plan_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_PLAN_GET:
        plan_db_get(c, call, r->plan_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_TASK_ADD:
        task_db_add(c, call, r->task_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_TASK_DONE:
        task_db_done(c, call, r->task_done);
        break;
    case HJ__REGISTRY__REQUEST__OP_TASK_LIST:
        task_db_list(c, call, r->task_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_TRAINING_ADD:
        training_db_add(c, call, r->training_add);
        break;
    case HJ__REGISTRY__REQUEST__OP_TRAINING_LIST:
        training_db_list(c, call, r->training_list);
        break;
    case HJ__REGISTRY__REQUEST__OP_TRAINING_GET:
        training_db_get(c, call, r->training_get->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_TRAINING_COVERAGE:
        training_db_coverage(c, call, r->training_coverage->key);
        break;
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_VOID:
        publicity_db_void(c, call, r->publicity_void);
        break;
    case HJ__REGISTRY__REQUEST__OP_PUBLICITY_UPDATE:
        publicity_db_update(c, call, r->publicity_update);
        break;
    case HJ__REGISTRY__REQUEST__OP_ASSESSMENT_VOID:
        assessment_db_void(c, call, r->assessment_void);
        break;
    case HJ__REGISTRY__REQUEST__OP_RESERVE_VOID:
        reserve_db_void(c, call, r->reserve_void);
        break;
    case HJ__REGISTRY__REQUEST__OP_TRAINING_VOID:
        training_db_void(c, call, r->training_void);
        break;
    case HJ__REGISTRY__REQUEST__OP_TRAINING_UPDATE:
        training_db_update(c, call, r->training_update);
        break;
    case HJ__REGISTRY__REQUEST__OP_TASK_VOID:
        task_db_void(c, call, r->task_void);
        break;
    case HJ__REGISTRY__REQUEST__OP_TASK_UPDATE:
        task_db_update(c, call, r->task_update);
        break;
    default:
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "op", "unknown operation");
    }
}
