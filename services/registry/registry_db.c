/* Every SQL statement of hj-registryd. */
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"
#include "preparation.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PAGE_DEFAULT 100

/* ---- districts and subdistricts ---------------------------------------- */

void registry_db_district_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__District *d = msg;
    const char *v[2] = {d->code, d->name};
    if (hj_call_exec(call, c, "district", "code",
                     "INSERT INTO registry.district (code, name) VALUES ($1, $2)", 2, v) != 0)
        return;
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_DISTRICT, &d->base, "district_added");
}

void registry_db_subdistrict_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Subdistrict *s = msg;
    char state[6];
    const char *v[3] = {s->code, s->name, s->district};
    PGresult *r =
        hj_pq(c, state,
              "INSERT INTO registry.subdistrict (code, name, district) VALUES ($1, $2, $3)", 3, v);
    if (!r) {
        hj_call_sql_failed(call, state, strcmp(state, "23503") ? "subdistrict" : "district",
                           strcmp(state, "23503") ? "code" : "district");
        return;
    }
    PQclear(r);
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_SUBDISTRICT, &s->base, "subdistrict_added");
}

/* Rows 0..n-1 of r as the items (field 1) of a list of `desc` with its total
 * and next (Communities, Persons, Seats), replied; with kind (an import) the
 * list is journaled too. row fills an item; NULL: the columns named as its
 * fields (hj_pgrow_list). */
static void s_list_reply(hj_call_t *call, PGresult *r, int n, uint64_t total, const char *next,
                         const ProtobufCMessageDescriptor *desc, hj_arena_row_fn row,
                         const char *kind)
{
    hj_arena_t a = {0};
    const ProtobufCFieldDescriptor *items = protobuf_c_message_descriptor_get_field(desc, 1);
    const ProtobufCMessageDescriptor *item = items->descriptor;
    void **ptrs =
        row ? hj_arena_rows(&a, r, n, item->sizeof_message, row) : hj_pgrow_list(&a, r, n, item);
    ProtobufCMessage *list = hj_arena_alloc(&a, desc->sizeof_message);
    const ProtobufCFieldDescriptor *t =
        protobuf_c_message_descriptor_get_field_by_name(desc, "total");
    const ProtobufCFieldDescriptor *x =
        protobuf_c_message_descriptor_get_field_by_name(desc, "next");
    if (ptrs && list) {
        desc->message_init(list);
        *(size_t *)((char *)list + items->quantifier_offset) = (size_t)n;
        *(void ***)((char *)list + items->offset) = ptrs;
        *(uint64_t *)((char *)list + t->offset) = total;
        *(const char **)((char *)list + x->offset) = next;
        prep_reply(call, prep_result(desc), list, kind);
    } else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    hj_arena_free(&a);
}

/* One page of a list (registry_page) from r, the result of its statement
 * (NULL: failed, answered already), which carries the total over the filter
 * in column total_col of every row. Clears r. */
static void s_page_reply(hj_call_t *call, PGresult *r, uint32_t limit, int total_col,
                         const ProtobufCMessageDescriptor *desc)
{
    if (!r)
        return;
    int n;
    const char *next;
    registry_page(r, limit, 0, &n, &next);
    uint64_t total = PQntuples(r) ? strtoull(PQgetvalue(r, 0, total_col), NULL, 10) : 0;
    s_list_reply(call, r, n, total, next, desc, NULL, NULL);
    PQclear(r);
}

/* ---- communities ------------------------------------------------------- */

/* A community as Hj__Registry__Community names its fields (hj_pgrow_fill). */
#define S_COMMUNITY_COLS                                                                           \
    "code, name, subdistrict, org_type, to_char(updated_at AT TIME ZONE 'UTC', "                   \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated_at"

