/* hj district|subdistrict|community|person|seat — the registry core. */
#include "cli.h"
#include "cli_enum.h"
#include "cmd_prep.h"
#include "hj_csv.h"
#include "person_ref.h"
#include "registry.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_org_names[] = {"", "branch", "general_branch", "committee"};
static const char *s_org_zh[] = {"", "党支部", "党总支", "党委"};
static const char *s_committee_names[] = {"", "party", "residents"};

/* What officials type for the categorical options (cli_enum). */
static const cli_enum_t s_org_enum[] = {{"branch", "党支部", NULL},
                                        {"general_branch", "党总支", NULL},
                                        {"committee", "党委", NULL},
                                        {NULL, NULL, NULL}};
static const cli_enum_t s_committee_enum[] = {
    {"party", "党组织", "党组织委员会"}, {"residents", "居委会", "居民委员会"}, {NULL, NULL, NULL}};
static const cli_enum_t s_role_enum[] = {
    {"secretary", "书记", NULL}, {"deputy_secretary", "副书记", NULL},
    {"director", "主任", NULL},  {"deputy_director", "副主任", NULL},
    {"member", "委员", "成员"},  {NULL, NULL, NULL}};
static const cli_enum_t s_gender_enum[] = {
    {"male", "男", NULL}, {"female", "女", NULL}, {NULL, NULL, NULL}};

static int s_lookup(const char *value, const char *const *names, int n)
{
    for (int i = 1; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return i;
    return -1;
}

static void s_community_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Community *c = (const Hj__Registry__Community *)record;
    int org = c->org_type >= 1 && c->org_type <= 3 ? c->org_type : 0;
    char orgtext[64];
    snprintf(orgtext, sizeof orgtext, "%s (%s)", s_org_zh[org], s_org_names[org]);
    const char *row[] = {c->code, c->name, c->subdistrict, orgtext};
    cli_table_row(t, row);
}

static void s_person_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Person *p = (const Hj__Registry__Person *)record;
    char name[512];
    /* A voided person shows only with --include-void, and says so. */
    snprintf(name, sizeof name, "%s%s", p->name, p->voided ? " (已作废)" : "");
    const char *row[] = {p->code,           name,          p->gender,
                         p->ethnicity,      p->birth_date, p->party_member ? "yes" : "no",
                         p->id_card_masked, p->id};
    cli_table_row(t, row);
}

static void s_seat_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Seat *s = (const Hj__Registry__Seat *)record;
    int c = s->committee >= 1 && s->committee <= 2 ? s->committee : 0;
    char person[512];
    snprintf(person, sizeof person, "%s %s", s->person_name, s->person_code);
    const char *row[] = {s->id,
                         s->community,
                         s_committee_names[c],
                         s->role,
                         person,
                         s->term_start,
                         s->term_end[0] ? s->term_end : "sitting"};
    cli_table_row(t, row);
}

/* A community, person or seat, or a list of them, as a table. */
static void s_print(const ProtobufCMessage *m)
{
    static const char *community_head[] = {"CODE", "NAME", "SUBDISTRICT", "ORGANISATION"};
    static const char *person_head[] = {"CODE", "NAME",  "GENDER",  "ETHNICITY",
                                        "BORN", "PARTY", "ID CARD", "ID"};
    static const char *seat_head[] = {"ID",     "COMMUNITY", "COMMITTEE", "ROLE",
                                      "PERSON", "FROM",      "TO"};
    const ProtobufCMessageDescriptor *type = prep_record_type(m);
    if (type == &hj__registry__community__descriptor)
        prep_table(m, 4, community_head, s_community_row);
    else if (type == &hj__registry__person__descriptor)
        prep_table(m, 8, person_head, s_person_row);
    else if (type == &hj__registry__seat__descriptor)
        prep_table(m, 7, seat_head, s_seat_row);
}

