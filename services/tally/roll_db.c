/* The voter roll (选民登记), objections to it and proxies (委托投票): every
 * SQL statement of them. Moved out of election_db.c (issue 21). */
#include "election_db.h"
#include "hj_auth.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"
#include "roll_db.h"
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME_MAX 100

/* An objection as Hj__Tally__Objection names its fields (hj_pgrow_fill). */
#define S_OBJECTION_COLS                                                                           \
    "id, community, filed_by, to_char(filed_on, 'YYYY-MM-DD') AS filed_on, about, decision, "      \
    "COALESCE(to_char(decided_on, 'YYYY-MM-DD'), '') AS decided_on, note"

/* ---- the voter roll (选民登记) --------------------------------------------------------- */

static int s_roll_reply(PGconn *c, hj_call_t *call, const char *community, const char *kind,
                        const ProtobufCMessage *record)
{
    hj_arena_t a = {0};
    const char *v[1] = {community};
    int rc = -1;
    PGresult *r = election_q(c, &a,
                             "SELECT community, voters, households, representatives, "
                             "COALESCE(to_char(published_on, 'YYYY-MM-DD'), ''), recorded_by "
                             "FROM tally.voter_roll WHERE community = $1",
                             1, v);
    PGresult *o =
        r ? election_q(
                c, &a,
                "SELECT " S_OBJECTION_COLS
                " FROM tally.objection WHERE community = $1 ORDER BY tally.objection.filed_on, id",
                1, v)
          : NULL;
    if (!o) {
        hj_call_sql_failed(call, "", "the voter roll", "");
        goto out;
    }
    if (PQntuples(r) == 0) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "community",
                      "no voter roll recorded for %s (hj voters set)", community);
        goto out;
    }
    Hj__Tally__VoterRoll roll = HJ__TALLY__VOTER_ROLL__INIT;
    roll.community = PQgetvalue(r, 0, 0);
    roll.voters = election_u32(r, 0, 1);
    roll.households = election_u32(r, 0, 2);
    roll.representatives = election_u32(r, 0, 3);
    roll.published_on = PQgetvalue(r, 0, 4);
    roll.recorded_by = PQgetvalue(r, 0, 5);
    roll.n_objections = (size_t)PQntuples(o);
    roll.objections = (Hj__Tally__Objection **)hj_pgrow_list(&a, o, PQntuples(o),
                                                             &hj__tally__objection__descriptor);
    if (!roll.objections) {
        hj_call_sql_failed(call, "", "the voter roll", "");
        goto out;
    }
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_VOTER_ROLL;
    reply.voter_roll = &roll;
    /* What a write journals, and what a scoped read is judged on. */
    snprintf(call->community, sizeof call->community, "%s", community);
    if (kind)
        snprintf(call->kind, sizeof call->kind, "%s", kind);
    hj_call_reply(call, &reply.base, kind ? (record ? record : &roll.base) : NULL);
    rc = 0;
out:
    hj_arena_free(&a);
    return rc;
}

void roll_set(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Tally__VoterRoll *m = msg;
    char voters[24], households[24], reps[24];
    if (tally_db_caught_up(c, call) != 0 || tally_db_community_known(c, call, m->community) != 0)
        return;
    /* Once an election of the community has a named roll, the count is its entries. */
    const char *q[1] = {m->community};
    PGresult *named = hj_call_q(call, c, "the voter roll", "",
                                "SELECT count(*) FILTER (WHERE v.on_roll), e.id FROM tally.voter v "
                                "JOIN tally.election e ON e.id = v.election WHERE e.community = $1 "
                                "AND e.state <> 'certified' GROUP BY e.id ORDER BY e.id LIMIT 1",
                                1, q);
    if (!named)
        return;
    uint32_t on_roll = PQntuples(named) ? election_u32(named, 0, 0) : m->voters;
    char election[37] = "";
    if (PQntuples(named))
        snprintf(election, sizeof election, "%s", PQgetvalue(named, 0, 1));
    PQclear(named);
    if (on_roll != m->voters) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "voters",
                      "%s has a named roll (election %s) of %u voters: the count comes from it "
                      "(hj voters list %s; corrections by objection)",
                      m->community, election, on_roll, election);
        return;
    }
    const char *v[6] = {m->community,
                        election_num(voters, m->voters),
                        election_num(households, m->households),
                        election_num(reps, m->representatives),
                        m->published_on,
                        call->actor};
    if (hj_call_exec(
            call, c, "the voter roll", "",
            "INSERT INTO tally.voter_roll (community, voters, households, representatives, "
            "published_on, recorded_by) VALUES ($1, $2::int, $3::int, $4::int, NULLIF($5, "
            "'')::date, $6) "
            "ON CONFLICT (community) DO UPDATE SET voters = EXCLUDED.voters, "
            "households = EXCLUDED.households, representatives = EXCLUDED.representatives, "
            "published_on = EXCLUDED.published_on, recorded_by = EXCLUDED.recorded_by, "
            "updated_at = now()",
            6, v) != 0)
        return;
    hj_info("voter roll of %s: %u voters, published %s", m->community, m->voters,
            m->published_on[0] ? m->published_on : "not yet");
    s_roll_reply(c, call, m->community, "voter_roll_set", NULL);
}

