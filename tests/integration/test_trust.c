/* The attacks of issue 18 against a real stack, each of which worked before
 * and must fail now: a service login journaling in another service's name or
 * reading another's rows, a stranger or another service's daemon registering
 * as a service, events injected on events-in, a listener on events-internal,
 * a rewritten reply that the chain did not cover, a revoked daemon key. And
 * the daemons, hj-tallyd included, each logged in as its own role. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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
#include "tally.pb-c.h"

static hj_stack_t stack;
static void *ctx;

static void setup(void)
{
    cr_assert_eq(hj_stack_start_all(&stack), 0, "stack did not start");
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01"), 0);
    const char *steps[][20] = {
        {"audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from", "2021-01-01",
         "--to", "2026-10-31", "--auditor", "张审计"},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        cr_assert_eq(hj_seed_run(&stack, steps[i]), 0, "setup step %zu", i);
    ctx = zmq_ctx_new();
}

static void teardown(void)
{
    /* No zmq_ctx_term: a failed assertion leaves sockets open, and term would
     * wait for them forever. Each test is a process of its own. */
    hj_stack_stop(&stack);
}

/* ---- helpers ------------------------------------------------------------ */

/* A raw socket that presents the keypair in run_dir/<file> (a daemon's key,
 * made by the running daemon) to hj-busd; "" = a fresh key nobody enrolled;
 * NULL = no CURVE at all. */
static void *s_socket(int type, const char *file)
{
    void *s = zmq_socket(ctx, type);
    /* A pusher's message leaves before its socket closes (or never). */
    int linger = type == ZMQ_PUSH ? 1000 : 0, timeout = 300;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    if (!file)
        return s;
    hj_device_t d = {0};
    char secret[HJ_KEY_LEN], path[600];
    cr_assert_eq(hj_curve_server_key(stack.run_dir, 0, d.server_key, secret), 0);
    if (file[0]) {
        snprintf(path, sizeof path, "%s/%s", stack.run_dir, file);
        cr_assert_eq(hj_curve_key_file(path, 0, "", d.public_key, d.secret_key), 0, "%s", path);
    } else
        cr_assert_eq(hj_curve_keypair(d.public_key, d.secret_key), 0);
    cr_assert_eq(hj_curve_client_socket(s, &d), 0);
    return s;
}

/* A subscriber to the public event bus as the stack's device. */
static void *s_public_sub(const char *prefix)
{
    void *s = hj_stack_sub(&stack, ctx, NULL, prefix, -1);
    cr_assert_not_null(s, "no subscriber on the event bus");
    return s;
}

/* The topics that arrive on sub within ms, joined by '\n'. */
static void s_topics(void *sub, int ms, char *out, size_t size)
{
    out[0] = 0;
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&item, 1, ms) == 1) {
        hj_frames_t f;
        if (hj_frames_recv(sub, &f, 0) != 0)
            break;
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%.*s\n", (int)hj_frames_size(&f, 0),
                 (const char *)hj_frames_data(&f, 0));
        hj_frames_close(&f);
    }
}

/* The glob of program's logs in this stack. */
static void s_log_pattern(const char *program, char *pattern, size_t size)
{
    snprintf(pattern, size, "%s/%s.*.log", stack.run_dir, program);
}

static int s_log_has(const char *program, const char *needle)
{
    char pattern[600];
    s_log_pattern(program, pattern, sizeof pattern);
    return hj_wait_file_has(pattern, needle);
}

typedef struct {
    const char *program, *needle;
} s_log_line_t;

static int s_log_line_there(void *arg)
{
    const s_log_line_t *l = arg;
    return s_log_has(l->program, l->needle);
}

/* Waits until the log of program has needle (up to 5 s). */
static int s_wait_log(const char *program, const char *needle)
{
    s_log_line_t l = {program, needle};
    return hj_wait_until(s_log_line_there, &l, 5000) == 0;
}

/* What hj-busd has decided about would-be workers so far: its lines of
 * refusals and of admissions. */
static int s_worker_decisions(void)
{
    char pattern[600];
    s_log_pattern("hj-busd", pattern, sizeof pattern);
    return hj_wait_file_count(pattern, "refused: ") + hj_wait_file_count(pattern, "ready (credit");
}

