#ifndef HJ_ELECTION_DB_H
#define HJ_ELECTION_DB_H
/* hj-tallyd: election day's requests, each answered in one transaction
 * (election_db.c); election_server.c routes to them. */
#include "tally.h"

void rounds_candidates_set(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                           const Hj__Tally__CandidateList *l);
void rounds_open(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const Hj__Tally__RoundOpen *o);
void ballots_enter(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const Hj__Tally__BallotBatch *b);
void ballots_box_count(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const Hj__Tally__BoxTotal *t);
/* Replies with the whole result; a write journals `kind` with `record`. */
void result_reply(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id, const char *kind,
                  const ProtobufCMessage *record);
void certify_result(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const Hj__Tally__ElectionRef *ref);
/* Vacant seats (reduce 0) or reduced seats (reduce 1). */
void certify_seat_close(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                        const Hj__Tally__SeatClosure *sc, int reduce);
void certify_amend(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const Hj__Tally__BoxTotal *t);
void election_list(PGconn *c, hj_call_t *call, const Hj__Tally__ElectionListQuery *q);

#endif
