#ifndef HJ_AUTH_H
#define HJ_AUTH_H
/* Who may do what: the roles of enrolled devices, each service's permission
 * table (operation -> whether it writes, which roles may call it), and the
 * community scope of guidance groups and election committees.
 *
 * One mechanism for every service: the worker checks the table after the
 * service's decode (hj_auth_permit) and the writer checks the scope against
 * the community the write journals (hj_auth_in_scope), so no handler checks
 * a role itself. A service without a table is refused every write. */
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
/* Every enrolled device may read; shorthand for a read operation's roles. */
#define HJ_READ HJ_ROLES_ALL

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

#endif
