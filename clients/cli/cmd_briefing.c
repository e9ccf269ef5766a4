/* hj report briefing [--subdistrict S] [--as-of DATE | --as-known-on DATE]
 *                    [--format md|txt]
 *
 * The progress briefing a subdistrict office sends upward (换届选举前期准备
 * 工作进展情况), in the order of the eight measures, each paragraph with its
 * figures. Every figure is a field of tally's Briefing (the board's own
 * counters, summed, and the projection's lists), so the text says what
 * `hj board` and the list commands show; this file only words it. */
#include "cmd_prep.h"
#include "cmd_report.h"
#include "report_doc.h"
#include "hj_envelope.h"
#include "tally.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_AS_OF_TIMEOUT_MS 120000

/* ---- words ------------------------------------------------------------------- */

typedef struct {
    const char *word, *zh;
} s_word_t;

static const char *s_zh(const s_word_t *table, const char *word)
{
    for (const s_word_t *w = table; w->word; w++)
        if (strcmp(w->word, word) == 0)
            return w->zh;
    return word;
}

static const s_word_t s_kinds[] = {
    {"slogan", "换届标语"},
    {"policy_reading", "政策解读"},
    {"election_discipline", "换届纪律"},
    {"good_practice", "先进经验做法"},
    {"other", "其他信息"},
    {NULL, NULL},
};
static const s_word_t s_channels[] = {
    {"screen", "电子屏"},
    {"wechat_group", "居民微信群"},
    {"notice_board", "宣传栏"},
    {"other", "其他渠道"},
    {NULL, NULL},
};
static const s_word_t s_counterparts[] = {
    {"registry_person", "两委成员及后备人选"},
    {"property_company", "物业公司负责人"},
    {"owners_committee", "业主委员会成员"},
    {"resident_representative", "居民代表"},
    {"party_member", "党员"},
    {"other_party", "其他人员"},
    {NULL, NULL},
};
static const s_word_t s_problems[] = {
    {"complex_situation", "选情复杂"},
    {"gang_interference", "黑恶、宗族势力干扰"},
    {"religious_interference", "宗教势力渗透"},
    {"petitions", "信访矛盾突出"},
    {"weak_party_organisation", "党组织软弱涣散"},
    {"other", "其他问题"},
    {NULL, NULL},
};
static const s_word_t s_states[] = {
    {"open", "待整顿"},
    {"in_progress", "整顿中"},
    {"closed", "已整顿到位"},
    {"requested", "待审批"},
    {"approved", "已批准"},
    {"rejected", "未批准"},
    {"planned", "计划"},
    {"fieldwork", "现场审计"},
    {"draft_report", "审计报告征求意见"},
    {"completed", "已完成"},
    {"published", "已公开"},
    {"draft", "起草"},
    {"returned", "退回修改"},
    {"in_force", "已审定实施"},
    {"superseded", "已被新版本取代"},
    {"pending", "待审定"},
    {NULL, NULL},
};
static const s_word_t s_gates[] = {
    {"audit", "任期审计"},        {"rectification", "集中整顿"},  {"upgrade", "党组织升格"},
    {"plan", "选举方案"},         {"talks", "谈心谈话全覆盖"},    {"training", "选举委员会培训"},
    {"candidates", "候选人差额"}, {"voter_list", "选民名单公告"}, {NULL, NULL},
};

