/* The progress briefing's figures (tally.proto Briefing, sql/010_reports.sql).
 *
 * Counters are the boards' own: every community in scope is judged with
 * board_load, the code that makes `hj board`, and summed. The lists (pushes,
 * rectifications, upgrades, audits, bodies, plans, training) are read from
 * the same projection. The projection's tables are named without a schema:
 * now they are tally's; as known on a past day they are the views of
 * tally_known over that day's snapshot, as of a past day those of
 * tally_dated (sql/018), named by a search_path set inside a savepoint (in
 * a transaction of its own when the read has none) that is rolled back
 * before the reply leaves; the full replay (the check) fills
 * tally_asof with board_replay there. */
#include "audit.pb-c.h"
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"
#include "tally.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Communities in scope: $1 = '' (the district) or their subdistrict. */
#define S_IN_SCOPE(col) "($1 = '' OR " col " = $1)"

typedef struct {
    PGconn *c;
    hj_arena_t *a;
    const char *sub;
    char state[6];
    int failed;
} s_ctx_t;

/* Runs a scoped query ($1 = the subdistrict); the result lives in the arena. */
static PGresult *s_query(s_ctx_t *x, const char *sql)
{
    if (x->failed)
        return NULL;
    const char *v[1] = {x->sub};
    PGresult *r = hj_arena_keep(x->a, hj_pq(x->c, x->state, sql, 1, v));
    if (!r)
        x->failed = 1;
    return r;
}

/* An array of n zeroed messages of `size` bytes and its pointer array. */
static void **s_array(s_ctx_t *x, size_t n, size_t size)
{
    void **ptrs = hj_arena_alloc(x->a, (n ? n : 1) * sizeof *ptrs);
    char *items = hj_arena_alloc(x->a, (n ? n : 1) * size);
    if (!ptrs || !items) {
        x->failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ptrs[i] = items + i * size;
    return ptrs;
}

/* r's rows as messages of desc, each field from the column named as it
 * (hj_pgrow_list), and their number in *n; NULL (failed set) when r is. */
static void **s_rows(s_ctx_t *x, PGresult *r, const ProtobufCMessageDescriptor *desc, size_t *n)
{
    void **list = r ? hj_pgrow_list(x->a, r, PQntuples(r), desc) : NULL;
    *n = list ? (size_t)PQntuples(r) : 0;
    if (!list)
        x->failed = 1;
    return list;
}

/* An audit state's word (audit.proto State), lower case: planned … published. */
static const char *s_audit_state(s_ctx_t *x, int state)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&hj__audit__state__descriptor, state);
    if (!v)
        return "";
    char *word = hj_arena_alloc(x->a, strlen(v->name) + 1);
    if (!word)
        return "";
    for (size_t i = 0; v->name[i]; i++)
        word[i] = (char)tolower((unsigned char)v->name[i]);
    return word;
}

/* ---- the boards, summed ---------------------------------------------------- */

static void s_boards(s_ctx_t *x, const tally_profiles_t *profiles, const char *today,
                     Hj__Tally__Briefing *b)
{
    PGresult *r =
        s_query(x, "SELECT code FROM community WHERE " S_IN_SCOPE("subdistrict") " ORDER BY code");
    tally_board_t *board = malloc(sizeof *board);
    Hj__Tally__KindCount **red = (void *)s_array(x, TALLY_GATES, sizeof(Hj__Tally__KindCount));
    if (!r || !board || !red) {
        x->failed = 1;
        free(board);
        return;
    }
    for (int g = 0; g < TALLY_GATES; g++) {
        hj__tally__kind_count__init(red[g]);
        red[g]->kind = (char *)tally_gate_name(g + 1);
    }
    for (int i = 0; i < PQntuples(r) && !x->failed; i++) {
        int found = board_load(x->c, profiles, PQgetvalue(r, i, 0), today, "", board);
        if (found < 0) {
            x->failed = 1;
            break;
        }
        if (!found)
            continue;
        const Hj__Tally__Counters *k = &board->counters;
        int red_gates = 0;
        for (int g = 1; g <= TALLY_GATES; g++) {
            const char *reason, *actor;
            if (board_gate_state(board, g, &reason, &actor) == HJ__TALLY__GATE_STATE__RED) {
                red[g - 1]->count++;
                red_gates++;
            }
        }
        b->communities++;
        b->all_green += red_gates == 0;
        b->members_sitting += k->members_sitting;
        b->members_assessed += k->members_assessed;
        b->reserve_active += k->reserve_active;
        b->reserve_nominated += k->reserve_nominated;
        b->reserve_cleared += k->reserve_cleared;
        b->audit_open_findings += k->audit_open_findings;
        b->talks_survey += k->talks_survey;
        b->talks_preparation += k->talks_preparation;
        b->talks_other += k->talks_other;
        b->talk_covered += k->talk_covered;
        b->training_required += k->training_required;
        b->training_done += k->training_done;
        b->tasks_overdue += k->tasks_overdue;
        b->rectification_open += k->rectification_open;
        for (size_t j = 0; j < board->n_elections; j++) {
            const tally_election_t *e = &board->elections[j];
            b->elections_certified += strcmp(e->state, "certified") == 0;
            b->seats_vacant += e->vacant;
            b->seats_reduced += e->reduced;
            if (e->vacancy_due[0] &&
                (!b->vacancy_due[0] || strcmp(e->vacancy_due, b->vacancy_due) < 0)) {
                char *due = hj_arena_alloc(x->a, sizeof e->vacancy_due);
                if (due)
                    b->vacancy_due = strcpy(due, e->vacancy_due);
            }
        }
    }
    free(board);
    b->red_by_gate = red;
    b->n_red_by_gate = TALLY_GATES;
}

