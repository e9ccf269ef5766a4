#ifndef HJ_CLI_H
#define HJ_CLI_H
/* The hj command line: shared context, argument parsing, the request call
 * with its exit codes, and table / JSON output. Each command group lives in
 * its own cmd_*.c and is listed once in hj.c. */
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "hj_envelope.h"
#include "hj_client.h"
#include "hj_curve.h"

/* Exit codes (README): */
#define CLI_OK 0
#define CLI_REFUSED 1 /* the server refused: the message says why and which field */
#define CLI_USAGE 2
#define CLI_UNREACHABLE 3 /* could not reach the system */
/* Not an exit code: a write could not be sent and waits in the offline spool
 * (the command has said so). main() exits 0 for it. */
#define CLI_SAVED 100

#define CLI_MAX_ARGS 64

typedef struct {
    /* global options */
    int json;
    int en; /* --lang en or HJ_LANG=en: labels in English (default Chinese) */
    char bus[256];
    char events[256];
    int timeout_ms;
    int tries;
    int no_spool;         /* --no-spool: a write that cannot be sent fails (exit 3) */
    int connect_ms;       /* a spooled write waits this long for the bus's handshake
                           * (HJ_CONNECT_MS, default 500), then waits in the spool */
    char spool_dir[4096]; /* HJ_SPOOL or ~/.local/share/huanjie/spool */
    int argc;             /* the whole command line, kept with a spooled write */
    char **argv;
    /* the enrolled device this hj talks as (--device, HJ_DEVICE, or the default file) */
    int has_device;
    char device_path[512];
    hj_device_t device;
    /* this command's arguments */
    int npos;
    const char *pos[CLI_MAX_ARGS];
    int nopt;
    struct {
        const char *key;   /* without the leading -- */
        const char *value; /* "" for a flag without a value */
        int used;
    } opt[CLI_MAX_ARGS];
} cli_t;

typedef struct {
    const char *group; /* e.g. "community" */
    const char *summary;
    int (*run)(cli_t *cli, const char *verb);
    const char *usage; /* shown by `hj GROUP --help` */
} cli_command_t;

/* Parses `--key value`, `--flag` and positional words. CLI_OK / CLI_USAGE. */
int cli_parse(cli_t *cli, int argc, char **argv);
/* The value of --key, or NULL. */
const char *cli_opt(cli_t *cli, const char *key);
/* The value of --key, or def. */
const char *cli_opt_or(cli_t *cli, const char *key, const char *def);
int cli_flag(cli_t *cli, const char *key);
/* CLI_USAGE after naming the first option nobody asked for; else CLI_OK. */
int cli_unused(cli_t *cli);
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A count or number the user typed, for the wire's uint32: decimal digits
 * only, from 0 to max (at most 4294967295). CLI_OK with *out set, or
 * CLI_USAGE after naming the field (e.g. "--votes") and the text: empty, not
 * a whole number, negative, or above max. Every number a command reads for a
 * count goes through here, so none wraps around. */
int cli_u32(const char *text, const char *field, uint32_t max, uint32_t *out);

/* A client of the request bus as this hj's device, or NULL after saying why
 * (no device file: hj admin device enrol makes one). */
hj_client_t *cli_client(cli_t *cli, int tries);
/* Makes a socket of the event bus a CURVE client as this hj's device. CLI_OK,
 * or CLI_UNREACHABLE after saying why. */
int cli_curve(cli_t *cli, void *socket);

/* Sends req to service and unpacks the reply with reply_desc. Returns CLI_OK
 * with *reply set (free with protobuf_c_message_free_unpacked), or prints the
 * refusal / failure and returns CLI_REFUSED or CLI_UNREACHABLE.
 *
 * A write (a request whose request_id is set) is first stored in the offline
 * spool; it leaves the spool once answered. When the system cannot be reached
 * the command says "saved offline, N waiting" and cli_call returns CLI_SAVED
 * (unless --no-spool). The one path of every write. */
int cli_call(cli_t *cli, const char *service, const ProtobufCMessage *req,
             const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply);

/* One send of a packed request, the way every write and `hj sync` sends. */
typedef enum {
    CLI_SEND_OK,          /* answered OK: written now */
    CLI_SEND_REPLAYED,    /* answered OK: the request id was already recorded (an earlier try) */
    CLI_SEND_REFUSED,     /* refused: *st says why (also an answer that does not decode) */
    CLI_SEND_UNREACHABLE, /* no answer, or UNAVAILABLE after every try, or RESOURCE_EXHAUSTED
                           * (this device sent too fast) after waiting as long as the call may:
                           * not a refusal of the request, try again later */
} cli_send_t;
struct hj_client;
/* *answer (malloc'd) holds the reply when OK or REPLAYED. */
cli_send_t cli_send(struct hj_client *client, const char *service, const uint8_t *body, size_t len,
                    uint8_t **answer, size_t *answer_len, hj_status_t *st);
