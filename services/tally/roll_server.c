/* The named voter roll's requests: decode checks (no SQL). The rules that
 * need the record (the election day for the age check, the roll for a
 * name) are applied in roll_db.c, so every bad line is named at once. */
#include "hj_envelope.h"
#include "roll_db.h"

#include <string.h>

#define S_NAME_MAX 100
#define S_TEXT_MAX 2000
#define S_VOTERS_MAX 20000

int roll_check_import(hj_status_t *st, const void *msg)
{
    const Hj__Tally__VoterImport *m = msg;
    if (hj_check_uuid(st, "election", m->election) != 0)
        return -1;
    if (m->n_voters == 0 || m->n_voters > S_VOTERS_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "voters",
                             "1 to %d voters an import (got %zu)", S_VOTERS_MAX, m->n_voters);
    return 0;
}

int roll_check_list(hj_status_t *st, const void *msg)
{
    return hj_check_uuid(st, "election", ((const Hj__Tally__ElectionRef *)msg)->id);
}

int roll_check_objection(hj_status_t *st, const void *msg)
{
    const Hj__Tally__VoterObjection *o = msg;
    return hj_check_uuid(st, "election", o->election) ||
                   hj_check_text(st, "name", o->name, S_NAME_MAX, 1) ||
                   hj_check_text(st, "reason", o->reason, S_TEXT_MAX, 1) ||
                   hj_check_text(st, "group", o->group, S_NAME_MAX, 0) ||
                   hj_check_text(st, "group_name", o->group_name, S_NAME_MAX, 0) ||
                   hj_check_text(st, "gender", o->gender, 16, 0) ||
                   hj_check_date(st, "birth_date", o->birth_date, 0)
               ? -1
               : 0;
}

int roll_check_decide(hj_status_t *st, const void *msg)
{
    const Hj__Tally__VoterObjection *o = msg;
    return hj_check_uuid(st, "election", o->election) ||
                   hj_check_text(st, "name", o->name, S_NAME_MAX, 1) ||
                   tally_check_decision(
                       st, o->decision,
                       "decision is upheld (the roll is corrected) or dismissed (it stays)")
               ? -1
               : 0;
}

int roll_check_posting(hj_status_t *st, const void *msg)
{
    const Hj__Tally__VoterPosting *p = msg;
    return hj_check_uuid(st, "election", p->election) ||
                   hj_check_past_date(st, "posted_on", p->posted_on, 0)
               ? -1
               : 0;
}
