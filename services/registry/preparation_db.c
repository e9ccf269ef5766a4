/* The preparation record's shared SQL helpers, and the SQL of publicity,
 * assessments and community risk notes. */
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"
#include "preparation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PAGE_DEFAULT 100
#define S_SQL_MAX 8192

/* ---- statements and replies ------------------------------------------------ */

PGresult *prep_q(PGconn *c, hj_call_t *call, const char *what, const char *sql, int n,
                 const char *const *values)
{
    char state[6] = "";
    PGresult *r = hj_pq(c, state, sql, n, values);
    if (r)
        return r;
    if (strcmp(state, "23505") == 0)
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, what, "%s already exists", what);
    else if (strcmp(state, "23503") == 0)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, what, "%s refers to something unknown",
                      what);
    else if (strcmp(state, "23514") == 0)
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, what,
                      "%s breaks a rule of the record", what);
    else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "database error at %s", what);
    return NULL;
}

int prep_refuse(hj_call_t *call, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    call->status.code = HJ__CODE__FAILED_PRECONDITION;
    snprintf(call->status.field, sizeof call->status.field, "%s", rule);
    vsnprintf(call->status.message, sizeof call->status.message, fmt, ap);
    va_end(ap);
    return -1;
}

int prep_exists(PGconn *c, hj_call_t *call, const char *table, const char *key, const char *value,
                const char *field, const char *what)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = $1", table, key);
    const char *v[1] = {value};
    return hj_call_exists(call, c, what, field, sql, 1, v, "%s %s not found", what, value);
}

void prep_journal(hj_call_t *call, const char *kind, const char *community,
                  const ProtobufCMessage *record)
{
    snprintf(call->kind, sizeof call->kind, "%s", kind);
    snprintf(call->community, sizeof call->community, "%s", community ? community : "");
    free(call->payload);
    call->payload_len = protobuf_c_message_get_packed_size(record);
    call->payload = malloc(call->payload_len ? call->payload_len : 1);
    if (call->payload)
        protobuf_c_message_pack(record, call->payload);
}

int prep_result(const ProtobufCMessageDescriptor *desc)
{
    const ProtobufCMessageDescriptor *reply = &hj__registry__reply__descriptor;
    for (unsigned i = 0; i < reply->n_fields; i++)
        if (reply->fields[i].descriptor == desc)
            return (int)reply->fields[i].id;
    return 0;
}

void prep_reply(hj_call_t *call, int field, const ProtobufCMessage *msg, const char *kind)
{
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&hj__registry__reply__descriptor, (unsigned)field);
    *(uint32_t *)((char *)&reply + f->quantifier_offset) = f->id;
    *(const ProtobufCMessage **)((char *)&reply + f->offset) = msg;
    /* The record's community: what a write journals, and what a scoped read
     * is judged on (hj_writer.h). */
    const ProtobufCFieldDescriptor *cf =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, "community");
    if (cf && cf->type == PROTOBUF_C_TYPE_STRING && cf->label != PROTOBUF_C_LABEL_REPEATED) {
        const char *v = *(char *const *)((const char *)msg + cf->offset);
        snprintf(call->community, sizeof call->community, "%s", v ? v : "");
    }
    if (kind)
        snprintf(call->kind, sizeof call->kind, "%s", kind);
    hj_call_reply(call, &reply.base, kind ? msg : NULL);
}

void prep_reply_row(hj_call_t *call, PGresult *r, const ProtobufCMessageDescriptor *desc,
                    const char *kind)
{
    hj_arena_t a = {0};
    void **m = r ? hj_pgrow_list(&a, r, 1, desc) : NULL;
    if (m)
        prep_reply(call, prep_result(desc), m[0], kind);
    else if (r)
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    hj_arena_free(&a);
    PQclear(r);
}

