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

__attribute__((format(printf, 2, 3)))
static void sb_printf(sbuf_t *sb, const char *fmt, ...)
{
    if (!sb->buf || sb->cap == 0 || sb->len + 1 >= sb->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    if ((size_t)w >= sb->cap - sb->len) {
        sb->len = sb->cap - 1;
        if (sb->cap > 4) memcpy(sb->buf + sb->cap - 4, "...", 4); /* mark the cut */
    } else {
        sb->len += (size_t)w;
    }
}

static sbuf_t sb_of(char *buf, size_t cap)
{
    if (buf && cap) buf[0] = '\0';
    return (sbuf_t){buf, cap, 0};
}

static void sb_person(sbuf_t *sb, uint32_t person, uint32_t n_candidates)
{
    if (person < n_candidates) sb_printf(sb, "candidate %u", person + 1);
    else sb_printf(sb, "write-in %u", person - n_candidates + 1);
}

/* A person of a count by name (a re-vote renumbers the paper: "candidate 1"
 * there is another person than in the first round), else by position. */
static void sb_who(sbuf_t *sb, const hj_election_t *e, uint32_t person, bool zh)
{
    if (e->names && e->names[person] && e->names[person][0]) sb_printf(sb, "%s", e->names[person]);
    else if (!zh) sb_person(sb, person, e->n_candidates);
    else if (person < e->n_candidates) sb_printf(sb, "%u号候选人", person + 1);
    else sb_printf(sb, "另选人%u", person - e->n_candidates + 1);
}

/* "超过到会人数45的1/2", "未超过发出选票数45", "不足应参加人数50的4/5" */
static void sb_share_zh(sbuf_t *sb, const hj_rule_t *r, bool holds, const char *what, uint64_t base)
{
    const char *w = r->cmp == HJ_CMP_GE ? (holds ? "达到" : "不足")
                    : r->cmp == HJ_CMP_GT ? (holds ? "超过" : "未超过")
                                          : "不设下限：";
    if (r->num == r->den) sb_printf(sb, "%s%s%llu", w, what, (unsigned long long)base);
    else sb_printf(sb, "%s%s%llu的%u/%u", w, what, (unsigned long long)base, r->num, r->den);
}

/* How a rule's comparison reads when it holds or fails. */
static const char *cmp_verdict(hj_cmp_t cmp, bool holds)
{
    if (cmp == HJ_CMP_GE) return holds ? "at least" : "less than";
    if (cmp == HJ_CMP_GT) return holds ? "more than" : "not more than";
    return "no minimum";
}

/* "more than 4/5 of 100", "not more than 100", "less than 1/3 of 90" */
static void sb_share(sbuf_t *sb, const hj_rule_t *r, bool holds, uint64_t base)
{
    const char *w = cmp_verdict(r->cmp, holds);
    if (r->num == r->den) sb_printf(sb, "%s %llu", w, (unsigned long long)base);
    else sb_printf(sb, "%s %u/%u of %llu", w, r->num, r->den, (unsigned long long)base);
}

/* seats*num/den as a decimal for people: "8.4", "6", "about 3.33" */
static void sb_decimal(sbuf_t *sb, uint64_t value_num, uint64_t den)
{
    uint64_t ip = value_num / den, rem = value_num % den;
    if (!rem) { sb_printf(sb, "%llu", (unsigned long long)ip); return; }
    uint64_t hundredths = rem * 100 / den;
    bool exact = rem * 100 % den == 0;
    if (hundredths % 10 == 0)
        sb_printf(sb, "%s%llu.%llu", exact ? "" : "about ", (unsigned long long)ip, (unsigned long long)(hundredths / 10));
    else
        sb_printf(sb, "%s%llu.%02llu", exact ? "" : "about ", (unsigned long long)ip, (unsigned long long)hundredths);
}

static const char *qty_words_zh(hj_qty_t q)
{
    switch (q) {
    case HJ_QTY_PRESENT: return "到会人数";
    case HJ_QTY_CAST: case HJ_QTY_RETURNED: return "投票人数";
    case HJ_QTY_ISSUED: return "发出选票数";
    case HJ_QTY_ELECTORATE: return "应参加人数";
    case HJ_QTY_SEATS: return "应选名额";
    default: return hj_qty_name(q);
    }
}

static const char *qty_words(hj_qty_t q)
{
    switch (q) {
    case HJ_QTY_PRESENT: return "present";
    case HJ_QTY_CAST: case HJ_QTY_RETURNED: return "ballots cast";
    case HJ_QTY_ISSUED: return "ballots issued";
    default: return hj_qty_name(q);
    }
}

const char *hj_outcome_name(hj_outcome_t o)
{
    switch (o) {
    case HJ_OUTCOME_VOID: return "void";
    case HJ_OUTCOME_COMPLETE: return "complete";
    case HJ_OUTCOME_REVOTE: return "revote";
    case HJ_OUTCOME_FURTHER: return "further";
    default: return "?";
    }
}

const char *hj_person_status_name(hj_person_status_t s)
{
    switch (s) {
    case HJ_PERSON_VOID: return "void";
    case HJ_PERSON_ELECTED: return "elected";
    case HJ_PERSON_BELOW: return "below threshold";
    case HJ_PERSON_OUTRANKED: return "outranked";
    case HJ_PERSON_TIED: return "tied";
    default: return "?";
    }
}

/* ---- input checks --------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static hj_status_t fail(hj_result_t *res, hj_status_t st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof res->error, fmt, ap);
    va_end(ap);
    res->status = st;
    return st;
}

/* Seats at stake in this round, or 0 after filling res->error. */
static uint32_t check_election(const hj_profile_t *p, const hj_election_t *e, hj_result_t *res)
{
    if ((unsigned)e->mode >= HJ_MODE_COUNT || !p->mode_allowed[e->mode]) {
        fail(res, HJ_E_PROFILE, "mode '%s' is not allowed by profile %s", hj_mode_name(e->mode), p->name);
        return 0;
    }
    if ((unsigned)e->round > HJ_ROUND_REVOTE) { fail(res, HJ_E_INPUT, "unknown round kind %d", (int)e->round); return 0; }
    if (e->seats == 0) { fail(res, HJ_E_INPUT, "no seats to elect"); return 0; }
    uint32_t k = e->seats_to_fill;
    if (e->round == HJ_ROUND_FIRST) {
        if (k == 0) k = e->seats;
        if (k != e->seats) {
            fail(res, HJ_E_INPUT, "a first round elects all %u seats, not %u", e->seats, e->seats_to_fill);
            return 0;
        }
    } else if (k == 0 || k > e->seats) {
        fail(res, HJ_E_INPUT, "seats to fill (%u) must be 1..%u in a further round or re-vote", k, e->seats);
        return 0;
    }
    if (e->n_candidates == 0 || e->n_candidates > HJ_MAX_CANDIDATES) {
        fail(res, HJ_E_INPUT, "%u candidates on the paper: must be 1..%u", e->n_candidates, HJ_MAX_CANDIDATES);
        return 0;
    }
    if ((uint64_t)e->n_candidates + e->n_writein_persons > HJ_MAX_PERSONS) {
        fail(res, HJ_E_INPUT, "%u candidates + %u write-in persons: at most %u persons", e->n_candidates,
             e->n_writein_persons, HJ_MAX_PERSONS);
        return 0;
    }
    if (e->electorate == 0) { fail(res, HJ_E_INPUT, "electorate is 0"); return 0; }
    return k;
}

/* Fewest votes on one ballot that make it invalid. */
static uint64_t invalid_limit(const hj_profile_t *p, uint32_t seats_to_fill)
{
    return hj_rule_min(&p->ballot_invalid, seats_to_fill);
}

/* ---- one ballot -------------------------------------------------------------- */

/* Decides one ballot; the hot loop calls it only for ballots with write-ins,
 * and hj_check_ballot for any ballot. On HJ_OK, *verdict is set and, if
 * valid, the distinct write-in persons are in persons[0..*n_persons). */
static hj_status_t eval_ballot(const hj_profile_t *p, const hj_election_t *e, uint64_t limit, const uint8_t *m,
                               const hj_writein_t *w, size_t nw, uint16_t *persons, uint32_t *n_persons,
                               hj_ballot_verdict_t *verdict, sbuf_t *why, sbuf_t *err)
{
    uint32_t nc = e->n_candidates, yes = 0;
    for (uint32_t c = 0; c < nc; c++) {
        if (m[c] > HJ_MARK_ABSTAIN) {
            sb_printf(err, "mark %u beside candidate %u is not a mark (0 none, 1 yes, 2 no, 3 abstain)", m[c], c + 1);
            return HJ_E_INPUT;
        }
        yes += m[c] == HJ_MARK_YES;
    }
    uint64_t seen_person[HJ_MAX_PERSONS / 64] = {0};
    uint64_t beside_used = 0;
    uint32_t distinct = 0;
    bool writein_bad = false;
    for (size_t i = 0; i < nw; i++) {
        if (w[i].person >= e->n_writein_persons) {
            sb_printf(err, "write-in person %u: only %u write-in persons", w[i].person + 1u, e->n_writein_persons);
            return HJ_E_INPUT;
        }
        if (w[i].beside < -1 || w[i].beside >= (int)nc) {
            sb_printf(err, "write-in beside candidate %d: the paper has %u candidates", w[i].beside + 1, nc);
            return HJ_E_INPUT;
        }
    }
    if (nw && p->writeins == HJ_WRITEINS_FORBIDDEN) {
        sb_printf(why, "a write-in, which profile %s does not allow: the ballot is invalid", p->name);
        writein_bad = true;
    } else if (p->writeins == HJ_WRITEINS_BESIDE_NO) {
        for (size_t i = 0; i < nw && !writein_bad; i++) {
            int b = w[i].beside;
            if (b < 0 || m[b] != HJ_MARK_NO) {
                sb_printf(why, "write-in %u is not beside a \"no\" on a candidate: the ballot is invalid",
                          w[i].person + 1u);
                writein_bad = true;
            } else if (beside_used >> b & 1) {
                sb_printf(why, "two write-ins beside the \"no\" on candidate %d: the ballot is invalid", b + 1);
                writein_bad = true;
            } else {
                beside_used |= UINT64_C(1) << b;
            }
        }
    }
    if (writein_bad) {
        *verdict = HJ_BALLOT_WRITEIN;
        return HJ_OK;
    }
    /* the same person written in twice counts once */
    for (size_t i = 0; i < nw; i++) {
        uint32_t q = w[i].person;
        if (seen_person[q / 64] >> (q % 64) & 1) continue;
        seen_person[q / 64] |= UINT64_C(1) << (q % 64);
        persons[distinct++] = (uint16_t)q;
    }
    uint64_t marks = (uint64_t)yes + distinct;
    uint32_t k = e->seats_to_fill ? e->seats_to_fill : e->seats;
    bool too_many = marks >= limit;
    sb_printf(why, "%llu votes (%u yes, %u written in) is ", (unsigned long long)marks, yes, distinct);
    sb_share(why, &p->ballot_invalid, too_many, k);
    sb_printf(why, " seat(s): the ballot is %svalid", too_many ? "in" : "");
    if (too_many) {
        *verdict = HJ_BALLOT_TOO_MANY;
        return HJ_OK;
    }
    *n_persons = distinct;
    *verdict = HJ_BALLOT_VALID;
    return HJ_OK;
}

hj_status_t hj_check_ballot(const hj_profile_t *p, const hj_election_t *e, const uint8_t *marks,
                            const hj_writein_t *writeins, size_t n_writeins, hj_ballot_verdict_t *verdict,
                            char *reason, size_t reason_len)
{
    sbuf_t why = sb_of(reason, reason_len);
    hj_ballot_verdict_t v = HJ_BALLOT_VALID;
    uint16_t persons[HJ_MAX_PERSONS];
    uint32_t np = 0;
    if (!p || !e || !marks || (n_writeins && !writeins)) {
        sb_printf(&why, "missing input");
        return HJ_E_INPUT;
    }
    if ((unsigned)e->mode >= HJ_MODE_COUNT || !p->mode_allowed[e->mode]) {
        sb_printf(&why, "mode '%s' is not allowed by profile %s", hj_mode_name(e->mode), p->name);
        return HJ_E_PROFILE;
    }
    if (e->seats == 0 || e->n_candidates == 0 || e->n_candidates > HJ_MAX_CANDIDATES ||
        (uint64_t)e->n_candidates + e->n_writein_persons > HJ_MAX_PERSONS) {
        sb_printf(&why, "the election has no seats or a bad number of candidates");
        return HJ_E_INPUT;
    }
    uint32_t k = e->seats_to_fill ? e->seats_to_fill : e->seats;
    hj_status_t st = eval_ballot(p, e, invalid_limit(p, k), marks, writeins, n_writeins, persons, &np, &v, &why, &why);
    if (verdict) *verdict = v;
    return st;
}

/* ---- tallies ------------------------------------------------------------------- */

typedef struct {
    uint64_t votes[HJ_MAX_PERSONS];
    uint32_t valid, invalid, too_many, writein_bad;
} tally_t;

static hj_status_t tally_ballots(const hj_profile_t *p, const hj_election_t *e, uint32_t k, const hj_ballots_t *b,
                                 tally_t *t, hj_result_t *res)
{
    const uint32_t nc = e->n_candidates;
    const size_t n = b->n_ballots;
    if (n != e->returned)
        return fail(res, HJ_E_INPUT, "%zu ballots entered but %u returned: every returned ballot must be entered", n,
                    e->returned);
    if ((n && !b->marks) || (b->n_writeins && !b->writeins)) return fail(res, HJ_E_INPUT, "missing ballot data");

    const uint64_t limit = invalid_limit(p, k);
    const uint8_t *m = b->marks;
    const hj_writein_t *wi = b->writeins, *wend = b->writeins + b->n_writeins;
    size_t next_w = wi < wend ? wi->ballot : SIZE_MAX;
    uint32_t cv[HJ_MAX_CANDIDATES] = {0}; /* n <= UINT32_MAX: 32-bit counters suffice */
    uint32_t wv[HJ_MAX_PERSONS] = {0};
    uint32_t valid = 0, too_many = 0, writein_bad = 0;
    unsigned all = 0;

    /* Hot loop: add every YES tentatively, take them back from the rare
     * invalid ballot. Ballots with write-ins take the slow path. */
    for (size_t i = 0; i < n; i++, m += nc) {
        uint32_t yes = 0;
        for (uint32_t c = 0; c < nc; c++) {
            unsigned v = m[c];
            unsigned y = v == HJ_MARK_YES;
            all |= v;
            yes += y;
            cv[c] += y;
        }
        if (__builtin_expect(i == next_w, 0)) {
            for (uint32_t c = 0; c < nc; c++) cv[c] -= m[c] == HJ_MARK_YES;
            const hj_writein_t *w0 = wi;
            while (wi < wend && wi->ballot == i) wi++;
            uint16_t persons[HJ_MAX_PERSONS];
            uint32_t np = 0;
            hj_ballot_verdict_t v;
            char msg[HJ_REASON_MAX - 32];
            sbuf_t err = sb_of(msg, sizeof msg), none = sb_of(NULL, 0);
            if (eval_ballot(p, e, limit, m, w0, (size_t)(wi - w0), persons, &np, &v, &none, &err) != HJ_OK)
                return fail(res, HJ_E_INPUT, "ballot %zu: %s", i + 1, msg);
            if (v == HJ_BALLOT_VALID) {
                for (uint32_t c = 0; c < nc; c++) cv[c] += m[c] == HJ_MARK_YES;
                for (uint32_t j = 0; j < np; j++) wv[persons[j]]++;
                valid++;
            } else if (v == HJ_BALLOT_TOO_MANY) {
                too_many++;
            } else {
                writein_bad++;
            }
            if (wi < wend && wi->ballot <= i)
                return fail(res, HJ_E_INPUT, "write-ins are not sorted by ballot (ballot %u after %zu)",
                            wi->ballot + 1u, i + 1);
            next_w = wi < wend ? wi->ballot : SIZE_MAX;
        } else if (yes >= limit) {
            for (uint32_t c = 0; c < nc; c++) cv[c] -= m[c] == HJ_MARK_YES;
            too_many++;
        } else {
            valid++;
        }
    }
    if (all > HJ_MARK_ABSTAIN) {
        m = b->marks;
        for (size_t i = 0; i < n; i++, m += nc)
            for (uint32_t c = 0; c < nc; c++)
                if (m[c] > HJ_MARK_ABSTAIN)
                    return fail(res, HJ_E_INPUT, "ballot %zu: mark %u beside candidate %u is not a mark "
                                                 "(0 none, 1 yes, 2 no, 3 abstain)", i + 1, m[c], c + 1);
    }
    if (wi != wend)
        return fail(res, HJ_E_INPUT, "write-in on ballot %u: only %zu ballots (or write-ins not sorted by ballot)",
                    wi->ballot + 1u, n);
    for (uint32_t c = 0; c < nc; c++) t->votes[c] = cv[c];
    for (uint32_t j = 0; j < e->n_writein_persons; j++) t->votes[nc + j] = wv[j];
    t->valid = valid;
    t->too_many = too_many;
    t->writein_bad = writein_bad;
    t->invalid = too_many + writein_bad;
    return HJ_OK;
}

static hj_status_t tally_boxes(const hj_profile_t *p, const hj_election_t *e, uint32_t k, const hj_box_t *boxes,
                               size_t nb, tally_t *t, hj_result_t *res)
{
    const uint32_t np = e->n_candidates + e->n_writein_persons;
    const uint64_t limit = invalid_limit(p, k);
    const uint64_t max_per_ballot = limit ? limit - 1 : 0;
    uint64_t valid = 0, invalid = 0;
    if (nb && !boxes) return fail(res, HJ_E_INPUT, "missing box data");
    for (size_t i = 0; i < nb; i++) {
        const hj_box_t *bx = &boxes[i];
        if (!bx->votes && bx->valid) return fail(res, HJ_E_INPUT, "box %zu: valid ballots but no votes", i + 1);
        uint64_t sum = 0;
        for (uint32_t j = 0; bx->votes && j < np; j++) {
            if (bx->votes[j] > bx->valid) {
                char who[HJ_REASON_MAX];
                sbuf_t s = sb_of(who, sizeof who);
                sb_who(&s, e, j, false);
                return fail(res, HJ_E_INPUT, "box %zu: %s has %u votes but the box has only %u valid ballots", i + 1,
                            who, bx->votes[j], bx->valid);
            }
            sum += bx->votes[j];
            t->votes[j] += bx->votes[j];
        }
        if (sum > (uint64_t)bx->valid * max_per_ballot)
            return fail(res, HJ_E_INPUT,
                        "box %zu: %llu votes in all, but %u valid ballots can carry at most %llu for %u seat(s)",
                        i + 1, (unsigned long long)sum, bx->valid,
                        (unsigned long long)((uint64_t)bx->valid * max_per_ballot), k);
        valid += bx->valid;
        invalid += bx->invalid;
    }
    if (valid + invalid != e->returned)
        return fail(res, HJ_E_INPUT, "boxes hold %llu ballots (%llu valid, %llu invalid) but %u were returned",
                    (unsigned long long)(valid + invalid), (unsigned long long)valid, (unsigned long long)invalid,
                    e->returned);
    t->valid = (uint32_t)valid;
    t->invalid = (uint32_t)invalid;
    return HJ_OK;
}

/* ---- the decision ---------------------------------------------------------------- */

static uint64_t qty_value(hj_qty_t q, const hj_election_t *e)
{
    switch (q) {
    case HJ_QTY_PRESENT: return e->present;
    case HJ_QTY_CAST: case HJ_QTY_RETURNED: return e->returned;
    case HJ_QTY_ISSUED: return e->issued;
    case HJ_QTY_ELECTORATE: return e->electorate;
    case HJ_QTY_SEATS: return e->seats;
    default: return 0;
    }
}

static void sb_base(sbuf_t *sb, const hj_rule_t *r, bool holds, uint64_t base, const hj_profile_t *p,
                    const hj_election_t *e)
{
    sb_share(sb, r, holds, base);
    if (r->base == HJ_QTY_ELECTORATE) sb_printf(sb, " %s", p->electorate_label[e->mode]);
    else sb_printf(sb, " %s", qty_words(r->base));
}

static void sb_base_zh(sbuf_t *sb, const hj_rule_t *r, bool holds, uint64_t base)
{
    sb_share_zh(sb, r, holds, qty_words_zh(r->base), base);
}

static void check_quorum(const hj_profile_t *p, const hj_election_t *e, hj_result_t *res)
{
    const hj_rule_t *q = &p->quorum[e->mode];
    uint64_t turnout = qty_value(q->lhs, e);
    res->turnout = (uint32_t)turnout;
    res->quorum_ok = hj_rule_holds(q, turnout, e->electorate);
    sbuf_t sb = sb_of(res->quorum_reason, sizeof res->quorum_reason);
    sb_printf(&sb, "turnout: %llu %s of %u %s is ", (unsigned long long)turnout, qty_words(q->lhs), e->electorate,
              p->electorate_label[e->mode]);
    sb_share(&sb, q, res->quorum_ok, e->electorate);
    sb_printf(&sb, " (at least %llu needed): the %s is %svalid", (unsigned long long)hj_rule_min(q, e->electorate),
              q->lhs == HJ_QTY_PRESENT ? "meeting" : "election", res->quorum_ok ? "" : "not ");
    sbuf_t zh = sb_of(res->quorum_reason_zh, sizeof res->quorum_reason_zh);
    sb_printf(&zh, "参加情况：%s%llu，应参加%u，", qty_words_zh(q->lhs), (unsigned long long)turnout, e->electorate);
    sb_share_zh(&zh, q, res->quorum_ok, "应参加人数", e->electorate);
    sb_printf(&zh, "（至少需要%llu）：%s%s效", (unsigned long long)hj_rule_min(q, e->electorate),
              q->lhs == HJ_QTY_PRESENT ? "会议" : "选举", res->quorum_ok ? "有" : "无");
}

static void check_returned(const hj_profile_t *p, const hj_election_t *e, hj_result_t *res)
{
    const hj_rule_t *r = &p->ballots_void;
    sbuf_t sb = sb_of(res->ballots_reason, sizeof res->ballots_reason);
    if (r->cmp == HJ_CMP_NONE) {
        res->ballots_ok = true;
        sb_printf(&sb, "%u ballots returned, %u issued: profile %s does not compare them", e->returned, e->issued,
                  p->name);
        sbuf_t zh = sb_of(res->ballots_reason_zh, sizeof res->ballots_reason_zh);
        sb_printf(&zh, "收回选票%u张，发出%u张：方案%s不比较两者", e->returned, e->issued, p->name);
        return;
    }
    bool is_void = hj_rule_holds(r, e->returned, e->issued);
    res->ballots_ok = !is_void;
    sb_printf(&sb, "%u ballots returned is ", e->returned);
    sb_share(&sb, r, is_void, e->issued);
    if (is_void) sb_printf(&sb, " issued: the round is void and the vote must be re-run");
    else sb_printf(&sb, " issued: the ballots stand");
    sbuf_t zh = sb_of(res->ballots_reason_zh, sizeof res->ballots_reason_zh);
    sb_printf(&zh, "收回选票%u张，", e->returned);
    sb_share_zh(&zh, r, is_void, "发出选票数", e->issued);
    sb_printf(&zh, "%s", is_void ? "：本轮选举无效，须重新投票" : "：选票有效");
}

/* persons sorted by votes, most first; equal votes in paper order */
static void rank(const uint64_t *votes, uint32_t n, uint32_t *order)
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

static void sb_list(sbuf_t *sb, const uint32_t *who, uint32_t n, const hj_election_t *e, bool zh)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) sb_printf(sb, zh ? "、" : ", ");
        sb_who(sb, e, who[i], zh);
    }
}

