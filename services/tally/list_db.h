#ifndef HJ_LIST_DB_H
#define HJ_LIST_DB_H
/* Election day: the list of elections. */
#include "tally.h"

/* Elections with their communities' and subdistricts' names, election day first. */
void list_elections(PGconn *c, hj_call_t *call, const Hj__Tally__ElectionListQuery *q);

#endif
