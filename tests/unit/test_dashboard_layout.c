/* hj-top layout: column widths by display width (CJK is two columns),
 * cells cut with an ellipsis at display width, columns left out on narrow
 * terminals. */
#include <criterion/criterion.h>
#include <string.h>

#include "layout.h"

#define ELL HJ_TEXT_ELLIPSIS

static int s_cols_of(const char *s)
{
    size_t w = 0;
    cr_assert_eq(hj_text_width(s, strlen(s), &w), 0, "\"%s\" is UTF-8", s);
    return (int)w;
}

Test(dashboard_layout, width_counts_cjk_as_two)
{
    static const struct {
        const char *text;
        int columns;
    } widths[] = {
        {"KBS-BH-01", 9}, {"滨河社区", 8}, {"A栋3单元", 8},
        {"", 0},          {"ab\xff", 3}, /* bad bytes count as the '?' they are shown as */
    };
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
        cr_assert_eq(layout_width(widths[i].text), widths[i].columns, "\"%s\"", widths[i].text);
}

Test(dashboard_layout, cell_pads_by_display_width)
{
    char a[LAYOUT_CELL_MAX], b[LAYOUT_CELL_MAX];
    layout_cell(a, sizeof a, "滨河社区", 12, HJ_TEXT_ALIGN_LEFT);
    layout_cell(b, sizeof b, "Kangbashi", 12, HJ_TEXT_ALIGN_LEFT);
    cr_assert_str_eq(a, "滨河社区    ");
    cr_assert_eq(s_cols_of(a), 12);
    cr_assert_eq(s_cols_of(b), 12);
    /* what follows the cell starts in the same column on both rows,
     * although the first is 16 bytes and the second 12 */
    cr_assert_neq(strlen(a), strlen(b));
    layout_cell(a, sizeof a, "7", 4, HJ_TEXT_ALIGN_RIGHT);
    cr_assert_str_eq(a, "   7");
    layout_cell(a, sizeof a, "康和", 5, HJ_TEXT_ALIGN_RIGHT);
    cr_assert_str_eq(a, " 康和");
}

Test(dashboard_layout, cell_cuts_with_ellipsis_at_display_width)
{
    char a[LAYOUT_CELL_MAX];
    /* 10 columns of name into 7: three ideographs (6) + the ellipsis (1) */
    layout_cell(a, sizeof a, "伊金霍洛社区", 7, HJ_TEXT_ALIGN_LEFT);
    cr_assert_str_eq(a, "伊金霍" ELL);
    cr_assert_eq(s_cols_of(a), 7);
    /* into 6: two ideographs (4) + ellipsis (1) + a space where half an
     * ideograph would have gone */
    layout_cell(a, sizeof a, "伊金霍洛社区", 6, HJ_TEXT_ALIGN_LEFT);
    cr_assert_str_eq(a, "伊金" ELL " ");
    cr_assert_eq(s_cols_of(a), 6);
    layout_cell(a, sizeof a, "draft_report", 8, HJ_TEXT_ALIGN_LEFT);
    cr_assert_str_eq(a, "draft_r" ELL);
    /* never wider than asked, for every width */
    for (int w = 0; w < 14; w++) {
        layout_cell(a, sizeof a, "滨河社区Binhe", w, HJ_TEXT_ALIGN_LEFT);
        cr_assert_eq(s_cols_of(a), w, "width %d gave \"%s\"", w, a);
    }
}

Test(dashboard_layout, cell_never_passes_control_characters)
{
    char a[LAYOUT_CELL_MAX];
    layout_cell(a, sizeof a, "a\x1b[2Jb", 6, HJ_TEXT_ALIGN_LEFT);
    cr_assert_str_eq(a, "a?[2Jb");
    layout_clean(a, sizeof a, "社\xe5\x8c区\n");
    cr_assert_str_eq(a, "社??区?");
}

