/* The SQL of the reserve-candidate ledger (后备人选台账), its update and the
 * all-or-nothing import. */
#include "hj_envelope.h"
#include "hj_pgrow.h"
#include "preparation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a row of the ledger refers to, as found in the database. */
typedef struct {
    char id[37]; /* the entry it writes: given, or this person's entry, or "" for a new one */
    char person_id[37];
    int exists; /* the entry is in the ledger already (an update) */
    int bad;    /* the row is refused: why is in the row's status */
} s_resolved_t;

/* A PostgreSQL array literal of n strings (field `k` of each row), quoted and escaped. */
static char *s_array(hj_arena_t *a, size_t n, const char *(*get)(size_t i, int k, void *arg), int k,
                     void *arg)
{
    size_t size = 3;
    for (size_t i = 0; i < n; i++)
        size += 2 * strlen(get(i, k, arg)) + 3;
    char *out = hj_arena_alloc(a, size), *p = out;
    if (!out)
        return NULL;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *v = get(i, k, arg); *v; v++) {
            if (*v == '"' || *v == '\\')
                *p++ = '\\';
            *p++ = *v;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = 0;
    return out;
}

/* The rows of one batch, as the arrays of the statements below take them. */
typedef struct {
    Hj__Registry__Reserve *const *rows;
    const s_resolved_t *res;
    const size_t *index; /* which rows take part */
    char (*num)[2][16];  /* committee and line of each row, as text */
} s_batch_t;

static const char *s_field(size_t i, int k, void *arg)
{
    const s_batch_t *b = arg;
    size_t j = b->index[i];
    const Hj__Registry__Reserve *r = b->rows[j];
    switch (k) {
    case 0:
        return b->res ? b->res[j].id : r->id;
    case 1:
        return b->res ? b->res[j].person_id : r->person_id;
    case 2:
        return r->person_name;
    case 3:
        return r->community;
    case 4:
        return b->num[j][0];
    case 5:
        return r->source;
    case 6:
        return r->added;
    case 7:
        return r->status;
    case 8:
        return r->vetting;
    case 9:
        return r->bar_reason;
    case 10:
        return r->note;
    default:
        return b->num[j][1];
    }
}

/* Checks every row that passed the field checks against the database in one
 * statement: its person (by id, or by a name only one person has), its
 * community, and which entry it is. Bad rows get res[i].bad and st[i].
 * 0, or -1 on a database error (call->status set). */
