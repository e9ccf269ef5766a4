/* hj export TABLE: the ledgers as CSV, through the real CLI, broker, registry,
 * audit, interviews and tally daemons and database. Records are seeded with
 * Chinese text and fields holding commas, quotes and newlines; every export
 * is read back with the project's CSV reader and compared, cell by cell,
 * with what the list commands print as --json. One test a ledger, all on one
 * stack seeded with the record; the test that takes hj-busd away on its own. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_csv.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_wait.h"
#include "json_doc.h"

#define WANG "e1000000-0000-4000-8000-000000000001"
#define BATER "e1000000-0000-4000-8000-000000000002"
#define LI "e1000000-0000-4000-8000-000000000003"
#define ZHAO "e1000000-0000-4000-8000-000000000004"
#define SUN "e1000000-0000-4000-8000-000000000005"
#define AUDIT1 "e2000000-0000-4000-8000-000000000001"
#define AUDIT2 "e2000000-0000-4000-8000-000000000002"

/* Text that needs quoting: a comma, quotes and a newline (and Chinese). */
#define TRICKY "群众基础好，有意见,说\"要公开\"\n第二行：账目"

#define OK(...) free(cli_expect(&stack, 0, NULL, (const char *const[]){__VA_ARGS__, NULL}))
/* Asserts the exit code; returns stdout (malloc'd), stderr into *err if asked. */
#define RUN(want, err, ...) cli_expect(&stack, want, err, (const char *const[]){__VA_ARGS__, NULL})

/* ---- a CSV read back with hj_csv_reader --------------------------------------- */

typedef struct {
    int bom, crlf;
    size_t nrows, ncols; /* rows without the header */
    char **head;
    char ***rows;
} s_csv_t;

static void s_csv_parse(const char *text, s_csv_t *t)
{
    size_t len = strlen(text);
    hj_csv_record_t rec;
    memset(t, 0, sizeof *t);
    t->bom = strncmp(text, "\xEF\xBB\xBF", 3) == 0;
    const char *eol = strchr(text, '\n');
    t->crlf = eol && eol > text && eol[-1] == '\r';
    hj_csv_reader_t *r = hj_csv_reader_new(text, len);
    cr_assert(r);
    int got;
    size_t cap = 0;
    while ((got = hj_csv_next(r, &rec)) == 1) {
        char **cells = calloc(rec.count, sizeof *cells);
        for (size_t i = 0; i < rec.count; i++)
            cells[i] = strdup(rec.fields[i]);
        if (!t->head) {
            t->head = cells;
            t->ncols = rec.count;
            continue;
        }
        cr_assert_eq(rec.count, t->ncols, "line %zu: %zu fields, the header has %zu", rec.line,
                     rec.count, t->ncols);
        if (t->nrows == cap)
            t->rows = realloc(t->rows, (cap = cap ? 2 * cap : 16) * sizeof *t->rows);
        t->rows[t->nrows++] = cells;
    }
    cr_assert_eq(got, 0, "the export is not valid CSV: %s", hj_csv_error(r));
    cr_assert(t->head, "no header");
    hj_csv_reader_destroy(&r);
}

static void s_csv_free(s_csv_t *t)
{
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t c = 0; c < t->ncols; c++)
            free(t->rows[i][c]);
        free(t->rows[i]);
    }
    for (size_t c = 0; t->head && c < t->ncols; c++)
        free(t->head[c]);
    free(t->head);
    free(t->rows);
}

static int s_col(const s_csv_t *t, const char *header)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->head[c], header) == 0)
            return (int)c;
    cr_assert_fail("no column %s", header);
    return -1;
}

