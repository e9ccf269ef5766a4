#include "hj_db.h"
#include "hj_log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct s_job {
    struct s_job *next;
    hj_db_work_fn work;
    hj_db_done_fn done;
    void *arg;
} s_job_t;

struct hj_db {
    uv_loop_t *loop;
    char *conninfo;
    PGconn *conn;           /* touched only by the job that is running */
    uv_work_t req;
    s_job_t *head, *tail;   /* head is the running job when `running` */
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
    if (PQstatus(db->conn) == CONNECTION_OK) {
        if (db->backoff_ms)
            hj_info("database connection restored");
        db->backoff_ms = 0;
        return db->conn;
    }
    db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : 100;
    if (db->backoff_ms > 5000)
        db->backoff_ms = 5000;
    db->next_attempt_ms = s_now_ms() + db->backoff_ms;
    hj_warn("database unavailable (retry in %d ms): %s", db->backoff_ms,
            PQerrorMessage(db->conn));
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
        /* Jobs queued behind a shutdown are answered unrun. */
        while (db->head) {
            s_job_t *j = db->head;
            db->head = j->next;
            j->done(j->arg);
            free(j);
        }
        if (db->conn)
            PQfinish(db->conn);
        free(db->conninfo);
        free(db);
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

hj_db_t *hj_db_new(uv_loop_t *loop, const char *conninfo)
{
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
    return hj_db_new(db->loop, db->conninfo);
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
    while (db->head) {
        s_job_t *j = db->head;
        db->head = j->next;
        j->done(j->arg);
        free(j);
    }
    if (db->conn)
        PQfinish(db->conn);
    free(db->conninfo);
    free(db);
}

PGresult *hj_pqb(PGconn *c, char sqlstate[6], const char *sql, int n, const char *const *values,
                 const int *lengths, const int *formats)
{
    sqlstate[0] = 0;
    PGresult *r = PQexecParams(c, sql, n, NULL, values, lengths, formats, 0);
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

int hj_pq_cmd(PGconn *c, const char *sql)
{
    char state[6];
    PGresult *r = hj_pq(c, state, sql, 0, NULL);
    PQclear(r);
    return r ? 0 : -1;
}

int hj_pq_lost(PGconn *c)
{
    return PQstatus(c) != CONNECTION_OK;
}
