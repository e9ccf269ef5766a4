/* Who may do what, end to end: CURVE with enrolled keys only (none, unknown
 * and revoked keys refused, revocation without a restart), roles and the
 * community scope of guidance groups, the actor taken from the device, the
 * database roles that cannot rewrite the journal, anchoring its head, the
 * private internal endpoints, and identity-card numbers that never reach a
 * log or an event. Real hj-busd, services, CLI and PostgreSQL. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
#include "hj_suite.h"
#include "hj_wait.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"

#define LI_QIANG "33333333-3333-4333-8333-111111111111" /* guidance group leader, interviewer */
#define WANG_LI "33333333-3333-4333-8333-222222222222"  /* 滨河 party secretary */

/* The places, the two persons, the secretary's seat and the guidance group
 * every test starts from: written once, by the runner; each test's stack is
 * a copy of it (its own database, keys and devices), since the tests enrol,
 * revoke and count journal rows. 0, or -1 with hj's message on stderr. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-interviewsd", "hj-auditd", NULL};
    static const char *const places[] = {"KBS-BH-01", "KBS-BH-02", NULL};
    const char *steps[][16] = {
        {"person", "add", "--name", "李强", "--gender", "male", "--request-id", LI_QIANG},
        {"person", "add", "--name", "王丽", "--gender", "female", "--request-id", WANG_LI},
        {"seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
         "--role", "secretary", "--from", "2021-01-15"},
        {"body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--subdistrict",
         "KBS-BH", "--leader", LI_QIANG, "--guides", "KBS-BH-01"},
    };
    return HJ_SEED_SUITE(s, programs, places, steps);
}

TestSuite(auth, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 300);

static long s_journal_rows(void)
{
    return hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
}

/* A talk in `community` recorded with the device file `device` (NULL: the
 * stack's), once (timeout_ms 0) or again until hj exits `want`. Returns
 * hj's exit status; stderr into *err when err. */
static int s_talk_until(const char *device, const char *community, int want, int timeout_ms,
                        char **err)
{
    const char *dev = device ? device : stack.device;
    return hj_run_until(&stack, want, timeout_ms, err,
                        (const char *const[]){"talk", "add", "--device", dev, "--community",
                                              community, "--phase", "preparation", "--date",
                                              "2026-11-01", "--interviewer", LI_QIANG, "--party",
                                              "resident_representative", "--name", "张居民",
                                              "--summary", "谈换届工作", NULL});
}

static int s_talk(const char *device, const char *community, char **err)
{
    return s_talk_until(device, community, 0, 0, err);
}

/* ---- keys --------------------------------------------------------------------- */

/* A subscriber of every event, as the device file `device`. */
static void *s_sub(void *ctx, const char *device)
{
    void *sub = hj_stack_sub(&stack, ctx, device, "", -1);
    cr_assert_not_null(sub, "no subscriber as %s", device);
    return sub;
}

/* Events waiting on sub within ms (each drained). */
static int s_events(void *sub, int ms)
{
    int n = 0;
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&item, 1, ms) == 1) {
        hj_frames_t f;
        if (hj_frames_recv(sub, &f, 0) != 0)
            break;
        hj_frames_close(&f);
        n++;
        ms = 50;
    }
    return n;
}

/* Writes a publicity push (one event) as the stack's device. */
static void s_one_event(int i)
{
    char title[32];
    snprintf(title, sizeof title, "宣传 %d", i);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "publicity", "add", "--community", "KBS-BH-01",
                        "--channel", "screen", "--kind", "slogan", "--date", "2026-11-01",
                        "--title", title, NULL),
                 0);
}

/* No reply to a client that speaks no CURVE at all (within timeout_ms). */
static int s_plain_client_answered(int timeout_ms)
{
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0, answered = 0;
    size_t len;
    uint8_t *body = hj_stack_community_list(&len);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(s, stack.bus);
    hj_client_mdp_send(s, "registry", body, len);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    answered = zmq_poll(&item, 1, timeout_ms) == 1;
    free(body);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return answered;
}

