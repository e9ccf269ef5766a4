/* The board: a community's facts and counters from the projection, its
 * gates judged (gates.c), the district totals, and the catch-up
 * transaction that applies journal rows and stores what changed. */
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static const char *const s_audit_states[] = {"",          "planned",  "fieldwork", "draft_report",
                                             "completed", "published"};
static const char *const s_org_types[] = {"", "branch", "general_branch", "committee"};

static void s_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* ---- one community ---------------------------------------------------------- */

/* What tells a green gate with nothing recorded from one whose items are all
 * done, and the ledger's size (a measure without a gate). */
static int s_states(PGconn *c, const char *code, tally_board_t *b)
{
    char state[6];
    const char *v[1] = {code};
    PGresult *r = hj_pq(c, state,
                        "SELECT (SELECT count(*) FROM rectification WHERE community = $1 AND "
                        "state = 'closed'), (SELECT count(*) FROM upgrade WHERE community = $1 "
                        "AND state IN ('approved', 'rejected')), (SELECT count(*) FROM reserve "
                        "WHERE community = $1)",
                        1, v);
    if (!r)
        return -1;
    b->counters.rectification_closed = b->facts.rectification_closed = election_u32(r, 0, 0);
    b->counters.upgrades_decided = b->facts.upgrades_decided = election_u32(r, 0, 1);
    b->counters.reserve_entries = election_u32(r, 0, 2);
    b->counters.election_committee = b->facts.committee_recorded;
    PQclear(r);
    return 0;
}

#define S_FACTS_SQL                                                                                \
    "SELECT c.code, c.name, c.subdistrict, "                                                       \
    "COALESCE((SELECT b.name FROM guidance g JOIN body b ON b.id = g.body_id "                     \
    "WHERE g.community = c.code), ''), "                                                           \
    "(SELECT count(*) FROM reserve r WHERE r.community = c.code AND r.status = 'active'), "        \
    "(SELECT count(*) FROM reserve r WHERE r.community = c.code AND r.status <> "                  \
    "'withdrawn' AND r.vetting = 'cleared'), "                                                     \
    "(SELECT count(*) FROM reserve r WHERE r.community = c.code AND r.status = "                   \
    "'nominated'), "                                                                               \
    "(SELECT count(DISTINCT s.person_id) FROM seat s WHERE s.community = c.code AND "              \
    "s.sitting), "                                                                                 \
    "(SELECT count(DISTINCT s.person_id) FROM seat s WHERE s.community = c.code AND "              \
    "s.sitting AND EXISTS (SELECT 1 FROM assessment a WHERE a.seat_id = s.id)), "                  \
    "t.survey, t.preparation, t.other, t.outside, t.follow_ups, "                                  \
    "(SELECT count(DISTINCT s.person_id) FROM seat s WHERE s.community = c.code AND "              \
    "s.sitting AND EXISTS (SELECT 1 FROM talk k WHERE k.community = c.code AND "                   \
    "k.phase = 2 AND k.person_id = s.person_id)), "                                                \
    "EXISTS (SELECT 1 FROM body b WHERE b.kind = 'election_committee' AND "                        \
    "b.community = c.code), "                                                                      \
    "(SELECT count(DISTINCT m.person_id) FROM body b JOIN body_member m ON "                       \
    "m.body_id = b.id WHERE b.kind = 'election_committee' AND b.community = c.code), "             \
    "(SELECT count(DISTINCT m.person_id) FROM body b JOIN body_member m ON "                       \
    "m.body_id = b.id WHERE b.kind = 'election_committee' AND b.community = c.code AND EXISTS "    \
    "(SELECT 1 FROM training_attendee a WHERE a.person_id = m.person_id)), "                       \
    "(SELECT count(*) FROM rectification r WHERE r.community = c.code AND r.state = "              \
    "'open'), "                                                                                    \
    "(SELECT count(*) FROM rectification r WHERE r.community = c.code AND r.state = "              \
    "'in_progress'), "                                                                             \
    "COALESCE(a.state, 0), COALESCE(a.term, ''), COALESCE(a.published_on, ''), "                   \
    "(SELECT count(*) FROM audit_scope x WHERE x.audit = a.id AND x.status = 1), "                 \
    "(SELECT count(*) FROM audit_finding x WHERE x.audit = a.id AND x.remedy = 1), "               \
    "(SELECT count(*) FROM audit_finding x JOIN audit y ON y.id = x.audit "                        \
    "WHERE y.community = c.code AND x.severity = 3 AND x.remedy = 1), "                            \
    "COALESCE(u.to_type, 0), COALESCE(u.requested_on, ''), u.id IS NOT NULL, "                     \
    "COALESCE(pf.version, 0), COALESCE(pf.in_force_on, ''), "                                      \
    "COALESCE(pl.version, 0), COALESCE(pl.state, ''), COALESCE(pl.steps_total, 0), "               \
    "COALESCE(pl.steps_approved, 0), COALESCE(pl.next_step, ''), COALESCE(pl.returned_step, ''), " \
    "(SELECT count(*) FROM task k WHERE k.community = c.code AND NOT k.done AND "                  \
    "k.due < $2::date), "                                                                          \
    "(SELECT count(*) FROM reserve r WHERE r.community = c.code AND r.status = "                   \
    "'nominated' AND r.committee = 1), "                                                           \
    "(SELECT count(*) FROM reserve r WHERE r.community = c.code AND r.status = "                   \
    "'nominated' AND r.committee = 2) "                                                            \
    "FROM community c "                                                                            \
    "LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE phase = 1) AS survey, "                      \
    "count(*) FILTER (WHERE phase = 2) AS preparation, count(*) FILTER (WHERE phase = 3) AS "      \
    "other, "                                                                                      \
    "count(*) FILTER (WHERE outside) AS outside, COALESCE(sum(open_follow_ups), 0) AS follow_ups " \
    "FROM talk k WHERE k.community = c.code) t ON true "                                           \
    "LEFT JOIN LATERAL (SELECT * FROM audit y WHERE y.community = c.code "                         \
    "ORDER BY y.period_to DESC, y.opened_on DESC, y.id LIMIT 1) a ON true "                        \
    "LEFT JOIN LATERAL (SELECT * FROM upgrade y WHERE y.community = c.code AND "                   \
    "y.state = 'requested' ORDER BY y.requested_on DESC LIMIT 1) u ON true "                       \
    "LEFT JOIN LATERAL (SELECT * FROM plan y WHERE y.community = c.code AND "                      \
    "y.state = 'in_force' ORDER BY y.version DESC LIMIT 1) pf ON true "                            \
    "LEFT JOIN LATERAL (SELECT * FROM plan y WHERE y.community = c.code "                          \
    "ORDER BY y.version DESC LIMIT 1) pl ON true "                                                 \
    "WHERE c.code = $1"

