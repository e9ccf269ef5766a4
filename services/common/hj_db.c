#include "hj_db.h"
#include "hj_log.h"

#include <ctype.h>
#include <libpq-events.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Prepared statements, per connection. A statement run through hj_pq is
 * parsed (and, once PostgreSQL finds a generic plan as good, planned) once per
 * connection instead of on every call: the server's parse/plan work was a
 * third of its CPU in the write-path benchmark. Only connections made by
 * hj_db carry a cache; others run every statement unnamed as before. */
#define S_STMT_MAX 256

typedef struct {
    uint64_t hash;
    char *sql; /* NULL: free slot */
    int prepared;
} s_stmt_t;

typedef struct {
    int count;
    s_stmt_t slot[S_STMT_MAX * 2]; /* open addressing, at most half full */
} s_stmt_cache_t;

static int s_stmt_event(PGEventId id, void *info, void *pass)
{
    if (id == PGEVT_CONNDESTROY || id == PGEVT_CONNRESET) {
        PGconn *c = id == PGEVT_CONNDESTROY ? ((PGEventConnDestroy *)info)->conn
                                            : ((PGEventConnReset *)info)->conn;
        s_stmt_cache_t *cache = PQinstanceData(c, s_stmt_event);
        if (cache) {
            for (int i = 0; i < S_STMT_MAX * 2; i++)
                free(cache->slot[i].sql);
            memset(cache, 0, sizeof *cache);
            if (id == PGEVT_CONNDESTROY) {
                PQsetInstanceData(c, s_stmt_event, NULL);
                free(cache);
            }
        }
    }
    return 1;
}

/* Gives a connection hj_db made its statement cache. */
static void s_stmt_attach(PGconn *c)
{
    s_stmt_cache_t *cache = calloc(1, sizeof *cache);
    if (!cache || !PQregisterEventProc(c, s_stmt_event, "hj_stmt", NULL) ||
        !PQsetInstanceData(c, s_stmt_event, cache))
        free(cache);
}

/* Plain queries only: transaction and session commands stay unnamed. */
static int s_stmt_cacheable(const char *sql)
{
    while (isspace((unsigned char)*sql))
        sql++;
    return strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "INSERT", 6) == 0 ||
           strncasecmp(sql, "UPDATE", 6) == 0 || strncasecmp(sql, "DELETE", 6) == 0 ||
           strncasecmp(sql, "WITH", 4) == 0;
}

/* The statement's slot (its name is its index), or NULL when it is not cached. */
static s_stmt_t *s_stmt_find(PGconn *c, const char *sql, int *index)
{
    s_stmt_cache_t *cache = PQinstanceData(c, s_stmt_event);
    if (!cache || !s_stmt_cacheable(sql))
        return NULL;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const char *p = sql; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (int n = 0, i = (int)(h % (S_STMT_MAX * 2)); n < S_STMT_MAX * 2;
         n++, i = (i + 1) % (S_STMT_MAX * 2)) {
        s_stmt_t *st = &cache->slot[i];
        if (st->sql && st->hash == h && strcmp(st->sql, sql) == 0) {
            *index = i;
            return st;
        }
        if (!st->sql) {
            /* New text: a full cache (SQL built with values in it?) runs it unnamed. */
            if (cache->count >= S_STMT_MAX || !(st->sql = strdup(sql)))
                return NULL;
            st->hash = h;
            cache->count++;
            *index = i;
            return st;
        }
    }
    return NULL;
}

typedef struct s_job {
    struct s_job *next;
    hj_db_work_fn work;
    hj_db_done_fn done;
    void *arg;
} s_job_t;

