#ifndef HJ_PREPARATION_H
#define HJ_PREPARATION_H
/* The preparation record of hj-registryd (sql/003_preparation.sql):
 * publicity, assessments and risk notes, the reserve ledger, rectification
 * and upgrades, working bodies, plans and tasks, training.
 *
 * preparation_server.c validates and routes (no SQL); the *_db.c files hold
 * the SQL, one file per measure, on the shared helpers of preparation_db.c:
 * every record is read by one SELECT described by a prep_record_t, so "show",
 * "list" (paged by the record's date and id) and the reply after a write are
 * the same code for all of them. */
#include "hj_arena.h"
#include "registry.h"

/* A list filter: when the ListQuery field `name` is set, `cond` (with one
 * %d for the parameter number) is added to the WHERE clause. */
typedef struct {
    const char *name; /* community | subdistrict | state | kind | plan | overdue */
    const char *cond;
} prep_filter_t;
/* The subdistrict filter of a record that belongs to one community. */
#define PREP_IN_SUBDISTRICT                                                                        \
    "t.community IN (SELECT c.code FROM registry.community c WHERE c.subdistrict = $%d)"

typedef struct {
    /* "SELECT cols FROM <table> t ...": each column named as the field it
     * fills (hj_pgrow_fill); a column named as a repeated field carries its
     * strings, or its child records (prep_children), in one text. */
    const char *select;
    const char *table;            /* for the paging cursor */
    const char *sort;             /* column of t the pages follow, then t.id */
    const prep_filter_t *filters; /* ends with {NULL, NULL} */
    const ProtobufCMessageDescriptor *item;
    /* field 1 = repeated items. The Reply's result fields of item and list
     * are those of these types (prep_result). */
    const ProtobufCMessageDescriptor *list;
    /* Issue #20, when `voided` is set: the table has voided_at and void_reason (sql/020) and
     * `select`'s list of columns ends with PREP_VOID_COLS; lists leave voided rows
     * out unless the query's include_void, and the item's `voided` and
     * `void_reason` fields are filled. */
    const char *voided; /* the journal kind of a void ("task_voided"); NULL: not voidable */
    /* Issue #20, a correction (the record's XxxUpdate op, prep_db_update):
     * its statements, run once the record as it stands is locked, msg the
     * op's message (whose `id` names the record). 0, or -1 with the status
     * set. NULL: the record has no correction op. */
    int (*correct)(PGconn *c, hj_call_t *call, const void *msg);
    const char *corrected; /* the journal kind of a correction ("task_updated") */
} prep_record_t;
/* The voidable records also have a short code (sql/024): filled into `code`. */
#define PREP_VOID_COLS "t.code, t.voided_at IS NOT NULL, COALESCE(t.void_reason, '')"

/* A statement that fails sets INTERNAL (or the mapped 23505/23503 answer)
 * and returns NULL. */
PGresult *prep_q(PGconn *c, hj_call_t *call, const char *what, const char *sql, int n,
                 const char *const *values);
/* One record by id into *out (arena-owned). 0, or -1 with NOT_FOUND/INTERNAL. */
int prep_fetch(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id, hj_arena_t *a,
               ProtobufCMessage **out);
/* Replies with one record; `kind` given = a write: journal kind, the
 * record's community (when it has one) and the record as payload. */
void prep_db_get(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                 const char *kind);
/* One page of a list into *out (arena-owned). 0 / -1. */
int prep_fetch_page(PGconn *c, hj_call_t *call, const prep_record_t *rec,
                    const Hj__Registry__ListQuery *q, hj_arena_t *a, ProtobufCMessage **out);
/* The handlers of the ops every record shares (hj_op_t.arg: its
 * prep_record_t): show one by Get, list one page by ListQuery, and void one
 * by RecordVoid (below). */
void prep_db_show(PGconn *c, hj_call_t *call, void *svc, const void *msg);
void prep_db_list(PGconn *c, hj_call_t *call, void *svc, const void *msg);
/* The field of registry's Reply that carries a message of desc (a record,
 * a list of them), or 0 when none does. */
int prep_result(const ProtobufCMessageDescriptor *desc);
/* Packs Reply{OK, result field = msg}; journals msg as in prep_db_get when kind. */
void prep_reply(hj_call_t *call, int field, const ProtobufCMessage *msg, const char *kind);
/* The row of r (a statement that found one: hj_call_q_row; NULL when it did
 * not, answered already) as a message of desc, its columns named as the
 * fields, replied as prep_reply replies it. Clears r. */
void prep_reply_row(hj_call_t *call, PGresult *r, const ProtobufCMessageDescriptor *desc,
                    const char *kind);
/* Journals a write whose payload differs from its reply (call after prep_reply). */
void prep_journal(hj_call_t *call, const char *kind, const char *community,
                  const ProtobufCMessage *record);
/* NOT_FOUND naming field when no row of `table` has key = value. 0 found / -1. */
int prep_exists(PGconn *c, hj_call_t *call, const char *table, const char *key, const char *value,
                const char *field, const char *what);
/* Corrections without deletion (issue #20). Void: sets voided_at and the
 * reason of a record that stands, replies with it and journals its `voided`;
 * NOT_FOUND for an unknown id, FAILED_PRECONDITION (field id) for a voided one. */
