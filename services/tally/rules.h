/* Huanjie — the counting rules (pure: no I/O, no globals, no allocation).
 *
 *     status = hj_count_ballots(profile, election, ballots, &result);
 *     status = hj_count_boxes(profile, election, boxes, n_boxes, &result);
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

#include "profile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HJ_MAX_CANDIDATES 64   /* names printed on one ballot paper */
#define HJ_MAX_PERSONS 256     /* candidates + distinct write-in persons */
#define HJ_REASON_MAX 200
#define HJ_SUMMARY_MAX 512

/* One mark per candidate on a ballot (one byte each). */
typedef enum {
    HJ_MARK_NONE = 0,    /* left blank */
    HJ_MARK_YES = 1,     /* 赞成 / ○ : a vote */
    HJ_MARK_NO = 2,      /* 反对 / × */
    HJ_MARK_ABSTAIN = 3  /* 弃权 */
} hj_mark_t;

typedef enum {
    HJ_ROUND_FIRST = 0, /* the first vote for all seats */
    HJ_ROUND_FURTHER,   /* 另行选举 for seats still empty */
    HJ_ROUND_REVOTE     /* re-vote among candidates tied for the last seat(s) */
} hj_round_t;

typedef struct {
    hj_mode_t mode;
    hj_round_t round;
    uint32_t seats;             /* seats of the body */
    uint32_t seats_to_fill;     /* seats at stake in this round; 0 in a first round means all seats */
    uint32_t n_candidates;      /* names on this round's ballot paper, 1..HJ_MAX_CANDIDATES */
    uint32_t n_writein_persons; /* distinct persons written in (ids 0..n-1) */
    uint32_t electorate;        /* who should attend / registered voters / households / representatives */
    uint32_t present;           /* voters present (may be 0 if no rule of the profile uses it) */
    uint32_t issued;            /* ballots issued */
    uint32_t returned;          /* ballots returned = cast, valid and invalid */
    /* The persons' names (candidates in paper order, then write-ins), so the
     * reasons name people, not paper positions; NULL: "candidate 1". */
    const char *const *names;
} hj_election_t;

/* A write-in on one ballot. */
typedef struct {
    uint32_t ballot; /* index of the ballot it is written on */
    uint16_t person; /* write-in person id, < n_writein_persons */
    int16_t beside;  /* candidate index whose "no" it stands beside, -1 if none */
} hj_writein_t;

/* Individually entered ballots: marks is n_ballots rows of n_candidates bytes
 * (hj_mark_t values), contiguous; writeins sorted by ballot (may be empty).
 * n_ballots must equal election.returned. */
typedef struct {
    const uint8_t *marks;
    size_t n_ballots;
    const hj_writein_t *writeins;
    size_t n_writeins;
} hj_ballots_t;

/* A box counted by hand: valid and invalid ballots, votes per person
 * (n_candidates + n_writein_persons entries). The boxes' ballots together
 * must equal election.returned. */
typedef struct {
    uint32_t valid;
    uint32_t invalid;
    const uint32_t *votes;
} hj_box_t;

typedef enum {
    HJ_OK = 0,
    HJ_E_INPUT,  /* the election or ballots are inconsistent; see result.error */
    HJ_E_PROFILE /* the profile cannot be applied (e.g. mode not allowed) */
} hj_status_t;

typedef enum {
    HJ_OUTCOME_VOID = 0,  /* round void: turnout too low or more returned than issued */
    HJ_OUTCOME_COMPLETE,  /* every seat at stake is filled */
    HJ_OUTCOME_REVOTE,    /* a tie decides the last seat(s): re-vote among the tied only */
    HJ_OUTCOME_FURTHER    /* seats still empty: further round (另行选举) */
} hj_outcome_t;

typedef enum {
    HJ_PERSON_VOID = 0,       /* round void: nobody elected */
    HJ_PERSON_ELECTED,
    HJ_PERSON_BELOW,          /* did not reach the threshold */
    HJ_PERSON_OUTRANKED,      /* reached it, but the seats went to more votes */
    HJ_PERSON_TIED            /* tied for the last seat(s): stands in the re-vote */
} hj_person_status_t;

typedef struct {
    uint64_t votes;
    hj_person_status_t status;
    bool stands_further; /* stands in the further round (profiles with standing = top ...) */
    char reason[HJ_REASON_MAX];
    char reason_zh[HJ_REASON_MAX];  /* the same in Chinese */
} hj_person_result_t;

typedef enum {
    HJ_BALLOT_VALID = 0,
    HJ_BALLOT_TOO_MANY,     /* more votes (yes marks + write-ins) than the profile allows */
    HJ_BALLOT_WRITEIN       /* a write-in the profile does not allow where it stands */
} hj_ballot_verdict_t;

