/* Unit tests for services/tally: the counting rules (rules.c) and the profile
 * parser (profile.c), for both shipped profiles. Every boundary is tested on
 * both sides, so a rule that drifts by one vote fails here. */
#include "rules.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parameter structs hold strings as arrays, not pointers: Criterion runs each
 * case in another process, where a pointer into this one means nothing. */

/* ---- helpers --------------------------------------------------------------- */

#define PARTY "party-2020"
#define RESIDENTS "residents-2025"
#define RESIDENTS_NO_WRITEINS "residents-forbidden" /* residents-2025 with writeins = forbidden */

static tally_profile_t load(const char *name)
{
    tally_profile_t p;
    tally_profile_error_t err;
    if (strcmp(name, RESIDENTS_NO_WRITEINS) == 0) {
        const char *text = tally_profile_builtin(RESIDENTS);
        cr_assert_not_null(text);
        const char *at = strstr(text, "writeins = allowed");
        cr_assert_not_null(at, "residents profile no longer says 'writeins = allowed'");
        char buf[8192];
        int n = snprintf(buf, sizeof buf, "%.*swriteins = forbidden%s", (int)(at - text), text,
                         at + strlen("writeins = allowed"));
        cr_assert(n > 0 && (size_t)n < sizeof buf);
        cr_assert(tally_profile_parse(buf, (size_t)n, &p, &err), "%s", err.message);
        cr_assert_eq(p.writeins, TALLY_WRITEINS_FORBIDDEN);
        return p;
    }
    cr_assert(tally_profile_load_builtin(name, &p, &err), "%s: %s", name, err.message);
    return p;
}

static tally_round_t election(uint32_t seats, uint32_t n_candidates, uint32_t electorate,
                              uint32_t present, uint32_t returned)
{
    return (tally_round_t){.mode = TALLY_MODE_ORDINARY,
                           .kind = TALLY_ROUND_FIRST,
                           .seats = seats,
                           .n_candidates = n_candidates,
                           .electorate = electorate,
                           .present = present,
                           .issued = returned,
                           .returned = returned};
}

/* One counted box: all returned ballots valid unless `invalid` says otherwise. */
static int count_box(const tally_profile_t *p, const tally_round_t *e, const uint32_t *votes,
                     uint32_t invalid, tally_result_t *res)
{
    tally_box_t box = {e->returned - invalid, invalid, votes};
    return tally_rules_count_boxes(p, e, &box, 1, res);
}

static uint8_t mark_of(char ch)
{
    switch (ch) {
    case 'Y':
        return TALLY_MARK_YES;
    case 'N':
        return TALLY_MARK_NO;
    case 'A':
        return TALLY_MARK_ABSTAIN;
    default:
        return TALLY_MARK_NONE;
    }
}

/* "EEOB": elected, elected, outranked, below (T tied) */
static void assert_statuses(const tally_result_t *res, const char *expect, const char *name)
{
    for (size_t i = 0; expect[i]; i++) {
        tally_person_status_t want = expect[i] == 'E'   ? TALLY_PERSON_ELECTED
                                     : expect[i] == 'O' ? TALLY_PERSON_OUTRANKED
                                     : expect[i] == 'T' ? TALLY_PERSON_TIED
                                                        : TALLY_PERSON_BELOW;
        cr_assert_eq(res->person[i].status, want, "%s: person %zu is %s, want %c (%s)", name, i + 1,
                     tally_rules_person_status_name(res->person[i].status), expect[i],
                     res->person[i].reason);
    }
}

static void assert_list(const uint32_t *got, uint32_t n, const int *want, const char *what,
                        const char *name)
{
    uint32_t wn = 0;
    while (wn < 9 && want[wn] >= 0)
        wn++;
    cr_assert_eq(n, wn, "%s: %u %s, want %u", name, n, what, wn);
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(got[i], (uint32_t)want[i], "%s: %s[%u] = %u, want %d", name, what, i, got[i],
                     want[i]);
}

/* ---- the shipped profiles ------------------------------------------------------ */

Test(profiles, builtins_parse_with_the_law_in_them)
{
    cr_assert_str_eq(tally_profile_builtin_name(0), PARTY);
    cr_assert_str_eq(tally_profile_builtin_name(1), RESIDENTS);
    cr_assert_null(tally_profile_builtin_name(2));
    cr_assert_null(tally_profile_builtin("no-such-profile"));

    tally_profile_t p = load(PARTY);
    cr_assert_str_eq(p.name, PARTY);
    cr_assert_eq(p.body, TALLY_BODY_PARTY);
    cr_assert(p.mode_allowed[TALLY_MODE_ORDINARY] && !p.mode_allowed[TALLY_MODE_HOUSEHOLD] &&
              !p.mode_allowed[TALLY_MODE_REPRESENTATIVE]);
    tally_rule_t q = p.quorum[TALLY_MODE_ORDINARY];
    cr_assert(q.lhs == TALLY_QTY_PRESENT && q.cmp == TALLY_CMP_GT && q.num == 4 && q.den == 5 &&
              q.base == TALLY_QTY_ELECTORATE);
    cr_assert(p.elected.cmp == TALLY_CMP_GT && p.elected.num == 1 && p.elected.den == 2 &&
              p.elected.base == TALLY_QTY_PRESENT);
    cr_assert(p.further_elected.cmp == TALLY_CMP_GT && p.further_elected.base == TALLY_QTY_PRESENT);
    cr_assert_eq(p.further_standing.kind, TALLY_STANDING_NEW_LIST);
    cr_assert_eq(p.revote_elected.cmp, TALLY_CMP_NONE);
    cr_assert(p.candidates.cmp == TALLY_CMP_GE && p.candidates.num == 6 && p.candidates.den == 5);
    cr_assert_eq(p.writeins, TALLY_WRITEINS_BESIDE_NO);
    cr_assert_eq(p.proxies_max[TALLY_MODE_ORDINARY], 0);

    tally_profile_t r = load(RESIDENTS);
    cr_assert_eq(r.body, TALLY_BODY_RESIDENTS);
    cr_assert(r.mode_allowed[TALLY_MODE_ORDINARY] && r.mode_allowed[TALLY_MODE_HOUSEHOLD] &&
              r.mode_allowed[TALLY_MODE_REPRESENTATIVE]);
    cr_assert(r.quorum[TALLY_MODE_REPRESENTATIVE].num == 2 &&
              r.quorum[TALLY_MODE_REPRESENTATIVE].den == 3);
    cr_assert(r.elected.cmp == TALLY_CMP_GT && r.elected.base == TALLY_QTY_CAST);
    cr_assert(r.further_elected.cmp == TALLY_CMP_GE && r.further_elected.num == 1 &&
              r.further_elected.den == 3 && r.further_elected.base == TALLY_QTY_CAST);
    cr_assert(r.further_standing.kind == TALLY_STANDING_TOP && r.further_standing.per_seat == 1 &&
              r.further_standing.extra == 1);
    cr_assert(r.candidates.cmp == TALLY_CMP_GT && r.candidates.num == 1 && r.candidates.den == 1);
    cr_assert_eq(r.writeins, TALLY_WRITEINS_ALLOWED);
    cr_assert_eq(r.proxies_max[TALLY_MODE_ORDINARY], 3);
    cr_assert_eq(r.proxies_max[TALLY_MODE_REPRESENTATIVE], 0);
}

