#include "audit_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int audit_amount_parse(hj_status_t *st, const char *field, const char *text, int64_t *fen)
{
    const char *p = text;
    int64_t yuan = 0;
    int cents = 0, decimals = 0;
    if (*p == '-')
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s must not be negative (got %s)", field, text);
    if (!isdigit((unsigned char)*p))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s must be yuan with at most two decimals, e.g. 1234.56 (got %s)",
                             field, text);
    for (; isdigit((unsigned char)*p); p++) {
        int d = *p - '0';
        if (yuan > (INT64_MAX / 100 - d) / 10)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "%s overflows: at most 92233720368547758.07 yuan", field);
        yuan = yuan * 10 + d;
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p) && decimals < 3; p++, decimals++)
            if (decimals < 2)
                cents = cents * 10 + (*p - '0');
        if (decimals == 0 || decimals > 2)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "%s must have one or two decimals (fen is the smallest unit), "
                                 "got %s",
                                 field, text);
        if (decimals == 1)
            cents *= 10;
    }
    if (*p)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s must be yuan with at most two decimals, e.g. 1234.56 (got %s)",
                             field, text);
    /* yuan <= INT64_MAX / 100 here; the cents still have to fit. */
    if (yuan * 100 > INT64_MAX - cents)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s overflows: at most 92233720368547758.07 yuan", field);
    *fen = yuan * 100 + cents;
    return 0;
}

const char *audit_state_name(Hj__Audit__State state)
{
    /* One slot per state (so two names can appear in one message), per thread
     * (the decoder runs on the loop thread, the handlers on the database's). */
    static _Thread_local char names[6][32];
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&hj__audit__state__descriptor, (int)state);
    if (!v || state < 0 || state > 5)
        return "unknown";
    char *name = names[state];
    size_t i = 0;
    for (; v->name[i] && i + 1 < sizeof names[0]; i++)
        name[i] = (char)tolower((unsigned char)v->name[i]);
    name[i] = 0;
    return name;
}

int audit_move_check(hj_status_t *st, Hj__Audit__State from, Hj__Audit__State to,
                     const char *reason)
{
    if (to < HJ__AUDIT__STATE__PLANNED || to > HJ__AUDIT__STATE__PUBLISHED)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "to",
                             "to must be planned, fieldwork, draft_report, completed or published");
    if (to == from)
        return hj_status_set(st, HJ__CODE__FAILED_PRECONDITION, "state_order",
                             "the audit is already %s", audit_state_name(from));
    if (to < from) {
        if (!reason || !reason[0])
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "reason",
                                 "going back from %s to %s needs a reason", audit_state_name(from),
                                 audit_state_name(to));
        return 0;
    }
    if (to == HJ__AUDIT__STATE__PUBLISHED && from != HJ__AUDIT__STATE__COMPLETED)
        return hj_status_set(st, HJ__CODE__FAILED_PRECONDITION, "completed_before_published",
                             "an audit is published only once it is completed; it is %s",
                             audit_state_name(from));
    if (to != from + 1)
        return hj_status_set(st, HJ__CODE__FAILED_PRECONDITION, "state_order",
                             "an audit moves forward one step at a time: from %s the next step is "
                             "%s, not %s",
                             audit_state_name(from), audit_state_name(from + 1),
                             audit_state_name(to));
    return 0;
}
