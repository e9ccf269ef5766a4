#include "devices.h"
#include "hj_db.h"
#include "hj_log.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_WAIT_MS 500
#define S_RELOAD_MS 30000

/* One loaded copy of bus.device_grants. */
typedef struct {
    size_t n;
    hj_device_entry_t *entries;  /* never moved: identities point into them */
    hj_device_entry_t **by_key;  /* sorted by public key */
    hj_device_entry_t **by_name; /* sorted by name */
} s_table_t;

struct hj_devices {
    hj_db_t *db;
    s_table_t *table; /* the loop thread's */
    s_table_t *fresh; /* handed from the job to the loop thread in s_done */
    PGconn *listening;
    int dirty; /* the job's: reload on its next turn */
    int64_t loaded_ms;
    int stopping;
    hj_devices_loaded_fn loaded;
    void *arg;
    char server_key[41];
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void s_table_free(s_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->entries[i].communities);
        free(t->entries[i].communities_text);
    }
    free(t->entries);
    free(t->by_key);
    free(t->by_name);
    free(t);
}

static int s_cmp_key(const void *a, const void *b)
{
    return strcmp((*(hj_device_entry_t *const *)a)->public_key,
                  (*(hj_device_entry_t *const *)b)->public_key);
}

static int s_cmp_name(const void *a, const void *b)
{
    return strcmp((*(hj_device_entry_t *const *)a)->name, (*(hj_device_entry_t *const *)b)->name);
}

/* Row i of the grants query into e. 0 / -1 (out of memory). */
static int s_entry(hj_device_entry_t *e, PGresult *r, int i)
{
    snprintf(e->public_key, sizeof e->public_key, "%s", PQgetvalue(r, i, 0));
    snprintf(e->name, sizeof e->name, "%s", PQgetvalue(r, i, 1));
    snprintf(e->team, sizeof e->team, "%s", PQgetvalue(r, i, 2));
    snprintf(e->role, sizeof e->role, "%s", PQgetvalue(r, i, 3));
    e->revoked = PQgetvalue(r, i, 4)[0] == 't';
    snprintf(e->service, sizeof e->service, "%s", PQgetvalue(r, i, 6));
    hj__identity__init(&e->identity);
    e->identity.device = e->name;
    e->identity.team = e->team;
    e->identity.role = e->role;
    if (PQgetisnull(r, i, 5))
        return 0;
    /* A scoped role; its codes come joined by U+001F (codes hold no control characters). */
    e->identity.scoped = 1;
    const char *text = PQgetvalue(r, i, 5);
    size_t n = text[0] ? 1 : 0;
    for (const char *p = text; *p; p++)
        n += *p == '\x1f';
    e->communities_text = strdup(text);
    e->communities = calloc(n ? n : 1, sizeof *e->communities);
    if (!e->communities_text || !e->communities)
        return -1;
    char *p = e->communities_text;
    for (size_t k = 0; k < n; k++) {
        e->communities[k] = p;
        char *sep = strchr(p, '\x1f');
        if (sep) {
            *sep = 0;
            p = sep + 1;
        }
    }
    e->identity.communities = e->communities;
    e->identity.n_communities = n;
    return 0;
}

/* On the pool thread: the whole view, or NULL. */
static s_table_t *s_load(PGconn *conn)
{
    char state[6];
    PGresult *r = hj_pq(conn, state,
                        "SELECT public_key, name, team, role, revoked, "
                        "array_to_string(communities, E'\\x1f'), service FROM bus.device_grants",
                        0, NULL);
    if (!r)
        return NULL;
    s_table_t *t = calloc(1, sizeof *t);
    size_t n = (size_t)PQntuples(r);
    int ok = t != NULL;
    if (ok) {
        t->n = n;
        t->entries = calloc(n ? n : 1, sizeof *t->entries);
        t->by_key = calloc(n ? n : 1, sizeof *t->by_key);
        t->by_name = calloc(n ? n : 1, sizeof *t->by_name);
        ok = t->entries && t->by_key && t->by_name;
    }
    for (size_t i = 0; ok && i < n; i++) {
        ok = s_entry(&t->entries[i], r, (int)i) == 0;
        t->by_key[i] = t->by_name[i] = &t->entries[i];
    }
    PQclear(r);
    if (!ok) {
        s_table_free(t);
        return NULL;
    }
    qsort(t->by_key, n, sizeof *t->by_key, s_cmp_key);
    qsort(t->by_name, n, sizeof *t->by_name, s_cmp_name);
    return t;
}

