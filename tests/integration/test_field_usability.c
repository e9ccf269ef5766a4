/* Field usability (issue #20, items 5-9) through the real `hj`: a write with
 * the bus down is saved after one connection attempt and sent by `hj sync`;
 * `hj spool list` says what each record is about; `hj gates` speaks Chinese
 * unless asked for English and names the command that turns a gate green;
 * enum options take their Chinese labels; 整顿 with nothing recorded is told
 * from 整顿 done; the board export's 宣传次数 sums to what was pushed; `hj
 * admin` finds the database of the run directory `up` made; `hj watch` stops
 * when its device is revoked. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_test.h"
#include "hj_csv.h"
#include "hj_seed.h"
#include "hj_stack.h"

static hj_stack_t stack;

#define OK(...) free(cli_expect(&stack, 0, NULL, (const char *const[]){__VA_ARGS__, NULL}))
/* Asserts the exit code; returns stdout (malloc'd), stderr into *err if asked. */
#define RUN(want, err, ...) cli_expect(&stack, want, err, (const char *const[]){__VA_ARGS__, NULL})

static void s_start(void)
{
    static const char *const programs[] = {"hj-registryd", "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "tally", NULL};
    char spool[300];
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
    snprintf(spool, sizeof spool, "%s/spool", stack.run_dir);
    setenv("HJ_SPOOL", spool, 1);
}

static void s_seed(void)
{
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01", "KBS-BH-02"), 0);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
    unsetenv("HJ_SPOOL");
    unsetenv("HJ_LANG");
}

/* ---- offline ---------------------------------------------------------------------- */

Test(field, a_write_with_the_bus_down_is_saved_after_one_connection_attempt, .fini = teardown,
     .timeout = 120)
{
    char spool[300], *out, *err = NULL;
    cr_assert_eq(hj_stack_init(&stack), 0); /* ports and database, no daemons: offline */
    snprintf(spool, sizeof spool, "%s/spool", stack.run_dir);
    setenv("HJ_SPOOL", spool, 1);
    /* The defaults (2500 ms x 3 tries) are what used to make it wait: not shortened here,
     * and hj's own connection check (HJ_CONNECT_MS unset) is the one used. */
    stack.connect_ms = 0;
    out = RUN(0, &err, "district", "add", "--code", "KBS", "--name", "康巴什区");
    cr_assert(strstr(out, "saved offline, 1 waiting"), "%s", out);
    cr_assert(strstr(err, "no answer to one connection attempt within 500 ms"),
              "one short check, not three tries: %s", err);
    free(out);
    free(err);
    OK("subdistrict", "add", "--code", "KBS-BH", "--name", "滨河街道", "--district", "KBS");
    OK("community", "add", "--code", "KBS-BH-01", "--name", "滨河社区", "--subdistrict", "KBS-BH");
    OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "电子屏", "--kind", "标语",
       "--date", "2026-11-20", "--count", "3", "--title", "依法选举 风清气正");

    /* What waits, and what it is about, read from the requests themselves. */
    out = RUN(0, NULL, "spool", "list");
    cr_assert(strstr(out, "社区") && strstr(out, "日期") && strstr(out, "记录"), "%s", out);
    const char *line = strstr(out, "publicity add");
    cr_assert(line, "%s", out);
    cr_assert(strstr(line, "KBS-BH-01") && strstr(line, "2026-11-20") && strstr(line, "依法选举"),
              "the publicity record's community, date and title: %s", out);
    line = strstr(out, "subdistrict add");
    cr_assert(line && strstr(line, "滨河街道"), "%s", out);
    free(out);
    out = RUN(0, NULL, "spool", "list", "--json");
    cr_assert(strstr(out, "\"community\": \"KBS-BH-01\"") &&
                  strstr(out, "\"date\": \"2026-11-20\""),
              "%s", out);
    free(out);

    /* Online: hj sync sends all four, oldest first, and the push is recorded as 电子屏 / 标语. */
    cr_assert(hj_stack_spawn(&stack, "hj-busd") > 0);
    cr_assert(hj_stack_spawn(&stack, "hj-registryd") > 0);
    cr_assert_eq(hj_stack_wait(&stack, "registry", 15000), 0);
    out = RUN(0, &err, "sync");
    cr_assert_eq(prep_count(out, "sent "), 4, "%s%s", out, err);
    free(out);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.publicity WHERE channel = "
                                         "'screen' AND kind = 'slogan' AND count = 3"),
                 1);
}

