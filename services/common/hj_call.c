/* hj_call: one request's whole life. See hj_call.h. */
#include "hj_call.h"
#include "hj_db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hj_call_t *hj_call_new(void)
{
    return calloc(1, sizeof(hj_call_t));
}

void hj_call_destroy(hj_call_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_call_t *c = *self_p;
    *self_p = NULL;
    free(c->reply);
    free(c->payload);
    if (c->identity)
        hj__identity__free_unpacked(c->identity, NULL);
    free(c);
}

/* What goes after the stored first reply when a write is replayed: Reply
 * field 1 again, `status { message: HJ_REPLAY_MESSAGE }`. Protobuf merges a
 * repeated message field into the first, so the reply decodes as before (code
 * OK, the same result) and the client can tell "already there". The journal
 * keeps the first reply unmarked. */
#define S_MARK_TEXT (sizeof HJ_REPLAY_MESSAGE - 1)
#define S_MARK_LEN (4 + S_MARK_TEXT)

static void s_mark_replay(uint8_t *at)
{
    at[0] = 0x0a; /* field 1 (status), length-delimited */
    at[1] = 2 + S_MARK_TEXT;
    at[2] = 0x12; /* Status field 2 (message), length-delimited */
    at[3] = S_MARK_TEXT;
    memcpy(at + 4, HJ_REPLAY_MESSAGE, S_MARK_TEXT);
}

uint8_t *hj_call_take_reply(hj_call_t *call, size_t *len)
{
    uint8_t *out;
    if (call->status.code == HJ__CODE__OK && call->reply) {
        out = call->reply;
        *len = call->reply_len;
        call->reply = NULL;
        uint8_t *marked = call->replayed ? realloc(out, *len + S_MARK_LEN) : NULL;
        if (marked) {
            s_mark_replay(marked + *len);
            out = marked;
            *len += S_MARK_LEN;
        }
    } else {
        if (call->status.code == HJ__CODE__OK)
            hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "the service gave no reply");
        out = hj_status_pack(&call->status, len);
    }
    return out;
}

int hj_call_read_scope(hj_call_t *call, char **communities)
{
    if (hj_auth_read_scope(call->permission, call->identity, communities) != 0)
        return hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    call->read_filtered = 1;
    return 0;
}

void hj_call_reply(hj_call_t *call, ProtobufCMessage *reply, const ProtobufCMessage *record)
{
    Hj__Status ok = HJ__STATUS__INIT;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(reply->descriptor, "status");
    if (f && f->type == PROTOBUF_C_TYPE_MESSAGE)
        *(ProtobufCMessage **)((char *)reply + f->offset) = &ok.base;
    free(call->reply);
    call->reply_len = protobuf_c_message_get_packed_size(reply);
    call->reply = malloc(call->reply_len ? call->reply_len : 1);
    if (call->reply)
        protobuf_c_message_pack(reply, call->reply);
    if (f && f->type == PROTOBUF_C_TYPE_MESSAGE)
        *(ProtobufCMessage **)((char *)reply + f->offset) = NULL;
    if (record) {
        free(call->payload);
        call->payload_len = protobuf_c_message_get_packed_size(record);
        call->payload = malloc(call->payload_len ? call->payload_len : 1);
        if (call->payload)
            protobuf_c_message_pack(record, call->payload);
    }
}

void hj_call_sql_failed(hj_call_t *call, const char *sqlstate, const char *what, const char *field)
{
    if (strcmp(sqlstate, "23505") == 0)
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, field, "%s already exists", what);
    else if (strcmp(sqlstate, "23503") == 0)
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, field, "%s refers to something unknown",
                      what);
    else if (strcmp(sqlstate, "40P01") == 0 || strcmp(sqlstate, "40001") == 0)
        hj_status_set(&call->status, HJ__CODE__UNAVAILABLE, "",
                      "a concurrent change to %s collided with this one; try again", what);
    else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "database error while handling %s",
                      what);
}

PGresult *hj_call_q(hj_call_t *call, PGconn *c, const char *what, const char *field,
                    const char *sql, int n, const char *const *values)
{
    char state[6];
    PGresult *r = hj_pq(c, state, sql, n, values);
    if (!r)
        hj_call_sql_failed(call, state, what, field);
    return r;
}

/* fmt and ap are the callers' own (hj_call_q_row's, hj_call_exists'). */
static PGresult *s_q_row(hj_call_t *call, PGconn *c, const char *what, const char *field,
                         const char *sql, int n, const char *const *values, const char *fmt,
                         va_list ap) __attribute__((format(printf, 8, 0)));

