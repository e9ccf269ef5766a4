/* Election day: the list of elections. */
#include "election_db.h"
#include "hj_db.h"
#include "hj_envelope.h"
#include "hj_log.h"
#include "hj_pgrow.h"
#include "list_db.h"
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the election list ------------------------------------------------------------------- */

#define S_PAGE_DEFAULT 100
#define S_PAGE_MAX 1000

/* The filter every page and the total share: $1 community, $2 subdistrict, $3 state. */
#define S_FILTER                                                                                   \
    "WHERE ($1 = '' OR e.community = $1) AND ($2 = '' OR k.subdistrict = $2) "                     \
    "AND ($3 = '' OR e.state = $3) "

/* Elections with their communities' and subdistricts' names, election day
 * first, one page at a time: keyset paging on (election_date, community, body,
 * id) after the cursor's election (index election_list_order), one row more
 * than the page to know whether a next page exists, and the total of the whole
 * filter, so no list is cut without saying so. */
void list_elections(PGconn *c, hj_call_t *call, void *svc, const void *msg)
{
    const Hj__Tally__ElectionListQuery *q = msg;
    hj_arena_t a = {0};
    char limit[24];
    uint32_t page = q->limit ? q->limit : S_PAGE_DEFAULT;
    const char *v[5] = {q->community, q->subdistrict, q->state, q->after,
                        election_num(limit, (long long)page + 1)};
    PGresult *known = NULL, *r = NULL, *total = NULL;
    if (q->limit > S_PAGE_MAX) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "limit", "limit %u is above %d",
                      q->limit, S_PAGE_MAX);
        goto out;
    }
    if (q->after[0] && !hj_uuid_valid(q->after)) {
        hj_status_set(&call->status, HJ__CODE__INVALID_ARGUMENT, "after",
                      "after must be an election id (the `next` of the previous page), got '%s'",
                      q->after);
        goto out;
    }
    /* An unknown subdistrict is a mistake to name, not an empty list. */
    known = q->subdistrict[0]
                ? election_q(c, &a, "SELECT 1 FROM tally.subdistrict WHERE code = $1", 1, &v[1])
                : NULL;
    if (q->subdistrict[0] && !known) {
        election_sql_failed(call, "", &a, "the subdistrict", "subdistrict");
        goto out;
    }
    if (known && PQntuples(known) == 0) {
        hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "subdistrict",
                      "subdistrict %s not found in the registry", q->subdistrict);
        goto out;
    }
    /* A cursor that names no election would silently start nowhere. */
    PGresult *cursor =
        q->after[0]
            ? election_q(c, &a, "SELECT 1 FROM tally.election WHERE id = $1::uuid", 1, &v[3])
            : NULL;
    if (q->after[0] && (!cursor || PQntuples(cursor) == 0)) {
        if (!cursor)
            election_sql_failed(call, "", &a, "the elections", "after");
        else
            hj_status_set(&call->status, HJ__CODE__NOT_FOUND, "after", "after: no election %s",
                          q->after);
        goto out;
    }
    r = election_q(
        c, &a,
        "SELECT e.id, e.community, COALESCE(k.name, '') AS community_name, "
        "COALESCE(k.subdistrict, '') AS subdistrict, COALESCE(d.name, '') AS subdistrict_name, "
        "e.body, to_char(e.election_date, 'YYYY-MM-DD') AS date, e.state, e.seats, "
        "COALESCE(sum(x.seats) FILTER (WHERE x.kind = 'vacant'), 0) AS vacant, "
        "COALESCE(sum(x.seats) FILTER (WHERE x.kind = 'reduced'), 0) AS reduced, "
        "COALESCE(to_char(min(x.due_on), 'YYYY-MM-DD'), '') AS vacancy_due "
        "FROM tally.election e LEFT JOIN tally.community k ON k.code = e.community "
        "LEFT JOIN tally.subdistrict d ON d.code = k.subdistrict "
        "LEFT JOIN tally.seat_closure x ON x.election = e.id " S_FILTER
        "AND ($4 = '' OR (e.election_date, e.community, e.body, e.id) > "
        "(SELECT election_date, community, body, id FROM tally.election WHERE id = NULLIF($4, "
        "'')::uuid)) "
        "GROUP BY e.id, k.code, d.code ORDER BY e.election_date, e.community, e.body, e.id "
        "LIMIT $5::int",
        5, v);
    total = r ? election_q(c, &a,
                           "SELECT count(*) FROM tally.election e "
                           "LEFT JOIN tally.community k ON k.code = e.community " S_FILTER,
                           3, v)
              : NULL;
    if (!total) {
        election_sql_failed(call, "", &a, "the elections", "");
        goto out;
    }
    int n = PQntuples(r), more = n > (int)page;
    if (more)
        n = (int)page;
    Hj__Tally__ElectionList list = HJ__TALLY__ELECTION_LIST__INIT;
    list.elections = (Hj__Tally__ElectionListItem **)hj_pgrow_list(
        &a, r, n, &hj__tally__election_list_item__descriptor);
    if (!list.elections) {
        hj_status_set(&call->status, HJ__CODE__INTERNAL, "", "out of memory");
        goto out;
    }
    list.n_elections = (size_t)n;
    list.total = strtoull(PQgetvalue(total, 0, 0), NULL, 10);
    list.next = more ? list.elections[n - 1]->id : "";
    Hj__Tally__Reply reply = HJ__TALLY__REPLY__INIT;
    reply.result_case = HJ__TALLY__REPLY__RESULT_ELECTION_LIST;
    reply.election_list = &list;
    hj_call_reply(call, &reply.base, NULL);
out:
    hj_arena_free(&a);
}
