/* hj admin: operator commands that run on the server, against the database
 * directly (HJ_DB or --db, logged in as the hj_admin role) and the run
 * directory (HJ_RUN_DIR or --run-dir), not through the broker. On the machine
 * where `deploy/huanjie up` ran, neither is needed: the run directory is the
 * one holding the operator's device file, and `up` left the database's
 * connection string in it (RUN/database). */
#include "cli.h"
#include "hj_auth.h"
#include "hj_config.h"
#include "hj_curve.h"
#include "hj_db.h"
#include "hj_enrol.h"
#include "hj_log.h"
#include "hj_seal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- journal verify ------------------------------------------------------- */

/* The first broken link or gap, in seq order: one pass over the seq index. */
static const char *s_links_sql =
    "SELECT seq, CASE WHEN seq <> COALESCE(before_seq, 0) + 1 THEN 'gap' ELSE 'link' END,"
    "  encode(prev_hash, 'hex'), encode(COALESCE(before_hash, '\\x'::bytea), 'hex'),"
    "  COALESCE(before_seq, 0) "
    "FROM (SELECT seq, prev_hash, lag(hash) OVER w AS before_hash, lag(seq) OVER w AS before_seq"
    "      FROM bus.journal WHERE seq IS NOT NULL WINDOW w AS (ORDER BY seq)) c "
    "WHERE seq <> COALESCE(before_seq, 0) + 1"
    "   OR prev_hash IS DISTINCT FROM COALESCE(before_hash, '\\x'::bytea) "
    "ORDER BY seq LIMIT 1";

/* The first row whose content no longer matches its hash. No order needed,
 * so PostgreSQL spreads the million SHA-256s over its parallel workers. */
static const char *s_hash_sql =
    "SELECT min(seq) FROM bus.journal j WHERE seq IS NOT NULL"
    "  AND hash IS DISTINCT FROM sha256(prev_hash || bus.journal_digest_input(j))";

static const char *s_hash_row_sql =
    "SELECT encode(hash, 'hex'), encode(sha256(prev_hash || bus.journal_digest_input(j)), 'hex') "
    "FROM bus.journal j WHERE seq = $1::bigint";

static PGresult *s_query(PGconn *c, const char *sql, int n, const char *const *values)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "hj: journal verify failed: %s", PQerrorMessage(c));
        PQclear(r);
        return NULL;
    }
    return r;
}

/* Prints the first broken link; CLI_REFUSED when there is one, CLI_OK when
 * none, CLI_UNREACHABLE on a database error. */
static int s_chain(PGconn *c)
{
    PGresult *links = s_query(c, s_links_sql, 0, NULL), *hash = NULL, *row = NULL;
    int rc = CLI_UNREACHABLE;
    if (!links || !(hash = s_query(c, s_hash_sql, 0, NULL)))
        goto out;
    long link_seq = PQntuples(links) ? atol(PQgetvalue(links, 0, 0)) : 0;
    long hash_seq = PQgetisnull(hash, 0, 0) ? 0 : atol(PQgetvalue(hash, 0, 0));
    int gap = link_seq && strcmp(PQgetvalue(links, 0, 1), "gap") == 0;
    /* At one seq a gap says the most, then a changed row, then a broken link. */
    if (link_seq && (!hash_seq || link_seq < hash_seq || (link_seq == hash_seq && gap))) {
        if (gap)
            printf("broken at seq %ld: the sequence jumps from %s (events are missing)\n", link_seq,
                   PQgetvalue(links, 0, 4));
        else
            printf("broken at seq %ld: its link (prev_hash %.16s…) does not match seq %s's hash "
                   "(%.16s…)\n",
                   link_seq, PQgetvalue(links, 0, 2), PQgetvalue(links, 0, 4),
                   PQgetvalue(links, 0, 3));
        rc = CLI_REFUSED;
    } else if (hash_seq) {
        const char *v[1] = {PQgetvalue(hash, 0, 0)};
        if (!(row = s_query(c, s_hash_row_sql, 1, v)) || PQntuples(row) != 1)
            goto out;
        printf("broken at seq %ld: the row's content does not match its hash "
               "(stored %.16s…, recomputed %.16s…): the row was changed after it was sealed\n",
               hash_seq, PQgetvalue(row, 0, 0), PQgetvalue(row, 0, 1));
        rc = CLI_REFUSED;
    } else {
        rc = CLI_OK;
    }
out:
    PQclear(links);
    PQclear(hash);
    PQclear(row);
    return rc;
}

