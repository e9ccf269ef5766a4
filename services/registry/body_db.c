/* The SQL of the working bodies (健全机构): leadership group, its office,
 * guidance groups and the communities they guide, election committees. */
#include "hj_envelope.h"
#include "hj_pgrow.h"
#include "preparation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NOT_FOUND naming field for the first id that is no person. 0 / -1. */
static int s_persons_exist(PGconn *c, hj_call_t *call, const char *field, char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (prep_exists(c, call, "registry.person", "id", ids[i], field, "person"))
            return -1;
    return 0;
}

/* A guidance group guides communities of its own subdistrict, each at most
 * one group at a time. 0 / -1. */
static int s_can_guide(PGconn *c, hj_call_t *call, const char *body_id, const char *subdistrict,
                       const char *field, char **codes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v[2] = {codes[i], body_id};
        PGresult *r = prep_q(c, call, field,
                             "SELECT m.subdistrict, COALESCE((SELECT b.name FROM "
                             "registry.body_community bc JOIN registry.body b ON b.id = bc.body_id "
                             "WHERE bc.community = m.code AND bc.body_id::text <> $2), '') "
                             "FROM registry.community m WHERE m.code = $1",
                             2, v);
        if (!r)
            return -1;
        int bad = -1;
        if (PQntuples(r) == 0)
            hj_status_set(&call->status, HJ__CODE__NOT_FOUND, field, "community %s not found",
                          codes[i]);
        else if (strcmp(PQgetvalue(r, 0, 0), subdistrict) != 0)
            prep_refuse(call, field, "%s belongs to subdistrict %s, not %s", codes[i],
                        PQgetvalue(r, 0, 0), subdistrict);
        else if (PQgetvalue(r, 0, 1)[0])
            prep_refuse(call, field,
                        "%s is already guided by %s: a community has one guidance group at a time "
                        "(remove it there first)",
                        codes[i], PQgetvalue(r, 0, 1));
        else
            bad = 0;
        PQclear(r);
        if (bad)
            return -1;
    }
    return 0;
}

static int s_add_members(PGconn *c, hj_call_t *call, const char *body_id, char **ids, size_t n,
                         const char *role)
{
    for (size_t i = 0; i < n; i++) {
        const char *v[3] = {body_id, ids[i], role};
        if (prep_exec(c, call, "member",
                      "INSERT INTO registry.body_member (body_id, person_id, role) VALUES "
                      "($1::uuid, $2::uuid, $3) ON CONFLICT (body_id, person_id) DO NOTHING",
                      3, v))
            return -1;
    }
    return 0;
}

static int s_add_communities(PGconn *c, hj_call_t *call, const char *body_id, char **codes,
                             size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v[2] = {codes[i], body_id};
        if (prep_exec(
                c, call, "communities",
                "INSERT INTO registry.body_community (community, body_id) VALUES ($1, $2::uuid) "
                "ON CONFLICT (community) DO NOTHING",
                2, v))
            return -1;
    }
    return 0;
}

void body_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Body *b = msg;
    int committee = strcmp(b->kind, "election_committee") == 0;
    char subdistrict[64];
    char *leader[1] = {b->leader_id};
    snprintf(subdistrict, sizeof subdistrict, "%s", b->subdistrict);
    if (committee) {
        if (prep_community_subdistrict(c, call, b->community, subdistrict))
            return;
    } else if (prep_exists(c, call, "registry.subdistrict", "code", b->subdistrict, "subdistrict",
                           "subdistrict"))
        return;
    if (s_persons_exist(c, call, "leader_id", leader, 1) ||
        s_persons_exist(c, call, "member_ids", b->member_ids, b->n_member_ids) ||
        s_can_guide(c, call, "", subdistrict, "communities", b->communities, b->n_communities))
        return;
    /* One leadership group and one office per subdistrict, one election committee per community. */
    const char *v[3] = {b->kind, subdistrict, b->community};
    PGresult *r = prep_q(c, call, "kind",
                         "SELECT name FROM registry.body WHERE kind = $1 AND ((kind IN "
                         "('leadership_group', 'office') AND subdistrict = $2) OR (kind = "
                         "'election_committee' AND community = $3))",
                         3, v);
    if (!r)
        return;
    if (PQntuples(r))
        hj_status_set(&call->status, HJ__CODE__ALREADY_EXISTS, "kind", "%s already has its %s: %s",
                      committee ? b->community : subdistrict, b->kind, PQgetvalue(r, 0, 0));
    PQclear(r);
    if (call->status.code != HJ__CODE__OK)
        return;
    const char *w[7] = {call->request_id, b->kind,      b->name,    subdistrict,
                        b->community,     b->formed_on, call->actor};
    if (prep_exec(
            c, call, "body",
            "INSERT INTO registry.body (id, kind, name, subdistrict, community, formed_on, "
            "recorded_by) VALUES ($1::uuid, $2, $3, $4, NULLIF($5, ''), NULLIF($6, '')::date, $7)",
            7, w) ||
        s_add_members(c, call, call->request_id, leader, 1, "leader") ||
        s_add_members(c, call, call->request_id, b->member_ids, b->n_member_ids, "member") ||
        s_add_communities(c, call, call->request_id, b->communities, b->n_communities))
        return;
    prep_db_get(c, call, &body_record, call->request_id, "body_added");
}

