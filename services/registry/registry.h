#ifndef HJ_REGISTRY_H
#define HJ_REGISTRY_H
/* hj-registryd: the record of the district's communities, persons and
 * committee seats. registry_server.c decodes and validates requests and
 * routes them; registry_db.c holds every SQL statement of the service. */
#include <stdint.h>

#include "hj_worker.h"
#include "registry.pb-c.h"

typedef struct {
    uint8_t idcard_key[32]; /* HMAC key for identity-card numbers; lives in the run directory */
} registry_t;

extern const hj_service_t registry_service;

/* Loads (or creates, mode 0600) run_dir/idcard.key. 0 / -1. */
int registry_load_key(registry_t *reg, const char *run_dir);

/* registry_db.c: one function per operation, msg of the type named above
 * each group. District, Subdistrict; Community, CommunityUpdate, Get (key),
 * ListQuery */
hj_op_handle_fn registry_db_district_add, registry_db_subdistrict_add, registry_db_community_add,
    registry_db_community_update, registry_db_community_get, registry_db_community_list;
/* Get (key), ListQuery, PersonResolve, PersonVoid, PersonUpdate */
hj_op_handle_fn registry_db_person_get, registry_db_person_list, registry_db_person_resolve,
    registry_db_person_void, registry_db_person_update;
/* Seat (add and end), ListQuery */
hj_op_handle_fn registry_db_seat_add, registry_db_seat_end, registry_db_seat_list;
/* A person, its identity-card number checked and hashed (registry_server.c). */
void registry_db_person_add(PGconn *c, hj_call_t *call, const Hj__Registry__Person *p,
                            const uint8_t id_hash[32], const char *id_mask);
/* Every row checked already (registry_server.c); hashes[i] the hex HMAC of
 * row i's identity-card number and masks[i] its mask ("" when none). */
void registry_db_person_import(PGconn *c, hj_call_t *call, const Hj__Registry__PersonImport *imp,
                               const char (*hashes)[65], const char (*masks)[19]);

/* A list page (lists that say what they left out): the query asked for
 * registry_page_limit(limit) rows, one more than the page; *shown is how
 * many to send, *next the id (column id_col) of the last one sent when
 * more follow, else "". */
void registry_page(PGresult *r, uint32_t limit, int id_col, int *shown, const char **next);
const char *registry_page_limit(uint32_t limit, char buf[16]);

/* A person's personal details (ethnicity, birth date, identity-card mask)
 * as the reader may see them (hj_auth_personal): `p` the person's alias,
 * `give` the parameter that says whether the reader is given them at all
 * ("$2"), `scope` the text[] parameter of the communities within which (NULL
 * = every person): persons who sit on, are reserves of, or serve on a
 * working body of one of them. Three columns, '' where withheld. */
#define REGISTRY_PERSONAL_GIVEN(p, give, scope)                                                    \
    "(" give "::boolean AND (" scope "::text[] IS NULL OR EXISTS (SELECT 1 FROM "                  \
    "registry.seat ps WHERE ps.person_id = " p ".id AND ps.community = ANY(" scope                 \
    "::text[])) OR EXISTS (SELECT 1 FROM registry.reserve pr WHERE pr.person_id = " p              \
    ".id AND pr.community = ANY(" scope "::text[])) OR EXISTS (SELECT 1 FROM "                     \
    "registry.body_member pm JOIN registry.body pb ON pb.id = pm.body_id WHERE "                   \
    "pm.person_id = " p ".id AND pb.community = ANY(" scope "::text[]))))"
#define REGISTRY_PERSONAL(expr, p, give, scope)                                                    \
    "CASE WHEN " REGISTRY_PERSONAL_GIVEN(p, give, scope) " THEN " expr " ELSE '' END"
#define REGISTRY_PERSONAL_COLS(p, give, scope)                                                     \
    REGISTRY_PERSONAL(p ".ethnicity", p, give, scope)                                              \
    " AS ethnicity, " REGISTRY_PERSONAL(                                                           \
        "COALESCE(to_char(" p ".birth_date, 'YYYY-MM-DD'), '')", p, give,                          \
        scope) " AS birth_date, " REGISTRY_PERSONAL("COALESCE(" p ".id_mask, '')", p, give,        \
                                                    scope) " AS id_card_masked"

/* The parameters of REGISTRY_PERSONAL_COLS for this call: *give "t" or
 * "f", *scope NULL or a malloc'd text[] literal (free it). A write's reply
 * and journal record always carry them (only the offices add persons).
 * 0, or -1 with INTERNAL set. */
int registry_personal(hj_call_t *call, int write, const char **give, char **scope);

#endif
