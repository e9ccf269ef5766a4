/* hj board [COMMUNITY] — the readiness board (one line a community, or one
 * community in full); hj gates COMMUNITY — each election gate explained. */
#include "cli.h"
#include "cmd_board.h"
#include "hj_text.h"
#include "tally.pb-c.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define S_GATES BOARD_GATES

/* Gate names: the words `hj election open --override` takes, and what an official reads. */
static const char *const s_gate_word[S_GATES + 1] = {
    "", "audit", "rectification", "upgrade", "plan", "talks", "training", "candidates", "voter_list",
};
static const char *const s_gate_zh[S_GATES + 1] = {
    "", "审计", "整顿", "升格", "方案", "谈话", "培训", "候选人", "选民名单",
};
static const char *const s_gate_rule[S_GATES + 1] = {
    "",
    "term audit completed and published (不经审计不得换届)",
    "no open rectification item (不整治到位不换届)",
    "any party-organisation upgrade request decided",
    "the community's plan in force (every approval step done)",
    "preparation talks with every sitting member (谈心谈话全覆盖)",
    "every election-committee member trained",
    "enough candidates for the seats (差额)",
    "voter list published at least 20 days before election day",
};
/* What turns a red gate green. */
static const char *const s_gate_fix[S_GATES + 1] = {
    "",
    "hj audit open / advance / publish",
    "hj rectification start / close",
    "hj upgrade approve / reject",
    "hj plan approve (every step)",
    "hj talk add --phase preparation (hj talk coverage shows who is missing)",
    "hj training add (hj training coverage shows who is missing)",
    "hj reserve update --status nominated (vetting cleared)",
    "the voter roll (选民登记), recorded on election day",
};

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
    return strcmp(cli_opt_or(cli, "lang", "zh"), "en") == 0;
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

static const char *s_state_word(Hj__Tally__GateState s)
{
    switch (s) {
    case HJ__TALLY__GATE_STATE__GREEN:
        return "green";
    case HJ__TALLY__GATE_STATE__OVERRIDDEN:
        return "OVERRIDDEN";
    case HJ__TALLY__GATE_STATE__RED:
        return "RED";
    default:
        return "?";
    }
}

static int s_call(cli_t *cli, Hj__Tally__Request *req, Hj__Tally__Reply **reply)
{
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    return cli_call(cli, "tally", &req->base, &hj__tally__reply__descriptor,
                    (ProtobufCMessage **)reply);
}

static const char *s_ratio(uint32_t a, uint32_t b, char buf[32])
{
    snprintf(buf, 32, "%u/%u", a, b);
    return buf;
}