static int s_resolve(PGconn *c, hj_call_t *call, Hj__Registry__Reserve *const *rows, size_t n,
                     s_resolved_t *res, hj_status_t *st, hj_arena_t *a)
{
    size_t *index = hj_arena_alloc(a, (n + 1) * sizeof *index), m = 0;
    char(*num)[2][16] = hj_arena_alloc(a, (n + 1) * sizeof *num);
    if (!index || !num)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
        snprintf(num[i][0], 16, "%d", (int)rows[i]->committee);
        snprintf(num[i][1], 16, "%u", rows[i]->line);
        if (!res[i].bad)
            index[m++] = i;
    }
    if (m == 0)
        return 0;
    s_batch_t b = {rows, NULL, index, num};
    const char *v[6] = {s_array(a, m, s_field, 11, &b), s_array(a, m, s_field, 0, &b),
                        s_array(a, m, s_field, 1, &b),  s_array(a, m, s_field, 2, &b),
                        s_array(a, m, s_field, 3, &b),  s_array(a, m, s_field, 4, &b)};
    for (int k = 0; k < 6; k++)
        if (!v[k])
            return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    PGresult *r =
        prep_q(c, call, "rows",
               "WITH r AS (SELECT * FROM unnest($1::int[], $2::text[], $3::text[], "
               "$4::text[], $5::text[], $6::int[]) WITH ORDINALITY AS r(line, id, "
               "person_id, person_name, community, committee, ord)), "
               "p AS (SELECT r.*, (SELECT x.name FROM registry.person x WHERE r.person_id "
               "<> '' AND x.id = NULLIF(r.person_id, '')::uuid) AS stored_name, "
               "(SELECT count(*) FROM registry.person x WHERE r.person_id = '' AND x.name = "
               "r.person_name) AS named, CASE WHEN r.person_id <> '' THEN r.person_id ELSE "
               "(SELECT min(x.id::text) FROM registry.person x WHERE x.name = r.person_name) "
               "END AS resolved FROM r) "
               "SELECT p.ord, COALESCE(p.stored_name, ''), p.named, COALESCE(p.resolved, ''), "
               "EXISTS (SELECT 1 FROM registry.community m WHERE m.code = p.community), "
               "COALESCE((SELECT e.id::text FROM registry.reserve e WHERE e.community = "
               "p.community AND e.committee = p.committee AND e.person_id = "
               "NULLIF(p.resolved, '')::uuid AND e.voided_at IS NULL), ''), EXISTS (SELECT 1 FROM "
               "registry.reserve e "
               "WHERE e.id = NULLIF(p.id, '')::uuid), EXISTS (SELECT 1 FROM "
               "registry.reserve e WHERE e.id = NULLIF(p.id, '')::uuid AND "
               "e.voided_at IS NOT NULL) FROM p ORDER BY p.ord",
               6, v);
    if (!r)
        return -1;
    for (int t = 0; t < PQntuples(r); t++) {
        size_t i = index[atoi(PQgetvalue(r, t, 0)) - 1];
        const Hj__Registry__Reserve *row = rows[i];
        const char *stored = PQgetvalue(r, t, 1), *resolved = PQgetvalue(r, t, 3);
        const char *existing = PQgetvalue(r, t, 5);
        long named = atol(PQgetvalue(r, t, 2));
        hj_status_t *s = &st[i];
        int bad = 0;
        if (row->person_id[0] && !stored[0])
            bad = hj_status_set(s, HJ__CODE__NOT_FOUND, "person_id", "person %s not found",
                                row->person_id);
        else if (row->person_id[0] && row->person_name[0] && strcmp(row->person_name, stored) != 0)
            bad =
                hj_status_set(s, HJ__CODE__INVALID_ARGUMENT, "person_name",
                              "person %s is %s, not %s", row->person_id, stored, row->person_name);
        else if (!row->person_id[0] && named == 0)
            bad = hj_status_set(s, HJ__CODE__NOT_FOUND, "person_name",
                                "no person is named %s (add them with hj person add)",
                                row->person_name);
        else if (!row->person_id[0] && named > 1)
            bad = hj_status_set(s, HJ__CODE__FAILED_PRECONDITION, "person_name",
                                "more than one person is named %s: give the person_id",
                                row->person_name);
        else if (PQgetvalue(r, t, 4)[0] != 't')
            bad = hj_status_set(s, HJ__CODE__NOT_FOUND, "community", "community %s not found",
                                row->community);
        else if (PQgetvalue(r, t, 7)[0] == 't') /* issue #20: what is voided stays so */
            bad = hj_status_set(s, HJ__CODE__FAILED_PRECONDITION, "id",
                                "entry %s is voided: it cannot be changed (leave id empty to "
                                "enter the person again)",
                                row->id);
        else if (row->id[0] && existing[0] && strcmp(existing, row->id) != 0)
            bad = hj_status_set(s, HJ__CODE__ALREADY_EXISTS, "id",
                                "entry %s already holds this person for this committee", existing);
        res[i].bad = bad != 0;
        snprintf(res[i].person_id, sizeof res[i].person_id, "%s", resolved);
        snprintf(res[i].id, sizeof res[i].id, "%s", row->id[0] ? row->id : existing);
        res[i].exists = existing[0] || PQgetvalue(r, t, 6)[0] == 't';
    }
    PQclear(r);
    return 0;
}

/* Writes the good rows in one statement; a new entry's id is derived from
 * the request id (and the line), so a replay names it again. Returns the
 * result (id, inserted) of each row, or NULL (call->status set). */
static PGresult *s_write(PGconn *c, hj_call_t *call, Hj__Registry__Reserve *const *rows, size_t n,
                         const s_resolved_t *res, hj_arena_t *a)
{
    size_t *index = hj_arena_alloc(a, (n + 1) * sizeof *index);
    char(*num)[2][16] = hj_arena_alloc(a, (n + 1) * sizeof *num);
    const char *v[13];
    if (!index || !num) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        index[i] = i;
        snprintf(num[i][0], 16, "%d", (int)rows[i]->committee);
        snprintf(num[i][1], 16, "%u", rows[i]->line);
    }
    s_batch_t b = {rows, res, index, num};
    static const int fields[11] = {0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    for (int k = 0; k < 11; k++)
        if (!(v[k] = s_array(a, n, s_field, fields[k], &b))) {
            hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
            return NULL;
        }
    v[11] = call->actor;
    v[12] = call->request_id;
    PGresult *r =
        prep_q(c, call, "reserve",
               "INSERT INTO registry.reserve (id, person_id, community, committee, source, "
               "added_on, status, vetting, bar_reason, note, updated_by) "
               "SELECT COALESCE(NULLIF(r.id, '')::uuid, CASE WHEN r.line = 0 THEN $13::uuid "
               "ELSE md5($13 || ':' || r.line)::uuid END), r.person_id::uuid, r.community, "
               "r.committee::smallint, r.source, r.added::date, r.status, r.vetting, "
               "r.bar_reason, r.note, $12 FROM unnest($1::text[], $2::text[], $3::text[], "
               "$4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
               "$10::text[], $11::int[]) AS r(id, person_id, community, committee, source, "
               "added, status, vetting, bar_reason, note, line) "
               "ON CONFLICT (id) DO UPDATE SET person_id = EXCLUDED.person_id, "
               "community = EXCLUDED.community, committee = EXCLUDED.committee, "
               "source = EXCLUDED.source, added_on = EXCLUDED.added_on, "
               "status = EXCLUDED.status, vetting = EXCLUDED.vetting, "
               "bar_reason = EXCLUDED.bar_reason, note = EXCLUDED.note, "
               "updated_by = EXCLUDED.updated_by RETURNING id, xmax = 0",
               13, v);
    if (r && !hj_arena_keep(a, r)) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        r = NULL;
    }
    return r;
}

