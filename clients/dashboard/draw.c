/* draw: cells, gate tiles and colours on the terminal. See draw.h. */
#include "draw.h"
#include "model.h"

static int s_colour;

void draw_init(void)
{
    s_colour = has_colors();
    if (!s_colour)
        return;
    start_color();
    use_default_colors();
    init_pair(PAIR_GREEN, COLOR_BLACK, COLOR_GREEN);
    init_pair(PAIR_RED, COLOR_WHITE, COLOR_RED);
    init_pair(PAIR_YELLOW, COLOR_BLACK, COLOR_YELLOW);
    init_pair(PAIR_OK, COLOR_GREEN, -1);
    init_pair(PAIR_BAD, COLOR_WHITE, COLOR_RED);
    init_pair(PAIR_WARN, COLOR_BLACK, COLOR_YELLOW);
    init_pair(PAIR_TITLE, COLOR_CYAN, -1);
}

void draw_cell(int y, int x, int width, const char *text, hj_text_align_t align, attr_t attr)
{
    char cell[LAYOUT_CELL_MAX];
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
        return;
    if (x + width > COLS)
        width = COLS - x;
    layout_cell(cell, sizeof cell, text, width, align);
    attron(attr);
    mvaddstr(y, x, cell);
    attroff(attr);
}

attr_t draw_gate_attr(Hj__Tally__GateState state)
{
    /* Without colour the glyph still says it; red is also bold. */
    switch (state) {
    case HJ__TALLY__GATE_STATE__GREEN:
        return s_colour ? COLOR_PAIR(PAIR_GREEN) : A_NORMAL;
    case HJ__TALLY__GATE_STATE__RED:
        return s_colour ? COLOR_PAIR(PAIR_RED) | A_BOLD : A_BOLD | A_REVERSE;
    case HJ__TALLY__GATE_STATE__OVERRIDDEN:
        return s_colour ? COLOR_PAIR(PAIR_YELLOW) : A_UNDERLINE;
    default:
        return A_NORMAL;
    }
}

void draw_gate(int y, int x, int width, Hj__Tally__GateState state, attr_t extra)
{
    char tile[16];
    int left = (width - 1) / 2, n = 0;
    for (int i = 0; i < left && n < 14; i++)
        tile[n++] = ' ';
    tile[n++] = model_gate_glyph(state)[0];
    while (n < width && n < 15)
        tile[n++] = ' ';
    tile[n] = 0;
    draw_cell(y, x, width, tile, HJ_TEXT_ALIGN_LEFT, draw_gate_attr(state) | extra);
}

void draw_clear(int y, int x)
{
    if (y < 0 || y >= LINES || x >= COLS)
        return;
    move(y, x);
    clrtoeol();
}

int page_y(const page_t *p)
{
    int y = p->top + p->line - p->scroll;
    return y >= p->top && y <= p->bottom ? y : -1;
}

void page_text(page_t *p, int x, const char *text, attr_t attr)
{
    int y = page_y(p);
    if (y >= 0)
        draw_cell(y, x, COLS - x, text, HJ_TEXT_ALIGN_LEFT, attr);
    p->line++;
}

void page_heading(page_t *p, const char *text)
{
    p->line++;
    page_text(p, 0, text, A_BOLD | A_UNDERLINE);
}

int page_back_key(int key)
{
    return key == 27 /* Esc */ || key == KEY_LEFT || key == KEY_BACKSPACE || key == 127 ||
           key == 'h';
}

int page_key(int key, int *scroll, int lines, int height)
{
    int max = lines - height;
    switch (key) {
    case KEY_UP:
    case 'k':
        (*scroll)--;
        break;
    case KEY_DOWN:
    case 'j':
        (*scroll)++;
        break;
    case KEY_PPAGE:
        *scroll -= height;
        break;
    case KEY_NPAGE:
    case ' ':
        *scroll += height;
        break;
    case KEY_HOME:
        *scroll = 0;
        break;
    case KEY_END:
        *scroll = max;
        break;
    default:
        return 0;
    }
    if (*scroll > max)
        *scroll = max;
    if (*scroll < 0)
        *scroll = 0;
    return 1;
}
