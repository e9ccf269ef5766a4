/* Election day: ballots entered one by one, boxes counted by hand, and a
 * box's count kept as an amendment (a recount, or certify_db's amend). */
#include "ballots_db.h"
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "result_db.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- counting: ballots one by one, boxes by hand -----------------------------------------------
 */

/* The latest round's box to count into, locked. 0 with *round and the box
 * row (arena), or -1 with the status. */
int ballots_box(PGconn *c, hj_call_t *call, const election_t *e, uint32_t round, const char *box,
                hj_arena_t *a, int *round_no, PGresult **row)
{
    char no[24];
    const char *v[2] = {e->id, election_num(no, round)};
    PGresult *r = election_call_q(
        c, call, a, "the rounds",
        "SELECT COALESCE(max(no), 0) FROM tally.round WHERE election = $1::uuid AND "
        "($2::int = 0 OR no = $2::int)",
        2, v);
    if (!r)
        return -1;
    *round_no = atoi(PQgetvalue(r, 0, 0));
    if (!*round_no && round)
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "round",
                             "the election has no round %u", round);
    if (!*round_no)
        return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "round",
                             "no round is open yet (hj election round %s --box ...)", e->id);
    const char *w[3] = {e->id, election_num(no, *round_no), box};
    r = election_q(
        c, a,
        "SELECT name, kind, issued, returned, entry, counted, valid, invalid, "
        "array_to_string(votes, ','), (SELECT count(*) FROM tally.paper p WHERE p.election = "
        "b.election "
        "AND p.round = b.round), (SELECT string_agg(name, ', ' ORDER BY name) FROM tally.box x "
        "WHERE x.election = b.election AND x.round = b.round) FROM tally.box b "
        "WHERE election = $1::uuid AND round = $2::int AND name = $3 FOR UPDATE",
        3, w);
    if (!r) {
        election_sql_failed(call, "", a, "the ballot box", "");
        return -1;
    }
    if (PQntuples(r) == 0) {
        PGresult *names =
            election_q(c, a,
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
static int s_writein_ids(PGconn *c, const char *election, const char *round,
                         const char *const *names, size_t n, int *ids, uint32_t *total)
{
    char state[6] = "";
    for (size_t i = 0; i < n; i++) {
        const char *v[3] = {election, round, names[i]};
        PGresult *r =
            hj_pq(c, state,
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
    PGresult *r = hj_pq(
        c, state,
        "SELECT count(*) FROM tally.writein WHERE election = $1::uuid AND round = $2::int", 2, v);
    if (!r)
        return -1;
    *total = election_u32(r, 0, 0);
    PQclear(r);
    return 0;
}

/* The paper's candidate names of a round (arena). */
static const char **s_paper_names(PGconn *c, const char *election, const char *round, hj_arena_t *a)
{
    const char *v[2] = {election, round};
    PGresult *r =
        election_q(c, a,
                   "SELECT name FROM tally.paper WHERE election = $1::uuid AND round = $2::int "
                   "ORDER BY position",
                   2, v);
    const char **names = r ? hj_arena_alloc(a, ((size_t)PQntuples(r) + 1) * sizeof *names) : NULL;
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

static int s_round_facts(PGconn *c, const election_t *e, int round_no, hj_arena_t *a,
                         tally_round_t *rd)
{
    char no[24];
    const char *v[2] = {e->id, election_num(no, round_no)};
    PGresult *r = election_q(c, a,
                             "SELECT kind, seats_to_fill, electorate, present FROM tally.round "
                             "WHERE election = $1::uuid AND no = $2::int",
                             2, v);
    if (!r || PQntuples(r) != 1)
        return -1;
    memset(rd, 0, sizeof *rd);
    rd->mode = (tally_mode_t)e->mode;
    rd->kind = (tally_round_kind_t)result_kind(PQgetvalue(r, 0, 0));
    rd->seats = e->seats;
    rd->seats_to_fill = election_u32(r, 0, 1);
    rd->electorate = election_u32(r, 0, 2);
    rd->present = election_u32(r, 0, 3);
    return 0;
}

/* Stores a box's count: entry, counted, valid, invalid, votes. 0 / -1. */
int ballots_store_box(PGconn *c, hj_arena_t *a, const char *election, const char *round,
                      const char *box, const char *entry, uint32_t counted, uint32_t valid,
                      uint32_t invalid, const uint32_t *votes, uint32_t n)
{
    char nc[24], nv[24], ni[24];
    size_t cap = (size_t)n * 12 + 3, len = 0;
    char *array = malloc(cap);
    if (!array)
        return -1;
    array[len++] = '{';
    for (uint32_t i = 0; i < n; i++)
        len += (size_t)snprintf(array + len, cap - len, "%s%u", i ? "," : "", votes[i]);
    snprintf(array + len, cap - len, "}");
    const char *v[8] = {election,
                        round,
                        box,
                        entry,
                        election_num(nc, counted),
                        election_num(nv, valid),
                        election_num(ni, invalid),
                        array};
    /* A failure's SQLSTATE goes to the arena, where election_sql_failed reads it. */
    int rc = hj_pq_exec(c, a->sqlstate,
                        "UPDATE tally.box SET entry = $4, counted = $5::int, valid = $6::int, "
                        "invalid = $7::int, votes = $8::bigint[] WHERE election = $1::uuid AND "
                        "round = $2::int AND name = $3",
                        8, v);
    free(array);
    return rc;
}

static uint8_t s_mark(char ch)
{
    return ch == 'y' ? 1 : ch == 'n' ? 2 : ch == 'a' ? 3 : 0;
}

/* A batch of ballots on its way in: the box it goes into and what the
 * rules made of each ballot. */
typedef struct {
    election_t e;
    char round[24];
    int round_no;
    PGresult *box;
    uint32_t returned, counted, nc, valid, invalid;
    int *wids, *listed; /* per write-in: a new person's id; a listed candidate's position or -1 */
    uint32_t n_writeins, n; /* write-in persons of the round; persons in all */
    tally_round_t rd;
    uint32_t *votes; /* the box's votes with this batch's */
    uint8_t *marks;
    char **hex, **wtext, **reasons;
    int *ok;
    size_t n_reasons;
    uint32_t batch_valid, batch_invalid;
} s_batch_t;

/* load: the election, open, and the latest round's box, locked. 0 / -1 with the status. */
static int s_batch_load(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                        const Hj__Tally__BallotBatch *b, hj_arena_t *a, s_batch_t *x)
{
    if (election_load(c, call, profiles, b->election, 1, &x->e) != 0 ||
        election_is_open(call, &x->e) != 0 ||
        ballots_box(c, call, &x->e, 0, b->box, a, &x->round_no, &x->box) != 0)
        return -1;
    election_num(x->round, x->round_no);
    x->returned = election_u32(x->box, 0, 3);
    x->counted = election_u32(x->box, 0, 5);
    x->nc = election_u32(x->box, 0, 9);
    x->valid = election_u32(x->box, 0, 6);
    x->invalid = election_u32(x->box, 0, 7);
    return 0;
}

/* validate: the batch fits the box (entered one by one, room for it) and
 * the paper (marks of the right length, write-ins beside a candidate).
 * 0 / -1 with the status. */
static int s_batch_validate(hj_call_t *call, const Hj__Tally__BallotBatch *b, const s_batch_t *x)
{
    if (strcmp(PQgetvalue(x->box, 0, 4), "total") == 0) {
        hj_status_set(
            &call->status, HJ__CODE__FAILED_PRECONDITION, "box",
            "box %s of round %d is counted by hand (its total is recorded): its ballots are "
            "not entered one by one; a recount is another total with its reason "
            "(hj election count %s --box %s ... --reason TEXT)",
            b->box, x->round_no, x->e.id, b->box);
        return -1;
    }
    if (x->counted + b->n_ballots > x->returned) {
        hj_status_set(
            &call->status, HJ__CODE__FAILED_PRECONDITION, "ballots",
            "box %s held %u returned ballots: %u are entered, and %zu more would make %zu", b->box,
            x->returned, x->counted, b->n_ballots, x->counted + b->n_ballots);
        return -1;
    }
    for (size_t i = 0; i < b->n_ballots; i++) {
        char field[48];
        snprintf(field, sizeof field, "ballots[%zu].marks", i + 1);
        if (strlen(b->ballots[i]->marks) != x->nc) {
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                          "ballot %zu has %zu marks, but the paper of round %d has %u candidates",
                          i + 1, strlen(b->ballots[i]->marks), x->round_no, x->nc);
            return -1;
        }
        for (size_t k = 0; k < b->ballots[i]->n_writeins; k++)
            if (b->ballots[i]->writeins[k]->beside > x->nc) {
                snprintf(field, sizeof field, "ballots[%zu].writeins", i + 1);
                hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                              "write-in %s beside candidate %u: the paper has %u",
                              b->ballots[i]->writeins[k]->name, b->ballots[i]->writeins[k]->beside,
                              x->nc);
                return -1;
            }
    }
    return 0;
}

/* load: write-ins resolved to ids (a listed candidate's name is that
 * candidate), the round's facts for the rules, the box's votes so far.
 * 0 / -1 with the status. */
static int s_batch_writeins(PGconn *c, hj_call_t *call, const Hj__Tally__BallotBatch *b,
                            hj_arena_t *a, s_batch_t *x)
{
    char state[6] = "";
    size_t n_w = 0;
    for (size_t i = 0; i < b->n_ballots; i++)
        n_w += b->ballots[i]->n_writeins;
    const char **wnames = hj_arena_alloc(a, (n_w + 1) * sizeof *wnames);
    x->wids = hj_arena_alloc(a, (n_w + 1) * sizeof *x->wids);
    x->listed = hj_arena_alloc(a, (n_w + 1) * sizeof *x->listed);
    const char **paper = s_paper_names(c, x->e.id, x->round, a);
    if (!wnames || !x->wids || !x->listed || !paper) {
        election_sql_failed(call, state, a, "the ballots", "");
        return -1;
    }
    /* Write-ins of a listed candidate's name are that candidate (listed[k] >= 0);
     * only the others are write-in persons. */
    size_t k = 0, n_new = 0;
    for (size_t i = 0; i < b->n_ballots; i++)
        for (size_t j = 0; j < b->ballots[i]->n_writeins; j++, k++)
            if ((x->listed[k] = s_on_paper(paper, x->nc, b->ballots[i]->writeins[j]->name)) < 0)
                wnames[n_new++] = b->ballots[i]->writeins[j]->name;
    if (s_writein_ids(c, x->e.id, x->round, wnames, n_new, x->wids, &x->n_writeins) != 0 ||
        s_round_facts(c, &x->e, x->round_no, a, &x->rd) != 0) {
        election_sql_failed(call, state, a, "the write-ins", "");
        return -1;
    }
    x->rd.n_candidates = x->nc;
    /* For the ballot's rules a listed name written in stands as person
     * n_writeins + its position: checked like any write-in (where it stands,
     * how many votes the ballot carries), counted for the candidate. */
    x->rd.n_writein_persons = x->n_writeins + x->nc;
    x->n = x->nc + x->n_writeins;
    x->votes = hj_arena_alloc(a, (x->n + 1) * sizeof *x->votes);
    x->marks = hj_arena_alloc(a, x->nc + 1);
    x->hex = hj_arena_alloc(a, (b->n_ballots + 1) * sizeof *x->hex);
    x->wtext = hj_arena_alloc(a, (b->n_ballots + 1) * sizeof *x->wtext);
    x->ok = hj_arena_alloc(a, (b->n_ballots + 1) * sizeof *x->ok);
    x->reasons = hj_arena_alloc(a, (b->n_ballots + 1) * sizeof *x->reasons);
    if (!x->votes || !x->marks || !x->hex || !x->wtext || !x->ok || !x->reasons) {
        election_sql_failed(call, state, a, "the ballots", "");
        return -1;
    }
    result_parse_votes(PQgetvalue(x->box, 0, 8), x->votes, x->n);
    return 0;
}

/* validate: each ballot by the rules (valid, invalid with its reason, or
 * refused), its votes added to the box's, its marks and write-ins as stored.
 * 0 / -1 with the status. */
static int s_batch_judge(hj_call_t *call, const Hj__Tally__BallotBatch *b, hj_arena_t *a,
                         s_batch_t *x)
{
    char state[6] = "", why[TALLY_REASON_MAX];
    uint32_t nc = x->nc, n_writeins = x->n_writeins;
    uint8_t *marks = x->marks;
    size_t k = 0, k_new = 0;
    for (size_t i = 0; i < b->n_ballots; i++) {
        const Hj__Tally__Ballot *bl = b->ballots[i];
        tally_writein_t w[TALLY_CANDIDATES_MAX];
        tally_ballot_verdict_t verdict;
        uint16_t persons[TALLY_CANDIDATES_MAX];
        uint32_t np = 0;
        size_t nw = 0;
        size_t tlen = 1;
        for (uint32_t j = 0; j < nc; j++)
            marks[j] = s_mark(bl->marks[j]);
        for (size_t j = 0; j < bl->n_writeins; j++, k++) {
            tlen += strlen(bl->writeins[j]->name) + 8;
            int p = x->listed[k], id = p < 0 ? x->wids[k_new++] : (int)n_writeins + p;
            /* A "yes" already, and written in again: one vote. (Decode allows 16
             * write-ins a ballot: the cap is never reached.) */
            if (nw == TALLY_CANDIDATES_MAX || (p >= 0 && marks[p] == 1))
                continue;
            w[nw].ballot = 0;
            w[nw].person = (uint16_t)id;
            w[nw++].beside = (int16_t)((int)bl->writeins[j]->beside - 1);
        }
        if (tally_rules_check_ballot(x->e.profile, &x->rd, marks, w, nw, &verdict, persons, &np,
                                     why, sizeof why) != 0) {
            char field[48];
            snprintf(field, sizeof field, "ballots[%zu]", i + 1);
            hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field, "ballot %zu: %s", i + 1,
                          why);
            return -1;
        }
        x->ok[i] = verdict == TALLY_BALLOT_VALID;
        if (x->ok[i]) {
            x->batch_valid++;
            for (uint32_t j = 0; j < nc; j++)
                x->votes[j] += marks[j] == 1;
            for (uint32_t j = 0; j < np; j++)
                x->votes[persons[j] < n_writeins ? nc + persons[j] : persons[j] - n_writeins]++;
        } else {
            x->batch_invalid++;
            size_t rl = strlen(why) + 32;
            if ((x->reasons[x->n_reasons] = hj_arena_alloc(a, rl)))
                snprintf(x->reasons[x->n_reasons++], rl, "ballot %zu: %s", i + 1, why);
        }
        x->hex[i] = hj_arena_alloc(a, (size_t)nc * 2 + 1);
        x->wtext[i] = hj_arena_alloc(a, tlen);
        if (!x->hex[i] || !x->wtext[i]) {
            election_sql_failed(call, state, a, "the ballots", "");
            return -1;
        }
        for (uint32_t j = 0; j < nc; j++)
            snprintf(x->hex[i] + 2 * j, 3, "%02x", marks[j]);
        size_t off = 0;
        for (size_t j = 0; j < nw; j++)
            off += (size_t)snprintf(x->wtext[i] + off, tlen - off, "%s%s>%u", j ? "\x1f" : "",
                                    bl->writeins[j]->name, bl->writeins[j]->beside);
    }
    return 0;
}

/* store: the whole batch in one statement, then the box's count. 0 / -1 with the status. */
static int s_batch_store(PGconn *c, hj_call_t *call, const Hj__Tally__BallotBatch *b, hj_arena_t *a,
                         const s_batch_t *x)
{
    char state[6] = "";
    size_t cap = b->n_ballots * ((size_t)x->nc * 2 + 8) + 8, wcap = 8, vcap = b->n_ballots * 2 + 8;
    for (size_t i = 0; i < b->n_ballots; i++)
        wcap += strlen(x->wtext[i]) * 2 + 8;
    char *hexes = hj_arena_alloc(a, cap), *wts = hj_arena_alloc(a, wcap),
         *vals = hj_arena_alloc(a, vcap);
    if (!hexes || !wts || !vals) {
        election_sql_failed(call, state, a, "the ballots", "");
        return -1;
    }
    size_t hl = 0, wl = 0, vl = 0;
    hl += (size_t)snprintf(hexes + hl, cap - hl, "{");
    wl += (size_t)snprintf(wts + wl, wcap - wl, "{");
    vl += (size_t)snprintf(vals + vl, vcap - vl, "{");
    for (size_t i = 0; i < b->n_ballots; i++) {
        hl += (size_t)snprintf(hexes + hl, cap - hl, "%s\"%s\"", i ? "," : "", x->hex[i]);
        wl += (size_t)snprintf(wts + wl, wcap - wl, "%s\"", i ? "," : "");
        for (const char *p = x->wtext[i]; *p && wl + 3 < wcap; p++) {
            if (*p == '"' || *p == '\\')
                wts[wl++] = '\\';
            wts[wl++] = *p;
        }
        wl += (size_t)snprintf(wts + wl, wcap - wl, "\"");
        vl += (size_t)snprintf(vals + vl, vcap - vl, "%s%c", i ? "," : "", x->ok[i] ? 't' : 'f');
    }
    snprintf(hexes + hl, cap - hl, "}");
    snprintf(wts + wl, wcap - wl, "}");
    snprintf(vals + vl, vcap - vl, "}");
    const char *v[7] = {call->request_id, x->e.id, x->round, b->box, hexes, wts, vals};
    if (election_exec(
            c, call, a, "the ballots",
            "INSERT INTO tally.ballot (batch, no, election, round, box, marks, writeins, valid) "
            "SELECT $1::uuid, t.no, $2::uuid, $3::int, $4, decode(t.m, 'hex'), t.w, t.v FROM "
            "unnest($5::text[], $6::text[], $7::boolean[]) WITH ORDINALITY AS t(m, w, v, no)",
            7, v) != 0)
        return -1;
    if (ballots_store_box(c, a, x->e.id, x->round, b->box, "ballots",
                          x->counted + (uint32_t)b->n_ballots, x->valid + x->batch_valid,
                          x->invalid + x->batch_invalid, x->votes, x->n) != 0) {
        election_sql_failed(call, "", a, "the ballot box", "");
        return -1;
    }
    return 0;
}

/* reply: the receipt (this batch, the box, the round so far); journals the batch. */
static void s_batch_reply(PGconn *c, hj_call_t *call, const Hj__Tally__BallotBatch *b,
                          hj_arena_t *a, s_batch_t *x)
{
    char state[6] = "";
    result_tally_t t;
    Hj__Tally__Count m;
    if (result_tally(c, &x->e, x->round_no, a, &t) != 1 ||
        result_count_message(&x->e, &t, a, &m) != 0) {
        election_sql_failed(call, state, a, "the count", "");
        return;
    }
    Hj__Tally__Receipt receipt = HJ__TALLY__RECEIPT__INIT;
    receipt.election = x->e.id;
    receipt.round = (uint32_t)x->round_no;
    for (size_t i = 0; i < m.n_boxes; i++)
        if (strcmp(m.boxes[i]->name, b->box) == 0)
            receipt.box = m.boxes[i];
    receipt.valid = x->batch_valid;
    receipt.invalid = x->batch_invalid;
    receipt.invalid_reasons = x->reasons;
    receipt.n_invalid_reasons = x->n_reasons;
    receipt.count = &m;
    Hj__Tally__BallotBatch record = *b;
    record.election = x->e.id;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_RECEIPT;
    reply.receipt = &receipt;
    snprintf(call->kind, sizeof call->kind, "ballots_entered");
    snprintf(call->community, sizeof call->community, "%s", x->e.community);
    hj_call_reply(call, &reply.base, &record.base);
}

void ballots_enter(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__BallotBatch *b = msg;
    hj_arena_t a = {0};
    s_batch_t x;
    memset(&x, 0, sizeof x);
    if (s_batch_load(c, call, profiles, b, &a, &x) == 0 && s_batch_validate(call, b, &x) == 0 &&
        s_batch_writeins(c, call, b, &a, &x) == 0 && s_batch_judge(call, b, &a, &x) == 0 &&
        s_batch_store(c, call, b, &a, &x) == 0)
        s_batch_reply(c, call, b, &a, &x);
    hj_arena_free(&a);
}

/* A box counted by hand must add up; the arithmetic is in the refusal. The
 * box's votes (paper, then write-ins by id) into votes (n = *n_persons). */
int ballots_check_total(PGconn *c, hj_call_t *call, const election_t *e, int round_no,
                        PGresult *box, const Hj__Tally__BoxTotal *t, hj_arena_t *a,
                        uint32_t **votes_out, uint32_t *n_persons)
{
    char round[24];
    uint32_t returned = election_u32(box, 0, 3), nc = election_u32(box, 0, 9);
    const char *name = PQgetvalue(box, 0, 0);
    election_num(round, round_no);
    if ((uint64_t)t->valid + t->invalid != returned)
        return hj_status_set(
            &call->status, HJ__CODE__INVALID_ARGUMENT, "valid",
            "box %s does not add up: %u valid + %u invalid = %llu ballots, but %u were "
            "returned",
            name, t->valid, t->invalid, (unsigned long long)t->valid + t->invalid, returned);
    if (t->n_votes != nc)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "votes",
                             "%zu vote counts given, but the paper of round %d has %u candidates",
                             t->n_votes, round_no, nc);
    const char **paper = s_paper_names(c, e->id, round, a);
    const char **wnames = hj_arena_alloc(a, (t->n_writeins + 1) * sizeof *wnames);
    int *wids = hj_arena_alloc(a, (t->n_writeins + 1) * sizeof *wids);
    if (!paper || !wnames || !wids) {
        hj_call_sql_failed(call, "", "the paper", "");
        return -1;
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < nc; i++) {
        if (t->votes[i] > t->valid)
            return hj_status_set(
                &call->status, HJ__CODE__INVALID_ARGUMENT, "votes",
                "box %s does not add up: candidate %u (%s) has %u votes, but the box "
                "has only %u valid ballots",
                name, i + 1, paper[i], t->votes[i], t->valid);
        sum += t->votes[i];
    }
    /* A write-in of a listed name counts for that candidate: listed[i] >= 0. */
    int *listed = hj_arena_alloc(a, (t->n_writeins + 1) * sizeof *listed);
    size_t n_new = 0;
    if (!listed) {
        hj_call_sql_failed(call, "", "the write-ins", "");
        return -1;
    }
    for (size_t i = 0; i < t->n_writeins; i++) {
        const Hj__Tally__WriteInVotes *w = t->writeins[i];
        int p = listed[i] = s_on_paper(paper, nc, w->name);
        if (p >= 0 && (uint64_t)t->votes[p] + w->votes > t->valid)
            return hj_status_set(
                &call->status, HJ__CODE__INVALID_ARGUMENT, "writeins",
                "box %s does not add up: write-in %s is candidate %d on the paper; with "
                "its %u votes %s has %llu, but the box has only %u valid ballots",
                name, w->name, p + 1, w->votes, w->name, (unsigned long long)t->votes[p] + w->votes,
                t->valid);
        if (w->votes > t->valid)
            return hj_status_set(
                &call->status, HJ__CODE__INVALID_ARGUMENT, "writeins",
                "box %s does not add up: write-in %s has %u votes, but the box has "
                "only %u valid ballots",
                name, w->name, w->votes, t->valid);
        sum += w->votes;
        if (p < 0)
            wnames[n_new++] = w->name;
    }
    tally_round_t rd;
    if (s_round_facts(c, e, round_no, a, &rd) != 0) {
        election_sql_failed(call, "", a, "the round", "");
        return -1;
    }
    uint32_t limit =
        (uint32_t)tally_profile_rule_min(&e->profile->ballot_invalid, rd.seats_to_fill);
    uint64_t most = limit ? (uint64_t)t->valid * (limit - 1) : sum;
    if (sum > most)
        return hj_status_set(
            &call->status, HJ__CODE__INVALID_ARGUMENT, "votes",
            "box %s does not add up: %llu votes in all, but %u valid ballots carry at "
            "most %u x %u = %llu for %u seat(s)",
            name, (unsigned long long)sum, t->valid, t->valid, limit - 1, (unsigned long long)most,
            rd.seats_to_fill);
    uint32_t n_writeins = 0;
    if (s_writein_ids(c, e->id, round, wnames, n_new, wids, &n_writeins) != 0) {
        hj_call_sql_failed(call, "", "the write-ins", "");
        return -1;
    }
    uint32_t *votes = hj_arena_alloc(a, ((size_t)nc + n_writeins + 1) * sizeof *votes);
    if (!votes) {
        hj_call_sql_failed(call, "", "the votes", "");
        return -1;
    }
    memcpy(votes, t->votes, nc * sizeof *votes);
    for (size_t i = 0, k = 0; i < t->n_writeins; i++)
        votes[listed[i] >= 0 ? (uint32_t)listed[i] : nc + (uint32_t)wids[k++]] +=
            t->writeins[i]->votes;
    *votes_out = votes;
    *n_persons = nc + n_writeins;
    return 0;
}

int ballots_store_total(PGconn *c, hj_call_t *call, const election_t *e, int round_no,
                        PGresult *box, const Hj__Tally__BoxTotal *t, const char *kind,
                        hj_arena_t *a)
{
    char round[24];
    uint32_t *votes, n;
    if (ballots_check_total(c, call, e, round_no, box, t, a, &votes, &n) != 0 ||
        (kind && ballots_keep_amendment(c, call, e, round_no, box, t, n, kind, a) != 0))
        return -1;
    if (ballots_store_box(c, a, e->id, election_num(round, round_no), t->box, "total",
                          t->valid + t->invalid, t->valid, t->invalid, votes, n) != 0) {
        election_sql_failed(call, "", a, "the ballot box", "");
        return -1;
    }
    return 0;
}

void ballots_box_count(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__BoxTotal *t = msg;
    hj_arena_t a = {0};
    election_t e;
    int round_no;
    PGresult *box;
    if (election_load(c, call, profiles, t->election, 1, &e) != 0 ||
        election_is_open(call, &e) != 0 ||
        ballots_box(c, call, &e, 0, t->box, &a, &round_no, &box) != 0)
        goto out;
    /* A box already counted (by hand, or ballots entered) takes another count
     * only as a recount with its reason; both counts stay in the history. */
    const char *entry = PQgetvalue(box, 0, 4);
    int recount = entry[0] != 0;
    if (recount && !t->reason[0]) {
        hj_status_set(
            &call->status, HJ__CODE__FAILED_PRECONDITION, "box",
            "box %s of round %d was already counted (%s: %s ballots, %s valid, %s invalid): "
            "another count is a recount, kept beside the first, and needs its reason "
            "(hj election count %s --box %s ... --reason TEXT)",
            t->box, round_no,
            strcmp(entry, "total") == 0 ? "a hand-counted total" : "ballots entered",
            PQgetvalue(box, 0, 5), PQgetvalue(box, 0, 6), PQgetvalue(box, 0, 7), e.id, t->box);
        goto out;
    }
    if (!recount && t->reason[0]) {
        hj_status_set(
            &call->status, HJ__CODE__INVALID_ARGUMENT, "reason",
            "box %s of round %d has not been counted yet: its first count takes no reason "
            "(a reason belongs to a recount)",
            t->box, round_no);
        goto out;
    }
    if (ballots_store_total(c, call, &e, round_no, box, t, recount ? "recount" : NULL, &a) != 0)
        goto out;
    Hj__Tally__BoxTotal record = *t;
    record.election = e.id;
    record.round = (uint32_t)round_no;
    result_count_reply(c, call, &e, "box_counted");
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
    hj_arena_free(&a);
}

/* The box's count as it stands, with its write-ins by name, as a packed
 * BoxTotal in the arena (an amendment's or a recount's "before"). */
static uint8_t *s_box_total(PGconn *c, PGresult *box, const election_t *e, int round_no,
                            uint32_t n_persons, hj_arena_t *a, size_t *len)
{
    char no[24];
    uint32_t nc = election_u32(box, 0, 9);
    const char *v[2] = {e->id, election_num(no, round_no)};
    PGresult *names =
        election_q(c, a,
                   "SELECT name FROM tally.writein WHERE election = $1::uuid AND round = $2::int "
                   "ORDER BY id",
                   2, v);
    uint32_t nw = names ? (uint32_t)PQntuples(names) : 0;
    uint32_t all = n_persons > nc + nw ? n_persons : nc + nw;
    uint32_t *votes = names ? hj_arena_alloc(a, ((size_t)all + 1) * sizeof *votes) : NULL;
    Hj__Tally__WriteInVotes *wv = hj_arena_alloc(a, ((size_t)nw + 1) * sizeof *wv);
    Hj__Tally__WriteInVotes **wp = hj_arena_alloc(a, ((size_t)nw + 1) * sizeof *wp);
    if (!votes || !wv || !wp)
        return NULL;
    result_parse_votes(PQgetvalue(box, 0, 8), votes, all);
    Hj__Tally__BoxTotal t = HJ__TALLY__BOX_TOTAL__INIT;
    t.election = (char *)e->id;
    t.box = PQgetvalue(box, 0, 0);
    t.valid = election_u32(box, 0, 6);
    t.invalid = election_u32(box, 0, 7);
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
    uint8_t *out = hj_arena_alloc(a, *len);
    if (out)
        hj__tally__box_total__pack(&t, out);
    return out;
}

/* Keeps a box's count as it was and as it is counted now, with the reason:
 * an amendment of a certified result, or a recount before it. 0 / -1 with
 * the status. */
int ballots_keep_amendment(PGconn *c, hj_call_t *call, const election_t *e, int round_no,
                           PGresult *box, const Hj__Tally__BoxTotal *t, uint32_t n_persons,
                           const char *kind, hj_arena_t *a)
{
    char state[6] = "", round[24];
    size_t blen = 0, alen = 0;
    Hj__Tally__BoxTotal counted = *t;
    counted.election = (char *)e->id;
    counted.round = (uint32_t)round_no;
    uint8_t *before = s_box_total(c, box, e, round_no, n_persons, a, &blen);
    alen = hj__tally__box_total__get_packed_size(&counted);
    uint8_t *after = hj_arena_alloc(a, alen);
    if (!before || !after) {
        election_sql_failed(call, state, a, "the amendment", "");
        return -1;
    }
    hj__tally__box_total__pack(&counted, after);
    const char *v[9] = {call->request_id,
                        e->id,
                        election_num(round, round_no),
                        t->box,
                        t->reason,
                        (const char *)before,
                        (const char *)after,
                        call->actor,
                        kind};
    int lengths[9] = {0, 0, 0, 0, 0, (int)blen, (int)alen, 0, 0};
    int formats[9] = {0, 0, 0, 0, 0, 1, 1, 0, 0};
    PGresult *r = hj_pqb(
        c, state,
        "INSERT INTO tally.amendment (id, election, round, box, reason, before, after, actor, "
        "kind) VALUES ($1::uuid, $2::uuid, $3::int, $4, $5, $6, $7, $8, $9)",
        9, v, lengths, formats);
    if (!r) {
        election_sql_failed(call, state, a, "the amendment", "");
        return -1;
    }
    PQclear(r);
    return 0;
}
