/* hj-bench-ballots: ballots entered end to end, in batches, with durable
 * commits: client → hj-busd → hj-tallyd (each ballot checked by the rules,
 * stored, the box's count and the journal row in one transaction, the
 * reply after COMMIT) while the consumer publishes the live count.
 *
 *   HJ_TEST_PG="host=127.0.0.1 port=7732 user=postgres" HJ_BIN_DIR=build/bin \
 *   HJ_TEST_TEMPLATE=hj_template build/bin/hj-bench-ballots [BALLOTS [BATCH [ELECTIONS]]]
 *
 * It starts its own hj-busd, hj-registryd and hj-tallyd against a copy of
 * the template database (as the integration tests do), prepares ELECTIONS
 * residents' elections (9 seats, 15 candidates; gates overridden: this
 * measures election day only), then enters BALLOTS ballots into each, one
 * client thread an election, and prints ballots/s and batch latencies. Run
 * it on a cluster with fsync on (deploy/huanjie up's is) for durable commits;
 * it prints the cluster's fsync and synchronous_commit settings. */
#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_stack.h"
#include "tally.pb-c.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SEATS = 9, CANDIDATES = 15 };

static hj_stack_t stack;
static long s_ballots = 100000, s_batch = 1000, s_elections = 1;

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int s_hj(const char *const *argv)
{
    char *err = NULL;
    int rc = hj_runv(&stack, NULL, &err, argv);
    if (rc != 0)
        fprintf(stderr, "hj %s %s: %s", argv[0], argv[1], err ? err : "");
    free(err);
    return rc;
}
#define HJ(...) s_hj((const char *const[]){__VA_ARGS__, NULL})

/* Community KBS-BH-1k, its election e000...k, candidates, voter roll, open, round 1. */
static int s_prepare(int k, char election[37])
{
    char code[24], name[32], today[11], d20[11], box[64], seats[8];
    hj_date_from_today(0, today);
    hj_date_from_today(-20, d20);
    snprintf(code, sizeof code, "KBS-BH-%02d", k + 10);
    snprintf(name, sizeof name, "社区%d", k);
    snprintf(election, 37, "e0000000-0000-4000-8000-%012d", k + 1);
    snprintf(seats, sizeof seats, "%d", SEATS);
    if (HJ("community", "add", "--code", code, "--name", name, "--subdistrict", "KBS-BH") ||
        HJ("election", "schedule", code, "--body", "residents", "--date", today, "--seats", seats,
           "--request-id", election))
        return -1;
    const char *argv[80] = {"election", "candidates", election};
    static char ids[8][CANDIDATES][64];
    int n = 3;
    for (int c = 0; c < CANDIDATES; c++) {
        char person[32];
        snprintf(ids[k][c], sizeof ids[k][c], "c0000000-0000-4000-8%03u-%012u", (unsigned)k % 1000u,
                 (unsigned)c + 1);
        snprintf(person, sizeof person, "候选人%d", c + 1);
        if (HJ("person", "add", "--name", person, "--gender", "male", "--request-id", ids[k][c]) ||
            HJ("reserve", "add", "--person", ids[k][c], "--community", code, "--committee",
               "residents", "--added", d20, "--status", "nominated", "--vetting", "cleared"))
            return -1;
        argv[n++] = "--person";
        argv[n++] = ids[k][c];
    }
    argv[n] = NULL;
    char voters[24];
    snprintf(voters, sizeof voters, "%ld", s_ballots + s_ballots / 10);
    snprintf(box, sizeof box, "主票箱:main:%ld:%ld", s_ballots, s_ballots);
    if (s_hj(argv) || HJ("voters", "set", code, "--voters", voters, "--published", d20) ||
        HJ("election", "open", code, "--body", "residents", "--override", "audit", "--reason",
           "bench", "--override", "plan", "--reason", "bench", "--override", "talks", "--reason",
           "bench", "--override", "training", "--reason", "bench") ||
        HJ("election", "round", election, "--box", box))
        return -1;
    return 0;
}

static uint64_t s_rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t s_rng(void)
{
    s_rng_state ^= s_rng_state >> 12;
    s_rng_state ^= s_rng_state << 25;
    s_rng_state ^= s_rng_state >> 27;
    return s_rng_state * 0x2545F4914F6CDD1Dull;
}

typedef struct {
    const char *election;
    uint8_t **bodies; /* packed requests, one a batch */
    size_t *lens;
    long batches;
    double *latency;
    int failed;
} s_job_t;

static void *s_enter(void *arg)
{
    s_job_t *j = arg;
    hj_client_t *c = hj_stack_client(&stack, 30000, 3);
    for (long b = 0; c && b < j->batches && !j->failed; b++) {
        uint8_t *reply = NULL;
        size_t len = 0;
        double t0 = s_now();
        if (hj_client_call(c, "tally", j->bodies[b], j->lens[b], &reply, &len) != 0) {
            j->failed = 1;
            break;
        }
        j->latency[b] = s_now() - t0;
        Hj__Tally__Reply *r = hj__tally__reply__unpack(NULL, len, reply);
        if (!r || !r->status || r->status->code != HJ__CODE__OK) {
            fprintf(stderr, "batch %ld refused: %s\n", b,
                    r && r->status ? r->status->message : "?");
            j->failed = 1;
        }
        if (r)
            hj__tally__reply__free_unpacked(r, NULL);
        free(reply);
    }
    hj_client_destroy(&c);
    return NULL;
}

