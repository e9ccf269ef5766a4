#ifndef HJ_CALL_H
#define HJ_CALL_H
/* One request's whole life: the transport (hj_worker) makes it and unpacks
 * its body, the writer runs it through the service's handler, the handler
 * replies on it, the transport takes the bytes to send and destroys it.
 * What each part may set is written beside each field. */
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "hj_auth.h"
#include "hj_envelope.h"

typedef struct hj_call hj_call_t;

/* An op's handler (hj_op_t's handle), on the database thread, as hj_handle_fn
 * with svc and the op's message. A service's header declares its handlers
 * with it: `hj_op_handle_fn audit_db_open, audit_db_show;`. */
typedef void hj_op_handle_fn(PGconn *c, hj_call_t *call, void *svc, const void *msg);
/* An op's check (hj_op_t's check), declared the same way. */
typedef int hj_op_check_fn(hj_status_t *st, const void *msg);

/* One operation of a service: how its decoder checks it and how the writer
 * runs it, each given the op's own message (the Request oneof's member for
 * that case). A service lists them in tables that end with an entry whose
 * handle is NULL; hj_call_decode finds the entry, hj_call_dispatch runs it. */
typedef struct {
    int op; /* the Request oneof's case: the member's field number */
    /* On the loop thread, before anything reaches the database: 0, or -1
     * with st set (naming the field). NULL: the wire checks are enough. */
    hj_op_check_fn *check;
    hj_op_handle_fn *handle;
    /* What a handler shared by several ops reads of its entry
     * (call->handler->arg), e.g. which record; NULL for the others. */
    const void *arg;
} hj_op_t;

struct hj_call {
    hj_call_t *next;
    void *route; /* the transport's (worker's) routing state */
    /* Set by the service's decoder. */
    char request_id[37];    /* writes: the client's UUID; "" for reads */
    uint8_t digest[32];     /* SHA-256 of the request body (set by the transport) */
    char actor[64];         /* who is asking: set by the transport, never by the client */
    Hj__Identity *identity; /* the caller's device, role and scope (the transport's; freed
                             * with the call). A write is refused without one, and for a
                             * scoped role unless it journals one of its communities. */
    int op;                 /* the service's own operation number */
    const hj_permission_t *permission; /* op's entry in the service's table (set by the
                                        * transport once the caller is permitted; NULL without one):
                                        * a read's scope (hj_call_read_scope) and personal fields */
    int read_filtered;                 /* the handler filtered its list by hj_call_read_scope */
    void *request;                     /* the service's unpacked request */
    const hj_op_t *handler;            /* op's entry in the service's tables (hj_call_decode) */
    const void *message;               /* op's own message inside request (hj_call_decode) */
    /* Set by the service's handler (on the database thread). */
    hj_status_t status;
    uint8_t *reply; /* packed service reply (malloc'd) when status is OK */
    size_t reply_len;
    char kind[64];      /* journal: what happened, e.g. "community_added" */
    char community[64]; /* journal: the community concerned, or "" */
    uint8_t *payload;   /* journal: the packed record (malloc'd) */
    size_t payload_len;
    int replayed; /* 1 when the reply is the stored one of an earlier try */
};

/* For the transport: allocate / free a call and everything it owns. */
hj_call_t *hj_call_new(void);
void hj_call_destroy(hj_call_t **self_p);
/* For handlers: packs `reply` (any service's Reply message; its field
 * `status` is set to OK here) into call->reply, and `record`, when given, as
 * the journal payload of a write. */
void hj_call_reply(hj_call_t *call, ProtobufCMessage *reply, const ProtobufCMessage *record);
/* For handlers of a list: the community filter of this read
 * (hj_auth_read_scope: *communities NULL = every community, else a malloc'd
 * text[] literal to free). Marks the call as filtered, so its reply needs
 * no community of its own. 0, or -1 with INTERNAL set (out of memory). */
int hj_call_read_scope(hj_call_t *call, char **communities);
/* For handlers: the answer a user understands for a failed statement:
 * 23505 ALREADY_EXISTS and 23503 NOT_FOUND (naming `field`), 40P01/40001
 * UNAVAILABLE (a collision; retry), anything else INTERNAL. */
void hj_call_sql_failed(hj_call_t *call, const char *sqlstate, const char *what, const char *field);
/* For handlers: a statement (hj_pq) whose failure is answered as
 * hj_call_sql_failed answers `what` and `field`. The result, or NULL. */
PGresult *hj_call_q(hj_call_t *call, PGconn *c, const char *what, const char *field,
                    const char *sql, int n, const char *const *values);
/* hj_call_q for a statement that looks up one thing: the result, holding
 * its row (the caller clears it); NULL when the statement failed (answered as
 * hj_call_q answers) or found no row: then NOT_FOUND naming `field`, with the
 * message fmt makes ("objection %s not found"). */
PGresult *hj_call_q_row(hj_call_t *call, PGconn *c, const char *what, const char *field,
                        const char *sql, int n, const char *const *values, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* hj_call_q_row for a statement that only says whether the thing exists:
 * 0 when it found a row, else -1 answered as hj_call_q_row answers. */
int hj_call_exists(hj_call_t *call, PGconn *c, const char *what, const char *field, const char *sql,
                   int n, const char *const *values, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* hj_call_q for a statement whose rows nobody reads. 0 / -1. */
int hj_call_exec(hj_call_t *call, PGconn *c, const char *what, const char *field, const char *sql,
                 int n, const char *const *values);
/* hj_call_exec for an UPDATE or DELETE: *changed is how many rows it
 * changed (0 when it failed). 0 / -1. */
int hj_call_changed(hj_call_t *call, PGconn *c, const char *what, const char *field,
                    const char *sql, int n, const char *const *values, int *changed);
/* The bytes to send back: the reply, or the packed status when not OK. */
uint8_t *hj_call_take_reply(hj_call_t *call, size_t *len);
/* The first steps every service's decode shares: unpack `body` as `desc`
 * (a service's Request: `string request_id = 1` and one `oneof op`), check its
 * strings on the wire (NUL, UTF-8), set call->request and call->op, and for a
 * write (by the permission table) take its UUID into call->request_id.
 * Returns the message, or NULL with call->status set (INVALID_ARGUMENT). */
ProtobufCMessage *hj_call_unpack(hj_call_t *call, const ProtobufCMessageDescriptor *desc,
                                 const hj_permission_t *permissions, const uint8_t *body,
                                 size_t len);
/* A service's whole decode: hj_call_unpack, then the op's entry in `tables`
 * (a NULL-terminated list of op tables; the first entry for the op wins)
 * and its check on the op's message. 0, or -1 with call->status set: an op
 * no table lists is INVALID_ARGUMENT "unknown <package> operation". */
int hj_call_decode(hj_call_t *call, const ProtobufCMessageDescriptor *desc,
                   const hj_permission_t *permissions, const hj_op_t *const *tables,
                   const uint8_t *body, size_t len);
/* Any service's .handle: runs the handler hj_call_decode found. */
void hj_call_dispatch(PGconn *c, hj_call_t *call, void *svc);
/* Frees call->request as unpacked by hj_call_unpack: any service's .release. */
void hj_call_release(hj_call_t *call);

#endif