static int s_broker_decided(void *before)
{
    return s_worker_decisions() > *(const int *)before;
}

/* The first handshake event on a socket monitor: 1 when the CURVE handshake
 * succeeded, 0 when it failed (or the connection went), -1 when none came. */
static int s_handshake(void *monitor)
{
    zmq_pollitem_t item = {monitor, 0, ZMQ_POLLIN, 0};
    hj_frames_t f;
    int rc = -1;
    if (zmq_poll(&item, 1, 10000) == 1 && hj_frames_recv(monitor, &f, 0) == 0) {
        uint16_t event = 0;
        if (f.count == 2 && hj_frames_size(&f, 0) >= sizeof event)
            memcpy(&event, hj_frames_data(&f, 0), sizeof event);
        rc = event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
        hj_frames_close(&f);
    }
    return rc;
}

/* Connects sock to endpoint and sends MDP READY for service from it, then
 * client requests for it; 1 when the socket was handed a request. */
static int s_ready_gets_requests(void *sock, const char *endpoint, const char *service)
{
    static int rogues;
    char monitor_endpoint[64];
    snprintf(monitor_endpoint, sizeof monitor_endpoint, "inproc://trust-rogue-%d", rogues++);
    cr_assert_eq(zmq_socket_monitor(sock, monitor_endpoint,
                                    ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                                        ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                        ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                        ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_DISCONNECTED),
                 0);
    void *monitor = zmq_socket(ctx, ZMQ_PAIR);
    cr_assert_eq(zmq_connect(monitor, monitor_endpoint), 0);
    int decisions = s_worker_decisions();
    cr_assert_eq(zmq_connect(sock, endpoint), 0);
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPW);
    hj_frames_addstr(&f, HJ_MDPW_READY);
    hj_frames_addstr(&f, service);
    hj_frames_addstr(&f, "8");
    hj_frames_send_nowait(sock, &f);
    /* The READY has been dealt with before the requests go out: refused with
     * the handshake, or, past it, admitted or refused by the broker. */
    int shook = s_handshake(monitor);
    cr_assert_neq(shook, -1, "the rogue's handshake neither succeeded nor failed");
    if (shook)
        cr_assert_eq(hj_wait_until(s_broker_decided, &decisions, 10000), 0,
                     "hj-busd said nothing of the rogue's READY");
    zmq_socket_monitor(sock, NULL, 0);
    zmq_close(monitor);
    /* Requests from the real client: with a rogue registered, some reach it. */
    for (int i = 0; i < 6; i++)
        hj_run(&stack, NULL, NULL, "community", "list", NULL);
    zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
    int handed = 0;
    while (zmq_poll(&item, 1, 300) == 1) {
        if (hj_frames_recv(sock, &f, 0) != 0)
            break;
        handed |= f.count >= 3 && hj_frames_is(&f, 2, HJ_MDPW_REQUEST);
        hj_frames_close(&f);
    }
    return handed;
}

/* ---- the journal ------------------------------------------------------------ */

/* A journal row for `service` written straight into bus.journal, as a forger would. */
static void s_forged(char *sql, size_t size, const char *service, const char *kind)
{
    snprintf(
        sql, size,
        "INSERT INTO bus.journal (request_id, request_digest, service, kind, community, actor, "
        "payload, reply) VALUES (gen_random_uuid(), sha256('x'), '%s', '%s', 'KBS-BH-01', "
        "'local-admin', '\\x', '\\x')",
        service, kind);
}

