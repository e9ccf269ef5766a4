/* The board view: one row per community, the district totals, the status. */
#include "draw.h"
#include "top.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { C_CODE, C_NAME, C_GROUP, C_GATES, C_TALKS, C_AUDIT, C_RECT, C_RESERVE, C_DAYS, C_DATE, C_N };

#define S_GATES 8
#define S_TILE 3

static const layout_col_t s_cols[C_N] = {
    [C_CODE] = {6, 16, 0, HJ_TEXT_ALIGN_LEFT},
    [C_NAME] = {8, 24, 0, HJ_TEXT_ALIGN_LEFT},
    [C_GROUP] = {6, 16, 2, HJ_TEXT_ALIGN_LEFT},
    [C_GATES] = {S_GATES * S_TILE, S_GATES *S_TILE, 0, HJ_TEXT_ALIGN_LEFT},
    [C_TALKS] = {4, 5, 0, HJ_TEXT_ALIGN_RIGHT},
    [C_AUDIT] = {4, 12, 0, HJ_TEXT_ALIGN_LEFT},
    [C_RECT] = {2, 6, 0, HJ_TEXT_ALIGN_RIGHT},
    [C_RESERVE] = {2, 7, 0, HJ_TEXT_ALIGN_RIGHT},
    [C_DAYS] = {3, 6, 0, HJ_TEXT_ALIGN_RIGHT},
    [C_DATE] = {10, 10, 1, HJ_TEXT_ALIGN_LEFT},
};

static const label_t s_headers[C_N] = {
    [C_CODE] = L_CODE,          [C_NAME] = L_NAME,       [C_GROUP] = L_GROUP,
    [C_GATES] = L_GATES,        [C_TALKS] = L_TALKS,     [C_AUDIT] = L_AUDIT,
    [C_RECT] = L_RECTIFICATION, [C_RESERVE] = L_RESERVE, [C_DAYS] = L_DAYS,
    [C_DATE] = L_ELECTION_DATE,
};

typedef char s_cells_t[C_N][256];

static void s_row_cells(const top_t *t, const Hj__Tally__CommunityBoard *row, s_cells_t cells)
{
    const Hj__Tally__Counters *c = row->counters;
    snprintf(cells[C_CODE], sizeof cells[0], "%s", row->code);
    snprintf(cells[C_NAME], sizeof cells[0], "%s", row->name);
    snprintf(cells[C_GROUP], sizeof cells[0], "%s",
             row->guidance_group[0] ? row->guidance_group : "-");
    cells[C_GATES][0] = 0;
    model_talk_coverage(cells[C_TALKS], sizeof cells[0], c);
    snprintf(cells[C_AUDIT], sizeof cells[0], "%s", label_word(t->lang, c ? c->audit_state : ""));
    snprintf(cells[C_RECT], sizeof cells[0], "%u", c ? c->rectification_open : 0);
    snprintf(cells[C_RESERVE], sizeof cells[0], "%u", c ? c->reserve_active : 0);
    model_days_text(cells[C_DAYS], sizeof cells[0], t->today, row->election_date);
    snprintf(cells[C_DATE], sizeof cells[0], "%s",
             row->election_date[0] ? row->election_date : "-");
}

/* The rows in the order and filter chosen; *n of them. Caller frees. */
static size_t *s_order(const top_t *t, size_t *n)
{
    size_t count = board_ncommunities(t->board);
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    *n = idx ? model_order_in(t->board, t->sort, t->reverse, t->subdistrict,
                              t->filter_on ? t->filter : NULL, idx, count)
             : 0;
    return idx;
}

static int s_selected_index(const top_t *t, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(board_community(t->board, idx[i])->code, t->selected) == 0)
            return (int)i;
    return -1;
}

