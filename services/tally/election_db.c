/* Election day, every SQL statement of it (the voter roll, objections and
 * proxies: roll_db.c): the candidate list, rounds and their ballot papers, ballot boxes,
 * ballots entered one by one or as box totals, the count and its result,
 * certification and amendments. The law is applied by the counting rules
 * (count.h → rules.h); this file keeps the record and asks them. */
#include "count.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "roll_db.h"
#include "tally.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the arena ------------------------------------------------------------------ */

void *tally_alloc(tally_arena_t *a, size_t size)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void **grown = realloc(a->ptr, cap * sizeof *grown);
        if (!grown)
            return NULL;
        a->ptr = grown;
        a->cap = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (p)
        a->ptr[a->n++] = p;
    return p;
}

void tally_keep(tally_arena_t *a, PGresult *r)
{
    if (!r)
        return;
    if (a->nres == a->capres) {
        size_t cap = a->capres ? a->capres * 2 : 8;
        PGresult **grown = realloc(a->res, cap * sizeof *grown);
        if (!grown) {
            PQclear(r); /* strings into it would dangle: callers check what they read */
            return;
        }
        a->res = grown;
        a->capres = cap;
    }
    a->res[a->nres++] = r;
}

void tally_arena_free(tally_arena_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->ptr[i]);
    for (size_t i = 0; i < a->nres; i++)
        PQclear(a->res[i]);
    free(a->ptr);
    free(a->res);
    memset(a, 0, sizeof *a);
}

static char *s_strdup(tally_arena_t *a, const char *s)
{
    size_t n = strlen(s);
    char *p = tally_alloc(a, n + 1);
    if (p)
        memcpy(p, s, n);
    return p ? p : "";
}

/* A query whose result the arena keeps. NULL after logging, with its
 * SQLSTATE in a->sqlstate (a deadlock must reach the caller as UNAVAILABLE). */
static PGresult *s_q(PGconn *c, tally_arena_t *a, const char *sql, int n, const char *const *v)
{
    PGresult *r = hj_pq(c, a->sqlstate, sql, n, v);
    tally_keep(a, r);
    return r;
}

/* The failure of the statement that failed last: one run here (state), or
 * one run through the arena (s_q, also inside a helper). */
static void s_sql_failed(hj_call_t *call, const char *state, const tally_arena_t *a,
                         const char *what, const char *field)
{
    hj_call_sql_failed(call, state[0] ? state : a->sqlstate, what, field);
}

static uint32_t s_u32(PGresult *r, int row, int col)
{
    return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static const char *s_num(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

/* ---- the election ------------------------------------------------------------------ */

typedef struct {
    char id[37];
    char community[64];
    char body[12];
    char state[16];
    char date[11];
    char mode_name[16];
    char certified_at[32];
    char certified_by[64];
    uint32_t seats;
    int mode;
    const hj_profile_t *profile;
} s_election_t;

/* 1 found, 0 not, -1 error. `lock`: FOR UPDATE (every election-day write
 * takes it first, so one election's writes go one at a time). */
static int s_election_row(PGconn *c, const tally_profiles_t *profiles, const char *id, int lock,
                          s_election_t *e)
{
    char state[6] = "";
    const char *v[1] = {id};
    PGresult *r = hj_pq(c, state,
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
        e->seats = s_u32(r, 0, 5);
        snprintf(e->mode_name, sizeof e->mode_name, "%s", PQgetvalue(r, 0, 6));
        snprintf(e->certified_at, sizeof e->certified_at, "%s", PQgetvalue(r, 0, 7));
        snprintf(e->certified_by, sizeof e->certified_by, "%s", PQgetvalue(r, 0, 8));
        e->mode = tally_mode_parse(e->mode_name);
        e->profile = tally_profile_of(profiles, e->body);
    }
    PQclear(r);
    return found && e->profile && e->mode >= 0 ? 1 : found ? -1 : 0;
}

static int s_election(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                      int lock, s_election_t *e)
{
    int found = s_election_row(c, profiles, id, lock, e);
    if (found < 0)
        hj_call_sql_failed(call, "", "the election", "");
    else if (!found)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "election",
                      "election %s not found (hj election schedule prints its id)", id);
    return found == 1 ? 0 : -1;
}

static int s_not_certified(hj_call_t *call, const s_election_t *e)
{
    if (strcmp(e->state, "certified") != 0)
        return 0;
    return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                         "the result of the %s election of %s was certified on %s UTC: it is not "
                         "edited; a correction is an amendment with its reason (hj election amend "
                         "%s --round N --box NAME ... --reason TEXT)",
                         e->body, e->community, e->certified_at, e->id);
}

static int s_is_open(hj_call_t *call, const s_election_t *e)
{
    if (s_not_certified(call, e) != 0)
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
    s_election_t e;
    if (s_election(c, call, profiles, id, 1, &e) != 0 || s_not_certified(call, &e) != 0)
        return -1;
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", e.id);
    snprintf(out->community, sizeof out->community, "%s", e.community);
    snprintf(out->date, sizeof out->date, "%s", e.date);
    out->mode = e.mode;
    out->profile = e.profile;
    return 0;
}

/* ---- a round as counted ------------------------------------------------------------ */

typedef struct {
    int no;
    int kind;
    uint32_t seats_to_fill, electorate, present;
    uint32_t n_paper;
    const char **paper_ids;     /* "" for a write-in standing */
    const char **paper_names;
    uint32_t n_writeins;
    const char **writein_names;
    PGresult *boxes;            /* name, kind, issued, returned, entry, counted, valid, invalid, votes */
    uint32_t issued, returned, counted, valid, invalid;
    uint32_t *votes;            /* per person: paper, then write-ins */
    int complete;               /* every returned ballot counted */
    int counted_ok;             /* tc holds a count (final, or projected while counting) */
    tally_count_t *tc;
} s_tally_t;

static int s_kind(const char *name)
{
    return strcmp(name, "further") == 0 ? TALLY_ROUND_FURTHER
           : strcmp(name, "revote") == 0 ? TALLY_ROUND_REVOTE
                                         : TALLY_ROUND_FIRST;
}

/* Parses "{1,2,3}"-free "1,2,3" (array_to_string) into votes[0..n). */
static void s_parse_votes(const char *text, uint32_t *votes, uint32_t n)
{
    const char *p = text;
    for (uint32_t i = 0; i < n && *p; i++) {
        char *end;
        votes[i] = (uint32_t)strtoul(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
    }
}

static const char *s_person_name(const s_tally_t *t, uint32_t i);

/* Loads round `no` (0 = the latest) and counts it. 1, 0 no such round, -1 error. */
static int s_tally(PGconn *c, const s_election_t *e, int no, tally_arena_t *a, s_tally_t *t)
{
    char round_no[24];
    memset(t, 0, sizeof *t);
    const char *v[2] = {e->id, s_num(round_no, no)};
    PGresult *r = s_q(c, a,
                      "SELECT no, kind, seats_to_fill, electorate, present FROM tally.round "
                      "WHERE election = $1::uuid AND ($2::int = 0 OR no = $2::int) ORDER BY no DESC LIMIT 1",
                      2, v);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return 0;
    t->no = atoi(PQgetvalue(r, 0, 0));
    t->kind = s_kind(PQgetvalue(r, 0, 1));
    t->seats_to_fill = s_u32(r, 0, 2);
    t->electorate = s_u32(r, 0, 3);
    t->present = s_u32(r, 0, 4);
    v[1] = s_num(round_no, t->no);
    PGresult *paper = s_q(c, a,
                          "SELECT COALESCE(person_id::text, ''), name FROM tally.paper WHERE election = "
                          "$1::uuid AND round = $2::int ORDER BY position",
                          2, v);
    PGresult *writeins = paper ? s_q(c, a,
                                     "SELECT name FROM tally.writein WHERE election = $1::uuid AND "
                                     "round = $2::int ORDER BY id",
                                     2, v)
                               : NULL;
    t->boxes = writeins ? s_q(c, a,
                              "SELECT name, kind, issued, returned, entry, counted, valid, invalid, "
                              "array_to_string(votes, ',') FROM tally.box WHERE election = $1::uuid "
                              "AND round = $2::int ORDER BY name",
                              2, v)
                        : NULL;
    if (!t->boxes)
        return -1;
    t->n_paper = (uint32_t)PQntuples(paper);
    t->n_writeins = (uint32_t)PQntuples(writeins);
    uint32_t n = t->n_paper + t->n_writeins;
    t->paper_ids = tally_alloc(a, (t->n_paper + 1) * sizeof *t->paper_ids);
    t->paper_names = tally_alloc(a, (t->n_paper + 1) * sizeof *t->paper_names);
    t->writein_names = tally_alloc(a, (t->n_writeins + 1) * sizeof *t->writein_names);
    t->votes = tally_alloc(a, (n + 1) * sizeof *t->votes);
    uint32_t *box_votes = tally_alloc(a, (n + 1) * sizeof *box_votes);
    t->tc = tally_alloc(a, sizeof *t->tc);
    if (!t->paper_ids || !t->paper_names || !t->writein_names || !t->votes || !box_votes || !t->tc)
        return -1;
    for (uint32_t i = 0; i < t->n_paper; i++) {
        t->paper_ids[i] = PQgetvalue(paper, (int)i, 0);
        t->paper_names[i] = PQgetvalue(paper, (int)i, 1);
    }
    for (uint32_t i = 0; i < t->n_writeins; i++)
        t->writein_names[i] = PQgetvalue(writeins, (int)i, 0);
    for (int b = 0; b < PQntuples(t->boxes); b++) {
        t->issued += s_u32(t->boxes, b, 2);
        t->returned += s_u32(t->boxes, b, 3);
        t->counted += s_u32(t->boxes, b, 5);
        t->valid += s_u32(t->boxes, b, 6);
        t->invalid += s_u32(t->boxes, b, 7);
        memset(box_votes, 0, n * sizeof *box_votes);
        s_parse_votes(PQgetvalue(t->boxes, b, 8), box_votes, n);
        for (uint32_t i = 0; i < n; i++)
            t->votes[i] += box_votes[i];
    }
    /* A write-in no count carries any more (a recount superseded the count
     * that named them) is no person of the round. */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < t->n_writeins; i++)
        if (t->votes[t->n_paper + i]) {
            t->writein_names[kept] = t->writein_names[i];
            t->votes[t->n_paper + kept++] = t->votes[t->n_paper + i];
        }
    t->n_writeins = kept;
    n = t->n_paper + kept;
    t->complete = t->counted == t->returned;
    if (t->counted == 0 && !t->complete)
        return 1; /* nothing counted yet: nothing to project */

    /* While counting, project: the ballots counted so far scaled up to all
     * returned, so the rules judge the real turnout and ballots. */
    tally_box_count_t box = {t->valid, t->invalid, t->votes};
    uint32_t *scaled = NULL;
    if (!t->complete) {
        scaled = tally_alloc(a, (n + 1) * sizeof *scaled);
        if (!scaled)
            return -1;
        uint64_t R = t->returned, C = t->counted;
        box.valid = (uint32_t)(((uint64_t)t->valid * R + C - 1) / C);
        box.invalid = (uint32_t)(R - box.valid);
        for (uint32_t i = 0; i < n; i++)
            scaled[i] = (uint32_t)((uint64_t)t->votes[i] * R / C);
        box.votes = scaled;
    }
    tally_round_t rd = {
        .profile = e->profile,
        .mode = e->mode,
        .kind = t->kind,
        .seats = e->seats,
        .seats_to_fill = t->seats_to_fill,
        .n_candidates = t->n_paper,
        .n_writeins = t->n_writeins,
        .electorate = t->electorate,
        .present = t->present,
        .issued = t->issued,
        .returned = t->returned,
    };
    /* The reasons name people: a re-vote's "candidate 1" is another person. */
    const char **names = tally_alloc(a, (n + 1) * sizeof *names);
    if (!names)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        names[i] = s_person_name(t, i);
    rd.names = names;
    t->counted_ok = tally_count_boxes(&rd, &box, 1, t->tc) == 0;
    if (!t->counted_ok)
        hj_warn("election %s round %d does not count: %s", e->id, t->no, t->tc->error);
    return 1;
}