/* Row i's code, voided and void_reason (the last three columns) into item. */
static void s_voided(const prep_record_t *rec, PGresult *r, int i, void *item)
{
    if (!rec->voided)
        return;
    const ProtobufCFieldDescriptor *v =
        protobuf_c_message_descriptor_get_field_by_name(rec->item, "voided");
    const ProtobufCFieldDescriptor *why =
        protobuf_c_message_descriptor_get_field_by_name(rec->item, "void_reason");
    const ProtobufCFieldDescriptor *code =
        protobuf_c_message_descriptor_get_field_by_name(rec->item, "code");
    int n = PQnfields(r);
    if (code && code->type == PROTOBUF_C_TYPE_STRING)
        *(char **)((char *)item + code->offset) = PQgetvalue(r, i, n - 3);
    if (v && v->type == PROTOBUF_C_TYPE_BOOL)
        *(protobuf_c_boolean *)((char *)item + v->offset) = PQgetvalue(r, i, n - 2)[0] == 't';
    if (why && why->type == PROTOBUF_C_TYPE_STRING)
        *(char **)((char *)item + why->offset) = PQgetvalue(r, i, n - 1);
}

/* The repeated fields of item that a column of r names (hj_pgrow_fill
 * leaves them alone): strings split at \x1e, or child records. */
static void s_children(PGresult *r, int i, ProtobufCMessage *item, hj_arena_t *a)
{
    for (int col = 0; col < PQnfields(r); col++) {
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(item->descriptor, PQfname(r, col));
        if (!f || f->label != PROTOBUF_C_LABEL_REPEATED)
            continue;
        size_t *n = (size_t *)((char *)item + f->quantifier_offset);
        void **at = (void **)((char *)item + f->offset);
        if (f->type == PROTOBUF_C_TYPE_STRING)
            *at = hj_arena_split(a, PQgetvalue(r, i, col), '\x1e', n);
        else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
            *at = prep_children(a, PQgetvalue(r, i, col), f->descriptor, n);
    }
}

/* What hj_pgrow_fill left of row i (already in item): children, then voided. */
static void s_row(const prep_record_t *rec, PGresult *r, int i, void *item, hj_arena_t *a)
{
    s_children(r, i, item, a);
    s_voided(rec, r, i, item);
}

/* The record id as `where` selects it: 0 found (in *out), 1 no such row
 * (status untouched: the caller says why), -1 failed (status set). */
static int s_fetch_one(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                       const char *where, hj_arena_t *a, ProtobufCMessage **out)
{
    char sql[S_SQL_MAX];
    snprintf(sql, sizeof sql, "%s %s", rec->select, where);
    const char *v[1] = {id};
    PGresult *r = prep_q(c, call, rec->item->short_name, sql, 1, v);
    if (!r)
        return -1;
    if (!hj_arena_keep(a, r))
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    if (PQntuples(r) == 0)
        return 1;
    void **item = hj_pgrow_list(a, r, 1, rec->item);
    if (!item)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    s_row(rec, r, 0, item[0], a);
    *out = item[0];
    return 0;
}

int prep_fetch(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id, hj_arena_t *a,
               ProtobufCMessage **out)
{
    int rc = s_fetch_one(c, call, rec, id, "WHERE t.id = $1::uuid", a, out);
    if (rc == 1)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "id", "%s %s not found",
                      rec->item->short_name, id);
    return rc == 0 ? 0 : -1;
}

void prep_db_get(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                 const char *kind)
{
    hj_arena_t a = {0};
    ProtobufCMessage *item;
    if (prep_fetch(c, call, rec, id, &a, &item) == 0)
        prep_reply(call, prep_result(rec->item), item, kind);
    hj_arena_free(&a);
}

void prep_db_show(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Get *g = msg;
    prep_db_get(c, call, call->handler->arg, g->key, NULL);
}

/* ---- corrections without deletion (issue #20) ------------------------------- */

/* Why record id cannot be corrected: unknown (NOT_FOUND) or voided. */
static void s_not_correctable(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id)
{
    char sql[256];
    const char *v[1] = {id};
    snprintf(sql, sizeof sql, "SELECT COALESCE(void_reason, '') FROM %s WHERE id = $1::uuid",
             rec->table);
    PGresult *r = prep_q(c, call, rec->item->short_name, sql, 1, v);
    if (!r)
        return;
    if (PQntuples(r) == 0)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "id", "%s %s not found",
                      rec->item->short_name, id);
    else
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "%s %s is already voided (%s): it no longer counts and cannot be changed",
                      rec->item->short_name, id, PQgetvalue(r, 0, 0));
    PQclear(r);
}

