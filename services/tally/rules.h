/* Huanjie — the counting rules (pure: no I/O, no globals, no allocation).
 *
 *     rc = tally_rules_count_ballots(profile, election, ballots, &result);
 *     rc = tally_rules_count_boxes(profile, election, boxes, n_boxes, &result);
 *
 * Each returns 0, or -1 with result.status, the envelope's status the daemon
 * replies with, saying why: INVALID_ARGUMENT (the election or ballots are
 * inconsistent) or FAILED_PRECONDITION (the profile cannot be applied, e.g.
 * the mode is not allowed).
 *
 * The law lives in the profile (profile.h); this module applies it. Every
 * threshold is a comparison of integers (64-bit products), never floating
 * point. Every decision carries a reason an election officer can read, e.g.
 *   "turnout: 80 present of 100 who should attend is not more than 4/5 of 100
 *    (at least 81 needed): the meeting is not valid"
 *
 * Persons. A round's ballot paper lists n_candidates candidates (person
 * 0..n_candidates-1, in ballot order). Write-ins (另选他人) name other people;
 * the counters give each distinct written name an id 0..n_writein_persons-1,
 * which is person n_candidates + id. Reasons number them 1-based as on paper:
 * "candidate 3", "write-in 2".
 */
#ifndef HJ_TALLY_RULES_H
#define HJ_TALLY_RULES_H

#include "hj_envelope.h"
#include "profile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TALLY_CANDIDATES_MAX 64 /* names printed on one ballot paper */
#define TALLY_PERSONS_MAX 256   /* candidates + distinct write-in persons */
#define TALLY_REASON_MAX 200
#define TALLY_SUMMARY_MAX 512

/* One mark per candidate on a ballot (one byte each). */
typedef enum {
    TALLY_MARK_NONE = 0,   /* left blank */
    TALLY_MARK_YES = 1,    /* 赞成 / ○ : a vote */
    TALLY_MARK_NO = 2,     /* 反对 / × */
    TALLY_MARK_ABSTAIN = 3 /* 弃权 */
} tally_mark_t;

typedef enum {
    TALLY_ROUND_FIRST = 0, /* the first vote for all seats */
    TALLY_ROUND_FURTHER,   /* 另行选举 for seats still empty */
    TALLY_ROUND_REVOTE     /* re-vote among candidates tied for the last seat(s) */
} tally_round_kind_t;

typedef struct {
    tally_mode_t mode;
    tally_round_kind_t kind;
    uint32_t seats;         /* seats of the body */
    uint32_t seats_to_fill; /* seats at stake in this round; 0 in a first round means all seats */
    uint32_t n_candidates;  /* names on this round's ballot paper, 1..TALLY_CANDIDATES_MAX */
    uint32_t n_writein_persons; /* distinct persons written in (ids 0..n-1) */
    uint32_t electorate; /* who should attend / registered voters / households / representatives */
    uint32_t present;    /* voters present (may be 0 if no rule of the profile uses it) */
    uint32_t issued;     /* ballots issued */
    uint32_t returned;   /* ballots returned = cast, valid and invalid */
    /* The persons' names (candidates in paper order, then write-ins), so the
     * reasons name people, not paper positions; NULL: "candidate 1". */
    const char *const *names;
} tally_round_t;

/* A write-in on one ballot. */
typedef struct {
    uint32_t ballot; /* index of the ballot it is written on */
    uint16_t person; /* write-in person id, < n_writein_persons */
    int16_t beside;  /* candidate index whose "no" it stands beside, -1 if none */
} tally_writein_t;

/* Individually entered ballots: marks is n_ballots rows of n_candidates bytes
 * (tally_mark_t values), contiguous; writeins sorted by ballot (may be empty).
 * n_ballots must equal round.returned. */
typedef struct {
    const uint8_t *marks;
    size_t n_ballots;
    const tally_writein_t *writeins;
    size_t n_writeins;
} tally_ballots_t;

/* A box counted by hand: valid and invalid ballots, votes per person
 * (n_candidates + n_writein_persons entries). The boxes' ballots together
 * must equal round.returned. */
typedef struct {
    uint32_t valid;
    uint32_t invalid;
    const uint32_t *votes;
} tally_box_t;

typedef enum {
    TALLY_OUTCOME_VOID = 0, /* round void: turnout too low or more returned than issued */
    TALLY_OUTCOME_COMPLETE, /* every seat at stake is filled */
    TALLY_OUTCOME_REVOTE,   /* a tie decides the last seat(s): re-vote among the tied only */
    TALLY_OUTCOME_FURTHER   /* seats still empty: further round (另行选举) */
} tally_outcome_t;

typedef enum {
    TALLY_PERSON_VOID = 0, /* round void: nobody elected */
    TALLY_PERSON_ELECTED,
    TALLY_PERSON_BELOW,     /* did not reach the threshold */
    TALLY_PERSON_OUTRANKED, /* reached it, but the seats went to more votes */
    TALLY_PERSON_TIED       /* tied for the last seat(s): stands in the re-vote */
} tally_person_status_t;

typedef struct {
    uint64_t votes;
    tally_person_status_t status;
    bool stands_further; /* stands in the further round (profiles with standing = top ...) */
    char reason[TALLY_REASON_MAX];
    char reason_zh[TALLY_REASON_MAX]; /* the same in Chinese */
} tally_person_result_t;

