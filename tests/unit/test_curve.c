/* hj_curve: the server keypair file, device files and where hj finds one,
 * private endpoints; the client's CURVE side against a real ZAP handler;
 * the per-daemon database login. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "hj_client.h"
#include "hj_config.h"
#include "hj_curve.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_scripted.h"

static char s_dir[256];

static void s_mkdir(void)
{
    snprintf(s_dir, sizeof s_dir, "%s/hj-curve-%d-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    cr_assert(mkdtemp(s_dir));
}

static void s_rmdir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(curve, .init = s_mkdir, .fini = s_rmdir);

Test(curve, the_server_keypair_is_made_once_with_mode_0600)
{
    char pub[HJ_KEY_LEN], sec[HJ_KEY_LEN], pub2[HJ_KEY_LEN], sec2[HJ_KEY_LEN], path[300];
    cr_assert_eq(hj_curve_server_key(s_dir, 0, pub, sec), -1, "not made unless asked");
    cr_assert_eq(hj_curve_server_key(s_dir, 1, pub, sec), 0);
    cr_assert(hj_curve_key_valid(pub) && hj_curve_key_valid(sec));
    snprintf(path, sizeof path, "%s/busd.key", s_dir);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(hj_curve_server_key(s_dir, 1, pub2, sec2), 0);
    cr_assert_str_eq(pub, pub2, "kept, not replaced");
    cr_assert_str_eq(sec, sec2);
    /* The public key is the secret key's. */
    char derived[HJ_KEY_LEN];
    cr_assert_eq(zmq_curve_public(derived, sec), 0);
    cr_assert_str_eq(derived, pub);
}

Test(curve, makers_that_race_agree_on_one_keypair)
{
    enum { N = 6 };
    int fds[N][2];
    for (int i = 0; i < N; i++) {
        cr_assert_eq(pipe(fds[i]), 0);
        if (fork() == 0) {
            char pub[HJ_KEY_LEN], sec[HJ_KEY_LEN];
            int ok = hj_curve_server_key(s_dir, 1, pub, sec) == 0;
            ssize_t w = write(fds[i][1], ok ? pub : "", ok ? 40 : 1);
            _exit(w > 0 ? 0 : 1);
        }
    }
    char first[HJ_KEY_LEN] = "";
    for (int i = 0; i < N; i++) {
        char got[HJ_KEY_LEN] = "";
        int status;
        wait(&status);
        cr_assert_eq(read(fds[i][0], got, 40), 40, "maker %d failed", i);
        if (!first[0])
            memcpy(first, got, sizeof first);
        cr_assert_str_eq(got, first);
        close(fds[i][0]);
        close(fds[i][1]);
    }
}

static hj_device_t s_device(void)
{
    hj_device_t d = {0};
    char sec[HJ_KEY_LEN];
    snprintf(d.name, sizeof d.name, "gg-binhe-1");
    snprintf(d.team, sizeof d.team, "第一指导组 (滨河)");
    snprintf(d.role, sizeof d.role, "guidance-group");
    snprintf(d.bus, sizeof d.bus, "tcp://hj.example.gov.cn:7700");
    snprintf(d.events, sizeof d.events, "tcp://hj.example.gov.cn:7701");
    hj_curve_keypair(d.server_key, sec);
    hj_curve_keypair(d.public_key, d.secret_key);
    return d;
}

Test(curve, a_device_file_round_trips_and_is_never_replaced)
{
    hj_device_t d = s_device(), back;
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/gg.device", s_dir);
    cr_assert_eq(hj_device_save(&d, path), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(memcmp(&d, &back, sizeof d), 0, "every field round-trips");
    hj_device_t other = s_device();
    cr_assert_eq(hj_device_save(&other, path), -1);
    cr_assert_eq(errno, EEXIST);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), 0);
    cr_assert_str_eq(back.public_key, d.public_key, "the first file stays");
}

Test(curve, a_broken_device_file_says_what_is_wrong)
{
    hj_device_t d;
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/none.device", s_dir);
    cr_assert_eq(hj_device_load(&d, path, err, sizeof err), -1);
    cr_assert(strstr(err, "cannot read"), "%s", err);
    FILE *f = fopen(path, "w");
    fprintf(f, "# a comment\nname = x\nserver_key = short\n");
    fclose(f);
    cr_assert_eq(hj_device_load(&d, path, err, sizeof err), -1);
    cr_assert(strstr(err, "server_key"), "%s", err);
    f = fopen(path, "w");
    fprintf(f, "name x\n");
    fclose(f);
    cr_assert_eq(hj_device_load(&d, path, err, sizeof err), -1);
    cr_assert(strstr(err, "line 1"), "%s", err);
}

