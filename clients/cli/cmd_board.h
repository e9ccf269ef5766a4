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
/* A gate's state as read: Chinese, or English (on screen a red or an
 * overridden gate shouts, RED; plain as a file writes it, red). NULL for a
 * state it does not know. */
const char *board_state_word(Hj__Tally__GateState s, int en, int plain);
#include "measures.h"
/* The subdistrict's own measures (its leadership group and office, guidance
 * groups, the subdistrict plan), read from the registry: one line, or
 * nothing when the device may not read them. */
void board_subdistrict_line(cli_t *cli, const char *subdistrict, const char *indent, int en);

/* The board of one community, or of one subdistrict's communities (each "" /
 * NULL: every one), as hj board reads it:
 * CLI_OK with *reply (free with protobuf_c_message_free_unpacked) holding
 * *snapshot; else the exit code, having said why, and nothing to free. */
int board_snapshot(cli_t *cli, const char *community, const char *subdistrict,
                   Hj__Tally__Reply **reply, const Hj__Tally__Snapshot **snapshot);

#endif
