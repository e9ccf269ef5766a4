#ifndef HJ_ELECTION_DB_H
#define HJ_ELECTION_DB_H
/* Election day's shared ground (every module of it uses these; none copies
 * them): the arena that holds a request's results and strings, the query that
 * keeps its SQLSTATE, and the election row, loaded and locked. */
#include "roll_db.h"
#include "tally.h"

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
    const tally_profile_t *profile;
    char sqlstate[6]; /* of a load that failed ("" otherwise): a lock's deadlock is a retry */
} election_t;

/* A copy of s in the arena; "" when out of memory. */
char *election_strdup(hj_arena_t *a, const char *s);

/* A query whose result the arena keeps. NULL after logging, with its
 * SQLSTATE in a->sqlstate (a deadlock must reach the caller as UNAVAILABLE). */
PGresult *election_q(PGconn *c, hj_arena_t *a, const char *sql, int n, const char *const *v);

/* The failure of the statement that failed last: one run here (state), or
 * one run through the arena (election_q, also inside a helper). */
void election_sql_failed(hj_call_t *call, const char *state, const hj_arena_t *a, const char *what,
                         const char *field);

/* election_q for a handler: the result, or NULL with the failure answered
 * as election_sql_failed answers `what`. */
PGresult *election_call_q(PGconn *c, hj_call_t *call, hj_arena_t *a, const char *what,
                          const char *sql, int n, const char *const *v);

/* A statement whose rows nobody reads (kept out of the arena). 0, or -1
 * with the failure answered as election_sql_failed answers `what`. */
int election_exec(PGconn *c, hj_call_t *call, hj_arena_t *a, const char *what, const char *sql,
                  int n, const char *const *v);

/* A column as a count. */
uint32_t election_u32(PGresult *r, int row, int col);

/* v as text in buf, for a $n parameter. */
const char *election_num(char buf[24], long long v);

/* 1 found, 0 not, -1 error. `lock`: FOR UPDATE (every election-day write
 * takes it first, so one election's writes go one at a time). */
int election_row(PGconn *c, const tally_profiles_t *profiles, const char *id, int lock,
                 election_t *e);

/* What a user reads for an election id that names none (a printf format of the id). */
#define ELECTION_NOT_FOUND "election %s not found (hj election schedule prints its id)"

/* The election `id` (lock: FOR UPDATE). 0, or -1 with NOT_FOUND or the SQL failure. */
int election_load(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                  int lock, election_t *e);

/* 0 while not certified; -1 with FAILED_PRECONDITION naming the amendment. */
int election_not_certified(hj_call_t *call, const election_t *e);

/* 0 when open (and not certified); -1 with FAILED_PRECONDITION naming the gates. */
int election_is_open(hj_call_t *call, const election_t *e);

/* For roll_db.c (proxies): the election, locked, not certified. */
int election_for_roll(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                      roll_election_t *out);

#endif