void prep_db_void(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const prep_record_t *rec = call->handler->arg;
    const Hj__Registry__RecordVoid *v = msg;
    char sql[256];
    const char *w[2] = {v->id, v->reason};
    snprintf(sql, sizeof sql,
             "UPDATE %s SET voided_at = now(), void_reason = $2 WHERE id = $1::uuid "
             "AND voided_at IS NULL",
             rec->table);
    PGresult *r = prep_q(c, call, rec->item->short_name, sql, 2, w);
    if (!r)
        return;
    int changed = atoi(PQcmdTuples(r));
    PQclear(r);
    if (!changed) {
        s_not_correctable(c, call, rec, v->id);
        return;
    }
    prep_db_get(c, call, rec, v->id, rec->voided);
}

int prep_fetch_standing(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                        hj_arena_t *a, ProtobufCMessage **before)
{
    int rc =
        s_fetch_one(c, call, rec, id,
                    "WHERE t.id = $1::uuid AND t.voided_at IS NULL FOR UPDATE OF t", a, before);
    if (rc == 1)
        s_not_correctable(c, call, rec, id);
    return rc == 0 ? 0 : -1;
}

void prep_db_update(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const prep_record_t *rec = call->handler->arg;
    const ProtobufCMessage *m = msg;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "id");
    const char *id = *(char *const *)((const char *)m + f->offset);
    hj_arena_t a = {0};
    ProtobufCMessage *before;
    if (prep_fetch_standing(c, call, rec, id, &a, &before) == 0 && rec->correct(c, call, msg) == 0)
        prep_db_corrected(c, call, rec, id, before, &a, rec->corrected);
    hj_arena_free(&a);
}

/* The message of the request's op (its oneof), or NULL. */
static const ProtobufCMessage *s_request_op(const void *request)
{
    const ProtobufCMessage *m = request;
    const ProtobufCMessageDescriptor *d = m ? m->descriptor : NULL;
    for (unsigned i = 0; d && i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && f->type == PROTOBUF_C_TYPE_MESSAGE &&
            *(const uint32_t *)((const char *)m + f->quantifier_offset) == f->id)
            return *(ProtobufCMessage *const *)((const char *)m + f->offset);
    }
    return NULL;
}

void prep_db_corrected(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                       ProtobufCMessage *before, hj_arena_t *a, const char *kind)
{
    ProtobufCMessage *after;
    if (prep_fetch(c, call, rec, id, a, &after) != 0)
        return;
    /* The journal keeps what was corrected: the record before, in `previous`. */
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(rec->item, "previous");
    if (f && f->type == PROTOBUF_C_TYPE_MESSAGE)
        *(ProtobufCMessage **)((char *)after + f->offset) = before;
    /* And why, when the update says (--reason): its `reason` into the
     * record's correction_reason (issue #20). */
    const ProtobufCMessage *update = s_request_op(call->request);
    const ProtobufCFieldDescriptor *why =
        update ? protobuf_c_message_descriptor_get_field_by_name(update->descriptor, "reason")
               : NULL;
    const ProtobufCFieldDescriptor *to =
        protobuf_c_message_descriptor_get_field_by_name(rec->item, "correction_reason");
    if (why && to && why->type == PROTOBUF_C_TYPE_STRING && to->type == PROTOBUF_C_TYPE_STRING)
        *(char **)((char *)after + to->offset) =
            *(char *const *)((const char *)update + why->offset);
    prep_reply(call, prep_result(rec->item), after, kind);
}

/* The value of a ListQuery filter by name ("" = not set). */
static const char *s_query_value(const Hj__Registry__ListQuery *q, const char *name,
                                 const char *today)
{
    if (strcmp(name, "community") == 0)
        return q->community;
    if (strcmp(name, "subdistrict") == 0)
        return q->subdistrict;
    if (strcmp(name, "state") == 0)
        return q->state;
    if (strcmp(name, "kind") == 0)
        return q->kind;
    if (strcmp(name, "plan") == 0)
        return q->plan;
    if (strcmp(name, "overdue") == 0)
        return q->overdue ? today : "";
    return "";
}

