#ifndef HJ_CMD_BOARD_H
#define HJ_CMD_BOARD_H
/* What other commands (hj export, hj report community) read of hj board:
 * the gates' names and reasons. */
#include "cli.h"
#include "tally.pb-c.h"

#define BOARD_GATES 8
/* Gate 1..8: audit, rectification, ... (the words --override takes), or 审计, 整顿, ... */
const char *board_gate_name(int id, int en);
/* A gate's reason in English, or in Chinese (the English one from a server
 * that does not send Chinese). */
const char *board_gate_reason(const Hj__Tally__Gate *g, int en);
/* The preparation measures that have no gate, as the board carries them for
 * a community: publicity, the survey, the reserve ledger, its working bodies
 * (guidance group, election committee). Each 未开始 / 已记录 (not started /
 * recorded) with its counts, so "nothing yet" never looks like "done". */
#define BOARD_MEASURES 4
typedef struct {
    const char *name;      /* 宣传动员 / publicity ... */
    const char *state;     /* 未开始 / 已记录, or not started / recorded */
    int recorded;
    char detail[192];      /* the counts, "" when not started */
} board_measure_t;
void board_measures(const Hj__Tally__CommunityBoard *b, int en, board_measure_t out[BOARD_MEASURES]);
/* The subdistrict's own measures (its leadership group and office, guidance
 * groups, the subdistrict plan), read from the registry: one line, or
 * nothing when the device may not read them. */
void board_subdistrict_line(cli_t *cli, const char *subdistrict, const char *indent, int en);

/* The board of one community (or "" / NULL: every one), as hj board reads it:
 * CLI_OK with *reply (free with protobuf_c_message_free_unpacked) holding
 * *snapshot; else the exit code, having said why, and nothing to free. */
int board_snapshot(cli_t *cli, const char *community, Hj__Tally__Reply **reply,
                   const Hj__Tally__Snapshot **snapshot);

#endif