/* ---- Chinese by default ------------------------------------------------------------ */

/* The text without what is quoted as a command (`...`) and the community's code:
 * what is left must hold no ASCII letter. */
static int s_english_words(const char *text)
{
    int in_code = 0, words = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '`') {
            in_code = !in_code;
            continue;
        }
        if (in_code)
            continue;
        if (strncmp(p, "KBS-BH-01", 9) == 0) {
            p += 8;
            continue;
        }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
            words++;
            while ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') || p[1] == '_')
                p++;
        }
    }
    return words;
}

Test(field, gates_speak_chinese_by_default_and_name_the_command_that_turns_them_green,
     .fini = teardown, .timeout = 120)
{
    s_start();
    s_seed();
    char *out = RUN(0, NULL, "gates", "KBS-BH-01");
    cr_assert_eq(s_english_words(out), 0, "no English word outside the commands: %s", out);
    cr_assert(strstr(out, "规则：") && strstr(out, "现状：") && strstr(out, "待办：") &&
                  strstr(out, "未通过"),
              "%s", out);
    /* Gate 6 without a committee: form it first; gate 8: the roll 20 days ahead. */
    cr_assert(strstr(out, "先成立选举委员会：`hj body add --kind election_committee"), "%s", out);
    cr_assert(strstr(out, "在选举日前至少20天公布选民名单：`hj voters set KBS-BH-01"), "%s", out);
    /* 整顿 with nothing recorded: green, and says so. */
    cr_assert(strstr(out, "○ 2 整顿 — 通过") && strstr(out, "无整顿事项"), "%s", out);
    free(out);

    out = RUN(0, NULL, "gates", "KBS-BH-01", "--lang", "en");
    cr_assert(strstr(out, "rule:") && strstr(out, "now:") && strstr(out, "to do:") &&
                  strstr(out, "RED") && strstr(out, "form the election committee first"),
              "%s", out);
    cr_assert_null(strstr(out, "规则"), "%s", out);
    free(out);
    setenv("HJ_LANG", "en", 1);
    out = RUN(0, NULL, "gates", "KBS-BH-01");
    cr_assert(strstr(out, "rule:") && strstr(out, "to do:"), "HJ_LANG=en as --lang en: %s", out);
    free(out);
    unsetenv("HJ_LANG");

    /* An item closed: still green, now ✓ and counted. */
    const char *rid = "f1e1d000-0000-4000-8000-000000000001";
    OK("rectification", "open", "--community", "KBS-BH-01", "--problem", "信访矛盾集中", "--plan",
       "逐户走访", "--owner", "王丽", "--date", "2026-10-01", "--due", "2026-12-01", "--request-id",
       rid);
    OK("rectification", "start", rid, "--date", "2026-10-02");
    OK("rectification", "close", rid, "--date", "2026-10-20", "--note", "已化解", "--verified-by",
       "李红");
    out = RUN(0, NULL, "gates", "KBS-BH-01");
    cr_assert(strstr(out, "✓ 2 整顿 — 通过") && strstr(out, "1个整顿事项均已销号"), "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack,
                        "SELECT count(*) FROM registry.rectification WHERE problem = 'petitions'"),
        1, "--problem 信访矛盾集中 was taken as petitions");
}

Test(field, enum_options_take_their_chinese_labels_and_states_print_plain_chinese, .fini = teardown,
     .timeout = 120)
{
    s_start();
    s_seed();
    OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "电子屏", "--kind", "宣传标语",
       "--date", "2026-11-01", "--title", "标语一");
    OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "居民微信群", "--kind",
       "政策解读", "--date", "2026-11-02", "--title", "解读一");
    char *err = NULL;
    free(RUN(2, &err, "publicity", "list", "--lang", "fr"));
    cr_assert(strstr(err, "--lang"), "%s", err);
    free(err);
    char *out = RUN(0, NULL, "publicity", "list", "--community", "KBS-BH-01");
    cr_assert(strstr(out, "电子屏") && strstr(out, "宣传标语") && strstr(out, "居民微信群"), "%s",
              out);
    cr_assert_null(strstr(out, "(screen)"), "a label alone, not 中文 (word): %s", out);
    free(out);
    out = RUN(0, NULL, "publicity", "list", "--community", "KBS-BH-01", "--lang", "en");
    cr_assert(strstr(out, "screen") && strstr(out, "wechat_group"), "%s", out);
    free(out);
    OK("plan", "add", "--community", "KBS-BH-01", "--title", "滨河社区换届选举工作方案", "--text",
       "方案正文", "--date", "2026-10-10");
    out = RUN(0, NULL, "plan", "list", "--community", "KBS-BH-01", "--state", "审批中");
    cr_assert(strstr(out, "审批中") && !strstr(out, "(draft)"), "%s", out);
    free(out);
}