/* ---- the lists ------------------------------------------------------------------ */

static void s_publicity(s_ctx_t *x, Hj__Tally__Briefing *b)
{
    PGresult *r = s_query(
        x, "SELECT kind, channel, count(*), COALESCE(sum(count), 0) FROM publicity "
           "WHERE " S_IN_SCOPE(
               "subdistrict") " GROUP BY kind, channel "
                              "ORDER BY array_position(ARRAY['slogan', 'policy_reading', "
                              "'election_discipline', 'good_practice', 'other'], kind), kind, "
                              "array_position(ARRAY['screen', 'wechat_group', 'notice_board', "
                              "'other'], "
                              "channel), channel");
    size_t n = r ? (size_t)PQntuples(r) : 0;
    Hj__Tally__BriefingPublicity **p = (void *)s_array(x, n, sizeof(Hj__Tally__BriefingPublicity));
    if (!p)
        return;
    for (size_t i = 0; i < n; i++) {
        hj__tally__briefing_publicity__init(p[i]);
        p[i]->kind = PQgetvalue(r, (int)i, 0);
        p[i]->channel = PQgetvalue(r, (int)i, 1);
        p[i]->records = election_u32(r, (int)i, 2);
        p[i]->count = election_u32(r, (int)i, 3);
    }
    b->publicity = p;
    b->n_publicity = n;
}

/* Rows of (community, community_name, what, state, day) as items;
 * state_is_audit maps the audit's state number to its word. */
static Hj__Tally__BriefingItem **s_items(s_ctx_t *x, const char *sql, int state_is_audit, size_t *n)
{
    Hj__Tally__BriefingItem **it =
        (void *)s_rows(x, s_query(x, sql), &hj__tally__briefing_item__descriptor, n);
    for (size_t i = 0; state_is_audit && i < *n; i++)
        it[i]->state = (char *)s_audit_state(x, atoi(it[i]->state));
    return it;
}

/* Survey-phase talks by whom they were with (interviews.proto OutsideRole). */
static void s_survey_with(s_ctx_t *x, Hj__Tally__Briefing *b)
{
    static const char *const words[] = {"registry_person",  "property_company",
                                        "owners_committee", "resident_representative",
                                        "party_member",     "other_party"};
    const size_t n_words = sizeof words / sizeof words[0];
    PGresult *r =
        s_query(x, "SELECT CASE WHEN NOT t.outside THEN 0 WHEN t.outside_role BETWEEN 1 AND 4 "
                   "THEN t.outside_role ELSE 5 END AS k, count(*) FROM talk t JOIN community c "
                   "ON c.code = t.community WHERE t.phase = 1 AND " S_IN_SCOPE(
                       "c.subdistrict") " GROUP BY k ORDER BY k");
    size_t n = r ? (size_t)PQntuples(r) : 0;
    Hj__Tally__KindCount **k = (void *)s_array(x, n, sizeof(Hj__Tally__KindCount));
    if (!k)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t w = (size_t)atoi(PQgetvalue(r, (int)i, 0));
        hj__tally__kind_count__init(k[i]);
        k[i]->kind = (char *)words[w < n_words ? w : n_words - 1];
        k[i]->count = election_u32(r, (int)i, 1);
    }
    b->survey_with = k;
    b->n_survey_with = n;
}

