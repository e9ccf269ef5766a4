/* hj-migrate: applies the embedded migrations that the database lacks, in
 * order, each in its own transaction under an advisory lock. Idempotent;
 * refuses a database that has a migration this build does not know (it was
 * migrated by a newer Huanjie). A gap (say 003 merged after 005 was applied)
 * is filled, not skipped.
 *
 * For a container deployment (docker-compose.yml) it also provisions what
 * the daemons need before they start, when asked in its environment:
 *   HJ_DB_ROLE_PASSFILES one password file per daemon role, space-separated:
 *                        libpq's .pgpass lines (host:port:db:ROLE:PASSWORD);
 *                        each hj_* ROLE named gets its PASSWORD. The daemon
 *                        reads the same file (PGPASSFILE), so each holds its
 *                        own password and none the owner's.
 *   HJ_DB_ROLE_PASSWORD  one password for every hj_* login role (simpler, and
 *                        weaker: every daemon then knows every role's password)
 *   HJ_HEALTH_DEVICE     a device file to make when missing: an observer
 *                        device for the containers' health checks (`hj
 *                        status`), with hj-busd's keypair in HJ_RUN_DIR made
 *                        first if need be; older health devices are revoked. */
#include "hj_config.h"
#include "hj_db.h"
#include "hj_enrol.h"
#include "hj_log.h"
#include "hj_migrations.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static int s_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        hj_error("migration failed: %s", PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

/* ALTER ROLE ... PASSWORD for every hj_* login role. 0 / -1. */
static int s_role_passwords(PGconn *c, const char *password)
{
    PGresult *r =
        PQexec(c, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'hj\\_%' AND rolcanlogin");
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1, n = PQntuples(r);
    char *literal = PQescapeLiteral(c, password, strlen(password));
    for (int i = 0; rc == 0 && literal && i < n; i++) {
        const char *role = PQgetvalue(r, i, 0);
        char *ident = PQescapeIdentifier(c, role, strlen(role));
        char sql[1024];
        int len =
            snprintf(sql, sizeof sql, "ALTER ROLE %s PASSWORD %s", ident ? ident : "", literal);
        rc = ident && len > 0 && (size_t)len < sizeof sql ? s_exec(c, sql) : -1;
        PQfreemem(ident);
    }
    PQfreemem(literal);
    PQclear(r);
    if (rc == 0)
        hj_info("set the password of %d hj_* roles", n);
    else
        hj_error("cannot set the hj_* roles' passwords: %s", PQerrorMessage(c));
    return literal ? rc : -1;
}

/* ALTER ROLE ... PASSWORD for one role. 0 / -1. */
static int s_role_password(PGconn *c, const char *role, const char *password)
{
    char *ident = PQescapeIdentifier(c, role, strlen(role));
    char *literal = PQescapeLiteral(c, password, strlen(password));
    char sql[1024];
    int len = ident && literal
                  ? snprintf(sql, sizeof sql, "ALTER ROLE %s PASSWORD %s", ident, literal)
                  : -1;
    int rc = len > 0 && (size_t)len < sizeof sql ? s_exec(c, sql) : -1;
    PQfreemem(ident);
    PQfreemem(literal);
    return rc;
}

/* Each file of `files` (space-separated) holds .pgpass lines; their hj_*
 * roles get their passwords. Escapes (\: and \\) as libpq reads them. 0 / -1. */
static int s_role_passfiles(PGconn *c, const char *files)
{
    char list[4096], line[1024];
    int n = 0;
    snprintf(list, sizeof list, "%s", files);
    for (char *save = NULL, *path = strtok_r(list, " ", &save); path;
         path = strtok_r(NULL, " ", &save)) {
        FILE *f = fopen(path, "r");
        if (!f) {
            hj_error("HJ_DB_ROLE_PASSFILES: cannot read %s: %s", path, strerror(errno));
            return -1;
        }
        while (fgets(line, sizeof line, f)) {
            char field[5][512] = {{0}};
            int k = 0;
            size_t at = 0;
            for (const char *p = line; *p && *p != '\n' && *p != '\r' && k < 5; p++) {
                if (*p == ':' && k < 4) {
                    k++;
                    at = 0;
                    continue;
                }
                if (*p == '\\' && p[1])
                    p++;
                if (at + 1 < sizeof field[k])
                    field[k][at++] = *p;
            }
            if (line[0] == '#' || k != 4 || strncmp(field[3], "hj_", 3) != 0 || !field[4][0])
                continue;
            if (s_role_password(c, field[3], field[4]) != 0) {
                fclose(f);
                return -1;
            }
            n++;
        }
        fclose(f);
    }
    hj_info("set the password of %d hj_* roles from their own password files", n);
    return 0;
}

/* An observer device for health checks at path, unless it exists. 0 / -1. */
static int s_health_device(PGconn *c, const hj_config_t *cfg, const char *path)
{
    char dir[1024], pub[HJ_KEY_LEN], sec[HJ_KEY_LEN];
    if (access(path, F_OK) == 0)
        return 0;
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            hj_error("cannot make %s: %s", dir, strerror(errno));
            return -1;
        }
    }
    if (hj_curve_server_key(cfg->run_dir, 1, pub, sec) != 0)
        return -1;
    /* A health device whose file is gone (a volume made again) is revoked. */
    if (s_exec(c, "UPDATE bus.devices SET revoked_at = now() WHERE name LIKE 'health-%' AND "
                  "role = 'observer' AND revoked_at IS NULL") != 0)
        return -1;
    uint8_t b[4];
    hj_device_t d = {0};
    hj_status_t st;
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return -1;
    snprintf(d.name, sizeof d.name, "health-%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
    snprintf(d.team, sizeof d.team, "container health checks");
    snprintf(d.role, sizeof d.role, "observer");
    snprintf(d.bus, sizeof d.bus, "%s", cfg->bus);
    snprintf(d.events, sizeof d.events, "%s", cfg->events);
    if (hj_enrol(c, cfg->run_dir, &d, path, &st) != 0) {
        hj_error("health device: %s", st.message);
        return -1;
    }
    hj_info("enrolled the health-check device %s (observer) into %s", d.name, path);
    return 0;
}

