#ifndef HJ_AUDIT_RULES_H
#define HJ_AUDIT_RULES_H
/* The audit's pure rules, kept apart from sockets and SQL so they are tested
 * on their own: money text to integer fen, and which state moves are legal. */
#include <stdint.h>

#include "audit.pb-c.h"
#include "hj_envelope.h"

/* Parses an amount in yuan as typed ("1234", "1234.5", "1234.56") into
 * integer fen, exactly (no floating point). Returns 0, or -1 with st set to
 * INVALID_ARGUMENT naming `field`: negative, not a decimal number, more than
 * two decimals, or more fen than an int64 holds. */
int audit_amount_parse(hj_status_t *st, const char *field, const char *text, int64_t *fen);

/* Checks one move of the state machine: forward exactly one step (and to
 * published only from completed); back to any earlier state with a reason.
 * Returns 0, or -1 with st set: FAILED_PRECONDITION naming the rule
 * (state_order, completed_before_published) or INVALID_ARGUMENT naming
 * `to` or `reason`. */
int audit_move_check(hj_status_t *st, Hj__Audit__State from, Hj__Audit__State to,
                     const char *reason);

/* The state's name as on the wire and the command line, e.g. "draft_report". */
const char *audit_state_name(Hj__Audit__State state);

#endif
