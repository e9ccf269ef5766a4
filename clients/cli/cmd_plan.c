/* hj plan — 制定方案: plans and their approval chains; hj task — dated tasks
 * with owners (时间到天, 任务到人). */
#include "cmd_prep.h"

#include <stdio.h>
#include <string.h>

#define S_MAX_STEPS 10

/* The chain of DESIGN.md when none is named. */
static char *s_default_steps[] = {"街道换届工作领导小组", "区换届办公室", "指导组"};

static void s_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Plan *p = (const Hj__Registry__Plan *)record;
    char version[16], scope[96];
    const char *next = "";
    snprintf(version, sizeof version, "%u", p->version);
    snprintf(scope, sizeof scope, "%s", p->community);
    if (!p->community[0])
        snprintf(scope, sizeof scope, "%s (街道方案)", p->subdistrict);
    for (size_t k = 0; k < p->n_steps && !next[0]; k++)
        if (strcmp(p->steps[k]->state, "approved") != 0)
            next = p->steps[k]->name;
    const char *row[] = {
        p->id,          scope, version, p->title, p->submitted_on, prep_label(p->state, 0),
        p->in_force_on, next};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"ID",        "SCOPE", "VERSION",  "TITLE",
                                 "SUBMITTED", "STATE", "IN FORCE", "NEXT STEP"};
    const Hj__Registry__Plan *p =
        prep_table_record(m, 8, head, s_row, &hj__registry__plan__descriptor);
    if (!p)
        return;
    static const char *shead[] = {"STEP", "APPROVER BODY", "STATE", "DATE", "BY", "NOTE"};
    printf("\napproval chain:\n");
    cli_table_t *t = cli_table_new(6, shead);
    for (size_t k = 0; k < p->n_steps; k++) {
        const Hj__Registry__PlanStep *s = p->steps[k];
        char pos[16];
        snprintf(pos, sizeof pos, "%u", s->position);
        const char *row[] = {pos, s->name, s->state, s->date, s->approver, s->note};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
    if (p->document[0])
        printf("\ndocument: %s\n", p->document);
    if (p->text[0])
        printf("\n%s\n", p->text);
}

static void s_row_task(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Task *k = (const Hj__Registry__Task *)record;
    char flag[96] = "", due[48];
    snprintf(due, sizeof due, "%s%s", k->due, prep_voided_mark(k->voided));
    snprintf(flag, sizeof flag, "%s%s%s", k->overdue ? "逾期 overdue" : "",
             k->overdue && k->due_before_plan ? "; " : "",
             k->due_before_plan ? "due before the plan was submitted" : "");
    const char *row[] = {k->code,
                         k->id,
                         k->community,
                         due,
                         k->owner,
                         k->title,
                         k->state[0] == 'd' ? k->done_on : prep_label(k->state, 0),
                         flag};
    cli_table_row(t, row);
}

static void s_print_tasks(const ProtobufCMessage *m)
{
    static const char *head[] = {"CODE",  "ID",    "COMMUNITY", "DUE",
                                 "OWNER", "TITLE", "STATE",     "FLAG"};
    /* A written task (add, done, update, void) due before its plan: allowed, but said. */
    if (m->descriptor == &hj__registry__task__descriptor &&
        ((const Hj__Registry__Task *)m)->due_before_plan)
        fprintf(stderr, "hj: note: task %s is due before its plan was submitted\n",
                ((const Hj__Registry__Task *)m)->id);
    prep_table(m, 8, head, s_row_task);
}

static int s_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Plan p = HJ__REGISTRY__PLAN__INIT;
    Hj__Registry__PlanStep steps[S_MAX_STEPS + 1], *step_ptrs[S_MAX_STEPS + 1];
    char *names[S_MAX_STEPS + 1];
    (void)verb;
    size_t n = prep_opts(cli, "step", names, S_MAX_STEPS + 1);
    if (n == 0) {
        n = sizeof s_default_steps / sizeof s_default_steps[0];
        memcpy(names, s_default_steps, sizeof s_default_steps);
    }
    for (size_t i = 0; i < n; i++) {
        hj__registry__plan_step__init(&steps[i]);
        steps[i].name = names[i];
        step_ptrs[i] = &steps[i];
    }
    p.steps = step_ptrs;
    p.n_steps = n; /* more than 10 are refused by the service, naming the field */
    prep_texts(cli,
               (const char *const[]){"community", "subdistrict", "title", "text", "document",
                                     "date", NULL},
               (char **const[]){&p.community, &p.subdistrict, &p.title, &p.text, &p.document,
                                &p.submitted_on, NULL});
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_PLAN_ADD, &p.base,
                      cli->en ? "plan submitted for approval" : "方案已提交审批", s_print);
}

