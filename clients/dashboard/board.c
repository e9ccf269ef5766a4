/* board: the Clone-pattern state of the readiness board. See board.h. */
#include "board.h"

#include <stdlib.h>
#include <string.h>

#define S_DISTRICT "district"

typedef struct {
    char *topic;
    uint64_t seq;
    uint8_t *payload;
    size_t len;
} s_pending_t;

/* Owned messages kept in order of a string key (a community's code, an
 * election's id): the community rows and the live counts are both this. */
typedef struct {
    ProtobufCMessage **items;
    size_t n, cap;
    const char *(*key)(const ProtobufCMessage *m);
} s_set_t;

struct board {
    s_set_t rows;   /* CommunityBoard by code */
    s_set_t counts; /* Count by election id */
    Hj__Tally__DistrictTotals *district;
    uint64_t seq;
    int has_picture;
    int syncing;
    uint64_t version;
    unsigned snapshots, gaps;
    s_pending_t *pending;
    size_t npending, cap_pending;
};

static const char *s_row_key(const ProtobufCMessage *m)
{
    return ((const Hj__Tally__CommunityBoard *)m)->code;
}

static const char *s_count_key(const ProtobufCMessage *m)
{
    return ((const Hj__Tally__Count *)m)->election;
}

static void s_set_clear(s_set_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        protobuf_c_message_free_unpacked(s->items[i], NULL);
    s->n = 0;
}

/* The index of key, or where it would go (*found = 0). */
static size_t s_set_search(const s_set_t *s, const char *key, int *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->key(s->items[mid]), key);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static const ProtobufCMessage *s_set_find(const s_set_t *s, const char *key)
{
    int found;
    size_t at = s_set_search(s, key, &found);
    return found ? s->items[at] : NULL;
}

/* Takes ownership of m, replacing the one of the same key. 0, or -1 (an
 * empty key, or out of memory; m freed). */
static int s_set_put(s_set_t *s, ProtobufCMessage *m)
{
    int found;
    const char *key = s->key(m);
    if (!key[0]) {
        protobuf_c_message_free_unpacked(m, NULL);
        return -1;
    }
    size_t at = s_set_search(s, key, &found);
    if (found) {
        protobuf_c_message_free_unpacked(s->items[at], NULL);
        s->items[at] = m;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        ProtobufCMessage **grown = realloc(s->items, cap * sizeof *grown);
        if (!grown) {
            protobuf_c_message_free_unpacked(m, NULL);
            return -1;
        }
        s->items = grown;
        s->cap = cap;
    }
    memmove(s->items + at + 1, s->items + at, (s->n - at) * sizeof *s->items);
    s->items[at] = m;
    s->n++;
    return 0;
}

/* A message of our own, made from one inside a snapshot we do not keep. */
static ProtobufCMessage *s_copy(const ProtobufCMessage *m)
{
    size_t len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(len ? len : 1);
    ProtobufCMessage *copy = NULL;
    if (buf) {
        protobuf_c_message_pack(m, buf);
        copy = protobuf_c_message_unpack(m->descriptor, NULL, len, buf);
    }
    free(buf);
    return copy;
}

board_t *board_new(void)
{
    board_t *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->rows.key = s_row_key;
    b->counts.key = s_count_key;
    b->syncing = 1;
    return b;
}

static void s_clear_pending(board_t *b)
{
    for (size_t i = 0; i < b->npending; i++) {
        free(b->pending[i].topic);
        free(b->pending[i].payload);
    }
    b->npending = 0;
}

void board_destroy(board_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    board_t *b = *self_p;
    *self_p = NULL;
    s_set_clear(&b->rows);
    free(b->rows.items);
    s_set_clear(&b->counts);
    free(b->counts.items);
    if (b->district)
        hj__tally__district_totals__free_unpacked(b->district, NULL);
    s_clear_pending(b);
    free(b->pending);
    free(b);
}

static int s_starts(const char *topic, const char *prefix)
{
    return strncmp(topic, prefix, strlen(prefix)) == 0;
}

/* Applies one update whose seq is exactly the next one. */
static board_result_t s_apply(board_t *b, const char *topic, uint64_t seq, const uint8_t *payload,
                              size_t len)
{
    if (s_starts(topic, BOARD_TOPIC_COUNT)) {
        Hj__Tally__Count *count = hj__tally__count__unpack(NULL, len, payload);
        if (!count || s_set_put(&b->counts, &count->base) != 0)
            return BOARD_INVALID;
    } else if (strcmp(topic + strlen(BOARD_TOPIC_BOARD), S_DISTRICT) == 0) {
        Hj__Tally__DistrictTotals *d = hj__tally__district_totals__unpack(NULL, len, payload);
        if (!d)
            return BOARD_INVALID;
        if (b->district)
            hj__tally__district_totals__free_unpacked(b->district, NULL);
        b->district = d;
    } else {
        Hj__Tally__CommunityBoard *row = hj__tally__community_board__unpack(NULL, len, payload);
        if (!row || s_set_put(&b->rows, &row->base) != 0)
            return BOARD_INVALID;
    }
    b->seq = seq;
    b->version++;
    return BOARD_APPLIED;
}

static int s_board_topic(const char *topic)
{
    static const char *const prefixes[] = {BOARD_TOPIC_BOARD, BOARD_TOPIC_COUNT};
    for (size_t i = 0; topic && i < 2; i++)
        if (s_starts(topic, prefixes[i]) && topic[strlen(prefixes[i])])
            return 1;
    return 0;
}

