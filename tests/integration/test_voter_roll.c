/* The named voter roll (选民登记, issue 21) through the real CLI and daemons:
 * an import is all lines or none with every bad line named, the age check
 * is on election day, objections by name change the roll and its count,
 * the posting export carries names and groups only, proxies are between
 * entries of the roll and a candidate is known by who they are. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_seed.h"
#include "hj_envelope.h"

static hj_stack_t stack;

#define ELECTION "e0000000-0000-4000-8000-0000000000c1" /* residents, KBS-BH-01, in 30 days */
#define CANDIDATE "c0000000-0000-4000-8000-0000000000c1"
#define RIVAL "c0000000-0000-4000-8000-0000000000c2"

#define OK(...) free(HJ_OK(&stack, __VA_ARGS__))

static void setup(void)
{
    static const char *const programs[] = {"hj-registryd", "hj-tallyd", NULL};
    static const char *const services[] = {"registry", "tally", NULL};
    char day[11];
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01"), 0);
    hj_date_from_today(30, day);
    OK("election", "schedule", "KBS-BH-01", "--body", "residents", "--date", day, "--seats", "1",
       "--request-id", ELECTION);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(voter_roll, .init = setup, .fini = teardown, .timeout = 180);

/* Writes the roll file (header + lines) into the run directory; returns its path. */
static const char *s_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", stack.run_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* YYYY-MM-DD of someone who turns 18 `days` days from today (0: today). */
static void s_turns_18(int days, char out[11])
{
    char d[11], year[8];
    hj_date_from_today(days, d);
    snprintf(year, sizeof year, "%04d", (atoi(d) - 18) % 10000);
    memcpy(out, year, 4);
    memcpy(out + 4, d + 4, 7);
}

Test(voter_roll, an_import_with_a_bad_line_changes_nothing_and_names_it)
{
    const char *bad = s_file("bad.csv", "姓名,性别,出生日期,居民小组\n"
                                        "张伟,男,1961-03-02,第一居民小组\n"
                                        "李娜,女,1975-13-01,第一居民小组\n"
                                        "王芳,女,1980-07-21,第二居民小组\n");
    char *err = HJ_REFUSED(&stack, "voters", "import", ELECTION, bad);
    cr_assert(strstr(err, "1 bad line, nothing imported") && strstr(err, "line 3: ") &&
                  strstr(err, "birth_date") && !strstr(err, "line 2") && !strstr(err, "line 4"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.voter"), 0,
                 "nothing was imported");

    const char *good = s_file("good.csv", "姓名,性别,出生日期,居民小组\n"
                                          "张伟,男,1961-03-02,第一居民小组\n"
                                          "李娜,女,1975-12-01,第一居民小组\n"
                                          "王芳,女,1980-07-21,第二居民小组\n");
    char *out = HJ_OK(&stack, "voters", "import", ELECTION, good);
    cr_assert(strstr(out, "voter roll imported") && strstr(out, "3 voters"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "voters", "list", ELECTION);
    cr_assert(strstr(out, "3 voters") && strstr(out, "张伟") && strstr(out, "李娜") &&
                  strstr(out, "王芳") && strstr(out, "1975-12-01"),
              "the office reads names and birth dates: %s", out);
    cr_assert(strstr(out, "not posted yet") || strstr(out, "尚未公布"),
              "the 20-day rule says what is next: %s", out);
    free(out);
    /* The counts-only roll of the community follows the named one. */
    out = HJ_OK(&stack, "voters", "show", "KBS-BH-01");
    cr_assert(strstr(out, "3 voters"), "%s", out);
    free(out);
    /* The counts-only verb cannot contradict the named roll. */
    err = HJ_REFUSED(&stack, "voters", "set", "KBS-BH-01", "--voters", "3200");
    cr_assert(strstr(err, "named roll") && strstr(err, "of 3 voters") &&
                  strstr(err, "(field: voters)"),
              "%s", err);
    free(err);
    /* A second import is refused: corrections are objections by name. */
    err = HJ_REFUSED(&stack, "voters", "import", ELECTION, good);
    cr_assert(strstr(err, "already has a named roll of 3 entries") &&
                  strstr(err, "(field: election)"),
              "%s", err);
    free(err);
}

Test(voter_roll, a_voter_under_18_on_election_day_is_refused_naming_the_line)
{
    char young[11], adult[11], text[512];
    s_turns_18(31, young); /* 18 the day after election day */
    s_turns_18(30, adult); /* 18 on election day */
    snprintf(text, sizeof text,
             "name,gender,birth_date,group\n张伟,male,1961-03-02,第一居民小组\n刘洋,male,%s,"
             "第一居民小组\n"
             "陈静,female,%s,第二居民小组\n",
             adult, young);
    char *err = HJ_REFUSED(&stack, "voters", "import", ELECTION, s_file("young.csv", text));
    cr_assert(strstr(err, "line 4: 陈静") && strstr(err, "under 18 on election day") &&
                  !strstr(err, "line 3"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.voter"), 0);
}

Test(voter_roll, an_objection_upheld_changes_the_count_and_the_posting_has_no_birth_dates)
{
    OK("voters", "import", ELECTION,
       s_file("roll.csv", "姓名,性别,出生日期,居民小组\n张伟,男,1961-03-02,第一居民小组\n"
                          "李娜,女,1975-12-01,第一居民小组\n王芳,女,1980-07-21,第二居民小组\n"
                          "赵敏,女,1990-05-05,第二居民小组\n"));
    /* An objection needs the roll posted (张榜公布). */
    char *err =
        HJ_REFUSED(&stack, "voters", "objection", ELECTION, "--name", "王芳", "--reason", "已迁出");
    cr_assert(strstr(err, "not published"), "%s", err);
    free(err);
    char posting[512];
    snprintf(posting, sizeof posting, "%s/posting.csv", stack.run_dir);
    char *out = HJ_OK(&stack, "voters", "posting", ELECTION, "--out", posting, "--lang", "en");
    cr_assert(strstr(out, "posting of 4 voters") && strstr(out, "30 days before election day"),
              "%s", out);
    free(out);
    FILE *f = fopen(posting, "r");
    cr_assert(f);
    char text[4096] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    cr_assert(strstr(text, "name,group\n") && strstr(text, "张伟,第一居民小组\n") &&
                  strstr(text, "赵敏,第二居民小组\n"),
              "%s", text);
    cr_assert(!strstr(text, "1961") && !strstr(text, "1990-05-05") && !strstr(text, "female"),
              "no birth dates, no genders: %s", text);
    cr_assert_eq(prep_count(text, "\n"), 5, "a header and four names: %s", text);

    /* Removal upheld: the roll and the community's count lose one. */
    out = HJ_OK(&stack, "voters", "objection", ELECTION, "--name", "王芳", "--reason",
                "已迁出本社区");
    cr_assert(strstr(out, "objection to remove 王芳") && strstr(out, "open"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "voters", "objection", ELECTION, "--name", "王芳", "--uphold");
    cr_assert(strstr(out, "upheld") && strstr(out, "3 voters on the roll"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "voters", "show", "KBS-BH-01");
    cr_assert(strstr(out, "3 voters"), "%s", out);
    free(out);
    /* An addition rejected keeps the roll; one upheld adds the entry. */
    err = HJ_REFUSED(&stack, "voters", "objection", ELECTION, "--name", "孙磊", "--reason", "漏登");
    cr_assert(strstr(err, "孙磊 is not on the roll") && strstr(err, "(field: name)"), "%s", err);
    free(err);
    OK("voters", "objection", ELECTION, "--name", "孙磊", "--reason", "漏登", "--gender", "男",
       "--birth", "1985-01-01", "--group", "第二居民小组");
    out = HJ_OK(&stack, "voters", "objection", ELECTION, "--name", "孙磊", "--reject");
    cr_assert(strstr(out, "dismissed") && strstr(out, "3 voters on the roll"), "%s", out);
    free(out);
    OK("voters", "objection", ELECTION, "--name", "孙磊", "--reason", "确属本社区居民", "--gender",
       "男", "--birth", "1985-01-01", "--group", "第二居民小组");
    out = HJ_OK(&stack, "voters", "objection", ELECTION, "--name", "孙磊", "--uphold");
    cr_assert(strstr(out, "4 voters on the roll"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "voters", "list", ELECTION);
    cr_assert(strstr(out, "4 voters") && strstr(out, "孙磊") && strstr(out, "removed"), "%s", out);
    free(out);
    err = HJ_REFUSED(&stack, "voters", "objection", ELECTION, "--name", "王芳", "--uphold");
    cr_assert(strstr(err, "no open objection about 王芳"), "%s", err);
    free(err);
}

Test(voter_roll, proxies_are_between_roll_entries_and_a_candidate_holds_none)
{
    char d10[11];
    hj_date_from_today(-10, d10);
    const char *ids[] = {CANDIDATE, RIVAL};
    const char *names[] = {"刘洋", "周杰"};
    for (int i = 0; i < 2; i++) {
        OK("person", "add", "--name", names[i], "--gender", "male", "--request-id", ids[i]);
        OK("reserve", "add", "--person", ids[i], "--community", "KBS-BH-01", "--committee",
           "residents", "--added", d10, "--status", "nominated", "--vetting", "cleared");
    }
    OK("election", "candidates", ELECTION, "--person", CANDIDATE, "--person", RIVAL);
    /* Voter 1 is the candidate 刘洋; voter 2 has the same name and is someone else. */
    OK("voters", "import", ELECTION,
       s_file("proxy.csv", "姓名,性别,出生日期,居民小组,人员编号\n"
                           "刘洋,男,1970-01-01,第一居民小组," CANDIDATE "\n"
                           "刘洋,男,1988-08-08,第二居民小组,\n"
                           "张伟,男,1961-03-02,第一居民小组,\n李娜,女,1975-12-01,第一居民小组,\n"
                           "王芳,女,1980-07-21,第二居民小组,\n赵敏,女,1990-05-05,第二居民小组,\n"));
    char *err = HJ_REFUSED(&stack, "voters", "proxy", ELECTION, "--holder", "1", "--for", "3");
    cr_assert(strstr(err, "voter 1 (刘洋) is a candidate") && strstr(err, "(field: holder)"), "%s",
              err);
    free(err);
    /* The namesake is no candidate: three proxies, then the fourth is refused. */
    for (int k = 3; k <= 5; k++) {
        char no[4];
        snprintf(no, sizeof no, "%d", k);
        char *out = HJ_OK(&stack, "voters", "proxy", ELECTION, "--holder", "2", "--for", no);
        char want[32];
        snprintf(want, sizeof want, "now holds %d", k - 2);
        cr_assert(strstr(out, "刘洋 (voter 2)") && strstr(out, want), "%s", out);
        free(out);
    }
    err = HJ_REFUSED(&stack, "voters", "proxy", ELECTION, "--holder", "2", "--for", "6");
    cr_assert(strstr(err, "would hold 4") && strstr(err, "(field: holder)"), "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "voters", "proxy", ELECTION, "--holder", "4", "--for", "99");
    cr_assert(strstr(err, "voter number 99 is not on the roll") &&
                  strstr(err, "(field: principal)"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.proxy"), 3);
}

/* Runs hj as the device file `device`; asserts the exit code; returns stdout (0) or stderr. */
static char *s_as(const char *device, int want, const char *const *args)
{
    const char *argv[16];
    char *err = NULL;
    int n = 0;
    for (; args[n] && n < 12; n++)
        argv[n] = args[n];
    argv[n++] = "--device";
    argv[n++] = device;
    argv[n] = NULL;
    char *out = cli_expect(&stack, want, &err, argv);
    if (want == 0) {
        free(err);
        return out;
    }
    free(out);
    return err;
}

Test(voter_roll, birth_dates_only_for_those_who_keep_the_roll)
{
    char gg[320], ec[320], other[320];
    OK("community", "add", "--code", "KBS-BH-02", "--name", "康和社区", "--subdistrict", "KBS-BH");
    OK("person", "add", "--name", "李强", "--gender", "male", "--request-id", RIVAL);
    OK("body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--subdistrict", "KBS-BH",
       "--leader", RIVAL, "--guides", "KBS-BH-01");
    OK("voters", "import", ELECTION,
       s_file("scope.csv", "姓名,性别,出生日期,居民小组\n张伟,男,1961-03-02,第一居民小组\n"));
    const hj_stack_enrolment_t devices[] = {
        {"gg-binhe", "第一指导组", "guidance-group", gg, sizeof gg},
        {"ec-binhe", "KBS-BH-01", "election-committee", ec, sizeof ec},
        {"ec-kanghe", "KBS-BH-02", "election-committee", other, sizeof other},
    };
    cr_assert_eq(hj_stack_enrol_each(&stack, devices, 3), 0);
    char *out = s_as(ec, 0, (const char *const[]){"voters", "list", ELECTION, NULL});
    cr_assert(strstr(out, "张伟") && strstr(out, "1961-03-02"), "its own election committee: %s",
              out);
    free(out);
    out = s_as(gg, 0, (const char *const[]){"voters", "list", ELECTION, NULL});
    cr_assert(strstr(out, "张伟") && !strstr(out, "1961"), "a guidance group reads names only: %s",
              out);
    free(out);
    char *err = s_as(other, 1, (const char *const[]){"voters", "list", ELECTION, NULL});
    cr_assert(strstr(err, "PERMISSION_DENIED") && strstr(err, "(field: community)"), "%s", err);
    free(err);
}