/* Replies with the community as stored now (and journals it when `kind`). */
static void s_community_reply(PGconn *c, hj_call_t *call, const char *code, const char *kind)
{
    const char *v[1] = {code};
    /* A community's own code is what its writes journal as their community. */
    if (kind)
        snprintf(call->community, sizeof call->community, "%s", code);
    prep_reply_row(call,
                   hj_call_q_row(call, c, "community", "code",
                                 "SELECT " S_COMMUNITY_COLS
                                 " FROM registry.community WHERE code = $1",
                                 1, v, "community %s not found", code),
                   &hj__registry__community__descriptor, kind);
}

void registry_db_community_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Community *m = msg;
    char state[6], org[4];
    snprintf(org, sizeof org, "%d", (int)m->org_type);
    const char *v[4] = {m->code, m->name, m->subdistrict, org};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO registry.community (code, name, subdistrict, org_type) "
                        "VALUES ($1, $2, $3, $4::smallint)",
                        4, v);
    if (!r) {
        if (strcmp(state, "23503") == 0) {
            hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "subdistrict",
                          "subdistrict %s not found", m->subdistrict);
            return;
        }
        hj_call_sql_failed(call, state, "community code", "code");
        return;
    }
    PQclear(r);
    s_community_reply(c, call, m->code, "community_added");
}

void registry_db_community_update(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__CommunityUpdate *u = msg;
    char org[4];
    snprintf(org, sizeof org, "%d", (int)u->org_type);
    const char *v[3] = {u->code, u->name, org};
    if (prep_changed(
            call,
            hj_call_q(call, c, "community", "code",
                      "UPDATE registry.community SET name = COALESCE(NULLIF($2, ''), name), "
                      "org_type = CASE WHEN $3::smallint = 0 THEN org_type ELSE $3::smallint END, "
                      "updated_at = now() WHERE code = $1",
                      3, v),
            HJ__CODE__NOT_FOUND, "code", "community %s not found", u->code) == 0)
        s_community_reply(c, call, u->code, "community_updated");
}

void registry_db_community_get(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const char *code = ((const Hj__Registry__Get *)msg)->key;
    s_community_reply(c, call, code, NULL);
}

void registry_db_community_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    char limit[16];
    /* An unknown subdistrict is a mistake to name, not an empty list. */
    if (q->community[0] && prep_exists(c, call, "registry.subdistrict", "code", q->community,
                                       "subdistrict", "subdistrict") != 0)
        return;
    const char *v[3] = {q->community, q->after, registry_page_limit(q->limit, limit)};
    /* The total over the filter (the subdistrict's index range), then one page more than asked. */
    s_page_reply(
        call,
        hj_call_q(call, c, "community list", "",
                  "SELECT " S_COMMUNITY_COLS ", (SELECT count(*) FROM registry.community "
                  "k WHERE $1 = '' OR k.subdistrict = $1) FROM registry.community WHERE "
                  "($1 = '' OR subdistrict = $1) AND code > $2 ORDER BY code LIMIT $3::int",
                  3, v),
        q->limit, 5, &hj__registry__communities__descriptor);
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
#define S_PERSON_COLS                                                                              \
    "p.id, p.name, p.gender, p.party_member, " REGISTRY_PERSONAL_COLS(                             \
        "p", "$2", "$3") ", p.code, p.voided_at IS NOT NULL AS voided, "                           \
                         "COALESCE(p.void_reason, '') AS void_reason"

static void s_person_row(PGresult *r, int i, void *item, hj_arena_t *a)
{
    Hj__Registry__Person *p = item;
    hj__registry__person__init(p);
    hj_pgrow_fill(r, i, &p->base);
}

/* The person `id` as stored now, into *p (pointing into *out: PQclear it).
 * 0, or -1 with the status (NOT_FOUND when there is none). */
static int s_person_read(PGconn *c, hj_call_t *call, const char *id, int write, PGresult **out,
                         Hj__Registry__Person *p)
{
    char *scope;
    const char *give;
    *out = NULL;
    if (registry_personal(call, write, &give, &scope) != 0)
        return -1;
    const char *v[3] = {id, give, scope};
    *out = hj_call_q_row(call, c, "person", "id",
                         "SELECT " S_PERSON_COLS " FROM registry.person p WHERE p.id = $1", 3, v,
                         "person %s not found", id);
    free(scope);
    if (!*out)
        return -1;
    s_person_row(*out, 0, p, NULL);
    return 0;
}

