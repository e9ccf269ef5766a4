/* The projection: journal rows, decoded with their service's own proto, into
 * the tally.* fact tables the board counts (sql/006_tally.sql). Rows arrive
 * in sequence order and each exactly once (board_catch_up), and every
 * payload carries its whole record, so each apply is an upsert; the kinds a
 * campaign writes most (talks, pushes, tasks) are gathered and written a
 * table at a time (projection_flush). */
#include "audit.pb-c.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the dirty set -------------------------------------------------------- */

/* Adds a copy of s to the n strings of items (room for cap) unless one is
 * the same. 0, or -1 when out of memory. */
static int s_strings_add(char ***items, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*items)[i], s) == 0)
            return 0;
    if (*n == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 16;
        char **grown = realloc(*items, grown_cap * sizeof *grown);
        if (!grown)
            return -1;
        *items = grown;
        *cap = grown_cap;
    }
    if (!((*items)[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

void tally_dirty_add(tally_dirty_t *d, const char *code)
{
    if (!code || !code[0] || strcmp(code, "-") == 0)
        return;
    if (s_strings_add(&d->codes, &d->n, &d->cap, code) != 0)
        d->all = 1; /* cannot remember which: judge them all */
}

void tally_dirty_add_election(tally_dirty_t *d, const char *id)
{
    s_strings_add(&d->elections, &d->n_elections, &d->cap_elections, id);
}

void tally_dirty_add_rows(tally_dirty_t *d, PGresult *r)
{
    for (int i = 0; r && i < PQntuples(r); i++)
        tally_dirty_add(d, PQgetvalue(r, i, 0));
}

void tally_dirty_free(tally_dirty_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->codes[i]);
    free(d->codes);
    for (size_t i = 0; i < d->n_elections; i++)
        free(d->elections[i]);
    free(d->elections);
    memset(d, 0, sizeof *d);
}

/* ---- helpers ---------------------------------------------------------------- */

/* Runs sql; the communities it returns (first column) are dirty. 0 / -1. */
static int s_run(PGconn *c, tally_dirty_t *dirty, const char *sql, int n, const char *const *v)
{
    char state[6];
    PGresult *r = hj_pq(c, state, sql, n, v);
    if (!r)
        return -1;
    if (dirty)
        tally_dirty_add_rows(dirty, r);
    PQclear(r);
    return 0;
}

static const char *s_int(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

/* Field `name` of m as a statement's text value: a string as it is, a
 * number or enum in decimal (written into buf), a bool as t / f. NULL when
 * m has no singular field of that name and kind. */
static const char *s_field(const ProtobufCMessage *m, const char *name, char buf[24])
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
    const void *p = f ? (const char *)m + f->offset : NULL;
    if (!f || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        return *(char *const *)p;
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        return s_int(buf, *(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return s_int(buf, *(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return s_int(buf, *(const int64_t *)p);
    case PROTOBUF_C_TYPE_BOOL:
        return *(const protobuf_c_boolean *)p ? "t" : "f";
    default:
        return NULL;
    }
}

#define S_UPSERT_FIELDS 8

/* A kind whose record is one upsert of a fact table: the record's fields,
 * by name, are the statement's $1, $2, ...; the first `uuids` of them must
 * be UUIDs (else the row does not decode), and the community named by the
 * field `community` (when given) is judged again. */
typedef struct {
    const char *sql;
    const char *fields[S_UPSERT_FIELDS]; /* NULL after the last */
    int uuids;
    const char *community;
} s_upsert_t;

/* 0 / -1, or 1 when the record does not decode. */
static int s_upsert(PGconn *c, const ProtobufCMessage *m, const s_upsert_t *u, tally_dirty_t *dirty)
{
    char bufs[S_UPSERT_FIELDS][24], spare[24];
    const char *v[S_UPSERT_FIELDS];
    int n = 0;
    for (; n < S_UPSERT_FIELDS && u->fields[n]; n++)
        if (!(v[n] = s_field(m, u->fields[n], bufs[n])) || (n < u->uuids && !hj_uuid_valid(v[n])))
            return 1;
    if (u->community)
        tally_dirty_add(dirty, s_field(m, u->community, spare));
    return s_run(c, NULL, u->sql, n, v);
}

/* ---- the sets --------------------------------------------------------------- */

/* One column of a set: a text[] literal being written, e.g. {"a","b"}. */
typedef struct {
    char *buf;
    size_t len, cap;
} s_column_t;

#define S_SET_COLUMNS 9

/* The rows gathered for one statement, one literal per column. */
typedef struct {
    s_column_t column[S_SET_COLUMNS];
    size_t rows;
} s_set_t;

struct projection_sets {
    s_set_t talk, publicity, task;
};

/* Each statement takes its columns as text arrays, numbered in the order
 * gathered (pos), and writes each id once: the values of its first row where
 * the per-row upsert inserts and leaves them, those of its last row where
 * ON CONFLICT sets them (the per-row statements are in s_talk, s_publicity
 * and s_task; the casts are theirs). Two rows of one id in one INSERT would
 * be refused ("cannot affect row a second time"), and the merge is what
 * applying them in order leaves. */
#define S_TALK_SET_SQL                                                                             \
    "WITH r AS (SELECT id::uuid AS id, community, phase, person, outside, follow, day, role, "     \
    "sitting, pos FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "        \
    "$6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS u(id, community, phase, "  \
    "person, outside, follow, day, role, sitting, pos)), "                                         \
    "f AS (SELECT DISTINCT ON (id) * FROM r ORDER BY id, pos), "                                   \
    "l AS (SELECT DISTINCT ON (id) id, follow, day FROM r ORDER BY id, pos DESC) "                 \
    "INSERT INTO talk (id, community, phase, person_id, outside, open_follow_ups, day, "           \
    "outside_role, sitting) SELECT f.id, f.community, f.phase::smallint, "                         \
    "NULLIF(f.person, '')::uuid, f.outside::boolean, l.follow::int, l.day, f.role::smallint, "     \
    "f.sitting::boolean FROM f JOIN l ON l.id = f.id "                                             \
    "ON CONFLICT (id) DO UPDATE SET open_follow_ups = EXCLUDED.open_follow_ups, "                  \
    "day = EXCLUDED.day"
#define S_PUBLICITY_SET_SQL                                                                        \
    "WITH r AS (SELECT id::uuid AS id, community, subdistrict, kind, count, channel, day, pos "    \
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "         \
    "$7::text[]) WITH ORDINALITY AS u(id, community, subdistrict, kind, count, channel, day, "     \
    "pos)), "                                                                                      \
    "f AS (SELECT DISTINCT ON (id) * FROM r ORDER BY id, pos), "                                   \
    "l AS (SELECT DISTINCT ON (id) id, count, day FROM r ORDER BY id, pos DESC) "                  \
    "INSERT INTO publicity (id, community, subdistrict, kind, count, channel, day) "               \
    "SELECT f.id, NULLIF(f.community, ''), f.subdistrict, f.kind, l.count::int, f.channel, "       \
    "l.day FROM f JOIN l ON l.id = f.id "                                                          \
    "ON CONFLICT (id) DO UPDATE SET count = EXCLUDED.count, day = EXCLUDED.day"
#define S_TASK_SET_SQL                                                                             \
    "WITH r AS (SELECT id::uuid AS id, community, due, done, pos FROM unnest($1::text[], "         \
    "$2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(id, community, due, done, pos)), "   \
    "f AS (SELECT DISTINCT ON (id) * FROM r ORDER BY id, pos), "                                   \
    "l AS (SELECT DISTINCT ON (id) id, due, done FROM r ORDER BY id, pos DESC) "                   \
    "INSERT INTO task (id, community, due, done) SELECT f.id, NULLIF(f.community, ''), "           \
    "l.due::date, l.done::boolean FROM f JOIN l ON l.id = f.id "                                   \
    "ON CONFLICT (id) DO UPDATE SET done = EXCLUDED.done, due = EXCLUDED.due"

/* Appends one element (quoted, \ and " escaped). 0 / -1 (out of memory). */
static int s_column_add(s_column_t *col, const char *value)
{
    size_t need = col->len + 2 * strlen(value) + 5; /* , "" and room for }\0 */
    if (need > col->cap) {
        size_t cap = col->cap ? col->cap : 4096;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(col->buf, cap);
        if (!grown)
            return -1;
        col->buf = grown;
        col->cap = cap;
    }
    char sep = col->len ? ',' : '{';
    col->buf[col->len++] = sep;
    col->buf[col->len++] = '"';
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            col->buf[col->len++] = '\\';
        col->buf[col->len++] = *p;
    }
    col->buf[col->len++] = '"';
    return 0;
}

/* Gathers one row of n columns. 0 / -1. */
static int s_set_add(s_set_t *set, const char *const *v, int n)
{
    for (int i = 0; i < n; i++)
        if (s_column_add(&set->column[i], v[i]) != 0)
            return -1;
    set->rows++;
    return 0;
}

/* Writes a set with its statement and empties it. 0 / -1. */
static int s_set_write(PGconn *c, s_set_t *set, const char *sql, int n)
{
    const char *v[S_SET_COLUMNS];
    int rc = 0;
    if (set->rows == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        s_column_t *col = &set->column[i];
        col->buf[col->len] = '}';
        col->buf[col->len + 1] = '\0';
        v[i] = col->buf;
    }
    rc = s_run(c, NULL, sql, n, v);
    for (int i = 0; i < n; i++)
        set->column[i].len = 0;
    set->rows = 0;
    return rc;
}

projection_sets_t *projection_sets_new(void)
{
    return calloc(1, sizeof(projection_sets_t));
}

void projection_sets_destroy(projection_sets_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    projection_sets_t *sets = *self_p;
    *self_p = NULL;
    s_set_t *all[3] = {&sets->talk, &sets->publicity, &sets->task};
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < S_SET_COLUMNS; i++)
            free(all[s]->column[i].buf);
    free(sets);
}

int projection_flush(PGconn *c, projection_sets_t *sets)
{
    if (!sets)
        return 0;
    /* Three tables no gathered row reads: their order does not matter. */
    int rc = s_set_write(c, &sets->talk, S_TALK_SET_SQL, 9) != 0 ||
                     s_set_write(c, &sets->publicity, S_PUBLICITY_SET_SQL, 7) != 0 ||
                     s_set_write(c, &sets->task, S_TASK_SET_SQL, 4) != 0
                 ? -1
                 : 0;
    if (rc != 0) {
        /* What was gathered is lost with the transaction. */
        sets->talk.rows = sets->publicity.rows = sets->task.rows = 0;
        for (int i = 0; i < S_SET_COLUMNS; i++)
            sets->talk.column[i].len = sets->publicity.column[i].len = sets->task.column[i].len = 0;
    }
    return rc;
}

typedef int (*s_apply_fn)(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply,
                          size_t reply_len, tally_dirty_t *dirty, projection_sets_t *sets);

/* ---- registry ----------------------------------------------------------------- */

static int s_publicity(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                       tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Publicity *p = (const void *)m;
    char count[24];
    if (!hj_uuid_valid(p->id))
        return 1;
    const char *v[7] = {p->id,      p->community, p->subdistrict, p->kind, s_int(count, p->count),
                        p->channel, p->date};
    /* A voided push no longer counts (publicity_voided); a corrected one
     * moves its day and count (publicity_updated). */
    if (p->voided && projection_flush(c, sets) != 0)
        return -1;
    if (sets && !p->voided
            ? s_set_add(&sets->publicity, v, 7) != 0
            : s_run(c, NULL,
                    p->voided ? "DELETE FROM publicity WHERE id = $1"
                              : "INSERT INTO publicity (id, community, subdistrict, "
                                "kind, count, channel, day) VALUES ($1, NULLIF($2, "
                                "''), $3, $4, $5::int, $6, $7) ON CONFLICT (id) DO "
                                "UPDATE SET count = EXCLUDED.count, day = EXCLUDED.day",
                    p->voided ? 1 : 7, v) != 0)
        return -1;
    if (p->community[0]) {
        tally_dirty_add(dirty, p->community);
        return 0;
    }
    /* A push to the whole subdistrict reaches each of its communities. */
    return s_run(c, dirty, "SELECT code FROM community WHERE subdistrict = $1", 1, v + 2);
}

static int s_assessment(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                        tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Assessment *a = (const void *)m;
    if (!hj_uuid_valid(a->id) || !hj_uuid_valid(a->seat_id))
        return 1;
    const char *v[3] = {a->id, a->seat_id, a->community};
    tally_dirty_add(dirty, a->community);
    if (a->voided) /* assessment_voided */
        return s_run(c, NULL, "DELETE FROM assessment WHERE id = $1", 1, v);
    return s_run(c, NULL,
                 "INSERT INTO assessment (id, seat_id, community) VALUES ($1, $2, $3) "
                 "ON CONFLICT (id) DO NOTHING",
                 3, v);
}

static int s_reserve_one(PGconn *c, const Hj__Registry__Reserve *r, tally_dirty_t *dirty)
{
    char committee[24];
    if (!hj_uuid_valid(r->id))
        return 1;
    const char *v[7] = {
        r->id,         r->community, s_int(committee, r->committee),
        r->status,     r->vetting,   hj_uuid_valid(r->person_id) ? r->person_id : "",
        r->person_name};
    tally_dirty_add(dirty, r->community);
    if (r->voided) /* reserve_voided */
        return s_run(c, NULL, "DELETE FROM reserve WHERE id = $1", 1, v);
    return s_run(
        c, NULL,
        "INSERT INTO reserve (id, community, committee, status, vetting, person_id, "
        "person_name) VALUES ($1, $2, $3::smallint, $4, $5, NULLIF($6, '')::uuid, $7) "
        "ON CONFLICT (id) DO UPDATE SET community = EXCLUDED.community, "
        "committee = EXCLUDED.committee, status = EXCLUDED.status, vetting = EXCLUDED.vetting, "
        "person_id = EXCLUDED.person_id, person_name = EXCLUDED.person_name",
        7, v);
}

static int s_reserve(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                     tally_dirty_t *dirty, projection_sets_t *sets)
{
    return s_reserve_one(c, (const void *)m, dirty);
}

static int s_reserves(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                      tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Reserves *rs = (const void *)m;
    int rc = 0;
    for (size_t i = 0; i < rs->n_items && rc >= 0; i++)
        if (s_reserve_one(c, rs->items[i], dirty) < 0)
            rc = -1;
    return rc;
}

static int s_body(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                  tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Body *b = (const void *)m;
    if (!hj_uuid_valid(b->id))
        return 1;
    const char *leader = "";
    for (size_t i = 0; i < b->n_members; i++)
        if (strcmp(b->members[i]->role, "leader") == 0) {
            leader = b->members[i]->person_name;
            break;
        }
    const char *v[7] = {b->id,          b->kind, b->name,     b->community,
                        b->subdistrict, leader,  b->formed_on};
    /* The communities it guided and the committee's community before the change. */
    if (s_run(c, dirty,
              "SELECT community FROM guidance WHERE body_id = $1 UNION ALL "
              "SELECT community FROM body WHERE id = $1 AND community IS NOT NULL",
              1, v) != 0 ||
        s_run(c, NULL,
              "INSERT INTO body (id, kind, name, community, subdistrict, leader_name, formed_on) "
              "VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7) ON CONFLICT (id) DO UPDATE SET "
              "kind = EXCLUDED.kind, name = EXCLUDED.name, community = EXCLUDED.community, "
              "subdistrict = EXCLUDED.subdistrict, leader_name = EXCLUDED.leader_name, "
              "formed_on = EXCLUDED.formed_on",
              7, v) != 0 ||
        s_run(c, NULL, "DELETE FROM body_member WHERE body_id = $1", 1, v) != 0 ||
        s_run(c, NULL, "DELETE FROM guidance WHERE body_id = $1", 1, v) != 0)
        return -1;
    tally_dirty_add(dirty, b->community);
    for (size_t i = 0; i < b->n_members; i++) {
        if (!hj_uuid_valid(b->members[i]->person_id))
            continue;
        const char *w[2] = {b->id, b->members[i]->person_id};
        if (s_run(c, NULL,
                  "INSERT INTO body_member (body_id, person_id) VALUES ($1, $2) "
                  "ON CONFLICT DO NOTHING",
                  2, w) != 0)
            return -1;
    }
    for (size_t i = 0; i < b->n_communities; i++) {
        const char *w[2] = {b->communities[i], b->id};
        tally_dirty_add(dirty, b->communities[i]);
        if (s_run(c, NULL,
                  "INSERT INTO guidance (community, body_id) VALUES ($1, $2) "
                  "ON CONFLICT (community) DO UPDATE SET body_id = EXCLUDED.body_id",
                  2, w) != 0)
            return -1;
    }
    return 0;
}

static int s_plan(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                  tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Plan *p = (const void *)m;
    char version[24], total[24], approved[24], returned[96] = "";
    const char *next = "";
    long n_approved = 0;
    if (!hj_uuid_valid(p->id))
        return 1;
    for (size_t i = 0; i < p->n_steps; i++) {
        const Hj__Registry__PlanStep *s = p->steps[i];
        if (strcmp(s->state, "approved") == 0)
            n_approved++;
        else if (strcmp(s->state, "returned") == 0)
            snprintf(returned, sizeof returned, "%u (%.80s)", s->position, s->name);
        else if (!next[0])
            next = s->name;
    }
    /* The subdistrict plan (no community) has no gate, but the briefing
     * reports its approvals. */
    const char *v[12] = {p->id,
                         p->community,
                         s_int(version, p->version),
                         p->state,
                         s_int(total, (long long)p->n_steps),
                         s_int(approved, n_approved),
                         next,
                         returned,
                         p->in_force_on,
                         p->subdistrict,
                         p->title,
                         p->submitted_on};
    tally_dirty_add(dirty, p->community);
    if (s_run(
            c, NULL,
            "INSERT INTO plan (id, community, version, state, steps_total, steps_approved, "
            "next_step, returned_step, in_force_on, subdistrict, title, submitted_on) VALUES ($1, "
            "NULLIF($2, ''), $3::int, $4, $5::int, $6::int, $7, $8, $9, $10, $11, $12) "
            "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, "
            "steps_total = EXCLUDED.steps_total, steps_approved = EXCLUDED.steps_approved, "
            "next_step = EXCLUDED.next_step, returned_step = EXCLUDED.returned_step, "
            "in_force_on = EXCLUDED.in_force_on, title = EXCLUDED.title, "
            "submitted_on = EXCLUDED.submitted_on",
            12, v) != 0 ||
        s_run(c, NULL, "DELETE FROM plan_step WHERE plan = $1", 1, v) != 0)
        return -1;
    for (size_t i = 0; i < p->n_steps; i++) {
        const Hj__Registry__PlanStep *st = p->steps[i];
        char position[24];
        const char *w[5] = {p->id, s_int(position, st->position), st->name, st->state, st->date};
        if (s_run(c, NULL,
                  "INSERT INTO plan_step (plan, position, name, state, day) VALUES ($1, $2::int, "
                  "$3, $4, $5) ON CONFLICT (plan, position) DO UPDATE SET name = EXCLUDED.name, "
                  "state = EXCLUDED.state, day = EXCLUDED.day",
                  5, w) != 0)
            return -1;
    }
    /* A version coming into force supersedes the one before it (the
     * registry does this in the same transaction, without a journal row). */
    if (strcmp(p->state, "in_force") != 0)
        return 0;
    const char *w[3] = {p->id, p->community, p->subdistrict};
    return s_run(c, NULL,
                 "UPDATE plan SET state = 'superseded' WHERE community IS NOT DISTINCT FROM "
                 "NULLIF($2, '') AND subdistrict = $3 AND id <> $1 AND state = 'in_force'",
                 3, w);
}

static int s_task(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                  tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Task *t = (const void *)m;
    if (!hj_uuid_valid(t->id) || !hj_date_valid(t->due))
        return 1;
    const char *v[4] = {t->id, t->community, t->due, strcmp(t->state, "done") == 0 ? "t" : "f"};
    tally_dirty_add(dirty, t->community);
    if (t->voided) /* task_voided; task_updated moves the due date below */
        return projection_flush(c, sets) != 0
                   ? -1
                   : s_run(c, NULL, "DELETE FROM task WHERE id = $1", 1, v);
    if (sets)
        return s_set_add(&sets->task, v, 4);
    return s_run(c, NULL,
                 "INSERT INTO task (id, community, due, done) VALUES ($1, NULLIF($2, ''), "
                 "$3::date, $4::boolean) ON CONFLICT (id) DO UPDATE SET done = EXCLUDED.done, "
                 "due = EXCLUDED.due",
                 4, v);
}

static int s_training(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                      tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Registry__Training *t = (const void *)m;
    char topics[2048] = "", attendees[24];
    if (!hj_uuid_valid(t->id))
        return 1;
    /* Whole topics only (never a character cut in half). */
    for (size_t i = 0, at = 0; i < t->n_topics; i++) {
        size_t need = strlen(t->topics[i]) + (i ? strlen("、") : 0);
        if (at + need >= sizeof topics)
            break;
        at +=
            (size_t)snprintf(topics + at, sizeof topics - at, "%s%s", i ? "、" : "", t->topics[i]);
    }
    const char *w[7] = {t->id,
                        t->date,
                        t->subdistrict,
                        t->community,
                        topics,
                        t->trainer,
                        s_int(attendees, (long long)t->n_attendees)};
    /* A voided or corrected session: the committees of whoever attended it
     * before are judged again, then its attendance is what the record says
     * now (none when voided). */
    if (s_run(c, dirty,
              "SELECT b.community FROM training_attendee a JOIN body_member m ON m.person_id = "
              "a.person_id JOIN body b ON b.id = m.body_id WHERE a.training_id = $1 "
              "AND b.kind = 'election_committee'",
              1, w) != 0 ||
        s_run(c, NULL, "DELETE FROM training_attendee WHERE training_id = $1", 1, w) != 0)
        return -1;
    if (t->voided) /* training_voided */
        return s_run(c, NULL, "DELETE FROM training WHERE id = $1", 1, w);
    if (s_run(c, NULL,
              "INSERT INTO training (id, day, subdistrict, community, topics, trainer, attendees) "
              "VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7::int) ON CONFLICT (id) DO UPDATE SET "
              "day = EXCLUDED.day, trainer = EXCLUDED.trainer, attendees = EXCLUDED.attendees",
              7, w) != 0)
        return -1;
    for (size_t i = 0; i < t->n_attendees; i++) {
        if (!hj_uuid_valid(t->attendees[i]->person_id))
            continue;
        const char *v[2] = {t->id, t->attendees[i]->person_id};
        /* Whoever attended counts for every election committee they sit on. */
        if (s_run(c, NULL,
                  "INSERT INTO training_attendee (training_id, person_id) VALUES ($1, $2) "
                  "ON CONFLICT DO NOTHING",
                  2, v) != 0 ||
            s_run(c, dirty,
                  "SELECT b.community FROM body_member m JOIN body b ON b.id = m.body_id "
                  "WHERE m.person_id = $1 AND b.kind = 'election_committee'",
                  1, v + 1) != 0)
            return -1;
    }
    return 0;
}

/* ---- audit -------------------------------------------------------------------- */

static const s_upsert_t s_engagement = {
    "INSERT INTO audit (id, community, term, state, period_to, opened_on, published_on) VALUES "
    "($1, $2, $3, $4::smallint, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, "
    "published_on = EXCLUDED.published_on",
    {"id", "community", "term", "state", "period_to", "opened_on", "published_on"},
    1,
    "community"};

/* audit_opened: the audit seeds its standard scope without a row of its
 * own; the items are in the reply journalled with the open (an AuditView). */
static int s_audit_opened(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                          tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Audit__Engagement *e = (const void *)m;
    int rc = s_upsert(c, m, &s_engagement, dirty);
    Hj__Audit__Reply *r = rc == 0 && reply ? hj__audit__reply__unpack(NULL, rl, reply) : NULL;
    if (r && r->result_case == HJ__AUDIT__REPLY__RESULT_AUDIT) {
        for (size_t i = 0; i < r->audit->n_scope && rc == 0; i++) {
            char no[24], status[24];
            const char *v[3] = {e->id, s_int(no, r->audit->scope[i]->no),
                                s_int(status, r->audit->scope[i]->status)};
            rc = s_run(c, NULL,
                       "INSERT INTO audit_scope (audit, no, status) VALUES ($1, $2::int, "
                       "$3::smallint) ON CONFLICT (audit, no) DO NOTHING",
                       3, v);
        }
    }
    if (r)
        hj__audit__reply__free_unpacked(r, NULL);
    return rc;
}

/* ---- interviews ----------------------------------------------------------------- */

static int s_talk(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                  tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Interviews__Talk *t = (const void *)m;
    char phase[24], open[24];
    const Hj__Interviews__Interviewee *e = t->interviewee;
    if (!hj_uuid_valid(t->id))
        return 1;
    const char *person = e && hj_uuid_valid(e->person_id) ? e->person_id : "";
    int outside = e && e->kind == HJ__INTERVIEWS__INTERVIEWEE_KIND__OUTSIDE_PARTY;
    char role[24];
    const char *v[9] = {t->id,
                        t->community,
                        s_int(phase, t->phase),
                        person,
                        outside ? "t" : "f",
                        s_int(open, t->open_follow_ups),
                        t->date,
                        s_int(role, outside ? e->role : 0),
                        e && e->sitting_member ? "t" : "f"};
    tally_dirty_add(dirty, t->community);
    /* A voided talk no longer counts (talk_voided); a corrected date moves it (talk_updated). */
    if (t->voided)
        return projection_flush(c, sets) != 0
                   ? -1
                   : s_run(c, NULL, "DELETE FROM talk WHERE id = $1", 1, v);
    if (sets)
        return s_set_add(&sets->talk, v, 9);
    return s_run(
        c, NULL,
        "INSERT INTO talk (id, community, phase, person_id, outside, open_follow_ups, day, "
        "outside_role, sitting) VALUES ($1, $2, $3::smallint, NULLIF($4, '')::uuid, "
        "$5::boolean, $6::int, $7, $8::smallint, $9::boolean) "
        "ON CONFLICT (id) DO UPDATE SET open_follow_ups = EXCLUDED.open_follow_ups, "
        "day = EXCLUDED.day",
        9, v);
}

/* ---- tally's own ------------------------------------------------------------------ */

/* The election itself is in tally.election (written by the request); its
 * journal row only says which board to judge again. */
static int s_election(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                      tally_dirty_t *dirty, projection_sets_t *sets)
{
    tally_dirty_add(dirty, ((const Hj__Tally__Election *)m)->community);
    return 0;
}

/* Election day: the count of the election is published again; its
 * community's board shows the election's state and list. */
static int s_counted(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                     tally_dirty_t *dirty, projection_sets_t *sets)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "election");
    if (!f || f->type != PROTOBUF_C_TYPE_STRING)
        return 1;
    const char *id = *(char *const *)((const char *)m + f->offset);
    if (!hj_uuid_valid(id))
        return 1;
    tally_dirty_add_election(dirty, id);
    const char *v[1] = {id};
    return s_run(c, dirty, "SELECT community FROM tally.election WHERE id = $1", 1, v);
}

