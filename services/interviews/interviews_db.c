/* Every SQL statement of hj-interviewsd. */
#include "hj_arena.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "interviews.h"
#include "registry.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PAGE_DEFAULT 100

/* ---- the roster projection --------------------------------------------- */

/* Which journal rows make the roster, and whether one is not applied yet,
 * are asked of the database (sql/025: interviews.roster_kinds, roster_fresh,
 * roster_rows), the one place talk_record asks them too. */

/* Each applies one decoded roster row: 0 / -1, or 1 when it does not decode. */
typedef int (*s_roster_fn)(PGconn *c, const ProtobufCMessage *m, const char *kind);

static int s_apply_community(PGconn *c, const ProtobufCMessage *m, const char *kind)
{
    const Hj__Registry__Community *k = (const void *)m;
    char state[6];
    const char *v[2] = {k->code, k->name};
    return hj_pq_exec(c, state,
                      "INSERT INTO interviews.community (code, name) VALUES ($1, $2) "
                      "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name",
                      2, v);
}

/* person_added, and person_updated (a corrected name): the name and code
 * as the row says. Rows are applied in journal order, so the latest wins. */
static int s_apply_one_person(PGconn *c, const Hj__Registry__Person *p)
{
    char state[6];
    if (!hj_uuid_valid(p->id))
        return 1;
    const char *v[3] = {p->id, p->name, p->code};
    return hj_pq_exec(c, state,
                      "INSERT INTO interviews.person (id, name, code) VALUES ($1, $2, $3) "
                      "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, code = EXCLUDED.code",
                      3, v);
}

static int s_apply_person(PGconn *c, const ProtobufCMessage *m, const char *kind)
{
    return s_apply_one_person(c, (const void *)m);
}

static int s_apply_persons(PGconn *c, const ProtobufCMessage *m, const char *kind)
{
    const Hj__Registry__Persons *list = (const void *)m;
    int rc = 0;
    for (size_t i = 0; i < list->n_items && rc >= 0; i++)
        rc = s_apply_one_person(c, list->items[i]);
    return rc;
}

/* seat_added and seat_ended both carry the whole seat: a seat first seen
 * ended is stored ended, and a later-applied seat_added does not reopen it. */
static int s_apply_seat(PGconn *c, const ProtobufCMessage *m, const char *kind)
{
    const Hj__Registry__Seat *s = (const void *)m;
    char state[6], committee[8];
    if (!hj_uuid_valid(s->id) || !hj_uuid_valid(s->person_id) || !hj_date_valid(s->term_start))
        return 1;
    snprintf(committee, sizeof committee, "%d", (int)s->committee);
    const char *v[7] = {s->id,   s->community,  s->person_id, committee,
                        s->role, s->term_start, s->term_end};
    return hj_pq_exec(c, state,
                      strcmp(kind, "seat_ended") == 0
                          ? "INSERT INTO interviews.seat (id, community, person_id, committee, "
                            "role, term_start, term_end) VALUES ($1, $2, $3, $4::smallint, $5, "
                            "$6::date, NULLIF($7, '')::date) ON CONFLICT (id) DO UPDATE SET "
                            "term_end = EXCLUDED.term_end"
                          : "INSERT INTO interviews.seat (id, community, person_id, committee, "
                            "role, term_start, term_end) VALUES ($1, $2, $3, $4::smallint, $5, "
                            "$6::date, NULLIF($7, '')::date) ON CONFLICT (id) DO NOTHING",
                      7, v);
}

/* The roster's kinds (interviews.roster_kinds, sql/025), each with its record. */
static const struct {
    const char *kind;
    const ProtobufCMessageDescriptor *payload;
    s_roster_fn apply;
} s_roster_kinds[] = {
    {"community_added", &hj__registry__community__descriptor, s_apply_community},
    {"community_updated", &hj__registry__community__descriptor, s_apply_community},
    {"person_added", &hj__registry__person__descriptor, s_apply_person},
    {"person_updated", &hj__registry__person__descriptor, s_apply_person},
    {"persons_imported", &hj__registry__persons__descriptor, s_apply_persons},
    {"seat_added", &hj__registry__seat__descriptor, s_apply_seat},
    {"seat_ended", &hj__registry__seat__descriptor, s_apply_seat},
};

/* One roster row: 0 / -1, or 1 when it does not decode (or is no roster kind). */
static int s_roster_row(PGconn *c, const char *kind, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < sizeof s_roster_kinds / sizeof s_roster_kinds[0]; i++) {
        if (strcmp(s_roster_kinds[i].kind, kind) != 0)
            continue;
        ProtobufCMessage *m = protobuf_c_message_unpack(s_roster_kinds[i].payload, NULL, len, data);
        if (!m)
            return 1;
        int rc = s_roster_kinds[i].apply(c, m, kind);
        protobuf_c_message_free_unpacked(m, NULL);
        return rc;
    }
    return 1;
}

/* Applies every fresh roster row and moves the cursor on to the relay's
 * head. The caller holds the cursor row lock (so two instances never apply
 * at once). 0 / -1. */