/* ---- turnout -------------------------------------------------------------------- */

struct quorum_case {
    char profile[24];
    tally_mode_t mode;
    uint32_t electorate, present, returned;
    bool valid;
};

ParameterizedTestParameters(rules, quorum)
{
    static struct quorum_case cases[] = {
        /* party: present > 4/5 of who should attend */
        {PARTY, TALLY_MODE_ORDINARY, 100, 80, 80, false}, /* exactly 4/5 */
        {PARTY, TALLY_MODE_ORDINARY, 100, 81, 81, true},  /* one above */
        {PARTY, TALLY_MODE_ORDINARY, 5, 4, 4, false},
        {PARTY, TALLY_MODE_ORDINARY, 5, 5, 5, true},
        {PARTY, TALLY_MODE_ORDINARY, 101, 80, 80, false}, /* 4/5 of 101 = 80.8 */
        {PARTY, TALLY_MODE_ORDINARY, 101, 81, 81, true},
        {PARTY, TALLY_MODE_ORDINARY, 100, 81, 50, true}, /* counts those present, not ballots */
        {PARTY, TALLY_MODE_ORDINARY, 100, 80, 80, false},
        /* residents: ballots cast > 1/2 of registered voters / households, > 2/3 of representatives
         */
        {RESIDENTS, TALLY_MODE_ORDINARY, 100, 0, 50, false}, /* exactly 1/2 */
        {RESIDENTS, TALLY_MODE_ORDINARY, 100, 0, 51, true},  /* one above */
        {RESIDENTS, TALLY_MODE_ORDINARY, 101, 0, 51, true},
        {RESIDENTS, TALLY_MODE_ORDINARY, 100, 90, 50,
         false}, /* counts ballots cast, not those present */
        {RESIDENTS, TALLY_MODE_HOUSEHOLD, 200, 0, 100, false},
        {RESIDENTS, TALLY_MODE_HOUSEHOLD, 200, 0, 101, true},
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 30, 0, 20, false}, /* exactly 2/3 */
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 30, 0, 21, true},
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 31, 0, 20, false}, /* 2/3 of 31 = 20.67 */
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 31, 0, 21, true},
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 100, 0, 51, false}, /* a majority is not enough */
    };
    return cr_make_param_array(struct quorum_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct quorum_case *c, rules, quorum)
{
    tally_profile_t p = load(c->profile);
    tally_round_t e = election(1, 2, c->electorate, c->present, c->returned);
    e.mode = c->mode;
    uint32_t votes[2] = {c->returned, 0};
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), 0, "%s", res.status.message);
    cr_assert_eq(res.quorum_ok, c->valid, "%s %s %u/%u/%u: %s", c->profile,
                 tally_profile_mode_name(c->mode), c->electorate, c->present, c->returned,
                 res.quorum_reason);
    cr_assert_eq(res.valid, c->valid);
    cr_assert_eq(res.outcome == TALLY_OUTCOME_VOID, !c->valid, "%s", res.outcome_reason);
    cr_assert_eq(strstr(res.quorum_reason, "not valid") != NULL, !c->valid, "%s",
                 res.quorum_reason);
    if (!c->valid) {
        cr_assert_eq(res.n_elected, 0);
        cr_assert_eq(res.person[0].status, TALLY_PERSON_VOID);
        cr_assert(strstr(res.outcome_reason, "round void") != NULL);
    }
}

Test(rules, quorum_reason_reads_like_the_law)
{
    tally_profile_t p = load(PARTY);
    tally_round_t e = election(1, 2, 100, 80, 80);
    uint32_t votes[2] = {80, 0};
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), 0);
    cr_assert_str_eq(res.quorum_reason,
                     "turnout: 80 present of 100 who should attend is not more than 4/5 of 100 "
                     "(at least 81 needed): the meeting is not valid");
    tally_profile_t r = load(RESIDENTS);
    e = election(1, 2, 100, 0, 51);
    votes[0] = 51;
    cr_assert_eq(count_box(&r, &e, votes, 0, &res), 0);
    cr_assert_str_eq(res.quorum_reason,
                     "turnout: 51 ballots cast of 100 registered voters is more than 1/2 of 100 "
                     "(at least 51 needed): the election is valid");
}

Test(rules, mode_not_in_profile_is_refused)
{
    tally_profile_t p = load(PARTY);
    tally_round_t e = election(1, 2, 100, 90, 90);
    e.mode = TALLY_MODE_REPRESENTATIVE;
    uint32_t votes[2] = {90, 0};
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), -1);
    cr_assert_eq(res.status.code, HJ__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(res.status.message, "representative") != NULL, "%s", res.status.message);
}

/* ---- ballots returned against issued ----------------------------------------- */

struct issued_case {
    char profile[24];
    uint32_t issued, returned;
    bool valid;
};

ParameterizedTestParameters(rules, returned_vs_issued)
{
    static struct issued_case cases[] = {
        {PARTY, 95, 96, false},     {PARTY, 95, 95, true},     {PARTY, 95, 94, true},
        {RESIDENTS, 95, 96, false}, {RESIDENTS, 95, 95, true}, {RESIDENTS, 95, 94, true},
    };
    return cr_make_param_array(struct issued_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct issued_case *c, rules, returned_vs_issued)
{
    tally_profile_t p = load(c->profile);
    tally_round_t e = election(1, 2, 100, 95, c->returned);
    e.issued = c->issued;
    uint32_t votes[2] = {c->returned, 0};
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), 0, "%s", res.status.message);
    cr_assert(res.quorum_ok);
    cr_assert_eq(res.ballots_ok, c->valid, "%s", res.ballots_reason);
    cr_assert_eq(res.valid, c->valid);
    cr_assert_eq(res.outcome == TALLY_OUTCOME_VOID, !c->valid);
    cr_assert_eq(strstr(res.ballots_reason, "re-run") != NULL, !c->valid, "%s", res.ballots_reason);
    cr_assert_eq(res.n_elected, c->valid ? 1u : 0u);
}

/* ---- one ballot ------------------------------------------------------------------ */

struct ballot_case {
    char profile[24];
    uint32_t seats;
    char marks[16]; /* one char per candidate: Y yes, N no, A abstain, - none */
    int n_w;
    int w_person[3], w_beside[3]; /* beside: candidate index or -1 */
    tally_ballot_verdict_t verdict;
};

