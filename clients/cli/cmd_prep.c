/* Shared by the preparation-record command groups. */
#include "cmd_prep.h"
#include "record_ref.h"
#include "audit.pb-c.h"
#include "interviews.pb-c.h"
#include "tally.pb-c.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Chinese an official reads for each categorical word of the record. */
static const char *const s_labels[][2] = {
    {"screen", "电子屏"},
    {"wechat_group", "居民微信群"},
    {"notice_board", "公告栏"},
    {"other", "其他"},
    {"slogan", "宣传标语"},
    {"policy_reading", "政策解读"},
    {"election_discipline", "换届纪律"},
    {"good_practice", "经验做法"},
    {"party", "党组织"},
    {"residents", "居委会"},
    {"active", "在库"},
    {"withdrawn", "退出"},
    {"nominated", "已提名"},
    {"pending", "待审"},
    {"cleared", "通过"},
    {"barred", "不通过"},
    {"criminal_record", "受过刑事处罚"},
    {"gang_involvement", "涉黑涉恶"},
    {"illegal_religion", "参与非法宗教活动"},
    {"expelled_from_party", "被开除党籍"},
    {"complex_situation", "换届选举形势复杂"},
    {"gang_interference", "黑恶宗族势力干扰"},
    {"religious_interference", "宗教势力干扰"},
    {"petitions", "信访矛盾集中"},
    {"weak_party_organisation", "党组织软弱涣散"},
    {"open", "未开始"},
    {"in_progress", "整顿中"},
    {"closed", "已销号"},
    {"requested", "已申请"},
    {"approved", "已批准"},
    {"rejected", "未批准"},
    {"leadership_group", "换届工作领导小组"},
    {"office", "领导小组办公室"},
    {"guidance_group", "指导组"},
    {"election_committee", "选举委员会"},
    {"leader", "组长"},
    {"member", "成员"},
    {"draft", "审批中"},
    {"returned", "已退回"},
    {"in_force", "已生效"},
    {"superseded", "已被新版取代"},
    {"done", "已完成"},
    {"election_committee_member", "选举委员会成员"},
    {"guidance_group_member", "指导组成员"},
    {"community_staff", "社区工作者"},
    {"leadership_group_member", "领导小组成员"},
    /* Short forms people write; the first label of a word above is what is shown. */
    {"slogan", "标语"},
    {"wechat_group", "微信群"},
    {"notice_board", "宣传栏"},
    {"screen", "显示屏"},
};
#define S_NLABELS (sizeof s_labels / sizeof s_labels[0])

int prep_call_to(cli_t *cli, const char *service, const ProtobufCMessage *req,
                 const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply)
{
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    return cli_call(cli, service, req, reply_desc, reply);
}

int prep_call(cli_t *cli, Hj__Registry__Request *req, Hj__Registry__Reply **out)
{
    return prep_call_to(cli, "registry", &req->base, &hj__registry__reply__descriptor,
                        (ProtobufCMessage **)out);
}

int prep_answer(cli_t *cli, const ProtobufCMessage *m, const char *done)
{
    if (!m) {
        fprintf(stderr, "hj: the answer carries nothing to show\n");
        return CLI_REFUSED;
    }
    if (cli->json)
        cli_json(m);
    else if (done)
        printf("%s\n", done);
    return CLI_OK;
}

int prep_uint(cli_t *cli, const char *key, uint32_t min, uint32_t max, uint32_t def, uint32_t *out)
{
    const char *v = cli_opt(cli, key);
    if (!v) {
        *out = def;
        return CLI_OK;
    }
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (!*v || *end || n < min || n > max)
        return cli_usage("--%s must be a number from %u to %u", key, min, max);
    *out = (uint32_t)n;
    return CLI_OK;
}