static int s_roster_apply(PGconn *c, const char *cursor)
{
    char state[6];
    const char *v[1] = {cursor};
    /* One statement, so the rows applied and the new cursor come from one
     * snapshot. Row 0 carries the head only. */
    PGresult *r = hj_pq(
        c, state, "SELECT id, kind, payload, head FROM interviews.roster_rows($1::bigint)", 1, v);
    if (!r)
        return -1;
    int rc = 0, n = PQntuples(r);
    for (int i = 1; i < n && rc >= 0; i++) {
        size_t len = 0;
        const char *kind = PQgetvalue(r, i, 1);
        uint8_t *data = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 2), &len);
        if (!data) {
            rc = -1;
            break;
        }
        rc = s_roster_row(c, kind, data, len);
        if (rc > 0) {
            /* A record we cannot read must not stop the service: say so and go on. */
            hj_warn("roster: journal row %s (%s) does not decode: skipped", PQgetvalue(r, i, 0),
                    kind);
            rc = 0;
        }
        PQfreemem(data);
    }
    if (rc == 0 && n > 0 && !PQgetisnull(r, 0, 3)) {
        const char *w[1] = {PQgetvalue(r, 0, 3)};
        rc = hj_pq_exec(
            c, state, "UPDATE interviews.roster_cursor SET seq = $1::bigint WHERE seq < $1::bigint",
            1, w);
    }
    PQclear(r);
    return rc;
}

/* Brings the roster projection up to what has committed, inside the call's
 * transaction (a read's own when it has none). Cheap when nothing changed:
 * one look (index probes whose cost is the roster rows not applied yet and
 * the rows waiting for the relay, never the journal's size), no lock. 0 / -1. */
static int s_roster_sync(PGconn *c)
{
    char state[6];
    PGresult *r = hj_pq(
        c, state, "SELECT interviews.roster_fresh(seq) FROM interviews.roster_cursor", 0, NULL);
    if (!r)
        return -1;
    int fresh = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!fresh)
        return 0;
    /* Roster rows must be applied now: wait for another instance that is
     * applying them.
     * A read runs outside a transaction: the lock and the rows it guards
     * need one (hj_pq_begin), committed here. */
    int own = 0, rc = -1;
    if (hj_pq_begin(c, &own) != 0)
        return -1;
    r = hj_pq(c, state, "SELECT seq FROM interviews.roster_cursor FOR UPDATE", 0, NULL);
    if (r)
        rc = PQntuples(r) == 1 ? s_roster_apply(c, PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (!hj_pq_lost(c) && hj_pq_end(c, own, rc == 0) != 0)
        rc = -1;
    return rc;
}

static void s_roster_failed(hj_call_t *call)
{
    hj_status_set(&call->status, HJ__CODE__INTERNAL, "",
                  "database error while reading the roster from the journal");
}

/* ---- talks as messages ------------------------------------------------- */

#define S_TALK_COLS                                                                                \
    "t.id, t.community, t.phase, to_char(t.talk_date, 'YYYY-MM-DD'), "                             \
    "COALESCE(t.interviewee_person::text, ''), COALESCE(t.interviewee_role, 0), "                  \
    "t.interviewee_name, t.sitting_member, t.summary, t.concern_raised, t.recorded_by, "           \
    "to_char(t.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                \
    "t.voided_at IS NOT NULL, COALESCE(t.void_reason, ''), COALESCE((SELECT ip.code FROM "         \
    "interviews.person ip WHERE ip.id = t.interviewee_person), ''), t.code"

/* Talks read back with everything they hold; the messages point into the
 * results, and the results and arrays live in mem. */
typedef struct {
    hj_arena_t mem;
    PGresult *talks, *interviewers, *topics, *follow_ups;
    size_t n;
    Hj__Interviews__Talk *items, **ptrs;
    Hj__Interviews__Interviewee *interviewees;
    char **interviewer_ids, **interviewer_names, **topic_texts;
    Hj__Interviews__FollowUp *follow_up_items, **follow_up_ptrs;
} s_talks_t;

static void s_talks_free(s_talks_t *set)
{
    hj_arena_free(&set->mem);
    memset(set, 0, sizeof *set);
}

/* The rows of `r` (ordered as the talks) that belong to talk `id`, from *row on. */
static int s_rows_of(PGresult *r, int *row, const char *id)
{
    int first = *row;
    while (*row < PQntuples(r) && strcmp(PQgetvalue(r, *row, 0), id) == 0)
        (*row)++;
    return *row - first;
}

