/* A suite whose tests each start their own stack (hj_stack_start_seeded) on
 * a copy of one seeded once, by Criterion's runner: starting and seeding a
 * stack is seconds under ASan. Include it in the one suite file of a test
 * program and define hj_suite_seed there: it starts the stack, writes the
 * seed and ends with hj_stack_seed_done (or, when the tests share that one
 * running stack and hj_stack_attach to it, leaves it running). */
#ifndef HJ_SUITE_H
#define HJ_SUITE_H
#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "hj_stack.h"

static int hj_suite_seed(hj_stack_t *s);

static hj_stack_t hj_suite_seed_stack;

/* Before the suite's tests, in the runner: the seed, shared with the tests. */
ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    (void)set;
    hj_stack_share(&hj_suite_seed_stack, hj_suite_seed);
}

ReportHook(POST_SUITE)(struct criterion_suite_stats *stats)
{
    (void)stats;
    hj_stack_stop(&hj_suite_seed_stack);
}

/* The test's own stack. */
static hj_stack_t stack;

/* The one number a query of the test's database returns. */
__attribute__((unused)) static long hj_suite_scalar(const char *sql)
{
    return hj_stack_scalar(&stack, sql);
}

/* Starts the test's stack on a copy of the seed's database with these
 * daemons (NULL: the ones the seed ran). */
__attribute__((unused)) static void hj_suite_start(const char *const *programs,
                                                   const char *const *services)
{
    cr_assert_eq(hj_stack_start_seeded(&stack, programs, services), 0,
                 "stack did not start from the suite's seed");
}

/* The .init and .fini of a suite whose tests run the daemons its seed ran. */
__attribute__((unused)) static void hj_suite_setup(void)
{
    hj_suite_start(NULL, NULL);
}

__attribute__((unused)) static void hj_suite_teardown(void)
{
    hj_stack_stop(&stack);
}

#endif