static char *s_slurp_file(const char *path)
{
    static char text[4096];
    FILE *f = fopen(path, "r");
    cr_assert(f, "%s", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    return text;
}

static int s_all_zero(const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((const unsigned char *)p)[i])
            return 0;
    return 1;
}

Test(curve, a_sealed_device_file_opens_only_with_its_passphrase)
{
    hj_device_t d = s_device(), back;
    char path[300], err[512], want[512];
    snprintf(path, sizeof path, "%s/sealed.device", s_dir);
    cr_assert_eq(hj_device_save_sealed(&d, "滨河 field laptop", path), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    const char *text = s_slurp_file(path);
    cr_assert(strstr(text, "\nseal = argon2id13 ops=2 mem=67108864\n"), "%s", text);
    cr_assert(strstr(text, "\nsecret_key_sealed = "), "%s", text);
    cr_assert_null(strstr(text, "\nsecret_key ="), "no clear key line: %s", text);
    cr_assert_null(strstr(text, d.secret_key), "the clear key appears nowhere");
    cr_assert(strstr(text, d.public_key), "the public key stays readable");

    setenv("HJ_DEVICE_PASSPHRASE", "滨河 field laptop", 1);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), HJ_DEVICE_OK, "%s", err);
    cr_assert_eq(memcmp(&d, &back, sizeof d), 0, "every field and the key round-trip");

    setenv("HJ_DEVICE_PASSPHRASE", "滨河 field laptoq", 1);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), HJ_DEVICE_LOCKED);
    snprintf(want, sizeof want, "the device file %s could not be opened: wrong passphrase", path);
    cr_assert_str_eq(err, want);
    cr_assert(s_all_zero(&back, sizeof back), "nothing of the device is left loaded");
    unsetenv("HJ_DEVICE_PASSPHRASE");
}

/* path's text with the line starting `key =` replaced by `line` (NULL: dropped). */
static void s_rewrite(const char *path, const char *key, const char *line)
{
    char text[4096], out[4096] = "", *save = NULL;
    snprintf(text, sizeof text, "%s", s_slurp_file(path));
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        int hit = strncmp(l, key, strlen(key)) == 0 && l[strlen(key)] == ' ';
        if (!hit || line)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s\n", hit ? line : l);
    }
    unlink(path);
    FILE *f = fopen(path, "w");
    fputs(out, f);
    fclose(f);
}

Test(curve, a_sealed_device_file_that_was_tampered_with_says_why)
{
    hj_device_t d = s_device(), other = s_device(), back;
    char path[300], stranger[300], err[512], line[300];
    snprintf(path, sizeof path, "%s/sealed.device", s_dir);
    snprintf(stranger, sizeof stranger, "%s/stranger.device", s_dir);
    cr_assert_eq(hj_device_save_sealed(&other, "same words", stranger), 0);
    setenv("HJ_DEVICE_PASSPHRASE", "same words", 1);

    /* Another device's sealed key, under the same passphrase, is not this public key's. */
    const char *box = strstr(s_slurp_file(stranger), "secret_key_sealed = ");
    snprintf(line, sizeof line, "%.*s", (int)strcspn(box, "\n"), box);
    cr_assert_eq(hj_device_save_sealed(&d, "same words", path), 0);
    s_rewrite(path, "secret_key_sealed", line);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), HJ_DEVICE_INVALID);
    cr_assert(strstr(err, "could not be opened: the sealed secret key is not public_key's"), "%s",
              err);
    cr_assert(s_all_zero(&back, sizeof back));

    /* A seal this version does not know. */
    unlink(path);
    cr_assert_eq(hj_device_save_sealed(&d, "same words", path), 0);
    s_rewrite(path, "seal", "seal = argon2id19 ops=2 mem=67108864");
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), HJ_DEVICE_INVALID);
    cr_assert(strstr(err, "unknown seal algorithm 'argon2id19'"), "%s", err);

    /* Half a seal, or a clear key beside a sealed one. */
    s_rewrite(path, "seal", NULL);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), HJ_DEVICE_INVALID);
    cr_assert(strstr(err, "seal or secret_key_sealed is missing"), "%s", err);
    unlink(path);
    cr_assert_eq(hj_device_save_sealed(&d, "same words", path), 0);
    snprintf(line, sizeof line, "public_key = %s\nsecret_key = %s", d.public_key, d.secret_key);
    s_rewrite(path, "public_key", line);
    cr_assert_eq(hj_device_load(&back, path, err, sizeof err), HJ_DEVICE_INVALID);
    cr_assert(strstr(err, "secret_key beside a sealed one"), "%s", err);
    unsetenv("HJ_DEVICE_PASSPHRASE");
}

