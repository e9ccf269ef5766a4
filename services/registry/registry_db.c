/* Every SQL statement of hj-registryd. */
#include "hj_envelope.h"
#include "hj_log.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PAGE_DEFAULT 100


static void s_not_found(hj_call_t *call, const char *field, const char *what, const char *key)
{
    hj_status_set(&call->status, HJ__CODE__NOT_FOUND, field, "%s %s not found", what, key);
}

static const char *s_limit(const Hj__Registry__ListQuery *q, char buf[16])
{
    snprintf(buf, 16, "%u", q->limit ? q->limit : S_PAGE_DEFAULT);
    return buf;
}

/* ---- districts and subdistricts ---------------------------------------- */

void registry_db_district_add(PGconn *c, hj_call_t *call, const Hj__Registry__District *d)
{
    char state[6];
    const char *v[2] = {d->code, d->name};
    PGresult *r = hj_pq(c, state, "INSERT INTO registry.district (code, name) VALUES ($1, $2)", 2, v);
    if (!r)
        return hj_call_sql_failed(call, state, "district", "code");
    PQclear(r);
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_DISTRICT;
    reply.district = (Hj__Registry__District *)d;
    snprintf(call->kind, sizeof call->kind, "district_added");
    hj_call_reply(call, &reply.base, &d->base);
}

void registry_db_subdistrict_add(PGconn *c, hj_call_t *call, const Hj__Registry__Subdistrict *s)
{
    char state[6];
    const char *v[3] = {s->code, s->name, s->district};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO registry.subdistrict (code, name, district) VALUES ($1, $2, $3)",
                        3, v);
    if (!r)
        return hj_call_sql_failed(call, state, strcmp(state, "23503") ? "subdistrict" : "district",
                            strcmp(state, "23503") ? "code" : "district");
    PQclear(r);
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_SUBDISTRICT;
    reply.subdistrict = (Hj__Registry__Subdistrict *)s;
    snprintf(call->kind, sizeof call->kind, "subdistrict_added");
    hj_call_reply(call, &reply.base, &s->base);
}

/* ---- communities ------------------------------------------------------- */

#define S_COMMUNITY_COLS \
    "code, name, subdistrict, org_type, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static void s_community_row(PGresult *r, int i, Hj__Registry__Community *m)
{
    hj__registry__community__init(m);
    m->code = PQgetvalue(r, i, 0);
    m->name = PQgetvalue(r, i, 1);
    m->subdistrict = PQgetvalue(r, i, 2);
    m->org_type = atoi(PQgetvalue(r, i, 3));
    m->updated_at = PQgetvalue(r, i, 4);
}

/* Replies with the community as stored now (and journals it when `kind`). */
static void s_community_reply(PGconn *c, hj_call_t *call, const char *code, const char *kind)
{
    char state[6];
    const char *v[1] = {code};
    PGresult *r = hj_pq(c, state, "SELECT " S_COMMUNITY_COLS " FROM registry.community WHERE code = $1",
                        1, v);
    if (!r)
        return hj_call_sql_failed(call, state, "community", "code");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return s_not_found(call, "code", "community", code);
    }
    Hj__Registry__Community m;
    s_community_row(r, 0, &m);
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_COMMUNITY;
    reply.community = &m;
    if (kind) {
        snprintf(call->kind, sizeof call->kind, "%s", kind);
        snprintf(call->community, sizeof call->community, "%s", code);
    }
    hj_call_reply(call, &reply.base, kind ? &m.base : NULL);
    PQclear(r);
}

void registry_db_community_add(PGconn *c, hj_call_t *call, const Hj__Registry__Community *m)
{
    char state[6], org[4];
    snprintf(org, sizeof org, "%d", (int)m->org_type);
    const char *v[4] = {m->code, m->name, m->subdistrict, org};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO registry.community (code, name, subdistrict, org_type) "
                        "VALUES ($1, $2, $3, $4::smallint)",
                        4, v);
    if (!r) {
        if (strcmp(state, "23503") == 0)
            return s_not_found(call, "subdistrict", "subdistrict", m->subdistrict);
        return hj_call_sql_failed(call, state, "community code", "code");
    }
    PQclear(r);
    s_community_reply(c, call, m->code, "community_added");
}

