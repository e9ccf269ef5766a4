/* hj-bench-fair-share: one device floods hj-busd with reads while another
 * asks one question at a time; how long the second one waits is what fair
 * share is for.
 *
 *   HJ_TEST_PG="host=127.0.0.1 port=25432 user=postgres" HJ_BIN_DIR=build/bin \
 *   HJ_TEST_TEMPLATE=hj_template build/bin/hj-bench-fair-share [--reads N] [--nice N] [--every MS]
 *       [--off] [--rate N] [--burst N] [--inflight N]
 *
 * It starts its own hj-busd and hj-registryd against a copy of the template
 * database (as the integration tests do) and enrols an observer device,
 * obs-1. obs-1 sends N (100000) `registry` community-list reads as fast as
 * it can on one socket, never waiting for an answer before sending the next
 * and never honouring a retry-after (a runaway script), on its own ZeroMQ
 * context, at --nice N (0) for its threads; at the same time the
 * stack's district-admin device sends the same read one after another, one
 * every MS (10) milliseconds, until obs-1 has its last answer. It prints
 * obs-1's answers by code and the second device's answers and latency
 * (p50 / p99 / max), first alone for 3 s (the baseline, same stack), then
 * during the flood. The broker runs with the daemons' default limits, or
 * --rate/--burst/--inflight (HJ_DEVICE_*), or --off (every limit at its
 * maximum, as before fair share). Exit 0 when every request was answered. */
#include "hj_config.h"
#include "hj_curve.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_mdp.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "registry.pb-c.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static hj_stack_t stack;
static atomic_int s_flood_started, s_flood_done;
/* The second device alone first, on the same stack: the baseline. */
#define S_ALONE_US 3000000

typedef struct {
    void *ctx;
    const char *device; /* device file; NULL: the stack's */
    const uint8_t *body;
    size_t len;
    /* flooder */
    long reads;
    int nice; /* of its thread and its context's I/O thread */
    long ok, exhausted, unavailable, other, lost;
    double seconds;
    /* second device */
    int every_ms;
    double *latency; /* ms */
    long calls, cap, calls_ok, calls_failed;
    long alone; /* how many of the calls came before the flood */
    char last_failure[600];
} s_job_t;

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The next reply's status within timeout_ms: 0, or -1 when none came. */
static int s_recv(void *s, int timeout_ms, hj_status_t *st)
{
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    hj_frames_t f;
    if (zmq_poll(&item, 1, timeout_ms) != 1 || hj_frames_recv(s, &f, 0) != 0)
        return -1;
    if (f.count != 4 || hj_status_unpack(hj_frames_data(&f, 3), hj_frames_size(&f, 3), st) != 0)
        hj_status_set(st, HJ__CODE__INTERNAL, "", "not a reply");
    hj_frames_close(&f);
    return 0;
}

static void s_tally(s_job_t *j, const hj_status_t *st)
{
    if (st->code == HJ__CODE__OK)
        j->ok++;
    else if (st->code == HJ__CODE__RESOURCE_EXHAUSTED)
        j->exhausted++;
    else if (st->code == HJ__CODE__UNAVAILABLE)
        j->unavailable++;
    else
        j->other++;
}

