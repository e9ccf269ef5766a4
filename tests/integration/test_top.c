/* hj-top end to end: the real stack (hj-busd, hj-registryd, hj-auditd,
 * hj-interviewsd, hj-tallyd), the real hj-top in a real terminal (tmux), writes
 * through the real CLI, and the screen read back with `tmux capture-pane`:
 * the board equals hj-tallyd's Snapshot, new values appear without a key pressed,
 * Chinese names line up, 80 columns work, the status line goes to reconnecting
 * and back when hj-busd is killed and restarted, and the picture is right again. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hj_client.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_text.h"
#include "hj_wait.h"
#include "tally.pb-c.h"

static char tmux_socket[64];

#define WANG_LI "11111111-1111-4111-8111-111111111111"  /* 滨河 party secretary */
#define LI_QIANG "33333333-3333-4333-8333-333333333333" /* leads the guidance group */
#define ZHAO_MIN "44444444-4444-4444-8444-444444444444" /* joins 康和 during the test */

/* Names of four display widths: 8, 18, 10 and 4 columns (12, 27, 10, 6 bytes). */
static const char *const s_codes[] = {"KBS-BH-01", "KBS-BH-02", "KBS-BH-03", "KBS-BH-04"};
static const char *const s_names[] = {"滨河社区", "伊金霍洛旗第一社区", "Binhe-East", "康和"};

/* How long a wait for the screen gives up after: a deadline against a hang,
 * not a measure (speed is for the benchmarks to measure). */
#define S_PATIENCE_MS 20000

static long s_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A write through the real CLI that must succeed (hj's message on stderr). */
static void s_hj(const char *const *argv)
{
    cr_assert_eq(hj_seed_run(&stack, argv), 0, "hj %s %s", argv[0], argv[1]);
}

/* The stack every test starts from: the places, with names of every width
 * the dashboard must line up, three persons, a seat, a guidance group and an
 * open rectification, applied by hj-tallyd. 0 / -1. */
static int hj_suite_seed(hj_stack_t *s)
{
    const hj_seed_place_t places[] = {{s_codes[0], s_names[0]},
                                      {s_codes[1], s_names[1]},
                                      {s_codes[2], s_names[2]},
                                      {s_codes[3], s_names[3]},
                                      {NULL, NULL}};
    char opened[11];
    hj_date_from_today(-10, opened);
    const char *steps[][24] = {
        {"person", "add", "--name", "王丽", "--gender", "female", "--request-id", WANG_LI},
        {"person", "add", "--name", "李强", "--gender", "male", "--request-id", LI_QIANG},
        {"person", "add", "--name", "赵敏", "--gender", "female", "--request-id", ZHAO_MIN},
        {"seat", "add", "--community", s_codes[0], "--person", WANG_LI, "--committee", "party",
         "--role", "secretary", "--from", "2021-01-15"},
        {"body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--leader", LI_QIANG,
         "--subdistrict", "KBS-BH", "--guides", s_codes[0], "--guides", s_codes[1]},
        {"rectification", "open", "--community", s_codes[3], "--problem", "petitions", "--plan",
         "一社一策: 信访化解", "--owner", "街道换届办", "--date", opened, "--due", opened},
    };
    int rc = hj_stack_start_all(s) == 0 && hj_seed_places_named(s, places) == 0 ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof steps[0]; i++)
        rc = hj_seed_run(s, steps[i]);
    /* hj_stack_seed_done: hj-tallyd has the record before a dashboard asks
     * it for a snapshot. */
    return hj_stack_seed_done(s, rc);
}

static void s_tmux_name(void)
{
    snprintf(tmux_socket, sizeof tmux_socket, "hjtop-%d-%ld", (int)getpid(), s_ms());
}

/* Each test has a stack of its own (one test's writes would move another's
 * board, and two take daemons away), started on a copy of the seed's
 * database: the runner writes the seed once (starting and seeding a stack is
 * seconds under ASan). */
static void setup(void)
{
    hj_suite_start(NULL, NULL);
    s_tmux_name();
}

/* ---- tmux ------------------------------------------------------------------- */

/* Runs tmux on the test's own server with the given arguments (NULL-ended);
 * stdout into *out when out is not NULL. Returns the exit status. */