Test(trust, a_service_login_journals_only_in_its_own_name_and_reads_only_what_it_needs,
     .init = setup, .fini = teardown, .timeout = 120)
{
    char e[1024];
    char sql[600];
    long before = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* The attack of the issue: interviews' login writes a registry record
     * (a gate turns red), or an audit record (a gate turns green). */
    s_forged(sql, sizeof sql, "registry", "rectification_opened");
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_interviews", sql, e, sizeof e), PGRES_FATAL_ERROR,
                 "interviews wrote as registry");
    cr_assert(strstr(e, "row-level security"), "%s", e);
    s_forged(sql, sizeof sql, "audit", "audit_published");
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_interviews", sql, e, sizeof e), PGRES_FATAL_ERROR);
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_registry", sql, e, sizeof e), PGRES_FATAL_ERROR);
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_tally", sql, e, sizeof e), PGRES_FATAL_ERROR);
    /* The relay seals; it writes no records of its own. */
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_busd", sql, e, sizeof e), PGRES_FATAL_ERROR);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), before,
                 "nothing written");
    /* Its own name still goes in (rolled back here). */
    snprintf(sql, sizeof sql, "BEGIN; ");
    s_forged(sql + strlen(sql), sizeof sql - strlen(sql), "audit", "x");
    strcat(sql, "; ROLLBACK");
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_audit", sql, e, sizeof e), PGRES_COMMAND_OK, "%s", e);

    /* Reads: the registry's login sees its own rows, not audit's. */
    cr_assert_gt(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE service = 'audit'"), 0);
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_registry",
                                 "SELECT count(*) FROM bus.journal WHERE service = 'audit'", e,
                                 sizeof e),
                 PGRES_TUPLES_OK);
    cr_assert_str_eq(e, "0", "hj_registry read audit's rows");
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_registry",
                                 "SELECT count(*) > 0 FROM bus.journal WHERE service = 'registry'",
                                 e, sizeof e),
                 PGRES_TUPLES_OK);
    cr_assert_str_eq(e, "t");
    /* Interviews keeps its roster from the registry's rows; the board reads all. */
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_interviews",
                                 "SELECT count(*) FROM bus.journal WHERE service = 'audit'", e,
                                 sizeof e),
                 PGRES_TUPLES_OK);
    cr_assert_str_eq(e, "0");
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_tally",
                                 "SELECT count(*) > 0 FROM bus.journal WHERE service = 'audit'", e,
                                 sizeof e),
                 PGRES_TUPLES_OK);
    cr_assert_str_eq(e, "t");
}

Test(trust, every_daemon_is_logged_in_as_its_own_role, .init = setup, .fini = teardown,
     .timeout = 120)
{
    /* Each service has answered (setup), and hj-tallyd's consumer has applied the journal. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "coverage", "--all", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "board", NULL), 0);
    const char *roles[] = {"hj_busd", "hj_registry", "hj_audit", "hj_interviews", "hj_tally"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        char sql[300];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND usename = '%s'",
                 roles[i]);
        cr_assert_gt(hj_stack_scalar(&stack, sql), 0, "no connection as %s", roles[i]);
    }
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                 "current_database() AND usename = 'postgres' AND "
                                 "application_name NOT LIKE 'pg_%' AND pid <> pg_backend_pid()"),
                 0, "a daemon is logged in as the superuser");
}

Test(trust, the_chain_covers_the_reply_a_replay_returns, .init = setup, .fini = teardown,
     .timeout = 120)
{
    char *out = NULL;
    hj_wait_until(hj_stack_sealed, &stack, 30000);
    cr_assert_eq(hj_stack_verify(&stack, &out), 0, "%s", out);
    free(out);
    /* A superuser past the guard rewrites the stored answer of seq 2. */
    cr_assert_eq(
        hj_stack_sql_by_hand(
            &stack, "UPDATE bus.journal SET reply = reply || '\\x00'::bytea WHERE seq = 2"),
        0);
    cr_assert_eq(hj_stack_verify(&stack, &out), 1);
    cr_assert(strstr(out, "broken at seq 2:"), "%s", out);
    free(out);
}

/* ---- the internal endpoints ---------------------------------------------- */