ParameterizedTestParameters(rules, ballot_validity)
{
    static struct ballot_case cases[] = {
        /* too many marks, both profiles */
        {PARTY, 3, "YYY--", 0, {0}, {0}, TALLY_BALLOT_VALID},
        {PARTY, 3, "YYYY-", 0, {0}, {0}, TALLY_BALLOT_TOO_MANY},
        {PARTY, 3, "NNNAA", 0, {0}, {0}, TALLY_BALLOT_VALID},
        {PARTY, 3, "-----", 0, {0}, {0}, TALLY_BALLOT_VALID},
        {RESIDENTS, 3, "YYY--", 0, {0}, {0}, TALLY_BALLOT_VALID},
        {RESIDENTS, 3, "YYYY-", 0, {0}, {0}, TALLY_BALLOT_TOO_MANY},
        /* party: a write-in only beside a "no" */
        {PARTY, 3, "YYN--", 1, {0}, {2}, TALLY_BALLOT_VALID},
        {PARTY, 3, "YYYN-", 1, {0}, {3}, TALLY_BALLOT_TOO_MANY}, /* write-in counts as a vote */
        {PARTY, 3, "YY---", 1, {0}, {-1}, TALLY_BALLOT_WRITEIN}, /* beside nothing */
        {PARTY, 3, "YYA--", 1, {0}, {2}, TALLY_BALLOT_WRITEIN},  /* beside an abstain */
        {PARTY, 3, "YY---", 1, {0}, {1}, TALLY_BALLOT_WRITEIN},  /* beside a yes */
        {PARTY, 3, "NN---", 2, {0, 1}, {0, 0}, TALLY_BALLOT_WRITEIN}, /* two beside one "no" */
        {PARTY, 3, "NN---", 2, {0, 1}, {0, 1}, TALLY_BALLOT_VALID},
        /* residents: per profile */
        {RESIDENTS, 3, "YY---", 1, {0}, {-1}, TALLY_BALLOT_VALID},
        {RESIDENTS, 3, "YYY--", 1, {0}, {-1}, TALLY_BALLOT_TOO_MANY},
        {RESIDENTS, 3, "YY---", 2, {0, 0}, {-1, -1}, TALLY_BALLOT_VALID}, /* same person twice
                                                                             counts once */
        {RESIDENTS, 3, "YY---", 2, {0, 1}, {-1, -1}, TALLY_BALLOT_TOO_MANY},
        {RESIDENTS_NO_WRITEINS, 3, "Y----", 1, {0}, {-1}, TALLY_BALLOT_WRITEIN},
        {RESIDENTS_NO_WRITEINS, 3, "YYY--", 0, {0}, {0}, TALLY_BALLOT_VALID},
    };
    return cr_make_param_array(struct ballot_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct ballot_case *c, rules, ballot_validity)
{
    tally_profile_t p = load(c->profile);
    uint32_t nc = (uint32_t)strlen(c->marks);
    tally_round_t e = election(c->seats, nc, 100, 100, 100);
    e.n_writein_persons = 3;
    uint8_t marks[16];
    for (uint32_t i = 0; i < nc; i++)
        marks[i] = mark_of(c->marks[i]);
    tally_writein_t w[3];
    for (int i = 0; i < c->n_w; i++)
        w[i] = (tally_writein_t){0, (uint16_t)c->w_person[i], (int16_t)c->w_beside[i]};
    tally_ballot_verdict_t v;
    char why[TALLY_REASON_MAX];
    cr_assert_eq(
        tally_rules_check_ballot(&p, &e, marks, w, (size_t)c->n_w, &v, NULL, NULL, why, sizeof why),
        0, "%s", why);
    cr_assert_eq(v, c->verdict, "%s %s +%d write-ins: verdict %d, want %d: %s", c->profile,
                 c->marks, c->n_w, v, c->verdict, why);
    cr_assert_eq(strstr(why, "invalid") != NULL, c->verdict != TALLY_BALLOT_VALID, "%s", why);

    /* the same ballot in a count: cast, and votes only if valid */
    tally_ballots_t b = {marks, 1, w, (size_t)c->n_w};
    e.returned = e.issued = 1;
    tally_result_t res;
    cr_assert_eq(tally_rules_count_ballots(&p, &e, &b, &res), 0, "%s", res.status.message);
    cr_assert_eq(res.valid_ballots, c->verdict == TALLY_BALLOT_VALID ? 1u : 0u);
    cr_assert_eq(res.invalid_ballots, c->verdict == TALLY_BALLOT_VALID ? 0u : 1u);
    cr_assert_eq(res.invalid_too_many, c->verdict == TALLY_BALLOT_TOO_MANY ? 1u : 0u);
    cr_assert_eq(res.invalid_writein, c->verdict == TALLY_BALLOT_WRITEIN ? 1u : 0u);
    uint64_t total = 0;
    for (uint32_t i = 0; i < res.n_persons; i++)
        total += res.person[i].votes;
    if (c->verdict != TALLY_BALLOT_VALID)
        cr_assert_eq(total, 0, "an invalid ballot gave %llu votes", (unsigned long long)total);
    else
        cr_assert(total <= c->seats);
}

/* Invalid ballots are cast: they count in the residents' base (ballots cast). */
Test(rules, invalid_ballots_count_as_cast)
{
    tally_profile_t r = load(RESIDENTS);
    /* 10 ballots: 5 for A, 4 for B, 1 marking both (1 seat: invalid) */
    const char *rows[10] = {"Y-", "Y-", "Y-", "Y-", "Y-", "-Y", "-Y", "-Y", "-Y", "YY"};
    uint8_t marks[20];
    for (int i = 0; i < 10; i++) {
        marks[2 * i] = mark_of(rows[i][0]);
        marks[2 * i + 1] = mark_of(rows[i][1]);
    }
    tally_round_t e = election(1, 2, 12, 0, 10);
    tally_ballots_t b = {marks, 10, NULL, 0};
    tally_result_t res;
    cr_assert_eq(tally_rules_count_ballots(&r, &e, &b, &res), 0, "%s", res.status.message);
    cr_assert_eq(res.valid_ballots, 9);
    cr_assert_eq(res.invalid_ballots, 1);
    cr_assert_eq(res.person[0].votes, 5);
    cr_assert_eq(res.person[1].votes, 4);
    /* 5 is exactly half of 10 cast: not elected (it would pass if only valid ballots counted) */
    cr_assert_eq(res.person[0].status, TALLY_PERSON_BELOW, "%s", res.person[0].reason);
    cr_assert_eq(res.outcome, TALLY_OUTCOME_FURTHER);
}

/* A party write-in beside a "no" is a vote for that person, who can be elected. */
Test(rules, party_writein_can_win)
{
    tally_profile_t p = load(PARTY);
    uint8_t marks[10] = {
        TALLY_MARK_NO, 0, TALLY_MARK_NO, 0, TALLY_MARK_NO, 0, TALLY_MARK_YES, 0, 0, 0};
    tally_writein_t w[4] = {
        {0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {4, 0, -1}}; /* the last is beside nothing */
    tally_round_t e = election(1, 2, 5, 5, 5);
    e.n_writein_persons = 1;
    tally_ballots_t b = {marks, 5, w, 4};
    tally_result_t res;
    cr_assert_eq(tally_rules_count_ballots(&p, &e, &b, &res), 0, "%s", res.status.message);
    cr_assert_eq(res.invalid_writein, 1);
    cr_assert_eq(res.person[2].votes, 3);
    cr_assert_eq(res.n_elected, 1);
    cr_assert_eq(res.elected[0], 2);
    cr_assert_str_eq(
        res.person[2].reason,
        "write-in 1: 3 votes, more than 1/2 of 5 present (at least 3 needed): elected");
}

Test(rules, bad_input_is_refused_with_the_ballot_named)
{
    tally_profile_t p = load(PARTY);
    uint8_t marks[6] = {TALLY_MARK_YES, 0, 0, 7, 0, 0};
    tally_round_t e = election(1, 2, 3, 3, 3);
    tally_ballots_t b = {marks, 3, NULL, 0};
    tally_result_t res;
    cr_assert_eq(tally_rules_count_ballots(&p, &e, &b, &res), -1);
    cr_assert_eq(res.status.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(res.status.message, "ballot 2") != NULL, "%s", res.status.message);

    marks[3] = 0;
    b.n_ballots = 2; /* 3 returned, 2 entered */
    cr_assert_eq(tally_rules_count_ballots(&p, &e, &b, &res), -1);
    cr_assert_eq(res.status.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(res.status.message, "3 returned") != NULL, "%s", res.status.message);

    marks[0] = marks[2] = TALLY_MARK_NO;
    tally_writein_t w[2] = {{2, 0, 0}, {1, 0, 0}}; /* not sorted by ballot */
    e.n_writein_persons = 1;
    b = (tally_ballots_t){marks, 3, w, 2};
    cr_assert_eq(tally_rules_count_ballots(&p, &e, &b, &res), -1);
    cr_assert_eq(res.status.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(res.status.message, "sorted") != NULL, "%s", res.status.message);

    e.n_writein_persons = 0;
    uint32_t votes[2] = {4, 0}; /* 4 votes in a box of 3 valid ballots */
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), -1);
    cr_assert_eq(res.status.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(res.status.message, "candidate 1") != NULL, "%s", res.status.message);
}