static void s_objection_reply(PGconn *c, hj_call_t *call, const char *id, const char *kind)
{
    const char *v[1] = {id};
    PGresult *r =
        hj_call_q_row(call, c, "the objection", "id",
                      "SELECT " S_OBJECTION_COLS " FROM tally.objection WHERE id = $1::uuid", 1, v,
                      "objection %s not found", id);
    if (!r)
        return;
    Hj__Tally__Objection o = HJ__TALLY__OBJECTION__INIT;
    hj_pgrow_fill(r, 0, &o.base);
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_OBJECTION;
    reply.objection = &o;
    snprintf(call->kind, sizeof call->kind, "%s", kind);
    snprintf(call->community, sizeof call->community, "%s", o.community);
    hj_call_reply(call, &reply.base, &o.base);
    PQclear(r);
}

/* A step taken `on` a day at most `days` (0: any) after the day `since` of
 * `event`, as the profile says: 0, or -1 with the status naming `field`
 * (INVALID_ARGUMENT before `since`, FAILED_PRECONDITION too late: "<verb>
 * ON, N days after EVENT on SINCE: <rule> within DAYS days"). */
static int s_window(hj_call_t *call, const char *field, const char *verb, const char *since,
                    const char *on, uint32_t days, const char *profile, const char *event,
                    const char *rule)
{
    long after = tally_days_between(since, on);
    if (after < 0)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s %s is before %s (%s)", field, on, event, since);
    if (days && after > (long)days)
        return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, field,
                             "%s %s, %ld days after %s on %s: %s within %u days (profile %s)", verb,
                             on, after, event, since, rule, days, profile);
    return 0;
}

/* An objection filed on `filed_on` to the list of `community`: the list is
 * published and the day within the profile's days of it. 0, or -1 with the status. */
static int s_file_window(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                         const char *community, const char *filed_on)
{
    const char *v[1] = {community};
    PGresult *r =
        hj_call_q(call, c, "the voter roll", "",
                  "SELECT COALESCE(to_char(published_on, 'YYYY-MM-DD'), '') FROM tally.voter_roll "
                  "WHERE community = $1",
                  1, v);
    if (!r)
        return -1;
    char published[11] = "";
    int found = PQntuples(r) == 1;
    if (found)
        snprintf(published, sizeof published, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!found || !published[0])
        return hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "community",
                             "the voter list of %s is not published: there is nothing to object to",
                             community);
    return s_window(call, "filed_on", "filed", published, filed_on,
                    profiles->residents.objection_file_days, profiles->residents.name,
                    "the list was published", "objections are taken");
}

void roll_objection_file(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__Objection *o = msg;
    if (s_file_window(c, call, profiles, o->community, o->filed_on) != 0)
        return;
    const char *w[5] = {call->request_id, o->community, o->filed_by, o->filed_on, o->about};
    if (hj_call_exec(call, c, "the objection", "",
                     "INSERT INTO tally.objection (id, community, filed_by, filed_on, about) "
                     "VALUES ($1::uuid, $2, $3, $4::date, $5)",
                     5, w) != 0)
        return;
    s_objection_reply(c, call, call->request_id, "objection_filed");
}

/* An objection filed on `filed` decided on `date`: within the profile's days. 0 / -1 with the
 * status. */
static int s_decide_window(hj_call_t *call, const tally_profiles_t *profiles, const char *filed,
                           const char *date)
{
    return s_window(call, "date", "decided", filed, date, profiles->residents.objection_decide_days,
                    profiles->residents.name, "the objection was filed", "it must be decided");
}

void roll_objection_decide(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__ObjectionDecision *d = msg;
    char filed[11] = "", decision[16] = "";
    const char *v[1] = {d->id};
    PGresult *r = hj_call_q(call, c, "the objection", "",
                            "SELECT to_char(filed_on, 'YYYY-MM-DD'), decision FROM tally.objection "
                            "WHERE id = $1::uuid FOR UPDATE",
                            1, v);
    if (!r)
        return;
    int found = PQntuples(r) == 1;
    if (found) {
        snprintf(filed, sizeof filed, "%s", PQgetvalue(r, 0, 0));
        snprintf(decision, sizeof decision, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    if (!found) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "id", "objection %s not found", d->id);
        return;
    }
    if (decision[0]) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "id",
                      "objection %s is already decided (%s)", d->id, decision);
        return;
    }
    if (s_decide_window(call, profiles, filed, d->date) != 0)
        return;
    const char *w[5] = {d->id, d->decision, d->date, d->note, call->actor};
    if (hj_call_exec(call, c, "the objection", "",
                     "UPDATE tally.objection SET decision = $2, decided_on = $3::date, note = $4, "
                     "decided_by = $5 WHERE id = $1::uuid",
                     5, w) != 0)
        return;
    s_objection_reply(c, call, d->id, "objection_decided");
}

/* ---- the named roll (选民登记 by name, issue 21) ------------------------------------------ */

#define S_PROBLEMS_MAX 400 /* of the status message's 512 bytes: the lines it names */

