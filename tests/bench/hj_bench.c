/* hj-bench: the write path measured against the same work done directly, in one run.
 *
 *   direct   the same talk (its talk, interviewer and two topic rows and its
 *            journal row) written with libpq from one connection into a
 *            database migrated like the system's: (a) one transaction per
 *            talk, (b) 100 talks per transaction; each transaction one
 *            pipeline (one round trip)
 *   system   `hj.interviews` talk_add (a fresh UUID each) through hj_client →
 *            hj-busd → hj-interviewsd → COMMIT → reply, with N concurrent
 *            clients (one thread and one socket each): talks/s and reply
 *            latency p50 / p99 / max, each rate beside both direct rates
 *   events   journal commit time (Event.time_us = committed_at) → arrival at a
 *            subscriber of the public event endpoint (same machine, same clock)
 *   scale    with --journal N: 1 and 32 clients before and after the journal
 *            is bulk-loaded to N rows (s_journal_fill), sealed and applied
 *   memory   peak RSS (VmHWM) of each daemon named with --pid
 *
 * Each run measures every figure once, direct and system interleaved, so the
 * ratios compare numbers taken minutes apart at most; the table shows the
 * median of the runs. The last line is for scripts:
 *   summary: clients=32 talks_s=N direct_talk_s=N ratio=R p99_ms=N ev_p99_ms=N
 * Exit status 0 when every measurement completed (targets missed are
 * reported, not failed), 1 when the stack did not answer. */
#include "hj_client.h"
#include "hj_curve.h"
#include "hj_envelope.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"
#include "tally.pb-c.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <zmq.h>

#define S_MAX_LEVELS 8
#define S_MAX_RUNS 9
#define S_MAX_PIDS 8
#define S_PIPELINE_TALKS 100
#define S_COMMUNITY "BENCH-S-01"

enum { S_WARMUP, S_MEASURE, S_STOP };

typedef struct {
    const char *bus, *events, *limit_db, *system_db;
    long journal; /* --journal N: also measure at N journal rows */
    int runs;
    double seconds, warmup;
    int levels[S_MAX_LEVELS], nlevels;
    int npids;
    char pid_name[S_MAX_PIDS][32];
    int pid[S_MAX_PIDS];
    int pg_pid; /* --pg-pid: the postmaster; its children's CPU is PostgreSQL's */
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

#define S_SUMMARY                                                                                                  \
    "与居民代表谈心谈话，了解对本届社区两委班子的评价和对换届人选的意见建议。" \
    "对方反映小区停车难、加装电梯推进慢。"

/* A realistic talk: one interviewer, an outside interviewee, two topics and a
 * summary of about eighty Chinese characters. `id` NULL leaves it out. */
static void s_talk_fill(const s_setup_t *setup, const char *id, const char *community,
                        Hj__Interviews__Talk *talk, Hj__Interviews__Interviewee *who,
                        char **interviewers)
{
    static char *topics[] = {"换届人选", "小区治理"};
    interviewers[0] = (char *)setup->interviewer;
    hj__interviews__interviewee__init(who);
    who->role = HJ__INTERVIEWS__OUTSIDE_ROLE__RESIDENT_REPRESENTATIVE;
    who->name = "李建国";
    hj__interviews__talk__init(talk);
    if (id)
        talk->id = (char *)id;
    talk->community = (char *)community;
    talk->phase = HJ__INTERVIEWS__PHASE__PREPARATION;
    talk->date = (char *)setup->date;
    talk->n_interviewers = 1;
    talk->interviewers = interviewers;
    talk->interviewee = who;
    talk->n_topics = 2;
    talk->topics = topics;
    talk->summary = S_SUMMARY;
}

/* A request, packed (malloc'd; NULL when out of memory). */
static uint8_t *s_request_pack(const Hj__Interviews__Request *req, size_t *len)
{
    *len = hj__interviews__request__get_packed_size(req);
    uint8_t *buf = malloc(*len);
    if (buf)
        hj__interviews__request__pack(req, buf);
    return buf;
}

/* The talk_add request (about 300 bytes packed). */
static uint8_t *s_talk_pack(const s_setup_t *setup, const char *request_id, size_t *len)
{
    char *interviewers[1];
    Hj__Interviews__Interviewee who;
    Hj__Interviews__Talk talk;
    s_talk_fill(setup, NULL, S_COMMUNITY, &talk, &who, interviewers);
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    req.request_id = (char *)request_id;
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_ADD;
    req.talk_add = &talk;
    return s_request_pack(&req, len);
}

/* A coverage read of `community` (a read: no request id); hj-interviewsd's
 * check refuses a community that is not a code before any query. */
static uint8_t *s_coverage_pack(const char *community, size_t *len)
{
    Hj__Interviews__CoverageQuery q = HJ__INTERVIEWS__COVERAGE_QUERY__INIT;
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    q.community = (char *)community;
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_COVERAGE;
    req.coverage = &q;
    return s_request_pack(&req, len);
}

static size_t s_request_len(const s_setup_t *setup)
{
    size_t len = 0;
    free(s_talk_pack(setup, "00000000-0000-4000-8000-000000000000", &len));
    return len;
}

/* The talk as a journal row carries it (hj.interviews.Talk). */
static uint8_t *s_record_pack(const s_setup_t *setup, const char *id, const char *community,
                              size_t *len)
{
    char *interviewers[1];
    Hj__Interviews__Interviewee who;
    Hj__Interviews__Talk talk;
    s_talk_fill(setup, id, community, &talk, &who, interviewers);
    *len = hj__interviews__talk__get_packed_size(&talk);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        hj__interviews__talk__pack(&talk, buf);
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
                     s_registry(c, &r4, setup->interviewer)
                 ? -1
                 : 0;
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

/* ---- CPU: where a talk's processor time goes ---------------------------- */

/* One CPU column per --pid, then PostgreSQL (the postmaster and every
 * process it started: backends, WAL writer, checkpointer, autovacuum),
 * then hj-bench itself (its clients, the reader and the subscriber). */
#define S_PG_GROUPS 8
#define S_CPU_PG S_MAX_PIDS
#define S_CPU_SELF (S_MAX_PIDS + 1)
#define S_CPU_GROUP (S_MAX_PIDS + 2) /* PostgreSQL by login, then "background" */
#define S_CPU_COLS (S_CPU_GROUP + S_PG_GROUPS)
/* A sample: CPU ms of each column, then context switches of each (every
 * thread: a call handed from thread to thread wakes one each time). */
#define S_SW S_CPU_COLS
#define S_SAMPLE_COLS (2 * S_CPU_COLS)

/* PostgreSQL's time split by who it worked for: each daemon connects as its
 * own login (hj_interviews, hj_busd for the broker and the relay, ...), the
 * rest are the server's own processes (WAL writer, checkpointer,
 * autovacuum) and hj-bench's superuser connection. Names as first seen. */
static char s_pg_group[S_PG_GROUPS][32];
static int s_npg;

static int s_pg_group_of(const char *name)
{
    for (int g = 0; g < s_npg; g++)
        if (!strcmp(s_pg_group[g], name))
            return g;
    if (s_npg == S_PG_GROUPS)
        return S_PG_GROUPS - 1;
    snprintf(s_pg_group[s_npg], sizeof s_pg_group[0], "%s", name);
    return s_npg++;
}

/* The system's database connection (--system-db), or NULL. */
static PGconn *s_sysdb;

/* user + system time of a process in clock ticks and its parent (fields 4,
 * 14 and 15 of /proc/PID/stat, counted after the command's closing
 * parenthesis, which may itself hold spaces); -1 when it is gone. */
static long s_proc_ticks(const char *stat_path, int *ppid)
{
    char line[1024];
    FILE *f = fopen(stat_path, "r");
    if (!f)
        return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    char *p = strrchr(line, ')');
    unsigned long utime = 0, stime = 0;
    int parent = 0;
    if (!p || sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &parent, &utime,
                     &stime) != 3)
        return -1;
    if (ppid)
        *ppid = parent;
    return (long)(utime + stime);
}

/* Context switches so far (voluntary and not) of every thread of `pid`:
 * "self" for this process. */
static double s_proc_switches(const char *pid)
{
    char path[300], line[128];
    double n = 0;
    snprintf(path, sizeof path, "/proc/%s/task", pid);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%s/task/%s/status", pid, e->d_name);
        FILE *f = fopen(path, "r");
        unsigned long v;
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "voluntary_ctxt_switches: %lu", &v) == 1 ||
                sscanf(line, "nonvoluntary_ctxt_switches: %lu", &v) == 1)
                n += (double)v;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

