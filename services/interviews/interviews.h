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
 * (msg is the op's message: talk_add Talk, talk_get Get (id), talk_list
 * TalkQuery, coverage CoverageQuery, talk_void TalkVoid, talk_update
 * TalkUpdate, follow_up_close FollowUpClose); each fills call->status and,
 * on OK, call->reply (and for writes the journal fields). */
hj_op_handle_fn interviews_db_talk_add, interviews_db_talk_get, interviews_db_talk_list,
    interviews_db_coverage, interviews_db_talk_void, interviews_db_talk_update,
    interviews_db_follow_up_close;

#endif
