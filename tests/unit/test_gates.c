/* The gate judgement (services/tally/gates.c): each gate's rule and the
 * reason an official reads. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gates.h"
#include "rules.h"

static tally_profile_t party, residents;
static tally_facts_t f;
static tally_gate_t g[TALLY_GATES];

static void setup(void)
{
    tally_profile_error_t err;
    cr_assert(tally_profile_load_builtin("party-2020", &party, &err), "%s", err.message);
    cr_assert(tally_profile_load_builtin("residents-2025", &residents, &err), "%s", err.message);
    memset(&f, 0, sizeof f);
}

TestSuite(gates, .init = setup);

static void s_election(const char *body, uint32_t seats, uint32_t candidates)
{
    tally_election_facts_t *e = &f.elections[f.n_elections++];
    snprintf(e->body, sizeof e->body, "%s", body);
    snprintf(e->date, sizeof e->date, "2027-01-20");
    e->seats = seats;
    e->candidates = candidates;
    e->profile = strcmp(body, "party") == 0 ? &party : &residents;
}

Test(gates, a_community_with_nothing_recorded)
{
    tally_gates_judge(&f, g);
    const char *want[TALLY_GATES] = {
        "audit: no term audit opened",
        "rectification: no item recorded",
        "upgrade: no request",
        "plan: no community plan",
        "talks: no sitting members on the roster",
        "training: no election committee recorded",
        "candidates: no election scheduled (seats unknown)",
        "voter list: not yet published",
    };
    const char *want_zh[TALLY_GATES] = {
        "尚未开展任期审计",
        "无整顿事项",
        "无升格申请",
        "尚无社区选举方案",
        "花名册上没有在任两委成员",
        "尚未成立选举委员会",
        "尚未安排选举（职数未定）",
        "选民名单尚未公布",
    };
    int green[TALLY_GATES] = {0, 1, 1, 0, 0, 0, 0, 0};
    for (int i = 0; i < TALLY_GATES; i++) {
        cr_expect_str_eq(g[i].reason, want[i]);
        cr_expect_str_eq(g[i].reason_zh, want_zh[i]);
        cr_expect_eq(g[i].green, green[i], "gate %s", tally_gate_name(i + 1));
    }
}

Test(gates, audit_green_only_when_published)
{
    snprintf(f.audit_term, sizeof f.audit_term, "2021-2026");
    f.audit_state = 2;
    f.audit_not_examined = 2;
    tally_gates_judge(&f, g);
    cr_assert_str_eq(g[0].reason, "audit: fieldwork, 2 scope items not examined");
    cr_assert_str_eq(g[0].reason_zh, "审计处于现场审计阶段，2个审计事项尚未审查");
    f.audit_not_examined = 1;
    tally_gates_judge(&f, g);
    cr_assert_str_eq(g[0].reason, "audit: fieldwork, 1 scope item not examined");
    f.audit_not_examined = 0;
    f.audit_state = 3;
    tally_gates_judge(&f, g);
    cr_assert_str_eq(g[0].reason, "audit: draft_report, not yet completed");
    f.audit_state = 4;
    tally_gates_judge(&f, g);
    cr_assert(!g[0].green);
    cr_assert_str_eq(g[0].reason, "audit: completed, not yet published");
    f.audit_state = 5;
    snprintf(f.audit_published_on, sizeof f.audit_published_on, "2026-10-08");
    tally_gates_judge(&f, g);
    cr_assert(g[0].green);
    cr_assert_str_eq(g[0].reason, "audit: term 2021-2026 published on 2026-10-08");
    cr_assert_str_eq(g[0].reason_zh, "2021-2026任期审计已于2026-10-08公开");
}

Test(gates, rectification_upgrade_plan)
{
    f.rectification_open = 1;
    f.rectification_in_progress = 1;
    f.upgrade_pending = 1;
    snprintf(f.upgrade_to, sizeof f.upgrade_to, "general_branch");
    snprintf(f.upgrade_requested_on, sizeof f.upgrade_requested_on, "2026-03-01");
    f.plan_version = 1;
    snprintf(f.plan_state, sizeof f.plan_state, "draft");
    f.plan_steps_total = 3;
    f.plan_steps_approved = 1;
    snprintf(f.plan_next_step, sizeof f.plan_next_step, "区换届办公室");
    tally_gates_judge(&f, g);
    cr_assert(!g[1].green && !g[2].green && !g[3].green);
    cr_assert_str_eq(g[1].reason, "rectification: 2 items not closed (1 open, 1 in progress)");
    cr_assert_str_eq(g[2].reason, "upgrade: request to general_branch pending since 2026-03-01");
    cr_assert_str_eq(g[3].reason,
                     "plan: v1 draft, 1 of 3 approval steps done (next: 区换届办公室)");
    cr_assert_str_eq(g[1].reason_zh, "2个整顿事项未整顿到位（待整顿1个，整顿中1个）");
    cr_assert_str_eq(g[2].reason_zh, "升格为党总支的申请自2026-03-01起待审批");
    cr_assert_str_eq(g[3].reason_zh,
                     "方案第1版起草，已完成1/3个审定环节（下一环节：区换届办公室）");
    snprintf(f.plan_state, sizeof f.plan_state, "returned");
    snprintf(f.plan_returned_step, sizeof f.plan_returned_step, "2 (区换届办公室)");
    tally_gates_judge(&f, g);
    cr_assert_str_eq(g[3].reason, "plan: v1 returned at step 2 (区换届办公室)");
    /* A revision under way does not take the version in force away. */
    f.plan_in_force_version = 1;
    snprintf(f.plan_in_force_on, sizeof f.plan_in_force_on, "2026-04-01");
    f.plan_version = 2;
    snprintf(f.plan_state, sizeof f.plan_state, "draft");
    tally_gates_judge(&f, g);
    cr_assert(g[3].green);
    cr_assert_str_eq(g[3].reason, "plan: v1 in force since 2026-04-01 (v2 draft)");
}

