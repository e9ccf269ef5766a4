/* hj admin: operator commands that run on the server, against the database
 * directly (HJ_DB or --db), not through the broker. */
#include "cli.h"
#include "hj_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first broken link of the chain, or none: one pass in the database. */
static const char *s_verify_sql =
    "WITH c AS ("
    "  SELECT seq, hash, prev_hash, sha256(prev_hash || bus.journal_digest_input(j)) AS recomputed,"
    "         lag(hash) OVER w AS before_hash, lag(seq) OVER w AS before_seq"
    "  FROM bus.journal j WHERE seq IS NOT NULL WINDOW w AS (ORDER BY seq)) "
    "SELECT seq,"
    "  CASE WHEN seq <> COALESCE(before_seq, 0) + 1 THEN 'gap'"
    "       WHEN hash IS DISTINCT FROM recomputed THEN 'hash'"
    "       ELSE 'link' END,"
    "  encode(hash, 'hex'), encode(recomputed, 'hex'), encode(prev_hash, 'hex'),"
    "  encode(COALESCE(before_hash, '\\x'::bytea), 'hex'), COALESCE(before_seq, 0) "
    "FROM c WHERE seq <> COALESCE(before_seq, 0) + 1 OR hash IS DISTINCT FROM recomputed"
    "  OR prev_hash IS DISTINCT FROM COALESCE(before_hash, '\\x'::bytea) "
    "ORDER BY seq LIMIT 1";

static int s_journal_verify(PGconn *c)
{
    PGresult *r = PQexec(c, s_verify_sql);
    int rc = CLI_REFUSED;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "hj: journal verify failed: %s", PQerrorMessage(c));
        PQclear(r);
        return CLI_UNREACHABLE;
    }
    if (PQntuples(r) == 1) {
        const char *seq = PQgetvalue(r, 0, 0), *what = PQgetvalue(r, 0, 1);
        if (strcmp(what, "gap") == 0)
            printf("broken at seq %s: the sequence jumps from %s (events are missing)\n", seq,
                   PQgetvalue(r, 0, 6));
        else if (strcmp(what, "hash") == 0)
            printf("broken at seq %s: the row's content does not match its hash "
                   "(stored %.16s…, recomputed %.16s…): the row was changed after it was sealed\n",
                   seq, PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
        else
            printf("broken at seq %s: its link (prev_hash %.16s…) does not match seq %s's hash "
                   "(%.16s…)\n",
                   seq, PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 6), PQgetvalue(r, 0, 5));
        PQclear(r);
        return rc;
    }
    PQclear(r);
    r = PQexec(c, "SELECT count(*), COALESCE((SELECT encode(hash, 'hex') FROM bus.journal "
                  "WHERE seq = (SELECT max(seq) FROM bus.journal)), ''), "
                  "(SELECT count(*) FROM bus.journal WHERE seq IS NULL) "
                  "FROM bus.journal WHERE seq IS NOT NULL");
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        printf("ok, %s events, head %s", PQgetvalue(r, 0, 0),
               PQgetvalue(r, 0, 1)[0] ? PQgetvalue(r, 0, 1) : "(empty)");
        if (atol(PQgetvalue(r, 0, 2)) > 0)
            printf(" (%s committed rows not yet sequenced by the relay)", PQgetvalue(r, 0, 2));
        printf("\n");
        rc = CLI_OK;
    }
    PQclear(r);
    return rc;
}

int cmd_admin(cli_t *cli, const char *verb)
{
    const char *db = cli_opt_or(cli, "db", getenv("HJ_DB") ? getenv("HJ_DB") : "dbname=huanjie");
    const char *what = cli->npos > 0 ? cli->pos[0] : "";
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    if (strcmp(verb, "journal") != 0 || strcmp(what, "verify") != 0)
        return cli_usage("hj admin journal verify [--db CONNINFO]");
    PGconn *c = PQconnectdb(db);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "hj: cannot connect to the database (%s): %s", db, PQerrorMessage(c));
        PQfinish(c);
        return CLI_UNREACHABLE;
    }
    rc = s_journal_verify(c);
    PQfinish(c);
    return rc;
}