/* Bad lines, named one after another in one message. */
typedef struct {
    char text[S_PROBLEMS_MAX];
    size_t len;
    unsigned n, left_out;
} s_problems_t;

static void s_problem(s_problems_t *p, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_problem(s_problems_t *p, uint32_t line, const char *fmt, ...)
{
    char one[256];
    va_list ap;
    int n = snprintf(one, sizeof one, "%sline %u: ", p->n ? "; " : "", line);
    va_start(ap, fmt);
    vsnprintf(one + n, sizeof one - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(one);
    if (p->len + len < sizeof p->text - 24) {
        memcpy(p->text + p->len, one, len + 1);
        p->len += len;
    } else
        p->left_out++;
    p->n++;
}

/* 1 when someone born on `birth` is 18 or more on `day` (both YYYY-MM-DD):
 * the birthday 18 years on has come (a 29 February one on 1 March). */
static int s_adult_on(const char *birth, const char *day)
{
    char eighteen[16];
    snprintf(eighteen, sizeof eighteen, "%04d%s", atoi(birth) + 18, birth + 4);
    return strcmp(eighteen, day) <= 0;
}

/* The rules of one entry (a line of an import, or an objection's addition). */
static void s_check_voter(s_problems_t *p, const Hj__Tally__Voter *v, const char *election_date)
{
    hj_status_t st = {0};
    if (hj_check_text(&st, "name", v->name, S_NAME_MAX, 1) != 0 ||
        hj_check_text(&st, "group", v->group_name, S_NAME_MAX, 1) != 0 ||
        hj_check_date(&st, "birth_date", v->birth_date, 1) != 0 ||
        (v->person_id[0] && hj_check_uuid(&st, "person_id", v->person_id) != 0)) {
        s_problem(p, v->line, "%s", st.message);
        return;
    }
    if (strcmp(v->gender, "male") != 0 && strcmp(v->gender, "female") != 0) {
        s_problem(p, v->line, "gender '%s' is not male/男 or female/女", v->gender);
        return;
    }
    if (!s_adult_on(v->birth_date, election_date)) {
        s_problem(p, v->line, "%s, born %s, is under 18 on election day %s", v->name, v->birth_date,
                  election_date);
        return;
    }
}

/* The community's counts follow the named roll of `election` (voters on it). */
static int s_roll_sync(PGconn *c, const roll_election_t *e, const char *actor, char state[6])
{
    const char *v[3] = {e->community, e->id, actor};
    return hj_pq_exec(c, state,
                      "INSERT INTO tally.voter_roll (community, voters, households, "
                      "representatives, recorded_by) SELECT $1, count(*), 0, 0, $3 FROM "
                      "tally.voter WHERE election = $2::uuid AND on_roll "
                      "ON CONFLICT (community) DO UPDATE SET voters = EXCLUDED.voters, "
                      "recorded_by = EXCLUDED.recorded_by, updated_at = now()",
                      3, v);
}

void roll_voters_import(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__VoterImport *m = msg;
    char state[6] = "", no[24];
    roll_election_t e;
    s_problems_t bad = {0};
    if (election_for_roll(c, call, profiles, m->election, &e) != 0)
        return;
    const char *v[1] = {e.id};
    PGresult *r = hj_call_q(call, c, "the voter roll", "",
                            "SELECT count(*) FROM tally.voter WHERE election = $1::uuid", 1, v);
    if (!r)
        return;
    uint32_t had = election_u32(r, 0, 0);
    PQclear(r);
    if (had) {
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "election",
                      "election %s already has a named roll of %u entries: a correction is an "
                      "objection by name (hj voters objection)",
                      e.id, had);
        return;
    }
    for (size_t i = 0; i < m->n_voters; i++) {
        const Hj__Tally__Voter *a = m->voters[i];
        s_check_voter(&bad, a, e.date);
        for (size_t j = 0; j < i; j++) {
            const Hj__Tally__Voter *b = m->voters[j];
            if (strcmp(a->name, b->name) == 0 && strcmp(a->group_name, b->group_name) == 0) {
                s_problem(&bad, a->line, "%s of %s is also on line %u", a->name, a->group_name,
                          b->line);
                break;
            }
            if (a->person_id[0] && strcmp(a->person_id, b->person_id) == 0) {
                s_problem(&bad, a->line, "person %s is also on line %u", a->person_id, b->line);
                break;
            }
        }
    }
    if (bad.n) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "voters",
                      "%u bad line%s, nothing imported: %s%s", bad.n, bad.n == 1 ? "" : "s",
                      bad.text, bad.left_out ? "; …" : "");
        return;
    }
    for (size_t i = 0; i < m->n_voters; i++) {
        const Hj__Tally__Voter *a = m->voters[i];
        const char *w[8] = {e.id,          election_num(no, (long long)i + 1),
                            a->name,       a->gender,
                            a->birth_date, a->group_name,
                            a->person_id,  call->actor};
        if (hj_call_exec(
                call, c, "the voter roll", "",
                "INSERT INTO tally.voter (election, no, name, gender, birth_date, group_name, "
                "person_id, "
                "recorded_by) VALUES ($1::uuid, $2::int, $3, $4, $5::date, $6, NULLIF($7, "
                "'')::uuid, $8)",
                8, w) != 0)
            return;
    }
    if (s_roll_sync(c, &e, call->actor, state) != 0) {
        hj_call_sql_failed(call, state, "the voter roll", "");
        return;
    }
    hj_info("named voter roll of election %s (%s): %zu voters", e.id, e.community, m->n_voters);
    Hj__Tally__VoterList out = HJ__TALLY__VOTER_LIST__INIT;
    out.election = e.id;
    out.community = e.community;
    out.election_date = e.date;
    out.voters = (uint32_t)m->n_voters;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_VOTER_LIST;
    reply.voter_list = &out;
    snprintf(call->kind, sizeof call->kind, "voters_imported");
    snprintf(call->community, sizeof call->community, "%s", e.community);
    hj_call_reply(call, &reply.base, &m->base);
}