/* Prints "hj: CODE: message (field: f)" to stderr. */
void cli_print_refusal(const hj_status_t *st);
/* Says why a request got no answer that counts (CLI_SEND_UNREACHABLE): the
 * system could not be reached, or it asked this device to slow down. */
void cli_print_unsent(const cli_t *cli, const hj_status_t *st);
/* A request id for a write: --request-id if given (to resubmit), else new. */
const char *cli_request_id(cli_t *cli, char buf[37]);

/* Tables aligned by display width (Chinese text lines up). */
typedef struct cli_table cli_table_t;
cli_table_t *cli_table_new(int columns, const char *const *headers);
void cli_table_row(cli_table_t *t, const char *const *cells);
void cli_table_print(cli_table_t *t);
void cli_table_destroy(cli_table_t **self_p);

/* Integer fen as yuan with thousands separators: 1234567 -> "12,345.67" (money is never a float).
 */
const char *cli_yuan(int64_t fen, char buf[40]);

/* The message m carries in its oneof (a reply's `result`, a request's op), or NULL. */
const ProtobufCMessage *cli_oneof(const ProtobufCMessage *m);

/* --json output of a message, one line. */
void cli_json(const ProtobufCMessage *msg);

/* Under a list the device's scope cut short (the list's `withheld`, when it
 * has one and it is not 0): how many rows it may not see, in Chinese, or in
 * English with --lang en. --json carries the field itself. */
void cli_withheld(const cli_t *cli, const ProtobufCMessage *list);

/* ---- lists that say what they left out (issue #20) -----------------------
 * Every list reply carries `items`, `total` (rows of the whole filter) and
 * `next` (the `after` of the next page, "" on the last). cli_list sends the
 * request, and with --all pages through (setting *after to each `next`);
 * cli_list_footer ends a human table with what was left out; --json prints
 * cli_list_json: every page's items, `total` and the last `next`. */
typedef struct {
    ProtobufCMessage **replies; /* every page's reply */
    size_t n_replies;
    const ProtobufCMessage *const *items; /* every page's items, in order */
    size_t n_items;
    uint64_t total;
    const char *next;       /* "" when nothing follows */
    ProtobufCMessage *list; /* the items of every page as one list message */
} cli_list_t;
/* CLI_OK with *out filled (free with cli_list_free), or the cli_call failure. */
int cli_list(cli_t *cli, const char *service, ProtobufCMessage *req, char **after,
             const ProtobufCMessageDescriptor *reply_desc, cli_list_t *out);
/* "显示 100 条，共 165 条（--all 全部；--after ID 下一页）" when cut (English with
 * --lang en); nothing when the list is whole. */
void cli_list_footer(const cli_t *cli, const cli_list_t *l);
void cli_list_json(const cli_list_t *l);
void cli_list_free(cli_list_t *l);

/* The command groups hj.c dispatches to, each in its own cmd_*.c: CLI_* exit code. */
int cmd_district(cli_t *cli, const char *verb);
int cmd_subdistrict(cli_t *cli, const char *verb);
int cmd_community(cli_t *cli, const char *verb);
int cmd_person(cli_t *cli, const char *verb);
int cmd_seat(cli_t *cli, const char *verb);
int cmd_talk(cli_t *cli, const char *verb);
int cmd_watch(cli_t *cli, const char *verb);
int cmd_status(cli_t *cli, const char *verb);
int cmd_audit(cli_t *cli, const char *verb);
int cmd_admin(cli_t *cli, const char *verb);
int cmd_publicity(cli_t *cli, const char *verb);
int cmd_assessment(cli_t *cli, const char *verb);
int cmd_reserve(cli_t *cli, const char *verb);
int cmd_rectification(cli_t *cli, const char *verb);
int cmd_upgrade(cli_t *cli, const char *verb);
int cmd_body(cli_t *cli, const char *verb);
int cmd_plan(cli_t *cli, const char *verb);
int cmd_task(cli_t *cli, const char *verb);
int cmd_training(cli_t *cli, const char *verb);
int cmd_sync(cli_t *cli, const char *verb);
int cmd_spool(cli_t *cli, const char *verb);
int cmd_board(cli_t *cli, const char *verb);
int cmd_gates(cli_t *cli, const char *verb);
int cmd_election(cli_t *cli, const char *verb);
int cmd_voters_roll(cli_t *cli, const char *verb);
int cmd_voters(cli_t *cli, const char *verb); /* cmd_election.c; cmd_voters_roll's other verbs */
int cmd_report(cli_t *cli, const char *verb);
int cmd_export(cli_t *cli, const char *verb);

#endif
