/* Term-end audits through the real CLI, broker, hj-registryd, hj-auditd and database. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"

/* Runs hj with the arguments (NULL-terminated); asserts it succeeded;
 * returns its stdout (caller frees). */
static char *s_ok(const char *first, ...)
{
    const char *argv[72] = {first};
    va_list ap;
    va_start(ap, first);
    int n = hj_argv_va(argv, 1, 72, ap);
    va_end(ap);
    char *out = NULL, *err = NULL;
    int rc = hj_runv(&stack, &out, &err, argv);
    cr_assert_eq(rc, 0, "hj %s %s failed (%d): %s", argv[0], n > 1 ? argv[1] : "", rc, err);
    free(err);
    return out;
}
#define HJ_OK(...) s_ok(__VA_ARGS__, NULL)
#define HJ_DO(...) free(s_ok(__VA_ARGS__, NULL))

/* Runs hj; asserts the server refused with `code` naming `field`. */
#define HJ_REFUSED(code, field, ...)                                                               \
    do {                                                                                           \
        char *err_ = NULL;                                                                         \
        int rc_ = hj_run(&stack, NULL, &err_, __VA_ARGS__, NULL);                                  \
        cr_assert_eq(rc_, 1, "expected a refusal, got %d: %s", rc_, err_);                         \
        cr_assert(strstr(err_, code) && strstr(err_, "(field: " field ")"),                        \
                  "expected %s naming %s: %s", code, field, err_);                                 \
        free(err_);                                                                                \
    } while (0)

/* Everything the audit service has written: rows of its tables and its journal rows. */
static long s_audit_rows(void)
{
    return hj_stack_scalarf(
        &stack,
        "SELECT (SELECT count(*) FROM audit.engagement) + (SELECT count(*) FROM audit.scope_item)"
        " + (SELECT count(*) FROM audit.finding) + (SELECT count(*) FROM audit.move)"
        " + (SELECT count(*) FROM bus.journal WHERE service = 'audit')");
}

/* The places every test starts from: written once, by the runner; each
 * test's stack is a copy of it. 0, or -1 with hj's message on stderr. */
static int hj_suite_seed(hj_stack_t *s)
{
    static const char *const programs[] = {"hj-registryd", "hj-auditd", NULL};
    int rc = hj_stack_start(s, programs, NULL) == 0 &&
                     HJ_SEED_PLACES(s, "KBS-BH-01", "KBS-BH-02", "KBS-BH-03") == 0
                 ? 0
                 : -1;
    return hj_stack_seed_done(s, rc);
}

TestSuite(audit, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 120);

/* Opens an audit with the standard scope and moves it to fieldwork. */
static void s_open_at_work(const char *community, const char *term, const char *from,
                           const char *to)
{
    HJ_DO("audit", "open", "--community", community, "--term", term, "--from", from, "--to", to,
          "--auditor", "张审计");
    HJ_DO("audit", "advance", community, "--term", term);
}

/* Marks every scope item still not started as examined. */
static void s_examine_all(const char *community, const char *term)
{
    long n = hj_stack_scalarf(&stack,
                              "SELECT max(s.no) FROM audit.scope_item s JOIN audit.engagement e "
                              "ON e.id = s.engagement WHERE e.community = '%s' AND e.term = '%s'",
                              community, term);
    for (long i = 1; i <= n; i++) {
        char no[24];
        snprintf(no, sizeof no, "%ld", i);
        if (hj_stack_scalarf(
                &stack,
                "SELECT s.status FROM audit.scope_item s JOIN audit.engagement e ON e.id = "
                "s.engagement "
                "WHERE e.community = '%s' AND e.term = '%s' AND s.no = %ld",
                community, term, i) == 1)
            HJ_DO("audit", "scope", "set", community, no, "--status", "examined", "--term", term);
    }
}