/* The election as a reader sees it (no lock; certified ones too). 0 / -1 with the status. */
static int s_election_read(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                           const char *id, roll_election_t *e)
{
    const char *v[1] = {id};
    memset(e, 0, sizeof *e);
    PGresult *r = hj_call_q_row(
        call, c, "the election", "election",
        "SELECT community, to_char(election_date, 'YYYY-MM-DD'), body FROM tally.election "
        "WHERE id = $1::uuid",
        1, v, ELECTION_NOT_FOUND, id);
    if (!r)
        return -1;
    snprintf(e->id, sizeof e->id, "%s", id);
    snprintf(e->community, sizeof e->community, "%s", PQgetvalue(r, 0, 0));
    snprintf(e->date, sizeof e->date, "%s", PQgetvalue(r, 0, 1));
    e->profile = tally_profile_of(profiles, PQgetvalue(r, 0, 2));
    PQclear(r);
    /* A body no profile knows reads as no election at all. */
    if (!e->profile)
        return hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "election", ELECTION_NOT_FOUND,
                             id);
    return 0;
}

/* What the posting rule (voter_list.days_before) asks next, in both languages. */
static void s_posting_next(const roll_election_t *e, const char *published, const char *due,
                           char *en, char *zh, size_t size)
{
    uint32_t days = e->profile->voter_list_days;
    long before = published[0] ? tally_days_between(published, e->date) : -1;
    if (published[0] && before >= (long)days) {
        snprintf(en, size,
                 "posted on %s, %ld days before election day %s (at least %u: gate 8 is met)",
                 published, before, e->date, days);
        snprintf(zh, size, "已于%s张榜公布，距选举日%s有%ld天（不少于%u天）", published, e->date,
                 before, days);
    } else if (published[0]) {
        snprintf(en, size,
                 "posted on %s, only %ld days before election day %s: the roll must be posted at "
                 "least %u "
                 "days before (by %s); gate 8 stays red until the election day moves",
                 published, before, e->date, days, due);
        snprintf(zh, size,
                 "于%s张榜公布，距选举日%s仅%ld天：选民名单应在选举日%u天以前（%s前）公布",
                 published, e->date, before, days, due);
    } else {
        snprintf(
            en, size,
            "not posted yet: post the roll (hj voters posting %s --out FILE) by %s, %u days before "
            "election day %s",
            e->id, due, days, e->date);
        snprintf(zh, size, "选民名单尚未公布：应于%s前（选举日%s前%u天）张榜公布", due, e->date,
                 days);
    }
}

/* The roll of an election. posting: the entries on the roll with names and
 * groups only (张榜公布), whoever reads; otherwise every entry, birth dates
 * for the roles given personal details. */
