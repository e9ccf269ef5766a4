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

/* The named roll's checks (roll_server.c): voters_import, voters_list,
 * voter_objection, voter_decide, voters_posting. */
hj_op_check_fn roll_check_import, roll_check_list, roll_check_objection, roll_check_decide,
    roll_check_posting;

/* Their handlers, and the counted roll's (hj_op_t's: svc is the tally_profiles_t):
 * roll_set (VoterRoll), roll_get (SnapshotQuery), roll_objection_file (Objection),
 * roll_objection_decide (ObjectionDecision), roll_proxy_add (Proxy), roll_voters_import
 * (VoterImport), roll_voters_list (ElectionRef), roll_voter_objection and roll_voter_decide
 * (VoterObjection), roll_voters_posting (VoterPosting). */
hj_op_handle_fn roll_set, roll_get, roll_objection_file, roll_objection_decide, roll_proxy_add,
    roll_voters_import, roll_voters_list, roll_voter_objection, roll_voter_decide,
    roll_voters_posting;

#endif