/* Appends " WHERE ..." for the query's filters; values into v[*n...]. */
static size_t s_where(char *sql, size_t len, const prep_record_t *rec,
                      const Hj__Registry__ListQuery *q, char today[11], const char **v, int *n)
{
    hj_date_today(today);
    len += (size_t)snprintf(sql + len, S_SQL_MAX - len, " WHERE true");
    /* What stands, unless asked for the voided too (issue #20). */
    if (rec->voided && !q->include_void)
        len += (size_t)snprintf(sql + len, S_SQL_MAX - len, " AND t.voided_at IS NULL");
    for (const prep_filter_t *f = rec->filters; f && f->name; f++) {
        const char *value = s_query_value(q, f->name, today);
        if (!value[0])
            continue;
        v[(*n)++] = value;
        /* Each "%d" (or "%1$d") in cond marks the parameter number; it is
         * replaced here, not used as a format, so no format string comes
         * from a table. */
        len += (size_t)snprintf(sql + len, S_SQL_MAX - len, " AND ");
        for (const char *p = f->cond; *p && len < S_SQL_MAX - 1;) {
            size_t mark = strncmp(p, "%d", 2) == 0 ? 2 : strncmp(p, "%1$d", 4) == 0 ? 4 : 0;
            if (mark) {
                len += (size_t)snprintf(sql + len, S_SQL_MAX - len, "%d", *n);
                p += mark;
            } else {
                sql[len++] = *p++;
                sql[len] = 0;
            }
        }
    }
    return len;
}

/* How many rows of the filter the reader's scope leaves out (scope: a
 * text[] literal; the list's `withheld`), or with `inside` how many it may
 * see (scope NULL: every row; the list's `total`), counted up to
 * HJ_LIST_COUNT_MAX + 1 rows (a page costs what it touches, not the table;
 * the CLI says "10,000+"). -1 on error. */
static long s_count(PGconn *c, hj_call_t *call, const prep_record_t *rec,
                    const Hj__Registry__ListQuery *q, const char *scope, int inside)
{
    char sql[S_SQL_MAX], today[11];
    const char *v[16];
    int n = 0;
    size_t len =
        (size_t)snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM %s t", rec->table);
    len = s_where(sql, len, rec, q, today, v, &n);
    v[n++] = scope;
    if (inside)
        snprintf(sql + len, sizeof sql - len,
                 " AND ($%d::text[] IS NULL OR t.community = ANY($%d::text[])) LIMIT %d) n", n, n,
                 HJ_LIST_COUNT_MAX + 1);
    else
        snprintf(sql + len, sizeof sql - len, " AND NOT t.community = ANY($%d::text[]) LIMIT %d) n",
                 n, HJ_LIST_COUNT_MAX + 1);
    PGresult *r = prep_q(c, call, rec->list->short_name, sql, n, v);
    long count = r ? atol(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return count;
}

/* Sets the list's uint64 or uint32 field `name` when it has one. */
static void s_set_count(ProtobufCMessage *list, const char *name, long value)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(list->descriptor, name);
    if (f && f->type == PROTOBUF_C_TYPE_UINT64)
        *(uint64_t *)((char *)list + f->offset) = (uint64_t)value;
    else if (f && f->type == PROTOBUF_C_TYPE_UINT32)
        *(uint32_t *)((char *)list + f->offset) = (uint32_t)value;
}

