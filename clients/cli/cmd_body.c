/* hj body — 健全机构: the leadership group, its office, guidance groups (and
 * the communities each guides), and each community's election committee. */
#include "cmd_prep.h"
#include "person_ref.h"

#include <stdio.h>
#include <string.h>

#define S_MAX 200

static void s_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Body *b = (const Hj__Registry__Body *)record;
    char leader[256] = "", members[2048] = "", guides[2048] = "";
    size_t ml = 0, gl = 0;
    for (size_t k = 0; k < b->n_members; k++) {
        const Hj__Registry__BodyMember *p = b->members[k];
        if (strcmp(p->role, "leader") == 0)
            snprintf(leader, sizeof leader, "%s", p->person_name);
        else if (ml < sizeof members)
            ml += (size_t)snprintf(members + ml, sizeof members - ml, "%s%s", ml ? "、" : "",
                                   p->person_name);
    }
    for (size_t k = 0; k < b->n_communities && gl < sizeof guides; k++)
        gl += (size_t)snprintf(guides + gl, sizeof guides - gl, "%s%s", k ? " " : "",
                               b->communities[k]);
    const char *row[] = {
        b->id, prep_label(b->kind, 0), b->name, b->subdistrict, b->community, leader, members,
        guides};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"ID",        "KIND",   "NAME",    "SUBDISTRICT",
                                 "COMMUNITY", "LEADER", "MEMBERS", "GUIDES"};
    prep_table(m, 8, head, s_row);
}

static int s_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Body b = HJ__REGISTRY__BODY__INIT;
    char *members[S_MAX], *guides[S_MAX], leader[37], member_ids[S_MAX][37];
    int rc;
    (void)verb;
    b.kind = (char *)prep_enum(cli, "kind", "");
    prep_texts(
        cli, (const char *const[]){"name", "subdistrict", "community", "leader", "formed", NULL},
        (char **const[]){&b.name, &b.subdistrict, &b.community, &b.leader_id, &b.formed_on, NULL});
    b.member_ids = members;
    b.n_member_ids = prep_opts(cli, "member", members, S_MAX);
    b.communities = guides;
    b.n_communities = prep_opts(cli, "guides", guides, S_MAX);
    /* Leaders and members by code or name: the subdistrict's cadres. */
    if ((b.leader_id[0] &&
         (rc = person_refs(cli, "--leader", &b.leader_id, 1, b.community, 1, &leader)) != CLI_OK) ||
        (rc = person_refs(cli, "--member", members, b.n_member_ids, b.community, 1, member_ids)) !=
            CLI_OK)
        return rc;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_BODY_ADD, &b.base, "working body recorded",
                      s_print);
}

static int s_change(cli_t *cli, const char *verb)
{
    Hj__Registry__BodyChange ch = HJ__REGISTRY__BODY_CHANGE__INIT;
    char *add_m[S_MAX], *rm_m[S_MAX], *add_c[S_MAX], *rm_c[S_MAX];
    char leader[37], member_ids[S_MAX][37], removed_ids[S_MAX][37];
    int rc;
    (void)verb;
    ch.id = (char *)cli->pos[0];
    ch.leader_id = (char *)cli_opt_or(cli, "leader", "");
    ch.add_members = add_m;
    ch.n_add_members = prep_opts(cli, "add-member", add_m, S_MAX);
    ch.remove_members = rm_m;
    ch.n_remove_members = prep_opts(cli, "remove-member", rm_m, S_MAX);
    ch.add_communities = add_c;
    ch.n_add_communities = prep_opts(cli, "add-community", add_c, S_MAX);
    ch.remove_communities = rm_c;
    ch.n_remove_communities = prep_opts(cli, "remove-community", rm_c, S_MAX);
    if ((ch.leader_id[0] &&
         (rc = person_refs(cli, "--leader", &ch.leader_id, 1, "", 1, &leader)) != CLI_OK) ||
        (rc = person_refs(cli, "--add-member", add_m, ch.n_add_members, "", 1, member_ids)) !=
            CLI_OK ||
        (rc = person_refs(cli, "--remove-member", rm_m, ch.n_remove_members, "", 1, removed_ids)) !=
            CLI_OK)
        return rc;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_BODY_CHANGE, &ch.base, "working body changed",
                      s_print);
}

int cmd_body(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {
        {"add", 0, s_add}, {"change", 1, s_change}, {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"kind", PREP_WORD, "kind"}, {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "body", verbs, filters, s_print);
}