/* Prints whatever the reply carries, as JSON or as a table. */
static int s_output(cli_t *cli, Hj__Registry__Reply *reply, const char *done)
{
    return prep_reply(cli, &reply->base, done, s_print);
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

/* One registry request, a write when it says what it did (done), and its answer. */
static int s_send(cli_t *cli, uint32_t op_case, ProtobufCMessage *op, const char *done)
{
    Hj__Registry__Reply *reply;
    int rc = prep_send(cli, op_case, op, done != NULL, &reply);
    return rc ? rc : s_output(cli, reply, done);
}

/* A registry list: every page with --all, and what was left out. */
static int s_list(cli_t *cli, uint32_t op_case, Hj__Registry__ListQuery *q,
                  void (*print)(const ProtobufCMessage *list))
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    cli_opt(cli, "lang");
    if (prep_set_op(&req.base, op_case, &q->base) != 0)
        return cli_usage("internal: op %u does not take a list query", op_case);
    return prep_list_to(cli, "registry", &req.base, &q->after, &hj__registry__reply__descriptor, 0,
                        print);
}

int cmd_district(cli_t *cli, const char *verb)
{
    Hj__Registry__District d = HJ__REGISTRY__DISTRICT__INIT;
    if (strcmp(verb, "add") != 0)
        return cli_usage("hj district add --code CODE --name NAME");
    d.code = (char *)cli_opt_or(cli, "code", "");
    d.name = (char *)cli_opt_or(cli, "name", "");
    return s_send(cli, HJ__REGISTRY__REQUEST__OP_DISTRICT_ADD, &d.base, "district added");
}

int cmd_subdistrict(cli_t *cli, const char *verb)
{
    Hj__Registry__Subdistrict s = HJ__REGISTRY__SUBDISTRICT__INIT;
    if (strcmp(verb, "add") != 0)
        return cli_usage("hj subdistrict add --code CODE --name NAME --district CODE");
    prep_texts(cli, (const char *const[]){"code", "name", "district", NULL},
               (char **const[]){&s.code, &s.name, &s.district, NULL});

    return s_send(cli, HJ__REGISTRY__REQUEST__OP_SUBDISTRICT_ADD, &s.base, "subdistrict added");
}

int cmd_community(cli_t *cli, const char *verb)
{
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    Hj__Registry__CommunityUpdate u = HJ__REGISTRY__COMMUNITY_UPDATE__INIT;
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    int rc;
    if (strcmp(verb, "add") == 0) {
        const char *org;
        m.code = (char *)cli_opt_or(cli, "code", "");
        m.name = (char *)cli_opt_or(cli, "name", "");
        m.subdistrict = (char *)cli_opt_or(cli, "subdistrict", "");
        if ((rc = cli_enum(cli, "org", s_org_enum, "branch", &org)) != CLI_OK)
            return rc;
        m.org_type = s_lookup(org, s_org_names, 4);
        return s_send(cli, HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD, &m.base, "community added");
    } else if (strcmp(verb, "update") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj community update CODE [--name NAME] [--org TYPE]");
        const char *org;
        u.code = (char *)cli->pos[0];
        u.name = (char *)cli_opt_or(cli, "name", "");
        if ((rc = cli_enum(cli, "org", s_org_enum, NULL, &org)) != CLI_OK)
            return rc;
        u.org_type = org ? s_lookup(org, s_org_names, 4) : 0;
        return s_send(cli, HJ__REGISTRY__REQUEST__OP_COMMUNITY_UPDATE, &u.base,
                      "community updated");
    } else if (strcmp(verb, "show") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj community show CODE");
        get.key = (char *)cli->pos[0];
        return s_send(cli, HJ__REGISTRY__REQUEST__OP_COMMUNITY_GET, &get.base, NULL);
    } else if (strcmp(verb, "list") == 0) {
        if ((rc = s_list_query(cli, &q, "subdistrict")) != CLI_OK)
            return rc;
        return s_list(cli, HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST, &q, s_print);
    }
    return cli_usage("hj community add|update|show|list");
}

/* hj person list: every page with --all, and what was left out. */
static int s_person_list(cli_t *cli)
{
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    int rc = s_list_query(cli, &q, "community");
    if (rc != CLI_OK)
        return rc;
    q.name = (char *)cli_opt_or(cli, "name", "");
    q.subdistrict = (char *)cli_opt_or(cli, "subdistrict", "");
    q.include_void = cli_flag(cli, "include-void");
    return s_list(cli, HJ__REGISTRY__REQUEST__OP_PERSON_LIST, &q, s_print);
}

/* ---- hj person import FILE.csv ------------------------------------------ */

