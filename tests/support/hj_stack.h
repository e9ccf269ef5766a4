#ifndef HJ_STACK_H
#define HJ_STACK_H
/* A private Huanjie for one integration test: its own database (a copy of
 * the migrated template in the throwaway cluster that `deploy/huanjie test`
 * starts, HJ_TEST_PG), its own free ports on 127.0.0.1, its own server
 * keypair and an enrolled district-admin device (HJ_STACK_DEVICE, made with
 * the real `hj admin`), and the real daemon and CLI binaries (HJ_BIN_DIR).
 * Daemons die with the test process. */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "hj_client.h"
#include "hj.pb-c.h"
#include "hj_envelope.h"
#include "tally.pb-c.h"

/* The device every stack enrols (district-admin): the actor of what the
 * tests write through hj_run and hj_stack_client. */
#define HJ_STACK_DEVICE "test-admin"

#define HJ_STACK_MAX_PROCS 16

typedef struct {
    char dbname[64];
    char db[512]; /* conninfo of this test's database */
    char bus[64];
    char events[64];
    char workers[64];
    char events_in[64];
    char events_internal[64];
    char run_dir[256];
    char bin_dir[256];
    char device[320]; /* the HJ_STACK_DEVICE device file that hj_run uses */
    int heartbeat_ms;
    long max_msg;   /* 0: the daemons' default */
    int connect_ms; /* HJ_CONNECT_MS for hj (20000: a loaded machine's slow
                     * handshake must not send a test's write to the spool);
                     * 0: hj's own default; an HJ_CONNECT_MS set wins */
    int nprocs;
    pid_t pid[HJ_STACK_MAX_PROCS];
    char program[HJ_STACK_MAX_PROCS][32];
} hj_stack_t;

/* Database, ports, run directory, server keypair and the HJ_STACK_DEVICE
 * device; no daemons yet. 0 / -1. */
int hj_stack_init(hj_stack_t *s);
/* init + hj-busd + each program (NULL-terminated) + wait until `services`
 * (NULL-terminated names; NULL: the one each program serves, hj-registryd
 * serves "registry") answer. 0 / -1. */
int hj_stack_start(hj_stack_t *s, const char *const *programs, const char *const *services);
/* hj_stack_start with every service daemon (hj-registryd, hj-auditd,
 * hj-interviewsd, hj-tallyd), once all four answer. 0 / -1. */
int hj_stack_start_all(hj_stack_t *s);
/* Starts bin_dir/program with the stack's configuration; its log is
 * run_dir/<program>.<pid>.log. Returns the pid or -1. */
pid_t hj_stack_spawn(hj_stack_t *s, const char *program);
/* Waits until the broker has a worker of `service`. 0 / -1 after timeout_ms. */
int hj_stack_wait(hj_stack_t *s, const char *service, int timeout_ms);
/* Sends sig to pid (one of ours) and reaps it. */
void hj_stack_kill(hj_stack_t *s, pid_t pid, int sig);
/* Kills every daemon, drops the database, removes the run directory. */
void hj_stack_stop(hj_stack_t *s);

/* One stack for the tests of a suite that do not disturb each other.
 * Criterion runs each test in a process of its own, started afresh, so the
 * runner starts the stack with start(s) (hj_stack_start and the suite's
 * seed; called from a ReportHook(PRE_SUITE)) and shares it: its description
 * goes to a file named by HJ_STACK_SHARED, which the test processes
 * inherit; each test attaches to it in its .init. The daemons stay children
 * of the runner, which stops them (hj_stack_stop in ReportHook(POST_SUITE)).
 * 0 / -1 (a failure is said on stderr, and every attach fails). */
int hj_stack_share(hj_stack_t *s, int (*start)(hj_stack_t *s));
int hj_stack_attach(hj_stack_t *s);

/* hj_stack_start on a copy of `from`'s database (CREATE DATABASE ...
 * TEMPLATE: from's daemons must be stopped, hj_stack_kill) with copies of
 * from's keys and devices: the tests of a suite that each need a fresh
 * record start from one seeded once (by the runner, hj_stack_share), not
 * each from an empty one seeded again. programs NULL: the daemons `from`
 * ran. 0 / -1. */
int hj_stack_start_copy(hj_stack_t *s, const hj_stack_t *from, const char *const *programs,
                        const char *const *services);

/* The end of a suite's seed (start function of hj_stack_share): when rc is
 * 0, waits until hj-tallyd (when it runs; else the relay) has applied every
 * journal row; then stops the daemons, so that the tests' stacks can copy
 * the idle database. 0 / -1. */
int hj_stack_seed_done(hj_stack_t *s, int rc);
/* A test's stack on a copy of the suite's seed (hj_stack_attach, then
 * hj_stack_start_copy with programs/services, NULL for the seed's daemons). 0 / -1. */
int hj_stack_start_seeded(hj_stack_t *s, const char *const *programs, const char *const *services);

/* Conditions for hj_wait_until (arg: the hj_stack_t). Nonzero once the relay
 * has numbered every journal row; once, besides, hj-tallyd has applied them
 * all (its cursor stands at the journal's last seq). */
int hj_stack_sealed(void *stack);
int hj_stack_tally_caught_up(void *stack);

/* A new connection to the test database (caller PQfinish-es). */
PGconn *hj_stack_pg(hj_stack_t *s);
/* The first column of the first row of `sql` as a number (-1 on error). */
long hj_stack_scalar(hj_stack_t *s, const char *sql);
/* The same as text, into out: 0, or -1 when there is no such value (none,
 * NULL, longer than size, or an error: said on stderr). */