/* ---- the board and its export ------------------------------------------------------ */

/* The column `header` of a CSV text, summed over every row. */
static long s_column_sum(const char *csv, const char *header, int *rows, int *wide_rows)
{
    hj_csv_reader_t *r = hj_csv_reader_new(csv, strlen(csv));
    hj_csv_record_t rec;
    long col = -1, name = -1, sum = 0;
    *rows = *wide_rows = 0;
    cr_assert(r);
    while (hj_csv_next(r, &rec) == 1) {
        if (col < 0) {
            for (size_t i = 0; i < rec.count; i++) {
                if (strcmp(rec.fields[i], header) == 0)
                    col = (long)i;
                if (strcmp(rec.fields[i], "社区名称") == 0)
                    name = (long)i;
            }
            cr_assert(col >= 0 && name >= 0, "no column %s", header);
            continue;
        }
        sum += atol(rec.fields[col]);
        (*rows)++;
        *wide_rows += strcmp(rec.fields[name], "（全街道）") == 0;
    }
    hj_csv_reader_destroy(&r);
    return sum;
}

Test(field, the_board_export_publicity_column_sums_to_what_the_subdistrict_pushed, .fini = teardown,
     .timeout = 120)
{
    s_start();
    s_seed();
    OK("publicity", "add", "--community", "KBS-BH-01", "--channel", "screen", "--kind", "slogan",
       "--date", "2026-11-01", "--count", "3", "--title", "a");
    OK("publicity", "add", "--community", "KBS-BH-02", "--channel", "screen", "--kind", "slogan",
       "--date", "2026-11-01", "--count", "5", "--title", "b");
    OK("publicity", "add", "--subdistrict", "KBS-BH", "--channel", "wechat_group", "--kind",
       "policy_reading", "--date", "2026-11-02", "--count", "7", "--title", "c");
    long pushed = hj_stack_scalar(
        &stack, "SELECT sum(count) FROM registry.publicity WHERE subdistrict = 'KBS-BH'");
    cr_assert_eq(pushed, 15);
    /* The board itself counts the subdistrict's push on each community (10 and 12). */
    char *out = RUN(0, NULL, "export", "board", "--format", "csv");
    int rows, wide;
    cr_assert_eq(s_column_sum(out, "宣传次数", &rows, &wide), pushed, "%s", out);
    cr_assert_eq(rows, 3, "two communities and the subdistrict-wide row: %s", out);
    cr_assert_eq(wide, 1, "%s", out);
    free(out);
    out = RUN(0, NULL, "export", "board", "--format", "csv", "--subdistrict", "KBS-BH");
    cr_assert_eq(s_column_sum(out, "宣传次数", &rows, &wide), pushed, "%s", out);
    free(out);

    /* The board shows the measures without a gate: recorded with counts, or not started. */
    out = RUN(0, NULL, "board");
    cr_assert(strstr(out, "宣传动员") && strstr(out, "后备人选台账") && strstr(out, "未开始"), "%s",
              out);
    cr_assert(strstr(out, "街道 KBS-BH：换届工作领导小组未开始") &&
                  strstr(out, "街道换届方案未开始"),
              "%s", out);
    free(out);
    out = RUN(0, NULL, "board", "KBS-BH-01");
    cr_assert(strstr(out, "宣传动员  已记录（推送10次）") && strstr(out, "后备人选台账  未开始"),
              "%s", out);
    free(out);
}

/* ---- hj admin on the server ------------------------------------------------------- */

