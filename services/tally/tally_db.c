/* The SQL of hj-tallyd's requests: the board snapshot, a community's gates,
 * scheduling and opening elections. */
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_journal.h"
#include "hj_log.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long a request waits for the board to reach what committed before it. */
#define S_CATCH_UP_WAIT_MS 3000
#define S_CATCH_UP_STEP_MS 5

/* Waits until the board reflects every journal row that committed before
 * this transaction began: the relay has numbered them (a few milliseconds
 * after their commit) and the consumer has applied them. So a board read,
 * or a gate judged, right after a write always includes that write. Rows of
 * this very transaction (written by calls batched with this one) are not
 * waited for: they are stamped after its start. 0, or -1 with UNAVAILABLE. */
int tally_db_caught_up(PGconn *c, hj_call_t *call)
{
    long long target = -1;
    struct timespec step = {0, S_CATCH_UP_STEP_MS * 1000000L};
    /* Whether any row older than the call waits for its number, not how many:
     * counting them all read every unsealed row (a parallel seq scan of
     * 6.5 s with 755,000 rows after a bulk load, on every board read). The
     * rows waiting are the relay's queue (sql/023), oldest first: `seq IS
     * NULL` walked the entries sealed rows leave in journal_unsequenced.
     * The call's own start: a read runs each statement in a transaction of
     * its own, so now() would move on with every look and rows committed
     * after the call arrived would keep it waiting. */
    char since[64] = "";
    for (int waited = 0; waited <= S_CATCH_UP_WAIT_MS; waited += S_CATCH_UP_STEP_MS) {
        const char *v[1] = {since[0] ? since : NULL};
        PGresult *r =
            hj_call_q(call, c, "the board's progress", "",
                      "SELECT (SELECT count(*) FROM (SELECT 1 FROM bus.journal_unsealed q "
                      "JOIN bus.journal j ON j.id = q.id WHERE j.committed_at < "
                      "COALESCE($1::timestamptz, now()) ORDER BY q.id LIMIT 1) u), "
                      "(SELECT COALESCE(max(seq), 0) FROM bus.journal), "
                      "(SELECT journal_seq FROM tally.cursor), COALESCE($1::timestamptz, now())",
                      1, v);
        if (!r)
            return -1;
        snprintf(since, sizeof since, "%s", PQgetvalue(r, 0, 3));
        long long unnumbered = atoll(PQgetvalue(r, 0, 0));
        if (!unnumbered && target < 0)
            target = atoll(PQgetvalue(r, 0, 1));
        long long applied = atoll(PQgetvalue(r, 0, 2));
        PQclear(r);
        if (target >= 0 && applied >= target)
            return 0;
        nanosleep(&step, NULL);
    }
    return hj_status_set(&call->status, HJ__CODE__UNAVAILABLE, "",
                         "the board is still catching up with the journal; try again");
}

/* ---- reading the board ------------------------------------------------------ */

typedef struct {
    PGresult *r;
    Hj__Tally__Snapshot snapshot;
    Hj__Tally__CommunityBoard **boards;
    size_t n;
    Hj__Tally__Count **counts;
    size_t n_counts;
    Hj__Tally__DistrictTotals *district;
} s_read_t;

static void s_read_free(s_read_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        hj__tally__community_board__free_unpacked(s->boards[i], NULL);
    free(s->boards);
    for (size_t i = 0; i < s->n_counts; i++)
        hj__tally__count__free_unpacked(s->counts[i], NULL);
    free(s->counts);
    if (s->district)
        hj__tally__district_totals__free_unpacked(s->district, NULL);
    PQclear(s->r);
}

static void *s_unpack_bytea(PGresult *r, int row, int col, const ProtobufCMessageDescriptor *d)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    size_t n = 0;
    uint8_t *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &n);
    void *m = bytes ? protobuf_c_message_unpack(d, NULL, n, bytes) : NULL;
    PQfreemem(bytes);
    return m;
}

/* The stored boards (all, or one community's) and the district totals, as
 * of one tally sequence number: one statement, so one consistent view.
 * 0, or -1 with call->status set. */
