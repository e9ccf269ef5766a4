/* Helpers shared by the integration tests that drive the real hj binary. */
#ifndef HJ_CLI_TEST_H
#define HJ_CLI_TEST_H
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hj_stack.h"

/* Runs hj; asserts it exits `want` (the message shows what it printed);
 * returns stdout (malloc'd), and stderr into *err when asked (else freed). */
__attribute__((noinline, unused)) static char *cli_expect(hj_stack_t *stack, int want, char **err,
                                                          const char *const *argv)
{
    char *o = NULL, *e = NULL;
    int rc = hj_runv(stack, &o, &e, argv);
    cr_assert_eq(rc, want, "hj %s %s exited %d, not %d: %s%s", argv[0], argv[1] ? argv[1] : "", rc,
                 want, o ? o : "", e ? e : "");
    if (err)
        *err = e;
    else
        free(e);
    return o;
}

/* Runs hj; asserts exit 0; returns stdout (malloc'd). */
static inline char *prep_ok(hj_stack_t *stack, const char *const *argv)
{
    return cli_expect(stack, 0, NULL, argv);
}

/* Runs hj; asserts exit 1 (refused by the server); returns stderr (malloc'd). */
static inline char *prep_refused(hj_stack_t *stack, const char *const *argv)
{
    char *err = NULL;
    free(cli_expect(stack, 1, &err, argv));
    return err;
}

#define HJ_OK(stack, ...) prep_ok(stack, (const char *const[]){__VA_ARGS__, NULL})
#define HJ_REFUSED(stack, ...) prep_refused(stack, (const char *const[]){__VA_ARGS__, NULL})

/* The string value of the first "key":"..." in JSON text, into out. */
__attribute__((noinline, unused)) static const char *prep_json(const char *json, const char *key,
                                                               char *out, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = json ? strstr(json, pat) : NULL;
    out[0] = 0;
    if (!p)
        return out;
    p += strlen(pat);
    size_t n = 0;
    while (p[n] && p[n] != '"' && n + 1 < size)
        n++;
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

static inline int prep_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* District KBS, subdistrict KBS-BH, communities KBS-BH-01 滨河社区 and KBS-BH-02 康和社区. */
static inline void prep_start(hj_stack_t *stack)
{
    static const char *const programs[] = {"hj-registryd", NULL};
    static const char *const services[] = {"registry", NULL};
    cr_assert_eq(hj_stack_start(stack, programs, services), 0, "stack did not start");
    free(HJ_OK(stack, "district", "add", "--code", "KBS", "--name", "康巴什区"));
    free(HJ_OK(stack, "subdistrict", "add", "--code", "KBS-BH", "--name", "滨河街道", "--district",
               "KBS"));
    free(HJ_OK(stack, "community", "add", "--code", "KBS-BH-01", "--name", "滨河社区",
               "--subdistrict", "KBS-BH"));
    free(HJ_OK(stack, "community", "add", "--code", "KBS-BH-02", "--name", "康和社区",
               "--subdistrict", "KBS-BH"));
}

/* Adds a person with a fixed id (the request id) and returns it. */
static inline const char *prep_person(hj_stack_t *stack, const char *id, const char *name)
{
    free(HJ_OK(stack, "person", "add", "--name", name, "--gender", "female", "--request-id", id));
    return id;
}

#endif
