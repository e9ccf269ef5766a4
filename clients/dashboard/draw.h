#ifndef HJ_TOP_DRAW_H
#define HJ_TOP_DRAW_H
/* The few ways hj-top puts text on the terminal: every cell is written at
 * its own x, cut or padded to its width by display columns, so a Chinese
 * name never pushes the column to its right. */
#include <curses.h>

#include "layout.h"
#include "tally.pb-c.h"

enum {
    PAIR_GREEN = 1, /* gate tiles */
    PAIR_RED,
    PAIR_YELLOW,
    PAIR_OK, /* status line */
    PAIR_BAD,
    PAIR_WARN,
    PAIR_TITLE,
};

void draw_init(void);
/* text in [x, x + width) of line y, padded / cut to width; clipped at the
 * right edge of the terminal. */
void draw_cell(int y, int x, int width, const char *text, hj_text_align_t align, attr_t attr);
/* A gate tile of width `width` (glyph centred) coloured by its state. */
void draw_gate(int y, int x, int width, Hj__Tally__GateState state, attr_t extra);
attr_t draw_gate_attr(Hj__Tally__GateState state);
/* Clears line y from x to the right edge. */
void draw_clear(int y, int x);

/* A view taller than the terminal, laid out on virtual lines and shown from
 * line `scroll` in screen lines [top, bottom]. */
typedef struct {
    int line;   /* next virtual line */
    int scroll; /* first virtual line on screen */
    int top;
    int bottom;
} page_t;

/* The screen line of the current virtual line, or -1 when scrolled away. */
int page_y(const page_t *p);
/* Text on the current line from x; then the next line. */
void page_text(page_t *p, int x, const char *text, attr_t attr);
/* A blank line, then a heading. */
void page_heading(page_t *p, const char *text);
/* 1 for the keys that leave a page for the board (Esc, Left, Backspace, h). */
int page_back_key(int key);
/* Scrolling keys: 1 when key moved *scroll (kept within [0, lines - height]). */
int page_key(int key, int *scroll, int lines, int height);

#endif
