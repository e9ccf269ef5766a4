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

struct board {
    Hj__Tally__CommunityBoard **rows;  /* each owned, ordered by code */
    size_t count, cap;
    Hj__Tally__DistrictTotals *district;
    Hj__Tally__Count **counts;         /* each owned, ordered by election id */
    size_t ncounts, cap_counts;
    uint64_t seq;
    int has_picture;
    int syncing;
    uint64_t version;
    unsigned snapshots, gaps;
    s_pending_t *pending;
    size_t npending, cap_pending;
};

board_t *board_new(void)
{
    board_t *b = calloc(1, sizeof *b);
    if (b)
        b->syncing = 1;
    return b;
}

static void s_clear_rows(board_t *b)
{
    for (size_t i = 0; i < b->count; i++)
        hj__tally__community_board__free_unpacked(b->rows[i], NULL);
    b->count = 0;
}

static void s_clear_counts(board_t *b)
{
    for (size_t i = 0; i < b->ncounts; i++)
        hj__tally__count__free_unpacked(b->counts[i], NULL);
    b->ncounts = 0;
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
    s_clear_rows(b);
    free(b->rows);
    s_clear_counts(b);
    free(b->counts);
    if (b->district)
        hj__tally__district_totals__free_unpacked(b->district, NULL);
    s_clear_pending(b);
    free(b->pending);
    free(b);
}

/* The row of `code`, or where it would go (*found = 0). */
static size_t s_search(const board_t *b, const char *code, int *found)
{
    size_t lo = 0, hi = b->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b->rows[mid]->code, code);
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

/* Takes ownership of row. 0 / -1 (out of memory: row freed). */
static int s_put_row(board_t *b, Hj__Tally__CommunityBoard *row)
{
    int found;
    size_t at = s_search(b, row->code, &found);
    if (found) {
        hj__tally__community_board__free_unpacked(b->rows[at], NULL);
        b->rows[at] = row;
        return 0;
    }
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        Hj__Tally__CommunityBoard **grown = realloc(b->rows, cap * sizeof *grown);
        if (!grown) {
            hj__tally__community_board__free_unpacked(row, NULL);
            return -1;
        }
        b->rows = grown;
        b->cap = cap;
    }
    memmove(b->rows + at + 1, b->rows + at, (b->count - at) * sizeof *b->rows);
    b->rows[at] = row;
    b->count++;
    return 0;
}

/* Takes ownership of count. 0 / -1 (out of memory: count freed). */
static int s_put_count(board_t *b, Hj__Tally__Count *count)
{
    size_t lo = 0, hi = b->ncounts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b->counts[mid]->election, count->election);
        if (c == 0) {
            hj__tally__count__free_unpacked(b->counts[mid], NULL);
            b->counts[mid] = count;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (b->ncounts == b->cap_counts) {
        size_t cap = b->cap_counts ? b->cap_counts * 2 : 8;
        Hj__Tally__Count **grown = realloc(b->counts, cap * sizeof *grown);
        if (!grown) {
            hj__tally__count__free_unpacked(count, NULL);
            return -1;
        }
        b->counts = grown;
        b->cap_counts = cap;
    }
    memmove(b->counts + lo + 1, b->counts + lo, (b->ncounts - lo) * sizeof *b->counts);
    b->counts[lo] = count;
    b->ncounts++;
    return 0;
}

/* Applies one update whose seq is exactly the next one. */
static board_result_t s_apply(board_t *b, const char *topic, uint64_t seq, const uint8_t *payload,
                              size_t len)
{
    if (strncmp(topic, BOARD_TOPIC_COUNT, strlen(BOARD_TOPIC_COUNT)) == 0) {
        Hj__Tally__Count *count = hj__tally__count__unpack(NULL, len, payload);
        if (!count)
            return BOARD_INVALID;
        if (!count->election[0]) {
            hj__tally__count__free_unpacked(count, NULL);
            return BOARD_INVALID;
        }
        if (s_put_count(b, count) != 0)
            return BOARD_INVALID;
        b->seq = seq;
        b->version++;
        return BOARD_APPLIED;
    }
    const char *what = topic + strlen(BOARD_TOPIC_BOARD);
    if (strcmp(what, S_DISTRICT) == 0) {
        Hj__Tally__DistrictTotals *d = hj__tally__district_totals__unpack(NULL, len, payload);
        if (!d)
            return BOARD_INVALID;
        if (b->district)
            hj__tally__district_totals__free_unpacked(b->district, NULL);
        b->district = d;
    } else {
        Hj__Tally__CommunityBoard *row = hj__tally__community_board__unpack(NULL, len, payload);
        if (!row)
            return BOARD_INVALID;
        if (!row->code[0]) {
            hj__tally__community_board__free_unpacked(row, NULL);
            return BOARD_INVALID;
        }
        if (s_put_row(b, row) != 0)
            return BOARD_INVALID;
    }
    b->seq = seq;
    b->version++;
    return BOARD_APPLIED;
}