static PGresult *s_q_row(hj_call_t *call, PGconn *c, const char *what, const char *field,
                         const char *sql, int n, const char *const *values, const char *fmt,
                         va_list ap)
{
    char message[sizeof call->status.message];
    PGresult *r = hj_call_q(call, c, what, field, sql, n, values);
    if (r && PQntuples(r) == 0) {
        vsnprintf(message, sizeof message, fmt, ap);
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, field, "%s", message);
        PQclear(r);
        r = NULL;
    }
    return r;
}

PGresult *hj_call_q_row(hj_call_t *call, PGconn *c, const char *what, const char *field,
                        const char *sql, int n, const char *const *values, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *r = s_q_row(call, c, what, field, sql, n, values, fmt, ap);
    va_end(ap);
    return r;
}

int hj_call_exists(hj_call_t *call, PGconn *c, const char *what, const char *field, const char *sql,
                   int n, const char *const *values, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *r = s_q_row(call, c, what, field, sql, n, values, fmt, ap);
    va_end(ap);
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

int hj_call_exec(hj_call_t *call, PGconn *c, const char *what, const char *field, const char *sql,
                 int n, const char *const *values)
{
    PGresult *r = hj_call_q(call, c, what, field, sql, n, values);
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

int hj_call_changed(hj_call_t *call, PGconn *c, const char *what, const char *field,
                    const char *sql, int n, const char *const *values, int *changed)
{
    PGresult *r = hj_call_q(call, c, what, field, sql, n, values);
    int rc = r ? 0 : -1;
    *changed = r ? atoi(PQcmdTuples(r)) : 0;
    PQclear(r);
    return rc;
}

ProtobufCMessage *hj_call_unpack(hj_call_t *call, const ProtobufCMessageDescriptor *desc,
                                 const hj_permission_t *permissions, const uint8_t *body,
                                 size_t len)
{
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, NULL, len, body);
    if (!m) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "body",
                      "the body is not a %s message", desc->name);
        return NULL;
    }
    call->request = m;
    /* The op is the case of the Request's oneof; request_id its field 1. */
    for (unsigned i = 0; i < desc->n_fields; i++)
        if (desc->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            call->op =
                (int)*(const uint32_t *)((const char *)m + desc->fields[i].quantifier_offset);
            break;
        }
    if (hj_check_wire_text(&call->status, desc, body, len) != 0)
        return NULL;
    if (hj_auth_is_write(permissions, call->op)) {
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(desc, "request_id");
        const char *rid = f ? *(char *const *)((const char *)m + f->offset) : NULL;
        if (hj_check_uuid(&call->status, "request_id", rid ? rid : "") != 0)
            return NULL;
        snprintf(call->request_id, sizeof call->request_id, "%s", rid);
    }
    return m;
}

static const hj_op_t *s_find_op(const hj_op_t *const *tables, int op)
{
    for (; *tables; tables++)
        for (const hj_op_t *e = *tables; e->handle; e++)
            if (e->op == op)
                return e;
    return NULL;
}

int hj_call_decode(hj_call_t *call, const ProtobufCMessageDescriptor *desc,
                   const hj_permission_t *permissions, const hj_op_t *const *tables,
                   const uint8_t *body, size_t len)
{
    const ProtobufCMessage *m = hj_call_unpack(call, desc, permissions, body, len);
    if (!m)
        return -1;
    /* protobuf-c numbers a oneof's cases by their fields' numbers. */
    const ProtobufCFieldDescriptor *f =
        call->op > 0 ? protobuf_c_message_descriptor_get_field(desc, (unsigned)call->op) : NULL;
    call->handler = s_find_op(tables, call->op);
    if (!call->handler || !f || f->type != PROTOBUF_C_TYPE_MESSAGE) {
        const char *service = strrchr(desc->package_name, '.');
        call->handler = NULL;
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "op",
                             "unknown %s operation", service ? service + 1 : desc->package_name);
    }
    call->message = *(const ProtobufCMessage *const *)((const char *)m + f->offset);
    return call->handler->check ? call->handler->check(&call->status, call->message) : 0;
}

void hj_call_dispatch(PGconn *c, hj_call_t *call, void *svc)
{
    if (call->handler)
        call->handler->handle(c, call, svc, call->message);
    else
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "op", "unknown operation");
}

void hj_call_release(hj_call_t *call)
{
    if (call->request)
        protobuf_c_message_free_unpacked(call->request, NULL);
    call->request = NULL;
    call->handler = NULL;
    call->message = NULL;
}