void registry_db_community_update(PGconn *c, hj_call_t *call, const Hj__Registry__CommunityUpdate *u)
{
    char state[6], org[4];
    snprintf(org, sizeof org, "%d", (int)u->org_type);
    const char *v[3] = {u->code, u->name, org};
    PGresult *r = hj_pq(c, state,
                        "UPDATE registry.community SET name = COALESCE(NULLIF($2, ''), name), "
                        "org_type = CASE WHEN $3::smallint = 0 THEN org_type ELSE $3::smallint END, "
                        "updated_at = now() WHERE code = $1",
                        3, v);
    if (!r)
        return hj_call_sql_failed(call, state, "community", "code");
    int changed = atoi(PQcmdTuples(r));
    PQclear(r);
    if (!changed)
        return s_not_found(call, "code", "community", u->code);
    s_community_reply(c, call, u->code, "community_updated");
}

void registry_db_community_get(PGconn *c, hj_call_t *call, const char *code)
{
    s_community_reply(c, call, code, NULL);
}

void registry_db_community_list(PGconn *c, hj_call_t *call, const Hj__Registry__ListQuery *q)
{
    char state[6], limit[16];
    const char *v[3] = {q->community, q->after, s_limit(q, limit)};
    PGresult *r = hj_pq(c, state,
                        "SELECT " S_COMMUNITY_COLS " FROM registry.community "
                        "WHERE ($1 = '' OR subdistrict = $1) AND code > $2 ORDER BY code LIMIT $3::int",
                        3, v);
    if (!r)
        return hj_call_sql_failed(call, state, "community list", "");
    int n = PQntuples(r);
    Hj__Registry__Community *rows = calloc((size_t)n + 1, sizeof *rows);
    Hj__Registry__Community **ptrs = calloc((size_t)n + 1, sizeof *ptrs);
    for (int i = 0; i < n; i++) {
        s_community_row(r, i, &rows[i]);
        ptrs[i] = &rows[i];
    }
    Hj__Registry__Communities list = HJ__REGISTRY__COMMUNITIES__INIT;
    list.n_items = (size_t)n;
    list.items = ptrs;
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_COMMUNITIES;
    reply.communities = &list;
    hj_call_reply(call, &reply.base, NULL);
    free(ptrs);
    free(rows);
    PQclear(r);
}

/* ---- persons ----------------------------------------------------------- */

int registry_personal(hj_call_t *call, int write, const char **give, char **scope)
{
    *scope = NULL;
    int given = write ? 1 : hj_auth_personal(call->permission, call->identity, scope);
    *give = given > 0 ? "t" : "f";
    if (given < 0)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    return 0;
}

/* $2 and $3: REGISTRY_PERSONAL_COLS's parameters. */
#define S_PERSON_COLS \
    "p.id, p.name, p.gender, p.party_member, " REGISTRY_PERSONAL_COLS("p", "$2", "$3")

static void s_person_row(PGresult *r, int i, Hj__Registry__Person *p)
{
    hj__registry__person__init(p);
    p->id = PQgetvalue(r, i, 0);
    p->name = PQgetvalue(r, i, 1);
    p->gender = PQgetvalue(r, i, 2);
    p->party_member = PQgetvalue(r, i, 3)[0] == 't';
    p->ethnicity = PQgetvalue(r, i, 4);
    p->birth_date = PQgetvalue(r, i, 5);
    p->id_card_masked = PQgetvalue(r, i, 6);
}

static void s_person_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    char state[6], *scope;
    const char *give;
    if (registry_personal(call, kind != NULL, &give, &scope) != 0)
        return;
    const char *v[3] = {id, give, scope};
    PGresult *r = hj_pq(c, state, "SELECT " S_PERSON_COLS " FROM registry.person p WHERE p.id = $1",
                        3, v);
    free(scope);
    if (!r)
        return hj_call_sql_failed(call, state, "person", "id");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return s_not_found(call, "id", "person", id);
    }
    Hj__Registry__Person p;
    s_person_row(r, 0, &p);
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_PERSON;
    reply.person = &p;
    if (kind)
        snprintf(call->kind, sizeof call->kind, "%s", kind);
    hj_call_reply(call, &reply.base, kind ? &p.base : NULL);
    PQclear(r);
}

