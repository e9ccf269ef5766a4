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

/* audit_db.c: one function per operation, the handle of its hj_op_t (msg is
 * the op's message, of the type named beside it); each fills call->status
 * and, on OK, call->reply (and for writes the journal fields). */
void audit_db_open(PGconn *c, hj_call_t *call, void *svc, const void *msg);        /* Engagement */
void audit_db_show(PGconn *c, hj_call_t *call, void *svc, const void *msg);        /* AuditRef */
void audit_db_list(PGconn *c, hj_call_t *call, void *svc, const void *msg);        /* ListQuery */
void audit_db_scope_add(PGconn *c, hj_call_t *call, void *svc, const void *msg);   /* ScopeAdd */
void audit_db_scope_set(PGconn *c, hj_call_t *call, void *svc, const void *msg);   /* ScopeSet */
void audit_db_scope_list(PGconn *c, hj_call_t *call, void *svc, const void *msg);  /* AuditRef */
void audit_db_finding_add(PGconn *c, hj_call_t *call, void *svc, const void *msg); /* FindingAdd */
void audit_db_finding_update(PGconn *c, hj_call_t *call, void *svc,
                             const void *msg);                                 /* FindingUpdate */
void audit_db_advance(PGconn *c, hj_call_t *call, void *svc, const void *msg); /* Advance */
void audit_db_status(PGconn *c, hj_call_t *call, void *svc, const void *msg);  /* StatusQuery */
void audit_db_gate(PGconn *c, hj_call_t *call, void *svc, const void *msg);    /* GateQuery */

#endif