Test(gates, talks_and_training_need_everyone)
{
    f.members_sitting = 5;
    f.talk_covered = 4;
    f.committee_recorded = 1;
    f.training_required = 3;
    f.training_done = 3;
    tally_gates_judge(&f, g);
    cr_assert(!g[4].green);
    cr_assert_str_eq(g[4].reason,
                     "talks: 4 of 5 sitting members talked to in the preparation phase");
    cr_assert_str_eq(g[4].reason_zh, "准备阶段已与4/5名在任两委成员谈心谈话");
    cr_assert(g[5].green);
    cr_assert_str_eq(g[5].reason, "training: 3 of 3 election-committee members trained");
    f.talk_covered = 5;
    tally_gates_judge(&f, g);
    cr_assert(g[4].green);
}

Test(gates, candidates_follow_each_bodys_profile)
{
    /* Party: seats x 1.2 rounded up -- 5 seats need 6, 7 seats need 9. */
    s_election("party", 5, 5);
    tally_gates_judge(&f, g);
    cr_assert(!g[6].green);
    cr_assert_str_eq(g[6].reason, "candidates: party 5 for 5 seats, needs at least 6");
    f.elections[0].candidates = 6;
    tally_gates_judge(&f, g);
    cr_assert(g[6].green, "%s", g[6].reason);
    f.elections[0].seats = 7;
    f.elections[0].candidates = 8;
    tally_gates_judge(&f, g);
    cr_assert(!g[6].green, "7 seats need 9: %s", g[6].reason);
    /* Residents: more than seats; both elections must pass. */
    f.elections[0].candidates = 9;
    s_election("residents", 7, 7);
    tally_gates_judge(&f, g);
    cr_assert(!g[6].green);
    cr_assert_str_eq(g[6].reason,
                     "candidates: party 9 for 7 seats, at least 9; residents 7 for 7 seats, "
                     "needs at least 8");
    cr_assert_str_eq(g[6].reason_zh,
                     "党组织委员会候选人9名、职数7名，不少于9名；居民委员会候选人7名、职数7名，"
                     "至少需要8名");
    f.elections[1].candidates = 8;
    tally_gates_judge(&f, g);
    cr_assert(g[6].green, "%s", g[6].reason);
}

Test(gates, names_round_trip)
{
    for (int id = 1; id <= TALLY_GATES; id++)
        cr_assert_eq(tally_gate_parse(tally_gate_name(id)), id);
    cr_assert_eq(tally_gate_parse("audits"), 0);
    cr_assert_str_eq(tally_gate_name(0), "");
    cr_assert_str_eq(tally_gate_name(9), "");
}