static int s_buffer(board_t *b, const char *topic, uint64_t seq, const uint8_t *payload, size_t len)
{
    if (b->npending == BOARD_BUFFER_MAX) {
        free(b->pending[0].topic);
        free(b->pending[0].payload);
        memmove(b->pending, b->pending + 1, (b->npending - 1) * sizeof *b->pending);
        b->npending--;
    }
    if (b->npending == b->cap_pending) {
        size_t cap = b->cap_pending ? b->cap_pending * 2 : 64;
        s_pending_t *grown = realloc(b->pending, cap * sizeof *grown);
        if (!grown)
            return -1;
        b->pending = grown;
        b->cap_pending = cap;
    }
    s_pending_t *p = &b->pending[b->npending];
    p->topic = strdup(topic);
    p->payload = malloc(len ? len : 1);
    p->seq = seq;
    p->len = len;
    if (!p->topic || !p->payload) {
        free(p->topic);
        free(p->payload);
        return -1;
    }
    memcpy(p->payload, payload, len);
    b->npending++;
    return 0;
}

board_result_t board_update(board_t *b, const char *topic, uint64_t seq, const uint8_t *payload,
                            size_t len)
{
    if (!s_board_topic(topic))
        return BOARD_INVALID;
    if (b->syncing) {
        /* Until the snapshot: keep everything. The snapshot decides what is
         * old (after a restart of hj-tallyd even a small seq may be new). */
        return s_buffer(b, topic, seq, payload, len) == 0 ? BOARD_BUFFERED : BOARD_INVALID;
    }
    if (seq <= b->seq)
        return BOARD_STALE;
    if (seq > b->seq + 1) {
        b->gaps++;
        b->syncing = 1;
        s_buffer(b, topic, seq, payload, len);
        return BOARD_GAP;
    }
    return s_apply(b, topic, seq, payload, len);
}

static int s_by_seq(const void *x, const void *y)
{
    const s_pending_t *a = x, *c = y;
    return a->seq < c->seq ? -1 : a->seq > c->seq;
}

void board_apply_snapshot(board_t *b, const Hj__Tally__Snapshot *snap)
{
    s_set_clear(&b->rows);
    for (size_t i = 0; i < snap->n_communities; i++) {
        ProtobufCMessage *row = s_copy(&snap->communities[i]->base);
        if (row)
            s_set_put(&b->rows, row);
    }
    s_set_clear(&b->counts);
    for (size_t i = 0; i < snap->n_counts; i++) {
        ProtobufCMessage *count = s_copy(&snap->counts[i]->base);
        if (count)
            s_set_put(&b->counts, count);
    }
    if (b->district)
        hj__tally__district_totals__free_unpacked(b->district, NULL);
    b->district =
        snap->district ? (Hj__Tally__DistrictTotals *)s_copy(&snap->district->base) : NULL;
    b->seq = snap->tally_seq;
    b->has_picture = 1;
    b->syncing = 0;
    b->snapshots++;
    b->version++;

    /* The updates that came while we waited, oldest first: the ones the
     * snapshot already holds are dropped, the rest must follow on without
     * a hole. */
    if (b->npending > 1)
        qsort(b->pending, b->npending, sizeof *b->pending, s_by_seq);
    size_t i = 0;
    for (; i < b->npending; i++) {
        s_pending_t *p = &b->pending[i];
        if (p->seq <= b->seq)
            continue;
        if (p->seq > b->seq + 1) {
            b->gaps++;
            b->syncing = 1;
            break;
        }
        s_apply(b, p->topic, p->seq, p->payload, p->len);
    }
    /* Keep what lies beyond a gap: the next snapshot may not cover it all. */
    size_t keep = 0;
    for (size_t j = 0; j < b->npending; j++) {
        if (j >= i && b->pending[j].seq > b->seq) {
            b->pending[keep++] = b->pending[j];
        } else {
            free(b->pending[j].topic);
            free(b->pending[j].payload);
        }
    }
    b->npending = keep;
}

void board_resync(board_t *b)
{
    b->syncing = 1;
}

int board_wants_snapshot(const board_t *b)
{
    return b->syncing;
}

int board_has_picture(const board_t *b)
{
    return b->has_picture;
}

uint64_t board_seq(const board_t *b)
{
    return b->seq;
}

uint64_t board_version(const board_t *b)
{
    return b->version;
}

unsigned board_snapshots(const board_t *b)
{
    return b->snapshots;
}

unsigned board_gaps(const board_t *b)
{
    return b->gaps;
}

size_t board_buffered(const board_t *b)
{
    return b->npending;
}

size_t board_ncommunities(const board_t *b)
{
    return b->rows.n;
}

const Hj__Tally__CommunityBoard *board_community(const board_t *b, size_t i)
{
    return i < b->rows.n ? (const Hj__Tally__CommunityBoard *)b->rows.items[i] : NULL;
}

const Hj__Tally__CommunityBoard *board_find(const board_t *b, const char *code)
{
    return (const Hj__Tally__CommunityBoard *)s_set_find(&b->rows, code);
}

const Hj__Tally__DistrictTotals *board_district(const board_t *b)
{
    return b->district;
}

size_t board_ncounts(const board_t *b)
{
    return b->counts.n;
}

const Hj__Tally__Count *board_count(const board_t *b, size_t i)
{
    return i < b->counts.n ? (const Hj__Tally__Count *)b->counts.items[i] : NULL;
}

const Hj__Tally__Count *board_find_count(const board_t *b, const char *election)
{
    return (const Hj__Tally__Count *)s_set_find(&b->counts, election);
}