/* The columns of a person CSV, by their Chinese or English header. */
enum { P_NAME, P_GENDER, P_ETHNICITY, P_BIRTH, P_PARTY, P_IDCARD, P_COUNT };
static const char *const s_person_columns[P_COUNT][2] = {
    {"姓名", "name"},           {"性别", "gender"},       {"民族", "ethnicity"},
    {"出生日期", "birth_date"}, {"党员", "party_member"}, {"身份证号", "id_card"},
};

/* A cell's word: 男/女, 是/否 as the words the service knows. */
static const char *s_person_word(int column, const char *cell)
{
    static const char *const map[][2] = {{"男", "male"}, {"女", "female"}, {"是", "yes"},
                                         {"否", "no"},   {"true", "yes"},  {"false", "no"}};
    if (column != P_GENDER && column != P_PARTY)
        return cell;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(cell, map[i][0]) == 0)
            return map[i][1];
    return cell;
}

/* A person file must have 姓名 and 性别 (named when missing). */
static int s_import_check(const hj_csv_record_t *rec, const int *col)
{
    if (col[P_NAME] >= 0 && col[P_GENDER] >= 0)
        return 0;
    fprintf(stderr,
            "hj: line %zu: the header needs 姓名 (name) and 性别 (gender); optional: "
            "民族 (ethnicity), 出生日期 (birth_date), 党员 (party_member), 身份证号 (id_card)\n",
            rec->line);
    return -1;
}

/* One person row, its strings in a. */
static int s_import_row(const hj_csv_record_t *rec, const int *col, ProtobufCMessage *msg,
                        hj_arena_t *a)
{
    Hj__Registry__Person *p = (Hj__Registry__Person *)msg;
    char **cells[P_COUNT] = {&p->name,       &p->gender, &p->ethnicity,
                             &p->birth_date, NULL,       &p->id_card};
    for (int k = 0; k < P_COUNT; k++) {
        const char *cell = col[k] >= 0 ? s_person_word(k, rec->fields[col[k]]) : "";
        if (cells[k])
            *cells[k] = hj_arena_strdup(a, cell);
        else
            p->party_member = strcmp(cell, "yes") == 0;
    }
    p->line = (uint32_t)rec->line;
    return 0;
}

/* One request for the whole file (one UUID: a retry cannot half-import). */
static int s_person_import(cli_t *cli, const char *path)
{
    static const prep_csv_t spec = {
        &s_person_columns[0][0],           P_COUNT,        2,
        &hj__registry__person__descriptor, s_import_check, s_import_row};
    Hj__Registry__PersonImport imp = HJ__REGISTRY__PERSON_IMPORT__INIT;
    Hj__Registry__Reply *reply;
    hj_arena_t rows = {0};
    int rc = prep_csv_read(path, &spec, &rows, &imp.rows, &imp.n_rows);
    if (rc == CLI_OK)
        rc = prep_send(cli, HJ__REGISTRY__REQUEST__OP_PERSON_IMPORT, &imp.base, 1, &reply);
    hj_arena_free(&rows);
    if (rc != CLI_OK)
        return rc;
    if (!cli->json && reply->result_case == HJ__REGISTRY__REPLY__RESULT_PERSONS)
        printf("%zu persons imported\n", reply->persons->n_items);
    return s_output(cli, reply, NULL);
}