/* Takes `talks` (rows of S_TALK_COLS) and reads what belongs to them. 0 / -1. */
static int s_talks_load(PGconn *c, char state[6], PGresult *talks, s_talks_t *set)
{
    memset(set, 0, sizeof *set);
    set->talks = hj_arena_keep(&set->mem, talks);
    if (!set->talks)
        return -1;
    set->n = (size_t)PQntuples(talks);
    /* '{id,id,...}': UUIDs need no quoting in an array literal. */
    char *ids = malloc(set->n * 37 + 3);
    if (!ids)
        return -1;
    size_t at = 0;
    ids[at++] = '{';
    for (size_t i = 0; i < set->n; i++)
        at += (size_t)sprintf(ids + at, "%s%s", i ? "," : "", PQgetvalue(talks, (int)i, 0));
    ids[at++] = '}';
    ids[at] = 0;
    const char *v[1] = {ids};
    set->interviewers = hj_arena_keep(
        &set->mem, hj_pq(c, state,
                         "SELECT talk_id, person_id, name FROM interviews.talk_interviewer "
                         "WHERE talk_id = ANY($1::uuid[]) "
                         "ORDER BY array_position($1::uuid[], talk_id), position",
                         1, v));
    if (set->interviewers)
        set->topics =
            hj_arena_keep(&set->mem, hj_pq(c, state,
                                           "SELECT talk_id, topic FROM interviews.talk_topic "
                                           "WHERE talk_id = ANY($1::uuid[]) "
                                           "ORDER BY array_position($1::uuid[], talk_id), position",
                                           1, v));
    if (set->topics)
        set->follow_ups = hj_arena_keep(
            &set->mem,
            hj_pq(c, state,
                  "SELECT talk_id, number, action, owner, to_char(due_date, 'YYYY-MM-DD'), "
                  "COALESCE(to_char(closed_on, 'YYYY-MM-DD'), '') FROM interviews.follow_up "
                  "WHERE talk_id = ANY($1::uuid[]) "
                  "ORDER BY array_position($1::uuid[], talk_id), number",
                  1, v));
    free(ids);
    if (!set->follow_ups)
        return -1;
    size_t ni = (size_t)PQntuples(set->interviewers), nt = (size_t)PQntuples(set->topics),
           nf = (size_t)PQntuples(set->follow_ups);
    set->items = hj_arena_alloc(&set->mem, (set->n + 1) * sizeof *set->items);
    set->ptrs = hj_arena_alloc(&set->mem, (set->n + 1) * sizeof *set->ptrs);
    set->interviewees = hj_arena_alloc(&set->mem, (set->n + 1) * sizeof *set->interviewees);
    set->interviewer_ids = hj_arena_alloc(&set->mem, (ni + 1) * sizeof(char *));
    set->interviewer_names = hj_arena_alloc(&set->mem, (ni + 1) * sizeof(char *));
    set->topic_texts = hj_arena_alloc(&set->mem, (nt + 1) * sizeof(char *));
    set->follow_up_items = hj_arena_alloc(&set->mem, (nf + 1) * sizeof *set->follow_up_items);
    set->follow_up_ptrs = hj_arena_alloc(&set->mem, (nf + 1) * sizeof *set->follow_up_ptrs);
    if (!set->items || !set->ptrs || !set->interviewees || !set->interviewer_ids ||
        !set->interviewer_names || !set->topic_texts || !set->follow_up_items ||
        !set->follow_up_ptrs)
        return -1;
    int ri = 0, rt = 0, rf = 0;
    for (size_t i = 0; i < set->n; i++) {
        Hj__Interviews__Talk *t = &set->items[i];
        Hj__Interviews__Interviewee *e = &set->interviewees[i];
        int row = (int)i;
        hj__interviews__talk__init(t);
        hj__interviews__interviewee__init(e);
        t->id = PQgetvalue(talks, row, 0);
        t->community = PQgetvalue(talks, row, 1);
        t->phase = atoi(PQgetvalue(talks, row, 2));
        t->date = PQgetvalue(talks, row, 3);
        e->person_id = PQgetvalue(talks, row, 4);
        e->role = atoi(PQgetvalue(talks, row, 5));
        e->name = PQgetvalue(talks, row, 6);
        e->kind = e->person_id[0] ? HJ__INTERVIEWS__INTERVIEWEE_KIND__REGISTRY_PERSON
                                  : HJ__INTERVIEWS__INTERVIEWEE_KIND__OUTSIDE_PARTY;
        e->sitting_member = PQgetvalue(talks, row, 7)[0] == 't';
        t->interviewee = e;
        t->summary = PQgetvalue(talks, row, 8);
        t->concern_raised = PQgetvalue(talks, row, 9)[0] == 't';
        t->recorded_by = PQgetvalue(talks, row, 10);
        t->recorded_at = PQgetvalue(talks, row, 11);
        t->voided = PQgetvalue(talks, row, 12)[0] == 't';
        t->void_reason = PQgetvalue(talks, row, 13);
        t->interviewee_code = PQgetvalue(talks, row, 14);
        t->code = PQgetvalue(talks, row, 15);

        int first = ri, k = s_rows_of(set->interviewers, &ri, t->id);
        t->n_interviewers = t->n_interviewer_names = (size_t)k;
        t->interviewers = &set->interviewer_ids[first];
        t->interviewer_names = &set->interviewer_names[first];
        for (int j = 0; j < k; j++) {
            set->interviewer_ids[first + j] = PQgetvalue(set->interviewers, first + j, 1);
            set->interviewer_names[first + j] = PQgetvalue(set->interviewers, first + j, 2);
        }

        first = rt;
        k = s_rows_of(set->topics, &rt, t->id);
        t->n_topics = (size_t)k;
        t->topics = &set->topic_texts[first];
        for (int j = 0; j < k; j++)
            set->topic_texts[first + j] = PQgetvalue(set->topics, first + j, 1);

        first = rf;
        k = s_rows_of(set->follow_ups, &rf, t->id);
        t->n_follow_ups = (size_t)k;
        t->follow_ups = &set->follow_up_ptrs[first];
        for (int j = 0; j < k; j++) {
            Hj__Interviews__FollowUp *f = &set->follow_up_items[first + j];
            hj__interviews__follow_up__init(f);
            f->number = (uint32_t)atoi(PQgetvalue(set->follow_ups, first + j, 1));
            f->action = PQgetvalue(set->follow_ups, first + j, 2);
            f->owner = PQgetvalue(set->follow_ups, first + j, 3);
            f->due_date = PQgetvalue(set->follow_ups, first + j, 4);
            f->closed_on = PQgetvalue(set->follow_ups, first + j, 5);
            t->open_follow_ups += !f->closed_on[0];
            set->follow_up_ptrs[first + j] = f;
        }
        set->ptrs[i] = t;
    }
    return 0;
}

