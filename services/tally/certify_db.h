#ifndef HJ_CERTIFY_DB_H
#define HJ_CERTIFY_DB_H
/* Election day: certification, amendments of a certified result, and seats
 * closed as vacant (暂缺) or reduced (减少名额). */
#include "tally.h"

/* Certifies a result whose seats are all filled or closed. */
void certify_result(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                    const Hj__Tally__ElectionRef *ref);

/* 暂缺 / 减少名额: seats the rounds could not fill are closed, where and when
 * the profile allows it (rules.c says why not, naming the rule). A vacant
 * seat's by-election is due the profile's months from today. */
void certify_seat_close(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                        const Hj__Tally__SeatClosure *sc, int reduce);

/* An amendment of a certified result: a box counted again, with its reason. */
void certify_amend(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                   const Hj__Tally__BoxTotal *t);

#endif