static int s_certified(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                       tally_dirty_t *dirty, projection_sets_t *sets)
{
    const Hj__Tally__ElectionRef *e = (const void *)m;
    if (!hj_uuid_valid(e->id))
        return 1;
    tally_dirty_add_election(dirty, e->id);
    const char *v[1] = {e->id};
    return s_run(c, dirty, "SELECT community FROM tally.election WHERE id = $1", 1, v);
}

static int s_voter_roll(PGconn *c, const ProtobufCMessage *m, const uint8_t *reply, size_t rl,
                        tally_dirty_t *dirty, projection_sets_t *sets)
{
    tally_dirty_add(dirty, ((const Hj__Tally__VoterRoll *)m)->community);
    return 0;
}

/* ---- the kinds that are one upsert ----------------------------------------------------- */

static const s_upsert_t s_subdistrict = {"INSERT INTO subdistrict (code, name) VALUES ($1, $2) "
                                         "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name",
                                         {"code", "name"},
                                         0,
                                         NULL};

static const s_upsert_t s_community = {
    "INSERT INTO community (code, name, subdistrict) VALUES ($1, $2, $3) "
    "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, subdistrict = EXCLUDED.subdistrict",
    {"code", "name", "subdistrict"},
    0,
    "code"};

/* A seat sits until its term has ended. */
static const s_upsert_t s_seat = {
    "INSERT INTO seat (id, person_id, community, committee, sitting) "
    "VALUES ($1, $2, $3, $4::smallint, $5 = '') ON CONFLICT (id) DO UPDATE SET "
    "sitting = EXCLUDED.sitting",
    {"id", "person_id", "community", "committee", "term_end"},
    2,
    "community"};

