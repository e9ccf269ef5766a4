/* Unit tests for hj_signal_run: how every daemon stops. What a daemon relies
 * on: SIGTERM or SIGINT calls its stop function once, on the loop, and
 * hj_signal_run returns; a second signal then ends the process the default
 * way (an operator's second Ctrl-C is never swallowed). Each Criterion test
 * runs in a process of its own, so the signals are the test's alone; the
 * timeouts turn a loop that never stops into a failure, not a hang. */
#include <criterion/criterion.h>
#include <signal.h>
#include <uv.h>

#include "hj_signal.h"

typedef struct {
    uv_timer_t timer; /* what keeps the loop alive, as a daemon's sockets do */
    int signum;       /* sent once the loop runs */
    int sent;
    int stops;
    void *stop_arg;
} s_daemon_t;

static void s_on_timer(uv_timer_t *t)
{
    s_daemon_t *d = t->data;
    if (d->sent++ == 0)
        cr_assert_eq(raise(d->signum), 0);
}

static void s_stop(void *arg)
{
    s_daemon_t *d = arg;
    d->stops++;
    d->stop_arg = arg;
    uv_close((uv_handle_t *)&d->timer, NULL);
}

/* Runs a loop kept alive by a repeating timer that sends signum once. */
static void s_run_until(int signum, s_daemon_t *d)
{
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    d->signum = signum;
    d->timer.data = d;
    cr_assert_eq(uv_timer_init(&loop, &d->timer), 0);
    cr_assert_eq(uv_timer_start(&d->timer, s_on_timer, 1, 5), 0);
    hj_signal_run(&loop, s_stop, d);
}

Test(signal_run, sigterm_stops_the_loop_once, .timeout = 10)
{
    s_daemon_t d = {0};
    s_run_until(SIGTERM, &d);
    cr_assert_eq(d.stops, 1, "stop was called %d times", d.stops);
    cr_assert_eq(d.stop_arg, &d, "stop got its argument");
    cr_assert_eq(d.sent, 1, "the loop ran until the signal, and no longer");
}

Test(signal_run, sigint_stops_the_loop_once, .timeout = 10)
{
    s_daemon_t d = {0};
    s_run_until(SIGINT, &d);
    cr_assert_eq(d.stops, 1, "stop was called %d times", d.stops);
}

Test(signal_run, a_second_signal_ends_the_process, .signal = SIGTERM, .timeout = 10)
{
    s_daemon_t d = {0};
    s_run_until(SIGTERM, &d);
    cr_assert_eq(d.stops, 1);
    raise(SIGTERM);
    cr_assert_fail("the second SIGTERM was swallowed");
}
