#ifndef HJ_TALLY_H
#define HJ_TALLY_H
/* hj-tallyd: the readiness board, the election gates, elections.
 *
 *   main.c           config → worker (requests) + consumer (the journal) → run
 *   tally_server.c   decode, validate, route requests (no SQL)
 *   tally_db.c       the requests' SQL: snapshot, gates, schedule, open
 *   consumer.c       the journal consumer: wakes on bus events and a timer,
 *                    runs the catch-up on its own connection, publishes
 *   projection_db.c  applies one journal row to the projection (SQL)
 *   board_db.c       a community's facts and board, the district totals (SQL)
 *   gates.c          the pure gate judgement
 */
#include "gates.h"
#include "hj_arena.h"
#include "hj_worker.h"
#include "tally.pb-c.h"

extern const hj_service_t tally_service;

/* Every hj-tallyd connection: the projection's tables are named without a
 * schema (projection_db.c, board_db.c, report_db.c), so that a report "as
 * of" a past day can read them from tally_asof instead (sql/010). */
#define TALLY_SCHEMAS "tally, public"
#define TALLY_SEARCH_PATH "SET search_path = " TALLY_SCHEMAS
/* The same for a report as of a past day, inside its savepoint. */
#define TALLY_ASOF_SEARCH_PATH "SET LOCAL search_path = tally_asof, tally, public"

/* ---- the counting-rules profiles of the two bodies ---------------------- */

typedef struct {
    tally_profile_t party;
    tally_profile_t residents;
} tally_profiles_t;

/* Loads the built-in profiles. 0 / -1 (logged). */
int tally_profiles_load(tally_profiles_t *p);
/* The profile of a body ("party" | "residents"), NULL for another word. */
const tally_profile_t *tally_profile_of(const tally_profiles_t *p, const char *body);

/* ---- a community's board (board_db.c) ----------------------------------- */

typedef struct {
    char id[37];
    char body[12];
    char state[16];
    char date[11];
    uint32_t seats;
    char profile[32];
    char opened_by[64];
    char opened_at[32];
    char mode[16];
    uint32_t listed; /* candidates on its list (0: no list yet) */
    char certified_by[64];
    char certified_at[32];
    uint32_t vacant, reduced; /* seats closed: 暂缺 / 减少名额 */
    char vacancy_due[11];     /* the by-election is due by, "" */
} tally_election_t;

typedef struct {
    int gate; /* GateId */
    char reason[512];
    char actor[64];
} tally_override_t;

/* Everything the board of one community shows, with the gates judged. */
typedef struct {
    char code[64];
    char name[256];
    char subdistrict[64];
    char guidance_group[256];
    Hj__Tally__Counters counters;
    Hj__Tally__KindCount kind[8];
    Hj__Tally__KindCount *kinds[8];
    char kind_name[8][32];
    char audit_state[16];
    char plan_state[16];
    tally_facts_t facts;
    tally_gate_t gates[TALLY_GATES];
    size_t n_elections;
    tally_election_t elections[TALLY_ELECTIONS_MAX];
    size_t n_overrides;
    tally_override_t overrides[TALLY_GATES];
    uint32_t nominated[2]; /* nominated reserve entries: party, residents */
} tally_board_t;

/* Loads and judges the board of `community` as of `today` (tasks overdue).
 * election_id "" = every scheduled or open election of the community;
 * else only that one (the open request judges its own election). Overrides
 * are those recorded on the community's open elections.
 * 1 found, 0 no such community, -1 database error (logged). */
int board_load(PGconn *c, const tally_profiles_t *profiles, const char *community,
               const char *today, const char *election_id, tally_board_t *b);

/* The board as the wire carries it; strings point into b and into storage
 * the caller provides: gates (8) and elections (TALLY_ELECTIONS_MAX). */
typedef struct {
    Hj__Tally__CommunityBoard board;
    Hj__Tally__Gate gate[TALLY_GATES];
    Hj__Tally__Gate *gates[TALLY_GATES];
    Hj__Tally__Election election[TALLY_ELECTIONS_MAX];
    Hj__Tally__Election *elections[TALLY_ELECTIONS_MAX];
} tally_board_msg_t;
void board_message(const tally_board_t *b, tally_board_msg_t *m);
/* One election as the wire carries it (gates not filled). */
void board_election_message(const tally_election_t *e, const char *community,
                            Hj__Tally__Election *m);

/* Gate state with overrides: RED turns OVERRIDDEN when the community's open
 * election recorded an override of that gate. */
Hj__Tally__GateState board_gate_state(const tally_board_t *b, int gate, const char **reason,
                                      const char **actor);

/* ---- the projection (projection_db.c) ----------------------------------- */

/* The communities whose board a batch of journal rows may have changed. */
typedef struct {
    char **codes;
    size_t n, cap;
    int all;          /* every community (e.g. the day changed) */
    char **elections; /* elections whose live count may have changed */
    size_t n_elections, cap_elections;
} tally_dirty_t;