Test(auth, no_key_unknown_key_and_revoked_key_are_refused)
{
    char *err = NULL, path[320], stranger[320];
    long rows = s_journal_rows();

    /* No key at all: the raw socket gets nothing, and hj says it has no device. */
    cr_assert_not(s_plain_client_answered(1500), "a client without CURVE was answered");
    char saved[sizeof stack.device];
    snprintf(saved, sizeof saved, "%s", stack.device);
    stack.device[0] = 0;
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "list", NULL), 3);
    cr_assert(strstr(err, "no device file"), "%s", err);
    free(err);
    snprintf(stack.device, sizeof stack.device, "%s", saved);

    /* An unknown key: a well-made device file for this server, never enrolled. */
    hj_device_t d;
    char msg[512];
    cr_assert_eq(hj_device_load(&d, stack.device, msg, sizeof msg), 0, "%s", msg);
    snprintf(d.name, sizeof d.name, "stranger");
    cr_assert_eq(hj_curve_keypair(d.public_key, d.secret_key), 0);
    snprintf(stranger, sizeof stranger, "%s/devices/stranger.device", stack.run_dir);
    cr_assert_eq(hj_device_save(&d, stranger), 0);
    cr_assert_eq(hj_run(&stack, NULL, &err, "district", "add", "--device", stranger, "--code", "X1",
                        "--name", "外区", NULL),
                 1);
    cr_assert(strstr(err, "UNAUTHENTICATED") && strstr(err, "not enrolled, or it was revoked"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "status", "--device", stranger, NULL), 3);
    cr_assert(strstr(err, "UNAUTHENTICATED"), "%s", err);
    free(err);

    /* An enrolled office laptop writes; a client of it stays connected. */
    cr_assert_eq(
        hj_stack_enrol(&stack, "laptop-07", "滨河街道办", "subdistrict-office", path, sizeof path),
        0);
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "add", "--device", path, "--code",
                        "KBS-BH-03", "--name", "民生社区", "--subdistrict", "KBS-BH", NULL),
                 0, "%s", err);
    free(err);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE actor = 'laptop-07'"), 1);
    hj_client_t *held = hj_stack_client_as(&stack, path, 2000, 1);
    size_t len, reply_len;
    uint8_t *body = hj_stack_community_list(&len), *reply = NULL;
    hj_status_t st;
    cr_assert_eq(hj_client_call(held, "registry", body, len, &reply, &reply_len), 0);
    cr_assert_eq(hj_status_unpack(reply, reply_len, &st), 0);
    cr_assert_eq(st.code, HJ__CODE__OK, "%s", st.message);
    free(reply);
    /* Its subscription, and an operator's, both see the events. */
    void *ctx = zmq_ctx_new(), *laptop_sub = s_sub(ctx, path),
         *admin_sub = s_sub(ctx, stack.device);
    int laptop_seen = 0, admin_seen = 0;
    for (int i = 100; i < 130 && !(laptop_seen && admin_seen); i++) {
        s_one_event(i); /* until both subscriptions are up (a subscriber joins late) */
        laptop_seen += s_events(laptop_sub, 200);
        admin_seen += s_events(admin_sub, 200);
    }
    cr_assert(laptop_seen && admin_seen, "events reached %d and %d", laptop_seen, admin_seen);

    /* Revoked while hj-busd keeps running: new connections and the held one are refused. */
    pid_t busd = stack.pid[0];
    cr_assert_eq(hj_run(&stack, NULL, NULL, "admin", "device", "revoke", "laptop-07", "--db",
                        stack.db, NULL),
                 0);
    int rc = hj_run_until(
        &stack, 1, 20000, &err,
        (const char *const[]){"community", "list", "--device", path, "--tries", "1", NULL});
    cr_assert_eq(rc, 1, "the revoked device was still served: %s", err);
    cr_assert(strstr(err, "UNAUTHENTICATED"), "%s", err);
    free(err);
    cr_assert_eq(hj_client_call(held, "registry", body, len, &reply, &reply_len), 0);
    cr_assert_eq(hj_status_unpack(reply, reply_len, &st), 0);
    cr_assert_eq(st.code, HJ__CODE__UNAUTHENTICATED, "the held connection: %d %s", st.code,
                 st.message);
    free(reply);
    free(body);
    hj_client_destroy(&held);
    /* The subscription it had is cut; the operator's comes back by itself. */
    int seen = 0, cut = 0;
    for (int i = 1; i <= 30 && !seen; i++) {
        s_one_event(i);
        seen = s_events(admin_sub, 200);
        cut += s_events(laptop_sub, 0);
    }
    cr_assert(seen, "the operator's subscription did not come back");
    cr_assert_eq(cut + s_events(laptop_sub, 1000), 0, "the revoked device still receives events");
    zmq_close(laptop_sub);
    zmq_close(admin_sub);
    zmq_ctx_term(ctx);
    cr_assert_eq(stack.pid[0], busd);
    cr_assert_eq(kill(busd, 0), 0, "hj-busd was not restarted");
    /* A revoked name stays taken; the other devices carry on. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "admin", "device", "enrol", "laptop-07", "--team", "x",
                        "--role", "observer", "--out", stranger, "--db", stack.db, "--run-dir",
                        stack.run_dir, NULL),
                 1);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "list", NULL), 0);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE actor <> 'test-admin'"), 1,
        "only the enrolled laptop's write was stored");
    cr_assert(s_journal_rows() > rows + 1);
}

Test(auth, server_key_is_made_once_and_kept_secret)
{
    char path[512], pub[HJ_KEY_LEN], sec[HJ_KEY_LEN], cmd[700];
    struct stat st;
    snprintf(path, sizeof path, "%s/busd.key", stack.run_dir);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "busd.key mode %o", st.st_mode & 0777);
    cr_assert_eq(stat(stack.device, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "device file mode %o", st.st_mode & 0777);
    cr_assert_eq(hj_curve_server_key(stack.run_dir, 0, pub, sec), 0);
    /* hj-busd serves the keypair keygen made (it did not make another)... */
    snprintf(cmd, sizeof cmd, "grep -qF 'server public key %s' %s/hj-busd.%d.log", pub,
             stack.run_dir, (int)stack.pid[0]);
    cr_assert_eq(system(cmd), 0, "hj-busd logged another key");
    /* ...and keygen again keeps it. */
    char *out = NULL;
    cr_assert_eq(hj_run(&stack, &out, NULL, "admin", "keygen", "--run-dir", stack.run_dir, NULL),
                 0);
    cr_assert(strstr(out, pub), "%s", out);
    free(out);
    /* Only the public key is in the database. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM bus.devices WHERE name = '%s' AND length(public_key) = 40",
             HJ_STACK_DEVICE);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 1);
}

/* ---- roles and scope -------------------------------------------------------- */