/* The chain is whole: its head, the relay's own record of it, and an anchor
 * the operator wrote down earlier ("SEQ:HASH", as this command prints it). */
static int s_head(PGconn *c, const char *anchor)
{
    PGresult *r = s_query(
        c,
        "SELECT count(*), COALESCE(max(seq), 0), COALESCE((SELECT encode(hash, "
        "'hex') FROM bus.journal WHERE seq = (SELECT max(seq) FROM bus.journal)), ''), "
        "(SELECT count(*) FROM bus.journal WHERE seq IS NULL), "
        "(SELECT seq FROM bus.relay_head), (SELECT encode(hash, 'hex') FROM bus.relay_head) "
        "FROM bus.journal WHERE seq IS NOT NULL",
        0, NULL);
    int rc = CLI_UNREACHABLE;
    if (!r)
        return rc;
    long head = atol(PQgetvalue(r, 0, 1)), sealed = atol(PQgetvalue(r, 0, 4));
    const char *hash = PQgetvalue(r, 0, 2);
    if (sealed > head) {
        printf("broken at seq %ld: the journal ends at seq %ld, but the relay sealed up to seq %ld "
               "(rows were removed from the end)\n",
               head + 1, head, sealed);
        rc = CLI_REFUSED;
    } else if (sealed == head && head > 0 && strcmp(hash, PQgetvalue(r, 0, 5)) != 0) {
        printf("broken at seq %ld: the last row's hash is not the one the relay sealed\n", head);
        rc = CLI_REFUSED;
    } else {
        printf("ok, %s events, head %ld:%s", PQgetvalue(r, 0, 0), head, hash[0] ? hash : "(empty)");
        if (atol(PQgetvalue(r, 0, 3)) > 0)
            printf(" (%s committed rows not yet sequenced by the relay)", PQgetvalue(r, 0, 3));
        printf("\n");
        rc = CLI_OK;
    }
    PQclear(r);
    if (rc != CLI_OK || !anchor)
        return rc;
    char seq[32] = "", want[80] = "";
    const char *colon = strchr(anchor, ':');
    if (!colon || colon == anchor || (size_t)(colon - anchor) >= sizeof seq ||
        strlen(colon + 1) != 64)
        return cli_usage("--anchor SEQ:HASH, as `ok, N events, head SEQ:HASH` printed it");
    memcpy(seq, anchor, (size_t)(colon - anchor));
    snprintf(want, sizeof want, "%s", colon + 1);
    const char *v[1] = {seq};
    if (!(r = s_query(c, "SELECT encode(hash, 'hex') FROM bus.journal WHERE seq = $1::bigint", 1,
                      v)))
        return CLI_UNREACHABLE;
    if (PQntuples(r) == 0) {
        printf("anchor broken: seq %s is no longer in the journal\n", seq);
        rc = CLI_REFUSED;
    } else if (strcasecmp(PQgetvalue(r, 0, 0), want) != 0) {
        printf("anchor broken: seq %s's hash is %.16s…, not the anchored %.16s…: the journal up "
               "to seq %s was rewritten and rehashed\n",
               seq, PQgetvalue(r, 0, 0), want, seq);
        rc = CLI_REFUSED;
    } else {
        printf("anchor seq %s matches\n", seq);
    }
    PQclear(r);
    return rc;
}