void body_db_change(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__BodyChange *b = msg;
    const char *v[1] = {b->id};
    char kind[32], subdistrict[64];
    PGresult *r =
        hj_call_q_row(call, c, "body", "id",
                      "SELECT kind, subdistrict FROM registry.body WHERE id = $1::uuid FOR UPDATE",
                      1, v, "body %s not found", b->id);
    if (!r)
        return;
    snprintf(kind, sizeof kind, "%s", PQgetvalue(r, 0, 0));
    snprintf(subdistrict, sizeof subdistrict, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    if ((b->n_add_communities || b->n_remove_communities) && strcmp(kind, "guidance_group") != 0) {
        prep_refuse(call, "add_communities",
                    "only a guidance_group guides communities; this is a %s", kind);
        return;
    }
    /* Removals first, so one change can replace members. */
    for (size_t i = 0; i < b->n_remove_members; i++) {
        const char *w[2] = {b->id, b->remove_members[i]};
        r = prep_q(c, call, "remove_members",
                   "DELETE FROM registry.body_member WHERE body_id = $1::uuid AND person_id = "
                   "$2::uuid RETURNING role",
                   2, w);
        if (!r)
            return;
        int gone = PQntuples(r), leader = gone && strcmp(PQgetvalue(r, 0, 0), "leader") == 0;
        PQclear(r);
        if (!gone || (leader && !b->leader_id[0])) {
            if (!gone)
                hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "remove_members",
                              "person %s is not in this body", b->remove_members[i]);
            else
                prep_refuse(call, "remove_members",
                            "%s leads this body: name a new leader (leader_id) to remove them",
                            b->remove_members[i]);
            return;
        }
    }
    for (size_t i = 0; i < b->n_remove_communities; i++) {
        const char *w[2] = {b->id, b->remove_communities[i]};
        r = prep_q(
            c, call, "remove_communities",
            "DELETE FROM registry.body_community WHERE body_id = $1::uuid AND community = $2", 2,
            w);
        if (prep_changed(call, r, HJ__CODE__NOT_FOUND, "remove_communities",
                         "%s is not guided by this group", b->remove_communities[i]))
            return;
    }
    if (b->leader_id[0]) {
        char *leader[1] = {b->leader_id};
        const char *w[2] = {b->id, b->leader_id};
        /* The old leader leaves the body; a member who becomes leader stops being a member. */
        if (s_persons_exist(c, call, "leader_id", leader, 1) ||
            prep_exec(
                c, call, "leader_id",
                "DELETE FROM registry.body_member WHERE body_id = $1::uuid AND (role = 'leader' "
                "OR person_id = $2::uuid)",
                2, w) ||
            s_add_members(c, call, b->id, leader, 1, "leader"))
            return;
    }
    if (s_persons_exist(c, call, "add_members", b->add_members, b->n_add_members) ||
        s_add_members(c, call, b->id, b->add_members, b->n_add_members, "member") ||
        s_can_guide(c, call, b->id, subdistrict, "add_communities", b->add_communities,
                    b->n_add_communities) ||
        s_add_communities(c, call, b->id, b->add_communities, b->n_add_communities))
        return;
    prep_db_get(c, call, &body_record, b->id, "body_changed");
}
