/* hj-bench: the write path measured against the machine's own limit, in one run.
 *
 *   limit    the same ~300-byte record inserted straight into PostgreSQL with
 *            libpq from one connection: one commit per row, and 100 rows per
 *            commit in pipeline mode
 *   system   `hj.interviews` talk_add (a fresh UUID each) through hj_client →
 *            hj-busd → hj-interviewsd → COMMIT → reply, with N concurrent
 *            clients (one thread and one socket each): submissions/s and
 *            reply latency p50 / p99 / max
 *   events   journal commit time (Event.time_us = committed_at) → arrival at a
 *            subscriber of the public event endpoint (same machine, same clock)
 *   memory   peak RSS (VmHWM) of each daemon named with --pid
 *
 * Each run measures every figure once, limits and system interleaved, so the
 * ratios compare numbers taken minutes apart at most; the table shows the
 * median of the runs. Exit status 0 when every measurement completed (targets
 * missed are reported, not failed), 1 when the stack did not answer. */
#include "hj_client.h"
#include "hj_curve.h"
#include "hj_envelope.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define S_MAX_LEVELS 8
#define S_MAX_RUNS 9
#define S_MAX_PIDS 8
#define S_PIPELINE_ROWS 100
#define S_COMMUNITY "BENCH-S-01"

enum { S_WARMUP, S_MEASURE, S_STOP };

typedef struct {
    const char *bus, *events, *limit_db;
    int runs;
    double seconds, warmup;
    int levels[S_MAX_LEVELS], nlevels;
    int npids;
    char pid_name[S_MAX_PIDS][32];
    int pid[S_MAX_PIDS];
} s_options_t;

/* The enrolled device every client and the subscriber talk as (hj-busd
 * serves no one else): --device, HJ_DEVICE, or ~/.config/huanjie/device. */
static hj_device_t s_device;

static hj_client_t *s_client(void *zctx, const char *bus)
{
    hj_client_t *c = hj_client_new(zctx, bus, 5000, 3);
    if (c && hj_client_set_device(c, &s_device) != 0)
        hj_client_destroy(&c);
    return c;
}

/* A growable array of samples (milliseconds). */
typedef struct {
    double *v;
    size_t n, cap;
} s_samples_t;

