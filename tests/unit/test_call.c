/* Unit tests for hj_call: a request's life from the transport's bytes to the
 * bytes sent back. What a handler and the transport rely on: bad bodies
 * refused naming the field, the reply packed with status OK, a replay marked,
 * a failed statement turned into the status a user understands, and a call
 * freed whole (under ASan, a lost reply, payload or identity is a leak). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hj_call.h"
#include "registry.pb-c.h"

#define S_UUID "6f0e3b1a-1111-4222-8333-00000000c0de"

/* A two-operation table: one write, one scoped read. */
static const hj_permission_t s_table[] = {
    {HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD, "community add", 1, HJ_ROLES_ALL, 0, 0},
    {HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST, "community list", 0, HJ_ROLES_ALL, 1, 0},
    {0, NULL, 0, 0, 0, 0},
};

typedef struct {
    uint8_t *data;
    size_t len;
} s_bytes_t;

/* A registry request adding community `name`, with request id `rid`. */
static s_bytes_t s_add_request(const char *rid, const char *name)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    m.code = "KBS-BH-09";
    m.name = (char *)name;
    req.request_id = (char *)rid;
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
    req.community_add = &m;
    s_bytes_t b = {NULL, hj__registry__request__get_packed_size(&req)};
    b.data = malloc(b.len + 1);
    cr_assert_not_null(b.data);
    hj__registry__request__pack(&req, b.data);
    return b;
}

/* A guidance group's device as the transport unpacks it (the call frees it):
 * scoped to `communities` when there are any. */
static Hj__Identity *s_identity(char **communities, size_t n)
{
    Hj__Identity who = HJ__IDENTITY__INIT;
    who.device = "gg-binhe-1";
    who.role = "guidance-group";
    who.scoped = n > 0;
    who.communities = communities;
    who.n_communities = n;
    uint8_t packed[256];
    Hj__Identity *id = hj__identity__unpack(NULL, hj__identity__pack(&who, packed), packed);
    cr_assert_not_null(id);
    return id;
}

static hj_call_t *s_unpacked(s_bytes_t b, ProtobufCMessage **m)
{
    hj_call_t *call = hj_call_new();
    cr_assert_not_null(call);
    *m = hj_call_unpack(call, &hj__registry__request__descriptor, s_table, b.data, b.len);
    free(b.data);
    return call;
}

Test(call, destroy_takes_null_and_nulls_the_pointer)
{
    hj_call_destroy(NULL);
    hj_call_t *call = NULL;
    hj_call_destroy(&call);
    call = hj_call_new();
    cr_assert_not_null(call);
    cr_assert_eq(call->status.code, HJ__CODE__OK, "a new call has nothing wrong with it");
    /* Everything a call owns goes with it. */
    call->identity = s_identity(NULL, 0);
    call->reply = malloc(8);
    call->payload = malloc(8);
    hj_call_destroy(&call);
    cr_assert_null(call, "the caller's pointer is cleared");
    hj_call_destroy(&call);
}

