#ifndef HJ_JOURNAL_FILL_H
#define HJ_JOURNAL_FILL_H
/* The bulk loader of the as-of test and benchmark: journal rows of the kinds
 * a preparation campaign writes, each with the payload its service would
 * journal, COPY'd into bus.journal unsealed (hj-busd's relay seals them, as
 * it seals every write). Not the write path: the domain tables of the
 * services are not touched, only what hj-tallyd's projection reads.
 *
 * The mix, per 100 rows: 60 talk_recorded (survey, preparation and other
 * phases, outside parties and sitting members, 1 in 10 with a follow-up),
 * 10 followup_closed (a talk of the same community again, follow-ups
 * closed), 15 publicity_added (a community's or the subdistrict's), 15
 * task_added / task_done. Rows are spread evenly over `days` days ending
 * `last_day` (committed at that day's working hours, Asia/Shanghai); the date
 * on each record is the day it was journalled, but 1 talk in 20 is
 * back-filled: dated up to 5 days earlier. */
#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    const char *subdistrict;        /* the communities' subdistrict code */
    const char *const *communities; /* codes (already added: community_added rows) */
    size_t n_communities;
    const char *last_day; /* YYYY-MM-DD */
    int days;             /* >= 1 */
    unsigned seed;        /* request ids differ between fills with another seed */
} journal_fill_t;

/* Appends n rows in one transaction. 0 / -1 (the libpq error printed). */
int journal_fill(PGconn *c, const journal_fill_t *f, size_t n);

#endif