int prep_fetch_page(PGconn *c, hj_call_t *call, const prep_record_t *rec,
                    const Hj__Registry__ListQuery *q, hj_arena_t *a, ProtobufCMessage **out)
{
    char sql[S_SQL_MAX], today[11], limit[16], *scope = NULL;
    const char *v[16];
    int n = 0;
    long withheld = 0, total = 0;
    unsigned page = q->limit ? q->limit : S_PAGE_DEFAULT;
    /* An unknown subdistrict is a mistake to name, not an empty list. */
    if (q->subdistrict[0] && prep_exists(c, call, "registry.subdistrict", "code", q->subdistrict,
                                         "subdistrict", "subdistrict") != 0)
        return -1;
    if (hj_call_read_scope(call, &scope) != 0)
        return -1;
    /* Lists that say what they left out (issue #20): the whole filter's
     * count, and (below) the cursor of the next page. */
    if ((scope && (withheld = s_count(c, call, rec, q, scope, 0)) < 0) ||
        (total = s_count(c, call, rec, q, scope, 1)) < 0) {
        free(scope);
        return -1;
    }
    size_t len = (size_t)snprintf(sql, sizeof sql, "%s", rec->select);
    len = s_where(sql, len, rec, q, today, v, &n);
    /* A scoped reader's rows only; NULL (every community) folds away when planned. */
    v[n++] = scope;
    len += (size_t)snprintf(sql + len, sizeof sql - len,
                            " AND ($%d::text[] IS NULL OR t.community = ANY($%d::text[]))", n, n);
    /* Keyset paging: the rows after the cursor's (sort, id), using the record's index. */
    v[n++] = q->after;
    len += (size_t)snprintf(sql + len, sizeof sql - len,
                            " AND ($%d = '' OR (t.%s, t.id) > (SELECT %s, id FROM %s WHERE id = "
                            "NULLIF($%d, '')::uuid))",
                            n, rec->sort, rec->sort, rec->table, n);
    /* One row more than the page: whether a next page exists. */
    snprintf(limit, sizeof limit, "%u", page + 1);
    v[n++] = limit;
    snprintf(sql + len, sizeof sql - len, " ORDER BY t.%s, t.id LIMIT $%d::int", rec->sort, n);
    PGresult *r = prep_q(c, call, rec->list->short_name, sql, n, v);
    free(scope);
    if (!r)
        return -1;
    if (!hj_arena_keep(a, r))
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    size_t rows = (size_t)PQntuples(r), more = rows > page;
    if (more)
        rows = page;
    void **ptrs = hj_pgrow_list(a, r, (int)rows, rec->item);
    ProtobufCMessage *list = hj_arena_alloc(a, rec->list->sizeof_message);
    if (!ptrs || !list)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    for (size_t i = 0; i < rows; i++)
        s_row(rec, r, (int)i, ptrs[i], a);
    rec->list->message_init(list);
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(rec->list, 1);
    *(size_t *)((char *)list + f->quantifier_offset) = rows;
    *(void ***)((char *)list + f->offset) = ptrs;
    s_set_count(list, "withheld", withheld);
    s_set_count(list, "total", total);
    const ProtobufCFieldDescriptor *next =
        protobuf_c_message_descriptor_get_field_by_name(rec->list, "next");
    if (next && next->type == PROTOBUF_C_TYPE_STRING)
        *(char **)((char *)list + next->offset) = more ? PQgetvalue(r, (int)rows - 1, 0) : "";
    *out = list;
    return 0;
}

void prep_db_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const prep_record_t *rec = call->handler->arg;
    hj_arena_t a = {0};
    ProtobufCMessage *list;
    if (prep_fetch_page(c, call, rec, msg, &a, &list) == 0)
        prep_reply(call, prep_result(rec->list), list, NULL);
    hj_arena_free(&a);
}

/* ---- publicity (宣传动员) ------------------------------------------------- */

void publicity_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Publicity *p = msg;
    char count[16];
    snprintf(count, sizeof count, "%u", p->count);
    /* The subdistrict comes from the community when one is given. */
    const char *v[9] = {call->request_id, p->community, p->subdistrict, p->channel, p->kind,
                        p->date,          count,        p->title,       call->actor};
    if (prep_place_exists(c, call, p->community, p->subdistrict) ||
        prep_exec(c, call, "publicity",
                  "INSERT INTO registry.publicity (id, community, subdistrict, channel, kind, "
                  "pushed_on, count, title, recorded_by) "
                  "SELECT $1::uuid, NULLIF($2, ''), COALESCE((SELECT subdistrict FROM "
                  "registry.community WHERE code = $2), $3), $4, $5, $6::date, $7::int, $8, $9",
                  9, v))
        return;
    prep_db_get(c, call, &publicity_record, call->request_id, "publicity_added");
}

int publicity_db_correct(PGconn *c, hj_call_t *call, const void *msg)
{
    const Hj__Registry__PublicityUpdate *u = msg;
    char count[16] = "";
    if (u->count)
        snprintf(count, sizeof count, "%u", u->count);
    const char *v[4] = {u->id, u->date, u->title, count};
    return prep_exec(c, call, "publicity",
                     "UPDATE registry.publicity SET "
                     "pushed_on = COALESCE(NULLIF($2, '')::date, pushed_on), "
                     "title = COALESCE(NULLIF($3, ''), title), "
                     "count = COALESCE(NULLIF($4, '')::int, count) WHERE id = $1::uuid",
                     4, v);
}

