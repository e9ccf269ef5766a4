#ifndef HJ_ROUNDS_DB_H
#define HJ_ROUNDS_DB_H
/* Election day: the candidate list and the rounds with their ballot papers. */
#include "tally.h"

/* The candidate list, fixed once voting begins: nominees of the reserve ledger only. */
void rounds_candidates_set(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                           const Hj__Tally__CandidateList *l);

/* Opens the next round: its paper and seats follow from the last one. */
void rounds_open(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                 const Hj__Tally__RoundOpen *o);

#endif
