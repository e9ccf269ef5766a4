/* hj sync, hj spool — the offline spool: send what waits, look at it, correct it. */
#include "audit.pb-c.h"
#include "cli.h"
#include "cmd_prep.h"
#include "hj_client.h"
#include "hj_pbjson.h"
#include "hj_text.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int sent, replayed, refused, damaged, busy, waiting;
    int reached; /* the system answered at least once */
    int stopped; /* the system could not be reached: the pass stopped */
} s_tally_t;

static spool_t *s_open(cli_t *cli)
{
    char err[512];
    spool_t *sp = spool_open(cli->spool_dir, err, sizeof err);
    if (!sp)
        fprintf(stderr, "hj: the offline spool cannot be used: %s\n", err);
    return sp;
}

/* A refusal's "code", "field" and "message" members of a JSON object. */
static void s_json_refusal(Hj__Code code, const char *field, const char *message)
{
    printf("\"code\": ");
    hj_json_string(stdout, hj_code_name(code));
    printf(", \"field\": ");
    hj_json_string(stdout, field);
    printf(", \"message\": ");
    hj_json_string(stdout, message);
}

/* One line of `hj sync` (or retry) output. */
static void s_line(cli_t *cli, const char *result, const spool_entry_t *e, const char *id,
                   const hj_status_t *st)
{
    char what[128] = "";
    if (e && e->rec.service[0])
        spool_record_summary(&e->rec, what, sizeof what);
    if (cli->json) {
        printf("{\"result\": \"%s\", \"request_id\": ", result);
        hj_json_string(stdout, id);
        printf(", \"command\": ");
        hj_json_string(stdout, what);
        if (st) {
            printf(", ");
            s_json_refusal(st->code, st->field, st->message);
        }
        printf("}\n");
        return;
    }
    if (strcmp(result, "sent") == 0)
        printf("sent           %s  %s\n", id, what);
    else if (strcmp(result, "already_there") == 0)
        printf("already there  %s  %s  (an earlier try was recorded; nothing new written)\n", id,
               what);
    else if (strcmp(result, "refused") == 0) {
        printf("refused        %s  %s: %s: %s", id, what, hj_code_name(st->code), st->message);
        if (st->field[0])
            printf(" (field: %s)", st->field);
        printf("\n");
    } else if (strcmp(result, "damaged") == 0)
        printf("damaged        %s  %s: never sent; see `hj spool show %s`\n", id,
               st ? st->message : "", id);
    else if (strcmp(result, "busy") == 0)
        printf("busy           %s  being sent by another hj right now\n", id);
    else
        printf("%-14s %s  %s\n", result, id, what);
}

static void s_report_partial(const char *name, void *arg)
{
    cli_t *cli = arg;
    hj_status_t st = {.code = HJ__CODE__INTERNAL};
    snprintf(st.message, sizeof st.message,
             "an interrupted save (crash or power cut) left this partial file");
    s_line(cli, "damaged", NULL, name, &st);
}

/* Sends one held waiting record and moves it on. Returns its result. */
static cli_send_t s_deliver(cli_t *cli, spool_t *sp, hj_client_t *client, spool_entry_t *e,
                            s_tally_t *t)
{
    uint8_t *answer = NULL;
    size_t answer_len = 0;
    hj_status_t st;
    cli_send_t sent =
        cli_send(client, e->rec.service, e->rec.body, e->rec.body_len, &answer, &answer_len, &st);
    free(answer);
    switch (sent) {
    case CLI_SEND_OK:
    case CLI_SEND_REPLAYED:
        s_line(cli, sent == CLI_SEND_OK ? "sent" : "already_there", e, e->rec.request_id, NULL);
        if (sent == CLI_SEND_OK)
            t->sent++;
        else
            t->replayed++;
        t->reached = 1;
        spool_drop(sp, e);
        break;
    case CLI_SEND_REFUSED: {
        spool_record_t *r = &e->rec;
        t->refused++;
        t->reached = 1;
        r->refused = 1;
        r->refused_code = st.code;
        snprintf(r->refused_field, sizeof r->refused_field, "%s", st.field);
        snprintf(r->refused_message, sizeof r->refused_message, "%s", st.message);
        spool_now(r->refused_at, NULL);
        s_line(cli, "refused", e, r->request_id, &st);
        if (spool_move(sp, e, "rejected", r) != 0)
            fprintf(stderr, "hj: could not move %s into rejected/: it stays waiting\n", e->name);
        spool_release(e);
        break;
    }
    case CLI_SEND_UNREACHABLE:
        t->stopped = 1;
        if (!cli->json)
            cli_print_unsent(cli, &st);
        spool_release(e);
        break;
    }
    return sent;
}

