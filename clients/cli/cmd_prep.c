/* Shared by the preparation-record command groups. */
#include "cmd_prep.h"

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

int prep_call(cli_t *cli, Hj__Registry__Request *req, Hj__Registry__Reply **out)
{
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    return cli_call(cli, "registry", &req->base, &hj__registry__reply__descriptor,
                    (ProtobufCMessage **)out);
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

int prep_list(cli_t *cli, Hj__Registry__Request *req, Hj__Registry__ListQuery *q,
              void (*print)(const ProtobufCMessage *result))
{
    cli_list_t l;
    (void)cli_flag(cli, "all"); /* read by cli_list: not an unknown option */
    int rc = cli_unused(cli);
    if (rc == CLI_OK)
        rc = cli_list(cli, "registry", &req->base, &q->after, &hj__registry__reply__descriptor, &l);
    if (rc != CLI_OK)
        return rc;
    if (cli->json)
        cli_list_json(&l);
    else {
        print(l.list);
        cli_withheld(cli, l.list);
        cli_list_footer(cli, &l);
    }
    cli_list_free(&l);
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
    cli_table_t *t = cli_table_new(ncols, head);
    for (size_t i = 0; i < n; i++)
        row(t, records[i]);
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

int prep_grow(void *arrayp, size_t n, size_t *cap, size_t size)
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

int prep_csv_read(const char *path, const prep_csv_t *spec, int *col, void *ctx)
{
    size_t len = 0, rows = 0;
    int rc = CLI_USAGE, got = 0;
    hj_csv_record_t rec;
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
        rows++;
        if (rec.count != columns) {
            fprintf(stderr, "hj: line %zu: %zu fields, the header has %zu\n", rec.line, rec.count,
                    columns);
            rc = CLI_USAGE;
            continue;
        }
        int kept = spec->row(ctx, &rec, col);
        if (kept < 0) {
            fprintf(stderr, "hj: out of memory reading %s\n", path);
            rc = CLI_USAGE;
            break;
        }
        if (kept > 0)
            rc = CLI_USAGE;
    }
    if (got < 0) {
        fprintf(stderr, "hj: %s: %s\n", path, hj_csv_error(reader));
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK && rows == 0) {
        fprintf(stderr, "hj: %s has a header but no rows\n", path);
        rc = CLI_USAGE;
    }
out:
    hj_csv_reader_destroy(&reader);
    free(buf);
    return rc;
}

/* ---- corrections without deletion (issue #20) ------------------------------ */

int prep_void(cli_t *cli, const char *usage, Hj__Registry__RecordVoid *v,
              Hj__Registry__Request *req, char id[37])
{
    if (cli->npos != 1)
        return cli_usage("%s", usage);
    v->id = (char *)cli->pos[0];
    v->reason = (char *)cli_opt_or(cli, "reason", "");
    req->request_id = (char *)cli_request_id(cli, id);
    return CLI_OK;
}

const char *prep_voided_done(const char *what_zh, const char *what_en)
{
    static char done[256];
    if (s_en)
        snprintf(done, sizeof done, "%s voided: kept, no longer counted (--include-void lists it)",
                 what_en);
    else
        snprintf(done, sizeof done, "%s已作废：记录保留，不再计入（--include-void 可列出）",
                 what_zh);
    return done;
}

const char *prep_voided_mark(int voided)
{
    return !voided ? "" : s_en ? " (voided)" : " (已作废)";
}