static void decide(const hj_profile_t *p, const hj_election_t *e, uint32_t k, const tally_t *t, hj_result_t *res)
{
    const uint32_t nc = e->n_candidates, n = nc + e->n_writein_persons;
    const hj_rule_t *r = e->round == HJ_ROUND_FIRST     ? &p->elected
                         : e->round == HJ_ROUND_FURTHER ? &p->further_elected
                                                        : &p->revote_elected;
    const uint64_t base = qty_value(r->base, e);
    const uint64_t min = hj_rule_min(r, base);

    res->n_persons = n;
    res->seats_to_fill = k;
    res->valid_ballots = t->valid;
    res->invalid_ballots = t->invalid;
    res->invalid_too_many = t->too_many;
    res->invalid_writein = t->writein_bad;
    res->threshold_base = base;
    res->threshold_min = min;
    for (uint32_t i = 0; i < n; i++) res->person[i].votes = t->votes[i];

    check_quorum(p, e, res);
    check_returned(p, e, res);
    res->valid = res->quorum_ok && res->ballots_ok;

    sbuf_t out = sb_of(res->outcome_reason, sizeof res->outcome_reason);
    if (!res->valid) {
        res->outcome = HJ_OUTCOME_VOID;
        sb_printf(&out, "round void: %s%s%s", res->quorum_ok ? "" : res->quorum_reason,
                  !res->quorum_ok && !res->ballots_ok ? "; " : "", res->ballots_ok ? "" : res->ballots_reason);
        sbuf_t oz = sb_of(res->outcome_reason_zh, sizeof res->outcome_reason_zh);
        sb_printf(&oz, "本轮选举无效：%s%s%s", res->quorum_ok ? "" : res->quorum_reason_zh,
                  !res->quorum_ok && !res->ballots_ok ? "；" : "", res->ballots_ok ? "" : res->ballots_reason_zh);
        for (uint32_t i = 0; i < n; i++) {
            sbuf_t sb = sb_of(res->person[i].reason, sizeof res->person[i].reason);
            sb_who(&sb, e, i, false);
            sb_printf(&sb, ": the round is void, nobody is elected");
            sbuf_t zh = sb_of(res->person[i].reason_zh, sizeof res->person[i].reason_zh);
            sb_who(&zh, e, i, true);
            sb_printf(&zh, "：本轮选举无效，无人当选");
        }
        return;
    }

    uint32_t order[HJ_MAX_PERSONS];
    rank(t->votes, n, order);

    /* the rule is monotone in votes, so those passing it are a prefix */
    uint32_t q = 0;
    while (q < n && t->votes[order[q]] > 0 && hj_rule_holds(r, t->votes[order[q]], base)) q++;

    uint32_t n_elected = q, tie_from = 0, tie_to = 0;
    if (q > k) {
        uint64_t v = t->votes[order[k - 1]];
        if (t->votes[order[k]] == v) {
            tie_from = k - 1;
            while (tie_from > 0 && t->votes[order[tie_from - 1]] == v) tie_from--;
            tie_to = k;
            while (tie_to < q && t->votes[order[tie_to]] == v) tie_to++;
            n_elected = tie_from;
            res->revote_seats = k - tie_from;
        } else {
            n_elected = k;
        }
    }
    for (uint32_t i = 0; i < n_elected; i++) res->elected[i] = order[i];
    res->n_elected = n_elected;
    for (uint32_t i = tie_from; i < tie_to; i++) res->tied[res->n_tied++] = order[i];
    if (q < k) res->further_seats = k - q;

    /* who stands in the further round */
    if (res->further_seats && p->further_standing.kind == HJ_STANDING_TOP) {
        uint64_t want = (uint64_t)p->further_standing.per_seat * res->further_seats + p->further_standing.extra;
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
        hj_person_result_t *pr = &res->person[i];
        sbuf_t sb = sb_of(pr->reason, sizeof pr->reason);
        sbuf_t zh = sb_of(pr->reason_zh, sizeof pr->reason_zh);
        sb_who(&sb, e, i, false);
        sb_printf(&sb, ": %llu vote%s", (unsigned long long)pr->votes, pr->votes == 1 ? "" : "s");
        sb_who(&zh, e, i, true);
        sb_printf(&zh, "：%llu票", (unsigned long long)pr->votes);
        bool passes = pos < q;
        if (pr->votes == 0) {
            sb_printf(&sb, ", none at all");
            sb_printf(&zh, "，无人投票");
        } else if (r->cmp != HJ_CMP_NONE) {
            sb_printf(&sb, ", ");
            sb_base(&sb, r, passes, base, p, e);
            sb_printf(&sb, " (at least %llu needed)", (unsigned long long)(min ? min : 1));
            sb_printf(&zh, "，");
            sb_base_zh(&zh, r, passes, base);
            sb_printf(&zh, "（至少需要%llu票）", (unsigned long long)(min ? min : 1));
        }
        if (pos < n_elected) {
            pr->status = HJ_PERSON_ELECTED;
            sb_printf(&sb, r->cmp == HJ_CMP_NONE ? ", among the %u with most votes: elected" : ": elected", k);
            if (r->cmp == HJ_CMP_NONE && k == 1) sb_printf(&zh, "，得票最多：当选");
            else if (r->cmp == HJ_CMP_NONE) sb_printf(&zh, "，得票最多的%u人之一：当选", k);
            else sb_printf(&zh, "：当选");
        } else if (pos >= tie_from && pos < tie_to) {
            pr->status = HJ_PERSON_TIED;
            sb_printf(&sb, ": tied with %u other(s) for the last %u seat(s), re-vote among the tied only",
                      tie_to - tie_from - 1, res->revote_seats);
            sb_printf(&zh, "：与另外%u人得票相等，争最后%u个名额，仅在得票相等者中再次投票",
                      tie_to - tie_from - 1, res->revote_seats);
        } else if (passes) {
            pr->status = HJ_PERSON_OUTRANKED;
            sb_printf(&sb, ", but the %u seat(s) went to more votes: not elected", k);
            sb_printf(&zh, "，但%u个名额已由得票更多者当选：未当选", k);
        } else {
            pr->status = HJ_PERSON_BELOW;
            sb_printf(&sb, ": not elected");
            sb_printf(&zh, "：未当选");
        }
        if (pr->stands_further) {
            sb_printf(&sb, "; stands in the further round");
            sb_printf(&zh, "；参加另行选举");
        }
    }

    /* the outcome */
    if (res->n_tied) {
        res->outcome = HJ_OUTCOME_REVOTE;
        sb_printf(&out, "%u of %u seat(s) filled", n_elected, k);
        if (n_elected) { sb_printf(&out, " ("); sb_list(&out, res->elected, n_elected, e, false); sb_printf(&out, ")"); }
        sb_printf(&out, "; the last %u seat(s) are tied at %llu votes: re-vote among the tied only: ", res->revote_seats,
                  (unsigned long long)t->votes[res->tied[0]]);
        sb_list(&out, res->tied, res->n_tied, e, false);
    } else if (res->further_seats) {
        res->outcome = HJ_OUTCOME_FURTHER;
        sb_printf(&out, "%u of %u seat(s) filled", n_elected, k);
        if (n_elected) { sb_printf(&out, " ("); sb_list(&out, res->elected, n_elected, e, false); sb_printf(&out, ")"); }
        sb_printf(&out, "; further round (另行选举) needed for %u seat(s)", res->further_seats);
        if (p->further_standing.kind == HJ_STANDING_NEW_LIST)
            sb_printf(&out, "; its candidate list is drawn up again and must pass the candidate-list check for %u seat(s)",
                      res->further_seats);
        else if (res->n_standing) {
            sb_printf(&out, "; standing (top %u x %u + %u by votes, ties included): ", p->further_standing.per_seat,
                      res->further_seats, p->further_standing.extra);
            sb_list(&out, res->standing, res->n_standing, e, false);
        } else {
            sb_printf(&out, "; nobody unelected has votes to stand");
        }
    } else {
        res->outcome = HJ_OUTCOME_COMPLETE;
        sb_printf(&out, "all %u seat(s) filled: ", k);
        sb_list(&out, res->elected, n_elected, e, false);
        sb_printf(&out, " elected");
    }

    sbuf_t oz = sb_of(res->outcome_reason_zh, sizeof res->outcome_reason_zh);
    if (res->outcome == HJ_OUTCOME_COMPLETE) {
        sb_printf(&oz, "%u个名额全部选出：", k);
        sb_list(&oz, res->elected, n_elected, e, true);
        sb_printf(&oz, "当选");
        return;
    }
    sb_printf(&oz, "%u个名额选出%u个", k, n_elected);
    if (n_elected) { sb_printf(&oz, "（"); sb_list(&oz, res->elected, n_elected, e, true); sb_printf(&oz, "）"); }
    if (res->outcome == HJ_OUTCOME_REVOTE) {
        sb_printf(&oz, "；最后%u个名额得票相等（%llu票），仅在得票相等者中再次投票：", res->revote_seats,
                  (unsigned long long)t->votes[res->tied[0]]);
        sb_list(&oz, res->tied, res->n_tied, e, true);
        return;
    }
    sb_printf(&oz, "；另有%u个名额须另行选举", res->further_seats);
    if (p->further_standing.kind == HJ_STANDING_NEW_LIST)
        sb_printf(&oz, "；另行选举的候选人名单重新提出，须符合%u个名额的差额要求", res->further_seats);
    else if (res->n_standing) {
        sb_printf(&oz, "；按得票多少参加另行选举（每个名额%u人另加%u人，得票相等者一并参加）：",
                  p->further_standing.per_seat, p->further_standing.extra);
        sb_list(&oz, res->standing, res->n_standing, e, true);
    } else {
        sb_printf(&oz, "；未当选者中无人得票，无人可参加另行选举");
    }
}