static void s_bodies(s_ctx_t *x, Hj__Tally__Briefing *b)
{
    PGresult *r = s_query(
        x, "SELECT b.kind, b.name, b.leader_name AS leader, (SELECT count(*) FROM body_member m "
           "WHERE m.body_id = b.id) AS members, (SELECT count(*) FROM guidance g WHERE g.body_id = "
           "b.id) AS communities, b.formed_on "
           "FROM body b WHERE b.kind IN ('leadership_group', 'office', 'guidance_group') "
           "AND " S_IN_SCOPE(
               "b.subdistrict") " ORDER BY array_position(ARRAY['leadership_group', 'office', "
                                "'guidance_group'], b.kind), b.formed_on, b.name, b.id");
    b->bodies = (void *)s_rows(x, r, &hj__tally__briefing_body__descriptor, &b->n_bodies);
    PGresult *k =
        s_query(x, "SELECT count(*) FROM body b JOIN community c ON c.code = b.community "
                   "WHERE b.kind = 'election_committee' AND " S_IN_SCOPE("c.subdistrict"));
    if (k)
        b->election_committees = election_u32(k, 0, 0);
}

/* The subdistrict plans first, then each community's: the version in force,
 * else the latest. */
static void s_plans(s_ctx_t *x, Hj__Tally__Briefing *b)
{
    PGresult *r = s_query(
        x,
        "SELECT DISTINCT ON (COALESCE(p.community, ''), p.subdistrict) p.id, "
        "COALESCE(p.community, '') AS community, COALESCE(c.name, '') AS community_name, p.title, "
        "p.version, p.state, p.submitted_on, p.in_force_on FROM plan p "
        "LEFT JOIN community c ON c.code = p.community "
        "WHERE (p.community IS NULL AND " S_IN_SCOPE(
            "p.subdistrict") ") OR (p.community IS NOT NULL "
                             "AND " S_IN_SCOPE(
                                 "c.subdistrict") ") ORDER BY COALESCE(p.community, ''), "
                                                  "p.subdistrict, "
                                                  "p.state = 'in_force' DESC, p.version DESC");
    b->plans = (void *)s_rows(x, r, &hj__tally__briefing_plan__descriptor, &b->n_plans);
    for (size_t i = 0; i < b->n_plans && !x->failed; i++) {
        const char *v[1] = {PQgetvalue(r, (int)i, 0)};
        PGresult *s = hj_arena_keep(
            x->a,
            hj_pq(x->c, x->state,
                  "SELECT name, state, day FROM plan_step WHERE plan = $1::uuid ORDER BY position",
                  1, v));
        b->plans[i]->steps =
            (void *)s_rows(x, s, &hj__tally__briefing_step__descriptor, &b->plans[i]->n_steps);
    }
}

static void s_trainings(s_ctx_t *x, Hj__Tally__Briefing *b)
{
    PGresult *r = s_query(
        x, "SELECT t.day, COALESCE(t.community, '') AS community, COALESCE(c.name, '') AS "
           "community_name, t.topics, t.trainer, t.attendees FROM training t LEFT JOIN community c "
           "ON c.code = t.community WHERE " S_IN_SCOPE("t.subdistrict") " ORDER BY t.day, t.id");
    b->trainings = (void *)s_rows(x, r, &hj__tally__briefing_training__descriptor, &b->n_trainings);
}

