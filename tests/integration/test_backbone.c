/* The backbone end to end: broker, journal relay, write path, idempotency,
 * load sharing, failure of a worker, and bad input on the wire. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "hj.pb-c.h"
#include "hj_client.h"
#include "hj_curve.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_mdp.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_wait.h"
#include "registry.pb-c.h"

static hj_stack_t stack;

/* The broker's log says it has `want` instances of registry. */
static int s_broker_has(void *want)
{
    char pattern[300], line[64];
    snprintf(pattern, sizeof pattern, "%s/hj-busd.*.log", stack.run_dir);
    snprintf(line, sizeof line, ", %d instance(s))", *(int *)want);
    return hj_wait_file_has(pattern, line);
}

static void s_start(int registries)
{
    const char *programs[5] = {NULL};
    static const char *const services[] = {"registry", NULL};
    for (int i = 0; i < registries; i++)
        programs[i] = "hj-registryd";
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
    /* Every instance, not just the first, is one the broker hands requests to. */
    cr_assert_eq(hj_wait_until(s_broker_has, &registries, 10000), 0,
                 "the broker has %d instance(s)", registries);
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH"), 0);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

/* Makes socket a CURVE client as the stack's device (hj-busd admits no other). */
static void s_curve(void *socket)
{
    cr_assert_eq(hj_stack_curve(&stack, socket), 0);
}

/* A packed registry request: community add (code, name) with request id rid. */
static uint8_t *s_community_add(const char *rid, const char *code, const char *name, size_t *len)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    m.code = (char *)code;
    m.name = (char *)name;
    m.subdistrict = "KBS-BH";
    m.org_type = HJ__REGISTRY__ORG_TYPE__BRANCH;
    req.request_id = (char *)rid;
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
    req.community_add = &m;
    *len = hj__registry__request__get_packed_size(&req);
    uint8_t *buf = malloc(*len);
    hj__registry__request__pack(&req, buf);
    return buf;
}

/* Sends body to service through a real client; returns the reply's status. */
static hj_status_t s_call(const char *service, const void *body, size_t len)
{
    hj_status_t st;
    cr_assert_eq(hj_stack_call(&stack, NULL, service, body, len, 3000, 3, &st), 0);
    return st;
}

Test(backbone, journal_event_reaches_subscriber_with_contiguous_seq, .init = NULL, .fini = teardown,
     .timeout = 60)
{
    s_start(1);
    void *ctx = zmq_ctx_new(),
         *sub = hj_stack_sub(&stack, ctx, NULL, "registry.community_added.", 5000);
    cr_assert_not_null(sub, "no subscriber on the event bus");
    /* The CURVE handshake is done and the subscription has reached the XPUB. */
    cr_assert_gt(hj_wait_subscribed(sub, hj_seed_probe, &stack, 10000), 0,
                 "the subscriber never heard a probe");
    uint64_t seqs[2];
    const char *codes[2] = {"KBS-BH-01", "KBS-BH-02"};
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", codes[i], "--name",
                            "滨河社区", "--subdistrict", "KBS-BH", NULL),
                     0);
        hj_frames_t f;
        cr_assert_eq(hj_frames_recv(sub, &f, 0), 0, "event %d did not arrive", i);
        cr_assert_eq(f.count, 2);
        char topic[128];
        snprintf(topic, sizeof topic, "registry.community_added.%s", codes[i]);
        cr_assert(hj_frames_is(&f, 0, topic), "topic is %.*s", (int)hj_frames_size(&f, 0),
                  (const char *)hj_frames_data(&f, 0));
        Hj__Event *ev = hj__event__unpack(NULL, hj_frames_size(&f, 1), hj_frames_data(&f, 1));
        cr_assert(ev);
        cr_assert_str_eq(ev->community, codes[i]);
        cr_assert_str_eq(ev->actor, HJ_STACK_DEVICE);
        cr_assert_eq(ev->hash.len, 32);
        /* No payload on the bus: every enrolled device sees what is published,
         * and the record is read through a scoped read. */
        cr_assert_eq(ev->payload.len, 0, "a journal event carries no payload");
        cr_assert_str_eq(ev->kind, "community_added");
        seqs[i] = ev->seq;
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT seq FROM bus.journal WHERE kind = 'community_added' AND community = '%s'",
                 codes[i]);
        cr_assert_eq((long)ev->seq, hj_stack_scalar(&stack, sql), "event seq is the journal's");
        hj__event__free_unpacked(ev, NULL);
        hj_frames_close(&f);
    }
    cr_assert_eq(seqs[1], seqs[0] + 1, "contiguous: %lu then %lu", (unsigned long)seqs[0],
                 (unsigned long)seqs[1]);
    /* The chain links each row to the one before. */
    cr_assert_eq(hj_stack_scalar(
                     &stack,
                     "SELECT count(*) FROM bus.journal a JOIN bus.journal b ON b.seq = a.seq + 1 "
                     "WHERE b.prev_hash <> a.hash"),
                 0);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal j WHERE "
                                 "j.hash <> sha256(j.prev_hash || bus.journal_digest_input(j))"),
                 0);
    zmq_close(sub);
    zmq_ctx_term(ctx);
}