/* 2026-12-16 → 12月16日 (the year when it is not the briefing's). */
static const char *s_day(char out[32], const char *date, const char *as_of)
{
    int y, m, d, ay = 0;
    if (!date || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
        return date ? date : "";
    if (as_of)
        sscanf(as_of, "%d", &ay);
    if (y == ay)
        snprintf(out, 32, "%d月%d日", m, d);
    else
        snprintf(out, 32, "%d年%d月%d日", y, m, d);
    return out;
}

/* A growing sentence. */
typedef struct {
    char *buf;
    size_t len;
    FILE *f;
} s_text_t;

static void s_text_open(s_text_t *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    if (!t->f) {
        fprintf(stderr, "hj: out of memory\n");
        exit(CLI_REFUSED);
    }
}

static const char *s_text_close(s_text_t *t)
{
    if (t->f)
        fclose(t->f);
    t->f = NULL;
    return t->buf ? t->buf : "";
}

/* ---- the eight sections ---------------------------------------------------------- */

static void s_publicity(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "一、宣传动员");
    if (!b->n_publicity) {
        report_para(d, "尚无宣传推送记录。");
        return;
    }
    s_text_t channels, kinds;
    s_text_open(&channels);
    s_text_open(&kinds);
    uint32_t records = 0;
    /* Channels in the order first seen; each kind's runs summed over channels. */
    const char *seen_ch[16];
    size_t n_ch = 0;
    const char *seen_kind[16];
    uint64_t kind_count[16] = {0};
    size_t n_kind = 0;
    for (size_t i = 0; i < b->n_publicity; i++) {
        const Hj__Tally__BriefingPublicity *p = b->publicity[i];
        records += p->records;
        size_t c = 0, k = 0;
        while (c < n_ch && strcmp(seen_ch[c], p->channel) != 0)
            c++;
        if (c == n_ch && n_ch < 16)
            seen_ch[n_ch++] = p->channel;
        while (k < n_kind && strcmp(seen_kind[k], p->kind) != 0)
            k++;
        if (k == n_kind && n_kind < 16)
            seen_kind[n_kind++] = p->kind;
        if (k < 16)
            kind_count[k] += p->count;
    }
    for (size_t c = 0; c < n_ch; c++)
        fprintf(channels.f, "%s%s", c ? "、" : "", s_zh(s_channels, seen_ch[c]));
    for (size_t k = 0; k < n_kind; k++)
        fprintf(kinds.f, "%s%s%llu%s", k ? "，" : "", s_zh(s_kinds, seen_kind[k]),
                (unsigned long long)kind_count[k],
                strcmp(seen_kind[k], "slogan") == 0 ? "次" : "篇");
    report_para(d,
                "%s及所辖%u个社区多种形式营造换届选举氛围，截至%s，在%s推送%s（共%u条推送记录）。",
                b->subdistrict_name[0] ? b->subdistrict_name : "全区各街道", b->communities,
                b->as_of, s_text_close(&channels), s_text_close(&kinds), records);
    free(channels.buf);
    free(kinds.buf);
    report_table_t t;
    report_table_open(&t, d, NULL, (const char *const[]){"内容", "渠道", "记录", "次数", NULL});
    for (size_t i = 0; i < b->n_publicity; i++) {
        const Hj__Tally__BriefingPublicity *p = b->publicity[i];
        char n_records[16], count[16];
        snprintf(n_records, sizeof n_records, "%u", p->records);
        snprintf(count, sizeof count, "%u", p->count);
        const char *row[] = {s_zh(s_kinds, p->kind), s_zh(s_channels, p->channel), n_records,
                             count};
        report_table_row(&t, row);
    }
    report_table_end(&t, NULL);
}

static void s_survey(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "二、调研摸底");
    report_para(
        d,
        "对%u个社区现任“两委”班子成员%u人中的%u人进行了调查摸底，建立了社区“两委”班子成员后备人选"
        "%u人台账（其中资格联审通过%u人，已确定提名%u人）。",
        b->communities, b->members_sitting, b->members_assessed,
        b->reserve_active + b->reserve_nominated, b->reserve_cleared, b->reserve_nominated);
}

static void s_items_table(report_doc_t *d, Hj__Tally__BriefingItem *const *items, size_t n,
                          const char *what_header, const s_word_t *what_words,
                          const char *day_header)
{
    report_table_t t;
    report_table_open(&t, d, NULL,
                      (const char *const[]){"社区", what_header, "状态", day_header, NULL});
    for (size_t i = 0; i < n; i++) {
        const char *row[] = {
            items[i]->community_name[0] ? items[i]->community_name : items[i]->community,
            what_words ? s_zh(what_words, items[i]->what) : items[i]->what,
            s_zh(s_states, items[i]->state), items[i]->day[0] ? items[i]->day : "—"};
        report_table_row(&t, row);
    }
    report_table_end(&t, NULL);
}

