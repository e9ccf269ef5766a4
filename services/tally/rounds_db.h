#ifndef HJ_ROUNDS_DB_H
#define HJ_ROUNDS_DB_H
/* Election day: the candidate list and the rounds with their ballot papers. */
#include "tally.h"

void rounds_candidates_set(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                           const Hj__Tally__CandidateList *l);

void rounds_open(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                 const Hj__Tally__RoundOpen *o);

#endif
