/* Huanjie — counting-rules profiles.
 *
 * A profile is the law of one kind of body (party organisation, residents'
 * committee, ...) written as data: every threshold is an integer fraction and
 * a comparison, never a literal in the counting code. A province whose rules
 * differ gets a new profile file, not a patch.
 *
 * Profile text is `key = value` lines; `#` starts a comment. A rule reads like
 * the law it encodes:
 *
 *     quorum.ordinary = present > 4/5 of electorate
 *     elected         = votes > 1/2 of present
 *     further.elected = votes >= 1/3 of cast
 *     candidates      = candidates >= 6/5 of seats
 *     ballots.void_if = returned > issued        # "of" part omitted = 1/1
 *     revote.elected  = none                     # most votes wins
 *
 * The parser is pure: it reads a caller-supplied buffer and fills a struct;
 * no I/O, no allocation. See profiles/<name>.profile for the shipped profiles.
 */
#ifndef HJ_TALLY_PROFILE_H
#define HJ_TALLY_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest numerator/denominator the parser accepts; keeps every product of a
 * 32-bit count and a fraction part inside 64 bits. */
#define HJ_FRACTION_MAX 1000000u

/* Quantities a rule compares. */
typedef enum {
    HJ_QTY_PRESENT = 0, /* voters present at the meeting (到会) */
    HJ_QTY_CAST,        /* ballots cast = ballots returned, valid or invalid */
    HJ_QTY_RETURNED,    /* ballots returned (same number as cast) */
    HJ_QTY_ISSUED,      /* ballots issued (发出) */
    HJ_QTY_ELECTORATE,  /* who should attend / registered voters / households / representatives */
    HJ_QTY_VOTES,       /* votes for one person */
    HJ_QTY_MARKS,       /* votes marked on one ballot (yes marks + write-ins) */
    HJ_QTY_CANDIDATES,  /* candidates on the list */
    HJ_QTY_SEATS,       /* seats to fill */
    HJ_QTY_COUNT
} hj_qty_t;

typedef enum {
    HJ_CMP_NONE = 0, /* no threshold: the rule always holds */
    HJ_CMP_GT,       /* lhs > num/den of base, i.e. lhs*den >  base*num */
    HJ_CMP_GE        /* lhs >= num/den of base, i.e. lhs*den >= base*num */
} hj_cmp_t;

/* "lhs cmp num/den of base". Evaluated on integers only (64-bit products). */
typedef struct {
    hj_qty_t lhs;
    hj_cmp_t cmp;
    uint32_t num;
    uint32_t den;
    hj_qty_t base;
} hj_rule_t;

typedef enum {
    HJ_MODE_ORDINARY = 0,   /* every voter (party: who should attend; residents: registered voters) */
    HJ_MODE_HOUSEHOLD,      /* one vote per household (每户派代表) */
    HJ_MODE_REPRESENTATIVE, /* residents' representatives (居民代表) */
    HJ_MODE_COUNT
} hj_mode_t;

typedef enum { HJ_BODY_PARTY = 0, HJ_BODY_RESIDENTS } hj_body_t;

typedef enum {
    HJ_WRITEINS_FORBIDDEN = 0, /* any write-in makes the ballot invalid */
    HJ_WRITEINS_ALLOWED,       /* a write-in is a vote for that person */
    HJ_WRITEINS_BESIDE_NO      /* a write-in is valid only beside a "no" on a candidate;
                                  otherwise the whole ballot is invalid */
} hj_writeins_t;

/* When seats still empty after a counted round may be closed: as vacant
 * (暂缺, filled later by a by-election) or by reducing the seats (减少名额). */
typedef enum {
    HJ_CLOSE_NEVER = 0,   /* the profile does not allow it */
    HJ_CLOSE_AFTER_ANY,   /* after any counted round that leaves seats empty */
    HJ_CLOSE_AFTER_FURTHER /* only after a further round (另行选举) has left them empty */
} hj_close_after_t;

