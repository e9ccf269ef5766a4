#include "cli.h"
#include "hj_envelope.h"
#include "hj_pbjson.h"
#include "hj_text.h"
#include "spool.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_parse(cli_t *cli, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) == 0 && a[2]) {
            if (cli->nopt >= CLI_MAX_ARGS)
                return cli_usage("too many options");
            cli->opt[cli->nopt].key = a + 2;
            cli->opt[cli->nopt].used = 0;
            /* A following word that is not itself an option is this option's value. */
            if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                cli->opt[cli->nopt].value = argv[++i];
            else
                cli->opt[cli->nopt].value = "";
            cli->nopt++;
        } else {
            if (cli->npos >= CLI_MAX_ARGS)
                return cli_usage("too many arguments");
            cli->pos[cli->npos++] = a;
        }
    }
    return CLI_OK;
}

const char *cli_opt(cli_t *cli, const char *key)
{
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, key) == 0) {
            cli->opt[i].used = 1;
            return cli->opt[i].value;
        }
    return NULL;
}

const char *cli_opt_or(cli_t *cli, const char *key, const char *def)
{
    const char *v = cli_opt(cli, key);
    return v ? v : def;
}

int cli_flag(cli_t *cli, const char *key)
{
    return cli_opt(cli, key) != NULL;
}

int cli_unused(cli_t *cli)
{
    for (int i = 0; i < cli->nopt; i++)
        if (!cli->opt[i].used)
            return cli_usage("unknown option --%s", cli->opt[i].key);
    return CLI_OK;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hj: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see hj --help)\n", stderr);
    va_end(ap);
    return CLI_USAGE;
}

int cli_u32(const char *text, const char *field, uint32_t max, uint32_t *out)
{
    uint64_t n = 0;
    size_t i = 0;
    *out = 0;
    if (!text || !*text)
        return cli_usage("%s: a number is missing", field);
    if (text[0] == '-' && text[1])
        return cli_usage("%s: '%s' is negative: a count is 0 or more", field, text);
    /* Digits only: strtoul would take "-5" as 4294967291, " 7" and "+7" as 7. */
    for (; text[i] >= '0' && text[i] <= '9'; i++)
        if (n <= max) /* stop growing once over: a long string cannot wrap */
            n = n * 10 + (uint64_t)(text[i] - '0');
    if (text[i])
        return cli_usage("%s: '%s' is not a whole number", field, text);
    if (n > max)
        return cli_usage("%s: '%s' is above %" PRIu32, field, text, max);
    *out = (uint32_t)n;
    return CLI_OK;
}

const char *cli_request_id(cli_t *cli, char buf[37])
{
    const char *given = cli_opt(cli, "request-id");
    if (given) {
        snprintf(buf, 37, "%s", given);
        return buf;
    }
    hj_uuid_new(buf);
    return buf;
}

void cli_print_refusal(const hj_status_t *st)
{
    if (st->field[0])
        fprintf(stderr, "hj: %s: %s (field: %s)\n", hj_code_name(st->code), st->message, st->field);
    else
        fprintf(stderr, "hj: %s: %s\n", hj_code_name(st->code), st->message);
}

void cli_print_unsent(const cli_t *cli, const hj_status_t *st)
{
    if (st->code == HJ__CODE__RESOURCE_EXHAUSTED)
        fprintf(stderr, "hj: %s asks this device to slow down: %s\n", cli->bus, st->message);
    else
        fprintf(stderr, "hj: could not reach %s (%s)\n", cli->bus, st->message);
}

