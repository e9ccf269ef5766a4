#include "count.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_election(const tally_round_t *r, hj_election_t *e)
{
    memset(e, 0, sizeof *e);
    e->mode = (hj_mode_t)r->mode;
    e->round = r->kind == TALLY_ROUND_FURTHER  ? HJ_ROUND_FURTHER
               : r->kind == TALLY_ROUND_REVOTE ? HJ_ROUND_REVOTE
                                               : HJ_ROUND_FIRST;
    e->seats = r->seats;
    e->seats_to_fill = r->seats_to_fill;
    e->n_candidates = r->n_candidates;
    e->n_writein_persons = r->n_writeins;
    e->electorate = r->electorate;
    e->present = r->present;
    e->issued = r->issued;
    e->returned = r->returned;
    e->names = r->names;
}

int tally_count_boxes(const tally_round_t *round, const tally_box_count_t *boxes, size_t n,
                      tally_count_t *out)
{
    hj_election_t e;
    hj_box_t *hb = calloc(n + 1, sizeof *hb);
    hj_result_t *res = malloc(sizeof *res);
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!hb || !res) {
        snprintf(out->error, sizeof out->error, "out of memory");
        goto done;
    }
    s_election(round, &e);
    for (size_t i = 0; i < n; i++) {
        hb[i].valid = boxes[i].valid;
        hb[i].invalid = boxes[i].invalid;
        hb[i].votes = boxes[i].votes;
    }
    if (hj_count_boxes(round->profile, &e, hb, n, res) != HJ_OK) {
        snprintf(out->error, sizeof out->error, "%s", res->error);
        goto done;
    }
    out->ok = 1;
    out->outcome = res->outcome == HJ_OUTCOME_COMPLETE  ? TALLY_OUTCOME_COMPLETE
                   : res->outcome == HJ_OUTCOME_REVOTE  ? TALLY_OUTCOME_REVOTE
                   : res->outcome == HJ_OUTCOME_FURTHER ? TALLY_OUTCOME_FURTHER
                                                        : TALLY_OUTCOME_VOID;
    snprintf(out->outcome_reason, sizeof out->outcome_reason, "%s", res->outcome_reason);
    snprintf(out->quorum_reason, sizeof out->quorum_reason, "%s", res->quorum_reason);
    snprintf(out->ballots_reason, sizeof out->ballots_reason, "%s", res->ballots_reason);
    snprintf(out->outcome_reason_zh, sizeof out->outcome_reason_zh, "%s", res->outcome_reason_zh);
    snprintf(out->quorum_reason_zh, sizeof out->quorum_reason_zh, "%s", res->quorum_reason_zh);
    snprintf(out->ballots_reason_zh, sizeof out->ballots_reason_zh, "%s", res->ballots_reason_zh);
    out->turnout = res->turnout;
    out->valid = res->valid_ballots;
    out->invalid = res->invalid_ballots;
    out->n_persons = res->n_persons;
    for (uint32_t i = 0; i < res->n_persons && i < TALLY_PERSONS_MAX; i++) {
        out->person[i].votes = res->person[i].votes;
        out->person[i].status = hj_person_status_name(res->person[i].status);
        out->person[i].elected = res->person[i].status == HJ_PERSON_ELECTED;
        out->person[i].stands_further = res->person[i].stands_further;
        snprintf(out->person[i].reason, sizeof out->person[i].reason, "%s", res->person[i].reason);
        snprintf(out->person[i].reason_zh, sizeof out->person[i].reason_zh, "%s", res->person[i].reason_zh);
    }
    out->n_elected = res->n_elected;
    memcpy(out->elected, res->elected, sizeof out->elected);
    out->revote_seats = res->revote_seats;
    out->n_tied = res->n_tied;
    memcpy(out->tied, res->tied, sizeof out->tied);
    out->further_seats = res->further_seats;
    out->n_standing = res->n_standing;
    memcpy(out->standing, res->standing, sizeof out->standing);
    rc = 0;
