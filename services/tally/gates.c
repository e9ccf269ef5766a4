#include "gates.h"
#include "hj_envelope.h"
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const s_names[TALLY_GATES + 1] = {
    "",      "audit",    "rectification", "upgrade",    "plan",
    "talks", "training", "candidates",    "voter_list",
};

/* audit.proto State, lower case as `hj audit` prints them, and in Chinese. */
static const char *const s_audit_states[] = {
    "not opened", "planned", "fieldwork", "draft_report", "completed", "published",
};
static const char *const s_audit_states_zh[] = {
    "未开展", "计划", "现场审计", "审计报告征求意见", "已完成", "已公开",
};

const char *tally_gate_name(int id)
{
    return id >= 1 && id <= TALLY_GATES ? s_names[id] : "";
}

int tally_gate_parse(const char *name)
{
    for (int id = 1; name && id <= TALLY_GATES; id++)
        if (strcmp(name, s_names[id]) == 0)
            return id;
    return 0;
}

/* Appends to a reason; text that does not fit is cut (reasons are short). */
__attribute__((format(printf, 3, 0))) static void s_append(char *reason, size_t size,
                                                           const char *fmt, va_list ap)
{
    size_t len = strlen(reason);
    if (len < size)
        vsnprintf(reason + len, size - len, fmt, ap);
}