struct hj_db {
    uv_loop_t *loop;
    char *conninfo;
    char *on_connect; /* SQL run after each (re)connect, or NULL */
    int read_only;    /* transactions read-only by default (hj_db_new_read_only) */
    PGconn *conn;     /* touched only by the job that is running */
    uv_work_t req;
    s_job_t *head, *tail; /* head is the running job when `running` */
    int running;
    int pending;
    int closing;
    int64_t next_attempt_ms;
    int backoff_ms;
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* On the pool thread: a usable connection or NULL. */
static PGconn *s_connection(hj_db_t *db)
{
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
        return db->conn;
    if (s_now_ms() < db->next_attempt_ms)
        return NULL;
    if (db->conn)
        PQfinish(db->conn);
    db->conn = PQconnectdb(db->conninfo);
    /* A connection whose set-up fails is dropped like one that failed to open. */
    if (PQstatus(db->conn) == CONNECTION_OK &&
        (!db->on_connect || hj_pq_cmd(db->conn, db->on_connect) == 0) &&
        (!db->read_only || hj_pq_cmd(db->conn, "SET default_transaction_read_only = on") == 0)) {
        s_stmt_attach(db->conn);
        if (db->backoff_ms)
            hj_info("database connection restored");
        db->backoff_ms = 0;
        return db->conn;
    }
    db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : 100;
    if (db->backoff_ms > 5000)
        db->backoff_ms = 5000;
    db->next_attempt_ms = s_now_ms() + db->backoff_ms;
    hj_warn("database unavailable (retry in %d ms): %s", db->backoff_ms, PQerrorMessage(db->conn));
    PQfinish(db->conn);
    db->conn = NULL;
    return NULL;
}

static void s_work(uv_work_t *req)
{
    hj_db_t *db = req->data;
    db->head->work(s_connection(db), db->head->arg);
}

static void s_start(hj_db_t *db);

/* The end of a closing hj_db once no job runs: jobs queued behind the
 * shutdown are answered unrun, then the connection and the handle go. */
static void s_free(hj_db_t *db)
{
    while (db->head) {
        s_job_t *j = db->head;
        db->head = j->next;
        j->done(j->arg);
        free(j);
    }
    if (db->conn)
        PQfinish(db->conn);
    free(db->conninfo);
    free(db->on_connect);
    free(db);
}

static void s_after(uv_work_t *req, int status)
{
    hj_db_t *db = req->data;
    s_job_t *job = db->head;
    db->head = job->next;
    if (!db->head)
        db->tail = NULL;
    db->running = 0;
    db->pending--;
    job->done(job->arg);
    free(job);
    if (db->closing) {
        s_free(db);
        return;
    }
    s_start(db);
}

static void s_start(hj_db_t *db)
{
    if (db->running || !db->head)
        return;
    db->running = 1;
    db->req.data = db;
    if (uv_queue_work(db->loop, &db->req, s_work, s_after) != 0) {
        hj_error("uv_queue_work failed");
        db->running = 0;
    }
}

/* Each running job holds one of libuv's pool threads (4 by default): the
 * writer's four write lanes waiting for a lock or a flush would hold them all
 * and its two read lanes (hj_writer.c) would wait behind them after all.
 * Room for every lane and a service's other jobs (hj-tallyd's consumer). */
#define S_POOL_THREADS "8"

hj_db_t *hj_db_new(uv_loop_t *loop, const char *conninfo)
{
    /* Read by libuv at the pool's first job, which comes after a first
     * hj_db; an operator's own setting wins. */
    setenv("UV_THREADPOOL_SIZE", S_POOL_THREADS, 0);
    hj_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return NULL;
    db->loop = loop;
    db->conninfo = strdup(conninfo);
    if (!db->conninfo) {
        free(db);
        return NULL;
    }
    return db;
}

hj_db_t *hj_db_new_like(hj_db_t *db)
{
    hj_db_t *like = hj_db_new(db->loop, db->conninfo);
    if (like && db->on_connect && hj_db_on_connect(like, db->on_connect) != 0)
        hj_db_destroy(&like);
    return like;
}

hj_db_t *hj_db_new_read_only(hj_db_t *db)
{
    hj_db_t *like = hj_db_new_like(db);
    if (like)
        like->read_only = 1;
    return like;
}

int hj_db_on_connect(hj_db_t *db, const char *sql)
{
    char *copy = strdup(sql);
    if (!copy)
        return -1;
    free(db->on_connect);
    db->on_connect = copy;
    return 0;
}

int hj_db_run(hj_db_t *db, hj_db_work_fn work, hj_db_done_fn done, void *arg)
{
    if (db->closing)
        return -1;
    s_job_t *job = calloc(1, sizeof *job);
    if (!job)
        return -1;
    job->work = work;
    job->done = done;
    job->arg = arg;
    if (db->tail)
        db->tail->next = job;
    else
        db->head = job;
    db->tail = job;
    db->pending++;
    s_start(db);
    return 0;
}

int hj_db_pending(hj_db_t *db)
{
    return db->pending;
}

void hj_db_destroy(hj_db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_db_t *db = *self_p;
    *self_p = NULL;
    db->closing = 1;
    if (db->running)
        return; /* s_after finishes the job */
    s_free(db);
}

PGresult *hj_pqb(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values,
                 const int *lengths, const int *formats)
{
    sqlstate[0] = 0;
    int index = 0;
    char name[16];
    s_stmt_t *stmt = s_stmt_find(c, sql, &index);
    PGresult *r = NULL;
    if (stmt) {
        snprintf(name, sizeof name, "hj_%d", index);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (!stmt->prepared) {
                r = PQprepare(c, name, sql, n, NULL);
                stmt->prepared = PQresultStatus(r) == PGRES_COMMAND_OK;
                if (!stmt->prepared)
                    break; /* r holds the error (a bad statement, an aborted transaction) */
                PQclear(r);
            }
            r = PQexecPrepared(c, name, n, values, lengths, formats, 0);
            const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            /* Gone from the server (DISCARD ALL): prepare again, once. */
            if (!state || strcmp(state, "26000") != 0)
                break;
            PQclear(r);
            r = NULL;
            stmt->prepared = 0;
        }
    } else
        r = PQexecParams(c, sql, n, NULL, values, lengths, formats, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state)
        snprintf(sqlstate, 6, "%s", state);
    /* Constraint violations are expected answers (ALREADY_EXISTS ...): debug only. */
    if (state && strncmp(state, "23", 2) == 0)
        hj_debug("sql %s: %s", state, PQerrorMessage(c));
    else
        hj_error("sql failed (%s): %s", state ? state : "no state", PQerrorMessage(c));
    PQclear(r);
    return NULL;
}