/* Who stands in a further round (另行选举) for the empty seats. */
typedef enum {
    HJ_STANDING_NEW_LIST = 0, /* a new candidate list is drawn up (and must pass the list check) */
    HJ_STANDING_TOP           /* the top unelected by votes: per_seat x empty seats + extra,
                                 plus everyone tied with the last such place */
} hj_standing_kind_t;

typedef struct {
    hj_standing_kind_t kind;
    uint32_t per_seat;
    uint32_t extra;
} hj_standing_t;

typedef struct {
    char name[32];
    char title[160];
    hj_body_t body;
    bool mode_allowed[HJ_MODE_COUNT];
    hj_rule_t quorum[HJ_MODE_COUNT];             /* valid meeting / turnout */
    char electorate_label[HJ_MODE_COUNT][48];    /* "who should attend", "registered voters" */
    uint32_t proxies_max[HJ_MODE_COUNT];         /* proxy ballots one voter may hold */
    hj_rule_t ballots_void;                      /* round void when it holds (returned > issued) */
    hj_rule_t ballot_invalid;                    /* one ballot invalid when it holds (marks > seats) */
    hj_rule_t elected;                           /* first round */
    hj_rule_t further_elected;                   /* further round (另行选举) */
    hj_standing_t further_standing;
    hj_rule_t revote_elected;                    /* re-vote among the tied */
    hj_rule_t candidates;                        /* candidate-list lawfulness (差额) */
    hj_writeins_t writeins;
    /* The voter roll (选民登记), optional keys (0 = no such rule):
     *   voter_list.days_before  the list is published at least this many days before election day
     *   objections.file_days    an objection to it is filed within this many days of publication
     *   objections.decide_days  and decided within this many days of its filing */
    uint32_t voter_list_days;
    uint32_t objection_file_days;
    uint32_t objection_decide_days;
    /* Seats left empty (optional keys; default never):
     *   vacancy = never | after-any | after-further    暂缺
     *   vacancy.by_election_months = N                 the by-election is due within N months
     *   reduce = never | after-any | after-further     减少名额
     *   reduce.short_max = N                           only when those elected are at most N short */
    hj_close_after_t vacancy_after;
    uint32_t vacancy_months;
    hj_close_after_t reduce_after;
    uint32_t reduce_short_max;
} hj_profile_t;

typedef struct {
    int line;          /* 1-based line of the error; 0 = concerns the whole profile (missing key) */
    char key[48];      /* the key concerned, "" if the line has none */
    char message[256]; /* "line 12: key 'elected': expected '>', '>=' or 'none', got '=>'" */
} hj_profile_error_t;

/* Parse profile text (len bytes, need not be NUL-terminated). Returns true on
 * success; on failure returns false, fills *err (if non-NULL) and leaves *out
 * unspecified. */
bool hj_profile_parse(const char *text, size_t len, hj_profile_t *out, hj_profile_error_t *err);

/* The shipped profiles, built from profiles/<name>.profile at build time.
 * Returns the profile text (NUL-terminated) or NULL if there is no such name. */
const char *hj_profile_builtin(const char *name);
/* Names of the built-in profiles: index 0..n-1, NULL past the end. */
const char *hj_profile_builtin_name(size_t index);
/* hj_profile_builtin + hj_profile_parse. */
bool hj_profile_load_builtin(const char *name, hj_profile_t *out, hj_profile_error_t *err);

/* Rule helpers (pure, integer only). */
bool hj_rule_holds(const hj_rule_t *rule, uint64_t lhs, uint64_t base);
/* Smallest lhs for which the rule holds against base (0 for HJ_CMP_NONE). */
uint64_t hj_rule_min(const hj_rule_t *rule, uint64_t base);
/* "more than 4/5 of", "at least 1/3 of", "more than", "no minimum" ... */
const char *hj_cmp_words(hj_cmp_t cmp);
const char *hj_qty_name(hj_qty_t q);
const char *hj_mode_name(hj_mode_t m);

#ifdef __cplusplus
}
#endif

#endif