Test(trust, a_stranger_or_another_service_cannot_become_a_service, .init = setup, .fini = teardown,
     .timeout = 120)
{
    /* No CURVE at all, a key nobody enrolled, a device's key, audit's daemon key. */
    const char *who[] = {NULL, "", "devices/" HJ_STACK_DEVICE ".device", "audit.key"};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        void *rogue;
        if (who[i] && strstr(who[i], ".device")) {
            rogue = zmq_socket(ctx, ZMQ_DEALER);
            int linger = 0;
            zmq_setsockopt(rogue, ZMQ_LINGER, &linger, sizeof linger);
            cr_assert_eq(hj_stack_curve(&stack, rogue), 0);
        } else
            rogue = s_socket(ZMQ_DEALER, who[i]);
        cr_assert_not(s_ready_gets_requests(rogue, stack.workers, "registry"),
                      "rogue %zu was handed requests", i);
        zmq_close(rogue);
    }
    cr_assert(s_wait_log("hj-busd", "its key is audit, not one of registry's"),
              "the broker did not say why it refused audit's key");
    cr_assert(s_log_has("hj-busd", "is a daemon's key, not a device's") ||
                  s_log_has("hj-busd", "is not a Huanjie daemon's key"),
              "the device key on the workers endpoint was not refused by ZAP");
    /* The real registry still serves. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "list", NULL), 0);
}

/* hj-busd has refused hj-tallyd's key an event of another service. */
static int s_forged_topic_logged(void *arg)
{
    (void)arg;
    return s_log_has("hj-busd", "not a tally. topic");
}

/* An event of hj-tallyd's making, pushed on the socket arg: probe k is tally.probe.P<k>. */
static int s_tally_probe(void *arg, int k, char *topic, size_t size)
{
    hj_frames_t f;
    snprintf(topic, size, "tally.probe.P%d", k);
    hj_frames_init(&f);
    hj_frames_addstr(&f, topic);
    hj_frames_addstr(&f, "");
    return hj_frames_send(arg, &f);
}

Test(trust, only_tally_injects_events_and_only_daemons_listen_inside, .init = setup,
     .fini = teardown, .timeout = 120)
{
    char topics[4096];
    void *sub = s_public_sub("");
    /* The subscription has reached the XPUB: hj-tallyd's key gets a probe through. */
    void *prober = s_socket(ZMQ_PUSH, "tally.key");
    cr_assert_eq(zmq_connect(prober, stack.events_in), 0);
    cr_assert_gt(hj_wait_subscribed(sub, s_tally_probe, prober, 10000), 0,
                 "no probe reached the subscriber");
    zmq_close(prober);
    /* Forged events: no key, a stranger's, registry's daemon key, then
     * hj-tallyd's key with another service's topic. */
    const char *who[] = {NULL, "", "registry.key", "tally.key"};
    void *forgers[4];
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        /* Each stays open until hj-busd has had its say: a pusher closed
         * before its handshake is done takes its message with it. */
        forgers[i] = s_socket(ZMQ_PUSH, who[i]);
        cr_assert_eq(zmq_connect(forgers[i], stack.events_in), 0);
        hj_frames_t f;
        hj_frames_init(&f);
        hj_frames_addstr(&f, "interviews.talk_recorded.KBS-BH-01");
        hj_frames_addstr(&f, "forged");
        hj_frames_send_nowait(forgers[i], &f);
    }
    /* The one that may: hj-tallyd's key with a tally topic (a board of its own making). */
    void *push = s_socket(ZMQ_PUSH, "tally.key");
    cr_assert_eq(zmq_connect(push, stack.events_in), 0);
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_addstr(&f, "tally.probe.KBS-BH-01");
    hj_frames_addstr(&f, "");
    cr_assert_eq(hj_frames_send(push, &f), 0);
    s_topics(sub, 1500, topics, sizeof topics);
    zmq_close(push);
    cr_assert(strstr(topics, "tally.probe.KBS-BH-01"), "hj-tallyd's event did not arrive: %s",
              topics);
    cr_assert_null(strstr(topics, "interviews.talk_recorded"), "a forged event arrived: %s",
                   topics);
    cr_assert_eq(hj_wait_until(s_forged_topic_logged, NULL, 10000), 0,
                 "the forged topic was not logged");
    for (size_t i = 0; i < sizeof forgers / sizeof forgers[0]; i++)
        zmq_close(forgers[i]);
    zmq_close(sub);

    /* events-internal: a stranger and a device hear nothing; a daemon's key does. */
    void *stranger = s_socket(ZMQ_SUB, ""), *plain = s_socket(ZMQ_SUB, NULL);
    void *daemon = s_socket(ZMQ_SUB, "audit.key");
    void *all[] = {stranger, plain, daemon};
    for (int i = 0; i < 3; i++) {
        zmq_setsockopt(all[i], ZMQ_SUBSCRIBE, "", 0);
        cr_assert_eq(zmq_connect(all[i], stack.events_internal), 0);
    }
    /* The daemon's subscription is in place once a probe's event reaches it;
     * the stranger and the plain socket had the same while to hear it. */
    cr_assert_gt(hj_wait_subscribed(daemon, hj_seed_probe, &stack, 10000), 0,
                 "the daemon heard no probe");
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-02", "--name",
                        "康和社区", "--subdistrict", "KBS-BH", NULL),
                 0);
    s_topics(daemon, 3000, topics, sizeof topics);
    cr_assert(strstr(topics, "registry.community_added.KBS-BH-02"), "the daemon heard nothing: %s",
              topics);
    s_topics(stranger, 200, topics, sizeof topics);
    cr_assert_str_eq(topics, "", "a stranger listened on events-internal");
    s_topics(plain, 200, topics, sizeof topics);
    cr_assert_str_eq(topics, "", "a plain socket listened on events-internal");
    for (int i = 0; i < 3; i++)
        zmq_close(all[i]);
}

