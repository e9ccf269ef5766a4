/* model: derived cells, order and filter of the board view. See model.h. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void model_talk_coverage(char *dst, size_t size, const Hj__Tally__Counters *c)
{
    if (!c || c->members_sitting == 0) {
        snprintf(dst, size, "-");
        return;
    }
    unsigned covered = c->talk_covered > c->members_sitting ? c->members_sitting : c->talk_covered;
    /* Rounded down: 99.6 % is not yet full coverage. */
    snprintf(dst, size, "%u%%", (unsigned)((unsigned long long)covered * 100 / c->members_sitting));
}

static int s_parse_date(const char *s, long *days)
{
    int y, m, d, n = 0;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    /* Days since 1970-01-01: timegm counts a civil date in UTC, no time zone. */
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    *days = (long)(timegm(&tm) / 86400);
    return 0;
}

int model_days_between(const char *today, const char *date, long *days)
{
    long a, b;
    if (s_parse_date(today, &a) != 0 || s_parse_date(date, &b) != 0)
        return -1;
    *days = b - a;
    return 0;
}

void model_days_text(char *dst, size_t size, const char *today, const char *election_date)
{
    long days;
    if (model_days_between(today, election_date, &days) != 0)
        snprintf(dst, size, "-");
    else
        snprintf(dst, size, "%ld", days);
}

const char *model_gate_glyph(Hj__Tally__GateState state)
{
    static const char *const glyphs[] = {[HJ__TALLY__GATE_STATE__RED] = "x",
                                         [HJ__TALLY__GATE_STATE__GREEN] = "+",
                                         [HJ__TALLY__GATE_STATE__OVERRIDDEN] = "!"};
    return (size_t)state < sizeof glyphs / sizeof glyphs[0] && glyphs[state] ? glyphs[state] : "?";
}

const Hj__Tally__Gate *model_gate(const Hj__Tally__CommunityBoard *row, Hj__Tally__GateId id)
{
    for (size_t i = 0; row && i < row->n_gates; i++)
        if (row->gates[i]->id == id)
            return row->gates[i];
    return NULL;
}

const char *model_gate_key(Hj__Tally__GateId id)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&hj__tally__gate_id__descriptor, (int)id);
    return v ? v->name : "";
}

unsigned model_district_red(const Hj__Tally__DistrictTotals *d, Hj__Tally__GateId id)
{
    const char *key = model_gate_key(id);
    for (size_t i = 0; d && i < d->n_red_by_gate; i++)
        if (strcasecmp(d->red_by_gate[i]->kind, key) == 0)
            return d->red_by_gate[i]->count;
    return 0;
}

typedef struct {
    const board_t *b;
    sort_t sort;
    int reverse;
} s_sort_ctx_t;

/* qsort has no context argument; the board view sorts on one thread. */
static s_sort_ctx_t s_ctx;

static int s_compare(const void *x, const void *y)
{
    const Hj__Tally__CommunityBoard *a = board_community(s_ctx.b, *(const size_t *)x);
    const Hj__Tally__CommunityBoard *c = board_community(s_ctx.b, *(const size_t *)y);
    int r = 0;
    switch (s_ctx.sort) {
    case SORT_NAME:
        r = strcmp(a->name, c->name);
        break;
    case SORT_RED:
        /* Most red first: those are the ones to chase. */
        r = a->red_gates > c->red_gates ? -1 : a->red_gates < c->red_gates;
        break;
    case SORT_DATE: {
        /* Soonest first; no date last. */
        int ha = a->election_date[0] != 0, hc = c->election_date[0] != 0;
        r = ha != hc ? hc - ha : strcmp(a->election_date, c->election_date);
        break;
    }
    default:
        r = strcmp(a->code, c->code);
        break;
    }
    if (s_ctx.reverse)
        r = -r;
    return r ? r : strcmp(a->code, c->code);
}

size_t model_order(const board_t *b, sort_t sort, int reverse, const char *group, size_t *idx,
                   size_t max)
{
    return model_order_in(b, sort, reverse, NULL, group, idx, max);
}

size_t model_order_in(const board_t *b, sort_t sort, int reverse, const char *subdistrict,
                      const char *group, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < board_ncommunities(b) && n < max; i++) {
        const Hj__Tally__CommunityBoard *row = board_community(b, i);
        if (group && strcmp(row->guidance_group, group) != 0)
            continue;
        if (subdistrict && subdistrict[0] && strcmp(row->subdistrict, subdistrict) != 0)
            continue;
        idx[n++] = i;
    }
    s_ctx = (s_sort_ctx_t){b, sort, reverse};
    qsort(idx, n, sizeof *idx, s_compare);
    return n;
}

static int s_strcmp_p(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The distinct non-empty values of one text field of the rows, sorted. */
static size_t s_distinct(const board_t *b, int subdistrict, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < board_ncommunities(b); i++) {
        const Hj__Tally__CommunityBoard *row = board_community(b, i);
        const char *g = subdistrict ? row->subdistrict : row->guidance_group;
        if (!g[0])
            continue;
        size_t j = 0;
        while (j < n && strcmp(out[j], g) != 0)
            j++;
        if (j == n && n < max)
            out[n++] = g;
    }
    qsort(out, n, sizeof *out, s_strcmp_p);
    return n;
}

size_t model_groups(const board_t *b, const char **groups, size_t max)
{
    return s_distinct(b, 0, groups, max);
}

size_t model_subdistricts(const board_t *b, const char **subdistricts, size_t max)
{
    return s_distinct(b, 1, subdistricts, max);
}

void model_next_subdistrict(const board_t *b, const char *current, char *next, size_t size)
{
    const char *all[256];
    size_t n = model_subdistricts(b, all, 256), i = 0;
    /* From "" (all) to the first; from the last (or one gone from the board) back to all. */
    if (current[0])
        while (i < n && strcmp(all[i], current) != 0)
            i++;
    else
        i = (size_t)-1;
    snprintf(next, size, "%s", i + 1 < n ? all[i + 1] : "");
}
