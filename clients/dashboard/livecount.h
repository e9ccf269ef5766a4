#ifndef HJ_TOP_LIVECOUNT_H
#define HJ_TOP_LIVECOUNT_H
/* What the count view draws for one election's live count (tally.count.*):
 * the quorum line and the line to be elected, read from the election's
 * counting-rules profile (the thresholds are data there, never literals
 * here), and the bars. Pure, like the rules. */
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "profile.h"

typedef struct {
    int known; /* 0: no profile found: no lines to draw */
    char profile[32];
    tally_mode_t mode;
    /* turnout: `quorum_qty` (present, or ballots cast) against the electorate */
    tally_qty_t quorum_qty;
    uint64_t quorum_have;
    uint64_t electorate;
    uint64_t quorum_min; /* the smallest quorum_have that makes the meeting valid */
    tally_rule_t quorum;
    int quorum_met;
    /* a person is elected with at least elected_min votes (0: most votes wins) */
    tally_qty_t elected_qty; /* what the votes are measured against */
    uint64_t elected_base;
    uint64_t elected_min;
    tally_rule_t elected;
} livecount_lines_t;

/* The election of `election_id` on the board and its community's row; NULL
 * when the board does not list it (not scheduled or open any more). */
const Hj__Tally__Election *livecount_election(const board_t *b, const char *election_id,
                                              const Hj__Tally__CommunityBoard **row);

/* The lines of count k under `profile` (a built-in profile name) and `mode`
 * (ordinary | household | representative; "" = ordinary). An empty or unknown
 * profile falls back to the only built-in profile for k's body, if there is
 * exactly one. Returns 0, or -1 with out->known = 0. */
int livecount_lines(const Hj__Tally__Count *k, const char *profile, const char *mode,
                    livecount_lines_t *out);

/* A bar of `width` columns: '#' for value out of scale, '.' for the rest, and
 * '|' at the column of `mark` (no mark when mark is 0 or beyond scale). */
void livecount_bar(char *dst, size_t size, uint64_t value, uint64_t scale, int width,
                   uint64_t mark);

/* Votes as the count projects them: while counting, the share of the
 * ballots counted so far carried over to every ballot returned (what
 * hj-tallyd's projected result is judged on); when complete, the votes. */
uint64_t livecount_projected(const Hj__Tally__Count *k, uint64_t votes);
/* The turnout of lines in thousandths of the electorate (0 without one). */
unsigned livecount_turnout_per_mille(const livecount_lines_t *lines);

/* The votes of one round that a bar is measured against: the larger of the
 * rule's base and the most votes anyone has. */
uint64_t livecount_scale(const Hj__Tally__Count *k, const livecount_lines_t *lines);

#endif