Test(audit, engagement_walks_from_planned_to_published_refusing_each_illegal_step)
{
    char *out;
    /* Before any audit the gate is closed and says why. */
    out = HJ_OK("audit", "gate", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"done\":false") && strstr(out, "\"state\":\"not_opened\"") &&
                  strstr(out, "no term audit"),
              "%s", out);
    free(out);

    /* Bad opens store nothing. */
    HJ_REFUSED("NOT_FOUND", "community", "audit", "open", "--community", "KBS-XX-99", "--term",
               "2021-2026", "--from", "2021-01-01", "--to", "2026-06-30", "--auditor", "张审计");
    HJ_REFUSED("INVALID_ARGUMENT", "period_to", "audit", "open", "--community", "KBS-BH-01",
               "--term", "2021-2026", "--from", "2023-12-31", "--to", "2021-01-01", "--auditor",
               "张审计");
    HJ_REFUSED("INVALID_ARGUMENT", "auditors", "audit", "open", "--community", "KBS-BH-01",
               "--term", "2021-2026", "--from", "2021-01-01", "--to", "2026-06-30");
    HJ_REFUSED("INVALID_ARGUMENT", "opened_on", "audit", "open", "--community", "KBS-BH-01",
               "--term", "2021-2026", "--from", "2021-01-01", "--to", "2026-06-30", "--auditor",
               "张审计", "--opened", "2020-12-31");
    HJ_REFUSED("INVALID_ARGUMENT", "opened_on", "audit", "open", "--community", "KBS-BH-01",
               "--term", "2021-2026", "--from", "2021-01-01", "--to", "2026-06-30", "--auditor",
               "张审计", "--opened", "2099-01-01");
    cr_assert_eq(s_audit_rows(), 0);

    /* Opened: planned, both auditors, the seven standard scope items, Chinese intact. */
    out = HJ_OK("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from",
                "2021-01-01", "--to", "2026-06-30", "--auditor", "张审计", "--auditor", "李会计",
                "--opened", "2026-07-01", "--json");
    cr_assert(strstr(out, "\"state\":\"planned\"") &&
                  strstr(out, "\"auditors\":[\"张审计\",\"李会计\"]") &&
                  strstr(out, "\"title\":\"为民服务专项经费\"") &&
                  strstr(out, "\"opened_on\":\"2026-07-01\""),
              "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT count(*) FROM audit.scope_item"), 7);
    cr_assert_eq(
        hj_stack_scalarf(
            &stack,
            "SELECT count(*) FROM bus.journal WHERE service = 'audit' AND kind = 'audit_opened' "
            "AND community = 'KBS-BH-01' AND actor <> ''"),
        1);
    HJ_REFUSED("ALREADY_EXISTS", "term", "audit", "open", "--community", "KBS-BH-01", "--term",
               "2021-2026", "--from", "2021-01-01", "--to", "2026-06-30", "--auditor", "张审计");

    /* Skipping steps is refused and changes nothing. */
    long before = s_audit_rows();
    HJ_REFUSED("FAILED_PRECONDITION", "state_order", "audit", "advance", "KBS-BH-01", "--to",
               "completed");
    HJ_REFUSED("FAILED_PRECONDITION", "completed_before_published", "audit", "publish",
               "KBS-BH-01");
    HJ_REFUSED("FAILED_PRECONDITION", "state", "audit", "finding", "add", "KBS-BH-01", "--item",
               "1", "--severity", "observation", "--text", "尚未进场");
    cr_assert_eq(s_audit_rows(), before);
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT state FROM audit.engagement"), 1);

    /* Forward one step; back only with a reason; never before the last move. */
    HJ_DO("audit", "advance", "KBS-BH-01", "--on", "2026-07-05");
    HJ_REFUSED("INVALID_ARGUMENT", "reason", "audit", "advance", "KBS-BH-01", "--to", "planned");
    HJ_DO("audit", "advance", "KBS-BH-01", "--to", "planned", "--reason", "补充审计人员", "--on",
          "2026-07-06");
    HJ_REFUSED("INVALID_ARGUMENT", "on", "audit", "advance", "KBS-BH-01", "--on", "2026-07-03");
    HJ_REFUSED("INVALID_ARGUMENT", "on", "audit", "advance", "KBS-BH-01", "--on", "2099-01-01");
    HJ_DO("audit", "advance", "KBS-BH-01", "--on", "2026-07-07");
    HJ_DO("audit", "advance", "KBS-BH-01", "--to", "draft_report", "--on", "2026-08-01");
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT state FROM audit.engagement"), 3);

    /* Not completed while a scope item is unexamined: the refusal names them. */
    before = s_audit_rows();
    char *err = NULL;
    cr_assert_eq(
        hj_run(&stack, NULL, &err, "audit", "advance", "KBS-BH-01", "--on", "2026-08-10", NULL), 1);
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: scope_examined") &&
                  strstr(err, "7 scope items") && strstr(err, "为民服务专项经费"),
              "%s", err);
    free(err);
    HJ_REFUSED("FAILED_PRECONDITION", "findings", "audit", "scope", "set", "KBS-BH-01", "2",
               "--status", "finding_raised");
    cr_assert_eq(s_audit_rows(), before);
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT state FROM audit.engagement"), 3);

    /* A finding raises its item; the rest are examined; then it completes. */
    out = HJ_OK("audit", "finding", "add", "KBS-BH-01", "--item", "2", "--severity", "irregularity",
                "--amount", "1200.50", "--text", "专项经费列支餐费", "--responsible", "王丽",
                "--evidence", "凭证2026-07第12号", "--json");
    cr_assert(strstr(out, "\"amount_fen\":120050") &&
                  strstr(out, "\"evidence\":[\"凭证2026-07第12号\"]") &&
                  strstr(out, "\"remedy\":\"open\""),
              "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT status FROM audit.scope_item WHERE no = 2"), 3);
    s_examine_all("KBS-BH-01", "2021-2026");
    HJ_DO("audit", "advance", "KBS-BH-01", "--on", "2026-08-10");
    cr_assert_eq(
        hj_stack_scalarf(&stack,
                         "SELECT count(*) FROM audit.engagement WHERE state = 4 AND completed_on "
                         "= '2026-08-10'"),
        1);

    /* Completed: the scope is closed, the gate still says not published. */
    HJ_REFUSED("FAILED_PRECONDITION", "state", "audit", "scope", "add", "KBS-BH-01", "--title",
               "补充事项");
    out = HJ_OK("audit", "gate", "KBS-BH-01");
    cr_assert(strstr(out, "NOT done") && strstr(out, "not yet published"), "%s", out);
    free(out);

    /* Published (not before completion); a replay of the same request writes nothing. */
    HJ_REFUSED("INVALID_ARGUMENT", "on", "audit", "publish", "KBS-BH-01", "--on", "2026-08-09");
    const char *rid = "5a1c2a7e-8d4b-4c1a-9e2f-0a1b2c3d4e5f";
    HJ_DO("audit", "publish", "KBS-BH-01", "--on", "2026-08-15", "--request-id", rid);
    HJ_DO("audit", "publish", "KBS-BH-01", "--on", "2026-08-15", "--request-id", rid);
    cr_assert_eq(
        hj_stack_scalarf(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'audit_published'"),
        1);
    out = HJ_OK("audit", "gate", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"done\":true") && strstr(out, "\"published_on\":\"2026-08-15\"") &&
                  strstr(out, "\"state\":\"published\""),
              "%s", out);
    free(out);
    out = HJ_OK("audit", "gate", "KBS-BH-01");
    cr_assert(strstr(out, "done — completed and published") && strstr(out, "2026-08-15"), "%s",
              out);
    free(out);

    /* Withdrawn for a correction (with a reason) closes the gate again; republished opens it. */
    HJ_REFUSED("INVALID_ARGUMENT", "reason", "audit", "advance", "KBS-BH-01", "--to", "completed");
    HJ_DO("audit", "advance", "KBS-BH-01", "--to", "completed", "--reason", "报告数据更正", "--on",
          "2026-08-20");
    out = HJ_OK("audit", "gate", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"done\":false") && strstr(out, "\"published_on\":\"\""), "%s", out);
    free(out);
    HJ_DO("audit", "publish", "KBS-BH-01", "--on", "2026-08-21");
    out = HJ_OK("audit", "gate", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"done\":true") && strstr(out, "\"published_on\":\"2026-08-21\""), "%s",
              out);
    free(out);
    HJ_REFUSED("FAILED_PRECONDITION", "state_order", "audit", "advance", "KBS-BH-01");

    /* Every move is a journal event with its actor, and the history keeps the reasons. */
    cr_assert_eq(
        hj_stack_scalarf(
            &stack,
            "SELECT count(*) FROM bus.journal WHERE service = 'audit' AND community = 'KBS-BH-01' "
            "AND kind = 'audit_advanced' AND actor <> ''"),
        6);
    cr_assert_eq(
        hj_stack_scalarf(
            &stack,
            "SELECT count(*) FROM bus.journal WHERE service = 'audit' AND kind = 'audit_published' "
            "AND community = 'KBS-BH-01'"),
        2);
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT count(*) FROM audit.move"),
                 9); /* the open + 8 moves */
    out = HJ_OK("audit", "show", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"reason\":\"补充审计人员\"") &&
                  strstr(out, "\"reason\":\"报告数据更正\"") &&
                  strstr(out, "\"completed_on\":\"2026-08-10\""),
              "%s", out);
    free(out);
}

