#ifndef HJ_CMD_PREP_H
#define HJ_CMD_PREP_H
/* What the preparation-record command groups (publicity, assessment,
 * reserve, rectification, upgrade, body, plan, task, training) share: the
 * registry call, list options, repeated options, output and the Chinese
 * labels of the categorical words. The request path of every verb is here
 * too: prep_call_to, prep_list_to, prep_answer and prep_set_op serve any
 * service (cmd_registry, cmd_audit, cmd_talk, cmd_board, cmd_election,
 * cmd_voters, cmd_dossier use them). */
#include "cli.h"
#include <stddef.h>
#include "hj_arena.h"
#include "hj_csv.h"
#include "registry.pb-c.h"

/* A verb's one request to any service: cli_call after refusing unknown
 * options (cli_unused), so a mistyped option never sends anything. */
int prep_call_to(cli_t *cli, const char *service, const ProtobufCMessage *req,
                 const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply);
/* Sends req to the registry (after refusing unknown options). */
int prep_call(cli_t *cli, Hj__Registry__Request *req, Hj__Registry__Reply **out);
/* How an answer starts, before its own text: no result to show (m NULL) is
 * said and refused (CLI_REFUSED); --json prints m; else `done` when set.
 * CLI_OK otherwise: the caller prints m as text unless cli->json. */
int prep_answer(cli_t *cli, const ProtobufCMessage *m, const char *done);
/* Sets the member of a request's oneof that op_case names (a request of any
 * service: protobuf-c numbers a oneof's cases by their field numbers) to op.
 * 0, or -1 when the request has no such member or it takes another message. */
int prep_set_op(ProtobufCMessage *req, uint32_t op_case, const ProtobufCMessage *op);
/* A service as a verb sends to it: its name on the bus and its messages. */
typedef struct {
    const char *name;                          /* "audit" */
    const ProtobufCMessageDescriptor *request; /* its Request: request_id and the `op` oneof */
    const ProtobufCMessageDescriptor *reply;   /* its Reply: status and the `result` oneof */
} prep_service_t;
/* The services a verb talks to. */
extern const prep_service_t prep_registry, prep_audit, prep_interviews, prep_tally;
/* How prep_send_to sends: a write is stamped with a request id (--request-id,
 * else new); a look-up, made while the verb still reads its options, skips the
 * refusal of unknown options. */
#define PREP_WRITE 1
#define PREP_LOOKUP 2
/* One request to svc: op as the member op_case names, stamped and sent as how
 * says (0: a read, sent after refusing unknown options). CLI_OK with *reply
 * set (free with protobuf_c_message_free_unpacked), or the cli_call failure
 * (said). */
int prep_send_to(cli_t *cli, const prep_service_t *svc, uint32_t op_case,
                 const ProtobufCMessage *op, int how, ProtobufCMessage **reply);
/* prep_send_to for an answer that must carry a result of type (NULL: of any
 * type): CLI_OK with *reply set and *result the message its oneof carries;
 * one that carries none is said ("the answer from tally carries no
 * CommunityBoard") and refused (CLI_REFUSED, *reply freed). */
int prep_fetch(cli_t *cli, const prep_service_t *svc, uint32_t op_case, const ProtobufCMessage *op,
               int how, const ProtobufCMessageDescriptor *type, ProtobufCMessage **reply,
               const ProtobufCMessage **result);

/* prep_fetch, then the result: --json prints it, else print(result, arg)
 * (arg: what the verb passes its printer, as its language or format). Frees
 * the reply. CLI_* exit code. */
int prep_fetch_show(cli_t *cli, const prep_service_t *svc, uint32_t op_case,
                    const ProtobufCMessage *op, int how, const ProtobufCMessageDescriptor *type,
                    void (*print)(const ProtobufCMessage *result, int arg), int arg);

/* One registry request: op as the member op_case names, stamped with a
 * request id (--request-id, else new) when write is set, sent after refusing
 * unknown options. CLI_OK with *out set, or the cli_call failure (said). */
int prep_send(cli_t *cli, uint32_t op_case, ProtobufCMessage *op, int write,
              Hj__Registry__Reply **out);
/* A write verb: prep_send, then prep_output with done and print. CLI_* exit code. */
int prep_write(cli_t *cli, uint32_t op_case, ProtobufCMessage *op, const char *done,
               void (*print)(const ProtobufCMessage *result));
/* A read verb: prep_send (no request id), then prep_output with print. */
int prep_read(cli_t *cli, uint32_t op_case, ProtobufCMessage *op,
              void (*print)(const ProtobufCMessage *result));
