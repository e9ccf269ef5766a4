#include "hj_auth.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    unsigned role;
    const char *name;
} s_roles[] = {
    {HJ_ROLE_DISTRICT_ADMIN, "district-admin"},
    {HJ_ROLE_SUBDISTRICT_OFFICE, "subdistrict-office"},
    {HJ_ROLE_GUIDANCE_GROUP, "guidance-group"},
    {HJ_ROLE_AUDITOR, "auditor"},
    {HJ_ROLE_ELECTION_COMMITTEE, "election-committee"},
    {HJ_ROLE_OBSERVER, "observer"},
};
#define S_NROLES (sizeof s_roles / sizeof s_roles[0])

const char *hj_role_name(unsigned role)
{
    for (size_t i = 0; i < S_NROLES; i++)
        if (s_roles[i].role == role)
            return s_roles[i].name;
    return NULL;
}

unsigned hj_role_parse(const char *s)
{
    for (size_t i = 0; s && i < S_NROLES; i++)
        if (strcmp(s_roles[i].name, s) == 0)
            return s_roles[i].role;
    return 0;
}

int hj_role_scoped(unsigned role)
{
    return role == HJ_ROLE_GUIDANCE_GROUP || role == HJ_ROLE_ELECTION_COMMITTEE;
}

const hj_permission_t *hj_auth_find(const hj_permission_t *table, int op)
{
    for (const hj_permission_t *p = table; p && p->name; p++)
        if (p->op == op)
            return p;
    return NULL;
}

int hj_auth_is_write(const hj_permission_t *table, int op)
{
    const hj_permission_t *p = hj_auth_find(table, op);
    return p && p->write;
}

int hj_auth_permit(hj_status_t *st, const char *service, const hj_permission_t *table, int op,
                   int write, const Hj__Identity *who)
{
    unsigned role = who ? hj_role_parse(who->role) : 0;
    const char *role_name = role ? hj_role_name(role) : "(none)";
    if (!role)
        return hj_status_set(st, HJ__CODE__UNAUTHENTICATED, "",
                             "the request carries no enrolled device's identity");
    const hj_permission_t *p = hj_auth_find(table, op);
    if (!table) {
        /* A service that declares nobody may write has no writers. */
        if (!write)
            return 0;
        return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "role",
                             "service %s declares no permission table: no role may write to it",
                             service);
    }
    if (!p)
        return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "role",
                             "operation %d of %s is in no permission table: refused for every role",
                             op, service);
    if (write && !p->write)
        return hj_status_set(st, HJ__CODE__INTERNAL, "",
                             "%s.%s is declared a read but the request writes", service, p->name);
    if (!(p->roles & role))
        return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "role",
                             "role %s may not %s %s.%s (device %s)", role_name,
                             p->write ? "call" : "read", service, p->name, who->device);
    return 0;
}

int hj_auth_in_scope(hj_status_t *st, const Hj__Identity *who, const char *community)
{
    if (!who)
        return hj_status_set(st, HJ__CODE__UNAUTHENTICATED, "",
                             "the request carries no enrolled device's identity");
    if (!who->scoped)
        return 0;
    int none = !community || !community[0] || strcmp(community, "-") == 0;
    for (size_t i = 0; !none && i < who->n_communities; i++)
        if (strcmp(who->communities[i], community) == 0)
            return 0;
    if (none)
        return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "community",
                             "role %s (device %s, team %s) may write only for its communities, "
                             "and this record belongs to none",
                             who->role, who->device, who->team);
    return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "community",
                         "role %s (device %s, team %s) may not write for community %s: "
                         "outside its %zu communit%s",
                         who->role, who->device, who->team, community, who->n_communities,
                         who->n_communities == 1 ? "y" : "ies");
}

/* Does a scoped role's list of communities hold `community`? */
static int s_holds(const Hj__Identity *who, const char *community)
{
    for (size_t i = 0; i < who->n_communities; i++)
        if (strcmp(who->communities[i], community) == 0)
            return 1;
    return 0;
}

int hj_auth_may_read(hj_status_t *st, const char *service, const hj_permission_t *p,
                     const Hj__Identity *who, const char *community)
{
    if (!p || !p->scoped || !community)
        return 0;
    if (!who)
        return hj_status_set(st, HJ__CODE__UNAUTHENTICATED, "",
                             "the request carries no enrolled device's identity");
    if (!who->scoped || s_holds(who, community))
        return 0;
    if (!community[0] || strcmp(community, "-") == 0)
        return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "community",
                             "role %s (device %s, team %s) may read %s.%s only for its "
                             "communities, and this reply names none",
                             who->role, who->device, who->team, service, p->name);
    return hj_status_set(st, HJ__CODE__PERMISSION_DENIED, "community",
                         "role %s (device %s, team %s) may not read %s.%s of community %s: "
                         "outside its %zu communit%s",
                         who->role, who->device, who->team, service, p->name, community,
                         who->n_communities, who->n_communities == 1 ? "y" : "ies");
}

/* "{A,B}" of who's communities. Codes are letters, digits, '-' and '_' (the
 * registry checks them), but each is quoted anyway so that no code can
 * change the array's shape. */
static char *s_array(const Hj__Identity *who)
{
    size_t len = 3;
    for (size_t i = 0; i < who->n_communities; i++)
        len += 2 * strlen(who->communities[i]) + 3;
    char *a = malloc(len), *at = a;
    if (!a)
        return NULL;
    *at++ = '{';
    for (size_t i = 0; i < who->n_communities; i++) {
        if (i)
            *at++ = ',';
        *at++ = '"';
        for (const char *c = who->communities[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                *at++ = '\\';
            *at++ = *c;
        }
        *at++ = '"';
    }
    *at++ = '}';
    *at = 0;
    return a;
}

int hj_auth_read_scope(const hj_permission_t *p, const Hj__Identity *who, char **communities)
{
    *communities = NULL;
    if (!who || !who->scoped || !p || !p->scoped)
        return 0;
    return (*communities = s_array(who)) ? 0 : -1;
}

int hj_auth_personal(const hj_permission_t *p, const Hj__Identity *who, char **communities)
{
    *communities = NULL;
    if (!who || !p || !(p->personal & hj_role_parse(who->role)))
        return 0;
    if (!who->scoped)
        return 1;
    return (*communities = s_array(who)) ? 1 : -1;
}