/* Replies with the person as stored now; a write journals it as `kind`,
 * with `previous` (the values before a correction) when given. */
static void s_person_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind,
                           Hj__Registry__Person *previous, const char *reason)
{
    PGresult *r;
    Hj__Registry__Person p;
    if (s_person_read(c, call, id, kind != NULL, &r, &p) != 0)
        return;
    /* A correction's journal row (and its reply) keep the values it replaced. */
    p.previous = previous;
    if (reason)
        p.correction_reason = (char *)reason; /* and why (--reason), issue #20 */
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_PERSON, &p.base, kind);
    PQclear(r);
}

void registry_db_person_add(PGconn *c, hj_call_t *call, const Hj__Registry__Person *p,
                            const uint8_t id_hash[32], const char *id_mask)
{
    char state[6], id[37];
    /* The person's id is derived from the request id, so a replay names the same person. */
    snprintf(id, sizeof id, "%s", call->request_id);
    const char *v[8] = {id,
                        p->name,
                        p->gender,
                        p->ethnicity,
                        p->birth_date,
                        p->party_member ? "t" : "f",
                        (const char *)id_hash,
                        id_mask};
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
    if (!r) {
        hj_call_sql_failed(call, state, "a person with this identity-card number", "id_card");
        return;
    }
    PQclear(r);
    s_person_reply(c, call, id, "person_added", NULL, NULL);
}

void registry_db_person_get(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const char *id = ((const Hj__Registry__Get *)msg)->key;
    s_person_reply(c, call, id, NULL, NULL, NULL);
}

void registry_page(PGresult *r, uint32_t limit, int id_col, int *shown, const char **next)
{
    int n = PQntuples(r);
    limit = limit ? limit : S_PAGE_DEFAULT;
    /* The query asked for one row more than the page: its presence is the next page. */
    *shown = n > (int)limit ? (int)limit : n;
    *next = n > (int)limit && *shown > 0 ? PQgetvalue(r, *shown - 1, id_col) : "";
}

const char *registry_page_limit(uint32_t limit, char buf[16])
{
    snprintf(buf, 16, "%u", (limit ? limit : S_PAGE_DEFAULT) + 1);
    return buf;
}

/* The person list's filter ($1 community, $6 name, $7 include voided, $8
 * subdistrict): the page and the count read the same rows. With a community:
 * the persons sitting on its committees now; with a subdistrict, on the
 * committees of its communities (the community_subdistrict index range). */
#define S_PERSON_FILTER                                                                            \
    "($1 = '' OR EXISTS (SELECT 1 FROM registry.seat s WHERE s.person_id = p.id AND "              \
    "s.community = $1 AND s.term_end IS NULL)) AND ($6 = '' OR strpos(p.name, $6) > 0) "           \
    "AND ($7::boolean OR p.voided_at IS NULL) AND ($8 = '' OR EXISTS (SELECT 1 FROM "              \
    "registry.community k JOIN registry.seat s ON s.community = k.code AND s.term_end IS "         \
    "NULL WHERE k.subdistrict = $8 AND s.person_id = p.id)) "

/* A person of a resolve: S_PERSON_COLS, then the communities they sit in
 * (column 10, joined by ','), at most 64. */
static void s_person_resolve_row(PGresult *r, int i, void *item, hj_arena_t *a)
{
    Hj__Registry__Person *p = item;
    s_person_row(r, i, p, a);
    p->communities = hj_arena_split(a, PQgetvalue(r, i, 10), ',', &p->n_communities);
    if (p->n_communities > 64)
        p->n_communities = 64;
}

