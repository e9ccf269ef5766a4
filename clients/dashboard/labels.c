/* labels: every word on the dashboard, in Chinese and English. */
#include "labels.h"
#include "profile.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const s_labels[L_COUNT_][2] = {
    [L_TITLE] = {"换届准备看板", "Election readiness board"},
    [L_CODE] = {"编码", "Code"},
    [L_NAME] = {"社区", "Community"},
    [L_GROUP] = {"指导组", "Guidance group"},
    [L_TALKS] = {"谈话", "Talks"},
    [L_AUDIT] = {"审计", "Audit"},
    [L_RECTIFICATION] = {"整改", "Rect."},
    [L_RESERVE] = {"后备", "Reserve"},
    [L_DAYS] = {"距选举", "Days"},
    [L_ELECTION_DATE] = {"选举日", "Election"},
    [L_DISTRICT] = {"全区", "District"},
    [L_SORT] = {"排序", "sort"},
    [L_SORT_CODE] = {"编码", "code"},
    [L_SORT_NAME] = {"名称", "name"},
    [L_SORT_RED] = {"红灯数", "red gates"},
    [L_SORT_DATE] = {"选举日", "election date"},
    [L_FILTER] = {"指导组", "group"},
    [L_SUBDISTRICT_FILTER] = {"街道", "subdistrict"},
    [L_FILTER_ALL] = {"全部", "all"},
    [L_FILTER_NONE] = {"(未分组)", "(none)"},
    [L_CONNECTED] = {"已连接", "connected"},
    [L_CONNECTING] = {"连接中", "connecting"},
    [L_RECONNECTING] = {"重连中", "reconnecting"},
    [L_TALLY_DOWN] = {"hj-tallyd 不在线", "hj-tallyd is down"},
    [L_SYNCING] = {"同步中", "syncing"},
    [L_SEQ] = {"序号", "seq"},
    [L_RATE] = {"事件/秒", "events/s"},
    [L_NEWEST] = {"最新事件", "newest event"},
    [L_NO_EVENT] = {"无", "none"},
    [L_WAITING] = {"等待看板快照…", "waiting for the board snapshot…"},
    [L_EMPTY] = {"没有社区", "no communities"},
    [L_HELP_HINT] = {"?=帮助 q=退出", "?=help q=quit"},
    [L_GATES] = {"门槛", "Gates"},
    [L_COUNTERS] = {"工作量", "Counters"},
    [L_RECENT] = {"最近事件", "Recent events"},
    [L_RECENT_NOTE] = {"本看板启动以来最近20条; 更早的见日志 (hj watch / 日志)",
                       "the last 20 since this dashboard started; older ones are in the journal"},
    [L_NO_RECENT] = {"启动以来尚无事件", "no events since start"},
    [L_ELECTION] = {"选举", "Election"},
    [L_SEATS] = {"职数", "seats"},
    [L_STATE] = {"状态", "state"},
    [L_NO_ELECTION] = {"未安排", "not scheduled"},
    [L_SUBDISTRICT] = {"街道", "Subdistrict"},
    [L_OVERRIDE_BY] = {"豁免", "overridden"},
    [L_BACK_HINT] = {"Esc=返回 上下键=滚动 ?=帮助", "Esc=back, Up/Down scroll, ?=help"},
    [L_HELP_TITLE] = {"按键", "Keys"},
    [L_HELP_TEXT] = {"上 下 j k    选择社区\n"
                     "PgUp PgDn    翻页\n"
                     "Enter        社区详情 (门槛原因、工作量、最近事件)\n"
                     "Esc 左键     返回看板\n"
                     "c n r d      按编码 / 名称 / 红灯数 / 选举日排序 (再按一次倒序)\n"
                     "g            按指导组筛选 (循环; 全部 -> 各组 -> 未分组)\n"
                     "s            按街道筛选 (循环; 全部 -> 各街道)\n"
                     "L            中文 / English\n"
                     "t            选举日计票 (各候选人得票、投票率与有效线、预测结果)\n"
                     "b            返回看板\n"
                     "R            重新获取快照\n"
                     "?            显示 / 关闭本帮助\n"
                     "q            退出\n"
                     "\n"
                     "门槛: 审=审计公示 整=整顿销号 升=党组织升格 案=方案生效\n"
                     "      谈=谈话全覆盖 训=培训 候=候选人数 榜=选民榜公布\n"
                     "      + 达标(绿)  x 未达标(红)  ! 已豁免(黄)\n"
                     "谈话=谈话覆盖率 整改=未销号整改项 后备=在库后备人选 距选举=天数",
                     "Up Down j k  select a community\n"
                     "PgUp PgDn    page\n"
                     "Enter        community view (gate reasons, counters, recent events)\n"
                     "Esc Left     back to the board\n"
                     "c n r d      sort: code / name / red gates / election date (again: reverse)\n"
                     "g            filter by guidance group (cycles: all, each group, none)\n"
                     "s            filter by subdistrict (cycles: all, each subdistrict)\n"
                     "L            中文 / English\n"
                     "t            election day count (votes, turnout against quorum, projection)\n"
                     "b            back to the board\n"
                     "R            take a new snapshot\n"
                     "?            show / hide this help\n"
                     "q            quit\n"
                     "\n"
                     "Gates: Au audit published  Rc rectification closed  Up upgrade decided\n"
                     "       Pl plan in force  Tk talks cover all  Tr training  Cd candidates\n"
                     "       VL voter list published;  + green  x red  ! overridden (yellow)\n"
                     "Talks = talk coverage, Rect. = open rectification items,\n"
                     "Reserve = active reserve candidates, Days = days to election day"},
    [L_COUNT_TITLE] = {"选举日计票", "Election day count"},
    [L_COUNT_NOTE] =
        {"随选票录入实时更新; 计票中条形按已计选票比例推算; 结果以 hj election result 为准",
         "live as ballots are entered; while counting, bars project the counted share; "
         "hj election result is the record"},
    [L_NO_COUNTS] = {"尚无计票 (选举日开始计票后显示)", "no election is being counted yet"},
    [L_SEATS_TO_FILL] = {"应选", "seats"},
    [L_VALID] = {"有效", "valid"},
    [L_INVALID] = {"无效", "invalid"},
    [L_QUORUM_LINE] = {"有效线", "quorum"},
    [L_QUORUM_MET] = {"达到", "met"},
    [L_QUORUM_NOT_MET] = {"未达到", "not met"},
    [L_ELECTED_LINE] = {"当选线", "to be elected"},
    [L_MOST_VOTES] = {"得票多者当选", "most votes wins"},
    [L_PROJECTED] = {"预测结果 (计票中)", "projected result (counting)"},
    [L_RESULT] = {"结果", "result"},
    [L_CANDIDATE] = {"候选人", "candidate"},
    [L_VOTES] = {"得票", "votes"},
    [L_STANDS_FURTHER] = {"参加另行选举", "stands in the further round"},
    [L_NOT_FOUND] = {"该社区已不在看板上", "this community is no longer on the board"},
    [L_SNAPSHOT_FAILED] = {"快照未取到, 重试中", "no snapshot yet, retrying"},
};