static void s_samples_add(s_samples_t *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int s_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static double s_pct(const s_samples_t *s, double p)
{
    if (!s->n)
        return 0;
    size_t k = (size_t)(p / 100.0 * (double)s->n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > s->n)
        k = s->n;
    return s->v[k - 1];
}

static double s_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, s_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double s_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int64_t s_wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void s_sleep(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

/* ---- the record ------------------------------------------------------- */

typedef struct {
    char interviewer[37];
    char date[11];
} s_setup_t;

/* A realistic talk: one interviewer, an outside interviewee, two topics and a
 * summary of about eighty Chinese characters. Packs to about 300 bytes. */
static uint8_t *s_talk_pack(const s_setup_t *setup, const char *request_id, size_t *len)
{
    static char *topics[] = {"换届人选", "小区治理"};
    char *interviewers[] = {(char *)setup->interviewer};
    Hj__Interviews__Interviewee who = HJ__INTERVIEWS__INTERVIEWEE__INIT;
    who.role = HJ__INTERVIEWS__OUTSIDE_ROLE__RESIDENT_REPRESENTATIVE;
    who.name = "李建国";
    Hj__Interviews__Talk talk = HJ__INTERVIEWS__TALK__INIT;
    talk.community = S_COMMUNITY;
    talk.phase = HJ__INTERVIEWS__PHASE__PREPARATION;
    talk.date = (char *)setup->date;
    talk.n_interviewers = 1;
    talk.interviewers = interviewers;
    talk.interviewee = &who;
    talk.n_topics = 2;
    talk.topics = topics;
    talk.summary = "与居民代表谈心谈话，了解对本届社区两委班子的评价和对换届人选的意见建议。"
                   "对方反映小区停车难、加装电梯推进慢。";
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    req.request_id = (char *)request_id;
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_ADD;
    req.talk_add = &talk;
    *len = hj__interviews__request__get_packed_size(&req);
    uint8_t *buf = malloc(*len);
    if (buf)
        hj__interviews__request__pack(&req, buf);
    return buf;
}

/* One call; the reply's status code, or -1 when no answer came. */
static int s_call(hj_client_t *c, const char *service, const uint8_t *body, size_t len,
                  uint8_t **reply, size_t *reply_len)
{
    hj_status_t st;
    if (hj_client_call(c, service, body, len, reply, reply_len) != 0)
        return -1;
    if (hj_status_unpack(*reply, *reply_len, &st) != 0)
        return HJ__CODE__INTERNAL;
    return (int)st.code;
}

static int s_registry(hj_client_t *c, Hj__Registry__Request *req, char person_id[37])
{
    char rid[37];
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    hj_uuid_new(rid);
    req->request_id = rid;
    size_t len = hj__registry__request__get_packed_size(req);
    uint8_t *body = malloc(len);
    if (!body)
        return -1;
    hj__registry__request__pack(req, body);
    int code = s_call(c, "registry", body, len, &reply, &reply_len);
    free(body);
    if (code == HJ__CODE__OK && person_id) {
        Hj__Registry__Reply *r = hj__registry__reply__unpack(NULL, reply_len, reply);
        if (r && r->result_case == HJ__REGISTRY__REPLY__RESULT_PERSON)
            snprintf(person_id, 37, "%s", r->person->id);
        else
            code = HJ__CODE__INTERNAL;
        hj__registry__reply__free_unpacked(r, NULL);
    }
    free(reply);
    if (code != HJ__CODE__OK && code != HJ__CODE__ALREADY_EXISTS) {
        fprintf(stderr, "hj-bench: registry setup step failed (code %d)\n", code);
        return -1;
    }
    return 0;
}

/* The district, subdistrict, community and interviewer a talk needs, then a
 * first talk once hj-interviewsd has them in its roster. 0 / -1. */
static int s_setup(const s_options_t *o, void *zctx, s_setup_t *setup)
{
    hj_client_t *c = s_client(zctx, o->bus);
    if (!c)
        return -1;
    hj_date_today(setup->date);
    Hj__Registry__District d = HJ__REGISTRY__DISTRICT__INIT;
    d.code = "BENCH";
    d.name = "基准区";
    Hj__Registry__Subdistrict s = HJ__REGISTRY__SUBDISTRICT__INIT;
    s.code = "BENCH-S";
    s.name = "基准街道";
    s.district = "BENCH";
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    m.code = S_COMMUNITY;
    m.name = "基准社区";
    m.subdistrict = "BENCH-S";
    m.org_type = HJ__REGISTRY__ORG_TYPE__BRANCH;
    Hj__Registry__Person p = HJ__REGISTRY__PERSON__INIT;
    p.name = "王丽";
    p.gender = "female";
    p.ethnicity = "汉族";
    p.birth_date = "1978-05-02";
    p.party_member = 1;
    Hj__Registry__Request r1 = HJ__REGISTRY__REQUEST__INIT, r2 = r1, r3 = r1, r4 = r1;
    r1.op_case = HJ__REGISTRY__REQUEST__OP_DISTRICT_ADD;
    r1.district_add = &d;
    r2.op_case = HJ__REGISTRY__REQUEST__OP_SUBDISTRICT_ADD;
    r2.subdistrict_add = &s;
    r3.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
    r3.community_add = &m;
    r4.op_case = HJ__REGISTRY__REQUEST__OP_PERSON_ADD;
    r4.person_add = &p;
    int rc = s_registry(c, &r1, NULL) || s_registry(c, &r2, NULL) || s_registry(c, &r3, NULL) ||
             s_registry(c, &r4, setup->interviewer) ? -1 : 0;
    for (int i = 0; rc == 0 && i < 50; i++) {
        char rid[37];
        size_t len = 0, reply_len = 0;
        uint8_t *reply = NULL;
        hj_uuid_new(rid);
        uint8_t *body = s_talk_pack(setup, rid, &len);
        int code = body ? s_call(c, "interviews", body, len, &reply, &reply_len) : -1;
        free(body);
        free(reply);
        if (code == HJ__CODE__OK)
            break;
        if (i == 49) {
            fprintf(stderr, "hj-bench: hj-interviewsd does not accept the talk (code %d)\n", code);
            rc = -1;
        }
        s_sleep(0.1);
    }
    hj_client_destroy(&c);
    return rc;
}

/* ---- the system: N clients --------------------------------------------- */

static atomic_int s_phase;

typedef struct {
    pthread_t tid;
    void *zctx;
    const char *bus;
    const s_setup_t *setup;
    s_samples_t latency;   /* ms, replies that arrived while measuring */
    long errors;
} s_client_t;

static void *s_client_run(void *arg)
{
    s_client_t *t = arg;
    hj_client_t *c = s_client(t->zctx, t->bus);
    if (!c) {
        t->errors++;
        return NULL;
    }
    while (atomic_load(&s_phase) != S_STOP) {
        char rid[37];
        size_t len = 0, reply_len = 0;
        uint8_t *reply = NULL;
        hj_uuid_new(rid);
        uint8_t *body = s_talk_pack(t->setup, rid, &len);
        double t0 = s_mono();
        int code = body ? s_call(c, "interviews", body, len, &reply, &reply_len) : -1;
        double ms = (s_mono() - t0) * 1000;
        free(body);
        free(reply);
        if (atomic_load(&s_phase) != S_MEASURE)
            continue;
        if (code == HJ__CODE__OK)
            s_samples_add(&t->latency, ms);
        else
            t->errors++;
    }
    hj_client_destroy(&c);
    return NULL;
}

/* ---- the event path ----------------------------------------------------- */

typedef struct {
    pthread_t tid;
    void *zctx;
    const char *endpoint;
    atomic_int stop;
    atomic_int ready;
    pthread_mutex_t lock;
    int64_t from_us, to_us;  /* the measuring window (commit time) */
    s_samples_t latency;     /* ms, events committed in the window */
    uint64_t last_seq;
    long received, gaps;
} s_subscriber_t;

static void *s_subscriber_run(void *arg)
{
    s_subscriber_t *s = arg;
    void *sub = zmq_socket(s->zctx, ZMQ_SUB);
    int hwm = 0, linger = 0;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "interviews.talk_recorded.", 25);
    if (hj_curve_client_socket(sub, &s_device) != 0 || zmq_connect(sub, s->endpoint) != 0) {
        fprintf(stderr, "hj-bench: cannot connect to %s\n", s->endpoint);
        zmq_close(sub);
        return NULL;
    }
    atomic_store(&s->ready, 1);
    while (!atomic_load(&s->stop)) {
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 100) <= 0)
            continue;
        zmq_msg_t topic, body;
        zmq_msg_init(&topic);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&topic, sub, 0) < 0 || !zmq_msg_more(&topic) ||
            zmq_msg_recv(&body, sub, 0) < 0) {
            zmq_msg_close(&topic);
            zmq_msg_close(&body);
            continue;
        }
        int64_t now = s_wall_us();
        Hj__Event *ev = hj__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
        if (ev) {
            pthread_mutex_lock(&s->lock);
            s->received++;
            if (s->last_seq && ev->seq > s->last_seq + 1)
                s->gaps += (long)(ev->seq - s->last_seq - 1);
            if (ev->seq > s->last_seq)
                s->last_seq = ev->seq;
            if (ev->time_us >= s->from_us && ev->time_us <= s->to_us)
                s_samples_add(&s->latency, (double)(now - ev->time_us) / 1000.0);
            pthread_mutex_unlock(&s->lock);
            hj__event__free_unpacked(ev, NULL);
        }
        zmq_msg_close(&topic);
        zmq_msg_close(&body);
    }
    zmq_close(sub);
    return NULL;
}

