/* hj board [COMMUNITY] — the readiness board (one line a community, or one
 * community in full); hj gates COMMUNITY — each election gate explained. */
#include "cli.h"
#include "cmd_board.h"
#include "cmd_prep.h"
#include "hj_text.h"
#include "registry.pb-c.h"
#include "tally.pb-c.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_GATES BOARD_GATES

/* Gate names: the words `hj election open --override` takes, and what an official reads. */
static const char *const s_gate_word[S_GATES + 1] = {
    "",      "audit",    "rectification", "upgrade",    "plan",
    "talks", "training", "candidates",    "voter_list",
};
static const char *const s_gate_zh[S_GATES + 1] = {
    "", "审计", "整顿", "升格", "方案", "谈话", "培训", "候选人", "选民名单",
};
/* The audit's states as an official reads them. */
static const char *s_audit_zh(const char *state)
{
    static const char *const zh[][2] = {
        {"planned", "计划"},     {"fieldwork", "现场审计"}, {"draft_report", "审计报告征求意见"},
        {"completed", "已完成"}, {"published", "已公开"},
    };
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++)
        if (strcmp(state, zh[i][0]) == 0)
            return zh[i][1];
    return state;
}

/* The rule of each gate, {zh, en}. */
static const char *const s_gate_rule[S_GATES + 1][2] = {
    {"", ""},
    {"任期审计已完成并公开（不经审计不得换届）", "term audit completed and published"},
    {"没有未整顿到位的整顿事项（不整治到位不换届）", "no open rectification item"},
    {"党组织升格申请已有结果", "any party-organisation upgrade request decided"},
    {"社区换届方案已生效（每一审定环节都已通过）",
     "the community's plan in force (every approval step done)"},
    {"准备阶段与每名在任两委成员谈心谈话（谈心谈话全覆盖）",
     "preparation talks with every sitting member"},
    {"选举委员会每名成员都已参加培训", "every election-committee member trained"},
    {"候选人数足够（差额：党组织职数×1.2向上取整，居委会多于职数）",
     "enough candidates for the seats (party: seats x 1.2 rounded up; residents: more than seats)"},
    {"选民名单在选举日前至少20天公布", "voter list published at least 20 days before election day"},
};

/* What turns this red gate green, {zh, en}: the command that does it, chosen
 * by where the community stands (the counters and the reason say). */
