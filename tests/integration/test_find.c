/* Issue #20 "find things": --subdistrict on the board, the upgrade and person
 * lists, the elections and every export, through the real hj, broker and
 * daemons. Two subdistricts, each with communities and records; each filter
 * must give exactly its subdistrict's rows, and an unknown subdistrict is
 * refused naming the field (not answered with an empty list). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_test.h"
#include "hj_seed.h"
#include "hj_stack.h"

static hj_stack_t stack;

#define WANG "f1000000-0000-4000-8000-000000000001"
#define LI "f1000000-0000-4000-8000-000000000002"
#define ZHAO "f1000000-0000-4000-8000-000000000003"
#define SUN "f1000000-0000-4000-8000-000000000004"

#define OK(...) free(cli_expect(&stack, 0, NULL, (const char *const[]){__VA_ARGS__, NULL}))
#define RUN(want, err, ...) cli_expect(&stack, want, err, (const char *const[]){__VA_ARGS__, NULL})

static void setup(void)
{
    cr_assert_eq(hj_stack_start_all(&stack), 0, "stack did not start");
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(find, .init = setup, .fini = teardown, .timeout = 180);

/* 滨河街道 KBS-BH: KBS-BH-01 (王丽) and KBS-BH-02 (李强); 东胜街道 KBS-DS:
 * KBS-DS-01 (赵敏); 孙红 sits nowhere. Each community has an upgrade request,
 * a talk, a reserve entry and an election. */
static void s_seed(void)
{
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH-01", "KBS-BH-02", "KBS-DS-01"), 0);
    OK("person", "add", "--name", "王丽", "--gender", "female", "--request-id", WANG);
    OK("person", "add", "--name", "李强", "--gender", "male", "--request-id", LI);
    OK("person", "add", "--name", "赵敏", "--gender", "female", "--request-id", ZHAO);
    OK("person", "add", "--name", "孙红", "--gender", "female", "--request-id", SUN);
    OK("seat", "add", "--community", "KBS-BH-01", "--person", WANG, "--committee", "party",
       "--role", "secretary", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-BH-02", "--person", LI, "--committee", "party", "--role",
       "secretary", "--from", "2021-01-15");
    OK("seat", "add", "--community", "KBS-DS-01", "--person", ZHAO, "--committee", "party",
       "--role", "secretary", "--from", "2021-01-15");
    const char *codes[] = {"KBS-BH-01", "KBS-BH-02", "KBS-DS-01"};
    const char *people[] = {WANG, LI, ZHAO};
    for (int i = 0; i < 3; i++) {
        OK("upgrade", "request", "--community", codes[i], "--to", "general_branch", "--date",
           "2026-02-01", "--reason", "党员人数超过50名");
        OK("talk", "add", "--community", codes[i], "--phase", "survey", "--date", "2026-10-10",
           "--interviewer", SUN, "--person", people[i], "--summary", "了解情况");
        OK("reserve", "add", "--person", SUN, "--community", codes[i], "--committee", "residents",
           "--added", "2026-02-01");
        OK("election", "schedule", codes[i], "--body", "party", "--date", "2027-03-01", "--seats",
           "5");
    }
}

/* Asserts the text names each of `in` and none of `out` (NULL-ended). */
static void s_exactly(const char *what, const char *text, const char *const *in,
                      const char *const *out)
{
    for (; *in; in++)
        cr_assert(strstr(text, *in), "%s: %s is missing: %s", what, *in, text);
    for (; *out; out++)
        cr_assert(!strstr(text, *out), "%s: %s is not of the subdistrict: %s", what, *out, text);
}

