/* Huanjie — the counting rules (pure: no I/O, no globals, no allocation).
 *
 * Order of decisions in a round, as the returning officer applies them:
 *   1. turnout: the profile's quorum rule for the mode (party: present > 4/5
 *      of who should attend; residents: ballots cast > 1/2 of registered
 *      voters or households, > 2/3 of representatives);
 *   2. ballots: returned > issued voids the round (re-run the vote);
 *   3. each ballot: more votes (yes marks + write-ins) than seats, or a
 *      write-in the profile does not allow where it stands, makes it invalid;
 *      invalid ballots are cast but give no votes;
 *   4. each person: the round's rule (first round: party votes > 1/2 of
 *      present, residents votes > 1/2 of cast; further round: party still
 *      > 1/2 of present, residents >= 1/3 of cast; re-vote: most votes).
 *      Nobody is elected with no votes at all;
 *   5. seats: those passing the rule take the seats most votes first; a tie
 *      that straddles the last seat goes to a re-vote among the tied only;
 *      seats nobody fills go to a further round (另行选举).
 */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- text helpers ------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
} sbuf_t;

__attribute__((format(printf, 2, 3))) static void s_sb_printf(sbuf_t *sb, const char *fmt, ...)
{
    if (!sb->buf || sb->cap == 0 || sb->len + 1 >= sb->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    if ((size_t)w >= sb->cap - sb->len) {
        sb->len = sb->cap - 1;
        if (sb->cap > 4)
            memcpy(sb->buf + sb->cap - 4, "...", 4); /* mark the cut */
    } else {
        sb->len += (size_t)w;
    }
}

static sbuf_t s_sb_of(char *buf, size_t cap)
{
    if (buf && cap)
        buf[0] = '\0';
    return (sbuf_t){buf, cap, 0};
}

static void s_sb_person(sbuf_t *sb, uint32_t person, uint32_t n_candidates)
{
    if (person < n_candidates)
        s_sb_printf(sb, "candidate %u", person + 1);
    else
        s_sb_printf(sb, "write-in %u", person - n_candidates + 1);
}

/* A person of a count by name (a re-vote renumbers the paper: "candidate 1"
 * there is another person than in the first round), else by position. */
static void s_sb_who(sbuf_t *sb, const tally_round_t *e, uint32_t person, bool zh)
{
    if (e->names && e->names[person] && e->names[person][0])
        s_sb_printf(sb, "%s", e->names[person]);
    else if (!zh)
        s_sb_person(sb, person, e->n_candidates);
    else if (person < e->n_candidates)
        s_sb_printf(sb, "%u号候选人", person + 1);
    else
        s_sb_printf(sb, "另选人%u", person - e->n_candidates + 1);
}

/* "超过到会人数45的1/2", "未超过发出选票数45", "不足应参加人数50的4/5" */
static void s_sb_share_zh(sbuf_t *sb, const tally_rule_t *r, bool holds, const char *what,
                          uint64_t base)
{
    const char *w = r->cmp == TALLY_CMP_GE   ? (holds ? "达到" : "不足")
                    : r->cmp == TALLY_CMP_GT ? (holds ? "超过" : "未超过")
                                             : "不设下限：";
    if (r->num == r->den)
        s_sb_printf(sb, "%s%s%llu", w, what, (unsigned long long)base);
    else
        s_sb_printf(sb, "%s%s%llu的%u/%u", w, what, (unsigned long long)base, r->num, r->den);
}

/* How a rule's comparison reads when it holds or fails. */
static const char *s_cmp_verdict(tally_cmp_t cmp, bool holds)
{
    if (cmp == TALLY_CMP_GE)
        return holds ? "at least" : "less than";
    if (cmp == TALLY_CMP_GT)
        return holds ? "more than" : "not more than";
    return "no minimum";
}

/* "more than 4/5 of 100", "not more than 100", "less than 1/3 of 90" */
static void s_sb_share(sbuf_t *sb, const tally_rule_t *r, bool holds, uint64_t base)
{
    const char *w = s_cmp_verdict(r->cmp, holds);
    if (r->num == r->den)
        s_sb_printf(sb, "%s %llu", w, (unsigned long long)base);
    else
        s_sb_printf(sb, "%s %u/%u of %llu", w, r->num, r->den, (unsigned long long)base);
}

/* seats*num/den as a decimal for people: "8.4", "6", "about 3.33" */
static void s_sb_decimal(sbuf_t *sb, uint64_t value_num, uint64_t den)
{
    uint64_t ip = value_num / den, rem = value_num % den;
    if (!rem) {
        s_sb_printf(sb, "%llu", (unsigned long long)ip);
        return;
    }
    uint64_t hundredths = rem * 100 / den;
    bool exact = rem * 100 % den == 0;
    if (hundredths % 10 == 0)
        s_sb_printf(sb, "%s%llu.%llu", exact ? "" : "about ", (unsigned long long)ip,
                    (unsigned long long)(hundredths / 10));
    else
        s_sb_printf(sb, "%s%llu.%02llu", exact ? "" : "about ", (unsigned long long)ip,
                    (unsigned long long)hundredths);
}

/* How the reasons call a quantity, in English and Chinese; the profile's own
 * name where a language has no word of its own. */
static const struct {
    const char *en, *zh;
} qty_words[TALLY_QTY_COUNT] = {
    [TALLY_QTY_PRESENT] = {"present", "到会人数"},
    [TALLY_QTY_CAST] = {"ballots cast", "投票人数"},
    [TALLY_QTY_RETURNED] = {"ballots cast", "投票人数"},
    [TALLY_QTY_ISSUED] = {"ballots issued", "发出选票数"},
    [TALLY_QTY_ELECTORATE] = {NULL, "应参加人数"},
    [TALLY_QTY_SEATS] = {NULL, "应选名额"},
};

static const char *s_qty_word(tally_qty_t q, bool zh)
{
    const char *w = (unsigned)q < TALLY_QTY_COUNT ? (zh ? qty_words[q].zh : qty_words[q].en) : NULL;
    return w ? w : tally_profile_qty_name(q);
}

/* The names of the counting outcomes as reports print them, in each enum's
 * order (rules.h numbers them from 0). */
static const char *const outcome_names[] = {"void", "complete", "revote", "further"};
static const char *const person_status_names[] = {"void", "elected", "below threshold", "outranked",
                                                  "tied"};
static const char *const round_names[] = {"first", "further", "revote"};

/* names[v], or "?" for a value outside the table. */
static const char *s_name(const char *const *names, size_t n, unsigned v)
{
    return v < n ? names[v] : "?";
}

#define S_COUNT(a) (sizeof(a) / sizeof(a)[0])

const char *tally_rules_outcome_name(tally_outcome_t o)
{
    return s_name(outcome_names, S_COUNT(outcome_names), (unsigned)o);
}

const char *tally_rules_person_status_name(tally_person_status_t s)
{
    return s_name(person_status_names, S_COUNT(person_status_names), (unsigned)s);
}

const char *tally_rules_round_name(tally_round_kind_t r)
{
    return s_name(round_names, S_COUNT(round_names), (unsigned)r);
}

/* ---- input checks --------------------------------------------------------- */

/* -1 with res->status: INVALID_ARGUMENT, or FAILED_PRECONDITION naming the
 * rule (field) the profile does not allow. */
__attribute__((format(printf, 4, 5))) static int s_fail(tally_result_t *res, Hj__Code code,
                                                        const char *field, const char *fmt, ...)
{
    char msg[sizeof res->status.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hj_status_set(&res->status, code, field, "%s", msg);
}

/* Seats at stake in this round, or 0 after filling res->status. */
static uint32_t s_check_election(const tally_profile_t *p, const tally_round_t *e,
                                 tally_result_t *res)
{
    if ((unsigned)e->mode >= TALLY_MODE_COUNT || !p->mode_allowed[e->mode]) {
        s_fail(res, HJ__CODE__FAILED_PRECONDITION, "mode", "mode '%s' is not allowed by profile %s",
               tally_profile_mode_name(e->mode), p->name);
        return 0;
    }
    if ((unsigned)e->kind > TALLY_ROUND_REVOTE) {
        s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "unknown round kind %d", (int)e->kind);
        return 0;
    }
    if (e->seats == 0) {
        s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "no seats to elect");
        return 0;
    }
    uint32_t k = e->seats_to_fill;
    if (e->kind == TALLY_ROUND_FIRST) {
        if (k == 0)
            k = e->seats;
        if (k != e->seats) {
            s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "a first round elects all %u seats, not %u",
                   e->seats, e->seats_to_fill);
            return 0;
        }
    } else if (k == 0 || k > e->seats) {
        s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
               "seats to fill (%u) must be 1..%u in a further round or re-vote", k, e->seats);
        return 0;
    }
    if (e->n_candidates == 0 || e->n_candidates > TALLY_CANDIDATES_MAX) {
        s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "%u candidates on the paper: must be 1..%u",
               e->n_candidates, TALLY_CANDIDATES_MAX);
        return 0;
    }
    if ((uint64_t)e->n_candidates + e->n_writein_persons > TALLY_PERSONS_MAX) {
        s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
               "%u candidates + %u write-in persons: at most %u persons", e->n_candidates,
               e->n_writein_persons, TALLY_PERSONS_MAX);
        return 0;
    }
    if (e->electorate == 0) {
        s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "electorate is 0");
        return 0;
    }
    return k;
}