/* ---- who is elected --------------------------------------------------------------- */

struct elect_case {
    char name[48];
    char profile[24];
    tally_round_kind_t round;
    uint32_t seats, seats_to_fill, electorate, present, returned, invalid;
    uint32_t n;
    uint32_t votes[8];
    char statuses[9]; /* per person: E elected, B below, O outranked, T tied */
    tally_outcome_t outcome;
    int elected[9], tied[9], standing[9]; /* -1 terminated */
    uint32_t revote_seats, further_seats;
};

/* clang-format off */
#define L(...) {__VA_ARGS__, -1}
#define NONE {-1}
/* clang-format on */

ParameterizedTestParameters(rules, election)
{
    /* A case a row, read across like the rules table in DESIGN.md. */
    /* clang-format off */
    static struct elect_case cases[] = {
        /* majority: exactly half loses, half + 1 wins */
        {"party half of present", PARTY, TALLY_ROUND_FIRST, 1, 0, 100, 100, 100, 0, 2, {50, 50},
         "BB", TALLY_OUTCOME_FURTHER, NONE, NONE, NONE, 0, 1},
        {"party half+1 of present", PARTY, TALLY_ROUND_FIRST, 1, 0, 100, 100, 100, 0, 2, {51, 49},
         "EB", TALLY_OUTCOME_COMPLETE, L(0), NONE, NONE, 0, 0},
        {"party odd present", PARTY, TALLY_ROUND_FIRST, 1, 0, 101, 101, 101, 0, 2, {50, 51}, "BE",
         TALLY_OUTCOME_COMPLETE, L(1), NONE, NONE, 0, 0},
        {"residents half of cast", RESIDENTS, TALLY_ROUND_FIRST, 1, 0, 150, 0, 100, 0, 2, {50, 50},
         "BB", TALLY_OUTCOME_FURTHER, NONE, NONE, L(0, 1), 0, 1},
        {"residents half+1 of cast", RESIDENTS, TALLY_ROUND_FIRST, 1, 0, 150, 0, 100, 0, 2,
         {51, 49}, "EB", TALLY_OUTCOME_COMPLETE, L(0), NONE, NONE, 0, 0},
        /* the bases differ: 100 present, 90 cast, 48 votes */
        {"party base is present", PARTY, TALLY_ROUND_FIRST, 1, 0, 100, 100, 90, 0, 2, {48, 40},
         "BB", TALLY_OUTCOME_FURTHER, NONE, NONE, NONE, 0, 1},
        {"party 51 of 100 present, 90 cast", PARTY, TALLY_ROUND_FIRST, 1, 0, 100, 100, 90, 0, 2,
         {51, 39}, "EB", TALLY_OUTCOME_COMPLETE, L(0), NONE, NONE, 0, 0},
        {"residents base is cast", RESIDENTS, TALLY_ROUND_FIRST, 1, 0, 100, 100, 90, 0, 2, {48, 40},
         "EB", TALLY_OUTCOME_COMPLETE, L(0), NONE, NONE, 0, 0},
        {"residents invalid ballots are cast", RESIDENTS, TALLY_ROUND_FIRST, 1, 0, 100, 0, 90, 10,
         2, {45, 35}, "BB", TALLY_OUTCOME_FURTHER, NONE, NONE, L(0, 1), 0, 1},
        /* more passing than seats: highest first */
        {"party more winners than seats", PARTY, TALLY_ROUND_FIRST, 2, 0, 100, 100, 100, 0, 3,
         {60, 65, 70}, "OEE", TALLY_OUTCOME_COMPLETE, L(2, 1), NONE, NONE, 0, 0},
        {"residents more winners than seats", RESIDENTS, TALLY_ROUND_FIRST, 2, 0, 100, 0, 100, 0, 3,
         {60, 65, 70}, "OEE", TALLY_OUTCOME_COMPLETE, L(2, 1), NONE, NONE, 0, 0},
        /* a tie that decides the last seat: re-vote among the tied only */
        {"party tie at last seat", PARTY, TALLY_ROUND_FIRST, 2, 0, 100, 100, 100, 0, 3,
         {70, 60, 60}, "ETT", TALLY_OUTCOME_REVOTE, L(0), L(1, 2), NONE, 1, 0},
        {"residents tie at last seat", RESIDENTS, TALLY_ROUND_FIRST, 2, 0, 100, 0, 100, 0, 3,
         {70, 60, 60}, "ETT", TALLY_OUTCOME_REVOTE, L(0), L(1, 2), NONE, 1, 0},
        {"tie of three for two seats", PARTY, TALLY_ROUND_FIRST, 3, 0, 100, 100, 100, 0, 5,
         {80, 60, 60, 60, 10}, "ETTTB", TALLY_OUTCOME_REVOTE, L(0), L(1, 2, 3), NONE, 2, 0},
        {"tie inside the seats decides nothing", PARTY, TALLY_ROUND_FIRST, 2, 0, 100, 100, 100, 0,
         3, {60, 60, 55}, "EEO", TALLY_OUTCOME_COMPLETE, L(0, 1), NONE, NONE, 0, 0},
        {"tie below the threshold is no re-vote", PARTY, TALLY_ROUND_FIRST, 2, 0, 100, 100, 100, 0,
         3, {80, 40, 40}, "EBB", TALLY_OUTCOME_FURTHER, L(0), NONE, NONE, 0, 1},
        /* fewer winners than seats: further round */
        {"party too few: new list", PARTY, TALLY_ROUND_FIRST, 3, 0, 100, 100, 100, 0, 4,
         {60, 40, 30, 20}, "EBBB", TALLY_OUTCOME_FURTHER, L(0), NONE, NONE, 0, 2},
        {"residents too few: top stand", RESIDENTS, TALLY_ROUND_FIRST, 3, 0, 100, 0, 100, 0, 6,
         {60, 45, 30, 20, 10, 5}, "EBBBBB", TALLY_OUTCOME_FURTHER, L(0), NONE, L(1, 2, 3), 0, 2},
        {"residents standing includes ties", RESIDENTS, TALLY_ROUND_FIRST, 3, 0, 100, 0, 100, 0, 6,
         {60, 45, 30, 20, 20, 10}, "EBBBBB", TALLY_OUTCOME_FURTHER, L(0), NONE, L(1, 2, 3, 4), 0,
         2},
        {"residents no votes, no standing", RESIDENTS, TALLY_ROUND_FIRST, 3, 0, 100, 0, 100, 0, 3,
         {60, 45, 0}, "EBB", TALLY_OUTCOME_FURTHER, L(0), NONE, L(1), 0, 2},
        /* further round (另行选举) */
        {"residents further: exactly 1/3 of cast wins", RESIDENTS, TALLY_ROUND_FURTHER, 5, 2, 150,
         0, 90, 0, 3, {30, 29, 25}, "EBB", TALLY_OUTCOME_FURTHER, L(0), NONE, L(1, 2), 0, 1},
        {"residents further: just below 1/3 loses", RESIDENTS, TALLY_ROUND_FURTHER, 5, 2, 150, 0,
         91, 0, 3, {30, 29, 25}, "BBB", TALLY_OUTCOME_FURTHER, NONE, NONE, L(0, 1, 2), 0, 2},
        {"residents further: most votes wins", RESIDENTS, TALLY_ROUND_FURTHER, 5, 2, 150, 0, 90, 0,
         3, {31, 40, 35}, "OEE", TALLY_OUTCOME_COMPLETE, L(1, 2), NONE, NONE, 0, 0},
        {"residents further: tie at last seat", RESIDENTS, TALLY_ROUND_FURTHER, 5, 2, 150, 0, 90, 0,
         3, {40, 35, 35}, "ETT", TALLY_OUTCOME_REVOTE, L(0), L(1, 2), NONE, 1, 0},
        {"party further: still a majority of present", PARTY, TALLY_ROUND_FURTHER, 5, 2, 100, 100,
         100, 0, 3, {50, 51, 30}, "BEB", TALLY_OUTCOME_FURTHER, L(1), NONE, NONE, 0, 1},
        {"party further: 1/3 is not enough", PARTY, TALLY_ROUND_FURTHER, 5, 1, 100, 100, 100, 0, 2,
         {40, 35}, "BB", TALLY_OUTCOME_FURTHER, NONE, NONE, NONE, 0, 1},
        /* re-vote among the tied: most votes wins */
        {"party re-vote: most votes", PARTY, TALLY_ROUND_REVOTE, 5, 1, 100, 100, 100, 0, 2,
         {30, 20}, "EO", TALLY_OUTCOME_COMPLETE, L(0), NONE, NONE, 0, 0},
        {"re-vote: no votes, no seat", PARTY, TALLY_ROUND_REVOTE, 5, 2, 100, 100, 100, 0, 2,
         {30, 0}, "EB", TALLY_OUTCOME_FURTHER, L(0), NONE, NONE, 0, 1},
        {"residents re-vote: tied again", RESIDENTS, TALLY_ROUND_REVOTE, 5, 1, 100, 0, 100, 0, 2,
         {45, 45}, "TT", TALLY_OUTCOME_REVOTE, NONE, L(0, 1), NONE, 1, 0},
    };
    /* clang-format on */
    return cr_make_param_array(struct elect_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct elect_case *c, rules, election)
{
    tally_profile_t p = load(c->profile);
    tally_round_t e = election(c->seats, c->n, c->electorate, c->present, c->returned);
    e.kind = c->round;
    e.seats_to_fill = c->seats_to_fill;
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, c->votes, c->invalid, &res), 0, "%s: %s", c->name,
                 res.status.message);
    cr_assert(res.valid, "%s: %s %s", c->name, res.quorum_reason, res.ballots_reason);
    cr_assert_eq(res.outcome, c->outcome, "%s: outcome %s: %s", c->name,
                 tally_rules_outcome_name(res.outcome), res.outcome_reason);
    assert_statuses(&res, c->statuses, c->name);
    assert_list(res.elected, res.n_elected, c->elected, "elected", c->name);
    assert_list(res.tied, res.n_tied, c->tied, "tied", c->name);
    assert_list(res.standing, res.n_standing, c->standing, "standing", c->name);
    cr_assert_eq(res.revote_seats, c->revote_seats, "%s", c->name);
    cr_assert_eq(res.further_seats, c->further_seats, "%s", c->name);
    for (uint32_t i = 0; i < res.n_persons; i++) {
        cr_assert(res.person[i].reason[0], "%s: no reason for person %u", c->name, i + 1);
        bool stands = false;
        for (uint32_t j = 0; j < res.n_standing; j++)
            stands |= res.standing[j] == i;
        cr_assert_eq(res.person[i].stands_further, stands);
    }
    if (res.outcome == TALLY_OUTCOME_REVOTE)
        cr_assert(strstr(res.outcome_reason, "re-vote among the tied only"));
    if (res.outcome == TALLY_OUTCOME_FURTHER)
        cr_assert(strstr(res.outcome_reason, "further round"));
}

