/* The community view: every gate with its reason in words, the counters, and
 * the last journal events seen for the community. Taller than a small
 * terminal, so it is laid out on virtual lines and scrolled. */
#include "draw.h"
#include "measures.h"
#include "top.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void s_gates(const top_t *t, page_t *p, const Hj__Tally__CommunityBoard *row, attr_t dim)
{
    int name_w = 0, state_w = 0;
    for (int g = 1; g <= 8; g++) {
        int w = layout_width(label_gate(t->lang, g));
        name_w = w > name_w ? w : name_w;
    }
    for (int s = HJ__TALLY__GATE_STATE__RED; s <= HJ__TALLY__GATE_STATE__OVERRIDDEN; s++) {
        int w = layout_width(label_gate_state(t->lang, s));
        state_w = w > state_w ? w : state_w;
    }
    page_heading(p, label(t->lang, L_GATES));
    for (int g = 1; g <= 8; g++) {
        const Hj__Tally__Gate *gate = model_gate(row, g);
        Hj__Tally__GateState state =
            gate ? gate->state : HJ__TALLY__GATE_STATE__GATE_STATE_UNSPECIFIED;
        int y = page_y(p), x = 1;
        if (y >= 0) {
            draw_gate(y, x, 3, state, dim);
            x += 4;
            draw_cell(y, x, name_w, label_gate(t->lang, g), HJ_TEXT_ALIGN_LEFT, dim);
            x += name_w + 1;
            draw_cell(y, x, state_w, label_gate_state(t->lang, state), HJ_TEXT_ALIGN_LEFT,
                      dim | (state == HJ__TALLY__GATE_STATE__RED ? A_BOLD : 0));
            x += state_w + 1;
            /* The reason in the view's language (English from an older server). */
            const char *why = !gate                                      ? ""
                              : t->lang == LANG_ZH && gate->reason_zh[0] ? gate->reason_zh
                                                                         : gate->reason;
            draw_cell(y, x, COLS - x, why, HJ_TEXT_ALIGN_LEFT, dim);
        }
        p->line++;
        if (gate && state == HJ__TALLY__GATE_STATE__OVERRIDDEN) {
            char text[1024];
            snprintf(text, sizeof text, "%s: %s (%s)", label(t->lang, L_OVERRIDE_BY),
                     gate->override_reason, gate->override_actor);
            page_text(p, 4 + name_w + 1 + state_w + 1, text, dim);
        }
    }
}

static void s_counters(const top_t *t, page_t *p, const Hj__Tally__CommunityBoard *row, attr_t dim)
{
    const Hj__Tally__Counters *c = row->counters;
    char items[64][160];
    int n = 0, widest = 0;
    if (!c)
        return;
    page_heading(p, label(t->lang, L_COUNTERS));
    /* The measures without a gate first: 未开始 must stand out from 已记录. */
    board_measure_t m[BOARD_MEASURES];
    board_measures(row, t->lang == LANG_EN, m);
    for (int i = 0; i < BOARD_MEASURES; i++)
        snprintf(items[n++], sizeof items[0], "%s: %s", m[i].name, m[i].state);
    snprintf(items[n++], sizeof items[0], "%s: %s", label(t->lang, L_AUDIT),
             label_word(t->lang, c->audit_state));
    snprintf(items[n++], sizeof items[0], "%s: %s", t->lang == LANG_ZH ? "方案" : "plan",
             label_word(t->lang, c->plan_state));
    char coverage[16];
    model_talk_coverage(coverage, sizeof coverage, c);
    snprintf(items[n++], sizeof items[0], "%s: %s",
             t->lang == LANG_ZH ? "谈话覆盖率" : "talk coverage", coverage);
    for (int i = 0; i < label_counters_count && n < 48; i++) {
        uint32_t v;
        memcpy(&v, (const char *)c + label_counters[i].offset, sizeof v);
        snprintf(items[n++], sizeof items[0], "%s: %u",
                 t->lang == LANG_ZH ? label_counters[i].zh : label_counters[i].en, v);
    }
    for (size_t i = 0; i < c->n_publicity_by_kind && n < 64; i++)
        snprintf(items[n++], sizeof items[0], "%s%s: %u", t->lang == LANG_ZH ? "" : "publicity ",
                 label_word(t->lang, c->publicity_by_kind[i]->kind),
                 c->publicity_by_kind[i]->count);
    for (int i = 0; i < n; i++) {
        int w = layout_width(items[i]);
        widest = w > widest ? w : widest;
    }
    int cell = widest + 3, per_line = (COLS - 1) / (cell > 0 ? cell : 1);
    if (per_line < 1)
        per_line = 1;
    for (int i = 0; i < n; i += per_line) {
        int y = page_y(p);
        for (int j = 0; y >= 0 && j < per_line && i + j < n; j++)
            draw_cell(y, 1 + j * cell, cell - 1, items[i + j], HJ_TEXT_ALIGN_LEFT, dim);
        p->line++;
    }
}

