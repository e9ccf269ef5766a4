/* Helpers the per-measure *_db.c files share, beside those of
 * preparation_db.c: a statement whose rows nobody reads, a community's
 * subdistrict, and the child records that travel in one column. */
#include "hj_envelope.h"
#include "preparation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int prep_exec(PGconn *c, hj_call_t *call, const char *what, const char *sql, int n,
              const char *const *values)
{
    PGresult *r = prep_q(c, call, what, sql, n, values);
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

int prep_changed(hj_call_t *call, PGresult *r, Hj__Code code, const char *field, const char *fmt,
                 ...)
{
    int changed = r ? atoi(PQcmdTuples(r)) : 0;
    if (r && !changed) {
        char message[sizeof call->status.message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        hj_status_set(&call->status, code, field, "%s", message);
    }
    PQclear(r);
    return changed ? 0 : -1;
}

int prep_place_exists(PGconn *c, hj_call_t *call, const char *community, const char *subdistrict)
{
    if (community[0])
        return prep_exists(c, call, "registry.community", "code", community, "community",
                           "community");
    return prep_exists(c, call, "registry.subdistrict", "code", subdistrict, "subdistrict",
                       "subdistrict");
}

int prep_community_subdistrict(PGconn *c, hj_call_t *call, const char *community,
                               char subdistrict[64])
{
    const char *v[1] = {community};
    PGresult *r = hj_call_q_row(call, c, "community", "community",
                                "SELECT subdistrict FROM registry.community WHERE code = $1", 1, v,
                                "community %s not found", community);
    if (!r)
        return -1;
    snprintf(subdistrict, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* Field f of child m from the text v: the kinds a child record carries. */
static void s_child_field(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, char *v)
{
    if (f->type == PROTOBUF_C_TYPE_STRING)
        *(char **)((char *)m + f->offset) = v;
    else if (f->type == PROTOBUF_C_TYPE_UINT32)
        *(uint32_t *)((char *)m + f->offset) = (uint32_t)strtoul(v, NULL, 10);
}

void **prep_children(hj_arena_t *a, const char *column, const ProtobufCMessageDescriptor *desc,
                     size_t *n)
{
    char **records = hj_arena_split(a, column, '\x1e', n);
    void **out = records ? hj_arena_array(a, (int)*n, desc->sizeof_message) : NULL;
    if (!out) {
        *n = 0;
        return NULL;
    }
    for (size_t j = 0; j < *n; j++) {
        size_t k;
        char **f = hj_arena_split(a, records[j], '\x1f', &k);
        protobuf_c_message_init(desc, out[j]);
        /* A record of another width is kept empty rather than misread. */
        for (size_t x = 0; f && k == desc->n_fields && x < k; x++)
            s_child_field(out[j], &desc->fields[x], f[x]);
    }
    return out;
}