static void s_voters_reply(PGconn *c, hj_call_t *call, const roll_election_t *e, int posting,
                           const ProtobufCMessage *record)
{
    hj_arena_t a = {0};
    char *scope = NULL, days[24];
    int personal = posting ? 0 : hj_auth_personal(call->permission, call->identity, &scope);
    /* A scoped role is given them for its own communities only. */
    if (personal > 0 && scope) {
        char quoted[80];
        snprintf(quoted, sizeof quoted, "%s", e->community);
        const char *sv[2] = {scope, quoted};
        PGresult *in = election_q(c, &a, "SELECT $2 = ANY($1::text[])", 2, sv);
        personal = in && PQgetvalue(in, 0, 0)[0] == 't';
    }
    /* id, personal, posting, and the days before election day the roll is posted by */
    const char *v[4] = {e->id, personal > 0 ? "t" : "f", posting ? "t" : "f",
                        election_num(days, e->profile->voter_list_days)};
    PGresult *r = election_q(
        c, &a,
        "SELECT no, name, CASE WHEN $3::boolean THEN '' ELSE gender END AS gender, "
        "CASE WHEN $2::boolean THEN to_char(birth_date, 'YYYY-MM-DD') ELSE '' END AS birth_date, "
        "group_name, CASE WHEN $3::boolean THEN '' ELSE COALESCE(person_id::text, '') END "
        "AS person_id, NOT on_roll AS removed FROM tally.voter WHERE election = $1::uuid AND "
        "(on_roll OR NOT $3::boolean) ORDER BY no",
        3, v);
    PGresult *o =
        r ? election_q(c, &a,
                       "SELECT id, voter_name AS name, about AS reason, decision, action, "
                       "to_char(filed_on, 'YYYY-MM-DD') AS filed_on, "
                       "COALESCE(to_char(decided_on, 'YYYY-MM-DD'), '') AS decided_on, group_name "
                       "FROM tally.objection WHERE election = $1::uuid AND NOT $2::boolean "
                       "ORDER BY tally.objection.filed_on, id",
                       2, (const char *const[]){e->id, v[2]})
          : NULL;
    PGresult *p =
        o ? election_q(c, &a,
                       "SELECT COALESCE(to_char(rl.published_on, 'YYYY-MM-DD'), ''), "
                       "to_char(el.election_date - $2::int, 'YYYY-MM-DD'), "
                       "(SELECT count(*) FROM tally.voter WHERE election = $1::uuid AND on_roll) "
                       "FROM tally.election el LEFT JOIN tally.voter_roll rl ON rl.community = "
                       "el.community "
                       "WHERE el.id = $1::uuid",
                       2, (const char *const[]){e->id, v[3]})
          : NULL;
    int n = r ? PQntuples(r) : 0, no = o ? PQntuples(o) : 0;
    void **vp = p ? hj_pgrow_list(&a, r, n, &hj__tally__voter__descriptor) : NULL;
    void **op = vp ? hj_pgrow_list(&a, o, no, &hj__tally__voter_objection__descriptor) : NULL;
    char *next = op ? hj_arena_alloc(&a, 512) : NULL,
         *next_zh = next ? hj_arena_alloc(&a, 512) : NULL;
    if (!next_zh || personal < 0 || PQntuples(p) != 1) {
        election_sql_failed(call, "", &a, "the voter roll", "");
        goto out;
    }
    Hj__Tally__VoterList out = HJ__TALLY__VOTER_LIST__INIT;
    out.election = (char *)e->id;
    out.community = (char *)e->community;
    out.election_date = (char *)e->date;
    out.published_on = PQgetvalue(p, 0, 0);
    out.voters = election_u32(p, 0, 2);
    out.entries = (Hj__Tally__Voter **)vp;
    out.n_entries = (size_t)n;
    out.objections = (Hj__Tally__VoterObjection **)op;
    out.n_objections = (size_t)no;
    for (int i = 0; i < no; i++)
        out.objections[i]->election = (char *)e->id;
    s_posting_next(e, out.published_on, PQgetvalue(p, 0, 1), next, next_zh, 512);
    out.next = next;
    out.next_zh = next_zh;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_VOTER_LIST;
    reply.voter_list = &out;
    snprintf(call->community, sizeof call->community, "%s", e->community);
    hj_call_reply(call, &reply.base, record);
out:
    free(scope);
    hj_arena_free(&a);
}

/* 张榜公布: the day the roll is posted becomes the community's published_on
 * (gate 8 judges it); the reply is the posting itself. */
void roll_voters_posting(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__VoterPosting *m = msg;
    char today[11], voters[24];
    roll_election_t e;
    if (election_for_roll(c, call, profiles, m->election, &e) != 0)
        return;
    hj_date_today(today);
    const char *day = m->posted_on[0] ? m->posted_on : today;
    const char *v[4] = {e.community, e.id, day, call->actor};
    PGresult *r = hj_call_q(
        call, c, "the voter roll", "",
        "UPDATE tally.voter_roll SET published_on = $3::date, recorded_by = $4, updated_at = now() "
        "WHERE community = $1 AND EXISTS (SELECT 1 FROM tally.voter WHERE election = $2::uuid "
        "AND on_roll) RETURNING voters",
        4, v);
    if (!r)
        return;
    int done = PQntuples(r) == 1;
    snprintf(voters, sizeof voters, "%s", done ? PQgetvalue(r, 0, 0) : "0");
    PQclear(r);
    if (!done) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "election",
                      "election %s has no named roll to post (hj voters import %s FILE.csv)", e.id,
                      e.id);
        return;
    }
    /* The journal's record is the roll's counts with the day: the board re-judges gate 8. */
    Hj__Tally__VoterRoll rec = HJ__TALLY__VOTER_ROLL__INIT;
    rec.community = e.community;
    rec.voters = (uint32_t)strtoul(voters, NULL, 10);
    rec.published_on = (char *)day;
    rec.recorded_by = call->actor;
    snprintf(call->kind, sizeof call->kind, "voter_roll_set");
    s_voters_reply(c, call, &e, 1, &rec.base);
}

/* The entries on the roll called `name` (of `group` when given). */
static PGresult *s_named(PGconn *c, hj_arena_t *a, const char *election, const char *name,
                         const char *group)
{
    const char *v[3] = {election, name, group};
    return election_q(
        c, a,
        "SELECT no, group_name, person_id FROM tally.voter WHERE election = $1::uuid AND name = $2 "
        "AND on_roll AND ($3 = '' OR group_name = $3) ORDER BY no",
        3, v);
}