Test(trust, a_revoked_daemon_key_is_cut_off_at_its_next_request, .init = setup, .fini = teardown,
     .timeout = 120)
{
    char name[128], e[512];
    cr_assert_eq(
        hj_stack_sql_as(
            &stack, "postgres",
            "SELECT name FROM bus.devices WHERE role = 'service' AND scope_ref = 'registry'", name,
            sizeof name),
        PGRES_TUPLES_OK);
    cr_assert(strncmp(name, "service.registry.", 17) == 0, "%s", name);
    /* IT sees the daemons' keys beside the devices, and revokes one like a device. */
    char *out = NULL;
    cr_assert_eq(hj_run(&stack, &out, NULL, "admin", "device", "list", "--db", stack.db, NULL), 0);
    cr_assert(strstr(out, name), "%s", out);
    free(out);
    cr_assert_eq(
        hj_run(&stack, NULL, NULL, "admin", "device", "revoke", name, "--db", stack.db, NULL), 0);
    cr_assert(s_wait_log("hj-busd", "its key was revoked") || s_wait_log("hj-busd", "was revoked"),
              "the broker kept the revoked worker");
    char *err = NULL;
    int rc = hj_run(&stack, NULL, &err, "--no-spool", "community", "add", "--code", "KBS-BH-09",
                    "--name", "测试", "--subdistrict", "KBS-BH", NULL);
    cr_assert_neq(rc, 0, "a revoked registry still served");
    free(err);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE community = 'KBS-BH-09'"),
        0);
    /* A restart with the same key is refused at enrolment: it must be made anew. */
    (void)e;
}

/* ---- the gap fill ------------------------------------------------------- */

/* A line of the output file of a watcher: its path and the text looked for. */
typedef struct {
    char path[600];
    char text[128];
} s_heard_t;

static int s_heard(void *arg)
{
    const s_heard_t *h = arg;
    return hj_wait_file_has(h->path, h->text);
}