static void s_damaged(cli_t *cli, spool_t *sp, spool_entry_t *e, const char *why, s_tally_t *t)
{
    hj_status_t st = {.code = HJ__CODE__INTERNAL};
    snprintf(st.message, sizeof st.message, "%s", why);
    t->damaged++;
    s_line(cli, "damaged", NULL, e->name, &st);
    spool_set_aside(sp, e);
}

static int s_exit(const s_tally_t *t)
{
    if (t->stopped)
        return CLI_UNREACHABLE;
    return t->refused || t->damaged ? CLI_REFUSED : CLI_OK;
}

int cmd_sync(cli_t *cli, const char *verb)
{
    s_tally_t t = {0};
    char **names = NULL, err[512];
    size_t n = 0;
    int rc;
    if (verb)
        return cli_usage("hj sync takes no arguments");
    if ((rc = cli_unused(cli)) != CLI_OK)
        return rc;
    spool_t *sp = s_open(cli);
    if (!sp)
        return CLI_USAGE;
    if ((rc = spool_lock_sync(sp, 0)) == 1) {
        fprintf(stderr, "hj: another hj sync is running: waiting for it\n");
        rc = spool_lock_sync(sp, 1);
    }
    if (rc != 0) {
        fprintf(stderr, "hj: cannot lock the spool at %s\n", spool_path(sp));
        spool_close(&sp);
        return CLI_USAGE;
    }
    t.damaged += spool_sweep(sp, s_report_partial, cli);
    spool_names(sp, "waiting", &names, &n);
    hj_client_t *client = n ? cli_client(cli, cli->tries) : NULL;
    for (size_t i = 0; i < n && !t.stopped; i++) {
        spool_entry_t e;
        switch (spool_take(sp, "waiting", names[i], &e, err, sizeof err)) {
        case SPOOL_OK:
            if (!client)
                t.stopped = 1, spool_release(&e);
            else
                s_deliver(cli, sp, client, &e, &t);
            break;
        case SPOOL_BUSY:
            t.busy++;
            s_line(cli, "busy", NULL, spool_name_id(names[i]), NULL);
            break;
        case SPOOL_DAMAGED:
            s_damaged(cli, sp, &e, err, &t);
            break;
        case SPOOL_GONE:
            break;
        case SPOOL_ERROR:
            fprintf(stderr, "hj: %s\n", err);
            break;
        }
    }
    hj_client_destroy(&client);
    spool_names_free(names, n);
    t.waiting = (int)spool_count(sp, "waiting");
    if (t.reached && !t.stopped && t.waiting == t.busy)
        spool_mark_synced(sp);
    if (!cli->json) {
        if (n == 0 && !t.damaged)
            printf("nothing waiting\n");
        else if (t.stopped)
            printf("sync: could not reach the system: %d sent, %d already there, %d refused; "
                   "%d still waiting (nothing is lost: run hj sync again later)\n",
                   t.sent, t.replayed, t.refused, t.waiting);
        else
            printf("sync: %d sent, %d already there, %d refused, %d damaged, %d still waiting\n",
                   t.sent, t.replayed, t.refused, t.damaged, t.waiting);
        if (t.refused)
            printf(
                "Refused records wait in the spool with their reason: `hj spool show ID` says how "
                "to correct and resubmit one; `hj spool drop ID` gives it up\n");
    }
    spool_close(&sp);
    return s_exit(&t);
}

/* ---- hj spool ------------------------------------------------------------- */

static const ProtobufCMessageDescriptor *s_request_type(const char *service)
{
    if (strcmp(service, "registry") == 0)
        return &hj__registry__request__descriptor;
    if (strcmp(service, "audit") == 0)
        return &hj__audit__request__descriptor;
    if (strcmp(service, "interviews") == 0)
        return &hj__interviews__request__descriptor;
    return NULL;
}