Test(backbone, replayed_uuid_writes_once_and_reused_uuid_is_refused, .fini = teardown,
     .timeout = 60)
{
    s_start(1);
    const char *rid = "1b4e28ba-2fa1-4d2b-883f-0016d3cca427";
    char *first = NULL, *second = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, &first, NULL, "community", "add", "--code", "KBS-BH-01", "--name",
                        "滨河社区", "--subdistrict", "KBS-BH", "--request-id", rid, "--json", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, &second, &err, "community", "add", "--code", "KBS-BH-01", "--name",
                        "滨河社区", "--subdistrict", "KBS-BH", "--request-id", rid, "--json", NULL),
                 0, "a replay is answered like the first try: %s", err);
    cr_assert_str_eq(first, second, "the replay returns the first answer");
    free(first);
    free(second);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community"), 1);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE request_id = "
                                         "'1b4e28ba-2fa1-4d2b-883f-0016d3cca427'"),
                 1);
    /* The same id for a different record is refused, naming the field. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "add", "--code", "KBS-BH-02", "--name",
                        "康和社区", "--subdistrict", "KBS-BH", "--request-id", rid, NULL),
                 1);
    cr_assert(strstr(err, "field: request_id"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community"), 1);
}

typedef struct {
    const uint8_t *body;
    size_t len;
    int ok;
    int replayed; /* the answer says the UUID was already recorded */
    char reply[256];
    size_t reply_len;
} s_racer_t;

static void *s_race(void *arg)
{
    s_racer_t *r = arg;
    hj_client_t *c = hj_stack_client(&stack, 5000, 3);
    uint8_t *reply = NULL;
    size_t len = 0;
    if (c && hj_client_call(c, "registry", r->body, r->len, &reply, &len) == 0 &&
        len < sizeof r->reply) {
        hj_status_t st;
        r->ok = hj_status_unpack(reply, len, &st) == 0 && st.code == HJ__CODE__OK;
        r->replayed = r->ok && strcmp(st.message, HJ_REPLAY_MESSAGE) == 0;
        memcpy(r->reply, reply, len);
        r->reply_len = len;
    }
    free(reply);
    hj_client_destroy(&c);
    return NULL;
}

Test(backbone, racing_replays_on_two_instances_store_one_row, .fini = teardown, .timeout = 60)
{
    s_start(2);
    enum { N = 12 };
    size_t len;
    uint8_t *body =
        s_community_add("9c5b94b1-35ad-49bb-b118-8e8fc24abf80", "KBS-BH-07", "民生社区", &len);
    s_racer_t racers[N] = {0};
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        racers[i].body = body;
        racers[i].len = len;
        pthread_create(&t[i], NULL, s_race, &racers[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    /* One racer wrote; every other one got that first answer back, marked as a replay. */
    int first = -1, replays = 0;
    for (int i = 0; i < N; i++) {
        cr_assert(racers[i].ok, "racer %d was answered OK", i);
        if (racers[i].replayed)
            replays++;
        else
            first = i;
    }
    cr_assert_eq(replays, N - 1, "%d replays", replays);
    for (int i = 0; i < N; i++) {
        cr_assert_geq(racers[i].reply_len, racers[first].reply_len);
        cr_assert_eq(memcmp(racers[i].reply, racers[first].reply, racers[first].reply_len), 0,
                     "same answer for all");
    }
    free(body);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community WHERE code = 'KBS-BH-07'"),
        1);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'community_added'"),
        1);
}