Test(trust, a_gap_in_the_journal_seq_is_read_back_as_the_bus_carries_it, .init = setup,
     .fini = teardown, .timeout = 120)
{
    /* The read: contiguous events after a seq, no payload, the stored chain link. */
    hj_client_t *c = hj_stack_client(&stack, 3000, 2);
    cr_assert(c);
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__JournalQuery q = HJ__TALLY__JOURNAL_QUERY__INIT;
    q.after = 1;
    q.limit = 3;
    req.op_case = HJ__TALLY__REQUEST__OP_JOURNAL;
    req.journal = &q;
    size_t len = hj__tally__request__get_packed_size(&req), rlen = 0;
    uint8_t *body = malloc(len), *answer = NULL;
    hj__tally__request__pack(&req, body);
    cr_assert_eq(hj_client_call(c, "tally", body, len, &answer, &rlen), 0);
    Hj__Tally__Reply *reply = hj__tally__reply__unpack(NULL, rlen, answer);
    cr_assert(reply && reply->status && reply->status->code == HJ__CODE__OK);
    cr_assert_eq(reply->journal->n_events, 3);
    for (size_t i = 0; i < 3; i++) {
        const Hj__Event *ev = reply->journal->events[i];
        cr_assert_eq(ev->seq, 2 + i);
        cr_assert_eq(ev->payload.len, 0, "a read-back event carries no payload");
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT get_byte(hash, 0) FROM bus.journal WHERE seq = %zu",
                 2 + i);
        cr_assert_eq(ev->hash.len, 32);
        cr_assert_eq(ev->hash.data[0], hj_stack_scalar(&stack, sql));
    }
    cr_assert_eq(reply->journal->head,
                 (uint64_t)hj_stack_scalar(&stack, "SELECT max(seq) FROM bus.journal"));
    hj__tally__reply__free_unpacked(reply, NULL);
    free(answer);
    /* Over the limit: refused naming the field. */
    q.limit = 5000;
    free(body);
    len = hj__tally__request__get_packed_size(&req);
    body = malloc(len);
    hj__tally__request__pack(&req, body);
    cr_assert_eq(hj_client_call(c, "tally", body, len, &answer, &rlen), 0);
    reply = hj__tally__reply__unpack(NULL, rlen, answer);
    cr_assert(reply && reply->status->code == HJ__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(reply->status->field, "limit");
    hj__tally__reply__free_unpacked(reply, NULL);
    free(answer);
    free(body);
    hj_client_destroy(&c);

    /* hj watch of one kind sees the seq jump past other kinds' events and
     * reads the range back instead of reporting a hole. */
    s_heard_t h;
    char errfile[600];
    snprintf(h.path, sizeof h.path, "%s/watch.out", stack.run_dir);
    snprintf(errfile, sizeof errfile, "%s/watch.err", stack.run_dir);
    const char *watch[] = {"watch", "registry.community_added.", "--seconds", "60", NULL};
    pid_t watcher = hj_run_bg(&stack, h.path, errfile, watch);
    cr_assert(watcher > 0);
    /* It has subscribed once it prints a probe's event (probes stop then, so
     * the next community it hears is KBS-BH-03). */
    int heard = 0;
    for (int k = 0; k < 20 && !heard; k++) {
        cr_assert_eq(hj_seed_probe(&stack, k, h.text, sizeof h.text), 0);
        heard = hj_wait_until(s_heard, &h, 1000) == 0;
    }
    cr_assert(heard, "the watcher heard no probe");
    const char *steps[][16] = {
        {"community", "add", "--code", "KBS-BH-03", "--name", "甲社区", "--subdistrict", "KBS-BH"},
        {"audit", "open", "--community", "KBS-BH-03", "--term", "2021-2026", "--from", "2021-01-01",
         "--to", "2026-10-31", "--auditor", "张审计"},
        {"community", "add", "--code", "KBS-BH-04", "--name", "乙社区", "--subdistrict", "KBS-BH"},
    };
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(hj_runv(&stack, NULL, NULL, steps[i]), 0);
    snprintf(h.text, sizeof h.text, "registry.community_added.KBS-BH-04");
    hj_wait_until(s_heard, &h, 20000);
    /* Still watching (no error ended it) until stopped here, as Ctrl-C would. */
    int status = 0;
    cr_assert_eq(waitpid(watcher, &status, WNOHANG), 0, "the watcher stopped by itself");
    kill(watcher, SIGINT);
    waitpid(watcher, &status, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    char *out = hj_test_file(h.path), *err = hj_test_file(errfile);
    cr_assert(out && err, "%s", h.path);
    cr_assert_null(strstr(err, "hj:"), "%s", err);
    cr_assert(strstr(out, "registry.community_added.KBS-BH-03") &&
                  strstr(out, "registry.community_added.KBS-BH-04"),
              "%s", out);
    cr_assert_null(strstr(out, "-- gap"), "the gap was not read back: %s", out);
    free(out);
    free(err);
}