static const char *s_person_name(const s_tally_t *t, uint32_t i)
{
    return i < t->n_paper ? t->paper_names[i] : t->writein_names[i - t->n_paper];
}

static void s_box_message(PGresult *boxes, int b, Hj__Tally__Box *m)
{
    hj__tally__box__init(m);
    m->name = PQgetvalue(boxes, b, 0);
    m->kind = PQgetvalue(boxes, b, 1);
    m->issued = s_u32(boxes, b, 2);
    m->returned = s_u32(boxes, b, 3);
    m->entry = PQgetvalue(boxes, b, 4);
    m->counted = s_u32(boxes, b, 5);
    m->valid = s_u32(boxes, b, 6);
    m->invalid = s_u32(boxes, b, 7);
}

/* The round as the wire carries it; strings live in the arena. */
static int s_count_message(const s_election_t *e, const s_tally_t *t, tally_arena_t *a,
                           Hj__Tally__Count *m)
{
    uint32_t n = t->n_paper + t->n_writeins;
    int nb = PQntuples(t->boxes);
    hj__tally__count__init(m);
    m->election = s_strdup(a, e->id);
    m->community = s_strdup(a, e->community);
    m->body = s_strdup(a, e->body);
    m->round = (uint32_t)t->no;
    m->round_kind = (char *)tally_round_name(t->kind);
    m->seats_to_fill = t->seats_to_fill;
    m->electorate = t->electorate;
    m->present = t->present;
    m->issued = t->issued;
    m->returned = t->returned;
    m->counted = t->counted;
    m->valid = t->valid;
    m->invalid = t->invalid;
    m->complete = t->complete;
    m->outcome = t->counted_ok ? (char *)tally_outcome_name(t->tc->outcome) : "";
    m->outcome_reason = t->counted_ok ? s_strdup(a, t->tc->outcome_reason)
                        : t->counted  ? s_strdup(a, t->tc->error)
                                      : "no ballot counted yet";
    m->quorum_reason = t->counted_ok ? s_strdup(a, t->tc->quorum_reason) : "";
    m->ballots_reason = t->counted_ok ? s_strdup(a, t->tc->ballots_reason) : "";
    m->outcome_reason_zh = t->counted_ok ? s_strdup(a, t->tc->outcome_reason_zh)
                           : t->counted  ? s_strdup(a, t->tc->error)
                                         : "尚未计票";
    m->quorum_reason_zh = t->counted_ok ? s_strdup(a, t->tc->quorum_reason_zh) : "";
    m->ballots_reason_zh = t->counted_ok ? s_strdup(a, t->tc->ballots_reason_zh) : "";
    if (t->counted_ok && t->electorate)
        m->turnout_per_mille = (uint32_t)((uint64_t)t->tc->turnout * 1000 / t->electorate);
    Hj__Tally__PersonCount *pc = tally_alloc(a, (n + 1) * sizeof *pc);
    Hj__Tally__Box *bx = tally_alloc(a, ((size_t)nb + 1) * sizeof *bx);
    m->persons = tally_alloc(a, (n + 1) * sizeof *m->persons);
    m->boxes = tally_alloc(a, ((size_t)nb + 1) * sizeof *m->boxes);
    if (!pc || !bx || !m->persons || !m->boxes)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        hj__tally__person_count__init(&pc[i]);
        pc[i].name = (char *)s_person_name(t, i);
        pc[i].person_id = i < t->n_paper ? (char *)t->paper_ids[i] : "";
        pc[i].writein = i >= t->n_paper;
        pc[i].votes = t->votes[i];
        if (t->counted_ok && i < t->tc->n_persons) {
            pc[i].status = (char *)t->tc->person[i].status;
            pc[i].reason = t->tc->person[i].reason;
            pc[i].reason_zh = t->tc->person[i].reason_zh;
            pc[i].stands_further = t->tc->person[i].stands_further;
        } else {
            pc[i].status = "";
            pc[i].reason = "";
            pc[i].reason_zh = "";
        }
        m->persons[m->n_persons++] = &pc[i];
    }
    for (int b = 0; b < nb; b++) {
        s_box_message(t->boxes, b, &bx[b]);
        m->boxes[m->n_boxes++] = &bx[b];
    }
    return 0;
}

int election_count(PGconn *c, const tally_profiles_t *profiles, const char *election, int round,
                   tally_arena_t *a, Hj__Tally__Count *out)
{
    s_election_t e;
    s_tally_t t;
    int found = s_election_row(c, profiles, election, 0, &e);
    if (found <= 0)
        return found;
    found = s_tally(c, &e, round, a, &t);
    if (found <= 0)
        return found;
    return s_count_message(&e, &t, a, out) == 0 ? 1 : -1;
}

/* ---- the result across rounds ---------------------------------------------------------- */

typedef struct {
    int n_rounds;
    s_tally_t *rounds;          /* 1..n_rounds at [0..) */
    uint32_t n_elected;
    const char **elected;
    const char **elected_ids;   /* "" for a write-in */
    s_tally_t *last;
    char next[768];
    char next_zh[768];
    PGresult *closures;         /* id, kind, seats, after_round, reason, rule, rule_zh, due_on, actor, at */
    uint32_t vacant, reduced;   /* seats closed as 暂缺 / 减少名额 */
    uint32_t closed_after_last; /* of them, closed after the latest round */
    const char *vacancy_due;    /* the earliest by-election due day, "" */
} s_result_t;

static int s_result(PGconn *c, const s_election_t *e, tally_arena_t *a, s_result_t *res)
{
    char state[6] = "";
    memset(res, 0, sizeof *res);
    const char *v[1] = {e->id};
    PGresult *r = hj_pq(c, state, "SELECT COALESCE(max(no), 0) FROM tally.round WHERE election = $1::uuid",
                        1, v);
    if (!r)
        return -1;
    res->n_rounds = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    res->rounds = tally_alloc(a, ((size_t)res->n_rounds + 1) * sizeof *res->rounds);
    res->elected = tally_alloc(a, (e->seats + 1) * sizeof *res->elected);
    res->elected_ids = tally_alloc(a, (e->seats + 1) * sizeof *res->elected_ids);
    if (!res->rounds || !res->elected || !res->elected_ids)
        return -1;
    for (int k = 1; k <= res->n_rounds; k++) {
        s_tally_t *t = &res->rounds[k - 1];
        if (s_tally(c, e, k, a, t) != 1)
            return -1;
        if (!t->complete || !t->counted_ok)
            continue;
        for (uint32_t i = 0; i < t->tc->n_elected && res->n_elected < e->seats; i++) {
            uint32_t p = t->tc->elected[i];
            res->elected[res->n_elected] = s_person_name(t, p);
            res->elected_ids[res->n_elected++] = p < t->n_paper ? t->paper_ids[p] : "";
        }
    }
    res->last = res->n_rounds ? &res->rounds[res->n_rounds - 1] : NULL;
    res->vacancy_due = "";
    res->closures = s_q(c, a,
                        "SELECT id, kind, seats, after_round, reason, rule, rule_zh, "
                        "COALESCE(to_char(due_on, 'YYYY-MM-DD'), ''), actor, "
                        "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM tally.seat_closure "
                        "WHERE election = $1::uuid ORDER BY at, id",
                        1, v);
    if (!res->closures)
        return -1;
    for (int i = 0; i < PQntuples(res->closures); i++) {
        uint32_t n = s_u32(res->closures, i, 2);
        const char *due = PQgetvalue(res->closures, i, 7);
        if (strcmp(PQgetvalue(res->closures, i, 1), "vacant") == 0)
            res->vacant += n;
        else
            res->reduced += n;
        if (res->last && atoi(PQgetvalue(res->closures, i, 3)) == res->last->no)
            res->closed_after_last += n;
        if (due[0] && (!res->vacancy_due[0] || strcmp(due, res->vacancy_due) < 0))
            res->vacancy_due = due;
    }
    return 0;
}

/* Seats the rounds and the closures have not accounted for. */
static uint32_t s_open_seats(const s_election_t *e, const s_result_t *res)
{
    uint32_t done = res->n_elected + res->vacant + res->reduced;
    return e->seats > done ? e->seats - done : 0;
}

static void s_names(char *buf, size_t size, const s_tally_t *t, const uint32_t *who, uint32_t n,
                    const char *sep)
{
    size_t len = strlen(buf);
    for (uint32_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? sep : "", s_person_name(t, who[i]));
}