/* Sends every read without waiting, reading answers as they come. */
static void *s_flood(void *arg)
{
    s_job_t *j = arg;
    long sent = 0, answered = 0;
    hj_status_t st;
    double t0 = s_now();
    /* Niced, the flooder stands for a laptop elsewhere: its own CPU (CURVE on
     * every message both ways) does not slow the daemons' machine. A thread
     * made now (the context's I/O thread) inherits it. */
    if (j->nice)
        setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), j->nice);
    j->ctx = zmq_ctx_new();
    void *s = hj_stack_mdp_socket(&stack, j->ctx, j->device);
    while (s && answered < j->reads) {
        for (int i = 0; i < 256 && sent < j->reads; i++, sent++)
            if (hj_client_mdp_send(s, "registry", j->body, j->len) != 0)
                break;
        /* Whatever has come back; once all is sent, wait for the rest. */
        int wait = sent < j->reads ? 0 : 30000;
        int got = 0;
        while (answered < j->reads && s_recv(s, got ? 0 : wait, &st) == 0) {
            s_tally(j, &st);
            answered++;
            got = 1;
        }
        if (!got && sent == j->reads)
            break; /* 30 s of silence: the rest is lost */
    }
    j->seconds = s_now() - t0;
    j->lost = j->reads - answered;
    if (s)
        zmq_close(s);
    zmq_ctx_term(j->ctx);
    atomic_store(&s_flood_done, 1);
    return NULL;
}

