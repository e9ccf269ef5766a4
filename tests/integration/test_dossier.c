/* hj report community CODE — the community dossier, through the real CLI,
 * broker, registry, audit, interviews and tally daemons and database: one
 * community seeded with known records (members with and without
 * preparation talks, an audit with an open finding, a plan with two of three
 * steps approved, an overdue task, reserve entries in every vetting state,
 * an election with its candidates, an election committee with an untrained
 * member), and the dossier must show exactly those; its gates must be those
 * of `hj gates` and `hj board`. The lists are read in pages of two
 * (HJ_REPORT_PAGE), so every section crosses page boundaries. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_test.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_text.h"

static hj_stack_t stack;

#define WANG_LI "11111111-1111-4111-8111-111111111111"   /* party secretary: one prep talk */
#define BATER "22222222-2222-4222-8222-222222222222"     /* residents director: two prep talks */
#define WULAN "33333333-3333-4333-8333-333333333333"     /* residents member: only a survey talk */
#define ZHANG_WEI "44444444-4444-4444-8444-444444444444" /* party member: no talk */
#define SUN_TAO "55555555-5555-4555-8555-555555555555"   /* left the committee: not in the roster */
#define LI_QIANG "66666666-6666-4666-8666-666666666666"  /* guidance group leader, interviewer */
#define ZHAO_MIN "77777777-7777-4777-8777-777777777777"  /* election committee head: trained */
#define LIU_YANG "88888888-8888-4888-8888-888888888888"  /* election committee member: untrained */
#define CAND_A "c0000000-0000-4000-8000-00000000000a"    /* residents: cleared, nominated */
#define CAND_B "c0000000-0000-4000-8000-00000000000b"    /* party: vetting pending */
#define CAND_C "c0000000-0000-4000-8000-00000000000c"    /* party: barred (criminal record) */
#define CAND_D "c0000000-0000-4000-8000-00000000000d"    /* residents: cleared, nominated */
#define CAND_E "c0000000-0000-4000-8000-00000000000e"    /* another community's ledger */
#define SUN_SEAT "50000000-0000-4000-8000-000000000005"
#define PLAN "a0000000-0000-4000-8000-000000000004"
#define TASK_DONE "a0000000-0000-4000-8000-000000000005"
#define ELECTION "e0000000-0000-4000-8000-000000000001"

#define OK(...) free(cli_expect(&stack, 0, NULL, (const char *const[]){__VA_ARGS__, NULL}))

/* Runs hj expecting exit `want`; stdout into *out (malloc'd), stderr returned (malloc'd). */
static char *s_run(int want, char **out, const char *const *argv)
{
    char *err = NULL, *o = cli_expect(&stack, want, &err, argv);
    if (out)
        *out = o;
    else
        free(o);
    return err;
}
#define RUN(want, out, ...) s_run(want, out, (const char *const[]){__VA_ARGS__, NULL})

