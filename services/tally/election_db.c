/* The election day modules, each one section of what was election_db.c:
 * result_db (the count and the result), rounds_db (candidates and rounds),
 * ballots_db (ballots and boxes), certify_db (certify, amend, vacancy/reduce),
 * list_db (the election list). The law is applied by the counting rules
 * (rules.h); these files keep the record and ask them. This file:
 * the arena's strings, the query with its SQLSTATE, and the election row. */
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "roll_db.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the arena's strings and queries ------------------------------------------- */

char *election_strdup(hj_arena_t *a, const char *s)
{
    char *p = hj_arena_strdup(a, s);
    return p ? p : "";
}

/* A query whose result the arena keeps. NULL after logging, with its
 * SQLSTATE in a->sqlstate (a deadlock must reach the caller as UNAVAILABLE). */
PGresult *election_q(PGconn *c, hj_arena_t *a, const char *sql, int n, const char *const *v)
{
    return hj_arena_keep(a, hj_pq(c, a->sqlstate, sql, n, v));
}

/* The failure of the statement that failed last: one run here (state), or
 * one run through the arena (election_q, also inside a helper). */
void election_sql_failed(hj_call_t *call, const char *state, const hj_arena_t *a, const char *what,
                         const char *field)
{
    hj_call_sql_failed(call, state[0] ? state : a->sqlstate, what, field);
}

PGresult *election_call_q(PGconn *c, hj_call_t *call, hj_arena_t *a, const char *what,
                          const char *sql, int n, const char *const *v)
{
    PGresult *r = election_q(c, a, sql, n, v);
    if (!r)
        election_sql_failed(call, "", a, what, "");
    return r;
}

int election_exec(PGconn *c, hj_call_t *call, hj_arena_t *a, const char *what, const char *sql,
                  int n, const char *const *v)
{
    int rc = hj_pq_exec(c, a->sqlstate, sql, n, v);
    if (rc != 0)
        election_sql_failed(call, "", a, what, "");
    return rc;
}

uint32_t election_u32(PGresult *r, int row, int col)
{
    return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

const char *election_num(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

/* ---- the election ------------------------------------------------------------------ */

/* 1 found, 0 not, -1 error. `lock`: FOR UPDATE (every election-day write
 * takes it first, so one election's writes go one at a time). */
int election_row(PGconn *c, const tally_profiles_t *profiles, const char *id, int lock,
                 election_t *e)
{
    const char *v[1] = {id};
    e->sqlstate[0] = 0;
    PGresult *r =
        hj_pq(c, e->sqlstate,
              lock ? "SELECT id, community, body, state, to_char(election_date, 'YYYY-MM-DD'), "
                     "seats, mode, COALESCE(to_char(certified_at AT TIME ZONE 'UTC', "
                     "'YYYY-MM-DD HH24:MI'), ''), certified_by FROM tally.election "
                     "WHERE id = $1::uuid FOR UPDATE"
                   : "SELECT id, community, body, state, to_char(election_date, 'YYYY-MM-DD'), "
                     "seats, mode, COALESCE(to_char(certified_at AT TIME ZONE 'UTC', "
                     "'YYYY-MM-DD HH24:MI'), ''), certified_by FROM tally.election "
                     "WHERE id = $1::uuid",
              1, v);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    if (found) {
        memset(e, 0, sizeof *e);
        snprintf(e->id, sizeof e->id, "%s", PQgetvalue(r, 0, 0));
        snprintf(e->community, sizeof e->community, "%s", PQgetvalue(r, 0, 1));
        snprintf(e->body, sizeof e->body, "%s", PQgetvalue(r, 0, 2));
        snprintf(e->state, sizeof e->state, "%s", PQgetvalue(r, 0, 3));
        snprintf(e->date, sizeof e->date, "%s", PQgetvalue(r, 0, 4));
        e->seats = election_u32(r, 0, 5);
        snprintf(e->mode_name, sizeof e->mode_name, "%s", PQgetvalue(r, 0, 6));
        snprintf(e->certified_at, sizeof e->certified_at, "%s", PQgetvalue(r, 0, 7));
        snprintf(e->certified_by, sizeof e->certified_by, "%s", PQgetvalue(r, 0, 8));
        e->mode = tally_profile_mode_parse(e->mode_name);
        e->profile = tally_profile_of(profiles, e->body);
    }
    PQclear(r);
    return found && e->profile && e->mode >= 0 ? 1 : found ? -1 : 0;
}

int election_load(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                  int lock, election_t *e)
{
    int found = election_row(c, profiles, id, lock, e);
    if (found < 0)
        hj_call_sql_failed(call, e->sqlstate, "the election", "");
    else if (!found)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "election", ELECTION_NOT_FOUND, id);
    return found == 1 ? 0 : -1;
}

int election_not_certified(hj_call_t *call, const election_t *e)
{
    if (strcmp(e->state, "certified") != 0)
        return 0;
    return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                         "the result of the %s election of %s was certified on %s UTC: it is not "
                         "edited; a correction is an amendment with its reason (hj election amend "
                         "%s --round N --box NAME ... --reason TEXT)",
                         e->body, e->community, e->certified_at, e->id);
}

int election_is_open(hj_call_t *call, const election_t *e)
{
    if (election_not_certified(call, e) != 0)
        return -1;
    if (strcmp(e->state, "open") != 0)
        return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                             "the %s election of %s is not open: it opens when every gate is green "
                             "(hj gates %s; hj election open %s --body %s)",
                             e->body, e->community, e->community, e->community, e->body);
    return 0;
}

/* For roll_db.c (proxies): the election, locked, not certified. */
int election_for_roll(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                      roll_election_t *out)
{
    election_t e;
    if (election_load(c, call, profiles, id, 1, &e) != 0 || election_not_certified(call, &e) != 0)
        return -1;
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", e.id);
    snprintf(out->community, sizeof out->community, "%s", e.community);
    snprintf(out->date, sizeof out->date, "%s", e.date);
    out->mode = e.mode;
    out->profile = e.profile;
    return 0;
}