Test(call, a_body_that_is_not_the_request_is_refused_naming_the_body)
{
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    hj_call_t *call = hj_call_new();
    ProtobufCMessage *m =
        hj_call_unpack(call, &hj__registry__request__descriptor, s_table, junk, sizeof junk);
    cr_assert_null(m);
    cr_assert_eq(call->status.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(call->status.field, "body");
    cr_assert(strstr(call->status.message, "hj.registry.Request"), "%s", call->status.message);
    cr_assert_null(call->request, "nothing to release");
    hj_call_release(call);
    hj_call_destroy(&call);
}

Test(call, a_write_takes_its_uuid_and_its_operation)
{
    ProtobufCMessage *m;
    hj_call_t *call = s_unpacked(s_add_request(S_UUID, "测试社区"), &m);
    cr_assert_not_null(m, "%s", call->status.message);
    cr_assert_eq(call->status.code, HJ__CODE__OK);
    cr_assert_eq((void *)m, call->request);
    cr_assert_eq(call->op, HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD);
    cr_assert_str_eq(call->request_id, S_UUID);
    Hj__Registry__Request *req = (Hj__Registry__Request *)m;
    cr_assert_str_eq(req->community_add->name, "测试社区");
    hj_call_release(call);
    cr_assert_null(call->request, "released once, not twice");
    hj_call_release(call);
    hj_call_destroy(&call);
}

Test(call, a_bad_write_is_refused_naming_its_field)
{
    /* Three request ids that are no UUID, then a good one with a name that is
     * not UTF-8: the field named is the one at fault. */
    const char *request_ids[] = {"", "not-a-uuid", "'; DELETE FROM bus.journal; --", S_UUID};
    for (size_t i = 0; i < sizeof request_ids / sizeof request_ids[0]; i++) {
        int bad_name = strcmp(request_ids[i], S_UUID) == 0;
        ProtobufCMessage *m;
        hj_call_t *call =
            s_unpacked(s_add_request(request_ids[i], bad_name ? "测试\xe6\xbb" : "测试社区"), &m);
        cr_assert_null(m, "request id '%s' was taken", request_ids[i]);
        cr_assert_eq(call->status.code, HJ__CODE__INVALID_ARGUMENT, "'%s'", request_ids[i]);
        cr_assert_str_eq(call->status.field, bad_name ? "name" : "request_id", "'%s': %s",
                         request_ids[i], call->status.message);
        cr_assert_str_eq(call->request_id, "", "'%s': a refused request id was kept",
                         request_ids[i]);
        hj_call_release(call); /* the message was unpacked: the transport frees it */
        hj_call_destroy(&call);
    }
}

Test(call, a_read_needs_no_uuid)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST;
    req.community_list = &q;
    s_bytes_t b = {malloc(hj__registry__request__get_packed_size(&req) + 1), 0};
    b.len = hj__registry__request__pack(&req, b.data);
    ProtobufCMessage *m;
    hj_call_t *call = s_unpacked(b, &m);
    cr_assert_not_null(m, "%s", call->status.message);
    cr_assert_eq(call->op, HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST);
    cr_assert_str_eq(call->request_id, "");
    hj_call_release(call);
    hj_call_destroy(&call);
}

/* The reply a handler builds: one community. */
static void s_reply_community(hj_call_t *call, int with_record)
{
    Hj__Registry__Reply reply = HJ__REGISTRY__REPLY__INIT;
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    m.code = "KBS-BH-01";
    m.name = "滨河社区";
    reply.result_case = HJ__REGISTRY__REPLY__RESULT_COMMUNITY;
    reply.community = &m;
    hj_call_reply(call, &reply.base, with_record ? &m.base : NULL);
    cr_assert_null(reply.status, "the handler's message is left as it was");
}

static Hj__Registry__Reply *s_take(hj_call_t *call)
{
    size_t len = 0;
    uint8_t *bytes = hj_call_take_reply(call, &len);
    cr_assert_not_null(bytes);
    Hj__Registry__Reply *r = hj__registry__reply__unpack(NULL, len, bytes);
    free(bytes);
    cr_assert_not_null(r, "the bytes sent back are a registry Reply");
    cr_assert_not_null(r->status, "every reply carries a status");
    return r;
}

Test(call, a_reply_is_sent_with_status_ok_and_the_record_journaled)
{
    hj_call_t *call = hj_call_new();
    s_reply_community(call, 1);
    cr_assert_not_null(call->payload);
    Hj__Registry__Community *rec =
        hj__registry__community__unpack(NULL, call->payload_len, call->payload);
    cr_assert_not_null(rec, "the journal payload is the record");
    cr_assert_str_eq(rec->name, "滨河社区");
    hj__registry__community__free_unpacked(rec, NULL);

    Hj__Registry__Reply *r = s_take(call);
    cr_assert_eq(r->status->code, HJ__CODE__OK);
    cr_assert_str_eq(r->status->message, "");
    cr_assert_eq(r->result_case, HJ__REGISTRY__REPLY__RESULT_COMMUNITY);
    cr_assert_str_eq(r->community->name, "滨河社区");
    hj__registry__reply__free_unpacked(r, NULL);
    cr_assert_null(call->reply, "the transport owns the bytes now");
    hj_call_destroy(&call);
}

