#include "hj_signal.h"
#include "hj_log.h"

#include <signal.h>

typedef struct {
    uv_signal_t sigint, sigterm;
    hj_signal_stop_fn stop;
    void *arg;
} s_signals_t;

static void s_on_signal(uv_signal_t *h, int signum)
{
    s_signals_t *s = h->data;
    hj_info("signal %d: stopping", signum);
    s->stop(s->arg);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
}

void hj_signal_run(uv_loop_t *loop, hj_signal_stop_fn stop, void *arg)
{
    /* On this stack frame: the handles are closed before uv_run returns. */
    s_signals_t s = {.stop = stop, .arg = arg};
    s.sigint.data = s.sigterm.data = &s;
    uv_signal_init(loop, &s.sigint);
    uv_signal_init(loop, &s.sigterm);
    uv_signal_start(&s.sigint, s_on_signal, SIGINT);
    uv_signal_start(&s.sigterm, s_on_signal, SIGTERM);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
}
