#ifndef HJ_TOP_LAYOUT_H
#define HJ_TOP_LAYOUT_H
/* Columns of a terminal table measured in display columns, not bytes: a
 * Chinese name of four characters is eight columns wide. layout_fit decides
 * how wide each column is (and which columns to leave out) for the width of
 * the terminal; layout_cell makes a cell's text exactly that wide. */
#include <stddef.h>

#include "hj_text.h"

typedef struct {
    int min;      /* narrowest the column may become */
    int max;      /* widest it may grow (0: no limit) */
    int priority; /* 0: always shown; else the lowest is left out first */
    hj_text_align_t align;
} layout_col_t;

typedef struct {
    int shown; /* 1 when the column is on screen */
    int x;     /* first display column */
    int width; /* display columns */
} layout_slot_t;

/* Columns beyond this are never shown. */
#define LAYOUT_COLS_MAX 32
/* One space between shown columns. */
#define LAYOUT_GAP 1

/* Fits n columns into `screen` display columns. want[i] is the widest text of
 * column i (header included). A column gets want clamped to [min, max]; when
 * the total is too wide, columns with a priority are left out, lowest first,
 * then the column with the most room above its min gives way, one display
 * column at a time (its text is then cut with an ellipsis). Returns
 * the width used (may exceed `screen` only when the priority-0 columns at their
 * min do not fit: the terminal cuts the rest). */
int layout_fit(const layout_col_t *cols, const int *want, int n, int screen, layout_slot_t *slots);

/* Display width of s; a string that is not valid UTF-8 measures as its
 * cleaned form (see layout_clean). */
int layout_width(const char *s);

/* Copies s into dst with every control character and every byte that is not
 * valid UTF-8 replaced by '?', so the terminal never sees a raw escape. */
void layout_clean(char *dst, size_t size, const char *s);

/* dst = s cleaned, then padded or cut (with an ellipsis) to exactly `width`
 * display columns. A dst of LAYOUT_CELL_MAX bytes holds any cell up to
 * LAYOUT_WIDTH_MAX columns; if dst is too small it becomes `width` spaces, or
 * "" when even those do not fit. */
#define LAYOUT_WIDTH_MAX 512
#define LAYOUT_CELL_MAX (4 * LAYOUT_WIDTH_MAX + 8)
void layout_cell(char *dst, size_t size, const char *s, int width, hj_text_align_t align);

#endif