/* Lines "request for registry" in one daemon's log. */
static int s_requests_served(pid_t pid)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "grep -c 'request for registry' %s/hj-registryd.%d.log",
             stack.run_dir, (int)pid);
    FILE *p = popen(cmd, "r");
    int n = 0;
    if (p && fscanf(p, "%d", &n) != 1)
        n = 0;
    if (p)
        pclose(p);
    return n;
}

Test(backbone, two_instances_share_the_load, .fini = teardown, .timeout = 60)
{
    s_start(2);
    char code[32];
    for (int i = 0; i < 20; i++) {
        snprintf(code, sizeof code, "C-%02d", i);
        cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", code, "--name",
                            "社区", "--subdistrict", "KBS-BH", NULL),
                     0);
    }
    int a = s_requests_served(stack.pid[1]), b = s_requests_served(stack.pid[2]);
    cr_assert(a >= 5 && b >= 5, "both instances served (%d and %d)", a, b);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community"), 20);
}

typedef struct {
    int sent, ok, failed;
} s_writer_t;

static void *s_write_stream(void *arg)
{
    s_writer_t *w = arg;
    hj_client_t *c = hj_stack_client(&stack, 2000, 6);
    for (int i = 0; i < 150; i++) {
        char rid[37], code[32];
        size_t len, reply_len;
        uint8_t *reply = NULL;
        hj_uuid_new(rid);
        snprintf(code, sizeof code, "S-%03d", i);
        uint8_t *body = s_community_add(rid, code, "流水社区", &len);
        hj_status_t st = {.code = -1};
        if (hj_client_call(c, "registry", body, len, &reply, &reply_len) == 0)
            hj_status_unpack(reply, reply_len, &st);
        __atomic_add_fetch(&w->sent, 1, __ATOMIC_SEQ_CST);
        if (st.code == HJ__CODE__OK)
            w->ok++;
        else
            w->failed++;
        free(reply);
        free(body);
    }
    hj_client_destroy(&c);
    return NULL;
}

/* The stream is well under way: 40 writes answered. */
static int s_forty_sent(void *arg)
{
    s_writer_t *w = arg;
    return __atomic_load_n(&w->sent, __ATOMIC_SEQ_CST) >= 40;
}

Test(backbone, killing_a_worker_mid_stream_loses_nothing, .fini = teardown, .timeout = 120)
{
    s_start(2);
    s_writer_t w = {0};
    pthread_t t;
    pthread_create(&t, NULL, s_write_stream, &w);
    cr_assert_eq(hj_wait_until(s_forty_sent, &w, 60000), 0, "the stream did not get going");
    hj_stack_kill(&stack, stack.pid[1], SIGKILL);
    pthread_join(t, NULL);
    cr_assert_eq(w.ok, 150, "every write was answered OK after retries (%d failed)", w.failed);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community WHERE code LIKE 'S-%'"),
        150);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'community_added'"),
        150);

    /* With no instance left, the CLI says it could not reach the service (exit 3)... */
    hj_stack_kill(&stack, stack.pid[2], SIGKILL);
    char *err = NULL;
    cr_assert_eq(
        hj_run(&stack, NULL, &err, "community", "list", "--timeout", "500", "--tries", "2", NULL),
        3);
    cr_assert(strstr(err, "UNAVAILABLE") || strstr(err, "no answer"), "%s", err);
    free(err);
    /* ...and a new instance takes over. */
    cr_assert(hj_stack_spawn(&stack, "hj-registryd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "registry", 10000), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "show", "S-149", NULL), 0);
}

Test(backbone, lost_database_connection_is_remade, .fini = teardown, .timeout = 60)
{
    s_start(1);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "A-01", "--name", "甲",
                        "--subdistrict", "KBS-BH", NULL),
                 0);
    /* What a PostgreSQL restart looks like to the daemons: every connection dropped. */
    PGconn *c = hj_stack_pg(&stack);
    PQclear(PQexec(
        c,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"));
    PQfinish(c);
    char *err = NULL;
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "add", "--code", "A-02", "--name", "乙",
                        "--subdistrict", "KBS-BH", "--tries", "5", NULL),
                 0, "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community"), 2);
}