typedef struct {
    hj_status_t status;
    char error[HJ_REASON_MAX];      /* when status != HJ_OK */

    hj_outcome_t outcome;
    bool valid;                     /* quorum_ok && ballots_ok */
    bool quorum_ok;
    bool ballots_ok;
    char quorum_reason[HJ_REASON_MAX];
    char ballots_reason[HJ_REASON_MAX];
    char outcome_reason[HJ_SUMMARY_MAX];
    char quorum_reason_zh[HJ_REASON_MAX];   /* the three in Chinese */
    char ballots_reason_zh[HJ_REASON_MAX];
    char outcome_reason_zh[HJ_SUMMARY_MAX];

    uint32_t turnout;               /* the quantity the quorum rule counts (present or cast) */
    uint32_t electorate, present, issued, returned;
    uint32_t valid_ballots, invalid_ballots;
    uint32_t invalid_too_many, invalid_writein; /* individually counted ballots only */

    uint32_t seats_to_fill;
    uint64_t threshold_base;        /* e.g. voters present, ballots cast */
    uint64_t threshold_min;         /* fewest votes that pass the round's rule (0: none) */

    uint32_t n_persons;             /* n_candidates + n_writein_persons */
    hj_person_result_t person[HJ_MAX_PERSONS];

    uint32_t n_elected;             /* persons, most votes first */
    uint32_t elected[HJ_MAX_PERSONS];
    uint32_t revote_seats;          /* seats the re-vote decides */
    uint32_t n_tied;
    uint32_t tied[HJ_MAX_PERSONS];
    uint32_t further_seats;         /* seats left empty */
    uint32_t n_standing;            /* who stands in the further round (most votes first) */
    uint32_t standing[HJ_MAX_PERSONS];
} hj_result_t;

typedef struct {
    bool lawful;
    uint32_t required;              /* candidates: fewest lawful; proxies: most allowed */
    char reason[HJ_REASON_MAX];
} hj_check_t;

/* Seats left empty after the rounds so far, for closing them as vacant (暂缺)
 * or reducing them (减少名额). */
typedef struct {
    uint32_t seats;         /* seats of the body */
    uint32_t elected;       /* filled by the rounds so far */
    uint32_t closed;        /* already closed (vacant or reduced) */
    bool counted;           /* the latest round is counted and left seats empty (outcome further) */
    hj_round_t last_round;  /* kind of the latest round */
    uint32_t last_no;       /* its number (for the reason), 0 = no round yet */
} hj_seats_t;

typedef struct {
    bool lawful;
    const char *field;               /* refused: "profile" (the law forbids it) or "seats" */
    char reason[HJ_REASON_MAX * 2];
    char reason_zh[HJ_REASON_MAX * 2];
} hj_close_check_t;

/* May n of the empty seats stay vacant (暂缺)? */
bool hj_check_vacancy(const hj_profile_t *profile, const hj_seats_t *seats, uint32_t n, hj_close_check_t *out);
/* May the seats be reduced by n (减少名额)? */
bool hj_check_reduce(const hj_profile_t *profile, const hj_seats_t *seats, uint32_t n, hj_close_check_t *out);

/* Count individually entered ballots. */
hj_status_t hj_count_ballots(const hj_profile_t *profile, const hj_election_t *election,
                             const hj_ballots_t *ballots, hj_result_t *result);

/* Count from box totals. */
hj_status_t hj_count_boxes(const hj_profile_t *profile, const hj_election_t *election,
                           const hj_box_t *boxes, size_t n_boxes, hj_result_t *result);

/* One ballot as the count sees it (for data entry: tell the clerk why).
 * Returns HJ_E_INPUT for a mark or write-in that cannot be on this paper. */
hj_status_t hj_check_ballot(const hj_profile_t *profile, const hj_election_t *election,
                            const uint8_t *marks, const hj_writein_t *writeins, size_t n_writeins,
                            hj_ballot_verdict_t *verdict, char *reason, size_t reason_len);

/* Is a candidate list of n_candidates for `seats` seats lawful (差额)? */
bool hj_check_candidates(const hj_profile_t *profile, uint32_t seats, uint32_t n_candidates, hj_check_t *out);

/* May one voter hold `held` proxy ballots in this mode? */
bool hj_check_proxies(const hj_profile_t *profile, hj_mode_t mode, uint32_t held, hj_check_t *out);

const char *hj_outcome_name(hj_outcome_t o);              /* "void", "complete", "revote", "further" */
const char *hj_person_status_name(hj_person_status_t s); /* "void", "elected", ... */

#ifdef __cplusplus
}
#endif

#endif