static void s_voter_objection_reply(PGconn *c, hj_call_t *call, const roll_election_t *e,
                                    const char *id, const char *kind)
{
    hj_arena_t a = {0};
    const char *v[2] = {id, e->id};
    PGresult *r =
        election_q(c, &a,
                   "SELECT voter_name AS name, about AS reason, decision, action, "
                   "to_char(filed_on, 'YYYY-MM-DD') AS filed_on, "
                   "COALESCE(to_char(decided_on, 'YYYY-MM-DD'), '') AS decided_on, group_name, "
                   "gender, COALESCE(to_char(birth_date, 'YYYY-MM-DD'), '') AS birth_date, "
                   "(SELECT count(*) FROM tally.voter WHERE election = $2::uuid AND on_roll) "
                   "AS voters FROM tally.objection WHERE id = $1::uuid",
                   2, v);
    if (!r || PQntuples(r) != 1) {
        election_sql_failed(call, "", &a, "the objection", "");
        goto out;
    }
    Hj__Tally__VoterObjection o = HJ__TALLY__VOTER_OBJECTION__INIT;
    o.election = (char *)e->id;
    o.id = (char *)id;
    hj_pgrow_fill(r, 0, &o.base);
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_VOTER_OBJECTION_VIEW;
    reply.voter_objection_view = &o;
    snprintf(call->kind, sizeof call->kind, "%s", kind);
    snprintf(call->community, sizeof call->community, "%s", e->community);
    hj_call_reply(call, &reply.base, &o.base);
out:
    hj_arena_free(&a);
}

/* An objection by name: to remove a voter on the roll, or to add one who is
 * missing (with the entry the upholding adds, checked as an import line). */
void roll_voter_objection(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__VoterObjection *m = msg;
    hj_arena_t a = {0};
    char today[11], groups[256] = "";
    roll_election_t e;
    hj_date_today(today);
    if (election_for_roll(c, call, profiles, m->election, &e) != 0 ||
        s_file_window(c, call, profiles, e.community, today) != 0)
        goto out;
    PGresult *r = s_named(c, &a, e.id, m->name, m->group);
    const char *v[2] = {e.id, m->name};
    PGresult *open =
        r ? election_q(
                c, &a,
                "SELECT 1 FROM tally.objection WHERE election = $1::uuid AND voter_name = $2 "
                "AND decision = ''",
                2, v)
          : NULL;
    if (!open) {
        election_sql_failed(call, "", &a, "the voter roll", "");
        goto out;
    }
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        snprintf(groups + strlen(groups), sizeof groups - strlen(groups), "%s%s", i ? ", " : "",
                 PQgetvalue(r, i, 1));
    if (PQntuples(open)) {
        hj_status_set(
            &call->status, HJ__CODE__ALREADY_EXISTS, "name",
            "an objection about %s is open: decide it first (hj voters objection %s --name %s "
            "--uphold|--reject)",
            m->name, e.id, m->name);
        goto out;
    }
    if (n > 1) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "group",
                      "%d voters named %s are on the roll (groups %s): name the group", n, m->name,
                      groups);
        goto out;
    }
    Hj__Tally__Voter add = HJ__TALLY__VOTER__INIT;
    if (n == 0) {
        s_problems_t bad = {0};
        add.name = m->name;
        add.gender = m->gender;
        add.birth_date = m->birth_date;
        add.group_name = m->group_name;
        s_check_voter(&bad, &add, e.date);
        if (bad.n) {
            hj_status_set(
                &call->status, HJ__CODE__INVALID_ARGUMENT, "name",
                "%s is not on the roll: an objection that adds them gives gender, birth date and "
                "group (%s)",
                m->name, bad.text + strlen("line 0: "));
            goto out;
        }
    }
    const char *w[10] = {call->request_id,
                         e.community,
                         call->actor,
                         today,
                         m->reason,
                         e.id,
                         m->name,
                         n ? "remove" : "add",
                         n ? "" : m->gender,
                         n ? PQgetvalue(r, 0, 1) : m->group_name};
    const char *bd[1] = {n ? "" : m->birth_date};
    const char *all[11];
    memcpy(all, w, sizeof w);
    all[10] = bd[0];
    if (!election_q(
            c, &a,
            "INSERT INTO tally.objection (id, community, filed_by, filed_on, about, election, "
            "voter_name, "
            "action, gender, group_name, birth_date) VALUES ($1::uuid, $2, $3, $4::date, $5, "
            "$6::uuid, $7, "
            "$8, $9, $10, NULLIF($11, '')::date)",
            11, all)) {
        election_sql_failed(call, "", &a, "the objection", "");
        goto out;
    }
    s_voter_objection_reply(c, call, &e, call->request_id, "voter_objection_filed");
out:
    hj_arena_free(&a);
}

/* Deciding the open objection about a name: upheld removes the voter or
 * adds the missing one, dismissed keeps the roll; the counts follow. */
