/* hj publicity — 宣传动员: pushes by channel and kind, with totals. */
#include "cmd_prep.h"
#include "record_ref.h"

#include <stdio.h>
#include <string.h>

static void s_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Publicity *p = (const Hj__Registry__Publicity *)record;
    char count[16], scope[96], date[48];
    snprintf(count, sizeof count, "%u", p->count);
    snprintf(date, sizeof date, "%s%s", p->date, prep_voided_mark(p->voided));
    snprintf(scope, sizeof scope, "%s", p->community[0] ? p->community : p->subdistrict);
    if (!p->community[0])
        snprintf(scope, sizeof scope, "%s (全街道)", p->subdistrict);
    const char *row[] = {
        p->code, p->id,   date, scope, prep_label(p->channel, 0), prep_label(p->kind, 1),
        count,   p->title};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"CODE",    "ID",   "DATE",  "COMMUNITY",
                                 "CHANNEL", "KIND", "COUNT", "TITLE"};
    static const char *totals_head[] = {"TOTAL BY", "", "PUSHES", "COUNT"};
    const Hj__Registry__Publicities *list = NULL;
    if (m->descriptor == &hj__registry__publicities__descriptor)
        list = (const Hj__Registry__Publicities *)m;
    prep_table(m, 8, head, s_row);
    if (!list && ((const Hj__Registry__Publicity *)m)->voided)
        printf("%s  %s\n", prep_voided_mark(1) + 1,
               ((const Hj__Registry__Publicity *)m)->void_reason);
    if (!list || !list->n_totals)
        return;
    printf("\n");
    cli_table_t *t = cli_table_new(4, totals_head);
    for (size_t i = 0; i < list->n_totals; i++) {
        const Hj__Registry__PublicityTotal *x = list->totals[i];
        char pushes[24], count[24];
        snprintf(pushes, sizeof pushes, "%llu", (unsigned long long)x->pushes);
        snprintf(count, sizeof count, "%llu", (unsigned long long)x->count);
        const char *row[] = {x->kind[0] ? "kind" : "channel",
                             prep_label(x->kind[0] ? x->kind : x->channel, 0), pushes, count};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

static int s_publicity(cli_t *cli, const char *verb)
{
    int rc;
    if (strcmp(verb, "add") == 0) {
        Hj__Registry__Publicity p = HJ__REGISTRY__PUBLICITY__INIT;
        prep_texts(cli, (const char *const[]){"community", "subdistrict", "date", "title", NULL},
                   (char **const[]){&p.community, &p.subdistrict, &p.date, &p.title, NULL});
        p.channel = (char *)prep_enum(cli, "channel", "");
        p.kind = (char *)prep_enum(cli, "kind", "");
        if ((rc = prep_uint(cli, "count", 1, 100000, 1, &p.count)) != CLI_OK)
            return rc;
        return prep_write(cli, HJ__REGISTRY__REQUEST__OP_PUBLICITY_ADD, &p.base,
                          cli->en ? "publicity recorded" : "宣传记录已登记", s_print);
    } else if (strcmp(verb, "list") == 0) {
        Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
        q.kind = (char *)prep_enum(cli, "kind", "");
        q.include_void = cli_flag(cli, "include-void");
        return prep_list(cli, HJ__REGISTRY__REQUEST__OP_PUBLICITY_LIST, &q, s_print);
    } else if (strcmp(verb, "show") == 0 && cli->npos == 1) {
        return prep_show(cli, HJ__REGISTRY__REQUEST__OP_PUBLICITY_GET, s_print);
    } else if (strcmp(verb, "void") == 0) {
        return prep_void(cli, "hj publicity void ID --reason TEXT",
                         HJ__REGISTRY__REQUEST__OP_PUBLICITY_VOID, "宣传记录", "publicity push",
                         s_print);
    } else if (strcmp(verb, "update") == 0 && cli->npos == 1) {
        Hj__Registry__PublicityUpdate u = HJ__REGISTRY__PUBLICITY_UPDATE__INIT;
        u.id = (char *)cli->pos[0];
        prep_texts(cli, (const char *const[]){"reason", "date", "title", NULL},
                   (char **const[]){&u.reason, &u.date, &u.title, NULL});

        if ((rc = prep_uint(cli, "count", 1, 100000, 0, &u.count)) != CLI_OK)
            return rc;
        return prep_write(cli, HJ__REGISTRY__REQUEST__OP_PUBLICITY_UPDATE, &u.base,
                          prep_corrected_done("宣传记录", "publicity push"),

                          s_print);
    }
    return cli_usage("hj publicity add|list|show|void|update");
}

/* The record by its code (X0042) or UUID (issue #20). */
int cmd_publicity(cli_t *cli, const char *verb)
{
    return record_ref_run(cli, verb, (const char *const[]){"show", "void", "update", NULL},
                          "publicity", s_publicity);
}
