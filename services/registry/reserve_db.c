/* The SQL of the reserve-candidate ledger (后备人选台账), its update and the
 * all-or-nothing import. */
#include "hj_envelope.h"
#include "preparation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_reserve_row(PGresult *r, int i, void *item, prep_arena_t *a)
{
    Hj__Registry__Reserve *m = item;
    hj__registry__reserve__init(m);
    m->id = PQgetvalue(r, i, 0);
    m->person_id = PQgetvalue(r, i, 1);
    m->person_name = PQgetvalue(r, i, 2);
    m->community = PQgetvalue(r, i, 3);
    m->committee = atoi(PQgetvalue(r, i, 4));
    m->source = PQgetvalue(r, i, 5);
    m->added = PQgetvalue(r, i, 6);
    m->status = PQgetvalue(r, i, 7);
    m->vetting = PQgetvalue(r, i, 8);
    m->bar_reason = PQgetvalue(r, i, 9);
    m->note = PQgetvalue(r, i, 10);
    m->updated_by = PQgetvalue(r, i, 11);
}

static const prep_filter_t s_reserve_filters[] = {
    {"community", "t.community = $%d"},
    {"state", "t.status = $%d"},
    {NULL, NULL},
};

static const prep_record_t s_reserve = {
    .select = "SELECT t.id, t.person_id, p.name, t.community, t.committee, t.source, "
              "to_char(t.added_on, 'YYYY-MM-DD'), t.status, t.vetting, t.bar_reason, t.note, "
              "t.updated_by FROM registry.reserve t JOIN registry.person p ON p.id = t.person_id",
    .table = "registry.reserve",
    .sort = "added_on",
    .filters = s_reserve_filters,
    .row = s_reserve_row,
    .item = &hj__registry__reserve__descriptor,
    .list = &hj__registry__reserves__descriptor,
    .one = HJ__REGISTRY__REPLY__RESULT_RESERVE,
    .many = HJ__REGISTRY__REPLY__RESULT_RESERVES,
};

/* What a row of the ledger refers to, as found in the database. */
typedef struct {
    char id[37];        /* the entry it writes: given, or this person's entry, or "" for a new one */
    char person_id[37];
    int exists;         /* the entry is in the ledger already (an update) */
} s_resolved_t;

/* Checks a row against the database: its person (by id, or by an unambiguous
 * name), its community, and which entry it is. 0 = good; 1 = the row is bad
 * (why in *st); -1 = database error (call->status set). */
static int s_resolve(PGconn *c, hj_call_t *call, const Hj__Registry__Reserve *row,
                     s_resolved_t *out, hj_status_t *st)
{
    char committee[4];
    int bad = 0;
    PGresult *r;
    memset(out, 0, sizeof *out);
    if (row->person_id[0]) {
        const char *v[1] = {row->person_id};
        if (!(r = prep_q(c, call, "person_id", "SELECT name FROM registry.person WHERE id = $1::uuid",
                         1, v)))
            return -1;
        if (PQntuples(r) == 0)
            bad = hj_status_set(st, HJ__CODE__NOT_FOUND, "person_id", "person %s not found",
                                row->person_id);
        else if (row->person_name[0] && strcmp(row->person_name, PQgetvalue(r, 0, 0)) != 0)
            bad = hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "person_name",
                                "person %s is %s, not %s", row->person_id, PQgetvalue(r, 0, 0),
                                row->person_name);
        snprintf(out->person_id, sizeof out->person_id, "%s", row->person_id);
    } else {
        const char *v[1] = {row->person_name};
        if (!(r = prep_q(c, call, "person_name",
                         "SELECT id FROM registry.person WHERE name = $1 ORDER BY id LIMIT 2", 1, v)))
            return -1;
        if (PQntuples(r) == 0)
            bad = hj_status_set(st, HJ__CODE__NOT_FOUND, "person_name",
                                "no person is named %s (add them with hj person add)",
                                row->person_name);
        else if (PQntuples(r) > 1)
            bad = hj_status_set(st, HJ__CODE__FAILED_PRECONDITION, "person_name",
                                "more than one person is named %s: give the person_id",
                                row->person_name);
        else
            snprintf(out->person_id, sizeof out->person_id, "%s", PQgetvalue(r, 0, 0));
    }
    PQclear(r);
    if (bad)
        return 1;
    const char *w[1] = {row->community};
    if (!(r = prep_q(c, call, "community", "SELECT 1 FROM registry.community WHERE code = $1", 1, w)))
        return -1;
    if (PQntuples(r) == 0)
        bad = hj_status_set(st, HJ__CODE__NOT_FOUND, "community", "community %s not found",
                            row->community);
    PQclear(r);
    if (bad)
        return 1;
    /* The entry of this person for this committee of this community, if any. */
    snprintf(committee, sizeof committee, "%d", (int)row->committee);
    const char *x[3] = {row->community, committee, out->person_id};
    if (!(r = prep_q(c, call, "reserve",
                     "SELECT id FROM registry.reserve WHERE community = $1 AND committee = "
                     "$2::smallint AND person_id = $3::uuid",
                     3, x)))
        return -1;
    const char *existing = PQntuples(r) ? PQgetvalue(r, 0, 0) : "";
    if (row->id[0] && existing[0] && strcmp(existing, row->id) != 0)
        bad = hj_status_set(st, HJ__CODE__ALREADY_EXISTS, "id",
                            "entry %s already holds this person for this committee", existing);
    snprintf(out->id, sizeof out->id, "%s", row->id[0] ? row->id : existing);
    out->exists = existing[0] != 0;
    PQclear(r);
    if (bad || out->exists || !row->id[0])
        return bad;
    /* A given id that is not this person's entry: another entry changing hands, or a new one. */
    const char *y[1] = {row->id};
    if (!(r = prep_q(c, call, "id", "SELECT 1 FROM registry.reserve WHERE id = $1::uuid", 1, y)))
        return -1;
    out->exists = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