void roll_voter_decide(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__VoterObjection *m = msg;
    hj_arena_t a = {0};
    char today[11], id[37];
    roll_election_t e;
    hj_date_today(today);
    if (election_for_roll(c, call, profiles, m->election, &e) != 0)
        goto out;
    const char *v[2] = {e.id, m->name};
    PGresult *r =
        election_q(c, &a,
                   "SELECT id, to_char(filed_on, 'YYYY-MM-DD'), action FROM tally.objection "
                   "WHERE election = $1::uuid AND voter_name = $2 AND decision = '' FOR UPDATE",
                   2, v);
    if (!r) {
        election_sql_failed(call, "", &a, "the objection", "");
        goto out;
    }
    if (PQntuples(r) == 0) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "name",
                      "no open objection about %s in election %s (hj voters list %s)", m->name,
                      e.id, e.id);
        goto out;
    }
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    if (s_decide_window(call, profiles, PQgetvalue(r, 0, 1), today) != 0)
        goto out;
    int upheld = strcmp(m->decision, "upheld") == 0;
    int remove = strcmp(PQgetvalue(r, 0, 2), "remove") == 0;
    const char *w[4] = {id, m->decision, today, call->actor};
    const char *add[2] = {id, call->actor};
    PGresult *changed =
        !upheld ? NULL
        : remove
            ? election_q(
                  c, &a,
                  "UPDATE tally.voter v SET on_roll = false FROM tally.objection o WHERE o.id "
                  "= $1::uuid "
                  "AND v.election = o.election AND v.name = o.voter_name AND v.group_name = "
                  "o.group_name "
                  "AND v.on_roll",
                  1, w)
            : election_q(c, &a,
                         "INSERT INTO tally.voter (election, no, name, gender, birth_date, "
                         "group_name, recorded_by) "
                         "SELECT o.election, (SELECT COALESCE(max(no), 0) + 1 FROM tally.voter "
                         "WHERE election = o.election), o.voter_name, o.gender, o.birth_date, "
                         "o.group_name, $2 "
                         "FROM tally.objection o WHERE o.id = $1::uuid",
                         2, add);
    if ((upheld && !changed) ||
        !election_q(
            c, &a,
            "UPDATE tally.objection SET decision = $2, decided_on = $3::date, decided_by = $4 "
            "WHERE id = $1::uuid",
            4, w) ||
        (upheld && s_roll_sync(c, &e, call->actor, a.sqlstate) != 0)) {
        election_sql_failed(call, "", &a, "the objection", "");
        goto out;
    }
    s_voter_objection_reply(c, call, &e, id, "voter_objection_decided");
out:
    hj_arena_free(&a);
}

/* Proxies between entries of an election's named roll: holder and principal
 * are voter numbers on it; a candidate is known by the person of the entry.
 * 1 handled (the reply or the status is set), 0 the election has no named roll. */
static int s_proxy_named(PGconn *c, hj_call_t *call, const roll_election_t *e,
                         const Hj__Tally__Proxy *p)
{
    hj_arena_t a = {0};
    char hno[24], pno[24];
    tally_check_t check;
    /* Voter numbers as the roll keeps them (no leading zeros). */
    snprintf(hno, sizeof hno, "%lu", strtoul(p->holder, NULL, 10));
    snprintf(pno, sizeof pno, "%lu", strtoul(p->principal, NULL, 10));
    const char *v[3] = {e->id, hno, pno};
    PGresult *r = election_q(
        c, &a,
        "SELECT (SELECT count(*) FROM tally.voter WHERE election = $1::uuid), "
        "h.name, h.no IS NOT NULL, "
        "h.person_id IS NOT NULL AND (EXISTS (SELECT 1 FROM tally.candidate WHERE "
        "election = $1::uuid AND person_id = h.person_id) OR EXISTS (SELECT 1 FROM tally.paper "
        "WHERE election = $1::uuid AND person_id = h.person_id)), "
        "pr.name, pr.no IS NOT NULL, "
        "(SELECT count(*) FROM tally.proxy WHERE election = $1::uuid AND holder = $2), "
        "(SELECT holder FROM tally.proxy WHERE election = $1::uuid AND principal = $3), "
        "EXISTS (SELECT 1 FROM tally.proxy WHERE election = $1::uuid AND principal = $2) "
        "FROM (SELECT 1) one "
        "LEFT JOIN tally.voter h ON h.election = $1::uuid AND h.on_roll "
        "AND h.no::text = $2 "
        "LEFT JOIN tally.voter pr ON pr.election = $1::uuid AND pr.on_roll "
        "AND pr.no::text = $3",
        3, v);
    int rc = 1;
    if (!r) {
        election_sql_failed(call, "", &a, "the proxies", "");
        goto out;
    }
    if (election_u32(r, 0, 0) == 0) {
        rc = 0;
        goto out;
    }
    const char *holder = PQgetvalue(r, 0, 1), *principal = PQgetvalue(r, 0, 4);
    uint32_t held = election_u32(r, 0, 6);
    if (PQgetvalue(r, 0, 2)[0] != 't' || PQgetvalue(r, 0, 5)[0] != 't') {
        int h = PQgetvalue(r, 0, 2)[0] != 't';
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, h ? "holder" : "principal",
                      "voter number %s is not on the roll of election %s (hj voters list %s)",
                      h ? hno : pno, e->id, e->id);
    } else if (PQgetvalue(r, 0, 3)[0] == 't')
        hj_status_set(
            &call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
            "voter %s (%s) is a candidate of this election: a candidate cannot hold a proxy", hno,
            holder);
    else if (!PQgetisnull(r, 0, 7))
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "principal",
                      "voter %s (%s) has already given a proxy in this election", pno, principal);
    else if (PQgetvalue(r, 0, 8)[0] == 't')
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                      "voter %s (%s) gave a proxy in this election and cannot hold one", hno,
                      holder);
    else if (!tally_rules_check_proxies(e->profile, (tally_mode_t)e->mode, held + 1, &check))
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                      "%s (%s) would hold %u: %s", holder, hno, held + 1, check.reason);
    if (call->status.code != HJ__CODE__OK)
        goto out;
    Hj__Tally__Proxy out = *p;
    out.election = (char *)e->id;
    out.holder = hno;
    out.principal = pno;
    out.holder_name = (char *)holder;
    out.principal_name = (char *)principal;
    out.held = held + 1;
    const char *w[6] = {e->id, pno, principal, hno, holder, call->actor};
    if (!election_q(
            c, &a,
            "INSERT INTO tally.proxy (election, principal, principal_name, holder, holder_name, "
            "recorded_by) "
            "VALUES ($1::uuid, $2, $3, $4, $5, $6)",
            6, w)) {
        election_sql_failed(call, "", &a, "the proxy", "");
        goto out;
    }
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_PROXY;
    reply.proxy = &out;
    snprintf(call->kind, sizeof call->kind, "proxy_added");
    snprintf(call->community, sizeof call->community, "%s", e->community);
    hj_call_reply(call, &reply.base, &out.base);
