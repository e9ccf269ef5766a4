/* The daemon's door to the counting rules (rules.h): plain structs in, plain
 * structs out, so the SQL side never includes rules.h (whose hj_status_t
 * is not the envelope's). Pure, like the rules: no I/O. */
#ifndef HJ_TALLY_COUNT_H
#define HJ_TALLY_COUNT_H

#include "profile.h"

#include <stddef.h>
#include <stdint.h>

#define TALLY_PERSONS_MAX 256   /* = HJ_MAX_PERSONS */
#define TALLY_CANDIDATES_MAX 64 /* = HJ_MAX_CANDIDATES */
#define TALLY_WHY_MAX 200

enum { TALLY_ROUND_FIRST = 0, TALLY_ROUND_FURTHER, TALLY_ROUND_REVOTE };
enum { TALLY_OUTCOME_VOID = 0, TALLY_OUTCOME_COMPLETE, TALLY_OUTCOME_REVOTE, TALLY_OUTCOME_FURTHER };

typedef struct {
    const hj_profile_t *profile;
    int mode;                   /* hj_mode_t */
    int kind;                   /* TALLY_ROUND_* */
    uint32_t seats, seats_to_fill, n_candidates, n_writeins;
    uint32_t electorate, present, issued, returned;
    const char *const *names;   /* the persons' names (paper, then write-ins), or NULL */
} tally_round_t;

/* A box as counted: valid and invalid ballots, votes per person (the
 * paper's candidates, then write-ins by id). */
typedef struct {
    uint32_t valid, invalid;
    const uint32_t *votes;
} tally_box_count_t;

typedef struct {
    int ok;                     /* 0: error holds why the input cannot be counted */
    char error[TALLY_WHY_MAX];
    int outcome;                /* TALLY_OUTCOME_* */
    char outcome_reason[512];
    char quorum_reason[TALLY_WHY_MAX];
    char ballots_reason[TALLY_WHY_MAX];
    char outcome_reason_zh[768];   /* the three in Chinese */
    char quorum_reason_zh[TALLY_WHY_MAX * 2];
    char ballots_reason_zh[TALLY_WHY_MAX * 2];
    uint32_t turnout, valid, invalid;
    uint32_t n_persons;
    struct {
        uint64_t votes;
        const char *status;     /* elected, below threshold, outranked, tied, void */
        int elected;
        int stands_further;
        char reason[TALLY_WHY_MAX];
        char reason_zh[TALLY_WHY_MAX * 2];
    } person[TALLY_PERSONS_MAX];
    uint32_t n_elected, elected[TALLY_PERSONS_MAX];   /* persons, most votes first */
    uint32_t revote_seats, n_tied, tied[TALLY_PERSONS_MAX];
    uint32_t further_seats, n_standing, standing[TALLY_PERSONS_MAX];
} tally_count_t;

/* Counts a round from its boxes (boxes counted ballot by ballot are summed
 * into one box each). 0, or -1 with out->error. */
int tally_count_boxes(const tally_round_t *round, const tally_box_count_t *boxes, size_t n,
                      tally_count_t *out);

typedef struct {
    uint16_t person;            /* write-in id */
    int16_t beside;             /* candidate index (0-based) whose "no" it stands beside, -1 none */
} tally_writein_t;

/* One ballot for data entry: 1 valid (its distinct write-in persons into
 * persons[0..*n_persons)), 0 invalid (why in reason), -1 the marks cannot
 * be on this paper (why in reason). */
int tally_check_ballot(const tally_round_t *round, const uint8_t *marks, const tally_writein_t *w,
                       size_t n_writeins, uint16_t *persons, uint32_t *n_persons, char *reason,
                       size_t reason_len);

/* Is a list of n candidates lawful for `seats`? 1 / 0 with the rule's words. */
int tally_check_candidates(const hj_profile_t *p, uint32_t seats, uint32_t n, uint32_t *required,
                           char *reason, size_t reason_len);
/* May one voter hold `held` proxies in this mode? 1 / 0 with the reason. */
int tally_check_proxies(const hj_profile_t *p, int mode, uint32_t held, char *reason,
                        size_t reason_len);
/* Seats the rounds left empty, and whether n of them may be closed: as
 * vacant (暂缺, reduce 0) or by reducing the seats (减少名额, reduce 1).
 * 1 lawful / 0 refused with the field (profile | seats) and both reasons. */
typedef struct {
    uint32_t seats, elected, closed;
    int counted;                /* the latest round is counted and left seats empty */
    int last_kind;              /* TALLY_ROUND_* of the latest round */
    uint32_t last_no;
} tally_seats_t;
int tally_check_close(const hj_profile_t *p, int reduce, const tally_seats_t *s, uint32_t n,
                      const char **field, char *reason, size_t reason_len, char *reason_zh,
                      size_t reason_zh_len);

/* The fewest votes on one ballot that make it invalid (marks > seats: seats + 1). */
uint32_t tally_invalid_limit(const hj_profile_t *p, uint32_t seats_to_fill);

const char *tally_outcome_name(int outcome);   /* void, complete, revote, further */
const char *tally_round_name(int kind);        /* first, further, revote */
int tally_mode_parse(const char *name);        /* ordinary, household, representative; -1 */

#endif