/* Fewest votes on one ballot that make it invalid. */
static uint64_t s_invalid_limit(const tally_profile_t *p, uint32_t seats_to_fill)
{
    return tally_profile_rule_min(&p->ballot_invalid, seats_to_fill);
}

/* ---- one ballot -------------------------------------------------------------- */

/* Decides one ballot; the hot loop calls it only for ballots with write-ins,
 * and tally_rules_check_ballot for any ballot. On 0, *verdict is set and, if
 * valid, the distinct write-in persons are in persons[0..*n_persons). */
static int s_eval_ballot(const tally_profile_t *p, const tally_round_t *e, uint64_t limit,
                         const uint8_t *m, const tally_writein_t *w, size_t nw, uint16_t *persons,
                         uint32_t *n_persons, tally_ballot_verdict_t *verdict, sbuf_t *why,
                         sbuf_t *err)
{
    uint32_t nc = e->n_candidates, yes = 0;
    for (uint32_t c = 0; c < nc; c++) {
        if (m[c] > TALLY_MARK_ABSTAIN) {
            s_sb_printf(
                err, "mark %u beside candidate %u is not a mark (0 none, 1 yes, 2 no, 3 abstain)",
                m[c], c + 1);
            return -1;
        }
        yes += m[c] == TALLY_MARK_YES;
    }
    uint64_t seen_person[TALLY_PERSONS_MAX / 64] = {0};
    uint64_t beside_used = 0;
    uint32_t distinct = 0;
    bool writein_bad = false;
    for (size_t i = 0; i < nw; i++) {
        if (w[i].person >= e->n_writein_persons) {
            s_sb_printf(err, "write-in person %u: only %u write-in persons", w[i].person + 1u,
                        e->n_writein_persons);
            return -1;
        }
        if (w[i].beside < -1 || w[i].beside >= (int)nc) {
            s_sb_printf(err, "write-in beside candidate %d: the paper has %u candidates",
                        w[i].beside + 1, nc);
            return -1;
        }
    }
    if (nw && p->writeins == TALLY_WRITEINS_FORBIDDEN) {
        s_sb_printf(why, "a write-in, which profile %s does not allow: the ballot is invalid",
                    p->name);
        writein_bad = true;
    } else if (p->writeins == TALLY_WRITEINS_BESIDE_NO) {
        for (size_t i = 0; i < nw && !writein_bad; i++) {
            int b = w[i].beside;
            if (b < 0 || m[b] != TALLY_MARK_NO) {
                s_sb_printf(
                    why, "write-in %u is not beside a \"no\" on a candidate: the ballot is invalid",
                    w[i].person + 1u);
                writein_bad = true;
            } else if (beside_used >> b & 1) {
                s_sb_printf(
                    why, "two write-ins beside the \"no\" on candidate %d: the ballot is invalid",
                    b + 1);
                writein_bad = true;
            } else {
                beside_used |= UINT64_C(1) << b;
            }
        }
    }
    if (writein_bad) {
        *verdict = TALLY_BALLOT_WRITEIN;
        return 0;
    }
    /* the same person written in twice counts once */
    for (size_t i = 0; i < nw; i++) {
        uint32_t q = w[i].person;
        if (seen_person[q / 64] >> (q % 64) & 1)
            continue;
        seen_person[q / 64] |= UINT64_C(1) << (q % 64);
        persons[distinct++] = (uint16_t)q;
    }
    uint64_t marks = (uint64_t)yes + distinct;
    uint32_t k = e->seats_to_fill ? e->seats_to_fill : e->seats;
    bool too_many = marks >= limit;
    s_sb_printf(why, "%llu votes (%u yes, %u written in) is ", (unsigned long long)marks, yes,
                distinct);
    s_sb_share(why, &p->ballot_invalid, too_many, k);
    s_sb_printf(why, " seat(s): the ballot is %svalid", too_many ? "in" : "");
    if (too_many) {
        *verdict = TALLY_BALLOT_TOO_MANY;
        return 0;
    }
    *n_persons = distinct;
    *verdict = TALLY_BALLOT_VALID;
    return 0;
}