void registry_db_person_add(PGconn *c, hj_call_t *call, const Hj__Registry__Person *p,
                            const uint8_t id_hash[32], const char *id_mask)
{
    char state[6], id[37];
    /* The person's id is derived from the request id, so a replay names the same person. */
    snprintf(id, sizeof id, "%s", call->request_id);
    const char *v[8] = {id, p->name, p->gender, p->ethnicity, p->birth_date,
                        p->party_member ? "t" : "f", (const char *)id_hash, id_mask};
    int len[8] = {0, 0, 0, 0, 0, 0, id_hash ? 32 : 0, 0};
    int fmt[8] = {0, 0, 0, 0, 0, 0, 1, 0};
    if (!id_hash) {
        v[6] = NULL;
        v[7] = NULL;
    }
    PGresult *r = hj_pqb(c, state,
                         "INSERT INTO registry.person (id, name, gender, ethnicity, birth_date, "
                         "party_member, id_hash, id_mask) "
                         "VALUES ($1, $2, $3, $4, NULLIF($5, '')::date, $6::boolean, $7, $8)",
                         8, v, len, fmt);
    if (!r)
        return hj_call_sql_failed(call, state, "a person with this identity-card number", "id_card");
    PQclear(r);
    s_person_reply(c, call, id, "person_added");
}

void registry_db_person_get(PGconn *c, hj_call_t *call, const char *id)
{
    s_person_reply(c, call, id, NULL);
}

void registry_db_person_list(PGconn *c, hj_call_t *call, const Hj__Registry__ListQuery *q)
{
    char state[6], limit[16];
    const char *after = q->after[0] ? q->after : "00000000-0000-0000-0000-000000000000";
    if (!hj_uuid_valid(after))
        return (void)hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "after",
                                   "after must be a person id");
    char *scope;
    const char *give;
    if (registry_personal(call, 0, &give, &scope) != 0)
        return;
    /* With a community: the persons sitting on its committees now. */
    const char *v[5] = {q->community, give, scope, after, s_limit(q, limit)};
    PGresult *r = hj_pq(c, state,
                        "SELECT " S_PERSON_COLS " FROM registry.person p WHERE p.id > $4::uuid "
                        "AND ($1 = '' OR EXISTS (SELECT 1 FROM registry.seat s WHERE s.person_id = "
                        "p.id AND s.community = $1 AND s.term_end IS NULL)) "
                        "ORDER BY p.id LIMIT $5::int",
                        5, v);
    free(scope);
    if (!r)
        return hj_call_sql_failed(call, state, "person list", "");
    int n = PQntuples(r);
    Hj__Registry__Person *rows = calloc((size_t)n + 1, sizeof *rows);
    Hj__Registry__Person **ptrs = calloc((size_t)n + 1, sizeof *ptrs);
    for (int i = 0; i < n; i++) {
        s_person_row(r, i, &rows[i]);
        ptrs[i] = &rows[i];
    }
    Hj__Registry__Persons list = HJ__REGISTRY__PERSONS__INIT;
    list.n_items = (size_t)n;
    list.items = ptrs;
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_PERSONS;
    reply.persons = &list;
    hj_call_reply(call, &reply.base, NULL);
    free(ptrs);
    free(rows);
    PQclear(r);
}

/* ---- committee seats --------------------------------------------------- */

#define S_SEAT_COLS \
    "s.id, s.community, s.person_id, s.committee, s.role, to_char(s.term_start, 'YYYY-MM-DD'), " \
    "COALESCE(to_char(s.term_end, 'YYYY-MM-DD'), ''), p.name"

static void s_seat_row(PGresult *r, int i, Hj__Registry__Seat *s)
{
    hj__registry__seat__init(s);
    s->id = PQgetvalue(r, i, 0);
    s->community = PQgetvalue(r, i, 1);
    s->person_id = PQgetvalue(r, i, 2);
    s->committee = atoi(PQgetvalue(r, i, 3));
    s->role = PQgetvalue(r, i, 4);
    s->term_start = PQgetvalue(r, i, 5);
    s->term_end = PQgetvalue(r, i, 6);
    s->person_name = PQgetvalue(r, i, 7);
}