void reserve_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Reserve *row = msg;
    hj_arena_t a = {0};
    s_resolved_t res = {0};
    hj_status_t st = {0};
    Hj__Registry__Reserve *const rows[1] = {(Hj__Registry__Reserve *)row};
    if (s_resolve(c, call, rows, 1, &res, &st, &a) != 0)
        goto out;
    if (res.bad)
        call->status = st;
    else if (res.exists)
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "person_id",
                      "this person is already in the ledger for this committee (entry %s): "
                      "use hj reserve update",
                      res.id);
    else {
        PGresult *r = s_write(c, call, rows, 1, &res, &a);
        if (r)
            prep_db_get(c, call, &reserve_record, PQgetvalue(r, 0, 0), "reserve_added");
    }
out:
    hj_arena_free(&a);
}

void reserve_db_update(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__ReserveUpdate *u = msg;
    const char *v[1] = {u->id};
    PGresult *r = hj_call_q_row(call, c, "reserve", "id",
                                "SELECT status, vetting, bar_reason, note, voided_at IS NOT NULL, "
                                "COALESCE(void_reason, '') FROM registry.reserve WHERE "
                                "id = $1::uuid FOR UPDATE",
                                1, v, "reserve entry %s not found", u->id);
    if (!r)
        return;
    if (PQgetvalue(r, 0, 4)[0] == 't') {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "reserve entry %s is voided (%s): it no longer counts and cannot be changed",
                      u->id, PQgetvalue(r, 0, 5));
        PQclear(r);
        return;
    }
    /* A new vetting result replaces the reason with it; everything not given stays. */
    const char *status = u->status[0] ? u->status : PQgetvalue(r, 0, 0);
    const char *vetting = u->vetting[0] ? u->vetting : PQgetvalue(r, 0, 1);
    const char *reason = u->vetting[0] ? u->bar_reason : PQgetvalue(r, 0, 2);
    const char *note = u->note[0] ? u->note : PQgetvalue(r, 0, 3);
    if (prep_check_reserve_state(&call->status, status, vetting, reason) != 0) {
        PQclear(r);
        return;
    }
    const char *w[6] = {u->id, status, vetting, reason, note, call->actor};
    int failed =
        prep_exec(c, call, "reserve",
                  "UPDATE registry.reserve SET status = $2, vetting = $3, bar_reason = $4, "
                  "note = $5, updated_by = $6 WHERE id = $1::uuid",
                  6, w);
    PQclear(r); /* after the UPDATE: w points into r */
    if (failed)
        return;
    prep_db_get(c, call, &reserve_record, u->id, "reserve_updated");
}

/* ---- import ---------------------------------------------------------------- */

static void s_problem(hj_arena_t *a, Hj__Registry__ImportReport *rep, uint32_t line,
                      const hj_status_t *st)
{
    Hj__Registry__ImportProblem *p = hj_arena_alloc(a, sizeof *p);
    char *field = hj_arena_alloc(a, strlen(st->field) + 1),
         *msg = hj_arena_alloc(a, strlen(st->message) + 1);
    if (!p || !field || !msg)
        return;
    hj__registry__import_problem__init(p);
    p->line = line;
    p->field = strcpy(field, st->field);
    p->message = strcpy(msg, st->message);
    rep->problems[rep->n_problems++] = p;
}