/* Milliseconds of CPU and context switches so far of each column (see
 * S_CPU_COLS, S_SW). A backend that exits inside a window takes its time
 * with it: the daemons' and the relay's connections live as long as the
 * stack. */
static void s_cpu_sample(const s_options_t *o, double ms[S_SAMPLE_COLS])
{
    double tick_ms = 1000.0 / (double)sysconf(_SC_CLK_TCK);
    char path[64], id[24];
    for (int i = 0; i < S_SAMPLE_COLS; i++)
        ms[i] = 0;
    for (int i = 0; i < o->npids; i++) {
        snprintf(path, sizeof path, "/proc/%d/stat", o->pid[i]);
        snprintf(id, sizeof id, "%d", o->pid[i]);
        long t = s_proc_ticks(path, NULL);
        ms[i] = t < 0 ? 0 : (double)t * tick_ms;
        ms[S_SW + i] = s_proc_switches(id);
    }
    PGresult *who = o->pg_pid > 0 && s_sysdb
                        ? PQexec(s_sysdb, "SELECT pid, usename FROM pg_stat_activity "
                                          "WHERE usename IS NOT NULL AND usename <> 'postgres'")
                        : NULL;
    int nwho = PQresultStatus(who) == PGRES_TUPLES_OK ? PQntuples(who) : 0;
    if (o->pg_pid > 0) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && (e = readdir(d))) {
            int pid = atoi(e->d_name), ppid = 0;
            if (pid <= 0)
                continue;
            snprintf(path, sizeof path, "/proc/%d/stat", pid);
            long t = s_proc_ticks(path, &ppid);
            if (t < 0 || (pid != o->pg_pid && ppid != o->pg_pid))
                continue;
            const char *login = "background";
            for (int k = 0; k < nwho; k++)
                if (atoi(PQgetvalue(who, k, 0)) == pid)
                    login = PQgetvalue(who, k, 1);
            ms[S_CPU_PG] += (double)t * tick_ms;
            ms[S_CPU_GROUP + s_pg_group_of(login)] += (double)t * tick_ms;
            ms[S_SW + S_CPU_PG] += s_proc_switches(e->d_name);
        }
        if (d)
            closedir(d);
    }
    PQclear(who);
    long self = s_proc_ticks("/proc/self/stat", NULL);
    ms[S_CPU_SELF] = self < 0 ? 0 : (double)self * tick_ms;
    ms[S_SW + S_CPU_SELF] = s_proc_switches("self");
}

/* ---- the system: N clients --------------------------------------------- */

static atomic_int s_phase;

typedef struct {
    pthread_t tid;
    void *zctx;
    const char *bus;
    const s_setup_t *setup;
    s_samples_t latency; /* ms, replies that arrived while measuring */
    long errors;
    int reads; /* the reader: the community's coverage, one read after another */
    int said;  /* the first failed call is named on stderr */
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
        uint8_t *body =
            t->reads ? s_coverage_pack(S_COMMUNITY, &len) : s_talk_pack(t->setup, rid, &len);
        double t0 = s_mono();
        int code = body ? s_call(c, "interviews", body, len, &reply, &reply_len) : -1;
        double ms = (s_mono() - t0) * 1000;
        free(body);
        free(reply);
        if (atomic_load(&s_phase) != S_MEASURE)
            continue;
        if (code == HJ__CODE__OK)
            s_samples_add(&t->latency, ms);
        else if (t->errors++ == 0 && !t->said++)
            fprintf(stderr, "hj-bench: a %s call answered %s (%d)\n", t->reads ? "read" : "talk",
                    code >= 0 ? hj_code_name((Hj__Code)code) : "nothing", code);
    }
    hj_client_destroy(&c);
    return NULL;
}

/* ---- one client alone: the path's parts ---------------------------------- */

/* What one call costs with nothing else calling, by how far it goes:
 * refused by the daemon's own check (the bus there and back, the daemon's
 * decode, no database), a read (plus one query on a read lane), a talk (plus
 * the write: its round trips and a durable commit). */
enum { S_ALONE_REFUSED, S_ALONE_READ, S_ALONE_TALK, S_ALONE_KINDS };
static const char *const s_alone_name[S_ALONE_KINDS] = {
    "refused by hj-interviewsd's check (bus, decode; no database)",
    "a coverage read (+ one query on a read lane)",
    "a talk (+ the write: 3 round trips, a durable commit)",
};

typedef struct {
    double p50[S_ALONE_KINDS], p99[S_ALONE_KINDS];
    double cpu[S_SAMPLE_COLS]; /* CPU ms and switches a talk of the talks alone */
} s_alone_t;

static uint8_t *s_alone_pack(const s_setup_t *setup, int kind, size_t *len)
{
    char rid[37];
    if (kind == S_ALONE_TALK) {
        hj_uuid_new(rid);
        return s_talk_pack(setup, rid, len);
    }
    return s_coverage_pack(kind == S_ALONE_READ ? S_COMMUNITY : "not a code!", len);
}

/* Each kind one call after another for `seconds`; 0, or -1 when a call
 * answered other than expected (a refusal must be INVALID_ARGUMENT). */
