#include "hj_enrol.h"
#include "hj_auth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int hj_enrol_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > 63 || !isalnum((unsigned char)name[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("._@-", name[i]))
            return 0;
    return 1;
}

/* The scope anchor of a scoped role (sql/007 scope_ref): a guidance group's
 * body id, found by id or by its name when that is unique (team becomes the
 * group's name); an election committee's community code. 0 / -1 with st. */
static int s_scope_ref(PGconn *c, unsigned role, hj_device_t *d, char *ref, size_t size,
                       hj_status_t *st)
{
    const char *v[1] = {d->team};
    int group = role == HJ_ROLE_GUIDANCE_GROUP;
    PGresult *r = PQexecParams(c,
                               group ? "SELECT id::text, name FROM registry.body WHERE kind = "
                                       "'guidance_group' AND (id::text = $1 OR name = $1)"
                                     : "SELECT code, code FROM registry.community WHERE code = $1",
                               1, NULL, v, NULL, NULL, 0);
    int rc = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        hj_status_set(st, HJ__CODE__UNAVAILABLE, "", "looking up the team failed: %s",
                      PQerrorMessage(c));
    else if (PQntuples(r) == 1) {
        snprintf(ref, size, "%s", PQgetvalue(r, 0, 0));
        snprintf(d->team, sizeof d->team, "%s", PQgetvalue(r, 0, 1));
        rc = 0;
    } else if (PQntuples(r) > 1)
        hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "team",
                      "%d guidance groups are called '%s': give the group's id as the team",
                      PQntuples(r), d->team);
    else if (group)
        hj_status_set(st, HJ__CODE__NOT_FOUND, "team",
                      "no guidance group is called or has the id '%s' (hj body list --kind "
                      "guidance_group): a guidance-group device's team names its group",
                      d->team);
    else
        hj_status_set(st, HJ__CODE__NOT_FOUND, "team",
                      "no community %s: an election-committee device's team is its community "
                      "code",
                      d->team);
    PQclear(r);
    return rc;
}

static int s_cmd(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

static int s_write(const hj_device_t *d, const char *out, const char *passphrase)
{
    char text[2048];
    if (strcmp(out, "-") != 0)
        return hj_device_save_sealed(d, passphrase, out);
    return hj_device_text_sealed(d, passphrase, text, sizeof text) == 0 &&
                   fputs(text, stdout) >= 0 && fflush(stdout) == 0
               ? 0
               : -1;
}

int hj_enrol(PGconn *c, const char *run_dir, hj_device_t *d, const char *out, hj_status_t *st)
{
    return hj_enrol_sealed(c, run_dir, d, out, NULL, st);
}

int hj_enrol_sealed(PGconn *c, const char *run_dir, hj_device_t *d, const char *out,
                    const char *passphrase, hj_status_t *st)
{
    char ref[256] = "", server_secret[HJ_KEY_LEN];
    unsigned role = hj_role_parse(d->role);
    if (!hj_enrol_name_valid(d->name))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "name",
                             "a device name is 1-63 letters, digits, '.', '_', '@' or '-', "
                             "starting with a letter or digit");
    if (!role)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "role",
                             "role is one of district-admin, subdistrict-office, guidance-group, "
                             "auditor, election-committee, observer");
    if (!d->team[0])
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, "team",
                             "team is required (for a guidance group: the group's name or id; "
                             "for an election committee: its community code)");
    if (strcmp(out, "-") != 0 && access(out, F_OK) == 0)
        return hj_status_set(st, HJ__CODE__ALREADY_EXISTS, "out",
                             "%s exists: a device file is never replaced", out);
    if (hj_curve_server_key(run_dir, 0, d->server_key, server_secret) != 0)
        return hj_status_set(st, HJ__CODE__UNAVAILABLE, "run_dir",
                             "no server keypair in %s/busd.key (start hj-busd once, or run hj "
                             "admin keygen, with this run directory)",
                             run_dir);
    memset(server_secret, 0, sizeof server_secret);
    if (hj_role_scoped(role) && s_scope_ref(c, role, d, ref, sizeof ref, st) != 0)
        return -1;
    if (hj_curve_keypair(d->public_key, d->secret_key) != 0)
        return hj_status_set(st, HJ__CODE__UNAVAILABLE, "",
                             "cannot make a keypair (is libzmq built with CURVE?)");
    const char *v[5] = {d->public_key, d->name, d->team, d->role, ref[0] ? ref : NULL};
    if (s_cmd(c, "BEGIN") != 0)
        return hj_status_set(st, HJ__CODE__UNAVAILABLE, "", "%s", PQerrorMessage(c));
    PGresult *r = PQexecParams(c,
                               "INSERT INTO bus.devices (public_key, name, team, role, scope_ref) "
                               "VALUES ($1, $2, $3, $4, $5)",
                               5, NULL, v, NULL, NULL, 0);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    int taken = state && strcmp(state, "23505") == 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        hj_status_set(st, taken ? HJ__CODE__ALREADY_EXISTS : HJ__CODE__UNAVAILABLE,
                      taken ? "name" : "",
                      taken ? "a device named %s is already enrolled (a revoked device keeps its "
                              "name, so the journal's actors stay unambiguous): choose another"
                            : "enrolment failed: %s",
                      taken ? d->name : PQerrorMessage(c));
    else if (s_write(d, out, passphrase) != 0)
        hj_status_set(st, HJ__CODE__UNAVAILABLE, "out", "cannot write %s: %s", out,
                      strerror(errno));
    else if (s_cmd(c, "COMMIT") != 0) {
        hj_status_set(st, HJ__CODE__UNAVAILABLE, "", "enrolment did not commit: %s",
                      PQerrorMessage(c));
        if (strcmp(out, "-") != 0)
            unlink(out);
    } else {
        PQclear(r);
        memset(d->secret_key, 0, sizeof d->secret_key);
        return 0;
    }
    PQclear(r);
    s_cmd(c, "ROLLBACK");
    memset(d->secret_key, 0, sizeof d->secret_key);
    return -1;
}
