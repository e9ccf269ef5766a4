#ifndef HJ_AUDIT_H
#define HJ_AUDIT_H
/* hj-auditd: term-end audits (任期审计) of each community's outgoing
 * committee, and the gate answer "is this community's audit done".
 * audit_server.c decodes and validates requests and routes them;
 * audit_db.c holds every SQL statement of the service; audit_rules.c the
 * pure rules (money, state moves). */
#include <stdint.h>

#include "audit.pb-c.h"
#include "audit_rules.h"
#include "hj_worker.h"

extern const hj_service_t audit_service;

/* audit_db.c: one function per operation, msg of the type named above each
 * group. Engagement, AuditRef, ListQuery; ScopeAdd, ScopeSet, AuditRef;
 * FindingAdd, FindingUpdate; Advance, StatusQuery, GateQuery */
hj_op_handle_fn audit_db_open, audit_db_show, audit_db_list;
hj_op_handle_fn audit_db_scope_add, audit_db_scope_set, audit_db_scope_list;
hj_op_handle_fn audit_db_finding_add, audit_db_finding_update;
hj_op_handle_fn audit_db_advance, audit_db_status, audit_db_gate;

#endif