/* A finding to add, and the field its refusal names; NULL leaves an option out. */
typedef struct {
    const char *field, *community, *item, *severity, *amount, *text, *responsible;
} s_finding_t;

/* Adds the finding; asserts INVALID_ARGUMENT naming its field. */
static void s_finding_refused(const s_finding_t *f)
{
    const char *argv[16] = {"audit",  "finding", "add",        f->community,
                            "--item", f->item,   "--severity", f->severity};
    int n = 8;
    char *err = NULL, want[64];
    if (f->amount) {
        argv[n++] = "--amount";
        argv[n++] = f->amount;
    }
    argv[n++] = "--text";
    argv[n++] = f->text;
    if (f->responsible) {
        argv[n++] = "--responsible";
        argv[n++] = f->responsible;
    }
    int rc = hj_runv(&stack, NULL, &err, argv);
    snprintf(want, sizeof want, "(field: %s)", f->field);
    cr_assert_eq(rc, 1, "expected a refusal of %s, got %d: %s", f->text, rc, err);
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, want), "expected %s: %s", want, err);
    free(err);
}

Test(audit, finding_amounts_are_summed_exactly_per_community_and_bad_ones_change_nothing)
{
    char *out;
    s_open_at_work("KBS-BH-01", "2021-2026", "2021-01-01", "2026-06-30");
    s_open_at_work("KBS-BH-02", "2021-2026", "2021-01-01", "2026-06-30");
    /* 2^53 + 1 fen: a double cannot hold it, so the sum shows whether money stays integer. */
    HJ_DO("audit", "finding", "add", "KBS-BH-01", "--item", "1", "--severity", "irregularity",
          "--amount", "90071992547409.93", "--text", "收支未入账", "--responsible", "王丽");
    HJ_DO("audit", "finding", "add", "KBS-BH-01", "--item", "3", "--severity", "irregularity",
          "--amount", "0.01", "--text", "资产台账差额", "--responsible", "王丽");
    HJ_DO("audit", "finding", "add", "KBS-BH-01", "--item", "4", "--severity", "observation",
          "--text", "捐赠物资登记不及时");
    HJ_DO("audit", "finding", "add", "KBS-BH-02", "--item", "2", "--severity", "irregularity",
          "--amount", "0.1", "--text", "经费支出", "--responsible", "巴特尔");
    HJ_DO("audit", "finding", "add", "KBS-BH-02", "--item", "2", "--severity", "irregularity",
          "--amount", "0.2", "--text", "经费支出", "--responsible", "巴特尔");

    out = HJ_OK("audit", "status", "--all", "--json");
    cr_assert(strstr(out, "\"community\":\"KBS-BH-01\",\"name\":\"滨河社区\""), "%s", out);
    cr_assert(strstr(out, "\"amount_total_fen\":9007199254740994"), "%s", out);
    cr_assert(strstr(out, "\"amount_total_fen\":30,"), "%s", out);
    cr_assert(strstr(out, "\"community\":\"KBS-BH-03\"") && strstr(out, "\"state\":\"not_opened\""),
              "%s", out);
    free(out);
    out = HJ_OK("audit", "status", "--all");
    char *a = strstr(out, "KBS-BH-01"), *b = strstr(out, "KBS-BH-02"),
         *c = strstr(out, "KBS-BH-03");
    cr_assert(a && b && c && a < b && b < c, "one line a community, in order:\n%s", out);
    char *sum_a = strstr(a, "90,071,992,547,409.94"), *sum_b = strstr(b, "0.30");
    cr_assert(sum_a && sum_a < b && sum_b && sum_b < c, "each total on its own line:\n%s", out);
    cr_assert(strstr(c, "not_opened"), "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalarf(&stack,
                         "SELECT sum(f.amount_fen) - 9007199254740994 FROM audit.finding f JOIN "
                         "audit.engagement e "
                         "ON e.id = f.engagement WHERE e.community = 'KBS-BH-01'"),
        0);

    /* Bad amounts and references: refused naming the field, nothing stored. */
    long before = s_audit_rows();
    static const s_finding_t bad[] = {
        {"amount", "KBS-BH-02", "1", "irregularity", "-5", "负数", "巴特尔"},
        {"amount", "KBS-BH-02", "1", "irregularity", "92233720368547758.08", "溢出", "巴特尔"},
        {"amount", "KBS-BH-02", "1", "irregularity", "1.234", "三位小数", "巴特尔"},
        {"amount", "KBS-BH-02", "1", "irregularity", "1e5", "科学计数", "巴特尔"},
        {"scope_item", "KBS-BH-02", "99", "observation", NULL, "无此事项", NULL},
        {"responsible", "KBS-BH-02", "1", "irregularity", NULL, "无人整改", NULL},
        /* The audit's total must stay an exact int64 of fen. */
        {"amount", "KBS-BH-01", "1", "irregularity", "92233720368547758.07", "总额溢出", "王丽"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        s_finding_refused(&bad[i]);
    cr_assert_eq(s_audit_rows(), before);
    /* Up to exactly the largest total is fine, to the fen. */
    HJ_DO("audit", "finding", "add", "KBS-BH-02", "--item", "1", "--severity", "irregularity",
          "--amount", "92233720368547757.77", "--text", "最大金额", "--responsible", "巴特尔");
    out = HJ_OK("audit", "show", "KBS-BH-02");
    cr_assert(strstr(out, "total 92,233,720,368,547,758.07 元"), "%s", out);
    free(out);
    s_finding_refused(
        &(s_finding_t){"amount", "KBS-BH-02", "1", "irregularity", "0.01", "再多一分", "巴特尔"});

    /* An open serious finding shows on every status view of its community. */
    HJ_DO("audit", "finding", "add", "KBS-BH-01", "--item", "5", "--severity", "serious",
          "--amount", "50000", "--text", "工程发包未经民主决策", "--responsible", "赵某",
          "--evidence", "合同2024-05");
    out = HJ_OK("audit", "show", "KBS-BH-01");
    cr_assert(strstr(out, "严重问题未整改") && strstr(out, "工程发包未经民主决策"), "%s", out);
    free(out);
    out = HJ_OK("audit", "gate", "KBS-BH-01");
    cr_assert(strstr(out, "1 serious finding still open"), "%s", out);
    free(out);
    out = HJ_OK("audit", "status", "--all");
    a = strstr(out, "KBS-BH-01");
    b = strstr(out, "KBS-BH-02");
    char *mark = strstr(out, "!! 1");
    cr_assert(mark && mark > a && mark < b, "flag on the KBS-BH-01 line only:\n%s", out);
    cr_assert(!strstr(b, "!!"), "%s", out);
    free(out);
    out = HJ_OK("audit", "list", "--community", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"serious_open\":1"), "%s", out);
    free(out);

    /* Its item is not cleared while it is open; referred on, the flag goes. */
    before = s_audit_rows();
    HJ_REFUSED("FAILED_PRECONDITION", "open_findings", "audit", "scope", "set", "KBS-BH-01", "5",
               "--status", "cleared");
    cr_assert_eq(s_audit_rows(), before);
    out = HJ_OK("audit", "finding", "update", "KBS-BH-01", "4", "--remedy", "referred", "--note",
                "已移送区纪委", "--json");
    cr_assert(strstr(out, "\"remedy\":\"referred\"") &&
                  strstr(out, "\"remedy_note\":\"已移送区纪委\""),
              "%s", out);
    free(out);
    HJ_DO("audit", "scope", "set", "KBS-BH-01", "5", "--status", "cleared");
    out = HJ_OK("audit", "status", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"serious_open\":0") && strstr(out, "\"open_findings\":3"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalarf(
                     &stack, "SELECT count(*) FROM bus.journal WHERE kind = 'audit_finding_added' "
                             "AND community = 'KBS-BH-01'"),
                 4);
    cr_assert_eq(
        hj_stack_scalarf(&stack,
                         "SELECT count(*) FROM bus.journal WHERE kind = 'audit_finding_updated' "
                         "AND community = 'KBS-BH-01'"),
        1);
}

