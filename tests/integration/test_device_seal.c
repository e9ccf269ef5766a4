/* Device files sealed at rest, end to end: `hj admin device enrol
 * --passphrase` writes no clear secret key; `hj` and `hj-top` open the file
 * with HJ_DEVICE_PASSPHRASE or a passphrase typed on their terminal (a real
 * pseudo-terminal here, echo off), refuse a wrong one or none with exit 3,
 * and unsealed files work as before. Real hj-busd, hj-registryd, hj, hj-top
 * and PostgreSQL. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_test.h"
#include "hj_stack.h"

#define PASS "滨河 第一指导组 laptop 7"

static hj_stack_t stack;

static void setup(void)
{
    prep_start(&stack);
    unsetenv("HJ_DEVICE_PASSPHRASE");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(device_seal, .init = setup, .fini = teardown, .timeout = 180);

static const char *s_path(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/devices/%s.device", stack.run_dir, name);
    return path;
}

/* HJ_DEVICE_PASSPHRASE for the hj children that follow; NULL: none. */
static void s_passphrase(const char *passphrase)
{
    if (passphrase)
        setenv("HJ_DEVICE_PASSPHRASE", passphrase, 1);
    else
        unsetenv("HJ_DEVICE_PASSPHRASE");
}

static char *s_slurp(const char *path)
{
    static char text[4096];
    char *file = hj_test_file(path);
    cr_assert(file, "%s", path);
    snprintf(text, sizeof text, "%s", file);
    free(file);
    return text;
}

/* The file is sealed: a seal line with the algorithm and limits, the box,
 * and no clear `secret_key =` line. */
static void s_assert_sealed(const char *text)
{
    cr_assert(strstr(text, "\nseal = argon2id13 ops=2 mem=67108864\n"), "%s", text);
    cr_assert(strstr(text, "\nsecret_key_sealed = "), "%s", text);
    cr_assert_null(strstr(text, "\nsecret_key ="), "a clear secret key: %s", text);
}

/* `hj admin device enrol NAME --role observer --passphrase` with passphrase
 * in HJ_DEVICE_PASSPHRASE (NULL: unset), as the real hj. */
static int s_enrol_sealed(const char *name, const char *passphrase, char **out, char **err)
{
    char path[400];
    s_passphrase(passphrase);
    int rc = hj_run(&stack, out, err, "admin", "device", "enrol", name, "--team", "指挥中心",
                    "--role", "observer", "--passphrase", "--out", s_path(name, path, sizeof path),
                    "--db", stack.db, "--run-dir", stack.run_dir, NULL);
    s_passphrase(NULL);
    return rc;
}

/* Waits until hj-busd admits the device (the enrolment's NOTIFY reached it). */
static void s_wait_admitted(const char *device, const char *passphrase)
{
    char *err = NULL;
    int admitted = 0;
    s_passphrase(passphrase);
    for (int i = 0; i < 250 && !admitted; i++) {
        free(err);
        err = NULL;
        hj_run(&stack, NULL, &err, "status", "--service", "registry", "--device", device, "--tries",
               "1", "--timeout", "1000", NULL);
        admitted = !err || !strstr(err, "UNAUTHENTICATED");
        if (!admitted)
            usleep(20000);
    }
    s_passphrase(NULL);
    cr_assert(admitted, "%s was never admitted: %s", device, err);
    free(err);
}

/* `hj community list --device device`; its exit status, stdout and stderr. */
static int s_list(const char *device, char **out, char **err)
{
    return hj_run(&stack, out, err, "community", "list", "--device", device, NULL);
}

/* The device file at path works: hj lists the communities with it. */
static void s_lists_communities(const char *path)
{
    char *out = NULL, *err = NULL;
    cr_assert_eq(s_list(path, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "KBS-BH-01"), "%s", out);
    free(out);
    free(err);
}

