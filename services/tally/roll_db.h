#ifndef HJ_ROLL_DB_H
#define HJ_ROLL_DB_H
/* hj-tallyd: the voter roll (选民登记), objections and proxies (roll_db.c). */
#include "tally.h"

/* What roll_db.c needs of an election (election_db.c keeps its row). */
typedef struct {
    char id[37];
    char community[64];
    char date[11];
    int mode;
    const tally_profile_t *profile;
} roll_election_t;

/* The election `id`, locked (FOR UPDATE) and not certified. 0, or -1 with
 * the call's status set (NOT_FOUND, FAILED_PRECONDITION, INTERNAL). */
int election_for_roll(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles, const char *id,
                      roll_election_t *out);

/* Decode checks of the named roll's requests (roll_server.c). 0 / -1 with st. */
int roll_validate(hj_status_t *st, const Hj__Tally__Request *r);
/* Handles the roll's requests: voter_roll_set/get, objection_file/decide, proxy_add,
 * and the named roll's voters_import/list/posting, voter_objection/decide. */
void roll_handle(PGconn *c, hj_call_t *call, const tally_profiles_t *profiles,
                 const Hj__Tally__Request *r);

#endif
