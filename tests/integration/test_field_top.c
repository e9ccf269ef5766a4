/* Issue #20 leftovers, item 5: hj-top, like `hj watch`, stops and says so
 * when its device is revoked, instead of showing a board that no longer
 * moves. The real hj-top runs in a pseudo-terminal (script(1): it needs a
 * terminal, and refuses a pipe); its device is revoked with the real `hj
 * admin device revoke`; hj-busd cuts the subscription and refuses the
 * reconnect, and hj-top exits 1 naming the device. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_test.h"
#include "hj_stack.h"
#include "hj_wait.h"

static hj_stack_t stack;
static pid_t top = -1;

static void setup(void)
{
    static const char *const programs[] = {"hj-registryd", "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "tally", NULL};
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
}

static void teardown(void)
{
    if (top > 0) {
        kill(top, SIGTERM);
        waitpid(top, NULL, 0);
    }
    hj_stack_stop(&stack);
}

TestSuite(field_top, .init = setup, .fini = teardown, .timeout = 180);

/* hj-top as `device`, in a pseudo-terminal whose output goes to log. */
static pid_t s_start_top(const char *device, const char *log)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "exec %s/hj-top", stack.bin_dir);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("HJ_DEVICE", device, 1);
        setenv("HJ_BUS", stack.bus, 1);
        setenv("HJ_BUS_EVENTS", stack.events, 1);
        setenv("LANG", "C.UTF-8", 1);
        setenv("LC_ALL", "C.UTF-8", 1);
        setenv("TERM", "xterm", 1);
        if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        /* -e: script exits with hj-top's status; -f: the log is written as it comes. */
        execlp("script", "script", "-qefc", cmd, log, (char *)NULL);
        _exit(127);
    }
    return pid;
}

typedef struct {
    pid_t pid;
    int status;
    int exited;
} s_child_t;

static int s_exited(void *arg)
{
    s_child_t *c = arg;
    if (!c->exited && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
        c->exited = 1;
    return c->exited;
}

typedef struct {
    const char *log, *text;
} s_log_t;

static int s_log_has(void *arg)
{
    s_log_t *l = arg;
    return hj_wait_file_has(l->log, l->text);
}

Test(field_top, hj_top_stops_and_says_so_when_its_device_is_revoked)
{
    char device[512], log[600];
    cr_assert_eq(hj_stack_enrol(&stack, "ops-screen", "运维", "observer", device, sizeof device),
                 0);
    snprintf(log, sizeof log, "%s/hj-top.log", stack.run_dir);
    top = s_start_top(device, log);
    cr_assert(top > 0);
    /* Up and drawing the board (its title), as the device. */
    s_log_t title = {log, "换届准备看板"};
    cr_assert_eq(hj_wait_until(s_log_has, &title, 30000), 0, "hj-top never drew its board");
    s_child_t child = {top, 0, 0};
    cr_assert_eq(s_exited(&child), 0, "hj-top stopped before its device was revoked");

    free(HJ_OK(&stack, "admin", "device", "revoke", "ops-screen", "--db", stack.db));
    cr_assert_eq(hj_wait_until(s_exited, &child, 30000), 0, "hj-top went on after the revocation");
    top = -1;
    cr_assert(WIFEXITED(child.status) && WEXITSTATUS(child.status) == 1, "hj-top's exit status %d",
              child.status);
    s_log_t said = {log, "ops-screen's key"};
    cr_assert(s_log_has(&said), "hj-top names the refused device");
    s_log_t why = {log, "it was revoked"};
    cr_assert(s_log_has(&why), "and says why");
}
