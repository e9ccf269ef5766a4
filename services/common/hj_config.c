#include "hj_config.h"
#include "hj_log.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { S_STR, S_INT, S_I64, S_LEVEL } s_kind_t;

typedef struct {
    const char *flag;
    const char *env;
    s_kind_t kind;
    size_t offset;
    size_t size;
} s_option_t;

#define S_STR_OPT(f, e, m)                                                                         \
    {                                                                                              \
        f, e, S_STR, offsetof(hj_config_t, m), sizeof(((hj_config_t *)0)->m)                       \
    }
static const s_option_t s_options[] = {
    S_STR_OPT("--db", "HJ_DB", db),
    S_STR_OPT("--bus", "HJ_BUS", bus),
    S_STR_OPT("--events", "HJ_BUS_EVENTS", events),
    S_STR_OPT("--workers", "HJ_BUS_WORKERS", workers),
    S_STR_OPT("--events-in", "HJ_BUS_EVENTS_IN", events_in),
    S_STR_OPT("--events-internal", "HJ_BUS_EVENTS_INTERNAL", events_internal),
    S_STR_OPT("--run-dir", "HJ_RUN_DIR", run_dir),
    S_STR_OPT("--key-dir", "HJ_KEY_DIR", key_dir),
    {"--heartbeat-ms", "HJ_HEARTBEAT_MS", S_INT, offsetof(hj_config_t, heartbeat_ms), 0},
    {"--max-msg", "HJ_MAX_MSG", S_I64, offsetof(hj_config_t, max_msg), 0},
    {"--credit", "HJ_CREDIT", S_INT, offsetof(hj_config_t, credit), 0},
    {"--device-rate", "HJ_DEVICE_RATE", S_INT, offsetof(hj_config_t, device_rate), 0},
    {"--device-burst", "HJ_DEVICE_BURST", S_INT, offsetof(hj_config_t, device_burst), 0},
    {"--device-inflight", "HJ_DEVICE_INFLIGHT", S_INT, offsetof(hj_config_t, device_inflight), 0},
    {"--log-level", "HJ_LOG_LEVEL", S_LEVEL, offsetof(hj_config_t, log_level), 0},
};
#define S_NOPTIONS (sizeof s_options / sizeof s_options[0])

static int s_set(hj_config_t *cfg, const s_option_t *o, const char *value)
{
    char *field = (char *)cfg + o->offset;
    char *end = NULL;
    switch (o->kind) {
    case S_STR:
        if (strlen(value) >= o->size)
            return -1;
        strcpy(field, value);
        return 0;
    case S_INT: {
        long v = strtol(value, &end, 10);
        if (*value == 0 || *end || v <= 0 || v > 1000000)
            return -1;
        *(int *)field = (int)v;
        return 0;
    }
    case S_I64: {
        long long v = strtoll(value, &end, 10);
        if (*value == 0 || *end || v <= 0)
            return -1;
        *(int64_t *)field = v;
        return 0;
    }
    case S_LEVEL: {
        int level = hj_log_level_parse(value);
        if (level < 0)
            return -1;
        *(int *)field = level;
        return 0;
    }
    }
    return -1;
}

int hj_config_load(hj_config_t *cfg, const char *program, int argc, char **argv)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->db, "dbname=huanjie");
    strcpy(cfg->bus, "tcp://127.0.0.1:7700");
    strcpy(cfg->events, "tcp://127.0.0.1:7701");
    strcpy(cfg->workers, "tcp://127.0.0.1:7702");
    strcpy(cfg->events_in, "tcp://127.0.0.1:7703");
    strcpy(cfg->events_internal, "tcp://127.0.0.1:7704");
    strcpy(cfg->run_dir, ".");
    cfg->heartbeat_ms = 1000;
    cfg->max_msg = 1048576;
    cfg->credit = 64;
    cfg->device_rate = 200;
    cfg->device_burst = 1000;
    cfg->device_inflight = 16;
    cfg->log_level = HJ_LOG_INFO;

    for (size_t i = 0; i < S_NOPTIONS; i++) {
        const char *value = getenv(s_options[i].env);
        if (value && *value && s_set(cfg, &s_options[i], value) != 0) {
            fprintf(stderr, "%s: environment %s: invalid value\n", program, s_options[i].env);
            return -1;
        }
    }
    /* Options come in pairs: --flag value. */
    for (int a = 1; a < argc; a += 2) {
        const s_option_t *o = NULL;
        for (size_t i = 0; i < S_NOPTIONS && !o; i++)
            if (strcmp(argv[a], s_options[i].flag) == 0)
                o = &s_options[i];
        if (!o) {
            fprintf(stderr, "%s: unknown option %s\n", program, argv[a]);
            return -1;
        }
        if (a + 1 >= argc || s_set(cfg, o, argv[a + 1]) != 0) {
            fprintf(stderr, "%s: option %s: missing or invalid value\n", program, argv[a]);
            return -1;
        }
    }
    if (!cfg->key_dir[0])
        strcpy(cfg->key_dir, cfg->run_dir);
    hj_log_init(program, (hj_log_level_t)cfg->log_level);
    return 0;
}

/* Appends c to out (size bytes); returns 0, or -1 once it is full. */
static int s_put(char *out, size_t size, size_t *len, char c)
{
    if (*len + 1 >= size)
        return -1;
    out[(*len)++] = c;
    out[*len] = 0;
    return 0;
}

int hj_config_db_user(char *db, size_t size, const char *user)
{
    char *err = NULL;
    size_t len = 0;
    int rc = 0;
    PQconninfoOption *opts = PQconninfoParse(db, &err);
    if (!opts) {
        PQfreemem(err);
        return -1;
    }
    char *out = calloc(1, size);
    for (PQconninfoOption *o = opts; out && o->keyword && rc == 0; o++) {
        const char *v = strcmp(o->keyword, "user") == 0 ? user : o->val;
        if (!v)
            continue;
        if (len)
            rc |= s_put(out, size, &len, ' ');
        for (const char *k = o->keyword; *k; k++)
            rc |= s_put(out, size, &len, *k);
        rc |= s_put(out, size, &len, '=') | s_put(out, size, &len, '\'');
        for (const char *p = v; *p; p++) {
            if (*p == '\\' || *p == '\'')
                rc |= s_put(out, size, &len, '\\');
            rc |= s_put(out, size, &len, *p);
        }
        rc |= s_put(out, size, &len, '\'');
    }
    PQconninfoFree(opts);
    int ok = out && rc == 0;
    if (ok)
        memcpy(db, out, len + 1);
    free(out);
    return ok ? 0 : -1;
}