static int s_write(PGconn *c, hj_call_t *call, const Hj__Registry__Reserve *row,
                   const s_resolved_t *res, char id_out[37], int *inserted)
{
    char committee[4], line[16];
    snprintf(committee, sizeof committee, "%d", (int)row->committee);
    snprintf(line, sizeof line, "%u", row->line);
    const char *v[13] = {res->id,     res->person_id,   row->community, committee,
                         row->source, row->added,       row->status,    row->vetting,
                         row->bar_reason, row->note,    call->actor,    call->request_id,
                         line};
    /* A new entry's id is derived from the request id (and the line), so a replay names it again. */
    PGresult *r = prep_q(c, call, "reserve",
                         "INSERT INTO registry.reserve (id, person_id, community, committee, source, "
                         "added_on, status, vetting, bar_reason, note, updated_by) VALUES "
                         "(COALESCE(NULLIF($1, '')::uuid, CASE WHEN $13 = '0' THEN $12::uuid ELSE "
                         "md5($12 || ':' || $13)::uuid END), $2::uuid, $3, $4::smallint, $5, "
                         "$6::date, $7, $8, $9, $10, $11) "
                         "ON CONFLICT (id) DO UPDATE SET person_id = EXCLUDED.person_id, "
                         "community = EXCLUDED.community, committee = EXCLUDED.committee, "
                         "source = EXCLUDED.source, added_on = EXCLUDED.added_on, "
                         "status = EXCLUDED.status, vetting = EXCLUDED.vetting, "
                         "bar_reason = EXCLUDED.bar_reason, note = EXCLUDED.note, "
                         "updated_by = EXCLUDED.updated_by RETURNING id, xmax = 0",
                         13, v);
    if (!r)
        return -1;
    snprintf(id_out, 37, "%s", PQgetvalue(r, 0, 0));
    *inserted = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    return 0;
}

void reserve_db_add(PGconn *c, hj_call_t *call, const Hj__Registry__Reserve *row)
{
    s_resolved_t res;
    char id[37];
    int inserted;
    int rc = s_resolve(c, call, row, &res, &call->status);
    if (rc != 0)
        return;
    if (res.exists) {
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "person_id",
                      "this person is already in the ledger for this committee (entry %s): "
                      "use hj reserve update",
                      res.id);
        return;
    }
    if (s_write(c, call, row, &res, id, &inserted) == 0)
        prep_db_get(c, call, &s_reserve, id, "reserve_added");
}

void reserve_db_update(PGconn *c, hj_call_t *call, const Hj__Registry__ReserveUpdate *u)
{
    const char *v[1] = {u->id};
    PGresult *r = prep_q(c, call, "reserve",
                         "SELECT status, vetting, bar_reason, note FROM registry.reserve "
                         "WHERE id = $1::uuid FOR UPDATE",
                         1, v);
    if (!r)
        return;
    if (PQntuples(r) == 0) {
        PQclear(r);
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "id", "reserve entry %s not found", u->id);
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
    PGresult *done = prep_q(c, call, "reserve",
                            "UPDATE registry.reserve SET status = $2, vetting = $3, bar_reason = $4, "
                            "note = $5, updated_by = $6 WHERE id = $1::uuid",
                            6, w);
    PQclear(r);
    if (!done)
        return;
    PQclear(done);
    prep_db_get(c, call, &s_reserve, u->id, "reserve_updated");
}