Test(gates, voter_list_published_days_before_each_election_day)
{
    s_election("party", 5, 6);
    s_election("residents", 7, 8);
    snprintf(f.elections[1].date, sizeof f.elections[1].date, "2027-02-10");
    tally_gates_judge(&f, g);
    cr_assert(!g[7].green);
    cr_assert_str_eq(g[7].reason, "voter list: not yet published");
    snprintf(f.voter_list_published, sizeof f.voter_list_published, "2027-01-01");
    tally_gates_judge(&f, g);
    cr_assert(!g[7].green, "%s", g[7].reason);
    cr_assert_str_eq(g[7].reason,
                     "voter list: published 2027-01-01, 19 days before the party election on "
                     "2027-01-20 (needs at least 20); 40 days before the residents election "
                     "on 2027-02-10 (at least 20)");
    cr_assert_str_eq(g[7].reason_zh,
                     "选民名单于2027-01-01公布，距2027-01-20党组织委员会选举19天（至少需要20天）；"
                     "距2027-02-10居民委员会选举40天（不少于20天）");
    snprintf(f.voter_list_published, sizeof f.voter_list_published, "2026-12-31");
    tally_gates_judge(&f, g);
    cr_assert(g[7].green, "%s", g[7].reason);
    f.n_elections = 0;
    tally_gates_judge(&f, g);
    cr_assert(!g[7].green);
    cr_assert_str_eq(g[7].reason,
                     "voter list: published 2026-12-31; no election day to measure it against");
}

Test(gates, days_between_calendar_dates)
{
    cr_assert_eq(tally_days_between("2026-12-31", "2027-01-20"), 20);
    cr_assert_eq(tally_days_between("2024-02-28", "2024-03-01"), 2, "a leap year");
    cr_assert_eq(tally_days_between("2025-02-28", "2025-03-01"), 1);
    cr_assert_eq(tally_days_between("2027-01-20", "2026-12-31"), -20);
    cr_assert_eq(tally_days_between("", "2026-12-31"), 0);
}

Test(gates, profiles_carry_the_voter_roll_days)
{
    cr_assert_eq(party.voter_list_days, 20);
    cr_assert_eq(residents.voter_list_days, 20);
    cr_assert_eq(residents.objection_file_days, 5);
    cr_assert_eq(residents.objection_decide_days, 3);
    cr_assert_eq(party.objection_file_days, 0, "not given: no such rule");
    tally_profile_t p;
    tally_profile_error_t err;
    const char *text = tally_profile_builtin("residents-2025");
    char *bad = malloc(strlen(text) + 64);
    sprintf(bad, "%s\nobjections.file_days = soon\n", text);
    cr_assert(!tally_profile_parse(bad, strlen(bad), &p, &err));
    cr_assert(strstr(err.message, "given twice") ||
                  strstr(err.message, "expected a number of days"),
              "%s", err.message);
    free(bad);
}

/* ---- the counting rules as the daemon calls them (rules.c) ------------------------- */

static tally_round_t s_round(uint32_t seats, uint32_t candidates, uint32_t returned)
{
    tally_round_t r = {.mode = TALLY_MODE_ORDINARY,
                       .kind = TALLY_ROUND_FIRST,
                       .seats = seats,
                       .seats_to_fill = seats,
                       .n_candidates = candidates,
                       .electorate = 100,
                       .present = 90,
                       .issued = returned,
                       .returned = returned};
    return r;
}