static hj_status_t count_common(const hj_profile_t *p, const hj_election_t *e, const hj_ballots_t *b,
                                const hj_box_t *boxes, size_t nb, hj_result_t *res)
{
    if (!res) return HJ_E_INPUT;
    memset(res, 0, sizeof *res);
    if (!p || !e) return fail(res, HJ_E_INPUT, "missing profile or election");
    res->electorate = e->electorate;
    res->present = e->present;
    res->issued = e->issued;
    res->returned = e->returned;
    uint32_t k = check_election(p, e, res);
    if (!k) return res->status;
    tally_t t;
    memset(&t, 0, sizeof t);
    hj_status_t st = b ? tally_ballots(p, e, k, b, &t, res) : tally_boxes(p, e, k, boxes, nb, &t, res);
    if (st != HJ_OK) return st;
    decide(p, e, k, &t, res);
    return HJ_OK;
}

hj_status_t hj_count_ballots(const hj_profile_t *p, const hj_election_t *e, const hj_ballots_t *b, hj_result_t *res)
{
    if (!b) {
        if (res) {
            memset(res, 0, sizeof *res);
            fail(res, HJ_E_INPUT, "missing ballots");
        }
        return HJ_E_INPUT;
    }
    return count_common(p, e, b, NULL, 0, res);
}

