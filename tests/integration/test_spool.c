/* The offline spool of `hj` end to end: writes made while the system cannot be
 * reached wait in the spool and are sent once, oldest first, by `hj sync`;
 * refused ones wait aside with their reason; damaged files are never sent. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hj_stack.h"

static hj_stack_t stack;
static char spool[512];

/* A stack whose database and ports exist but whose daemons do not run yet:
 * the field laptop is offline. */
static void s_offline(void)
{
    cr_assert_eq(hj_stack_init(&stack), 0);
    stack.connect_ms = 0; /* hj's own connection check: these writes are meant to go offline */
    snprintf(spool, sizeof spool, "%s/spool", stack.run_dir);
    setenv("HJ_SPOOL", spool, 1);
}

static void s_online(void)
{
    cr_assert(hj_stack_spawn(&stack, "hj-busd") > 0);
    cr_assert(hj_stack_spawn(&stack, "hj-registryd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "registry", 15000), 0);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
    unsetenv("HJ_SPOOL");
}

/* A write while offline: quick to give up. Returns the exit status; *out its stdout. */
#define OFFLINE "--timeout", "100", "--tries", "1"

static long s_count(const char *sql)
{
    return hj_stack_scalar(&stack, sql);
}

static int s_files(const char *part)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -A %s/%s | grep -v '^\\.' | wc -l", spool, part);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    return n;
}

/* Lines of `text` that start with `prefix`. */
static int s_lines(const char *text, const char *prefix)
{
    int n = 0;
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        n += strncmp(p, prefix, strlen(prefix)) == 0;
    return n;
}

Test(spool, offline_writes_are_saved_then_synced_once_in_order, .fini = teardown, .timeout = 90)
{
    s_offline();
    char *out = NULL, *err = NULL;
    const char *rid1 = "0d6c1a52-5a39-4b7e-9d54-000000000001",
               *rid2 = "0d6c1a52-5a39-4b7e-9d54-000000000002";
    cr_assert_eq(hj_run(&stack, &out, &err, "district", "add", "--code", "KBS", "--name",
                        "康巴什区", "--request-id", rid1, OFFLINE, NULL),
                 0, "%s", err);
    cr_assert(strstr(out, "saved offline, 1 waiting"), "%s", out);
    free(out);
    free(err);
    /* The subdistrict needs the district: order matters, and sync keeps it. */
    cr_assert_eq(hj_run(&stack, &out, NULL, "subdistrict", "add", "--code", "KBS-BH", "--name",
                        "滨河街道", "--district", "KBS", "--request-id", rid2, OFFLINE, NULL),
                 0);
    cr_assert(strstr(out, "saved offline, 2 waiting"), "%s", out);
    free(out);
    /* --no-spool: the plain failure, and nothing is added to the spool. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "district", "add", "--code", "ORD", "--name",
                        "鄂尔多斯", "--no-spool", OFFLINE, NULL),
                 3);
    cr_assert(strstr(err, "no answer"), "%s", err);
    free(err);
    cr_assert_eq(s_files("waiting"), 2);
    cr_assert_eq(hj_run(&stack, &out, NULL, "spool", "status", NULL), 0);
    cr_assert(strstr(out, "waiting    2"), "%s", out);
    cr_assert(strstr(out, "last sync  never"), "%s", out);
    free(out);
    /* Still offline: sync says so and keeps everything. */
    cr_assert_eq(hj_run(&stack, &out, NULL, "sync", OFFLINE, NULL), 3);
    cr_assert(strstr(out, "2 still waiting"), "%s", out);
    free(out);

    s_online();
    cr_assert_eq(hj_run(&stack, &out, &err, "sync", NULL), 0, "%s", err);
    cr_assert_eq(s_lines(out, "sent "), 2, "%s", out);
    char *first = strstr(out, rid1), *second = strstr(out, rid2);
    cr_assert(first && second && first < second, "oldest first: %s", out);
    free(out);
    free(err);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district WHERE code = 'KBS'"), 1);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.subdistrict WHERE code = 'KBS-BH'"), 1);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district WHERE code = 'ORD'"), 0);
    cr_assert_eq(
        s_count("SELECT count(*) FROM bus.journal WHERE request_id IN "
                "('0d6c1a52-5a39-4b7e-9d54-000000000001', '0d6c1a52-5a39-4b7e-9d54-000000000002')"),
        2);
    cr_assert_eq(s_files("waiting"), 0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "spool", "status", NULL), 0);
    cr_assert(strstr(out, "waiting    0"), "%s", out);
    cr_assert_null(strstr(out, "never"), "a successful sync is remembered: %s", out);
    free(out);
    /* Online, a write goes through the spool and leaves nothing behind. */
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "district", "add", "--code", "ORD", "--name", "鄂尔多斯", NULL),
        0);
    cr_assert(strstr(out, "district added"), "%s", out);
    free(out);
    cr_assert_eq(s_files("waiting"), 0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "sync", NULL), 0);
    cr_assert(strstr(out, "nothing waiting"), "%s", out);
    free(out);
}