/* The refusal of a write: every bad line named, as many as the message holds. */
static void s_refuse_rows(hj_call_t *call, const Hj__Registry__ImportReport *rep)
{
    char msg[sizeof call->status.message];
    size_t len = (size_t)snprintf(msg, sizeof msg,
                                  "%zu of %u rows are bad, nothing was imported:", rep->n_problems,
                                  rep->rows);
    for (size_t i = 0; i < rep->n_problems && len < sizeof msg; i++) {
        const Hj__Registry__ImportProblem *p = rep->problems[i];
        int n = snprintf(msg + len, sizeof msg - len, "%s line %u (%s)", i ? ";" : "", p->line,
                         p->field);
        if (n < 0 || (size_t)n >= sizeof msg - len) {
            snprintf(msg + len, sizeof msg - len, " …");
            break;
        }
        len += (size_t)n;
    }
    hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "rows", "%s", msg);
}

/* Validates every row (fields, database references, repeats inside the file);
 * `write` = import them all when none is bad, else only report. */
static void s_import(PGconn *c, hj_call_t *call, const Hj__Registry__ReserveImport *imp, int write)
{
    hj_arena_t a = {0};
    Hj__Registry__ImportReport rep = HJ__REGISTRY__IMPORT_REPORT__INIT;
    size_t n = imp->n_rows;
    s_resolved_t *res = hj_arena_alloc(&a, (n + 1) * sizeof *res);
    hj_status_t *st = hj_arena_alloc(&a, (n + 1) * sizeof *st);
    rep.problems = hj_arena_alloc(&a, (n + 1) * sizeof *rep.problems);
    rep.rows = (uint32_t)n;
    if (!res || !st || !rep.problems) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        res[i].bad = prep_check_reserve(&st[i], imp->rows[i]) != 0;
    if (s_resolve(c, call, imp->rows, n, res, st, &a) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const Hj__Registry__Reserve *row = imp->rows[i];
        for (size_t j = 0; j < i && !res[i].bad; j++) {
            if (res[j].bad)
                continue;
            int same_entry = res[i].id[0] && strcmp(res[i].id, res[j].id) == 0;
            int same_person = strcmp(res[i].person_id, res[j].person_id) == 0 &&
                              strcmp(row->community, imp->rows[j]->community) == 0 &&
                              row->committee == imp->rows[j]->committee;
            if (same_entry || same_person)
                res[i].bad = hj_status_set(&st[i], HJ__CODE__INVALID_ARGUMENT,
                                           same_entry ? "id" : "person_id",
                                           "the same entry as line %u", imp->rows[j]->line) != 0;
        }
        if (res[i].bad)
            s_problem(&a, &rep, row->line, &st[i]);
        else if (res[i].exists)
            rep.updated++;
        else
            rep.added++;
    }
    if (!write) {
        prep_reply(call, HJ__REGISTRY__REPLY__RESULT_IMPORT_REPORT, &rep.base, NULL);
        goto out;
    }
    if (rep.n_problems) {
        s_refuse_rows(call, &rep);
        goto out;
    }
    /* All good: write every row, then journal what the ledger now holds for them. */
    PGresult *w = s_write(c, call, imp->rows, n, res, &a);
    if (!w)
        goto out;
    size_t idlen = n * 38 + 3, len = 0;
    char *ids = hj_arena_alloc(&a, idlen);
    int one_community = 1;
    if (!ids) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    ids[len++] = '{';
    rep.added = rep.updated = 0;
    for (int i = 0; i < PQntuples(w); i++) {
        len += (size_t)snprintf(ids + len, idlen - len, "%s%s", i ? "," : "", PQgetvalue(w, i, 0));
        if (PQgetvalue(w, i, 1)[0] == 't')
            rep.added++;
        else
            rep.updated++;
    }
    for (size_t i = 0; i < n; i++)
        one_community &= strcmp(imp->rows[i]->community, imp->rows[0]->community) == 0;
    snprintf(ids + len, idlen - len, "}");
    char sql[1024];
    snprintf(sql, sizeof sql, "%s WHERE t.id = ANY($1::uuid[]) ORDER BY t.added_on, t.id",
             reserve_record.select);
    const char *v[1] = {ids};
    PGresult *r = prep_q(c, call, "reserve", sql, 1, v);
    if (!r)
        goto out;
    if (!hj_arena_keep(&a, r)) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    Hj__Registry__Reserves entries = HJ__REGISTRY__RESERVES__INIT;
    entries.n_items = (size_t)PQntuples(r);
    entries.items = (Hj__Registry__Reserve **)hj_pgrow_list(&a, r, PQntuples(r),
                                                            &hj__registry__reserve__descriptor);
    if (!entries.items) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_IMPORT_REPORT, &rep.base, NULL);
    prep_journal(call, "reserve_imported", one_community ? imp->rows[0]->community : "",
                 &entries.base);
out:
    hj_arena_free(&a);
}

void reserve_db_import(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    s_import(c, call, msg, 1);
}

void reserve_db_check(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    s_import(c, call, msg, 0);
}