/* `hj KIND show KEY`: a registry Get of the first word. */
int prep_show(cli_t *cli, uint32_t op_case, void (*print)(const ProtobufCMessage *result));
/* --community, --subdistrict, --limit, --after into q. CLI_OK / CLI_USAGE. */
int prep_list_query(cli_t *cli, Hj__Registry__ListQuery *q);
/* A verb's text options in one table: the value of --keys[i] (or "" when it
 * is absent) into *fields[i]. Both lists end with NULL and pair up by
 * position (the compiler checks each field is a char *; a count that differs
 * is the programmer's, caught by an assert). */
void prep_texts(cli_t *cli, const char *const *keys, char **const *fields);
/* Every value of a repeated option (--member A --member B), at most max. Returns the count. */
size_t prep_opts(cli_t *cli, const char *key, char **out, size_t max);
/* A whole number option within [min, max]; absent = def. CLI_OK / CLI_USAGE. */
int prep_uint(cli_t *cli, const char *key, uint32_t min, uint32_t max, uint32_t def, uint32_t *out);
/* A list of any service (issue #20: lists that say what they left out):
 * sends req (after refusing unknown options), page after page with --all
 * (setting *after to each `next`); --json prints every page's items with
 * `total` and the last `next`, else print(the items of every page as one list
 * message), the withheld note when withheld is set, and the footer
 * "显示 100 条，共 165 条（--all 全部；--after ID 下一页）" when something was
 * left out. CLI_* exit code. */
int prep_list_to(cli_t *cli, const char *service, ProtobufCMessage *req, char **after,
                 const ProtobufCMessageDescriptor *reply_desc, int withheld,
                 void (*print)(const ProtobufCMessage *list));
/* A list verb (issue #20: lists that say what they left out): q's
 * --community, --subdistrict, --limit and --after (prep_list_query; the
 * caller has set its other filters), sent as the member op_case names, page
 * after page with --all; --json prints every page's items with `total` and
 * the last `next`, else print(the items), the withheld note and the footer
 * "显示 100 条，共 165 条（--all 全部；--after ID 下一页）" when something was
 * left out. CLI_* exit code. */
int prep_list(cli_t *cli, uint32_t op_case, Hj__Registry__ListQuery *q,
              void (*print)(const ProtobufCMessage *result));
/* --json: the result as JSON; else `done` (if any) and print(result). Frees the reply. */
int prep_output(cli_t *cli, Hj__Registry__Reply *reply, const char *done,
                void (*print)(const ProtobufCMessage *result));
/* What an official reads for a categorical word: its Chinese label (the word
 * itself with --lang en, or when it has no label). The slot (0..7) is kept
 * for callers that put several in one row; the strings are static. */
const char *prep_label(const char *word, int slot);
/* The bare Chinese label of a word (the word itself when it has none). */
const char *prep_zh(const char *word);
/* The word for a Chinese label (or the word itself): for CSV files written by people. */
const char *prep_word(const char *label_or_word);
/* The value of --key (def when absent) as the wire's word: an official may
 * type the Chinese label (--channel 电子屏), as in a CSV file; one table. */
const char *prep_enum(cli_t *cli, const char *key, const char *def);
/* Labels in English (the words themselves) from now on: --lang en / HJ_LANG=en. */
void prep_set_lang(int en);
/* 1 after --lang en / HJ_LANG=en: for what a print function writes besides labels. */
int prep_lang_en(void);
/* Prints a one-line "KEY  value" block for a record's show output. */
void prep_fields(const char *const *pairs, size_t n);
/* A record or a list of them (a message whose repeated `items` holds them) as
 * one table: ncols columns under head, a row per record that row() adds with
 * cli_table_row. */
void prep_table(const ProtobufCMessage *m, int ncols, const char *const *head,
                void (*row)(cli_table_t *t, const ProtobufCMessage *record));
/* prep_table, then m when it is one record of type (the caller prints its
 * details below the table), else NULL (a list). */
const void *prep_table_record(const ProtobufCMessage *m, int ncols, const char *const *head,
                              void (*row)(cli_table_t *t, const ProtobufCMessage *record),
                              const ProtobufCMessageDescriptor *type);
/* The same table of n records
 (an array of pointers to messages, as a
 * message's repeated field holds them). */
void prep_rows(const void *records, size_t n, int ncols, const char *const *head,
               void (*row)(cli_table_t *t, const ProtobufCMessage *record));
/* The type of m's records: its repeated `items`' type for a list, else m's own. */
const ProtobufCMessageDescriptor *prep_record_type(const ProtobufCMessage *m);
/* An answer of any service: --json prints the result its oneof carries (the
 * whole reply when none); else done (when set), then print(the result) when
 * there is one. Frees the reply. CLI_OK. */