/* s_talks_load for a handler: when it fails, set is freed and the call
 * answered as hj_call_sql_failed answers `what` and `field`. 0 / -1. */
static int s_talks_take(PGconn *c, hj_call_t *call, PGresult *talks, s_talks_t *set,
                        const char *what, const char *field)
{
    char state[6] = "";
    if (s_talks_load(c, state, talks, set) == 0)
        return 0;
    s_talks_free(set);
    hj_call_sql_failed(call, state, what, field);
    return -1;
}

/* Replies with the one talk `id` as stored now (and journals it as `kind`,
 * with the talk before a correction as `previous` when given). */
static void s_talk_reply_previous(PGconn *c, hj_call_t *call, const char *id, const char *kind,
                                  Hj__Interviews__Talk *previous, const char *reason)
{
    s_talks_t set;
    const char *v[1] = {id};
    /* id is a UUID or, for talk_get, the talk's short code (T0042, sql/024). */
    PGresult *r =
        hj_call_q_row(call, c, "talk", "id",
                      "SELECT " S_TALK_COLS " FROM interviews.talk t WHERE t.id = CASE WHEN $1 "
                      "LIKE 'T%' OR $1 LIKE 't%' THEN NULL ELSE $1::uuid END OR t.code = upper($1)",
                      1, v, "talk %s not found", id);
    if (!r)
        return;
    if (s_talks_take(c, call, r, &set, "talk", "id") != 0)
        return;
    Hj__Interviews__Talk *t = set.ptrs[0];
    t->previous = previous;
    if (reason)
        t->correction_reason = (char *)reason; /* why the correction (issue #20) */
    Hj__Interviews__Reply reply = HJ__INTERVIEWS__REPLY__INIT;
    reply.result_case = HJ__INTERVIEWS__REPLY__RESULT_TALK;
    reply.talk = t;
    /* What a write journals, and what a scoped read is judged on. */
    snprintf(call->community, sizeof call->community, "%s", t->community);
    if (kind)
        snprintf(call->kind, sizeof call->kind, "%s", kind);
    hj_call_reply(call, &reply.base, kind ? &t->base : NULL);
    s_talks_free(&set);
}

static void s_talk_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    s_talk_reply_previous(c, call, id, kind, NULL, NULL);
}

/* ---- recording a talk -------------------------------------------------- */

/* What interviews.talk_record (sql/017) says besides 'ok'. */
static void s_talk_refused(hj_call_t *call, const char *outcome, const char *detail,
                           const char *community)
{
    if (strcmp(outcome, "community") == 0)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "community",
                      "community %s not found in the registry", community);
    else if (strcmp(outcome, "interviewee") == 0)
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "interviewee.person_id",
                      "interviewee %s is not a person in the registry", detail);
    else if (strcmp(outcome, "interviewer") == 0)
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "interviewers",
                      "interviewer %s is not a person in the registry", detail);
    else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "talk not recorded (%s)", outcome);
}

/* The reply (and journal record) made from the request and what
 * talk_record returned in row 0 of `r`: nothing is read back. */
static void s_talk_recorded(hj_call_t *call, const Hj__Interviews__Talk *in, PGresult *r,
                            const char *code)
{
    char **ids = NULL, **names = NULL;
    size_t nids = 0, nnames = 0;
    Hj__Interviews__Talk t = HJ__INTERVIEWS__TALK__INIT;
    Hj__Interviews__Interviewee e = HJ__INTERVIEWS__INTERVIEWEE__INIT;
    Hj__Interviews__FollowUp *f = calloc(in->n_follow_ups + 1, sizeof *f);
    Hj__Interviews__FollowUp **fp = calloc(in->n_follow_ups + 1, sizeof *fp);
    if (!f || !fp || hj_pq_text_array_parse(PQgetvalue(r, 0, 6), &ids, &nids) != 0 ||
        hj_pq_text_array_parse(PQgetvalue(r, 0, 7), &names, &nnames) != 0 ||
        nids != in->n_interviewers || nnames != nids) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "talk recorded but not understood");
        goto out;
    }
    t.id = PQgetvalue(r, 0, 2);
    t.community = in->community;
    t.phase = in->phase;
    t.date = in->date;
    e.person_id = PQgetvalue(r, 0, 3);
    e.kind = e.person_id[0] ? HJ__INTERVIEWS__INTERVIEWEE_KIND__REGISTRY_PERSON
                            : HJ__INTERVIEWS__INTERVIEWEE_KIND__OUTSIDE_PARTY;
    e.role = e.person_id[0] ? 0 : in->interviewee->role;
    e.name = PQgetvalue(r, 0, 4);
    e.sitting_member = PQgetvalue(r, 0, 5)[0] == 't';
    t.interviewee = &e;
    t.n_interviewers = t.n_interviewer_names = nids;
    t.interviewers = ids;
    t.interviewer_names = names;
    t.n_topics = in->n_topics;
    t.topics = in->topics;
    t.summary = in->summary;
    t.concern_raised = in->concern_raised;
    t.recorded_by = call->actor;
    t.recorded_at = PQgetvalue(r, 0, 8);
    t.interviewee_code = PQgetvalue(r, 0, 9);
    t.code = (char *)code;
    for (size_t i = 0; i < in->n_follow_ups; i++) {
        hj__interviews__follow_up__init(&f[i]);
        f[i].number = (uint32_t)(i + 1);
        f[i].action = in->follow_ups[i]->action;
        f[i].owner = in->follow_ups[i]->owner;
        f[i].due_date = in->follow_ups[i]->due_date;
        f[i].closed_on = "";
        fp[i] = &f[i];
    }
    t.n_follow_ups = in->n_follow_ups;
    t.follow_ups = fp;
    t.open_follow_ups = (uint32_t)in->n_follow_ups;
    Hj__Interviews__Reply reply = HJ__INTERVIEWS__REPLY__INIT;
    reply.result_case = HJ__INTERVIEWS__REPLY__RESULT_TALK;
    reply.talk = &t;
    snprintf(call->community, sizeof call->community, "%s", t.community);
    snprintf(call->kind, sizeof call->kind, "talk_recorded");
    hj_call_reply(call, &reply.base, &t.base);