int tally_rules_check_ballot(const tally_profile_t *p, const tally_round_t *e, const uint8_t *marks,
                             const tally_writein_t *writeins, size_t n_writeins,
                             tally_ballot_verdict_t *verdict, uint16_t *persons,
                             uint32_t *n_persons, char *reason, size_t reason_len)
{
    sbuf_t why = s_sb_of(reason, reason_len);
    tally_ballot_verdict_t v = TALLY_BALLOT_VALID;
    uint16_t distinct[TALLY_PERSONS_MAX];
    uint32_t np = 0;
    if (n_persons)
        *n_persons = 0;
    if (!p || !e || !marks || (n_writeins && !writeins)) {
        s_sb_printf(&why, "missing input");
        return -1;
    }
    if ((unsigned)e->mode >= TALLY_MODE_COUNT || !p->mode_allowed[e->mode]) {
        s_sb_printf(&why, "mode '%s' is not allowed by profile %s",
                    tally_profile_mode_name(e->mode), p->name);
        return -1;
    }
    if (e->seats == 0 || e->n_candidates == 0 || e->n_candidates > TALLY_CANDIDATES_MAX ||
        (uint64_t)e->n_candidates + e->n_writein_persons > TALLY_PERSONS_MAX) {
        s_sb_printf(&why, "the election has no seats or a bad number of candidates");
        return -1;
    }
    uint32_t k = e->seats_to_fill ? e->seats_to_fill : e->seats;
    if (s_eval_ballot(p, e, s_invalid_limit(p, k), marks, writeins, n_writeins, distinct, &np, &v,
                      &why, &why) != 0)
        return -1;
    if (verdict)
        *verdict = v;
    if (persons && n_persons && v == TALLY_BALLOT_VALID) {
        memcpy(persons, distinct, np * sizeof *persons);
        *n_persons = np;
    }
    return 0;
}

/* ---- tallies ------------------------------------------------------------------- */

typedef struct {
    uint64_t votes[TALLY_PERSONS_MAX];
    uint32_t valid, invalid, too_many, writein_bad;
} tally_t;

static int s_tally_ballots(const tally_profile_t *p, const tally_round_t *e, uint32_t k,
                           const tally_ballots_t *b, tally_t *t, tally_result_t *res)
{
    const uint32_t nc = e->n_candidates;
    const size_t n = b->n_ballots;
    if (n != e->returned)
        return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                      "%zu ballots entered but %u returned: every returned ballot must be entered",
                      n, e->returned);
    if ((n && !b->marks) || (b->n_writeins && !b->writeins))
        return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "missing ballot data");

    const uint64_t limit = s_invalid_limit(p, k);
    const uint8_t *m = b->marks;
    const tally_writein_t *wi = b->writeins, *wend = b->writeins + b->n_writeins;
    size_t next_w = wi < wend ? wi->ballot : SIZE_MAX;
    uint32_t cv[TALLY_CANDIDATES_MAX] = {0}; /* n <= UINT32_MAX: 32-bit counters suffice */
    uint32_t wv[TALLY_PERSONS_MAX] = {0};
    uint32_t valid = 0, too_many = 0, writein_bad = 0;
    unsigned all = 0;

    /* Hot loop: add every YES tentatively, take them back from the rare
     * invalid ballot. Ballots with write-ins take the slow path. */
    for (size_t i = 0; i < n; i++, m += nc) {
        uint32_t yes = 0;
        for (uint32_t c = 0; c < nc; c++) {
            unsigned v = m[c];
            unsigned y = v == TALLY_MARK_YES;
            all |= v;
            yes += y;
            cv[c] += y;
        }
        if (__builtin_expect(i == next_w, 0)) {
            for (uint32_t c = 0; c < nc; c++)
                cv[c] -= m[c] == TALLY_MARK_YES;
            const tally_writein_t *w0 = wi;
            while (wi < wend && wi->ballot == i)
                wi++;
            uint16_t persons[TALLY_PERSONS_MAX];
            uint32_t np = 0;
            tally_ballot_verdict_t v;
            char msg[TALLY_REASON_MAX - 32];
            sbuf_t err = s_sb_of(msg, sizeof msg), none = s_sb_of(NULL, 0);
            if (s_eval_ballot(p, e, limit, m, w0, (size_t)(wi - w0), persons, &np, &v, &none,
                              &err) != 0)
                return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "ballot %zu: %s", i + 1, msg);
            if (v == TALLY_BALLOT_VALID) {
                for (uint32_t c = 0; c < nc; c++)
                    cv[c] += m[c] == TALLY_MARK_YES;
                for (uint32_t j = 0; j < np; j++)
                    wv[persons[j]]++;
                valid++;
            } else if (v == TALLY_BALLOT_TOO_MANY) {
                too_many++;
            } else {
                writein_bad++;
            }
            if (wi < wend && wi->ballot <= i)
                return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                              "write-ins are not sorted by ballot (ballot %u after %zu)",
                              wi->ballot + 1u, i + 1);
            next_w = wi < wend ? wi->ballot : SIZE_MAX;
        } else if (yes >= limit) {
            for (uint32_t c = 0; c < nc; c++)
                cv[c] -= m[c] == TALLY_MARK_YES;
            too_many++;
        } else {
            valid++;
        }
    }
    if (all > TALLY_MARK_ABSTAIN) {
        m = b->marks;
        for (size_t i = 0; i < n; i++, m += nc)
            for (uint32_t c = 0; c < nc; c++)
                if (m[c] > TALLY_MARK_ABSTAIN)
                    return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                                  "ballot %zu: mark %u beside candidate %u is not a mark "
                                  "(0 none, 1 yes, 2 no, 3 abstain)",
                                  i + 1, m[c], c + 1);
    }
    if (wi != wend)
        return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                      "write-in on ballot %u: only %zu ballots (or write-ins not sorted by ballot)",
                      wi->ballot + 1u, n);
    for (uint32_t c = 0; c < nc; c++)
        t->votes[c] = cv[c];
    for (uint32_t j = 0; j < e->n_writein_persons; j++)
        t->votes[nc + j] = wv[j];
    t->valid = valid;
    t->too_many = too_many;
    t->writein_bad = writein_bad;
    t->invalid = too_many + writein_bad;
    return 0;
}

