#ifndef HJ_TOP_RECENT_H
#define HJ_TOP_RECENT_H
/* The last RECENT_KEEP journal events of each community seen since the
 * dashboard started (older ones are in the journal: hj watch, hj admin). */
#include <stddef.h>
#include <stdint.h>

#define RECENT_KEEP 20

typedef struct {
    uint64_t seq;    /* journal sequence */
    int64_t time_us; /* commit time, UTC */
    char what[96];   /* service.kind */
    char actor[64];
} recent_event_t;

typedef struct recent recent_t;

recent_t *recent_new(void);
void recent_destroy(recent_t **self_p);
/* Keeps one event of `community` (ignored when community is "" or "-"). */
void recent_add(recent_t *r, const char *community, uint64_t seq, int64_t time_us,
                const char *service, const char *kind, const char *actor);
/* How many are kept for community (at most RECENT_KEEP). */
size_t recent_count(const recent_t *r, const char *community);
/* The i-th newest (0 = the newest), or NULL. */
const recent_event_t *recent_at(const recent_t *r, const char *community, size_t i);

#endif
