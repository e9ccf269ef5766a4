/* Huanjie — counting-rules profile parser (pure: no I/O, no allocation). */
#include "profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- rule helpers ---------------------------------------------------- */

bool tally_profile_rule_holds(const tally_rule_t *r, uint64_t lhs, uint64_t base)
{
    /* Counts are at most 2^32 and num, den at most TALLY_FRACTION_MAX (< 2^20),
     * so both products fit in 64 bits. */
    switch (r->cmp) {
    case TALLY_CMP_GT:
        return lhs * r->den > base * r->num;
    case TALLY_CMP_GE:
        return lhs * r->den >= base * r->num;
    case TALLY_CMP_NONE:
    default:
        return true;
    }
}

uint64_t tally_profile_rule_min(const tally_rule_t *r, uint64_t base)
{
    switch (r->cmp) {
    case TALLY_CMP_GT:
        return base * r->num / r->den + 1;
    case TALLY_CMP_GE:
        return (base * r->num + r->den - 1) / r->den;
    case TALLY_CMP_NONE:
    default:
        return 0;
    }
}

static const char *const cmp_words[] = {
    [TALLY_CMP_NONE] = "no minimum", [TALLY_CMP_GT] = "more than", [TALLY_CMP_GE] = "at least"};

const char *tally_profile_cmp_words(tally_cmp_t cmp)
{
    return (unsigned)cmp <= TALLY_CMP_GE ? cmp_words[cmp] : cmp_words[TALLY_CMP_NONE];
}

static const char *const qty_names[TALLY_QTY_COUNT] = {
    [TALLY_QTY_PRESENT] = "present",       [TALLY_QTY_CAST] = "cast",
    [TALLY_QTY_RETURNED] = "returned",     [TALLY_QTY_ISSUED] = "issued",
    [TALLY_QTY_ELECTORATE] = "electorate", [TALLY_QTY_VOTES] = "votes",
    [TALLY_QTY_MARKS] = "marks",           [TALLY_QTY_CANDIDATES] = "candidates",
    [TALLY_QTY_SEATS] = "seats",
};

const char *tally_profile_qty_name(tally_qty_t q)
{
    return (unsigned)q < TALLY_QTY_COUNT ? qty_names[q] : "?";
}

static const char *const mode_names[TALLY_MODE_COUNT] = {
    [TALLY_MODE_ORDINARY] = "ordinary",
    [TALLY_MODE_HOUSEHOLD] = "household",
    [TALLY_MODE_REPRESENTATIVE] = "representative",
};

const char *tally_profile_mode_name(tally_mode_t m)
{
    return (unsigned)m < TALLY_MODE_COUNT ? mode_names[m] : "?";
}

int tally_profile_mode_parse(const char *name)
{
    for (int m = 0; m < TALLY_MODE_COUNT; m++)
        if (strcmp(name, mode_names[m]) == 0)
            return m;
    return -1;
}

/* ---- slices and tokens ------------------------------------------------ */

typedef struct {
    const char *p;
    size_t n;
} slice_t;