/* Appends to a NUL-terminated buffer (cut short at its end). */
__attribute__((format(printf, 3, 4))) static void s_add(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* The seats as the rules see them when closing some: from the result. */
static void s_seats_of(const s_election_t *e, const s_result_t *res, tally_seats_t *s)
{
    const s_tally_t *t = res->last;
    memset(s, 0, sizeof *s);
    s->seats = e->seats;
    s->elected = res->n_elected;
    s->closed = res->vacant + res->reduced;
    s->counted = t && t->complete && t->counted_ok && t->tc->outcome == TALLY_OUTCOME_FURTHER;
    s->last_kind = t ? t->kind : TALLY_ROUND_FIRST;
    s->last_no = t ? (uint32_t)t->no : 0;
}

/* What happens next, in words, in English and Chinese; people by name. */
static void s_next(const s_election_t *e, const s_result_t *res, uint32_t listed, char *out, char *zh,
                   size_t size)
{
    const s_tally_t *t = res->last;
    uint32_t open = s_open_seats(e, res);
    out[0] = zh[0] = 0;
    if (strcmp(e->state, "certified") == 0) {
        s_add(out, size, "certified by %s on %s UTC; a correction is an amendment with its reason",
              e->certified_by, e->certified_at);
        s_add(zh, size, "已由%s于%s（UTC）确认；更正须作为附理由的修正", e->certified_by, e->certified_at);
        if (open) {
            s_add(out, size, ". As amended, the count fills %u of %u seats: the election committee and the "
                             "district decide what follows", e->seats - open, e->seats);
            s_add(zh, size, "。修正后%u个名额中只产生%u名：由选举委员会和区里决定后续", e->seats, e->seats - open);
        }
    } else if (!t) {
        if (!listed) {
            s_add(out, size, "record the candidate list (hj election candidates %s --person ID ...)", e->id);
            s_add(zh, size, "登记候选人名单（hj election candidates %s --person ID ...）", e->id);
        } else if (strcmp(e->state, "open") != 0) {
            s_add(out, size, "open the election when every gate is green (hj election open %s --body %s)",
                  e->community, e->body);
            s_add(zh, size, "各项门槛达标后开启选举（hj election open %s --body %s）", e->community, e->body);
        } else {
            s_add(out, size, "on election day (%s), open the first round with its ballot boxes "
                             "(hj election round %s --box NAME:main:ISSUED:RETURNED ...)", e->date, e->id);
            s_add(zh, size, "选举日（%s）开启第一轮投票并登记票箱（hj election round %s --box ...）", e->date, e->id);
        }
    } else if (!t->complete) {
        s_add(out, size, "round %d: %u of %u returned ballots counted; count the rest "
                         "(hj election ballots / hj election count)", t->no, t->counted, t->returned);
        s_add(zh, size, "第%d轮：收回%u张选票中已计%u张；继续计票", t->no, t->returned, t->counted);
    } else if (!t->counted_ok) {
        s_add(out, size, "round %d does not count: %s", t->no, t->tc->error);
        s_add(zh, size, "第%d轮无法计票：%s", t->no, t->tc->error);
    } else if (t->tc->outcome == TALLY_OUTCOME_VOID) {
        s_add(out, size, "round %d is void: re-run the vote with the same ballot paper "
                         "(hj election round %s --box ...)", t->no, e->id);
        s_add(zh, size, "第%d轮选举无效：用同一选票重新投票（hj election round %s --box ...）", t->no, e->id);
    } else if (t->tc->outcome == TALLY_OUTCOME_REVOTE) {
        s_add(out, size, "re-vote among the tied only, for %u seat(s): ", t->tc->revote_seats);
        s_names(out, size, t, t->tc->tied, t->tc->n_tied, ", ");
        s_add(out, size, " (hj election round %s --box ...)", e->id);
        s_add(zh, size, "得票相等，仅就%u个名额在以下人员中再次投票：", t->tc->revote_seats);
        s_names(zh, size, t, t->tc->tied, t->tc->n_tied, "、");
        s_add(zh, size, "（hj election round %s --box ...）", e->id);
    } else if (open == 0 && res->vacant + res->reduced == 0) {
        s_add(out, size, "all %u seats filled: certify the result (hj election certify %s)", e->seats, e->id);
        s_add(zh, size, "%u个名额全部选出：确认选举结果（hj election certify %s）", e->seats, e->id);
    } else if (open == 0) {
        s_add(out, size, "all %u seats accounted for (%u elected", e->seats, res->n_elected);
        s_add(zh, size, "%u个名额均已落实（当选%u名", e->seats, res->n_elected);
        if (res->vacant) {
            s_add(out, size, ", %u vacant (暂缺), by-election due by %s", res->vacant, res->vacancy_due);
            s_add(zh, size, "，暂缺%u名，应于%s前补选", res->vacant, res->vacancy_due);
        }
        if (res->reduced) {
            s_add(out, size, ", %u reduced (减少名额)", res->reduced);
            s_add(zh, size, "，减少名额%u名", res->reduced);
        }
        s_add(out, size, "): certify the result (hj election certify %s)", e->id);
        s_add(zh, size, "）：确认选举结果（hj election certify %s）", e->id);
    } else {
        /* Too few elected: a further round for the seats still open, or,
         * where the profile allows it now, close them. */
        s_add(out, size, "further round (另行选举) for %u seat(s): ", open);
        s_add(zh, size, "就%u个名额另行选举：", open);
        if (e->profile->further_standing.kind == HJ_STANDING_TOP) {
            s_add(out, size, "standing ");
            s_names(out, size, t, t->tc->standing, t->tc->n_standing, ", ");
            s_add(out, size, " (hj election round %s --box ...)", e->id);
            s_add(zh, size, "候选人为");
            s_names(zh, size, t, t->tc->standing, t->tc->n_standing, "、");
            s_add(zh, size, "（hj election round %s --box ...）", e->id);
        } else {
            s_add(out, size, "a new candidate list is drawn up (hj election round %s --person ID ... --box ...)",
                  e->id);
            s_add(zh, size, "重新提出候选人名单（hj election round %s --person ID ... --box ...）", e->id);
        }
        tally_seats_t seats;
        const char *field;
        char why[TALLY_WHY_MAX * 2], why_zh[TALLY_WHY_MAX * 2];
        s_seats_of(e, res, &seats);
        for (int reduce = 0; reduce < 2; reduce++)
            if (tally_check_close(e->profile, reduce, &seats, open, &field, why, sizeof why, why_zh, sizeof why_zh)) {
                s_add(out, size, "; or, as profile %s allows, %s (hj election %s %s --seats %u --reason TEXT)",
                      e->profile->name, reduce ? "reduce the seats (减少名额)" : "leave them vacant (暂缺)",
                      reduce ? "reduce" : "vacancy", e->id, open);
                s_add(zh, size, "；或按规则%s（hj election %s %s --seats %u --reason 理由）",
                      reduce ? "减少名额" : "名额暂缺", reduce ? "reduce" : "vacancy", e->id, open);
            }
    }
}

static int s_candidates(PGconn *c, const char *id, tally_arena_t *a, Hj__Tally__Election *m)
{
    const char *v[1] = {id};
    PGresult *r = s_q(c, a,
                      "SELECT position, person_id, name FROM tally.candidate WHERE election = $1::uuid "
                      "ORDER BY position",
                      1, v);
    if (!r)
        return -1;
    int n = PQntuples(r);
    Hj__Tally__Candidate *k = tally_alloc(a, ((size_t)n + 1) * sizeof *k);
    m->candidates = tally_alloc(a, ((size_t)n + 1) * sizeof *m->candidates);
    if (!k || !m->candidates)
        return -1;
    for (int i = 0; i < n; i++) {
        hj__tally__candidate__init(&k[i]);
        k[i].position = s_u32(r, i, 0);
        k[i].person_id = PQgetvalue(r, i, 1);
        k[i].name = PQgetvalue(r, i, 2);
        m->candidates[m->n_candidates++] = &k[i];
    }
    return 0;
}

/* The election as the wire carries it, with its list. */
static int s_election_message(PGconn *c, const tally_profiles_t *profiles, const s_election_t *e,
                              tally_arena_t *a, Hj__Tally__Election **out)
{
    tally_board_t *b = tally_alloc(a, sizeof *b);
    Hj__Tally__Election *m = tally_alloc(a, sizeof *m);
    char today[11];
    hj_date_today(today);
    if (!b || !m || board_load(c, profiles, e->community, today, e->id, b) != 1 || b->n_elections != 1)
        return -1;
    tally_election_t *copy = tally_alloc(a, sizeof *copy);
    if (!copy)
        return -1;
    *copy = b->elections[0];
    board_election_message(copy, s_strdup(a, e->community), m);
    if (s_candidates(c, e->id, a, m) != 0)
        return -1;
    *out = m;
    return 0;
}

static int s_amendments(PGconn *c, const char *id, tally_arena_t *a, Hj__Tally__Result *m)
{
    const char *v[1] = {id};
    PGresult *r = s_q(c, a,
                      "SELECT id, round, box, reason, actor, to_char(at AT TIME ZONE 'UTC', "
                      "'YYYY-MM-DD HH24:MI:SS'), before, after, kind FROM tally.amendment "
                      "WHERE election = $1::uuid ORDER BY at, id",
                      1, v);
    if (!r)
        return -1;
    int n = PQntuples(r);
    Hj__Tally__Amendment *am = tally_alloc(a, ((size_t)n + 1) * sizeof *am);
    m->amendments = tally_alloc(a, ((size_t)n + 1) * sizeof *m->amendments);
    if (!am || !m->amendments)
        return -1;
    for (int i = 0; i < n; i++) {
        hj__tally__amendment__init(&am[i]);
        am[i].id = PQgetvalue(r, i, 0);
        am[i].round = s_u32(r, i, 1);
        am[i].box = PQgetvalue(r, i, 2);
        am[i].reason = PQgetvalue(r, i, 3);
        am[i].actor = PQgetvalue(r, i, 4);
        am[i].at = PQgetvalue(r, i, 5);
        am[i].kind = PQgetvalue(r, i, 8);
        for (int side = 0; side < 2; side++) {
            size_t len = 0;
            uint8_t *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 6 + side), &len);
            Hj__Tally__BoxTotal *bt = bytes ? hj__tally__box_total__unpack(NULL, len, bytes) : NULL;
            PQfreemem(bytes);
            if (!bt)
                continue;
            /* Repacked into arena memory, so freeing is the arena's job. */
            size_t plen = hj__tally__box_total__get_packed_size(bt);
            uint8_t *packed = tally_alloc(a, plen);
            Hj__Tally__BoxTotal *copy = packed ? tally_alloc(a, sizeof *copy) : NULL;
            if (copy) {
                hj__tally__box_total__pack(bt, packed);
                *copy = *bt;
                copy->election = s_strdup(a, bt->election);
                copy->box = s_strdup(a, bt->box);
                copy->reason = s_strdup(a, bt->reason);
                copy->votes = tally_alloc(a, (bt->n_votes + 1) * sizeof *copy->votes);
                if (copy->votes)
                    memcpy(copy->votes, bt->votes, bt->n_votes * sizeof *copy->votes);
                else
                    copy->n_votes = 0;
                copy->writeins = tally_alloc(a, (bt->n_writeins + 1) * sizeof *copy->writeins);
                Hj__Tally__WriteInVotes *wv = tally_alloc(a, (bt->n_writeins + 1) * sizeof *wv);
                copy->n_writeins = 0;
                for (size_t w = 0; copy->writeins && wv && w < bt->n_writeins; w++) {
                    hj__tally__write_in_votes__init(&wv[w]);
                    wv[w].name = s_strdup(a, bt->writeins[w]->name);
                    wv[w].votes = bt->writeins[w]->votes;
                    copy->writeins[copy->n_writeins++] = &wv[w];
                }
                if (side)
                    am[i].after = copy;
                else
                    am[i].before = copy;
            }
            hj__tally__box_total__free_unpacked(bt, NULL);
        }
        m->amendments[m->n_amendments++] = &am[i];
    }
    return 0;
}

static void s_closure_message(PGresult *r, int i, const char *election, Hj__Tally__SeatClosure *m)
{
    hj__tally__seat_closure__init(m);
    m->election = (char *)election;
    m->id = PQgetvalue(r, i, 0);
    m->kind = PQgetvalue(r, i, 1);
    m->seats = s_u32(r, i, 2);
    m->after_round = s_u32(r, i, 3);
    m->reason = PQgetvalue(r, i, 4);
    m->rule = PQgetvalue(r, i, 5);
    m->rule_zh = PQgetvalue(r, i, 6);
    m->due_on = PQgetvalue(r, i, 7);
    m->actor = PQgetvalue(r, i, 8);
    m->at = PQgetvalue(r, i, 9);
}

static int s_closures_message(PGresult *r, const char *election, tally_arena_t *a, Hj__Tally__Result *m)
{
    int n = PQntuples(r);
    Hj__Tally__SeatClosure *sc = tally_alloc(a, ((size_t)n + 1) * sizeof *sc);
    m->closures = tally_alloc(a, ((size_t)n + 1) * sizeof *m->closures);
    if (!sc || !m->closures)
        return -1;
    for (int i = 0; i < n; i++) {
        s_closure_message(r, i, election, &sc[i]);
        m->closures[m->n_closures++] = &sc[i];
    }
    return 0;
}