const char *label(lang_t lang, label_t id)
{
    if ((int)id < 0 || id >= L_COUNT_ || !s_labels[id][lang])
        return "";
    return s_labels[id][lang];
}

int label_in_days(lang_t lang, char *out, size_t size, const char *days)
{
    return lang == LANG_ZH ? snprintf(out, size, "距选举%s天", days)
                           : snprintf(out, size, "in %s days", days);
}

int label_communities(lang_t lang, char *out, size_t size, unsigned communities, unsigned green)
{
    return lang == LANG_ZH ? snprintf(out, size, "%u个社区 %u个全绿", communities, green)
                           : snprintf(out, size, "%u, %u all green", communities, green);
}

int label_stale(lang_t lang, char *out, size_t size, const char *when)
{
    return lang == LANG_ZH ? snprintf(out, size, "画面停在 %s (已过期)", when)
                           : snprintf(out, size, "picture as of %s (stale)", when);
}

int label_ago(lang_t lang, char *out, size_t size, const char *age)
{
    return lang == LANG_ZH ? snprintf(out, size, "%s前", age) : snprintf(out, size, "%s ago", age);
}

int label_counts(lang_t lang, char *out, size_t size, size_t elections)
{
    return lang == LANG_ZH ? snprintf(out, size, "计票中 %zu 场 (t)", elections)
                           : snprintf(out, size, "%zu being counted (t)", elections);
}

