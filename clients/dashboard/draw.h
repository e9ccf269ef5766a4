#ifndef HJ_TOP_DRAW_H
#define HJ_TOP_DRAW_H
/* The few ways hj-top puts text on the terminal: every cell is written at
 * its own x, cut or padded to its width by display columns, so a Chinese
 * name never pushes the column to its right. */
#include <curses.h>

#include "layout.h"
#include "tally.pb-c.h"

enum {
    PAIR_GREEN = 1,   /* gate tiles */
    PAIR_RED,
    PAIR_YELLOW,
    PAIR_OK,          /* status line */
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

#endif