hj_status_t hj_count_boxes(const hj_profile_t *p, const hj_election_t *e, const hj_box_t *boxes, size_t nb,
                           hj_result_t *res)
{
    return count_common(p, e, NULL, boxes, nb, res);
}

/* ---- list and proxy checks ----------------------------------------------------------- */

bool hj_check_candidates(const hj_profile_t *p, uint32_t seats, uint32_t n, hj_check_t *out)
{
    hj_check_t local;
    if (!out) out = &local;
    memset(out, 0, sizeof *out);
    sbuf_t sb = sb_of(out->reason, sizeof out->reason);
    if (!p || seats == 0) {
        sb_printf(&sb, "no seats: nothing to check");
        return false;
    }
    const hj_rule_t *r = &p->candidates;
    uint64_t req = hj_rule_min(r, seats);
    out->required = (uint32_t)req;
    out->lawful = hj_rule_holds(r, n, seats);
    sb_printf(&sb, "%u seat(s) need at least %llu candidates (%s ", seats, (unsigned long long)req, hj_cmp_words(r->cmp));
    if (r->num == r->den) {
        sb_printf(&sb, "%u", seats);
    } else {
        sb_printf(&sb, "%u/%u of %u = ", r->num, r->den, seats);
        sb_decimal(&sb, (uint64_t)seats * r->num, r->den);
        if (r->cmp == HJ_CMP_GE && (uint64_t)seats * r->num % r->den) sb_printf(&sb, ", rounded up");
    }
    sb_printf(&sb, "); %u proposed: the list is %slawful", n, out->lawful ? "" : "not ");
    return out->lawful;
}