Test(auth, guidance_group_writes_only_in_the_communities_it_guides)
{
    char gg[320], *err = NULL, *out = NULL;
    cr_assert_eq(
        hj_stack_enrol(&stack, "gg-binhe-1", "第一指导组", "guidance-group", gg, sizeof gg), 0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "admin", "device", "list", "--db", stack.db, NULL), 0);
    cr_assert(strstr(out, "gg-binhe-1") && strstr(out, "KBS-BH-01"), "%s", out);
    free(out);

    /* Its own community: recorded, with the device as actor. */
    cr_assert_eq(s_talk(gg, "KBS-BH-01", &err), 0, "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.journal WHERE kind = 'talk_recorded' "
                                 "AND community = 'KBS-BH-01' AND actor = 'gg-binhe-1'"),
                 1);

    /* Another community: PERMISSION_DENIED naming the role, nothing stored. */
    long rows = s_journal_rows();
    cr_assert_eq(s_talk(gg, "KBS-BH-02", &err), 1);
    cr_assert(strstr(err, "PERMISSION_DENIED") && strstr(err, "guidance-group") &&
                  strstr(err, "KBS-BH-02") && strstr(err, "field: community"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(
                     &stack, "SELECT count(*) FROM interviews.talk WHERE community = 'KBS-BH-02'"),
                 0);
    cr_assert_eq(s_journal_rows(), rows);

    /* An operation that names its record only by id is judged by the record's community. */
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "add", "--community", "KBS-BH-02", "--phase",
                        "survey", "--date", "2026-11-02", "--interviewer", LI_QIANG, "--party",
                        "property_company", "--name", "物业经理", "--summary", "物业情况",
                        "--follow-up", "回访|李强|2026-12-01", "--concern", "--json", NULL),
                 0);
    char id[37] = "";
    const char *p = strstr(out, "\"id\":\"");
    cr_assert(p, "%s", out);
    memcpy(id, p + 6, 36);
    free(out);
    rows = s_journal_rows();
    cr_assert_eq(
        hj_run(&stack, NULL, &err, "talk", "close", id, "--follow-up", "1", "--device", gg, NULL),
        1);
    cr_assert(strstr(err, "PERMISSION_DENIED") && strstr(err, "KBS-BH-02"), "%s", err);
    free(err);
    cr_assert_eq(
        hj_stack_scalar(&stack,
                        "SELECT count(*) FROM interviews.follow_up WHERE closed_on IS NOT NULL"),
        0);
    cr_assert_eq(s_journal_rows(), rows);

    /* An operation its role may not call at all: refused before anything is looked at. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "add", "--device", gg, "--code",
                        "KBS-BH-09", "--name", "新社区", "--subdistrict", "KBS-BH", NULL),
                 1);
    cr_assert(
        strstr(err, "PERMISSION_DENIED: role guidance-group may not call registry.community_add"),
        "%s", err);
    free(err);
    cr_assert_eq(s_journal_rows(), rows);

    /* The scope follows the registry: once the group guides KBS-BH-02 it may record there. */
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "body", "list", "--kind", "guidance_group", "--json", NULL), 0);
    p = strstr(out, "\"id\":\"");
    cr_assert(p, "%s", out);
    char body_id[37] = "";
    memcpy(body_id, p + 6, 36);
    free(out);
    cr_assert_eq(
        hj_run(&stack, NULL, NULL, "body", "change", body_id, "--add-community", "KBS-BH-02", NULL),
        0);
    err = NULL;
    cr_assert_eq(s_talk_until(gg, "KBS-BH-02", 0, 20000, &err), 0,
                 "the new scope did not reach hj-busd: %s", err);
    free(err);
}