Test(device_seal, a_sealed_device_works_only_with_its_passphrase)
{
    char path[400], want[600], *out = NULL, *err = NULL;
    s_path("field-1", path, sizeof path);
    cr_assert_eq(s_enrol_sealed("field-1", PASS, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "its secret key is sealed with the passphrase"), "%s", out);
    free(out);
    free(err);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    s_assert_sealed(s_slurp(path));
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.devices WHERE name = 'field-1'"),
                 1);
    s_wait_admitted(path, PASS);

    /* The right passphrase: the device reads like any other. */
    s_passphrase(PASS);
    cr_assert_eq(s_list(path, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "KBS-BH-01") && strstr(out, "康和社区"), "%s", out);
    free(out);
    free(err);

    /* A wrong one: exit 3, and the message says so and names the file. */
    s_passphrase("滨河 第一指导组 laptop 8");
    cr_assert_eq(s_list(path, &out, &err), 3, "%s%s", out, err);
    snprintf(want, sizeof want, "hj: the device file %s could not be opened: wrong passphrase\n",
             path);
    cr_assert_str_eq(err, want);
    cr_assert_str_empty(out, "nothing was read");
    free(out);
    free(err);

    /* None, and no terminal to ask on: exit 3 naming the variable. */
    s_passphrase(NULL);
    cr_assert_eq(s_list(path, &out, &err), 3, "%s%s", out, err);
    cr_assert(strstr(err, "could not be opened") && strstr(err, "HJ_DEVICE_PASSPHRASE"), "%s", err);
    free(out);
    free(err);
}

Test(device_seal, an_unsealed_device_works_as_before)
{
    char path[400];
    cr_assert_eq(hj_stack_enrol(&stack, "plain-1", "指挥中心", "observer", path, sizeof path), 0);
    const char *text = s_slurp(path);
    cr_assert(strstr(text, "\nsecret_key = "), "%s", text);
    cr_assert_null(strstr(text, "seal"), "%s", text);
    /* No passphrase and no terminal: nothing is asked. */
    s_lists_communities(path);
    /* A passphrase in the environment is not needed, and does no harm. */
    s_passphrase("for another file");
    s_lists_communities(path);
}

Test(device_seal, a_sealed_device_file_on_stdout_is_sealed_too)
{
    char path[400], *out = NULL, *err = NULL;
    s_passphrase(PASS);
    cr_assert_eq(hj_run(&stack, &out, &err, "admin", "device", "enrol", "piped-2", "--team",
                        "指挥中心", "--role", "observer", "--passphrase", "--out", "-", "--db",
                        stack.db, "--run-dir", stack.run_dir, NULL),
                 0, "%s", err);
    cr_assert(strstr(err, "enrolled piped-2"), "the summary goes to stderr: %s", err);
    s_assert_sealed(out);
    cr_assert(strncmp(out, "# Huanjie device file", 21) == 0, "stdout is only the file: %s", out);
    /* As an operator would: hj admin ... --out - > piped-2.device */
    int fd = open(s_path("piped-2", path, sizeof path), O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert(fd >= 0 && write(fd, out, strlen(out)) == (ssize_t)strlen(out));
    close(fd);
    free(out);
    free(err);
    s_wait_admitted(path, PASS);
    s_passphrase(PASS);
    s_lists_communities(path);
}

Test(device_seal, enrolment_without_a_usable_passphrase_enrols_nothing)
{
    char path[400], *out = NULL, *err = NULL;
    static const struct {
        const char *name, *passphrase, *says;
    } cases[] = {
        {"empty-1", "", "HJ_DEVICE_PASSPHRASE is empty: an empty passphrase seals nothing"},
        {"none-1", NULL, "no terminal to ask for the passphrase on: set HJ_DEVICE_PASSPHRASE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(s_enrol_sealed(cases[i].name, cases[i].passphrase, &out, &err), 2, "%s%s", out,
                     err);
        cr_assert(strstr(err, cases[i].says) && strstr(err, "nothing was enrolled"), "%s", err);
        cr_assert_eq(access(s_path(cases[i].name, path, sizeof path), F_OK), -1, "no file");
        free(out);
        free(err);
    }
    /* On the command line it would sit in the shell's history: refused. */
    s_passphrase(PASS);
    cr_assert_eq(hj_run(&stack, &out, &err, "admin", "device", "enrol", "argv-1", "--team",
                        "指挥中心", "--role", "observer", "--out",
                        s_path("argv-1", path, sizeof path), "--db", stack.db, "--run-dir",
                        stack.run_dir, "--passphrase", "hunter2", NULL),
                 2, "%s", err);
    cr_assert(strstr(err, "--passphrase takes no value"), "%s", err);
    cr_assert_eq(access(path, F_OK), -1, "no file");
    free(out);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.devices WHERE name IN "
                                         "('empty-1', 'none-1', 'argv-1')"),
                 0, "no device was enrolled");
}