static void s_facts_row(PGresult *r, tally_board_t *b)
{
    Hj__Tally__Counters *k = &b->counters;
    tally_facts_t *f = &b->facts;
    s_copy(b->code, sizeof b->code, PQgetvalue(r, 0, 0));
    s_copy(b->name, sizeof b->name, PQgetvalue(r, 0, 1));
    s_copy(b->subdistrict, sizeof b->subdistrict, PQgetvalue(r, 0, 2));
    s_copy(b->guidance_group, sizeof b->guidance_group, PQgetvalue(r, 0, 3));
    k->reserve_active = election_u32(r, 0, 4);
    k->reserve_cleared = election_u32(r, 0, 5);
    k->reserve_nominated = election_u32(r, 0, 6);
    k->members_sitting = f->members_sitting = election_u32(r, 0, 7);
    k->members_assessed = election_u32(r, 0, 8);
    k->talks_survey = election_u32(r, 0, 9);
    k->talks_preparation = election_u32(r, 0, 10);
    k->talks_other = election_u32(r, 0, 11);
    k->outside_parties_talked_to = election_u32(r, 0, 12);
    k->open_follow_ups = election_u32(r, 0, 13);
    k->talk_covered = f->talk_covered = election_u32(r, 0, 14);
    f->committee_recorded = PQgetvalue(r, 0, 15)[0] == 't';
    k->training_required = f->training_required = election_u32(r, 0, 16);
    k->training_done = f->training_done = election_u32(r, 0, 17);
    f->rectification_open = election_u32(r, 0, 18);
    f->rectification_in_progress = election_u32(r, 0, 19);
    k->rectification_open = f->rectification_open + f->rectification_in_progress;
    f->audit_state = atoi(PQgetvalue(r, 0, 20));
    if (f->audit_state < 0 || f->audit_state > 5)
        f->audit_state = 0;
    s_copy(b->audit_state, sizeof b->audit_state, s_audit_states[f->audit_state]);
    k->audit_state = b->audit_state;
    s_copy(f->audit_term, sizeof f->audit_term, PQgetvalue(r, 0, 21));
    s_copy(f->audit_published_on, sizeof f->audit_published_on, PQgetvalue(r, 0, 22));
    f->audit_not_examined = election_u32(r, 0, 23);
    k->audit_open_findings = election_u32(r, 0, 24);
    k->audit_serious_open = election_u32(r, 0, 25);
    int to = atoi(PQgetvalue(r, 0, 26));
    s_copy(f->upgrade_to, sizeof f->upgrade_to, s_org_types[to >= 0 && to <= 3 ? to : 0]);
    s_copy(f->upgrade_requested_on, sizeof f->upgrade_requested_on, PQgetvalue(r, 0, 27));
    f->upgrade_pending = PQgetvalue(r, 0, 28)[0] == 't';
    f->plan_in_force_version = election_u32(r, 0, 29);
    s_copy(f->plan_in_force_on, sizeof f->plan_in_force_on, PQgetvalue(r, 0, 30));
    f->plan_version = election_u32(r, 0, 31);
    s_copy(f->plan_state, sizeof f->plan_state, PQgetvalue(r, 0, 32));
    s_copy(b->plan_state, sizeof b->plan_state, PQgetvalue(r, 0, 32));
    k->plan_state = b->plan_state;
    f->plan_steps_total = election_u32(r, 0, 33);
    f->plan_steps_approved = election_u32(r, 0, 34);
    s_copy(f->plan_next_step, sizeof f->plan_next_step, PQgetvalue(r, 0, 35));
    s_copy(f->plan_returned_step, sizeof f->plan_returned_step, PQgetvalue(r, 0, 36));
    k->tasks_overdue = election_u32(r, 0, 37);
    b->nominated[0] = election_u32(r, 0, 38);
    b->nominated[1] = election_u32(r, 0, 39);
}