/* Replies with the whole result; a write journals `kind` with `record`. */
static void s_result_reply(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                           const char *id, const char *kind, const ProtobufCMessage *record)
{
    tally_arena_t a = {0};
    s_election_t e;
    s_result_t res;
    Hj__Tally__Result m = HJ__TALLY__RESULT__INIT;
    if (s_election(c, call, profiles, id, 0, &e) != 0)
        goto out;
    if (s_election_message(c, profiles, &e, &a, &m.election) != 0 || s_result(c, &e, &a, &res) != 0 ||
        s_amendments(c, e.id, &a, &m) != 0) {
        hj_call_sql_failed(call, "", "the result", "");
        goto out;
    }
    m.rounds = tally_alloc(&a, ((size_t)res.n_rounds + 1) * sizeof *m.rounds);
    Hj__Tally__Count *counts = tally_alloc(&a, ((size_t)res.n_rounds + 1) * sizeof *counts);
    if (!m.rounds || !counts) {
        hj_call_sql_failed(call, "", "the result", "");
        goto out;
    }
    for (int k = 0; k < res.n_rounds; k++) {
        if (s_count_message(&e, &res.rounds[k], &a, &counts[k]) != 0) {
            hj_call_sql_failed(call, "", "the result", "");
            goto out;
        }
        m.rounds[m.n_rounds++] = &counts[k];
    }
    m.elected = (char **)res.elected;
    m.n_elected = res.n_elected;
    s_next(&e, &res, (uint32_t)m.election->n_candidates, res.next, res.next_zh, sizeof res.next);
    m.next = res.next;
    m.next_zh = res.next_zh;
    m.vacant = res.vacant;
    m.reduced = res.reduced;
    m.vacancy_due = (char *)res.vacancy_due;
    if (s_closures_message(res.closures, e.id, &a, &m) != 0) {
        hj_call_sql_failed(call, "", "the result", "");
        goto out;
    }
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_RESULT_VIEW;
    reply.result_view = &m;
    if (kind) {
        snprintf(call->kind, sizeof call->kind, "%s", kind);
        snprintf(call->community, sizeof call->community, "%s", e.community);
    }
    hj_call_reply(call, &reply.base, kind ? record : NULL);
out:
    tally_arena_free(&a);
}

/* ---- the candidate list ------------------------------------------------------------------ */

/* The reserve-ledger person nominated for the election's committee: its
 * name into *name (arena). 0, or -1 with INVALID_ARGUMENT naming field. */
static int s_nominee(PGconn *c, hj_call_t *call, const s_election_t *e, const char *person,
                     const char *field, tally_arena_t *a, const char **name)
{
    const char *v[3] = {e->community, strcmp(e->body, "party") == 0 ? "1" : "2", person};
    PGresult *r = s_q(c, a,
                      "SELECT person_name FROM tally.reserve WHERE community = $1 AND "
                      "committee = $2::smallint AND person_id = $3::uuid AND status = 'nominated'",
                      3, v);
    if (!r) {
        hj_call_sql_failed(call, "", "the reserve ledger", "");
        return -1;
    }
    if (PQntuples(r) == 0)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                             "person %s is not nominated for the %s committee of %s in the reserve "
                             "ledger (hj reserve update ID --status nominated, after vetting)",
                             person, e->body, e->community);
    *name = PQgetvalue(r, 0, 0);
    return 0;
}

static void s_candidates_set(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                             const Hj__Tally__CandidateList *l)
{
    char state[6] = "", why[TALLY_WHY_MAX], field[48], position[24];
    tally_arena_t a = {0};
    s_election_t e;
    if (tally_db_caught_up(c, call) != 0 || s_election(c, call, profiles, l->election, 1, &e) != 0 ||
        s_not_certified(call, &e) != 0)
        goto out;
    const char *v[1] = {e.id};
    PGresult *r = s_q(c, &a, "SELECT count(*) FROM tally.round WHERE election = $1::uuid", 1, v);
    if (!r) {
        s_sql_failed(call, state, &a, "the rounds", "");
        goto out;
    }
    if (atoi(PQgetvalue(r, 0, 0)) > 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "voting has begun: the candidate list of the first round is fixed");
        goto out;
    }
    const char **names = tally_alloc(&a, (l->n_person_ids + 1) * sizeof *names);
    if (!names) {
        s_sql_failed(call, state, &a, "the list", "");
        goto out;
    }
    for (size_t i = 0; i < l->n_person_ids; i++) {
        snprintf(field, sizeof field, "person_ids[%zu]", i + 1);
        if (s_nominee(c, call, &e, l->person_ids[i], field, &a, &names[i]) != 0)
            goto out;
    }
    uint32_t required = 0;
    if (!tally_check_candidates(e.profile, e.seats, (uint32_t)l->n_person_ids, &required, why, sizeof why)) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "candidates",
                      "the list is not lawful (差额): %s", why);
        goto out;
    }
    r = hj_pq(c, state, "DELETE FROM tally.candidate WHERE election = $1::uuid", 1, v);
    PQclear(r);
    for (size_t i = 0; r && i < l->n_person_ids; i++) {
        const char *w[4] = {e.id, s_num(position, (long long)i + 1), l->person_ids[i], names[i]};
        r = hj_pq(c, state,
                  "INSERT INTO tally.candidate (election, position, person_id, name) "
                  "VALUES ($1::uuid, $2::int, $3::uuid, $4)",
                  4, w);
        PQclear(r);
    }
    if (!r) {
        s_sql_failed(call, state, &a, "the list", "");
        goto out;
    }
    Hj__Tally__Election *m;
    if (s_election_message(c, profiles, &e, &a, &m) != 0) {
        s_sql_failed(call, state, &a, "the election", "");
        goto out;
    }
    Hj__Tally__CandidateList record = *l;
    record.election = e.id;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_ELECTION;
    reply.election = m;
    snprintf(call->kind, sizeof call->kind, "candidates_set");
    snprintf(call->community, sizeof call->community, "%s", e.community);
    hj_call_reply(call, &reply.base, &record.base);
out:
    tally_arena_free(&a);
}

/* ---- rounds -------------------------------------------------------------------------- */

/* Replies with the count of the election's latest round; journals it. */
static void s_count_reply(PGconn *c, hj_call_t *call, const s_election_t *e, const char *kind)
{
    tally_arena_t a = {0};
    s_tally_t t;
    Hj__Tally__Count m;
    if (s_tally(c, e, 0, &a, &t) != 1 || s_count_message(e, &t, &a, &m) != 0) {
        hj_call_sql_failed(call, "", "the count", "");
    } else {
        Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
        Hj__Tally__Receipt receipt = HJ__TALLY__RECEIPT__INIT;
        receipt.election = m.election;
        receipt.round = m.round;
        receipt.count = &m;
        reply.result_case = HJ__TALLY__REPLY__RESULT_RECEIPT;
        reply.receipt = &receipt;
        snprintf(call->kind, sizeof call->kind, "%s", kind);
        snprintf(call->community, sizeof call->community, "%s", e->community);
        hj_call_reply(call, &reply.base, &m.base);
    }
    tally_arena_free(&a);
}

static int s_insert_paper(PGconn *c, const char *election, const char *round, uint32_t position,
                          const char *person_id, const char *name)
{
    char state[6] = "", pos[24];
    const char *v[5] = {election, round, s_num(pos, position), person_id, name};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO tally.paper (election, round, position, person_id, name) "
                        "VALUES ($1::uuid, $2::int, $3::int, NULLIF($4, '')::uuid, $5)",
                        5, v);
    PQclear(r);
    return r ? 0 : -1;
}

