#ifndef HJ_INTERVIEWS_H
#define HJ_INTERVIEWS_H
/* hj-interviewsd: talks (谈心谈话) recorded by field teams, and their coverage
 * of the sitting committee members. interviews_server.c decodes, validates
 * and routes requests; interviews_db.c holds every SQL statement, including
 * the roster projection that is fed from the registry's journal rows. */
#include "hj_worker.h"
#include "interviews.pb-c.h"

extern const hj_service_t interviews_service;

/* interviews_db.c: one function per operation, the handle of its hj_op_t
 * (msg is the op's message, of the type named beside it); each fills
 * call->status and, on OK, call->reply (and for writes the journal fields). */
void interviews_db_talk_add(PGconn *c, hj_call_t *call, void *svc, const void *msg); /* Talk */
void interviews_db_talk_get(PGconn *c, hj_call_t *call, void *svc, const void *msg); /* Get (id) */
void interviews_db_talk_list(PGconn *c, hj_call_t *call, void *svc,
                             const void *msg); /* TalkQuery */
void interviews_db_coverage(PGconn *c, hj_call_t *call, void *svc,
                            const void *msg); /* CoverageQuery */
void interviews_db_talk_void(PGconn *c, hj_call_t *call, void *svc, const void *msg); /* TalkVoid */
void interviews_db_talk_update(PGconn *c, hj_call_t *call, void *svc,
                               const void *msg); /* TalkUpdate */
void interviews_db_follow_up_close(PGconn *c, hj_call_t *call, void *svc,
                                   const void *msg); /* FollowUpClose */

#endif
