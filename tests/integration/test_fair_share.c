/* Fair share at the broker, end to end: a device that floods hj-busd with
 * reads is answered RESOURCE_EXHAUSTED (naming it, saying when to come back)
 * while another device's requests are all served; the flooder is served
 * again once it waits as told; the broker's log names it once, not once a
 * request. hj waits as told without the user seeing it, says so when it
 * gives up, and a write it could not send stays waiting in the offline spool
 * instead of being refused. Real hj-busd, hj-registryd, hj and PostgreSQL;
 * the limits are set low through the daemons' environment. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "hj_curve.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_mdp.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "registry.pb-c.h"

static hj_stack_t stack;
/* Not codes of the wire: no reply came / a reply that does not decode. */
#define S_NO_ANSWER ((Hj__Code)1000)
#define S_UNDECODABLE ((Hj__Code)1001)
static char observer[320],
    field[320]; /* device files: obs-1 (observer), field-9 (subdistrict office) */

static void s_setup(const char *rate, const char *burst, const char *inflight)
{
    static const char *const programs[] = {"hj-registryd", NULL};
    static const char *const services[] = {"registry", NULL};
    char spool[600];
    /* hj-busd reads them at start (hj_config.h); the daemons inherit them. */
    setenv("HJ_DEVICE_RATE", rate, 1);
    setenv("HJ_DEVICE_BURST", burst, 1);
    setenv("HJ_DEVICE_INFLIGHT", inflight, 1);
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
    snprintf(spool, sizeof spool, "%s/spool", stack.run_dir);
    setenv("HJ_SPOOL", spool, 1);
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01"), 0);
    cr_assert_eq(hj_stack_enrol(&stack, "obs-1", "指挥中心", "observer", observer, sizeof observer),
                 0);
    cr_assert_eq(
        hj_stack_enrol(&stack, "field-9", "滨河街道办", "subdistrict-office", field, sizeof field),
        0);
}

/* 20 requests/s, bursts of 30, 8 at once: the second device's dozen requests
 * stay inside its burst whatever the machine's speed. */
static void s_setup_flood(void)
{
    s_setup("20", "30", "8");
}

/* One request a second: a device that has spent its burst of 5 waits most of
 * a second, far longer than hj takes to start (and than --timeout 400). */
static void s_setup_slow(void)
{
    s_setup("1", "5", "8");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
    unsetenv("HJ_DEVICE_RATE");
    unsetenv("HJ_DEVICE_BURST");
    unsetenv("HJ_DEVICE_INFLIGHT");
    unsetenv("HJ_SPOOL");
}

TestSuite(fair_share, .fini = teardown, .timeout = 120);

/* The status of the next reply on s, waiting up to timeout_ms. */
static hj_status_t s_recv(void *s, int timeout_ms)
{
    hj_status_t st = {.code = S_NO_ANSWER};
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    hj_frames_t f;
    if (zmq_poll(&item, 1, timeout_ms) == 1 && hj_frames_recv(s, &f, 0) == 0) {
        /* ["" | MDPC01 | service | Reply] */
        if (f.count != 4 ||
            hj_status_unpack(hj_frames_data(&f, 3), hj_frames_size(&f, 3), &st) != 0)
            st.code = S_UNDECODABLE;
        hj_frames_close(&f);
    }
    return st;
}

static hj_status_t s_call(void *s, const void *body, size_t len)
{
    cr_assert_eq(hj_client_mdp_send(s, "registry", body, len), 0);
    return s_recv(s, 10000);
}

typedef struct {
    int ok, refused, other;
} s_counts_t;

/* One reply of the flooder's: OK, or refused as the brief says. */
static void s_count(s_counts_t *c, const hj_status_t *st)
{
    if (st->code == HJ__CODE__OK) {
        c->ok++;
    } else if (st->code == HJ__CODE__RESOURCE_EXHAUSTED) {
        c->refused++;
        cr_assert_gt(st->retry_after_ms, 0, "a refusal says when to send again: %s", st->message);
        cr_assert_str_eq(st->field, "device");
        cr_assert(strstr(st->message, "device obs-1 is sending too fast") ||
                      strstr(st->message, "device obs-1 has 8 requests waiting"),
                  "the refusal names the device and why: %s", st->message);
        cr_assert(strstr(st->message, "retry after"), "%s", st->message);
    } else {
        c->other++;
        cr_log_error("flooder got %s: %s", hj_code_name(st->code), st->message);
    }
}

