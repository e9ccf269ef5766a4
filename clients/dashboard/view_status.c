/* The status line: is the picture live? Connected or reconnecting, the last
 * tally sequence applied, events per second, the age of the newest event.
 * And what the scrolled pages (community, count) share: drawing and keys. */
#include "draw.h"
#include "top.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int top_stale(const top_t *t)
{
    return !t->link_up || !t->tally_up || board_wants_snapshot(t->board);
}

void view_page_draw(top_t *t, int (*lines)(top_t *t, int draw))
{
    erase();
    lines(t, 1);
    view_status_draw(t, LINES - 1);
}

int view_page_key(top_t *t, int key, int (*lines)(top_t *t, int draw))
{
    int height = LINES - 3 > 1 ? LINES - 3 : 1;
    if (page_back_key(key)) {
        t->view = VIEW_BOARD;
        return 1;
    }
    return page_key(key, &t->scroll, lines(t, 0), height);
}

void view_status_draw(top_t *t, int y)
{
    char state[64], rest[768], age[32], newest[64];
    attr_t attr;
    int english = t->lang == LANG_EN;
    if (!t->link_up) {
        snprintf(state, sizeof state, " %s ",
                 label(t->lang, t->ever_up ? L_RECONNECTING : L_CONNECTING));
        attr = has_colors() ? COLOR_PAIR(PAIR_BAD) | A_BOLD : A_REVERSE | A_BOLD;
    } else if (!t->tally_up) {
        snprintf(state, sizeof state, " %s ", label(t->lang, L_TALLY_DOWN));
        attr = has_colors() ? COLOR_PAIR(PAIR_BAD) | A_BOLD : A_REVERSE | A_BOLD;
    } else if (board_wants_snapshot(t->board)) {
        snprintf(state, sizeof state, " %s ", label(t->lang, L_SYNCING));
        attr = has_colors() ? COLOR_PAIR(PAIR_WARN) : A_REVERSE;
    } else {
        snprintf(state, sizeof state, " %s ", label(t->lang, L_CONNECTED));
        attr = has_colors() ? COLOR_PAIR(PAIR_OK) | A_BOLD : A_BOLD;
    }
    int64_t age_us = pulse_age_us(&t->pulse, t->now_us);
    if (age_us < 0) {
        snprintf(newest, sizeof newest, "%s", label(t->lang, L_NO_EVENT));
    } else {
        pulse_age_text(age, sizeof age, age_us, english);
        label_ago(t->lang, newest, sizeof newest, age);
    }
    int n = snprintf(rest, sizeof rest, " %s %llu  %s %.1f  %s %s", label(t->lang, L_SEQ),
                     (unsigned long long)board_seq(t->board), label(t->lang, L_RATE),
                     pulse_rate(&t->pulse, t->now_us), label(t->lang, L_NEWEST), newest);
    if (top_stale(t) && board_has_picture(t->board) && t->stale_since_us && n > 0 &&
        (size_t)n < sizeof rest) {
        time_t since = (time_t)(t->stale_since_us / 1000000) + 8 * 3600;
        struct tm tm;
        char when[16], stale[128];
        gmtime_r(&since, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
        label_stale(t->lang, stale, sizeof stale, when);
        n += snprintf(rest + n, sizeof rest - (size_t)n, "  %s", stale);
    }
    if (t->link_up && t->snapshot_error[0] && n > 0 && (size_t)n < sizeof rest)
        n += snprintf(rest + n, sizeof rest - (size_t)n, "  %s: %s",
                      label(t->lang, L_SNAPSHOT_FAILED), t->snapshot_error);
    if (n > 0 && (size_t)n < sizeof rest)
        snprintf(rest + n, sizeof rest - (size_t)n, "  %s", t->events_endpoint);
    draw_clear(y, 0);
    int w = layout_width(state);
    draw_cell(y, 0, w, state, HJ_TEXT_ALIGN_LEFT, attr);
    draw_cell(y, w, COLS - w, rest, HJ_TEXT_ALIGN_LEFT, top_stale(t) ? A_BOLD : A_NORMAL);
}
