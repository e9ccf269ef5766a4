/* Persons by UUID, code or name: one registry read. */
#include "person_ref.h"
#include "record_ref.h"
#include "hj_envelope.h"
#include "registry.pb-c.h"

#include <stdio.h>
#include <string.h>

int person_ref(cli_t *cli, const char *option, const char *given, const char *community, int cadre,
               char id[37])
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__PersonResolve q = HJ__REGISTRY__PERSON_RESOLVE__INIT;
    Hj__Registry__Reply *reply = NULL;
    id[0] = 0;
    if (!given || !given[0])
        return cli_usage("%s is empty: give a person's code (P0042), name or id", option);
    if (record_ref_uuid(given, id))
        return CLI_OK;
    q.key = (char *)given;
    q.community = (char *)(community ? community : "");
    q.cadre = cadre;
    req.op_case = HJ__REGISTRY__REQUEST__OP_PERSON_RESOLVE;
    req.person_resolve = &q;
    int rc = cli_call(cli, "registry", &req.base, &hj__registry__reply__descriptor,
                      (ProtobufCMessage **)&reply);
    if (rc == CLI_UNREACHABLE) {
        fprintf(stderr,
                "hj: %s %s: a name or code is looked up in the registry, which cannot be "
                "reached now; nothing was saved. Offline, give the person's id (UUID).\n",
                option, given);
        return rc;
    }
    if (rc != CLI_OK)
        return rc;
    const Hj__Registry__Persons *found =
        reply->result_case == HJ__REGISTRY__REPLY__RESULT_PERSONS ? reply->persons : NULL;
    if (found && found->n_items == 1) {
        snprintf(id, 37, "%s", found->items[0]->id);
        rc = CLI_OK;
    } else {
        size_t n = found ? found->n_items : 0;
        unsigned long long all = found && found->total > n ? (unsigned long long)found->total : n;
        fprintf(stderr, "hj: %s %s is ambiguous: %llu persons match; give the code:\n", option,
                given, all);
        for (size_t i = 0; i < n; i++) {
            const Hj__Registry__Person *p = found->items[i];
            char where[512] = "";
            for (size_t k = 0; k < p->n_communities; k++)
                snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s", k ? "," : "",
                         p->communities[k]);
            fprintf(stderr, "  %s  %s  %s\n", p->code, p->name,
                    where[0] ? where : "(no community)");
        }
        /* The registry lists 20 at most: say what it left out, never cut silently. */
        if (found && found->total > n)
            fprintf(stderr, "  ... and %llu more (%llu in all): give the code, or the community\n",
                    (unsigned long long)(found->total - n), (unsigned long long)found->total);
        rc = CLI_REFUSED;
    }
    hj__registry__reply__free_unpacked(reply, NULL);
    return rc;
}

int person_refs(cli_t *cli, const char *option, char **values, size_t n, const char *community,
                int cadre, char (*ids)[37])
{
    int rc = CLI_OK;
    for (size_t i = 0; rc == CLI_OK && i < n; i++)
        if ((rc = person_ref(cli, option, values[i], community, cadre, ids[i])) == CLI_OK)
            values[i] = ids[i];
    return rc;
}
