#ifndef HJ_BALLOTS_DB_H
#define HJ_BALLOTS_DB_H
/* Election day: ballots entered one by one, boxes counted by hand, and a
 * box's count kept as an amendment (a recount, or certify_db's amend). */
#include "election_db.h"

/* The latest round's box to count into, locked. 0 with *round and the box
 * row (arena), or -1 with the status. */
int ballots_box(PGconn *c, hj_call_t *call, const election_t *e, uint32_t round, const char *box,
                hj_arena_t *a, int *round_no, PGresult **row);

/* Stores a box's count: entry, counted, valid, invalid, votes. 0 / -1. */
int ballots_store_box(PGconn *c, hj_arena_t *a, const char *election, const char *round,
                      const char *box, const char *entry, uint32_t counted, uint32_t valid,
                      uint32_t invalid, const uint32_t *votes, uint32_t n);

/* A batch of ballots entered one by one into a box, judged by the rules
 * (BallotBatch; an hj_op_t handler, svc the tally_profiles_t). */
hj_op_handle_fn ballots_enter;

/* A box counted by hand must add up; the arithmetic is in the refusal. The
 * box's votes (paper, then write-ins by id) into votes (n = *n_persons). */
int ballots_check_total(PGconn *c, hj_call_t *call, const election_t *e, int round_no,
                        PGresult *box, const Hj__Tally__BoxTotal *t, hj_arena_t *a,
                        uint32_t **votes_out, uint32_t *n_persons);

/* A total counted by hand into box (ballots_box's row): checked
 * (ballots_check_total), the count it replaces kept as `kind` when kind is
 * given ("recount", "amendment"), then stored. 0 / -1 with the status. */
int ballots_store_total(PGconn *c, hj_call_t *call, const election_t *e, int round_no,
                        PGresult *box, const Hj__Tally__BoxTotal *t, const char *kind,
                        hj_arena_t *a);

/* A box's total counted by hand (a recount only with its reason). BoxTotal. */
hj_op_handle_fn ballots_box_count;

/* Keeps a box's count as it was and as it is counted now, with the reason:
 * an amendment of a certified result, or a recount before it. 0 / -1 with
 * the status. */
int ballots_keep_amendment(PGconn *c, hj_call_t *call, const election_t *e, int round_no,
                           PGresult *box, const Hj__Tally__BoxTotal *t, uint32_t n_persons,
                           const char *kind, hj_arena_t *a);

#endif
