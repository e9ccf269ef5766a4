/* livecount: quorum and election lines, and bars, of a live count. */
#include "livecount.h"

#include <stdio.h>
#include <string.h>

const Hj__Tally__Election *livecount_election(const board_t *b, const char *election_id,
                                              const Hj__Tally__CommunityBoard **row)
{
    for (size_t i = 0; i < board_ncommunities(b); i++) {
        const Hj__Tally__CommunityBoard *r = board_community(b, i);
        for (size_t j = 0; j < r->n_elections; j++)
            if (strcmp(r->elections[j]->id, election_id) == 0) {
                if (row)
                    *row = r;
                return r->elections[j];
            }
    }
    if (row)
        *row = NULL;
    return NULL;
}

/* The profile by name; else the only built-in one for the body. */
static int s_profile(const char *name, const char *body, tally_profile_t *p)
{
    if (name && name[0] && tally_profile_load_builtin(name, p, NULL))
        return 0;
    int found = 0;
    tally_profile_t candidate;
    for (size_t i = 0; tally_profile_builtin_name(i); i++) {
        if (!tally_profile_load_builtin(tally_profile_builtin_name(i), &candidate, NULL))
            continue;
        int party = candidate.body == TALLY_BODY_PARTY;
        if ((party && strcmp(body, "party") == 0) || (!party && strcmp(body, "residents") == 0)) {
            *p = candidate;
            found++;
        }
    }
    return found == 1 ? 0 : -1;
}

static uint64_t s_quantity(const Hj__Tally__Count *k, tally_qty_t q)
{
    switch (q) {
    case TALLY_QTY_PRESENT:
        return k->present;
    case TALLY_QTY_CAST:
    case TALLY_QTY_RETURNED:
        return k->returned;
    case TALLY_QTY_ISSUED:
        return k->issued;
    case TALLY_QTY_ELECTORATE:
        return k->electorate;
    case TALLY_QTY_SEATS:
        return k->seats_to_fill;
    default:
        return 0;
    }
}

int livecount_lines(const Hj__Tally__Count *k, const char *profile, const char *mode,
                    livecount_lines_t *out)
{
    tally_profile_t p;
    memset(out, 0, sizeof *out);
    if (s_profile(profile, k->body, &p) != 0)
        return -1;
    out->mode = TALLY_MODE_ORDINARY;
    for (int m = 0; mode && mode[0] && m < TALLY_MODE_COUNT; m++)
        if (strcmp(tally_profile_mode_name((tally_mode_t)m), mode) == 0)
            out->mode = (tally_mode_t)m;
    snprintf(out->profile, sizeof out->profile, "%s", p.name);
    out->quorum = p.quorum[out->mode];
    out->quorum_qty = out->quorum.lhs;
    out->quorum_have = s_quantity(k, out->quorum.lhs);
    out->electorate = s_quantity(k, out->quorum.base);
    out->quorum_min = tally_profile_rule_min(&out->quorum, out->electorate);
    out->quorum_met = tally_profile_rule_holds(&out->quorum, out->quorum_have, out->electorate);
    /* The round's kind decides which rule elects. */
    out->elected = strcmp(k->round_kind, "further") == 0  ? p.further_elected
                   : strcmp(k->round_kind, "revote") == 0 ? p.revote_elected
                                                          : p.elected;
    out->elected_qty = out->elected.base;
    out->elected_base = s_quantity(k, out->elected.base);
    out->elected_min = tally_profile_rule_min(&out->elected, out->elected_base);
    out->known = 1;
    return 0;
}

uint64_t livecount_projected(const Hj__Tally__Count *k, uint64_t votes)
{
    if (k->complete || k->counted == 0 || k->returned <= k->counted)
        return votes;
    return votes * k->returned / k->counted;
}

unsigned livecount_turnout_per_mille(const livecount_lines_t *lines)
{
    if (!lines->known || !lines->electorate)
        return 0;
    return (unsigned)(lines->quorum_have * 1000 / lines->electorate);
}

uint64_t livecount_scale(const Hj__Tally__Count *k, const livecount_lines_t *lines)
{
    uint64_t scale = lines && lines->known ? lines->elected_base : 0;
    if (!scale)
        scale = k->returned;
    for (size_t i = 0; i < k->n_persons; i++)
        if (livecount_projected(k, k->persons[i]->votes) > scale)
            scale = livecount_projected(k, k->persons[i]->votes);
    return scale;
}

void livecount_bar(char *dst, size_t size, uint64_t value, uint64_t scale, int width, uint64_t mark)
{
    if (size == 0)
        return;
    if (width < 0)
        width = 0;
    if ((size_t)width + 1 > size)
        width = (int)size - 1;
    int filled =
        scale ? (int)(value >= scale ? (uint64_t)width : value * (uint64_t)width / scale) : 0;
    for (int i = 0; i < width; i++)
        dst[i] = i < filled ? '#' : '.';
    /* The mark sits on the first column a bar must reach to meet it. */
    if (mark && scale && mark <= scale && width > 0) {
        int at = (int)((mark * (uint64_t)width + scale - 1) / scale) - 1;
        dst[at < 0 ? 0 : at] = '|';
    }
    dst[width] = 0;
}