void tally_dirty_add(tally_dirty_t *d, const char *code);
void tally_dirty_add_election(tally_dirty_t *d, const char *id);
/* Adds the first column of every row of r. */
void tally_dirty_add_rows(tally_dirty_t *d, PGresult *r);
void tally_dirty_free(tally_dirty_t *d);

/* 1 when rows of this kind are applied with their stored reply too. */
int projection_wants_reply(const char *service, const char *kind);

/* The rows of the kinds a bulk load is made of (talks, pushes, tasks),
 * gathered by projection_apply and written by projection_flush with one
 * statement a table; what stands after a flush is what applying the rows one
 * by one in order would leave. */
typedef struct projection_sets projection_sets_t;
projection_sets_t *projection_sets_new(void);
void projection_sets_destroy(projection_sets_t **self_p);
/* Writes what is gathered (nothing when empty) and empties the sets. 0 / -1. */
int projection_flush(PGconn *c, projection_sets_t *sets);

/* Applies one journal row. 0 applied (or not a kind the board counts),
 * 1 the payload does not decode (skipped, logged), -1 database error.
 * sets: gather what can be written by the set (flush before anything reads
 * the projection); NULL: write it now. */
int projection_apply(PGconn *c, const char *service, const char *kind, const char *community,
                     const uint8_t *payload, size_t len, const uint8_t *reply, size_t reply_len,
                     tally_dirty_t *dirty, projection_sets_t *sets);

/* ---- the catch-up (board_db.c): one transaction ------------------------- */

/* An event to publish after COMMIT. */
typedef struct tally_event {
    struct tally_event *next;
    char topic[96];
    uint8_t *body; /* packed hj.Event */
    size_t len;
} tally_event_t;

typedef struct {
    uint64_t journal_seq; /* the cursor after the transaction */
    uint64_t tally_seq;
    size_t applied;        /* journal rows applied */
    tally_event_t *events; /* in tally_seq order */
} tally_catch_up_t;

/* Applies up to `batch` journal rows after the cursor, in sequence order,
 * re-judges the boards they touched (all of them when the day changed, or
 * with judge_all: a process's first catch-up), stores what changed with the
 * next tally sequence numbers, and moves the cursor: all in one transaction.
 * `careful` (after a failed try): each row under a savepoint, one that fails
 * is logged and skipped. 0 / -1 (rolled back; nothing to publish). */
int board_catch_up(PGconn *c, const tally_profiles_t *profiles, int batch, int careful,
                   int judge_all, tally_catch_up_t *out);
void tally_events_free(tally_event_t **events);

/* Applies the journal rows 1..last to the projection tables the search_path
 * names first (a report as of a past day: tally_asof, in a savepoint the
 * caller rolls back). Boards, cursor and events are not touched. `careful`
 * as for board_catch_up: a row the projection cannot take is skipped, as
 * the live board skipped it. 0 / -1. */
int board_replay(PGconn *c, uint64_t last, int careful, size_t *applied);

/* ---- election day (election_server.c; election_db.c and its modules) --------------------- */

/* The count of one round of an election (round 0 = its latest) as the wire
 * carries it; while ballots are still being counted, statuses and outcome
 * are projected from the share counted so far. Strings live in the arena.
 * 1 counted, 0 the election has no such round, -1 database error. */
int election_count(PGconn *c, const tally_profiles_t *profiles, const char *election, int round,
                   hj_arena_t *a, Hj__Tally__Count *out);

/* Election day's checks (election_server.c), each of the op its name says
 * (roll_set: voter_roll_set; count: box_count; election: result and certify;
 * closure: vacancy and reduce; list: election_list). */
hj_op_check_fn election_check_roll_set, election_check_roll_get, election_check_objection_file,
    election_check_objection_decide, election_check_proxy, election_check_candidates,
    election_check_round, election_check_ballots, election_check_count, election_check_amend,
    election_check_election, election_check_closure, election_check_list;
/* 0 when decision is upheld or dismissed, else -1 with `rule` (field decision). */
int tally_check_decision(hj_status_t *st, const char *decision, const char *rule);

/* ---- the requests (tally_db.c) ------------------------------------------ */

/* hj_op_t handlers (svc is the tally_profiles_t): snapshot, and gates when its
 * entry has an arg (SnapshotQuery); schedule (ElectionSchedule), open (ElectionOpen). */
hj_op_handle_fn tally_db_snapshot, tally_db_schedule, tally_db_open;
/* Waits until the board has applied every journal row committed before this
 * transaction began. 0, or -1 with UNAVAILABLE. */
int tally_db_caught_up(PGconn *c, hj_call_t *call);
/* 0 when the board knows the community, else -1 with NOT_FOUND (field community). */
int tally_db_community_known(PGconn *c, hj_call_t *call, const char *community);

/* The progress briefing (report_db.c): its figures now, or as of a past day
 * (the journal applied again to tally_asof inside a savepoint, rolled back). BriefingQuery. */
hj_op_handle_fn tally_db_briefing;

/* Journal events after q->after, as the bus carries them (tally_db.c). JournalQuery. */
hj_op_handle_fn tally_db_journal;

/* Who may override a gate. The one place the roles issue changes. */
int tally_may_override(const Hj__Identity *who);

#endif