PGresult *hj_pq(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values)
{
    return hj_pqb(c, sqlstate, sql, n, values, NULL, NULL);
}

int hj_pq_exec(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values)
{
    PGresult *r = hj_pq(c, sqlstate, sql, n, values);
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

int hj_pq_cmd(PGconn *c, const char *sql)
{
    char state[6];
    return hj_pq_exec(c, state, sql, 0, NULL);
}

int hj_pq_begin(PGconn *c, int *own)
{
    *own = PQtransactionStatus(c) == PQTRANS_IDLE;
    return *own ? hj_pq_cmd(c, "BEGIN READ WRITE") : 0;
}

int hj_pq_end(PGconn *c, int own, int commit)
{
    return own ? hj_pq_cmd(c, commit ? "COMMIT" : "ROLLBACK") : 0;
}

int hj_pq_lost(PGconn *c)
{
    return PQstatus(c) != CONNECTION_OK;
}

char *hj_pq_text_array(char *const *items, size_t n)
{
    size_t size = 3;
    for (size_t i = 0; i < n; i++)
        size += 2 * strlen(items[i]) + 3; /* every byte escaped at worst, quotes, comma */
    char *out = malloc(size), *at = out;
    if (!out)
        return NULL;
    *at++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *at++ = ',';
        *at++ = '"';
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                *at++ = '\\';
            *at++ = *p;
        }
        *at++ = '"';
    }
    *at++ = '}';
    *at = 0;
    return out;
}

void hj_pq_text_array_free(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i]);
    free(items);
}

int hj_pq_text_array_parse(const char *text, char ***items, size_t *n)
{
    size_t len = strlen(text), count = 0;
    char **out = calloc(len / 2 + 2, sizeof *out); /* at most one element per two bytes */
    char *buf = malloc(len + 1);
    const char *p = text;
    int rc = -1;
    *items = NULL;
    *n = 0;
    if (!out || !buf || *p++ != '{')
        goto out;
    while (*p && *p != '}') {
        size_t k = 0;
        int quoted = *p == '"';
        if (quoted) {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                buf[k++] = *p;
            }
            if (*p++ != '"')
                goto out;
        } else {
            while (*p && *p != ',' && *p != '}')
                buf[k++] = *p++;
        }
        buf[k] = 0;
        if (!quoted && strcmp(buf, "NULL") == 0)
            buf[0] = 0;
        if (!(out[count] = strdup(buf)))
            goto out;
        count++;
        if (*p == ',')
            p++;
    }
    if (*p != '}' || p[1])
        goto out;
    *items = out;
    *n = count;
    out = NULL;
    rc = 0;
out:
    hj_pq_text_array_free(out, count);
    free(buf);
    return rc;
}

uv_loop_t *hj_db_loop(hj_db_t *db)
{
    return db->loop;
}