cli_send_t cli_send(hj_client_t *client, const char *service, const uint8_t *body, size_t len,
                    uint8_t **answer, size_t *answer_len, hj_status_t *st)
{
    cli_send_t result = CLI_SEND_REFUSED;
    memset(st, 0, sizeof *st);
    if (hj_client_call(client, service, body, len, answer, answer_len) != 0) {
        hj_status_set(st, HJ__CODE__UNAVAILABLE, "", "no answer after %d tries",
                      hj_client_tries_used(client));
        result = CLI_SEND_UNREACHABLE;
    } else if (hj_status_unpack(*answer, *answer_len, st) != 0) {
        hj_status_set(st, HJ__CODE__INTERNAL, "", "the answer from %s is not a reply message",
                      service);
    } else if (st->code == HJ__CODE__UNAVAILABLE || st->code == HJ__CODE__RESOURCE_EXHAUSTED) {
        /* Not an answer to the request: it may be sent again as it is. */
        result = CLI_SEND_UNREACHABLE;
    } else if (st->code == HJ__CODE__OK) {
        return strcmp(st->message, HJ_REPLAY_MESSAGE) == 0 ? CLI_SEND_REPLAYED : CLI_SEND_OK;
    }
    free(*answer);
    *answer = NULL;
    *answer_len = 0;
    return result;
}

/* The request id of a write, "" for a read: every service's Request has
 * `string request_id = 1`, set only on writes. */
static const char *s_write_id(const ProtobufCMessage *req)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(req->descriptor, "request_id");
    if (!f || f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED)
        return "";
    const char *v = *(const char *const *)((const char *)req + f->offset);
    return v ? v : "";
}

/* Rejected records with this request id: a corrected command resubmitted under
 * the same id supersedes them. Held (locked) in out[]; returns how many. */
static int s_take_rejected(spool_t *sp, const char *rid, spool_entry_t *out, int max)
{
    char **names, err[256];
    size_t n;
    int held = 0;
    if (spool_names(sp, "rejected", &names, &n) != 0)
        return 0;
    for (size_t i = 0; i < n && held < max; i++)
        if (strcmp(spool_name_id(names[i]), rid) == 0 &&
            spool_take(sp, "rejected", names[i], &out[held], err, sizeof err) != SPOOL_GONE) {
            if (out[held].fd >= 0)
                held++;
        }
    spool_names_free(names, n);
    return held;
}

#define S_SUPERSEDE_MAX 8