static void s_rectification(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "三、集中整顿");
    uint32_t closed = 0, committees = 0, branches = 0, pending = 0;
    for (size_t i = 0; i < b->n_rectifications; i++)
        closed += strcmp(b->rectifications[i]->state, "closed") == 0;
    for (size_t i = 0; i < b->n_upgrades; i++) {
        const Hj__Tally__BriefingItem *u = b->upgrades[i];
        if (strcmp(u->state, "approved") == 0) {
            committees += strcmp(u->what, "committee") == 0;
            branches += strcmp(u->what, "general_branch") == 0;
        }
        pending += strcmp(u->state, "requested") == 0;
    }
    if (b->n_rectifications)
        report_para(
            d, "按照“一社一策”进行整顿，共排查出需整顿的问题%zu个，已整顿到位%u个，仍在整顿%zu个。",
            b->n_rectifications, closed, b->n_rectifications - closed);
    else
        report_para(d, "未排查出需要整顿的社区。");
    s_items_table(d, b->rectifications, b->n_rectifications, "问题", s_problems, "整顿到位日期");
    if (b->n_upgrades) {
        static const s_word_t types[] = {{"committee", "党委"},
                                         {"general_branch", "党总支"},
                                         {"branch", "党支部"},
                                         {NULL, NULL}};
        report_para(d,
                    "需要成立党委或党总支的社区经街道党工委审批：%u个社区成立了党委、%"
                    "u个社区成立党总支%s。",
                    committees, branches, pending ? "，其余申请尚待审批" : "");
        s_items_table(d, b->upgrades, b->n_upgrades, "升格为", types, "批准日期");
    }
}

static void s_audit(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "四、任期审计");
    uint32_t published = 0;
    for (size_t i = 0; i < b->n_audits; i++)
        published += strcmp(b->audits[i]->state, "published") == 0;
    report_para(d,
                "坚持“不经审计，一律不得换届”，%u个社区中已完成任期审计并公开%u个，审计进行中%"
                "zu个，尚未开展%zu个；"
                "审计发现问题尚未整改%u项。",
                b->communities, published, b->n_audits - published,
                b->communities > b->n_audits ? b->communities - b->n_audits : 0,
                b->audit_open_findings);
    s_items_table(d, b->audits, b->n_audits, "任期", NULL, "公开日期");
}

static void s_talks(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "五、谈心谈话");
    s_text_t with;
    s_text_open(&with);
    for (size_t i = 0; i < b->n_survey_with; i++)
        fprintf(with.f, "%s%s%u人次", i ? "、" : "", s_zh(s_counterparts, b->survey_with[i]->kind),
                b->survey_with[i]->count);
    const char *with_text = s_text_close(&with);
    int full = b->members_sitting && b->talk_covered >= b->members_sitting;
    report_para(d,
                "调研摸底阶段累计谈话%u人次%s%s%s；准备阶段累计与“两委”成员谈心谈话%"
                "u人次，覆盖现任“两委”成员%u人"
                "（共%u人）%s。",
                b->talks_survey, with_text[0] ? "（" : "", with_text, with_text[0] ? "）" : "",
                b->talks_preparation, b->talk_covered, b->members_sitting,
                full ? "，实现了谈心谈话全覆盖" : "，尚未全覆盖");
    free(with.buf);
}

static void s_bodies(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "六、健全机构");
    s_text_t t;
    s_text_open(&t);
    uint32_t groups = 0, guided = 0;
    for (size_t i = 0; i < b->n_bodies; i++) {
        const Hj__Tally__BriefingBody *o = b->bodies[i];
        if (strcmp(o->kind, "leadership_group") == 0)
            fprintf(t.f, "成立了以%s任组长、共%u人组成的%s；", o->leader, o->members, o->name);
        else if (strcmp(o->kind, "office") == 0)
            fprintf(t.f, "领导小组下设办公室（%s，负责人%s），具体负责换届选举日常工作；", o->name,
                    o->leader);
        else {
            groups++;
            guided += o->communities;
        }
    }
    if (groups)
        fprintf(t.f, "成立换届工作指导组%u个，指导社区%u个；", groups, guided);
    fprintf(t.f, "%u个社区成立了选举委员会。", b->election_committees);
    report_para(d, "%s", s_text_close(&t));
    free(t.buf);
    static const s_word_t kinds[] = {{"leadership_group", "领导小组"},
                                     {"office", "办公室"},
                                     {"guidance_group", "指导组"},
                                     {NULL, NULL}};
    report_table_t c;
    report_table_open(
        &c, d, NULL,
        (const char *const[]){"机构", "名称", "组长/负责人", "人数", "成立日期", NULL});
    for (size_t i = 0; i < b->n_bodies; i++) {
        const Hj__Tally__BriefingBody *o = b->bodies[i];
        char members[16];
        snprintf(members, sizeof members, "%u", o->members);
        const char *row[] = {s_zh(kinds, o->kind), o->name, o->leader, members, o->formed_on};
        report_table_row(&c, row);
    }
    report_table_end(&c, NULL);
}

