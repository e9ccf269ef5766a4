/* The count view (election day): per election being counted, the votes of
 * each candidate as bars against the line to be elected, the seats, turnout
 * against the quorum line, and the result as it would stand now, updating as
 * ballots are entered (tally.count.<election> events). */
#include "draw.h"
#include "livecount.h"
#include "top.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_BAR_MIN 10
#define S_BAR_MAX 60

static int s_max(int a, int b)
{
    return a > b ? a : b;
}

/* Elections in the order an official looks for them: community, body, id. */
static const board_t *s_sort_board;
static int s_by_community(const void *x, const void *y)
{
    const Hj__Tally__Count *a = board_count(s_sort_board, *(const size_t *)x);
    const Hj__Tally__Count *b = board_count(s_sort_board, *(const size_t *)y);
    int r = strcmp(a->community, b->community);
    if (!r)
        r = strcmp(a->body, b->body);
    return r ? r : strcmp(a->election, b->election);
}

static void s_election(const top_t *t, page_t *p, const Hj__Tally__Count *k)
{
    const Hj__Tally__CommunityBoard *row = NULL;
    const Hj__Tally__Election *e = livecount_election(t->board, k->election, &row);
    if (!row)
        row = board_find(t->board, k->community);
    livecount_lines_t lines;
    livecount_lines(k, e ? e->profile : "", e ? e->mode : "", &lines);
    attr_t dim = top_stale(t) ? A_DIM : 0;
    char line[1024], a[128], b[128];

    /* KBS-BH-01 滨河社区  居委会 2026-11-27  第1轮 首轮  应选 3  已计 3 / 8 张  有效 3 无效 0 */
    label_round(t->lang, a, sizeof a, k->round);
    label_counted(t->lang, b, sizeof b, k->counted, k->returned);
    snprintf(line, sizeof line, "%s %s  %s %s  %s %s  %s %u  %s  %s %u %s %u", k->community,
             row ? row->name : "", label_word(t->lang, k->body), e ? e->date : "", a,
             label_word(t->lang, k->round_kind), label(t->lang, L_SEATS_TO_FILL), k->seats_to_fill,
             b, label(t->lang, L_VALID), k->valid, label(t->lang, L_INVALID), k->invalid);
    p->line++;
    page_text(p, 0, line, A_BOLD | dim);

    /* turnout against the quorum line */
    const char *electorate =
        label_electorate(t->lang, k->body, e && e->mode[0] ? e->mode : "ordinary");
    unsigned per_mille = lines.known ? livecount_turnout_per_mille(&lines) : k->turnout_per_mille;
    snprintf(a, sizeof a, "%s %llu / %s %u  %u.%u%%",
             label_qty(t->lang, lines.known ? (int)lines.quorum_qty : TALLY_QTY_PRESENT),
             (unsigned long long)(lines.known ? lines.quorum_have : k->present), electorate,
             k->electorate, per_mille / 10, per_mille % 10);
    if (lines.known)
        snprintf(b, sizeof b, "%s %llu  %s", label(t->lang, L_QUORUM_LINE),
                 (unsigned long long)lines.quorum_min,
                 label(t->lang, lines.quorum_met ? L_QUORUM_MET : L_QUORUM_NOT_MET));
    else
        b[0] = 0;
    int bar_w = COLS - 2 - layout_width(a) - 3 - 2 - layout_width(b) - 1;
    bar_w = bar_w < S_BAR_MIN ? S_BAR_MIN : bar_w > S_BAR_MAX ? S_BAR_MAX : bar_w;
    char bar[S_BAR_MAX + 1];
    livecount_bar(bar, sizeof bar, lines.known ? lines.quorum_have : k->present, k->electorate,
                  bar_w, lines.known ? lines.quorum_min : 0);
    int y = page_y(p);
    if (y >= 0) {
        int x = 2;
        draw_cell(y, x, COLS - x, a, HJ_TEXT_ALIGN_LEFT, dim);
        x += layout_width(a) + 2;
        draw_cell(y, x, 1, "[", HJ_TEXT_ALIGN_LEFT, dim);
        draw_cell(y, x + 1, bar_w, bar, HJ_TEXT_ALIGN_LEFT,
                  dim |
                      (lines.known ? draw_gate_attr(lines.quorum_met ? HJ__TALLY__GATE_STATE__GREEN
                                                                     : HJ__TALLY__GATE_STATE__RED)
                                   : A_NORMAL));
        draw_cell(y, x + 1 + bar_w, 1, "]", HJ_TEXT_ALIGN_LEFT, dim);
        draw_cell(y, x + bar_w + 4, COLS - (x + bar_w + 4), b, HJ_TEXT_ALIGN_LEFT, dim);
    }
    p->line++;

    /* the candidates: position, name, votes, bar, standing */
    int name_w = layout_width(label(t->lang, L_CANDIDATE)), status_w = 0, votes_w = 4;
    uint64_t scale = livecount_scale(k, &lines);
    for (size_t i = 0; i < k->n_persons; i++) {
        const Hj__Tally__PersonCount *pc = k->persons[i];
        char v[32];
        name_w = s_max(name_w, layout_width(pc->name));
        snprintf(v, sizeof v, "%llu", (unsigned long long)pc->votes);
        votes_w = s_max(votes_w, (int)strlen(v));
        snprintf(line, sizeof line, "%s%s%s", pc->status[0] ? label_word(t->lang, pc->status) : "",
                 pc->stands_further ? ", " : "",
                 pc->stands_further ? label(t->lang, L_STANDS_FURTHER) : "");
        status_w = s_max(status_w, layout_width(line));
    }
    name_w = name_w > 16 ? 16 : name_w;
    bar_w = COLS - (2 + 3 + name_w + 1 + votes_w + 2 + 2 + 2 + status_w);
    bar_w = bar_w < S_BAR_MIN ? S_BAR_MIN : bar_w > S_BAR_MAX ? S_BAR_MAX : bar_w;
    for (size_t i = 0; i < k->n_persons; i++) {
        const Hj__Tally__PersonCount *pc = k->persons[i];
        y = page_y(p);
        if (y >= 0) {
            int x = 2;
            char pos[24], v[32], status[256];
            if (pc->writein)
                snprintf(pos, sizeof pos, "*");
            else
                snprintf(pos, sizeof pos, "%zu", i + 1);
            draw_cell(y, x, 2, pos, HJ_TEXT_ALIGN_RIGHT, dim);
            x += 3;
            draw_cell(y, x, name_w, pc->name, HJ_TEXT_ALIGN_LEFT, dim);
            x += name_w + 1;
            snprintf(v, sizeof v, "%llu", (unsigned long long)pc->votes);
            draw_cell(y, x, votes_w, v, HJ_TEXT_ALIGN_RIGHT, A_BOLD | dim);
            x += votes_w + 2;
            int elected = strcmp(pc->status, "elected") == 0;
            livecount_bar(bar, sizeof bar, livecount_projected(k, pc->votes), scale, bar_w,
                          lines.known ? lines.elected_min : 0);
            draw_cell(y, x, 1, "[", HJ_TEXT_ALIGN_LEFT, dim);
            draw_cell(y, x + 1, bar_w, bar, HJ_TEXT_ALIGN_LEFT,
                      dim | (elected ? draw_gate_attr(HJ__TALLY__GATE_STATE__GREEN) : A_NORMAL));
            draw_cell(y, x + 1 + bar_w, 1, "]", HJ_TEXT_ALIGN_LEFT, dim);
            x += bar_w + 4;
            snprintf(status, sizeof status, "%s%s%s",
                     pc->status[0] ? label_word(t->lang, pc->status) : "",
                     pc->stands_further ? ", " : "",
                     pc->stands_further ? label(t->lang, L_STANDS_FURTHER) : "");
            draw_cell(y, x, COLS - x, status, HJ_TEXT_ALIGN_LEFT, dim | (elected ? A_BOLD : 0));
        }
        p->line++;
    }

    /* the line to be elected, and the result as it stands */
    if (lines.known && lines.elected_min)
        snprintf(line, sizeof line, "%s %llu  (%s %llu)", label(t->lang, L_ELECTED_LINE),
                 (unsigned long long)lines.elected_min, label_qty(t->lang, (int)lines.elected_qty),
                 (unsigned long long)lines.elected_base);
    else if (lines.known)
        snprintf(line, sizeof line, "%s", label(t->lang, L_MOST_VOTES));
    else
        line[0] = 0;
    if (line[0])
        page_text(p, 2, line, dim);
    snprintf(line, sizeof line, "%s: %s%s%s", label(t->lang, k->complete ? L_RESULT : L_PROJECTED),
             k->outcome[0] ? label_word(t->lang, k->outcome) : "",
             k->outcome[0] && k->outcome_reason[0] ? " - " : "", k->outcome_reason);
    page_text(p, 2, line, A_BOLD | dim);
    if (k->quorum_reason[0])
        page_text(p, 2, k->quorum_reason, dim);
    if (k->ballots_reason[0])
        page_text(p, 2, k->ballots_reason, dim);
}

