/* The registry core through the real CLI, broker, daemon and database. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hj_seed.h"
#include "hj_stack.h"

static hj_stack_t stack;

static void setup(void)
{
    static const char *const programs[] = {"hj-registryd", NULL};
    static const char *const services[] = {"registry", NULL};
    cr_assert_eq(hj_stack_start(&stack, programs, services), 0, "stack did not start");
    cr_assert_eq(HJ_SEED_PLACES(&stack, "KBS-BH"), 0);
}

static void teardown(void)
{
    hj_stack_stop(&stack);
}

TestSuite(registry, .init = setup, .fini = teardown, .timeout = 120);

Test(registry, community_round_trips_chinese_names_and_lists_in_order)
{
    char *out = NULL;
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-02", "--name",
                        "康和社区", "--subdistrict", "KBS-BH", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-01", "--name",
                        "滨河社区", "--subdistrict", "KBS-BH", "--org", "committee", NULL),
                 0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "community", "list", "--json", NULL), 0);
    char *first = strstr(out, "KBS-BH-01"), *second = strstr(out, "KBS-BH-02");
    cr_assert(first && second && first < second, "list is ordered by code: %s", out);
    cr_assert(strstr(out, "\"name\":\"滨河社区\""), "Chinese name round-trips: %s", out);
    cr_assert(strstr(out, "\"org_type\":\"committee\""), "%s", out);
    free(out);
    /* The human table lines up by display width: the column after a
     * four-character Chinese name starts at the same column on every row. */
    cr_assert_eq(hj_run(&stack, &out, NULL, "community", "list", NULL), 0);
    char *row1 = strstr(out, "KBS-BH-01"), *row2 = strstr(out, "KBS-BH-02");
    cr_assert(row1 && row2);
    cr_assert_eq(strstr(row1, "KBS-BH  ") - row1, strstr(row2, "KBS-BH  ") - row2,
                 "columns aligned:\n%s", out);
    free(out);
}

Test(registry, update_changes_name_and_organisation_and_paging_works)
{
    char *out = NULL;
    const char *codes[] = {"A-01", "A-02", "A-03"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", codes[i], "--name",
                            "社区", "--subdistrict", "KBS-BH", NULL),
                     0);
    cr_assert_eq(hj_run(&stack, &out, NULL, "community", "update", "A-02", "--name", "新名字",
                        "--org", "general_branch", "--json", NULL),
                 0);
    cr_assert(strstr(out, "新名字") && strstr(out, "general_branch"), "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "community", "list", "--limit", "2", "--after", "A-01",
                        "--json", NULL),
                 0);
    cr_assert(!strstr(out, "A-01") && strstr(out, "A-02") && strstr(out, "A-03"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(
                     &stack, "SELECT count(*) FROM bus.journal WHERE kind = 'community_updated'"),
                 1);
}

Test(registry, person_identity_card_is_stored_only_as_hash_and_mask)
{
    char id[19], *out = NULL, *err = NULL;
    hj_test_idcard("15060219780502002", id);
    cr_assert_eq(hj_run(&stack, &out, &err, "person", "add", "--name", "王丽", "--gender", "female",
                        "--ethnicity", "汉族", "--birth", "1978-05-02", "--party-member",
                        "--id-card", id, "--json", NULL),
                 0, "%s", err);
    cr_assert(!strstr(out, id), "the full number is never echoed: %s", out);
    char mask[19];
    snprintf(mask, sizeof mask, "1****************%c", id[17]);
    cr_assert(strstr(out, mask), "masked form shown (first and last character): %s", out);
    free(out);
    free(err);
    /* Nowhere in the database, nor in the journal payload. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM registry.person p, bus.journal j WHERE p.id_mask LIKE '%%%s%%' "
             "OR position('%s'::bytea in j.payload) > 0 OR position('%s'::bytea in j.reply) > 0",
             id, id, id);
    cr_assert_eq(hj_stack_scalar(&stack, sql), 0);
    /* The same person twice (by identity-card number) is refused. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "person", "add", "--name", "王丽", "--gender", "female",
                        "--id-card", id, NULL),
                 1);
    cr_assert(strstr(err, "ALREADY_EXISTS") && strstr(err, "id_card"), "%s", err);
    free(err);
    /* A number with a wrong check digit is refused, naming the field. */
    id[17] = id[17] == '1' ? '2' : '1';
    cr_assert_eq(hj_run(&stack, NULL, &err, "person", "add", "--name", "李强", "--gender", "male",
                        "--id-card", id, NULL),
                 1);
    cr_assert(strstr(err, "INVALID_ARGUMENT") && strstr(err, "id_card"), "%s", err);
    free(err);
}

Test(registry, seats_list_sitting_members_and_end)
{
    char *out = NULL, *err = NULL;
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-01", "--name",
                        "滨河社区", "--subdistrict", "KBS-BH", NULL),
                 0);
    const char *person = "3f1c2a7e-8d4b-4c1a-9e2f-0a1b2c3d4e5f";
    cr_assert_eq(hj_run(&stack, NULL, NULL, "person", "add", "--name", "巴特尔", "--gender", "male",
                        "--request-id", person, NULL),
                 0);
    const char *seat = "7a1c2a7e-8d4b-4c1a-9e2f-0a1b2c3d4e5f";
    cr_assert_eq(hj_run(&stack, &out, &err, "seat", "add", "--community", "KBS-BH-01", "--person",
                        person, "--committee", "residents", "--role", "director", "--from",
                        "2021-01-20", "--request-id", seat, NULL),
                 0, "%s", err);
    free(out);
    free(err);
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "person", "list", "--community", "KBS-BH-01", "--json", NULL),
        0);
    cr_assert(strstr(out, "巴特尔"), "sitting member listed: %s", out);
    free(out);
    /* The same person twice on the same committee is refused; so is a party
     * role on the residents' committee, naming the field. */
    static const char *const refused[][2] = {{"member", "ALREADY_EXISTS"},
                                             {"secretary", "field: role"}};
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(hj_run(&stack, NULL, &err, "seat", "add", "--community", "KBS-BH-01",
                            "--person", person, "--committee", "residents", "--role", refused[i][0],
                            "--from", "2021-02-01", NULL),
                     1);
        cr_assert(strstr(err, refused[i][1]), "%s", err);
        free(err);
    }
    /* Ending before it started is refused; ending properly removes the member from the roster. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "seat", "end", seat, "--on", "2020-01-01", NULL), 1);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "seat", "end", seat, "--on", "2026-11-01", NULL), 0);
    cr_assert_eq(
        hj_run(&stack, &out, NULL, "person", "list", "--community", "KBS-BH-01", "--json", NULL),
        0);
    cr_assert(!strstr(out, "巴特尔"), "member who left is not listed: %s", out);
    free(out);
}

Test(registry, unknown_references_are_not_found_and_write_nothing)
{
    char *err = NULL;
    long before = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "add", "--code", "X-01", "--name",
                        "某社区", "--subdistrict", "NOPE", NULL),
                 1);
    cr_assert(strstr(err, "NOT_FOUND") && strstr(err, "field: subdistrict"), "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "show", "X-99", NULL), 1);
    cr_assert(strstr(err, "NOT_FOUND"), "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "seat", "add", "--community", "X-99", "--person",
                        "3f1c2a7e-8d4b-4c1a-9e2f-0a1b2c3d4e5f", "--committee", "party", "--role",
                        "member", "--from", "2021-01-01", NULL),
                 1);
    cr_assert(strstr(err, "field: community"), "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), before);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.community"), 0);
}
