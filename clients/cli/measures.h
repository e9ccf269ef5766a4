#ifndef HJ_MEASURES_H
#define HJ_MEASURES_H
/* One definition, for hj (board, dossier) and hj-top: when a preparation
 * measure without a gate counts as started. */
#include "tally.pb-c.h"

/* The preparation measures that have no gate, as the board carries them for
 * a community: publicity, the survey, the reserve ledger, its working bodies
 * (guidance group, election committee). Each 未开始 / 已记录 (not started /
 * recorded) with its counts, so "nothing yet" never looks like "done". */
#define BOARD_MEASURES 4
typedef struct {
    const char *name;  /* 宣传动员 / publicity ... */
    const char *state; /* 未开始 / 已记录, or not started / recorded */
    int recorded;
    char detail[192]; /* the counts, "" when not started */
} board_measure_t;
void board_measures(const Hj__Tally__CommunityBoard *b, int en,
                    board_measure_t out[BOARD_MEASURES]);

#endif