/* edit, or revise (a new version from --date): the approval chain starts again. */
static int s_edit(cli_t *cli, const char *verb)
{
    Hj__Registry__PlanEdit e = HJ__REGISTRY__PLAN_EDIT__INIT;
    int revise = verb[0] == 'r';
    e.id = (char *)cli->pos[0];
    prep_texts(cli, (const char *const[]){"title", "text", "document", NULL},
               (char **const[]){&e.title, &e.text, &e.document, NULL});
    if (revise)
        e.date = (char *)cli_opt_or(cli, "date", "");
    return prep_write(
        cli, revise ? HJ__REGISTRY__REQUEST__OP_PLAN_REVISE : HJ__REGISTRY__REQUEST__OP_PLAN_EDIT,
        &e.base,
        revise ? "new version submitted: its approval chain starts again"
               : "plan edited: its approval chain starts again",
        s_print);
}

/* approve a step of the chain, or return the plan. */
static int s_decide(cli_t *cli, const char *verb)
{
    Hj__Registry__PlanDecision d = HJ__REGISTRY__PLAN_DECISION__INIT;
    int rc;
    d.id = (char *)cli->pos[0];
    d.approve = verb[0] == 'a';
    prep_texts(cli, (const char *const[]){"date", "by", "note", NULL},
               (char **const[]){&d.date, &d.approver, &d.note, NULL});
    if ((rc = prep_uint(cli, "step", 1, 10, 0, &d.position)) != CLI_OK)
        return rc;
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_PLAN_DECIDE, &d.base,
                      d.approve ? "step approved" : "plan returned", s_print);
}

int cmd_plan(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {{"add", 0, s_add},       {"edit", 1, s_edit},
                                        {"revise", 1, s_edit},   {"approve", 1, s_decide},
                                        {"return", 1, s_decide}, {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"state", PREP_WORD, "state"}, {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "plan", verbs, filters, s_print);
}

static int s_task_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Task t = HJ__REGISTRY__TASK__INIT;
    (void)verb;
    prep_texts(cli, (const char *const[]){"plan", "title", "owner", "due", NULL},
               (char **const[]){&t.plan_id, &t.title, &t.owner, &t.due, NULL});
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_TASK_ADD, &t.base,
                      cli->en ? "task added" : "任务已添加", s_print_tasks);
}

static int s_task_done(cli_t *cli, const char *verb)
{
    Hj__Registry__TaskDone d = HJ__REGISTRY__TASK_DONE__INIT;
    (void)verb;
    d.id = (char *)cli->pos[0];
    d.date = (char *)cli_opt_or(cli, "date", "");
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_TASK_DONE, &d.base,
                      cli->en ? "task done" : "任务已完成", s_print_tasks);
}

static int s_task_update(cli_t *cli, const char *verb)
{
    Hj__Registry__TaskUpdate u = HJ__REGISTRY__TASK_UPDATE__INIT;
    (void)verb;
    u.id = (char *)cli->pos[0];
    prep_texts(cli, (const char *const[]){"reason", "due", "title", "owner", NULL},
               (char **const[]){&u.reason, &u.due, &u.title, &u.owner, NULL});
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_TASK_UPDATE, &u.base,
                      prep_corrected_done("任务", "task"), s_print_tasks);
}

/* The record by its code (X0042) or UUID (issue #20). */
int cmd_task(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {{"add", 0, s_task_add},
                                        {"done", 1, s_task_done},
                                        {"update", 1, s_task_update},
                                        {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"plan", PREP_TEXT, "plan"},
                                            {"state", PREP_WORD, "state"},
                                            {"overdue", PREP_FLAG, "overdue"},
                                            {"include-void", PREP_FLAG, "include_void"},
                                            {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "task", verbs, filters, s_print_tasks);
}