int label_round(lang_t lang, char *out, size_t size, unsigned round)
{
    return lang == LANG_ZH ? snprintf(out, size, "第%u轮", round)
                           : snprintf(out, size, "round %u", round);
}

int label_counted(lang_t lang, char *out, size_t size, unsigned counted, unsigned returned)
{
    return lang == LANG_ZH ? snprintf(out, size, "已计 %u / %u 张", counted, returned)
                           : snprintf(out, size, "%u of %u ballots counted", counted, returned);
}

int label_vacant(lang_t lang, char *out, size_t size, unsigned vacant, const char *due)
{
    return lang == LANG_ZH ? snprintf(out, size, "  暂缺 %u (%s前补选)", vacant, due)
                           : snprintf(out, size, "  vacant %u (by-election by %s)", vacant, due);
}

int label_reduced(lang_t lang, char *out, size_t size, unsigned reduced)
{
    return lang == LANG_ZH ? snprintf(out, size, "  减少名额 %u", reduced)
                           : snprintf(out, size, "  seats reduced by %u", reduced);
}

static const char *const s_gates[][4] = {
    /* short zh, short en, full zh, full en */
    [HJ__TALLY__GATE_ID__AUDIT] = {"审", "Au", "审计公示", "audit published"},
    [HJ__TALLY__GATE_ID__RECTIFICATION] = {"整", "Rc", "整顿销号", "rectification closed"},
    [HJ__TALLY__GATE_ID__UPGRADE] = {"升", "Up", "党组织升格", "upgrade decided"},
    [HJ__TALLY__GATE_ID__PLAN] = {"案", "Pl", "方案生效", "plan in force"},
    [HJ__TALLY__GATE_ID__TALKS] = {"谈", "Tk", "谈话全覆盖", "talks cover all"},
    [HJ__TALLY__GATE_ID__TRAINING] = {"训", "Tr", "骨干培训", "training"},
    [HJ__TALLY__GATE_ID__CANDIDATES] = {"候", "Cd", "候选人数", "candidates"},
    [HJ__TALLY__GATE_ID__VOTER_LIST] = {"榜", "VL", "选民榜公布", "voter list published"},
};

const char *label_gate_short(lang_t lang, Hj__Tally__GateId id)
{
    if (id < HJ__TALLY__GATE_ID__AUDIT || id > HJ__TALLY__GATE_ID__VOTER_LIST)
        return "?";
    return s_gates[id][lang];
}

const char *label_gate(lang_t lang, Hj__Tally__GateId id)
{
    if (id < HJ__TALLY__GATE_ID__AUDIT || id > HJ__TALLY__GATE_ID__VOTER_LIST)
        return "?";
    return s_gates[id][2 + lang];
}

const char *label_gate_state(lang_t lang, Hj__Tally__GateState state)
{
    switch (state) {
    case HJ__TALLY__GATE_STATE__GREEN:
        return lang == LANG_ZH ? "达标" : "green";
    case HJ__TALLY__GATE_STATE__RED:
        return lang == LANG_ZH ? "未达标" : "red";
    case HJ__TALLY__GATE_STATE__OVERRIDDEN:
        return lang == LANG_ZH ? "已豁免" : "overridden";
    default:
        return "?";
    }
}