/* Found by the fault run: right after hj-busd restarts it calls every service
 * "unknown" until the workers announce themselves again. A write then must wait
 * in the spool (an earlier try of it may even have been written), not be refused. */
Test(spool, a_write_while_the_broker_knows_no_worker_yet_waits_in_the_spool, .fini = teardown,
     .timeout = 90)
{
    s_offline();
    char *out = NULL, *err = NULL;
    cr_assert(hj_stack_spawn(&stack, "hj-busd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "nosuch", 300), -1); /* the broker answers; no worker */
    cr_assert_eq(
        hj_run(&stack, &out, &err, "district", "add", "--code", "KBS", "--name", "康巴什区", NULL),
        0, "%s", err);
    cr_assert(strstr(out, "saved offline, 1 waiting"), "%s", out);
    cr_assert(strstr(err, "no instance of registry"), "%s", err);
    free(out);
    free(err);
    /* A read says it cannot reach the service (exit 3), not that it does not exist. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "list", NULL), 3);
    cr_assert(hj_stack_spawn(&stack, "hj-registryd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "registry", 15000), 0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "sync", NULL), 0);
    cr_assert_eq(s_lines(out, "sent "), 1, "%s", out);
    free(out);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district"), 1);
}

Test(spool, a_write_that_landed_before_is_reported_already_there, .fini = teardown, .timeout = 90)
{
    s_offline();
    const char *rid = "0d6c1a52-5a39-4b7e-9d54-0000000000a1";
    char *out = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, &out, NULL, "district", "add", "--code", "KBS", "--name",
                        "康巴什区", "--request-id", rid, OFFLINE, NULL),
                 0);
    cr_assert(strstr(out, "saved offline"), "%s", out);
    free(out);
    s_online();
    /* What a lost answer looks like: the same request reached the system another way. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "district", "add", "--code", "KBS", "--name",
                        "康巴什区", "--request-id", rid, "--no-spool", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, &out, &err, "sync", NULL), 0, "%s", err);
    cr_assert_eq(s_lines(out, "already there"), 1, "%s", out);
    cr_assert(strstr(out, rid), "%s", out);
    cr_assert_eq(s_lines(out, "sent "), 0, "%s", out);
    free(out);
    free(err);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district"), 1);
    cr_assert_eq(s_count("SELECT count(*) FROM bus.journal WHERE kind = 'district_added'"), 1);
    /* A plain command replayed says so too, with the first answer. */
    cr_assert_eq(hj_run(&stack, &out, &err, "district", "add", "--code", "KBS", "--name",
                        "康巴什区", "--request-id", rid, NULL),
                 0);
    cr_assert(strstr(out, "district added"), "%s", out);
    cr_assert(strstr(err, "already recorded"), "%s", err);
    free(out);
    free(err);
}

Test(spool, a_refused_record_waits_aside_and_never_blocks_the_next, .fini = teardown, .timeout = 90)
{
    s_offline();
    const char *bad = "0d6c1a52-5a39-4b7e-9d54-0000000000b1",
               *district = "0d6c1a52-5a39-4b7e-9d54-0000000000b2";
    const char *too_soon = "0d6c1a52-5a39-4b7e-9d54-0000000000b3";
    char *out = NULL, *err = NULL;
    /* A community in a subdistrict that does not exist (yet), then good records behind it. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-01", "--name",
                        "滨河社区", "--subdistrict", "KBS-BX", "--request-id", bad, OFFLINE, NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "district", "add", "--code", "KBS", "--name",
                        "康巴什区", "--request-id", district, OFFLINE, NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-02", "--name",
                        "康和社区", "--subdistrict", "KBS-BH", "--request-id", too_soon, OFFLINE,
                        NULL),
                 0);
    s_online();
    cr_assert_eq(hj_run(&stack, &out, &err, "sync", NULL), 1, "something was refused: %s", err);
    cr_assert_eq(s_lines(out, "refused "), 2, "%s", out);
    cr_assert_eq(s_lines(out, "sent "), 1, "the record behind the refusal went: %s", out);
    cr_assert(strstr(out, "(field: subdistrict)"), "the server's reason and field: %s", out);
    free(out);
    free(err);
    cr_assert_eq(s_files("rejected"), 2);
    cr_assert_eq(s_files("waiting"), 0);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.community"), 0,
                 "a refused write stores nothing");

    /* show: the reason, the request, and how to correct it. */
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "spool", "show", "0d6c1a52-5a39-4b7e-9d54-0000000000b1", NULL),
        0);
    cr_assert(strstr(out, "NOT_FOUND"), "%s", out);
    cr_assert(strstr(out, "\"subdistrict\":\"KBS-BX\""), "%s", out);
    cr_assert(strstr(out, "--request-id 0d6c1a52-5a39-4b7e-9d54-0000000000b1"), "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "spool", "list", NULL), 0);
    cr_assert_eq(s_lines(out, "rejected "), 2, "%s", out);
    free(out);

    /* The user corrects the first and resubmits it under the same id: it replaces the rejected one.
     */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "subdistrict", "add", "--code", "KBS-BH", "--name",
                        "滨河街道", "--district", "KBS", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, &out, &err, "community", "add", "--code", "KBS-BH-01", "--name",
                        "滨河社区", "--subdistrict", "KBS-BH", "--request-id", bad, NULL),
                 0, "%s", err);
    free(out);
    free(err);
    cr_assert_eq(s_files("rejected"), 1);
    /* The second needed nothing but the subdistrict: sent again unchanged. */
    cr_assert_eq(
        hj_run(&stack, &out, &err, "spool", "retry", "0d6c1a52-5a39-4b7e-9d54-0000000000b3", NULL),
        0, "%s", err);
    cr_assert_eq(s_lines(out, "sent "), 1, "%s", out);
    free(out);
    free(err);
    cr_assert_eq(s_files("rejected"), 0);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.community"), 2);
    cr_assert_eq(s_count("SELECT count(*) FROM bus.journal WHERE kind = 'community_added'"), 2);

    /* drop: a refused record the user gives up. */
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-03", "--name",
                        "民生社区", "--subdistrict", "NOPE", "--request-id",
                        "0d6c1a52-5a39-4b7e-9d54-0000000000b4", OFFLINE, "--bus",
                        "tcp://127.0.0.1:1", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "sync", NULL), 1);
    cr_assert_eq(s_files("rejected"), 1);
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "spool", "drop", "0d6c1a52-5a39-4b7e-9d54-0000000000b4", NULL),
        0);
    cr_assert(strstr(out, "dropped rejected"), "%s", out);
    free(out);
    cr_assert_eq(s_files("rejected"), 0);
}

