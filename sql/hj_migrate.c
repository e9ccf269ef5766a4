/* hj-migrate: applies the embedded migrations in order, each in its own
 * transaction under an advisory lock. Idempotent; refuses a database that is
 * ahead of this build (it was migrated by a newer Huanjie). */
#include "hj_config.h"
#include "hj_db.h"
#include "hj_log.h"
#include "hj_migrations.h"

#include <stdio.h>
#include <stdlib.h>

static int s_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        hj_error("migration failed: %s", PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
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
    PGresult *r = PQexec(c, "SELECT COALESCE(max(version), 0) FROM public.schema_migrations");
    int current = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    if (current < 0)
        goto out;
    if (current > known) {
        hj_error("the database is at migration %d, ahead of this build (%d): refusing; "
                 "run the newer Huanjie or restore a matching backup", current, known);
        goto out;
    }
    for (const hj_migration_t *m = hj_migrations; m->sql; m++) {
        if (m->version <= current)
            continue;
        char record[256];
        snprintf(record, sizeof record,
                 "INSERT INTO public.schema_migrations (version, name) VALUES (%d, '%s')",
                 m->version, m->name);
        if (s_exec(c, "BEGIN") || s_exec(c, m->sql) || s_exec(c, record) || s_exec(c, "COMMIT")) {
            hj_error("migration %s not applied", m->name);
            goto out;
        }
        hj_info("applied %s", m->name);
        applied++;
    }
    hj_info("database at migration %d (%d applied now)", known, applied);
    rc = 0;
out:
    PQfinish(c);
    return rc;
}