static void s_round_open(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                         const Hj__Tally__RoundOpen *o)
{
    char state[6] = "", today[11], why[TALLY_WHY_MAX], field[48];
    char no[24], seats[24], electorate[24], present[24];
    tally_arena_t a = {0};
    s_election_t e;
    s_tally_t last;
    hj_date_today(today);
    if (s_election(c, call, profiles, o->election, 1, &e) != 0 || s_is_open(call, &e) != 0)
        goto out;
    if (strcmp(today, e.date) < 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "date",
                      "election day is %s: a round opens on or after it (today is %s)", e.date, today);
        goto out;
    }
    int has_last = s_tally(c, &e, 0, &a, &last);
    if (has_last < 0) {
        s_sql_failed(call, state, &a, "the rounds", "");
        goto out;
    }
    /* The paper and the seats of this round follow from the last round. */
    int kind = TALLY_ROUND_FIRST;
    uint32_t to_fill = e.seats, n = 0;
    const char **ids = NULL, **names = NULL;
    int new_list = 0;
    const char *v[1] = {e.id};
    if (!has_last) {
        PGresult *r = s_q(c, &a,
                          "SELECT person_id::text, name FROM tally.candidate WHERE election = $1::uuid "
                          "ORDER BY position",
                          1, v);
        if (!r) {
            s_sql_failed(call, state, &a, "the candidate list", "");
            goto out;
        }
        n = (uint32_t)PQntuples(r);
        if (n == 0) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "candidates",
                          "the election has no candidate list (hj election candidates %s --person ID ...)",
                          e.id);
            goto out;
        }
        ids = tally_alloc(&a, (n + 1) * sizeof *ids);
        names = tally_alloc(&a, (n + 1) * sizeof *names);
        for (uint32_t i = 0; ids && names && i < n; i++) {
            ids[i] = PQgetvalue(r, (int)i, 0);
            names[i] = PQgetvalue(r, (int)i, 1);
        }
    } else if (!last.complete) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                      "round %d is still being counted: %u of %u returned ballots counted", last.no,
                      last.counted, last.returned);
        goto out;
    } else if (!last.counted_ok) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                      "round %d does not count: %s", last.no, last.tc->error);
        goto out;
    } else {
        const tally_count_t *tc = last.tc;
        const uint32_t *who = NULL;
        switch (tc->outcome) {
        case TALLY_OUTCOME_VOID: /* re-run with the same paper */
            kind = last.kind;
            to_fill = last.seats_to_fill;
            n = last.n_paper;
            break;
        case TALLY_OUTCOME_REVOTE:
            kind = TALLY_ROUND_REVOTE;
            to_fill = tc->revote_seats;
            n = tc->n_tied;
            who = tc->tied;
            break;
        case TALLY_OUTCOME_FURTHER: {
            /* Seats closed after this round (暂缺 / 减少名额) are not voted for again. */
            char last_no[24];
            const char *w[2] = {e.id, s_num(last_no, last.no)};
            PGresult *closed = s_q(c, &a,
                                   "SELECT COALESCE(sum(seats), 0) FROM tally.seat_closure "
                                   "WHERE election = $1::uuid AND after_round = $2::int",
                                   2, w);
            if (!closed) {
                s_sql_failed(call, state, &a, "the closed seats", "");
                goto out;
            }
            kind = TALLY_ROUND_FURTHER;
            to_fill = tc->further_seats - (s_u32(closed, 0, 0) < tc->further_seats ? s_u32(closed, 0, 0)
                                                                                     : tc->further_seats);
            if (to_fill == 0) {
                hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                              "every seat is filled or closed: certify the result (hj election certify %s)",
                              e.id);
                goto out;
            }
            new_list = e.profile->further_standing.kind == HJ_STANDING_NEW_LIST;
            n = new_list ? (uint32_t)o->n_person_ids : tc->n_standing;
            who = tc->standing;
            break;
        }
        default:
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                          "every seat is filled: certify the result (hj election certify %s)", e.id);
            goto out;
        }
        ids = tally_alloc(&a, (n + 1) * sizeof *ids);
        names = tally_alloc(&a, (n + 1) * sizeof *names);
        if (!ids || !names) {
            s_sql_failed(call, state, &a, "the paper", "");
            goto out;
        }
        if (new_list) {
            for (uint32_t i = 0; i < n; i++) {
                snprintf(field, sizeof field, "person_ids[%u]", i + 1);
                if (s_nominee(c, call, &e, o->person_ids[i], field, &a, &names[i]) != 0)
                    goto out;
                ids[i] = o->person_ids[i];
            }
            uint32_t required = 0;
            if (!tally_check_candidates(e.profile, to_fill, n, &required, why, sizeof why)) {
                hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "person_ids",
                              "the further round's new list is not lawful: %s", why);
                goto out;
            }
        } else {
            for (uint32_t i = 0; i < n; i++) {
                uint32_t p = who ? who[i] : i;
                ids[i] = p < last.n_paper ? last.paper_ids[p] : "";
                names[i] = s_person_name(&last, p);
            }
        }
    }
    if (o->n_person_ids && !new_list) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "person_ids",
                      "this round's paper follows from the count (profile %s): give no list",
                      e.profile->name);
        goto out;
    }
    /* Who should attend (party) is given; a residents' electorate is the roll. */
    uint32_t who_count = o->electorate;
    if (e.profile->body == HJ_BODY_RESIDENTS) {
        if (o->electorate) {
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "electorate",
                          "a residents' election counts its electorate from the voter roll: give none");
            goto out;
        }
        const char *cv[1] = {e.community};
        PGresult *r = s_q(c, &a,
                          "SELECT voters, households, representatives FROM tally.voter_roll "
                          "WHERE community = $1",
                          1, cv);
        if (!r) {
            s_sql_failed(call, state, &a, "the voter roll", "");
            goto out;
        }
        if (PQntuples(r) == 1)
            who_count = s_u32(r, 0, e.mode == HJ_MODE_HOUSEHOLD ? 1 : e.mode == HJ_MODE_REPRESENTATIVE ? 2 : 0);
        if (!who_count) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "electorate",
                          "the voter roll of %s records no %s (hj voters set)", e.community,
                          e.profile->electorate_label[e.mode]);
            goto out;
        }
    } else if (!who_count) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "electorate",
                      "electorate: how many %s (required)", e.profile->electorate_label[e.mode]);
        goto out;
    }
    if (o->present > who_count) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "present",
                      "%u present, but there are only %u %s", o->present, who_count,
                      e.profile->electorate_label[e.mode]);
        goto out;
    }
    /* One ballot a voter: more issued than there are voters is no count (returned
     * above issued stays lawful to record: the rules make that round void). */
    uint64_t issued_all = 0;
    for (size_t i = 0; i < o->n_boxes; i++)
        issued_all += o->boxes[i]->issued;
    if (issued_all > who_count) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "boxes",
                      "%llu ballots issued, but there are only %u %s", (unsigned long long)issued_all,
                      who_count, e.profile->electorate_label[e.mode]);
        goto out;
    }
    const char *w[7] = {e.id,
                        s_num(no, has_last ? last.no + 1 : 1),
                        tally_round_name(kind),
                        s_num(seats, to_fill),
                        s_num(electorate, who_count),
                        s_num(present, o->present),
                        call->actor};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO tally.round (election, no, kind, seats_to_fill, electorate, present, "
                        "opened_by) VALUES ($1::uuid, $2::int, $3, $4::int, $5::int, $6::int, $7)",
                        7, w);
    if (!r) {
        s_sql_failed(call, state, &a, "the round", "");
        goto out;
    }
    PQclear(r);
    for (uint32_t i = 0; i < n; i++)
        if (s_insert_paper(c, e.id, no, i + 1, ids[i], names[i]) != 0) {
            s_sql_failed(call, state, &a, "the ballot paper", "");
            goto out;
        }
    for (size_t i = 0; i < o->n_boxes; i++) {
        const Hj__Tally__Box *b = o->boxes[i];
        char issued[24], returned[24];
        const char *x[6] = {e.id, no, b->name, b->kind, s_num(issued, b->issued), s_num(returned, b->returned)};
        r = hj_pq(c, state,
                  "INSERT INTO tally.box (election, round, name, kind, issued, returned) "
                  "VALUES ($1::uuid, $2::int, $3, $4, $5::int, $6::int)",
                  6, x);
        if (!r) {
            s_sql_failed(call, state, &a, "the ballot boxes", "");
            goto out;
        }
        PQclear(r);
    }
    hj_info("election %s: round %s (%s) opened for %u seat(s), %u on the paper", e.id, no,
            tally_round_name(kind), to_fill, n);
    s_count_reply(c, call, &e, "round_opened");
out:
    tally_arena_free(&a);
}

/* ---- counting: ballots one by one, boxes by hand ----------------------------------------------- */

/* The latest round's box to count into, locked. 0 with *round and the box
 * row (arena), or -1 with the status. */
static int s_box(PGconn *c, hj_call_t *call, const s_election_t *e, uint32_t round, const char *box,
                 tally_arena_t *a, int *round_no, PGresult **row)
{
    char no[24];
    const char *v[2] = {e->id, s_num(no, round)};
    PGresult *r = s_q(c, a,
                      "SELECT COALESCE(max(no), 0) FROM tally.round WHERE election = $1::uuid AND "
                      "($2::int = 0 OR no = $2::int)",
                      2, v);
    if (!r) {
        hj_call_sql_failed(call, "", "the rounds", "");
        return -1;
    }
    *round_no = atoi(PQgetvalue(r, 0, 0));
    if (!*round_no && round)
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "round", "the election has no round %u",
                             round);
    if (!*round_no)
        return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                             "no round is open yet (hj election round %s --box ...)", e->id);
    const char *w[3] = {e->id, s_num(no, *round_no), box};
    r = s_q(c, a,
            "SELECT name, kind, issued, returned, entry, counted, valid, invalid, "
            "array_to_string(votes, ','), (SELECT count(*) FROM tally.paper p WHERE p.election = b.election "
            "AND p.round = b.round), (SELECT string_agg(name, ', ' ORDER BY name) FROM tally.box x "
            "WHERE x.election = b.election AND x.round = b.round) FROM tally.box b "
            "WHERE election = $1::uuid AND round = $2::int AND name = $3 FOR UPDATE",
            3, w);
    if (!r) {
        hj_call_sql_failed(call, "", "the ballot box", "");
        return -1;
    }
    if (PQntuples(r) == 0) {
        PGresult *names = s_q(c, a,
                              "SELECT COALESCE(string_agg(name, ', ' ORDER BY name), '') FROM tally.box "
                              "WHERE election = $1::uuid AND round = $2::int",
                              2, w);
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "box",
                             "round %d has no box %s (its boxes: %s)", *round_no, box,
                             names ? PQgetvalue(names, 0, 0) : "?");
    }
    *row = r;
    return 0;
}