Test(rules, reasons_name_the_numbers)
{
    tally_profile_t p = load(PARTY);
    tally_round_t e = election(1, 2, 100, 100, 100);
    uint32_t votes[2] = {51, 49};
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), 0);
    cr_assert_str_eq(
        res.person[0].reason,
        "candidate 1: 51 votes, more than 1/2 of 100 present (at least 51 needed): elected");
    cr_assert_str_eq(res.person[1].reason, "candidate 2: 49 votes, not more than 1/2 of 100 "
                                           "present (at least 51 needed): not elected");
    cr_assert_str_eq(res.outcome_reason, "all 1 seat(s) filled: candidate 1 elected");

    e = election(3, 4, 100, 100, 100);
    uint32_t v4[4] = {60, 40, 30, 20};
    cr_assert_eq(count_box(&p, &e, v4, 0, &res), 0);
    cr_assert_str_eq(res.outcome_reason,
                     "1 of 3 seat(s) filled (candidate 1); further round (另行选举) needed for 2 "
                     "seat(s); its candidate "
                     "list is drawn up again and must pass the candidate-list check for 2 seat(s)");

    tally_profile_t r = load(RESIDENTS);
    e = election(2, 3, 100, 0, 100);
    uint32_t v3[3] = {70, 60, 60};
    cr_assert_eq(count_box(&r, &e, v3, 0, &res), 0);
    cr_assert_str_eq(res.outcome_reason,
                     "1 of 2 seat(s) filled (candidate 1); the last 1 seat(s) are tied at 60 "
                     "votes: re-vote among the tied only: candidate 2, candidate 3");
}