/* One read at a time, one every every_ms, alone and then until the flood is over. */
static void *s_steady(void *arg)
{
    s_job_t *j = arg;
    void *s = hj_stack_mdp_socket(&stack, j->ctx, j->device);
    hj_status_t st;
    while (s && !atomic_load(&s_flood_done)) {
        if (j->alone < 0 && atomic_load(&s_flood_started))
            j->alone = j->calls;
        double t0 = s_now();
        if (hj_client_mdp_send(s, "registry", j->body, j->len) != 0)
            break;
        int answered = s_recv(s, 30000, &st) == 0;
        double ms = (s_now() - t0) * 1000;
        if (j->calls == j->cap) {
            long cap = j->cap ? j->cap * 2 : 4096;
            double *v = realloc(j->latency, (size_t)cap * sizeof *v);
            if (!v)
                break;
            j->latency = v;
            j->cap = cap;
        }
        j->latency[j->calls++] = ms;
        if (answered && st.code == HJ__CODE__OK) {
            j->calls_ok++;
        } else {
            j->calls_failed++;
            snprintf(j->last_failure, sizeof j->last_failure, "%s: %s",
                     answered ? hj_code_name(st.code) : "no answer", answered ? st.message : "");
            if (!answered)
                break; /* the socket may hold a late answer: stop here */
        }
        double left = j->every_ms - ms;
        if (left > 0)
            usleep((useconds_t)(left * 1000));
    }
    if (s)
        zmq_close(s);
    return NULL;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double s_pct(const double *v, long n, double p)
{
    long k = (long)(p / 100.0 * (double)n + 0.999999);
    k = k < 1 ? 1 : k > n ? n : k;
    return n ? v[k - 1] : 0;
}

static int s_usage(void)
{
    fprintf(stderr,
            "usage: hj-bench-fair-share [--reads N] [--nice N] [--every MS] [--off] [--rate N] "
            "[--burst N] [--inflight N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    static const char *const programs[] = {"hj-registryd", NULL};
    static const char *const services[] = {"registry", NULL};
    s_job_t flood = {.reads = 100000}, steady = {.every_ms = 10, .alone = -1};
    const char *rate = NULL, *burst = NULL, *inflight = NULL;
    for (int a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (strcmp(argv[a], "--off") == 0) {
            rate = burst = inflight = "1000000";
            continue;
        }
        if (!v)
            return s_usage();
        if (strcmp(argv[a], "--reads") == 0)
            flood.reads = atol(v);
        else if (strcmp(argv[a], "--nice") == 0)
            flood.nice = atoi(v);
        else if (strcmp(argv[a], "--every") == 0)
            steady.every_ms = atoi(v);
        else if (strcmp(argv[a], "--rate") == 0)
            rate = v;
        else if (strcmp(argv[a], "--burst") == 0)
            burst = v;
        else if (strcmp(argv[a], "--inflight") == 0)
            inflight = v;
        else
            return s_usage();
        a++;
    }
    if (flood.reads < 1 || steady.every_ms < 0)
        return s_usage();
    /* hj-busd reads these at start; unset, the daemons' defaults hold. */
    if (rate)
        setenv("HJ_DEVICE_RATE", rate, 1);
    if (burst)
        setenv("HJ_DEVICE_BURST", burst, 1);
    if (inflight)
        setenv("HJ_DEVICE_INFLIGHT", inflight, 1);
    int rc = 1;
    char observer[320];
    size_t len = 0;
    uint8_t *body = hj_stack_community_list(&len);
    void *ctx = zmq_ctx_new();
    if (hj_stack_start(&stack, programs, services) != 0) {
        fprintf(stderr, "the stack did not start (HJ_TEST_PG, HJ_BIN_DIR, HJ_TEST_TEMPLATE)\n");
        goto out;
    }
    /* A few communities, so the read has rows to read. */
    if (HJ_SEED_PLACES(&stack, "KBS-BH-01", "KBS-BH-02", "KBS-BH-03") != 0)
        goto out;
    if (hj_stack_enrol(&stack, "obs-1", "指挥中心", "observer", observer, sizeof observer) != 0)
        goto out;
    /* Two machines in the field: each device has its own context (its own
     * I/O thread), so the second device's messages never queue behind the
     * flooder's in the benchmark itself. */
    steady.ctx = ctx;
    flood.device = observer;
    flood.body = steady.body = body;
    flood.len = steady.len = len;
    printf("machine: %ld cores online\n", sysconf(_SC_NPROCESSORS_ONLN));
    /* What hj-busd runs with: the same defaults and environment. */
    hj_config_t cfg;
    char *none[] = {argv[0], NULL};
    if (hj_config_load(&cfg, "hj-bench-fair-share", 1, none) != 0)
        goto out;
    printf("limit: each device %d requests/s, bursts of %d, %d at once%s\n", cfg.device_rate,
           cfg.device_burst, cfg.device_inflight,
           cfg.device_rate == 1000000 ? " (off: as before)" : "");
    pthread_t tf, ts;
    pthread_create(&ts, NULL, s_steady, &steady);
    usleep(S_ALONE_US);
    atomic_store(&s_flood_started, 1);
    pthread_create(&tf, NULL, s_flood, &flood);
    pthread_join(tf, NULL);
    pthread_join(ts, NULL);
    printf("flooder obs-1 (nice %d): %ld reads sent at once in %.2f s: %ld OK, %ld "
           "RESOURCE_EXHAUSTED, "
           "%ld UNAVAILABLE, %ld other, %ld unanswered\n",
           flood.nice, flood.reads, flood.seconds, flood.ok, flood.exhausted, flood.unavailable,
           flood.other, flood.lost);
    long alone = steady.alone < 0 ? steady.calls : steady.alone, during = steady.calls - alone;
    double *base = steady.latency, *flooded = steady.latency + alone;
    qsort(base, (size_t)alone, sizeof *base, s_cmp);
    qsort(flooded, (size_t)during, sizeof *flooded, s_cmp);
    printf("second device %s, one read every %d ms: %ld OK, %ld failed%s%s\n", HJ_STACK_DEVICE,
           steady.every_ms, steady.calls_ok, steady.calls_failed,
           steady.calls_failed ? "; last: " : "", steady.last_failure);
    printf("  alone (%.0f s, %ld reads):     p50 %7.2f ms, p99 %7.2f ms, max %7.2f ms\n",
           S_ALONE_US / 1e6, alone, s_pct(base, alone, 50), s_pct(base, alone, 99),
           alone ? base[alone - 1] : 0.0);
    printf("  during the flood (%ld reads): p50 %7.2f ms, p99 %7.2f ms, max %7.2f ms\n", during,
           s_pct(flooded, during, 50), s_pct(flooded, during, 99),
           during ? flooded[during - 1] : 0.0);
    rc = flood.lost == 0 && during > 0 ? 0 : 1;
out:
    hj_stack_stop(&stack);
    free(steady.latency);
    free(body);
    zmq_ctx_term(ctx);
    return rc;
}
