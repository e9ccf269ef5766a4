#ifndef HJ_LIST_DB_H
#define HJ_LIST_DB_H
/* Election day: the list of elections. */
#include "tally.h"

/* Elections with their communities' and subdistricts' names, election day first
 * (ElectionListQuery; an hj_op_t handler). */
hj_op_handle_fn list_elections;

#endif
