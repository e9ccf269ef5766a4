/* hj_pgrow: a result row into a protobuf message by column name. See hj_pgrow.h. */
#include "hj_pgrow.h"

#include <stdint.h>
#include <stdlib.h>

/* Sets field f of m from the text v; 0, or -1 when f is not a kind a column fills. */
static int s_set(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, char *v)
{
    void *at = (char *)m + f->offset;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        *(char **)at = v;
        break;
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        *(int32_t *)at = (int32_t)strtol(v, NULL, 10);
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        *(uint32_t *)at = (uint32_t)strtoul(v, NULL, 10);
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        *(int64_t *)at = strtoll(v, NULL, 10);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        *(uint64_t *)at = strtoull(v, NULL, 10);
        break;
    case PROTOBUF_C_TYPE_BOOL:
        *(protobuf_c_boolean *)at = v[0] == 't';
        break;
    default:
        return -1;
    }
    return 0;
}

/* The field of desc a column named `name` fills, or NULL (none, or one of
 * the kinds left alone). */
static const ProtobufCFieldDescriptor *s_field(const ProtobufCMessageDescriptor *desc,
                                               const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, name);
    if (!f || f->label == PROTOBUF_C_LABEL_REPEATED || (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return NULL;
    return f;
}

static void s_put(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, char *v)
{
    /* proto3 `optional` scalars say they are set. */
    if (s_set(m, f, v) == 0 && f->label == PROTOBUF_C_LABEL_OPTIONAL &&
        f->type != PROTOBUF_C_TYPE_STRING && f->quantifier_offset)
        *(protobuf_c_boolean *)((char *)m + f->quantifier_offset) = 1;
}

void hj_pgrow_fill(PGresult *r, int row, ProtobufCMessage *m)
{
    for (int col = 0; col < PQnfields(r); col++) {
        const ProtobufCFieldDescriptor *f = s_field(m->descriptor, PQfname(r, col));
        if (f)
            s_put(m, f, PQgetvalue(r, row, col));
    }
}

void **hj_pgrow_list(hj_arena_t *a, PGresult *r, int n, const ProtobufCMessageDescriptor *desc)
{
    /* The columns' fields are looked up once for all the rows. */
    int ncols = PQnfields(r);
    const ProtobufCFieldDescriptor **fields =
        hj_arena_alloc(a, ((size_t)ncols + 1) * sizeof *fields);
    void **ptrs = fields ? hj_arena_array(a, n, desc->sizeof_message) : NULL;
    for (int col = 0; ptrs && col < ncols; col++)
        fields[col] = s_field(desc, PQfname(r, col));
    for (int i = 0; ptrs && i < n; i++) {
        desc->message_init(ptrs[i]);
        for (int col = 0; col < ncols; col++)
            if (fields[col])
                s_put(ptrs[i], fields[col], PQgetvalue(r, i, col));
    }
    return ptrs;
}