Test(audit, resident_requested_scope_item_records_who_asked_and_when)
{
    char *out;
    HJ_DO("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from",
          "2021-01-01", "--to", "2026-06-30", "--auditor", "张审计");
    out = HJ_OK("audit", "scope", "add", "KBS-BH-01", "--title", "小区停车位收费去向", "--basis",
                "representatives", "--signers", "12", "--eligible", "36", "--requested-by",
                "居民代表王芳等12人", "--requested-on", "2026-06-20", "--json");
    cr_assert(strstr(out, "\"no\":8") && strstr(out, "\"kind\":\"requested\"") &&
                  strstr(out, "\"basis\":\"representatives\"") && strstr(out, "\"signers\":12") &&
                  strstr(out, "\"eligible\":36") &&
                  strstr(out, "\"requested_by\":\"居民代表王芳等12人\"") &&
                  strstr(out, "\"requested_on\":\"2026-06-20\"") &&
                  strstr(out, "\"status\":\"not_started\""),
              "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalarf(
                     &stack, "SELECT count(*) FROM bus.journal WHERE kind = 'audit_scope_updated' "
                             "AND community = 'KBS-BH-01'"),
                 1);

    /* Fewer than the share the law names, or a request that does not add up, is refused. */
    long before = s_audit_rows();
    HJ_REFUSED("FAILED_PRECONDITION", "requested_threshold", "audit", "scope", "add", "KBS-BH-01",
               "--title", "某事项", "--basis", "representatives", "--signers", "11", "--eligible",
               "36", "--requested-by", "居民代表11人", "--requested-on", "2026-06-20");
    HJ_REFUSED("FAILED_PRECONDITION", "requested_threshold", "audit", "scope", "add", "KBS-BH-01",
               "--title", "某事项", "--basis", "residents", "--signers", "99", "--eligible", "1000",
               "--requested-by", "居民99人", "--requested-on", "2026-06-20");
    HJ_REFUSED("INVALID_ARGUMENT", "eligible", "audit", "scope", "add", "KBS-BH-01", "--title",
               "某事项", "--basis", "residents", "--signers", "50", "--eligible", "40",
               "--requested-by", "居民", "--requested-on", "2026-06-20");
    HJ_REFUSED("INVALID_ARGUMENT", "requested_on", "audit", "scope", "add", "KBS-BH-01", "--title",
               "某事项", "--basis", "residents", "--signers", "100", "--eligible", "1000",
               "--requested-by", "居民100人");
    HJ_REFUSED("INVALID_ARGUMENT", "requested_on", "audit", "scope", "add", "KBS-BH-01", "--title",
               "某事项", "--basis", "residents", "--signers", "100", "--eligible", "1000",
               "--requested-by", "居民100人", "--requested-on", "2099-01-01");
    HJ_REFUSED("INVALID_ARGUMENT", "basis", "audit", "scope", "add", "KBS-BH-01", "--title",
               "某事项", "--signers", "100", "--eligible", "1000");
    cr_assert_eq(s_audit_rows(), before);

    /* Exactly one-tenth of residents is enough; an auditor's own extra item needs no request. */
    out = HJ_OK("audit", "scope", "add", "KBS-BH-01", "--title", "物业维修基金", "--basis",
                "residents", "--signers", "100", "--eligible", "1000", "--requested-by",
                "居民李明等100人", "--requested-on", "2026-06-25", "--json");
    cr_assert(strstr(out, "\"no\":9") && strstr(out, "\"basis\":\"residents\""), "%s", out);
    free(out);
    out = HJ_OK("audit", "scope", "add", "KBS-BH-01", "--title", "食堂经费", "--json");
    cr_assert(strstr(out, "\"no\":10") && strstr(out, "\"kind\":\"extra\"") &&
                  strstr(out, "\"requested_by\":\"\""),
              "%s", out);
    free(out);
    out = HJ_OK("audit", "scope", "list", "KBS-BH-01");
    cr_assert(strstr(out, "居民代表王芳等12人, 2026-06-20 (12 of 36 representatives)") &&
                  strstr(out, "债权债务"),
              "%s", out);
    free(out);

    /* The requested item is scope like any other: no completion until it is examined. */
    HJ_DO("audit", "advance", "KBS-BH-01");
    HJ_DO("audit", "advance", "KBS-BH-01");
    for (int i = 1; i <= 7; i++) {
        char no[4];
        snprintf(no, sizeof no, "%d", i);
        HJ_DO("audit", "scope", "set", "KBS-BH-01", no, "--status", "examined");
    }
    HJ_DO("audit", "scope", "set", "KBS-BH-01", "9", "--status", "examined");
    HJ_DO("audit", "scope", "set", "KBS-BH-01", "10", "--status", "examined", "--note", "账实相符");
    char *err = NULL;
    cr_assert_eq(hj_run(&stack, NULL, &err, "audit", "advance", "KBS-BH-01", NULL), 1);
    cr_assert(strstr(err, "field: scope_examined") &&
                  strstr(err, "1 scope item is not examined: 8 小区停车位收费去向"),
              "%s", err);
    free(err);
    HJ_DO("audit", "scope", "set", "KBS-BH-01", "8", "--status", "examined");
    HJ_DO("audit", "advance", "KBS-BH-01");
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT state FROM audit.engagement"), 4);
}