int main(int argc, char **argv)
{
    hj_config_t cfg;
    int rc = 1, known = 0, applied = 0;
    if (hj_config_load(&cfg, "hj-migrate", argc, argv) != 0)
        return 2;
    for (const hj_migration_t *m = hj_migrations; m->sql; m++)
        known = m->version;
    PGconn *c = PQconnectdb(cfg.db);
    if (PQstatus(c) != CONNECTION_OK) {
        hj_error("cannot connect to the database: %s", PQerrorMessage(c));
        goto out;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    if (s_exec(c, "SELECT pg_advisory_lock(7700)") ||
        s_exec(c, "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
                  "version integer PRIMARY KEY, name text NOT NULL, "
                  "applied_at timestamptz NOT NULL DEFAULT now())"))
        goto out;
    PGresult *r = PQexec(c, "SELECT version FROM public.schema_migrations ORDER BY version");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        hj_error("cannot read schema_migrations: %s", PQerrorMessage(c));
        PQclear(r);
        goto out;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        int v = atoi(PQgetvalue(r, i, 0));
        int found = 0;
        for (const hj_migration_t *m = hj_migrations; m->sql && !found; m++)
            found = m->version == v;
        if (!found) {
            hj_error("the database has migration %d, which this build does not know (it knows up "
                     "to %d): refusing; run the newer Huanjie or restore a matching backup",
                     v, known);
            PQclear(r);
            goto out;
        }
    }
    for (const hj_migration_t *m = hj_migrations; m->sql; m++) {
        int done = 0;
        for (int i = 0; i < PQntuples(r) && !done; i++)
            done = atoi(PQgetvalue(r, i, 0)) == m->version;
        if (done)
            continue;
        char record[256];
        snprintf(record, sizeof record,
                 "INSERT INTO public.schema_migrations (version, name) VALUES (%d, '%s')",
                 m->version, m->name);
        if (s_exec(c, "BEGIN") || s_exec(c, m->sql) || s_exec(c, record) || s_exec(c, "COMMIT")) {
            hj_error("migration %s not applied", m->name);
            PQclear(r);
            goto out;
        }
        hj_info("applied %s", m->name);
        applied++;
    }
    PQclear(r);
    hj_info("database at migration %d (%d applied now)", known, applied);
    const char *password = getenv("HJ_DB_ROLE_PASSWORD"), *health = getenv("HJ_HEALTH_DEVICE");
    const char *passfiles = getenv("HJ_DB_ROLE_PASSFILES");
    if ((password && *password && s_role_passwords(c, password) != 0) ||
        (passfiles && *passfiles && s_role_passfiles(c, passfiles) != 0) ||
        (health && *health && s_health_device(c, &cfg, health) != 0))
        goto out;
    rc = 0;
out:
    PQfinish(c);
    return rc;
}