static void s_gate_fix(const Hj__Tally__CommunityBoard *b, const Hj__Tally__Gate *g, int en,
                       char *out, size_t size)
{
    const Hj__Tally__Counters *k = b->counters;
    const char *audit = k ? k->audit_state : "", *plan = k ? k->plan_state : "";
    const char *code = b->code;
    switch (g->id) {
    case 1:
        if (!audit[0])
            snprintf(out, size,
                     en ? "open the term audit: `hj audit open --community %s ...`"
                        : "开展任期审计：`hj audit open --community %s ...`",
                     code);
        else if (strcmp(audit, "completed") == 0)
            snprintf(out, size,
                     en ? "publish the audit: `hj audit publish %s`"
                        : "公开审计结果：`hj audit publish %s`",
                     code);
        else
            snprintf(out, size,
                     en ? "finish the audit: `hj audit advance %s`, then `hj audit publish %s`"
                        : "完成审计：`hj audit advance %s`，再 `hj audit publish %s`",
                     code, code);
        break;
    case 2:
        snprintf(out, size,
                 en ? "close each item: `hj rectification start ID ...`, then `hj rectification "
                      "close ID ...` (`hj rectification list --community %s`)"
                    : "逐项整顿销号：`hj rectification start ID ...`，再 `hj rectification close "
                      "ID ...`（`hj rectification list --community %s`）",
                 code);
        break;
    case 3:
        snprintf(
            out, size,
            en ? "decide the request: `hj upgrade approve ID ...` or `hj upgrade reject ID ...` "
                 "(`hj upgrade list --community %s`)"
               : "审批升格申请：`hj upgrade approve ID ...` 或 `hj upgrade reject ID ...`"
                 "（`hj upgrade list --community %s`）",
            code);
        break;
    case 4:
        if (!plan[0])
            snprintf(out, size,
                     en ? "submit the community's plan: `hj plan add --community %s ...`"
                        : "提交社区换届方案：`hj plan add --community %s ...`",
                     code);
        else if (strcmp(plan, "returned") == 0)
            snprintf(
                out, size,
                en ? "correct the returned plan: `hj plan edit ID` (`hj plan list --community %s`)"
                   : "修改被退回的方案：`hj plan edit ID`（`hj plan list --community %s`）",
                code);
        else
            snprintf(
                out, size,
                en ? "approve every step: `hj plan approve ID --step N ...` (`hj plan list "
                     "--community %s`)"
                   : "逐级审定：`hj plan approve ID --step N ...`（`hj plan list --community %s`）",
                code);
        break;
    case 5:
        if (k && k->members_sitting == 0)
            snprintf(out, size,
                     en ? "record the sitting members first: `hj seat add --community %s ...`"
                        : "先登记在任两委成员：`hj seat add --community %s ...`",
                     code);
        else
            snprintf(out, size,
                     en ? "talk to each one: `hj talk add --community %s --phase preparation ...` "
                          "(`hj talk coverage %s` shows who is missing)"
                        : "逐一谈心谈话：`hj talk add --community %s --phase preparation ...`"
                          "（`hj talk coverage %s` 列出尚未谈话的成员）",
                     code, code);
        break;
    case 6:
        /* Without a committee there is nobody to train: forming it comes first. */
        if (strstr(g->reason, "no election committee"))
            snprintf(out, size,
                     en ? "form the election committee first: `hj body add --kind "
                          "election_committee --community %s --leader PERSON ...`, then train it"
                        : "先成立选举委员会：`hj body add --kind election_committee "
                          "--community %s --leader PERSON ...`，再组织培训",
                     code);
        else
            snprintf(out, size,
                     en ? "train the rest: `hj training add --community %s ...` "
                          "(`hj training coverage %s` shows who is missing)"
                        : "培训其余成员：`hj training add --community %s ...`"
                          "（`hj training coverage %s` 列出尚未培训的成员）",
                     code, code);
        break;
    case 7:
        if (!b->n_elections)
            snprintf(out, size,
                     en ? "schedule the election first (it sets the seats): `hj election "
                          "schedule %s --body BODY --date DATE --seats N`"
                        : "先安排选举（确定职数）：`hj election schedule %s --body BODY "
                          "--date DATE --seats N`",
                     code);
        else
            snprintf(out, size,
                     en ? "nominate more (vetting cleared): `hj reserve update ID --status "
                          "nominated`, then `hj election candidates ELECTION --person ...`"
                        : "提名更多候选人（资格联审通过）：`hj reserve update ID --status "
                          "nominated`，再 `hj election candidates ELECTION --person ...`");
        break;
    case 8:
        /* The named roll (import, then post it) is the real 选民登记; the counts alone
         * remain for a quick start. */
        if (b->n_elections)
            snprintf(out, size,
                     en ? "publish the voter roll at least 20 days before election day: "
                          "`hj voters import %s FILE.csv`, then `hj voters posting %s --out "
                          "FILE` (or the counts alone: `hj voters set %s --voters N "
                          "--published YYYY-MM-DD`)"
                        : "在选举日前至少20天公布选民名单：`hj voters import %s 选民.csv`，"
                          "再 `hj voters posting %s --out 张榜.csv`（只登记人数：`hj voters "
                          "set %s --voters N --published YYYY-MM-DD`）",
                     b->elections[0]->id, b->elections[0]->id, code);
        else
            snprintf(out, size,
                     en ? "publish the voter roll at least 20 days before election day: "
                          "`hj voters set %s --voters N --published YYYY-MM-DD`"
                        : "在选举日前至少20天公布选民名单：`hj voters set %s --voters N "
                          "--published YYYY-MM-DD`",
                     code);
        break;
    default:
        snprintf(out, size, "-");
    }
}