static int s_publicity(PGconn *c, const char *code, tally_board_t *b)
{
    char state[6];
    const char *v[1] = {code};
    /* The community's own pushes and those to its whole subdistrict: two
     * disjoint parts, each read from its covering index (sql/019); an OR in
     * the join read every page holding one of them. */
    PGresult *r = hj_pq(c, state,
                        "SELECT kind, sum(count) FROM (SELECT p.kind, p.count FROM publicity p "
                        "WHERE p.community = $1 UNION ALL SELECT p.kind, p.count FROM community c "
                        "JOIN publicity p ON p.subdistrict = c.subdistrict AND p.community IS NULL "
                        "WHERE c.code = $1) x GROUP BY kind ORDER BY kind",
                        1, v);
    if (!r)
        return -1;
    Hj__Tally__Counters *k = &b->counters;
    k->publicity_by_kind = b->kinds;
    for (int i = 0; i < PQntuples(r) && i < 8; i++) {
        Hj__Tally__KindCount *kc = &b->kind[i];
        hj__tally__kind_count__init(kc);
        s_copy(b->kind_name[i], sizeof b->kind_name[i], PQgetvalue(r, i, 0));
        kc->kind = b->kind_name[i];
        kc->count = election_u32(r, i, 1);
        k->publicity_pushes += kc->count;
        b->kinds[k->n_publicity_by_kind++] = kc;
    }
    PQclear(r);
    return 0;
}

static int s_elections(PGconn *c, const tally_profiles_t *profiles, const char *code,
                       const char *election_id, tally_board_t *b)
{
    char state[6];
    const char *v[2] = {code, election_id};
    PGresult *r =
        hj_pq(c, state,
              "SELECT e.id, e.body, e.state, to_char(e.election_date, 'YYYY-MM-DD'), e.seats, "
              "e.profile, e.opened_by, COALESCE(to_char(e.opened_at AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), e.mode, (SELECT count(*) FROM "
              "tally.candidate k WHERE k.election = e.id), e.certified_by, "
              "COALESCE(to_char(e.certified_at AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
              "(SELECT COALESCE(sum(x.seats) FILTER (WHERE x.kind = 'vacant'), 0) || ',' || "
              "COALESCE(sum(x.seats) FILTER (WHERE x.kind = 'reduced'), 0) || ',' || "
              "COALESCE(to_char(min(x.due_on), 'YYYY-MM-DD'), '') FROM tally.seat_closure x "
              "WHERE x.election = e.id) FROM tally.election e "
              "WHERE e.community = $1 AND ($2 = '' OR e.id::text = $2) "
              "ORDER BY e.election_date, e.body",
              2, v);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r) && b->n_elections < TALLY_ELECTIONS_MAX; i++) {
        tally_election_t *e = &b->elections[b->n_elections++];
        s_copy(e->id, sizeof e->id, PQgetvalue(r, i, 0));
        s_copy(e->body, sizeof e->body, PQgetvalue(r, i, 1));
        s_copy(e->state, sizeof e->state, PQgetvalue(r, i, 2));
        s_copy(e->date, sizeof e->date, PQgetvalue(r, i, 3));
        e->seats = election_u32(r, i, 4);
        s_copy(e->profile, sizeof e->profile, PQgetvalue(r, i, 5));
        s_copy(e->opened_by, sizeof e->opened_by, PQgetvalue(r, i, 6));
        s_copy(e->opened_at, sizeof e->opened_at, PQgetvalue(r, i, 7));
        s_copy(e->mode, sizeof e->mode, PQgetvalue(r, i, 8));
        e->listed = election_u32(r, i, 9);
        s_copy(e->certified_by, sizeof e->certified_by, PQgetvalue(r, i, 10));
        s_copy(e->certified_at, sizeof e->certified_at, PQgetvalue(r, i, 11));
        /* "vacant,reduced,due" of the seats closed (暂缺 / 减少名额) */
        char *end;
        e->vacant = (uint32_t)strtoul(PQgetvalue(r, i, 12), &end, 10);
        e->reduced = *end == ',' ? (uint32_t)strtoul(end + 1, &end, 10) : 0;
        s_copy(e->vacancy_due, sizeof e->vacancy_due, *end == ',' ? end + 1 : "");
        tally_election_facts_t *ef = &b->facts.elections[b->facts.n_elections++];
        s_copy(ef->body, sizeof ef->body, PQgetvalue(r, i, 1));
        s_copy(ef->date, sizeof ef->date, PQgetvalue(r, i, 3));
        ef->seats = e->seats;
        ef->profile = tally_profile_of(profiles, e->body);
    }
    PQclear(r);
    r = hj_pq(c, state,
              "SELECT DISTINCT ON (o.gate) o.gate, o.reason, o.actor FROM tally.gate_override o "
              "JOIN tally.election e ON e.id = o.election WHERE e.community = $1 AND "
              "e.state <> 'scheduled' ORDER BY o.gate, o.at",
              1, v);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r) && b->n_overrides < TALLY_GATES; i++) {
        tally_override_t *o = &b->overrides[b->n_overrides++];
        o->gate = atoi(PQgetvalue(r, i, 0));
        s_copy(o->reason, sizeof o->reason, PQgetvalue(r, i, 1));
        s_copy(o->actor, sizeof o->actor, PQgetvalue(r, i, 2));
    }
    PQclear(r);
    return 0;
}

