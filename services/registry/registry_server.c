/* hj-registryd handlers: decode, validate, route. No SQL here. */
#include "hj_envelope.h"
#include "hj_idcard.h"
#include "hj_log.h"
#include "preparation.h"
#include "registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME_MAX 200
#define S_ROLE_MAX 32

int registry_load_key(registry_t *reg, const char *run_dir)
{
    return hj_idcard_key_load(run_dir, reg->idcard_key);
}

static int s_check_role(hj_status_t *st, Hj__Registry__Committee committee, const char *role)
{
    static const char *party[] = {"secretary", "deputy_secretary", "member", NULL};
    static const char *residents[] = {"director", "deputy_director", "member", NULL};
    const char **allowed = committee == HJ__REGISTRY__COMMITTEE__PARTY ? party : residents;
    for (int i = 0; allowed[i]; i++)
        if (strcmp(role, allowed[i]) == 0)
            return 0;
    return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "role",
                         "role must be one of %s, %s, %s for this committee", allowed[0],
                         allowed[1], allowed[2]);
}

static int s_check_list(hj_status_t *st, const void *msg)
{
    const Hj__Registry__ListQuery *q = msg;
    if (!q)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "query", "query is required");
    if (q->limit > 1000)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "limit", "limit is at most 1000");
    if (q->community[0] && q->subdistrict[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "subdistrict",
                             "give a community or a subdistrict, not both");
    return hj_check_text(st, "community", q->community, HJ_CODE_MAX, 0) ||
           hj_check_text(st, "subdistrict", q->subdistrict, HJ_CODE_MAX, 0) ||
           hj_check_text(st, "after", q->after, 64, 0) ||
           hj_check_text(st, "name", q->name, S_NAME_MAX, 0);
}

static int s_check_person(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Person *p = msg;
    if (hj_check_text(st, "name", p->name, S_NAME_MAX, 1) ||
        hj_check_text(st, "ethnicity", p->ethnicity, 64, 0) ||
        hj_check_date(st, "birth_date", p->birth_date, 0))
        return -1;
    if (strcmp(p->gender, "male") != 0 && strcmp(p->gender, "female") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "gender",
                             "gender must be male or female");
    char today[11];
    hj_date_today(today);
    if (p->birth_date[0] && strcmp(p->birth_date, today) > 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "birth_date",
                             "birth_date is in the future");
    if (p->id_card[0] && !hj_idcard_valid(p->id_card))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "id_card",
                             "id_card is not a valid 18-character identity-card number");
    return 0;
}

/* Text that is more than blanks. */
static int s_check_reason(hj_status_t *st, const char *field, const char *value, int required)
{
    if (hj_check_text(st, field, value, 2000, required) != 0)
        return -1;
    for (const char *p = value; *p; p++)
        if (!isspace((unsigned char)*p))
            return 0;
    return required ? hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                    "%s is required (it is blank)", field)
                    : 0;
}