/* A write through the spool: store, send, and keep it only if unanswered. */
static int s_call_spooled(cli_t *cli, spool_t *sp, const char *service, const char *rid,
                          const uint8_t *body, size_t len, uint8_t **answer, size_t *answer_len)
{
    spool_record_t rec = {0};
    spool_entry_t entry, old[S_SUPERSEDE_MAX];
    hj_status_t st = {.code = HJ__CODE__UNAVAILABLE, .message = "cannot open a connection"};
    char err[512];
    char *argv[SPOOL_ARGS_MAX];
    snprintf(rec.service, sizeof rec.service, "%s", service);
    snprintf(rec.request_id, sizeof rec.request_id, "%s", rid);
    /* The command line is kept to show how the record was made; an
     * identity-card number is never kept in the clear beyond the request itself. */
    for (rec.argc = 0; rec.argc < cli->argc && rec.argc < SPOOL_ARGS_MAX; rec.argc++)
        argv[rec.argc] = rec.argc > 0 && strcmp(cli->argv[rec.argc - 1], "--id-card") == 0
                             ? "(withheld)"
                             : cli->argv[rec.argc];
    rec.argv = argv;
    rec.body = (uint8_t *)body;
    rec.body_len = len;
    if (spool_save(sp, &rec, &entry, err, sizeof err) != 0) {
        fprintf(stderr,
                "hj: cannot save the request in the offline spool (%s): sending without it\n", err);
        return -1;
    }
    int nold = s_take_rejected(sp, rid, old, S_SUPERSEDE_MAX);
    hj_client_t *client = cli_client(cli, cli->tries);
    cli_send_t sent = CLI_SEND_UNREACHABLE;
    /* The record is safe in the spool: a bus that does not even answer the
     * handshake costs the user connect_ms, not timeout x tries (hj sync retries). */
    if (client && !hj_client_reachable(client, cli->connect_ms))
        hj_status_set(&st, HJ__CODE__UNAVAILABLE, "",
                      "no answer to one connection attempt within %d ms", cli->connect_ms);
    else if (client)
        sent = cli_send(client, service, body, len, answer, answer_len, &st);
    hj_client_destroy(&client);
    int rc = CLI_OK, superseded = 1;
    switch (sent) {
    case CLI_SEND_OK:
    case CLI_SEND_REPLAYED:
        spool_drop(sp, &entry);
        if (sent == CLI_SEND_REPLAYED)
            fprintf(stderr,
                    "hj: already recorded under request id %s (an earlier try reached "
                    "the system); nothing new was written\n",
                    rid);
        break;
    case CLI_SEND_REFUSED:
        cli_print_refusal(&st);
        rc = CLI_REFUSED;
        /* A resubmitted rejected record stays rejected, with the new reason. */
        if (nold > 0) {
            snprintf(entry.rec.refused_field, sizeof entry.rec.refused_field, "%s", st.field);
            snprintf(entry.rec.refused_message, sizeof entry.rec.refused_message, "%s", st.message);
            entry.rec.refused_code = st.code;
            entry.rec.refused = 1;
            spool_now(entry.rec.refused_at, NULL);
            superseded = spool_move(sp, &entry, "rejected", &entry.rec) == 0;
            if (superseded)
                fprintf(stderr,
                        "hj: still refused: kept with the spool's rejected records "
                        "(hj spool show %.8s)\n",
                        rid);
            spool_release(&entry);
        } else
            spool_drop(sp, &entry);
        break;
    case CLI_SEND_UNREACHABLE:
        spool_release(&entry);
        cli_print_unsent(cli, &st);
        if (cli->json) {
            printf("{\"saved_offline\": true, \"request_id\": ");
            hj_json_string(stdout, rid);
            printf(", \"waiting\": %zu}\n", spool_count(sp, "waiting"));
        } else
            printf("saved offline, %zu waiting: `hj sync` sends them when the system can be "
                   "reached (request %s)\n",
                   spool_count(sp, "waiting"), rid);
        rc = CLI_SAVED;
        break;
    }
    /* Answered, or waiting in its new form: the old rejected copies are superseded. */
    for (int i = 0; i < nold; i++)
        if (superseded)
            spool_drop(sp, &old[i]);
        else
            spool_release(&old[i]);
    return rc;
}

static int s_no_device(cli_t *cli)
{
    char path[512];
    hj_device_default_path(path, sizeof path);
    fprintf(stderr,
            "hj: no device file, so no key to talk to Huanjie with: give --device FILE or "
            "HJ_DEVICE, or put one at %s (hj admin device enrol makes one on the server)\n",
            path);
    return CLI_UNREACHABLE;
}

hj_client_t *cli_client(cli_t *cli, int tries)
{
    if (!cli->has_device) {
        s_no_device(cli);
        return NULL;
    }
    hj_client_t *c = hj_client_new(NULL, cli->bus, cli->timeout_ms, tries);
    if (!c || hj_client_set_device(c, &cli->device) != 0) {
        fprintf(stderr, "hj: cannot open a connection to %s\n", cli->bus);
        hj_client_destroy(&c);
    }
    return c;
}

int cli_curve(cli_t *cli, void *socket)
{
    if (!cli->has_device)
        return s_no_device(cli);
    if (hj_curve_client_socket(socket, &cli->device) != 0) {
        fprintf(stderr, "hj: cannot use the keys of %s\n", cli->device_path);
        return CLI_UNREACHABLE;
    }
    return CLI_OK;
}