int board_load(PGconn *c, const tally_profiles_t *profiles, const char *community,
               const char *today, const char *election_id, tally_board_t *b)
{
    char state[6];
    memset(b, 0, sizeof *b);
    hj__tally__counters__init(&b->counters);
    const char *v[2] = {community, today};
    PGresult *r = hj_pq(c, state, S_FACTS_SQL, 2, v);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    if (found)
        s_facts_row(r, b);
    PQclear(r);
    if (!found)
        return 0;
    if (s_publicity(c, community, b) != 0 || s_states(c, community, b) != 0 ||
        s_elections(c, profiles, community, election_id ? election_id : "", b) != 0)
        return -1;
    /* The candidates gate counts the election's candidate list, or the
     * ledger's nominated entries of its committee until there is one. */
    for (size_t i = 0; i < b->facts.n_elections; i++)
        b->facts.elections[i].candidates =
            b->elections[i].listed
                ? b->elections[i].listed
                : b->nominated[strcmp(b->facts.elections[i].body, "party") == 0 ? 0 : 1];
    r = hj_pq(c, state,
              "SELECT COALESCE(to_char(published_on, 'YYYY-MM-DD'), '') FROM tally.voter_roll "
              "WHERE community = $1",
              1, v);
    if (!r)
        return -1;
    if (PQntuples(r) == 1)
        s_copy(b->facts.voter_list_published, sizeof b->facts.voter_list_published,
               PQgetvalue(r, 0, 0));
    PQclear(r);
    tally_gates_judge(&b->facts, b->gates);
    return 1;
}

Hj__Tally__GateState board_gate_state(const tally_board_t *b, int gate, const char **reason,
                                      const char **actor)
{
    *reason = *actor = "";
    if (gate < 1 || gate > TALLY_GATES)
        return HJ__TALLY__GATE_STATE__GATE_STATE_UNSPECIFIED;
    if (b->gates[gate - 1].green)
        return HJ__TALLY__GATE_STATE__GREEN;
    for (size_t i = 0; i < b->n_overrides; i++)
        if (b->overrides[i].gate == gate) {
            *reason = b->overrides[i].reason;
            *actor = b->overrides[i].actor;
            return HJ__TALLY__GATE_STATE__OVERRIDDEN;
        }
    return HJ__TALLY__GATE_STATE__RED;
}

void board_election_message(const tally_election_t *e, const char *community,
                            Hj__Tally__Election *m)
{
    hj__tally__election__init(m);
    m->id = (char *)e->id;
    m->community = (char *)community;
    m->body = (char *)e->body;
    m->date = (char *)e->date;
    m->seats = e->seats;
    m->state = (char *)e->state;
    m->profile = (char *)e->profile;
    m->opened_by = (char *)e->opened_by;
    m->opened_at = (char *)e->opened_at;
    m->mode = (char *)e->mode;
    m->certified_by = (char *)e->certified_by;
    m->certified_at = (char *)e->certified_at;
    m->vacant = e->vacant;
    m->reduced = e->reduced;
    m->vacancy_due = (char *)e->vacancy_due;
}

void board_message(const tally_board_t *b, tally_board_msg_t *m)
{
    Hj__Tally__CommunityBoard *cb = &m->board;
    hj__tally__community_board__init(cb);
    cb->code = (char *)b->code;
    cb->name = (char *)b->name;
    cb->subdistrict = (char *)b->subdistrict;
    cb->guidance_group = (char *)b->guidance_group;
    cb->counters = (Hj__Tally__Counters *)&b->counters;
    cb->gates = m->gates;
    for (int i = 0; i < TALLY_GATES; i++) {
        Hj__Tally__Gate *g = &m->gate[i];
        const char *reason, *actor;
        hj__tally__gate__init(g);
        g->id = (Hj__Tally__GateId)(i + 1);
        g->state = board_gate_state(b, i + 1, &reason, &actor);
        g->reason = (char *)b->gates[i].reason;
        g->reason_zh = (char *)b->gates[i].reason_zh;
        g->override_reason = (char *)reason;
        g->override_actor = (char *)actor;
        cb->red_gates += g->state == HJ__TALLY__GATE_STATE__RED;
        m->gates[cb->n_gates++] = g;
    }
    cb->elections = m->elections;
    for (size_t i = 0; i < b->n_elections; i++) {
        board_election_message(&b->elections[i], b->code, &m->election[i]);
        m->elections[cb->n_elections++] = &m->election[i];
    }
    const tally_election_t *first = b->n_elections ? &b->elections[0] : NULL;
    cb->election_body = first ? (char *)first->body : "";
    cb->election_date = first ? (char *)first->date : "";
    cb->election_seats = first ? first->seats : 0;
    cb->election_state = first ? (char *)first->state : "";
}

/* ---- the district ------------------------------------------------------------- */