const char *board_gate_reason(const Hj__Tally__Gate *g, int en)
{
    return en || !g->reason_zh[0] ? g->reason : g->reason_zh;
}

const char *board_gate_name(int id, int en)
{
    return (en ? s_gate_word : s_gate_zh)[id >= 1 && id <= S_GATES ? id : 0];
}

static int s_lang_en(cli_t *cli)
{
    return cli->en;
}

static const char *s_state_mark(Hj__Tally__GateState s)
{
    switch (s) {
    case HJ__TALLY__GATE_STATE__GREEN:
        return "✓";
    case HJ__TALLY__GATE_STATE__OVERRIDDEN:
        return "⊘";
    case HJ__TALLY__GATE_STATE__RED:
        return "✗";
    default:
        return "?";
    }
}

/* ○: green with nothing ever recorded (整顿, 升格), unlike ✓: all recorded items done. */
static const char *s_gate_mark(const Hj__Tally__CommunityBoard *b, const Hj__Tally__Gate *g)
{
    const Hj__Tally__Counters *k = b->counters;
    if (g->state == HJ__TALLY__GATE_STATE__GREEN && k &&
        ((g->id == 2 && !k->rectification_closed) || (g->id == 3 && !k->upgrades_decided)))
        return "○";
    return s_state_mark(g->state);
}

const char *board_state_word(Hj__Tally__GateState s, int en, int plain)
{
    static const char *const words[][3] = {
        [HJ__TALLY__GATE_STATE__GREEN] = {"通过", "green", "green"},
        [HJ__TALLY__GATE_STATE__RED] = {"未通过", "RED", "red"},
        [HJ__TALLY__GATE_STATE__OVERRIDDEN] = {"区级越过", "OVERRIDDEN", "overridden"},
    };
    unsigned i = (unsigned)s; /* what the wire says: any number */
    if (i >= sizeof words / sizeof words[0] || !words[i][0])
        return NULL;
    return words[i][en ? 1 + (plain != 0) : 0];
}

static const char *s_state_word(Hj__Tally__GateState s, int en)
{
    const char *word = board_state_word(s, en, 0);
    return word ? word : "?";
}

/* The words of an election's body and state as an official reads them. */
static const char *s_election_word(const char *word, int en)
{
    static const char *const zh[][2] = {
        {"party", "党组织"},  {"residents", "居委会"}, {"scheduled", "已安排"},
        {"open", "已开始"},   {"counting", "计票中"},  {"certified", "已确认"},
        {"closed", "已结束"},
    };
    for (size_t i = 0; !en && i < sizeof zh / sizeof zh[0]; i++)
        if (strcmp(word, zh[i][0]) == 0)
            return zh[i][1];
    return word;
}

/* One registry list of the subdistrict (bodies or plans): the reply, or NULL. */
static Hj__Registry__Reply *s_registry_list(cli_t *cli, Hj__Registry__Request__OpCase op,
                                            const char *subdistrict)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Reply *reply = NULL;
    q.subdistrict = (char *)subdistrict;
    q.limit = 1000;
    req.op_case = op;
    if (op == HJ__REGISTRY__REQUEST__OP_BODY_LIST)
        req.body_list = &q;
    else
        req.plan_list = &q;
    /* Quietly (cli_send says nothing): a device that may not read them gets
     * the board without the line. */
    size_t len = protobuf_c_message_get_packed_size(&req.base), answer_len = 0;
    uint8_t *body = malloc(len ? len : 1), *answer = NULL;
    hj_client_t *client = body ? hj_client_new(NULL, cli->bus, cli->timeout_ms, 1) : NULL;
    hj_status_t st;
    if (client && hj_client_set_device(client, &cli->device) == 0) {
        protobuf_c_message_pack(&req.base, body);
        if (cli_send(client, "registry", body, len, &answer, &answer_len, &st) == CLI_SEND_OK)
            reply = hj__registry__reply__unpack(NULL, answer_len, answer);
    }
    hj_client_destroy(&client);
    free(body);
    free(answer);
    return reply;
}