void registry_db_person_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    char state[6], limit[16];
    const char *after = q->after[0] ? q->after : "00000000-0000-0000-0000-000000000000";
    if (!hj_uuid_valid(after)) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "after",
                      "after must be a person id");
        return;
    }
    /* An unknown subdistrict is a mistake to name, not an empty list. */
    if (q->subdistrict[0] && prep_exists(c, call, "registry.subdistrict", "code", q->subdistrict,
                                         "subdistrict", "subdistrict") != 0)
        return;
    char *scope;
    const char *give;
    if (registry_personal(call, 0, &give, &scope) != 0)
        return;
    const char *v[8] = {q->community,
                        give,
                        scope,
                        after,
                        registry_page_limit(q->limit, limit),
                        q->name,
                        q->include_void ? "t" : "f",
                        q->subdistrict};
    /* The total over the filter comes with the page, even an empty one (a
     * row of NULLs then): one statement, one snapshot. */
    PGresult *r = hj_pq(
        c, state,
        "WITH total AS (SELECT count(*) AS n FROM registry.person p WHERE " S_PERSON_FILTER
        ") SELECT " S_PERSON_COLS ", total.n FROM total LEFT JOIN "
        "LATERAL (SELECT p.* FROM registry.person p WHERE p.id > $4::uuid AND " S_PERSON_FILTER
        "ORDER BY p.id LIMIT $5::int) p ON true ORDER BY p.id",
        8, v);
    free(scope);
    if (!r) {
        hj_call_sql_failed(call, state, "person list", "");
        return;
    }
    int n = 0;
    const char *next = "";
    uint64_t total = strtoull(PQgetvalue(r, 0, 10), NULL, 10);
    if (!PQgetisnull(r, 0, 0))
        registry_page(r, q->limit, 0, &n, &next);
    s_list_reply(call, r, n, total, next, &hj__registry__persons__descriptor, NULL, NULL);
    PQclear(r);
}

/* ---- persons by name or code ------------------------------------------- */

/* Where a person stands (for a match list): the communities of their sitting
 * seats, reserve entries that stand and working bodies (an election committee's
 * community, the communities a guidance group guides). */
#define S_PERSON_COMMUNITIES                                                                       \
    "ARRAY(SELECT s.community FROM registry.seat s WHERE s.person_id = p.id AND "                  \
    "s.term_end IS NULL UNION SELECT r.community FROM registry.reserve r WHERE r.person_id = "     \
    "p.id AND r.voided_at IS NULL UNION SELECT COALESCE(b.community, bc.community) FROM "          \
    "registry.body_member m JOIN "                                                                 \
    "registry.body b ON b.id = m.body_id LEFT JOIN registry.body_community bc ON bc.body_id = "    \
    "b.id WHERE m.person_id = p.id AND COALESCE(b.community, bc.community) IS NOT NULL "           \
    "ORDER BY 1)"

/* In scope of community $4: its persons; with $5 (cadre), its subdistrict's. */
#define S_PERSON_IN_SCOPE                                                                          \
    "($4 = '' OR CASE WHEN $5::boolean THEN EXISTS (SELECT 1 FROM registry.community k JOIN "      \
    "registry.community sib ON sib.subdistrict = k.subdistrict JOIN registry.seat s ON "           \
    "s.community = sib.code AND s.term_end IS NULL WHERE k.code = $4 AND s.person_id = p.id) "     \
    "OR EXISTS (SELECT 1 FROM registry.community k JOIN registry.body b ON b.subdistrict = "       \
    "k.subdistrict JOIN registry.body_member m ON m.body_id = b.id WHERE k.code = $4 AND "         \
    "m.person_id = p.id) ELSE $4 = ANY(" S_PERSON_COMMUNITIES ") END)"