Test(auth, observer_reads_and_cannot_write)
{
    char obs[320], *err = NULL, *out = NULL;
    cr_assert_eq(hj_stack_enrol(&stack, "ops-room-1", "指挥中心", "observer", obs, sizeof obs), 0);
    long rows = s_journal_rows();
    cr_assert_eq(hj_run(&stack, &out, NULL, "community", "list", "--device", obs, NULL), 0);
    cr_assert(strstr(out, "滨河社区"), "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "coverage", "--all", "--device", obs, NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "audit", "status", "--all", "--device", obs, NULL), 0);

    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "update", "KBS-BH-01", "--name", "改名",
                        "--device", obs, NULL),
                 1);
    cr_assert(
        strstr(err, "PERMISSION_DENIED: role observer may not call registry.community_update"),
        "%s", err);
    free(err);
    cr_assert_eq(s_talk(obs, "KBS-BH-01", &err), 1);
    cr_assert(strstr(err, "role observer may not call interviews.talk_add"), "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "audit", "open", "--community", "KBS-BH-01", "--term",
                        "2021-2026", "--from", "2021-01-01", "--to", "2026-10-31", "--auditor",
                        "张审计", "--device", obs, NULL),
                 1);
    cr_assert(strstr(err, "role observer may not call audit.open"), "%s", err);
    free(err);
    /* Its refusal wins over field errors: a malformed write says nothing about its fields. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "person", "add", "--name", "某人", "--gender", "none",
                        "--device", obs, NULL),
                 1);
    cr_assert(strstr(err, "PERMISSION_DENIED") && !strstr(err, "gender"), "%s", err);
    free(err);
    cr_assert_eq(s_journal_rows(), rows, "the observer wrote nothing");
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community WHERE name = '改名'"), 0);
}

/* ---- the actor -------------------------------------------------------------- */

