/* hj publicity — 宣传动员: pushes by channel and kind, with totals. */
#include "cmd_prep.h"

#include <stddef.h>
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

static int s_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Publicity p = HJ__REGISTRY__PUBLICITY__INIT;
    int rc;
    (void)verb;
    prep_texts(cli, (const char *const[]){"community", "subdistrict", "date", "title", NULL},
               (char **const[]){&p.community, &p.subdistrict, &p.date, &p.title, NULL});
    p.channel = (char *)prep_enum(cli, "channel", "");
    p.kind = (char *)prep_enum(cli, "kind", "");
    if ((rc = prep_uint(cli, "count", 1, 100000, 1, &p.count)) != CLI_OK)
        return rc;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_PUBLICITY_ADD, &p.base,
                      cli->en ? "publicity recorded" : "宣传记录已登记", s_print);
}

static int s_update(cli_t *cli, const char *verb)
{
    Hj__Registry__PublicityUpdate u = HJ__REGISTRY__PUBLICITY_UPDATE__INIT;
    int rc;
    (void)verb;
    u.id = (char *)cli->pos[0];
    prep_texts(cli, (const char *const[]){"reason", "date", "title", NULL},
               (char **const[]){&u.reason, &u.date, &u.title, NULL});
    if ((rc = prep_uint(cli, "count", 1, 100000, 0, &u.count)) != CLI_OK)
        return rc;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_PUBLICITY_UPDATE, &u.base,
                      prep_corrected_done("宣传记录", "publicity push"), s_print);
}

/* The record by its code (X0042) or UUID (issue #20). */
int cmd_publicity(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {
        {"add", 0, s_add}, {"update", 1, s_update}, {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {
        {"kind", PREP_WORD, "kind"}, {"include-void", PREP_FLAG, "include_void"}, {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "publicity", verbs, filters, s_print);
}
