/* hj district|subdistrict|community|person|seat — the registry core. */
#include "cli.h"
#include "registry.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_org_names[] = {"", "branch", "general_branch", "committee"};
static const char *s_org_zh[] = {"", "党支部", "党总支", "党委"};
static const char *s_committee_names[] = {"", "party", "residents"};

static int s_lookup(const char *value, const char *const *names, int n)
{
    for (int i = 1; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return i;
    return -1;
}

/* Sends a registry request; on success the reply is in *out. */
static int s_call(cli_t *cli, Hj__Registry__Request *req, Hj__Registry__Reply **out)
{
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    return cli_call(cli, "registry", &req->base, &hj__registry__reply__descriptor,
                    (ProtobufCMessage **)out);
}

static void s_print_communities(Hj__Registry__Community **items, size_t n)
{
    static const char *head[] = {"CODE", "NAME", "SUBDISTRICT", "ORGANISATION"};
    cli_table_t *t = cli_table_new(4, head);
    for (size_t i = 0; i < n; i++) {
        int org = items[i]->org_type >= 1 && items[i]->org_type <= 3 ? items[i]->org_type : 0;
        char orgtext[64];
        snprintf(orgtext, sizeof orgtext, "%s (%s)", s_org_zh[org], s_org_names[org]);
        const char *row[] = {items[i]->code, items[i]->name, items[i]->subdistrict, orgtext};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

static void s_print_persons(Hj__Registry__Person **items, size_t n)
{
    static const char *head[] = {"ID", "NAME", "GENDER", "ETHNICITY", "BORN", "PARTY", "ID CARD"};
    cli_table_t *t = cli_table_new(7, head);
    for (size_t i = 0; i < n; i++) {
        Hj__Registry__Person *p = items[i];
        const char *row[] = {p->id,         p->name, p->gender, p->ethnicity, p->birth_date,
                             p->party_member ? "yes" : "no", p->id_card_masked};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

static void s_print_seats(Hj__Registry__Seat **items, size_t n)
{
    static const char *head[] = {"ID", "COMMUNITY", "COMMITTEE", "ROLE", "PERSON", "FROM", "TO"};
    cli_table_t *t = cli_table_new(7, head);
    for (size_t i = 0; i < n; i++) {
        Hj__Registry__Seat *s = items[i];
        int c = s->committee >= 1 && s->committee <= 2 ? s->committee : 0;
        const char *row[] = {s->id,          s->community,  s_committee_names[c], s->role,
                             s->person_name, s->term_start, s->term_end[0] ? s->term_end : "sitting"};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

/* Prints whatever the reply carries, as JSON or as a table. */
static int s_output(cli_t *cli, Hj__Registry__Reply *reply, const char *done)
{
    if (cli->json) {
        switch (reply->result_case) {
        case HJ__REGISTRY__REPLY__RESULT_COMMUNITY: cli_json(&reply->community->base); break;
        case HJ__REGISTRY__REPLY__RESULT_COMMUNITIES: cli_json(&reply->communities->base); break;
        case HJ__REGISTRY__REPLY__RESULT_PERSON: cli_json(&reply->person->base); break;
        case HJ__REGISTRY__REPLY__RESULT_PERSONS: cli_json(&reply->persons->base); break;
        case HJ__REGISTRY__REPLY__RESULT_SEAT: cli_json(&reply->seat->base); break;
        case HJ__REGISTRY__REPLY__RESULT_SEATS: cli_json(&reply->seats->base); break;
        case HJ__REGISTRY__REPLY__RESULT_DISTRICT: cli_json(&reply->district->base); break;
        case HJ__REGISTRY__REPLY__RESULT_SUBDISTRICT: cli_json(&reply->subdistrict->base); break;
        default: cli_json(&reply->base);
        }
    } else {
        if (done)
            printf("%s\n", done);
        switch (reply->result_case) {
        case HJ__REGISTRY__REPLY__RESULT_COMMUNITY: s_print_communities(&reply->community, 1); break;
        case HJ__REGISTRY__REPLY__RESULT_COMMUNITIES:
            s_print_communities(reply->communities->items, reply->communities->n_items);
            break;
        case HJ__REGISTRY__REPLY__RESULT_PERSON: s_print_persons(&reply->person, 1); break;
        case HJ__REGISTRY__REPLY__RESULT_PERSONS:
            s_print_persons(reply->persons->items, reply->persons->n_items);
            break;
        case HJ__REGISTRY__REPLY__RESULT_SEAT: s_print_seats(&reply->seat, 1); break;
        case HJ__REGISTRY__REPLY__RESULT_SEATS:
            s_print_seats(reply->seats->items, reply->seats->n_items);
            break;
        default: break;
        }
    }
    hj__registry__reply__free_unpacked(reply, NULL);
    return CLI_OK;
}

static int s_list_query(cli_t *cli, Hj__Registry__ListQuery *q, const char *filter)
{
    const char *limit = cli_opt(cli, "limit");
    q->community = (char *)cli_opt_or(cli, filter, "");
    q->after = (char *)cli_opt_or(cli, "after", "");
    if (limit) {
        char *end;
        long v = strtol(limit, &end, 10);
        if (*end || v < 1 || v > 1000)
            return cli_usage("--limit must be a number from 1 to 1000");
        q->limit = (uint32_t)v;
    }
    return CLI_OK;
}

static int s_need(const char *value, const char *flag)
{
    return value ? CLI_OK : cli_usage("--%s is required", flag);
}

int cmd_district(cli_t *cli, const char *verb)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__District d = HJ__REGISTRY__DISTRICT__INIT;
    Hj__Registry__Reply *reply;
    char id[37];
    if (strcmp(verb, "add") != 0)
        return cli_usage("hj district add --code CODE --name NAME");
    d.code = (char *)cli_opt_or(cli, "code", "");
    d.name = (char *)cli_opt_or(cli, "name", "");
    req.request_id = (char *)cli_request_id(cli, id);
    req.op_case = HJ__REGISTRY__REQUEST__OP_DISTRICT_ADD;
    req.district_add = &d;
    int rc = s_call(cli, &req, &reply);
    return rc ? rc : s_output(cli, reply, "district added");
}

int cmd_subdistrict(cli_t *cli, const char *verb)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Subdistrict s = HJ__REGISTRY__SUBDISTRICT__INIT;
    Hj__Registry__Reply *reply;
    char id[37];
    if (strcmp(verb, "add") != 0)
        return cli_usage("hj subdistrict add --code CODE --name NAME --district CODE");
    s.code = (char *)cli_opt_or(cli, "code", "");
    s.name = (char *)cli_opt_or(cli, "name", "");
    s.district = (char *)cli_opt_or(cli, "district", "");
    req.request_id = (char *)cli_request_id(cli, id);
    req.op_case = HJ__REGISTRY__REQUEST__OP_SUBDISTRICT_ADD;
    req.subdistrict_add = &s;
    int rc = s_call(cli, &req, &reply);
    return rc ? rc : s_output(cli, reply, "subdistrict added");
}

int cmd_community(cli_t *cli, const char *verb)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    Hj__Registry__CommunityUpdate u = HJ__REGISTRY__COMMUNITY_UPDATE__INIT;
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Reply *reply;
    const char *done = NULL;
    char id[37];
    int rc;
    if (strcmp(verb, "add") == 0) {
        const char *org = cli_opt_or(cli, "org", "branch");
        m.code = (char *)cli_opt_or(cli, "code", "");
        m.name = (char *)cli_opt_or(cli, "name", "");
        m.subdistrict = (char *)cli_opt_or(cli, "subdistrict", "");
        int o = s_lookup(org, s_org_names, 4);
        if (o < 0)
            return cli_usage("--org must be branch, general_branch or committee");
        m.org_type = o;
        req.request_id = (char *)cli_request_id(cli, id);
        req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
        req.community_add = &m;
        done = "community added";
    } else if (strcmp(verb, "update") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj community update CODE [--name NAME] [--org TYPE]");
        const char *org = cli_opt(cli, "org");
        u.code = (char *)cli->pos[0];
        u.name = (char *)cli_opt_or(cli, "name", "");
        int o = org ? s_lookup(org, s_org_names, 4) : 0;
        if (o < 0)
            return cli_usage("--org must be branch, general_branch or committee");
        u.org_type = o;
        req.request_id = (char *)cli_request_id(cli, id);
        req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_UPDATE;
        req.community_update = &u;
        done = "community updated";
    } else if (strcmp(verb, "show") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj community show CODE");
        get.key = (char *)cli->pos[0];
        req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_GET;
        req.community_get = &get;
    } else if (strcmp(verb, "list") == 0) {
        if ((rc = s_list_query(cli, &q, "subdistrict")) != CLI_OK)
            return rc;
        req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST;
        req.community_list = &q;
    } else
        return cli_usage("hj community add|update|show|list");
    rc = s_call(cli, &req, &reply);
    return rc ? rc : s_output(cli, reply, done);
}

int cmd_person(cli_t *cli, const char *verb)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Person p = HJ__REGISTRY__PERSON__INIT;
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Reply *reply;
    const char *done = NULL;
    char id[37];
    int rc;
    if (strcmp(verb, "add") == 0) {
        p.name = (char *)cli_opt_or(cli, "name", "");
        p.gender = (char *)cli_opt_or(cli, "gender", "");
        p.ethnicity = (char *)cli_opt_or(cli, "ethnicity", "");
        p.birth_date = (char *)cli_opt_or(cli, "birth", "");
        p.party_member = cli_flag(cli, "party-member");
        p.id_card = (char *)cli_opt_or(cli, "id-card", "");
        req.request_id = (char *)cli_request_id(cli, id);
        req.op_case = HJ__REGISTRY__REQUEST__OP_PERSON_ADD;
        req.person_add = &p;
        done = "person added";
    } else if (strcmp(verb, "show") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj person show ID");
        get.key = (char *)cli->pos[0];
        req.op_case = HJ__REGISTRY__REQUEST__OP_PERSON_GET;
        req.person_get = &get;
    } else if (strcmp(verb, "list") == 0) {
        if ((rc = s_list_query(cli, &q, "community")) != CLI_OK)
            return rc;
        req.op_case = HJ__REGISTRY__REQUEST__OP_PERSON_LIST;
        req.person_list = &q;
    } else
        return cli_usage("hj person add|show|list");
    rc = s_call(cli, &req, &reply);
    return rc ? rc : s_output(cli, reply, done);
}

int cmd_seat(cli_t *cli, const char *verb)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Seat s = HJ__REGISTRY__SEAT__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Reply *reply;
    const char *done = NULL;
    char id[37];
    int rc;
    if (strcmp(verb, "add") == 0) {
        const char *committee = cli_opt(cli, "committee");
        if ((rc = s_need(committee, "committee")) != CLI_OK)
            return rc;
        int c = s_lookup(committee, s_committee_names, 3);
        if (c < 0)
            return cli_usage("--committee must be party or residents");
        s.committee = c;
        s.community = (char *)cli_opt_or(cli, "community", "");
        s.person_id = (char *)cli_opt_or(cli, "person", "");
        s.role = (char *)cli_opt_or(cli, "role", "member");
        s.term_start = (char *)cli_opt_or(cli, "from", "");
        s.term_end = (char *)cli_opt_or(cli, "to", "");
        req.request_id = (char *)cli_request_id(cli, id);
        req.op_case = HJ__REGISTRY__REQUEST__OP_SEAT_ADD;
        req.seat_add = &s;
        done = "seat added";
    } else if (strcmp(verb, "end") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj seat end ID --on DATE");
        s.id = (char *)cli->pos[0];
        s.term_end = (char *)cli_opt_or(cli, "on", "");
        req.request_id = (char *)cli_request_id(cli, id);
        req.op_case = HJ__REGISTRY__REQUEST__OP_SEAT_END;
        req.seat_end = &s;
        done = "seat ended";
    } else if (strcmp(verb, "list") == 0) {
        if ((rc = s_list_query(cli, &q, "community")) != CLI_OK)
            return rc;
        req.op_case = HJ__REGISTRY__REQUEST__OP_SEAT_LIST;
        req.seat_list = &q;
    } else
        return cli_usage("hj seat add|end|list");
    rc = s_call(cli, &req, &reply);
    return rc ? rc : s_output(cli, reply, done);
}