Test(auth, the_actor_is_the_enrolled_device_whatever_the_request_says)
{
    char office[320];
    cr_assert_eq(hj_stack_enrol(&stack, "binhe-office", "滨河街道办", "subdistrict-office", office,
                                sizeof office),
                 0);
    /* A talk whose recorded_by (output only) claims someone else. */
    char rid[37];
    hj_uuid_new(rid);
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    Hj__Interviews__Talk t = HJ__INTERVIEWS__TALK__INIT;
    Hj__Interviews__Interviewee who = HJ__INTERVIEWS__INTERVIEWEE__INIT;
    char *interviewers[] = {LI_QIANG};
    who.person_id = WANG_LI;
    t.community = "KBS-BH-01";
    t.phase = HJ__INTERVIEWS__PHASE__PREPARATION;
    t.date = "2026-11-03";
    t.n_interviewers = 1;
    t.interviewers = interviewers;
    t.interviewee = &who;
    t.summary = "谈心";
    t.recorded_by = "test-admin";
    req.request_id = rid;
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_ADD;
    req.talk_add = &t;
    size_t len = hj__interviews__request__get_packed_size(&req);
    uint8_t *buf = malloc(len);
    hj__interviews__request__pack(&req, buf);
    hj_status_t st;
    cr_assert_eq(hj_stack_call(&stack, office, "interviews", buf, len, 2000, 2, &st), 0);
    free(buf);
    cr_assert_eq(st.code, HJ__CODE__OK, "%s", st.message);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM bus.journal WHERE request_id = '%s' AND actor = 'binhe-office'",
             rid);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 1, "the journal names the device");
    char *out = NULL;
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "show", rid, "--json", NULL), 0);
    cr_assert(strstr(out, "\"recorded_by\":\"binhe-office\""), "%s", out);
    free(out);

    /* Frames that try to smuggle an identity past the broker are refused. */
    hj_device_t d;
    char msg[512];
    cr_assert_eq(hj_device_load(&d, office, msg, sizeof msg), 0, "%s", msg);
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    cr_assert_eq(hj_curve_client_socket(s, &d), 0);
    zmq_connect(s, stack.bus);
    Hj__Identity fake = HJ__IDENTITY__INIT;
    fake.device = "test-admin";
    fake.role = "district-admin";
    uint8_t idbuf[128];
    size_t idlen = hj__identity__pack(&fake, idbuf);
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, HJ_MDPC);
    hj_frames_addstr(&f, "registry");
    hj_frames_add(&f, idbuf, idlen);
    hj_frames_add(&f, "", 0);
    hj_frames_send(s, &f);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    cr_assert_eq(zmq_poll(&item, 1, 3000), 1);
    cr_assert_eq(hj_frames_recv(s, &f, 0), 0);
    cr_assert_eq(f.count, 4);
    cr_assert_eq(hj_status_unpack(hj_frames_data(&f, 3), hj_frames_size(&f, 3), &st), 0);
    cr_assert_eq(st.code, HJ__CODE__INVALID_ARGUMENT, "%s", st.message);
    hj_frames_close(&f);
    zmq_close(s);
    zmq_ctx_term(ctx);
}

/* ---- the journal ----------------------------------------------------------- */

static void s_wait_sealed(void)
{
    hj_wait_until(hj_stack_sealed, &stack, 30000);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL"), 0);
}