static void s_publicity_total_row(PGresult *r, int i, void *item, hj_arena_t *a)
{
    Hj__Registry__PublicityTotal *t = item;
    hj__registry__publicity_total__init(t);
    t->kind = PQgetvalue(r, i, 0);
    t->channel = PQgetvalue(r, i, 1);
    t->pushes = strtoull(PQgetvalue(r, i, 2), NULL, 10);
    t->count = strtoull(PQgetvalue(r, i, 3), NULL, 10);
}

/* A page of pushes, and the totals by kind and by channel over the whole filter. */
void publicity_db_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    hj_arena_t a = {0};
    ProtobufCMessage *page;
    char sql[S_SQL_MAX], today[11];
    const char *v[16];
    int n = 0;
    /* The totals count what stands, even when the page shows the voided too. */
    Hj__Registry__ListQuery standing = *q;
    standing.include_void = 0;
    if (prep_fetch_page(c, call, &publicity_record, q, &a, &page) != 0)
        goto out;
    size_t len = (size_t)snprintf(sql, sizeof sql,
                                  "SELECT COALESCE(t.kind, ''), COALESCE(t.channel, ''), count(*), "
                                  "sum(t.count) FROM registry.publicity t");
    len = s_where(sql, len, &publicity_record, &standing, today, v, &n);
    snprintf(sql + len, sizeof sql - len,
             " GROUP BY GROUPING SETS ((t.kind), (t.channel)) ORDER BY 2, 1");
    PGresult *r = prep_q(c, call, "publicity totals", sql, n, v);
    if (!r)
        goto out;
    if (!hj_arena_keep(&a, r)) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    size_t rows = (size_t)PQntuples(r);
    void **ptrs = hj_arena_rows(&a, r, (int)rows, sizeof(Hj__Registry__PublicityTotal),
                                s_publicity_total_row);
    if (!ptrs) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    Hj__Registry__Publicities *list = (Hj__Registry__Publicities *)page;
    list->n_totals = rows;
    list->totals = (Hj__Registry__PublicityTotal **)ptrs;
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_PUBLICITIES, page, NULL);
out:
    hj_arena_free(&a);
}

/* ---- assessments of sitting members (调研摸底) ------------------------------ */

void assessment_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Assessment *m = msg;
    char score[4][4];
    const char *v1[2] = {m->seat_id, m->date};
    PGresult *r = hj_call_q_row(call, c, "seat_id", "seat_id",
                                "SELECT to_char(term_start, 'YYYY-MM-DD'), "
                                "COALESCE(to_char(term_end, 'YYYY-MM-DD'), '') FROM registry.seat "
                                "WHERE id = $1::uuid",
                                1, v1, "seat %s not found", m->seat_id);
    if (!r)
        return;
    /* Only a member sitting on that day can be assessed. */
    const char *start = PQgetvalue(r, 0, 0), *end = PQgetvalue(r, 0, 1);
    int outside = strcmp(m->date, start) < 0 || (end[0] && strcmp(m->date, end) > 0);
    if (outside)
        prep_refuse(call, "date", "the seat's term is %s to %s: %s is outside it", start,
                    end[0] ? end : "now", m->date);
    PQclear(r);
    if (outside)
        return;
    snprintf(score[0], 4, "%u", m->ability);
    snprintf(score[1], 4, "%u", m->performance);
    snprintf(score[2], 4, "%u", m->practice);
    snprintf(score[3], 4, "%u", m->trust);
    const char *v[15] = {
        call->request_id, m->seat_id,          m->structure_note, score[0],         m->ability_note,
        score[1],         m->performance_note, score[2],          m->practice_note, score[3],
        m->trust_note,    m->assessor,         m->date,           call->actor,      NULL};
    r = prep_q(c, call, "assessment",
               "INSERT INTO registry.assessment (id, seat_id, community, structure_note, ability, "
               "ability_note, performance, performance_note, practice, practice_note, trust, "
               "trust_note, assessor, assessed_on, recorded_by) "
               "SELECT $1::uuid, s.id, s.community, $3, $4::smallint, $5, $6::smallint, $7, "
               "$8::smallint, $9, $10::smallint, $11, $12, $13::date, $14 "
               "FROM registry.seat s WHERE s.id = $2::uuid",
               14, v);
    if (!r)
        return;
    PQclear(r);
    prep_db_get(c, call, &assessment_record, call->request_id, "assessment_added");
}

