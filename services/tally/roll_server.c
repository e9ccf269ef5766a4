/* The named voter roll's requests: decode checks (no SQL). The rules that
 * need the record (the election day for the age check, the roll for a
 * name) are applied in roll_db.c, so every bad line is named at once. */
#include "hj_envelope.h"
#include "roll_db.h"

#include <string.h>

#define S_NAME_MAX 100
#define S_TEXT_MAX 2000
#define S_VOTERS_MAX 20000

int roll_validate(hj_status_t *st, const Hj__Tally__Request *r)
{
    switch (r->op_case) {
    case HJ__TALLY__REQUEST__OP_VOTERS_IMPORT: {
        const Hj__Tally__VoterImport *m = r->voters_import;
        if (hj_check_uuid(st, "election", m->election) != 0)
            return -1;
        if (m->n_voters == 0 || m->n_voters > S_VOTERS_MAX)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "voters",
                                 "1 to %d voters an import (got %zu)", S_VOTERS_MAX, m->n_voters);
        return 0;
    }
    case HJ__TALLY__REQUEST__OP_VOTERS_LIST:
        return hj_check_uuid(st, "election", r->voters_list->id);
    case HJ__TALLY__REQUEST__OP_VOTER_OBJECTION: {
        const Hj__Tally__VoterObjection *o = r->voter_objection;
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
    case HJ__TALLY__REQUEST__OP_VOTER_DECIDE: {
        const Hj__Tally__VoterObjection *o = r->voter_decide;
        if (hj_check_uuid(st, "election", o->election) != 0 ||
            hj_check_text(st, "name", o->name, S_NAME_MAX, 1) != 0)
            return -1;
        if (strcmp(o->decision, "upheld") != 0 && strcmp(o->decision, "dismissed") != 0)
            return hj_status_set(
                st, HJ__CODE__INVALID_ARGUMENT, "decision",
                "decision is upheld (the roll is corrected) or dismissed (it stays)");
        return 0;
    }
    case HJ__TALLY__REQUEST__OP_VOTERS_POSTING: {
        const Hj__Tally__VoterPosting *p = r->voters_posting;
        char today[11];
        if (hj_check_uuid(st, "election", p->election) != 0 ||
            hj_check_date(st, "posted_on", p->posted_on, 0) != 0)
            return -1;
        hj_date_today(today);
        if (p->posted_on[0] && strcmp(p->posted_on, today) > 0)
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "posted_on",
                                 "posted_on %s is in the future (today is %s)", p->posted_on,
                                 today);
        return 0;
    }
    default:
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "op", "unknown tally operation");
    }
}