/* A word as the shell would need it. */
static void s_shell_word(const char *w)
{
    int plain = w[0] != 0;
    for (const char *p = w; *p && plain; p++)
        plain =
            strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+", *p) ||
            (unsigned char)*p >= 0x80;
    if (plain) {
        fputs(w, stdout);
        return;
    }
    putchar('\'');
    for (const char *p = w; *p; p++)
        if (*p == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*p);
    putchar('\'');
}

static void s_command_line(const spool_record_t *r, int with_id)
{
    int has_id = 0;
    for (int i = 0; i < r->argc; i++) {
        if (i)
            putchar(' ');
        s_shell_word(r->argv[i]);
        has_id |= strcmp(r->argv[i], "--request-id") == 0;
    }
    if (with_id && !has_id)
        printf(" --request-id %s", r->request_id);
}

static int s_show(cli_t *cli, spool_t *sp, const char *part, const char *name)
{
    spool_entry_t e;
    char err[512], when[64];
    spool_result_t got = spool_take(sp, part, name, &e, err, sizeof err);
    if (got == SPOOL_BUSY || got == SPOOL_GONE || got == SPOOL_ERROR) {
        fprintf(stderr, "hj: %s: %s\n", name, err);
        return CLI_REFUSED;
    }
    if (got == SPOOL_DAMAGED || strcmp(part, "damaged") == 0) {
        if (got == SPOOL_OK)
            snprintf(err, sizeof err, "set aside as damaged");
        printf("record     %s\nstate      damaged: %s\nfile       %s/%s/%s\n"
               "It was never sent. If you still have what it held, enter it again; then "
               "`hj spool drop %s`.\n",
               name, err, spool_path(sp), part, name, name);
        spool_release(&e);
        return CLI_OK;
    }
    spool_record_t *r = &e.rec;
    const ProtobufCMessageDescriptor *type = s_request_type(r->service);
    ProtobufCMessage *req =
        type ? protobuf_c_message_unpack(type, NULL, r->body_len, r->body) : NULL;
    if (cli->json) {
        printf("{\"state\": \"%s\", \"request_id\": \"%s\", \"service\": ", part, r->request_id);
        hj_json_string(stdout, r->service);
        printf(", \"created\": ");
        hj_json_string(stdout, r->created);
        printf(", \"command\": [");
        for (int i = 0; i < r->argc; i++) {
            fputs(i ? ", " : "", stdout);
            hj_json_string(stdout, r->argv[i]);
        }
        printf("]");
        if (r->refused) {
            printf(", \"refused\": {");
            s_json_refusal((Hj__Code)r->refused_code, r->refused_field, r->refused_message);
            printf(", \"at\": ");
            hj_json_string(stdout, r->refused_at);
            printf("}");
        }
        printf(", \"request\": ");
        if (req)
            hj_pbjson_write(stdout, req);
        else
            printf("null");
        printf("}\n");
    } else {
        printf("record     %s\nstate      %s\nservice    %s\nsaved      %s (Asia/Shanghai)\n",
               r->request_id, part, r->service, spool_local_time(r->created, when, sizeof when));
        printf("command    ");
        s_command_line(r, 0);
        printf("\n");
        if (r->refused) {
            printf("refused    %s: %s: %s", spool_local_time(r->refused_at, when, sizeof when),
                   hj_code_name(r->refused_code), r->refused_message);
            if (r->refused_field[0])
                printf(" (field: %s)", r->refused_field);
            printf("\n");
        }
        printf("request    ");
        if (req)
            hj_pbjson_write(stdout, req);
        else
            printf("(%zu bytes that do not decode as a %s request)", r->body_len, r->service);
        printf("\n");
        if (r->refused) {
            printf("\nTo correct it, run the command again with the corrected values and the same "
                   "request id\n(it replaces this record; a refused write stored nothing):\n  ");
            s_command_line(r, 1);
            printf("\nTo send it unchanged (e.g. once what it needs exists): hj spool retry %.8s\n"
                   "To give it up: hj spool drop %.8s\n",
                   r->request_id, r->request_id);
        }
    }
    if (req)
        protobuf_c_message_free_unpacked(req, NULL);
    spool_release(&e);
    return CLI_OK;
}

