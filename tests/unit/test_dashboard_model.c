/* hj-top's view model: cell texts, order and filter of the board, the
 * district's red gates, the status line's pulse, recent journal events. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "livecount.h"
#include "model.h"
#include "pulse.h"
#include "recent.h"

Test(dashboard_model, talk_coverage)
{
    char s[16];
    Hj__Tally__Counters c = HJ__TALLY__COUNTERS__INIT;
    model_talk_coverage(s, sizeof s, &c);
    cr_assert_str_eq(s, "-", "no sitting members: nothing to cover");
    c.members_sitting = 3;
    model_talk_coverage(s, sizeof s, &c);
    cr_assert_str_eq(s, "0%");
    c.talk_covered = 2;
    model_talk_coverage(s, sizeof s, &c);
    cr_assert_str_eq(s, "66%", "rounded down: not yet covered");
    c.talk_covered = 3;
    model_talk_coverage(s, sizeof s, &c);
    cr_assert_str_eq(s, "100%");
    model_talk_coverage(s, sizeof s, NULL);
    cr_assert_str_eq(s, "-");
}

Test(dashboard_model, days_to_election)
{
    char s[16];
    long d;
    model_days_text(s, sizeof s, "2026-11-20", "2026-12-01");
    cr_assert_str_eq(s, "11");
    model_days_text(s, sizeof s, "2026-12-31", "2027-01-01");
    cr_assert_str_eq(s, "1");
    model_days_text(s, sizeof s, "2028-02-28", "2028-03-01");
    cr_assert_str_eq(s, "2", "2028 is a leap year");
    model_days_text(s, sizeof s, "2026-11-20", "2026-11-17");
    cr_assert_str_eq(s, "-3");
    model_days_text(s, sizeof s, "2026-11-20", "");
    cr_assert_str_eq(s, "-");
    cr_assert_eq(model_days_between("2026-11-20", "2026-13-01", &d), -1);
}

Test(dashboard_model, gate_glyphs_and_labels)
{
    cr_assert_str_eq(model_gate_glyph(HJ__TALLY__GATE_STATE__GREEN), "+");
    cr_assert_str_eq(model_gate_glyph(HJ__TALLY__GATE_STATE__RED), "x");
    cr_assert_str_eq(model_gate_glyph(HJ__TALLY__GATE_STATE__OVERRIDDEN), "!");
    cr_assert_str_eq(label_gate_short(LANG_ZH, HJ__TALLY__GATE_ID__AUDIT), "审");
    cr_assert_str_eq(label_gate_short(LANG_ZH, HJ__TALLY__GATE_ID__VOTER_LIST), "榜");
    cr_assert_str_eq(label_gate_short(LANG_EN, HJ__TALLY__GATE_ID__TALKS), "Tk");
    cr_assert_str_eq(label_word(LANG_ZH, "published"), "已公示");
    cr_assert_str_eq(label_word(LANG_EN, "published"), "published");
    cr_assert_str_eq(label_word(LANG_ZH, "something_new"), "something_new");
    cr_assert_str_eq(label_word(LANG_ZH, ""), "无");
    for (int i = 0; i < L_COUNT_; i++) {
        cr_assert(label(LANG_ZH, i)[0], "label %d has Chinese", i);
        cr_assert(label(LANG_EN, i)[0], "label %d has English", i);
    }
}

Test(dashboard_model, district_red_by_gate)
{
    Hj__Tally__KindCount audit = HJ__TALLY__KIND_COUNT__INIT, talks = HJ__TALLY__KIND_COUNT__INIT;
    Hj__Tally__KindCount *list[] = {&audit, &talks};
    Hj__Tally__DistrictTotals d = HJ__TALLY__DISTRICT_TOTALS__INIT;
    audit.kind = "AUDIT";
    audit.count = 3;
    talks.kind = "talks";
    talks.count = 1;
    d.n_red_by_gate = 2;
    d.red_by_gate = list;
    cr_assert_eq(model_district_red(&d, HJ__TALLY__GATE_ID__AUDIT), 3);
    cr_assert_eq(model_district_red(&d, HJ__TALLY__GATE_ID__TALKS), 1);
    cr_assert_eq(model_district_red(&d, HJ__TALLY__GATE_ID__PLAN), 0);
    cr_assert_eq(model_district_red(NULL, HJ__TALLY__GATE_ID__PLAN), 0);
}

/* A board of four communities through the real snapshot path. */
static board_t *s_board(void)
{
    static const struct {
        const char *code, *name, *group, *date;
        uint32_t red;
    } rows[] = {
        {"KBS-BH-03", "民生社区", "第二指导组", "2026-12-10", 2},
        {"KBS-BH-01", "滨河社区", "第一指导组", "2026-12-20", 5},
        {"KBS-BH-04", "蒙欣社区", "", "", 5},
        {"KBS-BH-02", "康和社区", "第一指导组", "2026-12-01", 0},
    };
    Hj__Tally__CommunityBoard r[4], *p[4];
    for (int i = 0; i < 4; i++) {
        hj__tally__community_board__init(&r[i]);
        /* KBS-BH-04 is of another subdistrict (the subdistrict filter's test). */
        r[i].subdistrict = (char *)(strcmp(rows[i].code, "KBS-BH-04") == 0 ? "KBS-DS" : "KBS-BH");
        r[i].code = (char *)rows[i].code;
        r[i].name = (char *)rows[i].name;
        r[i].guidance_group = (char *)rows[i].group;
        r[i].election_date = (char *)rows[i].date;
        r[i].red_gates = rows[i].red;
        p[i] = &r[i];
    }
    Hj__Tally__Snapshot snap = HJ__TALLY__SNAPSHOT__INIT;
    snap.tally_seq = 1;
    snap.n_communities = 4;
    snap.communities = p;
    board_t *b = board_new();
    board_apply_snapshot(b, &snap);
    return b;
}

