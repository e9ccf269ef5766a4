#ifndef HJ_AUTH_H
#define HJ_AUTH_H
/* Who may do what: the roles of enrolled devices, each service's permission
 * table (operation -> whether it writes, which roles may call it, whether a
 * read is limited to the reader's communities, who is given personal
 * details), and the community scope of guidance groups and election
 * committees.
 *
 * One mechanism for every service: the worker checks the table after the
 * service's decode (hj_auth_permit); the writer checks the scope against the
 * community a write journals (hj_auth_in_scope) and the community a scoped
 * read replies (hj_auth_may_read); a list takes its community filter from
 * hj_auth_read_scope and its personal fields from hj_auth_personal. So no
 * handler checks a role itself. A service without a table is refused every
 * write. */
#include "hj_envelope.h"

typedef enum {
    HJ_ROLE_DISTRICT_ADMIN = 1 << 0,     /* 区委组织部 / district IT: everything */
    HJ_ROLE_SUBDISTRICT_OFFICE = 1 << 1, /* 街道换届办公室 */
    HJ_ROLE_GUIDANCE_GROUP = 1 << 2,     /* 指导组: scoped to the communities it guides */
    HJ_ROLE_AUDITOR = 1 << 3,            /* 审计 */
    HJ_ROLE_ELECTION_COMMITTEE = 1 << 4, /* 选举委员会: scoped to its community */
    HJ_ROLE_OBSERVER = 1 << 5,           /* ops room, dashboards: reads only */
} hj_role_t;

#define HJ_ROLES_ALL 0x3fu
/* The public figures every enrolled device may read district-wide: the
 * board, gates, counts, results, the briefing's figures, names of sitting
 * members and candidates (README "Devices, roles and who may do what"). */
#define HJ_READ_FIGURES HJ_ROLES_ALL
/* The record beyond the figures (talks, assessments, risks, rectification):
 * the offices, and guidance groups within the communities they guide. */
#define HJ_READ_RECORD                                                                             \
    (HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_SUBDISTRICT_OFFICE | HJ_ROLE_GUIDANCE_GROUP)
/* Who is given personal details (ethnicity, birth date, identity-card mask,
 * as 民族 and 出生日期 are sensitive personal information): those who
 * judge eligibility and keep the roll; an election committee only for the
 * persons of its community. Everyone else gets those fields empty. */
#define HJ_PERSONAL                                                                                \
    (HJ_ROLE_DISTRICT_ADMIN | HJ_ROLE_SUBDISTRICT_OFFICE | HJ_ROLE_ELECTION_COMMITTEE)

/* "district-admin", ...; NULL for anything that is not one role. */
const char *hj_role_name(unsigned role);
/* The role named s, or 0 when s names none. */
unsigned hj_role_parse(const char *s);
/* 1 for the roles whose writes are limited to their communities. */
int hj_role_scoped(unsigned role);

/* One operation of a service. A table ends with an entry whose name is NULL. */
typedef struct {
    int op;           /* the service's own operation number (its Request oneof case) */
    const char *name; /* as the README's table and error messages name it */
    int write;        /* 1: carries a request_id, journals, group-commits */
    unsigned roles;   /* who may call it: HJ_ROLE_* bits */
    /* Reads only (a write is always scoped). 1: a scoped role reads only its
     * communities' records: a single record of another community is refused
     * (the writer, on the community the handler names), a list leaves the
     * others out and counts them (hj_auth_read_scope). */
    int scoped;
    /* Reads only: the roles given personal details (HJ_PERSONAL) in the
     * reply; the others get those fields empty (hj_auth_personal). */
    unsigned personal;
} hj_permission_t;

/* The table's entry for op, or NULL. */
const hj_permission_t *hj_auth_find(const hj_permission_t *table, int op);
/* 1 when the table says op writes (an unknown op does not). */
int hj_auth_is_write(const hj_permission_t *table, int op);

/* May `who` call op of `service`? 0, or -1 with PERMISSION_DENIED naming the
 * role and the operation (field "role"). A NULL table allows reads only;
 * an operation missing from a table is refused. */
int hj_auth_permit(hj_status_t *st, const char *service, const hj_permission_t *table, int op,
                   int write, const Hj__Identity *who);

/* May `who` write a record of `community` ("" or "-": none)? Unscoped roles
 * may; scoped ones only for their communities. 0, or -1 with
 * PERMISSION_DENIED (field "community"). */
int hj_auth_in_scope(hj_status_t *st, const Hj__Identity *who, const char *community);

/* May `who` read op p's record of `community`? Yes for an unscoped role, an
 * op p does not scope, or community NULL (a list already filtered by
 * hj_auth_read_scope). For a scoped role and op, "" or "-" (the reply names
 * no community) is refused: a handler that forgot to name it shows nothing.
 * 0, or -1 with PERMISSION_DENIED (field "community") naming the role,
 * service.op and the community. */
int hj_auth_may_read(hj_status_t *st, const char *service, const hj_permission_t *p,
                     const Hj__Identity *who, const char *community);

/* The community filter of a list read by `who` with op p, for a
 * `community = ANY($n::text[])` parameter where NULL means every community:
 * *communities = NULL when `who` reads them all (an unscoped role, or p not
 * scoped), else a malloc'd array literal ("{KBS-BH-01,KBS-BH-03}"; "{}" for
 * a scoped device without communities). 0, or -1 when out of memory. */
int hj_auth_read_scope(const hj_permission_t *p, const Hj__Identity *who, char **communities);

/* Are personal details (ethnicity, birth date, identity-card mask) given to
 * `who` by op p? 1 with *communities set as by hj_auth_read_scope (the
 * persons of those communities only; NULL = every person), 0 (never;
 * *communities NULL), or -1 when out of memory. */
int hj_auth_personal(const hj_permission_t *p, const Hj__Identity *who, char **communities);

#endif
