#ifndef HJ_CMD_AUDIT_H
#define HJ_CMD_AUDIT_H
/* What other commands (hj export) read of hj audit: its words and labels. */
#include <protobuf-c/protobuf-c.h>

/* The lower-case proto name of an enum value, e.g. "draft_report". */
const char *audit_word(const ProtobufCEnumDescriptor *d, int value, char buf[48]);
/* 计划, 现场审计 ... ; 提示, 违规违纪, 严重/移送; 待整改, 已整改, 已移送 ("" out of range). */
const char *audit_state_zh(int state);
const char *audit_severity_zh(int severity);
const char *audit_remedy_zh(int remedy);

#endif