Test(spool, a_half_written_file_is_reported_and_never_sent, .fini = teardown, .timeout = 90)
{
    s_offline();
    char *out = NULL, path[1024];
    cr_assert_eq(hj_run(&stack, NULL, NULL, "district", "add", "--code", "KBS", "--name",
                        "康巴什区", "--request-id", "0d6c1a52-5a39-4b7e-9d54-0000000000c1", OFFLINE,
                        NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "district", "add", "--code", "ORD", "--name",
                        "鄂尔多斯", "--request-id", "0d6c1a52-5a39-4b7e-9d54-0000000000c2", OFFLINE,
                        NULL),
                 0);
    /* The power went while the first file was written: only its first half is on disk. */
    snprintf(path, sizeof path, "ls %s/waiting/*-0d6c1a52-5a39-4b7e-9d54-0000000000c1", spool);
    FILE *p = popen(path, "r");
    cr_assert(p && fgets(path, sizeof path, p));
    pclose(p);
    path[strcspn(path, "\n")] = 0;
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(truncate(path, st.st_size / 2), 0);
    s_online();
    cr_assert_eq(hj_run(&stack, &out, NULL, "sync", NULL), 1, "a damaged record is not a success");
    cr_assert_eq(s_lines(out, "damaged "), 1, "%s", out);
    cr_assert(strstr(out, "truncated"), "%s", out);
    cr_assert_eq(s_lines(out, "sent "), 1, "the good one behind it is sent: %s", out);
    free(out);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district WHERE code = 'KBS'"), 0,
                 "never sent as garbage");
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district WHERE code = 'ORD'"), 1);
    cr_assert_eq(s_files("damaged"), 1);
    cr_assert_eq(hj_run(&stack, &out, NULL, "spool", "status", NULL), 0);
    cr_assert(strstr(out, "damaged    1"), "%s", out);
    free(out);
    /* A second sync does not report it again as waiting, nor send it. */
    cr_assert_eq(hj_run(&stack, &out, NULL, "sync", NULL), 0);
    cr_assert(strstr(out, "nothing waiting"), "%s", out);
    free(out);
}