done:
    free(hb);
    free(res);
    return rc;
}

int tally_check_ballot(const tally_round_t *round, const uint8_t *marks, const tally_writein_t *w,
                       size_t n_writeins, uint16_t *persons, uint32_t *n_persons, char *reason,
                       size_t reason_len)
{
    hj_election_t e;
    hj_writein_t hw[TALLY_CANDIDATES_MAX + 1];
    hj_ballot_verdict_t verdict;
    s_election(round, &e);
    *n_persons = 0;
    if (n_writeins > TALLY_CANDIDATES_MAX) {
        snprintf(reason, reason_len, "%zu write-ins on one ballot", n_writeins);
        return -1;
    }
    for (size_t i = 0; i < n_writeins; i++) {
        hw[i].ballot = 0;
        hw[i].person = w[i].person;
        hw[i].beside = w[i].beside;
    }
    if (hj_check_ballot(round->profile, &e, marks, hw, n_writeins, &verdict, reason, reason_len) !=
        HJ_OK)
        return -1;
    if (verdict != HJ_BALLOT_VALID)
        return 0;
    /* The same person written in twice on one ballot is one vote. */
    for (size_t i = 0; i < n_writeins; i++) {
        uint32_t k = 0;
        while (k < *n_persons && persons[k] != w[i].person)
            k++;
        if (k == *n_persons)
            persons[(*n_persons)++] = w[i].person;
    }
    return 1;
}

int tally_check_candidates(const hj_profile_t *p, uint32_t seats, uint32_t n, uint32_t *required,
                           char *reason, size_t reason_len)
{
    hj_check_t check;
    int lawful = hj_check_candidates(p, seats, n, &check);
    if (required)
        *required = check.required;
    snprintf(reason, reason_len, "%s", check.reason);
    return lawful;
}

int tally_check_proxies(const hj_profile_t *p, int mode, uint32_t held, char *reason,
                        size_t reason_len)
{
    hj_check_t check;
    int lawful = hj_check_proxies(p, (hj_mode_t)mode, held, &check);
    snprintf(reason, reason_len, "%s", check.reason);
    return lawful;
}

int tally_check_close(const hj_profile_t *p, int reduce, const tally_seats_t *s, uint32_t n,
                      const char **field, char *reason, size_t reason_len, char *reason_zh,
                      size_t reason_zh_len)
{
    hj_seats_t seats = {
        .seats = s->seats,
        .elected = s->elected,
        .closed = s->closed,
        .counted = s->counted != 0,
        .last_round = s->last_kind == TALLY_ROUND_FURTHER  ? HJ_ROUND_FURTHER
                      : s->last_kind == TALLY_ROUND_REVOTE ? HJ_ROUND_REVOTE
                                                           : HJ_ROUND_FIRST,
        .last_no = s->last_no,
    };
    hj_close_check_t check;
    int lawful = reduce ? hj_check_reduce(p, &seats, n, &check) : hj_check_vacancy(p, &seats, n, &check);
    *field = check.field;
    snprintf(reason, reason_len, "%s", check.reason);
    snprintf(reason_zh, reason_zh_len, "%s", check.reason_zh);
    return lawful;
}

uint32_t tally_invalid_limit(const hj_profile_t *p, uint32_t seats_to_fill)
{
    return (uint32_t)hj_rule_min(&p->ballot_invalid, seats_to_fill);
}

const char *tally_outcome_name(int outcome)
{
    static const char *const names[] = {"void", "complete", "revote", "further"};
    return outcome >= 0 && outcome <= 3 ? names[outcome] : "?";
}

const char *tally_round_name(int kind)
{
    static const char *const names[] = {"first", "further", "revote"};
    return kind >= 0 && kind <= 2 ? names[kind] : "?";
}

int tally_mode_parse(const char *name)
{
    for (int m = 0; m < HJ_MODE_COUNT; m++)
        if (strcmp(name, hj_mode_name((hj_mode_t)m)) == 0)
            return m;
    return -1;
}
