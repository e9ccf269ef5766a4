#include "hj_wait.h"

#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <zmq.h>

#include "hj_frames.h"

static long s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int hj_wait_until(hj_wait_fn *cond, void *arg, int timeout_ms)
{
    long deadline = s_now_ms() + timeout_ms;
    /* A short step: the condition is cheap next to what it waits for. */
    struct timespec step = {0, 10 * 1000000L};
    for (;;) {
        if (cond(arg))
            return 0;
        if (s_now_ms() >= deadline)
            break;
        nanosleep(&step, NULL);
    }
    return cond(arg) ? 0 : -1;
}

typedef struct {
    pid_t pid;
    int *status;
} s_child_t;

static int s_child_exited(void *arg)
{
    s_child_t *c = arg;
    return waitpid(c->pid, c->status, WNOHANG) == c->pid;
}

int hj_wait_exited(pid_t pid, int *status, int timeout_ms)
{
    s_child_t c = {pid, status};
    return hj_wait_until(s_child_exited, &c, timeout_ms);
}

/* Lines of the files matching pattern that hold text, up to `most`. */
static int s_file_lines(const char *pattern, const char *text, int most)
{
    glob_t g;
    int found = 0;
    if (glob(pattern, 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc && found < most; i++) {
        FILE *f = fopen(g.gl_pathv[i], "r");
        char line[4096];
        while (f && found < most && fgets(line, sizeof line, f))
            found += strstr(line, text) != NULL;
        if (f)
            fclose(f);
    }
    globfree(&g);
    return found;
}

int hj_wait_file_has(const char *pattern, const char *text)
{
    return s_file_lines(pattern, text, 1);
}

int hj_wait_file_count(const char *pattern, const char *text)
{
    return s_file_lines(pattern, text, INT_MAX);
}

/* Reads one event of sub within wait_ms; 1 when its topic is `topic`, 0 when
 * it is another, -1 when none came. */
static int s_next_is(void *sub, const char *topic, int wait_ms)
{
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    hj_frames_t f;
    if (zmq_poll(&item, 1, wait_ms) <= 0 || hj_frames_recv(sub, &f, ZMQ_DONTWAIT) != 0)
        return -1;
    int is = hj_frames_is(&f, 0, topic);
    hj_frames_close(&f);
    return is;
}

int hj_wait_subscribed(void *sub, hj_wait_poke_fn *poke, void *arg, int timeout_ms)
{
    long deadline = s_now_ms() + timeout_ms;
    char topic[256] = "";
    /* Until the subscription is in place the publisher drops every probe's
     * event. A probe's own event arriving proves it is, and events come in
     * order, so every earlier probe's that was to come has come (and was
     * read here). An earlier probe's alone proves less: the last one may
     * have been dropped just before; so poke again. */
    for (int probes = 0; s_now_ms() < deadline;) {
        if (poke(arg, probes, topic, sizeof topic) != 0)
            return -1;
        probes++;
        int rc;
        while ((rc = s_next_is(sub, topic, 100)) == 0)
            ;
        if (rc == 1)
            return probes;
    }
    return -1;
}
