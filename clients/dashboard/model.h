#ifndef HJ_TOP_MODEL_H
#define HJ_TOP_MODEL_H
/* What the board view derives from a community's board: the texts of its
 * cells, the order of the rows and the guidance-group filter. Pure (no
 * terminal), so the same numbers can be checked in tests. */
#include <stddef.h>

#include "board.h"
#include "labels.h"

typedef enum { SORT_CODE, SORT_NAME, SORT_RED, SORT_DATE, SORT_COUNT_ } sort_t;

/* "100%", "67%", or "-" with no sitting members. */
void model_talk_coverage(char *dst, size_t size, const Hj__Tally__Counters *c);
/* Days from today to date (both YYYY-MM-DD): 0 / -1 when either is not a date. */
int model_days_between(const char *today, const char *date, long *days);
/* The days-to-election cell: "12", "0", "-3", or "-" with no election date. */
void model_days_text(char *dst, size_t size, const char *today, const char *election_date);
/* The gate glyph: "+" green, "x" red, "!" overridden, "?" unknown. */
const char *model_gate_glyph(Hj__Tally__GateState state);
/* The gate of `id` in row (rows carry all eight in order, but do not trust
 * the wire), or NULL. */
const Hj__Tally__Gate *model_gate(const Hj__Tally__CommunityBoard *row, Hj__Tally__GateId id);
/* Communities red on gate `id` in the district totals (0 when absent). */
unsigned model_district_red(const Hj__Tally__DistrictTotals *d, Hj__Tally__GateId id);
/* The KindCount key tally uses for a gate in red_by_gate ("audit", ...). */
const char *model_gate_key(Hj__Tally__GateId id);

/* The rows to show, in order: indexes into board_at. `group` NULL shows all,
 * "" shows the communities with no guidance group, else that group's.
 * Ties are broken by code. Returns how many were written (at most max). */
size_t model_order(const board_t *b, sort_t sort, int reverse, const char *group, size_t *idx,
                   size_t max);
/* model_order restricted to one subdistrict's communities too (`subdistrict`
 * NULL or "": every subdistrict). */
size_t model_order_in(const board_t *b, sort_t sort, int reverse, const char *subdistrict,
                      const char *group, size_t *idx, size_t max);

/* The distinct guidance groups on the board, sorted; each points into the
 * board (valid until it changes). Returns the count (at most max). */
size_t model_groups(const board_t *b, const char **groups, size_t max);
/* The distinct subdistricts on the board, sorted, likewise. */
size_t model_subdistricts(const board_t *b, const char **subdistricts, size_t max);
/* The subdistrict after `current` in the cycle "" (all) -> each one -> "",
 * into next (size bytes). */
void model_next_subdistrict(const board_t *b, const char *current, char *next, size_t size);

#endif