static void s_plans(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "七、制定方案");
    char day[32], day2[32];
    uint32_t community_plans = 0, in_force = 0;
    for (size_t i = 0; i < b->n_plans; i++) {
        const Hj__Tally__BriefingPlan *p = b->plans[i];
        if (p->community[0]) {
            community_plans++;
            in_force += strcmp(p->state, "in_force") == 0;
        } else {
            s_text_t t;
            s_text_open(&t);
            fprintf(t.f, "制定了《%s》（第%u版），于%s提交", p->title, p->version,
                    s_day(day, p->submitted_on, b->as_of));
            for (size_t j = 0; j < p->n_steps; j++) {
                const Hj__Tally__BriefingStep *s = p->steps[j];
                if (strcmp(s->state, "approved") == 0)
                    fprintf(t.f, "，%s经%s审定", s_day(day, s->day, b->as_of), s->name);
                else
                    fprintf(t.f, "，待%s审定", s->name);
            }
            if (strcmp(p->state, "in_force") == 0)
                fprintf(t.f, "，%s起实施", s_day(day2, p->in_force_on, b->as_of));
            fputs("。", t.f);
            report_para(d, "%s", s_text_close(&t));
            free(t.buf);
        }
    }
    report_para(d, "所辖社区结合各自实际制定选举方案%u份，其中%u份已审定实施，%u份尚在审批中。",
                community_plans, in_force, community_plans - in_force);
    /* Every plan's approval steps, the subdistrict's first. */
    report_table_t c;
    report_table_open(&c, d, NULL, (const char *const[]){"方案", "审定环节", "状态", "日期", NULL});
    for (size_t i = 0; i < b->n_plans; i++) {
        const Hj__Tally__BriefingPlan *p = b->plans[i];
        for (size_t j = 0; j < p->n_steps; j++) {
            char step[256];
            snprintf(step, sizeof step, "%zu. %s", j + 1, p->steps[j]->name);
            const char *row[] = {p->community[0]
                                     ? (p->community_name[0] ? p->community_name : p->community)
                                     : "街道方案",
                                 step, s_zh(s_states, p->steps[j]->state),
                                 p->steps[j]->day[0] ? p->steps[j]->day : "—"};
            report_table_row(&c, row);
        }
    }
    report_table_end(&c, NULL);
}

static void s_training(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "八、培训骨干");
    char day[32];
    uint32_t attendance = 0;
    for (size_t i = 0; i < b->n_trainings; i++)
        attendance += b->trainings[i]->attendees;
    if (b->n_trainings) {
        s_text_t t;
        s_text_open(&t);
        for (size_t i = 0; i < b->n_trainings; i++)
            fprintf(t.f, "%s%s", i ? "、" : "", s_day(day, b->trainings[i]->day, b->as_of));
        report_para(d, "%s举办培训%zu场，参训%u人次；选举委员会成员%u人中已参加培训%u人。",
                    s_text_close(&t), b->n_trainings, attendance, b->training_required,
                    b->training_done);
        free(t.buf);
    } else
        report_para(d, "尚未举办培训；选举委员会成员%u人中已参加培训%u人。", b->training_required,
                    b->training_done);
    report_table_t c;
    report_table_open(&c, d, NULL,
                      (const char *const[]){"日期", "对象", "内容", "主讲", "人数", NULL});
    for (size_t i = 0; i < b->n_trainings; i++) {
        const Hj__Tally__BriefingTraining *x = b->trainings[i];
        char attendees[16];
        snprintf(attendees, sizeof attendees, "%u", x->attendees);
        const char *row[] = {
            x->day,
            x->community[0] ? (x->community_name[0] ? x->community_name : x->community) : "街道",
            x->topics, x->trainer, attendees};
        report_table_row(&c, row);
    }
    report_table_end(&c, NULL);
}