/* Lines of hj-busd's log holding `text`. */
static int s_busd_log_lines(const char *text)
{
    char path[400], line[2048];
    snprintf(path, sizeof path, "%s/hj-busd.%d.log", stack.run_dir, (int)stack.pid[0]);
    cr_assert_str_eq(stack.program[0], "hj-busd");
    FILE *f = fopen(path, "r");
    cr_assert(f, "%s", path);
    int n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, text) != NULL;
    fclose(f);
    return n;
}

Test(fair_share, a_flooding_device_is_refused_and_another_is_served, .init = s_setup_flood)
{
    enum { N = 600, CHUNK = 50 };
    size_t len;
    uint8_t *body = hj_stack_community_list(&len);
    void *ctx = zmq_ctx_new();
    void *flood = hj_stack_mdp_socket(&stack, ctx, observer),
         *admin = hj_stack_mdp_socket(&stack, ctx, NULL);
    cr_assert(flood && admin);
    s_counts_t got = {0};
    int answered = 0, admin_calls = 0;
    for (int sent = 0; sent < N;) {
        /* The flooder sends a chunk without waiting for any answer... */
        for (int i = 0; i < CHUNK; i++, sent++)
            cr_assert_eq(hj_client_mdp_send(flood, "registry", body, len), 0);
        /* ...and meanwhile the other device is served as if nobody were there. */
        hj_status_t st = s_call(admin, body, len);
        admin_calls++;
        cr_assert_eq(st.code, HJ__CODE__OK, "request %d of %s: %s: %s", admin_calls,
                     HJ_STACK_DEVICE, st.code != S_NO_ANSWER ? hj_code_name(st.code) : "no answer",
                     st.message);
        hj_status_t f;
        while ((f = s_recv(flood, 0)).code != S_NO_ANSWER) {
            s_count(&got, &f);
            answered++;
        }
    }
    while (answered < N) {
        hj_status_t f = s_recv(flood, 10000);
        cr_assert_neq(f.code, S_NO_ANSWER, "the flooder's request %d of %d is never answered",
                      answered + 1, N);
        s_count(&got, &f);
        answered++;
    }
    cr_log_info("flooder: %d sent, %d OK, %d RESOURCE_EXHAUSTED; %s: %d OK", N, got.ok, got.refused,
                HJ_STACK_DEVICE, admin_calls);
    cr_assert_eq(got.other, 0, "%d of the flooder's answers are neither OK nor RESOURCE_EXHAUSTED",
                 got.other);
    cr_assert_gt(got.refused, 0, "the flood was refused (%d OK)", got.ok);
    cr_assert_gt(got.ok, 0, "the flooder's burst was served");

    /* Served again once it waits as told. */
    hj_status_t st = {.code = HJ__CODE__OK};
    for (int i = 0; i < 1000 && st.code == HJ__CODE__OK; i++)
        st = s_call(flood, body, len);
    cr_assert_eq(st.code, HJ__CODE__RESOURCE_EXHAUSTED, "asking one at a time, it runs out: %s",
                 st.message);
    usleep(st.retry_after_ms * 1000u);
    st = s_call(flood, body, len);
    cr_assert_eq(st.code, HJ__CODE__OK, "after waiting as told: %s: %s", hj_code_name(st.code),
                 st.message);

    /* District IT reads who was refused, once a while, not once a request. */
    int lines = s_busd_log_lines("device obs-1 is sending too fast");
    cr_assert_geq(lines, 1, "the broker's log names the flooding device");
    cr_assert_lt(lines, got.refused, "%d log lines for %d refusals", lines, got.refused);
    cr_assert_eq(s_busd_log_lines("device " HJ_STACK_DEVICE " is sending too fast"), 0);

    zmq_close(flood);
    zmq_close(admin);
    zmq_ctx_term(ctx);
    free(body);
}