int prep_reply(cli_t *cli, ProtobufCMessage *reply, const char *done,
               void (*print)(const ProtobufCMessage *result));

/* Corrections without deletion (issue #20): `hj KIND void ID --reason TEXT`
 * sent as the member op_case names (usage printed without exactly one ID).
 * The reason is checked by the registry, which names `reason` when it is
 * missing. Done, it says "<what> voided: kept, no longer counted" (Chinese,
 * or English with --lang en). CLI_* exit code. */
int prep_void(cli_t *cli, const char *usage, uint32_t op_case, const char *what_zh,
              const char *what_en, void (*print)(const ProtobufCMessage *result));
/* What a correction says when done: "<what> voided: kept, no longer counted
 * (--include-void lists it)" and "<what> corrected (the previous values are
 * kept in the journal)", in Chinese unless --lang en (a static buffer each). */
const char *prep_voided_done(const char *what_zh, const char *what_en);
const char *prep_corrected_done(const char *what_zh, const char *what_en);
/* ---- a kind of registry record and its verbs ------------------------------ */

/* One option of a kind's list verb: --key into the Hj__Registry__ListQuery
 * field of that name, as typed, as a categorical word (prep_enum), or as a
 * flag (a bool field). */
enum { PREP_TEXT, PREP_WORD, PREP_FLAG };
typedef struct {
    const char *key; /* "status": --status */
    int how;
    const char *field; /* "state" */
} prep_filter_t;
/* One verb of a kind's own (add, update, ...): run when the verb matches (and
 * the command has exactly one positional word, when one is set). */
typedef struct {
    const char *verb;
    int one;
    int (*run)(cli_t *cli, const char *verb);
} prep_verb_t;
/* `hj GROUP VERB ...` of a kind of registry record (publicity, assessment,
 * training, reserve, body, rectification, upgrade, plan, task): the record's
 * code resolved for the verbs that take one (record_ref.h), then one of the
 * group's own verbs (ending with {NULL}), or the verbs the kinds share,
 * where the kind has them: list (with filters, ending with {NULL}), show ID,
 * void ID --reason TEXT; else the group's usage. print shows what list, show
 * and void answer. CLI_* exit code. */
int prep_kind_run(cli_t *cli, const char *verb, const char *group, const prep_verb_t *verbs,
                  const prep_filter_t *filters, void (*print)(const ProtobufCMessage *result));

/* " (已作废)" / " (voided)" after a voided record's date in a list; "" when it stands. */

const char *prep_voided_mark(int voided);

/* The reserve ledger's CSV (cmd_reserve.c): what `hj reserve export` and
 * `hj export reserve` write and `hj reserve import` reads. Headers {zh, en};
 * a row's cells in that order, categorical words as their Chinese labels
 * unless en (the strings belong to r or are static). */
#define PREP_RESERVE_COLUMNS 11
extern const char *const prep_reserve_columns[PREP_RESERVE_COLUMNS][2];
void prep_reserve_row(const Hj__Registry__Reserve *r, int en,
                      const char *row[PREP_RESERVE_COLUMNS]);

/* The whole file at path (malloc'd, *len bytes), NULL with errno when it cannot be read. */
char *prep_slurp(const char *path, size_t *len);

/* An import file (persons, the reserve ledger, a voter roll): a header line
 * naming columns, then one record per line, all or nothing. */
typedef struct {
    const char *const *names; /* ncols rows of `width` header names ({zh, en, ...}, NULL-padded) */
    int ncols, width;
    const ProtobufCMessageDescriptor *type; /* the message each record becomes */
    /* The columns a file must have, named on stderr when missing: 0 / -1. */
    int (*check)(const hj_csv_record_t *header, const int *col);
    /* Fills msg (a fresh message of type) from one record with the header's
     * field count, its strings copied into a: 0 kept, 1 a bad line it named. */
    int (*row)(const hj_csv_record_t *rec, const int *col, ProtobufCMessage *msg, hj_arena_t *a);
} prep_csv_t;
/* At most this many columns in a spec. */
#define PREP_CSV_MAX_COLUMNS 16
/* Reads path: maps the header onto spec's columns (an unknown or repeated
 * column is named), then makes each record a message of spec->type. CLI_OK
 * when the file has rows and every one was kept: *rows (pass the address of
 * a repeated field, T ***) and *n hold them, all owned by a (hj_arena_free);
 * CLI_USAGE after naming every bad line, *n 0. */
int prep_csv_read(const char *path, const prep_csv_t *spec, hj_arena_t *a, void *rows, size_t *n);

#endif