bool hj_check_proxies(const hj_profile_t *p, hj_mode_t mode, uint32_t held, hj_check_t *out)
{
    hj_check_t local;
    if (!out) out = &local;
    memset(out, 0, sizeof *out);
    sbuf_t sb = sb_of(out->reason, sizeof out->reason);
    if (!p || (unsigned)mode >= HJ_MODE_COUNT || !p->mode_allowed[mode]) {
        sb_printf(&sb, "mode '%s' is not allowed by profile %s", hj_mode_name(mode), p ? p->name : "(none)");
        return false;
    }
    uint32_t max = p->proxies_max[mode];
    out->required = max;
    out->lawful = held <= max;
    if (max == 0)
        sb_printf(&sb, "%u proxy ballot(s) held: profile %s allows no proxy voting in %s mode%s", held, p->name,
                  hj_mode_name(mode), held ? ": not allowed" : "");
    else
        sb_printf(&sb, "%u proxy ballot(s) held: at most %u per voter in %s mode: %s", held, max, hj_mode_name(mode),
                  out->lawful ? "allowed" : "not allowed");
    return out->lawful;
}

/* ---- seats left empty: vacant (暂缺) or reduced (减少名额) ------------------------------ */

static const char *round_words(hj_round_t r)
{
    return r == HJ_ROUND_FURTHER ? "further" : r == HJ_ROUND_REVOTE ? "re-vote" : "first";
}