static const char *const s_words[][2] = {
    /* audit states (audit.proto) */
    {"planned", "已立项"},
    {"fieldwork", "审计中"},
    {"draft_report", "报告起草"},
    {"completed", "已完成"},
    {"published", "已公示"},
    /* plan states (registry.proto) */
    {"draft", "审批中"},
    {"returned", "已退回"},
    {"in_force", "已生效"},
    {"superseded", "已被取代"},
    /* election */
    {"party", "党组织"},
    {"residents", "居委会"},
    {"scheduled", "已安排"},
    {"open", "已开始"},
    /* election day: rounds, outcomes, a person's standing, boxes, modes */
    {"first", "首轮"},
    {"further", "另行选举"},
    {"revote", "重新投票"},
    {"complete", "选举完成"},
    {"void", "无效"},
    {"elected", "当选"},
    {"below threshold", "未达当选票数"},
    {"outranked", "名次在后"},
    {"tied", "票数相同"},
    {"main", "主票箱"},
    {"mobile", "流动票箱"},
    {"ordinary", "全体选民"},
    {"household", "户代表"},
    {"representative", "居民代表"},
    /* publicity kinds */
    {"slogan", "宣传标语"},
    {"policy_reading", "政策解读"},
    {"election_discipline", "换届纪律"},
    {"good_practice", "经验做法"},
};

const char *label_word(lang_t lang, const char *word)
{
    if (!word || !word[0])
        return lang == LANG_ZH ? "无" : "none";
    if (lang == LANG_EN)
        return word;
    for (size_t i = 0; i < sizeof s_words / sizeof s_words[0]; i++)
        if (strcmp(s_words[i][0], word) == 0)
            return s_words[i][1];
    return word;
}

const char *label_qty(lang_t lang, int qty)
{
    static const char *const words[][2] = {
        [TALLY_QTY_PRESENT] = {"到会", "present"},
        [TALLY_QTY_CAST] = {"投票", "cast"},
        [TALLY_QTY_RETURNED] = {"收回", "returned"},
        [TALLY_QTY_ISSUED] = {"发出", "issued"},
        [TALLY_QTY_ELECTORATE] = {"应到", "electorate"},
        [TALLY_QTY_VOTES] = {"得票", "votes"},
        [TALLY_QTY_MARKS] = {"选票标记", "marks"},
        [TALLY_QTY_CANDIDATES] = {"候选人", "candidates"},
        [TALLY_QTY_SEATS] = {"应选", "seats"},
    };
    if (qty < 0 || qty >= TALLY_QTY_COUNT)
        return "?";
    return words[qty][lang];
}

const char *label_electorate(lang_t lang, const char *body, const char *mode)
{
    if (strcmp(body, "party") == 0)
        return lang == LANG_ZH ? "应到会党员" : "who should attend";
    if (strcmp(mode, "household") == 0)
        return lang == LANG_ZH ? "登记户" : "registered households";
    if (strcmp(mode, "representative") == 0)
        return lang == LANG_ZH ? "居民代表" : "residents' representatives";
    return lang == LANG_ZH ? "登记选民" : "registered voters";
}

#define C(field) offsetof(Hj__Tally__Counters, field)
const label_counter_t label_counters[] = {
    {"宣传推送", "publicity pushes", C(publicity_pushes)},
    {"在职两委成员", "sitting members", C(members_sitting)},
    {"已分析研判", "members assessed", C(members_assessed)},
    {"摸底谈话", "survey talks", C(talks_survey)},
    {"换届前谈话", "preparation talks", C(talks_preparation)},
    {"其他谈话", "other talks", C(talks_other)},
    {"谈话已覆盖", "members talked to", C(talk_covered)},
    {"谈话外部对象", "outside parties talked to", C(outside_parties_talked_to)},
    {"未办结跟进", "open follow-ups", C(open_follow_ups)},
    {"后备在库", "reserve active", C(reserve_active)},
    {"后备联审通过", "reserve cleared", C(reserve_cleared)},
    {"后备已提名", "reserve nominated", C(reserve_nominated)},
    {"选委会应训", "training required", C(training_required)},
    {"选委会已训", "training done", C(training_done)},
    {"整改未销号", "rectification open", C(rectification_open)},
    {"审计未整改问题", "open audit findings", C(audit_open_findings)},
    {"其中严重", "serious open findings", C(audit_serious_open)},
    {"逾期任务", "overdue tasks", C(tasks_overdue)},
};
#undef C
const int label_counters_count = (int)(sizeof label_counters / sizeof label_counters[0]);