static int s_journal_verify(PGconn *c, const char *anchor)
{
    int rc = s_chain(c);
    return rc == CLI_OK ? s_head(c, anchor) : rc;
}

/* ---- devices ---------------------------------------------------------------- */

static int s_sql_error(PGconn *c, const char *what)
{
    fprintf(stderr, "hj: %s failed: %s", what, PQerrorMessage(c));
    return CLI_UNREACHABLE;
}

/* --passphrase: the passphrase the new device file is sealed with, asked
 * before anything is enrolled. CLI_OK, or CLI_USAGE after saying why. */
static int s_seal_passphrase(const char *name, char passphrase[HJ_SEAL_PASSPHRASE_MAX])
{
    char prompt[160], why[256];
    snprintf(prompt, sizeof prompt, "Passphrase to seal %s's device file with: ", name);
    if (hj_seal_passphrase(prompt, 1, passphrase, why, sizeof why) == 0)
        return CLI_OK;
    fprintf(stderr, "hj: %s; nothing was enrolled\n", why);
    return CLI_USAGE;
}

static int s_device_enrol(cli_t *cli, PGconn *c, const char *name, const char *team,
                          const char *role, const char *run_dir, const char *out_in, int seal)
{
    hj_device_t d = {0};
    hj_status_t st;
    char out[1024], passphrase[HJ_SEAL_PASSPHRASE_MAX];
    if (!name)
        return cli_usage("hj admin device enrol NAME --team TEAM --role ROLE");
    if (seal && s_seal_passphrase(name, passphrase) != CLI_OK)
        return CLI_USAGE;
    snprintf(out, sizeof out, "%s", out_in && *out_in ? out_in : "");
    if (!out[0])
        snprintf(out, sizeof out, "%s.device", name);
    snprintf(d.name, sizeof d.name, "%s", name);
    snprintf(d.team, sizeof d.team, "%s", team ? team : "");
    snprintf(d.role, sizeof d.role, "%s", role ? role : "");
    snprintf(d.bus, sizeof d.bus, "%s", cli->bus);
    snprintf(d.events, sizeof d.events, "%s", cli->events);
    int failed = hj_enrol_sealed(c, run_dir, &d, out, seal ? passphrase : NULL, &st) != 0;
    if (seal)
        hj_seal_wipe(passphrase, sizeof passphrase);
    if (failed) {
        if (st.code == HJ__CODE__INVALID_ARGUMENT)
            return cli_usage("%s", st.message);
        fprintf(stderr, "hj: %s: %s\n", hj_code_name(st.code), st.message);
        return st.code == HJ__CODE__UNAVAILABLE ? CLI_UNREACHABLE : CLI_REFUSED;
    }
    int to_stdout = strcmp(out, "-") == 0;
    /* With --out -, stdout is the device file; the summary goes to stderr. */
    FILE *say = to_stdout ? stderr : stdout;
    if (cli->json && !to_stdout)
        printf("{\"name\":\"%s\",\"role\":\"%s\",\"public_key\":\"%s\",\"file\":\"%s\","
               "\"sealed\":%s}\n",
               d.name, d.role, d.public_key, out, seal ? "true" : "false");
    else if (!cli->json) {
        fprintf(say, "enrolled %s (%s, %s), public key %s\n", d.name, d.role, d.team, d.public_key);
        if (!to_stdout)
            fprintf(say, "device file: %s (mode 0600; %s)\n", out,
                    seal ? "its secret key is sealed with the passphrase"
                         : "it holds the device's secret key");
        fprintf(say, "Copy it to the device and use it with hj --device FILE, HJ_DEVICE=FILE, or "
                     "as ~/.config/huanjie/device.\n");
        /* The ports are the ones this server listens on (HJ_BUS_PORT), not 7700. */
        const char *bus_port = strrchr(d.bus, ':'), *events_port = strrchr(d.events, ':');
        if (strstr(d.bus, "//127.") || strstr(d.bus, "//localhost"))
            fprintf(say,
                    "Note: it names %s, this machine itself; for a laptop, enrol with\n"
                    "--bus tcp://SERVER%s --events tcp://SERVER%s.\n",
                    d.bus, bus_port ? bus_port : ":7700", events_port ? events_port : ":7701");
    }
    return CLI_OK;
}