static const s_upsert_t s_rectification = {
    "INSERT INTO rectification (id, community, state, problem, closed_on) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, "
    "problem = EXCLUDED.problem, closed_on = EXCLUDED.closed_on",
    {"id", "community", "state", "problem", "closed_on"},
    1,
    "community"};

static const s_upsert_t s_upgrade = {
    "INSERT INTO upgrade (id, community, to_type, state, requested_on, decided_on) "
    "VALUES ($1, $2, $3::smallint, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET "
    "state = EXCLUDED.state, decided_on = EXCLUDED.decided_on",
    {"id", "community", "to_type", "state", "requested_on", "decided_on"},
    1,
    "community"};

static const s_upsert_t s_scope = {
    "INSERT INTO audit_scope (audit, no, status) VALUES ($1, $2::int, $3::smallint) "
    "ON CONFLICT (audit, no) DO UPDATE SET status = EXCLUDED.status",
    {"audit_id", "no", "status"},
    1,
    "community"};

/* A finding marks its scope item "finding raised"; one reopened marks a
 * cleared item so again (as hj-auditd does in the same transaction). */
static const s_upsert_t s_finding = {
    "WITH f AS (INSERT INTO audit_finding (audit, no, severity, remedy) "
    "VALUES ($1, $2::int, $4::smallint, $5::smallint) ON CONFLICT (audit, no) DO UPDATE "
    "SET severity = EXCLUDED.severity, remedy = EXCLUDED.remedy "
    "RETURNING (xmax = 0) AS added) "
    "UPDATE audit_scope s SET status = 3 FROM f WHERE s.audit = $1 "
    "AND s.no = $3::int AND (f.added OR ($5::smallint = 1 AND s.status = 4))",
    {"audit_id", "no", "scope_item", "severity", "remedy"},
    1,
    "community"};