static void s_clock(const top_t *t, char *dst, size_t size)
{
    time_t now = (time_t)(t->now_us / 1000000) + 8 * 3600; /* Asia/Shanghai */
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(dst, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static const label_t s_sort_labels[SORT_COUNT_] = {L_SORT_CODE, L_SORT_NAME, L_SORT_RED,
                                                   L_SORT_DATE};

static void s_title(const top_t *t)
{
    char left[512], right[256], clock[32];
    const char *filter = !t->filter_on  ? label(t->lang, L_FILTER_ALL)
                         : t->filter[0] ? t->filter
                                        : label(t->lang, L_FILTER_NONE);
    snprintf(left, sizeof left, "%s  %s: %s%s  %s: %s  %s: %s", label(t->lang, L_TITLE),
             label(t->lang, L_SORT), label(t->lang, s_sort_labels[t->sort]),
             t->reverse ? (t->lang == LANG_ZH ? "(倒序)" : " (reversed)") : "",
             label(t->lang, L_SUBDISTRICT_FILTER),
             t->subdistrict[0] ? t->subdistrict : label(t->lang, L_FILTER_ALL),
             label(t->lang, L_FILTER), filter);
    s_clock(t, clock, sizeof clock);
    char counting[64] = "";
    if (board_ncounts(t->board))
        label_counts(t->lang, counting, sizeof counting, board_ncounts(t->board));
    snprintf(right, sizeof right, "%s%s%s  %s", counting, counting[0] ? "  " : "",
             label(t->lang, L_HELP_HINT), clock);
    /* On a narrow terminal the help hint goes first, then the clock; the
     * sort, filter and the elections being counted stay. */
    int lw = layout_width(left);
    if (lw + 2 + layout_width(right) > COLS)
        snprintf(right, sizeof right, "%s%s%s", counting, counting[0] ? "  " : "", clock);
    if (lw + 2 + layout_width(right) > COLS)
        snprintf(right, sizeof right, "%s", counting);
    if (lw + 2 + layout_width(right) > COLS)
        right[0] = 0;
    int rw = layout_width(right);
    draw_cell(0, 0, COLS - (rw ? rw + 2 : 0), left, HJ_TEXT_ALIGN_LEFT, A_BOLD);
    if (rw)
        draw_cell(0, COLS - rw, rw, right, HJ_TEXT_ALIGN_LEFT, A_NORMAL);
}

static void s_gate_header(const top_t *t, int y, const layout_slot_t *slot, attr_t attr)
{
    for (int g = 0; g < S_GATES; g++)
        draw_cell(y, slot->x + g * S_TILE, S_TILE, label_gate_short(t->lang, g + 1),
                  HJ_TEXT_ALIGN_LEFT, attr);
}

static void s_district(const top_t *t, int y, const layout_slot_t *slots, attr_t dim)
{
    const Hj__Tally__DistrictTotals *d = board_district(t->board);
    char text[256];
    attr_t attr = A_BOLD | dim;
    if (!d)
        return;
    const Hj__Tally__Counters *c = d->totals;
    /* The district's name and counts span the code and name columns. */
    snprintf(text, sizeof text, "%s ", label(t->lang, L_DISTRICT));
    size_t used = strlen(text);
    label_communities(t->lang, text + used, sizeof text - used, d->communities, d->all_green);
    int x = slots[C_CODE].x, end = slots[C_NAME].x + slots[C_NAME].width;
    if (slots[C_GROUP].shown)
        end = slots[C_GROUP].x + slots[C_GROUP].width;
    draw_cell(y, x, end - x, text, HJ_TEXT_ALIGN_LEFT, attr);
    for (int g = 0; g < S_GATES; g++) {
        unsigned red = model_district_red(d, g + 1);
        snprintf(text, sizeof text, "%u", red);
        draw_cell(y, slots[C_GATES].x + g * S_TILE, S_TILE - 1, text, HJ_TEXT_ALIGN_RIGHT,
                  red ? draw_gate_attr(HJ__TALLY__GATE_STATE__RED) | dim : attr);
    }
    if (!c)
        return;
    model_talk_coverage(text, sizeof text, c);
    draw_cell(y, slots[C_TALKS].x, slots[C_TALKS].width, text, HJ_TEXT_ALIGN_RIGHT, attr);
    snprintf(text, sizeof text, "%u", c->rectification_open);
    draw_cell(y, slots[C_RECT].x, slots[C_RECT].width, text, HJ_TEXT_ALIGN_RIGHT, attr);
    snprintf(text, sizeof text, "%u", c->reserve_active);
    draw_cell(y, slots[C_RESERVE].x, slots[C_RESERVE].width, text, HJ_TEXT_ALIGN_RIGHT, attr);
}

void view_board_draw(top_t *t)
{
    erase();
    s_title(t);
    int rows_top = 2, rows_bottom = LINES - 3; /* district row, status line below */
    if (!board_has_picture(t->board)) {
        draw_cell(LINES / 2, 2, COLS - 4, label(t->lang, L_WAITING), HJ_TEXT_ALIGN_LEFT, A_BOLD);
        if (t->snapshot_error[0])
            draw_cell(LINES / 2 + 1, 2, COLS - 4, t->snapshot_error, HJ_TEXT_ALIGN_LEFT, A_NORMAL);
        view_status_draw(t, LINES - 1);
        return;
    }
    size_t n;
    size_t *idx = s_order(t, &n);
    s_cells_t *cells = calloc(n ? n : 1, sizeof *cells);
    if (!idx || !cells) {
        free(idx);
        free(cells);
        return;
    }
    int want[C_N];
    for (int c = 0; c < C_N; c++)
        want[c] = layout_width(label(t->lang, s_headers[c]));
    for (size_t i = 0; i < n; i++) {
        s_row_cells(t, board_community(t->board, idx[i]), cells[i]);
        for (int c = 0; c < C_N; c++) {
            int w = layout_width(cells[i][c]);
            if (w > want[c])
                want[c] = w;
        }
    }
    layout_slot_t slots[C_N];
    layout_fit(s_cols, want, C_N, COLS, slots);

    attr_t dim = top_stale(t) ? A_DIM : 0;
    for (int c = 0; c < C_N; c++) {
        if (!slots[c].shown)
            continue;
        if (c == C_GATES)
            s_gate_header(t, 1, &slots[c], A_BOLD | A_UNDERLINE);
        else
            draw_cell(1, slots[c].x, slots[c].width, label(t->lang, s_headers[c]), s_cols[c].align,
                      A_BOLD | A_UNDERLINE);
    }

    /* Keep the selection on its community as rows move; scroll to it. */
    int sel = s_selected_index(t, idx, n);
    if (sel < 0 && n > 0) {
        sel = 0;
        snprintf(t->selected, sizeof t->selected, "%s", board_community(t->board, idx[0])->code);
    }
    int height = rows_bottom - rows_top + 1;
    if (height < 1)
        height = 1;
    if (sel < t->first)
        t->first = sel;
    if (sel >= t->first + height)
        t->first = sel - height + 1;
    if (t->first > (int)n - height)
        t->first = (int)n - height;
    if (t->first < 0)
        t->first = 0;

    if (n == 0)
        draw_cell(rows_top, 2, COLS - 2, label(t->lang, L_EMPTY), HJ_TEXT_ALIGN_LEFT, A_NORMAL);
    for (int r = 0; r < height && t->first + r < (int)n; r++) {
        int i = t->first + r, y = rows_top + r;
        const Hj__Tally__CommunityBoard *row = board_community(t->board, idx[i]);
        attr_t attr = dim | (i == sel ? A_REVERSE : 0);
        for (int c = 0; c < C_N; c++) {
            if (!slots[c].shown)
                continue;
            if (c == C_GATES) {
                for (int g = 0; g < S_GATES; g++) {
                    const Hj__Tally__Gate *gate = model_gate(row, g + 1);
                    draw_gate(y, slots[c].x + g * S_TILE, S_TILE,
                              gate ? gate->state : HJ__TALLY__GATE_STATE__GATE_STATE_UNSPECIFIED,
                              dim);
                }
                continue;
            }
            draw_cell(y, slots[c].x, slots[c].width, cells[i][c], s_cols[c].align, attr);
            /* The selection bar runs through the gaps too. */
            if (i == sel && c + 1 < C_N)
                draw_cell(y, slots[c].x + slots[c].width, LAYOUT_GAP, "", HJ_TEXT_ALIGN_LEFT, attr);
        }
    }
    s_district(t, LINES - 2, slots, dim);
    view_status_draw(t, LINES - 1);
    free(idx);
    free(cells);
}

static void s_move(top_t *t, int delta, int to_end)
{
    size_t n;
    size_t *idx = s_order(t, &n);
    if (!idx || n == 0) {
        free(idx);
        return;
    }
    int sel = s_selected_index(t, idx, n);
    if (sel < 0)
        sel = 0;
    if (to_end)
        sel = delta < 0 ? 0 : (int)n - 1;
    else
        sel += delta;
    if (sel < 0)
        sel = 0;
    if (sel >= (int)n)
        sel = (int)n - 1;
    snprintf(t->selected, sizeof t->selected, "%s", board_community(t->board, idx[sel])->code);
    free(idx);
}

/* The key of each order (c code, n name, r red gates, d election date): pressed
 * again, the order reverses. 1 when key is one of them. */
static int s_sort(top_t *t, int key)
{
    static const char keys[SORT_COUNT_] = {'c', 'n', 'r', 'd'};
    for (int sort = 0; sort < SORT_COUNT_; sort++)
        if (key == keys[sort]) {
            t->reverse = t->sort == (sort_t)sort ? !t->reverse : 0;
            t->sort = (sort_t)sort;
            return 1;
        }
    return 0;
}

/* all -> each group -> the communities without one -> all */
static void s_next_filter(top_t *t)
{
    const char *groups[256];
    size_t n = model_groups(t->board, groups, 256);
    if (!t->filter_on) {
        t->filter_on = 1;
        snprintf(t->filter, sizeof t->filter, "%s", n ? groups[0] : "");
        return;
    }
    if (!t->filter[0]) {
        t->filter_on = 0;
        return;
    }
    size_t i = 0;
    while (i < n && strcmp(groups[i], t->filter) != 0)
        i++;
    if (i + 1 < n)
        snprintf(t->filter, sizeof t->filter, "%s", groups[i + 1]);
    else
        t->filter[0] = 0;
}

int view_board_key(top_t *t, int key)
{
    int page = LINES - 5 > 1 ? LINES - 5 : 1;
    switch (key) {
    case KEY_UP:
    case 'k':
        s_move(t, -1, 0);
        return 1;
    case KEY_DOWN:
    case 'j':
        s_move(t, 1, 0);
        return 1;
    case KEY_PPAGE:
        s_move(t, -page, 0);
        return 1;
    case KEY_NPAGE:
    case ' ':
        s_move(t, page, 0);
        return 1;
    case KEY_HOME:
        s_move(t, -1, 1);
        return 1;
    case KEY_END:
        s_move(t, 1, 1);
        return 1;
    case '\n':
    case '\r':
    case KEY_ENTER:
        if (t->selected[0] && board_find(t->board, t->selected)) {
            t->view = VIEW_COMMUNITY;
            t->scroll = 0;
        }
        return 1;
    case 'g':
        s_next_filter(t);
        t->first = 0;
        return 1;
    case 's':
        model_next_subdistrict(t->board, t->subdistrict, t->subdistrict, sizeof t->subdistrict);
        t->first = 0;
        return 1;
    default:
        return s_sort(t, key);
    }
}
