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
#define TALLY_FRACTION_MAX 1000000u

/* Quantities a rule compares. */
typedef enum {
    TALLY_QTY_PRESENT = 0, /* voters present at the meeting (到会) */
    TALLY_QTY_CAST,        /* ballots cast = ballots returned, valid or invalid */
    TALLY_QTY_RETURNED,    /* ballots returned (same number as cast) */
    TALLY_QTY_ISSUED,      /* ballots issued (发出) */
    TALLY_QTY_ELECTORATE, /* who should attend / registered voters / households / representatives */
    TALLY_QTY_VOTES,      /* votes for one person */
    TALLY_QTY_MARKS,      /* votes marked on one ballot (yes marks + write-ins) */
    TALLY_QTY_CANDIDATES, /* candidates on the list */
    TALLY_QTY_SEATS,      /* seats to fill */
    TALLY_QTY_COUNT
} tally_qty_t;

typedef enum {
    TALLY_CMP_NONE = 0, /* no threshold: the rule always holds */
    TALLY_CMP_GT,       /* lhs > num/den of base, i.e. lhs*den >  base*num */
    TALLY_CMP_GE        /* lhs >= num/den of base, i.e. lhs*den >= base*num */
} tally_cmp_t;

/* "lhs cmp num/den of base". Evaluated on integers only (64-bit products). */
typedef struct {
    tally_qty_t lhs;
    tally_cmp_t cmp;
    uint32_t num;
    uint32_t den;
    tally_qty_t base;
} tally_rule_t;

typedef enum {
    TALLY_MODE_ORDINARY =
        0,                /* every voter (party: who should attend; residents: registered voters) */
    TALLY_MODE_HOUSEHOLD, /* one vote per household (每户派代表) */
    TALLY_MODE_REPRESENTATIVE, /* residents' representatives (居民代表) */
    TALLY_MODE_COUNT
} tally_mode_t;

typedef enum { TALLY_BODY_PARTY = 0, TALLY_BODY_RESIDENTS } tally_body_t;

typedef enum {
    TALLY_WRITEINS_FORBIDDEN = 0, /* any write-in makes the ballot invalid */
    TALLY_WRITEINS_ALLOWED,       /* a write-in is a vote for that person */
    TALLY_WRITEINS_BESIDE_NO      /* a write-in is valid only beside a "no" on a candidate;
                                  otherwise the whole ballot is invalid */
} tally_writeins_t;

/* When seats still empty after a counted round may be closed: as vacant
 * (暂缺, filled later by a by-election) or by reducing the seats (减少名额). */
typedef enum {
    TALLY_CLOSE_NEVER = 0,    /* the profile does not allow it */
    TALLY_CLOSE_AFTER_ANY,    /* after any counted round that leaves seats empty */
    TALLY_CLOSE_AFTER_FURTHER /* only after a further round (另行选举) has left them empty */
} tally_close_after_t;

/* Who stands in a further round (另行选举) for the empty seats. */
typedef enum {
    TALLY_STANDING_NEW_LIST =
        0,             /* a new candidate list is drawn up (and must pass the list check) */
    TALLY_STANDING_TOP /* the top unelected by votes: per_seat x empty seats + extra,
                       plus everyone tied with the last such place */
} tally_standing_kind_t;

typedef struct {
    tally_standing_kind_t kind;
    uint32_t per_seat;
    uint32_t extra;
} tally_standing_t;

typedef struct {
    char name[32];
    char title[160];
    tally_body_t body;
    bool mode_allowed[TALLY_MODE_COUNT];
    tally_rule_t quorum[TALLY_MODE_COUNT];       /* valid meeting / turnout */
    char electorate_label[TALLY_MODE_COUNT][48]; /* "who should attend", "registered voters" */
    uint32_t proxies_max[TALLY_MODE_COUNT];      /* proxy ballots one voter may hold */
    tally_rule_t ballots_void;                   /* round void when it holds (returned > issued) */
    tally_rule_t ballot_invalid;  /* one ballot invalid when it holds (marks > seats) */
    tally_rule_t elected;         /* first round */
    tally_rule_t further_elected; /* further round (另行选举) */
    tally_standing_t further_standing;
    tally_rule_t revote_elected; /* re-vote among the tied */
    tally_rule_t candidates;     /* candidate-list lawfulness (差额) */
    tally_writeins_t writeins;
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
     *   reduce.short_max = N                           only when those elected are at most N short
     */
    tally_close_after_t vacancy_after;
    uint32_t vacancy_months;
    tally_close_after_t reduce_after;
    uint32_t reduce_short_max;
} tally_profile_t;

typedef struct {
    int line;          /* 1-based line of the error; 0 = concerns the whole profile (missing key) */
    char key[48];      /* the key concerned, "" if the line has none */
    char message[256]; /* "line 12: key 'elected': expected '>', '>=' or 'none', got '=>'" */
} tally_profile_error_t;

/* Parse profile text (len bytes, need not be NUL-terminated). Returns true on
 * success; on failure returns false, fills *err (if non-NULL) and leaves *out
 * unspecified. */
bool tally_profile_parse(const char *text, size_t len, tally_profile_t *out,
                         tally_profile_error_t *err);

/* The shipped profiles, built from profiles/<name>.profile at build time.
 * Returns the profile text (NUL-terminated) or NULL if there is no such name. */
const char *tally_profile_builtin(const char *name);
/* Names of the built-in profiles: index 0..n-1, NULL past the end. */
const char *tally_profile_builtin_name(size_t index);
/* tally_profile_builtin + tally_profile_parse. */
bool tally_profile_load_builtin(const char *name, tally_profile_t *out, tally_profile_error_t *err);

/* Rule helpers (pure, integer only). */
bool tally_profile_rule_holds(const tally_rule_t *rule, uint64_t lhs, uint64_t base);
/* Smallest lhs for which the rule holds against base (0 for TALLY_CMP_NONE). */
uint64_t tally_profile_rule_min(const tally_rule_t *rule, uint64_t base);
/* "more than 4/5 of", "at least 1/3 of", "more than", "no minimum" ... */
const char *tally_profile_cmp_words(tally_cmp_t cmp);
const char *tally_profile_qty_name(tally_qty_t q);
const char *tally_profile_mode_name(tally_mode_t m);
/* The mode of that name ("ordinary", "household", "representative"), or -1. */
int tally_profile_mode_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif
