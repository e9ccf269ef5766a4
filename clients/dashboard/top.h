#ifndef HJ_TOP_H
#define HJ_TOP_H
/* hj-top's state: what it knows (board, recent journal events, pulse), the
 * link, and what the operator has chosen to look at. main.c owns it; the
 * view_*.c files draw it and take its keys. */
#include <stdint.h>

#include "board.h"
#include "labels.h"
#include "model.h"
#include "pulse.h"
#include "recent.h"

typedef enum { VIEW_BOARD, VIEW_COMMUNITY, VIEW_COUNT } view_t;

typedef struct {
    lang_t lang;
    board_t *board;
    recent_t *recent;
    pulse_t pulse;
    const char *events_endpoint;

    /* the link */
    int link_up;
    int ever_up;              /* 0 until the first connection: "connecting" */
    int tally_up;             /* the broker has a hj-tallyd (checked every few seconds) */
    int64_t stale_since_us;   /* when the picture stopped being live; 0 = live */
    char snapshot_error[256]; /* the last failed snapshot, "" after a good one */
    char refused[256];        /* why hj-busd refused this device (revoked): hj-top stops */

    /* what is on screen */
    view_t view;
    int help;
    sort_t sort;
    int reverse;
    int filter_on;        /* 0: every community; 1: only guidance group `filter` */
    char filter[128];     /* "" with filter_on: those without a group */
    char subdistrict[64]; /* only this subdistrict's communities; "" = every one */
    char selected[64];    /* code of the selected community */
    int first;            /* first board row on screen */
    int scroll;           /* community and count views: first line on screen */
    char today[11];       /* YYYY-MM-DD, Asia/Shanghai */
    int64_t now_us;
} top_t;

/* 1 when what is shown may be out of date (link down, or waiting for a
 * snapshot after a gap or reconnect). */
int top_stale(const top_t *t);

/* Views: draw the whole screen; take a key (1 when it was theirs). */
void view_board_draw(top_t *t);
int view_board_key(top_t *t, int key);
void view_community_draw(top_t *t);
int view_community_key(top_t *t, int key);
void view_count_draw(top_t *t);
int view_count_key(top_t *t, int key);
void view_help_draw(top_t *t);
/* The last line of every view. */
void view_status_draw(top_t *t, int y);
/* A scrolled page (the community and count views): lines(t, draw) lays it
 * out, drawing when draw is set, and returns how many lines it has. The page
 * drawn whole, with the status line; a key: back to the board, or scrolling. */
void view_page_draw(top_t *t, int (*lines)(top_t *t, int draw));
int view_page_key(top_t *t, int key, int (*lines)(top_t *t, int draw));

#endif