/* One JSON string (the values are UTF-8 text from the database). */
static void s_json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static int s_device_list(cli_t *cli, PGconn *c)
{
    static const char *headers[] = {"name",     "role",    "team",      "writes for",
                                    "enrolled", "revoked", "public key"};
    static const char *keys[] = {"name",     "role",    "team",      "communities",
                                 "enrolled", "revoked", "public_key"};
    PGresult *r = PQexec(
        c,
        "SELECT d.name, d.role, d.team, CASE WHEN g.communities IS NULL THEN '(all)' ELSE "
        "array_to_string(g.communities, ' ') END, "
        "to_char(d.enrolled_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), "
        "COALESCE(to_char(d.revoked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''), "
        "d.public_key FROM bus.devices d JOIN bus.device_grants g USING (public_key) "
        "ORDER BY d.name");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return s_sql_error(c, "device list");
    }
    if (cli->json) {
        for (int i = 0; i < PQntuples(r); i++) {
            for (int k = 0; k < 7; k++) {
                printf("%s", k ? "," : "{");
                s_json_str(keys[k]);
                putchar(':');
                s_json_str(PQgetvalue(r, i, k));
            }
            printf("}\n");
        }
    } else {
        cli_table_t *t = cli_table_new(7, headers);
        for (int i = 0; i < PQntuples(r); i++) {
            const char *row[7];
            for (int k = 0; k < 7; k++)
                row[k] = PQgetvalue(r, i, k);
            cli_table_row(t, row);
        }
        cli_table_print(t);
        cli_table_destroy(&t);
    }
    PQclear(r);
    return CLI_OK;
}