typedef enum {
    TALLY_BALLOT_VALID = 0,
    TALLY_BALLOT_TOO_MANY, /* more votes (yes marks + write-ins) than the profile allows */
    TALLY_BALLOT_WRITEIN   /* a write-in the profile does not allow where it stands */
} tally_ballot_verdict_t;

typedef struct {
    hj_status_t status; /* OK, or why the round cannot be counted */

    tally_outcome_t outcome;
    bool valid; /* quorum_ok && ballots_ok */
    bool quorum_ok;
    bool ballots_ok;
    char quorum_reason[TALLY_REASON_MAX];
    char ballots_reason[TALLY_REASON_MAX];
    char outcome_reason[TALLY_SUMMARY_MAX];
    char quorum_reason_zh[TALLY_REASON_MAX]; /* the three in Chinese */
    char ballots_reason_zh[TALLY_REASON_MAX];
    char outcome_reason_zh[TALLY_SUMMARY_MAX];

    uint32_t turnout; /* the quantity the quorum rule counts (present or cast) */
    uint32_t electorate, present, issued, returned;
    uint32_t valid_ballots, invalid_ballots;
    uint32_t invalid_too_many, invalid_writein; /* individually counted ballots only */

    uint32_t seats_to_fill;
    uint64_t threshold_base; /* e.g. voters present, ballots cast */
    uint64_t threshold_min;  /* fewest votes that pass the round's rule (0: none) */

    uint32_t n_persons; /* n_candidates + n_writein_persons */
    tally_person_result_t person[TALLY_PERSONS_MAX];

    uint32_t n_elected; /* persons, most votes first */
    uint32_t elected[TALLY_PERSONS_MAX];
    uint32_t revote_seats; /* seats the re-vote decides */
    uint32_t n_tied;
    uint32_t tied[TALLY_PERSONS_MAX];
    uint32_t further_seats; /* seats left empty */
    uint32_t n_standing;    /* who stands in the further round (most votes first) */
    uint32_t standing[TALLY_PERSONS_MAX];
} tally_result_t;

typedef struct {
    bool lawful;
    uint32_t required; /* candidates: fewest lawful; proxies: most allowed */
    char reason[TALLY_REASON_MAX];
} tally_check_t;

/* Seats left empty after the rounds so far, for closing them as vacant (暂缺)
 * or reducing them (减少名额). */
typedef struct {
    uint32_t seats;   /* seats of the body */
    uint32_t elected; /* filled by the rounds so far */
    uint32_t closed;  /* already closed (vacant or reduced) */
    bool counted;     /* the latest round is counted and left seats empty (outcome further) */
    tally_round_kind_t last_round; /* kind of the latest round */
    uint32_t last_no;              /* its number (for the reason), 0 = no round yet */
} tally_seats_t;

typedef struct {
    bool lawful;
    const char *field; /* refused: "profile" (the law forbids it) or "seats" */
    char reason[TALLY_REASON_MAX * 2];
    char reason_zh[TALLY_REASON_MAX * 2];
} tally_close_check_t;

/* May n of the empty seats stay vacant (暂缺)? */
bool tally_rules_check_vacancy(const tally_profile_t *profile, const tally_seats_t *seats,
                               uint32_t n, tally_close_check_t *out);
/* May the seats be reduced by n (减少名额)? */
bool tally_rules_check_reduce(const tally_profile_t *profile, const tally_seats_t *seats,
                              uint32_t n, tally_close_check_t *out);

/* Count individually entered ballots. 0, or -1 with result->status. */
int tally_rules_count_ballots(const tally_profile_t *profile, const tally_round_t *round,
                              const tally_ballots_t *ballots, tally_result_t *result);

/* Count from box totals. 0, or -1 with result->status. */
int tally_rules_count_boxes(const tally_profile_t *profile, const tally_round_t *round,
                            const tally_box_t *boxes, size_t n_boxes, tally_result_t *result);

/* One ballot as the count sees it (for data entry: tell the clerk why).
 * 0 with *verdict and, for a valid ballot, its distinct write-in persons in
 * persons[0..*n_persons) (persons: room for n_writeins; both may be NULL);
 * -1 for a mark or write-in that cannot be on this paper (why in reason). */
int tally_rules_check_ballot(const tally_profile_t *profile, const tally_round_t *round,
                             const uint8_t *marks, const tally_writein_t *writeins,
                             size_t n_writeins, tally_ballot_verdict_t *verdict, uint16_t *persons,
                             uint32_t *n_persons, char *reason, size_t reason_len);

/* Is a candidate list of n_candidates for `seats` seats lawful (差额)? */
bool tally_rules_check_candidates(const tally_profile_t *profile, uint32_t seats,
                                  uint32_t n_candidates, tally_check_t *out);

/* May one voter hold `held` proxy ballots in this mode? */
bool tally_rules_check_proxies(const tally_profile_t *profile, tally_mode_t mode, uint32_t held,
                               tally_check_t *out);

const char *
tally_rules_outcome_name(tally_outcome_t o); /* "void", "complete", "revote", "further" */
const char *tally_rules_person_status_name(tally_person_status_t s); /* "void", "elected", ... */
const char *tally_rules_round_name(tally_round_kind_t r); /* "first", "further", "revote" */

#ifdef __cplusplus
}
#endif

#endif
