#ifndef HJ_TOP_BOARD_H
#define HJ_TOP_BOARD_H
/* The readiness board as the dashboard knows it, kept right by the Clone
 * pattern (zguide ch. 5): updates from the bus are buffered until a snapshot
 * arrives; the snapshot replaces the picture; only updates newer than the
 * snapshot's tally_seq are then applied, in order; a missing sequence number
 * means something was lost, so a new snapshot is wanted (and the updates
 * after the gap are buffered again until it comes).
 *
 * No sockets here: the caller feeds updates and snapshots and asks
 * board_wants_snapshot() when to send for one. */
#include <stddef.h>
#include <stdint.h>

#include "tally.pb-c.h"

typedef struct board board_t;

typedef enum {
    BOARD_APPLIED,  /* the picture changed */
    BOARD_STALE,    /* not newer than the picture: ignored */
    BOARD_BUFFERED, /* kept until the snapshot comes */
    BOARD_GAP,      /* a sequence number is missing: kept, and a snapshot is wanted */
    BOARD_INVALID,  /* not a board topic, or the payload does not decode: ignored */
} board_result_t;

/* The topics the board follows. */
#define BOARD_TOPIC_BOARD "tally.board."
#define BOARD_TOPIC_COUNT "tally.count."

/* Updates buffered while waiting for a snapshot; past this the oldest go
 * (the snapshot, being newer, covers them, or the next gap asks again). */
#define BOARD_BUFFER_MAX 8192

board_t *board_new(void);
void board_destroy(board_t **self_p);

/* One event from the bus: topic "tally.board.<community>" (payload
 * CommunityBoard), "tally.board.district" (DistrictTotals) or
 * "tally.count.<election id>" (Count, election day); seq is the Event's seq
 * (the tally sequence, one sequence across all three). */
board_result_t board_update(board_t *b, const char *topic, uint64_t seq, const uint8_t *payload,
                            size_t len);
/* A snapshot answered by hj-tallyd (SnapshotQuery for the whole district).
 * Replaces the picture, then applies the buffered updates newer than it. */
void board_apply_snapshot(board_t *b, const Hj__Tally__Snapshot *snap);
/* After a reconnect: keep showing the picture, but wait for a new snapshot
 * before applying anything again. */
void board_resync(board_t *b);

/* 1 while the board waits for a snapshot (at start, after a gap or resync). */
int board_wants_snapshot(const board_t *b);
/* 1 once any snapshot has been applied (there is a picture to show). */
int board_has_picture(const board_t *b);
/* The tally sequence of the last change applied (snapshot or update). */
uint64_t board_seq(const board_t *b);
/* Bumped on every change of the picture: redraw when it moves. */
uint64_t board_version(const board_t *b);
/* How many snapshots were applied and gaps seen since start. */
unsigned board_snapshots(const board_t *b);
unsigned board_gaps(const board_t *b);
size_t board_buffered(const board_t *b);

/* Communities ordered by code. */
size_t board_ncommunities(const board_t *b);
const Hj__Tally__CommunityBoard *board_community(const board_t *b, size_t i);
const Hj__Tally__CommunityBoard *board_find(const board_t *b, const char *code);
/* NULL before the first snapshot. */
const Hj__Tally__DistrictTotals *board_district(const board_t *b);

/* The live counts (election day), ordered by election id. */
size_t board_ncounts(const board_t *b);
const Hj__Tally__Count *board_count(const board_t *b, size_t i);
const Hj__Tally__Count *board_find_count(const board_t *b, const char *election);

#endif