Test(auth, service_roles_append_to_the_journal_and_never_rewrite_it)
{
    char e[1024];
    s_wait_sealed();
    /* Each daemon is logged in as its own role (a service connects on its first call). */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "list", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "coverage", "--all", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "audit", "status", "--all", NULL), 0);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(DISTINCT usename) FROM pg_stat_activity WHERE "
                                 "datname = current_database() AND usename IN "
                                 "('hj_busd', 'hj_registry', 'hj_interviews', 'hj_audit')"),
                 4);
    const char *roles[] = {"hj_registry", "hj_audit", "hj_interviews"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(hj_stack_sql_as(&stack, roles[i],
                                     "UPDATE bus.journal SET actor = 'x' WHERE seq = 1", e,
                                     sizeof e),
                     PGRES_FATAL_ERROR, "%s updated the journal", roles[i]);
        cr_assert(strstr(e, "permission denied"), "%s", e);
        cr_assert_eq(
            hj_stack_sql_as(&stack, roles[i], "DELETE FROM bus.journal WHERE seq = 1", e, sizeof e),
            PGRES_FATAL_ERROR);
        cr_assert_eq(hj_stack_sql_as(&stack, roles[i], "TRUNCATE bus.journal", e, sizeof e),
                     PGRES_FATAL_ERROR);
        /* Inserting a row that claims to be sealed already is not theirs to do. */
        cr_assert_eq(
            hj_stack_sql_as(
                &stack, roles[i],
                "INSERT INTO bus.journal (request_id, request_digest, service, kind, actor, "
                "payload, reply, seq, hash) VALUES (gen_random_uuid(), '\\x', 'registry', 'x', "
                "'x', '\\x', '\\x', 999, '\\x00')",
                e, sizeof e),
            PGRES_FATAL_ERROR);
    }
    /* The relay's role seals, and only unsealed rows, and only the chain columns. */
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_busd",
                                 "UPDATE bus.journal SET hash = hash WHERE seq = 1", e, sizeof e),
                 PGRES_FATAL_ERROR);
    cr_assert(strstr(e, "seq 1 is sealed"), "%s", e);
    cr_assert_eq(hj_stack_sql_as(&stack, "hj_busd",
                                 "UPDATE bus.journal SET actor = 'x' WHERE seq = 1", e, sizeof e),
                 PGRES_FATAL_ERROR);
    cr_assert(strstr(e, "permission denied"), "%s", e);
    cr_assert_eq(
        hj_stack_sql_as(
            &stack, "hj_busd",
            "INSERT INTO bus.journal (request_id, request_digest, service, kind, actor, "
            "payload, reply) VALUES (gen_random_uuid(), '\\x', 'registry', 'x', 'x', '\\x', '\\x')",
            e, sizeof e),
        PGRES_FATAL_ERROR);
    /* Not even the owner deletes. */
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(c, "DELETE FROM bus.journal WHERE seq = 1");
    cr_assert_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
    cr_assert(strstr(PQerrorMessage(c), "append-only"), "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    char *out = NULL;
    cr_assert_eq(hj_stack_verify(&stack, &out), 0);
    cr_assert(strstr(out, "ok, "), "%s", out);
    free(out);
}

Test(auth, verify_names_the_changed_row_and_an_anchor_catches_a_rehashed_chain)
{
    s_wait_sealed();
    char *out = NULL, anchor[128] = "";
    cr_assert_eq(hj_stack_verify(&stack, &out), 0);
    const char *head = strstr(out, "head ");
    cr_assert(head, "%s", out);
    sscanf(head + 5, "%127s", anchor);
    free(out);
    long anchored = atol(anchor);
    cr_assert(anchored >= 8, "%s", anchor);
    /* Later writes extend the chain; the anchor still holds. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-05", "--name",
                        "新城社区", "--subdistrict", "KBS-BH", NULL),
                 0);
    s_wait_sealed();
    cr_assert_eq(hj_run(&stack, &out, NULL, "admin", "journal", "verify", "--anchor", anchor,
                        "--db", stack.db, NULL),
                 0, "%s", out);
    cr_assert(strstr(out, "matches"), "%s", out);
    free(out);

    /* A superuser edits seq 3 by hand, past the guard: verify names seq 3. */
    cr_assert_eq(
        hj_stack_sql_by_hand(&stack, "UPDATE bus.journal SET actor = 'someone-else' WHERE seq = 3"),
        0);
    cr_assert_eq(hj_stack_verify(&stack, &out), 1);
    cr_assert(strstr(out, "broken at seq 3:") && strstr(out, "changed after it was sealed"), "%s",
              out);
    free(out);
    /* Rehashing every later row makes the chain whole again; the anchor does not forgive it. */
    cr_assert_eq(hj_stack_sql_by_hand(
                     &stack, "DO $$ DECLARE j bus.journal; prev bytea; BEGIN "
                             "SELECT hash INTO prev FROM bus.journal WHERE seq = 2; "
                             "FOR j IN SELECT * FROM bus.journal WHERE seq >= 3 ORDER BY seq LOOP "
                             "  UPDATE bus.journal SET prev_hash = prev, hash = sha256(prev || "
                             "bus.journal_digest_input(j)) "
                             "  WHERE seq = j.seq RETURNING hash INTO prev; END LOOP; "
                             "UPDATE bus.relay_head SET hash = prev; END $$"),
                 0);
    cr_assert_eq(hj_stack_verify(&stack, &out), 0, "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "admin", "journal", "verify", "--anchor", anchor,
                        "--db", stack.db, NULL),
                 1);
    cr_assert(strstr(out, "anchor broken"), "%s", out);
    free(out);
}