out:
    hj_pq_text_array_free(ids, nids);
    hj_pq_text_array_free(names, nnames);
    free(f);
    free(fp);
}

void interviews_db_talk_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Interviews__Talk *t = msg;
    char phase[4], role[4];
    const Hj__Interviews__Interviewee *e = t->interviewee;
    /* The follow-ups as three parallel arrays (unnest in the function). */
    char **fields = calloc(3 * t->n_follow_ups + 1, sizeof *fields);
    char **actions = fields, **owners = fields + t->n_follow_ups,
         **dues = fields + 2 * t->n_follow_ups;
    for (size_t i = 0; fields && i < t->n_follow_ups; i++) {
        actions[i] = t->follow_ups[i]->action;
        owners[i] = t->follow_ups[i]->owner;
        dues[i] = t->follow_ups[i]->due_date;
    }
    char *interviewers = hj_pq_text_array(t->interviewers, t->n_interviewers);
    char *topics = hj_pq_text_array(t->topics, t->n_topics);
    char *action_list = fields ? hj_pq_text_array(actions, t->n_follow_ups) : NULL;
    char *owner_list = fields ? hj_pq_text_array(owners, t->n_follow_ups) : NULL;
    char *due_list = fields ? hj_pq_text_array(dues, t->n_follow_ups) : NULL;
    free(fields);
    PGresult *r = NULL;
    if (!interviewers || !topics || !action_list || !owner_list || !due_list) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    snprintf(phase, sizeof phase, "%d", (int)t->phase);
    snprintf(role, sizeof role, "%d", (int)e->role);
    /* The roster is checked inside the statement; only when it is behind
     * does this call bring it up to date (in C: the rows are protobuf) and
     * ask again, the check then skipped. */
    for (int attempt = 0; attempt < 2; attempt++) {
        const char *v[16] = {call->request_id,
                             t->community,
                             phase,
                             t->date,
                             e->person_id,
                             role,
                             e->name,
                             t->summary,
                             t->concern_raised ? "t" : "f",
                             call->actor,
                             interviewers,
                             topics,
                             action_list,
                             owner_list,
                             due_list,
                             attempt ? "t" : "f"};
        r = hj_call_q(
            call, c, "talk", "id",
            "SELECT outcome, detail, talk_id, COALESCE(person_id, ''), interviewee_name, "
            "sitting_member, COALESCE(interviewer_ids, '{}'), COALESCE(interviewer_names, "
            "'{}'), recorded_at, "
            "COALESCE(interviewee_code, ''), COALESCE(talk_code, '') "
            "FROM interviews.talk_record($1::uuid, $2, $3::smallint, $4::date, "
            "NULLIF($5, '')::uuid, $6::smallint, $7, $8, $9::boolean, $10, $11::uuid[], "
            "$12::text[], $13::text[], $14::text[], $15::date[], $16::boolean)",
            16, v);
        /* A replay of a recorded talk lands here (23505 on the talk's id);
         * the writer returns its first answer. */
        if (!r)
            goto out;
        if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), "roster") != 0 || attempt)
            break;
        PQclear(r);
        r = NULL;
        if (s_roster_sync(c) != 0) {
            s_roster_failed(call);
            goto out;
        }
    }
    if (PQntuples(r) != 1)
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "talk not recorded");
    else if (strcmp(PQgetvalue(r, 0, 0), "ok") != 0)
        s_talk_refused(call, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), t->community);
    else {
        hj_debug("talk %s recorded for %s", call->request_id, t->community);
        s_talk_recorded(call, t, r, PQgetvalue(r, 0, 10));
    }
out:
    PQclear(r);
    free(interviewers);
    free(topics);
    free(action_list);
    free(owner_list);
    free(due_list);
}

/* ---- reading talks ----------------------------------------------------- */

void interviews_db_talk_get(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const char *id = ((const Hj__Interviews__Get *)msg)->id;
    s_talk_reply(c, call, id, NULL);
}

