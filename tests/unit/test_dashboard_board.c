/* hj-top's Clone-pattern board: snapshot then updates, stale updates
 * ignored, a gap asks for a new snapshot, a reconnect keeps the picture. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

typedef struct {
    uint8_t *data;
    size_t len;
} s_packed_t;

static s_packed_t s_row(const char *code, const char *name, uint32_t red, uint64_t seq)
{
    Hj__Tally__CommunityBoard row = HJ__TALLY__COMMUNITY_BOARD__INIT;
    row.code = (char *)code;
    row.name = (char *)name;
    row.red_gates = red;
    row.tally_seq = seq;
    s_packed_t p;
    p.len = hj__tally__community_board__get_packed_size(&row);
    p.data = malloc(p.len ? p.len : 1);
    hj__tally__community_board__pack(&row, p.data);
    return p;
}

static s_packed_t s_district(uint32_t communities, uint32_t all_green, uint64_t seq)
{
    Hj__Tally__DistrictTotals d = HJ__TALLY__DISTRICT_TOTALS__INIT;
    d.communities = communities;
    d.all_green = all_green;
    d.tally_seq = seq;
    s_packed_t p;
    p.len = hj__tally__district_totals__get_packed_size(&d);
    p.data = malloc(p.len ? p.len : 1);
    hj__tally__district_totals__pack(&d, p.data);
    return p;
}

static board_result_t s_update(board_t *b, const char *code, const char *name, uint32_t red,
                               uint64_t seq)
{
    char topic[64];
    snprintf(topic, sizeof topic, "tally.board.%s", code);
    s_packed_t p = s_row(code, name, red, seq);
    board_result_t r = board_update(b, topic, seq, p.data, p.len);
    free(p.data);
    return r;
}

/* A snapshot of n communities C01.. with red gates = red, at seq. */
static void s_snapshot(board_t *b, uint64_t seq, int n, uint32_t red)
{
    Hj__Tally__Snapshot snap = HJ__TALLY__SNAPSHOT__INIT;
    Hj__Tally__CommunityBoard rows[8], *ptrs[8];
    Hj__Tally__DistrictTotals d = HJ__TALLY__DISTRICT_TOTALS__INIT;
    char codes[8][16];
    for (int i = 0; i < n; i++) {
        hj__tally__community_board__init(&rows[i]);
        snprintf(codes[i], sizeof codes[i], "C%02d", i + 1);
        rows[i].code = codes[i];
        rows[i].name = "滨河社区";
        rows[i].red_gates = red;
        ptrs[i] = &rows[i];
    }
    d.communities = (uint32_t)n;
    d.tally_seq = seq;
    snap.tally_seq = seq;
    snap.n_communities = (size_t)n;
    snap.communities = ptrs;
    snap.district = &d;
    board_apply_snapshot(b, &snap);
}

static uint32_t s_red(board_t *b, const char *code)
{
    const Hj__Tally__CommunityBoard *row = board_find(b, code);
    cr_assert_not_null(row, "%s is on the board", code);
    return row->red_gates;
}

Test(dashboard_board, waits_for_a_snapshot_and_buffers_updates_until_then)
{
    board_t *b = board_new();
    cr_assert(board_wants_snapshot(b));
    cr_assert_not(board_has_picture(b));
    cr_assert_eq(s_update(b, "C01", "滨河社区", 3, 4), BOARD_BUFFERED);
    cr_assert_eq(s_update(b, "C01", "滨河社区", 2, 5), BOARD_BUFFERED);
    cr_assert_eq(s_update(b, "C02", "康和社区", 7, 6), BOARD_BUFFERED);
    cr_assert_eq(board_ncommunities(b), 0, "nothing shown before the snapshot");
    cr_assert_eq(board_buffered(b), 3);
    board_destroy(&b);
    cr_assert_null(b);
    board_destroy(&b);
}