Test(call, a_replayed_reply_is_the_first_one_marked_replayed)
{
    hj_call_t *call = hj_call_new();
    s_reply_community(call, 0);
    cr_assert_null(call->payload, "a read journals nothing");
    call->replayed = 1;
    Hj__Registry__Reply *r = s_take(call);
    cr_assert_eq(r->status->code, HJ__CODE__OK);
    cr_assert_str_eq(r->status->message, HJ_REPLAY_MESSAGE);
    cr_assert_eq(r->result_case, HJ__REGISTRY__REPLY__RESULT_COMMUNITY, "the same result");
    cr_assert_str_eq(r->community->code, "KBS-BH-01");
    hj__registry__reply__free_unpacked(r, NULL);
    hj_call_destroy(&call);
}

Test(call, a_refusal_is_sent_as_its_status_and_no_reply_is_internal)
{
    hj_call_t *call = hj_call_new();
    s_reply_community(call, 0); /* replied, then refused: the refusal wins */
    hj_status_set(&call->status, HJ__CODE__FAILED_PRECONDITION, "gates", "2 gates are red");
    Hj__Registry__Reply *r = s_take(call);
    cr_assert_eq(r->status->code, HJ__CODE__FAILED_PRECONDITION);
    cr_assert_str_eq(r->status->field, "gates");
    cr_assert_str_eq(r->status->message, "2 gates are red");
    cr_assert_eq(r->result_case, HJ__REGISTRY__REPLY__RESULT__NOT_SET);
    hj__registry__reply__free_unpacked(r, NULL);
    hj_call_destroy(&call);

    call = hj_call_new();
    r = s_take(call);
    cr_assert_eq(r->status->code, HJ__CODE__INTERNAL, "a handler that forgot to reply");
    cr_assert_str_eq(r->status->message, "the service gave no reply");
    hj__registry__reply__free_unpacked(r, NULL);
    hj_call_destroy(&call);
}

Test(call, a_failed_statement_becomes_what_a_user_understands)
{
    static const struct {
        const char *sqlstate;
        Hj__Code code;
        const char *field;
        const char *says;
    } rows[] = {
        {"23505", HJ__CODE__ALREADY_EXISTS, "code", "community already exists"},
        {"23503", HJ__CODE__NOT_FOUND, "code", "community refers to something unknown"},
        {"40P01", HJ__CODE__UNAVAILABLE, "", "try again"},
        {"40001", HJ__CODE__UNAVAILABLE, "", "try again"},
        {"42601", HJ__CODE__INTERNAL, "", "database error while handling community"},
        {"", HJ__CODE__INTERNAL, "", "database error while handling community"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        hj_call_t *call = hj_call_new();
        hj_call_sql_failed(call, rows[i].sqlstate, "community", "code");
        cr_assert_eq(call->status.code, rows[i].code, "SQLSTATE '%s': code %d", rows[i].sqlstate,
                     call->status.code);
        cr_assert_str_eq(call->status.field, rows[i].field, "SQLSTATE '%s'", rows[i].sqlstate);
        cr_assert(strstr(call->status.message, rows[i].says), "SQLSTATE '%s': %s", rows[i].sqlstate,
                  call->status.message);
        hj_call_destroy(&call);
    }
}

Test(call, a_scoped_read_is_filtered_to_the_callers_communities)
{
    hj_call_t *call = hj_call_new();
    char *communities = (char *)"unset";
    call->permission = &s_table[1];
    cr_assert_eq(hj_call_read_scope(call, &communities), 0);
    cr_assert_null(communities, "no identity, no scope: every community");
    cr_assert_eq(call->read_filtered, 1);

    char *mine[] = {"KBS-BH-01", "KBS-BH-02"};
    call->identity = s_identity(mine, 2);
    call->read_filtered = 0;
    cr_assert_eq(hj_call_read_scope(call, &communities), 0);
    cr_assert_not_null(communities);
    cr_assert(strstr(communities, "KBS-BH-01") && strstr(communities, "KBS-BH-02"), "%s",
              communities);
    cr_assert_eq(call->read_filtered, 1, "the reply needs no community of its own");
    free(communities);
    hj_call_destroy(&call);
}