/* Write-in names of a round as ids; new names get the next ids. -1 on error. */
static int s_writein_ids(PGconn *c, const char *election, const char *round, const char *const *names,
                         size_t n, int *ids, uint32_t *total)
{
    char state[6] = "";
    for (size_t i = 0; i < n; i++) {
        const char *v[3] = {election, round, names[i]};
        PGresult *r = hj_pq(c, state,
                            "WITH known AS (SELECT id FROM tally.writein WHERE election = $1::uuid AND "
                            "round = $2::int AND name = $3), added AS (INSERT INTO tally.writein "
                            "(election, round, id, name) SELECT $1::uuid, $2::int, COALESCE((SELECT "
                            "max(id) + 1 FROM tally.writein WHERE election = $1::uuid AND round = $2::int), "
                            "0), $3 WHERE NOT EXISTS (SELECT 1 FROM known) RETURNING id) "
                            "SELECT id FROM known UNION ALL SELECT id FROM added",
                            3, v);
        if (!r)
            return -1;
        ids[i] = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    const char *v[2] = {election, round};
    PGresult *r = hj_pq(c, state,
                        "SELECT count(*) FROM tally.writein WHERE election = $1::uuid AND round = $2::int",
                        2, v);
    if (!r)
        return -1;
    *total = s_u32(r, 0, 0);
    PQclear(r);
    return 0;
}

/* The paper's candidate names of a round (arena). */
static const char **s_paper_names(PGconn *c, const char *election, const char *round, tally_arena_t *a)
{
    const char *v[2] = {election, round};
    PGresult *r = s_q(c, a,
                      "SELECT name FROM tally.paper WHERE election = $1::uuid AND round = $2::int "
                      "ORDER BY position",
                      2, v);
    const char **names = r ? tally_alloc(a, ((size_t)PQntuples(r) + 1) * sizeof *names) : NULL;
    for (int i = 0; names && i < PQntuples(r); i++)
        names[i] = PQgetvalue(r, i, 0);
    return names;
}

/* The paper position (0-based) of a listed candidate a write-in names, or -1:
 * a write-in of a listed name is a vote for that candidate, never a second
 * person of the same name. */
static int s_on_paper(const char **paper, uint32_t nc, const char *name)
{
    for (uint32_t i = 0; i < nc; i++)
        if (strcmp(paper[i], name) == 0)
            return (int)i;
    return -1;
}

static int s_round_facts(PGconn *c, const s_election_t *e, int round_no, tally_arena_t *a,
                         tally_round_t *rd)
{
    char no[24];
    const char *v[2] = {e->id, s_num(no, round_no)};
    PGresult *r = s_q(c, a,
                      "SELECT kind, seats_to_fill, electorate, present FROM tally.round "
                      "WHERE election = $1::uuid AND no = $2::int",
                      2, v);
    if (!r || PQntuples(r) != 1)
        return -1;
    memset(rd, 0, sizeof *rd);
    rd->profile = e->profile;
    rd->mode = e->mode;
    rd->kind = s_kind(PQgetvalue(r, 0, 0));
    rd->seats = e->seats;
    rd->seats_to_fill = s_u32(r, 0, 1);
    rd->electorate = s_u32(r, 0, 2);
    rd->present = s_u32(r, 0, 3);
    return 0;
}

/* Stores a box's count: entry, counted, valid, invalid, votes. 0 / -1. */
static int s_store_box(PGconn *c, const char *election, const char *round, const char *box,
                       const char *entry, uint32_t counted, uint32_t valid, uint32_t invalid,
                       const uint32_t *votes, uint32_t n)
{
    char state[6] = "", nc[24], nv[24], ni[24];
    size_t cap = (size_t)n * 12 + 3, len = 0;
    char *array = malloc(cap);
    if (!array)
        return -1;
    array[len++] = '{';
    for (uint32_t i = 0; i < n; i++)
        len += (size_t)snprintf(array + len, cap - len, "%s%u", i ? "," : "", votes[i]);
    snprintf(array + len, cap - len, "}");
    const char *v[8] = {election, round, box, entry, s_num(nc, counted), s_num(nv, valid), s_num(ni, invalid),
                        array};
    PGresult *r = hj_pq(c, state,
                        "UPDATE tally.box SET entry = $4, counted = $5::int, valid = $6::int, "
                        "invalid = $7::int, votes = $8::bigint[] WHERE election = $1::uuid AND "
                        "round = $2::int AND name = $3",
                        8, v);
    free(array);
    PQclear(r);
    return r ? 0 : -1;
}

static uint8_t s_mark(char ch)
{
    return ch == 'y' ? 1 : ch == 'n' ? 2 : ch == 'a' ? 3 : 0;
}

static void s_ballots_enter(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                            const Hj__Tally__BallotBatch *b)
{
    char state[6] = "", round[24], why[TALLY_WHY_MAX];
    tally_arena_t a = {0};
    s_election_t e;
    int round_no;
    PGresult *box;
    tally_round_t rd;
    if (s_election(c, call, profiles, b->election, 1, &e) != 0 || s_is_open(call, &e) != 0 ||
        s_box(c, call, &e, 0, b->box, &a, &round_no, &box) != 0)
        goto out;
    s_num(round, round_no);
    uint32_t returned = s_u32(box, 0, 3), counted = s_u32(box, 0, 5), nc = s_u32(box, 0, 9);
    if (strcmp(PQgetvalue(box, 0, 4), "total") == 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "box",
                      "box %s of round %d is counted by hand (its total is recorded): its ballots are "
                      "not entered one by one; a recount is another total with its reason "
                      "(hj election count %s --box %s ... --reason TEXT)",
                      b->box, round_no, e.id, b->box);
        goto out;
    }
    if (counted + b->n_ballots > returned) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "ballots",
                      "box %s held %u returned ballots: %u are entered, and %zu more would make %zu",
                      b->box, returned, counted, b->n_ballots, counted + b->n_ballots);
        goto out;
    }
    /* Marks of the right length, write-ins resolved to ids. */
    size_t n_w = 0;
    for (size_t i = 0; i < b->n_ballots; i++) {
        char field[48];
        snprintf(field, sizeof field, "ballots[%zu].marks", i + 1);
        if (strlen(b->ballots[i]->marks) != nc) {
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                          "ballot %zu has %zu marks, but the paper of round %d has %u candidates", i + 1,
                          strlen(b->ballots[i]->marks), round_no, nc);
            goto out;
        }
        for (size_t k = 0; k < b->ballots[i]->n_writeins; k++)
            if (b->ballots[i]->writeins[k]->beside > nc) {
                snprintf(field, sizeof field, "ballots[%zu].writeins", i + 1);
                hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                              "write-in %s beside candidate %u: the paper has %u", b->ballots[i]->writeins[k]->name,
                              b->ballots[i]->writeins[k]->beside, nc);
                goto out;
            }
        n_w += b->ballots[i]->n_writeins;
    }
    const char **wnames = tally_alloc(&a, (n_w + 1) * sizeof *wnames);
    int *wids = tally_alloc(&a, (n_w + 1) * sizeof *wids), *listed = tally_alloc(&a, (n_w + 1) * sizeof *listed);
    const char **paper = s_paper_names(c, e.id, round, &a);
    if (!wnames || !wids || !listed || !paper) {
        s_sql_failed(call, state, &a, "the ballots", "");
        goto out;
    }
    /* Write-ins of a listed candidate's name are that candidate (listed[k] >= 0);
     * only the others are write-in persons. */
    size_t k = 0, n_new = 0;
    for (size_t i = 0; i < b->n_ballots; i++)
        for (size_t j = 0; j < b->ballots[i]->n_writeins; j++, k++)
            if ((listed[k] = s_on_paper(paper, nc, b->ballots[i]->writeins[j]->name)) < 0)
                wnames[n_new++] = b->ballots[i]->writeins[j]->name;
    uint32_t n_writeins = 0;
    if (s_writein_ids(c, e.id, round, wnames, n_new, wids, &n_writeins) != 0 ||
        s_round_facts(c, &e, round_no, &a, &rd) != 0) {
        s_sql_failed(call, state, &a, "the write-ins", "");
        goto out;
    }
    rd.n_candidates = nc;
    /* For the ballot's rules a listed name written in stands as person
     * n_writeins + its position: checked like any write-in (where it stands,
     * how many votes the ballot carries), counted for the candidate. */
    rd.n_writeins = n_writeins + nc;
    uint32_t n = nc + n_writeins, valid = s_u32(box, 0, 6), invalid = s_u32(box, 0, 7);
    uint32_t *votes = tally_alloc(&a, (n + 1) * sizeof *votes);
    uint8_t *marks = tally_alloc(&a, nc + 1);
    char **hex = tally_alloc(&a, (b->n_ballots + 1) * sizeof *hex);
    char **wtext = tally_alloc(&a, (b->n_ballots + 1) * sizeof *wtext);
    int *ok = tally_alloc(&a, (b->n_ballots + 1) * sizeof *ok);
    char **reasons = tally_alloc(&a, (b->n_ballots + 1) * sizeof *reasons);
    if (!votes || !marks || !hex || !wtext || !ok || !reasons) {
        s_sql_failed(call, state, &a, "the ballots", "");
        goto out;
    }
    s_parse_votes(PQgetvalue(box, 0, 8), votes, n);
    uint32_t batch_valid = 0, batch_invalid = 0;
    size_t n_reasons = 0;
    k = 0;
    size_t k_new = 0;
    for (size_t i = 0; i < b->n_ballots; i++) {
        const Hj__Tally__Ballot *bl = b->ballots[i];
        tally_writein_t w[TALLY_CANDIDATES_MAX];
        uint16_t persons[TALLY_CANDIDATES_MAX];
        uint32_t np = 0;
        size_t nw = 0;
        size_t tlen = 1;
        for (uint32_t j = 0; j < nc; j++)
            marks[j] = s_mark(bl->marks[j]);
        for (size_t j = 0; j < bl->n_writeins; j++, k++) {
            tlen += strlen(bl->writeins[j]->name) + 8;
            int p = listed[k], id = p < 0 ? wids[k_new++] : (int)n_writeins + p;
            /* A "yes" already, and written in again: one vote. (Decode allows 16
             * write-ins a ballot: the cap is never reached.) */
            if (nw == TALLY_CANDIDATES_MAX || (p >= 0 && marks[p] == 1))
                continue;
            w[nw].person = (uint16_t)id;
            w[nw++].beside = (int16_t)((int)bl->writeins[j]->beside - 1);
        }
        int verdict = tally_check_ballot(&rd, marks, w, nw, persons, &np, why, sizeof why);
        if (verdict < 0) {
            char field[48];
            snprintf(field, sizeof field, "ballots[%zu]", i + 1);
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field, "ballot %zu: %s", i + 1, why);
            goto out;
        }
        ok[i] = verdict;
        if (verdict) {
            batch_valid++;
            for (uint32_t j = 0; j < nc; j++)
                votes[j] += marks[j] == 1;
            for (uint32_t j = 0; j < np; j++)
                votes[persons[j] < n_writeins ? nc + persons[j] : persons[j] - n_writeins]++;
        } else {
            batch_invalid++;
            size_t rl = strlen(why) + 32;
            if ((reasons[n_reasons] = tally_alloc(&a, rl)))
                snprintf(reasons[n_reasons++], rl, "ballot %zu: %s", i + 1, why);
        }
        hex[i] = tally_alloc(&a, (size_t)nc * 2 + 1);
        wtext[i] = tally_alloc(&a, tlen);
        if (!hex[i] || !wtext[i]) {
            s_sql_failed(call, state, &a, "the ballots", "");
            goto out;
        }
        for (uint32_t j = 0; j < nc; j++)
            snprintf(hex[i] + 2 * j, 3, "%02x", marks[j]);
        size_t off = 0;
        for (size_t j = 0; j < nw; j++)
            off += (size_t)snprintf(wtext[i] + off, tlen - off, "%s%s>%u", j ? "\x1f" : "",
                                    bl->writeins[j]->name, bl->writeins[j]->beside);
    }
    /* One statement stores the whole batch. */
    size_t cap = b->n_ballots * ((size_t)nc * 2 + 8) + 8, wcap = 8, vcap = b->n_ballots * 2 + 8;
    for (size_t i = 0; i < b->n_ballots; i++)
        wcap += strlen(wtext[i]) * 2 + 8;
    char *hexes = tally_alloc(&a, cap), *wts = tally_alloc(&a, wcap), *vals = tally_alloc(&a, vcap);
    if (!hexes || !wts || !vals) {
        s_sql_failed(call, state, &a, "the ballots", "");
        goto out;
    }
    size_t hl = 0, wl = 0, vl = 0;
    hl += (size_t)snprintf(hexes + hl, cap - hl, "{");
    wl += (size_t)snprintf(wts + wl, wcap - wl, "{");
    vl += (size_t)snprintf(vals + vl, vcap - vl, "{");
    for (size_t i = 0; i < b->n_ballots; i++) {
        hl += (size_t)snprintf(hexes + hl, cap - hl, "%s\"%s\"", i ? "," : "", hex[i]);
        wl += (size_t)snprintf(wts + wl, wcap - wl, "%s\"", i ? "," : "");
        for (const char *p = wtext[i]; *p && wl + 3 < wcap; p++) {
            if (*p == '"' || *p == '\\')
                wts[wl++] = '\\';
            wts[wl++] = *p;
        }
        wl += (size_t)snprintf(wts + wl, wcap - wl, "\"");
        vl += (size_t)snprintf(vals + vl, vcap - vl, "%s%c", i ? "," : "", ok[i] ? 't' : 'f');
    }
    snprintf(hexes + hl, cap - hl, "}");
    snprintf(wts + wl, wcap - wl, "}");
    snprintf(vals + vl, vcap - vl, "}");
    const char *v[7] = {call->request_id, e.id, round, b->box, hexes, wts, vals};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO tally.ballot (batch, no, election, round, box, marks, writeins, valid) "
                        "SELECT $1::uuid, t.no, $2::uuid, $3::int, $4, decode(t.m, 'hex'), t.w, t.v FROM "
                        "unnest($5::text[], $6::text[], $7::boolean[]) WITH ORDINALITY AS t(m, w, v, no)",
                        7, v);
    if (!r) {
        s_sql_failed(call, state, &a, "the ballots", "");
        goto out;
    }
    PQclear(r);
    if (s_store_box(c, e.id, round, b->box, "ballots", counted + (uint32_t)b->n_ballots,
                    valid + batch_valid, invalid + batch_invalid, votes, n) != 0) {
        s_sql_failed(call, state, &a, "the ballot box", "");
        goto out;
    }
    /* The receipt: this batch, the box, the round so far. */
    s_tally_t t;
    Hj__Tally__Count m;
    if (s_tally(c, &e, round_no, &a, &t) != 1 || s_count_message(&e, &t, &a, &m) != 0) {
        s_sql_failed(call, state, &a, "the count", "");
        goto out;
    }
    Hj__Tally__Receipt receipt = HJ__TALLY__RECEIPT__INIT;
    receipt.election = e.id;
    receipt.round = (uint32_t)round_no;
    for (size_t i = 0; i < m.n_boxes; i++)
        if (strcmp(m.boxes[i]->name, b->box) == 0)
            receipt.box = m.boxes[i];
    receipt.valid = batch_valid;
    receipt.invalid = batch_invalid;
    receipt.invalid_reasons = reasons;
    receipt.n_invalid_reasons = n_reasons;
    receipt.count = &m;
    Hj__Tally__BallotBatch record = *b;
    record.election = e.id;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_RECEIPT;
    reply.receipt = &receipt;
    snprintf(call->kind, sizeof call->kind, "ballots_entered");
    snprintf(call->community, sizeof call->community, "%s", e.community);
    hj_call_reply(call, &reply.base, &record.base);