static void s_add_counters(Hj__Tally__Counters *t, const Hj__Tally__Counters *k)
{
    t->reserve_active += k->reserve_active;
    t->reserve_cleared += k->reserve_cleared;
    t->reserve_nominated += k->reserve_nominated;
    t->members_sitting += k->members_sitting;
    t->members_assessed += k->members_assessed;
    t->talks_survey += k->talks_survey;
    t->talks_preparation += k->talks_preparation;
    t->talks_other += k->talks_other;
    t->outside_parties_talked_to += k->outside_parties_talked_to;
    t->open_follow_ups += k->open_follow_ups;
    t->talk_covered += k->talk_covered;
    t->training_required += k->training_required;
    t->training_done += k->training_done;
    t->rectification_open += k->rectification_open;
    t->rectification_closed += k->rectification_closed;
    t->upgrades_decided += k->upgrades_decided;
    t->reserve_entries += k->reserve_entries;
    t->audit_open_findings += k->audit_open_findings;
    t->audit_serious_open += k->audit_serious_open;
    t->tasks_overdue += k->tasks_overdue;
}

/* The district totals from the stored boards, packed (tally_seq 0).
 * Publicity is counted once a push (a subdistrict-wide push is on several
 * boards): from tally.publicity_total, kept by a trigger (sql/019), not by
 * adding up the whole table on every batch. Returns malloc'd bytes, NULL on
 * error. */
static uint8_t *s_district(PGconn *c, size_t *len)
{
    char state[6];
    uint8_t *out = NULL;
    Hj__Tally__DistrictTotals d = HJ__TALLY__DISTRICT_TOTALS__INIT;
    Hj__Tally__Counters t = HJ__TALLY__COUNTERS__INIT;
    Hj__Tally__KindCount red[TALLY_GATES], *red_ptrs[TALLY_GATES], kind[8], *kind_ptrs[8];
    PGresult *r = hj_pq(c, state, "SELECT board FROM tally.board ORDER BY community", 0, NULL);
    PGresult *p = r ? hj_pq(c, state,
                            "SELECT kind, count FROM tally.publicity_total WHERE pushes > 0 "
                            "ORDER BY kind",
                            0, NULL)
                    : NULL;
    if (!p)
        goto out;
    for (int i = 0; i < TALLY_GATES; i++) {
        hj__tally__kind_count__init(&red[i]);
        red[i].kind = (char *)tally_gate_name(i + 1);
        red_ptrs[i] = &red[i];
    }
    for (int i = 0; i < PQntuples(r); i++) {
        size_t n = 0;
        uint8_t *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 0), &n);
        Hj__Tally__CommunityBoard *b =
            bytes ? hj__tally__community_board__unpack(NULL, n, bytes) : NULL;
        PQfreemem(bytes);
        if (!b)
            continue;
        d.communities++;
        d.all_green += b->red_gates == 0;
        for (size_t g = 0; g < b->n_gates; g++)
            if (b->gates[g]->state == HJ__TALLY__GATE_STATE__RED && b->gates[g]->id >= 1 &&
                b->gates[g]->id <= TALLY_GATES)
                red[b->gates[g]->id - 1].count++;
        if (b->counters)
            s_add_counters(&t, b->counters);
        hj__tally__community_board__free_unpacked(b, NULL);
    }
    t.publicity_by_kind = kind_ptrs;
    for (int i = 0; i < PQntuples(p) && i < 8; i++) {
        hj__tally__kind_count__init(&kind[i]);
        kind[i].kind = PQgetvalue(p, i, 0);
        kind[i].count = election_u32(p, i, 1);
        t.publicity_pushes += kind[i].count;
        kind_ptrs[t.n_publicity_by_kind++] = &kind[i];
    }
    d.totals = &t;
    d.n_red_by_gate = TALLY_GATES;
    d.red_by_gate = red_ptrs;
    *len = hj__tally__district_totals__get_packed_size(&d);
    if ((out = malloc(*len ? *len : 1)))
        hj__tally__district_totals__pack(&d, out);
out:
    PQclear(r);
    PQclear(p);
    return out;
}

/* ---- the catch-up --------------------------------------------------------------- */

void tally_events_free(tally_event_t **events)
{
    while (events && *events) {
        tally_event_t *e = *events;
        *events = e->next;
        free(e->body);
        free(e);
    }
}

/* Queues Event{seq, payload} for tally.<kind>.<key> after COMMIT. */
static int s_event(tally_event_t ***tail, uint64_t seq, const char *kind, const char *key,
                   const uint8_t *payload, size_t len)
{
    struct timeval tv;
    tally_event_t *e = calloc(1, sizeof *e);
    if (!e)
        return -1;
    gettimeofday(&tv, NULL);
    Hj__Event ev = HJ__EVENT__INIT;
    snprintf(e->topic, sizeof e->topic, "tally.%s.%s", kind, key);
    ev.seq = seq;
    ev.time_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
    ev.actor = "hj-tallyd";
    ev.topic = e->topic;
    ev.service = "tally";
    ev.kind = (char *)kind;
    ev.community = (char *)key;
    ev.payload.data = (uint8_t *)payload;
    ev.payload.len = len;
    e->len = hj__event__get_packed_size(&ev);
    if (!(e->body = malloc(e->len ? e->len : 1))) {
        free(e);
        return -1;
    }
    hj__event__pack(&ev, e->body);
    **tail = e;
    *tail = &e->next;
    return 0;
}