int prep_list_query(cli_t *cli, Hj__Registry__ListQuery *q)
{
    q->community = (char *)cli_opt_or(cli, "community", "");
    q->subdistrict = (char *)cli_opt_or(cli, "subdistrict", "");
    q->after = (char *)cli_opt_or(cli, "after", "");
    cli_opt(cli, "lang"); /* the withheld note's language (cli_withheld) */
    return prep_uint(cli, "limit", 1, 1000, 0, &q->limit);
}

void prep_texts(cli_t *cli, const char *const *keys, char **const *fields)
{
    size_t i = 0;
    for (; keys[i] && fields[i]; i++)
        *fields[i] = (char *)cli_opt_or(cli, keys[i], "");
    if (keys[i] || fields[i]) {
        fprintf(stderr, "hj: internal: option %s has no field to fill\n", keys[i] ? keys[i] : "?");
        abort();
    }
}

size_t prep_opts(cli_t *cli, const char *key, char **out, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, key) == 0) {
            cli->opt[i].used = 1;
            if (n < max)
                out[n++] = (char *)cli->opt[i].value;
        }
    return n;
}

int prep_output(cli_t *cli, Hj__Registry__Reply *reply, const char *done,
                void (*print)(const ProtobufCMessage *result))
{
    const ProtobufCMessage *result = cli_oneof(&reply->base);
    if (cli->json)
        cli_json(result ? result : &reply->base);
    else {
        /* A record's code first (X0042): what a field team notes to correct it later. */
        const ProtobufCFieldDescriptor *f =
            result ? protobuf_c_message_descriptor_get_field_by_name(result->descriptor, "code")
                   : NULL;
        const char *code =
            f && f->type == PROTOBUF_C_TYPE_STRING && f->label != PROTOBUF_C_LABEL_REPEATED
                ? *(char *const *)((const char *)result + f->offset)
                : NULL;
        if (done && code && code[0])
            printf("%s  %s\n", code, done);
        else if (done)
            printf("%s\n", done);
        if (result && print)
            print(result);
        if (result)
            cli_withheld(cli, result);
    }
    hj__registry__reply__free_unpacked(reply, NULL);
    return CLI_OK;
}

int prep_list_to(cli_t *cli, const char *service, ProtobufCMessage *req, char **after,
                 const ProtobufCMessageDescriptor *reply_desc, int withheld,
                 void (*print)(const ProtobufCMessage *list))
{
    cli_list_t l;
    (void)cli_flag(cli, "all"); /* read by cli_list: not an unknown option */
    int rc = cli_unused(cli);
    if (rc == CLI_OK)
        rc = cli_list(cli, service, req, after, reply_desc, &l);
    if (rc != CLI_OK)
        return rc;
    if (cli->json)
        cli_list_json(&l);
    else {
        print(l.list);
        if (withheld)
            cli_withheld(cli, l.list);
        cli_list_footer(cli, &l);
    }
    cli_list_free(&l);
    return CLI_OK;
}

int prep_list(cli_t *cli, uint32_t op_case, Hj__Registry__ListQuery *q,
              void (*print)(const ProtobufCMessage *result))
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    int rc = prep_list_query(cli, q);
    if (rc == CLI_OK && prep_set_op(&req.base, op_case, &q->base) != 0)
        rc = cli_usage("internal: op %u does not take a list query", op_case);
    return rc ? rc
              : prep_list_to(cli, "registry", &req.base, &q->after,
                             &hj__registry__reply__descriptor, 1, print);
}

int prep_set_op(ProtobufCMessage *req, uint32_t op_case, const ProtobufCMessage *op)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(req->descriptor, op_case);
    if (!f || !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || f->type != PROTOBUF_C_TYPE_MESSAGE ||
        f->descriptor != op->descriptor)
        return -1;
    memcpy((char *)req + f->quantifier_offset, &op_case, sizeof op_case);
    memcpy((char *)req + f->offset, &op, sizeof op);
    return 0;
}