/* Individually entered ballots and box totals give the same answer. */
Test(rules, ballots_and_boxes_agree)
{
    tally_profile_t r = load(RESIDENTS);
    enum { NB = 5000, NC = 7, SEATS = 3, NWP = 4 };
    static uint8_t marks[NB * NC];
    static tally_writein_t w[NB];
    uint32_t expect[NC + NWP] = {0}, valid = 0;
    uint64_t s = 12345;
    size_t nw = 0;
    for (uint32_t i = 0; i < NB; i++) {
        uint32_t yes = 0, ballot_votes[NC + NWP] = {0};
        for (uint32_t c = 0; c < NC; c++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            uint8_t m = (uint8_t)((s >> 33) % 4);
            if (m == TALLY_MARK_YES && (s >> 40) % 7 < c)
                m = TALLY_MARK_NO; /* later candidates get fewer */
            marks[i * NC + c] = m;
            if (m == TALLY_MARK_YES) {
                yes++;
                ballot_votes[c] = 1;
            }
        }
        if ((s >> 50) % 10 == 0) {
            uint16_t person = (uint16_t)((s >> 20) % NWP);
            w[nw++] = (tally_writein_t){i, person, -1};
            yes++;
            ballot_votes[NC + person] = 1;
        }
        if (yes <= SEATS) {
            valid++;
            for (uint32_t j = 0; j < NC + NWP; j++)
                expect[j] += ballot_votes[j];
        }
    }
    tally_round_t e = election(SEATS, NC, 8000, 0, NB);
    e.n_writein_persons = NWP;
    tally_ballots_t b = {marks, NB, w, nw};
    tally_result_t a, box;
    cr_assert_eq(tally_rules_count_ballots(&r, &e, &b, &a), 0, "%s", a.status.message);
    cr_assert_eq(a.valid_ballots, valid);
    cr_assert_eq(a.invalid_ballots, NB - valid);
    for (uint32_t j = 0; j < NC + NWP; j++)
        cr_assert_eq(a.person[j].votes, expect[j], "person %u", j + 1);
    cr_assert_eq(count_box(&r, &e, expect, NB - valid, &box), 0, "%s", box.status.message);
    cr_assert_eq(a.outcome, box.outcome);
    cr_assert_eq(a.n_elected, box.n_elected);
    cr_assert_eq(memcmp(a.elected, box.elected, sizeof a.elected), 0);
    cr_assert_eq(memcmp(a.standing, box.standing, sizeof a.standing), 0);
    cr_assert_str_eq(a.outcome_reason, box.outcome_reason);
}

/* ---- candidate list and proxies -------------------------------------------------- */

struct list_case {
    char profile[24];
    uint32_t seats, candidates, required;
    bool lawful;
};

