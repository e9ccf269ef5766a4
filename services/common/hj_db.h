#ifndef HJ_DB_H
#define HJ_DB_H
/* PostgreSQL driven from a libuv loop.
 *
 * A service's SQL is written as plain synchronous libpq calls (one statement
 * after another, like the libpq examples) and runs on libuv's thread pool,
 * one job at a time per hj_db_t, so the loop thread never blocks on the
 * database and the connection is never shared between threads at once. The
 * done callback runs on the loop thread.
 *
 * The connection is (re)made lazily before a job; after a failure the next
 * attempts back off (100 ms doubling to 5 s). While the server is away a job
 * gets conn == NULL and must answer UNAVAILABLE (the client retries). */
#include <libpq-fe.h>
#include <uv.h>

typedef struct hj_db hj_db_t;
typedef void (*hj_db_work_fn)(PGconn *conn, void *arg);
typedef void (*hj_db_done_fn)(void *arg);

hj_db_t *hj_db_new(uv_loop_t *loop, const char *conninfo);
/* Another hj_db_t on the same loop and server: a second connection whose
 * jobs run beside (not after) the first one's. NULL on failure. */
hj_db_t *hj_db_new_like(hj_db_t *db);
/* The same, but every transaction on its connection is read-only unless it
 * says otherwise (BEGIN READ WRITE, hj_pq_begin): a connection for reads
 * that run without a transaction block, where a stray write must fail
 * loudly rather than commit statement by statement. NULL on failure. */
hj_db_t *hj_db_new_read_only(hj_db_t *db);
/* SQL run on every new connection before its first job (e.g. SET
 * search_path); copied by hj_db_new_like. Call before the first job. 0 / -1. */
int hj_db_on_connect(hj_db_t *db, const char *sql);
/* Queues a job; jobs run in order, one at a time. Returns 0, or -1 (and
 * neither callback is called) when the db is shutting down. */
int hj_db_run(hj_db_t *db, hj_db_work_fn work, hj_db_done_fn done, void *arg);
/* Number of jobs queued or running. */
int hj_db_pending(hj_db_t *db);
/* Frees once the running job (if any) has finished; queued jobs are dropped
 * after their done callback is called with the job unrun (work not called). */
void hj_db_destroy(hj_db_t **self_p);
/* The loop its done callbacks run on. */
uv_loop_t *hj_db_loop(hj_db_t *db);

/* Synchronous helpers for use inside a job (text parameters). Each returns
 * the result, or NULL after logging the error; `sqlstate` (6 bytes) receives
 * the SQLSTATE of a failure ("" on success or lost connection). */
PGresult *hj_pq(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values);
/* Same with per-parameter lengths and formats (1 = binary), for bytea. */
PGresult *hj_pqb(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values,
                 const int *lengths, const int *formats);
/* hj_pq for a statement whose rows nobody reads (an upsert, an UPDATE):
 * 0 / -1, with the SQLSTATE of a failure in `sqlstate` as hj_pq leaves it. */
int hj_pq_exec(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values);
/* Runs a statement without parameters or results (BEGIN, SAVEPOINT ...). 0 / -1. */
int hj_pq_cmd(PGconn *c, const char *sql);
/* A text[] literal of n strings, each quoted ("{\"a\",\"b \\\"c\\\"\"}"), for a
 * $n::text[] (or ::uuid[], ::date[]) parameter: malloc'd, or NULL. */
char *hj_pq_text_array(char *const *items, size_t n);
/* Parses a text[] value as PostgreSQL prints it into *items (malloc'd
 * strings; a NULL element becomes ""), *n of them. 0 / -1 (a malformed
 * value; nothing to free). Free with hj_pq_text_array_free. */
int hj_pq_text_array_parse(const char *text, char ***items, size_t *n);
void hj_pq_text_array_free(char **items, size_t n);
/* For a handler whose statements must be one transaction (a lock held
 * across them, SET LOCAL, scratch writes rolled back) on a connection that
 * may be outside one (the writer runs reads without a transaction block,
 * read-only): BEGIN READ WRITE when no transaction is open, *own = 1; inside
 * the caller's transaction nothing is sent, *own = 0. 0 / -1. */
int hj_pq_begin(PGconn *c, int *own);
/* Ends what hj_pq_begin began (`own`): COMMIT when `commit`, else ROLLBACK;
 * nothing when it began nothing. 0 / -1. */
int hj_pq_end(PGconn *c, int own, int commit);
/* Connection status after a failure: 1 when the connection is gone. */
int hj_pq_lost(PGconn *c);

#endif