typedef struct {
    double rate;                  /* submissions/s */
    double p50, p99, max;         /* reply latency, ms */
    double ev_p50, ev_p99;        /* commit → subscriber, ms */
    long ok, errors, events;
} s_system_result_t;

static int s_system_run(const s_options_t *o, void *zctx, const s_setup_t *setup,
                        s_subscriber_t *sub, int nclients, s_system_result_t *res)
{
    s_client_t *t = calloc((size_t)nclients, sizeof *t);
    s_samples_t all = {0};
    if (!t)
        return -1;
    atomic_store(&s_phase, S_WARMUP);
    for (int i = 0; i < nclients; i++) {
        t[i].zctx = zctx;
        t[i].bus = o->bus;
        t[i].setup = setup;
        pthread_create(&t[i].tid, NULL, s_client_run, &t[i]);
    }
    s_sleep(o->warmup);
    pthread_mutex_lock(&sub->lock);
    sub->latency.n = 0;
    sub->from_us = s_wall_us();
    sub->to_us = INT64_MAX;
    pthread_mutex_unlock(&sub->lock);
    double t0 = s_mono();
    atomic_store(&s_phase, S_MEASURE);
    s_sleep(o->seconds);
    atomic_store(&s_phase, S_STOP);
    double elapsed = s_mono() - t0;
    pthread_mutex_lock(&sub->lock);
    sub->to_us = s_wall_us();
    pthread_mutex_unlock(&sub->lock);
    memset(res, 0, sizeof *res);
    for (int i = 0; i < nclients; i++) {
        pthread_join(t[i].tid, NULL);
        for (size_t k = 0; k < t[i].latency.n; k++)
            s_samples_add(&all, t[i].latency.v[k]);
        res->errors += t[i].errors;
        free(t[i].latency.v);
    }
    free(t);
    /* Events of the window's last commits are still on their way. */
    s_sleep(0.5);
    qsort(all.v, all.n, sizeof *all.v, s_cmp_double);
    res->ok = (long)all.n;
    res->rate = (double)all.n / elapsed;
    res->p50 = s_pct(&all, 50);
    res->p99 = s_pct(&all, 99);
    res->max = all.n ? all.v[all.n - 1] : 0;
    free(all.v);
    pthread_mutex_lock(&sub->lock);
    qsort(sub->latency.v, sub->latency.n, sizeof(double), s_cmp_double);
    res->events = (long)sub->latency.n;
    res->ev_p50 = s_pct(&sub->latency, 50);
    res->ev_p99 = s_pct(&sub->latency, 99);
    sub->latency.n = 0;
    sub->from_us = sub->to_us = 0;
    pthread_mutex_unlock(&sub->lock);
    return 0;
}