static bool check_close(const hj_profile_t *p, const hj_seats_t *s, uint32_t n, bool reduce, hj_close_check_t *out)
{
    memset(out, 0, sizeof *out);
    sbuf_t en = sb_of(out->reason, sizeof out->reason), zh = sb_of(out->reason_zh, sizeof out->reason_zh);
    const char *what = reduce ? "reduce the seats (减少名额)" : "leave seats vacant (暂缺)";
    const char *what_zh = reduce ? "减少名额" : "名额暂缺";
    hj_close_after_t after = reduce ? p->reduce_after : p->vacancy_after;
    uint32_t filled = s->elected + s->closed;
    uint32_t empty = s->seats > filled ? s->seats - filled : 0;
    out->field = "seats";
    if (after == HJ_CLOSE_NEVER) {
        out->field = "profile";
        sb_printf(&en, "profile %s does not %s", p->name, what);
        sb_printf(&zh, "规则 %s 不允许%s", p->name, what_zh);
        hj_close_after_t other = reduce ? p->vacancy_after : p->reduce_after;
        if (other != HJ_CLOSE_NEVER) {
            sb_printf(&en, "; it %s instead (hj election %s)", reduce ? "leaves them vacant" : "reduces the seats",
                      reduce ? "vacancy" : "reduce");
            sb_printf(&zh, "；可改为%s（hj election %s）", reduce ? "名额暂缺" : "减少名额", reduce ? "vacancy" : "reduce");
        }
    } else if (!s->counted || empty == 0) {
        sb_printf(&en, "no counted round has left seats empty (%u of %u seats filled): only seats the rounds could "
                       "not fill are closed", filled, s->seats);
        sb_printf(&zh, "没有已计票的轮次留下空缺名额（%u名中已有%u名）：只有选举未能产生的名额才可%s", s->seats, filled,
                  what_zh);
    } else if (after == HJ_CLOSE_AFTER_FURTHER && s->last_round != HJ_ROUND_FURTHER) {
        out->field = "profile";
        sb_printf(&en, "profile %s lets seats %s only after a further round (另行选举); round %u was a %s round: "
                       "hold the further round first", p->name, reduce ? "be reduced" : "stay vacant", s->last_no,
                  round_words(s->last_round));
        sb_printf(&zh, "规则 %s 只在另行选举之后才允许%s；第%u轮不是另行选举：请先进行另行选举", p->name, what_zh,
                  s->last_no);
    } else if (n == 0 || n > empty) {
        sb_printf(&en, "%u seat(s) are empty (%u of %u filled): %u cannot be closed", empty, filled, s->seats, n);
        sb_printf(&zh, "空缺%u名（%u名中已有%u名）：不能%s%u名", empty, s->seats, filled, what_zh, n);
    } else if (reduce && s->seats - s->elected > p->reduce_short_max) {
        sb_printf(&en, "profile %s reduces the seats only when those elected are close to them, at most %u short "
                       "(elected >= %u of %u); %u elected is %u short",
                  p->name, p->reduce_short_max,
                  s->seats > p->reduce_short_max ? s->seats - p->reduce_short_max : 0, s->seats, s->elected,
                  s->seats - s->elected);
        sb_printf(&zh, "规则 %s 只在当选人数接近应选名额（至多差%u名，即当选不少于%u名）时才可减少名额；"
                       "%u名中当选%u名，差%u名",
                  p->name, p->reduce_short_max, s->seats > p->reduce_short_max ? s->seats - p->reduce_short_max : 0,
                  s->seats, s->elected, s->seats - s->elected);
    } else {
        out->lawful = true;
        out->field = "";
        if (reduce) {
            sb_printf(&en, "the seats are reduced by %u (减少名额) to %u: %u elected of %u, at most %u short by "
                           "profile %s", n, s->seats - n, s->elected, s->seats, p->reduce_short_max, p->name);
            sb_printf(&zh, "减少名额%u名，应选名额由%u名减为%u名（当选%u名，规则 %s 允许至多差%u名）", n, s->seats,
                      s->seats - n, s->elected, p->name, p->reduce_short_max);
        } else {
            sb_printf(&en, "%u seat(s) stay vacant (暂缺) after round %u: %u of %u filled; a by-election (补选) is "
                           "due within %u month(s) by profile %s", n, s->last_no, filled, s->seats,
                      p->vacancy_months, p->name);
            sb_printf(&zh, "第%u轮后名额暂缺%u名（%u名中已有%u名）；按规则 %s 应在%u个月内补选", s->last_no, n,
                      s->seats, filled, p->name, p->vacancy_months);
        }
    }
    return out->lawful;
}

bool hj_check_vacancy(const hj_profile_t *profile, const hj_seats_t *seats, uint32_t n, hj_close_check_t *out)
{
    return check_close(profile, seats, n, false, out);
}

bool hj_check_reduce(const hj_profile_t *profile, const hj_seats_t *seats, uint32_t n, hj_close_check_t *out)
{
    return check_close(profile, seats, n, true, out);
}