/* ---- on a terminal ----------------------------------------------------------- */

/* Runs `hj ARGV` on a new pseudo-terminal, its controlling terminal, with no
 * HJ_DEVICE_PASSPHRASE, typing answers[i] after the i-th passphrase prompt.
 * What the terminal showed goes into shown; returns hj's exit status. */
static int s_hj_on_tty(const char *const *argv, const char *const *answers, char *shown,
                       size_t size)
{
    char path[400], config[400];
    int master = -1, status = -1;
    size_t len = 0, answered_at = 0, asked = 0;
    snprintf(path, sizeof path, "%s/hj", stack.bin_dir);
    snprintf(config, sizeof config, "%s/config", stack.run_dir);
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *args[40] = {"hj"};
        for (int i = 0; argv[i] && i < 38; i++)
            args[i + 1] = argv[i];
        setenv("HJ_BUS", stack.bus, 1);
        setenv("HJ_BUS_EVENTS", stack.events, 1);
        setenv("HJ_DEVICE", stack.device, 1);
        setenv("XDG_CONFIG_HOME", config, 1);
        unsetenv("HJ_DEVICE_PASSPHRASE");
        execv(path, (char *const *)args);
        _exit(127);
    }
    shown[0] = 0;
    for (;;) {
        struct pollfd p = {.fd = master, .events = POLLIN};
        cr_assert(poll(&p, 1, 30000) > 0, "hj on the terminal went quiet: %s", shown);
        ssize_t got = read(master, shown + len, size - 1 - len);
        if (got <= 0)
            break; /* EIO: hj exited, and the terminal with it */
        len += (size_t)got;
        shown[len] = 0;
        /* A prompt since the last answer (echo is already off when it shows): answer it. */
        const char *since = shown + answered_at;
        if (answers[asked] && (strstr(since, "Passphrase") || strstr(since, "Again")) &&
            strstr(since, ": ")) {
            char line[600];
            snprintf(line, sizeof line, "%s\n", answers[asked++]);
            cr_assert_eq(write(master, line, strlen(line)), (ssize_t)strlen(line));
            answered_at = len;
        }
    }
    waitpid(pid, &status, 0);
    close(master);
    cr_assert_null(answers[asked], "hj asked only %zu times: %s", asked, shown);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(device_seal, on_a_terminal_the_passphrase_is_asked_without_echo)
{
    char path[400], shown[8192];
    s_path("tty-1", path, sizeof path);
    const char *const enrol[] = {"admin",        "device",    "enrol",       "tty-1",
                                 "--team",       "指挥中心",  "--role",      "observer",
                                 "--passphrase", "--out",     path,          "--db",
                                 stack.db,       "--run-dir", stack.run_dir, NULL};
    /* Asked twice: two that differ, or an empty one, enrol nothing (exit 2). */
    cr_assert_eq(s_hj_on_tty(enrol, (const char *const[]){PASS, "something else", NULL}, shown,
                             sizeof shown),
                 2, "%s", shown);
    cr_assert(strstr(shown, "Passphrase to seal tty-1's device file with: "), "%s", shown);
    cr_assert(strstr(shown, "Again, to confirm: "), "%s", shown);
    cr_assert(strstr(shown, "the two passphrases differ; nothing was enrolled"), "%s", shown);
    cr_assert_eq(s_hj_on_tty(enrol, (const char *const[]){"", NULL}, shown, sizeof shown), 2, "%s",
                 shown);
    cr_assert(strstr(shown, "an empty passphrase seals nothing; nothing was enrolled"), "%s",
              shown);
    cr_assert_eq(access(path, F_OK), -1);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.devices WHERE name = 'tty-1'"),
                 0);

    /* The same twice: sealed, and never shown on the screen. */
    cr_assert_eq(s_hj_on_tty(enrol, (const char *const[]){PASS, PASS, NULL}, shown, sizeof shown),
                 0, "%s", shown);
    cr_assert(strstr(shown, "enrolled tty-1"), "%s", shown);
    cr_assert_null(strstr(shown, PASS), "the passphrase was echoed: %s", shown);
    s_assert_sealed(s_slurp(path));
    s_wait_admitted(path, PASS);

    /* hj asks once, on the terminal, and reads. */
    const char *const list[] = {"community", "list", "--device", path, NULL};
    cr_assert_eq(s_hj_on_tty(list, (const char *const[]){PASS, NULL}, shown, sizeof shown), 0, "%s",
                 shown);
    cr_assert_eq(prep_count(shown, "Passphrase for the device file"), 1, "%s", shown);
    cr_assert(strstr(shown, "KBS-BH-01"), "%s", shown);
    cr_assert_null(strstr(shown, PASS), "the passphrase was echoed: %s", shown);
    /* A typo: asked once, refused with exit 3. */
    cr_assert_eq(s_hj_on_tty(list, (const char *const[]){"滨河", NULL}, shown, sizeof shown), 3,
                 "%s", shown);
    cr_assert(strstr(shown, "could not be opened: wrong passphrase"), "%s", shown);
    cr_assert_null(strstr(shown, "KBS-BH-01"), "%s", shown);
}

