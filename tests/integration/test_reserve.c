/* The reserve-candidate ledger (后备人选台账): vetting rules, updates, and the
 * all-or-nothing CSV import with export -> import round-trips. */
#include "cli_test.h"

#include <errno.h>

static hj_stack_t stack;
static const char *wang = "a1111111-2222-4333-8444-555555555555";
static const char *li = "a2222222-2222-4333-8444-555555555555";

static void setup(void)
{
    prep_start(&stack);
    prep_person(&stack, wang, "王丽");
    prep_person(&stack, li, "李强");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(reserve, .init = setup, .fini = teardown, .timeout = 120);

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

static char *s_read(const char *path)
{
    char *text = hj_test_file(path);
    cr_assert(text, "%s", path);
    return text;
}

Test(reserve, vetting_rules_and_updates_are_journalled)
{
    char *out =
        HJ_OK(&stack, "reserve", "add", "--person", wang, "--community", "KBS-BH-01", "--committee",
              "residents", "--added", "2026-02-01", "--source", "居民代表推荐", "--json");
    char id[64];
    prep_json(out, "id", id, sizeof id);
    cr_assert(strstr(out, "\"status\":\"active\"") && strstr(out, "\"vetting\":\"pending\"") &&
                  strstr(out, "\"person_name\":\"王丽\""),
              "%s", out);
    free(out);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* The same person for the same committee twice. */
    char *err = HJ_REFUSED(&stack, "reserve", "add", "--person", wang, "--community", "KBS-BH-01",
                           "--committee", "residents", "--added", "2026-02-02");
    cr_assert(strstr(err, "ALREADY_EXISTS") && strstr(err, id), "%s", err);
    free(err);
    /* Barred needs the negative-list reason; a reason needs barred. */
    err = HJ_REFUSED(&stack, "reserve", "update", id, "--vetting", "barred");
    cr_assert(strstr(err, "field: bar_reason"), "%s", err);
    free(err);
    err =
        HJ_REFUSED(&stack, "reserve", "add", "--person", li, "--community", "KBS-BH-01",
                   "--committee", "party", "--added", "2026-02-02", "--reason", "criminal_record");
    cr_assert(strstr(err, "field: bar_reason"), "%s", err);
    free(err);
    /* Only a cleared candidate can be nominated. */
    err = HJ_REFUSED(&stack, "reserve", "update", id, "--status", "nominated");
    cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "field: vetting") &&
                  strstr(err, "资格联审"),
              "%s", err);
    free(err);
    err = HJ_REFUSED(&stack, "reserve", "update", "b1111111-2222-4333-8444-555555555555",
                     "--status", "withdrawn");
    cr_assert(strstr(err, "NOT_FOUND"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.reserve WHERE vetting = "
                                         "'pending' AND status = 'active'"),
                 1);

    free(HJ_OK(&stack, "reserve", "update", id, "--vetting", "cleared"));
    out = HJ_OK(&stack, "reserve", "update", id, "--status", "nominated", "--note", "党员大会推荐",
                "--json");
    cr_assert(strstr(out, "\"status\":\"nominated\"") && strstr(out, "\"vetting\":\"cleared\"") &&
                  strstr(out, "党员大会推荐"),
              "%s", out);
    free(out);
    /* A nominated candidate cannot be barred without first being withdrawn. */
    err = HJ_REFUSED(&stack, "reserve", "update", id, "--vetting", "barred", "--reason",
                     "gang_involvement");
    cr_assert(strstr(err, "field: vetting"), "%s", err);
    free(err);
    free(HJ_OK(&stack, "reserve", "add", "--person", li, "--community", "KBS-BH-02", "--committee",
               "party", "--added", "2026-02-03", "--vetting", "barred", "--reason",
               "expelled_from_party"));
    out = HJ_OK(&stack, "reserve", "list", "--status", "nominated", "--json");
    cr_assert(strstr(out, "王丽") && !strstr(out, "李强"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "reserve", "list", "--community", "KBS-BH-02");
    cr_assert(strstr(out, "李强") && strstr(out, "被开除党籍"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = "
                                         "'reserve_updated' AND community = 'KBS-BH-01'"),
                 2);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'reserve_added'"),
        2);
}