static int s_tally_boxes(const tally_profile_t *p, const tally_round_t *e, uint32_t k,
                         const tally_box_t *boxes, size_t nb, tally_t *t, tally_result_t *res)
{
    const uint32_t np = e->n_candidates + e->n_writein_persons;
    const uint64_t limit = s_invalid_limit(p, k);
    const uint64_t max_per_ballot = limit ? limit - 1 : 0;
    uint64_t valid = 0, invalid = 0;
    if (nb && !boxes)
        return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "missing box data");
    for (size_t i = 0; i < nb; i++) {
        const tally_box_t *bx = &boxes[i];
        if (!bx->votes && bx->valid)
            return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                          "box %zu: valid ballots but no votes", i + 1);
        uint64_t sum = 0;
        for (uint32_t j = 0; bx->votes && j < np; j++) {
            if (bx->votes[j] > bx->valid) {
                char who[TALLY_REASON_MAX];
                sbuf_t s = s_sb_of(who, sizeof who);
                s_sb_who(&s, e, j, false);
                return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                              "box %zu: %s has %u votes but the box has only %u valid ballots",
                              i + 1, who, bx->votes[j], bx->valid);
            }
            sum += bx->votes[j];
            t->votes[j] += bx->votes[j];
        }
        if (sum > (uint64_t)bx->valid * max_per_ballot)
            return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                          "box %zu: %llu votes in all, but %u valid ballots can carry at most %llu "
                          "for %u seat(s)",
                          i + 1, (unsigned long long)sum, bx->valid,
                          (unsigned long long)((uint64_t)bx->valid * max_per_ballot), k);
        valid += bx->valid;
        invalid += bx->invalid;
    }
    if (valid + invalid != e->returned)
        return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "",
                      "boxes hold %llu ballots (%llu valid, %llu invalid) but %u were returned",
                      (unsigned long long)(valid + invalid), (unsigned long long)valid,
                      (unsigned long long)invalid, e->returned);
    t->valid = (uint32_t)valid;
    t->invalid = (uint32_t)invalid;
    return 0;
}

/* ---- the decision ---------------------------------------------------------------- */

static uint64_t s_qty_value(tally_qty_t q, const tally_round_t *e)
{
    switch (q) {
    case TALLY_QTY_PRESENT:
        return e->present;
    case TALLY_QTY_CAST:
    case TALLY_QTY_RETURNED:
        return e->returned;
    case TALLY_QTY_ISSUED:
        return e->issued;
    case TALLY_QTY_ELECTORATE:
        return e->electorate;
    case TALLY_QTY_SEATS:
        return e->seats;
    default:
        return 0;
    }
}

static void s_sb_base(sbuf_t *sb, const tally_rule_t *r, bool holds, uint64_t base,
                      const tally_profile_t *p, const tally_round_t *e)
{
    s_sb_share(sb, r, holds, base);
    if (r->base == TALLY_QTY_ELECTORATE)
        s_sb_printf(sb, " %s", p->electorate_label[e->mode]);
    else
        s_sb_printf(sb, " %s", s_qty_word(r->base, false));
}

static void s_sb_base_zh(sbuf_t *sb, const tally_rule_t *r, bool holds, uint64_t base)
{
    s_sb_share_zh(sb, r, holds, s_qty_word(r->base, true), base);
}

static void s_check_quorum(const tally_profile_t *p, const tally_round_t *e, tally_result_t *res)
{
    const tally_rule_t *q = &p->quorum[e->mode];
    uint64_t turnout = s_qty_value(q->lhs, e);
    res->turnout = (uint32_t)turnout;
    res->quorum_ok = tally_profile_rule_holds(q, turnout, e->electorate);
    sbuf_t sb = s_sb_of(res->quorum_reason, sizeof res->quorum_reason);
    s_sb_printf(&sb, "turnout: %llu %s of %u %s is ", (unsigned long long)turnout,
                s_qty_word(q->lhs, false), e->electorate, p->electorate_label[e->mode]);
    s_sb_share(&sb, q, res->quorum_ok, e->electorate);
    s_sb_printf(&sb, " (at least %llu needed): the %s is %svalid",
                (unsigned long long)tally_profile_rule_min(q, e->electorate),
                q->lhs == TALLY_QTY_PRESENT ? "meeting" : "election", res->quorum_ok ? "" : "not ");
    sbuf_t zh = s_sb_of(res->quorum_reason_zh, sizeof res->quorum_reason_zh);
    s_sb_printf(&zh, "参加情况：%s%llu，应参加%u，", s_qty_word(q->lhs, true),
                (unsigned long long)turnout, e->electorate);
    s_sb_share_zh(&zh, q, res->quorum_ok, "应参加人数", e->electorate);
    s_sb_printf(&zh, "（至少需要%llu）：%s%s效",
                (unsigned long long)tally_profile_rule_min(q, e->electorate),
                q->lhs == TALLY_QTY_PRESENT ? "会议" : "选举", res->quorum_ok ? "有" : "无");
}