/* ---- internal endpoints ------------------------------------------------------- */

Test(auth, internal_endpoints_refuse_to_bind_beyond_a_private_network)
{
    hj_stack_t other;
    cr_assert_eq(hj_stack_init(&other), 0);
    const char *port = strrchr(other.workers, ':');
    snprintf(other.workers, sizeof other.workers, "tcp://*%s", port);
    pid_t pid = hj_stack_spawn(&other, "hj-busd");
    cr_assert(pid > 0);
    int status = 0;
    hj_wait_exited(pid, &status, 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0,
              "hj-busd ran with a public worker endpoint");
    other.pid[0] = 0;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "grep -q 'is not loopback or a private network' %s/hj-busd.%d.log",
             other.run_dir, (int)pid);
    cr_assert_eq(system(cmd), 0, "no reason logged");
    hj_stack_stop(&other);
}

/* ---- personal data ------------------------------------------------------------ */

/* 1 when needle occurs in the bytes. */
static int s_contains(const void *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

Test(auth, an_identity_card_number_never_reaches_a_log_or_an_event)
{
    char id[19], mask[19], *out = NULL, *err = NULL;
    hj_test_idcard("15060219780502123", id);
    snprintf(mask, sizeof mask, "1****************%c", id[17]);

    /* Everything on the bus, as an enrolled subscriber sees it (once it has joined). */
    void *ctx = zmq_ctx_new(), *sub = s_sub(ctx, stack.device);
    int joined = 0;
    for (int i = 0; i < 30 && !joined; i++) {
        s_one_event(i);
        joined = s_events(sub, 200);
    }
    cr_assert(joined, "the subscriber never joined");

    cr_assert_eq(hj_run(&stack, &out, &err, "person", "add", "--name", "周身份", "--gender",
                        "female", "--id-card", id, "--json", NULL),
                 0, "%s", err);
    cr_assert(strstr(out, mask) && !strstr(out, id), "%s", out);
    free(out);
    free(err);
    /* The same number again: refused, and the refusal does not repeat it either. */
    cr_assert_eq(hj_run(&stack, &out, &err, "person", "add", "--name", "周重复", "--gender",
                        "female", "--id-card", id, NULL),
                 1);
    cr_assert(!strstr(out, id) && !strstr(err, id), "%s%s", out, err);
    free(out);
    free(err);

    int person_events = 0, events = 0;
    for (int i = 0; i < 20 && !person_events; i++) {
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        while (zmq_poll(&item, 1, 100) == 1) {
            hj_frames_t f;
            cr_assert_eq(hj_frames_recv(sub, &f, 0), 0);
            events++;
            for (int k = 0; k < f.count; k++)
                cr_assert_not(s_contains(hj_frames_data(&f, k), hj_frames_size(&f, k), id),
                              "an event carries the number");
            if (hj_frames_size(&f, 0) >= 22 &&
                memcmp(hj_frames_data(&f, 0), "registry.person_added.", 22) == 0) {
                person_events++;
                cr_assert_not(s_contains(hj_frames_data(&f, 1), hj_frames_size(&f, 1), mask),
                              "a public event carries no personal content, the mask neither");
            }
            hj_frames_close(&f);
        }
    }
    cr_assert_eq(person_events, 1, "the person_added event arrived (%d events)", events);
    zmq_close(sub);
    zmq_ctx_term(ctx);

    /* Not in any daemon's log (they run at debug level), not in the journal, and
     * the database keeps the keyed hash and the mask only. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "grep -rqa '%s' %s/*.log", id, stack.run_dir);
    cr_assert_neq(system(cmd), 0, "a log holds the number");
    snprintf(cmd, sizeof cmd, "grep -rqa '%.6s' %s/*.log", id + 12, stack.run_dir);
    cr_assert_neq(system(cmd), 0, "a log holds the number's tail past the mask");
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM bus.journal WHERE position(convert_to('%s', 'UTF8') in payload) > 0 "
        "OR position(convert_to('%s', 'UTF8') in reply) > 0",
        id, id);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 0, "the journal holds the number");
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM registry.person WHERE id_mask = '%s' AND length(id_hash) = 32 AND "
        "position(convert_to('%s', 'UTF8') in id_hash) = 0",
        mask, id + 6);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM registry.person p WHERE p::text LIKE '%%%s%%'",
             id + 6);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 0);
    /* The key is a file of the run directory, not a row. */
    snprintf(cmd, sizeof cmd, "test -s %s/idcard.key", stack.run_dir);
    cr_assert_eq(system(cmd), 0);
}

/* ---- a container deployment's provisioning ------------------------------------ */

/* Runs hj-migrate against the stack's database with HJ_RUN_DIR and the two
 * provisioning variables; its exit status. */
static int s_migrate(const char *role_password, const char *health_device)
{
    char path[512];
    snprintf(path, sizeof path, "%s/hj-migrate", stack.bin_dir);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("HJ_DB", stack.db, 1);
        setenv("HJ_RUN_DIR", stack.run_dir, 1);
        setenv("HJ_BUS", stack.bus, 1);
        setenv("HJ_BUS_EVENTS", stack.events, 1);
        setenv("HJ_DB_ROLE_PASSWORD", role_password, 1);
        setenv("HJ_HEALTH_DEVICE", health_device, 1);
        execl(path, "hj-migrate", (char *)NULL);
        _exit(127);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(auth, hj_migrate_provisions_role_passwords_and_a_health_device)
{
    char health[400], *out = NULL, *err = NULL, first[HJ_KEY_LEN];
    snprintf(health, sizeof health, "%s/state/health.device", stack.run_dir);
    cr_assert_eq(s_migrate("a-long-random-secret", health), 0);
    struct stat st;
    cr_assert_eq(stat(health, &st), 0, "no health device");
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM pg_authid WHERE rolname IN ('hj_busd', "
                                 "'hj_registry', 'hj_audit', 'hj_interviews', 'hj_admin') "
                                 "AND rolpassword IS NOT NULL"),
                 5, "every daemon's role has the password");
    /* The health checks' device: admitted, and an observer. */
    hj_device_t d;
    char msg[512];
    cr_assert_eq(hj_device_load(&d, health, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(d.role, "observer");
    snprintf(first, sizeof first, "%s", d.public_key);
    int rc = hj_run_until(
        &stack, 0, 20000, &err,
        (const char *const[]){"status", "--service", "registry", "--device", health, NULL});
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* Running again changes nothing; a lost file is replaced and the old device revoked. */
    cr_assert_eq(s_migrate("a-long-random-secret", health), 0);
    cr_assert_eq(hj_device_load(&d, health, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(d.public_key, first);
    cr_assert_eq(unlink(health), 0);
    cr_assert_eq(s_migrate("a-long-random-secret", health), 0);
    cr_assert_eq(hj_stack_scalar(&stack,
                                 "SELECT count(*) FROM bus.devices WHERE name LIKE 'health-%' AND "
                                 "revoked_at IS NULL"),
                 1);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.devices WHERE name LIKE 'health-%'"), 2);

    /* `--out -`: the device file on stdout, for `docker compose exec ... > NAME.device`. */
    cr_assert_eq(hj_run(&stack, &out, &err, "admin", "device", "enrol", "piped-1", "--team",
                        "指挥中心", "--role", "observer", "--out", "-", "--db", stack.db,
                        "--run-dir", stack.run_dir, NULL),
                 0, "%s", err);
    cr_assert(strstr(err, "enrolled piped-1"), "%s", err);
    char piped[400];
    snprintf(piped, sizeof piped, "%s/piped.device", stack.run_dir);
    FILE *f = fopen(piped, "w");
    fputs(out, f);
    fclose(f);
    free(out);
    free(err);
    cr_assert_eq(hj_device_load(&d, piped, msg, sizeof msg), 0, "%s", msg);
    cr_assert_str_eq(d.name, "piped-1");
}
