#include "hj_seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The house's names: the ones the suites have always used. */
static const hj_seed_place_t s_names[] = {
    {"KBS-BH", "滨河街道"},    {"KBS-DS", "东胜街道"},    {"KBS-BH-01", "滨河社区"},
    {"KBS-BH-02", "康和社区"}, {"KBS-BH-03", "民生社区"}, {"KBS-DS-01", "东胜社区"},
};

#define S_MAX_SUBDISTRICTS 16

typedef struct {
    hj_stack_t *stack;
    char added[S_MAX_SUBDISTRICTS][32]; /* subdistricts written so far */
    int n;
} s_seed_t;

static const char *s_house_name(const char *code, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof s_names / sizeof s_names[0]; i++)
        if (strcmp(s_names[i].code, code) == 0)
            return s_names[i].name;
    snprintf(buf, size, "%s%s", code, strchr(code, '-') == strrchr(code, '-') ? "街道" : "社区");
    return buf;
}

int hj_seed_run(hj_stack_t *s, const char *const *argv)
{
    char *err = NULL, line[512] = "";
    int rc = hj_runv(s, NULL, &err, argv);
    for (size_t i = 0, n = 0; rc != 0 && argv[i] && n < sizeof line; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s", argv[i]);
    if (rc != 0)
        fprintf(stderr, "hj_seed: hj%s exited %d: %s", line, rc, err ? err : "");
    free(err);
    return rc == 0 ? 0 : -1;
}

int hj_seed_probe(void *stack, int k, char *topic, size_t size)
{
    char code[32];
    snprintf(code, sizeof code, "KBS-BH-P%d", k);
    snprintf(topic, size, "registry.community_added.%s", code);
    const char *argv[] = {"community", "add",           "--code", code, "--name",
                          "探针社区",  "--subdistrict", "KBS-BH", NULL};
    return hj_seed_run(stack, argv);
}

int hj_seed_steps(hj_stack_t *s, const char *const *steps, size_t n, size_t width)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = hj_seed_run(s, steps + i * width);
    return rc;
}

int hj_seed_suite(hj_stack_t *s, const char *const *programs, const char *const *codes,
                  const char *const *steps, size_t n, size_t width)
{
    int rc = hj_stack_start(s, programs, NULL) == 0 && hj_seed_places(s, codes) == 0 &&
                     hj_seed_steps(s, steps, n, width) == 0
                 ? 0
                 : -1;
    return hj_stack_seed_done(s, rc);
}

int hj_seed_secretary(hj_stack_t *s, const char *community)
{
    const char *const steps[][13] = {
        {"person", "add", "--name", "王丽", "--gender", "female", "--request-id", HJ_SEED_WANG_LI},
        {"person", "add", "--name", "李强", "--gender", "male", "--request-id", HJ_SEED_LI_QIANG},
        {"seat", "add", "--community", community, "--person", "王丽", "--committee", "party",
         "--role", "secretary", "--from", "2021-01-15"},
    };
    return HJ_SEED_STEPS(s, steps);
}

int hj_seed_field_suite(hj_stack_t *s, const char *const *programs, const char *const *codes)
{
    int rc = hj_stack_start(s, programs, NULL) == 0 && hj_seed_places(s, codes) == 0 &&
                     hj_seed_secretary(s, codes[0]) == 0
                 ? 0
                 : -1;
    return hj_stack_seed_done(s, rc);
}

static int s_subdistrict(s_seed_t *seed, const char *code, const char *name)
{
    for (int i = 0; i < seed->n; i++)
        if (strcmp(seed->added[i], code) == 0)
            return 0;
    if (seed->n == S_MAX_SUBDISTRICTS || strlen(code) >= sizeof seed->added[0])
        return -1;
    char buf[96];
    const char *argv[] = {
        "subdistrict", "add",    "--code",
        code,          "--name", name ? name : s_house_name(code, buf, sizeof buf),
        "--district",  "KBS",    NULL};
    if (hj_seed_run(seed->stack, argv) != 0)
        return -1;
    snprintf(seed->added[seed->n++], sizeof seed->added[0], "%s", code);
    return 0;
}

static int s_place(s_seed_t *seed, const hj_seed_place_t *place)
{
    const char *first = strchr(place->code, '-'), *last = strrchr(place->code, '-');
    if (!first)
        return -1;
    if (first == last)
        return s_subdistrict(seed, place->code, place->name);
    char sub[32], buf[96];
    if ((size_t)(last - place->code) >= sizeof sub)
        return -1;
    snprintf(sub, sizeof sub, "%.*s", (int)(last - place->code), place->code);
    if (s_subdistrict(seed, sub, NULL) != 0)
        return -1;
    const char *argv[] = {"community",
                          "add",
                          "--code",
                          place->code,
                          "--name",
                          place->name ? place->name : s_house_name(place->code, buf, sizeof buf),
                          "--subdistrict",
                          sub,
                          NULL};
    return hj_seed_run(seed->stack, argv);
}

int hj_seed_places_named(hj_stack_t *s, const hj_seed_place_t *places)
{
    s_seed_t seed = {.stack = s};
    const char *argv[] = {"district", "add", "--code", "KBS", "--name", "康巴什区", NULL};
    int rc = hj_seed_run(s, argv);
    for (; rc == 0 && places->code; places++)
        rc = s_place(&seed, places);
    return rc;
}

int hj_seed_places(hj_stack_t *s, const char *const *codes)
{
    hj_seed_place_t places[64];
    size_t n = 0;
    for (; codes[n]; n++) {
        if (n + 1 == sizeof places / sizeof places[0])
            return -1;
        places[n] = (hj_seed_place_t){codes[n], NULL};
    }
    places[n] = (hj_seed_place_t){NULL, NULL};
    return hj_seed_places_named(s, places);
}