static void s_check_returned(const tally_profile_t *p, const tally_round_t *e, tally_result_t *res)
{
    const tally_rule_t *r = &p->ballots_void;
    sbuf_t sb = s_sb_of(res->ballots_reason, sizeof res->ballots_reason);
    if (r->cmp == TALLY_CMP_NONE) {
        res->ballots_ok = true;
        s_sb_printf(&sb, "%u ballots returned, %u issued: profile %s does not compare them",
                    e->returned, e->issued, p->name);
        sbuf_t zh = s_sb_of(res->ballots_reason_zh, sizeof res->ballots_reason_zh);
        s_sb_printf(&zh, "收回选票%u张，发出%u张：方案%s不比较两者", e->returned, e->issued,
                    p->name);
        return;
    }
    bool is_void = tally_profile_rule_holds(r, e->returned, e->issued);
    res->ballots_ok = !is_void;
    s_sb_printf(&sb, "%u ballots returned is ", e->returned);
    s_sb_share(&sb, r, is_void, e->issued);
    if (is_void)
        s_sb_printf(&sb, " issued: the round is void and the vote must be re-run");
    else
        s_sb_printf(&sb, " issued: the ballots stand");
    sbuf_t zh = s_sb_of(res->ballots_reason_zh, sizeof res->ballots_reason_zh);
    s_sb_printf(&zh, "收回选票%u张，", e->returned);
    s_sb_share_zh(&zh, r, is_void, "发出选票数", e->issued);
    s_sb_printf(&zh, "%s", is_void ? "：本轮选举无效，须重新投票" : "：选票有效");
}

/* persons sorted by votes, most first; equal votes in paper order */
static void s_rank(const uint64_t *votes, uint32_t n, uint32_t *order)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        while (j > 0 && votes[order[j - 1]] < votes[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

static void s_sb_list(sbuf_t *sb, const uint32_t *who, uint32_t n, const tally_round_t *e, bool zh)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            s_sb_printf(sb, zh ? "、" : ", ");
        s_sb_who(sb, e, who[i], zh);
    }
}

/* "2 of 3 seat(s) filled (A, B)": the outcome's opening when seats remain. */
static void s_sb_filled(sbuf_t *sb, const tally_result_t *res, uint32_t n_elected, uint32_t k,
                        const tally_round_t *e)
{
    s_sb_printf(sb, "%u of %u seat(s) filled", n_elected, k);
    if (n_elected) {
        s_sb_printf(sb, " (");
        s_sb_list(sb, res->elected, n_elected, e, false);
        s_sb_printf(sb, ")");
    }
}