void prep_db_void(PGconn *c, hj_call_t *call, void *svc, const void *msg);
/* A correction of the record (hj_op_t.arg) its message's `id` names: locks
 * it as it stands (refused as prep_db_void refuses), runs its `correct`,
 * and replies as prep_db_corrected replies, journaling `corrected`. */
void prep_db_update(PGconn *c, hj_call_t *call, void *svc, const void *msg);
/* A correction, first step: the record as it stands, locked (refused as
 * prep_db_void refuses). 0 / -1. */
int prep_fetch_standing(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                        hj_arena_t *a, ProtobufCMessage **before);
/* Last step, after the UPDATEs: replies with the record, its `previous` =
 * before, and journals `kind`. */
void prep_db_corrected(PGconn *c, hj_call_t *call, const prep_record_t *rec, const char *id,
                       ProtobufCMessage *before, hj_arena_t *a, const char *kind);

/* prep_shared.c: prep_q for a statement whose rows nobody reads. 0 / -1. */
int prep_exec(PGconn *c, hj_call_t *call, const char *what, const char *sql, int n,
              const char *const *values);
/* An UPDATE or DELETE (r: its result, cleared here) that must change a row:
 * 0 when it did; -1 when it failed (r NULL: status set already) or changed
 * none (then status code, naming field, with the message fmt makes). */
int prep_changed(hj_call_t *call, PGresult *r, Hj__Code code, const char *field, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
/* The place a record is for: its community when given, else its subdistrict;
 * NOT_FOUND naming the one that is unknown. 0 / -1. */
int prep_place_exists(PGconn *c, hj_call_t *call, const char *community, const char *subdistrict);
/* The subdistrict of a community into subdistrict; NOT_FOUND naming
 * "community" when there is none. 0 / -1. */
int prep_community_subdistrict(PGconn *c, hj_call_t *call, const char *community,
                               char subdistrict[64]);
/* Child records in one column (records split by \x1e, fields by \x1f, in
 * the order of the child message's field numbers; free text never holds
 * control characters, the server refuses them): *n messages of desc, each
 * initialised and, when it has as many fields as desc, filled (string and
 * uint32 fields). Returns the pointer array protobuf-c wants (arena-owned,
 * NULL after the last), or NULL with *n 0 when out of memory. */
void **prep_children(hj_arena_t *a, const char *column, const ProtobufCMessageDescriptor *desc,
                     size_t *n);

/* FAILED_PRECONDITION naming the rule. Always -1. */
int prep_refuse(hj_call_t *call, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks shared by the server and the import (preparation_server.c). */
int prep_check_reserve(hj_status_t *st, const Hj__Registry__Reserve *r);
int prep_check_reserve_state(hj_status_t *st, const char *status, const char *vetting,
                             const char *bar_reason);

/* preparation_server.c: the preparation record's operations of the registry
 * request (checks and handlers), the second of registry's op tables. */
extern const hj_op_t preparation_ops[];

/* The records the shared handlers read (hj_op_t.arg). */
extern const prep_record_t publicity_record, assessment_record, reserve_record,
    rectification_record, upgrade_record, body_record, plan_record, task_record, training_record;

/* The operations, one per request op (the *_db.c files): the handle of its
 * hj_op_t, msg the op's message of the type named above each group. */
/* Publicity, ListQuery */
hj_op_handle_fn publicity_db_add, publicity_db_list;
/* Assessment; CommunityRisk, Get (key) */
hj_op_handle_fn assessment_db_add, risk_db_set, risk_db_get;
/* Reserve, ReserveUpdate, then ReserveImport for both: every row checked
 * against the record; import writes them all when none is bad, check only
 * reports. */
hj_op_handle_fn reserve_db_add, reserve_db_update, reserve_db_import, reserve_db_check;
/* Rectification, RectificationStep (advance and close); Upgrade, UpgradeDecision */
hj_op_handle_fn rectification_db_open, rectification_db_advance, rectification_db_close,
    upgrade_db_request, upgrade_db_decide;
/* Body, BodyChange */
hj_op_handle_fn body_db_add, body_db_change;
/* Plan, PlanEdit (edit and revise), PlanDecision; Task, TaskDone */
hj_op_handle_fn plan_db_add, plan_db_edit, plan_db_revise, plan_db_decide, task_db_add,
    task_db_done;
/* Training, Get (key: a community) */
hj_op_handle_fn training_db_add, training_db_coverage;
/* The corrections (prep_record_t.correct) of PublicityUpdate, TrainingUpdate, TaskUpdate. */
int publicity_db_correct(PGconn *c, hj_call_t *call, const void *msg);
int training_db_correct(PGconn *c, hj_call_t *call, const void *msg);
int task_db_correct(PGconn *c, hj_call_t *call, const void *msg);
/* Get (key): the record a short code (X0042, sql/024) names, as a RecordRef. */
hj_op_handle_fn record_db_resolve;
/* 0 when code is a record's short code: one of the letters of sql/024 and at least four digits. */
int prep_check_record_code(hj_status_t *st, const char *field, const char *code);

#endif
