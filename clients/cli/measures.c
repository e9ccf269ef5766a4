/* The measures without a gate, read from a community's board. */
#include "measures.h"

#include <stdio.h>
#include <string.h>

void board_measures(const Hj__Tally__CommunityBoard *b, int en, board_measure_t out[BOARD_MEASURES])
{
    static const char *const names[BOARD_MEASURES][2] = {
        {"宣传动员", "publicity"},
        {"调研摸底", "survey"},
        {"后备人选台账", "reserve ledger"},
        {"健全机构", "working bodies"},
    };
    const Hj__Tally__Counters *k = b->counters;
    Hj__Tally__Counters none = HJ__TALLY__COUNTERS__INIT;
    if (!k)
        k = &none;
    memset(out, 0, sizeof(board_measure_t) * BOARD_MEASURES);
    out[0].recorded = k->publicity_pushes > 0;
    snprintf(out[0].detail, sizeof out[0].detail, en ? "%u pushes" : "推送%u次",
             k->publicity_pushes);
    out[1].recorded = k->members_assessed > 0;
    snprintf(out[1].detail, sizeof out[1].detail,
             en ? "%u of %u sitting members assessed" : "已分析研判在任两委成员%u/%u人",
             k->members_assessed, k->members_sitting);
    out[2].recorded = k->reserve_entries > 0;
    snprintf(out[2].detail, sizeof out[2].detail,
             en ? "%u entries: %u active, %u nominated" : "%u条：在库%u人，已提名%u人",
             k->reserve_entries, k->reserve_active, k->reserve_nominated);
    out[3].recorded = b->guidance_group[0] || k->election_committee;
    snprintf(out[3].detail, sizeof out[3].detail,
             en ? "guidance group: %s; election committee: %s" : "指导组：%s；选举委员会：%s",
             b->guidance_group[0] ? b->guidance_group : (en ? "none" : "无"),
             k->election_committee ? (en ? "formed" : "已成立") : (en ? "not formed" : "未成立"));
    for (int i = 0; i < BOARD_MEASURES; i++) {
        out[i].name = names[i][en ? 1 : 0];
        out[i].state =
            out[i].recorded ? (en ? "recorded" : "已记录") : (en ? "not started" : "未开始");
    }
}