/* The talk query's filters ($1..$5), shared by the page and the count of
 * what the reader's scope leaves out. */
#define S_TALK_FILTER                                                                              \
    "($1 = '' OR t.community = $1) "                                                               \
    "AND ($2::smallint = 0 OR t.phase = $2::smallint) "                                            \
    "AND (NULLIF($3, '') IS NULL OR EXISTS (SELECT 1 FROM interviews.talk_interviewer i "          \
    "WHERE i.talk_id = t.id AND i.person_id = NULLIF($3, '')::uuid)) "                             \
    "AND t.talk_date >= COALESCE(NULLIF($4, '')::date, '-infinity') "                              \
    "AND t.talk_date <= COALESCE(NULLIF($5, '')::date, 'infinity') "

/* Voided talks count only when asked for ($n: include_void). */
#define S_TALK_STANDING(include) "AND (" include "::boolean OR t.voided_at IS NULL) "

/* In the reader's communities ($6: NULL for every community). */
#define S_TALK_IN_SCOPE "($6::text[] IS NULL OR t.community = ANY($6::text[]))"
/* Outside them; none when the filter's community ($1) is one of them, which
 * the planner then knows before reading the community's talks. */
#define S_TALK_OUT_OF_SCOPE "NOT " S_TALK_IN_SCOPE " AND NOT ($1 <> '' AND $1 = ANY($6::text[]))"
/* The talks of the filter that stand and are (not) in scope, counted up to
 * $8 rows: the count stops there (a filter without an index, such as the
 * interviewer alone, still reads past the talks it does not match). */
#define S_TALK_COUNT(scope)                                                                        \
    "(SELECT count(*) FROM (SELECT 1 FROM interviews.talk t WHERE " S_TALK_FILTER S_TALK_STANDING( \
        "$7") "AND " scope " LIMIT $8::int) n)"

void interviews_db_talk_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Interviews__TalkQuery *q = msg;
    char limit[16], phase[4], *scope = NULL;
    s_talks_t set;
    uint32_t withheld = 0;
    uint64_t total = 0;
    uint32_t page = q->limit ? q->limit : S_PAGE_DEFAULT;
    if (hj_call_read_scope(call, &scope) != 0)
        return;
    /* One row more than the page: its presence says a next page exists. */
    snprintf(limit, sizeof limit, "%u", page + 1);
    snprintf(phase, sizeof phase, "%d", (int)q->phase);
    const char *include = q->include_void ? "t" : "f";
    const char *v[9] = {q->community, phase, q->interviewer, q->date_from, q->date_to,
                        q->after,     limit, scope,          include};
    /* Over the filter, not the page: the reader learns how many are
     * withheld, never which; and how many they may see in all. Each counted
     * up to HJ_LIST_COUNT_MAX + 1 rows, so a page of a district's hundred
     * thousand talks costs what a page of a community's costs. */
    char cap[16];
    snprintf(cap, sizeof cap, "%d", HJ_LIST_COUNT_MAX + 1);
    PGresult *r =
        hj_call_q(call, c, "talk list", "",
                  "SELECT " S_TALK_COUNT(S_TALK_OUT_OF_SCOPE) ", " S_TALK_COUNT(S_TALK_IN_SCOPE), 8,
                  (const char *[]){v[0], v[1], v[2], v[3], v[4], scope, include, cap});
    if (!r) {
        free(scope);
        return;
    }
    withheld = (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
    total = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    r = hj_call_q(call, c, "talk list", "",
                  "SELECT " S_TALK_COLS " FROM interviews.talk t WHERE " S_TALK_FILTER
                  "AND (NULLIF($6, '') IS NULL OR (t.talk_date, t.id) > (SELECT a.talk_date, a.id "
                  "FROM interviews.talk a WHERE a.id = NULLIF($6, '')::uuid)) "
                  "AND ($8::text[] IS NULL OR t.community = ANY($8::text[])) " S_TALK_STANDING(
                      "$9") "ORDER BY t.talk_date, t.id LIMIT $7::int",
                  9, v);
    free(scope);
    if (!r)
        return;
    if (s_talks_take(c, call, r, &set, "talk list", "") != 0)
        return;
    Hj__Interviews__Talks list = HJ__INTERVIEWS__TALKS__INIT;
    list.n_items = set.n > page ? page : set.n;
    list.items = set.ptrs;
    list.withheld = withheld;
    list.total = total;
    list.next = set.n > page ? set.ptrs[page - 1]->id : "";
    Hj__Interviews__Reply reply = HJ__INTERVIEWS__REPLY__INIT;
    reply.result_case = HJ__INTERVIEWS__REPLY__RESULT_TALKS;
    reply.talks = &list;
    hj_call_reply(call, &reply.base, NULL);
    s_talks_free(&set);
}

/* ---- corrections without deletion ---------------------------------------- */

/* Why talk `id` cannot be corrected: NOT_FOUND or already voided. */
static void s_talk_not_correctable(PGconn *c, hj_call_t *call, const char *id)
{
    const char *v[1] = {id};
    PGresult *r = hj_call_q_row(call, c, "talk", "id",
                                "SELECT COALESCE(void_reason, '') FROM interviews.talk "
                                "WHERE id = $1::uuid",
                                1, v, "talk %s not found", id);
    if (!r)
        return;
    hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                  "talk %s is voided (%s): it no longer counts and cannot be changed", id,
                  PQgetvalue(r, 0, 0));
    PQclear(r);
}

