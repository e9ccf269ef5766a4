/* Huanjie — counting-rules profile parser (pure: no I/O, no allocation). */
#include "profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- rule helpers ---------------------------------------------------- */

bool hj_rule_holds(const hj_rule_t *r, uint64_t lhs, uint64_t base)
{
    /* Counts are at most 2^32 and num, den at most HJ_FRACTION_MAX (< 2^20),
     * so both products fit in 64 bits. */
    switch (r->cmp) {
    case HJ_CMP_GT: return lhs * r->den > base * r->num;
    case HJ_CMP_GE: return lhs * r->den >= base * r->num;
    case HJ_CMP_NONE: default: return true;
    }
}

uint64_t hj_rule_min(const hj_rule_t *r, uint64_t base)
{
    switch (r->cmp) {
    case HJ_CMP_GT: return base * r->num / r->den + 1;
    case HJ_CMP_GE: return (base * r->num + r->den - 1) / r->den;
    case HJ_CMP_NONE: default: return 0;
    }
}

const char *hj_cmp_words(hj_cmp_t cmp)
{
    switch (cmp) {
    case HJ_CMP_GT: return "more than";
    case HJ_CMP_GE: return "at least";
    case HJ_CMP_NONE: default: return "no minimum";
    }
}

static const char *const qty_names[HJ_QTY_COUNT] = {
    [HJ_QTY_PRESENT] = "present",       [HJ_QTY_CAST] = "cast",
    [HJ_QTY_RETURNED] = "returned",     [HJ_QTY_ISSUED] = "issued",
    [HJ_QTY_ELECTORATE] = "electorate", [HJ_QTY_VOTES] = "votes",
    [HJ_QTY_MARKS] = "marks",           [HJ_QTY_CANDIDATES] = "candidates",
    [HJ_QTY_SEATS] = "seats",
};

const char *hj_qty_name(hj_qty_t q) { return (unsigned)q < HJ_QTY_COUNT ? qty_names[q] : "?"; }

static const char *const mode_names[HJ_MODE_COUNT] = {
    [HJ_MODE_ORDINARY] = "ordinary",
    [HJ_MODE_HOUSEHOLD] = "household",
    [HJ_MODE_REPRESENTATIVE] = "representative",
};

const char *hj_mode_name(hj_mode_t m) { return (unsigned)m < HJ_MODE_COUNT ? mode_names[m] : "?"; }

/* ---- slices and tokens ------------------------------------------------ */

typedef struct {
    const char *p;
    size_t n;
} slice_t;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static slice_t trim(slice_t s)
{
    while (s.n && is_space(s.p[0])) { s.p++; s.n--; }
    while (s.n && is_space(s.p[s.n - 1])) s.n--;
    return s;
}