/* ---- the limit: libpq straight to PostgreSQL --------------------------- */

typedef struct {
    PGconn *conn;
    uint8_t *record;
    size_t record_len;
    char date[11];
} s_limit_t;

static int s_pq_ok(PGconn *c, PGresult *r, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "hj-bench: %s: %s", what, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

static int s_limit_open(const s_options_t *o, const s_setup_t *setup, s_limit_t *l)
{
    memset(l, 0, sizeof *l);
    snprintf(l->date, sizeof l->date, "%s", setup->date);
    l->record = s_talk_pack(setup, "00000000-0000-4000-8000-000000000000", &l->record_len);
    l->conn = PQconnectdb(o->limit_db);
    if (!l->record || PQstatus(l->conn) != CONNECTION_OK) {
        fprintf(stderr, "hj-bench: limit database: %s", PQerrorMessage(l->conn));
        return -1;
    }
    PQclear(PQexec(l->conn, "SET client_min_messages = warning"));
    /* One row per record: its key, what a reader filters on, and the record. */
    return s_pq_ok(l->conn,
                   PQexec(l->conn, "DROP TABLE IF EXISTS bench_limit; "
                                   "CREATE TABLE bench_limit (id uuid PRIMARY KEY, "
                                   "community text NOT NULL, talk_date date NOT NULL, "
                                   "record bytea NOT NULL, "
                                   "committed_at timestamptz NOT NULL DEFAULT clock_timestamp())"),
                   "create bench_limit") ||
                   s_pq_ok(l->conn,
                           PQprepare(l->conn, "ins",
                                     "INSERT INTO bench_limit (id, community, talk_date, record) "
                                     "VALUES ($1::uuid, $2, $3::date, $4::bytea)",
                                     4, NULL),
                           "prepare")
               ? -1
               : 0;
}

static void s_limit_close(s_limit_t *l)
{
    if (l->conn && PQstatus(l->conn) == CONNECTION_OK)
        PQclear(PQexec(l->conn, "DROP TABLE IF EXISTS bench_limit"));
    PQfinish(l->conn);
    free(l->record);
}

static int s_limit_send(s_limit_t *l, int pipelined)
{
    char id[37];
    hj_uuid_new(id);
    const char *v[4] = {id, S_COMMUNITY, l->date, (const char *)l->record};
    int len[4] = {0, 0, 0, (int)l->record_len}, fmt[4] = {0, 0, 0, 1};
    if (pipelined)
        return PQsendQueryPrepared(l->conn, "ins", 4, v, len, fmt, 0) ? 0 : -1;
    return s_pq_ok(l->conn, PQexecPrepared(l->conn, "ins", 4, v, len, fmt, 0), "insert");
}

/* One commit per row, autocommit. Rows/s, or -1; each commit's latency
 * (ms) goes to `latency`: the disk's own tail, to set beside the system's. */
static double s_limit_single(s_limit_t *l, double seconds, s_samples_t *latency)
{
    long rows = 0;
    double t0 = s_mono(), t;
    while ((t = s_mono() - t0) < seconds) {
        double t1 = s_mono();
        if (s_limit_send(l, 0) != 0)
            return -1;
        s_samples_add(latency, (s_mono() - t1) * 1000);
        rows++;
    }
    return (double)rows / t;
}

/* Reads every result up to and including the pipeline's sync. 0 / -1. */
static int s_pipeline_drain(PGconn *c)
{
    int rc = 0;
    for (;;) {
        PGresult *r = PQgetResult(c);
        if (!r)
            continue; /* end of one query's results */
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            return rc;
        }
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            fprintf(stderr, "hj-bench: pipeline: %s", PQerrorMessage(c));
            rc = -1;
        }
        PQclear(r);
    }
}