Test(dashboard_board, snapshot_then_only_newer_buffered_updates_in_order)
{
    board_t *b = board_new();
    /* arrived before the snapshot, out of order: 6 and 7 are newer than it */
    s_update(b, "C01", "滨河社区", 1, 7);
    s_update(b, "C01", "滨河社区", 9, 4); /* older than the snapshot */
    s_update(b, "C02", "康和社区", 5, 6);
    s_update(b, "C01", "滨河社区", 8, 5); /* = the snapshot's own change */
    s_snapshot(b, 5, 3, 4);
    cr_assert_not(board_wants_snapshot(b));
    cr_assert_eq(board_seq(b), 7);
    cr_assert_eq(s_red(b, "C01"), 1, "seq 7 applied last, 4 and 5 not at all");
    cr_assert_eq(s_red(b, "C02"), 5);
    cr_assert_eq(s_red(b, "C03"), 4, "untouched rows as in the snapshot");
    cr_assert_eq(board_buffered(b), 0);
    cr_assert_eq(board_snapshots(b), 1);
    cr_assert_eq(board_gaps(b), 0);
    board_destroy(&b);
}

Test(dashboard_board, live_updates_apply_in_sequence_and_stale_ones_are_ignored)
{
    board_t *b = board_new();
    s_snapshot(b, 10, 2, 3);
    uint64_t v = board_version(b);
    cr_assert_eq(s_update(b, "C01", "滨河社区", 2, 11), BOARD_APPLIED);
    cr_assert_eq(s_update(b, "C02", "康和社区", 1, 12), BOARD_APPLIED);
    cr_assert_gt(board_version(b), v);
    v = board_version(b);
    /* a late copy of a change the picture already holds */
    cr_assert_eq(s_update(b, "C01", "滨河社区", 8, 11), BOARD_STALE);
    cr_assert_eq(s_update(b, "C01", "滨河社区", 8, 9), BOARD_STALE);
    cr_assert_eq(s_update(b, "C02", "康和社区", 8, 12), BOARD_STALE);
    cr_assert_eq(s_red(b, "C01"), 2);
    cr_assert_eq(s_red(b, "C02"), 1);
    cr_assert_eq(board_seq(b), 12);
    cr_assert_eq(board_version(b), v, "a stale update does not redraw");
    cr_assert_not(board_wants_snapshot(b));
    board_destroy(&b);
}

Test(dashboard_board, a_gap_asks_for_a_new_snapshot_and_holds_later_updates)
{
    board_t *b = board_new();
    s_snapshot(b, 10, 2, 3);
    cr_assert_eq(s_update(b, "C01", "滨河社区", 2, 11), BOARD_APPLIED);
    /* 12 was lost on the bus */
    cr_assert_eq(s_update(b, "C02", "康和社区", 0, 13), BOARD_GAP);
    cr_assert(board_wants_snapshot(b));
    cr_assert_eq(board_gaps(b), 1);
    cr_assert_eq(s_red(b, "C02"), 3, "nothing after the gap is applied yet");
    cr_assert_eq(s_update(b, "C01", "滨河社区", 0, 14), BOARD_BUFFERED);
    cr_assert_eq(board_seq(b), 11);
    /* the new snapshot holds 12 and 13; 14 follows on */
    s_snapshot(b, 13, 2, 6);
    cr_assert_not(board_wants_snapshot(b));
    cr_assert_eq(board_seq(b), 14);
    cr_assert_eq(s_red(b, "C01"), 0);
    cr_assert_eq(s_red(b, "C02"), 6);
    cr_assert_eq(s_update(b, "C02", "康和社区", 1, 15), BOARD_APPLIED);
    board_destroy(&b);
}

Test(dashboard_board, a_snapshot_older_than_the_buffered_updates_asks_again)
{
    board_t *b = board_new();
    /* subscribed late: 11 and 12 were published before our subscription
     * took effect, and the snapshot is from before them */
    s_update(b, "C01", "滨河社区", 1, 13);
    s_update(b, "C02", "康和社区", 1, 14);
    s_snapshot(b, 10, 2, 5);
    cr_assert(board_wants_snapshot(b), "10 -> 13 is a gap");
    cr_assert(board_has_picture(b));
    cr_assert_eq(board_seq(b), 10);
    cr_assert_eq(board_buffered(b), 2, "13 and 14 are kept for the next snapshot");
    s_snapshot(b, 13, 2, 5);
    cr_assert_not(board_wants_snapshot(b));
    cr_assert_eq(board_seq(b), 14);
    cr_assert_eq(s_red(b, "C02"), 1);
    cr_assert_eq(s_red(b, "C01"), 5, "13 is in the snapshot; its copy is not re-applied");
    board_destroy(&b);
}

