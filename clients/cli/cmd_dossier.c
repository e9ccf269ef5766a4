/* hj report community CODE — the community's dossier (换届选举准备档案): what
 * the election committee must have before opening an election, the file an
 * inspector asks for. It is composed here, on the client, from the read
 * requests the other commands use (no query path of its own):
 *
 *   一 the community and its eight gates      tally.gates            (hj gates)
 *   二 sitting members and preparation talks  registry.seat_list, interviews.talk_list,
 *                                             interviews.coverage    (hj seat list, hj talk
 * coverage) 三 the term audit                         audit.status, audit.show (hj audit show) 四
 * the plan and its tasks                 registry.plan_list, task_list (hj plan / hj task) 五
 * candidates and vetting                 tally.result per election on the board,
 *                                             registry.reserve_list  (hj election result, hj
 * reserve list) 六 training                               registry.body_list, training_coverage,
 *                                             training_list          (hj training coverage)
 *   七 rectification and upgrades             registry.rectification_list, upgrade_list
 *
 * Every list is read to its end, page by page (s_all); each section has one
 * writer; the writers speak through one small output layer (md or txt). */
#include "audit.pb-c.h"
#include "cmd_board.h"
#include "cmd_prep.h"
#include "cmd_report.h"
#include "report_doc.h"
#include "hj_envelope.h"
#include "hj_pbjson.h"
#include "hj_text.h"
#include "interviews.pb-c.h"
#include "tally.pb-c.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows asked for a page (HJ_REPORT_PAGE, 1..1000, else 500); a shorter page is the last. */
#define S_PAGE_DEFAULT 500
#define S_CELL 2048

/* ---- reading: one call, and a whole list page by page ------------------------ */

typedef struct {
    ProtobufCMessage **pages; /* the replies, kept: items point into them */
    size_t npages;
    const ProtobufCMessage **items;
    size_t n;
} s_list_t;