static int s_check_person_update(hj_status_t *st, const void *msg)
{
    const Hj__Registry__PersonUpdate *u = msg;
    char today[11];
    if (hj_check_uuid(st, "id", u->id) || hj_check_text(st, "name", u->name, S_NAME_MAX, 0) ||
        hj_check_text(st, "ethnicity", u->ethnicity, 64, 0) ||
        hj_check_date(st, "birth_date", u->birth_date, 0) ||
        s_check_reason(st, "reason", u->reason, 0))
        return -1;
    if (u->gender[0] && strcmp(u->gender, "male") != 0 && strcmp(u->gender, "female") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "gender",
                             "gender must be male or female");
    if (u->party_member[0] && strcmp(u->party_member, "yes") != 0 &&
        strcmp(u->party_member, "no") != 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "party_member",
                             "party_member must be yes or no");
    hj_date_today(today);
    if (u->birth_date[0] && strcmp(u->birth_date, today) > 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "birth_date",
                             "birth_date is in the future");
    if (!u->name[0] && !u->gender[0] && !u->ethnicity[0] && !u->birth_date[0] &&
        !u->party_member[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "name",
                             "nothing to correct: give a name, gender, ethnicity, birth date or "
                             "party membership");
    return 0;
}

#define S_IMPORT_MAX 5000

/* Every row as `person add` checks it; every bad line named in one refusal. */
static int s_check_person_import(hj_status_t *st, const void *m)
{
    const Hj__Registry__PersonImport *imp = m;
    char msg[sizeof st->message];
    size_t len = 0, bad = 0;
    if (imp->n_rows == 0 || imp->n_rows > S_IMPORT_MAX)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "rows",
                             "an import holds 1 to %d persons", S_IMPORT_MAX);
    msg[0] = 0;
    for (size_t i = 0; i < imp->n_rows; i++) {
        hj_status_t row = {0};
        const Hj__Registry__Person *p = imp->rows[i];
        int dup = 0;
        for (size_t j = 0; j < i && p->id_card[0] && !dup; j++)
            if (strcmp(p->id_card, imp->rows[j]->id_card) == 0) {
                dup = 1;
                hj_status_set(&row, HJ__CODE__INVALID_ARGUMENT, "id_card",
                              "the same identity-card number as line %u", imp->rows[j]->line);
            }
        if (!dup && s_check_person(&row, p) == 0)
            continue;
        bad++;
        if (len < sizeof msg) {
            int n = snprintf(msg + len, sizeof msg - len, "%sline %u: %s", bad > 1 ? "; " : "",
                             p->line, row.message);
            len = n < 0 ? sizeof msg : len + (size_t)n;
        }
    }
    if (!bad)
        return 0;
    return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "rows",
                         "%zu of %zu rows are bad, nothing was imported: %s", bad, imp->n_rows,
                         msg);
}

static int s_check_seat(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Seat *s = msg;
    if (hj_check_code(st, "community", s->community, 1) ||
        hj_check_uuid(st, "person_id", s->person_id))
        return -1;
    if (s->committee != HJ__REGISTRY__COMMITTEE__PARTY &&
        s->committee != HJ__REGISTRY__COMMITTEE__RESIDENTS)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "committee",
                             "committee must be party or residents");
    if (s_check_role(st, s->committee, s->role) ||
        hj_check_date(st, "term_start", s->term_start, 1) ||
        hj_check_date(st, "term_end", s->term_end, 0))
        return -1;
    if (s->term_end[0] && strcmp(s->term_end, s->term_start) < 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "term_end",
                             "term_end is before term_start");
    return 0;
}

static int s_check_district(hj_status_t *st, const void *msg)
{
    const Hj__Registry__District *d = msg;
    return hj_check_code(st, "code", d->code, 1) ||
           hj_check_text(st, "name", d->name, S_NAME_MAX, 1);
}

static int s_check_subdistrict(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Subdistrict *d = msg;
    return hj_check_code(st, "code", d->code, 1) ||
           hj_check_text(st, "name", d->name, S_NAME_MAX, 1) ||
           hj_check_code(st, "district", d->district, 1);
}

static int s_check_community(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Community *m = msg;
    if (hj_check_code(st, "code", m->code, 1) ||
        hj_check_text(st, "name", m->name, S_NAME_MAX, 1) ||
        hj_check_code(st, "subdistrict", m->subdistrict, 1))
        return -1;
    if (m->org_type < HJ__REGISTRY__ORG_TYPE__BRANCH ||
        m->org_type > HJ__REGISTRY__ORG_TYPE__COMMITTEE)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "org_type",
                             "org_type must be branch, general_branch or committee");
    return 0;
}

static int s_check_community_update(hj_status_t *st, const void *msg)
{
    const Hj__Registry__CommunityUpdate *u = msg;
    if (hj_check_code(st, "code", u->code, 1) || hj_check_text(st, "name", u->name, S_NAME_MAX, 0))
        return -1;
    if ((int)u->org_type < 0 || u->org_type > HJ__REGISTRY__ORG_TYPE__COMMITTEE)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "org_type", "unknown org_type");
    if (!u->name[0] && u->org_type == HJ__REGISTRY__ORG_TYPE__ORG_UNSPECIFIED)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "name",
                             "nothing to update: give a name or an org_type");
    return 0;
}

static int s_check_community_key(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Get *g = msg;
    return hj_check_code(st, "code", g->key, 1);
}