static int s_retry(cli_t *cli, spool_t *sp, const char *part, const char *name)
{
    spool_entry_t e;
    s_tally_t t = {0};
    char err[512];
    if (strcmp(part, "damaged") == 0) {
        fprintf(stderr, "hj: %s is damaged and cannot be sent (hj spool show %s)\n", name, name);
        return CLI_REFUSED;
    }
    spool_result_t got = spool_take(sp, part, name, &e, err, sizeof err);
    if (got == SPOOL_DAMAGED) {
        s_damaged(cli, sp, &e, err, &t);
        return CLI_REFUSED;
    }
    if (got != SPOOL_OK) {
        fprintf(stderr, "hj: %s: %s\n", name, err);
        return CLI_REFUSED;
    }
    if (strcmp(part, "rejected") == 0) {
        /* Back among the waiting, without the old reason, then sent now. */
        e.rec.refused = 0;
        if (spool_move(sp, &e, "waiting", &e.rec) != 0) {
            fprintf(stderr, "hj: cannot move %s back into waiting/\n", name);
            spool_release(&e);
            return CLI_REFUSED;
        }
    }
    hj_client_t *client = cli_client(cli, cli->tries);
    if (!client) {
        spool_release(&e);
        return CLI_UNREACHABLE;
    }
    if (s_deliver(cli, sp, client, &e, &t) == CLI_SEND_UNREACHABLE) {
        printf("saved offline, %zu waiting: `hj sync` sends them when the system can be reached\n",
               spool_count(sp, "waiting"));
        hj_client_destroy(&client);
        return CLI_SAVED;
    }
    hj_client_destroy(&client);
    return s_exit(&t);
}

static int s_drop(cli_t *cli, spool_t *sp, const char *part, const char *name)
{
    spool_entry_t e;
    char err[512], what[128] = "";
    if (strcmp(part, "waiting") == 0 && !cli_flag(cli, "force")) {
        fprintf(stderr,
                "hj: %s has not reached the system yet: dropping it loses it. "
                "Add --force to drop it anyway.\n",
                spool_name_id(name));
        return CLI_REFUSED;
    }
    spool_result_t got = spool_take(sp, part, name, &e, err, sizeof err);
    if (got != SPOOL_OK && got != SPOOL_DAMAGED) {
        fprintf(stderr, "hj: %s: %s\n", name, err);
        return CLI_REFUSED;
    }
    if (got == SPOOL_OK)
        spool_record_summary(&e.rec, what, sizeof what);
    if (spool_drop(sp, &e) != 0) {
        fprintf(stderr, "hj: could not remove %s\n", name);
        return CLI_REFUSED;
    }
    printf("dropped %s record %s%s%s\n", part, name, what[0] ? ": " : "", what);
    return CLI_OK;
}

static void s_ago(time_t then, char *buf, size_t size)
{
    long s = (long)(time(NULL) - then);
    if (s < 120)
        snprintf(buf, size, "%ld s ago", s < 0 ? 0 : s);
    else if (s < 7200)
        snprintf(buf, size, "%ld min ago", s / 60);
    else if (s < 172800)
        snprintf(buf, size, "%ld h ago", s / 3600);
    else
        snprintf(buf, size, "%ld days ago", s / 86400);
}

static int s_status(cli_t *cli, spool_t *sp)
{
    size_t waiting = spool_count(sp, "waiting"), rejected = spool_count(sp, "rejected"),
           damaged = spool_count(sp, "damaged");
    time_t last = spool_last_sync(sp);
    char when[64] = "never", ago[32] = "", utc[32];
    if (last) {
        struct tm tm;
        gmtime_r(&last, &tm);
        strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%S", &tm);
        spool_local_time(utc, when, sizeof when);
        s_ago(last, ago, sizeof ago);
    }
    if (cli->json) {
        printf("{\"waiting\": %zu, \"rejected\": %zu, \"damaged\": %zu, \"last_sync\": ", waiting,
               rejected, damaged);
        if (last)
            printf("\"%sZ\"", utc);
        else
            printf("null");
        printf(", \"spool\": ");
        hj_json_string(stdout, spool_path(sp));
        printf("}\n");
        return CLI_OK;
    }
    printf("waiting    %zu%s\n", waiting, waiting ? "   (hj sync sends them)" : "");
    printf("rejected   %zu%s\n", rejected, rejected ? "   (hj spool list; hj spool show ID)" : "");
    if (damaged)
        printf("damaged    %zu   (never sent: hj spool list; hj spool show ID)\n", damaged);
    printf("last sync  %s%s%s%s\n", when, last ? " (Asia/Shanghai, " : "", ago, last ? ")" : "");
    printf("spool      %s\n", spool_path(sp));
    return CLI_OK;
}