out:
    tally_arena_free(&a);
}

/* A box counted by hand must add up; the arithmetic is in the refusal. The
 * box's votes (paper, then write-ins by id) into votes (n = *n_persons). */
static int s_check_total(PGconn *c, hj_call_t *call, const s_election_t *e, int round_no, PGresult *box,
                         const Hj__Tally__BoxTotal *t, tally_arena_t *a, uint32_t **votes_out,
                         uint32_t *n_persons)
{
    char round[24];
    uint32_t returned = s_u32(box, 0, 3), nc = s_u32(box, 0, 9);
    const char *name = PQgetvalue(box, 0, 0);
    s_num(round, round_no);
    if ((uint64_t)t->valid + t->invalid != returned)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "valid",
                             "box %s does not add up: %u valid + %u invalid = %llu ballots, but %u were "
                             "returned",
                             name, t->valid, t->invalid, (unsigned long long)t->valid + t->invalid, returned);
    if (t->n_votes != nc)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "votes",
                             "%zu vote counts given, but the paper of round %d has %u candidates",
                             t->n_votes, round_no, nc);
    const char **paper = s_paper_names(c, e->id, round, a);
    const char **wnames = tally_alloc(a, (t->n_writeins + 1) * sizeof *wnames);
    int *wids = tally_alloc(a, (t->n_writeins + 1) * sizeof *wids);
    if (!paper || !wnames || !wids) {
        hj_call_sql_failed(call, "", "the paper", "");
        return -1;
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < nc; i++) {
        if (t->votes[i] > t->valid)
            return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "votes",
                                 "box %s does not add up: candidate %u (%s) has %u votes, but the box "
                                 "has only %u valid ballots",
                                 name, i + 1, paper[i], t->votes[i], t->valid);
        sum += t->votes[i];
    }
    /* A write-in of a listed name counts for that candidate: listed[i] >= 0. */
    int *listed = tally_alloc(a, (t->n_writeins + 1) * sizeof *listed);
    size_t n_new = 0;
    if (!listed) {
        hj_call_sql_failed(call, "", "the write-ins", "");
        return -1;
    }
    for (size_t i = 0; i < t->n_writeins; i++) {
        const Hj__Tally__WriteInVotes *w = t->writeins[i];
        int p = listed[i] = s_on_paper(paper, nc, w->name);
        if (p >= 0 && (uint64_t)t->votes[p] + w->votes > t->valid)
            return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "writeins",
                                 "box %s does not add up: write-in %s is candidate %d on the paper; with "
                                 "its %u votes %s has %llu, but the box has only %u valid ballots",
                                 name, w->name, p + 1, w->votes, w->name,
                                 (unsigned long long)t->votes[p] + w->votes, t->valid);
        if (w->votes > t->valid)
            return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "writeins",
                                 "box %s does not add up: write-in %s has %u votes, but the box has "
                                 "only %u valid ballots",
                                 name, w->name, w->votes, t->valid);
        sum += w->votes;
        if (p < 0)
            wnames[n_new++] = w->name;
    }
    tally_round_t rd;
    if (s_round_facts(c, e, round_no, a, &rd) != 0) {
        hj_call_sql_failed(call, "", "the round", "");
        return -1;
    }
    uint32_t limit = tally_invalid_limit(e->profile, rd.seats_to_fill);
    uint64_t most = limit ? (uint64_t)t->valid * (limit - 1) : sum;
    if (sum > most)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "votes",
                             "box %s does not add up: %llu votes in all, but %u valid ballots carry at "
                             "most %u x %u = %llu for %u seat(s)",
                             name, (unsigned long long)sum, t->valid, t->valid, limit - 1,
                             (unsigned long long)most, rd.seats_to_fill);
    uint32_t n_writeins = 0;
    if (s_writein_ids(c, e->id, round, wnames, n_new, wids, &n_writeins) != 0) {
        hj_call_sql_failed(call, "", "the write-ins", "");
        return -1;
    }
    uint32_t *votes = tally_alloc(a, ((size_t)nc + n_writeins + 1) * sizeof *votes);
    if (!votes) {
        hj_call_sql_failed(call, "", "the votes", "");
        return -1;
    }
    memcpy(votes, t->votes, nc * sizeof *votes);
    for (size_t i = 0, k = 0; i < t->n_writeins; i++)
        votes[listed[i] >= 0 ? (uint32_t)listed[i] : nc + (uint32_t)wids[k++]] += t->writeins[i]->votes;
    *votes_out = votes;
    *n_persons = nc + n_writeins;
    return 0;
}

static int s_keep_amendment(PGconn *c, hj_call_t *call, const s_election_t *e, int round_no, PGresult *box,
                            const Hj__Tally__BoxTotal *t, uint32_t n_persons, const char *kind, tally_arena_t *a);

static void s_box_count(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                        const Hj__Tally__BoxTotal *t)
{
    char round[24];
    tally_arena_t a = {0};
    s_election_t e;
    int round_no;
    PGresult *box;
    uint32_t *votes, n;
    if (s_election(c, call, profiles, t->election, 1, &e) != 0 || s_is_open(call, &e) != 0 ||
        s_box(c, call, &e, 0, t->box, &a, &round_no, &box) != 0)
        goto out;
    /* A box already counted (by hand, or ballots entered) takes another count
     * only as a recount with its reason; both counts stay in the history. */
    const char *entry = PQgetvalue(box, 0, 4);
    int recount = entry[0] != 0;
    if (recount && !t->reason[0]) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "box",
                      "box %s of round %d was already counted (%s: %s ballots, %s valid, %s invalid): "
                      "another count is a recount, kept beside the first, and needs its reason "
                      "(hj election count %s --box %s ... --reason TEXT)",
                      t->box, round_no, strcmp(entry, "total") == 0 ? "a hand-counted total" : "ballots entered",
                      PQgetvalue(box, 0, 5), PQgetvalue(box, 0, 6), PQgetvalue(box, 0, 7), e.id, t->box);
        goto out;
    }
    if (!recount && t->reason[0]) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "reason",
                      "box %s of round %d has not been counted yet: its first count takes no reason "
                      "(a reason belongs to a recount)",
                      t->box, round_no);
        goto out;
    }
    if (s_check_total(c, call, &e, round_no, box, t, &a, &votes, &n) != 0)
        goto out;
    if (recount && s_keep_amendment(c, call, &e, round_no, box, t, n, "recount", &a) != 0)
        goto out;
    if (s_store_box(c, e.id, s_num(round, round_no), t->box, "total", t->valid + t->invalid, t->valid,
                    t->invalid, votes, n) != 0) {
        hj_call_sql_failed(call, "", "the ballot box", "");
        goto out;
    }
    Hj__Tally__BoxTotal record = *t;
    record.election = e.id;
    record.round = (uint32_t)round_no;
    s_count_reply(c, call, &e, "box_counted");
    if (call->status.code == HJ__CODE__OK) {
        /* The journal keeps the total as counted, not the count after it. */
        free(call->payload);
        call->payload_len = hj__tally__box_total__get_packed_size(&record);
        call->payload = malloc(call->payload_len ? call->payload_len : 1);
        if (call->payload)
            hj__tally__box_total__pack(&record, call->payload);
        else
            hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    }
out:
    tally_arena_free(&a);
}

/* ---- certification and amendments ----------------------------------------------------------- */

static void s_certify(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                      const Hj__Tally__ElectionRef *ref)
{
    char state[6] = "";
    tally_arena_t a = {0};
    s_election_t e;
    s_result_t res;
    if (s_election(c, call, profiles, ref->id, 1, &e) != 0)
        goto out;
    if (strcmp(e.state, "certified") == 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "the result was already certified by %s on %s UTC", e.certified_by, e.certified_at);
        goto out;
    }
    if (s_is_open(call, &e) != 0)
        goto out;
    if (s_result(c, &e, &a, &res) != 0) {
        s_sql_failed(call, state, &a, "the result", "");
        goto out;
    }
    /* Every seat elected, or closed under the profile's rule (暂缺 / 减少名额). */
    if (!res.last || !res.last->complete || !res.last->counted_ok ||
        (res.last->tc->outcome != TALLY_OUTCOME_COMPLETE && res.last->tc->outcome != TALLY_OUTCOME_FURTHER) ||
        s_open_seats(&e, &res) > 0) {
        s_next(&e, &res, 1, res.next, res.next_zh, sizeof res.next);
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "result",
                      "the result cannot be certified yet: %u of %u seats filled%s; next: %s",
                      res.n_elected + res.vacant + res.reduced, e.seats,
                      res.vacant + res.reduced ? " or closed" : "", res.next);
        goto out;
    }
    const char *v[2] = {e.id, call->actor};
    PGresult *r = hj_pq(c, state,
                        "UPDATE tally.election SET state = 'certified', certified_by = $2, "
                        "certified_at = now() WHERE id = $1::uuid",
                        2, v);
    if (!r) {
        s_sql_failed(call, state, &a, "the election", "");
        goto out;
    }
    PQclear(r);
    hj_info("election %s certified by %s", e.id, call->actor);
    Hj__Tally__ElectionRef record = *ref;
    record.id = e.id;
    s_result_reply(c, call, profiles, e.id, "election_certified", &record.base);
out:
    tally_arena_free(&a);
}

/* 暂缺 / 减少名额: seats the rounds could not fill are closed, where and when
 * the profile allows it (rules.c says why not, naming the rule). A vacant
 * seat's by-election is due the profile's months from today. */
static void s_seat_close(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                         const Hj__Tally__SeatClosure *sc, int reduce)
{
    char state[6] = "", today[11], seats[24], after[24], months[24];
    char why[TALLY_WHY_MAX * 2], why_zh[TALLY_WHY_MAX * 2];
    tally_arena_t a = {0};
    s_election_t e;
    s_result_t res;
    tally_seats_t now;
    const char *field = "";
    if (s_election(c, call, profiles, sc->election, 1, &e) != 0 || s_is_open(call, &e) != 0)
        goto out;
    if (s_result(c, &e, &a, &res) != 0) {
        s_sql_failed(call, state, &a, "the result", "");
        goto out;
    }
    s_seats_of(&e, &res, &now);
    if (!tally_check_close(e.profile, reduce, &now, sc->seats, &field, why, sizeof why, why_zh, sizeof why_zh)) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, field, "the %s election of %s: %s", e.body,
                      e.community, why);
        goto out;
    }
    hj_date_today(today);
    const char *kind = reduce ? "reduced" : "vacant";
    const char *v[11] = {call->request_id, e.id, kind, s_num(seats, sc->seats), s_num(after, res.last->no),
                         sc->reason, why, why_zh, today, s_num(months, e.profile->vacancy_months), call->actor};
    PGresult *r = hj_pq(c, state,
                        "INSERT INTO tally.seat_closure (id, election, kind, seats, after_round, reason, rule, "
                        "rule_zh, due_on, actor) VALUES ($1::uuid, $2::uuid, $3, $4::int, $5::int, $6, $7, $8, "
                        "CASE WHEN $3 = 'vacant' THEN ($9::date + make_interval(months => $10::int))::date END, "
                        "$11)",
                        11, v);
    if (!r) {
        s_sql_failed(call, state, &a, "the closed seats", "");
        goto out;
    }
    PQclear(r);
    hj_info("election %s: %u seat(s) %s by %s: %s", e.id, sc->seats, kind, call->actor, sc->reason);
    Hj__Tally__SeatClosure record = *sc;
    record.election = e.id;
    record.kind = (char *)kind;
    s_result_reply(c, call, profiles, e.id, reduce ? "seats_reduced" : "seats_vacant", &record.base);
