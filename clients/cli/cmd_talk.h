#ifndef HJ_CMD_TALK_H
#define HJ_CMD_TALK_H
/* What other commands (hj export) read of hj talk: its words and labels. */

/* A talk's phase: survey / preparation / other, or 调研摸底 / 准备阶段 / 其他 ("?" out of range).
 */
const char *talk_phase_text(int phase, int en);
/* An outside party's role: property_company ... or 物业公司负责人 ... ("?" out of range). */
const char *talk_role_text(int role, int en);

#endif
