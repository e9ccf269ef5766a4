#ifndef HJ_SIGNAL_H
#define HJ_SIGNAL_H
/* A daemon's loop, run until SIGINT or SIGTERM: hj-busd and every service
 * (hj_worker_main) stop the same way. */
#include <uv.h>

/* Destroys what keeps the loop alive, so that uv_run returns. */
typedef void (*hj_signal_stop_fn)(void *arg);

/* Runs loop until the first SIGINT or SIGTERM, which is logged and calls
 * stop(arg) on the loop; the signal handles close with it (a second signal
 * then ends the process the default way). Closes the loop when uv_run returns. */
void hj_signal_run(uv_loop_t *loop, hj_signal_stop_fn stop, void *arg);

#endif
