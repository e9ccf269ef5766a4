/* Election day: a round as counted (its paper, boxes and votes, counted by the
 * rules), the result across rounds, and the replies that carry them. */
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"
#include "result_db.h"
#include "tally.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a round as counted ------------------------------------------------------------ */

int result_kind(const char *name)
{
    return strcmp(name, "further") == 0  ? TALLY_ROUND_FURTHER
           : strcmp(name, "revote") == 0 ? TALLY_ROUND_REVOTE
                                         : TALLY_ROUND_FIRST;
}

/* Parses "{1,2,3}"-free "1,2,3" (array_to_string) into votes[0..n). */
void result_parse_votes(const char *text, uint32_t *votes, uint32_t n)
{
    const char *p = text;
    for (uint32_t i = 0; i < n && *p; i++) {
        char *end;
        votes[i] = (uint32_t)strtoul(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
    }
}

/* Loads round `no` (0 = the latest) and counts it. 1, 0 no such round, -1 error. */
int result_tally(PGconn *c, const election_t *e, int no, hj_arena_t *a, result_tally_t *t)
{
    char round_no[24];
    memset(t, 0, sizeof *t);
    const char *v[2] = {e->id, election_num(round_no, no)};
    PGresult *r = election_q(
        c, a,
        "SELECT no, kind, seats_to_fill, electorate, present FROM tally.round "
        "WHERE election = $1::uuid AND ($2::int = 0 OR no = $2::int) ORDER BY no DESC LIMIT 1",
        2, v);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return 0;
    t->no = atoi(PQgetvalue(r, 0, 0));
    t->kind = result_kind(PQgetvalue(r, 0, 1));
    t->seats_to_fill = election_u32(r, 0, 2);
    t->electorate = election_u32(r, 0, 3);
    t->present = election_u32(r, 0, 4);
    v[1] = election_num(round_no, t->no);
    PGresult *paper =
        election_q(c, a,
                   "SELECT COALESCE(person_id::text, ''), name FROM tally.paper WHERE election = "
                   "$1::uuid AND round = $2::int ORDER BY position",
                   2, v);
    PGresult *writeins =
        paper ? election_q(c, a,
                           "SELECT name FROM tally.writein WHERE election = $1::uuid AND "
                           "round = $2::int ORDER BY id",
                           2, v)
              : NULL;
    t->boxes =
        writeins
            ? election_q(c, a,
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
    t->paper_ids = hj_arena_alloc(a, (t->n_paper + 1) * sizeof *t->paper_ids);
    t->paper_names = hj_arena_alloc(a, (t->n_paper + 1) * sizeof *t->paper_names);
    t->writein_names = hj_arena_alloc(a, (t->n_writeins + 1) * sizeof *t->writein_names);
    t->votes = hj_arena_alloc(a, (n + 1) * sizeof *t->votes);
    uint32_t *box_votes = hj_arena_alloc(a, (n + 1) * sizeof *box_votes);
    t->tc = hj_arena_alloc(a, sizeof *t->tc);
    if (!t->paper_ids || !t->paper_names || !t->writein_names || !t->votes || !box_votes || !t->tc)
        return -1;
    for (uint32_t i = 0; i < t->n_paper; i++) {
        t->paper_ids[i] = PQgetvalue(paper, (int)i, 0);
        t->paper_names[i] = PQgetvalue(paper, (int)i, 1);
    }
    for (uint32_t i = 0; i < t->n_writeins; i++)
        t->writein_names[i] = PQgetvalue(writeins, (int)i, 0);
    for (int b = 0; b < PQntuples(t->boxes); b++) {
        t->issued += election_u32(t->boxes, b, 2);
        t->returned += election_u32(t->boxes, b, 3);
        t->counted += election_u32(t->boxes, b, 5);
        t->valid += election_u32(t->boxes, b, 6);
        t->invalid += election_u32(t->boxes, b, 7);
        memset(box_votes, 0, n * sizeof *box_votes);
        result_parse_votes(PQgetvalue(t->boxes, b, 8), box_votes, n);
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
    tally_box_t box = {t->valid, t->invalid, t->votes};
    uint32_t *scaled = NULL;
    if (!t->complete) {
        scaled = hj_arena_alloc(a, (n + 1) * sizeof *scaled);
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
        .mode = (tally_mode_t)e->mode,
        .kind = (tally_round_kind_t)t->kind,
        .seats = e->seats,
        .seats_to_fill = t->seats_to_fill,
        .n_candidates = t->n_paper,
        .n_writein_persons = t->n_writeins,
        .electorate = t->electorate,
        .present = t->present,
        .issued = t->issued,
        .returned = t->returned,
    };
    /* The reasons name people: a re-vote's "candidate 1" is another person. */
    const char **names = hj_arena_alloc(a, (n + 1) * sizeof *names);
    if (!names)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        names[i] = result_person_name(t, i);
    rd.names = names;
    t->counted_ok = tally_rules_count_boxes(e->profile, &rd, &box, 1, t->tc) == 0;
    if (!t->counted_ok)
        hj_warn("election %s round %d does not count: %s", e->id, t->no, t->tc->status.message);
    return 1;
}

const char *result_person_name(const result_tally_t *t, uint32_t i)
{
    return i < t->n_paper ? t->paper_names[i] : t->writein_names[i - t->n_paper];
}

static void s_box_message(PGresult *boxes, int b, Hj__Tally__Box *m)
{
    hj__tally__box__init(m);
    hj_pgrow_fill(boxes, b, &m->base);
}

/* The round as the wire carries it; strings live in the arena. */
int result_count_message(const election_t *e, const result_tally_t *t, hj_arena_t *a,
                         Hj__Tally__Count *m)
{
    uint32_t n = t->n_paper + t->n_writeins;
    int nb = PQntuples(t->boxes);
    hj__tally__count__init(m);
    m->election = election_strdup(a, e->id);
    m->community = election_strdup(a, e->community);
    m->body = election_strdup(a, e->body);
    m->round = (uint32_t)t->no;
    m->round_kind = (char *)tally_rules_round_name((tally_round_kind_t)t->kind);
    m->seats_to_fill = t->seats_to_fill;
    m->electorate = t->electorate;
    m->present = t->present;
    m->issued = t->issued;
    m->returned = t->returned;
    m->counted = t->counted;
    m->valid = t->valid;
    m->invalid = t->invalid;
    m->complete = t->complete;
    m->outcome = t->counted_ok ? (char *)tally_rules_outcome_name(t->tc->outcome) : "";
    m->outcome_reason = t->counted_ok ? election_strdup(a, t->tc->outcome_reason)
                        : t->counted  ? election_strdup(a, t->tc->status.message)
                                      : "no ballot counted yet";
    m->quorum_reason = t->counted_ok ? election_strdup(a, t->tc->quorum_reason) : "";
    m->ballots_reason = t->counted_ok ? election_strdup(a, t->tc->ballots_reason) : "";
    m->outcome_reason_zh = t->counted_ok ? election_strdup(a, t->tc->outcome_reason_zh)
                           : t->counted  ? election_strdup(a, t->tc->status.message)
                                         : "尚未计票";
    m->quorum_reason_zh = t->counted_ok ? election_strdup(a, t->tc->quorum_reason_zh) : "";
    m->ballots_reason_zh = t->counted_ok ? election_strdup(a, t->tc->ballots_reason_zh) : "";
    if (t->counted_ok && t->electorate)
        m->turnout_per_mille = (uint32_t)((uint64_t)t->tc->turnout * 1000 / t->electorate);
    Hj__Tally__PersonCount *pc = hj_arena_alloc(a, (n + 1) * sizeof *pc);
    Hj__Tally__Box *bx = hj_arena_alloc(a, ((size_t)nb + 1) * sizeof *bx);
    m->persons = hj_arena_alloc(a, (n + 1) * sizeof *m->persons);
    m->boxes = hj_arena_alloc(a, ((size_t)nb + 1) * sizeof *m->boxes);
    if (!pc || !bx || !m->persons || !m->boxes)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        hj__tally__person_count__init(&pc[i]);
        pc[i].name = (char *)result_person_name(t, i);
        pc[i].person_id = i < t->n_paper ? (char *)t->paper_ids[i] : "";
        pc[i].writein = i >= t->n_paper;
        pc[i].votes = t->votes[i];
        if (t->counted_ok && i < t->tc->n_persons) {
            pc[i].status = (char *)tally_rules_person_status_name(t->tc->person[i].status);
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
                   hj_arena_t *a, Hj__Tally__Count *out)
{
    election_t e;
    result_tally_t t;
    int found = election_row(c, profiles, election, 0, &e);
    if (found <= 0)
        return found;
    found = result_tally(c, &e, round, a, &t);
    if (found <= 0)
        return found;
    return result_count_message(&e, &t, a, out) == 0 ? 1 : -1;
}

/* ---- the result across rounds ---------------------------------------------------------- */

int result_load(PGconn *c, const election_t *e, hj_arena_t *a, result_t *res)
{
    char state[6] = "";
    memset(res, 0, sizeof *res);
    const char *v[1] = {e->id};
    PGresult *r = hj_pq(
        c, state, "SELECT COALESCE(max(no), 0) FROM tally.round WHERE election = $1::uuid", 1, v);
    if (!r)
        return -1;
    res->n_rounds = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    res->rounds = hj_arena_alloc(a, ((size_t)res->n_rounds + 1) * sizeof *res->rounds);
    res->elected = hj_arena_alloc(a, (e->seats + 1) * sizeof *res->elected);
    res->elected_ids = hj_arena_alloc(a, (e->seats + 1) * sizeof *res->elected_ids);
    if (!res->rounds || !res->elected || !res->elected_ids)
        return -1;
    for (int k = 1; k <= res->n_rounds; k++) {
        result_tally_t *t = &res->rounds[k - 1];
        if (result_tally(c, e, k, a, t) != 1)
            return -1;
        if (!t->complete || !t->counted_ok)
            continue;
        for (uint32_t i = 0; i < t->tc->n_elected && res->n_elected < e->seats; i++) {
            uint32_t p = t->tc->elected[i];
            res->elected[res->n_elected] = result_person_name(t, p);
            res->elected_ids[res->n_elected++] = p < t->n_paper ? t->paper_ids[p] : "";
        }
    }
    res->last = res->n_rounds ? &res->rounds[res->n_rounds - 1] : NULL;
    res->vacancy_due = "";
    res->closures = election_q(
        c, a,
        "SELECT id, kind, seats, after_round, reason, rule, rule_zh, "
        "COALESCE(to_char(due_on, 'YYYY-MM-DD'), '') AS due_on, actor, "
        "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at FROM tally.seat_closure "
        "WHERE election = $1::uuid ORDER BY tally.seat_closure.at, id",
        1, v);
    if (!res->closures)
        return -1;
    for (int i = 0; i < PQntuples(res->closures); i++) {
        uint32_t n = election_u32(res->closures, i, 2);
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
uint32_t result_open_seats(const election_t *e, const result_t *res)
{
    uint32_t done = res->n_elected + res->vacant + res->reduced;
    return e->seats > done ? e->seats - done : 0;
}

static void s_names(char *buf, size_t size, const result_tally_t *t, const uint32_t *who,
                    uint32_t n, const char *sep)
{
    size_t len = strlen(buf);
    for (uint32_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? sep : "",
                                result_person_name(t, who[i]));
}

/* Appends to a NUL-terminated buffer (cut short at its end). */
__attribute__((format(printf, 3, 4))) static void s_add(char *buf, size_t size, const char *fmt,
                                                        ...)
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
void result_seats_of(const election_t *e, const result_t *res, tally_seats_t *s)
{
    const result_tally_t *t = res->last;
    memset(s, 0, sizeof *s);
    s->seats = e->seats;
    s->elected = res->n_elected;
    s->closed = res->vacant + res->reduced;
    s->counted = t && t->complete && t->counted_ok && t->tc->outcome == TALLY_OUTCOME_FURTHER;
    s->last_round = t ? (tally_round_kind_t)t->kind : TALLY_ROUND_FIRST;
    s->last_no = t ? (uint32_t)t->no : 0;
}

/* What happens next, in words, in English and Chinese; people by name. */
void result_next(const election_t *e, const result_t *res, uint32_t listed, char *out, char *zh,
                 size_t size)
{
    const result_tally_t *t = res->last;
    uint32_t open = result_open_seats(e, res);
    out[0] = zh[0] = 0;
    if (strcmp(e->state, "certified") == 0) {
        s_add(out, size, "certified by %s on %s UTC; a correction is an amendment with its reason",
              e->certified_by, e->certified_at);
        s_add(zh, size, "已由%s于%s（UTC）确认；更正须作为附理由的修正", e->certified_by,
              e->certified_at);
        if (open) {
            s_add(out, size,
                  ". As amended, the count fills %u of %u seats: the election committee and the "
                  "district decide what follows",
                  e->seats - open, e->seats);
            s_add(zh, size, "。修正后%u个名额中只产生%u名：由选举委员会和区里决定后续", e->seats,
                  e->seats - open);
        }
    } else if (!t) {
        if (!listed) {
            s_add(out, size,
                  "record the candidate list (hj election candidates %s --person ID ...)", e->id);
            s_add(zh, size, "登记候选人名单（hj election candidates %s --person ID ...）", e->id);
        } else if (strcmp(e->state, "open") != 0) {
            s_add(out, size,
                  "open the election when every gate is green (hj election open %s --body %s)",
                  e->community, e->body);
            s_add(zh, size, "各项门槛达标后开启选举（hj election open %s --body %s）", e->community,
                  e->body);
        } else {
            s_add(out, size,
                  "on election day (%s), open the first round with its ballot boxes "
                  "(hj election round %s --box NAME:main:ISSUED:RETURNED ...)",
                  e->date, e->id);
            s_add(zh, size,
                  "选举日（%s）开启第一轮投票并登记票箱（hj election round %s --box ...）", e->date,
                  e->id);
        }
    } else if (!t->complete) {
        s_add(out, size,
              "round %d: %u of %u returned ballots counted; count the rest "
              "(hj election ballots / hj election count)",
              t->no, t->counted, t->returned);
        s_add(zh, size, "第%d轮：收回%u张选票中已计%u张；继续计票", t->no, t->returned, t->counted);
    } else if (!t->counted_ok) {
        s_add(out, size, "round %d does not count: %s", t->no, t->tc->status.message);
        s_add(zh, size, "第%d轮无法计票：%s", t->no, t->tc->status.message);
    } else if (t->tc->outcome == TALLY_OUTCOME_VOID) {
        s_add(out, size,
              "round %d is void: re-run the vote with the same ballot paper "
              "(hj election round %s --box ...)",
              t->no, e->id);
        s_add(zh, size, "第%d轮选举无效：用同一选票重新投票（hj election round %s --box ...）",
              t->no, e->id);
    } else if (t->tc->outcome == TALLY_OUTCOME_REVOTE) {
        s_add(out, size, "re-vote among the tied only, for %u seat(s): ", t->tc->revote_seats);
        s_names(out, size, t, t->tc->tied, t->tc->n_tied, ", ");
        s_add(out, size, " (hj election round %s --box ...)", e->id);
        s_add(zh, size, "得票相等，仅就%u个名额在以下人员中再次投票：", t->tc->revote_seats);
        s_names(zh, size, t, t->tc->tied, t->tc->n_tied, "、");
        s_add(zh, size, "（hj election round %s --box ...）", e->id);
    } else if (open == 0 && res->vacant + res->reduced == 0) {
        s_add(out, size, "all %u seats filled: certify the result (hj election certify %s)",
              e->seats, e->id);
        s_add(zh, size, "%u个名额全部选出：确认选举结果（hj election certify %s）", e->seats,
              e->id);
    } else if (open == 0) {
        s_add(out, size, "all %u seats accounted for (%u elected", e->seats, res->n_elected);
        s_add(zh, size, "%u个名额均已落实（当选%u名", e->seats, res->n_elected);
        if (res->vacant) {
            s_add(out, size, ", %u vacant (暂缺), by-election due by %s", res->vacant,
                  res->vacancy_due);
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
        if (e->profile->further_standing.kind == TALLY_STANDING_TOP) {
            s_add(out, size, "standing ");
            s_names(out, size, t, t->tc->standing, t->tc->n_standing, ", ");
            s_add(out, size, " (hj election round %s --box ...)", e->id);
            s_add(zh, size, "候选人为");
            s_names(zh, size, t, t->tc->standing, t->tc->n_standing, "、");
            s_add(zh, size, "（hj election round %s --box ...）", e->id);
        } else {
            s_add(
                out, size,
                "a new candidate list is drawn up (hj election round %s --person ID ... --box ...)",
                e->id);
            s_add(zh, size, "重新提出候选人名单（hj election round %s --person ID ... --box ...）",
                  e->id);
        }
        tally_seats_t seats;
        tally_close_check_t check;
        result_seats_of(e, res, &seats);
        for (int reduce = 0; reduce < 2; reduce++)
            if (reduce ? tally_rules_check_reduce(e->profile, &seats, open, &check)
                       : tally_rules_check_vacancy(e->profile, &seats, open, &check)) {
                s_add(out, size,
                      "; or, as profile %s allows, %s (hj election %s %s --seats %u --reason TEXT)",
                      e->profile->name,
                      reduce ? "reduce the seats (减少名额)" : "leave them vacant (暂缺)",
                      reduce ? "reduce" : "vacancy", e->id, open);
                s_add(zh, size, "；或按规则%s（hj election %s %s --seats %u --reason 理由）",
                      reduce ? "减少名额" : "名额暂缺", reduce ? "reduce" : "vacancy", e->id, open);
            }
    }
}

static int s_candidates(PGconn *c, const char *id, hj_arena_t *a, Hj__Tally__Election *m)
{
    const char *v[1] = {id};
    PGresult *r = election_q(
        c, a,
        "SELECT position, person_id, name FROM tally.candidate WHERE election = $1::uuid "
        "ORDER BY position",
        1, v);
    if (!r)
        return -1;
    m->candidates = (Hj__Tally__Candidate **)hj_pgrow_list(a, r, PQntuples(r),
                                                           &hj__tally__candidate__descriptor);
    m->n_candidates = m->candidates ? (size_t)PQntuples(r) : 0;
    return m->candidates ? 0 : -1;
}

/* The election as the wire carries it, with its list. */
int result_election_message(PGconn *c, const tally_profiles_t *profiles, const election_t *e,
                            hj_arena_t *a, Hj__Tally__Election **out)
{
    tally_board_t *b = hj_arena_alloc(a, sizeof *b);
    Hj__Tally__Election *m = hj_arena_alloc(a, sizeof *m);
    char today[11];
    hj_date_today(today);
    if (!b || !m || board_load(c, profiles, e->community, today, e->id, b) != 1 ||
        b->n_elections != 1)
        return -1;
    tally_election_t *copy = hj_arena_alloc(a, sizeof *copy);
    if (!copy)
        return -1;
    *copy = b->elections[0];
    board_election_message(copy, election_strdup(a, e->community), m);
    if (s_candidates(c, e->id, a, m) != 0)
        return -1;
    *out = m;
    return 0;
}

/* An amendment with its box totals before and after, decoded. */
static void s_amendment_row(PGresult *r, int i, void *item, hj_arena_t *a)
{
    Hj__Tally__Amendment *am = item;
    hj__tally__amendment__init(am);
    hj_pgrow_fill(r, i, &am->base); /* before and after (bytea) are unpacked below */
    for (int side = 0; side < 2; side++) {
        size_t len = 0;
        uint8_t *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 6 + side), &len);
        Hj__Tally__BoxTotal *bt = bytes ? hj__tally__box_total__unpack(NULL, len, bytes) : NULL;
        PQfreemem(bytes);
        if (!bt)
            continue;
        /* Repacked into arena memory, so freeing is the arena's job. */
        size_t plen = hj__tally__box_total__get_packed_size(bt);
        uint8_t *packed = hj_arena_alloc(a, plen);
        Hj__Tally__BoxTotal *copy = packed ? hj_arena_alloc(a, sizeof *copy) : NULL;
        if (copy) {
            hj__tally__box_total__pack(bt, packed);
            *copy = *bt;
            copy->election = election_strdup(a, bt->election);
            copy->box = election_strdup(a, bt->box);
            copy->reason = election_strdup(a, bt->reason);
            copy->votes = hj_arena_alloc(a, (bt->n_votes + 1) * sizeof *copy->votes);
            if (copy->votes)
                memcpy(copy->votes, bt->votes, bt->n_votes * sizeof *copy->votes);
            else
                copy->n_votes = 0;
            copy->writeins = hj_arena_alloc(a, (bt->n_writeins + 1) * sizeof *copy->writeins);
            Hj__Tally__WriteInVotes *wv = hj_arena_alloc(a, (bt->n_writeins + 1) * sizeof *wv);
            copy->n_writeins = 0;
            for (size_t w = 0; copy->writeins && wv && w < bt->n_writeins; w++) {
                hj__tally__write_in_votes__init(&wv[w]);
                wv[w].name = election_strdup(a, bt->writeins[w]->name);
                wv[w].votes = bt->writeins[w]->votes;
                copy->writeins[copy->n_writeins++] = &wv[w];
            }
            if (side)
                am->after = copy;
            else
                am->before = copy;
        }
        hj__tally__box_total__free_unpacked(bt, NULL);
    }
}

static int s_amendments(PGconn *c, const char *id, hj_arena_t *a, Hj__Tally__Result *m)
{
    const char *v[1] = {id};
    PGresult *r =
        election_q(c, a,
                   "SELECT id, round, box, reason, actor, to_char(at AT TIME ZONE 'UTC', "
                   "'YYYY-MM-DD HH24:MI:SS') AS at, before, after, kind FROM tally.amendment "
                   "WHERE election = $1::uuid ORDER BY tally.amendment.at, id",
                   1, v);
    if (!r)
        return -1;
    m->amendments = (Hj__Tally__Amendment **)hj_arena_rows(
        a, r, PQntuples(r), sizeof(Hj__Tally__Amendment), s_amendment_row);
    m->n_amendments = m->amendments ? (size_t)PQntuples(r) : 0;
    return m->amendments ? 0 : -1;
}

static int s_closures_message(PGresult *r, const char *election, hj_arena_t *a,
                              Hj__Tally__Result *m)
{
    m->closures = (Hj__Tally__SeatClosure **)hj_pgrow_list(a, r, PQntuples(r),
                                                           &hj__tally__seat_closure__descriptor);
    if (!m->closures)
        return -1;
    m->n_closures = (size_t)PQntuples(r);
    for (size_t i = 0; i < m->n_closures; i++)
        m->closures[i]->election = (char *)election;
    return 0;
}

/* Replies with the whole result; a write journals `kind` with `record`. */
void result_reply(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                  const char *kind, const ProtobufCMessage *record)
{
    hj_arena_t a = {0};
    election_t e;
    result_t res;
    Hj__Tally__Result m = HJ__TALLY__RESULT__INIT;
    if (election_load(c, call, profiles, id, 0, &e) != 0)
        goto out;
    if (result_election_message(c, profiles, &e, &a, &m.election) != 0 ||
        result_load(c, &e, &a, &res) != 0 || s_amendments(c, e.id, &a, &m) != 0) {
        election_sql_failed(call, "", &a, "the result", "");
        goto out;
    }
    m.rounds = hj_arena_alloc(&a, ((size_t)res.n_rounds + 1) * sizeof *m.rounds);
    Hj__Tally__Count *counts = hj_arena_alloc(&a, ((size_t)res.n_rounds + 1) * sizeof *counts);
    if (!m.rounds || !counts) {
        hj_call_sql_failed(call, "", "the result", "");
        goto out;
    }
    for (int k = 0; k < res.n_rounds; k++) {
        if (result_count_message(&e, &res.rounds[k], &a, &counts[k]) != 0) {
            hj_call_sql_failed(call, "", "the result", "");
            goto out;
        }
        m.rounds[m.n_rounds++] = &counts[k];
    }
    m.elected = (char **)res.elected;
    m.n_elected = res.n_elected;
    result_next(&e, &res, (uint32_t)m.election->n_candidates, res.next, res.next_zh,
                sizeof res.next);
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
    hj_arena_free(&a);
}

void result_show(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    result_reply(c, call, svc, ((const Hj__Tally__ElectionRef *)msg)->id, NULL, NULL);
}

/* ---- replies -------------------------------------------------------------------------------- */

/* Replies with the count of the election's latest round; journals it. */
void result_count_reply(PGconn *c, hj_call_t *call, const election_t *e, const char *kind)
{
    hj_arena_t a = {0};
    result_tally_t t;
    Hj__Tally__Count m;
    if (result_tally(c, e, 0, &a, &t) != 1 || result_count_message(e, &t, &a, &m) != 0) {
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
    hj_arena_free(&a);
}