ParameterizedTestParameters(rules, candidate_list)
{
    static struct list_case cases[] = {
        {PARTY, 5, 5, 6, false},     {PARTY, 5, 6, 6, true}, /* 5 x 1.2 = 6 */
        {PARTY, 7, 8, 9, false},     {PARTY, 7, 9, 9, true}, /* 7 x 1.2 = 8.4, rounded up */
        {PARTY, 10, 11, 12, false},  {PARTY, 10, 12, 12, true},
        {PARTY, 1, 1, 2, false},     {PARTY, 1, 2, 2, true},  /* 1.2 rounds up to 2 */
        {PARTY, 3, 4, 4, true},      {PARTY, 3, 3, 4, false}, /* 3.6 -> 4 */
        {RESIDENTS, 5, 5, 6, false}, {RESIDENTS, 5, 6, 6, true},
        {RESIDENTS, 7, 8, 8, true},  {RESIDENTS, 1, 1, 2, false},
    };
    return cr_make_param_array(struct list_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct list_case *c, rules, candidate_list)
{
    tally_profile_t p = load(c->profile);
    tally_check_t chk;
    cr_assert_eq(tally_rules_check_candidates(&p, c->seats, c->candidates, &chk), c->lawful,
                 "%s %u seats %u candidates: %s", c->profile, c->seats, c->candidates, chk.reason);
    cr_assert_eq(chk.lawful, c->lawful);
    cr_assert_eq(chk.required, c->required, "%s", chk.reason);
    cr_assert_eq(strstr(chk.reason, "not lawful") != NULL, !c->lawful, "%s", chk.reason);
}

Test(rules, candidate_list_reason)
{
    tally_profile_t p = load(PARTY), r = load(RESIDENTS);
    tally_check_t chk;
    tally_rules_check_candidates(&p, 7, 8, &chk);
    cr_assert_str_eq(chk.reason,
                     "7 seat(s) need at least 9 candidates (at least 6/5 of 7 = 8.4, rounded up); "
                     "8 proposed: the list is not lawful");
    tally_rules_check_candidates(&r, 5, 6, &chk);
    cr_assert_str_eq(
        chk.reason,
        "5 seat(s) need at least 6 candidates (more than 5); 6 proposed: the list is lawful");
}

struct proxy_case {
    char profile[24];
    tally_mode_t mode;
    uint32_t held;
    bool lawful;
};

ParameterizedTestParameters(rules, proxies)
{
    static struct proxy_case cases[] = {
        {PARTY, TALLY_MODE_ORDINARY, 0, true},
        {PARTY, TALLY_MODE_ORDINARY, 1, false},
        {RESIDENTS, TALLY_MODE_ORDINARY, 3, true},
        {RESIDENTS, TALLY_MODE_ORDINARY, 4, false},
        {RESIDENTS, TALLY_MODE_HOUSEHOLD, 3, true},
        {RESIDENTS, TALLY_MODE_HOUSEHOLD, 4, false},
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 0, true},
        {RESIDENTS, TALLY_MODE_REPRESENTATIVE, 1, false},
        {PARTY, TALLY_MODE_HOUSEHOLD, 0, false}, /* mode not in the party profile */
    };
    return cr_make_param_array(struct proxy_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct proxy_case *c, rules, proxies)
{
    tally_profile_t p = load(c->profile);
    tally_check_t chk;
    cr_assert_eq(tally_rules_check_proxies(&p, c->mode, c->held, &chk), c->lawful, "%s %s %u: %s",
                 c->profile, tally_profile_mode_name(c->mode), c->held, chk.reason);
}

/* ---- profile parser errors name the line and the key ---------------------------- */

static const char *const base_lines[] = {
    "# test profile",                                /* 1 */
    "name = t",                                      /* 2 */
    "body = party",                                  /* 3 */
    "modes = ordinary",                              /* 4 */
    "quorum.ordinary = present > 4/5 of electorate", /* 5 */
    "electorate.ordinary = who should attend",       /* 6 */
    "proxies.ordinary = 0",                          /* 7 */
    "ballots.void_if = returned > issued",           /* 8 */
    "ballot.invalid_if = marks > seats",             /* 9 */
    "elected = votes > 1/2 of present   # comment",  /* 10 */
    "further.elected = votes > 1/2 of present",      /* 11 */
    "further.standing = new-list",                   /* 12 */
    "revote.elected = none",                         /* 13 */
    "candidates = candidates >= 6/5 of seats",       /* 14 */
    "writeins = beside-no",                          /* 15 */
};
#define BASE_N (sizeof base_lines / sizeof base_lines[0])

/* The base profile with line `line` replaced ("": left empty), plus `extra` appended. */
static size_t build(char *buf, size_t cap, int line, const char *replacement, const char *extra)
{
    size_t n = 0;
    for (size_t i = 0; i < BASE_N; i++) {
        const char *l = (int)i + 1 == line ? replacement : base_lines[i];
        n += (size_t)snprintf(buf + n, cap - n, "%s\n", l ? l : "");
    }
    if (extra && extra[0])
        n += (size_t)snprintf(buf + n, cap - n, "%s\n", extra);
    return n;
}

Test(profile, base_text_parses)
{
    char buf[2048];
    size_t n = build(buf, sizeof buf, 0, NULL, NULL);
    tally_profile_t p;
    tally_profile_error_t err;
    cr_assert(tally_profile_parse(buf, n, &p, &err), "%s", err.message);
    cr_assert_str_eq(p.name, "t");
    cr_assert_str_eq(p.electorate_label[TALLY_MODE_ORDINARY], "who should attend");
    /* CRLF line ends and no final newline are fine */
    const char *crlf =
        "name = t\r\nbody = residents\r\nmodes = ordinary\r\nquorum.ordinary = cast > 1/2 of "
        "electorate\r\n"
        "electorate.ordinary = voters\r\nproxies.ordinary = 3\r\nballots.void_if = none\r\n"
        "ballot.invalid_if = marks > seats\r\nelected = votes > 1/2 of cast\r\n"
        "further.elected = votes >= 1/3 of cast\r\nfurther.standing = top 2 x seats\r\n"
        "revote.elected = none\r\ncandidates = candidates > seats\r\nwriteins = forbidden";
    cr_assert(tally_profile_parse(crlf, strlen(crlf), &p, &err), "%s", err.message);
    cr_assert(p.further_standing.per_seat == 2 && p.further_standing.extra == 0);
    cr_assert_eq(p.ballots_void.cmp, TALLY_CMP_NONE);
}

struct parse_case {
    int line;             /* base line to replace, 0 = none */
    char replacement[64]; /* "" = the line left empty */
    char extra[64];       /* appended line, "" = none */
    int err_line;
    char err_key[32];
    char err_text[80];
};

ParameterizedTestParameters(profile, errors)
{
    static struct parse_case cases[] = {
        {10, "elected = votes => 1/2 of present", "", 10, "elected", "expected '>' or '>='"},
        {10, "elected = votes > 1/0 of present", "", 10, "elected", "bad fraction '1/0'"},
        {10, "elected = votes > 1/2 of seats", "", 10, "elected", "as the base, got 'seats'"},
        {10, "elected = votes > 1/2 present", "", 10, "elected", "expected 'of'"},
        {10, "elected = none", "", 10, "elected", "'none' is not allowed"},
        {10, "elected =", "", 10, "elected", "missing value"},
        {5, "quorum.ordinary = votes > 4/5 of electorate", "", 5, "quorum.ordinary",
         "expected 'present' or 'cast'"},
        {5, "quorum.ordinary = present > 4/5 of electorate extra", "", 5, "quorum.ordinary",
         "unexpected 'extra'"},
        {14, "candidates = candidates >= 6/5 seats", "", 14, "candidates", "expected 'of'"},
        {7, "proxies.ordinary = three", "", 7, "proxies.ordinary", "expected a whole number"},
        {12, "further.standing = top seats +", "", 12, "further.standing",
         "expected a number after '+'"},
        {15, "writeins = maybe", "", 15, "writeins",
         "expected 'forbidden', 'allowed' or 'beside-no', got 'maybe'"},
        {3, "body = council", "", 3, "body", "expected 'party' or 'residents', got 'council'"},
        {4, "modes = ordinary village", "", 4, "modes", "unknown mode 'village'"},
        {0, "", "quorum.household = cast > 1/2 of electorate", 16, "quorum.household",
         "not listed in 'modes'"},
        {0, "", "elected = votes > 2/3 of present", 16, "elected",
         "given twice (first on line 10)"},
        {0, "", "electorates = 3", 16, "electorates", "unknown key"},
        {6, "electorate.ordinary who should attend", "", 6, "", "expected 'key = value'"},
        {10, "", "", 0, "elected", "missing"},
        {4, "modes = ordinary household", "", 0, "quorum.household", "missing"},
        {0, "", "vacancy = sometimes", 16, "vacancy",
         "expected 'never', 'after-any' or 'after-further', got 'sometimes'"},
        {0, "", "vacancy = after-further", 0, "vacancy.by_election_months", "missing"},
        {0, "", "reduce = after-any", 0, "reduce.short_max", "missing"},
        {0, "", "vacancy.by_election_months = 0", 16, "vacancy.by_election_months", "1..60"},
        {0, "", "reduce.short_max = x", 16, "reduce.short_max", "1..100"},
    };
    return cr_make_param_array(struct parse_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct parse_case *c, profile, errors)
{
    char buf[2048];
    size_t n = build(buf, sizeof buf, c->line, c->replacement, c->extra);
    tally_profile_t p;
    tally_profile_error_t err;
    cr_assert_not(tally_profile_parse(buf, n, &p, &err), "parsed, but should fail: %s",
                  c->err_text);
    cr_assert_eq(err.line, c->err_line, "line %d, want %d: %s", err.line, c->err_line, err.message);
    cr_assert_str_eq(err.key, c->err_key, "%s", err.message);
    cr_assert(strstr(err.message, c->err_text) != NULL, "'%s' does not say '%s'", err.message,
              c->err_text);
    if (c->err_line > 0) {
        char where[32];
        snprintf(where, sizeof where, "line %d:", c->err_line);
        cr_assert(strncmp(err.message, where, strlen(where)) == 0, "%s", err.message);
    }
    if (c->err_key[0])
        cr_assert(strstr(err.message, c->err_key) != NULL, "%s", err.message);
}

/* With names the reasons name people (a re-vote renumbers the paper), and
 * every reason has its Chinese form; without names they keep positions. */
Test(rules, reasons_name_people_in_english_and_chinese)
{
    tally_profile_t p = load(PARTY);
    tally_round_t e = election(1, 2, 100, 90, 90);
    static const char *const names[] = {"王芳", "李强"};
    e.names = names;
    uint32_t votes[2] = {60, 30};
    tally_result_t res;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), 0, "%s", res.status.message);
    cr_assert_str_eq(res.person[0].reason,
                     "王芳: 60 votes, more than 1/2 of 90 present (at least 46 needed): elected");
    cr_assert_str_eq(res.person[0].reason_zh,
                     "王芳：60票，超过到会人数90的1/2（至少需要46票）：当选");
    cr_assert_str_eq(res.person[1].reason_zh,
                     "李强：30票，未超过到会人数90的1/2（至少需要46票）：未当选");
    cr_assert_str_eq(res.outcome_reason, "all 1 seat(s) filled: 王芳 elected");
    cr_assert_str_eq(res.outcome_reason_zh, "1个名额全部选出：王芳当选");
    cr_assert_str_eq(
        res.quorum_reason_zh,
        "参加情况：到会人数90，应参加100，超过应参加人数100的4/5（至少需要81）：会议有效");
    cr_assert_str_eq(res.ballots_reason_zh, "收回选票90张，未超过发出选票数90：选票有效");
    e.names = NULL;
    cr_assert_eq(count_box(&p, &e, votes, 0, &res), 0, "%s", res.status.message);
    cr_assert(strncmp(res.person[0].reason, "candidate 1: 60 votes", 21) == 0, "%s",
              res.person[0].reason);
    cr_assert(strncmp(res.person[0].reason_zh, "1号候选人：60票", strlen("1号候选人：60票")) == 0,
              "%s", res.person[0].reason_zh);
}