static void s_decide(const tally_profile_t *p, const tally_round_t *e, uint32_t k, const tally_t *t,
                     tally_result_t *res)
{
    const uint32_t nc = e->n_candidates, n = nc + e->n_writein_persons;
    const tally_rule_t *r = e->kind == TALLY_ROUND_FIRST     ? &p->elected
                            : e->kind == TALLY_ROUND_FURTHER ? &p->further_elected
                                                             : &p->revote_elected;
    const uint64_t base = s_qty_value(r->base, e);
    const uint64_t min = tally_profile_rule_min(r, base);

    res->n_persons = n;
    res->seats_to_fill = k;
    res->valid_ballots = t->valid;
    res->invalid_ballots = t->invalid;
    res->invalid_too_many = t->too_many;
    res->invalid_writein = t->writein_bad;
    res->threshold_base = base;
    res->threshold_min = min;
    for (uint32_t i = 0; i < n; i++)
        res->person[i].votes = t->votes[i];

    s_check_quorum(p, e, res);
    s_check_returned(p, e, res);
    res->valid = res->quorum_ok && res->ballots_ok;

    sbuf_t out = s_sb_of(res->outcome_reason, sizeof res->outcome_reason);
    if (!res->valid) {
        res->outcome = TALLY_OUTCOME_VOID;
        s_sb_printf(&out, "round void: %s%s%s", res->quorum_ok ? "" : res->quorum_reason,
                    !res->quorum_ok && !res->ballots_ok ? "; " : "",
                    res->ballots_ok ? "" : res->ballots_reason);
        sbuf_t oz = s_sb_of(res->outcome_reason_zh, sizeof res->outcome_reason_zh);
        s_sb_printf(&oz, "本轮选举无效：%s%s%s", res->quorum_ok ? "" : res->quorum_reason_zh,
                    !res->quorum_ok && !res->ballots_ok ? "；" : "",
                    res->ballots_ok ? "" : res->ballots_reason_zh);
        for (uint32_t i = 0; i < n; i++) {
            sbuf_t sb = s_sb_of(res->person[i].reason, sizeof res->person[i].reason);
            s_sb_who(&sb, e, i, false);
            s_sb_printf(&sb, ": the round is void, nobody is elected");
            sbuf_t zh = s_sb_of(res->person[i].reason_zh, sizeof res->person[i].reason_zh);
            s_sb_who(&zh, e, i, true);
            s_sb_printf(&zh, "：本轮选举无效，无人当选");
        }
        return;
    }

    uint32_t order[TALLY_PERSONS_MAX];
    s_rank(t->votes, n, order);

    /* the rule is monotone in votes, so those passing it are a prefix */
    uint32_t q = 0;
    while (q < n && t->votes[order[q]] > 0 && tally_profile_rule_holds(r, t->votes[order[q]], base))
        q++;

    uint32_t n_elected = q, tie_from = 0, tie_to = 0;
    if (q > k) {
        uint64_t v = t->votes[order[k - 1]];
        if (t->votes[order[k]] == v) {
            tie_from = k - 1;
            while (tie_from > 0 && t->votes[order[tie_from - 1]] == v)
                tie_from--;
            tie_to = k;
            while (tie_to < q && t->votes[order[tie_to]] == v)
                tie_to++;
            n_elected = tie_from;
            res->revote_seats = k - tie_from;
        } else {
            n_elected = k;
        }
    }
    for (uint32_t i = 0; i < n_elected; i++)
        res->elected[i] = order[i];
    res->n_elected = n_elected;
    for (uint32_t i = tie_from; i < tie_to; i++)
        res->tied[res->n_tied++] = order[i];
    if (q < k)
        res->further_seats = k - q;

    /* who stands in the further round */
    if (res->further_seats && p->further_standing.kind == TALLY_STANDING_TOP) {
        uint64_t want =
            (uint64_t)p->further_standing.per_seat * res->further_seats + p->further_standing.extra;
        uint32_t i = q;
        while (i < n && t->votes[order[i]] > 0 &&
               ((uint64_t)(i - q) < want || t->votes[order[i]] == t->votes[order[i - 1]])) {
            res->standing[res->n_standing++] = order[i];
            res->person[order[i]].stands_further = true;
            i++;
        }
    }

    /* a reason for every person */
    for (uint32_t pos = 0; pos < n; pos++) {
        uint32_t i = order[pos];
        tally_person_result_t *pr = &res->person[i];
        sbuf_t sb = s_sb_of(pr->reason, sizeof pr->reason);
        sbuf_t zh = s_sb_of(pr->reason_zh, sizeof pr->reason_zh);
        s_sb_who(&sb, e, i, false);
        s_sb_printf(&sb, ": %llu vote%s", (unsigned long long)pr->votes, pr->votes == 1 ? "" : "s");
        s_sb_who(&zh, e, i, true);
        s_sb_printf(&zh, "：%llu票", (unsigned long long)pr->votes);
        bool passes = pos < q;
        if (pr->votes == 0) {
            s_sb_printf(&sb, ", none at all");
            s_sb_printf(&zh, "，无人投票");
        } else if (r->cmp != TALLY_CMP_NONE) {
            s_sb_printf(&sb, ", ");
            s_sb_base(&sb, r, passes, base, p, e);
            s_sb_printf(&sb, " (at least %llu needed)", (unsigned long long)(min ? min : 1));
            s_sb_printf(&zh, "，");
            s_sb_base_zh(&zh, r, passes, base);
            s_sb_printf(&zh, "（至少需要%llu票）", (unsigned long long)(min ? min : 1));
        }
        if (pos < n_elected) {
            pr->status = TALLY_PERSON_ELECTED;
            s_sb_printf(&sb,
                        r->cmp == TALLY_CMP_NONE ? ", among the %u with most votes: elected"
                                                 : ": elected",
                        k);
            if (r->cmp == TALLY_CMP_NONE && k == 1)
                s_sb_printf(&zh, "，得票最多：当选");
            else if (r->cmp == TALLY_CMP_NONE)
                s_sb_printf(&zh, "，得票最多的%u人之一：当选", k);
            else
                s_sb_printf(&zh, "：当选");
        } else if (pos >= tie_from && pos < tie_to) {
            pr->status = TALLY_PERSON_TIED;
            s_sb_printf(
                &sb, ": tied with %u other(s) for the last %u seat(s), re-vote among the tied only",
                tie_to - tie_from - 1, res->revote_seats);
            s_sb_printf(&zh, "：与另外%u人得票相等，争最后%u个名额，仅在得票相等者中再次投票",
                        tie_to - tie_from - 1, res->revote_seats);
        } else if (passes) {
            pr->status = TALLY_PERSON_OUTRANKED;
            s_sb_printf(&sb, ", but the %u seat(s) went to more votes: not elected", k);
            s_sb_printf(&zh, "，但%u个名额已由得票更多者当选：未当选", k);
        } else {
            pr->status = TALLY_PERSON_BELOW;
            s_sb_printf(&sb, ": not elected");
            s_sb_printf(&zh, "：未当选");
        }
        if (pr->stands_further) {
            s_sb_printf(&sb, "; stands in the further round");
            s_sb_printf(&zh, "；参加另行选举");
        }
    }

    /* the outcome */
    if (res->n_tied) {
        res->outcome = TALLY_OUTCOME_REVOTE;
        s_sb_filled(&out, res, n_elected, k, e);
        s_sb_printf(&out,
                    "; the last %u seat(s) are tied at %llu votes: re-vote among the tied only: ",
                    res->revote_seats, (unsigned long long)t->votes[res->tied[0]]);
        s_sb_list(&out, res->tied, res->n_tied, e, false);
    } else if (res->further_seats) {
        res->outcome = TALLY_OUTCOME_FURTHER;
        s_sb_filled(&out, res, n_elected, k, e);
        s_sb_printf(&out, "; further round (另行选举) needed for %u seat(s)", res->further_seats);
        if (p->further_standing.kind == TALLY_STANDING_NEW_LIST)
            s_sb_printf(&out,
                        "; its candidate list is drawn up again and must pass the candidate-list "
                        "check for %u seat(s)",
                        res->further_seats);
        else if (res->n_standing) {
            s_sb_printf(&out, "; standing (top %u x %u + %u by votes, ties included): ",
                        p->further_standing.per_seat, res->further_seats,
                        p->further_standing.extra);
            s_sb_list(&out, res->standing, res->n_standing, e, false);
        } else {
            s_sb_printf(&out, "; nobody unelected has votes to stand");
        }
    } else {
        res->outcome = TALLY_OUTCOME_COMPLETE;
        s_sb_printf(&out, "all %u seat(s) filled: ", k);
        s_sb_list(&out, res->elected, n_elected, e, false);
        s_sb_printf(&out, " elected");
    }

    sbuf_t oz = s_sb_of(res->outcome_reason_zh, sizeof res->outcome_reason_zh);
    if (res->outcome == TALLY_OUTCOME_COMPLETE) {
        s_sb_printf(&oz, "%u个名额全部选出：", k);
        s_sb_list(&oz, res->elected, n_elected, e, true);
        s_sb_printf(&oz, "当选");
        return;
    }
    s_sb_printf(&oz, "%u个名额选出%u个", k, n_elected);
    if (n_elected) {
        s_sb_printf(&oz, "（");
        s_sb_list(&oz, res->elected, n_elected, e, true);
        s_sb_printf(&oz, "）");
    }
    if (res->outcome == TALLY_OUTCOME_REVOTE) {
        s_sb_printf(&oz, "；最后%u个名额得票相等（%llu票），仅在得票相等者中再次投票：",
                    res->revote_seats, (unsigned long long)t->votes[res->tied[0]]);
        s_sb_list(&oz, res->tied, res->n_tied, e, true);
        return;
    }
    s_sb_printf(&oz, "；另有%u个名额须另行选举", res->further_seats);
    if (p->further_standing.kind == TALLY_STANDING_NEW_LIST)
        s_sb_printf(&oz, "；另行选举的候选人名单重新提出，须符合%u个名额的差额要求",
                    res->further_seats);
    else if (res->n_standing) {
        s_sb_printf(&oz, "；按得票多少参加另行选举（每个名额%u人另加%u人，得票相等者一并参加）：",
                    p->further_standing.per_seat, p->further_standing.extra);
        s_sb_list(&oz, res->standing, res->n_standing, e, true);
    } else {
        s_sb_printf(&oz, "；未当选者中无人得票，无人可参加另行选举");
    }
}

