/* Records by UUID or short code: one read. */
#include "record_ref.h"
#include "cmd_prep.h"
#include "hj_envelope.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"

#include <stdio.h>
#include <string.h>

/* The UUID of the record with this code: a talk's by talk_get (it takes a
 * code, sql/024), any other's by the registry's record_resolve, checked to be
 * of `kind`. */
static int s_lookup(cli_t *cli, const char *kind, const char *given, char id[37])
{
    Hj__Interviews__Get talk = HJ__INTERVIEWS__GET__INIT;
    Hj__Registry__Get record = HJ__REGISTRY__GET__INIT;
    ProtobufCMessage *reply;
    const ProtobufCMessage *m;
    const char *found = NULL, *found_kind = "different";
    int rc;
    talk.id = record.key = (char *)given;
    if (strcmp(kind, "talk") == 0)
        rc = prep_fetch(cli, &prep_interviews, HJ__INTERVIEWS__REQUEST__OP_TALK_GET, &talk.base,
                        PREP_LOOKUP, NULL, &reply, &m);
    else
        rc = prep_fetch(cli, &prep_registry, HJ__REGISTRY__REQUEST__OP_RECORD_RESOLVE, &record.base,
                        PREP_LOOKUP, NULL, &reply, &m);
    if (rc != CLI_OK)
        return rc;
    if (m->descriptor == &hj__interviews__talk__descriptor) {
        found = ((const Hj__Interviews__Talk *)m)->id;
        found_kind = "talk";
    } else if (m->descriptor == &hj__registry__record_ref__descriptor) {
        found = ((const Hj__Registry__RecordRef *)m)->id;
        found_kind = ((const Hj__Registry__RecordRef *)m)->kind;
    }
    if (found && strcmp(found_kind, kind) == 0)
        snprintf(id, 37, "%s", found);
    else {
        /* hj task void X0001: a wrong code must not void someone else's record. */
        fprintf(stderr, "hj: %s is the code of a %s record, not of a %s one\n", given, found_kind,
                kind);
        rc = CLI_REFUSED;
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int record_ref_uuid(const char *given, char id[37])
{
    id[0] = 0;
    if (!hj_uuid_valid(given))
        return 0;
    snprintf(id, 37, "%s", given);
    return 1;
}

int record_ref(cli_t *cli, const char *kind, const char *given, char id[37])
{
    id[0] = 0;
    if (!given || !given[0])
        return cli_usage("the %s is not named: give its code or id", kind);
    if (record_ref_uuid(given, id))
        return CLI_OK;
    int rc = s_lookup(cli, kind, given, id);
    if (rc == CLI_UNREACHABLE)
        fprintf(stderr,
                "hj: %s %s: a code is looked up in the system, which cannot be reached "
                "now; nothing was saved. Offline, give the record's id (UUID).\n",
                kind, given);
    return rc;
}

int record_ref_run(cli_t *cli, const char *verb, const char *const *verbs, const char *kind,
                   int (*run)(cli_t *cli, const char *verb))
{
    int rc = record_ref_pos(cli, verb, verbs, kind);
    return rc != CLI_OK ? rc : run(cli, verb);
}

int record_ref_pos(cli_t *cli, const char *verb, const char *const *verbs, const char *kind)
{
    static char id[37];
    int named = 0;
    for (size_t i = 0; verbs[i]; i++)
        named |= strcmp(verb, verbs[i]) == 0;
    if (!named || cli->npos < 1)
        return CLI_OK;
    int rc = record_ref(cli, kind, cli->pos[0], id);
    if (rc == CLI_OK)
        cli->pos[0] = id;
    return rc;
}