void registry_db_person_resolve(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__PersonResolve *q = msg;
    char state[6], *scope;
    const char *give;
    const char *key = q->key;
    if (registry_personal(call, 0, &give, &scope) != 0)
        return;
    /* A UUID is an id, P + digits a code, anything else a name. */
    size_t digits = strlen(key + (key[0] ? 1 : 0));
    int code = (key[0] == 'P' || key[0] == 'p') && digits >= 1 && digits <= 18 &&
               strspn(key + 1, "0123456789") == digits;
    /* P42, p0042 and P0042 are one code. */
    const char *match = hj_uuid_valid(key) ? "p.id = $1::uuid"
                        : code             ? "p.code = registry.person_code(substr($1, 2)::bigint)"
                                           : "p.name = $1 AND p.voided_at IS NULL";
    char sql[4096];
    /* Among the community's persons first; when none there, district-wide. */
    snprintf(sql, sizeof sql,
             "WITH m AS (SELECT p.*, " S_PERSON_IN_SCOPE
             " AS here FROM registry.person p WHERE %s) "
             "SELECT " S_PERSON_COLS ", array_to_string(" S_PERSON_COMMUNITIES ", ','), "
             "count(*) OVER () FROM m p "
             "WHERE p.here OR NOT EXISTS (SELECT 1 FROM m WHERE m.here) ORDER BY p.code LIMIT 20",
             match);
    const char *v[5] = {key, give, scope, q->community, q->cadre ? "t" : "f"};
    PGresult *r = hj_pq(c, state, sql, 5, v);
    free(scope);
    if (!r) {
        hj_call_sql_failed(call, state, "person", "key");
        return;
    }
    int n = PQntuples(r);
    if (n == 0) {
        PQclear(r);
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "person",
                      "no person %s%s%s in the registry", key,
                      q->community[0] ? " in or near " : "", q->community);
        return;
    }
    /* At most 20 matches are listed; total says how many there are (issue #20). */
    s_list_reply(call, r, n, strtoull(PQgetvalue(r, 0, 11), NULL, 10), "",
                 &hj__registry__persons__descriptor, s_person_resolve_row, NULL);
    PQclear(r);
}

/* ---- corrections without deletion -------------------------------------- */

void registry_db_person_void(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__PersonVoid *v = msg;
    const char *w[2] = {v->id, v->reason};
    /* A person who sits now is on the roster: the seat ends first (hj seat end). */
    PGresult *r =
        hj_call_q_row(call, c, "person", "id",
                      "SELECT p.voided_at IS NOT NULL, (SELECT string_agg(s.community || ' ' || "
                      "s.id, ', ') FROM registry.seat s WHERE s.person_id = p.id AND s.term_end "
                      "IS NULL) FROM registry.person p WHERE p.id = $1::uuid",
                      1, w, "person %s not found", v->id);
    if (!r)
        return;
    if (PQgetvalue(r, 0, 0)[0] == 't') {
        PQclear(r);
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "person %s is already voided", v->id);
        return;
    }
    if (!PQgetisnull(r, 0, 1)) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "person %s sits on a committee (seat %s): end the seat first "
                      "(hj seat end SEAT-ID --on DATE)",
                      v->id, PQgetvalue(r, 0, 1));
        PQclear(r);
        return;
    }
    PQclear(r);
    if (hj_call_exec(
            call, c, "person", "id",
            "UPDATE registry.person SET voided_at = now(), void_reason = $2 WHERE id = $1::uuid "
            "AND voided_at IS NULL",
            2, w) != 0)
        return;
    s_person_reply(c, call, v->id, "person_voided", NULL, NULL);
}

void registry_db_person_update(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__PersonUpdate *u = msg;
    char state[6];
    PGresult *before;
    Hj__Registry__Person previous;
    if (s_person_read(c, call, u->id, 1, &before, &previous) != 0)
        return;
    if (previous.voided) {
        PQclear(before);
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "person %s is voided: it cannot be corrected", u->id);
        return;
    }
    const char *v[6] = {u->id, u->name, u->gender, u->ethnicity, u->birth_date, u->party_member};
    PGresult *r = hj_pq(c, state,
                        "UPDATE registry.person SET name = COALESCE(NULLIF($2, ''), name), "
                        "gender = COALESCE(NULLIF($3, ''), gender), "
                        "ethnicity = COALESCE(NULLIF($4, ''), ethnicity), "
                        "birth_date = COALESCE(NULLIF($5, '')::date, birth_date), "
                        "party_member = CASE $6 WHEN 'yes' THEN true WHEN 'no' THEN false "
                        "ELSE party_member END WHERE id = $1::uuid",
                        6, v);
    if (!r) {
        PQclear(before);
        hj_call_sql_failed(call, state, "person", "id");
        return;
    }
    PQclear(r);
    s_person_reply(c, call, u->id, "person_updated", &previous, u->reason);
    PQclear(before);
}