static bool eq(slice_t s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* Tokens: ">", ">=", "+", or a run of other non-space characters. */
static bool next_token(slice_t *rest, slice_t *tok)
{
    *rest = trim(*rest);
    if (!rest->n) return false;
    const char *p = rest->p;
    size_t n = 1;
    if (p[0] == '>') {
        if (rest->n > 1 && p[1] == '=') n = 2;
    } else if (p[0] != '+') {
        while (n < rest->n && !is_space(p[n]) && p[n] != '>' && p[n] != '+') n++;
    }
    tok->p = p;
    tok->n = n;
    rest->p += n;
    rest->n -= n;
    return true;
}

/* ---- errors ------------------------------------------------------------ */

typedef struct {
    hj_profile_error_t *err;
} ctx_t;

static void copy_slice(char *dst, size_t cap, slice_t s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    memcpy(dst, s.p, n);
    dst[n] = '\0';
}

__attribute__((format(printf, 4, 5)))
static bool fail(ctx_t *c, int line, slice_t key, const char *fmt, ...)
{
    if (!c->err) return false;
    hj_profile_error_t *e = c->err;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    e->line = line;
    copy_slice(e->key, sizeof e->key, key);
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
static const char *show(slice_t s, char *buf, size_t cap)
{
    copy_slice(buf, cap, s);
    return buf;
}

/* ---- value parsers ------------------------------------------------------- */

static bool parse_uint(slice_t s, uint32_t max, uint32_t *out)
{
    if (!s.n || s.n > 10) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9') return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    if (v > max) return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_qty(slice_t s, hj_qty_t *out)
{
    for (int q = 0; q < HJ_QTY_COUNT; q++)
        if (eq(s, qty_names[q])) { *out = (hj_qty_t)q; return true; }
    return false;
}

/* Bit set of quantities allowed on one side of a rule. */
#define QBIT(q) (1u << (q))

static void qty_list(unsigned set, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int q = 0; q < HJ_QTY_COUNT; q++) {
        if (!(set & QBIT(q))) continue;
        int w = snprintf(buf + used, cap - used, "%s'%s'", used ? " or " : "", qty_names[q]);
        if (w < 0 || (size_t)w >= cap - used) break;
        used += (size_t)w;
    }
}

typedef struct {
    unsigned lhs;      /* allowed left-hand quantities */
    unsigned base;     /* allowed bases */
    bool allow_none;
} rule_spec_t;

/* "<lhs> (>|>=) [<num>/<den> of] <base>" or "none". */
static bool parse_rule(ctx_t *c, int line, slice_t key, slice_t val, const rule_spec_t *spec, hj_rule_t *out)
{
    char a[48], b[96];
    slice_t rest = val, tok = {"", 0};
    if (eq(val, "none")) {
        if (!spec->allow_none) return fail(c, line, key, "'none' is not allowed here; a threshold is required");
        *out = (hj_rule_t){.lhs = HJ_QTY_VOTES, .cmp = HJ_CMP_NONE, .num = 0, .den = 1, .base = HJ_QTY_CAST};
        return true;
    }
    hj_rule_t r = {.num = 1, .den = 1};
    next_token(&rest, &tok);
    if (!parse_qty(tok, &r.lhs) || !(spec->lhs & QBIT(r.lhs))) {
        qty_list(spec->lhs, b, sizeof b);
        return fail(c, line, key, "expected %s%s at the start, got '%s'", b,
                    spec->allow_none ? " (or 'none')" : "", show(tok, a, sizeof a));
    }
    if (!next_token(&rest, &tok)) return fail(c, line, key, "expected '>' or '>=' after '%s'", qty_names[r.lhs]);
    if (eq(tok, ">")) r.cmp = HJ_CMP_GT;
    else if (eq(tok, ">=")) r.cmp = HJ_CMP_GE;
    else return fail(c, line, key, "expected '>' or '>=' after '%s', got '%s'", qty_names[r.lhs], show(tok, a, sizeof a));
    if (!next_token(&rest, &tok)) return fail(c, line, key, "expected a fraction or a quantity after the comparison");
    if (tok.n && tok.p[0] >= '0' && tok.p[0] <= '9') {
        const char *slash = memchr(tok.p, '/', tok.n);
        slice_t ns = {tok.p, slash ? (size_t)(slash - tok.p) : tok.n};
        slice_t ds = {slash ? slash + 1 : "1", slash ? tok.n - ns.n - 1 : 1};
        if (!parse_uint(ns, HJ_FRACTION_MAX, &r.num) || !parse_uint(ds, HJ_FRACTION_MAX, &r.den) || r.den == 0)
            return fail(c, line, key, "bad fraction '%s': expected <num>/<den>, integers 0..%u, den > 0",
                        show(tok, a, sizeof a), HJ_FRACTION_MAX);
        if (!next_token(&rest, &tok) || !eq(tok, "of"))
            return fail(c, line, key, "expected 'of' after the fraction");
        if (!next_token(&rest, &tok)) return fail(c, line, key, "expected a quantity after 'of'");
    }
    if (!parse_qty(tok, &r.base) || !(spec->base & QBIT(r.base))) {
        qty_list(spec->base, b, sizeof b);
        return fail(c, line, key, "expected %s as the base, got '%s'", b, show(tok, a, sizeof a));
    }
    if (next_token(&rest, &tok)) return fail(c, line, key, "unexpected '%s' at the end of the rule", show(tok, a, sizeof a));
    *out = r;
    return true;
}

/* "new-list" | "top [<k> x] seats [+ <m>]" */
static bool parse_standing(ctx_t *c, int line, slice_t key, slice_t val, hj_standing_t *out)
{
    char a[48];
    slice_t rest = val, tok;
    const char *usage = "expected 'new-list' or 'top [<k> x] seats [+ <m>]'";
    tok = (slice_t){"", 0};
    if (eq(val, "new-list")) {
        *out = (hj_standing_t){HJ_STANDING_NEW_LIST, 0, 0};
        return true;
    }
    hj_standing_t s = {HJ_STANDING_TOP, 1, 0};
    if (!next_token(&rest, &tok) || !eq(tok, "top")) return fail(c, line, key, "%s", usage);
    if (!next_token(&rest, &tok)) return fail(c, line, key, "%s", usage);
    if (!eq(tok, "seats")) {
        if (!parse_uint(tok, 100, &s.per_seat))
            return fail(c, line, key, "%s; bad number '%s'", usage, show(tok, a, sizeof a));
        if (!next_token(&rest, &tok) || !eq(tok, "x")) return fail(c, line, key, "%s; expected 'x' after the number", usage);
        if (!next_token(&rest, &tok) || !eq(tok, "seats")) return fail(c, line, key, "%s; expected 'seats'", usage);
    }
    if (next_token(&rest, &tok)) {
        if (!eq(tok, "+")) return fail(c, line, key, "%s; unexpected '%s'", usage, show(tok, a, sizeof a));
        if (!next_token(&rest, &tok) || !parse_uint(tok, 100, &s.extra))
            return fail(c, line, key, "%s; expected a number after '+'", usage);
        if (next_token(&rest, &tok)) return fail(c, line, key, "%s; unexpected '%s'", usage, show(tok, a, sizeof a));
    }
    if (s.per_seat == 0 && s.extra == 0) return fail(c, line, key, "nobody would stand: 0 x seats + 0");
    *out = s;
    return true;
}

static bool parse_text(ctx_t *c, int line, slice_t key, slice_t val, char *dst, size_t cap)
{
    if (val.n >= cap) return fail(c, line, key, "value too long (%zu bytes, at most %zu)", val.n, cap - 1);
    copy_slice(dst, cap, val);
    return true;
}

/* ---- keys ---------------------------------------------------------------- */

enum {
    K_NAME, K_TITLE, K_BODY, K_MODES,
    K_QUORUM, K_QUORUM_END = K_QUORUM + HJ_MODE_COUNT - 1,
    K_ELECTORATE, K_ELECTORATE_END = K_ELECTORATE + HJ_MODE_COUNT - 1,
    K_PROXIES, K_PROXIES_END = K_PROXIES + HJ_MODE_COUNT - 1,
    K_BALLOTS_VOID, K_BALLOT_INVALID, K_ELECTED, K_FURTHER_ELECTED, K_FURTHER_STANDING,
    K_REVOTE_ELECTED, K_CANDIDATES, K_WRITEINS,
    K_VOTER_LIST_DAYS, K_OBJECTION_FILE_DAYS, K_OBJECTION_DECIDE_DAYS,
    K_VACANCY, K_VACANCY_MONTHS, K_REDUCE, K_REDUCE_SHORT_MAX,
    K_COUNT
};

static const char *const key_names[K_COUNT] = {
    [K_NAME] = "name", [K_TITLE] = "title", [K_BODY] = "body", [K_MODES] = "modes",
    [K_QUORUM + HJ_MODE_ORDINARY] = "quorum.ordinary",
    [K_QUORUM + HJ_MODE_HOUSEHOLD] = "quorum.household",
    [K_QUORUM + HJ_MODE_REPRESENTATIVE] = "quorum.representative",
    [K_ELECTORATE + HJ_MODE_ORDINARY] = "electorate.ordinary",
    [K_ELECTORATE + HJ_MODE_HOUSEHOLD] = "electorate.household",
    [K_ELECTORATE + HJ_MODE_REPRESENTATIVE] = "electorate.representative",
    [K_PROXIES + HJ_MODE_ORDINARY] = "proxies.ordinary",
    [K_PROXIES + HJ_MODE_HOUSEHOLD] = "proxies.household",
    [K_PROXIES + HJ_MODE_REPRESENTATIVE] = "proxies.representative",
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

#define ELECT_BASES (QBIT(HJ_QTY_PRESENT) | QBIT(HJ_QTY_CAST) | QBIT(HJ_QTY_ELECTORATE))

static const rule_spec_t spec_quorum = {QBIT(HJ_QTY_PRESENT) | QBIT(HJ_QTY_CAST), QBIT(HJ_QTY_ELECTORATE), false};
static const rule_spec_t spec_void = {QBIT(HJ_QTY_RETURNED), QBIT(HJ_QTY_ISSUED), true};
static const rule_spec_t spec_invalid = {QBIT(HJ_QTY_MARKS), QBIT(HJ_QTY_SEATS), false};
static const rule_spec_t spec_elected = {QBIT(HJ_QTY_VOTES), ELECT_BASES, false};
static const rule_spec_t spec_elected_none = {QBIT(HJ_QTY_VOTES), ELECT_BASES, true};
static const rule_spec_t spec_candidates = {QBIT(HJ_QTY_CANDIDATES), QBIT(HJ_QTY_SEATS), false};

static bool valid_name(slice_t s)
{
    if (!s.n) return false;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
              ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

static bool parse_close_after(ctx_t *c, int line, slice_t key, slice_t val, hj_close_after_t *out)
{
    char a[48];
    if (eq(val, "never")) *out = HJ_CLOSE_NEVER;
    else if (eq(val, "after-any")) *out = HJ_CLOSE_AFTER_ANY;
    else if (eq(val, "after-further")) *out = HJ_CLOSE_AFTER_FURTHER;
    else return fail(c, line, key, "expected 'never', 'after-any' or 'after-further', got '%s'", show(val, a, sizeof a));
    return true;
}

static bool apply(ctx_t *c, int k, int line, slice_t key, slice_t val, hj_profile_t *p)
{
    char a[48];
    if (k >= K_QUORUM && k <= K_QUORUM_END) return parse_rule(c, line, key, val, &spec_quorum, &p->quorum[k - K_QUORUM]);
    if (k >= K_ELECTORATE && k <= K_ELECTORATE_END)
        return parse_text(c, line, key, val, p->electorate_label[k - K_ELECTORATE], sizeof p->electorate_label[0]);
    if (k >= K_PROXIES && k <= K_PROXIES_END) {
        if (!parse_uint(val, 100, &p->proxies_max[k - K_PROXIES]))
            return fail(c, line, key, "expected a whole number 0..100, got '%s'", show(val, a, sizeof a));
        return true;
    }
    switch (k) {
    case K_NAME:
        if (!valid_name(val) || val.n >= sizeof p->name)
            return fail(c, line, key, "expected a short name of letters, digits, '.', '_' or '-', got '%s'",
                        show(val, a, sizeof a));
        copy_slice(p->name, sizeof p->name, val);
        return true;
    case K_TITLE: return parse_text(c, line, key, val, p->title, sizeof p->title);
    case K_BODY:
        if (eq(val, "party")) p->body = HJ_BODY_PARTY;
        else if (eq(val, "residents")) p->body = HJ_BODY_RESIDENTS;
        else return fail(c, line, key, "expected 'party' or 'residents', got '%s'", show(val, a, sizeof a));
        return true;
    case K_MODES: {
        slice_t rest = val, tok;
        while (next_token(&rest, &tok)) {
            int m = 0;
            while (m < HJ_MODE_COUNT && !eq(tok, mode_names[m])) m++;
            if (m == HJ_MODE_COUNT)
                return fail(c, line, key, "unknown mode '%s' (expected ordinary, household, representative)",
                            show(tok, a, sizeof a));
            if (p->mode_allowed[m]) return fail(c, line, key, "mode '%s' listed twice", mode_names[m]);
            p->mode_allowed[m] = true;
        }
        return true;
    }
    case K_BALLOTS_VOID: return parse_rule(c, line, key, val, &spec_void, &p->ballots_void);
    case K_BALLOT_INVALID: return parse_rule(c, line, key, val, &spec_invalid, &p->ballot_invalid);
    case K_ELECTED: return parse_rule(c, line, key, val, &spec_elected, &p->elected);
    case K_FURTHER_ELECTED: return parse_rule(c, line, key, val, &spec_elected_none, &p->further_elected);
    case K_FURTHER_STANDING: return parse_standing(c, line, key, val, &p->further_standing);
    case K_REVOTE_ELECTED: return parse_rule(c, line, key, val, &spec_elected_none, &p->revote_elected);
    case K_CANDIDATES: return parse_rule(c, line, key, val, &spec_candidates, &p->candidates);
    case K_VOTER_LIST_DAYS:
    case K_OBJECTION_FILE_DAYS:
    case K_OBJECTION_DECIDE_DAYS: {
        uint32_t *days = k == K_VOTER_LIST_DAYS       ? &p->voter_list_days
                         : k == K_OBJECTION_FILE_DAYS ? &p->objection_file_days
                                                      : &p->objection_decide_days;
        if (!parse_uint(val, 365, days))
            return fail(c, line, key, "expected a number of days 0..365, got '%s'", show(val, a, sizeof a));
        return true;
    }
    case K_VACANCY: return parse_close_after(c, line, key, val, &p->vacancy_after);
    case K_REDUCE: return parse_close_after(c, line, key, val, &p->reduce_after);
    case K_VACANCY_MONTHS:
        if (!parse_uint(val, 60, &p->vacancy_months) || p->vacancy_months == 0)
            return fail(c, line, key, "expected a number of months 1..60, got '%s'", show(val, a, sizeof a));
        return true;
    case K_REDUCE_SHORT_MAX:
        if (!parse_uint(val, 100, &p->reduce_short_max) || p->reduce_short_max == 0)
            return fail(c, line, key, "expected a number of seats 1..100, got '%s'", show(val, a, sizeof a));
        return true;
    case K_WRITEINS:
        if (eq(val, "forbidden")) p->writeins = HJ_WRITEINS_FORBIDDEN;
        else if (eq(val, "allowed")) p->writeins = HJ_WRITEINS_ALLOWED;
        else if (eq(val, "beside-no")) p->writeins = HJ_WRITEINS_BESIDE_NO;
        else return fail(c, line, key, "expected 'forbidden', 'allowed' or 'beside-no', got '%s'", show(val, a, sizeof a));
        return true;
    default: return fail(c, line, key, "internal: unhandled key");
    }
}

static slice_t cstr(const char *s) { return (slice_t){s, strlen(s)}; }

bool hj_profile_parse(const char *text, size_t len, hj_profile_t *out, hj_profile_error_t *err)
{
    ctx_t c = {err};
    int seen[K_COUNT] = {0}; /* line where each key was given, 0 = not given */
    slice_t none = {"", 0};
    char a[64];
    if (err) memset(err, 0, sizeof *err);
    memset(out, 0, sizeof *out);
    if (!text && len) return fail(&c, 0, none, "no profile text");

    int line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (memchr(start, '\0', n)) return fail(&c, line, none, "NUL byte in profile text");
        const char *hash = memchr(start, '#', n);
        slice_t s = trim((slice_t){start, hash ? (size_t)(hash - start) : n});
        if (!s.n) continue;
        const char *eqs = memchr(s.p, '=', s.n);
        if (!eqs) return fail(&c, line, none, "expected 'key = value', got '%s'", show(s, a, sizeof a));
        slice_t key = trim((slice_t){s.p, (size_t)(eqs - s.p)});
        slice_t val = trim((slice_t){eqs + 1, s.n - (size_t)(eqs - s.p) - 1});
        if (!key.n) return fail(&c, line, none, "missing key before '='");
        int k = 0;
        while (k < K_COUNT && !eq(key, key_names[k])) k++;
        if (k == K_COUNT) return fail(&c, line, key, "unknown key");
        if (seen[k]) return fail(&c, line, key, "given twice (first on line %d)", seen[k]);
        seen[k] = line;
        if (!val.n) return fail(&c, line, key, "missing value after '='");
        if (!apply(&c, k, line, key, val, out)) return false;
    }

    static const int required[] = {K_NAME, K_BODY, K_MODES, K_BALLOTS_VOID, K_BALLOT_INVALID, K_ELECTED,
                                   K_FURTHER_ELECTED, K_FURTHER_STANDING, K_REVOTE_ELECTED, K_CANDIDATES,
                                   K_WRITEINS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i]]) return fail(&c, 0, cstr(key_names[required[i]]), "missing (required)");
    bool any_mode = false;
    for (int m = 0; m < HJ_MODE_COUNT; m++) {
        const int per_mode[] = {K_QUORUM + m, K_ELECTORATE + m, K_PROXIES + m};
        any_mode |= out->mode_allowed[m];
        for (size_t i = 0; i < 3; i++) {
            int k = per_mode[i];
            if (out->mode_allowed[m] && !seen[k])
                return fail(&c, 0, cstr(key_names[k]), "missing (required because 'modes' lists '%s')", mode_names[m]);
            if (!out->mode_allowed[m] && seen[k])
                return fail(&c, seen[k], cstr(key_names[k]), "mode '%s' is not listed in 'modes' (line %d)",
                            mode_names[m], seen[K_MODES]);
        }
    }
    if (!any_mode) return fail(&c, seen[K_MODES], cstr("modes"), "no mode listed");
    /* A vacancy says when it is filled; a reduction says how close is close. */
    if (out->vacancy_after != HJ_CLOSE_NEVER && !seen[K_VACANCY_MONTHS])
        return fail(&c, 0, cstr(key_names[K_VACANCY_MONTHS]), "missing (required because 'vacancy' allows it)");
    if (out->reduce_after != HJ_CLOSE_NEVER && !seen[K_REDUCE_SHORT_MAX])
        return fail(&c, 0, cstr(key_names[K_REDUCE_SHORT_MAX]), "missing (required because 'reduce' allows it)");
    return true;
}

/* ---- built-in profiles (text generated from profiles/<name>.profile) ---- */

/* Defined in the generated hj_profiles_builtin.c (see CMakeLists.txt). */
extern const char *const hj_builtin_profile_names[];
extern const char *const hj_builtin_profile_texts[];
extern const size_t hj_builtin_profiles_count;

const char *hj_profile_builtin(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < hj_builtin_profiles_count; i++)
        if (strcmp(hj_builtin_profile_names[i], name) == 0) return hj_builtin_profile_texts[i];
    return NULL;
}

const char *hj_profile_builtin_name(size_t index)
{
    return index < hj_builtin_profiles_count ? hj_builtin_profile_names[index] : NULL;
}

bool hj_profile_load_builtin(const char *name, hj_profile_t *out, hj_profile_error_t *err)
{
    const char *text = hj_profile_builtin(name);
    if (!text) {
        ctx_t c = {err};
        if (err) memset(err, 0, sizeof *err);
        return fail(&c, 0, (slice_t){"", 0}, "no built-in profile named '%s'", name ? name : "(null)");
    }
    return hj_profile_parse(text, strlen(text), out, err);
}