#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(find, each_filter_gives_exactly_its_subdistricts_rows)
{
    s_seed();

    /* The board: the subdistrict's communities, and totals that are its own. */
    char *out = RUN(0, NULL, "board", "--subdistrict", "KBS-BH", "--json");
    s_exactly("board --json", out, IN("\"KBS-BH-01\"", "\"KBS-BH-02\""), IN("KBS-DS-01"));
    free(out);
    out = RUN(0, NULL, "board", "--subdistrict", "KBS-DS");
    s_exactly("board", out, IN("KBS-DS-01", "东胜社区", "街道 KBS-DS：社区 1"),
              IN("KBS-BH-01", "KBS-BH-02", "滨河社区"));
    free(out);
    out = RUN(0, NULL, "board", "--subdistrict", "KBS-BH", "--lang", "en");
    cr_assert(strstr(out, "subdistrict KBS-BH: communities 2"), "%s", out);
    free(out);
    out = RUN(0, NULL, "board");
    s_exactly("the whole board", out, IN("KBS-BH-01", "KBS-BH-02", "KBS-DS-01", "社区 3"),
              IN("：社区 "));
    free(out);

    /* Persons: those sitting on the subdistrict's committees, with the total. */
    out = RUN(0, NULL, "person", "list", "--subdistrict", "KBS-BH", "--json");
    s_exactly("person list", out, IN("王丽", "李强", "\"total\":2"), IN("赵敏", "孙红"));
    free(out);
    out = RUN(0, NULL, "person", "list", "--subdistrict", "KBS-DS");
    s_exactly("person list", out, IN("赵敏"), IN("王丽", "李强", "孙红"));
    free(out);

    /* Upgrade requests, reserve entries, elections. */
    out = RUN(0, NULL, "upgrade", "list", "--subdistrict", "KBS-DS", "--json");
    s_exactly("upgrade list", out, IN("KBS-DS-01"), IN("KBS-BH-01", "KBS-BH-02"));
    free(out);
    out = RUN(0, NULL, "upgrade", "list", "--subdistrict", "KBS-BH", "--json");
    s_exactly("upgrade list", out, IN("KBS-BH-01", "KBS-BH-02"), IN("KBS-DS-01"));
    free(out);
    out = RUN(0, NULL, "election", "list", "--subdistrict", "KBS-BH", "--json");
    s_exactly("election list", out, IN("KBS-BH-01", "KBS-BH-02"), IN("KBS-DS-01"));
    free(out);

    /* Every export table takes the filter. */
    const char *tables[] = {"board", "talks", "reserve", "publicity", "training", "findings"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        out = RUN(0, NULL, "export", tables[i], "--format", "csv", "--subdistrict", "KBS-DS");
        cr_assert(!strstr(out, "KBS-BH-0"), "export %s --subdistrict KBS-DS: %s", tables[i], out);
        free(out);
    }
    out = RUN(0, NULL, "export", "talks", "--format", "csv", "--subdistrict", "KBS-BH");
    s_exactly("export talks", out, IN("KBS-BH-01", "KBS-BH-02"), IN("KBS-DS-01"));
    free(out);
    out = RUN(0, NULL, "export", "board", "--format", "csv", "--subdistrict", "KBS-DS");
    s_exactly("export board", out, IN("KBS-DS-01"), IN("KBS-BH-01"));
    free(out);
    out = RUN(0, NULL, "export", "reserve", "--format", "csv", "--subdistrict", "KBS-BH");
    s_exactly("export reserve", out, IN("KBS-BH-01", "KBS-BH-02"), IN("KBS-DS-01"));
    free(out);
}

Test(find, an_unknown_subdistrict_is_refused_naming_the_field)
{
    s_seed();
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    const char *const commands[][4] = {
        {"board", NULL},
        {"person", "list", NULL},
        {"upgrade", "list", NULL},
        {"election", "list", NULL},
        {"community", "list", NULL},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const char *argv[8] = {0};
        size_t n = 0;
        for (; commands[i][n]; n++)
            argv[n] = commands[i][n];
        argv[n++] = "--subdistrict";
        argv[n++] = "KBS-XX";
        char *err = NULL;
        free(cli_expect(&stack, 1, &err, argv));
        cr_assert(strstr(err, "(field: subdistrict)") && strstr(err, "KBS-XX"), "hj %s: %s",
                  argv[0], err);
        free(err);
    }
    const char *tables[] = {"board", "talks", "reserve", "findings"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char *err = NULL;
        free(RUN(1, &err, "export", tables[i], "--format", "csv", "--subdistrict", "KBS-XX"));
        cr_assert(strstr(err, "(field: subdistrict)"), "export %s: %s", tables[i], err);
        free(err);
    }
    /* A community and a subdistrict at once is a contradiction, said so. */
    char *err = NULL;
    free(RUN(1, &err, "person", "list", "--community", "KBS-BH-01", "--subdistrict", "KBS-DS"));
    cr_assert(strstr(err, "(field: subdistrict)") && strstr(err, "not both"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "a refused read wrote nothing");
}