/* BEGIN, 100 INSERTs, COMMIT, sync: one round trip, one commit per 100 rows. */
static double s_limit_pipelined(s_limit_t *l, double seconds)
{
    long rows = 0;
    double t0 = s_mono(), t;
    if (!PQenterPipelineMode(l->conn))
        return -1;
    while ((t = s_mono() - t0) < seconds) {
        int ok = PQsendQueryParams(l->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int i = 0; ok && i < S_PIPELINE_ROWS; i++)
            ok = s_limit_send(l, 1) == 0;
        ok = ok && PQsendQueryParams(l->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
             PQpipelineSync(l->conn);
        if (!ok || s_pipeline_drain(l->conn) != 0) {
            PQexitPipelineMode(l->conn);
            return -1;
        }
        rows += S_PIPELINE_ROWS;
    }
    PQexitPipelineMode(l->conn);
    return (double)rows / t;
}

/* ---- report ------------------------------------------------------------- */

static long s_vmhwm_kb(int pid)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static void s_setting(PGconn *c, const char *name, char *out, size_t size)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SHOW %s", name);
    PGresult *r = PQexec(c, sql);
    snprintf(out, size, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
}

static const char *s_verdict(int ok)
{
    return ok ? "met" : "MISSED";
}

static int s_parse_levels(s_options_t *o, const char *arg)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", arg);
    o->nlevels = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int n = atoi(tok);
        if (n < 1 || n > 256 || o->nlevels == S_MAX_LEVELS)
            return -1;
        o->levels[o->nlevels++] = n;
    }
    return o->nlevels ? 0 : -1;
}

static int s_usage(void)
{
    fprintf(stderr,
            "usage: hj-bench --limit-db CONNINFO [--device FILE] [--bus EP] [--events EP] [--runs N]\n"
            "                [--seconds S] [--warmup S] [--clients 1,8,32] [--pid NAME=PID]...\n"
            "  --device defaults to HJ_DEVICE, then ~/.config/huanjie/device (an enrolled device);\n"
            "  --bus/--events to HJ_BUS / HJ_BUS_EVENTS, then the device file's; --limit-db is a\n"
            "  scratch database of the same PostgreSQL (a table bench_limit is made and dropped)\n");
    return 2;
}