/* The reason in English ... */
static void s_say(tally_gate_t *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_say(tally_gate_t *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_append(g->reason, sizeof g->reason, fmt, ap);
    va_end(ap);
}

/* ... and in Chinese. */
static void s_zh(tally_gate_t *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_zh(tally_gate_t *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_append(g->reason_zh, sizeof g->reason_zh, fmt, ap);
    va_end(ap);
}

/* Words the facts carry (org types, plan states, bodies), in Chinese. */
static const char *s_word_zh(const char *word)
{
    static const char *const words[][2] = {
        {"branch", "党支部"},       {"general_branch", "党总支"}, {"committee", "党委"},
        {"draft", "起草"},          {"returned", "退回修改"},     {"in_force", "已实施"},
        {"superseded", "已被取代"}, {"party", "党组织委员会"},    {"residents", "居民委员会"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(word, words[i][0]) == 0)
            return words[i][1];
    return word;
}

static const char *s_plural(uint32_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void s_audit(const tally_facts_t *f, tally_gate_t *g)
{
    int state = f->audit_state >= 0 && f->audit_state <= 5 ? f->audit_state : 0;
    g->green = state == 5;
    if (state == 0) {
        s_say(g, "audit: no term audit opened");
        s_zh(g, "尚未开展任期审计");
    } else if (g->green) {
        s_say(g, "audit: term %s published on %s", f->audit_term, f->audit_published_on);
        s_zh(g, "%s任期审计已于%s公开", f->audit_term, f->audit_published_on);
    } else if (state == 4) {
        s_say(g, "audit: completed, not yet published");
        s_zh(g, "审计已完成，尚未公开");
    } else if (f->audit_not_examined) {
        s_say(g, "audit: %s, %u scope %s not examined", s_audit_states[state],
              f->audit_not_examined, s_plural(f->audit_not_examined, "item", "items"));
        s_zh(g, "审计处于%s阶段，%u个审计事项尚未审查", s_audit_states_zh[state],
             f->audit_not_examined);
    } else {
        s_say(g, "audit: %s, not yet completed", s_audit_states[state]);
        s_zh(g, "审计处于%s阶段，尚未完成", s_audit_states_zh[state]);
    }
}

static void s_rectification(const tally_facts_t *f, tally_gate_t *g)
{
    uint32_t open = f->rectification_open + f->rectification_in_progress;
    g->green = open == 0;
    if (g->green && !f->rectification_closed) {
        s_say(g, "rectification: no item recorded");
        s_zh(g, "无整顿事项");
    } else if (g->green) {
        s_say(g, "rectification: all %u %s closed", f->rectification_closed,
              s_plural(f->rectification_closed, "item", "items"));
        s_zh(g, "%u个整顿事项均已销号", f->rectification_closed);
    } else {
        s_say(g, "rectification: %u %s not closed (%u open, %u in progress)", open,
              s_plural(open, "item", "items"), f->rectification_open, f->rectification_in_progress);
        s_zh(g, "%u个整顿事项未整顿到位（待整顿%u个，整顿中%u个）", open, f->rectification_open,
             f->rectification_in_progress);
    }
}

static void s_upgrade(const tally_facts_t *f, tally_gate_t *g)
{
    g->green = !f->upgrade_pending;
    if (g->green && !f->upgrades_decided) {
        s_say(g, "upgrade: no request");
        s_zh(g, "无升格申请");
    } else if (g->green) {
        s_say(g, "upgrade: %u %s decided, none pending", f->upgrades_decided,
              s_plural(f->upgrades_decided, "request", "requests"));
        s_zh(g, "%u件升格申请均已审批", f->upgrades_decided);
    } else {
        s_say(g, "upgrade: request to %s pending since %s", f->upgrade_to, f->upgrade_requested_on);
        s_zh(g, "升格为%s的申请自%s起待审批", s_word_zh(f->upgrade_to), f->upgrade_requested_on);
    }
}

static void s_plan(const tally_facts_t *f, tally_gate_t *g)
{
    g->green = f->plan_in_force_version > 0;
    if (g->green) {
        s_say(g, "plan: v%u in force since %s", f->plan_in_force_version, f->plan_in_force_on);
        s_zh(g, "方案第%u版自%s起实施", f->plan_in_force_version, f->plan_in_force_on);
        if (f->plan_version > f->plan_in_force_version) {
            s_say(g, " (v%u %s)", f->plan_version, f->plan_state);
            s_zh(g, "（第%u版%s）", f->plan_version, s_word_zh(f->plan_state));
        }
    } else if (f->plan_version == 0) {
        s_say(g, "plan: no community plan");
        s_zh(g, "尚无社区选举方案");
    } else if (strcmp(f->plan_state, "returned") == 0) {
        s_say(g, "plan: v%u returned at step %s", f->plan_version, f->plan_returned_step);
        s_zh(g, "方案第%u版在第%s步被退回", f->plan_version, f->plan_returned_step);
    } else {
        s_say(g, "plan: v%u %s, %u of %u approval steps done (next: %s)", f->plan_version,
              f->plan_state, f->plan_steps_approved, f->plan_steps_total, f->plan_next_step);
        s_zh(g, "方案第%u版%s，已完成%u/%u个审定环节（下一环节：%s）", f->plan_version,
             s_word_zh(f->plan_state), f->plan_steps_approved, f->plan_steps_total,
             f->plan_next_step);
    }
}

static void s_talks(const tally_facts_t *f, tally_gate_t *g)
{
    g->green = f->members_sitting > 0 && f->talk_covered >= f->members_sitting;
    if (f->members_sitting == 0) {
        s_say(g, "talks: no sitting members on the roster");
        s_zh(g, "花名册上没有在任两委成员");
    } else {
        s_say(g, "talks: %u of %u sitting members talked to in the preparation phase",
              f->talk_covered, f->members_sitting);
        s_zh(g, "准备阶段已与%u/%u名在任两委成员谈心谈话", f->talk_covered, f->members_sitting);
    }
}

static void s_training(const tally_facts_t *f, tally_gate_t *g)
{
    g->green = f->committee_recorded && f->training_done >= f->training_required;
    if (!f->committee_recorded) {
        s_say(g, "training: no election committee recorded");
        s_zh(g, "尚未成立选举委员会");
    } else {
        s_say(g, "training: %u of %u election-committee members trained", f->training_done,
              f->training_required);
        s_zh(g, "选举委员会成员已培训%u/%u人", f->training_done, f->training_required);
    }
}

static void s_candidates(const tally_facts_t *f, tally_gate_t *g)
{
    g->green = f->n_elections > 0;
    if (f->n_elections == 0) {
        s_say(g, "candidates: no election scheduled (seats unknown)");
        s_zh(g, "尚未安排选举（职数未定）");
        return;
    }
    s_say(g, "candidates:");
    for (size_t i = 0; i < f->n_elections && i < TALLY_ELECTIONS_MAX; i++) {
        const tally_election_facts_t *e = &f->elections[i];
        tally_check_t check;
        int lawful =
            e->profile && tally_rules_check_candidates(e->profile, e->seats, e->candidates, &check);
        g->green &= lawful;
        if (!e->profile) {
            s_say(g, "%s %s no counting-rules profile", i ? ";" : "", e->body);
            s_zh(g, "%s%s无计票规则", i ? "；" : "", s_word_zh(e->body));
        } else {
            s_say(g, "%s %s %u for %u %s, %s %u", i ? ";" : "", e->body, e->candidates, e->seats,
                  s_plural(e->seats, "seat", "seats"), lawful ? "at least" : "needs at least",
                  check.required);
            s_zh(g, "%s%s候选人%u名、职数%u名，%s%u名", i ? "；" : "", s_word_zh(e->body),
                 e->candidates, e->seats, lawful ? "不少于" : "至少需要", check.required);
        }
    }
}

/* Days since 1970-01-01 of a date YYYY-MM-DD; 0 when it is none. */
static long s_days(const char *date)
{
    int y, m, d;
    if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    return hj_date_days(y, m, d);
}

long tally_days_between(const char *a, const char *b)
{
    long da = s_days(a), db = s_days(b);
    return da && db ? db - da : 0;
}

static void s_voter_list(const tally_facts_t *f, tally_gate_t *g)
{
    if (!f->voter_list_published[0]) {
        s_say(g, "voter list: not yet published");
        s_zh(g, "选民名单尚未公布");
        return;
    }
    s_say(g, "voter list: published %s", f->voter_list_published);
    s_zh(g, "选民名单于%s公布", f->voter_list_published);
    if (f->n_elections == 0) {
        s_say(g, "; no election day to measure it against");
        s_zh(g, "；尚无选举日可比");
        return;
    }
    g->green = 1;
    for (size_t i = 0; i < f->n_elections && i < TALLY_ELECTIONS_MAX; i++) {
        const tally_election_facts_t *e = &f->elections[i];
        uint32_t need = e->profile ? e->profile->voter_list_days : 0;
        long days = tally_days_between(f->voter_list_published, e->date);
        int ok = days >= (long)need;
        g->green &= ok;
        s_say(g, "%s %ld %s before the %s election on %s (%s %u)", i ? ";" : ",", days,
              days == 1 || days == -1 ? "day" : "days", e->body, e->date,
              ok ? "at least" : "needs at least", need);
        s_zh(g, "%s距%s%s选举%ld天（%s%u天）", i ? "；" : "，", e->date, s_word_zh(e->body), days,
             ok ? "不少于" : "至少需要", need);
    }
}

void tally_gates_judge(const tally_facts_t *facts, tally_gate_t gates[TALLY_GATES])
{
    static void (*const judge[TALLY_GATES])(const tally_facts_t *, tally_gate_t *) = {
        s_audit, s_rectification, s_upgrade,    s_plan,
        s_talks, s_training,      s_candidates, s_voter_list,
    };
    for (int i = 0; i < TALLY_GATES; i++) {
        memset(&gates[i], 0, sizeof gates[i]);
        judge[i](facts, &gates[i]);
    }
}