/* ---- committee seats --------------------------------------------------- */

/* A seat as Hj__Registry__Seat names its fields (hj_pgrow_fill). */
#define S_SEAT_COLS                                                                                \
    "s.id, s.community, s.person_id, s.committee, s.role, to_char(s.term_start, 'YYYY-MM-DD') "    \
    "AS term_start, COALESCE(to_char(s.term_end, 'YYYY-MM-DD'), '') AS term_end, "                 \
    "p.name AS person_name, p.code AS person_code"

static void s_seat_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    const char *v[1] = {id};
    prep_reply_row(call,
                   hj_call_q_row(call, c, "seat", "id",
                                 "SELECT " S_SEAT_COLS " FROM registry.seat s JOIN "
                                 "registry.person p ON p.id = s.person_id WHERE s.id = $1",
                                 1, v, "seat %s not found", id),
                   &hj__registry__seat__descriptor, kind);
}

void registry_db_seat_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Seat *s = msg;
    char id[37], committee[4];
    snprintf(id, sizeof id, "%s", call->request_id);
    snprintf(committee, sizeof committee, "%d", (int)s->committee);
    const char *w[7] = {id,      s->community,  s->person_id, committee,
                        s->role, s->term_start, s->term_end};
    if (prep_exists(c, call, "registry.community", "code", s->community, "community",
                    "community") ||
        prep_exists(c, call, "registry.person", "id", s->person_id, "person_id", "person") ||
        hj_call_exec(call, c, "a sitting seat of this person on this committee", "person_id",
                     "INSERT INTO registry.seat (id, community, person_id, committee, role, "
                     "term_start, term_end) VALUES ($1, $2, $3, $4::smallint, $5, $6::date, "
                     "NULLIF($7, '')::date)",
                     7, w))
        return;
    s_seat_reply(c, call, id, "seat_added");
}

void registry_db_seat_end(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Seat *s = msg;
    const char *v[2] = {s->id, s->term_end};
    if (prep_changed(call,
                     hj_call_q(call, c, "seat", "id",
                               "UPDATE registry.seat SET term_end = $2::date WHERE id = $1 "
                               "AND term_end IS NULL AND term_start <= $2::date",
                               2, v),
                     HJ__CODE__FAILED_PRECONDITION, "term_end",
                     "seat %s is unknown, already ended, or starts after %s", s->id,
                     s->term_end) == 0)
        s_seat_reply(c, call, s->id, "seat_ended");
}

void registry_db_seat_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    char limit[16];
    const char *after = q->after[0] ? q->after : "00000000-0000-0000-0000-000000000000";
    if (!hj_uuid_valid(after)) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "after",
                      "after must be a seat id");
        return;
    }
    const char *v[3] = {q->community, after, registry_page_limit(q->limit, limit)};
    s_page_reply(call,
                 hj_call_q(call, c, "seat list", "",
                           "SELECT " S_SEAT_COLS ", (SELECT count(*) FROM registry.seat k WHERE "
                           "$1 = '' OR k.community = $1) FROM registry.seat s JOIN registry.person "
                           "p ON p.id = s.person_id WHERE ($1 = '' OR s.community = $1) AND "
                           "s.id > $2::uuid ORDER BY s.id LIMIT $3::int",
                           3, v),
                 q->limit, 9, &hj__registry__seats__descriptor);
}

/* ---- person import (all rows or none) ------------------------------------ */