static int s_check_person_key(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Get *g = msg;
    return hj_check_uuid(st, "id", g->key);
}

static int s_check_person_resolve(hj_status_t *st, const void *msg)
{
    const Hj__Registry__PersonResolve *q = msg;
    return hj_check_text(st, "key", q->key, S_NAME_MAX, 1) ||
           hj_check_text(st, "community", q->community, HJ_CODE_MAX, 0);
}

static int s_check_person_void(hj_status_t *st, const void *msg)
{
    const Hj__Registry__PersonVoid *v = msg;
    return hj_check_uuid(st, "id", v->id) || s_check_reason(st, "reason", v->reason, 1);
}

static int s_check_seat_end(hj_status_t *st, const void *msg)
{
    const Hj__Registry__Seat *s = msg;
    return hj_check_uuid(st, "id", s->id) || hj_check_date(st, "term_end", s->term_end, 1);
}

/* Who may do what (README "Devices, roles and who may do what"): writes by
 * role; the figures and names (communities, sitting members, bodies, plans)
 * every device reads, persons' ethnicity, birth date and id mask only
 * HJ_PERSONAL; the record (assessments, risks, reserves, rectification) the
 * offices, and guidance groups within their communities. Guidance groups and
 * election committees write only for their communities (the writer checks
 * the community each write journals). This table is also what makes an
 * operation a write (it must carry a UUID). */