static int s_read(PGconn *c, hj_call_t *call, const char *community, const char *subdistrict,
                  s_read_t *s)
{
    char state[6];
    memset(s, 0, sizeof *s);
    hj__tally__snapshot__init(&s->snapshot);
    if (tally_db_caught_up(c, call) != 0)
        return -1;
    const char *v[2] = {community, subdistrict};
    /* The boards, then the live counts (kind 'c'): one statement, one view.
     * A subdistrict is its communities' index range (community_subdistrict);
     * the subdistrict row itself says whether the code is known at all. */
    s->r = hj_pq(
        c, state,
        "SELECT 'b' AS kind, c.tally_seq, c.journal_seq, c.district, c.district_seq, "
        "b.community AS key, b.board, b.tally_seq, "
        "($2 = '' OR EXISTS (SELECT 1 FROM tally.subdistrict d WHERE d.code = $2)) "
        "FROM tally.cursor c LEFT JOIN tally.board b "
        "ON ($1 = '' OR b.community = $1) AND ($2 = '' OR b.community IN (SELECT k.code "
        "FROM tally.community k WHERE k.subdistrict = $2)) "
        "UNION ALL SELECT 'c', NULL, NULL, NULL, NULL, "
        "k.election::text, k.count, k.tally_seq, NULL FROM tally.count k JOIN tally.election e ON "
        "e.id = k.election WHERE ($1 = '' OR e.community = $1) AND ($2 = '' OR e.community IN "
        "(SELECT m.code FROM tally.community m WHERE m.subdistrict = $2)) ORDER BY kind, key",
        2, v);
    if (!s->r) {
        hj_call_sql_failed(call, state, "the board", "");
        return -1;
    }
    int rows = PQntuples(s->r);
    if (PQgetvalue(s->r, 0, 8)[0] != 't')
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "subdistrict",
                             "subdistrict %s not found in the registry", subdistrict);
    s->snapshot.tally_seq = strtoull(PQgetvalue(s->r, 0, 1), NULL, 10);
    s->snapshot.journal_seq = strtoull(PQgetvalue(s->r, 0, 2), NULL, 10);
    s->district = s_unpack_bytea(s->r, 0, 3, &hj__tally__district_totals__descriptor);
    if (s->district)
        s->district->tally_seq = strtoull(PQgetvalue(s->r, 0, 4), NULL, 10);
    s->boards = calloc((size_t)rows + 1, sizeof *s->boards);
    s->counts = calloc((size_t)rows + 1, sizeof *s->counts);
    if (!s->boards || !s->counts)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    for (int i = 0; i < rows; i++) {
        if (PQgetisnull(s->r, i, 5))
            continue;
        uint64_t seq = strtoull(PQgetvalue(s->r, i, 7), NULL, 10);
        if (PQgetvalue(s->r, i, 0)[0] == 'c') {
            Hj__Tally__Count *k = s_unpack_bytea(s->r, i, 6, &hj__tally__count__descriptor);
            if (!k)
                return hj_status_set(&call->status, HJ__CODE__INTERNAL, "",
                                     "the stored count of %s does not decode",
                                     PQgetvalue(s->r, i, 5));
            k->tally_seq = seq;
            s->counts[s->n_counts++] = k;
            continue;
        }
        Hj__Tally__CommunityBoard *b =
            s_unpack_bytea(s->r, i, 6, &hj__tally__community_board__descriptor);
        if (!b)
            return hj_status_set(&call->status, HJ__CODE__INTERNAL, "",
                                 "the stored board of %s does not decode", PQgetvalue(s->r, i, 5));
        b->tally_seq = seq;
        s->boards[s->n++] = b;
    }
    s->snapshot.counts = s->counts;
    s->snapshot.n_counts = s->n_counts;
    if (community[0] && s->n == 0)
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "community",
                             "community %s not found in the registry", community);
    s->snapshot.communities = s->boards;
    s->snapshot.n_communities = s->n;
    s->snapshot.district = s->district;
    return 0;
}

/* snapshot, and gates (its table entry has an arg): the community's board alone. */
void tally_db_snapshot(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Tally__SnapshotQuery *q = msg;
    s_read_t s;
    if (s_read(c, call, q->community, q->subdistrict, &s) == 0) {
        Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
        if (call->handler && call->handler->arg) {
            reply.result_case = HJ__TALLY__REPLY__RESULT_BOARD;
            reply.board = s.boards[0];
        } else {
            reply.result_case = HJ__TALLY__REPLY__RESULT_SNAPSHOT;
            reply.snapshot = &s.snapshot;
        }
        hj_call_reply(call, &reply.base, NULL);
    }
    s_read_free(&s);
}