static void s_expect(const board_t *b, const size_t *idx, size_t n, const char *const *codes)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(board_community(b, idx[i])->code, codes[i], "row %zu: %s, not %s", i,
                         board_community(b, idx[i])->code, codes[i]);
    cr_assert_null(codes[n], "%zu rows", n);
}

Test(dashboard_model, order_and_filter)
{
    board_t *b = s_board();
    size_t idx[8], n;
    n = model_order(b, SORT_CODE, 0, NULL, idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-01", "KBS-BH-02", "KBS-BH-03", "KBS-BH-04", NULL});
    n = model_order(b, SORT_CODE, 1, NULL, idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-04", "KBS-BH-03", "KBS-BH-02", "KBS-BH-01", NULL});
    /* most red first, ties by code */
    n = model_order(b, SORT_RED, 0, NULL, idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-01", "KBS-BH-04", "KBS-BH-03", "KBS-BH-02", NULL});
    /* soonest election first, none last */
    n = model_order(b, SORT_DATE, 0, NULL, idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-02", "KBS-BH-03", "KBS-BH-01", "KBS-BH-04", NULL});
    /* by name: code point order of the UTF-8 bytes (no pinyin collation) */
    n = model_order(b, SORT_NAME, 0, NULL, idx, 8);
    cr_assert_eq(n, 4);
    for (size_t i = 1; i < n; i++)
        cr_assert_leq(
            strcmp(board_community(b, idx[i - 1])->name, board_community(b, idx[i])->name), 0);
    n = model_order(b, SORT_CODE, 0, "第一指导组", idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-01", "KBS-BH-02", NULL});
    n = model_order(b, SORT_CODE, 0, "", idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-04", NULL});
    const char *groups[8];
    cr_assert_eq(model_groups(b, groups, 8), 2);
    cr_assert_str_eq(groups[0], "第一指导组");
    cr_assert_str_eq(groups[1], "第二指导组");
    board_destroy(&b);
}

/* hj-top's s key: all -> each subdistrict -> all; the rows are that
 * subdistrict's only, and the guidance-group filter applies within it. */
Test(dashboard_model, subdistrict_filter_cycles_and_restricts_the_rows)
{
    board_t *b = s_board();
    size_t idx[8], n;
    const char *all[8];
    cr_assert_eq(model_subdistricts(b, all, 8), 2);
    cr_assert_str_eq(all[0], "KBS-BH");
    cr_assert_str_eq(all[1], "KBS-DS");
    char s[64] = "";
    model_next_subdistrict(b, s, s, sizeof s);
    cr_assert_str_eq(s, "KBS-BH");
    n = model_order_in(b, SORT_CODE, 0, s, NULL, idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-01", "KBS-BH-02", "KBS-BH-03", NULL});
    n = model_order_in(b, SORT_CODE, 0, s, "第一指导组", idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-01", "KBS-BH-02", NULL});
    n = model_order_in(b, SORT_CODE, 0, s, "", idx, 8);
    s_expect(b, idx, n, (const char *[]){NULL});
    model_next_subdistrict(b, s, s, sizeof s);
    cr_assert_str_eq(s, "KBS-DS");
    n = model_order_in(b, SORT_CODE, 0, s, NULL, idx, 8);
    s_expect(b, idx, n, (const char *[]){"KBS-BH-04", NULL});
    model_next_subdistrict(b, s, s, sizeof s);
    cr_assert_str_eq(s, "", "after the last subdistrict: all again");
    n = model_order_in(b, SORT_CODE, 0, s, NULL, idx, 8);
    cr_assert_eq(n, 4);
    /* A subdistrict no longer on the board goes back to all. */
    model_next_subdistrict(b, "KBS-XX", s, sizeof s);
    cr_assert_str_eq(s, "");
    board_destroy(&b);
}

Test(dashboard_model, pulse_rate_and_age)
{
    pulse_t p;
    pulse_init(&p);
    int64_t t0 = 1700000000LL * 1000000;
    cr_assert_eq(pulse_age_us(&p, t0), -1);
    cr_assert_float_eq(pulse_rate(&p, t0), 0.0, 1e-9);
    /* 10 events a second for 5 seconds */
    for (int s = 0; s < 5; s++)
        for (int i = 0; i < 10; i++)
            pulse_event(&p, t0 + s * 1000000LL + i * 1000, t0 + s * 1000000LL);
    cr_assert_float_eq(pulse_rate(&p, t0 + 5 * 1000000LL), 10.0, 1e-9);
    /* the second still filling does not count yet; old seconds fall out */
    pulse_event(&p, t0 + 5 * 1000000LL + 10, t0 + 5 * 1000000LL);
    cr_assert_float_eq(pulse_rate(&p, t0 + 5 * 1000000LL + 20), 10.0, 1e-9);
    cr_assert_float_eq(pulse_rate(&p, t0 + 8 * 1000000LL), 4.2, 1e-9);
    cr_assert_float_eq(pulse_rate(&p, t0 + 60 * 1000000LL), 0.0, 1e-9);
    cr_assert_eq(pulse_age_us(&p, t0 + 7 * 1000000LL), 2 * 1000000LL);
    /* a clock behind the event's never shows a negative age */
    cr_assert_eq(pulse_age_us(&p, t0), 0);
    char s[32];
    pulse_age_text(s, sizeof s, 8 * 1000000LL, 0);
    cr_assert_str_eq(s, "8秒");
    pulse_age_text(s, sizeof s, 192 * 1000000LL, 1);
    cr_assert_str_eq(s, "3m12s");
    pulse_age_text(s, sizeof s, 7500 * 1000000LL, 0);
    cr_assert_str_eq(s, "2时05分");
    pulse_age_text(s, sizeof s, 4 * 86400 * 1000000LL, 1);
    cr_assert_str_eq(s, "4d");
}

Test(dashboard_model, recent_keeps_the_last_twenty_per_community_newest_first)
{
    recent_t *r = recent_new();
    for (uint64_t s = 1; s <= 30; s++)
        recent_add(r, s % 2 ? "KBS-BH-01" : "KBS-BH-02", s, (int64_t)s, "interviews",
                   "talk_recorded", "local");
    recent_add(r, "-", 99, 99, "registry", "district_added", "local");
    recent_add(r, "", 98, 98, "registry", "district_added", "local");
    cr_assert_eq(recent_count(r, "KBS-BH-01"), 15);
    for (uint64_t s = 31; s <= 50; s++)
        recent_add(r, "KBS-BH-01", s, (int64_t)s, "audit", "audit_advanced", "张审计");
    cr_assert_eq(recent_count(r, "KBS-BH-01"), RECENT_KEEP);
    cr_assert_eq(recent_at(r, "KBS-BH-01", 0)->seq, 50);
    cr_assert_eq(recent_at(r, "KBS-BH-01", RECENT_KEEP - 1)->seq, 31);
    cr_assert_null(recent_at(r, "KBS-BH-01", RECENT_KEEP));
    cr_assert_str_eq(recent_at(r, "KBS-BH-01", 0)->what, "audit.audit_advanced");
    cr_assert_str_eq(recent_at(r, "KBS-BH-01", 0)->actor, "张审计");
    cr_assert_eq(recent_count(r, "KBS-BH-02"), 15);
    cr_assert_eq(recent_at(r, "KBS-BH-02", 0)->seq, 30);
    cr_assert_eq(recent_count(r, "-"), 0);
    cr_assert_eq(recent_count(r, "KBS-BH-09"), 0);
    recent_destroy(&r);
    cr_assert_null(r);
}

static Hj__Tally__Count s_round(const char *body, const char *kind, uint32_t electorate,
                                uint32_t present, uint32_t returned, uint32_t counted)
{
    Hj__Tally__Count k = HJ__TALLY__COUNT__INIT;
    k.body = (char *)body;
    k.round_kind = (char *)kind;
    k.electorate = electorate;
    k.present = present;
    k.issued = returned;
    k.returned = returned;
    k.counted = counted;
    k.complete = counted == returned;
    return k;
}

Test(dashboard_model, count_lines_come_from_the_profile)
{
    livecount_lines_t l;
    /* residents: valid when more than 1/2 of the registered voters cast a
     * ballot; elected with more than 1/2 of the ballots cast */
    Hj__Tally__Count k = s_round("residents", "first", 10, 0, 8, 8);
    cr_assert_eq(livecount_lines(&k, "residents-2025", "", &l), 0);
    cr_assert(l.known);
    cr_assert_eq(l.quorum_qty, TALLY_QTY_CAST);
    cr_assert_eq(l.quorum_have, 8);
    cr_assert_eq(l.quorum_min, 6);
    cr_assert(l.quorum_met);
    cr_assert_eq(l.elected_base, 8);
    cr_assert_eq(l.elected_min, 5, "exactly half never wins");
    cr_assert_eq(livecount_turnout_per_mille(&l), 800);
    /* representative mode: more than 2/3 */
    k = s_round("residents", "first", 30, 0, 20, 20);
    livecount_lines(&k, "residents-2025", "representative", &l);
    cr_assert_eq(l.quorum_min, 21);
    cr_assert_not(l.quorum_met);
    /* a further round: at least 1/3 of the ballots cast */
    k = s_round("residents", "further", 10, 0, 8, 8);
    livecount_lines(&k, "residents-2025", "", &l);
    cr_assert_eq(l.elected_min, 3);
    /* party: more than 4/5 of who should attend present; elected with more
     * than half of those present; a re-vote: most votes wins */
    k = s_round("party", "first", 50, 41, 41, 41);
    cr_assert_eq(livecount_lines(&k, "party-2020", "", &l), 0);
    cr_assert_eq(l.quorum_qty, TALLY_QTY_PRESENT);
    cr_assert_eq(l.quorum_min, 41);
    cr_assert(l.quorum_met);
    cr_assert_eq(l.elected_base, 41);
    cr_assert_eq(l.elected_min, 21);
    k = s_round("party", "revote", 50, 41, 41, 41);
    livecount_lines(&k, "party-2020", "", &l);
    cr_assert_eq(l.elected_min, 0);
    /* no profile named: the one built-in profile of the body */
    k = s_round("residents", "first", 10, 0, 8, 8);
    cr_assert_eq(livecount_lines(&k, "", "", &l), 0);
    cr_assert_str_eq(l.profile, "residents-2025");
    k = s_round("village", "first", 10, 0, 8, 8);
    cr_assert_eq(livecount_lines(&k, "", "", &l), -1);
    cr_assert_not(l.known);
}

Test(dashboard_model, count_bars_and_projection)
{
    char bar[64];
    livecount_bar(bar, sizeof bar, 4, 8, 8, 5);
    cr_assert_str_eq(bar, "####|...");
    livecount_bar(bar, sizeof bar, 8, 8, 8, 5);
    cr_assert_str_eq(bar, "####|###");
    livecount_bar(bar, sizeof bar, 0, 8, 8, 0);
    cr_assert_str_eq(bar, "........");
    livecount_bar(bar, sizeof bar, 3, 0, 4, 2);
    cr_assert_str_eq(bar, "....", "nothing to measure against");
    livecount_bar(bar, 4, 3, 3, 10, 0);
    cr_assert_str_eq(bar, "###", "cut to the buffer");
    /* 3 of the first 4 ballots of 8 project to 6 of 8; complete: as counted */
    Hj__Tally__Count k = s_round("residents", "first", 10, 0, 8, 4);
    cr_assert_eq(livecount_projected(&k, 3), 6);
    k = s_round("residents", "first", 10, 0, 8, 8);
    cr_assert_eq(livecount_projected(&k, 3), 3);
    k = s_round("residents", "first", 10, 0, 8, 0);
    cr_assert_eq(livecount_projected(&k, 0), 0);
}