Test(audit, periods_must_not_overlap_a_completed_audit_and_the_gate_answers_per_term)
{
    char *out;
    /* The previous term's audit, published. */
    HJ_DO("audit", "open", "--community", "KBS-BH-01", "--term", "2018-2020", "--from",
          "2018-01-01", "--to", "2020-12-31", "--auditor", "张审计", "--opened", "2021-01-05");
    HJ_DO("audit", "advance", "KBS-BH-01");
    HJ_DO("audit", "advance", "KBS-BH-01");
    s_examine_all("KBS-BH-01", "2018-2020");
    HJ_DO("audit", "advance", "KBS-BH-01");
    HJ_DO("audit", "publish", "KBS-BH-01");

    /* Overlapping it is refused; another community's same period, or the next period, is fine. */
    HJ_REFUSED("FAILED_PRECONDITION", "period", "audit", "open", "--community", "KBS-BH-01",
               "--term", "2019-2021", "--from", "2020-06-01", "--to", "2021-12-31", "--auditor",
               "张审计");
    cr_assert_eq(hj_stack_scalarf(&stack, "SELECT count(*) FROM audit.engagement"), 1);
    HJ_DO("audit", "open", "--community", "KBS-BH-02", "--term", "2018-2020", "--from",
          "2018-01-01", "--to", "2020-12-31", "--auditor", "张审计");
    HJ_DO("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2026", "--from",
          "2021-01-01", "--to", "2026-06-30", "--auditor", "张审计");

    /* The gate answers for the latest audit, or for the term asked. */
    out = HJ_OK("audit", "gate", "KBS-BH-01", "--json");
    cr_assert(strstr(out, "\"done\":false") && strstr(out, "\"term\":\"2021-2026\"") &&
                  strstr(out, "\"state\":\"planned\"") &&
                  strstr(out, "must be completed and published"),
              "%s", out);
    free(out);
    out = HJ_OK("audit", "gate", "KBS-BH-01", "--term", "2018-2020", "--json");
    cr_assert(strstr(out, "\"done\":true") && strstr(out, "\"term\":\"2018-2020\""), "%s", out);
    free(out);
    HJ_REFUSED("NOT_FOUND", "community", "audit", "gate", "KBS-XX-99");

    /* Two open audits may overlap, but only one of them can be completed. */
    HJ_DO("audit", "open", "--community", "KBS-BH-01", "--term", "2021-2023专项", "--from",
          "2021-01-01", "--to", "2023-12-31", "--auditor", "李会计");
    for (int k = 0; k < 2; k++) {
        HJ_DO("audit", "advance", "KBS-BH-01", "--term", "2021-2026");
        HJ_DO("audit", "advance", "KBS-BH-01", "--term", "2021-2023专项");
    }
    s_examine_all("KBS-BH-01", "2021-2026");
    s_examine_all("KBS-BH-01", "2021-2023专项");
    HJ_DO("audit", "advance", "KBS-BH-01", "--term", "2021-2026");
    long before = s_audit_rows();
    HJ_REFUSED("FAILED_PRECONDITION", "period", "audit", "advance", "KBS-BH-01", "--term",
               "2021-2023专项");
    cr_assert_eq(s_audit_rows(), before);
    cr_assert_eq(
        hj_stack_scalarf(&stack, "SELECT state FROM audit.engagement WHERE term = '2021-2023专项'"),
        3);

    /* The list shows each audit of the community, oldest period first. */
    out = HJ_OK("audit", "list", "--community", "KBS-BH-01");
    char *old = strstr(out, "2018-2020"), *cur = strstr(out, "2021-2026"),
         *extra = strstr(out, "2021-2023专项");
    cr_assert(old && cur && extra && old < cur, "%s", out);
    cr_assert(strstr(old, "published"), "%s", out);
    free(out);
    out = HJ_OK("audit", "list", "--state", "published", "--json");
    cr_assert(strstr(out, "2018-2020") && !strstr(out, "2021-2026"), "%s", out);
    free(out);
}