static void s_list_free(s_list_t *l)
{
    for (size_t i = 0; i < l->npages; i++)
        protobuf_c_message_free_unpacked(l->pages[i], NULL);
    free(l->pages);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* One read: the reply (free it) and the message its result carries. */
/* Every item of a list read (a result whose field `items` repeats records with
 * an `id`), following the `after` cursor (the last id of a page) until a page
 * comes back short. after and limit are the query's fields. */
static uint32_t s_page(void)
{
    const char *v = getenv("HJ_REPORT_PAGE");
    long n = v ? strtol(v, NULL, 10) : 0;
    return n >= 1 && n <= 1000 ? (uint32_t)n : S_PAGE_DEFAULT;
}

static int s_all(cli_t *cli, const prep_service_t *svc, uint32_t op_case,
                 const ProtobufCMessage *query, char **after, uint32_t *limit, s_list_t *l)
{
    *limit = s_page();
    *after = "";
    for (;;) {
        ProtobufCMessage *reply = NULL;
        const ProtobufCMessage *result = NULL;
        int rc = prep_fetch(cli, svc, op_case, query, PREP_LOOKUP, NULL, &reply, &result);
        if (rc != CLI_OK)
            return rc;
        ProtobufCMessage **pages = realloc(l->pages, (l->npages + 1) * sizeof *pages);
        if (!pages) {
            protobuf_c_message_free_unpacked(reply, NULL);
            return fprintf(stderr, "hj: out of memory\n"), CLI_REFUSED;
        }
        l->pages = pages;
        l->pages[l->npages++] = reply;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(result->descriptor, "items");
        size_t n = *(const size_t *)((const char *)result + f->quantifier_offset);
        ProtobufCMessage *const *items =
            *(ProtobufCMessage *const *const *)((const char *)result + f->offset);
        const ProtobufCMessage **grown = realloc(l->items, (l->n + n + 1) * sizeof *grown);
        if (!grown)
            return fprintf(stderr, "hj: out of memory\n"), CLI_REFUSED;
        l->items = grown;
        for (size_t i = 0; i < n; i++)
            l->items[l->n++] = items[i];
        if (n < *limit)
            return CLI_OK;
        const ProtobufCMessage *last = items[n - 1];
        const ProtobufCFieldDescriptor *id =
            protobuf_c_message_descriptor_get_field_by_name(last->descriptor, "id");
        *after = *(char *const *)((const char *)last + id->offset);
    }
}

/* ---- what the dossier holds ----------------------------------------------------- */

typedef struct {
    cli_t *cli;
    const char *code;
    report_doc_t *doc; /* --format md or txt */
    ProtobufCMessage *gates_reply;
    const Hj__Tally__CommunityBoard *board;
    s_list_t seats, talks, plans, tasks, reserves, committees, trainings, rectifications, upgrades;
    ProtobufCMessage *coverage_reply;
    const Hj__Interviews__CommunityCoverage *coverage; /* NULL when the service lists none */
    ProtobufCMessage *status_reply, *audit_reply;
    const Hj__Audit__AuditView *audit; /* NULL: no audit opened */
    ProtobufCMessage *training_reply;
    const Hj__Registry__TrainingCoverage *training;
    ProtobufCMessage **results; /* tally.result of each election on the board */
    size_t nresults;
} s_dossier_t;

static void s_dossier_free(s_dossier_t *d)
{
    s_list_t *lists[] = {&d->seats,     &d->talks,          &d->plans,
                         &d->tasks,     &d->reserves,       &d->committees,
                         &d->trainings, &d->rectifications, &d->upgrades};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        s_list_free(lists[i]);
    ProtobufCMessage *replies[] = {d->gates_reply, d->coverage_reply, d->status_reply,
                                   d->audit_reply, d->training_reply};
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
        if (replies[i])
            protobuf_c_message_free_unpacked(replies[i], NULL);
    for (size_t i = 0; i < d->nresults; i++)
        protobuf_c_message_free_unpacked(d->results[i], NULL);
    free(d->results);
}

/* A registry list of the community (kind: the body kind filter, or ""). */
static int s_registry_all(s_dossier_t *d, unsigned op, const char *kind, s_list_t *l)
{
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    q.community = (char *)d->code;
    q.kind = (char *)kind;
    return s_all(d->cli, &prep_registry, op, &q.base, &q.after, &q.limit, l);
}

/* One look-up of the dossier, answered with a result of type: *result (a
 * `const T *`) points into the answer that *reply keeps. */
static int s_lookup(s_dossier_t *d, const prep_service_t *svc, uint32_t op_case,
                    const ProtobufCMessage *op, const ProtobufCMessageDescriptor *type,
                    ProtobufCMessage **reply, void *result)
{
    const ProtobufCMessage *m;
    int rc = prep_fetch(d->cli, svc, op_case, op, PREP_LOOKUP, type, reply, &m);
    if (rc == CLI_OK)
        memcpy(result, &m, sizeof m); /* const T * and const ProtobufCMessage * alike */
    return rc;
}

/* The board first: it names the community, and refuses an unknown one (NOT_FOUND, field community).
 */
static int s_fetch_board(s_dossier_t *d)
{
    Hj__Tally__SnapshotQuery q = HJ__TALLY__SNAPSHOT_QUERY__INIT;
    q.community = (char *)d->code;
    return s_lookup(d, &prep_tally, HJ__TALLY__REQUEST__OP_GATES, &q.base,
                    &hj__tally__community_board__descriptor, &d->gates_reply, &d->board);
}

static int s_fetch_talks(s_dossier_t *d)
{
    Hj__Interviews__TalkQuery q = HJ__INTERVIEWS__TALK_QUERY__INIT;
    Hj__Interviews__CoverageQuery cq = HJ__INTERVIEWS__COVERAGE_QUERY__INIT;
    const Hj__Interviews__Coverage *coverage;
    q.community = (char *)d->code;
    q.phase = HJ__INTERVIEWS__PHASE__PREPARATION;
    int rc = s_all(d->cli, &prep_interviews, HJ__INTERVIEWS__REQUEST__OP_TALK_LIST, &q.base,
                   &q.after, &q.limit, &d->talks);
    if (rc != CLI_OK)
        return rc;
    cq.community = (char *)d->code;
    rc = s_lookup(d, &prep_interviews, HJ__INTERVIEWS__REQUEST__OP_COVERAGE, &cq.base,
                  &hj__interviews__coverage__descriptor, &d->coverage_reply, &coverage);
    if (rc == CLI_OK && coverage->n_communities)
        d->coverage = coverage->communities[0];
    return rc;
}

/* The community's status line names its latest audit (none: no audit yet); then the whole audit. */
static int s_fetch_audit(s_dossier_t *d)
{
    Hj__Audit__StatusQuery sq = HJ__AUDIT__STATUS_QUERY__INIT;
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    const Hj__Audit__StatusLines *lines;
    sq.community = (char *)d->code;
    int rc = s_lookup(d, &prep_audit, HJ__AUDIT__REQUEST__OP_STATUS, &sq.base,
                      &hj__audit__status_lines__descriptor, &d->status_reply, &lines);
    if (rc != CLI_OK || !lines->n_items || !lines->items[0]->audit_id[0])
        return rc;
    ref.key = lines->items[0]->audit_id;
    return s_lookup(d, &prep_audit, HJ__AUDIT__REQUEST__OP_SHOW, &ref.base,
                    &hj__audit__audit_view__descriptor, &d->audit_reply, &d->audit);
}

/* Each election on the board, with its candidate list (hj election result). */
static int s_fetch_elections(s_dossier_t *d)
{
    Hj__Tally__ElectionRef ref = HJ__TALLY__ELECTION_REF__INIT;
    const ProtobufCMessage *result;
    if (!d->board->n_elections)
        return CLI_OK;
    if (!(d->results = calloc(d->board->n_elections, sizeof *d->results)))
        return fprintf(stderr, "hj: out of memory\n"), CLI_REFUSED;
    for (size_t i = 0; i < d->board->n_elections; i++) {
        ref.id = d->board->elections[i]->id;
        int rc = prep_fetch(d->cli, &prep_tally, HJ__TALLY__REQUEST__OP_RESULT, &ref.base,
                            PREP_LOOKUP, NULL, &d->results[i], &result);
        if (rc != CLI_OK)
            return rc;
        d->nresults++;
    }
    return CLI_OK;
}

static int s_fetch_training(s_dossier_t *d)
{
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    int rc = s_registry_all(d, HJ__REGISTRY__REQUEST__OP_BODY_LIST, "election_committee",
                            &d->committees);
    if (rc != CLI_OK)
        return rc;
    get.key = (char *)d->code;
    rc = s_lookup(d, &prep_registry, HJ__REGISTRY__REQUEST__OP_TRAINING_COVERAGE, &get.base,
                  &hj__registry__training_coverage__descriptor, &d->training_reply, &d->training);
    if (rc != CLI_OK)
        return rc;
    return s_registry_all(d, HJ__REGISTRY__REQUEST__OP_TRAINING_LIST, "", &d->trainings);
}

static int s_fetch(s_dossier_t *d)
{
    int rc;
    if ((rc = s_fetch_board(d)) != CLI_OK ||
        (rc = s_registry_all(d, HJ__REGISTRY__REQUEST__OP_SEAT_LIST, "", &d->seats)) != CLI_OK ||
        (rc = s_fetch_talks(d)) != CLI_OK || (rc = s_fetch_audit(d)) != CLI_OK ||
        (rc = s_registry_all(d, HJ__REGISTRY__REQUEST__OP_PLAN_LIST, "", &d->plans)) != CLI_OK ||
        (rc = s_registry_all(d, HJ__REGISTRY__REQUEST__OP_TASK_LIST, "", &d->tasks)) != CLI_OK ||
        (rc = s_fetch_elections(d)) != CLI_OK ||
        (rc = s_registry_all(d, HJ__REGISTRY__REQUEST__OP_RESERVE_LIST, "", &d->reserves)) !=
            CLI_OK ||
        (rc = s_fetch_training(d)) != CLI_OK ||
        (rc = s_registry_all(d, HJ__REGISTRY__REQUEST__OP_RECTIFICATION_LIST, "",
                             &d->rectifications)) != CLI_OK)
        return rc;
    return s_registry_all(d, HJ__REGISTRY__REQUEST__OP_UPGRADE_LIST, "", &d->upgrades);
}

/* ---- words ------------------------------------------------------------------------- */

static const char *const s_audit_state_zh[] = {"未开展",       "计划", "现场审计",
                                               "报告征求意见", "完成", "已公开"};
static const char *const s_scope_zh[] = {"", "未开始", "已审查", "发现问题", "已整改销号"};
static const char *const s_severity_zh[] = {"", "提示", "违规违纪", "严重（移送）"};
static const char *const s_remedy_zh[] = {"", "待整改", "已整改", "已移送"};
static const char *const s_org_zh[] = {"", "党支部", "党总支", "党委"};

static const char *s_word(const char *const *words, size_t n, int i)
{
    return i >= 0 && (size_t)i < n ? words[i] : "?";
}
#define S_WORD(words, i) s_word(words, sizeof words / sizeof words[0], (int)(i))

static const char *s_role_zh(const char *role)
{
    static const char *const roles[][2] = {{"secretary", "书记"},
                                           {"deputy_secretary", "副书记"},
                                           {"director", "主任"},
                                           {"deputy_director", "副主任"},
                                           {"member", "委员"}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(role, roles[i][0]) == 0)
            return roles[i][1];
    return role;
}

static const char *s_committee_zh(int committee)
{
    return prep_zh(committee == HJ__REGISTRY__COMMITTEE__PARTY ? "party" : "residents");
}

static const char *s_or_dash(const char *s)
{
    return s && s[0] ? s : "—";
}

/* Appends "sep text" to buf (no separator before the first). 0, or -1 (buf unchanged) when it
 * does not fit. */
static int s_append(char *buf, size_t size, const char *sep, const char *text)
{
    size_t used = strlen(buf), s = used ? strlen(sep) : 0, t = strlen(text);
    if (used + s + t >= size)
        return -1;
    memcpy(buf + used, sep, s);
    memcpy(buf + used + s, text, t + 1);
    return 0;
}

/* ---- the sections ------------------------------------------------------------------ */

static void s_write_title(const s_dossier_t *d)
{
    const Hj__Tally__CommunityBoard *b = d->board;
    char title[512], today[11];
    snprintf(title, sizeof title, "换届选举准备档案：%s（%s）", b->name, b->code);
    hj_date_today(today);
    report_heading(d->doc, 1, title);
    report_item(d->doc, "社区", "%s（%s）", b->name, b->code);
    report_item(d->doc, "所属街道", "%s", b->subdistrict);
    report_item(d->doc, "指导组", "%s", b->guidance_group[0] ? b->guidance_group : "未确定");
    report_item(d->doc, "编制日期", "%s（看板序号 %llu）", today, (unsigned long long)b->tally_seq);
}

static void s_write_gates(const s_dossier_t *d)
{
    const Hj__Tally__CommunityBoard *b = d->board;
    report_table_t t;
    report_heading(d->doc, 2, "一、换届门槛");
    report_table_open(&t, d->doc, NULL,
                      (const char *const[]){"序号", "门槛", "状态", "说明", NULL});
    for (size_t i = 0; i < b->n_gates; i++) {
        const Hj__Tally__Gate *g = b->gates[i];
        char no[8], state[S_CELL], why[S_CELL];
        snprintf(no, sizeof no, "%d", (int)g->id);
        if (g->state == HJ__TALLY__GATE_STATE__GREEN)
            snprintf(state, sizeof state, "通过");
        else if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            snprintf(state, sizeof state, "区级越过");
        else
            report_mark(d->doc, "未通过", state, sizeof state);
        snprintf(why, sizeof why, "%s", board_gate_reason(g, 0));
        if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            snprintf(why, sizeof why, "%s（%s 越过：%s）", board_gate_reason(g, 0),
                     g->override_actor, g->override_reason);
        const char *row[] = {no, board_gate_name((int)g->id, 0), state, why};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（看板未列出门槛）");
    if (b->red_gates)
        report_para(d->doc, "%u 项门槛未通过：全部通过（或经区级越过）之前不得开启选举。",
                    b->red_gates);
    else
        report_para(d->doc, "八项门槛均已通过（或经区级越过），可以开启选举。");
    /* The measures without a gate: "not started" must not read as "nothing to do". */
    board_measure_t m[BOARD_MEASURES];
    board_measures(b, 0, m);
    report_table_open(&t, d->doc, "无门槛的准备工作",
                      (const char *const[]){"准备工作", "状态", "情况", NULL});
    for (int i = 0; i < BOARD_MEASURES; i++) {
        char state[S_CELL];
        if (m[i].recorded)
            snprintf(state, sizeof state, "%s", m[i].state);
        else
            report_mark(d->doc, m[i].state, state, sizeof state);
        const char *row[] = {m[i].name, state, m[i].recorded ? m[i].detail : ""};
        report_table_row(&t, row);
    }
    report_table_end(&t, NULL);
}

/* Seats in the order an official reads them: party committee first, by rank, then by name. */
static int s_role_rank(const char *role)
{
    static const char *const ranks[] = {"secretary", "deputy_secretary", "director",
                                        "deputy_director", "member"};
    for (int i = 0; i < (int)(sizeof ranks / sizeof ranks[0]); i++)
        if (strcmp(role, ranks[i]) == 0)
            return i;
    return 99;
}

static int s_seat_order(const void *a, const void *b)
{
    const Hj__Registry__Seat *x = *(const Hj__Registry__Seat *const *)a,
                             *y = *(const Hj__Registry__Seat *const *)b;
    if (x->committee != y->committee)
        return (int)x->committee - (int)y->committee;
    if (s_role_rank(x->role) != s_role_rank(y->role))
        return s_role_rank(x->role) - s_role_rank(y->role);
    int by_name = strcmp(x->person_name, y->person_name);
    return by_name ? by_name : strcmp(x->person_id, y->person_id);
}

/* One row a sitting member (a person on both committees once, at their first seat),
 * with the date of every preparation talk, or 未谈话. */
static void s_write_roster(const s_dossier_t *d)
{
    const Hj__Registry__Seat **sitting = calloc(d->seats.n + 1, sizeof *sitting);
    size_t n = 0;
    report_table_t t;
    report_heading(d->doc, 2, "二、两委成员与谈心谈话");
    for (size_t i = 0; sitting && i < d->seats.n; i++)
        if (!((const Hj__Registry__Seat *)d->seats.items[i])->term_end[0])
            sitting[n++] = (const Hj__Registry__Seat *)d->seats.items[i];
    if (n)
        qsort(sitting, n, sizeof *sitting, s_seat_order);
    report_table_open(&t, d->doc, NULL,
                      (const char *const[]){"姓名", "职务", "任职起始", "准备阶段谈话", NULL});
    for (size_t i = 0; i < n; i++) {
        const Hj__Registry__Seat *s = sitting[i];
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(sitting[k]->person_id, s->person_id) != 0;
        if (!first)
            continue;
        char roles[S_CELL] = "", since[S_CELL] = "", talks[S_CELL] = "", cell[S_CELL], mark[S_CELL];
        for (size_t k = i; k < n; k++) {
            if (strcmp(sitting[k]->person_id, s->person_id) != 0)
                continue;
            snprintf(cell, sizeof cell, "%s%s", s_committee_zh(sitting[k]->committee),
                     s_role_zh(sitting[k]->role));
            s_append(roles, sizeof roles, "、", cell);
            s_append(since, sizeof since, "、", sitting[k]->term_start);
        }
        for (size_t k = 0; k < d->talks.n; k++) {
            const Hj__Interviews__Talk *tk = (const Hj__Interviews__Talk *)d->talks.items[k];
            if (tk->interviewee && strcmp(tk->interviewee->person_id, s->person_id) == 0)
                s_append(talks, sizeof talks, "、", tk->date);
        }
        const char *row[] = {s->person_name, roles, since,
                             talks[0] ? talks : report_mark(d->doc, "未谈话", mark, sizeof mark)};
        report_table_row(&t, row);
    }
    free(sitting);
    report_table_end(&t, "（无在任两委成员）");
    const Hj__Interviews__CommunityCoverage *c = d->coverage;
    if (!c)
        return;
    if (c->members)
        report_para(d->doc, "谈话覆盖：%u/%u 名在任成员（%u.%u%%），%s", c->covered, c->members,
                    c->per_mille / 10, c->per_mille % 10,
                    c->complete ? "已全覆盖" : "尚未全覆盖（谈心谈话全覆盖）");
    else
        report_para(d->doc, "谈话覆盖：无在任成员");
}

static void s_write_audit(const s_dossier_t *d)
{
    char buf[S_CELL], yuan[40];
    report_heading(d->doc, 2, "三、任期审计");
    const Hj__Audit__AuditView *v = d->audit;
    if (!v || !v->engagement) {
        report_para(d->doc, "%s",
                    report_mark(d->doc, "尚未开展任期审计（不经审计不得换届）", buf, sizeof buf));
        return;
    }
    const Hj__Audit__Engagement *e = v->engagement;
    char auditors[S_CELL] = "";
    for (size_t i = 0; i < e->n_auditors; i++)
        s_append(auditors, sizeof auditors, "、", e->auditors[i]);
    report_item(d->doc, "任期", "%s", e->term);
    report_item(d->doc, "审计期间", "%s 至 %s", e->period_from, e->period_to);
    report_item(d->doc, "审计人员", "%s", auditors);
    report_item(d->doc, "状态", "%s", S_WORD(s_audit_state_zh, e->state));
    report_item(d->doc, "开始日期", "%s", e->opened_on);
    report_item(d->doc, "完成日期", "%s", s_or_dash(e->completed_on));
    report_item(d->doc, "公开日期", "%s", s_or_dash(e->published_on));

    report_table_t t;
    report_table_open(&t, d->doc, "审计范围",
                      (const char *const[]){"序号", "审计事项", "状态", "备注", NULL});
    for (size_t i = 0; i < v->n_scope; i++) {
        const Hj__Audit__ScopeItem *s = v->scope[i];
        char no[16], state[S_CELL];
        snprintf(no, sizeof no, "%u", s->no);
        snprintf(state, sizeof state, "%s", S_WORD(s_scope_zh, s->status));
        if (s->status == HJ__AUDIT__SCOPE_STATUS__NOT_STARTED)
            report_mark(d->doc, "未开始", state, sizeof state);
        const char *row[] = {no, s->title, state, s->note};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（无审计事项）");

    report_table_open(&t, d->doc, "审计发现",
                      (const char *const[]){"序号", "审计事项", "性质", "金额（元）", "整改情况",
                                            "责任人", "问题", NULL});
    for (size_t i = 0; i < v->n_findings; i++) {
        const Hj__Audit__Finding *f = v->findings[i];
        char no[16], remedy[S_CELL];
        snprintf(no, sizeof no, "%u", f->no);
        snprintf(remedy, sizeof remedy, "%s%s%s", S_WORD(s_remedy_zh, f->remedy),
                 f->remedy_note[0] ? "：" : "", f->remedy_note);
        if (f->remedy == HJ__AUDIT__REMEDY__OPEN)
            report_mark(d->doc, "待整改", remedy, sizeof remedy);
        const char *row[] = {no,
                             f->scope_title,
                             S_WORD(s_severity_zh, f->severity),
                             f->has_amount ? cli_yuan(f->amount_fen, yuan) : "—",
                             remedy,
                             f->responsible,
                             f->text};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（无审计发现）");
    if (v->n_findings)
        report_para(d->doc, "审计发现 %zu 项，其中未整改 %u 项；涉及金额合计 %s 元。",
                    v->n_findings, v->open_findings, cli_yuan(v->amount_total_fen, yuan));
    for (size_t i = 0; i < v->n_serious_open; i++) {
        const Hj__Audit__Finding *f = v->serious_open[i];
        snprintf(buf, sizeof buf, "严重问题未整改：%s 任期 第 %u 项 %s", f->term, f->no, f->text);
        report_para(d->doc, "%s", report_mark(d->doc, buf, (char[S_CELL]){0}, S_CELL));
    }
}

static void s_write_plan(const s_dossier_t *d)
{
    const Hj__Registry__Plan *p = NULL;
    char mark[S_CELL];
    report_heading(d->doc, 2, "四、换届工作方案");
    for (size_t i = 0; i < d->plans.n; i++) {
        const Hj__Registry__Plan *o = (const Hj__Registry__Plan *)d->plans.items[i];
        if (!p || o->version >= p->version)
            p = o;
    }
    if (!p)
        report_para(d->doc, "%s",
                    report_mark(d->doc, "尚未制定社区换届工作方案", mark, sizeof mark));
    else {
        report_item(d->doc, "方案", "%s（第 %u 版）", p->title, p->version);
        if (p->document[0])
            report_item(d->doc, "文号", "%s", p->document);
        report_item(d->doc, "提交日期", "%s", p->submitted_on);
        report_item(d->doc, "状态", "%s", prep_zh(p->state));
        report_item(d->doc, "生效日期", "%s", s_or_dash(p->in_force_on));
        report_table_t t;
        report_table_open(
            &t, d->doc, "审批步骤",
            (const char *const[]){"步骤", "审批机构", "状态", "日期", "审批人", "意见", NULL});
        for (size_t k = 0; k < p->n_steps; k++) {
            const Hj__Registry__PlanStep *s = p->steps[k];
            char no[16], state[S_CELL];
            snprintf(no, sizeof no, "%u", s->position);
            if (strcmp(s->state, "approved") == 0)
                snprintf(state, sizeof state, "%s", prep_zh(s->state));
            else
                report_mark(d->doc, strcmp(s->state, "pending") == 0 ? "待审批" : prep_zh(s->state),
                            state, sizeof state);
            const char *row[] = {no, s->name, state, s_or_dash(s->date), s->approver, s->note};
            report_table_row(&t, row);
        }
        report_table_end(&t, "（无审批步骤）");
    }
    report_table_t t;
    unsigned open = 0, overdue = 0;
    report_table_open(&t, d->doc, "工作任务（时间到天、任务到人）",
                      (const char *const[]){"任务", "责任人", "完成期限", "状态", NULL});
    for (size_t i = 0; i < d->tasks.n; i++) {
        const Hj__Registry__Task *k = (const Hj__Registry__Task *)d->tasks.items[i];
        char state[S_CELL];
        int done = strcmp(k->state, "done") == 0;
        open += !done;
        overdue += k->overdue;
        if (done)
            snprintf(state, sizeof state, "已完成（%s）", k->done_on);
        else if (k->overdue)
            report_mark(d->doc, "逾期未完成", state, sizeof state);
        else
            snprintf(state, sizeof state, "进行中");
        const char *row[] = {k->title, k->owner, k->due, state};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（无工作任务）");
    if (d->tasks.n)
        report_para(d->doc, "任务 %zu 项，未完成 %u 项，其中逾期 %u 项。", d->tasks.n, open,
                    overdue);
}

static void s_write_candidates(const s_dossier_t *d)
{
    char mark[S_CELL];
    report_heading(d->doc, 2, "五、候选人与资格联审");
    if (!d->nresults)
        report_para(d->doc, "尚未安排选举。");
    for (size_t i = 0; i < d->nresults; i++) {
        const Hj__Tally__Result *r = (const Hj__Tally__Result *)cli_oneof(d->results[i]);
        const Hj__Tally__Election *e = r ? r->election : NULL;
        if (!e)
            continue;
        char title[512];
        snprintf(title, sizeof title, "%s选举：%s，%u 个职数（%s）",
                 strcmp(e->body, "party") == 0 ? "社区党组织委员会" : "居民委员会", e->date,
                 e->seats,
                 strcmp(e->state, "open") == 0        ? "已开启"
                 : strcmp(e->state, "scheduled") == 0 ? "已安排"
                 : strcmp(e->state, "certified") == 0 ? "已确认"
                                                      : e->state);
        report_heading(d->doc, 3, title);
        if (r->vacant)
            report_para(d->doc, "暂缺 %u 名，应于 %s 前补选。", r->vacant, r->vacancy_due);
        if (r->reduced)
            report_para(d->doc, "减少名额 %u 名，应选名额为 %u 名。", r->reduced,
                        e->seats - r->reduced);
        report_table_t t;
        report_table_open(&t, d->doc, NULL, (const char *const[]){"序号", "候选人", NULL});
        for (size_t k = 0; k < e->n_candidates; k++) {
            char no[16];
            snprintf(no, sizeof no, "%u", e->candidates[k]->position);
            const char *row[] = {no, e->candidates[k]->name};
            report_table_row(&t, row);
        }
        report_table_end(&t, report_mark(d->doc, "候选人名单尚未确定", mark, sizeof mark));
    }
    report_table_t t;
    unsigned pending = 0, cleared = 0, barred = 0;
    report_table_open(&t, d->doc, "后备人选台账",
                      (const char *const[]){"姓名", "委员会", "推荐来源", "入库日期", "资格联审",
                                            "状态", "备注", NULL});
    for (size_t i = 0; i < d->reserves.n; i++) {
        const Hj__Registry__Reserve *r = (const Hj__Registry__Reserve *)d->reserves.items[i];
        char vetting[S_CELL];
        pending += strcmp(r->vetting, "pending") == 0;
        cleared += strcmp(r->vetting, "cleared") == 0;
        barred += strcmp(r->vetting, "barred") == 0;
        if (strcmp(r->vetting, "barred") == 0) {
            snprintf(mark, sizeof mark, "%s：%s", prep_zh(r->vetting), prep_zh(r->bar_reason));
            report_mark(d->doc, mark, vetting, sizeof vetting);
        } else
            snprintf(vetting, sizeof vetting, "%s", prep_zh(r->vetting));
        const char *row[] = {r->person_name, s_committee_zh(r->committee), r->source, r->added,
                             vetting,        prep_zh(r->status),           r->note};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（台账无人选）");
    if (d->reserves.n)
        report_para(d->doc, "后备人选 %zu 名：资格联审通过 %u 名，待审 %u 名，不通过 %u 名。",
                    d->reserves.n, cleared, pending, barred);
}

static void s_write_training(const s_dossier_t *d)
{
    const Hj__Registry__TrainingCoverage *c = d->training;
    char mark[S_CELL];
    report_heading(d->doc, 2, "六、培训骨干");
    const Hj__Registry__Body *b =
        d->committees.n ? (const Hj__Registry__Body *)d->committees.items[0] : NULL;
    if (!b || !c || !c->committee_recorded)
        report_para(d->doc, "%s", report_mark(d->doc, "尚未组建选举委员会", mark, sizeof mark));
    else {
        report_item(d->doc, "选举委员会", "%s（%s 组建）", b->name, s_or_dash(b->formed_on));
        report_table_t t;
        report_table_open(&t, d->doc, NULL, (const char *const[]){"姓名", "职务", "培训", NULL});
        for (size_t i = 0; i < b->n_members; i++) {
            const Hj__Registry__BodyMember *m = b->members[i];
            int trained = 1;
            for (size_t k = 0; k < c->n_missing && trained; k++)
                trained = strcmp(c->missing[k]->id, m->person_id) != 0;
            const char *row[] = {m->person_name, prep_zh(m->role),
                                 trained ? "已培训"
                                         : report_mark(d->doc, "未培训", mark, sizeof mark)};
            report_table_row(&t, row);
        }
        report_table_end(&t, "（选举委员会无成员）");
        report_para(d->doc, "选举委员会成员已培训 %u/%u 名。", c->trained, c->required);
    }
    report_table_t t;
    report_table_open(&t, d->doc, "为本社区举办的培训",
                      (const char *const[]){"日期", "培训人", "主题", "参训人数", NULL});
    for (size_t i = 0; i < d->trainings.n; i++) {
        const Hj__Registry__Training *s = (const Hj__Registry__Training *)d->trainings.items[i];
        char topics[S_CELL] = "", count[16];
        for (size_t k = 0; k < s->n_topics; k++)
            s_append(topics, sizeof topics, "；", s->topics[k]);
        snprintf(count, sizeof count, "%zu", s->n_attendees);
        const char *row[] = {s->date, s->trainer, topics, count};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（无）");
}

static void s_write_rectification(const s_dossier_t *d)
{
    report_table_t t;
    unsigned open = 0;
    report_heading(d->doc, 2, "七、集中整顿与党组织升格");
    report_table_open(&t, d->doc, "整顿事项",
                      (const char *const[]){"问题", "整治方案（一社一策）", "责任人", "开始",
                                            "期限", "状态", NULL});
    for (size_t i = 0; i < d->rectifications.n; i++) {
        const Hj__Registry__Rectification *r =
            (const Hj__Registry__Rectification *)d->rectifications.items[i];
        char state[S_CELL];
        if (strcmp(r->state, "closed") == 0)
            snprintf(state, sizeof state, "已销号（%s）", r->closed_on);
        else {
            open++;
            report_mark(d->doc, prep_zh(r->state), state, sizeof state);
        }
        const char *row[] = {prep_zh(r->problem), r->plan, r->owner, r->opened_on, r->due, state};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（无整顿事项）");
    if (d->rectifications.n)
        report_para(d->doc, "整顿事项 %zu 项，未销号 %u 项。", d->rectifications.n, open);
    report_table_open(&t, d->doc, "党组织升格申请",
                      (const char *const[]){"申请日期", "原组织", "申请升格为", "状态", "决定日期",
                                            "说明", NULL});
    for (size_t i = 0; i < d->upgrades.n; i++) {
        const Hj__Registry__Upgrade *u = (const Hj__Registry__Upgrade *)d->upgrades.items[i];
        char state[S_CELL];
        if (strcmp(u->state, "requested") == 0)
            report_mark(d->doc, "待审批", state, sizeof state);
        else
            snprintf(state, sizeof state, "%s", prep_zh(u->state));
        const char *row[] = {u->requested_on,
                             S_WORD(s_org_zh, u->from_type),
                             S_WORD(s_org_zh, u->to_type),
                             state,
                             s_or_dash(u->decided_on),
                             u->decision_note[0] ? u->decision_note : u->reason};
        report_table_row(&t, row);
    }
    report_table_end(&t, "（无升格申请）");
}

/* ---- --json: every read as it came, one object ------------------------------------- */

static void s_json_list(const char *key, const s_list_t *l)
{
    printf(",\"%s\":[", key);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            putchar(',');
        hj_pbjson_write(stdout, l->items[i]);
    }
    putchar(']');
}

static void s_json_one(const char *key, const void *msg)
{
    printf(",\"%s\":", key);
    if (msg)
        hj_pbjson_write(stdout, msg);
    else
        printf("null");
}

static void s_write_json(const s_dossier_t *d)
{
    printf("{\"community\":");
    hj_pbjson_write(stdout, &d->board->base);
    s_json_list("seats", &d->seats);
    s_json_list("preparation_talks", &d->talks);
    s_json_one("talk_coverage", d->coverage);
    s_json_one("audit", d->audit);
    s_json_list("plans", &d->plans);
    s_json_list("tasks", &d->tasks);
    printf(",\"elections\":[");
    for (size_t i = 0; i < d->nresults; i++) {
        if (i)
            putchar(',');
        hj_pbjson_write(stdout, cli_oneof(d->results[i]));
    }
    putchar(']');
    s_json_list("reserves", &d->reserves);
    s_json_list("election_committee", &d->committees);
    s_json_one("training_coverage", d->training);
    s_json_list("trainings", &d->trainings);
    s_json_list("rectifications", &d->rectifications);
    s_json_list("upgrades", &d->upgrades);
    printf("}\n");
}

int report_community(cli_t *cli)
{
    s_dossier_t d;
    memset(&d, 0, sizeof d);
    const char *format = cli_opt_or(cli, "format", "md");
    if (cli->npos != 1)
        return cli_usage("hj report community CODE [--format md|txt] [--json]");
    if (strcmp(format, "md") != 0 && strcmp(format, "txt") != 0)
        return cli_usage("--format must be md or txt");
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    d.cli = cli;
    d.code = cli->pos[0];
    report_doc_t doc;
    report_doc_init(&doc, format[0] == 'm');
    d.doc = &doc;
    if ((rc = s_fetch(&d)) == CLI_OK) {
        if (cli->json)
            s_write_json(&d);
        else {
            s_write_title(&d);
            s_write_gates(&d);
            s_write_roster(&d);
            s_write_audit(&d);
            s_write_plan(&d);
            s_write_candidates(&d);
            s_write_training(&d);
            s_write_rectification(&d);
        }
    }
    s_dossier_free(&d);
    return rc;
}