int cli_call(cli_t *cli, const char *service, const ProtobufCMessage *req,
             const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply)
{
    size_t len = protobuf_c_message_get_packed_size(req), answer_len = 0;
    uint8_t *body = malloc(len ? len : 1), *answer = NULL;
    const char *rid = s_write_id(req);
    spool_t *sp = NULL;
    hj_client_t *client = NULL;
    hj_status_t st;
    int rc = CLI_UNREACHABLE;
    char err[512];
    *reply = NULL;
    /* No key, no conversation: nothing is kept for a system that will refuse it. */
    if (!cli->has_device) {
        s_no_device(cli);
        goto out;
    }
    if (!body) {
        fprintf(stderr, "hj: out of memory\n");
        goto out;
    }
    protobuf_c_message_pack(req, body);
    /* An id that is not a UUID is refused by the service: nothing to keep. */
    if (rid[0] && hj_uuid_valid(rid) && !cli->no_spool) {
        if (!(sp = spool_open(cli->spool_dir, err, sizeof err)))
            fprintf(stderr, "hj: the offline spool cannot be used (%s): sending without it\n", err);
        else if ((rc = s_call_spooled(cli, sp, service, rid, body, len, &answer, &answer_len)) >=
                 0) {
            if (rc != CLI_OK)
                goto out;
            goto decode;
        }
    }
    rc = CLI_UNREACHABLE;
    if (!(client = cli_client(cli, cli->tries)))
        goto out;
    switch (cli_send(client, service, body, len, &answer, &answer_len, &st)) {
    case CLI_SEND_UNREACHABLE:
        if ((st.code == HJ__CODE__UNAVAILABLE && strncmp(st.message, "no answer", 9) != 0) ||
            st.code == HJ__CODE__RESOURCE_EXHAUSTED)
            cli_print_refusal(&st);
        else
            fprintf(stderr,
                    "hj: no answer from %s after %d tries: is Huanjie running? "
                    "(deploy/huanjie up; HJ_BUS or --bus names the endpoint)\n",
                    cli->bus, cli->tries);
        goto out;
    case CLI_SEND_REFUSED:
        cli_print_refusal(&st);
        rc = CLI_REFUSED;
        goto out;
    case CLI_SEND_REPLAYED:
        fprintf(stderr,
                "hj: already recorded under request id %s (an earlier try reached the "
                "system); nothing new was written\n",
                rid);
        break;
    case CLI_SEND_OK:
        break;
    }
decode:
    *reply = protobuf_c_message_unpack(reply_desc, NULL, answer_len, answer);
    if (!*reply) {
        fprintf(stderr, "hj: the answer from %s does not decode\n", service);
        rc = CLI_REFUSED;
        goto out;
    }
    rc = CLI_OK;
out:
    spool_close(&sp);
    hj_client_destroy(&client);
    free(body);
    free(answer);
    return rc;
}

/* ---- tables ------------------------------------------------------------- */

struct cli_table {
    int columns;
    int rows;
    char **cells; /* rows+1 (headers) x columns */
};

cli_table_t *cli_table_new(int columns, const char *const *headers)
{
    cli_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->columns = columns;
    cli_table_row(t, headers);
    return t;
}