static int s_count_common(const tally_profile_t *p, const tally_round_t *e,
                          const tally_ballots_t *b, const tally_box_t *boxes, size_t nb,
                          tally_result_t *res)
{
    if (!res)
        return -1;
    memset(res, 0, sizeof *res);
    if (!p || !e)
        return s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "missing profile or election");
    res->electorate = e->electorate;
    res->present = e->present;
    res->issued = e->issued;
    res->returned = e->returned;
    uint32_t k = s_check_election(p, e, res);
    if (!k)
        return -1;
    tally_t t;
    memset(&t, 0, sizeof t);
    if ((b ? s_tally_ballots(p, e, k, b, &t, res) : s_tally_boxes(p, e, k, boxes, nb, &t, res)) !=
        0)
        return -1;
    s_decide(p, e, k, &t, res);
    return 0;
}

int tally_rules_count_ballots(const tally_profile_t *p, const tally_round_t *e,
                              const tally_ballots_t *b, tally_result_t *res)
{
    if (!b) {
        if (res) {
            memset(res, 0, sizeof *res);
            s_fail(res, HJ__CODE__INVALID_ARGUMENT, "", "missing ballots");
        }
        return -1;
    }
    return s_count_common(p, e, b, NULL, 0, res);
}

int tally_rules_count_boxes(const tally_profile_t *p, const tally_round_t *e,
                            const tally_box_t *boxes, size_t nb, tally_result_t *res)
{
    return s_count_common(p, e, NULL, boxes, nb, res);
}

/* ---- list and proxy checks ----------------------------------------------------------- */

/* Where a check writes (the caller's out, or local when it wants only the
 * verdict), cleared, and its reason as a buffer. */
static sbuf_t s_check_begin(tally_check_t **out, tally_check_t *local)
{
    if (!*out)
        *out = local;
    memset(*out, 0, sizeof **out);
    return s_sb_of((*out)->reason, sizeof(*out)->reason);
}

bool tally_rules_check_candidates(const tally_profile_t *p, uint32_t seats, uint32_t n,
                                  tally_check_t *out)
{
    tally_check_t local;
    sbuf_t sb = s_check_begin(&out, &local);
    if (!p || seats == 0) {
        s_sb_printf(&sb, "no seats: nothing to check");
        return false;
    }
    const tally_rule_t *r = &p->candidates;
    uint64_t req = tally_profile_rule_min(r, seats);
    out->required = (uint32_t)req;
    out->lawful = tally_profile_rule_holds(r, n, seats);
    s_sb_printf(&sb, "%u seat(s) need at least %llu candidates (%s ", seats,
                (unsigned long long)req, tally_profile_cmp_words(r->cmp));
    if (r->num == r->den) {
        s_sb_printf(&sb, "%u", seats);
    } else {
        s_sb_printf(&sb, "%u/%u of %u = ", r->num, r->den, seats);
        s_sb_decimal(&sb, (uint64_t)seats * r->num, r->den);
        if (r->cmp == TALLY_CMP_GE && (uint64_t)seats * r->num % r->den)
            s_sb_printf(&sb, ", rounded up");
    }
    s_sb_printf(&sb, "); %u proposed: the list is %slawful", n, out->lawful ? "" : "not ");
    return out->lawful;
}

bool tally_rules_check_proxies(const tally_profile_t *p, tally_mode_t mode, uint32_t held,
                               tally_check_t *out)
{
    tally_check_t local;
    sbuf_t sb = s_check_begin(&out, &local);
    if (!p || (unsigned)mode >= TALLY_MODE_COUNT || !p->mode_allowed[mode]) {
        s_sb_printf(&sb, "mode '%s' is not allowed by profile %s", tally_profile_mode_name(mode),
                    p ? p->name : "(none)");
        return false;
    }
    uint32_t max = p->proxies_max[mode];
    out->required = max;
    out->lawful = held <= max;
    if (max == 0)
        s_sb_printf(&sb, "%u proxy ballot(s) held: profile %s allows no proxy voting in %s mode%s",
                    held, p->name, tally_profile_mode_name(mode), held ? ": not allowed" : "");
    else
        s_sb_printf(&sb, "%u proxy ballot(s) held: at most %u per voter in %s mode: %s", held, max,
                    tally_profile_mode_name(mode), out->lawful ? "allowed" : "not allowed");
    return out->lawful;
}

