/* The audit's pure rules: money text to integer fen, and legal state moves. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "audit_rules.h"

static int64_t s_fen(const char *text)
{
    hj_status_t st = {0};
    int64_t fen = -1;
    cr_assert_eq(audit_amount_parse(&st, "amount", text, &fen), 0, "%s: %s", text, st.message);
    return fen;
}

static void s_refused(const char *text, const char *why)
{
    hj_status_t st = {0};
    int64_t fen = 12345;
    cr_assert_eq(audit_amount_parse(&st, "amount", text, &fen), -1, "%s accepted", text);
    cr_assert_eq(st.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(st.field, "amount");
    cr_assert(strstr(st.message, why), "%s: %s", text, st.message);
    cr_assert_eq(fen, 12345, "output untouched on refusal");
}

Test(audit_amount, yuan_text_becomes_exact_fen)
{
    cr_assert_eq(s_fen("0"), 0);
    cr_assert_eq(s_fen("0.01"), 1);
    cr_assert_eq(s_fen("0.1"), 10);
    cr_assert_eq(s_fen("1200.50"), 120050);
    cr_assert_eq(s_fen("007"), 700);
    /* 2^53 + 1 fen: beyond what a double holds exactly. */
    cr_assert_eq(s_fen("90071992547409.93"), INT64_C(9007199254740993));
    cr_assert_eq(s_fen("92233720368547758.07"), INT64_MAX);
}

Test(audit_amount, negative_malformed_and_overflowing_amounts_are_refused)
{
    s_refused("-5", "negative");
    s_refused("-0.01", "negative");
    s_refused("92233720368547758.08", "overflows");
    s_refused("92233720368547759", "overflows");
    s_refused("999999999999999999999999", "overflows");
    s_refused("1.234", "two decimals");
    s_refused("1.", "two decimals");
    s_refused(".5", "at most two decimals");
    s_refused("1e5", "at most two decimals");
    s_refused("1,000", "at most two decimals");
    s_refused("+1", "at most two decimals");
    s_refused("12 元", "at most two decimals");
}

static int s_move(Hj__Audit__State from, Hj__Audit__State to, const char *reason, hj_status_t *st)
{
    memset(st, 0, sizeof *st);
    return audit_move_check(st, from, to, reason);
}

Test(audit_moves, forward_one_step_back_with_a_reason)
{
    hj_status_t st;
    for (int s = HJ__AUDIT__STATE__PLANNED; s < HJ__AUDIT__STATE__PUBLISHED; s++)
        cr_assert_eq(s_move(s, s + 1, "", &st), 0, "%d -> %d: %s", s, s + 1, st.message);
    cr_assert_eq(s_move(HJ__AUDIT__STATE__PUBLISHED, HJ__AUDIT__STATE__FIELDWORK, "报告更正", &st),
                 0);

    cr_assert_eq(s_move(HJ__AUDIT__STATE__PLANNED, HJ__AUDIT__STATE__DRAFT_REPORT, "", &st), -1);
    cr_assert_eq(st.code, HJ__CODE__FAILED_PRECONDITION);
    cr_assert_str_eq(st.field, "state_order");
    cr_assert(strstr(st.message, "from planned the next step is fieldwork, not draft_report"), "%s",
              st.message);

    cr_assert_eq(s_move(HJ__AUDIT__STATE__DRAFT_REPORT, HJ__AUDIT__STATE__PUBLISHED, "", &st), -1);
    cr_assert_str_eq(st.field, "completed_before_published");

    cr_assert_eq(s_move(HJ__AUDIT__STATE__FIELDWORK, HJ__AUDIT__STATE__FIELDWORK, "", &st), -1);
    cr_assert_str_eq(st.field, "state_order");

    cr_assert_eq(s_move(HJ__AUDIT__STATE__COMPLETED, HJ__AUDIT__STATE__DRAFT_REPORT, "", &st), -1);
    cr_assert_eq(st.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(st.field, "reason");
    cr_assert(strstr(st.message, "from completed to draft_report"), "%s", st.message);

    cr_assert_eq(s_move(HJ__AUDIT__STATE__PLANNED, HJ__AUDIT__STATE__NOT_OPENED, "x", &st), -1);
    cr_assert_str_eq(st.field, "to");
    cr_assert_eq(s_move(HJ__AUDIT__STATE__PLANNED, 9, "", &st), -1);
    cr_assert_str_eq(st.field, "to");
}
