/* The broker's per-device fair share (services/busd/ratelimit.c), on a fake
 * clock: a burst is admitted, then refused with the wait until the next
 * token; tokens come back at the rate; devices do not share a bucket; the
 * in-flight cap; refusals are reported once per interval; idle buckets are
 * forgotten. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "ratelimit.h"

static hj_ratelimit_t *rl;

static void teardown(void)
{
    hj_ratelimit_destroy(&rl);
    cr_assert_null(rl);
    hj_ratelimit_destroy(&rl); /* idempotent */
}

/* Takes until refused; returns how many were admitted. */
static int s_drain(const char *device, uint64_t now, uint32_t *retry)
{
    int n = 0;
    while (n < 100000 && hj_ratelimit_take(rl, device, now, retry) == 1)
        n++;
    return n;
}

Test(ratelimit, refuses_nonsense)
{
    cr_assert_null(hj_ratelimit_new(0, 10));
    cr_assert_null(hj_ratelimit_new(10, 0));
}

Test(ratelimit, burst_admitted_then_refused_with_the_wait_for_a_token, .fini = teardown)
{
    rl = hj_ratelimit_new(10, 5); /* a token every 100 ms */
    uint32_t retry = 0;
    cr_assert_eq(s_drain("obs-1", 1000, &retry), 5, "the whole burst, at once");
    cr_assert_eq(retry, 100, "one token takes 100 ms at 10/s, got %u", retry);
    /* Refused requests take nothing: asking again does not push the wait out. */
    cr_assert_eq(hj_ratelimit_take(rl, "obs-1", 1000, &retry), 0);
    cr_assert_eq(retry, 100);
    cr_assert_eq(hj_ratelimit_take(rl, "obs-1", 1040, &retry), 0);
    cr_assert_eq(retry, 60, "40 ms later, 60 ms are left: %u", retry);
    cr_assert_eq(hj_ratelimit_take(rl, "obs-1", 1099, &retry), 0);
    cr_assert_eq(retry, 1);
    /* Waiting exactly the retry-after is enough. */
    cr_assert_eq(hj_ratelimit_take(rl, "obs-1", 1100, &retry), 1);
    cr_assert_eq(hj_ratelimit_take(rl, "obs-1", 1100, &retry), 0);
}

Test(ratelimit, refills_at_the_rate_up_to_the_burst, .fini = teardown)
{
    rl = hj_ratelimit_new(200, 50);
    uint32_t retry;
    cr_assert_eq(s_drain("field-7", 0, &retry), 50);
    cr_assert_eq(retry, 5, "200/s: a token every 5 ms");
    cr_assert_eq(s_drain("field-7", 100, &retry), 20, "100 ms at 200/s bring 20 tokens");
    cr_assert_eq(s_drain("field-7", 102, &retry), 0, "a part of a token admits nothing");
    cr_assert_eq(retry, 3);
    /* A long pause fills the bucket to the burst, not beyond. */
    cr_assert_eq(s_drain("field-7", 60000, &retry), 50);
    /* Nor does a bucket idle for a very long time overflow. */
    cr_assert_eq(s_drain("field-7", UINT64_MAX / 2, &retry), 50);
}

Test(ratelimit, fractional_rates_wait_the_whole_token, .fini = teardown)
{
    rl = hj_ratelimit_new(3, 1); /* a token every 333.3 ms */
    uint32_t retry;
    cr_assert_eq(s_drain("slow", 0, &retry), 1);
    cr_assert_eq(retry, 334, "rounded up, never early: %u", retry);
    cr_assert_eq(hj_ratelimit_take(rl, "slow", 333, &retry), 0);
    cr_assert_eq(hj_ratelimit_take(rl, "slow", 334, &retry), 1);
}

Test(ratelimit, devices_are_independent, .fini = teardown)
{
    rl = hj_ratelimit_new(10, 3);
    uint32_t retry;
    cr_assert_eq(s_drain("obs-1", 0, &retry), 3);
    cr_assert_eq(hj_ratelimit_take(rl, "test-admin", 0, &retry), 1,
                 "another device still has its burst");
    cr_assert_eq(s_drain("test-admin", 0, &retry), 2);
    /* Names that share a prefix are different devices. */
    cr_assert_eq(s_drain("obs-10", 0, &retry), 3);
    cr_assert_eq(s_drain("obs", 0, &retry), 3);
    cr_assert_eq(hj_ratelimit_devices(rl), 4);
}

