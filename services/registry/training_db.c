/* The SQL of training (培训骨干): sessions, topics, attendees, and the
 * coverage of each community's election committee. */
#include "hj_envelope.h"
#include "hj_pgrow.h"
#include "preparation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every attendee is a person: NOT_FOUND naming field for the first who is not. 0 / -1. */
static int s_attendees_known(PGconn *c, hj_call_t *call, Hj__Registry__Attendee **at, size_t n,
                             const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (prep_exists(c, call, "registry.person", "id", at[i]->person_id, field, "person"))
            return -1;
    return 0;
}

/* The attendees into training `id`, a failure named by field. 0 / -1. */
static int s_attendees_add(PGconn *c, hj_call_t *call, const char *id, Hj__Registry__Attendee **at,
                           size_t n, const char *field)
{
    for (size_t i = 0; i < n; i++) {
        const char *w[3] = {id, at[i]->person_id, at[i]->role};
        if (prep_exec(c, call, field,
                      "INSERT INTO registry.training_attendee (training_id, person_id, role) "
                      "VALUES ($1::uuid, $2::uuid, $3)",
                      3, w))
            return -1;
    }
    return 0;
}

void training_db_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Registry__Training *t = msg;
    if (prep_place_exists(c, call, t->community, t->subdistrict) ||
        s_attendees_known(c, call, t->attendees, t->n_attendees, "attendees"))
        return;
    const char *v[6] = {call->request_id, t->date,    t->community,
                        t->subdistrict,   t->trainer, call->actor};
    if (prep_exec(
            c, call, "training",
            "INSERT INTO registry.training (id, held_on, community, subdistrict, trainer, "
            "recorded_by) SELECT $1::uuid, $2::date, NULLIF($3, ''), COALESCE((SELECT subdistrict "
            "FROM registry.community WHERE code = $3), $4), $5, $6",
            6, v))
        return;
    for (size_t i = 0; i < t->n_topics; i++) {
        char pos[24];
        snprintf(pos, sizeof pos, "%zu", i + 1);
        const char *w[3] = {call->request_id, pos, t->topics[i]};
        if (prep_exec(c, call, "topics",
                      "INSERT INTO registry.training_topic (training_id, position, topic) VALUES "
                      "($1::uuid, $2::smallint, $3)",
                      3, w))
            return;
    }
    if (s_attendees_add(c, call, call->request_id, t->attendees, t->n_attendees, "attendees"))
        return;
    prep_db_get(c, call, &training_record, call->request_id, "training_added");
}

/* Date, trainer and attendance corrected; a session keeps at least one attendee. */
int training_db_correct(PGconn *c, hj_call_t *call, const void *msg)
{
    const Hj__Registry__TrainingUpdate *u = msg;
    const char *v[3] = {u->id, u->date, u->trainer};
    if (s_attendees_known(c, call, u->add_attendees, u->n_add_attendees, "add_attendees"))
        return -1;
    for (size_t i = 0; i < u->n_remove_attendees; i++) {
        const char *w[2] = {u->id, u->remove_attendees[i]};
        PGresult *r = prep_q(c, call, "remove_attendees",
                             "DELETE FROM registry.training_attendee WHERE training_id = $1::uuid "
                             "AND person_id = $2::uuid",
                             2, w);
        if (prep_changed(call, r, HJ__CODE__NOT_FOUND, "remove_attendees",
                         "person %s did not attend training %s", u->remove_attendees[i], u->id))
            return -1;
    }
    if (s_attendees_add(c, call, u->id, u->add_attendees, u->n_add_attendees, "add_attendees"))
        return -1;
    PGresult *r =
        prep_q(c, call, "training",
               "UPDATE registry.training SET held_on = COALESCE(NULLIF($2, '')::date, "
               "held_on), trainer = COALESCE(NULLIF($3, ''), trainer) WHERE id = $1::uuid "
               "RETURNING (SELECT count(*) FROM registry.training_attendee "
               "WHERE training_id = $1::uuid)",
               3, v);
    if (!r)
        return -1;
    int left = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (left == 0)
        return hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "remove_attendees",
                             "a training session keeps at least one attendee (void it instead)");
    return 0;
}

/* Who of the community's election committee (leader and members) has not
 * attended any training session, in any role. */
void training_db_coverage(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const char *community = ((const Hj__Registry__Get *)msg)->key;
    char *scope;
    const char *give;
    if (prep_exists(c, call, "registry.community", "code", community, "community", "community") ||
        registry_personal(call, 0, &give, &scope) != 0)
        return;
    const char *v[3] = {community, give, scope};
    PGresult *r = prep_q(
        c, call, "coverage",
        "SELECT p.id, p.name, p.gender, p.party_member, " REGISTRY_PERSONAL_COLS(
            "p", "$2",
            "$3") ", "
                  "EXISTS (SELECT 1 FROM registry.training_attendee a JOIN registry.training "
                  "s ON s.id = a.training_id WHERE a.person_id = m.person_id AND "
                  "s.voided_at IS NULL) FROM registry.body b JOIN registry.body_member m ON "
                  "m.body_id = b.id "
                  "JOIN registry.person p ON p.id = m.person_id "
                  "WHERE b.kind = 'election_committee' AND b.community = $1 "
                  "ORDER BY p.name, p.id",
        3, v);
    free(scope);
    if (!r)
        return;
    int n = PQntuples(r);
    Hj__Registry__TrainingCoverage cov = HJ__REGISTRY__TRAINING_COVERAGE__INIT;
    Hj__Registry__Person *people = calloc((size_t)n + 1, sizeof *people);
    Hj__Registry__Person **missing = calloc((size_t)n + 1, sizeof *missing);
    if (!people || !missing) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    cov.community = (char *)community;
    cov.committee_recorded = n > 0; /* a committee always has its leader */
    cov.required = (uint32_t)n;
    cov.missing = missing;
    for (int i = 0; i < n; i++) {
        if (PQgetvalue(r, i, 7)[0] == 't') {
            cov.trained++;
            continue;
        }
        Hj__Registry__Person *p = &people[cov.n_missing];
        hj__registry__person__init(p);
        hj_pgrow_fill(r, i, &p->base);
        missing[cov.n_missing++] = p;
    }
    prep_reply(call, HJ__REGISTRY__REPLY__RESULT_COVERAGE, &cov.base, NULL);
out:
    free(people);
    free(missing);
    PQclear(r);
}
