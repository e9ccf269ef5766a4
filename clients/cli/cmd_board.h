#ifndef HJ_CMD_BOARD_H
#define HJ_CMD_BOARD_H
/* What other commands (hj export) read of hj board: the gates' names. */

#define BOARD_GATES 8
/* Gate 1..8: audit, rectification, ... (the words --override takes), or 审计, 整顿, ... */
const char *board_gate_name(int id, int en);

#endif