Test(backbone, relay_publishes_rows_that_committed_while_it_was_down, .fini = teardown,
     .timeout = 60)
{
    s_start(1);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "A-01", "--name", "甲",
                        "--subdistrict", "KBS-BH", NULL),
                 0);
    /* The relay must have sequenced everything so far. */
    cr_assert_eq(hj_wait_until(hj_stack_sealed, &stack, 30000), 0, "the relay seals the rows");
    long head = hj_stack_scalar(&stack, "SELECT max(seq) FROM bus.journal");
    hj_stack_kill(&stack, stack.pid[0], SIGKILL); /* hj-busd */
    /* A row that a service committed while the relay was down. */
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(
        c, "INSERT INTO bus.journal (request_id, service, kind, community, actor, payload, reply, "
           "request_digest) VALUES (gen_random_uuid(), 'registry', 'note', 'A-01', 'local', "
           "'\\x'::bytea, '\\x'::bytea, '\\x'::bytea)");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    cr_assert(hj_stack_spawn(&stack, "hj-busd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "registry", 10000), 0,
                 "the worker re-registers with the new broker");
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "A-02", "--name", "乙",
                        "--subdistrict", "KBS-BH", NULL),
                 0);
    cr_assert_eq(hj_wait_until(hj_stack_sealed, &stack, 30000), 0, "the new relay seals the rows");
    long n = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NOT NULL");
    cr_assert_eq(n, head + 2, "both later rows sequenced");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT seq FROM bus.journal WHERE kind = 'note'"),
                 head + 1, "the row committed during the outage comes first, contiguous");
    cr_assert_eq(hj_stack_scalar(
                     &stack,
                     "SELECT count(*) FROM bus.journal a JOIN bus.journal b ON b.seq = a.seq + 1 "
                     "WHERE b.prev_hash <> a.hash"),
                 0);
}

/* ---- bad input on the wire ------------------------------------------------ */

/* Sends raw frames from a fresh DEALER and returns the reply's status
 * (code -1 when no reply came within timeout_ms). */
static hj_status_t s_raw(const char *version, const char *service, const void *body, size_t len,
                         int timeout_ms)
{
    hj_status_t st = {.code = -1};
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    s_curve(s);
    zmq_connect(s, stack.bus);
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, version);
    if (service)
        hj_frames_addstr(&f, service);
    if (body)
        hj_frames_add(&f, body, len);
    hj_frames_send(s, &f);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) == 1 && hj_frames_recv(s, &f, 0) == 0) {
        if (f.count == 4)
            hj_status_unpack(hj_frames_data(&f, 3), hj_frames_size(&f, 3), &st);
        hj_frames_close(&f);
    }
    zmq_close(s);
    zmq_ctx_term(ctx);
    return st;
}

static hj_status_t s_registry_request(Hj__Registry__Request *req)
{
    size_t len = hj__registry__request__get_packed_size(req);
    uint8_t *buf = malloc(len + 1);
    hj__registry__request__pack(req, buf);
    hj_status_t st = s_call("registry", buf, len);
    free(buf);
    return st;
}

#define ASSERT_STATUS(st, want, want_field)                                                        \
    do {                                                                                           \
        hj_status_t s__ = (st);                                                                    \
        cr_assert_eq(s__.code, want, "code %d (%s), want %d", s__.code, s__.message, want);        \
        cr_assert_str_eq(s__.field, want_field, "field '%s' (%s)", s__.field, s__.message);        \
    } while (0)