/* 1 when the stored bytes differ from bytes (or nothing is stored). */
static int s_changed(PGresult *r, int row, int col, const uint8_t *bytes, size_t len)
{
    if (!r || row >= PQntuples(r) || PQgetisnull(r, row, col))
        return 1;
    size_t n = 0;
    uint8_t *stored = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &n);
    int changed = !stored || n != len || memcmp(stored, bytes, len) != 0;
    PQfreemem(stored);
    return changed;
}

static int s_cmp_codes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where a derived message (a board, a count) is kept, by its key, and the
 * kind of its event (tally.<kind>.<key>). */
typedef struct {
    const char *kind;
    const char *select_sql; /* $1 the key: the message stored now */
    const char *upsert_sql; /* $1 the key, $2 the message, $3 its tally sequence number */
} s_derived_t;

static const s_derived_t s_board_kept = {
    "board", "SELECT board FROM tally.board WHERE community = $1",
    "INSERT INTO tally.board (community, board, tally_seq) VALUES ($1, $2, $3::bigint) "
    "ON CONFLICT (community) DO UPDATE SET board = EXCLUDED.board, "
    "tally_seq = EXCLUDED.tally_seq"};
static const s_derived_t s_count_kept = {
    "count", "SELECT count FROM tally.count WHERE election = $1::uuid",
    "INSERT INTO tally.count (election, count, tally_seq) VALUES ($1::uuid, $2, $3::bigint) "
    "ON CONFLICT (election) DO UPDATE SET count = EXCLUDED.count, "
    "tally_seq = EXCLUDED.tally_seq"};

/* Stores m under `key` when it differs from what is kept: under the next
 * tally sequence number (set in *m_seq, m's own field, too), with its event
 * queued. 1 stored, 0 unchanged, -1 error. */
static int s_store(PGconn *c, const s_derived_t *d, const char *key, ProtobufCMessage *m,
                   uint64_t *m_seq, uint64_t *tally_seq, tally_event_t ***tail)
{
    char state[6], seq[24];
    PGresult *r = NULL;
    uint8_t *bytes = NULL, *with_seq = NULL;
    int rc = -1;
    size_t len = protobuf_c_message_get_packed_size(m);
    const char *v[1] = {key};
    if (!(bytes = malloc(len ? len : 1)))
        goto out;
    protobuf_c_message_pack(m, bytes);
    if (!(r = hj_pq(c, state, d->select_sql, 1, v)))
        goto out;
    if (!s_changed(r, 0, 0, bytes, len)) {
        rc = 0;
        goto out;
    }
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)++*tally_seq);
    const char *w[3] = {key, (const char *)bytes, seq};
    int lengths[3] = {0, (int)len, 0}, formats[3] = {0, 1, 0};
    PQclear(r);
    if (!(r = hj_pqb(c, state, d->upsert_sql, 3, w, lengths, formats)))
        goto out;
    /* The event carries the message with its sequence number. */
    *m_seq = *tally_seq;
    size_t elen = protobuf_c_message_get_packed_size(m);
    if (!(with_seq = malloc(elen ? elen : 1)))
        goto out;
    protobuf_c_message_pack(m, with_seq);
    rc = s_event(tail, *tally_seq, d->kind, key, with_seq, elen) != 0 ? -1 : 1;
out:
    PQclear(r);
    free(with_seq);
    free(bytes);
    return rc;
}

/* Judges a community's board again; when it changed, stores it under the
 * next tally sequence number and queues its event. 0 / -1. */
static int s_rejudge(PGconn *c, const tally_profiles_t *profiles, const char *code,
                     const char *today, uint64_t *tally_seq, tally_event_t ***tail, int *changed)
{
    tally_board_t *b = malloc(sizeof *b);
    tally_board_msg_t *m = malloc(sizeof *m);
    int rc = -1, found;
    if (!b || !m || (found = board_load(c, profiles, code, today, "", b)) < 0)
        goto out;
    rc = 0;
    if (!found)
        goto out; /* a row named a community the registry never added */
    board_message(b, m);
    rc = s_store(c, &s_board_kept, code, &m->board.base, &m->board.tally_seq, tally_seq, tail);
    if (rc > 0)
        *changed = 1;
out:
    free(m);
    free(b);
    return rc < 0 ? -1 : 0;
}

/* Counts an election's latest round again; when the count changed, stores
 * it under the next tally sequence number and queues tally.count.<id>. */
static int s_recount(PGconn *c, const tally_profiles_t *profiles, const char *election,
                     uint64_t *tally_seq, tally_event_t ***tail)
{
    hj_arena_t a = {0};
    Hj__Tally__Count m;
    int rc = election_count(c, profiles, election, 0, &a, &m);
    /* 0: no round yet, nothing counted. */
    if (rc > 0)
        rc = s_store(c, &s_count_kept, election, &m.base, &m.tally_seq, tally_seq, tail);
    hj_arena_free(&a);
    return rc < 0 ? -1 : 0;
}

/* Before the first row of a later day the projection is exactly what was
 * known at the end of the day before: that is its snapshot (sql/018). */