void board_subdistrict_line(cli_t *cli, const char *subdistrict, const char *indent, int en)
{
    Hj__Registry__Reply *bodies =
        s_registry_list(cli, HJ__REGISTRY__REQUEST__OP_BODY_LIST, subdistrict);
    Hj__Registry__Reply *plans =
        bodies ? s_registry_list(cli, HJ__REGISTRY__REQUEST__OP_PLAN_LIST, subdistrict) : NULL;
    unsigned leadership = 0, office = 0, groups = 0;
    const Hj__Registry__Plan *plan = NULL;
    if (!bodies || bodies->result_case != HJ__REGISTRY__REPLY__RESULT_BODIES || !plans ||
        plans->result_case != HJ__REGISTRY__REPLY__RESULT_PLANS)
        goto out;
    for (size_t i = 0; i < bodies->bodies->n_items; i++) {
        const char *kind = bodies->bodies->items[i]->kind;
        leadership += strcmp(kind, "leadership_group") == 0;
        office += strcmp(kind, "office") == 0;
        groups += strcmp(kind, "guidance_group") == 0;
    }
    /* The subdistrict plan has no community; the latest version counts. */
    for (size_t i = 0; i < plans->plans->n_items; i++) {
        const Hj__Registry__Plan *p = plans->plans->items[i];
        if (!p->community[0] && (!plan || p->version > plan->version))
            plan = p;
    }
    const char *no = en ? "not started" : "未开始", *yes = en ? "recorded" : "已记录";
    if (en)
        printf("%ssubdistrict %s: leadership group %s, its office %s, guidance groups %u, "
               "subdistrict plan %s\n",
               indent, subdistrict, leadership ? yes : no, office ? yes : no, groups,
               plan ? plan->state : no);
    else
        printf("%s街道 %s：换届工作领导小组%s，领导小组办公室%s，指导组%u个，街道换届方案%s\n",
               indent, subdistrict, leadership ? yes : no, office ? yes : no, groups,
               plan ? prep_zh(plan->state) : no);
out:
    if (bodies)
        hj__registry__reply__free_unpacked(bodies, NULL);
    if (plans)
        hj__registry__reply__free_unpacked(plans, NULL);
}

static const char *s_ratio(uint32_t a, uint32_t b, char buf[32])
{
    snprintf(buf, 32, "%u/%u", a, b);
    return buf;
}

static void s_election_line(const Hj__Tally__CommunityBoard *b, int en)
{
    if (!b->n_elections) {
        printf("%s\n", en ? "election      none scheduled" : "选举          尚未安排");
        return;
    }
    for (size_t i = 0; i < b->n_elections; i++) {
        const Hj__Tally__Election *e = b->elections[i];
        const char *by = e->certified_by[0] ? e->certified_by : e->opened_by;
        if (en)
            printf("election      %s %s, %u seats, %s%s%s", e->body, e->date, e->seats, e->state,
                   by[0] ? " by " : "", by);
        else
            printf("选举          %s %s，职数%u名，%s%s%s", s_election_word(e->body, 0), e->date,
                   e->seats, s_election_word(e->state, 0), by[0] ? "，操作：" : "", by);
        if (e->vacant)
            printf(en ? ", vacant %u (by-election due by %s)" : "，暂缺 %u 名（%s 前补选）",
                   e->vacant, e->vacancy_due);
        if (e->reduced)
            printf(en ? ", seats reduced by %u" : "，减少名额 %u 名", e->reduced);
        printf(en ? "  (id %s)\n" : "（编号 %s）\n", e->id);
    }
}