static int s_tmux(char **out, ...)
{
    const char *argv[40] = {"tmux", "-L", tmux_socket, "-f", "/dev/null"};
    int fd[2];
    va_list ap;
    va_start(ap, out);
    hj_argv_va(argv, 5, 40, ap);
    va_end(ap);
    if (pipe2(fd, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(fd[1], 1);
        dup2(null, 2);
        /* Only 0-2 stay open: a tmux server started here must not keep the
         * pipe (reading it would never end). */
        close(fd[0]);
        close(fd[1]);
        close(null);
        execvp("tmux", (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    ssize_t got;
    while ((got = read(fd[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = 0;
    close(fd[0]);
    int status = -1;
    waitpid(pid, &status, 0);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void s_relay_stop(void);

/* The dashboards, the cable and the stack go. */
static void teardown(void)
{
    if (tmux_socket[0])
        s_tmux(NULL, "kill-server", NULL);
    s_relay_stop();
    hj_stack_stop(&stack);
}

TestSuite(top, .init = setup, .fini = teardown, .timeout = 180);

/* The file where the shell around hj-top writes its exit status. */
static void s_status_file(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s.exit", stack.run_dir, name);
}

/* hj-top in a new detached session `name` of cols x rows, its events from
 * `events_endpoint` (NULL: the stack's). A shell around it writes its exit
 * status to a file (tmux reports a dead pane's status only now and then). */
static void s_start_top_at(const char *name, int cols, int rows, const char *events_endpoint)
{
    char x[16], y[16], bus[128], events[128], bin[600], status[600], device[400];
    snprintf(x, sizeof x, "%d", cols);
    snprintf(y, sizeof y, "%d", rows);
    snprintf(bus, sizeof bus, "HJ_BUS=%s", stack.bus);
    snprintf(events, sizeof events, "HJ_BUS_EVENTS=%s",
             events_endpoint ? events_endpoint : stack.events);
    snprintf(bin, sizeof bin, "%s/hj-top", stack.bin_dir);
    snprintf(device, sizeof device, "HJ_DEVICE=%s", stack.device);
    s_status_file(name, status, sizeof status);
    cr_assert_eq(s_tmux(NULL, "new-session", "-d", "-s", name, "-x", x, "-y", y, "sh", "-c",
                        "\"$@\"; echo $? > \"$0\"", status, "env", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                        bus, events, device, bin, NULL),
                 0, "tmux new-session failed");
}

static void s_start_top(const char *name, int cols, int rows)
{
    s_start_top_at(name, cols, rows, NULL);
}

static char *s_screen(const char *name)
{
    char *out = NULL;
    char target[64];
    snprintf(target, sizeof target, "%s:", name);
    s_tmux(&out, "capture-pane", "-p", "-t", target, NULL);
    return out;
}

static void s_keys(const char *name, const char *keys)
{
    char target[64];
    snprintf(target, sizeof target, "%s:", name);
    s_tmux(NULL, "send-keys", "-t", target, keys, NULL);
}

/* Polls the screen until it contains `needle` (or, with absent, until it
 * does not). 0, or -1 after S_PATIENCE_MS. */
static int s_wait_text(const char *name, const char *needle, int absent)
{
    long start = s_ms();
    for (;;) {
        char *screen = s_screen(name);
        int has = strstr(screen, needle) != NULL;
        free(screen);
        if (has != absent)
            return 0;
        if (s_ms() - start > S_PATIENCE_MS)
            return -1;
        s_sleep_ms(50);
    }
}

/* ---- reading the screen --------------------------------------------------------- */

/* The line of `screen` that starts with `prefix` (copied into buf), or NULL. */
static char *s_line(const char *screen, const char *prefix, char *buf, size_t size)
{
    for (const char *l = screen; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (strncmp(l, prefix, strlen(prefix)) == 0) {
            snprintf(buf, size, "%.*s", (int)len, l);
            return buf;
        }
        l = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* The last non-blank line: the status line. */
static void s_status(const char *screen, char *buf, size_t size)
{
    buf[0] = 0;
    for (const char *l = screen; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (strspn(l, " ") < len)
            snprintf(buf, size, "%.*s", (int)len, l);
        l = nl ? nl + 1 : NULL;
    }
}

static int s_width(const char *s, size_t len)
{
    size_t w = 0;
    cr_assert_eq(hj_text_width(s, len, &w), 0, "screen text is UTF-8");
    return (int)w;
}

/* Splits a line at spaces; each token's display column into col. */
static int s_tokens(const char *line, char tok[][256], int *col, int max)
{
    int n = 0;
    const char *p = line;
    while (*p && n < max) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ");
        snprintf(tok[n], 256, "%.*s", (int)len, p);
        col[n] = s_width(line, (size_t)(p - line));
        n++;
        p += len;
    }
    return n;
}

/* The display column where code point cp first appears on line, or -1. */
static int s_col_of(const char *line, uint32_t cp)
{
    size_t len = strlen(line), i = 0;
    int col = 0;
    while (i < len) {
        uint32_t c;
        size_t n;
        if (hj_utf8_decode(line + i, len - i, &c, &n) != 0)
            return -1;
        if (c == cp)
            return col;
        col += hj_text_cp_width(c);
        i += n;
    }
    return -1;
}

/* ---- what the screen should show ---------------------------------------------- */

static Hj__Tally__Reply *s_snapshot(void)
{
    Hj__Tally__Reply *r = hj_stack_snapshot(&stack, NULL);
    cr_assert_not_null(r, "tally answers");
    cr_assert(r->status == NULL || r->status->code == HJ__CODE__OK, "snapshot: %s",
              r->status ? r->status->message : "");
    cr_assert_eq(r->result_case, HJ__TALLY__REPLY__RESULT_SNAPSHOT);
    return r;
}

/* What an official reads for an audit state (written out here, not taken
 * from hj-top, so a wrong label is caught). */
/* The Chinese for `key` in map (English, Chinese pairs up to a NULL), or key. */
static const char *s_zh(const char *const (*map)[2], const char *key)
{
    for (; map[0][0]; map++)
        if (strcmp(map[0][0], key) == 0)
            return map[0][1];
    return key;
}

static const char *s_audit_zh(const char *state)
{
    static const char *const map[][2] = {{"", "无"},
                                         {"planned", "已立项"},
                                         {"fieldwork", "审计中"},
                                         {"draft_report", "报告起草"},
                                         {"completed", "已完成"},
                                         {"published", "已公示"},
                                         {NULL, NULL}};
    return s_zh(map, state);
}

static const char *s_glyph(const Hj__Tally__CommunityBoard *row, int gate)
{
    for (size_t i = 0; i < row->n_gates; i++)
        if ((int)row->gates[i]->id == gate)
            switch (row->gates[i]->state) {
            case HJ__TALLY__GATE_STATE__GREEN:
                return "+";
            case HJ__TALLY__GATE_STATE__RED:
                return "x";
            case HJ__TALLY__GATE_STATE__OVERRIDDEN:
                return "!";
            default:
                return "?";
            }
    return "?";
}

static void s_coverage(const Hj__Tally__Counters *c, char *out, size_t size)
{
    if (!c || !c->members_sitting)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%u%%", c->talk_covered * 100 / c->members_sitting);
}

static void s_days(const char *date, char *out, size_t size)
{
    if (!date[0]) {
        snprintf(out, size, "-");
        return;
    }
    char today[11];
    hj_date_from_today(0, today);
    struct tm a = {0}, b = {0};
    strptime(today, "%Y-%m-%d", &a);
    strptime(date, "%Y-%m-%d", &b);
    snprintf(out, size, "%ld", (long)((timegm(&b) - timegm(&a)) / 86400));
}

/* The tokens a community's row must read, in order. wide: the 120-column
 * layout (guidance group and election date shown, names whole). */
static int s_expected_row(const Hj__Tally__CommunityBoard *row, int wide, char tok[][256])
{
    int n = 0;
    const Hj__Tally__Counters *c = row->counters;
    snprintf(tok[n++], 256, "%s", row->code);
    snprintf(tok[n++], 256, "%s", row->name);
    if (wide)
        snprintf(tok[n++], 256, "%s", row->guidance_group[0] ? row->guidance_group : "-");
    for (int g = 1; g <= 8; g++)
        snprintf(tok[n++], 256, "%s", s_glyph(row, g));
    s_coverage(c, tok[n++], 256);
    snprintf(tok[n++], 256, "%s", s_audit_zh(c ? c->audit_state : ""));
    snprintf(tok[n++], 256, "%u", c ? c->rectification_open : 0);
    snprintf(tok[n++], 256, "%u", c ? c->reserve_active : 0);
    s_days(row->election_date, tok[n++], 256);
    if (wide)
        snprintf(tok[n++], 256, "%s", row->election_date[0] ? row->election_date : "-");
    return n;
}

/* 0 when the screen shows exactly the snapshot; else -1 with why. */
static int s_board_matches(const char *screen, const Hj__Tally__Snapshot *snap, int wide, char *why,
                           size_t size)
{
    char line[2048], header[2048], status[2048];
    char want[32][256], got[32][256];
    int col[32], dummy[32];
    if (!s_line(screen, "编码", header, sizeof header)) {
        snprintf(why, size, "no header line");
        return -1;
    }
    /* The gate tiles are three columns wide, glyph in the middle, under
     * the header's 审 整 升 案 谈 训 候 榜. */
    int gates_col = s_col_of(header, 0x5BA1 /* 审 */);
    if (gates_col < 0) {
        snprintf(why, size, "no gate header in \"%.1000s\"", header);
        return -1;
    }
    for (size_t i = 0; i < snap->n_communities; i++) {
        const Hj__Tally__CommunityBoard *row = snap->communities[i];
        if (!s_line(screen, row->code, line, sizeof line)) {
            snprintf(why, size, "no row for %s", row->code);
            return -1;
        }
        int nw = s_expected_row(row, wide, want);
        int ng = s_tokens(line, got, col, 32);
        if (ng != nw) {
            snprintf(why, size, "%s: %d cells on screen, %d expected: \"%.1000s\"", row->code, ng,
                     nw, line);
            return -1;
        }
        for (int t = 0; t < nw; t++) {
            /* at 80 columns a long name may be cut with an ellipsis */
            if (!wide && t == 1 && strstr(got[t], HJ_TEXT_ELLIPSIS))
                continue;
            if (strcmp(want[t], got[t]) != 0) {
                snprintf(why, size,
                         "%s cell %d: screen \"%.200s\", snapshot \"%.200s\" in \"%.1000s\"",
                         row->code, t, got[t], want[t], line);
                return -1;
            }
        }
        int first_gate = wide ? 3 : 2;
        for (int g = 0; g < 8; g++)
            if (col[first_gate + g] != gates_col + 1 + 3 * g) {
                snprintf(why, size, "%s: gate %d at column %d, header says %d: \"%.1000s\"",
                         row->code, g + 1, col[first_gate + g], gates_col + 1 + 3 * g, line);
                return -1;
            }
    }
    const Hj__Tally__DistrictTotals *d = snap->district;
    if (d) {
        char expect[128];
        if (!s_line(screen, "全区", line, sizeof line)) {
            snprintf(why, size, "no district row");
            return -1;
        }
        snprintf(expect, sizeof expect, "全区 %u个社区 %u个全绿", d->communities, d->all_green);
        if (strncmp(line, expect, strlen(expect)) != 0) {
            snprintf(why, size, "district: \"%.1000s\", snapshot \"%s\"", line, expect);
            return -1;
        }
        int ng = s_tokens(line, got, dummy, 32);
        for (int g = 0; g < 8 && 3 + g < ng; g++) {
            unsigned red = 0;
            for (size_t k = 0; k < d->n_red_by_gate; k++)
                if (strcasecmp(d->red_by_gate[k]->kind, protobuf_c_enum_descriptor_get_value(
                                                            &hj__tally__gate_id__descriptor, g + 1)
                                                            ->name) == 0)
                    red = d->red_by_gate[k]->count;
            if ((unsigned)atoi(got[3 + g]) != red) {
                snprintf(why, size, "district gate %d: screen %.20s, snapshot %u: \"%.1000s\"",
                         g + 1, got[3 + g], red, line);
                return -1;
            }
        }
    }
    s_status(screen, status, sizeof status);
    char seq[64];
    snprintf(seq, sizeof seq, "序号 %llu ", (unsigned long long)snap->tally_seq);
    if (!strstr(status, "已连接") || !strstr(status, seq)) {
        snprintf(why, size, "status line \"%.1000s\" (snapshot seq %llu)", status,
                 (unsigned long long)snap->tally_seq);
        return -1;
    }
    return 0;
}

/* Compares the screen with a fresh Snapshot reply: 0 when it shows what
 * the reply says, else -1 with the first difference in why. */
typedef int(s_matcher_fn)(const char *screen, Hj__Tally__Reply *r, const void *arg, char *why,
                          size_t size);

/* Waits until the screen shows what a fresh Snapshot says (match: of the
 * view named `view`); fails with the last difference after S_PATIENCE_MS. */
static void s_wait_snapshot(const char *name, s_matcher_fn *match, const void *arg,
                            const char *view)
{
    long start = s_ms();
    char why[4096] = "";
    for (;;) {
        Hj__Tally__Reply *r = s_snapshot();
        char *screen = s_screen(name);
        int ok = match(screen, r, arg, why, sizeof why) == 0;
        hj__tally__reply__free_unpacked(r, NULL);
        if (ok) {
            free(screen);
            return;
        }
        if (s_ms() - start > S_PATIENCE_MS) {
            cr_log_error("screen:\n%s", screen);
            free(screen);
            cr_assert_fail("the %s did not come to equal the snapshot: %s", view, why);
        }
        free(screen);
        s_sleep_ms(50);
    }
}

static int s_board_matcher(const char *screen, Hj__Tally__Reply *r, const void *wide, char *why,
                           size_t size)
{
    return s_board_matches(screen, r->snapshot, *(const int *)wide, why, size);
}

/* Waits until the board on screen equals a fresh Snapshot. */
static void s_wait_board(const char *name, int wide)
{
    s_wait_snapshot(name, s_board_matcher, &wide, "board");
}

/* The talk-coverage cell of a community on screen ("" when not found). */
static void s_cell(const char *name, const char *code, int index, char *out, size_t size)
{
    char line[2048], tok[32][256];
    int col[32];
    char *screen = s_screen(name);
    out[0] = 0;
    if (s_line(screen, code, line, sizeof line)) {
        int n = s_tokens(line, tok, col, 32);
        if (index < n)
            snprintf(out, size, "%s", tok[index]);
    }
    free(screen);
}

/* Waits until cell `index` of code's row reads `want`; fails after S_PATIENCE_MS. */
static void s_wait_cell(const char *name, const char *code, int index, const char *want)
{
    long start = s_ms();
    char got[256];
    for (;;) {
        s_cell(name, code, index, got, sizeof got);
        if (strcmp(got, want) == 0)
            return;
        if (s_ms() - start > S_PATIENCE_MS)
            cr_assert_fail("%s cell %d still \"%s\", expected \"%s\"", code, index, got, want);
        s_sleep_ms(20);
    }
}

static long s_cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* fields after the ")" of the command: state is field 3; utime 14, stime 15 */
    char *p = strrchr(buf, ')');
    long utime = 0, stime = 0;
    cr_assert(p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime,
                          &stime) == 2);
    return utime + stime;
}

/* hj-top's pid: the child of the shell in the pane. */
static pid_t s_top_pid(const char *name)
{
    char *out = NULL, target[64], path[128];
    snprintf(target, sizeof target, "%s:", name);
    s_tmux(&out, "display-message", "-p", "-t", target, "#{pane_pid}", NULL);
    int shell = atoi(out);
    free(out);
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", shell, shell);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    int pid = 0;
    cr_assert_eq(fscanf(f, "%d", &pid), 1, "the pane's shell has no child");
    fclose(f);
    return (pid_t)pid;
}

/* ---- the tests ------------------------------------------------------------------ */

#define TALKS_CELL 11 /* code, name, group, 8 gates, then talk coverage (120 columns) */
#define RECT_CELL 13

Test(top, board_equals_the_snapshot_updates_live_and_lines_up)
{
    s_start_top("top", 120, 40);
    s_wait_board("top", 1);

    /* Names of 8, 18, 10 and 4 display columns (12, 27, 10, 6 bytes): the
     * column after the name starts at the same display column on every row. */
    char *screen = s_screen("top");
    int group_col = -1;
    for (int i = 0; i < 4; i++) {
        char line[2048], tok[32][256];
        int col[32];
        cr_assert_not_null(s_line(screen, s_codes[i], line, sizeof line));
        cr_assert_geq(s_tokens(line, tok, col, 32), 3);
        cr_assert_str_eq(tok[1], s_names[i]);
        if (group_col < 0)
            group_col = col[2];
        cr_assert_eq(col[2], group_col, "%s: the column right of the name at %d, not %d: \"%s\"",
                     s_codes[i], col[2], group_col, line);
        cr_assert_eq(col[1] + s_width(s_names[i], strlen(s_names[i])) <= group_col, 1);
    }
    free(screen);

    /* A write through the CLI shows without a key pressed: 赵敏 takes a seat in
     * 康和 (coverage "-" → "0%"), then has her preparation talk ("100%"). */
    char today[11];
    hj_date_from_today(0, today);
    s_hj((const char *[]){"seat", "add", "--community", s_codes[3], "--person", ZHAO_MIN,
                          "--committee", "residents", "--role", "director", "--from", "2021-01-20",
                          NULL});
    s_wait_cell("top", s_codes[3], TALKS_CELL, "0%");
    s_hj((const char *[]){"talk", "add", "--community", s_codes[3], "--phase", "preparation",
                          "--date", today, "--interviewer", LI_QIANG, "--person", ZHAO_MIN,
                          "--summary", "谈换届工作的想法", NULL});
    s_wait_cell("top", s_codes[3], TALKS_CELL, "100%");
    s_wait_board("top", 1);

    /* Sorted by red gates (most first, then code) as the snapshot says. */
    s_keys("top", "r");
    cr_assert_eq(s_wait_text("top", "排序: 红灯数", 0), 0);
    Hj__Tally__Reply *r = s_snapshot();
    const Hj__Tally__Snapshot *snap = r->snapshot;
    size_t order[8], n = snap->n_communities;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            const Hj__Tally__CommunityBoard *a = snap->communities[order[j - 1]],
                                            *b = snap->communities[order[j]];
            if (a->red_gates > b->red_gates ||
                (a->red_gates == b->red_gates && strcmp(a->code, b->code) < 0))
                break;
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    screen = s_screen("top");
    const char *at = screen;
    for (size_t i = 0; i < n; i++) {
        const char *found = strstr(at, snap->communities[order[i]]->code);
        cr_assert_not_null(found, "%s in red-gate order:\n%s", snap->communities[order[i]]->code,
                           screen);
        at = found;
    }
    free(screen);
    hj__tally__reply__free_unpacked(r, NULL);
    s_keys("top", "c");

    /* Filter by guidance group: 第一指导组 guides 01 and 02; then those
     * without a group; then all again. */
    s_keys("top", "g");
    cr_assert_eq(s_wait_text("top", "指导组: 第一指导组", 0), 0);
    screen = s_screen("top");
    cr_assert(strstr(screen, s_codes[0]) && strstr(screen, s_codes[1]));
    cr_assert(!strstr(screen, s_codes[2]) && !strstr(screen, s_codes[3]), "%s", screen);
    free(screen);
    s_keys("top", "g");
    cr_assert_eq(s_wait_text("top", "指导组: (未分组)", 0), 0);
    screen = s_screen("top");
    cr_assert(!strstr(screen, s_codes[0]) && strstr(screen, s_codes[3]), "%s", screen);
    free(screen);
    s_keys("top", "g");
    cr_assert_eq(s_wait_text("top", "指导组: 全部", 0), 0);

    /* The community view of 康和: every gate's reason in words, the
     * counters, and its journal events since start. */
    s_keys("top", "End");
    s_keys("top", "Enter");
    cr_assert_eq(s_wait_text("top", "KBS-BH-04  康和", 0), 0);
    r = s_snapshot();
    const Hj__Tally__CommunityBoard *kh = NULL;
    for (size_t i = 0; i < r->snapshot->n_communities; i++)
        if (strcmp(r->snapshot->communities[i]->code, s_codes[3]) == 0)
            kh = r->snapshot->communities[i];
    cr_assert_not_null(kh);
    screen = s_screen("top");
    cr_assert_eq(kh->n_gates, 8);
    for (size_t g = 0; g < kh->n_gates; g++) {
        /* as much of the reason (in Chinese: the screen's language) as surely fits on the line */
        const char *why = kh->gates[g]->reason_zh;
        char prefix[64];
        size_t cut = 0, w = 0;
        cr_assert(why[0], "gate %zu has no Chinese reason", g + 1);
        while (why[cut] && w < 40 && cut < 48) {
            uint32_t cp;
            size_t len;
            if (hj_utf8_decode(why + cut, strlen(why + cut), &cp, &len))
                break;
            w += (size_t)hj_text_cp_width(cp);
            cut += len;
        }
        snprintf(prefix, sizeof prefix, "%.*s", (int)cut, why);
        cr_assert_not_null(strstr(screen, prefix), "gate %zu reason \"%s\" on\n%s", g + 1, prefix,
                           screen);
    }
    cr_assert_not_null(strstr(screen, "最近事件"));
    cr_assert_not_null(strstr(screen, "更早的见日志"), "%s", screen);
    cr_assert_not_null(strstr(screen, "interviews.talk_recorded"), "%s", screen);
    cr_assert_not_null(strstr(screen, "registry.seat_added"), "%s", screen);
    cr_assert_not_null(strstr(screen, "整改未销号: 1"), "%s", screen);
    free(screen);
    hj__tally__reply__free_unpacked(r, NULL);
    s_keys("top", "Escape");
    cr_assert_eq(s_wait_text("top", "全区", 0), 0);

    /* ? shows the keys; any key closes them. */
    s_keys("top", "?");
    cr_assert_eq(s_wait_text("top", "按键", 0), 0);
    s_keys("top", "x");
    cr_assert_eq(s_wait_text("top", "按键", 1), 0);

    /* 80 columns: nothing runs past the edge, the gates still line up
     * under their header, the optional columns give way. */
    s_tmux(NULL, "resize-window", "-t", "top:", "-x", "80", "-y", "24", NULL);
    s_wait_board("top", 0);
    screen = s_screen("top");
    for (const char *l = screen; *l;) {
        size_t len = strcspn(l, "\n");
        cr_assert_leq(s_width(l, len), 80, "line wider than 80: %.*s", (int)len, l);
        l += len + (l[len] ? 1 : 0);
    }
    free(screen);
    s_tmux(NULL, "resize-window", "-t", "top:", "-x", "120", "-y", "40", NULL);
    s_wait_board("top", 1);

    /* Idle, it sleeps: no busy redraw loop (a redraw a second for the clock). */
    pid_t pid = s_top_pid("top");
    long before = s_cpu_ticks(pid);
    s_sleep_ms(3000);
    long used = s_cpu_ticks(pid) - before;
    long hz = sysconf(_SC_CLK_TCK);
    cr_assert_leq(used * 100, hz * 3 * 10, "idle hj-top used %ld ticks of %ld in 3 s", used,
                  hz * 3);

    /* q quits, cleanly. */
    s_keys("top", "q");
    char path[600], exit_status[32] = "";
    s_status_file("top", path, sizeof path);
    long start = s_ms();
    while (s_ms() - start < S_PATIENCE_MS) {
        FILE *f = fopen(path, "r");
        if (f) {
            int got = fgets(exit_status, sizeof exit_status, f) != NULL;
            fclose(f);
            if (got && strchr(exit_status, '\n'))
                break;
        }
        s_sleep_ms(50);
    }
    cr_assert_str_eq(exit_status, "0\n", "hj-top's exit status after q: \"%s\"", exit_status);
}

Test(top, says_reconnecting_when_the_backbone_goes_and_recovers_on_its_own)
{
    s_start_top("top", 120, 40);
    s_wait_board("top", 1);

    /* hj-busd goes away: the status line says so; the last picture stays,
     * marked stale. */
    hj_stack_kill(&stack, stack.pid[0], SIGKILL);
    cr_assert_eq(s_wait_text("top", "重连中", 0), 0, "status line did not go to reconnecting");
    char *screen = s_screen("top");
    char line[2048];
    cr_assert_not_null(s_line(screen, s_codes[1], line, sizeof line), "the picture stays:\n%s",
                       screen);
    cr_assert_not_null(strstr(screen, "已过期"), "marked stale:\n%s", screen);
    free(screen);

    /* It comes back on the same endpoints: connected again without a key
     * pressed, with a new snapshot, and following new writes. */
    cr_assert_gt(hj_stack_spawn(&stack, "hj-busd"), 0);
    static const char *const services[] = {"registry", "audit", "interviews", "tally"};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(hj_stack_wait(&stack, services[i], 15000), 0, "%s back", services[i]);
    cr_assert_eq(s_wait_text("top", "已连接", 0), 0, "status line did not come back");
    s_wait_board("top", 1);
    char today[11];
    hj_date_from_today(0, today);
    s_hj((const char *[]){"rectification", "open", "--community", s_codes[2], "--problem",
                          "complex_situation", "--plan", "一社一策", "--owner", "街道换届办",
                          "--date", today, "--due", today, NULL});
    s_wait_cell("top", s_codes[2], RECT_CELL, "1");
    s_wait_board("top", 1);

    /* Without hj-tallyd nothing moves the board: it says so too, and comes
     * back to the truth when hj-tallyd does. */
    for (int i = 0; i < stack.nprocs; i++)
        if (stack.pid[i] > 0 && strcmp(stack.program[i], "hj-tallyd") == 0)
            hj_stack_kill(&stack, stack.pid[i], SIGKILL);
    cr_assert_eq(s_wait_text("top", "hj-tallyd 不在线", 0), 0, "hj-tallyd's absence not shown");
    s_hj((const char *[]){"rectification", "open", "--community", s_codes[1], "--problem",
                          "petitions", "--plan", "一社一策", "--owner", "街道换届办", "--date",
                          today, "--due", today, NULL});
    cr_assert_gt(hj_stack_spawn(&stack, "hj-tallyd"), 0);
    cr_assert_eq(hj_stack_wait(&stack, "tally", 15000), 0);
    cr_assert_eq(s_wait_text("top", "已连接", 0), 0, "status line did not come back");
    s_wait_cell("top", s_codes[1], RECT_CELL, "1");
    s_wait_board("top", 1);
}

/* Publicity pushes written one after another while a dashboard starts; each
 * write's exit status is kept, for the test to see (an assertion in this
 * thread would not fail the test). */
typedef struct {
    int n;
    int done; /* writes finished, read while the thread runs */
    int failed;
    char first_error[512];
} s_writes_t;

static void *s_writer(void *arg)
{
    s_writes_t *w = arg;
    char today[11], count[16];
    hj_date_from_today(0, today);
    for (int i = 0; i < w->n; i++) {
        snprintf(count, sizeof count, "%d", i % 3 + 1);
        const char *argv[] = {"publicity", "add",    "--community", s_codes[i % 4], "--channel",
                              "screen",    "--kind", "slogan",      "--date",       today,
                              "--count",   count,    "--title",     "换届选举宣传", NULL};
        char *err = NULL;
        int rc = hj_runv(&stack, NULL, &err, argv);
        if (rc != 0 && w->failed++ == 0)
            snprintf(w->first_error, sizeof w->first_error, "write %d exited %d: %s", i, rc,
                     err ? err : "");
        free(err);
        __atomic_add_fetch(&w->done, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

/* The writer is well under way: a sixth of its writes are done. */
static int s_writer_busy(void *arg)
{
    s_writes_t *w = arg;
    return __atomic_load_n(&w->done, __ATOMIC_SEQ_CST) >= w->n / 6;
}

Test(top, started_in_the_middle_of_a_busy_day_shows_what_the_snapshot_says)
{
    pthread_t writer;
    s_writes_t w = {.n = 60};
    cr_assert_eq(pthread_create(&writer, NULL, s_writer, &w), 0);
    cr_assert_eq(hj_wait_until(s_writer_busy, &w, 60000), 0, "the writes did not get going");
    s_start_top("busy", 120, 40);
    pthread_join(writer, NULL);
    cr_assert_eq(w.failed, 0, "%d of %d writes failed; the first: %s", w.failed, w.n,
                 w.first_error);
    cr_assert_eq(
        hj_stack_scalar(&stack,
                        "SELECT count(*) FROM registry.publicity WHERE title = '换届选举宣传'"),
        w.n, "every write is on the record");
    s_wait_board("busy", 1);
}

/* ---- a cable between hj-top and the event bus that the test can pull ---------- */

/* A TCP relay from a port of its own to hj-busd's event endpoint. Cutting it
 * closes every connection and stops listening (hj-top's reconnects are
 * refused); restoring it listens again on the same port. hj-busd itself stays
 * up, so writes go on while hj-top sees nothing. */
typedef struct {
    int port, upstream_port;
    int listen_fd;
    int fd[32][2]; /* accepted, upstream */
    int n;
    int wake[2];
    pthread_t thread;
    int running;
} s_relay_t;

static int s_listen(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void s_relay_close_all(s_relay_t *r)
{
    for (int i = 0; i < r->n; i++) {
        close(r->fd[i][0]);
        close(r->fd[i][1]);
    }
    r->n = 0;
}

static void *s_relay_run(void *arg)
{
    s_relay_t *r = arg;
    char buf[65536];
    for (;;) {
        struct pollfd p[66];
        int np = 0;
        p[np++] = (struct pollfd){r->wake[0], POLLIN, 0};
        p[np++] = (struct pollfd){r->listen_fd, POLLIN, 0};
        for (int i = 0; i < r->n; i++) {
            p[np++] = (struct pollfd){r->fd[i][0], POLLIN, 0};
            p[np++] = (struct pollfd){r->fd[i][1], POLLIN, 0};
        }
        if (poll(p, (nfds_t)np, -1) < 0)
            continue;
        if (p[0].revents) {
            char c;
            if (read(r->wake[0], &c, 1) != 1 || c == 's') {
                s_relay_close_all(r);
                if (r->listen_fd >= 0)
                    close(r->listen_fd);
                return NULL;
            }
            if (c == 'c') {
                s_relay_close_all(r);
                if (r->listen_fd >= 0)
                    close(r->listen_fd);
                r->listen_fd = -1;
            } else if (c == 'r' && r->listen_fd < 0) {
                r->listen_fd = s_listen(r->port);
            }
            continue;
        }
        if (r->listen_fd >= 0 && (p[1].revents & POLLIN) && r->n < 32) {
            int in = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            int out = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            struct sockaddr_in a = {.sin_family = AF_INET,
                                    .sin_port = htons((uint16_t)r->upstream_port)};
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (in >= 0 && out >= 0 && connect(out, (struct sockaddr *)&a, sizeof a) == 0) {
                r->fd[r->n][0] = in;
                r->fd[r->n][1] = out;
                r->n++;
            } else {
                if (in >= 0)
                    close(in);
                if (out >= 0)
                    close(out);
            }
            continue;
        }
        for (int i = 0; i < r->n; i++)
            for (int side = 0; side < 2; side++) {
                if (!p[2 + 2 * i + side].revents)
                    continue;
                ssize_t got = read(r->fd[i][side], buf, sizeof buf);
                ssize_t put = 0;
                while (got > 0 && put < got) {
                    ssize_t w = write(r->fd[i][!side], buf + put, (size_t)(got - put));
                    if (w <= 0)
                        break;
                    put += w;
                }
                if (got <= 0 || put < got) {
                    close(r->fd[i][0]);
                    close(r->fd[i][1]);
                    r->fd[i][0] = r->fd[--r->n][0];
                    r->fd[i][1] = r->fd[r->n][1];
                    goto next; /* the poll set changed */
                }
            }
    next:;
    }
}

static s_relay_t relay; /* static: teardown stops it even after a failed assertion */

static void s_relay_start(s_relay_t *r)
{
    memset(r, 0, sizeof *r);
    const char *colon = strrchr(stack.events, ':');
    cr_assert_not_null(colon);
    r->upstream_port = atoi(colon + 1);
    r->listen_fd = s_listen(0);
    cr_assert_geq(r->listen_fd, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(r->listen_fd, (struct sockaddr *)&a, &len);
    r->port = ntohs(a.sin_port);
    cr_assert_eq(pipe2(r->wake, O_CLOEXEC), 0);
    cr_assert_eq(pthread_create(&r->thread, NULL, s_relay_run, r), 0);
    r->running = 1;
}

static void s_relay_say(s_relay_t *r, char c)
{
    cr_assert_eq(write(r->wake[1], &c, 1), 1);
}

static void s_relay_stop(void)
{
    char stop = 's';
    if (!relay.running)
        return;
    if (write(relay.wake[1], &stop, 1) == 1)
        pthread_join(relay.thread, NULL);
    close(relay.wake[0]);
    close(relay.wake[1]);
    relay.running = 0;
}

Test(top, a_change_missed_while_disconnected_is_there_after_the_reconnect)
{
    char endpoint[64];
    s_relay_start(&relay);
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", relay.port);
    s_start_top_at("top", 120, 40, endpoint);
    s_wait_board("top", 1);

    /* The dashboard loses the bus; the backbone goes on taking writes. */
    s_relay_say(&relay, 'c');
    cr_assert_eq(s_wait_text("top", "重连中", 0), 0, "status line did not go to reconnecting");
    char today[11];
    hj_date_from_today(0, today);
    s_hj((const char *[]){"rectification", "open", "--community", s_codes[2], "--problem",
                          "petitions", "--plan", "一社一策", "--owner", "街道换届办", "--date",
                          today, "--due", today, NULL});
    /* hj-tallyd has applied it and published the board's change: a
     * dashboard on the bus would be showing it by now. */
    cr_assert_eq(hj_wait_until(hj_stack_tally_caught_up, &stack, 10000), 0,
                 "hj-tallyd did not apply the change");
    char cell[256];
    s_cell("top", s_codes[2], RECT_CELL, cell, sizeof cell);
    cr_assert_str_eq(cell, "0", "a disconnected dashboard cannot know yet");
    char *screen = s_screen("top");
    cr_assert_not_null(strstr(screen, "已过期"), "the old picture is marked stale:\n%s", screen);
    free(screen);

    /* Back on the bus: no event will repeat the change, so only the new
     * snapshot taken after the reconnect can show it. */
    s_relay_say(&relay, 'r');
    cr_assert_eq(s_wait_text("top", "已连接", 0), 0, "status line did not come back");
    s_wait_cell("top", s_codes[2], RECT_CELL, "1");
    s_wait_board("top", 1);
}

/* ---- election day ------------------------------------------------------------- */

static const char *s_status_zh(const char *status)
{
    static const char *const map[][2] = {
        {"elected", "当选"},       {"below threshold", "未达当选票数"},
        {"outranked", "名次在后"}, {"tied", "票数相同"},
        {"void", "无效"},          {NULL, NULL}};
    return s_zh(map, status);
}

static Hj__Tally__Count *s_snapshot_count(Hj__Tally__Reply *r, const char *election)
{
    for (size_t i = 0; i < r->snapshot->n_counts; i++)
        if (strcmp(r->snapshot->counts[i]->election, election) == 0)
            return r->snapshot->counts[i];
    return NULL;
}

/* 0 when the count view shows the snapshot's count of `election`. */
static int s_count_matches(const char *screen, const Hj__Tally__Count *k, char *why, size_t size)
{
    char line[2048], want[128], tok[32][256];
    int col[32];
    snprintf(want, sizeof want, "已计 %u / %u 张", k->counted, k->returned);
    if (!strstr(screen, want)) {
        snprintf(why, size, "no \"%s\"", want);
        return -1;
    }
    snprintf(want, sizeof want, "应选 %u", k->seats_to_fill);
    if (!strstr(screen, want)) {
        snprintf(why, size, "no \"%s\"", want);
        return -1;
    }
    for (size_t i = 0; i < k->n_persons; i++) {
        const Hj__Tally__PersonCount *p = k->persons[i];
        char prefix[64];
        snprintf(prefix, sizeof prefix, "  %2zu %s", i + 1, p->name);
        if (!s_line(screen, prefix, line, sizeof line)) {
            snprintf(why, size, "no line for %s", p->name);
            return -1;
        }
        int n = s_tokens(line, tok, col, 32);
        snprintf(want, sizeof want, "%llu", (unsigned long long)p->votes);
        if (n < 4 || strcmp(tok[2], want) != 0 || tok[3][0] != '[') {
            snprintf(why, size, "%s: \"%.500s\", %s votes", p->name, line, want);
            return -1;
        }
        if (p->status[0] && (n < 5 || strcmp(tok[4], s_status_zh(p->status)) != 0)) {
            snprintf(why, size, "%s: \"%.500s\", status %s", p->name, line, p->status);
            return -1;
        }
    }
    return 0;
}

static int s_count_matcher(const char *screen, Hj__Tally__Reply *r, const void *election, char *why,
                           size_t size)
{
    Hj__Tally__Count *k = s_snapshot_count(r, election);
    cr_assert_not_null(k, "the snapshot has the count of %s", (const char *)election);
    return s_count_matches(screen, k, why, size);
}

/* Waits until the count view on screen equals a fresh Snapshot's count of election. */
static void s_wait_count(const char *name, const char *election)
{
    s_wait_snapshot(name, s_count_matcher, election, "count view");
}

Test(top, the_count_view_follows_the_ballots_on_election_day)
{
    char today[11], d30[11], election[64] = "";
    hj_date_from_today(0, today);
    hj_date_from_today(-30, d30);
    const char *persons[4];
    char ids[4][37];
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(ids[i], sizeof ids[i], "c0000000-0000-4000-8000-%012d", i + 1);
        snprintf(name, sizeof name, "候选人%d", i + 1);
        persons[i] = ids[i];
        s_hj((const char *[]){"person", "add", "--name", name, "--gender", "male", "--request-id",
                              ids[i], NULL});
        s_hj((const char *[]){"reserve", "add", "--person", ids[i], "--community", s_codes[0],
                              "--committee", "residents", "--added", d30, "--status", "nominated",
                              "--vetting", "cleared", NULL});
    }
    s_hj((const char *[]){"voters", "set", s_codes[0], "--voters", "10", "--published", d30, NULL});
    char *out = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, &out, &err, "election", "schedule", s_codes[0], "--body",
                        "residents", "--date", today, "--seats", "3", NULL),
                 0, "%s", err);
    const char *id = strstr(out, " id ");
    cr_assert_not_null(id, "%s", out);
    snprintf(election, sizeof election, "%.36s", id + 4);
    free(out);
    free(err);
    /* The district overrides whatever is still red (named by the refusal). */
    cr_assert_eq(
        hj_run(&stack, NULL, &err, "election", "open", s_codes[0], "--body", "residents", NULL), 1);
    char *red = strstr(err, "are red (");
    cr_assert_not_null(red, "%s", err);
    red += strlen("are red (");
    const char *argv[40] = {"election", "open", s_codes[0], "--body", "residents"};
    int n = 5;
    char gates[8][32];
    for (int g = 0; g < 8 && *red && *red != ')'; g++) {
        size_t len = strcspn(red, ",)");
        snprintf(gates[g], sizeof gates[g], "%.*s", (int)len, red);
        argv[n++] = "--override";
        argv[n++] = gates[g];
        argv[n++] = "--reason";
        argv[n++] = "区换届办批准先行选举";
        red += len;
        red += strspn(red, ", ");
    }
    argv[n] = NULL;
    free(err);
    s_hj(argv);
    s_hj((const char *[]){"election", "candidates", election, "--person", persons[0], "--person",
                          persons[1], "--person", persons[2], "--person", persons[3], NULL});
    s_hj((const char *[]){"election", "round", election, "--box", "主票箱:main:10:8", NULL});

    s_start_top("top", 120, 40);
    s_wait_board("top", 1);
    s_keys("top", "t");
    cr_assert_eq(s_wait_text("top", "选举日计票", 0), 0);
    s_wait_count("top", election);

    /* Ballots as they are entered: the bars move. */
    s_hj((const char *[]){"election", "ballots", election, "--box", "主票箱", "--ballot", "yyyn",
                          "--ballot", "yyny", "--ballot", "ynyy", "--ballot", "yyyn", NULL});
    cr_assert_eq(s_wait_text("top", "已计 4 / 8 张", 0), 0, "four ballots not shown");
    s_wait_count("top", election);
    char *screen = s_screen("top");
    cr_assert_not_null(strstr(screen, "投票 8 / 登记选民 10  80.0%"), "turnout:\n%s", screen);
    cr_assert_not_null(strstr(screen, "有效线 6  达到"), "quorum line:\n%s", screen);
    cr_assert_not_null(strstr(screen, "当选线 5"), "the line to be elected:\n%s", screen);
    cr_assert_not_null(strstr(screen, "预测结果 (计票中)"), "%s", screen);
    free(screen);

    /* The rest: the result is no longer a projection. */
    s_hj((const char *[]){"election", "ballots", election, "--box", "主票箱", "--ballot", "yyyn",
                          "--ballot", "nyyy", "--ballot", "yynn", "--ballot", "ynyn", NULL});
    cr_assert_eq(s_wait_text("top", "已计 8 / 8 张", 0), 0, "eight ballots not shown");
    s_wait_count("top", election);
    screen = s_screen("top");
    cr_assert_not_null(strstr(screen, "结果: "), "%s", screen);
    cr_assert_null(strstr(screen, "预测结果"), "%s", screen);
    free(screen);
    /* and the board knows an election is being counted */
    s_keys("top", "b");
    cr_assert_eq(s_wait_text("top", "计票中 1 场", 0), 0);
}