void tally_db_journal(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Tally__JournalQuery *q = msg;
    char state[6], after[24], limit[16];
    snprintf(after, sizeof after, "%llu", (unsigned long long)q->after);
    snprintf(limit, sizeof limit, "%u", q->limit ? q->limit : 100);
    const char *v[2] = {after, limit};
    /* An index range of seq, and the head by the seq index's last entry. */
    PGresult *r =
        hj_call_q(call, c, "the journal", "",
                  "SELECT " HJ_JOURNAL_EVENT_COLUMNS ", (SELECT max(seq) FROM bus.journal) "
                  "FROM bus.journal WHERE seq > $1::bigint AND seq <= $1::bigint + $2::int "
                  "ORDER BY seq",
                  2, v);
    if (!r)
        return;
    int n = PQntuples(r);
    Hj__Tally__JournalEvents out = HJ__TALLY__JOURNAL_EVENTS__INIT;
    Hj__Event *events = calloc((size_t)(n ? n : 1), sizeof *events);
    Hj__Event **list = calloc((size_t)(n ? n : 1), sizeof *list);
    char(*topics)[256] = calloc((size_t)(n ? n : 1), sizeof *topics);
    int made = 0;
    if (events && list && topics)
        for (; made < n; made++) {
            if (hj_journal_event(r, made, &events[made], topics[made], sizeof topics[made]) != 0) {
                hj_journal_event_clear(&events[made]);
                break;
            }
            list[made] = &events[made];
        }
    if (made == n) {
        if (n)
            out.head = strtoull(PQgetvalue(r, 0, 9), NULL, 10);
        else {
            /* Nothing after `after`: the head says how far the journal goes. */
            PGresult *h = hj_pq(c, state, "SELECT COALESCE(max(seq), 0) FROM bus.journal", 0, NULL);
            out.head = h ? strtoull(PQgetvalue(h, 0, 0), NULL, 10) : 0;
            PQclear(h);
        }
        out.events = list;
        out.n_events = (size_t)n;
        Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
        reply.result_case = HJ__TALLY__REPLY__RESULT_JOURNAL;
        reply.journal = &out;
        hj_call_reply(call, &reply.base, NULL);
    } else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory reading the journal");
    for (int i = 0; i < made; i++)
        hj_journal_event_clear(&events[i]);
    free(events);
    free(list);
    free(topics);
    PQclear(r);
}

/* 0 when the board knows the community (the registry journaled it), else -1
 * with NOT_FOUND (field community) or the database error. */
int tally_db_community_known(PGconn *c, hj_call_t *call, const char *community)
{
    const char *v[1] = {community};
    PGresult *r = hj_call_q(call, c, "the community", "",
                            "SELECT 1 FROM tally.community WHERE code = $1", 1, v);
    if (!r)
        return -1;
    int known = PQntuples(r) == 1;
    PQclear(r);
    if (!known)
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "community",
                             "community %s not found in the registry", community);
    return 0;
}

/* ---- elections ------------------------------------------------------------------ */

/* Replies with the election (its gates judged now) and journals it as `kind`. */
static void s_election_reply(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                             const char *community, const char *id, const char *kind)
{
    char today[11];
    tally_board_t *b = malloc(sizeof *b);
    tally_board_msg_t *m = malloc(sizeof *m);
    hj_date_today(today);
    int found = b && m ? board_load(c, profiles, community, today, id, b) : -1;
    if (found <= 0 || b->n_elections != 1) {
        hj_call_sql_failed(call, "", "the election", "");
    } else {
        board_message(b, m);
        Hj__Tally__Election e;
        board_election_message(&b->elections[0], community, &e);
        e.gates = m->board.gates;
        e.n_gates = m->board.n_gates;
        Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
        reply.result_case = HJ__TALLY__REPLY__RESULT_ELECTION;
        reply.election = &e;
        snprintf(call->kind, sizeof call->kind, "%s", kind);
        snprintf(call->community, sizeof call->community, "%s", community);
        hj_call_reply(call, &reply.base, &e.base);
    }
    free(m);
    free(b);
}

void tally_db_schedule(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__ElectionSchedule *s = msg;
    char seats[16];
    if (tally_db_caught_up(c, call) != 0 || tally_db_community_known(c, call, s->community) != 0)
        return;
    snprintf(seats, sizeof seats, "%u", s->seats);
    const tally_profile_t *profile = tally_profile_of(profiles, s->body);
    const char *mode = s->mode[0] ? s->mode : "ordinary";
    int allowed = 0;
    for (int m = 0; m < TALLY_MODE_COUNT; m++)
        allowed |=
            profile->mode_allowed[m] && strcmp(mode, tally_profile_mode_name((tally_mode_t)m)) == 0;
    if (!allowed) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "mode",
                      "profile %s does not allow voting in %s mode", profile->name, mode);
        return;
    }
    const char *v[8] = {call->request_id, s->community, s->body, s->date, seats,
                        profile->name,    call->actor,  mode};
    /* The same body's election again, while still only scheduled, moves it. */
    PGresult *r = hj_call_q(
        call, c, "the election", "",
        "INSERT INTO tally.election (id, community, body, election_date, seats, profile, "
        "scheduled_by, mode) VALUES ($1, $2, $3, $4::date, $5::int, $6, $7, $8) "
        "ON CONFLICT (community, body) DO UPDATE SET election_date = EXCLUDED.election_date, "
        "seats = EXCLUDED.seats, mode = EXCLUDED.mode WHERE tally.election.state = 'scheduled' "
        "RETURNING id",
        8, v);
    if (!r)
        return;
    char id[37] = "";
    if (PQntuples(r) == 1)
        snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!id[0]) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "the %s election of %s is already open: it can no longer be "
                      "rescheduled",
                      s->body, s->community);
        return;
    }
    hj_info("%s election of %s scheduled for %s, %u seats", s->body, s->community, s->date,
            s->seats);
    s_election_reply(c, call, profiles, s->community, id, "election_scheduled");
}