static int s_snapshot(PGconn *c, char day[11], const char *row_day, uint64_t journal_seq,
                      projection_sets_t *sets)
{
    char state[6], seq[24];
    if (day[0] && journal_seq > 0 && strcmp(row_day, day) > 0) {
        snprintf(seq, sizeof seq, "%llu", (unsigned long long)journal_seq);
        const char *v[2] = {day, seq};
        /* The snapshot copies the projection: what is gathered goes first. */
        if (projection_flush(c, sets) != 0)
            return -1;
        PGresult *r = hj_pq(c, state, "SELECT tally.make_snapshot($1::date, $2::bigint)", 2, v);
        if (!r)
            return -1;
        PQclear(r);
        hj_debug("snapshot of %s made at journal row %s", day, seq);
    }
    /* A row stamped a day earlier than one before it (committed across
     * midnight) belongs to the later day. */
    if (strcmp(row_day, day) > 0)
        snprintf(day, 11, "%s", row_day);
    return 0;
}

/* Applies the rows in order. `careful`: each under a savepoint, so a row
 * the projection cannot take (a bug, not bad luck) is logged and skipped
 * instead of stopping the board for good. Otherwise the talks, pushes and
 * tasks are written by the set (projection_flush), before anything that
 * reads the projection and at the end. `day` (the live catch-up only;
 * NULL for a replay): the day of the last row applied, a snapshot made as
 * it changes. */
static int s_apply_rows(PGconn *c, PGresult *r, int careful, uint64_t *journal_seq, char *day,
                        tally_dirty_t *dirty, size_t *applied)
{
    projection_sets_t *sets = NULL;
    int rc = -1;
    if (!careful && !(sets = projection_sets_new()))
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        uint64_t seq = strtoull(PQgetvalue(r, i, 0), NULL, 10);
        if (seq != *journal_seq + 1) {
            /* Sequence numbers are given in committed runs; never skip one. */
            hj_warn("journal row %llu follows %llu: waiting for the rows between",
                    (unsigned long long)seq, (unsigned long long)*journal_seq);
            break;
        }
        if (day && s_snapshot(c, day, PQgetvalue(r, i, 6), *journal_seq, sets) != 0)
            goto out;
        const char *service = PQgetvalue(r, i, 1), *kind = PQgetvalue(r, i, 2);
        size_t len = 0, reply_len = 0;
        uint8_t *payload = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 4), &len);
        uint8_t *reply =
            PQgetisnull(r, i, 5)
                ? NULL
                : PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 5), &reply_len);
        if (careful && hj_pq_cmd(c, "SAVEPOINT hj_row") != 0) {
            PQfreemem(payload);
            PQfreemem(reply);
            goto out;
        }
        int row = payload ? projection_apply(c, service, kind, PQgetvalue(r, i, 3), payload, len,
                                             reply, reply_len, dirty, sets)
                          : -1;
        PQfreemem(payload);
        PQfreemem(reply);
        if (careful && row < 0 && !hj_pq_lost(c)) {
            if (hj_pq_cmd(c, "ROLLBACK TO SAVEPOINT hj_row") != 0)
                goto out;
            hj_error("journal row %llu (%s %s) cannot be applied: skipped", (unsigned long long)seq,
                     service, kind);
            row = 0;
        }
        if (careful && row >= 0 && hj_pq_cmd(c, "RELEASE SAVEPOINT hj_row") != 0)
            goto out;
        if (row < 0)
            goto out;
        if (row > 0)
            hj_warn("journal row %llu (%s %s) does not decode: skipped", (unsigned long long)seq,
                    service, kind);
        *journal_seq = seq;
        (*applied)++;
    }
    rc = projection_flush(c, sets);
out:
    projection_sets_destroy(&sets);
    return rc;
}

/* The journal rows after a cursor, as projection_apply takes them (the
 * reply only where the projection wants it). */
#define S_ROWS_SQL                                                                                 \
    "SELECT seq, service, kind, community, payload, CASE WHEN service = 'audit' AND kind = "       \
    "'audit_opened' THEN reply END, to_char(committed_at AT TIME ZONE 'Asia/Shanghai', "           \
    "'YYYY-MM-DD') FROM bus.journal WHERE seq > $1::bigint "

int board_replay(PGconn *c, uint64_t last, int careful, size_t *applied)
{
    char state[6], from[24], to[24];
    uint64_t seq = 0;
    *applied = 0;
    while (seq < last) {
        tally_dirty_t dirty = {0};
        uint64_t before = seq;
        snprintf(from, sizeof from, "%llu", (unsigned long long)seq);
        snprintf(to, sizeof to, "%llu", (unsigned long long)last);
        const char *v[2] = {from, to};
        PGresult *rows =
            hj_pq(c, state, S_ROWS_SQL "AND seq <= $2::bigint ORDER BY seq LIMIT 1000", 2, v);
        int rc = rows ? s_apply_rows(c, rows, careful, &seq, NULL, &dirty, applied) : -1;
        PQclear(rows);
        tally_dirty_free(&dirty);
        if (rc != 0)
            return -1;
        if (seq == before)
            break; /* a gap in the numbering (never expected): stop there */
    }
    return 0;
}

