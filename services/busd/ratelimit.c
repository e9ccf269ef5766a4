#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

/* Levels are kept in millionths of a token, so refill and retry-after are
 * exact integer arithmetic (no rounding drift in a long-lived bucket). */
#define S_UNIT 1000000ULL
#define S_SLOTS_MIN 64

typedef struct s_bucket {
    struct s_bucket *next;
    uint64_t hash;
    uint64_t level;     /* millionths of a token */
    uint64_t at_ms;     /* when level was last brought up to date */
    uint32_t held;      /* requests queued or in flight */
    uint64_t refused;   /* refusals not yet reported */
    uint64_t logged_ms; /* when they were last reported */
    int logged;
    char name[];
} s_bucket_t;

struct hj_ratelimit {
    uint64_t per_ms;      /* refill, millionths of a token a millisecond */
    uint64_t full;        /* burst, in millionths */
    uint64_t interval_ms; /* of the refusal reports (the last one asked for) */
    s_bucket_t **slots;
    size_t nslots; /* a power of two */
    size_t count;
    size_t cursor; /* the next slot the sweep looks at */
};

static uint64_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

hj_ratelimit_t *hj_ratelimit_new(uint32_t rate_per_s, uint32_t burst)
{
    if (rate_per_s == 0 || burst == 0)
        return NULL;
    hj_ratelimit_t *rl = calloc(1, sizeof *rl);
    if (!rl || !(rl->slots = calloc(S_SLOTS_MIN, sizeof *rl->slots))) {
        free(rl);
        return NULL;
    }
    rl->nslots = S_SLOTS_MIN;
    /* rate/s = rate * 10^6 millionths per 1000 ms */
    rl->per_ms = (uint64_t)rate_per_s * (S_UNIT / 1000);
    rl->full = (uint64_t)burst * S_UNIT;
    return rl;
}

void hj_ratelimit_destroy(hj_ratelimit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_ratelimit_t *rl = *self_p;
    *self_p = NULL;
    for (size_t i = 0; i < rl->nslots; i++)
        while (rl->slots[i]) {
            s_bucket_t *b = rl->slots[i];
            rl->slots[i] = b->next;
            free(b);
        }
    free(rl->slots);
    free(rl);
}

/* Brings b's level up to now. */
static void s_refill(const hj_ratelimit_t *rl, s_bucket_t *b, uint64_t now_ms)
{
    if (now_ms <= b->at_ms)
        return;
    uint64_t elapsed = now_ms - b->at_ms, missing = rl->full - b->level;
    /* Compared before multiplying: a bucket idle for months must not overflow. */
    b->level = elapsed >= missing / rl->per_ms + 1 ? rl->full : b->level + elapsed * rl->per_ms;
    if (b->level > rl->full)
        b->level = rl->full;
    b->at_ms = now_ms;
}

static s_bucket_t *s_find(const hj_ratelimit_t *rl, const char *device, uint64_t hash)
{
    for (s_bucket_t *b = rl->slots[hash & (rl->nslots - 1)]; b; b = b->next)
        if (b->hash == hash && strcmp(b->name, device) == 0)
            return b;
    return NULL;
}

/* Twice the slots once there are more buckets than slots: chains stay short. */
static void s_grow(hj_ratelimit_t *rl)
{
    size_t n = rl->nslots * 2;
    s_bucket_t **slots = calloc(n, sizeof *slots);
    if (!slots)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < rl->nslots; i++)
        while (rl->slots[i]) {
            s_bucket_t *b = rl->slots[i];
            rl->slots[i] = b->next;
            b->next = slots[b->hash & (n - 1)];
            slots[b->hash & (n - 1)] = b;
        }
    free(rl->slots);
    rl->slots = slots;
    rl->nslots = n;
    rl->cursor = 0;
}

/* device's bucket, made full at now_ms when it has none. NULL: out of memory. */
static s_bucket_t *s_bucket(hj_ratelimit_t *rl, const char *device, uint64_t now_ms)
{
    uint64_t hash = s_hash(device);
    s_bucket_t *b = s_find(rl, device, hash);
    if (b)
        return b;
    size_t len = strlen(device);
    if (!(b = calloc(1, sizeof *b + len + 1)))
        return NULL;
    memcpy(b->name, device, len + 1);
    b->hash = hash;
    b->level = rl->full;
    b->at_ms = now_ms;
    b->next = rl->slots[hash & (rl->nslots - 1)];
    rl->slots[hash & (rl->nslots - 1)] = b;
    if (++rl->count > rl->nslots)
        s_grow(rl);
    return b;
}

/* Forgets the idle buckets of one slot: full again, nothing held, and no
 * refusal reported within the interval (so a device that floods in spells
 * is still reported once per interval, not once per spell). */
static void s_sweep(hj_ratelimit_t *rl, uint64_t now_ms)
{
    s_bucket_t **pp = &rl->slots[rl->cursor];
    rl->cursor = (rl->cursor + 1) & (rl->nslots - 1);
    while (*pp) {
        s_bucket_t *b = *pp;
        s_refill(rl, b, now_ms);
        if (b->level == rl->full && b->held == 0 &&
            (!b->logged || now_ms - b->logged_ms >= rl->interval_ms)) {
            *pp = b->next;
            rl->count--;
            free(b);
        } else
            pp = &b->next;
    }
}

int hj_ratelimit_take(hj_ratelimit_t *rl, const char *device, uint64_t now_ms,
                      uint32_t *retry_after_ms)
{
    s_sweep(rl, now_ms);
    s_bucket_t *b = s_bucket(rl, device, now_ms);
    if (!b)
        return -1;
    s_refill(rl, b, now_ms);
    if (b->level >= S_UNIT) {
        b->level -= S_UNIT;
        return 1;
    }
    uint64_t wait = (S_UNIT - b->level + rl->per_ms - 1) / rl->per_ms;
    *retry_after_ms = wait < 1 ? 1 : wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
    return 0;
}

int hj_ratelimit_hold(hj_ratelimit_t *rl, const char *device, uint32_t max)
{
    s_bucket_t *b = s_bucket(rl, device, 0);
    if (!b)
        return -1;
    if (b->held >= max)
        return 0;
    b->held++;
    return 1;
}

void hj_ratelimit_release(hj_ratelimit_t *rl, const char *device)
{
    s_bucket_t *b = s_find(rl, device, s_hash(device));
    if (b && b->held > 0)
        b->held--;
}

uint32_t hj_ratelimit_held(const hj_ratelimit_t *rl, const char *device)
{
    const s_bucket_t *b = s_find(rl, device, s_hash(device));
    return b ? b->held : 0;
}

int hj_ratelimit_refused(hj_ratelimit_t *rl, const char *device, uint64_t now_ms,
                         uint64_t interval_ms, uint64_t *refused)
{
    s_bucket_t *b = s_bucket(rl, device, now_ms);
    rl->interval_ms = interval_ms;
    if (!b)
        return 0;
    b->refused++;
    if (b->logged && now_ms - b->logged_ms < interval_ms)
        return 0;
    *refused = b->refused;
    b->refused = 0;
    b->logged = 1;
    b->logged_ms = now_ms;
    return 1;
}

size_t hj_ratelimit_devices(const hj_ratelimit_t *rl)
{
    return rl->count;
}