Test(backbone, bad_input_is_refused_with_the_field_and_changes_nothing, .fini = teardown,
     .timeout = 120)
{
    stack.max_msg = 65536;
    cr_assert_eq(hj_stack_init(&stack), 0);
    stack.max_msg = 65536;
    cr_assert(hj_stack_spawn(&stack, "hj-busd") > 0);
    cr_assert(hj_stack_spawn(&stack, "hj-registryd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "registry", 15000), 0);
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH"), 0);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");

    /* Malformed protobuf. */
    ASSERT_STATUS(s_call("registry", "\xff\xff\xff\xff\x0f", 5), HJ__CODE__INVALID_ARGUMENT,
                  "body");
    /* Unknown service. */
    ASSERT_STATUS(s_call("nosuch", "", 0), HJ__CODE__NOT_FOUND, "service");
    /* Wrong MDP version; missing frames. */
    ASSERT_STATUS(s_raw("MDPC02", "registry", "", 0, 2000), HJ__CODE__INVALID_ARGUMENT, "protocol");
    ASSERT_STATUS(s_raw(HJ_MDPC, "registry", NULL, 0, 2000), HJ__CODE__INVALID_ARGUMENT, "service");
    /* Unknown method: a request with no operation. */
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "op");
    /* Unknown fields in the protobuf are ignored, the known ones still checked. */
    ASSERT_STATUS(s_call("registry", "\xa8\x1f\x01", 3), HJ__CODE__INVALID_ARGUMENT, "op");

    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    m.code = "KBS-BH-01";
    m.subdistrict = "KBS-BH";
    m.org_type = HJ__REGISTRY__ORG_TYPE__BRANCH;
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
    req.community_add = &m;
    /* A write without its UUID. */
    m.name = "滨河社区";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "request_id");
    req.request_id = "not-a-uuid";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "request_id");
    req.request_id = "6f0e3b1a-1111-4222-8333-444455556666";
    /* Missing required field. */
    m.name = "";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "name");
    /* Too long. */
    char long_name[400];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    m.name = long_name;
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "name");
    /* Invalid UTF-8. */
    m.name = "\xe6\xbb";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "name");
    /* SQL metacharacters are just text, in a code they are refused as a code. */
    m.name = "滨河社区";
    m.code = "x'; DROP TABLE registry.community; --";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "code");
    m.code = "KBS-BH-01";
    /* Unknown subdistrict. */
    m.subdistrict = "NOPE";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__NOT_FOUND, "subdistrict");
    m.subdistrict = "KBS-BH";

    /* An unknown community code, an impossible date. */
    Hj__Registry__Seat seat = HJ__REGISTRY__SEAT__INIT;
    seat.community = "KBS-BH-99";
    seat.person_id = "6f0e3b1a-1111-4222-8333-444455556667";
    seat.committee = HJ__REGISTRY__COMMITTEE__PARTY;
    seat.role = "member";
    seat.term_start = "2026-02-30";
    req.op_case = HJ__REGISTRY__REQUEST__OP_SEAT_ADD;
    req.seat_add = &seat;
    req.request_id = "6f0e3b1a-1111-4222-8333-444455556668";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__INVALID_ARGUMENT, "term_start");
    seat.term_start = "2026-02-28";
    ASSERT_STATUS(s_registry_request(&req), HJ__CODE__NOT_FOUND, "community");

    /* A frame larger than the maximum: the broker drops that connection... */
    size_t big = 200000;
    uint8_t *huge = calloc(1, big);
    cr_assert_eq(s_raw(HJ_MDPC, "registry", huge, big, 1500).code, -1,
                 "no answer to an oversized message");
    free(huge);

    /* ...and keeps serving everyone else; nothing above was written. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "list", NULL), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community"), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.seat"), 0);
    /* The daemons are still alive. */
    cr_assert_eq(kill(stack.pid[0], 0), 0);
    cr_assert_eq(kill(stack.pid[1], 0), 0);
}

Test(backbone, journal_verify_names_the_row_changed_by_hand, .fini = teardown, .timeout = 60)
{
    s_start(1);
    const char *codes[] = {"V-01", "V-02", "V-03"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", codes[i], "--name",
                            "社区", "--subdistrict", "KBS-BH", NULL),
                     0);
    cr_assert_eq(hj_wait_until(hj_stack_sealed, &stack, 30000), 0, "the relay seals the rows");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NOT NULL"),
                 5);
    char *out = NULL;
    cr_assert_eq(hj_stack_verify(&stack, &out), 0);
    cr_assert(strncmp(out, "ok, 5 events, head ", 19) == 0, "%s", out);
    free(out);
    /* A sealed row cannot be edited, not even by the database's owner... */
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(c, "UPDATE bus.journal SET actor = 'intruder' WHERE seq = 4");
    cr_assert_eq(PQresultStatus(r), PGRES_FATAL_ERROR, "a sealed row was updated");
    cr_assert(strstr(PQerrorMessage(c), "seq 4 is sealed"), "%s", PQerrorMessage(c));
    PQclear(r);
    cr_assert_eq(hj_stack_verify(&stack, &out), 0);
    free(out);
    /* ...so someone with superuser switches the guard off and edits it by hand. */
    PQfinish(c);
    cr_assert_eq(
        hj_stack_sql_by_hand(&stack, "UPDATE bus.journal SET actor = 'intruder' WHERE seq = 4"), 0);
    cr_assert_eq(hj_stack_verify(&stack, &out), 1);
    cr_assert(strstr(out, "broken at seq 4"), "%s", out);
    free(out);
}