int board_catch_up(PGconn *c, const tally_profiles_t *profiles, int batch, int careful,
                   int judge_all, tally_catch_up_t *out)
{
    char state[6], today[11], limit[24], cursor[24], day[11];
    tally_dirty_t dirty = {0};
    tally_event_t *events = NULL, **tail = &events;
    PGresult *head = NULL, *rows = NULL, *all = NULL;
    uint8_t *district = NULL;
    int changed = 0;
    memset(out, 0, sizeof *out);
    hj_date_today(today);
    if (hj_pq_cmd(c, "BEGIN") != 0)
        return -1;
    /* The lock makes a second instance wait its turn, not apply twice. */
    if (!(head = hj_pq(c, state,
                       "SELECT journal_seq, tally_seq, COALESCE(to_char(today, 'YYYY-MM-DD'), ''), "
                       "district IS NULL, COALESCE(to_char(journal_day, 'YYYY-MM-DD'), '') "
                       "FROM tally.cursor FOR UPDATE",
                       0, NULL)))
        goto fail;
    uint64_t journal_seq = strtoull(PQgetvalue(head, 0, 0), NULL, 10);
    uint64_t tally_seq = strtoull(PQgetvalue(head, 0, 1), NULL, 10);
    int new_day = strcmp(PQgetvalue(head, 0, 2), today) != 0;
    int no_district = PQgetvalue(head, 0, 3)[0] == 't';
    snprintf(day, sizeof day, "%s", PQgetvalue(head, 0, 4));
    snprintf(limit, sizeof limit, "%d", batch);
    snprintf(cursor, sizeof cursor, "%llu", (unsigned long long)journal_seq);
    const char *v[2] = {cursor, limit};
    if (!(rows = hj_pq(c, state, S_ROWS_SQL "ORDER BY seq LIMIT $2::int", 2, v)) ||
        s_apply_rows(c, rows, careful, &journal_seq, day, &dirty, &out->applied) != 0)
        goto fail;
    /* A new day: tasks may have become overdue on every board. A new
     * hj-tallyd (judge_all on its first catch-up) may judge or word a board
     * differently from the one that stored it. */
    if (new_day || dirty.all || judge_all) {
        if (!(all = hj_pq(c, state, "SELECT code FROM community", 0, NULL)))
            goto fail;
        tally_dirty_add_rows(&dirty, all);
    }
    if (dirty.n)
        qsort(dirty.codes, dirty.n, sizeof *dirty.codes, s_cmp_codes);
    for (size_t i = 0; i < dirty.n; i++)
        if (s_rejudge(c, profiles, dirty.codes[i], today, &tally_seq, &tail, &changed) != 0)
            goto fail;
    for (size_t i = 0; i < dirty.n_elections; i++)
        if (s_recount(c, profiles, dirty.elections[i], &tally_seq, &tail) != 0)
            goto fail;
    if (changed || no_district) {
        size_t len = 0;
        PGresult *stored = NULL;
        if (!(district = s_district(c, &len)) ||
            !(stored = hj_pq(c, state, "SELECT district FROM tally.cursor", 0, NULL)))
            goto fail;
        int differs = s_changed(stored, 0, 0, district, len);
        PQclear(stored);
        if (differs) {
            char seq[24];
            snprintf(seq, sizeof seq, "%llu", (unsigned long long)++tally_seq);
            const char *w[2] = {(const char *)district, seq};
            int lengths[2] = {(int)len, 0}, formats[2] = {1, 0};
            PGresult *u =
                hj_pqb(c, state, "UPDATE tally.cursor SET district = $1, district_seq = $2::bigint",
                       2, w, lengths, formats);
            if (!u)
                goto fail;
            PQclear(u);
            Hj__Tally__DistrictTotals *d = hj__tally__district_totals__unpack(NULL, len, district);
            if (!d)
                goto fail;
            d->tally_seq = tally_seq;
            size_t elen = hj__tally__district_totals__get_packed_size(d);
            uint8_t *with_seq = malloc(elen ? elen : 1);
            if (with_seq)
                hj__tally__district_totals__pack(d, with_seq);
            hj__tally__district_totals__free_unpacked(d, NULL);
            int rc = with_seq ? s_event(&tail, tally_seq, "board", "district", with_seq, elen) : -1;
            free(with_seq);
            if (rc != 0)
                goto fail;
        }
    }
    char js[24], ts[24];
    snprintf(js, sizeof js, "%llu", (unsigned long long)journal_seq);
    snprintf(ts, sizeof ts, "%llu", (unsigned long long)tally_seq);
    const char *w[4] = {js, ts, today, day};
    PGresult *u = hj_pq(c, state,
                        "UPDATE tally.cursor SET journal_seq = $1::bigint, tally_seq = $2::bigint, "
                        "today = $3::date, journal_day = NULLIF($4, '')::date",
                        4, w);
    if (!u)
        goto fail;
    PQclear(u);
    if (hj_pq_cmd(c, "COMMIT") != 0)
        goto fail_after;
    out->journal_seq = journal_seq;
    out->tally_seq = tally_seq;
    out->events = events;
    PQclear(head);
    PQclear(rows);
    PQclear(all);
    free(district);
    tally_dirty_free(&dirty);
    return 0;
fail:
    if (!hj_pq_lost(c))
        hj_pq_cmd(c, "ROLLBACK");
fail_after:
    tally_events_free(&events);
    PQclear(head);
    PQclear(rows);
    PQclear(all);
    free(district);
    tally_dirty_free(&dirty);
    out->applied = 0;
    return -1;
}