/* ---- what a record is about ---------------------------------------------- */

/* What a spooled write is about, read from the request itself (the spool is
 * offline: codes, not names looked up): its community, the date on the
 * record, and the fields a person recognises it by. */
typedef struct {
    char community[128];
    char date[16];
    char about[320];
} s_about_t;

static const ProtobufCFieldDescriptor *s_field(const ProtobufCMessage *m, const char *name,
                                               ProtobufCType type)
{
    const ProtobufCFieldDescriptor *f =
        m ? protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name) : NULL;
    return f && f->type == type && f->label != PROTOBUF_C_LABEL_REPEATED ? f : NULL;
}

/* A string field's value, "" when the message has none of that name. */
static const char *s_text(const ProtobufCMessage *m, const char *name)
{
    const ProtobufCFieldDescriptor *f = s_field(m, name, PROTOBUF_C_TYPE_STRING);
    const char *v = f ? *(const char *const *)((const char *)m + f->offset) : NULL;
    return v ? v : "";
}

static const ProtobufCMessage *s_sub(const ProtobufCMessage *m, const char *name)
{
    const ProtobufCFieldDescriptor *f = s_field(m, name, PROTOBUF_C_TYPE_MESSAGE);
    return f ? *(const ProtobufCMessage *const *)((const char *)m + f->offset) : NULL;
}

/* The value the user typed after `option` in the command that made the record. */
static const char *s_typed(const spool_record_t *r, const char *option)
{
    for (int i = 0; i + 1 < r->argc; i++)
        if (strcmp(r->argv[i], option) == 0)
            return r->argv[i + 1];
    return "";
}

static void s_add(char *about, size_t size, const char *label, const char *value, size_t cols)
{
    char cut[160];
    size_t len = strlen(about);
    if (!value[0] || len + 1 >= size)
        return;
    if (hj_text_truncate(cut, sizeof cut, value, strlen(value), cols, NULL) != 0)
        snprintf(cut, sizeof cut, "%.40s", value);
    snprintf(about + len, size - len, "%s%s%s", len ? " " : "", label, cut);
}

static void s_about(const spool_record_t *r, s_about_t *a)
{
    static const char *const dates[] = {"date",  "opened_on", "submitted_on", "requested_on",
                                        "added", "formed_on", "birth_date",   "term_start"};
    const ProtobufCMessageDescriptor *type = s_request_type(r->service);
    ProtobufCMessage *req =
        type ? protobuf_c_message_unpack(type, NULL, r->body_len, r->body) : NULL;
    const ProtobufCMessage *m = req ? cli_oneof(req) : NULL;
    memset(a, 0, sizeof *a);
    if (!m) {
        snprintf(a->about, sizeof a->about, "(the request does not decode)");
        goto out;
    }
    if (s_text(m, "community")[0])
        snprintf(a->community, sizeof a->community, "%s", s_text(m, "community"));
    else if (s_text(m, "subdistrict")[0])
        snprintf(a->community, sizeof a->community, "%s（全街道）", s_text(m, "subdistrict"));
    for (size_t i = 0; i < sizeof dates / sizeof dates[0] && !a->date[0]; i++)
        snprintf(a->date, sizeof a->date, "%s", s_text(m, dates[i]));
    /* Who it is about: the interviewee, the person of an entry, the record's own name. */
    const ProtobufCMessage *who = s_sub(m, "interviewee");
    const char *person =
        who && s_text(who, "name")[0] ? s_text(who, "name") : s_typed(r, "--person");
    s_add(a->about, sizeof a->about, "", s_text(m, "name"), 24);
    s_add(a->about, sizeof a->about, "", s_text(m, "code"), 24);
    s_add(a->about, sizeof a->about, "", person, 24);
    s_add(a->about, sizeof a->about, "", s_text(m, "title"), 24);
    s_add(a->about, sizeof a->about, "", s_text(m, "summary"), 24);
    if (!a->about[0])
        s_add(a->about, sizeof a->about, "", s_text(m, "id"), 12);
out:
    if (req)
        protobuf_c_message_free_unpacked(req, NULL);
}