int prep_send_to(cli_t *cli, const prep_service_t *svc, uint32_t op_case,
                 const ProtobufCMessage *op, int how, ProtobufCMessage **reply)
{
    const ProtobufCFieldDescriptor *id_field =
        protobuf_c_message_descriptor_get_field_by_name(svc->request, "request_id");
    ProtobufCMessage *req = calloc(1, svc->request->sizeof_message);
    char id[37];
    int rc = CLI_UNREACHABLE;
    if (!req) {
        fprintf(stderr, "hj: out of memory\n");
        goto out;
    }
    protobuf_c_message_init(svc->request, req);
    if ((how & PREP_WRITE) && id_field) {
        const char *given = cli_request_id(cli, id);
        memcpy((char *)req + id_field->offset, &given, sizeof given);
    }
    /* A wrong pairing is the programmer's: said, never sent half-made. */
    if (prep_set_op(req, op_case, op) != 0)
        rc = cli_usage("internal: op %u does not take a %s", op_case, op->descriptor->name);
    else if (how & PREP_LOOKUP)
        rc = cli_call(cli, svc->name, req, svc->reply, reply);
    else
        rc = prep_call_to(cli, svc->name, req, svc->reply, reply);
out:
    free(req);
    return rc;
}

int prep_fetch(cli_t *cli, const prep_service_t *svc, uint32_t op_case, const ProtobufCMessage *op,
               int how, const ProtobufCMessageDescriptor *type, ProtobufCMessage **reply,
               const ProtobufCMessage **result)
{
    int rc = prep_send_to(cli, svc, op_case, op, how, reply);
    if (rc != CLI_OK)
        return rc;
    *result = cli_oneof(*reply);
    if (!*result || (type && (*result)->descriptor != type)) {
        fprintf(stderr, "hj: the answer from %s carries no %s\n", svc->name,
                type ? type->short_name : "result");

        protobuf_c_message_free_unpacked(*reply, NULL);
        *reply = NULL;
        return CLI_REFUSED;
    }
    return CLI_OK;
}

int prep_fetch_show(cli_t *cli, const prep_service_t *svc, uint32_t op_case,
                    const ProtobufCMessage *op, int how, const ProtobufCMessageDescriptor *type,
                    void (*print)(const ProtobufCMessage *result, int arg), int arg)
{
    ProtobufCMessage *reply;
    const ProtobufCMessage *result;
    int rc = prep_fetch(cli, svc, op_case, op, how, type, &reply, &result);
    if (rc != CLI_OK)
        return rc;
    if (cli->json)
        cli_json(result);
    else
        print(result, arg);
    protobuf_c_message_free_unpacked(reply, NULL);
    return CLI_OK;
}

const prep_service_t prep_registry = {"registry", &hj__registry__request__descriptor,
                                      &hj__registry__reply__descriptor};
const prep_service_t prep_audit = {"audit", &hj__audit__request__descriptor,
                                   &hj__audit__reply__descriptor};
const prep_service_t prep_interviews = {"interviews", &hj__interviews__request__descriptor,
                                        &hj__interviews__reply__descriptor};
const prep_service_t prep_tally = {"tally", &hj__tally__request__descriptor,
                                   &hj__tally__reply__descriptor};

int prep_send(cli_t *cli, uint32_t op_case, ProtobufCMessage *op, int write,
              Hj__Registry__Reply **out)
{
    return prep_send_to(cli, &prep_registry, op_case, op, write, (ProtobufCMessage **)out);
}

int prep_write(cli_t *cli, uint32_t op_case, ProtobufCMessage *op, const char *done,
               void (*print)(const ProtobufCMessage *result))
{
    Hj__Registry__Reply *reply;
    int rc = prep_send(cli, op_case, op, 1, &reply);
    return rc ? rc : prep_output(cli, reply, done, print);
}

int prep_read(cli_t *cli, uint32_t op_case, ProtobufCMessage *op,
              void (*print)(const ProtobufCMessage *result))
{
    Hj__Registry__Reply *reply;
    int rc = prep_send(cli, op_case, op, 0, &reply);
    return rc ? rc : prep_output(cli, reply, NULL, print);
}

