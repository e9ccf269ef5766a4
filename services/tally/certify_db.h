#ifndef HJ_CERTIFY_DB_H
#define HJ_CERTIFY_DB_H
/* Election day: certification, amendments of a certified result, and seats
 * closed as vacant (暂缺) or reduced (减少名额). */
#include "tally.h"

/* Certifies a result whose seats are all filled or closed (ElectionRef).
 * hj_op_t handlers: svc is the tally_profiles_t. */
hj_op_handle_fn certify_result;

/* 暂缺 / 减少名额: seats the rounds could not fill are closed, where and when
 * the profile allows it (rules.c says why not, naming the rule). A vacant
 * seat's by-election is due the profile's months from today. SeatClosure: a vacancy, or a reduction
 * when its table entry has an arg. */
hj_op_handle_fn certify_seat_close;

/* An amendment of a certified result: a box counted again, with its reason (BoxTotal). */
hj_op_handle_fn certify_amend;

#endif