Test(reserve, csv_import_with_bad_rows_changes_nothing_and_export_round_trips)
{
    char path[512], path2[512], path3[512];
    snprintf(path, sizeof path, "%s/ledger.csv", stack.run_dir);
    snprintf(path2, sizeof path2, "%s/export.csv", stack.run_dir);
    snprintf(path3, sizeof path3, "%s/export2.csv", stack.run_dir);
    /* The note of line 2 spans lines 2-3 of the file; line 4 has an unknown
     * vetting word, line 6 a person nobody registered, line 7 repeats line 2. */
    s_write(
        path,
        "姓名,社区,委员会,推荐来源,入库日期,状态,资格联审,否决原因,备注\n"
        "王丽,KBS-BH-01,居委会,居民代表推荐,2026-02-01,在库,通过,,"
        "\"群众基础好，\"\"热心\"\"\n能办事\"\n"
        "李强,KBS-BH-01,党组织,党员推荐,2026-02-01,在库,maybe,,\n"
        "李强,KBS-BH-02,party,组织推荐,2026-02-02,active,barred,gang_involvement,涉黑线索核实中\n"
        "赵无名,KBS-BH-01,居委会,自荐,2026-02-02,在库,待审,,\n"
        "王丽,KBS-BH-01,residents,重复,2026-02-03,active,pending,,\n");
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    char *err = HJ_REFUSED(&stack, "reserve", "import", path);
    cr_assert(strstr(err, "line 4: vetting") &&
                  strstr(err, "line 7: person_id: the same entry as line 2") &&
                  strstr(err, "line 6: person_name: no person is named 赵无名") &&
                  strstr(err, "nothing was imported"),
              "every bad line is named with its reason:\n%s", err);
    cr_assert(!strstr(err, "line 2:") && !strstr(err, "line 5:"), "good lines are not named:\n%s",
              err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.reserve"), 0);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal);

    /* Fixed: one request, one journal event, three entries. */
    s_write(path, "姓名,社区,委员会,推荐来源,入库日期,状态,资格联审,否决原因,备注\n"
                  "王丽,KBS-BH-01,居委会,居民代表推荐,2026-02-01,在库,通过,,"
                  "\"群众基础好，\"\"热心\"\"\n能办事\"\n"
                  "李强,KBS-BH-01,党组织,党员推荐,2026-02-01,在库,待审,,\n"
                  "李强,KBS-BH-02,party,组织推荐,2026-02-02,active,barred,gang_involvement,"
                  "涉黑线索{核实中}\\备查\n");
    const char *request = "c1111111-2222-4333-8444-555555555555";
    char *out = HJ_OK(&stack, "reserve", "import", path, "--request-id", request);
    cr_assert(strstr(out, "3 rows: 3 added, 0 updated"), "%s", out);
    free(out);
    /* A retry of the same request imports nothing twice. */
    out = HJ_OK(&stack, "reserve", "import", path, "--request-id", request);
    cr_assert(strstr(out, "3 rows: 3 added"), "the first answer: %s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.reserve"), 3);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'reserve_imported'"),
        1);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.reserve WHERE note = "
                                         "'群众基础好，\"热心\"' || chr(10) || '能办事'"),
                 1, "the note round-trips byte-exact");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.reserve WHERE note = "
                                         "'涉黑线索{核实中}' || chr(92) || '备查'"),
                 1, "braces and backslashes too");

    /* export -> import -> export gives the same bytes, and changes no entry. */
    free(HJ_OK(&stack, "reserve", "export", "--out", path2));
    char *first = s_read(path2);
    cr_assert(strncmp(first, "\xEF\xBB\xBF编号,人员编号,姓名,社区,委员会", 30) == 0, "%s", first);
    cr_assert(strstr(first, "居委会") && strstr(first, "涉黑涉恶") &&
                  strstr(first, "\"群众基础好，\"\"热心\"\"\n能办事\""),
              "%s", first);
    out = HJ_OK(&stack, "reserve", "import", path2);
    cr_assert(strstr(out, "3 rows: 0 added, 3 updated"), "%s", out);
    free(out);
    free(HJ_OK(&stack, "reserve", "export", "--out", path3));
    char *second = s_read(path3);
    cr_assert_str_eq(first, second);
    free(second);
    free(first);
    /* The English export reads back the same way. */
    free(HJ_OK(&stack, "reserve", "export", "--lang", "en", "--community", "KBS-BH-02", "--out",
               path2));
    first = s_read(path2);
    cr_assert(strncmp(first, "id,person_id,name,community,committee", 37) == 0 &&
                  strstr(first, ",party,") && strstr(first, ",barred,gang_involvement,") &&
                  !strstr(first, "KBS-BH-01"),
              "%s", first);
    free(first);
    out = HJ_OK(&stack, "reserve", "import", path2);
    cr_assert(strstr(out, "1 rows: 0 added, 1 updated"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.reserve"), 3);

    /* A row carrying an id the ledger does not know yet is a new entry under that id. */
    s_write(path, "id,person_id,community,committee,added\n"
                  "d1111111-2222-4333-8444-555555555555,a1111111-2222-4333-8444-555555555555,KBS-"
                  "BH-02,party,2026-02-05\n");
    out = HJ_OK(&stack, "reserve", "import", path);
    cr_assert(strstr(out, "1 rows: 1 added, 0 updated"), "%s", out);
    free(out);
    out = HJ_OK(&stack, "reserve", "show", "d1111111-2222-4333-8444-555555555555", "--json");
    cr_assert(strstr(out, "\"person_name\":\"王丽\"") && strstr(out, "\"status\":\"active\""), "%s",
              out);
    free(out);

    /* A file that is not a ledger at all is refused before it is sent. */
    s_write(path, "姓名,社区,委员会,入库日期\n王丽,KBS-BH-01\n");
    char *o = NULL, *e = NULL;
    cr_assert_eq(hj_run(&stack, &o, &e, "reserve", "import", path, NULL), 2);
    cr_assert(strstr(e, "line 2: 2 fields, the header has 4"), "%s", e);
    free(o);
    free(e);
}