static void s_print_district(const Hj__Tally__Snapshot *s, int en)
{
    const Hj__Tally__DistrictTotals *d = s->district;
    if (!d)
        return;
    printf("\n%s %u, %s %u", en ? "communities" : "社区", d->communities,
           en ? "all gates green" : "全部门槛通过", d->all_green);
    printf("; %s:", en ? "red by gate" : "各门槛未通过社区数");
    for (size_t i = 0; i < d->n_red_by_gate; i++)
        printf(" %s %u", en ? d->red_by_gate[i]->kind : s_gate_zh[i + 1 <= S_GATES ? i + 1 : 0],
               d->red_by_gate[i]->count);
    printf(en ? "\n(tally seq %" PRIu64 ", journal seq %" PRIu64 ")\n"
              : "\n（计票序号 %" PRIu64 "，日志序号 %" PRIu64 "）\n",
           s->tally_seq, s->journal_seq);
}

/* A subdistrict's own totals, from its rows (the district totals are the
 * whole district's and would not add up to the rows shown). */
static void s_print_subdistrict(const Hj__Tally__Snapshot *s, const char *subdistrict, int en)
{
    uint32_t green = 0;
    for (size_t i = 0; i < s->n_communities; i++)
        green += s->communities[i]->red_gates == 0;
    printf(en ? "\nsubdistrict %s: communities %zu, all gates green %u\n"
              : "\n街道 %s：社区 %zu，全部门槛通过 %u\n",
           subdistrict, s->n_communities, green);
    printf(en ? "(tally seq %" PRIu64 ", journal seq %" PRIu64 ")\n"
              : "（计票序号 %" PRIu64 "，日志序号 %" PRIu64 "）\n",
           s->tally_seq, s->journal_seq);
}

static void s_print_table(cli_t *cli, const Hj__Tally__Snapshot *s, int en, const char *subdistrict)
{
    const char *head[5 + S_GATES + 4 + BOARD_MEASURES];
    int n = 0;
    head[n++] = en ? "COMMUNITY" : "社区编号";
    head[n++] = en ? "NAME" : "名称";
    for (int g = 1; g <= S_GATES; g++)
        head[n++] = en ? s_gate_word[g] : s_gate_zh[g];
    head[n++] = en ? "RED" : "未通过";
    head[n++] = en ? "TALKS" : "谈话覆盖";
    head[n++] = en ? "TRAINED" : "培训";
    head[n++] = en ? "ELECTION" : "选举";
    board_measure_t m[BOARD_MEASURES];
    Hj__Tally__CommunityBoard names = HJ__TALLY__COMMUNITY_BOARD__INIT; /* for the headers */
    board_measures(&names, en, m);
    for (int i = 0; i < BOARD_MEASURES; i++)
        head[n++] = m[i].name;
    cli_table_t *t = cli_table_new(n, head);
    for (size_t i = 0; i < s->n_communities; i++) {
        const Hj__Tally__CommunityBoard *b = s->communities[i];
        const Hj__Tally__Counters *k = b->counters;
        char red[16], talks[32], trained[32], election[64], measure[BOARD_MEASURES][32];
        const char *row[5 + S_GATES + 4 + BOARD_MEASURES];
        int c = 0;
        row[c++] = b->code;
        row[c++] = b->name;
        for (int g = 0; g < S_GATES; g++)
            row[c++] = (size_t)g < b->n_gates ? s_gate_mark(b, b->gates[g]) : "?";
        snprintf(red, sizeof red, "%u", b->red_gates);
        row[c++] = red;
        row[c++] = k ? s_ratio(k->talk_covered, k->members_sitting, talks) : "";
        row[c++] = k ? s_ratio(k->training_done, k->training_required, trained) : "";
        if (b->election_body[0])
            snprintf(election, sizeof election, "%s %s %s", s_election_word(b->election_body, en),
                     b->election_date, s_election_word(b->election_state, en));
        else
            snprintf(election, sizeof election, "-");
        row[c++] = election;
        /* The measures without a gate: a count when recorded, else 未开始. */
        board_measures(b, en, m);
        snprintf(measure[0], sizeof measure[0], "%u", k ? k->publicity_pushes : 0);
        s_ratio(k ? k->members_assessed : 0, k ? k->members_sitting : 0, measure[1]);
        snprintf(measure[2], sizeof measure[2], "%u", k ? k->reserve_entries : 0);
        snprintf(measure[3], sizeof measure[3], "%s", m[3].state);
        for (int j = 0; j < BOARD_MEASURES; j++)
            row[c++] = m[j].recorded ? measure[j] : m[j].state;
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
    printf("%s\n", en ? "✓ green  ○ green, nothing recorded  ✗ red  ⊘ overridden by the district"
                      : "✓ 通过  ○ 通过（无事项）  ✗ 未通过  ⊘ 区级越过");
    /* The subdistricts' own measures, once each. */
    for (size_t i = 0; i < s->n_communities; i++) {
        size_t j = 0;
        while (j < i && strcmp(s->communities[j]->subdistrict, s->communities[i]->subdistrict) != 0)
            j++;
        if (j == i)
            board_subdistrict_line(cli, s->communities[i]->subdistrict, "", en);
    }
    if (subdistrict[0])
        s_print_subdistrict(s, subdistrict, en);
    else
        s_print_district(s, en);
}

static void s_print_gates(const Hj__Tally__CommunityBoard *b, int en)
{
    for (size_t i = 0; i < b->n_gates; i++) {
        const Hj__Tally__Gate *g = b->gates[i];
        int id = g->id >= 1 && g->id <= S_GATES ? g->id : 0;
        const char *name = en ? s_gate_word[id] : s_gate_zh[id];
        char padded[64];
        if (hj_text_pad(padded, sizeof padded, name, strlen(name), 13, HJ_TEXT_ALIGN_LEFT) != 0)
            snprintf(padded, sizeof padded, "%s", name);
        const char *word = s_state_word(g->state, en);
        char state[64];
        if (hj_text_pad(state, sizeof state, word, strlen(word), 10, HJ_TEXT_ALIGN_LEFT) != 0)
            snprintf(state, sizeof state, "%s", word);
        printf("%s %d %s %s %s\n", s_gate_mark(b, g), id, padded, state, board_gate_reason(g, en));
        if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            printf(en ? "                overridden by %s: %s\n"
                      : "                由 %s 越过：%s\n",
                   g->override_actor, g->override_reason);
    }
}

static void s_print_counters(const Hj__Tally__Counters *k, int en)
{
    char a[32], b[32];
    if (!k)
        return;
    if (en) {
        printf("publicity     %u pushes:", k->publicity_pushes);
        for (size_t i = 0; i < k->n_publicity_by_kind; i++)
            printf(" %s %u", k->publicity_by_kind[i]->kind, k->publicity_by_kind[i]->count);
        printf("\nreserve       %u active, %u cleared by vetting, %u nominated\n",
               k->reserve_active, k->reserve_cleared, k->reserve_nominated);
        printf("survey        %s sitting members assessed\n",
               s_ratio(k->members_assessed, k->members_sitting, a));
        printf("talks         %u survey, %u preparation, %u other; %u with outside parties; "
               "%u follow-ups open; coverage %s\n",
               k->talks_survey, k->talks_preparation, k->talks_other, k->outside_parties_talked_to,
               k->open_follow_ups, s_ratio(k->talk_covered, k->members_sitting, b));
        printf("training      %s election-committee members trained\n",
               s_ratio(k->training_done, k->training_required, a));
        printf("rectification %u open\n", k->rectification_open);
        printf("audit         %s, %u findings open (%u serious)\n",
               k->audit_state[0] ? k->audit_state : "none", k->audit_open_findings,
               k->audit_serious_open);
        printf("plan          %s, %u tasks overdue\n", k->plan_state[0] ? k->plan_state : "none",
               k->tasks_overdue);
        return;
    }
    printf("宣传动员      推送%u次：", k->publicity_pushes);
    for (size_t i = 0; i < k->n_publicity_by_kind; i++)
        printf("%s%s%u次", i ? "，" : "", prep_zh(k->publicity_by_kind[i]->kind),
               k->publicity_by_kind[i]->count);
    printf("\n后备人选      在库%u人，资格联审通过%u人，已提名%u人\n", k->reserve_active,
           k->reserve_cleared, k->reserve_nominated);
    printf("调研摸底      已分析研判在任两委成员%s\n",
           s_ratio(k->members_assessed, k->members_sitting, a));
    printf("谈心谈话      调研%u次，准备%u次，其他%u次；与外部人员%u次；待办跟进%u项；覆盖%s\n",
           k->talks_survey, k->talks_preparation, k->talks_other, k->outside_parties_talked_to,
           k->open_follow_ups, s_ratio(k->talk_covered, k->members_sitting, b));
    printf("培训骨干      选举委员会成员已培训%s\n",
           s_ratio(k->training_done, k->training_required, a));
    printf("集中整顿      未销号%u项\n", k->rectification_open);
    printf("任期审计      %s，未整改发现%u项（严重%u项）\n",
           k->audit_state[0] ? s_audit_zh(k->audit_state) : "未开展", k->audit_open_findings,
           k->audit_serious_open);
    printf("换届方案      %s，逾期任务%u项\n", k->plan_state[0] ? prep_zh(k->plan_state) : "尚无",
           k->tasks_overdue);
}

static void s_print_board(cli_t *cli, const Hj__Tally__CommunityBoard *b, int en)
{
    printf(en ? "%s  %s  (%s%s%s)\n" : "%s  %s（%s%s%s）\n", b->code, b->name, b->subdistrict,
           b->guidance_group[0] ? (en ? ", " : "，") : "", b->guidance_group);
    s_election_line(b, en);
    printf("\n");
    s_print_gates(b, en);
    printf("\n");
    s_print_counters(b->counters, en);
    board_measure_t m[BOARD_MEASURES];
    board_measures(b, en, m);
    printf("\n%s\n", en ? "measures without a gate:" : "无门槛的准备工作：");
    for (int i = 0; i < BOARD_MEASURES; i++)
        printf("  %s  %s%s%s%s\n", m[i].name, m[i].state, m[i].recorded ? (en ? " (" : "（") : "",
               m[i].recorded ? m[i].detail : "", m[i].recorded ? (en ? ")" : "）") : "");
    board_subdistrict_line(cli, b->subdistrict, "  ", en);
    printf(en ? "(tally seq %" PRIu64 ")\n" : "（计票序号 %" PRIu64 "）\n", b->tally_seq);
}

int board_snapshot(cli_t *cli, const char *community, const char *subdistrict,
                   Hj__Tally__Reply **reply, const Hj__Tally__Snapshot **snapshot)
{
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__SnapshotQuery q = HJ__TALLY__SNAPSHOT_QUERY__INIT;
    q.community = (char *)(community ? community : "");
    q.subdistrict = (char *)(subdistrict ? subdistrict : "");
    req.op_case = HJ__TALLY__REQUEST__OP_SNAPSHOT;
    req.snapshot = &q;
    *reply = NULL;
    int rc = cli_call(cli, "tally", &req.base, &hj__tally__reply__descriptor,
                      (ProtobufCMessage **)reply);
    if (rc != CLI_OK)
        return rc;
    if ((*reply)->result_case != HJ__TALLY__REPLY__RESULT_SNAPSHOT) {
        fprintf(stderr, "hj: the answer carries no board\n");
        protobuf_c_message_free_unpacked(&(*reply)->base, NULL);
        *reply = NULL;
        return CLI_REFUSED;
    }
    *snapshot = (*reply)->snapshot;
    return CLI_OK;
}

int cmd_board(cli_t *cli, const char *community)
{
    Hj__Tally__Reply *reply = NULL;
    const Hj__Tally__Snapshot *s = NULL;
    int en = s_lang_en(cli);
    const char *subdistrict = cli_opt_or(cli, "subdistrict", "");
    if (cli->npos > 0 || (community && subdistrict[0]))
        return cli_usage("hj board [COMMUNITY | --subdistrict S]");
    int rc = cli_unused(cli);
    if (rc != CLI_OK || (rc = board_snapshot(cli, community, subdistrict, &reply, &s)) != CLI_OK)
        return rc;
    if (cli->json)
        cli_json(&s->base);
    else if (community && s->n_communities == 1)
        s_print_board(cli, s->communities[0], en);
    else
        s_print_table(cli, s, en, subdistrict);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return rc;
}

/* hj gates: each gate with its rule, where the community stands, and for a
 * red one the command that turns it green. */
static void s_print_gate_list(const Hj__Tally__CommunityBoard *b, int en)
{
    char fix[512];
    printf("%s  %s\n", b->code, b->name);
    s_election_line(b, en);
    for (size_t i = 0; i < b->n_gates; i++) {
        const Hj__Tally__Gate *g = b->gates[i];
        int id = g->id >= 1 && g->id <= S_GATES ? g->id : 0;
        printf("\n%s %d %s — %s\n", s_gate_mark(b, g), id, en ? s_gate_word[id] : s_gate_zh[id],
               s_state_word(g->state, en));
        printf(en ? "  rule:  %s\n  now:   %s\n" : "  规则：%s\n  现状：%s\n",
               s_gate_rule[id][en ? 1 : 0], board_gate_reason(g, en));
        if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            printf(en ? "  overridden by %s: %s\n" : "  由 %s 越过：%s\n", g->override_actor,
                   g->override_reason);
        else if (g->state == HJ__TALLY__GATE_STATE__RED) {
            s_gate_fix(b, g, en, fix, sizeof fix);
            printf(en ? "  to do: %s\n" : "  待办：%s\n", fix);
        }
    }
    if (b->red_gates && en)
        printf("\n%u of %d gates red: the election cannot open until they are green, or the "
               "district overrides them\n(`hj election open %s --body BODY --override GATE "
               "--reason TEXT`).\n",
               b->red_gates, S_GATES, b->code);
    else if (b->red_gates)
        printf("\n%d个门槛中%u个未通过：全部通过或由区级说明理由越过后方可开始选举"
               "（`hj election open %s --body BODY --override GATE --reason TEXT`）。\n",
               S_GATES, b->red_gates, b->code);
    else
        printf(en ? "\nNo gate is red: the election may open (`hj election open %s --body BODY`).\n"
                  : "\n门槛全部通过，可以开始选举（`hj election open %s --body BODY`）。\n",
               b->code);
}

static void s_show_gate_list(const ProtobufCMessage *b, int en)
{
    s_print_gate_list((const Hj__Tally__CommunityBoard *)b, en);
}

int cmd_gates(cli_t *cli, const char *community)
{
    Hj__Tally__SnapshotQuery q = HJ__TALLY__SNAPSHOT_QUERY__INIT;
    int en = s_lang_en(cli);
    if (!community || cli->npos > 0)
        return cli_usage("hj gates COMMUNITY");
    q.community = (char *)community;
    return prep_fetch_show(cli, &prep_tally, HJ__TALLY__REQUEST__OP_GATES, &q.base, 0,
                           &hj__tally__community_board__descriptor, s_show_gate_list, en);
}
