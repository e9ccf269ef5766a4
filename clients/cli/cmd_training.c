/* hj training — 培训骨干: sessions, topics, attendees in their roles, and
 * which election-committee members of a community are still untrained. */
#include "cmd_prep.h"
#include "hj_envelope.h"
#include "person_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX 200

static void s_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Training *s = (const Hj__Registry__Training *)record;
    char topics[2048] = "", count[16], scope[96], date[48];
    size_t len = 0;
    for (size_t k = 0; k < s->n_topics && len < sizeof topics; k++)
        len += (size_t)snprintf(topics + len, sizeof topics - len, "%s%s", k ? "；" : "",
                                s->topics[k]);
    snprintf(count, sizeof count, "%zu", s->n_attendees);
    snprintf(scope, sizeof scope, "%s", s->community);
    if (!s->community[0])
        snprintf(scope, sizeof scope, "%s (全街道)", s->subdistrict);
    snprintf(date, sizeof date, "%s%s", s->date, prep_voided_mark(s->voided));
    const char *row[] = {s->code, s->id, date, scope, s->trainer, topics, count};
    cli_table_row(t, row);
}

static void s_row_attendee(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Attendee *a = (const Hj__Registry__Attendee *)record;
    const char *row[] = {a->person_id, a->person_name, prep_label(a->role, 0)};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"CODE", "ID", "DATE", "FOR", "TRAINER", "TOPICS", "ATTENDEES"};
    const Hj__Registry__Training *s =
        prep_table_record(m, 7, head, s_row, &hj__registry__training__descriptor);
    if (!s)
        return;
    if (s->voided)
        printf("%s  %s\n", prep_voided_mark(1) + 1, s->void_reason);
    static const char *ahead[] = {"ATTENDEE", "NAME", "ROLE"};
    printf("\n");
    cli_table_t *t = cli_table_new(3, ahead);
    for (size_t k = 0; k < s->n_attendees; k++)
        s_row_attendee(t, &s->attendees[k]->base);
    cli_table_print(t);
    cli_table_destroy(&t);
}

static void s_print_coverage(const ProtobufCMessage *m)
{
    const Hj__Registry__TrainingCoverage *c = (const Hj__Registry__TrainingCoverage *)m;
    /* Chinese by default, --lang en English (issue #20). */
    int en = prep_lang_en();
    if (!c->committee_recorded) {
        printf(en ? "%s has no election committee (选举委员会) recorded: "
                    "hj body add --kind election_committee --community %s ...\n"
                  : "%s 尚未登记选举委员会：hj body add --kind election_committee --community %s "
                    "...\n",
               c->community, c->community);
        return;
    }
    printf(en ? "%s: %u of %u election-committee members trained\n"
              : "%s：选举委员会成员已培训 %u 人，共 %u 人\n",
           c->community, c->trained, c->required);
    if (!c->n_missing)
        return;
    static const char *head[] = {"NOT YET TRAINED", "NAME"}, *head_zh[] = {"尚未培训", "姓名"};
    cli_table_t *t = cli_table_new(2, en ? head : head_zh);
    for (size_t i = 0; i < c->n_missing; i++) {
        const char *row[] = {c->missing[i]->id, c->missing[i]->name};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

/* --KEY PERSON:ROLE, each person a UUID, a code or a name (among the
 * community's persons when given): into att[0..*n). CLI_OK or the failure. */
static int s_attendees(cli_t *cli, const char *key, const char *community,
                       Hj__Registry__Attendee att[S_MAX], Hj__Registry__Attendee *ptrs[S_MAX],
                       char ids[S_MAX][64], char resolved[S_MAX][37], size_t *n)
{
    char *given[S_MAX], option[32];
    int rc;
    snprintf(option, sizeof option, "--%s", key);
    *n = prep_opts(cli, key, given, S_MAX);
    for (size_t i = 0; i < *n; i++) {
        hj__registry__attendee__init(&att[i]);
        resolved[i][0] = 0;
        snprintf(ids[i], 64, "%s", given[i]);
        char *colon = strchr(ids[i], ':');
        att[i].role = (char *)(colon ? prep_word(colon + 1) : "");
        if (colon)
            *colon = 0;
        att[i].person_id = ids[i];
        ptrs[i] = &att[i];
        if (!hj_uuid_valid(ids[i]) &&
            (rc = person_ref(cli, option, ids[i], community, 0, resolved[i])) != CLI_OK)
            return rc;
        if (resolved[i][0])
            att[i].person_id = resolved[i];
    }
    return CLI_OK;
}

static int s_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Training tr = HJ__REGISTRY__TRAINING__INIT;
    Hj__Registry__Attendee att[S_MAX], *att_ptrs[S_MAX];
    char *topics[S_MAX], ids[S_MAX][64], resolved[S_MAX][37];
    size_t n;
    int rc;
    (void)verb;
    prep_texts(cli, (const char *const[]){"date", "community", "subdistrict", "trainer", NULL},
               (char **const[]){&tr.date, &tr.community, &tr.subdistrict, &tr.trainer, NULL});
    tr.topics = topics;
    tr.n_topics = prep_opts(cli, "topic", topics, S_MAX);
    /* --attendee PERSON:ROLE */
    if ((rc = s_attendees(cli, "attendee", tr.community, att, att_ptrs, ids, resolved, &n)) !=
        CLI_OK)
        return rc;
    tr.attendees = att_ptrs;
    tr.n_attendees = n;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_TRAINING_ADD, &tr.base,
                      cli->en ? "training session recorded" : "培训已记录", s_print);
}

static int s_coverage(cli_t *cli, const char *verb)
{
    (void)verb;
    return prep_show(cli, HJ__REGISTRY__REQUEST__OP_TRAINING_COVERAGE, s_print_coverage);
}

/* Attendance corrected: --add-attendee PERSON:ROLE, --remove-attendee PERSON. */
static int s_update(cli_t *cli, const char *verb)
{
    Hj__Registry__TrainingUpdate u = HJ__REGISTRY__TRAINING_UPDATE__INIT;
    Hj__Registry__Attendee att[S_MAX], *att_ptrs[S_MAX];
    char *removed[S_MAX], ids[S_MAX][64], resolved[S_MAX][37], removed_ids[S_MAX][37];
    int rc;
    (void)verb;
    u.id = (char *)cli->pos[0];
    prep_texts(cli, (const char *const[]){"reason", "date", "trainer", NULL},
               (char **const[]){&u.reason, &u.date, &u.trainer, NULL});
    if ((rc = s_attendees(cli, "add-attendee", "", att, att_ptrs, ids, resolved,
                          &u.n_add_attendees)) != CLI_OK)
        return rc;
    u.add_attendees = att_ptrs;
    u.n_remove_attendees = prep_opts(cli, "remove-attendee", removed, S_MAX);
    if ((rc = person_refs(cli, "--remove-attendee", removed, u.n_remove_attendees, "", 0,
                          removed_ids)) != CLI_OK)
        return rc;
    u.remove_attendees = removed;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_TRAINING_UPDATE, &u.base,
                      prep_corrected_done("培训记录", "training session"), s_print);
}

/* The record by its code (X0042) or UUID (issue #20). */
int cmd_training(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {
        {"add", 0, s_add}, {"coverage", 1, s_coverage}, {"update", 1, s_update}, {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"include-void", PREP_FLAG, "include_void"},
                                            {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "training", verbs, filters, s_print);
}