static int s_alone_run(const s_options_t *o, void *zctx, const s_setup_t *setup, double seconds,
                       s_alone_t *res)
{
    hj_client_t *c = s_client(zctx, o->bus);
    int rc = c ? 0 : -1;
    memset(res, 0, sizeof *res);
    for (int kind = 0; kind < S_ALONE_KINDS && rc == 0; kind++) {
        s_samples_t lat = {0};
        double cpu0[S_SAMPLE_COLS], cpu1[S_SAMPLE_COLS], end = s_mono() + seconds;
        int want = kind == S_ALONE_REFUSED ? HJ__CODE__INVALID_ARGUMENT : HJ__CODE__OK;
        s_cpu_sample(o, cpu0);
        while (rc == 0 && s_mono() < end) {
            size_t len = 0, reply_len = 0;
            uint8_t *reply = NULL, *body = s_alone_pack(setup, kind, &len);
            double t0 = s_mono();
            int code = body ? s_call(c, "interviews", body, len, &reply, &reply_len) : -1;
            double ms = (s_mono() - t0) * 1000;
            free(body);
            free(reply);
            if (code != want) {
                fprintf(stderr, "hj-bench: alone, %s: answered %d\n", s_alone_name[kind], code);
                rc = -1;
            }
            s_samples_add(&lat, ms);
        }
        s_cpu_sample(o, cpu1);
        qsort(lat.v, lat.n, sizeof *lat.v, s_cmp_double);
        res->p50[kind] = s_pct(&lat, 50);
        res->p99[kind] = s_pct(&lat, 99);
        for (int i = 0; i < S_SAMPLE_COLS && kind == S_ALONE_TALK && lat.n; i++)
            res->cpu[i] = (cpu1[i] - cpu0[i]) / (double)lat.n;
        free(lat.v);
    }
    hj_client_destroy(&c);
    return rc;
}

/* ---- the event path ----------------------------------------------------- */

typedef struct {
    pthread_t tid;
    void *zctx;
    const char *endpoint;
    atomic_int stop;
    atomic_int ready;
    pthread_mutex_t lock;
    int64_t from_us, to_us; /* the measuring window (commit time) */
    s_samples_t latency;    /* ms, events committed in the window */
    /* The measured community's board as hj-tallyd publishes it: when each
     * version arrived (wall µs) and the preparation talks it counts. */
    s_samples_t board_at, board_talks;
    uint64_t last_seq;
    long received, gaps;
} s_subscriber_t;

#define S_BOARD_TOPIC "tally.board." S_COMMUNITY

static void *s_subscriber_run(void *arg)
{
    s_subscriber_t *s = arg;
    void *sub = zmq_socket(s->zctx, ZMQ_SUB);
    int hwm = 0, linger = 0;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "interviews.talk_recorded.", 25);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, S_BOARD_TOPIC, strlen(S_BOARD_TOPIC));
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
        Hj__Tally__CommunityBoard *board =
            ev && !strcmp(ev->topic, S_BOARD_TOPIC)
                ? hj__tally__community_board__unpack(NULL, ev->payload.len, ev->payload.data)
                : NULL;
        if (board) {
            pthread_mutex_lock(&s->lock);
            s_samples_add(&s->board_at, (double)now);
            s_samples_add(&s->board_talks,
                          board->counters ? (double)board->counters->talks_preparation : 0);
            pthread_mutex_unlock(&s->lock);
            hj__tally__community_board__free_unpacked(board, NULL);
        } else if (ev) {
            pthread_mutex_lock(&s->lock);
            s->received++;
            if (s->last_seq && ev->seq > s->last_seq + 1)
                s->gaps += (long)(ev->seq - s->last_seq - 1);
            if (ev->seq > s->last_seq)
                s->last_seq = ev->seq;
            if (ev->time_us >= s->from_us && ev->time_us <= s->to_us)
                s_samples_add(&s->latency, (double)(now - ev->time_us) / 1000.0);
            pthread_mutex_unlock(&s->lock);
        }
        if (ev)
            hj__event__free_unpacked(ev, NULL);
        zmq_msg_close(&topic);
        zmq_msg_close(&body);
    }
    zmq_close(sub);
    return NULL;
}

typedef struct {
    double rate;                 /* submissions/s */
    double p50, p99, max;        /* reply latency, ms */
    double ev_p50, ev_p99;       /* commit → subscriber, ms */
    double board_p50, board_p99; /* commit → the board counting the talk, ms */
    long board_missing;          /* talks of the window no board showed within 5 s */
    double per_txn;              /* talks per hj-interviewsd transaction */
    double seals;                /* relay transactions per talk */
    double xids;                 /* write transactions (all processes) per talk */
    double read_p50, read_p99;   /* the reader's coverage reads meanwhile, ms */
    double cpu[S_SAMPLE_COLS];   /* CPU ms and switches a talk, per column (s_cpu_sample) */
    double cores;                /* CPU of all columns / wall time: cores kept busy */
    long ok, errors, events;
} s_system_result_t;

/* The next transaction id (without taking one): xids are assigned only to
 * transactions that write, so the difference counts commits that flush WAL. */