void interviews_db_talk_void(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Interviews__TalkVoid *t = msg;
    const char *v[2] = {t->id, t->reason};
    int changed;
    if (hj_call_changed(call, c, "talk", "id",
                        "UPDATE interviews.talk SET voided_at = now(), void_reason = $2 "
                        "WHERE id = $1::uuid AND voided_at IS NULL",
                        2, v, &changed) != 0)
        return;
    if (!changed) {
        s_talk_not_correctable(c, call, t->id);
        return;
    }
    s_talk_reply(c, call, t->id, "talk_voided");
}

void interviews_db_talk_update(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Interviews__TalkUpdate *u = msg;
    s_talks_t before;
    const char *v[3] = {u->id, u->summary, u->date};
    PGresult *r = hj_call_q(call, c, "talk", "id",
                            "SELECT " S_TALK_COLS " FROM interviews.talk t WHERE t.id = $1::uuid "
                            "AND t.voided_at IS NULL FOR UPDATE",
                            1, v);
    if (!r)
        return;
    if (PQntuples(r) == 0) {
        PQclear(r);
        s_talk_not_correctable(c, call, u->id);
        return;
    }
    if (s_talks_take(c, call, r, &before, "talk", "id") != 0)
        return;
    /* A follow-up is never due before its talk: the new date may not pass one. */
    const Hj__Interviews__Talk *old = before.ptrs[0];
    for (size_t i = 0; u->date[0] && i < old->n_follow_ups; i++)
        if (strcmp(old->follow_ups[i]->due_date, u->date) < 0) {
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "date",
                          "date %s is after follow-up %u's due date (%s)", u->date,
                          old->follow_ups[i]->number, old->follow_ups[i]->due_date);
            s_talks_free(&before);
            return;
        }
    r = hj_call_q(call, c, "talk", "id",
                  "UPDATE interviews.talk SET summary = COALESCE(NULLIF($2, ''), summary), "
                  "talk_date = COALESCE(NULLIF($3, '')::date, talk_date) WHERE id = $1::uuid",
                  3, v);
    if (!r) {
        s_talks_free(&before);
        return;
    }
    PQclear(r);
    s_talk_reply_previous(c, call, u->id, "talk_updated", before.ptrs[0], u->reason);
    s_talks_free(&before);
}

/* ---- coverage ---------------------------------------------------------- */

/* covered / members in thousandths, rounded, but 1000 only when complete. */
static uint32_t s_per_mille(uint32_t covered, uint32_t members)
{
    if (!members)
        return 0;
    uint32_t pm = (uint32_t)(((uint64_t)covered * 1000 + members / 2) / members);
    return pm == 1000 && covered < members ? 999 : pm;
}