static void setup(void)
{
    cr_assert_eq(hj_stack_start_all(&stack), 0, "stack did not start");
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01", "KBS-BH-02"), 0);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(dossier, .init = setup, .fini = teardown, .timeout = 120);

static void s_person(const char *id, const char *name)
{
    OK("person", "add", "--name", name, "--gender", "female", "--request-id", id);
}

static void s_seed(const char *d30, const char *d20, const char *d10, const char *d5,
                   const char *d3, const char *later, const char *election_day)
{
    s_person(WANG_LI, "王丽");
    s_person(BATER, "巴特尔");
    s_person(WULAN, "乌兰");
    s_person(ZHANG_WEI, "张伟");
    s_person(SUN_TAO, "孙涛");
    s_person(LI_QIANG, "李强");
    s_person(ZHAO_MIN, "赵敏");
    s_person(LIU_YANG, "刘洋");
    s_person(CAND_A, "候选人甲");
    s_person(CAND_B, "候选人乙");
    s_person(CAND_C, "候选人丙");
    s_person(CAND_D, "候选人丁");
    s_person(CAND_E, "候选人戊");
    OK("body", "add", "--kind", "guidance_group", "--name", "第一指导组", "--subdistrict", "KBS-BH",
       "--leader", LI_QIANG, "--guides", "KBS-BH-01", "--formed", d30);

    /* The roster: four sitting, one who left; 巴特尔 also on the party committee. */
    OK("seat", "add", "--community", "KBS-BH-01", "--person", WANG_LI, "--committee", "party",
       "--role", "secretary", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", BATER, "--committee", "residents",
       "--role", "director", "--from", "2021-01-20");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", BATER, "--committee", "party",
       "--role", "member", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", WULAN, "--committee", "residents",
       "--role", "member", "--from", "2021-01-20");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", ZHANG_WEI, "--committee", "party",
       "--role", "member", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-01", "--person", SUN_TAO, "--committee", "residents",
       "--role", "member", "--from", "2021-01-20", "--request-id", SUN_SEAT);
    OK("seat", "end", SUN_SEAT, "--on", d30);
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date", d10,
       "--interviewer", LI_QIANG, "--person", WANG_LI, "--summary", "谈换届");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date", d10,
       "--interviewer", LI_QIANG, "--person", BATER, "--summary", "谈换届");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date", d5,
       "--interviewer", LI_QIANG, "--person", BATER, "--summary", "再谈");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date", d10,
       "--interviewer", LI_QIANG, "--person", WULAN, "--summary", "摸底");
    OK("talk", "add", "--community", "KBS-BH-01", "--phase", "preparation", "--date", d5,
       "--interviewer", LI_QIANG, "--party", "property_company", "--name", "物业经理", "--summary",
       "听取意见");

    /* The audit: fieldwork, one finding open with its amount, one remedied. */
    OK("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from", "2021-01-01",
       "--to", "2026-10-31", "--auditor", "张审计", "--auditor", "李会计", "--opened", d20);
    OK("audit", "advance", "KBS-BH-01", "--on", d20);
    OK("audit", "scope", "set", "KBS-BH-01", "1", "--status", "examined");
    OK("audit", "finding", "add", "KBS-BH-01", "--item", "2", "--severity", "irregularity",
       "--text", "专项资金票据不全", "--amount", "12345.67", "--responsible", "王丽");
    OK("audit", "finding", "add", "KBS-BH-01", "--item", "3", "--severity", "observation", "--text",
       "台账登记滞后", "--amount", "800", "--responsible", "巴特尔");
    OK("audit", "finding", "update", "KBS-BH-01", "2", "--remedy", "remedied", "--note", "已补登");

    /* The plan: two of three steps approved; tasks overdue, open and done. */
    OK("plan", "add", "--community", "KBS-BH-01", "--title", "滨河社区换届工作方案", "--text", "……",
       "--date", d20, "--request-id", PLAN);
    OK("plan", "approve", PLAN, "--step", "1", "--date", d10, "--by", "张书记");
    OK("plan", "approve", PLAN, "--step", "2", "--date", d5, "--by", "区换届办");
    OK("task", "add", "--plan", PLAN, "--title", "入户走访", "--owner", "王丽", "--due", d3);
    OK("task", "add", "--plan", PLAN, "--title", "选民登记", "--owner", "巴特尔", "--due", later);
    OK("task", "add", "--plan", PLAN, "--title", "张贴公告", "--owner", "乌兰", "--due", d5,
       "--request-id", TASK_DONE);
    OK("task", "done", TASK_DONE, "--date", d5);

    /* The reserve ledger in every vetting state; one entry of another community. */
    OK("reserve", "add", "--person", CAND_A, "--community", "KBS-BH-01", "--committee", "residents",
       "--added", d20, "--source", "居民代表推荐", "--status", "nominated", "--vetting", "cleared");
    OK("reserve", "add", "--person", CAND_B, "--community", "KBS-BH-01", "--committee", "party",
       "--added", d20, "--source", "党员推荐");
    OK("reserve", "add", "--person", CAND_C, "--community", "KBS-BH-01", "--committee", "party",
       "--added", d10, "--source", "党员推荐", "--vetting", "barred", "--reason",
       "criminal_record");
    OK("reserve", "add", "--person", CAND_D, "--community", "KBS-BH-01", "--committee", "residents",
       "--added", d10, "--source", "居民代表推荐", "--status", "nominated", "--vetting", "cleared");
    OK("reserve", "add", "--person", CAND_E, "--community", "KBS-BH-02", "--committee", "party",
       "--added", d10);
    OK("election", "schedule", "KBS-BH-01", "--body", "residents", "--date", election_day,
       "--seats", "1", "--request-id", ELECTION);
    OK("election", "candidates", ELECTION, "--person", CAND_D, "--person", CAND_A);

    /* The election committee: its leader trained, its member not. */
    OK("body", "add", "--kind", "election_committee", "--name", "滨河社区选举委员会", "--community",
       "KBS-BH-01", "--leader", ZHAO_MIN, "--member", LIU_YANG, "--formed", d20);
    OK("training", "add", "--date", d10, "--community", "KBS-BH-01", "--trainer", "区委组织部",
       "--topic", "《城市居民委员会组织法》", "--topic", "选举程序", "--attendee",
       ZHAO_MIN ":election_committee_member");

    /* Rectification still open; an upgrade not yet decided. */
    OK("rectification", "open", "--community", "KBS-BH-01", "--problem", "petitions", "--plan",
       "逐户走访化解", "--owner", "王丽", "--date", d30, "--due", later);
    OK("upgrade", "request", "--community", "KBS-BH-01", "--to", "general_branch", "--date", d30,
       "--reason", "党员人数增加");
}