/* ---- seats left empty: vacant (暂缺) or reduced (减少名额) ------------------------------ */

static const char *s_round_words(tally_round_kind_t r)
{
    return r == TALLY_ROUND_FURTHER ? "further" : r == TALLY_ROUND_REVOTE ? "re-vote" : "first";
}

static bool s_check_close(const tally_profile_t *p, const tally_seats_t *s, uint32_t n, bool reduce,
                          tally_close_check_t *out)
{
    memset(out, 0, sizeof *out);
    sbuf_t en = s_sb_of(out->reason, sizeof out->reason),
           zh = s_sb_of(out->reason_zh, sizeof out->reason_zh);
    const char *what = reduce ? "reduce the seats (减少名额)" : "leave seats vacant (暂缺)";
    const char *what_zh = reduce ? "减少名额" : "名额暂缺";
    tally_close_after_t after = reduce ? p->reduce_after : p->vacancy_after;
    uint32_t filled = s->elected + s->closed;
    uint32_t empty = s->seats > filled ? s->seats - filled : 0;
    out->field = "seats";
    if (after == TALLY_CLOSE_NEVER) {
        out->field = "profile";
        s_sb_printf(&en, "profile %s does not %s", p->name, what);
        s_sb_printf(&zh, "规则 %s 不允许%s", p->name, what_zh);
        tally_close_after_t other = reduce ? p->vacancy_after : p->reduce_after;
        if (other != TALLY_CLOSE_NEVER) {
            s_sb_printf(&en, "; it %s instead (hj election %s)",
                        reduce ? "leaves them vacant" : "reduces the seats",
                        reduce ? "vacancy" : "reduce");
            s_sb_printf(&zh, "；可改为%s（hj election %s）", reduce ? "名额暂缺" : "减少名额",
                        reduce ? "vacancy" : "reduce");
        }
    } else if (!s->counted || empty == 0) {
        s_sb_printf(&en,
                    "no counted round has left seats empty (%u of %u seats filled): only seats the "
                    "rounds could "
                    "not fill are closed",
                    filled, s->seats);
        s_sb_printf(&zh,
                    "没有已计票的轮次留下空缺名额（%u名中已有%u名）：只有选举未能产生的名额才可%s",
                    s->seats, filled, what_zh);
    } else if (after == TALLY_CLOSE_AFTER_FURTHER && s->last_round != TALLY_ROUND_FURTHER) {
        out->field = "profile";
        s_sb_printf(&en,
                    "profile %s lets seats %s only after a further round (另行选举); round %u was "
                    "a %s round: "
                    "hold the further round first",
                    p->name, reduce ? "be reduced" : "stay vacant", s->last_no,
                    s_round_words(s->last_round));
        s_sb_printf(&zh, "规则 %s 只在另行选举之后才允许%s；第%u轮不是另行选举：请先进行另行选举",
                    p->name, what_zh, s->last_no);
    } else if (n == 0 || n > empty) {
        s_sb_printf(&en, "%u seat(s) are empty (%u of %u filled): %u cannot be closed", empty,
                    filled, s->seats, n);
        s_sb_printf(&zh, "空缺%u名（%u名中已有%u名）：不能%s%u名", empty, s->seats, filled, what_zh,
                    n);
    } else if (reduce && s->seats - s->elected > p->reduce_short_max) {
        s_sb_printf(&en,
                    "profile %s reduces the seats only when those elected are close to them, at "
                    "most %u short "
                    "(elected >= %u of %u); %u elected is %u short",
                    p->name, p->reduce_short_max,
                    s->seats > p->reduce_short_max ? s->seats - p->reduce_short_max : 0, s->seats,
                    s->elected, s->seats - s->elected);
        s_sb_printf(
            &zh,
            "规则 %s 只在当选人数接近应选名额（至多差%u名，即当选不少于%u名）时才可减少名额；"
            "%u名中当选%u名，差%u名",
            p->name, p->reduce_short_max,
            s->seats > p->reduce_short_max ? s->seats - p->reduce_short_max : 0, s->seats,
            s->elected, s->seats - s->elected);
    } else {
        out->lawful = true;
        out->field = "";
        if (reduce) {
            s_sb_printf(&en,
                        "the seats are reduced by %u (减少名额) to %u: %u elected of %u, at most "
                        "%u short by "
                        "profile %s",
                        n, s->seats - n, s->elected, s->seats, p->reduce_short_max, p->name);
            s_sb_printf(&zh,
                        "减少名额%u名，应选名额由%u名减为%u名（当选%u名，规则 %s 允许至多差%u名）",
                        n, s->seats, s->seats - n, s->elected, p->name, p->reduce_short_max);
        } else {
            s_sb_printf(&en,
                        "%u seat(s) stay vacant (暂缺) after round %u: %u of %u filled; a "
                        "by-election (补选) is "
                        "due within %u month(s) by profile %s",
                        n, s->last_no, filled, s->seats, p->vacancy_months, p->name);
            s_sb_printf(&zh, "第%u轮后名额暂缺%u名（%u名中已有%u名）；按规则 %s 应在%u个月内补选",
                        s->last_no, n, s->seats, filled, p->name, p->vacancy_months);
        }
    }
    return out->lawful;
}

bool tally_rules_check_vacancy(const tally_profile_t *profile, const tally_seats_t *seats,
                               uint32_t n, tally_close_check_t *out)
{
    return s_check_close(profile, seats, n, false, out);
}

bool tally_rules_check_reduce(const tally_profile_t *profile, const tally_seats_t *seats,
                              uint32_t n, tally_close_check_t *out)
{
    return s_check_close(profile, seats, n, true, out);
}