void cli_table_row(cli_table_t *t, const char *const *cells)
{
    char **grown = realloc(t->cells, sizeof(char *) * (size_t)t->columns * (size_t)(t->rows + 1));
    if (!grown)
        return;
    t->cells = grown;
    for (int c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = strdup(cells[c] ? cells[c] : "");
    t->rows++;
}

static size_t s_width(const char *s)
{
    size_t w = 0;
    if (hj_text_width(s, strlen(s), &w) != 0)
        w = strlen(s);
    return w;
}

void cli_table_print(cli_table_t *t)
{
    size_t *width = calloc((size_t)t->columns, sizeof *width);
    for (int r = 0; r < t->rows; r++)
        for (int c = 0; c < t->columns; c++) {
            size_t w = s_width(t->cells[r * t->columns + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (int r = 0; r < t->rows; r++) {
        for (int c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            fputs(cell, stdout);
            if (c + 1 < t->columns)
                for (size_t pad = s_width(cell); pad < width[c] + 2; pad++)
                    fputc(' ', stdout);
        }
        fputc('\n', stdout);
    }
    free(width);
}

void cli_table_destroy(cli_table_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cli_table_t *t = *self_p;
    *self_p = NULL;
    for (int i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

const char *cli_yuan(int64_t fen, char buf[40])
{
    char digits[24];
    uint64_t v = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v / 100), k = 0;
    if (fen < 0)
        buf[k++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    snprintf(buf + k, 40 - (size_t)k, ".%02" PRIu64, v % 100);
    return buf;
}

void cli_json(const ProtobufCMessage *msg)
{
    hj_pbjson_write(stdout, msg);
    fputc('\n', stdout);
}

void cli_withheld(const cli_t *cli, const ProtobufCMessage *list)
{
    const ProtobufCFieldDescriptor *f =
        list ? protobuf_c_message_descriptor_get_field_by_name(list->descriptor, "withheld") : NULL;
    if (!f || f->type != PROTOBUF_C_TYPE_UINT32)
        return;
    uint32_t n = *(const uint32_t *)((const char *)list + f->offset);
    int en = 0;
    /* Read without marking: the list verbs take --lang through prep_list_query. */
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, "lang") == 0)
            en = strcmp(cli->opt[i].value, "en") == 0;
    if (n && en)
        printf("%u more not in this device's scope\n", n);
    else if (n)
        printf("（另有 %u 条不在本设备范围内）\n", n);
}

/* ---- lists that say what they left out ------------------------------------- */

const ProtobufCMessage *cli_oneof(const ProtobufCMessage *reply)
{
    const ProtobufCMessageDescriptor *d = reply->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        uint32_t which = *(const uint32_t *)((const char *)reply + f->quantifier_offset);
        if (which == f->id)
            return *(ProtobufCMessage *const *)((const char *)reply + f->offset);
    }
    return NULL;
}

static const ProtobufCFieldDescriptor *s_field(const ProtobufCMessage *m, const char *name,
                                               ProtobufCType type)
{
    const ProtobufCFieldDescriptor *f =
        m ? protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name) : NULL;
    return f && f->type == type ? f : NULL;
}

/* A list's rows: `items`, else (lists named before the convention, such as
 * ElectionList.elections) its first repeated message field. */
static const ProtobufCFieldDescriptor *s_items(const ProtobufCMessage *m)
{
    const ProtobufCFieldDescriptor *f = s_field(m, "items", PROTOBUF_C_TYPE_MESSAGE);
    for (unsigned i = 0; m && !f && i < m->descriptor->n_fields; i++) {
        const ProtobufCFieldDescriptor *d = &m->descriptor->fields[i];
        if (d->label == PROTOBUF_C_LABEL_REPEATED && d->type == PROTOBUF_C_TYPE_MESSAGE)
            f = d;
    }
    return f;
}

int cli_list(cli_t *cli, const char *service, ProtobufCMessage *req, char **after,
             const ProtobufCMessageDescriptor *reply_desc, cli_list_t *out)
{
    int all = cli_flag(cli, "all"), rc = CLI_OK;
    char *cursor = NULL;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    out->next = "";
    do {
        ProtobufCMessage *reply = NULL;
        if ((rc = cli_call(cli, service, req, reply_desc, &reply)) != CLI_OK)
            break;
        if (out->n_replies == cap) {
            ProtobufCMessage **grown =
                realloc(out->replies, (cap = cap ? cap * 2 : 8) * sizeof *grown);
            if (!grown) {
                protobuf_c_message_free_unpacked(reply, NULL);
                rc = CLI_UNREACHABLE;
                break;
            }
            out->replies = grown;
        }
        out->replies[out->n_replies++] = reply;
        const ProtobufCMessage *list = cli_oneof(reply);
        const ProtobufCFieldDescriptor *next = s_field(list, "next", PROTOBUF_C_TYPE_STRING);
        const ProtobufCFieldDescriptor *total = s_field(list, "total", PROTOBUF_C_TYPE_UINT64);
        out->next = next ? *(char *const *)((const char *)list + next->offset) : "";
        if (total)
            out->total = *(const uint64_t *)((const char *)list + total->offset);
        free(cursor);
        cursor = strdup(out->next);
        *after = cursor;
    } while (rc == CLI_OK && all && cursor && cursor[0]);
    *after = (char *)"";
    free(cursor);
    if (rc != CLI_OK) {
        cli_list_free(out);
        return rc;
    }
    /* One list of every page's items, pointing into the replies. */
    const ProtobufCMessage *last = cli_oneof(out->replies[out->n_replies - 1]);
    const ProtobufCFieldDescriptor *items = s_items(last);
    size_t n = 0;
    for (size_t i = 0; items && i < out->n_replies; i++) {
        const ProtobufCMessage *list = cli_oneof(out->replies[i]);
        n += list ? *(const size_t *)((const char *)list + items->quantifier_offset) : 0;
    }
    const ProtobufCMessage **all_items = calloc(n + 1, sizeof *all_items);
    ProtobufCMessage *combined = last ? malloc(last->descriptor->sizeof_message) : NULL;
    if (!all_items || !combined) {
        free(all_items);
        free(combined);
        cli_list_free(out);
        fprintf(stderr, "hj: out of memory\n");
        return CLI_UNREACHABLE;
    }
    for (size_t i = 0; items && i < out->n_replies; i++) {
        const ProtobufCMessage *list = cli_oneof(out->replies[i]);
        size_t k = list ? *(const size_t *)((const char *)list + items->quantifier_offset) : 0;
        ProtobufCMessage *const *page =
            k ? *(ProtobufCMessage *const *const *)((const char *)list + items->offset) : NULL;
        for (size_t j = 0; j < k; j++)
            all_items[out->n_items++] = page[j];
    }
    memcpy(combined, last, last->descriptor->sizeof_message);
    if (items) {
        *(size_t *)((char *)combined + items->quantifier_offset) = out->n_items;
        *(const ProtobufCMessage ***)((char *)combined + items->offset) = all_items;
    }
    out->items = all_items;
    out->list = combined;
    return CLI_OK;
}

void cli_list_footer(const cli_t *cli, const cli_list_t *l)
{
    int en = 0;
    if (!l->next[0] && l->n_items >= l->total)
        return;
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, "lang") == 0)
            en = strcmp(cli->opt[i].value, "en") == 0;
    /* Lists count up to HJ_LIST_COUNT_MAX rows; one more says "more than that". */
    char total[32];
    if (l->total > HJ_LIST_COUNT_MAX)
        snprintf(total, sizeof total, "%d,%03d+", HJ_LIST_COUNT_MAX / 1000,
                 HJ_LIST_COUNT_MAX % 1000);
    else
        snprintf(total, sizeof total, "%" PRIu64, l->total);
    if (en)
        printf("showing %zu of %s (--all for every one%s%s%s)\n", l->n_items, total,
               l->next[0] ? "; --after " : "", l->next, l->next[0] ? " for the next page" : "");
    else
        printf("显示 %zu 条，共 %s 条（--all 全部%s%s%s）\n", l->n_items, total,
               l->next[0] ? "；--after " : "", l->next, l->next[0] ? " 下一页" : "");
}

void cli_list_json(const cli_list_t *l)
{
    cli_json(l->list);
}

void cli_list_free(cli_list_t *l)
{
    for (size_t i = 0; i < l->n_replies; i++)
        protobuf_c_message_free_unpacked(l->replies[i], NULL);
    free(l->replies);
    free((void *)l->items);
    free(l->list);
    memset(l, 0, sizeof *l);
    l->next = "";
}