out:
    tally_arena_free(&a);
}

/* The box's count as it stands, with its write-ins by name, as a packed
 * BoxTotal in the arena (an amendment's or a recount's "before"). */
static uint8_t *s_box_total(PGconn *c, PGresult *box, const s_election_t *e, int round_no, uint32_t n_persons,
                            tally_arena_t *a, size_t *len)
{
    char no[24];
    uint32_t nc = s_u32(box, 0, 9);
    const char *v[2] = {e->id, s_num(no, round_no)};
    PGresult *names = s_q(c, a,
                          "SELECT name FROM tally.writein WHERE election = $1::uuid AND round = $2::int "
                          "ORDER BY id",
                          2, v);
    uint32_t nw = names ? (uint32_t)PQntuples(names) : 0;
    uint32_t all = n_persons > nc + nw ? n_persons : nc + nw;
    uint32_t *votes = names ? tally_alloc(a, ((size_t)all + 1) * sizeof *votes) : NULL;
    Hj__Tally__WriteInVotes *wv = tally_alloc(a, ((size_t)nw + 1) * sizeof *wv);
    Hj__Tally__WriteInVotes **wp = tally_alloc(a, ((size_t)nw + 1) * sizeof *wp);
    if (!votes || !wv || !wp)
        return NULL;
    s_parse_votes(PQgetvalue(box, 0, 8), votes, all);
    Hj__Tally__BoxTotal t = HJ__TALLY__BOX_TOTAL__INIT;
    t.election = (char *)e->id;
    t.box = PQgetvalue(box, 0, 0);
    t.valid = s_u32(box, 0, 6);
    t.invalid = s_u32(box, 0, 7);
    t.votes = votes;
    t.n_votes = nc;
    t.round = (uint32_t)round_no;
    t.writeins = wp;
    for (uint32_t i = 0; i < nw; i++)
        if (votes[nc + i]) {
            hj__tally__write_in_votes__init(&wv[i]);
            wv[i].name = PQgetvalue(names, (int)i, 0);
            wv[i].votes = votes[nc + i];
            wp[t.n_writeins++] = &wv[i];
        }
    *len = hj__tally__box_total__get_packed_size(&t);
    uint8_t *out = tally_alloc(a, *len);
    if (out)
        hj__tally__box_total__pack(&t, out);
    return out;
}

/* Keeps a box's count as it was and as it is counted now, with the reason:
 * an amendment of a certified result, or a recount before it. 0 / -1 with
 * the status. */
static int s_keep_amendment(PGconn *c, hj_call_t *call, const s_election_t *e, int round_no, PGresult *box,
                            const Hj__Tally__BoxTotal *t, uint32_t n_persons, const char *kind, tally_arena_t *a)
{
    char state[6] = "", round[24];
    size_t blen = 0, alen = 0;
    Hj__Tally__BoxTotal counted = *t;
    counted.election = (char *)e->id;
    counted.round = (uint32_t)round_no;
    uint8_t *before = s_box_total(c, box, e, round_no, n_persons, a, &blen);
    alen = hj__tally__box_total__get_packed_size(&counted);
    uint8_t *after = tally_alloc(a, alen);
    if (!before || !after) {
        s_sql_failed(call, state, a, "the amendment", "");
        return -1;
    }
    hj__tally__box_total__pack(&counted, after);
    const char *v[9] = {call->request_id, e->id, s_num(round, round_no), t->box, t->reason, (const char *)before,
                        (const char *)after, call->actor, kind};
    int lengths[9] = {0, 0, 0, 0, 0, (int)blen, (int)alen, 0, 0};
    int formats[9] = {0, 0, 0, 0, 0, 1, 1, 0, 0};
    PGresult *r = hj_pqb(c, state,
                         "INSERT INTO tally.amendment (id, election, round, box, reason, before, after, actor, "
                         "kind) VALUES ($1::uuid, $2::uuid, $3::int, $4, $5, $6, $7, $8, $9)",
                         9, v, lengths, formats);
    if (!r) {
        s_sql_failed(call, state, a, "the amendment", "");
        return -1;
    }
    PQclear(r);
    return 0;
}

static void s_amend(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                    const Hj__Tally__BoxTotal *t)
{
    char state[6] = "", round[24];
    tally_arena_t a = {0};
    s_election_t e;
    int round_no;
    PGresult *box;
    uint32_t *votes, n;
    if (s_election(c, call, profiles, t->election, 1, &e) != 0)
        goto out;
    if (strcmp(e.state, "certified") != 0) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "the result is not certified: recount the box instead (hj election count ID --box "
                      "NAME ... --reason TEXT); an amendment is for a certified result");
        goto out;
    }
    if (s_box(c, call, &e, t->round, t->box, &a, &round_no, &box) != 0 ||
        s_check_total(c, call, &e, round_no, box, t, &a, &votes, &n) != 0)
        goto out;
    Hj__Tally__BoxTotal corrected = *t;
    corrected.election = e.id;
    corrected.round = (uint32_t)round_no;
    if (s_keep_amendment(c, call, &e, round_no, box, t, n, "amendment", &a) != 0)
        goto out;
    if (s_store_box(c, e.id, s_num(round, round_no), t->box, "total", t->valid + t->invalid, t->valid,
                    t->invalid, votes, n) != 0) {
        s_sql_failed(call, state, &a, "the ballot box", "");
        goto out;
    }
    hj_warn("election %s: certified result amended by %s (round %d, box %s): %s", e.id, call->actor,
            round_no, t->box, t->reason);
    s_result_reply(c, call, profiles, e.id, "result_amended", &corrected.base);
out:
    tally_arena_free(&a);
}

/* ---- the election list ------------------------------------------------------------------- */

/* Elections with their communities' and subdistricts' names, election day first. */
static void s_election_list(PGconn *c, hj_call_t *call, const Hj__Tally__ElectionListQuery *q)
{
    tally_arena_t a = {0};
    const char *v[3] = {q->community, q->subdistrict, q->state};
    /* An unknown subdistrict is a mistake to name, not an empty list. */
    PGresult *known = q->subdistrict[0] ? s_q(c, &a, "SELECT 1 FROM tally.subdistrict WHERE code = $1",
                                              1, &v[1])
                                        : NULL;
    if (q->subdistrict[0] && !known) {
        s_sql_failed(call, "", &a, "the subdistrict", "subdistrict");
        goto out;
    }
    if (known && PQntuples(known) == 0) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "subdistrict",
                      "subdistrict %s not found in the registry", q->subdistrict);
        goto out;
    }
    PGresult *r = s_q(c, &a,
                      "SELECT e.id, e.community, COALESCE(k.name, ''), COALESCE(k.subdistrict, ''), "
                      "COALESCE(d.name, ''), e.body, to_char(e.election_date, 'YYYY-MM-DD'), e.state, e.seats, "
                      "COALESCE(sum(x.seats) FILTER (WHERE x.kind = 'vacant'), 0), "
                      "COALESCE(sum(x.seats) FILTER (WHERE x.kind = 'reduced'), 0), "
                      "COALESCE(to_char(min(x.due_on), 'YYYY-MM-DD'), '') "
                      "FROM tally.election e LEFT JOIN tally.community k ON k.code = e.community "
                      "LEFT JOIN tally.subdistrict d ON d.code = k.subdistrict "
                      "LEFT JOIN tally.seat_closure x ON x.election = e.id "
                      "WHERE ($1 = '' OR e.community = $1) AND ($2 = '' OR k.subdistrict = $2) "
                      "AND ($3 = '' OR e.state = $3) "
                      "GROUP BY e.id, k.code, d.code ORDER BY e.election_date, e.community, e.body LIMIT 1000",
                      3, v);
    if (!r) {
        s_sql_failed(call, "", &a, "the elections", "");
        goto out;
    }
    int n = PQntuples(r);
    Hj__Tally__ElectionList list = HJ__TALLY__ELECTION_LIST__INIT;
    Hj__Tally__ElectionListItem *it = tally_alloc(&a, ((size_t)n + 1) * sizeof *it);
    list.elections = tally_alloc(&a, ((size_t)n + 1) * sizeof *list.elections);
    if (!it || !list.elections) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        hj__tally__election_list_item__init(&it[i]);
        it[i].id = PQgetvalue(r, i, 0);
        it[i].community = PQgetvalue(r, i, 1);
        it[i].community_name = PQgetvalue(r, i, 2);
        it[i].subdistrict = PQgetvalue(r, i, 3);
        it[i].subdistrict_name = PQgetvalue(r, i, 4);
        it[i].body = PQgetvalue(r, i, 5);
        it[i].date = PQgetvalue(r, i, 6);
        it[i].state = PQgetvalue(r, i, 7);
        it[i].seats = s_u32(r, i, 8);
        it[i].vacant = s_u32(r, i, 9);
        it[i].reduced = s_u32(r, i, 10);
        it[i].vacancy_due = PQgetvalue(r, i, 11);
        list.elections[list.n_elections++] = &it[i];
    }
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_ELECTION_LIST;
    reply.election_list = &list;
    hj_call_reply(call, &reply.base, NULL);
out:
    tally_arena_free(&a);
}

/* ---- routing ------------------------------------------------------------------------------- */

void election_handle(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                     const Hj__Tally__Request *r)
{
    switch (r->op_case) {
    case HJ__TALLY__REQUEST__OP_VOTER_ROLL_SET:
    case HJ__TALLY__REQUEST__OP_VOTER_ROLL_GET:
    case HJ__TALLY__REQUEST__OP_OBJECTION_FILE:
    case HJ__TALLY__REQUEST__OP_OBJECTION_DECIDE:
    case HJ__TALLY__REQUEST__OP_PROXY_ADD:
        return roll_handle(c, call, profiles, r);
    case HJ__TALLY__REQUEST__OP_CANDIDATES_SET:
        return s_candidates_set(c, call, profiles, r->candidates_set);
    case HJ__TALLY__REQUEST__OP_ROUND_OPEN:
        return s_round_open(c, call, profiles, r->round_open);
    case HJ__TALLY__REQUEST__OP_BALLOTS_ENTER:
        return s_ballots_enter(c, call, profiles, r->ballots_enter);
    case HJ__TALLY__REQUEST__OP_BOX_COUNT:
        return s_box_count(c, call, profiles, r->box_count);
    case HJ__TALLY__REQUEST__OP_RESULT:
        return s_result_reply(c, call, profiles, r->result->id, NULL, NULL);
    case HJ__TALLY__REQUEST__OP_CERTIFY:
        return s_certify(c, call, profiles, r->certify);
    case HJ__TALLY__REQUEST__OP_AMEND:
        return s_amend(c, call, profiles, r->amend);
    case HJ__TALLY__REQUEST__OP_VACANCY:
        return s_seat_close(c, call, profiles, r->vacancy, 0);
    case HJ__TALLY__REQUEST__OP_REDUCE:
        return s_seat_close(c, call, profiles, r->reduce, 1);
    case HJ__TALLY__REQUEST__OP_ELECTION_LIST:
        return s_election_list(c, call, r->election_list);
    default:
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "op", "unknown operation");
    }
}