/* The requests of one election, built before timing. */
static int s_build(s_job_t *j)
{
    j->batches = (s_ballots + s_batch - 1) / s_batch;
    j->bodies = calloc((size_t)j->batches, sizeof *j->bodies);
    j->lens = calloc((size_t)j->batches, sizeof *j->lens);
    j->latency = calloc((size_t)j->batches, sizeof *j->latency);
    Hj__Tally__Ballot *ballots = calloc((size_t)s_batch, sizeof *ballots);
    Hj__Tally__Ballot **ptrs = calloc((size_t)s_batch, sizeof *ptrs);
    char *marks = calloc((size_t)s_batch, CANDIDATES + 1);
    if (!j->bodies || !j->lens || !j->latency || !ballots || !ptrs || !marks)
        return -1;
    for (long b = 0; b < j->batches; b++) {
        long n = s_ballots - b * s_batch < s_batch ? s_ballots - b * s_batch : s_batch;
        for (long i = 0; i < n; i++) {
            char *m = marks + i * (CANDIDATES + 1);
            int yes = 0;
            for (int c = 0; c < CANDIDATES; c++) {
                uint64_t x = s_rng();
                /* popularity from about 90 % down to about 20 %; about 1 % too many marks */
                int y = (x & 1023) < (uint64_t)(920 - c * 50) && yes < SEATS;
                yes += y;
                m[c] = y ? 'y' : "-na"[(x >> 10) % 3];
            }
            if ((s_rng() & 1023) < 10)
                memset(m, 'y', CANDIDATES);
            hj__tally__ballot__init(&ballots[i]);
            ballots[i].marks = m;
            ptrs[i] = &ballots[i];
        }
        Hj__Tally__BallotBatch batch = HJ__TALLY__BALLOT_BATCH__INIT;
        batch.election = (char *)j->election;
        batch.box = "主票箱";
        batch.ballots = ptrs;
        batch.n_ballots = (size_t)n;
        Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
        char id[37];
        hj_uuid_new(id);
        req.request_id = id;
        req.op_case = HJ__TALLY__REQUEST__OP_BALLOTS_ENTER;
        req.ballots_enter = &batch;
        j->lens[b] = hj__tally__request__get_packed_size(&req);
        if (!(j->bodies[b] = malloc(j->lens[b])))
            return -1;
        hj__tally__request__pack(&req, j->bodies[b]);
    }
    free(ballots);
    free(ptrs);
    free(marks);
    return 0;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    static const char *const programs[] = {"hj-registryd", "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "tally", NULL};
    long *args[] = {&s_ballots, &s_batch, &s_elections};
    for (int i = 1; i < argc && i <= 3; i++)
        *args[i - 1] = atol(argv[i]);
    if (s_ballots < 1 || s_batch < 1 || s_batch > 1000 || s_elections < 1 || s_elections > 8) {
        fprintf(stderr, "usage: hj-bench-ballots [BALLOTS [BATCH (1..1000) [ELECTIONS (1..8)]]]\n");
        return 2;
    }
    if (hj_stack_start(&stack, programs, services) != 0) {
        fprintf(stderr, "the stack did not start (HJ_TEST_PG, HJ_BIN_DIR, HJ_TEST_TEMPLATE)\n");
        hj_stack_stop(&stack);
        return 1;
    }
    int rc = 1;
    char elections[8][37];
    s_job_t jobs[8];
    pthread_t threads[8];
    memset(jobs, 0, sizeof jobs);
    if (HJ("district", "add", "--code", "KBS", "--name", "康巴什区") ||
        HJ("subdistrict", "add", "--code", "KBS-BH", "--name", "滨河街道", "--district", "KBS"))
        goto out;
    for (int k = 0; k < s_elections; k++) {
        jobs[k].election = elections[k];
        if (s_prepare(k, elections[k]) != 0 || s_build(&jobs[k]) != 0)
            goto out;
    }
    printf("cluster: fsync %ld, synchronous_commit %s\n",
           hj_stack_scalar(&stack, "SELECT (current_setting('fsync') = 'on')::int"),
           hj_stack_scalar(&stack, "SELECT (current_setting('synchronous_commit') = 'on')::int") ==
                   1
               ? "on"
               : "off");
    double t0 = s_now();
    for (int k = 0; k < s_elections; k++)
        pthread_create(&threads[k], NULL, s_enter, &jobs[k]);
    for (int k = 0; k < s_elections; k++)
        pthread_join(threads[k], NULL);
    double elapsed = s_now() - t0;
    for (int k = 0; k < s_elections; k++)
        if (jobs[k].failed)
            goto out;
    long total = s_ballots * s_elections, batches = jobs[0].batches * s_elections;
    double *all = calloc((size_t)batches, sizeof *all);
    for (int k = 0; all && k < s_elections; k++)
        memcpy(all + k * jobs[0].batches, jobs[k].latency, (size_t)jobs[0].batches * sizeof *all);
    if (all)
        qsort(all, (size_t)batches, sizeof *all, s_cmp);
    printf("entered %ld ballots (%ld election%s x %ld, batches of %ld) in %.2f s: %.0f ballots/s\n",
           total, s_elections, s_elections == 1 ? "" : "s", s_ballots, s_batch, elapsed,
           total / elapsed);
    if (all)
        printf("batch latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", all[batches / 2] * 1000,
               all[batches * 99 / 100] * 1000, all[batches - 1] * 1000);
    free(all);
    /* Every ballot is counted once. */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT sum(counted) FROM tally.box");
    long counted = hj_stack_scalar(&stack, sql);
    printf("counted: %ld of %ld\n", counted, total);
    rc = counted == total ? 0 : 1;
out:
    for (int k = 0; k < 8; k++) {
        for (long b = 0; jobs[k].bodies && b < jobs[k].batches; b++)
            free(jobs[k].bodies[b]);
        free(jobs[k].bodies);
        free(jobs[k].lens);
        free(jobs[k].latency);
    }
    hj_stack_stop(&stack);
    return rc;
}