/* ---- seats left empty: vacant (暂缺) or reduced (减少名额), both profiles ---------- */

struct close_case {
    char profile[24];
    bool reduce;
    uint32_t seats, elected, closed;
    bool counted;
    tally_round_kind_t last;
    uint32_t n;
    bool lawful;
    char field[12]; /* refused: the field named */
    char words[64]; /* refused: what the reason says */
};

ParameterizedTestParameters(rules, close_seats)
{
    static struct close_case cases[] = {
        /* residents: vacant after the further round, never before it, never reduced */
        {RESIDENTS, false, 5, 4, 0, true, TALLY_ROUND_FURTHER, 1, true, "", ""},
        {RESIDENTS, false, 5, 3, 0, true, TALLY_ROUND_FURTHER, 2, true, "", ""},
        {RESIDENTS, false, 5, 4, 0, true, TALLY_ROUND_FIRST, 1, false, "profile",
         "only after a further round"},
        {RESIDENTS, false, 5, 4, 0, true, TALLY_ROUND_REVOTE, 1, false, "profile",
         "only after a further round"},
        {RESIDENTS, false, 5, 4, 0, true, TALLY_ROUND_FURTHER, 2, false, "seats",
         "1 seat(s) are empty"},
        {RESIDENTS, false, 5, 4, 0, true, TALLY_ROUND_FURTHER, 0, false, "seats",
         "0 cannot be closed"},
        {RESIDENTS, false, 5, 4, 1, true, TALLY_ROUND_FURTHER, 1, false, "seats",
         "no counted round"},
        {RESIDENTS, false, 5, 4, 0, false, TALLY_ROUND_FURTHER, 1, false, "seats",
         "no counted round"},
        {RESIDENTS, true, 5, 4, 0, true, TALLY_ROUND_FURTHER, 1, false, "profile",
         "does not reduce the seats"},
        /* party: reduced when at most one short, after any round; never vacant */
        {PARTY, true, 5, 4, 0, true, TALLY_ROUND_FIRST, 1, true, "", ""},
        {PARTY, true, 5, 4, 0, true, TALLY_ROUND_FURTHER, 1, true, "", ""},
        {PARTY, true, 5, 3, 0, true, TALLY_ROUND_FIRST, 2, false, "seats", "at most 1 short"},
        {PARTY, true, 5, 3, 0, true, TALLY_ROUND_FIRST, 1, false, "seats", "3 elected is 2 short"},
        {PARTY, true, 5, 4, 0, true, TALLY_ROUND_FIRST, 2, false, "seats", "1 seat(s) are empty"},
        {PARTY, true, 5, 5, 0, true, TALLY_ROUND_FIRST, 1, false, "seats", "no counted round"},
        {PARTY, false, 5, 4, 0, true, TALLY_ROUND_FURTHER, 1, false, "profile",
         "does not leave seats vacant"},
    };
    return cr_make_param_array(struct close_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct close_case *c, rules, close_seats)
{
    tally_profile_t p = load(c->profile);
    tally_seats_t s = {c->seats, c->elected, c->closed, c->counted, c->last, 2};
    tally_close_check_t chk;
    bool lawful = c->reduce ? tally_rules_check_reduce(&p, &s, c->n, &chk)
                            : tally_rules_check_vacancy(&p, &s, c->n, &chk);
    cr_assert_eq(lawful, c->lawful, "%s %s %u of %u (+%u): %s", c->profile,
                 c->reduce ? "reduce" : "vacancy", c->elected, c->seats, c->n, chk.reason);
    cr_assert(chk.reason_zh[0], "no Chinese reason: %s", chk.reason);
    if (!c->lawful) {
        cr_assert_str_eq(chk.field, c->field, "%s", chk.reason);
        cr_assert(strstr(chk.reason, c->words), "'%s' does not say '%s'", chk.reason, c->words);
    }
}

Test(rules, close_reasons_say_the_law)
{
    tally_profile_t r = load(RESIDENTS), p = load(PARTY);
    cr_assert_eq(r.vacancy_months, 3);
    cr_assert_eq(p.reduce_short_max, 1);
    tally_seats_t s = {5, 4, 0, true, TALLY_ROUND_FURTHER, 2};
    tally_close_check_t chk;
    cr_assert(tally_rules_check_vacancy(&r, &s, 1, &chk));
    cr_assert_str_eq(
        chk.reason,
        "1 seat(s) stay vacant (暂缺) after round 2: 4 of 5 filled; a by-election (补选) "
        "is due within 3 month(s) by profile residents-2025");
    cr_assert_str_eq(chk.reason_zh,
                     "第2轮后名额暂缺1名（5名中已有4名）；按规则 residents-2025 应在3个月内补选");
    cr_assert(tally_rules_check_reduce(&p, &s, 1, &chk));
    cr_assert(strstr(chk.reason_zh, "应选名额由5名减为4名"), "%s", chk.reason_zh);
    cr_assert_not(tally_rules_check_vacancy(&p, &s, 1, &chk));
    cr_assert(strstr(chk.reason, "reduces the seats instead (hj election reduce)"), "%s",
              chk.reason);
}
