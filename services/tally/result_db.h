#ifndef HJ_RESULT_DB_H
#define HJ_RESULT_DB_H
/* Election day: a round as counted, the result across rounds, and the replies
 * that carry them (election_db.h). */
#include "election_db.h"
#include "rules.h"

typedef struct {
    int no;
    int kind;
    uint32_t seats_to_fill, electorate, present;
    uint32_t n_paper;
    const char **paper_ids; /* "" for a write-in standing */
    const char **paper_names;
    uint32_t n_writeins;
    const char **writein_names;
    PGresult *boxes; /* name, kind, issued, returned, entry, counted, valid, invalid, votes */
    uint32_t issued, returned, counted, valid, invalid;
    uint32_t *votes; /* per person: paper, then write-ins */
    int complete;    /* every returned ballot counted */
    int counted_ok;  /* tc holds a count (final, or projected while counting) */
    tally_result_t *tc;
} result_tally_t;

typedef struct {
    int n_rounds;
    result_tally_t *rounds; /* 1..n_rounds at [0..) */
    uint32_t n_elected;
    const char **elected;
    const char **elected_ids; /* "" for a write-in */
    result_tally_t *last;
    char next[768];
    char next_zh[768];
    PGresult *closures; /* id, kind, seats, after_round, reason, rule, rule_zh, due_on, actor, at */
    uint32_t vacant, reduced;   /* seats closed as 暂缺 / 减少名额 */
    uint32_t closed_after_last; /* of them, closed after the latest round */
    const char *vacancy_due;    /* the earliest by-election due day, "" */
} result_t;

/* A round kind's name as TALLY_ROUND_*. */
int result_kind(const char *name);

/* Parses "{1,2,3}"-free "1,2,3" (array_to_string) into votes[0..n). */
void result_parse_votes(const char *text, uint32_t *votes, uint32_t n);

/* Loads round `no` (0 = the latest) and counts it. 1, 0 no such round, -1 error. */
int result_tally(PGconn *c, const election_t *e, int no, hj_arena_t *a, result_tally_t *t);

/* Person i of the round (paper, then write-ins) by name. */
const char *result_person_name(const result_tally_t *t, uint32_t i);

/* The round as the wire carries it; strings live in the arena. */
int result_count_message(const election_t *e, const result_tally_t *t, hj_arena_t *a,
                         Hj__Tally__Count *m);

/* Every round of the election counted, who is elected, the seats closed. 0 / -1. */
int result_load(PGconn *c, const election_t *e, hj_arena_t *a, result_t *res);

/* Seats the rounds and the closures have not accounted for. */
uint32_t result_open_seats(const election_t *e, const result_t *res);

/* The seats as the rules see them when closing some: from the result. */
void result_seats_of(const election_t *e, const result_t *res, tally_seats_t *s);

/* What happens next, in words, in English and Chinese; people by name. */
void result_next(const election_t *e, const result_t *res, uint32_t listed, char *out, char *zh,
                 size_t size);

/* The election as the wire carries it, with its list. */
int result_election_message(PGconn *c, const tally_profiles_t *profiles, const election_t *e,
                            hj_arena_t *a, Hj__Tally__Election **out);

/* Replies with the whole result; a write journals `kind` with `record`. */
void result_reply(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                  const char *kind, const ProtobufCMessage *record);
/* The result request (ElectionRef), as an hj_op_t handler. */
hj_op_handle_fn result_show;

/* Replies with the count of the election's latest round; journals it. */
void result_count_reply(PGconn *c, hj_call_t *call, const election_t *e, const char *kind);

#endif