static void s_seat_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    char state[6];
    const char *v[1] = {id};
    PGresult *r = hj_pq(c, state,
                        "SELECT " S_SEAT_COLS " FROM registry.seat s JOIN registry.person p ON "
                        "p.id = s.person_id WHERE s.id = $1",
                        1, v);
    if (!r)
        return hj_call_sql_failed(call, state, "seat", "id");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return s_not_found(call, "id", "seat", id);
    }
    Hj__Registry__Seat s;
    s_seat_row(r, 0, &s);
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_SEAT;
    reply.seat = &s;
    snprintf(call->kind, sizeof call->kind, "%s", kind);
    snprintf(call->community, sizeof call->community, "%s", s.community);
    hj_call_reply(call, &reply.base, &s.base);
    PQclear(r);
}

void registry_db_seat_add(PGconn *c, hj_call_t *call, const Hj__Registry__Seat *s)
{
    char state[6], id[37], committee[4];
    snprintf(id, sizeof id, "%s", call->request_id);
    snprintf(committee, sizeof committee, "%d", (int)s->committee);
    const char *v[2] = {s->community, s->person_id};
    PGresult *r = hj_pq(c, state,
                        "SELECT (SELECT count(*) FROM registry.community WHERE code = $1), "
                        "(SELECT count(*) FROM registry.person WHERE id = $2::uuid)",
                        2, v);
    if (!r)
        return hj_call_sql_failed(call, state, "seat", "");
    int community = atoi(PQgetvalue(r, 0, 0)), person = atoi(PQgetvalue(r, 0, 1));
    PQclear(r);
    if (!community)
        return s_not_found(call, "community", "community", s->community);
    if (!person)
        return s_not_found(call, "person_id", "person", s->person_id);
    const char *w[7] = {id, s->community, s->person_id, committee, s->role, s->term_start, s->term_end};
    r = hj_pq(c, state,
              "INSERT INTO registry.seat (id, community, person_id, committee, role, term_start, "
              "term_end) VALUES ($1, $2, $3, $4::smallint, $5, $6::date, NULLIF($7, '')::date)",
              7, w);
    if (!r)
        return hj_call_sql_failed(call, state, "a sitting seat of this person on this committee",
                            "person_id");
    PQclear(r);
    s_seat_reply(c, call, id, "seat_added");
}

void registry_db_seat_end(PGconn *c, hj_call_t *call, const Hj__Registry__Seat *s)
{
    char state[6];
    const char *v[2] = {s->id, s->term_end};
    PGresult *r = hj_pq(c, state,
                        "UPDATE registry.seat SET term_end = $2::date WHERE id = $1 "
                        "AND term_end IS NULL AND term_start <= $2::date",
                        2, v);
    if (!r)
        return hj_call_sql_failed(call, state, "seat", "id");
    int changed = atoi(PQcmdTuples(r));
    PQclear(r);
    if (!changed)
        return (void)hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "term_end",
                                   "seat %s is unknown, already ended, or starts after %s", s->id,
                                   s->term_end);
    s_seat_reply(c, call, s->id, "seat_ended");
}

void registry_db_seat_list(PGconn *c, hj_call_t *call, const Hj__Registry__ListQuery *q)
{
    char state[6], limit[16];
    const char *after = q->after[0] ? q->after : "00000000-0000-0000-0000-000000000000";
    if (!hj_uuid_valid(after))
        return (void)hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "after",
                                   "after must be a seat id");
    const char *v[3] = {q->community, after, s_limit(q, limit)};
    PGresult *r = hj_pq(c, state,
                        "SELECT " S_SEAT_COLS " FROM registry.seat s JOIN registry.person p ON "
                        "p.id = s.person_id WHERE ($1 = '' OR s.community = $1) AND s.id > $2::uuid "
                        "ORDER BY s.id LIMIT $3::int",
                        3, v);
    if (!r)
        return hj_call_sql_failed(call, state, "seat list", "");
    int n = PQntuples(r);
    Hj__Registry__Seat *rows = calloc((size_t)n + 1, sizeof *rows);
    Hj__Registry__Seat **ptrs = calloc((size_t)n + 1, sizeof *ptrs);
    for (int i = 0; i < n; i++) {
        s_seat_row(r, i, &rows[i]);
        ptrs[i] = &rows[i];
    }
    Hj__Registry__Seats list = HJ__REGISTRY__SEATS__INIT;
    list.n_items = (size_t)n;
    list.items = ptrs;
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_SEATS;
    reply.seats = &list;
    hj_call_reply(call, &reply.base, NULL);
    free(ptrs);
    free(rows);
    PQclear(r);
}