static int s_list(cli_t *cli, spool_t *sp)
{
    static const char *parts[] = {"waiting", "rejected", "damaged"};
    static const char *head_en[] = {"STATE",     "REQUEST ID", "SAVED",  "COMMAND",
                                    "COMMUNITY", "DATE",       "RECORD", "REASON"};
    static const char *head_zh[] = {"状态", "请求编号", "保存时间", "命令",
                                    "社区", "日期",     "记录",     "原因"};
    cli_table_t *tab = cli_table_new(8, cli->en ? head_en : head_zh);
    int first = 1;
    if (cli->json)
        printf("[");
    for (int p = 0; p < 3; p++) {
        char **names;
        size_t n;
        if (spool_names(sp, parts[p], &names, &n) != 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            spool_entry_t e;
            char err[512], when[64] = "", what[128] = "", reason[600] = "";
            s_about_t about = {0};
            spool_result_t got = spool_take(sp, parts[p], names[i], &e, err, sizeof err);
            const char *id = spool_name_id(names[i])[0] ? spool_name_id(names[i]) : names[i];
            if (got == SPOOL_OK) {
                spool_local_time(e.rec.created, when, sizeof when);
                spool_record_summary(&e.rec, what, sizeof what);
                s_about(&e.rec, &about);
                if (e.rec.refused)
                    snprintf(reason, sizeof reason, "%s%s%s: %s", hj_code_name(e.rec.refused_code),
                             e.rec.refused_field[0] ? " " : "", e.rec.refused_field,
                             e.rec.refused_message);
            } else if (got == SPOOL_BUSY)
                snprintf(reason, sizeof reason, "being sent right now");
            else if (got == SPOOL_DAMAGED)
                snprintf(reason, sizeof reason, "%s", err);
            else
                continue;
            spool_release(&e);
            if (cli->json) {
                printf("%s{\"state\": \"%s\", \"request_id\": ", first ? "" : ", ", parts[p]);
                hj_json_string(stdout, id);
                printf(", \"command\": ");
                hj_json_string(stdout, what);
                printf(", \"community\": ");
                hj_json_string(stdout, about.community);
                printf(", \"date\": ");
                hj_json_string(stdout, about.date);
                printf(", \"record\": ");
                hj_json_string(stdout, about.about);
                printf(", \"reason\": ");
                hj_json_string(stdout, reason);
                printf("}");
                first = 0;
            } else {
                const char *row[] = {parts[p],        id,         when,        what,
                                     about.community, about.date, about.about, reason};
                cli_table_row(tab, row);
            }
        }
        spool_names_free(names, n);
    }
    if (cli->json)
        printf("]\n");
    else
        cli_table_print(tab);
    cli_table_destroy(&tab);
    return CLI_OK;
}

int cmd_spool(cli_t *cli, const char *verb)
{
    char part[16], name[96], err[512];
    int rc = CLI_USAGE;
    int needs_id =
        strcmp(verb, "show") == 0 || strcmp(verb, "retry") == 0 || strcmp(verb, "drop") == 0;
    if (!needs_id && strcmp(verb, "status") != 0 && strcmp(verb, "list") != 0)
        return cli_usage("hj spool status|list|show|retry|drop");
    if (needs_id && cli->npos != 1)
        return cli_usage("hj spool %s ID   (a request id, or its first characters)", verb);
    if (strcmp(verb, "drop") == 0)
        cli_flag(cli, "force");
    if ((rc = cli_unused(cli)) != CLI_OK)
        return rc;
    spool_t *sp = s_open(cli);
    if (!sp)
        return CLI_USAGE;
    if (strcmp(verb, "status") == 0)
        rc = s_status(cli, sp);
    else if (strcmp(verb, "list") == 0)
        rc = s_list(cli, sp);
    else if (spool_find(sp, cli->pos[0], part, name, err, sizeof err) != 0) {
        fprintf(stderr, "hj: %s\n", err);
        rc = CLI_REFUSED;
    } else if (strcmp(verb, "show") == 0)
        rc = s_show(cli, sp, part, name);
    else if (strcmp(verb, "retry") == 0)
        rc = s_retry(cli, sp, part, name);
    else
        rc = s_drop(cli, sp, part, name);
    spool_close(&sp);
    return rc;
}