Test(dashboard_layout, cell_in_a_small_buffer_is_blank_not_garbage)
{
    char a[6];
    layout_cell(a, sizeof a, "滨河社区", 4, HJ_TEXT_ALIGN_LEFT);
    cr_assert_str_eq(a, "    ");
}

/* code, name, group (priority 2), gates, talks, date (priority 1) */
static const layout_col_t s_cols[] = {
    {6, 16, 0, HJ_TEXT_ALIGN_LEFT}, {8, 24, 0, HJ_TEXT_ALIGN_LEFT},
    {6, 16, 2, HJ_TEXT_ALIGN_LEFT}, {24, 24, 0, HJ_TEXT_ALIGN_LEFT},
    {4, 5, 0, HJ_TEXT_ALIGN_RIGHT}, {10, 10, 1, HJ_TEXT_ALIGN_LEFT},
};

Test(dashboard_layout, fit_gives_each_column_its_widest_text_when_there_is_room)
{
    int want[] = {9, 12, 10, 24, 4, 10};
    layout_slot_t s[6];
    int used = layout_fit(s_cols, want, 6, 120, s);
    cr_assert_eq(used, 9 + 12 + 10 + 24 + 4 + 10 + 5);
    int x = 0;
    for (int i = 0; i < 6; i++) {
        cr_assert(s[i].shown);
        cr_assert_eq(s[i].width, want[i]);
        cr_assert_eq(s[i].x, x, "column %d at %d, not %d", i, s[i].x, x);
        x += want[i] + LAYOUT_GAP;
    }
}

Test(dashboard_layout, fit_clamps_to_min_and_max)
{
    int want[] = {2, 40, 3, 24, 9, 10};
    layout_slot_t s[6];
    layout_fit(s_cols, want, 6, 200, s);
    cr_assert_eq(s[0].width, 6);
    cr_assert_eq(s[1].width, 24);
    cr_assert_eq(s[2].width, 6);
    cr_assert_eq(s[4].width, 5);
}

Test(dashboard_layout, fit_on_80_columns_leaves_out_optional_columns_lowest_first)
{
    int want[] = {9, 12, 10, 24, 4, 10};
    layout_slot_t s[6];
    /* all: 69 + 5 gaps = 74 fits 80; at 70 the date (priority 1) goes */
    int used = layout_fit(s_cols, want, 6, 70, s);
    cr_assert_not(s[5].shown);
    cr_assert(s[2].shown);
    cr_assert_eq(used, 9 + 12 + 10 + 24 + 4 + 4);
    /* at 60 the group goes too, and the name is left whole */
    used = layout_fit(s_cols, want, 6, 60, s);
    cr_assert_not(s[5].shown);
    cr_assert_not(s[2].shown);
    cr_assert_eq(s[1].width, 12);
    cr_assert_eq(used, 9 + 12 + 24 + 4 + 3);
    cr_assert(used <= 60);
}

Test(dashboard_layout, fit_shrinks_the_column_with_most_to_spare_then_stops_at_min)
{
    int want[] = {9, 20, 10, 24, 4, 10};
    layout_slot_t s[6];
    /* without the optional ones: 9 + 20 + 24 + 4 + 3 = 60; at 56 the name
     * (12 to spare) gives 4, the code (3 to spare) nothing */
    int used = layout_fit(s_cols, want, 6, 56, s);
    cr_assert_eq(s[1].width, 16);
    cr_assert_eq(s[0].width, 9);
    cr_assert_eq(used, 56);
    cr_assert_eq(s[3].x, s[1].x + 16 + LAYOUT_GAP);
    /* far too narrow: everything at its min, the rest is the terminal's */
    used = layout_fit(s_cols, want, 6, 20, s);
    cr_assert_eq(s[0].width, 6);
    cr_assert_eq(s[1].width, 8);
    cr_assert_eq(used, 6 + 8 + 24 + 4 + 3);
}