/* Every figure of the briefing from the projection the search_path names. */
static void s_briefing(s_ctx_t *x, const tally_profiles_t *profiles, const char *day,
                       Hj__Tally__Briefing *b)
{
    PGresult *name = s_query(x, "SELECT name FROM subdistrict WHERE code = $1");
    if (name && PQntuples(name) == 1)
        b->subdistrict_name = PQgetvalue(name, 0, 0);
    s_boards(x, profiles, day, b);
    s_publicity(x, b);
    b->rectifications =
        s_items(x,
                "SELECT r.community, c.name AS community_name, r.problem AS what, r.state, "
                "r.closed_on AS day FROM rectification r JOIN community c ON c.code = r.community "
                "WHERE " S_IN_SCOPE("c.subdistrict") " ORDER BY r.community, r.id",
                0, &b->n_rectifications);
    b->upgrades =
        s_items(x,
                "SELECT u.community, c.name AS community_name, CASE u.to_type WHEN 1 THEN "
                "'branch' WHEN 2 THEN 'general_branch' WHEN 3 THEN 'committee' ELSE '' END "
                "AS what, u.state, u.decided_on AS day FROM upgrade u JOIN community c ON c.code = "
                "u.community WHERE " S_IN_SCOPE(
                    "c.subdistrict") " ORDER BY u.community, u.requested_on, u.id",
                0, &b->n_upgrades);
    b->audits =
        s_items(x,
                "SELECT c.code AS community, c.name AS community_name, a.term AS what, a.state, "
                "a.published_on AS day FROM community c JOIN LATERAL (SELECT * FROM audit y WHERE "
                "y.community = c.code ORDER BY "
                "y.period_to DESC, y.opened_on DESC, y.id LIMIT 1) a ON true WHERE " S_IN_SCOPE(
                    "c.subdistrict") " ORDER BY c.code",
                1, &b->n_audits);
    s_survey_with(x, b);
    s_bodies(x, b);
    s_plans(x, b);
    s_trainings(x, b);
}

/* The projection again from journal row 1 up to the end of `day`, into the
 * empty tally_asof tables (the reference an as-known-on briefing must
 * equal). Inside the caller's savepoint hj_asof. 0 / -1. */
static int s_replay(s_ctx_t *x, const char *day, char seq[24])
{
    size_t applied = 0;
    const char *w[1] = {day};
    PGresult *r = NULL;
    int rc = -1;
    if (hj_pq_cmd(x->c, TALLY_ASOF_SEARCH_PATH) != 0 ||
        !(r = hj_pq(x->c, x->state,
                    "SELECT COALESCE(max(seq), 0) FROM bus.journal WHERE seq IS NOT NULL AND "
                    "committed_at < ($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'",
                    1, w)))
        goto out;
    snprintf(seq, 24, "%s", PQgetvalue(r, 0, 0));
    /* A row the projection cannot take stops the fast pass; the careful one
     * skips it, as the live board did. */
    if (board_replay(x->c, strtoull(seq, NULL, 10), 0, &applied) != 0 &&
        (hj_pq_lost(x->c) || hj_pq_cmd(x->c, "ROLLBACK TO SAVEPOINT hj_asof") != 0 ||
         hj_pq_cmd(x->c, TALLY_ASOF_SEARCH_PATH) != 0 ||
         board_replay(x->c, strtoull(seq, NULL, 10), 1, &applied) != 0))
        goto out;
    hj_debug("briefing as known on %s: %zu journal rows applied again", day, applied);
    rc = 0;
out:
    PQclear(r);
    return rc;
}

/* Where the projection as known at the end of `day` is: the snapshot of
 * the nearest day at or before it, or (-1) the live projection while no row
 * of a later day has been applied. seq: the last journal row it counts. */