void reserve_db_list(PGconn *c, hj_call_t *call, const Hj__Registry__ListQuery *q)
{
    prep_db_list(c, call, &s_reserve, q);
}

void reserve_db_get(PGconn *c, hj_call_t *call, const char *id)
{
    prep_db_get(c, call, &s_reserve, id, NULL);
}

/* ---- import ---------------------------------------------------------------- */

static void s_problem(prep_arena_t *a, Hj__Registry__ImportReport *rep, uint32_t line,
                     const hj_status_t *st)
{
    Hj__Registry__ImportProblem *p = prep_alloc(a, sizeof *p);
    char *field = prep_alloc(a, strlen(st->field) + 1), *msg = prep_alloc(a, strlen(st->message) + 1);
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
    size_t len = (size_t)snprintf(msg, sizeof msg, "%zu of %u rows are bad, nothing was imported:",
                                  rep->n_problems, rep->rows);
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
void reserve_db_import(PGconn *c, hj_call_t *call, const Hj__Registry__ReserveImport *imp, int write)
{
    prep_arena_t a = {0};
    Hj__Registry__ImportReport rep = HJ__REGISTRY__IMPORT_REPORT__INIT;
    s_resolved_t *res = prep_alloc(&a, imp->n_rows * sizeof *res);
    rep.problems = prep_alloc(&a, (imp->n_rows + 1) * sizeof *rep.problems);
    rep.rows = (uint32_t)imp->n_rows;
    if (!res || !rep.problems) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < imp->n_rows; i++) {
        const Hj__Registry__Reserve *row = imp->rows[i];
        hj_status_t st = {0};
        int rc = prep_check_reserve(&st, row) != 0 ? 1 : s_resolve(c, call, row, &res[i], &st);
        if (rc < 0)
            goto out;
        for (size_t j = 0; j < i && rc == 0; j++) {
            const Hj__Registry__Reserve *o = imp->rows[j];
            int same_entry = res[i].id[0] && strcmp(res[i].id, res[j].id) == 0;
            int same_person = strcmp(res[i].person_id, res[j].person_id) == 0 &&
                              strcmp(row->community, o->community) == 0 &&
                              row->committee == o->committee;
            if (same_entry || same_person)
                rc = hj_status_set(&st, HJ__CODE__INVALID_ARGUMENT, same_entry ? "id" : "person_id",
                                   "the same entry as line %u", o->line) ? 1 : 0;
        }
        if (rc)
            s_problem(&a, &rep, row->line, &st);
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
    size_t idlen = imp->n_rows * 38 + 3;
    char *ids = prep_alloc(&a, idlen), id[37];
    size_t len = 0;
    int inserted, one_community = 1;
    if (!ids) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    ids[len++] = '{';
    for (size_t i = 0; i < imp->n_rows; i++) {
        if (s_write(c, call, imp->rows[i], &res[i], id, &inserted) != 0)
            goto out;
        len += (size_t)snprintf(ids + len, idlen - len, "%s%s", i ? "," : "", id);
        one_community &= strcmp(imp->rows[i]->community, imp->rows[0]->community) == 0;
    }
    snprintf(ids + len, idlen - len, "}");
    char sql[1024];
    snprintf(sql, sizeof sql, "%s WHERE t.id = ANY($1::uuid[]) ORDER BY t.added_on, t.id",
             s_reserve.select);
    const char *v[1] = {ids};
    PGresult *r = prep_q(c, call, "reserve", sql, 1, v);
    if (!r)
        goto out;
    prep_keep(&a, r);
    Hj__Registry__Reserves entries = HJ__REGISTRY__RESERVES__INIT;
    entries.n_items = (size_t)PQntuples(r);
    entries.items = prep_alloc(&a, (entries.n_items + 1) * sizeof *entries.items);
    Hj__Registry__Reserve *rows = prep_alloc(&a, (entries.n_items + 1) * sizeof *rows);
    if (!entries.items || !rows) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < entries.n_items; i++) {
        s_reserve_row(r, (int)i, &rows[i], &a);
        entries.items[i] = &rows[i];
    }
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_IMPORT_REPORT, &rep.base, NULL);
    prep_journal(call, "reserve_imported", one_community ? imp->rows[0]->community : "",
                 &entries.base);
out:
    prep_arena_free(&a);
}