/* "N gates red (a, b): a: reason; b: reason" — the names first, so they
 * survive when the reasons do not all fit. */
static void s_refuse_red(hj_call_t *call, const Hj__Tally__ElectionOpen *o, const tally_board_t *b,
                         const int red[TALLY_GATES], int n_red)
{
    char names[160] = "", reasons[512] = "";
    size_t nl = 0, rl = 0;
    for (int i = 0; i < TALLY_GATES; i++) {
        if (!red[i])
            continue;
        nl += (size_t)snprintf(names + nl, nl < sizeof names ? sizeof names - nl : 0, "%s%s",
                               nl ? ", " : "", tally_gate_name(i + 1));
        if (rl < sizeof reasons)
            rl += (size_t)snprintf(reasons + rl, sizeof reasons - rl, "%s%s", rl ? "; " : "",
                                   b->gates[i].reason);
    }
    hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "gates",
                  "the %s election of %s cannot open: %d %s red (%s): %s", o->body, o->community,
                  n_red, n_red == 1 ? "gate is" : "gates are", names, reasons);
}

void tally_db_open(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__ElectionOpen *o = msg;
    char state[6], today[11], id[37];
    if (tally_db_caught_up(c, call) != 0)
        return;
    const char *v[2] = {o->community, o->body};
    PGresult *r =
        hj_call_q(call, c, "the election", "",
                  "SELECT id, state FROM tally.election WHERE community = $1 AND body = $2 "
                  "FOR UPDATE",
                  2, v);
    if (!r)
        return;
    int found = PQntuples(r) == 1, open = found && strcmp(PQgetvalue(r, 0, 1), "open") == 0;
    if (found)
        snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!found) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "body",
                      "no %s election is scheduled for %s (hj election schedule)", o->body,
                      o->community);
        return;
    }
    if (open) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "state",
                      "the %s election of %s is already open", o->body, o->community);
        return;
    }
    if (o->n_overrides && !tally_may_override(call->identity)) {
        hj_status_set(&call->status, HJ__CODE__PERMISSION_DENIED, "overrides",
                      "only the district may override a gate");
        return;
    }

    /* Judge this election's gates as of now. */
    tally_board_t *b = malloc(sizeof *b);
    if (!b) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        return;
    }
    hj_date_today(today);
    if (board_load(c, profiles, o->community, today, id, b) <= 0) {
        free(b);
        hj_call_sql_failed(call, state, "the gates", "");
        return;
    }
    int red[TALLY_GATES] = {0}, n_red = 0;
    for (int i = 0; i < TALLY_GATES; i++)
        red[i] = !b->gates[i].green;
    for (size_t i = 0; i < o->n_overrides; i++) {
        int g = o->overrides[i]->gate;
        if (!red[g - 1]) {
            hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "overrides",
                          "gate %s is green (%s): only a red gate is overridden",
                          tally_gate_name(g), b->gates[g - 1].reason);
            free(b);
            return;
        }
        red[g - 1] = 0;
    }
    for (int i = 0; i < TALLY_GATES; i++)
        n_red += red[i];
    if (n_red) {
        s_refuse_red(call, o, b, red, n_red);
        free(b);
        return;
    }
    free(b);

    const char *w[2] = {id, call->actor};
    if (hj_call_exec(call, c, "the election", "",
                     "UPDATE tally.election SET state = 'open', opened_by = $2, opened_at = now() "
                     "WHERE id = $1",
                     2, w) != 0)
        return;
    for (size_t i = 0; i < o->n_overrides; i++) {
        char gate[8];
        snprintf(gate, sizeof gate, "%d", (int)o->overrides[i]->gate);
        const char *x[4] = {id, gate, o->overrides[i]->reason, call->actor};
        if (hj_call_exec(call, c, "the override", "",
                         "INSERT INTO tally.gate_override (election, gate, reason, actor) "
                         "VALUES ($1, $2::smallint, $3, $4)",
                         4, x) != 0)
            return;
        hj_warn("%s election of %s: gate %s overridden by %s: %s", o->body, o->community,
                tally_gate_name(o->overrides[i]->gate), call->actor, o->overrides[i]->reason);
    }
    hj_info("%s election of %s opened by %s", o->body, o->community, call->actor);
    s_election_reply(c, call, profiles, o->community, id, "election_opened");
}
