#include "hj_journal.h"

#include <stdio.h>
#include <stdlib.h>

static uint8_t *s_bytea(PGresult *r, int row, int col, size_t *len)
{
    return PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), len);
}

int hj_journal_event(PGresult *r, int i, Hj__Event *ev, char *topic, size_t size)
{
    hj__event__init(ev);
    ev->seq = strtoull(PQgetvalue(r, i, 0), NULL, 10);
    ev->time_us = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    ev->actor = PQgetvalue(r, i, 2);
    ev->service = PQgetvalue(r, i, 3);
    ev->kind = PQgetvalue(r, i, 4);
    ev->community = PQgetvalue(r, i, 5);
    ev->request_id = PQgetvalue(r, i, 6);
    snprintf(topic, size, "%s.%s.%s", ev->service, ev->kind, ev->community);
    ev->topic = topic;
    ev->hash.data = s_bytea(r, i, 7, &ev->hash.len);
    ev->prev_hash.data = s_bytea(r, i, 8, &ev->prev_hash.len);
    return ev->hash.data && ev->prev_hash.data ? 0 : -1;
}

void hj_journal_event_clear(Hj__Event *ev)
{
    PQfreemem(ev->hash.data);
    PQfreemem(ev->prev_hash.data);
    ev->hash.data = ev->prev_hash.data = NULL;
}