/* ---- community risk notes and contingency plan ---------------------------- */

static void s_risk_reply(PGconn *c, hj_call_t *call, const char *community, const char *kind)
{
    const char *v[1] = {community};
    prep_reply_row(
        call,
        hj_call_q_row(
            call, c, "community", "community",
            "SELECT m.code AS community, COALESCE(k.risk_notes, '') AS risk_notes, "
            "COALESCE(k.contingency_plan, '') AS contingency_plan, "
            "COALESCE(to_char(k.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
            "'') AS updated_at, COALESCE(k.updated_by, '') AS updated_by "
            "FROM registry.community m LEFT JOIN registry.community_risk k "
            "ON k.community = m.code WHERE m.code = $1",
            1, v, "community %s not found", community),
        &hj__registry__community_risk__descriptor, kind);
}

void risk_db_set(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__CommunityRisk *k = msg;
    if (prep_exists(c, call, "registry.community", "code", k->community, "community", "community"))
        return;
    const char *v[4] = {k->community, k->risk_notes, k->contingency_plan, call->actor};
    PGresult *r =
        prep_q(c, call, "risk",
               "INSERT INTO registry.community_risk (community, risk_notes, "
               "contingency_plan, updated_by) VALUES ($1, $2, $3, $4) "
               "ON CONFLICT (community) DO UPDATE SET "
               "risk_notes = COALESCE(NULLIF($2, ''), registry.community_risk.risk_notes), "
               "contingency_plan = COALESCE(NULLIF($3, ''), "
               "registry.community_risk.contingency_plan), "
               "updated_by = $4, updated_at = now()",
               4, v);
    if (!r)
        return;
    PQclear(r);
    s_risk_reply(c, call, k->community, "risk_updated");
}

void risk_db_get(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const char *community = ((const Hj__Registry__Get *)msg)->key;
    s_risk_reply(c, call, community, NULL);
}

/* ---- records by short code (issue #20, sql/024) ----------------------------- */

/* The letter of each kind's code, its table and how its community is read. */
static const struct {
    char letter;
    const char *kind, *table;
} s_coded[] = {
    {'X', "publicity", "registry.publicity"}, {'A', "assessment", "registry.assessment"},
    {'E', "training", "registry.training"},   {'J', "task", "registry.task"},
    {'R', "reserve", "registry.reserve"},
};
#define S_NCODED (sizeof s_coded / sizeof s_coded[0])

/* The kind a code's letter names (either case), or -1. */
static int s_coded_kind(const char *code)
{
    for (size_t k = 0; code && code[0] && k < S_NCODED; k++)
        if (code[0] == s_coded[k].letter || code[0] == s_coded[k].letter + ('a' - 'A'))
            return (int)k;
    return -1;
}

int prep_check_record_code(hj_status_t *st, const char *field, const char *code)
{
    size_t digits = code ? strspn(code + (code[0] != 0), "0123456789") : 0;
    if (s_coded_kind(code) < 0 || digits < 4 || digits > 18 || code[1 + digits])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s '%s' is not a record code: a letter (X publicity, A assessment, "
                             "E training, J task, R reserve) and at least four digits, e.g. X0042",
                             field, code ? code : "");
    return 0;
}

void record_db_resolve(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const char *code = ((const Hj__Registry__Get *)msg)->key;
    char sql[256];
    int k = s_coded_kind(code);
    const char *v[1] = {code};
    if (k < 0) {
        prep_check_record_code(&call->status, "key", code);
        return;
    }
    snprintf(sql, sizeof sql,
             "SELECT id, code, COALESCE(community, '') FROM %s WHERE code = upper($1)",
             s_coded[k].table);
    PGresult *r = hj_call_q_row(call, c, s_coded[k].kind, "key", sql, 1, v, "no %s has the code %s",
                                s_coded[k].kind, code);
    if (!r)
        return;
    Hj__Registry__RecordRef ref = HJ__REGISTRY__RECORD_REF__INIT;
    ref.id = PQgetvalue(r, 0, 0);
    ref.code = PQgetvalue(r, 0, 1);
    ref.kind = (char *)s_coded[k].kind;
    ref.community = PQgetvalue(r, 0, 2);
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_RECORD_REF, &ref.base, NULL);
    PQclear(r);
}
