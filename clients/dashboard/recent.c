/* recent: a ring of the last journal events per community. See recent.h. */
#include "recent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *community;
    recent_event_t ring[RECENT_KEEP];
    size_t next; /* where the next event goes */
    size_t count;
} s_community_t;

struct recent {
    s_community_t *list; /* ordered by community code */
    size_t count, cap;
};

recent_t *recent_new(void)
{
    return calloc(1, sizeof(recent_t));
}

void recent_destroy(recent_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    recent_t *r = *self_p;
    *self_p = NULL;
    for (size_t i = 0; i < r->count; i++)
        free(r->list[i].community);
    free(r->list);
    free(r);
}

static s_community_t *s_find(const recent_t *r, const char *community, size_t *at)
{
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->list[mid].community, community);
        if (c == 0)
            return &r->list[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (at)
        *at = lo;
    return NULL;
}

void recent_add(recent_t *r, const char *community, uint64_t seq, int64_t time_us,
                const char *service, const char *kind, const char *actor)
{
    if (!community || !community[0] || strcmp(community, "-") == 0)
        return;
    size_t at = 0;
    s_community_t *c = s_find(r, community, &at);
    if (!c) {
        if (r->count == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 32;
            s_community_t *grown = realloc(r->list, cap * sizeof *grown);
            if (!grown)
                return;
            r->list = grown;
            r->cap = cap;
        }
        char *name = strdup(community);
        if (!name)
            return;
        memmove(r->list + at + 1, r->list + at, (r->count - at) * sizeof *r->list);
        c = &r->list[at];
        memset(c, 0, sizeof *c);
        c->community = name;
        r->count++;
    }
    recent_event_t *e = &c->ring[c->next];
    e->seq = seq;
    e->time_us = time_us;
    snprintf(e->what, sizeof e->what, "%s.%s", service ? service : "", kind ? kind : "");
    snprintf(e->actor, sizeof e->actor, "%s", actor ? actor : "");
    c->next = (c->next + 1) % RECENT_KEEP;
    if (c->count < RECENT_KEEP)
        c->count++;
}

size_t recent_count(const recent_t *r, const char *community)
{
    const s_community_t *c = s_find(r, community, NULL);
    return c ? c->count : 0;
}

const recent_event_t *recent_at(const recent_t *r, const char *community, size_t i)
{
    const s_community_t *c = s_find(r, community, NULL);
    if (!c || i >= c->count)
        return NULL;
    return &c->ring[(c->next + RECENT_KEEP - 1 - i) % RECENT_KEEP];
}