/* Spends every token of the device on socket s: one request at a time until
 * refused with most of a second to wait (a refusal alone leaves up to one
 * token less a little, which may come back at once). The refusal. */
static hj_status_t s_spend(void *s, const void *body, size_t len)
{
    hj_status_t st = {.code = HJ__CODE__OK};
    for (int i = 0; i < 100; i++) {
        st = s_call(s, body, len);
        if (st.code == HJ__CODE__RESOURCE_EXHAUSTED && st.retry_after_ms >= 900)
            break;
        if (st.code == HJ__CODE__RESOURCE_EXHAUSTED)
            usleep(st.retry_after_ms * 1000u); /* then the one token it waits for is taken */
    }
    cr_assert_eq(st.code, HJ__CODE__RESOURCE_EXHAUSTED, "%s", st.message);
    cr_assert_geq(st.retry_after_ms, 900);
    return st;
}

Test(fair_share, hj_waits_as_told_and_keeps_an_unsent_write_waiting, .init = s_setup_slow)
{
    size_t len;
    uint8_t *body = hj_stack_community_list(&len);
    void *ctx = zmq_ctx_new(), *raw = hj_stack_mdp_socket(&stack, ctx, field);
    cr_assert(raw);
    char *out = NULL, *err = NULL;

    /* Refused at first, hj waits the retry-after and asks again: the user sees the answer only. */
    s_spend(raw, body, len);
    cr_assert_eq(hj_run(&stack, &out, &err, "community", "list", "--device", field, NULL), 0, "%s",
                 err);
    cr_assert(strstr(out, "滨河社区"), "%s", out);
    cr_assert_eq(strstr(err, "RESOURCE_EXHAUSTED"), NULL, "%s", err);
    free(out);
    free(err);

    /* When waiting would outlast the command's time, hj gives up and says why: try again (exit 3).
     */
    s_spend(raw, body, len);
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "list", "--device", field, "--timeout",
                        "400", "--tries", "1", NULL),
                 3, "%s", err);
    cr_assert(strstr(err,
                     "RESOURCE_EXHAUSTED: device field-9 is sending too fast (limit 1 requests/s); "
                     "slow down, retry after"),
              "%s", err);
    free(err);

    /* A write that could not be sent for it is kept waiting, not refused... */
    s_spend(raw, body, len);
    cr_assert_eq(hj_run(&stack, &out, &err, "community", "add", "--code", "KBS-BH-09", "--name",
                        "民生社区", "--subdistrict", "KBS-BH", "--device", field, "--timeout",
                        "400", "--tries", "1", NULL),
                 0, "%s", err);
    cr_assert(strstr(out, "saved offline, 1 waiting"), "%s", out);
    cr_assert(strstr(err, "asks this device to slow down: device field-9 is sending too fast"),
              "%s", err);
    free(out);
    free(err);
    /* ...and `hj sync` that meets the same stops with "try again" (3), keeping it waiting... */
    s_spend(raw, body, len);
    int rc = hj_run(&stack, &out, &err, "sync", "--device", field, "--timeout", "400", "--tries",
                    "1", NULL);
    cr_assert_eq(rc, 3, "exit %d: %s%s", rc, out, err);
    cr_assert(strstr(out, "1 still waiting"), "%s", out);
    cr_assert_eq(strstr(out, "refused        "), NULL, "%s", out);
    cr_assert(strstr(err, "asks this device to slow down"), "%s", err);
    free(out);
    free(err);
    cr_assert_eq(hj_run(&stack, &out, NULL, "spool", "status", NULL), 0);
    cr_assert(strstr(out, "waiting    1") && strstr(out, "rejected   0"), "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community WHERE code = 'KBS-BH-09'"),
        0);
    /* ...until a sync with time enough to wait as told sends it. */
    cr_assert_eq(hj_run(&stack, &out, &err, "sync", "--device", field, NULL), 0, "%s", err);
    cr_assert(strstr(out, "1 sent"), "%s", out);
    free(out);
    free(err);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community WHERE code = 'KBS-BH-09'"),
        1);

    zmq_close(raw);
    zmq_ctx_term(ctx);
    free(body);
}
