#ifndef HJ_TOP_LABELS_H
#define HJ_TOP_LABELS_H
/* What the ops room reads: Chinese by default, English with --lang en
 * (DESIGN.md §5). Every word on screen comes from here. */
#include "tally.pb-c.h"

typedef enum { LANG_ZH = 0, LANG_EN = 1 } lang_t;

typedef enum {
    L_TITLE,
    L_CODE,
    L_NAME,
    L_GROUP,
    L_TALKS,
    L_AUDIT,
    L_RECTIFICATION,
    L_RESERVE,
    L_DAYS,
    L_ELECTION_DATE,
    L_DISTRICT,
    L_SORT,
    L_SORT_CODE,
    L_SORT_NAME,
    L_SORT_RED,
    L_SORT_DATE,
    L_FILTER,
    L_SUBDISTRICT_FILTER,
    L_FILTER_ALL,
    L_FILTER_NONE,
    L_CONNECTED,
    L_CONNECTING,
    L_RECONNECTING,
    L_SYNCING,
    L_TALLY_DOWN,
    L_SEQ,
    L_RATE,
    L_NEWEST,
    L_NO_EVENT,
    L_WAITING,
    L_EMPTY,
    L_HELP_HINT,
    L_GATES,
    L_COUNTERS,
    L_RECENT,
    L_RECENT_NOTE,
    L_NO_RECENT,
    L_ELECTION,
    L_SEATS,
    L_STATE,
    L_NO_ELECTION,
    L_SUBDISTRICT,
    L_OVERRIDE_BY,
    L_BACK_HINT,
    L_HELP_TITLE,
    L_HELP_TEXT,
    L_NOT_FOUND,
    L_SNAPSHOT_FAILED,
    L_COUNT_TITLE,
    L_COUNT_NOTE,
    L_NO_COUNTS,
    L_SEATS_TO_FILL,
    L_VALID,
    L_INVALID,
    L_QUORUM_LINE,
    L_QUORUM_MET,
    L_QUORUM_NOT_MET,
    L_ELECTED_LINE,
    L_MOST_VOTES,
    L_PROJECTED,
    L_RESULT,
    L_CANDIDATE,
    L_VOTES,
    L_STANDS_FURTHER,
    L_COUNT_
} label_t;

const char *label(lang_t lang, label_t id);

/* The labels that carry a value, one function each so that every format is
 * a literal the compiler checks against its arguments (-Wformat=2). Each
 * writes into out like snprintf and returns what snprintf returns. */
int label_in_days(lang_t lang, char *out, size_t size, const char *days); /* 距选举%s天 */
int label_communities(lang_t lang, char *out, size_t size, unsigned communities,
                      unsigned green); /* %u个社区 %u个全绿 */
int label_stale(lang_t lang, char *out, size_t size, const char *when); /* 画面停在 %s (已过期) */
int label_ago(lang_t lang, char *out, size_t size, const char *age);     /* %s前 */
int label_counts(lang_t lang, char *out, size_t size, size_t elections); /* 计票中 %zu 场 (t) */
int label_round(lang_t lang, char *out, size_t size, unsigned round);    /* 第%u轮 */
int label_counted(lang_t lang, char *out, size_t size, unsigned counted,
                  unsigned returned); /* 已计 %u / %u 张 */
int label_vacant(lang_t lang, char *out, size_t size, unsigned vacant,
                 const char *due); /* 暂缺 %u (%s前补选) */
int label_reduced(lang_t lang, char *out, size_t size, unsigned reduced); /* 减少名额 %u */

/* The gate's one-character name in the board's header (审 整 升 …) and its
 * full name (审计公示 …). */
const char *label_gate_short(lang_t lang, Hj__Tally__GateId id);
const char *label_gate(lang_t lang, Hj__Tally__GateId id);
/* The word for a gate state (达标 / 未达标 / 已豁免). */
const char *label_gate_state(lang_t lang, Hj__Tally__GateState state);
/* A categorical word from the board (audit and plan states, election body
 * and state, publicity kinds): its Chinese in zh, the word itself in en; an
 * unknown word is shown as it is. "" reads as "none". */
const char *label_word(lang_t lang, const char *word);

/* What a rule's quantity is called (到会, 投票 ...). */
const char *label_qty(lang_t lang, int qty);
/* Who makes up the electorate of a body in a mode (应到会党员, 登记选民 ...). */
const char *label_electorate(lang_t lang, const char *body, const char *mode);

/* Counters shown in the community view, in order: the label and how to read
 * the value from Counters. */
typedef struct {
    const char *zh;
    const char *en;
    size_t offset; /* of a uint32_t in Hj__Tally__Counters */
} label_counter_t;
extern const label_counter_t label_counters[];
extern const int label_counters_count;

#endif
