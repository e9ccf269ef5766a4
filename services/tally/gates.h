/* The eight election gates (门槛) of a community, judged from its facts.
 *
 * Pure: no I/O, no allocation. board_db.c loads the facts from the
 * projection; the candidates gate takes its threshold from the body's
 * counting-rules profile (profile.h), never from a literal here. Each gate
 * is green or red with the reason in words, in English and in Chinese, e.g.
 *     "audit: fieldwork, 2 scope items not examined"
 *     "审计处于现场审计阶段，2个审计事项尚未审查"
 * Overrides are not a judgement: the caller marks a red gate overridden. */
#ifndef HJ_TALLY_GATES_H
#define HJ_TALLY_GATES_H

#include "profile.h"

#include <stddef.h>
#include <stdint.h>

#define TALLY_GATES 8         /* tally.proto GateId 1..8 */
#define TALLY_ELECTIONS_MAX 2 /* one per body: party, residents */
#define TALLY_REASON_MAX 200
#define TALLY_REASON_ZH_MAX 320 /* the same words take more bytes in UTF-8 */

typedef struct {
    char body[12]; /* party | residents */
    char date[11]; /* election day */
    uint32_t seats;
    uint32_t candidates; /* nominated reserve entries of that committee */
    const tally_profile_t *profile;
} tally_election_facts_t;

typedef struct {
    /* 1 audit: the community's latest audit (by audited period) */
    int audit_state; /* audit.proto State; 0 = none opened */
    char audit_term[32];
    char audit_published_on[11];
    uint32_t audit_not_examined; /* scope items still not started */
    /* 2 rectification */
    uint32_t rectification_open, rectification_in_progress;
    /* 3 upgrade */
    int upgrade_pending;
    char upgrade_to[24]; /* general_branch | committee */
    char upgrade_requested_on[11];
    /* 4 plan: the version in force, and the latest version */
    uint32_t plan_in_force_version;
    char plan_in_force_on[11];
    uint32_t plan_version; /* 0 = no community plan */
    char plan_state[16];
    uint32_t plan_steps_total, plan_steps_approved;
    char plan_next_step[64];
    char plan_returned_step[72];
    /* 5 talks */
    uint32_t members_sitting, talk_covered;
    /* 6 training */
    int committee_recorded;
    uint32_t training_required, training_done;
    /* 7 and 8: the elections judged (all of the community's, or the one being opened) */
    size_t n_elections;
    tally_election_facts_t elections[TALLY_ELECTIONS_MAX];
    /* 8: the day the community's voter list was published ("" = not yet);
     * each election's profile says how many days before election day. */
    char voter_list_published[11];
    /* 2 and 3 green: nothing recorded, or everything recorded is done */
    uint32_t rectification_closed, upgrades_decided;
} tally_facts_t;

typedef struct {
    int green;
    char reason[TALLY_REASON_MAX];
    char reason_zh[TALLY_REASON_ZH_MAX];
} tally_gate_t;

/* gates[i] is GateId i + 1. */
void tally_gates_judge(const tally_facts_t *facts, tally_gate_t gates[TALLY_GATES]);

/* Days from date a to date b (YYYY-MM-DD each), b - a; 0 when either is not a date. */
long tally_days_between(const char *a, const char *b);

/* "audit", "rectification", "upgrade", "plan", "talks", "training",
 * "candidates", "voter_list" for GateId 1..8; "" otherwise. */
const char *tally_gate_name(int id);
/* The GateId of a name (as above), or 0. */
int tally_gate_parse(const char *name);

#endif
