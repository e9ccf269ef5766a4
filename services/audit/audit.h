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

/* audit_db.c: one function per operation; each fills call->status and, on
 * OK, call->reply (and for writes the journal fields). */
void audit_db_open(PGconn *c, hj_call_t *call, const Hj__Audit__Engagement *e);
void audit_db_show(PGconn *c, hj_call_t *call, const Hj__Audit__AuditRef *ref);
void audit_db_list(PGconn *c, hj_call_t *call, const Hj__Audit__ListQuery *q);
void audit_db_scope_add(PGconn *c, hj_call_t *call, const Hj__Audit__ScopeAdd *a);
void audit_db_scope_set(PGconn *c, hj_call_t *call, const Hj__Audit__ScopeSet *s);
void audit_db_scope_list(PGconn *c, hj_call_t *call, const Hj__Audit__AuditRef *ref);
/* fen is the parsed amount; has_amount 0 when no money is involved. */
void audit_db_finding_add(PGconn *c, hj_call_t *call, const Hj__Audit__FindingAdd *a, int64_t fen,
                          int has_amount);
void audit_db_finding_update(PGconn *c, hj_call_t *call, const Hj__Audit__FindingUpdate *u);
void audit_db_advance(PGconn *c, hj_call_t *call, const Hj__Audit__Advance *a);
void audit_db_status(PGconn *c, hj_call_t *call, const Hj__Audit__StatusQuery *q);
void audit_db_gate(PGconn *c, hj_call_t *call, const Hj__Audit__GateQuery *g);

#endif