int hj_stack_text(hj_stack_t *s, const char *sql, char *out, size_t size);
/* The same with the SQL made by printf from fmt (a test's own values). */
long hj_stack_scalarf(hj_stack_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs sql on the test database logged in as `role` (a daemon's, say, to try
 * what its login may do). Its status; out gets the first value of a result
 * with rows, else the error text ("" on success). */
ExecStatusType hj_stack_sql_as(hj_stack_t *s, const char *role, const char *sql, char *out,
                               size_t size);

/* Enrols another device with the real `hj admin device enrol NAME --team
 * TEAM --role ROLE`; its file is written to path (run_dir/devices/NAME.device).
 * With hj-busd running, returns once hj-busd admits it. 0 / -1 (hj's message
 * on stderr). */
int hj_stack_enrol(hj_stack_t *s, const char *name, const char *team, const char *role, char *path,
                   size_t size);
/* hj_stack_enrol's arguments, for enrolling several devices at once. */
typedef struct {
    const char *name, *team, *role;
    char *path;
    size_t size;
} hj_stack_enrolment_t;
/* hj_stack_enrol for each of the n; 0, or -1 at the first that fails. */
int hj_stack_enrol_each(hj_stack_t *s, const hj_stack_enrolment_t *e, size_t n);
/* A request-bus client as the stack's device, or as the device file `device`. */
hj_client_t *hj_stack_client(hj_stack_t *s, int timeout_ms, int tries);
hj_client_t *hj_stack_client_as(hj_stack_t *s, const char *device, int timeout_ms, int tries);
/* One request through a client of its own as the device file `device` (NULL:
 * the stack's device): the reply's status into *st (code -1 when no reply
 * came). 0, or -1 when no client could be made. */
int hj_stack_call(hj_stack_t *s, const char *device, const char *service, const void *body,
                  size_t len, int timeout_ms, int tries, hj_status_t *st);
/* A request message on a client the caller keeps open (many calls, one
 * handshake): the reply's status into *st (code -1 when none came). */
void hj_stack_call_msg(hj_client_t *c, const char *service, const ProtobufCMessage *req,
                       hj_status_t *st);
/* tally's Snapshot of community (NULL: of every community) as the stack's
 * device: the reply, unpacked (the caller frees it), or NULL when none came. */
Hj__Tally__Reply *hj_stack_snapshot(hj_stack_t *s, const char *community);
/* Makes a raw ZeroMQ socket a CURVE client as the stack's device (before
 * connect), for tests that speak the wire themselves. 0 / -1. */
int hj_stack_curve(hj_stack_t *s, void *socket);
/* A raw MDP client (DEALER, no high-water mark) connected to the request bus
 * as the device file `device` (NULL: the stack's device), or NULL. */
void *hj_stack_mdp_socket(hj_stack_t *s, void *ctx, const char *device);
/* A SUB socket connected to the public event bus as the device file `device`
 * (NULL: the stack's device), subscribed to prefix; receives give up after
 * timeout_ms (-1: never). NULL on failure. */
void *hj_stack_sub(hj_stack_t *s, void *ctx, const char *device, const char *prefix,
                   int timeout_ms);
/* The next event on a SUB socket (within its receive timeout): its topic
 * into topic, the Event unpacked into *ev (NULL when it does not decode; the
 * caller frees it). 0, or -1 when none came. */
int hj_stack_event(void *sub, char *topic, size_t size, Hj__Event **ev);
/* A packed registry request for the community list (a cheap read), malloc'd. */
uint8_t *hj_stack_community_list(size_t *len);

/* Runs the real `hj` with the stack's endpoints and device (HJ_DEVICE; a
 * `--device FILE` argument overrides it) and the given arguments
 * (NULL-terminated). Captures stdout and stderr into malloc'd strings when
 * out / err are not NULL. Returns the exit status (or -1). */
int hj_run(hj_stack_t *s, char **out, char **err, ...) __attribute__((sentinel));
/* Appends the arguments of ap up to its NULL to argv, which holds n already
 * and has room for max, keeping the last place for the NULL that ends it.
 * Returns the count of arguments. */
int hj_argv_va(const char **argv, int n, int max, va_list ap);
/* Same with an argument vector. */
int hj_runv(hj_stack_t *s, char **out, char **err, const char *const *argv);
/* Runs `hj` (as hj_runv) until it exits `want` or timeout_ms has passed: for
 * a change that reaches another process a moment later (a revoked key, a new
 * scope, a daemon still starting); once when timeout_ms is 0. Returns the
 * last exit status; the last stderr into *err when err is not NULL. */
int hj_run_until(hj_stack_t *s, int want, int timeout_ms, char **err, const char *const *argv);
/* Starts the real `hj` the same way without waiting for it (a watcher, say):
 * its stdout and stderr go to the files out_path and err_path as it writes
 * them. Returns its pid (the caller reaps it) or -1. */
pid_t hj_run_bg(hj_stack_t *s, const char *out_path, const char *err_path, const char *const *argv);

/* `hj admin journal verify --db` on the test database: its exit status,
 * its stdout into *out (malloc'd). */
int hj_stack_verify(hj_stack_t *s, char **out);
/* Runs sql on the test database as its owner with the journal's guard off
 * (session_replication_role = replica), as someone editing the record by
 * hand would. 0 / -1 (the error on stderr). */
int hj_stack_sql_by_hand(hj_stack_t *s, const char *sql);

/* The text of the file at path (its first MiB), malloc'd; NULL when it cannot be read. */
char *hj_test_file(const char *path);

/* Writes text to path (a test's input file). 0 / -1. */
int hj_test_write(const char *path, const char *text);

/* The number after "key": in JSON text (its first occurrence), or -1. */
long hj_json_number(const char *json, const char *key);

/* A valid 18-character identity-card number built from a 17-digit body. */
void hj_test_idcard(const char *body17, char out[19]);

#endif
