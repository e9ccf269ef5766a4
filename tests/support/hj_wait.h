#ifndef HJ_WAIT_H
#define HJ_WAIT_H
#include <stddef.h>
#include <sys/types.h>
/* Waiting on a condition instead of sleeping for a guessed while: a test
 * that waits this way is as fast as the machine and as patient as its
 * deadline (ASan on two busy cores is slow, not wrong). */

/* A condition: nonzero once it holds. */
typedef int(hj_wait_fn)(void *arg);

/* Tests cond(arg) at once and then every few milliseconds until it holds
 * or timeout_ms has passed. 0 when it held, -1 at the deadline. */
int hj_wait_until(hj_wait_fn *cond, void *arg, int timeout_ms);

/* Waits until the child pid has exited and reaps it, its wait status into
 * *status. 0 when it exited, -1 at the deadline (it still runs). */
int hj_wait_exited(pid_t pid, int *status, int timeout_ms);

/* 1 when some file matching the glob pattern holds the text (a daemon's log
 * line, say), else 0. */
int hj_wait_file_has(const char *pattern, const char *text);
/* How many lines of the files matching the glob pattern hold the text (to
 * wait for the next such line: a count above the one taken before). */
int hj_wait_file_count(const char *pattern, const char *text);

/* A write that produces an event: makes probe number k and writes the topic
 * its event will carry into topic. 0 / -1. */
typedef int(hj_wait_poke_fn)(void *arg, int k, char *topic, size_t size);

/* A SUB socket's subscription has reached the publisher once an event
 * published after it arrives: pokes (probe 0, 1, ...) until a probe's own
 * event arrives on sub, reading (and dropping) earlier probes' events on the
 * way, so that nothing of the probes is left to read. sub must be subscribed
 * to the probes' topics and should hear nothing else meanwhile. Returns the
 * number of probes made, -1 after timeout_ms or when a poke fails. */
int hj_wait_subscribed(void *sub, hj_wait_poke_fn *poke, void *arg, int timeout_ms);

#endif