out:
    hj_arena_free(&a);
    return rc;
}

/* ---- proxies (委托投票) ----------------------------------------------------------------- */

void roll_proxy_add(PGconn *c, hj_call_t *call, void *profiles, const void *msg)
{
    const Hj__Tally__Proxy *p = msg;
    tally_check_t check;
    roll_election_t e;
    if (election_for_roll(c, call, profiles, p->election, &e) != 0)
        return;
    if (s_proxy_named(c, call, &e, p) != 0)
        return;
    /* A counts-only roll: voters are named as given, a candidate by name. */
    if (!p->holder_name[0] || !p->principal_name[0]) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT,
                      p->holder_name[0] ? "principal_name" : "holder_name",
                      "%s is required: election %s has no named roll",
                      p->holder_name[0] ? "principal_name" : "holder_name", e.id);
        return;
    }
    const char *v[4] = {e.id, p->holder, p->holder_name, p->principal};
    PGresult *r = hj_call_q(
        call, c, "the proxies", "",
        "SELECT (SELECT count(*) FROM tally.proxy WHERE election = $1::uuid AND holder = $2), "
        "EXISTS (SELECT 1 FROM tally.candidate WHERE election = $1::uuid AND name = $3) OR "
        "EXISTS (SELECT 1 FROM tally.paper WHERE election = $1::uuid AND name = $3), "
        "(SELECT holder FROM tally.proxy WHERE election = $1::uuid AND principal = $4), "
        "EXISTS (SELECT 1 FROM tally.proxy WHERE election = $1::uuid AND principal = $2)",
        4, v);
    if (!r)
        return;
    uint32_t held = election_u32(r, 0, 0);
    int candidate = PQgetvalue(r, 0, 1)[0] == 't';
    int given = !PQgetisnull(r, 0, 2);
    int holder_gave = PQgetvalue(r, 0, 3)[0] == 't';
    PQclear(r);
    if (candidate) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                      "%s is a candidate of this election: a candidate cannot hold a proxy",
                      p->holder_name);
        return;
    }
    if (given) {
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "principal",
                      "voter %s has already given a proxy in this election", p->principal);
        return;
    }
    if (holder_gave) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                      "voter %s gave a proxy in this election and cannot hold one", p->holder);
        return;
    }
    if (!tally_rules_check_proxies(e.profile, (tally_mode_t)e.mode, held + 1, &check)) {
        hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "holder",
                      "%s would hold %u: %s", p->holder_name, held + 1, check.reason);
        return;
    }
    const char *w[6] = {e.id,      p->principal,   p->principal_name,
                        p->holder, p->holder_name, call->actor};
    if (hj_call_exec(
            call, c, "the proxy", "",
            "INSERT INTO tally.proxy (election, principal, principal_name, holder, holder_name, "
            "recorded_by) VALUES ($1::uuid, $2, $3, $4, $5, $6)",
            6, w) != 0)
        return;
    Hj__Tally__Proxy out = *p;
    out.election = e.id;
    out.held = held + 1;
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_PROXY;
    reply.proxy = &out;
    snprintf(call->kind, sizeof call->kind, "proxy_added");
    snprintf(call->community, sizeof call->community, "%s", e.community);
    hj_call_reply(call, &reply.base, &out.base);
}

void roll_get(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    if (tally_db_caught_up(c, call) == 0)
        s_roll_reply(c, call, ((const Hj__Tally__SnapshotQuery *)msg)->community, NULL, NULL);
}

void roll_voters_list(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    roll_election_t e;
    if (tally_db_caught_up(c, call) == 0 &&
        s_election_read(c, call, svc, ((const Hj__Tally__ElectionRef *)msg)->id, &e) == 0)
        s_voters_reply(c, call, &e, 0, NULL);
}