int prep_show(cli_t *cli, uint32_t op_case, void (*print)(const ProtobufCMessage *result))
{
    Hj__Registry__Get get = HJ__REGISTRY__GET__INIT;
    get.key = (char *)cli->pos[0];
    return prep_read(cli, op_case, &get.base, print);
}

void prep_table(const ProtobufCMessage *m, int ncols, const char *const *head,
                void (*row)(cli_table_t *t, const ProtobufCMessage *record))
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "items");
    const ProtobufCMessage *const *records = &m;
    size_t n = 1;
    if (f && f->label == PROTOBUF_C_LABEL_REPEATED && f->type == PROTOBUF_C_TYPE_MESSAGE) {
        memcpy(&n, (const char *)m + f->quantifier_offset, sizeof n);
        memcpy(&records, (const char *)m + f->offset, sizeof records);
    }
    prep_rows(records, n, ncols, head, row);
}

const void *prep_table_record(const ProtobufCMessage *m, int ncols, const char *const *head,
                              void (*row)(cli_table_t *t, const ProtobufCMessage *record),
                              const ProtobufCMessageDescriptor *type)
{
    prep_table(m, ncols, head, row);
    return m->descriptor == type ? m : NULL;
}

void prep_rows(const void *records, size_t n, int ncols, const char *const *head,
               void (*row)(cli_table_t *t, const ProtobufCMessage *record))
{
    const ProtobufCMessage *const *r = records;
    cli_table_t *t = cli_table_new(ncols, head);
    for (size_t i = 0; i < n; i++)
        row(t, r[i]);
    cli_table_print(t);
    cli_table_destroy(&t);
}

const ProtobufCMessageDescriptor *prep_record_type(const ProtobufCMessage *m)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "items");
    return f && f->label == PROTOBUF_C_LABEL_REPEATED && f->type == PROTOBUF_C_TYPE_MESSAGE
               ? f->descriptor
               : m->descriptor;
}