void interviews_db_coverage(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Interviews__CoverageQuery *q = msg;
    if (s_roster_sync(c) != 0) {
        s_roster_failed(call);
        return;
    }
    const char *v[1] = {q->community};
    /* One row per sitting member (a person on both committees once), and one
     * row with NULL member for a community without any. */
    PGresult *r =
        hj_call_q(call, c, "coverage", "",
                  "SELECT c.code, c.name, COALESCE(m.person_id::text, ''), COALESCE(p.name, ''), "
                  "COALESCE(m.seats, ''), COALESCE(to_char(lt.talk_date, 'YYYY-MM-DD'), ''), "
                  "COALESCE(lt.id::text, ''), m.person_id IS NOT NULL, COALESCE(p.code, '') "
                  "FROM interviews.community c "
                  "LEFT JOIN LATERAL (SELECT s.person_id, string_agg(CASE s.committee WHEN 1 "
                  "THEN 'party' ELSE 'residents' END || ':' || s.role, ',' ORDER BY s.committee, "
                  "s.role) AS seats FROM interviews.seat s WHERE s.community = c.code AND "
                  "s.term_end IS NULL GROUP BY s.person_id) m ON true "
                  "LEFT JOIN interviews.person p ON p.id = m.person_id "
                  "LEFT JOIN LATERAL (SELECT t.talk_date, t.id FROM interviews.talk t WHERE "
                  "t.community = c.code AND t.interviewee_person = m.person_id AND t.phase = 2 "
                  "AND t.voided_at IS NULL "
                  "ORDER BY t.talk_date DESC, t.recorded_at DESC LIMIT 1) lt ON true "
                  "WHERE $1 = '' OR c.code = $1 "
                  "ORDER BY c.code, p.name, m.person_id",
                  1, v);
    if (!r)
        return;
    int n = PQntuples(r);
    if (n == 0 && q->community[0]) {
        PQclear(r);
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "community",
                      "community %s not found in the registry", q->community);
        return;
    }
    /* Each row's seats "a:b,c:d" are split in place into pointers. */
    Hj__Interviews__CommunityCoverage *cc = calloc((size_t)n + 1, sizeof *cc);
    Hj__Interviews__CommunityCoverage **cc_ptrs = calloc((size_t)n + 1, sizeof *cc_ptrs);
    Hj__Interviews__MemberCoverage *mc = calloc((size_t)n + 1, sizeof *mc);
    Hj__Interviews__MemberCoverage **mc_ptrs = calloc((size_t)n + 1, sizeof *mc_ptrs);
    char **seats = calloc((size_t)n * 2 + 1, sizeof(char *));
    char **seat_texts = calloc((size_t)n + 1, sizeof(char *));
    Hj__Interviews__Coverage coverage = HJ__INTERVIEWS__COVERAGE__INIT;
    size_t ncc = 0, nseats = 0;
    int ok = cc && cc_ptrs && mc && mc_ptrs && seats && seat_texts;
    for (int i = 0; ok && i < n; i++) {
        const char *code = PQgetvalue(r, i, 0);
        if (ncc == 0 || strcmp(cc[ncc - 1].community, code) != 0) {
            Hj__Interviews__CommunityCoverage *k = &cc[ncc];
            hj__interviews__community_coverage__init(k);
            k->community = (char *)code;
            k->name = PQgetvalue(r, i, 1);
            k->items = &mc_ptrs[i];
            cc_ptrs[ncc++] = k;
        }
        if (PQgetvalue(r, i, 7)[0] != 't')
            continue;
        Hj__Interviews__CommunityCoverage *k = &cc[ncc - 1];
        Hj__Interviews__MemberCoverage *m = &mc[i];
        hj__interviews__member_coverage__init(m);
        m->person_id = PQgetvalue(r, i, 2);
        m->name = PQgetvalue(r, i, 3);
        m->last_talk_date = PQgetvalue(r, i, 5);
        m->last_talk_id = PQgetvalue(r, i, 6);
        m->code = PQgetvalue(r, i, 8);
        seat_texts[i] = strdup(PQgetvalue(r, i, 4));
        m->seats = &seats[nseats];
        char *save = NULL;
        for (char *tok = seat_texts[i] ? strtok_r(seat_texts[i], ",", &save) : NULL; tok;
             tok = strtok_r(NULL, ",", &save))
            if (nseats < (size_t)n * 2) {
                seats[nseats++] = tok;
                m->n_seats++;
            }
        k->items[k->n_items++] = m;
        k->members++;
        k->covered += m->last_talk_date[0] != 0;
    }
    for (size_t i = 0; ok && i < ncc; i++) {
        cc[i].per_mille = s_per_mille(cc[i].covered, cc[i].members);
        cc[i].complete = cc[i].members > 0 && cc[i].covered == cc[i].members;
        coverage.members += cc[i].members;
        coverage.covered += cc[i].covered;
        coverage.complete_communities += cc[i].complete;
    }
    if (ok) {
        coverage.per_mille = s_per_mille(coverage.covered, coverage.members);
        coverage.n_communities = ncc;
        coverage.communities = cc_ptrs;
        Hj__Interviews__Reply reply = HJ__INTERVIEWS__REPLY__INIT;
        reply.result_case = HJ__INTERVIEWS__REPLY__RESULT_COVERAGE;
        reply.coverage = &coverage;
        hj_call_reply(call, &reply.base, NULL);
    } else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    for (int i = 0; seat_texts && i < n; i++)
        free(seat_texts[i]);
    free(seat_texts);
    free(seats);
    free(mc_ptrs);
    free(mc);
    free(cc_ptrs);
    free(cc);
    PQclear(r);
}

/* ---- follow-ups -------------------------------------------------------- */

void interviews_db_follow_up_close(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Interviews__FollowUpClose *f = msg;
    char number[16];
    snprintf(number, sizeof number, "%u", f->number);
    const char *v[3] = {f->talk_id, number, f->closed_on};
    /* The update itself decides a race between two closes: only one finds it open. */
    int changed;
    if (hj_call_changed(
            call, c, "follow-up", "number",
            "UPDATE interviews.follow_up f SET closed_on = $3::date FROM interviews.talk t "
            "WHERE t.id = f.talk_id AND f.talk_id = $1::uuid AND f.number = $2::int "
            "AND f.closed_on IS NULL AND t.talk_date <= $3::date",
            3, v, &changed) != 0)
        return;
    if (changed) {
        hj_debug("follow-up %u of talk %s closed", f->number, f->talk_id);
        s_talk_reply(c, call, f->talk_id, "followup_closed");
        return;
    }
    /* Say why not. */
    PGresult *r =
        hj_call_q_row(call, c, "follow-up", "talk_id",
                      "SELECT to_char(t.talk_date, 'YYYY-MM-DD'), f.number IS NOT NULL, "
                      "COALESCE(to_char(f.closed_on, 'YYYY-MM-DD'), '') FROM interviews.talk t "
                      "LEFT JOIN interviews.follow_up f ON f.talk_id = t.id AND f.number = $2::int "
                      "WHERE t.id = $1::uuid",
                      2, v, "talk %s not found", f->talk_id);
    if (!r)
        return;
    if (PQgetvalue(r, 0, 1)[0] != 't')
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "number", "talk %s has no follow-up %u",
                      f->talk_id, f->number);
    else if (PQgetvalue(r, 0, 2)[0])
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "number",
                      "follow-up %u was already closed on %s", f->number, PQgetvalue(r, 0, 2));
    else
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "closed_on",
                      "closed_on %s is before the talk (%s)", f->closed_on, PQgetvalue(r, 0, 0));
    PQclear(r);
}