Test(gates, a_ballot_is_checked_for_data_entry)
{
    tally_round_t r = s_round(2, 3, 10);
    uint8_t marks[3] = {1, 1, 0}, too_many[3] = {1, 1, 1}, bad[3] = {1, 7, 0};
    uint16_t persons[8];
    uint32_t np = 0;
    char why[200];
    tally_ballot_verdict_t v;
    cr_assert_eq(
        tally_rules_check_ballot(&residents, &r, marks, NULL, 0, &v, persons, &np, why, sizeof why),
        0);
    cr_assert_eq(v, TALLY_BALLOT_VALID);
    cr_assert_eq(tally_rules_check_ballot(&residents, &r, too_many, NULL, 0, &v, persons, &np, why,
                                          sizeof why),
                 0);
    cr_assert_eq(v, TALLY_BALLOT_TOO_MANY);
    cr_assert(strstr(why, "3 votes (3 yes, 0 written in) is more than 2 seat(s)"), "%s", why);
    cr_assert_eq(
        tally_rules_check_ballot(&residents, &r, bad, NULL, 0, &v, persons, &np, why, sizeof why),
        -1);
    /* The same name written in twice is one vote. */
    r.n_writein_persons = 1;
    uint8_t one[3] = {1, 0, 0};
    tally_writein_t w[2] = {{0, 0, -1}, {0, 0, -1}};
    cr_assert_eq(
        tally_rules_check_ballot(&residents, &r, one, w, 2, &v, persons, &np, why, sizeof why), 0,
        "%s", why);
    cr_assert_eq(v, TALLY_BALLOT_VALID, "%s", why);
    cr_assert_eq(np, 1);
    cr_assert_eq(persons[0], 0);
}

Test(gates, a_round_counts_from_box_totals)
{
    tally_round_t r = s_round(2, 3, 10);
    r.electorate = 15; /* 10 cast of 15 registered voters: a valid election */
    uint32_t votes[3] = {8, 6, 3};
    tally_box_t box = {9, 1, votes};
    tally_result_t *c = malloc(sizeof *c);
    cr_assert_eq(tally_rules_count_boxes(&residents, &r, &box, 1, c), 0, "%s", c->status.message);
    cr_assert_eq(c->outcome, TALLY_OUTCOME_COMPLETE);
    cr_assert_eq(c->n_elected, 2);
    cr_assert(c->person[0].status == TALLY_PERSON_ELECTED &&
              c->person[1].status == TALLY_PERSON_ELECTED &&
              c->person[2].status != TALLY_PERSON_ELECTED);
    cr_assert_str_eq(tally_rules_person_status_name(c->person[2].status), "below threshold");
    cr_assert_str_eq(tally_rules_outcome_name(c->outcome), "complete");
    /* Boxes that do not hold the ballots returned do not count. */
    r.returned = 11;
    cr_assert_eq(tally_rules_count_boxes(&residents, &r, &box, 1, c), -1);
    cr_assert(strstr(c->status.message, "boxes hold 10 ballots"), "%s", c->status.message);
    free(c);
}

Test(gates, lists_and_proxies_follow_the_profile)
{
    tally_check_t check;
    cr_assert(!tally_rules_check_candidates(&party, 5, 5, &check));
    cr_assert_eq(check.required, 6);
    cr_assert(tally_rules_check_candidates(&residents, 5, 6, &check));
    cr_assert(tally_rules_check_proxies(&residents, TALLY_MODE_ORDINARY, 3, &check));
    cr_assert(!tally_rules_check_proxies(&residents, TALLY_MODE_ORDINARY, 4, &check));
    cr_assert(!tally_rules_check_proxies(&residents, TALLY_MODE_REPRESENTATIVE, 1, &check),
              "none in representative mode");
    cr_assert(!tally_rules_check_proxies(&party, TALLY_MODE_ORDINARY, 1, &check));
    cr_assert_eq(tally_profile_rule_min(&party.ballot_invalid, 5), 6);
    cr_assert_eq(tally_profile_mode_parse("household"), 1);
    cr_assert_eq(tally_profile_mode_parse("village"), -1);
}

/* Green either way, but an official must tell "nothing recorded" from "all done". */
Test(gates, rectification_and_upgrade_say_whether_anything_was_recorded)
{
    f.rectification_closed = 3;
    f.upgrades_decided = 1;
    tally_gates_judge(&f, g);
    cr_assert(g[1].green && g[2].green);
    cr_assert_str_eq(g[1].reason, "rectification: all 3 items closed");
    cr_assert_str_eq(g[1].reason_zh, "3个整顿事项均已销号");
    cr_assert_str_eq(g[2].reason, "upgrade: 1 request decided, none pending");
    cr_assert_str_eq(g[2].reason_zh, "1件升格申请均已审批");
    f.rectification_in_progress = 1;
    tally_gates_judge(&f, g);
    cr_assert(!g[1].green);
    cr_assert_str_eq(g[1].reason_zh, "1个整顿事项未整顿到位（待整顿0个，整顿中1个）");
}