Test(dashboard_board, reconnect_keeps_the_picture_until_the_new_snapshot)
{
    board_t *b = board_new();
    s_snapshot(b, 20, 3, 2);
    board_resync(b);
    cr_assert(board_wants_snapshot(b));
    cr_assert(board_has_picture(b));
    cr_assert_eq(board_ncommunities(b), 3, "the last picture stays on screen");
    cr_assert_eq(s_update(b, "C01", "滨河社区", 0, 31), BOARD_BUFFERED);
    s_snapshot(b, 30, 4, 1);
    cr_assert_eq(board_ncommunities(b), 4);
    cr_assert_eq(board_seq(b), 31);
    cr_assert_eq(s_red(b, "C01"), 0);
    cr_assert_eq(s_red(b, "C04"), 1);
    board_destroy(&b);
}

Test(dashboard_board, a_restarted_tally_sequence_is_taken_from_the_new_snapshot)
{
    board_t *b = board_new();
    s_snapshot(b, 500, 2, 2);
    board_resync(b);
    /* after the reconnect the sequence starts again lower: only the
     * snapshot can say what is new, so nothing is dropped before it */
    cr_assert_eq(s_update(b, "C01", "滨河社区", 0, 3), BOARD_BUFFERED);
    s_snapshot(b, 2, 2, 4);
    cr_assert_eq(board_seq(b), 3);
    cr_assert_eq(s_red(b, "C01"), 0);
    cr_assert_eq(s_red(b, "C02"), 4);
    board_destroy(&b);
}

Test(dashboard_board, the_snapshot_replaces_rows_and_district)
{
    board_t *b = board_new();
    s_snapshot(b, 5, 4, 1);
    cr_assert_eq(board_ncommunities(b), 4);
    cr_assert_eq(board_district(b)->communities, 4);
    s_snapshot(b, 9, 2, 1);
    cr_assert_eq(board_ncommunities(b), 2, "rows not in the new snapshot are gone");
    cr_assert_null(board_find(b, "C03"));
    cr_assert_eq(board_district(b)->communities, 2);
    board_destroy(&b);
}

Test(dashboard_board, district_and_new_community_updates)
{
    board_t *b = board_new();
    s_snapshot(b, 1, 2, 0);
    s_packed_t d = s_district(3, 1, 2);
    cr_assert_eq(board_update(b, "tally.board.district", 2, d.data, d.len), BOARD_APPLIED);
    free(d.data);
    cr_assert_eq(board_district(b)->communities, 3);
    cr_assert_eq(board_district(b)->all_green, 1);
    /* a community added after the snapshot is inserted in code order */
    cr_assert_eq(s_update(b, "B00", "新城社区", 8, 3), BOARD_APPLIED);
    cr_assert_eq(board_ncommunities(b), 3);
    cr_assert_str_eq(board_community(b, 0)->code, "B00");
    cr_assert_str_eq(board_community(b, 1)->code, "C01");
    cr_assert_str_eq(board_community(b, 0)->name, "新城社区");
    board_destroy(&b);
}

Test(dashboard_board, what_is_not_a_board_update_changes_nothing)
{
    board_t *b = board_new();
    s_snapshot(b, 1, 1, 0);
    uint8_t junk[] = {0xff, 0xff, 0xff};
    cr_assert_eq(board_update(b, "tally.board.C01", 2, junk, sizeof junk), BOARD_INVALID);
    cr_assert_eq(board_update(b, "tally.count.E1", 2, junk, 0), BOARD_INVALID);
    cr_assert_eq(board_update(b, "registry.community_added.C01", 2, junk, 0), BOARD_INVALID);
    cr_assert_eq(board_update(b, "tally.board.", 2, junk, 0), BOARD_INVALID);
    cr_assert_eq(board_seq(b), 1);
    cr_assert_not(board_wants_snapshot(b));
    board_destroy(&b);
}

Test(dashboard_board, a_flood_before_the_snapshot_keeps_the_newest)
{
    board_t *b = board_new();
    for (uint64_t s = 1; s <= BOARD_BUFFER_MAX + 100; s++)
        s_update(b, "C01", "滨河社区", (uint32_t)(s % 7), s);
    cr_assert_eq(board_buffered(b), BOARD_BUFFER_MAX);
    s_snapshot(b, 200, 1, 0);
    cr_assert_not(board_wants_snapshot(b));
    cr_assert_eq(board_seq(b), BOARD_BUFFER_MAX + 100);
    cr_assert_eq(s_red(b, "C01"), (BOARD_BUFFER_MAX + 100) % 7);
    board_destroy(&b);
}