int cmd_person(cli_t *cli, const char *verb)
{
    Hj__Registry__Person p = HJ__REGISTRY__PERSON__INIT;
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    Hj__Registry__PersonVoid pv = HJ__REGISTRY__PERSON_VOID__INIT;
    Hj__Registry__PersonUpdate pu = HJ__REGISTRY__PERSON_UPDATE__INIT;
    char person[37];
    int rc;
    if (strcmp(verb, "add") == 0) {
        p.name = (char *)cli_opt_or(cli, "name", "");
        if ((rc = cli_enum_lenient(cli, "gender", s_gender_enum, "", (const char **)&p.gender)) !=
            CLI_OK)
            return rc;
        p.ethnicity = (char *)cli_opt_or(cli, "ethnicity", "");
        p.birth_date = (char *)cli_opt_or(cli, "birth", "");
        p.party_member = cli_flag(cli, "party-member");
        p.id_card = (char *)cli_opt_or(cli, "id-card", "");
        return s_send(cli, HJ__REGISTRY__REQUEST__OP_PERSON_ADD, &p.base, "person added");
    } else if (strcmp(verb, "list") == 0) {
        return s_person_list(cli);
    } else if (strcmp(verb, "import") == 0) {
        if (cli->npos != 1)
            return cli_usage("hj person import FILE.csv");
        return s_person_import(cli, cli->pos[0]);
    } else if (strcmp(verb, "show") == 0 || strcmp(verb, "void") == 0 ||
               strcmp(verb, "update") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj person %s CODE|NAME|ID%s", verb,
                             strcmp(verb, "void") == 0 ? " --reason TEXT"
                             : strcmp(verb, "update") == 0
                                 ? " [--name N] [--gender G] [--ethnicity E] "
                                   "[--birth DATE] [--party-member yes|no]"
                                 : "");
        const char *community = cli_opt(cli, "community");
        if ((rc = person_ref(cli, "person", cli->pos[0], community, 0, person)) != CLI_OK)
            return rc;
        if (strcmp(verb, "show") == 0) {
            get.key = person;
            return s_send(cli, HJ__REGISTRY__REQUEST__OP_PERSON_GET, &get.base, NULL);
        } else if (strcmp(verb, "void") == 0) {
            pv.id = person;
            pv.reason = (char *)cli_opt_or(cli, "reason", "");
            return s_send(
                cli, HJ__REGISTRY__REQUEST__OP_PERSON_VOID, &pv.base,
                "person voided (已作废): kept, hidden from lists (--include-void shows it)");
        } else {
            pu.id = person;
            pu.name = (char *)cli_opt_or(cli, "name", "");
            if ((rc = cli_enum_lenient(cli, "gender", s_gender_enum, "",
                                       (const char **)&pu.gender)) != CLI_OK)
                return rc;
            pu.ethnicity = (char *)cli_opt_or(cli, "ethnicity", "");
            pu.birth_date = (char *)cli_opt_or(cli, "birth", "");
            pu.party_member = (char *)cli_opt_or(cli, "party-member", "");
            pu.reason = (char *)cli_opt_or(cli, "reason", "");
            return s_send(cli, HJ__REGISTRY__REQUEST__OP_PERSON_UPDATE, &pu.base,
                          "person corrected (the previous values are kept in the journal)");
        }
    }
    return cli_usage("hj person add|show|list|update|void|import");
}

int cmd_seat(cli_t *cli, const char *verb)
{
    Hj__Registry__Seat s = HJ__REGISTRY__SEAT__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    char person[37];
    int rc;
    if (strcmp(verb, "add") == 0) {
        const char *committee, *role;
        if ((rc = s_need(cli_opt(cli, "committee"), "committee")) != CLI_OK ||
            (rc = cli_enum(cli, "committee", s_committee_enum, NULL, &committee)) != CLI_OK ||
            (rc = cli_enum(cli, "role", s_role_enum, "member", &role)) != CLI_OK)
            return rc;
        s.committee = s_lookup(committee, s_committee_names, 3);
        s.community = (char *)cli_opt_or(cli, "community", "");
        if ((rc = person_ref(cli, "--person", cli_opt_or(cli, "person", ""), s.community, 0,
                             person)) != CLI_OK)
            return rc;
        s.person_id = person;
        s.role = (char *)role;
        s.term_start = (char *)cli_opt_or(cli, "from", "");
        s.term_end = (char *)cli_opt_or(cli, "to", "");
        return s_send(cli, HJ__REGISTRY__REQUEST__OP_SEAT_ADD, &s.base, "seat added");
    } else if (strcmp(verb, "end") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj seat end ID --on DATE");
        s.id = (char *)cli->pos[0];
        s.term_end = (char *)cli_opt_or(cli, "on", "");
        return s_send(cli, HJ__REGISTRY__REQUEST__OP_SEAT_END, &s.base, "seat ended");
    } else if (strcmp(verb, "list") == 0) {
        if ((rc = s_list_query(cli, &q, "community")) != CLI_OK)
            return rc;
        return s_list(cli, HJ__REGISTRY__REQUEST__OP_SEAT_LIST, &q, s_print);
    }
    return cli_usage("hj seat add|end|list");
}