static void s_work(PGconn *conn, void *arg)
{
    hj_devices_t *d = arg;
    if (!conn) {
        d->listening = NULL;
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
        return;
    }
    if (d->listening != conn) {
        char state[6];
        const char *v[1] = {d->server_key};
        PGresult *r = hj_pq(conn, state,
                            "INSERT INTO bus.server_key (public_key) VALUES ($1) ON CONFLICT (one) "
                            "DO UPDATE SET public_key = EXCLUDED.public_key, updated_at = now() "
                            "WHERE bus.server_key.public_key <> EXCLUDED.public_key",
                            1, v);
        if (!r)
            return;
        PQclear(r);
        if (hj_pq_cmd(conn, "LISTEN hj_devices") != 0)
            return;
        d->listening = conn;
        d->dirty = 1; /* what changed while we were not listening is unknown */
    }
    if (!d->dirty) {
        struct pollfd p = {PQsocket(conn), POLLIN, 0};
        if (poll(&p, 1, S_WAIT_MS) > 0)
            PQconsumeInput(conn);
        PGnotify *note;
        while ((note = PQnotifies(conn))) {
            d->dirty = 1;
            PQfreemem(note);
        }
        if (s_now_ms() - d->loaded_ms >= S_RELOAD_MS)
            d->dirty = 1;
    }
    if (!d->dirty)
        return;
    if ((d->fresh = s_load(conn))) {
        d->dirty = 0;
        d->loaded_ms = s_now_ms();
    } else {
        struct timespec ts = {1, 0}; /* logged by hj_pq; do not spin on it */
        nanosleep(&ts, NULL);
    }
}

static void s_done(void *arg);

static void s_schedule(hj_devices_t *d)
{
    if (hj_db_run(d->db, s_work, s_done, d) != 0)
        hj_error("devices: cannot schedule the device registry job");
}

/* Devices of old that could connect and cannot in now. */
static int s_lost(const s_table_t *old, hj_devices_t *now)
{
    int lost = 0;
    for (size_t i = 0; old && i < old->n; i++) {
        const hj_device_entry_t *e = &old->entries[i];
        const hj_device_entry_t *n = e->revoked ? NULL : hj_devices_by_key(now, e->public_key);
        lost += !e->revoked && (!n || n->revoked);
    }
    return lost;
}

static void s_done(void *arg)
{
    hj_devices_t *d = arg;
    if (d->fresh && !d->stopping) {
        s_table_t *old = d->table;
        d->table = d->fresh;
        d->fresh = NULL;
        size_t revoked = 0;
        for (size_t i = 0; i < d->table->n; i++)
            revoked += (size_t)d->table->entries[i].revoked;
        int lost = s_lost(old, d);
        if (!old || old->n != d->table->n || lost)
            hj_info("devices: %zu enrolled (%zu revoked)", d->table->n, revoked);
        d->loaded(d->arg, old == NULL, lost);
        s_table_free(old);
    }
    if (d->stopping) {
        s_table_free(d->fresh);
        s_table_free(d->table);
        free(d);
        return;
    }
    s_schedule(d);
}

hj_devices_t *hj_devices_new(uv_loop_t *loop, const char *db, const char *server_key,
                             hj_devices_loaded_fn loaded, void *arg)
{
    hj_devices_t *d = calloc(1, sizeof *d);
    if (!d || !(d->db = hj_db_new(loop, db))) {
        free(d);
        return NULL;
    }
    snprintf(d->server_key, sizeof d->server_key, "%s", server_key);
    d->loaded = loaded;
    d->arg = arg;
    d->dirty = 1;
    s_schedule(d);
    return d;
}

static const hj_device_entry_t *s_find(hj_device_entry_t **index, size_t n, const char *value,
                                       size_t offset)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp((const char *)index[mid] + offset, value);
        if (c == 0)
            return index[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const hj_device_entry_t *hj_devices_by_key(hj_devices_t *d, const char *public_key)
{
    return d->table ? s_find(d->table->by_key, d->table->n, public_key,
                             offsetof(hj_device_entry_t, public_key))
                    : NULL;
}

int hj_devices_is_service(const hj_device_entry_t *e, const char *service)
{
    return e && strcmp(e->role, "service") == 0 && e->service[0] &&
           (!service || strcmp(e->service, service) == 0);
}

const hj_device_entry_t *hj_devices_by_name(hj_devices_t *d, const char *name)
{
    return d->table
               ? s_find(d->table->by_name, d->table->n, name, offsetof(hj_device_entry_t, name))
               : NULL;
}

void hj_devices_destroy(hj_devices_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hj_devices_t *d = *self_p;
    *self_p = NULL;
    d->stopping = 1;
    /* The running job finishes (at most one wait); s_done frees. */
    hj_db_destroy(&d->db);
}