Test(ratelimit, caps_what_one_device_has_in_flight, .fini = teardown)
{
    rl = hj_ratelimit_new(1000, 1000);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(hj_ratelimit_hold(rl, "obs-1", 4), 1);
    cr_assert_eq(hj_ratelimit_hold(rl, "obs-1", 4), 0, "the fifth waits for one to end");
    cr_assert_eq(hj_ratelimit_held(rl, "obs-1"), 4, "a refused hold counts nothing");
    cr_assert_eq(hj_ratelimit_hold(rl, "test-admin", 4), 1, "the cap is per device");
    hj_ratelimit_release(rl, "obs-1");
    cr_assert_eq(hj_ratelimit_held(rl, "obs-1"), 3);
    cr_assert_eq(hj_ratelimit_hold(rl, "obs-1", 4), 1, "one ended: one more may go");
    hj_ratelimit_release(rl, "nobody"); /* harmless */
    cr_assert_eq(hj_ratelimit_held(rl, "nobody"), 0);
}

Test(ratelimit, refusals_are_reported_once_an_interval, .fini = teardown)
{
    rl = hj_ratelimit_new(10, 1);
    uint64_t n = 0;
    cr_assert_eq(hj_ratelimit_refused(rl, "obs-1", 1000, 10000, &n), 1,
                 "the first is reported at once");
    cr_assert_eq(n, 1);
    int reports = 0;
    for (uint64_t t = 1001; t < 11000; t++)
        reports += hj_ratelimit_refused(rl, "obs-1", t, 10000, &n);
    cr_assert_eq(reports, 0, "nothing more within the interval");
    cr_assert_eq(hj_ratelimit_refused(rl, "obs-1", 11000, 10000, &n), 1);
    cr_assert_eq(n, 10000, "the report counts every refusal since the last: %llu",
                 (unsigned long long)n);
    cr_assert_eq(hj_ratelimit_refused(rl, "test-admin", 11000, 10000, &n), 1, "per device");
}

Test(ratelimit, idle_buckets_are_forgotten, .fini = teardown)
{
    rl = hj_ratelimit_new(100, 10); /* full again 100 ms after being emptied */
    uint32_t retry;
    char name[32];
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "laptop-%d", i);
        s_drain(name, 0, &retry);
    }
    cr_assert_eq(hj_ratelimit_devices(rl), 500);
    /* One device holding a request, one refused lately: both are kept. */
    cr_assert_eq(hj_ratelimit_hold(rl, "laptop-7", 64), 1);
    uint64_t n;
    hj_ratelimit_refused(rl, "laptop-8", 50, 10000, &n);
    /* Not yet full: still kept, however long the sweep runs. */
    for (int i = 0; i < 2000; i++)
        hj_ratelimit_take(rl, "busy", 50 + (uint64_t)i / 100, &retry);
    cr_assert_eq(hj_ratelimit_devices(rl), 501);
    /* Full again: the requests of one busy device sweep the rest away. */
    for (int i = 0; i < 2000; i++)
        hj_ratelimit_take(rl, "busy", 200, &retry);
    cr_assert_eq(hj_ratelimit_devices(rl), 3, "busy, the held one and the reported one: %zu",
                 hj_ratelimit_devices(rl));
    cr_assert_eq(hj_ratelimit_held(rl, "laptop-7"), 1);
    hj_ratelimit_release(rl, "laptop-7");
    for (int i = 0; i < 2000; i++)
        hj_ratelimit_take(rl, "busy", 20000, &retry);
    cr_assert_eq(hj_ratelimit_devices(rl), 1, "only the busy one is left");
    /* A forgotten device starts again with a full burst. */
    cr_assert_eq(s_drain("laptop-3", 20000, &retry), 10);
}