/* ---- the table ---------------------------------------------------------------- */

static const struct {
    const char *service;
    const char *kind;
    const ProtobufCMessageDescriptor *payload;
    s_apply_fn apply; /* NULL: the kind is the one upsert `upsert` */
    int wants_reply;
    const s_upsert_t *upsert;
} s_kinds[] = {
    /* s_talk, s_publicity and s_task gather into the sets (a voided row
     * writes them first); every other kind is applied at once, after them. */
    {"registry", "subdistrict_added", &hj__registry__subdistrict__descriptor, NULL, 0,
     &s_subdistrict},
    {"registry", "community_added", &hj__registry__community__descriptor, NULL, 0, &s_community},
    {"registry", "community_updated", &hj__registry__community__descriptor, NULL, 0, &s_community},
    {"registry", "seat_added", &hj__registry__seat__descriptor, NULL, 0, &s_seat},
    {"registry", "seat_ended", &hj__registry__seat__descriptor, NULL, 0, &s_seat},
    {"registry", "publicity_added", &hj__registry__publicity__descriptor, s_publicity, 0, NULL},
    {"registry", "assessment_added", &hj__registry__assessment__descriptor, s_assessment, 0, NULL},
    {"registry", "reserve_added", &hj__registry__reserve__descriptor, s_reserve, 0, NULL},
    {"registry", "reserve_updated", &hj__registry__reserve__descriptor, s_reserve, 0, NULL},
    {"registry", "reserve_imported", &hj__registry__reserves__descriptor, s_reserves, 0, NULL},
    {"registry", "rectification_opened", &hj__registry__rectification__descriptor, NULL, 0,
     &s_rectification},
    {"registry", "rectification_advanced", &hj__registry__rectification__descriptor, NULL, 0,
     &s_rectification},
    {"registry", "rectification_closed", &hj__registry__rectification__descriptor, NULL, 0,
     &s_rectification},
    {"registry", "upgrade_requested", &hj__registry__upgrade__descriptor, NULL, 0, &s_upgrade},
    {"registry", "upgrade_decided", &hj__registry__upgrade__descriptor, NULL, 0, &s_upgrade},
    {"registry", "body_added", &hj__registry__body__descriptor, s_body, 0, NULL},
    {"registry", "body_changed", &hj__registry__body__descriptor, s_body, 0, NULL},
    {"registry", "plan_added", &hj__registry__plan__descriptor, s_plan, 0, NULL},
    {"registry", "plan_edited", &hj__registry__plan__descriptor, s_plan, 0, NULL},
    {"registry", "plan_revised", &hj__registry__plan__descriptor, s_plan, 0, NULL},
    {"registry", "plan_step_decided", &hj__registry__plan__descriptor, s_plan, 0, NULL},
    {"registry", "task_added", &hj__registry__task__descriptor, s_task, 0, NULL},
    {"registry", "task_done", &hj__registry__task__descriptor, s_task, 0, NULL},
    {"registry", "training_added", &hj__registry__training__descriptor, s_training, 0, NULL},
    /* Corrections without deletion (issue #20): the whole record, voided or corrected. */
    {"registry", "publicity_voided", &hj__registry__publicity__descriptor, s_publicity, 0, NULL},
    {"registry", "publicity_updated", &hj__registry__publicity__descriptor, s_publicity, 0, NULL},
    {"registry", "assessment_voided", &hj__registry__assessment__descriptor, s_assessment, 0, NULL},
    {"registry", "reserve_voided", &hj__registry__reserve__descriptor, s_reserve, 0, NULL},
    {"registry", "training_voided", &hj__registry__training__descriptor, s_training, 0, NULL},
    {"registry", "training_updated", &hj__registry__training__descriptor, s_training, 0, NULL},
    {"registry", "task_voided", &hj__registry__task__descriptor, s_task, 0, NULL},
    {"registry", "task_updated", &hj__registry__task__descriptor, s_task, 0, NULL},
    {"audit", "audit_opened", &hj__audit__engagement__descriptor, s_audit_opened, 1, NULL},
    {"audit", "audit_advanced", &hj__audit__engagement__descriptor, NULL, 0, &s_engagement},
    {"audit", "audit_published", &hj__audit__engagement__descriptor, NULL, 0, &s_engagement},
    {"audit", "audit_scope_updated", &hj__audit__scope_item__descriptor, NULL, 0, &s_scope},
    {"audit", "audit_finding_added", &hj__audit__finding__descriptor, NULL, 0, &s_finding},
    {"audit", "audit_finding_updated", &hj__audit__finding__descriptor, NULL, 0, &s_finding},
    {"interviews", "talk_recorded", &hj__interviews__talk__descriptor, s_talk, 0, NULL},
    {"interviews", "followup_closed", &hj__interviews__talk__descriptor, s_talk, 0, NULL},
    {"interviews", "talk_voided", &hj__interviews__talk__descriptor, s_talk, 0, NULL},
    {"interviews", "talk_updated", &hj__interviews__talk__descriptor, s_talk, 0, NULL},
    {"tally", "election_scheduled", &hj__tally__election__descriptor, s_election, 0, NULL},
    {"tally", "election_opened", &hj__tally__election__descriptor, s_election, 0, NULL},
    {"tally", "voter_roll_set", &hj__tally__voter_roll__descriptor, s_voter_roll, 0, NULL},
    {"tally", "candidates_set", &hj__tally__candidate_list__descriptor, s_counted, 0, NULL},
    {"tally", "round_opened", &hj__tally__count__descriptor, s_counted, 0, NULL},
    {"tally", "ballots_entered", &hj__tally__ballot_batch__descriptor, s_counted, 0, NULL},
    {"tally", "box_counted", &hj__tally__box_total__descriptor, s_counted, 0, NULL},
    {"tally", "result_amended", &hj__tally__box_total__descriptor, s_counted, 0, NULL},
    {"tally", "election_certified", &hj__tally__election_ref__descriptor, s_certified, 0, NULL},
    {"tally", "seats_vacant", &hj__tally__seat_closure__descriptor, s_counted, 0, NULL},
    {"tally", "seats_reduced", &hj__tally__seat_closure__descriptor, s_counted, 0, NULL},
};
#define S_NKINDS (sizeof s_kinds / sizeof s_kinds[0])