static s_packed_t s_count(const char *election, uint32_t counted, uint64_t votes)
{
    Hj__Tally__PersonCount p = HJ__TALLY__PERSON_COUNT__INIT, *pp[] = {&p};
    Hj__Tally__Count k = HJ__TALLY__COUNT__INIT;
    k.election = (char *)election;
    k.community = "C01";
    k.body = "residents";
    k.counted = counted;
    p.name = "候选人1";
    p.votes = votes;
    k.n_persons = 1;
    k.persons = pp;
    s_packed_t out;
    out.len = hj__tally__count__get_packed_size(&k);
    out.data = malloc(out.len ? out.len : 1);
    hj__tally__count__pack(&k, out.data);
    return out;
}

Test(dashboard_board, count_updates_share_the_sequence_with_the_board)
{
    board_t *b = board_new();
    s_snapshot(b, 10, 2, 1);
    cr_assert_eq(board_ncounts(b), 0);
    cr_assert_eq(s_update(b, "C01", "滨河社区", 0, 11), BOARD_APPLIED);
    s_packed_t k = s_count("e-1", 3, 2);
    cr_assert_eq(board_update(b, "tally.count.e-1", 12, k.data, k.len), BOARD_APPLIED);
    free(k.data);
    /* the board's next update follows the count's seq: no gap */
    cr_assert_eq(s_update(b, "C02", "康和社区", 0, 13), BOARD_APPLIED);
    cr_assert_not(board_wants_snapshot(b));
    k = s_count("e-1", 4, 3);
    cr_assert_eq(board_update(b, "tally.count.e-1", 14, k.data, k.len), BOARD_APPLIED);
    free(k.data);
    cr_assert_eq(board_ncounts(b), 1);
    cr_assert_eq(board_find_count(b, "e-1")->counted, 4);
    cr_assert_eq(board_count(b, 0)->persons[0]->votes, 3);
    /* a stale copy of the first count changes nothing */
    k = s_count("e-1", 3, 2);
    cr_assert_eq(board_update(b, "tally.count.e-1", 12, k.data, k.len), BOARD_STALE);
    free(k.data);
    cr_assert_eq(board_find_count(b, "e-1")->counted, 4);
    board_destroy(&b);
}

Test(dashboard_board, the_snapshot_carries_the_counts)
{
    board_t *b = board_new();
    /* a count update before the snapshot waits for it like any other */
    s_packed_t k = s_count("e-2", 9, 5);
    cr_assert_eq(board_update(b, "tally.count.e-2", 8, k.data, k.len), BOARD_BUFFERED);
    free(k.data);
    Hj__Tally__PersonCount p = HJ__TALLY__PERSON_COUNT__INIT, *pp[] = {&p};
    Hj__Tally__Count c1 = HJ__TALLY__COUNT__INIT, c2 = HJ__TALLY__COUNT__INIT, *cs[] = {&c2, &c1};
    c1.election = "e-1";
    c2.election = "e-2";
    c2.counted = 7;
    c2.n_persons = 1;
    c2.persons = pp;
    p.name = "候选人1";
    Hj__Tally__Snapshot snap = HJ__TALLY__SNAPSHOT__INIT;
    snap.tally_seq = 7;
    snap.n_counts = 2;
    snap.counts = cs;
    board_apply_snapshot(b, &snap);
    cr_assert_eq(board_ncounts(b), 2);
    cr_assert_str_eq(board_count(b, 0)->election, "e-1", "ordered by election id");
    cr_assert_eq(board_find_count(b, "e-2")->counted, 9, "seq 8 applied after the snapshot");
    cr_assert_eq(board_seq(b), 8);
    /* a later snapshot without an election drops its count */
    snap.tally_seq = 20;
    snap.n_counts = 1;
    snap.counts = &cs[1];
    board_apply_snapshot(b, &snap);
    cr_assert_eq(board_ncounts(b), 1);
    cr_assert_null(board_find_count(b, "e-2"));
    board_destroy(&b);
}