static double s_next_xid(void)
{
    PGresult *r =
        s_sysdb ? PQexec(s_sysdb, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text") : NULL;
    double x = PQresultStatus(r) == PGRES_TUPLES_OK ? atof(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return x;
}

/* How the talks of the window [from_us, to_us] were committed, from the rows
 * themselves. A talk's recorded_at is now(), its transaction's start: one
 * value per writer transaction (xmin would be the call's savepoint). A
 * journal row is updated once, by the relay's seal (no savepoints), so its
 * xmin is the sealing transaction. */
static void s_batches(int64_t from_us, int64_t to_us, s_system_result_t *res)
{
    char from[32], to[32];
    snprintf(from, sizeof from, "%lld", (long long)from_us);
    snprintf(to, sizeof to, "%lld", (long long)to_us);
    const char *v[3] = {from, to, S_COMMUNITY};
    PGresult *r =
        s_sysdb
            ? PQexecParams(s_sysdb,
                           "SELECT (SELECT count(*)::float8 / NULLIF(count(DISTINCT "
                           "t.recorded_at), 0) FROM interviews.talk t WHERE "
                           "t.community = $3 AND t.recorded_at BETWEEN "
                           "to_timestamp($1::float8 / 1e6) AND to_timestamp($2::float8 / 1e6)), "
                           "(SELECT count(DISTINCT j.xmin::text)::float8 / NULLIF(count(*), 0) "
                           "FROM bus.journal j WHERE j.community = $3 AND "
                           "j.service = 'interviews' AND j.committed_at BETWEEN "
                           "to_timestamp($1::float8 / 1e6) AND to_timestamp($2::float8 / 1e6))",
                           3, NULL, v, NULL, NULL, 0)
            : NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        res->per_txn = atof(PQgetvalue(r, 0, 0));
        res->seals = atof(PQgetvalue(r, 0, 1));
    }
    PQclear(r);
}

/* Commit → the measured community's board counting the talk (what an ops
 * room sees): the window's talks in journal order are the board's
 * preparation talks in the same order (hj-tallyd applies by seq), so talk
 * number i is on the first board that counts i or more. Waits up to 5 s for
 * the board to count the window's last talk. */
static void s_board_latency(s_subscriber_t *sub, int64_t from_us, int64_t to_us,
                            s_system_result_t *res)
{
    const char *v[1] = {S_COMMUNITY};
    PGresult *r = s_sysdb ? PQexecParams(s_sysdb,
                                         "SELECT row_number() OVER (ORDER BY seq), "
                                         "(extract(epoch FROM committed_at) * 1e6)::bigint "
                                         "FROM bus.journal WHERE community = $1 AND service = "
                                         "'interviews' AND kind = 'talk_recorded' AND seq IS NOT "
                                         "NULL ORDER BY seq",
                                         1, NULL, v, NULL, NULL, 0)
                          : NULL;
    int n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    double last = n ? atof(PQgetvalue(r, n - 1, 0)) : 0;
    for (double end = s_mono() + 5; s_mono() < end; s_sleep(0.05)) {
        pthread_mutex_lock(&sub->lock);
        size_t k = sub->board_talks.n;
        int done = k && sub->board_talks.v[k - 1] >= last;
        pthread_mutex_unlock(&sub->lock);
        if (done)
            break;
    }
    s_samples_t lat = {0};
    pthread_mutex_lock(&sub->lock);
    size_t b = 0;
    for (int i = 0; i < n; i++) {
        double ordinal = atof(PQgetvalue(r, i, 0));
        int64_t at = atoll(PQgetvalue(r, i, 1));
        if (at < from_us || at > to_us)
            continue;
        while (b < sub->board_talks.n && sub->board_talks.v[b] < ordinal)
            b++;
        if (b < sub->board_talks.n)
            s_samples_add(&lat, (sub->board_at.v[b] - (double)at) / 1000.0);
        else
            res->board_missing++;
    }
    sub->board_at.n = sub->board_talks.n = 0;
    pthread_mutex_unlock(&sub->lock);
    PQclear(r);
    qsort(lat.v, lat.n, sizeof *lat.v, s_cmp_double);
    res->board_p50 = s_pct(&lat, 50);
    res->board_p99 = s_pct(&lat, 99);
    free(lat.v);
}

static int s_system_run(const s_options_t *o, void *zctx, const s_setup_t *setup,
                        s_subscriber_t *sub, int nclients, s_system_result_t *res)
{
    /* The writers, then one reader (t[nclients]). */
    s_client_t *t = calloc((size_t)nclients + 1, sizeof *t);
    s_samples_t all = {0};
    if (!t)
        return -1;
    atomic_store(&s_phase, S_WARMUP);
    for (int i = 0; i <= nclients; i++) {
        t[i].zctx = zctx;
        t[i].bus = o->bus;
        t[i].setup = setup;
        t[i].reads = i == nclients;
        pthread_create(&t[i].tid, NULL, s_client_run, &t[i]);
    }
    s_sleep(o->warmup);
    double xid0 = s_next_xid();
    int64_t from_us = s_wall_us(), to_us;
    pthread_mutex_lock(&sub->lock);
    sub->latency.n = 0;
    sub->board_at.n = sub->board_talks.n = 0;
    sub->from_us = from_us;
    sub->to_us = INT64_MAX;
    pthread_mutex_unlock(&sub->lock);
    double cpu0[S_SAMPLE_COLS], cpu1[S_SAMPLE_COLS];
    s_cpu_sample(o, cpu0);
    double t0 = s_mono();
    atomic_store(&s_phase, S_MEASURE);
    s_sleep(o->seconds);
    atomic_store(&s_phase, S_STOP);
    double elapsed = s_mono() - t0;
    s_cpu_sample(o, cpu1);
    to_us = s_wall_us();
    double xid1 = s_next_xid();
    pthread_mutex_lock(&sub->lock);
    sub->to_us = to_us;
    pthread_mutex_unlock(&sub->lock);
    memset(res, 0, sizeof *res);
    for (int i = 0; i <= nclients; i++) {
        pthread_join(t[i].tid, NULL);
        for (size_t k = 0; k < t[i].latency.n && i < nclients; k++)
            s_samples_add(&all, t[i].latency.v[k]);
        res->errors += t[i].errors;
    }
    s_samples_t *reads = &t[nclients].latency;
    qsort(reads->v, reads->n, sizeof *reads->v, s_cmp_double);
    res->read_p50 = s_pct(reads, 50);
    res->read_p99 = s_pct(reads, 99);
    for (int i = 0; i <= nclients; i++)
        free(t[i].latency.v);
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
    s_batches(from_us, to_us, res);
    s_board_latency(sub, from_us, to_us, res);
    res->xids = res->ok ? (xid1 - xid0) / (double)res->ok : 0;
    for (int i = 0; i < S_SAMPLE_COLS; i++) {
        res->cpu[i] = res->ok ? (cpu1[i] - cpu0[i]) / (double)res->ok : 0;
        if (i < S_CPU_GROUP)
            res->cores += (cpu1[i] - cpu0[i]) / 1000.0 / elapsed;
    }
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

/* ---- the limit: the same talk written straight to PostgreSQL ----------- */

/* The direct writer: a talk's own rows (talk, its interviewer, its two
 * topics) and its journal row, with libpq from one connection into a
 * database migrated like the system's (same tables, indexes and triggers;
 * as the superuser, so without the daemons' row-level security). Each
 * transaction goes as one pipeline (BEGIN ... COMMIT, one round trip): the
 * best one connection can do, so the system is compared with a strong writer. */
typedef struct {
    PGconn *conn;
    const s_setup_t *setup;
    uint8_t *record; /* the journal payload (and reply): the talk as the daemon journals it */
    size_t record_len;
    uint8_t digest[32];
} s_direct_t;

static int s_pq_ok(PGconn *c, PGresult *r, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "hj-bench: %s: %s", what, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

static int s_direct_open(const s_options_t *o, const s_setup_t *setup, s_direct_t *d)
{
    memset(d, 0, sizeof *d);
    d->setup = setup;
    d->record = s_record_pack(setup, NULL, S_COMMUNITY, &d->record_len);
    memset(d->digest, 0x5a, sizeof d->digest);
    d->conn = PQconnectdb(o->limit_db);
    if (!d->record || PQstatus(d->conn) != CONNECTION_OK) {
        fprintf(stderr, "hj-bench: direct database: %s", PQerrorMessage(d->conn));
        return -1;
    }
    const char *v[2] = {S_COMMUNITY, setup->interviewer};
    return s_pq_ok(
               d->conn,
               PQexecParams(d->conn,
                            "INSERT INTO interviews.community (code, name) VALUES ($1, '基准社区') "
                            "ON CONFLICT DO NOTHING",
                            1, NULL, v, NULL, NULL, 0),
               "direct: community") ||
                   s_pq_ok(d->conn,
                           PQexecParams(
                               d->conn,
                               "INSERT INTO interviews.person (id, name) VALUES ($1::uuid, '王丽') "
                               "ON CONFLICT DO NOTHING",
                               1, NULL, v + 1, NULL, NULL, 0),
                           "direct: person") ||
                   s_pq_ok(
                       d->conn,
                       PQprepare(d->conn, "talk",
                                 "INSERT INTO interviews.talk (id, community, phase, talk_date, "
                                 "interviewee_role, interviewee_name, summary, recorded_by) "
                                 "VALUES ($1::uuid, $2, 2, $3::date, 4, $4, $5, 'bench-direct')",
                                 5, NULL),
                       "prepare talk") ||
                   s_pq_ok(d->conn,
                           PQprepare(d->conn, "interviewer",
                                     "INSERT INTO interviews.talk_interviewer (talk_id, position, "
                                     "person_id, name) VALUES ($1::uuid, 1, $2::uuid, '王丽')",
                                     2, NULL),
                           "prepare interviewer") ||
                   s_pq_ok(d->conn,
                           PQprepare(d->conn, "topic",
                                     "INSERT INTO interviews.talk_topic (talk_id, position, topic) "
                                     "VALUES ($1::uuid, $2::smallint, $3)",
                                     3, NULL),
                           "prepare topic") ||
                   s_pq_ok(
                       d->conn,
                       PQprepare(d->conn, "journal",
                                 "INSERT INTO bus.journal (request_id, service, kind, community, "
                                 "actor, payload, reply, request_digest) VALUES ($1::uuid, "
                                 "'interviews', 'talk_recorded', $2, 'bench-direct', $3, $3, $4)",
                                 4, NULL),
                       "prepare journal")
               ? -1
               : 0;
}

static void s_direct_close(s_direct_t *d)
{
    PQfinish(d->conn);
    free(d->record);
}

/* Queues one talk's five INSERTs on the pipeline. 0 / -1. */
static int s_direct_send(s_direct_t *d)
{
    static const char *topics[] = {"换届人选", "小区治理"};
    char id[37];
    hj_uuid_new(id);
    const char *tv[5] = {id, S_COMMUNITY, d->setup->date, "李建国", S_SUMMARY};
    const char *iv[2] = {id, d->setup->interviewer};
    const char *p1[3] = {id, "1", topics[0]}, *p2[3] = {id, "2", topics[1]};
    const char *jv[4] = {id, S_COMMUNITY, (const char *)d->record, (const char *)d->digest};
    int jl[4] = {0, 0, (int)d->record_len, (int)sizeof d->digest}, jf[4] = {0, 0, 1, 1};
    return PQsendQueryPrepared(d->conn, "talk", 5, tv, NULL, NULL, 0) &&
                   PQsendQueryPrepared(d->conn, "interviewer", 2, iv, NULL, NULL, 0) &&
                   PQsendQueryPrepared(d->conn, "topic", 3, p1, NULL, NULL, 0) &&
                   PQsendQueryPrepared(d->conn, "topic", 3, p2, NULL, NULL, 0) &&
                   PQsendQueryPrepared(d->conn, "journal", 4, jv, jl, jf, 0)
               ? 0
               : -1;
}

/* Reads every result up to and including the pipeline's sync. 0 / -1. */
static int s_pipeline_drain(PGconn *c)
{
    int rc = 0;
    for (;;) {
        PGresult *r = PQgetResult(c);
        if (!r) {
            if (PQstatus(c) != CONNECTION_OK)
                return -1;
            continue; /* end of one query's results */
        }
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

/* `per_commit` talks per transaction, each transaction one round trip, for
 * `seconds`. Talks/s, or -1; with per_commit 1 each commit's latency (ms)
 * goes to `latency`: the disk's own tail, to set beside the system's. */
static double s_direct_run(s_direct_t *d, int per_commit, double seconds, s_samples_t *latency)
{
    long talks = 0;
    double t0 = s_mono(), t;
    if (!PQenterPipelineMode(d->conn))
        return -1;
    while ((t = s_mono() - t0) < seconds) {
        double t1 = s_mono();
        int ok = PQsendQueryParams(d->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int i = 0; ok && i < per_commit; i++)
            ok = s_direct_send(d) == 0;
        ok = ok && PQsendQueryParams(d->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
             PQpipelineSync(d->conn);
        if (!ok || s_pipeline_drain(d->conn) != 0) {
            PQexitPipelineMode(d->conn);
            return -1;
        }
        if (latency)
            s_samples_add(latency, (s_mono() - t1) * 1000);
        talks += per_commit;
    }
    PQexitPipelineMode(d->conn);
    return (double)talks / t;
}

/* ---- a journal of size N: the bulk loader -------------------------------- */

/* Journal rows written straight into the system's bus.journal (as the
 * superuser; unsealed, like every new row), then sealed by hj-busd's relay
 * and applied by hj-tallyd as if they had come through the write path: each
 * a talk_recorded row with a real Talk payload (its own UUID), spread over
 * 50 communities that the measured one is not among. Rows go in chunks of
 * 20,000 per transaction. Returns the journal's row count after, or -1. */
#define S_FILL_CHUNK 20000
#define S_FILL_COMMUNITIES 50

static long s_scalar(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long n = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)
                 ? atol(PQgetvalue(r, 0, 0))
                 : -1;
    PQclear(r);
    return n;
}

static long s_journal_fill(const s_options_t *o, const s_setup_t *setup, PGconn *c, long target)
{
    long have = s_scalar(c, "SELECT count(*) FROM bus.journal");
    if (have < 0)
        return -1;
    for (long chunk = 0; have < target; chunk++) {
        char community[32], count[24];
        size_t len = 0;
        long n = target - have < S_FILL_CHUNK ? target - have : S_FILL_CHUNK;
        snprintf(community, sizeof community, "BENCH-F-%02ld", chunk % S_FILL_COMMUNITIES);
        snprintf(count, sizeof count, "%ld", n);
        /* The Talk without its id; the id (field 1, 36 bytes: 0a 24) goes in front per row. */
        uint8_t *rest = s_record_pack(setup, NULL, community, &len);
        const char *v[3] = {(const char *)rest, community, count};
        int l[3] = {(int)len, 0, 0}, f[3] = {1, 0, 0};
        int rc =
            rest ? s_pq_ok(c,
                           PQexecParams(c,
                                        "INSERT INTO bus.journal (request_id, request_digest, "
                                        "service, kind, community, actor, payload, reply) "
                                        "SELECT u, sha256(convert_to(u::text, 'UTF8')), "
                                        "'interviews', 'talk_recorded', $2, 'bench-loader', "
                                        "'\\x0a24'::bytea || convert_to(u::text, 'UTF8') || $1, "
                                        "'\\x'::bytea FROM (SELECT gen_random_uuid() AS u "
                                        "FROM generate_series(1, $3::int)) g",
                                        3, NULL, v, l, f, 0),
                           "journal fill")
                 : -1;
        free(rest);
        if (rc != 0)
            return -1;
        PQclear(PQexec(c, "NOTIFY hj_journal"));
        have += n;
        if (chunk % 10 == 9)
            fprintf(stderr, "hj-bench: journal filled to %ld rows\n", have);
    }
    (void)o;
    return have;
}

/* Waits until the relay has sealed every row and hj-tallyd has applied them
 * all (the filled rows' downstream work is over before anything is measured
 * again). sealed / applied: seconds from t0 (the fill's start) until the
 * relay had sealed everything / hj-tallyd had applied everything, sampled
 * every 0.2 s. 0, or -1 after `timeout` seconds. */
static int s_journal_settled(PGconn *c, double t0, double timeout, double *sealed, double *applied)
{
    *sealed = *applied = -1;
    while (s_mono() - t0 < timeout) {
        /* The relay's queue (sql/023), not a count over the journal's rows. */
        long unsealed = s_scalar(c, "SELECT EXISTS (SELECT 1 FROM bus.journal_unsealed)::int");
        long behind = s_scalar(c, "SELECT (SELECT seq FROM bus.relay_head) - "
                                  "(SELECT journal_seq FROM tally.cursor)");
        if (unsealed == 0 && *sealed < 0)
            *sealed = s_mono() - t0;
        if (unsealed == 0 && behind <= 0) {
            *applied = s_mono() - t0;
            return 0;
        }
        s_sleep(0.2);
    }
    fprintf(stderr, "hj-bench: the relay or hj-tallyd did not catch up in %.0f s\n", timeout);
    return -1;
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
    fprintf(
        stderr,
        "usage: hj-bench --limit-db CONNINFO [--device FILE] [--bus EP] [--events EP] [--runs N]\n"
        "                [--seconds S] [--warmup S] [--clients 1,8,32] [--pid NAME=PID]...\n"
        "                [--pg-pid POSTMASTER_PID] [--journal N --system-db CONNINFO]\n"
        "  --device defaults to HJ_DEVICE, then ~/.config/huanjie/device (an enrolled device);\n"
        "  --bus/--events to HJ_BUS / HJ_BUS_EVENTS, then the device file's; --limit-db is a\n"
        "  scratch database of the same PostgreSQL, migrated by hj-migrate (the direct writer\n"
        "  writes talks into it); --journal N bulk-loads the system's journal (--system-db, as\n"
        "  a superuser) to N rows and measures 1 and 32 clients before and after; --pid and\n"
        "  --pg-pid name the processes whose CPU a talk is charged (the postmaster's children\n"
        "  are PostgreSQL's)\n");
    return 2;
}

/* The median of one field over the runs. */
#define S_MEDIAN_OF(arr, runs, field)                                                              \
    ({                                                                                             \
        double v_[S_MAX_RUNS];                                                                     \
        for (int r_ = 0; r_ < (runs); r_++)                                                        \
            v_[r_] = (arr)[r_].field;                                                              \
        s_median(v_, (runs));                                                                      \
    })

/* 1 and 32 clients, median of `runs`, into res[0] (1) and res[1] (32). */
static int s_scale_point(const s_options_t *o, void *zctx, const s_setup_t *setup,
                         s_subscriber_t *sub, s_system_result_t res[2])
{
    static const int levels[2] = {1, 32};
    for (int k = 0; k < 2; k++) {
        s_system_result_t r[S_MAX_RUNS] = {0};
        for (int run = 0; run < o->runs; run++)
            if (s_system_run(o, zctx, setup, sub, levels[k], &r[run]) != 0 || r[run].ok == 0) {
                fprintf(stderr, "hj-bench: %d client(s), run %d: %ld answered OK, %ld errors\n",
                        levels[k], run + 1, r[run].ok, r[run].errors);
                return -1;
            }
        res[k] = r[0];
        res[k].rate = S_MEDIAN_OF(r, o->runs, rate);
        res[k].p50 = S_MEDIAN_OF(r, o->runs, p50);
        res[k].p99 = S_MEDIAN_OF(r, o->runs, p99);
        res[k].ev_p99 = S_MEDIAN_OF(r, o->runs, ev_p99);
        res[k].board_p99 = S_MEDIAN_OF(r, o->runs, board_p99);
        res[k].read_p50 = S_MEDIAN_OF(r, o->runs, read_p50);
    }
    return 0;
}

/* CPU a talk by process: the talks alone, then each client count (medians
 * of the runs). `cores` is how many of the machine's cores the columns kept
 * busy together: at 2 on this 2-core machine the write path is CPU-bound. */
static void s_cpu_report(const s_options_t *o, const s_alone_t *alone,
                         s_system_result_t sys[S_MAX_RUNS][S_MAX_LEVELS])
{
    printf("CPU a talk, ms (user + system from /proc over the measured window; postgres: the "
           "postmaster and every process it started);\nunder each, the context switches a talk "
           "(every thread: each hand-off from one thread or process to another is one)\n");
    printf("%-8s", "clients");
    for (int i = 0; i < o->npids; i++)
        printf("  %13s", o->pid_name[i]);
    printf("  %9s  %9s  %7s  %10s\n", "postgres", "hj-bench", "total", "cores busy");
    for (int k = -1; k < o->nlevels; k++) {
        double v[S_SAMPLE_COLS];
        s_system_result_t col[S_MAX_RUNS];
        for (int r = 0; r < o->runs && k >= 0; r++)
            col[r] = sys[r][k];
        for (int i = 0; i < S_SAMPLE_COLS; i++)
            v[i] = k < 0 ? S_MEDIAN_OF(alone, o->runs, cpu[i]) : S_MEDIAN_OF(col, o->runs, cpu[i]);
        for (int half = 0; half < 2; half++) {
            const double *h = v + half * S_SW;
            double total = h[S_CPU_PG] + h[S_CPU_SELF];
            for (int i = 0; i < o->npids; i++)
                total += h[i];
            if (half)
                printf("%-8s", "");
            else if (k < 0)
                printf("%-8s", "alone");
            else
                printf("%-8d", o->levels[k]);
            for (int i = 0; i < o->npids; i++)
                printf(half ? "  %13.1f" : "  %13.3f", h[i]);
            printf(half ? "  %9.1f  %9.1f  %7.1f" : "  %9.3f  %9.3f  %7.3f", h[S_CPU_PG],
                   h[S_CPU_SELF], total);
            if (half)
                printf("  %10s\n", "switches");
            else if (k < 0)
                printf("  %10s\n", "-");
            else
                printf("  %10.2f\n", S_MEDIAN_OF(col, o->runs, cores));
        }
        printf("%-8s  postgres for:", "");
        for (int g = 0; g < s_npg; g++)
            printf(" %s %.3f", s_pg_group[g], v[S_CPU_GROUP + g]);
        printf("\n");
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    s_options_t o = {.bus = getenv("HJ_BUS"),
                     .events = getenv("HJ_BUS_EVENTS"),
                     .runs = 3,
                     .seconds = 4,
                     .warmup = 1};
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
        else if (!strcmp(argv[a], "--system-db"))
            o.system_db = v;
        else if (!strcmp(argv[a], "--journal"))
            o.journal = atol(v);
        else if (!strcmp(argv[a], "--runs"))
            o.runs = atoi(v);
        else if (!strcmp(argv[a], "--seconds"))
            o.seconds = atof(v);
        else if (!strcmp(argv[a], "--warmup"))
            o.warmup = atof(v);
        else if (!strcmp(argv[a], "--clients")) {
            if (s_parse_levels(&o, v) != 0)
                return s_usage();
        } else if (!strcmp(argv[a], "--pg-pid"))
            o.pg_pid = atoi(v);
        else if (!strcmp(argv[a], "--pid") && o.npids < S_MAX_PIDS &&
                 sscanf(v, "%31[^=]=%d", o.pid_name[o.npids], &o.pid[o.npids]) == 2)
            o.npids++;
        else
            return s_usage();
        a++;
    }
    char path[512], err[1024];
    if (!hj_device_find(device, path, sizeof path)) {
        fprintf(stderr,
                "hj-bench: no device file (--device, HJ_DEVICE or ~/.config/huanjie/device)\n");
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
    if (!o.bus || !o.events || !o.limit_db || o.runs < 1 || o.runs > S_MAX_RUNS || o.seconds <= 0 ||
        o.warmup < 0 || o.journal < 0 || (o.journal && !o.system_db))
        return s_usage();

    void *zctx = zmq_ctx_new();
    s_setup_t setup;
    s_direct_t direct;
    PGconn *sysdb = NULL;
    s_subscriber_t sub = {.zctx = zctx, .endpoint = o.events};
    pthread_mutex_init(&sub.lock, NULL);
    if (s_setup(&o, zctx, &setup) != 0 || s_direct_open(&o, &setup, &direct) != 0)
        return 1;
    if (o.system_db) {
        sysdb = s_sysdb = PQconnectdb(o.system_db);
        if (PQstatus(sysdb) != CONNECTION_OK) {
            fprintf(stderr, "hj-bench: system database: %s", PQerrorMessage(sysdb));
            return 1;
        }
    }
    pthread_create(&sub.tid, NULL, s_subscriber_run, &sub);
    while (!atomic_load(&sub.ready))
        s_sleep(0.01);
    s_sleep(0.3); /* the subscription reaches the publisher */

    double single[S_MAX_RUNS], piped[S_MAX_RUNS], single_p50[S_MAX_RUNS], single_p99[S_MAX_RUNS];
    s_system_result_t sys[S_MAX_RUNS][S_MAX_LEVELS], scale[2][2];
    s_alone_t alone[S_MAX_RUNS];
    long journal_rows[2] = {0, 0};
    int failed = 0;
    /* Scale, first point: the journal as small as this run finds it. */
    if (o.journal) {
        journal_rows[0] = s_scalar(sysdb, "SELECT count(*) FROM bus.journal");
        fprintf(stderr, "hj-bench: 1 and 32 clients at %ld journal rows\n", journal_rows[0]);
        failed = s_scale_point(&o, zctx, &setup, &sub, scale[0]) != 0;
    }
    for (int run = 0; run < o.runs && !failed; run++) {
        fprintf(stderr, "hj-bench: run %d of %d\n", run + 1, o.runs);
        s_samples_t commits = {0};
        single[run] = s_direct_run(&direct, 1, o.seconds, &commits);
        qsort(commits.v, commits.n, sizeof *commits.v, s_cmp_double);
        single_p50[run] = s_pct(&commits, 50);
        single_p99[run] = s_pct(&commits, 99);
        free(commits.v);
        piped[run] = s_direct_run(&direct, S_PIPELINE_TALKS, o.seconds, NULL);
        failed = single[run] < 0 || piped[run] < 0 ||
                 s_alone_run(&o, zctx, &setup, o.seconds / 2, &alone[run]) != 0;
        for (int k = 0; k < o.nlevels && !failed; k++) {
            failed = s_system_run(&o, zctx, &setup, &sub, o.levels[k], &sys[run][k]) != 0 ||
                     sys[run][k].ok == 0;
            if (failed)
                fprintf(stderr, "hj-bench: no submission succeeded with %d clients\n", o.levels[k]);
        }
    }
    /* Scale, second point: the journal bulk-loaded to N rows, sealed and applied. */
    double fill_s = 0, sealed_s = -1, applied_s = -1, vacuum_s = 0;
    if (o.journal && !failed) {
        double t0 = s_mono();
        journal_rows[1] = s_journal_fill(&o, &setup, sysdb, o.journal);
        fill_s = s_mono() - t0;
        failed =
            journal_rows[1] < 0 || s_journal_settled(sysdb, t0, 3600, &sealed_s, &applied_s) != 0;
        fprintf(stderr, "hj-bench: journal at %ld rows, sealed and applied in %.0f s\n",
                journal_rows[1], s_mono() - t0);
        /* A million rows committed in half a minute leave the vacuum of a
         * million sealed rows (and stale statistics) to autovacuum, which
         * would run through the measurement: a bulk load's after-effect, not
         * a cost of the journal's size. A district's journal grows over
         * months with autovacuum keeping pace: measure that state. */
        if (!failed) {
            double tv = s_mono();
            PGresult *vr = PQexec(sysdb, "VACUUM (ANALYZE) bus.journal, bus.journal_unsealed");
            failed = PQresultStatus(vr) != PGRES_COMMAND_OK;
            if (failed)
                fprintf(stderr, "hj-bench: VACUUM failed: %s", PQerrorMessage(sysdb));
            PQclear(vr);
            vacuum_s = s_mono() - tv;
        }
        failed = failed || s_scale_point(&o, zctx, &setup, &sub, scale[1]) != 0;
    }
    atomic_store(&sub.stop, 1);
    pthread_join(sub.tid, NULL);
    if (failed) {
        s_direct_close(&direct);
        PQfinish(sysdb);
        return 1;
    }

    char fsync_s[16], sync_s[16], server[32];
    s_setting(direct.conn, "fsync", fsync_s, sizeof fsync_s);
    s_setting(direct.conn, "synchronous_commit", sync_s, sizeof sync_s);
    s_setting(direct.conn, "server_version", server, sizeof server);
    double v[S_MAX_RUNS];
    memcpy(v, single, sizeof v);
    double lim1 = s_median(v, o.runs);
    memcpy(v, piped, sizeof v);
    double limp = s_median(v, o.runs);
    memcpy(v, single_p50, sizeof v);
    double lim1_p50 = s_median(v, o.runs);
    memcpy(v, single_p99, sizeof v);
    double lim1_p99 = s_median(v, o.runs);

    printf("Huanjie write path vs. the same talks written directly: median of %d runs, %.0f s "
           "each (after %.1f s warm-up)\n",
           o.runs, o.seconds, o.warmup);
    printf("PostgreSQL %s, fsync=%s, synchronous_commit=%s; talk_add request %zu bytes, "
           "journal payload %zu bytes\n\n",
           server, fsync_s, sync_s, s_request_len(&setup), direct.record_len);
    printf("direct: libpq, 1 connection, talk + interviewer + 2 topics + journal row   talks/s\n");
    printf("  (a) one transaction per talk (one pipeline each)  %8.0f   (commit p50 %.2f ms, "
           "p99 %.2f ms)\n",
           lim1, lim1_p50, lim1_p99);
    printf("  (b) %d talks per transaction, pipelined          %8.0f\n\n", S_PIPELINE_TALKS, limp);
    printf("system: hj_client -> hj-busd -> hj-interviewsd -> COMMIT -> reply;  "
           "event: commit -> subscriber\n");
    printf("clients  talks/s  x(a)    %%(b)    p50 ms  p99 ms  max ms  ev p50 ms  ev p99 ms  "
           "board p50 ms  board p99 ms  talks/txn  seal txn/talk  write txn/talk  read p50 ms  "
           "read p99 ms  errors\n");
    double rate32 = 0, p99_32 = 0, ev99_32 = 0, board99_32 = 0, p50_1 = -1;
    long board_missing = 0;
    int have32 = 0;
    for (int k = 0; k < o.nlevels; k++) {
        double mx = 0;
        long errors = 0;
        s_system_result_t col[S_MAX_RUNS];
        for (int r = 0; r < o.runs; r++) {
            col[r] = sys[r][k];
            mx = sys[r][k].max > mx ? sys[r][k].max : mx;
            errors += sys[r][k].errors;
            board_missing += sys[r][k].board_missing;
        }
        double rate = S_MEDIAN_OF(col, o.runs, rate), p50 = S_MEDIAN_OF(col, o.runs, p50),
               p99 = S_MEDIAN_OF(col, o.runs, p99), e50 = S_MEDIAN_OF(col, o.runs, ev_p50),
               e99 = S_MEDIAN_OF(col, o.runs, ev_p99), per_txn = S_MEDIAN_OF(col, o.runs, per_txn),
               seals = S_MEDIAN_OF(col, o.runs, seals), xids = S_MEDIAN_OF(col, o.runs, xids),
               r50 = S_MEDIAN_OF(col, o.runs, read_p50), r99 = S_MEDIAN_OF(col, o.runs, read_p99),
               b50 = S_MEDIAN_OF(col, o.runs, board_p50), b99 = S_MEDIAN_OF(col, o.runs, board_p99);
        printf("%7d  %7.0f  %5.2fx  %5.1f%%  %6.2f  %6.2f  %6.1f  %9.2f  %9.2f  %12.2f  %12.2f  "
               "%9.2f  %13.2f  %14.2f  %11.2f  %11.2f  %6ld\n",
               o.levels[k], rate, rate / lim1, 100 * rate / limp, p50, p99, mx, e50, e99, b50, b99,
               per_txn, seals, xids, r50, r99, errors);
        if (o.levels[k] == 1)
            p50_1 = p50;
        if (o.levels[k] == 32) {
            have32 = 1;
            rate32 = rate;
            p99_32 = p99;
            ev99_32 = e99;
            board99_32 = b99;
        }
    }
    printf("talks/txn: talks per hj-interviewsd transaction; seal txn/talk: relay transactions "
           "per talk (from talk.recorded_at and the journal rows' xmin);\nwrite txn/talk: "
           "transactions that wrote (any process: "
           "writer, relay, hj-tallyd) per talk (from the xid counter);\nread: one more client "
           "reading the community's talk coverage meanwhile, one read after another;\nboard: "
           "commit -> hj-tallyd's board of the community counting the talk, as a dashboard "
           "receives it (talks no board showed within 5 s: %ld)\n",
           board_missing);
    printf("events received %ld, journal sequence gaps seen %ld (the bus is lossy by design)\n\n",
           sub.received, sub.gaps);
    printf("one client alone, nothing else calling: p50 / p99 ms\n");
    for (int kind = 0; kind < S_ALONE_KINDS; kind++)
        printf("  %-62s %6.2f / %6.2f\n", s_alone_name[kind], S_MEDIAN_OF(alone, o.runs, p50[kind]),
               S_MEDIAN_OF(alone, o.runs, p99[kind]));
    printf("  %-62s %6.2f / %6.2f\n\n",
           "direct (a): the talk's statements and COMMIT, one pipeline", lim1_p50, lim1_p99);
    s_cpu_report(&o, alone, sys);
    if (o.journal) {
        printf("scale: the same talks at two journal sizes (bulk-loaded, sealed, applied)\n");
        printf("journal rows  1 client talks/s  p50 ms  32 clients talks/s  p99 ms  ev p99 ms  "
               "read p50 ms (1 / 32)\n");
        for (int i = 0; i < 2; i++)
            printf("%12ld  %16.0f  %6.2f  %18.0f  %6.2f  %9.2f  %8.2f / %.2f\n", journal_rows[i],
                   scale[i][0].rate, scale[i][0].p50, scale[i][1].rate, scale[i][1].p99,
                   scale[i][1].ev_p99, scale[i][0].read_p50, scale[i][1].read_p50);
        printf("(the larger journal measured after VACUUM (ANALYZE) of it, %.0f s: a journal "
               "grown over months, not one just bulk-loaded)\n",
               vacuum_s);
        printf("at %ld rows vs. %ld: 1 client %+.1f%%, 32 clients %+.1f%%\n", journal_rows[1],
               journal_rows[0], 100 * (scale[1][0].rate / scale[0][0].rate - 1),
               100 * (scale[1][1].rate / scale[0][1].rate - 1));
        /* Relay and hj-tallyd work while the loader writes: a rate equal to the
         * fill's means they kept up with it, not that it is their limit. */
        long loaded = journal_rows[1] - journal_rows[0];
        printf("bulk load of %ld rows: written in %.1f s (%.0f rows/s); all sealed %.1f s after "
               "its start (%.0f rows/s), all applied by hj-tallyd after %.1f s (%.0f rows/s)\n\n",
               loaded, fill_s, loaded / fill_s, sealed_s, loaded / sealed_s, applied_s,
               loaded / applied_s);
    }
    long rss_worst = 0;
    printf("peak RSS (VmHWM) during the run:");
    for (int i = 0; i < o.npids; i++) {
        long kb = s_vmhwm_kb(o.pid[i]);
        rss_worst = kb > rss_worst ? kb : rss_worst;
        printf("  %s %.1f MB", o.pid_name[i], kb < 0 ? -1.0 : (double)kb / 1024);
    }
    printf("\n\n");
    if (have32) {
        printf("targets (32 clients): >= 1x (a), aim 2x: %.2fx %s;  >= 20%% of (b): %.1f%% %s\n",
               rate32 / lim1, s_verdict(rate32 >= lim1), 100 * rate32 / limp,
               s_verdict(rate32 >= 0.2 * limp));
        printf("                      reply p99 <= 20 ms: %.2f ms %s;  commit->subscriber p99 "
               "<= 20 ms: %.2f ms %s\n",
               p99_32, s_verdict(p99_32 <= 20), ev99_32, s_verdict(ev99_32 <= 20));
        printf("                      commit->dashboard board p99 <= 50 ms: %.2f ms %s\n",
               board99_32, s_verdict(board99_32 <= 50));
    }
    if (p50_1 >= 0)
        printf("                      1 client p50 <= 2 ms: %.2f ms %s\n", p50_1,
               s_verdict(p50_1 <= 2));
    if (o.npids)
        printf("                      every daemon <= 32 MB peak RSS: %.1f MB %s\n",
               (double)rss_worst / 1024, s_verdict(rss_worst <= 32 * 1024));
    if (have32)
        printf("summary: clients=32 talks_s=%.0f direct_talk_s=%.0f ratio=%.2f p99_ms=%.1f "
               "ev_p99_ms=%.1f\n",
               rate32, lim1, rate32 / lim1, p99_32, ev99_32);
    s_direct_close(&direct);
    PQfinish(sysdb);
    zmq_ctx_term(zctx);
    return 0;
}
