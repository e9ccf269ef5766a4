#ifndef HJ_SEED_H
#define HJ_SEED_H
/* The places every suite starts from, written once: the district KBS
 * 康巴什区, its subdistricts and communities, through the real `hj` (so the
 * journal and every projection see them as they would see an office's
 * writes). The names are the house's:
 *
 *   KBS     康巴什区
 *   KBS-BH  滨河街道   KBS-BH-01 滨河社区   KBS-BH-02 康和社区   KBS-BH-03 民生社区
 *   KBS-DS  东胜街道   KBS-DS-01 东胜社区
 *
 * A community of another code gets the name "<code>社区" unless given one. */
#include "hj_stack.h"

typedef struct {
    const char *code;
    const char *name; /* NULL: the house's name for the code */
} hj_seed_place_t;

/* Adds the district, then each place of `codes` (NULL-ended) in order: a
 * code with one '-' is a subdistrict (KBS-BH), with two a community
 * (KBS-BH-01), added after its subdistrict (the code up to its last '-'),
 * which is added the first time it is needed. 0, or -1 with hj's message on
 * stderr. */
int hj_seed_places(hj_stack_t *s, const char *const *codes);
#define HJ_SEED_PLACES(stack, ...) hj_seed_places(stack, (const char *const[]){__VA_ARGS__, NULL})

/* The same with names of the caller's choosing (an array ended by a NULL code). */
int hj_seed_places_named(hj_stack_t *s, const hj_seed_place_t *places);

/* One write of a suite's record: runs hj with argv (NULL-ended). 0, or -1
 * with the command and hj's message on stderr. */
int hj_seed_run(hj_stack_t *s, const char *const *argv);

/* hj_seed_run for each of n steps in order, stopping at the first that
 * fails: the steps are n rows of `width` arguments each, each row ended by
 * a NULL (a `const char *steps[][W]` table, HJ_SEED_STEPS). 0 / -1. */
int hj_seed_steps(hj_stack_t *s, const char *const *steps, size_t n, size_t width);
#define HJ_SEED_STEPS(stack, steps)                                                                \
    hj_seed_steps(stack, &(steps)[0][0], sizeof(steps) / sizeof((steps)[0]),                       \
                  sizeof((steps)[0]) / sizeof((steps)[0][0]))

/* A suite's seed (hj_suite.h's hj_suite_seed): a stack of `programs`, the
 * places `codes` (as hj_seed_places), then n steps (as hj_seed_steps); then
 * the daemons stop (hj_stack_seed_done), for the tests' copies. 0, or -1
 * with hj's message on stderr. */
int hj_seed_suite(hj_stack_t *s, const char *const *programs, const char *const *codes,
                  const char *const *steps, size_t n, size_t width);
#define HJ_SEED_SUITE(stack, programs, codes, steps)                                               \
    hj_seed_suite(stack, programs, codes, &(steps)[0][0], sizeof(steps) / sizeof((steps)[0]),      \
                  sizeof((steps)[0]) / sizeof((steps)[0][0]))

/* A poke for hj_wait_subscribed (arg: the hj_stack_t): probe k adds the
 * community KBS-BH-P<k> (subdistrict KBS-BH must exist), whose event's topic
 * is registry.community_added.KBS-BH-P<k>. */
int hj_seed_probe(void *stack, int k, char *topic, size_t size);

/* The field suites' two persons: 王丽, who holds the party secretary's seat of
 * the community since 2021-01-15, and 李强, a cadre with no seat (the
 * interviewer). */
#define HJ_SEED_WANG_LI "11111111-1111-4111-8111-111111111111"
#define HJ_SEED_LI_QIANG "33333333-3333-4333-8333-333333333333"
int hj_seed_secretary(hj_stack_t *s, const char *community);

/* The seed of a field suite (hj_suite.h's hj_suite_seed): a stack of
 * `programs`, the places `codes` (as hj_seed_places) and the secretary of the
 * first; then the daemons stop (hj_stack_seed_done), for the tests' copies.
 * 0, or -1 with hj's message on stderr. */
int hj_seed_field_suite(hj_stack_t *s, const char *const *programs, const char *const *codes);

#endif