/* The export of a table: stdout of `hj export TABLE --format csv ARGS...`, parsed. */
static char *s_export_text(const char *table, const char *const *extra)
{
    const char *argv[24] = {"export", table, "--format", "csv"};
    size_t n = 4;
    for (size_t i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return cli_expect(&stack, 0, NULL, argv);
}

static void s_export(const char *table, s_csv_t *t, const char *const *extra)
{
    char *text = s_export_text(table, extra);
    s_csv_parse(text, t);
    free(text);
}
#define EXPORT(table, t, ...) s_export(table, t, (const char *const[]){__VA_ARGS__, NULL})

static void s_expect_header(const s_csv_t *t, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    cr_assert_eq(t->ncols, n, "%zu columns, expected %zu (first: %s)", t->ncols, n, t->head[0]);
    for (size_t c = 0; c < n; c++)
        cr_assert_str_eq(t->head[c], want[c], "column %zu", c + 1);
}
#define HEADER(t, ...) s_expect_header(t, (const char *const[]){__VA_ARGS__, NULL})

/* ---- what the list commands print ---------------------------------------------- */

static json_doc_t *s_json(const char *const *argv)
{
    char *out = cli_expect(&stack, 0, NULL, argv), err[256];
    json_doc_t *doc = json_doc_parse(out, strlen(out), err, sizeof err);
    cr_assert(doc, "%s: %s", err, out);
    free(out);
    return doc;
}
#define JSON(...) s_json((const char *const[]){__VA_ARGS__, "--json", NULL})

static const json_doc_t *s_get(const json_doc_t *obj, const char *key)
{
    for (size_t i = 0; obj && obj->type == JSON_DOC_OBJECT && i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

static const char *s_text(const json_doc_t *obj, const char *key)
{
    const json_doc_t *v = s_get(obj, key);
    cr_assert(v && v->type == JSON_DOC_STRING, "no string %s", key);
    return v->text;
}

/* The item of the array whose `key` is value. */
static const json_doc_t *s_find(const json_doc_t *array, const char *key, const char *value)
{
    for (size_t i = 0; array && i < array->n; i++)
        if (strcmp(s_text(array->items[i], key), value) == 0)
            return array->items[i];
    cr_assert_fail("no item with %s %s", key, value);
    return NULL;
}

/* Every cell of an English export's row whose header is a field of the JSON
 * object holds that field's value (strings as they are, numbers as written,
 * booleans yes/no, lists of strings joined with "; "). Returns how many. */
static int s_same(const s_csv_t *t, size_t row, const json_doc_t *obj)
{
    int compared = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const json_doc_t *v = s_get(obj, t->head[c]);
        const char *cell = t->rows[row][c];
        if (!v)
            continue;
        char joined[4096] = "";
        switch (v->type) {
        case JSON_DOC_STRING:
        case JSON_DOC_NUMBER:
            cr_assert_str_eq(cell, v->text, "row %zu, %s", row + 1, t->head[c]);
            break;
        case JSON_DOC_BOOL:
            cr_assert_str_eq(cell, v->boolean ? "yes" : "no", "row %zu, %s", row + 1, t->head[c]);
            break;
        case JSON_DOC_ARRAY:
            for (size_t i = 0; i < v->n; i++) {
                cr_assert_eq(v->items[i]->type, JSON_DOC_STRING, "%s", t->head[c]);
                snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s",
                         i ? "; " : "", v->items[i]->text);
            }
            cr_assert_str_eq(cell, joined, "row %zu, %s", row + 1, t->head[c]);
            break;
        default:
            continue;
        }
        compared++;
    }
    return compared;
}

/* The rows of an English export equal the list's items, in the list's order. */
static void s_same_as_list(const s_csv_t *t, const json_doc_t *items, const char *key,
                           int min_fields)
{
    cr_assert_eq(t->nrows, items->n, "%zu rows, the list has %zu items", t->nrows, items->n);
    int k = s_col(t, key);
    for (size_t i = 0; i < t->nrows; i++) {
        cr_assert_str_eq(t->rows[i][k], s_text(items->items[i], key), "row %zu", i + 1);
        int n = s_same(t, i, items->items[i]);
        cr_assert(n >= min_fields, "row %zu: only %d fields compared", i + 1, n);
    }
}

/* The row whose column `header` is value (exactly one). */
static size_t s_row(const s_csv_t *t, const char *header, const char *value)
{
    int c = s_col(t, header);
    size_t found = t->nrows, n = 0;
    for (size_t i = 0; i < t->nrows; i++)
        if (strcmp(t->rows[i][c], value) == 0) {
            found = i;
            n++;
        }
    cr_assert_eq(n, 1, "%zu rows with %s = %s", n, header, value);
    return found;
}

static const char *s_cell(const s_csv_t *t, size_t row, const char *header)
{
    return t->rows[row][s_col(t, header)];
}

/* ---- the stack and the record ---------------------------------------------------- */

/* The record every test reads: written through the real CLI, in order. */
static const char *const s_record[][28] = {
    {"person", "add", "--name", "王丽", "--gender", "female", "--request-id", WANG},
    {"person", "add", "--name", "巴特尔", "--gender", "male", "--request-id", BATER},
    {"person", "add", "--name", "李强", "--gender", "male", "--request-id", LI},
    {"person", "add", "--name", "赵敏", "--gender", "female", "--request-id", ZHAO},
    {"person", "add", "--name", "孙,\"小\"红", "--gender", "female", "--request-id", SUN},
    {"seat", "add", "--community", "KBS-BH-01", "--person", WANG, "--committee", "party", "--role",
     "secretary", "--from", "2021-01-15"},
    /* reserve: five entries (more than a page of two), one note that needs quoting */
    {"reserve", "add", "--person", WANG, "--community", "KBS-BH-01", "--committee", "residents",
     "--added", "2026-02-01", "--source", "居民代表推荐,党员推荐", "--note", TRICKY},
    {"reserve", "add", "--person", BATER, "--community", "KBS-BH-01", "--committee", "party",
     "--added", "2026-02-02", "--vetting", "barred", "--reason", "criminal_record"},
    {"reserve", "add", "--person", LI, "--community", "KBS-BH-02", "--committee", "party",
     "--added", "2026-02-03", "--vetting", "cleared", "--status", "nominated"},
    {"reserve", "add", "--person", ZHAO, "--community", "KBS-DS-01", "--committee", "residents",
     "--added", "2026-02-04", "--source", "自荐"},
    {"reserve", "add", "--person", SUN, "--community", "KBS-BH-02", "--committee", "residents",
     "--added", "2026-02-04", "--status", "withdrawn"},
    /* talks: a sitting member, an outside party whose name needs quoting, another subdistrict */
    {"talk",          "add",
     "--community",   "KBS-BH-01",
     "--phase",       "preparation",
     "--date",        "2026-10-10",
     "--interviewer", LI,
     "--interviewer", ZHAO,
     "--person",      WANG,
     "--summary",     TRICKY,
     "--topic",       "换届纪律",
     "--topic",       "账目公开,\"三务\"公开",
     "--follow-up",   "核实账目|李强|2026-10-20",
     "--follow-up",   "回访|赵敏|2026-10-25",
     "--concern"},
    {"talk", "add", "--community", "KBS-BH-02", "--phase", "survey", "--date", "2026-10-11",
     "--interviewer", LI, "--party", "property_company", "--name", "物业公司,\"张\"经理",
     "--summary", "物业费,停车位"},
    {"talk", "add", "--community", "KBS-DS-01", "--phase", "other", "--date", "2026-10-12",
     "--interviewer", ZHAO, "--person", SUN, "--summary", "了解情况"},
    /* findings: two audits, amounts in fen */
    {"audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from", "2021-01-01",
     "--to", "2026-10-31", "--auditor", "张审计", "--opened", "2026-09-01", "--request-id", AUDIT1},
    {"audit", "advance", "KBS-BH-01", "--on", "2026-09-02"},
    {"audit", "finding", "add", "KBS-BH-01", "--item", "1", "--severity", "irregularity", "--text",
     TRICKY, "--amount", "12345.6", "--responsible", "王丽", "--evidence", "凭证 12,13号",
     "--evidence", "合同\"A\""},
    {"audit", "finding", "add", "KBS-BH-01", "--item", "2", "--severity", "observation", "--text",
     "票据不全"},
    {"audit", "finding", "update", "KBS-BH-01", "2", "--remedy", "remedied", "--note", "已补齐"},
    {"audit", "open", "--community", "KBS-DS-01", "--term", "2021-2026", "--from", "2021-01-01",
     "--to", "2026-10-31", "--auditor", "刘审计", "--opened", "2026-09-01", "--request-id", AUDIT2},
    {"audit", "advance", "KBS-DS-01", "--on", "2026-09-02"},
    {"audit", "finding", "add", "KBS-DS-01", "--item", "3", "--severity", "serious", "--text",
     "挪用补助", "--amount", "0.07", "--responsible", "赵敏"},
    /* training: two attendees of one session, one of a subdistrict-wide session */
    {"training", "add", "--date", "2026-11-17", "--community", "KBS-BH-01", "--trainer",
     "区委组织部,王老师", "--topic", "《城市居民委员会组织法》", "--topic", "选举程序\"十步\"",
     "--attendee", ZHAO ":election_committee_member", "--attendee", LI ":guidance_group_member"},
    {"training", "add", "--date", "2026-11-18", "--subdistrict", "KBS-BH", "--trainer", "街道",
     "--topic", "换届纪律", "--attendee", SUN ":community_staff"},
    /* publicity */
    {"publicity", "add", "--community", "KBS-BH-01", "--channel", "screen", "--kind", "slogan",
     "--date", "2026-10-01", "--count", "12", "--title", TRICKY},
    {"publicity", "add", "--subdistrict", "KBS-BH", "--channel", "wechat_group", "--kind",
     "policy_reading", "--date", "2026-10-02", "--title", "政策解读：选举办法"},
    {"publicity", "add", "--community", "KBS-DS-01", "--channel", "notice_board", "--kind",
     "election_discipline", "--date", "2026-10-03", "--title", "换届纪律\"十严禁\""},
};

/* The places and the record; 0, or -1 with hj's message on stderr (no
 * assertion: the suite's runner seeds its shared stack with it). */
static int s_seed(hj_stack_t *s)
{
    int rc = HJ_SEED_PLACES(s, "KBS-BH-01", "KBS-BH-02", "KBS-DS-01");
    for (size_t i = 0; rc == 0 && i < sizeof s_record / sizeof s_record[0]; i++)
        rc = hj_seed_run(s, s_record[i]);
    return rc;
}

/* A stack with the whole record seeded, hj-tallyd caught up with it, left
 * running. 0 / -1. The ledgers' tests read the record and write little (a
 * follow-up closed), and the rest of what they assert reads the record as it
 * stands: one stack, started and seeded once by the runner, serves them all
 * (seeding is most of a test's time under ASan). */
static int hj_suite_seed(hj_stack_t *s)
{
    if (hj_stack_start_all(s) != 0 || s_seed(s) != 0)
        return -1;
    return hj_wait_until(hj_stack_tally_caught_up, s, 60000);
}

static void setup(void)
{
    cr_assert_eq(hj_stack_attach(&stack), 0, "the suite's stack did not start");
}

/* What a test wrote has reached hj-tallyd before the next test reads. */
static void settle(void)
{
    hj_wait_until(hj_stack_tally_caught_up, &stack, 60000);
}

TestSuite(export, .init = setup, .fini = settle, .timeout = 180);

/* A stack of the test's own, seeded as the suite's, for the test that takes hj-busd away. */
static void own_setup(void)
{
    cr_assert_eq(hj_suite_seed(&stack), 0, "stack did not start");
}

/* ---- the test --------------------------------------------------------------------- */

static void s_reserve(void)
{
    s_csv_t zh, en, page;
    EXPORT("reserve", &zh, NULL);
    HEADER(&zh, "编号", "人员编号", "姓名", "社区", "委员会", "推荐来源", "入库日期", "状态",
           "资格联审", "否决原因", "备注");
    cr_assert(!zh.bom && !zh.crlf, "a plain export has no BOM and LF line ends");
    cr_assert_eq(zh.nrows, 5);
    size_t w = s_row(&zh, "人员编号", WANG);
    cr_assert_str_eq(s_cell(&zh, w, "备注"), TRICKY);
    cr_assert_str_eq(s_cell(&zh, w, "推荐来源"), "居民代表推荐,党员推荐");
    cr_assert_str_eq(s_cell(&zh, w, "委员会"), "居委会");
    cr_assert_str_eq(s_cell(&zh, w, "状态"), "在库");
    cr_assert_str_eq(s_cell(&zh, s_row(&zh, "人员编号", BATER), "否决原因"), "受过刑事处罚");
    cr_assert_str_eq(s_cell(&zh, s_row(&zh, "人员编号", SUN), "姓名"), "孙,\"小\"红");

    EXPORT("reserve", &en, "--lang", "en");
    HEADER(&en, "id", "person_id", "name", "community", "committee", "source", "added", "status",
           "vetting", "bar_reason", "note");
    json_doc_t *list = JSON("reserve", "list", "--limit", "1000");
    s_same_as_list(&en, s_get(list, "items"), "id", 8);
    json_doc_destroy(&list);

    /* Paging: two at a time gives the same ledger. */
    char *all = s_export_text("reserve", NULL);
    char *paged = s_export_text("reserve", (const char *const[]){"--page-size", "2", NULL});
    cr_assert_str_eq(paged, all, "pages of 2 join into the same ledger");
    free(paged);
    free(all);
    /* And the ledger is the one `hj reserve export --lang en` writes (without its BOM). */
    char *old = RUN(0, NULL, "reserve", "export", "--lang", "en");
    all = s_export_text("reserve", (const char *const[]){"--lang", "en", NULL});
    cr_assert_str_eq(all, old);
    free(all);
    free(old);

    /* --subdistrict: the reserve list cannot filter by it, the export can. */
    EXPORT("reserve", &page, "--subdistrict", "KBS-DS", "--page-size", "1");
    cr_assert_eq(page.nrows, 1);
    cr_assert_str_eq(s_cell(&page, 0, "人员编号"), ZHAO);
    s_csv_free(&page);
    EXPORT("reserve", &page, "--community", "KBS-BH-02", "--lang", "en");
    cr_assert_eq(page.nrows, 2);
    s_csv_free(&page);
    s_csv_free(&zh);
    s_csv_free(&en);
}

static void s_talks(void)
{
    s_csv_t zh, en;
    EXPORT("talks", &zh, NULL);
    HEADER(&zh, "编号", "日期", "社区", "阶段", "谈话对象", "对象身份", "对象人员编号", "谈话人",
           "谈话主题", "谈话摘要", "需跟进问题", "未办结事项数", "未办结事项", "记录人");
    cr_assert_eq(zh.nrows, 3);
    cr_assert_str_eq(s_cell(&zh, 0, "日期"), "2026-10-10");
    cr_assert_str_eq(s_cell(&zh, 0, "阶段"), "准备阶段");
    cr_assert_str_eq(s_cell(&zh, 0, "谈话对象"), "王丽");
    cr_assert_str_eq(s_cell(&zh, 0, "对象身份"), "两委成员");
    cr_assert_str_eq(s_cell(&zh, 0, "谈话人"), "李强、赵敏");
    cr_assert_str_eq(s_cell(&zh, 0, "谈话主题"), "换届纪律、账目公开,\"三务\"公开");
    cr_assert_str_eq(s_cell(&zh, 0, "谈话摘要"), TRICKY);
    cr_assert_str_eq(s_cell(&zh, 0, "需跟进问题"), "是");
    cr_assert_str_eq(s_cell(&zh, 0, "未办结事项数"), "2");
    cr_assert_str_eq(s_cell(&zh, 0, "未办结事项"),
                     "核实账目（李强，2026-10-20前）；回访（赵敏，2026-10-25前）");
    cr_assert_str_eq(s_cell(&zh, 1, "谈话对象"), "物业公司,\"张\"经理");
    cr_assert_str_eq(s_cell(&zh, 1, "对象身份"), "物业公司负责人");
    cr_assert_str_eq(s_cell(&zh, 1, "阶段"), "调研摸底");
    cr_assert_str_eq(s_cell(&zh, 2, "对象身份"), "登记人员");

    /* A follow-up closed is no longer listed. */
    OK("talk", "close", s_cell(&zh, 0, "编号"), "--follow-up", "1", "--on", "2026-10-15");
    EXPORT("talks", &en, "--lang", "en", "--page-size", "1");
    HEADER(&en, "id", "date", "community", "phase", "interviewee", "interviewee_role",
           "interviewee_person_id", "interviewer_names", "topics", "summary", "concern_raised",
           "open_follow_ups", "open_follow_up_items", "recorded_by");
    cr_assert_str_eq(s_cell(&en, 0, "open_follow_up_items"), "回访 (赵敏, due 2026-10-25)");
    cr_assert_str_eq(s_cell(&en, 0, "phase"), "preparation");
    cr_assert_str_eq(s_cell(&en, 1, "interviewee_role"), "property_company");
    json_doc_t *list = JSON("talk", "list", "--limit", "1000");
    s_same_as_list(&en, s_get(list, "items"), "id", 8);
    json_doc_destroy(&list);
    s_csv_free(&en);

    EXPORT("talks", &en, "--subdistrict", "KBS-BH", "--lang", "en");
    cr_assert_eq(en.nrows, 2, "the talk of KBS-DS-01 is left out");
    cr_assert(strcmp(s_cell(&en, 0, "community"), "KBS-DS-01") &&
              strcmp(s_cell(&en, 1, "community"), "KBS-DS-01"));
    s_csv_free(&en);
    s_csv_free(&zh);
}

static void s_findings(void)
{
    s_csv_t zh, en;
    EXPORT("findings", &zh, NULL);
    HEADER(&zh, "审计编号", "社区", "任期", "审计状态", "问题序号", "审计事项序号", "审计事项",
           "严重程度", "金额（元）", "问题描述", "责任人", "整改状态", "整改说明", "证据");
    cr_assert_eq(zh.nrows, 3);
    size_t r = s_row(&zh, "问题描述", TRICKY);
    cr_assert_str_eq(s_cell(&zh, r, "金额（元）"), "12345.60");
    cr_assert_str_eq(s_cell(&zh, r, "严重程度"), "违规违纪");
    cr_assert_str_eq(s_cell(&zh, r, "整改状态"), "待整改");
    cr_assert_str_eq(s_cell(&zh, r, "审计状态"), "现场审计");
    cr_assert_str_eq(s_cell(&zh, r, "证据"), "凭证 12,13号、合同\"A\"");
    r = s_row(&zh, "问题描述", "票据不全");
    cr_assert_str_eq(s_cell(&zh, r, "金额（元）"), "", "no money involved");
    cr_assert_str_eq(s_cell(&zh, r, "整改状态"), "已整改");
    cr_assert_str_eq(s_cell(&zh, r, "整改说明"), "已补齐");
    r = s_row(&zh, "问题描述", "挪用补助");
    cr_assert_str_eq(s_cell(&zh, r, "金额（元）"), "0.07");
    cr_assert_str_eq(s_cell(&zh, r, "严重程度"), "严重/移送");

    EXPORT("findings", &en, "--lang", "en", "--page-size", "1");
    cr_assert_eq(en.nrows, 3);
    const char *audits[] = {AUDIT1, AUDIT2};
    size_t row = 0;
    for (int a = 0; a < 2; a++) {
        json_doc_t *view = JSON("audit", "show", audits[a]);
        const json_doc_t *findings = s_get(view, "findings");
        for (size_t i = 0; i < findings->n; i++, row++) {
            cr_assert(s_same(&en, row, findings->items[i]) >= 8, "row %zu", row + 1);
            cr_assert_str_eq(s_cell(&en, row, "term"), "2021-2026");
        }
        json_doc_destroy(&view);
    }
    cr_assert_eq(row, en.nrows, "every finding of every audit, one row each");
    cr_assert_str_eq(s_cell(&en, 0, "severity"), "irregularity");
    cr_assert_str_eq(s_cell(&en, 0, "audit_state"), "fieldwork");
    s_csv_free(&en);
    EXPORT("findings", &en, "--subdistrict", "KBS-DS");
    cr_assert_eq(en.nrows, 1);
    cr_assert_str_eq(s_cell(&en, 0, "问题描述"), "挪用补助");
    s_csv_free(&en);
    s_csv_free(&zh);
}

static void s_training(void)
{
    s_csv_t zh, en;
    EXPORT("training", &zh, NULL);
    HEADER(&zh, "培训编号", "日期", "社区", "街道", "培训内容", "授课人", "参训人编号", "参训人",
           "身份");
    cr_assert_eq(zh.nrows, 3, "one row an attendee of a session");
    size_t r = s_row(&zh, "参训人编号", ZHAO);
    cr_assert_str_eq(s_cell(&zh, r, "参训人"), "赵敏");
    cr_assert_str_eq(s_cell(&zh, r, "身份"), "选举委员会成员");
    cr_assert_str_eq(s_cell(&zh, r, "授课人"), "区委组织部,王老师");
    cr_assert_str_eq(s_cell(&zh, r, "培训内容"), "《城市居民委员会组织法》、选举程序\"十步\"");
    cr_assert_str_eq(s_cell(&zh, r, "社区"), "KBS-BH-01");
    cr_assert_str_eq(s_cell(&zh, r, "培训编号"),
                     s_cell(&zh, s_row(&zh, "参训人编号", LI), "培训编号"));
    r = s_row(&zh, "参训人编号", SUN);
    cr_assert_str_eq(s_cell(&zh, r, "社区"), "");
    cr_assert_str_eq(s_cell(&zh, r, "街道"), "KBS-BH");
    cr_assert_str_eq(s_cell(&zh, r, "参训人"), "孙,\"小\"红");

    EXPORT("training", &en, "--lang", "en", "--page-size", "1");
    HEADER(&en, "training_id", "date", "community", "subdistrict", "topics", "trainer", "person_id",
           "attendee", "role");
    cr_assert_eq(en.nrows, 3);
    json_doc_t *list = JSON("training", "list", "--limit", "1000");
    const json_doc_t *items = s_get(list, "items");
    for (size_t i = 0; i < en.nrows; i++) {
        const json_doc_t *t = s_find(items, "id", s_cell(&en, i, "training_id"));
        cr_assert(s_same(&en, i, t) >= 5, "row %zu", i + 1);
        const json_doc_t *a =
            s_find(s_get(t, "attendees"), "person_id", s_cell(&en, i, "person_id"));
        cr_assert_str_eq(s_cell(&en, i, "attendee"), s_text(a, "person_name"));
        cr_assert_str_eq(s_cell(&en, i, "role"), s_text(a, "role"));
    }
    json_doc_destroy(&list);
    s_csv_free(&en);
    s_csv_free(&zh);
}

static void s_publicity(void)
{
    s_csv_t zh, en;
    EXPORT("publicity", &zh, NULL);
    HEADER(&zh, "编号", "日期", "社区", "街道", "渠道", "类别", "次数", "标题", "记录人");
    cr_assert_eq(zh.nrows, 3);
    cr_assert_str_eq(s_cell(&zh, 0, "标题"), TRICKY);
    cr_assert_str_eq(s_cell(&zh, 0, "渠道"), "电子屏");
    cr_assert_str_eq(s_cell(&zh, 0, "类别"), "宣传标语");
    cr_assert_str_eq(s_cell(&zh, 0, "次数"), "12");
    cr_assert_str_eq(s_cell(&zh, 0, "记录人"), HJ_STACK_DEVICE);
    EXPORT("publicity", &en, "--lang", "en", "--page-size", "2");
    HEADER(&en, "id", "date", "community", "subdistrict", "channel", "kind", "count", "title",
           "recorded_by");
    json_doc_t *list = JSON("publicity", "list", "--limit", "1000");
    s_same_as_list(&en, s_get(list, "items"), "id", 9);
    json_doc_destroy(&list);
    s_csv_free(&en);
    EXPORT("publicity", &en, "--subdistrict", "KBS-DS");
    cr_assert_eq(en.nrows, 1);
    cr_assert_str_eq(s_cell(&en, 0, "类别"), "换届纪律");
    s_csv_free(&en);
    s_csv_free(&zh);
}

static void s_board(void)
{
    static const char *const gates[] = {"audit", "rectification", "upgrade",    "plan",
                                        "talks", "training",      "candidates", "voter_list"};
    s_csv_t zh, en;
    EXPORT("board", &zh, NULL);
    cr_assert_eq(zh.nrows, 4,
                 "one row a community, and KBS-BH's subdistrict-wide pushes in a row of their own");
    cr_assert_str_eq(zh.head[0], "社区编号");
    cr_assert_str_eq(zh.head[4], "审计");
    cr_assert_str_eq(zh.head[5], "审计说明");
    cr_assert_str_eq(zh.head[18], "选民名单");
    cr_assert_str_eq(zh.head[19], "选民名单说明");
    size_t r = s_row(&zh, "社区编号", "KBS-BH-01");
    cr_assert_str_eq(s_cell(&zh, r, "社区名称"), "滨河社区");
    cr_assert_str_eq(s_cell(&zh, r, "审计"), "未通过");
    cr_assert_str_eq(s_cell(&zh, r, "审计状态"), "现场审计");
    cr_assert_str_eq(s_cell(&zh, r, "整顿"), "通过");
    cr_assert_str_eq(s_cell(&zh, r, "后备人选在库"), "2",
                     "王丽 and 巴特尔 (barred by vetting, still active): %s",
                     s_cell(&zh, r, "后备人选在库"));
    /* The community's own pushes (12); the subdistrict's (1) are on its own row. */
    cr_assert_str_eq(s_cell(&zh, r, "宣传次数"), "12");
    size_t wide = s_row(&zh, "社区名称", "（全街道）");
    cr_assert_str_eq(s_cell(&zh, wide, "街道"), "KBS-BH");
    cr_assert_str_eq(s_cell(&zh, wide, "社区编号"), "");
    cr_assert_str_eq(s_cell(&zh, wide, "宣传次数"), "1");

    EXPORT("board", &en, "--lang", "en");
    cr_assert_eq(en.ncols, 4 + 16 + 25);
    json_doc_t *snap = JSON("board");
    const json_doc_t *boards = s_get(snap, "communities");
    cr_assert_eq(en.nrows, boards->n + 1, "the communities, then the subdistrict-wide row");
    for (size_t i = 0; i < boards->n; i++) {
        const json_doc_t *b = boards->items[i];
        cr_assert_str_eq(s_cell(&en, i, "community"), s_text(b, "code"));
        cr_assert(s_same(&en, i, b) >= 6, "row %zu", i + 1);
        cr_assert(s_same(&en, i, s_get(b, "counters")) >= 19, "row %zu: the counters", i + 1);
        const json_doc_t *g = s_get(b, "gates");
        cr_assert_eq(g->n, 8);
        for (size_t k = 0; k < 8; k++) {
            char reason[64];
            cr_assert_str_eq(s_text(g->items[k], "id"), gates[k]);
            cr_assert_str_eq(s_cell(&en, i, gates[k]), s_text(g->items[k], "state"));
            snprintf(reason, sizeof reason, "%s_reason", gates[k]);
            cr_assert_str_eq(s_cell(&en, i, reason), s_text(g->items[k], "reason"));
        }
    }
    json_doc_destroy(&snap);
    s_csv_free(&en);
    EXPORT("board", &en, "--subdistrict", "KBS-DS", "--lang", "en");
    cr_assert_eq(en.nrows, 1);
    cr_assert_str_eq(s_cell(&en, 0, "community"), "KBS-DS-01");
    s_csv_free(&en);
    s_csv_free(&zh);
}

static char *s_slurp(const char *path)
{
    char *text = hj_test_file(path);
    cr_assert(text, "%s", path);
    return text;
}

/* No temporary file is left beside the ledger. */
static void s_no_leftovers(void)
{
    DIR *d = opendir(stack.run_dir);
    struct dirent *e;
    cr_assert(d);
    while ((e = readdir(d)))
        cr_assert(strncmp(e->d_name, ".ledger.csv.", 12) != 0, "left behind: %s", e->d_name);
    closedir(d);
}

static void s_files_and_errors(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/ledger.csv", stack.run_dir);
    /* --excel: a BOM and CRLF, the same fields. */
    free(RUN(0, NULL, "export", "publicity", "--format", "csv", "--excel", "--out", path));
    char *excel = s_slurp(path), *plain = s_export_text("publicity", NULL);
    s_csv_t a, b;
    s_csv_parse(excel, &a);
    s_csv_parse(plain, &b);
    cr_assert(a.bom && a.crlf && !b.bom && !b.crlf);
    cr_assert(strstr(excel, "\r\n") && strncmp(excel, "\xEF\xBB\xBF编号,日期", 3 + 13) == 0, "%s",
              excel);
    cr_assert_eq(a.nrows, b.nrows);
    for (size_t i = 0; i < a.nrows; i++)
        for (size_t c = 0; c < a.ncols; c++)
            cr_assert_str_eq(a.rows[i][c], b.rows[i][c]);
    s_csv_free(&a);
    s_csv_free(&b);
    free(excel);
    free(plain);
    s_no_leftovers();

    /* Usage: the tables and the format are named. */
    char *err = NULL;
    free(RUN(2, &err, "export", "ledger", "--format", "csv"));
    cr_assert(strstr(err, "reserve, talks, findings, training, publicity, board"), "%s", err);
    free(err);
    free(RUN(2, &err, "export", "talks", "--format", "xlsx"));
    cr_assert(strstr(err, "--format must be csv"), "%s", err);
    free(err);
    free(RUN(2, &err, "export", "talks", "--format", "csv", "--lang", "fr"));
    cr_assert(strstr(err, "--lang is zh (the default) or en (got 'fr')"), "%s", err);
    free(err);
    /* A refusal names the server's reason. */
    free(RUN(1, &err, "export", "board", "--format", "csv", "--community", "KBS-XX-99", "--out",
             path));
    cr_assert(strstr(err, "hj: NOT_FOUND") && strstr(err, "KBS-XX-99"), "%s", err);
    free(err);
    /* Unreachable: exit 3, and the ledger written before is left as it was. */
    excel = s_slurp(path);
    hj_stack_kill(&stack, stack.pid[0], SIGKILL);
    free(RUN(3, &err, "export", "reserve", "--format", "csv", "--out", path, "--timeout", "300",
             "--tries", "1"));
    free(err);
    char *after = s_slurp(path);
    cr_assert_str_eq(after, excel, "a failed export leaves the old file");
    free(after);
    free(excel);
    s_no_leftovers();
}

/* Each ledger read back: headers, cells that need quoting, pages, the
 * subdistrict filter, and the English export equal to the list's --json. */
Test(export, reserve_round_trips_through_the_csv_reader)
{
    s_reserve();
}

Test(export, talks_round_trip_and_a_closed_follow_up_is_no_longer_listed)
{
    s_talks();
}

Test(export, findings_round_trip_with_amounts_in_yuan)
{
    s_findings();
}

Test(export, training_round_trips_one_row_an_attendee)
{
    s_training();
}

Test(export, publicity_round_trips_through_the_csv_reader)
{
    s_publicity();
}

Test(export, board_has_a_row_a_community_and_one_for_subdistrict_wide_pushes)
{
    s_board();
}

Test(export, excel_files_usage_errors_and_an_unreachable_bus_leave_the_old_ledger,
     .init = own_setup, .fini = hj_suite_teardown)
{
    s_files_and_errors();
}