#define S_OFFICE (HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_SUBDISTRICT_OFFICE)
#define S_FIELD (S_OFFICE | HJ_ROLE_GUIDANCE_GROUP)
#define S_OP(op) HJ__REGISTRY__REQUEST__OP_##op
static const hj_permission_t s_permissions[] = {
    {S_OP(DISTRICT_ADD), "district_add", 1, HJ_ROLE_DISTRICT_ADMIN, 0, 0},
    {S_OP(SUBDISTRICT_ADD), "subdistrict_add", 1, HJ_ROLE_DISTRICT_ADMIN, 0, 0},
    {S_OP(COMMUNITY_ADD), "community_add", 1, S_OFFICE, 0, 0},
    {S_OP(COMMUNITY_UPDATE), "community_update", 1, S_OFFICE, 0, 0},
    {S_OP(COMMUNITY_GET), "community_get", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(COMMUNITY_LIST), "community_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(PERSON_ADD), "person_add", 1, S_OFFICE, 0, 0},
    {S_OP(PERSON_GET), "person_get", 0, HJ_READ_FIGURES, 0, HJ_PERSONAL},
    {S_OP(PERSON_LIST), "person_list", 0, HJ_READ_FIGURES, 0, HJ_PERSONAL},
    {S_OP(PERSON_RESOLVE), "person_resolve", 0, HJ_READ_FIGURES, 0, HJ_PERSONAL},
    {S_OP(PERSON_VOID), "person_void", 1, S_OFFICE, 0, 0},
    {S_OP(PERSON_UPDATE), "person_update", 1, S_OFFICE, 0, 0},
    {S_OP(PERSON_IMPORT), "person_import", 1, S_OFFICE, 0, 0},
    {S_OP(SEAT_ADD), "seat_add", 1, S_OFFICE, 0, 0},
    {S_OP(SEAT_END), "seat_end", 1, S_OFFICE, 0, 0},
    {S_OP(SEAT_LIST), "seat_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(PUBLICITY_ADD), "publicity_add", 1, S_FIELD | HJ_ROLE_ELECTION_COMMITTEE, 0, 0},
    {S_OP(PUBLICITY_LIST), "publicity_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(PUBLICITY_GET), "publicity_get", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(ASSESSMENT_ADD), "assessment_add", 1, S_FIELD, 0, 0},
    {S_OP(ASSESSMENT_LIST), "assessment_list", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(ASSESSMENT_GET), "assessment_get", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(RISK_SET), "risk_set", 1, S_FIELD, 0, 0},
    {S_OP(RISK_GET), "risk_get", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(RESERVE_ADD), "reserve_add", 1, S_FIELD, 0, 0},
    {S_OP(RESERVE_UPDATE), "reserve_update", 1, S_FIELD, 0, 0},
    {S_OP(RESERVE_LIST), "reserve_list", 0, HJ_READ_RECORD | HJ_ROLE_ELECTION_COMMITTEE, 1, 0},
    {S_OP(RESERVE_GET), "reserve_get", 0, HJ_READ_RECORD | HJ_ROLE_ELECTION_COMMITTEE, 1, 0},
    {S_OP(RESERVE_IMPORT), "reserve_import", 1, S_OFFICE, 0, 0},
    {S_OP(RESERVE_CHECK), "reserve_check", 0, S_OFFICE, 0, 0},
    {S_OP(RECTIFICATION_OPEN), "rectification_open", 1, S_OFFICE, 0, 0},
    {S_OP(RECTIFICATION_ADVANCE), "rectification_advance", 1, S_OFFICE, 0, 0},
    {S_OP(RECTIFICATION_CLOSE), "rectification_close", 1, S_OFFICE, 0, 0},
    {S_OP(RECTIFICATION_LIST), "rectification_list", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(RECTIFICATION_GET), "rectification_get", 0, HJ_READ_RECORD, 1, 0},
    {S_OP(UPGRADE_REQUEST), "upgrade_request", 1, S_OFFICE, 0, 0},
    {S_OP(UPGRADE_DECIDE), "upgrade_decide", 1, S_OFFICE, 0, 0},
    {S_OP(UPGRADE_LIST), "upgrade_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(UPGRADE_GET), "upgrade_get", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(BODY_ADD), "body_add", 1, S_OFFICE, 0, 0},
    {S_OP(BODY_CHANGE), "body_change", 1, S_OFFICE, 0, 0},
    {S_OP(BODY_LIST), "body_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(BODY_GET), "body_get", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(PLAN_ADD), "plan_add", 1, S_OFFICE, 0, 0},
    {S_OP(PLAN_EDIT), "plan_edit", 1, S_OFFICE, 0, 0},
    {S_OP(PLAN_REVISE), "plan_revise", 1, S_OFFICE, 0, 0},
    {S_OP(PLAN_DECIDE), "plan_decide", 1, S_FIELD, 0, 0},
    {S_OP(PLAN_LIST), "plan_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(PLAN_GET), "plan_get", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(TASK_ADD), "task_add", 1, S_OFFICE, 0, 0},
    {S_OP(TASK_DONE), "task_done", 1, S_FIELD, 0, 0},
    {S_OP(TASK_LIST), "task_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(TRAINING_ADD), "training_add", 1, S_FIELD, 0, 0},
    {S_OP(TRAINING_LIST), "training_list", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(TRAINING_GET), "training_get", 0, HJ_READ_FIGURES, 0, 0},
    {S_OP(TRAINING_COVERAGE), "training_coverage", 0, HJ_READ_FIGURES, 0, HJ_PERSONAL},
    /* Corrections (issue #20): whoever may enter the record may correct it. */
    {S_OP(PUBLICITY_VOID), "publicity_void", 1, S_FIELD | HJ_ROLE_ELECTION_COMMITTEE, 0, 0},
    {S_OP(PUBLICITY_UPDATE), "publicity_update", 1, S_FIELD | HJ_ROLE_ELECTION_COMMITTEE, 0, 0},
    {S_OP(ASSESSMENT_VOID), "assessment_void", 1, S_FIELD, 0, 0},
    {S_OP(RESERVE_VOID), "reserve_void", 1, S_FIELD, 0, 0},
    {S_OP(TRAINING_VOID), "training_void", 1, S_FIELD, 0, 0},
    {S_OP(TRAINING_UPDATE), "training_update", 1, S_FIELD, 0, 0},
    {S_OP(TASK_VOID), "task_void", 1, S_OFFICE, 0, 0},
    {S_OP(TASK_UPDATE), "task_update", 1, S_OFFICE, 0, 0},
    {S_OP(RECORD_RESOLVE), "record_resolve", 0, HJ_READ_FIGURES, 0,
     0}, /* a code's id (issue #20) */
    {0, NULL, 0, 0, 0, 0},
};

/* The numbers become keyed hashes and masks here: the journal and the
 * database never see them. */
static void s_person_add(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const registry_t *reg = svc;
    const Hj__Registry__Person *p = msg;
    uint8_t hash[32];
    char mask[19] = "";
    if (p->id_card[0]) {
        hj_idcard_hash(reg->idcard_key, p->id_card, hash);
        hj_idcard_mask(p->id_card, mask);
    }
    registry_db_person_add(c, call, p, p->id_card[0] ? hash : NULL, mask);
}

static void s_person_import(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const registry_t *reg = svc;
    const Hj__Registry__PersonImport *imp = msg;
    size_t n = imp->n_rows;
    char(*hashes)[65] = calloc(n + 1, sizeof *hashes), (*masks)[19] = calloc(n + 1, sizeof *masks);
    if (hashes && masks) {
        for (size_t i = 0; i < n; i++) {
            const char *id = imp->rows[i]->id_card;
            uint8_t hash[32];
            if (!id[0])
                continue;
            hj_idcard_hash(reg->idcard_key, id, hash);
            hj_idcard_mask(id, masks[i]);
            for (int k = 0; k < 32; k++)
                snprintf(hashes[i] + 2 * k, 3, "%02x", hash[k]);
        }
        registry_db_person_import(c, call, imp, hashes, masks);
    } else
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
    free(hashes);
    free(masks);
}

static const hj_op_t s_ops[] = {
    {S_OP(DISTRICT_ADD), s_check_district, registry_db_district_add, NULL},
    {S_OP(SUBDISTRICT_ADD), s_check_subdistrict, registry_db_subdistrict_add, NULL},
    {S_OP(COMMUNITY_ADD), s_check_community, registry_db_community_add, NULL},
    {S_OP(COMMUNITY_UPDATE), s_check_community_update, registry_db_community_update, NULL},
    {S_OP(COMMUNITY_GET), s_check_community_key, registry_db_community_get, NULL},
    {S_OP(COMMUNITY_LIST), s_check_list, registry_db_community_list, NULL},
    {S_OP(PERSON_ADD), s_check_person, s_person_add, NULL},
    {S_OP(PERSON_GET), s_check_person_key, registry_db_person_get, NULL},
    {S_OP(PERSON_LIST), s_check_list, registry_db_person_list, NULL},
    {S_OP(PERSON_RESOLVE), s_check_person_resolve, registry_db_person_resolve, NULL},
    {S_OP(PERSON_VOID), s_check_person_void, registry_db_person_void, NULL},
    {S_OP(PERSON_UPDATE), s_check_person_update, registry_db_person_update, NULL},
    {S_OP(PERSON_IMPORT), s_check_person_import, s_person_import, NULL},
    {S_OP(SEAT_ADD), s_check_seat, registry_db_seat_add, NULL},
    {S_OP(SEAT_END), s_check_seat_end, registry_db_seat_end, NULL},
    {S_OP(SEAT_LIST), s_check_list, registry_db_seat_list, NULL},
    {0, NULL, NULL, NULL},
};
/* The preparation record's operations are the second table (preparation_server.c). */
static const hj_op_t *const s_tables[] = {s_ops, preparation_ops, NULL};

static int s_decode(hj_call_t *call, const uint8_t *body, size_t len, void *svc)
{
    const registry_t *reg = svc;
    int rc = hj_call_decode(call, &hj__registry__request__descriptor, s_permissions, s_tables, body,
                            len);
    const Hj__Registry__Request *r = call->request;
    /* The journal keeps the request's digest: of a body with a number, a keyed one. */
    if (r && r->op_case == HJ__REGISTRY__REQUEST__OP_PERSON_ADD && r->person_add->id_card[0])
        hj_idcard_digest(reg->idcard_key, body, len, call->digest);
    if (r && r->op_case == HJ__REGISTRY__REQUEST__OP_PERSON_IMPORT)
        hj_idcard_digest(reg->idcard_key, body, len, call->digest);
    return rc;
}

const hj_service_t registry_service = {
    .name = "registry",
    .decode = s_decode,
    .handle = hj_call_dispatch,
    .release = hj_call_release,
    .permissions = s_permissions,
};