Test(curve, hj_finds_its_device_flag_then_environment_then_the_default)
{
    char path[512], want[512];
    setenv("XDG_CONFIG_HOME", s_dir, 1);
    unsetenv("HJ_DEVICE");
    cr_assert_eq(hj_device_find(NULL, path, sizeof path), 0, "no default file yet");
    snprintf(want, sizeof want, "%s/huanjie", s_dir);
    cr_assert_eq(mkdir(want, 0700), 0);
    snprintf(want, sizeof want, "%s/huanjie/device", s_dir);
    hj_device_t d = s_device();
    cr_assert_eq(hj_device_save(&d, want), 0);
    cr_assert_eq(hj_device_find(NULL, path, sizeof path), 1);
    cr_assert_str_eq(path, want);
    setenv("HJ_DEVICE", "/from/env.device", 1);
    cr_assert_eq(hj_device_find(NULL, path, sizeof path), 1);
    cr_assert_str_eq(path, "/from/env.device");
    cr_assert_eq(hj_device_find("/from/flag.device", path, sizeof path), 1);
    cr_assert_str_eq(path, "/from/flag.device");
    unsetenv("HJ_DEVICE");
    unsetenv("XDG_CONFIG_HOME");
}

Test(curve, internal_endpoints_must_stay_private)
{
    const char *yes[] = {
        "tcp://127.0.0.1:7702",    "tcp://10.1.2.3:7702",       "tcp://172.16.0.9:7702",
        "tcp://172.31.255.1:7702", "tcp://192.168.1.5:7702",    "tcp://[::1]:7702",
        "tcp://[fd00::5]:7702",    "tcp://localhost:7702",      "tcp://lo:7702",
        "inproc://workers",        "ipc:///run/huanjie/workers"};
    const char *no[] = {"tcp://*:7702",        "tcp://0.0.0.0:7702",    "tcp://[::]:7702",
                        "tcp://8.8.8.8:7702",  "tcp://172.32.0.1:7702", "tcp://[2001:db8::1]:7702",
                        "udp://127.0.0.1:7702"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        cr_assert(hj_endpoint_private(yes[i]), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        cr_assert_not(hj_endpoint_private(no[i]), "%s", no[i]);
}

Test(curve, each_daemon_logs_in_as_its_own_role)
{
    char db[512] = "host=127.0.0.1 port=7732 user=postgres dbname=huanjie";
    cr_assert_eq(hj_config_db_user(db, sizeof db, "hj_registry"), 0);
    cr_assert(strstr(db, "user='hj_registry'") && !strstr(db, "postgres") &&
                  strstr(db, "dbname='huanjie'") && strstr(db, "port='7732'"),
              "%s", db);
    snprintf(db, sizeof db, "postgresql://alice@db.example:5433/hj?sslmode=require");
    cr_assert_eq(hj_config_db_user(db, sizeof db, "hj_busd"), 0);
    cr_assert(strstr(db, "user='hj_busd'") && strstr(db, "host='db.example'") &&
                  strstr(db, "sslmode='require'") && !strstr(db, "alice"),
              "%s", db);
    snprintf(db, sizeof db, "dbname='it\\'s' password='a b\\\\c'");
    cr_assert_eq(hj_config_db_user(db, sizeof db, "hj_audit"), 0);
    cr_assert(strstr(db, "dbname='it\\'s'") && strstr(db, "password='a b\\\\c'"),
              "quotes survive: %s", db);
    snprintf(db, sizeof db, "this is = not = conninfo '");
    cr_assert_eq(hj_config_db_user(db, sizeof db, "hj_audit"), -1);
    char tiny[24] = "dbname=huanjie";
    cr_assert_eq(hj_config_db_user(tiny, sizeof tiny, "a_rather_long_role_name"), -1,
                 "does not fit");
    cr_assert_str_eq(tiny, "dbname=huanjie", "left as it was");
}

/* ---- the client against a CURVE server and a ZAP handler -------------------- */

typedef struct {
    void *ctx;
    void *zap, *router; /* made by the test, then used by the server thread only */
    char endpoint[64];
    char allowed[HJ_KEY_LEN]; /* the one key the handler admits */
    char server_secret[HJ_KEY_LEN];
    int zap_requests;
    int served;
    int stop; /* set by the test once its call has its answer */
    char user_id[64];
} s_server_t;

/* A CURVE ROUTER answering "ok" to MDP requests, and its ZAP handler, until
 * it has served one or the test has its answer. No deadline of its own: the
 * client's call always returns (its timeout bounds it), and a clock here was
 * a margin that a slow machine (ASan on two busy cores) could outlast. */
static void *s_serve(void *arg)
{
    s_server_t *s = arg;
    void *zap = s->zap, *router = s->router;
    while (!s->served && !__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST)) {
        zmq_pollitem_t items[2] = {{zap, 0, ZMQ_POLLIN, 0}, {router, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, 100) <= 0)
            continue;
        hj_frames_t f, out;
        if (items[0].revents & ZMQ_POLLIN && hj_frames_recv(zap, &f, 0) == 0) {
            char key[HJ_KEY_LEN] = "";
            s->zap_requests++;
            if (f.count == 7 && hj_frames_size(&f, 6) == 32)
                zmq_z85_encode(key, hj_frames_data(&f, 6), 32);
            int ok = strcmp(key, s->allowed) == 0;
            hj_frames_init(&out);
            hj_frames_addstr(&out, "1.0");
            hj_frames_move(&out, &f, 1);
            hj_frames_addstr(&out, ok ? "200" : "400");
            hj_frames_addstr(&out, ok ? "OK" : "not enrolled");
            hj_frames_addstr(&out, ok ? "laptop-1" : "");
            hj_frames_add(&out, "", 0);
            hj_frames_send(zap, &out);
            hj_frames_close(&f);
        }
        if (items[1].revents & ZMQ_POLLIN && hj_frames_recv(router, &f, 0) == 0) {
            const char *uid = zmq_msg_gets(&f.part[f.count - 1], "User-Id");
            snprintf(s->user_id, sizeof s->user_id, "%s", uid ? uid : "");
            s->served++;
            hj_status_t st;
            hj_status_set(&st, HJ__CODE__OK, "", "ok");
            hj_scripted_reply(router, &f, &st);
        }
    }
    zmq_close(router);
    zmq_close(zap);
    return NULL;
}

static void s_curve_call(int enrolled)
{
    s_server_t s = {.ctx = zmq_ctx_new()};
    hj_device_t d = s_device();
    char server_public[HJ_KEY_LEN];
    cr_assert_eq(hj_curve_keypair(server_public, s.server_secret), 0);
    memcpy(d.server_key, server_public, sizeof d.server_key);
    if (enrolled)
        memcpy(s.allowed, d.public_key, sizeof s.allowed);
    /* The handler before the CURVE socket, which takes any free port. */
    int linger = 0;
    size_t n = sizeof s.endpoint;
    s.zap = zmq_socket(s.ctx, ZMQ_REP);
    s.router = zmq_socket(s.ctx, ZMQ_ROUTER);
    zmq_setsockopt(s.zap, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s.router, ZMQ_LINGER, &linger, sizeof linger);
    cr_assert_eq(zmq_bind(s.zap, "inproc://zeromq.zap.01"), 0);
    cr_assert_eq(hj_curve_server_socket(s.router, s.server_secret), 0);
    cr_assert_eq(zmq_bind(s.router, "tcp://127.0.0.1:*"), 0);
    zmq_getsockopt(s.router, ZMQ_LAST_ENDPOINT, s.endpoint, &n);
    pthread_t t;
    pthread_create(&t, NULL, s_serve, &s);
    /* Both sockets are bound already. Refused, the answer must come from the
     * refusal: a client that waited for its timeout (a minute) would outlast
     * the test's own. */
    hj_client_t *c = hj_client_new(NULL, s.endpoint, enrolled ? 1000 : 60000, 3);
    cr_assert_eq(hj_client_set_device(c, &d), 0);
    uint8_t *reply = NULL;
    size_t len = 0;
    hj_status_t st;
    cr_assert_eq(hj_client_call(c, "registry", "x", 1, &reply, &len), 0);
    __atomic_store_n(&s.stop, 1, __ATOMIC_SEQ_CST);
    cr_assert_eq(hj_status_unpack(reply, len, &st), 0);
    if (enrolled) {
        cr_assert_eq(st.code, HJ__CODE__OK, "%s", st.message);
        pthread_join(t, NULL);
        cr_assert_eq(s.served, 1);
        cr_assert_str_eq(s.user_id, "laptop-1", "the server sees ZAP's user id");
    } else {
        cr_assert_eq(st.code, HJ__CODE__UNAUTHENTICATED, "%d %s", st.code, st.message);
        cr_assert_str_eq(st.field, "device");
        cr_assert(strstr(st.message, "gg-binhe-1") && strstr(st.message, "400"), "%s", st.message);
        cr_assert_eq(hj_client_tries_used(c), 1, "a refused key is not retried");
        pthread_join(t, NULL);
        cr_assert_eq(s.served, 0, "nothing reached the server");
    }
    free(reply);
    hj_client_destroy(&c);
    zmq_ctx_term(s.ctx);
}

Test(curve, an_enrolled_key_gets_through_as_its_device)
{
    s_curve_call(1);
}

Test(curve, a_refused_key_is_told_so_at_once, .timeout = 30)
{
    s_curve_call(0);
}