int prep_reply(cli_t *cli, ProtobufCMessage *reply, const char *done,
               void (*print)(const ProtobufCMessage *result))
{
    const ProtobufCMessage *result = cli_oneof(reply);
    if (cli->json)
        cli_json(result ? result : reply);
    else {
        if (done)
            printf("%s\n", done);
        if (result)
            print(result);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return CLI_OK;
}

static int s_en;

void prep_set_lang(int en)
{
    s_en = en;
}

int prep_lang_en(void)
{
    return s_en;
}

const char *prep_label(const char *word, int slot)
{
    (void)slot;
    return s_en ? word : prep_zh(word);
}

const char *prep_zh(const char *word)
{
    for (size_t i = 0; i < S_NLABELS; i++)
        if (strcmp(word, s_labels[i][0]) == 0)
            return s_labels[i][1];
    return word;
}

const char *prep_word(const char *label_or_word)
{
    for (size_t i = 0; i < S_NLABELS; i++)
        if (strcmp(label_or_word, s_labels[i][1]) == 0)
            return s_labels[i][0];
    return label_or_word;
}

const char *prep_enum(cli_t *cli, const char *key, const char *def)
{
    return prep_word(cli_opt_or(cli, key, def));
}

void prep_fields(const char *const *pairs, size_t n)
{
    static const char *head[] = {"FIELD", "VALUE"};
    cli_table_t *t = cli_table_new(2, head);
    for (size_t i = 0; i < n; i++) {
        const char *row[] = {pairs[2 * i], pairs[2 * i + 1]};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

char *prep_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    if (!f)
        return NULL;
    do {
        if (n + 65536 > cap) {
            char *grown = realloc(buf, cap = n + 65536 + cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Which column of the file holds each of spec's columns; every unknown or
 * repeated one is named. 0 / -1. */
static int s_csv_header(const prep_csv_t *spec, const hj_csv_record_t *rec, int *col)
{
    int bad = 0;
    for (int c = 0; c < spec->ncols; c++)
        col[c] = -1;
    for (size_t i = 0; i < rec->count; i++) {
        int found = -1;
        for (int c = 0; c < spec->ncols && found < 0; c++)
            for (int k = 0; k < spec->width && spec->names[c * spec->width + k]; k++)
                if (strcmp(rec->fields[i], spec->names[c * spec->width + k]) == 0)
                    found = c;
        if (found < 0 || col[found] >= 0) {
            fprintf(stderr, "hj: line %zu: %s column '%s'\n", rec->line,
                    found < 0 ? "unknown" : "repeated", rec->fields[i]);
            bad = 1;
        } else
            col[found] = (int)i;
    }
    return bad || spec->check(rec, col) != 0 ? -1 : 0;
}

/* Room for element n in the malloc'd array at *(T **)arrayp of *cap elements
 * of size bytes (doubling, from 64): 0, or -1 when out of memory (unchanged). */
static int s_grow(void *arrayp, size_t n, size_t *cap, size_t size)
{
    void *items, *grown;
    if (n < *cap)
        return 0;
    size_t want = *cap ? *cap * 2 : 64;
    memcpy(&items, arrayp, sizeof items); /* T ** and void * share a representation */
    if (want > SIZE_MAX / size || !(grown = realloc(items, want * size)))
        return -1;
    memcpy(arrayp, &grown, sizeof grown);
    *cap = want;
    return 0;
}

/* One record as a message of spec->type in a, its pointer kept in *list:
 * 0 kept, 1 a bad line (named), -1 out of memory. */
static int s_csv_row(const prep_csv_t *spec, const hj_csv_record_t *rec, const int *col,
                     hj_arena_t *a, ProtobufCMessage ***list, size_t *n, size_t *cap)
{
    ProtobufCMessage *msg = hj_arena_alloc(a, spec->type->sizeof_message);
    if (!msg || s_grow(list, *n, cap, sizeof **list) != 0)
        return -1;
    protobuf_c_message_init(spec->type, msg);
    int kept = spec->row(rec, col, msg, a);
    if (a->failed)
        return -1;
    if (kept == 0)
        (*list)[(*n)++] = msg;
    return kept;
}

int prep_csv_read(const char *path, const prep_csv_t *spec, hj_arena_t *a, void *rows, size_t *n)
{
    size_t len = 0, lines = 0, kept = 0, cap = 0;
    int rc = CLI_USAGE, got = 0, col[PREP_CSV_MAX_COLUMNS];
    ProtobufCMessage **list = NULL, **out = NULL;
    hj_csv_record_t rec;
    *n = 0;
    if (spec->ncols > PREP_CSV_MAX_COLUMNS) {
        fprintf(stderr, "hj: internal: %d columns, at most %d\n", spec->ncols,
                PREP_CSV_MAX_COLUMNS);
        abort();
    }
    char *buf = prep_slurp(path, &len);
    if (!buf)
        return cli_usage("cannot read %s: %s", path, strerror(errno));
    hj_csv_reader_t *reader = hj_csv_reader_new(buf, len);
    if (!reader || (got = hj_csv_next(reader, &rec)) <= 0 || s_csv_header(spec, &rec, col) != 0) {
        if (reader && hj_csv_error(reader)[0])
            fprintf(stderr, "hj: %s: %s\n", path, hj_csv_error(reader));
        else if (reader && !got)
            fprintf(stderr, "hj: %s is empty: it needs a header line and rows\n", path);
        goto out;
    }
    size_t columns = rec.count;
    rc = CLI_OK;
    while ((got = hj_csv_next(reader, &rec)) == 1) {
        lines++;
        if (rec.count != columns) {
            fprintf(stderr, "hj: line %zu: %zu fields, the header has %zu\n", rec.line, rec.count,
                    columns);
            rc = CLI_USAGE;
            continue;
        }
        int row = s_csv_row(spec, &rec, col, a, &list, &kept, &cap);
        if (row < 0) {
            fprintf(stderr, "hj: out of memory reading %s\n", path);
            rc = CLI_USAGE;
            break;
        }
        if (row > 0)
            rc = CLI_USAGE;
    }
    if (got < 0) {
        fprintf(stderr, "hj: %s: %s\n", path, hj_csv_error(reader));
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK && lines == 0) {
        fprintf(stderr, "hj: %s has a header but no rows\n", path);
        rc = CLI_USAGE;
    }
    /* The pointer array moves into the arena with the rows it points to. */
    if (rc == CLI_OK && !(out = hj_arena_alloc(a, kept * sizeof *out))) {
        fprintf(stderr, "hj: out of memory reading %s\n", path);
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK) {
        memcpy(out, list, kept * sizeof *out);
        memcpy(rows, &out, sizeof out); /* T ** and ProtobufCMessage ** share a representation */
        *n = kept;
    }
out:
    free(list);
    hj_csv_reader_destroy(&reader);
    free(buf);
    return rc;
}

/* ---- corrections without deletion (issue #20) ------------------------------ */

/* What a record's correction says: what was corrected, then how, in the labels' language. */
static const char *s_done(const char *what_zh, const char *how_zh, const char *what_en,
                          const char *how_en)
{
    static char done[256];
    snprintf(done, sizeof done, "%s%s", s_en ? what_en : what_zh, s_en ? how_en : how_zh);
    return done;
}

const char *prep_voided_done(const char *what_zh, const char *what_en)
{
    return s_done(what_zh, "已作废：记录保留，不再计入（--include-void 可列出）", what_en,
                  " voided: kept, no longer counted (--include-void lists it)");
}

const char *prep_corrected_done(const char *what_zh, const char *what_en)
{
    return s_done(what_zh, "已更正（原值保留在日志中）", what_en,
                  " corrected (the previous values are kept in the journal)");
}

int prep_void(cli_t *cli, const char *usage, uint32_t op_case, const char *what_zh,
              const char *what_en, void (*print)(const ProtobufCMessage *result))
{
    Hj__Registry__RecordVoid v = HJ__REGISTRY__RECORD_VOID__INIT;
    if (cli->npos != 1)
        return cli_usage("%s", usage);
    v.id = (char *)cli->pos[0];
    v.reason = (char *)cli_opt_or(cli, "reason", "");
    return prep_write(cli, op_case, &v.base, prep_voided_done(what_zh, what_en), print);
}

/* The kinds of registry record a group's verbs share (prep_kind_run): list,
 * show and void as their ops (0: the kind has none), what a void says it
 * voided, the verbs a code names the record in (NULL: its UUID only), and
 * the group's usage. */
typedef struct {
    const char *group;
    uint32_t list_op, get_op, void_op;
    const char *what_zh, *what_en;
    const char *const *ref_verbs;
    const char *usage;
} s_kind_t;

#define S_OP(name) HJ__REGISTRY__REQUEST__OP_##name
static const char *const s_ref_verbs[] = {"show", "void", "update", NULL};
static const char *const s_task_verbs[] = {"done", "void", "update", NULL};
static const s_kind_t s_kinds[] = {
    {"publicity", S_OP(PUBLICITY_LIST), S_OP(PUBLICITY_GET), S_OP(PUBLICITY_VOID), "宣传记录",
     "publicity push", s_ref_verbs, "hj publicity add|list|show|void|update"},
    {"assessment", S_OP(ASSESSMENT_LIST), S_OP(ASSESSMENT_GET), S_OP(ASSESSMENT_VOID), "评估记录",
     "assessment", s_ref_verbs, "hj assessment add|list|show|risk|void"},
    {"training", S_OP(TRAINING_LIST), S_OP(TRAINING_GET), S_OP(TRAINING_VOID), "培训记录",
     "training session", s_ref_verbs, "hj training add|list|show|coverage|void|update"},
    {"reserve", S_OP(RESERVE_LIST), S_OP(RESERVE_GET), S_OP(RESERVE_VOID), "后备人选台账条目",
     "reserve entry", s_ref_verbs, "hj reserve add|update|list|show|import|export|void"},
    {"task", S_OP(TASK_LIST), 0, S_OP(TASK_VOID), "任务", "task", s_task_verbs,
     "hj task add|done|list|void|update"},
    {"body", S_OP(BODY_LIST), S_OP(BODY_GET), 0, NULL, NULL, NULL, "hj body add|change|list|show"},
    {"plan", S_OP(PLAN_LIST), S_OP(PLAN_GET), 0, NULL, NULL, NULL,
     "hj plan add|edit|revise|approve|return|list|show"},
    {"rectification", S_OP(RECTIFICATION_LIST), S_OP(RECTIFICATION_GET), 0, NULL, NULL, NULL,
     "hj rectification open|start|close|list|show"},
    {"upgrade", S_OP(UPGRADE_LIST), S_OP(UPGRADE_GET), 0, NULL, NULL, NULL,
     "hj upgrade request|approve|reject|list|show"},
};
#undef S_OP

/* A kind's list verb: its filters into q, then prep_list. */
static int s_kind_list(cli_t *cli, uint32_t op_case, const prep_filter_t *filters,
                       void (*print)(const ProtobufCMessage *result))
{
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    for (const prep_filter_t *f = filters; f->key; f++) {
        const ProtobufCFieldDescriptor *d =
            protobuf_c_message_descriptor_get_field_by_name(q.base.descriptor, f->field);
        char *at = d ? (char *)&q + d->offset : NULL;
        /* A filter naming no field of its type is the programmer's: said, never sent. */
        if (!d || d->type != (f->how == PREP_FLAG ? PROTOBUF_C_TYPE_BOOL : PROTOBUF_C_TYPE_STRING))
            return cli_usage("internal: --%s fills no list field %s", f->key, f->field);
        if (f->how == PREP_FLAG) {
            protobuf_c_boolean set = cli_flag(cli, f->key);
            memcpy(at, &set, sizeof set);
        } else {
            const char *v =
                f->how == PREP_WORD ? prep_enum(cli, f->key, "") : cli_opt_or(cli, f->key, "");
            memcpy(at, &v, sizeof v);
        }
    }
    return prep_list(cli, op_case, &q, print);
}

int prep_kind_run(cli_t *cli, const char *verb, const char *group, const prep_verb_t *verbs,
                  const prep_filter_t *filters, void (*print)(const ProtobufCMessage *result))
{
    const s_kind_t *k = s_kinds;
    char usage[128];
    while (strcmp(k->group, group) != 0)
        if (++k == s_kinds + sizeof s_kinds / sizeof s_kinds[0])
            return cli_usage("internal: no record kind %s", group);
    int rc = k->ref_verbs ? record_ref_pos(cli, verb, k->ref_verbs, group) : CLI_OK;
    if (rc != CLI_OK)
        return rc;
    for (const prep_verb_t *v = verbs; v->verb; v++)
        if (strcmp(verb, v->verb) == 0 && (!v->one || cli->npos == 1))
            return v->run(cli, verb);
    if (strcmp(verb, "list") == 0)
        return s_kind_list(cli, k->list_op, filters, print);
    if (k->get_op && strcmp(verb, "show") == 0 && cli->npos == 1)
        return prep_show(cli, k->get_op, print);
    if (!k->void_op || strcmp(verb, "void") != 0)
        return cli_usage("%s", k->usage);
    snprintf(usage, sizeof usage, "hj %s void ID --reason TEXT", group);
    return prep_void(cli, usage, k->void_op, k->what_zh, k->what_en, print);
}

const char *prep_voided_mark(int voided)
{
    return !voided ? "" : s_en ? " (voided)" : " (已作废)";
}