/* ---- hj-top -------------------------------------------------------------------- */

/* Runs hj-top --device device with no terminal at all; its exit status, and
 * its stderr into err. */
static int s_top(const char *device, char *err, size_t size)
{
    char path[400];
    int e[2], status = -1;
    snprintf(path, sizeof path, "%s/hj-top", stack.bin_dir);
    cr_assert_eq(pipe(e), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        setsid();
        dup2(null, 0);
        dup2(null, 1);
        dup2(e[1], 2);
        close(e[0]);
        execl(path, "hj-top", "--device", device, (char *)NULL);
        _exit(127);
    }
    close(e[1]);
    size_t len = 0;
    ssize_t got;
    while (len + 1 < size && (got = read(e[0], err + len, size - 1 - len)) > 0)
        len += (size_t)got;
    err[len] = 0;
    close(e[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(device_seal, hj_top_opens_a_sealed_device_or_says_why_not)
{
    char path[400], err[2048], want[600];
    cr_assert_eq(s_enrol_sealed("ops-room", PASS, NULL, NULL), 0);
    s_path("ops-room", path, sizeof path);
    s_passphrase("not it");
    cr_assert_eq(s_top(path, err, sizeof err), 3, "%s", err);
    snprintf(want, sizeof want,
             "hj-top: the device file %s could not be opened: wrong passphrase\n", path);
    cr_assert_str_eq(err, want);
    s_passphrase(NULL);
    cr_assert_eq(s_top(path, err, sizeof err), 3, "%s", err);
    cr_assert(strstr(err, "HJ_DEVICE_PASSPHRASE"), "%s", err);
    /* The right one opens the file; then hj-top wants a terminal to draw on. */
    s_passphrase(PASS);
    cr_assert_eq(s_top(path, err, sizeof err), 2, "%s", err);
    cr_assert(strstr(err, "hj-top: needs a terminal"), "past the device file: %s", err);
    s_passphrase(NULL);
}
