/* hj-migrate: applies the embedded migrations that the database lacks, in
 * order, each in its own transaction under an advisory lock. Idempotent;
 * refuses a database that has a migration this build does not know (it was
 * migrated by a newer Huanjie). A gap (say 003 merged after 005 was applied)
 * is filled, not skipped. */
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
                     "to %d): refusing; run the newer Huanjie or restore a matching backup", v, known);
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
    rc = 0;
out:
    PQfinish(c);
    return rc;
}
