/* Records by UUID or short code: one read. */
#include "record_ref.h"
#include "hj_envelope.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"

#include <stdio.h>
#include <string.h>

/* The UUID of the talk with this code: talk_get takes a code (sql/024). */
static int s_talk(cli_t *cli, const char *given, char id[37])
{
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    Hj__Interviews__Get get = HJ__INTERVIEWS__GET__INIT;
    Hj__Interviews__Reply *reply = NULL;
    get.id = (char *)given;
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_GET;
    req.talk_get = &get;
    int rc = cli_call(cli, "interviews", &req.base, &hj__interviews__reply__descriptor,
                      (ProtobufCMessage **)&reply);
    if (rc != CLI_OK)
        return rc;
    if (reply->result_case == HJ__INTERVIEWS__REPLY__RESULT_TALK)
        snprintf(id, 37, "%s", reply->talk->id);
    else {
        fprintf(stderr, "hj: talk %s: the answer named no talk\n", given);
        rc = CLI_REFUSED;
    }
    hj__interviews__reply__free_unpacked(reply, NULL);
    return rc;
}

/* The UUID of the registry record with this code, checked to be of `kind`. */
static int s_registry(cli_t *cli, const char *kind, const char *given, char id[37])
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    Hj__Registry__Reply *reply = NULL;
    get.key = (char *)given;
    req.op_case = HJ__REGISTRY__REQUEST__OP_RECORD_RESOLVE;
    req.record_resolve = &get;
    int rc = cli_call(cli, "registry", &req.base, &hj__registry__reply__descriptor,
                      (ProtobufCMessage **)&reply);
    if (rc != CLI_OK)
        return rc;
    const Hj__Registry__RecordRef *ref =
        reply->result_case == HJ__REGISTRY__REPLY__RESULT_RECORD_REF ? reply->record_ref : NULL;
    if (ref && strcmp(ref->kind, kind) == 0)
        snprintf(id, 37, "%s", ref->id);
    else {
        /* hj task void X0001: a wrong code must not void someone else's record. */
        fprintf(stderr, "hj: %s is the code of a %s record, not of a %s one\n", given,
                ref ? ref->kind : "different", kind);
        rc = CLI_REFUSED;
    }
    hj__registry__reply__free_unpacked(reply, NULL);
    return rc;
}

int record_ref(cli_t *cli, const char *kind, const char *given, char id[37])
{
    id[0] = 0;
    if (!given || !given[0])
        return cli_usage("the %s is not named: give its code or id", kind);
    if (hj_uuid_valid(given)) {
        snprintf(id, 37, "%s", given);
        return CLI_OK;
    }
    int rc = strcmp(kind, "talk") == 0 ? s_talk(cli, given, id) : s_registry(cli, kind, given, id);
    if (rc == CLI_UNREACHABLE)
        fprintf(stderr,
                "hj: %s %s: a code is looked up in the system, which cannot be reached "
                "now; nothing was saved. Offline, give the record's id (UUID).\n",
                kind, given);
    return rc;
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