int projection_wants_reply(const char *service, const char *kind)
{
    for (size_t i = 0; i < S_NKINDS; i++)
        if (strcmp(s_kinds[i].kind, kind) == 0 && strcmp(s_kinds[i].service, service) == 0)
            return s_kinds[i].wants_reply;
    return 0;
}

int projection_apply(PGconn *c, const char *service, const char *kind, const char *community,
                     const uint8_t *payload, size_t len, const uint8_t *reply, size_t reply_len,
                     tally_dirty_t *dirty, projection_sets_t *sets)
{
    for (size_t i = 0; i < S_NKINDS; i++) {
        if (strcmp(s_kinds[i].kind, kind) != 0 || strcmp(s_kinds[i].service, service) != 0)
            continue;
        ProtobufCMessage *m = protobuf_c_message_unpack(s_kinds[i].payload, NULL, len, payload);
        if (!m)
            return 1;
        s_apply_fn apply = s_kinds[i].apply;
        int gathers = apply == s_talk || apply == s_publicity || apply == s_task;
        int rc = !gathers && projection_flush(c, sets) != 0 ? -1
                 : apply ? apply(c, m, reply, reply_len, dirty, sets)
                         : s_upsert(c, m, s_kinds[i].upsert, dirty);
        protobuf_c_message_free_unpacked(m, NULL);
        /* Whatever the row was, its community's board is judged again. */
        if (rc == 0)
            tally_dirty_add(dirty, community);
        return rc;
    }
    return 0; /* a kind the board does not count */
}