/* The eight gate states ("green"/"red"/"overridden") in JSON text, in order. */
static void s_json_states(const char *json, char states[8][16])
{
    static const char *const gates[8] = {"audit", "rectification", "upgrade",    "plan",
                                         "talks", "training",      "candidates", "voter_list"};
    for (int i = 0; i < 8; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"id\":\"%s\",\"state\":\"", gates[i]);
        const char *p = strstr(json, pat);
        cr_assert(p, "gate %s in %s", gates[i], json);
        p += strlen(pat);
        size_t n = strcspn(p, "\"");
        cr_assert_lt(n, 16);
        memcpy(states[i], p, n);
        states[i][n] = 0;
    }
}

#define HAS(text, needle) cr_assert(strstr(text, needle), "missing «%s» in:\n%s", needle, text)
#define HASNT(text, needle)                                                                        \
    cr_assert(!strstr(text, needle), "unexpected «%s» in:\n%s", needle, text)

/* HAS for the text that fmt makes. */
__attribute__((format(printf, 2, 3))) static void s_has(const char *text, const char *fmt, ...)
{
    char needle[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(needle, sizeof needle, fmt, ap);
    va_end(ap);
    HAS(text, needle);
}

static int s_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The display column at which `needle` starts on the line of `text` that holds `key`. */
static size_t s_column(const char *text, const char *key, const char *needle)
{
    const char *k = strstr(text, key);
    cr_assert(k, "no line with %s", key);
    const char *line = k;
    while (line > text && line[-1] != '\n')
        line--;
    const char *n = strstr(line, needle);
    const char *eol = strchr(line, '\n');
    cr_assert(n && (!eol || n < eol), "no %s on the line of %s", needle, key);
    size_t w = 0;
    cr_assert_eq(hj_text_width(line, (size_t)(n - line), &w), 0);
    return w;
}

Test(dossier, shows_exactly_what_the_community_has_recorded)
{
    char d30[11], d20[11], d10[11], d5[11], d3[11], later[11], election_day[11];
    hj_date_from_today(-30, d30);
    hj_date_from_today(-20, d20);
    hj_date_from_today(-10, d10);
    hj_date_from_today(-5, d5);
    hj_date_from_today(-3, d3);
    hj_date_from_today(30, later);
    hj_date_from_today(60, election_day);
    s_seed(d30, d20, d10, d5, d3, later, election_day);
    setenv("HJ_REPORT_PAGE", "2", 1); /* every list in pages of two */

    char *md = NULL, *gates = NULL, *board = NULL;
    free(RUN(0, &md, "report", "community", "KBS-BH-01"));
    free(RUN(0, &gates, "gates", "KBS-BH-01", "--json"));
    free(RUN(0, &board, "board", "KBS-BH-01", "--json"));

    /* 一: the community and its gates, as hj gates and hj board judge them. */
    HAS(md, "# 换届选举准备档案：滨河社区（KBS-BH-01）");
    HAS(md, "- 所属街道：KBS-BH");
    HAS(md, "- 指导组：第一指导组");
    char g[8][16], b[8][16];
    s_json_states(gates, g);
    s_json_states(board, b);
    static const char *const zh[8] = {"审计", "整顿", "升格",   "方案",
                                      "谈话", "培训", "候选人", "选民名单"};
    int red = 0;
    for (int i = 0; i < 8; i++) {
        cr_assert_str_eq(g[i], b[i], "gate %d: hj gates %s, hj board %s", i + 1, g[i], b[i]);
        cr_assert(strcmp(g[i], "green") == 0 || strcmp(g[i], "red") == 0, "gate %d %s", i + 1,
                  g[i]);
        red += strcmp(g[i], "red") == 0;
        s_has(md, "| %d | %s | %s |", i + 1, zh[i],
              strcmp(g[i], "green") == 0 ? "通过" : "**未通过**");
    }
    /* What the seed makes of them: only the candidates gate (2 listed for 1 seat) is green. */
    cr_assert_str_eq(g[6], "green");
    cr_assert_eq(red, 7, "%s", gates);
    HAS(md, "| 5 | 谈话 | **未通过** | 准备阶段已与2/4名在任两委成员谈心谈话 |");
    HAS(md, "7 项门槛未通过");

    /* 二: each sitting member once, with every preparation talk, or 未谈话. */
    s_has(md, "| 王丽 | 党组织书记 | 2021-01-15 | %s |", d10);
    s_has(md, "| 巴特尔 | 党组织委员、居委会主任 | 2021-01-15、2021-01-20 | %s、%s |", d10, d5);
    HAS(md, "| 乌兰 | 居委会委员 | 2021-01-20 | **未谈话** |");
    HAS(md, "| 张伟 | 党组织委员 | 2021-01-15 | **未谈话** |");
    HASNT(md, "孙涛");
    /* In the order an official reads them: the party secretary first, then by committee and rank.
     */
    cr_assert(strstr(md, "\n| 王丽 |") < strstr(md, "\n| 巴特尔 |") &&
                  strstr(md, "\n| 巴特尔 |") < strstr(md, "\n| 张伟 |") &&
                  strstr(md, "\n| 张伟 |") < strstr(md, "\n| 乌兰 |"),
              "%s", md);
    cr_assert_eq(s_count(md, "\n| 巴特尔 |"), 1, "one row a member, whatever their seats:\n%s", md);
    HAS(md, "谈话覆盖：2/4 名在任成员（50.0%），尚未全覆盖");

    /* 三: the audit, the open finding and its amount in yuan. */
    HAS(md, "- 状态：现场审计");
    s_has(md, "- 开始日期：%s", d20);
    HAS(md, "- 审计人员：张审计、李会计");
    HAS(md, "| 违规违纪 | 12,345.67 | **待整改** | 王丽 | 专项资金票据不全 |");
    HAS(md, "| 提示 | 800.00 | 已整改：已补登 | 巴特尔 | 台账登记滞后 |");
    HAS(md, "审计发现 2 项，其中未整改 1 项；涉及金额合计 13,145.67 元。");
    HAS(md, "| **未开始** |");

    /* 四: the plan, its pending step, the overdue task. */
    HAS(md, "- 方案：滨河社区换届工作方案（第 1 版）");
    HAS(md, "- 状态：审批中");
    s_has(md, "| 1 | 街道换届工作领导小组 | 已批准 | %s | 张书记 |", d10);
    s_has(md, "| 2 | 区换届办公室 | 已批准 | %s | 区换届办 |", d5);
    HAS(md, "| 3 | 指导组 | **待审批** | — |");
    s_has(md, "| 入户走访 | 王丽 | %s | **逾期未完成** |", d3);
    s_has(md, "| 选民登记 | 巴特尔 | %s | 进行中 |", later);
    s_has(md, "| 张贴公告 | 乌兰 | %s | 已完成（%s） |", d5, d5);
    HAS(md, "任务 3 项，未完成 2 项，其中逾期 1 项。");

    /* 五: the election's candidates in ballot order; the ledger with its vetting. */
    s_has(md, "### 居民委员会选举：%s，1 个职数（已安排）", election_day);
    HAS(md, "| 1 | 候选人丁 |\n| 2 | 候选人甲 |");
    s_has(md, "| 候选人甲 | 居委会 | 居民代表推荐 | %s | 通过 | 已提名 |", d20);
    s_has(md, "| 候选人乙 | 党组织 | 党员推荐 | %s | 待审 | 在库 |", d20);
    s_has(md, "| 候选人丙 | 党组织 | 党员推荐 | %s | **不通过：受过刑事处罚** | 在库 |", d10);
    HASNT(md, "候选人戊");
    HAS(md, "后备人选 4 名：资格联审通过 2 名，待审 1 名，不通过 1 名。");

    /* 六: the election committee, who is untrained; the session held. */
    HAS(md, "- 选举委员会：滨河社区选举委员会");
    HAS(md, "| 赵敏 | 组长 | 已培训 |");
    HAS(md, "| 刘洋 | 成员 | **未培训** |");
    HAS(md, "选举委员会成员已培训 1/2 名。");
    s_has(md, "| %s | 区委组织部 | 《城市居民委员会组织法》；选举程序 | 1 |", d10);

    /* 七: the open rectification item and the undecided upgrade, highlighted. */
    s_has(md, "| 信访矛盾集中 | 逐户走访化解 | 王丽 | %s | %s | **未开始** |", d30, later);
    s_has(md, "| %s | 党支部 | 党总支 | **待审批** | — | 党员人数增加 |", d30);
    free(md);

    /* The same in plain text: aligned columns by display width, marks as "!!". */
    char *txt = NULL;
    free(RUN(0, &txt, "report", "community", "KBS-BH-01", "--format", "txt"));
    HAS(txt, "一、换届门槛");
    HAS(txt, "二、两委成员与谈心谈话");
    HASNT(txt, "| 王丽 |");
    HAS(txt, "!! 未谈话");
    HAS(txt, "!! 待整改");
    HAS(txt, "!! 未培训");
    size_t col = s_column(txt, "乌兰", "!! 未谈话");
    cr_assert_eq(s_column(txt, "王丽  ", d10), col, "talk column of 王丽 not aligned:\n%s", txt);
    cr_assert_eq(s_column(txt, "巴特尔", d10), col, "talk column of 巴特尔 not aligned:\n%s", txt);
    cr_assert_eq(s_column(txt, "姓名", "准备阶段谈话"), col, "header not aligned:\n%s", txt);
    free(txt);

    /* --json: every read, the same gates. */
    char *json = NULL, j[8][16];
    free(RUN(0, &json, "report", "community", "KBS-BH-01", "--json"));
    s_json_states(json, j);
    for (int i = 0; i < 8; i++)
        cr_assert_str_eq(j[i], g[i]);
    HAS(json, "\"preparation_talks\":[");
    HAS(json, "\"amount_fen\":1234567,");
    free(json);
    free(gates);
    free(board);
}

Test(dossier, an_unknown_community_is_refused_naming_it_and_reads_never_spool)
{
    char *err = RUN(1, NULL, "report", "community", "KBS-XX-99");
    HAS(err, "NOT_FOUND");
    HAS(err, "(field: community)");
    free(err);
    err = RUN(2, NULL, "report", "community", "KBS-BH-01", "--format", "pdf");
    HAS(err, "--format");
    free(err);

    /* Nobody there: exit 3, and nothing waits in the spool. */
    char spool[512], *out = NULL;
    snprintf(spool, sizeof spool, "%s/spool-dossier", stack.run_dir);
    setenv("HJ_SPOOL", spool, 1);
    err = RUN(3, &out, "report", "community", "KBS-BH-01", "--bus", "tcp://127.0.0.1:1", "--tries",
              "1", "--timeout", "200");
    cr_assert_str_eq(out, "");
    free(out);
    free(err);
    DIR *dir = opendir(spool);
    int files = 0;
    for (struct dirent *e; dir && (e = readdir(dir));)
        files += e->d_name[0] != '.';
    if (dir)
        closedir(dir);
    cr_assert_eq(files, 0, "a read left %d entries in %s", files, spool);
}