typedef struct {
    char *out;
    int rc;
} s_syncer_t;

static void *s_sync(void *arg)
{
    s_syncer_t *s = arg;
    static const char *const argv[] = {"sync", "--json", NULL};
    s->rc = hj_runv(&stack, &s->out, NULL, argv);
    return NULL;
}

Test(spool, two_syncs_at_once_send_each_record_once, .fini = teardown, .timeout = 120)
{
    enum { N = 20 };
    s_offline();
    char rid[N][37], code[16];
    for (int i = 0; i < N; i++) {
        snprintf(rid[i], sizeof rid[i], "0d6c1a52-5a39-4b7e-9d54-%012d", 1000 + i);
        snprintf(code, sizeof code, "D-%02d", i);
        cr_assert_eq(hj_run(&stack, NULL, NULL, "district", "add", "--code", code, "--name", "区",
                            "--request-id", rid[i], OFFLINE, NULL),
                     0);
    }
    s_online();
    s_syncer_t a = {0}, b = {0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, s_sync, &a);
    pthread_create(&tb, NULL, s_sync, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    cr_assert_eq(a.rc, 0);
    cr_assert_eq(b.rc, 0);
    /* Every record went out exactly once between the two: none "already there". */
    for (int i = 0; i < N; i++) {
        int sent = 0;
        const char *outs[2] = {a.out, b.out};
        for (int k = 0; k < 2; k++)
            for (const char *p = outs[k]; (p = strstr(p, rid[i])) != NULL; p++)
                sent++;
        cr_assert_eq(sent, 1, "record %d was sent %d times:\n%s\n---\n%s", i, sent, a.out, b.out);
    }
    cr_assert_eq(s_lines(a.out, "{\"result\": \"sent\"") + s_lines(b.out, "{\"result\": \"sent\""),
                 N);
    free(a.out);
    free(b.out);
    cr_assert_eq(s_count("SELECT count(*) FROM registry.district"), N);
    cr_assert_eq(s_count("SELECT count(*) FROM bus.journal"), N);
}