static int s_board_topic(const char *topic)
{
    static const char *const prefixes[] = {BOARD_TOPIC_BOARD, BOARD_TOPIC_COUNT};
    for (size_t i = 0; topic && i < 2; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(topic, prefixes[i], n) == 0 && topic[n])
            return 1;
    }
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

static Hj__Tally__CommunityBoard *s_copy_row(const Hj__Tally__CommunityBoard *row)
{
    size_t len = hj__tally__community_board__get_packed_size(row);
    uint8_t *buf = malloc(len ? len : 1);
    Hj__Tally__CommunityBoard *copy = NULL;
    if (buf) {
        hj__tally__community_board__pack(row, buf);
        copy = hj__tally__community_board__unpack(NULL, len, buf);
    }
    free(buf);
    return copy;
}

static Hj__Tally__Count *s_copy_count(const Hj__Tally__Count *k)
{
    size_t len = hj__tally__count__get_packed_size(k);
    uint8_t *buf = malloc(len ? len : 1);
    Hj__Tally__Count *copy = NULL;
    if (buf) {
        hj__tally__count__pack(k, buf);
        copy = hj__tally__count__unpack(NULL, len, buf);
    }
    free(buf);
    return copy;
}

static Hj__Tally__DistrictTotals *s_copy_district(const Hj__Tally__DistrictTotals *d)
{
    size_t len = hj__tally__district_totals__get_packed_size(d);
    uint8_t *buf = malloc(len ? len : 1);
    Hj__Tally__DistrictTotals *copy = NULL;
    if (buf) {
        hj__tally__district_totals__pack(d, buf);
        copy = hj__tally__district_totals__unpack(NULL, len, buf);
    }
    free(buf);
    return copy;
}

void board_apply_snapshot(board_t *b, const Hj__Tally__Snapshot *snap)
{
    s_clear_rows(b);
    for (size_t i = 0; i < snap->n_communities; i++) {
        Hj__Tally__CommunityBoard *row = s_copy_row(snap->communities[i]);
        if (row && row->code[0])
            s_put_row(b, row);
        else if (row)
            hj__tally__community_board__free_unpacked(row, NULL);
    }
    s_clear_counts(b);
    for (size_t i = 0; i < snap->n_counts; i++) {
        Hj__Tally__Count *count = s_copy_count(snap->counts[i]);
        if (count && count->election[0])
            s_put_count(b, count);
        else if (count)
            hj__tally__count__free_unpacked(count, NULL);
    }
    if (b->district)
        hj__tally__district_totals__free_unpacked(b->district, NULL);
    b->district = snap->district ? s_copy_district(snap->district) : NULL;
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
    for (size_t j = i; j < b->npending; j++) {
        if (b->pending[j].seq > b->seq) {
            b->pending[keep++] = b->pending[j];
        } else {
            free(b->pending[j].topic);
            free(b->pending[j].payload);
        }
    }
    for (size_t j = 0; j < i; j++) {
        free(b->pending[j].topic);
        free(b->pending[j].payload);
    }
    b->npending = keep;
    if (!b->syncing)
        s_clear_pending(b);
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
    return b->count;
}

const Hj__Tally__CommunityBoard *board_community(const board_t *b, size_t i)
{
    return i < b->count ? b->rows[i] : NULL;
}

const Hj__Tally__CommunityBoard *board_find(const board_t *b, const char *code)
{
    int found;
    size_t at = s_search(b, code, &found);
    return found ? b->rows[at] : NULL;
}

const Hj__Tally__DistrictTotals *board_district(const board_t *b)
{
    return b->district;
}

size_t board_ncounts(const board_t *b)
{
    return b->ncounts;
}

const Hj__Tally__Count *board_count(const board_t *b, size_t i)
{
    return i < b->ncounts ? b->counts[i] : NULL;
}

const Hj__Tally__Count *board_find_count(const board_t *b, const char *election)
{
    for (size_t i = 0; i < b->ncounts; i++)
        if (strcmp(b->counts[i]->election, election) == 0)
            return b->counts[i];
    return NULL;
}