int main(int argc, char **argv)
{
    s_options_t o = {.bus = getenv("HJ_BUS"), .events = getenv("HJ_BUS_EVENTS"), .runs = 3,
                     .seconds = 4, .warmup = 1};
    const char *device = NULL;
    s_parse_levels(&o, "1,8,32");
    for (int a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!v)
            return s_usage();
        if (!strcmp(argv[a], "--device"))
            device = v;
        else if (!strcmp(argv[a], "--bus"))
            o.bus = v;
        else if (!strcmp(argv[a], "--events"))
            o.events = v;
        else if (!strcmp(argv[a], "--limit-db"))
            o.limit_db = v;
        else if (!strcmp(argv[a], "--runs"))
            o.runs = atoi(v);
        else if (!strcmp(argv[a], "--seconds"))
            o.seconds = atof(v);
        else if (!strcmp(argv[a], "--warmup"))
            o.warmup = atof(v);
        else if (!strcmp(argv[a], "--clients")) {
            if (s_parse_levels(&o, v) != 0)
                return s_usage();
        } else if (!strcmp(argv[a], "--pid") && o.npids < S_MAX_PIDS &&
                   sscanf(v, "%31[^=]=%d", o.pid_name[o.npids], &o.pid[o.npids]) == 2)
            o.npids++;
        else
            return s_usage();
        a++;
    }
    char path[512], err[1024];
    if (!hj_device_find(device, path, sizeof path)) {
        fprintf(stderr, "hj-bench: no device file (--device, HJ_DEVICE or ~/.config/huanjie/device)\n");
        return 2;
    }
    if (hj_device_load(&s_device, path, err, sizeof err) != 0) {
        fprintf(stderr, "hj-bench: %s\n", err);
        return 2;
    }
    if (!o.bus || !*o.bus)
        o.bus = s_device.bus;
    if (!o.events || !*o.events)
        o.events = s_device.events;
    if (!o.bus || !o.events || !o.limit_db || o.runs < 1 || o.runs > S_MAX_RUNS ||
        o.seconds <= 0 || o.warmup < 0)
        return s_usage();

    void *zctx = zmq_ctx_new();
    s_setup_t setup;
    s_limit_t limit;
    s_subscriber_t sub = {.zctx = zctx, .endpoint = o.events};
    pthread_mutex_init(&sub.lock, NULL);
    if (s_setup(&o, zctx, &setup) != 0 || s_limit_open(&o, &setup, &limit) != 0)
        return 1;
    pthread_create(&sub.tid, NULL, s_subscriber_run, &sub);
    while (!atomic_load(&sub.ready))
        s_sleep(0.01);
    s_sleep(0.3); /* the subscription reaches the publisher */

    double single[S_MAX_RUNS], piped[S_MAX_RUNS], single_p50[S_MAX_RUNS], single_p99[S_MAX_RUNS];
    s_system_result_t sys[S_MAX_RUNS][S_MAX_LEVELS];
    int failed = 0;
    for (int run = 0; run < o.runs && !failed; run++) {
        fprintf(stderr, "hj-bench: run %d of %d\n", run + 1, o.runs);
        s_samples_t commits = {0};
        single[run] = s_limit_single(&limit, o.seconds, &commits);
        qsort(commits.v, commits.n, sizeof *commits.v, s_cmp_double);
        single_p50[run] = s_pct(&commits, 50);
        single_p99[run] = s_pct(&commits, 99);
        free(commits.v);
        piped[run] = s_limit_pipelined(&limit, o.seconds);
        failed = single[run] < 0 || piped[run] < 0;
        for (int k = 0; k < o.nlevels && !failed; k++) {
            failed = s_system_run(&o, zctx, &setup, &sub, o.levels[k], &sys[run][k]) != 0 ||
                     sys[run][k].ok == 0;
            if (failed)
                fprintf(stderr, "hj-bench: no submission succeeded with %d clients\n",
                        o.levels[k]);
        }
    }
    atomic_store(&sub.stop, 1);
    pthread_join(sub.tid, NULL);
    if (failed) {
        s_limit_close(&limit);
        return 1;
    }

    char fsync_s[16], sync_s[16], server[32];
    s_setting(limit.conn, "fsync", fsync_s, sizeof fsync_s);
    s_setting(limit.conn, "synchronous_commit", sync_s, sizeof sync_s);
    s_setting(limit.conn, "server_version", server, sizeof server);
    double v[S_MAX_RUNS];
    memcpy(v, single, sizeof v);
    double lim1 = s_median(v, o.runs);
    memcpy(v, piped, sizeof v);
    double limp = s_median(v, o.runs);

    printf("Huanjie write path vs. the machine's limit: median of %d runs, %.0f s each "
           "(after %.1f s warm-up)\n",
           o.runs, o.seconds, o.warmup);
    printf("PostgreSQL %s, fsync=%s, synchronous_commit=%s; record: talk_add, %zu bytes packed\n\n",
           server, fsync_s, sync_s, limit.record_len);
    memcpy(v, single_p50, sizeof v);
    double lim1_p50 = s_median(v, o.runs);
    memcpy(v, single_p99, sizeof v);
    double lim1_p99 = s_median(v, o.runs);
    printf("limit: libpq, 1 connection, same record  rows/s\n");
    printf("  one commit per row                     %8.0f   (commit p50 %.2f ms, p99 %.2f ms)\n",
           lim1, lim1_p50, lim1_p99);
    printf("  100 rows per commit, pipeline mode     %8.0f\n\n", limp);
    printf("system: hj_client -> hj-busd -> hj-interviewsd -> COMMIT -> reply;  "
           "event: commit -> subscriber\n");
    printf("clients  subm/s  x1-commit  %%pipelined  p50 ms  p99 ms  max ms  "
           "ev p50 ms  ev p99 ms  errors\n");
    double rate32 = 0, p99_32 = 0, ev99_worst = 0;
    int have32 = 0;
    for (int k = 0; k < o.nlevels; k++) {
        double rate, p50, p99, mx = 0, e50, e99;
        long errors = 0;
        for (int r = 0; r < o.runs; r++)
            v[r] = sys[r][k].rate;
        rate = s_median(v, o.runs);
        for (int r = 0; r < o.runs; r++)
            v[r] = sys[r][k].p50;
        p50 = s_median(v, o.runs);
        for (int r = 0; r < o.runs; r++)
            v[r] = sys[r][k].p99;
        p99 = s_median(v, o.runs);
        for (int r = 0; r < o.runs; r++)
            v[r] = sys[r][k].ev_p50;
        e50 = s_median(v, o.runs);
        for (int r = 0; r < o.runs; r++)
            v[r] = sys[r][k].ev_p99;
        e99 = s_median(v, o.runs);
        for (int r = 0; r < o.runs; r++) {
            mx = sys[r][k].max > mx ? sys[r][k].max : mx;
            errors += sys[r][k].errors;
        }
        printf("%7d  %6.0f  %8.2fx  %9.1f%%  %6.2f  %6.2f  %6.1f  %9.2f  %9.2f  %6ld\n",
               o.levels[k], rate, rate / lim1, 100 * rate / limp, p50, p99, mx, e50, e99, errors);
        if (o.levels[k] == 32) {
            have32 = 1;
            rate32 = rate;
            p99_32 = p99;
        }
        ev99_worst = e99 > ev99_worst ? e99 : ev99_worst;
    }
    printf("events received %ld, journal sequence gaps seen %ld (the bus is lossy by design)\n\n",
           sub.received, sub.gaps);
    long rss_worst = 0;
    printf("peak RSS (VmHWM) during the run:");
    for (int i = 0; i < o.npids; i++) {
        long kb = s_vmhwm_kb(o.pid[i]);
        rss_worst = kb > rss_worst ? kb : rss_worst;
        printf("  %s %.1f MB", o.pid_name[i], kb < 0 ? -1.0 : (double)kb / 1024);
    }
    printf("\n\n");
    if (have32) {
        printf("targets (32 clients): >= 3x one-commit rate: %.2fx %s;  >= 15%% of pipelined: "
               "%.1f%% %s\n",
               rate32 / lim1, s_verdict(rate32 >= 3 * lim1), 100 * rate32 / limp,
               s_verdict(rate32 >= 0.15 * limp));
        printf("                      reply p99 < 10 ms: %.2f ms %s;  commit->subscriber p99 "
               "< 10 ms (worst level): %.2f ms %s\n",
               p99_32, s_verdict(p99_32 < 10), ev99_worst, s_verdict(ev99_worst < 10));
    }
    if (o.npids)
        printf("                      every daemon < 32 MB peak RSS: %.1f MB %s\n",
               (double)rss_worst / 1024, s_verdict(rss_worst < 32 * 1024));
    s_limit_close(&limit);
    zmq_ctx_term(zctx);
    return 0;
}