static void s_gates_summary(report_doc_t *d, const Hj__Tally__Briefing *b)
{
    report_heading(d, 2, "附：换届门槛");
    s_text_t t;
    s_text_open(&t);
    int any = 0;
    for (size_t i = 0; i < b->n_red_by_gate; i++)
        if (b->red_by_gate[i]->count) {
            fprintf(t.f, "%s%s未通过%u个", any ? "，" : "", s_zh(s_gates, b->red_by_gate[i]->kind),
                    b->red_by_gate[i]->count);
            any = 1;
        }
    const char *red = s_text_close(&t);
    report_para(d, "%u个社区中八项门槛全部通过%u个%s%s；逾期未完成任务%u项。", b->communities,
                b->all_green, any ? "；" : "", red, b->tasks_overdue);
    if (b->elections_certified || b->seats_vacant || b->seats_reduced)
        report_para(d, "选举结果已确认%u场；名额暂缺%u名%s%s%s；减少名额%u名。",
                    b->elections_certified, b->seats_vacant, b->vacancy_due[0] ? "（最早应于" : "",
                    b->vacancy_due, b->vacancy_due[0] ? "前补选）" : "", b->seats_reduced);
    free(t.buf);
}

static void s_print(const Hj__Tally__Briefing *b, int md)
{
    report_doc_t d;
    report_doc_init(&d, md);
    char title[512];
    snprintf(title, sizeof title, "%s社区“两委”换届选举前期准备工作进展情况",
             b->subdistrict_name[0] ? b->subdistrict_name : "全区");
    report_heading(&d, 1, title);
    /* Which past it is: work by the date on its record, or what was known then. */
    if (strcmp(b->basis, "as_of") == 0)
        report_para(&d,
                    "（按记录所载日期截至%s：谈心谈话、宣传推送、培训计其所载日期在当日及以前者，"
                    "补录的也计入；其余据 Huanjie 截至当日日终所知，记录至日志第%llu条）",
                    b->as_of, (unsigned long long)b->journal_seq);
    else if (strcmp(b->basis, "as_known_on") == 0)
        report_para(&d, "（截至%s日终系统所知，据 Huanjie 记录至日志第%llu条；其后补录的不计入）",
                    b->as_of, (unsigned long long)b->journal_seq);
    else
        report_para(&d, "（截至%s，据 Huanjie 记录至日志第%llu条；数字与 hj board 及各台账一致）",
                    b->as_of, (unsigned long long)b->journal_seq);
    s_publicity(&d, b);
    s_survey(&d, b);
    s_rectification(&d, b);
    s_audit(&d, b);
    s_talks(&d, b);
    s_bodies(&d, b);
    s_plans(&d, b);
    s_training(&d, b);
    s_gates_summary(&d, b);
    fflush(stdout);
}

static void s_show(const ProtobufCMessage *b, int md)
{
    s_print((const Hj__Tally__Briefing *)b, md);
}

int report_briefing(cli_t *cli)
{
    const char *format = cli_opt_or(cli, "format", "md");
    Hj__Tally__BriefingQuery q = HJ__TALLY__BRIEFING_QUERY__INIT;
    if (cli->npos > 0)
        return cli_usage("hj report briefing takes no words besides its options");
    if (strcmp(format, "md") != 0 && strcmp(format, "txt") != 0)
        return cli_usage("--format is md or txt (got %s)", format);
    q.subdistrict = (char *)cli_opt_or(cli, "subdistrict", "");
    q.as_of = (char *)cli_opt_or(cli, "as-of", "");
    q.as_known_on = (char *)cli_opt_or(cli, "as-known-on", "");
    q.full_replay = cli_flag(cli, "full-replay");
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    if (q.as_of[0] && q.as_known_on[0])
        return cli_usage("--as-of (by the date on the record) or --as-known-on (what was known at "
                         "the end of the day), not both");
    /* A past day judges every board of its snapshot, the full replay (a
     * check) reads the whole journal again: wait for it once instead of
     * asking again (a retry would only add the same work). */
    if ((q.as_of[0] || q.as_known_on[0]) && cli->timeout_ms < S_AS_OF_TIMEOUT_MS) {
        cli->timeout_ms = S_AS_OF_TIMEOUT_MS;
        cli->tries = 1;
    }
    return prep_fetch_show(cli, &prep_tally, HJ__TALLY__REQUEST__OP_BRIEFING, &q.base, 0,
                           &hj__tally__briefing__descriptor, s_show, strcmp(format, "md") == 0);
}