Test(field, admin_finds_the_database_of_the_run_directory_up_made, .fini = teardown, .timeout = 120)
{
    s_start();
    s_seed();
    char path[400], *err = NULL;
    unsetenv("HJ_DB");
    unsetenv("HJ_RUN_DIR");
    /* The stack's device lives in RUN/devices, as `up`'s does; without the
     * database file hj can only guess, and says where the guess came from. */
    free(RUN(3, &err, "admin", "journal", "verify"));
    cr_assert(strstr(err, "database") && strstr(err, "HJ_DB"), "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/database", stack.run_dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "%s\n", stack.db);
    fclose(f);
    char *out = RUN(0, NULL, "admin", "journal", "verify");
    cr_assert(strstr(out, "ok, "), "%s", out);
    free(out);
}

Test(field, enrol_prints_the_ports_the_server_listens_on, .fini = teardown, .timeout = 120)
{
    s_start();
    char *err = NULL;
    free(RUN(0, &err, "admin", "device", "enrol", "laptop-10", "--team", "滨河街道办", "--role",
             "subdistrict-office", "--db", stack.db, "--run-dir", stack.run_dir, "--bus", stack.bus,
             "--events", stack.events, "--out", "-"));
    char want[160];
    snprintf(want, sizeof want, "--bus tcp://SERVER%s --events tcp://SERVER%s",
             strrchr(stack.bus, ':'), strrchr(stack.events, ':'));
    cr_assert(strstr(err, want), "expected %s in: %s", want, err);
    free(err);
}

/* ---- hj watch and a revoked device --------------------------------------------------- */

/* Starts `hj watch` as the device file `device`; stdout and stderr go to files. */
static pid_t s_watch(const char *device, const char *outfile, const char *errfile)
{
    pid_t pid = fork();
    if (pid == 0) {
        char path[512], config[300];
        int o = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        setsid();
        snprintf(path, sizeof path, "%s/hj", stack.bin_dir);
        snprintf(config, sizeof config, "%s/config", stack.run_dir);
        setenv("HJ_BUS", stack.bus, 1);
        setenv("HJ_BUS_EVENTS", stack.events, 1);
        setenv("HJ_DEVICE", device, 1);
        setenv("XDG_CONFIG_HOME", config, 1);
        execl(path, "hj", "watch", "--seconds", "60", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static char *s_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = calloc(1, 65536);
    if (f) {
        size_t n = fread(text, 1, 65535, f);
        text[n] = 0;
        fclose(f);
    }
    return text;
}

Test(field, watch_stops_with_a_message_when_its_device_is_revoked, .fini = teardown, .timeout = 120)
{
    s_start();
    char device[320], outfile[400], errfile[400];
    cr_assert_eq(hj_stack_enrol(&stack, "watcher-1", "指挥中心", "observer", device, sizeof device),
                 0);
    snprintf(outfile, sizeof outfile, "%s/watch.out", stack.run_dir);
    snprintf(errfile, sizeof errfile, "%s/watch.err", stack.run_dir);
    pid_t pid = s_watch(device, outfile, errfile);
    cr_assert(pid > 0);
    /* Subscribed: a write reaches it. */
    int seen = 0;
    for (int i = 0; i < 100 && !seen; i++) {
        char code[16];
        snprintf(code, sizeof code, "D%02d", i);
        OK("district", "add", "--code", code, "--name", "测试区");
        for (int w = 0; w < 4 && !seen; w++) {
            usleep(50 * 1000);
            char *text = s_file(outfile);
            seen = strstr(text, "registry.") != NULL;
            free(text);
        }
    }
    cr_assert(seen, "the watch never saw an event");
    OK("admin", "device", "revoke", "watcher-1", "--db", stack.db);
    int status = -1;
    pid_t done = 0;
    for (int waited = 0; waited < 30000 && done == 0; waited += 50) {
        done = waitpid(pid, &status, WNOHANG);
        if (done == 0)
            usleep(50 * 1000);
    }
    if (done == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    char *err = s_file(errfile);
    cr_assert(done == pid, "hj watch kept running after its device was revoked: %s", err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "exit %d: %s", WEXITSTATUS(status),
              err);
    cr_assert(strstr(err, "refused device watcher-1's key") && strstr(err, "revoked"), "%s", err);
    free(err);
}
