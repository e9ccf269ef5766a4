#ifndef HJ_ROUNDS_DB_H
#define HJ_ROUNDS_DB_H
/* Election day: the candidate list and the rounds with their ballot papers. */
#include "tally.h"

/* The candidate list, fixed once voting begins: nominees of the reserve ledger only
 * (CandidateList). hj_op_t handlers: svc is the tally_profiles_t. */
hj_op_handle_fn rounds_candidates_set;

/* Opens the next round: its paper and seats follow from the last one (RoundOpen). */
hj_op_handle_fn rounds_open;

#endif