static int s_known_where(s_ctx_t *x, const char *day, long long *snap, char seq[24])
{
    const char *v[1] = {day};
    PGresult *r = hj_pq(x->c, x->state,
                        "SELECT CASE WHEN c.journal_day IS NULL OR c.journal_day <= $1::date "
                        "THEN -1 ELSE COALESCE((SELECT s.journal_seq FROM tally.snapshot s WHERE "
                        "s.day <= $1::date ORDER BY s.day DESC LIMIT 1), 0) END, c.journal_seq "
                        "FROM tally.cursor c",
                        1, v);
    if (!r)
        return -1;
    *snap = atoll(PQgetvalue(r, 0, 0));
    snprintf(seq, 24, "%s", *snap < 0 ? PQgetvalue(r, 0, 1) : PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* Points the projection's names at what was known at the end of `day`
 * (tally_known over its snapshot, sql/018, or tally itself) and, `dated`, at
 * the work dated on or before it as it stands now (tally_dated). Local to
 * the caller's savepoint. -1 with the call's status set. */
static int s_known(s_ctx_t *x, hj_call_t *call, const char *day, int dated, char seq[24])
{
    char snap_text[24];
    long long snap = -1;
    /* A snapshot of a day before the last one applied is final; the live
     * projection (and the dated work) must first take every committed row. */
    if (s_known_where(x, day, &snap, seq) != 0)
        goto failed;
    if (snap < 0 || dated) {
        if (tally_db_caught_up(x->c, call) != 0)
            return -1;
        if (s_known_where(x, day, &snap, seq) != 0)
            goto failed;
    }
    snprintf(snap_text, sizeof snap_text, "%lld", snap);
    const char *v[2] = {snap_text, day};
    PGresult *r = hj_pq(
        x->c, x->state,
        "SELECT set_config('hj.snap_seq', $1, true), set_config('hj.dated_on', $2, true)", 2, v);
    if (!r)
        goto failed;
    PQclear(r);
    /* The live projection is tally's own tables (the views of a snapshot cost
     * planning time for nothing). */
    static const char *const paths[2][2] = {
        {"SET LOCAL search_path = tally_known, tally, public",
         "SET LOCAL search_path = tally_dated, tally_known, tally, public"},
        {"SET LOCAL search_path = tally, public",
         "SET LOCAL search_path = tally_dated, tally, public"}};
    if (hj_pq_cmd(x->c, paths[snap < 0][dated != 0]) != 0)
        goto failed;
    return 0;
failed:
    hj_call_sql_failed(call, x->state, "the briefing's day", "");
    return -1;
}

void tally_db_briefing(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__BriefingQuery *q = msg;
    char today[11], seq[24] = "0";
    hj_arena_t arena = {0};
    s_ctx_t x = {.c = c, .a = &arena, .sub = q->subdistrict};
    const char *day = q->as_known_on[0] ? q->as_known_on : q->as_of;
    int past = day[0] != 0, in_savepoint = 0, own = 0;
    hj_date_today(today);
    Hj__Tally__Briefing b = HJ__TALLY__BRIEFING__INIT;
    b.subdistrict = q->subdistrict;
    b.as_of = past ? (char *)day : today;
    b.basis = q->as_known_on[0] ? "as_known_on" : q->as_of[0] ? "as_of" : "now";
    /* Now: every journal row committed before this call is on the board. */
    if (!past && tally_db_caught_up(c, call) != 0)
        return;
    const char *v[1] = {q->subdistrict};
    PGresult *r = q->subdistrict[0]
                      ? hj_pq(c, x.state, "SELECT 1 FROM tally.subdistrict WHERE code = $1", 1, v)
                      : NULL;
    if (q->subdistrict[0] && !r) {
        hj_call_sql_failed(call, x.state, "the subdistrict", "subdistrict");
        return;
    }
    int known = !r || PQntuples(r) == 1;
    PQclear(r);
    if (!known) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "subdistrict", "no subdistrict %s",
                      q->subdistrict);
        return;
    }
    if (past) {
        /* Nothing of the past's reading outlives the savepoint, nor the
         * transaction a read runs in only for it (hj_pq_begin). */
        if (hj_pq_begin(c, &own) != 0) {
            hj_call_sql_failed(call, "", "the as-of reading", "");
            return;
        }
        in_savepoint = 1;
        if (hj_pq_cmd(c, "SAVEPOINT hj_asof") != 0) {
            hj_call_sql_failed(call, "", "the as-of reading", "");
            goto out;
        }
        if (q->full_replay) {
            if (s_replay(&x, day, seq) != 0)
                x.failed = 1;
        } else if (s_known(&x, call, day, q->as_of[0] != 0, seq) != 0)
            goto out;
    } else if ((r = hj_pq(c, x.state, "SELECT journal_seq FROM tally.cursor", 0, NULL))) {
        snprintf(seq, sizeof seq, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
    } else
        x.failed = 1;
    b.journal_seq = strtoull(seq, NULL, 10);
    if (!x.failed)
        s_briefing(&x, profiles, b.as_of, &b);
    if (x.failed)
        hj_call_sql_failed(call, x.state, "the briefing", "");
    else {
        Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
        reply.result_case = HJ__TALLY__REPLY__RESULT_BRIEFING;
        reply.briefing = &b;
        hj_call_reply(call, &reply.base, NULL);
    }
out:
    /* Rolling back also restores the search_path and settings (LOCAL). */
    if (in_savepoint && !hj_pq_lost(c) &&
        (own ? hj_pq_end(c, own, 0) != 0
             : hj_pq_cmd(c, "ROLLBACK TO SAVEPOINT hj_asof") != 0 ||
                   hj_pq_cmd(c, "RELEASE SAVEPOINT hj_asof") != 0) &&
        call->status.code == HJ__CODE__OK)
        hj_call_sql_failed(call, "", "the as-of reading", "");
    hj_arena_free(&arena);
}