static void s_recent(const top_t *t, page_t *p, const char *code)
{
    char head[512];
    snprintf(head, sizeof head, "%s", label(t->lang, L_RECENT));
    page_heading(p, head);
    page_text(p, 1, label(t->lang, L_RECENT_NOTE), A_DIM);
    size_t n = recent_count(t->recent, code);
    if (n == 0)
        page_text(p, 1, label(t->lang, L_NO_RECENT), A_NORMAL);
    for (size_t i = 0; i < n; i++) {
        const recent_event_t *e = recent_at(t->recent, code, i);
        time_t when = (time_t)(e->time_us / 1000000) + 8 * 3600;
        struct tm tm;
        char stamp[32], line[512];
        gmtime_r(&when, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(line, sizeof line, "%s  #%-8llu %-36s %s", stamp, (unsigned long long)e->seq,
                 e->what, e->actor);
        page_text(p, 1, line, A_NORMAL);
    }
}

static int s_lines(top_t *t, int draw);

void view_community_draw(top_t *t)
{
    view_page_draw(t, s_lines);
}

/* Lays the view out; draws it when `draw`. Returns the number of lines. */
static int s_lines(top_t *t, int draw)
{
    const Hj__Tally__CommunityBoard *row = board_find(t->board, t->selected);
    page_t p = {0, t->scroll, 2, LINES - 2};
    char line[512];
    if (!draw)
        p.top = p.bottom = -1000; /* count only: every line off screen */
    if (!row) {
        if (draw)
            draw_cell(0, 0, COLS, label(t->lang, L_NOT_FOUND), HJ_TEXT_ALIGN_LEFT, A_BOLD);
        return 0;
    }
    attr_t dim = top_stale(t) ? A_DIM : 0;
    if (draw) {
        snprintf(line, sizeof line, "%s  %s", row->code, row->name);
        draw_cell(0, 0, COLS, line, HJ_TEXT_ALIGN_LEFT, A_BOLD | dim);
        const char *hint = label(t->lang, L_BACK_HINT);
        int w = layout_width(hint), used = layout_width(line);
        if (used + w + 2 < COLS)
            draw_cell(0, COLS - w, w, hint, HJ_TEXT_ALIGN_LEFT, A_NORMAL);
        snprintf(line, sizeof line, "%s %s   %s %s", label(t->lang, L_SUBDISTRICT),
                 row->subdistrict[0] ? row->subdistrict : "-", label(t->lang, L_GROUP),
                 row->guidance_group[0] ? row->guidance_group : "-");
        draw_cell(1, 0, COLS, line, HJ_TEXT_ALIGN_LEFT, dim);
    }
    /* Every scheduled or open election of the community (party and
     * residents); a board without the list still names the first. */
    if (row->n_elections > 0) {
        for (size_t i = 0; i < row->n_elections; i++) {
            const Hj__Tally__Election *e = row->elections[i];
            char days[16], in_days[64];
            model_days_text(days, sizeof days, t->today, e->date);
            label_in_days(t->lang, in_days, sizeof in_days, days);
            snprintf(line, sizeof line, "%s: %s %s (%s)  %s %u  %s %s%s%s",
                     label(t->lang, L_ELECTION), label_word(t->lang, e->body), e->date, in_days,
                     label(t->lang, L_SEATS), e->seats, label(t->lang, L_STATE),
                     label_word(t->lang, e->state), e->profile[0] ? "  " : "", e->profile);
            size_t len = strlen(line);
            if (e->vacant && len < sizeof line)
                label_vacant(t->lang, line + len, sizeof line - len, e->vacant, e->vacancy_due);
            len = strlen(line);
            if (e->reduced && len < sizeof line)
                label_reduced(t->lang, line + len, sizeof line - len, e->reduced);
            page_text(&p, 0, line, dim);
        }
    } else if (row->election_date[0]) {
        char days[16], in_days[64];
        model_days_text(days, sizeof days, t->today, row->election_date);
        label_in_days(t->lang, in_days, sizeof in_days, days);
        snprintf(line, sizeof line, "%s: %s %s (%s)  %s %u  %s %s", label(t->lang, L_ELECTION),
                 label_word(t->lang, row->election_body), row->election_date, in_days,
                 label(t->lang, L_SEATS), row->election_seats, label(t->lang, L_STATE),
                 label_word(t->lang, row->election_state));
        page_text(&p, 0, line, dim);
    } else {
        snprintf(line, sizeof line, "%s: %s", label(t->lang, L_ELECTION),
                 label(t->lang, L_NO_ELECTION));
        page_text(&p, 0, line, dim);
    }
    s_gates(t, &p, row, dim);
    s_counters(t, &p, row, dim);
    s_recent(t, &p, row->code);
    return p.line;
}

int view_community_key(top_t *t, int key)
{
    return view_page_key(t, key, s_lines);
}