/* '{a,b,...}' of `n` strings that need no quoting (hex, masks, empty = ""). */
static char *s_text_array(size_t n, const char *(*item)(size_t i, const void *arg), const void *arg)
{
    size_t cap = 3, at = 0;
    for (size_t i = 0; i < n; i++)
        cap += strlen(item(i, arg)) + 3;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[at++] = '{';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s\"%s\"", i ? "," : "", item(i, arg));
    snprintf(out + at, cap - at, "}");
    return out;
}

static const char *s_hash_item(size_t i, const void *arg)
{
    return ((const char(*)[65])arg)[i];
}

void registry_db_person_import(PGconn *c, hj_call_t *call, const Hj__Registry__PersonImport *imp,
                               const char (*hashes)[65], const char (*masks)[19])
{
    char state[6], ord[24], *all = s_text_array(imp->n_rows, s_hash_item, hashes);
    PGresult *r = NULL;
    if (!all) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        return;
    }
    /* An identity-card number already in the registry: every such line named. */
    const char *v[1] = {all};
    r = hj_pq(c, state,
              "SELECT h.ord FROM unnest($1::text[]) WITH ORDINALITY h(hex, ord) JOIN "
              "registry.person p ON p.id_hash = decode(h.hex, 'hex') WHERE h.hex <> '' ORDER BY 1",
              1, v);
    if (!r)
        goto failed;
    if (PQntuples(r) > 0) {
        char msg[sizeof call->status.message];
        size_t len = 0;
        msg[0] = 0;
        for (int i = 0; i < PQntuples(r) && len < sizeof msg; i++) {
            size_t k = strtoul(PQgetvalue(r, i, 0), NULL, 10) - 1;
            int n = snprintf(msg + len, sizeof msg - len, "%sline %u", i ? ", " : "",
                             k < imp->n_rows ? imp->rows[k]->line : 0);
            len = n < 0 ? sizeof msg : len + (size_t)n;
        }
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "id_card",
                      "%d of %zu rows name a person already in the registry (the same "
                      "identity-card number), nothing was imported: %s",
                      PQntuples(r), imp->n_rows, msg);
        goto out;
    }
    PQclear(r);
    r = NULL;
    /* Ids made from the request id and the row: a replay names the same persons. */
    for (size_t i = 0; i < imp->n_rows; i++) {
        const Hj__Registry__Person *p = imp->rows[i];
        snprintf(ord, sizeof ord, "%zu", i + 1);
        const char *w[9] = {call->request_id,
                            ord,
                            p->name,
                            p->gender,
                            p->ethnicity,
                            p->birth_date,
                            p->party_member ? "t" : "f",
                            hashes[i],
                            masks[i]};
        PGresult *ins =
            hj_pq(c, state,
                  "INSERT INTO registry.person (id, name, gender, ethnicity, birth_date, "
                  "party_member, id_hash, id_mask) VALUES (md5($1 || ':' || $2)::uuid, "
                  "$3, $4, $5, NULLIF($6, '')::date, $7::boolean, "
                  "NULLIF(decode($8, 'hex'), ''::bytea), NULLIF($9, ''))",
                  9, w);
        if (!ins)
            goto failed;
        PQclear(ins);
    }
    char n[24];
    snprintf(n, sizeof n, "%zu", imp->n_rows);
    const char *w[4] = {call->request_id, "t", NULL, n};
    r = hj_pq(c, state,
              "SELECT " S_PERSON_COLS " FROM generate_series(1, $4::int) g JOIN registry.person p "
              "ON p.id = md5($1 || ':' || g)::uuid ORDER BY g",
              4, w);
    if (!r)
        goto failed;
    s_list_reply(call, r, PQntuples(r), (uint64_t)PQntuples(r), "",
                 &hj__registry__persons__descriptor, NULL, "persons_imported");
    goto out;
failed:
    hj_call_sql_failed(call, state, "person import", "rows");
out:
    PQclear(r);
    free(all);
}