static bool s_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static slice_t s_trim(slice_t s)
{
    while (s.n && s_is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && s_is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

static bool s_eq(slice_t s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* Tokens: ">", ">=", "+", or a run of other non-space characters. */
static bool s_next_token(slice_t *rest, slice_t *tok)
{
    *rest = s_trim(*rest);
    if (!rest->n)
        return false;
    const char *p = rest->p;
    size_t n = 1;
    if (p[0] == '>') {
        if (rest->n > 1 && p[1] == '=')
            n = 2;
    } else if (p[0] != '+') {
        while (n < rest->n && !s_is_space(p[n]) && p[n] != '>' && p[n] != '+')
            n++;
    }
    tok->p = p;
    tok->n = n;
    rest->p += n;
    rest->n -= n;
    return true;
}

/* ---- errors ------------------------------------------------------------ */

typedef struct {
    tally_profile_error_t *err;
} ctx_t;

static void s_copy_slice(char *dst, size_t cap, slice_t s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    memcpy(dst, s.p, n);
    dst[n] = '\0';
}

__attribute__((format(printf, 4, 5))) static bool s_fail(ctx_t *c, int line, slice_t key,
                                                         const char *fmt, ...)
{
    if (!c->err)
        return false;
    tally_profile_error_t *e = c->err;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    e->line = line;
    s_copy_slice(e->key, sizeof e->key, key);
    if (line > 0 && key.n)
        snprintf(e->message, sizeof e->message, "line %d: key '%s': %s", line, e->key, what);
    else if (line > 0)
        snprintf(e->message, sizeof e->message, "line %d: %s", line, what);
    else if (key.n)
        snprintf(e->message, sizeof e->message, "key '%s': %s", e->key, what);
    else
        snprintf(e->message, sizeof e->message, "%s", what);
    return false;
}

/* Printable, bounded copy of a token for messages. */
static const char *s_show(slice_t s, char *buf, size_t cap)
{
    s_copy_slice(buf, cap, s);
    return buf;
}

/* ---- value parsers ------------------------------------------------------- */

static bool s_parse_uint(slice_t s, uint32_t max, uint32_t *out)
{
    if (!s.n || s.n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    if (v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool s_parse_qty(slice_t s, tally_qty_t *out)
{
    for (int q = 0; q < TALLY_QTY_COUNT; q++)
        if (s_eq(s, qty_names[q])) {
            *out = (tally_qty_t)q;
            return true;
        }
    return false;
}

/* Bit set of quantities allowed on one side of a rule. */
#define QBIT(q) (1u << (q))

static void s_qty_list(unsigned set, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int q = 0; q < TALLY_QTY_COUNT; q++) {
        if (!(set & QBIT(q)))
            continue;
        int w = snprintf(buf + used, cap - used, "%s'%s'", used ? " or " : "", qty_names[q]);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

typedef struct {
    unsigned lhs;  /* allowed left-hand quantities */
    unsigned base; /* allowed bases */
    bool allow_none;
} rule_spec_t;

/* "<lhs> (>|>=) [<num>/<den> of] <base>" or "none". */
static bool s_parse_rule(ctx_t *c, int line, slice_t key, slice_t val, const rule_spec_t *spec,
                         tally_rule_t *out)
{
    char a[48], b[96];
    slice_t rest = val, tok = {"", 0};
    if (s_eq(val, "none")) {
        if (!spec->allow_none)
            return s_fail(c, line, key, "'none' is not allowed here; a threshold is required");
        *out = (tally_rule_t){.lhs = TALLY_QTY_VOTES,
                              .cmp = TALLY_CMP_NONE,
                              .num = 0,
                              .den = 1,
                              .base = TALLY_QTY_CAST};
        return true;
    }
    tally_rule_t r = {.num = 1, .den = 1};
    s_next_token(&rest, &tok);
    if (!s_parse_qty(tok, &r.lhs) || !(spec->lhs & QBIT(r.lhs))) {
        s_qty_list(spec->lhs, b, sizeof b);
        return s_fail(c, line, key, "expected %s%s at the start, got '%s'", b,
                      spec->allow_none ? " (or 'none')" : "", s_show(tok, a, sizeof a));
    }
    if (!s_next_token(&rest, &tok))
        return s_fail(c, line, key, "expected '>' or '>=' after '%s'", qty_names[r.lhs]);
    if (s_eq(tok, ">"))
        r.cmp = TALLY_CMP_GT;
    else if (s_eq(tok, ">="))
        r.cmp = TALLY_CMP_GE;
    else
        return s_fail(c, line, key, "expected '>' or '>=' after '%s', got '%s'", qty_names[r.lhs],
                      s_show(tok, a, sizeof a));
    if (!s_next_token(&rest, &tok))
        return s_fail(c, line, key, "expected a fraction or a quantity after the comparison");
    if (tok.n && tok.p[0] >= '0' && tok.p[0] <= '9') {
        const char *slash = memchr(tok.p, '/', tok.n);
        slice_t ns = {tok.p, slash ? (size_t)(slash - tok.p) : tok.n};
        slice_t ds = {slash ? slash + 1 : "1", slash ? tok.n - ns.n - 1 : 1};
        if (!s_parse_uint(ns, TALLY_FRACTION_MAX, &r.num) ||
            !s_parse_uint(ds, TALLY_FRACTION_MAX, &r.den) || r.den == 0)
            return s_fail(c, line, key,
                          "bad fraction '%s': expected <num>/<den>, integers 0..%u, den > 0",
                          s_show(tok, a, sizeof a), TALLY_FRACTION_MAX);
        if (!s_next_token(&rest, &tok) || !s_eq(tok, "of"))
            return s_fail(c, line, key, "expected 'of' after the fraction");
        if (!s_next_token(&rest, &tok))
            return s_fail(c, line, key, "expected a quantity after 'of'");
    }
    if (!s_parse_qty(tok, &r.base) || !(spec->base & QBIT(r.base))) {
        s_qty_list(spec->base, b, sizeof b);
        return s_fail(c, line, key, "expected %s as the base, got '%s'", b,
                      s_show(tok, a, sizeof a));
    }
    if (s_next_token(&rest, &tok))
        return s_fail(c, line, key, "unexpected '%s' at the end of the rule",
                      s_show(tok, a, sizeof a));
    *out = r;
    return true;
}

/* "new-list" | "top [<k> x] seats [+ <m>]" */
static bool s_parse_standing(ctx_t *c, int line, slice_t key, slice_t val, tally_standing_t *out)
{
    char a[48];
    slice_t rest = val, tok;
    const char *usage = "expected 'new-list' or 'top [<k> x] seats [+ <m>]'";
    tok = (slice_t){"", 0};
    if (s_eq(val, "new-list")) {
        *out = (tally_standing_t){TALLY_STANDING_NEW_LIST, 0, 0};
        return true;
    }
    tally_standing_t s = {TALLY_STANDING_TOP, 1, 0};
    if (!s_next_token(&rest, &tok) || !s_eq(tok, "top"))
        return s_fail(c, line, key, "%s", usage);
    if (!s_next_token(&rest, &tok))
        return s_fail(c, line, key, "%s", usage);
    if (!s_eq(tok, "seats")) {
        if (!s_parse_uint(tok, 100, &s.per_seat))
            return s_fail(c, line, key, "%s; bad number '%s'", usage, s_show(tok, a, sizeof a));
        if (!s_next_token(&rest, &tok) || !s_eq(tok, "x"))
            return s_fail(c, line, key, "%s; expected 'x' after the number", usage);
        if (!s_next_token(&rest, &tok) || !s_eq(tok, "seats"))
            return s_fail(c, line, key, "%s; expected 'seats'", usage);
    }
    if (s_next_token(&rest, &tok)) {
        if (!s_eq(tok, "+"))
            return s_fail(c, line, key, "%s; unexpected '%s'", usage, s_show(tok, a, sizeof a));
        if (!s_next_token(&rest, &tok) || !s_parse_uint(tok, 100, &s.extra))
            return s_fail(c, line, key, "%s; expected a number after '+'", usage);
        if (s_next_token(&rest, &tok))
            return s_fail(c, line, key, "%s; unexpected '%s'", usage, s_show(tok, a, sizeof a));
    }
    if (s.per_seat == 0 && s.extra == 0)
        return s_fail(c, line, key, "nobody would stand: 0 x seats + 0");
    *out = s;
    return true;
}

static bool s_parse_text(ctx_t *c, int line, slice_t key, slice_t val, char *dst, size_t cap)
{
    if (val.n >= cap)
        return s_fail(c, line, key, "value too long (%zu bytes, at most %zu)", val.n, cap - 1);
    s_copy_slice(dst, cap, val);
    return true;
}

/* ---- keys ---------------------------------------------------------------- */

enum {
    K_NAME,
    K_TITLE,
    K_BODY,
    K_MODES,
    K_QUORUM,
    K_QUORUM_END = K_QUORUM + TALLY_MODE_COUNT - 1,
    K_ELECTORATE,
    K_ELECTORATE_END = K_ELECTORATE + TALLY_MODE_COUNT - 1,
    K_PROXIES,
    K_PROXIES_END = K_PROXIES + TALLY_MODE_COUNT - 1,
    K_BALLOTS_VOID,
    K_BALLOT_INVALID,
    K_ELECTED,
    K_FURTHER_ELECTED,
    K_FURTHER_STANDING,
    K_REVOTE_ELECTED,
    K_CANDIDATES,
    K_WRITEINS,
    K_VOTER_LIST_DAYS,
    K_OBJECTION_FILE_DAYS,
    K_OBJECTION_DECIDE_DAYS,
    K_VACANCY,
    K_VACANCY_MONTHS,
    K_REDUCE,
    K_REDUCE_SHORT_MAX,
    K_COUNT
};

static const char *const key_names[K_COUNT] = {
    [K_NAME] = "name",
    [K_TITLE] = "title",
    [K_BODY] = "body",
    [K_MODES] = "modes",
    [K_QUORUM + TALLY_MODE_ORDINARY] = "quorum.ordinary",
    [K_QUORUM + TALLY_MODE_HOUSEHOLD] = "quorum.household",
    [K_QUORUM + TALLY_MODE_REPRESENTATIVE] = "quorum.representative",
    [K_ELECTORATE + TALLY_MODE_ORDINARY] = "electorate.ordinary",
    [K_ELECTORATE + TALLY_MODE_HOUSEHOLD] = "electorate.household",
    [K_ELECTORATE + TALLY_MODE_REPRESENTATIVE] = "electorate.representative",
    [K_PROXIES + TALLY_MODE_ORDINARY] = "proxies.ordinary",
    [K_PROXIES + TALLY_MODE_HOUSEHOLD] = "proxies.household",
    [K_PROXIES + TALLY_MODE_REPRESENTATIVE] = "proxies.representative",
    [K_BALLOTS_VOID] = "ballots.void_if",
    [K_BALLOT_INVALID] = "ballot.invalid_if",
    [K_ELECTED] = "elected",
    [K_FURTHER_ELECTED] = "further.elected",
    [K_FURTHER_STANDING] = "further.standing",
    [K_REVOTE_ELECTED] = "revote.elected",
    [K_CANDIDATES] = "candidates",
    [K_WRITEINS] = "writeins",
    [K_VOTER_LIST_DAYS] = "voter_list.days_before",
    [K_OBJECTION_FILE_DAYS] = "objections.file_days",
    [K_OBJECTION_DECIDE_DAYS] = "objections.decide_days",
    [K_VACANCY] = "vacancy",
    [K_VACANCY_MONTHS] = "vacancy.by_election_months",
    [K_REDUCE] = "reduce",
    [K_REDUCE_SHORT_MAX] = "reduce.short_max",
};

#define ELECT_BASES (QBIT(TALLY_QTY_PRESENT) | QBIT(TALLY_QTY_CAST) | QBIT(TALLY_QTY_ELECTORATE))

static const rule_spec_t spec_quorum = {QBIT(TALLY_QTY_PRESENT) | QBIT(TALLY_QTY_CAST),
                                        QBIT(TALLY_QTY_ELECTORATE), false};
static const rule_spec_t spec_void = {QBIT(TALLY_QTY_RETURNED), QBIT(TALLY_QTY_ISSUED), true};
static const rule_spec_t spec_invalid = {QBIT(TALLY_QTY_MARKS), QBIT(TALLY_QTY_SEATS), false};
static const rule_spec_t spec_elected = {QBIT(TALLY_QTY_VOTES), ELECT_BASES, false};
static const rule_spec_t spec_elected_none = {QBIT(TALLY_QTY_VOTES), ELECT_BASES, true};
static const rule_spec_t spec_candidates = {QBIT(TALLY_QTY_CANDIDATES), QBIT(TALLY_QTY_SEATS),
                                            false};

static bool s_valid_name(slice_t s)
{
    if (!s.n)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* The words a key of one closed set of values takes, and the value of each;
 * a NULL word ends the list. */
typedef struct {
    const char *word;
    int value;
} s_word_t;

static const s_word_t s_body_words[] = {
    {"party", TALLY_BODY_PARTY}, {"residents", TALLY_BODY_RESIDENTS}, {NULL, 0}};
static const s_word_t s_close_after_words[] = {{"never", TALLY_CLOSE_NEVER},
                                               {"after-any", TALLY_CLOSE_AFTER_ANY},
                                               {"after-further", TALLY_CLOSE_AFTER_FURTHER},
                                               {NULL, 0}};
static const s_word_t s_writeins_words[] = {{"forbidden", TALLY_WRITEINS_FORBIDDEN},
                                            {"allowed", TALLY_WRITEINS_ALLOWED},
                                            {"beside-no", TALLY_WRITEINS_BESIDE_NO},
                                            {NULL, 0}};

/* val as one of the words into *out; else a failure listing them all
 * ("expected 'a', 'b' or 'c', got 'x'"). */
static bool s_parse_word(ctx_t *c, int line, slice_t key, slice_t val, const s_word_t *words,
                         int *out)
{
    char a[48], expected[128] = "";
    for (size_t i = 0; words[i].word; i++) {
        if (s_eq(val, words[i].word)) {
            *out = words[i].value;
            return true;
        }
    }
    for (size_t i = 0, at = 0; words[i].word && at < sizeof expected; i++) {
        const char *sep = i == 0 ? "" : words[i + 1].word ? ", " : " or ";
        at += (size_t)snprintf(expected + at, sizeof expected - at, "%s'%s'", sep, words[i].word);
    }
    return s_fail(c, line, key, "expected %s, got '%s'", expected, s_show(val, a, sizeof a));
}

static bool s_parse_close_after(ctx_t *c, int line, slice_t key, slice_t val,
                                tally_close_after_t *out)
{
    int v;
    if (!s_parse_word(c, line, key, val, s_close_after_words, &v))
        return false;
    *out = (tally_close_after_t)v;
    return true;
}

static bool s_apply(ctx_t *c, int k, int line, slice_t key, slice_t val, tally_profile_t *p)
{
    char a[48];
    int word;
    if (k >= K_QUORUM && k <= K_QUORUM_END)
        return s_parse_rule(c, line, key, val, &spec_quorum, &p->quorum[k - K_QUORUM]);
    if (k >= K_ELECTORATE && k <= K_ELECTORATE_END)
        return s_parse_text(c, line, key, val, p->electorate_label[k - K_ELECTORATE],
                            sizeof p->electorate_label[0]);
    if (k >= K_PROXIES && k <= K_PROXIES_END) {
        if (!s_parse_uint(val, 100, &p->proxies_max[k - K_PROXIES]))
            return s_fail(c, line, key, "expected a whole number 0..100, got '%s'",
                          s_show(val, a, sizeof a));
        return true;
    }
    switch (k) {
    case K_NAME:
        if (!s_valid_name(val) || val.n >= sizeof p->name)
            return s_fail(c, line, key,
                          "expected a short name of letters, digits, '.', '_' or '-', got '%s'",
                          s_show(val, a, sizeof a));
        s_copy_slice(p->name, sizeof p->name, val);
        return true;
    case K_TITLE:
        return s_parse_text(c, line, key, val, p->title, sizeof p->title);
    case K_BODY:
        if (!s_parse_word(c, line, key, val, s_body_words, &word))
            return false;
        p->body = (tally_body_t)word;
        return true;
    case K_MODES: {
        slice_t rest = val, tok;
        while (s_next_token(&rest, &tok)) {
            int m = 0;
            while (m < TALLY_MODE_COUNT && !s_eq(tok, mode_names[m]))
                m++;
            if (m == TALLY_MODE_COUNT)
                return s_fail(c, line, key,
                              "unknown mode '%s' (expected ordinary, household, representative)",
                              s_show(tok, a, sizeof a));
            if (p->mode_allowed[m])
                return s_fail(c, line, key, "mode '%s' listed twice", mode_names[m]);
            p->mode_allowed[m] = true;
        }
        return true;
    }
    case K_BALLOTS_VOID:
        return s_parse_rule(c, line, key, val, &spec_void, &p->ballots_void);
    case K_BALLOT_INVALID:
        return s_parse_rule(c, line, key, val, &spec_invalid, &p->ballot_invalid);
    case K_ELECTED:
        return s_parse_rule(c, line, key, val, &spec_elected, &p->elected);
    case K_FURTHER_ELECTED:
        return s_parse_rule(c, line, key, val, &spec_elected_none, &p->further_elected);
    case K_FURTHER_STANDING:
        return s_parse_standing(c, line, key, val, &p->further_standing);
    case K_REVOTE_ELECTED:
        return s_parse_rule(c, line, key, val, &spec_elected_none, &p->revote_elected);
    case K_CANDIDATES:
        return s_parse_rule(c, line, key, val, &spec_candidates, &p->candidates);
    case K_VOTER_LIST_DAYS:
    case K_OBJECTION_FILE_DAYS:
    case K_OBJECTION_DECIDE_DAYS: {
        uint32_t *days = k == K_VOTER_LIST_DAYS       ? &p->voter_list_days
                         : k == K_OBJECTION_FILE_DAYS ? &p->objection_file_days
                                                      : &p->objection_decide_days;
        if (!s_parse_uint(val, 365, days))
            return s_fail(c, line, key, "expected a number of days 0..365, got '%s'",
                          s_show(val, a, sizeof a));
        return true;
    }
    case K_VACANCY:
        return s_parse_close_after(c, line, key, val, &p->vacancy_after);
    case K_REDUCE:
        return s_parse_close_after(c, line, key, val, &p->reduce_after);
    case K_VACANCY_MONTHS:
        if (!s_parse_uint(val, 60, &p->vacancy_months) || p->vacancy_months == 0)
            return s_fail(c, line, key, "expected a number of months 1..60, got '%s'",
                          s_show(val, a, sizeof a));
        return true;
    case K_REDUCE_SHORT_MAX:
        if (!s_parse_uint(val, 100, &p->reduce_short_max) || p->reduce_short_max == 0)
            return s_fail(c, line, key, "expected a number of seats 1..100, got '%s'",
                          s_show(val, a, sizeof a));
        return true;
    case K_WRITEINS:
        if (!s_parse_word(c, line, key, val, s_writeins_words, &word))
            return false;
        p->writeins = (tally_writeins_t)word;
        return true;
    default:
        return s_fail(c, line, key, "internal: unhandled key");
    }
}

static slice_t s_cstr(const char *s)
{
    return (slice_t){s, strlen(s)};
}

bool tally_profile_parse(const char *text, size_t len, tally_profile_t *out,
                         tally_profile_error_t *err)
{
    ctx_t c = {err};
    int seen[K_COUNT] = {0}; /* line where each key was given, 0 = not given */
    slice_t none = {"", 0};
    char a[64];
    if (err)
        memset(err, 0, sizeof *err);
    memset(out, 0, sizeof *out);
    if (!text && len)
        return s_fail(&c, 0, none, "no profile text");

    int line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (memchr(start, '\0', n))
            return s_fail(&c, line, none, "NUL byte in profile text");
        const char *hash = memchr(start, '#', n);
        slice_t s = s_trim((slice_t){start, hash ? (size_t)(hash - start) : n});
        if (!s.n)
            continue;
        const char *eqs = memchr(s.p, '=', s.n);
        if (!eqs)
            return s_fail(&c, line, none, "expected 'key = value', got '%s'",
                          s_show(s, a, sizeof a));
        slice_t key = s_trim((slice_t){s.p, (size_t)(eqs - s.p)});
        slice_t val = s_trim((slice_t){eqs + 1, s.n - (size_t)(eqs - s.p) - 1});
        if (!key.n)
            return s_fail(&c, line, none, "missing key before '='");
        int k = 0;
        while (k < K_COUNT && !s_eq(key, key_names[k]))
            k++;
        if (k == K_COUNT)
            return s_fail(&c, line, key, "unknown key");
        if (seen[k])
            return s_fail(&c, line, key, "given twice (first on line %d)", seen[k]);
        seen[k] = line;
        if (!val.n)
            return s_fail(&c, line, key, "missing value after '='");
        if (!s_apply(&c, k, line, key, val, out))
            return false;
    }

    static const int required[] = {
        K_NAME,           K_BODY,       K_MODES,           K_BALLOTS_VOID,
        K_BALLOT_INVALID, K_ELECTED,    K_FURTHER_ELECTED, K_FURTHER_STANDING,
        K_REVOTE_ELECTED, K_CANDIDATES, K_WRITEINS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i]])
            return s_fail(&c, 0, s_cstr(key_names[required[i]]), "missing (required)");
    bool any_mode = false;
    for (int m = 0; m < TALLY_MODE_COUNT; m++) {
        const int per_mode[] = {K_QUORUM + m, K_ELECTORATE + m, K_PROXIES + m};
        any_mode |= out->mode_allowed[m];
        for (size_t i = 0; i < 3; i++) {
            int k = per_mode[i];
            if (out->mode_allowed[m] && !seen[k])
                return s_fail(&c, 0, s_cstr(key_names[k]),
                              "missing (required because 'modes' lists '%s')", mode_names[m]);
            if (!out->mode_allowed[m] && seen[k])
                return s_fail(&c, seen[k], s_cstr(key_names[k]),
                              "mode '%s' is not listed in 'modes' (line %d)", mode_names[m],
                              seen[K_MODES]);
        }
    }
    if (!any_mode)
        return s_fail(&c, seen[K_MODES], s_cstr("modes"), "no mode listed");
    /* A vacancy says when it is filled; a reduction says how close is close. */
    if (out->vacancy_after != TALLY_CLOSE_NEVER && !seen[K_VACANCY_MONTHS])
        return s_fail(&c, 0, s_cstr(key_names[K_VACANCY_MONTHS]),
                      "missing (required because 'vacancy' allows it)");
    if (out->reduce_after != TALLY_CLOSE_NEVER && !seen[K_REDUCE_SHORT_MAX])
        return s_fail(&c, 0, s_cstr(key_names[K_REDUCE_SHORT_MAX]),
                      "missing (required because 'reduce' allows it)");
    return true;
}

/* ---- built-in profiles (text generated from profiles/<name>.profile) ---- */

/* Defined in the generated hj_profiles_builtin.c (see CMakeLists.txt). */
extern const char *const tally_profile_builtin_names[];
extern const char *const tally_profile_builtin_texts[];
extern const size_t tally_profile_builtins_count;

const char *tally_profile_builtin(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < tally_profile_builtins_count; i++)
        if (strcmp(tally_profile_builtin_names[i], name) == 0)
            return tally_profile_builtin_texts[i];
    return NULL;
}

const char *tally_profile_builtin_name(size_t index)
{
    return index < tally_profile_builtins_count ? tally_profile_builtin_names[index] : NULL;
}

bool tally_profile_load_builtin(const char *name, tally_profile_t *out, tally_profile_error_t *err)
{
    const char *text = tally_profile_builtin(name);
    if (!text) {
        ctx_t c = {err};
        if (err)
            memset(err, 0, sizeof *err);
        return s_fail(&c, 0, (slice_t){"", 0}, "no built-in profile named '%s'",
                      name ? name : "(null)");
    }
    return tally_profile_parse(text, strlen(text), out, err);
}