static void s_election_line(const Hj__Tally__CommunityBoard *b)
{
    if (!b->n_elections) {
        printf("election      none scheduled\n");
        return;
    }
    for (size_t i = 0; i < b->n_elections; i++) {
        const Hj__Tally__Election *e = b->elections[i];
        const char *by = e->certified_by[0] ? e->certified_by : e->opened_by;
        printf("election      %s %s, %u seats, %s%s%s", e->body, e->date, e->seats, e->state, by[0] ? " by " : "",
               by);
        if (e->vacant)
            printf(", 暂缺 %u (by-election due by %s)", e->vacant, e->vacancy_due);
        if (e->reduced)
            printf(", 减少名额 %u", e->reduced);
        printf("  (id %s)\n", e->id);
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
        printf(" %s %u", en ? d->red_by_gate[i]->kind
                            : s_gate_zh[i + 1 <= S_GATES ? i + 1 : 0],
               d->red_by_gate[i]->count);
    printf("\n(tally seq %" PRIu64 ", journal seq %" PRIu64 ")\n", s->tally_seq, s->journal_seq);
}

static void s_print_table(const Hj__Tally__Snapshot *s, int en)
{
    const char *head[5 + S_GATES + 4];
    int n = 0;
    head[n++] = en ? "COMMUNITY" : "社区编号";
    head[n++] = en ? "NAME" : "名称";
    for (int g = 1; g <= S_GATES; g++)
        head[n++] = en ? s_gate_word[g] : s_gate_zh[g];
    head[n++] = en ? "RED" : "未通过";
    head[n++] = en ? "TALKS" : "谈话覆盖";
    head[n++] = en ? "TRAINED" : "培训";
    head[n++] = en ? "ELECTION" : "选举";
    cli_table_t *t = cli_table_new(n, head);
    for (size_t i = 0; i < s->n_communities; i++) {
        const Hj__Tally__CommunityBoard *b = s->communities[i];
        const Hj__Tally__Counters *k = b->counters;
        char red[16], talks[32], trained[32], election[64];
        const char *row[5 + S_GATES + 4];
        int c = 0;
        row[c++] = b->code;
        row[c++] = b->name;
        for (int g = 0; g < S_GATES; g++)
            row[c++] = (size_t)g < b->n_gates ? s_state_mark(b->gates[g]->state) : "?";
        snprintf(red, sizeof red, "%u", b->red_gates);
        row[c++] = red;
        row[c++] = k ? s_ratio(k->talk_covered, k->members_sitting, talks) : "";
        row[c++] = k ? s_ratio(k->training_done, k->training_required, trained) : "";
        if (b->election_body[0])
            snprintf(election, sizeof election, "%s %s %s", b->election_body, b->election_date,
                     b->election_state);
        else
            snprintf(election, sizeof election, "-");
        row[c++] = election;
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
    printf("%s\n", en ? "✓ green  ✗ red  ⊘ overridden by the district" : "✓ 通过  ✗ 未通过  ⊘ 区级越过");
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
        printf("%s %d %s %-10s %s\n", s_state_mark(g->state), id, padded, s_state_word(g->state),
               board_gate_reason(g, en));
        if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            printf("                overridden by %s: %s\n", g->override_actor, g->override_reason);
    }
}

static void s_print_counters(const Hj__Tally__Counters *k)
{
    char a[32], b[32];
    if (!k)
        return;
    printf("publicity     %u pushes:", k->publicity_pushes);
    for (size_t i = 0; i < k->n_publicity_by_kind; i++)
        printf(" %s %u", k->publicity_by_kind[i]->kind, k->publicity_by_kind[i]->count);
    printf("\nreserve       %u active, %u cleared by vetting, %u nominated\n", k->reserve_active,
           k->reserve_cleared, k->reserve_nominated);
    printf("survey        %s sitting members assessed\n", s_ratio(k->members_assessed, k->members_sitting, a));
    printf("talks         %u survey, %u preparation, %u other; %u with outside parties; "
           "%u follow-ups open; coverage %s\n",
           k->talks_survey, k->talks_preparation, k->talks_other, k->outside_parties_talked_to,
           k->open_follow_ups, s_ratio(k->talk_covered, k->members_sitting, b));
    printf("training      %s election-committee members trained\n",
           s_ratio(k->training_done, k->training_required, a));
    printf("rectification %u open\n", k->rectification_open);
    printf("audit         %s, %u findings open (%u serious)\n",
           k->audit_state[0] ? k->audit_state : "none", k->audit_open_findings, k->audit_serious_open);
    printf("plan          %s, %u tasks overdue\n", k->plan_state[0] ? k->plan_state : "none",
           k->tasks_overdue);
}

static void s_print_board(const Hj__Tally__CommunityBoard *b, int en)
{
    printf("%s  %s  (%s%s%s)\n", b->code, b->name, b->subdistrict, b->guidance_group[0] ? ", " : "",
           b->guidance_group);
    s_election_line(b);
    printf("\n");
    s_print_gates(b, en);
    printf("\n");
    s_print_counters(b->counters);
    printf("(tally seq %" PRIu64 ")\n", b->tally_seq);
}

int board_snapshot(cli_t *cli, const char *community, Hj__Tally__Reply **reply,
                   const Hj__Tally__Snapshot **snapshot)
{
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__SnapshotQuery q = HJ__TALLY__SNAPSHOT_QUERY__INIT;
    q.community = (char *)(community ? community : "");
    req.op_case = HJ__TALLY__REQUEST__OP_SNAPSHOT;
    req.snapshot = &q;
    *reply = NULL;
    int rc = cli_call(cli, "tally", &req.base, &hj__tally__reply__descriptor, (ProtobufCMessage **)reply);
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
    if (cli->npos > 0)
        return cli_usage("hj board [COMMUNITY]");
    int rc = cli_unused(cli);
    if (rc != CLI_OK || (rc = board_snapshot(cli, community, &reply, &s)) != CLI_OK)
        return rc;
    if (cli->json)
        cli_json(&s->base);
    else if (community && s->n_communities == 1)
        s_print_board(s->communities[0], en);
    else
        s_print_table(s, en);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return rc;
}

int cmd_gates(cli_t *cli, const char *community)
{
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__SnapshotQuery q = HJ__TALLY__SNAPSHOT_QUERY__INIT;
    Hj__Tally__Reply *reply = NULL;
    int en = s_lang_en(cli);
    if (!community || cli->npos > 0)
        return cli_usage("hj gates COMMUNITY");
    q.community = (char *)community;
    req.op_case = HJ__TALLY__REQUEST__OP_GATES;
    req.gates = &q;
    int rc = s_call(cli, &req, &reply);
    if (rc != CLI_OK)
        return rc;
    const Hj__Tally__CommunityBoard *b =
        reply->result_case == HJ__TALLY__REPLY__RESULT_BOARD ? reply->board : NULL;
    if (!b) {
        fprintf(stderr, "hj: the answer carries no gates\n");
        rc = CLI_REFUSED;
    } else if (cli->json)
        cli_json(&b->base);
    else {
        printf("%s  %s\n", b->code, b->name);
        s_election_line(b);
        for (size_t i = 0; i < b->n_gates; i++) {
            const Hj__Tally__Gate *g = b->gates[i];
            int id = g->id >= 1 && g->id <= S_GATES ? g->id : 0;
            printf("\n%s %d %s %s — %s\n  rule: %s\n  now:  %s\n", s_state_mark(g->state), id,
                   s_gate_word[id], en ? "" : s_gate_zh[id], s_state_word(g->state), s_gate_rule[id],
                   board_gate_reason(g, en));
            if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
                printf("  overridden by %s: %s\n", g->override_actor, g->override_reason);
            else if (g->state == HJ__TALLY__GATE_STATE__RED)
                printf("  to do: %s\n", s_gate_fix[id]);
        }
        if (b->red_gates)
            printf("\n%u of %d gates red: the election cannot open until they are green, or the "
                   "district overrides them\n(hj election open %s --body BODY --override GATE "
                   "--reason TEXT).\n",
                   b->red_gates, S_GATES, b->code);
        else
            printf("\nNo gate is red: the election may open (hj election open %s --body BODY).\n",
                   b->code);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return rc;
}