static int s_lines(top_t *t, int draw)
{
    page_t p = {0, t->scroll, 2, LINES - 2};
    if (!draw)
        p.top = p.bottom = -1000; /* count only */
    size_t n = board_ncounts(t->board);
    if (draw) {
        draw_cell(0, 0, COLS, label(t->lang, L_COUNT_TITLE), HJ_TEXT_ALIGN_LEFT, A_BOLD);
        const char *hint = label(t->lang, L_BACK_HINT);
        int w = layout_width(hint);
        if (layout_width(label(t->lang, L_COUNT_TITLE)) + w + 2 < COLS)
            draw_cell(0, COLS - w, w, hint, HJ_TEXT_ALIGN_LEFT, A_NORMAL);
        draw_cell(1, 0, COLS, label(t->lang, L_COUNT_NOTE), HJ_TEXT_ALIGN_LEFT, A_DIM);
    }
    if (n == 0) {
        page_text(&p, 0, label(t->lang, L_NO_COUNTS), A_NORMAL);
        return p.line;
    }
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return 0;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    s_sort_board = t->board;
    qsort(order, n, sizeof *order, s_by_community);
    for (size_t i = 0; i < n; i++)
        s_election(t, &p, board_count(t->board, order[i]));
    free(order);
    return p.line;
}

void view_count_draw(top_t *t)
{
    view_page_draw(t, s_lines);
}

int view_count_key(top_t *t, int key)
{
    return view_page_key(t, key, s_lines);
}