static int s_device_revoke(PGconn *c, const char *name)
{
    if (!name)
        return cli_usage("hj admin device revoke NAME");
    const char *v[1] = {name};
    PGresult *r = PQexecParams(c,
                               "UPDATE bus.devices SET revoked_at = now() WHERE name = $1 AND "
                               "revoked_at IS NULL RETURNING role",
                               1, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return s_sql_error(c, "revocation");
    }
    int done = PQntuples(r) == 1;
    PQclear(r);
    if (done) {
        printf("revoked %s: refused from its next connection or request on\n", name);
        return CLI_OK;
    }
    r = PQexecParams(
        c,
        "SELECT to_char(revoked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') "
        "FROM bus.devices WHERE name = $1",
        1, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        fprintf(stderr, "hj: %s was already revoked on %s\n", name, PQgetvalue(r, 0, 0));
    else
        fprintf(stderr, "hj: no device named %s (hj admin device list)\n", name);
    PQclear(r);
    return CLI_REFUSED;
}

/* ---- where: the run directory and its database ------------------------------- */

/* The run directory: --run-dir, else HJ_RUN_DIR, else the one `up` made here:
 * its devices/ holds the device hj uses (~/.config/huanjie/device links into
 * it) and it holds busd.key; else ".". */
static void s_run_dir(cli_t *cli, char *out, size_t size)
{
    const char *given = cli_opt(cli, "run-dir");
    char device[512], real[4096], key[4200];
    snprintf(out, size, "%s", given ? given : getenv("HJ_RUN_DIR") ? getenv("HJ_RUN_DIR") : ".");
    if (given || getenv("HJ_RUN_DIR") || !hj_device_find(NULL, device, sizeof device) ||
        !realpath(device, real))
        return;
    char *slash = strrchr(real, '/');
    if (!slash || slash - real < 8 || strncmp(slash - 8, "/devices", 8) != 0)
        return;
    slash[-8] = 0;
    snprintf(key, sizeof key, "%s/busd.key", real);
    if (access(key, F_OK) == 0)
        snprintf(out, size, "%s", real);
}

/* The database: --db, else HJ_DB, else the run directory's `database` file
 * (`up` writes it), else dbname=huanjie. *from says which, for messages. */
static void s_database(cli_t *cli, const char *run_dir, char *db, size_t size, const char **from)
{
    static char file[4200];
    const char *given = cli_opt(cli, "db");
    *from = given ? "--db" : "HJ_DB";
    snprintf(db, size, "%s", given ? given : getenv("HJ_DB") ? getenv("HJ_DB") : "");
    if (db[0])
        return;
    snprintf(file, sizeof file, "%s/database", run_dir);
    FILE *f = fopen(file, "r");
    if (f && fgets(db, (int)size, f))
        db[strcspn(db, "\r\n")] = 0;
    else
        db[0] = 0;
    if (f)
        fclose(f);
    *from = db[0] ? file : "the default";
    if (!db[0])
        snprintf(db, size, "dbname=huanjie");
}

/* ---- the command ------------------------------------------------------------ */

static const char *s_usage = "hj admin journal verify [--anchor SEQ:HASH] | keygen | device enrol "
                             "NAME --team TEAM --role ROLE "
                             "[--out FILE] [--passphrase] | device list | device revoke NAME   "
                             "[--db CONNINFO] [--run-dir DIR]";

int cmd_admin(cli_t *cli, const char *verb)
{
    char db[1024], run_dir[4096];
    const char *db_from;
    s_run_dir(cli, run_dir, sizeof run_dir);
    s_database(cli, run_dir, db, sizeof db, &db_from);
    const char *what = cli->npos > 0 ? cli->pos[0] : "";
    const char *arg = cli->npos > 1 ? cli->pos[1] : NULL;
    const char *anchor = cli_opt(cli, "anchor");
    const char *team = cli_opt(cli, "team"), *role = cli_opt(cli, "role"),
               *out = cli_opt(cli, "out");
    const char *seal = cli_opt(cli, "passphrase");
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    /* Never on the command line: it would sit in the shell's history and in ps. */
    if (seal && *seal)
        return cli_usage("--passphrase takes no value: the passphrase is read from "
                         "HJ_DEVICE_PASSPHRASE, else asked on the terminal");
    hj_log_init("hj", HJ_LOG_WARN);
    if (strcmp(verb, "keygen") == 0) {
        char pub[HJ_KEY_LEN], sec[HJ_KEY_LEN];
        if (hj_curve_server_key(run_dir, 1, pub, sec) != 0)
            return CLI_UNREACHABLE;
        printf("server public key %s (keypair in %s/busd.key)\n", pub, run_dir);
        return CLI_OK;
    }
    int journal = strcmp(verb, "journal") == 0 && strcmp(what, "verify") == 0;
    int device =
        strcmp(verb, "device") == 0 &&
        (strcmp(what, "enrol") == 0 || strcmp(what, "list") == 0 || strcmp(what, "revoke") == 0);
    if (!journal && !device)
        return cli_usage("%s", s_usage);
    if (hj_config_db_user(db, sizeof db, "hj_admin") != 0)
        return cli_usage("--db / HJ_DB is not a connection string");
    PGconn *c = PQconnectdb(db);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr,
                "hj: cannot connect to the database (connection string from %s; --db or "
                "HJ_DB names it, or the run directory's `database` file that deploy/huanjie "
                "up writes): %s",
                db_from, PQerrorMessage(c));
        PQfinish(c);
        return CLI_UNREACHABLE;
    }
    if (journal)
        rc = s_journal_verify(c, anchor);
    else if (strcmp(what, "enrol") == 0)
        rc = s_device_enrol(cli, c, arg, team, role, run_dir, out, seal != NULL);
    else if (strcmp(what, "list") == 0)
        rc = s_device_list(cli, c);
    else
        rc = s_device_revoke(c, arg);
    PQfinish(c);
    return rc;
}
